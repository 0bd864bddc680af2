//! The numbered logging form as a scanner and a pen meet it: the real binary
//! builds the kit, `print/samtalslogg/layout.json` says where everything is,
//! and Poppler's renderer, zbar and `pdftotext -bbox` check the PDF against
//! it: box edges within half a millimetre of where the file says, the four
//! registration marks, a QR code with the sheet number, no text under 7 pt,
//! digit boxes of at least 4.5 × 6.5 mm and a note field of at least 45 mm.
//!
//! A missing tool skips its test with a note, except in CI (`CI=true`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Render resolution for the pixel checks.
const DPI: f64 = 150.0;
/// How far an edge may be from where layout.json puts it, mm.
const TOLERANCE_MM: f64 = 0.5;

fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let message = format!("{name} is not installed; `bash .ci/run` installs it");
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "{message}");
        let _ = writeln!(std::io::stderr(), "note: skipping: {message}");
    }
    found
}

fn run(program: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?} exited with {}:\n{}",
        program.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The kit built once by the real binary: the output folder.
fn built() -> &'static Path {
    crate::support::built_kit()
}

fn layout() -> Value {
    let path = built().join("print/samtalslogg/layout.json");
    let text = std::fs::read_to_string(&path).expect("layout.json is written with the PDFs");
    let site = built().join("site/utskrifter/samtalslogg/layout.json");
    assert_eq!(
        std::fs::read_to_string(site).expect("the site has a copy"),
        text
    );
    serde_json::from_str(&text).expect("layout.json is JSON")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no number {key:?} in {v}"))
}

/// A grey page rendered by pdftoppm without anti-aliasing.
struct Gray {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Gray {
    fn render(pdftoppm: &Path, pdf: &Path, page: u32, dir: &Path) -> Gray {
        let prefix = dir.join(format!("p{page}"));
        let page = page.to_string();
        let dpi = DPI.to_string();
        run(
            pdftoppm,
            &[
                "-r",
                &dpi,
                "-gray",
                "-aa",
                "no",
                "-aaVector",
                "no",
                "-f",
                &page,
                "-l",
                &page,
                "-singlefile",
                pdf.to_str().expect("UTF-8 path"),
                prefix.to_str().expect("UTF-8 path"),
            ],
        );
        let bytes = std::fs::read(prefix.with_extension("pgm")).expect("PGM written");
        // "P5\n<w> <h>\n255\n" then one byte per pixel.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..at]).to_string());
        }
        assert_eq!(fields[0], "P5");
        let w: usize = fields[1].parse().expect("width");
        let h: usize = fields[2].parse().expect("height");
        let px = bytes[at + 1..].to_vec();
        assert_eq!(px.len(), w * h);
        Gray { w, h, px }
    }

    fn dark(&self, x: usize, y: usize) -> bool {
        x < self.w && y < self.h && self.px[y * self.w + x] < 128
    }

    fn px(mm: f64) -> f64 {
        mm / 25.4 * DPI
    }

    /// The share of dark pixels along the middle 80 % of the segment
    /// `from..to` (mm) on the line `at` (mm), taking the best pixel line
    /// within [`TOLERANCE_MM`]. `horizontal`: the segment runs along x.
    fn edge(&self, horizontal: bool, at: f64, from: f64, to: f64) -> f64 {
        let len = to - from;
        let (a, b) = (
            Self::px(from + len * 0.1) as usize,
            Self::px(to - len * 0.1) as usize,
        );
        let tol = Self::px(TOLERANCE_MM);
        let lo = (Self::px(at) - tol).floor().max(0.0) as usize;
        let hi = (Self::px(at) + tol).ceil() as usize;
        (lo..=hi)
            .map(|line| {
                let dark = (a..=b)
                    .filter(|&i| {
                        if horizontal {
                            self.dark(i, line)
                        } else {
                            self.dark(line, i)
                        }
                    })
                    .count();
                dark as f64 / (b - a + 1) as f64
            })
            .fold(0.0, f64::max)
    }

