//! Pages out of the files a copier's scan-to-folder writes: PDFs with one
//! image per page (JPEG/DCT, Flate, CCITT fax), and PNG, JPEG and TIFF
//! files. Every page becomes a [`Gray`] image or a reason, in Swedish, why
//! it could not be read.
//!
//! This module only decodes; it must not look for the form (that is
//! [`super::register`]). It never reads a file itself: the command passes
//! the bytes.

use std::io::Read as _;

use lopdf::{Dictionary, Document, Object};

use super::gray::Gray;

/// One page of an input file: its 1-based number and its image or why
/// there is none.
pub type DecodedPage = (u32, Result<Gray, String>);

/// The pages of one file, told apart by its first bytes.
///
/// # Errors
/// A message when the file is of no kind the reader knows, or is broken
/// as a whole (a PDF without pages); a page that cannot be decoded is an
/// `Err` of its own in the list.
pub fn pages(bytes: &[u8]) -> Result<Vec<DecodedPage>, String> {
    if bytes.starts_with(b"%PDF") {
        pdf_pages(bytes)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        tiff_pages(bytes)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G']) || bytes.starts_with(&[0xFF, 0xD8]) {
        Ok(vec![(1, image_file(bytes))])
    } else {
        Err("filen är varken PDF, PNG, JPEG eller TIFF".to_string())
    }
}

fn to_gray(img: image::DynamicImage) -> Gray {
    let l = img.to_luma8();
    Gray {
        w: l.width() as usize,
        h: l.height() as usize,
        px: l.into_raw(),
    }
}

fn image_file(bytes: &[u8]) -> Result<Gray, String> {
    image::load_from_memory(bytes)
        .map(to_gray)
        .map_err(|e| format!("bilden kunde inte avkodas: {e}"))
}

/// Every page of a TIFF (scanners write multi-page TIFFs).
fn tiff_pages(bytes: &[u8]) -> Result<Vec<DecodedPage>, String> {
    let mut out = Vec::new();
    let mut decoder = tiff::decoder::Decoder::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("TIFF-filen kunde inte läsas: {e}"))?;
    let mut page = 1u32;
    loop {
        out.push((page, tiff_page(&mut decoder)));
        if !decoder.more_images() {
            break;
        }
        if let Err(e) = decoder.next_image() {
            out.push((page + 1, Err(format!("sidan kunde inte avkodas: {e}"))));
            break;
        }
        page += 1;
    }
    // The first page through the image crate as well, which knows more
    // colour types; it is used when the plain reader cannot.
    if let Some((_, Err(_))) = out.first()
        && let Ok(d) = image::codecs::tiff::TiffDecoder::new(std::io::Cursor::new(bytes))
        && let Ok(img) = image::DynamicImage::from_decoder(d)
    {
        out[0].1 = Ok(to_gray(img));
    }
    Ok(out)
}

fn tiff_page(decoder: &mut tiff::decoder::Decoder<std::io::Cursor<&[u8]>>) -> Result<Gray, String> {
    use tiff::ColorType;
    use tiff::decoder::DecodingResult;
    let (w, h) = decoder
        .dimensions()
        .map_err(|e| format!("sidan kunde inte avkodas: {e}"))?;
    let color = decoder
        .colortype()
        .map_err(|e| format!("sidan kunde inte avkodas: {e}"))?;
    let white_is_zero = matches!(
        decoder.get_tag_u32(tiff::tags::Tag::PhotometricInterpretation),
        Ok(0)
    );
    let data = decoder
        .read_image()
        .map_err(|e| format!("sidan kunde inte avkodas: {e}"))?;
    let (w, h) = (w as usize, h as usize);
    let DecodingResult::U8(data) = data else {
        return Err("TIFF med mer än 8 bitar per färg stöds inte".to_string());
    };
    let mut px = match color {
        ColorType::Gray(8) => data,
        ColorType::Gray(1) => unpack_bits(&data, w, h),
        ColorType::RGB(8) => data
            .chunks_exact(3)
            .map(|c| luma(c[0], c[1], c[2]))
            .collect(),
        ColorType::RGBA(8) => data
            .chunks_exact(4)
            .map(|c| luma(c[0], c[1], c[2]))
            .collect(),
        other => return Err(format!("TIFF med färgtypen {other:?} stöds inte")),
    };
    if white_is_zero {
        px.iter_mut().for_each(|p| *p = 255 - *p);
    }
    if px.len() < w * h {
        return Err("TIFF-sidan har för lite bilddata".to_string());
    }
    px.truncate(w * h);
    Ok(Gray { w, h, px })
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000) as u8
}

