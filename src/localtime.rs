//! Local dates and clock times as staff write them, in Europe/Stockholm.
//!
//! This module owns reading a transcribed date (`2025-03-06`), clock time
//! (`14:30`, `14.30`, `1430`, `9:05`) and UTC offset (`+01:00`), and turning a
//! local date and time into an instant, refusing clock times that do not exist
//! (the spring-forward gap) and asking which one is meant when a clock time
//! occurs twice (the autumn fold). It does no day arithmetic for payment and
//! knows nothing about calls or patients.
//!
//! Dates and times are not patient data, so messages quote them; a value that
//! looks like an identity number (six or more digits in a row) is not quoted,
//! in case a personnummer landed in the wrong column.

use std::fmt;

use jiff::ZonedDateTime;
use jiff::civil::{Date, Time};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

/// The IANA name of the only time zone the routine uses.
pub const STOCKHOLM: &str = "Europe/Stockholm";

/// Why a date, time or offset was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeError {
    /// Not written as `YYYY-MM-DD`.
    DateFormat { input: String },
    /// Written as `YYYY-MM-DD` but no such day (for example 2025-02-29).
    NoSuchDate { input: String },
    /// Not written as `HH:MM`, `HH.MM`, `HHMM`, `H:MM` or `H.MM`.
    TimeFormat { input: String },
    /// Hour above 23 or minute above 59 (including `24:00`).
    NoSuchTime { input: String },
    /// Not written as `+HH:MM`, `+HHMM` or `+HH` (or with `-`).
    OffsetFormat { input: String },
    /// The time zone database has no Europe/Stockholm (for example no
    /// `/usr/share/zoneinfo` on this machine).
    TimeZoneUnavailable { reason: String },
    /// The local time falls in the hour skipped when summer time starts.
    Nonexistent {
        date: Date,
        time: Time,
        /// The local time at which the clocks were put forward.
        gap_start: Time,
    },
    /// The local time occurs twice when summer time ends, and no offset says
    /// which one is meant.
    Ambiguous {
        date: Date,
        time: Time,
        /// The offset of the first occurrence (summer time, +02:00).
        earlier: Offset,
        /// The offset of the second occurrence (standard time, +01:00).
        later: Offset,
    },
    /// An offset was given that the local time never has.
    WrongOffset {
        date: Date,
        time: Time,
        given: Offset,
        /// The offsets the local time does have, earliest first.
        valid: Vec<Offset>,
    },
    /// The date and time cannot be represented as an instant.
    OutOfRange { date: Date, time: Time },
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeError::DateFormat { input } => write!(
                f,
                "datum {} har fel form; skriv ÅÅÅÅ-MM-DD, t.ex. 2025-03-06",
                quoted(input)
            ),
            TimeError::NoSuchDate { input } => {
                write!(f, "datum {} finns inte i kalendern", quoted(input))
            }
            TimeError::TimeFormat { input } => write!(
                f,
                "klockslag {} har fel form; skriv TT:MM eller TT.MM, t.ex. 14:30",
                quoted(input)
            ),
            TimeError::NoSuchTime { input } if is_twenty_four(input) => write!(
                f,
                "klockslag {} används inte; skriv 00:00 och nästa dags datum",
                quoted(input)
            ),
            TimeError::NoSuchTime { input } => write!(
                f,
                "klockslag {} finns inte; timmar 00–23 och minuter 00–59",
                quoted(input)
            ),
            TimeError::OffsetFormat { input } => write!(
                f,
                "tidszon {} har fel form; skriv +01:00 (normaltid) eller +02:00 (sommartid)",
                quoted(input)
            ),
            TimeError::TimeZoneUnavailable { reason } => write!(
                f,
                "tidszonen {STOCKHOLM} kunde inte läsas (saknas tidszonsdatabasen?): {reason}"
            ),
            TimeError::Nonexistent {
                date,
                time,
                gap_start,
            } => write!(
                f,
                "klockslaget {} finns inte {date} (sommartid började {})",
                hh_mm(*time),
                hh_mm(*gap_start)
            ),
            TimeError::Ambiguous {
                date,
                time,
                earlier,
                later,
            } => write!(
                f,
                "klockslaget {} inträffar två gånger {date}; ange tidszon {} (sommartid) eller {} (normaltid)",
                hh_mm(*time),
                offset_text(*earlier),
                offset_text(*later)
            ),
            TimeError::WrongOffset {
                date,
                time,
                given,
                valid,
            } => {
                let valid: Vec<String> = valid.iter().map(|o| offset_text(*o)).collect();
                write!(
                    f,
                    "klockslaget {} {date} har inte tidszon {}; möjlig: {}",
                    hh_mm(*time),
                    offset_text(*given),
                    valid.join(" eller ")
                )
            }
            TimeError::OutOfRange { date, time } => write!(
                f,
                "tidpunkten {date} {} ligger utanför det som kan räknas",
                hh_mm(*time)
            ),
        }
    }
}

