//! Writing a laid-out [`Document`] as PDF bytes with the embedded fonts.
//!
//! Owns the only use of the PDF libraries (printpdf, and lopdf underneath
//! it) in the crate, and the fixes that make printpdf's output byte-identical
//! for identical input: fixed font resource names, dates only from the
//! caller, no XMP packet, and a trailer `/ID` derived from a SHA-256 of the
//! file instead of a process-wide counter. It must not lay anything out or
//! read the clock or the disk.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Pt,
    Rect, TextItem,
};
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

/// The two fonts parsed once per process (parsing is pure, so this cannot
/// make output differ between calls).
fn parsed_fonts() -> Result<&'static (ParsedFont, ParsedFont), PrintError> {
    static FONTS: OnceLock<Option<(ParsedFont, ParsedFont)>> = OnceLock::new();
    let parsed = FONTS.get_or_init(|| {
        let mut warnings = Vec::new();
        let mut regular = ParsedFont::from_bytes(REGULAR_TTF, 0, &mut warnings)?;
        let mut bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut warnings)?;
        regular.font_name = Some("ReservkitSans".to_string());
        bold.font_name = Some("ReservkitSans-Bold".to_string());
        Some((regular, bold))
    });
    parsed.as_ref().ok_or_else(|| PrintError::Pdf {
        title: String::new(),
        reason: "de inbyggda typsnitten kunde inte läsas".to_string(),
    })
}

fn pt(mm: f64) -> Pt {
    Pt((mm / MM_PER_PT) as f32)
}

/// Page side in points, rounded to 0.01 pt (A4: 595.28 and 841.89).
fn a4_pt(mm: f64) -> Pt {
    Pt(((mm / MM_PER_PT * 100.0).round() / 100.0) as f32)
}

/// A point given in mm from the top-left corner, as PDF points from the
/// bottom-left corner.
fn point(x_mm: f64, y_mm: f64, page_h_mm: f64) -> Point {
    Point {
        x: pt(x_mm),
        y: pt(page_h_mm - y_mm),
    }
}

fn gray(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

fn rect_op(x_mm: f64, y_mm: f64, w_mm: f64, h_mm: f64, page_h: f64, mode: PaintMode) -> Op {
    Op::DrawRectangle {
        rectangle: Rect {
            x: pt(x_mm),
            y: pt(page_h - y_mm - h_mm),
            width: pt(w_mm),
            height: pt(h_mm),
            mode: Some(mode),
            winding_order: None,
        },
    }
}

/// Drawing operations for one item, wrapped in save/restore so that no
/// colour, width or dash leaks to the next item.
fn item_ops(item: &Item, page_h: f64, ops: &mut Vec<Op>) {
    let mut body = Vec::new();
    match item {
        Item::Text {
            x_mm,
            y_mm,
            size_pt,
            bold,
            text,
            align,
            origin: _,
        } => {
            let width = font::text_width_mm(text, *size_pt, *bold);
            let x = match align {
                Align::Left => *x_mm,
                Align::Right => x_mm - width,
                Align::Center => x_mm - width / 2.0,
            };
            let id = if *bold { BOLD_ID } else { REGULAR_ID };
            body.extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(FontId(id.to_string())),
                    size: Pt(*size_pt as f32),
                },
                Op::SetTextCursor {
                    pos: point(x, *y_mm, page_h),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                },
                Op::EndTextSection,
            ]);
        }
        Item::Line {
            x1_mm,
            y1_mm,
            x2_mm,
            y2_mm,
            width_pt,
            dash,
        } => {
            body.push(Op::SetOutlineThickness {
                pt: Pt(*width_pt as f32),
            });
            if let Some(d) = dash {
                body.push(Op::SetLineDashPattern {
                    dash: LineDashPattern::new(0.0, &[pt(d.on_mm).0, pt(d.off_mm).0]),
                });
            }
            body.push(Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(*x1_mm, *y1_mm, page_h),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(*x2_mm, *y2_mm, page_h),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            });
        }
        Item::Rect {
            x_mm,
            y_mm,
            w_mm,
            h_mm,
            stroke_pt,
            fill_gray,
        } => {
            let mode = match (stroke_pt, fill_gray) {
                (None, None) => return,
                (Some(_), None) => PaintMode::Stroke,
                (None, Some(_)) => PaintMode::Fill,
                (Some(_), Some(_)) => PaintMode::FillStroke,
            };
            if let Some(w) = stroke_pt {
                body.push(Op::SetOutlineThickness { pt: Pt(*w as f32) });
            }
            if let Some(g) = fill_gray {
                body.push(Op::SetFillColor { col: gray(*g) });
            }
            body.push(rect_op(*x_mm, *y_mm, *w_mm, *h_mm, page_h, mode));
        }
        // Written straight into the content stream by `add_qr_codes`: as
        // printpdf operations a code's hundreds of squares were most of
        // the work of a form page.
        Item::Qr { .. } => return,
    }
    ops.push(Op::SaveGraphicsState);
    ops.extend(body);
    ops.push(Op::RestoreGraphicsState);
}

