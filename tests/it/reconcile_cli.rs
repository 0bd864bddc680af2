//! The `reconcile` command run as a user runs it: the real binary in a
//! temporary folder, with the exit code and stderr checked for each refusal.

use std::path::Path;
use std::process::{Command, Output};

fn reservkit(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("reservkit runs")
}

/// A project folder with the shipped content and one transcription file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    copy_dir(&content, &dir.path().join("content"));
    std::fs::create_dir_all(dir.path().join("output/site")).expect("output");
    std::fs::write(dir.path().join("blad.csv"), "").expect("input");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn refuses_an_output_folder_inside_the_site_output_or_content() {
    let dir = project();
    for out in ["output/avstamning", "content/avstamning", "output", "."] {
        let result = reservkit(dir.path(), &["reconcile", "blad.csv", "--out", out]);
        assert_eq!(result.status.code(), Some(2), "{out}: {}", stderr(&result));
        assert!(
            stderr(&result).starts_with("error: "),
            "{}",
            stderr(&result)
        );
    }
    let result = reservkit(
        dir.path(),
        &["reconcile", "blad.csv", "--out", "output/../content/x"],
    );
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).contains("får inte ligga i eller omfatta content"),
        "{}",
        stderr(&result)
    );
    assert!(!dir.path().join("content/x").exists());
}

#[test]
fn refuses_a_folder_that_holds_other_files() {
    let dir = project();
    std::fs::create_dir_all(dir.path().join("dokument")).expect("dir");
    std::fs::write(dir.path().join("dokument/brev.txt"), "viktigt").expect("file");
    let result = reservkit(dir.path(), &["reconcile", "blad.csv", "--out", "dokument"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).contains("ingen tidigare avstämning"),
        "{}",
        stderr(&result)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("dokument/brev.txt")).expect("kept"),
        "viktigt"
    );
}

