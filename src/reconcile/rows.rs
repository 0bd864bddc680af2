//! From transcription lines to paper rows: corrections, voids and rows
//! transcribed twice are resolved per sheet and row, so that each row on
//! paper is used at most once and every line knows what became of it.
//!
//! Lines of one row are taken in transcript order (the files in the order
//! given, each file top to bottom). This module decides nothing about calls;
//! it only says which line, if any, carries the row's content.

use crate::transcript::entry::{Entry, EntryKind};
use std::collections::BTreeMap;

/// What became of one transcription line. Indices are positions in
/// `Transcript::entries`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// The line carries its row's content and goes on to matching.
    Live,
    /// A later correction of the same row replaced it.
    Superseded { by: usize },
    /// The row was struck out by this void line (the void line itself too).
    Voided { by: usize },
    /// The same row with the same content was transcribed before: counted
    /// once, as the earlier line.
    Duplicate { of: usize },
    /// The row was transcribed twice with different content; neither is used
    /// until a human decides (index into [`Resolution::conflicts`]).
    Conflicting { group: usize },
}

/// The outcome for all lines.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// One per entry, in transcript order.
    pub fates: Vec<Fate>,
    /// The live lines, ordered by sheet and row.
    pub rows: Vec<usize>,
    /// Rows transcribed with different content: the conflicting lines of each.
    pub conflicts: Vec<Vec<usize>>,
}

enum State {
    Empty,
    Live(usize),
    Conflict(Vec<usize>),
    Voided(usize),
}

/// Resolves every line. Never fails.
pub fn resolve(entries: &[Entry]) -> Resolution {
    let mut groups: BTreeMap<(&crate::transcript::entry::SheetNo, u32), Vec<usize>> =
        BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        groups
            .entry((&entry.source.sheet, entry.source.row))
            .or_default()
            .push(i);
    }
    let mut fates = vec![Fate::Live; entries.len()];
    let mut rows = Vec::with_capacity(groups.len());
    let mut conflicts = Vec::new();
    for lines in groups.values() {
        let mut state = State::Empty;
        // Lines that held or removed the row's content, for a later
        // correction to replace. Duplicates stay duplicates.
        let mut earlier: Vec<usize> = Vec::new();
        for &i in lines {
            match entries[i].kind {
                EntryKind::Original => match &mut state {
                    State::Empty => state = State::Live(i),
                    State::Live(base) => {
                        let base = *base;
                        if same_content(&entries[base], &entries[i]) {
                            fates[i] = Fate::Duplicate { of: base };
                            continue;
                        }
                        state = State::Conflict(vec![base, i]);
                    }
                    State::Conflict(lines) => {
                        if let Some(&of) = lines
                            .iter()
                            .find(|&&l| same_content(&entries[l], &entries[i]))
                        {
                            fates[i] = Fate::Duplicate { of };
                            continue;
                        }
                        lines.push(i);
                    }
                    // Another transcription of a struck-out row is struck out too.
                    State::Voided(by) => fates[i] = Fate::Voided { by: *by },
                },
                EntryKind::Correction => {
                    for &e in &earlier {
                        fates[e] = Fate::Superseded { by: i };
                    }
                    state = State::Live(i);
                }
                EntryKind::Void => {
                    match &state {
                        State::Live(base) => fates[*base] = Fate::Voided { by: i },
                        State::Conflict(lines) => {
                            for &l in lines {
                                fates[l] = Fate::Voided { by: i };
                            }
                        }
                        State::Empty | State::Voided(_) => {}
                    }
                    fates[i] = Fate::Voided { by: i };
                    state = State::Voided(i);
                }
            }
            earlier.push(i);
        }
        match state {
            State::Live(base) => {
                fates[base] = Fate::Live;
                rows.push(base);
            }
            State::Conflict(lines) => {
                let group = conflicts.len();
                for &l in &lines {
                    fates[l] = Fate::Conflicting { group };
                }
                conflicts.push(lines);
            }
            State::Empty | State::Voided(_) => {}
        }
    }
    Resolution {
        fates,
        rows,
        conflicts,
    }
}

