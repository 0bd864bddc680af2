//! The printed kit read back by tools that are not ours: qpdf checks the
//! structure, Poppler (`pdfinfo`, `pdffonts`, `pdftotext`, `pdftoppm`) the
//! paper size, fonts and text, zbar the QR code, and MuPDF is a second text
//! reader.
//!
//! The real binary builds the kit from `content/` and `templates/` once into
//! a folder under Cargo's test directory; every test reads that build. What
//! the PDFs must say comes from the content (loaded with the library) and
//! from the built site. A missing tool skips its test with a note, except in
//! CI (`CI=true`), where it fails: `bash .ci/run` installs them all.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use reservkit::model::{Kit, Role, UnitKind};
use reservkit::printouts::routine::{self, Block};

/// The build day of [`crate::support::SOURCE_DATE_EPOCH`], on which every
/// contact in `content/` is verified (not in the future, not overdue).
const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 25);

const A4_PORTRAIT: &str = "595.28 x 841.89 pts (A4)";
const A4_LANDSCAPE: &str = "841.89 x 595.28 pts (A4)";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The tool on `PATH`, or `None` after a note (a failure in CI).
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let message = format!(
            "{name} is not installed; `bash .ci/run` installs it \
             (apt-get install -y --no-install-recommends qpdf poppler-utils zbar-tools mupdf-tools)"
        );
        assert!(!in_ci(), "{message}");
        let _ = writeln!(std::io::stderr(), "note: skipping: {message}");
    }
    found
}

/// Runs `program` and returns its stdout; panics with everything on failure.
fn run(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?} exited with {}:\n{}{}",
        program.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

/// The kit built once by the real binary: the output folder.
fn built() -> &'static Path {
    crate::support::built_kit()
}

fn kit() -> &'static Kit {
    static KIT: OnceLock<Kit> = OnceLock::new();
    KIT.get_or_init(|| {
        reservkit::load::load(&repo().join("content"), TODAY)
            .kit
            .expect("content/ loads")
    })
}

/// Every PDF under `print/`, as (path relative to `print/`, full path).
fn pdfs() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
        for entry in std::fs::read_dir(dir).expect("read print/") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "pdf") {
                let rel = path
                    .strip_prefix(base)
                    .expect("under print/")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, path));
            }
        }
    }
    let base = built().join("print");
    let mut out = Vec::new();
    walk(&base, &base, &mut out);
    out.sort();
    assert!(
        out.len() >= 10,
        "only {} PDFs in {}",
        out.len(),
        base.display()
    );
    out
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn is_form(rel: &str) -> bool {
    rel.starts_with("samtalslogg")
}

/// The page counts the printouts page states: `utskrifter/<file>` → pages.
fn stated_page_counts() -> BTreeMap<String, usize> {
    let html = std::fs::read_to_string(built().join("site/utskrifter.html"))
        .expect("site/utskrifter.html");
    let mut out = BTreeMap::new();
    for piece in html.split("<a href=\"utskrifter/").skip(1) {
        let (file, rest) = piece.split_once('"').expect("href ends");
        let count = rest
            .split_once("(PDF, ")
            .and_then(|(_, r)| r.split_once(' '))
            .and_then(|(n, _)| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("no page count after {file}"));
        assert!(
            out.insert(file.to_string(), count).is_none(),
            "{file} listed twice"
        );
    }
    out
}

/// The kit version as the site's about page states it.
fn site_version() -> String {
    let html = std::fs::read_to_string(built().join("site/om.html")).expect("site/om.html");
    let (_, rest) = html
        .split_once("Kitversion</dt><dd><span class=\"kod\">")
        .expect("about page states the kit version");
    rest.split_once('<').expect("version ends").0.to_string()
}

/// `base_url` as written in `content/kit.yaml`.
fn base_url_in_kit_yaml() -> String {
    let yaml = std::fs::read_to_string(repo().join("content/kit.yaml")).expect("kit.yaml");
    let line = yaml
        .lines()
        .find_map(|l| l.strip_prefix("base_url:"))
        .expect("kit.yaml sets base_url");
    line.trim().trim_matches('"').to_string()
}