/// One bit per pixel, rows padded to whole bytes, 1 = white.
fn unpack_bits(data: &[u8], w: usize, h: usize) -> Vec<u8> {
    let stride = w.div_ceil(8);
    let mut px = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let byte = data.get(y * stride + x / 8).copied().unwrap_or(0xFF);
            px.push(if byte >> (7 - x % 8) & 1 == 1 { 255 } else { 0 });
        }
    }
    px
}

fn pdf_pages(bytes: &[u8]) -> Result<Vec<DecodedPage>, String> {
    let doc = Document::load_mem(bytes).map_err(|e| format!("PDF-filen kunde inte läsas: {e}"))?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err("PDF-filen har inga sidor".to_string());
    }
    Ok(pages
        .iter()
        .map(|(&n, &id)| (n, pdf_page(&doc, id)))
        .collect())
}

/// The largest image on a page: a scanned page is one image covering it.
fn pdf_page(doc: &Document, id: lopdf::ObjectId) -> Result<Gray, String> {
    let images = doc
        .get_page_images(id)
        .map_err(|e| format!("sidans bilder kunde inte läsas: {e}"))?;
    let image = images
        .iter()
        .max_by_key(|i| i.width * i.height)
        .ok_or("sidan har ingen bild (väntade en skannad sida)")?;
    let dict = image.origin_dict;
    let (w, h) = (image.width as usize, image.height as usize);
    if w == 0 || h == 0 || w * h > 20_000 * 20_000 {
        return Err(format!("sidans bild har orimlig storlek {w}×{h}"));
    }
    let filters = image.filters.clone().unwrap_or_default();
    let params = decode_params(doc, dict);
    let mut data = image.content.to_vec();
    for (i, filter) in filters.iter().enumerate() {
        let p = params.get(i).cloned().flatten();
        match filter.as_str() {
            "FlateDecode" | "Fl" => {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(&data[..])
                    .read_to_end(&mut out)
                    .map_err(|e| format!("sidans bild (Flate) kunde inte packas upp: {e}"))?;
                data = match p.as_ref().map(|d| int(doc, d, b"Predictor", 1)) {
                    Some(pred) if pred >= 10 => {
                        let d = p.as_ref().ok_or("")?;
                        let colors = int(doc, d, b"Colors", 1) as usize;
                        let bpc = int(doc, d, b"BitsPerComponent", 8) as usize;
                        let columns = int(doc, d, b"Columns", 1) as usize;
                        png_unpredict(&out, (colors * bpc * columns).div_ceil(8), colors * bpc)?
                    }
                    _ => out,
                };
            }
            "DCTDecode" | "DCT" => {
                let img = image::load_from_memory_with_format(&data, image::ImageFormat::Jpeg)
                    .map_err(|e| format!("sidans bild (JPEG) kunde inte avkodas: {e}"))?;
                return Ok(to_gray(img));
            }
            "CCITTFaxDecode" | "CCF" => return ccitt(doc, dict, &data, p.as_ref(), w, h),
            other => {
                return Err(format!(
                    "sidans bild är packad med {other}, som inte stöds (väntade JPEG, Flate eller CCITT)"
                ));
            }
        }
    }
    raw_pixels(doc, dict, &data, w, h)
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn int(doc: &Document, d: &Dictionary, key: &[u8], default: i64) -> i64 {
    d.get(key)
        .ok()
        .and_then(|o| resolve(doc, o).as_i64().ok())
        .unwrap_or(default)
}

/// DecodeParms per filter (a dictionary, or an array parallel to Filter).
fn decode_params(doc: &Document, dict: &Dictionary) -> Vec<Option<Dictionary>> {
    let Ok(p) = dict.get(b"DecodeParms").or_else(|_| dict.get(b"DP")) else {
        return Vec::new();
    };
    match resolve(doc, p) {
        Object::Dictionary(d) => vec![Some(d.clone())],
        Object::Array(a) => a
            .iter()
            .map(|o| resolve(doc, o).as_dict().ok().cloned())
            .collect(),
        _ => Vec::new(),
    }
}

/// Undoes the PNG predictors of a Flate stream (img2pdf embeds PNG data
/// as it is).
fn png_unpredict(data: &[u8], row: usize, bits_per_pixel: usize) -> Result<Vec<u8>, String> {
    let bpp = bits_per_pixel.div_ceil(8).max(1);
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        if chunk.len() < row + 1 {
            break;
        }
        let kind = chunk[0];
        let mut cur = chunk[1..].to_vec();
        for i in 0..row {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            let add = match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                k => return Err(format!("okänd PNG-prediktor {k} i sidans bild")),
            };
            cur[i] = cur[i].wrapping_add(add);
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}

/// Uncompressed samples in the image's colour space.
fn raw_pixels(
    doc: &Document,
    dict: &Dictionary,
    data: &[u8],
    w: usize,
    h: usize,
) -> Result<Gray, String> {
    let bpc = int(doc, dict, b"BitsPerComponent", 8);
    let space = dict.get(b"ColorSpace").map(|o| resolve(doc, o)).ok();
    let (components, palette) = match space {
        Some(Object::Name(n)) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => (1, None),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => (3, None),
            b"DeviceCMYK" | b"CMYK" => (4, None),
            other => {
                return Err(format!(
                    "sidans bild har färgrymden {}, som inte stöds",
                    String::from_utf8_lossy(other)
                ));
            }
        },
        Some(Object::Array(a)) => match a.first().and_then(|o| o.as_name().ok()) {
            Some(b"ICCBased") => {
                let n = a
                    .get(1)
                    .map(|o| resolve(doc, o))
                    .and_then(|o| o.as_stream().ok())
                    .map(|s| int(doc, &s.dict, b"N", 3))
                    .unwrap_or(3);
                (n as usize, None)
            }
            Some(b"Indexed" | b"I") => {
                let base = a.get(1).map(|o| resolve(doc, o));
                let base_n = match base {
                    Some(Object::Name(n)) if n.as_slice() == b"DeviceGray" => 1,
                    Some(Object::Name(n)) if n.as_slice() == b"DeviceCMYK" => 4,
                    _ => 3,
                };
                let lookup = match a.get(3).map(|o| resolve(doc, o)) {
                    Some(Object::String(s, _)) => s.clone(),
                    Some(Object::Stream(s)) => s
                        .decompressed_content()
                        .unwrap_or_else(|_| s.content.clone()),
                    _ => return Err("sidans bild har en trasig färgtabell".to_string()),
                };
                let colors: Vec<u8> = lookup.chunks(base_n).map(|c| to_luma(c, base_n)).collect();
                (1, Some(colors))
            }
            _ => return Err("sidans bild har en färgrymd som inte stöds".to_string()),
        },
        _ => (1, None),
    };
    let bpc = bpc as usize;
    if !matches!(bpc, 1 | 2 | 4 | 8) {
        return Err(format!(
            "sidans bild har {bpc} bitar per färg, som inte stöds"
        ));
    }
    let row = (w * components * bpc).div_ceil(8);
    if data.len() < row * h {
        return Err("sidans bild har för lite bilddata".to_string());
    }
    let invert = dict_inverts(doc, dict);
    let max = (1u32 << bpc) - 1;
    let mut px = Vec::with_capacity(w * h);
    for y in 0..h {
        let line = &data[y * row..(y + 1) * row];
        for x in 0..w {
            let mut c = [0u8; 4];
            for (k, slot) in c.iter_mut().enumerate().take(components.min(4)) {
                let bit = (x * components + k) * bpc;
                let v = u32::from(line[bit / 8] >> (8 - bpc - bit % 8)) & max;
                *slot = match &palette {
                    Some(_) => v as u8,
                    None => (v * 255 / max) as u8,
                };
            }
            let mut g = match &palette {
                Some(p) => p.get(usize::from(c[0])).copied().unwrap_or(255),
                None => to_luma(&c[..components.min(4)], components),
            };
            if invert {
                g = 255 - g;
            }
            px.push(g);
        }
    }
    Ok(Gray { w, h, px })
}

