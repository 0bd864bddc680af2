//! Swedish identity numbers on a call: personnummer, samordningsnummer and
//! reservnummer.
//!
//! This module owns parsing, validation and the normalised form of the number
//! written on a paper call log. It knows nothing about calls, files or the rest
//! of the crate. It must never put the number itself into an error message or a
//! `Debug` dump: identity numbers are patient data.
//!
//! Rules (domain brief §5): a personnummer is `YYMMDD-NNNC` or `YYYYMMDDNNNC`,
//! the check digit `C` is the Luhn digit over `YYMMDDNNN`, serial `000` is not
//! issued, and in the ten-digit form `+` replaces `-` from the year the person
//! turns 100. A samordningsnummer adds 60 to the day. A reservnummer has no
//! national format and is accepted only when the caller says it is one.

use std::fmt;

use jiff::civil::Date;

/// Which kind of identity number a [`PersonalId`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// Personnummer: the national identity number of a person who is or has
    /// been registered in Sweden.
    Personnummer,
    /// Samordningsnummer: coordination number for a person who is not
    /// registered; the day of birth has 60 added to it.
    Samordningsnummer,
    /// Reservnummer: a temporary number assigned in health care when the real
    /// one is unknown. No national format.
    Reservnummer,
}

impl IdKind {
    /// The Swedish name of the kind, in lower case, as used in reports.
    pub fn label(self) -> &'static str {
        match self {
            IdKind::Personnummer => "personnummer",
            IdKind::Samordningsnummer => "samordningsnummer",
            IdKind::Reservnummer => "reservnummer",
        }
    }
}

/// Why an identity number was refused.
///
/// The messages are in Swedish for staff and never contain the number (or any
/// part of it), so they can be shown, logged and stored without leaking
/// patient data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdError {
    /// Nothing but whitespace was given.
    Empty,
    /// A character other than digits and one `-` or `+` (or, for a
    /// reservnummer, other than ASCII letters, digits, `-` and space).
    InvalidCharacters,
    /// Not 10 or 12 digits.
    WrongLength,
    /// More than one separator, or a separator not before the last four
    /// digits.
    MisplacedSeparator,
    /// The date part is not a date (for a samordningsnummer: month above 12 or
    /// day outside 60–91).
    InvalidDate,
    /// The birth date is after the date of the call.
    BornAfterReference,
    /// A twelve-digit number written with `+`, but the person is under 100 on
    /// the date of the call.
    PlusUnderHundred,
    /// The serial number (the three digits after the date) is `000`.
    SerialZero,
    /// The last digit is not the Luhn check digit of the other nine.
    CheckDigit,
    /// A reservnummer longer than [`RESERVE_MAX_CHARS`] characters.
    ReserveTooLong,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            IdError::Empty => "inget nummer angivet",
            IdError::InvalidCharacters => "otillåtna tecken",
            IdError::WrongLength => "fel längd: 10 eller 12 siffror väntas",
            IdError::MisplacedSeparator => {
                "skiljetecknet (- eller +) ska stå före de fyra sista siffrorna"
            }
            IdError::InvalidDate => "ogiltigt datum i numret",
            IdError::BornAfterReference => "födelsedatum efter samtalsdatum",
            IdError::PlusUnderHundred => "plustecken men personen är under 100 år",
            IdError::SerialZero => "löpnummer 000 används inte",
            IdError::CheckDigit => "fel kontrollsiffra",
            IdError::ReserveTooLong => "reservnumret är längre än 20 tecken",
        };
        f.write_str(message)
    }
}

impl std::error::Error for IdError {}

/// The longest reservnummer accepted, in characters.
pub const RESERVE_MAX_CHARS: usize = 20;

/// A validated identity number.
///
/// For a personnummer or samordningsnummer the normalised form is the twelve
/// digits `YYYYMMDDNNNC`, so the ten- and twelve-digit ways of writing the same
/// number compare equal. For a reservnummer it is the text as given, trimmed.
///
/// `Debug` hides the number; `Display` shows it (`YYYYMMDD-NNNC`) and is meant
/// for the places where the number is supposed to appear.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonalId {
    kind: IdKind,
    normalised: String,
    birth_date: Option<Date>,
}

