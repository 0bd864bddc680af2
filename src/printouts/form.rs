//! "Samtalslogg vid driftstopp": the landscape paper form, one row per phone
//! call with every field the routine asks for, pre-numbered per unit so that
//! a transcriber can later tell which sheets came back.
//!
//! The layout is fixed per page (not flowed): registration marks in the
//! corners, a header with the sheet number and a QR code naming the sheet,
//! a table of two-line rows on a fixed pitch, the correction rule and the
//! legend, and the common footer. Where every box goes comes from
//! [`super::form_layout`], which also writes `layout.json` for scanning.

use super::decor;
use super::form_layout::{self as fl, FormLayout, Kind};
use crate::model::{Kit, Unit};
use crate::print::flow::{decorate, footer_height_mm};
use crate::print::{
    Align, Document, FlowStyle, Item, Margins, Origin, Page, PageSize, PrintError, font, qr,
};
use std::ops::RangeInclusive;

/// Height of one row (two lines: digit boxes above, events and notes
/// below), mm. Rows are on a fixed pitch so a scanner finds them.
pub const ROW_MM: f64 = fl::ROW;

/// Space between texts side by side in the header, mm.
const HEADER_GAP_MM: f64 = 4.0;

/// Size of the column titles, hints and the legend, pt: the smallest text on
/// the form.
const SMALL_PT: f64 = 7.0;

/// The rule for correcting a written row, printed under the table.
/// It also says how to take back a tick: fill the box in, which `scan`
/// reads as no tick.
pub const CORRECTION_RULE: &str = "Fel? Stryk över med ett streck så det går att läsa, sudda aldrig. Skriv rättelsen på ny rad och i «Rättar rad» numret på raden den rättar (annat blad: bladnr och rad). Ångra kryss: fyll rutan.";

/// The sheet number printed on a unit's form: `<unit-id>-<NNN>`.
pub fn sheet_number(unit_id: &str, serial: u32) -> String {
    format!("{unit_id}-{serial:03}")
}

/// What the QR code on a form page holds: the printouts page (or
/// `reservkit:samtalslogg` without a base URL) with the kit version and,
/// on numbered sheets, the sheet number.
pub fn qr_content(kit: &Kit, sheet: Option<&str>) -> String {
    let base = match &kit.settings.base_url {
        Some(url) => format!("{url}utskrifter.html"),
        None => "reservkit:samtalslogg".to_string(),
    };
    match sheet {
        Some(s) => format!("{base}?kit={}&blad={s}", kit.version),
        None => format!("{base}?kit={}", kit.version),
    }
}

/// `layout.json` for the numbered forms of `kit`: see [`FormLayout::to_json`].
pub fn layout_json(kit: &Kit) -> String {
    let rows = kit.settings.print.rows_per_sheet;
    FormLayout::new(kit, rows).to_json(&qr_content(kit, Some("<blad>")), rows)
}

const MARGINS: Margins = Margins {
    top_mm: fl::TOP,
    right_mm: fl::PAGE_W - fl::RIGHT,
    bottom_mm: 7.0,
    left_mm: fl::LEFT,
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
/// [`PrintError::DoesNotFit`] when `print.rows_per_sheet` asks for more
/// rows of [`ROW_MM`] than fit above the footer; glyph errors for unit
/// names the fonts lack; [`PrintError::QrEncode`] for a sheet address too
/// long for a QR code.
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
            format!("Tiden = samtalets klockslag. Redatera aldrig. Efter driftstoppet: lämna bladen till den som samordnar efterregistreringen i {}.", kit.settings.system.name),
        );
        // The form carries its own QR code with the sheet number, top right.
        d.qr_url = None;
        d
    };
    let footer = footer_height_mm(size, &MARGINS, &style(), &decor)?;
    let rows = kit.settings.print.rows_per_sheet;
    let width = fl::RIGHT - fl::LEFT;
    let body_bottom = size.height_mm() - MARGINS.bottom_mm - footer;
    let body_top = fl::TABLE_TOP + 2.0 * fl::HEADER_BAND;
    // The legend gets three lines; with event and organisation names as
    // long as the loader allows, two (names cut) so the rows still fit.
    let mut notes = Vec::new();
    let mut avail = 0.0;
    for legend_max in [LEGEND_LINES, LEGEND_LINES - 1] {
        notes = self::notes(kit, width, legend_max);
        let notes_h = notes.len() as f64 * line_h(SMALL_PT) + 2.5;
        avail = body_bottom - notes_h - body_top;
        if ROW_MM * f64::from(rows) <= avail + 1e-9 {
            break;
        }
    }
    if ROW_MM * f64::from(rows) > avail + 1e-9 {
        return Err(PrintError::DoesNotFit {
            what: format!(
                "{rows} rader per loggblad (print.rows_per_sheet i kit.yaml; högst {} ryms)",
                (avail / ROW_MM).floor()
            ),
            needed_mm: ROW_MM * f64::from(rows),
            available_mm: avail,
        });
    }
    let grid = FormLayout::new(kit, rows);
    // Everything but the sheet number and its QR code is the same on every
    // sheet: laid out once and drawn once per PDF as the shared background
    // (text included), so each sheet's own content is a few items.
    doc.background = page(kit, unit, &grid, &notes).items;
    for serial in serials {
        let number = unit.map(|u| sheet_number(&u.id, serial));
        let mut page = Page::new(size);
        page.items = sheet_items(kit, unit, number.as_deref(), &grid)?;
        page.background = true;
        doc.pages.push(page);
    }
    let own = doc.pages.first().map_or(0, |p| p.items.len());
    decorate(&mut doc, &MARGINS, &style(), &decor)?;
    // The footer's rule and lines are the same on every sheet too (the page
    // number is not).
    let shared: Vec<Item> = match doc.pages.split_first() {
        Some((first, rest)) => first.items[own..]
            .iter()
            .filter(|i| rest.iter().all(|p| p.items[own..].contains(i)))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    for page in &mut doc.pages {
        let mut k = 0;
        page.items.retain(|i| {
            k += 1;
            k <= own || !shared.contains(i)
        });
    }
    doc.background.extend(shared);
    doc.check_shape()?;
    Ok(doc)
}

