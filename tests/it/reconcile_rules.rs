//! Every reconciliation rule through the whole pipeline: transcription
//! entries in, records out. Rates are made up (2024: 1 000 kr, 2025:
//! 2 000 kr, no rate for 2026), so the sums can be checked by eye.

use crate::reconcile_support::{Logbook, day, kit};
use jiff::civil::{Date, Weekday};
use reservkit::model::Kit;
use reservkit::reconcile::ledger::Category;
use reservkit::reconcile::matching::Status;
use reservkit::reconcile::responsibility::Responsibility;
use reservkit::reconcile::{Reconciliation, reconcile};
use reservkit::transcript::entry::{Direction, Transcript};

const WARD: &str = "sunderby-medicin-61";
const BODEN: &str = "boden";

/// Admission, utskrivningsklar and (optionally) discharge, both sides each,
/// the receiver noting the same minute.
fn stay(book: &mut Logbook, patient: usize, admitted: &str, ready: &str, discharged: Option<&str>) {
    book.call(WARD, BODEN, admitted, admitted, 1, patient);
    book.call(WARD, BODEN, ready, ready, 3, patient);
    if let Some(out) = discharged {
        book.call(WARD, BODEN, out, out, 5, patient);
    }
}

fn run<'t>(transcript: &'t Transcript, kit: &Kit, as_of: &str) -> Reconciliation<'t> {
    let rec = reconcile(transcript, kit, day(as_of));
    assert_eq!(rec.ledger.check(), Ok(()), "every line accounted for");
    rec
}

fn only_responsibility<'r>(rec: &'r Reconciliation<'_>) -> &'r Responsibility {
    assert_eq!(
        rec.responsibilities.len(),
        1,
        "one patient, one municipality"
    );
    &rec.responsibilities[0]
}

fn amount(r: &Responsibility) -> u64 {
    r.amount.as_ref().expect("an amount").total_sek
}

fn start_for_ready_call(ready: &str, discharged: &str) -> (Date, u32, u64) {
    let kit = kit();
    let mut book = Logbook::new();
    stay(&mut book, 0, "2024-01-02 09:00", ready, Some(discharged));
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2026-01-01");
    let r = only_responsibility(&rec);
    assert!(r.applies, "{}", r.reason);
    (r.start.expect("start"), r.days, amount(r))
}

#[test]
fn worked_example_monday_morning_starts_thursday() {
    let (start, days, sum) = start_for_ready_call("2025-03-03 10:15", "2025-03-10 09:00");
    assert_eq!(start, day("2025-03-06"));
    assert_eq!(start.weekday(), Weekday::Thursday);
    // 6, 7, 8, 9 March; the discharge day is not counted.
    assert_eq!((days, sum), (4, 8_000));
}

#[test]
fn worked_example_monday_afternoon_starts_friday() {
    let (start, days, sum) = start_for_ready_call("2025-03-03 13:40", "2025-03-10 09:00");
    assert_eq!(start, day("2025-03-07"));
    assert_eq!(start.weekday(), Weekday::Friday);
    assert_eq!((days, sum), (3, 6_000));
}

#[test]
fn worked_example_friday_starts_monday_weekend_counts() {
    let (start, days, sum) = start_for_ready_call("2025-12-19 11:00", "2025-12-29 10:00");
    assert_eq!(start, day("2025-12-22"));
    assert_eq!(start.weekday(), Weekday::Monday);
    assert_eq!((days, sum), (7, 14_000));
}

#[test]
fn worked_example_leap_day() {
    let (start, days, sum) = start_for_ready_call("2024-02-26 09:00", "2024-03-04 08:00");
    assert_eq!(start, day("2024-02-29"));
    // 29 February, 1, 2 and 3 March at the 2024 rate.
    assert_eq!((days, sum), (4, 4_000));
}

