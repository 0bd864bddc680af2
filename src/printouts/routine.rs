//! The routine on paper: the routine pages as one PDF with headings,
//! wrapped paragraphs, lists and the events table.
//!
//! Each page's [`Doc`] is reduced to printed blocks first (inline
//! formatting and links become their text), so the same blocks serve the
//! layout and the glyph check.

use super::{BODY, decor, routine_words, settings_at};
use crate::model::Kit;
use crate::model::doc::{self, BlockKind, Doc, ListItem};
use crate::print::{
    Column, Document, Flow, FlowStyle, Margins, PageSize, PrintError, Table, TextStyle,
};
use crate::source::Source;

/// A block of a routine page as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// The events table (`{{ händelsetabell }}`).
    EventTable,
}

impl Block {
    /// The texts this block prints.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Block::Heading(_, t) | Block::Paragraph(t) => vec![t.as_str()],
            Block::List { items, .. } => items.iter().map(String::as_str).collect(),
            Block::Table { header, rows } => header
                .iter()
                .chain(rows.iter().flatten())
                .map(String::as_str)
                .collect(),
            Block::EventTable => Vec::new(),
        }
    }
}

/// The printed blocks of a page. Code, raw HTML and rules are not printed;
/// a quotation prints its blocks.
pub fn blocks(doc: &Doc) -> Vec<Block> {
    spanned_blocks(doc).into_iter().map(|(_, b)| b).collect()
}

/// The printed blocks of a page, each with the span of the Markdown block
/// it comes from (in the page's text).
pub fn spanned_blocks(doc: &Doc) -> Vec<(doc::Span, Block)> {
    let mut out = Vec::new();
    push_blocks(&doc.blocks, &mut out);
    out
}

fn push_blocks(blocks: &[doc::Block], spanned: &mut Vec<(doc::Span, Block)>) {
    for b in blocks {
        let mut out = Vec::new();
        push_block(b, &mut out, spanned);
        spanned.extend(out.into_iter().map(|block| (b.span.clone(), block)));
    }
}

fn push_block(b: &doc::Block, out: &mut Vec<Block>, spanned: &mut Vec<(doc::Span, Block)>) {
    {
        match &b.kind {
            BlockKind::Heading { heading, content } => out.push(Block::Heading(
                heading.level,
                doc::plain_text(content).trim().to_string(),
            )),
            BlockKind::Paragraph(content) | BlockKind::Plain(content) => {
                let t = doc::plain_text(content).trim().to_string();
                if !t.is_empty() {
                    out.push(Block::Paragraph(t));
                }
            }
            BlockKind::List { start, items } => {
                let mut texts = Vec::new();
                for item in items {
                    item_texts(item, &mut texts);
                }
                out.push(Block::List {
                    ordered: start.is_some(),
                    items: texts,
                });
            }
            BlockKind::Table { header, rows, .. } => {
                let cell = |c: &doc::Cell| doc::plain_text(&c.content).trim().to_string();
                out.push(Block::Table {
                    header: header.iter().map(cell).collect(),
                    rows: rows.iter().map(|r| r.iter().map(cell).collect()).collect(),
                });
            }
            BlockKind::Quote(inner) => push_blocks(inner, spanned),
            BlockKind::Directive(doc::Directive::EventTable) => out.push(Block::EventTable),
            BlockKind::Code { .. } | BlockKind::Rule | BlockKind::Html(_) => {}
        }
    }
}

/// An item's text as one printed item; a nested list's items follow as
/// items of their own, each after a dash.
fn item_texts(item: &ListItem, out: &mut Vec<String>) {
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<String>| {
        let t = text.trim();
        if !t.is_empty() {
            out.push(t.to_string());
        }
        text.clear();
    };
    for b in &item.blocks {
        match &b.kind {
            BlockKind::List { items, .. } => {
                flush(&mut text, out);
                let mut nested = Vec::new();
                for i in items {
                    item_texts(i, &mut nested);
                }
                out.extend(nested.into_iter().map(|t| format!("– {t}")));
            }
            kind => {
                for inlines in kind.inlines() {
                    text.push_str(&doc::plain_text(inlines));
                    text.push(' ');
                }
            }
        }
    }
    flush(&mut text, out);
}

/// Lays out every routine page, in order, as one document.
///
/// # Errors
/// A [`PrintError`] for text the fonts lack.
pub fn layout(kit: &Kit) -> Result<Document, PrintError> {
    let title = format!("Rutin vid driftstopp i {}", kit.settings.system.name);
    let mut f = Flow::new(
        title.clone(),
        PageSize::A4Portrait,
        Margins::default(),
        FlowStyle::default(),
        decor(kit),
    )?;
    let s = &kit.settings;
    f.from(&settings_at(kit, &[&s.system.name]))
        .heading(&title, 20.0)?;
    f.from(&settings_at(
        kit,
        &[
            &s.organisation.name,
            &s.organisation.municipalities_name,
            &s.organisation.intranet_name,
        ],
    ))
    .paragraph(
        &format!(
            "{} och {}. Utskrift av rutinen på {}.",
            kit.settings.organisation.name,
            kit.settings.organisation.municipalities_name,
            kit.settings.organisation.intranet_name
        ),
        TextStyle::regular(11.0),
    )?;
    for (i, page) in kit.pages.iter().enumerate() {
        // Front matter is located in the whole file, a block in its own span.
        let source = Source::new(page.source.clone(), page.text.clone());
        let whole = [source.span(0..page.text.len())];
        // The document title already stands on top of the first page.
        if !(i == 0 && page.title == title) {
            f.from(&whole).heading(&page.title, 16.0)?;
        }
        if let Some(d) = &page.description {
            f.from(&whole).paragraph(d, TextStyle::regular(11.0))?;
        }
        for (span, block) in spanned_blocks(&page.doc) {
            f.from(&[source.span(span)]);
            match block {
                Block::Heading(level, t) => f.heading(&t, if level <= 2 { 13.0 } else { 11.5 })?,
                Block::Paragraph(t) => f.paragraph(&t, BODY)?,
                Block::List {
                    ordered: false,
                    items,
                } => f.bullets(&items, BODY)?,
                Block::List {
                    ordered: true,
                    items,
                } => f.numbered(&items, BODY)?,
                Block::Table { header, rows } => {
                    let n = header.len().max(1);
                    let w = f.content_width_mm() / n as f64;
                    let mut t = Table::new(vec![Column::new(w); n]);
                    t.header = header;
                    t.rows = rows;
                    f.table(&t)?;
                }
                Block::EventTable => events_table(kit, &mut f)?,
            }
        }
    }
    f.finish()
}

