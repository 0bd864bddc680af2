//! A simulated outage, 3–12 March 2025: three wards, one hälsocentral and
//! three municipalities log their calls on paper, the logs are transcribed
//! (with the usual mistakes) and reconciled into a folder. The test checks
//! the records themselves: statuses, start dates, days, amounts, worklist
//! notes, every kind of discrepancy, the accounting, file permissions, that
//! no patient data leaks into names or the summary, and that the output is
//! byte-identical on a second run.

use crate::reconcile_support::{Logbook, NAMES, PINS, at, day, kit};
use reservkit::cli::reconcile as cli;
use reservkit::model::Kit;
use reservkit::reconcile::discrepancies::Kind;
use reservkit::reconcile::ledger::Category;
use reservkit::reconcile::matching::Status;
use reservkit::reconcile::{Reconciliation, reconcile};
use reservkit::transcript::entry::{Direction, FactDate, Transcript};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const MED61: &str = "sunderby-medicin-61";
const GER66: &str = "sunderby-geriatrik-66";
const PIT2: &str = "pitea-medicin-2";
const HC: &str = "hc-bergnaset";
const LULEA: &str = "lulea";
const BODEN: &str = "boden";
const PITEA: &str = "pitea";
const AS_OF: &str = "2025-03-12";

fn outage() -> Transcript {
    let mut b = Logbook::new();
    // Astrid (0): Medicinavdelning 61 → Luleå, the routine followed to the letter.
    b.call(MED61, LULEA, "2025-03-03 08:30", "2025-03-03 08:31", 1, 0);
    let adm = b.entries.len() - 2;
    b.set_fact(adm, FactDate::Date(day("2025-03-10")));
    b.call(MED61, HC, "2025-03-03 08:40", "2025-03-03 08:40", 1, 0);
    b.call(MED61, LULEA, "2025-03-03 10:15", "2025-03-03 10:17", 3, 0);
    b.call(MED61, HC, "2025-03-03 10:20", "2025-03-03 10:20", 3, 0);
    let (sip, _) = b.call(HC, LULEA, "2025-03-03 14:00", "2025-03-03 14:02", 6, 0);
    b.entries[sip].physician_or_contact = Some("Doris Dahl".into());
    b.set_fact(sip, FactDate::DateTime(day("2025-03-05").at(13, 0, 0, 0)));
    b.call(HC, MED61, "2025-03-03 14:10", "2025-03-03 14:10", 6, 0);
    b.call(LULEA, MED61, "2025-03-07 13:00", "2025-03-07 13:00", 7, 0);
    b.call(MED61, LULEA, "2025-03-10 09:00", "2025-03-10 09:02", 5, 0);

    // Bertil (1): Medicinavdelning 61 → Boden; Boden noted the ready call
    // 25 minutes late. Still in hospital on the as-of date.
    b.call(MED61, BODEN, "2025-03-03 09:00", "2025-03-03 09:00", 1, 1);
    b.call(MED61, BODEN, "2025-03-03 13:40", "2025-03-03 14:05", 3, 1);
    b.call(BODEN, MED61, "2025-03-11 10:00", "2025-03-11 10:00", 7, 1);

    // Cecilia (2): Geriatrik 66 → Luleå; Luleå did not log the admission;
    // ready, withdrawn, ready again, discharged.
    b.log(GER66, Direction::Outgoing, LULEA, "2025-03-03 11:00", 1, 2);
    b.call(GER66, LULEA, "2025-03-04 09:00", "2025-03-04 09:00", 3, 2);
    let (changed, _) = b.call(GER66, LULEA, "2025-03-05 10:00", "2025-03-05 10:03", 4, 2);
    b.entries[changed].physician_or_contact = Some("Olle Läkarsson".into());
    b.call(GER66, LULEA, "2025-03-06 15:00", "2025-03-06 15:00", 3, 2);
    b.call(GER66, LULEA, "2025-03-12 11:00", "2025-03-12 11:00", 5, 2);

    // Dagny (3): Geriatrik 66 → Boden on a new sheet (sheet 2 never came
    // back); the admission call went unanswered and was never repeated.
    b.new_sheet(GER66, 3);
    let unanswered = b.log(GER66, Direction::Outgoing, BODEN, "2025-03-03 11:30", 1, 3);
    b.entries[unanswered].reached = false;
    b.call(GER66, BODEN, "2025-03-05 09:30", "2025-03-05 09:30", 3, 3);

    // Einar (4): Medicinavdelning 2 → Piteå; only Piteå logged the ready call.
    b.call(PIT2, PITEA, "2025-03-03 10:00", "2025-03-03 10:00", 1, 4);
    b.log(PITEA, Direction::Incoming, PIT2, "2025-03-04 11:50", 3, 4);
    b.call(PIT2, PITEA, "2025-03-09 16:00", "2025-03-09 16:00", 5, 4);

    // Frida (5): Piteå says the ready call did not reach them.
    b.call(PIT2, PITEA, "2025-03-03 10:30", "2025-03-03 10:30", 1, 5);
    let (_, disputed) = b.call(PIT2, PITEA, "2025-03-04 09:00", "2025-03-04 09:04", 3, 5);
    b.entries[disputed].reached = false;

    // Gustav (6): Medicinavdelning 61 → Luleå; the ward's admission row was
    // typed twice with different times; its ready row was corrected.
    let (adm, _) = b.call(MED61, LULEA, "2025-03-03 12:00", "2025-03-03 12:00", 1, 6);
    b.again(adm, "sunderby-medicin-61-omgång-2.csv", |e| {
        e.at = at("2025-03-03 12:20");
    });
    let (ready, _) = b.call(MED61, LULEA, "2025-03-04 10:50", "2025-03-04 10:07", 3, 6);
    b.correct(ready, |e| e.at = at("2025-03-04 10:05"));

    // Helga (7): Piteå spelled her name differently, and Piteå's row was
    // typed in again, identically, in a second file.
    let (_, inc) = b.call(PIT2, PITEA, "2025-03-05 08:00", "2025-03-05 08:00", 1, 7);
    b.entries[inc].patient_name = "Helga Provosson".into();
    b.again(inc, "pitea-omgång-2.csv", |_| {});

    // Ivar (8): a row struck out on paper.
    let wrong = b.log(MED61, Direction::Outgoing, BODEN, "2025-03-05 12:00", 8, 8);
    b.void(wrong);

    // Lines the transcription could not use.
    b.reject(
        "boden.csv",
        Some("boden-001"),
        Some("9"),
        "personnumret har fel kontrollsiffra",
    );
    b.reject("lulea.csv", None, None, "bladnummer saknas");
    b.transcript()
}

