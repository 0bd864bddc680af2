//! Back-entry worklists: per unit, every event the unit reported or received
//! during the outage, with a ready-to-paste note for Lifecare SP.
//!
//! The routine says to enter everything with the current date and time and a
//! note that the date differs from the reported one; backdating is forbidden.
//! The note therefore carries the reported time; the worklist never suggests
//! a date to enter. Only reached rows are listed: an unanswered call told
//! nobody anything.

use super::matching::{Call, Side, Status};
use super::wording;
use crate::model::Kit;
use crate::transcript::entry::{Direction, Entry, FactDate};
use std::collections::BTreeMap;

/// What a unit must enter in Lifecare SP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worklist {
    /// Directory id.
    pub unit: String,
    /// In call-time order.
    pub items: Vec<WorkItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    /// Index into the calls.
    pub call: usize,
    /// The unit's own row (index into the transcript entries).
    pub entry: usize,
    /// `true`: the unit was called ("mottaget"); `false`: it reported.
    pub received: bool,
    /// The ready-to-paste note.
    pub note: String,
    /// What to check before entering, in Swedish.
    pub checks: Vec<String>,
}

/// The header every worklist starts with.
pub const INSTRUCTION: &str = "Registrera i Lifecare SP med aktuellt datum och klockslag när systemet är i drift igen. Redatera aldrig: klistra in anteckningen, som anger rapporterad tid.";

