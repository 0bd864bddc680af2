//! Builders for transcription entries in unit tests, until the
//! transcription reader produces them. Test numbers only (Skatteverket).

use crate::localtime::{parse_date, parse_offset, parse_time, resolve_local};
use crate::personal_id::PersonalId;
use crate::transcript::entry::{Direction, Entry, EntryKind, SheetNo, SourceRef};
use jiff::ZonedDateTime;
use jiff::civil::date;

/// A Skatteverket test personnummer.
pub const TEST_PIN: &str = "199001012385";

/// `YYYY-MM-DD HH:MM`, optionally followed by an offset (`+01:00`) for the
/// autumn fold, in Europe/Stockholm.
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

pub struct Line {
    entry: Entry,
}

impl Line {
    pub fn new(
        unit: &str,
        serial: u32,
        row: u32,
        direction: Direction,
        counterpart: &str,
        when: &str,
    ) -> Line {
        let call = at(when);
        Line {
            entry: Entry {
                source: SourceRef {
                    file: format!("{unit}.csv").into(),
                    line: (serial * 100 + row) as usize,
                    sheet: SheetNo {
                        unit: unit.into(),
                        serial,
                    },
                    row,
                },
                kind: EntryKind::Original,
                unit: unit.into(),
                outage_start: at("2025-03-03 06:00"),
                at: call,
                direction,
                counterpart: counterpart.into(),
                counterpart_person: "Lisa Lind".into(),
                patient_name: "Astrid Testsson".into(),
                patient_id: PersonalId::parse(TEST_PIN, date(2025, 1, 1)).expect("test number"),
                event: 3,
                fact_date: None,
                physician_or_contact: None,
                reached: true,
                note: "".into(),
                signature: "Anna Andersson".into(),
                transcribed_by: "Test".into(),
                transcribed_at: date(2025, 3, 5).at(9, 0, 0, 0),
            },
        }
    }

    pub fn line(mut self, line: usize) -> Line {
        self.entry.source.line = line;
        self
    }

    pub fn event(mut self, code: u8) -> Line {
        self.entry.event = code;
        self
    }

    pub fn unreached(mut self) -> Line {
        self.entry.reached = false;
        self
    }

    pub fn patient(mut self, pin: &str) -> Line {
        self.entry.patient_id = PersonalId::parse(pin, date(2025, 1, 1)).expect("test number");
        self
    }

    pub fn build(self) -> Entry {
        self.entry
    }

    pub fn correction(mut self) -> Entry {
        self.entry.kind = EntryKind::Correction;
        self.entry
    }

    pub fn void(mut self) -> Entry {
        self.entry.kind = EntryKind::Void;
        self.entry
    }
}

/// Medicinavdelning 61 calling Bodens kommun: utskrivningsklar, reached.
pub fn ward_to_boden(serial: u32, row: u32, when: &str) -> Line {
    Line::new(
        "sunderby-medicin-61",
        serial,
        row,
        Direction::Outgoing,
        "boden",
        when,
    )
}

/// Bodens kommun taking a call from Medicinavdelning 61.
pub fn boden_from_ward(serial: u32, row: u32, when: &str) -> Line {
    Line::new(
        "boden",
        serial,
        row,
        Direction::Incoming,
        "sunderby-medicin-61",
        when,
    )
}

/// Sets the transcription line of a builder.
pub fn line(builder: Line, n: usize) -> Line {
    builder.line(n)
}

/// The kit in `content/`, with made-up rates for 2024 and 2025 so sums are
/// easy to check.
pub fn kit() -> crate::model::Kit {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    // Far enough ahead that no verification date lies in the future.
    let loaded = crate::load::load(&content, date(2100, 1, 1));
    let mut kit = loaded.kit.expect("content/ loads");
    kit.settings.payment.rates = vec![
        crate::model::RateEntry {
            year: 2024,
            amount_sek: 1_000,
            source: "testbelopp 2024".to_owned(),
        },
        crate::model::RateEntry {
            year: 2025,
            amount_sek: 2_000,
            source: "testbelopp 2025".to_owned(),
        },
    ];
    kit
}
