//! Cases: the calls about one patient, across all sheets and parties, in
//! time order.
//!
//! A patient is keyed by identity-number equality and shown by a case number
//! (`P001`, numbered by first call) everywhere outside the record files, so
//! that file names, summaries and messages carry no patient data.

use super::matching::Call;
use crate::personal_id::PersonalId;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Case<'t> {
    /// `P001`.
    pub number: String,
    pub patient: &'t PersonalId,
    /// Every spelling of the patient's name on the rows, first seen first.
    pub names: Vec<&'t str>,
    /// Indices into the calls, in time order: the case's timeline.
    pub calls: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Cases<'t> {
    /// In order of each patient's first call.
    pub list: Vec<Case<'t>>,
    /// The case of each call (index into `list`).
    pub of_call: Vec<usize>,
}

impl<'t> Cases<'t> {
    /// The case number of a call.
    pub fn number_of_call(&self, call: usize) -> &str {
        &self.list[self.of_call[call]].number
    }
}

/// Groups calls (already in time order) by patient.
pub fn build<'t>(calls: &[Call<'t>]) -> Cases<'t> {
    let mut index: HashMap<&'t PersonalId, usize> = HashMap::new();
    let mut list: Vec<Case<'t>> = Vec::new();
    let mut of_call = Vec::with_capacity(calls.len());
    for (c, call) in calls.iter().enumerate() {
        let patient = call.patient();
        let case = *index.entry(patient).or_insert_with(|| {
            list.push(Case {
                number: String::new(),
                patient,
                names: Vec::new(),
                calls: Vec::new(),
            });
            list.len() - 1
        });
        let entry = &mut list[case];
        entry.calls.push(c);
        for side in call.sides() {
            let name = side.entry.patient_name.as_str();
            if !entry.names.contains(&name) {
                entry.names.push(name);
            }
        }
        of_call.push(case);
    }
    let width = list.len().to_string().len().max(3);
    for (n, case) in list.iter_mut().enumerate() {
        case.number = format!("P{:0width$}", n + 1);
    }
    Cases { list, of_call }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::matching::match_calls;
    use crate::reconcile::testing::{boden_from_ward, ward_to_boden};

    #[test]
    fn numbers_patients_by_first_call_and_keeps_timelines_in_order() {
        let entries = [
            ward_to_boden(1, 1, "2025-03-03 12:00")
                .patient("200002292399")
                .build(),
            ward_to_boden(1, 2, "2025-03-03 09:00").event(1).build(),
            boden_from_ward(1, 1, "2025-03-03 09:01").event(1).build(),
            ward_to_boden(1, 3, "2025-03-03 13:00").build(),
        ];
        let calls = match_calls(&entries, &[0, 1, 2, 3], 10);
        let cases = build(&calls);
        assert_eq!(cases.list.len(), 2);
        assert_eq!(cases.list[0].number, "P001");
        assert_eq!(cases.list[0].calls.len(), 2);
        assert_eq!(cases.list[1].number, "P002");
        assert_eq!(cases.list[1].patient.as_str(), "200002292399");
        let times: Vec<_> = cases.list[0]
            .calls
            .iter()
            .map(|&c| calls[c].notice_at().timestamp())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
    }
}
