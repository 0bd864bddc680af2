//! The page decoration added once the page count is known: a rule, the
//! footer lines, "Sida N av M" and the QR code, and the height they take
//! from every page body.

use super::{FlowStyle, Margins};
use crate::print::error::PrintError;
use crate::print::font;
use crate::print::layout::{Align, Document, Item, Origin, PageSize};
use crate::print::qr;

/// What every page gets once the content is placed: "Sida N av M" at the
/// bottom right, `footer_lines` at the bottom left (wrapped if long), and,
/// when `qr_url` is set, a QR code for it in the bottom right corner.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageDecor {
    /// Lines such as the kit version and data date, and
    /// "Äldre utskrifter ska kastas."
    pub footer_lines: Vec<String>,
    /// Address of the latest version, printed as a QR code.
    pub qr_url: Option<String>,
    /// Where the words of the footer lines are written in the content.
    pub origin: Origin,
}

/// The footer as laid out for one page size.
#[derive(Debug, Clone)]
struct Footer {
    /// Top of the footer (its rule), mm from the page top.
    top_mm: f64,
    /// Wrapped footer lines.
    lines: Vec<String>,
    qr: Option<Vec<Vec<bool>>>,
}

const PAGE_NUMBER_WIDEST: &str = "Sida 888 av 888";
const FOOTER_RULE_GAP_MM: f64 = 1.5;
const FOOTER_COLUMN_GAP_MM: f64 = 4.0;

fn layout_footer(
    size: PageSize,
    margins: &Margins,
    style: &FlowStyle,
    decor: &PageDecor,
) -> Result<Footer, PrintError> {
    let content_w = size.width_mm() - margins.left_mm - margins.right_mm;
    let qr = decor.qr_url.as_deref().map(qr::qr_modules).transpose()?;
    let qr_w = if qr.is_some() {
        style.qr_size_mm + FOOTER_COLUMN_GAP_MM
    } else {
        0.0
    };
    let number_w =
        font::text_width_mm(PAGE_NUMBER_WIDEST, style.footer_size_pt, true) + FOOTER_COLUMN_GAP_MM;
    let text_w = content_w - qr_w - number_w;
    if text_w < 20.0 {
        return Err(PrintError::DoesNotFit {
            what: "sidfoten (bredd)".to_string(),
            needed_mm: qr_w + number_w + 20.0,
            available_mm: content_w,
        });
    }
    let mut lines = Vec::new();
    for line in &decor.footer_lines {
        lines.extend(font::wrap(line, style.footer_size_pt, false, text_w));
    }
    let text_h = lines.len().max(1) as f64 * style.line_height_mm(style.footer_size_pt);
    let qr_h = if qr.is_some() { style.qr_size_mm } else { 0.0 };
    let inner_h = FOOTER_RULE_GAP_MM + text_h.max(qr_h);
    Ok(Footer {
        top_mm: size.height_mm() - margins.bottom_mm - inner_h,
        lines,
        qr,
    })
}

/// Height taken from the bottom of each page body by the footer of `decor`
/// (rule, lines, QR code and the gap above), mm. For callers that lay out
/// pages themselves and decorate them with [`decorate`].
///
/// # Errors
/// As [`decorate`]: bad footer text, an unencodable URL, or a footer that
/// does not fit the page width.
pub fn footer_height_mm(
    size: PageSize,
    margins: &Margins,
    style: &FlowStyle,
    decor: &PageDecor,
) -> Result<f64, PrintError> {
    let footer = layout_footer(size, margins, style, decor)?;
    Ok(size.height_mm() - margins.bottom_mm - footer.top_mm + style.footer_gap_mm)
}

/// Adds the decoration to every page of `doc`: a thin rule, the footer lines,
/// "Sida N av M" and the QR code. Pages of different sizes are each laid out
/// for their own width.
///
/// # Errors
/// [`PrintError::QrEncode`] for an unencodable URL, and
/// [`PrintError::DoesNotFit`] when margins, QR code and page number leave
/// less than 20 mm for the footer text.
pub fn decorate(
    doc: &mut Document,
    margins: &Margins,
    style: &FlowStyle,
    decor: &PageDecor,
) -> Result<(), PrintError> {
    let total = doc.pages.len();
    let mut cached: Vec<(PageSize, Footer)> = Vec::new();
    for (index, page) in doc.pages.iter_mut().enumerate() {
        let footer = match cached.iter().find(|(s, _)| *s == page.size) {
            Some((_, f)) => f.clone(),
            None => {
                let f = layout_footer(page.size, margins, style, decor)?;
                cached.push((page.size, f.clone()));
                f
            }
        };
        let page_w = page.size.width_mm();
        let right = page_w - margins.right_mm;
        let size = style.footer_size_pt;
        let line_h = style.line_height_mm(size);
        let first_baseline = footer.top_mm + FOOTER_RULE_GAP_MM + style.baseline_offset_mm(size);
        page.items.push(Item::line(
            margins.left_mm,
            footer.top_mm,
            right,
            footer.top_mm,
            0.3,
        ));
        for (k, line) in footer.lines.iter().enumerate() {
            page.items.push(
                Item::text(
                    margins.left_mm,
                    first_baseline + k as f64 * line_h,
                    size,
                    false,
                    line.clone(),
                )
                .from(&decor.origin),
            );
        }
        let mut number_x = right;
        if let Some(modules) = &footer.qr {
            let qr_x = right - style.qr_size_mm;
            page.items.push(Item::Qr {
                x_mm: qr_x,
                y_mm: page.size.height_mm() - margins.bottom_mm - style.qr_size_mm,
                size_mm: style.qr_size_mm,
                modules: modules.clone(),
            });
            number_x = qr_x - FOOTER_COLUMN_GAP_MM;
        }
        page.items.push(Item::Text {
            x_mm: number_x,
            y_mm: first_baseline,
            size_pt: size,
            bold: true,
            text: format!("Sida {} av {}", index + 1, total),
            align: Align::Right,
            origin: Origin::new(),
        });
    }
    Ok(())
}
