//! The one error type of the print module.
//!
//! Owns [`PrintError`] and its Swedish messages. It must not decide how an
//! error is reported: callers add the content file or kit part the failing
//! text came from.

use std::fmt;

/// Something that cannot be printed as asked.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintError {
    /// The text uses characters that the embedded fonts lack; printed, they
    /// would come out blank. `text_excerpt` is a short piece of the text around
    /// the first such character, so the caller can find it in its source.
    MissingGlyphs {
        /// At most about 60 characters of the offending text.
        text_excerpt: String,
        /// Each missing character once, in order of appearance.
        chars: Vec<char>,
    },
    /// The URL could not be encoded as a QR code (typically: too long).
    QrEncode {
        /// The URL that was asked for.
        url: String,
        /// The QR library's reason.
        reason: String,
    },
    /// A block (table row, custom block, footer) is taller or wider than an
    /// empty page can hold, so no page break can help.
    DoesNotFit {
        /// What was being placed, e.g. `tabellrad 3`.
        what: String,
        /// Size needed, mm.
        needed_mm: f64,
        /// Size available on an empty page, mm.
        available_mm: f64,
    },
    /// A table's rows do not match its columns.
    InvalidTable {
        /// Row number from 1 (0 for the header row).
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// An item carries a value no PDF can hold (not finite, negative size).
    InvalidItem {
        /// Page number, from 1.
        page: usize,
        /// Item index on the page, from 1.
        item: usize,
        /// What is wrong.
        reason: String,
    },
    /// The PDF library reported an error while writing the document.
    Pdf {
        /// Title of the document being written.
        title: String,
        /// The library's message.
        reason: String,
    },
}

impl fmt::Display for PrintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrintError::MissingGlyphs {
                text_excerpt,
                chars,
            } => {
                let list = chars
                    .iter()
                    .map(|c| format!("{c:?} (U+{:04X})", u32::from(*c)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let noun = if chars.len() == 1 {
                    "tecknet"
                } else {
                    "tecknen"
                };
                write!(
                    f,
                    "{noun} {list} finns inte i utskrifternas typsnitt och skulle bli tomrum på papperet, i texten \"{text_excerpt}\""
                )
            }
            PrintError::QrEncode { url, reason } => {
                write!(f, "kan inte göra en QR-kod av adressen \"{url}\": {reason}")
            }
            PrintError::DoesNotFit {
                what,
                needed_mm,
                available_mm,
            } => write!(
                f,
                "{what} får inte plats på en sida: behöver {needed_mm:.1} mm, en tom sida har {available_mm:.1} mm"
            ),
            PrintError::InvalidTable { row: 0, reason } => {
                write!(f, "tabellens rubrikrad: {reason}")
            }
            PrintError::InvalidTable { row, reason } => {
                write!(f, "tabellrad {row}: {reason}")
            }
            PrintError::InvalidItem { page, item, reason } => {
                write!(f, "sida {page}, element {item}: {reason}")
            }
            PrintError::Pdf { title, reason } => {
                write!(f, "PDF-filen \"{title}\" kunde inte skrivas: {reason}")
            }
        }
    }
}

impl std::error::Error for PrintError {}
