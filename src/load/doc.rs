//! Parses a routine page's Markdown body into a [`Doc`], once, reporting
//! what the kit does not allow at its line and column.
//!
//! Errors: a level-one heading (the title comes from the front matter), a
//! link with a scheme other than https, http, mailto or tel, an image, an
//! unknown `{{ directive }}`. Raw HTML is a warning (once per HTML block and
//! per line) and is kept to be shown as text. A refused link or image keeps
//! its text. Links to pages and sections are checked later, by the site,
//! which knows every page's anchors.

use crate::diag::{self, Diagnostic, Severity};
use crate::model::doc::{
    Align, Block, BlockKind, Cell, Directive, Doc, Heading, Inline, Link, ListItem, Span, slugify,
};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Tag, TagEnd};
use std::collections::BTreeSet;

/// The Markdown the kit reads: CommonMark with tables and strikethrough.
const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// Parses `text[body_start..]`; spans and diagnostics are positions in
/// `text`, the whole file as loaded, shown as `shown`. Never fails: every
/// problem is pushed to `diags` and the tree keeps what can be shown.
pub fn parse(shown: &str, text: &str, body_start: usize, diags: &mut Vec<Diagnostic>) -> Doc {
    let events = pulldown_cmark::Parser::new_ext(&text[body_start..], OPTIONS)
        .into_offset_iter()
        .map(|(ev, r)| (ev, r.start + body_start..r.end + body_start))
        .collect();
    let mut p = DocParser {
        shown,
        text,
        events,
        pos: 0,
        diags,
        used_ids: BTreeSet::new(),
        html_warned_line: None,
    };
    Doc {
        blocks: p.blocks(None),
    }
}

