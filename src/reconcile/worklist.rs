//! Back-entry worklists: per unit, every event the unit reported or received
//! during the outage, with a ready-to-paste note for Lifecare SP.
//!
//! The routine says to enter everything with the current date and time and a
//! note that the date differs from the reported one; backdating is forbidden.
//! The note therefore carries the reported time; the worklist never suggests
//! a date to enter. Only reached rows are listed: an unanswered call told
//! nobody anything.

use super::Reconciliation;
use super::cases::Cases;
use super::matching::{Call, Side, Status};
use super::responsibility::Responsibility;
use super::wording::{self, Names};
use crate::model::{EventMeaning, Fact, Kit, UnitKind};
use crate::transcript::entry::{Direction, Entry, FactDate};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What a unit must enter in Lifecare SP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worklist {
    /// Directory id.
    pub unit: String,
    /// In call-time order.
    pub items: Vec<WorkItem>,
    /// For a municipality: the notices it received, whether or not it
    /// logged them, with what they mean for its payment responsibility.
    /// To check, not to register (the routine: each unit keeps watch over
    /// its payment responsibility). In call-time order.
    pub to_check: Vec<Notice>,
}

/// A notice a municipality received, to check against its own records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Index into the calls.
    pub call: usize,
    /// What the notice means for payment responsibility, in Swedish.
    pub consequence: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    /// Index into the calls.
    pub call: usize,
    /// The unit's own row (index into the transcript entries).
    pub entry: usize,
    /// `true`: the unit was called ("mottaget"); `false`: it reported.
    pub received: bool,
    /// What to check before entering, in Swedish.
    pub checks: Vec<String>,
}

impl WorkItem {
    /// The ready-to-paste note ([`note`]). Made when it is written, not
    /// kept for every row: a national outage has hundreds of thousands.
    pub fn note(&self, rec: &Reconciliation<'_>, kit: &Kit) -> String {
        let call = &rec.calls[self.call];
        let side = call
            .sides()
            .find(|s| s.index == self.entry)
            .unwrap_or_else(|| call.notice_side());
        note(call, side, kit, &rec.names)
    }
}

impl Worklist {
    /// The notes of every item, in order ([`WorkItem::note`]): made for one
    /// unit's files at a time, when they are written.
    pub fn notes(&self, rec: &Reconciliation<'_>, kit: &Kit) -> Vec<String> {
        self.items.iter().map(|item| item.note(rec, kit)).collect()
    }
}

/// The header every worklist starts with.
pub fn instruction(kit: &Kit) -> String {
    format!(
        "Registrera i {} med aktuellt datum och klockslag när systemet är i drift igen. Redatera aldrig: klistra in anteckningen, som anger rapporterad tid.",
        kit.settings.system.name
    )
}

/// The heading of the column with the note to paste.
pub fn note_heading(kit: &Kit) -> String {
    format!("anteckning för {}", kit.settings.system.short_name)
}

/// Builds one worklist per unit that has something to enter or (for a
/// municipality) a notice to check, by unit id.
pub fn build(
    calls: &[Call<'_>],
    cases: &Cases<'_>,
    responsibilities: &[Responsibility],
    kit: &Kit,
) -> Vec<Worklist> {
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
                    checks: checks(call, side),
                });
        }
    }
    let assessed: BTreeMap<(usize, &str), &Responsibility> = responsibilities
        .iter()
        .map(|r| ((r.case, r.municipality.as_str()), r))
        .collect();
    let mut notices: BTreeMap<&str, Vec<Notice>> = BTreeMap::new();
    for (c, call) in calls.iter().enumerate() {
        let receiver = call.receiver();
        let municipality = kit
            .directory
            .unit(receiver)
            .is_some_and(|u| u.kind == UnitKind::Municipality);
        if municipality && call.reached() {
            notices.entry(receiver).or_default().push(Notice {
                call: c,
                consequence: consequence(
                    c,
                    call,
                    assessed.get(&(cases.of_call[c], receiver)).copied(),
                    kit,
                ),
            });
        }
    }
    let units: BTreeSet<&str> = lists.keys().chain(notices.keys()).copied().collect();
    units
        .into_iter()
        .map(|unit| Worklist {
            unit: unit.to_owned(),
            items: lists.remove(unit).unwrap_or_default(),
            to_check: notices.remove(unit).unwrap_or_default(),
        })
        .collect()
}

