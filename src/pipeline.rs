//! The build pipeline: load → site (and print) → output, with the policy on
//! warnings and the build date. Used by `build`, `check` and `serve`.

use crate::diag::{self, Diagnostic};
use crate::load;
use crate::output::{self, Kind, OutFile, Staging};
use crate::printouts;
use crate::site::{self, BuildInfo, Templates};
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// Where things are read from and written to.
#[derive(Debug, Clone)]
pub struct Paths {
    pub content: PathBuf,
    pub templates: PathBuf,
    pub out: PathBuf,
}

/// What a successful build made.
#[derive(Debug)]
pub struct Built {
    pub site: Vec<OutFile>,
    /// The PDFs, with paths relative to `print/`.
    pub print: Vec<OutFile>,
    pub warnings: Vec<Diagnostic>,
    pub version: String,
    /// What the write did about leftovers of an interrupted build.
    pub notes: Vec<String>,
    /// PDFs written straight to the output folder by `build` (in `print/`
    /// and `site/utskrifter/`) and therefore in neither list above.
    pub streamed: usize,
    /// The kit built, and its printouts as the printouts page lists them.
    pub kit: crate::model::Kit,
    pub catalogue: Vec<printouts::Printout>,
}

/// The date of SOURCE_DATE_EPOCH in Europe/Stockholm, if it is set. An
/// unparsable value is an error (a reproducible build asked for it).
pub fn source_date() -> Result<Option<Date>, Diagnostic> {
    let Ok(raw) = std::env::var("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let secs: i64 = raw.trim().parse().map_err(|_| {
        Diagnostic::error(
            "SOURCE_DATE_EPOCH",
            0,
            0,
            format!("«{raw}» är inget antal sekunder sedan 1970"),
        )
    })?;
    let ts = jiff::Timestamp::from_second(secs).map_err(|e| {
        Diagnostic::error(
            "SOURCE_DATE_EPOCH",
            0,
            0,
            format!("«{raw}» är utanför giltigt intervall: {e}"),
        )
    })?;
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC);
    Ok(Some(ts.to_zoned_datetime(tz).date()))
}

/// Today's date for freshness warnings: SOURCE_DATE_EPOCH when set, so that
/// a reproducible build also warns reproducibly; otherwise the clock. It
/// never reaches the output.
pub fn today(source: Option<Date>) -> Date {
    source.unwrap_or_else(|| {
        let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC);
        jiff::Timestamp::now().to_zoned_datetime(tz).date()
    })
}

/// Loads and renders everything in memory; writes nothing. With `strict`,
/// warnings count as errors.
pub fn make(paths: &Paths, strict: bool) -> Result<Built, Vec<Diagnostic>> {
    match make_to(paths, strict, None) {
        Ok((built, _)) => Ok(built),
        Err(BuildError::Invalid(diags)) => Err(diags),
        // Nothing is written without an output folder.
        Err(BuildError::Output(e)) => Err(vec![Diagnostic::error(
            diag::display_path(&paths.out),
            0,
            0,
            e.to_string(),
        )]),
    }
}

