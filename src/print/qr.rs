//! QR codes for the printouts (the address of the latest version).
//!
//! Owns turning a URL into a module matrix with its quiet zone. It must not
//! draw or decide sizes: [`crate::print::layout::Item::Qr`] carries the
//! matrix and the PDF writer paints the dark modules as vector squares.

use std::collections::HashMap;

use qrcode::canvas::{Canvas, MaskPattern, Module};
use qrcode::types::QrError;
use qrcode::{Color, EcLevel, Version};

use super::error::PrintError;

/// Width of the light border around the symbol, in modules (the QR
/// standard's minimum).
pub const QUIET_ZONE_MODULES: usize = 4;

/// The QR code for `url` at error correction level M, as rows of modules
/// (`true` = dark), including a [`QUIET_ZONE_MODULES`]-wide light border on
/// every side. The matrix is square; for a 60-character URL it is 41×41.
///
/// # Errors
/// [`PrintError::QrEncode`] when the URL cannot be encoded (too long for the
/// largest QR version).
pub fn qr_modules(url: &str) -> Result<Vec<Vec<bool>>, PrintError> {
    // Pages of a printout share a code (the site's address): encode each
    // text once per process, looked up by hash. Each form sheet has a code
    // of its own, used once, so the cache stops growing at CACHED entries
    // rather than hold a national kit's tens of thousands of sheets.
    const CACHED: usize = 256;
    type Cache = std::sync::Mutex<HashMap<String, Result<Vec<Vec<bool>>, PrintError>>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Ok(guard) = cache.lock()
        && let Some(hit) = guard.get(url)
    {
        return hit.clone();
    }
    let result = encode(url);
    if let Ok(mut guard) = cache.lock()
        && guard.len() < CACHED
    {
        guard.insert(url.to_string(), result.clone());
    }
    result
}

/// The mask every code is drawn with. The standard lets the encoder pick
/// any of the eight; the qrcode crate's choice (the lowest penalty score of
/// all eight) was a third of a build's time once every form sheet carried a
/// code of its own. Readers decode every mask alike (the scan tests read
/// these codes with zbar), and one fixed mask also keeps a code the same
/// whatever the crate's scoring does in a later version.
const MASK: MaskPattern = MaskPattern::Checkerboard;

fn encode(url: &str) -> Result<Vec<Vec<bool>>, PrintError> {
    let failed = |e: QrError| PrintError::QrEncode {
        url: url.to_string(),
        reason: match e {
            QrError::DataTooLong => "adressen är för lång för en QR-kod".to_string(),
            other => other.to_string(),
        },
    };
    // QrCode::with_error_correction_level without its mask search, and
    // with the modules placed from a per-version template (see
    // [`Template`]) instead of drawing a new canvas for every code.
    let bits = qrcode::bits::encode_auto(url.as_bytes(), EcLevel::M).map_err(failed)?;
    let version = bits.version();
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(failed)?;
    let template = Template::of(version).ok_or_else(|| failed(QrError::InvalidVersion))?;
    let width = template.width;
    let total = width + 2 * QUIET_ZONE_MODULES;
    let mut dark = template.masked.clone();
    let mut places = template.order.iter();
    'codewords: for byte in data.iter().chain(&ec) {
        for bit in (0..8).rev() {
            let Some(&at) = places.next() else {
                break 'codewords;
            };
            if byte & (1 << bit) != 0 {
                dark[at as usize] ^= true;
            }
        }
    }
    let mut rows = vec![vec![false; total]; total];
    for (row, line) in rows[QUIET_ZONE_MODULES..]
        .iter_mut()
        .zip(dark.chunks(width))
    {
        row[QUIET_ZONE_MODULES..QUIET_ZONE_MODULES + width].copy_from_slice(line);
    }
    Ok(rows)
}

/// What every code of one QR version shares, made once per process with
/// the qrcode crate's own drawing: a form sheet's code differs from the
/// next sheet's only in its data, and drawing the function patterns,
/// walking the data modules and masking a fresh canvas per code was most
/// of a sheet's cost.
///
/// Placing the data is then one flip per dark bit: a data module is
/// `masked` (its colour when its bit is light, i.e. the mask's colour) and
/// turns to the opposite colour when its bit is dark; modules the data
/// does not reach (remainder bits) keep the light-bit colour, as the crate
/// draws them.
struct Template {
    width: usize,
    /// Every module, row by row, with the data all light, the mask and the
    /// format information applied: the crate's canvas after
    /// `draw_all_functional_patterns` and `apply_mask(MASK)`.
    masked: Vec<bool>,
    /// Index (row × width + column) of each data module in the order the
    /// codewords' bits fill them, most significant bit first.
    order: Vec<u32>,
}

impl Template {
    fn of(version: Version) -> Option<std::sync::Arc<Self>> {
        type Cache = std::sync::Mutex<HashMap<i16, std::sync::Arc<Template>>>;
        static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Ok(guard) = cache.lock()
            && let Some(hit) = guard.get(&version.width())
        {
            return Some(hit.clone());
        }
        let made = std::sync::Arc::new(Self::new(version)?);
        if let Ok(mut guard) = cache.lock() {
            guard.insert(version.width(), made.clone());
        }
        Some(made)
    }