/// Builds one worklist per unit that has something to enter, by unit id.
pub fn build(calls: &[Call<'_>], kit: &Kit) -> Vec<Worklist> {
    let mut lists: BTreeMap<&str, Vec<WorkItem>> = BTreeMap::new();
    for (c, call) in calls.iter().enumerate() {
        for side in call.sides() {
            if !side.entry.reached {
                continue;
            }
            let received = side.entry.direction == Direction::Incoming;
            lists
                .entry(side.entry.unit.as_str())
                .or_default()
                .push(WorkItem {
                    call: c,
                    entry: side.index,
                    received,
                    note: note(call, side, kit),
                    checks: checks(call, side),
                });
        }
    }
    lists
        .into_iter()
        .map(|(unit, items)| Worklist {
            unit: unit.to_owned(),
            items,
        })
        .collect()
}

/// `Rapporterat per telefon under driftstopp i Lifecare SP 2025-03-03 kl.
/// 10:15 av Anna Andersson (Medicinavdelning 61, Sunderby sjukhus) till Lisa
/// Lind (Bodens kommun). … Källa: blad sunderby-medicin-61-003 rad 4.`
///
/// The time is the call's notice time (the caller's), so both parties enter
/// the same time; the unit's own noted time is in its own column.
pub fn note(call: &Call<'_>, side: Side<'_>, kit: &Kit) -> String {
    let e = side.entry;
    let dir = &kit.directory;
    let me = format!("{} ({})", e.signature, wording::unit_name(dir, &e.unit));
    let other = format!(
        "{} ({})",
        e.counterpart_person,
        wording::unit_name(dir, &e.counterpart)
    );
    let when = wording::clock_in_text(call.notice_at());
    let mut note = match e.direction {
        Direction::Outgoing => format!(
            "Rapporterat per telefon under driftstopp i Lifecare SP {when} av {me} till {other}."
        ),
        Direction::Incoming => format!(
            "Mottaget per telefon under driftstopp i Lifecare SP {when} av {me} från {other}."
        ),
    };
    // The facts said on the call: as this unit noted them, or as the other
    // party did when this unit did not.
    let other = call.sides().find(|s| s.index != side.index);
    if let Some(facts) = facts(e).or_else(|| other.and_then(|o| facts(o.entry))) {
        note.push(' ');
        note.push_str(&facts);
    }
    note.push_str(
        " Datum i Lifecare avviker från rapporterat datum på grund av driftstörningen. Källa: ",
    );
    note.push_str(&wording::sheet_row(&e.source));
    note.push('.');
    note
}

/// The event's extra facts as a sentence, when the row has any.
fn facts(e: &Entry) -> Option<String> {
    let date = e.fact_date.map(|d| match d {
        FactDate::Date(d) => d.to_string(),
        FactDate::DateTime(dt) => {
            format!(
                "{} kl. {:02}:{:02}",
                dt.date(),
                dt.time().hour(),
                dt.time().minute()
            )
        }
    });
    let who = e.physician_or_contact.as_deref();
    let mut parts = Vec::new();
    match e.event {
        1 | 2 => {
            if let Some(date) = date {
                parts.push(format!("Beräknat utskrivningsdatum {date}."));
            }
            if let Some(who) = who {
                parts.push(format!("Bedömt av {who}."));
            }
        }
        6 => {
            if let Some(who) = who {
                parts.push(format!("Fast vårdkontakt {who}."));
            }
            if let Some(date) = date {
                parts.push(format!("SIP-möte {date}."));
            }
        }
        _ => {
            if let Some(who) = who {
                parts.push(format!("Bedömt av {who}."));
            }
            if let Some(date) = date {
                parts.push(format!("Datum {date}."));
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn checks(call: &Call<'_>, side: Side<'_>) -> Vec<String> {
    let mut checks = Vec::new();
    match call.status {
        Status::Matched => {}
        Status::TimeConflict => checks.push(format!(
            "tidskonflikt mellan parterna ({} minuter): kontrollera tiden före registrering",
            call.minutes_apart().unwrap_or_default().abs()
        )),
        Status::OneSided => checks.push(match side.entry.direction {
            Direction::Outgoing => "mottagaren har ingen rad om samtalet".to_owned(),
            Direction::Incoming => {
                "uppringaren har ingen rad om samtalet; tiden är egen noterad tid".to_owned()
            }
        }),
    }
    if call.reached_disputed() {
        checks.push("parterna är oense om samtalet nådde fram".to_owned());
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::matching::match_calls;
    use crate::reconcile::testing::{boden_from_ward, kit, ward_to_boden};

    #[test]
    fn note_reads_as_in_the_routine() {
        let entries = [ward_to_boden(3, 4, "2025-03-03 10:15").build()];
        let calls = match_calls(&entries, &[0], 10);
        let text = note(&calls[0], calls[0].notice_side(), &kit());
        assert_eq!(
            text,
            "Rapporterat per telefon under driftstopp i Lifecare SP 2025-03-03 kl. 10:15 av Anna \
             Andersson (Medicinavdelning 61, Sunderby sjukhus) till Lisa Lind (Bodens kommun). \
             Datum i Lifecare avviker från rapporterat datum på grund av driftstörningen. Källa: \
             blad sunderby-medicin-61-003 rad 4."
        );
    }

    #[test]
    fn receiver_gets_a_received_item_with_the_callers_time() {
        let entries = [
            ward_to_boden(3, 4, "2025-03-03 10:15").build(),
            boden_from_ward(1, 2, "2025-03-03 10:18").build(),
        ];
        let calls = match_calls(&entries, &[0, 1], 10);
        let lists = build(&calls, &kit());
        assert_eq!(lists.len(), 2);
        assert_eq!(lists[0].unit, "boden");
        let item = &lists[0].items[0];
        assert!(item.received);
        assert!(
            item.note.starts_with(
                "Mottaget per telefon under driftstopp i Lifecare SP 2025-03-03 kl. 10:15 av"
            ),
            "{}",
            item.note
        );
        assert!(item.note.ends_with("Källa: blad boden-001 rad 2."));
    }

    #[test]
    fn unreached_calls_are_not_listed() {
        let entries = [ward_to_boden(3, 4, "2025-03-03 10:15").unreached().build()];
        let calls = match_calls(&entries, &[0], 10);
        assert!(build(&calls, &kit()).is_empty());
    }
}