/// Whether two lines say the same thing about their row (one rule, shared
/// with `transcribe --check`).
pub use crate::transcript::entry::same_content;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::testing::{line, ward_to_boden};

    #[test]
    fn single_original_is_live() {
        let entries = vec![ward_to_boden(1, 4, "2025-03-03 10:15").build()];
        let r = resolve(&entries);
        assert_eq!(r.fates, vec![Fate::Live]);
        assert_eq!(r.rows, vec![0]);
    }

    #[test]
    fn identical_second_transcription_is_a_duplicate() {
        let a = ward_to_boden(1, 4, "2025-03-03 10:15").build();
        let mut b = a.clone();
        b.source.file = "andra.csv".into();
        b.transcribed_by = "Någon annan".into();
        let r = resolve(&[a, b]);
        assert_eq!(r.fates, vec![Fate::Live, Fate::Duplicate { of: 0 }]);
        assert_eq!(r.rows, vec![0]);
    }

    #[test]
    fn different_second_transcription_uses_neither() {
        let a = ward_to_boden(1, 4, "2025-03-03 10:15").build();
        let b = ward_to_boden(1, 4, "2025-03-03 10:51").line(9).build();
        let r = resolve(&[a, b]);
        assert_eq!(
            r.fates,
            vec![
                Fate::Conflicting { group: 0 },
                Fate::Conflicting { group: 0 }
            ]
        );
        assert!(r.rows.is_empty());
        assert_eq!(r.conflicts, vec![vec![0, 1]]);
    }

    #[test]
    fn latest_correction_replaces_all_earlier_lines() {
        let entries = vec![
            ward_to_boden(1, 4, "2025-03-03 10:15").build(),
            line(ward_to_boden(1, 4, "2025-03-03 10:16"), 2).correction(),
            line(ward_to_boden(1, 4, "2025-03-03 10:17"), 3).correction(),
        ];
        let r = resolve(&entries);
        assert_eq!(
            r.fates,
            vec![
                Fate::Superseded { by: 2 },
                Fate::Superseded { by: 2 },
                Fate::Live
            ]
        );
        assert_eq!(r.rows, vec![2]);
    }

    #[test]
    fn correction_settles_a_row_transcribed_with_different_content() {
        let entries = vec![
            ward_to_boden(1, 4, "2025-03-03 10:15").build(),
            ward_to_boden(1, 4, "2025-03-03 10:51").line(2).build(),
            line(ward_to_boden(1, 4, "2025-03-03 10:15"), 3).correction(),
        ];
        let r = resolve(&entries);
        assert_eq!(r.rows, vec![2]);
        assert!(r.conflicts.is_empty());
        assert_eq!(r.fates[0], Fate::Superseded { by: 2 });
        assert_eq!(r.fates[1], Fate::Superseded { by: 2 });
    }

    #[test]
    fn void_removes_the_row_and_a_later_correction_restores_it() {
        let voided = vec![
            ward_to_boden(1, 4, "2025-03-03 10:15").build(),
            line(ward_to_boden(1, 4, "2025-03-03 10:15"), 2).void(),
        ];
        let r = resolve(&voided);
        assert_eq!(
            r.fates,
            vec![Fate::Voided { by: 1 }, Fate::Voided { by: 1 }]
        );
        assert!(r.rows.is_empty());

        let mut restored = voided;
        restored.push(line(ward_to_boden(1, 4, "2025-03-03 10:20"), 3).correction());
        let r = resolve(&restored);
        assert_eq!(r.rows, vec![2]);
        assert_eq!(r.fates[0], Fate::Superseded { by: 2 });
        assert_eq!(r.fates[1], Fate::Superseded { by: 2 });
    }

    #[test]
    fn rows_on_other_sheets_are_independent() {
        let entries = vec![
            ward_to_boden(1, 4, "2025-03-03 10:15").build(),
            ward_to_boden(2, 4, "2025-03-03 10:15").line(2).build(),
        ];
        let r = resolve(&entries);
        assert_eq!(r.rows, vec![0, 1]);
    }
}