/// Loads and renders everything; with `out`, each PDF is written into the
/// staged output folder as soon as it is made (and not kept in memory), and
/// the staging is returned for the site files and the swap. Without `out`
/// the PDFs are kept in [`Built::print`].
fn make_to(
    paths: &Paths,
    strict: bool,
    out: Option<&Path>,
) -> Result<(Built, Option<Staging>), BuildError> {
    let (kit, templates, info, mut diags) =
        load_kit(paths, &mut load::Cache::default()).map_err(BuildError::Invalid)?;
    let staging = match out {
        Some(dir) => Some(Staging::begin(dir, Kind::Build).map_err(BuildError::Output)?),
        None => None,
    };
    let kept = std::sync::Mutex::new(Vec::new());
    let made = printouts::make_each(&kit, |i, p, bytes| match &staging {
        // The same PDF in print/ and on the site, written once.
        Some(staging) => {
            let print = format!("print/{}", p.file);
            staging.add(&print, &bytes)?;
            staging.add_same(&format!("site/utskrifter/{}", p.file), &print, &bytes)
        }
        None => {
            kept.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((i, OutFile::new(p.file.clone(), bytes)));
            Ok(())
        }
    });
    let catalogue = match made {
        Ok(list) => list,
        Err(printouts::Stopped::Sink(e)) => return Err(BuildError::Output(e)),
        // Nothing was written: the staging is dropped and removed.
        Err(printouts::Stopped::Failed(stopped)) => {
            diags.extend(stopped.glyphs);
            diags.extend(failed(&kit, &stopped.failures));
            diag::sort(&mut diags);
            return Err(BuildError::Invalid(diags));
        }
    };
    let mut pdfs = kept
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pdfs.sort_by_key(|(i, _)| *i);
    let mut pdfs: Vec<OutFile> = pdfs.into_iter().map(|(_, f)| f).collect();
    let mut extra_streamed = 0;
    for f in printouts::extra_files(&kit) {
        match &staging {
            Some(staging) => {
                let print = format!("print/{}", f.path);
                staging
                    .add(&print, &f.bytes)
                    .and_then(|()| {
                        staging.add_same(&format!("site/utskrifter/{}", f.path), &print, &f.bytes)
                    })
                    .map_err(BuildError::Output)?;
                extra_streamed += 1;
            }
            None => pdfs.push(f),
        }
    }
    let extra = [site::ExtraPage {
        slug: "utskrifter".to_string(),
        title: "Utskrifter".to_string(),
        template: "printouts.html".to_string(),
        context: site::views::printouts_context(&kit, &catalogue),
    }];
    match site::render(&kit, &templates, &info, &extra) {
        Ok((mut files, mut more)) => {
            files.extend(
                pdfs.iter()
                    .map(|f| OutFile::new(format!("utskrifter/{}", f.path), f.bytes.clone())),
            );
            diags.append(&mut more);
            diag::sort(&mut diags);
            if strict && !diags.is_empty() {
                for d in &mut diags {
                    d.severity = diag::Severity::Error;
                }
                return Err(BuildError::Invalid(diags));
            }
            Ok((
                Built {
                    site: files,
                    print: pdfs,
                    warnings: diags,
                    version: kit.version.clone(),
                    notes: Vec::new(),
                    streamed: if staging.is_some() {
                        catalogue.len() + extra_streamed
                    } else {
                        0
                    },
                    kit,
                    catalogue,
                },
                staging,
            ))
        }
        Err(mut errs) => {
            diags.append(&mut errs);
            diag::sort(&mut diags);
            Err(BuildError::Invalid(diags))
        }
    }
}

/// Printouts that could not be made, as diagnostics at the setting that
/// decides (rows per sheet for a form that does not fit) or at the printout.
pub fn failed(kit: &crate::model::Kit, failures: &[printouts::Failure]) -> Vec<Diagnostic> {
    failures
        .iter()
        .map(|f| {
            let message = format!("utskriften {} kunde inte göras: {}", f.file, f.error);
            match &f.error {
                // The rows asked for per sheet are what a form that does
                // not fit can give up; point at that setting.
                crate::print::PrintError::DoesNotFit { what, .. } => {
                    match &kit.settings.print.rows_per_sheet_at {
                        Some(at) if what.contains("rows_per_sheet") => {
                            Diagnostic::at(at.clone(), message)
                        }
                        _ => Diagnostic::in_file(&kit.settings_file, message),
                    }
                }
                _ => Diagnostic::in_file(format!("utskriften {}", f.file), message),
            }
        })
        .collect()
}

/// Reads `content/` and `templates/` once and loads the kit and the
/// templates from them, with the build's date: what `build` and `serve`
/// start from. `cache` keeps the validated directory for the next load.
///
/// # Errors
/// Every problem found, sorted, when the kit or the templates cannot be
/// used; otherwise the warnings come back with them.
pub fn load_kit(
    paths: &Paths,
    cache: &mut load::Cache,
) -> Result<(crate::model::Kit, Templates, BuildInfo, Vec<Diagnostic>), Vec<Diagnostic>> {
    let source = source_date().map_err(|d| vec![d])?;
    let sources = load::Sources::read(&paths.content, &paths.templates);
    let loaded = load::load_tree_cached(&sources.content, today(source), cache);
    let mut diags = loaded.diagnostics;
    let templates = match Templates::from_tree(&sources.templates) {
        Ok(t) => Some(t),
        Err(mut d) => {
            diags.append(&mut d);
            None
        }
    };
    let (Some(kit), Some(templates)) = (loaded.kit, templates) else {
        diag::sort(&mut diags);
        return Err(diags);
    };
    let info = BuildInfo {
        build_date: source.map(|d| d.to_string()),
    };
    Ok((kit, templates, info, diags))
}

/// Builds and writes `out/site` and `out/print`, swapping `out` as a whole
/// so that the two always belong to the same build.
/// The PDFs are written into the staged folder as they are made; the site
/// files follow, and the folder is swapped in only when all are written.
pub fn build(paths: &Paths, strict: bool) -> Result<Built, BuildError> {
    let (mut built, staging) = make_to(paths, strict, Some(&paths.out))?;
    if let Some(staging) = staging {
        for f in &built.site {
            staging
                .add(&format!("site/{}", f.path), &f.bytes)
                .map_err(BuildError::Output)?;
        }
        built.notes = staging.finish().map_err(BuildError::Output)?;
    }
    Ok(built)
}

#[derive(Debug)]
pub enum BuildError {
    Invalid(Vec<Diagnostic>),
    Output(output::OutputError),
}