struct DocParser<'a, 'd> {
    shown: &'a str,
    text: &'a str,
    events: Vec<(Event<'a>, Span)>,
    pos: usize,
    diags: &'d mut Vec<Diagnostic>,
    /// Heading ids given so far, to keep them unique on the page.
    used_ids: BTreeSet<String>,
    /// The last line with a warning about inline HTML: `<b>fet</b>` is one
    /// mistake, not two.
    html_warned_line: Option<usize>,
}

impl<'a> DocParser<'a, '_> {
    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        let ev = self.events.get(self.pos).cloned();
        self.pos += 1;
        ev
    }

    fn peek(&self) -> Option<&Event<'a>> {
        self.events.get(self.pos).map(|(ev, _)| ev)
    }

    fn problem(&mut self, offset: usize, severity: Severity, message: String, hint: &str) {
        let (line, col) = diag::line_col(self.text, offset);
        let d = match severity {
            Severity::Error => Diagnostic::error(self.shown, line, col, message),
            Severity::Warning => Diagnostic::warning(self.shown, line, col, message),
        };
        self.diags.push(d.with_hint(hint));
    }

    /// Blocks up to the end tag `end` (consumed), or to the end of the body.
    /// Inline content outside a paragraph (the items of a tight list)
    /// becomes a [`BlockKind::Plain`] block.
    fn blocks(&mut self, end: Option<TagEnd>) -> Vec<Block> {
        let mut out = Vec::new();
        while let Some(ev) = self.peek() {
            if matches!(ev, Event::End(e) if Some(*e) == end) {
                self.pos += 1;
                break;
            }
            if is_block_start(ev) {
                if let Some(block) = self.block() {
                    out.push(block);
                }
            } else if matches!(ev, Event::End(_)) {
                // An end tag that is not ours: the caller's, never reached
                // for well-formed events; stop rather than loop.
                break;
            } else {
                out.push(self.plain());
            }
        }
        out
    }

    fn block(&mut self) -> Option<Block> {
        let (ev, span) = self.next()?;
        let kind = match ev {
            Event::Start(Tag::Paragraph) => return self.paragraph(span),
            Event::Start(Tag::Heading { level, .. }) => self.heading(level, &span),
            Event::Start(Tag::List(start)) => BlockKind::List {
                start,
                items: self.items(),
            },
            Event::Start(Tag::BlockQuote(_)) => {
                BlockKind::Quote(self.blocks(Some(TagEnd::BlockQuote(None))))
            }
            Event::Start(Tag::CodeBlock(kind)) => BlockKind::Code {
                info: match kind {
                    CodeBlockKind::Indented => None,
                    CodeBlockKind::Fenced(info) => Some(info.into_string()),
                },
                text: self.text_until(TagEnd::CodeBlock),
            },
            Event::Start(Tag::HtmlBlock) => self.html_block(),
            Event::Start(Tag::Table(alignments)) => self.table(alignments),
            Event::Rule => BlockKind::Rule,
            // Constructs the options do not enable; skip what they hold.
            Event::Start(_) => {
                self.skip_to_end();
                return None;
            }
            _ => return None,
        };
        Some(Block { kind, span })
    }

    /// A paragraph, or a directive when it is exactly `{{ name }}`.
    fn paragraph(&mut self, span: Span) -> Option<Block> {
        if let (Some(Event::Text(t)), Some(Event::End(TagEnd::Paragraph))) = (
            self.events.get(self.pos).map(|e| &e.0),
            self.events.get(self.pos + 1).map(|e| &e.0),
        ) && let Some(name) = t
            .trim()
            .strip_prefix("{{")
            .and_then(|s| s.strip_suffix("}}"))
        {
            let name = name.trim().to_string();
            self.pos += 2;
            return match Directive::from_name(&name) {
                Some(d) => Some(Block {
                    kind: BlockKind::Directive(d),
                    span,
                }),
                None => {
                    let known: Vec<String> = Directive::ALL
                        .iter()
                        .map(|d| format!("{{{{ {} }}}}", d.name()))
                        .collect();
                    self.problem(
                        span.start,
                        Severity::Error,
                        format!("okänt direktiv «{{{{ {name} }}}}»"),
                        &format!("det enda direktivet är {}", known.join(", ")),
                    );
                    None
                }
            };
        }
        let content = self.inlines(TagEnd::Paragraph);
        Some(Block {
            kind: BlockKind::Paragraph(content),
            span,
        })
    }

    fn heading(&mut self, level: HeadingLevel, span: &Span) -> BlockKind {
        let level = level as u8;
        if level == 1 {
            self.problem(
                span.start,
                Severity::Error,
                "rubrik på nivå 1 (#) i sidans text".into(),
                "sidans titel kommer från front matter; börja rubrikerna med ##",
            );
        }
        let content = self.inlines(TagEnd::Heading(heading_level(level)));
        let mut text = String::new();
        words(&content, &mut text);
        let id = unique_id(&slugify(&text), &mut self.used_ids);
        BlockKind::Heading {
            heading: Heading { level, text, id },
            content,
        }
    }

    fn items(&mut self) -> Vec<ListItem> {
        let mut items = Vec::new();
        while let Some((ev, span)) = self.next() {
            match ev {
                Event::Start(Tag::Item) => items.push(ListItem {
                    blocks: self.blocks(Some(TagEnd::Item)),
                    span,
                }),
                _ => break,
            }
        }
        items
    }

    fn table(&mut self, alignments: Vec<pulldown_cmark::Alignment>) -> BlockKind {
        let mut header = Vec::new();
        let mut rows = Vec::new();
        while let Some((ev, _)) = self.next() {
            match ev {
                Event::Start(Tag::TableHead) => header = self.cells(TagEnd::TableHead),
                Event::Start(Tag::TableRow) => rows.push(self.cells(TagEnd::TableRow)),
                _ => break,
            }
        }
        BlockKind::Table {
            alignments: alignments.into_iter().map(align).collect(),
            header,
            rows,
        }
    }

    fn cells(&mut self, end: TagEnd) -> Vec<Cell> {
        let mut cells = Vec::new();
        while let Some((ev, span)) = self.next() {
            match ev {
                Event::Start(Tag::TableCell) => cells.push(Cell {
                    content: self.inlines(TagEnd::TableCell),
                    span,
                }),
                Event::End(e) if e == end => break,
                _ => {}
            }
        }
        cells
    }

    /// Raw HTML lines, warned about once per block.
    fn html_block(&mut self) -> BlockKind {
        let mut lines = Vec::new();
        while let Some((ev, span)) = self.next() {
            match ev {
                Event::Html(h) | Event::InlineHtml(h) => {
                    if lines.is_empty() {
                        self.html_warning(span.start, &h);
                    }
                    lines.push(h.into_string());
                }
                Event::End(TagEnd::HtmlBlock) => break,
                _ => {}
            }
        }
        BlockKind::Html(lines)
    }

    fn html_warning(&mut self, offset: usize, html: &str) {
        self.problem(
            offset,
            Severity::Warning,
            format!("HTML-koden «{}» visas som text", snippet(html)),
            "skriv formateringen med Markdown i stället, till exempel **fet** eller [länk](sida.html)",
        );
    }

    /// A run of inline content directly in a list item.
    fn plain(&mut self) -> Block {
        let start = self.events.get(self.pos).map_or(0, |e| e.1.start);
        let mut end = start;
        let mut content = Vec::new();
        while let Some(ev) = self.peek() {
            if is_block_start(ev) || matches!(ev, Event::End(_)) {
                break;
            }
            if let Some((ev, span)) = self.next() {
                end = end.max(span.end);
                self.inline(ev, span, &mut content);
            }
        }
        Block {
            kind: BlockKind::Plain(content),
            span: start..end,
        }
    }

    /// Inline content up to the end tag `end` (consumed).
    fn inlines(&mut self, end: TagEnd) -> Vec<Inline> {
        let mut out = Vec::new();
        while let Some((ev, span)) = self.next() {
            if matches!(ev, Event::End(e) if e == end) {
                break;
            }
            self.inline(ev, span, &mut out);
        }
        out
    }

    fn inline(&mut self, ev: Event<'a>, span: Span, out: &mut Vec<Inline>) {
        match ev {
            Event::Text(t) => out.push(Inline::Text(t.into_string())),
            Event::Code(t) => out.push(Inline::Code(t.into_string())),
            Event::Html(h) | Event::InlineHtml(h) => {
                let line = self.text[..span.start].matches('\n').count();
                if self.html_warned_line.replace(line) != Some(line) {
                    self.html_warning(span.start, &h);
                }
                out.push(Inline::Html(h.into_string()));
            }
            Event::SoftBreak => out.push(Inline::SoftBreak),
            Event::HardBreak => out.push(Inline::HardBreak),
            Event::Start(Tag::Emphasis) => {
                out.push(Inline::Emphasis(self.inlines(TagEnd::Emphasis)));
            }
            Event::Start(Tag::Strong) => out.push(Inline::Strong(self.inlines(TagEnd::Strong))),
            Event::Start(Tag::Strikethrough) => {
                out.push(Inline::Strikethrough(self.inlines(TagEnd::Strikethrough)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => self.link(link_type, &dest_url, title.into_string(), span, out),
            Event::Start(Tag::Image { .. }) => self.image(span, out),
            Event::Start(_) => self.skip_to_end(),
            _ => {}
        }
    }

    fn link(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest: &str,
        title: String,
        span: Span,
        out: &mut Vec<Inline>,
    ) {
        let dest = dest.trim();
        // `<namn@example.org>` is written without its scheme.
        let dest = if link_type == pulldown_cmark::LinkType::Email {
            format!("mailto:{dest}")
        } else {
            dest.to_string()
        };
        let content = self.inlines(TagEnd::Link);
        let scheme = dest.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            None | Some("https" | "http" | "mailto" | "tel") => out.push(Inline::Link(Link {
                dest,
                title,
                content,
                span,
            })),
            Some(_) => {
                self.problem(
                    span.start,
                    Severity::Error,
                    format!("länken «{dest}» är inte tillåten"),
                    "länka till sidor i kitet (sida.html#avsnitt) eller till https-adresser",
                );
                out.extend(content);
            }
        }
    }

    /// Refuses an image and keeps its alt text.
    fn image(&mut self, span: Span, out: &mut Vec<Inline>) {
        self.problem(
            span.start,
            Severity::Error,
            "bilder stöds inte på rutinsidorna".into(),
            "sidan måste fungera utan externa resurser; beskriv med text",
        );
        let mut depth = 1;
        while depth > 0 {
            match self.next() {
                Some((Event::Start(Tag::Image { .. }), _)) => depth += 1,
                Some((Event::End(TagEnd::Image), _)) => depth -= 1,
                Some((Event::Text(t), _)) => out.push(Inline::Text(t.into_string())),
                Some(_) => {}
                None => break,
            }
        }
    }

    /// The text events up to `end` (consumed), joined.
    fn text_until(&mut self, end: TagEnd) -> String {
        let mut out = String::new();
        while let Some((ev, _)) = self.next() {
            match ev {
                Event::End(e) if e == end => break,
                Event::Text(t) => out.push_str(&t),
                _ => {}
            }
        }
        out
    }

    /// Skips past the end of the element just started.
    fn skip_to_end(&mut self) {
        let mut depth = 1;
        while depth > 0 {
            match self.next() {
                Some((Event::Start(_), _)) => depth += 1,
                Some((Event::End(_), _)) => depth -= 1,
                Some(_) => {}
                None => break,
            }
        }
    }
}

fn is_block_start(ev: &Event) -> bool {
    matches!(
        ev,
        Event::Rule
            | Event::Start(
                Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::List(_)
                    | Tag::Item
                    | Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::HtmlBlock
                    | Tag::Table(_)
                    | Tag::FootnoteDefinition(_)
                    | Tag::DefinitionList
                    | Tag::MetadataBlock(_)
            )
    )
}

/// The words of a heading for its id: text and code, not raw HTML.
fn words(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strikethrough(c) => words(c, out),
            Inline::Link(l) => words(&l.content, out),
            Inline::Html(_) | Inline::SoftBreak | Inline::HardBreak => {}
        }
    }
}

