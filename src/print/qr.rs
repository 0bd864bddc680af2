//! QR codes for the printouts (the address of the latest version).
//!
//! Owns turning a URL into a module matrix with its quiet zone. It must not
//! draw or decide sizes: [`crate::print::layout::Item::Qr`] carries the
//! matrix and the PDF writer paints the dark modules as vector squares.

use std::collections::HashMap;

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::types::QrError;
use qrcode::{Color, EcLevel};

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
    // QrCode::with_error_correction_level without its mask search.
    let bits = qrcode::bits::encode_auto(url.as_bytes(), EcLevel::M).map_err(failed)?;
    let version = bits.version();
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(failed)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    canvas.apply_mask(MASK);
    let width = usize::try_from(version.width()).map_err(|_| failed(QrError::InvalidVersion))?;
    let colors = canvas.into_colors();
    let total = width + 2 * QUIET_ZONE_MODULES;
    let mut rows = vec![vec![false; total]; total];
    for (i, color) in colors.into_iter().enumerate() {
        rows[QUIET_ZONE_MODULES + i / width][QUIET_ZONE_MODULES + i % width] = color == Color::Dark;
    }
    Ok(rows)
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
}
