//! One-page quick-reference cards per role ("snabbkort"), derived from the
//! same checklist as the site's role pages.

use super::{decor, notice_box};
use crate::model::checklist;
use crate::model::{Kit, Role};
use crate::print::{Document, Flow, FlowStyle, Margins, PageSize, PrintError, TextStyle};

/// Text sizes tried, as a fraction of the normal ones, until the card fits
/// on one page: long names and time rules in kit.yaml make it taller.
const SCALES: [f64; 4] = [1.0, 0.9, 0.8, 0.7];

/// Lays out the card for `role` on one page, with smaller text if the
/// content needs it; content too long even at the smallest size continues
/// on a second page rather than not being printed at all.
///
/// # Errors
/// Glyph errors for text the fonts lack.
pub fn layout(kit: &Kit, role: Role) -> Result<Document, PrintError> {
    let mut doc = layout_at(kit, role, SCALES[0])?;
    for scale in &SCALES[1..] {
        if doc.pages.len() == 1 {
            break;
        }
        doc = layout_at(kit, role, *scale)?;
    }
    Ok(doc)
}

fn layout_at(kit: &Kit, role: Role, scale: f64) -> Result<Document, PrintError> {
    let s = &kit.settings;
    let c = checklist::for_role(s, role);
    let style = FlowStyle {
        paragraph_gap_mm: 1.5,
        heading_gap_before_mm: 2.0,
        ..FlowStyle::default()
    };
    let margins = Margins {
        top_mm: 12.0,
        ..Margins::default()
    };
    let mut f = Flow::new(
        format!(
            "Snabbkort vid driftstopp i {} – {}",
            kit.settings.system.name,
            kit.settings.role(role).name.to_lowercase()
        ),
        PageSize::A4Portrait,
        margins,
        style,
        decor(kit),
    )?;
    f.heading(
        &format!(
            "Snabbkort: {} vid driftstopp i {}",
            kit.settings.role(role).name.to_lowercase(),
            kit.settings.system.name
        ),
        16.0 * scale,
    )?;
    let felanmalan = match role {
        Role::Municipality => "Felanmäl enligt kommunens lokala rutin.".to_string(),
        _ => format!(
            "Felanmäl till {} {} (internt) eller via {}.",
            s.service_desk.name, s.service_desk.number, s.service_desk.portal_name
        ),
    };
    notice_box(
        &mut f,
        &[
            format!(
                "Rutinen gäller när driftstörningen varar mer än {} timmar: då sker alla kontakter per telefon.",
                s.threshold_hours
            ),
            felanmalan,
            format!(
                "Regionens växel: {}. Kommunerna nås {}.",
                s.switchboard.number, s.municipality_hours
            ),
        ],
        s.sample_data,
    )?;
    let small = TextStyle::regular(10.0 * scale);
    f.heading("Du ringer", 12.0 * scale)?;
    let makes: Vec<String> = c
        .makes
        .iter()
        .map(|m| {
            let facts = if m.facts.is_empty() {
                String::new()
            } else {
                format!(" Uppge också {}.", m.facts.join(", "))
            };
            format!(
                "{} ({}): {}.{facts}",
                m.name,
                m.code,
                m.party.to_lowercase()
            )
        })
        .collect();
    f.bullets(&makes, small)?;
    for line in checklist::numbers_by_party(&kit.directory, role, s) {
        f.paragraph(&line, small)?;
    }
    f.paragraph(
        &format!("{} {}", c.role.whom_to_ring(), c.role.every_call()),
        TextStyle::bold(9.5 * scale),
    )?;
    f.heading("Du tar emot", 12.0 * scale)?;
    let receives: Vec<String> = c
        .receives
        .iter()
        .map(|m| format!("{} ({}): {}.", m.name, m.code, m.party.to_lowercase()))
        .collect();
    f.bullets(&receives, small)?;
    f.heading("Skriv ner på loggbladet", 12.0 * scale)?;
    f.bullets(&c.write_down, small)?;
    f.heading("Tiden", 12.0 * scale)?;
    f.bullets(&c.time_rules, small)?;
    f.finish()
}