fn line_h(size_pt: f64) -> f64 {
    size_pt * font::MM_PER_PT * 1.3
}

/// What a sheet has of its own: the sheet number (on a unit's sheets) and
/// the QR code with the kit version and the sheet number.
fn sheet_items(
    kit: &Kit,
    unit: Option<&Unit>,
    number: Option<&str>,
    grid: &FormLayout,
) -> Result<Vec<Item>, PrintError> {
    let mut items = Vec::with_capacity(2);
    if let Some(n) = number {
        let sb = grid.sheet_box;
        // Long unit ids get smaller type so the number stays inside the box.
        let mut size = 13.0;
        while size > 7.0 && font::text_width_mm(n, size, true) > sb.w - 4.0 {
            size -= 0.5;
        }
        items.push(Item::Text {
            x_mm: sb.x + sb.w - 2.0,
            y_mm: sb.y + 8.2,
            size_pt: size,
            bold: true,
            text: n.to_string(),
            align: Align::Right,
            origin: unit.map_or_else(Origin::new, |u| super::contacts_at(kit, &[&u.id])),
        });
    }
    items.push(Item::Qr {
        x_mm: grid.qr.x,
        y_mm: grid.qr.y,
        size_mm: grid.qr.w,
        modules: qr::qr_modules(&qr_content(kit, number))?,
    });
    Ok(items)
}

/// Everything on a sheet that is the same on every sheet of the form: marks,
/// header, table and the lines under it (not the footer).
fn page(kit: &Kit, unit: Option<&Unit>, grid: &FormLayout, notes: &[(String, bool)]) -> Page {
    let size = PageSize::A4Landscape;
    let mut items = Vec::new();
    let left = fl::LEFT;

    marks(grid, &mut items);
    header(kit, unit, grid, &mut items);
    table_header(grid, &mut items);
    // The rows: cell edges, then the boxes, from the same layout.
    for row in &grid.rows {
        table_row(grid, row, &mut items);
    }
    let t = grid.table;
    items.push(Item::boxed(t.x, t.y, t.w, t.h, 1.0));
    // The correction rule and the legend.
    let mut ly = t.y + t.h + 3.0;
    let legend = super::settings_at(kit, &event_names(kit));
    for (line, bold) in notes {
        let from: &[crate::source::Span] = if *bold { &[] } else { &legend };
        items.push(Item::text(left, ly, SMALL_PT, *bold, line.clone()).from(from));
        ly += line_h(SMALL_PT);
    }
    let mut page = Page::new(size);
    page.items = items;
    page
}

/// Registration marks: filled squares in the four corners.
fn marks(grid: &FormLayout, items: &mut Vec<Item>) {
    for (cx, cy) in grid.marks {
        let half = fl::MARK_SIZE / 2.0;
        items.push(Item::Rect {
            x_mm: cx - half,
            y_mm: cy - half,
            w_mm: fl::MARK_SIZE,
            h_mm: fl::MARK_SIZE,
            stroke_pt: None,
            fill_gray: Some(0.0),
        });
    }
}