/// `pdftotext -layout` of a PDF, one string per page.
fn text_pages(pdftotext: &Path, pdf: &Path) -> Vec<String> {
    let text = run(pdftotext, &["-layout", arg(pdf), "-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// [`text_pages`] of every PDF, extracted once for all tests.
fn all_text_pages(pdftotext: &Path) -> &'static BTreeMap<String, Vec<String>> {
    static TEXTS: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        pdfs()
            .into_iter()
            .map(|(rel, path)| {
                let pages = text_pages(pdftotext, &path);
                (rel, pages)
            })
            .collect()
    })
}

/// The text of one PDF under `print/`, pages in order.
fn text_of<'a>(pdftotext: &Path, rel: &str) -> &'a [String] {
    all_text_pages(pdftotext)
        .get(rel)
        .unwrap_or_else(|| panic!("no {rel} under print/"))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pdf_path(rel: &str) -> PathBuf {
    built().join("print").join(rel)
}

// ------------------------------------------------------------------- tests

#[test]
fn every_pdf_passes_qpdf_structure_check() {
    let Some(qpdf) = tool("qpdf") else { return };
    for (rel, path) in pdfs() {
        let out = run(&qpdf, &["--check", arg(&path)]);
        assert!(
            out.contains("No syntax or stream encoding errors"),
            "{rel}: {out}"
        );
    }
}

#[test]
fn every_pdf_embeds_its_fonts_with_a_unicode_map() {
    let Some(pdffonts) = tool("pdffonts") else {
        return;
    };
    for (rel, path) in pdfs() {
        let out = run(&pdffonts, &[arg(&path)]);
        let fonts: Vec<&str> = out
            .lines()
            .skip(2)
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert!(!fonts.is_empty(), "{rel}: no fonts\n{out}");
        for line in fonts {
            // name type… encoding emb sub uni object-id generation
            let cols: Vec<&str> = line.split_whitespace().collect();
            let n = cols.len();
            assert!(n >= 7, "{rel}: {line}");
            assert_eq!(cols[n - 5], "yes", "{rel}: font not embedded: {line}");
            assert_eq!(
                cols[n - 3],
                "yes",
                "{rel}: font without unicode map: {line}"
            );
        }
    }
}

#[test]
fn every_pdf_is_a4_in_its_orientation_with_the_page_count_the_printouts_page_states() {
    let Some(pdfinfo) = tool("pdfinfo") else {
        return;
    };
    let stated = stated_page_counts();
    let files = pdfs();
    let listed: BTreeSet<&str> = stated.keys().map(String::as_str).collect();
    let present: BTreeSet<&str> = files.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(listed, present, "printouts page and print/ differ");
    for (rel, path) in &files {
        let out = run(&pdfinfo, &["-f", "1", "-l", "100000", arg(path)]);
        let pages: usize = out
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{rel}: no page count\n{out}"));
        assert_eq!(Some(&pages), stated.get(rel), "{rel}: pages");
        let sizes: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("Page ") && l.contains(" size:"))
            .map(|l| l.split_once("size:").map_or("", |(_, s)| s.trim()))
            .collect();
        assert_eq!(sizes.len(), pages, "{rel}: {out}");
        let expected = if is_form(rel) {
            A4_LANDSCAPE
        } else {
            A4_PORTRAIT
        };
        for (k, size) in sizes.iter().enumerate() {
            assert_eq!(*size, expected, "{rel} page {}", k + 1);
        }
        // The site offers the same files.
        let site_copy = built().join("site/utskrifter").join(rel);
        assert!(
            std::fs::read(site_copy).expect("site copy") == std::fs::read(path).expect("pdf"),
            "{rel}: the site's copy differs"
        );
    }
}

