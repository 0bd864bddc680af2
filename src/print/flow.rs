//! Flowing content onto pages: a cursor that moves down the page and starts a
//! new page when the next block does not fit, then a footer on every page.
//!
//! Owns pagination of headings, wrapped paragraphs, bullet lists, tables
//! (header row repeated after a page break) and caller-drawn blocks, and the
//! page decoration ("Sida N av M", footer lines, QR code) added once the page
//! count is known. It must not know what the printouts say or import the PDF
//! library. Text the fonts lack is placed as it is, with the origin the
//! caller gave it (see [`Flow::from`]), so that a document is always laid
//! out whole and [`Document::missing_glyphs`] can report every such
//! character at once; the PDF writer refuses it.
//! The decoration lives in `footer`, tables in `table`.

use super::error::PrintError;
use super::font::{self, MM_PER_PT};
use super::layout::{Align, Document, Item, Origin, Page, PageSize};
use crate::source::Span;

mod footer;
mod table;

pub use footer::{PageDecor, decorate, footer_height_mm};
pub use table::{Column, Table};

/// Ascent and descent of Reservkit Sans as a fraction of the font size.
const ASCENT: f64 = 1901.0 / 2048.0;
const DESCENT: f64 = 483.0 / 2048.0;

/// Page margins in mm. The footer is placed inside the bottom margin's upper
/// edge, i.e. above `bottom_mm`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Top margin.
    pub top_mm: f64,
    /// Right margin.
    pub right_mm: f64,
    /// Bottom margin (below the footer).
    pub bottom_mm: f64,
    /// Left margin.
    pub left_mm: f64,
}

impl Default for Margins {
    /// 15 mm on every side except 12 mm at the bottom, inside what office
    /// printers can print.
    fn default() -> Self {
        Margins {
            top_mm: 15.0,
            right_mm: 15.0,
            bottom_mm: 12.0,
            left_mm: 15.0,
        }
    }
}

/// Size, weight and alignment of a run of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Font size in points.
    pub size_pt: f64,
    /// Bold face.
    pub bold: bool,
    /// Alignment within the text column.
    pub align: Align,
}

impl TextStyle {
    /// Regular, left-aligned text at `size_pt`.
    pub const fn regular(size_pt: f64) -> TextStyle {
        TextStyle {
            size_pt,
            bold: false,
            align: Align::Left,
        }
    }

    /// Bold, left-aligned text at `size_pt`.
    pub const fn bold(size_pt: f64) -> TextStyle {
        TextStyle {
            size_pt,
            bold: true,
            align: Align::Left,
        }
    }

    /// The same style with another alignment.
    pub const fn aligned(self, align: Align) -> TextStyle {
        TextStyle { align, ..self }
    }
}

/// Spacing and sizes used by [`Flow`] and the page decoration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowStyle {
    /// Line height as a multiple of the font size.
    pub line_factor: f64,
    /// Space after a paragraph, list or table, mm.
    pub paragraph_gap_mm: f64,
    /// Space before a heading (not at the top of a page), mm.
    pub heading_gap_before_mm: f64,
    /// Space after a heading, mm.
    pub heading_gap_after_mm: f64,
    /// Indent of bullet list text, mm (the bullet sits at the margin).
    pub bullet_indent_mm: f64,
    /// Size of footer lines and the page number, points.
    pub footer_size_pt: f64,
    /// Side of the footer QR code including its quiet zone, mm.
    pub qr_size_mm: f64,
    /// Space between the body and the footer's rule, mm.
    pub footer_gap_mm: f64,
}

impl Default for FlowStyle {
    fn default() -> Self {
        FlowStyle {
            line_factor: 1.3,
            paragraph_gap_mm: 2.5,
            heading_gap_before_mm: 3.0,
            heading_gap_after_mm: 1.0,
            bullet_indent_mm: 5.0,
            footer_size_pt: 8.0,
            qr_size_mm: 22.0,
            footer_gap_mm: 3.0,
        }
    }
}

impl FlowStyle {
    /// Height of one line of text at `size_pt`, mm.
    pub fn line_height_mm(&self, size_pt: f64) -> f64 {
        size_pt * MM_PER_PT * self.line_factor
    }