    /// Centres (mm) of the runs of dark pixels crossed along the line `at`
    /// (mm) from `from` to `to` (mm): where drawn lines cross it.
    fn crossings(&self, horizontal: bool, at: f64, from: f64, to: f64) -> Vec<f64> {
        let line = Self::px(at) as usize;
        let (a, b) = (Self::px(from) as usize, Self::px(to) as usize);
        let mut out = Vec::new();
        let mut start = None;
        for i in a..=b + 1 {
            let dark = i <= b
                && if horizontal {
                    self.dark(i, line)
                } else {
                    self.dark(line, i)
                };
            match (dark, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    // Pixel i covers i..i+1: the run's centre is (s + i) / 2.
                    out.push((s + i) as f64 / 2.0 / DPI * 25.4);
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    /// The share of dark pixels in a rectangle (mm).
    fn fill(&self, x: f64, y: f64, w: f64, h: f64) -> f64 {
        let (x0, x1) = (Self::px(x) as usize, Self::px(x + w) as usize);
        let (y0, y1) = (Self::px(y) as usize, Self::px(y + h) as usize);
        let mut dark = 0;
        let mut all = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                all += 1;
                dark += usize::from(self.dark(x, y));
            }
        }
        dark as f64 / all.max(1) as f64
    }
}

/// Checks that the four edges of `b` are drawn where it says and, when
/// `empty`, that nothing is printed inside it.
fn assert_box_drawn(img: &Gray, b: &Value, what: &str, empty: bool) {
    let (x, y, w, h) = (num(b, "x"), num(b, "y"), num(b, "w"), num(b, "h"));
    for (name, horizontal, at, from, to) in [
        ("top", true, y, x, x + w),
        ("bottom", true, y + h, x, x + w),
        ("left", false, x, y, y + h),
        ("right", false, x + w, y, y + h),
    ] {
        let share = img.edge(horizontal, at, from, to);
        assert!(
            share >= 0.9,
            "{what}: {name} edge at {at:.2} mm is not drawn ({:.0} % dark)",
            share * 100.0
        );
    }
    let inside = img.fill(x + w * 0.3, y + h * 0.3, w * 0.4, h * 0.4);
    assert!(
        !empty || inside < 0.02,
        "{what}: something printed inside the box"
    );
}

#[test]
fn the_form_is_drawn_where_layout_json_says_with_marks_and_a_qr_code_naming_the_sheet() {
    let (Some(pdftoppm), Some(zbarimg)) = (tool("pdftoppm"), tool("zbarimg")) else {
        return;
    };
    let layout = layout();
    let page = &layout["page"];
    assert_eq!((num(page, "width"), num(page, "height")), (297.0, 210.0));
    assert!(
        layout["origin"]
            .as_str()
            .is_some_and(|o| o.contains("top-left") && o.contains("y down"))
    );
    let rows = layout["rows"].as_array().expect("rows");
    let rows_per_sheet = layout["rows_per_sheet"].as_u64().expect("rows_per_sheet");
    assert_eq!(rows.len() as u64, rows_per_sheet);
    let dir = tempfile::tempdir().expect("temp dir");
    // The second sheet of a ward: a page that shares the grid with the first.
    let unit = "sunderby-medicin-61";
    let pdf = built().join(format!("print/samtalslogg/{unit}.pdf"));
    let img = Gray::render(&pdftoppm, &pdf, 2, dir.path());
    assert!(
        (img.w as f64 - Gray::px(297.0)).abs() <= 1.0
            && (img.h as f64 - Gray::px(210.0)).abs() <= 1.0,
        "{} × {} px is not A4 landscape at {DPI} dpi",
        img.w,
        img.h
    );

    // Registration marks: solid squares with white around them.
    let marks = layout["registration_marks"].as_array().expect("marks");
    assert_eq!(marks.len(), 4);
    for m in marks {
        let (cx, cy, s) = (num(m, "cx"), num(m, "cy"), num(m, "size"));
        let inner = img.fill(cx - s / 2.0 + 0.5, cy - s / 2.0 + 0.5, s - 1.0, s - 1.0);
        assert!(inner > 0.98, "mark at {cx},{cy} is not solid: {inner}");
        for (dx, dy) in [(-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)] {
            let (ox, oy) = (cx + dx * (s / 2.0 + 1.0), cy + dy * (s / 2.0 + 1.0));
            let around = img.fill(ox - 0.3, oy - 0.3, 0.6, 0.6);
            assert!(around < 0.01, "mark at {cx},{cy} has ink beside it");
        }
    }

    // Every field of every row, and the sheet number box.
    let mut checked = 0;
    assert_box_drawn(&img, &layout["sheet_number"], "sheet number box", false);
    for row in rows {
        let n = row["row"].as_u64().expect("row number");
        for f in row["fields"].as_array().expect("fields") {
            let what = format!("row {n} {} {}", f["column"], f["kind"]);
            assert_box_drawn(&img, f, &what, true);
            checked += 1;
        }
    }
    assert!(checked > 8 * 30, "{checked} fields");

    // Measured on the paper, not taken from the file: the digit boxes and
    // the note field of the last row.
    let last = &rows[rows.len() - 1]["fields"];
    let digits: Vec<&Value> = last
        .as_array()
        .expect("fields")
        .iter()
        .filter(|f| f["kind"] == "digit")
        .collect();
    let (d1, d8) = (digits[0], digits[7]);
    let mid_y = num(d1, "y") + num(d1, "h") / 2.0;
    let across = img.crossings(
        true,
        mid_y,
        num(d1, "x") - 0.3,
        num(d8, "x") + num(d8, "w") + 0.3,
    );
    assert_eq!(
        across.len(),
        9,
        "lines of the first 8 digit boxes: {across:?}"
    );
    let width = (across[8] - across[0]) / 8.0;
    let mid_x = num(d1, "x") + num(d1, "w") / 2.0;
    let down = img.crossings(
        false,
        mid_x,
        num(d1, "y") - 0.3,
        num(d1, "y") + num(d1, "h") + 0.3,
    );
    assert_eq!(down.len(), 2, "{down:?}");
    let height = down[1] - down[0];
    assert!(
        width >= 4.5 && height >= 6.5,
        "digit box {width:.2} × {height:.2} mm"
    );
    let note = last
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["column"] == "notering")
        .expect("note");
    let note_y = num(note, "y") + num(note, "h") / 2.0;
    let sides = img.crossings(
        true,
        note_y,
        num(note, "x") - 0.5,
        num(note, "x") + num(note, "w") + 0.5,
    );
    assert_eq!(sides.len(), 2, "{sides:?}");
    let note_w = sides[1] - sides[0];
    assert!(note_w >= 45.0, "note field {note_w:.2} mm");
    eprintln!("measured: digit box {width:.2} × {height:.2} mm, note {note_w:.2} mm");

