//! `reservkit scan` on scans made by independent tools, as a copier makes
//! them: tests/bench/scan/make_scans.py renders the real numbered form with
//! Poppler's pdftoppm, draws ticks, crosses, filled boxes and scribbles with
//! Pillow, skews, scales, blurs, adds noise, saves JPEG, PNG and CCITT G4
//! and packs the pages with img2pdf, with a blank page and a page of another
//! document; its truth.json says what every box holds. The real binary must
//! name every sheet, read every box right, refuse the blank and foreign
//! pages by file and page, and keep the drafts private.
//!
//! A missing tool skips the test with a note, except in CI (`CI=true`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// A Python 3 that has Pillow: the one on PATH, else Debian's (where
/// `python3-pil` installs it).
fn python_with_pillow() -> Option<PathBuf> {
    let candidates = [on_path("python3"), Some(PathBuf::from("/usr/bin/python3"))];
    candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .args(["-c", "import PIL"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

pub(crate) fn tools() -> Option<PathBuf> {
    let python = python_with_pillow();
    let missing: Vec<&str> = [
        ("pdftoppm", on_path("pdftoppm").is_some()),
        ("img2pdf", on_path("img2pdf").is_some()),
        ("python3 with Pillow", python.is_some()),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        return python;
    }
    let message = format!(
        "{} not installed; `bash .ci/run` installs them",
        missing.join(", ")
    );
    assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "{message}");
    let _ = writeln!(std::io::stderr(), "note: skipping: {message}");
    None
}

/// Scans of the shipped kit's first unit's forms, made once per test run.
pub(crate) fn scans(python: &Path) -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let kit = crate::support::built_kit();
        let forms = kit.join("print/samtalslogg");
        let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&forms)
            .expect("the forms are built")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect();
        pdfs.sort();
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scans");
        if out.exists() {
            std::fs::remove_dir_all(&out).expect("remove earlier scans");
        }
        let script = crate::support::repo().join("tests/bench/scan/make_scans.py");
        let status = Command::new(python)
            .arg(script)
            .arg("make")
            .arg("--form")
            .arg(&pdfs[0])
            .arg("--layout")
            .arg(forms.join("layout.json"))
            .arg("--out")
            .arg(&out)
            .args(["--pages", "3", "--dpi", "150,300", "--seed", "7"])
            .arg("--other")
            .arg(kit.join("print/rutin.pdf"))
            .status()
            .expect("the generator starts");
        assert!(status.success(), "make_scans.py failed");
        out
    })
}

fn scan(files: &[PathBuf], layout: &Path, dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .arg("scan")
        .args(files)
        .arg("--layout")
        .arg(layout)
        .arg("--dir")
        .arg(dir)
        .output()
        .expect("reservkit runs")
}

#[test]
fn copier_scans_are_read_sheet_by_sheet_and_tick_by_tick() {
    let Some(python) = tools() else { return };
    let dir = scans(&python);
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).expect("truth"))
            .expect("truth is JSON");
    let files: Vec<PathBuf> = truth["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| dir.join(f["file"].as_str().expect("name")))
        .collect();
    let layout = crate::support::built_kit().join("print/samtalslogg/layout.json");
    let work = tempfile::tempdir().expect("temp dir");
    let out = scan(&files, &layout, work.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The blank page and the other document's page are refused, so the
    // run fails, after writing the sheets it could read.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");

    let drafts = work.path().join("skanning");
    let mut checked_boxes = 0;
    for f in truth["files"].as_array().expect("files") {
        let file = dir.join(f["file"].as_str().expect("name"));
        for p in f["pages"].as_array().expect("pages") {
            let page = p["page"].as_u64().expect("page");
            let at = format!("{} sida {page}:", file.display());
            if let Some(kind) = p["expect_error"].as_str() {
                let line = stderr
                    .lines()
                    .find(|l| l.contains(&at))
                    .unwrap_or_else(|| panic!("no error for the {kind} page {at}\n{stderr}"));
                assert!(
                    line.contains("registreringsmärken") || line.contains("QR-koden"),
                    "{line}"
                );
                continue;
            }
            let line = stdout
                .lines()
                .find(|l| l.starts_with(&at))
                .unwrap_or_else(|| panic!("{at} not read\n{stdout}\n{stderr}"));
            let sheet = line
                .split("blad ")
                .nth(1)
                .and_then(|s| s.split(',').next())
                .expect("sheet named");
            let draft: Value = serde_json::from_str(
                &std::fs::read_to_string(drafts.join(sheet).join("utkast.json")).expect("draft"),
            )
            .expect("draft is JSON");
            assert_eq!(draft["format"], "reservkit skanningsutkast");
            assert_eq!(draft["source"]["page"], page);
            if p["scan"]["upside_down"] == true {
                assert_eq!(draft["turned"], 180, "{at}");
            }
            for b in p["boxes"].as_array().expect("boxes") {
                let row = draft["rows"]
                    .as_array()
                    .expect("rows")
                    .iter()
                    .find(|r| r["row"] == b["row"]);
                let read = row.and_then(|r| {
                    r["boxes"]
                        .as_array()
                        .expect("boxes")
                        .iter()
                        .find(|x| x["column"] == b["column"] && x["value"] == b["value"])
                });
                let mark = read.map_or("tom", |r| r["mark"].as_str().expect("mark"));
                assert_eq!(mark, b["mark"], "{at} {b}: read {read:?}");
                checked_boxes += 1;
            }
        }
    }
    assert!(checked_boxes > 300, "{checked_boxes}");

    // Patient data: every file readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for entry in walkdir::WalkDir::new(&drafts) {
            let entry = entry.expect("walk");
            let mode = entry.metadata().expect("meta").permissions().mode() & 0o777;
            let want = if entry.file_type().is_dir() {
                0o700
            } else {
                0o600
            };
            assert_eq!(mode, want, "{}", entry.path().display());
        }
    }
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(drafts.join("index.json")).expect("index"))
            .expect("index is JSON");
    let confidences: Vec<f64> = index["sheets"]
        .as_array()
        .expect("sheets")
        .iter()
        .map(|s| s["confidence"].as_f64().expect("confidence"))
        .collect();
    assert!(
        confidences.windows(2).all(|w| w[0] <= w[1]),
        "{confidences:?}"
    );
}

#[test]
fn a_sheet_from_another_kit_version_is_refused_with_the_reason() {
    let Some(python) = tools() else { return };
    let dir = scans(&python);
    let layout = crate::support::built_kit().join("print/samtalslogg/layout.json");
    let text = std::fs::read_to_string(&layout).expect("layout");
    let other = text.replacen("?kit=", "?kit=annan-", 1);
    assert_ne!(other, text);
    let work = tempfile::tempdir().expect("temp dir");
    let other_layout = work.path().join("layout.json");
    std::fs::write(&other_layout, other).expect("write");
    let file = dir.join("skanning-300dpi.pdf");
    let out = scan(
        std::slice::from_ref(&file),
        &other_layout,
        &work.path().join("ut"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{} sida 1: bladet", file.display()))
            && stderr.contains("är tryckt från kit")
            && stderr.contains("ange --layout"),
        "{stderr}"
    );
    assert!(!work.path().join("ut/skanning").exists());
}

#[test]
fn a_missing_layout_is_a_usage_error_naming_the_file() {
    let work = tempfile::tempdir().expect("temp dir");
    let missing = work.path().join("finns-inte.json");
    let out = scan(
        &[work.path().join("a.pdf")],
        &missing,
        &work.path().join("ut"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("finns-inte.json") && stderr.contains("reservkit build"),
        "{stderr}"
    );
}