#[test]
fn noon_exactly_is_not_after_noon_but_a_minute_later_is() {
    let (at_noon, _, _) = start_for_ready_call("2025-03-03 12:00", "2025-03-20 09:00");
    assert_eq!(at_noon, day("2025-03-06"));
    let (after, _, _) = start_for_ready_call("2025-03-03 12:01", "2025-03-20 09:00");
    assert_eq!(after, day("2025-03-07"));
}

#[test]
fn noon_exactly_counts_as_after_when_configured() {
    let mut kit = kit();
    kit.settings.payment.cutoff_inclusive = true;
    let mut book = Logbook::new();
    stay(&mut book, 0, "2025-03-01 09:00", "2025-03-03 12:00", None);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-03-20");
    assert_eq!(only_responsibility(&rec).start, Some(day("2025-03-07")));
}

#[test]
fn the_callers_time_counts_even_when_the_receiver_noted_after_noon() {
    let kit = kit();
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    book.call(WARD, BODEN, "2025-03-03 11:58", "2025-03-03 12:03", 3, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-03-20");
    let r = only_responsibility(&rec);
    assert_eq!(r.start, Some(day("2025-03-06")));
    assert_eq!(rec.calls[1].status, Status::Matched);
}

#[test]
fn only_the_receiver_logged_it_so_the_receivers_time_is_used_and_flagged() {
    let kit = kit();
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    book.log(BODEN, Direction::Incoming, WARD, "2025-03-03 12:03", 3, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-03-20");
    let r = only_responsibility(&rec);
    assert!(r.applies);
    assert_eq!(r.start, Some(day("2025-03-07")));
    assert!(
        r.notes.iter().any(|n| n.contains("tiden är mottagarens")),
        "{:?}",
        r.notes
    );
    assert_eq!(rec.calls[1].status, Status::OneSided);
    assert!(rec.calls[1].time_from_receiver());
}

#[test]
fn call_just_before_midnight_matches_a_receiver_note_just_after() {
    let kit = kit();
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    book.call(WARD, BODEN, "2025-03-02 23:58", "2025-03-03 00:03", 3, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-03-20");
    assert_eq!(rec.calls[1].status, Status::Matched);
    assert_eq!(rec.calls[1].minutes_apart(), Some(5));
    // Sunday 23:58 is after noon: the call's own date + 4.
    assert_eq!(only_responsibility(&rec).start, Some(day("2025-03-06")));
}

#[test]
fn ready_at_23_phoned_at_7_counts_from_the_call() {
    let kit = kit();
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    // Judged ready Monday 23:00; municipalities answer from 07:00.
    book.call(WARD, BODEN, "2025-03-04 07:00", "2025-03-04 07:01", 3, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-03-20");
    assert_eq!(only_responsibility(&rec).start, Some(day("2025-03-07")));
}

#[test]
fn spring_change_matches_on_real_minutes_and_counts_local_dates() {
    let kit = kit();
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-28 09:00", "2025-03-28 09:00", 1, 0);
    // 01:55 normal time and 03:05 summer time: ten real minutes apart.
    book.call(WARD, BODEN, "2025-03-30 01:55", "2025-03-30 03:05", 3, 0);
    book.call(WARD, BODEN, "2025-04-07 10:00", "2025-04-07 10:00", 5, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-04-30");
    assert_eq!(rec.calls[1].status, Status::Matched);
    assert_eq!(rec.calls[1].minutes_apart(), Some(10));
    let r = only_responsibility(&rec);
    assert_eq!(r.start, Some(day("2025-04-02")));
    // 2–6 April.
    assert_eq!((r.days, amount(r)), (5, 10_000));
}

#[test]
fn autumn_change_tells_the_two_half_past_twos_apart() {
    let kit = kit();
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-10-20 09:00", "2025-10-20 09:00", 1, 0);
    // 02:55 summer time, then 02:05 normal time: ten real minutes later.
    book.call(
        WARD,
        BODEN,
        "2025-10-26 02:55+02:00",
        "2025-10-26 02:05+01:00",
        3,
        0,
    );
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-10-31");
    assert_eq!(rec.calls[1].status, Status::Matched);
    assert_eq!(rec.calls[1].minutes_apart(), Some(10));
    let r = only_responsibility(&rec);
    assert_eq!(r.start, Some(day("2025-10-29")));
    // Still admitted: 29 and 30 October up to the as-of date 31 October.
    assert!(r.still_admitted);
    assert_eq!(r.days, 2);

    // The same clock reading an hour apart is not the same call.
    let mut book = Logbook::new();
    book.call(
        WARD,
        BODEN,
        "2025-10-26 02:30+02:00",
        "2025-10-26 02:30+01:00",
        3,
        0,
    );
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-10-31");
    assert_eq!(rec.calls[0].status, Status::TimeConflict);
    assert_eq!(rec.calls[0].minutes_apart(), Some(60));
}

#[test]
fn withdrawn_then_renewed_ready_restarts_the_clock() {
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    book.call(WARD, BODEN, "2025-03-03 10:00", "2025-03-03 10:00", 3, 0);
    book.call(WARD, BODEN, "2025-03-04 09:00", "2025-03-04 09:02", 4, 0);
    book.call(WARD, BODEN, "2025-03-05 14:00", "2025-03-05 14:01", 3, 0);
    book.call(WARD, BODEN, "2025-03-12 10:00", "2025-03-12 10:00", 5, 0);
    let transcript = book.transcript();

    let rec = run(&transcript, &kit(), "2025-03-31");
    let r = only_responsibility(&rec);
    // The renewed call Wednesday 14:00 (after noon) counts: Sunday 9 March.
    assert_eq!(r.start, Some(day("2025-03-09")));
    assert_eq!(
        r.notice_call.map(|c| rec.calls[c].id.as_str()),
        Some("S00004")
    );
    assert_eq!((r.days, amount(r)), (3, 6_000));

    let mut first_counts = kit();
    first_counts.settings.payment.latest_ready_restarts = false;
    let rec = run(&transcript, &first_counts, "2025-03-31");
    let r = only_responsibility(&rec);
    assert_eq!(r.start, Some(day("2025-03-06")));
    assert_eq!(r.days, 6);
}

#[test]
fn withdrawn_ready_without_a_new_one_is_no_responsibility() {
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    book.call(WARD, BODEN, "2025-03-03 10:00", "2025-03-03 10:00", 3, 0);
    book.call(WARD, BODEN, "2025-03-04 09:00", "2025-03-04 09:02", 4, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    let r = only_responsibility(&rec);
    assert!(!r.applies);
    assert_eq!(
        r.reason,
        "utskrivningsklar återkallad (4) utan nytt utskrivningsklar"
    );
    assert_eq!(r.start, None);
}

#[test]
fn an_unanswered_call_is_no_notice() {
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    let unanswered = book.log(WARD, Direction::Outgoing, BODEN, "2025-03-03 10:00", 3, 0);
    book.entries[unanswered].reached = false;
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    let r = only_responsibility(&rec);
    assert!(!r.applies);
    assert_eq!(
        r.reason,
        "inget utskrivningsklar-meddelande (samtal utan svar)"
    );
    // It is not on the worklist (nothing was reported) and not a
    // discrepancy (an unanswered call leaves no row at the other end).
    assert!(
        rec.worklists
            .iter()
            .flat_map(|w| &w.items)
            .all(|i| i.entry != unanswered)
    );
    assert!(rec.discrepancies.is_empty(), "{:?}", rec.discrepancies);

    // Called again and reached in the afternoon: that call counts.
    let mut book2 = Logbook::new();
    book2.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    let first = book2.log(WARD, Direction::Outgoing, BODEN, "2025-03-03 10:00", 3, 0);
    book2.entries[first].reached = false;
    book2.call(WARD, BODEN, "2025-03-03 13:00", "2025-03-03 13:00", 3, 0);
    let transcript = book2.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    assert_eq!(only_responsibility(&rec).start, Some(day("2025-03-07")));
}

#[test]
fn no_admission_notice_means_no_responsibility() {
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-03 10:00", "2025-03-03 10:00", 3, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    let r = only_responsibility(&rec);
    assert!(!r.applies);
    assert_eq!(r.reason, "inget inskrivningsmeddelande nådde kommunen");

    // An admission phoned to the hälsocentral does not notify the municipality.
    let mut book = Logbook::new();
    book.call(
        WARD,
        "hc-bergnaset",
        "2025-03-01 09:00",
        "2025-03-01 09:00",
        1,
        0,
    );
    book.call(WARD, BODEN, "2025-03-03 10:00", "2025-03-03 10:00", 3, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    let r = only_responsibility(&rec);
    assert_eq!(r.municipality, BODEN);
    assert!(!r.applies);
}

#[test]
fn no_ready_notice_is_said_plainly() {
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    assert_eq!(
        only_responsibility(&rec).reason,
        "inget utskrivningsklar-meddelande"
    );
}

#[test]
fn a_year_without_a_rate_is_said_plainly() {
    let mut book = Logbook::new();
    stay(
        &mut book,
        0,
        "2025-12-20 09:00",
        "2025-12-27 10:00",
        Some("2026-01-03 10:00"),
    );
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2026-01-31");
    let r = only_responsibility(&rec);
    assert!(r.applies);
    assert_eq!(r.start, Some(day("2025-12-30")));
    // 30, 31 December (2025 rate) and 1, 2 January (no rate for 2026).
    assert_eq!(r.days, 4);
    let a = r.amount.as_ref().expect("amount");
    assert_eq!(a.years_without_rate, vec![2026]);
    assert_eq!(a.total_sek, 4_000);
    assert!(!a.is_complete());
    assert!(r.notes.contains(&"belopp saknas för 2026".to_owned()));
}

#[test]
fn a_patient_still_admitted_is_counted_to_the_as_of_date() {
    let mut book = Logbook::new();
    stay(&mut book, 0, "2025-03-01 09:00", "2025-03-03 10:15", None);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-12");
    let r = only_responsibility(&rec);
    assert!(r.still_admitted);
    assert_eq!(
        r.reason,
        "betalningsansvar; fortfarande inskriven per 2025-03-12"
    );
    assert_eq!(r.end, Some(day("2025-03-12")));
    // 6–11 March.
    assert_eq!((r.days, amount(r)), (6, 12_000));

    // Before the start date nothing is counted yet.
    let rec = run(&transcript, &kit(), "2025-03-05");
    let r = only_responsibility(&rec);
    assert!(r.applies);
    assert_eq!((r.days, amount(r)), (0, 0));
}

#[test]
fn discharge_day_counts_when_configured() {
    let mut kit = kit();
    kit.settings.payment.count_discharge_day = true;
    let mut book = Logbook::new();
    stay(
        &mut book,
        0,
        "2025-03-01 09:00",
        "2025-03-03 10:15",
        Some("2025-03-10 09:00"),
    );
    let transcript = book.transcript();
    let rec = run(&transcript, &kit, "2025-03-31");
    assert_eq!(only_responsibility(&rec).days, 5);
}

#[test]
fn tolerance_is_inclusive() {
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-03 10:00", "2025-03-03 10:10", 1, 0);
    book.call(WARD, BODEN, "2025-03-03 11:00", "2025-03-03 11:11", 2, 0);
    book.call(WARD, BODEN, "2025-03-03 12:00", "2025-03-03 11:49", 8, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    let statuses: Vec<_> = rec.calls.iter().map(|c| (c.event(), c.status)).collect();
    assert_eq!(
        statuses,
        vec![
            (1, Status::Matched),
            (2, Status::TimeConflict),
            (8, Status::TimeConflict)
        ]
    );
    let mut wider = kit();
    wider.settings.match_tolerance_minutes = 11;
    let rec = run(&transcript, &wider, "2025-03-31");
    assert!(rec.calls.iter().all(|c| c.status == Status::Matched));
}

#[test]
fn reached_disagreement_is_flagged_and_is_no_notice() {
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    let (_, inc) = book.call(WARD, BODEN, "2025-03-03 10:00", "2025-03-03 10:01", 3, 0);
    book.entries[inc].reached = false;
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    assert!(rec.calls[1].reached_disputed());
    assert!(!only_responsibility(&rec).applies);
    assert!(
        rec.discrepancies
            .iter()
            .any(|d| d.kind.label() == "oenighet om nådd")
    );
}

#[test]
fn duplicates_and_corrections_are_counted_once() {
    let mut book = Logbook::new();
    let (out, _) = book.call(WARD, BODEN, "2025-03-03 10:00", "2025-03-03 10:00", 1, 0);
    // The same row typed in again by someone else: a duplicate.
    book.again(out, "omgång-2.csv", |_| {});
    // The receiver's ready row had the wrong minute; corrected twice.
    let (_, inc) = book.call(WARD, BODEN, "2025-03-04 10:00", "2025-03-04 11:30", 3, 0);
    book.correct(inc, |e| {
        e.at = crate::reconcile_support::at("2025-03-04 10:35")
    });
    let last = book.correct(inc, |e| {
        e.at = crate::reconcile_support::at("2025-03-04 10:05")
    });
    // A struck-out row.
    let gone = book.log(WARD, Direction::Outgoing, BODEN, "2025-03-05 09:00", 8, 0);
    book.void(gone);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");

    let count = |c| rec.ledger.count(c);
    assert_eq!(count(Category::Matched), 4);
    assert_eq!(count(Category::Duplicate), 1);
    assert_eq!(count(Category::Superseded), 2);
    assert_eq!(count(Category::Voided), 2);
    assert_eq!(rec.ledger.total(), transcript.lines_read);
    assert_eq!(rec.calls.len(), 2);
    assert_eq!(rec.calls[1].incoming.map(|s| s.index), Some(last));
    assert_eq!(rec.calls[1].status, Status::Matched);
}

#[test]
fn a_row_transcribed_twice_differently_waits_for_a_human() {
    let mut book = Logbook::new();
    let (out, _) = book.call(WARD, BODEN, "2025-03-03 10:00", "2025-03-03 10:00", 1, 0);
    book.again(out, "omgång-2.csv", |e| {
        e.at = crate::reconcile_support::at("2025-03-03 16:00")
    });
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    assert_eq!(rec.ledger.count(Category::Discrepancy), 2);
    // Neither is used: the receiver's side stands alone.
    assert_eq!(rec.calls.len(), 1);
    assert_eq!(rec.calls[0].status, Status::OneSided);
    assert!(
        rec.discrepancies
            .iter()
            .any(|d| d.kind.label() == "transkriberad två gånger med olika innehåll")
    );
}

#[test]
fn a_one_sided_call_says_which_side_is_missing() {
    let mut book = Logbook::new();
    book.call(WARD, BODEN, "2025-03-01 09:00", "2025-03-01 09:00", 1, 0);
    book.log(WARD, Direction::Outgoing, BODEN, "2025-03-03 10:00", 3, 0);
    book.log(WARD, Direction::Outgoing, "lulea", "2025-03-03 10:05", 3, 0);
    let transcript = book.transcript();
    let rec = run(&transcript, &kit(), "2025-03-31");
    let described: Vec<&str> = rec
        .discrepancies
        .iter()
        .filter(|d| d.kind.label() == "ensidig")
        .map(|d| d.description.as_str())
        .collect();
    assert_eq!(
        described,
        vec![
            "Utskrivningsklar 2025-03-03 10:00: ingen rad hos mottagaren (Bodens kommun)",
            "Utskrivningsklar 2025-03-03 10:05: ingen rad hos mottagaren (Luleå kommun); inga blad inlämnade från den enheten",
        ]
    );
}
