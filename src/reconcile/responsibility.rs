//! Payment responsibility (betalningsansvar) per patient and municipality,
//! from the reconciled calls (Lag (2017:612) 5 kap.).
//!
//! This module decides which call is the valid utskrivningsklar notice and
//! whether the conditions that can be read from the call logs hold: the
//! municipality was reached about the admission and about utskrivningsklar,
//! not withdrawn by a changed utskrivningsklar. Events are read by their
//! meaning in kit.yaml, never by code. The arithmetic (start
//! date, counted days, amount) is [`crate::payment::PaymentRule`]'s. The
//! other conditions of 5:3 and 5:5 (SIP invitation, the region's outpatient
//! support) cannot be seen in the logs; the summary says so.

use super::cases::Cases;
use super::matching::{Call, Status};
use super::wording;
use crate::model::{EventMeaning, Kit, PaymentSettings, UnitKind};
use crate::payment::{Amount, PaymentRule, Rate};
use jiff::civil::{Date, DateTime};

/// What happened to the responsibility of one municipality for one patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsibility {
    /// Index into the cases.
    pub case: usize,
    /// Directory id of the municipality.
    pub municipality: String,
    pub applies: bool,
    /// Why it applies or not, in Swedish (no patient data).
    pub reason: String,
    /// The valid utskrivningsklar call (index into the calls).
    pub notice_call: Option<usize>,
    /// Its local (Europe/Stockholm) date and time.
    pub notice_local: Option<DateTime>,
    pub start: Option<Date>,
    /// The discharge call's date, or the as-of date.
    pub end: Option<Date>,
    /// No discharge call: counted up to the as-of date.
    pub still_admitted: bool,
    /// The discharge call used (index into the calls).
    pub discharge_call: Option<usize>,
    pub days: u32,
    pub amount: Option<Amount>,
    /// Things a coordinator should know about the figures.
    pub notes: Vec<String>,
}

/// The payment rule the kit's settings describe.
pub fn rule(settings: &PaymentSettings) -> PaymentRule {
    PaymentRule {
        grace_days: settings.grace_days,
        cutoff: settings.cutoff,
        cutoff_inclusive: settings.cutoff_inclusive,
        count_discharge_day: settings.count_discharge_day,
        rates: settings
            .rates
            .iter()
            .map(|r| Rate {
                year: r.year,
                amount_sek: r.amount_sek,
                source: r.source.clone(),
            })
            .collect(),
    }
}

/// Assesses every (case, municipality) pair in which the municipality took
/// part in a call, in case order, municipalities by id.
pub fn assess(
    calls: &[Call<'_>],
    cases: &Cases<'_>,
    kit: &Kit,
    as_of: Date,
) -> Vec<Responsibility> {
    let rule = rule(&kit.settings.payment);
    let is_kind = |id: &str, kind: UnitKind| kit.directory.unit(id).is_some_and(|u| u.kind == kind);
    let mut out = Vec::new();
    for (case_index, case) in cases.list.iter().enumerate() {
        let mut municipalities: Vec<&str> = case
            .calls
            .iter()
            .flat_map(|&c| [calls[c].caller(), calls[c].receiver()])
            .filter(|id| is_kind(id, UnitKind::Municipality))
            .collect();
        municipalities.sort_unstable();
        municipalities.dedup();
        for municipality in municipalities {
            // Notices from a ward to this municipality, in time order.
            let notices: Vec<usize> = case
                .calls
                .iter()
                .copied()
                .filter(|&c| {
                    calls[c].receiver() == municipality
                        && is_kind(calls[c].caller(), UnitKind::Ward)
                })
                .collect();
            out.push(assess_one(
                calls,
                &case.calls,
                &notices,
                case_index,
                municipality,
                &rule,
                kit,
                as_of,
            ));
        }
    }
    out
}

/// The valid utskrivningsklar notice among reached notices (time order), or
/// why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ready {
    Valid { call: usize, restarted: bool },
    None,
    Withdrawn,
}

