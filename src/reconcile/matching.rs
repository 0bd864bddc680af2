//! Pairing both sides of each call: the caller's outgoing row with the
//! receiver's incoming row about the same patient and event.
//!
//! Rows are grouped by caller, receiver, patient (identity-number equality)
//! and event. Within a group the pairs closest in time are taken first; a
//! pair within the tolerance is `matchad`, a pair further apart `matchad med
//! tidskonflikt` (a human decides), and a row left over is `ensidig`. Ties
//! are broken by the rows' sheet references, so the result does not depend
//! on the order of the input files. The legal notice time is the caller's:
//! the law counts from when the notice was sent.

use crate::personal_id::PersonalId;
use crate::transcript::entry::{Direction, Entry};
use jiff::ZonedDateTime;
use std::collections::BTreeMap;

/// How the two sides of a call agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Both sides logged it, times within the tolerance.
    Matched,
    /// Both sides logged it, but the times differ by more than the tolerance.
    TimeConflict,
    /// Only one side logged it.
    OneSided,
}

impl Status {
    /// The Swedish label used in every output.
    pub fn label(self) -> &'static str {
        match self {
            Status::Matched => "matchad",
            Status::TimeConflict => "matchad med tidskonflikt",
            Status::OneSided => "ensidig",
        }
    }
}

/// One side of a call: a live row and its position in the transcript.
#[derive(Debug, Clone, Copy)]
pub struct Side<'t> {
    pub index: usize,
    pub entry: &'t Entry,
}

/// One call, seen from one or both sides.
#[derive(Debug, Clone)]
pub struct Call<'t> {
    /// `S00001`, numbered in time order.
    pub id: String,
    pub status: Status,
    /// The caller's row (direction `ut`).
    pub outgoing: Option<Side<'t>>,
    /// The receiver's row (direction `in`).
    pub incoming: Option<Side<'t>>,
}

impl<'t> Call<'t> {
    /// The side whose time counts: the caller's when logged, else the
    /// receiver's.
    pub fn notice_side(&self) -> Side<'t> {
        match (self.outgoing, self.incoming) {
            (Some(side), _) | (None, Some(side)) => side,
            // A call is always built with at least one side.
            (None, None) => unreachable!("a call without sides"),
        }
    }

    /// The time that counts legally: when the notice was sent.
    pub fn notice_at(&self) -> &'t ZonedDateTime {
        &self.notice_side().entry.at
    }

    /// The caller did not log the call, so its time is the receiver's.
    pub fn time_from_receiver(&self) -> bool {
        self.outgoing.is_none()
    }

    /// The unit that called.
    pub fn caller(&self) -> &'t str {
        match (self.outgoing, self.incoming) {
            (Some(out), _) => &out.entry.unit,
            (None, Some(inc)) => &inc.entry.counterpart,
            (None, None) => unreachable!("a call without sides"),
        }
    }

    /// The unit that was called.
    pub fn receiver(&self) -> &'t str {
        match (self.outgoing, self.incoming) {
            (Some(out), _) => &out.entry.counterpart,
            (None, Some(inc)) => &inc.entry.unit,
            (None, None) => unreachable!("a call without sides"),
        }
    }

    pub fn event(&self) -> u8 {
        self.notice_side().entry.event
    }

    pub fn patient(&self) -> &'t PersonalId {
        &self.notice_side().entry.patient_id
    }

    /// The rows of this call, caller's first.
    pub fn sides(&self) -> impl Iterator<Item = Side<'t>> + use<'t> {
        self.outgoing.into_iter().chain(self.incoming)
    }

    /// Whether the call reached the other party: no side says it did not.
    /// An unreached call is no notice.
    pub fn reached(&self) -> bool {
        self.sides().all(|side| side.entry.reached)
    }

    /// Both sides logged the call, and they disagree on whether it reached.
    pub fn reached_disputed(&self) -> bool {
        match (self.outgoing, self.incoming) {
            (Some(out), Some(inc)) => out.entry.reached != inc.entry.reached,
            _ => false,
        }
    }

    /// Minutes between the two sides' times (receiver minus caller).
    pub fn minutes_apart(&self) -> Option<i64> {
        let (out, inc) = (self.outgoing?, self.incoming?);
        Some(seconds_between(&out.entry.at, &inc.entry.at) / 60)
    }
}

fn seconds_between(from: &ZonedDateTime, to: &ZonedDateTime) -> i64 {
    to.timestamp().as_second() - from.timestamp().as_second()
}

