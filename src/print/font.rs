//! The two embedded fonts (Reservkit Sans regular and bold) and their metrics.
//!
//! Owns the font bytes, text width from the fonts' own glyph advances, the
//! list of characters the fonts lack, and word wrapping. It must not draw
//! anything or import the PDF library; it reads only the `cmap`, `hmtx`,
//! `hhea` and `head` tables, parsed once per process.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Reservkit Sans, a subset of DejaVu Sans (see `fonts/README.md`).
pub const REGULAR_TTF: &[u8] = include_bytes!("fonts/ReservkitSans.ttf");
/// Reservkit Sans Bold, a subset of DejaVu Sans Bold.
pub const BOLD_TTF: &[u8] = include_bytes!("fonts/ReservkitSans-Bold.ttf");

/// Millimetres per typographic point.
pub const MM_PER_PT: f64 = 25.4 / 72.0;

/// Advance widths of one font, keyed by character.
#[derive(Debug)]
struct Metrics {
    units_per_em: f64,
    advances: BTreeMap<char, u16>,
    notdef_advance: u16,
    /// `advances` for U+0000–U+00FF as a flat table: nearly every character
    /// the kit prints is here, and text width is on the hot path of layout.
    latin: [Option<u16>; 256],
    /// Glyph id of each character the font has.
    gids: BTreeMap<char, u16>,
    /// `gids` for U+0000–U+00FF (0: none), for writing text into PDFs.
    latin_gids: [u16; 256],
    /// Advance width of every glyph id, in font units.
    glyph_advances: Vec<u16>,
    /// hhea ascender and descender, head bounding box (x min, y min,
    /// x max, y max), in font units, and the OS/2 weight class (0 without
    /// an OS/2 table).
    ascent: i16,
    descent: i16,
    bbox: [i16; 4],
    weight_class: u16,
}

impl Metrics {
    fn advance(&self, c: char) -> Option<u16> {
        match usize::try_from(u32::from(c)) {
            Ok(i) if i < 256 => self.latin[i],
            _ => self.advances.get(&c).copied(),
        }
    }

    /// Width of `text` in font units; missing characters count as .notdef.
    fn units(&self, text: &str) -> u64 {
        text.chars()
            .map(|c| u64::from(self.advance(c).unwrap_or(self.notdef_advance)))
            .sum()
    }

    fn to_mm(&self, units: u64, size_pt: f64) -> f64 {
        units as f64 / self.units_per_em * size_pt * MM_PER_PT
    }
}

fn metrics(bold: bool) -> &'static Metrics {
    static FONTS: OnceLock<(Metrics, Metrics)> = OnceLock::new();
    let (regular, bold_metrics) = FONTS.get_or_init(|| {
        // The bytes are compiled in; `embedded_fonts_parse` tests that this holds.
        let regular = parse_metrics(REGULAR_TTF).expect("embedded regular font parses");
        let bold = parse_metrics(BOLD_TTF).expect("embedded bold font parses");
        (regular, bold)
    });
    if bold { bold_metrics } else { regular }
}

/// Width of `text` on one line, in mm, as the PDF viewer will place it:
/// the sum of the glyph advances, no kerning. Characters the font lacks
/// (see [`missing_chars`]) count with the width of the empty-box glyph.
/// Never fails.
pub fn text_width_mm(text: &str, size_pt: f64, bold: bool) -> f64 {
    let m = metrics(bold);
    m.to_mm(m.units(text), size_pt)
}