fn scenario_kit() -> Kit {
    let mut kit = kit();
    // Two printed sheets per unit, so that Geriatrik 66's sheet 3 stands out.
    kit.settings.print.sheets_per_unit = 2;
    kit
}

fn case_of<'a>(rec: &'a Reconciliation<'_>, patient: usize) -> &'a str {
    rec.cases
        .list
        .iter()
        .find(|c| c.patient.as_str() == PINS[patient])
        .map(|c| c.number.as_str())
        .expect("patient has a case")
}

/// (event, status) of every call of a patient, in time order.
fn timeline(rec: &Reconciliation<'_>, patient: usize) -> Vec<(u8, Status, String, String)> {
    let number = case_of(rec, patient);
    let case = rec
        .cases
        .list
        .iter()
        .find(|c| c.number == number)
        .expect("case");
    case.calls
        .iter()
        .map(|&c| {
            let call = &rec.calls[c];
            (
                call.event(),
                call.status,
                call.caller().to_owned(),
                call.receiver().to_owned(),
            )
        })
        .collect()
}

fn s(text: &str) -> String {
    text.to_owned()
}

#[test]
fn scenario_calls_are_matched_and_flagged() {
    let kit = scenario_kit();
    let transcript = outage();
    let rec = reconcile(&transcript, &kit, day(AS_OF));
    use Status::*;
    assert_eq!(
        timeline(&rec, 0),
        vec![
            (1, Matched, s(MED61), s(LULEA)),
            (1, Matched, s(MED61), s(HC)),
            (3, Matched, s(MED61), s(LULEA)),
            (3, Matched, s(MED61), s(HC)),
            (6, Matched, s(HC), s(LULEA)),
            (6, Matched, s(HC), s(MED61)),
            (7, Matched, s(LULEA), s(MED61)),
            (5, Matched, s(MED61), s(LULEA)),
        ]
    );
    assert_eq!(
        timeline(&rec, 1),
        vec![
            (1, Matched, s(MED61), s(BODEN)),
            (3, TimeConflict, s(MED61), s(BODEN)),
            (7, Matched, s(BODEN), s(MED61)),
        ]
    );
    assert_eq!(timeline(&rec, 2)[0], (1, OneSided, s(GER66), s(LULEA)));
    assert_eq!(timeline(&rec, 3)[0], (1, OneSided, s(GER66), s(BODEN)));
    assert_eq!(timeline(&rec, 4)[1], (3, OneSided, s(PIT2), s(PITEA)));
    assert!(rec.calls.iter().any(|c| c.reached_disputed()));
    // Gustav: the ward's admission row is held back (typed twice), so only
    // Luleå's side stands; the corrected ready row matches.
    assert_eq!(
        timeline(&rec, 6),
        vec![
            (1, OneSided, s(MED61), s(LULEA)),
            (3, Matched, s(MED61), s(LULEA))
        ]
    );
    // Ivar's only row was struck out: no case.
    assert!(!rec.cases.list.iter().any(|c| c.patient.as_str() == PINS[8]));
}

