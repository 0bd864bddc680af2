//! End-to-end checks of the printouts' PDF writer: byte-identical output,
//! refusal of characters the fonts lack, and a sample PDF checked with the
//! Poppler, qpdf and zbar command line tools where they are installed (with
//! `CI=true` a missing tool fails the test instead of skipping the check).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use reservkit::print::{
    Align, Column, Document, Flow, FlowStyle, Item, Margins, PageDecor, PageSize, PdfMeta,
    PrintError, Table, TextStyle, to_pdf,
};

const URL: &str = "https://insidan.example.se/reservrutin-lifecare/utskrifter.html";
const SWEDISH: &str = "Åsa Öberg ringde Älvsbyns kommun 07–22";

fn decor() -> PageDecor {
    PageDecor {
        footer_lines: vec![
            "Reservkit 2026.11, kontaktuppgifter per 2026-11-20".to_string(),
            "Äldre utskrifter ska kastas.".to_string(),
        ],
        qr_url: Some(URL.to_string()),
        origin: Vec::new(),
    }
}

fn meta(title: &str) -> PdfMeta {
    PdfMeta::new(title, jiff::civil::date(2026, 11, 20))
}

/// Portrait page with Swedish text, landscape page with a table; QR code
/// for the printouts page in every footer.
fn sample() -> Document {
    let mut flow = Flow::new(
        "Reservrutin – provutskrift",
        PageSize::A4Portrait,
        Margins::default(),
        FlowStyle::default(),
        decor(),
    )
    .expect("flow");
    flow.heading("Samtalslogg vid driftstopp i Lifecare SP", 16.0)
        .expect("heading");
    flow.paragraph(SWEDISH, TextStyle::regular(11.0))
        .expect("paragraph");
    flow.paragraph(
        "Gäller när Lifecare SP inte går att använda i mer än 3 timmar. Skriv varje samtal \
         på en egen rad, med tid, vem som ringde och vad som bestämdes. Lämna loggen till \
         den som för in uppgifterna i systemet när det fungerar igen.",
        TextStyle::regular(10.0),
    )
    .expect("paragraph");
    flow.bullets(
        &[
            "Ring kommunens sjuksköterska via växeln – dygnet runt.",
            "Kontrollera att utskriften är den senaste ✓",
            "Patienter ≥ 65 år: meddela hemtjänsten → samma dag.",
        ],
        TextStyle::regular(10.0),
    )
    .expect("bullets");
    flow.paragraph(
        "Högerställd rad",
        TextStyle::bold(9.0).aligned(Align::Right),
    )
    .expect("right");
    flow.new_page_in(PageSize::A4Landscape).expect("landscape");
    flow.heading("Samtal med kommunerna", 14.0)
        .expect("heading");
    let mut table = Table::new(vec![
        Column {
            width_mm: 12.0,
            align: Align::Right,
        },
        Column::new(22.0),
        Column::new(60.0),
        Column::new(90.0),
        Column::new(40.0),
        Column::new(43.0),
    ]);
    table.header = [
        "Nr",
        "Tid",
        "Kommun",
        "Ärende",
        "Signatur",
        "Införd i Lifecare",
    ]
    .map(String::from)
    .to_vec();
    table.min_row_height_mm = 9.0;
    table.rows = vec![
        vec![
            "1".into(),
            "07.40".into(),
            "Älvsbyns kommun".into(),
            "Åsa Öberg: utskrivning från avd. 5, läkemedelslista faxad".into(),
            "ÅÖ".into(),
            "☐".into(),
        ],
        vec![
            "2".into(),
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "☐".into(),
        ],
        vec![
            "3".into(),
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "☐".into(),
        ],
    ];
    flow.table(&table).expect("table");
    flow.finish().expect("finish")
}

/// Finds `name` on PATH. Missing: `Err` with CI=true, else a note and `None`.
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is not installed (apt-get install -y --no-install-recommends qpdf poppler-utils zbar-tools)"
        );
        eprintln!("note: {name} not installed, skipping that check");
    }
    found
}