/// The characters of `text` that the regular or the bold font lacks, each
/// once, in order of first appearance. Line breaks and tabs count as missing:
/// a text item is one line. Empty when the text can be printed. Never fails.
pub fn missing_chars(text: &str) -> Vec<char> {
    let (regular, bold) = (metrics(false), metrics(true));
    let mut out = Vec::new();
    for c in text.chars() {
        let known = regular.advance(c).is_some() && bold.advance(c).is_some();
        if !known && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Splits `text` into lines no wider than `max_width_mm` at `size_pt`.
///
/// Breaks at ordinary spaces (U+0020) only, so no-break spaces (U+00A0,
/// U+202F) keep their words together; runs of spaces collapse to one. A
/// `'\n'` forces a break (an empty line stays as `""`). A single word wider
/// than the line is broken between characters, at least one character per
/// line. An empty text gives no lines. Never fails; it does not check for
/// missing characters (see [`missing_chars`]).
pub fn wrap(text: &str, size_pt: f64, bold: bool, max_width_mm: f64) -> Vec<String> {
    let m = metrics(bold);
    // Widths add up exactly in font units (no kerning), so a line is measured
    // word by word instead of again from its start.
    let fits_units = |units: u64| m.to_mm(units, size_pt) <= max_width_mm + 1e-9;
    let space = m.units(" ");
    let mut lines = Vec::new();
    if text.is_empty() {
        return lines;
    }
    for paragraph in text.split('\n') {
        let mut current = String::new();
        let mut current_units = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let word_units = m.units(word);
            if !current.is_empty() {
                if fits_units(current_units + space + word_units) {
                    current.push(' ');
                    current.push_str(word);
                    current_units += space + word_units;
                    continue;
                }
                lines.push(std::mem::take(&mut current));
            }
            if fits_units(word_units) {
                current = word.to_string();
                current_units = word_units;
                continue;
            }
            // A lone word wider than the line: break it between characters,
            // measuring each character once so that a long word costs its
            // length, not its length squared.
            let mut piece_units = 0;
            for c in word.chars() {
                let c_units = u64::from(m.advance(c).unwrap_or(m.notdef_advance));
                if !current.is_empty() && !fits_units(piece_units + c_units) {
                    lines.push(std::mem::take(&mut current));
                    piece_units = 0;
                }
                current.push(c);
                piece_units += c_units;
            }
            current_units = piece_units;
        }
        lines.push(current);
    }
    lines
}

/// `text` cut to fit `max_width_mm` on one line, ending with "…" when it
/// had to be cut (a one-line field such as a unit's name in a form header).
/// Measures each character once. Never fails; at least the mark is kept.
pub fn truncated(text: &str, size_pt: f64, bold: bool, max_width_mm: f64) -> String {
    let m = metrics(bold);
    let fits = |units: u64| m.to_mm(units, size_pt) <= max_width_mm + 1e-9;
    if fits(m.units(text)) {
        return text.to_string();
    }
    let budget_mark = m.units("…");
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        let c_units = u64::from(m.advance(c).unwrap_or(m.notdef_advance));
        if !fits(units + c_units + budget_mark) {
            break;
        }
        out.push(c);
        units += c_units;
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// What a PDF writer needs to embed one of the fonts: its units per em,
/// vertical metrics, bounding box and weight, and every character with its
/// glyph id and advance width (font units), by character.
#[derive(Debug, Clone, PartialEq)]
pub struct FontFacts {
    /// Font units per em (2048 for the Reservkit Sans fonts).
    pub units_per_em: u16,
    /// hhea ascender, font units.
    pub ascent: i16,
    /// hhea descender (negative), font units.
    pub descent: i16,
    /// head bounding box: x min, y min, x max, y max, font units.
    pub bbox: [i16; 4],
    /// OS/2 usWeightClass (400 regular, 700 bold), 0 if absent.
    pub weight_class: u16,
    /// (character, glyph id) for every character the font maps, by character.
    pub chars: Vec<(char, u16)>,
    /// Advance width of glyph id `i` at index `i`, font units.
    pub glyph_advances: Vec<u16>,
}

/// The facts about the regular or the bold font (see [`FontFacts`]).
/// Never fails: the fonts are compiled in and parsed once per process.
pub fn facts(bold: bool) -> FontFacts {
    let m = metrics(bold);
    FontFacts {
        units_per_em: m.units_per_em as u16,
        ascent: m.ascent,
        descent: m.descent,
        bbox: m.bbox,
        weight_class: m.weight_class,
        chars: m.gids.iter().map(|(c, g)| (*c, *g)).collect(),
        glyph_advances: m.glyph_advances.clone(),
    }
}

/// The glyph id of `c` in the regular or the bold font; `None` when the
/// font lacks it (see [`missing_chars`]).
pub fn glyph_id(c: char, bold: bool) -> Option<u16> {
    let m = metrics(bold);
    match usize::try_from(u32::from(c)) {
        Ok(i) if i < 256 => Some(m.latin_gids[i]).filter(|g| *g != 0),
        _ => m.gids.get(&c).copied(),
    }
}

/// Reads big-endian u16 at `pos`.
fn be16(data: &[u8], pos: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(pos)?, *data.get(pos + 1)?]))
}