/// The header: title, sheet number box, unit and phone, date, outage start
/// and who filled in the sheet.
fn header(kit: &Kit, unit: Option<&Unit>, grid: &FormLayout, items: &mut Vec<Item>) {
    let left = fl::LEFT;
    let top = fl::TOP;
    items.push(
        Item::text(
            left,
            top + 6.0,
            15.0,
            true,
            format!("Samtalslogg vid driftstopp i {}", kit.settings.system.name),
        )
        .from(&super::settings_at(kit, &[&kit.settings.system.name])),
    );
    let sb = grid.sheet_box;
    items.push(Item::boxed(sb.x, sb.y, sb.w, sb.h, 1.2));
    items.push(Item::text(sb.x + 2.0, sb.y + 3.3, 7.0, false, "Blad nr"));
    let y2 = top + 13.0;
    match unit {
        Some(u) => {
            // The line runs under the sheet number box; the phone ends
            // clear of the QR code and the unit name gets the rest, in
            // smaller type if a long name needs it.
            let phone_right = grid.qr.x - HEADER_GAP_MM;
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
                    origin: Origin::new(),
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
            items.push(
                Item::text(left, y2, size, true, name)
                    .from(&super::contacts_at(kit, &[&u.name, &u.group])),
            );
        }
        None => {
            items.push(Item::text(left, y2, 10.5, true, "Enhet:"));
            items.push(Item::line(
                left + 14.0,
                y2 + 0.8,
                left + 100.0,
                y2 + 0.8,
                0.5,
            ));
            items.push(Item::text(left + 106.0, y2, 10.5, true, "Telefon:"));
            items.push(Item::line(
                left + 124.0,
                y2 + 0.8,
                grid.qr.x - HEADER_GAP_MM,
                y2 + 0.8,
                0.5,
            ));
        }
    }
    // Date, outage start and who filled in the sheet, each label followed
    // by a line to write on.
    let y3 = y2 + 6.0;
    let mut x = left;
    for (label, line_w) in [
        ("Datum:", 30.0),
        ("Driftstoppet började (datum och klockslag):", 42.0),
        ("Ifyllt av:", 0.0),
    ] {
        items.push(Item::text(x, y3, 10.0, false, label));
        x += font::text_width_mm(label, 10.0, false) + 1.5;
        let end = if line_w > 0.0 {
            x + line_w
        } else {
            grid.qr.x - 3.0
        };
        items.push(Item::line(x, y3 + 0.8, end, y3 + 0.8, 0.5));
        x = end + 5.0;
    }
}

/// The table header: two bands, one per line of a row.
fn table_header(grid: &FormLayout, items: &mut Vec<Item>) {
    let left = fl::LEFT;
    let right = fl::RIGHT;
    let t = grid.table;
    let band = fl::HEADER_BAND;
    let body_top = t.y + 2.0 * band;
    items.push(Item::Rect {
        x_mm: t.x,
        y_mm: t.y,
        w_mm: t.w,
        h_mm: 2.0 * band,
        stroke_pt: None,
        fill_gray: Some(0.9),
    });
    for c in &grid.columns {
        let (y, h) = match c.line {
            0 => (t.y, band),
            1 => (t.y + band, band),
            _ => (t.y, 2.0 * band),
        };
        let mut lines: Vec<(String, bool)> = Vec::new();
        for l in font::wrap(c.title, SMALL_PT, true, c.w - 1.4) {
            lines.push((l, true));
        }
        for l in font::wrap(c.hint, SMALL_PT, false, c.w - 1.4) {
            lines.push((l, false));
        }
        let step = 2.9;
        let mut ty = y + (h - step * lines.len() as f64) / 2.0 + 2.35;
        for (l, bold) in lines {
            items.push(Item::text(c.x + 0.7, ty, SMALL_PT, bold, l));
            ty += step;
        }
        if c.x > t.x + 1e-9 {
            items.push(Item::line(c.x, y, c.x, y + h, 0.5));
        }
    }
    let rad_right = grid.columns[0].x + grid.columns[0].w;
    items.push(Item::line(rad_right, t.y + band, right, t.y + band, 0.4));
    items.push(Item::line(left, body_top, right, body_top, 1.0));
}

