//! The reconciliation in the browser: run it (the same call as `reservkit
//! reconcile`, into `resultat/` of the workbench folder), and read the
//! cases, the payment responsibility per municipality, the discrepancies
//! (each linking to the sheet rows it concerns) and each unit's worklist
//! with a stored «klar» tick per item, and the worklist PDFs.

use super::html::{self, Section, esc, url};
use super::store::RESULT_DIR;
use super::{Ctx, html_response, not_found, redirect};
use crate::http::Response;
use crate::reconcile::{Reconciliation, reconcile, wording};
use crate::transcript::entry::{SheetNo, Transcript};
use std::fmt::Write as _;
use std::sync::Arc;

/// The last run: the transcript it read, the date and what it said.
pub struct LastRun {
    pub transcript: Transcript,
    pub as_of: jiff::civil::Date,
    pub said: String,
    pub at: String,
}

fn last(ctx: &Ctx<'_>) -> Option<Arc<LastRun>> {
    ctx.wb
        .last_run
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// The run to show: the last one of this start, or (after a restart) the
/// files as they are now, reconciled in memory only.
fn current(ctx: &Ctx<'_>) -> Arc<LastRun> {
    if let Some(run) = last(ctx) {
        return run;
    }
    let files = ctx.wb.store.files();
    let (transcript, _) = crate::transcript::read_files(&files, ctx.wb.kit, ctx.wb.clock.now());
    Arc::new(LastRun {
        transcript,
        as_of: ctx.wb.clock.now().date(),
        said: String::new(),
        at: String::new(),
    })
}

fn page_of(ctx: &Ctx<'_>, title: &str, body: &str) -> Response {
    html_response(
        200,
        html::page(&ctx.base, title, Section::Reconciliation, body),
    )
}

fn sub_nav(ctx: &Ctx<'_>, body: &mut String) {
    let _ = writeln!(
        body,
        "<nav aria-label=\"Avstämningens delar\" class=\"delar\"><ul>\
         <li><a href=\"{b}/avstamning\">Körning och arbetslistor</a></li>\
         <li><a href=\"{b}/avstamning/fall\">Fall</a></li>\
         <li><a href=\"{b}/avstamning/betalning\">Betalningsansvar</a></li>\
         <li><a href=\"{b}/avstamning/avvikelser\">Avvikelser</a></li></ul></nav>",
        b = ctx.base
    );
}

/// `GET /avstamning`: run it, the worklists per unit and the PDFs.
pub fn page(ctx: &Ctx<'_>) -> Response {
    let run = current(ctx);
    let rec = reconcile(&run.transcript, ctx.wb.kit, run.as_of);
    let mut body = String::from("<h1>Avstämning</h1>\n");
    sub_nav(ctx, &mut body);
    if run.said.is_empty() {
        let _ = writeln!(
            body,
            "<p>Avstämningen nedan är gjord på filerna som de är nu men inte sparad i mappen. \
             Kör den för att skriva filerna och arbetslistornas PDF:er till {}/.</p>",
            esc(RESULT_DIR)
        );
    } else {
        let _ = writeln!(
            body,
            "<p role=\"status\">Senaste körningen {} per {}:</p>\n<pre class=\"utdata\">{}</pre>",
            esc(&run.at),
            run.as_of,
            esc(&run.said)
        );
    }
    let _ = writeln!(
        body,
        "<form method=\"post\" action=\"{}/avstamning/kor\"><div class=\"falt\"><label for=\"per\">Betalningsansvar räknas till och med (ÅÅÅÅ-MM-DD)</label>\
         <input id=\"per\" name=\"per\" value=\"{}\" autocomplete=\"off\"></div>\
         <button type=\"submit\">Kör avstämningen</button></form>",
        ctx.base, run.as_of
    );
    let _ = writeln!(
        body,
        "<p>{} samtal, {} fall, {} avvikelser.</p>\n<h2>Arbetslistor per enhet</h2>",
        rec.calls.len(),
        rec.cases.list.len(),
        rec.discrepancies.len()
    );
    if rec.worklists.is_empty() {
        let _ = writeln!(body, "<p>Ingen enhet har något att föra in.</p>");
    } else {
        let ticks = ctx.wb.store.ticks();
        let _ = writeln!(body, "<ul>");
        for list in &rec.worklists {
            let done = list
                .items
                .iter()
                .filter(|i| {
                    ticks
                        .get(&(list.unit.clone(), item_key(&run.transcript, i.entry)))
                        .is_some_and(|t| t.done)
                })
                .count();
            let pdf = ctx
                .wb
                .dir
                .join(RESULT_DIR)
                .join(format!("arbetslista-{}.pdf", list.unit));
            let pdf_link = if pdf.is_file() {
                format!(
                    " · <a href=\"{}/avstamning/pdf/arbetslista-{}.pdf\">PDF att skriva ut</a>",
                    ctx.base,
                    url(&list.unit)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                body,
                "<li><a href=\"{}/avstamning/arbetslista/{}\">{}</a>: {} av {} klara{pdf_link}</li>",
                ctx.base,
                url(&list.unit),
                esc(&wording::unit_name(&ctx.wb.kit.directory, &list.unit)),
                done,
                list.items.len()
            );
        }
        let _ = writeln!(body, "</ul>");
    }
    page_of(ctx, "Avstämning", &body)
}

/// `POST /avstamning/kor`: reads every file and reconciles into
/// `resultat/`, replacing the earlier run whole.
pub fn run(ctx: &Ctx<'_>) -> Response {
    let kit = ctx.wb.kit;
    let now = ctx.wb.clock.now();
    let as_of = match ctx.f("per").trim() {
        "" => now.date(),
        text => match crate::localtime::parse_date(text) {
            Ok(d) => d,
            Err(e) => return failure(ctx, &format!("datumet: {e}")),
        },
    };
    let files = ctx.wb.store.files();
    if files.is_empty() {
        return failure(ctx, "mappen har inga transkriberingsfiler ännu");
    }
    let (transcript, diags, scrubber) =
        crate::transcript::read_files_private(&files, kit, now.clone());
    let rejected: std::collections::BTreeSet<(&str, usize)> = transcript
        .rejections
        .iter()
        .map(|r| (r.file.as_str(), r.line))
        .collect();
    if let Some(d) = diags
        .iter()
        .find(|d| d.is_error() && !rejected.contains(&(d.file.as_str(), d.line())))
    {
        return failure(ctx, &format!("en fil kunde inte läsas som helhet: {d}"));
    }
    let out = ctx.wb.dir.join(RESULT_DIR);
    match ctx.wb.reconcile(&transcript, as_of, &out, &scrubber) {
        Ok(said) => {
            *ctx.wb
                .last_run
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(LastRun {
                transcript,
                as_of,
                said,
                at: crate::transcript::fields::format_minute(&now),
            }));
            redirect(format!("{}/avstamning", ctx.base))
        }
        Err(m) => failure(ctx, &m),
    }
}

fn failure(ctx: &Ctx<'_>, message: &str) -> Response {
    let mut body = String::from("<h1>Avstämningen kördes inte</h1>\n");
    let _ = writeln!(
        body,
        "<p role=\"alert\" class=\"fel\">{}</p><p>Inget skrevs; en tidigare avstämning i mappen är orörd.</p>\
         <p><a href=\"{}/avstamning\">Tillbaka till avstämningen</a></p>",
        esc(message),
        ctx.base
    );
    html_response(
        400,
        html::page(
            &ctx.base,
            "Avstämningen kördes inte",
            Section::Reconciliation,
            &body,
        ),
    )
}

/// A worklist item's key in the ticks file: the paper row it comes from.
fn item_key(t: &Transcript, entry: usize) -> String {
    t.entries
        .get(entry)
        .map(|e| format!("{}:{}", e.source.sheet, e.source.row))
        .unwrap_or_default()
}

/// The link to a sheet row named in a reference (`blad X rad N (…)`).
fn source_link(ctx: &Ctx<'_>, text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let sheet = words
        .iter()
        .position(|w| *w == "blad")
        .and_then(|i| words.get(i + 1))
        .and_then(|s| SheetNo::parse(s));
    let row = words
        .iter()
        .position(|w| *w == "rad")
        .and_then(|i| words.get(i + 1))
        .and_then(|r| {
            r.trim_end_matches(|c: char| !c.is_ascii_digit())
                .parse::<u32>()
                .ok()
        });
    match (sheet, row) {
        (Some(s), Some(r)) => format!(
            "<a href=\"{}/blad/{}?ratta={r}\">{}</a>",
            ctx.base,
            url(&s.to_string()),
            esc(text)
        ),
        _ => esc(text),
    }
}

fn table_start(body: &mut String, id: &str, caption: &str, heads: &[&str]) {
    let _ = write!(
        body,
        "<div class=\"tabell\" tabindex=\"0\" role=\"region\" aria-labelledby=\"{id}\"><table><caption id=\"{id}\">{}</caption><thead><tr>",
        esc(caption)
    );
    for h in heads {
        let _ = write!(body, "<th scope=\"col\">{}</th>", esc(h));
    }
    let _ = writeln!(body, "</tr></thead><tbody>");
}

fn with_rec<F: FnOnce(&Reconciliation<'_>, &LastRun) -> String>(ctx: &Ctx<'_>, f: F) -> String {
    let run = current(ctx);
    let rec = reconcile(&run.transcript, ctx.wb.kit, run.as_of);
    f(&rec, &run)
}

/// `GET /avstamning/fall`: the cases by case number.
pub fn cases(ctx: &Ctx<'_>) -> Response {
    let mut body = String::from("<h1>Fall</h1>\n");
    sub_nav(ctx, &mut body);
    body.push_str(&with_rec(ctx, |rec, _| {
        let mut b = String::new();
        table_start(
            &mut b,
            "fall-rubrik",
            "Fall i nummerordning",
            &["Fall", "Patient", "Samtal"],
        );
        for case in &rec.cases.list {
            let calls: Vec<String> = case
                .calls
                .iter()
                .map(|&c| rec.calls[c].id.clone())
                .collect();
            let _ = writeln!(
                b,
                "<tr id=\"{n}\"><th scope=\"row\">{n}</th><td>{}</td><td>{}</td></tr>",
                esc(&case.names.join(" / ")),
                esc(&calls.join(", ")),
                n = esc(&case.number)
            );
        }
        b.push_str("</tbody></table></div>\n");
        b
    }));
    page_of(ctx, "Fall", &body)
}

/// `GET /avstamning/betalning`: payment responsibility per municipality,
/// with the reason and the dates.
pub fn payment(ctx: &Ctx<'_>) -> Response {
    let kit = ctx.wb.kit;
    let mut body = String::from("<h1>Betalningsansvar per kommun</h1>\n");
    sub_nav(ctx, &mut body);
    body.push_str(&with_rec(ctx, |rec, run| {
        let mut b = format!("<p>Räknat till och med {}.</p>\n", run.as_of);
        let mut by_municipality: std::collections::BTreeMap<String, Vec<&crate::reconcile::responsibility::Responsibility>> =
            Default::default();
        for r in &rec.responsibilities {
            by_municipality.entry(r.municipality.clone()).or_default().push(r);
        }
        if by_municipality.is_empty() {
            b.push_str("<p>Inga fall med betalningsansvar att bedöma.</p>\n");
        }
        for (i, (m, list)) in by_municipality.iter().enumerate() {
            let name = wording::unit_name(&kit.directory, m);
            table_start(
                &mut b,
                &format!("kommun-{i}"),
                &name,
                &["Fall", "Ansvar", "Skäl", "Från", "Till", "Dagar", "Belopp"],
            );
            for r in list {
                let case = rec.cases.list.get(r.case).map_or("", |c| c.number.as_str());
                let end = match (r.end, r.still_admitted) {
                    (Some(d), _) => d.to_string(),
                    (None, true) => "fortfarande inskriven".to_owned(),
                    (None, false) => String::new(),
                };
                let amount = r.amount.as_ref().map_or(String::new(), |a| format!("{} kr", a.total_sek));
                let _ = writeln!(
                    b,
                    "<tr><th scope=\"row\"><a href=\"{}/avstamning/fall#{}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    ctx.base,
                    url(case),
                    esc(case),
                    if r.applies { "ja" } else { "nej" },
                    esc(&r.reason),
                    r.start.map(|d| d.to_string()).unwrap_or_default(),
                    esc(&end),
                    r.days,
                    esc(&amount)
                );
            }
            b.push_str("</tbody></table></div>\n");
        }
        b
    }));
    page_of(ctx, "Betalningsansvar", &body)
}

/// `GET /avstamning/avvikelser`: every discrepancy, with links that open
/// the sheet at the rows concerned.
pub fn discrepancies(ctx: &Ctx<'_>) -> Response {
    let mut body = String::from("<h1>Avvikelser</h1>\n");
    sub_nav(ctx, &mut body);
    body.push_str(&with_rec(ctx, |rec, run| {
        let scrub = {
            let mut known = crate::transcript::privacy::Collector::default();
            known.add_entries(&run.transcript.entries);
            known.scrubber(ctx.wb.kit)
        };
        let mut b = String::new();
        if rec.discrepancies.is_empty() {
            b.push_str("<p>Inga avvikelser.</p>\n");
            return b;
        }
        table_start(
            &mut b,
            "avv-rubrik",
            "Avvikelser att reda ut",
            &["Slag", "Beskrivning", "Fall", "Rader"],
        );
        for d in &rec.discrepancies {
            let refs: Vec<String> = d.refs.iter().map(|r| source_link(ctx, r)).collect();
            let _ = writeln!(
                b,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(d.kind.label()),
                esc(&scrub.scrub(&d.description)),
                esc(d.case.as_deref().unwrap_or("")),
                refs.join("<br>")
            );
        }
        b.push_str("</tbody></table></div>\n");
        b
    }));
    page_of(ctx, "Avvikelser", &body)
}

/// `GET /avstamning/arbetslista/ENHET`: the unit's worklist with a «klar»
/// tick per item.
pub fn worklist(ctx: &Ctx<'_>, unit: &str) -> Response {
    let kit = ctx.wb.kit;
    let Some(u) = kit.directory.unit(unit) else {
        return not_found();
    };
    let title = format!("Arbetslista för {}", u.full_name());
    let mut body = format!("<h1>{}</h1>\n", esc(&title));
    sub_nav(ctx, &mut body);
    let ticks = ctx.wb.store.ticks();
    body.push_str(&with_rec(ctx, |rec, run| {
        let mut b = String::new();
        let Some(list) = rec.worklists.iter().find(|l| l.unit == unit) else {
            b.push_str("<p>Enheten har inget att föra in.</p>\n");
            return b;
        };
        let _ = writeln!(b, "<p>{}</p>", esc(&crate::reconcile::worklist::instruction(kit)));
        let _ = writeln!(b, "<ol class=\"arbetslista\">");
        for item in &list.items {
            let key = item_key(&run.transcript, item.entry);
            let tick = ticks.get(&(unit.to_owned(), key.clone()));
            let done = tick.is_some_and(|t| t.done);
            let call = &rec.calls[item.call];
            let case = rec.cases.number_of_call(item.call);
            let state = match tick {
                Some(t) if t.done => format!("Klar ({} {})", t.by, t.at),
                Some(t) => format!("Inte klar (ändrat av {} {})", t.by, t.at),
                None => "Inte klar".to_owned(),
            };
            let id = format!("post-{}", url(&key).replace('%', "_"));
            let _ = writeln!(
                b,
                "<li id=\"{id}\"><h2>{} · fall {} · {}</h2><pre class=\"notering\">{}</pre>",
                esc(&call.id),
                esc(case),
                if item.received { "mottaget" } else { "rapporterat" },
                esc(&item.note(rec, kit))
            );
            if !item.checks.is_empty() {
                let _ = writeln!(b, "<ul>");
                for c in &item.checks {
                    let _ = writeln!(b, "<li>{}</li>", esc(c));
                }
                let _ = writeln!(b, "</ul>");
            }
            let _ = writeln!(
                b,
                "<p>Källa: {}</p><form method=\"post\" action=\"{}/avstamning/arbetslista/{}/klar\">\
                 <input type=\"hidden\" name=\"post\" value=\"{}\"><input type=\"hidden\" name=\"klar\" value=\"{}\">\
                 <div class=\"falt\"><label for=\"av-{id}\">Ditt namn</label><input id=\"av-{id}\" name=\"av\" value=\"{}\" autocomplete=\"off\"></div>\
                 <p class=\"status\">{}</p><button type=\"submit\">{}</button></form></li>",
                source_link(ctx, &run.transcript.entries.get(item.entry).map(|e| wording::source(&e.source)).unwrap_or_default()),
                ctx.base,
                url(unit),
                esc(&key),
                if done { "nej" } else { "ja" },
                esc(ctx.name.as_deref().unwrap_or("")),
                esc(&state),
                if done { format!("Ångra klar för {}", call.id) } else { format!("Markera {} som klar", call.id) },
            );
        }
        let _ = writeln!(b, "</ol>");
        b
    }));
    page_of(ctx, &title, &body)
}

/// `POST /avstamning/arbetslista/ENHET/klar`: appends a tick with who and
/// when.
pub fn tick(ctx: &Ctx<'_>, unit: &str) -> Response {
    if ctx.wb.kit.directory.unit(unit).is_none() {
        return not_found();
    }
    let by = ctx.f("av").trim();
    if by.is_empty() {
        let body = format!(
            "<h1>Skriv ditt namn</h1><p role=\"alert\" class=\"fel\">Skriv ditt namn innan du markerar en post, så att det syns vem som förde in den.</p>\
             <p><a href=\"{}/avstamning/arbetslista/{}\">Tillbaka till arbetslistan</a></p>",
            ctx.base,
            url(unit)
        );
        return html_response(
            400,
            html::page(&ctx.base, "Skriv ditt namn", Section::Reconciliation, &body),
        );
    }
    let item = ctx.f("post");
    let done = ctx.f("klar") == "ja";
    let at = crate::transcript::fields::format_minute(&ctx.wb.clock.now());
    if let Err(e) = ctx.wb.store.tick(unit, item, done, by, &at) {
        let body = format!(
            "<h1>Det gick inte att spara</h1><p role=\"alert\">{}</p>",
            esc(&e.to_string())
        );
        return html_response(
            500,
            html::page(
                &ctx.base,
                "Det gick inte att spara",
                Section::Reconciliation,
                &body,
            ),
        );
    }
    let mut r = redirect(format!("{}/avstamning/arbetslista/{}", ctx.base, url(unit)));
    r.headers.push((
        "Set-Cookie",
        format!(
            "rk_namn={}; Path={}/; HttpOnly; SameSite=Strict; Max-Age=86400",
            url(by),
            ctx.base
        ),
    ));
    r
}

/// `GET /avstamning/pdf/arbetslista-ENHET.pdf`: a worklist PDF of the last
/// run written to the folder.
pub fn pdf(ctx: &Ctx<'_>, file: &str) -> Response {
    let Some(unit) = file
        .strip_prefix("arbetslista-")
        .and_then(|f| f.strip_suffix(".pdf"))
    else {
        return not_found();
    };
    if ctx.wb.kit.directory.unit(unit).is_none() {
        return not_found();
    }
    match std::fs::read(ctx.wb.dir.join(RESULT_DIR).join(file)) {
        Ok(bytes) => Response::new(200, "application/pdf", bytes),
        Err(_) => not_found(),
    }
}
