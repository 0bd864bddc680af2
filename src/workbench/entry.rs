//! Sheet entry: one paper row at a time, laid out in the order of the paper
//! form and driven by the one column table ([`SPECS`]). Each value is
//! checked by the same [`Validator`](crate::transcript::validate::Validator)
//! as `transcribe --check`, on the server: as a field is left (the script
//! asks `kontroll`), when the row is reviewed, and again when it is saved.
//! A row is appended only when confirmed; corrections and voids are
//! appended lines, as in guided entry.

use super::html::{self, Section, esc, url};
use super::scanned::{self, DraftRow};
use super::store::SheetFile;
use super::{Ctx, html_response, redirect};
use crate::http::Response;
use crate::model::Unit;
use crate::transcript::columns::{COUNT, Column};
use crate::transcript::completion::{self, MAX_CANDIDATES, Match};
use crate::transcript::entry::{EntryKind, SheetNo};
use crate::transcript::fields;
use crate::transcript::validate::Checked;
use jiff::ZonedDateTime;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The columns a coordinator types, in the order of the paper row, grouped
/// as the form groups them. `driftstopp_start` comes from the sheet's head
/// and `transkriberad_av` is the coordinator's own name.
const GROUPS: &[(&str, &[Column])] = &[
    (
        "Samtalet",
        &[
            Column::Datum,
            Column::Klockslag,
            Column::Tidszon,
            Column::Riktning,
        ],
    ),
    ("Motpart", &[Column::Motpart, Column::MotpartPerson]),
    (
        "Patient",
        &[Column::Patient, Column::IdTyp, Column::Personnummer],
    ),
    (
        "Händelse",
        &[
            Column::Handelse,
            Column::DatumUppgift,
            Column::LakareKontakt,
        ],
    ),
    (
        "Utfall",
        &[
            Column::Nadd,
            Column::Notering,
            Column::Signatur,
            Column::RattarRad,
        ],
    ),
];

/// The messages of a checked row: per column, and those of no column.
#[derive(Debug, Default)]
struct Messages {
    errors: BTreeMap<Column, Vec<String>>,
    warnings: BTreeMap<Column, Vec<String>>,
    general: Vec<(bool, String)>,
}

/// What the row being typed is: its row number and kind.
#[derive(Debug, Clone, Copy)]
struct RowKind {
    row: u32,
    kind: EntryKind,
}

fn now(ctx: &Ctx<'_>) -> ZonedDateTime {
    ctx.wb.clock.now()
}

fn parse_sheet<'k>(ctx: &Ctx<'k>, text: &str) -> Result<(SheetNo, &'k Unit), String> {
    fields::sheet(text, &ctx.wb.kit.directory)
}

fn error_page(ctx: &Ctx<'_>, status: u16, title: &str, message: &str) -> Response {
    let body = format!(
        "<h1>{}</h1>\n<p role=\"alert\">{}</p>\n<p><a href=\"{}/blad\">Välj ett annat blad</a></p>",
        esc(title),
        esc(message),
        ctx.base
    );
    html_response(status, html::page(&ctx.base, title, Section::Entry, &body))
}

/// `GET /blad`: choose a unit and sheet, or type the sheet number.
pub fn choose(ctx: &Ctx<'_>) -> Response {
    let kit = ctx.wb.kit;
    let mut problem = String::new();
    let typed = ctx.q("nr").unwrap_or("").trim().to_owned();
    let unit = ctx.q("enhet").unwrap_or("").trim().to_owned();
    let serial = ctx.q("lopnummer").unwrap_or("").trim().to_owned();
    let wanted = if !typed.is_empty() {
        Some(typed.clone())
    } else if !unit.is_empty() {
        Some(format!("{unit}-{serial}"))
    } else {
        None
    };
    if let Some(wanted) = wanted {
        match parse_sheet(ctx, &wanted) {
            Ok((sheet, _)) => {
                return redirect(format!("{}/blad/{}", ctx.base, url(&sheet.to_string())));
            }
            Err(m) => problem = m,
        }
    }
    let mut body = String::from("<h1>Skriv in ett blad</h1>\n");
    if !problem.is_empty() {
        let _ = writeln!(
            body,
            "<p class=\"fel\" role=\"alert\" id=\"fel-blad\">{}</p>",
            esc(&problem)
        );
    }
    let invalid = if problem.is_empty() {
        ""
    } else {
        " aria-invalid=\"true\" aria-describedby=\"fel-blad\""
    };
    let _ = write!(
        body,
        "<form method=\"get\" action=\"{base}/blad\" class=\"valj\">\n\
         <h2>Bladnummer</h2>\n\
         <div class=\"falt\"><label for=\"nr\">Bladnummer som det står på blanketten</label>\n\
         <input id=\"nr\" name=\"nr\" value=\"{typed}\" autocomplete=\"off\" autofocus{invalid} aria-describedby=\"nr-hjalp\">\n\
         <p class=\"hjalp\" id=\"nr-hjalp\">T.ex. sunderby-medicin-61-007.</p></div>\n\
         <button type=\"submit\">Öppna bladet</button>\n</form>\n",
        base = ctx.base,
        typed = esc(&typed),
    );
    let _ = write!(
        body,
        "<form method=\"get\" action=\"{base}/blad\" class=\"valj\">\n<h2>Eller välj enhet och blad</h2>\n\
         <div class=\"falt\"><label for=\"enhet\">Enhet</label>\n<select id=\"enhet\" name=\"enhet\">\n",
        base = ctx.base
    );
    for u in &kit.directory.units {
        let selected = if u.id == unit { " selected" } else { "" };
        let _ = writeln!(
            body,
            "<option value=\"{}\"{selected}>{}</option>",
            esc(&u.id),
            esc(&u.full_name())
        );
    }
    let _ = write!(
        body,
        "</select></div>\n<div class=\"falt\"><label for=\"lopnummer\">Bladets löpnummer (1–{n})</label>\n\
         <input id=\"lopnummer\" name=\"lopnummer\" inputmode=\"numeric\" value=\"{serial}\" autocomplete=\"off\"></div>\n\
         <button type=\"submit\">Öppna bladet</button>\n</form>\n",
        n = kit.settings.print.sheets_per_unit,
        serial = esc(&serial),
    );
    html_response(
        200,
        html::page(&ctx.base, "Skriv in ett blad", Section::Entry, &body),
    )
}

