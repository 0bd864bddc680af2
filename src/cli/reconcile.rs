//! `reservkit reconcile FILE… --out DIR [--as-of YYYY-MM-DD] [--content content]`.
//!
//! Checks the arguments, loads the kit, reads the transcriptions, reconciles
//! them and writes the folder atomically with files readable by their owner
//! only. Everything printed is counts, case numbers, units and file names:
//! never a patient's name or identity number. Exit codes: 0 done, 1 the
//! input or the accounting failed (nothing written), 2 usage.

use crate::model::Kit;
use crate::output::{self, Kind};
use crate::reconcile::{reconcile, report};
use crate::transcript::entry::Transcript;
use crate::transcript::privacy;
use clap::Args;
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args, Clone)]
pub struct ReconcileArgs {
    /// Transkriberade loggblad (CSV), ett eller flera.
    #[arg(required = true, value_name = "FIL")]
    pub files: Vec<PathBuf>,
    /// Mapp för avstämningen. Får inte ligga i output/, content/ eller en
    /// byggd webbplats; filerna går bara att läsa för dig.
    #[arg(long, value_name = "MAPP")]
    pub out: PathBuf,
    /// Datum som betalningsansvaret räknas fram till för patienter som
    /// fortfarande är inskrivna (ÅÅÅÅ-MM-DD). Standard: i dag.
    #[arg(long, value_name = "ÅÅÅÅ-MM-DD")]
    pub as_of: Option<String>,
    /// Mappen med kit.yaml och contacts.yaml.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Skriv bara posterna (CSV, JSON och sammanfattningen), inga
    /// arbetslistor som PDF: en snabb första genomgång.
    #[arg(long)]
    pub no_pdf: bool,
}

/// Why the command stopped.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments (exit 2).
    Usage(String),
    /// Bad input, accounting that does not add up, or I/O (exit 1).
    Failed(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Failed(m) => f.write_str(m),
        }
    }
}

/// Runs the command.
pub fn run(args: ReconcileArgs) -> ExitCode {
    match run_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(m)) => {
            eprintln!("error: {m}");
            eprintln!("Inget skrevs; en tidigare avstämning i mappen är orörd.");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &ReconcileArgs) -> Result<(), Failure> {
    let today = super::today();
    let as_of = match &args.as_of {
        Some(text) => crate::localtime::parse_date(text)
            .map_err(|e| Failure::Usage(format!("--as-of: {e}")))?,
        None => today,
    };
    for file in &args.files {
        if !file.is_file() {
            return Err(Failure::Usage(format!(
                "{}: filen finns inte",
                crate::diag::display_path(file)
            )));
        }
    }
    // The site's output folder of this content, wherever the command is run
    // from, and the one of the working directory.
    let site_output = std::path::absolute(&args.content)
        .ok()
        .and_then(|c| c.parent().map(|p| p.join("output")));
    let mut forbidden = vec![args.content.as_path(), Path::new("output")];
    forbidden.extend(site_output.as_deref());
    let out = check_out_dir(&args.out, &forbidden, &args.files).map_err(Failure::Usage)?;
    // Patient data left by a killed run goes now, not at the next success.
    for note in
        output::recover(&out, Kind::Reconciliation).map_err(|e| Failure::Failed(e.to_string()))?
    {
        eprintln!("{note}");
    }
    let Some(kit) = super::load_kit(&args.content, today) else {
        return Err(Failure::Failed(
            "innehållet i content/ går inte att läsa".into(),
        ));
    };
    let tz = crate::localtime::stockholm().unwrap_or(jiff::tz::TimeZone::UTC);
    let now = jiff::Timestamp::now().to_zoned_datetime(tz);
    let (transcript, diags, scrubber) =
        crate::transcript::read_files_private(&args.files, &kit, now);
    crate::diag::report(&diags);
    // A rejected line is reconciled as "avvisad"; any other error (a file
    // that is not UTF-8, a wrong header) means lines were not read at all.
    let rejected: BTreeSet<(&str, usize)> = transcript
        .rejections
        .iter()
        .map(|r| (r.file.as_str(), r.line))
        .collect();
    if diags
        .iter()
        .any(|d| d.is_error() && !rejected.contains(&(d.file.as_str(), d.line())))
    {
        return Err(Failure::Failed(
            "minst en fil kunde inte läsas som helhet; rätta den och kör igen".into(),
        ));
    }
    match &args.as_of {
        Some(_) => println!("Avstämning per {as_of} (--as-of)."),
        None => println!("Avstämning per {as_of} (dagens datum; ange --as-of för ett annat)."),
    }
    let printed =
        reconcile_scrubbed_to_with(&transcript, &kit, as_of, &out, &scrubber, !args.no_pdf)?;
    print!("{printed}");
    if args.no_pdf {
        println!("Inga arbetslistor som PDF (--no-pdf); kör utan --no-pdf för att få dem.");
    }
    // The process ends here: freeing every row's strings one by one (a
    // national outage has hundreds of thousands) is work the system does
    // at once when the process exits.
    std::mem::forget(transcript);
    Ok(())
}

