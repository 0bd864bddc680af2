//! The draft of a scanned sheet, as files in memory for the command to
//! write under `<dir>/skanning/<blad>/`: `utkast.json`, one PNG per
//! handwriting field of every written row, and on request `oversikt.png`,
//! the page straightened with every box drawn in the colour of its reading.
//!
//! A draft is not a transcription: the workbench shows it to a coordinator,
//! who types the handwriting, checks the ticks and confirms each row. The
//! format is documented in the README ("Skanning: utkastets format").
//! Output is deterministic: the same page gives the same bytes.

use serde::Serialize;
use serde::ser::SerializeMap as _;

use super::gray::Gray;
use super::layout::Rect;
use super::ticks::{Mark, SURE};
use super::{RowRead, SheetRead, crop};
use crate::transcript::columns::Column;

/// The `format` of utkast.json and index.json.
pub const FORMAT: &str = "reservkit skanningsutkast";
pub const INDEX_FORMAT: &str = "reservkit skanningskö";

/// Resolution of the field images, pixels per mm (about 200 dpi), at most
/// the scan's own.
const FIELD_PER_MM: f64 = 8.0;
/// Resolution of the overview, pixels per mm.
const OVERVIEW_PER_MM: f64 = 4.0;
/// Margin around a handwriting field in its image, mm: handwriting crosses
/// the printed lines.
const FIELD_MARGIN: f64 = 1.0;

/// Where the page came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The file as named on the command line.
    pub file: String,
    pub page: u32,
}

#[derive(Serialize)]
struct Draft<'a> {
    format: &'static str,
    version: u32,
    status: &'static str,
    note: &'static str,
    sheet: &'a str,
    kit: &'a str,
    source: &'a Source,
    /// Degrees the page was turned to read it.
    turned: u32,
    confidence: f64,
    uncertain_boxes: usize,
    rows: Vec<DraftRow>,
}

#[derive(Serialize)]
struct DraftRow {
    row: u32,
    confidence: f64,
    uncertain: Vec<String>,
    conflicts: Vec<String>,
    values: Values,
    boxes: Vec<DraftBox>,
    fields: Vec<DraftField>,
}

#[derive(Serialize)]
struct DraftBox {
    column: String,
    value: String,
    mark: Mark,
    ink: f64,
    confidence: f64,
}

#[derive(Serialize)]
struct DraftField {
    column: String,
    written: bool,
    ink: f64,
    image: String,
}

