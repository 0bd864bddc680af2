//! Swedish phone numbers: parsing what people write, and the three ways the
//! kit shows a number (national, international, `tel:` link).
//!
//! Only the syntax is checked here; whether a number belongs to the right
//! contact is the directory's business.

use std::fmt;

/// A phone number the kit can print and link.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneNumber {
    /// National digits with the leading 0 (or the extension digits).
    digits: String,
    /// Length of the area code including the 0; 0 for internal extensions.
    area_len: usize,
}

/// Three-digit area codes (with the 0); every other area code outside 08 has
/// four digits. Source: PTS' Swedish numbering plan.
const THREE_DIGIT_AREAS: &[&str] = &[
    "010", "011", "013", "016", "018", "019", "020", "021", "023", "026", "031", "033", "035",
    "036", "040", "042", "044", "046", "054", "060", "063", "070", "072", "073", "074", "075",
    "076", "077", "079", "090",
];

const MOBILE_AREAS: &[&str] = &["070", "072", "073", "076", "079"];

fn area_len_for(digits: &str) -> usize {
    if digits.starts_with("08") {
        2
    } else if THREE_DIGIT_AREAS.iter().any(|a| digits.starts_with(a)) {
        3
    } else {
        4
    }
}

impl PhoneNumber {
    /// Parses `0920-28 40 00`, `0920284000`, `+46 920 28 40 00` or a
    /// five-digit internal extension such as `71010`.
    ///
    /// Fails with a Swedish message saying what is wrong and what was
    /// expected; the message does not repeat the input (callers quote it).
    pub fn parse(input: &str) -> Result<PhoneNumber, String> {
        let s = input.trim();
        if s.is_empty() {
            return Err("telefonnumret är tomt".into());
        }
        if let Some(bad) = s
            .chars()
            .find(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '\u{a0}')))
        {
            // O for 0 and l or I for 1 look alike in many fonts.
            return Err(match bad {
                'O' | 'o' => format!(
                    "bokstaven «{bad}» hör inte hemma i ett telefonnummer; menade du siffran 0 (noll)?"
                ),
                'l' | 'I' => format!(
                    "bokstaven «{bad}» hör inte hemma i ett telefonnummer; menade du siffran 1 (ett)?"
                ),
                _ => format!(
                    "tecknet «{bad}» hör inte hemma i ett telefonnummer; väntade siffror, mellanslag och bindestreck"
                ),
            });
        }
        let (national, written_area) = if let Some(rest) = s.strip_prefix("+46") {
            if rest.contains('+') || rest.contains('-') {
                return Err(
                    "ett internationellt nummer skrivs +46 följt av siffror och mellanslag".into(),
                );
            }
            let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
            if digits.starts_with('0') {
                return Err("efter +46 ska nollan i riktnumret strykas".into());
            }
            (format!("0{digits}"), None)
        } else {
            if s.contains('+') {
                return Err("plustecken är bara tillåtet i början, som +46".into());
            }
            let mut parts = s.splitn(2, '-');
            let first = parts.next().unwrap_or_default();
            let area = parts.next().map(|_| first.trim().to_string());
            if s.matches('-').count() > 1 {
                return Err("högst ett bindestreck, mellan riktnummer och abonnentnummer".into());
            }
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            (digits, area)
        };

        if !national.starts_with('0') {
            if national.len() == 5 && written_area.is_none() {
                return Ok(PhoneNumber {
                    digits: national,
                    area_len: 0,
                });
            }
            return Err(
                "ett nummer börjar med riktnummer (0…) eller är ett femsiffrigt internnummer"
                    .into(),
            );
        }
        let area_len = area_len_for(&national);
        if let Some(area) = written_area {
            if area.chars().any(|c| !c.is_ascii_digit()) {
                return Err("riktnumret före bindestrecket får bara innehålla siffror".into());
            }
            if area.len() != area_len {
                return Err(format!(
                    "riktnumret {area} finns inte; numret ska börja med {}-",
                    &national[..area_len]
                ));
            }
        }
        let total = national.len();
        if total < 8 {
            return Err(format!(
                "för få siffror ({total}); ett svenskt nummer har 8–10 siffror med riktnummer"
            ));
        }
        if total > 10 {
            return Err(format!(
                "för många siffror ({total}); ett svenskt nummer har 8–10 siffror med riktnummer"
            ));
        }
        let area = &national[..area_len];
        if MOBILE_AREAS.contains(&area) && total != 10 {
            return Err(format!("ett mobilnummer har 10 siffror, inte {total}"));
        }
        let subscriber = total - area_len;
        if !(5..=8).contains(&subscriber) {
            return Err(format!(
                "för {} siffror: abonnentnumret efter riktnumret har {subscriber}; väntade 5–8",
                if subscriber < 5 { "få" } else { "många" }
            ));
        }
        Ok(PhoneNumber {
            digits: national,
            area_len,
        })
    }

    /// An internal extension (cannot be dialled from outside the region).
    pub fn is_internal(&self) -> bool {
        self.area_len == 0
    }

    /// The digits as dialled nationally, e.g. `0920284000`.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The national form with Swedish grouping, e.g. `0920-28 40 00`.
    pub fn national(&self) -> String {
        if self.is_internal() {
            return self.digits.clone();
        }
        let (area, rest) = self.digits.split_at(self.area_len);
        format!("{area}-{}", group(rest))
    }

    /// The international form, e.g. `+46 920 28 40 00`; `None` for internal
    /// extensions.
    pub fn international(&self) -> Option<String> {
        if self.is_internal() {
            return None;
        }
        let (area, rest) = self.digits.split_at(self.area_len);
        Some(format!("+46 {} {}", &area[1..], group(rest)))
    }

    /// `tel:+46920284000`; `None` for internal extensions.
    pub fn tel_uri(&self) -> Option<String> {
        if self.is_internal() {
            return None;
        }
        Some(format!("tel:+46{}", &self.digits[1..]))
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.national())
    }
}

