//! Checking transcription lines against the kit: every value on its own,
//! the rules between values of one line, and the rules between lines (the
//! sheet's outage start, corrections, rows typed twice).
//!
//! The [`Validator`] reads lines in order and keeps what later lines depend
//! on. Each line becomes an [`Entry`] or a [`Rejection`], and every problem a
//! located [`Diagnostic`] worded `blad X rad N, fält «kolumn»: …`. Messages
//! never contain the patient's name or identity number; other values are
//! quoted through [`fields::shown`].
//!
//! A rejected line that a later valid `rättelse` or `makulering` of the same
//! sheet row replaces stays a rejection (lines are never removed), but its
//! errors are reported as warnings: the file is in order once every mistake
//! has been corrected by appending, never by overwriting.

use super::columns::{self, Column, Format};
use super::csv;
#[cfg(test)]
use super::entry::Direction;
use super::entry::{
    Entry, EntryKind, Names, Rejection, Remark, RemarkKind, Shared, SheetNo, Transcript,
    same_content,
};
use super::fields::{self, shown};
use super::privacy;
use crate::diag::{Diagnostic, Severity};
use crate::model::Kit;
use jiff::ZonedDateTime;
use std::collections::BTreeMap;

mod line;
mod problems;
mod rules;
#[cfg(test)]
mod tests;

use line::{Place, check_call, check_lengths, check_place, fill_void, remark_texts};
use problems::{Problems, Secrets, label, reason, where_};

/// The latest line read for one sheet row, as written (after filling in a
/// `makulering` line from the line it voids).
#[derive(Debug, Clone)]
pub struct Latest {
    pub file: Shared,
    pub line: usize,
    pub fields: Fields,
    pub accepted: bool,
}

/// A line's values as written, kept in one piece: the check holds the
/// latest line of every sheet row until it ends, which at 1,000,000 rows
/// would otherwise be twenty million small strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    text: Box<str>,
    /// Where each value ends in `text`; each starts where the one before
    /// ends.
    ends: Box<[u32]>,
}

impl Fields {
    /// The values in order.
    pub fn new(values: &[String]) -> Fields {
        let mut text = String::with_capacity(values.iter().map(String::len).sum());
        let mut ends = Vec::with_capacity(values.len());
        for v in values {
            text.push_str(v);
            // A line read from a file is far below 4 GiB.
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Fields {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The value in column `i`, if the line has that many.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize,
        };
        self.text.get(start..end)
    }

    /// The values in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| &self[i])
    }

    /// The values as the owned list the line was read as.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl std::ops::Index<usize> for Fields {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        match self.get(i) {
            Some(v) => v,
            None => panic!("column {i} of a line of {} values", self.len()),
        }
    }
}

/// One line read for a sheet row: where, and the entry it became.
#[derive(Debug, Clone)]
struct Seen {
    file: Shared,
    line: usize,
    entry: Option<usize>,
}

/// A paper row whose «Rättar rad» names another row.
#[derive(Debug, Clone)]
pub struct PaperCorrection {
    pub file: Shared,
    pub line: usize,
    /// The sheet and row it corrects.
    pub corrects: (SheetNo, u32),
}