fn be32(data: &[u8], pos: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *data.get(pos)?,
        *data.get(pos + 1)?,
        *data.get(pos + 2)?,
        *data.get(pos + 3)?,
    ]))
}

/// The bytes of table `tag`, from the sfnt table directory.
fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let count = usize::from(be16(font, 4)?);
    (0..count).find_map(|i| {
        let rec = 12 + 16 * i;
        if font.get(rec..rec + 4)? != tag {
            return None;
        }
        let offset = usize::try_from(be32(font, rec + 8)?).ok()?;
        let length = usize::try_from(be32(font, rec + 12)?).ok()?;
        font.get(offset..offset.checked_add(length)?)
    })
}

/// Character → glyph id from the first Unicode format-4 `cmap` subtable.
fn cmap_format4(cmap: &[u8]) -> Option<BTreeMap<char, u16>> {
    let count = usize::from(be16(cmap, 2)?);
    let sub = (0..count).find_map(|i| {
        let rec = 4 + 8 * i;
        let platform = be16(cmap, rec)?;
        let encoding = be16(cmap, rec + 2)?;
        let offset = usize::try_from(be32(cmap, rec + 4)?).ok()?;
        let unicode = platform == 0 || (platform == 3 && encoding == 1);
        (unicode && be16(cmap, offset)? == 4).then_some(offset)
    })?;
    let t = cmap.get(sub..)?;
    let seg_count = usize::from(be16(t, 6)? / 2);
    let ends = 14;
    let starts = ends + 2 * seg_count + 2;
    let deltas = starts + 2 * seg_count;
    let range_offsets = deltas + 2 * seg_count;
    let mut map = BTreeMap::new();
    for s in 0..seg_count {
        let end = be16(t, ends + 2 * s)?;
        let start = be16(t, starts + 2 * s)?;
        let delta = be16(t, deltas + 2 * s)?;
        let ro_pos = range_offsets + 2 * s;
        let range_offset = usize::from(be16(t, ro_pos)?);
        if start == 0xFFFF {
            continue;
        }
        for code in start..=end {
            let gid = if range_offset == 0 {
                code.wrapping_add(delta)
            } else {
                let pos = ro_pos + range_offset + 2 * usize::from(code - start);
                match be16(t, pos)? {
                    0 => 0,
                    g => g.wrapping_add(delta),
                }
            };
            if gid != 0
                && let Some(c) = char::from_u32(u32::from(code))
            {
                map.insert(c, gid);
            }
        }
    }
    Some(map)
}

