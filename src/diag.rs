//! Diagnostics: problems found in user input, with the place they were found.
//!
//! Every loader collects `Diagnostic`s instead of stopping at the first
//! problem, so that a content editor sees all of them at once, sorted by file
//! and position. This module formats them; only [`report`], which the
//! commands call, prints them. It never exits.

pub use crate::source::line_col;
use crate::source::{Source, Span};
use std::fmt;
use std::path::Path;

/// How bad a problem is. Warnings become errors with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one input file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The file as the user named it (relative to where they ran the tool).
    pub file: String,
    at: At,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
}

/// Where in the file a problem is.
#[derive(Debug, Clone)]
enum At {
    /// The file as a whole.
    File,
    /// A place in a source the loader read; line and column are computed
    /// when the diagnostic is shown.
    Span(Span),
    /// A line and column found without a source text: in bytes that are
    /// not text yet, or in a file outside the store (transcription files).
    /// A column of 0 means the line as a whole.
    LineCol(usize, usize),
}

impl Diagnostic {
    /// A problem at `line` and `col` (1-based; `col` 0 for the whole line,
    /// `line` 0 for the whole file), for files that are not in a [`Source`].
    pub fn error(
        file: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            at: if line == 0 {
                At::File
            } else {
                At::LineCol(line, col)
            },
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        file: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, col, message)
        }
    }

    /// A problem with a file as a whole.
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::error(file, 0, 0, message)
    }

    /// A problem at `span`, in the file it belongs to.
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            file: span.file().to_string(),
            at: At::Span(span),
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `span`.
    pub fn warning_at(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::at(span, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same problem with another message (a summary of several).
    pub fn with_message(self, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            ..self
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The same problem at a span in `source`, when a parser placed it by
    /// line and column in that file and the place is in its text; any other
    /// diagnostic is returned as it is.
    pub fn in_source(self, source: &Source) -> Diagnostic {
        match self.at {
            At::LineCol(line, col) if col > 0 && self.file == source.name() => {
                match source.offset(line, col) {
                    Some(at) => Diagnostic {
                        at: At::Span(source.span(at..at)),
                        ..self
                    },
                    None => self,
                }
            }
            _ => self,
        }
    }

    /// The span, when the problem was found in a source text.
    pub fn span(&self) -> Option<&Span> {
        match &self.at {
            At::Span(span) => Some(span),
            _ => None,
        }
    }

    /// The 1-based line and column; 0 for the file as a whole (line) or
    /// for the whole line (column).
    pub fn line_col(&self) -> (usize, usize) {
        match &self.at {
            At::File => (0, 0),
            At::Span(span) => span.line_col(),
            At::LineCol(line, col) => (*line, *col),
        }
    }

    /// The 1-based line; 0 for the file as a whole.
    pub fn line(&self) -> usize {
        self.line_col().0
    }

    fn sort_key(&self) -> (String, (usize, usize), Severity, String) {
        (
            self.file.clone(),
            self.line_col(),
            self.severity,
            self.message.clone(),
        )
    }
}

/// Two diagnostics are the same when they say the same thing at the same
/// line and column, however the place was found.
impl PartialEq for Diagnostic {
    fn eq(&self, other: &Diagnostic) -> bool {
        (
            &self.file,
            self.line_col(),
            self.severity,
            &self.message,
            &self.hint,
        ) == (
            &other.file,
            other.line_col(),
            other.severity,
            &other.message,
            &other.hint,
        )
    }
}

impl Eq for Diagnostic {}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = one_line(&self.message);
        match self.line_col() {
            (0, _) => write!(f, "{}: {label}: {message}", self.file)?,
            (line, 0) => write!(f, "{}:{line}: {label}: {message}", self.file)?,
            (line, col) => write!(f, "{}:{line}:{col}: {label}: {message}", self.file)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hjälp: {}", one_line(hint))?;
        }
        Ok(())
    }
}

/// `text` with line breaks, tabs and other control characters written as
/// escapes (`\n`, `\t`, `\u{0}`), so that a diagnostic quoting a value stays
/// one line (plus its hint) and invisible characters become visible.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.into()
}

/// Prints diagnostics and a Swedish summary line to stderr.
pub fn report(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 || warnings > 0 {
        eprintln!(
            "{}, {}",
            plural(errors, "fel", "fel"),
            plural(warnings, "varning", "varningar")
        );
    }
}

/// `n` and the noun in the form that goes with it: "1 varning", "2 varningar".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How a path is shown in messages: as given, with forward slashes.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Sorts diagnostics by file, position and message, and drops exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    // Each key once: a span's line is counted from the start of its file.
    diags.sort_by_cached_key(Diagnostic::sort_key);
    diags.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_location_and_hint() {
        let d =
            Diagnostic::error("content/contacts.yaml", 14, 12, "fel").with_hint("skriv riktnummer");
        assert_eq!(
            d.to_string(),
            "content/contacts.yaml:14:12: error: fel\n  hjälp: skriv riktnummer"
        );
    }

    #[test]
    fn a_parsers_line_and_column_become_a_span_in_its_file() {
        let src = Source::new("templates/base.html", "<p>\n  {{ x | nej }}\n");
        let d = Diagnostic::error("templates/base.html", 2, 8, "okänt filter").in_source(&src);
        assert_eq!(d.span().map(|s| s.range()), Some(11..11));
        assert_eq!(
            d.to_string(),
            "templates/base.html:2:8: error: okänt filter"
        );
        let past = Diagnostic::error("templates/base.html", 2, 40, "x").in_source(&src);
        assert!(past.span().is_none());
        let other = Diagnostic::error("templates/page.html", 2, 8, "x").in_source(&src);
        assert!(other.span().is_none());
    }

    #[test]
    fn sorts_by_file_then_line() {
        let mut v = vec![
            Diagnostic::error("b.yaml", 1, 1, "x"),
            Diagnostic::error("a.yaml", 9, 1, "y"),
            Diagnostic::error("a.yaml", 2, 5, "z"),
            Diagnostic::error("a.yaml", 2, 5, "z"),
        ];
        sort(&mut v);
        let order: Vec<_> = v.iter().map(|d| (d.file.as_str(), d.line())).collect();
        assert_eq!(order, [("a.yaml", 2), ("a.yaml", 9), ("b.yaml", 1)]);
    }

    #[test]
    fn values_with_line_breaks_stay_on_one_line() {
        let d = Diagnostic::error("k.yaml", 2, 3, "värdet «a\nb\t\0» är fel").with_hint("x\ny");
        assert_eq!(
            d.to_string(),
            "k.yaml:2:3: error: värdet «a\\nb\\t\\u{0}» är fel\n  hjälp: x\\ny"
        );
    }

    #[test]
    fn a_span_is_shown_at_its_line_and_column() {
        let src = Source::new("content/kit.yaml", "a: 1\nnamn: Åsa X\n");
        let at = src.text().find('X').expect("X");
        let d = Diagnostic::at(src.span(at..at + 1), "fel");
        assert_eq!(d.to_string(), "content/kit.yaml:2:11: error: fel");
        assert_eq!(d, Diagnostic::error("content/kit.yaml", 2, 11, "fel"));
        assert_eq!(
            Diagnostic::in_file("content/kit.yaml", "filen saknas").to_string(),
            "content/kit.yaml: error: filen saknas"
        );
    }
}
