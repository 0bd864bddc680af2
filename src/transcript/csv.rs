//! The transcription file as text: a small RFC 4180 reader and writer.
//!
//! This module owns splitting text into records and fields and writing them
//! back: quoted fields, doubled quotes, separators and line breaks inside
//! quotes, a UTF-8 byte order mark, CRLF or LF line ends, `;` or `,` as the
//! separator (taken from the header line). Beyond RFC 4180, a line that starts
//! with `#` is a comment and an empty line is skipped.
//!
//! It knows nothing about the columns of a call log and never interprets a
//! value, so its messages quote no field content.

/// The UTF-8 byte order mark. Spreadsheet programs need it to read å, ä and ö
/// in a CSV file correctly, so the writer puts it first.
pub const BOM: char = '\u{feff}';

/// Line end written after every record (RFC 4180).
pub const LINE_END: &str = "\r\n";

/// One record: its fields, unquoted, and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A record that could not be split into fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line where the record starts.
    pub line: usize,
    /// Swedish message; never contains field content.
    pub message: String,
}

/// A file split into its header and data records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// `;` or `,`, as found in the header line.
    pub separator: char,
    pub header: Record,
    /// Every record after the header, in file order, comments and empty
    /// lines left out.
    pub rows: Vec<Result<Record, CsvError>>,
}

/// Reads a whole file: strips a leading byte order mark, takes the first
/// record that is not a comment or empty line as the header, finds the
/// separator in it and splits the rest.
///
/// # Errors
///
/// Fails only when there is no header line, or it contains neither `;` nor
/// `,`, or it cannot itself be split. A malformed data record (an unclosed
/// quote, text after a closing quote) is returned as an `Err` row so the
/// caller can report it and go on.
pub fn parse(text: &str) -> Result<Table, CsvError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut cursor = Cursor::new(text);
    cursor.skip_blank_and_comments();
    let line = cursor.line;
    let header_text = cursor.rest().split(['\r', '\n']).next().unwrap_or("");
    let separator = detect_separator(header_text).ok_or_else(|| CsvError {
        line: if cursor.at_end() { 0 } else { line },
        message: if cursor.at_end() {
            "filen är tom; första raden ska vara rubrikraden".to_owned()
        } else {
            "rubrikraden saknar skiljetecken; väntade ; eller , mellan kolumnnamnen".to_owned()
        },
    })?;
    let header = cursor.record(separator)?;
    let mut rows = Vec::new();
    loop {
        cursor.skip_blank_and_comments();
        if cursor.at_end() {
            break;
        }
        rows.push(cursor.record(separator));
    }
    Ok(Table {
        separator,
        header,
        rows,
    })
}

/// The separator of a header line: whichever of `;` and `,` occurs more
/// often outside quotes, `;` on a tie. `None` when neither occurs.
pub fn detect_separator(header_line: &str) -> Option<char> {
    let mut quoted = false;
    let (mut semicolons, mut commas) = (0, 0);
    for c in header_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    match (semicolons, commas) {
        (0, 0) => None,
        (s, c) if c > s => Some(','),
        _ => Some(';'),
    }
}

/// Appends one record to `out`, quoting fields that need it, ended by CRLF.
pub fn write_record<S: AsRef<str>>(out: &mut String, fields: &[S], separator: char) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        write_field(out, field.as_ref(), separator, i == 0);
    }
    out.push_str(LINE_END);
}