    /// Distance from the top of a line box to its baseline, mm.
    pub fn baseline_offset_mm(&self, size_pt: f64) -> f64 {
        size_pt * MM_PER_PT * (ASCENT + (self.line_factor - ASCENT - DESCENT) / 2.0)
    }
}

/// Places content top to bottom on pages of one [`Document`].
///
/// Call [`Flow::finish`] to get the decorated document.
#[derive(Debug, Clone)]
pub struct Flow {
    doc: Document,
    size: PageSize,
    margins: Margins,
    style: FlowStyle,
    decor: PageDecor,
    body_bottom_mm: f64,
    y_mm: f64,
    /// Footer height per page size, laid out once (QR encoding and
    /// wrapping are not free, and every new page needs it).
    footer_mm: Vec<(PageSize, f64)>,
    /// Where the text of the next placing call is written (see [`Flow::from`]).
    origin: Origin,
}

impl Flow {
    /// A flow with one empty page of `size`.
    ///
    /// # Errors
    /// As [`decorate`]; the footer is laid out now so that its height can be
    /// kept free on every page, and `PrintError::DoesNotFit` if the margins
    /// and footer leave less than 30 mm of page body.
    pub fn new(
        title: impl Into<String>,
        size: PageSize,
        margins: Margins,
        style: FlowStyle,
        decor: PageDecor,
    ) -> Result<Flow, PrintError> {
        let mut flow = Flow {
            doc: Document::new(title),
            size,
            margins,
            style,
            decor,
            body_bottom_mm: 0.0,
            y_mm: margins.top_mm,
            footer_mm: Vec::new(),
            origin: Origin::new(),
        };
        flow.start_page(size)?;
        Ok(flow)
    }

    fn start_page(&mut self, size: PageSize) -> Result<(), PrintError> {
        let footer = match self.footer_mm.iter().find(|(s, _)| *s == size) {
            Some((_, h)) => *h,
            None => {
                let h = footer_height_mm(size, &self.margins, &self.style, &self.decor)?;
                self.footer_mm.push((size, h));
                h
            }
        };
        let bottom = size.height_mm() - self.margins.bottom_mm - footer;
        let body = bottom - self.margins.top_mm;
        if body < 30.0 {
            return Err(PrintError::DoesNotFit {
                what: "sidans textyta".to_string(),
                needed_mm: 30.0,
                available_mm: body,
            });
        }
        self.size = size;
        self.body_bottom_mm = bottom;
        self.y_mm = self.margins.top_mm;
        self.doc.pages.push(Page::new(size));
        Ok(())
    }

    fn page_mut(&mut self) -> &mut Page {
        if self.doc.pages.is_empty() {
            self.doc.pages.push(Page::new(self.size));
        }
        let last = self.doc.pages.len() - 1;
        &mut self.doc.pages[last]
    }

    /// Left edge of the text column, mm.
    pub fn left_mm(&self) -> f64 {
        self.margins.left_mm
    }

    /// Width of the text column on the current page, mm.
    pub fn content_width_mm(&self) -> f64 {
        self.size.width_mm() - self.margins.left_mm - self.margins.right_mm
    }

    /// Where the next block starts, mm from the top of the current page.
    pub fn cursor_y_mm(&self) -> f64 {
        self.y_mm
    }

    /// Space left on the current page above the footer, mm.
    pub fn remaining_mm(&self) -> f64 {
        self.body_bottom_mm - self.y_mm
    }

    /// Height of the body of an empty page, mm: the most any one block can take.
    pub fn body_height_mm(&self) -> f64 {
        self.body_bottom_mm - self.margins.top_mm
    }

    /// Pages so far (at least 1).
    pub fn page_count(&self) -> usize {
        self.doc.pages.len()
    }

    /// The style in use.
    pub fn style(&self) -> &FlowStyle {
        &self.style
    }

    fn at_page_top(&self) -> bool {
        (self.y_mm - self.margins.top_mm).abs() < 1e-9
    }

    /// Starts a new page of the current size (an empty current page is kept
    /// as it is instead).
    ///
    /// # Errors
    /// Never for a size the flow already uses; kept fallible like
    /// [`Flow::new_page_in`].
    pub fn new_page(&mut self) -> Result<(), PrintError> {
        self.new_page_in(self.size)
    }