/// What became of one line.
#[derive(Debug, Clone)]
pub struct Checked {
    pub accepted: bool,
    /// The line's diagnostics, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

/// What the lines read before for the same sheet row make of a line.
#[derive(Debug, Default)]
struct Earlier {
    /// The line a `makulering` took its empty values from.
    inherited_from: Option<usize>,
    /// The row was read before in another file only: a second
    /// transcription, compared once the line is an entry.
    other_file: bool,
}

/// The outage start of a sheet as far as one file has stated it.
#[derive(Debug, Clone)]
enum SheetStart {
    Valid(ZonedDateTime),
    Invalid { line: usize },
}

/// Reads transcription lines in order; see the module documentation.
#[derive(Debug, Clone)]
pub struct Validator<'k> {
    kit: &'k Kit,
    now: ZonedDateTime,
    file: Shared,
    /// File names, unit ids, names and notes that rows repeat, each kept
    /// once.
    names: Names,
    /// The header of the current file: with or without `rattar_rad`.
    format: Format,
    /// Outage start per sheet in the current file (inherited by later lines).
    starts_in_file: BTreeMap<SheetNo, SheetStart>,
    /// The first valid outage start per sheet across all files, with where.
    starts: BTreeMap<SheetNo, (ZonedDateTime, Shared, usize)>,
    latest: BTreeMap<(SheetNo, u32), Latest>,
    /// Every line read per sheet row, in order.
    seen: BTreeMap<(SheetNo, u32), Vec<Seen>>,
    max_row: BTreeMap<SheetNo, u32>,
    /// Paper rows written as the correction of another row: where the line
    /// is, and the row it corrects.
    paper_corrections: BTreeMap<(SheetNo, u32), PaperCorrection>,
    /// Rejected lines per sheet row that a later correction may replace: the
    /// range of their diagnostics.
    open: BTreeMap<(SheetNo, u32), Vec<std::ops::Range<usize>>>,
    transcript: Transcript,
    diags: Vec<Diagnostic>,
    /// Every patient name and reservnummer read, for scrubbing messages.
    known: privacy::Collector,
}

impl<'k> Validator<'k> {
    /// A validator for lines checked against `kit`, with `now` as the
    /// latest moment a call or outage can have happened.
    pub fn new(kit: &'k Kit, now: ZonedDateTime) -> Self {
        Validator {
            kit,
            now,
            file: Shared::default(),
            names: Names::default(),
            format: Format::Current,
            starts_in_file: BTreeMap::new(),
            starts: BTreeMap::new(),
            latest: BTreeMap::new(),
            seen: BTreeMap::new(),
            max_row: BTreeMap::new(),
            paper_corrections: BTreeMap::new(),
            open: BTreeMap::new(),
            transcript: Transcript::default(),
            diags: Vec::new(),
            known: privacy::Collector::default(),
        }
    }

    /// Changes the moment after which calls are refused (the guided entry
    /// moves it forward as the clock runs).
    pub fn set_now(&mut self, now: ZonedDateTime) {
        self.now = now;
    }

    /// Reads the text of one file. A file that has no usable header yields
    /// one error and a rejection for each of its lines.
    pub fn read_text(&mut self, file: &str, text: &str) {
        self.begin_file(file);
        let table = match csv::parse(text) {
            Ok(table) => table,
            Err(e) => {
                self.diags
                    .push(Diagnostic::error(file, e.line, 0, e.message));
                return;
            }
        };
        let checked_header = columns::check_header(&table.header.fields);
        if let Ok(format) = checked_header {
            self.format = format;
        }
        if let Err(message) = checked_header {
            let count = table.rows.len();
            self.diags.push(
                Diagnostic::error(
                    file,
                    table.header.line,
                    0,
                    format!(
                        "{message}; filens {count} {} inte läsas",
                        if count == 1 { "rad kan" } else { "rader kan" }
                    ),
                )
                .with_hint(format!(
                    "första raden ska vara: {}",
                    columns::header_line(table.separator)
                )),
            );
            for row in &table.rows {
                let line = match row {
                    Ok(r) => r.line,
                    Err(e) => e.line,
                };
                self.transcript.lines_read += 1;
                self.transcript.rejections.push(Rejection {
                    file: self.file.clone(),
                    line,
                    sheet: None,
                    row: None,
                    reasons: vec!["filens rubrikrad är fel".to_owned()],
                });
            }
            return;
        }
        for row in table.rows {
            match row {
                Ok(record) => {
                    self.record(record.line, record.fields);
                }
                Err(e) => {
                    self.transcript.lines_read += 1;
                    self.transcript.rejections.push(Rejection {
                        file: self.file.clone(),
                        line: e.line,
                        sheet: None,
                        row: None,
                        reasons: vec![e.message.clone()],
                    });
                    self.diags.push(Diagnostic::error(
                        file,
                        e.line,
                        0,
                        format!("raden kan inte delas upp i fält: {}", e.message),
                    ));
                }
            }
        }
    }

