//! Command-line interface: parses arguments, runs a command, prints
//! diagnostics to stderr and returns the exit code (0 ok, 1 failure, 2 usage).

use crate::diag::Diagnostic;
use crate::pipeline::{self, BuildError, Paths};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

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
    Transcribe(crate::transcript::cli::TranscribeArgs),
    /// Stäm av transkriberade pappersloggar efter driftstoppet: samtal, fall,
    /// betalningsansvar, arbetslistor och avvikelser.
    Reconcile(crate::reconcile::cli::ReconcileArgs),
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
        Command::Build { paths, strict } => build(paths.into(), strict),
        Command::Check { paths, strict } => check(paths.into(), strict),
        Command::Serve { paths, port } => crate::serve::serve(paths.into(), port),
        Command::Transcribe(args) => crate::transcript::cli::run(args),
        Command::Reconcile(args) => crate::reconcile::cli::run(args),
    }
}

/// Prints diagnostics and a Swedish summary line to stderr.
pub fn report(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 || warnings > 0 {
        eprintln!(
            "{}, {}",
            plural(errors, "fel", "fel"),
            plural(warnings, "varning", "varningar")
        );
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn build(paths: Paths, strict: bool) -> ExitCode {
    let start = Instant::now();
    match pipeline::build(&paths, strict) {
        Ok(built) => {
            report(&built.warnings);
            for note in &built.notes {
                eprintln!("{note}");
            }
            eprintln!(
                "Byggde kitet {} till {}: {} filer på {:.2} s.",
                built.version,
                paths.out.join("site").display(),
                built.site.len(),
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(diags)) => {
            report(&diags);
            eprintln!("Inget skrevs; tidigare utdata är orörd.");
            ExitCode::FAILURE
        }
        Err(BuildError::Output(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(paths: Paths, strict: bool) -> ExitCode {
    match pipeline::make(&paths, strict) {
        Ok(built) => {
            report(&built.warnings);
            eprintln!("Innehållet är giltigt (kit {}).", built.version);
            ExitCode::SUCCESS
        }
        Err(diags) => {
            report(&diags);
            ExitCode::FAILURE
        }
    }
}