fn run(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .expect("tool starts");
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn sample_pdf_passes_the_pdf_tools() {
    let doc = sample();
    assert_eq!(doc.pages.len(), 2, "{}", doc.dump());
    let started = Instant::now();
    let bytes = to_pdf(&doc, &meta(&doc.title)).expect("pdf");
    eprintln!(
        "sample PDF: {} bytes, {} pages, made in {:.1} ms",
        bytes.len(),
        doc.pages.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("prov.pdf");
    std::fs::write(&pdf, &bytes).expect("write pdf");
    if let Some(keep) = std::env::var_os("RESERVKIT_KEEP_SAMPLE") {
        std::fs::write(Path::new(&keep).join("prov.pdf"), &bytes).expect("keep sample");
    }
    let pdf_arg = pdf.to_str().expect("utf-8 temp path");

    if let Some(qpdf) = tool("qpdf") {
        let out = run(&qpdf, &["--check", pdf_arg]);
        assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    }
    if let Some(pdffonts) = tool("pdffonts") {
        let out = run(&pdffonts, &[pdf_arg]);
        let fonts: Vec<&str> = out
            .lines()
            .skip(2)
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(fonts.len(), 2, "{out}");
        for line in fonts {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let n = cols.len();
            assert!(cols[0].starts_with("ReservkitSans"), "{line}");
            assert_eq!(cols[n - 5], "yes", "not embedded: {line}");
            assert_eq!(cols[n - 3], "yes", "no unicode map: {line}");
        }
    }
    if let Some(pdfinfo) = tool("pdfinfo") {
        let out = run(&pdfinfo, &["-f", "1", "-l", "2", pdf_arg]);
        let size = |page: &str| {
            out.lines()
                .find(|l| l.starts_with(&format!("Page {page:>4} size:")))
                .map(|l| l.split_once(':').map_or("", |(_, v)| v.trim()).to_string())
        };
        assert_eq!(
            size("1").as_deref(),
            Some("595.28 x 841.89 pts (A4)"),
            "{out}"
        );
        assert_eq!(
            size("2").as_deref(),
            Some("841.89 x 595.28 pts (A4)"),
            "{out}"
        );
        assert!(
            !out.contains("PDF subtype"),
            "must not claim PDF/X or PDF/A: {out}"
        );
        assert!(
            out.contains("Title:           Reservrutin – provutskrift"),
            "{out}"
        );
        assert!(out.contains("Creator:         reservkit"), "{out}");
        assert!(out.contains("CreationDate:"), "{out}");
    }
    if let Some(pdftotext) = tool("pdftotext") {
        let out = run(&pdftotext, &["-layout", pdf_arg, "-"]);
        for expected in [
            SWEDISH,
            "Sida 1 av 2",
            "Sida 2 av 2",
            "Äldre utskrifter ska kastas.",
            "Införd i Lifecare",
            "Patienter ≥ 65 år: meddela hemtjänsten → samma dag.",
        ] {
            assert!(out.contains(expected), "{expected:?} not in:\n{out}");
        }
    }
    if let (Some(pdftoppm), Some(zbarimg)) = (tool("pdftoppm"), tool("zbarimg")) {
        let prefix = dir.path().join("sida");
        let prefix_arg = prefix.to_str().expect("utf-8 temp path");
        run(&pdftoppm, &["-r", "200", "-png", pdf_arg, prefix_arg]);
        for page in ["sida-1.png", "sida-2.png"] {
            let png = dir.path().join(page);
            let out = run(&zbarimg, &["-q", "--raw", png.to_str().expect("utf-8")]);
            assert_eq!(out.trim(), URL, "{page}");
        }
    }
}

/// Three different documents, then the same three again in the same
/// process: every PDF must come out byte for byte the same.
#[test]
fn identical_input_gives_identical_bytes() {
    let docs = [
        sample(),
        {
            let mut d = Document::new("Blankett");
            let mut page = reservkit::print::Page::new(PageSize::A4Portrait);
            page.items
                .push(Item::text(20.0, 20.0, 12.0, true, "Blankett 1"));
            page.items.push(Item::line(20.0, 25.0, 190.0, 25.0, 0.5));
            d.pages.push(page);
            d
        },
        {
            let mut f = Flow::new(
                "Ringlista",
                PageSize::A4Landscape,
                Margins::default(),
                FlowStyle::default(),
                PageDecor::default(),
            )
            .expect("flow");
            f.paragraph("Växeln, anknytning 100", TextStyle::regular(10.0))
                .expect("paragraph");
            f.finish().expect("finish")
        },
    ];
    let first: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| to_pdf(d, &meta(&d.title)).expect("pdf"))
        .collect();
    let second: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| to_pdf(d, &meta(&d.title)).expect("pdf"))
        .collect();
    for (k, (a, b)) in first.iter().zip(&second).enumerate() {
        assert!(a == b, "document {k} differs between runs");
    }
    assert_ne!(first[0], first[1]);
    assert_ne!(first[1], first[2]);
    // A different date changes the bytes; the same date does not.
    let other_day = PdfMeta::new(&docs[1].title, jiff::civil::date(2026, 11, 21));
    assert_ne!(to_pdf(&docs[1], &other_day).expect("pdf"), first[1]);
}

#[test]
fn characters_outside_the_fonts_are_refused_by_name() {
    for (text, missing) in [("Flyg ✈ till Kiruna", '✈'), ("Patient 漢 Öberg", '漢')] {
        let mut doc = Document::new("Fel");
        let mut page = reservkit::print::Page::new(PageSize::A4Portrait);
        page.items.push(Item::text(20.0, 20.0, 10.0, false, text));
        doc.pages.push(page);
        let err = to_pdf(&doc, &meta("Fel")).expect_err("must refuse");
        match &err {
            PrintError::MissingGlyphs {
                text_excerpt,
                chars,
            } => {
                assert_eq!(chars, &vec![missing]);
                assert_eq!(text_excerpt, text);
            }
            other => panic!("wrong error: {other:?}"),
        }
        assert!(err.to_string().contains(missing), "{err}");

        let mut flow = Flow::new(
            "Fel",
            PageSize::A4Portrait,
            Margins::default(),
            FlowStyle::default(),
            PageDecor::default(),
        )
        .expect("flow");
        // Layout places the text, so that every such character of every
        // document can be reported; the PDF writer refuses it.
        flow.paragraph(text, TextStyle::regular(10.0))
            .expect("laid out");
        let doc = flow.finish().expect("finished");
        let found: Vec<char> = doc.missing_glyphs().iter().map(|m| m.c).collect();
        assert_eq!(found, vec![missing]);
        let err = to_pdf(&doc, &meta("Fel")).expect_err("must refuse");
        assert!(matches!(err, PrintError::MissingGlyphs { .. }));
    }
}
