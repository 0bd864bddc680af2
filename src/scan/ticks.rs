//! Reading a tick box: how much ink is inside it once its printed border is
//! taken away, and what that means with how sure the reading is.
//!
//! The box is resampled upright at 10 samples per mm around where the
//! layout puts it; the printed border is found within ±0.8 mm (the scan's
//! registration is good to a fraction of that) and a 0.5 mm band inside it
//! is left out, so the border never counts as ink. A tick or a cross
//! covers part of the inside; a box filled in covers nearly all of it, and
//! on this form a filled box is how a tick is taken back (the rule is
//! printed under the table).

use serde::Serialize;

use super::gray::Gray;
use super::layout::Rect;
use super::register::Homography;

/// Samples per mm.
const RES: f64 = 10.0;
/// How far the printed border is looked for from where the layout puts it,
/// in samples.
const SEARCH: i32 = 8;
/// Left out inside the border, in samples.
const INSET: i32 = 5;

/// Below this share of ink a box is empty; from [`MARK_MIN`] it is ticked.
pub const EMPTY_MAX: f64 = 0.05;
pub const MARK_MIN: f64 = 0.10;
/// Up to this a box is ticked; from [`FILLED_MIN`] it is filled (taken
/// back).
pub const MARK_MAX: f64 = 0.55;
pub const FILLED_MIN: f64 = 0.75;
/// Readings less sure than this are shown for a person to check.
pub const SURE: f64 = 0.5;

/// What a box holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Nothing.
    Tom,
    /// A tick or a cross.
    Kryss,
    /// Filled in: a tick taken back.
    Ifylld,
}

/// One box read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reading {
    pub mark: Mark,
    /// Share of the inside covered by ink, 0–1.
    pub ink: f64,
    /// 0 (a coin toss) to 1 (far from any boundary).
    pub confidence: f64,
    /// Where the printed border was found, mm from where the layout says.
    #[serde(skip)]
    pub shift: (f64, f64),
}

/// What a share of ink means, and how sure that is: 1 at the edge of each
/// band, falling to 0 at the middle of the gap between two bands.
pub fn classify(ink: f64) -> (Mark, f64) {
    let gap = |lo: f64, hi: f64, x: f64| -> f64 {
        ((x - (lo + hi) / 2.0).abs() / ((hi - lo) / 2.0)).min(1.0)
    };
    let low_mid = (EMPTY_MAX + MARK_MIN) / 2.0;
    let high_mid = (MARK_MAX + FILLED_MIN) / 2.0;
    if ink < low_mid {
        (Mark::Tom, gap(EMPTY_MAX, MARK_MIN, ink))
    } else if ink < high_mid {
        let c = if ink < MARK_MIN {
            gap(EMPTY_MAX, MARK_MIN, ink)
        } else {
            gap(MARK_MAX, FILLED_MIN, ink)
        };
        (Mark::Kryss, c)
    } else {
        (Mark::Ifylld, gap(MARK_MAX, FILLED_MIN, ink))
    }
}

/// Reads the box at `rect` (mm).
pub fn read_box(page: &Gray, h: &Homography, rect: Rect, threshold: u8) -> Reading {
    let side_x = (rect.w * RES).round() as i32;
    let side_y = (rect.h * RES).round() as i32;
    let n_x = side_x + 2 * SEARCH + 1;
    let n_y = side_y + 2 * SEARCH + 1;
    let ox = rect.x - f64::from(SEARCH) / RES;
    let oy = rect.y - f64::from(SEARCH) / RES;
    let t = f64::from(threshold);
    let mut ink = vec![false; (n_x * n_y) as usize];
    for j in 0..n_y {
        for i in 0..n_x {
            let (px, py) = h.map(ox + f64::from(i) / RES, oy + f64::from(j) / RES);
            ink[(j * n_x + i) as usize] = page.sample(px, py) < t;
        }
    }
    let at = |i: i32, j: i32| ink[(j * n_x + i) as usize];
    // The border: the offset where the square outline covers the most ink;
    // of equal ones, the nearest to where the layout says.
    let mut best = (i64::MIN, 0, 0);
    for dy in -SEARCH..=SEARCH {
        for dx in -SEARCH..=SEARCH {
            let (x0, y0) = (SEARCH + dx, SEARCH + dy);
            let mut hits = 0i64;
            for k in 0..=side_x {
                hits += i64::from(at(x0 + k, y0)) + i64::from(at(x0 + k, y0 + side_y));
            }
            for k in 1..side_y {
                hits += i64::from(at(x0, y0 + k)) + i64::from(at(x0 + side_x, y0 + k));
            }
            let score = hits * 64 - i64::from(dx.abs() + dy.abs());
            if score > best.0 {
                best = (score, dx, dy);
            }
        }
    }
    let (_, dx, dy) = best;
    let (x0, y0) = (SEARCH + dx, SEARCH + dy);
    let (mut inked, mut total) = (0u32, 0u32);
    for j in INSET..=side_y - INSET {
        for i in INSET..=side_x - INSET {
            total += 1;
            inked += u32::from(at(x0 + i, y0 + j));
        }
    }
    let share = f64::from(inked) / f64::from(total.max(1));
    let (mark, confidence) = classify(share);
    Reading {
        mark,
        ink: share,
        confidence,
        shift: (f64::from(dx) / RES, f64::from(dy) / RES),
    }
}

