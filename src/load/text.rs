//! The raw bytes of a content file, checked before any parser sees them:
//! size, UTF-8, control characters and tabs in YAML; and YAML nesting depth,
//! which [`super::yaml::YamlDoc::parse`] checks before parsing.
//!
//! The YAML and Markdown parsers report such problems late, at a byte
//! offset or not at all, and a hostile or broken file can make them slow
//! (deeply nested brackets). Here each problem becomes a diagnostic at its
//! line and column, and the parser is not run when one is found. This module
//! only reads bytes it is given; it opens no files.

use crate::diag::Diagnostic;

/// The largest content file read, in bytes. The shipped contacts.yaml is
/// about 20 KiB; a directory of several thousand units fits well within.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The deepest YAML nesting accepted (block indentation levels and flow
/// brackets together). The content files use at most six.
pub const MAX_DEPTH: usize = 64;

/// Problems of one kind reported per file before they are summed up in one
/// last diagnostic: a file saved in the wrong encoding has one per line.
pub const MAX_REPORTED: usize = 20;

/// Which rules apply beyond UTF-8 and control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A YAML file: no tabs.
    Yaml,
    /// A Markdown page: tabs are allowed (they indent code and lists).
    Markdown,
}

/// Checks `bytes`, read from the file shown as `shown`, and returns it as
/// text. Fails with every problem found (each located at its line and
/// column), capped at [`MAX_REPORTED`] per kind of problem.
pub fn decode<'a>(shown: &str, bytes: &'a [u8], kind: Kind) -> Result<&'a str, Vec<Diagnostic>> {
    if bytes.len() > MAX_FILE_BYTES {
        let (line, col) = byte_line_col(bytes, MAX_FILE_BYTES);
        return Err(vec![
            Diagnostic::error(
                shown,
                line,
                col,
                format!(
                    "filen är {} byte; högst {} byte läses (gränsen passeras här)",
                    bytes.len(),
                    MAX_FILE_BYTES
                ),
            )
            .with_hint(
                "innehållsfilerna är text som skrivs för hand; kontrollera att rätt fil ligger här",
            ),
        ]);
    }
    let mut diags = Vec::new();
    let mut bad = Capped::new("fler ogiltiga byte (inte UTF-8) i filen");
    let mut offset = 0;
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        offset += chunk.valid().len();
        let mut invalid = chunk.invalid().to_vec();
        // Bad bytes next to each other are one problem.
        while !chunk.invalid().is_empty()
            && let Some(next) = chunks.next_if(|n| n.valid().is_empty())
        {
            invalid.extend_from_slice(next.invalid());
        }
        if !invalid.is_empty() {
            let (line, col) = byte_line_col(bytes, offset);
            let shown_bytes: Vec<String> = invalid.iter().map(|b| format!("0x{b:02X}")).collect();
            bad.push(
                &mut diags,
                Diagnostic::error(
                    shown,
                    line,
                    col,
                    format!(
                        "ogiltig UTF-8: byten {} kan inte läsas som text",
                        shown_bytes.join(" ")
                    ),
                )
                .with_hint("spara filen med teckenkodningen UTF-8 (i Anteckningar: Spara som → Kodning: UTF-8)"),
            );
            offset += invalid.len();
        }
    }
    bad.finish(&mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    // Checked above: every chunk was valid.
    let text = std::str::from_utf8(bytes).map_err(|_| Vec::new())?;
    let mut controls = Capped::new("fler otillåtna styrtecken i filen");
    let mut tabs = Capped::new("fler tabbtecken i filen");
    let mut line = 1;
    let mut col = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                line += 1;
                col = 0;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\t' if kind == Kind::Yaml => tabs.push(
                &mut diags,
                Diagnostic::error(shown, line, col, "tabbtecken är inte tillåtna i YAML-filer")
                    .with_hint("dra in och skriv mellanrum med mellanslag"),
            ),
            '\t' => {}
            c if c.is_control() => controls.push(
                &mut diags,
                Diagnostic::error(
                    shown,
                    line,
                    col,
                    format!("otillåtet styrtecken {}", describe(c)),
                )
                .with_hint(
                    "ta bort tecknet; det syns inte i de flesta redigerare men gör filen oläslig",
                ),
            ),
            _ => {}
        }
        col += 1;
    }
    controls.finish(&mut diags);
    tabs.finish(&mut diags);
    if diags.is_empty() {
        Ok(text)
    } else {
        Err(diags)
    }
}