/// Reconciles and writes the folder `out` (replacing it whole, files 0600,
/// folder 0700). Returns the text to print: the line accounting and where
/// the files went.
///
/// # Errors
///
/// [`Failure::Failed`] when the lines do not add up (nothing is written) or
/// the folder cannot be written.
pub fn reconcile_to(
    transcript: &Transcript,
    kit: &Kit,
    as_of: Date,
    out: &Path,
) -> Result<String, Failure> {
    let mut known = privacy::Collector::default();
    known.add_entries(&transcript.entries);
    reconcile_scrubbed_to(transcript, kit, as_of, out, &known.scrubber(kit))
}

/// Whether an output file may hold patient data: `fall.json` and the
/// worklists. Every other file is scrubbed before it is written.
pub fn holds_patient_data(path: &str) -> bool {
    path == "fall.json" || path.starts_with("arbetslista-")
}

/// As [`reconcile_to`], with the scrubber of every name and reservnummer
/// of the files read (rejected lines too): every file but those that hold
/// patient data ([`holds_patient_data`]) goes through it, so a name or an
/// identity number typed into a wrong column never reaches `rader.csv`,
/// `avvikelser.csv`, `samtal.json` or the summary.
///
/// # Errors
///
/// As [`reconcile_to`].
pub fn reconcile_scrubbed_to(
    transcript: &Transcript,
    kit: &Kit,
    as_of: Date,
    out: &Path,
    scrubber: &privacy::Scrubber,
) -> Result<String, Failure> {
    reconcile_scrubbed_to_with(transcript, kit, as_of, out, scrubber, true)
}

