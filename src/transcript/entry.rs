//! One transcribed row of a paper call log, validated: the contract between
//! transcription (which produces entries) and reconciliation (which reads
//! them). Patient data lives only in `patient_name` and `patient_id`; never
//! put them into messages, logs or file names.

use crate::personal_id::PersonalId;
use jiff::ZonedDateTime;
use jiff::civil::{Date, DateTime};
use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Text that many rows repeat (a file name, a unit id, a signature): one
/// copy per run, shared by the rows through [`Names`]. Reads as `&str`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shared(Arc<str>);

impl Shared {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether both are the one shared copy (not only equal text).
    pub fn is_same(&self, other: &Shared) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared(Arc::from(""))
    }
}

impl Deref for Shared {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Shared {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for Shared {
    fn from(s: &str) -> Self {
        Shared(Arc::from(s))
    }
}

impl From<String> for Shared {
    fn from(s: String) -> Self {
        Shared(Arc::from(s))
    }
}

impl From<&String> for Shared {
    fn from(s: &String) -> Self {
        Shared(Arc::from(s.as_str()))
    }
}

impl From<&Shared> for String {
    fn from(s: &Shared) -> Self {
        s.0.to_string()
    }
}

impl From<Shared> for String {
    fn from(s: Shared) -> Self {
        s.0.to_string()
    }
}

impl PartialEq<str> for Shared {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Shared {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Shared {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Shared> for str {
    fn eq(&self, other: &Shared) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Shared> for &str {
    fn eq(&self, other: &Shared) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Shared> for String {
    fn eq(&self, other: &Shared) -> bool {
        **self == *other.0
    }
}

/// The texts of one run that rows repeat, each kept once: at 1,000,000
/// rows a file name, unit id or signature per row would otherwise be a
/// million small allocations.
#[derive(Debug, Clone, Default)]
pub struct Names(HashSet<Shared, super::privacy::WordHash>);

impl Names {
    /// The one shared copy of `text`.
    pub fn get(&mut self, text: &str) -> Shared {
        if let Some(s) = self.0.get(text) {
            return s.clone();
        }
        let s = Shared::from(text);
        self.0.insert(s.clone());
        s
    }
}

/// A pre-printed sheet number: the unit's directory id and a serial,
/// written `sunderby-medicin-61-007`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SheetNo {
    pub unit: Shared,
    pub serial: u32,
}

impl SheetNo {
    /// Parses `<unit-id>-<serial>`; the serial is the part after the last
    /// hyphen (1–999). Whether the unit exists is checked by the caller.
    pub fn parse(s: &str) -> Option<SheetNo> {
        let (unit, serial) = s.trim().rsplit_once('-')?;
        if unit.is_empty()
            || serial.is_empty()
            || serial.len() > 3
            || !serial.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let serial: u32 = serial.parse().ok()?;
        (1..=999).contains(&serial).then(|| SheetNo {
            unit: Shared::from(unit),
            serial,
        })
    }
}

impl fmt::Display for SheetNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:03}", self.unit, self.serial)
    }
}

/// Where a row came from: the file and line of the transcription, and the
/// sheet and row printed on the paper form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceRef {
    pub file: Shared,
    /// 1-based line in the transcription file.
    pub line: usize,
    pub sheet: SheetNo,
    /// Row number printed on the form (1-based).
    pub row: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// "ut": this unit called.
    Outgoing,
    /// "in": this unit was called.
    Incoming,
}

/// What a transcription line does to the row it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    /// The row as first transcribed (column `post` empty).
    Original,
    /// `post = rättelse`: replaces the latest earlier line for the same
    /// sheet and row; the earlier line stays in the file and in the records.
    Correction,
    /// `post = makulering`: the row on paper was struck out or is void.
    Void,
}

/// The extra date an event carries: an estimated discharge date, or the
/// date and time of a SIP meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactDate {
    Date(Date),
    DateTime(DateTime),
}

/// A validated transcription line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub source: SourceRef,
    pub kind: EntryKind,
    /// The logging unit's directory id (the sheet's unit).
    pub unit: Shared,
    /// When the outage began, from the sheet header.
    pub outage_start: ZonedDateTime,
    /// When the call was made, to the minute, Europe/Stockholm.
    pub at: ZonedDateTime,
    pub direction: Direction,
    /// The other party's directory id.
    pub counterpart: Shared,
    /// The person spoken to at the other party.
    pub counterpart_person: Shared,
    pub patient_name: Shared,
    pub patient_id: PersonalId,
    /// Event code from kit.yaml (1–9).
    pub event: u8,
    pub fact_date: Option<FactDate>,
    /// The assessing physician (events that change dates) or the named fast
    /// vårdkontakt (event 6).
    pub physician_or_contact: Option<Shared>,
    /// Whether the other party was reached; an unreached call is no notice.
    pub reached: bool,
    pub note: Shared,
    /// Who on this unit made or took the call.
    pub signature: Shared,
    /// Who transcribed the line, and when (audit trail), to the minute,
    /// Europe/Stockholm.
    pub transcribed_by: Shared,
    pub transcribed_at: DateTime,
}

