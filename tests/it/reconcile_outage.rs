//! A New Year outage as coordinators meet it, through the real binary on
//! the CSV files in `tests/fixtures/reconcile/nyarsveckan/`:
//!
//! - Medicinavdelning 61's sheet 1 typed by two coordinators (Tina and
//!   Olle): row 1 alike (a `dubblett`), row 8 with another time (held);
//! - Bodens kommun's rows as the party called, without the estimated
//!   discharge date or physician that only the ward gives, one of them
//!   with nobody named, and one rejected for a wrong check digit and then
//!   corrected;
//! - a call to Bodens kommun at 23:30, outside its phone hours;
//! - Luleå kommun sent no sheets but was told about Astrid's admission,
//!   utskrivningsklar and discharge, a stay that crosses New Year;
//! - Hertsöns hälsocentral reports a fast vårdkontakt and SIP meeting to
//!   the ward, whose own row has neither.
//!
//! Fictional people, Skatteverket's test numbers, PTS fiction phone ranges.
//! Test rates (2025: 1 000 kr, 2026: 2 000 kr) keep the sums checkable.

use std::path::Path;
use std::process::{Command, Output};

const FILES: [&str; 4] = [
    "avd61-tina.csv",
    "avd61-olle.csv",
    "boden.csv",
    "hc-hertson.csv",
];

fn reservkit(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("reservkit runs")
}

/// A project folder: the shipped content with test rates in `innehall/`
/// (not `content/`, so the summary must name the kit file it read), and
/// the outage's transcription files.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = dir.path().join("innehall");
    std::fs::create_dir_all(&content).expect("content");
    for name in ["contacts.yaml", "kit.yaml"] {
        std::fs::copy(root.join("content").join(name), content.join(name)).expect("copy");
    }
    let kit = std::fs::read_to_string(content.join("kit.yaml")).expect("kit.yaml");
    let start = kit.find("  rates:\n").expect("rates in kit.yaml");
    let end = start + kit[start..].find("\nprint:").expect("print after rates");
    let kit = format!(
        "{}  rates:\n    - year: 2025\n      amount_sek: 1000\n      source: testbelopp 2025\n    - year: 2026\n      amount_sek: 2000\n      source: testbelopp 2026\n{}",
        &kit[..start],
        &kit[end..]
    );
    std::fs::write(content.join("kit.yaml"), kit).expect("write kit.yaml");
    let rutin = root.join("content/rutin");
    std::fs::create_dir_all(content.join("rutin")).expect("rutin");
    for entry in std::fs::read_dir(rutin).expect("rutin") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), content.join("rutin").join(entry.file_name())).expect("copy");
    }
    let fixtures = root.join("tests/fixtures/reconcile/nyarsveckan");
    for name in FILES {
        std::fs::copy(fixtures.join(name), dir.path().join(name)).expect("fixture");
    }
    dir
}

fn text(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned()
}

fn read(dir: &Path, name: &str) -> String {
    text(&std::fs::read(dir.join(name)).expect(name))
}