/// One row of the table: its rules and cell edges, the row number, and the
/// boxes to write digits and ticks in.
fn table_row(grid: &FormLayout, row: &fl::Row, items: &mut Vec<Item>) {
    let left = fl::LEFT;
    let right = fl::RIGHT;
    let rad_right = grid.columns[0].x + grid.columns[0].w;
    let ry = row.rect.y;
    if row.number > 1 {
        items.push(Item::line(left, ry, right, ry, 0.8));
    }
    items.push(Item::line(
        rad_right,
        ry + fl::LINE_A,
        right,
        ry + fl::LINE_A,
        0.4,
    ));
    for c in grid.columns.iter().skip(1) {
        let (y, h) = match c.line {
            0 => (ry, fl::LINE_A),
            1 => (ry + fl::LINE_A, fl::LINE_B),
            _ => (ry, ROW_MM),
        };
        items.push(Item::line(c.x, y, c.x, y + h, 0.5));
    }
    let (rx, rw) = (grid.columns[0].x, grid.columns[0].w);
    items.push(Item::Text {
        x_mm: rx + rw / 2.0,
        y_mm: ry + ROW_MM / 2.0 + 1.5,
        size_pt: 10.0,
        bold: true,
        text: row.number.to_string(),
        align: Align::Center,
        origin: Origin::new(),
    });
    let mut last_digit = None;
    for f in &row.fields {
        let r = f.rect;
        match f.kind {
            Kind::Text => {}
            Kind::Digit => {
                items.push(Item::boxed(r.x, r.y, r.w, r.h, 0.5));
                // The dash between the date part and the last four.
                if let Some(prev) = last_digit
                    && r.x - prev > 1.0
                {
                    let mid = r.y + r.h / 2.0;
                    items.push(Item::line(prev + 0.7, mid, r.x - 0.7, mid, 0.8));
                }
                last_digit = Some(r.x + r.w);
            }
            Kind::Tick => {
                items.push(Item::boxed(r.x, r.y, r.w, r.h, 0.6));
                if let Some(label) = &f.label {
                    items.push(Item::Text {
                        x_mm: r.x - 0.6,
                        y_mm: r.y + r.h / 2.0 + 0.9,
                        size_pt: fl::LABEL_PT,
                        bold: true,
                        text: label.clone(),
                        align: Align::Right,
                        origin: Origin::new(),
                    });
                }
            }
        }
    }
}

/// The lines under the table: the correction rule (bold), then the legend.
fn notes(kit: &Kit, width: f64, legend_max: usize) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = font::wrap(CORRECTION_RULE, SMALL_PT, true, width)
        .into_iter()
        .map(|l| (l, true))
        .collect();
    out.extend(
        form_legend(kit, width, legend_max)
            .into_iter()
            .map(|l| (l, false)),
    );
    out
}

/// The events' names, which the legend under the table is made of.
fn event_names(kit: &Kit) -> Vec<&str> {
    kit.settings
        .events
        .iter()
        .map(|e| e.name.as_str())
        .collect()
}

fn legend_lines(kit: &Kit, width: f64) -> Vec<String> {
    legend_lines_cut(kit, width, None)
}

/// Lines of the legend on the form. Event names as long as the loader
/// allows would push rows off the sheet: past `max_lines`, each name is cut
/// (with "…") to a shorter width until the legend fits. The shipped names
/// are never cut; the routine and the cards print them in full.
fn form_legend(kit: &Kit, width: f64, max_lines: usize) -> Vec<String> {
    let full = legend_lines(kit, width);
    if full.len() <= max_lines {
        return full;
    }
    let mut cut = full;
    for cap_mm in [60.0, 50.0, 40.0, 32.0, 26.0, 20.0, 15.0, 10.0, 6.0] {
        cut = legend_lines_cut(kit, width, Some(cap_mm));
        if cut.len() <= max_lines {
            break;
        }
    }
    cut
}

/// Most lines the form's legend takes.
const LEGEND_LINES: usize = 3;

