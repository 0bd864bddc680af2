//! `reservkit transcribe`: an empty template (`--template`), the check of
//! transcription files (`--check FILE…`) and guided entry (`FILE --sheet
//! SHEET`). Parses the options, loads the kit, runs the mode and turns the
//! result into an exit code: 0 ok, 1 validation failure, 2 usage.

use super::entry::{SheetNo, Transcript};
use super::guided::{self, Clock, GuidedError};
use super::prompt::Prompter;
use super::{columns, fields, log_file, read_files};
use crate::load::{self, display_path};
use crate::model::Kit;
use crate::pipeline;
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `reservkit transcribe`.
#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// Filerna att kontrollera (--check) eller filen att skriva in i.
    #[arg(value_name = "FIL")]
    pub files: Vec<PathBuf>,
    /// Skriv en tom transkriberingsfil: rubrikraden, och med --sheet en rad
    /// per rad på blanketten.
    #[arg(long, conflicts_with_all = ["check", "by", "files"])]
    pub template: bool,
    /// Kontrollera filerna och visa alla fel; avslutar med 1 om någon rad
    /// avvisas.
    #[arg(long, conflicts_with_all = ["sheet", "by", "out"])]
    pub check: bool,
    /// Bladnumret, t.ex. sunderby-medicin-61-007.
    #[arg(long, value_name = "BLAD")]
    pub sheet: Option<String>,
    /// Vem som skriver in raderna (kolumnen transkriberad_av).
    #[arg(long, value_name = "NAMN")]
    pub by: Option<String>,
    /// Skriv mallen till FIL (skapas, läsbar bara för dig) i stället för
    /// standard ut.
    #[arg(long, value_name = "FIL", requires = "template")]
    pub out: Option<PathBuf>,
    /// Mappen med kit.yaml och contacts.yaml.
    #[arg(long, value_name = "MAPP", default_value = "content")]
    pub content: PathBuf,
    /// Tidpunkt som räknas som nu, "ÅÅÅÅ-MM-DD TT:MM" (för prov); annars
    /// klockan.
    #[arg(long, value_name = "TIDPUNKT")]
    pub now: Option<String>,
}

/// Runs `reservkit transcribe`.
pub fn run(args: TranscribeArgs) -> ExitCode {
    let clock = match args.now.as_deref().map(fields::date_time).transpose() {
        Ok(Some(at)) => Clock::Fixed(at),
        Ok(None) => Clock::System,
        Err(m) => return usage(&format!("--now: {m}")),
    };
    if args.template {
        template(&args)
    } else if args.check {
        check(&args, &clock)
    } else {
        guided_entry(&args, clock)
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    eprintln!("Användning: reservkit transcribe --template [--sheet BLAD] [--out FIL]");
    eprintln!("            reservkit transcribe --check FIL…");
    eprintln!("            reservkit transcribe FIL --sheet BLAD [--by NAMN]");
    ExitCode::from(2)
}

/// Loads the kit; on failure prints its diagnostics.
fn load_kit(content: &Path) -> Result<Kit, ExitCode> {
    let today = pipeline::today(pipeline::source_date().ok().flatten());
    let loaded = load::load(content, today);
    match loaded.kit {
        Some(kit) => Ok(kit),
        None => {
            crate::cli::report(&loaded.diagnostics);
            eprintln!(
                "Innehållet i {} har fel; rätta det först (reservkit check).",
                display_path(content)
            );
            Err(ExitCode::FAILURE)
        }
    }
}

/// The sheet named by `--sheet`, checked against the directory.
fn sheet_of(kit: &Kit, sheet: &str) -> Result<SheetNo, ExitCode> {
    fields::sheet(sheet, &kit.directory)
        .map(|(sheet, _)| sheet)
        .map_err(|m| usage(&format!("--sheet: {m}")))
}

fn template(args: &TranscribeArgs) -> ExitCode {
    let (sheet, rows) = match &args.sheet {
        Some(sheet) => {
            let kit = match load_kit(&args.content) {
                Ok(kit) => kit,
                Err(code) => return code,
            };
            match sheet_of(&kit, sheet) {
                Ok(sheet) => (Some(sheet), kit.settings.print.rows_per_sheet),
                Err(code) => return code,
            }
        }
        None => (None, 0),
    };
    let text = columns::template(sheet.as_ref(), rows);
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                eprintln!("error: kunde inte skriva mallen: {e}");
                return ExitCode::FAILURE;
            }
        }
        Some(path) => {
            if path.exists() {
                eprintln!(
                    "error: {} finns redan; inget skrevs (en transkriberingsfil skrivs aldrig över)",
                    display_path(path)
                );
                return ExitCode::FAILURE;
            }
            let written = log_file::create_private(path).and_then(|mut file| {
                file.write_all(text.as_bytes())?;
                file.sync_all()
            });
            if let Err(e) = written {
                eprintln!("error: kunde inte skriva {}: {e}", display_path(path));
                return ExitCode::FAILURE;
            }
            eprintln!("Skrev mallen till {}.", display_path(path));
        }
    }
    ExitCode::SUCCESS
}