    /// Starts a new file: outage starts are inherited only within a file.
    pub fn begin_file(&mut self, file: &str) {
        self.file = self.names.get(file);
        self.format = Format::Current;
        self.starts_in_file.clear();
        if !self.transcript.files.iter().any(|f| f == file) {
            self.transcript.files.push(file.to_owned());
        }
    }

    /// Records a problem with a whole file (unreadable, not UTF-8).
    pub fn push_file_error(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// The latest line read for a sheet row, if any.
    pub fn latest(&self, sheet: &SheetNo, row: u32) -> Option<&Latest> {
        self.latest.get(&(sheet.clone(), row))
    }

    /// The paper correction written on a sheet row, if that row corrects
    /// another.
    pub fn paper_correction(&self, sheet: &SheetNo, row: u32) -> Option<&PaperCorrection> {
        self.paper_corrections.get(&(sheet.clone(), row))
    }

    /// The highest row number read for a sheet.
    pub fn last_row(&self, sheet: &SheetNo) -> Option<u32> {
        self.max_row.get(sheet).copied()
    }

    /// The sheet's outage start as stated in the current file, if valid.
    pub fn outage_start(&self, sheet: &SheetNo) -> Option<&ZonedDateTime> {
        match self.starts_in_file.get(sheet) {
            Some(SheetStart::Valid(at)) => Some(at),
            _ => None,
        }
    }

    /// Error diagnostics so far (replaced lines' errors are warnings).
    pub fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    /// Everything read, with the diagnostics sorted and scrubbed of every
    /// patient name and identity number read (see [`Validator::finish_private`]).
    pub fn finish(self) -> (Transcript, Vec<Diagnostic>) {
        let (transcript, diags, _) = self.finish_private();
        (transcript, diags)
    }

    /// The scrubber for every patient name and reservnummer read so far.
    pub fn scrubber(&self) -> privacy::Scrubber {
        self.known.scrubber(self.kit)
    }

    /// Everything read, and the scrubber that knows every patient name and
    /// reservnummer of all lines. The diagnostics (sorted) and the
    /// rejections' reasons are scrubbed with it, so a name written in a
    /// wrong column of one file is hidden even in a message about another.
    pub fn finish_private(self) -> (Transcript, Vec<Diagnostic>, privacy::Scrubber) {
        let (kit, known, mut diags, mut transcript) = self.into_parts();
        let scrubber = known.scrubber(kit);
        drop(known);
        for d in &mut diags {
            d.message = scrubber.scrub(&d.message);
            d.hint = d.hint.as_deref().map(|h| scrubber.scrub(h));
        }
        crate::diag::sort(&mut diags);
        for r in &mut transcript.rejections {
            for reason in &mut r.reasons {
                *reason = scrubber.scrub(reason);
            }
        }
        (transcript, diags, scrubber)
    }

    /// What outlives the check: the kit, the names read, the diagnostics
    /// and the transcript. Everything kept per sheet row to check the lines
    /// after it (at 100,000 rows, more than the transcript itself) is freed
    /// here, before the scrubber is built.
    fn into_parts(self) -> (&'k Kit, privacy::Collector, Vec<Diagnostic>, Transcript) {
        let mut transcript = self.transcript;
        // The list grew by doubling; what reconciliation keeps is its length.
        transcript.entries.shrink_to_fit();
        (self.kit, self.known, self.diags, transcript)
    }

    /// Checks one record of the current file, starting at `line`. A record
    /// whose call columns are all empty is an unused row of a prefilled
    /// template and is skipped (`None`). The fields are as the file has
    /// them, in the columns of its header.
    pub fn record(&mut self, line: usize, mut fields: Vec<String>) -> Option<Checked> {
        let width = self.format.width();
        if fields.len() > width && fields[width..].iter().all(|v| v.trim().is_empty()) {
            fields.truncate(width);
        }
        let written = fields.len();
        // A line of a file without `rattar_rad` reads as if it were empty.
        let fields = self.format.to_current(fields);
        let unused = Column::ALL
            .iter()
            .filter(|c| c.describes_call())
            .all(|c| fields.get(c.index()).is_none_or(|v| v.trim().is_empty()));
        if unused {
            return None;
        }
        self.transcript.lines_read += 1;
        let first_diag = self.diags.len();
        if written != width {
            // The fields are shifted: any of them may be the patient's name
            // or number, so none is copied anywhere, not even the sheet.
            let message = format!(
                "raden har {written} fält; väntade {width} (ett per kolumn i rubrikraden)",
            );
            self.diags.push(
                Diagnostic::error(&self.file, line, 0, message.clone())
                    .with_hint("ett värde som innehåller skiljetecknet ska stå inom citattecken"),
            );
            self.transcript.rejections.push(Rejection {
                file: self.file.clone(),
                line,
                sheet: None,
                row: None,
                reasons: vec![message],
            });
            return Some(self.checked(first_diag, false));
        }
        self.known.add_line(&fields);
        let accepted = self.check_line(line, fields);
        Some(self.checked(first_diag, accepted))
    }

    fn checked(&self, first_diag: usize, accepted: bool) -> Checked {
        Checked {
            accepted,
            diagnostics: self.diags[first_diag..].to_vec(),
        }
    }

    /// Checks a line with exactly [`columns::COUNT`] fields; returns whether it
    /// became an entry.
    fn check_line(&mut self, line: usize, mut f: Vec<String>) -> bool {
        let mut p = Problems::default();
        let written_sheet = f[Column::Blad.index()].trim().to_owned();
        let written_row = f[Column::Rad.index()].trim().to_owned();
        check_lengths(&mut p, &f);
        // Sheet, row and kind first: a makulering line takes what it leaves
        // empty from the line it voids.
        let mut place = check_place(&mut p, &f, self.kit);
        place.share_units(&mut self.names);
        let earlier = self.check_earlier(&mut p, &place, &mut f);
        let sheet = place.sheet.as_ref().map(|(s, _)| s);
        let outage_start = self.outage_start_of(&mut p, line, &f, sheet);
        let (call, remarks) =
            check_call(&mut p, &f, self.kit, place.unit(), outage_start, &self.now);
        let remarks = remark_texts(&p, remarks, call.counterpart);
        if place.kind == Some(EntryKind::Void) {
            // Remarks about a call that did not count are noise.
            p.items.retain(|item| item.severity == Severity::Error);
        }

        let accepted = !p.has_errors();
        let first_diag = self.diags.len();
        let secrets = Secrets::of(&f);
        let written = (
            secrets.written(&written_sheet),
            secrets.written(&written_row),
        );
        self.report(
            line,
            &written.0,
            &written.1,
            &p,
            earlier.inherited_from,
            &secrets,
        );
        let entry = if accepted {
            call.entry(&self.file, line, place.filed(), place.kind, &mut self.names)
        } else {
            None
        };
        let accepted = entry.is_some();
        let entry_index = self.transcript.entries.len();
        match entry {
            Some(entry) => self.keep_entry(
                line,
                entry,
                &place,
                earlier.other_file,
                &written,
                &secrets,
                remarks,
            ),
            None => self.reject(line, written, &p, earlier.inherited_from, &secrets),
        }
        self.remember(line, place, f, accepted, first_diag, entry_index);
        accepted
    }

    /// Checks the line against the lines read before for the same row: a
    /// row typed twice in one file, a correction without an original. A
    /// `makulering` takes what it leaves empty from the line it voids.
    fn check_earlier(&self, p: &mut Problems, place: &Place, f: &mut [String]) -> Earlier {
        let mut earlier = Earlier::default();
        let key = place.key.as_ref();
        let previous = key.and_then(|k| self.latest.get(k));
        // Two coordinators may type the same paper sheet into their own
        // files: a second transcription from another file is compared with
        // the first once it is read (see `second_transcription`). Within one
        // file, a row typed twice needs a correction.
        let earlier_in_file = key
            .and_then(|k| self.seen.get(k))
            .and_then(|lines| lines.iter().rev().find(|l| l.file == self.file))
            .map(|l| l.line);
        // A paper row that corrects another is used: typed again as an
        // original in the same file it is a row typed twice.
        if place.corrects.is_none()
            && place.kind == Some(EntryKind::Original)
            && let Some(paper) = place
                .paper_key
                .as_ref()
                .and_then(|k| self.paper_corrections.get(k))
                .filter(|pc| pc.file == self.file)
        {
            p.error_hint(
                Column::Post,
                format!(
                    "blad och rad finns redan på {} (den rättar rad {})",
                    where_(&self.file, paper.line, &self.file),
                    paper.corrects.1
                ),
                "för att ändra en rad: lägg till en ny rad med «rättelse» i post; skriv aldrig över",
            );
        }
        match (place.kind, previous) {
            (Some(EntryKind::Correction), None) if place.corrects.is_some() => p.error_hint(
                Column::RattarRad,
                "raden som rättas finns inte bland raderna före den här",
                "skriv den rättade raden först, som den står på pappret",
            ),
            (Some(EntryKind::Correction), None) if key.is_some() => p.error_hint(
                Column::Post,
                "rättelse men ingen tidigare rad för samma blad och rad",
                "en rättelse står efter raden den ersätter; skriv originalraden först (post tomt)",
            ),
            (Some(EntryKind::Original), Some(_)) => match earlier_in_file {
                Some(line) => p.error_hint(
                    Column::Post,
                    format!(
                        "blad och rad finns redan på {}",
                        where_(&self.file, line, &self.file)
                    ),
                    "för att ändra en rad: lägg till en ny rad med «rättelse» i post; skriv aldrig över",
                ),
                None => earlier.other_file = true,
            },
            (Some(EntryKind::Void), Some(prev)) if fill_void(f, &prev.fields) => {
                earlier.inherited_from = Some(prev.line);
            }
            _ => {}
        }
        earlier
    }

    /// Files an accepted line: notes a second transcription from another
    /// file, and keeps the entry's remarks unless it voids a row.
    #[allow(clippy::too_many_arguments)]
    fn keep_entry(
        &mut self,
        line: usize,
        entry: Entry,
        place: &Place,
        other_file: bool,
        written: &(Option<String>, Option<String>),
        secrets: &Secrets,
        remarks: Vec<(RemarkKind, String)>,
    ) {
        let entry_index = self.transcript.entries.len();
        if other_file
            && let Some(k) = &place.key
            && let Some((severity, message)) = self.second_transcription(k, &entry)
        {
            let label = label(
                written.0.as_deref().unwrap_or("(värdet visas inte)"),
                written.1.as_deref().unwrap_or("(värdet visas inte)"),
            );
            let message = secrets.scrub(&format!("{label}, {message}"));
            self.diags.push(match severity {
                Severity::Error => Diagnostic::error(&self.file, line, 0, message),
                Severity::Warning => Diagnostic::warning(&self.file, line, 0, message),
            });
        }
        if place.kind != Some(EntryKind::Void) {
            for (kind, text) in remarks {
                self.transcript.remarks.push(Remark {
                    entry: entry_index,
                    kind,
                    text: secrets.scrub(&text),
                });
            }
        }
        self.transcript.entries.push(entry);
    }

    /// Files a rejected line with the reasons of its errors.
    fn reject(
        &mut self,
        line: usize,
        written: (Option<String>, Option<String>),
        p: &Problems,
        inherited_from: Option<usize>,
        secrets: &Secrets,
    ) {
        let reasons: Vec<String> = p
            .items
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| secrets.scrub(&reason(i, inherited_from)))
            .collect();
        self.transcript.rejections.push(Rejection {
            file: self.file.clone(),
            line,
            sheet: written.0,
            row: written.1,
            reasons: if reasons.is_empty() {
                vec!["raden kunde inte läsas".to_owned()]
            } else {
                reasons
            },
        });
    }

