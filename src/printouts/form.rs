//! "Samtalslogg vid driftstopp": the landscape paper form, one row per phone
//! call with every field the routine asks for, pre-numbered per unit so that
//! a transcriber can later tell which sheets came back.
//!
//! The layout is fixed per page (not flowed): header, a table of rows tall
//! enough to write in by hand, the event legend, and the common footer.

use super::{KitText, decor};
use crate::model::{Kit, Unit};
use crate::print::flow::{decorate, footer_height_mm};
use crate::print::{Align, Document, FlowStyle, Item, Margins, Page, PageSize, PrintError, font};
use std::ops::RangeInclusive;

/// Smallest row height that leaves room for handwriting, mm.
pub const MIN_ROW_MM: f64 = 9.0;

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
    for serial in serials {
        let number = unit.map(|u| sheet_number(&u.id, serial));
        doc.pages
            .push(page(kit, unit, number.as_deref(), rows, footer)?);
    }
    decorate(&mut doc, &MARGINS, &style(), &decor)?;
    doc.check()?;
    Ok(doc)
}

fn page(
    kit: &Kit,
    unit: Option<&Unit>,
    number: Option<&str>,
    rows: u32,
    footer_mm: f64,
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
        items.push(Item::Text {
            x_mm: right - 2.0,
            y_mm: top + 10.0,
            size_pt: 13.0,
            bold: true,
            text: n.to_string(),
            align: Align::Right,
        });
    }
    let y2 = top + 13.5;
    match unit {
        Some(u) => {
            items.push(Item::text(
                left,
                y2,
                10.5,
                true,
                format!("Enhet: {}", u.full_name()),
            ));
            if let Some(p) = u.phones.first() {
                items.push(Item::text(
                    left + 150.0,
                    y2,
                    10.5,
                    true,
                    format!("Telefon: {}", p.number.national()),
                ));
            }
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
    let legend = legend_lines(kit, right - left);
    let legend_h = legend.len() as f64 * 3.6 + 1.5;
    let body_bottom = size.height_mm() - MARGINS.bottom_mm - footer_mm;
    let avail = body_bottom - legend_h - table_top - header_h;
    let row_h = (avail / f64::from(rows)).min(14.0);
    if row_h < MIN_ROW_MM {
        return Err(PrintError::DoesNotFit {
            what: format!("{rows} rader per loggblad (print.rows_per_sheet i kit.yaml)"),
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
        let (ux, _) = col_x[3];
        checkbox(&mut items, ux + 1.0, mid, "Ut");
        checkbox(&mut items, ux + 6.8, mid, "In");
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
        let (nx, _) = col_x[10];
        checkbox(&mut items, nx + 0.8, mid, "J");
        checkbox(&mut items, nx + 6.0, mid, "N");
    }
    // Legend.
    let mut ly = table_bottom + 3.8;
    for line in legend {
        items.push(Item::text(left, ly, 7.5, false, line));
        ly += 3.6;
    }
    let mut page = Page::new(size);
    page.items = items;
    Ok(page)
}

fn checkbox(items: &mut Vec<Item>, x: f64, mid: f64, label: &str) {
    let s = 2.8;
    items.push(Item::boxed(x, mid - s / 2.0, s, s, 0.4));
    items.push(Item::text(
        x + s + 0.4,
        mid + 1.0,
        6.0,
        false,
        label.to_string(),
    ));
}

fn legend_lines(kit: &Kit, width: f64) -> Vec<String> {
    let codes: Vec<String> = kit
        .settings
        .events
        .iter()
        .map(|e| format!("{} = {}", e.code, e.name))
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
            .map(|e| e.name.to_lowercase())
            .collect::<Vec<_>>()
            .join(" och ")
    );
    font::wrap(&text, 7.5, false, width)
}

/// Texts of the forms that come from the content, for the glyph check.
pub fn texts(kit: &Kit) -> Vec<KitText> {
    kit.settings
        .events
        .iter()
        .map(|e| KitText::settings(&e.name))
        .collect()
}
