//! How long a value in a YAML content file may be, and that it stays on one
//! line: every string is checked once, right after parsing, at its place in
//! the file.
//!
//! The limits keep every name and label printable on the call sheets, cards
//! and forms (a value at its limit is still laid out; longer ones are
//! refused here rather than wrapped over half a page), and keep a mistaken
//! paste from reaching layout at all. This module only checks; it changes no
//! value.

use super::text::{MAX_REPORTED, describe};
use super::yaml::{Seg, YamlDoc};
use crate::diag::Diagnostic;
use crate::source::Source;
use serde_yaml::Value;

/// Characters allowed in a name, label, number or other short value.
pub const MAX_SHORT: usize = 200;

/// Characters allowed in a sentence-long value: the fields in [`LONG_FIELDS`].
pub const MAX_LONG: usize = 500;

/// Fields that hold a sentence rather than a name: an event's time rule,
/// the law and a rate's source in kit.yaml, a page's description.
pub const LONG_FIELDS: &[&str] = &["time_rule", "time_rules", "law", "source", "description"];

/// Characters allowed in a role's name: it heads a lane of the call diagram
/// printed on the routine and the cards.
pub const MAX_ROLE_NAME: usize = 20;

/// Characters allowed in an event's name: it is printed in a numbered box
/// on every logging form, next to the others.
pub const MAX_EVENT_NAME: usize = 40;

/// Characters allowed in the organisation's name: it is in the footer of
/// every printed page, which must leave room for the logging form's rows.
pub const MAX_ORGANISATION_NAME: usize = 80;

/// Characters allowed in the failing system's names: they are in the title
/// of every printout and in the footer of the logging form, which must
/// leave room for its rows.
pub const MAX_SYSTEM_NAME: usize = 20;

/// How many characters of a refused value are quoted in the message.
const QUOTED: usize = 40;

/// Checks every string in `doc` against [`MAX_SHORT`] / [`MAX_LONG`] and for
/// control characters (line breaks, tabs written as `\t`, …). Pushes one
/// located diagnostic per value (at most [`MAX_REPORTED`], then a count) and
/// returns whether all values passed.
pub fn check_values(doc: &YamlDoc, diags: &mut Vec<Diagnostic>) -> bool {
    let mut found: Vec<(Vec<Seg>, String, Option<String>)> = Vec::new();
    walk(&doc.root, &mut Vec::new(), None, &mut found);
    let total = found.len();
    for (path, message, hint) in found.iter().take(MAX_REPORTED) {
        let mut d = doc.error(path, message.clone());
        if let Some(h) = hint {
            d = d.with_hint(h.clone());
        }
        diags.push(d);
    }
    if let Some((path, _, _)) = found.get(MAX_REPORTED) {
        diags.push(doc.error(
            path,
            format!(
                "och {} fler värden är för långa eller har styrtecken (de första {MAX_REPORTED} visas)",
                total - MAX_REPORTED
            ),
        ));
    }
    total == 0
}

