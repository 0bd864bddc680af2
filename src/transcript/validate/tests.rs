//! One test per validation rule, on lines built from one valid line with a
//! field or two changed. Patients are fictional and their numbers are
//! Skatteverket's test numbers (or test numbers with the check digit broken).

use super::*;
use crate::diag::Diagnostic;
use crate::model::Kit;
use crate::personal_id::IdKind;
use crate::transcript::entry::FactDate;
use jiff::civil::date;

const FILE: &str = "logg.csv";
const PATIENT: &str = "Astrid Testsson";
const PNR: &str = "19900101-2385";

fn kit() -> &'static Kit {
    crate::transcript::shipped_kit()
}

fn now() -> ZonedDateTime {
    fields::date_time("2025-11-01 12:00").expect("valid now")
}

/// A valid line: Medicinavdelning 61 phones Luleå kommun about an
/// admission on Monday 2025-03-03 at 10:15.
fn base() -> Vec<(Column, &'static str)> {
    vec![
        (Column::Blad, "sunderby-medicin-61-001"),
        (Column::Rad, "1"),
        (Column::DriftstoppStart, "2025-03-03 08:00"),
        (Column::Datum, "2025-03-03"),
        (Column::Klockslag, "10:15"),
        (Column::Tidszon, ""),
        (Column::Riktning, "ut"),
        (Column::Motpart, "lulea"),
        (Column::MotpartPerson, "Karin Kontaktsson"),
        (Column::Patient, PATIENT),
        (Column::IdTyp, ""),
        (Column::Personnummer, PNR),
        (Column::Handelse, "1"),
        (Column::DatumUppgift, "2025-03-10"),
        (Column::LakareKontakt, ""),
        (Column::Nadd, "ja"),
        (Column::Notering, "Inskriven, rapport lämnad"),
        (Column::Signatur, "SJ"),
        (Column::RattarRad, ""),
        (Column::Post, ""),
        (Column::TranskriberadAv, "Eva Skrivare"),
        (Column::Transkriberad, "2025-03-05 09:00"),
    ]
}

/// The base line with some fields changed, as CSV.
fn line(changes: &[(Column, &str)]) -> String {
    line_sep(changes, ';')
}

fn line_sep(changes: &[(Column, &str)], separator: char) -> String {
    let mut fields: Vec<String> = base().into_iter().map(|(_, v)| v.to_owned()).collect();
    for (column, value) in changes {
        fields[column.index()] = (*value).to_owned();
    }
    let mut out = String::new();
    csv::write_record(&mut out, &fields, separator);
    out
}

fn read(lines: &[String]) -> (Transcript, Vec<Diagnostic>) {
    let mut text = columns::header_line(';');
    text.push('\n');
    for l in lines {
        text.push_str(l);
    }
    let mut v = Validator::new(kit(), now());
    v.read_text(FILE, &text);
    v.finish()
}

fn errors(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect()
}

fn warnings(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| d.message.clone())
        .collect()
}

/// Checks one changed line: it is rejected with exactly one error, on
/// `column`, containing `needle`.
fn assert_rejected(changes: &[(Column, &str)], column: Column, needle: &str) {
    let (t, diags) = read(&[line(changes)]);
    assert_eq!(t.entries.len(), 0, "{diags:?}");
    assert_eq!(t.rejections.len(), 1);
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let field = format!("fält «{}»", column.name());
    assert!(errors[0].contains(&field), "{}", errors[0]);
    assert!(errors[0].contains(needle), "{}", errors[0]);
}

/// Checks one changed line: accepted, with one warning on `column`.
fn assert_warned(changes: &[(Column, &str)], column: Column, needle: &str) -> Entry {
    let (mut t, diags) = read(&[line(changes)]);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    let warnings = warnings(&diags);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let field = format!("fält «{}»", column.name());
    assert!(warnings[0].contains(&field), "{}", warnings[0]);
    assert!(warnings[0].contains(needle), "{}", warnings[0]);
    t.entries.pop().expect("accepted")
}

