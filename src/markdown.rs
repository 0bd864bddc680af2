//! Markdown to safe HTML for the routine pages.
//!
//! Raw HTML in the Markdown is shown as text, never as markup; links with
//! scripting or data schemes and images are refused. Headings get stable ids
//! (å/ä→a, ö→o) for anchors and the table of contents. A paragraph that is
//! exactly `{{ name }}` is a directive, replaced by HTML the caller supplies.
//! This module knows nothing about the kit or the site's pages.

use crate::model::Heading;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::BTreeSet;
use std::ops::Range;

/// A link target written in the Markdown, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub target: String,
    pub offset: usize,
}

/// A problem in the Markdown, at a byte offset of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
    pub is_error: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub problems: Vec<Problem>,
}

/// Renders `md`; `directive` maps a directive name to HTML, `None` meaning
/// the name is unknown (reported as a problem).
pub fn render(md: &str, directive: &dyn Fn(&str) -> Option<String>) -> Rendered {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(md, opts).into_offset_iter().collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut r = Rendered::default();
    let mut used_ids = BTreeSet::new();
    let mut skip_link_end = 0usize;
    let mut html_block_warned = false;
    let mut html_warned_line: Option<usize> = None;
    let mut i = 0;
    while i < events.len() {
        let (ev, range) = &events[i];
        match ev {
            Event::Start(Tag::Paragraph) => {
                if let (Some((Event::Text(t), _)), Some((Event::End(TagEnd::Paragraph), _))) =
                    (events.get(i + 1), events.get(i + 2))
                {
                    let t = t.trim();
                    if let Some(name) = t.strip_prefix("{{").and_then(|s| s.strip_suffix("}}")) {
                        let name = name.trim();
                        match directive(name) {
                            Some(html) => out.push(Event::Html(html.into())),
                            None => r.problems.push(Problem {
                                offset: range.start,
                                message: format!("okänt direktiv «{{{{ {name} }}}}»"),
                                hint: Some("det enda direktivet är {{ händelsetabell }}".into()),
                                is_error: true,
                            }),
                        }
                        i += 3;
                        continue;
                    }
                }
                out.push(ev.clone());
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level;
                let mut inner = Vec::new();
                let mut text = String::new();
                i += 1;
                while i < events.len() {
                    match &events[i].0 {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => {
                            text.push_str(t);
                            inner.push(events[i].0.clone());
                        }
                        Event::Html(h) | Event::InlineHtml(h) => {
                            inner.push(Event::Text(h.clone()));
                        }
                        other => inner.push(other.clone()),
                    }
                    i += 1;
                }
                let n = level_number(level);
                if n == 1 {
                    r.problems.push(Problem {
                        offset: range.start,
                        message: "rubrik på nivå 1 (#) i sidans text".into(),
                        hint: Some(
                            "sidans titel kommer från front matter; börja rubrikerna med ##".into(),
                        ),
                        is_error: true,
                    });
                }
                let id = unique_id(&slugify(&text), &mut used_ids);
                out.push(Event::Html(format!("<h{n} id=\"{id}\">").into()));
                out.extend(inner);
                out.push(Event::Html(
                    format!(
                        " <a class=\"ankare\" href=\"#{id}\" aria-label=\"Länk till avsnittet {}\">#</a></h{n}>\n",
                        escape(&text)
                    )
                    .into(),
                ));
                r.headings.push(Heading { level: n, text, id });
            }
            Event::Start(Tag::HtmlBlock) => {
                html_block_warned = false;
                out.push(ev.clone());
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                // One warning per HTML block and per line, not one per tag:
                // `<b>fet</b>` is one mistake.
                let line = md[..range.start].matches('\n').count();
                let first = match ev {
                    Event::Html(_) => !std::mem::replace(&mut html_block_warned, true),
                    _ => html_warned_line.replace(line) != Some(line),
                };
                if first {
                    r.problems.push(Problem {
                        offset: range.start,
                        message: format!("HTML-koden «{}» visas som text", snippet(h)),
                        hint: Some(
                            "skriv formateringen med Markdown i stället, till exempel **fet** eller [länk](sida.html)"
                                .into(),
                        ),
                        is_error: false,
                    });
                }
                if matches!(ev, Event::Html(_)) {
                    out.push(Event::Html(
                        format!("<p>{}</p>\n", escape(h.trim_end())).into(),
                    ));
                } else {
                    out.push(Event::Text(h.clone()));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let dest = dest_url.trim().to_string();
                let lower = dest.to_ascii_lowercase();
                let scheme = lower.split_once(':').map(|(s, _)| s.to_string());
                let allowed = match scheme.as_deref() {
                    None => true,
                    Some("https" | "http" | "mailto" | "tel") => true,
                    Some(_) => false,
                };
                if allowed {
                    if scheme.is_none() {
                        r.links.push(Link {
                            target: dest,
                            offset: range.start,
                        });
                    }
                    out.push(ev.clone());
                } else {
                    r.problems.push(Problem {
                        offset: range.start,
                        message: format!("länken «{dest}» är inte tillåten"),
                        hint: Some("länka till sidor i kitet (sida.html#avsnitt) eller till https-adresser".into()),
                        is_error: true,
                    });
                    skip_link_end += 1;
                }
            }
            Event::End(TagEnd::Link) if skip_link_end > 0 => skip_link_end -= 1,
            Event::Start(Tag::Image { .. }) => {
                r.problems.push(Problem {
                    offset: range.start,
                    message: "bilder stöds inte på rutinsidorna".into(),
                    hint: Some(
                        "sidan måste fungera utan externa resurser; beskriv med text".into(),
                    ),
                    is_error: true,
                });
                // Keep the alt text, drop the image.
                let mut depth = 1;
                i += 1;
                while i < events.len() && depth > 0 {
                    match &events[i].0 {
                        Event::Start(Tag::Image { .. }) => depth += 1,
                        Event::End(TagEnd::Image) => depth -= 1,
                        Event::Text(t) => out.push(Event::Text(t.clone())),
                        _ => {}
                    }
                    i += 1;
                }
                continue;
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    pulldown_cmark::html::push_html(&mut r.html, out.into_iter());
    r
}

/// The first line of some HTML, shortened for a message.
fn snippet(html: &str) -> String {
    let line = html.trim().lines().next().unwrap_or_default();
    match line.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

fn level_number(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// An anchor id from heading text: lower case, å/ä→a, ö→o, other letters
/// folded to ASCII, everything else a single hyphen.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'å' | 'ä' | 'á' | 'à' | 'â' | 'æ' => Some('a'),
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => Some('o'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'ü' | 'ú' => Some('u'),
            'í' | 'ï' => Some('i'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        };
        match mapped {
            Some(c) => out.push(c),
            None if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            None => {}
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "avsnitt".into()
    } else {
        out
    }
}

fn unique_id(base: &str, used: &mut BTreeSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn heading_ids_fold_swedish_letters_and_are_unique() {
        let r = render(
            "## Hur blir regionens slutenvård kontaktade?\n\n## Åter i drift\n\n## Åter i drift\n",
            &none,
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "hur-blir-regionens-slutenvard-kontaktade",
                "ater-i-drift",
                "ater-i-drift-2"
            ]
        );
        assert!(
            r.html.contains("<h2 id=\"ater-i-drift-2\">Åter i drift"),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let r = render(
            "Hej <script>alert(1)</script> där\n\n<div onclick=\"x\">block</div>\n",
            &none,
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<div"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
        assert!(r.problems.iter().all(|p| !p.is_error));
    }

    #[test]
    fn raw_html_warns_once_per_line_and_per_block() {
        let md = "Text med <b>fet</b> och <br> radbrytning.\n\n<div class=\"ruta\">\n<p>Ring</p>\n</div>\n\nOch <i>kursiv</i>.\n";
        let r = render(md, &none);
        let found: Vec<(usize, &str)> = r
            .problems
            .iter()
            .map(|p| (p.offset, p.message.as_str()))
            .collect();
        let at = |s: &str| md.find(s).expect("in the text");
        assert_eq!(
            found,
            [
                (at("<b>"), "HTML-koden «<b>» visas som text"),
                (
                    at("<div"),
                    "HTML-koden «<div class=\"ruta\">» visas som text"
                ),
                (at("<i>"), "HTML-koden «<i>» visas som text"),
            ]
        );
    }

    #[test]
    fn javascript_and_data_links_are_refused() {
        let r = render(
            "[a](javascript:alert(1)) [b](DATA:text/html,x) [c](kontakter.html#boden)",
            &none,
        );
        assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
        assert!(!r.html.to_lowercase().contains("data:"), "{}", r.html);
        assert_eq!(r.problems.iter().filter(|p| p.is_error).count(), 2);
        assert_eq!(
            r.links,
            [Link {
                target: "kontakter.html#boden".into(),
                offset: 47
            }]
        );
    }

    #[test]
    fn directive_paragraph_is_replaced() {
        let table = |name: &str| (name == "händelsetabell").then(|| "<table></table>".to_string());
        let r = render("Före\n\n{{ händelsetabell }}\n\n{{ okänd }}\n", &table);
        assert!(r.html.contains("<table></table>"), "{}", r.html);
        assert_eq!(r.problems.len(), 1);
        assert!(r.problems[0].message.contains("okänd"));
    }

    #[test]
    fn images_are_refused_but_alt_text_kept() {
        let r = render("![Karta över länet](https://example.org/karta.png)", &none);
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(r.html.contains("Karta över länet"));
        assert!(r.problems[0].is_error);
    }
}