#[test]
fn call_sheets_read_back_with_every_name_and_number_of_their_audience_and_no_other() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let kit = kit();
    for role in Role::ALL {
        let rel = format!("telefonlista-{}.pdf", role.id());
        let text = text_of(&pdftotext, &rel).concat();
        let listed = reservkit::printouts::call_sheet::kinds_for(role);
        let mut shown = BTreeSet::new();
        for &kind in listed {
            for unit in kit.directory.of_kind(kind) {
                assert!(text.contains(&unit.name), "{rel}: no {:?}", unit.name);
                for p in &unit.phones {
                    let number = p.number.national();
                    assert!(text.contains(&number), "{rel}: no {number} ({})", unit.name);
                    shown.insert(number);
                }
            }
        }
        for kind in [
            UnitKind::Ward,
            UnitKind::HealthCentre,
            UnitKind::Municipality,
        ] {
            if listed.contains(&kind) {
                continue;
            }
            for unit in kit.directory.of_kind(kind) {
                for p in &unit.phones {
                    let number = p.number.national();
                    assert!(
                        shown.contains(&number) || !text.contains(&number),
                        "{rel}: lists {number} of {}",
                        unit.name
                    );
                }
            }
        }
        let switchboard = kit.settings.switchboard.number.national();
        assert!(text.contains(&switchboard), "{rel}: no {switchboard}");
        let desk = kit.settings.service_desk.number.national();
        assert_eq!(
            text.contains(&desk),
            role != Role::Municipality,
            "{rel}: service desk {desk}"
        );
    }
}

#[test]
fn swedish_letters_read_back_exactly() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let sheet = text_of(&pdftotext, "telefonlista-slutenvard.pdf").concat();
    let form = text_of(&pdftotext, "samtalslogg-blank.pdf").concat();
    let all = format!("{sheet}{form}");
    for letter in ['å', 'ä', 'ö', 'Å', 'Ä', 'Ö'] {
        assert!(
            all.contains(letter),
            "no {letter} in the call sheet or the form"
        );
    }
    for words in [
        "Övertorneå kommun",
        "Älvsbyns kommun",
        "Överkalix kommun",
        "Luleå kommun",
        "Gällivare kommun",
        "Mjölkuddens hälsocentral",
        "Äldre utskrifter ska kastas.",
    ] {
        assert!(sheet.contains(words), "{words:?} not in the call sheet");
    }
    for words in ["ÅÅÅÅ-MM-DD", "ÅÅÅÅMMDD-NNNN", "Redatera aldrig", "Händelse"] {
        assert!(form.contains(words), "{words:?} not on the blank form");
    }
    for bad in ['\u{fffd}', 'Ã'] {
        assert!(!all.contains(bad), "mangled text: {bad:?}");
    }
}

#[test]
fn forms_read_back_with_their_sheet_number_on_each_page() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let kit = kit();
    let sheets = kit.settings.print.sheets_per_unit as usize;
    for unit in &kit.directory.units {
        let rel = format!("samtalslogg/{}.pdf", unit.id);
        let pages = text_of(&pdftotext, &rel);
        assert_eq!(pages.len(), sheets, "{rel}");
        for (k, page) in pages.iter().enumerate() {
            let number = format!("{}-{:03}", unit.id, k + 1);
            assert!(page.contains(&number), "{rel} page {}: no {number}", k + 1);
            let others = (1..=sheets)
                .filter(|s| *s != k + 1)
                .map(|s| format!("{}-{s:03}", unit.id))
                .filter(|n| page.contains(n.as_str()))
                .count();
            assert_eq!(others, 0, "{rel} page {}: another sheet's number", k + 1);
            assert!(
                page.contains(&format!("Sida {} av {sheets}", k + 1)),
                "{rel} page {}",
                k + 1
            );
        }
    }
    let blank = text_of(&pdftotext, "samtalslogg-blank.pdf").concat();
    assert!(blank.contains("Blad nr"), "{blank}");
}