/// (applies, start date, days, amount, reason)
type Outcome = (bool, Option<String>, u32, Option<u64>, String);

#[test]
fn scenario_payment_responsibility() {
    let kit = scenario_kit();
    let transcript = outage();
    let rec = reconcile(&transcript, &kit, day(AS_OF));
    let mut got: BTreeMap<(String, String), Outcome> = BTreeMap::new();
    for r in &rec.responsibilities {
        got.insert(
            (
                rec.cases.list[r.case].number.clone(),
                r.municipality.clone(),
            ),
            (
                r.applies,
                r.start.map(|d| d.to_string()),
                r.days,
                r.amount.as_ref().map(|a| a.total_sek),
                r.reason.clone(),
            ),
        );
    }
    let row = |patient: usize, municipality: &str| {
        got.get(&(case_of(&rec, patient).to_owned(), municipality.to_owned()))
            .cloned()
            .unwrap_or_else(|| panic!("no row for patient {patient} and {municipality}"))
    };
    // Monday 10:15 → Thursday 6 March; discharged Monday 10 March: 4 days.
    assert_eq!(
        row(0, LULEA),
        (
            true,
            Some(s("2025-03-06")),
            4,
            Some(8_000),
            s("betalningsansvar; utskriven")
        )
    );
    // Monday 13:40 (the ward's time; Boden noted 14:05) → Friday 7 March;
    // still admitted on the 12th: 7–11 March.
    assert_eq!(
        row(1, BODEN),
        (
            true,
            Some(s("2025-03-07")),
            5,
            Some(10_000),
            s("betalningsansvar; fortfarande inskriven per 2025-03-12")
        )
    );
    // Ready Tuesday, withdrawn Wednesday, ready again Thursday 15:00 →
    // Monday 10 March; discharged Wednesday 12th: 10 and 11 March.
    assert_eq!(
        row(2, LULEA),
        (
            true,
            Some(s("2025-03-10")),
            2,
            Some(4_000),
            s("betalningsansvar; utskriven")
        )
    );
    assert_eq!(
        row(3, BODEN),
        (
            false,
            None,
            0,
            None,
            s("inget inskrivningsmeddelande nådde kommunen (samtal utan svar)")
        )
    );
    // Only Piteå logged the ready call, Tuesday 11:50 → Friday 7 March;
    // discharged Sunday 9th: 7 and 8 March.
    assert_eq!(
        row(4, PITEA),
        (
            true,
            Some(s("2025-03-07")),
            2,
            Some(4_000),
            s("betalningsansvar; utskriven")
        )
    );
    assert_eq!(
        row(5, PITEA),
        (
            false,
            None,
            0,
            None,
            s("inget utskrivningsklar-meddelande (parterna oense om nådd)")
        )
    );
    // Admission known from Luleå's side alone; ready corrected to 10:05
    // Tuesday → Friday 7 March; still admitted.
    assert_eq!(
        row(6, LULEA),
        (
            true,
            Some(s("2025-03-07")),
            5,
            Some(10_000),
            s("betalningsansvar; fortfarande inskriven per 2025-03-12")
        )
    );
    assert_eq!(
        row(7, PITEA),
        (false, None, 0, None, s("inget utskrivningsklar-meddelande"))
    );
    assert_eq!(got.len(), 8, "one row per patient and municipality");
}