/// `GET /motpart?q=…`: the units a typed counterpart matches, as JSON.
pub fn complete(ctx: &Ctx<'_>) -> Response {
    let typed = ctx.q("q").unwrap_or("");
    let own = ctx.q("blad").and_then(SheetNo::parse).map(|s| s.unit);
    let units: Vec<&Unit> = match completion::find(typed, &ctx.wb.kit.directory, own.as_deref()) {
        Match::Unique(u) => vec![u],
        Match::Ambiguous(list) => list.into_iter().take(MAX_CANDIDATES).collect(),
        Match::NoMatch => Vec::new(),
    };
    let list: Vec<serde_json::Value> = units
        .iter()
        .map(|u| serde_json::json!({"id": u.id, "namn": u.full_name()}))
        .collect();
    Response::new(
        200,
        "application/json",
        serde_json::json!({ "enheter": list }).to_string(),
    )
}

fn open<'a>(
    ctx: &Ctx<'a>,
    sheet_text: &str,
) -> Result<
    (
        SheetNo,
        &'a Unit,
        std::sync::Arc<std::sync::Mutex<SheetFile>>,
    ),
    Response,
> {
    let (sheet, unit) =
        parse_sheet(ctx, sheet_text).map_err(|m| error_page(ctx, 404, "Bladet finns inte", &m))?;
    let file = ctx
        .wb
        .store
        .sheet(&sheet, &now(ctx))
        .map_err(|m| error_page(ctx, 409, "Bladet kan inte öppnas", &m))?;
    Ok((sheet, unit, file))
}

fn guard(file: &std::sync::Mutex<SheetFile>) -> std::sync::MutexGuard<'_, SheetFile> {
    file.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The next free row of the sheet, if it is not full.
fn next_row(ctx: &Ctx<'_>, sheet: &SheetNo, sf: &SheetFile) -> Option<u32> {
    let next = sf.validator.last_row(sheet).map_or(1, |r| r + 1);
    (next <= ctx.wb.kit.settings.print.rows_per_sheet).then_some(next)
}

/// `GET /blad/BLAD`: the sheet, its saved rows and the form for the next
/// row; `?ratta=N` fills the form with row N to correct it, `?makulera=N`
/// asks to void row N.
pub fn sheet_page(ctx: &Ctx<'_>, sheet_text: &str) -> Response {
    let (sheet, unit, file) = match open(ctx, sheet_text) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let sf = guard(&file);
    let rows = ctx.wb.kit.settings.print.rows_per_sheet;
    let wanted = |name: &str| ctx.q(name).and_then(|v| fields::row(v, rows).ok());
    let mut notices = Vec::new();
    if let Some(saved) = wanted("sparad") {
        let what = match ctx.q("vad") {
            Some("rattad") => "rättad (rättelsen är sparad)",
            Some("makulerad") => "makulerad",
            _ => "sparad",
        };
        notices.push(format!("Rad {saved} är {what}."));
    }
    if let Some(row) = wanted("makulera") {
        return match sf.validator.latest(&sheet, row) {
            Some(latest) => {
                let mut values = latest.fields.to_vec();
                values[Column::Post.index()] = fields::kind_text(EntryKind::Void).to_owned();
                confirm_page(
                    ctx,
                    &sheet,
                    unit,
                    &sf,
                    RowKind {
                        row,
                        kind: EntryKind::Void,
                    },
                    &values,
                    &Messages::default(),
                )
            }
            None => error_page(
                ctx,
                404,
                "Raden finns inte",
                &format!("rad {row} på blad {sheet} finns inte i filen ännu"),
            ),
        };
    }
    if scanned::active(ctx) && wanted("ratta").is_none() {
        let draft = scanned::draft(ctx, &sheet.to_string()).unwrap_or_default();
        match draft
            .rows
            .iter()
            .find(|r| sf.validator.latest(&sheet, r.row).is_none())
        {
            Some(r) => {
                let target = RowKind {
                    row: r.row,
                    kind: EntryKind::Original,
                };
                let mut values = r.values.clone();
                values[Column::TranskriberadAv.index()] = String::new();
                return render(
                    ctx,
                    &sheet,
                    unit,
                    &sf,
                    Some(target),
                    &values,
                    &Messages::default(),
                    &notices,
                    200,
                );
            }
            None => notices.push(
                "Alla skannade rader på bladet är sparade. Skriv in fler rader här, eller välj nästa blad i «Skannade blad»."
                    .to_owned(),
            ),
        }
    }
    let (target, values) = match wanted("ratta") {
        Some(row) => match sf.validator.latest(&sheet, row) {
            Some(latest) => (
                Some(RowKind {
                    row,
                    kind: EntryKind::Correction,
                }),
                latest.fields.to_vec(),
            ),
            None => {
                notices.push(format!("Rad {row} finns inte i filen ännu."));
                (
                    next_row(ctx, &sheet, &sf).map(|row| RowKind {
                        row,
                        kind: EntryKind::Original,
                    }),
                    vec![String::new(); COUNT],
                )
            }
        },
        None => {
            let mut values = vec![String::new(); COUNT];
            // The date of the last row is the likeliest for the next.
            if let Some(last) = sf.validator.last_row(&sheet)
                && let Some(l) = sf.validator.latest(&sheet, last)
            {
                values[Column::Datum.index()] = l.fields[Column::Datum.index()].to_owned();
            }
            (
                next_row(ctx, &sheet, &sf).map(|row| RowKind {
                    row,
                    kind: EntryKind::Original,
                }),
                values,
            )
        }
    };
    render(
        ctx,
        &sheet,
        unit,
        &sf,
        target,
        &values,
        &Messages::default(),
        &notices,
        200,
    )
}

