//! "Telefonlista vid driftstopp i Lifecare SP": one call sheet per audience,
//! listing exactly whom that audience calls and is called by, with large
//! numbers and the opening hours beside them.

use super::{contacts_at, decor, notice_box, routine_words, settings_at};
use crate::model::checklist::in_sentence;
use crate::model::{Kit, Role, Unit, UnitKind};
use crate::print::font;
use crate::print::{Document, Flow, FlowStyle, Item, Margins, PageSize, PrintError, TextStyle};
use crate::source::Span;

/// The kinds of unit each audience needs, in the order they are listed.
pub fn kinds_for(audience: Role) -> &'static [UnitKind] {
    match audience {
        Role::Inpatient => &[UnitKind::Municipality, UnitKind::HealthCentre],
        Role::Municipality => &[UnitKind::Ward, UnitKind::HealthCentre],
        Role::Outpatient => &[UnitKind::Ward, UnitKind::Municipality],
    }
}

const LABEL_W: f64 = 86.0;
const NUMBER_X: f64 = 90.0;
const HOURS_X: f64 = 142.0;
const NAME_PT: f64 = 11.0;
const LABEL_PT: f64 = 10.0;
const NUMBER_PT: f64 = 15.0;
const HOURS_PT: f64 = 9.0;

/// Lays out the call sheet for `audience`.
///
/// # Errors
/// A [`PrintError`] for text the fonts lack or a unit too tall for a page.
pub fn layout(kit: &Kit, audience: Role) -> Result<Document, PrintError> {
    let s = &kit.settings;
    let title = format!(
        "Telefonlista vid driftstopp i {} – {}",
        s.system.name,
        s.role(audience).name.to_lowercase()
    );
    let mut f = Flow::new(
        title,
        PageSize::A4Portrait,
        Margins::default(),
        FlowStyle::default(),
        decor(kit),
    )?;
    f.from(&settings_at(kit, &[&s.system.name])).heading(
        &format!("Telefonlista vid driftstopp i {}", s.system.name),
        18.0,
    )?;
    f.from(&settings_at(kit, &[&s.role(audience).who]))
        .paragraph(
            &format!("För {}.", s.role(audience).who),
            TextStyle::bold(12.0),
        )?;
    let mut notice = vec![
        format!(
            "Gäller när {} inte går att använda och driftstörningen varat mer än {} timmar.",
            s.system.name, s.threshold_hours
        ),
        audience.every_call(),
        "Skriv varje samtal på loggbladet. Samtalets klockslag är det som räknas. Redatera aldrig."
            .to_string(),
    ];
    if audience != Role::Municipality {
        notice.push(format!(
            "Felanmälan: {} {} (internt) eller {}.",
            s.service_desk.name, s.service_desk.number, s.service_desk.portal_name
        ));
    } else {
        notice.push("Felanmälan: enligt kommunens lokala rutin.".to_string());
    }
    notice_box(
        &mut f,
        &notice,
        kit.settings.sample_data,
        &settings_at(
            kit,
            &[
                &s.system.name,
                &s.service_desk.name,
                &s.service_desk.portal_name,
            ],
        ),
    )?;

    f.heading("Regionen", 14.0)?;
    let mut fixed = vec![(
        s.switchboard.name.clone(),
        s.switchboard.number.national(),
        "dygnet runt".to_string(),
    )];
    if audience != Role::Municipality {
        fixed.push((
            format!("{} – felanmälan", s.service_desk.name),
            s.service_desk.number.national(),
            "internt nummer".to_string(),
        ));
    }
    let names = settings_at(kit, &[&s.switchboard.name, &s.service_desk.name]);
    for (label, number, hours) in &fixed {
        let (h, items) = phone_line(0.0, label, number, hours, &names);
        f.block(h, items)?;
    }
    f.paragraph(
        "Be växeln om sidotelefon när du söker en mottagning eller avdelning som inte står på listan.",
        TextStyle::regular(9.5),
    )?;

    for &kind in kinds_for(audience) {
        let heading = match kind {
            UnitKind::Municipality => format!("Kommuner – nås {}", s.municipality_hours),
            UnitKind::Ward => "Slutenvårdens avdelningar – nås dygnet runt".to_string(),
            UnitKind::HealthCentre => "Hälsocentraler".to_string(),
        };
        let grouped = kind != UnitKind::Municipality;
        let group_h = if grouped {
            heading_h(&f, GROUP_PT)
        } else {
            0.0
        };
        // The section heading stays with its first group heading and unit.
        let first_h = kit
            .directory
            .of_kind(kind)
            .next()
            .map_or(0.0, |u| unit_block(kit, u).0);
        f.ensure(heading_h(&f, 14.0) + group_h + first_h, "rubriken")?;
        f.heading(&heading, 14.0)?;
        if kit
            .directory
            .of_kind(kind)
            .any(|u| u.phones.iter().any(|p| !p.events.is_empty()))
        {
            let legend: Vec<String> = s
                .events
                .iter()
                .map(|e| format!("{} {}", e.code, in_sentence(&e.name)))
                .collect();
            f.from(&routine_words(kit)).paragraph(
                &format!(
                    "Siffrorna efter ett nummer visar vid vilka samverkanspunkter det numret gäller: {}.",
                    legend.join(", ")
                ),
                TextStyle::regular(9.5),
            )?;
        }
        if let Some(closed) = s.closed_hours.get(&kind) {
            f.from(&settings_at(kit, &[closed]))
                .paragraph(&format!("Svarar ingen? {closed}"), TextStyle::bold(9.5))?;
        }
        let mut group = String::new();
        for unit in kit.directory.of_kind(kind) {
            let (h, items) = unit_block(kit, unit);
            let group_at = || contacts_at(kit, &[&unit.group]);
            if grouped && unit.group != group {
                group = unit.group.clone();
                f.ensure(group_h + h, "rubriken")?;
                f.from(&group_at()).heading(&group, GROUP_PT)?;
            } else if grouped && h > f.remaining_mm() + 1e-9 {
                // A hospital's wards go on over a page break: repeat whose
                // they are, since names like "Medicinavdelningen" recur.
                f.new_page()?;
                f.from(&group_at())
                    .heading(&format!("{group} (forts.)"), GROUP_PT)?;
            }
            f.block(h, items)?;
        }
    }
    f.ensure(heading_h(&f, 14.0) + 45.0, "Vem ringer vem")?;
    f.heading("Vem ringer vem", 14.0)?;
    super::who_calls_whom(&mut f, kit, 8.0)?;
    f.finish()
}

