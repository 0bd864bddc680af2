//! Which pre-numbered sheets came back from each unit, which are missing,
//! and which were transcribed twice.
//!
//! A sheet counts as returned when any line names it, rejected lines
//! included. Sheets missing are the numbers below the highest returned one
//! that no line names; sheets after the highest cannot be known to exist.

use super::rows::{Fate, Resolution};
use crate::model::PrintSettings;
use crate::transcript::entry::{EntryKind, SheetNo, Transcript};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetStatus {
    pub unit: String,
    pub serial: u32,
    pub returned: bool,
    /// Transcription lines naming the sheet.
    pub lines: usize,
    /// Files the sheet was transcribed in, sorted.
    pub files: Vec<String>,
    /// Rows transcribed more than once as originals (duplicates and
    /// conflicts), sorted.
    pub rows_twice: Vec<u32>,
    /// A number above the sheets printed per unit.
    pub beyond_print: bool,
}

impl SheetStatus {
    pub fn sheet(&self) -> SheetNo {
        SheetNo {
            unit: self.unit.as_str().into(),
            serial: self.serial,
        }
    }

    /// Transcribed in more than one file.
    pub fn transcribed_twice(&self) -> bool {
        self.files.len() > 1
    }

    /// Swedish status for the sheet list.
    pub fn status_label(&self) -> &'static str {
        match (
            self.returned,
            self.transcribed_twice() || !self.rows_twice.is_empty(),
        ) {
            (false, _) => "saknas",
            (true, false) => "inlämnat",
            (true, true) => "inlämnat, transkriberat två gånger",
        }
    }
}

#[derive(Default)]
struct Seen {
    lines: usize,
    files: BTreeSet<String>,
    rows_twice: BTreeSet<u32>,
}

/// Lists every sheet per unit, returned or missing, by unit and serial.
pub fn survey(
    transcript: &Transcript,
    resolution: &Resolution,
    print: &PrintSettings,
) -> Vec<SheetStatus> {
    let mut seen: BTreeMap<SheetNo, Seen> = BTreeMap::new();
    for (i, entry) in transcript.entries.iter().enumerate() {
        let s = seen.entry(entry.source.sheet.clone()).or_default();
        s.lines += 1;
        if !s.files.contains(entry.source.file.as_str()) {
            s.files.insert(entry.source.file.to_string());
        }
        let again = match resolution.fates[i] {
            Fate::Duplicate { .. } => true,
            Fate::Conflicting { group } => resolution.conflicts[group].first() != Some(&i),
            _ => false,
        };
        if again && entry.kind == EntryKind::Original {
            s.rows_twice.insert(entry.source.row);
        }
    }
    for rejection in &transcript.rejections {
        let Some(sheet) = rejection.sheet.as_deref().and_then(SheetNo::parse) else {
            continue;
        };
        let s = seen.entry(sheet).or_default();
        s.lines += 1;
        if !s.files.contains(rejection.file.as_str()) {
            s.files.insert(rejection.file.to_string());
        }
    }
    let mut highest: BTreeMap<&str, u32> = BTreeMap::new();
    for sheet in seen.keys() {
        let h = highest.entry(sheet.unit.as_str()).or_default();
        *h = (*h).max(sheet.serial);
    }
    let mut out = Vec::new();
    for (unit, &top) in &highest {
        for serial in 1..=top {
            let key = SheetNo {
                unit: (*unit).into(),
                serial,
            };
            let status = match seen.get(&key) {
                Some(s) => SheetStatus {
                    unit: key.unit.to_string(),
                    serial,
                    returned: true,
                    lines: s.lines,
                    files: s.files.iter().cloned().collect(),
                    rows_twice: s.rows_twice.iter().copied().collect(),
                    beyond_print: serial > print.sheets_per_unit,
                },
                None => SheetStatus {
                    unit: key.unit.to_string(),
                    serial,
                    returned: false,
                    lines: 0,
                    files: Vec::new(),
                    rows_twice: Vec::new(),
                    beyond_print: serial > print.sheets_per_unit,
                },
            };
            out.push(status);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::rows::resolve;
    use crate::reconcile::testing::ward_to_boden;
    use crate::transcript::entry::Rejection;

    #[test]
    fn lists_missing_sheets_below_the_highest_and_sheets_seen_twice() {
        let first = ward_to_boden(1, 1, "2025-03-03 10:15").build();
        let mut again = first.clone();
        again.source.file = "omgång-2.csv".into();
        let transcript = Transcript {
            entries: vec![
                first,
                again,
                ward_to_boden(4, 1, "2025-03-03 11:15").build(),
            ],
            rejections: vec![Rejection {
                file: "x.csv".into(),
                line: 3,
                sheet: Some("sunderby-medicin-61-002".into()),
                row: Some("1".into()),
                reasons: vec!["fel".into()],
            }],
            lines_read: 4,
            ..Transcript::default()
        };
        let resolution = resolve(&transcript.entries);
        let sheets = survey(
            &transcript,
            &resolution,
            &PrintSettings {
                sheets_per_unit: 3,
                rows_per_sheet: 12,
                rows_per_sheet_at: None,
            },
        );
        let summary: Vec<_> = sheets
            .iter()
            .map(|s| (s.serial, s.status_label(), s.beyond_print))
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, "inlämnat, transkriberat två gånger", false),
                (2, "inlämnat", false),
                (3, "saknas", false),
                (4, "inlämnat", true)
            ]
        );
        assert_eq!(sheets[0].rows_twice, vec![1]);
    }
}
