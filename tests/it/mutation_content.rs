//! Broken content as an editor could leave it: byte flips, deleted and
//! duplicated lines, changed indentation, NUL bytes and invalid UTF-8,
//! tabs, huge values, deep nesting and broken template syntax, applied by a
//! fixed-seed generator to a copy of the shipped `content/` and `templates/`.
//!
//! `reservkit check` runs on each copy through the binary. A round fails on a
//! crash (an exit code other than 0, 1 or 2, or "panicked" on stderr) and on
//! any stderr line that is not a located diagnostic (`file:line:col: error:`
//! or `warning:`), its `  hjälp:` hint, or the summary line: every problem
//! has a place, and every diagnostic is one line plus its hint. The rounds
//! are deterministic; a failure names the round and its mutations.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const SEED: u64 = 0x5EED_2026_1203_0001;
const ROUNDS: usize = 40;
const TODAY: &str = "1795564800";

/// xorshift64*: small, deterministic, good enough to pick places.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).expect("fits usize")
    }
}

/// The content files that are mutated, relative to the workspace.
const TARGETS: &[&str] = &[
    "content/kit.yaml",
    "content/contacts.yaml",
    "content/rutin/felanmalan.md",
];

const TEMPLATES: &[&str] = &[
    "templates/base.html",
    "templates/page.html",
    "templates/contacts.html",
];

/// Line starts (byte offsets) of `bytes`.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' && i + 1 < bytes.len())
                .map(|(i, _)| i + 1),
        )
        .collect()
}

fn line_range(bytes: &[u8], starts: &[usize], k: usize) -> (usize, usize) {
    let start = starts[k];
    let end = starts.get(k + 1).copied().unwrap_or(bytes.len());
    (start, end)
}

/// Applies one random mutation to `bytes`; returns what it did.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let starts = line_starts(bytes);
    let k = rng.below(starts.len());
    let (start, end) = line_range(bytes, &starts, k);
    let pos = rng.below(bytes.len());
    match rng.below(9) {
        0 => {
            let mask = 1u8 << rng.below(8);
            bytes[pos] ^= mask;
            format!("byte {pos} ^= {mask:#04x}")
        }
        1 => {
            bytes.drain(start..end);
            format!("line {} deleted", k + 1)
        }
        2 => {
            let line = bytes[start..end].to_vec();
            bytes.splice(start..start, line);
            format!("line {} duplicated", k + 1)
        }
        3 => {
            if rng.below(2) == 0 && bytes.get(start) == Some(&b' ') {
                bytes.remove(start);
                format!("line {} indented one less", k + 1)
            } else {
                let n = 1 + rng.below(3);
                bytes.splice(start..start, std::iter::repeat_n(b' ', n));
                format!("line {} indented {n} more", k + 1)
            }
        }
        4 => {
            bytes.insert(pos, 0);
            format!("NUL at byte {pos}")
        }
        5 => {
            let bad: &[u8] = [&[0xFFu8][..], &[0xC3], &[0xE2, 0x82], &[0xC0, 0xAF]][rng.below(4)];
            bytes.splice(pos..pos, bad.iter().copied());
            format!("invalid UTF-8 {bad:02X?} at byte {pos}")
        }
        6 => {
            let at = if rng.below(2) == 0 { start } else { pos };
            bytes.insert(at, b'\t');
            format!("tab at byte {at}")
        }
        7 => {
            // A huge value after the first ": " on the line, or a huge line.
            let len = [250, 600, 20_000, 300_000][rng.below(4)];
            let word = if rng.below(2) == 0 { "W" } else { "Region " };
            let huge = word.repeat(len / word.len()).into_bytes();
            let colon = bytes[start..end]
                .windows(2)
                .position(|w| w == b": ")
                .map(|i| start + i + 2);
            match colon {
                Some(at) => {
                    let stop = end - usize::from(bytes[end - 1] == b'\n');
                    bytes.splice(at..stop, huge);
                    format!("value on line {} replaced by {len} bytes", k + 1)
                }
                None => {
                    bytes.splice(start..start, huge);
                    format!("{len} bytes at the start of line {}", k + 1)
                }
            }
        }
        _ => {
            let depth = [70, 5_000, 100_000][rng.below(3)];
            let nested = if rng.below(2) == 0 {
                format!("deep: {}{}\n", "[".repeat(depth), "]".repeat(depth))
            } else {
                let depth = depth.min(2_000);
                (0..depth)
                    .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                    .collect()
            };
            bytes.splice(start..start, nested.into_bytes());
            format!("nesting {depth} deep before line {}", k + 1)
        }
    }
}