fn pdf_date(date: jiff::civil::Date) -> printpdf::OffsetDateTime {
    printpdf::DateTime {
        date: printpdf::Date {
            year: i32::from(date.year()),
            month: date.month().unsigned_abs(),
            day: date.day().unsigned_abs(),
        },
        time: printpdf::Time {
            hour: 0,
            minute: 0,
            second: 0,
            millisecond: 0,
        },
        offset: printpdf::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    }
}

/// Writes `doc` as a PDF: A4 pages, the two Reservkit Sans fonts embedded
/// (Identity-H with a /ToUnicode map, so text can be searched and copied),
/// lines and boxes as vector paths, QR codes as filled squares, streams
/// compressed. Identical `doc` and `meta` always give identical bytes, also
/// when many PDFs are written in one process.
///
/// # Errors
/// [`PrintError::MissingGlyphs`] if any text has characters the fonts lack
/// (nothing is written blank), [`PrintError::InvalidItem`] for items with
/// impossible numbers, [`PrintError::Pdf`] for a document without pages or
/// when the PDF library reports an error.
pub fn to_pdf(doc: &Document, meta: &PdfMeta) -> Result<Vec<u8>, PrintError> {
    doc.check()?;
    let fail = |reason: String| PrintError::Pdf {
        title: meta.title.clone(),
        reason,
    };
    if doc.pages.is_empty() {
        return Err(fail("dokumentet har inga sidor".to_string()));
    }
    let (regular, bold) = parsed_fonts().map_err(|e| match e {
        PrintError::Pdf { reason, .. } => fail(reason),
        other => other,
    })?;

    let mut pdf = PdfDocument::new(&meta.title);
    let info = &mut pdf.metadata.info;
    info.creation_date = pdf_date(meta.date);
    info.modification_date = pdf_date(meta.date);
    info.metadata_date = pdf_date(meta.date);
    info.author = meta.author.clone();
    info.creator = PRODUCER.to_string();
    info.producer = PRODUCER.to_string();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    // The default conformance asks for no XMP packet; XMP would carry a random
    // instance id, so make sure it stays off.
    pdf.metadata.xmp = None;
    if pdf.metadata.info.conformance.must_have_xmp_metadata() {
        return Err(fail("PDF-biblioteket kräver XMP-metadata".to_string()));
    }
    // Fixed resource names instead of `add_font`, whose ids come from a
    // process-wide counter.
    pdf.resources.fonts.map.insert(
        FontId(REGULAR_ID.to_string()),
        PdfFont::new(regular.clone()),
    );
    pdf.resources
        .fonts
        .map
        .insert(FontId(BOLD_ID.to_string()), PdfFont::new(bold.clone()));

    for page in &doc.pages {
        let (w, h) = (page.size.width_mm(), page.size.height_mm());
        let mut ops = Vec::new();
        for item in &page.items {
            item_ops(item, h, &mut ops);
        }
        let mut pdf_page = PdfPage::new(Mm(w as f32), Mm(h as f32), ops);
        // A4 as PDF producers conventionally write it (595.28 × 841.89 pt),
        // rather than the f32 rounding of 210 × 297 mm (595.2756…).
        let (w_pt, h_pt) = (a4_pt(w), a4_pt(h));
        pdf_page.media_box = Rect::from_wh(w_pt, h_pt);
        pdf_page.trim_box = Rect::from_wh(w_pt, h_pt);
        pdf_page.crop_box = Rect::from_wh(w_pt, h_pt);
        pdf.pages.push(pdf_page);
    }

    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
    if let Some(error) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(fail(error.msg.clone()));
    }
    tidy(&mut lo).map_err(|e| fail(format!("PDF-strukturen: {e}")))?;
    add_background(&mut lo, doc).map_err(|e| fail(format!("bakgrunden: {e}")))?;
    add_qr_codes(&mut lo, doc).map_err(|e| fail(format!("QR-koden: {e}")))?;
    compress_streams(&mut lo).map_err(|e| fail(format!("kunde inte komprimera: {e}")))?;
    save_with_content_id(&mut lo).map_err(|e| fail(format!("kunde inte spara: {e}")))
}

