//! Finding the form on a scanned page: the four registration marks, the
//! transform from the layout's millimetres to the page's pixels (rotation,
//! scale, offset and a little perspective, as a homography through the
//! four marks), which way up the page lies, and the QR code.
//!
//! It never guesses: a page without four marks, or whose QR code cannot be
//! read, is an error saying what was looked for.

use super::gray::Gray;
use super::layout::Layout;

/// The transform from layout millimetres to image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homography([f64; 8]);

impl Homography {
    /// The homography taking each `from[i]` to `to[i]`; `None` when three
    /// of the points are on a line.
    pub fn through(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> Option<Homography> {
        let mut a = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let (x, y) = from[i];
            let (u, v) = to[i];
            a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        for col in 0..8 {
            let pivot = (col..8).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))?;
            if a[pivot][col].abs() < 1e-12 {
                return None;
            }
            a.swap(col, pivot);
            for r in 0..8 {
                if r != col {
                    let f = a[r][col] / a[col][col];
                    let pivot_row = a[col];
                    for (cell, p) in a[r].iter_mut().zip(pivot_row).skip(col) {
                        *cell -= f * p;
                    }
                }
            }
        }
        let mut h = [0.0; 8];
        for i in 0..8 {
            h[i] = a[i][8] / a[i][i];
        }
        Some(Homography(h))
    }

    /// The pixel position of a point given in mm.
    pub fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let h = &self.0;
        let d = h[6] * x + h[7] * y + 1.0;
        (
            (h[0] * x + h[1] * y + h[2]) / d,
            (h[3] * x + h[4] * y + h[5]) / d,
        )
    }

    /// Pixels per millimetre near the point (x, y) mm.
    pub fn scale_at(&self, x: f64, y: f64) -> f64 {
        let (a, b) = self.map(x, y);
        let (c, d) = self.map(x + 1.0, y);
        (c - a).hypot(d - b)
    }
}

/// Where the form is on a page and what its QR code says.
#[derive(Debug, Clone, PartialEq)]
pub struct Registered {
    pub transform: Homography,
    /// Quarter turns clockwise the page was scanned at (2 = upside down).
    pub turned: u32,
    /// The image pixels of the four marks' centres.
    pub marks: [(f64, f64); 4],
    /// The QR code's text.
    pub qr: String,
}

const CORNER_NAMES: [&str; 4] = [
    "uppe till vänster",
    "uppe till höger",
    "nere till vänster",
    "nere till höger",
];

/// Finds the marks and reads the QR code.
///
/// # Errors
/// A Swedish message naming what was not found: marks missing in some
/// corners, marks not in the shape of the form, or no readable QR code.
pub fn register(page: &Gray, layout: &Layout, threshold: u8) -> Result<Registered, String> {
    let long_mm = layout.page.width.max(layout.page.height);
    let scale = page.w.max(page.h) as f64 / long_mm;
    let mark_mm = layout.registration_marks[0].size;
    let mut found = [None; 4];
    for (corner, slot) in found.iter_mut().enumerate() {
        *slot = find_mark(page, corner, scale, mark_mm, threshold);
    }
    let missing: Vec<&str> = (0..4)
        .filter(|&i| found[i].is_none())
        .map(|i| CORNER_NAMES[i])
        .collect();
    if missing.len() == 4 {
        return Err(format!(
            "hittade inga registreringsmärken (väntade fyllda kvadrater på {mark_mm:.0} mm i sidans fyra hörn); är det en sida av blanketten?"
        ));
    }
    let [Some(tl), Some(tr), Some(bl), Some(br)] = found else {
        return Err(format!(
            "hittade registreringsmärken i {} av 4 hörn (saknas {}); skanna hela sidan",
            4 - missing.len(),
            missing.join(", ")
        ));
    };
    let m = &layout.registration_marks;
    let layout_pts = [
        (m[0].cx, m[0].cy),
        (m[1].cx, m[1].cy),
        (m[2].cx, m[2].cy),
        (m[3].cx, m[3].cy),
    ];
    let span_w = m[1].cx - m[0].cx;
    let span_h = m[2].cy - m[0].cy;
    let dist = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).hypot(a.1 - b.1);
    let horizontal = (dist(tl, tr) + dist(bl, br)) / 2.0;
    let vertical = (dist(tl, bl) + dist(tr, br)) / 2.0;
    let (long_px, short_px) = (horizontal.max(vertical), horizontal.min(vertical));
    let want = span_w.max(span_h) / span_w.min(span_h);
    if ((long_px / short_px) / want - 1.0).abs() > 0.05 {
        return Err(format!(
            "märkena i hörnen står inte som blankettens (förhållandet {:.2}, väntade {want:.2}); är det en sida av blanketten?",
            long_px / short_px
        ));
    }
    // Image corners in the order of the layout's marks, for each way the
    // page may lie: upright, a quarter turn clockwise, upside down, three
    // quarters.
    let upright = [tl, tr, bl, br];
    let turns: [(u32, [(f64, f64); 4]); 4] = [
        (0, upright),
        (1, [tr, br, tl, bl]),
        (2, [br, bl, tr, tl]),
        (3, [bl, tl, br, tr]),
    ];
    let landscape_layout = span_w >= span_h;
    let landscape_page = horizontal >= vertical;
    let mut candidates: Vec<(u32, Homography, f64)> = turns
        .iter()
        .filter(|(q, _)| (q % 2 == 0) == (landscape_layout == landscape_page))
        .filter_map(|(q, pts)| {
            let h = Homography::through(layout_pts, *pts)?;
            Some((*q, h, qr_darkness(page, layout, &h, threshold)))
        })
        .collect();
    candidates.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    for (turned, transform, _) in &candidates {
        if let Some(qr) = read_qr(page, layout, transform) {
            return Ok(Registered {
                transform: *transform,
                turned: *turned,
                marks: upright,
                qr,
            });
        }
    }
    Err("hittade de fyra registreringsmärkena men kunde inte läsa QR-koden uppe till höger; skanna om sidan (minst 150 dpi)".to_string())
}