type GroupKey<'t> = (&'t str, &'t str, &'static str, &'t str, u8);

/// Pairs the live rows into calls, sorted by notice time, and numbers them.
///
/// `tolerance_minutes` is inclusive: rows exactly that far apart match.
pub fn match_calls<'t>(
    entries: &'t [Entry],
    rows: &[usize],
    tolerance_minutes: u32,
) -> Vec<Call<'t>> {
    // (caller, receiver, id kind, id, event) → (outgoing rows, incoming rows)
    let mut groups: BTreeMap<GroupKey<'t>, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for &i in rows {
        let e = &entries[i];
        let (caller, receiver) = match e.direction {
            Direction::Outgoing => (e.unit.as_str(), e.counterpart.as_str()),
            Direction::Incoming => (e.counterpart.as_str(), e.unit.as_str()),
        };
        let key = (
            caller,
            receiver,
            e.patient_id.kind().label(),
            e.patient_id.as_str(),
            e.event,
        );
        let group = groups.entry(key).or_default();
        match e.direction {
            Direction::Outgoing => group.0.push(i),
            Direction::Incoming => group.1.push(i),
        }
    }
    let tolerance = i64::from(tolerance_minutes) * 60;
    let side = |index: usize| Side {
        index,
        entry: &entries[index],
    };
    let mut calls = Vec::with_capacity(rows.len());
    for (outs, ins) in groups.values() {
        // (seconds apart, position in outs, position in ins)
        let mut candidates: Vec<(i64, usize, usize)> = Vec::with_capacity(outs.len() * ins.len());
        for (po, &o) in outs.iter().enumerate() {
            for (pi, &i) in ins.iter().enumerate() {
                let apart = seconds_between(&entries[o].at, &entries[i].at).abs();
                candidates.push((apart, po, pi));
            }
        }
        candidates.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| entries[outs[a.1]].source.cmp(&entries[outs[b.1]].source))
                .then_with(|| entries[ins[a.2]].source.cmp(&entries[ins[b.2]].source))
        });
        let mut out_used = vec![false; outs.len()];
        let mut in_used = vec![false; ins.len()];
        for (apart, po, pi) in candidates {
            if out_used[po] || in_used[pi] {
                continue;
            }
            out_used[po] = true;
            in_used[pi] = true;
            calls.push(Call {
                id: String::new(),
                status: if apart <= tolerance {
                    Status::Matched
                } else {
                    Status::TimeConflict
                },
                outgoing: Some(side(outs[po])),
                incoming: Some(side(ins[pi])),
            });
        }
        for (p, &o) in outs.iter().enumerate() {
            if !out_used[p] {
                calls.push(one_sided(Some(side(o)), None));
            }
        }
        for (p, &i) in ins.iter().enumerate() {
            if !in_used[p] {
                calls.push(one_sided(None, Some(side(i))));
            }
        }
    }
    calls.sort_by(|a, b| {
        a.notice_at()
            .timestamp()
            .cmp(&b.notice_at().timestamp())
            .then_with(|| a.event().cmp(&b.event()))
            .then_with(|| a.caller().cmp(b.caller()))
            .then_with(|| a.receiver().cmp(b.receiver()))
            .then_with(|| {
                a.notice_side()
                    .entry
                    .source
                    .cmp(&b.notice_side().entry.source)
            })
    });
    let width = calls.len().to_string().len().max(5);
    for (n, call) in calls.iter_mut().enumerate() {
        call.id = format!("S{:0width$}", n + 1);
    }
    calls
}

