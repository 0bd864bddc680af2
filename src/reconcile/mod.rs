//! Reconciliation of the paper call logs kept during an outage in Lifecare SP.
//!
//! Transcribed lines ([`Transcript`]) go through these stages, each in its
//! own module, and come out as records that coordinators act on:
//!
//! 1. [`rows`]: corrections, voids and double transcriptions are resolved per
//!    sheet and row, so each paper row is used at most once;
//! 2. [`matching`]: the caller's outgoing row and the receiver's incoming row
//!    of the same call are paired into one [`matching::Call`];
//! 3. [`cases`]: calls are grouped per patient into numbered cases (`P001`);
//! 4. [`responsibility`]: the municipality's payment responsibility per
//!    patient (Lag (2017:612) 5 kap., parameters from `kit.yaml`);
//! 5. [`worklist`]: what each unit must enter in Lifecare SP afterwards;
//! 6. [`sheets`]: which numbered sheets came back and which are missing;
//! 7. [`ledger`]: every line read ends up in exactly one category.
//!
//! [`reconcile`] runs them all in memory; [`report`] turns the result into
//! files and [`unit_pdf`] into a printable worklist per unit. This module
//! reads and writes no files: the command `cli::reconcile` reads
//! them (through [`crate::transcript::read_files`]) and writes them (through
//! [`crate::output::write_tree`]). Patient names and identity numbers appear
//! only in the record files, never in file names, summaries or messages.

pub mod cases;
pub mod csv_out;
pub mod discrepancies;
pub mod json_out;
pub mod ledger;
pub mod matching;
pub mod report;
pub mod responsibility;
pub mod rows;
pub mod sheets;
pub mod unit_pdf;
pub mod wording;
pub mod worklist;

#[cfg(test)]
pub(crate) mod testing;

use crate::model::Kit;
use crate::transcript::entry::Transcript;
use jiff::civil::Date;
use std::collections::HashMap;

/// Everything reconciliation found, borrowing the transcript's entries.
#[derive(Debug)]
pub struct Reconciliation<'t> {
    /// The date used for patients still in hospital.
    pub as_of: Date,
    pub resolution: rows::Resolution,
    pub calls: Vec<matching::Call<'t>>,
    pub cases: cases::Cases<'t>,
    pub responsibilities: Vec<responsibility::Responsibility>,
    pub worklists: Vec<worklist::Worklist>,
    pub sheets: Vec<sheets::SheetStatus>,
    pub discrepancies: Vec<discrepancies::Discrepancy>,
    pub ledger: ledger::Ledger,
    /// The units' and events' names, for writing the records.
    pub names: wording::Names,
    /// The discrepancies (indices, in order) that name each unit.
    pub discrepancies_by_unit: HashMap<String, Vec<usize>>,
}

impl Reconciliation<'_> {
    /// The worklist of a unit, if it has one.
    pub fn worklist(&self, unit: &str) -> Option<&worklist::Worklist> {
        // Built from a sorted set of unit ids.
        self.worklists
            .binary_search_by(|w| w.unit.as_str().cmp(unit))
            .ok()
            .map(|i| &self.worklists[i])
    }

    /// The discrepancies that name the unit, in order.
    pub fn discrepancies_of<'a>(
        &'a self,
        unit: &str,
    ) -> impl Iterator<Item = &'a discrepancies::Discrepancy> + use<'a> {
        self.discrepancies_by_unit
            .get(unit)
            .into_iter()
            .flatten()
            .map(|&d| &self.discrepancies[d])
    }
}

/// Reconciles a transcript against the kit's directory and settings.
///
/// Never fails: problems in the data become discrepancies for a human. Call
/// [`ledger::Ledger::check`] to confirm that every line read was accounted
/// for before presenting the result.
pub fn reconcile<'t>(transcript: &'t Transcript, kit: &Kit, as_of: Date) -> Reconciliation<'t> {
    let entries = &transcript.entries;
    let resolution = rows::resolve(entries);
    let calls = matching::match_calls(
        entries,
        &resolution.rows,
        kit.settings.match_tolerance_minutes,
    );
    let cases = cases::build(&calls);
    let responsibilities = responsibility::assess(&calls, &cases, kit, as_of);
    let worklists = worklist::build(&calls, &cases, &responsibilities, kit);
    let sheets = sheets::survey(transcript, &resolution, &kit.settings.print);
    let discrepancies =
        discrepancies::collect(transcript, &resolution, &calls, &cases, &sheets, kit);
    let ledger = ledger::Ledger::account(transcript, &resolution, &calls);
    let mut discrepancies_by_unit: HashMap<String, Vec<usize>> = HashMap::new();
    for (d, discrepancy) in discrepancies.iter().enumerate() {
        for unit in &discrepancy.units {
            let of_unit = discrepancies_by_unit.entry(unit.clone()).or_default();
            // A unit named twice in one discrepancy is listed once.
            if of_unit.last() != Some(&d) {
                of_unit.push(d);
            }
        }
    }
    Reconciliation {
        as_of,
        resolution,
        calls,
        cases,
        responsibilities,
        worklists,
        sheets,
        discrepancies,
        ledger,
        names: wording::Names::new(&kit.directory, &kit.settings),
        discrepancies_by_unit,
    }
}