#[test]
fn check_warns_about_a_sheet_typed_twice_and_counts_the_corrected_line() {
    let dir = project();
    let mut args = vec!["transcribe", "--content", "innehall", "--check"];
    args.extend(FILES);
    let out = reservkit(dir.path(), &args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    // The second coordinator is not told to add a rättelse for typing the
    // same sheet: a warning names both files and lines.
    assert!(
        stderr.contains(
            "avd61-olle.csv:3: warning: blad sunderby-medicin-61-001 rad 1, fält «post»: dubblett: samma blad och rad med samma innehåll finns på rad 3 i avd61-tina.csv; raden räknas en gång"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "avd61-olle.csv:4: warning: blad sunderby-medicin-61-001 rad 8, fält «post»: transkriberad två gånger med olika innehåll: samma blad och rad finns på rad 10 i avd61-tina.csv"
        ),
        "{stderr}"
    );
    // Boden's rows lack the ward's facts and are not refused for it.
    assert!(!stderr.contains("kräver"), "{stderr}");
    assert!(
        stderr.ends_with(
            "17 rader lästa: 16 giltiga, 1 avvisad (varav 1 ersatt av en senare rättelse)\n"
        ),
        "{stderr}"
    );
}

#[test]
fn reconciles_the_new_year_outage() {
    let dir = project();
    let mut args = vec![
        "reconcile",
        "--out",
        "avstamning",
        "--as-of",
        "2026-01-05",
        "--content",
        "innehall",
    ];
    args.extend(FILES);
    let out = reservkit(dir.path(), &args);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // 17 lines: 10 matched (5 calls with both sides), 3 one-sided (Luleå
    // sent nothing), 1 dubblett, 2 held (row 8 in both files), 1 rejected
    // and replaced by Boden's rättelse.
    assert!(
        stdout.contains("  avvisad vid transkriberingen: 0\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  avvisad, ersatt av senare rättelse: 1\n"),
        "{stdout}"
    );
    assert!(stdout.contains("Alla 17 rader redovisade.\n"), "{stdout}");

    let folder = dir.path().join("avstamning");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        // A hidden marker that says what wrote the folder is the output
        // module's business, not a record.
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    let units = ["boden", "hc-hertson", "lulea", "sunderby-medicin-61"];
    let mut expected: Vec<String> = [
        "avvikelser.csv",
        "betalningsansvar.csv",
        "blad.csv",
        "fall.json",
        "rader.csv",
        "sammanfattning.txt",
        "samtal.csv",
        "samtal.json",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(units.iter().flat_map(|u| {
        [
            format!("arbetslista-{u}.csv"),
            format!("arbetslista-{u}.pdf"),
        ]
    }))
    .collect();
    expected.sort();
    assert_eq!(names, expected);

    // Payment responsibility, by hand:
    // P001 Luleå: utskrivningsklar Sat 2025-12-27 10:00 (before 12:00), so
    //   it starts 3 days later, 2025-12-30; discharged 2026-01-02 (not
    //   counted): 2025-12-30, 2025-12-31 at 1 000 kr and 2026-01-01 at
    //   2 000 kr = 3 days, 4 000 kr.
    // P002 Boden: utskrivningsklar 2025-12-30 23:30 (after 12:00), so 4
    //   days later, 2026-01-03; still admitted on 2026-01-05 (not counted):
    //   2026-01-03 and 2026-01-04 at 2 000 kr = 2 days, 4 000 kr.
    let payment = read(&folder, "betalningsansvar.csv");
    assert!(
        payment.contains("P001;lulea;Luleå kommun;ja;\"betalningsansvar; utskriven\";S00002;2025-12-27 10:00;2025-12-30;2026-01-02;utskrivning (S00008);3;4000;;"),
        "{payment}"
    );
    assert!(
        payment.contains("P002;boden;Bodens kommun;ja;\"betalningsansvar; fortfarande inskriven per 2026-01-05\";S00005;2025-12-30 23:30;2026-01-03;2026-01-05;fortfarande inskriven per 2026-01-05;2;4000;;"),
        "{payment}"
    );

    let summary = read(&folder, "sammanfattning.txt");
    assert!(
        summary.contains("\nInställningar (innehall/kit.yaml)\n"),
        "{summary}"
    );

    let discrepancies = read(&folder, "avvikelser.csv");
    // Boden's rows are evidence of the calls; the corrected line is settled.
    assert!(
        !discrepancies.contains("ingen rad hos mottagaren (Bodens kommun)"),
        "{discrepancies}"
    );
    assert!(!discrepancies.contains("avvisad rad"), "{discrepancies}");
    for typ in [
        ";utanför kommunens telefontid;P002;S00005;",
        ";nådd utan namngiven person;P002;S00004;",
        ";dubblett;",
        ";transkriberad två gånger med olika innehåll;",
        ";blad transkriberat två gånger;",
    ] {
        assert!(discrepancies.contains(typ), "{typ}: {discrepancies}");
    }

    // Luleå sent no sheets but must check the notices it received.
    let lulea = read(&folder, "arbetslista-lulea.csv");
    assert!(
        lulea.contains("startar betalningsansvar 2025-12-30 (3 dagar, utskriven 2026-01-02)"),
        "{lulea}"
    );
    // The note carries the row's own notering and the caller's facts.
    let ward = read(&folder, "arbetslista-sunderby-medicin-61.csv");
    assert!(
        ward.contains("Beräknat utskrivningsdatum 2026-01-08. Bedömt av läkare Karl Kurvsson. Noterat: Utskrivningsklar flyttad till 8/1."),
        "{ward}"
    );
    assert!(
        ward.contains(
            "Fast vårdkontakt Sara Samordnare. SIP-möte 2026-01-08 kl. 10:00. Noterat: SIP bokad."
        ),
        "{ward}"
    );

    for name in names.iter().filter(|n| !n.ends_with(".pdf")) {
        insta::assert_snapshot!(format!("nyarsveckan-{name}"), read(&folder, name));
    }
    for unit in units {
        let bytes = std::fs::read(folder.join(format!("arbetslista-{unit}.pdf"))).expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"), "{unit}");
    }
    pdf_text_checks(&folder);
}

/// What the printed worklists say, read back by Poppler's pdftotext when
/// it is installed (skipped otherwise, like the other checkers).
fn pdf_text_checks(folder: &Path) {
    let pdf_text = |unit: &str| -> Option<String> {
        let out = Command::new("pdftotext")
            .arg(folder.join(format!("arbetslista-{unit}.pdf")))
            .arg("-")
            .output()
            .ok()?;
        out.status.success().then(|| text(&out.stdout))
    };
    let Some(lulea) = pdf_text("lulea") else {
        eprintln!("pdftotext saknas: PDF-texten kontrolleras inte");
        return;
    };
    let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let lulea = squash(&lulea);
    assert!(
        lulea.contains("Att kontrollera: meddelanden som kommunen tog emot"),
        "{lulea}"
    );
    assert!(lulea.contains("startar betalningsansvar"), "{lulea}");
    let ward = squash(&pdf_text("sunderby-medicin-61").expect("ward pdf"));
    assert!(ward.contains("utanför kommunens telefontid"), "{ward}");
}

/// `--no-pdf`: the same record files, byte for byte, and no printable
/// worklists; the command says what it left out.
#[test]
fn no_pdf_writes_the_same_records_without_the_printouts() {
    let dir = project();
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "reconcile",
            "--out",
            out,
            "--as-of",
            "2026-01-05",
            "--content",
            "innehall",
        ];
        args.extend(extra);
        args.extend(FILES);
        let run = reservkit(dir.path(), &args);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        text(&run.stdout)
    };
    let full = run("hela", &[]);
    let quick = run("snabb", &["--no-pdf"]);
    let files = |folder: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join(folder))
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.'))
            .collect();
        names.sort();
        names
    };
    let (all, records) = (files("hela"), files("snabb"));
    let pdfs: Vec<&String> = all.iter().filter(|n| n.ends_with(".pdf")).collect();
    assert!(!pdfs.is_empty(), "{all:?}");
    assert!(records.iter().all(|n| !n.ends_with(".pdf")), "{records:?}");
    let without_pdfs: Vec<&String> = all.iter().filter(|n| !n.ends_with(".pdf")).collect();
    assert_eq!(without_pdfs, records.iter().collect::<Vec<_>>());
    for name in &records {
        assert_eq!(
            std::fs::read(dir.path().join("hela").join(name)).expect(name),
            std::fs::read(dir.path().join("snabb").join(name)).expect(name),
            "{name} differs with --no-pdf"
        );
    }
    assert!(
        full.contains(&format!("Skrev {} filer till", all.len())),
        "{full}"
    );
    assert!(
        quick.contains(&format!("Skrev {} filer till", records.len())),
        "{quick}"
    );
    assert!(
        quick.contains("Inga arbetslistor som PDF (--no-pdf)"),
        "{quick}"
    );
    assert!(!full.contains("--no-pdf"), "{full}");
}
