//! The `reconcile` command run as a user runs it: the real binary in a
//! temporary folder, with the exit code and stderr checked for each refusal.

use std::path::Path;
use std::process::{Command, Output};

fn reservkit(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("reservkit runs")
}

/// A project folder with the shipped content and one transcription file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    copy_dir(&content, &dir.path().join("content"));
    std::fs::create_dir_all(dir.path().join("output/site")).expect("output");
    std::fs::write(dir.path().join("blad.csv"), "").expect("input");
    dir
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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn refuses_an_output_folder_inside_the_site_output_or_content() {
    let dir = project();
    for out in ["output/avstamning", "content/avstamning", "output", "."] {
        let result = reservkit(dir.path(), &["reconcile", "blad.csv", "--out", out]);
        assert_eq!(result.status.code(), Some(2), "{out}: {}", stderr(&result));
        assert!(
            stderr(&result).starts_with("error: "),
            "{}",
            stderr(&result)
        );
    }
    let result = reservkit(
        dir.path(),
        &["reconcile", "blad.csv", "--out", "output/../content/x"],
    );
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).contains("får inte ligga i eller omfatta content"),
        "{}",
        stderr(&result)
    );
    assert!(!dir.path().join("content/x").exists());
}

#[test]
fn refuses_a_folder_that_holds_other_files() {
    let dir = project();
    std::fs::create_dir_all(dir.path().join("dokument")).expect("dir");
    std::fs::write(dir.path().join("dokument/brev.txt"), "viktigt").expect("file");
    let result = reservkit(dir.path(), &["reconcile", "blad.csv", "--out", "dokument"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).contains("ingen tidigare avstämning"),
        "{}",
        stderr(&result)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("dokument/brev.txt")).expect("kept"),
        "viktigt"
    );
}

#[test]
fn refuses_a_bad_as_of_date_and_a_missing_file() {
    let dir = project();
    let result = reservkit(
        dir.path(),
        &[
            "reconcile",
            "blad.csv",
            "--out",
            "avst",
            "--as-of",
            "2025-02-30",
        ],
    );
    assert_eq!(result.status.code(), Some(2));
    assert!(stderr(&result).contains("--as-of"), "{}", stderr(&result));
    let result = reservkit(dir.path(), &["reconcile", "saknas.csv", "--out", "avst"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(stderr(&result).contains("saknas.csv: filen finns inte"));
    assert!(!dir.path().join("avst").exists());
}

#[test]
fn writes_nothing_when_the_transcriptions_cannot_be_read() {
    // Until the transcription reader is in place every file is unreadable,
    // and the command must say so rather than report an empty outage.
    let dir = project();
    let result = reservkit(
        dir.path(),
        &[
            "reconcile",
            "blad.csv",
            "--out",
            "avst",
            "--as-of",
            "2025-03-12",
        ],
    );
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("Inget skrevs"),
        "{}",
        stderr(&result)
    );
    assert!(!dir.path().join("avst").exists());
}