/// Every transcription column in file order, with the value read or null.
struct Values(Vec<(&'static str, Option<String>)>);

impl Serialize for Values {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The row needs a person: written, or a box read without certainty.
fn in_draft(row: &RowRead) -> bool {
    row.written() || row.boxes.iter().any(|b| b.reading.confidence < SURE)
}

/// The lowest confidence of any box on the sheet (1 without boxes): the
/// review queue's order, least certain first.
pub fn sheet_confidence(sheet: &SheetRead) -> f64 {
    sheet
        .rows
        .iter()
        .flat_map(|r| &r.boxes)
        .map(|b| b.reading.confidence)
        .fold(1.0, f64::min)
}

fn field_image(row: u32, column: &str) -> String {
    format!("rad-{row:02}-{column}.png")
}

fn png(g: &Gray) -> Vec<u8> {
    let mut out = Vec::new();
    let img = image::GrayImage::from_raw(g.w as u32, g.h as u32, g.px.clone());
    if let Some(img) = img {
        // Writing PNG to memory fails only on allocation.
        let _ = img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    }
    out
}

/// What the ticks on a row say, per transcription column, and the columns
/// with more than one tick.
fn tick_values(row: &RowRead) -> (Vec<(String, String)>, Vec<String>) {
    let mut columns: Vec<&str> = Vec::new();
    for b in &row.boxes {
        if !columns.contains(&b.column.as_str()) {
            columns.push(&b.column);
        }
    }
    let mut values = Vec::new();
    let mut conflicts = Vec::new();
    for c in columns {
        let ticked: Vec<&str> = row
            .boxes
            .iter()
            .filter(|b| b.column == c && b.reading.mark == Mark::Kryss)
            .map(|b| b.value.as_str())
            .collect();
        match ticked.as_slice() {
            [] => {}
            [one] => values.push((c.to_string(), (*one).to_string())),
            many => conflicts.push(format!("{c}: flera kryss ({})", many.join(", "))),
        }
    }
    (values, conflicts)
}

/// The files of one sheet's draft, paths relative to the sheet's folder.
pub fn sheet_files(
    sheet: &SheetRead,
    page: &Gray,
    source: &Source,
    overview: bool,
) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let per_mm = FIELD_PER_MM
        .min(sheet.transform.scale_at(148.0, 105.0))
        .max(3.0);
    let mut rows = Vec::new();
    for row in sheet.rows.iter().filter(|r| in_draft(r)) {
        let (ticked, conflicts) = tick_values(row);
        let mut values: Vec<(&'static str, Option<String>)> =
            Column::ALL.iter().map(|c| (c.name(), None)).collect();
        let mut set = |name: &str, v: String| {
            if let Some(slot) = values.iter_mut().find(|(k, _)| *k == name) {
                slot.1 = Some(v);
            }
        };
        set("blad", sheet.sheet.clone());
        set("rad", row.row.to_string());
        for (column, value) in ticked {
            set(&column, value);
        }
        let uncertain: Vec<String> = row
            .boxes
            .iter()
            .filter(|b| b.reading.confidence < SURE)
            .map(|b| format!("{}={}", b.column, b.value))
            .collect();
        let mut fields = Vec::new();
        for f in &row.fields {
            let name = field_image(row.row, &f.column);
            let img = crop(page, &sheet.transform, f.rect, FIELD_MARGIN, per_mm);
            files.push((name.clone(), png(&img)));
            fields.push(DraftField {
                column: f.column.clone(),
                written: f.written(),
                ink: round3(f.ink),
                image: name,
            });
        }
        rows.push(DraftRow {
            row: row.row,
            confidence: round3(
                row.boxes
                    .iter()
                    .map(|b| b.reading.confidence)
                    .fold(1.0, f64::min),
            ),
            uncertain,
            conflicts,
            values: Values(values),
            boxes: row
                .boxes
                .iter()
                .map(|b| DraftBox {
                    column: b.column.clone(),
                    value: b.value.clone(),
                    mark: b.reading.mark,
                    ink: round3(b.reading.ink),
                    confidence: round3(b.reading.confidence),
                })
                .collect(),
            fields,
        });
    }
    let draft = Draft {
        format: FORMAT,
        version: 1,
        status: "utkast",
        note: "Maskinläst utkast av ett skannat blad. Ingen rad här är transkriberad förrän en samordnare har skrivit av handskriften, kontrollerat kryssen och bekräftat raden.",
        sheet: &sheet.sheet,
        kit: &sheet.kit,
        source,
        turned: sheet.turned * 90,
        confidence: round3(sheet_confidence(sheet)),
        uncertain_boxes: sheet
            .rows
            .iter()
            .flat_map(|r| &r.boxes)
            .filter(|b| b.reading.confidence < SURE)
            .count(),
        rows,
    };
    let mut json = serde_json::to_string_pretty(&draft).unwrap_or_default();
    json.push('\n');
    files.push(("utkast.json".to_string(), json.into_bytes()));
    if overview {
        files.push(("oversikt.png".to_string(), overview_png(sheet, page)));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Colours of the overview: ticked, empty, filled (taken back), uncertain,
/// handwriting found.
pub const COLOURS: [(&str, [u8; 3]); 5] = [
    ("kryss", [0, 150, 0]),
    ("tom", [90, 140, 255]),
    ("ifylld", [200, 0, 170]),
    ("osäker", [255, 120, 0]),
    ("handskrift", [0, 190, 210]),
];

/// The page straightened to the layout at [`OVERVIEW_PER_MM`], every box
/// framed in the colour of its reading (uncertain ones thicker), every
/// written handwriting field framed too.
pub fn overview_png(sheet: &SheetRead, page: &Gray) -> Vec<u8> {
    let full = Rect {
        x: 0.0,
        y: 0.0,
        w: 297.0,
        h: 210.0,
    };
    let g = crop(page, &sheet.transform, full, 0.0, OVERVIEW_PER_MM);
    let mut rgb = image::RgbImage::from_fn(g.w as u32, g.h as u32, |x, y| {
        let v = g.get(x as usize, y as usize);
        image::Rgb([v, v, v])
    });
    let mut frame = |r: Rect, c: [u8; 3], width: i64| {
        let x0 = (r.x * OVERVIEW_PER_MM).round() as i64;
        let y0 = (r.y * OVERVIEW_PER_MM).round() as i64;
        let x1 = ((r.x + r.w) * OVERVIEW_PER_MM).round() as i64;
        let y1 = ((r.y + r.h) * OVERVIEW_PER_MM).round() as i64;
        for k in 0..width {
            for x in x0 - k..=x1 + k {
                for y in [y0 - k, y1 + k] {
                    if x >= 0 && y >= 0 && (x as u32) < rgb.width() && (y as u32) < rgb.height() {
                        rgb.put_pixel(x as u32, y as u32, image::Rgb(c));
                    }
                }
            }
            for y in y0 - k..=y1 + k {
                for x in [x0 - k, x1 + k] {
                    if x >= 0 && y >= 0 && (x as u32) < rgb.width() && (y as u32) < rgb.height() {
                        rgb.put_pixel(x as u32, y as u32, image::Rgb(c));
                    }
                }
            }
        }
    };
    for row in &sheet.rows {
        for f in row.fields.iter().filter(|f| f.written()) {
            frame(f.rect, COLOURS[4].1, 1);
        }
        for b in &row.boxes {
            let r = Rect {
                x: b.rect.x + b.reading.shift.0 - 0.5,
                y: b.rect.y + b.reading.shift.1 - 0.5,
                w: b.rect.w + 1.0,
                h: b.rect.h + 1.0,
            };
            let (colour, width) = if b.reading.confidence < SURE {
                (COLOURS[3].1, 3)
            } else {
                let i = match b.reading.mark {
                    Mark::Kryss => 0,
                    Mark::Tom => 1,
                    Mark::Ifylld => 2,
                };
                (COLOURS[i].1, 2)
            };
            frame(r, colour, width);
        }
    }
    let mut out = Vec::new();
    let _ = rgb.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}

/// One sheet in the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct QueueEntry {
    pub sheet: String,
    pub confidence: f64,
    pub uncertain_boxes: usize,
    pub rows: usize,
    pub draft: String,
}

impl QueueEntry {
    /// The entry for a written utkast.json; `None` when it is not one.
    pub fn from_draft(folder: &str, json: &str) -> Option<QueueEntry> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        if v["format"] != FORMAT {
            return None;
        }
        Some(QueueEntry {
            sheet: v["sheet"].as_str()?.to_string(),
            confidence: v["confidence"].as_f64()?,
            uncertain_boxes: v["uncertain_boxes"].as_u64()? as usize,
            rows: v["rows"].as_array()?.len(),
            draft: format!("{folder}/utkast.json"),
        })
    }
}

/// index.json: every sheet's draft, least certain first (then by sheet).
pub fn index_json(mut entries: Vec<QueueEntry>) -> String {
    entries.sort_by(|a, b| {
        a.confidence
            .total_cmp(&b.confidence)
            .then(b.uncertain_boxes.cmp(&a.uncertain_boxes))
            .then(a.sheet.cmp(&b.sheet))
    });
    #[derive(Serialize)]
    struct Index {
        format: &'static str,
        version: u32,
        order: &'static str,
        sheets: Vec<QueueEntry>,
    }
    let mut s = serde_json::to_string_pretty(&Index {
        format: INDEX_FORMAT,
        version: 1,
        order: "lägst säkerhet först",
        sheets: entries,
    })
    .unwrap_or_default();
    s.push('\n');
    s
}
