//! A routine page's [`Doc`] as safe HTML.
//!
//! The tree holds only what the kit allows (see `load::doc`): raw HTML is
//! written escaped, as text; headings carry their ids and an anchor link;
//! a directive is replaced by HTML the caller supplies. The tree is turned
//! back into Markdown events and written by pulldown-cmark's HTML writer.
//! This module knows nothing about the kit or the site's pages.

use crate::model::doc::{Align, Block, BlockKind, Cell, Directive, Doc, Inline, ListItem};
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};

/// Renders `doc`; `directive` gives the HTML that stands for a directive.
pub fn render(doc: &Doc, directive: &dyn Fn(Directive) -> String) -> String {
    let mut w = Writer {
        events: Vec::new(),
        directive,
    };
    w.blocks(&doc.blocks);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, w.events.into_iter());
    html
}

struct Writer<'a> {
    events: Vec<Event<'static>>,
    directive: &'a dyn Fn(Directive) -> String,
}

impl Writer<'_> {
    fn html(&mut self, html: String) {
        self.events.push(Event::Html(html.into()));
    }

    fn wrapped(&mut self, tag: Tag<'static>, end: TagEnd, inner: impl FnOnce(&mut Self)) {
        self.events.push(Event::Start(tag));
        inner(self);
        self.events.push(Event::End(end));
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
    }

    fn block(&mut self, b: &Block) {
        match &b.kind {
            BlockKind::Heading { heading, content } => {
                let (n, id) = (heading.level, &heading.id);
                self.html(format!("<h{n} id=\"{id}\">"));
                self.inlines(content);
                self.html(format!(
                    " <a class=\"ankare\" href=\"#{id}\" aria-label=\"Länk till avsnittet {}\">#</a></h{n}>\n",
                    escape(&heading.text)
                ));
            }
            BlockKind::Paragraph(content) => {
                self.wrapped(Tag::Paragraph, TagEnd::Paragraph, |w| w.inlines(content));
            }
            BlockKind::Plain(content) => self.inlines(content),
            BlockKind::List { start, items } => self.list(*start, items),
            BlockKind::Table {
                alignments,
                header,
                rows,
            } => self.table(alignments, header, rows),
            BlockKind::Quote(inner) => {
                self.wrapped(Tag::BlockQuote(None), TagEnd::BlockQuote(None), |w| {
                    w.blocks(inner)
                });
            }
            BlockKind::Code { info, text } => {
                let kind = match info {
                    Some(info) => CodeBlockKind::Fenced(info.clone().into()),
                    None => CodeBlockKind::Indented,
                };
                self.wrapped(Tag::CodeBlock(kind), TagEnd::CodeBlock, |w| {
                    w.events.push(Event::Text(text.clone().into()));
                });
            }
            BlockKind::Rule => self.events.push(Event::Rule),
            BlockKind::Html(lines) => {
                for line in lines {
                    self.html(format!("<p>{}</p>\n", escape(line.trim_end())));
                }
            }
            BlockKind::Directive(d) => {
                let html = (self.directive)(*d);
                self.html(html);
            }
        }
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem]) {
        self.wrapped(Tag::List(start), TagEnd::List(start.is_some()), |w| {
            for item in items {
                w.wrapped(Tag::Item, TagEnd::Item, |w| w.blocks(&item.blocks));
            }
        });
    }

    fn table(&mut self, alignments: &[Align], header: &[Cell], rows: &[Vec<Cell>]) {
        let alignments = alignments.iter().map(|a| alignment(*a)).collect();
        self.wrapped(Tag::Table(alignments), TagEnd::Table, |w| {
            w.wrapped(Tag::TableHead, TagEnd::TableHead, |w| w.cells(header));
            for row in rows {
                w.wrapped(Tag::TableRow, TagEnd::TableRow, |w| w.cells(row));
            }
        });
    }

    fn cells(&mut self, cells: &[Cell]) {
        for c in cells {
            self.wrapped(Tag::TableCell, TagEnd::TableCell, |w| w.inlines(&c.content));
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for i in inlines {
            self.inline(i);
        }
    }

    fn inline(&mut self, i: &Inline) {
        match i {
            Inline::Text(t) | Inline::Html(t) => self.events.push(Event::Text(t.clone().into())),
            Inline::Code(t) => self.events.push(Event::Code(t.clone().into())),
            Inline::Emphasis(c) => self.wrapped(Tag::Emphasis, TagEnd::Emphasis, |w| w.inlines(c)),
            Inline::Strong(c) => self.wrapped(Tag::Strong, TagEnd::Strong, |w| w.inlines(c)),
            Inline::Strikethrough(c) => {
                self.wrapped(Tag::Strikethrough, TagEnd::Strikethrough, |w| w.inlines(c));
            }
            Inline::Link(l) => {
                let tag = Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: l.dest.clone().into(),
                    title: l.title.clone().into(),
                    id: CowStr::Borrowed(""),
                };
                self.wrapped(tag, TagEnd::Link, |w| w.inlines(&l.content));
            }
            Inline::SoftBreak => self.events.push(Event::SoftBreak),
            Inline::HardBreak => self.events.push(Event::HardBreak),
        }
    }
}