impl fmt::Debug for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonalId")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            IdKind::Reservnummer => f.write_str(&self.normalised),
            IdKind::Personnummer | IdKind::Samordningsnummer => {
                let (date, rest) = self.normalised.split_at(8);
                write!(f, "{date}-{rest}")
            }
        }
    }
}

impl PersonalId {
    /// Parses and validates a personnummer or samordningsnummer written on a
    /// call made on `reference` (the call date).
    ///
    /// Accepted forms, with surrounding whitespace ignored: `YYMMDD-NNNC`,
    /// `YYMMDD+NNNC`, `YYMMDDNNNC` (read as `-`), `YYYYMMDD-NNNC`,
    /// `YYYYMMDDNNNC`, and `YYYYMMDD+NNNC` when the person is at least 100 on
    /// `reference`.
    ///
    /// A ten-digit number gets the latest century that does not put the birth
    /// date after `reference`; with `+` it is a century earlier still.
    ///
    /// A samordningsnummer (day 60–91) is accepted with month `00` or day `60`,
    /// which Skatteverket uses when the month or day of birth is unknown, and
    /// its day (less 60) is only checked to be at most 31, not against the
    /// length of the month, because Skatteverket's published test
    /// samordningsnummer include days such as 31 April. Its
    /// [`birth_date`](Self::birth_date) is then `None`.
    ///
    /// # Errors
    ///
    /// Returns the first rule broken, checked in this order:
    /// [`IdError::Empty`], [`IdError::InvalidCharacters`],
    /// [`IdError::WrongLength`], [`IdError::MisplacedSeparator`],
    /// [`IdError::InvalidDate`], [`IdError::BornAfterReference`],
    /// [`IdError::PlusUnderHundred`], [`IdError::SerialZero`],
    /// [`IdError::CheckDigit`].
    pub fn parse(input: &str, reference: Date) -> Result<PersonalId, IdError> {
        let written = Written::split(input)?;
        let digits = written.digits.as_bytes();
        let (century_given, rest) = if digits.len() == 12 {
            (Some(number(&digits[..2])), &digits[2..])
        } else {
            (None, digits)
        };
        let yy = number(&rest[..2]);
        let month = number(&rest[2..4]);
        let day_field = number(&rest[4..6]);
        let serial = number(&rest[6..9]);

        let (kind, day) = if day_field >= 60 {
            (IdKind::Samordningsnummer, day_field - 60)
        } else {
            (IdKind::Personnummer, day_field)
        };
        let plausible = match kind {
            IdKind::Personnummer => (1..=12).contains(&month) && (1..=31).contains(&day),
            _ => month <= 12 && day <= 31,
        };
        if !plausible {
            return Err(IdError::InvalidDate);
        }

        let year = match century_given {
            Some(century) => century * 100 + yy,
            None => resolve_century(yy, month, day, written.plus, reference),
        };
        let year = i16::try_from(year).map_err(|_| IdError::InvalidDate)?;
        // Month and day come from two digits each, so they fit in an i8.
        let (month, day) = (month as i8, day as i8);
        let birth_date = match kind {
            IdKind::Personnummer => {
                Some(Date::new(year, month, day).map_err(|_| IdError::InvalidDate)?)
            }
            _ => Date::new(year, month, day).ok(),
        };

        let earliest = earliest_birth(year, month, day);
        let call = (reference.year(), reference.month(), reference.day());
        if earliest > call {
            return Err(IdError::BornAfterReference);
        }
        if written.plus
            && century_given.is_some()
            && (earliest.0 + 100, earliest.1, earliest.2) > call
        {
            return Err(IdError::PlusUnderHundred);
        }
        if serial == 0 {
            return Err(IdError::SerialZero);
        }
        if !luhn_valid(rest) {
            return Err(IdError::CheckDigit);
        }

        Ok(PersonalId {
            kind,
            normalised: format!("{year:04}{}", &written.digits[digits.len() - 8..]),
            birth_date,
        })
    }

