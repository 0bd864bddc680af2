//! "Vem ringer vem": an SVG picture of the calls between the three roles,
//! drawn from the events in kit.yaml, with the same calls in words as its
//! text alternative. One lane per role, one row per event: a dot where the
//! call starts, an arrowhead at each party that is called.

use crate::markdown::escape;
use crate::model::{Event, Reporter, Role, Settings};
use std::fmt::Write as _;

const WIDTH: f32 = 340.0;
const TOP: f32 = 34.0;
const ROW: f32 = 40.0;
const LANES: [f32; 3] = [52.0, 170.0, 288.0];

fn lane(role: Role) -> f32 {
    let i = Role::ALL.iter().position(|r| *r == role).unwrap_or(0);
    LANES[i]
}

/// One sentence per event: "Slutenvård ringer kommun och öppenvård".
pub fn sentences(s: &Settings) -> Vec<String> {
    s.events.iter().map(sentence).collect()
}

fn sentence(e: &Event) -> String {
    let to = crate::model::checklist::join_roles(&e.reported_to).to_lowercase();
    match e.reported_by {
        Reporter::Role(r) => format!("{} {}: {} ringer {to}.", e.code, e.name, r.name()),
        Reporter::Anyone => format!(
            "{} {}: alla parter ringer varandra vid behov.",
            e.code, e.name
        ),
    }
}

/// The diagram as inline SVG markup. `id` makes the ids of its title and
/// description unique on the page.
pub fn svg(s: &Settings, id: &str) -> String {
    let height = TOP + ROW * s.events.len() as f32 + 6.0;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"diagram\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-labelledby=\"{id}-titel {id}-text\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-titel\">Vem ringer vem vid varje samverkanspunkt</title>\
         <desc id=\"{id}-text\">{}</desc>",
        escape(&sentences(s).join(" "))
    );
    out.push_str(
        "<defs><marker id=\"pil\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0 0L10 5L0 10z\" fill=\"#00558c\"/></marker></defs>",
    );
    for role in Role::ALL {
        let x = lane(role);
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"16\" text-anchor=\"middle\" class=\"roll\">{}</text>\
             <line x1=\"{x}\" y1=\"24\" x2=\"{x}\" y2=\"{}\" class=\"bana\"/>",
            escape(role.name()),
            height - 4.0
        );
    }
    for (i, e) in s.events.iter().enumerate() {
        let y = TOP + ROW * i as f32;
        let _ = write!(
            out,
            "<text x=\"4\" y=\"{}\" class=\"handelse\">{} {}</text>",
            y + 12.0,
            e.code,
            escape(&e.name)
        );
        let ay = y + 26.0;
        match e.reported_by {
            Reporter::Role(from) => {
                let x0 = lane(from);
                let _ = write!(
                    out,
                    "<circle cx=\"{x0}\" cy=\"{ay}\" r=\"4\" class=\"fran\"/>"
                );
                for to in &e.reported_to {
                    if *to == from {
                        continue;
                    }
                    let x1 = lane(*to);
                    // Stop short of the lane so the arrowhead touches it.
                    let end = if x1 > x0 { x1 - 6.0 } else { x1 + 6.0 };
                    let start = if x1 > x0 { x0 + 4.0 } else { x0 - 4.0 };
                    let _ = write!(
                        out,
                        "<line x1=\"{start}\" y1=\"{ay}\" x2=\"{end}\" y2=\"{ay}\" \
                         class=\"samtal\" marker-end=\"url(#pil)\"/>"
                    );
                }
            }
            Reporter::Anyone => {
                let (x0, x1) = (LANES[0], LANES[2]);
                let _ = write!(
                    out,
                    "<line x1=\"{}\" y1=\"{ay}\" x2=\"{}\" y2=\"{ay}\" class=\"samtal alla\" \
                     marker-start=\"url(#pil)\" marker-end=\"url(#pil)\"/>",
                    x0 + 6.0,
                    x1 - 6.0
                );
                for x in LANES {
                    let _ = write!(
                        out,
                        "<circle cx=\"{x}\" cy=\"{ay}\" r=\"4\" class=\"fran\"/>"
                    );
                }
            }
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_a_row_and_a_sentence() {
        let kit = crate::reconcile::testing::kit();
        let svg = svg(&kit.settings, "d");
        for e in &kit.settings.events {
            assert!(svg.contains(&format!(">{} {}</text>", e.code, escape(&e.name))));
        }
        let text = sentences(&kit.settings).join(" ");
        assert!(text.contains("3 Utskrivningsklar: Slutenvård ringer kommun och öppenvård."));
        assert!(text.contains("7 Redo för hemtagning: Kommun ringer slutenvård."));
        assert!(svg.contains("<desc id=\"d-text\">"));
    }
}
