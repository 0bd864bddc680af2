//! Where everything on the numbered logging form is, in millimetres: the
//! registration marks, the QR code, the sheet number box and every field of
//! every row, with the transcription column it feeds.
//!
//! This is the one source for both the drawing ([`super::form`]) and
//! `print/samtalslogg/layout.json`, the file a scanner reads, so the two
//! cannot drift apart. It must not draw or know about fonts beyond measuring
//! the labels printed beside tick boxes. Coordinates are from the top-left
//! corner of the page, x to the right, y down.

use std::fmt::Write as _;

use crate::model::Kit;
use crate::print::font;

/// Page width and height (A4 landscape), mm.
pub const PAGE_W: f64 = 297.0;
pub const PAGE_H: f64 = 210.0;
/// Left and right edge of everything but the registration marks, mm.
pub const LEFT: f64 = 12.0;
pub const RIGHT: f64 = PAGE_W - 12.0;
/// Top of the header, mm.
pub const TOP: f64 = 9.0;
/// Side of the filled square registration marks, mm.
pub const MARK_SIZE: f64 = 5.0;
/// Distance of each mark's centre from the two nearest page edges, mm
/// (clear of the 4–5 mm that office printers cannot print).
pub const MARK_INSET: f64 = 8.0;
/// Side of the QR code including its quiet zone, mm.
pub const QR_SIZE: f64 = 21.0;
/// Width and height of the sheet number box, mm.
pub const SHEET_BOX_W: f64 = 78.0;
pub const SHEET_BOX_H: f64 = 9.5;
/// Top of the table, mm.
pub const TABLE_TOP: f64 = 31.0;
/// Height of each of the two header bands (one per line of a row), mm.
pub const HEADER_BAND: f64 = 6.5;
/// Upper line of a row (digit boxes), lower line, mm.
pub const LINE_A: f64 = 8.0;
pub const LINE_B: f64 = 7.5;
/// One row: two lines.
pub const ROW: f64 = LINE_A + LINE_B;
/// Digit boxes for the identity number, mm.
pub const DIGIT_W: f64 = 4.6;
pub const DIGIT_H: f64 = 6.6;
/// Gap for the printed dash between the 8 date digits and the last 4.
pub const DIGIT_DASH_GAP: f64 = 3.0;
/// Side of every tick box, mm.
pub const TICK: f64 = 4.0;
/// Size of the labels beside tick boxes, pt (nothing on the form is smaller).
pub const LABEL_PT: f64 = 7.0;
/// Space between a label and its tick box, mm.
const LABEL_GAP: f64 = 0.6;
/// Tick box corners are placed on this grid, mm.
const GRID: f64 = 0.5;

/// What a field holds, for the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One handwritten digit in a box.
    Digit,
    /// A box to tick.
    Tick,
    /// Handwriting in a cell of the table.
    Text,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Digit => "digit",
            Kind::Tick => "tick",
            Kind::Text => "text",
        }
    }
}

/// A rectangle, mm from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn json(&self) -> String {
        format!(
            "\"x\": {:.2}, \"y\": {:.2}, \"w\": {:.2}, \"h\": {:.2}",
            self.x, self.y, self.w, self.h
        )
    }
}

/// One field of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Transcription column (or `rattar_rad`, the row a correction names).
    pub column: &'static str,
    pub kind: Kind,
    /// What a ticked box means (`ut`, `3`, `reserv`), or the digit's place
    /// (1–12) in the number.
    pub value: Option<String>,
    /// The label printed beside a tick box on every row.
    pub label: Option<String>,
    pub rect: Rect,
}

/// One column of the table: header title and hint, and which line of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub column: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
    /// 0 for the upper line, 1 for the lower line, 2 for both.
    pub line: u8,
    pub x: f64,
    pub w: f64,
}

/// One numbered row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: u32,
    pub rect: Rect,
    pub fields: Vec<Field>,
}

/// The whole form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormLayout {
    /// Centres of the four registration marks: top left, top right,
    /// bottom left, bottom right.
    pub marks: [(f64, f64); 4],
    pub qr: Rect,
    pub sheet_box: Rect,
    pub columns: Vec<Column>,
    /// The table's frame, header included.
    pub table: Rect,
    pub rows: Vec<Row>,
}