/// The centre of the registration mark nearest image corner `corner`
/// (0 top left, 1 top right, 2 bottom left, 3 bottom right).
fn find_mark(
    page: &Gray,
    corner: usize,
    scale: f64,
    mark_mm: f64,
    threshold: u8,
) -> Option<(f64, f64)> {
    let win = ((42.0 * scale) as usize).min(page.w / 2).min(page.h / 2);
    if win < 8 {
        return None;
    }
    let x0 = if corner.is_multiple_of(2) {
        0
    } else {
        page.w - win
    };
    let y0 = if corner < 2 { 0 } else { page.h - win };
    let mut ink = vec![false; win * win];
    for y in 0..win {
        let row = &page.px[(y0 + y) * page.w + x0..(y0 + y) * page.w + x0 + win];
        for (x, &p) in row.iter().enumerate() {
            ink[y * win + x] = p < threshold;
        }
    }
    let side = mark_mm * scale;
    let (cx, cy) = (
        if corner.is_multiple_of(2) {
            0.0
        } else {
            win as f64
        },
        if corner < 2 { 0.0 } else { win as f64 },
    );
    let mut best: Option<(f64, (f64, f64))> = None;
    let mut seen = vec![false; win * win];
    let mut stack = Vec::new();
    for start in 0..win * win {
        if !ink[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut n, mut sx, mut sy) = (0usize, 0.0f64, 0.0f64);
        let (mut minx, mut maxx, mut miny, mut maxy) = (win, 0, win, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % win, i / win);
            n += 1;
            sx += x as f64;
            sy += y as f64;
            minx = minx.min(x);
            maxx = maxx.max(x);
            miny = miny.min(y);
            maxy = maxy.max(y);
            let mut push = |j: usize| {
                if ink[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                push(i - 1);
            }
            if x + 1 < win {
                push(i + 1);
            }
            if y > 0 {
                push(i - win);
            }
            if y + 1 < win {
                push(i + win);
            }
        }
        let bw = (maxx - minx + 1) as f64;
        let bh = (maxy - miny + 1) as f64;
        let area = n as f64;
        let fits = (0.7 * side..=1.5 * side).contains(&bw)
            && (0.7 * side..=1.5 * side).contains(&bh)
            && (0.6..=1.4).contains(&(area / (side * side)))
            && area / (bw * bh) > 0.65;
        if !fits {
            continue;
        }
        let c = (sx / area + 0.5, sy / area + 0.5);
        let d = (c.0 - cx).hypot(c.1 - cy);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, (x, y))| (x + x0 as f64, y + y0 as f64))
}

/// Share of dark samples where the QR code should be, to try the likelier
/// way up first.
fn qr_darkness(page: &Gray, layout: &Layout, h: &Homography, threshold: u8) -> f64 {
    let q = &layout.qr;
    let n = 24;
    let mut dark = 0;
    for j in 0..n {
        for i in 0..n {
            let x = q.x + q.w * (f64::from(i) + 0.5) / f64::from(n);
            let y = q.y + q.h * (f64::from(j) + 0.5) / f64::from(n);
            let (px, py) = h.map(x, y);
            if page.sample(px, py) < f64::from(threshold) {
                dark += 1;
            }
        }
    }
    f64::from(dark) / f64::from(n * n)
}