/// What a reached notice to a municipality means for its payment
/// responsibility for the patient, from the assessment.
fn consequence(c: usize, call: &Call<'_>, r: Option<&Responsibility>, kit: &Kit) -> String {
    use EventMeaning::{Admission, Discharge, Ready, ReadyChanged};
    let start = |r: &Responsibility| r.start.map(|d| d.to_string()).unwrap_or_default();
    match (kit.settings.meaning(call.event()), r) {
        (Some(Ready), Some(r)) if r.applies && r.notice_call == Some(c) => {
            let until = if r.still_admitted {
                "fortfarande inskriven".to_owned()
            } else {
                format!("utskriven {}", r.end.map(|d| d.to_string()).unwrap_or_default())
            };
            format!(
                "startar betalningsansvar {} ({} {}, {until})",
                start(r),
                r.days,
                wording::days(r.days)
            )
        }
        (Some(Ready), Some(r)) if r.applies => format!(
            "ersatt av ett senare utskrivningsklar-samtal; betalningsansvar från {}",
            start(r)
        ),
        (Some(Ready), Some(r)) => format!("inget betalningsansvar: {}", r.reason),
        (Some(Admission), Some(r)) if r.applies => format!(
            "inskrivningsmeddelandet är villkor för betalningsansvaret från {}",
            start(r)
        ),
        (Some(Admission), _) => {
            "inskrivningsmeddelandet är villkor för betalningsansvar; inget utskrivningsklar-meddelande ännu".to_owned()
        }
        (Some(ReadyChanged), _) => {
            "återkallar utskrivningsklar; betalningsansvaret räknas först från ett nytt utskrivningsklar-samtal".to_owned()
        }
        (Some(Discharge), Some(r)) if r.applies && r.discharge_call == Some(c) => format!(
            "betalningsansvaret slutar {} (utskrivning)",
            r.end.map(|d| d.to_string()).unwrap_or_default()
        ),
        _ => "påverkar inte betalningsansvaret".to_owned(),
    }
}

/// `Rapporterat per telefon under driftstopp i Lifecare SP 2025-03-03 kl.
/// 10:15 av Anna Andersson (Medicinavdelning 61, Sunderby sjukhus) till Lisa
/// Lind (Bodens kommun). … Källa: blad sunderby-medicin-61-003 rad 4.`
///
/// The time is the call's notice time (the caller's), so both parties enter
/// the same time; the unit's own noted time is in its own column.
pub fn note(call: &Call<'_>, side: Side<'_>, kit: &Kit, names: &Names) -> String {
    let e = side.entry;
    let system = &kit.settings.system;
    let mut note = String::with_capacity(400);
    let (done, towards) = match e.direction {
        Direction::Outgoing => ("Rapporterat", " till "),
        Direction::Incoming => ("Mottaget", " från "),
    };
    note.push_str(done);
    note.push_str(" per telefon under driftstopp i ");
    note.push_str(&system.name);
    note.push(' ');
    note.push_str(&wording::clock_in_text(call.notice_at()));
    note.push_str(" av ");
    note.push_str(&e.signature);
    note.push_str(" (");
    note.push_str(names.unit(&e.unit));
    note.push(')');
    note.push_str(towards);
    // Who was spoken to: as this row names them, else who signed the other
    // party's row of the same call; the unit alone when neither says.
    let other_row = call.sides().find(|s| s.index != side.index);
    let person = Some(e.counterpart_person.as_str())
        .filter(|p| !p.is_empty())
        .or_else(|| other_row.map(|o| o.entry.signature.as_str()))
        .filter(|p| !p.is_empty());
    match person {
        Some(person) => {
            note.push_str(person);
            note.push_str(" (");
            note.push_str(names.unit(&e.counterpart));
            note.push(')');
        }
        None => note.push_str(names.unit(&e.counterpart)),
    }
    note.push('.');
    // The facts said on the call, each as this unit noted it or, when it
    // did not (the receiver need not), as the other party did.
    if let Some(facts) = facts(e, other_row.map(|s| s.entry), kit) {
        note.push(' ');
        note.push_str(&facts);
    }
    // The row's own summary of the handover, as the routine asks.
    if !e.note.is_empty() {
        note.push_str(" Noterat: ");
        note.push_str(e.note.trim_end_matches('.'));
        note.push('.');
    }
    note.push_str(" Datum i ");
    note.push_str(&system.short_name);
    note.push_str(" avviker från rapporterat datum på grund av driftstörningen. Källa: blad ");
    let _ = write!(note, "{} rad {}.", e.source.sheet, e.source.row);
    note
}

