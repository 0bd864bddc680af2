//! The validated kit: settings, events, contact directory and routine pages.
//!
//! Values here have already been checked by `load`; constructors such as
//! [`PhoneNumber::parse`] refuse bad input, so nothing downstream re-checks.
//! This module depends on nothing else in the crate but [`crate::source`]
//! (where a value was written) and does no I/O.

pub mod calls;
pub mod checklist;
pub mod collate;
pub mod doc;
pub mod hours;
pub mod phone;

pub use doc::{Doc, Heading};
pub use hours::Hours;
pub use phone::PhoneNumber;

use crate::source::Span;
use jiff::civil::{Date, Time};

/// The three parties of the routine. The site has one checklist per role.
/// Content files name them by their Swedish ids (`slutenvard`, `oppenvard`,
/// `kommun`, see [`Role::id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Inpatient,
    Outpatient,
    Municipality,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Inpatient, Role::Outpatient, Role::Municipality];

    /// The id used in content files and page names.
    pub fn id(self) -> &'static str {
        match self {
            Role::Inpatient => "slutenvard",
            Role::Outpatient => "oppenvard",
            Role::Municipality => "kommun",
        }
    }

    pub fn from_id(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }

    /// Position in [`Role::ALL`] and in [`Settings::roles`].
    pub fn index(self) -> usize {
        match self {
            Role::Inpatient => 0,
            Role::Outpatient => 1,
            Role::Municipality => 2,
        }
    }

    /// The kind of directory unit that plays this role.
    /// The caller's own number as the routine asks for it on every call:
    /// each role names its own unit.
    pub fn own_number(self) -> &'static str {
        match self {
            Role::Inpatient => "avdelningens telefonnummer",
            Role::Outpatient => "hälsocentralens telefonnummer",
            Role::Municipality => "ditt eget telefonnummer i kommunen",
        }
    }

    /// The party as the one who is called: "kommunen", "hälsocentralen",
    /// "avdelningen".
    pub fn party_name(self) -> &'static str {
        match self {
            Role::Inpatient => "avdelningen",
            Role::Outpatient => "hälsocentralen",
            Role::Municipality => "kommunen",
        }
    }

    /// Which unit of each party to ring, as the routine means it.
    pub fn whom_to_ring(self) -> &'static str {
        match self {
            Role::Inpatient => {
                "Ring patientens hemkommun och den hälsocentral där patienten är listad."
            }
            Role::Outpatient => "Ring avdelningen där patienten vårdas och patientens hemkommun.",
            Role::Municipality => "Ring avdelningen där patienten vårdas.",
        }
    }

    /// What to say on every call, in one sentence.
    pub fn every_call(self) -> String {
        format!(
            "Vid varje samtal: uppge patientens namn och personnummer samt {}.",
            self.own_number()
        )
    }

    pub fn unit_kind(self) -> UnitKind {
        match self {
            Role::Inpatient => UnitKind::Ward,
            Role::Outpatient => UnitKind::HealthCentre,
            Role::Municipality => UnitKind::Municipality,
        }
    }
}

/// Who reports an event: one role, or anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reporter {
    Role(Role),
    Anyone,
}

impl Reporter {
    pub fn includes(self, role: Role) -> bool {
        match self {
            Reporter::Role(r) => r == role,
            Reporter::Anyone => true,
        }
    }
}

/// A fact that must be noted on a call about a given event, beyond what every
/// call records (patient, personnummer, parties, time, reached, summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fact {
    EstimatedDischargeDate,
    Physician,
    CareContact,
    SipDate,
}

impl Fact {
    pub const ALL: [Fact; 4] = [
        Fact::EstimatedDischargeDate,
        Fact::Physician,
        Fact::CareContact,
        Fact::SipDate,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Fact::EstimatedDischargeDate => "estimated_discharge_date",
            Fact::Physician => "physician",
            Fact::CareContact => "care_contact",
            Fact::SipDate => "sip_date",
        }
    }

    pub fn from_id(id: &str) -> Option<Fact> {
        Fact::ALL.into_iter().find(|f| f.id() == id)
    }

    /// Swedish label as on the logging form.
    pub fn label(self) -> &'static str {
        match self {
            Fact::EstimatedDischargeDate => "beräknat utskrivningsdatum",
            Fact::Physician => "läkare som bedömt",
            Fact::CareContact => "fast vårdkontakt (namn)",
            Fact::SipDate => "datum och tid för SIP-möte",
        }
    }
}