#[test]
fn scenario_lists_every_kind_of_discrepancy() {
    let kit = scenario_kit();
    let transcript = outage();
    let rec = reconcile(&transcript, &kit, day(AS_OF));
    let kinds: BTreeSet<Kind> = rec.discrepancies.iter().map(|d| d.kind).collect();
    let all: BTreeSet<Kind> = [
        Kind::DifferentContent,
        Kind::Duplicate,
        Kind::TimeConflict,
        Kind::OneSided,
        Kind::ReachedDisputed,
        Kind::DifferentNames,
        Kind::Rejected,
        Kind::MissingSheet,
        Kind::SheetTwice,
        Kind::SheetBeyondPrint,
    ]
    .into();
    assert_eq!(kinds, all);
    let missing: Vec<_> = rec
        .discrepancies
        .iter()
        .filter(|d| d.kind == Kind::MissingSheet)
        .map(|d| d.description.as_str())
        .collect();
    assert_eq!(
        missing,
        vec![
            "blad sunderby-geriatrik-66-002 saknas, men högre nummer från Geriatrisk avdelning 66, Sunderby sjukhus har kommit in"
        ]
    );
    let conflict = rec
        .discrepancies
        .iter()
        .find(|d| d.kind == Kind::TimeConflict)
        .expect("time conflict");
    assert_eq!(
        conflict.description,
        "Utskrivningsklar: Medicinavdelning 61, Sunderby sjukhus noterade 2025-03-03 13:40, Bodens kommun noterade 2025-03-03 14:05 (25 minuter isär, mer än 10 minuter); bestäm vilken tid som gäller"
    );
    // No discrepancy text carries a name or an identity number.
    for d in &rec.discrepancies {
        assert_no_patient_data(&d.description);
    }
}

#[test]
fn scenario_accounts_for_every_line() {
    let kit = scenario_kit();
    let transcript = outage();
    let rec = reconcile(&transcript, &kit, day(AS_OF));
    assert_eq!(rec.ledger.check(), Ok(()));
    let counts: Vec<(Category, usize)> = Category::ALL
        .iter()
        .map(|&c| (c, rec.ledger.count(c)))
        .collect();
    assert_eq!(
        counts,
        vec![
            (Category::Matched, 42),
            (Category::TimeConflict, 2),
            (Category::OneSided, 4),
            (Category::Superseded, 1),
            (Category::Voided, 2),
            (Category::Duplicate, 1),
            (Category::Discrepancy, 2),
            (Category::Rejected, 2),
            (Category::RejectedReplaced, 0),
        ]
    );
    assert_eq!(transcript.lines_read, 56);
}