/// The columns of the table, left to right per line: (column, title, hint,
/// line, width mm). Each line's widths add up to the table width (273 mm).
const COLUMNS: &[(&str, &str, &str, u8, f64)] = &[
    ("rad", "Rad", "", 2, 8.0),
    ("datum", "Datum", "ÅÅÅÅ-MM-DD", 0, 25.0),
    ("klockslag", "Klockslag", "tt:mm", 0, 15.0),
    ("riktning", "Ut / In", "", 0, 19.0),
    ("nadd", "Nådd?", "", 0, 21.0),
    ("motpart", "Motpart", "enhet", 0, 34.0),
    ("motpart_person", "Person", "hos motparten", 0, 28.0),
    ("patient", "Patientens namn", "", 0, 46.0),
    ("id_typ", "Typ", "P / S", 0, 17.0),
    (
        "personnummer",
        "Personnummer / samordningsnr",
        "ÅÅÅÅMMDD-NNNN",
        0,
        60.0,
    ),
    ("handelse", "Händelse", "kryssa", 1, 58.0),
    ("datum_uppgift", "Utskr.-datum", "el. SIP-möte", 1, 27.0),
    ("lakare_kontakt", "Läkare /", "fast vårdkontakt", 1, 30.0),
    ("notering", "Kort notering", "", 1, 48.0),
    ("signatur", "Sign.", "", 1, 12.0),
    ("rattar_rad", "Rättar", "rad nr", 1, 13.0),
    ("id_typ", "Typ", "R", 1, 17.0),
    ("reservnummer", "Reservnummer", "om R", 1, 60.0),
];

fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}

/// Lays out `n` labelled tick boxes centred in the cell `x..x + w` on the
/// line whose vertical middle is `mid`: each label right beside its box.
fn ticks(
    column: &'static str,
    options: &[(String, String)],
    x: f64,
    w: f64,
    mid: f64,
) -> Vec<Field> {
    let label_w: Vec<f64> = options
        .iter()
        .map(|(_, l)| font::text_width_mm(l, LABEL_PT, true))
        .collect();
    let step_gap = 1.5;
    let total: f64 = label_w.iter().map(|l| l + LABEL_GAP + TICK).sum::<f64>()
        + step_gap * (options.len().saturating_sub(1)) as f64;
    let mut cx = x + (w - total) / 2.0;
    let mut out = Vec::new();
    for ((value, label), lw) in options.iter().zip(label_w) {
        let bx = snap(cx + lw + LABEL_GAP);
        out.push(Field {
            column,
            kind: Kind::Tick,
            value: Some(value.clone()),
            label: Some(label.clone()),
            rect: Rect {
                x: bx,
                y: snap(mid - TICK / 2.0),
                w: TICK,
                h: TICK,
            },
        });
        cx = bx + TICK + step_gap;
    }
    out
}

/// Event boxes at an even pitch across the cell, each with its code beside.
fn event_ticks(codes: &[u8], x: f64, w: f64, mid: f64) -> Vec<Field> {
    let pitch = ((w - 2.0) / codes.len().max(1) as f64).min(7.0);
    let start = x + (w - pitch * codes.len() as f64) / 2.0;
    codes
        .iter()
        .enumerate()
        .map(|(i, code)| Field {
            column: "handelse",
            kind: Kind::Tick,
            value: Some(code.to_string()),
            label: Some(code.to_string()),
            rect: Rect {
                x: snap(start + pitch * i as f64 + pitch - TICK - 0.8),
                y: snap(mid - TICK / 2.0),
                w: TICK,
                h: TICK,
            },
        })
        .collect()
}