    /// Remembers the line for the lines after it: the latest line of its
    /// row, the rows used, a paper correction, and a rejection a later
    /// correction may replace (or the rejections this one replaces).
    fn remember(
        &mut self,
        line: usize,
        place: Place,
        f: Vec<String>,
        accepted: bool,
        first_diag: usize,
        entry_index: usize,
    ) {
        let Some(key) = place.key else {
            return;
        };
        let kind = place.kind;
        if accepted && matches!(kind, Some(EntryKind::Correction | EntryKind::Void)) {
            self.replace_open(&key, line, kind);
        } else if !accepted {
            let range = first_diag..self.diags.len();
            self.open.entry(key.clone()).or_default().push(range);
        }
        // Most rows are read once: room for one line, not the four a
        // first push would make.
        self.seen
            .entry(key.clone())
            .or_insert_with(|| Vec::with_capacity(1))
            .push(Seen {
                file: self.file.clone(),
                line,
                entry: accepted.then_some(entry_index),
            });
        if let (Some(target), Some(paper)) = (&place.corrects, &place.paper_key) {
            self.paper_corrections.insert(
                paper.clone(),
                PaperCorrection {
                    file: self.file.clone(),
                    line,
                    corrects: target.clone(),
                },
            );
        }
        // The paper row a correction was written on is used too.
        for (sheet, row) in [Some(&key), place.paper_key.as_ref()].into_iter().flatten() {
            let max = self.max_row.entry(sheet.clone()).or_insert(0);
            *max = (*max).max(*row);
        }
        // Kept for every row until the end, so in one piece (at 100,000
        // rows that is most of what the check holds).
        self.latest.insert(
            key,
            Latest {
                file: self.file.clone(),
                line,
                fields: Fields::new(&f),
                accepted,
            },
        );
    }

