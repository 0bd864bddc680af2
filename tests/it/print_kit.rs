//! The printable fallback kit as laid out from the real `content/`: who each
//! call sheet lists, the numbered logging forms, the footer every page
//! carries, one-page cards, no patient data, byte-identical PDFs, and the
//! build refusing text the fonts cannot print or forms too crowded to write
//! on.
//!
//! Everything here works on the layout (`Document` and its items), so the
//! checks measure what would be printed; `tests/it/print_tools.rs` reads the
//! PDFs back with independent tools.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use jiff::civil::Date;
use reservkit::model::{Kit, Role, Unit, UnitKind};
use reservkit::output::OutFile;
use reservkit::print::{Align, Document, Item, Page, PageSize, PdfMeta, PrintError, qr, to_pdf};
use reservkit::printouts::{self, Printout, call_sheet, card, form, form_layout, routine};

/// The day the tests load the kit on: every contact in `content/` is
/// verified on or before it and within `verify_within_days`.
const TODAY: Date = jiff::civil::date(2026, 11, 25);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load_kit() -> Kit {
    let loaded = reservkit::load::load(&repo().join("content"), TODAY);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    loaded
        .kit
        .unwrap_or_else(|| panic!("content/ does not load:\n{}", errors.join("\n")))
}

/// The kit from `content/`, loaded once for all tests.
fn kit() -> &'static Kit {
    static KIT: OnceLock<Kit> = OnceLock::new();
    KIT.get_or_init(load_kit)
}

/// Every printout's layout, made once for all tests (laying out the ~70
/// printouts takes seconds in a debug build).
fn layouts() -> &'static [(String, Document)] {
    static LAYOUTS: OnceLock<Vec<(String, Document)>> = OnceLock::new();
    LAYOUTS.get_or_init(|| all_layouts(kit()))
}

/// What `printouts::make` gives for the kit, made once for all tests.
fn made() -> &'static (Vec<Printout>, Vec<OutFile>) {
    static MADE: OnceLock<(Vec<Printout>, Vec<OutFile>)> = OnceLock::new();
    MADE.get_or_init(|| printouts::make(kit()).expect("kit prints"))
}

/// The unit forms among [`layouts`], with their unit.
fn unit_forms() -> Vec<(&'static Unit, &'static Document)> {
    layouts()
        .iter()
        .filter_map(|(file, doc)| {
            let id = file.strip_prefix("samtalslogg/")?.strip_suffix(".pdf")?;
            Some((kit().directory.unit(id).expect("form of a known unit"), doc))
        })
        .collect()
}

/// The kit with a fixed version, so that snapshots change only when what
/// they show changes, not with every edit anywhere in `content/`.
fn snapshot_kit() -> Kit {
    let mut kit = load_kit();
    kit.version = "0123456789ab".to_string();
    kit
}

/// Every printout as `make` lists it: (file under `print/`, layout).
fn all_layouts(kit: &Kit) -> Vec<(String, Document)> {
    let mut out = Vec::new();
    for role in Role::ALL {
        out.push((
            format!("telefonlista-{}.pdf", role.id()),
            call_sheet::layout(kit, role).expect("call sheet lays out"),
        ));
    }
    out.push((
        "samtalslogg-blank.pdf".to_string(),
        form::layout(kit, None, 1..=1)
            .expect("blank form lays out")
            .flattened(),
    ));
    for kind in [
        UnitKind::Ward,
        UnitKind::HealthCentre,
        UnitKind::Municipality,
    ] {
        for unit in kit.directory.of_kind(kind) {
            out.push((
                format!("samtalslogg/{}.pdf", unit.id),
                form::layout(kit, Some(unit), 1..=kit.settings.print.sheets_per_unit)
                    .expect("unit form lays out")
                    .flattened(),
            ));
        }
    }
    out.push((
        "rutin.pdf".to_string(),
        routine::layout(kit).expect("routine lays out"),
    ));
    for role in Role::ALL {
        out.push((
            format!("snabbkort-{}.pdf", role.id()),
            card::layout(kit, role).expect("card lays out"),
        ));
    }
    out
}

