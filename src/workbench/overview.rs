//! The overview of the outage: per unit the sheets printed against the
//! sheets transcribed, the rows typed and the rows with problems; who typed
//! how many rows; and what is left. Read with the same check as `--check`
//! over every transcription file in the folder, and kept until a file
//! changes (file by file).

use super::html::{self, Section, esc, url};
use super::{Ctx, html_response};
use crate::http::Response;
use crate::transcript::entry::SheetNo;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// Per unit: the sheets seen, rows typed, rows with problems.
#[derive(Debug, Default, Clone)]
pub struct UnitCount {
    pub sheets: BTreeSet<u32>,
    pub rows: usize,
    pub problems: usize,
}

/// A row that needs a coordinator: sheet, row and the (scrubbed) message.
#[derive(Debug, Clone)]
pub struct Problem {
    pub sheet: String,
    pub row: String,
    pub message: String,
    pub error: bool,
}

/// What the overview shows.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub lines: usize,
    pub units: BTreeMap<String, UnitCount>,
    pub by: BTreeMap<String, usize>,
    pub problems: Vec<Problem>,
    pub file_errors: Vec<String>,
    /// Per sheet number: the files (by name) holding its rows, and how many.
    pub sheet_files: BTreeMap<String, BTreeMap<String, usize>>,
}

/// What the overview keeps between pages: each file's own summary with the
/// size and time it had, and the whole.
#[derive(Debug, Default)]
pub struct Cache {
    files: BTreeMap<std::path::PathBuf, ((u64, u128), Arc<Summary>)>,
    summary: Option<Arc<Summary>>,
}

/// The summary of the folder's files. Each file is read (with the same
/// check as `--check`) only when it changed since the last summary, so
/// saving a row re-reads one sheet's file, not the whole outage.
pub fn summary(ctx: &Ctx<'_>) -> Arc<Summary> {
    let store = &ctx.wb.store;
    let files = store.files();
    let mut cache = store
        .overview_cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut fresh = BTreeMap::new();
    let mut changed = cache.files.len() != files.len();
    for path in &files {
        let meta = std::fs::metadata(path).ok();
        let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
        let modified = meta
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let signature = (len, modified);
        let part = match cache.files.remove(path) {
            Some((seen, part)) if seen == signature => part,
            _ => {
                changed = true;
                Arc::new(read_one(ctx, path))
            }
        };
        fresh.insert(path.clone(), (signature, part));
    }
    cache.files = fresh;
    if !changed && let Some(summary) = &cache.summary {
        return Arc::clone(summary);
    }
    let mut s = Summary {
        files: files.len(),
        ..Summary::default()
    };
    for (_, part) in cache.files.values() {
        s.lines += part.lines;
        for (unit, c) in &part.units {
            let u = s.units.entry(unit.clone()).or_default();
            u.sheets.extend(c.sheets.iter().copied());
            u.rows += c.rows;
            u.problems += c.problems;
        }
        for (who, n) in &part.by {
            *s.by.entry(who.clone()).or_default() += n;
        }
        s.problems.extend(part.problems.iter().cloned());
        s.file_errors.extend(part.file_errors.iter().cloned());
        for (sheet, files) in &part.sheet_files {
            for (file, n) in files {
                *s.sheet_files
                    .entry(sheet.clone())
                    .or_default()
                    .entry(file.clone())
                    .or_default() += n;
            }
        }
    }
    let made = Arc::new(s);
    cache.summary = Some(Arc::clone(&made));
    made
}

/// The summary of one file on its own.
fn read_one(ctx: &Ctx<'_>, path: &std::path::Path) -> Summary {
    let kit = ctx.wb.kit;
    let (transcript, diags) =
        crate::transcript::read_files(&[path.to_path_buf()], kit, ctx.wb.clock.now());
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut s = Summary {
        files: 1,
        lines: transcript.lines_read,
        ..Summary::default()
    };
    let mut problem_lines: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut line_sheet: BTreeMap<(String, usize), (String, String)> = BTreeMap::new();
    for e in &transcript.entries {
        let u = s.units.entry(e.unit.to_string()).or_default();
        u.sheets.insert(e.source.sheet.serial);
        u.rows += 1;
        let by = e.transcribed_by.trim();
        let by = if by.is_empty() { "(inget namn)" } else { by };
        *s.by.entry(by.to_owned()).or_default() += 1;
        let sheet = e.source.sheet.to_string();
        *s.sheet_files
            .entry(sheet.clone())
            .or_default()
            .entry(file_name.clone())
            .or_default() += 1;
        line_sheet.insert(
            (e.source.file.to_string(), e.source.line),
            (sheet, e.source.row.to_string()),
        );
    }
    for r in &transcript.rejections {
        let sheet = r.sheet.clone().unwrap_or_default();
        let row = r.row.clone().unwrap_or_default();
        if let Some(parsed) = SheetNo::parse(&sheet) {
            let u = s.units.entry(parsed.unit.to_string()).or_default();
            u.sheets.insert(parsed.serial);
            u.rows += 1;
            *s.sheet_files
                .entry(parsed.to_string())
                .or_default()
                .entry(file_name.clone())
                .or_default() += 1;
        }
        line_sheet.insert((r.file.to_string(), r.line), (sheet, row));
    }
    for d in &diags {
        let key = (d.file.clone(), d.line());
        match line_sheet.get(&key) {
            Some((sheet, row)) => {
                if problem_lines.insert(key)
                    && let Some(parsed) = SheetNo::parse(sheet)
                {
                    s.units.entry(parsed.unit.to_string()).or_default().problems += 1;
                }
                s.problems.push(Problem {
                    sheet: sheet.clone(),
                    row: row.clone(),
                    message: d.message.clone(),
                    error: d.is_error(),
                });
            }
            None => s.file_errors.push(d.to_string()),
        }
    }
    s
}

