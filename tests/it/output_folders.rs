//! How `build` and `reconcile` treat their output folders, through the real
//! binary: a run killed at any moment leaves the whole old or the whole new
//! result, the next run cleans up after it and says so, a folder reservkit
//! did not write is never replaced, and patient data never lands in the
//! site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reservkit"));
    c.env_remove("SOURCE_DATE_EPOCH");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("reservkit runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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

/// A project folder with the shipped content and templates.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("content"), &dir.path().join("content"));
    copy_dir(&root.join("templates"), &dir.path().join("templates"));
    dir
}

/// Every file of a folder, relative path to bytes.
type Files = BTreeMap<PathBuf, Vec<u8>>;

/// Every file below `dir`.
fn tree(dir: &Path) -> Files {
    fn walk(root: &Path, dir: &Path, out: &mut Files) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("inside").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

/// Runs the command and kills it (SIGKILL) after `delay`, or lets it end.
fn run_killed(dir: &Path, args: &[&str], delay: Duration) {
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("reservkit starts");
    let deadline = Instant::now() + delay;
    while Instant::now() < deadline {
        if child.try_wait().expect("wait").is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills at moments spread over a whole run (the last ones land in the
/// write and the swap), checking after each kill that the folder is one of
/// the two complete results and that only known leftovers lie beside it.
fn kill_at_many_moments(
    dir: &Path,
    folder: &str,
    versions: &[(&dyn Fn(), Files)],
    args: &[&str],
    full: Duration,
) {
    let (mut swapped, mut leftovers) = (0, 0);
    let mut before = tree(&dir.join(folder));
    let steps = 12u32;
    for i in 0..steps {
        let (prepare, _) = &versions[(i % 2) as usize];
        prepare();
        // From a third of a run to a little past its end, where the
        // writing happens.
        let delay = full / 3 + full * i / (steps - 2);
        run_killed(dir, args, delay);
        let now = tree(&dir.join(folder));
        assert!(
            versions.iter().any(|(_, whole)| *whole == now),
            "after a kill at {delay:?}, {folder} is neither the old nor the new result: {:?}",
            now.keys().collect::<Vec<_>>()
        );
        swapped += usize::from(now != before);
        before = now;
        for name in names(dir) {
            if name.starts_with(&format!(".{folder}.")) {
                assert!(
                    name.starts_with(&format!(".{folder}.ny-"))
                        || name.starts_with(&format!(".{folder}.gammal-")),
                    "{name}"
                );
                leftovers += 1;
            }
        }
    }
    // Seen with --nocapture: how many kills came after the swap, and how
    // many left a sibling for the next run to clean up.
    eprintln!("{folder}: {steps} kills, {swapped} after the swap, {leftovers} leftovers");
}

/// Whether a killed run left something beside `folder`.
fn has_leftover(dir: &Path, folder: &str) -> bool {
    names(dir)
        .iter()
        .any(|n| n.starts_with(&format!(".{folder}.")))
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_old_or_whole_new_output() {
    let dir = project();
    let page = dir.path().join("content/rutin/felanmalan.md");
    let original = std::fs::read_to_string(&page).expect("page");
    let changed = format!("{original}\nEn ändring mellan två byggen.\n");
    let set = |text: &str| std::fs::write(&page, text).expect("write page");

    set(&changed);
    let first = run(dir.path(), &["build"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let new = tree(&dir.path().join("output"));
    set(&original);
    let start = Instant::now();
    let second = run(dir.path(), &["build"]);
    let full = start.elapsed();
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let old = tree(&dir.path().join("output"));
    assert_ne!(old, new);
    assert!(old.contains_key(Path::new(".reservkit-bygge")));
    assert!(
        old.keys().any(|k| k.starts_with("site")) && old.keys().any(|k| k.starts_with("print"))
    );

    let to_new = || set(&changed);
    let to_old = || set(&original);
    kill_at_many_moments(
        dir.path(),
        "output",
        &[(&to_new, new.clone()), (&to_old, old.clone())],
        &["build"],
        full,
    );
    let saw_leftover = has_leftover(dir.path(), "output");

    let last = run(dir.path(), &["build"]);
    assert_eq!(last.status.code(), Some(0), "{}", stderr(&last));
    if saw_leftover {
        assert!(
            stderr(&last).contains("som ett avbrutet bygge lämnade kvar"),
            "{}",
            stderr(&last)
        );
    }
    assert_eq!(tree(&dir.path().join("output")), old);
    assert_eq!(names(dir.path()), ["content", "output", "templates"]);
}

#[test]
fn the_next_build_restores_an_output_moved_away_and_removes_a_half_staged_one() {
    let dir = project();
    let first = run(dir.path(), &["build"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let built = tree(&dir.path().join("output"));
    // What a kill between the two renames of the fallback swap leaves (a
    // process id that no running process has).
    std::fs::rename(
        dir.path().join("output"),
        dir.path().join(".output.gammal-4294967290"),
    )
    .expect("move away");
    std::fs::create_dir_all(dir.path().join(".output.ny-4294967290/site")).expect("staged");
    let again = run(dir.path(), &["build"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let err = stderr(&again);
    assert!(err.contains("Återställde "), "{err}");
    assert!(
        err.contains(".output.gammal-4294967290, som ett avbrutet bygge lämnade kvar"),
        "{err}"
    );
    assert!(err.contains("Tog bort "), "{err}");
    assert!(
        err.contains(".output.ny-4294967290, som ett avbrutet bygge lämnade kvar"),
        "{err}"
    );
    assert_eq!(tree(&dir.path().join("output")), built);
    assert_eq!(names(dir.path()), ["content", "output", "templates"]);
}

#[test]
fn build_refuses_an_output_folder_it_did_not_write_and_keeps_it() {
    let dir = project();
    let out = dir.path().join("mina-filer");
    std::fs::create_dir_all(out.join("site")).expect("dir");
    std::fs::write(out.join("site/index.html"), "min egen sida").expect("file");
    std::fs::write(out.join("anteckningar.txt"), "viktigt").expect("file");
    let before = tree(&out);
    let result = run(dir.path(), &["build", "--out", "mina-filer"]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let err = stderr(&result);
    assert!(
        err.contains("mappen finns och är inget tidigare bygge"),
        "{err}"
    );
    assert!(
        err.contains("Den innehåller: anteckningar.txt, site."),
        "{err}"
    );
    assert_eq!(tree(&out), before);
    assert_eq!(names(dir.path()), ["content", "mina-filer", "templates"]);

    // A file added to a build's folder is listed, and kept.
    let ok = run(dir.path(), &["build"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    std::fs::write(dir.path().join("output/site/egen.html"), "x").expect("file");
    let result = run(dir.path(), &["build"]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("sådant som reservkit inte skrev: site/egen.html"),
        "{}",
        stderr(&result)
    );
    assert!(dir.path().join("output/site/egen.html").is_file());
}

// Reconciliation

const FIXTURE: &str = "tests/fixtures/reconcile/utbrott";

fn with_outage(dir: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    for name in ["sunderby-medicin-61.csv", "lulea.csv"] {
        std::fs::copy(fixture.join(name), dir.join(name)).expect("copy fixture");
    }
}

fn reconcile_args<'a>(out: &'a str, as_of: &'a str) -> Vec<&'a str> {
    vec![
        "reconcile",
        "sunderby-medicin-61.csv",
        "lulea.csv",
        "--out",
        out,
        "--as-of",
        as_of,
    ]
}

#[test]
fn a_reconciliation_killed_at_any_moment_leaves_a_whole_old_or_whole_new_folder() {
    let dir = project();
    with_outage(dir.path());
    let a = run(dir.path(), &reconcile_args("avst", "2025-03-12"));
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let old = tree(&dir.path().join("avst"));
    let start = Instant::now();
    let b = run(dir.path(), &reconcile_args("avst", "2025-03-14"));
    let full = start.elapsed();
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let new = tree(&dir.path().join("avst"));
    assert_ne!(old, new);
    assert!(new.contains_key(Path::new(".reservkit-avstamning")));

    // The two runs differ by date, which the arguments carry: run each
    // version with its own arguments, killing both at the same moments.
    let mut before = new.clone();
    let (mut swapped, mut leftovers) = (0, 0);
    for (i, as_of) in ["2025-03-12", "2025-03-14"]
        .iter()
        .cycle()
        .take(12)
        .enumerate()
    {
        let delay = full / 4 + full * u32::try_from(i).expect("small") / 10;
        run_killed(dir.path(), &reconcile_args("avst", as_of), delay);
        let now = tree(&dir.path().join("avst"));
        assert!(
            now == old || now == new,
            "after a kill at {delay:?}: {:?}",
            now.keys()
        );
        swapped += usize::from(now != before);
        before = now;
        leftovers += usize::from(has_leftover(dir.path(), "avst"));
    }
    eprintln!("avst: 12 kills, {swapped} after the swap, {leftovers} leftovers");
    let saw_leftover = has_leftover(dir.path(), "avst");
    let last = run(dir.path(), &reconcile_args("avst", "2025-03-12"));
    assert_eq!(last.status.code(), Some(0), "{}", stderr(&last));
    if saw_leftover {
        assert!(
            stderr(&last).contains("som en avbruten avstämning lämnade kvar"),
            "{}",
            stderr(&last)
        );
    }
    assert_eq!(tree(&dir.path().join("avst")), old);
    assert!(!names(dir.path()).iter().any(|n| n.starts_with(".avst.")));
}

#[test]
fn patient_data_left_by_a_killed_reconciliation_goes_even_when_the_next_run_fails() {
    let dir = project();
    with_outage(dir.path());
    let leftover = dir.path().join(".avst.ny-4294967290");
    std::fs::create_dir_all(&leftover).expect("leftover");
    std::fs::write(leftover.join("fall.json"), "18900101-9802 Astrid Testsson").expect("file");
    std::fs::write(dir.path().join("tom.csv"), "").expect("empty input");
    let result = run(
        dir.path(),
        &[
            "reconcile",
            "tom.csv",
            "--out",
            "avst",
            "--as-of",
            "2025-03-12",
        ],
    );
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(
        stderr(&result).contains(".avst.ny-4294967290, som en avbruten avstämning lämnade kvar"),
        "{}",
        stderr(&result)
    );
    assert!(!leftover.exists());
}

#[test]
fn reconcile_refuses_a_folder_of_someones_own_files_that_holds_a_summary() {
    let dir = project();
    with_outage(dir.path());
    let mine = dir.path().join("utbrottet");
    std::fs::create_dir_all(mine.join("brev")).expect("dir");
    std::fs::write(mine.join("sammanfattning.txt"), "mina anteckningar").expect("file");
    std::fs::write(mine.join("kostnader.xlsx"), "kalkyl").expect("file");
    std::fs::write(mine.join("brev/till-kommunen.docx"), "brev").expect("file");
    let before = tree(&mine);
    let result = run(dir.path(), &reconcile_args("utbrottet", "2025-03-12"));
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    let err = stderr(&result);
    assert!(err.contains("ingen tidigare avstämning"), "{err}");
    assert!(err.contains(".reservkit-avstamning saknas"), "{err}");
    assert!(
        err.contains("brev, kostnader.xlsx, sammanfattning.txt"),
        "{err}"
    );
    assert_eq!(tree(&mine), before);

    // An earlier reconciliation with a file added is refused too, naming it.
    let ok = run(dir.path(), &reconcile_args("avst", "2025-03-12"));
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    std::fs::write(dir.path().join("avst/att-göra.txt"), "x").expect("file");
    let result = run(dir.path(), &reconcile_args("avst", "2025-03-12"));
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("inte skrev: att-göra.txt"),
        "{}",
        stderr(&result)
    );
    std::fs::remove_file(dir.path().join("avst/att-göra.txt")).expect("rm");
    let again = run(dir.path(), &reconcile_args("avst", "2025-03-12"));
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}

#[test]
fn reconcile_never_writes_into_a_site_from_any_working_directory() {
    let repo = project();
    let built = run(repo.path(), &["build"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    // A published copy of the site somewhere else.
    let www = tempfile::tempdir().expect("www");
    copy_dir(
        &repo.path().join("output/site"),
        &www.path().join("reservkit"),
    );
    // The coordinator works from another folder.
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    with_outage(elsewhere.path());
    let content = repo.path().join("content");
    let content = content.to_str().expect("utf-8");
    let site_before = tree(&repo.path().join("output"));
    let www_before = tree(www.path());
    for out in [
        repo.path().join("output/site/x"),
        repo.path().join("output/x"),
        repo.path().join("output"),
        repo.path().join("content/x"),
        www.path().join("reservkit/avst"),
        www.path().join("reservkit/assets/avst"),
    ] {
        let out = out.to_str().expect("utf-8");
        let mut args = reconcile_args(out, "2025-03-12");
        args.extend(["--content", content]);
        let result = run(elsewhere.path(), &args);
        assert_eq!(result.status.code(), Some(2), "{out}: {}", stderr(&result));
        assert!(
            stderr(&result).contains("patientuppgifter"),
            "{out}: {}",
            stderr(&result)
        );
    }
    assert_eq!(tree(&repo.path().join("output")), site_before);
    assert_eq!(tree(www.path()), www_before);
    assert_eq!(names(repo.path()), ["content", "output", "templates"]);
}
