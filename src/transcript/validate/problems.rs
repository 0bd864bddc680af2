//! The problems found on one line and how they are worded: `blad X rad N,
//! fält «kolumn»: …`, with the patient's name and number scrubbed from every
//! message even when they were typed into the wrong column.

use super::super::columns::{Column, Requirement};
use super::super::entry::SheetNo;
use super::super::fields::shown;
use crate::diag::Severity;

/// The problems found on one line, before they become diagnostics.
#[derive(Default)]
pub(super) struct Problems {
    pub(super) items: Vec<Problem>,
}

pub(super) struct Problem {
    pub(super) column: Option<Column>,
    pub(super) severity: Severity,
    pub(super) message: String,
    pub(super) hint: Option<String>,
}

impl Problems {
    pub(super) fn error(&mut self, column: Column, message: impl Into<String>) {
        self.push(Some(column), Severity::Error, message.into(), None);
    }

    pub(super) fn error_hint(
        &mut self,
        column: Column,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(
            Some(column),
            Severity::Error,
            message.into(),
            Some(hint.into()),
        );
    }

    pub(super) fn warning(&mut self, column: Column, message: impl Into<String>) {
        self.push(Some(column), Severity::Warning, message.into(), None);
    }

    pub(super) fn push(
        &mut self,
        column: Option<Column>,
        severity: Severity,
        message: String,
        hint: Option<String>,
    ) {
        self.items.push(Problem {
            column,
            severity,
            message,
            hint,
        });
    }

    pub(super) fn has_errors(&self) -> bool {
        self.items.iter().any(|p| p.severity == Severity::Error)
    }
}

/// The patient's name and number as written on a line, to keep them out of
/// every message even when they landed in the wrong column.
pub(super) struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    pub(super) fn of(f: &[String]) -> Self {
        let mut values = Vec::new();
        for column in [Column::Patient, Column::Personnummer] {
            let value = f[column.index()].trim();
            if value.chars().count() >= 3 {
                values.push(value.to_owned());
            }
            if column == Column::Patient {
                values.extend(
                    value
                        .split_whitespace()
                        .filter(|part| part.chars().count() >= 3)
                        .map(str::to_owned),
                );
            }
        }
        // Longest first, so a whole name is replaced before its parts.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        Secrets { values }
    }

    /// The text with every occurrence of the patient's name (or a part of
    /// it) and number replaced.
    pub(super) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for value in &self.values {
            text = text.replace(value.as_str(), "(patientuppgift)");
        }
        text
    }

    /// A sheet or row number as written, for a `Rejection` and the label:
    /// left out unless it is empty or has the shape of a sheet number
    /// (`enhet-007`, lower-case id) or a row number (one to three digits),
    /// so a shifted name or number is never echoed. (Such a value has no
    /// `(`, so it holds a secret exactly when scrubbing would change it.)
    pub(super) fn written(&self, value: &str) -> Option<String> {
        let row_shaped =
            (1..=3).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit());
        let sheet_shaped = SheetNo::parse(value).is_some()
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let safe = (value.is_empty() || row_shaped || sheet_shaped)
            && shown(value) != "(värdet visas inte)"
            && !self.values.iter().any(|v| value.contains(v.as_str()));
        safe.then(|| value.to_owned())
    }
}

/// `blad X rad N`, with the values as written (or a note when empty or
/// possibly patient data).
pub(super) fn label(sheet: &str, row: &str) -> String {
    let show = |v: &str| {
        if v.is_empty() {
            "(tomt)".to_owned()
        } else {
            let quoted = shown(v);
            match quoted.strip_prefix('«').and_then(|q| q.strip_suffix('»')) {
                Some(plain) => plain.to_owned(),
                None => quoted,
            }
        }
    };
    format!("blad {} rad {}", show(sheet), show(row))
}

/// `fält «kolumn»: message`, noting a value taken from an earlier line.
pub(super) fn reason(item: &Problem, inherited_from: Option<usize>) -> String {
    let message = match inherited_from {
        Some(line) if item.column.is_some_and(|c| c != Column::Post) => {
            format!("{} (värdet kommer från rad {line} i filen)", item.message)
        }
        _ => item.message.clone(),
    };
    match item.column {
        Some(c) => format!("fält «{}»: {message}", c.name()),
        None => message,
    }
}

/// `rad L i filen` in the same file, `rad L i FIL` in another.
pub(super) fn where_(file: &str, line: usize, current: &str) -> String {
    if file == current {
        format!("rad {line} i filen")
    } else {
        format!("rad {line} i {file}")
    }
}

/// The trimmed value of a column, or `None` when it is empty, which is
/// reported as the column table says.
pub(super) fn required<'f>(p: &mut Problems, f: &'f [String], column: Column) -> Option<&'f str> {
    let value = f[column.index()].trim();
    if value.is_empty() {
        missing(p, column);
        None
    } else {
        Some(value)
    }
}

/// Reports an empty column as its [`Requirement`] says: an error for a
/// required column, a warning for one that should be filled in.
pub(super) fn missing(p: &mut Problems, column: Column) {
    let spec = column.spec();
    match spec.requirement {
        Requirement::Optional => {}
        Requirement::WarnIfEmpty => p.warning(column, spec.missing),
        Requirement::Required | Requirement::FirstOfSheet | Requirement::ByEvent => {
            p.error(column, spec.missing);
        }
    }
}