fn texts(page: &Page) -> Vec<&str> {
    page.items
        .iter()
        .filter_map(|item| match item {
            Item::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn all_texts(doc: &Document) -> Vec<&str> {
    doc.pages.iter().flat_map(texts).collect()
}

fn has_text(doc: &Document, wanted: &str) -> bool {
    all_texts(doc).contains(&wanted)
}

/// The footer of a page: every text at or below the "Sida N av M" line,
/// joined with spaces (footer lines are wrapped).
fn footer_text(page: &Page) -> String {
    let number_y = page
        .items
        .iter()
        .find_map(|item| match item {
            Item::Text { text, y_mm, .. } if text.starts_with("Sida ") => Some(*y_mm),
            _ => None,
        })
        .expect("page has a page number");
    page.items
        .iter()
        .filter_map(|item| match item {
            Item::Text { text, y_mm, .. } if *y_mm >= number_y - 0.01 => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn numbers(unit: &Unit) -> Vec<String> {
    unit.phones.iter().map(|p| p.number.national()).collect()
}

fn first_page(doc: &Document) -> Document {
    let flat = doc.flattened();
    Document {
        title: flat.title.clone(),
        pages: vec![flat.pages[0].clone()],
        background: Vec::new(),
    }
}

// ---------------------------------------------------------------- snapshots

#[test]
fn slutenvard_call_sheet_first_page_layout_is_stable() {
    let kit = snapshot_kit();
    let doc = call_sheet::layout(&kit, Role::Inpatient).expect("call sheet");
    insta::assert_snapshot!(first_page(&doc).dump());
}

#[test]
fn unit_logging_form_first_sheet_layout_is_stable() {
    let kit = snapshot_kit();
    let unit = kit
        .directory
        .unit("sunderby-medicin-61")
        .expect("ward in contacts.yaml");
    let doc = form::layout(&kit, Some(unit), 1..=kit.settings.print.sheets_per_unit)
        .expect("form")
        .flattened();
    insta::assert_snapshot!(first_page(&doc).dump());
}

#[test]
fn slutenvard_card_layout_is_stable() {
    let kit = snapshot_kit();
    let doc = card::layout(&kit, Role::Inpatient).expect("card");
    insta::assert_snapshot!(doc.dump());
}

// -------------------------------------------------------------- call sheets

/// Asserts that the sheet lists the names and numbers of every unit of
/// `listed`, and no number of the units of `absent` (unless a listed unit
/// shares it).
fn assert_audience(kit: &Kit, audience: Role, listed: &[UnitKind], absent: &[UnitKind]) {
    let doc = call_sheet::layout(kit, audience).expect("call sheet");
    let all = all_texts(&doc);
    let mut printed_numbers = BTreeSet::new();
    for &kind in listed {
        let units: Vec<&Unit> = kit.directory.of_kind(kind).collect();
        assert!(!units.is_empty(), "no {kind:?} in contacts.yaml");
        for unit in units {
            assert!(
                all.contains(&unit.name.as_str()),
                "{} sheet lacks {:?}",
                audience.id(),
                unit.name
            );
            for number in numbers(unit) {
                assert!(
                    all.contains(&number.as_str()),
                    "{} sheet lacks {number} of {}",
                    audience.id(),
                    unit.name
                );
                printed_numbers.insert(number);
            }
        }
    }
    for &kind in absent {
        for unit in kit.directory.of_kind(kind) {
            for number in numbers(unit) {
                if printed_numbers.contains(&number) {
                    continue;
                }
                assert!(
                    !all.iter().any(|t| t.contains(number.as_str())),
                    "{} sheet lists {number} of {} ({kind:?})",
                    audience.id(),
                    unit.name
                );
            }
        }
    }
    let switchboard = kit.settings.switchboard.number.national();
    assert!(
        all.contains(&switchboard.as_str()),
        "{} sheet lacks the switchboard {switchboard}",
        audience.id()
    );
}

#[test]
fn slutenvard_call_sheet_lists_municipalities_health_centres_switchboard_and_service_desk_but_no_ward()
 {
    let kit = kit();
    assert_audience(
        kit,
        Role::Inpatient,
        &[UnitKind::Municipality, UnitKind::HealthCentre],
        &[UnitKind::Ward],
    );
    let doc = call_sheet::layout(kit, Role::Inpatient).expect("call sheet");
    let all = all_texts(&doc);
    let desk = kit.settings.service_desk.number.national();
    assert!(all.contains(&desk.as_str()), "no {desk} on the sheet");
    for ward in kit.directory.of_kind(UnitKind::Ward) {
        assert!(
            !all.contains(&ward.name.as_str()),
            "ward {:?} on the slutenvård sheet",
            ward.name
        );
    }
    for hospital in &kit.directory.hospitals {
        assert!(
            !all.contains(&hospital.name.as_str()),
            "hospital heading {:?} on the slutenvård sheet",
            hospital.name
        );
    }
}

#[test]
fn kommun_call_sheet_lists_wards_health_centres_and_switchboard_but_no_municipality_or_service_desk()
 {
    let kit = kit();
    assert_audience(
        kit,
        Role::Municipality,
        &[UnitKind::Ward, UnitKind::HealthCentre],
        &[UnitKind::Municipality],
    );
    let doc = call_sheet::layout(kit, Role::Municipality).expect("call sheet");
    let desk = &kit.settings.service_desk;
    for text in all_texts(&doc) {
        assert!(
            !text.contains(&desk.name) && !text.contains(&desk.number.national()),
            "the municipalities' sheet mentions the region's service desk: {text:?}"
        );
    }
    for m in kit.directory.of_kind(UnitKind::Municipality) {
        assert!(
            !has_text(&doc, &m.name),
            "municipality {:?} on the kommun sheet",
            m.name
        );
    }
}

#[test]
fn oppenvard_call_sheet_lists_wards_municipalities_and_switchboard_but_no_health_centre() {
    let kit = kit();
    assert_audience(
        kit,
        Role::Outpatient,
        &[UnitKind::Ward, UnitKind::Municipality],
        &[UnitKind::HealthCentre],
    );
    let doc = call_sheet::layout(kit, Role::Outpatient).expect("call sheet");
    for hc in kit.directory.of_kind(UnitKind::HealthCentre) {
        assert!(
            !has_text(&doc, &hc.name),
            "hälsocentral {:?} on the öppenvård sheet",
            hc.name
        );
    }
}

/// The body texts of a page (above the footer), in order, with size and weight.
fn body_texts(page: &Page) -> Vec<(f64, bool, &str)> {
    let footer_y = page
        .items
        .iter()
        .find_map(|item| match item {
            Item::Text { text, y_mm, .. } if text.starts_with("Sida ") => Some(*y_mm),
            _ => None,
        })
        .expect("page number");
    page.items
        .iter()
        .filter_map(|item| match item {
            Item::Text {
                text,
                y_mm,
                size_pt,
                bold,
                ..
            } if *y_mm < footer_y - 3.0 => Some((*size_pt, *bold, text.as_str())),
            _ => None,
        })
        .collect()
}

#[test]
fn every_call_sheet_page_says_which_hospital_or_municipality_its_first_unit_belongs_to() {
    let kit = kit();
    let is = |size: f64, wanted: f64| (size - wanted).abs() < 1e-9;
    for role in Role::ALL {
        let doc = &layouts()
            .iter()
            .find(|(f, _)| *f == format!("telefonlista-{}.pdf", role.id()))
            .expect("call sheet")
            .1;
        assert!(doc.pages.len() > 1, "test needs a sheet over several pages");
        for (k, page) in doc.pages.iter().enumerate().skip(1) {
            let body = body_texts(page);
            let Some(first_unit) = body
                .iter()
                .position(|(size, bold, _)| *bold && is(*size, 11.0))
            else {
                // Only the closing "who calls whom" picture may stand alone.
                assert!(
                    k + 1 == doc.pages.len() && body.iter().any(|(_, _, t)| *t == "Vem ringer vem"),
                    "{} page {}: no unit",
                    role.id(),
                    k + 1
                );
                continue;
            };
            let name = body[first_unit].2;
            let municipality = kit
                .directory
                .of_kind(UnitKind::Municipality)
                .any(|u| u.name == name);
            if municipality {
                continue;
            }
            let group = body[..first_unit]
                .iter()
                .rev()
                .find(|(size, bold, _)| *bold && is(*size, 11.5))
                .map(|(_, _, t)| t.trim_end_matches(" (forts.)"))
                .unwrap_or_else(|| {
                    panic!(
                        "{} page {} starts with {name:?} without its hospital or municipality",
                        role.id(),
                        k + 1
                    )
                });
            assert!(
                kit.directory
                    .units
                    .iter()
                    .any(|u| u.name == name && u.group == group),
                "{} page {}: {name:?} is not under {group:?}",
                role.id(),
                k + 1
            );
        }
        for (k, page) in doc.pages.iter().enumerate() {
            let body = body_texts(page);
            let (size, bold, last) = body.last().expect("page has text");
            assert!(
                !(*bold && *size > 11.0),
                "{} page {} ends with the heading {last:?}",
                role.id(),
                k + 1
            );
        }
    }
}

// ------------------------------------------------------------ logging forms

/// Full-width horizontal rules of the form's table, top to bottom: the
/// header's lower edge, the lines between rows, and the table's lower edge.
fn row_rules(page: &Page) -> Vec<f64> {
    let (left, right) = (form_layout::LEFT, form_layout::RIGHT);
    let near = |a: f64, b: f64| (a - b).abs() < 0.05;
    let mut ys: Vec<f64> = page
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Line {
                x1_mm,
                y1_mm,
                x2_mm,
                y2_mm,
                width_pt,
                ..
            } if near(*y1_mm, *y2_mm)
                && near(*x1_mm, left)
                && near(*x2_mm, right)
                && *width_pt >= 0.5 =>
            {
                Some(*y1_mm)
            }
            _ => None,
        })
        .collect();
    // The table's frame: the tallest full-width outlined box.
    let frame_bottom = page
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Rect {
                x_mm,
                y_mm,
                w_mm,
                h_mm,
                stroke_pt: Some(_),
                ..
            } if near(*x_mm, left) && near(*w_mm, right - left) => Some((*h_mm, y_mm + h_mm)),
            _ => None,
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, bottom)| bottom)
        .expect("form has a table frame");
    ys.push(frame_bottom);
    ys.sort_by(f64::total_cmp);
    ys
}

#[test]
fn every_unit_gets_its_own_numbered_sheets_and_no_number_repeats_across_units() {
    let kit = kit();
    let sheets = kit.settings.print.sheets_per_unit;
    let mut seen = BTreeSet::new();
    let forms = unit_forms();
    assert_eq!(forms.len(), kit.directory.units.len());
    for (unit, doc) in forms {
        assert_eq!(doc.pages.len(), sheets as usize, "{}", unit.id);
        for (k, page) in doc.pages.iter().enumerate() {
            let serial = k + 1;
            let expected = format!("{}-{serial:03}", unit.id);
            assert_eq!(form::sheet_number(&unit.id, serial as u32), expected);
            let shown: Vec<&str> = texts(page)
                .into_iter()
                .filter(|t| t.starts_with(&format!("{}-", unit.id)))
                .collect();
            assert_eq!(
                shown,
                vec![expected.as_str()],
                "sheet {serial} of {}",
                unit.id
            );
            assert!(seen.insert(expected.clone()), "{expected} printed twice");
        }
    }
    assert_eq!(seen.len(), kit.directory.units.len() * sheets as usize);
}

#[test]
fn every_sheet_numbers_its_rows_on_a_fixed_pitch_of_two_writing_lines() {
    let kit = kit();
    let rows = kit.settings.print.rows_per_sheet as usize;
    let mut forms = unit_forms();
    let (_, blank) = layouts()
        .iter()
        .find(|(file, _)| file == "samtalslogg-blank.pdf")
        .expect("blank form");
    forms.push((&kit.directory.units[0], blank));
    for (unit, doc) in forms {
        for (k, page) in doc.pages.iter().enumerate() {
            let where_ = format!("sheet {} of {}", k + 1, doc.title);
            assert_eq!(page.size, PageSize::A4Landscape, "{where_}");
            let row_numbers: Vec<String> = page
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Text {
                        text,
                        size_pt,
                        bold: true,
                        align: Align::Center,
                        ..
                    } if (*size_pt - 10.0).abs() < 1e-9 => Some(text.clone()),
                    _ => None,
                })
                .collect();
            let expected: Vec<String> = (1..=rows).map(|r| r.to_string()).collect();
            assert_eq!(row_numbers, expected, "{where_} ({})", unit.id);
            let rules = row_rules(page);
            assert_eq!(rules.len(), rows + 1, "{where_}: {rules:?}");
            for (r, pair) in rules.windows(2).enumerate() {
                let height = pair[1] - pair[0];
                assert!(
                    (height - form::ROW_MM).abs() < 1e-9 && height >= 15.0,
                    "{where_}: row {} is {height:.2} mm tall",
                    r + 1
                );
            }
        }
    }
}