/// Quotes a field that contains the separator, a quote or a line break, or
/// that would otherwise be read as a comment or lose its surrounding spaces.
fn write_field(out: &mut String, field: &str, separator: char, first: bool) {
    let needs_quotes = field.contains([separator, '"', '\r', '\n'])
        || (first && field.starts_with('#'))
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs_quotes {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// A position in the text, counting lines as it goes.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            text,
            pos: 0,
            line: 1,
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// Skips whole lines that are empty (or only spaces) or start with `#`.
    fn skip_blank_and_comments(&mut self) {
        while !self.at_end() {
            let rest = self.rest();
            let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let line = rest[..end].trim_end_matches(['\r', '\n']);
            if line.trim().is_empty() || line.starts_with('#') {
                self.pos += end;
                if end > 0 && rest[..end].ends_with('\n') {
                    self.line += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Reads one record starting at the current position and moves past its
    /// line end. On a malformed record, moves to the next line (or to the end
    /// for an unclosed quote) so reading can go on.
    fn record(&mut self, separator: char) -> Result<Record, CsvError> {
        let start_line = self.line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = self.rest().char_indices().peekable();
        let mut consumed = self.rest().len();
        let mut error = None;
        // At the start of a field: decide quoted or not.
        'fields: loop {
            if let Some(&(_, '"')) = chars.peek() {
                chars.next();
                loop {
                    match chars.next() {
                        None => {
                            error = Some(format!(
                                "citattecknet som öppnar ett fält på rad {start_line} stängs aldrig"
                            ));
                            break 'fields;
                        }
                        Some((_, '"')) => {
                            if let Some(&(_, '"')) = chars.peek() {
                                chars.next();
                                field.push('"');
                            } else {
                                break;
                            }
                        }
                        Some((_, c)) => {
                            if c == '\n' {
                                self.line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                // After the closing quote: a separator, a line end or the end.
                match chars.peek().copied() {
                    None => {
                        fields.push(std::mem::take(&mut field));
                        break 'fields;
                    }
                    Some((_, c)) if c == separator => {
                        chars.next();
                        fields.push(std::mem::take(&mut field));
                        continue 'fields;
                    }
                    Some((i, '\r' | '\n')) => {
                        fields.push(std::mem::take(&mut field));
                        consumed = self.end_of_line(i);
                        break 'fields;
                    }
                    Some((i, _)) => {
                        error = Some(format!(
                            "fält {} har text efter det avslutande citattecknet; \
                             ett citattecken inuti ett fält skrivs som två (\"\")",
                            fields.len() + 1
                        ));
                        let rest = &self.rest()[i..];
                        consumed = i + rest.find('\n').map_or(rest.len(), |n| n + 1);
                        if rest.contains('\n') {
                            self.line += 1;
                        }
                        break 'fields;
                    }
                }
            }
            // Unquoted: up to the separator or the line end. A quote inside
            // is kept as it is, as spreadsheet programs do.
            loop {
                match chars.next() {
                    None => {
                        fields.push(std::mem::take(&mut field));
                        break 'fields;
                    }
                    Some((_, c)) if c == separator => {
                        fields.push(std::mem::take(&mut field));
                        continue 'fields;
                    }
                    Some((i, '\r' | '\n')) => {
                        fields.push(std::mem::take(&mut field));
                        consumed = self.end_of_line(i);
                        break 'fields;
                    }
                    Some((_, c)) => field.push(c),
                }
            }
        }
        self.pos += consumed;
        match error {
            Some(message) => Err(CsvError {
                line: start_line,
                message,
            }),
            None => Ok(Record {
                line: start_line,
                fields,
            }),
        }
    }

    /// Given the offset (within `rest`) of a `\r` or `\n`, returns how many
    /// bytes of `rest` the record used, line end included, and counts the
    /// line. A lone `\r` counts as a line end too.
    fn end_of_line(&mut self, at: usize) -> usize {
        let rest = self.rest();
        self.line += 1;
        if rest[at..].starts_with("\r\n") {
            at + 2
        } else {
            at + 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(table: &Table) -> Vec<Vec<String>> {
        table
            .rows
            .iter()
            .map(|r| r.as_ref().expect("well-formed record").fields.clone())
            .collect()
    }

    fn lines(table: &Table) -> Vec<usize> {
        table
            .rows
            .iter()
            .map(|r| match r {
                Ok(r) => r.line,
                Err(e) => e.line,
            })
            .collect()
    }

    #[test]
    fn reads_semicolon_separated_records() {
        let table = parse("a;b;c\n1;2;3\n").expect("header");
        assert_eq!(table.separator, ';');
        assert_eq!(table.header.fields, ["a", "b", "c"]);
        assert_eq!(fields(&table), [["1", "2", "3"]]);
    }

    #[test]
    fn detects_comma_from_the_header() {
        let table = parse("a,b,c\n1,\"x;y\",3\n").expect("header");
        assert_eq!(table.separator, ',');
        assert_eq!(fields(&table), [["1", "x;y", "3"]]);
    }

    #[test]
    fn a_comma_inside_a_semicolon_file_is_text() {
        let table = parse("a;b\nLuleå, centrum;2\n").expect("header");
        assert_eq!(fields(&table), [["Luleå, centrum", "2"]]);
    }

    #[test]
    fn reads_quoted_fields_with_doubled_quotes_separators_and_newlines() {
        let text = "a;b;c\n\"sa \"\"hej\"\"\";\"x;y\";\"rad ett\nrad två\"\n4;5;6\n";
        let table = parse(text).expect("header");
        assert_eq!(
            fields(&table),
            [
                vec!["sa \"hej\"", "x;y", "rad ett\nrad två"],
                vec!["4", "5", "6"]
            ]
        );
        // The second record starts on line 4: the first one spans two lines.
        assert_eq!(lines(&table), [2, 4]);
    }

    #[test]
    fn strips_the_byte_order_mark() {
        let table = parse("\u{feff}blad;rad\nx;1\n").expect("header");
        assert_eq!(table.header.fields, ["blad", "rad"]);
        assert_eq!(table.header.line, 1);
    }

    #[test]
    fn reads_crlf_line_ends() {
        let table = parse("a;b\r\n1;2\r\n\"3\r\n4\";5\r\n").expect("header");
        assert_eq!(fields(&table), [vec!["1", "2"], vec!["3\r\n4", "5"]]);
        assert_eq!(lines(&table), [2, 3]);
    }

    #[test]
    fn reads_a_last_record_without_line_end() {
        let table = parse("a;b\n1;2").expect("header");
        assert_eq!(fields(&table), [["1", "2"]]);
    }

    #[test]
    fn keeps_empty_fields() {
        let table = parse("a;b;c\n;;\n\"\";x;\n").expect("header");
        assert_eq!(fields(&table), [vec!["", "", ""], vec!["", "x", ""]]);
    }

    #[test]
    fn skips_comments_and_empty_lines_and_counts_them() {
        let text = "# Samtalslogg\n\na;b\n# kommentar\n\n   \n1;2\n";
        let table = parse(text).expect("header");
        assert_eq!(table.header.line, 3);
        assert_eq!(fields(&table), [["1", "2"]]);
        assert_eq!(lines(&table), [7]);
    }

    #[test]
    fn a_quoted_hash_is_not_a_comment() {
        let table = parse("a;b\n\"#1\";2\n").expect("header");
        assert_eq!(fields(&table), [["#1", "2"]]);
    }

    #[test]
    fn keeps_a_stray_quote_inside_an_unquoted_field() {
        let table = parse("a;b\n12\" skärm;2\n").expect("header");
        assert_eq!(fields(&table), [["12\" skärm", "2"]]);
    }

    #[test]
    fn reports_text_after_a_closing_quote_and_reads_on() {
        let table = parse("a;b\n\"x\"y;2\n3;4\n").expect("header");
        let error = table.rows[0].as_ref().expect_err("malformed");
        assert_eq!(error.line, 2);
        assert!(error.message.contains("fält 1"), "{}", error.message);
        assert_eq!(
            table.rows[1],
            Ok(Record {
                line: 3,
                fields: vec!["3".into(), "4".into()]
            })
        );
    }

    #[test]
    fn reports_an_unclosed_quote_at_the_line_it_opens() {
        let table = parse("a;b\n1;2\n\"öppen;3\n4;5\n").expect("header");
        assert_eq!(table.rows.len(), 2);
        let error = table.rows[1].as_ref().expect_err("unclosed");
        assert_eq!(error.line, 3);
        assert!(error.message.contains("stängs aldrig"));
    }

    #[test]
    fn refuses_an_empty_file_and_a_header_without_separator() {
        assert!(parse("").is_err());
        assert!(parse("\u{feff}# bara kommentar\n").is_err());
        let error = parse("blad rad\n").expect_err("no separator");
        assert_eq!(error.line, 1);
    }

    #[test]
    fn writes_and_reads_back_every_awkward_value() {
        let values = [
            "vanlig",
            "med;semikolon",
            "med,komma",
            "citat \"här\"",
            "två\nrader",
            "#inte kommentar",
            " mellanslag ",
            "",
            "åäö ÅÄÖ",
        ];
        for separator in [';', ','] {
            let mut text = String::new();
            write_record(&mut text, &["h1", "h2"], separator);
            for value in values {
                write_record(&mut text, &[value, "x"], separator);
            }
            let table = parse(&text).expect("header");
            assert_eq!(table.separator, separator);
            let read: Vec<String> = fields(&table).into_iter().map(|f| f[0].clone()).collect();
            assert_eq!(read, values, "separator {separator}");
        }
    }

    #[test]
    fn writes_crlf_and_quotes_only_when_needed() {
        let mut text = String::new();
        write_record(&mut text, &["a", "b;c", ""], ';');
        assert_eq!(text, "a;\"b;c\";\r\n");
    }
}
