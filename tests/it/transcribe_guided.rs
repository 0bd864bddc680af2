//! Guided entry (`reservkit transcribe FILE --sheet SHEET`) driven the way
//! it is tested and scripted: answers piped on stdin, one per line. Checks
//! the file written (byte for byte), its permissions, resuming after an
//! interrupted session, corrections and voiding, and that what guided entry
//! writes passes `--check`.
//!
//! Patients are fictional; numbers are Skatteverket's test numbers.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const SHEET: &str = "sunderby-medicin-61-007";
const HEADER: &str = "blad;rad;driftstopp_start;datum;klockslag;tidszon;riktning;motpart;\
                      motpart_person;patient;id_typ;personnummer;handelse;datum_uppgift;\
                      lakare_kontakt;nadd;notering;signatur;rattar_rad;post;transkriberad_av;transkriberad";

/// Row 1 as guided entry writes it for [`ROW_1`] at 2025-03-05 09:00.
const LINE_1: &str = "sunderby-medicin-61-007;1;2025-03-03 08:00;2025-03-03;10:15;;ut;lulea;\
                      Karin Kontaktsson;Astrid Testsson;;19900101-2385;1;2025-03-10;;ja;\
                      \"Inskriven; rapport lämnad\";SJ;;;Eva Skrivare;2025-03-05 09:00";

/// Answers for row 1: an admission phoned to Luleå kommun.
const ROW_1: &[&str] = &[
    "2025-03-03",
    "10.15",
    "ut",
    "lulea",
    "Karin Kontaktsson",
    "Astrid Testsson",
    "",
    "900101-2385",
    "1",
    "2025-03-10",
    "ja",
    "Inskriven; rapport lämnad",
    "SJ",
    "",
    "j",
];

/// Answers for row 2: utskrivningsklar phoned to Hertsöns hälsocentral,
/// typed as the start of its name; the date is the default from row 1.
const ROW_2: &[&str] = &[
    "",
    "10:40",
    "ut",
    "hertsöns",
    "",
    "Bo Exempelberg",
    "",
    "201701012393",
    "3",
    "nej",
    "",
    "MK",
    "",
    "j",
];

const LINE_2: &str = "sunderby-medicin-61-007;2;2025-03-03 08:00;2025-03-03;10:40;;ut;hc-hertson;;\
                      Bo Exempelberg;;20170101-2393;3;;;nej;;MK;;;Eva Skrivare;2025-03-05 09:00";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn guided(dir: &Path, extra: &[&str], now: &str, answers: &[&[&str]]) -> Run {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut child = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir)
        // The kit is loaded as of a fixed day, so the tests do not age.
        .env("SOURCE_DATE_EPOCH", "1798718400")
        .args(["transcribe", "--content"])
        .arg(&content)
        .args(["--now", now])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("reservkit starts");
    let mut script = String::new();
    for line in answers.iter().flat_map(|a| a.iter()) {
        script.push_str(line);
        script.push('\n');
    }
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("script written");
    let out = child.wait_with_output().expect("reservkit ends");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

fn enter(dir: &Path, now: &str, answers: &[&[&str]]) -> Run {
    guided(
        dir,
        &["logg.csv", "--sheet", SHEET, "--by", "Eva Skrivare"],
        now,
        answers,
    )
}

fn file_lines(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("logg.csv")).expect("file written");
    let text = text.strip_prefix('\u{feff}').expect("starts with a BOM");
    let body = text.strip_suffix("\r\n").expect("ends with CRLF");
    body.split("\r\n").map(str::to_owned).collect()
}