#[test]
fn scenario_worklists_hold_ready_to_paste_notes() {
    let kit = scenario_kit();
    let transcript = outage();
    let rec = reconcile(&transcript, &kit, day(AS_OF));
    let notes = |unit: &str| -> Vec<String> {
        rec.worklists
            .iter()
            .find(|w| w.unit == unit)
            .map(|w| w.items.iter().map(|i| i.note(&rec, &kit)).collect())
            .unwrap_or_default()
    };
    let med61 = notes(MED61);
    assert!(med61.contains(&s(
        "Rapporterat per telefon under driftstopp i Lifecare SP 2025-03-03 kl. 10:15 av Anna Andersson (Medicinavdelning 61, Sunderby sjukhus) till Erik Ek (Luleå kommun). Datum i Lifecare avviker från rapporterat datum på grund av driftstörningen. Källa: blad sunderby-medicin-61-001 rad 3."
    )), "{med61:#?}");
    assert!(med61.contains(&s(
        "Rapporterat per telefon under driftstopp i Lifecare SP 2025-03-03 kl. 08:30 av Anna Andersson (Medicinavdelning 61, Sunderby sjukhus) till Erik Ek (Luleå kommun). Beräknat utskrivningsdatum 2025-03-10. Datum i Lifecare avviker från rapporterat datum på grund av driftstörningen. Källa: blad sunderby-medicin-61-001 rad 1."
    )));
    let lulea = notes(LULEA);
    // Luleå noted 10:17; the note carries the ward's time, the legal one.
    assert!(lulea.contains(&s(
        "Mottaget per telefon under driftstopp i Lifecare SP 2025-03-03 kl. 10:15 av Erik Ek (Luleå kommun) från Anna Andersson (Medicinavdelning 61, Sunderby sjukhus). Datum i Lifecare avviker från rapporterat datum på grund av driftstörningen. Källa: blad lulea-001 rad 2."
    )), "{lulea:#?}");
    assert!(lulea.contains(&s(
        "Mottaget per telefon under driftstopp i Lifecare SP 2025-03-03 kl. 14:00 av Erik Ek (Luleå kommun) från Doris Dahl (Bergnäsets hälsocentral). Fast vårdkontakt Doris Dahl. SIP-möte 2025-03-05 kl. 13:00. Datum i Lifecare avviker från rapporterat datum på grund av driftstörningen. Källa: blad lulea-001 rad 3."
    )), "{lulea:#?}");
    // Geriatrik 66's unanswered admission call is on no list.
    let ger66 = notes(GER66);
    assert!(!ger66.iter().any(|n| n.contains("11:30")), "{ger66:#?}");
    // Items are in call-time order.
    for list in &rec.worklists {
        let times: Vec<_> = list
            .items
            .iter()
            .map(|i| rec.calls[i.call].notice_at().timestamp())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}", list.unit);
    }
}

fn assert_no_patient_data(text: &str) {
    for pin in PINS {
        assert!(!text.contains(pin), "identity number in {text:?}");
        assert!(!text.contains(&pin[2..8]), "birth date in {text:?}");
    }
    for name in NAMES {
        let surname = name.split(' ').nth(1).expect("surname");
        assert!(!text.contains(surname), "name in {text:?}");
    }
}

fn write(dir: &Path) -> String {
    let kit = scenario_kit();
    let transcript = outage();
    cli::reconcile_to(&transcript, &kit, day(AS_OF), dir).expect("written")
}

fn read(dir: &Path, name: &str) -> String {
    let bytes = std::fs::read(dir.join(name)).expect(name);
    let text = String::from_utf8(bytes).expect("utf-8");
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned()
}

