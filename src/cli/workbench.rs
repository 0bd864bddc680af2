//! `reservkit workbench [--port N] [--dir MAPP]`: the coordinators'
//! transcription and reconciliation in the browser (see [`crate::workbench`]).
//!
//! Checks the folder (never inside the site output or the content; created
//! 0700), loads the kit, makes the secret of this start, listens on
//! 127.0.0.1 and prints the address. The reconciliation from the page is
//! the same call as `reservkit reconcile`, into `MAPP/resultat`.

use crate::http;
use crate::transcript::guided::Clock;
use crate::workbench::{self, Workbench, store::RESULT_DIR};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Args, Clone)]
pub struct WorkbenchArgs {
    /// Port på 127.0.0.1 (0 väljer en ledig port).
    #[arg(long, default_value_t = 8010)]
    pub port: u16,
    /// Mappen för transkriberingsfilerna, klarmarkeringarna och avstämningen.
    /// Får inte ligga i output/ eller content/; bara du kan läsa den.
    #[arg(long, value_name = "MAPP", default_value = "avstamning")]
    pub dir: PathBuf,
    /// Mappen med kit.yaml och contacts.yaml.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Öppna inte adressen i webbläsaren.
    #[arg(long)]
    pub no_open: bool,
}

/// The folders the workbench's folder must stay out of: the content, the
/// site output beside it and `output/` of the working directory.
fn forbidden(content: &Path) -> Vec<PathBuf> {
    let mut list = vec![content.to_path_buf(), PathBuf::from("output")];
    if let Some(parent) = std::path::absolute(content)
        .ok()
        .and_then(|c| c.parent().map(Path::to_path_buf))
    {
        list.push(parent.join("output"));
    }
    list
}

/// Checks and creates the folder (0700). Returns it absolute.
fn prepare_dir(dir: &Path, content: &Path) -> Result<PathBuf, String> {
    let shown = crate::diag::display_path(dir);
    let forbidden = forbidden(content);
    let refs: Vec<&Path> = forbidden.iter().map(PathBuf::as_path).collect();
    // The reconciliation folder inside it gets the same check as
    // `reconcile --out`, which also refuses the folder inside the content,
    // the site output, a build or a published site.
    super::reconcile::check_out_dir(&dir.join(RESULT_DIR), &refs, &[])?;
    let absolute = std::path::absolute(dir).map_err(|e| format!("{shown}: {e}"))?;
    for f in &forbidden {
        if let Ok(f) = std::path::absolute(f)
            && (absolute.starts_with(&f) || f.starts_with(&absolute))
        {
            return Err(format!(
                "{shown}: mappen innehåller patientuppgifter och får inte ligga i eller omfatta {}",
                crate::diag::display_path(&f)
            ));
        }
    }
    if crate::output::is_reconciliation(&absolute) {
        return Err(format!(
            "{shown}: mappen är en avstämning från «reservkit reconcile»; välj en egen mapp för arbetsbänken"
        ));
    }
    std::fs::create_dir_all(&absolute)
        .map_err(|e| format!("{shown}: kunde inte skapa mappen: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&absolute, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("{shown}: kunde inte skydda mappen: {e}"))?;
    }
    Ok(absolute)
}

/// Runs until interrupted. Exit 1 if it cannot start, 2 for a bad folder.
pub fn run(args: WorkbenchArgs) -> ExitCode {
    let dir = match prepare_dir(&args.dir, &args.content) {
        Ok(d) => d,
        Err(m) => {
            eprintln!("error: {m}");
            return ExitCode::from(2);
        }
    };
    let Some(kit) = super::load_kit(&args.content, super::today()) else {
        eprintln!("error: innehållet i content/ går inte att läsa; arbetsbänken startade inte");
        return ExitCode::FAILURE;
    };
    // The kit lives as long as the server, which runs until stopped.
    let kit: &'static crate::model::Kit = Box::leak(Box::new(kit));
    let token = match workbench::make_token() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: kunde inte göra en nyckel: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match std::net::TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: kunde inte lyssna på 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(args.port, |a| a.port());
    let content = args.content.clone();
    let reconciler: Box<workbench::Reconciler> =
        Box::new(move |transcript, kit, as_of, out, scrubber| {
            let forbidden = forbidden(&content);
            let refs: Vec<&Path> = forbidden.iter().map(PathBuf::as_path).collect();
            let out = super::reconcile::check_out_dir(out, &refs, &[])?;
            super::reconcile::reconcile_scrubbed_to(transcript, kit, as_of, &out, scrubber)
                .map_err(|e| e.to_string())
        });
    let wb = Workbench::new(
        kit,
        dir.clone(),
        token.clone(),
        port,
        Clock::System,
        reconciler,
    );
    let address = format!("http://127.0.0.1:{port}/{token}/");
    println!("Arbetsbänken: {address}");
    eprintln!(
        "Arbetsbänken visas på {address} (bara på den här datorn; adressen är hemlig). \
         Filerna sparas i {}. Avsluta med Ctrl+C.",
        crate::diag::display_path(&dir)
    );
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if !args.no_open && has_display {
        let _ = std::process::Command::new("xdg-open")
            .arg(&address)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
    http::run_with(
        &listener,
        http::Options { post: true },
        Arc::new(move |req: &http::Request| wb.handle(req)),
    );
    ExitCode::SUCCESS
}