/// What an event is in the routine, whatever its code and name: the code a
/// region prints is its own; reconciliation and the payment rule ask for an
/// event by its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventMeaning {
    Admission,
    NewDischargeDate,
    Ready,
    ReadyChanged,
    Discharge,
    CareContact,
    ReadyForHome,
    Other,
}

impl EventMeaning {
    pub const ALL: [EventMeaning; 8] = [
        EventMeaning::Admission,
        EventMeaning::NewDischargeDate,
        EventMeaning::Ready,
        EventMeaning::ReadyChanged,
        EventMeaning::Discharge,
        EventMeaning::CareContact,
        EventMeaning::ReadyForHome,
        EventMeaning::Other,
    ];

    /// The meanings the payment rule reads; each must be an event's.
    pub const PAYMENT: [EventMeaning; 4] = [
        EventMeaning::Admission,
        EventMeaning::Ready,
        EventMeaning::ReadyChanged,
        EventMeaning::Discharge,
    ];

    /// The value in kit.yaml.
    pub fn id(self) -> &'static str {
        match self {
            EventMeaning::Admission => "admission",
            EventMeaning::NewDischargeDate => "new_discharge_date",
            EventMeaning::Ready => "ready",
            EventMeaning::ReadyChanged => "ready_changed",
            EventMeaning::Discharge => "discharge",
            EventMeaning::CareContact => "care_contact",
            EventMeaning::ReadyForHome => "ready_for_home",
            EventMeaning::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<EventMeaning> {
        EventMeaning::ALL.into_iter().find(|m| m.id() == id)
    }
}

/// One of the coordination points ("samverkanspunkter") of the routine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The number printed on the form (1–9).
    pub code: u8,
    pub name: String,
    /// What the event is; unique among the events except `Other`.
    pub meaning: EventMeaning,
    pub reported_by: Reporter,
    pub reported_to: Vec<Role>,
    pub facts: Vec<Fact>,
    /// Whose row must carry each fact; a fact not listed is required on
    /// both parties' rows.
    pub fact_rows: Vec<(Fact, FactRow)>,
    /// What counts as the time, or what must be said, in Swedish.
    pub time_rule: String,
}

/// Whose row of a call must carry a fact: only the caller gives some facts
/// (the physician who assessed a date), so the receiver's row is evidence
/// of the call without them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FactRow {
    Caller,
    Receiver,
    Both,
}

impl FactRow {
    pub const ALL: [FactRow; 3] = [FactRow::Caller, FactRow::Receiver, FactRow::Both];

    /// The value in kit.yaml.
    pub fn id(self) -> &'static str {
        match self {
            FactRow::Caller => "uppringare",
            FactRow::Receiver => "mottagare",
            FactRow::Both => "bada",
        }
    }

    pub fn from_id(id: &str) -> Option<FactRow> {
        FactRow::ALL.into_iter().find(|r| r.id() == id)
    }
}

impl Event {
    /// Whether the row of the caller (`caller_row`) or of the called party
    /// must carry `fact`.
    pub fn requires_on_row(&self, fact: Fact, caller_row: bool) -> bool {
        if !self.facts.contains(&fact) {
            return false;
        }
        let holder = self
            .fact_rows
            .iter()
            .find(|(f, _)| *f == fact)
            .map_or(FactRow::Both, |(_, r)| *r);
        match holder {
            FactRow::Both => true,
            FactRow::Caller => caller_row,
            FactRow::Receiver => !caller_row,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    pub municipalities_name: String,
    pub intranet_name: String,
    pub record_system: String,
}

/// How kit.yaml names a role and what it adds to the role's checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleText {
    /// Capitalised, e.g. "Slutenvård".
    pub name: String,
    /// Who this is in a sentence, e.g. "slutenvårdens avdelningar".
    pub who: String,
    /// The role's own rules about the time of a call, placeholders filled.
    pub time_rules: Vec<String>,
}

/// The system whose outage the routine is for, as the kit names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    /// In titles and wherever the text first names it ("Lifecare SP").
    pub name: String,
    /// Where the text has already named it ("Datum i Lifecare avviker …").
    pub short_name: String,
}

/// A named number outside the directory: the switchboard, the service desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedNumber {
    pub name: String,
    pub number: PhoneNumber,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDesk {
    pub name: String,
    pub number: PhoneNumber,
    pub portal_name: String,
}

/// A daily rate for payment responsibility, with where the figure comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateEntry {
    pub year: i16,
    pub amount_sek: u64,
    pub source: String,
}