#[test]
fn accepts_a_complete_line() {
    let (t, diags) = read(&[line(&[])]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.lines_read, 1);
    let e = &t.entries[0];
    assert_eq!(e.source.sheet.to_string(), "sunderby-medicin-61-001");
    assert_eq!((e.source.line, e.source.row), (2, 1));
    assert_eq!(e.unit, "sunderby-medicin-61");
    assert_eq!(e.kind, EntryKind::Original);
    assert_eq!(e.at.timestamp().to_string(), "2025-03-03T09:15:00Z");
    assert_eq!(
        e.outage_start.timestamp().to_string(),
        "2025-03-03T07:00:00Z"
    );
    assert_eq!(e.direction, Direction::Outgoing);
    assert_eq!(e.counterpart, "lulea");
    assert_eq!(e.patient_name, PATIENT);
    assert_eq!(e.patient_id.as_str(), "199001012385");
    assert_eq!(e.patient_id.kind(), IdKind::Personnummer);
    assert_eq!(e.event, 1);
    assert_eq!(e.fact_date, Some(FactDate::Date(date(2025, 3, 10))));
    assert_eq!(e.physician_or_contact, None);
    assert!(e.reached);
    assert_eq!(
        e.transcribed_at,
        jiff::civil::date(2025, 3, 5).at(9, 0, 0, 0)
    );
}

