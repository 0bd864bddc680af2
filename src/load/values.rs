//! Scalar values written as text in the content files: phone numbers,
//! dates, opening hours and ids. Each parser reports a located diagnostic
//! at the path it was given and returns `None`; none of them reads a file.

use super::yaml::{Seg, YamlDoc, key};
use crate::diag::Diagnostic;
use crate::model::{Hours, PhoneNumber};
use jiff::civil::Date;

pub(super) fn path_with(base: &[Seg], k: &str) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(key(k));
    p
}

pub(super) fn phone(
    doc: &YamlDoc,
    raw: &str,
    path: &[Seg],
    diags: &mut Vec<Diagnostic>,
) -> Option<PhoneNumber> {
    match PhoneNumber::parse(raw) {
        Ok(n) => Some(n),
        Err(msg) => {
            diags.push(
                doc.error(path, format!("telefonnumret «{raw}» är ogiltigt: {msg}"))
                    .with_hint("skriv till exempel \"0920-28 40 00\", \"070-174 06 05\" eller ett femsiffrigt internnummer"),
            );
            None
        }
    }
}

pub(super) fn date(
    doc: &YamlDoc,
    raw: &str,
    path: &[Seg],
    diags: &mut Vec<Diagnostic>,
) -> Option<Date> {
    let ok = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    if ok && let Ok(d) = raw.parse::<Date>() {
        return Some(d);
    }
    let (message, hint) = date_problem(raw);
    diags.push(doc.error(path, message).with_hint(hint));
    None
}

/// Why `raw` is not a date, and what to write instead: a day that is not
/// in the calendar needs a different fix from a date in the wrong format.
pub(super) fn date_problem(raw: &str) -> (String, String) {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let format = (
        format!("datumet «{raw}» är ogiltigt; väntade ÅÅÅÅ-MM-DD"),
        "till exempel 2026-03-05".to_string(),
    );
    let parts: Vec<&str> = raw.split('-').collect();
    let [y, m, d] = parts[..] else {
        return format;
    };
    let numeric = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(numeric(y, 4..=4) && numeric(m, 1..=2) && numeric(d, 1..=2)) {
        return format;
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>())
    else {
        return format;
    };
    if !(1..=12).contains(&month) {
        return (
            format!("datumet «{raw}» finns inte: månaden måste vara 01–12"),
            "datum skrivs ÅÅÅÅ-MM-DD, till exempel 2026-03-05".into(),
        );
    }
    let Ok(first) = Date::new(year, month, 1) else {
        return format;
    };
    let days = first.days_in_month();
    if !(1..=days).contains(&day) {
        let name = MONTHS[usize::try_from(month - 1).unwrap_or(0)];
        return (
            format!("datumet «{raw}» finns inte: {name} {year} har dagarna 01–{days}"),
            "kontrollera dagen och månaden".into(),
        );
    }
    (
        format!("datumet «{raw}» är ogiltigt; väntade ÅÅÅÅ-MM-DD"),
        format!("skriv {year:04}-{month:02}-{day:02}"),
    )
}

pub(super) fn hours(
    doc: &YamlDoc,
    raw: &str,
    path: &[Seg],
    diags: &mut Vec<Diagnostic>,
) -> Option<Hours> {
    match Hours::parse(raw) {
        Ok(h) => Some(h),
        Err(msg) => {
            diags.push(doc.error(path, format!("öppettiden «{raw}» är ogiltig: {msg}")));
            None
        }
    }
}

pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> YamlDoc {
        YamlDoc::parse("k.yaml", "verified: 2026-02-30\nnumber: \"0920-28 40\"\n").expect("yaml")
    }

    #[test]
    fn a_day_outside_the_month_names_the_month_and_its_days() {
        let (message, hint) = date_problem("2026-02-30");
        assert_eq!(
            message,
            "datumet «2026-02-30» finns inte: februari 2026 har dagarna 01–28"
        );
        assert_eq!(hint, "kontrollera dagen och månaden");
    }

    #[test]
    fn a_date_without_leading_zeros_is_shown_written_out() {
        let (message, hint) = date_problem("2026-3-5");
        assert_eq!(
            message,
            "datumet «2026-3-5» är ogiltigt; väntade ÅÅÅÅ-MM-DD"
        );
        assert_eq!(hint, "skriv 2026-03-05");
        assert!(
            date_problem("2026-13-01")
                .0
                .contains("månaden måste vara 01–12")
        );
        assert!(date_problem("5 mars").1.contains("till exempel 2026-03-05"));
    }

    #[test]
    fn bad_values_are_reported_at_their_place() {
        let d = doc();
        let mut diags = Vec::new();
        assert_eq!(date(&d, "2026-02-30", &[key("verified")], &mut diags), None);
        assert_eq!(phone(&d, "0920-28 40", &[key("number")], &mut diags), None);
        let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert!(shown[0].starts_with("k.yaml:1:11: error: datumet «2026-02-30» finns inte"));
        assert!(
            shown[1].starts_with("k.yaml:2:9: error: telefonnumret «0920-28 40» är ogiltigt"),
            "{shown:?}"
        );
        assert!(date(&d, "2026-02-28", &[key("verified")], &mut diags).is_some());
        assert_eq!(diags.len(), 2);
    }

    #[test]
    fn ids_are_lowercase_ascii_digits_and_inner_hyphens() {
        assert!(valid_id("lulea-sunderby-1"));
        for bad in ["", "Lulea", "luleå", "-a", "a-", "a b", &"a".repeat(41)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