/// Breaks the syntax of a template: an unclosed tag, an unknown filter,
/// function or include.
fn break_template(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let starts = line_starts(bytes);
    let k = rng.below(starts.len());
    let insert = [
        "{{ site.organisation ",
        "{{ title | nosuchfilter }}",
        "{{ nosuchfunction() }}",
        "{% include \"nosuch.html\" %}",
        "{% if %}",
        "{% endfor %}",
    ][rng.below(6)];
    bytes.splice(starts[k]..starts[k], insert.bytes());
    format!("{insert:?} at line {}", k + 1)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a directory");
    for entry in fs::read_dir(from).expect("read a directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// Whether `line` is `file:line:col: error: …` (or warning) with a line and
/// column of at least 1.
fn located(line: &str) -> bool {
    let Some((head, _)) = line
        .split_once(": error: ")
        .or_else(|| line.split_once(": warning: "))
    else {
        return false;
    };
    let mut parts = head.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.parse::<usize>().ok());
    let row = parts.next().and_then(|l| l.parse::<usize>().ok());
    let file = parts.next().unwrap_or_default();
    matches!((row, col), (Some(r), Some(c)) if r >= 1 && c >= 1) && !file.is_empty()
}

/// Every stderr line that is neither a located diagnostic, its hint, nor a
/// summary line.
fn unlocated(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            !(located(l)
                || l.starts_with("  hjälp: ")
                || l.starts_with("Innehållet är giltigt (kit ")
                || (l.ends_with(" varningar") || l.ends_with(" varning")) && l.contains(" fel, "))
        })
        .collect()
}

#[test]
fn mutated_content_gives_located_errors_and_never_a_crash() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rng = Rng(SEED);
    let started = Instant::now();
    let mut with_errors = 0;
    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for part in ["content", "templates"] {
            copy_tree(&repo.join(part), &dir.path().join(part));
        }
        let mut done = Vec::new();
        for _ in 0..1 + rng.below(2) {
            let (rel, template) = if rng.below(8) == 0 {
                (TEMPLATES[rng.below(TEMPLATES.len())], true)
            } else {
                (TARGETS[rng.below(TARGETS.len())], false)
            };
            let path = dir.path().join(rel);
            let mut bytes = fs::read(&path).expect("read the file to mutate");
            let what = if template {
                break_template(&mut rng, &mut bytes)
            } else {
                mutate(&mut rng, &mut bytes)
            };
            fs::write(&path, bytes).expect("write the mutated file");
            done.push(format!("{rel}: {what}"));
        }
        let out = Command::new(env!("CARGO_BIN_EXE_reservkit"))
            .args(["check", "--content", "content", "--templates", "templates"])
            .current_dir(dir.path())
            .env("SOURCE_DATE_EPOCH", TODAY)
            .output()
            .expect("run the reservkit binary");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        let mut problems = Vec::new();
        if !matches!(code, Some(0..=2)) || stderr.contains("panicked") {
            problems.push(format!("crashed with {code:?}"));
        }
        let bad = unlocated(&stderr);
        if !bad.is_empty() {
            problems.push(format!("lines without a location: {bad:#?}"));
        }
        if code == Some(1) && stderr.lines().any(|l| l.contains(": error: ")) {
            with_errors += 1;
        }
        if !problems.is_empty() {
            let head: String = stderr.chars().take(3000).collect();
            failures.push(format!(
                "round {round} ({}): {}\n{head}",
                done.join("; "),
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Most mutations break the content; if they did not, this test would
    // not be testing the diagnostics at all.
    assert!(
        with_errors * 10 >= ROUNDS * 7,
        "only {with_errors} of {ROUNDS} rounds gave errors"
    );
    eprintln!(
        "{ROUNDS} rounds, {with_errors} with errors, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_location_check_refuses_what_it_should() {
    assert!(located("content/kit.yaml:3:7: error: x"));
    assert!(located("templates/base.html:6:45: warning: x"));
    assert!(!located("content/kit.yaml: error: x"));
    assert!(!located("content/kit.yaml:0:0: error: x"));
    assert!(!located("content/kit.yaml:3: error: x"));
    assert_eq!(
        unlocated("a.yaml:1:1: error: x\n  hjälp: y\n --> base.html:6:45\n1 fel, 0 varningar\n"),
        vec![" --> base.html:6:45"]
    );
}
