//! `reservkit build`: loads, renders and writes `out/site` and `out/print`
//! in one swap; prints the warnings and what was written.

use crate::diag::report;
use crate::pipeline::{self, BuildError, Paths};
use std::process::ExitCode;
use std::time::Instant;

/// Runs `reservkit build`: exit 1 when the content is invalid or the output
/// cannot be written (the earlier output is then untouched).
pub fn run(paths: Paths, strict: bool) -> ExitCode {
    let start = Instant::now();
    match pipeline::build(&paths, strict) {
        Ok(built) => {
            report(&built.warnings);
            for note in &built.notes {
                eprintln!("{note}");
            }
            eprintln!(
                "Byggde kitet {} till {}: {} filer på {:.2} s.",
                built.version,
                paths.out.join("site").display(),
                built.site.len() + built.streamed,
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(diags)) => {
            report(&diags);
            eprintln!("Inget skrevs; tidigare utdata är orörd.");
            ExitCode::FAILURE
        }
        Err(BuildError::Output(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