    /// Continues on a new page of `size`, e.g. landscape for a wide table. If
    /// the current page is still empty it is reused with the new size.
    ///
    /// # Errors
    /// [`PrintError::DoesNotFit`] (or the footer's errors) if the footer does
    /// not fit pages of `size`.
    pub fn new_page_in(&mut self, size: PageSize) -> Result<(), PrintError> {
        if self.page_mut().items.is_empty() {
            self.doc.pages.pop();
        }
        self.start_page(size)
    }

    /// Makes sure `height_mm` fits below the cursor, starting a new page if not.
    ///
    /// # Errors
    /// [`PrintError::DoesNotFit`] naming `what` if even an empty page is too short.
    pub fn ensure(&mut self, height_mm: f64, what: &str) -> Result<(), PrintError> {
        if height_mm > self.body_height_mm() + 1e-9 {
            return Err(PrintError::DoesNotFit {
                what: what.to_string(),
                needed_mm: height_mm,
                available_mm: self.body_height_mm(),
            });
        }
        if height_mm > self.remaining_mm() + 1e-9 {
            self.new_page()?;
        }
        Ok(())
    }

    /// Moves the cursor down by `mm`. Ignored at the top of a page (use
    /// [`Flow::block`] with no items for space there); space that would pass
    /// the bottom of the page ends the page instead. Never fails.
    pub fn space(&mut self, mm: f64) {
        if self.at_page_top() {
            return;
        }
        if mm >= self.remaining_mm() {
            // Cannot fail: same size as the current page.
            let _ = self.new_page();
        } else {
            self.y_mm += mm;
        }
    }

    fn line_x(&self, align: Align, indent_mm: f64) -> f64 {
        let left = self.margins.left_mm + indent_mm;
        let right = self.size.width_mm() - self.margins.right_mm;
        match align {
            Align::Left => left,
            Align::Right => right,
            Align::Center => (left + right) / 2.0,
        }
    }

    /// Marks the text of the next heading, paragraph, list or table as
    /// written at `origin` (the spans of the content strings it is made
    /// from), for reporting a character the fonts lack where it is written.
    /// Applies to the next placing call only; items of a [`Flow::block`]
    /// carry their own (see [`Item::from`]).
    pub fn from(&mut self, origin: &[Span]) -> &mut Flow {
        self.origin = origin.to_vec();
        self
    }

    fn put_line(&mut self, text: String, style: TextStyle, indent_mm: f64, origin: &[Span]) {
        let x = self.line_x(style.align, indent_mm);
        let baseline = self.y_mm + self.style.baseline_offset_mm(style.size_pt);
        self.y_mm += self.style.line_height_mm(style.size_pt);
        self.page_mut().items.push(Item::Text {
            x_mm: x,
            y_mm: baseline,
            size_pt: style.size_pt,
            bold: style.bold,
            text,
            align: style.align,
            origin: origin.to_vec(),
        });
    }

    /// A bold heading at `size_pt`, wrapped, kept on the same page as at least
    /// one following line of 10 pt text.
    ///
    /// # Errors
    /// [`PrintError::DoesNotFit`] for a heading taller than a page.
    pub fn heading(&mut self, text: &str, size_pt: f64) -> Result<(), PrintError> {
        let origin = std::mem::take(&mut self.origin);
        let style = TextStyle::bold(size_pt);
        let lines = font::wrap(text, size_pt, true, self.content_width_mm());
        let height = lines.len() as f64 * self.style.line_height_mm(size_pt)
            + self.style.heading_gap_after_mm
            + self.style.line_height_mm(10.0);
        self.ensure(height, "rubriken")?;
        if !self.at_page_top() {
            let gap = self.style.heading_gap_before_mm;
            if gap + height <= self.remaining_mm() {
                self.y_mm += gap;
            } else {
                self.new_page()?;
            }
        }
        for line in lines {
            self.put_line(line, style, 0.0, &origin);
        }
        self.y_mm += self.style.heading_gap_after_mm;
        Ok(())
    }

