//! "Samtalslogg vid driftstopp": the landscape paper form, one row per phone
//! call with every field the routine asks for, pre-numbered per unit so that
//! a transcriber can later tell which sheets came back.
//!
//! The layout is fixed per page (not flowed): header, a table of rows tall
//! enough to write in by hand, the event legend, and the common footer.

use super::decor;
use crate::model::{Kit, Unit};
use crate::print::flow::{decorate, footer_height_mm};
use crate::print::{Align, Document, FlowStyle, Item, Margins, Page, PageSize, PrintError, font};
use std::ops::RangeInclusive;

/// Smallest row height that leaves room for handwriting, mm.
pub const MIN_ROW_MM: f64 = 9.0;

/// Space between texts side by side in the header, mm.
const HEADER_GAP_MM: f64 = 4.0;

/// The sheet number printed on a unit's form: `<unit-id>-<NNN>`.
pub fn sheet_number(unit_id: &str, serial: u32) -> String {
    format!("{unit_id}-{serial:03}")
}

struct Col {
    title: &'static str,
    sub: &'static str,
    width: f64,
}

const COLS: &[Col] = &[
    Col {
        title: "Rad",
        sub: "",
        width: 8.0,
    },
    Col {
        title: "Datum",
        sub: "ÅÅÅÅ-MM-DD",
        width: 18.0,
    },
    Col {
        title: "Klockslag",
        sub: "tt:mm",
        width: 15.0,
    },
    Col {
        title: "Ut / In",
        sub: "",
        width: 12.0,
    },
    Col {
        title: "Motpart",
        sub: "enhet och person",
        width: 33.0,
    },
    Col {
        title: "Patientens namn",
        sub: "",
        width: 30.0,
    },
    Col {
        title: "Personnummer",
        sub: "ÅÅÅÅMMDD-NNNN",
        width: 46.0,
    },
    Col {
        title: "Händelse",
        sub: "kryssa, koder nedan",
        width: 35.0,
    },
    Col {
        title: "Utskr.-datum",
        sub: "beräknat / SIP-möte",
        width: 21.0,
    },
    Col {
        title: "Läkare /",
        sub: "fast vårdkontakt",
        width: 21.0,
    },
    Col {
        title: "Nådd",
        sub: "",
        width: 11.0,
    },
    Col {
        title: "Kort notering",
        sub: "",
        width: 18.0,
    },
    Col {
        title: "Sign.",
        sub: "",
        width: 10.0,
    },
];

const MARGINS: Margins = Margins {
    top_mm: 9.0,
    right_mm: 10.0,
    bottom_mm: 7.0,
    left_mm: 10.0,
};

fn style() -> FlowStyle {
    FlowStyle {
        qr_size_mm: 16.0,
        footer_gap_mm: 2.0,
        ..FlowStyle::default()
    }
}