#[test]
fn every_row_numbers_its_event_boxes_and_the_legend_names_every_event() {
    let kit = kit();
    let blank = form::layout(kit, None, 1..=1)
        .expect("blank form")
        .flattened();
    let page = &blank.pages[0];
    let rows = kit.settings.print.rows_per_sheet as usize;
    let all = texts(page).join(" ").replace('\u{a0}', " ");
    for event in &kit.settings.events {
        let code = event.code.to_string();
        // Beside its box on every row, in the 7 pt bold of the tick labels.
        let beside = page
            .items
            .iter()
            .filter(|item| {
                matches!(item, Item::Text { text, size_pt, bold: true, align: Align::Right, .. }
                    if *text == code && (*size_pt - 7.0).abs() < 1e-9)
            })
            .count();
        assert_eq!(beside, rows, "code {code} beside {beside} boxes");
        let legend = format!("{code} = {}", event.name);
        assert!(all.contains(&legend), "legend lacks {legend:?}");
    }
    assert!(all.contains("Stryk över med ett streck"), "{all}");
    assert!(all.contains("sudda aldrig"), "{all}");
    assert!(all.contains("Rättar"), "{all}");
    assert!(all.contains("Reservnummer"), "{all}");
}

#[test]
fn blank_form_has_an_empty_sheet_number_box_for_handwriting() {
    let kit = kit();
    let doc = form::layout(kit, None, 1..=1)
        .expect("blank form")
        .flattened();
    assert_eq!(doc.pages.len(), 1);
    let page = &doc.pages[0];
    let all = texts(page);
    assert!(all.contains(&"Blad nr"), "{all:?}");
    assert!(
        all.contains(&"Enhet:") && all.contains(&"Telefon:"),
        "{all:?}"
    );
    for unit in &kit.directory.units {
        for text in &all {
            assert!(
                !text.contains(&format!("{}-0", unit.id)),
                "blank form carries a sheet number: {text:?}"
            );
        }
    }
    // Nothing but the label is written inside the "Blad nr" box.
    let (x, y, w, h) = sheet_number_box(page);
    let inside: Vec<&str> = page
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text {
                x_mm, y_mm, text, ..
            } if (x..=x + w).contains(x_mm) && (y..=y + h).contains(y_mm) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(inside, vec!["Blad nr"]);
}