#[test]
fn rows_share_one_copy_of_their_file_unit_and_names() {
    let (t, diags) = read(&[
        line(&[]),
        line(&[(Column::Rad, "2"), (Column::DriftstoppStart, "")]),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    let [a, b] = &t.entries[..] else {
        panic!("two entries: {:?}", t.entries.len());
    };
    assert_eq!(a.source.file, FILE);
    assert!(a.source.file.is_same(&b.source.file));
    assert!(a.unit.is_same(&b.unit));
    assert!(a.unit.is_same(&a.source.sheet.unit));
    assert!(a.source.sheet.unit.is_same(&b.source.sheet.unit));
    assert!(a.counterpart.is_same(&b.counterpart));
    assert!(a.counterpart_person.is_same(&b.counterpart_person));
    assert!(a.signature.is_same(&b.signature));
    assert!(a.transcribed_by.is_same(&b.transcribed_by));
    assert!(a.patient_name.is_same(&b.patient_name));
    assert!(a.note.is_same(&b.note));
}

/// Reconciliation holds every row of the outage at once: at 1,000,000
/// rows each byte of a row is a megabyte.
#[test]
fn a_row_stays_small() {
    let size = std::mem::size_of::<Entry>();
    println!("Entry: {size} bytes");
    assert!(size <= 328, "Entry is {size} bytes");
}

#[test]
fn a_rows_kept_values_read_back_as_written() {
    let values: Vec<String> = [
        "",
        "sunderby-medicin-61-001",
        "Åsa Öberg",
        "",
        "a;b\n\"c\"",
        "",
    ]
    .iter()
    .map(|v| (*v).to_owned())
    .collect();
    let kept = Fields::new(&values);
    assert_eq!(kept.len(), values.len());
    assert_eq!(kept.to_vec(), values);
    for (i, v) in values.iter().enumerate() {
        assert_eq!(&kept[i], v.as_str());
        assert_eq!(kept.get(i), Some(v.as_str()));
    }
    assert_eq!(kept.get(values.len()), None);
    assert!(Fields::new(&[]).is_empty());
}

#[test]
fn a_void_takes_the_voided_rows_values_from_what_was_kept() {
    // Everything the void may take from the row it voids left empty.
    let mut void: Vec<(Column, &str)> = Column::ALL
        .iter()
        .filter(|c| c.describes_call() || **c == Column::DriftstoppStart)
        .map(|c| (*c, ""))
        .collect();
    void.extend([
        (Column::Post, "makulering"),
        (Column::TranskriberadAv, "Eva Skrivare"),
        (Column::Transkriberad, "2025-03-06 09:00"),
    ]);
    let (t, diags) = read(&[line(&[]), line(&void)]);
    assert!(diags.is_empty(), "{diags:#?}");
    let [original, void] = &t.entries[..] else {
        panic!("two entries: {:?}", t.entries.len());
    };
    assert_eq!(void.kind, EntryKind::Void);
    assert!(same_content(original, void));
}

#[test]
fn words_problems_with_sheet_row_and_column() {
    let (_, diags) = read(&[line(&[(Column::Riktning, "upp")])]);
    assert_eq!(
        diags[0].to_string(),
        "logg.csv:2: error: blad sunderby-medicin-61-001 rad 1, fält «riktning»: «upp» är ingen \
         riktning; skriv «ut» (vi ringde) eller «in» (vi blev uppringda)"
    );
}

#[test]
fn rejects_a_sheet_of_an_unknown_unit() {
    assert_rejected(
        &[(Column::Blad, "sunderby-medicin-99-001")],
        Column::Blad,
        "«sunderby-medicin-99» i bladnumret finns inte i kontaktkatalogen",
    );
}

#[test]
fn rejects_a_malformed_sheet_number() {
    assert_rejected(
        &[(Column::Blad, "medicin 61")],
        Column::Blad,
        "är inget bladnummer",
    );
}

#[test]
fn rejects_a_row_outside_the_sheet() {
    for row in ["0", "9", "tre"] {
        assert_rejected(&[(Column::Rad, row)], Column::Rad, "bladet har rad 1–8");
    }
}

#[test]
fn requires_outage_start_on_the_first_line_of_a_sheet() {
    assert_rejected(
        &[(Column::DriftstoppStart, "")],
        Column::DriftstoppStart,
        "bladets första rad i filen",
    );
}

#[test]
fn later_lines_of_a_sheet_inherit_the_outage_start() {
    let (t, diags) = read(&[
        line(&[]),
        line(&[(Column::Rad, "2"), (Column::DriftstoppStart, "")]),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.entries[1].outage_start, t.entries[0].outage_start);
}

#[test]
fn rejects_a_different_outage_start_on_the_same_sheet() {
    let (t, diags) = read(&[
        line(&[]),
        line(&[
            (Column::Rad, "2"),
            (Column::DriftstoppStart, "2025-03-03 09:00"),
        ]),
    ]);
    assert_eq!(t.entries.len(), 1);
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains(
            "skiljer sig från bladets driftstopp_start 2025-03-03 08:00 på rad 2 i filen"
        ),
        "{}",
        errors[0]
    );
}

#[test]
fn rejects_an_outage_start_after_now() {
    let (t, diags) = read(&[line(&[(Column::DriftstoppStart, "2025-11-02 08:00")])]);
    assert_eq!(t.rejections.len(), 1);
    assert!(
        errors(&diags).iter().any(|e| e.contains(
            "fält «driftstopp_start»: driftstoppets början 2025-11-02 08:00 ligger efter nu"
        )),
        "{diags:#?}"
    );
}

#[test]
fn rejects_a_call_date_before_2018() {
    assert_rejected(
        &[
            (Column::DriftstoppStart, "2017-12-31 08:00"),
            (Column::Datum, "2017-12-31"),
            (Column::DatumUppgift, ""),
            (Column::Handelse, "8"),
        ],
        Column::Datum,
        "är före 2018",
    );
}

#[test]
fn rejects_a_date_that_does_not_exist() {
    assert_rejected(
        &[(Column::Datum, "2025-02-29")],
        Column::Datum,
        "finns inte i kalendern",
    );
}

#[test]
fn rejects_a_malformed_time() {
    assert_rejected(
        &[(Column::Klockslag, "kvart över tio")],
        Column::Klockslag,
        "fel form",
    );
}

#[test]
fn accepts_a_time_written_with_a_dot() {
    let (t, diags) = read(&[line(&[(Column::Klockslag, "10.15")])]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.entries[0].at.time(), jiff::civil::time(10, 15, 0, 0));
}

#[test]
fn rejects_spring_forward_gap_time() {
    assert_rejected(
        &[
            (Column::DriftstoppStart, "2025-03-30 01:00"),
            (Column::Motpart, "hc-hertson"),
            (Column::Datum, "2025-03-30"),
            (Column::Klockslag, "02:30"),
            (Column::DatumUppgift, "2025-04-02"),
        ],
        Column::Klockslag,
        "klockslaget 02:30 finns inte 2025-03-30",
    );
}

#[test]
fn asks_for_the_offset_of_an_ambiguous_autumn_time() {
    let autumn = [
        (Column::DriftstoppStart, "2025-10-26 01:00"),
        (Column::Motpart, "hc-hertson"),
        (Column::Datum, "2025-10-26"),
        (Column::Klockslag, "02:30"),
        (Column::DatumUppgift, "2025-10-30"),
    ];
    assert_rejected(
        &autumn,
        Column::Tidszon,
        "ange tidszon +02:00 (sommartid) eller +01:00 (normaltid)",
    );
    let mut second = autumn.to_vec();
    second.push((Column::Tidszon, "+01:00"));
    let (t, diags) = read(&[line(&second)]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(
        t.entries[0].at.timestamp().to_string(),
        "2025-10-26T01:30:00Z"
    );
}

#[test]
fn rejects_an_offset_the_time_does_not_have() {
    assert_rejected(
        &[(Column::Tidszon, "+02:00")],
        Column::Tidszon,
        "har inte tidszon +02:00",
    );
}

#[test]
fn rejects_a_call_before_the_outage_start() {
    assert_rejected(
        &[(Column::Klockslag, "07:45")],
        Column::Klockslag,
        "samtalet 2025-03-03 07:45 är före driftstoppets början 2025-03-03 08:00",
    );
}

#[test]
fn rejects_a_call_after_now() {
    assert_rejected(
        &[
            (Column::Datum, "2025-11-01"),
            (Column::Klockslag, "12:01"),
            (Column::DatumUppgift, "2025-11-10"),
        ],
        Column::Klockslag,
        "ligger efter nu (2025-11-01 12:00)",
    );
}

#[test]
fn rejects_a_personnummer_with_a_wrong_check_digit() {
    assert_rejected(
        &[(Column::Personnummer, "19900101-2386")],
        Column::Personnummer,
        "fel kontrollsiffra",
    );
}

#[test]
fn accepts_a_samordningsnummer_and_a_ten_digit_personnummer() {
    let (t, diags) = read(&[
        line(&[(Column::Personnummer, "202201612393")]),
        line(&[(Column::Rad, "2"), (Column::Personnummer, "170101-2393")]),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.entries[0].patient_id.kind(), IdKind::Samordningsnummer);
    assert_eq!(t.entries[1].patient_id.as_str(), "201701012393");
}

#[test]
fn accepts_a_reservnummer_without_checking_digits() {
    let (t, diags) = read(&[line(&[
        (Column::IdTyp, "reserv"),
        (Column::Personnummer, "RN 2025-0042"),
    ])]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.entries[0].patient_id.kind(), IdKind::Reservnummer);
}

#[test]
fn rejects_an_unknown_id_type() {
    assert_rejected(&[(Column::IdTyp, "pass")], Column::IdTyp, "är ingen id-typ");
}

#[test]
fn rejects_a_missing_patient_name() {
    assert_rejected(&[(Column::Patient, " ")], Column::Patient, "saknas");
}

#[test]
fn rejects_an_event_code_not_in_the_kit() {
    assert_rejected(
        &[(Column::Handelse, "9")],
        Column::Handelse,
        "ingen händelsekod",
    );
}

#[test]
fn requires_the_estimated_discharge_date_on_admission() {
    assert_rejected(
        &[(Column::DatumUppgift, "")],
        Column::DatumUppgift,
        "kräver beräknat utskrivningsdatum",
    );
}

#[test]
fn rejects_a_time_in_the_estimated_discharge_date() {
    assert_rejected(
        &[(Column::DatumUppgift, "2025-03-10 12:00")],
        Column::DatumUppgift,
        "beräknat utskrivningsdatum",
    );
}

#[test]
fn warns_about_an_estimated_discharge_before_the_call() {
    assert_warned(
        &[(Column::DatumUppgift, "2025-03-01")],
        Column::DatumUppgift,
        "före samtalsdatumet",
    );
}

#[test]
fn requires_the_physician_for_a_new_discharge_date() {
    assert_rejected(
        &[(Column::Handelse, "2")],
        Column::LakareKontakt,
        "kräver läkare som bedömt",
    );
    let (t, diags) = read(&[line(&[
        (Column::Handelse, "2"),
        (Column::LakareKontakt, "Dr Per Prov"),
    ])]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(
        t.entries[0].physician_or_contact.as_deref(),
        Some("Dr Per Prov")
    );
}

/// Hälsocentralen Hertsön phones the ward about the fast vårdkontakt.
fn care_contact_call() -> Vec<(Column, &'static str)> {
    vec![
        (Column::Riktning, "in"),
        (Column::Motpart, "hc-hertson"),
        (Column::Handelse, "6"),
        (Column::DatumUppgift, "2025-03-12 13:00"),
        (Column::LakareKontakt, "Sara Samordnare"),
    ]
}

#[test]
fn accepts_the_care_contact_and_sip_meeting() {
    let (t, diags) = read(&[line(&care_contact_call())]);
    assert!(diags.is_empty(), "{diags:#?}");
    let sip = date(2025, 3, 12).at(13, 0, 0, 0);
    assert_eq!(t.entries[0].fact_date, Some(FactDate::DateTime(sip)));
}

#[test]
fn requires_the_date_and_time_of_the_sip_meeting() {
    let mut changes = care_contact_call();
    changes.push((Column::DatumUppgift, "2025-03-12"));
    assert_rejected(&changes, Column::DatumUppgift, "datum och tid för SIP-möte");
}

#[test]
fn requires_the_named_care_contact_on_the_callers_row() {
    // The health centre's own sheet: it called the ward (kit.yaml:
    // fact_rows says the caller's row carries the contact).
    let changes = vec![
        (Column::Blad, "hc-hertson-001"),
        (Column::Riktning, "ut"),
        (Column::Motpart, "sunderby-medicin-61"),
        (Column::Handelse, "6"),
        (Column::DatumUppgift, "2025-03-12 13:00"),
        (Column::LakareKontakt, ""),
    ];
    assert_rejected(&changes, Column::LakareKontakt, "kräver fast vårdkontakt");
}

#[test]
fn the_receivers_row_is_evidence_without_the_callers_facts() {
    // The ward was told about the care contact and SIP meeting but noted
    // neither; its row still shows that the notice arrived.
    let mut changes = care_contact_call();
    changes.push((Column::LakareKontakt, ""));
    changes.push((Column::DatumUppgift, ""));
    let (t, diags) = read(&[line(&changes)]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.entries.len(), 1);
    assert_eq!(t.entries[0].physician_or_contact, None);
    // Luleå kommun was called about a new estimated discharge date and
    // noted neither the date nor the physician.
    let (t, diags) = read(&[line(&[
        (Column::Blad, "lulea-001"),
        (Column::Riktning, "in"),
        (Column::Motpart, "sunderby-medicin-61"),
        (Column::Handelse, "2"),
        (Column::DatumUppgift, ""),
        (Column::LakareKontakt, ""),
    ])]);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    assert_eq!(t.entries.len(), 1);
    // The ward that called must give both.
    assert_rejected(
        &[
            (Column::Handelse, "2"),
            (Column::DatumUppgift, "2025-03-10"),
        ],
        Column::LakareKontakt,
        "kräver läkare som bedömt",
    );
}

#[test]
fn warns_about_a_date_the_event_does_not_use() {
    let entry = assert_warned(
        &[(Column::Handelse, "3")],
        Column::DatumUppgift,
        "värdet används inte",
    );
    assert_eq!(entry.fact_date, None);
}

#[test]
fn warns_about_a_physician_the_event_does_not_use() {
    let entry = assert_warned(
        &[(Column::LakareKontakt, "Dr Per Prov")],
        Column::LakareKontakt,
        "värdet används inte",
    );
    assert_eq!(entry.physician_or_contact, None);
}

#[test]
fn warns_when_the_direction_does_not_fit_the_roles() {
    // The ward phoning the municipality that it is "redo för hemtagning":
    // that is the municipality's message to the ward.
    assert_warned(
        &[(Column::Handelse, "7"), (Column::DatumUppgift, "")],
        Column::Riktning,
        "händelse 7 (Redo för hemtagning) rapporteras av kommun till slutenvård, men här ringde \
         slutenvård (sunderby-medicin-61) till kommun (lulea)",
    );
}

#[test]
fn accepts_the_municipality_calling_in_ready_for_home() {
    let (_, diags) = read(&[line(&[
        (Column::Riktning, "in"),
        (Column::Handelse, "7"),
        (Column::DatumUppgift, ""),
    ])]);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn flags_call_to_municipality_after_22() {
    assert_warned(
        &[(Column::Klockslag, "22:15")],
        Column::Klockslag,
        "samtal till Luleå kommun kl 22:15 är utanför kommunens telefontider (07–22 alla dagar)",
    );
}

#[test]
fn does_not_flag_a_call_from_a_municipality_at_night() {
    let (_, diags) = read(&[line(&[
        (Column::Klockslag, "22:15"),
        (Column::Riktning, "in"),
        (Column::Handelse, "8"),
        (Column::DatumUppgift, ""),
    ])]);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn rejects_an_unknown_counterpart_and_suggests_the_id() {
    let (_, diags) = read(&[line(&[(Column::Motpart, "Luleå kommun")])]);
    assert_eq!(errors(&diags).len(), 1, "{diags:#?}");
    assert!(diags[0].message.contains("finns inte i kontaktkatalogen"));
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("menade du «lulea» (Luleå kommun)?")
    );
}

#[test]
fn rejects_the_sheets_own_unit_as_counterpart() {
    assert_rejected(
        &[(Column::Motpart, "sunderby-medicin-61")],
        Column::Motpart,
        "är bladets egen enhet",
    );
}

#[test]
fn rejects_reached_other_than_ja_or_nej() {
    assert_rejected(
        &[(Column::Nadd, "kanske")],
        Column::Nadd,
        "varken «ja» eller «nej»",
    );
}

#[test]
fn warns_when_a_reached_party_has_no_name() {
    assert_warned(
        &[(Column::MotpartPerson, "")],
        Column::MotpartPerson,
        "saknas",
    );
}

#[test]
fn rejects_an_unknown_post_value() {
    assert_rejected(&[(Column::Post, "ändring")], Column::Post, "är ingen post");
}

#[test]
fn rejects_a_correction_without_an_earlier_line() {
    assert_rejected(
        &[(Column::Post, "rättelse")],
        Column::Post,
        "ingen tidigare rad för samma blad och rad",
    );
}

#[test]
fn rejects_a_row_transcribed_twice() {
    let (t, diags) = read(&[line(&[]), line(&[])]);
    assert_eq!(t.entries.len(), 1);
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("blad och rad finns redan på rad 2 i filen"),
        "{}",
        errors[0]
    );
}

/// Reads each text as its own file (`a.csv`, `b.csv`, …) in order.
fn read_files(files: &[&[String]]) -> (Transcript, Vec<Diagnostic>) {
    let mut v = Validator::new(kit(), now());
    for (i, lines) in files.iter().enumerate() {
        let mut text = columns::header_line(';');
        text.push('\n');
        for l in lines.iter() {
            text.push_str(l);
        }
        v.read_text(&format!("{}.csv", (b'a' + i as u8) as char), &text);
    }
    v.finish()
}

#[test]
fn the_same_row_typed_alike_in_another_file_is_a_duplicate_warning() {
    let by_other = line(&[(Column::TranskriberadAv, "Olle Omskrivare")]);
    let (t, diags) = read_files(&[&[line(&[])], &[by_other]]);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    assert_eq!(t.entries.len(), 2);
    let warnings = warnings(&diags);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0]
            .contains("dubblett: samma blad och rad med samma innehåll finns på rad 2 i a.csv"),
        "{}",
        warnings[0]
    );
    assert!(!warnings[0].contains("rättelse"), "{}", warnings[0]);
    assert_eq!(diags[0].file, "b.csv");
}

#[test]
fn the_same_row_typed_differently_in_another_file_is_held_with_a_warning() {
    let (t, diags) = read_files(&[&[line(&[])], &[line(&[(Column::Klockslag, "10:51")])]]);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    assert_eq!(t.entries.len(), 2);
    let warnings = warnings(&diags);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains(
            "transkriberad två gånger med olika innehåll: samma blad och rad finns på rad 2 i a.csv"
        ),
        "{}",
        warnings[0]
    );
    // The same comparison as reconciliation: neither line is used.
    let resolution = crate::reconcile::rows::resolve(&t.entries);
    assert!(resolution.rows.is_empty());
    assert_eq!(resolution.conflicts, vec![vec![0, 1]]);
}

#[test]
fn a_row_typed_twice_in_one_file_is_still_an_error_after_another_file() {
    let (_, diags) = read_files(&[&[line(&[])], &[line(&[]), line(&[])]]);
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("blad och rad finns redan på rad 2 i filen"),
        "{}",
        errors[0]
    );
    assert_eq!(diags.iter().filter(|d| d.file == "b.csv").count(), 2);
}

#[test]
fn warnings_for_the_records_are_kept_with_the_entry() {
    let (t, diags) = read(&[line(&[
        (Column::Klockslag, "23:30"),
        (Column::MotpartPerson, ""),
    ])]);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    let kinds: Vec<RemarkKind> = t.remarks.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        vec![RemarkKind::NoPersonNamed, RemarkKind::OutsideHours]
    );
    assert!(t.remarks.iter().all(|r| r.entry == 0));
    assert!(
        t.remarks[1]
            .text
            .contains("kl 23:30 är utanför kommunens telefontider"),
        "{}",
        t.remarks[1].text
    );
    // The ward telling the municipality it is ready to take the patient
    // home is the wrong way round.
    let (t, _) = read(&[line(&[(Column::Handelse, "7")])]);
    let kinds: Vec<RemarkKind> = t.remarks.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![RemarkKind::UnusualDirection]);
    // A void carries no remarks: the call did not count.
    let void = vec![
        (Column::Post, "makulering"),
        (Column::Klockslag, "23:30"),
        (Column::MotpartPerson, ""),
    ];
    let (t, _) = read(&[line(&[]), line(&void)]);
    assert!(t.remarks.is_empty(), "{:?}", t.remarks);
}