    // A box moved by a millimetre is found missing: the check can fail.
    let mut moved = rows[0]["fields"][0].clone();
    moved["x"] = Value::from(num(&moved, "x") + 1.0);
    let share = img.edge(
        false,
        num(&moved, "x"),
        num(&moved, "y"),
        num(&moved, "y") + 8.0,
    );
    assert!(share < 0.5, "a line 1 mm away was taken for the edge");

    // The QR code: the kit version and this sheet's number.
    let qr = &layout["qr"];
    let content = qr["content"].as_str().expect("QR content");
    assert!(content.contains("&blad=<blad>"), "{content}");
    let expected = content.replace("<blad>", &format!("{unit}-002"));
    let (x, y, s) = (num(qr, "x"), num(qr, "y"), num(qr, "w"));
    let crop = [x - 2.0, y - 2.0, s + 4.0, s + 4.0].map(|v| (Gray::px(v) as i64).to_string());
    let prefix = dir.path().join("qr");
    let dpi = DPI.to_string();
    run(
        &pdftoppm,
        &[
            "-r",
            &dpi,
            "-png",
            "-f",
            "2",
            "-l",
            "2",
            "-x",
            &crop[0],
            "-y",
            &crop[1],
            "-W",
            &crop[2],
            "-H",
            &crop[3],
            "-singlefile",
            pdf.to_str().expect("UTF-8"),
            prefix.to_str().expect("UTF-8"),
        ],
    );
    let decoded = run(
        &zbarimg,
        &[
            "-q",
            "--raw",
            prefix.with_extension("png").to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(String::from_utf8_lossy(&decoded).trim(), expected);

    // The blank form: the same layout, a QR code with the kit version only.
    let blank = built().join("print/samtalslogg-blank.pdf");
    let img = Gray::render(&pdftoppm, &blank, 1, dir.path());
    for f in rows[rows.len() - 1]["fields"].as_array().expect("fields") {
        assert_box_drawn(&img, f, "blank form, last row", true);
    }
    run(
        &pdftoppm,
        &[
            "-r",
            &dpi,
            "-png",
            "-x",
            &crop[0],
            "-y",
            &crop[1],
            "-W",
            &crop[2],
            "-H",
            &crop[3],
            "-singlefile",
            blank.to_str().expect("UTF-8"),
            prefix.to_str().expect("UTF-8"),
        ],
    );
    let decoded = run(
        &zbarimg,
        &[
            "-q",
            "--raw",
            prefix.with_extension("png").to_str().expect("UTF-8"),
        ],
    );
    let kit_only = content.replace("&blad=<blad>", "");
    assert_eq!(String::from_utf8_lossy(&decoded).trim(), kit_only);
}

#[test]
fn no_text_on_the_form_is_under_seven_points_and_the_boxes_fit_a_pen() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    for rel in [
        "samtalslogg/sunderby-medicin-61.pdf",
        "samtalslogg-blank.pdf",
    ] {
        let pdf = built().join("print").join(rel);
        let out = run(
            &pdftotext,
            &[
                "-bbox",
                "-f",
                "1",
                "-l",
                "1",
                pdf.to_str().expect("UTF-8"),
                "-",
            ],
        );
        let text = String::from_utf8_lossy(&out);
        let mut words = 0;
        let mut smallest = f64::MAX;
        for line in text.lines().filter(|l| l.contains("<word ")) {
            let attr = |name: &str| -> f64 {
                let start = line.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
                let end = start + line[start..].find('"').expect("closing quote");
                line[start..end].parse().expect("number")
            };
            // Reservkit Sans: a word box is ascent + descent, 1.164 × the size.
            let size = (attr("yMax") - attr("yMin")) / ((1901.0 + 483.0) / 2048.0);
            smallest = smallest.min(size);
            assert!(size >= 7.0 - 0.01, "{rel}: {size:.2} pt: {line}");
            words += 1;
        }
        assert!(words > 100, "{rel}: {words} words");
        eprintln!("{rel}: {words} words, smallest {smallest:.2} pt");
    }
    let layout = layout();
    for row in layout["rows"].as_array().expect("rows") {
        let fields = row["fields"].as_array().expect("fields");
        let digits: Vec<&Value> = fields
            .iter()
            .filter(|f| f["column"] == "personnummer")
            .collect();
        assert_eq!(digits.len(), 12);
        for d in digits {
            assert_eq!(d["kind"], "digit");
            assert!(num(d, "w") >= 4.5 && num(d, "h") >= 6.5, "{d}");
        }
        let note = fields
            .iter()
            .find(|f| f["column"] == "notering")
            .expect("note field");
        assert!(num(note, "w") >= 45.0, "{note}");
        let events: Vec<&str> = fields
            .iter()
            .filter(|f| f["column"] == "handelse")
            .map(|f| f["value"].as_str().expect("event code"))
            .collect();
        assert_eq!(events, ["1", "2", "3", "4", "5", "6", "7", "8"]);
        for (column, values) in [
            ("riktning", vec!["ut", "in"]),
            ("nadd", vec!["ja", "nej"]),
            (
                "id_typ",
                vec!["personnummer", "samordningsnummer", "reserv"],
            ),
        ] {
            let found: Vec<&str> = fields
                .iter()
                .filter(|f| f["column"] == column)
                .map(|f| f["value"].as_str().expect("value"))
                .collect();
            assert_eq!(found, values, "{column}");
        }
        for column in ["reservnummer", "rattar_rad", "datum", "patient"] {
            assert!(
                fields
                    .iter()
                    .any(|f| f["column"] == column && f["kind"] == "text"),
                "{column}"
            );
        }
    }
}

#[test]
fn every_pdf_asks_viewers_to_print_at_100_percent() {
    let Some(mutool) = tool("mutool") else {
        return;
    };
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "pdf") {
                out.push(path);
            }
        }
    }
    let mut pdfs = Vec::new();
    walk(&built().join("print"), &mut pdfs);
    assert!(pdfs.len() > 10, "{pdfs:?}");
    for pdf in pdfs {
        let shown = run(
            &mutool,
            &[
                "show",
                pdf.to_str().expect("UTF-8"),
                "trailer/Root/ViewerPreferences/PrintScaling",
            ],
        );
        assert_eq!(
            String::from_utf8_lossy(&shown).trim(),
            "/None",
            "{}",
            pdf.display()
        );
    }
}