/// Share of ink inside a handwriting field, `inset` mm in from its edges
/// (so the printed cell lines do not count), sampled every 0.25 mm.
pub fn field_ink(page: &Gray, h: &Homography, rect: Rect, inset: f64, threshold: u8) -> f64 {
    let step = 0.25;
    let nx = ((rect.w - 2.0 * inset) / step).floor().max(0.0) as u32;
    let ny = ((rect.h - 2.0 * inset) / step).floor().max(0.0) as u32;
    let t = f64::from(threshold);
    let mut inked = 0u32;
    for j in 0..ny {
        for i in 0..nx {
            let (px, py) = h.map(
                rect.x + inset + (f64::from(i) + 0.5) * step,
                rect.y + inset + (f64::from(j) + 0.5) * step,
            );
            inked += u32::from(page.sample(px, py) < t);
        }
    }
    f64::from(inked) / f64::from((nx * ny).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page at 8 px/mm with a printed 4 mm box at (10, 10) mm and
    /// whatever `draw` adds, in mm.
    fn page_with_box(draw: impl Fn(f64, f64) -> bool) -> (Gray, Homography) {
        let per_mm = 8.0;
        let mut g = Gray::white(200, 200);
        for y in 0..200 {
            for x in 0..200 {
                let mx = (x as f64 + 0.5) / per_mm;
                let my = (y as f64 + 0.5) / per_mm;
                let on_border = (mx - 10.0).abs() < 0.12 && (10.0..14.0).contains(&my)
                    || (mx - 14.0).abs() < 0.12 && (10.0..14.0).contains(&my)
                    || (my - 10.0).abs() < 0.12 && (10.0..14.0).contains(&mx)
                    || (my - 14.0).abs() < 0.12 && (10.0..14.0).contains(&mx);
                if on_border || draw(mx, my) {
                    g.set(x, y, 20);
                }
            }
        }
        let from = [(0.0, 0.0), (25.0, 0.0), (0.0, 25.0), (25.0, 25.0)];
        let to = from.map(|(x, y)| (x * per_mm, y * per_mm));
        (g, Homography::through(from, to).expect("solvable"))
    }

    const BOX: Rect = Rect {
        x: 10.0,
        y: 10.0,
        w: 4.0,
        h: 4.0,
    };

    #[test]
    fn an_empty_box_is_empty_and_sure_even_slightly_off_register() {
        let (g, h) = page_with_box(|_, _| false);
        let off = Rect {
            x: 10.4,
            y: 9.7,
            ..BOX
        };
        let r = read_box(&g, &h, off, 128);
        assert_eq!(r.mark, Mark::Tom, "{r:?}");
        assert!(r.confidence > 0.9, "{r:?}");
    }

    #[test]
    fn a_cross_is_a_tick() {
        let (g, h) = page_with_box(|x, y| {
            let (u, v) = (x - 10.0, y - 10.0);
            (0.5..3.5).contains(&u) && ((u - v).abs() < 0.3 || (u + v - 4.0).abs() < 0.3)
        });
        let r = read_box(&g, &h, BOX, 128);
        assert_eq!(r.mark, Mark::Kryss, "{r:?}");
        assert!(r.confidence >= SURE, "{r:?}");
    }

    #[test]
    fn a_filled_box_is_taken_back() {
        let (g, h) = page_with_box(|x, y| (10.2..13.8).contains(&x) && (10.2..13.8).contains(&y));
        let r = read_box(&g, &h, BOX, 128);
        assert_eq!(r.mark, Mark::Ifylld, "{r:?}");
    }

    #[test]
    fn confidence_falls_to_nothing_between_the_bands() {
        assert_eq!(classify(0.0), (Mark::Tom, 1.0));
        let (_, c) = classify((EMPTY_MAX + MARK_MIN) / 2.0 + 1e-9);
        assert!(c < 0.01, "{c}");
        assert_eq!(classify(0.3).0, Mark::Kryss);
        assert_eq!(classify(0.95), (Mark::Ifylld, 1.0));
    }
}
