//! CSV the way Swedish Excel opens it: UTF-8 with a byte-order mark, `;`
//! between fields, CRLF line ends, and fields quoted when they need it.
//!
//! A field that starts like a formula (`=`, `+`, `-`, `@`) gets a leading
//! apostrophe, so a name or note written on paper can never run as a formula
//! in a spreadsheet.

/// A CSV file being built in memory.
#[derive(Debug, Clone)]
pub struct Csv {
    text: String,
}

impl Csv {
    /// Starts a file with the byte-order mark and the header row.
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv {
            text: String::from('\u{feff}'),
        };
        csv.row(header);
        csv
    }

    /// Starts a file with the byte-order mark, a line of text for the
    /// reader (one field), and the header row.
    pub fn with_preamble(preamble: &str, header: &[&str]) -> Csv {
        let mut csv = Csv {
            text: String::from('\u{feff}'),
        };
        csv.row(&[preamble]);
        csv.row(header);
        csv
    }

    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.text.push(';');
            }
            push_field(&mut self.text, field.as_ref());
        }
        self.text.push_str("\r\n");
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.text.into_bytes()
    }
}

fn push_field(out: &mut String, field: &str) {
    let guarded = matches!(field.chars().next(), Some('=' | '+' | '-' | '@'));
    let needs_quotes = guarded
        || field.contains([';', '"', '\n', '\r', '\t'])
        || field.starts_with(' ')
        || field.ends_with(' ');
    if needs_quotes {
        out.push('"');
        if guarded {
            out.push('\'');
        }
        if field.contains('"') {
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

    fn text(csv: Csv) -> String {
        String::from_utf8(csv.into_bytes()).expect("utf-8")
    }

    #[test]
    fn starts_with_bom_and_separates_with_semicolons() {
        let mut csv = Csv::new(&["id", "status"]);
        csv.row(&["S00001", "matchad"]);
        assert_eq!(text(csv), "\u{feff}id;status\r\nS00001;matchad\r\n");
    }

    #[test]
    fn quotes_separators_quotes_and_line_breaks() {
        let mut csv = Csv::new(&["a"]);
        csv.row(&["x;y", "säger \"ja\"", "två\nrader", " kant", "vanlig"]);
        assert_eq!(
            text(csv).lines().nth(1),
            Some("\"x;y\";\"säger \"\"ja\"\"\";\"två")
        );
    }

    #[test]
    fn defuses_formulas() {
        let mut csv = Csv::new(&["a"]);
        csv.row(&["=SUMMA(A1)", "@x", "-1+1", "Anna"]);
        assert!(
            text(csv).ends_with("\"'=SUMMA(A1)\";\"'@x\";\"'-1+1\";Anna\r\n"),
            "formulas are quoted and prefixed"
        );
    }
}
