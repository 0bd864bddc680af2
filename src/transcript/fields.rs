//! Reading single values of a transcription line: sheet and row numbers,
//! dates and times, direction, identity number, event code, yes/no and the
//! kind of line. Shared by the file check and the guided entry, so both
//! accept and refuse exactly the same values.
//!
//! Every function takes the value as written and returns it parsed or a
//! Swedish message. Messages quote the value through [`shown`], which hides
//! anything that might be an identity number; the patient's name and number
//! are never quoted at all.

use super::entry::{Direction, EntryKind, SheetNo};
use crate::localtime::{self, TimeError};
use crate::model::{Directory, Event, Settings, Unit};
use crate::personal_id::PersonalId;
use jiff::ZonedDateTime;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;

/// The first call date accepted: the law (2017:612) and with it the routine
/// apply from 2018.
pub const FIRST_YEAR: i16 = 2018;

/// A value in «quotes» for a message, unless it might be an identity number
/// (six or more digits in a row), is long enough to be free text, or may be
/// a person's name (two words of letters).
pub fn shown(value: &str) -> String {
    let value = value.trim();
    let mut run = 0;
    let mut longest = 0;
    for c in value.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest >= 6 || value.chars().count() > 40 || super::privacy::may_be_a_name(value) {
        "(värdet visas inte)".to_owned()
    } else {
        format!("«{value}»")
    }
}

/// A sheet number whose unit is in the directory.
///
/// # Errors
///
/// When the value is not `<enhet>-<löpnummer>` or the unit is unknown.
pub fn sheet<'d>(value: &str, directory: &'d Directory) -> Result<(SheetNo, &'d Unit), String> {
    let sheet = SheetNo::parse(value).ok_or_else(|| {
        format!(
            "{} är inget bladnummer; skriv enhetens id, bindestreck och bladets löpnummer, \
             t.ex. «sunderby-medicin-61-007»",
            shown(value)
        )
    })?;
    let unit = directory.unit(&sheet.unit).ok_or_else(|| {
        format!(
            "enheten {} i bladnumret finns inte i kontaktkatalogen",
            shown(&sheet.unit)
        )
    })?;
    Ok((sheet, unit))
}

/// A row number printed on the form, 1 to `rows_per_sheet`.
///
/// # Errors
///
/// When the value is not a whole number in that range.
pub fn row(value: &str, rows_per_sheet: u32) -> Result<u32, String> {
    let value = value.trim();
    match value.parse::<u32>() {
        Ok(n) if (1..=rows_per_sheet).contains(&n) => Ok(n),
        _ => Err(format!(
            "{} är inget radnummer; bladet har rad 1–{rows_per_sheet}",
            shown(value)
        )),
    }
}

/// A point in time written `YYYY-MM-DD HH:MM` in Europe/Stockholm, as in the
/// sheet header and the `transkriberad` column. An offset may follow
/// (`2025-10-26 02:30 +01:00`) for the hour that occurs twice in autumn.
///
/// # Errors
///
/// When the shape is wrong, the date or time does not exist, or the time is
/// ambiguous without an offset.
pub fn date_time(value: &str) -> Result<ZonedDateTime, String> {
    let (date, time, offset) = split_date_time(value)?;
    localtime::resolve_local(date, time, offset).map_err(|e| e.to_string())
}

/// The date, time and optional offset of a `YYYY-MM-DD HH:MM[ +HH:MM]` value.
fn split_date_time(value: &str) -> Result<(Date, Time, Option<Offset>), String> {
    let mut parts = value.split_whitespace();
    let (Some(d), Some(t)) = (parts.next(), parts.next()) else {
        return Err(format!(
            "{} har fel form; skriv ÅÅÅÅ-MM-DD TT:MM, t.ex. 2025-03-03 08:15",
            shown(value)
        ));
    };
    let offset = parts.next().map(localtime::parse_offset).transpose();
    if parts.next().is_some() {
        return Err(format!(
            "{} har fel form; skriv ÅÅÅÅ-MM-DD TT:MM, t.ex. 2025-03-03 08:15",
            shown(value)
        ));
    }
    let date = localtime::parse_date(d).map_err(|e| e.to_string())?;
    let time = localtime::parse_time(t).map_err(|e| e.to_string())?;
    let offset = offset.map_err(|e| e.to_string())?;
    Ok((date, time, offset))
}