/// Groups subscriber digits the Swedish way: pairs from the end, with a
/// leading group of three when the count is odd, and 3+3+2 for eight digits.
fn group(digits: &str) -> String {
    let sizes: &[usize] = match digits.len() {
        5 => &[3, 2],
        6 => &[2, 2, 2],
        7 => &[3, 2, 2],
        8 => &[3, 3, 2],
        _ => &[],
    };
    if sizes.is_empty() {
        return digits.to_string();
    }
    let mut out = Vec::new();
    let mut rest = digits;
    for &n in sizes {
        let (head, tail) = rest.split_at(n);
        out.push(head);
        rest = tail;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> PhoneNumber {
        PhoneNumber::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn formats_switchboard_three_ways() {
        let n = ok("0920-28 40 00");
        assert_eq!(n.national(), "0920-28 40 00");
        assert_eq!(n.international().as_deref(), Some("+46 920 28 40 00"));
        assert_eq!(n.tel_uri().as_deref(), Some("tel:+46920284000"));
    }

    #[test]
    fn accepts_international_and_unspaced_input() {
        assert_eq!(ok("+46 920 28 40 00"), ok("0920284000"));
        assert_eq!(ok("070-1740605").national(), "070-174 06 05");
        assert_eq!(ok("08-465 004 00").national(), "08-465 004 00");
        assert_eq!(
            ok("031-390 06 00").international().as_deref(),
            Some("+46 31 390 06 00")
        );
    }

    #[test]
    fn five_digits_is_an_internal_extension() {
        let n = ok("71010");
        assert!(n.is_internal());
        assert_eq!(n.national(), "71010");
        assert_eq!(n.tel_uri(), None);
    }

    #[test]
    fn rejects_too_few_digits() {
        let e = PhoneNumber::parse("0920-28 40").expect_err("too short");
        assert!(e.contains("för få siffror"), "{e}");
    }

    #[test]
    fn rejects_wrong_area_code_split() {
        let e = PhoneNumber::parse("09-2028 4000").expect_err("bad area");
        assert!(e.contains("riktnumret 09 finns inte"), "{e}");
    }

    #[test]
    fn letter_o_is_taken_for_a_zero() {
        let e = PhoneNumber::parse("0920-28 40 0O").expect_err("letter O");
        assert_eq!(
            e,
            "bokstaven «O» hör inte hemma i ett telefonnummer; menade du siffran 0 (noll)?"
        );
        let e = PhoneNumber::parse("0920-28 40 0x").expect_err("letter x");
        assert!(e.starts_with("tecknet «x» hör inte hemma"), "{e}");
    }

    #[test]
    fn rejects_short_mobile_and_letters() {
        assert!(PhoneNumber::parse("070-174 06").is_err());
        assert!(PhoneNumber::parse("0920-28 40 0O").is_err());
        assert!(PhoneNumber::parse("+46 0920 28 40 00").is_err());
        assert!(PhoneNumber::parse("1234").is_err());
        assert!(PhoneNumber::parse("").is_err());
    }
}