    /// Accepts a reservnummer: text the caller has marked as one.
    ///
    /// After trimming surrounding whitespace it must be 1–20 characters of
    /// ASCII letters, digits, `-` and spaces. It is never Luhn-checked, because
    /// reservnummer have no national format.
    ///
    /// # Errors
    ///
    /// [`IdError::Empty`] for blank input, [`IdError::InvalidCharacters`] for
    /// any other character, [`IdError::ReserveTooLong`] beyond 20 characters.
    pub fn parse_reserve(input: &str) -> Result<PersonalId, IdError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(IdError::Empty);
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
        {
            return Err(IdError::InvalidCharacters);
        }
        if text.chars().count() > RESERVE_MAX_CHARS {
            return Err(IdError::ReserveTooLong);
        }
        Ok(PersonalId {
            kind: IdKind::Reservnummer,
            normalised: text.to_owned(),
            birth_date: None,
        })
    }

    /// Which kind of number this is.
    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// The normalised number: twelve digits `YYYYMMDDNNNC` for a personnummer
    /// or samordningsnummer, the trimmed text for a reservnummer.
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// The birth date the number encodes (for a samordningsnummer, the day
    /// minus 60).
    ///
    /// `None` for a reservnummer, and for a samordningsnummer whose month or
    /// day is unknown (`00`, day `60`) or not a calendar date.
    pub fn birth_date(&self) -> Option<Date> {
        self.birth_date
    }
}

/// The number as written, split into its digits and its separator.
struct Written {
    /// The 10 or 12 digits, separator removed.
    digits: String,
    /// Whether the separator was `+`.
    plus: bool,
}

impl Written {
    fn split(input: &str) -> Result<Written, IdError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(IdError::Empty);
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
        {
            return Err(IdError::InvalidCharacters);
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if digits.len() != 10 && digits.len() != 12 {
            return Err(IdError::WrongLength);
        }
        let separators: Vec<(usize, char)> = text
            .char_indices()
            .filter(|&(_, c)| c == '-' || c == '+')
            .collect();
        let plus = match separators.as_slice() {
            [] => false,
            // All characters are ASCII here, so byte positions are positions.
            [(at, c)] if *at == text.len() - 5 => *c == '+',
            _ => return Err(IdError::MisplacedSeparator),
        };
        Ok(Written { digits, plus })
    }
}

/// The decimal value of a run of ASCII digits (at most four here).
fn number(digits: &[u8]) -> i32 {
    digits
        .iter()
        .fold(0, |acc, d| acc * 10 + i32::from(d - b'0'))
}

/// The full year of a ten-digit number: the latest century that does not put
/// the (earliest possible) birth date after `reference`, minus another
/// hundred years for `+`.
fn resolve_century(yy: i32, month: i32, day: i32, plus: bool, reference: Date) -> i32 {
    let ref_year = i32::from(reference.year());
    let mut year = ref_year - ref_year.rem_euclid(100) + yy;
    let earliest = (year, month.max(1), day.max(1));
    let call = (
        ref_year,
        i32::from(reference.month()),
        i32::from(reference.day()),
    );
    if earliest > call {
        year -= 100;
    }
    if plus {
        year -= 100;
    }
    year
}

/// The earliest date the number can stand for, as (year, month, day) for
/// comparison: an unknown month or day (`00`) counts as the first.
fn earliest_birth(year: i16, month: i8, day: i8) -> (i16, i8, i8) {
    (year, month.max(1), day.max(1))
}

