//! `reservkit workbench` as coordinators meet it: the real binary in
//! Debian's Chromium through playwright-core (`tests/browser/workbench.mjs`
//! starts, kills and restarts the server itself), then the folder it leaves
//! is checked here: the transcription files pass `transcribe --check`, the
//! folder is 0700 and its files 0600, and the server's output names no
//! patient. Without node, the packages or Chromium the browser test is
//! skipped (failed in CI, `CI=true`); the refusals are also checked over
//! plain TCP, which always runs.

use std::env;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn which(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

struct Server {
    child: Child,
    port: u16,
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path, cwd: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(cwd)
        .args(["workbench", "--port", "0", "--no-open", "--dir"])
        .arg(dir)
        .arg("--content")
        .arg(repo().join("content"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("reservkit workbench starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("address");
    let address = line
        .split("http://127.0.0.1:")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim();
    let (port, token) = address.split_once('/').expect("port/token");
    Server {
        child,
        port: port.parse().expect("port"),
        token: token.trim_end_matches('/').to_owned(),
    }
}

fn request(port: u16, text: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(text.as_bytes()).expect("write");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

fn status(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn workbench_refuses_requests_without_the_secret_or_for_another_host() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = start(&tmp.path().join("avst"), tmp.path());
    let get = |target: &str, host: &str| {
        request(
            s.port,
            &format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    };
    let own = format!("127.0.0.1:{}", s.port);
    assert_eq!(status(&get("/", &own)), 403);
    assert_eq!(status(&get("/blad", &own)), 403);
    assert_eq!(status(&get(&format!("/{}x/", s.token), &own)), 403);
    assert_eq!(
        status(&get(
            &format!("/{}/", s.token),
            &format!("evil.example:{}", s.port)
        )),
        400
    );
    let ok = get(&format!("/{}/", s.token), &own);
    assert_eq!(status(&ok), 200, "{ok}");
    assert!(ok.contains("\r\nCache-Control: no-store\r\n"), "{ok}");
    assert!(
        ok.contains("\r\nContent-Security-Policy: default-src 'none';"),
        "{ok}"
    );
    assert!(ok.contains("<html lang=\"sv\">"));
    let body = "rad=1";
    let cross = request(
        s.port,
        &format!(
            "POST /{}/blad/sunderby-medicin-61-001/spara HTTP/1.1\r\nHost: {own}\r\nOrigin: http://evil.example\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            s.token,
            body.len()
        ),
    );
    assert_eq!(status(&cross), 403, "{cross}");
    // Nothing was created for the refused form.
    assert!(!tmp.path().join("avst/sunderby-medicin-61-001.csv").exists());
}

#[test]
fn workbench_refuses_a_folder_inside_the_content_or_the_site_output() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("output/site")).expect("site");
    for bad in [
        repo().join("content/avst"),
        tmp.path().join("output/avst"),
        tmp.path().join("output/site/avst"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_reservkit"))
            .current_dir(tmp.path())
            .args(["workbench", "--port", "0", "--no-open", "--dir"])
            .arg(&bad)
            .arg("--content")
            .arg(repo().join("content"))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{}", bad.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("patientuppgifter"), "{stderr}");
        assert!(!bad.exists(), "{}", bad.display());
    }
}

#[test]
fn workbench_end_to_end_in_chromium() {
    let chromium = env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let browser = repo().join("tests/browser");
    let mut missing = Vec::new();
    if which("node").is_none() {
        missing.push("node".to_owned());
    }
    for package in ["axe-core", "playwright-core"] {
        if !browser.join("node_modules").join(package).is_dir() {
            missing.push(format!("tests/browser/node_modules/{package}"));
        }
    }
    if !chromium.is_file() {
        missing.push(chromium.display().to_string());
    }
    if !missing.is_empty() {
        let message = format!(
            "the workbench browser test cannot run: missing {}",
            missing.join("; ")
        );
        assert!(env::var("CI").map_or(true, |v| v != "true"), "{message}");
        let _ = writeln!(std::io::stderr(), "note: skipping: {message}");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("avstamning");
    let cwd = tmp.path().join("arbete");
    std::fs::create_dir_all(&cwd).expect("cwd");
    let log = tmp.path().join("server.log");
    let output = run_browser_script(&browser, "workbench.mjs", &dir, &cwd, &log, &chromium);
    assert!(
        output.status.success(),
        "workbench.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // What the coordinators typed passes the same check as any file.
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let check = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .arg("transcribe")
        .arg("--check")
        .args(&files)
        .arg("--content")
        .arg(repo().join("content"))
        .output()
        .expect("check runs");
    let said = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{said}");
    let first = std::fs::read_to_string(dir.join("sunderby-medicin-61-001.csv")).expect("sheet");
    // Eight rows and the correction of row 3, appended.
    assert_eq!(first.lines().count(), 1 + 8 + 1, "{first}");
    assert!(
        first
            .lines()
            .last()
            .is_some_and(|l| l.contains(";rättelse;"))
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        for entry in std::fs::read_dir(&dir).expect("folder").flatten() {
            if entry.path().is_file() {
                assert_eq!(mode(&entry.path()), 0o600, "{}", entry.path().display());
            }
        }
    }
    let log = std::fs::read_to_string(&log).expect("log");
    for secret in ["Testsson", "Provsson", "19900101", "9001012385"] {
        assert!(!log.contains(secret), "the server said {secret}: {log}");
    }
}

/// Scanned sheets reviewed in the workbench: `reservkit scan` drafts copier
/// scans into the workbench folder, `tests/browser/scanqueue.mjs` opens the
/// queue and the least certain sheet, types the handwriting beside the field
/// images and confirms a row; the row is in the sheet's file, names the
/// scan, and passes `transcribe --check`.
#[test]
fn scanned_sheet_reviewed_and_saved_in_chromium() {
    let chromium = env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let browser = repo().join("tests/browser");
    let ready = which("node").is_some()
        && ["axe-core", "playwright-core"]
            .iter()
            .all(|p| browser.join("node_modules").join(p).is_dir())
        && chromium.is_file();
    if !ready {
        let message =
            "the scan queue browser test cannot run: node, its packages or Chromium missing";
        assert!(env::var("CI").map_or(true, |v| v != "true"), "{message}");
        let _ = writeln!(std::io::stderr(), "note: skipping: {message}");
        return;
    }
    let Some(python) = crate::scan::tools() else {
        return;
    };
    let scans = crate::scan::scans(&python);
    let pdfs: Vec<PathBuf> = std::fs::read_dir(scans)
        .expect("scans")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("avstamning");
    let cwd = tmp.path().join("arbete");
    std::fs::create_dir_all(&cwd).expect("cwd");
    let layout = crate::support::built_kit().join("print/samtalslogg/layout.json");
    let scanned = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .arg("scan")
        .args(&pdfs)
        .arg("--layout")
        .arg(&layout)
        .arg("--dir")
        .arg(&dir)
        .output()
        .expect("scan runs");
    assert!(
        dir.join("skanning/index.json").is_file(),
        "{}",
        String::from_utf8_lossy(&scanned.stderr)
    );
    let log = tmp.path().join("server.log");
    let output = run_browser_script(&browser, "scanqueue.mjs", &dir, &cwd, &log, &chromium);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "scanqueue.mjs failed:\n{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sheet = said.lines().last().expect("the sheet").trim().to_owned();
    let file = dir.join(format!("{sheet}.csv"));
    let text = std::fs::read_to_string(&file).expect("the sheet's file");
    assert_eq!(text.lines().count(), 2, "{text}");
    let row = text.lines().last().expect("row");
    assert!(
        row.contains(";Eva Skrivare (skanning skanning-"),
        "the row names the scan: {row}"
    );
    let check = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .arg("transcribe")
        .arg("--check")
        .arg(&file)
        .arg("--content")
        .arg(repo().join("content"))
        .output()
        .expect("check runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn scanned_field_images_need_the_secret_and_stay_in_the_scan_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("avst");
    let sheet = dir.join("skanning/sunderby-medicin-61-001");
    std::fs::create_dir_all(&sheet).expect("folder");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for d in [&dir, &dir.join("skanning"), &sheet] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).expect("mode");
        }
    }
    std::fs::write(sheet.join("rad-01-patient.png"), b"fiktiv bild").expect("png");
    std::fs::write(dir.join("hemlig.png"), b"hemlig").expect("png");
    let s = start(&dir, tmp.path());
    let own = format!("127.0.0.1:{}", s.port);
    let get = |target: &str| {
        request(
            s.port,
            &format!("GET {target} HTTP/1.1\r\nHost: {own}\r\nConnection: close\r\n\r\n"),
        )
    };
    let image = get(&format!(
        "/{}/skannat/sunderby-medicin-61-001/rad-01-patient.png",
        s.token
    ));
    assert_eq!(status(&image), 200, "{image}");
    assert!(image.contains("\r\nCache-Control: no-store\r\n"), "{image}");
    assert!(image.contains("image/png"), "{image}");
    assert_eq!(
        status(&get("/skannat/sunderby-medicin-61-001/rad-01-patient.png")),
        403
    );
    for bad in [
        "skannat/%2e%2e/hemlig.png",
        "skannat/sunderby-medicin-61-001/%2e%2e%2f%2e%2e%2fhemlig.png",
        "skannat/sunderby-medicin-61-001/..%2fhemlig.png",
        "skannat/sunderby-medicin-61-001/utkast.json",
        "skannat/sunderby-medicin-61-001/.png",
    ] {
        let answer = get(&format!("/{}/{bad}", s.token));
        assert_eq!(status(&answer), 404, "{bad}: {answer}");
    }
    let queue = get(&format!("/{}/skannat", s.token));
    assert_eq!(status(&queue), 200, "{queue}");
    assert!(queue.contains("Inga skannade blad"), "{queue}");
}

/// Runs one of the workbench's browser scripts in `tests/browser/` against
/// the built binary, with the workbench folder, working folder, server log
/// and Chromium it is to use.
fn run_browser_script(
    browser: &Path,
    script: &str,
    dir: &Path,
    cwd: &Path,
    log: &Path,
    chromium: &Path,
) -> std::process::Output {
    Command::new("node")
        .arg(browser.join(script))
        .current_dir(browser)
        .env("RESERVKIT_BIN", env!("CARGO_BIN_EXE_reservkit"))
        .env("WB_CONTENT", repo().join("content"))
        .env("WB_DIR", dir)
        .env("WB_CWD", cwd)
        .env("WB_LOG", log)
        .env("CHROMIUM", chromium)
        .output()
        .expect("node runs")
}
