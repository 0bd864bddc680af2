//! The review queue of scanned sheets: the drafts `reservkit scan` wrote
//! under `MAPP/skanning/`, least certain first. A draft row opens in the
//! ordinary entry form ([`entry`](super::entry)) with the ticks read filled
//! in and the cut-out handwriting beside the fields; a confirmed row takes
//! the same review and save path as a typed one. The field images are
//! patient data: served only under the workbench's secret, `no-store`, and
//! only from files directly in a sheet's folder under `MAPP/skanning/`.

use super::html::{self, Section, esc, url};
use super::{Ctx, html_response, not_found};
use crate::http::Response;
use crate::transcript::columns::{COUNT, Column};
use std::fmt::Write as _;
use std::path::PathBuf;

/// The query or form field that marks a row as coming from a scan.
pub const MARK: &str = "skanning";

/// One row of a sheet's draft, as the entry form shows it.
#[derive(Debug, Clone, Default)]
pub struct DraftRow {
    pub row: u32,
    /// Every column in file order, the ticks read filled in.
    pub values: Vec<String>,
    /// Columns with a box read under 0.5 or a conflict.
    pub uncertain: Vec<String>,
    /// (column typed into, image file name).
    pub images: Vec<(String, String)>,
}

/// A sheet's draft: where the page came from and its rows.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// E.g. `boden-008.pdf s. 3`.
    pub source: String,
    pub rows: Vec<DraftRow>,
}

/// Whether the request is about a scanned row (`?skanning=1` or the form
/// field of that name).
pub fn active(ctx: &Ctx<'_>) -> bool {
    ctx.q(MARK) == Some("1") || ctx.f(MARK) == "1"
}

fn folder(ctx: &Ctx<'_>) -> PathBuf {
    ctx.wb.dir.join("skanning")
}

