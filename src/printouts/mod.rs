//! The printable fallback kit: call sheets, numbered logging forms, the
//! routine on paper and quick-reference cards, as PDFs in memory.
//!
//! Each printout is laid out with the generic [`crate::print`] module and
//! exported by [`crate::print::to_pdf`]. This module knows the kit's content;
//! it reads no files and writes nothing.

pub mod call_sheet;
pub mod card;
pub mod form;
pub mod form_layout;
pub mod glyphs;
pub mod routine;

use crate::diag::Diagnostic;
use crate::model::calls;
use crate::model::{Kit, Role, UnitKind};
use crate::output::OutFile;
use crate::print::{
    self, Align, Dash, Document, Flow, Item, Origin, PageDecor, PdfMeta, PrintError, TextStyle,
    font,
};
use crate::source::Span;

/// Where kit.yaml writes `texts`: the spans a printed text made of them
/// carries (see [`crate::print::Origin`]).
pub fn settings_at(kit: &Kit, texts: &[&str]) -> Origin {
    at(kit, "kit.yaml", texts)
}

/// Where contacts.yaml writes `texts`.
pub fn contacts_at(kit: &Kit, texts: &[&str]) -> Origin {
    at(kit, "contacts.yaml", texts)
}

fn at(kit: &Kit, file: &str, texts: &[&str]) -> Origin {
    texts
        .iter()
        .filter_map(|t| kit.origins.get(file, t).cloned())
        .collect()
}

/// The kit.yaml strings that the checklists, the call diagram and the
/// cards compose their sentences of: the system's and the roles' names,
/// the roles' time rules and the events' names and time rules.
pub fn routine_words(kit: &Kit) -> Origin {
    let s = &kit.settings;
    let mut texts: Vec<&str> = vec![&s.system.name, &s.system.short_name];
    for role in Role::ALL {
        let r = s.role(role);
        texts.push(&r.name);
        texts.push(&r.who);
        texts.extend(r.time_rules.iter().map(String::as_str));
    }
    for e in &s.events {
        texts.push(&e.name);
        texts.push(&e.time_rule);
    }
    settings_at(kit, &texts)
}

/// The footer of every printed page: kit version and data date, the
/// discard rule, and a QR code to the printouts page when a base URL is set.
pub fn decor(kit: &Kit) -> PageDecor {
    let s = &kit.settings;
    let mut origin: Vec<&str> = vec![
        &s.organisation.name,
        &s.system.name,
        &s.organisation.intranet_name,
    ];
    origin.extend(s.base_url.as_deref());
    let mut lines = vec![format!(
        "{} · Reservrutin vid driftstopp i {} · kitversion {} · uppgifter per {}",
        s.organisation.name, s.system.name, kit.version, kit.data_date
    )];
    lines.push(match &s.base_url {
        Some(url) => {
            format!("Äldre utskrifter ska kastas. Aktuell kitversion: {url}utskrifter.html")
        }
        None => format!(
            "Äldre utskrifter ska kastas. Aktuell kitversion finns på {}.",
            s.organisation.intranet_name
        ),
    });
    if s.sample_data {
        lines.push("EXEMPELDATA: telefonnumren är påhittade. Använd inte i vården.".to_string());
    }
    PageDecor {
        footer_lines: lines,
        qr_url: qr_url(kit),
        origin: settings_at(kit, &origin),
    }
}

/// Where the QR code on every page points: the printouts page, with the
/// version printed so that a binder can be compared with the site.
pub fn qr_url(kit: &Kit) -> Option<String> {
    kit.settings
        .base_url
        .as_ref()
        .map(|u| format!("{u}utskrifter.html?kit={}", kit.version))
}

/// A framed box of short lines, with the sample-data warning first when set;
/// the lines' words are written at `origin`.
pub fn notice_box(
    f: &mut Flow,
    lines: &[String],
    sample: bool,
    origin: &[Span],
) -> Result<(), PrintError> {
    let width = f.content_width_mm();
    let size = 10.5;
    let line_h = f.style().line_height_mm(size);
    let mut all: Vec<(String, bool)> = Vec::new();
    if sample {
        all.push((
            "EXEMPELDATA: telefonnumren är påhittade och går inte till någon.".to_string(),
            true,
        ));
    }
    for l in lines {
        for w in font::wrap(l, size, false, width - 8.0) {
            all.push((w, false));
        }
    }
    let height = all.len() as f64 * line_h + 5.0;
    let mut items = vec![Item::boxed(0.0, 0.0, width, height, 1.0)];
    for (i, (text, bold)) in all.into_iter().enumerate() {
        let y = 2.5 + f.style().baseline_offset_mm(size) + i as f64 * line_h;
        let from: &[Span] = if bold { &[] } else { origin };
        items.push(Item::text(4.0, y, size, bold, text).from(from));
    }
    f.block(height, items)?;
    f.space(3.0);
    Ok(())
}