#[test]
fn refuses_a_bad_as_of_date_and_a_missing_file() {
    let dir = project();
    let result = reservkit(
        dir.path(),
        &[
            "reconcile",
            "blad.csv",
            "--out",
            "avst",
            "--as-of",
            "2025-02-30",
        ],
    );
    assert_eq!(result.status.code(), Some(2));
    assert!(stderr(&result).contains("--as-of"), "{}", stderr(&result));
    let result = reservkit(dir.path(), &["reconcile", "saknas.csv", "--out", "avst"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(stderr(&result).contains("saknas.csv: filen finns inte"));
    assert!(!dir.path().join("avst").exists());
}

#[test]
fn writes_nothing_when_a_file_cannot_be_read_as_a_whole() {
    // An empty file (no header row): its lines were never read, so
    // reconciling the rest would silently lose them.
    let dir = project();
    let result = reservkit(
        dir.path(),
        &[
            "reconcile",
            "blad.csv",
            "--out",
            "avst",
            "--as-of",
            "2025-03-12",
        ],
    );
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("blad.csv: error: filen är tom"),
        "{}",
        stderr(&result)
    );
    assert!(
        stderr(&result).contains("Inget skrevs"),
        "{}",
        stderr(&result)
    );
    assert!(!dir.path().join("avst").exists());
}

/// The fixture outage: Medicinavdelning 61 and Luleå kommun, one corrected
/// row, one row Boden never logged (Boden sent no file), one rejected line.
fn fixture_outage(dir: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reconcile/utbrott");
    for name in ["sunderby-medicin-61.csv", "lulea.csv"] {
        std::fs::copy(fixture.join(name), dir.join(name)).expect("copy fixture");
    }
}

#[test]
fn reconciles_transcribed_files_end_to_end() {
    let dir = project();
    fixture_outage(dir.path());
    let args = [
        "reconcile",
        "sunderby-medicin-61.csv",
        "lulea.csv",
        "--out",
        "avstamning",
        "--as-of",
        "2025-03-12",
    ];
    let result = reservkit(dir.path(), &args);
    let out = String::from_utf8_lossy(&result.stdout).into_owned();
    assert_eq!(result.status.code(), Some(0), "{}{out}", stderr(&result));
    assert!(
        out.starts_with("Avstämning per 2025-03-12 (--as-of).\n"),
        "{out}"
    );
    assert!(out.contains("  samtal: matchad: 6\n"), "{out}");
    assert!(out.contains("  ersatt av rättelse: 1\n"), "{out}");
    assert!(out.contains("  avvisad vid transkriberingen: 1\n"), "{out}");
    assert!(out.contains("Alla 10 rader redovisade.\n"), "{out}");
    // The rejected line is reported by place and reason, not by its content.
    assert!(
        stderr(&result).contains("lulea.csv:5: error: blad lulea-001 rad 4"),
        "{}",
        stderr(&result)
    );
    for text in [&out, &stderr(&result)] {
        for secret in [
            "19310113",
            "193101139198",
            "Testsson",
            "Provsson",
            "Exempelsson",
        ] {
            assert!(!text.contains(secret), "patient data printed: {text}");
        }
    }
    let folder = dir.path().join("avstamning");
    let payment = std::fs::read_to_string(folder.join("betalningsansvar.csv")).expect("csv");
    // content/kit.yaml has no rate for 2025: the days are counted, the
    // amount is left empty and the missing year is named.
    assert!(payment.contains(
        "P001;lulea;Luleå kommun;ja;\"betalningsansvar; utskriven\";S00002;2025-03-03 10:15;2025-03-06;2025-03-10;utskrivning (S00005);4;;2025;belopp saknas för 2025\r\n"
    ), "{payment}");
    assert!(payment.contains(
        "P002;boden;Bodens kommun;ja;\"betalningsansvar; fortfarande inskriven per 2025-03-12\";S00004;2025-03-03 13:50;2025-03-07;2025-03-12;"
    ), "{payment}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&folder.join("fall.json")), 0o600);
    }

    // Run again over the earlier result: replaced whole, byte for byte the same.
    let before = std::fs::read(folder.join("samtal.csv")).expect("first");
    let again = reservkit(dir.path(), &args);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        std::fs::read(folder.join("samtal.csv")).expect("second"),
        before
    );
}

#[test]
fn says_which_date_it_counted_to_when_not_told() {
    let dir = project();
    fixture_outage(dir.path());
    let result = reservkit(dir.path(), &["reconcile", "lulea.csv", "--out", "avst"]);
    let out = String::from_utf8_lossy(&result.stdout).into_owned();
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(
        out.contains("(dagens datum; ange --as-of för ett annat)"),
        "{out}"
    );
}

/// Appends lines to the fixture's `lulea.csv`.
fn append_to_lulea(dir: &Path, lines: &[String]) {
    let path = dir.join("lulea.csv");
    let mut text = std::fs::read_to_string(&path).expect("fixture");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(path, text).expect("written");
}

/// Every file of a reconciliation that must hold no patient data, by name.
fn shared_files(folder: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).expect("folder") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name == "fall.json" || name.starts_with("arbetslista-") {
            continue;
        }
        files.push((name, std::fs::read_to_string(&path).expect("UTF-8")));
    }
    assert!(files.len() >= 7, "{files:?}");
    files
}