/// The events (samverkanspunkter) as a table; also used where the Markdown
/// asks for `{{ händelsetabell }}`.
pub fn events_table(kit: &Kit, f: &mut Flow) -> Result<(), PrintError> {
    // "Noteras särskilt" is wide enough for "utskrivningsdatum," on one line.
    let widths = [10.0, 36.0, 22.0, 27.0, 36.0, 49.0];
    let total: f64 = widths.iter().sum();
    let scale = f.content_width_mm() / total;
    let mut t = Table::new(widths.iter().map(|w| Column::new(w * scale)).collect());
    t.header = [
        "Kod",
        "Händelse",
        "Ringer",
        "Till",
        "Noteras särskilt",
        "Tiden",
    ]
    .map(String::from)
    .to_vec();
    t.size_pt = 8.5;
    for e in &kit.settings.events {
        let by = match e.reported_by {
            crate::model::Reporter::Role(r) => kit.settings.role(r).name.clone(),
            crate::model::Reporter::Anyone => "Alla".to_string(),
        };
        let facts: Vec<&str> = e.facts.iter().map(|f| f.label()).collect();
        t.rows.push(vec![
            e.code.to_string(),
            e.name.clone(),
            by,
            crate::model::checklist::join_roles(&kit.settings, &e.reported_to),
            if facts.is_empty() {
                "–".to_string()
            } else {
                facts.join(", ")
            },
            e.time_rule.clone(),
        ]);
    }
    f.from(&routine_words(kit)).table(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_markdown_to_blocks() {
        let md = "## Rubrik\n\nEn **fet** [länk](x.html).\n\n- ett\n- två\n  - under\n\n1. först\n\n{{ händelsetabell }}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(
            blocks(&crate::load::doc::parse("r.md", md, 0, &mut Vec::new())),
            vec![
                Block::Heading(2, "Rubrik".into()),
                Block::Paragraph("En fet länk.".into()),
                Block::List {
                    ordered: false,
                    items: vec!["ett".into(), "två".into(), "– under".into()]
                },
                Block::List {
                    ordered: true,
                    items: vec!["först".into()]
                },
                Block::EventTable,
                Block::Table {
                    header: vec!["a".into(), "b".into()],
                    rows: vec![vec!["1".into(), "2".into()]]
                },
            ]
        );
    }

    fn kit() -> Kit {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        crate::load::load(&content, jiff::civil::date(2026, 11, 25))
            .kit
            .expect("content/ loads")
    }

    fn lines(doc: &crate::print::Document) -> Vec<(f64, f64, String)> {
        doc.pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| match i {
                crate::print::Item::Text {
                    x_mm, y_mm, text, ..
                } => Some((*x_mm, *y_mm, text.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn numbered_items_wrap_under_their_text_not_under_the_number() {
        let mut kit = kit();
        let long = "Gör en notering om att datumet inte överensstämmer med rapporterat \
                    datum på grund av driftstörning, och ange vem som ringde vem och när.";
        kit.pages.truncate(1);
        kit.pages[0].text = format!("1. {long}\n2. Kort punkt.\n");
        kit.pages[0].doc = crate::load::doc::parse("r.md", &kit.pages[0].text, 0, &mut Vec::new());
        let doc = layout(&kit).expect("routine");
        let printed = lines(&doc);
        let first = printed
            .iter()
            .position(|(_, _, t)| long.starts_with(t.as_str()) && t.len() > 10)
            .expect("first line of the item");
        let (x0, y0, _) = printed[first];
        let (x1, y1, ref second) = printed[first + 1];
        assert!(long.contains(second.as_str()), "{second:?}");
        assert!(y1 > y0, "continuation is below");
        assert!((x1 - x0).abs() < 1e-9, "continuation at {x1}, text at {x0}");
        assert!(x0 > 15.0, "text is indented past the number");
        assert!(
            printed.iter().any(|(_, _, t)| t == "1."),
            "number printed apart"
        );
    }

    #[test]
    fn events_table_breaks_cells_between_words_only() {
        let kit = kit();
        let doc = layout(&kit).expect("routine");
        let printed: Vec<String> = lines(&doc).into_iter().map(|(_, _, t)| t).collect();
        let tokens: std::collections::BTreeSet<&str> =
            printed.iter().flat_map(|t| t.split_whitespace()).collect();
        for e in &kit.settings.events {
            let facts: Vec<&str> = e.facts.iter().map(|f| f.label()).collect();
            let cells = [e.name.clone(), facts.join(", "), e.time_rule.clone()];
            for cell in &cells {
                for word in cell.split_whitespace() {
                    assert!(tokens.contains(word), "{word:?} of {cell:?} is split");
                }
            }
        }
        for t in &printed {
            assert!(
                !t.starts_with([',', '.', ';', ':', ')']),
                "a line starts with a split-off mark: {t:?}"
            );
        }
    }
}