/// The outlined box in the top right corner of a form: x, y, w, h.
fn sheet_number_box(page: &Page) -> (f64, f64, f64, f64) {
    page.items
        .iter()
        .find_map(|item| match item {
            Item::Rect {
                x_mm,
                y_mm,
                w_mm,
                h_mm,
                stroke_pt: Some(_),
                ..
            } if *y_mm < 15.0 && *x_mm > 150.0 => Some((*x_mm, *y_mm, *w_mm, *h_mm)),
            _ => None,
        })
        .expect("sheet number box")
}

#[test]
fn form_footer_says_never_backdate_and_that_the_call_time_counts() {
    let kit = kit();
    let unit = &kit.directory.units[0];
    let docs = [
        form::layout(kit, None, 1..=1)
            .expect("blank form")
            .flattened(),
        form::layout(kit, Some(unit), 1..=2)
            .expect("unit form")
            .flattened(),
    ];
    for doc in &docs {
        for page in &doc.pages {
            let footer = footer_text(page);
            assert!(footer.contains("Redatera aldrig"), "{footer}");
            assert!(footer.contains("klockslag"), "{footer}");
        }
    }
}

/// Where a text item is printed: left edge, right edge, baseline, cap top.
fn extent(item: &Item) -> Option<(f64, f64, f64, f64, &str)> {
    let Item::Text {
        x_mm,
        y_mm,
        size_pt,
        bold,
        text,
        align,
        ..
    } = item
    else {
        return None;
    };
    let width = reservkit::print::font::text_width_mm(text, *size_pt, *bold);
    let left = match align {
        Align::Left => *x_mm,
        Align::Right => x_mm - width,
        Align::Center => x_mm - width / 2.0,
    };
    let cap_top = y_mm - size_pt * reservkit::print::font::MM_PER_PT * 0.75;
    Some((left, left + width, *y_mm, cap_top, text.as_str()))
}

