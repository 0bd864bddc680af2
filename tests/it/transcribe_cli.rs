//! `reservkit transcribe --template` and `--check`, run as the real binary on
//! fixtures copied into a temporary directory (so messages name the file as
//! the user typed it). Every kind of error has a fixture whose whole stderr
//! is asserted; the expected lines are written from the rules, not copied.
//!
//! Fixtures use fictional people and Skatteverket's test numbers only.

use reservkit::transcript::columns::Column;
use reservkit::transcript::csv;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2025-11-01 12:00";
const HEADER: &str = "blad;rad;driftstopp_start;datum;klockslag;tidszon;riktning;motpart;\
                      motpart_person;patient;id_typ;personnummer;handelse;datum_uppgift;\
                      lakare_kontakt;nadd;notering;signatur;rattar_rad;post;transkriberad_av;transkriberad";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    manifest().join("tests/fixtures/transcribe").join(name)
}

fn reservkit(dir: &Path, args: &[&str]) -> Output {
    let content = manifest().join("content");
    let content = content.to_str().expect("UTF-8 path");
    Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir)
        // The kit is loaded as of a fixed day, so the tests do not age.
        .env("SOURCE_DATE_EPOCH", "1798718400")
        .args(["transcribe", "--content", content, "--now", NOW])
        .args(args)
        .output()
        .expect("reservkit runs")
}