/// A civil date and time `YYYY-MM-DD HH:MM` with no time zone attached, as
/// for a SIP meeting.
///
/// # Errors
///
/// When the shape is wrong or the date or time does not exist.
pub fn civil_date_time(value: &str) -> Result<DateTime, String> {
    let (date, time, offset) = split_date_time(value)?;
    if offset.is_some() {
        return Err(format!(
            "{} ska inte ha tidszon; skriv ÅÅÅÅ-MM-DD TT:MM",
            shown(value)
        ));
    }
    Ok(date.to_datetime(time))
}

/// A plain date `YYYY-MM-DD`.
///
/// # Errors
///
/// As [`localtime::parse_date`].
pub fn date(value: &str) -> Result<Date, String> {
    localtime::parse_date(value).map_err(|e| e.to_string())
}

/// The date of a call: a date, not before [`FIRST_YEAR`].
///
/// # Errors
///
/// When it is not a date or lies before 2018.
pub fn call_date(value: &str) -> Result<Date, String> {
    let d = date(value)?;
    if d.year() < FIRST_YEAR {
        return Err(format!(
            "datum {} är före {FIRST_YEAR}; rutinen och lagen (2017:612) gäller samtal från {FIRST_YEAR}",
            shown(value)
        ));
    }
    Ok(d)
}

/// The clock time of a call (`HH:MM`, also `HH.MM`).
///
/// # Errors
///
/// As [`localtime::parse_time`].
pub fn call_time(value: &str) -> Result<Time, String> {
    localtime::parse_time(value).map_err(|e| e.to_string())
}

/// The `tidszon` column: empty, or an offset such as `+01:00`.
///
/// # Errors
///
/// As [`localtime::parse_offset`].
pub fn offset(value: &str) -> Result<Option<Offset>, String> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    localtime::parse_offset(value)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Which column a time-resolution problem belongs to: a missing or wrong
/// offset is fixed in `tidszon`, a time in the spring gap in `klockslag`.
pub fn offset_is_at_fault(error: &TimeError) -> bool {
    matches!(
        error,
        TimeError::Ambiguous { .. } | TimeError::WrongOffset { .. }
    )
}

/// `ut` or `in`.
///
/// # Errors
///
/// For any other value.
pub fn direction(value: &str) -> Result<Direction, String> {
    match value.trim().to_lowercase().as_str() {
        "ut" => Ok(Direction::Outgoing),
        "in" => Ok(Direction::Incoming),
        _ => Err(format!(
            "{} är ingen riktning; skriv «ut» (vi ringde) eller «in» (vi blev uppringda)",
            shown(value)
        )),
    }
}

/// The counterpart: a unit in the directory other than the sheet's own.
///
/// # Errors
///
/// When the id is unknown or names the logging unit itself.
pub fn counterpart<'d>(
    value: &str,
    directory: &'d Directory,
    own_unit: Option<&str>,
) -> Result<&'d Unit, String> {
    let id = value.trim();
    let unit = directory.unit(id).ok_or_else(|| {
        format!(
            "motparten {} finns inte i kontaktkatalogen; skriv enhetens id",
            shown(id)
        )
    })?;
    if Some(unit.id.as_str()) == own_unit {
        return Err(format!(
            "motparten {} är bladets egen enhet; skriv den andra partens id",
            shown(id)
        ));
    }
    Ok(unit)
}

/// The `id_typ` column: empty (personnummer or samordningsnummer) or
/// `reserv`. Returns whether the number is a reservnummer.
///
/// # Errors
///
/// For any other value.
pub fn id_is_reserve(value: &str) -> Result<bool, String> {
    match value.trim().to_lowercase().as_str() {
        "" => Ok(false),
        "reserv" | "reservnummer" => Ok(true),
        _ => Err(format!(
            "{} är ingen id-typ; lämna tomt för personnummer eller samordningsnummer, \
             skriv «reserv» för reservnummer",
            shown(value)
        )),
    }
}

/// The patient's identity number, read on the call date.
///
/// # Errors
///
/// The [`crate::personal_id::IdError`] message, which never contains the
/// number.
pub fn personal_id(value: &str, reserve: bool, call_date: Date) -> Result<PersonalId, String> {
    let parsed = if reserve {
        PersonalId::parse_reserve(value)
    } else {
        PersonalId::parse(value, call_date)
    };
    parsed.map_err(|e| {
        let what = if reserve {
            "reservnumret"
        } else {
            "personnumret eller samordningsnumret"
        };
        format!("{what} är ogiltigt: {e}")
    })
}