/// Walks the reached ready and ready-changed events: a change withdraws the
/// ready notice; a new ready after it restarts the clock when
/// `latest_restarts`, else the first ready counts again. A repeated ready
/// without a change between does not move the clock.
pub fn valid_ready(events: &[(usize, EventMeaning)], latest_restarts: bool) -> Ready {
    let mut first: Option<usize> = None;
    let mut current: Option<usize> = None;
    let mut withdrawn = false;
    let mut restarted = false;
    for &(call, event) in events {
        match event {
            EventMeaning::Ready if current.is_none() => {
                let chosen = match first {
                    Some(first) if !latest_restarts => first,
                    Some(_) => {
                        restarted = true;
                        call
                    }
                    None => call,
                };
                first.get_or_insert(call);
                current = Some(chosen);
                withdrawn = false;
            }
            EventMeaning::ReadyChanged if current.is_some() => {
                current = None;
                withdrawn = true;
            }
            _ => {}
        }
    }
    match current {
        Some(call) => Ready::Valid { call, restarted },
        None if withdrawn => Ready::Withdrawn,
        None => Ready::None,
    }
}

/// The code of the changed-utskrivningsklar event, as the texts name it
/// ("återkallad (4)"); the loader makes sure there is one.
pub fn changed_code(kit: &Kit) -> String {
    kit.settings
        .code_of(EventMeaning::ReadyChanged)
        .map(|c| c.to_string())
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn assess_one(
    calls: &[Call<'_>],
    timeline: &[usize],
    notices: &[usize],
    case: usize,
    municipality: &str,
    rule: &PaymentRule,
    kit: &Kit,
    as_of: Date,
) -> Responsibility {
    let mut r = Responsibility {
        case,
        municipality: municipality.to_owned(),
        applies: false,
        reason: String::new(),
        notice_call: None,
        notice_local: None,
        start: None,
        end: None,
        still_admitted: false,
        discharge_call: None,
        days: 0,
        amount: None,
        notes: Vec::new(),
    };
    let events = &kit.settings;
    let meaning = |c: usize| events.meaning(calls[c].event());
    let reached = |m: EventMeaning| {
        notices
            .iter()
            .any(|&c| meaning(c) == Some(m) && calls[c].reached())
    };
    // Why no reached notice: none at all, only unanswered calls, or calls
    // the two sides disagree about.
    let missing = |m: EventMeaning, text: &str| {
        let of_event = || notices.iter().filter(|&&c| meaning(c) == Some(m));
        if of_event().any(|&c| calls[c].reached_disputed()) {
            format!("{text} (parterna oense om nådd)")
        } else if of_event().any(|&c| !calls[c].reached()) {
            format!("{text} (samtal utan svar)")
        } else {
            text.to_owned()
        }
    };
    let mut why_not = Vec::new();
    if !reached(EventMeaning::Admission) {
        why_not.push(missing(
            EventMeaning::Admission,
            "inget inskrivningsmeddelande nådde kommunen",
        ));
    }
    let ready_events: Vec<(usize, EventMeaning)> = notices
        .iter()
        .filter(|&&c| calls[c].reached())
        .filter_map(|&c| match meaning(c) {
            Some(m @ (EventMeaning::Ready | EventMeaning::ReadyChanged)) => Some((c, m)),
            _ => None,
        })
        .collect();
    let ready = valid_ready(&ready_events, kit.settings.payment.latest_ready_restarts);
    let changed = changed_code(kit);
    match ready {
        Ready::None => why_not.push(missing(
            EventMeaning::Ready,
            "inget utskrivningsklar-meddelande",
        )),
        Ready::Withdrawn => why_not.push(format!(
            "utskrivningsklar återkallad ({changed}) utan nytt utskrivningsklar"
        )),
        Ready::Valid { .. } => {}
    }
    let Ready::Valid { call, restarted } = ready else {
        r.reason = why_not.join("; ");
        return r;
    };
    if !why_not.is_empty() {
        r.reason = why_not.join("; ");
        return r;
    }
    let notice = &calls[call];
    let local = wording::local(notice.notice_at()).datetime();
    let start = rule.start_date(local);
    r.notice_call = Some(call);
    r.notice_local = Some(local);
    r.start = Some(start);
    if restarted {
        r.notes.push(format!(
            "nytt utskrivningsklar efter ändring ({changed}): räknas från det senaste samtalet"
        ));
    } else if ready_events
        .iter()
        .any(|&(_, e)| e == EventMeaning::ReadyChanged)
    {
        r.notes.push(if kit.settings.payment.latest_ready_restarts {
            format!("ändrad utskrivningsklar ({changed}) före det giltiga samtalet")
        } else {
            format!(
                "nytt utskrivningsklar efter ändring ({changed}): det första samtalet räknas enligt inställningarna"
            )
        });
    }
    if notice.time_from_receiver() {
        r.notes
            .push("tiden är mottagarens: uppringaren har ingen rad om samtalet".into());
    }
    if notice.status == Status::TimeConflict {
        r.notes.push(format!(
            "tidskonflikt ({}): uppringarens tid används tills någon bestämt annat",
            notice.id
        ));
    }
    // The discharge: the first event 5 at or after the notice, to this
    // municipality if there is one, otherwise to any party.
    let after_notice = |c: &usize| {
        meaning(*c) == Some(EventMeaning::Discharge)
            && calls[*c].notice_at().timestamp() >= notice.notice_at().timestamp()
    };
    let discharge = timeline
        .iter()
        .copied()
        .filter(after_notice)
        .find(|&c| calls[c].receiver() == municipality)
        .or_else(|| timeline.iter().copied().find(after_notice));
    let end = match discharge {
        Some(d) => {
            if calls[d].receiver() != municipality {
                r.notes.push(format!(
                    "utskrivningen är hämtad från samtalet till {} ({})",
                    wording::unit_name(&kit.directory, calls[d].receiver()),
                    calls[d].id
                ));
            }
            r.discharge_call = Some(d);
            wording::local(calls[d].notice_at()).date()
        }
        None => {
            r.still_admitted = true;
            as_of
        }
    };
    r.end = Some(end);
    let days = rule.counted_days(start, end);
    r.days = u32::try_from(days.len()).unwrap_or(u32::MAX);
    let amount = rule.amount(&days);
    for year in &amount.years_without_rate {
        r.notes.push(format!("belopp saknas för {year}"));
    }
    r.amount = Some(amount);
    r.applies = true;
    r.reason = if r.still_admitted {
        format!("betalningsansvar; fortfarande inskriven per {as_of}")
    } else {
        "betalningsansvar; utskriven".to_owned()
    };
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const READY: EventMeaning = EventMeaning::Ready;
    const READY_CHANGED: EventMeaning = EventMeaning::ReadyChanged;

    #[test]
    fn first_ready_notice_counts() {
        assert_eq!(
            valid_ready(&[(1, READY), (2, READY)], true),
            Ready::Valid {
                call: 1,
                restarted: false
            }
        );
    }

    #[test]
    fn change_withdraws_ready() {
        assert_eq!(
            valid_ready(&[(1, READY), (2, READY_CHANGED)], true),
            Ready::Withdrawn
        );
    }

    #[test]
    fn renewed_ready_restarts_the_clock_when_configured() {
        let events = [(1, READY), (2, READY_CHANGED), (3, READY)];
        assert_eq!(
            valid_ready(&events, true),
            Ready::Valid {
                call: 3,
                restarted: true
            }
        );
        assert_eq!(
            valid_ready(&events, false),
            Ready::Valid {
                call: 1,
                restarted: false
            }
        );
    }

    #[test]
    fn change_before_any_ready_is_ignored() {
        assert_eq!(
            valid_ready(&[(1, READY_CHANGED), (2, READY)], true),
            Ready::Valid {
                call: 2,
                restarted: false
            }
        );
        assert_eq!(valid_ready(&[], true), Ready::None);
    }
}
