//! Shared by the reconciliation tests: the kit with made-up daily rates, and
//! a logbook that writes transcription entries the way the transcription
//! reader will produce them (sheet and row numbered per unit, one file per
//! unit), until that reader lands.
//!
//! Fictional names only; identity numbers only from Skatteverket's test
//! list (checked against `allPins.json` in `reconcile_scenario.rs`).

#![allow(dead_code)]

use jiff::ZonedDateTime;
use jiff::civil::{Date, date};
use reservkit::localtime::{parse_date, parse_offset, parse_time, resolve_local};
use reservkit::model::{Kit, RateEntry};
use reservkit::personal_id::PersonalId;
use reservkit::transcript::entry::{
    Direction, Entry, EntryKind, FactDate, Rejection, SheetNo, SourceRef, Transcript,
};
use std::collections::BTreeMap;

/// Skatteverket test personnummer (from `allPins.json`).
pub const PINS: [&str; 11] = [
    "193101139198",
    "193801029202",
    "194401012390",
    "195201161857",
    "195701032863",
    "196301022866",
    "197101019045",
    "198501012382",
    "199901016809",
    "194401038296",
    "193801049267",
];

/// Fictional patients, one per test number.
pub const NAMES: [&str; 11] = [
    "Astrid Testsson",
    "Bertil Provsson",
    "Cecilia Exempelsson",
    "Dagny Fiktivsson",
    "Einar Låtsasson",
    "Frida Påhittsdotter",
    "Gustav Övningsson",
    "Helga Prövosson",
    "Ivar Dummysson",
    "Jenny Testdotter",
    "Karl Provdocka",
];

/// The kit in `content/`, with made-up daily rates for 2024 and 2025 (none
/// for 2026), so sums are easy to check by eye.
pub fn kit() -> Kit {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    // Far enough ahead that no verification date lies in the future.
    let loaded = reservkit::load::load(&content, date(2100, 1, 1));
    let mut kit = loaded.kit.expect("content/ loads");
    kit.settings.payment.rates = vec![
        RateEntry {
            year: 2024,
            amount_sek: 1_000,
            source: "testbelopp 2024".to_owned(),
        },
        RateEntry {
            year: 2025,
            amount_sek: 2_000,
            source: "testbelopp 2025".to_owned(),
        },
    ];
    // Read from an absolute path here; named as a user in the repository
    // root would see it, so the records do not depend on the checkout.
    kit.settings_file = "content/kit.yaml".to_owned();
    kit
}

/// `YYYY-MM-DD HH:MM` in Europe/Stockholm, optionally with an offset for the
/// autumn fold (`2025-10-26 02:30+01:00`).
pub fn at(text: &str) -> ZonedDateTime {
    let (day, rest) = text.split_once(' ').expect("date and time");
    let (clock, offset) = match rest.find('+') {
        Some(i) => (&rest[..i], Some(parse_offset(&rest[i..]).expect("offset"))),
        None => (rest, None),
    };
    resolve_local(
        parse_date(day).expect("date"),
        parse_time(clock).expect("time"),
        offset,
    )
    .expect("local time exists")
}

pub fn day(text: &str) -> Date {
    parse_date(text).expect("date")
}

pub fn pin(text: &str) -> PersonalId {
    PersonalId::parse(text, date(2025, 1, 1)).expect("test number")
}

/// Writes entries as the transcription would: each unit's rows numbered
/// down its sheets (12 rows a sheet), one file per unit.
#[derive(Default)]
pub struct Logbook {
    pub entries: Vec<Entry>,
    pub rejections: Vec<Rejection>,
    /// unit → (sheet serial, next row)
    next: BTreeMap<String, (u32, u32)>,
    /// file → next line
    lines: BTreeMap<String, usize>,
}

impl Logbook {
    pub fn new() -> Logbook {
        Logbook::default()
    }

    fn next_line(&mut self, file: &str) -> usize {
        let line = self.lines.entry(file.to_owned()).or_insert(1);
        *line += 1;
        *line
    }

    fn next_place(&mut self, unit: &str) -> (u32, u32) {
        let place = self.next.entry(unit.to_owned()).or_insert((1, 1));
        if place.1 > 12 {
            *place = (place.0 + 1, 1);
        }
        let here = *place;
        place.1 += 1;
        here
    }

    /// Skips to the next sheet of a unit (the rest of the current one blank).
    pub fn new_sheet(&mut self, unit: &str, serial: u32) {
        self.next.insert(unit.to_owned(), (serial, 1));
    }

