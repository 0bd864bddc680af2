//! Opening hours as the directory writes them: `dygnet runt`, `07-22`
//! (every day) or `vardagar 08-16.30` (Monday to Friday).

use jiff::civil::{Time, Weekday};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    Always,
    Daily { open: Time, close: Time },
    Weekdays { open: Time, close: Time },
}

impl Hours {
    /// Parses the directory's hour notation. Fails with a Swedish message
    /// that says which forms are accepted.
    pub fn parse(input: &str) -> Result<Hours, String> {
        let s = input.trim();
        if s.eq_ignore_ascii_case("dygnet runt") {
            return Ok(Hours::Always);
        }
        let (weekdays, range) = match s.strip_prefix("vardagar") {
            Some(rest) => (true, rest.trim()),
            None => (false, s.strip_prefix("alla dagar").unwrap_or(s).trim()),
        };
        let expected = "väntade «dygnet runt», «07-22» eller «vardagar 08-16.30»";
        let (a, b) = range
            .split_once(['-', '–'])
            .ok_or_else(|| format!("öppettiden saknar intervall; {expected}"))?;
        let open = parse_clock(a)
            .ok_or_else(|| format!("«{}» är inget klockslag; {expected}", a.trim()))?;
        let close = parse_clock(b)
            .ok_or_else(|| format!("«{}» är inget klockslag; {expected}", b.trim()))?;
        if close <= open {
            return Err("stängningstiden måste vara senare än öppningstiden".into());
        }
        Ok(if weekdays {
            Hours::Weekdays { open, close }
        } else {
            Hours::Daily { open, close }
        })
    }

    /// Whether a call at this local weekday and time falls inside the hours
    /// (the closing minute itself counts as closed).
    pub fn is_open(&self, weekday: Weekday, at: Time) -> bool {
        match *self {
            Hours::Always => true,
            Hours::Daily { open, close } => open <= at && at < close,
            Hours::Weekdays { open, close } => {
                !matches!(weekday, Weekday::Saturday | Weekday::Sunday) && open <= at && at < close
            }
        }
    }
}

/// Parses `HH`, `HH:MM` or `HH.MM`; `24` means the end of the day.
pub fn parse_clock(s: &str) -> Option<Time> {
    let s = s.trim();
    let (h, m) = match s.split_once(['.', ':']) {
        Some((h, m)) => (h, m),
        None => (s, "00"),
    };
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    if h == 24 && m == 0 {
        // "till midnatt": treat as the last minute of the day.
        return Time::new(23, 59, 59, 0).ok();
    }
    Time::new(h, m, 0, 0).ok()
}

fn show(t: Time) -> String {
    if t.hour() == 23 && t.minute() == 59 {
        return "24".into();
    }
    if t.minute() == 0 {
        format!("{:02}", t.hour())
    } else {
        format!("{:02}.{:02}", t.hour(), t.minute())
    }
}

impl fmt::Display for Hours {
    /// Swedish display: `dygnet runt`, `07–22 alla dagar`, `vardagar 08–16.30`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Hours::Always => f.write_str("dygnet runt"),
            Hours::Daily { open, close } => write!(f, "{}–{} alla dagar", show(open), show(close)),
            Hours::Weekdays { open, close } => write!(f, "vardagar {}–{}", show(open), show(close)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(Hours::parse("dygnet runt"), Ok(Hours::Always));
        assert_eq!(
            Hours::parse("07-22").map(|h| h.to_string()).as_deref(),
            Ok("07–22 alla dagar")
        );
        assert_eq!(
            Hours::parse("vardagar 08-16.30")
                .map(|h| h.to_string())
                .as_deref(),
            Ok("vardagar 08–16.30")
        );
    }

    #[test]
    fn municipality_hours_exclude_the_closing_minute() {
        let h = Hours::parse("07–22").expect("valid");
        assert!(!h.is_open(Weekday::Monday, time(6, 59, 0, 0)));
        assert!(h.is_open(Weekday::Sunday, time(7, 0, 0, 0)));
        assert!(h.is_open(Weekday::Sunday, time(21, 59, 0, 0)));
        assert!(!h.is_open(Weekday::Sunday, time(22, 0, 0, 0)));
    }

    #[test]
    fn weekday_hours_are_closed_on_weekends() {
        let h = Hours::parse("vardagar 08-17").expect("valid");
        assert!(h.is_open(Weekday::Friday, time(9, 0, 0, 0)));
        assert!(!h.is_open(Weekday::Saturday, time(9, 0, 0, 0)));
    }

    #[test]
    fn rejects_bad_hours() {
        assert!(Hours::parse("07").is_err());
        assert!(Hours::parse("22-07").is_err());
        assert!(Hours::parse("7.5-22").is_err());
        assert!(Hours::parse("öppet").is_err());
    }
}