/// The page of a sheet with the form for `target` filled with `values`.
#[allow(clippy::too_many_arguments)]
fn render(
    ctx: &Ctx<'_>,
    sheet: &SheetNo,
    unit: &Unit,
    sf: &SheetFile,
    target: Option<RowKind>,
    values: &[String],
    messages: &Messages,
    notices: &[String],
    status: u16,
) -> Response {
    let kit = ctx.wb.kit;
    let rows = kit.settings.print.rows_per_sheet;
    let who = ctx.name.clone().unwrap_or_default();
    let others = ctx.wb.store.present(sheet, &who, &who, &now(ctx));
    let title = format!("Blad {sheet}");
    let mut body = format!(
        "<h1>Blad {} <span class=\"enhet\">{}</span></h1>\n",
        esc(&sheet.to_string()),
        esc(&unit.full_name())
    );
    let start = sf.validator.outage_start(sheet);
    if let Some(start) = start {
        let _ = writeln!(
            body,
            "<p>Driftstoppet började {} enligt bladets huvud. Filen: {}.</p>",
            esc(&fields::format_minute(start)),
            esc(&sf.name)
        );
    }
    let _ = writeln!(
        body,
        "<div id=\"besked\" role=\"status\" aria-live=\"polite\">"
    );
    for n in notices {
        let _ = writeln!(body, "<p class=\"ok\">{}</p>", esc(n));
    }
    if !others.is_empty() {
        let names: Vec<String> = others
            .iter()
            .map(|(n, at)| {
                let n = if n.is_empty() { "någon" } else { n };
                format!("{n} (sedan {at})")
            })
            .collect();
        let _ = writeln!(
            body,
            "<p class=\"varning\">Bladet är också öppet hos: {}. Varje rad sparas bara en gång; \
             sparar någon annan raden först får du veta det och kan spara din som nästa rad.</p>",
            esc(&names.join(", "))
        );
    }
    let _ = writeln!(body, "</div>");
    if !messages.general.is_empty() {
        let _ = writeln!(body, "<div class=\"fel\" role=\"alert\"><ul>");
        for (error, m) in &messages.general {
            let class = if *error { "fel" } else { "varning" };
            let _ = writeln!(body, "<li class=\"{class}\">{}</li>", esc(m));
        }
        let _ = writeln!(body, "</ul></div>");
    }
    let draft = if scanned::active(ctx) {
        scanned::draft(ctx, &sheet.to_string())
    } else {
        None
    };
    match target {
        Some(t) => {
            let scan = draft.as_ref().and_then(|d| {
                d.rows
                    .iter()
                    .find(|r| r.row == t.row && t.kind == EntryKind::Original)
                    .map(|r| (d.source.as_str(), r))
            });
            form(
                ctx,
                &mut body,
                sheet,
                sf,
                t,
                values,
                messages,
                start.is_none(),
                scan,
            );
        }
        None => {
            let _ = writeln!(
                body,
                "<p>Bladet är fullt ({rows} rader). Fortsätt på nästa blad, eller rätta eller makulera en rad nedan.</p>"
            );
        }
    }
    saved_rows(ctx, &mut body, sheet, sf);
    html_response(status, html::page(&ctx.base, &title, Section::Entry, &body))
}

