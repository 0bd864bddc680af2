//! A routine page's Markdown as a small document tree.
//!
//! `load` parses each page once into a [`Doc`]; the site renders the tree
//! to HTML, the routine printout lays it out and the link and glyph checks
//! walk it, so Markdown is interpreted in one place. The tree holds only
//! what the kit allows: links with a refused scheme and images are already
//! gone (their text kept), raw HTML is kept as text to be shown, and a
//! directive is known by name. Every block and link carries its [`Span`].

use std::ops::Range;

/// A byte range in a page's text as loaded (see `Page::text`).
pub type Span = Range<usize>;

/// A parsed routine page body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Heading {
        heading: Heading,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    /// The text of an item in a tight list: a paragraph without its own
    /// paragraph markup.
    Plain(Vec<Inline>),
    List {
        /// The first number of an ordered list; `None` for bullets.
        start: Option<u64>,
        items: Vec<ListItem>,
    },
    Table {
        alignments: Vec<Align>,
        header: Vec<Cell>,
        rows: Vec<Vec<Cell>>,
    },
    Quote(Vec<Block>),
    /// A code block; `info` is the fence's info string, `None` when indented.
    Code {
        info: Option<String>,
        text: String,
    },
    Rule,
    /// Raw HTML written as a block, one entry per line, shown as text.
    Html(Vec<String>),
    Directive(Directive),
}

/// `{{ name }}` on a paragraph of its own: content the kit fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    /// `{{ händelsetabell }}`: the events (samverkanspunkter) as a table.
    EventTable,
}

impl Directive {
    pub const ALL: [Directive; 1] = [Directive::EventTable];

    /// The name written between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Directive::EventTable => "händelsetabell",
        }
    }

    pub fn from_name(name: &str) -> Option<Directive> {
        Directive::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// One heading of a routine page, for anchors, tables of contents and link
/// checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The heading's words (text and code, no markup).
    pub text: String,
    /// Unique on its page; see [`slugify`].
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub blocks: Vec<Block>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub content: Vec<Inline>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    /// Raw HTML in running text, shown as text.
    Html(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Link(Link),
    SoftBreak,
    HardBreak,
}

/// A link the kit allows: to a page of the kit (`sida.html#avsnitt`) or to
/// an `https`, `http`, `mailto` or `tel` address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub dest: String,
    pub title: String,
    pub content: Vec<Inline>,
    pub span: Span,
}

impl Link {
    /// Whether the link points into the kit (no scheme), so that the page
    /// and section it names must exist.
    pub fn is_local(&self) -> bool {
        !self.dest.contains(':')
    }
}

impl Doc {
    /// Every heading, in the order of the page, nested ones included.
    pub fn headings(&self) -> Vec<&Heading> {
        let mut out = Vec::new();
        walk_blocks(&self.blocks, &mut |b| {
            if let BlockKind::Heading { heading, .. } = &b.kind {
                out.push(heading);
            }
        });
        out
    }

    /// Every link, in the order of the page.
    pub fn links(&self) -> Vec<&Link> {
        let mut out = Vec::new();
        walk_blocks(&self.blocks, &mut |b| {
            for inlines in b.kind.inlines() {
                walk_links(inlines, &mut out);
            }
        });
        out
    }
}

impl BlockKind {
    /// The runs of inline content directly in this block (not in nested
    /// blocks).
    pub fn inlines(&self) -> Vec<&[Inline]> {
        match self {
            BlockKind::Heading { content, .. }
            | BlockKind::Paragraph(content)
            | BlockKind::Plain(content) => vec![content],
            BlockKind::Table { header, rows, .. } => header
                .iter()
                .chain(rows.iter().flatten())
                .map(|c| c.content.as_slice())
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Calls `f` on every block, parents before their children.
fn walk_blocks<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
    for b in blocks {
        f(b);
        match &b.kind {
            BlockKind::Quote(inner) => walk_blocks(inner, f),
            BlockKind::List { items, .. } => {
                for item in items {
                    walk_blocks(&item.blocks, f);
                }
            }
            _ => {}
        }
    }
}

fn walk_links<'a>(inlines: &'a [Inline], out: &mut Vec<&'a Link>) {
    for i in inlines {
        match i {
            Inline::Link(l) => {
                out.push(l);
                walk_links(&l.content, out);
            }
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strikethrough(c) => {
                walk_links(c, out)
            }
            _ => {}
        }
    }
}

/// The text of inline content as printed: formatting and links become their
/// words, raw HTML its source, a soft break a space and a hard break a line
/// break.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    out
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) | Inline::Html(t) => out.push_str(t),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strikethrough(c) => {
                push_plain(c, out)
            }
            Inline::Link(l) => push_plain(&l.content, out),
            Inline::SoftBreak => out.push(' '),
            Inline::HardBreak => out.push('\n'),
        }
    }
}

/// An anchor id from heading text: lower case, å/ä→a, ö→o, other letters
/// folded to ASCII, everything else a single hyphen; `avsnitt` when nothing
/// is left.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_folds_swedish_letters_and_punctuation() {
        assert_eq!(
            slugify("Hur blir regionens slutenvård kontaktade?"),
            "hur-blir-regionens-slutenvard-kontaktade"
        );
        assert_eq!(slugify("Åter i drift – nu!"), "ater-i-drift-nu");
        assert_eq!(slugify("§§"), "avsnitt");
    }

    #[test]
    fn plain_text_keeps_words_and_breaks() {
        let inl = vec![
            Inline::Text("Ring ".into()),
            Inline::Strong(vec![Inline::Text("växeln".into())]),
            Inline::SoftBreak,
            Inline::Link(Link {
                dest: "kontakter.html".into(),
                title: String::new(),
                content: vec![Inline::Code("71010".into())],
                span: 0..1,
            }),
            Inline::HardBreak,
            Inline::Html("<b>".into()),
        ];
        assert_eq!(plain_text(&inl), "Ring växeln 71010\n<b>");
    }

    #[test]
    fn local_links_have_no_scheme() {
        let link = |dest: &str| Link {
            dest: dest.into(),
            title: String::new(),
            content: Vec::new(),
            span: 0..0,
        };
        assert!(link("kontakter.html#boden").is_local());
        assert!(link("#oversikt").is_local());
        assert!(!link("https://example.org").is_local());
        assert!(!link("tel:+46920284000").is_local());
    }
}