/// The payment-responsibility parameters (law 2017:612, ch. 5, as default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSettings {
    pub law: String,
    pub grace_days: i32,
    pub cutoff: Time,
    pub cutoff_inclusive: bool,
    pub count_discharge_day: bool,
    pub latest_ready_restarts: bool,
    pub rates: Vec<RateEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintSettings {
    pub sheets_per_unit: u32,
    pub rows_per_sheet: u32,
    /// Where `rows_per_sheet` is set, for a form that cannot fit its rows.
    pub rows_per_sheet_at: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub organisation: Organisation,
    pub system: System,
    /// In [`Role::ALL`] order; read with [`Settings::role`].
    pub roles: [RoleText; 3],
    pub sample_data: bool,
    /// Public address of the site, ending in `/`.
    pub base_url: Option<String>,
    pub threshold_hours: u32,
    pub municipality_hours: Hours,
    /// What to do when units of a kind do not answer, per kind.
    pub closed_hours: std::collections::BTreeMap<UnitKind, String>,
    pub switchboard: NamedNumber,
    pub service_desk: ServiceDesk,
    pub verify_within_days: u32,
    pub events: Vec<Event>,
    pub payment: PaymentSettings,
    pub print: PrintSettings,
    pub match_tolerance_minutes: u32,
}

impl Settings {
    pub fn role(&self, role: Role) -> &RoleText {
        &self.roles[role.index()]
    }

    pub fn event(&self, code: u8) -> Option<&Event> {
        self.events.iter().find(|e| e.code == code)
    }

    /// What the event with `code` is; `None` for a code kit.yaml lacks.
    pub fn meaning(&self, code: u8) -> Option<EventMeaning> {
        self.event(code).map(|e| e.meaning)
    }

    /// The code of the event that has `meaning` (the first, for `Other`).
    /// The loader makes sure every meaning the payment rule reads has one.
    pub fn code_of(&self, meaning: EventMeaning) -> Option<u8> {
        self.events
            .iter()
            .find(|e| e.meaning == meaning)
            .map(|e| e.code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitKind {
    Municipality,
    Ward,
    HealthCentre,
}

impl UnitKind {
    pub fn role(self) -> Role {
        match self {
            UnitKind::Municipality => Role::Municipality,
            UnitKind::Ward => Role::Inpatient,
            UnitKind::HealthCentre => Role::Outpatient,
        }
    }

    /// Swedish plural heading, e.g. "Kommuner".
    pub fn plural(self) -> &'static str {
        match self {
            UnitKind::Municipality => "Kommuner",
            UnitKind::Ward => "Slutenvårdsavdelningar",
            UnitKind::HealthCentre => "Hälsocentraler",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub label: String,
    pub number: PhoneNumber,
    pub hours: Hours,
    /// The events this number is for (codes from kit.yaml); empty: every
    /// call to the unit.
    pub events: Vec<u8>,
}

impl Phone {
    /// Whether a call about event `code` goes to this number.
    pub fn is_for(&self, code: u8) -> bool {
        self.events.is_empty() || self.events.contains(&code)
    }

    /// "vid 1, 2, 3, 4" for a number with events; empty otherwise.
    pub fn events_note(&self) -> String {
        if self.events.is_empty() {
            return String::new();
        }
        let codes: Vec<String> = self.events.iter().map(u8::to_string).collect();
        format!("vid {}", codes.join(", "))
    }
}

/// A party that calls or is called: a municipality, a ward or a hälsocentral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Stable id, used in transcription files and sheet numbers.
    pub id: String,
    pub kind: UnitKind,
    /// Display name, e.g. "Arjeplogs kommun", "Medicinavdelning 61".
    pub name: String,
    /// The group it is listed under: the hospital for wards, the
    /// municipality name otherwise.
    pub group: String,
    /// Id of the municipality it lies in.
    pub municipality: String,
    pub owner: String,
    pub verified: Date,
    pub phones: Vec<Phone>,
}

impl Unit {
    /// "Medicinavdelning 61, Sunderby sjukhus" for wards; the name otherwise.
    pub fn full_name(&self) -> String {
        match self.kind {
            UnitKind::Ward => format!("{}, {}", self.name, self.group),
            _ => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hospital {
    pub id: String,
    pub name: String,
    pub municipality: String,
}

/// Unit ids to their place in [`Directory::units`]; not part of what a
/// directory is (two directories with the same units are equal whether or
/// not either has looked a unit up).
#[derive(Clone, Default)]
pub struct UnitIndex(std::sync::OnceLock<std::collections::HashMap<String, usize>>);

impl PartialEq for UnitIndex {
    fn eq(&self, _: &UnitIndex) -> bool {
        true
    }
}

impl Eq for UnitIndex {}

impl std::fmt::Debug for UnitIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnitIndex")
    }
}

/// All units, each list sorted the Swedish way by group, then name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Directory {
    pub hospitals: Vec<Hospital>,
    pub units: Vec<Unit>,
    /// Where each unit id is in `units`, made at the first lookup.
    pub index: UnitIndex,
}

impl Directory {
    /// The unit with this id. A reconciliation looks units up hundreds of
    /// thousands of times in a national directory of thousands of units,
    /// so the lookup goes through an index instead of the list.
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        let index = self.index.0.get_or_init(|| {
            let mut index = std::collections::HashMap::with_capacity(self.units.len());
            for (i, u) in self.units.iter().enumerate() {
                index.entry(u.id.clone()).or_insert(i);
            }
            index
        });
        match index.get(id).and_then(|&i| self.units.get(i)) {
            Some(unit) if unit.id == id => Some(unit),
            // An unknown id (a mistake in a transcription), or a list
            // changed after the index was made (`units` is public): the
            // list itself is searched.
            _ => self.units.iter().find(|u| u.id == id),
        }
    }

    pub fn of_kind(&self, kind: UnitKind) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(move |u| u.kind == kind)
    }
}

/// A routine page written in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// File stem, used as `<slug>.html`.
    pub slug: String,
    pub title: String,
    pub order: u32,
    pub description: Option<String>,
    /// Path of the source file as the user named it, for diagnostics.
    pub source: String,
    /// The file's text as loaded (line ends made `\n`), which the spans in
    /// `doc` point into.
    pub text: String,
    /// The Markdown body after the front matter, parsed.
    pub doc: Doc,
}

