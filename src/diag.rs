//! Diagnostics: problems found in user input, with the place they were found.
//!
//! Every loader collects `Diagnostic`s instead of stopping at the first
//! problem, so that a content editor sees all of them at once, sorted by file
//! and position. This module only formats; it never prints or exits.

use std::fmt;

/// How bad a problem is. Warnings become errors with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it (relative to where they ran the tool).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(
        file: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            col,
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

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&str, usize, usize, Severity, &str) {
        (
            &self.file,
            self.line,
            self.col,
            self.severity,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = one_line(&self.message);
        match (self.line, self.col) {
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

/// Sorts diagnostics by file, position and message, and drops exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// Turns a byte offset in `text` into a 1-based (line, column); the column
/// counts characters, not bytes, so it matches what an editor shows.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
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
    fn sorts_by_file_then_line() {
        let mut v = vec![
            Diagnostic::error("b.yaml", 1, 1, "x"),
            Diagnostic::error("a.yaml", 9, 1, "y"),
            Diagnostic::error("a.yaml", 2, 5, "z"),
            Diagnostic::error("a.yaml", 2, 5, "z"),
        ];
        sort(&mut v);
        let order: Vec<_> = v.iter().map(|d| (d.file.as_str(), d.line)).collect();
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
    fn line_col_counts_characters() {
        let text = "ab\nåäö x";
        let off = text.find('x').expect("x is there");
        assert_eq!(line_col(text, off), (2, 5));
    }
}