    /// A paragraph wrapped to the text column, continued on the next page
    /// line by line if needed, followed by the paragraph gap. `'\n'` breaks
    /// a line.
    ///
    /// # Errors
    /// [`PrintError::DoesNotFit`] only for absurd sizes.
    pub fn paragraph(&mut self, text: &str, style: TextStyle) -> Result<(), PrintError> {
        let origin = std::mem::take(&mut self.origin);
        let line_h = self.style.line_height_mm(style.size_pt);
        for line in font::wrap(text, style.size_pt, style.bold, self.content_width_mm()) {
            self.ensure(line_h, "textraden")?;
            self.put_line(line, style, 0.0, &origin);
        }
        self.space(self.style.paragraph_gap_mm);
        Ok(())
    }

    /// A bullet list: "•" near the margin, text wrapped at the bullet indent,
    /// followed by the paragraph gap. `'\n'` in an item breaks a line.
    ///
    /// # Errors
    /// [`PrintError::DoesNotFit`] only for absurd sizes.
    pub fn bullets<S: AsRef<str>>(
        &mut self,
        items: &[S],
        style: TextStyle,
    ) -> Result<(), PrintError> {
        let indent = self.style.bullet_indent_mm;
        let marked: Vec<(Item, &str)> = items
            .iter()
            .map(|item| {
                (
                    Item::text(indent * 0.3, 0.0, style.size_pt, style.bold, "•"),
                    item.as_ref(),
                )
            })
            .collect();
        self.marked_list(&marked, style, indent)
    }

    /// A numbered list "1.", "2.", …: numbers right-aligned before the text,
    /// which is indented by the bullet indent or, for long lists, by the
    /// widest number. Followed by the paragraph gap.
    ///
    /// # Errors
    /// As [`Flow::bullets`].
    pub fn numbered<S: AsRef<str>>(
        &mut self,
        items: &[S],
        style: TextStyle,
    ) -> Result<(), PrintError> {
        const GAP_MM: f64 = 1.5;
        let widest = format!("{}.", items.len());
        let indent = self
            .style
            .bullet_indent_mm
            .max(font::text_width_mm(&widest, style.size_pt, style.bold) + GAP_MM);
        let marked: Vec<(Item, &str)> = items
            .iter()
            .enumerate()
            .map(|(k, item)| {
                let marker = Item::Text {
                    x_mm: indent - GAP_MM,
                    y_mm: 0.0,
                    size_pt: style.size_pt,
                    bold: style.bold,
                    text: format!("{}.", k + 1),
                    align: Align::Right,
                    origin: Origin::new(),
                };
                (marker, item.as_ref())
            })
            .collect();
        self.marked_list(&marked, style, indent)
    }

    /// Places list items; each marker is relative to the left margin and the
    /// item's first baseline.
    fn marked_list(
        &mut self,
        items: &[(Item, &str)],
        style: TextStyle,
        indent: f64,
    ) -> Result<(), PrintError> {
        let origin = std::mem::take(&mut self.origin);
        let line_h = self.style.line_height_mm(style.size_pt);
        let width = self.content_width_mm() - indent;
        let left = TextStyle {
            align: Align::Left,
            ..style
        };
        for (marker, text) in items {
            for (k, line) in font::wrap(text, style.size_pt, style.bold, width)
                .into_iter()
                .enumerate()
            {
                self.ensure(line_h, "listan")?;
                if k == 0 {
                    let baseline = self.y_mm + self.style.baseline_offset_mm(style.size_pt);
                    let dx = self.margins.left_mm;
                    self.page_mut().items.push(marker.translated(dx, baseline));
                }
                self.put_line(line, left, indent, &origin);
            }
        }
        self.space(self.style.paragraph_gap_mm);
        Ok(())
    }

    /// A caller-drawn block `height_mm` tall. `items` use coordinates
    /// relative to the left margin and the cursor (x = 0 is the text column's
    /// left edge, y = 0 the top of the block). Moves the cursor below it.
    ///
    /// # Errors
    /// [`PrintError::InvalidItem`] for a bad item (see
    /// [`Item::check_shape`]); [`PrintError::DoesNotFit`] for a block
    /// taller than a page.
    pub fn block(&mut self, height_mm: f64, items: Vec<Item>) -> Result<(), PrintError> {
        self.origin.clear();
        for (k, item) in items.iter().enumerate() {
            item.check_shape(self.page_count(), k + 1)?;
        }
        self.ensure(height_mm, "blocket")?;
        let (dx, dy) = (self.margins.left_mm, self.y_mm);
        let page = self.page_mut();
        page.items
            .extend(items.iter().map(|item| item.translated(dx, dy)));
        self.y_mm += height_mm;
        Ok(())
    }