#[test]
fn patient_data_typed_into_wrong_columns_stays_out_of_messages_and_shared_files() {
    let dir = project();
    fixture_outage(dir.path());
    append_to_lulea(
        dir.path(),
        &[
            // Shifted: the number and the name in the first columns.
            "19310113-9198;Astrid Testsson;lulea-001;5;;2025-03-05;09:00;;in;sunderby-medicin-61;Anna Andersson;Astrid Testsson;;19310113-9198;8;;;ja;;Erik Ek;;Tina Transkribent;2025-03-12 11:04".into(),
            // Valid, but a patient's name in capitals for the person spoken
            // to, a number as the signature and a name in the note.
            "lulea-001;5;;2025-03-05;09:00;;in;sunderby-medicin-61;TESTSSON, ASTRID;Bertil Provsson;;19380102-9202;8;;;ja;ring bertil provsson;19380102-9202;;Tina Transkribent;2025-03-12 11:04".into(),
            // The patient column empty and the name under motpart.
            "lulea-001;6;;2025-03-05;09:10;;in;Cecilia Exempelsson;;;;19440101-2391;8;;;ja;;Erik Ek;;Tina Transkribent;2025-03-12 11:05".into(),
            // A reservnummer, repeated in the note and by the transcriber.
            "lulea-001;7;;2025-03-05;09:20;;in;sunderby-medicin-61;Anna Andersson;Dagny Exempel;reserv;RN-2025-0042;8;;;ja;samma som RN-2025-0042;Erik Ek;;Tina RN-2025-0042;2025-03-12 11:06".into(),
        ],
    );
    let secrets = [
        "testsson",
        "provsson",
        "exempelsson",
        "dagny exempel",
        "rn-2025-0042",
        "19310113",
        "310113",
        "19380102",
        "380102",
        "19440101",
        "440101",
    ];
    let leaks = |place: &str, text: &str| {
        let lower = text.to_lowercase();
        for secret in secrets {
            assert!(!lower.contains(secret), "{secret} in {place}:\n{text}");
        }
    };

    let checked = reservkit(
        dir.path(),
        &[
            "transcribe",
            "--check",
            "sunderby-medicin-61.csv",
            "lulea.csv",
        ],
    );
    let check_err = stderr(&checked);
    assert_eq!(checked.status.code(), Some(1), "{check_err}");
    leaks("--check", &check_err);
    for expected in [
        "lulea.csv:6: error: raden har 23 fält; väntade 21 (ett per kolumn i rubrikraden)\n",
        "lulea.csv:7: warning: blad lulea-001 rad 5, fält «signatur»: innehåller något som liknar ett personnummer (värdet visas inte); identitetsnummer hör hemma bara i «personnummer»\n",
        "lulea.csv:8: error: blad lulea-001 rad 6, fält «motpart»: motparten (värdet visas inte) finns inte i kontaktkatalogen; skriv enhetens id\n",
    ] {
        assert!(check_err.contains(expected), "{expected}in:\n{check_err}");
    }

    let result = reservkit(
        dir.path(),
        &[
            "reconcile",
            "sunderby-medicin-61.csv",
            "lulea.csv",
            "--out",
            "avst",
            "--as-of",
            "2025-03-12",
        ],
    );
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    leaks("stderr", &stderr(&result));
    leaks("stdout", &String::from_utf8_lossy(&result.stdout));
    let folder = dir.path().join("avst");
    let files = shared_files(&folder);
    for (name, text) in &files {
        leaks(name, text);
    }
    let calls = &files
        .iter()
        .find(|(n, _)| n == "samtal.json")
        .expect("json")
        .1;
    assert!(calls.contains("(patientuppgift)"), "{calls}");
    let lines = &files.iter().find(|(n, _)| n == "rader.csv").expect("csv").1;
    assert!(
        lines.contains("lulea.csv;6;;;;avvisad vid transkriberingen;\"raden har 23 fält;"),
        "{lines}"
    );
    // Where patient data belongs, it is kept.
    let cases = std::fs::read_to_string(folder.join("fall.json")).expect("fall.json");
    assert!(cases.contains("Astrid Testsson") && cases.contains("Bertil Provsson"));
}