/// The form of one row.
#[allow(clippy::too_many_arguments)]
fn form(
    ctx: &Ctx<'_>,
    body: &mut String,
    sheet: &SheetNo,
    sf: &SheetFile,
    target: RowKind,
    values: &[String],
    messages: &Messages,
    ask_start: bool,
    scan: Option<(&str, &DraftRow)>,
) {
    let kit = ctx.wb.kit;
    let heading = match target.kind {
        EntryKind::Correction => format!("Rätta rad {}", target.row),
        _ => format!("Rad {}", target.row),
    };
    let sheet_url = format!("{}/blad/{}", ctx.base, url(&sheet.to_string()));
    let _ = write!(
        body,
        "<form method=\"post\" action=\"{sheet_url}/granska\" class=\"rad\" id=\"radformular\" \
         data-kontroll=\"{sheet_url}/kontroll\" data-status=\"{sheet_url}/status\" \
         data-motpart=\"{base}/motpart\" data-blad=\"{sheet}\" novalidate>\n\
         <h2 id=\"rubrik-rad\">{heading}</h2>\n\
         <p class=\"hjalp\">Fälten står i samma ordning som på blanketten. Tab flyttar till nästa fält, \
         Enter granskar raden. Raden sparas först när du bekräftar den.</p>\n\
         <input type=\"hidden\" name=\"rad\" value=\"{row}\">\n\
         <input type=\"hidden\" name=\"post\" value=\"{post}\">\n\
         <input type=\"hidden\" name=\"version\" value=\"{version}\">\n",
        base = ctx.base,
        sheet = esc(&sheet.to_string()),
        heading = esc(&heading),
        row = target.row,
        post = fields::kind_text(target.kind),
        version = sf.version,
    );
    if let Some((source, _)) = scan {
        let _ = writeln!(
            body,
            "<input type=\"hidden\" name=\"{mark}\" value=\"1\">\n\
             <p class=\"skannad\">Raden är läst från skanningen {source}. Kryssen som lästes är ifyllda; \
             jämför dem med bilden. Skriv in det handskrivna från bilderna bredvid fälten.</p>",
            mark = scanned::MARK,
            source = esc(source),
        );
    }
    let scan_row = scan.map(|(_, r)| (ctx.base.as_str(), sheet, r));
    let mut first = true;
    if ask_start {
        let _ = writeln!(body, "<fieldset><legend>Bladets huvud</legend>");
        field(
            body,
            Column::DriftstoppStart,
            &values[Column::DriftstoppStart.index()],
            messages,
            true,
            None,
            None,
            None,
        );
        first = false;
        let _ = writeln!(body, "</fieldset>");
    }
    let events: Vec<String> = kit
        .settings
        .events
        .iter()
        .map(|e| format!("{} {}", e.code, e.name))
        .collect();
    for (legend, columns) in GROUPS {
        let _ = writeln!(body, "<fieldset><legend>{}</legend>", esc(legend));
        for &c in *columns {
            if c == Column::RattarRad && target.kind != EntryKind::Original {
                continue;
            }
            let extra = match c {
                Column::Handelse => Some(format!("Koder: {}.", events.join(", "))),
                Column::Tidszon => Some("Fyll bara i när klockslaget inträffar två gånger (natten då sommartiden slutar).".to_owned()),
                _ => None,
            };
            field(
                body,
                c,
                &values[c.index()],
                messages,
                first,
                extra.as_deref(),
                None,
                scan_row,
            );
            first = false;
        }
        let _ = writeln!(body, "</fieldset>");
    }
    let _ = writeln!(body, "<fieldset><legend>Inskrivningen</legend>");
    let name = ctx.name.clone().unwrap_or_default();
    let typed_by = match values[Column::TranskriberadAv.index()].trim() {
        "" => name,
        v => v.to_owned(),
    };
    field(
        body,
        Column::TranskriberadAv,
        &typed_by,
        messages,
        false,
        None,
        None,
        None,
    );
    let _ = writeln!(body, "</fieldset>");
    let _ = writeln!(
        body,
        "<div class=\"knappar\"><button type=\"submit\">Granska raden</button>"
    );
    if target.kind == EntryKind::Correction {
        let _ = write!(body, " <a href=\"{sheet_url}\">Avbryt rättelsen</a>");
    }
    let _ = writeln!(body, "</div>\n</form>");
}

/// One labelled input with its help and its messages; for a scanned row,
/// the field's images and whether its tick was read uncertain.
#[allow(clippy::too_many_arguments)]
fn field(
    body: &mut String,
    c: Column,
    value: &str,
    messages: &Messages,
    autofocus: bool,
    extra_help: Option<&str>,
    label: Option<&str>,
    scan: Option<(&str, &SheetNo, &DraftRow)>,
) {
    let spec = c.spec();
    let name = spec.name;
    let errors = messages.errors.get(&c).cloned().unwrap_or_default();
    let warnings = messages.warnings.get(&c).cloned().unwrap_or_default();
    let invalid = if errors.is_empty() {
        ""
    } else {
        " aria-invalid=\"true\""
    };
    let focus = if autofocus && messages.errors.is_empty() {
        " autofocus"
    } else if errors.is_empty() || messages.errors.keys().next() != Some(&c) {
        ""
    } else {
        " autofocus"
    };
    let help = match extra_help {
        Some(extra) => format!("{} {extra}", spec.help),
        None => spec.help.to_owned(),
    };
    let required = match spec.requirement {
        crate::transcript::columns::Requirement::Required => {
            " <span class=\"krav\">(måste fyllas i)</span>"
        }
        _ => "",
    };
    let wide = if spec.max_chars > 100 { " bred" } else { "" };
    let uncertain = scan.is_some_and(|(_, _, r)| r.uncertain.iter().any(|u| u == name));
    let (unsure_class, unsure_label, unsure_ref) = if uncertain {
        (
            " osaker",
            "<span class=\"osaker-markering\">Osäker: </span>",
            " o-{name}",
        )
    } else {
        ("", "", "")
    };
    let unsure_ref = unsure_ref.replace("{name}", name);
    let _ = writeln!(
        body,
        "<div class=\"falt{wide}{unsure_class}\" data-falt=\"{name}\"><label for=\"f-{name}\">{unsure_label}{label}{required}</label>",
        label = esc(label.unwrap_or(spec.prompt)),
    );
    if let Some((base, sheet, r)) = scan {
        for (_, image) in r.images.iter().filter(|(col, _)| col == name) {
            let _ = writeln!(
                body,
                "<img class=\"faltbild\" src=\"{base}/skannat/{}/{}\" alt=\"Skannad handskrift: {}, rad {}\">",
                url(&sheet.to_string()),
                url(image),
                esc(spec.prompt),
                r.row
            );
        }
    }
    if uncertain {
        let _ = writeln!(
            body,
            "<p class=\"osaker\" id=\"o-{name}\">Kryss osäker – kontrollera mot bilden.</p>"
        );
    }
    let _ = write!(
        body,
        "<input id=\"f-{name}\" name=\"{name}\" value=\"{value}\" autocomplete=\"off\" spellcheck=\"false\" \
         maxlength=\"{max}\" aria-describedby=\"h-{name} m-{name}{unsure_ref}\"{invalid}{focus}>\n\
         <p class=\"hjalp\" id=\"h-{name}\">{help}</p>\n<div class=\"meddelande\" id=\"m-{name}\" aria-live=\"polite\">",
        value = esc(value),
        max = spec.max_chars,
        help = esc(&help),
    );
    for e in &errors {
        let _ = write!(body, "<p class=\"fel\">{}</p>", esc(e));
    }
    for w in &warnings {
        let _ = write!(body, "<p class=\"varning\">{}</p>", esc(w));
    }
    let _ = writeln!(body, "</div></div>");
}