/// One piece of the reconciliation folder, for the workers.
enum Job<'a> {
    /// A record file that is not per unit.
    Record(&'a str, &'a report::Writer<'a>),
    /// A unit's worklist CSV (if it has a worklist) and, when the PDFs are
    /// made, its printable worklist: both from the same notes, made for the
    /// unit alone.
    Unit(&'a str),
}

/// As [`reconcile_scrubbed_to`]; `pdfs` says whether to make the printable
/// worklists (`--no-pdf` leaves them out).
///
/// # Errors
///
/// As [`reconcile_to`].
pub fn reconcile_scrubbed_to_with(
    transcript: &Transcript,
    kit: &Kit,
    as_of: Date,
    out: &Path,
    scrubber: &privacy::Scrubber,
    pdfs: bool,
) -> Result<String, Failure> {
    let rec = reconcile(transcript, kit, as_of);
    let accounting = report::accounting(&rec);
    if rec.ledger.check().is_err() {
        return Err(Failure::Failed(format!(
            "avstämningen går inte ihop\n{accounting}"
        )));
    }
    // Every file goes into the staged folder as it is made: each record
    // file row by row through a buffer (scrubbed on the way), each unit's
    // worklist CSV and PDF from notes made for that unit alone, so that no
    // file and no unit's notes are kept beyond their own writing. The
    // folder is swapped in only when every file is written.
    let staging = output::Staging::begin(out, Kind::Reconciliation)
        .map_err(|e| Failure::Failed(e.to_string()))?;
    let records = report::shared_writers(&rec, transcript, kit);
    let units = if pdfs {
        report::printed_units(&rec, kit)
    } else {
        rec.worklists.iter().map(|w| w.unit.as_str()).collect()
    };
    // The large record files first, then the units: the workers share one
    // queue, so both cores stay busy until the last file is written.
    let jobs: Vec<Job<'_>> = records
        .iter()
        .map(|(path, write)| Job::Record(path, write))
        .chain(units.iter().map(|unit| Job::Unit(unit)))
        .collect();
    let written = std::sync::atomic::AtomicUsize::new(0);
    let count = |n: usize| {
        written.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    };
    let record = |path: &str, write: &report::Writer<'_>| -> Result<(), String> {
        staging
            .add_with(path, |out| {
                if holds_patient_data(path) {
                    write(out)
                } else {
                    let mut scrubbed = scrubber.writer(out);
                    write(&mut scrubbed)?;
                    scrubbed.finish().map(drop)
                }
            })
            .map_err(|e| e.to_string())?;
        count(1);
        Ok(())
    };
    let unit_files = |unit: &str| -> Result<(), String> {
        let list = rec.worklist(unit);
        let notes = list.map(|l| l.notes(&rec, kit)).unwrap_or_default();
        if let Some(list) = list {
            staging
                .add_with(&format!("arbetslista-{unit}.csv"), |out| {
                    report::worklist_csv(&rec, transcript, kit, list, &notes, out)
                })
                .map_err(|e| e.to_string())?;
            count(1);
        }
        if pdfs {
            let bytes =
                crate::reconcile::unit_pdf::unit_pdf_noted(&rec, transcript, kit, unit, &notes)
                    .map_err(|e| {
                        format!(
                            "arbetslistan för {unit} gick inte att göra som PDF: {}",
                            crate::reconcile::unit_pdf::describe(&e)
                        )
                    })?;
            staging
                .add(&format!("arbetslista-{unit}.pdf"), &bytes)
                .map_err(|e| e.to_string())?;
            count(1);
        }
        Ok(())
    };
    // The first job in order that failed is reported, whatever the threads'
    // timing; the others stop taking new jobs.
    report::on_cores(&jobs, |_, job| match job {
        Job::Record(path, write) => record(path, write),
        Job::Unit(unit) => unit_files(unit),
    })
    .map_err(Failure::Failed)?;
    let count = written.into_inner();
    let notes = staging
        .finish()
        .map_err(|e| Failure::Failed(e.to_string()))?;
    for note in notes {
        eprintln!("{note}");
    }
    Ok(format!(
        "{accounting}Skrev {count} filer till {} (läsbara bara för dig).\n",
        out.display()
    ))
}