/// Lays out the sheets `serials` of `unit`'s form, or one blank generic
/// form when `unit` is `None`.
///
/// # Errors
/// [`PrintError::DoesNotFit`] when `print.rows_per_sheet` leaves rows lower
/// than [`MIN_ROW_MM`]; glyph errors for unit names the fonts lack.
pub fn layout(
    kit: &Kit,
    unit: Option<&Unit>,
    serials: RangeInclusive<u32>,
) -> Result<Document, PrintError> {
    let title = match unit {
        Some(u) => format!("Samtalslogg vid driftstopp – {}", u.full_name()),
        None => "Samtalslogg vid driftstopp – blank blankett".to_string(),
    };
    let mut doc = Document::new(title);
    let size = PageSize::A4Landscape;
    let decor = {
        let mut d = decor(kit);
        d.footer_lines.insert(
            0,
            "Tiden = samtalets klockslag. Redatera aldrig. Ett samtal där ingen svarar är inget meddelande: ring igen och skriv en ny rad. Efter driftstoppet: lämna bladen till den som samordnar efterregistreringen i Lifecare SP."
                .to_string(),
        );
        d
    };
    let footer = footer_height_mm(size, &MARGINS, &style(), &decor)?;
    let rows = kit.settings.print.rows_per_sheet;
    let width = PageSize::A4Landscape.width_mm() - MARGINS.left_mm - MARGINS.right_mm;
    let legend = legend_lines(kit, width);
    for serial in serials {
        let number = unit.map(|u| sheet_number(&u.id, serial));
        let mut page = page(kit, unit, number.as_deref(), rows, footer, &legend)?;
        // The ruled grid is the same on every sheet: draw it once per PDF.
        let (grid, rest): (Vec<Item>, Vec<Item>) = page
            .items
            .into_iter()
            .partition(|i| matches!(i, Item::Line { .. } | Item::Rect { .. }));
        if doc.background.is_empty() {
            doc.background = grid;
            page.items = rest;
            page.background = true;
        } else if doc.background == grid {
            page.items = rest;
            page.background = true;
        } else {
            page.items = grid.into_iter().chain(rest).collect();
        }
        doc.pages.push(page);
    }
    decorate(&mut doc, &MARGINS, &style(), &decor)?;
    // The QR code and the footer rule are the same on every sheet too.
    let shared: Vec<Item> = doc
        .pages
        .first()
        .map(|p| {
            p.items
                .iter()
                .filter(|i| matches!(i, Item::Qr { .. } | Item::Line { .. }))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for page in &mut doc.pages {
        if page.background {
            page.items.retain(|i| !shared.contains(i));
        }
    }
    doc.background.extend(shared);
    doc.check()?;
    Ok(doc)
}

fn page(
    kit: &Kit,
    unit: Option<&Unit>,
    number: Option<&str>,
    rows: u32,
    footer_mm: f64,
    legend: &[String],
) -> Result<Page, PrintError> {
    let size = PageSize::A4Landscape;
    let mut items = Vec::new();
    let left = MARGINS.left_mm;
    let right = size.width_mm() - MARGINS.right_mm;
    let top = MARGINS.top_mm;

    // Header: title, sheet number box, unit, date and outage start.
    items.push(Item::text(
        left,
        top + 6.0,
        15.0,
        true,
        "Samtalslogg vid driftstopp i Lifecare SP",
    ));
    let box_w = 78.0;
    items.push(Item::boxed(right - box_w, top, box_w, 12.0, 1.2));
    items.push(Item::text(
        right - box_w + 2.0,
        top + 4.0,
        7.0,
        false,
        "Blad nr",
    ));
    if let Some(n) = number {
        // Long unit ids get smaller type so the number stays inside the box.
        let mut size = 13.0;
        while size > 7.0 && font::text_width_mm(n, size, true) > box_w - 4.0 {
            size -= 0.5;
        }
        items.push(Item::Text {
            x_mm: right - 2.0,
            y_mm: top + 10.0,
            size_pt: size,
            bold: true,
            text: n.to_string(),
            align: Align::Right,
        });
    }
    let y2 = top + 13.5;
    match unit {
        Some(u) => {
            // The phone ends clear of the sheet number box (whose lower
            // edge is level with this line); the unit name gets the rest,
            // in smaller type if a long name needs it.
            let phone_right = right - box_w - HEADER_GAP_MM;
            let mut name_right = phone_right;
            if let Some(p) = u.phones.first() {
                let phone = format!("Telefon: {}", p.number.national());
                name_right -= font::text_width_mm(&phone, 10.5, true) + HEADER_GAP_MM;
                items.push(Item::Text {
                    x_mm: phone_right,
                    y_mm: y2,
                    size_pt: 10.5,
                    bold: true,
                    text: phone,
                    align: Align::Right,
                });
            }
            let name = format!("Enhet: {}", u.full_name());
            let mut size = 10.5;
            while size > 7.0 && font::text_width_mm(&name, size, true) > name_right - left {
                size -= 0.5;
            }
            // Still too wide at the smallest size: cut with a mark rather
            // than run into the phone number.
            let name = font::truncated(&name, size, true, name_right - left);
            items.push(Item::text(left, y2, size, true, name));
        }
        None => {
            items.push(Item::text(left, y2, 10.5, true, "Enhet:"));
            items.push(Item::line(
                left + 14.0,
                y2 + 0.8,
                left + 140.0,
                y2 + 0.8,
                0.5,
            ));
            items.push(Item::text(left + 150.0, y2, 10.5, true, "Telefon:"));
            items.push(Item::line(
                left + 168.0,
                y2 + 0.8,
                right - box_w - 4.0,
                y2 + 0.8,
                0.5,
            ));
        }
    }
    let y3 = y2 + 6.5;
    items.push(Item::text(left, y3, 10.0, false, "Datum:"));
    items.push(Item::line(
        left + 13.0,
        y3 + 0.8,
        left + 50.0,
        y3 + 0.8,
        0.5,
    ));
    items.push(Item::text(
        left + 56.0,
        y3,
        10.0,
        false,
        "Driftstoppet började (datum och klockslag):",
    ));
    items.push(Item::line(
        left + 128.0,
        y3 + 0.8,
        left + 180.0,
        y3 + 0.8,
        0.5,
    ));
    items.push(Item::text(left + 186.0, y3, 10.0, false, "Ifyllt av:"));
    items.push(Item::line(left + 203.0, y3 + 0.8, right, y3 + 0.8, 0.5));

    // The table.
    let table_top = y3 + 4.0;
    let header_h = 10.5;
    let legend_h = legend.len() as f64 * 3.6 + 1.5;
    let body_bottom = size.height_mm() - MARGINS.bottom_mm - footer_mm;
    let avail = body_bottom - legend_h - table_top - header_h;
    let row_h = (avail / f64::from(rows)).min(14.0);
    if row_h < MIN_ROW_MM {
        return Err(PrintError::DoesNotFit {
            what: format!(
                "{rows} rader per loggblad (print.rows_per_sheet i kit.yaml; högst {} ryms)",
                (avail / MIN_ROW_MM).floor()
            ),
            needed_mm: MIN_ROW_MM * f64::from(rows),
            available_mm: avail,
        });
    }
    let table_bottom = table_top + header_h + row_h * f64::from(rows);
    items.push(Item::Rect {
        x_mm: left,
        y_mm: table_top,
        w_mm: right - left,
        h_mm: header_h,
        stroke_pt: None,
        fill_gray: Some(0.9),
    });
    let mut x = left;
    let scale = (right - left) / COLS.iter().map(|c| c.width).sum::<f64>();
    let mut col_x = Vec::new();
    for c in COLS {
        let w = c.width * scale;
        col_x.push((x, w));
        let mut ty = table_top + 3.6;
        for line in font::wrap(c.title, 7.0, true, w - 1.6) {
            items.push(Item::text(x + 0.8, ty, 7.0, true, line));
            ty += 2.9;
        }
        for line in font::wrap(c.sub, 5.8, false, w - 1.6) {
            items.push(Item::text(x + 0.8, ty, 5.8, false, line));
            ty += 2.5;
        }
        x += w;
    }
    // Box labels in the header, above the boxes of every row.
    let (ux, uw) = col_x[3];
    let ut_in = (uw * 0.28, uw * 0.72);
    box_label(&mut items, ux + ut_in.0, table_top + 9.8, "Ut");
    box_label(&mut items, ux + ut_in.1, table_top + 9.8, "In");
    let (nx, nw) = col_x[10];
    let ja_nej = (nw * 0.28, nw * 0.72);
    box_label(&mut items, nx + ja_nej.0, table_top + 9.8, "Ja");
    box_label(&mut items, nx + ja_nej.1, table_top + 9.8, "Nej");
    // Event codes above the event boxes, in the header.
    let (ex, ew) = col_x[7];
    let codes: Vec<u8> = kit.settings.events.iter().map(|e| e.code).collect();
    let box_w_ev = (ew - 2.0) / codes.len().max(1) as f64;
    for (i, code) in codes.iter().enumerate() {
        let cx = ex + 1.0 + box_w_ev * (i as f64 + 0.5);
        items.push(Item::Text {
            x_mm: cx,
            y_mm: table_top + 9.8,
            size_pt: 6.5,
            bold: true,
            text: code.to_string(),
            align: Align::Center,
        });
    }
    // Grid.
    items.push(Item::boxed(
        left,
        table_top,
        right - left,
        table_bottom - table_top,
        1.0,
    ));
    for (cx, _) in col_x.iter().skip(1) {
        items.push(Item::line(*cx, table_top, *cx, table_bottom, 0.5));
    }
    items.push(Item::line(
        left,
        table_top + header_h,
        right,
        table_top + header_h,
        1.0,
    ));
    for r in 0..rows {
        let ry = table_top + header_h + row_h * f64::from(r);
        if r > 0 {
            items.push(Item::line(left, ry, right, ry, 0.5));
        }
        let mid = ry + row_h / 2.0;
        let (rx, rw) = col_x[0];
        items.push(Item::Text {
            x_mm: rx + rw / 2.0,
            y_mm: mid + 1.5,
            size_pt: 10.0,
            bold: true,
            text: (r + 1).to_string(),
            align: Align::Center,
        });
        // Ut / In checkboxes.
        checkbox(&mut items, ux + ut_in.0, mid);
        checkbox(&mut items, ux + ut_in.1, mid);
        // Personnummer: 8 + 4 digit boxes with a dash between.
        let (px, pw) = col_x[6];
        let bw = (pw - 4.5) / 12.0;
        let bh = 6.0_f64.min(row_h - 2.5);
        for i in 0..12 {
            let gap = if i >= 8 { 2.5 } else { 0.0 };
            items.push(Item::boxed(
                px + 1.0 + gap + bw * f64::from(i),
                mid - bh / 2.0,
                bw,
                bh,
                0.4,
            ));
        }
        items.push(Item::line(
            px + 1.0 + bw * 8.0 + 0.5,
            mid,
            px + 1.0 + bw * 8.0 + 2.0,
            mid,
            0.8,
        ));
        // Event boxes.
        for i in 0..codes.len() {
            let s = box_w_ev.min(4.0) - 0.8;
            let cx = ex + 1.0 + box_w_ev * (i as f64 + 0.5);
            items.push(Item::boxed(cx - s / 2.0, mid - s / 2.0, s, s, 0.4));
        }
        // Reached yes/no.
        checkbox(&mut items, nx + ja_nej.0, mid);
        checkbox(&mut items, nx + ja_nej.1, mid);
    }
    // Legend.
    let mut ly = table_bottom + 3.8;
    for line in legend {
        items.push(Item::text(left, ly, 7.5, false, line.clone()));
        ly += 3.6;
    }
    let mut page = Page::new(size);
    page.items = items;
    Ok(page)
}

/// A small tick box centred at `cx`; its label is printed once, in the
/// column header above it (see `box_label`).
fn checkbox(items: &mut Vec<Item>, cx: f64, mid: f64) {
    let s = 3.2;
    items.push(Item::boxed(cx - s / 2.0, mid - s / 2.0, s, s, 0.5));
}

fn box_label(items: &mut Vec<Item>, cx: f64, y: f64, label: &str) {
    items.push(Item::Text {
        x_mm: cx,
        y_mm: y,
        size_pt: 6.5,
        bold: true,
        text: label.to_string(),
        align: Align::Center,
    });
}

fn legend_lines(kit: &Kit, width: f64) -> Vec<String> {
    let codes: Vec<String> = kit
        .settings
        .events
        .iter()
        // No-break spaces keep each code on the same line as its event.
        .map(|e| format!("{}\u{a0}=\u{a0}{}", e.code, e.name))
        .collect();
    let text = format!(
        "Händelse: {}. Ut = vi ringde, In = vi blev uppringda. Beräknat utskrivningsdatum vid {}; datum och tid för SIP-möte vid fast vårdkontakt. Läkare som bedömt vid ändrat datum.",
        codes.join(" · "),
        kit.settings
            .events
            .iter()
            .filter(|e| e
                .facts
                .contains(&crate::model::Fact::EstimatedDischargeDate))
            .map(|e| crate::model::checklist::in_sentence(&e.name))
            .collect::<Vec<_>>()
            .join(" och ")
    );
    font::wrap(&text, 7.5, false, width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::font::text_width_mm;
    use std::path::Path;

    fn kit() -> Kit {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        crate::load::load(&content, jiff::civil::date(2026, 11, 25))
            .kit
            .expect("content/ loads")
    }

    /// Left and right edge of a text item, mm.
    fn span(item: &Item) -> Option<(f64, f64, &str)> {
        let Item::Text {
            x_mm,
            size_pt,
            bold,
            text,
            align,
            ..
        } = item
        else {
            return None;
        };
        let w = text_width_mm(text, *size_pt, *bold);
        let left = match align {
            Align::Left => *x_mm,
            Align::Right => x_mm - w,
            Align::Center => x_mm - w / 2.0,
        };
        Some((left, left + w, text.as_str()))
    }

    #[test]
    fn a_long_unit_name_shrinks_to_stay_clear_of_the_phone_and_the_sheet_number_box() {
        let kit = kit();
        let mut unit = kit.directory.units[0].clone();
        unit.name =
            "Regionens gemensamma avdelning för medicin, geriatrik och rehabilitering".to_string();
        let doc = layout(&kit, Some(&unit), 1..=1).expect("form");
        let items = &doc.pages[0].items;
        let find = |prefix: &str| {
            items
                .iter()
                .filter_map(span)
                .find(|(_, _, t)| t.starts_with(prefix))
                .expect("header text")
        };
        let name = find("Enhet: ");
        let phone = find("Telefon: ");
        let box_left = PageSize::A4Landscape.width_mm() - MARGINS.right_mm - 78.0;
        assert!(
            name.1 + HEADER_GAP_MM <= phone.0 + 1e-9,
            "{name:?} {phone:?}"
        );
        assert!(phone.1 + HEADER_GAP_MM <= box_left + 1e-9, "{phone:?}");
        let size = items.iter().find_map(|i| match i {
            Item::Text { text, size_pt, .. } if text.starts_with("Enhet: ") => Some(*size_pt),
            _ => None,
        });
        assert!(size.is_some_and(|s| (7.0..10.5).contains(&s)), "{size:?}");
    }

    #[test]
    fn sheet_numbers_are_the_unit_id_and_a_three_digit_serial() {
        assert_eq!(sheet_number("boden", 1), "boden-001");
        assert_eq!(
            sheet_number("sunderby-medicin-61", 10),
            "sunderby-medicin-61-010"
        );
        assert_eq!(sheet_number("kalix", 500), "kalix-500");
    }

    #[test]
    fn the_legend_never_separates_a_code_from_its_event() {
        let kit = kit();
        for width in [60.0, 120.0, 277.0] {
            let lines = legend_lines(&kit, width);
            for line in &lines {
                let trimmed = line.trim_end();
                assert!(
                    !trimmed.ends_with('=') && !trimmed.starts_with('='),
                    "{width} mm: {line:?}"
                );
            }
            let joined = lines.join(" ");
            for e in &kit.settings.events {
                assert!(
                    joined.contains(&format!("{}\u{a0}=\u{a0}{}", e.code, e.name)),
                    "{width} mm: {joined}"
                );
            }
        }
        assert!(font::missing_chars("\u{a0}").is_empty());
    }

    #[test]
    fn too_many_rows_are_refused_with_the_most_that_fit() {
        let mut kit = kit();
        kit.settings.print.rows_per_sheet = 40;
        let err = layout(&kit, None, 1..=1).expect_err("40 rows cannot be 9 mm tall");
        let PrintError::DoesNotFit {
            what, available_mm, ..
        } = &err
        else {
            panic!("wrong error: {err}");
        };
        let most = (available_mm / MIN_ROW_MM).floor();
        assert!(what.contains("print.rows_per_sheet i kit.yaml"), "{what}");
        assert!(what.contains(&format!("högst {most} ryms")), "{what}");
        kit.settings.print.rows_per_sheet = most as u32;
        layout(&kit, None, 1..=1).expect("the most that fit do fit");
    }

    #[test]
    fn a_long_sheet_number_stays_inside_its_box() {
        let kit = kit();
        let mut unit = kit.directory.units[0].clone();
        unit.id = "gallivare-kirurgi-ortopedi-och-rehabilitering".to_string();
        let doc = layout(&kit, Some(&unit), 1..=1).expect("form");
        let items = &doc.pages[0].items;
        let number = items
            .iter()
            .filter_map(span)
            .find(|(_, _, t)| t.ends_with("-001"))
            .expect("sheet number");
        let right = PageSize::A4Landscape.width_mm() - MARGINS.right_mm;
        let box_left = right - 78.0;
        assert!(number.0 >= box_left + 2.0 - 1e-9, "{number:?}");
        assert!(number.1 <= right - 2.0 + 1e-9, "{number:?}");
    }
}