/// The event's extra facts (from kit.yaml's `facts`) as sentences, when
/// either row has any.
fn facts(own: &Entry, other: Option<&Entry>, kit: &Kit) -> Option<String> {
    let event = kit.settings.event(own.event)?;
    let date = own
        .fact_date
        .or_else(|| other.and_then(|o| o.fact_date))
        .map(|d| match d {
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
    let who = own
        .physician_or_contact
        .as_deref()
        .or_else(|| other.and_then(|o| o.physician_or_contact.as_deref()));
    let mut parts = Vec::new();
    for fact in &event.facts {
        match (fact, &date, who) {
            (Fact::EstimatedDischargeDate, Some(date), _) => {
                parts.push(format!("Beräknat utskrivningsdatum {date}."));
            }
            (Fact::SipDate, Some(date), _) => parts.push(format!("SIP-möte {date}.")),
            (Fact::Physician, _, Some(who)) => parts.push(format!("Bedömt av läkare {who}.")),
            (Fact::CareContact, _, Some(who)) => parts.push(format!("Fast vårdkontakt {who}.")),
            _ => {}
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn checks(call: &Call<'_>, side: Side<'_>) -> Vec<String> {
    let mut checks = Vec::new();
    match call.status {
        Status::Matched => {}
        Status::TimeConflict => checks.push(format!(
            "tidskonflikt mellan parterna ({}): kontrollera tiden före registrering",
            wording::minutes(call.minutes_apart().unwrap_or_default().abs())
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
        let kit = kit();
        let names = Names::new(&kit.directory, &kit.settings);
        let text = note(&calls[0], calls[0].notice_side(), &kit, &names);
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
        let cases = crate::reconcile::cases::build(&calls);
        let kit = kit();
        let lists = build(&calls, &cases, &[], &kit);
        assert_eq!(lists.len(), 2);
        assert_eq!(lists[0].unit, "boden");
        let item = &lists[0].items[0];
        assert!(item.received);
        let call = &calls[item.call];
        let side = call
            .sides()
            .find(|s| s.index == item.entry)
            .expect("the item is a side of its call");
        let text = note(call, side, &kit, &Names::new(&kit.directory, &kit.settings));
        assert!(
            text.starts_with(
                "Mottaget per telefon under driftstopp i Lifecare SP 2025-03-03 kl. 10:15 av"
            ),
            "{text}"
        );
        assert!(text.ends_with("Källa: blad boden-001 rad 2."));
    }

    #[test]
    fn a_municipality_checks_the_notices_it_received_with_their_payment_consequence() {
        use crate::transcript::entry::Transcript;
        // Boden sent no sheets. The ward told it of utskrivningsklar on
        // Monday 2025-03-03 at 10:15, but of no
        // admission, so no responsibility; and, for another patient, of an
        // admission only.
        let entries = vec![
            ward_to_boden(3, 4, "2025-03-03 10:15").event(3).build(),
            ward_to_boden(3, 5, "2025-03-03 10:30")
                .event(1)
                .patient("201701012393")
                .build(),
            ward_to_boden(3, 6, "2025-03-03 10:45")
                .event(3)
                .unreached()
                .build(),
        ];
        let transcript = Transcript {
            lines_read: entries.len(),
            entries,
            ..Transcript::default()
        };
        let rec = crate::reconcile::reconcile(&transcript, &kit(), jiff::civil::date(2025, 3, 10));
        let boden = rec
            .worklists
            .iter()
            .find(|w| w.unit == "boden")
            .expect("Boden has notices to check");
        assert!(boden.items.is_empty());
        let consequences: Vec<&str> = boden
            .to_check
            .iter()
            .map(|n| n.consequence.as_str())
            .collect();
        // The unanswered call told Boden nothing and is not listed.
        assert_eq!(
            consequences,
            vec![
                "inget betalningsansvar: inget inskrivningsmeddelande nådde kommunen",
                "inskrivningsmeddelandet är villkor för betalningsansvar; inget utskrivningsklar-meddelande ännu",
            ]
        );
    }

    #[test]
    fn unreached_calls_are_not_listed() {
        let entries = [ward_to_boden(3, 4, "2025-03-03 10:15").unreached().build()];
        let calls = match_calls(&entries, &[0], 10);
        let cases = crate::reconcile::cases::build(&calls);
        assert!(build(&calls, &cases, &[], &kit()).is_empty());
    }
}