#[test]
fn routine_reads_back_with_all_its_headings() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let kit = kit();
    let text = collapse(&text_of(&pdftotext, "rutin.pdf").concat());
    let mut headings = vec!["Rutin vid driftstopp i Lifecare SP".to_string()];
    for page in &kit.pages {
        headings.push(page.title.clone());
        for block in routine::blocks(&page.doc) {
            if let Block::Heading(_, h) = block {
                headings.push(h);
            }
        }
    }
    assert!(headings.len() > 5, "{headings:?}");
    for h in &headings {
        assert!(
            text.contains(&collapse(h)),
            "heading {h:?} not in rutin.pdf"
        );
    }
}

#[test]
fn no_pdf_text_looks_like_a_personnummer() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let version = site_version();
    for (rel, pages) in all_text_pages(&pdftotext) {
        // The kit version is a hexadecimal hash and may hold a digit run.
        let text = pages.concat().replace(&version, "");
        let mut run_ = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_digit() || ((c == '-' || c == '+') && !run_.is_empty()) {
                run_.push(c);
            } else {
                let digits = run_.chars().filter(char::is_ascii_digit).count();
                assert!(digits < 10, "{rel}: {run_:?} looks like a personnummer");
                run_.clear();
            }
        }
    }
}

#[test]
fn qr_codes_decode_to_the_printouts_page_of_this_kit_version() {
    let (Some(pdftoppm), Some(zbarimg)) = (tool("pdftoppm"), tool("zbarimg")) else {
        return;
    };
    let version = site_version();
    let expected = format!("{}utskrifter.html?kit={version}", base_url_in_kit_yaml());
    let dir = tempfile::tempdir().expect("temp dir");
    // The forms carry their own code, with the sheet number, top right:
    // tests/it/print_form_scan.rs decodes it where layout.json says it is.
    for rel in [
        "telefonlista-slutenvard.pdf".to_string(),
        "rutin.pdf".to_string(),
        "snabbkort-kommun.pdf".to_string(),
    ] {
        let prefix = dir.path().join(rel.replace(['/', '.'], "-"));
        // The code sits in the bottom right corner: render only that part
        // (a quarter of the height, half the width), ten times faster.
        let (w, h) = if is_form(&rel) {
            (2339, 1654)
        } else {
            (1654, 2339)
        };
        let (x, y, cw, ch) = (w / 2, h - h / 4, w / 2, h / 4);
        let crop = [x, y, cw, ch].map(|v: i32| v.to_string());
        run(
            &pdftoppm,
            &[
                "-r",
                "200",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-x",
                &crop[0],
                "-y",
                &crop[1],
                "-W",
                &crop[2],
                "-H",
                &crop[3],
                "-singlefile",
                arg(&pdf_path(&rel)),
                arg(&prefix),
            ],
        );
        let png = prefix.with_extension("png");
        let decoded = run(&zbarimg, &["-q", "--raw", arg(&png)]);
        assert_eq!(decoded.trim(), expected, "{rel}");
    }
    // The version the QR code carries is the one printed in the footers.
    if let Some(pdftotext) = tool("pdftotext") {
        let text = text_of(&pdftotext, "snabbkort-kommun.pdf").concat();
        assert!(text.contains(&format!("kitversion {version}")), "{text}");
    }
}

#[test]
fn mupdf_reads_the_same_names_and_numbers_from_a_call_sheet() {
    let Some(mutool) = tool("mutool") else { return };
    let kit = kit();
    let rel = "telefonlista-kommun.pdf";
    let text = run(
        &mutool,
        &["draw", "-q", "-F", "txt", "-o", "-", arg(&pdf_path(rel))],
    );
    for &kind in reservkit::printouts::call_sheet::kinds_for(Role::Municipality) {
        for unit in kit.directory.of_kind(kind) {
            assert!(text.contains(&unit.name), "mutool: no {:?}", unit.name);
            for p in &unit.phones {
                let number = p.number.national();
                assert!(text.contains(&number), "mutool: no {number}");
            }
        }
    }
    assert!(
        text.contains("Telefonlista vid driftstopp i Lifecare SP"),
        "{text}"
    );
    assert!(text.contains("Äldre utskrifter ska kastas."), "{text}");
}
