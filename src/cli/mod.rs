//! The commands: each parses its arguments, loads what it needs, calls the
//! libraries below (`pipeline`, `transcript`, `reconcile`), prints
//! diagnostics to stderr, writes through `output` and returns the exit code
//! (0 ok, 1 failure, 2 usage). Nothing below this module imports it.
//!
//! `build`, `check` and `serve` make the kit from `content/`;
//! `transcribe`, `reconcile` and `workbench` are the companion commands for the way back
//! from paper, which load the kit through `load_kit`.

pub mod build;
pub mod check;
pub mod reconcile;
pub mod scan;
pub mod serve;
pub mod transcribe;
pub mod workbench;

use crate::diag::report;
use crate::model::Kit;
use crate::pipeline::{self, Paths};
use clap::{Args, Parser, Subcommand};
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "reservkit",
    version,
    about = "Reservrutin vid driftstopp: bygger intranätsida och utskrifter ur content/"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Bygg intranätsidan (output/site) ur content/ och templates/.
    Build {
        #[command(flatten)]
        paths: PathArgs,
        /// Behandla varningar som fel.
        #[arg(long)]
        strict: bool,
    },
    /// Kontrollera innehållet utan att skriva något.
    Check {
        #[command(flatten)]
        paths: PathArgs,
        /// Behandla varningar som fel.
        #[arg(long)]
        strict: bool,
    },
    /// Bygg, visa sidan på 127.0.0.1 och bygg om när innehållet ändras.
    Serve {
        #[command(flatten)]
        paths: PathArgs,
        /// Port på 127.0.0.1.
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Transkribera pappersloggar: mall, kontroll av filer eller guidad inmatning.
    Transcribe(transcribe::TranscribeArgs),
    /// Stäm av transkriberade pappersloggar efter driftstoppet: samtal, fall,
    /// betalningsansvar, arbetslistor och avvikelser.
    Reconcile(reconcile::ReconcileArgs),
    /// Läs skannade samtalsloggar: kryssen maskinläses, handskriften klipps
    /// ut, och varje blad blir ett utkast som en samordnare bekräftar.
    Scan(scan::ScanArgs),
    /// Arbetsbänken i webbläsaren: skriv in pappersloggar, stäm av och bocka av
    /// arbetslistor (bara på 127.0.0.1).
    Workbench(workbench::WorkbenchArgs),
}

#[derive(Debug, Args, Clone)]
pub struct PathArgs {
    /// Mappen med rutinen (Markdown) och inställningar (YAML).
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Mappen med HTML-mallar.
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
    /// Utmapp; sidan hamnar i UT/site.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
}

impl From<PathArgs> for Paths {
    fn from(p: PathArgs) -> Paths {
        Paths {
            content: p.content,
            templates: p.templates,
            out: p.out,
        }
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build { paths, strict } => build::run(paths.into(), strict),
        Command::Check { paths, strict } => check::run(paths.into(), strict),
        Command::Serve { paths, port } => serve::serve(paths.into(), port),
        Command::Transcribe(args) => transcribe::run(args),
        Command::Reconcile(args) => reconcile::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Workbench(args) => workbench::run(args),
    }
}

/// Today's date for the companion commands: SOURCE_DATE_EPOCH when it is
/// set and valid, otherwise the clock.
fn today() -> Date {
    pipeline::today(pipeline::source_date().ok().flatten())
}

/// Loads the kit from `content` for `transcribe` and `reconcile`. On failure
/// prints its diagnostics and returns `None`; the command says what that
/// means for it. Warnings of a kit that loads are not theirs to show.
fn load_kit(content: &Path, today: Date) -> Option<Kit> {
    let loaded = crate::load::load(content, today);
    if loaded.kit.is_none() {
        report(&loaded.diagnostics);
    }
    loaded.kit
}
