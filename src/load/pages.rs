//! The routine pages (`*.md`): a file name that can be a page address,
//! `---` front matter with title and order, and a body within the limits.

use super::sources::Tree;
use super::values::valid_id;
use super::yaml::{YamlDoc, key};
use super::{limits, raw, text};
use crate::diag::Diagnostic;
use crate::model::Page;
use crate::source::Source;
use std::path::Path;

/// Slugs the site generates itself; a routine page may not take them.
pub const RESERVED_SLUGS: &[&str] = &[
    "index",
    "kontakter",
    "om",
    "utskrifter",
    "slutenvard",
    "oppenvard",
    "kommun",
    "404",
];

pub(super) fn pages(tree: &Tree, diags: &mut Vec<Diagnostic>) -> Vec<Page> {
    let mut out: Vec<Page> = Vec::new();
    for file in tree.files() {
        let path = Path::new(&file.rel);
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let shown = file.shown.as_str();
        let text = match &file.bytes {
            Ok(bytes) => match text::decode(shown, bytes, text::Kind::Markdown) {
                Ok(t) => t.replace("\r\n", "\n"),
                Err(mut found) => {
                    diags.append(&mut found);
                    continue;
                }
            },
            Err(e) => {
                diags.push(Diagnostic::error(
                    shown,
                    0,
                    0,
                    format!("kunde inte läsa filen: {e}"),
                ));
                continue;
            }
        };
        let slug = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !valid_id(&slug) {
            diags.push(
                Diagnostic::error(shown, 0, 0, format!("filnamnet «{slug}» kan inte bli en sidadress"))
                    .with_hint("använd gemena a–z, siffror och bindestreck, till exempel efter-driftstoppet.md"),
            );
            continue;
        }
        if RESERVED_SLUGS.contains(&slug.as_str()) {
            diags.push(
                Diagnostic::error(
                    shown,
                    0,
                    0,
                    format!("sidnamnet «{slug}» är upptaget av en sida som reservkit gör själv"),
                )
                .with_hint("byt namn på filen"),
            );
            continue;
        }
        if let Some(other) = out.iter().find(|p| p.slug == slug) {
            diags.push(Diagnostic::error(
                shown,
                0,
                0,
                format!("en sida med namnet «{slug}» finns redan: {}", other.source),
            ));
            continue;
        }
        if let Some(page) = page(shown, slug, &text, diags) {
            out.push(page);
        }
    }
    out.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.slug.cmp(&b.slug)));
    out
}

/// Splits `---` front matter from the body and validates it.
fn page(shown: &str, slug: String, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Page> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let source = Source::new(shown, text);
    let first_line = source.span(0..first.len());
    if first.trim_end() != "---" {
        diags.push(
            Diagnostic::at(first_line, "sidan saknar front matter").with_hint(
                "börja filen med en rad ---, sedan title: och order:, och avsluta med en rad ---",
            ),
        );
        return None;
    }
    let mut offset = first.len() + 1;
    let mut close = None;
    for line in text.lines().skip(1) {
        if line.trim_end() == "---" {
            close = Some(offset);
            break;
        }
        offset += line.len() + 1;
    }
    let Some(close_off) = close else {
        diags.push(
            Diagnostic::at(first_line, "front matter avslutas aldrig")
                .with_hint("lägg en rad med bara --- efter sista fältet"),
        );
        return None;
    };
    // Keep the opening fence so that line numbers in the YAML match the file.
    let fm_src = &text[..close_off];
    let doc = match YamlDoc::parse(shown, fm_src) {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if !limits::check_values(&doc, diags) {
        return None;
    }
    if doc.root.is_null() {
        diags.push(Diagnostic::at(
            first_line,
            "front matter är tom; title och order saknas",
        ));
        return None;
    }
    let fm: raw::FrontMatter = doc.get(&doc.root, &[], diags)?;
    if fm.title.trim().is_empty() {
        diags.push(doc.error(&[key("title")], "titeln är tom"));
        return None;
    }
    let body_start = text[close_off..]
        .find('\n')
        .map_or(text.len(), |i| close_off + i + 1);
    let body = super::doc::parse(shown, text, body_start, diags);
    if !limits::check_doc(shown, text, &body, diags) {
        return None;
    }
    Some(Page {
        slug,
        title: fm.title,
        order: fm.order,
        description: fm.description,
        source: shown.to_string(),
        text: text.to_string(),
        doc: body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Option<Page>, Vec<String>) {
        let mut diags = Vec::new();
        let page = page("content/rutin/a.md", "a".to_string(), text, &mut diags);
        (page, diags.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn front_matter_and_body_are_split_with_the_body_line() {
        let (page, diags) = load("---\ntitle: Felanmälan\norder: 2\n---\n## Rubrik\n\nText.\n");
        assert_eq!(diags, Vec::<String>::new());
        let page = page.expect("page");
        assert_eq!(page.title, "Felanmälan");
        assert_eq!(page.order, 2);
        assert_eq!(page.doc.blocks.len(), 2);
        let heading = page.doc.blocks[0].span.clone();
        assert_eq!(&page.text[heading.clone()], "## Rubrik\n");
        assert_eq!(crate::source::line_col(&page.text, heading.start), (5, 1));
        assert_eq!(page.source, "content/rutin/a.md");
    }

    #[test]
    fn a_page_without_front_matter_or_its_end_is_refused_at_line_one() {
        let (page, diags) = load("## Rubrik\n");
        assert!(page.is_none());
        assert!(diags[0].starts_with("content/rutin/a.md:1:1: error: sidan saknar front matter"));
        let (_, diags) = load("---\ntitle: X\norder: 1\n");
        assert!(
            diags[0].starts_with("content/rutin/a.md:1:1: error: front matter avslutas aldrig")
        );
    }

    #[test]
    fn front_matter_problems_are_at_their_line_in_the_page() {
        let (_, diags) = load("---\ntitle: X\nordning: 1\n---\nText\n");
        assert!(
            diags[0].starts_with("content/rutin/a.md:3:1: error: okänt fält «ordning»"),
            "{diags:?}"
        );
        let (_, diags) = load("---\ntitle: \" \"\norder: 1\n---\n");
        assert_eq!(diags, ["content/rutin/a.md:2:8: error: titeln är tom"]);
    }
}