/// Whether the image's Decode array swaps dark and light (`[1 0]`).
fn dict_inverts(doc: &Document, dict: &Dictionary) -> bool {
    dict.get(b"Decode")
        .ok()
        .and_then(|o| resolve(doc, o).as_array().ok())
        .and_then(|a| a.first())
        .and_then(|o| {
            o.as_float()
                .ok()
                .or_else(|| o.as_i64().ok().map(|i| i as f32))
        })
        .is_some_and(|first| first > 0.5)
}

fn to_luma(c: &[u8], n: usize) -> u8 {
    match n {
        3 if c.len() >= 3 => luma(c[0], c[1], c[2]),
        4 if c.len() >= 4 => {
            let k = u32::from(c[3]);
            let ch = |v: u8| (255 - (u32::from(v) + k).min(255)) as u8;
            luma(ch(c[0]), ch(c[1]), ch(c[2]))
        }
        _ => c.first().copied().unwrap_or(255),
    }
}

/// A CCITT fax image (Group 4, or Group 3 one-dimensional).
fn ccitt(
    doc: &Document,
    image_dict: &Dictionary,
    data: &[u8],
    params: Option<&Dictionary>,
    w: usize,
    h: usize,
) -> Result<Gray, String> {
    let get = |key: &[u8], default: i64| params.map_or(default, |d| int(doc, d, key, default));
    let k = get(b"K", 0);
    let columns = get(b"Columns", 1728) as usize;
    let black_is_1 = params
        .and_then(|d| d.get(b"BlackIs1").ok())
        .and_then(|o| o.as_bool().ok())
        .unwrap_or(false);
    if columns != w {
        return Err(format!(
            "sidans faxbild har {columns} kolumner men bilden är {w} bildpunkter bred"
        ));
    }
    let width = u16::try_from(w).map_err(|_| "sidans faxbild är för bred".to_string())?;
    let mut px = Vec::with_capacity(w * h);
    // The filter gives 0 for a black run unless BlackIs1, and DeviceGray
    // shows 0 as black; a Decode of [1 0] turns that round again.
    let invert = dict_inverts(doc, image_dict);
    let (black, white) = if black_is_1 != invert {
        (255u8, 0u8)
    } else {
        (0u8, 255u8)
    };
    let mut line = |transitions: &[u16]| {
        if px.len() < w * h {
            px.extend(fax::decoder::pels(transitions, width).map(|c| match c {
                fax::Color::Black => black,
                fax::Color::White => white,
            }));
        }
    };
    let ok = if k < 0 {
        fax::decoder::decode_g4(
            data.iter().copied(),
            width,
            u16::try_from(h).ok(),
            &mut line,
        )
    } else if k == 0 {
        fax::decoder::decode_g3(data.iter().copied(), &mut line)
    } else {
        return Err(
            "sidans faxbild är CCITT grupp 3 tvådimensionell (K > 0), som inte stöds; skanna som grupp 4, JPEG eller PNG"
                .to_string(),
        );
    };
    if ok.is_none() && px.len() < w * h / 2 {
        return Err("sidans faxbild (CCITT) kunde inte avkodas".to_string());
    }
    px.resize(w * h, 255);
    Ok(Gray { w, h, px })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_files_are_named_as_such() {
        assert!(pages(b"hello").expect_err("refused").contains("varken PDF"));
    }

    #[test]
    fn png_predictors_are_undone_row_by_row() {
        // Two rows of three grey pixels: "Sub" then "Up".
        let data = [1, 10, 5, 5, 2, 1, 1, 1];
        let out = png_unpredict(&data, 3, 8).expect("valid");
        assert_eq!(out, vec![10, 15, 20, 11, 16, 21]);
    }

    #[test]
    fn a_png_file_is_one_page() {
        let mut bytes = Vec::new();
        let img = image::GrayImage::from_pixel(4, 3, image::Luma([200]));
        img.write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encodes");
        let p = pages(&bytes).expect("reads");
        assert_eq!(p.len(), 1);
        let g = p[0].1.as_ref().expect("decodes");
        assert_eq!((g.w, g.h, g.get(1, 1)), (4, 3, 200));
    }
}
