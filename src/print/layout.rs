//! Plain page layout: documents, pages and positioned items in millimetres.
//!
//! Owns the data that every printout is made of and its stable text dump for
//! snapshot tests. It must not import the PDF library or measure text (that
//! is [`crate::print::font`]); coordinates are from the TOP-left corner of the
//! page, text `y` is the baseline.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::error::PrintError;
use super::font;
use crate::source::Span;

/// Where the words of a text item are written in the content: the spans of
/// the content strings it was made from, so that a character the fonts lack
/// can be reported where it is written. Empty for the product's own
/// wording. A text made of several strings (an event's name beside a role's)
/// carries the span of each; a text item never needs more than a few.
pub type Origin = Vec<Span>;

/// Paper format of one page. Only A4 is used for the kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    /// A4 portrait, 210 × 297 mm.
    A4Portrait,
    /// A4 landscape, 297 × 210 mm.
    A4Landscape,
}

impl PageSize {
    /// Page width in mm.
    pub fn width_mm(self) -> f64 {
        match self {
            PageSize::A4Portrait => 210.0,
            PageSize::A4Landscape => 297.0,
        }
    }

    /// Page height in mm.
    pub fn height_mm(self) -> f64 {
        match self {
            PageSize::A4Portrait => 297.0,
            PageSize::A4Landscape => 210.0,
        }
    }

    fn name(self) -> &'static str {
        match self {
            PageSize::A4Portrait => "A4 portrait",
            PageSize::A4Landscape => "A4 landscape",
        }
    }
}

/// Horizontal alignment of a text item relative to its `x_mm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Text starts at `x_mm`.
    #[default]
    Left,
    /// Text ends at `x_mm`.
    Right,
    /// Text is centred on `x_mm`.
    Center,
}

impl Align {
    fn name(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Right => "right",
            Align::Center => "center",
        }
    }
}

/// Dash pattern of a line: `on_mm` drawn, `off_mm` blank, repeated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dash {
    /// Length of each dash, mm.
    pub on_mm: f64,
    /// Length of each gap, mm.
    pub off_mm: f64,
}

/// One thing drawn on a page. All lengths in mm, `y` from the top of the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// One line of text (never wrapped here; see [`font::wrap`]).
    Text {
        /// Anchor x, interpreted by `align`.
        x_mm: f64,
        /// Baseline, from the top of the page.
        y_mm: f64,
        /// Font size in points.
        size_pt: f64,
        /// Bold face instead of regular.
        bold: bool,
        /// The text; must contain only characters the fonts have.
        text: String,
        /// How `x_mm` anchors the text.
        align: Align,
        /// Where the text is written in the content (empty for fixed
        /// wording). Not drawn and not part of the dump.
        origin: Origin,
    },
    /// A straight line.
    Line {
        /// Start x.
        x1_mm: f64,
        /// Start y.
        y1_mm: f64,
        /// End x.
        x2_mm: f64,
        /// End y.
        y2_mm: f64,
        /// Stroke width in points.
        width_pt: f64,
        /// Dashed instead of solid.
        dash: Option<Dash>,
    },
    /// A rectangle, stroked and/or filled with a gray level.
    Rect {
        /// Left edge.
        x_mm: f64,
        /// Top edge.
        y_mm: f64,
        /// Width.
        w_mm: f64,
        /// Height.
        h_mm: f64,
        /// Outline width in points, `None` for no outline.
        stroke_pt: Option<f64>,
        /// Fill gray, 0.0 black to 1.0 white, `None` for no fill.
        fill_gray: Option<f32>,
    },
    /// A QR code drawn as black vector squares. `modules` is square, row by
    /// row, `true` = dark, and already includes the quiet zone
    /// (see [`crate::print::qr::qr_modules`]).
    Qr {
        /// Left edge of the whole symbol including the quiet zone.
        x_mm: f64,
        /// Top edge of the whole symbol including the quiet zone.
        y_mm: f64,
        /// Side of the whole symbol including the quiet zone.
        size_mm: f64,
        /// Module matrix.
        modules: Vec<Vec<bool>>,
    },
}