    /// What a row typed again in another file amounts to, read the way
    /// reconciliation reads it (`reconcile::rows`): the same content as a
    /// transcription in force is a `dubblett`, counted once; different
    /// content holds the row for a human until a `rättelse` settles it.
    /// Both are warnings: typing a sheet twice is no mistake.
    fn second_transcription(
        &self,
        key: &(SheetNo, u32),
        entry: &Entry,
    ) -> Option<(Severity, String)> {
        let entries = &self.transcript.entries;
        // The transcriptions in force: the latest correction, or every
        // original since; none after a void.
        let mut in_force: Vec<&Seen> = Vec::new();
        let mut voided_by: Option<&Seen> = None;
        for seen in self.seen.get(key)? {
            let Some(i) = seen.entry else { continue };
            match entries[i].kind {
                EntryKind::Original => {
                    if voided_by.is_none() {
                        in_force.push(seen);
                    }
                }
                EntryKind::Correction => {
                    in_force = vec![seen];
                    voided_by = None;
                }
                EntryKind::Void => {
                    in_force.clear();
                    voided_by = Some(seen);
                }
            }
        }
        let at = |s: &Seen| where_(&s.file, s.line, &self.file);
        if let Some(void) = voided_by {
            return Some((
                Severity::Warning,
                format!(
                    "fält «post»: raden är makulerad på {}; den här avskriften används inte",
                    at(void)
                ),
            ));
        }
        let same = in_force
            .iter()
            .find(|s| s.entry.is_some_and(|i| same_content(&entries[i], entry)));
        if let Some(same) = same {
            return Some((
                Severity::Warning,
                format!(
                    "fält «post»: dubblett: samma blad och rad med samma innehåll finns på {}; raden räknas en gång",
                    at(same)
                ),
            ));
        }
        if in_force.is_empty() {
            return None;
        }
        let others: Vec<String> = in_force.iter().map(|s| at(s)).collect();
        Some((
            Severity::Warning,
            format!(
                "fält «post»: transkriberad två gånger med olika innehåll: samma blad och rad finns på {}; raden används inte förrän en rättelse avgör vad som står på pappret",
                others.join(" och ")
            ),
        ))
    }