/// One printout as the printouts page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printout {
    /// Path under `print/`, e.g. `samtalslogg/boden.pdf`.
    pub file: String,
    pub title: String,
    pub purpose: String,
    pub who: String,
    pub copies: String,
    pub pages: usize,
    /// Grouping on the printouts page.
    pub group: &'static str,
}

/// A printout that could not be made, with the reason.
#[derive(Debug, Clone)]
pub struct Failure {
    pub file: String,
    pub error: PrintError,
}

/// Printouts that could not be made: every one that failed, and every
/// character the fonts lack in any of them.
#[derive(Debug, Clone, Default)]
pub struct Failed {
    pub failures: Vec<Failure>,
    /// One diagnostic per character and place (see [`glyphs`]).
    pub glyphs: Vec<Diagnostic>,
}

/// Lays out and exports every printout.
///
/// # Errors
/// Every printout that failed, with its [`PrintError`], and every
/// character the fonts lack, where it is written.
pub fn make(kit: &Kit) -> Result<(Vec<Printout>, Vec<OutFile>), Failed> {
    let made = std::sync::Mutex::new(Vec::new());
    let list = make_each(kit, |i, p: &Printout, bytes| {
        made.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((i, OutFile::new(p.file.clone(), bytes)));
        Ok::<(), std::convert::Infallible>(())
    });
    let list = match list {
        Ok(list) => list,
        Err(Stopped::Failed(failures)) => return Err(failures),
        Err(Stopped::Sink(never)) => match never {},
    };
    let mut made = made
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    made.sort_by_key(|(i, _)| *i);
    let mut files: Vec<OutFile> = made.into_iter().map(|(_, f)| f).collect();
    files.extend(extra_files(kit));
    Ok((list, files))
}

/// The files beside the PDFs: where every field of the numbered forms is
/// (`samtalslogg/layout.json`), for scanning them back.
pub fn extra_files(kit: &Kit) -> Vec<OutFile> {
    vec![OutFile::new(
        "samtalslogg/layout.json".to_string(),
        form::layout_json(kit).into_bytes(),
    )]
}

/// Why [`make_each`] stopped.
#[derive(Debug)]
pub enum Stopped<E> {
    /// Printouts that could not be made; every one is listed.
    Failed(Failed),
    /// The first error of the sink; the remaining printouts were not made.
    Sink(E),
}

/// A printout's layout, made when a worker takes it, so that only the
/// printouts being exported are in memory at once.
type Layout<'a> = Box<dyn Fn() -> Result<Document, PrintError> + Send + Sync + 'a>;

/// Lays out and exports every printout and hands each PDF to `sink` as soon
/// as it is made (index in the list, the printout, its bytes), from several
/// threads at once, so that a national directory's thousands of PDFs are
/// never all in memory. Returns the list of printouts in a fixed order.
///
/// Every printout is laid out even when one has a character the fonts
/// lack, so that all such characters are reported at once; from then on
/// nothing more is exported or handed to `sink`.
///
/// # Errors
/// Every printout that failed and every character missing from the
/// fonts, or the sink's first error.
pub fn make_each<E: Send>(
    kit: &Kit,
    sink: impl Fn(usize, &Printout, Vec<u8>) -> Result<(), E> + Sync,
) -> Result<Vec<Printout>, Stopped<E>> {
    make_each_ordered(kit, |_| false, sink)
}

/// Every printout the kit has, in the fixed order, without laying any out
/// (`pages` is 0).
pub fn catalogue(kit: &Kit) -> Vec<Printout> {
    jobs(kit).into_iter().map(|(p, _)| p).collect()
}