impl Item {
    /// A left-aligned text item.
    pub fn text(x_mm: f64, y_mm: f64, size_pt: f64, bold: bool, text: impl Into<String>) -> Item {
        Item::Text {
            x_mm,
            y_mm,
            size_pt,
            bold,
            text: text.into(),
            align: Align::Left,
            origin: Origin::new(),
        }
    }

    /// The same item, a text marked as written at `origin` (other items
    /// are returned as they are).
    #[must_use]
    pub fn from(mut self, origin: &[Span]) -> Item {
        if let Item::Text { origin: o, .. } = &mut self {
            o.clear();
            o.extend_from_slice(origin);
        }
        self
    }

    /// A solid line.
    pub fn line(x1_mm: f64, y1_mm: f64, x2_mm: f64, y2_mm: f64, width_pt: f64) -> Item {
        Item::Line {
            x1_mm,
            y1_mm,
            x2_mm,
            y2_mm,
            width_pt,
            dash: None,
        }
    }

    /// An outlined, unfilled rectangle.
    pub fn boxed(x_mm: f64, y_mm: f64, w_mm: f64, h_mm: f64, stroke_pt: f64) -> Item {
        Item::Rect {
            x_mm,
            y_mm,
            w_mm,
            h_mm,
            stroke_pt: Some(stroke_pt),
            fill_gray: None,
        }
    }

    /// The same item moved by `dx_mm` right and `dy_mm` down.
    pub fn translated(&self, dx_mm: f64, dy_mm: f64) -> Item {
        let mut item = self.clone();
        match &mut item {
            Item::Text { x_mm, y_mm, .. }
            | Item::Rect { x_mm, y_mm, .. }
            | Item::Qr { x_mm, y_mm, .. } => {
                *x_mm += dx_mm;
                *y_mm += dy_mm;
            }
            Item::Line {
                x1_mm,
                y1_mm,
                x2_mm,
                y2_mm,
                ..
            } => {
                *x1_mm += dx_mm;
                *x2_mm += dx_mm;
                *y1_mm += dy_mm;
                *y2_mm += dy_mm;
            }
        }
        item
    }

    /// Checks that the item can be written to a PDF: every number finite,
    /// sizes not negative, text only with characters the fonts have.
    ///
    /// # Errors
    /// [`PrintError::MissingGlyphs`] for text the fonts cannot show,
    /// [`PrintError::InvalidItem`] (with `page`/`item` as given) for bad numbers
    /// or a non-square QR matrix.
    pub fn check(&self, page: usize, item: usize) -> Result<(), PrintError> {
        self.check_shape(page, item)?;
        match self {
            Item::Text { text, .. } => check_text(text),
            _ => Ok(()),
        }
    }

