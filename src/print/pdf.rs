//! Writing a laid-out [`Document`] as PDF bytes with the embedded fonts.
//!
//! Writes the PDF itself: objects, content streams, the two embedded fonts
//! and the cross-reference table. It used printpdf (with lopdf underneath)
//! until the shipped kit's build spent four fifths of its time in it
//! (turning text and lines into operations and formatting their numbers,
//! and preparing both fonts anew for every PDF); the few object kinds the
//! kit needs are written here directly, and each font (its compressed
//! file, widths and Unicode map) is prepared once per process. Output is
//! byte-identical for identical input: fixed font resource names, dates
//! only from the caller, no XMP packet, and a trailer `/ID` derived from a
//! SHA-256 of the file. It must not lay anything out or read the clock or
//! the disk.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::error::PrintError;
use super::font::{self, BOLD_TTF, MM_PER_PT, REGULAR_TTF};
use super::layout::{Align, Document, Item};

/// Resource name of the regular font in every PDF.
const REGULAR_ID: &str = "RkSans";
/// Resource name of the bold font in every PDF.
const BOLD_ID: &str = "RkSansBold";
/// Name written as /Creator and /Producer.
const PRODUCER: &str = "reservkit";

/// Document information written into the PDF. Nothing is taken from the
/// clock: the same document and meta always give the same bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfMeta {
    /// /Title, shown by PDF viewers in the window title.
    pub title: String,
    /// /Author; "reservkit" unless the caller says otherwise.
    pub author: String,
    /// /Subject, may be empty.
    pub subject: String,
    /// /Keywords, may be empty.
    pub keywords: Vec<String>,
    /// /CreationDate and /ModDate (at 00:00 UTC), e.g. the data date of the kit.
    pub date: jiff::civil::Date,
}

impl PdfMeta {
    /// Meta with `title` and `date`, author "reservkit", no subject or keywords.
    pub fn new(title: impl Into<String>, date: jiff::civil::Date) -> PdfMeta {
        PdfMeta {
            title: title.into(),
            author: PRODUCER.to_string(),
            subject: String::new(),
            keywords: Vec::new(),
            date,
        }
    }
}

/// One embedded font as the same bytes in every PDF: prepared once per
/// process, so a build of thousands of PDFs neither re-reads nor
/// re-compresses it.
struct PreparedFont {
    /// Resource name on the pages.
    id: &'static str,
    /// /BaseFont and /FontName.
    name: &'static str,
    /// The /W array: every glyph's advance in 1/1000 em.
    widths: Vec<u8>,
    /// The FontDescriptor's entries other than /FontFile2.
    descriptor: Vec<u8>,
    /// The TrueType file, deflated, and its length before (/Length1).
    file: Vec<u8>,
    file_len: usize,
    /// The /ToUnicode CMap (glyph id → character for every character the
    /// font maps), deflated: what lets text be searched and copied.
    to_unicode: Vec<u8>,
}

fn prepare_font(bold: bool) -> std::io::Result<PreparedFont> {
    let facts = font::facts(bold);
    let upm = i64::from(facts.units_per_em.max(1));
    // Font units to 1/1000 em: rounded for metrics, truncated for widths
    // (as PDF producers conventionally write them).
    let scaled = |v: i16| (i64::from(v) * 1000 + upm / 2 * i64::from(v).signum()) / upm;
    let mut widths = b"[0 [".to_vec();
    for (i, advance) in facts.glyph_advances.iter().enumerate() {
        if i > 0 {
            widths.push(b' ');
        }
        uint(&mut widths, u64::from(*advance) * 1000 / upm.unsigned_abs());
    }
    widths.extend_from_slice(b"]]");
    let name = if bold {
        "ReservkitSans-Bold"
    } else {
        "ReservkitSans"
    };
    let [x0, y0, x1, y1] = facts.bbox.map(scaled);
    let ascent = scaled(facts.ascent);
    // Stem width estimated from the weight class, as producers conventionally
    // do (88 at 400, 166 at 700); no font table carries it.
    let stem_v = if facts.weight_class == 0 {
        80
    } else {
        50 + (f64::from(facts.weight_class) / 65.0).powi(2).round() as i64
    };
    let descriptor = format!(
        "/Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox [{x0} {y0} {x1} {y1}] \
         /ItalicAngle 0 /Ascent {ascent} /Descent {} /CapHeight {ascent} /StemV {stem_v}",
        scaled(facts.descent)
    )
    .into_bytes();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for block in facts.chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", block.len()));
        for (c, gid) in block {
            cmap.push_str(&format!("<{gid:04X}> <"));
            for unit in c.encode_utf16(&mut [0; 2]) {
                cmap.push_str(&format!("{unit:04X}"));
            }
            cmap.push_str(">\n");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let ttf = if bold { BOLD_TTF } else { REGULAR_TTF };
    Ok(PreparedFont {
        id: if bold { BOLD_ID } else { REGULAR_ID },
        name,
        widths,
        descriptor,
        file: deflate(ttf)?,
        file_len: ttf.len(),
        to_unicode: deflate(cmap.as_bytes())?,
    })
}

/// The two fonts, prepared once per process (preparing is pure, so this
/// cannot make output differ between calls).
fn prepared_fonts() -> Option<&'static [PreparedFont; 2]> {
    static FONTS: OnceLock<Option<[PreparedFont; 2]>> = OnceLock::new();
    FONTS
        .get_or_init(|| Some([prepare_font(false).ok()?, prepare_font(true).ok()?]))
        .as_ref()
}