/// The printouts and how to lay each out, in the fixed order.
fn jobs(kit: &Kit) -> Vec<(Printout, Layout<'_>)> {
    let mut jobs: Vec<(Printout, Layout<'_>)> = Vec::new();
    let s = &kit.settings;
    for role in [Role::Inpatient, Role::Outpatient, Role::Municipality] {
        let who = match role {
            Role::Inpatient => "Varje slutenvårdsavdelning",
            Role::Outpatient => "Varje hälsocentral",
            Role::Municipality => {
                "Varje kommuns biståndshandläggare och kommunala hälso- och sjukvård"
            }
        };
        jobs.push((
            Printout {
                file: format!("telefonlista-{}.pdf", role.id()),
                title: format!("Telefonlista för {}", s.role(role).name.to_lowercase()),
                purpose: format!("Vilka {} ringer och blir uppringd av under driftstoppet, med nummer och öppettider.", s.role(role).who),
                who: who.to_string(),
                copies: "2: en vid telefonen, en i pärmen".to_string(),
                pages: 0,
                group: "Telefonlistor",
            },
            Box::new(move || call_sheet::layout(kit, role)),
        ));
    }
    jobs.push((
        Printout {
            file: "samtalslogg-blank.pdf".to_string(),
            title: "Samtalslogg, blank blankett".to_string(),
            purpose: "Loggblad utan förtryckt enhet, för enheter som saknar numrerade blad. Skriv enhet och bladnummer för hand.".to_string(),
            who: "Den som behöver fler blad".to_string(),
            copies: "Efter behov; numrera bladen i följd".to_string(),
            pages: 0,
            group: "Loggblad",
        },
        Box::new(|| form::layout(kit, None, 1..=1)),
    ));
    let sheets = s.print.sheets_per_unit;
    for kind in [
        UnitKind::Ward,
        UnitKind::HealthCentre,
        UnitKind::Municipality,
    ] {
        for unit in kit.directory.of_kind(kind) {
            jobs.push((
                Printout {
                    file: format!("samtalslogg/{}.pdf", unit.id),
                    title: format!("Samtalslogg, {}", unit.full_name()),
                    purpose: format!(
                        "{sheets} förnumrerade loggblad med enhetens namn och telefonnummer."
                    ),
                    who: unit.full_name(),
                    copies: "1 av varje blad; skriv ut alla bladen".to_string(),
                    pages: 0,
                    group: match kind {
                        UnitKind::Ward => "Loggblad för avdelningar",
                        UnitKind::HealthCentre => "Loggblad för hälsocentraler",
                        UnitKind::Municipality => "Loggblad för kommuner",
                    },
                },
                Box::new(move || form::layout(kit, Some(unit), 1..=sheets)),
            ));
        }
    }
    jobs.push((
        Printout {
            file: "rutin.pdf".to_string(),
            title: "Rutinen på papper".to_string(),
            purpose: format!(
                "Hela rutinen vid driftstopp i {} med samverkanspunkterna.",
                kit.settings.system.name
            ),
            who: "Varje enhet".to_string(),
            copies: "1 i pärmen".to_string(),
            pages: 0,
            group: "Rutin och snabbkort",
        },
        Box::new(|| routine::layout(kit)),
    ));
    for role in [Role::Inpatient, Role::Outpatient, Role::Municipality] {
        jobs.push((
            Printout {
                file: format!("snabbkort-{}.pdf", role.id()),
                title: format!("Snabbkort för {}", s.role(role).name.to_lowercase()),
                purpose: "Framsidan: när rutinen gäller, vilka samtal du ringer och tar emot, vad du skriver ner och vad som räknas som tiden. Baksidan: vem ringer vem vid varje samverkanspunkt, som bild och i ord.".to_string(),
                who: format!("Varje enhet inom {}", s.role(role).name.to_lowercase()),
                copies: "1 vid telefonen, 1 i pärmen, dubbelsidigt".to_string(),
                pages: 0,
                group: "Rutin och snabbkort",
            },
            Box::new(move || card::layout(kit, role)),
        ));
    }
    jobs
}

/// As [`make_each`], making the printouts for which `first` holds before
/// the others (the list returned keeps the fixed order).
///
/// # Errors
/// Every printout that failed, or the sink's first error.
pub fn make_each_ordered<E: Send>(
    kit: &Kit,
    first: impl Fn(&Printout) -> bool,
    sink: impl Fn(usize, &Printout, Vec<u8>) -> Result<(), E> + Sync,
) -> Result<Vec<Printout>, Stopped<E>> {
    let s = &kit.settings;
    let jobs = jobs(kit);
    let order: Vec<usize> = {
        let (mut early, late): (Vec<usize>, Vec<usize>) =
            (0..jobs.len()).partition(|&i| first(&jobs[i].0));
        early.extend(late);
        early
    };

    // Exporting is the slow part (thousands of form pages): spread it over
    // the cores, each worker taking the next printout as it finishes one.
    // The list keeps the order of `jobs`, so output is the same.
    let unprintable = std::sync::atomic::AtomicBool::new(false);
    let export = |p: &mut Printout, layout: &Layout<'_>| -> Result<Made, PrintError> {
        let doc = layout()?;
        p.pages = doc.pages.len();
        let missing = glyphs::missing(&doc, &p.file);
        if !missing.is_empty() {
            unprintable.store(true, std::sync::atomic::Ordering::Relaxed);
            return Ok(Made::Unprintable(missing));
        }
        if unprintable.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(Made::Skipped);
        }
        let mut meta = PdfMeta::new(p.title.clone(), kit.data_date);
        meta.author = s.organisation.name.clone();
        meta.subject = format!("Reservrutin vid driftstopp i {}", s.system.name);
        meta.keywords = vec![format!("kitversion {}", kit.version)];
        print::to_pdf(&doc, &meta).map(Made::Pdf)
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let jobs: Vec<std::sync::Mutex<(Printout, Layout<'_>)>> =
        jobs.into_iter().map(std::sync::Mutex::new).collect();
    let work = || {
        let mut failures = Vec::new();
        let mut missing = Vec::new();
        let mut sink_error = None;
        loop {
            let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if n >= jobs.len() || stop.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let i = order[n];
            let mut job = jobs[i]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let (p, layout) = &mut *job;
            match export(p, layout) {
                Ok(Made::Unprintable(found)) => missing.push((i, found)),
                Ok(Made::Skipped) => {}
                Ok(Made::Pdf(bytes)) => {
                    if let Err(e) = sink(i, p, bytes) {
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        sink_error = Some(e);
                        break;
                    }
                }
                Err(error) => failures.push((
                    i,
                    Failure {
                        file: p.file.clone(),
                        error,
                    },
                )),
            }
        }
        (failures, missing, sink_error)
    };
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut failures = Vec::new();
    let mut missing = Vec::new();
    for (mut f, mut m, sink_error) in results {
        if let Some(e) = sink_error {
            return Err(Stopped::Sink(e));
        }
        failures.append(&mut f);
        missing.append(&mut m);
    }
    if failures.is_empty() && missing.is_empty() {
        Ok(jobs
            .into_iter()
            .map(|j| {
                j.into_inner()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .0
            })
            .collect())
    } else {
        failures.sort_by_key(|(i, _)| *i);
        missing.sort_by_key(|(i, _)| *i);
        Err(Stopped::Failed(Failed {
            failures: failures.into_iter().map(|(_, f)| f).collect(),
            glyphs: glyphs::diagnostics(missing.into_iter().flat_map(|(_, m)| m).collect()),
        }))
    }
}

/// What became of one printout in [`make_each`].
enum Made {
    Pdf(Vec<u8>),
    /// Laid out with characters the fonts lack; not exported.
    Unprintable(Vec<glyphs::Missing>),
    /// Laid out but not exported, since another printout is unprintable.
    Skipped,
}

/// Regular body text style used by the printouts.
pub const BODY: TextStyle = TextStyle::regular(10.5);

/// The calls between the roles per event, drawn from the same rows as the
/// site's diagram: the event at the left, one lane per role, a dot where the
/// call starts and an arrowhead at each party called. `text_pt` sizes the
/// names; rows, dots and arrowheads grow with it (8 pt gives 4.4 mm rows).
///
/// # Errors
/// Glyph errors for event or role names the fonts lack;
/// [`PrintError::DoesNotFit`] if the picture is taller than a page.
pub fn who_calls_whom(f: &mut Flow, kit: &Kit, text_pt: f64) -> Result<(), PrintError> {
    let k = text_pt / 8.0;
    let row_mm = 4.4 * k;
    let head_mm = 5.0 * k;
    let rows = calls::rows(&kit.settings);
    let width = f.content_width_mm();
    let lanes: Vec<f64> = (0..Role::ALL.len())
        .map(|i| width * (0.5 + 0.2 * i as f64))
        .collect();
    let height = head_mm + row_mm * rows.len() as f64 + 1.0 * k;
    let mut items = Vec::new();
    let words = routine_words(kit);
    for role in Role::ALL {
        let x = lanes[calls::lane(role)];
        items.push(Item::Text {
            x_mm: x,
            y_mm: 3.2 * k,
            size_pt: text_pt,
            bold: true,
            text: kit.settings.role(role).name.clone(),
            align: Align::Center,
            origin: settings_at(kit, &[&kit.settings.role(role).name]),
        });
        items.push(Item::Line {
            x1_mm: x,
            y1_mm: head_mm - 0.8 * k,
            x2_mm: x,
            y2_mm: height,
            width_pt: 0.4,
            dash: Some(Dash {
                on_mm: 0.8 * k,
                off_mm: 0.8 * k,
            }),
        });
    }
    for (i, r) in rows.iter().enumerate() {
        let y = head_mm + row_mm * i as f64 + row_mm / 2.0;
        items.push(
            Item::text(
                0.0,
                y + 1.1 * k,
                text_pt,
                false,
                format!("{} {}", r.code, r.name),
            )
            .from(&words),
        );
        for a in r.arrows() {
            let (x0, x1) = (lanes[a.start], lanes[a.end]);
            let dir = if x1 > x0 { 1.0 } else { -1.0 };
            items.push(Item::line(x0, y, x1 - dir * 0.3 * k, y, k));
            items.extend(arrowhead(x1, y, dir, k));
            if a.both {
                items.extend(arrowhead(x0, y, -dir, k));
            }
        }
        for lane in r.dots() {
            items.push(Item::Rect {
                x_mm: lanes[lane] - 0.9 * k,
                y_mm: y - 0.9 * k,
                w_mm: 1.8 * k,
                h_mm: 1.8 * k,
                stroke_pt: None,
                fill_gray: Some(0.0),
            });
        }
    }
    f.block(height, items)
}

/// Two short strokes meeting at (`x`, `y`), opening against `dir`, `k`
/// times the size they have beside 8 pt text.
fn arrowhead(x: f64, y: f64, dir: f64, k: f64) -> [Item; 2] {
    [
        Item::line(x - dir * 1.6 * k, y - 1.0 * k, x, y, k),
        Item::line(x - dir * 1.6 * k, y + 1.0 * k, x, y, k),
    ]
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

    fn markdown(md: &str) -> crate::model::Doc {
        crate::load::doc::parse("r.md", md, 0, &mut Vec::new())
    }

    /// The characters the fonts lack in every printout of `kit`, as
    /// reported; no other failure is expected.
    fn glyph_problems(kit: &Kit) -> Vec<String> {
        match make(kit) {
            Ok(_) => Vec::new(),
            Err(failed) => {
                assert!(failed.failures.is_empty(), "{:?}", failed.failures);
                let mut found = failed.glyphs;
                crate::diag::sort(&mut found);
                found.iter().map(ToString::to_string).collect()
            }
        }
    }

    #[test]
    fn a_hard_line_break_in_a_routine_page_is_not_a_missing_character() {
        let mut kit = kit();
        kit.pages[0].doc = markdown("Ring växeln  \nsedan avdelningen.\\\nSist kommunen.\n");
        let doc = routine::layout(&kit).expect("the routine prints with line breaks");
        assert!(doc.missing_glyphs().is_empty());
    }

    #[test]
    fn every_missing_character_of_every_printout_is_reported_once_where_it_is_written() {
        let mut kit = kit();
        let ward = kit
            .directory
            .units
            .iter_mut()
            .find(|u| u.kind == UnitKind::Ward)
            .expect("a ward");
        // Printed on call sheets and on the ward's own form, reported once.
        ward.name = "Avdelning ✈ 7".to_string();
        let page = &mut kit.pages[0];
        page.text.push_str("\n\n");
        let start = page.text.len();
        page.text.push_str("Ring ☎ växeln.\n");
        let at = start + "Ring ".len();
        let added = crate::load::doc::parse("r.md", &page.text, start, &mut Vec::new());
        page.doc.blocks.extend(added.blocks);
        let (line, col) = crate::source::line_col(&page.text, at);
        let source = kit.pages[0].source.clone();
        // The ward's name is no longer written in contacts.yaml: it is
        // reported without a place, in the printouts that carry it.
        let found = glyph_problems(&kit);
        assert!(
            found.iter().any(|d| d.starts_with(&format!(
                "{source}:{line}:{col}: error: tecknet «☎» (U+260E) finns inte"
            ))),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|d| d.contains("«✈» (U+2708)") && d.contains("Avdelning ✈ 7")),
            "{found:?}"
        );
        assert_eq!(
            found.iter().filter(|d| d.contains("U+260E")).count(),
            1,
            "{found:?}"
        );
    }

    #[test]
    fn qr_code_points_at_the_printouts_page_with_the_kit_version() {
        let mut kit = kit();
        kit.version = "abc123".to_string();
        kit.settings.base_url = Some("https://intra.example.se/kit/".to_string());
        assert_eq!(
            qr_url(&kit).as_deref(),
            Some("https://intra.example.se/kit/utskrifter.html?kit=abc123")
        );
        assert!(
            decor(&kit)
                .footer_lines
                .iter()
                .any(|l| l.contains("abc123"))
        );
        kit.settings.base_url = None;
        assert_eq!(qr_url(&kit), None);
        assert_eq!(decor(&kit).qr_url, None);
    }
}