    /// Like [`Item::check`] without the glyphs: layout places text the
    /// fonts lack (see [`Document::missing_glyphs`]) and only the PDF
    /// writer refuses it.
    ///
    /// # Errors
    /// [`PrintError::InvalidItem`] for bad numbers or a non-square QR matrix.
    pub fn check_shape(&self, page: usize, item: usize) -> Result<(), PrintError> {
        let invalid = |reason: &str| PrintError::InvalidItem {
            page,
            item,
            reason: reason.to_string(),
        };
        let finite = |values: &[f64]| values.iter().all(|v| v.is_finite());
        match self {
            Item::Text {
                x_mm,
                y_mm,
                size_pt,
                ..
            } => {
                if !finite(&[*x_mm, *y_mm, *size_pt]) || *size_pt <= 0.0 {
                    return Err(invalid("texten har ogiltig position eller storlek"));
                }
                Ok(())
            }
            Item::Line {
                x1_mm,
                y1_mm,
                x2_mm,
                y2_mm,
                width_pt,
                dash,
            } => {
                let dash_ok = dash.is_none_or(|d| {
                    finite(&[d.on_mm, d.off_mm]) && d.on_mm > 0.0 && d.off_mm >= 0.0
                });
                if !finite(&[*x1_mm, *y1_mm, *x2_mm, *y2_mm, *width_pt])
                    || *width_pt < 0.0
                    || !dash_ok
                {
                    return Err(invalid("linjen har ogiltiga mått"));
                }
                Ok(())
            }
            Item::Rect {
                x_mm,
                y_mm,
                w_mm,
                h_mm,
                stroke_pt,
                fill_gray,
            } => {
                let stroke_ok = stroke_pt.is_none_or(|s| s.is_finite() && s >= 0.0);
                let fill_ok = fill_gray.is_none_or(|g| (0.0..=1.0).contains(&g));
                if !finite(&[*x_mm, *y_mm, *w_mm, *h_mm])
                    || *w_mm < 0.0
                    || *h_mm < 0.0
                    || !stroke_ok
                    || !fill_ok
                {
                    return Err(invalid("rektangeln har ogiltiga mått eller gråton"));
                }
                Ok(())
            }
            Item::Qr {
                x_mm,
                y_mm,
                size_mm,
                modules,
            } => {
                if !finite(&[*x_mm, *y_mm, *size_mm]) || *size_mm <= 0.0 {
                    return Err(invalid("QR-koden har ogiltig position eller storlek"));
                }
                let n = modules.len();
                if n == 0 || modules.iter().any(|row| row.len() != n) {
                    return Err(invalid("QR-kodens moduler är inte en kvadrat"));
                }
                Ok(())
            }
        }
    }
}

/// Returns `Err(MissingGlyphs)` when `text` has characters outside the fonts.
///
/// # Errors
/// [`PrintError::MissingGlyphs`] with an excerpt around the first missing
/// character and every missing character once.
pub fn check_text(text: &str) -> Result<(), PrintError> {
    let chars = font::missing_chars(text);
    match chars.first() {
        None => Ok(()),
        Some(first) => Err(PrintError::MissingGlyphs {
            text_excerpt: excerpt_around(text, *first),
            chars,
        }),
    }
}

/// About 60 characters of `text` around the first `c`, with "…" where cut.
fn excerpt_around(text: &str, c: char) -> String {
    const SIDE: usize = 30;
    let all: Vec<char> = text.chars().collect();
    let pos = all.iter().position(|x| *x == c).unwrap_or(0);
    let start = pos.saturating_sub(SIDE);
    let end = (pos + SIDE).min(all.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(all[start..end].iter().map(|ch| match ch {
        '\n' | '\r' | '\t' => ' ',
        other => *other,
    }));
    if end < all.len() {
        out.push('…');
    }
    out
}

/// A character the fonts lack, in the text item `text` written at `origin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingGlyph<'a> {
    pub c: char,
    pub text: &'a str,
    pub origin: &'a [Span],
}

/// One page: its paper format and what is drawn on it, in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Paper format.
    pub size: PageSize,
    /// Items, drawn first to last.
    pub items: Vec<Item>,
    /// Draw the document's [`Document::background`] under the items.
    pub background: bool,
}

impl Page {
    /// An empty page.
    pub fn new(size: PageSize) -> Page {
        Page {
            size,
            items: Vec::new(),
            background: false,
        }
    }
}

/// A whole printout: title (for the PDF metadata) and pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Document title.
    pub title: String,
    /// Pages in order.
    pub pages: Vec<Page>,
    /// Lines, boxes and text shared by every page that sets `background`,
    /// such as the ruled grid and the headings of a form. Written once per
    /// PDF (a form XObject using the document's fonts), so a hundred
    /// identical sheets cost little more than one.
    pub background: Vec<Item>,
}

