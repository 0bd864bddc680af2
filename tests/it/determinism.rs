//! The same content gives the same site, byte for byte, and the clock never
//! reaches it: a build date comes only from SOURCE_DATE_EPOCH.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

/// 2026-11-25 00:00 UTC; the shipped contacts are verified before it.
const BUILD_DATE: &str = "1795564800";

type Tree = BTreeMap<String, Vec<u8>>;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `reservkit build` in `cwd` and returns every file under `out/site`.
fn build(cwd: &Path, content: &Path, out: &Path, env: &[(&str, &str)]) -> Tree {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reservkit"));
    cmd.arg("build")
        .arg("--content")
        .arg(content)
        .arg("--templates")
        .arg(repo().join("templates"))
        .arg("--out")
        .arg(out)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = cmd.output().expect("run the reservkit binary");
    assert!(
        run.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let root = out.join("site");
    let root = if root.is_absolute() {
        root
    } else {
        cwd.join(root)
    };
    let mut tree = Tree::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.expect("walk the built site");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&root).expect("under site/");
            tree.insert(
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(entry.path()).expect("read a built file"),
            );
        }
    }
    tree
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a directory");
    for entry in fs::read_dir(from).expect("read a directory to copy") {
        let entry = entry.expect("read a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

#[test]
fn two_builds_of_the_same_content_are_identical() {
    // One build reads the repository's content by absolute path; the other a
    // copy by relative path, in another time zone and locale. Neither the
    // location of the content nor the machine's settings may show.
    let a = tempfile::tempdir().expect("temporary directory");
    let first = build(
        a.path(),
        &repo().join("content"),
        &a.path().join("out"),
        &[("SOURCE_DATE_EPOCH", BUILD_DATE)],
    );
    let b = tempfile::tempdir().expect("temporary directory");
    copy_tree(&repo().join("content"), &b.path().join("content"));
    let second = build(
        b.path(),
        Path::new("content"),
        Path::new("output"),
        &[
            ("SOURCE_DATE_EPOCH", BUILD_DATE),
            ("TZ", "America/New_York"),
            ("LC_ALL", "C"),
        ],
    );

    assert!(first.contains_key("index.html"), "{:?}", first.keys());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>(),
        "the two builds made different files"
    );
    for (name, bytes) in &first {
        assert!(second[name] == *bytes, "{name} differs between the builds");
    }
}

/// Dates around now, as `YYYY-MM-DD`, in Stockholm and in UTC.
fn dates_near_now() -> Vec<String> {
    let now = jiff::Timestamp::now();
    let mut out = Vec::new();
    for tz in ["Europe/Stockholm", "UTC"] {
        let tz = jiff::tz::TimeZone::get(tz).expect("bundled time zone");
        let today = now.to_zoned_datetime(tz).date();
        for day in [today.yesterday(), Ok(today), today.tomorrow()] {
            out.push(day.expect("a date near now").to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn count(tree: &Tree, needle: &str) -> usize {
    tree.values()
        .map(|bytes| String::from_utf8_lossy(bytes).matches(needle).count())
        .sum()
}

#[test]
fn build_without_source_date_epoch_shows_no_date_from_the_clock() {
    let dates = dates_near_now();
    let dir = tempfile::tempdir().expect("temporary directory");
    let unset = build(
        dir.path(),
        &repo().join("content"),
        &dir.path().join("unset"),
        &[],
    );

    // A build dated far from today, where every date in the output comes from
    // the content or from SOURCE_DATE_EPOCH. Today's date may still occur in
    // the content (a contact verified today), so compare counts instead of
    // requiring none.
    let later = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 1000))
        .expect("a date 1000 days ahead");
    let dated = build(
        dir.path(),
        &repo().join("content"),
        &dir.path().join("dated"),
        &[("SOURCE_DATE_EPOCH", &later.as_second().to_string())],
    );
    let later_date = later
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Stockholm").expect("bundled time zone"))
        .date()
        .to_string();
    assert!(
        count(&dated, &later_date) > 0,
        "SOURCE_DATE_EPOCH's date {later_date} is shown somewhere"
    );
    assert_eq!(count(&unset, &later_date), 0);

    for date in dates {
        assert_eq!(
            count(&unset, &date),
            count(&dated, &date),
            "{date} appears in the build without SOURCE_DATE_EPOCH more often than the content explains"
        );
    }
}
