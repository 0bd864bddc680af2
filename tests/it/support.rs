//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// 2026-11-25 00:00 UTC: the build date the printout checks build with.
pub const SOURCE_DATE_EPOCH: &str = "1795564800";

/// The repository's root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped kit built once per test run by the real binary: the output
/// folder, read by every module that checks the printed kit.
pub fn built_kit() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shipped-kit");
        if out.exists() {
            std::fs::remove_dir_all(&out).expect("remove the previous build");
        }
        let output = Command::new(env!("CARGO_BIN_EXE_reservkit"))
            .arg("build")
            .arg("--content")
            .arg(repo().join("content"))
            .arg("--templates")
            .arg(repo().join("templates"))
            .arg("--out")
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .output()
            .expect("reservkit runs");
        assert!(
            output.status.success(),
            "reservkit build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        out
    })
}