impl std::error::Error for TimeError {}

/// Parses a date written `YYYY-MM-DD` (four-digit year, zero-padded month and
/// day). Surrounding whitespace is ignored.
///
/// # Errors
///
/// [`TimeError::DateFormat`] for any other shape, [`TimeError::NoSuchDate`]
/// for a day that is not in the calendar (`2025-02-29`, `2025-13-01`).
pub fn parse_date(s: &str) -> Result<Date, TimeError> {
    let text = s.trim();
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err(TimeError::DateFormat {
            input: text.to_owned(),
        });
    }
    let year = digits_value(&bytes[0..4]);
    let month = digits_value(&bytes[5..7]);
    let day = digits_value(&bytes[8..10]);
    let no_such_date = || TimeError::NoSuchDate {
        input: text.to_owned(),
    };
    let (Ok(year), Ok(month), Ok(day)) =
        (i16::try_from(year), i8::try_from(month), i8::try_from(day))
    else {
        return Err(no_such_date());
    };
    Date::new(year, month, day).map_err(|_| no_such_date())
}

/// Parses a clock time on the 24-hour clock, to the minute: `HH:MM`, `HH.MM`,
/// `HHMM`, `H:MM` or `H.MM`. Surrounding whitespace is ignored.
///
/// # Errors
///
/// [`TimeError::TimeFormat`] for any other shape (seconds, `am`/`pm`, three
/// digits), [`TimeError::NoSuchTime`] for an hour above 23 or a minute above
/// 59; `24:00` is refused too, since the day it belongs to is ambiguous on a
/// paper log.
pub fn parse_time(s: &str) -> Result<Time, TimeError> {
    let text = s.trim();
    let bytes = text.as_bytes();
    let (hour, minute): (&[u8], &[u8]) = match bytes {
        [h1, h2, b':' | b'.', m1, m2] => (&[*h1, *h2], &[*m1, *m2]),
        [h, b':' | b'.', m1, m2] => (&[*h], &[*m1, *m2]),
        [h1, h2, m1, m2] => (&[*h1, *h2], &[*m1, *m2]),
        _ => (&[], &[]),
    };
    if hour.is_empty() || !hour.iter().chain(minute).all(u8::is_ascii_digit) {
        return Err(TimeError::TimeFormat {
            input: text.to_owned(),
        });
    }
    let (hour, minute) = (digits_value(hour), digits_value(minute));
    if hour > 23 || minute > 59 {
        return Err(TimeError::NoSuchTime {
            input: text.to_owned(),
        });
    }
    // Both are at most two digits and in range, so they fit and are valid.
    Time::new(hour as i8, minute as i8, 0, 0).map_err(|_| TimeError::NoSuchTime {
        input: text.to_owned(),
    })
}