/// Deflates `data` (zlib format, fast level) with this thread's
/// compressor, reset for every stream: setting one up costs more than
/// compressing a small page.
fn deflate(data: &[u8]) -> std::io::Result<Vec<u8>> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    use std::cell::RefCell;
    thread_local! {
        static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), true));
    }
    DEFLATE.with(|z| {
        let mut z = z.borrow_mut();
        z.reset();
        let mut out = Vec::with_capacity(data.len() / 3 + 64);
        loop {
            let consumed = usize::try_from(z.total_in()).unwrap_or(data.len());
            let status = z
                .compress_vec(
                    &data[consumed.min(data.len())..],
                    &mut out,
                    FlushCompress::Finish,
                )
                .map_err(std::io::Error::other)?;
            match status {
                Status::StreamEnd => return Ok(out),
                Status::Ok | Status::BufError => out.reserve(out.capacity().max(256)),
            }
        }
    })
}

/// Writes `v` in decimal.
fn uint(out: &mut Vec<u8>, v: u64) {
    // Most numbers are QR rectangles and object numbers: small.
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    if v < 100 {
        out.extend_from_slice(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
        return;
    }
    out.extend_from_slice(decimal(v, &mut [0; 20]));
}

/// The decimal digits of `v`, made in `digits` (on the caller's stack).
fn decimal(mut v: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &digits[i..]
}

/// Writes `v` rounded to 0.001 without trailing zeros ("12.5", "-3",
/// "595.28"): finer than any printer resolves, and far cheaper than
/// general float formatting, which was a large part of the build.
fn num(out: &mut Vec<u8>, v: f64) {
    let thousandths = (v * 1000.0).round();
    // Positions on an A4 page are far inside i64; clamp anything absurd.
    let n = thousandths.clamp(-1e15, 1e15) as i64;
    if n < 0 {
        out.push(b'-');
    }
    let n = n.unsigned_abs();
    uint(out, n / 1000);
    let frac = n % 1000;
    if frac != 0 {
        out.push(b'.');
        let digits = [frac / 100, frac / 10 % 10, frac % 10];
        let keep = if digits[2] != 0 {
            3
        } else if digits[1] != 0 {
            2
        } else {
            1
        };
        for d in &digits[..keep] {
            out.push(b'0' + *d as u8);
        }
    }
}

/// Writes mm as points.
fn pt(out: &mut Vec<u8>, mm: f64) {
    num(out, mm / MM_PER_PT);
}

/// Page side in points, rounded to 0.01 pt (A4: 595.28 and 841.89), as PDF
/// producers conventionally write it.
fn a4_pt(mm: f64) -> f64 {
    (mm / MM_PER_PT * 100.0).round() / 100.0
}

/// Writes `text` as a PDF string of the font's glyph ids (two bytes each,
/// Identity-H), escaping what a literal string must not hold.
fn glyph_string(out: &mut Vec<u8>, text: &str, bold: bool) {
    out.push(b'(');
    for c in text.chars() {
        // `Document::check` has refused characters the fonts lack.
        let gid = font::glyph_id(c, bold).unwrap_or(0);
        for b in gid.to_be_bytes() {
            match b {
                b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\n' => out.extend_from_slice(b"\\n"),
                _ => out.push(b),
            }
        }
    }
    out.push(b')');
}

/// Writes the drawing operators of one item (text, line or box; QR codes
/// are drawn by [`qr_path`]) for a page `page_h` mm high. Lines and boxes
/// run in their own graphics state so that no colour, width or dash leaks
/// to the next item.
fn item_content(out: &mut Vec<u8>, item: &Item, page_h: f64) {
    match item {
        Item::Text {
            x_mm,
            y_mm,
            size_pt,
            bold,
            text,
            align,
            ..
        } => {
            let width = font::text_width_mm(text, *size_pt, *bold);
            let x = match align {
                Align::Left => *x_mm,
                Align::Right => x_mm - width,
                Align::Center => x_mm - width / 2.0,
            };
            out.extend_from_slice(b"BT /");
            out.extend_from_slice(if *bold { BOLD_ID } else { REGULAR_ID }.as_bytes());
            out.push(b' ');
            num(out, *size_pt);
            out.extend_from_slice(b" Tf ");
            pt(out, x);
            out.push(b' ');
            pt(out, page_h - y_mm);
            out.extend_from_slice(b" Td ");
            glyph_string(out, text, *bold);
            out.extend_from_slice(b" Tj ET\n");
        }
        Item::Line {
            x1_mm,
            y1_mm,
            x2_mm,
            y2_mm,
            width_pt,
            dash,
        } => {
            out.extend_from_slice(b"q ");
            num(out, *width_pt);
            out.extend_from_slice(b" w ");
            if let Some(d) = dash {
                out.push(b'[');
                pt(out, d.on_mm);
                out.push(b' ');
                pt(out, d.off_mm);
                out.extend_from_slice(b"] 0 d ");
            }
            pt(out, *x1_mm);
            out.push(b' ');
            pt(out, page_h - y1_mm);
            out.extend_from_slice(b" m ");
            pt(out, *x2_mm);
            out.push(b' ');
            pt(out, page_h - y2_mm);
            out.extend_from_slice(b" l S Q\n");
        }
        Item::Rect {
            x_mm,
            y_mm,
            w_mm,
            h_mm,
            stroke_pt,
            fill_gray,
        } => {
            let paint: &[u8] = match (stroke_pt, fill_gray) {
                (None, None) => return,
                (Some(_), None) => b" re S Q\n",
                (None, Some(_)) => b" re f Q\n",
                (Some(_), Some(_)) => b" re B Q\n",
            };
            out.extend_from_slice(b"q ");
            if let Some(w) = stroke_pt {
                num(out, *w);
                out.extend_from_slice(b" w ");
            }
            if let Some(g) = fill_gray {
                num(out, f64::from(*g));
                out.extend_from_slice(b" g ");
            }
            pt(out, *x_mm);
            out.push(b' ');
            pt(out, page_h - y_mm - h_mm);
            out.push(b' ');
            pt(out, *w_mm);
            out.push(b' ');
            pt(out, *h_mm);
            out.extend_from_slice(paint);
        }
        Item::Qr { .. } => {}
    }
}

/// Writes a PDF string as UTF-16BE with a byte order mark, in hex (how
/// viewers expect non-ASCII document information).
fn utf16_hex(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(b"<FEFF");
    for unit in s.encode_utf16() {
        out.extend_from_slice(format!("{unit:04X}").as_bytes());
    }
    out.push(b'>');
}

/// The file being written: bytes and the offset of each object (object
/// `n` at index `n - 1`).
struct PdfOut {
    buf: Vec<u8>,
    offsets: Vec<usize>,
}

impl PdfOut {
    fn open(&mut self, id: usize) {
        if self.offsets.len() < id {
            self.offsets.resize(id, 0);
        }
        self.offsets[id - 1] = self.buf.len();
        uint(&mut self.buf, id as u64);
        self.buf.extend_from_slice(b" 0 obj\n");
    }

    fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// A dictionary object `<< entries >>`.
    fn dict(&mut self, id: usize, entries: &[u8]) {
        self.open(id);
        self.push(b"<< ");
        self.push(entries);
        self.push(b" >>\nendobj\n");
    }

    /// A stream object with `entries` in its dictionary; `data` is written
    /// as is, already deflated when `flate`.
    fn stream(&mut self, id: usize, entries: &[u8], data: &[u8], flate: bool) {
        self.open(id);
        self.push(b"<< ");
        self.push(entries);
        if flate {
            self.push(b" /Filter /FlateDecode");
        }
        self.push(b" /Length ");
        uint(&mut self.buf, data.len() as u64);
        self.push(b" >>\nstream\n");
        self.push(data);
        self.push(b"\nendstream\nendobj\n");
    }

    /// A stream deflated when that makes it smaller.
    fn stream_deflated(&mut self, id: usize, entries: &[u8], data: &[u8]) -> std::io::Result<()> {
        let packed = deflate(data)?;
        if packed.len() + 19 < data.len() {
            self.stream(id, entries, &packed, true);
        } else {
            self.stream(id, entries, data, false);
        }
        Ok(())
    }
}

fn pdf_date(out: &mut Vec<u8>, date: jiff::civil::Date) {
    out.extend_from_slice(
        format!(
            "(D:{:04}{:02}{:02}000000+00'00')",
            date.year(),
            date.month(),
            date.day()
        )
        .as_bytes(),
    );
}

/// Writes `doc` as a PDF: A4 pages, the two Reservkit Sans fonts embedded
/// (Identity-H with a /ToUnicode map, so text can be searched and copied;
/// a font no text uses is left out), lines and boxes as vector paths, QR
/// codes as filled squares, streams compressed. Identical `doc` and `meta`
/// always give identical bytes, also when many PDFs are written in one
/// process.
///
/// # Errors
/// [`PrintError::MissingGlyphs`] if any text has characters the fonts lack
/// (nothing is written blank), [`PrintError::InvalidItem`] for items with
/// impossible numbers, [`PrintError::Pdf`] for a document without pages,
/// a background shared by pages of different sizes, or when the fonts or a
/// stream cannot be prepared.
pub fn to_pdf(doc: &Document, meta: &PdfMeta) -> Result<Vec<u8>, PrintError> {
    doc.check()?;
    let fail = |reason: String| PrintError::Pdf {
        title: meta.title.clone(),
        reason,
    };
    if doc.pages.is_empty() {
        return Err(fail("dokumentet har inga sidor".to_string()));
    }
    let fonts = prepared_fonts()
        .ok_or_else(|| fail("de inbyggda typsnitten kunde inte läsas".to_string()))?;
    let background_size = match doc.pages.iter().find(|p| p.background) {
        Some(first) => {
            if doc
                .pages
                .iter()
                .any(|p| p.background && p.size != first.size)
            {
                return Err(fail(
                    "bakgrunden: bakgrunden används på sidor av olika storlek".to_string(),
                ));
            }
            Some(first.size)
        }
        None => None,
    };
    let uses = |bold: bool| {
        doc.pages
            .iter()
            .flat_map(|p| &p.items)
            .chain(background_size.map_or(&[][..], |_| &doc.background[..]))
            .any(|i| matches!(i, Item::Text { bold: b, .. } if *b == bold))
    };
    let used: Vec<&PreparedFont> = fonts
        .iter()
        .zip([uses(false), uses(true)])
        .filter_map(|(f, used)| used.then_some(f))
        .collect();

    // Object numbers: catalog, page tree, information, resources, four per
    // font (font, descriptor, file, Unicode map), the background, then a
    // page and its content stream for every page.
    const CATALOG: usize = 1;
    const PAGES: usize = 2;
    const INFO: usize = 3;
    const RESOURCES: usize = 4;
    let first_font = 5;
    let background = first_font + 4 * used.len();
    let first_page = background + usize::from(background_size.is_some());

    let mut out = PdfOut {
        buf: Vec::with_capacity(64 * 1024),
        offsets: Vec::new(),
    };
    out.push(b"%PDF-1.4\n%\xBF\xF7\xA2\xFE\n");
    // Ask viewers to print at 100 %: "fit to page" would shrink the forms'
    // boxes and move them away from where layout.json says they are.
    let mut entries = b"/Type /Catalog /Pages 2 0 R /Lang (sv-SE) \
        /ViewerPreferences << /PrintScaling /None >>"
        .to_vec();
    out.dict(CATALOG, &entries);
    entries.clear();
    entries.extend_from_slice(b"/Type /Pages /Count ");
    uint(&mut entries, doc.pages.len() as u64);
    entries.extend_from_slice(b" /Kids [");
    for i in 0..doc.pages.len() {
        uint(&mut entries, (first_page + 2 * i) as u64);
        entries.extend_from_slice(b" 0 R ");
    }
    entries.push(b']');
    out.dict(PAGES, &entries);

    entries.clear();
    entries.extend_from_slice(b"/Title ");
    utf16_hex(&mut entries, &meta.title);
    entries.extend_from_slice(b" /Author ");
    utf16_hex(&mut entries, &meta.author);
    if !meta.subject.is_empty() {
        entries.extend_from_slice(b" /Subject ");
        utf16_hex(&mut entries, &meta.subject);
    }
    if !meta.keywords.is_empty() {
        entries.extend_from_slice(b" /Keywords ");
        utf16_hex(&mut entries, &meta.keywords.join(","));
    }
    entries.extend_from_slice(b" /Creator ");
    utf16_hex(&mut entries, PRODUCER);
    entries.extend_from_slice(b" /Producer ");
    utf16_hex(&mut entries, PRODUCER);
    entries.extend_from_slice(b" /CreationDate");
    pdf_date(&mut entries, meta.date);
    entries.extend_from_slice(b" /ModDate");
    pdf_date(&mut entries, meta.date);
    out.dict(INFO, &entries);

    // The fonts, for the pages and for the background's text.
    let mut font_dict = b"/Font << ".to_vec();
    for (k, f) in used.iter().enumerate() {
        font_dict.push(b'/');
        font_dict.extend_from_slice(f.id.as_bytes());
        font_dict.push(b' ');
        uint(&mut font_dict, (first_font + 4 * k) as u64);
        font_dict.extend_from_slice(b" 0 R ");
    }
    font_dict.extend_from_slice(b">>");
    entries.clear();
    entries.extend_from_slice(&font_dict);
    if background_size.is_some() {
        entries.extend_from_slice(b" /XObject << /");
        entries.extend_from_slice(BACKGROUND_ID.as_bytes());
        entries.push(b' ');
        uint(&mut entries, background as u64);
        entries.extend_from_slice(b" 0 R >>");
    }
    out.dict(RESOURCES, &entries);

    for (k, f) in used.iter().enumerate() {
        let id = first_font + 4 * k;
        let name = f.name.as_bytes();
        entries.clear();
        entries.extend_from_slice(b"/Type /Font /Subtype /Type0 /BaseFont /");
        entries.extend_from_slice(name);
        entries.extend_from_slice(
            b" /Encoding /Identity-H /DescendantFonts [<< /Type /Font \
              /Subtype /CIDFontType2 /BaseFont /",
        );
        entries.extend_from_slice(name);
        entries.extend_from_slice(
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
              /CIDToGIDMap /Identity /FontDescriptor ",
        );
        uint(&mut entries, (id + 1) as u64);
        entries.extend_from_slice(b" 0 R /DW 1000 /W ");
        entries.extend_from_slice(&f.widths);
        entries.extend_from_slice(b" >>] /ToUnicode ");
        uint(&mut entries, (id + 3) as u64);
        entries.extend_from_slice(b" 0 R");
        out.dict(id, &entries);
        entries.clear();
        entries.extend_from_slice(&f.descriptor);
        entries.extend_from_slice(b" /FontFile2 ");
        uint(&mut entries, (id + 2) as u64);
        entries.extend_from_slice(b" 0 R");
        out.dict(id + 1, &entries);
        entries.clear();
        entries.extend_from_slice(b"/Length1 ");
        uint(&mut entries, f.file_len as u64);
        out.stream(id + 2, &entries, &f.file, true);
        out.stream(id + 3, b"", &f.to_unicode, true);
    }

    let deflate_failed = |e: std::io::Error| fail(format!("kunde inte komprimera: {e}"));
    if let Some(size) = background_size {
        let (w, h) = (a4_pt(size.width_mm()), a4_pt(size.height_mm()));
        entries.clear();
        entries.extend_from_slice(b"/Type /XObject /Subtype /Form /FormType 1 /BBox [0 0 ");
        num(&mut entries, w);
        entries.push(b' ');
        num(&mut entries, h);
        entries.extend_from_slice(b"] /Resources << ");
        entries.extend_from_slice(&font_dict);
        entries.extend_from_slice(b" >>");
        let content = background_stream(&doc.background, size.height_mm());
        out.stream_deflated(background, &entries, &content)
            .map_err(deflate_failed)?;
    }

    let mut content = Vec::with_capacity(16 * 1024);
    let mut qr = Vec::new();
    for (i, page) in doc.pages.iter().enumerate() {
        let id = first_page + 2 * i;
        let (w_mm, h_mm) = (page.size.width_mm(), page.size.height_mm());
        entries.clear();
        entries.extend_from_slice(b"/Type /Page /Parent 2 0 R");
        let mut boxed = Vec::new();
        boxed.extend_from_slice(b" [0 0 ");
        num(&mut boxed, a4_pt(w_mm));
        boxed.push(b' ');
        num(&mut boxed, a4_pt(h_mm));
        boxed.push(b']');
        for name in [&b" /MediaBox"[..], b" /CropBox", b" /TrimBox"] {
            entries.extend_from_slice(name);
            entries.extend_from_slice(&boxed);
        }
        entries.extend_from_slice(b" /Resources 4 0 R /Contents ");
        uint(&mut entries, (id + 1) as u64);
        entries.extend_from_slice(b" 0 R");
        out.dict(id, &entries);

        content.clear();
        if page.background {
            content.extend_from_slice(b"q /");
            content.extend_from_slice(BACKGROUND_ID.as_bytes());
            content.extend_from_slice(b" Do Q\n");
        }
        qr.clear();
        for item in &page.items {
            match item {
                Item::Qr {
                    x_mm,
                    y_mm,
                    size_mm,
                    modules,
                } => qr_path(&mut qr, *x_mm, *y_mm, *size_mm, modules, h_mm),
                other => item_content(&mut content, other, h_mm),
            }
        }
        // QR codes last, on top of everything else on the page.
        content.extend_from_slice(&qr);
        out.stream_deflated(id + 1, b"", &content)
            .map_err(deflate_failed)?;
    }

    // Cross-reference table, then a trailer whose /ID is the start of the
    // SHA-256 of everything before it: the same file always has the same
    // ID, different files practically never.
    let xref = out.buf.len();
    let count = out.offsets.len() + 1;
    out.push(b"xref\n0 ");
    uint(&mut out.buf, count as u64);
    out.push(b"\n0000000000 65535 f \n");
    let offsets = std::mem::take(&mut out.offsets);
    for offset in offsets {
        out.push(format!("{offset:010} 00000 n \n").as_bytes());
    }
    let digest = Sha256::digest(&out.buf);
    let id: String = digest[..16].iter().map(|b| format!("{b:02X}")).collect();
    out.push(b"trailer\n<< /Size ");
    uint(&mut out.buf, count as u64);
    out.push(format!(" /Root 1 0 R /Info 3 0 R /ID [<{id}> <{id}>] >>\nstartxref\n").as_bytes());
    uint(&mut out.buf, xref as u64);
    out.push(b"\n%%EOF\n");
    Ok(out.buf)
}

/// The dark QR modules as rectangles (row, column, width, height in
/// modules): each horizontal run of dark modules, merged with the same run
/// in the rows below it, so a code takes a few hundred rectangles rather
/// than one per module.
fn dark_rects(modules: &[Vec<bool>]) -> Vec<(usize, usize, usize, usize)> {
    // Rectangles still growing downwards as (first column, width, top
    // row, height), in column order like the runs of a row, so each row is
    // merged with them in one pass.
    // Sized up front (a row has at most half its width in runs; a code's
    // rectangles are rarely more than a sixth of its modules): growing
    // them was a good part of the time spent here, on every form sheet.
    let width = modules.first().map_or(0, Vec::len);
    let mut open: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(width / 2 + 1);
    let mut next = Vec::with_capacity(width / 2 + 1);
    let mut done = Vec::with_capacity(width * modules.len() / 6 + 16);
    for (r, row) in modules.iter().enumerate() {
        next.clear();
        let mut k = 0;
        let mut c = 0;
        while c < row.len() {
            if !row[c] {
                c += 1;
                continue;
            }
            let start = c;
            while c < row.len() && row[c] {
                c += 1;
            }
            let run = (start, c - start);
            while k < open.len() && (open[k].0, open[k].1) < run {
                let (oc, ow, top, h) = open[k];
                done.push((top, oc, ow, h));
                k += 1;
            }
            match open.get(k) {
                Some(&(oc, ow, top, h)) if (oc, ow) == run => {
                    next.push((oc, ow, top, h + 1));
                    k += 1;
                }
                _ => next.push((run.0, run.1, r, 1)),
            }
        }
        done.extend(open[k..].iter().map(|&(c, w, top, h)| (top, c, w, h)));
        std::mem::swap(&mut open, &mut next);
    }
    done.extend(open.into_iter().map(|(c, w, top, h)| (top, c, w, h)));
    // In the order they were finished: the same for the same code, and
    // the page looks the same whatever the order (sorting them was a few
    // per cent of a build).
    done
}

/// Writes `v` with four decimals, trailing zeros dropped.
fn num4(out: &mut Vec<u8>, v: f64) {
    let n = (v * 10_000.0).round().clamp(-1e15, 1e15) as i64;
    if n < 0 {
        out.push(b'-');
    }
    let n = n.unsigned_abs();
    uint(out, n / 10_000);
    let mut frac = n % 10_000;
    if frac != 0 {
        out.push(b'.');
        let mut width = 4;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        let mut digits = [b'0'; 4];
        for d in digits[..width].iter_mut().rev() {
            *d = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.extend_from_slice(&digits[..width]);
    }
}

/// Appends a QR code to a content stream as one filled path (`re` per
/// rectangle of [`dark_rects`], one `f`), in its own graphics state, for a
/// page `page_h` mm high. A matrix puts one unit at one module, with y
/// down from the code's top-left corner, so the rectangles are small
/// integers: formatting hundreds of decimals per code was a sixth of the
/// build.
fn qr_path(
    out: &mut Vec<u8>,
    x_mm: f64,
    y_mm: f64,
    size_mm: f64,
    modules: &[Vec<bool>],
    page_h: f64,
) {
    let p = |mm: f64| mm / MM_PER_PT;
    let m = p(size_mm / modules.len().max(1) as f64);
    out.extend_from_slice(b"q 0 g ");
    num4(out, m);
    out.extend_from_slice(b" 0 0 ");
    num4(out, -m);
    out.push(b' ');
    num(out, p(x_mm));
    out.push(b' ');
    num(out, p(page_h - y_mm));
    out.extend_from_slice(b" cm\n");
    let rects = dark_rects(modules);
    out.reserve(rects.len() * 16);
    for (r, c, w, h) in rects {
        // Each line made on the stack and appended whole: a code is a few
        // hundred of them on every form sheet.
        let mut line = [0u8; 4 * 21 + 3];
        let mut at = 0;
        for v in [c, r, w, h] {
            let mut buf = [0; 20];
            let digits = decimal(v as u64, &mut buf);
            let n = digits.len();
            line[at..at + n].copy_from_slice(digits);
            line[at + n] = b' ';
            at += n + 1;
        }
        line[at..at + 3].copy_from_slice(b"re\n");
        out.extend_from_slice(&line[..at + 3]);
    }
    out.extend_from_slice(b"f Q\n");
}

/// Name of the shared background form XObject in every page's resources.
const BACKGROUND_ID: &str = "RkBackground";

/// PDF operators for the background's lines, boxes and text, in points
/// with y up from the bottom of a page `page_h` mm high.
fn background_stream(items: &[Item], page_h: f64) -> Vec<u8> {
    let mut out = b"q 0 G 0 J 0 j\n".to_vec();
    for item in items {
        match item {
            Item::Line {
                x1_mm,
                y1_mm,
                x2_mm,
                y2_mm,
                width_pt,
                dash,
            } => {
                match dash {
                    Some(d) => {
                        out.push(b'[');
                        pt(&mut out, d.on_mm);
                        out.push(b' ');
                        pt(&mut out, d.off_mm);
                        out.extend_from_slice(b"] 0 d\n");
                    }
                    None => out.extend_from_slice(b"[] 0 d\n"),
                }
                num(&mut out, *width_pt);
                out.extend_from_slice(b" w ");
                pt(&mut out, *x1_mm);
                out.push(b' ');
                pt(&mut out, page_h - y1_mm);
                out.extend_from_slice(b" m ");
                pt(&mut out, *x2_mm);
                out.push(b' ');
                pt(&mut out, page_h - y2_mm);
                out.extend_from_slice(b" l S\n");
            }
            Item::Rect {
                x_mm,
                y_mm,
                w_mm,
                h_mm,
                stroke_pt,
                fill_gray,
            } => {
                let mut rect = Vec::with_capacity(40);
                pt(&mut rect, *x_mm);
                rect.push(b' ');
                pt(&mut rect, page_h - y_mm - h_mm);
                rect.push(b' ');
                pt(&mut rect, *w_mm);
                rect.push(b' ');
                pt(&mut rect, *h_mm);
                rect.extend_from_slice(b" re");
                if let Some(g) = fill_gray {
                    num(&mut out, f64::from(*g));
                    out.extend_from_slice(b" g ");
                    out.extend_from_slice(&rect);
                    out.extend_from_slice(b" f 0 g\n");
                }
                if let Some(w) = stroke_pt {
                    out.extend_from_slice(b"[] 0 d ");
                    num(&mut out, *w);
                    out.extend_from_slice(b" w ");
                    out.extend_from_slice(&rect);
                    out.extend_from_slice(b" S\n");
                }
            }
            Item::Qr {
                x_mm,
                y_mm,
                size_mm,
                modules,
            } => qr_path(&mut out, *x_mm, *y_mm, *size_mm, modules, page_h),
            // Drawn in the fill colour, black here as on a page.
            text @ Item::Text { .. } => item_content(&mut out, text, page_h),
        }
    }
    out.extend_from_slice(b"Q\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::layout::{Page, PageSize};

    fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).rposition(|w| w == needle)
    }

    fn sample(text: &str) -> Document {
        let mut doc = Document::new("Prov");
        let mut page = Page::new(PageSize::A4Portrait);
        page.items.push(Item::text(20.0, 30.0, 12.0, false, text));
        page.items.push(Item::boxed(20.0, 40.0, 50.0, 10.0, 0.5));
        doc.pages.push(page);
        doc
    }

    fn meta() -> PdfMeta {
        PdfMeta::new("Prov", jiff::civil::date(2026, 11, 20))
    }

    #[test]
    fn trailer_id_comes_from_the_content() {
        let a = to_pdf(&sample("Ett"), &meta()).expect("pdf");
        let b = to_pdf(&sample("Två"), &meta()).expect("pdf");
        let id = |bytes: &[u8]| {
            let t = rfind(bytes, b"/ID").expect("id");
            String::from_utf8_lossy(&bytes[t..t + 72]).to_string()
        };
        assert_ne!(id(&a), id(&b));
        assert!(
            !id(&a).contains("00000000000000000000000000000000"),
            "{}",
            id(&a)
        );
        assert_eq!(a, to_pdf(&sample("Ett"), &meta()).expect("pdf"));
    }

    #[test]
    fn dates_come_from_the_meta_only() {
        let bytes = to_pdf(&sample("Ett"), &meta()).expect("pdf");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("/CreationDate(D:20261120000000+00'00')"),
            "{text}"
        );
        assert!(!text.contains("/Metadata"));
    }

    #[test]
    fn missing_glyphs_and_empty_documents_are_refused() {
        let err = to_pdf(&sample("Kaffe ☕"), &meta()).expect_err("cup is missing");
        assert!(matches!(err, PrintError::MissingGlyphs { ref chars, .. } if chars == &vec!['☕']));
        let err = to_pdf(&Document::new("Tom"), &meta()).expect_err("no pages");
        assert!(err.to_string().contains("inga sidor"), "{err}");
    }

    fn written(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).expect("ASCII")
    }

    #[test]
    fn numbers_are_rounded_and_trimmed() {
        assert_eq!(written(|o| num(o, 12.5)), "12.5");
        assert_eq!(written(|o| num(o, -3.0)), "-3");
        assert_eq!(written(|o| num(o, 595.2756)), "595.276");
        assert_eq!(written(|o| num(o, 0.0704)), "0.07");
        assert_eq!(written(|o| num(o, -0.0004)), "0");
        assert_eq!(written(|o| num(o, 1e300)), "1000000000000");
        assert_eq!(written(|o| num4(o, 2.443_66)), "2.4437");
        assert_eq!(written(|o| num4(o, -2.0)), "-2");
        assert_eq!(written(|o| num4(o, 0.0105)), "0.0105");
        assert_eq!(written(|o| uint(o, 0)), "0");
        assert_eq!(written(|o| uint(o, u64::MAX)), u64::MAX.to_string());
    }

    #[test]
    fn qr_rectangles_cover_every_dark_module_once_and_nothing_else() {
        let mut seed = 12_345u32;
        for size in [1, 2, 21, 29, 57] {
            let modules: Vec<Vec<bool>> = (0..size)
                .map(|_| {
                    (0..size)
                        .map(|_| {
                            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                            !(seed >> 16).is_multiple_of(3)
                        })
                        .collect()
                })
                .collect();
            let mut covered = vec![vec![0u8; size]; size];
            for (r, c, w, h) in dark_rects(&modules) {
                assert!(w > 0 && h > 0);
                for row in covered.iter_mut().skip(r).take(h) {
                    for cell in row.iter_mut().skip(c).take(w) {
                        *cell += 1;
                    }
                }
            }
            for (r, row) in modules.iter().enumerate() {
                for (c, dark) in row.iter().enumerate() {
                    assert_eq!(covered[r][c], u8::from(*dark), "module {r},{c} of {size}");
                }
            }
        }
        // Equal runs in consecutive rows become one rectangle.
        let block = vec![vec![true, true, false], vec![true, true, false]];
        assert_eq!(dark_rects(&block), vec![(0, 0, 2, 2)]);
    }

    #[test]
    fn text_is_glyph_ids_that_the_unicode_map_turns_back() {
        let mut out = Vec::new();
        glyph_string(&mut out, "Åsa", false);
        let ids: Vec<u16> = out[1..out.len() - 1]
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect();
        let expected: Vec<u16> = "Åsa"
            .chars()
            .map(|c| font::glyph_id(c, false).expect("glyph"))
            .collect();
        assert_eq!(ids, expected);
        let fonts = prepared_fonts().expect("fonts");
        let mut cmap = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::ZlibDecoder::new(&fonts[0].to_unicode[..]),
            &mut cmap,
        )
        .expect("inflate");
        assert!(
            cmap.contains(&format!("<{:04X}> <00C5>", expected[0])),
            "{cmap}"
        );
        // Every byte a literal string must not hold bare is escaped.
        for c in font::facts(true).chars.iter().map(|(c, _)| *c) {
            let mut out = Vec::new();
            glyph_string(&mut out, &c.to_string(), true);
            let inner = &out[1..out.len() - 1];
            let mut i = 0;
            while i < inner.len() {
                if inner[i] == b'\\' {
                    i += 2;
                    continue;
                }
                assert!(!b"()\r\n".contains(&inner[i]), "{c:?}: {out:?}");
                i += 1;
            }
        }
    }

    #[test]
    fn the_file_reads_back_with_its_pages_and_only_the_fonts_it_uses() {
        let mut doc = sample("Ett");
        doc.pages.push(Page::new(PageSize::A4Landscape));
        let bytes = to_pdf(&doc, &meta()).expect("pdf");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/BaseFont /ReservkitSans "), "{text}");
        assert!(
            !text.contains("ReservkitSans-Bold"),
            "unused bold font embedded"
        );
        let lo = lopdf::Document::load_mem(&bytes).expect("lopdf reads it");
        assert_eq!(lo.get_pages().len(), 2);
        // Every cross-reference entry points at its object.
        let xref = rfind(&bytes, b"xref\n").expect("xref");
        let table = String::from_utf8_lossy(&bytes[xref..]);
        for (n, line) in table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .enumerate()
        {
            let offset: usize = line[..10].parse().expect("offset");
            let head = format!("{} 0 obj", n + 1);
            assert!(
                bytes[offset..].starts_with(head.as_bytes()),
                "object {}",
                n + 1
            );
        }
    }

    #[test]
    fn text_in_the_shared_background_is_drawn_with_the_fonts_and_embeds_them() {
        let mut doc = Document::new("Bakgrund");
        doc.background = vec![
            Item::boxed(10.0, 10.0, 50.0, 20.0, 1.0),
            Item::text(12.0, 20.0, 10.0, true, "Rubrik på varje blad"),
        ];
        for _ in 0..2 {
            let mut page = Page::new(PageSize::A4Landscape);
            page.background = true;
            doc.pages.push(page);
        }
        let bytes = to_pdf(&doc, &meta()).expect("pdf");
        let text = String::from_utf8_lossy(&bytes);
        // Only the background has text: its font is still embedded, and
        // the background names it in its own resources.
        assert!(text.contains("/BaseFont /ReservkitSans-Bold"), "{text}");
        assert!(!text.contains("/BaseFont /ReservkitSans "), "{text}");
        let lo = lopdf::Document::load_mem(&bytes).expect("lopdf reads it");
        let xobject = lo
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .find(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(|v| v.as_name())
                    .is_ok_and(|n| n == b"Form")
            })
            .expect("the background form XObject");
        let fonts = xobject
            .dict
            .get(b"Resources")
            .and_then(|r| r.as_dict())
            .and_then(|r| r.get(b"Font"))
            .and_then(|f| f.as_dict())
            .expect("fonts in the background's resources");
        assert!(fonts.has(BOLD_ID.as_bytes()), "{fonts:?}");
        let content = xobject.decompressed_content().expect("inflates");
        let drawn = String::from_utf8_lossy(&content);
        assert!(drawn.contains(&format!("BT /{BOLD_ID} 10 Tf")), "{drawn}");
        // A page draws the background and nothing else.
        for (_, page) in lo.get_pages() {
            let own = lo.get_page_content(page);
            assert_eq!(
                String::from_utf8_lossy(&own).trim_end(),
                "q /RkBackground Do Q"
            );
        }
    }
}