fn walk(
    value: &Value,
    path: &mut Vec<Seg>,
    field: Option<&str>,
    found: &mut Vec<(Vec<Seg>, String, Option<String>)>,
) {
    match value {
        Value::String(s) => {
            let event_name =
                matches!(path.first(), Some(Seg::Key(k)) if k == "events") && field == Some("name");
            let organisation_name = matches!(path.first(), Some(Seg::Key(k)) if k == "organisation")
                && field == Some("name");
            let system_name = matches!(path.first(), Some(Seg::Key(k)) if k == "system");
            let role_name =
                matches!(path.first(), Some(Seg::Key(k)) if k == "roles") && field == Some("name");
            let limit = match field {
                _ if event_name => MAX_EVENT_NAME,
                _ if system_name => MAX_SYSTEM_NAME,
                _ if role_name => MAX_ROLE_NAME,
                _ if organisation_name => MAX_ORGANISATION_NAME,
                Some(f) if LONG_FIELDS.contains(&f) => MAX_LONG,
                _ if matches!(path.first(), Some(Seg::Key(k)) if k == "closed_hours") => MAX_LONG,
                _ => MAX_SHORT,
            };
            if let Some(problem) = problem(s, field, limit) {
                found.push((path.clone(), problem.0, problem.1));
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(item, path, field, found);
                path.pop();
            }
        }
        Value::Mapping(map) => {
            for (k, v) in map {
                let Some(name) = k.as_str() else {
                    walk(v, path, field, found);
                    continue;
                };
                if let Some(problem) = problem(name, None, MAX_SHORT) {
                    found.push((path.clone(), format!("fältnamnet: {}", problem.0), None));
                    continue;
                }
                path.push(Seg::Key(name.to_string()));
                walk(v, path, Some(name), found);
                path.pop();
            }
        }
        Value::Tagged(t) => walk(&t.value, path, field, found),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// What is wrong with the string `s` of field `field` (at most `limit`
/// characters), and a hint.
fn problem(s: &str, field: Option<&str>, limit: usize) -> Option<(String, Option<String>)> {
    let len = s.chars().count();
    if len > limit {
        let start: String = s.chars().take(QUOTED).collect();
        let name = field.map_or(String::new(), |f| format!("«{f}» "));
        return Some((
            format!("värdet «{start}…» är {len} tecken långt; {name}får vara högst {limit} tecken"),
            Some("korta texten; den ska rymmas på telefonlistor och blanketter".into()),
        ));
    }
    let c = s.chars().find(|c| c.is_control())?;
    Some((
        format!(
            "värdet innehåller {}; ett värde står på en rad utan styrtecken",
            describe(c)
        ),
        Some("skriv värdet på en rad, utan \\n, \\t eller | och > före texten".into()),
    ))
}

/// Checks the parts of a routine page that are laid out as one unbreakable
/// block on paper: a heading may be [`MAX_SHORT`] characters, a table cell
/// [`MAX_SHORT`] too (a table row must fit on one page). Paragraphs and
/// lists continue on the next page and are not limited. The body is the
/// text of `source` from byte `body_start` on. Pushes a diagnostic at each
/// problem's place and returns whether there was none.
pub fn check_markdown(source: &Source, body_start: usize, diags: &mut Vec<Diagnostic>) -> bool {
    let before = diags.len();
    let mut fence = false;
    let mut line_start = body_start;
    for line in source.text()[body_start..].split_inclusive('\n') {
        let at = line_start;
        line_start += line.len();
        let line = line.trim_end_matches('\n');
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start_matches(' ');
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = !fence;
        }
        if fence || line.len() - trimmed.len() > 3 {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with('#') {
            let text = trimmed.trim_start_matches('#').trim();
            let len = text.chars().count();
            if len > MAX_SHORT {
                let start = at + indent + trimmed.find(text).unwrap_or(0);
                diags.push(
                    Diagnostic::at(
                        source.span(start..start + text.len()),
                        format!("rubriken är {len} tecken lång; en rubrik får vara högst {MAX_SHORT} tecken"),
                    )
                    .with_hint("korta rubriken och lägg resten av texten i ett stycke under den"),
                );
            }
        } else if trimmed.starts_with('|') {
            let mut cell_start = at + indent;
            for cell in trimmed.split('|') {
                let len = cell.trim().chars().count();
                if len > MAX_SHORT {
                    let start = cell_start + (cell.len() - cell.trim_start().len());
                    diags.push(
                        Diagnostic::at(
                            source.span(start..start + cell.trim().len()),
                            format!("tabellcellen är {len} tecken lång; en cell får vara högst {MAX_SHORT} tecken"),
                        )
                        .with_hint("en tabellrad ska rymmas på en utskriven sida; skriv längre text som ett stycke under tabellen"),
                    );
                }
                cell_start += cell.len() + 1;
            }
        }
    }
    diags.len() == before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str) -> Vec<String> {
        let doc = YamlDoc::parse("k.yaml", src).expect("valid yaml");
        let mut diags = Vec::new();
        let ok = check_values(&doc, &mut diags);
        assert_eq!(ok, diags.is_empty());
        diags.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn short_and_long_fields_have_their_own_limits() {
        let at_limit = format!(
            "name: {}\ntime_rule: {}\n",
            "n".repeat(MAX_SHORT),
            "t".repeat(MAX_LONG)
        );
        assert!(check(&at_limit).is_empty());
        let event = format!("events:\n  - name: {}\n", "e".repeat(MAX_EVENT_NAME + 1));
        assert!(check(&event)[0].contains("är 41 tecken långt; «name» får vara högst 40 tecken"));
        let over = format!(
            "a:\n  - name: {}\n    time_rule: {}\n",
            "n".repeat(MAX_SHORT + 1),
            "t".repeat(MAX_LONG + 1)
        );
        let got = check(&over);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].starts_with(&format!(
                "k.yaml:2:11: error: värdet «{}…» är 201 tecken långt; «name» får vara högst 200 tecken",
                "n".repeat(40)
            )),
            "{got:?}"
        );
        assert!(
            got[1].contains("k.yaml:3:16: error: värdet «ttt")
                && got[1].contains("är 501 tecken långt; «time_rule» får vara högst 500"),
            "{got:?}"
        );
    }

    #[test]
    fn line_breaks_and_escaped_controls_in_values_are_located() {
        let got = check("a: ok\nb: \"x\\ty\"\nc: |\n  två\n  rader\n");
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].starts_with("k.yaml:2:4: error: värdet innehåller U+0009 (tabb)"),
            "{got:?}"
        );
        assert!(
            got[1].starts_with("k.yaml:3:4: error: värdet innehåller U+000A (radbyte)"),
            "{got:?}"
        );
    }

    #[test]
    fn long_headings_and_table_cells_are_located_in_the_page() {
        let long = "x".repeat(MAX_SHORT + 1);
        let body = format!(
            "## {long}\n\nett stycke får vara {long} {long}\n\n| a | b |\n|---|---|\n| ok |  {long} |\n```\n# {long}\n```\n"
        );
        let page = format!("---\ntitle: T\norder: 1\n---\n{body}");
        let source = Source::new("r.md", page.as_str());
        let mut diags = Vec::new();
        assert!(!check_markdown(
            &source,
            page.len() - body.len(),
            &mut diags
        ));
        let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("r.md:5:4: error: rubriken är 201 tecken lång"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("r.md:11:9: error: tabellcellen är 201 tecken lång"),
            "{shown:?}"
        );
    }

    #[test]
    fn many_long_values_are_counted_after_the_first_ones() {
        let src: String = (0..30)
            .map(|i| format!("k{i}: {}\n", "x".repeat(MAX_SHORT + 1)))
            .collect();
        let got = check(&src);
        assert_eq!(got.len(), MAX_REPORTED + 1);
        assert!(
            got[MAX_REPORTED].starts_with("k.yaml:21:6: error: och 10 fler värden"),
            "{got:?}"
        );
    }
}