fn check(dir: &Path) -> Run {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let out = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1798718400")
        .args(["transcribe", "--content"])
        .arg(&content)
        .args(["--now", "2025-11-01 12:00", "--check", "logg.csv"])
        .output()
        .expect("reservkit runs");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

#[test]
fn writes_confirmed_rows_to_a_new_private_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let run = enter(
        dir.path(),
        "2025-03-05 09:00",
        &[&["2025-03-03 08:00"], ROW_1, ROW_2, &["klar"]],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(file_lines(dir.path()), [HEADER, LINE_1, LINE_2]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("logg.csv"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    for expected in [
        "Skapade logg.csv (bara du kan läsa filen).",
        "— Blad sunderby-medicin-61-007 rad 1 —",
        "Rad 1 sparad.",
        "Datum (ÅÅÅÅ-MM-DD) [2025-03-03]: ",
        "  → hc-hertson (Hertsöns hälsocentral)",
        "Rad 2 sparad.",
        "Klart. 2 rader sparades den här gången i logg.csv.",
    ] {
        assert!(
            run.stdout.lines().any(|l| l == expected),
            "missing {expected:?} in:\n{}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains('\x1b'), "no colours when piped");
    let checked = check(dir.path());
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert_eq!(checked.stderr, "2 rader lästa: 2 giltiga, 0 avvisade\n");
}

#[test]
fn an_interrupted_session_keeps_saved_rows_and_resumes() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // The script ends in the middle of row 2, as when the terminal closes.
    let first = enter(
        dir.path(),
        "2025-03-05 09:00",
        &[&["2025-03-03 08:00"], ROW_1, &ROW_2[..4]],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("Rad 2 sparades inte.\n"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains(
            "Inmatningen tog slut. 1 rad sparades den här gången; den finns kvar i logg.csv."
        ),
        "{}",
        first.stdout
    );
    assert_eq!(file_lines(dir.path()), [HEADER, LINE_1]);

    // The next session asks nothing about the outage, starts at row 2 and
    // offers the date of the sheet's last row.
    let second = enter(dir.path(), "2025-03-05 09:00", &[ROW_2, &["klar"]]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stdout.contains(
            "Filen har redan rader för bladet till och med rad 1; fortsätter på rad 2.\n"
        ),
        "{}",
        second.stdout
    );
    assert!(
        second
            .stdout
            .contains("Driftstoppet började 2025-03-03 08:00 enligt filen.\n")
    );
    assert!(!second.stdout.contains("Driftstoppet började (ÅÅÅÅ"));
    assert_eq!(file_lines(dir.path()), [HEADER, LINE_1, LINE_2]);
    assert_eq!(check(dir.path()).code, 0);
}

#[test]
fn corrects_a_row_by_appending_a_correction() {
    let dir = tempfile::tempdir().expect("temporary directory");
    enter(
        dir.path(),
        "2025-03-05 09:00",
        &[&["2025-03-03 08:00"], ROW_1, &["klar"]],
    );
    // Keep every value but the time; clear the note with "-".
    let correction: &[&str] = &[
        "rätta 1", "", "10:20", "", "", "", "", "", "", "", "", "", "-", "", "j", "klar",
    ];
    let run = enter(dir.path(), "2025-03-05 09:30", &[correction]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Klockslag (TT:MM) [10:15]: "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Patientens namn [Astrid Testsson]: "));
    assert!(run.stdout.contains("Rad 1 rättad (rättelse sparad).\n"));
    let corrected = "sunderby-medicin-61-007;1;2025-03-03 08:00;2025-03-03;10:20;;ut;lulea;\
                     Karin Kontaktsson;Astrid Testsson;;19900101-2385;1;2025-03-10;;ja;;SJ;;\
                     rättelse;Eva Skrivare;2025-03-05 09:30";
    // The original line stays as it was; the correction is appended.
    assert_eq!(file_lines(dir.path()), [HEADER, LINE_1, corrected]);
    let checked = check(dir.path());
    assert_eq!(checked.stderr, "2 rader lästa: 2 giltiga, 0 avvisade\n");
}

#[test]
fn voids_a_row_by_appending_a_makulering() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let run = enter(
        dir.path(),
        "2025-03-05 09:00",
        &[&["2025-03-03 08:00"], ROW_1, &["makulera 1", "j", "klar"]],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Makulera raden? [j/n]: \nRad 1 makulerad.\n")
    );
    let lines = file_lines(dir.path());
    assert_eq!(lines.len(), 3);
    assert!(
        lines[2].ends_with(";SJ;;makulering;Eva Skrivare;2025-03-05 09:00"),
        "{}",
        lines[2]
    );
    assert_eq!(check(dir.path()).code, 0);
}

#[test]
fn refuses_bad_values_and_asks_again() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let row: &[&str] = &[
        "2025-03-03",
        "25:00",
        "07:30",
        "10:15",
        "ut",
        "medicin",
        "xyz",
        "sunderby-medicin-61",
        "lul",
        "Karin Kontaktsson",
        "Astrid Testsson",
        "",
        "19900101-2386",
        "19900101-2385",
        "9",
        "?",
        "1",
        "2025-03-10",
        "kanske",
        "ja",
        "Inskriven; rapport lämnad",
        "SJ",
        "",
        "j",
    ];
    let run = enter(
        dir.path(),
        "2025-03-05 09:00",
        &[&["2025-03-03 08:00"], row, &["klar"]],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  Fel: "))
        .collect();
    assert_eq!(
        errors,
        [
            "  Fel: klockslag \"25:00\" finns inte; timmar 00–23 och minuter 00–59",
            "  Fel: samtalet 2025-03-03 07:30 är före driftstoppets början 2025-03-03 08:00",
            "  Fel: flera enheter passar «medicin»; skriv fler tecken eller enhetens id:",
            "  Fel: ingen enhet i kontaktkatalogen har id eller namn som börjar med «xyz»",
            "  Fel: det är bladets egen enhet; skriv motpartens id",
            "  Fel: personnumret eller samordningsnumret är ogiltigt: fel kontrollsiffra",
            "  Fel: «9» är ingen händelsekod; koderna är 1, 2, 3, 4, 5, 6, 7, 8",
            "  Fel: «kanske» är varken «ja» eller «nej»",
        ]
    );
    // The ambiguous prefix lists the candidates, never the sheet's own unit.
    assert!(
        run.stdout
            .contains("\n    sunderby-medicin-62        Medicinavdelning 62, Sunderby sjukhus\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("    sunderby-medicin-61 "));
    // `?` lists the event codes.
    assert!(run.stdout.contains("\n  7  Redo för hemtagning\n"));
    assert!(run.stdout.contains("  → lulea (Luleå kommun)\n"));
    assert_eq!(file_lines(dir.path()), [HEADER, LINE_1]);
}

#[test]
fn asks_for_the_offset_in_the_autumn_and_refuses_the_spring_gap() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let row: &[&str] = &[
        "2025-10-26",
        "02:30",
        "+01:00",
        "ut",
        "hc-hertson",
        "Lena Lotsdotter",
        "Bo Exempelberg",
        "",
        "201701012393",
        "8",
        "ja",
        "",
        "MK",
        "",
        "j",
    ];
    let run = guided(
        dir.path(),
        &[
            "logg.csv",
            "--sheet",
            "sunderby-medicin-61-008",
            "--by",
            "Eva Skrivare",
        ],
        "2025-10-27 08:00",
        &[&["2025-10-26 01:00"], row, &["klar"]],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(
        "Klockslaget inträffar två gånger den dagen; tidszon (+02:00 första gången, +01:00 andra gången): \n"
    ));
    let lines = file_lines(dir.path());
    assert!(
        lines[1]
            .starts_with("sunderby-medicin-61-008;1;2025-10-26 01:00;2025-10-26;02:30;+01:00;ut;"),
        "{}",
        lines[1]
    );
    assert_eq!(check(dir.path()).code, 0);

    let spring: &[&str] = &["2025-03-30", "02:30", "03:10", "klar"];
    let run = guided(
        dir.path(),
        &[
            "logg.csv",
            "--sheet",
            "sunderby-medicin-61-009",
            "--by",
            "Eva Skrivare",
        ],
        "2025-03-31 08:00",
        &[&["2025-03-30 01:00"], spring],
    );
    assert!(
        run.stdout
            .contains("  Fel: klockslaget 02:30 finns inte 2025-03-30 (sommartid började 02:00)\n")
    );
}

#[test]
fn asks_who_is_typing_when_not_given() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let run = guided(
        dir.path(),
        &["logg.csv", "--sheet", SHEET],
        "2025-03-05 09:00",
        &[&["Eva Skrivare", "2025-03-03 08:00"], ROW_1, &["klar"]],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Ditt namn (transkriberad av): \n"));
    assert_eq!(file_lines(dir.path()), [HEADER, LINE_1]);
}

#[test]
fn refuses_a_file_that_is_not_a_transcription() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("logg.csv"), "namn;telefon\n").expect("written");
    let run = enter(dir.path(), "2025-03-05 09:00", &[ROW_1]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error: logg.csv är ingen transkriberingsfil: "),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("logg.csv")).expect("readable"),
        "namn;telefon\n"
    );
}

#[test]
fn a_second_session_on_the_same_file_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut first = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "1798718400")
        .args(["transcribe", "--content"])
        .arg(&content)
        .args(["--now", "2025-03-05 09:00", "logg.csv", "--sheet", SHEET])
        .args(["--by", "Eva Skrivare"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("reservkit starts");
    let mut stdin = first.stdin.take().expect("stdin");
    let mut script = String::from("2025-03-03 08:00\n");
    for answer in ROW_1 {
        script.push_str(answer);
        script.push('\n');
    }
    stdin.write_all(script.as_bytes()).expect("row 1 typed");
    stdin.flush().expect("flushed");
    // The first session has saved row 1 and waits for row 2, holding the file.
    let saved = std::time::Instant::now();
    while !std::fs::read_to_string(dir.path().join("logg.csv"))
        .unwrap_or_default()
        .contains("Astrid Testsson")
    {
        assert!(
            saved.elapsed() < std::time::Duration::from_secs(20),
            "the first session never saved row 1"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let before = std::fs::read(dir.path().join("logg.csv")).expect("readable");

    let second = guided(
        dir.path(),
        &["logg.csv", "--sheet", SHEET, "--by", "Per Skrivare"],
        "2025-03-05 09:10",
        &[ROW_2, &["klar"]],
    );
    assert_eq!(second.code, 1, "{}", second.stderr);
    let expected = format!(
        "error: logg.csv används redan av en annan guidad inmatning (Eva Skrivare, process {}, \
         sedan 2025-03-05 09:00); inget skrevs.",
        first.id()
    );
    assert!(second.stderr.starts_with(&expected), "{}", second.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("logg.csv")).expect("readable"),
        before,
        "the second session wrote nothing"
    );

    let mut script = String::new();
    for answer in ROW_2.iter().chain(&["klar"]) {
        script.push_str(answer);
        script.push('\n');
    }
    stdin.write_all(script.as_bytes()).expect("row 2 typed");
    drop(stdin);
    let out = first.wait_with_output().expect("reservkit ends");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(file_lines(dir.path()), [HEADER, LINE_1, LINE_2]);
    assert!(
        !dir.path().join("logg.csv.lås").exists(),
        "the note on who holds the file goes with the session"
    );
    let checked = check(dir.path());
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert_eq!(checked.stderr, "2 rader lästa: 2 giltiga, 0 avvisade\n");

    // Once the first has finished, the file is free again.
    let third = enter(dir.path(), "2025-03-05 09:20", &[&["klar"]]);
    assert_eq!(third.code, 0, "{}", third.stderr);
}

#[test]
fn needs_a_known_sheet() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let run = guided(dir.path(), &["logg.csv"], "2025-03-05 09:00", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: ange bladet att skriva in med --sheet BLAD\n")
    );
    let run = guided(
        dir.path(),
        &["logg.csv", "--sheet", "sunderby-medicin-99-001"],
        "2025-03-05 09:00",
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(!dir.path().join("logg.csv").exists(), "nothing created");
    assert!(run.stdout.is_empty());
}

#[test]
fn answering_no_asks_the_row_again_with_the_typed_values() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut first = ROW_1.to_vec();
    *first.last_mut().expect("confirmation") = "n";
    // Second round: keep everything but the time.
    let again: &[&str] = &[
        "", "10:17", "", "", "", "", "", "", "", "", "", "", "", "", "j", "klar",
    ];
    let run = enter(
        dir.path(),
        "2025-03-05 09:00",
        &[&["2025-03-03 08:00"], &first, again],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Raden sparades inte. Fyll i den igen; tom inmatning behåller värdet.\n")
    );
    assert_eq!(
        file_lines(dir.path()),
        [HEADER, &LINE_1.replace(";10:15;", ";10:17;")]
    );
}

#[test]
fn a_full_sheet_still_takes_corrections() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut text = format!("\u{feff}{HEADER}\r\n");
    for row in 1..=8 {
        let line = LINE_1.replacen(";1;", &format!(";{row};"), 1);
        text.push_str(&line);
        text.push_str("\r\n");
    }
    std::fs::write(dir.path().join("logg.csv"), &text).expect("written");
    let correction: &[&str] = &[
        "rätta 8", "", "", "", "", "", "", "", "", "", "", "", "", "", "j", "klar",
    ];
    let run = enter(dir.path(), "2025-03-05 10:00", &[&["11:00"], correction]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "Filen har redan rader för bladet till och med rad 8; fortsätter på rad 9.\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Bladet är fullt (8 rader)."));
    assert!(
        run.stdout
            .contains("  Fel: skriv rätta N, makulera N eller klar\n")
    );
    assert!(run.stdout.contains("Rad 8 rättad (rättelse sparad).\n"));
    let lines = file_lines(dir.path());
    assert_eq!(lines.len(), 10);
    assert!(
        lines[9].starts_with("sunderby-medicin-61-007;8;"),
        "{}",
        lines[9]
    );
    assert!(lines[9].ends_with(";rättelse;Eva Skrivare;2025-03-05 10:00"));
}