/// Everything `build` needs, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kit {
    pub settings: Settings,
    pub directory: Directory,
    /// Sorted by `order`, then slug.
    pub pages: Vec<Page>,
    /// Short hash of every content file: changes whenever the content does.
    pub version: String,
    /// The newest `verified` date in the directory: how fresh the data is.
    pub data_date: Date,
    /// The settings file as read (`content/kit.yaml`), for reports that
    /// name where their settings came from.
    pub settings_file: String,
    /// Where each string of `kit.yaml` and `contacts.yaml` is written.
    pub origins: Origins,
}

/// Where the strings of the kit's YAML files are written, so that a
/// problem found in a printed string (a character the fonts lack) is
/// reported at its place. Filled by the loader from the parsed files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origins {
    /// The file name in the content folder (`kit.yaml`) and as shown.
    files: Vec<(String, String)>,
    /// File name → string → where the string is first written.
    strings: std::collections::HashMap<String, std::collections::HashMap<String, Span>>,
}

impl Origins {
    /// Records the strings of `file` (shown as `shown`); the first place
    /// of a string repeated in the file is kept.
    pub fn add(&mut self, file: &str, shown: &str, strings: Vec<(String, Span)>) {
        self.files.push((file.to_string(), shown.to_string()));
        let map = self.strings.entry(file.to_string()).or_default();
        for (text, span) in strings {
            map.entry(text).or_insert(span);
        }
    }

    /// Where `text` is written in `file` (`kit.yaml`, `contacts.yaml`).
    pub fn get(&self, file: &str, text: &str) -> Option<&Span> {
        self.strings.get(file)?.get(text)
    }

    /// `file` as messages show it (`content/kit.yaml`).
    pub fn shown(&self, file: &str) -> String {
        self.files
            .iter()
            .find(|(f, _)| f == file)
            .map_or_else(|| file.to_string(), |(_, shown)| shown.clone())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_every_unit_by_id_through_the_index_and_after_a_change() {
        let mut directory = crate::transcript::shipped_kit().directory.clone();
        for (i, u) in directory.units.iter().enumerate() {
            let found = directory.unit(&u.id).expect("every unit is found");
            assert!(std::ptr::eq(found, &directory.units[i]), "{}", u.id);
        }
        assert!(directory.unit("finns-inte").is_none());
        // The index was made above; a unit renamed and one removed since are
        // still looked up in the list as it is.
        let last = directory.units.len() - 1;
        let moved = directory.units[last].id.clone();
        directory.units[0].id = "ny-enhet".into();
        directory.units.swap(0, last);
        assert_eq!(
            directory.unit("ny-enhet").map(|u| u.id.as_str()),
            Some("ny-enhet")
        );
        assert_eq!(
            directory.unit(&moved).map(|u| u.id.as_str()),
            Some(moved.as_str())
        );
        assert_eq!(directory, directory.clone());
    }
}
