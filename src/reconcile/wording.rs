//! How reconciliation says things in Swedish: call times, sheet references,
//! unit and event names. Shared by the records, the worklists and the
//! summary so that the same thing is always written the same way.

use crate::localtime;
use crate::model::{Directory, Settings};
use crate::transcript::entry::SourceRef;
use jiff::ZonedDateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Europe/Stockholm, looked up once: a reconciliation formats hundreds of
/// thousands of times.
fn stockholm() -> Option<&'static TimeZone> {
    static ZONE: OnceLock<Option<TimeZone>> = OnceLock::new();
    ZONE.get_or_init(|| localtime::stockholm().ok()).as_ref()
}

/// The call time in Europe/Stockholm (as given if the zone cannot be loaded,
/// which the transcription reader has already ruled out).
pub fn local(at: &ZonedDateTime) -> ZonedDateTime {
    match stockholm() {
        Some(tz) => at.with_time_zone(tz.clone()),
        None => at.clone(),
    }
}

/// `+01:00` when the local clock time occurs twice (the autumn fold), so the
/// two hours 02:00–02:59 on the last Sunday of October can be told apart.
fn fold_suffix(local: &ZonedDateTime) -> String {
    let Some(tz) = stockholm() else {
        return String::new();
    };
    match tz.to_ambiguous_zoned_datetime(local.datetime()).offset() {
        AmbiguousOffset::Fold { .. } => {
            let seconds = local.offset().seconds();
            let sign = if seconds < 0 { '-' } else { '+' };
            let minutes = seconds.unsigned_abs() / 60;
            format!(" ({sign}{:02}:{:02})", minutes / 60, minutes % 60)
        }
        _ => String::new(),
    }
}

/// `2025-03-03 10:15`, with the offset added in the autumn fold.
pub fn clock(at: &ZonedDateTime) -> String {
    let mut out = String::with_capacity(16);
    push_clock(&mut out, at);
    out
}

/// [`clock`], appended to `out` (for a buffer reused row after row).
pub fn push_clock(out: &mut String, at: &ZonedDateTime) {
    let l = local(at);
    let _ = write!(
        out,
        "{} {:02}:{:02}{}",
        l.date(),
        l.time().hour(),
        l.time().minute(),
        fold_suffix(&l)
    );
}

/// `2025-03-03 kl. 10:15`, as in a note.
pub fn clock_in_text(at: &ZonedDateTime) -> String {
    let l = local(at);
    format!(
        "{} kl. {:02}:{:02}{}",
        l.date(),
        l.time().hour(),
        l.time().minute(),
        fold_suffix(&l)
    )
}

/// ISO 8601 with offset, for JSON: `2025-03-03T10:15:00+01:00`.
pub fn iso(at: &ZonedDateTime) -> String {
    let l = local(at);
    format!(
        "{}T{:02}:{:02}:{:02}{}",
        l.date(),
        l.time().hour(),
        l.time().minute(),
        l.time().second(),
        {
            let seconds = l.offset().seconds();
            let sign = if seconds < 0 { '-' } else { '+' };
            let minutes = seconds.unsigned_abs() / 60;
            format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
        }
    )
}

/// `blad sunderby-medicin-61-003 rad 4`, as written on paper.
pub fn sheet_row(source: &SourceRef) -> String {
    format!("blad {} rad {}", source.sheet, source.row)
}

/// `blad sunderby-medicin-61-003 rad 4 (blad61.csv:12)`: the paper row and
/// the transcription line.
pub fn source(source: &SourceRef) -> String {
    let mut out = String::with_capacity(64);
    push_source(&mut out, source);
    out
}

/// [`source`], appended to `out` (for a buffer reused row after row).
pub fn push_source(out: &mut String, source: &SourceRef) {
    let _ = write!(
        out,
        "blad {} rad {} ({}:{})",
        source.sheet, source.row, source.file, source.line
    );
}

/// The unit's full name ("Medicinavdelning 61, Sunderby sjukhus"), or its
/// id when the directory does not know it.
pub fn unit_name(directory: &Directory, id: &str) -> String {
    directory
        .unit(id)
        .map_or_else(|| id.to_owned(), |unit| unit.full_name())
}

/// Every unit's full name by id and every event's name by code, made once
/// per reconciliation: the records name both parties and the event of
/// every call several times, and [`unit_name`] and [`event_name`] make a
/// new `String` each time.
#[derive(Debug, Clone)]
pub struct Names {
    units: HashMap<String, String>,
    /// By event code; `händelse N` for a code the kit does not name.
    events: Vec<String>,
}

impl Names {
    /// The names of every unit in the directory (the first of a repeated
    /// id, as [`Directory::unit`] finds it) and of every event code.
    pub fn new(directory: &Directory, settings: &Settings) -> Names {
        let mut units = HashMap::with_capacity(directory.units.len());
        for unit in &directory.units {
            units
                .entry(unit.id.clone())
                .or_insert_with(|| unit.full_name());
        }
        let events = (0..=u8::MAX)
            .map(|code| event_name(settings, code))
            .collect();
        Names { units, events }
    }

    /// As [`unit_name`]: the unit's full name, or its id when the directory
    /// does not know it.
    pub fn unit<'a>(&'a self, id: &'a str) -> &'a str {
        self.units.get(id).map_or(id, String::as_str)
    }

    /// As [`event_name`].
    pub fn event(&self, code: u8) -> &str {
        &self.events[usize::from(code)]
    }
}

/// The event's name from the kit, or `händelse N`.
pub fn event_name(settings: &Settings, code: u8) -> String {
    settings
        .event(code)
        .map_or_else(|| format!("händelse {code}"), |event| event.name.clone())
}

/// `dag` or `dagar`, as the count asks.
pub fn days(n: u32) -> &'static str {
    if n == 1 { "dag" } else { "dagar" }
}

/// `1 minut`, `12 minuter`.
pub fn minutes(n: impl Into<i64>) -> String {
    let n = n.into();
    format!("{n} {}", if n.abs() == 1 { "minut" } else { "minuter" })
}

/// `ja` / `nej`.
pub fn yes_no(value: bool) -> &'static str {
    if value { "ja" } else { "nej" }
}

/// Swedish thousands grouping with a no-break space: `18 600`.
pub fn kronor(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::testing::at;

    #[test]
    fn writes_local_times_to_the_minute() {
        assert_eq!(clock(&at("2025-03-03 10:15")), "2025-03-03 10:15");
        assert_eq!(
            clock_in_text(&at("2025-03-03 10:15")),
            "2025-03-03 kl. 10:15"
        );
        assert_eq!(iso(&at("2025-07-01 08:05")), "2025-07-01T08:05:00+02:00");
    }

    #[test]
    fn tells_the_two_autumn_fold_hours_apart() {
        assert_eq!(
            clock(&at("2025-10-26 02:30+02:00")),
            "2025-10-26 02:30 (+02:00)"
        );
        assert_eq!(
            clock(&at("2025-10-26 02:30+01:00")),
            "2025-10-26 02:30 (+01:00)"
        );
        assert_eq!(clock(&at("2025-10-26 03:30")), "2025-10-26 03:30");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(kronor(0), "0");
        assert_eq!(kronor(930), "930");
        assert_eq!(kronor(18_600), "18\u{a0}600");
        assert_eq!(kronor(1_234_567), "1\u{a0}234\u{a0}567");
    }
}