/// `GET /`: the overview page.
pub fn page(ctx: &Ctx<'_>) -> Response {
    let kit = ctx.wb.kit;
    let s = summary(ctx);
    let printed = kit.settings.print.sheets_per_unit;
    let mut body = String::from("<h1>Översikt över driftstoppet</h1>\n");
    let started: usize = s.units.values().map(|u| u.sheets.len()).sum();
    let problems: usize = s.units.values().map(|u| u.problems).sum();
    let _ = writeln!(
        body,
        "<p>{} transkriberingsfiler i mappen, {} rader inskrivna på {} blad; {} rader har fel eller varningar.</p>\n\
         <p><a href=\"{}/blad\">Skriv in ett blad</a> · <a href=\"{}/avstamning\">Stäm av</a></p>",
        s.files, s.lines, started, problems, ctx.base, ctx.base
    );
    for e in &s.file_errors {
        let _ = writeln!(body, "<p class=\"fel\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = writeln!(
        body,
        "<h2 id=\"per-enhet\">Per enhet</h2>\n<div class=\"tabell\" tabindex=\"0\" role=\"region\" aria-labelledby=\"per-enhet\">\n\
         <table><thead><tr><th scope=\"col\">Enhet</th><th scope=\"col\">Blad utskrivna</th>\
         <th scope=\"col\">Blad transkriberade</th><th scope=\"col\">Rader</th><th scope=\"col\">Rader med problem</th>\
         <th scope=\"col\">Kvar</th></tr></thead><tbody>"
    );
    let mut untouched = Vec::new();
    for unit in &kit.directory.units {
        let Some(c) = s.units.get(&unit.id) else {
            untouched.push(unit);
            continue;
        };
        let left = match (c.problems, c.sheets.len() as u32) {
            (0, n) if n >= printed => "inget".to_owned(),
            (0, _) => "fler blad kan finnas".to_owned(),
            (p, _) => format!("{p} rader att rätta"),
        };
        let sheets: Vec<String> = c
            .sheets
            .iter()
            .map(|serial| {
                let no = SheetNo {
                    unit: unit.id.as_str().into(),
                    serial: *serial,
                };
                format!(
                    "<a href=\"{}/blad/{}\">{:03}</a>",
                    ctx.base,
                    url(&no.to_string()),
                    serial
                )
            })
            .collect();
        let _ = writeln!(
            body,
            "<tr><th scope=\"row\">{}</th><td>{printed}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&unit.full_name()),
            c.sheets.len(),
            sheets.join(", "),
            c.rows,
            c.problems,
            esc(&left)
        );
    }
    let _ = writeln!(body, "</tbody></table></div>");
    let _ = writeln!(body, "<h2>Vem har skrivit in vad</h2>");
    if s.by.is_empty() {
        let _ = writeln!(body, "<p>Inga rader är inskrivna ännu.</p>");
    } else {
        let _ = writeln!(body, "<ul>");
        for (who, n) in &s.by {
            let _ = writeln!(
                body,
                "<li>{}: {n} {}</li>",
                esc(who),
                if *n == 1 { "rad" } else { "rader" }
            );
        }
        let _ = writeln!(body, "</ul>");
    }
    let _ = writeln!(body, "<h2>Kvar att göra</h2>");
    if s.problems.is_empty() {
        let _ = writeln!(body, "<p>Inga rader med fel eller varningar.</p>");
    } else {
        let shown = s.problems.len().min(200);
        let _ = writeln!(
            body,
            "<p>{} meddelanden om inskrivna rader{}. Öppna raden för att rätta den.</p>\n<ul class=\"problem\">",
            s.problems.len(),
            if shown < s.problems.len() {
                format!(", de första {shown} visas")
            } else {
                String::new()
            }
        );
        for p in &s.problems[..shown] {
            let link = match SheetNo::parse(&p.sheet) {
                Some(no) if !p.row.is_empty() => format!(
                    "<a href=\"{}/blad/{}?ratta={}\">Blad {} rad {}</a>",
                    ctx.base,
                    url(&no.to_string()),
                    url(&p.row),
                    esc(&no.to_string()),
                    esc(&p.row)
                ),
                _ => format!("Blad {} rad {}", esc(&p.sheet), esc(&p.row)),
            };
            let class = if p.error { "fel" } else { "varning" };
            let _ = writeln!(
                body,
                "<li class=\"{class}\">{link}: {}</li>",
                esc(&p.message)
            );
        }
        let _ = writeln!(body, "</ul>");
    }
    if !untouched.is_empty() {
        let _ = writeln!(
            body,
            "<details><summary>{} enheter utan inskrivna blad</summary><ul>",
            untouched.len()
        );
        for u in untouched {
            let _ = writeln!(body, "<li>{}</li>", esc(&u.full_name()));
        }
        let _ = writeln!(body, "</ul></details>");
    }
    html_response(
        200,
        html::page(&ctx.base, "Översikt", Section::Overview, &body),
    )
}