#[test]
fn unit_form_header_keeps_name_phone_and_sheet_number_apart() {
    for (unit, doc) in unit_forms() {
        let page = &doc.pages[0];
        let name = format!("Enhet: {}", unit.full_name());
        let phone = format!(
            "Telefon: {}",
            unit.phones
                .first()
                .expect("unit has a phone")
                .number
                .national()
        );
        let number = format!("{}-001", unit.id);
        let find = |wanted: &str| {
            page.items
                .iter()
                .filter_map(extent)
                .find(|e| e.4 == wanted)
                .unwrap_or_else(|| panic!("{wanted:?} not on the form"))
        };
        let (name, phone, number) = (find(&name), find(&phone), find(&number));
        let (bx, by, bw, bh) = sheet_number_box(page);
        // The sheet number inside its box, clear of the frame.
        assert!(
            number.0 >= bx + 1.0 && number.1 <= bx + bw - 1.0,
            "{number:?} outside the box from {bx:.1} to {:.1} mm",
            bx + bw
        );
        assert!(number.3 >= by && number.2 <= by + bh, "{number:?}");
        // Name, then phone, then the box, with room between them.
        assert!(
            name.1 + 2.0 <= phone.0,
            "name and phone overlap: {name:?} {phone:?}"
        );
        if phone.3 < by + bh + 0.5 {
            assert!(
                phone.1 + 2.0 <= bx,
                "{phone:?} reaches the box at {bx:.1} mm"
            );
        }
    }
}

// ------------------------------------------------------ every page's footer

#[test]
fn every_page_of_every_printout_has_page_number_version_discard_rule_and_qr_code() {
    let kit = kit();
    let base = kit
        .settings
        .base_url
        .clone()
        .expect("kit.yaml sets base_url");
    let url = format!("{base}utskrifter.html?kit={}", kit.version);
    let modules = qr::qr_modules(&url).expect("URL encodes");
    let blank_url = form::qr_content(kit, None);
    assert_eq!(blank_url, url);
    let layouts = layouts();
    let (catalogue, files) = made();
    let made: Vec<(&str, usize)> = catalogue
        .iter()
        .map(|p| (p.file.as_str(), p.pages))
        .collect();
    let laid: Vec<(&str, usize)> = layouts
        .iter()
        .map(|(f, d)| (f.as_str(), d.pages.len()))
        .collect();
    assert_eq!(
        laid, made,
        "the test's list of printouts differs from make()"
    );
    assert_eq!(files.len(), layouts.len() + 1, "the PDFs and layout.json");
    assert!(files.iter().any(|f| f.path == "samtalslogg/layout.json"));
    for (file, doc) in layouts {
        let total = doc.pages.len();
        for (k, page) in doc.pages.iter().enumerate() {
            let where_ = format!("{file} page {}", k + 1);
            let footer = footer_text(page);
            let number = format!("Sida {} av {total}", k + 1);
            assert!(
                texts(page).contains(&number.as_str()),
                "{where_}: no {number:?}"
            );
            assert!(footer.contains(&kit.version), "{where_}: {footer}");
            assert!(
                footer.contains("Äldre utskrifter ska kastas"),
                "{where_}: {footer}"
            );
            let qrs: Vec<&Vec<Vec<bool>>> = page
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Qr { modules, .. } => Some(modules),
                    _ => None,
                })
                .collect();
            assert_eq!(qrs.len(), 1, "{where_}: {} QR codes", qrs.len());
            // A numbered sheet's code also names the sheet.
            let sheet_url = file
                .strip_prefix("samtalslogg/")
                .and_then(|f| f.strip_suffix(".pdf"))
                .map(|unit| form::qr_content(kit, Some(&form::sheet_number(unit, k as u32 + 1))));
            match sheet_url {
                Some(sheet_url) => {
                    assert!(
                        sheet_url.starts_with(&format!("{url}&blad=")),
                        "{sheet_url}"
                    );
                    let sheet = qr::qr_modules(&sheet_url).expect("URL encodes");
                    assert!(qrs[0] == &sheet, "{where_}: QR code is not {sheet_url}");
                }
                None => assert!(qrs[0] == &modules, "{where_}: QR code is not {url}"),
            }
        }
    }
}