fn one_sided<'t>(outgoing: Option<Side<'t>>, incoming: Option<Side<'t>>) -> Call<'t> {
    Call {
        id: String::new(),
        status: Status::OneSided,
        outgoing,
        incoming,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::testing::{TEST_PIN, boden_from_ward, ward_to_boden};

    fn statuses(entries: &[Entry]) -> Vec<(Status, Option<usize>, Option<usize>)> {
        let rows: Vec<usize> = (0..entries.len()).collect();
        match_calls(entries, &rows, 10)
            .iter()
            .map(|c| {
                (
                    c.status,
                    c.outgoing.map(|s| s.index),
                    c.incoming.map(|s| s.index),
                )
            })
            .collect()
    }

    #[test]
    fn exactly_the_tolerance_matches_one_minute_more_conflicts() {
        let ten = [
            ward_to_boden(1, 1, "2025-03-03 10:15").build(),
            boden_from_ward(1, 1, "2025-03-03 10:25").build(),
        ];
        assert_eq!(statuses(&ten), vec![(Status::Matched, Some(0), Some(1))]);
        let eleven = [
            ward_to_boden(1, 1, "2025-03-03 10:15").build(),
            boden_from_ward(1, 1, "2025-03-03 10:26").build(),
        ];
        assert_eq!(
            statuses(&eleven),
            vec![(Status::TimeConflict, Some(0), Some(1))]
        );
    }

    #[test]
    fn receiver_logging_earlier_than_the_caller_still_matches() {
        let entries = [
            ward_to_boden(1, 1, "2025-03-03 10:15").build(),
            boden_from_ward(1, 1, "2025-03-03 10:05").build(),
        ];
        assert_eq!(
            statuses(&entries),
            vec![(Status::Matched, Some(0), Some(1))]
        );
    }

    #[test]
    fn pairs_closest_times_first() {
        // Two calls about the same event; the receiver logged both.
        let entries = [
            ward_to_boden(1, 1, "2025-03-03 10:00").build(),
            ward_to_boden(1, 2, "2025-03-03 10:08").build(),
            boden_from_ward(1, 1, "2025-03-03 10:09").build(),
            boden_from_ward(1, 2, "2025-03-03 10:01").build(),
        ];
        let mut got = statuses(&entries);
        got.sort_by_key(|s| s.1);
        assert_eq!(
            got,
            vec![
                (Status::Matched, Some(0), Some(3)),
                (Status::Matched, Some(1), Some(2))
            ]
        );
    }

    #[test]
    fn different_patient_event_or_parties_do_not_match() {
        let entries = [
            ward_to_boden(1, 1, "2025-03-03 10:15").build(),
            boden_from_ward(1, 1, "2025-03-03 10:15")
                .patient("200002292399")
                .build(),
            boden_from_ward(1, 2, "2025-03-03 10:15").event(1).build(),
        ];
        assert!(statuses(&entries).iter().all(|s| s.0 == Status::OneSided));
    }

    #[test]
    fn ten_and_twelve_digit_forms_are_the_same_patient() {
        let entries = [
            ward_to_boden(1, 1, "2025-03-03 10:15").build(),
            boden_from_ward(1, 1, "2025-03-03 10:16")
                .patient(&format!("{}-{}", &TEST_PIN[2..8], &TEST_PIN[8..]))
                .build(),
        ];
        assert_eq!(statuses(&entries)[0].0, Status::Matched);
    }

    #[test]
    fn measures_real_minutes_across_the_spring_change() {
        // 01:55 normal time and 03:05 summer time are ten minutes apart.
        let entries = [
            ward_to_boden(1, 1, "2025-03-30 01:55").build(),
            boden_from_ward(1, 1, "2025-03-30 03:05").build(),
        ];
        assert_eq!(statuses(&entries)[0].0, Status::Matched);
    }

    #[test]
    fn measures_real_minutes_in_the_autumn_fold() {
        // 02:55 summer time and 02:05 normal time are ten minutes apart,
        // although the clock readings are fifty minutes apart.
        let entries = [
            ward_to_boden(1, 1, "2025-10-26 02:55+02:00").build(),
            boden_from_ward(1, 1, "2025-10-26 02:05+01:00").build(),
        ];
        let rows = [0, 1];
        let calls = match_calls(&entries, &rows, 10);
        assert_eq!(calls[0].status, Status::Matched);
        assert_eq!(calls[0].minutes_apart(), Some(10));
        // And the same clock reading an hour apart is a conflict.
        let entries = [
            ward_to_boden(1, 1, "2025-10-26 02:30+02:00").build(),
            boden_from_ward(1, 1, "2025-10-26 02:30+01:00").build(),
        ];
        assert_eq!(statuses(&entries)[0].0, Status::TimeConflict);
    }

    #[test]
    fn numbers_calls_in_time_order() {
        let entries = [
            ward_to_boden(1, 2, "2025-03-03 11:00").build(),
            ward_to_boden(1, 1, "2025-03-03 10:00").event(1).build(),
        ];
        let calls = match_calls(&entries, &[0, 1], 10);
        assert_eq!(calls[0].id, "S00001");
        assert_eq!(calls[0].event(), 1);
        assert_eq!(calls[1].id, "S00002");
    }
}