    /// The outage start that applies to this line: its own, or the one
    /// stated earlier for the sheet in this file.
    fn outage_start_of(
        &mut self,
        p: &mut Problems,
        line: usize,
        f: &[String],
        sheet: Option<&SheetNo>,
    ) -> Option<ZonedDateTime> {
        let written = f[Column::DriftstoppStart.index()].trim();
        if written.is_empty() {
            let sheet = sheet?;
            return match self.starts_in_file.get(sheet) {
                Some(SheetStart::Valid(at)) => Some(at.clone()),
                Some(SheetStart::Invalid { line }) => {
                    p.error(
                        Column::DriftstoppStart,
                        format!("saknas, och bladets värde på rad {line} i filen är ogiltigt"),
                    );
                    None
                }
                None => {
                    p.error_hint(
                        Column::DriftstoppStart,
                        "saknas; bladets första rad i filen ska ha driftstoppets början",
                        "skriv tiden från bladets huvud, ÅÅÅÅ-MM-DD TT:MM",
                    );
                    None
                }
            };
        }
        match fields::date_time(written) {
            Ok(at) => {
                if at > self.now {
                    p.error(
                        Column::DriftstoppStart,
                        format!(
                            "driftstoppets början {} ligger efter nu ({})",
                            fields::format_minute(&at),
                            fields::format_minute(&self.now)
                        ),
                    );
                }
                if let Some(sheet) = sheet {
                    match self.starts.get(sheet) {
                        Some((first, file, first_line)) if *first != at => p.error(
                            Column::DriftstoppStart,
                            format!(
                                "{} skiljer sig från bladets driftstopp_start {} på {}",
                                shown(written),
                                fields::format_minute(first),
                                where_(file, *first_line, &self.file)
                            ),
                        ),
                        Some(_) => {}
                        None => {
                            self.starts
                                .insert(sheet.clone(), (at.clone(), self.file.clone(), line));
                        }
                    }
                    self.starts_in_file
                        .entry(sheet.clone())
                        .or_insert(SheetStart::Valid(at.clone()));
                }
                Some(at)
            }
            Err(m) => {
                p.error(Column::DriftstoppStart, m);
                if let Some(sheet) = sheet {
                    self.starts_in_file
                        .entry(sheet.clone())
                        .or_insert(SheetStart::Invalid { line });
                }
                None
            }
        }
    }

