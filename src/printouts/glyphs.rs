//! Characters the fonts lack, found in the laid-out printouts and reported
//! where they are written.
//!
//! Layout places such text as it is (see [`crate::print::Flow`]); every
//! text item carries the spans of the content strings it was made from, so
//! the check needs no list of printed fields: it walks the documents as
//! they would be printed and points at the character in its content file.
//! Text with no origin is the product's own wording; a character missing
//! there is reported with the printout it is in.

use crate::diag::Diagnostic;
use crate::print::Document;
use crate::source::Span;

/// One character the fonts lack, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// In a content file: at the character, or at the value when it is
    /// written with an escape (`\u2708`).
    At(Span, char),
    /// In a text of no content file, in the printout `printout` (a fault of
    /// the product, not of the content).
    Unlocated {
        printout: String,
        c: char,
        excerpt: String,
    },
}

/// Every character the fonts lack in `doc` (the printout `printout`),
/// once per place.
pub fn missing(doc: &Document, printout: &str) -> Vec<Missing> {
    let mut out = Vec::new();
    for m in doc.missing_glyphs() {
        let places = places(m.c, m.origin);
        if places.is_empty() {
            out.push(Missing::Unlocated {
                printout: printout.to_string(),
                c: m.c,
                excerpt: m.text.to_string(),
            });
        }
        out.extend(places.into_iter().map(|span| Missing::At(span, m.c)));
    }
    out.dedup();
    out
}

/// The diagnostics for `found` (from any number of printouts), one per
/// character and place: a name printed on a thousand sheets is reported
/// once.
pub fn diagnostics(found: Vec<Missing>) -> Vec<Diagnostic> {
    let mut seen: std::collections::HashSet<(String, usize, char)> =
        std::collections::HashSet::new();
    let mut unlocated: std::collections::HashSet<(char, String)> = std::collections::HashSet::new();
    let mut out = Vec::new();
    for m in found {
        match m {
            Missing::At(span, c) => {
                if seen.insert((span.file().to_string(), span.range().start, c)) {
                    out.push(Diagnostic::at(span, message(c)).with_hint(HINT));
                }
            }
            Missing::Unlocated {
                printout,
                c,
                excerpt,
            } => {
                if unlocated.insert((c, excerpt.clone())) {
                    out.push(Diagnostic::in_file(
                        format!("utskriften {printout}"),
                        format!("{}, i texten «{excerpt}»", message(c)),
                    ));
                }
            }
        }
    }
    out
}

const HINT: &str =
    "skriv om texten med bokstäver, siffror och vanliga skiljetecken (latinska alfabetet)";

fn message(c: char) -> String {
    format!(
        "tecknet «{c}» (U+{:04X}) finns inte i utskrifternas typsnitt och skulle bli tomt på papper",
        u32::from(c)
    )
}

/// Where `c` is written in the strings at `origin`: at each string that
/// has it as it reads (or in the other case, for a name lower-cased inside
/// a sentence), else at an HTML character reference (`&#x2708;`), else at
/// the first value that writes it with a YAML escape. Empty when none does.
fn places(c: char, origin: &[Span]) -> Vec<Span> {
    let sub = |span: &Span, offset: usize, len: usize| {
        let start = span.range().start + offset;
        span.source().span(start..start + len)
    };
    let literal: Vec<Span> = origin
        .iter()
        .filter_map(|s| s.text().find(c).map(|o| sub(s, o, c.len_utf8())))
        .collect();
    if !literal.is_empty() {
        return literal;
    }
    let other_case =
        |w: char| w != c && (w.to_lowercase().eq(std::iter::once(c)) || w.to_uppercase().eq([c]));
    let cased: Vec<Span> = origin
        .iter()
        .filter_map(|s| {
            s.text()
                .char_indices()
                .find(|(_, w)| other_case(*w))
                .map(|(o, w)| sub(s, o, w.len_utf8()))
        })
        .collect();
    if !cased.is_empty() {
        return cased;
    }
    let code = u32::from(c);
    let html = [
        format!("&#x{code:x};"),
        format!("&#x{code:04x};"),
        format!("&#{code};"),
    ];
    for s in origin {
        let lower = s.text().to_ascii_lowercase();
        if let Some((o, len)) = html
            .iter()
            .find_map(|form| lower.find(form.as_str()).map(|o| (o, form.len())))
        {
            return vec![sub(s, o, len)];
        }
    }
    let escapes = [
        format!("\\u{code:04x}"),
        format!("\\u{code:08x}"),
        format!("\\x{code:02x}"),
    ];
    origin
        .iter()
        .find(|s| {
            let lower = s.text().to_ascii_lowercase();
            escapes.iter().any(|e| lower.contains(e.as_str()))
        })
        .cloned()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::{Item, Page, PageSize};
    use crate::source::Source;

    fn doc(items: Vec<Item>) -> Document {
        let mut d = Document::new("Prov");
        let mut page = Page::new(PageSize::A4Portrait);
        page.items = items;
        d.pages.push(page);
        d
    }

    #[test]
    fn a_character_is_found_where_it_is_written_in_each_string_that_has_it() {
        let src = Source::new("k.yaml", "a: Flyg ✈ hem\nb: Tåg\nc: Båt ✈\n");
        let value = |v: &str| {
            let start = src.text().find(v).expect("written");
            src.span(start..start + v.len())
        };
        let (a, b, c) = (value("Flyg ✈ hem"), value("Tåg"), value("Båt ✈"));
        let text = format!("{} och {} och {}", a.text(), b.text(), c.text());
        let found = missing(
            &doc(vec![
                Item::text(0.0, 0.0, 10.0, false, text).from(&[a, b, c]),
            ]),
            "x.pdf",
        );
        let at: Vec<(usize, char)> = found
            .iter()
            .map(|m| match m {
                Missing::At(s, c) => (s.range().start, *c),
                other => panic!("{other:?}"),
            })
            .collect();
        let first = src.text().find('✈').expect("✈");
        let second = src.text().rfind('✈').expect("✈");
        assert_eq!(at, vec![(first, '✈'), (second, '✈')]);
    }

    #[test]
    fn escapes_point_at_the_value_and_fixed_wording_at_the_printout() {
        let src = Source::new("k.yaml", "a: \"Flyg \\u2708 hem\"\n");
        let value = src.span(3..src.text().len() - 1);
        let found = missing(
            &doc(vec![
                Item::text(0.0, 0.0, 10.0, false, "Flyg ✈ hem").from(std::slice::from_ref(&value)),
                Item::text(0.0, 9.0, 10.0, false, "Ring ☎"),
            ]),
            "rutin.pdf",
        );
        assert_eq!(
            found,
            vec![
                Missing::At(value, '✈'),
                Missing::Unlocated {
                    printout: "rutin.pdf".into(),
                    c: '☎',
                    excerpt: "Ring ☎".into()
                }
            ]
        );
        let shown: Vec<String> = diagnostics([found.clone(), found].concat())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("k.yaml:1:4: error: tecknet «✈» (U+2708)"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("utskriften rutin.pdf: error: tecknet «☎»"),
            "{shown:?}"
        );
    }
}