/// Parses the tables needed for advances; `None` if the font is malformed.
fn parse_metrics(font: &[u8]) -> Option<Metrics> {
    let head = table(font, b"head")?;
    let hhea = table(font, b"hhea")?;
    let hmtx = table(font, b"hmtx")?;
    let units_per_em = be16(head, 18)?;
    let h_metrics = usize::from(be16(hhea, 34)?);
    if units_per_em == 0 || h_metrics == 0 {
        return None;
    }
    let advance = |gid: u16| be16(hmtx, 4 * usize::from(gid).min(h_metrics - 1));
    let glyphs = cmap_format4(table(font, b"cmap")?)?;
    let mut advances = BTreeMap::new();
    let mut latin_gids = [0u16; 256];
    for (c, gid) in &glyphs {
        advances.insert(*c, advance(*gid)?);
        if let Ok(i) = usize::try_from(u32::from(*c))
            && i < 256
        {
            latin_gids[i] = *gid;
        }
    }
    let num_glyphs = be16(table(font, b"maxp")?, 4)?;
    let glyph_advances = (0..num_glyphs).map(advance).collect::<Option<Vec<u16>>>()?;
    let signed = |v: u16| i16::from_be_bytes(v.to_be_bytes());
    let bbox = [
        signed(be16(head, 36)?),
        signed(be16(head, 38)?),
        signed(be16(head, 40)?),
        signed(be16(head, 42)?),
    ];
    let weight_class = table(font, b"OS/2").and_then(|t| be16(t, 4)).unwrap_or(0);
    let mut latin = [None; 256];
    for (c, a) in &advances {
        if let Ok(i) = usize::try_from(u32::from(*c))
            && i < 256
        {
            latin[i] = Some(*a);
        }
    }
    Some(Metrics {
        units_per_em: f64::from(units_per_em),
        advances,
        notdef_advance: advance(0)?,
        latin,
        gids: glyphs,
        latin_gids,
        glyph_advances,
        ascent: signed(be16(hhea, 4)?),
        descent: signed(be16(hhea, 6)?),
        bbox,
        weight_class,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character promised in `fonts/README.md`.
    fn promised() -> Vec<char> {
        let mut v: Vec<char> = (0x20u32..=0x7E)
            .chain(0xA0..=0xFF)
            .filter_map(char::from_u32)
            .collect();
        v.extend("–—‘’“”„•…€✓☐→≥≤\u{2212}\u{2009}\u{202F}".chars());
        v
    }

    #[test]
    fn embedded_fonts_parse_and_have_every_promised_character() {
        for font in [REGULAR_TTF, BOLD_TTF] {
            let m = parse_metrics(font).expect("font parses");
            assert_eq!(m.units_per_em, 2048.0);
            for c in promised() {
                assert!(m.advances.contains_key(&c), "{c:?} missing");
            }
            assert_eq!(m.advances.len(), promised().len());
        }
        let all: String = promised().into_iter().collect();
        assert!(missing_chars(&all).is_empty());
    }

    #[test]
    fn facts_give_every_promised_character_a_glyph_with_an_advance() {
        for bold in [false, true] {
            let f = facts(bold);
            assert_eq!(f.units_per_em, 2048);
            assert_eq!(f.weight_class, if bold { 700 } else { 400 });
            assert!(f.ascent > 0 && f.descent < 0 && f.bbox[0] < f.bbox[2]);
            assert_eq!(f.chars.len(), promised().len());
            for (c, gid) in &f.chars {
                assert_eq!(glyph_id(*c, bold), Some(*gid), "{c:?}");
                let advance = f.glyph_advances[usize::from(*gid)];
                assert_eq!(Some(advance), metrics(bold).advance(*c), "{c:?}");
            }
        }
        assert_eq!(glyph_id('☕', false), None);
        assert_eq!(glyph_id('\n', true), None);
    }

    #[test]
    fn widths_are_positive_and_bold_is_wider() {
        let regular = text_width_mm("Sida 1 av 2", 9.0, false);
        let bold = text_width_mm("Sida 1 av 2", 9.0, true);
        assert!(regular > 10.0 && regular < 30.0, "{regular}");
        assert!(bold > regular);
        assert_eq!(text_width_mm("", 10.0, false), 0.0);
        // DejaVu Sans: space is 651 units of 2048.
        let space = text_width_mm(" ", 72.0, false);
        assert!((space - 651.0 / 2048.0 * 25.4).abs() < 1e-9, "{space}");
        // Width scales with size.
        let w10 = text_width_mm("Åsa Öberg", 10.0, false);
        let w20 = text_width_mm("Åsa Öberg", 20.0, false);
        assert!((w20 - 2.0 * w10).abs() < 1e-9);
    }

    #[test]
    fn missing_chars_lists_each_once_in_order() {
        assert!(missing_chars("Åsa Öberg ringde Älvsbyns kommun 07–22 ✓ ☐ → 5 €").is_empty());
        assert_eq!(missing_chars("✈ 漢 ✈ a\tb"), vec!['✈', '漢', '\t']);
        assert_eq!(missing_chars("rad ett\nrad två"), vec!['\n']);
    }

    #[test]
    fn wrap_respects_the_width() {
        let text = "Vid driftstopp i journalsystemet som varar mer än tre timmar ringer \
                    vårdcentralen kommunens sjuksköterska och dokumenterar samtalet \
                    på pappersloggen.";
        for width in [30.0, 50.0, 80.0, 170.0] {
            let lines = wrap(text, 10.0, false, width);
            assert!(!lines.is_empty());
            for line in &lines {
                assert!(
                    text_width_mm(line, 10.0, false) <= width + 1e-9,
                    "{line:?} > {width}"
                );
                assert!(!line.starts_with(' ') && !line.ends_with(' '));
            }
            assert_eq!(
                lines.join(" "),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
        // Greedy: the next word never fits on the previous line.
        let lines = wrap(text, 10.0, false, 50.0);
        for pair in lines.windows(2) {
            let first_word = pair[1].split(' ').next().unwrap_or_default();
            let joined = format!("{} {}", pair[0], first_word);
            assert!(text_width_mm(&joined, 10.0, false) > 50.0);
        }
    }

    #[test]
    fn wrap_breaks_long_words_and_keeps_no_break_spaces() {
        let lines = wrap("Kommunsjuksköterskebakjoursnummer", 10.0, true, 20.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "Kommunsjuksköterskebakjoursnummer");
        for line in &lines {
            assert!(text_width_mm(line, 10.0, true) <= 20.0 + 1e-9);
        }
        // A width smaller than one character still makes progress.
        assert_eq!(wrap("ab", 10.0, false, 0.1), vec!["a", "b"]);
        // U+00A0 binds "07–22" to "kl.".
        let lines = wrap("öppet kl.\u{A0}07–22", 10.0, false, 20.0);
        assert_eq!(lines, vec!["öppet", "kl.\u{A0}07–22"]);
        assert_eq!(wrap("a\n\nb", 10.0, false, 50.0), vec!["a", "", "b"]);
        assert!(wrap("", 10.0, false, 50.0).is_empty());
    }

    #[test]
    fn truncated_keeps_what_fits_and_marks_the_cut() {
        assert_eq!(truncated("Kort", 10.0, true, 50.0), "Kort");
        let long = "Avdelning ".repeat(100_000);
        let cut = truncated(&long, 10.0, true, 50.0);
        assert!(cut.starts_with("Avdelning") && cut.ends_with('…'), "{cut}");
        assert!(text_width_mm(&cut, 10.0, true) <= 50.0);
        assert!(missing_chars("…").is_empty());
    }

    #[test]
    fn a_megabyte_word_is_broken_in_linear_time() {
        // Measured by re-measuring the rest of the word after every line,
        // this took minutes; measured once per character, milliseconds.
        let word = "W".repeat(1 << 20);
        let start = std::time::Instant::now();
        let lines = wrap(&format!("Namn {word} slut"), 10.0, true, 100.0);
        let took = start.elapsed();
        assert!(took.as_secs_f64() < 5.0, "took {took:?}");
        assert_eq!(lines.first().map(String::as_str), Some("Namn"));
        // The word's last piece is short enough to share its line.
        assert_eq!(format!("Namn{} slut", word), {
            let all = lines.concat();
            all.replace("Wslut", "W slut")
        });
        let middle = &lines[1..lines.len() - 1];
        let per_line = middle[0].len();
        assert!(per_line > 10 && middle.iter().all(|l| l.len() <= per_line));
        assert!(text_width_mm(&middle[0], 10.0, true) <= 100.0);
        assert!(text_width_mm(&format!("{}W", middle[0]), 10.0, true) > 100.0);
    }
}
