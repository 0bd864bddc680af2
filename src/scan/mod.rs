//! Reading scanned paper forms: from a page image to a draft of the
//! sheet's rows, every machine reading with a confidence.
//!
//! - [`source::pages`] decodes the files a copier writes into page images.
//! - [`register::register`] finds the registration marks, the transform
//!   from layout millimetres to pixels and the QR code.
//! - [`read_page`] reads every tick box ([`ticks`]) and finds the written
//!   rows and their handwriting fields.
//! - [`draft::sheet_files`] turns a read sheet into `utkast.json` and the
//!   field images, in memory.
//!
//! Where everything is comes from `layout.json` ([`layout::Layout`]). This
//! module takes values and returns values: it reads and writes no files
//! and prints nothing (patient handwriting must never reach a log).

pub mod draft;
pub mod gray;
pub mod layout;
pub mod register;
pub mod source;
pub mod ticks;

use gray::Gray;
use layout::{Layout, QrText, Rect};
use register::Homography;
use ticks::{Mark, Reading};

/// Share of ink in a handwriting field above which it counts as written.
pub const WRITTEN_MIN: f64 = 0.012;
/// How far in from a handwriting cell's printed lines ink is counted, mm.
const FIELD_INSET: f64 = 0.7;

/// One tick box read.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxRead {
    pub column: String,
    pub value: String,
    pub rect: Rect,
    pub reading: Reading,
}

/// One handwriting field of a row (the identity number's twelve digit
/// boxes are one field).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRead {
    pub column: String,
    pub rect: Rect,
    pub ink: f64,
}

impl FieldRead {
    pub fn written(&self) -> bool {
        self.ink >= WRITTEN_MIN
    }
}

/// One row of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct RowRead {
    pub row: u32,
    pub boxes: Vec<BoxRead>,
    pub fields: Vec<FieldRead>,
}

impl RowRead {
    /// Anything written or ticked on the row.
    pub fn written(&self) -> bool {
        self.fields.iter().any(FieldRead::written)
            || self.boxes.iter().any(|b| b.reading.mark != Mark::Tom)
    }
}

/// A page read as a form sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRead {
    pub sheet: String,
    pub kit: String,
    /// Which of the given layouts the sheet was read with.
    pub layout: usize,
    pub transform: Homography,
    pub turned: u32,
    pub marks: [(f64, f64); 4],
    pub threshold: u8,
    pub rows: Vec<RowRead>,
}

/// Reads one page with the layout of the kit its QR code names.
///
/// # Errors
/// A Swedish message saying what was expected and not found: no marks, no
/// readable QR code, a code that is not this form's, a blank unnumbered
/// form, or a kit none of `layouts` is for.
pub fn read_page(page: &Gray, layouts: &[Layout]) -> Result<SheetRead, String> {
    let first = layouts.first().ok_or("ingen layout.json")?;
    let threshold = page.ink_threshold();
    let reg = register::register(page, first, threshold)?;
    let Some(qr) = QrText::parse(&reg.qr) else {
        return Err(format!(
            "QR-koden är inte samtalsloggens (den innehåller {:?}); en sida av ett annat dokument?",
            shorten(&reg.qr)
        ));
    };
    if layouts.iter().all(|l| l.qr_base() != qr.base) {
        return Err(format!(
            "QR-koden är inte samtalsloggens från detta kit (den börjar {:?}, väntade {:?})",
            shorten(&qr.base),
            first.qr_base()
        ));
    }
    let Some(sheet) = qr.sheet.clone() else {
        return Err(
            "sidan är en onumrerad blankett (QR-koden har inget bladnummer); skriv av den för hand"
                .to_string(),
        );
    };
    if !valid_sheet(&sheet) {
        return Err(format!(
            "QR-koden har ett ogiltigt bladnummer {:?}",
            shorten(&sheet)
        ));
    }
    let Some(index) = layouts
        .iter()
        .position(|l| l.kit_version().as_deref() == Some(qr.kit.as_str()))
    else {
        let known: Vec<String> = layouts.iter().filter_map(Layout::kit_version).collect();
        return Err(format!(
            "bladet {sheet} är tryckt från kit {}, men layout.json gäller kit {}; ange --layout med layout.json från det bygget",
            qr.kit,
            known.join(", ")
        ));
    };
    let layout = &layouts[index];
    let reg = if layout.registration_marks == first.registration_marks && layout.qr == first.qr {
        reg
    } else {
        register::register(page, layout, threshold)?
    };
    let rows = layout
        .rows
        .iter()
        .map(|row| read_row(page, &reg.transform, row, threshold))
        .collect();
    Ok(SheetRead {
        sheet,
        kit: qr.kit,
        layout: index,
        transform: reg.transform,
        turned: reg.turned,
        marks: reg.marks,
        threshold,
        rows,
    })
}