    /// Turns the problems of a line into diagnostics.
    fn report(
        &mut self,
        line: usize,
        sheet: &Option<String>,
        row: &Option<String>,
        p: &Problems,
        inherited_from: Option<usize>,
        secrets: &Secrets,
    ) {
        let label = label(
            sheet.as_deref().unwrap_or("(värdet visas inte)"),
            row.as_deref().unwrap_or("(värdet visas inte)"),
        );
        for item in &p.items {
            let message = secrets.scrub(&format!("{label}, {}", reason(item, inherited_from)));
            let mut d = match item.severity {
                Severity::Error => Diagnostic::error(&self.file, line, 0, message),
                Severity::Warning => Diagnostic::warning(&self.file, line, 0, message),
            };
            if let Some(hint) = &item.hint {
                d = d.with_hint(hint.clone());
            }
            self.diags.push(d);
        }
    }

    /// A valid correction or voiding replaces the rejected lines before it
    /// for the same sheet row: their errors become warnings.
    fn replace_open(&mut self, key: &(SheetNo, u32), line: usize, kind: Option<EntryKind>) {
        let what = match kind {
            Some(EntryKind::Void) => "makuleringen",
            _ => "rättelsen",
        };
        for range in self.open.remove(key).unwrap_or_default() {
            for d in &mut self.diags[range] {
                if d.is_error() {
                    d.severity = Severity::Warning;
                    d.message = format!(
                        "{} (raden är ersatt av {what} på {})",
                        d.message,
                        where_(&self.file, line, &d.file)
                    );
                }
            }
        }
    }
}