/// Checks the output folder and returns it resolved.
///
/// Refuses a folder inside or around any of `forbidden` (the site output and
/// content), inside any folder that holds a build (its marker) or looks like
/// a published site (an `index.html`) or another reconciliation, around the
/// working directory or an input file (the folder is replaced whole), and an
/// existing folder that is not an earlier reconciliation.
///
/// # Errors
///
/// A Swedish message naming the folder.
pub fn check_out_dir(
    out: &Path,
    forbidden: &[&Path],
    inputs: &[PathBuf],
) -> Result<PathBuf, String> {
    let shown = crate::diag::display_path(out);
    let resolved = resolve(out).map_err(|e| format!("{shown}: {e}"))?;
    if resolved.file_name().is_none() {
        return Err(format!("{shown}: välj en egen mapp för avstämningen"));
    }
    for f in forbidden {
        let f_resolved = resolve(f).map_err(|e| format!("{}: {e}", f.display()))?;
        if resolved.starts_with(&f_resolved) || f_resolved.starts_with(&resolved) {
            return Err(format!(
                "{shown}: avstämningen innehåller patientuppgifter och får inte ligga i eller omfatta {}",
                crate::diag::display_path(f)
            ));
        }
    }
    if let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize())
        && cwd.starts_with(&resolved)
    {
        return Err(format!(
            "{shown}: mappen ersätts i sin helhet och får inte omfatta arbetsmappen"
        ));
    }
    for input in inputs {
        if let Ok(input) = resolve(input)
            && input.starts_with(&resolved)
        {
            return Err(format!(
                "{shown}: mappen ersätts i sin helhet och får inte innehålla {}",
                crate::diag::display_path(&input)
            ));
        }
    }
    for ancestor in resolved.ancestors().skip(1) {
        let holds = |name: &str| ancestor.join(name).exists();
        let what = if holds(Kind::Build.marker()) {
            "ett bygge av kitet"
        } else if holds("index.html") {
            "en webbplats (index.html)"
        } else if output::is_reconciliation(ancestor) {
            "en annan avstämning"
        } else {
            continue;
        };
        return Err(format!(
            "{shown}: avstämningen innehåller patientuppgifter och får inte ligga i {}, som är {what}",
            crate::diag::display_path(ancestor)
        ));
    }
    output::check_replaceable(&resolved, Kind::Reconciliation).map_err(|e| match e {
        output::OutputError::Refused { reason, .. } => format!("{shown}: {reason}"),
        other => other.to_string(),
    })?;
    Ok(resolved)
}

/// The absolute path with symbolic links resolved in the part that exists
/// and `.`/`..` resolved in the rest.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize()?;
    for name in rest.iter().rev() {
        match Path::new(name).components().next() {
            Some(Component::ParentDir) => {
                resolved.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => resolved.push(name),
        }
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_folders_inside_or_around_content_and_site_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let content = dir.path().join("content");
        let output = dir.path().join("output");
        std::fs::create_dir_all(&content).expect("content");
        std::fs::create_dir_all(output.join("site")).expect("output");
        let forbidden = [content.as_path(), output.as_path()];
        for bad in [
            content.join("avst"),
            output.join("avst"),
            output.join("site/../avst"),
            output.clone(),
            dir.path().to_path_buf(),
        ] {
            assert!(
                check_out_dir(&bad, &forbidden, &[]).is_err(),
                "{}",
                bad.display()
            );
        }
        let good = dir.path().join("avstamning");
        assert_eq!(
            check_out_dir(&good, &forbidden, &[]),
            Ok(dir.path().canonicalize().expect("canon").join("avstamning"))
        );
    }

    #[test]
    fn refuses_a_folder_with_other_files_or_holding_the_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let other = dir.path().join("dokument");
        std::fs::create_dir_all(&other).expect("dir");
        std::fs::write(other.join("brev.txt"), "x").expect("file");
        assert!(check_out_dir(&other, &[], &[]).is_err());
        assert!(check_out_dir(dir.path(), &[], &[other.join("brev.txt")]).is_err());
        // A summary's name does not make a folder an earlier reconciliation.
        std::fs::write(other.join("sammanfattning.txt"), "x").expect("file");
        assert!(check_out_dir(&other, &[], &[]).is_err());
    }

    #[test]
    fn refuses_folders_inside_a_build_a_site_or_another_reconciliation() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (folder, marker) in [
            ("utdata", ".reservkit-bygge"),
            ("www", "index.html"),
            ("avst", ".reservkit-avstamning"),
        ] {
            std::fs::create_dir_all(dir.path().join(folder).join("a")).expect("dir");
            std::fs::write(dir.path().join(folder).join(marker), "x").expect("marker");
            let e =
                check_out_dir(&dir.path().join(folder).join("a/b"), &[], &[]).expect_err(folder);
            assert!(e.contains("får inte ligga i"), "{e}");
        }
    }
}