#[test]
fn without_a_base_url_only_the_forms_have_a_qr_code_and_all_keep_their_footer() {
    let mut kit = load_kit();
    kit.settings.base_url = None;
    // Every kind of printout; of the unit forms (all made by the same code)
    // the first two sheets of one unit of each kind, to keep this quick.
    let mut docs: Vec<(String, Document)> = Vec::new();
    for role in Role::ALL {
        docs.push((
            format!("telefonlista-{}", role.id()),
            call_sheet::layout(&kit, role).expect("call sheet"),
        ));
        docs.push((
            format!("snabbkort-{}", role.id()),
            card::layout(&kit, role).expect("card"),
        ));
        let unit = kit
            .directory
            .of_kind(role.unit_kind())
            .next()
            .expect("a unit of each kind");
        docs.push((
            format!("samtalslogg/{}", unit.id),
            form::layout(&kit, Some(unit), 1..=2)
                .expect("form")
                .flattened(),
        ));
    }
    docs.push((
        "samtalslogg-blank".to_string(),
        form::layout(&kit, None, 1..=1)
            .expect("blank form")
            .flattened(),
    ));
    docs.push(("rutin".to_string(), routine::layout(&kit).expect("routine")));
    for (file, doc) in docs {
        for (k, page) in doc.pages.iter().enumerate() {
            let qrs = page
                .items
                .iter()
                .filter(|i| matches!(i, Item::Qr { .. }))
                .count();
            // The forms keep theirs for the scanner: the kit version and the
            // sheet number, with no address (see form::qr_content).
            let expected = usize::from(file.starts_with("samtalslogg"));
            assert_eq!(qrs, expected, "{file} page {} QR codes", k + 1);
            let footer = footer_text(page);
            assert!(
                footer.contains(&kit.version) && footer.contains("Äldre utskrifter ska kastas"),
                "{file} page {}: {footer}",
                k + 1
            );
            assert!(!footer.contains("http"), "{file}: {footer}");
        }
    }
}