#[test]
fn the_called_party_may_leave_the_callers_facts_empty() {
    // The ward was called by Hertsöns hälsocentral about the fast
    // vårdkontakt and SIP meeting but noted neither: kit.yaml's fact_rows
    // asks them of the caller's row only, so empty answers are taken.
    let dir = tempfile::tempdir().expect("temporary directory");
    let row: &[&str] = &[
        "2025-03-03",
        "11:05",
        "in",
        "hc-hertson",
        "Sara Samordnare",
        "Dagny Exempel",
        "",
        "202201612393",
        "6",
        "",
        "",
        "ja",
        "SIP bokad",
        "SJ",
        "",
        "j",
    ];
    let run = enter(
        dir.path(),
        "2025-03-05 09:00",
        &[&["2025-03-03 08:00"], row, &["klar"]],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains("fältet måste fyllas i"),
        "{}",
        run.stdout
    );
    assert_eq!(
        file_lines(dir.path())[1],
        "sunderby-medicin-61-007;1;2025-03-03 08:00;2025-03-03;11:05;;in;hc-hertson;\
         Sara Samordnare;Dagny Exempel;;20220161-2393;6;;;ja;SIP bokad;SJ;;;Eva Skrivare;\
         2025-03-05 09:00"
    );
    let checked = check(dir.path());
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert_eq!(checked.stderr, "1 rad läst: 1 giltig, 0 avvisade\n");
}

