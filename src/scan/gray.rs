//! A greyscale page image (0 = black, 255 = white) and the few operations
//! the reader needs on it: sampling between pixels, the ink threshold and
//! turning by quarter turns.
//!
//! It knows nothing about the form; it must not decode files (that is
//! [`super::source`]).

/// A greyscale image, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gray {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

impl Gray {
    /// A white image.
    pub fn white(w: usize, h: usize) -> Gray {
        Gray {
            w,
            h,
            px: vec![255; w * h],
        }
    }

    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.px[y * self.w + x]
    }

    pub fn set(&mut self, x: usize, y: usize, v: u8) {
        let w = self.w;
        self.px[y * w + x] = v;
    }

    /// The grey value at (x, y) in pixel units (pixel centres at +0.5),
    /// interpolated between the four nearest pixels; white outside.
    pub fn sample(&self, x: f64, y: f64) -> f64 {
        let fx = x - 0.5;
        let fy = y - 0.5;
        if !(fx > -1.0 && fy > -1.0 && fx < self.w as f64 && fy < self.h as f64) {
            return 255.0;
        }
        let x0 = fx.floor();
        let y0 = fy.floor();
        let ax = fx - x0;
        let ay = fy - y0;
        let (x0, y0) = (x0 as i64, y0 as i64);
        let at = |x: i64, y: i64| -> f64 {
            if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 {
                255.0
            } else {
                f64::from(self.px[y as usize * self.w + x as usize])
            }
        };
        let top = at(x0, y0) * (1.0 - ax) + at(x0 + 1, y0) * ax;
        let bottom = at(x0, y0 + 1) * (1.0 - ax) + at(x0 + 1, y0 + 1) * ax;
        top * (1.0 - ay) + bottom * ay
    }

    /// The grey level that separates ink from paper: Otsu's threshold over
    /// every pixel, kept between 60 and 200 so that an almost empty page
    /// does not call paper texture ink.
    pub fn ink_threshold(&self) -> u8 {
        let mut hist = [0u64; 256];
        for &p in &self.px {
            hist[usize::from(p)] += 1;
        }
        let total: u64 = hist.iter().sum();
        if total == 0 {
            return 128;
        }
        let sum_all: f64 = hist
            .iter()
            .enumerate()
            .map(|(i, &c)| i as f64 * c as f64)
            .sum();
        let (mut w_b, mut sum_b) = (0.0f64, 0.0f64);
        // Of equal splits (an empty stretch of the histogram), the middle.
        let (mut best, mut best_t, mut best_end) = (0.0f64, 128usize, 128usize);
        for (t, &c) in hist.iter().enumerate() {
            w_b += c as f64;
            if w_b == 0.0 {
                continue;
            }
            let w_f = total as f64 - w_b;
            if w_f == 0.0 {
                break;
            }
            sum_b += t as f64 * c as f64;
            let m_b = sum_b / w_b;
            let m_f = (sum_all - sum_b) / w_f;
            let between = w_b * w_f * (m_b - m_f) * (m_b - m_f);
            if between > best * (1.0 + 1e-12) {
                best = between;
                best_t = t;
                best_end = t;
            } else if between >= best * (1.0 - 1e-12) {
                best_end = t;
            }
        }
        ((best_t + best_end) / 2).clamp(60, 200) as u8
    }

    /// The image turned a quarter turn clockwise `quarters` times.
    pub fn rotated(&self, quarters: u32) -> Gray {
        match quarters % 4 {
            0 => self.clone(),
            2 => {
                let mut px = self.px.clone();
                px.reverse();
                Gray {
                    w: self.w,
                    h: self.h,
                    px,
                }
            }
            q => {
                let (w, h) = (self.h, self.w);
                let mut out = Gray::white(w, h);
                for y in 0..h {
                    for x in 0..w {
                        let v = if q == 1 {
                            self.get(y, self.h - 1 - x)
                        } else {
                            self.get(self.w - 1 - y, x)
                        };
                        out.set(x, y, v);
                    }
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turns_move_the_top_left_pixel_to_the_right_corner() {
        let mut g = Gray::white(3, 2);
        g.set(0, 0, 0);
        let r = g.rotated(1);
        assert_eq!((r.w, r.h), (2, 3));
        assert_eq!(r.get(1, 0), 0);
        let r = g.rotated(3);
        assert_eq!(r.get(0, 2), 0);
        let r = g.rotated(2);
        assert_eq!(r.get(2, 1), 0);
    }

    #[test]
    fn the_ink_threshold_falls_between_paper_and_ink() {
        let mut g = Gray::white(100, 100);
        for i in 0..2000 {
            g.px[i] = 30;
        }
        let t = g.ink_threshold();
        assert!(t > 100 && t < 200, "{t}");
    }
}