/// A path component the scanner writes: letters, digits, `-`, `_`, `.`,
/// never starting with a dot (so never `..`).
fn safe(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The draft of a sheet, if one was scanned.
pub fn draft(ctx: &Ctx<'_>, sheet: &str) -> Option<Draft> {
    if !safe(sheet) {
        return None;
    }
    let text = std::fs::read_to_string(folder(ctx).join(sheet).join("utkast.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let file = json["source"]["file"].as_str().unwrap_or("");
    let file = std::path::Path::new(file)
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    let source = format!("{file} s. {}", json["source"]["page"].as_u64().unwrap_or(1));
    let rows = json["rows"]
        .as_array()
        .map(|rows| rows.iter().filter_map(draft_row).collect())
        .unwrap_or_default();
    Some(Draft { source, rows })
}

fn draft_row(r: &serde_json::Value) -> Option<DraftRow> {
    let row = u32::try_from(r["row"].as_u64()?).ok()?;
    let mut values = vec![String::new(); COUNT];
    if let Some(map) = r["values"].as_object() {
        for c in Column::ALL {
            if let Some(v) = map.get(c.name()).and_then(|v| v.as_str()) {
                values[c.index()] = v.to_owned();
            }
        }
    }
    let names = |key: &str, split: char| -> Vec<String> {
        r[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .filter_map(|s| s.split(split).next())
                    .map(|s| s.trim().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut uncertain = names("uncertain", '=');
    uncertain.extend(names("conflicts", ':'));
    let images = r["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| {
                    let column = match f["column"].as_str()? {
                        "reservnummer" => "personnummer",
                        c => c,
                    };
                    Some((column.to_owned(), f["image"].as_str()?.to_owned()))
                })
                .filter(|(_, image)| safe(image))
                .collect()
        })
        .unwrap_or_default();
    Some(DraftRow {
        row,
        values,
        uncertain,
        images,
    })
}

/// `transkriberad_av` of a scanned row: the coordinator and the scan, e.g.
/// `Anna Andersson (skanning boden-008.pdf s. 3)`, within the column's
/// length (the file name is left out when it would not fit).
pub fn typed_by(name: &str, source: &str) -> String {
    let name = plain_name(name);
    let max = Column::TranskriberadAv.max_chars();
    let full = format!("{name} (skanning {source})");
    if full.chars().count() <= max {
        return full;
    }
    let page = source.rsplit_once(" s. ").map_or("", |(_, p)| p);
    format!("{name} (skanning s. {page})")
}

/// The coordinator's own name in a `transkriberad_av` that may name a scan.
pub fn plain_name(value: &str) -> &str {
    value
        .split_once(" (skanning ")
        .map_or(value, |(n, _)| n)
        .trim()
}

/// `GET /skannat`: the scanned sheets, least certain first.
pub fn queue(ctx: &Ctx<'_>) -> Response {
    let mut body = String::from("<h1>Skannade blad</h1>\n");
    let index = std::fs::read_to_string(folder(ctx).join("index.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let sheets = index
        .as_ref()
        .and_then(|i| i["sheets"].as_array())
        .cloned()
        .unwrap_or_default();
    if sheets.is_empty() {
        let _ = writeln!(
            body,
            "<p>Inga skannade blad finns i mappen ännu. Läs in skannade blanketter med \
             «reservkit scan FIL… --dir MAPP» till samma mapp som arbetsbänken använder.</p>"
        );
    } else {
        let _ = writeln!(
            body,
            "<p>Bladen står med det osäkraste först. Öppna ett blad: kryssen som lästes är ifyllda, \
             handskriften står som bild bredvid fälten. Skriv in det handskrivna, kontrollera de osäkra \
             kryssen mot bilden och bekräfta raden; den sparas som en inskriven rad.</p>\n\
             <div class=\"tabell\" tabindex=\"0\" role=\"region\" aria-labelledby=\"ko\">\n\
             <table><caption id=\"ko\">Skannade blad, osäkrast först</caption>\
             <thead><tr><th scope=\"col\">Blad</th><th scope=\"col\">Säkerhet</th>\
             <th scope=\"col\">Osäkra kryss</th><th scope=\"col\">Rader</th></tr></thead><tbody>"
        );
        for s in &sheets {
            let sheet = s["sheet"].as_str().unwrap_or("");
            if !safe(sheet) {
                continue;
            }
            let confidence = s["confidence"].as_f64().unwrap_or(0.0);
            let _ = writeln!(
                body,
                "<tr><td><a href=\"{}/blad/{}?{MARK}=1\">{}</a></td><td>{:.0} %</td><td>{}</td><td>{}</td></tr>",
                ctx.base,
                url(sheet),
                esc(sheet),
                confidence * 100.0,
                s["uncertain_boxes"].as_u64().unwrap_or(0),
                s["rows"].as_u64().unwrap_or(0),
            );
        }
        let _ = writeln!(body, "</tbody></table></div>");
    }
    html_response(
        200,
        html::page(&ctx.base, "Skannade blad", Section::Scan, &body),
    )
}

/// `GET /skannat/BLAD/BILD.png`: one cut-out field image.
pub fn image(ctx: &Ctx<'_>, sheet: &str, file: &str) -> Response {
    if !safe(sheet) || !safe(file) || !file.ends_with(".png") {
        return not_found();
    }
    let path = folder(ctx).join(sheet).join(file);
    // Only a plain file, never a link out of the folder.
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => {}
        _ => return not_found(),
    }
    match std::fs::read(&path) {
        Ok(bytes) => Response::new(200, "image/png", bytes),
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_components_are_checked() {
        assert!(safe("sunderby-medicin-61-001"));
        assert!(safe("rad-03-patient.png"));
        for bad in ["", "..", ".x", "a/b", "a\\b", "%2e%2e"] {
            assert!(!safe(bad), "{bad}");
        }
    }

    #[test]
    fn a_draft_row_carries_its_ticks_images_and_doubts() {
        let r = serde_json::json!({
            "row": 3,
            "uncertain": ["nadd=ja"],
            "conflicts": ["riktning: flera kryss (ut, in)"],
            "values": {"blad": "x-001", "rad": "3", "riktning": null, "id_typ": "reserv"},
            "fields": [
                {"column": "reservnummer", "image": "rad-03-reservnummer.png"},
                {"column": "patient", "image": "../ut.png"}
            ]
        });
        let d = draft_row(&r).expect("row");
        assert_eq!(d.row, 3);
        assert_eq!(d.values[Column::IdTyp.index()], "reserv");
        assert_eq!(d.values[Column::Riktning.index()], "");
        assert_eq!(d.uncertain, ["nadd", "riktning"]);
        assert_eq!(
            d.images,
            [(
                "personnummer".to_owned(),
                "rad-03-reservnummer.png".to_owned()
            )]
        );
    }

    #[test]
    fn the_scan_is_named_within_the_column() {
        assert_eq!(
            typed_by("Anna Andersson", "boden-008.pdf s. 3"),
            "Anna Andersson (skanning boden-008.pdf s. 3)"
        );
        assert_eq!(
            typed_by(
                "Anna Andersson (skanning boden-008.pdf s. 3)",
                "boden-008.pdf s. 3"
            ),
            "Anna Andersson (skanning boden-008.pdf s. 3)"
        );
        let long = typed_by("Anna Andersson", &format!("{}.pdf s. 3", "x".repeat(120)));
        assert_eq!(long, "Anna Andersson (skanning s. 3)");
    }
}