/// Reads the QR code where the layout puts it: the region is resampled
/// upright at about 8 pixels per mm (so the code's modules are 4 pixels or
/// more whatever the scan's resolution) and handed to rqrr.
fn read_qr(page: &Gray, layout: &Layout, h: &Homography) -> Option<String> {
    let q = &layout.qr;
    let margin = 2.0;
    for per_mm in [8.0, 6.0, 12.0] {
        let w = ((q.w + 2.0 * margin) * per_mm) as usize;
        let hgt = ((q.h + 2.0 * margin) * per_mm) as usize;
        let mut crop = Gray::white(w, hgt);
        for y in 0..hgt {
            for x in 0..w {
                let mx = q.x - margin + (x as f64 + 0.5) / per_mm;
                let my = q.y - margin + (y as f64 + 0.5) / per_mm;
                let (px, py) = h.map(mx, my);
                crop.set(x, y, page.sample(px, py) as u8);
            }
        }
        // As sampled, then cut at the code's own threshold: a blurred code
        // at 150 dpi is read more often with its grey edges decided.
        let cut = crop.ink_threshold();
        for binary in [false, true] {
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, hgt, |x, y| {
                let v = crop.get(x, y);
                if !binary {
                    v
                } else if v < cut {
                    0
                } else {
                    255
                }
            });
            for grid in img.detect_grids() {
                if let Ok((_, text)) = grid.decode() {
                    return Some(text);
                }
            }
        }
    }
    read_qr_modules(page, layout, h)
}

/// The last resort for a code too blurred for rqrr to find: the layout
/// says where the code is to a fraction of a module, so each module is
/// sampled where it must be, for every size the code may have (versions 1
/// to 10, a quiet zone of four modules) and a few small offsets.
fn read_qr_modules(page: &Gray, layout: &Layout, h: &Homography) -> Option<String> {
    let q = &layout.qr;
    for version in 1..=10usize {
        let n = 17 + 4 * version;
        let module = q.w / (n + 8) as f64;
        let value = |i: usize, j: usize, dx: f64, dy: f64| -> f64 {
            let cx = q.x + (4.0 + i as f64 + 0.5) * module + dx;
            let cy = q.y + (4.0 + j as f64 + 0.5) * module + dy;
            let r = module * 0.2;
            let mut sum = 0.0;
            for (ox, oy) in [(0.0, 0.0), (-r, 0.0), (r, 0.0), (0.0, -r), (0.0, r)] {
                let (px, py) = h.map(cx + ox, cy + oy);
                sum += page.sample(px, py);
            }
            sum / 5.0
        };
        let step = module * 0.3;
        for (dx, dy) in [
            (0.0, 0.0),
            (-step, 0.0),
            (step, 0.0),
            (0.0, -step),
            (0.0, step),
            (-step, -step),
            (step, step),
            (-step, step),
            (step, -step),
        ] {
            let values: Vec<f64> = (0..n * n).map(|k| value(k % n, k / n, dx, dy)).collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            // About half of a code's modules are dark.
            let cut = (sorted[n * n / 10] + sorted[n * n * 9 / 10]) / 2.0;
            let grid = rqrr::SimpleGrid::from_func(n, |x, y| values[y * n + x] < cut);
            if let Ok((_, text)) = rqrr::Grid::new(grid).decode() {
                return Some(text);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_homography_through_four_points_maps_them_exactly() {
        let from = [(8.0, 8.0), (289.0, 8.0), (8.0, 202.0), (289.0, 202.0)];
        let to = [
            (50.0, 40.0),
            (1700.0, 60.0),
            (45.0, 1180.0),
            (1690.0, 1200.0),
        ];
        let h = Homography::through(from, to).expect("solvable");
        for (f, t) in from.iter().zip(to) {
            let (x, y) = h.map(f.0, f.1);
            assert!(
                (x - t.0).abs() < 1e-6 && (y - t.1).abs() < 1e-6,
                "{x},{y} vs {t:?}"
            );
        }
        let s = h.scale_at(148.0, 105.0);
        assert!((5.5..6.2).contains(&s), "{s}");
    }

    #[test]
    fn three_points_on_a_line_give_no_homography() {
        let from = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (0.0, 1.0)];
        assert!(Homography::through(from, from).is_none());
    }
}