    /// Puts `item` on the current page at absolute page coordinates without
    /// moving the cursor (e.g. a stamp in a corner).
    ///
    /// # Errors
    /// [`PrintError::InvalidItem`] for a bad item (see [`Item::check_shape`]).
    pub fn place(&mut self, item: Item) -> Result<(), PrintError> {
        self.origin.clear();
        let page = self.page_count();
        let index = self.page_mut().items.len() + 1;
        item.check_shape(page, index)?;
        self.page_mut().items.push(item);
        Ok(())
    }

    /// Ends the flow: drops a trailing empty page and decorates every page
    /// (see [`decorate`]).
    ///
    /// # Errors
    /// As [`decorate`] (already checked by [`Flow::new`], so in practice none).
    pub fn finish(mut self) -> Result<Document, PrintError> {
        if self.doc.pages.len() > 1 && self.page_mut().items.is_empty() {
            self.doc.pages.pop();
        }
        decorate(&mut self.doc, &self.margins, &self.style, &self.decor)?;
        Ok(self.doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decor() -> PageDecor {
        PageDecor {
            footer_lines: vec![
                "Reservkit 2026.1, kontaktuppgifter per 2026-11-20".to_string(),
                "Äldre utskrifter ska kastas.".to_string(),
            ],
            qr_url: Some("https://insidan.example.se/reservrutin-lifecare/".to_string()),
            origin: Origin::new(),
        }
    }

    fn flow(size: PageSize) -> Flow {
        Flow::new(
            "Prov",
            size,
            Margins::default(),
            FlowStyle::default(),
            decor(),
        )
        .expect("flow starts")
    }

    fn texts(doc: &Document, page: usize) -> Vec<String> {
        doc.pages[page]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn long_text_breaks_onto_new_pages_and_every_page_gets_a_footer() {
        let mut f = flow(PageSize::A4Portrait);
        for n in 0..60 {
            f.heading(&format!("Avsnitt {n}"), 12.0).expect("heading");
            f.paragraph(
                "Ring kommunens sjuksköterska direkt när driftstoppet har varat i tre timmar.",
                TextStyle::regular(10.0),
            )
            .expect("paragraph");
        }
        let doc = f.finish().expect("finish");
        let pages = doc.pages.len();
        assert!(pages >= 3, "{pages}");
        for (p, page) in doc.pages.iter().enumerate() {
            let t = texts(&doc, p);
            assert!(t.contains(&format!("Sida {} av {pages}", p + 1)), "{t:?}");
            assert!(t.contains(&"Äldre utskrifter ska kastas.".to_string()));
            assert_eq!(
                page.items
                    .iter()
                    .filter(|i| matches!(i, Item::Qr { .. }))
                    .count(),
                1
            );
            // Nothing of the body reaches into the footer.
            let rule_y = page
                .items
                .iter()
                .find_map(|i| match i {
                    Item::Line { y1_mm, .. } => Some(*y1_mm),
                    _ => None,
                })
                .expect("footer rule");
            for item in &page.items {
                if let Item::Text { y_mm, text, .. } = item
                    && text.starts_with("Avsnitt")
                {
                    assert!(*y_mm < rule_y - 2.0);
                }
            }
        }
        // A heading is never the last line of a page.
        for p in 0..pages - 1 {
            let t = texts(&doc, p);
            let body: Vec<&String> = t
                .iter()
                .filter(|s| {
                    !s.starts_with("Sida") && !s.contains("Reservkit") && !s.starts_with("Äldre")
                })
                .collect();
            assert!(
                !body.last().expect("body text").starts_with("Avsnitt"),
                "{body:?}"
            );
        }
    }

    #[test]
    fn table_repeats_its_header_after_a_page_break() {
        let mut f = flow(PageSize::A4Landscape);
        let mut table = Table::new(vec![
            Column {
                width_mm: 15.0,
                align: Align::Right,
            },
            Column::new(60.0),
            Column::new(80.0),
        ]);
        table.header = vec!["Nr".into(), "Tid".into(), "Ärende".into()];
        table.min_row_height_mm = 9.0;
        table.rows = (1..=40).map(|n| vec![n.to_string()]).collect();
        f.table(&table).expect("table");
        let doc = f.finish().expect("finish");
        assert!(doc.pages.len() >= 2);
        for p in 0..doc.pages.len() {
            let t = texts(&doc, p);
            assert_eq!(t.iter().filter(|s| *s == "Ärende").count(), 1, "page {p}");
        }
        let all: Vec<String> = (0..doc.pages.len()).flat_map(|p| texts(&doc, p)).collect();
        for n in 1..=40 {
            assert_eq!(all.iter().filter(|s| **s == n.to_string()).count(), 1);
        }
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next_pages() {
        let mut f = flow(PageSize::A4Portrait);
        let mut table = Table::new(vec![Column::new(30.0), Column::new(60.0)]);
        table.header = vec!["Nr".into(), "Text".into()];
        let words: Vec<String> = (1..=400).map(|n| format!("ord{n}")).collect();
        table.rows = vec![
            vec!["1".into(), words.join(" ")],
            vec!["2".into(), "kort".into()],
        ];
        f.table(&table).expect("laid out");
        let doc = f.finish().expect("finish");
        assert!(doc.pages.len() >= 2, "{} pages", doc.pages.len());
        let all: Vec<String> = (0..doc.pages.len()).flat_map(|p| texts(&doc, p)).collect();
        let joined = all.join(" ");
        for word in ["ord1", "ord200", "ord400", "kort"] {
            assert!(
                joined.split_whitespace().any(|w| w == word),
                "{word} is printed"
            );
        }
        for p in 0..doc.pages.len() {
            assert!(
                texts(&doc, p).iter().any(|t| t == "Nr"),
                "header on page {p}"
            );
        }
    }

    #[test]
    fn errors_name_what_is_wrong_and_place_nothing() {
        let mut f = flow(PageSize::A4Portrait);
        let mut table = Table::new(vec![Column::new(300.0)]);
        assert!(matches!(
            f.table(&table),
            Err(PrintError::DoesNotFit { .. })
        ));
        table.columns = vec![Column::new(50.0)];
        table.rows = vec![vec!["a".into(), "b".into()]];
        assert!(matches!(
            f.table(&table),
            Err(PrintError::InvalidTable { row: 1, .. })
        ));
        table.rows = vec![vec!["a".into()]];
        table.min_row_height_mm = 400.0;
        assert!(matches!(
            f.table(&table),
            Err(PrintError::DoesNotFit { .. })
        ));
        assert!(f.block(500.0, vec![]).is_err());
        assert_eq!(f.page_count(), 1);
        let doc = f.finish().expect("finish");
        assert_eq!(texts(&doc, 0).len(), 3, "only the footer");
        let bad = PageDecor {
            qr_url: Some("x".repeat(5000)),
            ..PageDecor::default()
        };
        assert!(
            Flow::new(
                "x",
                PageSize::A4Portrait,
                Margins::default(),
                FlowStyle::default(),
                bad
            )
            .is_err()
        );
    }

    #[test]
    fn text_the_fonts_lack_is_placed_with_its_origin_and_found_afterwards() {
        let src = crate::source::Source::new("k.yaml", "namn: Flyg ✈ hem\n");
        let origin = [src.span(6..src.text().len() - 1)];
        let decor = PageDecor {
            footer_lines: vec!["Kit 漢".into()],
            origin: origin.to_vec(),
            ..PageDecor::default()
        };
        let mut f = Flow::new(
            "x",
            PageSize::A4Portrait,
            Margins::default(),
            FlowStyle::default(),
            decor,
        )
        .expect("a footer the fonts lack is laid out");
        f.from(&origin)
            .paragraph("Flyg ✈ hem", TextStyle::regular(10.0))
            .expect("laid out");
        f.paragraph("Sedan ☎", TextStyle::regular(10.0))
            .expect("the origin was for one call only");
        let mut table = Table::new(vec![Column::new(50.0)]);
        table.rows = vec![vec!["Båt ⛴".into()]];
        f.from(&origin).table(&table).expect("table laid out");
        let doc = f.finish().expect("finish");
        let found: Vec<(char, &str, usize)> = doc
            .missing_glyphs()
            .iter()
            .map(|m| (m.c, m.text, m.origin.len()))
            .collect();
        assert_eq!(
            found,
            vec![
                ('✈', "Flyg ✈ hem", 1),
                ('☎', "Sedan ☎", 0),
                ('⛴', "Båt ⛴", 1),
                ('漢', "Kit 漢", 1),
            ]
        );
        assert!(matches!(doc.check(), Err(PrintError::MissingGlyphs { .. })));
    }

    #[test]
    fn blocks_are_relative_to_the_cursor_and_pages_can_change_size() {
        let mut f = flow(PageSize::A4Portrait);
        f.space(5.0); // ignored at the top of a page
        assert_eq!(f.cursor_y_mm(), 15.0);
        f.block(20.0, vec![Item::boxed(0.0, 0.0, 30.0, 20.0, 1.0)])
            .expect("block");
        assert_eq!(f.cursor_y_mm(), 35.0);
        f.new_page_in(PageSize::A4Landscape).expect("landscape");
        assert_eq!(f.content_width_mm(), 267.0);
        f.new_page_in(PageSize::A4Portrait)
            .expect("portrait reuses the empty page");
        f.paragraph("Sista sidan", TextStyle::regular(10.0))
            .expect("text");
        let doc = f.finish().expect("finish");
        assert_eq!(doc.pages.len(), 2);
        assert_eq!(doc.pages[1].size, PageSize::A4Portrait);
        assert_eq!(
            doc.pages[0].items[0],
            Item::boxed(15.0, 15.0, 30.0, 20.0, 1.0)
        );
    }

    #[test]
    fn numbered_lists_make_room_for_the_widest_number() {
        let mut f = flow(PageSize::A4Portrait);
        let items: Vec<String> = (1..=12).map(|n| format!("Steg {n}")).collect();
        f.numbered(&items, TextStyle::regular(10.0)).expect("list");
        let doc = f.finish().expect("finish");
        let page = &doc.pages[0];
        let marker_right = page.items.iter().find_map(|i| match i {
            Item::Text {
                text,
                x_mm,
                align: Align::Right,
                ..
            } if text == "12." => Some(*x_mm),
            _ => None,
        });
        let text_left = page.items.iter().find_map(|i| match i {
            Item::Text { text, x_mm, .. } if text == "Steg 12" => Some(*x_mm),
            _ => None,
        });
        let (marker_right, text_left) = (marker_right.expect("marker"), text_left.expect("text"));
        assert!((text_left - marker_right - 1.5).abs() < 1e-9);
        let widest = font::text_width_mm("12.", 10.0, false);
        assert!(
            marker_right - widest >= 15.0 - 1e-9,
            "number must not enter the margin"
        );
    }

    #[test]
    fn small_document_layout_snapshot() {
        let mut f = flow(PageSize::A4Portrait);
        f.heading("Ringlista vid driftstopp", 16.0)
            .expect("heading");
        f.paragraph(
            "Ring i den här ordningen tills någon svarar. Anteckna tid och namn på samtalsloggen.",
            TextStyle::regular(10.0),
        )
        .expect("paragraph");
        f.bullets(
            &["Kommunens sjuksköterska", "Regionens växel"],
            TextStyle::regular(10.0),
        )
        .expect("bullets");
        let mut table = Table::new(vec![
            Column::new(60.0),
            Column {
                width_mm: 40.0,
                align: Align::Right,
            },
        ]);
        table.header = vec!["Vem".into(), "Telefon".into()];
        table.rows = vec![
            vec![
                "Älvsbyns kommun, sjuksköterska".into(),
                "ankn.\u{A0}4711".into(),
            ],
            vec!["Regionens växel".into(), "ankn.\u{A0}100".into()],
        ];
        f.table(&table).expect("table");
        let doc = f.finish().expect("finish");
        insta::assert_snapshot!(doc.dump());
    }
}