fn heading_level(n: u8) -> HeadingLevel {
    match n {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn align(a: pulldown_cmark::Alignment) -> Align {
    match a {
        pulldown_cmark::Alignment::None => Align::None,
        pulldown_cmark::Alignment::Left => Align::Left,
        pulldown_cmark::Alignment::Center => Align::Center,
        pulldown_cmark::Alignment::Right => Align::Right,
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

/// The first line of some HTML, shortened for a message.
fn snippet(html: &str) -> String {
    let line = html.trim().lines().next().unwrap_or_default();
    match line.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::plain_text;

    fn parse_md(md: &str) -> (Doc, Vec<String>) {
        let mut diags = Vec::new();
        let doc = parse("r.md", md, 0, &mut diags);
        (doc, diags.iter().map(ToString::to_string).collect())
    }

    fn kinds(doc: &Doc) -> Vec<&BlockKind> {
        doc.blocks.iter().map(|b| &b.kind).collect()
    }

    #[test]
    fn headings_carry_level_words_unique_ids_and_spans() {
        let md = "## Hur blir `SP` kontaktad?\n\nText.\n\n### Åter i drift\n\n### Åter i *drift*\n";
        let (doc, diags) = parse_md(md);
        assert!(diags.is_empty(), "{diags:?}");
        let found: Vec<(u8, &str, &str)> = doc
            .headings()
            .iter()
            .map(|h| (h.level, h.text.as_str(), h.id.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (2, "Hur blir SP kontaktad?", "hur-blir-sp-kontaktad"),
                (3, "Åter i drift", "ater-i-drift"),
                (3, "Åter i drift", "ater-i-drift-2"),
            ]
        );
        let third = &doc.blocks[3];
        assert_eq!(&md[third.span.clone()], "### Åter i *drift*\n");
    }

    #[test]
    fn spans_are_positions_in_the_whole_file() {
        let text = "---\ntitle: T\n---\nFörst.\n\n- [länk](a.html)\n";
        let body_start = text.find("Först").expect("body");
        let mut diags = Vec::new();
        let doc = parse("r.md", text, body_start, &mut diags);
        assert_eq!(&text[doc.blocks[0].span.clone()], "Först.\n");
        let link = doc.links()[0];
        assert_eq!(&text[link.span.clone()], "[länk](a.html)");
        assert_eq!(diag::line_col(text, link.span.start), (6, 3));
    }

    #[test]
    fn tight_list_items_are_plain_and_loose_ones_paragraphs() {
        let (doc, _) = parse_md("- ett\n- två\n  1. under\n\n---\n\n3. a\n\n   b\n\n4. c\n");
        let [tight, rule, loose] = kinds(&doc)[..] else {
            panic!("three blocks: {doc:?}")
        };
        let BlockKind::List { start: None, items } = tight else {
            panic!("{tight:?}")
        };
        assert!(matches!(
            items[0].blocks[..],
            [Block {
                kind: BlockKind::Plain(_),
                ..
            }]
        ));
        assert!(matches!(
            items[1].blocks[1].kind,
            BlockKind::List { start: Some(1), .. }
        ));
        assert_eq!(rule, &BlockKind::Rule);
        let BlockKind::List {
            start: Some(3),
            items,
        } = loose
        else {
            panic!("{loose:?}")
        };
        let texts: Vec<String> = items[0]
            .blocks
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Paragraph(c) => plain_text(c),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(texts, ["a", "b"]);
    }

    #[test]
    fn tables_keep_alignment_header_rows_and_cell_spans() {
        let md = "| Kod | Händelse |\n|:-:|---|\n| 1 | **Inskrivning** |\n";
        let (doc, _) = parse_md(md);
        let BlockKind::Table {
            alignments,
            header,
            rows,
        } = &doc.blocks[0].kind
        else {
            panic!("{doc:?}")
        };
        assert_eq!(alignments, &[Align::Center, Align::None]);
        let text = |c: &Cell| plain_text(&c.content);
        assert_eq!(
            header.iter().map(text).collect::<Vec<_>>(),
            ["Kod", "Händelse"]
        );
        assert_eq!(
            rows[0].iter().map(text).collect::<Vec<_>>(),
            ["1", "Inskrivning"]
        );
        assert_eq!(md[rows[0][1].span.clone()].trim(), "**Inskrivning**");
    }

    #[test]
    fn a_directive_is_a_paragraph_of_its_own_and_unknown_names_are_errors() {
        let md = "Före {{ händelsetabell }}\n\n{{ händelsetabell }}\n\n{{ kontaktlista }}\n";
        let (doc, diags) = parse_md(md);
        assert!(matches!(
            kinds(&doc)[..],
            [
                BlockKind::Paragraph(_),
                BlockKind::Directive(Directive::EventTable)
            ]
        ));
        assert_eq!(
            doc.blocks[1].span.start,
            md.find("\n{{ h").expect("directive") + 1
        );
        assert_eq!(
            diags,
            [
                "r.md:5:1: error: okänt direktiv «{{ kontaktlista }}»\n  hjälp: det enda direktivet är {{ händelsetabell }}"
            ]
        );
    }

    #[test]
    fn level_one_headings_refused_links_and_images_are_errors_at_their_place() {
        let md = "# Titel\n\nSe [a](javascript:alert(1)) och ![Karta](k.png).\n";
        let (doc, diags) = parse_md(md);
        assert_eq!(diags.len(), 3, "{diags:?}");
        assert!(diags[0].starts_with("r.md:1:1: error: rubrik på nivå 1 (#)"));
        assert!(
            diags[1].starts_with("r.md:3:4: error: länken «javascript:alert(1)» är inte tillåten")
        );
        assert!(diags[2].starts_with("r.md:3:33: error: bilder stöds inte på rutinsidorna"));
        // Their words are kept; no link is.
        assert!(doc.links().is_empty());
        let BlockKind::Paragraph(c) = &doc.blocks[1].kind else {
            panic!("{doc:?}")
        };
        assert_eq!(plain_text(c), "Se a och Karta.");
    }

    #[test]
    fn allowed_links_are_kept_and_email_autolinks_get_their_scheme() {
        let (doc, diags) = parse_md(
            "[a](kontakter.html#boden) [b](HTTPS://x.se) [c](tel:+46920) <namn@example.org>\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let dests: Vec<(&str, bool)> = doc
            .links()
            .iter()
            .map(|l| (l.dest.as_str(), l.is_local()))
            .collect();
        assert_eq!(
            dests,
            [
                ("kontakter.html#boden", true),
                ("HTTPS://x.se", false),
                ("tel:+46920", false),
                ("mailto:namn@example.org", false),
            ]
        );
    }

    #[test]
    fn raw_html_warns_once_per_line_and_per_block_and_is_kept_as_text() {
        let md = "Text med <b>fet</b> och <br> radbrytning.\n\n<div class=\"ruta\">\n<p>Ring</p>\n</div>\n\nOch <i>kursiv</i>.\n";
        let (doc, diags) = parse_md(md);
        assert_eq!(
            diags
                .iter()
                .map(|d| d.lines().next().unwrap_or_default())
                .collect::<Vec<_>>(),
            [
                "r.md:1:10: warning: HTML-koden «<b>» visas som text",
                "r.md:3:1: warning: HTML-koden «<div class=\"ruta\">» visas som text",
                "r.md:7:5: warning: HTML-koden «<i>» visas som text",
            ]
        );
        assert!(matches!(&doc.blocks[1].kind, BlockKind::Html(lines) if lines.len() == 3));
    }
}