/// Copies the fixtures into a temporary directory and checks them there.
fn check(names: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    for name in names {
        std::fs::copy(fixture(name), dir.path().join(name)).expect("fixture copied");
    }
    let mut args = vec!["--check"];
    args.extend_from_slice(names);
    let out = reservkit(dir.path(), &args);
    assert!(out.stdout.is_empty(), "nothing on stdout");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

fn assert_check(name: &str, code: i32, expected: &[&str]) {
    let (actual_code, stderr) = check(&[name]);
    let mut want = expected.join("\n");
    want.push('\n');
    assert_eq!(stderr, want, "stderr of --check {name}");
    assert_eq!(actual_code, code, "exit code of --check {name}");
}

#[test]
fn template_is_the_header_only() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = reservkit(dir.path(), &["--template"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(text, format!("\u{feff}{HEADER}\r\n"));
}

#[test]
fn template_for_a_sheet_has_every_printed_row() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = reservkit(
        dir.path(),
        &["--template", "--sheet", "sunderby-medicin-61-007"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    // Header, rows 1–8 (kit.yaml: rows_per_sheet 8), and the final line end.
    assert_eq!(lines.len(), 10, "{text}");
    assert_eq!(lines[1], "sunderby-medicin-61-007;1;;;;;;;;;;;;;;;;;;;;");
    assert_eq!(lines[8], "sunderby-medicin-61-007;8;;;;;;;;;;;;;;;;;;;;");
    assert_eq!(lines[9], "");
    // An untouched template checks clean: unused rows are not data.
    std::fs::write(dir.path().join("mall.csv"), &text).expect("written");
    let out = reservkit(dir.path(), &["--check", "mall.csv"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).expect("UTF-8"),
        "0 rader lästa: 0 giltiga, 0 avvisade\n"
    );
}

#[test]
fn template_refuses_an_unknown_sheet() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = reservkit(dir.path(), &["--template", "--sheet", "avd-99-001"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert!(
        stderr.starts_with(
            "error: --sheet: enheten «avd-99» i bladnumret finns inte i kontaktkatalogen\n"
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn template_to_a_file_is_private_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = reservkit(dir.path(), &["--template", "--out", "blad7.csv"]);
    assert_eq!(out.status.code(), Some(0));
    let path = dir.path().join("blad7.csv");
    assert_eq!(
        std::fs::read_to_string(&path).expect("written"),
        format!("\u{feff}{HEADER}\r\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::write(&path, "redan ifylld").expect("written");
    let out = reservkit(dir.path(), &["--template", "--out", "blad7.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&path).expect("readable"),
        "redan ifylld"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for args in [
        &[][..],
        &["--check"][..],
        &["logg.csv"][..],
        &["--now", "i morgon", "--check", "logg.csv"][..],
        &["--template", "--check"][..],
    ] {
        let out = reservkit(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn checks_a_valid_file_with_bom_crlf_quotes_and_corrections() {
    assert_check("giltig.csv", 0, &["6 rader lästa: 6 giltiga, 0 avvisade"]);
}

#[test]
fn checks_a_valid_comma_file_across_the_autumn_change() {
    assert_check(
        "giltig-komma.csv",
        0,
        &["4 rader lästa: 4 giltiga, 0 avvisade"],
    );
}

#[test]
fn checks_several_files_at_once() {
    let (code, stderr) = check(&["giltig.csv", "fel-handelse.csv", "giltig-komma.csv"]);
    assert_eq!(code, 1);
    assert!(
        stderr.ends_with("11 rader lästa: 10 giltiga, 1 avvisad\n"),
        "{stderr}"
    );
}

#[test]
fn rejects_a_wrong_personnummer() {
    assert_check(
        "fel-personnummer.csv",
        1,
        &[
            "fel-personnummer.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «personnummer»: personnumret eller samordningsnumret är ogiltigt: fel kontrollsiffra",
            "fel-personnummer.csv:3: error: blad sunderby-medicin-61-007 rad 2, fält «personnummer»: personnumret eller samordningsnumret är ogiltigt: fel längd: 10 eller 12 siffror väntas",
            "2 fel, 0 varningar",
            "2 rader lästa: 0 giltiga, 2 avvisade",
        ],
    );
}

#[test]
fn rejects_spring_forward_gap_time() {
    assert_check(
        "fel-sommartid.csv",
        1,
        &[
            "fel-sommartid.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «klockslag»: klockslaget 02:30 finns inte 2025-03-30 (sommartid började 02:00)",
            "1 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn asks_for_the_offset_of_an_autumn_time() {
    assert_check(
        "fel-vintertid.csv",
        1,
        &[
            "fel-vintertid.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «tidszon»: klockslaget 02:30 inträffar två gånger 2025-10-26; ange tidszon +02:00 (sommartid) eller +01:00 (normaltid)",
            "1 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn rejects_a_call_before_the_outage() {
    assert_check(
        "fel-fore-driftstopp.csv",
        1,
        &[
            "fel-fore-driftstopp.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «klockslag»: samtalet 2025-03-03 07:45 är före driftstoppets början 2025-03-03 08:00",
            "  hjälp: kontrollera datum och klockslag mot bladets huvud",
            "1 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn rejects_a_call_after_now() {
    assert_check(
        "fel-efter-nu.csv",
        1,
        &[
            "fel-efter-nu.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «klockslag»: samtalet 2025-11-01 12:30 ligger efter nu (2025-11-01 12:00)",
            "1 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn rejects_a_call_before_2018() {
    assert_check(
        "fel-fore-2018.csv",
        1,
        &[
            "fel-fore-2018.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «datum»: datum «2017-12-31» är före 2018; rutinen och lagen (2017:612) gäller samtal från 2018",
            "1 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn rejects_an_unknown_or_own_counterpart() {
    assert_check(
        "fel-motpart.csv",
        1,
        &[
            "fel-motpart.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «motpart»: motparten (värdet visas inte) finns inte i kontaktkatalogen; skriv enhetens id",
            "  hjälp: menade du «lulea» (Luleå kommun)?",
            "fel-motpart.csv:3: error: blad sunderby-medicin-61-007 rad 2, fält «motpart»: motparten «sunderby-medicin-61» är bladets egen enhet; skriv den andra partens id",
            "2 fel, 0 varningar",
            "2 rader lästa: 0 giltiga, 2 avvisade",
        ],
    );
}

#[test]
fn rejects_an_unknown_sheet_unit_and_a_row_off_the_sheet() {
    assert_check(
        "fel-blad.csv",
        1,
        &[
            "fel-blad.csv:2: error: blad sunderby-medicin-99-007 rad 1, fält «blad»: enheten «sunderby-medicin-99» i bladnumret finns inte i kontaktkatalogen",
            "fel-blad.csv:3: error: blad sunderby-medicin-61-007 rad 13, fält «rad»: «13» är inget radnummer; bladet har rad 1–8",
            "2 fel, 0 varningar",
            "2 rader lästa: 0 giltiga, 2 avvisade",
        ],
    );
}

#[test]
fn rejects_an_event_code_not_in_the_kit() {
    assert_check(
        "fel-handelse.csv",
        1,
        &[
            "fel-handelse.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «handelse»: «9» är ingen händelsekod; koderna är 1, 2, 3, 4, 5, 6, 7, 8",
            "1 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn rejects_missing_facts_of_an_event() {
    assert_check(
        "fel-uppgifter.csv",
        1,
        &[
            "fel-uppgifter.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «datum_uppgift»: saknas; händelse 1 (Inskrivning) kräver beräknat utskrivningsdatum",
            "fel-uppgifter.csv:3: error: blad sunderby-medicin-61-007 rad 2, fält «lakare_kontakt»: saknas; händelse 2 (Nytt beräknat utskrivningsdatum) kräver läkare som bedömt",
            "fel-uppgifter.csv:4: error: blad sunderby-medicin-61-007 rad 3, fält «datum_uppgift»: datum och tid för SIP-möte (Fast vårdkontakt och datum för SIP): «2025-03-12» har fel form; skriv ÅÅÅÅ-MM-DD TT:MM, t.ex. 2025-03-03 08:15",
            "3 fel, 0 varningar",
            "3 rader lästa: 0 giltiga, 3 avvisade",
        ],
    );
}

#[test]
fn rejects_a_missing_or_changed_outage_start() {
    assert_check(
        "fel-driftstopp-start.csv",
        1,
        &[
            "fel-driftstopp-start.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «driftstopp_start»: saknas; bladets första rad i filen ska ha driftstoppets början",
            "  hjälp: skriv tiden från bladets huvud, ÅÅÅÅ-MM-DD TT:MM",
            "fel-driftstopp-start.csv:4: error: blad sunderby-medicin-61-007 rad 3, fält «driftstopp_start»: «2025-03-03 09:00» skiljer sig från bladets driftstopp_start 2025-03-03 08:00 på rad 3 i filen",
            "2 fel, 0 varningar",
            "3 rader lästa: 1 giltig, 2 avvisade",
        ],
    );
}

#[test]
fn rejects_a_correction_of_nothing_and_a_row_typed_twice() {
    assert_check(
        "fel-rattelse.csv",
        1,
        &[
            "fel-rattelse.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält «post»: rättelse men ingen tidigare rad för samma blad och rad",
            "  hjälp: en rättelse står efter raden den ersätter; skriv originalraden först (post tomt)",
            "fel-rattelse.csv:4: error: blad sunderby-medicin-61-007 rad 2, fält «post»: blad och rad finns redan på rad 3 i filen",
            "  hjälp: för att ändra en rad: lägg till en ny rad med «rättelse» i post; skriv aldrig över",
            "2 fel, 0 varningar",
            "3 rader lästa: 1 giltig, 2 avvisade",
        ],
    );
}

#[test]
fn rejects_values_outside_their_lists() {
    let prefix = "fel-varden.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält";
    assert_check(
        "fel-varden.csv",
        1,
        &[
            &format!(
                "{prefix} «id_typ»: «pass» är ingen id-typ; lämna tomt för personnummer eller samordningsnummer, skriv «reserv» för reservnummer (eller blankettens P, S eller R)"
            ),
            &format!("{prefix} «nadd»: «kanske» är varken «ja» eller «nej»"),
            &format!(
                "{prefix} «post»: «ändring» är ingen post; lämna tomt för originalraden eller skriv «rättelse» eller «makulering»"
            ),
            &format!(
                "{prefix} «riktning»: «uppringd» är ingen riktning; skriv «ut» (vi ringde) eller «in» (vi blev uppringda)"
            ),
            "4 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn never_echoes_patient_data_typed_into_the_wrong_column() {
    let prefix = "fel-forskjutna.csv:2: error: blad sunderby-medicin-61-007 rad 1, fält";
    assert_check(
        "fel-forskjutna.csv",
        1,
        &[
            &format!(
                "{prefix} «klockslag»: klockslag (värdet visas inte) har fel form; skriv TT:MM eller TT.MM, t.ex. 14:30"
            ),
            &format!(
                "{prefix} «motpart»: motparten «(patientuppgift)» finns inte i kontaktkatalogen; skriv enhetens id"
            ),
            &format!(
                "{prefix} «riktning»: (värdet visas inte) är ingen riktning; skriv «ut» (vi ringde) eller «in» (vi blev uppringda)"
            ),
            "3 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn rejects_a_file_with_the_wrong_header() {
    assert_check(
        "fel-rubrik.csv",
        1,
        &[
            "fel-rubrik.csv:1: error: kolumn 4 i rubrikraden heter «klockslag»; väntade «datum»; filens 2 rader kan inte läsas",
            &format!("  hjälp: första raden ska vara: {HEADER}"),
            "1 fel, 0 varningar",
            "2 rader lästa: 0 giltiga, 2 avvisade",
        ],
    );
}

#[test]
fn rejects_broken_quotes_and_reads_on() {
    assert_check(
        "fel-citat.csv",
        1,
        &[
            "fel-citat.csv:2: error: raden kan inte delas upp i fält: fält 17 har text efter det avslutande citattecknet; ett citattecken inuti ett fält skrivs som två (\"\")",
            "fel-citat.csv:3: error: raden kan inte delas upp i fält: citattecknet som öppnar ett fält på rad 3 stängs aldrig",
            "2 fel, 0 varningar",
            "2 rader lästa: 0 giltiga, 2 avvisade",
        ],
    );
}

#[test]
fn rejects_a_line_with_an_unquoted_separator() {
    assert_check(
        "fel-antal-falt.csv",
        1,
        &[
            "fel-antal-falt.csv:2: error: raden har 22 fält; väntade 21 (ett per kolumn i rubrikraden)",
            "  hjälp: ett värde som innehåller skiljetecknet ska stå inom citattecken",
            "1 fel, 0 varningar",
            "1 rad läst: 0 giltiga, 1 avvisad",
        ],
    );
}

#[test]
fn rejects_a_file_that_is_not_utf8() {
    assert_check(
        "fel-kodning.csv",
        1,
        &[
            "fel-kodning.csv:2: error: filen är inte UTF-8-text",
            "  hjälp: spara filen som «CSV UTF-8» i kalkylprogrammet (inte «CSV (semikolonavgränsad)»)",
            "1 fel, 0 varningar",
            "0 rader lästa: 0 giltiga, 0 avvisade",
        ],
    );
}

#[test]
fn rejects_a_file_that_does_not_exist() {
    let (code, stderr) = check(&[]);
    assert_eq!(code, 2, "{stderr}");
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = reservkit(dir.path(), &["--check", "saknas.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert!(
        stderr.starts_with("saknas.csv: error: kunde inte läsa filen: "),
        "{stderr}"
    );
}

#[test]
fn warnings_do_not_fail_the_check() {
    let prefix = "varningar.csv";
    let line = |n: usize, row: u32| {
        format!("{prefix}:{n}: warning: blad sunderby-medicin-61-007 rad {row}, fält")
    };
    assert_check(
        "varningar.csv",
        0,
        &[
            &format!(
                "{} «klockslag»: samtal till Luleå kommun kl 22:15 är utanför kommunens telefontider (07–22 alla dagar)",
                line(2, 1)
            ),
            &format!(
                "{} «riktning»: händelse 7 (Redo för hemtagning) rapporteras av kommun till slutenvård, men här ringde slutenvård (sunderby-medicin-61) till kommun (lulea)",
                line(3, 2)
            ),
            &format!(
                "{} «datum_uppgift»: händelse 3 (Utskrivningsklar) har ingen datumuppgift; värdet används inte",
                line(4, 3)
            ),
            &format!(
                "{} «lakare_kontakt»: händelse 3 (Utskrivningsklar) anger varken läkare eller fast vårdkontakt; värdet används inte",
                line(4, 3)
            ),
            "0 fel, 4 varningar",
            "3 rader lästa: 3 giltiga, 0 avvisade",
        ],
    );
}

#[test]
fn a_corrected_line_no_longer_fails_the_check() {
    assert_check(
        "rattad.csv",
        0,
        &[
            "rattad.csv:2: warning: blad sunderby-medicin-61-007 rad 1, fält «klockslag»: klockslag \"25:15\" finns inte; timmar 00–23 och minuter 00–59 (raden är ersatt av rättelsen på rad 3 i filen)",
            "0 fel, 1 varning",
            "2 rader lästa: 1 giltig, 1 avvisad (varav 1 ersatt av en senare rättelse)",
        ],
    );
}

#[test]
fn read_files_puts_every_line_of_every_fixture_in_entries_or_rejections() {
    let today = jiff::civil::date(2026, 12, 31);
    let kit = reservkit::load::load(&manifest().join("content"), today)
        .kit
        .expect("the shipped content loads");
    let now = reservkit::transcript::fields::date_time(NOW).expect("valid now");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(manifest().join("tests/fixtures/transcribe"))
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let (transcript, diags) = reservkit::transcript::read_files(&paths, &kit, now);
    assert_eq!(
        transcript.lines_read,
        transcript.entries.len() + transcript.rejections.len()
    );
    assert!(
        transcript.entries.len() >= 10,
        "{}",
        transcript.entries.len()
    );
    assert!(
        transcript.rejections.len() >= 20,
        "{}",
        transcript.rejections.len()
    );
    // Sorted by file, then line.
    let keys: Vec<(&str, usize)> = diags.iter().map(|d| (d.file.as_str(), d.line())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Every rejection has its reasons, and none names the patient.
    for r in &transcript.rejections {
        assert!(!r.reasons.is_empty(), "{r:?}");
        assert!(r.reasons.iter().all(|m| !m.contains("Testsson")), "{r:?}");
    }
}

#[test]
fn the_readme_example_passes_the_check() {
    let readme = std::fs::read_to_string(manifest().join("README.md")).expect("README");
    let section = readme
        .split("## Transcription format")
        .nth(1)
        .expect("README has a Transcription format section");
    let example = section
        .split("```csv\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a csv example");
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("exempel.csv"), example).expect("written");
    let out = reservkit(dir.path(), &["--check", "exempel.csv"]);
    assert_eq!(
        String::from_utf8(out.stderr).expect("UTF-8"),
        "6 rader lästa: 6 giltiga, 0 avvisade\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

/// Every written form of the identity numbers in a fixture, and the parts of
/// the patients' names, none of which may appear in any output.
fn secrets(name: &str) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(fixture(name)) else {
        // Not UTF-8: read it as Latin-1, byte for byte.
        let bytes = std::fs::read(fixture(name)).expect("fixture readable");
        let text: String = bytes.iter().map(|&b| char::from(b)).collect();
        return secrets_of(&text);
    };
    secrets_of(&text)
}

fn secrets_of(text: &str) -> Vec<String> {
    let table = csv::parse(text).expect("fixture has a header");
    // Rows that do not parse are split naively, so they are covered too.
    let naive = text
        .lines()
        .filter(|line| !line.contains("transkriberad_av"))
        .map(|line| csv::Record {
            line: 0,
            fields: line.split(table.separator).map(str::to_owned).collect(),
        });
    let rows: Vec<csv::Record> = table.rows.iter().flatten().cloned().chain(naive).collect();
    let mut out = Vec::new();
    for row in &rows {
        if let Some(name) = row.fields.get(Column::Patient.index()) {
            out.extend(
                name.split_whitespace()
                    .filter(|p| p.chars().count() >= 3)
                    .map(str::to_owned),
            );
        }
        if let Some(number) = row.fields.get(Column::Personnummer.index()) {
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 6 {
                out.push(number.trim().to_owned());
                out.push(digits.clone());
                // The birth date part, in the ten- and twelve-digit forms.
                out.push(digits[digits.len().saturating_sub(10)..][..6].to_owned());
            } else if !number.trim().is_empty() {
                out.push(number.trim().to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn messages_never_contain_a_personnummer_or_patient_name() {
    let dir = manifest().join("tests/fixtures/transcribe");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixture folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("UTF-8 name");
        if !name.ends_with(".csv") {
            continue;
        }
        let secrets = secrets(&name);
        assert!(!secrets.is_empty() || name == "fel-rubrik.csv", "{name}");
        let (_, stderr) = check(&[&name]);
        for secret in &secrets {
            assert!(
                !stderr.contains(secret.as_str()),
                "{name}: «{secret}» appears in:\n{stderr}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixtures");
}

/// Writes `lines` under `header` into a file and checks it.
fn check_text(header: &str, lines: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut text = format!("{header}\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(dir.path().join("logg.csv"), text).expect("written");
    let out = reservkit(dir.path(), &["--check", "logg.csv"]);
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

const ROW_1: &str = "sunderby-medicin-61-007;1;2025-03-03 08:00;2025-03-03;10:15;;ut;lulea;\
                     Karin Kontaktsson;Astrid Testsson;P;19900101-2385;3;;;ja;;SJ;;;\
                     Eva Skrivare;2025-03-05 09:00";

#[test]
fn a_file_typed_before_rattar_rad_still_passes() {
    let old = HEADER.replace(";rattar_rad", "");
    let row = "sunderby-medicin-61-007;1;2025-03-03 08:00;2025-03-03;10:15;;ut;lulea;\
               Karin Kontaktsson;Astrid Testsson;;19900101-2385;3;;;ja;;SJ;;\
               Eva Skrivare;2025-03-05 09:00";
    let correction = "sunderby-medicin-61-007;1;;2025-03-03;10:20;;ut;lulea;\
                      Karin Kontaktsson;Astrid Testsson;reserv;RN-2025-0042;3;;;ja;;SJ;rättelse;\
                      Eva Skrivare;2025-03-05 09:10";
    assert_eq!(
        check_text(&old, &[row, correction]),
        (0, "2 rader lästa: 2 giltiga, 0 avvisade\n".to_owned())
    );
    // A line of the new width in an old file is a shifted line.
    let (code, stderr) = check_text(&old, &[ROW_1]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("logg.csv:2: error: raden har 22 fält; väntade 21"),
        "{stderr}"
    );
}

#[test]
fn a_paper_correction_names_the_row_it_corrects() {
    let correction = ROW_1
        .replacen(";1;2025-03-03 08:00;", ";4;;", 1)
        .replace(";10:15;", ";10:25;")
        .replace(";SJ;;;", ";SJ;1;;");
    assert_eq!(
        check_text(HEADER, &[ROW_1, &correction]),
        (0, "2 rader lästa: 2 giltiga, 0 avvisade\n".to_owned())
    );
    // Only an earlier row can be corrected.
    let alone = correction.replacen(";4;;", ";4;2025-03-03 08:00;", 1);
    let (code, stderr) = check_text(HEADER, &[&alone]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "logg.csv:2: error: blad sunderby-medicin-61-007 rad 4, fält «rattar_rad»: \
         raden som rättas finns inte bland raderna före den här\n  \
         hjälp: skriv den rättade raden först, som den står på pappret\n\
         1 fel, 0 varningar\n1 rad läst: 0 giltiga, 1 avvisad\n"
    );
}

#[test]
fn the_papers_p_s_and_r_boxes_are_read_and_checked_against_the_number() {
    let samordning = ROW_1
        .replacen(";1;2025-03-03 08:00;", ";2;;", 1)
        .replace(";P;19900101-2385;", ";S;20220161-2393;");
    let reserve = ROW_1
        .replacen(";1;2025-03-03 08:00;", ";3;;", 1)
        .replace(";P;19900101-2385;", ";R;RN-2025-0042;");
    let wrong_box = ROW_1
        .replacen(";1;2025-03-03 08:00;", ";4;;", 1)
        .replace(";P;19900101-2385;", ";S;19900101-2385;");
    let (code, stderr) = check_text(HEADER, &[ROW_1, &samordning, &reserve, &wrong_box]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "logg.csv:5: warning: blad sunderby-medicin-61-007 rad 4, fält «id_typ»: \
         rutan S (samordningsnummer) är kryssad, men numret är ett personnummer; \
         kontrollera blanketten\n\
         0 fel, 1 varning\n4 rader lästa: 4 giltiga, 0 avvisade\n"
    );
}