/// Luhn check over the ten digits `YYMMDDNNNC`: weights 2, 1, 2, 1, … from the
/// left, digit sums of the products, total divisible by ten.
fn luhn_valid(ten_digits: &[u8]) -> bool {
    let sum: u32 = ten_digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let product = u32::from(d - b'0') * if i % 2 == 0 { 2 } else { 1 };
            product / 10 + product % 10
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    // Only Skatteverket's published test numbers (domain brief §5 and
    // testdata/personnummer/allPins.json) and numbers that fail validation
    // appear here; never a number that could belong to someone.
    use super::*;
    use jiff::civil::date;

    const CALL_DATE: Date = date(2025, 3, 3);

    fn parse(input: &str) -> Result<PersonalId, IdError> {
        PersonalId::parse(input, CALL_DATE)
    }

    fn normalised(input: &str, reference: Date) -> String {
        PersonalId::parse(input, reference)
            .expect("test number is valid")
            .as_str()
            .to_owned()
    }

    #[test]
    fn accepts_every_written_form_of_the_same_personnummer() {
        for form in [
            "199001012385",
            "19900101-2385",
            "900101-2385",
            "9001012385",
            "  900101-2385\t",
        ] {
            let id = parse(form).expect("Skatteverket test number");
            assert_eq!(id.kind(), IdKind::Personnummer, "{form}");
            assert_eq!(id.as_str(), "199001012385", "{form}");
            assert_eq!(id.to_string(), "19900101-2385", "{form}");
            assert_eq!(id.birth_date(), Some(date(1990, 1, 1)), "{form}");
        }
    }

    #[test]
    fn accepts_the_published_test_numbers() {
        for number in [
            "189001019802",
            "190001019801",
            "199001012385",
            "200002292399",
            "201701012393",
            "196408233234",
        ] {
            let id = parse(number).expect("Skatteverket test number");
            assert_eq!(id.kind(), IdKind::Personnummer, "{number}");
            assert_eq!(id.as_str(), number);
        }
    }

    #[test]
    fn ten_digits_take_the_latest_century_not_after_the_call() {
        assert_eq!(normalised("170101-2393", date(2025, 3, 3)), "201701012393");
        // The same digits read before that birthday belong to 1917.
        // (Only the century is compared: the other-century reading of a
        // test number is not itself a published test number.)
        assert_eq!(&normalised("170101-2393", date(2016, 12, 31))[..4], "1917");
    }

    #[test]
    fn ten_digits_born_on_the_call_date_stay_in_this_century() {
        assert_eq!(normalised("170101-2393", date(2017, 1, 1)), "201701012393");
    }

    #[test]
    fn no_separator_reads_as_hyphen() {
        assert_eq!(normalised("1701012393", CALL_DATE), "201701012393");
        assert_eq!(&normalised("0001019801", CALL_DATE)[..4], "2000");
    }

    #[test]
    fn plus_moves_a_ten_digit_number_back_a_century() {
        assert_eq!(&normalised("170101+2393", CALL_DATE)[..4], "1917");
        assert_eq!(normalised("000101+9801", CALL_DATE), "190001019801");
        assert_eq!(normalised("900101+9802", CALL_DATE), "189001019802");
    }

    #[test]
    fn twelve_digits_keep_their_century_whatever_the_separator() {
        // The long form is normally written with '-' even for someone over
        // 100; '+' is also accepted when it is true.
        assert_eq!(normalised("19000101-9801", CALL_DATE), "190001019801");
        assert_eq!(normalised("19000101+9801", CALL_DATE), "190001019801");
    }

    #[test]
    fn rejects_plus_on_twelve_digits_for_someone_under_100() {
        assert_eq!(parse("19900101+2385"), Err(IdError::PlusUnderHundred));
        // Born 1890-01-01: turns 100 on 1990-01-01, when the plus becomes
        // right; the day before it is still wrong.
        assert_eq!(
            normalised("18900101+9802", date(1990, 1, 1)),
            "189001019802"
        );
        assert_eq!(
            PersonalId::parse("18900101+9802", date(1989, 12, 31)),
            Err(IdError::PlusUnderHundred)
        );
    }

    #[test]
    fn leap_day_depends_on_the_century_chosen() {
        assert_eq!(
            normalised("000229-2399", CALL_DATE),
            "200002292399",
            "2000 is a leap year"
        );
        // Read before 2000-02-29 the century is 1900, which had no 29 February.
        assert_eq!(
            PersonalId::parse("000229-2399", date(2000, 2, 28)),
            Err(IdError::InvalidDate)
        );
        assert_eq!(
            PersonalId::parse("000229+2399", CALL_DATE),
            Err(IdError::InvalidDate)
        );
    }

    #[test]
    fn rejects_a_date_that_does_not_exist() {
        for input in [
            "19900231-2385", // 31 February
            "19901301-2385", // month 13
            "19900001-2385", // month 00 is only for samordningsnummer
            "19900100-2385", // day 00
            "19900132-2385", // day 32
            "19900159-2385", // day 59: neither kind
            "19900192-2385", // day 92: 32 + 60
            "19901361-2385", // samordningsnummer, month 13
        ] {
            assert_eq!(parse(input), Err(IdError::InvalidDate), "{input}");
        }
    }

    #[test]
    fn rejects_a_birth_date_after_the_call_date() {
        assert_eq!(
            PersonalId::parse("201701012393", date(2016, 12, 31)),
            Err(IdError::BornAfterReference)
        );
        assert_eq!(
            PersonalId::parse("202201612393", date(2021, 12, 31)),
            Err(IdError::BornAfterReference)
        );
    }

    #[test]
    fn rejects_serial_000() {
        // From the personnummer/meta test data: the check digit is right for
        // serial 000, so only the serial rule can refuse it.
        assert_eq!(parse("201509160006"), Err(IdError::SerialZero));
        assert_eq!(parse("150916-0006"), Err(IdError::SerialZero));
    }

    #[test]
    fn rejects_a_wrong_check_digit() {
        for wrong in ["199001012386", "900101-2380", "20220161-2394"] {
            assert_eq!(parse(wrong), Err(IdError::CheckDigit), "{wrong}");
        }
    }

    #[test]
    fn rejects_two_swapped_digits() {
        // 199001012385 with serial 238 written as 283.
        assert_eq!(parse("199001012835"), Err(IdError::CheckDigit));
    }

    #[test]
    fn rejects_wrong_lengths() {
        for input in [
            "0",
            "900101-238",
            "900101-23855",
            "19900101238",
            "1990010123855",
        ] {
            assert_eq!(parse(input), Err(IdError::WrongLength), "{input}");
        }
    }

    #[test]
    fn rejects_characters_other_than_digits_and_one_separator() {
        for input in [
            "19900101 2385",
            "900101–2385", // en dash
            "20000101T220",
            "000101-T220",
            "900101/2385",
        ] {
            assert_eq!(parse(input), Err(IdError::InvalidCharacters), "{input}");
        }
    }

    #[test]
    fn rejects_a_misplaced_or_doubled_separator() {
        for input in [
            "9001-012385",
            "1990-0101-2385",
            "900101--2385",
            "-9001012385",
        ] {
            assert_eq!(parse(input), Err(IdError::MisplacedSeparator), "{input}");
        }
    }

    #[test]
    fn rejects_blank_input() {
        assert_eq!(parse(""), Err(IdError::Empty));
        assert_eq!(parse("  \t"), Err(IdError::Empty));
    }

    #[test]
    fn recognises_samordningsnummer_by_day_plus_60() {
        for form in ["202201612393", "220161-2393", "20220161-2393", "2201612393"] {
            let id = parse(form).expect("Skatteverket test samordningsnummer");
            assert_eq!(id.kind(), IdKind::Samordningsnummer, "{form}");
            assert_eq!(id.as_str(), "202201612393");
            assert_eq!(id.birth_date(), Some(date(2022, 1, 1)));
            assert_eq!(id.to_string(), "20220161-2393");
        }
        let old = parse("140168+2396").expect("Skatteverket test samordningsnummer");
        assert_eq!(old.as_str(), "191401682396");
        assert_eq!(old.birth_date(), Some(date(1914, 1, 8)));
    }

    #[test]
    fn accepts_samordningsnummer_with_unknown_month_or_day() {
        // Skatteverket's test samordningsnummer: month 00, day 60 (day 00),
        // both, and 31 April. None of them has a usable birth date.
        for number in [
            "191500722390",
            "191711602399",
            "193100602394",
            "192004912388",
        ] {
            let id = parse(number).expect("Skatteverket test samordningsnummer");
            assert_eq!(id.kind(), IdKind::Samordningsnummer, "{number}");
            assert_eq!(id.birth_date(), None, "{number}");
        }
    }

    #[test]
    fn unknown_month_counts_as_january_for_the_century() {
        // 150072-2390: day 12 of an unknown month of (19)15 or 2015. The
        // earliest it can be is 2015-01-12, so read before that it is 1915.
        assert_eq!(normalised("150072-2390", date(2015, 1, 11)), "191500722390");
        assert_eq!(&normalised("150072-2390", date(2015, 1, 12))[..4], "2015");
        // 171160-2399: unknown day in November, earliest the 1st.
        assert_eq!(
            normalised("171160-2399", date(2017, 10, 31)),
            "191711602399"
        );
        assert_eq!(&normalised("171160-2399", date(2017, 11, 1))[..4], "2017");
    }

    #[test]
    fn accepts_reservnummer_as_written() {
        let id = PersonalId::parse_reserve("  RES-2025 0042 ").expect("plain reservnummer");
        assert_eq!(id.kind(), IdKind::Reservnummer);
        assert_eq!(id.as_str(), "RES-2025 0042");
        assert_eq!(id.to_string(), "RES-2025 0042");
        assert_eq!(id.birth_date(), None);
    }

    #[test]
    fn never_luhn_checks_a_reservnummer() {
        // A digit string with a wrong check digit is fine as a reservnummer.
        let id = PersonalId::parse_reserve("199001012386").expect("no check digit rule");
        assert_eq!(id.kind(), IdKind::Reservnummer);
    }

    #[test]
    fn rejects_reservnummer_that_are_blank_too_long_or_odd() {
        assert_eq!(PersonalId::parse_reserve("   "), Err(IdError::Empty));
        assert_eq!(
            PersonalId::parse_reserve(&"A".repeat(RESERVE_MAX_CHARS)).map(|id| id.kind()),
            Ok(IdKind::Reservnummer)
        );
        assert_eq!(
            PersonalId::parse_reserve(&"A".repeat(RESERVE_MAX_CHARS + 1)),
            Err(IdError::ReserveTooLong)
        );
        for odd in ["RES/1", "RÖD-1", "R_1", "R\t1", "R+1"] {
            assert_eq!(
                PersonalId::parse_reserve(odd),
                Err(IdError::InvalidCharacters),
                "{odd}"
            );
        }
    }

    #[test]
    fn error_messages_are_swedish_and_never_contain_the_number() {
        let attempts = [
            "19900231-2385",
            "199001012386",
            "201509160006",
            "19900101+2385",
            "9001-012385",
            "20000101T220",
            "900101-238",
        ];
        for input in attempts {
            let error = parse(input).expect_err("invalid on purpose");
            let message = error.to_string();
            assert!(!message.is_empty());
            let digits: String = input.chars().filter(char::is_ascii_digit).collect();
            for window in [&digits[..6], &digits[digits.len() - 4..]] {
                assert!(!message.contains(window), "{message:?} leaks {window}");
            }
        }
        assert_eq!(IdError::CheckDigit.to_string(), "fel kontrollsiffra");
        assert_eq!(
            IdError::SerialZero.to_string(),
            "löpnummer 000 används inte"
        );
    }

    #[test]
    fn debug_output_hides_the_number() {
        let id = parse("199001012385").expect("Skatteverket test number");
        let debug = format!("{id:?}");
        assert!(!debug.contains("900101"), "{debug}");
        assert!(debug.contains("Personnummer"), "{debug}");
    }

    #[test]
    fn same_number_in_different_forms_is_equal() {
        assert_eq!(parse("900101-2385"), parse("19900101-2385"));
        assert_ne!(parse("170101-2393"), parse("170101+2393"));
    }

    #[test]
    fn luhn_weighs_digits_two_one_from_the_left() {
        // 900101-2385: 9*2=18 -> 1+8, 0, 0*2, 1, 0*2, 1, 2*2=4, 3, 8*2=16 -> 1+6,
        // 5: 9+0+0+1+0+1+4+3+7+5 = 30, divisible by ten.
        assert!(luhn_valid(b"9001012385"));
        for wrong in 0..=9u8 {
            let mut digits = *b"9001012385";
            digits[9] = b'0' + wrong;
            assert_eq!(luhn_valid(&digits), wrong == 5, "check digit {wrong}");
        }
    }
}
