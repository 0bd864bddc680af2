//! `reservkit scan`: reads scanned paper forms into drafts for the
//! workbench's review queue. Loads `layout.json` and the scanned files,
//! calls [`crate::scan`] per page (two pages at a time), prints one line
//! per page (never a value read: the pages hold patient data) and writes
//! each sheet's draft folder in one step, then the queue's index.json.

use crate::scan::draft::{self, QueueEntry, Source};
use crate::scan::layout::Layout;
use crate::scan::{self, gray::Gray, source};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Skannade filer: PDF (en bild per sida), PNG, JPEG eller TIFF.
    #[arg(required = true, value_name = "FIL")]
    pub files: Vec<PathBuf>,
    /// Mapp för utkasten; de hamnar i MAPP/skanning/<blad>/ och går bara
    /// att läsa för dig.
    #[arg(long, value_name = "MAPP", default_value = "avstamning")]
    pub dir: PathBuf,
    /// Blankettens layout.json från bygget som bladen skrevs ut ur. Ange
    /// flera gånger för blad ur flera kitversioner.
    #[arg(
        long,
        value_name = "FIL",
        default_value = "output/print/samtalslogg/layout.json"
    )]
    pub layout: Vec<PathBuf>,
    /// Skriv också oversikt.png per blad: sidan uträtad med varje ruta
    /// inramad i färgen för det som lästes.
    #[arg(long)]
    pub oversikt: bool,
}

/// A sheet's draft files: (path in its folder, bytes).
type SheetFiles = Vec<(String, Vec<u8>)>;

/// What became of one page.
type PageOutcome = Result<(scan::SheetRead, SheetFiles), String>;

struct PageJob {
    file: usize,
    page: u32,
    image: Result<Gray, String>,
}

/// Runs the command: exit 0 when every page was read, 1 when a page or a
/// file could not be (the pages that were read are written all the same),
/// 2 when layout.json cannot be loaded.
pub fn run(args: ScanArgs) -> ExitCode {
    let mut layouts = Vec::new();
    let mut problems = Vec::new();
    for path in &args.layout {
        match std::fs::read_to_string(path) {
            Ok(text) => match Layout::parse(&text) {
                Ok(l) => layouts.push(l),
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            },
            Err(e) => problems.push(format!(
                "{}: kan inte läsas ({e}); kör `reservkit build` eller ange --layout med blankettens layout.json",
                path.display()
            )),
        }
    }
    if !problems.is_empty() {
        for p in problems {
            eprintln!("error: {p}");
        }
        eprintln!("Inget lästes.");
        return ExitCode::from(2);
    }

    let names: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
    let mut jobs = Vec::new();
    let mut file_errors = Vec::new();
    for (i, path) in args.files.iter().enumerate() {
        let pages = std::fs::read(path)
            .map_err(|e| format!("kan inte läsas: {e}"))
            .and_then(|bytes| source::pages(&bytes));
        match pages {
            Ok(pages) => jobs.extend(pages.into_iter().map(|(page, image)| PageJob {
                file: i,
                page,
                image,
            })),
            Err(e) => file_errors.push(format!("{}: {e}", names[i])),
        }
    }

    let outcomes = read_all(jobs, &layouts, &names, args.oversikt);
    let mut errors = file_errors;
    let mut sheets: Vec<(String, SheetFiles)> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut uncertain = 0;
    for (file, page, outcome) in outcomes {
        let at = format!("{} sida {page}", names[file]);
        match outcome {
            Ok((read, files)) => {
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == read.sheet) {
                    errors.push(format!(
                        "{at}: bladet {} lästes redan från {first}; samma blad skannat två gånger? Skanna det bara en gång",
                        read.sheet
                    ));
                    continue;
                }
                let rows = read.rows.iter().filter(|r| r.written()).count();
                let unsure = read
                    .rows
                    .iter()
                    .flat_map(|r| &r.boxes)
                    .filter(|b| b.reading.confidence < scan::ticks::SURE)
                    .count();
                uncertain += unsure;
                let turned = if read.turned == 0 {
                    String::new()
                } else {
                    format!(", vänd {}°", read.turned * 90)
                };
                println!(
                    "{at}: blad {}, {rows} skrivna rader, {unsure} osäkra rutor{turned}",
                    read.sheet
                );
                seen.push((read.sheet.clone(), at));
                sheets.push((read.sheet, files));
            }
            Err(e) => errors.push(format!("{at}: {e}")),
        }
    }

    let base = args.dir.join("skanning");
    if !sheets.is_empty()
        && let Err(e) = write_sheets(&base, &sheets)
    {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    eprintln!(
        "Läste {} blad till {} ({} osäkra rutor att kontrollera).{}",
        sheets.len(),
        base.display(),
        uncertain,
        if errors.is_empty() {
            String::new()
        } else {
            format!(
                " {} sidor eller filer lästes inte; de står ovan.",
                errors.len()
            )
        }
    );
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Reads the pages on two threads; the results come back in input order.
fn read_all(
    jobs: Vec<PageJob>,
    layouts: &[Layout],
    names: &[String],
    overview: bool,
) -> Vec<(usize, u32, PageOutcome)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 2);
    let n = jobs.len();
    let mut slots: Vec<Option<(usize, u32, PageOutcome)>> = (0..n).map(|_| None).collect();
    let jobs: Vec<(usize, PageJob)> = jobs.into_iter().enumerate().collect();
    let chunks: Vec<Vec<(usize, PageJob)>> = {
        let mut c: Vec<Vec<(usize, PageJob)>> = (0..threads).map(|_| Vec::new()).collect();
        for (k, job) in jobs {
            c[k % threads].push((k, job));
        }
        c
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(k, job)| {
                            let outcome = job.image.and_then(|img| {
                                let read = scan::read_page(&img, layouts)?;
                                let src = Source {
                                    file: names[job.file].clone(),
                                    page: job.page,
                                };
                                let files = draft::sheet_files(&read, &img, &src, overview);
                                Ok((read, files))
                            });
                            (k, (job.file, job.page, outcome))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A page whose reading panicked is missing from the results
            // and reported as not read.
            if let Ok(done) = h.join() {
                for (k, r) in done {
                    slots[k] = Some(r);
                }
            }
        }
    });
    slots.into_iter().flatten().collect()
}

fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        b.mode(0o700);
    }
    b.create(path)
}

fn private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Writes each sheet's folder beside its place and swaps it in, so a
/// folder is never half written; then index.json for every sheet there.
fn write_sheets(base: &Path, sheets: &[(String, SheetFiles)]) -> Result<(), String> {
    let ctx = |p: &Path, e: std::io::Error| format!("kan inte skriva {}: {e}", p.display());
    private_dir(base).map_err(|e| ctx(base, e))?;
    for (sheet, files) in sheets {
        let staged = base.join(format!(".{sheet}.ny"));
        let done = base.join(sheet);
        let old = base.join(format!(".{sheet}.gammal"));
        for leftover in [&staged, &old] {
            if leftover.exists() {
                std::fs::remove_dir_all(leftover).map_err(|e| ctx(leftover, e))?;
            }
        }
        private_dir(&staged).map_err(|e| ctx(&staged, e))?;
        for (name, bytes) in files {
            let path = staged.join(name);
            private_file(&path, bytes).map_err(|e| ctx(&path, e))?;
        }
        if done.exists() {
            std::fs::rename(&done, &old).map_err(|e| ctx(&done, e))?;
        }
        std::fs::rename(&staged, &done).map_err(|e| ctx(&done, e))?;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| ctx(&old, e))?;
        }
    }
    let mut entries = Vec::new();
    let listing = std::fs::read_dir(base).map_err(|e| ctx(base, e))?;
    let mut folders: Vec<String> = listing
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| scan::valid_sheet(n))
        .collect();
    folders.sort();
    for folder in folders {
        let path = base.join(&folder).join("utkast.json");
        if let Ok(text) = std::fs::read_to_string(&path)
            && let Some(entry) = QueueEntry::from_draft(&folder, &text)
        {
            entries.push(entry);
        }
    }
    let index = draft::index_json(entries);
    let tmp = base.join(".index.json.ny");
    if tmp.exists() {
        std::fs::remove_file(&tmp).map_err(|e| ctx(&tmp, e))?;
    }
    private_file(&tmp, index.as_bytes()).map_err(|e| ctx(&tmp, e))?;
    let index_path = base.join("index.json");
    std::fs::rename(&tmp, &index_path).map_err(|e| ctx(&index_path, e))?;
    Ok(())
}
