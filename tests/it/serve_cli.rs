//! `reservkit serve` as a user (and a misbehaving client) meets it: the real
//! binary on a copy of the shipped content, on a free port of 127.0.0.1,
//! spoken to over plain TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The server's own cap on connections served at once (`src/http.rs`).
const MAX_CONNECTIONS: usize = 32;

struct Server {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    log: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

/// Starts `serve --port 0` and waits for the line naming the port.
fn start() -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("content"), &dir.path().join("content"));
    copy_dir(&root.join("templates"), &dir.path().join("templates"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir.path())
        .args(["serve", "--port", "0"])
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("reservkit serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut server = Server {
        child,
        port: 0,
        dir,
        log,
    };
    let line = server.wait_for("http://127.0.0.1:", Duration::from_secs(120));
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    server.port = port;
    server
}

impl Server {
    fn wait_for(&mut self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("serve did not say {needle:?} within {limit:?}"),
            }
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        s.set_write_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        s
    }

    fn request(&self, method: &str, path: &str) -> String {
        format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            self.port
        )
    }

    /// One request on a connection of its own; the whole answer as text.
    fn get(&self, method: &str, path: &str) -> String {
        let mut s = self.connect();
        let req = self
            .request(method, path)
            .replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).expect("send");
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).expect("answer");
        String::from_utf8_lossy(&answer).into_owned()
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("output/site")
    }
}