/// Removes what printpdf writes but the kit's PDFs must not claim: an empty
/// `/GTS_PDFXVersion` (viewers then report the file as PDF/X) and empty
/// `/Identifier`, `/Subject`, `/Keywords`; declares the text Swedish and
/// asks viewers not to scale the pages when printing.
fn tidy(lo: &mut lopdf::Document) -> lopdf::Result<()> {
    let info_id = lo.trailer.get(b"Info")?.as_reference()?;
    let info = lo.get_dictionary_mut(info_id)?;
    info.remove(b"GTS_PDFXVersion");
    info.remove(b"Identifier");
    for key in [b"Subject".as_slice(), b"Keywords".as_slice()] {
        let empty = match info.get(key) {
            Ok(lopdf::Object::String(bytes, _)) => {
                bytes.is_empty() || bytes.as_slice() == [0xFE, 0xFF]
            }
            _ => false,
        };
        if empty {
            info.remove(key);
        }
    }
    let catalog = lo.catalog_mut()?;
    catalog.set("Lang", lopdf::Object::string_literal("sv-SE"));
    // Ask viewers to print at 100 %: "fit to page" would shrink the forms'
    // boxes and move them away from where layout.json says they are.
    let mut prefs = lopdf::Dictionary::new();
    prefs.set("PrintScaling", lopdf::Object::Name(b"None".to_vec()));
    catalog.set("ViewerPreferences", lopdf::Object::Dictionary(prefs));
    lo.version = "1.4".to_string();
    Ok(())
}

/// The dark QR modules as rectangles (row, column, width, height in
/// modules): each horizontal run of dark modules, merged with the same run
/// in the rows below it, so a code takes a few hundred rectangles rather
/// than one per module.
fn dark_rects(modules: &[Vec<bool>]) -> Vec<(usize, usize, usize, usize)> {
    // Rectangles still growing downwards, by (first column, width).
    let mut open: std::collections::BTreeMap<(usize, usize), (usize, usize)> =
        std::collections::BTreeMap::new();
    let mut done = Vec::new();
    for (r, row) in modules.iter().enumerate() {
        let mut runs = Vec::new();
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
            runs.push((start, c - start));
        }
        let mut next = std::collections::BTreeMap::new();
        for run in runs {
            let (top, height) = open.remove(&run).unwrap_or((r, 0));
            next.insert(run, (top, height + 1));
        }
        done.extend(open.into_iter().map(|((c, w), (top, h))| (top, c, w, h)));
        open = next;
    }
    done.extend(open.into_iter().map(|((c, w), (top, h))| (top, c, w, h)));
    done.sort_unstable();
    done
}

/// Appends a QR code to a content stream as one filled path (`re` per
/// rectangle of [`dark_rects`], one `f`), in its own graphics state, for a
/// page `page_h` mm high. A matrix puts one unit at one module, with y
/// down from the code's top-left corner, so the rectangles are small
/// integers: formatting hundreds of decimals per code was a sixth of the
/// build.
fn qr_path(
    out: &mut String,
    x_mm: f64,
    y_mm: f64,
    size_mm: f64,
    modules: &[Vec<bool>],
    page_h: f64,
) {
    use std::fmt::Write;
    let p = |mm: f64| mm / MM_PER_PT;
    let m = p(size_mm / modules.len().max(1) as f64);
    let _ = writeln!(
        out,
        "q 0 g {m:.4} 0 0 {:.4} {:.3} {:.3} cm",
        -m,
        p(x_mm),
        p(page_h - y_mm)
    );
    for (r, c, w, h) in dark_rects(modules) {
        let _ = writeln!(out, "{c} {r} {w} {h} re");
    }
    out.push_str("f Q\n");
}