/// `U+0000 (NUL)` and the like, for a character that cannot be shown.
pub fn describe(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\t' => " (tabb)",
        '\n' => " (radbyte)",
        '\r' => " (vagnretur)",
        '\u{1b}' => " (ESC)",
        '\u{7f}' => " (DEL)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

/// Reports the first [`MAX_REPORTED`] problems of one kind and then one
/// diagnostic, at the next one, saying how many more there are.
struct Capped {
    summary: &'static str,
    count: usize,
    first_hidden: Option<Diagnostic>,
}

impl Capped {
    fn new(summary: &'static str) -> Capped {
        Capped {
            summary,
            count: 0,
            first_hidden: None,
        }
    }

    fn push(&mut self, diags: &mut Vec<Diagnostic>, d: Diagnostic) {
        self.count += 1;
        if self.count <= MAX_REPORTED {
            diags.push(d);
        } else if self.first_hidden.is_none() {
            self.first_hidden = Some(d);
        }
    }

    fn finish(self, diags: &mut Vec<Diagnostic>) {
        if let Some(d) = self.first_hidden {
            let more = self.count - MAX_REPORTED;
            diags.push(d.with_message(format!(
                "och {more} {} (de första {MAX_REPORTED} visas)",
                self.summary
            )));
        }
    }
}

/// 1-based line and column (in characters) of byte `offset`, in bytes that
/// may not be valid UTF-8: a column counts the bytes that start a character.
fn byte_line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    (line, col)
}

/// The first place where YAML nesting passes [`MAX_DEPTH`]: block levels
/// are counted from indentation (a `- ` opens one more), flow levels from
/// `[` and `{` that start a value. Quoted text and comments are skipped.
/// One pass over the text, so a hostile file costs no more than its length.
pub fn too_deep(shown: &str, src: &str) -> Option<Diagnostic> {
    let mut block: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut quote: Option<char> = None;
    for (n, line) in src.lines().enumerate() {
        let mut chars = line.char_indices().peekable();
        if quote.is_none() && flow == 0 {
            let indent = line.len() - line.trim_start_matches(' ').len();
            let rest = &line[indent..];
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            // Each `- ` at the start of the line opens a deeper block level.
            let mut starts = vec![indent];
            let mut at = indent;
            while line[at..].starts_with("- ") || &line[at..] == "-" {
                let after = line[at + 1..].len() - line[at + 1..].trim_start_matches(' ').len();
                at += 1 + after;
                starts.push(at);
            }
            for s in starts {
                while block.last().is_some_and(|&top| top > s) {
                    block.pop();
                }
                if block.last() != Some(&s) {
                    block.push(s);
                }
            }
            if block.len() > MAX_DEPTH {
                return Some(deep(shown, n + 1, line[..indent].chars().count() + 1));
            }
        }
        // The last non-blank character outside quotes: a bracket opens a
        // flow collection only where a value can start.
        let mut last: Option<char> = None;
        let mut prev_blank = true;
        while let Some((i, c)) = chars.next() {
            if let Some(q) = quote {
                let escaped = q == '"' && c == '\\';
                let doubled = q == '\'' && c == '\'' && chars.peek().map(|&(_, c)| c) == Some('\'');
                if escaped || doubled {
                    chars.next();
                } else if c == q {
                    quote = None;
                    last = Some(c);
                }
                continue;
            }
            match c {
                '#' if prev_blank => break,
                '"' | '\'' if matches!(last, None | Some(':' | '-' | '[' | '{' | ',' | '?')) => {
                    quote = Some(c);
                }
                '[' | '{' if flow > 0 || matches!(last, None | Some(':' | '-' | '?')) => {
                    flow += 1;
                    if block.len() + flow > MAX_DEPTH {
                        return Some(deep(shown, n + 1, line[..i].chars().count() + 1));
                    }
                }
                ']' | '}' if flow > 0 => flow -= 1,
                _ => {}
            }
            if !c.is_whitespace() {
                last = Some(c);
            }
            prev_blank = c.is_whitespace();
        }
    }
    None
}