/// Body texts of `page` (above the footer) with their sizes.
fn body_sizes(page: &Page) -> Vec<(&str, f64)> {
    let footer_top = page
        .items
        .iter()
        .find_map(|item| match item {
            Item::Text { text, y_mm, .. } if text.starts_with("Sida ") => Some(*y_mm),
            _ => None,
        })
        .expect("page has a page number");
    page.items
        .iter()
        .filter_map(|item| match item {
            Item::Text {
                text,
                y_mm,
                size_pt,
                ..
            } if *y_mm < footer_top - 0.01 => Some((text.as_str(), *size_pt)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_quick_reference_card_has_its_front_on_one_page_and_who_calls_whom_on_the_back() {
    let kit = kit();
    let rows = reservkit::model::calls::rows(&kit.settings);
    for role in Role::ALL {
        let doc = card::layout(kit, role).expect("card");
        let id = role.id();
        assert_eq!(doc.pages.len(), 2, "{id} card:\n{}", doc.dump());
        let (front, back) = (&doc.pages[0], &doc.pages[1]);
        assert!(
            texts(front).contains(&card::TURN_OVER),
            "{id}: no turn-over note"
        );
        // The front keeps its full size (the smallest text on it is the
        // 9.5 pt bold line about every call): the back took nothing from it.
        for (text, size) in body_sizes(front) {
            assert!(size >= 9.5, "{id} front: {text:?} at {size} pt");
        }
        for (text, size) in body_sizes(back) {
            assert!(size >= 10.0, "{id} back: {text:?} at {size} pt");
        }
        let back_texts = texts(back);
        for r in &rows {
            let label = format!("{} {}", r.code, r.name);
            assert!(
                back_texts.contains(&label.as_str()),
                "{id} back: no {label:?}"
            );
        }
        // The text alternative: every call in words, one bullet each (a
        // short sentence fits one line at this size).
        for r in &rows {
            assert!(
                back_texts.contains(&r.sentence.as_str()),
                "{id} back: no {:?}",
                r.sentence
            );
        }
        for name in Role::ALL.map(|r| kit.settings.role(r).name.as_str()) {
            assert!(back_texts.contains(&name), "{id} back: no lane {name:?}");
        }
    }
}

// ----------------------------------------------------------- patient data

/// Runs of digits, possibly joined by `-` or `+`, with ten or more digits:
/// what a personnummer or samordningsnummer looks like in any spelling.
fn id_like_runs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<String>| {
        let digits = run.chars().filter(char::is_ascii_digit).count();
        if digits >= 10 {
            out.push(run.clone());
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || ((c == '-' || c == '+') && !run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[test]
fn id_like_runs_catch_every_spelling_of_a_personnummer() {
    for id in [
        "199001012385",
        "19900101-2385",
        "900101-2385",
        "900101+2385",
    ] {
        assert_eq!(
            id_like_runs(&format!("Patient {id}.")),
            vec![id.to_string()]
        );
    }
    assert!(id_like_runs("0920-28 40 00, 070-174 06 05, 2026-11-25, a-001").is_empty());
}

#[test]
fn no_printout_contains_anything_like_a_personnummer() {
    let version = &kit().version;
    for (file, doc) in layouts() {
        for text in all_texts(doc) {
            // The kit version is a hexadecimal hash and may hold a digit run.
            let runs = id_like_runs(&text.replace(version.as_str(), ""));
            assert!(runs.is_empty(), "{file}: {runs:?} in {text:?}");
        }
    }
}

// ------------------------------------------------------------ determinism

#[test]
fn the_kit_prints_byte_for_byte_the_same_twice_in_one_process() {
    let kit = kit();
    let (_, first) = made();

    // Something different in between: another kit's call sheet.
    let mut other = kit.clone();
    other.settings.base_url = None;
    other.version = "ffffffffffff".to_string();
    let doc = call_sheet::layout(&other, Role::Municipality).expect("call sheet");
    let other_pdf = to_pdf(&doc, &PdfMeta::new(doc.title.clone(), other.data_date)).expect("pdf");

    let (_, second) = printouts::make(kit).expect("kit prints again");
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(second.iter()) {
        assert_eq!(a.path, b.path);
        assert!(a.bytes == b.bytes, "{} differs between runs", a.path);
    }
    let same_sheet = first
        .iter()
        .find(|f| f.path == "telefonlista-kommun.pdf")
        .expect("kommun call sheet");
    assert!(
        same_sheet.bytes != other_pdf,
        "a different kit gave the same bytes"
    );
}

// ------------------------------------------- diagnostics from the real binary

/// A copy of `content/` and `templates/` in a temporary directory, so that
/// a test can break one file and run the binary there with short paths.
fn content_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("dir entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("file type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy file");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(&repo().join("content"), &dir.path().join("content"));
    copy(&repo().join("templates"), &dir.path().join("templates"));
    dir
}

/// Replaces the first `from` in `file` by `to`; returns the 1-based line
/// and character column where `marker` (part of `to`) then starts.
fn edit(file: &Path, from: &str, to: &str, marker: char) -> (usize, usize) {
    let src = std::fs::read_to_string(file).expect("read");
    let at = src
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not in {file:?}"));
    let edited = src.replacen(from, to, 1);
    std::fs::write(file, &edited).expect("write");
    let offset = at + to.find(marker).expect("marker in replacement");
    let before = &edited[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

fn build_in(dir: &Path) -> (Output, PathBuf) {
    let out = dir.join("ut");
    let output = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .args([
            "build",
            "--content",
            "content",
            "--templates",
            "templates",
            "--out",
            "ut",
        ])
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1795564800")
        .output()
        .expect("reservkit runs");
    (output, out)
}

#[test]
fn a_character_outside_the_font_stops_the_build_and_points_at_its_line() {
    assert!(reservkit::print::font::missing_chars("→").is_empty());
    assert_eq!(reservkit::print::font::missing_chars("✈☎"), vec!['✈', '☎']);
    let dir = content_copy();
    let contacts = dir.path().join("content/contacts.yaml");
    let (line, col) = edit(
        &contacts,
        "name: Medicinavdelning 61\n",
        "name: Medicinavdelning 61 ✈\n",
        '✈',
    );
    // "→" is in the font and must print; "☎" is not.
    let page = dir.path().join("content/rutin/felanmalan.md");
    edit(&page, "\n\n", "\n\nRing växeln → sidotelefon.\n\n", '→');
    let (md_line, md_col) = edit(&page, "\n\n", "\n\nRing ☎ växeln.\n\n", '☎');

    let (output, out) = build_in(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let expected = format!("content/contacts.yaml:{line}:{col}: error:");
    let yaml_line = stderr
        .lines()
        .find(|l| l.starts_with(&expected))
        .unwrap_or_else(|| panic!("no {expected:?} in:\n{stderr}"));
    assert!(
        yaml_line.contains('✈') && yaml_line.contains("U+2708"),
        "{yaml_line}"
    );
    let expected_md = format!("content/rutin/felanmalan.md:{md_line}:{md_col}: error:");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&expected_md) && l.contains("U+260E")),
        "no {expected_md:?} in:\n{stderr}"
    );
    assert!(!stderr.contains('→'), "→ is printable:\n{stderr}");
    assert!(!out.exists(), "the failed build wrote {}", out.display());
}

#[test]
fn every_missing_character_of_every_file_is_reported_at_its_place_and_nothing_is_written() {
    let dir = content_copy();
    let content = dir.path().join("content");
    // The same character in an event's name (printed in the routine, on the
    // cards, call sheets and forms) and in a ward's name (on call sheets and
    // the ward's form): two places, each reported once.
    let event = edit(
        &content.join("kit.yaml"),
        "name: Inskrivning\n",
        "name: Inskrivning ✈\n",
        '✈',
    );
    let ward = edit(
        &content.join("contacts.yaml"),
        "name: Medicinavdelning 61\n",
        "name: Medicinavdelning ✈ 61\n",
        '✈',
    );
    let page = edit(
        &content.join("rutin/felanmalan.md"),
        "\n\n",
        "\n\nRing ☎ växeln.\n\n",
        '☎',
    );

    let (output, out) = build_in(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let glyph_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("finns inte i utskrifternas typsnitt"))
        .collect();
    let expected = [
        format!(
            "content/contacts.yaml:{}:{}: error: tecknet «✈» (U+2708)",
            ward.0, ward.1
        ),
        format!(
            "content/kit.yaml:{}:{}: error: tecknet «✈» (U+2708)",
            event.0, event.1
        ),
        format!(
            "content/rutin/felanmalan.md:{}:{}: error: tecknet «☎» (U+260E)",
            page.0, page.1
        ),
    ];
    assert_eq!(glyph_lines.len(), expected.len(), "{stderr}");
    for (line, want) in glyph_lines.iter().zip(&expected) {
        assert!(line.starts_with(want.as_str()), "{want:?} in:\n{stderr}");
    }
    assert!(!out.exists(), "the failed build wrote {}", out.display());
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "content" && n != "templates")
        .collect();
    assert!(left.is_empty(), "the failed build left {left:?}");
}

#[test]
fn every_row_count_the_loader_accepts_either_fits_or_is_refused_naming_kit_yaml() {
    let mut kit = load_kit();
    let mut fits = Vec::new();
    for rows in 4..=16 {
        kit.settings.print.rows_per_sheet = rows;
        match form::layout(&kit, None, 1..=1) {
            Ok(doc) => {
                let rules = row_rules(&doc.flattened().pages[0]);
                assert!(
                    rules
                        .windows(2)
                        .all(|p| (p[1] - p[0] - form::ROW_MM).abs() < 1e-9),
                    "{rows} rows: {rules:?}"
                );
                fits.push(rows);
            }
            Err(PrintError::DoesNotFit { what, .. }) => {
                assert!(
                    what.contains("print.rows_per_sheet i kit.yaml"),
                    "{rows} rows: {what}"
                );
            }
            Err(other) => panic!("{rows} rows: {other}"),
        }
    }
    // The loader accepts exactly these (4–8): keep src/load in step.
    assert_eq!(fits, (4..=8).collect::<Vec<u32>>());
    let shipped = load_kit().settings.print.rows_per_sheet;
    assert!(fits.contains(&shipped), "{shipped} not in {fits:?}");
}

#[test]
fn too_many_rows_per_sheet_stop_the_build_naming_kit_yaml() {
    let dir = content_copy();
    let kit_yaml = dir.path().join("content/kit.yaml");
    // 8 two-line rows are the most that fit; the loader refuses more and
    // points at the value, once, instead of every form failing.
    for value in ["9", "40"] {
        let (line, col) = edit(
            &kit_yaml,
            "rows_per_sheet: 8",
            &format!("rows_per_sheet: {value}"),
            value.chars().next().unwrap_or('1'),
        );
        let (output, out) = build_in(dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        let expected =
            format!("content/kit.yaml:{line}:{col}: error: rows_per_sheet är {value}; väntade 4–8");
        assert!(stderr.contains(&expected), "no {expected:?} in:\n{stderr}");
        assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
        assert!(!out.exists(), "the failed build wrote {}", out.display());
        edit(
            &kit_yaml,
            &format!("rows_per_sheet: {value}"),
            "rows_per_sheet: 8",
            '8',
        );
    }
}

#[test]
fn every_call_sheet_ends_with_who_calls_whom_for_every_event() {
    let kit = kit();
    for role in Role::ALL {
        let doc = &layouts()
            .iter()
            .find(|(f, _)| *f == format!("telefonlista-{}.pdf", role.id()))
            .expect("call sheet")
            .1;
        let last = body_texts(doc.pages.last().expect("a page"));
        let texts: Vec<&str> = last.iter().map(|(_, _, t)| *t).collect();
        let at = texts
            .iter()
            .position(|t| *t == "Vem ringer vem")
            .unwrap_or_else(|| panic!("{}: no picture on the last page", role.id()));
        for lane in ["Slutenvård", "Öppenvård", "Kommun"] {
            assert!(texts[at..].contains(&lane), "{}: lane {lane}", role.id());
        }
        for e in &kit.settings.events {
            let row = format!("{} {}", e.code, e.name);
            assert!(texts[at..].contains(&row.as_str()), "{}: {row}", role.id());
        }
    }
}

#[test]
fn call_sheets_say_which_number_is_for_which_event_and_what_to_do_when_nobody_answers() {
    let doc = &layouts()
        .iter()
        .find(|(f, _)| f == "telefonlista-slutenvard.pdf")
        .expect("call sheet")
        .1;
    let texts: Vec<&str> = doc
        .pages
        .iter()
        .flat_map(|p| body_texts(p).into_iter().map(|(_, _, t)| t))
        .collect();
    // Wrapped lines joined again with a space.
    let all = texts.join(" ");
    assert!(
        all.contains("Vårdplanering / biståndshandläggare (vid 1, 2, 3, 4, 6)"),
        "{all}"
    );
    assert!(all.contains("(hemsjukvård) (vid 5, 8)"), "{all}");
    assert!(all.contains("Siffrorna efter ett nummer visar vid vilka samverkanspunkter"));
    assert!(all.contains("Svarar ingen? Kvällar och helger:"), "{all}");
}
