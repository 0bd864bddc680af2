//! CSV the way Swedish Excel opens it: UTF-8 with a byte-order mark, `;`
//! between fields, CRLF line ends, and fields quoted when they need it.
//!
//! A field that starts like a formula (`=`, `+`, `-`, `@`) gets a leading
//! apostrophe, so a name or note written on paper can never run as a formula
//! in a spreadsheet.

use std::io::Write;

/// A CSV file being written row by row to `out` (a file, or a `Vec<u8>`),
/// so that a national outage's record files are never whole in memory.
///
/// Rows cannot fail one by one: the first write error is kept, nothing is
/// written after it, and [`Csv::finish`] returns it.
pub struct Csv<'w> {
    out: &'w mut dyn Write,
    line: String,
    error: Option<std::io::Error>,
}

impl<'w> Csv<'w> {
    /// Starts a file with the byte-order mark and the header row.
    pub fn new(out: &'w mut dyn Write, header: &[&str]) -> Csv<'w> {
        let mut csv = Csv {
            out,
            line: String::new(),
            error: None,
        };
        csv.put("\u{feff}");
        csv.row(header);
        csv
    }

    /// Starts a file with the byte-order mark, a line of text for the
    /// reader (one field), and the header row.
    pub fn with_preamble(out: &'w mut dyn Write, preamble: &str, header: &[&str]) -> Csv<'w> {
        let mut csv = Csv::new(out, &[preamble]);
        csv.row(header);
        csv
    }

    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                line.push(';');
            }
            push_field(&mut line, field.as_ref());
        }
        line.push_str("\r\n");
        self.put(&line);
        self.line = line;
    }

    fn put(&mut self, text: &str) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(text.as_bytes())
        {
            self.error = Some(e);
        }
    }

    /// Ends the file.
    ///
    /// # Errors
    /// The first error writing to `out`.
    pub fn finish(self) -> std::io::Result<()> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn push_field(out: &mut String, field: &str) {
    let bytes = field.as_bytes();
    let guarded = matches!(bytes.first(), Some(b'=' | b'+' | b'-' | b'@'));
    // Byte by byte: these are ASCII, which never occurs inside a UTF-8
    // sequence, and a worklist note is hundreds of bytes long.
    // (Without stopping early, so that it is done many bytes at a time.)
    let special = bytes.iter().fold(false, |found, &b| {
        found | matches!(b, b';' | b'"' | b'\n' | b'\r' | b'\t')
    });
    let needs_quotes =
        guarded || special || bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ');
    if needs_quotes {
        out.push('"');
        if guarded {
            out.push('\'');
        }
        if bytes.contains(&b'"') {
            out.push_str(&field.replace('"', "\"\""));
        } else {
            out.push_str(field);
        }
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file `write` makes with a [`Csv`] on a `Vec`.
    fn text(write: impl FnOnce(&mut Csv<'_>)) -> String {
        let mut bytes = Vec::new();
        let mut csv = Csv::new(&mut bytes, &["a"]);
        write(&mut csv);
        csv.finish().expect("a Vec takes every write");
        String::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn starts_with_bom_and_separates_with_semicolons() {
        let mut bytes = Vec::new();
        let mut csv = Csv::new(&mut bytes, &["id", "status"]);
        csv.row(&["S00001", "matchad"]);
        csv.finish().expect("a Vec takes every write");
        assert_eq!(
            String::from_utf8(bytes).expect("utf-8"),
            "\u{feff}id;status\r\nS00001;matchad\r\n"
        );
    }

    #[test]
    fn quotes_separators_quotes_and_line_breaks() {
        let text = text(|csv| csv.row(&["x;y", "säger \"ja\"", "två\nrader", " kant", "vanlig"]));
        assert_eq!(
            text.lines().nth(1),
            Some("\"x;y\";\"säger \"\"ja\"\"\";\"två")
        );
    }

    #[test]
    fn defuses_formulas() {
        let text = text(|csv| csv.row(&["=SUMMA(A1)", "@x", "-1+1", "Anna"]));
        assert!(
            text.ends_with("\"'=SUMMA(A1)\";\"'@x\";\"'-1+1\";Anna\r\n"),
            "formulas are quoted and prefixed"
        );
    }
}
