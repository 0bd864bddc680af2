//! Two-sided quick-reference cards per role ("snabbkort"), derived from the
//! same checklist as the site's role pages: the front says what to do, the
//! back shows who calls whom at each event, as a picture and in words.

use super::{decor, notice_box, routine_words, settings_at};
use crate::model::{Kit, Role};
use crate::model::{calls, checklist};
use crate::print::{
    Align, Document, Flow, FlowStyle, Item, Margins, Origin, PageSize, PrintError, TextStyle, font,
};

/// Text sizes tried, as a fraction of the normal ones, until the front fits
/// on one page: long names and time rules in kit.yaml make it taller.
const SCALES: [f64; 4] = [1.0, 0.9, 0.8, 0.7];

/// What the front says about the back, beside the "Du ringer" heading.
pub const TURN_OVER: &str = "Vänd: vem ringer vem står på baksidan";

/// Lays out the card for `role`: the front on one page, with smaller text if
/// the content needs it, and "Vem ringer vem" on the back (page 2). A front
/// too long even at the smallest size continues on another page rather than
/// not being printed at all, and the back follows it.
///
/// # Errors
/// Glyph errors for text the fonts lack.
pub fn layout(kit: &Kit, role: Role) -> Result<Document, PrintError> {
    let mut flow = front(kit, role, SCALES[0])?;
    for scale in &SCALES[1..] {
        if flow.page_count() == 1 {
            break;
        }
        flow = front(kit, role, *scale)?;
    }
    back(&mut flow, kit)?;
    flow.finish()
}

/// The back: the diagram, how to read it, and the same calls in words (the
/// picture's text alternative, also what a screen reader gets from the PDF).
/// Its sizes never shrink: it has a page of its own.
fn back(f: &mut Flow, kit: &Kit) -> Result<(), PrintError> {
    const NAME_PT: [f64; 2] = [11.0, 10.0];
    f.new_page()?;
    f.heading("Vem ringer vem vid varje samverkanspunkt", 16.0)?;
    f.paragraph(
        "Den svarta fyrkanten visar vem som ringer, pilspetsen vem som blir uppringd. \
         Pilspetsar åt båda hållen: alla parter ringer varandra vid behov.",
        TextStyle::regular(10.5),
    )?;
    let rows = calls::rows(&kit.settings);
    // Event names stand left of the first lane, which is at half the width.
    let room = f.content_width_mm() * 0.5 - 4.0;
    let fits = |pt: f64| {
        rows.iter()
            .all(|r| font::text_width_mm(&format!("{} {}", r.code, r.name), pt, false) <= room)
    };
    let name_pt = NAME_PT
        .into_iter()
        .find(|pt| fits(*pt))
        .unwrap_or(NAME_PT[1]);
    f.space(2.0);
    super::who_calls_whom(f, kit, name_pt)?;
    f.space(4.0);
    f.heading("Samma sak i ord", 12.0)?;
    let words: Vec<&str> = rows.iter().map(|r| r.sentence.as_str()).collect();
    f.from(&routine_words(kit))
        .bullets(&words, TextStyle::regular(10.5))
}

/// The front at `scale`, as a flow still open for the back.
fn front(kit: &Kit, role: Role, scale: f64) -> Result<Flow, PrintError> {
    let s = &kit.settings;
    let c = checklist::for_role(s, role);
    let words = routine_words(kit);
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
    f.from(&words).heading(
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
        &settings_at(
            kit,
            &[
                &s.service_desk.name,
                &s.service_desk.portal_name,
                &s.switchboard.name,
            ],
        ),
    )?;
    let small = TextStyle::regular(10.0 * scale);
    f.heading("Du ringer", 12.0 * scale)?;
    // "Vänd" on the heading's own line, right-aligned: it takes no height
    // from the front, which is full on the inpatient card.
    let st = f.style();
    let baseline = f.cursor_y_mm() - st.heading_gap_after_mm - st.line_height_mm(12.0 * scale)
        + st.baseline_offset_mm(12.0 * scale);
    f.place(Item::Text {
        x_mm: f.left_mm() + f.content_width_mm(),
        y_mm: baseline,
        size_pt: 10.0 * scale,
        bold: true,
        text: TURN_OVER.to_string(),
        align: Align::Right,
        origin: Origin::new(),
    })?;
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
    f.from(&words).bullets(&makes, small)?;
    for line in checklist::numbers_by_party(&kit.directory, role, s) {
        let labels: std::collections::BTreeSet<&str> = kit
            .directory
            .units
            .iter()
            .flat_map(|u| &u.phones)
            .map(|p| p.label.as_str())
            .filter(|l| line.contains(l))
            .collect();
        let labels: Vec<&str> = labels.into_iter().collect();
        let mut origin = words.clone();
        origin.extend(super::contacts_at(kit, &labels));
        f.from(&origin).paragraph(&line, small)?;
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
    f.from(&words).bullets(&receives, small)?;
    f.heading("Skriv ner på loggbladet", 12.0 * scale)?;
    f.from(&words).bullets(&c.write_down, small)?;
    f.heading("Tiden", 12.0 * scale)?;
    f.from(&words).bullets(&c.time_rules, small)?;
    Ok(f)
}