#[test]
fn a_value_too_long_for_its_column_is_refused_and_the_worklist_is_still_made() {
    let dir = project();
    fixture_outage(dir.path());
    let long_name = "Astrid ".repeat(214);
    let long_note = "n".repeat(500);
    append_to_lulea(
        dir.path(),
        &[
            format!(
                "lulea-001;5;;2025-03-05;09:00;;in;sunderby-medicin-61;Anna Andersson;{};;19380102-9202;8;;;ja;;Erik Ek;;Tina Transkribent;2025-03-12 11:04",
                long_name.trim()
            ),
            format!(
                "lulea-001;6;;2025-03-05;09:10;;in;sunderby-medicin-61;Anna Andersson;Bertil Provsson;;19380102-9202;8;;;ja;{long_note};Erik Ek;;Tina Transkribent;2025-03-12 11:05"
            ),
        ],
    );
    let checked = reservkit(
        dir.path(),
        &[
            "transcribe",
            "--check",
            "sunderby-medicin-61.csv",
            "lulea.csv",
        ],
    );
    let check_err = stderr(&checked);
    assert_eq!(checked.status.code(), Some(1), "{check_err}");
    assert!(
        check_err.contains(
            "lulea.csv:6: error: blad lulea-001 rad 5, fält «patient»: värdet har 1497 tecken; högst 100 får plats (värdet visas inte)\n"
        ),
        "{check_err}"
    );
    assert!(!check_err.contains("Astrid"), "{check_err}");
    assert!(
        !check_err.contains("lulea.csv:7"),
        "500 characters fit a note: {check_err}"
    );

    let result = reservkit(
        dir.path(),
        &[
            "reconcile",
            "sunderby-medicin-61.csv",
            "lulea.csv",
            "--out",
            "avst",
            "--as-of",
            "2025-03-12",
        ],
    );
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    let pdf = std::fs::read(dir.path().join("avst/arbetslista-lulea.pdf")).expect("worklist PDF");
    assert!(pdf.starts_with(b"%PDF-"));
    let lines = std::fs::read_to_string(dir.path().join("avst/rader.csv")).expect("rader.csv");
    assert!(
        lines.contains("lulea.csv;6;lulea-001;5;;avvisad vid transkriberingen;"),
        "{lines}"
    );
    assert!(
        lines.contains("lulea.csv;7;lulea-001;6;original;"),
        "{lines}"
    );
}

/// The outage fixture with its typed `rättelse` of row 2 written instead as
/// the paper has it: a new row 6 whose «Rättar rad» is 2, in a file with the
/// current header, next to a file with the header from before `rattar_rad`.
#[test]
fn a_correction_on_a_new_paper_row_replaces_the_row_it_names() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reconcile");
    let run = |folder: &str| {
        let dir = project();
        for name in ["sunderby-medicin-61.csv", "lulea.csv"] {
            std::fs::copy(fixture.join(folder).join(name), dir.path().join(name))
                .expect("copy fixture");
        }
        let args = [
            "reconcile",
            "sunderby-medicin-61.csv",
            "lulea.csv",
            "--out",
            "avstamning",
            "--as-of",
            "2025-03-12",
        ];
        let result = reservkit(dir.path(), &args);
        let out = String::from_utf8_lossy(&result.stdout).into_owned();
        assert_eq!(result.status.code(), Some(0), "{}{out}", stderr(&result));
        let payment = std::fs::read_to_string(dir.path().join("avstamning/betalningsansvar.csv"))
            .expect("csv");
        (out, payment)
    };
    let (out, payment) = run("pappersrattelse");
    assert!(out.contains("  samtal: matchad: 6\n"), "{out}");
    assert!(out.contains("  ersatt av rättelse: 1\n"), "{out}");
    assert!(out.contains("Alla 10 rader redovisade.\n"), "{out}");
    // The same paper, the same result as with the correction typed as a
    // `rättelse` of row 2.
    let (typed_out, typed_payment) = run("utbrott");
    assert_eq!(payment, typed_payment);
    let counts = |out: &str| out.split("Skrev ").next().map(str::to_owned);
    assert_eq!(counts(&out), counts(&typed_out));
}