/// Draws every page's QR codes at the end of its content stream.
fn add_qr_codes(lo: &mut lopdf::Document, doc: &Document) -> lopdf::Result<()> {
    let pages = lo.get_pages();
    for (page, page_id) in doc.pages.iter().zip(pages.values()) {
        let mut path = String::new();
        for item in &page.items {
            if let Item::Qr {
                x_mm,
                y_mm,
                size_mm,
                modules,
            } = item
            {
                qr_path(
                    &mut path,
                    *x_mm,
                    *y_mm,
                    *size_mm,
                    modules,
                    page.size.height_mm(),
                );
            }
        }
        if path.is_empty() {
            continue;
        }
        let stream = page_content(lo, *page_id)?;
        stream.decompress()?;
        let mut content = std::mem::take(&mut stream.content);
        if !content.ends_with(b"\n") {
            content.push(b'\n');
        }
        content.extend_from_slice(path.as_bytes());
        stream.set_content(content);
    }
    Ok(())
}

/// The content stream of a page.
fn page_content(
    lo: &mut lopdf::Document,
    page_id: lopdf::ObjectId,
) -> lopdf::Result<&mut lopdf::Stream> {
    let contents = lo.get_dictionary(page_id)?.get(b"Contents")?.clone();
    let stream_id = match contents {
        lopdf::Object::Reference(r) => r,
        lopdf::Object::Array(a) => a
            .first()
            .and_then(|o| o.as_reference().ok())
            .ok_or_else(|| lopdf::Error::Syntax("sidans innehåll saknas".to_string()))?,
        _ => return Err(lopdf::Error::Syntax("sidans innehåll saknas".to_string())),
    };
    lo.get_object_mut(stream_id)?.as_stream_mut()
}

/// Name of the shared background form XObject in every page's resources.
const BACKGROUND_ID: &str = "RkBackground";

/// PDF operators for lines and boxes, in points with y up from the bottom
/// of a page `page_h` mm high. Text never goes here.
fn background_stream(items: &[Item], page_h: f64) -> Vec<u8> {
    use std::fmt::Write;
    let p = |mm: f64| mm / MM_PER_PT;
    let mut out = String::from("q 0 G 0 J 0 j\n");
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
                        let _ = writeln!(out, "[{:.2} {:.2}] 0 d", p(d.on_mm), p(d.off_mm));
                    }
                    None => out.push_str("[] 0 d\n"),
                }
                let _ = writeln!(
                    out,
                    "{:.2} w {:.2} {:.2} m {:.2} {:.2} l S",
                    width_pt,
                    p(*x1_mm),
                    p(page_h - y1_mm),
                    p(*x2_mm),
                    p(page_h - y2_mm)
                );
            }
            Item::Rect {
                x_mm,
                y_mm,
                w_mm,
                h_mm,
                stroke_pt,
                fill_gray,
            } => {
                let rect = format!(
                    "{:.2} {:.2} {:.2} {:.2} re",
                    p(*x_mm),
                    p(page_h - y_mm - h_mm),
                    p(*w_mm),
                    p(*h_mm)
                );
                if let Some(g) = fill_gray {
                    let _ = writeln!(out, "{g:.3} g {rect} f 0 g");
                }
                if let Some(w) = stroke_pt {
                    let _ = writeln!(out, "[] 0 d {w:.2} w {rect} S");
                }
            }
            Item::Qr {
                x_mm,
                y_mm,
                size_mm,
                modules,
            } => qr_path(&mut out, *x_mm, *y_mm, *size_mm, modules, page_h),
            Item::Text { .. } => {}
        }
    }
    out.push_str("Q\n");
    out.into_bytes()
}