#[test]
fn a_paper_row_that_corrects_an_earlier_row_is_saved_as_its_correction() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // Row 2 on paper corrects row 1: same call, the right time. The id box
    // is typed as on paper (P).
    let mut row_2 = ROW_1.to_vec();
    row_2[0] = "";
    row_2[1] = "10:25";
    row_2[6] = "p";
    row_2[13] = "1";
    let run = enter(
        dir.path(),
        "2025-03-05 09:00",
        &[&["2025-03-03 08:00"], ROW_1, &row_2, &["klar"]],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "Rättar rad (tomt, eller numret på raden som rättas): ",
        "  Rättar rad:  1",
        "  Patient:     Astrid Testsson, personnummer 19900101-2385",
        "Rad 2 sparad.",
        "— Blad sunderby-medicin-61-007 rad 3 —",
    ] {
        assert!(
            run.stdout.lines().any(|l| l == expected),
            "missing {expected:?} in:\n{}",
            run.stdout
        );
    }
    let paper = LINE_1
        .replacen(";1;", ";2;", 1)
        .replace(";10:15;", ";10:25;")
        .replace(";;19900101-2385;", ";P;19900101-2385;")
        .replace(";SJ;;;", ";SJ;1;;");
    assert_eq!(file_lines(dir.path()), [HEADER, LINE_1, &paper]);
    let checked = check(dir.path());
    assert_eq!(checked.stderr, "2 rader lästa: 2 giltiga, 0 avvisade\n");

    // Row 1, as corrected on paper, can still be struck out; row 2 on
    // paper is the correction, so it is changed through row 1.
    let run = enter(
        dir.path(),
        "2025-03-05 09:10",
        &[&["rätta 2", "makulera 1", "j", "klar"]],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "  Fel: rad 2 rättar rad 1 (rad 3 i filen); skriv «rätta 1» eller «makulera 1»\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Rad 1 makulerad.\n"), "{}", run.stdout);
    let lines = file_lines(dir.path());
    assert!(
        lines[3].starts_with("sunderby-medicin-61-007;1;")
            && lines[3].ends_with(";SJ;;makulering;Eva Skrivare;2025-03-05 09:10"),
        "{}",
        lines[3]
    );
    assert_eq!(check(dir.path()).code, 0);
}

#[test]
fn a_file_typed_before_rattar_rad_gets_lines_in_its_own_columns() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let old_header = HEADER.replace(";rattar_rad", "");
    let old_line = LINE_1.replace(";SJ;;;", ";SJ;;");
    std::fs::write(
        dir.path().join("logg.csv"),
        format!("\u{feff}{old_header}\r\n{old_line}\r\n"),
    )
    .expect("written");
    // Without the column, «Rättar rad» is not asked: ROW_2 without it.
    let mut row_2 = ROW_2.to_vec();
    row_2.remove(12);
    let run = enter(dir.path(), "2025-03-05 09:00", &[&row_2, &["klar"]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Rättar rad"), "{}", run.stdout);
    assert_eq!(
        file_lines(dir.path()),
        [
            old_header.as_str(),
            &old_line,
            &LINE_2.replace(";MK;;;", ";MK;;")
        ]
    );
    assert_eq!(check(dir.path()).code, 0);
}