#[test]
fn a_correction_replaces_the_row_and_turns_its_errors_into_warnings() {
    let (t, diags) = read(&[
        line(&[(Column::Klockslag, "25:15")]),
        line(&[(Column::Post, "rättelse"), (Column::Klockslag, "10:25")]),
    ]);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    assert_eq!(t.rejections.len(), 1);
    assert_eq!(t.entries.len(), 1);
    assert_eq!(t.entries[0].kind, EntryKind::Correction);
    let warnings = warnings(&diags);
    assert!(
        warnings[0].contains("(raden är ersatt av rättelsen på rad 3 i filen)"),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_void_line_takes_empty_fields_from_the_row_it_voids() {
    let mut void = vec![(Column::Post, "makulering")];
    for c in Column::ALL
        .iter()
        .filter(|c| c.describes_call() && **c != Column::Post)
    {
        void.push((*c, ""));
    }
    void.push((Column::DriftstoppStart, ""));
    let (t, diags) = read(&[line(&[]), line(&void)]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.entries[1].kind, EntryKind::Void);
    assert_eq!(t.entries[1].at, t.entries[0].at);
    assert_eq!(t.entries[1].patient_id, t.entries[0].patient_id);
}

#[test]
fn requires_who_transcribed_and_when() {
    assert_rejected(
        &[(Column::TranskriberadAv, "")],
        Column::TranskriberadAv,
        "saknas",
    );
    assert_rejected(
        &[(Column::Transkriberad, "igår")],
        Column::Transkriberad,
        "fel form",
    );
}

#[test]
fn rejects_a_line_with_too_few_fields() {
    let (t, diags) = read(&["sunderby-medicin-61-001;1;2025-03-03 08:00;2025-03-03\n".into()]);
    assert_eq!(t.rejections.len(), 1);
    // The fields may be shifted, so not even the sheet is echoed.
    assert_eq!(
        diags[0].message,
        "raden har 4 fält; väntade 22 (ett per kolumn i rubrikraden)"
    );
    assert_eq!(
        (&t.rejections[0].sheet, &t.rejections[0].row),
        (&None, &None)
    );
}

#[test]
fn skips_unused_rows_of_a_prefilled_template() {
    let sheet = SheetNo::parse("sunderby-medicin-61-001").expect("sheet");
    let text = columns::template(Some(&sheet), 12);
    let mut v = Validator::new(kit(), now());
    v.read_text(FILE, &text);
    let (t, diags) = v.finish();
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.lines_read, 0);
}

#[test]
fn every_line_read_is_an_entry_or_a_rejection() {
    let mut text = columns::header_line(',');
    text.push('\n');
    let lines = [line_sep(&[], ','), "\"öppnas aldrig,1\n".to_owned()];
    let good_then_bad = [
        line(&[(Column::Rad, "2")]),
        line(&[(Column::Rad, "3"), (Column::Klockslag, "x")]),
        "# kommentar\n".to_owned(),
        "\n".to_owned(),
        "kort;rad;;2025-03-03\n".to_owned(),
        "\"text\"efter;citat\n".to_owned(),
    ];
    let mut v = Validator::new(kit(), now());
    text.push_str(&lines[0]);
    v.read_text("komma.csv", &text);
    let mut second = columns::header_line(';');
    second.push('\n');
    second.push_str(&good_then_bad.concat());
    v.read_text("semikolon.csv", &second);
    v.read_text("fel-rubrik.csv", "blad;rad\nx;1\ny;2\n");
    let mut third = columns::header_line(';');
    third.push('\n');
    third.push_str(&lines[1]);
    v.read_text("oppen.csv", &third);
    let (t, _) = v.finish();
    assert_eq!(t.lines_read, t.entries.len() + t.rejections.len());
    assert_eq!((t.entries.len(), t.rejections.len()), (2, 6));
}

#[test]
fn messages_never_contain_the_patient_name_or_number() {
    let bad_lines = [
        line(&[(Column::Personnummer, "19900101-2386")]),
        line(&[(Column::Rad, "2"), (Column::Personnummer, "1990-01012385")]),
        line(&[(Column::Rad, "3"), (Column::Klockslag, PNR)]),
        line(&[(Column::Rad, "4"), (Column::Datum, PNR)]),
        line(&[(Column::Rad, "5"), (Column::Motpart, PNR)]),
        line(&[(Column::Rad, "6"), (Column::Blad, PNR)]),
        line(&[(Column::Rad, "7"), (Column::IdTyp, PNR)]),
        line(&[(Column::Rad, "8"), (Column::Handelse, PNR)]),
        line(&[(Column::Rad, "9"), (Column::DatumUppgift, PNR)]),
        line(&[(Column::Rad, "10"), (Column::Tidszon, PNR)]),
        line(&[(Column::Rad, "11"), (Column::Nadd, PATIENT)]),
        line(&[(Column::Rad, "12"), (Column::Post, PNR)]),
        line(&[(Column::Rad, PNR)]),
        line(&[(Column::Rad, "2"), (Column::Motpart, PATIENT)]),
    ];
    let (t, diags) = read(&bad_lines);
    assert_eq!(t.rejections.len(), bad_lines.len());
    let mut texts: Vec<String> = diags.iter().map(ToString::to_string).collect();
    texts.extend(t.rejections.iter().flat_map(|r| r.reasons.clone()));
    texts.extend(t.rejections.iter().filter_map(|r| r.sheet.clone()));
    for text in texts {
        for secret in ["900101", "Astrid", "Testsson"] {
            assert!(!text.contains(secret), "{secret} in: {text}");
        }
    }
}

#[test]
fn reads_the_papers_id_boxes_and_warns_when_the_number_disagrees() {
    let (t, diags) = read(&[
        line(&[(Column::IdTyp, "P")]),
        line(&[
            (Column::Rad, "2"),
            (Column::IdTyp, "s"),
            (Column::Personnummer, "202201612393"),
        ]),
        line(&[
            (Column::Rad, "3"),
            (Column::IdTyp, "R"),
            (Column::Personnummer, "RN-2025-0042"),
        ]),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    let kinds: Vec<IdKind> = t.entries.iter().map(|e| e.patient_id.kind()).collect();
    assert_eq!(
        kinds,
        [
            IdKind::Personnummer,
            IdKind::Samordningsnummer,
            IdKind::Reservnummer
        ]
    );
    let (t, diags) = read(&[
        line(&[(Column::IdTyp, "S")]),
        line(&[
            (Column::Rad, "2"),
            (Column::IdTyp, "P"),
            (Column::Personnummer, "202201612393"),
        ]),
    ]);
    assert_eq!(
        t.entries.len(),
        2,
        "a disagreement is a warning: {diags:#?}"
    );
    let warnings = warnings(&diags);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].contains(
            "fält «id_typ»: rutan S (samordningsnummer) är kryssad, men numret är ett personnummer"
        ),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("rutan P (personnummer)"),
        "{}",
        warnings[1]
    );
}

#[test]
fn a_paper_correction_replaces_the_row_it_names() {
    let (t, diags) = read(&[
        line(&[(Column::Klockslag, "10:51")]),
        line(&[
            (Column::Rad, "2"),
            (Column::DriftstoppStart, ""),
            (Column::RattarRad, "1"),
        ]),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.entries.len(), 2);
    let correction = &t.entries[1];
    assert_eq!(correction.kind, EntryKind::Correction);
    assert_eq!(correction.source.row, 1, "stands for the row it corrects");
    assert_eq!(correction.source.line, 3);
}

#[test]
fn a_paper_correction_may_name_a_row_of_another_sheet() {
    let (t, diags) = read(&[
        line(&[(Column::Rad, "8")]),
        line(&[
            (Column::Blad, "sunderby-medicin-61-002"),
            (Column::Rad, "1"),
            (Column::RattarRad, "001:8"),
        ]),
        line(&[
            (Column::Blad, "sunderby-medicin-61-002"),
            (Column::Rad, "2"),
            (Column::RattarRad, "sunderby-medicin-61-001 rad 8"),
        ]),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert!(
        t.entries[1..]
            .iter()
            .all(|e| e.source.sheet.serial == 1 && e.source.row == 8)
    );
}

#[test]
fn rejects_a_paper_correction_of_no_earlier_row() {
    assert_rejected(
        &[(Column::Rad, "3"), (Column::RattarRad, "2")],
        Column::RattarRad,
        "raden som rättas finns inte",
    );
    assert_rejected(
        &[(Column::Rad, "3"), (Column::RattarRad, "3")],
        Column::RattarRad,
        "rad 3 kan inte rätta rad 3",
    );
    assert_rejected(
        &[(Column::Rad, "3"), (Column::RattarRad, "lulea-001:2")],
        Column::RattarRad,
        "hör till en annan enhet",
    );
    assert_rejected(
        &[(Column::RattarRad, "förra")],
        Column::RattarRad,
        "är ingen rad",
    );
}

#[test]
fn reads_a_file_with_the_header_before_rattar_rad() {
    let old: Vec<&str> = columns::Format::WithoutCorrectionRow
        .columns()
        .map(|c| c.name())
        .collect();
    let mut fields: Vec<String> = base().into_iter().map(|(_, v)| v.to_owned()).collect();
    fields.remove(Column::RattarRad.index());
    let mut text = old.join(";");
    text.push('\n');
    csv::write_record(&mut text, &fields, ';');
    let mut v = Validator::new(kit(), now());
    v.read_text(FILE, &text);
    let (t, diags) = v.finish();
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(t.entries.len(), 1);
    assert_eq!(t.entries[0].signature, "SJ");
}

#[test]
fn the_paper_row_of_a_correction_cannot_be_typed_again_as_an_original() {
    let (t, diags) = read(&[
        line(&[]),
        line(&[(Column::Rad, "2"), (Column::RattarRad, "1")]),
        line(&[(Column::Rad, "2"), (Column::Klockslag, "11:00")]),
    ]);
    assert_eq!(t.entries.len(), 2);
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0]
            .contains("fält «post»: blad och rad finns redan på rad 3 i filen (den rättar rad 1)"),
        "{}",
        errors[0]
    );
}