    /// Logs one side of a call and returns its index for tweaks.
    #[allow(clippy::too_many_arguments)]
    pub fn log(
        &mut self,
        unit: &str,
        direction: Direction,
        counterpart: &str,
        when: &str,
        event: u8,
        patient: usize,
    ) -> usize {
        let (serial, row) = self.next_place(unit);
        let file = format!("{unit}.csv");
        let line = self.next_line(&file);
        let (signature, counterpart_person) = people(unit, counterpart);
        self.entries.push(Entry {
            source: SourceRef {
                file: file.into(),
                line,
                sheet: SheetNo {
                    unit: unit.into(),
                    serial,
                },
                row,
            },
            kind: EntryKind::Original,
            unit: unit.into(),
            outage_start: at("2025-03-03 06:00"),
            at: at(when),
            direction,
            counterpart: counterpart.into(),
            counterpart_person: counterpart_person.into(),
            patient_name: NAMES[patient].into(),
            patient_id: pin(PINS[patient]),
            event,
            fact_date: None,
            physician_or_contact: None,
            reached: true,
            note: "".into(),
            signature: signature.into(),
            transcribed_by: "Tina Transkribent".into(),
            transcribed_at: jiff::civil::date(2025, 3, 12).at(10, 0, 0, 0),
        });
        self.entries.len() - 1
    }

    /// Both sides of a reached call: the caller's outgoing row at
    /// `caller_time`, the receiver's incoming row at `receiver_time`.
    pub fn call(
        &mut self,
        caller: &str,
        receiver: &str,
        caller_time: &str,
        receiver_time: &str,
        event: u8,
        patient: usize,
    ) -> (usize, usize) {
        let out = self.log(
            caller,
            Direction::Outgoing,
            receiver,
            caller_time,
            event,
            patient,
        );
        let inc = self.log(
            receiver,
            Direction::Incoming,
            caller,
            receiver_time,
            event,
            patient,
        );
        (out, inc)
    }

    /// A correction of an earlier line, transcribed later in the same file.
    pub fn correct(&mut self, index: usize, change: impl FnOnce(&mut Entry)) -> usize {
        let mut e = self.entries[index].clone();
        e.kind = EntryKind::Correction;
        e.source.line = self.next_line(&e.source.file.clone());
        e.transcribed_at = jiff::civil::date(2025, 3, 13).at(8, 0, 0, 0);
        change(&mut e);
        self.entries.push(e);
        self.entries.len() - 1
    }

    /// Strikes out an earlier line's row.
    pub fn void(&mut self, index: usize) -> usize {
        self.correct(index, |e| e.kind = EntryKind::Void)
    }

    /// The same row transcribed again in another file, changed or not.
    pub fn again(&mut self, index: usize, file: &str, change: impl FnOnce(&mut Entry)) -> usize {
        let mut e = self.entries[index].clone();
        e.source.file = file.into();
        e.source.line = self.next_line(file);
        e.transcribed_by = "Tove Tvåa".into();
        change(&mut e);
        self.entries.push(e);
        self.entries.len() - 1
    }

    pub fn reject(&mut self, file: &str, sheet: Option<&str>, row: Option<&str>, reason: &str) {
        let line = self.next_line(file);
        self.rejections.push(Rejection {
            file: file.into(),
            line,
            sheet: sheet.map(str::to_owned),
            row: row.map(str::to_owned),
            reasons: vec![reason.to_owned()],
        });
    }

    pub fn set_fact(&mut self, index: usize, fact: FactDate) {
        self.entries[index].fact_date = Some(fact);
    }

    pub fn transcript(&self) -> Transcript {
        Transcript {
            entries: self.entries.clone(),
            rejections: self.rejections.clone(),
            lines_read: self.entries.len() + self.rejections.len(),
            ..Transcript::default()
        }
    }
}

/// Fictional staff: who signs on a unit, and who they speak to.
fn people(unit: &str, counterpart: &str) -> (String, String) {
    (person(unit), person(counterpart))
}

pub fn person(unit: &str) -> String {
    match unit {
        "sunderby-medicin-61" => "Anna Andersson",
        "sunderby-geriatrik-66" => "Berit Bengtsson",
        "pitea-medicin-2" => "Cecilia Carlsson",
        "hc-bergnaset" => "Doris Dahl",
        "lulea" => "Erik Ek",
        "boden" => "Lisa Lind",
        "pitea" => "Gun Gran",
        _ => "Okänd Provperson",
    }
    .to_owned()
}
