//! "Vem ringer vem" as inline SVG, drawn from [`crate::model::calls`] (the
//! quick cards draw the same rows on paper), with the calls in words as its
//! text alternative.

use super::markdown::escape;
use crate::model::calls::{self, CallRow};
use crate::model::{Role, Settings};
use std::fmt::Write as _;

const WIDTH: f32 = 340.0;
const TOP: f32 = 34.0;
const ROW: f32 = 40.0;
const LANES: [f32; 3] = [52.0, 170.0, 288.0];

/// The diagram as inline SVG markup. `id` makes the ids of its title and
/// description unique on the page.
pub fn svg(s: &Settings, id: &str) -> String {
    let rows = calls::rows(s);
    let height = TOP + ROW * rows.len() as f32 + 6.0;
    let words: Vec<&str> = rows.iter().map(|r| r.sentence.as_str()).collect();
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"diagram\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-labelledby=\"{id}-titel {id}-text\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-titel\">Vem ringer vem vid varje samverkanspunkt</title>\
         <desc id=\"{id}-text\">{}</desc>",
        escape(&words.join(" "))
    );
    out.push_str(
        "<defs><marker id=\"pil\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0 0L10 5L0 10z\" fill=\"#00558c\"/></marker></defs>",
    );
    for role in Role::ALL {
        let x = LANES[calls::lane(role)];
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"16\" text-anchor=\"middle\" class=\"roll\">{}</text>\
             <line x1=\"{x}\" y1=\"24\" x2=\"{x}\" y2=\"{}\" class=\"bana\"/>",
            escape(&s.role(role).name),
            height - 4.0
        );
    }
    for (i, r) in rows.iter().enumerate() {
        row(&mut out, r, TOP + ROW * i as f32);
    }
    out.push_str("</svg>");
    out
}

fn row(out: &mut String, r: &CallRow, y: f32) {
    let _ = write!(
        out,
        "<text x=\"4\" y=\"{}\" class=\"handelse\">{} {}</text>",
        y + 12.0,
        r.code,
        escape(&r.name)
    );
    let ay = y + 26.0;
    for a in r.arrows() {
        let (x0, x1) = (LANES[a.start], LANES[a.end]);
        let dir = if x1 > x0 { 1.0 } else { -1.0 };
        let (start, end) = (x0 + dir * if a.both { 6.0 } else { 4.0 }, x1 - dir * 6.0);
        let class = if a.both { "samtal alla" } else { "samtal" };
        let head_start = if a.both {
            " marker-start=\"url(#pil)\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<line x1=\"{start}\" y1=\"{ay}\" x2=\"{end}\" y2=\"{ay}\" class=\"{class}\"{head_start} \
             marker-end=\"url(#pil)\"/>"
        );
    }
    for lane in r.dots() {
        let _ = write!(
            out,
            "<circle cx=\"{}\" cy=\"{ay}\" r=\"4\" class=\"fran\"/>",
            LANES[lane]
        );
    }
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
        assert!(svg.contains("3 Utskrivningsklar: Slutenvård ringer kommun och öppenvård."));
        assert!(svg.contains("7 Redo för hemtagning: Kommun ringer slutenvård."));
        assert!(svg.contains("<desc id=\"d-text\">"));
        // Event 6: öppenvård in the middle lane calls both sides.
        let six = svg.split(">6 ").nth(1).expect("row 6");
        let six = &six[..six.find(">7 ").expect("row 7")];
        assert_eq!(six.matches("marker-end").count(), 2);
    }
}
