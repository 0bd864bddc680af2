//! Runs `PersonalId::parse` over the identity-number test data in
//! `tests/testdata/personnummer/` (Skatteverket's test numbers and the
//! personnummer/meta cases; see the README there for source and licence).

use std::path::{Path, PathBuf};

use jiff::civil::{Date, date};
use reservkit::personal_id::{IdKind, PersonalId};
use serde::Deserialize;
use serde_json::Value;

/// The call date every number is read against.
///
/// Ten-digit forms get their century from the call date, so expectations
/// written for them hold only for some dates: `000229-2399` is 2000-02-29 (a
/// valid leap day) only when read after that date, and 1900-02-29 (which does
/// not exist) before it; `0905271474` is 2009 today but would be 1909 read in
/// 2008. The data was published in November 2023 and `allPins.json` contains
/// test people born as late as 2023-12-31, who must not be "born after the
/// call", so the first day of 2024 is a date at which every documented
/// expectation holds, fixed so the tests do not change with the calendar.
const REFERENCE: Date = date(2024, 1, 1);

fn testdata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/personnummer")
}

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> T {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("cannot parse {}: {error}", path.display()))
}

/// One hand-picked case of `list.json` or `interim.json`.
#[derive(Deserialize)]
struct Case {
    integer: u64,
    long_format: String,
    short_format: String,
    separated_format: String,
    separated_long: String,
    valid: bool,
    #[serde(rename = "type")]
    kind: String,
}

impl Case {
    fn forms(&self) -> Vec<(&'static str, String)> {
        vec![
            ("integer", self.integer.to_string()),
            ("long_format", self.long_format.clone()),
            ("short_format", self.short_format.clone()),
            ("separated_format", self.separated_format.clone()),
            ("separated_long", self.separated_long.clone()),
        ]
    }
}

fn expected_kind(kind: &str) -> IdKind {
    match kind {
        "ssn" => IdKind::Personnummer,
        "con" => IdKind::Samordningsnummer,
        other => panic!("unknown type {other:?} in the test data"),
    }
}

/// The ten-digit form `YYMMDD-NNNC` of a twelve-digit number, with `+` when
/// the person is 100 or older at `REFERENCE` (an unknown month or day of a
/// samordningsnummer counts as the first).
fn ten_digit_form(twelve: &str) -> String {
    let field = |range: std::ops::Range<usize>| -> i16 {
        twelve[range]
            .parse()
            .expect("twelve-digit test numbers are all digits")
    };
    let year = field(0..4);
    let month = field(4..6).max(1);
    let day = (field(6..8) % 60).max(1);
    let hundredth_birthday = (year + 100, month, day);
    let reference = (
        REFERENCE.year(),
        i16::from(REFERENCE.month()),
        i16::from(REFERENCE.day()),
    );
    let separator = if hundredth_birthday <= reference {
        '+'
    } else {
        '-'
    };
    format!("{}{separator}{}", &twelve[2..8], &twelve[8..])
}

fn check_all_of_kind(file: &str, kind: IdKind) {
    let dir = testdata_dir();
    let numbers: Vec<String> = read_json(&dir, file);
    assert!(numbers.len() > 1000, "{file} looks truncated");
    let mut failures = Vec::new();
    for number in &numbers {
        let ten = ten_digit_form(number);
        for form in [number.clone(), ten.clone()] {
            match PersonalId::parse(&form, REFERENCE) {
                Ok(id) if id.kind() == kind && id.as_str() == number => {}
                Ok(id) => failures.push(format!("{form}: read as {:?} {}", id.kind(), id.as_str())),
                Err(error) => failures.push(format!("{form}: {error}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} numbers in {file} failed, e.g. {:?}",
        failures.len(),
        numbers.len(),
        &failures[..failures.len().min(10)]
    );
}

#[test]
fn every_skatteverket_test_personnummer_is_valid_in_both_lengths() {
    check_all_of_kind("allPins.json", IdKind::Personnummer);
}

#[test]
fn every_skatteverket_test_samordningsnummer_is_valid_in_both_lengths() {
    check_all_of_kind("allCoords.json", IdKind::Samordningsnummer);
}

#[test]
fn test_personnummer_have_their_birth_date_and_print_in_long_form() {
    let dir = testdata_dir();
    let numbers: Vec<String> = read_json(&dir, "allPins.json");
    for number in &numbers {
        let id = PersonalId::parse(number, REFERENCE).expect("checked above");
        let expected = Date::strptime("%Y%m%d", &number[..8]).expect("test numbers have dates");
        assert_eq!(id.birth_date(), Some(expected), "{number}");
        assert_eq!(id.to_string(), format!("{}-{}", &number[..8], &number[8..]));
    }
}

#[test]
fn list_cases_have_the_documented_validity_and_type_in_every_form() {
    let dir = testdata_dir();
    let cases: Vec<Case> = read_json(&dir, "list.json");
    assert!(!cases.is_empty(), "list.json is empty");
    for case in &cases {
        for (name, form) in case.forms() {
            let parsed = PersonalId::parse(&form, REFERENCE);
            if !case.valid {
                assert!(parsed.is_err(), "{name} {form:?} should be invalid");
                continue;
            }
            let id = parsed.unwrap_or_else(|error| panic!("{name} {form:?}: {error}"));
            assert_eq!(id.kind(), expected_kind(&case.kind), "{name} {form:?}");
            // A ten-digit number without a separator reads as '-', so
            // "0905271474" is someone born in 2009, not the 1909 of the other
            // forms: valid, but another number. Every other form is the same
            // number.
            if name != "short_format" {
                assert_eq!(id.as_str(), case.long_format, "{name} {form:?}");
            }
        }
    }
}

#[test]
fn structured_cases_have_the_documented_validity_and_type() {
    let dir = testdata_dir();
    // { "ssn" | "con": { "integer" | "string": { "valid" | "invalid": [..] } } }
    let data: Value = read_json(&dir, "structured.json");
    let kinds = data.as_object().expect("structured.json is an object");
    let mut checked = 0;
    for (kind, by_representation) in kinds {
        let expected = expected_kind(kind);
        let by_representation = by_representation.as_object().expect("object per type");
        for (representation, by_validity) in by_representation {
            let by_validity = by_validity.as_object().expect("object per representation");
            for (validity, values) in by_validity {
                let valid = match validity.as_str() {
                    "valid" => true,
                    "invalid" => false,
                    other => panic!("unknown validity {other:?}"),
                };
                for value in values.as_array().expect("list of numbers") {
                    let form = match value {
                        Value::String(text) => text.clone(),
                        Value::Number(number) => number.to_string(),
                        other => panic!("unexpected value {other}"),
                    };
                    let parsed = PersonalId::parse(&form, REFERENCE);
                    let context = format!("{kind}/{representation}/{validity} {form:?}");
                    match parsed {
                        Ok(id) if valid => assert_eq!(id.kind(), expected, "{context}"),
                        Ok(_) => panic!("{context} was accepted"),
                        Err(error) if valid => panic!("{context}: {error}"),
                        Err(_) => {}
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} cases in structured.json");
}

#[test]
fn interim_numbers_are_rejected_in_every_form() {
    let dir = testdata_dir();
    let cases: Vec<Case> = read_json(&dir, "interim.json");
    assert!(!cases.is_empty(), "interim.json is empty");
    for case in &cases {
        assert_eq!(case.kind, "interim");
        for (name, form) in case.forms() {
            assert!(
                PersonalId::parse(&form, REFERENCE).is_err(),
                "interim {name} {form:?} was accepted"
            );
        }
    }
}