/// Parses a UTC offset: `+01:00`, `+0100` or `+01` (and the same with `-`).
/// Surrounding whitespace is ignored.
///
/// Any whole-minute offset up to ±25:59 is read; whether it is right for a
/// given local time is [`resolve_local`]'s business.
///
/// # Errors
///
/// [`TimeError::OffsetFormat`] for any other shape (`Z`, `CET`, `+1`,
/// `+01:0`).
pub fn parse_offset(s: &str) -> Result<Offset, TimeError> {
    let text = s.trim();
    let format_error = || TimeError::OffsetFormat {
        input: text.to_owned(),
    };
    let bytes = text.as_bytes();
    let (sign, rest) = match bytes.split_first() {
        Some((b'+', rest)) => (1, rest),
        Some((b'-', rest)) => (-1, rest),
        _ => return Err(format_error()),
    };
    let (hours, minutes): (&[u8], &[u8]) = match rest {
        [h1, h2] => (&[*h1, *h2], b"00"),
        [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => (&[*h1, *h2], &[*m1, *m2]),
        _ => return Err(format_error()),
    };
    if !hours.iter().chain(minutes).all(u8::is_ascii_digit) {
        return Err(format_error());
    }
    let (hours, minutes) = (digits_value(hours), digits_value(minutes));
    if minutes > 59 {
        return Err(format_error());
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).map_err(|_| format_error())
}

/// The Europe/Stockholm time zone from the time zone database.
///
/// On Unix jiff reads the system database (`/usr/share/zoneinfo`, or the
/// directory in `TZDIR`); a build with jiff's `tzdb-bundle-always` feature
/// falls back to a copy compiled into the binary.
///
/// # Errors
///
/// [`TimeError::TimeZoneUnavailable`] when the database cannot be found or has
/// no Europe/Stockholm. It never panics.
pub fn stockholm() -> Result<TimeZone, TimeError> {
    TimeZone::get(STOCKHOLM).map_err(|error| TimeError::TimeZoneUnavailable {
        reason: error.to_string(),
    })
}

/// Turns a local date and clock time in Europe/Stockholm into an instant.
///
/// `offset` is the UTC offset written beside the time, if any. It is needed
/// only for a clock time in the autumn fold (02:00–02:59 on the last Sunday of
/// October), where `+02:00` picks the first occurrence (summer time) and
/// `+01:00` the second. When given for any other time it must match.
///
/// # Errors
///
/// - [`TimeError::Nonexistent`] for a time in the spring gap (02:00–02:59 on
///   the last Sunday of March), with or without an offset;
/// - [`TimeError::Ambiguous`] for a time in the autumn fold without an offset;
/// - [`TimeError::WrongOffset`] when the given offset is not one the local
///   time has;
/// - [`TimeError::TimeZoneUnavailable`] when Europe/Stockholm cannot be
///   loaded (see [`stockholm`]);
/// - [`TimeError::OutOfRange`] at the edges of the supported calendar.
pub fn resolve_local(
    date: Date,
    time: Time,
    offset: Option<Offset>,
) -> Result<ZonedDateTime, TimeError> {
    let tz = stockholm()?;
    let datetime = date.to_datetime(time);
    let out_of_range = || TimeError::OutOfRange { date, time };
    let candidates = match tz.to_ambiguous_zoned_datetime(datetime).offset() {
        AmbiguousOffset::Unambiguous { offset } => vec![offset],
        AmbiguousOffset::Gap { before, after } => {
            // Read with the offset in force after the gap, a time in the gap
            // lies before the transition (even 02:00 itself), so the next
            // transition is the moment the clocks were put forward.
            let probe = after.to_timestamp(datetime).map_err(|_| out_of_range())?;
            let gap_start = tz
                .following(probe)
                .next()
                .map(|transition| before.to_datetime(transition.timestamp()).time())
                .ok_or_else(out_of_range)?;
            return Err(TimeError::Nonexistent {
                date,
                time,
                gap_start,
            });
        }
        AmbiguousOffset::Fold { before, after } => {
            if offset.is_none() {
                return Err(TimeError::Ambiguous {
                    date,
                    time,
                    earlier: before,
                    later: after,
                });
            }
            vec![before, after]
        }
    };
    let chosen = match offset {
        None => candidates[0],
        Some(given) if candidates.contains(&given) => given,
        Some(given) => {
            return Err(TimeError::WrongOffset {
                date,
                time,
                given,
                valid: candidates,
            });
        }
    };
    let instant = chosen.to_timestamp(datetime).map_err(|_| out_of_range())?;
    Ok(instant.to_zoned_datetime(tz))
}

/// `HH:MM`, the way times are quoted in messages.
fn hh_mm(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// `+HH:MM`, the way offsets are quoted in messages.
fn offset_text(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The value in quotes, unless it might be an identity number (six or more
/// digits in a row) or is too long to be a date or time.
fn quoted(input: &str) -> String {
    let mut run = 0;
    let mut longest = 0;
    for c in input.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest >= 6 || input.chars().count() > 16 {
        "(värdet visas inte)".to_owned()
    } else {
        format!("\"{input}\"")
    }
}

fn is_twenty_four(input: &str) -> bool {
    matches!(input, "24:00" | "24.00" | "2400")
}

/// The value of a short run of ASCII digits.
fn digits_value(digits: &[u8]) -> i32 {
    digits
        .iter()
        .fold(0, |acc, d| acc * 10 + i32::from(d - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn hm(hour: i8, minute: i8) -> Time {
        time(hour, minute, 0, 0)
    }

    fn offset(hours: i8) -> Offset {
        Offset::constant(hours)
    }

    fn utc(zoned: &ZonedDateTime) -> String {
        zoned.timestamp().to_string()
    }

    #[test]
    fn parses_iso_dates() {
        assert_eq!(parse_date("2025-03-06"), Ok(date(2025, 3, 6)));
        assert_eq!(parse_date(" 2024-02-29 "), Ok(date(2024, 2, 29)));
    }

    #[test]
    fn rejects_dates_in_other_shapes() {
        for input in [
            "2025-3-6",
            "25-03-06",
            "2025/03/06",
            "20250306",
            "06-03-2025",
            "2025-03-06T10:00",
            "",
            "2025-0a-06",
            "+025-03-06",
        ] {
            assert!(
                matches!(parse_date(input), Err(TimeError::DateFormat { .. })),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_dates_not_in_the_calendar() {
        for input in [
            "2025-02-29",
            "2100-02-29",
            "2025-13-01",
            "2025-04-31",
            "2025-00-10",
        ] {
            assert!(
                matches!(parse_date(input), Err(TimeError::NoSuchDate { .. })),
                "{input}"
            );
        }
    }

    #[test]
    fn parses_every_accepted_time_form() {
        for input in ["14:30", "14.30", "1430", " 14:30 "] {
            assert_eq!(parse_time(input), Ok(hm(14, 30)), "{input}");
        }
        for input in ["9:05", "9.05", "09:05", "0905"] {
            assert_eq!(parse_time(input), Ok(hm(9, 5)), "{input}");
        }
    }

    #[test]
    fn parses_midnight_and_the_last_minute() {
        assert_eq!(parse_time("00:00"), Ok(hm(0, 0)));
        assert_eq!(parse_time("0:00"), Ok(hm(0, 0)));
        assert_eq!(parse_time("23:59"), Ok(hm(23, 59)));
    }

    #[test]
    fn rejects_twenty_four_hundred() {
        for input in ["24:00", "24.00", "2400"] {
            let error = parse_time(input).expect_err("24:00 is not used");
            assert!(matches!(error, TimeError::NoSuchTime { .. }));
            assert!(error.to_string().contains("00:00 och nästa dags datum"));
        }
    }

    #[test]
    fn rejects_hours_and_minutes_out_of_range() {
        for input in ["25:00", "23:60", "9:75", "99.99"] {
            assert!(
                matches!(parse_time(input), Err(TimeError::NoSuchTime { .. })),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_times_in_other_shapes() {
        for input in [
            "930", "14:30:00", "14", "2:30 pm", "14-30", "14,30", "14:3", ":30", "", "ab:cd",
            "1 4:30", "14h30",
        ] {
            assert!(
                matches!(parse_time(input), Err(TimeError::TimeFormat { .. })),
                "{input}"
            );
        }
    }

    #[test]
    fn parses_offsets_in_the_written_forms() {
        for input in ["+01:00", "+0100", "+01"] {
            assert_eq!(parse_offset(input), Ok(offset(1)), "{input}");
        }
        for input in ["+02:00", "+0200", "+02", " +02 "] {
            assert_eq!(parse_offset(input), Ok(offset(2)), "{input}");
        }
        assert_eq!(
            parse_offset("-05:30").map(Offset::seconds),
            Ok(-(5 * 3600 + 30 * 60))
        );
    }

    #[test]
    fn rejects_offsets_in_other_shapes() {
        for input in [
            "Z", "CET", "+1", "01:00", "+01:0", "+01:60", "+1:00", "", "+0a", "+01-00",
        ] {
            assert!(
                matches!(parse_offset(input), Err(TimeError::OffsetFormat { .. })),
                "{input}"
            );
        }
    }

    #[test]
    fn loads_the_stockholm_time_zone() {
        let tz = stockholm().expect("tzdb has Europe/Stockholm");
        assert_eq!(tz.iana_name(), Some(STOCKHOLM));
    }

    #[test]
    fn resolves_winter_and_summer_times() {
        let winter = resolve_local(date(2025, 1, 15), hm(10, 15), None).expect("ordinary time");
        assert_eq!(winter.offset(), offset(1));
        assert_eq!(utc(&winter), "2025-01-15T09:15:00Z");
        let summer = resolve_local(date(2025, 7, 1), hm(10, 15), None).expect("ordinary time");
        assert_eq!(summer.offset(), offset(2));
        assert_eq!(utc(&summer), "2025-07-01T08:15:00Z");
    }

    #[test]
    fn resolves_midnight_to_the_start_of_the_day() {
        let zoned = resolve_local(date(2025, 3, 3), hm(0, 0), None).expect("midnight exists");
        assert_eq!(zoned.date(), date(2025, 3, 3));
        assert_eq!(utc(&zoned), "2025-03-02T23:00:00Z");
    }

    #[test]
    fn accepts_a_matching_offset_on_an_ordinary_time() {
        let zoned = resolve_local(date(2025, 1, 15), hm(10, 15), Some(offset(1)))
            .expect("the offset is right");
        assert_eq!(utc(&zoned), "2025-01-15T09:15:00Z");
    }

    #[test]
    fn rejects_a_wrong_offset_on_an_ordinary_time() {
        let error = resolve_local(date(2025, 1, 15), hm(10, 15), Some(offset(2)))
            .expect_err("no summer time in January");
        assert_eq!(
            error,
            TimeError::WrongOffset {
                date: date(2025, 1, 15),
                time: hm(10, 15),
                given: offset(2),
                valid: vec![offset(1)],
            }
        );
        assert_eq!(
            error.to_string(),
            "klockslaget 10:15 2025-01-15 har inte tidszon +02:00; möjlig: +01:00"
        );
    }

    #[test]
    fn rejects_dst_gap_time_2025_and_2026() {
        for day in [date(2025, 3, 30), date(2026, 3, 29)] {
            for t in [hm(2, 0), hm(2, 30), hm(2, 59)] {
                for given in [None, Some(offset(1)), Some(offset(2))] {
                    let error = resolve_local(day, t, given).expect_err("in the gap");
                    assert_eq!(
                        error,
                        TimeError::Nonexistent {
                            date: day,
                            time: t,
                            gap_start: hm(2, 0)
                        },
                        "{day} {t} {given:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn explains_the_dst_gap_in_swedish() {
        let error = resolve_local(date(2026, 3, 29), hm(2, 30), None).expect_err("in the gap");
        assert_eq!(
            error.to_string(),
            "klockslaget 02:30 finns inte 2026-03-29 (sommartid började 02:00)"
        );
    }

    #[test]
    fn accepts_the_minutes_around_the_dst_gap() {
        for day in [date(2025, 3, 30), date(2026, 3, 29)] {
            let before = resolve_local(day, hm(1, 59), None).expect("before the gap");
            assert_eq!(before.offset(), offset(1));
            let after = resolve_local(day, hm(3, 0), None).expect("after the gap");
            assert_eq!(after.offset(), offset(2));
            // One real minute apart.
            assert_eq!(
                after.timestamp().as_second() - before.timestamp().as_second(),
                60
            );
        }
    }

    #[test]
    fn rejects_dst_fold_time_without_offset_2025_and_2026() {
        for day in [date(2025, 10, 26), date(2026, 10, 25)] {
            for t in [hm(2, 0), hm(2, 30), hm(2, 59)] {
                let error = resolve_local(day, t, None).expect_err("in the fold");
                assert_eq!(
                    error,
                    TimeError::Ambiguous {
                        date: day,
                        time: t,
                        earlier: offset(2),
                        later: offset(1)
                    },
                    "{day} {t}"
                );
            }
        }
    }

    #[test]
    fn explains_the_dst_fold_in_swedish() {
        let error = resolve_local(date(2026, 10, 25), hm(2, 30), None).expect_err("in the fold");
        assert_eq!(
            error.to_string(),
            "klockslaget 02:30 inträffar två gånger 2026-10-25; ange tidszon +02:00 (sommartid) eller +01:00 (normaltid)"
        );
    }

    #[test]
    fn picks_the_fold_occurrence_the_offset_names() {
        let first = resolve_local(date(2025, 10, 26), hm(2, 30), Some(offset(2)))
            .expect("summer time occurrence");
        assert_eq!(utc(&first), "2025-10-26T00:30:00Z");
        let second = resolve_local(date(2025, 10, 26), hm(2, 30), Some(offset(1)))
            .expect("standard time occurrence");
        assert_eq!(utc(&second), "2025-10-26T01:30:00Z");
        assert_eq!(second.datetime(), first.datetime());
    }

    #[test]
    fn rejects_an_offset_the_fold_does_not_have() {
        let error = resolve_local(date(2026, 10, 25), hm(2, 30), Some(offset(3)))
            .expect_err("+03:00 is never Stockholm");
        assert_eq!(
            error,
            TimeError::WrongOffset {
                date: date(2026, 10, 25),
                time: hm(2, 30),
                given: offset(3),
                valid: vec![offset(2), offset(1)],
            }
        );
        assert_eq!(
            error.to_string(),
            "klockslaget 02:30 2026-10-25 har inte tidszon +03:00; möjlig: +02:00 eller +01:00"
        );
    }

    #[test]
    fn accepts_the_minutes_around_the_dst_fold() {
        for day in [date(2025, 10, 26), date(2026, 10, 25)] {
            let before = resolve_local(day, hm(1, 59), None).expect("before the fold");
            assert_eq!(before.offset(), offset(2));
            let after = resolve_local(day, hm(3, 0), None).expect("after the fold");
            assert_eq!(after.offset(), offset(1));
            // 01:59 summer time to 03:00 standard time is two hours and a minute.
            assert_eq!(
                after.timestamp().as_second() - before.timestamp().as_second(),
                2 * 3600 + 60
            );
        }
    }

    #[test]
    fn messages_quote_dates_and_times() {
        let error = parse_date("2025-02-30").expect_err("no 30 February");
        assert_eq!(
            error.to_string(),
            "datum \"2025-02-30\" finns inte i kalendern"
        );
        let error = parse_time("25.10").expect_err("no hour 25");
        assert_eq!(
            error.to_string(),
            "klockslag \"25.10\" finns inte; timmar 00–23 och minuter 00–59"
        );
    }

    #[test]
    fn messages_do_not_quote_what_looks_like_an_identity_number() {
        for input in ["19900101-2385", "900101-2385", "9001012385"] {
            for message in [
                parse_date(input).expect_err("not a date").to_string(),
                parse_time(input).expect_err("not a time").to_string(),
                parse_offset(input).expect_err("not an offset").to_string(),
            ] {
                assert!(!message.contains("900101"), "{message}");
                assert!(message.contains("(värdet visas inte)"), "{message}");
            }
        }
    }
}