/// Size of the hospital and municipality headings above their units.
const GROUP_PT: f64 = 11.5;

/// Height a one-line heading at `size_pt` takes, with the space around it.
fn heading_h(f: &Flow, size_pt: f64) -> f64 {
    let st = f.style();
    st.line_height_mm(size_pt) + st.heading_gap_before_mm + st.heading_gap_after_mm
}

/// One phone line: label left (wrapped, its words written at `origin`),
/// number large, hours right.
fn phone_line(y: f64, label: &str, number: &str, hours: &str, origin: &[Span]) -> (f64, Vec<Item>) {
    let lines = font::wrap(label, LABEL_PT, false, LABEL_W);
    let line_h = 4.4;
    let height = (lines.len() as f64 * line_h).max(7.0);
    let base = y + 5.2;
    let mut items: Vec<Item> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Item::text(0.0, base + i as f64 * line_h, LABEL_PT, false, l.clone()).from(origin)
        })
        .collect();
    items.push(Item::text(NUMBER_X, base + 0.4, NUMBER_PT, true, number));
    items.push(Item::text(HOURS_X, base, HOURS_PT, false, hours));
    (height, items)
}

fn unit_block(kit: &Kit, unit: &Unit) -> (f64, Vec<Item>) {
    let mut items = vec![
        Item::line(0.0, 0.6, 180.0, 0.6, 0.3),
        Item::text(0.0, 5.0, NAME_PT, true, unit.name.clone())
            .from(&contacts_at(kit, &[&unit.name])),
    ];
    let mut y = 6.0;
    for p in &unit.phones {
        let label = match p.events_note() {
            note if note.is_empty() => p.label.clone(),
            note => format!("{} ({note})", p.label),
        };
        let (h, mut line) = phone_line(
            y,
            &label,
            &p.number.national(),
            &p.hours.to_string(),
            &contacts_at(kit, &[&p.label]),
        );
        items.append(&mut line);
        y += h;
    }
    (y + 1.5, items)
}
