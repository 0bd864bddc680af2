//! Finding a unit in the directory from what someone typed: an exact id, or
//! the start of an id or of the unit's name, case-insensitive (Å, Ä and Ö
//! included). Used by the guided entry to complete the counterpart and by the
//! file check to suggest the id when a name was written instead.

use crate::model::{Directory, Unit};

/// How many candidates the guided entry lists when a prefix is ambiguous.
pub const MAX_CANDIDATES: usize = 8;

/// What a typed text matched.
#[derive(Debug, PartialEq, Eq)]
pub enum Match<'d> {
    /// Exactly one unit: an exact id or name, or the only one starting so.
    Unique(&'d Unit),
    /// Several units start so, in directory order (all of them).
    Ambiguous(Vec<&'d Unit>),
    /// Nothing starts so.
    NoMatch,
}

/// Looks `typed` up among the units, leaving out `exclude` (the sheet's own
/// unit, which can never be the counterpart).
///
/// An exact id or name wins over prefixes, so `kalix` is Kalix kommun even
/// though `kalix-medicin-1` starts the same way.
pub fn find<'d>(typed: &str, directory: &'d Directory, exclude: Option<&str>) -> Match<'d> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return Match::NoMatch;
    }
    let units: Vec<&Unit> = directory
        .units
        .iter()
        .filter(|u| Some(u.id.as_str()) != exclude)
        .collect();
    let exact: Vec<&Unit> = units
        .iter()
        .copied()
        .filter(|u| {
            u.id == typed || u.name.to_lowercase() == typed || u.full_name().to_lowercase() == typed
        })
        .collect();
    if let [only] = exact.as_slice() {
        return Match::Unique(only);
    }
    let starting: Vec<&Unit> = units
        .into_iter()
        .filter(|u| {
            u.id.starts_with(&typed)
                || u.name.to_lowercase().starts_with(&typed)
                || u.full_name().to_lowercase().starts_with(&typed)
        })
        .collect();
    match starting.len() {
        0 => Match::NoMatch,
        1 => Match::Unique(starting[0]),
        _ => Match::Ambiguous(starting),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hours, Phone, PhoneNumber, UnitKind};
    use jiff::civil::date;

    fn unit(id: &str, kind: UnitKind, name: &str, group: &str) -> Unit {
        Unit {
            id: id.into(),
            kind,
            name: name.into(),
            group: group.into(),
            municipality: "lulea".into(),
            owner: "Ägare".into(),
            verified: date(2025, 1, 1),
            phones: vec![Phone {
                events: Vec::new(),
                label: "Expedition".into(),
                number: PhoneNumber::parse("0980-31 92 00").expect("PTS fiction number"),
                hours: Hours::Always,
            }],
        }
    }

    fn directory() -> Directory {
        Directory {
            index: Default::default(),
            hospitals: vec![],
            units: vec![
                unit("kalix", UnitKind::Municipality, "Kalix kommun", "Kalix"),
                unit("lulea", UnitKind::Municipality, "Luleå kommun", "Luleå"),
                unit(
                    "alvsbyn",
                    UnitKind::Municipality,
                    "Älvsbyns kommun",
                    "Älvsbyn",
                ),
                unit(
                    "kalix-medicin-1",
                    UnitKind::Ward,
                    "Medicinavdelning 1",
                    "Kalix sjukhus",
                ),
                unit(
                    "sunderby-medicin-61",
                    UnitKind::Ward,
                    "Medicinavdelning 61",
                    "Sunderby sjukhus",
                ),
                unit(
                    "sunderby-medicin-62",
                    UnitKind::Ward,
                    "Medicinavdelning 62",
                    "Sunderby sjukhus",
                ),
            ],
        }
    }

    fn id(m: Match<'_>) -> String {
        match m {
            Match::Unique(u) => u.id.clone(),
            other => panic!("expected one unit, got {other:?}"),
        }
    }

    #[test]
    fn an_exact_id_wins_over_longer_ids() {
        let dir = directory();
        assert_eq!(id(find("kalix", &dir, None)), "kalix");
        assert_eq!(id(find(" KALIX ", &dir, None)), "kalix");
    }

    #[test]
    fn completes_a_unique_prefix_of_an_id_or_a_name() {
        let dir = directory();
        assert_eq!(id(find("kalix-m", &dir, None)), "kalix-medicin-1");
        assert_eq!(id(find("lul", &dir, None)), "lulea");
        assert_eq!(id(find("luleå k", &dir, None)), "lulea");
    }

    #[test]
    fn matches_swedish_letters_in_any_case() {
        let dir = directory();
        assert_eq!(id(find("ÄLVS", &dir, None)), "alvsbyn");
        assert_eq!(id(find("älvsbyns kommun", &dir, None)), "alvsbyn");
    }

    #[test]
    fn lists_every_unit_an_ambiguous_prefix_matches() {
        let dir = directory();
        match find("medicinavd", &dir, None) {
            Match::Ambiguous(units) => assert_eq!(units.len(), 3),
            other => panic!("expected ambiguity, got {other:?}"),
        }
    }

    #[test]
    fn never_offers_the_sheets_own_unit() {
        let dir = directory();
        assert_eq!(
            id(find(
                "sunderby-medicin-6",
                &dir,
                Some("sunderby-medicin-61")
            )),
            "sunderby-medicin-62"
        );
        assert_eq!(find("xyz", &dir, None), Match::NoMatch);
        assert_eq!(find("", &dir, None), Match::NoMatch);
    }
}