fn read_row(page: &Gray, h: &Homography, row: &layout::Row, threshold: u8) -> RowRead {
    let mut boxes = Vec::new();
    let mut fields: Vec<FieldRead> = Vec::new();
    let mut digits: Vec<Rect> = Vec::new();
    let mut digit_ink: f64 = 0.0;
    for f in &row.fields {
        match f.kind.as_str() {
            "tick" => boxes.push(BoxRead {
                column: f.column.clone(),
                value: f.value.clone().unwrap_or_default(),
                rect: f.rect(),
                reading: ticks::read_box(page, h, f.rect(), threshold),
            }),
            "digit" => {
                digit_ink = digit_ink.max(ticks::field_ink(page, h, f.rect(), 0.6, threshold));
                digits.push(f.rect());
            }
            _ => fields.push(FieldRead {
                column: f.column.clone(),
                rect: f.rect(),
                ink: ticks::field_ink(page, h, f.rect(), FIELD_INSET, threshold),
            }),
        }
    }
    if let (Some(a), Some(b)) = (digits.first(), digits.last()) {
        let column = row
            .fields
            .iter()
            .find(|f| f.kind == "digit")
            .map(|f| f.column.clone())
            .unwrap_or_default();
        let rect = Rect {
            x: a.x,
            y: a.y.min(b.y),
            w: b.x + b.w - a.x,
            h: a.h.max(b.h),
        };
        // In layout order: the digit boxes sit between the type and the
        // event columns.
        let at = fields
            .iter()
            .position(|f| f.rect.y > a.y + a.h / 2.0)
            .unwrap_or(fields.len());
        fields.insert(
            at,
            FieldRead {
                column,
                rect,
                ink: digit_ink,
            },
        );
    }
    RowRead {
        row: row.row,
        boxes,
        fields,
    }
}

