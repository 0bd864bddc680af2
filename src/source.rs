//! Source texts and spans: where in which file a value was written.
//!
//! A [`Source`] is one file's text as the loader read it, shared cheaply by
//! everything that points into it. A [`Span`] is a byte range in a source;
//! a diagnostic or a printed string keeps its span, and the line and column
//! are computed only when they are shown (as typst's `SourceDiagnostic`).
//! This module depends on nothing else in the crate and reads no files.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// One file's text, shared.
#[derive(Clone)]
pub struct Source(Arc<SourceFile>);

struct SourceFile {
    /// The file as messages show it (see `diag::display_path`).
    name: String,
    text: String,
    /// Where each line starts, found on first use: finding a place by line
    /// must not scan the text from its start each time (a national
    /// directory has tens of thousands of located strings).
    lines: std::sync::OnceLock<Vec<usize>>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source(Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            lines: std::sync::OnceLock::new(),
        }))
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }

    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// The bytes `range` of this source, clamped to its text.
    pub fn span(&self, range: Range<usize>) -> Span {
        let len = self.text().len();
        let start = range.start.min(len);
        Span {
            source: self.clone(),
            range: start..range.end.clamp(start, len),
        }
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = self.text();
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset);
        let col = text[starts[line - 1]..offset].chars().count() + 1;
        (line, col)
    }

    /// Where each line starts (the first is 0).
    fn line_starts(&self) -> &[usize] {
        self.0.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text().match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The byte offset of 1-based `line` and `col` (in characters), if that
    /// place is in the text: at most just after the line's last character.
    pub fn offset(&self, line: usize, col: usize) -> Option<usize> {
        let text = self.text();
        let start = *self.line_starts().get(line.checked_sub(1)?)?;
        let rest = &text[start..];
        let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let skip = col.checked_sub(1)?;
        match line_text.char_indices().nth(skip) {
            Some((i, _)) => Some(start + i),
            None if line_text.chars().count() == skip => Some(start + line_text.len()),
            None => None,
        }
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Source({:?})", self.name())
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.name() == other.name() && self.text() == other.text())
    }
}

impl Eq for Source {}

/// A byte range in a source.
#[derive(Clone, PartialEq, Eq)]
pub struct Span {
    source: Source,
    range: Range<usize>,
}

impl Span {
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The file as messages show it.
    pub fn file(&self) -> &str {
        self.source.name()
    }

    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// The text the span covers.
    pub fn text(&self) -> &str {
        &self.source.text()[self.range.clone()]
    }

    /// The 1-based line and column where the span starts.
    pub fn line_col(&self) -> (usize, usize) {
        self.source.line_col(self.range.start)
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{:?}", self.file(), self.range)
    }
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
    fn line_col_counts_characters() {
        let text = "ab\nåäö x";
        let off = text.find('x').expect("x is there");
        assert_eq!(line_col(text, off), (2, 5));
    }

    #[test]
    fn offset_and_line_col_are_inverse_within_the_text() {
        let src = Source::new("k.yaml", "a: 1\nnamn: Åsa\n\nslut");
        for offset in 0..=src.text().len() {
            if !src.text().is_char_boundary(offset) {
                continue;
            }
            let (line, col) = src.line_col(offset);
            assert_eq!((line, col), line_col(src.text(), offset), "{offset}");
            assert_eq!(src.offset(line, col), Some(offset), "{offset}");
        }
        assert_eq!(src.offset(2, 12), None);
        assert_eq!(src.offset(9, 1), None);
        assert_eq!(src.offset(0, 1), None);
    }

    #[test]
    fn a_span_shows_its_file_text_and_place() {
        let src = Source::new("content/kit.yaml", "name: Region Norrbotten\n");
        let span = src.span(6..23);
        assert_eq!(span.text(), "Region Norrbotten");
        assert_eq!(span.line_col(), (1, 7));
        assert_eq!(format!("{span:?}"), "content/kit.yaml@6..23");
        assert_eq!(src.span(30..40).range(), 24..24);
    }
}