/// Writes `doc.background` once as a form XObject and draws it first on
/// every page that asks for it.
fn add_background(lo: &mut lopdf::Document, doc: &Document) -> lopdf::Result<()> {
    use lopdf::{Dictionary, Object, Stream};
    let users: Vec<usize> = (0..doc.pages.len())
        .filter(|&i| doc.pages[i].background)
        .collect();
    let Some(&first) = users.first() else {
        return Ok(());
    };
    let size = doc.pages[first].size;
    if users.iter().any(|&i| doc.pages[i].size != size) {
        return Err(lopdf::Error::Syntax(
            "bakgrunden används på sidor av olika storlek".to_string(),
        ));
    }
    let (w, h) = (a4_pt(size.width_mm()).0, a4_pt(size.height_mm()).0);
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set("FormType", Object::Integer(1));
    dict.set(
        "BBox",
        Object::Array(vec![0.into(), 0.into(), Object::Real(w), Object::Real(h)]),
    );
    dict.set("Resources", Object::Dictionary(Dictionary::new()));
    let id = lo.add_object(Stream::new(
        dict,
        background_stream(&doc.background, size.height_mm()),
    ));
    let pages = lo.get_pages();
    for (index, page_id) in pages.values().enumerate() {
        if !users.contains(&index) {
            continue;
        }
        // The page's resources: inline or referenced.
        let resources = lo.get_dictionary(*page_id)?.get(b"Resources")?.clone();
        let res_dict: &mut Dictionary = match resources {
            Object::Reference(r) => lo.get_dictionary_mut(r)?,
            Object::Dictionary(_) => lo
                .get_dictionary_mut(*page_id)?
                .get_mut(b"Resources")?
                .as_dict_mut()?,
            _ => return Err(lopdf::Error::Syntax("sidans resurser saknas".to_string())),
        };
        let xobjects = match res_dict.get_mut(b"XObject") {
            Ok(Object::Dictionary(d)) => d,
            _ => {
                res_dict.set("XObject", Object::Dictionary(Dictionary::new()));
                res_dict.get_mut(b"XObject")?.as_dict_mut()?
            }
        };
        xobjects.set(BACKGROUND_ID, Object::Reference(id));
        let stream = page_content(lo, *page_id)?;
        stream.decompress()?;
        let mut content = format!("q /{BACKGROUND_ID} Do Q\n").into_bytes();
        content.extend_from_slice(&stream.content);
        stream.set_content(content);
    }
    Ok(())
}

/// Compresses every stream that allows it with a fast deflate level: the
/// kit makes hundreds of form pages per build, and lopdf's own `compress`
/// uses the slowest level for a few per cent smaller files.
fn compress_streams(lo: &mut lopdf::Document) -> std::io::Result<()> {
    for object in lo.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
                continue;
            }
            let compressed = compress_cached(&stream.content)?;
            if compressed.len() + 19 < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(compressed);
            }
        }
    }
    Ok(())
}

/// Deflates `bytes`, remembering large inputs: the two embedded fonts are
/// the same in every PDF of a build. Deflate is deterministic, so the cache
/// cannot change the output.
fn compress_cached(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use std::io::Write;
    type Cache = std::sync::Mutex<Vec<(Vec<u8>, Vec<u8>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let large = bytes.len() >= 16 * 1024;
    if large
        && let Ok(guard) = CACHE.get_or_init(Default::default).lock()
        && let Some((_, hit)) = guard.iter().find(|(k, _)| k.as_slice() == bytes)
    {
        return Ok(hit.clone());
    }
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes)?;
    let compressed = encoder.finish()?;
    if large
        && let Ok(mut guard) = CACHE.get_or_init(Default::default).lock()
        && guard.len() < 8
    {
        guard.push((bytes.to_vec(), compressed.clone()));
    }
    Ok(compressed)
}

/// Saves with a trailer `/ID` made from the content instead of printpdf's
/// process-wide counter: the file is written once with an all-zero ID, and
/// the first 16 bytes of the SHA-256 of those bytes replace both halves in
/// place. The ID has a fixed length, so no offset moves.
fn save_with_content_id(lo: &mut lopdf::Document) -> lopdf::Result<Vec<u8>> {
    let zero = [0u8; 16];
    let half = || lopdf::Object::String(zero.to_vec(), lopdf::StringFormat::Hexadecimal);
    lo.trailer
        .set("ID", lopdf::Object::Array(vec![half(), half()]));
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)?;
    let digest = Sha256::digest(&bytes);
    let placeholder = format!("<{}>", "00".repeat(16));
    let id: String = digest[..16].iter().map(|b| format!("{b:02X}")).collect();
    let replacement = format!("<{id}>");
    // The trailer comes last: patch the last two occurrences only.
    let mut patched = 0;
    let mut end = bytes.len();
    while patched < 2 {
        let Some(pos) = bytes[..end]
            .windows(placeholder.len())
            .rposition(|w| w.eq_ignore_ascii_case(placeholder.as_bytes()))
        else {
            break;
        };
        bytes[pos..pos + replacement.len()].copy_from_slice(replacement.as_bytes());
        end = pos;
        patched += 1;
    }
    if patched != 2 {
        return Err(lopdf::Error::Syntax("trailer /ID not found".to_string()));
    }
    Ok(bytes)
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
}