/// The table of the rows saved on the sheet, each with its links.
fn saved_rows(ctx: &Ctx<'_>, body: &mut String, sheet: &SheetNo, sf: &SheetFile) {
    let Some(last) = sf.validator.last_row(sheet) else {
        let _ = writeln!(
            body,
            "<h2>Sparade rader</h2>\n<p>Inga rader är sparade för bladet ännu.</p>"
        );
        return;
    };
    let sheet_url = format!("{}/blad/{}", ctx.base, url(&sheet.to_string()));
    let _ = writeln!(
        body,
        "<h2 id=\"sparade\">Sparade rader</h2>\n<div class=\"tabell\" tabindex=\"0\" role=\"region\" aria-labelledby=\"sparade\">\n\
         <table><thead><tr><th scope=\"col\">Rad</th><th scope=\"col\">Samtal</th><th scope=\"col\">Motpart</th>\
         <th scope=\"col\">Patient</th><th scope=\"col\">Händelse</th><th scope=\"col\">Status</th><th scope=\"col\">Ändra</th></tr></thead><tbody>"
    );
    for row in 1..=last {
        let Some(l) = sf.validator.latest(sheet, row) else {
            continue;
        };
        let get = |c: Column| l.fields.get(c.index()).map_or("", |v| v.trim());
        let status = match (l.accepted, get(Column::Post)) {
            (_, "makulering") => "makulerad",
            (true, "rättelse") => "rättad",
            (true, _) => "godkänd",
            (false, _) => "har fel – rätta",
        };
        let void = if get(Column::Post) == "makulering" {
            String::new()
        } else {
            format!(" <a href=\"{sheet_url}?makulera={row}\">Makulera rad {row}</a>")
        };
        let _ = writeln!(
            body,
            "<tr id=\"rad-{row}\"><td>{row}</td><td>{} {} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{status}</td>\
             <td><a href=\"{sheet_url}?ratta={row}\">Rätta rad {row}</a>{void}</td></tr>",
            esc(get(Column::Datum)),
            esc(get(Column::Klockslag)),
            esc(get(Column::Riktning)),
            esc(get(Column::Motpart)),
            esc(get(Column::Patient)),
            esc(get(Column::Handelse)),
        );
    }
    let _ = writeln!(body, "</tbody></table></div>");
}

/// The fields of the row the form describes, in the current columns, as
/// they will be written: sheet, row, kind, the sheet's outage start, who
/// and when filled in, the counterpart completed to its id.
fn row_fields(
    ctx: &Ctx<'_>,
    sheet: &SheetNo,
    sf: &SheetFile,
    now: &ZonedDateTime,
) -> Result<(RowKind, Vec<String>), String> {
    let rows = ctx.wb.kit.settings.print.rows_per_sheet;
    let row = fields::row(ctx.f("rad"), rows).map_err(|m| format!("raden: {m}"))?;
    let kind = fields::kind(ctx.f("post")).map_err(|m| format!("posten: {m}"))?;
    let mut f = vec![String::new(); COUNT];
    if kind == EntryKind::Void {
        let latest = sf
            .validator
            .latest(sheet, row)
            .ok_or_else(|| format!("rad {row} på blad {sheet} finns inte i filen ännu"))?;
        f = latest.fields.to_vec();
        f.resize(COUNT, String::new());
        f[Column::RattarRad.index()] = String::new();
    } else {
        for c in Column::ALL {
            if let Some(v) = ctx.body.get(c.name()) {
                f[c.index()] = v.trim().to_owned();
            }
        }
        let own = &sheet.unit;
        if let Match::Unique(u) = completion::find(
            &f[Column::Motpart.index()],
            &ctx.wb.kit.directory,
            Some(own),
        ) {
            f[Column::Motpart.index()] = u.id.clone();
        }
        if kind != EntryKind::Original {
            f[Column::RattarRad.index()] = String::new();
        }
    }
    if let Some(start) = sf.validator.outage_start(sheet) {
        f[Column::DriftstoppStart.index()] = fields::format_point(start);
    } else if kind == EntryKind::Void {
        // Voiding keeps the start the voided line had.
    }
    f[Column::Blad.index()] = sheet.to_string();
    f[Column::Rad.index()] = row.to_string();
    f[Column::Post.index()] = fields::kind_text(kind).to_owned();
    f[Column::TranskriberadAv.index()] = ctx.f("transkriberad_av").trim().to_owned();
    if scanned::active(ctx)
        && kind == EntryKind::Original
        && let Some(draft) = scanned::draft(ctx, &sheet.to_string())
        && !f[Column::TranskriberadAv.index()].is_empty()
    {
        f[Column::TranskriberadAv.index()] =
            scanned::typed_by(&f[Column::TranskriberadAv.index()], &draft.source);
    }
    f[Column::Transkriberad.index()] = fields::format_point(now);
    Ok((RowKind { row, kind }, f))
}