fn check(args: &TranscribeArgs, clock: &Clock) -> ExitCode {
    if args.files.is_empty() {
        return usage("ange minst en fil att kontrollera");
    }
    let kit = match load_kit(&args.content) {
        Ok(kit) => kit,
        Err(code) => return code,
    };
    let (transcript, diags) = read_files(&args.files, &kit, clock.now());
    crate::cli::report(&diags);
    eprintln!("{}", summary(&transcript));
    if diags.iter().any(|d| d.is_error()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// "12 rader lästa: 11 giltiga, 1 avvisad", noting rejected lines that a
/// later correction replaces.
fn summary(transcript: &Transcript) -> String {
    let read = transcript.lines_read;
    let valid = transcript.entries.len();
    let rejected = transcript.rejections.len();
    let replaced = transcript
        .replacements()
        .iter()
        .filter(|r| r.is_some())
        .count();
    let mut text = format!(
        "{read} {} {}: {valid} {}, {rejected} {}",
        if read == 1 { "rad" } else { "rader" },
        if read == 1 { "läst" } else { "lästa" },
        if valid == 1 { "giltig" } else { "giltiga" },
        if rejected == 1 { "avvisad" } else { "avvisade" },
    );
    match replaced {
        0 => {}
        1 => text.push_str(" (varav 1 ersatt av en senare rättelse)"),
        n => text.push_str(&format!(" (varav {n} ersatta av senare rättelser)")),
    }
    text
}

fn guided_entry(args: &TranscribeArgs, clock: Clock) -> ExitCode {
    let (file, sheet) = match (args.files.as_slice(), &args.sheet) {
        ([file], Some(sheet)) => (file.clone(), sheet.clone()),
        ([], None) => {
            return usage("ange --template, --check FIL… eller FIL --sheet BLAD");
        }
        ([_], None) => return usage("ange bladet att skriva in med --sheet BLAD"),
        ([], Some(_)) => return usage("ange filen att skriva in i"),
        _ => return usage("guidad inmatning skriver i en fil i taget"),
    };
    let kit = match load_kit(&args.content) {
        Ok(kit) => kit,
        Err(code) => return code,
    };
    if let Err(code) = sheet_of(&kit, &sheet) {
        return code;
    }
    let options = guided::Options {
        file,
        sheet,
        by: args.by.clone(),
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let typed = stdin.is_terminal();
    let colour = typed && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let prompter = Prompter::new(stdin.lock(), stdout.lock(), colour, !typed);
    match guided::run(&kit, &options, clock, prompter) {
        Ok(_) => ExitCode::SUCCESS,
        Err(GuidedError::Usage(m)) => usage(&m),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