fn alignment(a: Align) -> Alignment {
    match a {
        Align::None => Alignment::None,
        Align::Left => Alignment::Left,
        Align::Center => Alignment::Center,
        Align::Right => Alignment::Right,
    }
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

    fn html(md: &str) -> String {
        let doc = crate::load::doc::parse("r.md", md, 0, &mut Vec::new());
        render(&doc, &|d| format!("<div>{}</div>\n", d.name()))
    }

    /// What pulldown-cmark writes for the same Markdown, for the
    /// constructs the tree keeps unchanged.
    fn direct(md: &str) -> String {
        let opts =
            pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new_ext(md, opts));
        out
    }

    #[test]
    fn blocks_without_kit_rules_render_as_commonmark() {
        for md in [
            "Ett *två* **tre** ~~fyra~~ `fem`\nsex  \nsju\n",
            "- ett\n- två\n  - under\n\n1. först\n2. sedan\n",
            "3. tre\n\n   stycke\n\n4. fyra\n",
            "> citat\n>\n> - i lista\n",
            "| a | b | c |\n|:--|:-:|--:|\n| 1 | *2* | [x](y.html) |\n",
            "```text\nkod <här>\n```\n\n    indraget\n\n---\n",
            "[länk](https://example.org \"titel\") <https://example.org> <namn@example.org>\n",
        ] {
            assert_eq!(html(md), direct(md), "{md:?}");
        }
    }

    #[test]
    fn headings_get_ids_and_anchor_links() {
        let h = html("## Åter i drift\n\n## Åter i *drift*\n");
        assert_eq!(
            h,
            "<h2 id=\"ater-i-drift\">Åter i drift <a class=\"ankare\" href=\"#ater-i-drift\" aria-label=\"Länk till avsnittet Åter i drift\">#</a></h2>\n\
             <h2 id=\"ater-i-drift-2\">Åter i <em>drift</em> <a class=\"ankare\" href=\"#ater-i-drift-2\" aria-label=\"Länk till avsnittet Åter i drift\">#</a></h2>\n"
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let h = html("Hej <script>alert(1)</script> där\n\n<div onclick=\"x\">block</div>\n");
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<div"), "{h}");
        assert!(
            h.contains("Hej &lt;script&gt;alert(1)&lt;/script&gt; där"),
            "{h}"
        );
        assert!(
            h.contains("<p>&lt;div onclick=&quot;x&quot;&gt;block&lt;/div&gt;</p>"),
            "{h}"
        );
    }

    #[test]
    fn refused_links_and_images_leave_their_text() {
        let h = html("[a](javascript:alert(1)) ![Karta över länet](https://example.org/k.png)");
        assert_eq!(h, "<p>a Karta över länet</p>\n");
    }

    #[test]
    fn directive_is_replaced_by_the_callers_html() {
        assert_eq!(
            html("Före\n\n{{ händelsetabell }}\n"),
            "<p>Före</p>\n<div>händelsetabell</div>\n"
        );
    }
}