/// Checks the row with a copy of the sheet's validator: exactly what
/// `--check` would say of the file with this line appended.
fn check_row(sf: &SheetFile, f: &[String], now: &ZonedDateTime) -> Option<Checked> {
    let mut trial = sf.validator.clone();
    trial.set_now(now.clone());
    let written = sf.format().from_current(f);
    trial.record(sf.next_line(), written)
}

/// Splits the diagnostics of a checked row by column (`fält «namn»: …`),
/// scrubbed of patient data and without the `blad X rad N, ` prefix.
fn messages(sf: &SheetFile, checked: &Checked, sheet: &SheetNo, row: u32) -> Messages {
    let scrubber = sf.validator.scrubber();
    let prefix = format!("blad {sheet} rad {row}, ");
    let mut m = Messages::default();
    for d in &checked.diagnostics {
        let text = scrubber.scrub(&d.message);
        let text = text.strip_prefix(&prefix).unwrap_or(&text).to_owned();
        let text = match &d.hint {
            Some(h) => format!("{text} ({})", scrubber.scrub(h)),
            None => text,
        };
        let column = text
            .strip_prefix("fält «")
            .and_then(|rest| rest.split_once("»: "))
            .and_then(|(name, msg)| {
                Column::ALL
                    .iter()
                    .find(|c| c.name() == name)
                    .map(|c| (*c, msg.to_owned()))
            });
        // Columns the server fills in have no field to show a message
        // beside: theirs go above the form.
        let column = column.filter(|(c, _)| {
            !matches!(
                c,
                Column::Blad | Column::Rad | Column::Post | Column::Transkriberad
            )
        });
        match (column, d.is_error()) {
            (Some((c, msg)), true) => m.errors.entry(c).or_default().push(msg),
            (Some((c, msg)), false) => m.warnings.entry(c).or_default().push(msg),
            (None, error) => m.general.push((error, text)),
        }
    }
    m
}

/// `POST /blad/BLAD/kontroll`: the checks of the row as typed so far, as
/// JSON, for the script to show beside the fields that were left.
pub fn check(ctx: &Ctx<'_>, sheet_text: &str) -> Response {
    let (sheet, _, file) = match open(ctx, sheet_text) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let sf = guard(&file);
    let now = now(ctx);
    let mut out = serde_json::Map::new();
    match row_fields(ctx, &sheet, &sf, &now) {
        Ok((target, f)) => {
            let checked = check_row(&sf, &f, &now);
            let m = checked
                .as_ref()
                .map(|c| messages(&sf, c, &sheet, target.row))
                .unwrap_or_default();
            let by_column = |map: &BTreeMap<Column, Vec<String>>| {
                let obj: serde_json::Map<String, serde_json::Value> = map
                    .iter()
                    .map(|(c, v)| (c.name().to_owned(), serde_json::Value::from(v.join(" "))))
                    .collect();
                serde_json::Value::Object(obj)
            };
            out.insert("fel".into(), by_column(&m.errors));
            out.insert("varningar".into(), by_column(&m.warnings));
            let general: Vec<String> = m.general.iter().map(|(_, t)| t.clone()).collect();
            out.insert("ovrigt".into(), general.into());
            if let Some(u) = ctx.wb.kit.directory.unit(&f[Column::Motpart.index()]) {
                out.insert(
                    "motpart".into(),
                    format!("{} ({})", u.id, u.full_name()).into(),
                );
            }
        }
        Err(m) => {
            out.insert("ovrigt".into(), vec![m].into());
        }
    }
    out.insert("version".into(), sf.version.into());
    Response::new(
        200,
        "application/json",
        serde_json::Value::Object(out).to_string(),
    )
}