fn status(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

#[test]
fn a_greedy_or_stalled_client_does_not_hold_up_another() {
    let server = start();
    // One client sends thousands of requests for a large page and never
    // reads an answer; another stops half-way through a request line.
    let mut greedy = server.connect();
    let burst = server.request("GET", "/kontakter.html").repeat(5000);
    let greedy_writer = std::thread::spawn(move || {
        let _ = greedy.write_all(burst.as_bytes());
        greedy
    });
    let mut stalled = server.connect();
    stalled
        .write_all(b"GET /index.html HT")
        .expect("half a request");
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..5 {
        let start = Instant::now();
        let answer = server.get("GET", "/");
        let took = start.elapsed();
        assert_eq!(status(&answer), "HTTP/1.1 200 OK", "{answer}");
        assert!(answer.contains("</html>"), "{answer}");
        assert!(
            took < Duration::from_secs(2),
            "a page took {took:?} while another client was greedy"
        );
    }
    drop(stalled);
    drop(greedy_writer);
}

#[test]
fn answers_busy_when_every_connection_is_taken_and_recovers() {
    let server = start();
    let idle: Vec<TcpStream> = (0..MAX_CONNECTIONS).map(|_| server.connect()).collect();
    let answer = server.get("GET", "/");
    assert_eq!(
        status(&answer),
        "HTTP/1.1 503 Service Unavailable",
        "{answer}"
    );
    drop(idle);
    // The freed connections' threads see the close at once.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = server.get("GET", "/");
        if status(&answer) == "HTTP/1.1 200 OK" {
            break;
        }
        assert!(Instant::now() < deadline, "still busy: {answer}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serves_pages_and_never_a_reconciliation_or_a_dot_file() {
    let server = start();
    let page = server.get("GET", "/kontakter.html");
    assert_eq!(status(&page), "HTTP/1.1 200 OK");
    assert!(page.contains("Content-Type: text/html; charset=utf-8\r\n"));
    assert!(
        page.contains("<script src=\"/__reservkit/reload.js\" data-sida=\"kontakter.html\""),
        "the reload script, from a file of its own: {page}"
    );
    let script = server.get("GET", "/__reservkit/reload.js");
    assert_eq!(status(&script), "HTTP/1.1 200 OK");
    assert!(script.contains("/__reservkit/status"), "{script}");
    let head = server.get("HEAD", "/kontakter.html");
    assert_eq!(status(&head), "HTTP/1.1 200 OK");
    assert!(head.ends_with("\r\n\r\n"), "HEAD has no body: {head}");
    assert!(head.contains(&format!(
        "Content-Length: {}\r\n",
        page.split_once("\r\n\r\n").expect("body").1.len()
    )));
    // Someone puts reconciliations (a marked one and one from before
    // markers existed) and a dot-file into the published folder.
    let site = server.site();
    for (folder, files) in [
        (
            "avst",
            &[".reservkit-avstamning", "fall.json", "samtal.csv"][..],
        ),
        (
            "gammal",
            &["fall.json", "sammanfattning.txt", "rader.csv"][..],
        ),
    ] {
        std::fs::create_dir_all(site.join(folder).join("under")).expect("dir");
        for f in files {
            std::fs::write(site.join(folder).join(f), "18900101-9802").expect("file");
        }
        std::fs::write(site.join(folder).join("under/index.html"), "x").expect("file");
    }
    std::fs::write(site.join(".hemlig"), "x").expect("file");
    for path in [
        "/avst/fall.json",
        "/avst/samtal.csv",
        "/avst/",
        "/avst/under/",
        "/avst/.reservkit-avstamning",
        "/gammal/fall.json",
        "/gammal/rader.csv",
        "/gammal/under/index.html",
        "/.hemlig",
        "/%2Ehemlig",
        "/../content/kit.yaml",
    ] {
        let answer = server.get("GET", path);
        assert_eq!(
            status(&answer),
            "HTTP/1.1 404 Not Found",
            "{path}: {answer}"
        );
        assert!(!answer.contains("18900101"), "{path}");
    }
    assert_eq!(
        status(&server.get("POST", "/")),
        "HTTP/1.1 405 Method Not Allowed"
    );
    // A page of another host name (DNS rebinding) gets nothing.
    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: angripare.example\r\n\r\n")
        .expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    assert_eq!(status(&answer), "HTTP/1.1 400 Bad Request");
}

#[test]
fn answers_pipelined_requests_in_order_and_rebuilds_on_change() {
    let mut server = start();
    let mut s = server.connect();
    let req = format!(
        "{}{}{}",
        server.request("GET", "/__reservkit/status"),
        server.request("HEAD", "/index.html"),
        server
            .request("GET", "/finns-inte.html")
            .replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"),
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answers");
    // (The JSON body ends without a line break, so split on the version.)
    let statuses: Vec<&str> = answer
        .split("HTTP/1.1 ")
        .skip(1)
        .map(|a| a.split("\r\n").next().unwrap_or(""))
        .collect();
    assert_eq!(statuses, ["200 OK", "200 OK", "404 Not Found"], "{answer}");
    assert!(
        answer.contains("{\"errors\":\"\",\"generation\":1,\"page\":0,\"printing\":\"\"}"),
        "{answer}"
    );

    let page = server.dir.path().join("content/rutin");
    let first = std::fs::read_dir(&page)
        .expect("rutin")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .expect("a routine page");
    let mut text = std::fs::read_to_string(&first).expect("page");
    text.push_str("\nEn mening som lagts till medan sidan visades.\n");
    std::fs::write(&first, text).expect("edit");
    server.wait_for("Byggt: kit", Duration::from_secs(120));
    let slug = first.file_stem().expect("stem").to_string_lossy();
    let page = server.get("GET", &format!("/{slug}.html"));
    assert!(
        page.contains("En mening som lagts till medan sidan visades."),
        "{page}"
    );
    let state = server.get("GET", "/__reservkit/status");
    assert!(
        state.contains("{\"errors\":\"\",\"generation\":"),
        "{state}"
    );
    assert!(!state.contains("\"generation\":1}"), "{state}");
}

/// Every file below `dir` (dot-files too), by path relative to it.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("inside");
                out.insert(
                    rel.to_string_lossy().into_owned(),
                    std::fs::read(&path).expect("file"),
                );
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

impl Server {
    /// What the status says about `page` (its version and the generation),
    /// asked without waiting.
    fn page_version(&self, page: &str) -> (u64, u64) {
        let answer = self.get("GET", &format!("/__reservkit/status?sida={page}"));
        let body = answer.split_once("\r\n\r\n").expect("body").1;
        let v: serde_json::Value = serde_json::from_str(body).expect("json");
        (
            v["page"].as_u64().expect("page"),
            v["generation"].as_u64().expect("generation"),
        )
    }

    /// The served output folder is what a fresh build of the same content
    /// and templates writes, byte for byte (the marker too).
    fn assert_same_as_a_fresh_build(&self, after: &str) {
        let fresh = self.dir.path().join("fresh");
        let _ = std::fs::remove_dir_all(&fresh);
        let out = Command::new(env!("CARGO_BIN_EXE_reservkit"))
            .current_dir(self.dir.path())
            .args(["build", "--out", "fresh"])
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("build runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let served = tree(&self.dir.path().join("output"));
        let built = tree(&fresh);
        let names =
            |t: &std::collections::BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            names(&served),
            names(&built),
            "after {after}: the files differ"
        );
        for (path, bytes) in &built {
            assert!(
                served[path] == *bytes,
                "after {after}: {path} differs from a fresh build"
            );
        }
    }
}

#[test]
fn a_change_rebuilds_what_it_touches_and_ends_as_a_fresh_build_would() {
    let mut server = start();
    let settle = Duration::from_secs(600);
    let content = server.dir.path().join("content");
    let (routine, _) = server.page_version("felanmalan.html");
    let (contacts, _) = server.page_version("kontakter.html");

    // A routine page: that page changes, the directory is not reloaded; the
    // printouts (which all carry the kit version) follow in the background.
    let md = content.join("rutin/felanmalan.md");
    let text = std::fs::read_to_string(&md).expect("page");
    std::fs::write(
        &md,
        format!("{text}\nEn mening som lagts till medan sidan visades.\n"),
    )
    .expect("edit");
    server.wait_for("Byggt: kit", settle);
    let page = server.get("GET", "/felanmalan.html");
    assert!(
        page.contains("En mening som lagts till medan sidan visades."),
        "{page}"
    );
    server.wait_for("Utskrifterna klara", settle);
    let (routine_now, _) = server.page_version("felanmalan.html");
    assert!(routine_now > routine, "the edited page is told to reload");
    assert_eq!(
        server.page_version("kontakter.html").0,
        contacts,
        "the directory did not change and is not reloaded"
    );
    server.assert_same_as_a_fresh_build("a routine page edit");

    // A phone number: the directory changes, the routine page does not.
    let yaml = content.join("contacts.yaml");
    let text = std::fs::read_to_string(&yaml).expect("contacts");
    assert!(text.contains("\"0980-31 92 00\""));
    std::fs::write(
        &yaml,
        text.replacen("\"0980-31 92 00\"", "\"0980-31 92 98\"", 1),
    )
    .expect("edit");
    server.wait_for("Byggt: kit", settle);
    let directory = server.get("GET", "/kontakter.html");
    assert!(
        directory.contains("0980-31 92 98"),
        "the new number is shown"
    );
    server.wait_for("Utskrifterna klara", settle);
    assert!(server.page_version("kontakter.html").0 > contacts);
    assert_eq!(
        server.page_version("felanmalan.html").0,
        routine_now,
        "the routine page did not change and is not reloaded"
    );
    server.assert_same_as_a_fresh_build("a phone number edit");

    // A template of the routine pages only: no printout changes.
    let (contacts_now, _) = server.page_version("kontakter.html");
    let template = server.dir.path().join("templates/page.html");
    let text = std::fs::read_to_string(&template).expect("template");
    std::fs::write(
        &template,
        text.replacen(
            "</article>",
            "<p>Sidan granskas varje år.</p>\n</article>",
            1,
        ),
    )
    .expect("edit");
    let line = server.wait_for("Byggt: kit", settle);
    assert!(!line.contains("utskrifterna"), "{line}");
    assert!(
        server
            .get("GET", "/felanmalan.html")
            .contains("Sidan granskas varje år.")
    );
    assert!(server.page_version("felanmalan.html").0 > routine_now);
    assert_eq!(server.page_version("kontakter.html").0, contacts_now);
    server.assert_same_as_a_fresh_build("a template edit");
}
