//! The routine on paper: the Markdown pages as one PDF with headings,
//! wrapped paragraphs, lists and the events table.
//!
//! Markdown is reduced to plain blocks first (inline formatting and links
//! become their text), so the same blocks serve the layout and the glyph
//! check.

use super::{BODY, decor};
use crate::model::Kit;
use crate::print::{
    Column, Document, Flow, FlowStyle, Margins, PageSize, PrintError, Table, TextStyle,
};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

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
    /// `{{ name }}` on its own line.
    Directive(String),
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
            Block::Directive(_) => Vec::new(),
        }
    }
}

/// Reduces Markdown to blocks. Never fails: unknown constructs keep their text.
pub fn blocks(md: &str) -> Vec<Block> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Vec::new();
    let mut text = String::new();
    let mut lists: Vec<(bool, Vec<String>)> = Vec::new();
    let mut table: Option<(Vec<String>, Vec<Vec<String>>)> = None;
    let mut row: Vec<String> = Vec::new();
    let mut in_head = false;
    for ev in Parser::new_ext(md, opts) {
        match ev {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::TableCell)
                if lists.is_empty() =>
            {
                text.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Block::Heading(level as u8, text.trim().to_string()));
                text.clear();
            }
            Event::End(TagEnd::Paragraph) => {
                if lists.is_empty() {
                    let t = text.trim().to_string();
                    match t.strip_prefix("{{").and_then(|s| s.strip_suffix("}}")) {
                        Some(name) => out.push(Block::Directive(name.trim().to_string())),
                        None if !t.is_empty() => out.push(Block::Paragraph(t)),
                        None => {}
                    }
                    text.clear();
                } else {
                    text.push(' ');
                }
            }
            Event::Start(Tag::List(first)) => {
                if let Some((_, items)) = lists.last_mut() {
                    if !text.trim().is_empty() {
                        items.push(text.trim().to_string());
                    }
                    text.clear();
                }
                lists.push((first.is_some(), Vec::new()));
            }
            Event::End(TagEnd::Item) => {
                if let Some((_, items)) = lists.last_mut() {
                    let t = text.trim().to_string();
                    if !t.is_empty() {
                        items.push(t);
                    }
                }
                text.clear();
            }
            Event::End(TagEnd::List(_)) => {
                if let Some((ordered, items)) = lists.pop() {
                    match lists.last_mut() {
                        // A nested list continues its parent's items with a dash.
                        Some((_, parent)) => {
                            parent.extend(items.into_iter().map(|i| format!("– {i}")))
                        }
                        None => out.push(Block::List { ordered, items }),
                    }
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), Vec::new())),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableCell) => {
                row.push(text.trim().to_string());
                text.clear();
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some((h, _)) = table.as_mut() {
                    *h = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some((_, rows)) = table.as_mut()
                    && !in_head
                {
                    rows.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((header, rows)) = table.take() {
                    out.push(Block::Table { header, rows });
                }
            }
            _ => {}
        }
    }
    out
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
    f.heading(&title, 20.0)?;
    f.paragraph(
        &format!(
            "{} och {}. Utskrift av rutinen på {}.",
            kit.settings.organisation.name,
            kit.settings.organisation.municipalities_name,
            kit.settings.organisation.intranet_name
        ),
        TextStyle::regular(11.0),
    )?;
    for (i, page) in kit.pages.iter().enumerate() {
        // The document title already stands on top of the first page.
        if !(i == 0 && page.title == title) {
            f.heading(&page.title, 16.0)?;
        }
        if let Some(d) = &page.description {
            f.paragraph(d, TextStyle::regular(11.0))?;
        }
        for block in blocks(&page.body) {
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
                Block::Directive(_) => events_table(kit, &mut f)?,
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
    f.table(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_markdown_to_blocks() {
        let md = "## Rubrik\n\nEn **fet** [länk](x.html).\n\n- ett\n- två\n  - under\n\n1. först\n\n{{ händelsetabell }}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(
            blocks(md),
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
                Block::Directive("händelsetabell".into()),
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
        kit.pages[0].body = format!("1. {long}\n2. Kort punkt.\n");
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
