//! `reservkit check`: loads and renders everything in memory, writes
//! nothing, and prints the diagnostics.

use crate::diag::report;
use crate::pipeline::{self, Paths};
use std::process::ExitCode;

/// Runs `reservkit check`: exit 1 when anything is wrong (with `strict`,
/// also when there is a warning).
pub fn run(paths: Paths, strict: bool) -> ExitCode {
    match pipeline::make(&paths, strict) {
        Ok(built) => {
            report(&built.warnings);
            eprintln!("Innehållet är giltigt (kit {}).", built.version);
            ExitCode::SUCCESS
        }
        Err(diags) => {
            report(&diags);
            ExitCode::FAILURE
        }
    }
}