#[test]
fn scenario_folder_is_private_complete_and_deterministic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let first = tmp.path().join("avstamning");
    let printed = write(&first);
    assert!(printed.contains("Alla 56 rader redovisade."), "{printed}");
    assert_no_patient_data(&printed);

    let mut names: Vec<String> = std::fs::read_dir(&first)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            ".reservkit-avstamning",
            "arbetslista-boden.csv",
            "arbetslista-boden.pdf",
            "arbetslista-hc-bergnaset.csv",
            "arbetslista-hc-bergnaset.pdf",
            "arbetslista-lulea.csv",
            "arbetslista-lulea.pdf",
            "arbetslista-pitea-medicin-2.csv",
            "arbetslista-pitea-medicin-2.pdf",
            "arbetslista-pitea.csv",
            "arbetslista-pitea.pdf",
            "arbetslista-sunderby-geriatrik-66.csv",
            "arbetslista-sunderby-geriatrik-66.pdf",
            "arbetslista-sunderby-medicin-61.csv",
            "arbetslista-sunderby-medicin-61.pdf",
            "avvikelser.csv",
            "betalningsansvar.csv",
            "blad.csv",
            "fall.json",
            "rader.csv",
            "sammanfattning.txt",
            "samtal.csv",
            "samtal.json",
        ]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&first), 0o700);
        for name in &names {
            assert_eq!(mode(&first.join(name)), 0o600, "{name}");
        }
    }
    // Patient data only inside the record files that need it.
    for name in [
        "sammanfattning.txt",
        "samtal.csv",
        "samtal.json",
        "avvikelser.csv",
        "blad.csv",
        "rader.csv",
        "betalningsansvar.csv",
    ] {
        assert_no_patient_data(&read(&first, name));
    }
    let cases = read(&first, "fall.json");
    assert!(cases.contains("19310113-9198"));
    assert!(cases.contains("Astrid Testsson"));
    let worklist = read(&first, "arbetslista-lulea.csv");
    assert!(worklist.starts_with("Arbetslista för Luleå kommun. Registrera i Lifecare SP med aktuellt datum och klockslag när systemet är i drift igen. Redatera aldrig"));
    assert!(worklist.contains("Astrid Testsson;19310113-9198"));

    // A second run gives the same bytes.
    let second = tmp.path().join("igen");
    write(&second);
    for name in &names {
        assert_eq!(
            std::fs::read(first.join(name)).expect("first"),
            std::fs::read(second.join(name)).expect("second"),
            "{name} differs between runs"
        );
    }
}

#[test]
fn scenario_csv_snapshots() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("avstamning");
    write(&dir);
    for name in [
        "samtal.csv",
        "betalningsansvar.csv",
        "avvikelser.csv",
        "blad.csv",
        "arbetslista-sunderby-medicin-61.csv",
        "sammanfattning.txt",
    ] {
        insta::assert_snapshot!(name, read(&dir, name));
    }
}

#[test]
fn scenario_uses_only_skatteverkets_test_numbers() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/personnummer/allPins.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let pins: Vec<String> = serde_json::from_str(&text).expect("a list of numbers");
    for pin in PINS {
        assert!(pins.iter().any(|p| p == pin), "{pin} is not a test number");
    }
}

#[test]
fn scenario_unit_printout_holds_the_worklist_and_the_units_discrepancies() {
    let kit = scenario_kit();
    let transcript = outage();
    let rec = reconcile(&transcript, &kit, day(AS_OF));
    let doc = reservkit::reconcile::unit_pdf::unit_pdf_document(&rec, &transcript, &kit, GER66)
        .expect("laid out");
    let text = doc.dump();
    assert!(
        text.contains("Arbetslista efter driftstopp: Geriatrisk avdelning 66, Sunderby sjukhus")
    );
    assert!(text.contains("Redatera aldrig"), "{text}");
    // The worklist: Cecilia's ready call, reported Tuesday 09:00.
    assert!(text.contains("\"2025-03-04\"\n"), "{text}");
    assert!(text.contains("\"kl. 09:00\"\n"), "{text}");
    assert!(text.contains("\"19440101-2390\"\n"), "{text}");
    assert!(!text.contains('?'), "every character printable: {text}");
    // Its discrepancies: the missing sheet and the sheet beyond those printed,
    // and not another unit's.
    assert!(text.contains("saknat blad"), "{text}");
    assert!(text.contains("\"bladnummer"), "{text}");
    assert!(!text.contains("oenighet om nådd"), "{text}");
    let pdf =
        reservkit::reconcile::unit_pdf::unit_pdf(&rec, &transcript, &kit, GER66).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
}