impl Document {
    /// An empty document.
    pub fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            pages: Vec::new(),
            background: Vec::new(),
        }
    }

    /// The same document with the background copied onto every page that
    /// uses it, as a reader sees each page. For tests and inspection.
    pub fn flattened(&self) -> Document {
        Document {
            title: self.title.clone(),
            pages: self
                .pages
                .iter()
                .map(|p| Page {
                    size: p.size,
                    items: if p.background {
                        self.background.iter().chain(&p.items).cloned().collect()
                    } else {
                        p.items.clone()
                    },
                    background: false,
                })
                .collect(),
            background: Vec::new(),
        }
    }

    /// Checks every item on every page (see [`Item::check`]).
    ///
    /// # Errors
    /// The first problem found, as [`PrintError::MissingGlyphs`] or
    /// [`PrintError::InvalidItem`].
    pub fn check(&self) -> Result<(), PrintError> {
        self.check_items(Item::check)
    }

    /// Like [`Document::check`] without the glyphs (see
    /// [`Item::check_shape`]).
    ///
    /// # Errors
    /// The first [`PrintError::InvalidItem`] found.
    pub fn check_shape(&self) -> Result<(), PrintError> {
        self.check_items(Item::check_shape)
    }

    fn check_items(
        &self,
        check: impl Fn(&Item, usize, usize) -> Result<(), PrintError>,
    ) -> Result<(), PrintError> {
        for (i, item) in self.background.iter().enumerate() {
            check(item, 0, i + 1)?;
        }
        for (p, page) in self.pages.iter().enumerate() {
            for (i, item) in page.items.iter().enumerate() {
                check(item, p + 1, i + 1)?;
            }
        }
        Ok(())
    }

    /// Every character the fonts lack in the document's text, with the
    /// text and its origin, once per character and text item content:
    /// layout places such text (measured as the fonts' blank glyph) so
    /// that every problem of every document can be reported at once.
    pub fn missing_glyphs(&self) -> Vec<MissingGlyph<'_>> {
        let mut out: Vec<MissingGlyph<'_>> = Vec::new();
        let items = self
            .background
            .iter()
            .chain(self.pages.iter().flat_map(|p| &p.items));
        for item in items {
            let Item::Text { text, origin, .. } = item else {
                continue;
            };
            for c in font::missing_chars(text) {
                let found = MissingGlyph { c, text, origin };
                if !out.contains(&found) {
                    out.push(found);
                }
            }
        }
        out
    }

    /// A stable, readable dump: one line per page and per item, lengths in
    /// mm to 0.1, for snapshot tests. QR matrices appear as size and a short
    /// SHA-256 of the modules. Never fails.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "document {:?}", self.title);
        if !self.background.is_empty() {
            let _ = writeln!(out, "background");
            for item in &self.background {
                let _ = writeln!(out, "  {}", dump_item(item));
            }
        }
        for (p, page) in self.pages.iter().enumerate() {
            let _ = writeln!(
                out,
                "page {} {} {}x{}",
                p + 1,
                page.size.name(),
                num(page.size.width_mm()),
                num(page.size.height_mm())
            );
            if page.background {
                let _ = writeln!(out, "  background");
            }
            for item in &page.items {
                let _ = writeln!(out, "  {}", dump_item(item));
            }
        }
        out
    }
}

fn dump_item(item: &Item) -> String {
    match item {
        Item::Text {
            x_mm,
            y_mm,
            size_pt,
            bold,
            text,
            align,
            origin: _,
        } => format!(
            "text {} {} {}pt {} {} {:?}",
            num(*x_mm),
            num(*y_mm),
            num(*size_pt),
            if *bold { "bold" } else { "regular" },
            align.name(),
            text
        ),
        Item::Line {
            x1_mm,
            y1_mm,
            x2_mm,
            y2_mm,
            width_pt,
            dash,
        } => {
            let mut s = format!(
                "line {} {} -> {} {} {}pt",
                num(*x1_mm),
                num(*y1_mm),
                num(*x2_mm),
                num(*y2_mm),
                num(*width_pt)
            );
            if let Some(d) = dash {
                let _ = write!(s, " dash {}/{}", num(d.on_mm), num(d.off_mm));
            }
            s
        }
        Item::Rect {
            x_mm,
            y_mm,
            w_mm,
            h_mm,
            stroke_pt,
            fill_gray,
        } => {
            let mut s = format!(
                "rect {} {} {}x{}",
                num(*x_mm),
                num(*y_mm),
                num(*w_mm),
                num(*h_mm)
            );
            if let Some(w) = stroke_pt {
                let _ = write!(s, " stroke {}pt", num(*w));
            }
            if let Some(g) = fill_gray {
                let _ = write!(s, " fill {:.2}", g);
            }
            s
        }
        Item::Qr {
            x_mm,
            y_mm,
            size_mm,
            modules,
        } => {
            let mut hasher = Sha256::new();
            for row in modules {
                let bits: Vec<u8> = row.iter().map(|b| u8::from(*b)).collect();
                hasher.update(&bits);
                hasher.update([2u8]);
            }
            let digest = hasher.finalize();
            let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
            format!(
                "qr {} {} {}mm {}x{} sha256:{}",
                num(*x_mm),
                num(*y_mm),
                num(*size_mm),
                modules.len(),
                modules.first().map_or(0, Vec::len),
                short
            )
        }
    }
}