/// An event code from kit.yaml.
///
/// # Errors
///
/// When the value is not one of the codes.
pub fn event<'s>(value: &str, settings: &'s Settings) -> Result<&'s Event, String> {
    value
        .trim()
        .parse::<u8>()
        .ok()
        .and_then(|code| settings.event(code))
        .ok_or_else(|| {
            let codes: Vec<String> = settings.events.iter().map(|e| e.code.to_string()).collect();
            format!(
                "{} är ingen händelsekod; koderna är {}",
                shown(value),
                codes.join(", ")
            )
        })
}

/// `ja` or `nej` (guided entry also accepts `j` and `n`).
///
/// # Errors
///
/// For any other value.
pub fn reached(value: &str, short_forms: bool) -> Result<bool, String> {
    match value.trim().to_lowercase().as_str() {
        "ja" => Ok(true),
        "nej" => Ok(false),
        "j" if short_forms => Ok(true),
        "n" if short_forms => Ok(false),
        _ => Err(format!("{} är varken «ja» eller «nej»", shown(value))),
    }
}

/// The `post` column: empty, `rättelse` or `makulering`.
///
/// # Errors
///
/// For any other value.
pub fn kind(value: &str) -> Result<EntryKind, String> {
    match value.trim().to_lowercase().as_str() {
        "" => Ok(EntryKind::Original),
        "rättelse" | "rattelse" => Ok(EntryKind::Correction),
        "makulering" | "makulerad" => Ok(EntryKind::Void),
        _ => Err(format!(
            "{} är ingen post; lämna tomt för originalraden eller skriv «rättelse» eller «makulering»",
            shown(value)
        )),
    }
}

/// The `post` value written for a kind of line.
pub fn kind_text(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Original => "",
        EntryKind::Correction => "rättelse",
        EntryKind::Void => "makulering",
    }
}

/// `YYYY-MM-DD HH:MM`, as written in the file.
pub fn format_minute(at: &ZonedDateTime) -> String {
    format!("{} {:02}:{:02}", at.date(), at.hour(), at.minute())
}

/// `YYYY-MM-DD HH:MM` as [`format_minute`], followed by the offset
/// (`+02:00`) when the local time occurs twice that day, so the text reads
/// back as the same instant.
pub fn format_point(at: &ZonedDateTime) -> String {
    let text = format_minute(at);
    match localtime::resolve_local(at.date(), at.time(), None) {
        Err(TimeError::Ambiguous { .. }) => format!("{text} {}", format_offset(at.offset())),
        _ => text,
    }
}

/// `+HH:MM`, as written in the `tidszon` column.
pub fn format_offset(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_hides_what_might_be_an_identity_number() {
        assert_eq!(
            shown("sunderby-medicin-61-007"),
            "«sunderby-medicin-61-007»"
        );
        assert_eq!(shown("900101-2385"), "(värdet visas inte)");
        assert_eq!(shown("199001012385"), "(värdet visas inte)");
        assert_eq!(shown(&"x".repeat(41)), "(värdet visas inte)");
    }

    #[test]
    fn reads_date_time_with_and_without_offset() {
        let at = date_time("2025-10-26 02:30 +01:00").expect("second occurrence");
        assert_eq!(at.offset(), Offset::constant(1));
        assert!(date_time("2025-10-26 02:30").is_err());
        assert!(date_time("2025-03-03").is_err());
        assert_eq!(
            format_minute(&date_time("2025-03-03 8.05").expect("valid")),
            "2025-03-03 08:05"
        );
        for text in [
            "2025-10-26 02:30 +02:00",
            "2025-10-26 02:30 +01:00",
            "2025-03-03 08:05",
        ] {
            let at = date_time(text).expect("valid");
            assert_eq!(format_point(&at), text);
        }
    }

    #[test]
    fn reads_direction_reached_and_kind_in_any_case() {
        assert_eq!(direction(" UT "), Ok(Direction::Outgoing));
        assert_eq!(direction("in"), Ok(Direction::Incoming));
        assert!(direction("ringde").is_err());
        assert_eq!(reached("Ja", false), Ok(true));
        assert!(reached("j", false).is_err());
        assert_eq!(reached("n", true), Ok(false));
        assert_eq!(kind("Rättelse"), Ok(EntryKind::Correction));
        assert_eq!(kind(""), Ok(EntryKind::Original));
        assert!(kind("ändring").is_err());
    }
}