/// `GET /blad/BLAD/status?version=N`: whether the sheet changed since the
/// form was made, and by whom.
pub fn status(ctx: &Ctx<'_>, sheet_text: &str) -> Response {
    let (sheet, _, file) = match open(ctx, sheet_text) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let sf = guard(&file);
    let seen: u64 = ctx.q("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut message = String::new();
    if sf.version != seen
        && let Some((row, who, when)) = &sf.last_save
    {
        message = format!(
            "Rad {row} på bladet sparades {when} av {who} i en annan flik eller av en annan samordnare. \
             Det du skriver nu sparas som nästa lediga rad; ladda om sidan för att se raden."
        );
    }
    let next = next_row(ctx, &sheet, &sf);
    Response::new(
        200,
        "application/json",
        serde_json::json!({"version": sf.version, "meddelande": message, "nasta_rad": next})
            .to_string(),
    )
}

/// `POST /blad/BLAD/granska`: checks the row; shows it again with the
/// messages, or read back for confirmation.
pub fn review(ctx: &Ctx<'_>, sheet_text: &str) -> Response {
    let (sheet, unit, file) = match open(ctx, sheet_text) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let sf = guard(&file);
    let now = now(ctx);
    let (target, f) = match row_fields(ctx, &sheet, &sf, &now) {
        Ok(x) => x,
        Err(m) => return error_page(ctx, 400, "Raden kunde inte läsas", &m),
    };
    let (target, collided) = moved_if_taken(ctx, &sheet, &sf, target);
    let mut f = f;
    f[Column::Rad.index()] = target.row.to_string();
    let Some(checked) = check_row(&sf, &f, &now) else {
        let m = Messages {
            general: vec![(true, "raden är tom och sparas inte".to_owned())],
            ..Messages::default()
        };
        return with_name(
            ctx,
            render(ctx, &sheet, unit, &sf, Some(target), &f, &m, &[], 200),
        );
    };
    let mut m = messages(&sf, &checked, &sheet, target.row);
    if let Some(note) = collided {
        m.general.insert(0, (false, note));
    }
    if !checked.accepted {
        return with_name(
            ctx,
            render(ctx, &sheet, unit, &sf, Some(target), &f, &m, &[], 200),
        );
    }
    with_name(ctx, confirm_page(ctx, &sheet, unit, &sf, target, &f, &m))
}

/// A new row whose number another tab or coordinator saved meanwhile moves
/// to the next free row, with a note saying so.
fn moved_if_taken(
    ctx: &Ctx<'_>,
    sheet: &SheetNo,
    sf: &SheetFile,
    target: RowKind,
) -> (RowKind, Option<String>) {
    if target.kind != EntryKind::Original || sf.validator.latest(sheet, target.row).is_none() {
        return (target, None);
    }
    let by = match &sf.last_save {
        Some((row, who, when)) if *row == target.row => format!(" av {who} {when}"),
        _ => String::new(),
    };
    match next_row(ctx, sheet, sf) {
        Some(next) => (
            RowKind {
                row: next,
                ..target
            },
            Some(format!(
                "Rad {} sparades under tiden{by} (i en annan flik eller av en annan samordnare). \
                 Det du skrev är kvar och blir rad {next}; stämmer det inte med pappret, rätta i stället den sparade raden.",
                target.row
            )),
        ),
        None => (
            target,
            Some(format!(
                "Rad {} sparades under tiden{by}, och bladet är fullt.",
                target.row
            )),
        ),
    }
}

/// Remembers the coordinator's name (not patient data) for the next form.
fn with_name(ctx: &Ctx<'_>, mut r: Response) -> Response {
    let name = scanned::plain_name(ctx.f("transkriberad_av"));
    if !name.is_empty() {
        r.headers.push((
            "Set-Cookie",
            format!(
                "rk_namn={}; Path={}/; HttpOnly; SameSite=Strict; Max-Age=86400",
                url(name),
                ctx.base
            ),
        ));
    }
    r
}

/// The row read back, with its warnings, and the buttons to save or change
/// it. The values travel on in hidden fields of the form (POST).
fn confirm_page(
    ctx: &Ctx<'_>,
    sheet: &SheetNo,
    unit: &Unit,
    sf: &SheetFile,
    target: RowKind,
    f: &[String],
    m: &Messages,
) -> Response {
    let kit = ctx.wb.kit;
    let sheet_url = format!("{}/blad/{}", ctx.base, url(&sheet.to_string()));
    let (title, question, button) = match target.kind {
        EntryKind::Void => (
            format!("Makulera rad {} på blad {sheet}", target.row),
            "Ska raden makuleras? Raden finns kvar i filen, med en makulering efter sig.",
            "Makulera raden",
        ),
        EntryKind::Correction => (
            format!("Spara rättelsen av rad {} på blad {sheet}", target.row),
            "Stämmer raden med pappret? Rättelsen läggs till efter den gamla raden.",
            "Spara rättelsen",
        ),
        EntryKind::Original => (
            format!("Spara rad {} på blad {sheet}", target.row),
            "Stämmer raden med pappret?",
            "Spara raden",
        ),
    };
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"enhet\">{}</p>\n",
        esc(&title),
        esc(&unit.full_name())
    );
    if !m.general.is_empty() || !m.warnings.is_empty() {
        let _ = writeln!(
            body,
            "<div class=\"varning\" role=\"status\"><h2>Att lägga märke till</h2><ul>"
        );
        for (_, t) in &m.general {
            let _ = writeln!(body, "<li>{}</li>", esc(t));
        }
        for (c, list) in &m.warnings {
            for t in list {
                let _ = writeln!(body, "<li>{}: {}</li>", esc(c.spec().prompt), esc(t));
            }
        }
        let _ = writeln!(body, "</ul></div>");
    }
    let _ = writeln!(body, "<dl class=\"aterlasning\">");
    for c in Column::ALL {
        let v = f[c.index()].trim();
        if v.is_empty() || matches!(c, Column::Blad | Column::Transkriberad) {
            continue;
        }
        let shown = match c {
            Column::Motpart => kit
                .directory
                .unit(v)
                .map_or_else(|| v.to_owned(), |u| format!("{} ({v})", u.full_name())),
            Column::Handelse => v
                .parse::<u8>()
                .ok()
                .and_then(|code| kit.settings.event(code))
                .map_or_else(|| v.to_owned(), |e| format!("{} {}", e.code, e.name)),
            _ => v.to_owned(),
        };
        let _ = writeln!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            esc(c.spec().prompt),
            esc(&shown)
        );
    }
    let _ = writeln!(body, "</dl>\n<p>{}</p>", esc(question));
    let _ = writeln!(
        body,
        "<form method=\"post\" action=\"{sheet_url}/spara\" class=\"bekrafta\">"
    );
    for c in Column::ALL {
        if matches!(
            c,
            Column::Blad | Column::Transkriberad | Column::Rad | Column::Post
        ) {
            continue;
        }
        let _ = writeln!(
            body,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            c.name(),
            esc(&f[c.index()])
        );
    }
    let _ = writeln!(
        body,
        "<input type=\"hidden\" name=\"rad\" value=\"{}\">\n<input type=\"hidden\" name=\"post\" value=\"{}\">\n\
         <input type=\"hidden\" name=\"version\" value=\"{}\">{}\n\
         <div class=\"knappar\"><button type=\"submit\" autofocus>{button}</button> \
         <button type=\"submit\" formaction=\"{sheet_url}/andra\" class=\"andra\">Ändra raden</button></div>\n</form>",
        target.row,
        fields::kind_text(target.kind),
        sf.version,
        if scanned::active(ctx) {
            format!(
                "\n<input type=\"hidden\" name=\"{}\" value=\"1\">",
                scanned::MARK
            )
        } else {
            String::new()
        },
    );
    html_response(200, html::page(&ctx.base, &title, Section::Entry, &body))
}