    fn new(version: Version) -> Option<Self> {
        // Only the normal QR versions: encode_auto never picks a Micro QR.
        let Version::Normal(_) = version else {
            return None;
        };
        let w = version.width();
        let width = usize::try_from(w).ok()?;
        let mut canvas = Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        let mut order = Vec::with_capacity(width * width);
        for (x, y) in data_walk(w) {
            if canvas.get(x, y) == Module::Empty {
                order.push(
                    u32::try_from(usize::try_from(y).ok()? * width + usize::try_from(x).ok()?)
                        .ok()?,
                );
            }
        }
        canvas.apply_mask(MASK);
        let masked = canvas
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        Some(Self {
            width,
            masked,
            order,
        })
    }
}

/// The modules of a normal QR symbol `w` modules wide in the standard's
/// placement order (ISO/IEC 18004 7.7.3): two-module columns from the
/// right, upwards and downwards in turn, skipping the vertical timing
/// pattern's column 6; the same walk as the qrcode crate's. Function
/// patterns are included; the caller skips them.
fn data_walk(w: i16) -> impl Iterator<Item = (i16, i16)> {
    const TIMING: i16 = 6;
    let (mut x, mut y) = (w - 1, w - 1);
    std::iter::from_fn(move || {
        let col = if x <= TIMING { x + 1 } else { x };
        if col <= 0 {
            return None;
        }
        let here = (x, y);
        match (w - col) % 4 {
            2 if y > 0 => {
                y -= 1;
                x += 1;
            }
            0 if y < w - 1 => {
                y += 1;
                x += 1;
            }
            0 | 2 if x == TIMING + 1 => x -= 2,
            _ => x -= 1,
        }
        Some(here)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://insidan.example.se/reservrutin-lifecare/utskrifter.html";

    #[test]
    fn matrix_is_square_with_a_light_quiet_zone() {
        let m = qr_modules(URL).expect("URL encodes");
        let n = m.len();
        assert_eq!(
            (n - 2 * QUIET_ZONE_MODULES - 17) % 4,
            0,
            "QR sizes are 17 + 4v"
        );
        assert!(m.iter().all(|row| row.len() == n));
        let z = QUIET_ZONE_MODULES;
        for (r, row) in m.iter().enumerate() {
            for (c, dark) in row.iter().enumerate() {
                let in_zone = r < z || c < z || r >= n - z || c >= n - z;
                assert!(
                    !(in_zone && *dark),
                    "dark module in the quiet zone at {r},{c}"
                );
            }
        }
        // Top-left finder pattern: a dark 7×7 ring starts right after the zone.
        assert!((0..7).all(|k| m[z][z + k] && m[z + 6][z + k] && m[z + k][z]));
        assert!(!m[z + 1][z + 1] && m[z + 2][z + 2]);
    }

    #[test]
    fn same_url_gives_same_matrix_and_too_long_is_an_error() {
        assert_eq!(qr_modules(URL).ok(), qr_modules(URL).ok());
        let long = format!("https://example.se/{}", "x".repeat(5000));
        let err = qr_modules(&long).expect_err("too long");
        assert!(err.to_string().contains("för lång"), "{err}");
    }

    /// The crate's own drawing of `url` with [`MASK`], as `encode` did it
    /// before the templates.
    fn crate_modules(url: &str) -> Vec<bool> {
        let bits = qrcode::bits::encode_auto(url.as_bytes(), EcLevel::M).expect("encodes");
        let version = bits.version();
        let (data, ec) =
            qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).expect("ec");
        let mut canvas = Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        canvas.apply_mask(MASK);
        canvas
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect()
    }

    #[test]
    fn template_placement_equals_the_crates_drawing_module_for_module() {
        let mut urls = Vec::new();
        for sheet in ["AVD-12", "hc-norra-1", "0", "9999999999", "x", "ÅÄÖ-7"] {
            urls.push(format!("{URL}?kit=2026-11-20-3f9c2a&blad={sheet}"));
        }
        for n in 0..400 {
            urls.push(format!("{URL}?kit=v{n}&blad=enhet-{}-{n}", n * 37 % 1000));
        }
        // Every length from a few characters to version 20 or so: numeric,
        // alphanumeric and byte data, so many versions and segmentations.
        for len in (1..700).step_by(7) {
            urls.push("7".repeat(len));
            urls.push("AB".repeat(len / 2 + 1));
            urls.push(format!("https://x.se/{}", "å".repeat(len / 3)));
        }
        let mut versions = std::collections::HashSet::new();
        for url in &urls {
            let ours = encode(url).expect("encodes");
            let n = ours.len() - 2 * QUIET_ZONE_MODULES;
            versions.insert(n);
            let inner: Vec<bool> = ours[QUIET_ZONE_MODULES..QUIET_ZONE_MODULES + n]
                .iter()
                .flat_map(|r| {
                    r[QUIET_ZONE_MODULES..QUIET_ZONE_MODULES + n]
                        .iter()
                        .copied()
                })
                .collect();
            assert_eq!(inner, crate_modules(url), "modules differ for {url:?}");
        }
        assert!(
            versions.len() >= 15,
            "only {} versions tried",
            versions.len()
        );
    }
}