impl FormLayout {
    /// The layout for `rows` rows and the kit's events. Does not check that
    /// the rows fit above the footer (the form does that).
    pub fn new(kit: &Kit, rows: u32) -> FormLayout {
        let inset = MARK_INSET;
        let marks = [
            (inset, inset),
            (PAGE_W - inset, inset),
            (inset, PAGE_H - inset),
            (PAGE_W - inset, PAGE_H - inset),
        ];
        let qr = Rect {
            x: RIGHT - QR_SIZE,
            y: TOP,
            w: QR_SIZE,
            h: QR_SIZE,
        };
        let sheet_box = Rect {
            x: qr.x - 3.0 - SHEET_BOX_W,
            y: TOP,
            w: SHEET_BOX_W,
            h: SHEET_BOX_H,
        };
        let mut columns = Vec::new();
        let mut x = [LEFT, LEFT];
        for (column, title, hint, line, w) in COLUMNS {
            let at = if *line == 1 { x[1] } else { x[0] };
            columns.push(Column {
                column,
                title,
                hint,
                line: *line,
                x: at,
                w: *w,
            });
            match line {
                0 => x[0] += w,
                1 => x[1] += w,
                _ => {
                    x[0] += w;
                    x[1] += w;
                }
            }
        }
        let codes: Vec<u8> = kit.settings.events.iter().map(|e| e.code).collect();
        let body_top = TABLE_TOP + 2.0 * HEADER_BAND;
        let rows: Vec<Row> = (0..rows)
            .map(|r| {
                let y = body_top + ROW * f64::from(r);
                let mut fields = Vec::new();
                for c in &columns {
                    let (ly, lh) = match c.line {
                        0 => (y, LINE_A),
                        1 => (y + LINE_A, LINE_B),
                        _ => (y, ROW),
                    };
                    let mid = ly + lh / 2.0;
                    let cell = Rect {
                        x: c.x,
                        y: ly,
                        w: c.w,
                        h: lh,
                    };
                    let opts = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
                        pairs
                            .iter()
                            .map(|(v, l)| ((*v).to_string(), (*l).to_string()))
                            .collect()
                    };
                    match (c.column, c.line) {
                        ("rad", _) => {}
                        ("riktning", _) => fields.extend(ticks(
                            c.column,
                            &opts(&[("ut", "Ut"), ("in", "In")]),
                            c.x,
                            c.w,
                            mid,
                        )),
                        ("nadd", _) => fields.extend(ticks(
                            c.column,
                            &opts(&[("ja", "Ja"), ("nej", "Nej")]),
                            c.x,
                            c.w,
                            mid,
                        )),
                        ("id_typ", 0) => fields.extend(ticks(
                            c.column,
                            &opts(&[("personnummer", "P"), ("samordningsnummer", "S")]),
                            c.x,
                            c.w,
                            mid,
                        )),
                        ("id_typ", _) => {
                            fields.extend(ticks(c.column, &opts(&[("reserv", "R")]), c.x, c.w, mid))
                        }
                        ("handelse", _) => fields.extend(event_ticks(&codes, c.x, c.w, mid)),
                        ("personnummer", _) => {
                            let total = 12.0 * DIGIT_W + DIGIT_DASH_GAP;
                            let start = c.x + (c.w - total) / 2.0;
                            for i in 0..12u32 {
                                let gap = if i >= 8 { DIGIT_DASH_GAP } else { 0.0 };
                                fields.push(Field {
                                    column: c.column,
                                    kind: Kind::Digit,
                                    value: Some((i + 1).to_string()),
                                    label: None,
                                    rect: Rect {
                                        x: start + gap + DIGIT_W * f64::from(i),
                                        y: mid - DIGIT_H / 2.0,
                                        w: DIGIT_W,
                                        h: DIGIT_H,
                                    },
                                });
                            }
                        }
                        _ => fields.push(Field {
                            column: c.column,
                            kind: Kind::Text,
                            value: None,
                            label: None,
                            rect: cell,
                        }),
                    }
                }
                Row {
                    number: r + 1,
                    rect: Rect {
                        x: LEFT,
                        y,
                        w: RIGHT - LEFT,
                        h: ROW,
                    },
                    fields,
                }
            })
            .collect();
        let table = Rect {
            x: LEFT,
            y: TABLE_TOP,
            w: RIGHT - LEFT,
            h: 2.0 * HEADER_BAND + ROW * f64::from(rows.len() as u32),
        };
        FormLayout {
            marks,
            qr,
            sheet_box,
            columns,
            table,
            rows,
        }
    }

    /// `layout.json`: the layout as a scanner reads it. Keys in a fixed
    /// order, every length in mm with two decimals; `qr_content` shows what
    /// the QR code holds, `<blad>` standing for the sheet number.
    pub fn to_json(&self, qr_content: &str, rows_per_sheet: u32) -> String {
        let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"format\": \"reservkit samtalslogg layout\",");
        let _ = writeln!(out, "  \"version\": 1,");
        let _ = writeln!(out, "  \"unit\": \"mm\",");
        let _ = writeln!(
            out,
            "  \"origin\": \"top-left corner of the page, x to the right, y down\","
        );
        let _ = writeln!(
            out,
            "  \"page\": {{ \"size\": \"A4 landscape\", \"width\": {PAGE_W:.2}, \"height\": {PAGE_H:.2} }},"
        );
        out.push_str("  \"registration_marks\": [\n");
        let corners = ["top-left", "top-right", "bottom-left", "bottom-right"];
        for (i, ((cx, cy), corner)) in self.marks.iter().zip(corners).enumerate() {
            let _ = write!(
                out,
                "    {{ \"corner\": \"{corner}\", \"shape\": \"filled square\", \"cx\": {cx:.2}, \"cy\": {cy:.2}, \"size\": {MARK_SIZE:.2} }}"
            );
            out.push_str(if i < 3 { ",\n" } else { "\n" });
        }
        out.push_str("  ],\n");
        let _ = writeln!(
            out,
            "  \"qr\": {{ {}, \"content\": {} }},",
            self.qr.json(),
            q(qr_content)
        );
        let _ = writeln!(
            out,
            "  \"sheet_number\": {{ \"column\": \"blad\", \"kind\": \"text\", {} }},",
            self.sheet_box.json()
        );
        let _ = writeln!(out, "  \"rows_per_sheet\": {rows_per_sheet},");
        let _ = writeln!(out, "  \"table\": {{ {} }},", self.table.json());
        out.push_str("  \"rows\": [\n");
        for (r, row) in self.rows.iter().enumerate() {
            let _ = writeln!(
                out,
                "    {{ \"row\": {}, {}, \"fields\": [",
                row.number,
                row.rect.json()
            );
            for (i, f) in row.fields.iter().enumerate() {
                let _ = write!(
                    out,
                    "      {{ \"column\": \"{}\", \"kind\": \"{}\"",
                    f.column,
                    f.kind.name()
                );
                if let Some(v) = &f.value {
                    let key = if f.kind == Kind::Digit {
                        "digit"
                    } else {
                        "value"
                    };
                    let _ = write!(out, ", \"{key}\": {}", q(v));
                }
                let _ = write!(out, ", {} }}", f.rect.json());
                out.push_str(if i + 1 < row.fields.len() {
                    ",\n"
                } else {
                    "\n"
                });
            }
            out.push_str("    ] }");
            out.push_str(if r + 1 < self.rows.len() { ",\n" } else { "\n" });
        }
        out.push_str("  ]\n}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kit() -> Kit {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        crate::load::load(&content, jiff::civil::date(2026, 11, 25))
            .kit
            .expect("content/ loads")
    }

    #[test]
    fn both_lines_of_a_row_fill_the_table_width_exactly() {
        for line in [0u8, 1] {
            let sum: f64 = COLUMNS
                .iter()
                .filter(|c| c.3 == line || c.3 == 2)
                .map(|c| c.4)
                .sum();
            assert!((sum - (RIGHT - LEFT)).abs() < 1e-9, "line {line}: {sum}");
        }
    }

    #[test]
    fn boxes_meet_the_sizes_a_pen_needs_and_stay_inside_their_cells() {
        let layout = FormLayout::new(&kit(), 8);
        for row in &layout.rows {
            let digits: Vec<&Field> = row
                .fields
                .iter()
                .filter(|f| f.kind == Kind::Digit)
                .collect();
            assert_eq!(digits.len(), 12);
            assert!(digits.iter().all(|d| d.rect.w >= 4.5 && d.rect.h >= 6.5));
            let note = row
                .fields
                .iter()
                .find(|f| f.column == "notering")
                .expect("note field");
            assert!(note.rect.w >= 45.0, "{note:?}");
            for f in &row.fields {
                assert!(
                    f.rect.y >= row.rect.y - 1e-9
                        && f.rect.y + f.rect.h <= row.rect.y + row.rect.h + 1e-9,
                    "{f:?} outside row {}",
                    row.number
                );
            }
            let events = row.fields.iter().filter(|f| f.column == "handelse").count();
            assert_eq!(events, kit().settings.events.len());
        }
    }

    #[test]
    fn layout_json_is_the_same_twice_and_names_every_column() {
        let kit = kit();
        let a = FormLayout::new(&kit, 8).to_json("reservkit:samtalslogg?kit=x&blad=<blad>", 8);
        let b = FormLayout::new(&kit, 8).to_json("reservkit:samtalslogg?kit=x&blad=<blad>", 8);
        assert_eq!(a, b);
        let parsed: serde_json::Value = serde_json::from_str(&a).expect("valid JSON");
        assert_eq!(parsed["rows"].as_array().map(Vec::len), Some(8));
        for column in [
            "datum",
            "klockslag",
            "riktning",
            "nadd",
            "motpart",
            "motpart_person",
            "patient",
            "id_typ",
            "personnummer",
            "reservnummer",
            "handelse",
            "datum_uppgift",
            "lakare_kontakt",
            "notering",
            "signatur",
            "rattar_rad",
        ] {
            assert!(a.contains(&format!("\"column\": \"{column}\"")), "{column}");
        }
    }
}