/// A sheet number is used as a folder name: letters, digits, `-` and `_`.
pub fn valid_sheet(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !s.starts_with('-')
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The part of the page at `rect` (mm, plus `margin` mm around) resampled
/// upright at `per_mm` pixels per mm.
pub fn crop(page: &Gray, h: &Homography, rect: Rect, margin: f64, per_mm: f64) -> Gray {
    let w = ((rect.w + 2.0 * margin) * per_mm).round().max(1.0) as usize;
    let hh = ((rect.h + 2.0 * margin) * per_mm).round().max(1.0) as usize;
    let mut out = Gray::white(w, hh);
    for y in 0..hh {
        for x in 0..w {
            let (px, py) = h.map(
                rect.x - margin + (x as f64 + 0.5) / per_mm,
                rect.y - margin + (y as f64 + 0.5) / per_mm,
            );
            out.set(x, y, page.sample(px, py).round() as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printouts::form_layout::FormLayout;

    const PER_MM: f64 = 6.0;

    fn layout_and_content() -> (Layout, String) {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let kit = crate::load::load(&content, jiff::civil::date(2026, 11, 25))
            .kit
            .expect("content/ loads");
        let json =
            FormLayout::new(&kit, 8).to_json("reservkit:samtalslogg?kit=testkit&blad=<blad>", 8);
        (
            Layout::parse(&json).expect("the printed layout parses"),
            "reservkit:samtalslogg?kit=testkit&blad=avd-7-003".to_string(),
        )
    }

    fn fill(g: &mut Gray, x: f64, y: f64, w: f64, h: f64) {
        let x0 = (x * PER_MM).round() as usize;
        let y0 = (y * PER_MM).round() as usize;
        let x1 = ((x + w) * PER_MM).round() as usize;
        let y1 = ((y + h) * PER_MM).round() as usize;
        for yy in y0..y1.min(g.h) {
            for xx in x0..x1.min(g.w) {
                g.set(xx, yy, 15);
            }
        }
    }

    /// The form drawn in Rust: marks, QR code, tick boxes; row 1 has "ut"
    /// crossed, row 2 has "in" filled in (taken back) and "ut" crossed.
    fn synthetic_page(layout: &Layout, qr: &str) -> Gray {
        let mut g = Gray::white((297.0 * PER_MM) as usize, (210.0 * PER_MM) as usize);
        for m in &layout.registration_marks {
            fill(
                &mut g,
                m.cx - m.size / 2.0,
                m.cy - m.size / 2.0,
                m.size,
                m.size,
            );
        }
        let modules = crate::print::qr::qr_modules(qr).expect("encodes");
        let n = modules.len() as f64;
        let side = layout.qr.w / n;
        for (j, row) in modules.iter().enumerate() {
            for (i, &dark) in row.iter().enumerate() {
                if dark {
                    let x = layout.qr.x + i as f64 * side;
                    let y = layout.qr.y + j as f64 * side;
                    fill(&mut g, x, y, side, side);
                }
            }
        }
        for row in &layout.rows {
            for f in row.fields.iter().filter(|f| f.kind == "tick") {
                let t = 0.25;
                fill(&mut g, f.x, f.y, f.w, t);
                fill(&mut g, f.x, f.y + f.h - t, f.w, t);
                fill(&mut g, f.x, f.y, t, f.h);
                fill(&mut g, f.x + f.w - t, f.y, t, f.h);
                let value = f.value.as_deref();
                if f.column == "riktning" && value == Some("ut") && row.row <= 2 {
                    for k in 0..30 {
                        let s = 0.6 + 2.8 * f64::from(k) / 30.0;
                        fill(&mut g, f.x + s, f.y + s, 0.45, 0.45);
                        fill(&mut g, f.x + 4.0 - s - 0.45, f.y + s, 0.45, 0.45);
                    }
                }
                if f.column == "riktning" && value == Some("in") && row.row == 2 {
                    fill(&mut g, f.x + 0.3, f.y + 0.3, f.w - 0.6, f.h - 0.6);
                }
            }
        }
        g
    }

    fn mark(sheet: &SheetRead, row: u32, value: &str) -> Mark {
        sheet.rows[row as usize - 1]
            .boxes
            .iter()
            .find(|b| b.column == "riktning" && b.value == value)
            .map(|b| b.reading.mark)
            .expect("box")
    }

    #[test]
    fn a_drawn_form_is_read_upright_and_upside_down() {
        let (layout, qr) = layout_and_content();
        let page = synthetic_page(&layout, &qr);
        for (turns, want) in [(0, 0), (2, 2), (1, 1), (3, 3)] {
            let read = read_page(&page.rotated(turns), std::slice::from_ref(&layout))
                .unwrap_or_else(|e| panic!("turned {turns}: {e}"));
            assert_eq!(read.sheet, "avd-7-003");
            assert_eq!(read.kit, "testkit");
            assert_eq!(read.turned, want);
            assert_eq!(mark(&read, 1, "ut"), Mark::Kryss);
            assert_eq!(mark(&read, 1, "in"), Mark::Tom);
            assert_eq!(mark(&read, 2, "ut"), Mark::Kryss);
            assert_eq!(mark(&read, 2, "in"), Mark::Ifylld);
            assert_eq!(mark(&read, 3, "ut"), Mark::Tom);
            assert!(read.rows[0].written() && !read.rows[3].written());
        }
    }

    #[test]
    fn a_blank_page_is_refused_for_want_of_marks() {
        let (layout, _) = layout_and_content();
        let e = read_page(&Gray::white(1700, 1200), &[layout]).expect_err("refused");
        assert!(e.contains("inga registreringsmärken"), "{e}");
    }

    #[test]
    fn a_sheet_of_another_kit_is_refused_with_both_versions() {
        let (layout, _) = layout_and_content();
        let page = synthetic_page(&layout, "reservkit:samtalslogg?kit=aldre&blad=avd-7-001");
        let e = read_page(&page, &[layout]).expect_err("refused");
        assert!(e.contains("kit aldre") && e.contains("testkit"), "{e}");
    }

    #[test]
    fn an_unnumbered_form_is_told_apart() {
        let (layout, _) = layout_and_content();
        let page = synthetic_page(&layout, "reservkit:samtalslogg?kit=testkit");
        let e = read_page(&page, &[layout]).expect_err("refused");
        assert!(e.contains("onumrerad"), "{e}");
    }

    #[test]
    fn sheet_numbers_that_are_not_folder_names_are_refused() {
        assert!(valid_sheet("sunderby-medicin-61-007"));
        assert!(!valid_sheet("../x") && !valid_sheet("") && !valid_sheet("-a"));
    }
}