fn deep(shown: &str, line: usize, col: usize) -> Diagnostic {
    Diagnostic::error(
        shown,
        line,
        col,
        format!("YAML-strukturen är djupare än {MAX_DEPTH} nivåer här"),
    )
    .with_hint("innehållsfilerna behöver några få nivåer; kontrollera indrag och hakparenteser")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(bytes: &[u8], kind: Kind) -> Vec<String> {
        match decode("f.yaml", bytes, kind) {
            Ok(_) => Vec::new(),
            Err(d) => d.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn invalid_utf8_is_located_at_the_first_bad_byte() {
        let got = errors(b"a: 1\nname: R\xe4gion \xff\xfe\n", Kind::Yaml);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[1].starts_with("f.yaml:2:14: error: ogiltig UTF-8: byten 0xFF 0xFE kan"));
        assert!(
            got[0].starts_with("f.yaml:2:8: error: ogiltig UTF-8: byten 0xE4 "),
            "{got:?}"
        );
    }

    #[test]
    fn control_characters_and_yaml_tabs_are_located() {
        let got = errors("ä: \0x\nb:\tc\n".as_bytes(), Kind::Yaml);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].starts_with("f.yaml:1:4: error: otillåtet styrtecken U+0000 (NUL)"),
            "{got:?}"
        );
        assert!(
            got[1].starts_with("f.yaml:2:3: error: tabbtecken är inte tillåtna i YAML-filer"),
            "{got:?}"
        );
        assert!(errors(b"a\tb\r\n", Kind::Markdown).is_empty());
    }

    #[test]
    fn many_problems_are_summed_up_after_the_first_ones() {
        let src = "\0\n".repeat(50);
        let got = errors(src.as_bytes(), Kind::Markdown);
        assert_eq!(got.len(), MAX_REPORTED + 1);
        assert!(
            got[MAX_REPORTED].starts_with("f.yaml:21:1: error: och 30 fler otillåtna styrtecken"),
            "{got:?}"
        );
    }

    #[test]
    fn deep_flow_and_block_nesting_are_refused_where_they_pass_the_limit() {
        let deep = |src: &str| too_deep("f.yaml", src).map(|d| d.to_string());
        let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        // The 64th bracket (one block level for `a:`) is at column 4 + 63.
        let got = deep(&flow).expect("too deep");
        assert!(
            got.starts_with("f.yaml:1:67: error: YAML-strukturen är djupare än 64 nivåer"),
            "{got}"
        );
        let block: String = (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let got = deep(&block).expect("too deep");
        assert!(
            got.starts_with("f.yaml:65:65: error: YAML-strukturen"),
            "{got}"
        );
        // Brackets in quotes, in plain text and in comments do not count.
        let fine = format!(
            "a: \"{0}\"\nb: x{0}\nc: 1 # {0}\nd: [[1], {{e: [2]}}]\n- - - x\n",
            "[".repeat(100)
        );
        assert!(too_deep("f.yaml", &fine).is_none());
    }

    #[test]
    fn oversized_file_is_refused_at_the_limit() {
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        let got = errors(&big, Kind::Markdown);
        assert!(
            got[0].starts_with("f.yaml:1:4194305: error: filen är 4194305 byte"),
            "{got:?}"
        );
    }
}