fn legend_lines_cut(kit: &Kit, width: f64, cap_mm: Option<f64>) -> Vec<String> {
    let name = |n: &str| match cap_mm {
        Some(cap) => font::truncated(n, SMALL_PT, false, cap),
        None => n.to_string(),
    };
    let codes: Vec<String> = kit
        .settings
        .events
        .iter()
        // No-break spaces keep each code on the same line as its event.
        .map(|e| format!("{}\u{a0}=\u{a0}{}", e.code, name(&e.name)))
        .collect();
    let text = format!(
        "Händelse: {}. Ut\u{a0}=\u{a0}vi ringde, In\u{a0}=\u{a0}vi blev uppringda. Nådd: Ja\u{a0}=\u{a0}vi talade med motparten; ingen svarar\u{a0}=\u{a0}inget meddelande, ring igen på en ny rad. Typ av nummer: P\u{a0}=\u{a0}personnummer, S\u{a0}=\u{a0}samordningsnummer, R\u{a0}=\u{a0}reservnummer. Beräknat utskrivningsdatum vid {}; datum och tid för SIP-möte vid fast vårdkontakt. Läkare som bedömt vid ändrat datum.",
        codes.join(" · "),
        kit.settings
            .events
            .iter()
            .filter(|e| e
                .facts
                .contains(&crate::model::Fact::EstimatedDischargeDate))
            .map(|e| name(&crate::model::checklist::in_sentence(&e.name)))
            .collect::<Vec<_>>()
            .join(" och ")
    );
    // Cut names: the sentence on the facts goes too (the column headers
    // still say what to write there).
    let text = match (cap_mm, text.find(" Beräknat utskrivningsdatum vid ")) {
        (Some(_), Some(at)) => text[..at].to_string(),
        _ => text,
    };
    font::wrap(&text, SMALL_PT, false, width)
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
            "Regionens gemensamma avdelning för medicin, geriatrik, rehabilitering och palliativ vård"
                .to_string();
        let doc = layout(&kit, Some(&unit), 1..=1).expect("form").flattened();
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
        let layout = FormLayout::new(&kit, 8);
        let (qr_left, box_bottom) = (layout.qr.x, layout.sheet_box.y + layout.sheet_box.h);
        assert!(
            name.1 + HEADER_GAP_MM <= phone.0 + 1e-9,
            "{name:?} {phone:?}"
        );
        assert!(phone.1 + HEADER_GAP_MM <= qr_left + 1e-9, "{phone:?}");
        let phone_top = items
            .iter()
            .find_map(|i| match i {
                Item::Text {
                    text,
                    y_mm,
                    size_pt,
                    ..
                } if text.starts_with("Telefon: ") => Some(y_mm - size_pt * font::MM_PER_PT * 0.75),
                _ => None,
            })
            .expect("phone");
        assert!(phone_top > box_bottom, "{phone_top} {box_bottom}");
        let size = items.iter().find_map(|i| match i {
            Item::Text { text, size_pt, .. } if text.starts_with("Enhet: ") => Some(*size_pt),
            _ => None,
        });
        assert!(size.is_some_and(|s| (7.0..10.5).contains(&s)), "{size:?}");
    }

    #[test]
    fn the_correction_rule_with_taking_back_a_tick_fits_one_line() {
        let lines = font::wrap(CORRECTION_RULE, SMALL_PT, true, fl::RIGHT - fl::LEFT);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(CORRECTION_RULE.contains("fyll rutan"));
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
        let err = layout(&kit, None, 1..=1).expect_err("40 rows do not fit");
        let PrintError::DoesNotFit {
            what, available_mm, ..
        } = &err
        else {
            panic!("wrong error: {err}");
        };
        let most = (available_mm / ROW_MM).floor();
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
        let sheet_box = FormLayout::new(&kit, 8).sheet_box;
        let (box_left, right) = (sheet_box.x, sheet_box.x + sheet_box.w);
        assert!(number.0 >= box_left + 2.0 - 1e-9, "{number:?}");
        assert!(number.1 <= right - 2.0 + 1e-9, "{number:?}");
    }

    #[test]
    fn each_sheet_draws_only_its_number_qr_code_and_page_number_over_the_shared_rest() {
        let kit = kit();
        let unit = &kit.directory.units[0];
        let doc = layout(&kit, Some(unit), 1..=3).expect("form");
        assert!(doc.pages.iter().all(|p| p.background));
        for (k, page) in doc.pages.iter().enumerate() {
            let own: Vec<String> = page
                .items
                .iter()
                .map(|i| match i {
                    Item::Text { text, .. } => text.clone(),
                    Item::Qr { .. } => "QR".to_string(),
                    other => format!("{other:?}"),
                })
                .collect();
            assert_eq!(
                own,
                [
                    sheet_number(&unit.id, k as u32 + 1),
                    "QR".to_string(),
                    format!("Sida {} av 3", k + 1)
                ]
            );
        }
        // The unit, the headings and the footer are in the background, and
        // a sheet as printed has them all.
        let shared = |t: &str| {
            doc.background
                .iter()
                .any(|i| matches!(i, Item::Text { text, .. } if text.starts_with(t)))
        };
        for t in [
            "Samtalslogg vid driftstopp",
            "Enhet: ",
            "Blad nr",
            "Fel? Stryk",
            "Tiden = ",
        ] {
            assert!(shared(t), "{t}");
        }
        let flat = doc.flattened();
        assert_eq!(
            flat.pages[1].items.len(),
            doc.background.len() + doc.pages[1].items.len()
        );
    }
}