/// `POST /blad/BLAD/andra`: back to the form with the values typed.
pub fn edit(ctx: &Ctx<'_>, sheet_text: &str) -> Response {
    let (sheet, unit, file) = match open(ctx, sheet_text) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let sf = guard(&file);
    let now = now(ctx);
    match row_fields(ctx, &sheet, &sf, &now) {
        Ok((target, f)) if target.kind != EntryKind::Void => render(
            ctx,
            &sheet,
            unit,
            &sf,
            Some(target),
            &f,
            &Messages::default(),
            &[],
            200,
        ),
        _ => redirect(format!("{}/blad/{}", ctx.base, url(&sheet.to_string()))),
    }
}

/// `POST /blad/BLAD/spara`: checks the row once more against the file as it
/// is now and appends it, flushed and synced, before answering.
pub fn save(ctx: &Ctx<'_>, sheet_text: &str) -> Response {
    let (sheet, unit, file) = match open(ctx, sheet_text) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut sf = guard(&file);
    let now = now(ctx);
    // The first row saved gives the sheet its file.
    if let Err(m) = ctx.wb.store.create(&mut sf, &sheet, &now) {
        return error_page(ctx, 409, "Bladet kan inte sparas", &m);
    }
    let (target, f) = match row_fields(ctx, &sheet, &sf, &now) {
        Ok(x) => x,
        Err(m) => return error_page(ctx, 400, "Raden kunde inte läsas", &m),
    };
    // Another tab or coordinator saved this row since the form was made:
    // nothing is written; the row comes back, renumbered, to confirm again.
    let (moved, collided) = moved_if_taken(ctx, &sheet, &sf, target);
    if let Some(note) = collided {
        let mut f = f;
        f[Column::Rad.index()] = moved.row.to_string();
        let m = Messages {
            general: vec![(false, note)],
            ..Messages::default()
        };
        return with_name(
            ctx,
            render(ctx, &sheet, unit, &sf, Some(moved), &f, &m, &[], 409),
        );
    }
    let mut trial = sf.validator.clone();
    trial.set_now(now.clone());
    let written = sf.format().from_current(&f);
    let line = sf.next_line();
    let accepted = match trial.record(line, written.clone()) {
        Some(checked) if checked.accepted => true,
        Some(checked) => {
            let m = messages(&sf, &checked, &sheet, target.row);
            return with_name(
                ctx,
                render(ctx, &sheet, unit, &sf, Some(target), &f, &m, &[], 200),
            );
        }
        None => false,
    };
    if !accepted {
        return redirect(format!("{}/blad/{}", ctx.base, url(&sheet.to_string())));
    }
    let appended = match sf.log.as_mut() {
        Some(log) => log.append(&written),
        None => Err(std::io::Error::other("filen är inte öppen")),
    };
    if let Err(e) = appended {
        return error_page(
            ctx,
            500,
            "Raden kunde inte sparas",
            &format!(
                "kunde inte skriva till {}: {e}; raden kanske inte sparades, kontrollera bladet",
                sf.name
            ),
        );
    }
    sf.validator = trial;
    sf.version += 1;
    let who = f[Column::TranskriberadAv.index()].clone();
    sf.last_save = Some((target.row, who, fields::format_minute(&now)));
    drop(sf);
    let what = match target.kind {
        EntryKind::Original => "sparad",
        EntryKind::Correction => "rattad",
        EntryKind::Void => "makulerad",
    };
    with_name(
        ctx,
        redirect(format!(
            "{}/blad/{}?sparad={}&vad={what}{}",
            ctx.base,
            url(&sheet.to_string()),
            target.row,
            if scanned::active(ctx) {
                format!("&{}=1", scanned::MARK)
            } else {
                String::new()
            },
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_typed_column_is_on_the_form_once() {
        let mut seen: Vec<Column> = GROUPS.iter().flat_map(|(_, c)| c.iter().copied()).collect();
        seen.extend([Column::DriftstoppStart, Column::TranskriberadAv]);
        for c in Column::ALL {
            let set_by_server = matches!(
                c,
                Column::Blad | Column::Rad | Column::Post | Column::Transkriberad
            );
            assert_eq!(
                seen.iter().filter(|s| **s == c).count(),
                usize::from(!set_by_server),
                "{}",
                c.name()
            );
        }
    }
}