/// A number to 0.1, without "-0.0".
fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" { "0.0".to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_has_one_line_per_item_and_rounds_to_a_tenth() {
        let mut doc = Document::new("Prov");
        let mut page = Page::new(PageSize::A4Landscape);
        page.items.push(Item::text(10.04, 20.06, 10.0, true, "Hej"));
        page.items.push(Item::Line {
            x1_mm: -0.01,
            y1_mm: 1.0,
            x2_mm: 2.0,
            y2_mm: 3.0,
            width_pt: 0.5,
            dash: Some(Dash {
                on_mm: 1.0,
                off_mm: 0.5,
            }),
        });
        page.items.push(Item::Rect {
            x_mm: 1.0,
            y_mm: 2.0,
            w_mm: 3.0,
            h_mm: 4.0,
            stroke_pt: None,
            fill_gray: Some(0.9),
        });
        doc.pages.push(page);
        let dump = doc.dump();
        assert_eq!(
            dump,
            "document \"Prov\"\n\
             page 1 A4 landscape 297.0x210.0\n  \
             text 10.0 20.1 10.0pt bold left \"Hej\"\n  \
             line 0.0 1.0 -> 2.0 3.0 0.5pt dash 1.0/0.5\n  \
             rect 1.0 2.0 3.0x4.0 fill 0.90\n"
        );
    }

    #[test]
    fn translated_moves_every_coordinate() {
        let line = Item::line(1.0, 2.0, 3.0, 4.0, 1.0).translated(10.0, 20.0);
        assert_eq!(line, Item::line(11.0, 22.0, 13.0, 24.0, 1.0));
    }

    #[test]
    fn check_rejects_missing_glyphs_and_bad_numbers() {
        let err = Item::text(0.0, 0.0, 10.0, false, "Flyg ✈ till Luleå")
            .check(1, 1)
            .expect_err("airplane is not in the font");
        assert_eq!(
            err,
            PrintError::MissingGlyphs {
                text_excerpt: "Flyg ✈ till Luleå".to_string(),
                chars: vec!['✈'],
            }
        );
        let err = Item::boxed(0.0, f64::NAN, 1.0, 1.0, 0.5)
            .check(2, 3)
            .expect_err("NaN is invalid");
        assert!(matches!(
            err,
            PrintError::InvalidItem {
                page: 2,
                item: 3,
                ..
            }
        ));
        let qr = Item::Qr {
            x_mm: 0.0,
            y_mm: 0.0,
            size_mm: 10.0,
            modules: vec![vec![true, false]],
        };
        assert!(qr.check(1, 1).is_err());
    }

    #[test]
    fn excerpt_is_cut_around_the_missing_character() {
        let long = format!("{}漢{}", "a".repeat(50), "b".repeat(50));
        let err = check_text(&long).expect_err("Chinese is not in the font");
        let PrintError::MissingGlyphs {
            text_excerpt,
            chars,
        } = err
        else {
            panic!("wrong error kind");
        };
        assert_eq!(chars, vec!['漢']);
        assert_eq!(
            text_excerpt,
            format!("…{}漢{}…", "a".repeat(30), "b".repeat(29))
        );
    }
}
