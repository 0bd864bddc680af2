//! Nothing lost: every line read ends up in exactly one category, and the
//! categories add up to the number of lines read.
//!
//! The ledger is computed from the other stages' results, not kept alongside
//! them, so that a line a stage forgot shows up here as a problem instead of
//! vanishing.

use super::matching::{Call, Status};
use super::rows::{Fate, Resolution};
use crate::transcript::entry::Transcript;

/// The one place a line ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Matched,
    TimeConflict,
    OneSided,
    Superseded,
    Voided,
    Duplicate,
    Discrepancy,
    Rejected,
    /// Rejected, but a later `rättelse` or `makulering` of the same sheet
    /// row replaced it: settled, like `transcribe --check` says.
    RejectedReplaced,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Matched,
        Category::TimeConflict,
        Category::OneSided,
        Category::Superseded,
        Category::Voided,
        Category::Duplicate,
        Category::Discrepancy,
        Category::Rejected,
        Category::RejectedReplaced,
    ];

    /// Swedish label, as in the summary and `rader.csv`.
    pub fn label(self) -> &'static str {
        match self {
            Category::Matched => "samtal: matchad",
            Category::TimeConflict => "samtal: matchad med tidskonflikt",
            Category::OneSided => "samtal: ensidig",
            Category::Superseded => "ersatt av rättelse",
            Category::Voided => "makulerad",
            Category::Duplicate => "dubblett",
            Category::Discrepancy => "transkriberad två gånger med olika innehåll",
            Category::Rejected => "avvisad vid transkriberingen",
            Category::RejectedReplaced => "avvisad, ersatt av senare rättelse",
        }
    }

    fn of_status(status: Status) -> Category {
        match status {
            Status::Matched => Category::Matched,
            Status::TimeConflict => Category::TimeConflict,
            Status::OneSided => Category::OneSided,
        }
    }
}

/// The category of every line, and anything that does not add up.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub lines_read: usize,
    /// Category of each entry, in transcript order (`None`: lost).
    pub entries: Vec<Option<Category>>,
    /// The call each live entry belongs to.
    pub entry_call: Vec<Option<usize>>,
    pub rejections: usize,
    /// Rejected lines that a later correction replaced (of `rejections`).
    pub rejections_replaced: usize,
    /// Lines counted twice or not at all, and totals that differ; empty when
    /// everything adds up. No patient data.
    pub problems: Vec<String>,
}

impl Ledger {
    /// Accounts every line of the transcript.
    pub fn account(transcript: &Transcript, resolution: &Resolution, calls: &[Call<'_>]) -> Ledger {
        let n = transcript.entries.len();
        let mut entries: Vec<Option<Category>> = vec![None; n];
        let mut entry_call: Vec<Option<usize>> = vec![None; n];
        let mut problems = Vec::new();
        for (c, call) in calls.iter().enumerate() {
            for side in call.sides() {
                if entry_call[side.index].is_some() {
                    problems.push(format!(
                        "{}: raden ingår i två samtal",
                        super::wording::source(&side.entry.source)
                    ));
                }
                entry_call[side.index] = Some(c);
                entries[side.index] = Some(Category::of_status(call.status));
            }
        }
        for (i, fate) in resolution.fates.iter().enumerate() {
            let source = || super::wording::source(&transcript.entries[i].source);
            let category = match fate {
                Fate::Live => {
                    if entries[i].is_none() {
                        problems.push(format!("{}: raden ingår inte i något samtal", source()));
                    }
                    continue;
                }
                Fate::Superseded { .. } => Category::Superseded,
                Fate::Voided { .. } => Category::Voided,
                Fate::Duplicate { .. } => Category::Duplicate,
                Fate::Conflicting { .. } => Category::Discrepancy,
            };
            if entries[i].is_some() {
                problems.push(format!("{}: raden har två kategorier", source()));
            }
            entries[i] = Some(category);
        }
        if resolution.fates.len() != n {
            problems.push(format!("{} rader men {} utfall", n, resolution.fates.len()));
        }
        let ledger = Ledger {
            lines_read: transcript.lines_read,
            entries,
            entry_call,
            rejections: transcript.rejections.len(),
            rejections_replaced: transcript
                .replacements()
                .iter()
                .filter(|r| r.is_some())
                .count(),
            problems,
        };
        let total = ledger.total();
        let mut ledger = ledger;
        if total != ledger.lines_read {
            ledger.problems.push(format!(
                "{total} rader redovisade men {} lästa",
                ledger.lines_read
            ));
        }
        let lost = ledger.entries.iter().filter(|c| c.is_none()).count();
        if lost > 0 {
            ledger
                .problems
                .push(format!("{lost} rader saknar kategori"));
        }
        ledger
    }

    /// Lines in a category.
    pub fn count(&self, category: Category) -> usize {
        match category {
            Category::Rejected => self.rejections - self.rejections_replaced,
            Category::RejectedReplaced => self.rejections_replaced,
            other => self.entries.iter().filter(|&&c| c == Some(other)).count(),
        }
    }

    /// Sum over all categories.
    pub fn total(&self) -> usize {
        Category::ALL.iter().map(|&c| self.count(c)).sum()
    }

    /// `Ok` when every line read is in exactly one category and the
    /// categories add up to the lines read.
    ///
    /// # Errors
    ///
    /// Every problem found, in Swedish, without patient data.
    pub fn check(&self) -> Result<(), Vec<String>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems.clone())
        }
    }
}
