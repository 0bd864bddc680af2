//! Transcription of the paper call logs ("Samtalslogg vid driftstopp"):
//! the CSV format, validation of every line against the kit, and the guided
//! terminal entry.
//!
//! ```text
//! transcription files ─▶ csv ─▶ validate (against the Kit) ─▶ Transcript { entries, rejections }
//!                                                           └▶ Diagnostic per problem
//! ```
//!
//! - [`read_files`] reads and checks files and is what reconciliation calls.
//! - [`csv`] is the RFC 4180 reader and writer; [`columns`] the one table
//!   of the form's columns, the headers and templates.
//! - [`guided`] is the session of `reservkit transcribe FILE --sheet
//!   SHEET` on a [`log_file::LogFile`] that the command
//!   (`cli::transcribe`) opened and locked.
//!
//! Patient names and identity numbers live only in [`entry::Entry`]. They
//! never appear in messages, and files that hold them are created readable
//! by their owner only. Lines are only ever appended: a mistake is corrected
//! by a `rättelse` line, so who changed what, and when, stays visible.

pub mod columns;
pub mod completion;
pub mod csv;
pub mod entry;
pub mod fields;
pub mod guided;
pub mod log_file;
pub mod privacy;
pub mod prompt;
pub mod validate;

/// The shipped kit, loaded once for the unit tests of transcription.
#[cfg(test)]
pub(crate) fn shipped_kit() -> &'static crate::model::Kit {
    static KIT: std::sync::OnceLock<crate::model::Kit> = std::sync::OnceLock::new();
    KIT.get_or_init(|| {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        crate::load::load(&content, jiff::civil::date(2026, 12, 31))
            .kit
            .expect("the shipped content loads")
    })
}

use crate::diag::Diagnostic;
use crate::diag::display_path;
use crate::model::Kit;
use entry::Transcript;
use jiff::ZonedDateTime;
use std::path::PathBuf;

/// Reads and checks transcription files, in the order given (a correction
/// may replace a line in an earlier file).
///
/// Never fails as a whole: an unreadable file, a file that is not UTF-8 or
/// has a wrong header line is an error diagnostic (its lines, if any could
/// be counted, are rejections), and every other problem is a diagnostic on
/// its line. `now` is the latest moment a call or outage may have happened.
/// The diagnostics come sorted by file and line.
pub fn read_files(
    paths: &[PathBuf],
    kit: &Kit,
    now: ZonedDateTime,
) -> (Transcript, Vec<Diagnostic>) {
    let (transcript, diags, _) = read_files_private(paths, kit, now);
    (transcript, diags)
}

/// As [`read_files`], and also returns the [`privacy::Scrubber`] that knows
/// every patient name and reservnummer of the files, for what is written
/// from them. The diagnostics and the rejections' reasons are already
/// scrubbed with it.
pub fn read_files_private(
    paths: &[PathBuf],
    kit: &Kit,
    now: ZonedDateTime,
) -> (Transcript, Vec<Diagnostic>, privacy::Scrubber) {
    let mut validator = validate::Validator::new(kit, now);
    for path in paths {
        let name = display_path(path);
        match read_text_file(path) {
            Ok(text) => validator.read_text(&name, &text),
            Err(d) => {
                validator.begin_file(&name);
                validator.push_file_error(d.with_file(&name));
            }
        }
    }
    validator.finish_private()
}

/// Why a file could not be read as text: the diagnostic to report, without
/// the file name filled in.
pub struct FileProblem {
    line: usize,
    message: String,
    hint: Option<String>,
}

impl FileProblem {
    /// The diagnostic for this problem in `file`.
    pub fn with_file(self, file: &str) -> Diagnostic {
        let d = Diagnostic::error(file, self.line, 0, self.message);
        match self.hint {
            Some(hint) => d.with_hint(hint),
            None => d,
        }
    }
}

/// Reads a whole file as UTF-8 text.
///
/// # Errors
///
/// When the file cannot be read, or is not UTF-8 (then naming the line of
/// the first byte that is not, and how to save the file right).
pub fn read_text_file(path: &std::path::Path) -> Result<String, FileProblem> {
    let bytes = std::fs::read(path).map_err(|e| FileProblem {
        line: 0,
        message: format!("kunde inte läsa filen: {e}"),
        hint: None,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        FileProblem {
            line,
            message: "filen är inte UTF-8-text".to_owned(),
            hint: Some(
                "spara filen som «CSV UTF-8» i kalkylprogrammet (inte «CSV (semikolonavgränsad)»)"
                    .to_owned(),
            ),
        }
    })
}