/// A line that could not be used, with every reason (no patient data in
/// the reasons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub file: Shared,
    pub line: usize,
    /// As written, when it could be read at all.
    pub sheet: Option<String>,
    pub row: Option<String>,
    pub reasons: Vec<String>,
}

/// Everything read from a set of transcription files. Every data line of
/// every file is in exactly one of `entries` and `rejections`.
#[derive(Debug, Clone, Default)]
pub struct Transcript {
    pub entries: Vec<Entry>,
    pub rejections: Vec<Rejection>,
    /// Number of data lines read (header and comment lines excluded).
    pub lines_read: usize,
    /// The files in the order read: a correction replaces lines before it
    /// in this order.
    pub files: Vec<String>,
    /// What the check noted about accepted lines that a coordinator must
    /// see in the records, not only on the terminal.
    pub remarks: Vec<Remark>,
}

/// A warning about an accepted line that belongs in the records
/// (`avvikelser.csv`, the unit's worklist, the summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remark {
    /// Index into `Transcript::entries`.
    pub entry: usize,
    pub kind: RemarkKind,
    /// In Swedish, naming units and times, never the patient.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RemarkKind {
    /// A call to a municipality outside its phone hours.
    OutsideHours,
    /// An event reported in a direction its roles do not usually take.
    UnusualDirection,
    /// A reached call with nobody named at the other party.
    NoPersonNamed,
}

impl RemarkKind {
    /// The `typ` in `avvikelser.csv`.
    pub fn label(self) -> &'static str {
        match self {
            RemarkKind::OutsideHours => "utanför kommunens telefontid",
            RemarkKind::UnusualDirection => "ovanlig riktning",
            RemarkKind::NoPersonNamed => "nådd utan namngiven person",
        }
    }
}

impl Transcript {
    /// For each rejection, the entry (a later valid `rättelse` or
    /// `makulering` of the same sheet row, files in the order read) that
    /// replaces it, if any. `transcribe --check` and `reconcile` both count
    /// replaced lines from this.
    pub fn replacements(&self) -> Vec<Option<usize>> {
        let position = |file: &str, line: usize| {
            (
                self.files
                    .iter()
                    .position(|f| f == file)
                    .unwrap_or(usize::MAX),
                line,
            )
        };
        // Corrections and voids by sheet row, so a long outage with many
        // rejected lines is not a scan of every entry per rejection.
        let mut replacing: std::collections::BTreeMap<(&SheetNo, u32), Vec<usize>> =
            std::collections::BTreeMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            if e.kind != EntryKind::Original {
                replacing
                    .entry((&e.source.sheet, e.source.row))
                    .or_default()
                    .push(i);
            }
        }
        self.rejections
            .iter()
            .map(|r| {
                let sheet = r.sheet.as_deref().and_then(SheetNo::parse)?;
                let row = r
                    .row
                    .as_deref()
                    .and_then(|s| s.trim().parse::<u32>().ok())?;
                let at = position(&r.file, r.line);
                replacing
                    .get(&(&sheet, row))?
                    .iter()
                    .map(|&i| {
                        let e = &self.entries[i];
                        (i, position(&e.source.file, e.source.line))
                    })
                    .filter(|(_, p)| *p > at)
                    .min_by_key(|(_, p)| *p)
                    .map(|(i, _)| i)
            })
            .collect()
    }
}

/// Whether two transcriptions of one paper row say the same thing:
/// everything but where they were transcribed, by whom and when. The one
/// comparison behind both `transcribe --check` (a row typed into two files)
/// and reconciliation (`dubblett` or held for a human), so they agree.
pub fn same_content(a: &Entry, b: &Entry) -> bool {
    a.source.sheet == b.source.sheet
        && a.source.row == b.source.row
        && a.unit == b.unit
        && a.outage_start.timestamp() == b.outage_start.timestamp()
        && a.at.timestamp() == b.at.timestamp()
        && a.direction == b.direction
        && a.counterpart == b.counterpart
        && a.counterpart_person == b.counterpart_person
        && a.patient_name == b.patient_name
        && a.patient_id == b.patient_id
        && a.event == b.event
        && a.fact_date == b.fact_date
        && a.physician_or_contact == b.physician_or_contact
        && a.reached == b.reached
        && a.note == b.note
        && a.signature == b.signature
}
