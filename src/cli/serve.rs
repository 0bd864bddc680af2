//! `reservkit serve`: builds, serves `out/site` on 127.0.0.1 and rebuilds
//! when `content/` or `templates/` change. HTML responses get a small
//! script that reloads the page after a rebuild and shows build errors; the
//! files on disk never contain it. Dot-files and anything inside a
//! reconciliation folder are never served, wherever they turn up.

use crate::http::{self, Response};
use crate::pipeline::{self, BuildError, Paths};
use notify::{RecursiveMode, Watcher};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

const RELOAD: &str = r#"<script>
(function () {
  var seen = null;
  function poll() {
    fetch('/__reservkit/status').then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.generation !== seen) { location.reload(); return; }
      seen = s.generation;
      var box = document.getElementById('reservkit-byggfel');
      if (s.errors && !box) {
        box = document.createElement('pre');
        box.id = 'reservkit-byggfel';
        box.setAttribute('role', 'alert');
        box.style.cssText = 'white-space:pre-wrap;background:#fff0f0;color:#600;border:3px solid #a00;padding:1rem;margin:0';
        document.body.prepend(box);
      }
      if (box) { box.textContent = s.errors ? 'Bygget misslyckades; sidan visar förra lyckade bygget.\n\n' + s.errors : ''; if (!s.errors) box.remove(); }
    }).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>"#;

struct State {
    generation: AtomicU64,
    errors: Mutex<String>,
}

fn rebuild(paths: &Paths, state: &State) {
    let mut built_version = None;
    let text = match pipeline::build(paths, false) {
        Ok(built) => {
            crate::diag::report(&built.warnings);
            for note in &built.notes {
                eprintln!("{note}");
            }
            built_version = Some(built.version);
            String::new()
        }
        Err(BuildError::Invalid(diags)) => {
            crate::diag::report(&diags);
            diags
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        }
        Err(BuildError::Output(e)) => {
            eprintln!("error: {e}");
            e.to_string()
        }
    };
    if let Ok(mut guard) = state.errors.lock() {
        *guard = text;
    }
    state.generation.fetch_add(1, Ordering::SeqCst);
    // Said only once pages asking for the status see the new generation.
    if let Some(version) = built_version {
        eprintln!("Byggt: kit {version}.");
    }
}

/// Runs until interrupted. Exit 1 if the server cannot start.
pub fn serve(paths: Paths, port: u16) -> ExitCode {
    let state = Arc::new(State {
        generation: AtomicU64::new(0),
        errors: Mutex::new(String::new()),
    });
    rebuild(&paths, &state);
    let listener = match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: kunde inte lyssna på 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // With --port 0 the system picks a free port; say which.
    let port = listener.local_addr().map_or(port, |a| a.port());
    let (tx, rx) = mpsc::channel();
    let mut watcher =
        match notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            // Reading the files during a build raises access events: only
            // changes may trigger a rebuild, or each build would start the next.
            if let Ok(event) = res
                && !matches!(event.kind, notify::EventKind::Access(_))
            {
                let _ = tx.send(());
            }
        }) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("error: kan inte bevaka ändringar: {e}");
                return ExitCode::FAILURE;
            }
        };
    for dir in [&paths.content, &paths.templates] {
        if let Err(e) = watcher.watch(dir, RecursiveMode::Recursive) {
            eprintln!("error: kan inte bevaka {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    {
        let paths = paths.clone();
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            while rx.recv().is_ok() {
                // Editors write several events per save: wait for quiet.
                while rx.recv_timeout(Duration::from_millis(200)).is_ok() {}
                rebuild(&paths, &state);
            }
        });
    }
    eprintln!(
        "Sidan visas på http://127.0.0.1:{port}/ och byggs om när {} eller {} ändras. Avsluta med Ctrl+C.",
        paths.content.display(),
        paths.templates.display()
    );
    let site = paths.out.join("site");
    http::run(
        &listener,
        Arc::new(move |req: &http::Request| respond(&site, &req.target, &state)),
    );
    ExitCode::SUCCESS
}

fn not_found() -> Response {
    Response::new(404, "text/plain; charset=utf-8", "Sidan finns inte.")
}

fn respond(site: &Path, url: &str, state: &State) -> Response {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == "/__reservkit/status" {
        let errors = state.errors.lock().map(|g| g.clone()).unwrap_or_default();
        let body = serde_json::json!({
            "generation": state.generation.load(Ordering::SeqCst),
            "errors": errors,
        })
        .to_string();
        let mut r = Response::new(200, "application/json", body);
        r.no_store = true;
        return r;
    }
    let Some(file) = resolve(site, path) else {
        return not_found();
    };
    match std::fs::read(&file) {
        Ok(mut bytes) => {
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext == "html" {
                let html = String::from_utf8_lossy(&bytes).replacen(
                    "</body>",
                    &format!("{RELOAD}</body>"),
                    1,
                );
                bytes = html.into_bytes();
            }
            Response::new(200, content_type(ext), bytes)
        }
        Err(_) => not_found(),
    }
}

fn content_type(ext: &str) -> &'static str {
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "pdf" => "application/pdf",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path to a file inside `site`. Refuses `..` and absolute
/// parts, dot-files and dot-folders (markers, leftovers of an interrupted
/// build), links that lead out of the site, and anything inside a
/// reconciliation folder (patient data), should one ever be put there.
fn resolve(site: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut p = site.to_path_buf();
    for comp in Path::new(decoded.trim_start_matches('/')).components() {
        match comp {
            Component::Normal(c) if !c.to_string_lossy().starts_with('.') => {
                if crate::output::is_reconciliation(&p) {
                    return None;
                }
                p.push(c);
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    if p.is_dir() {
        if crate::output::is_reconciliation(&p) {
            return None;
        }
        p.push("index.html");
    }
    if p.exists() {
        let real = p.canonicalize().ok()?;
        if !real.starts_with(site.canonicalize().ok()?) {
            return None;
        }
    }
    Some(p)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside_the_site() {
        let site = Path::new("/srv/site");
        assert_eq!(resolve(site, "/../etc/passwd"), None);
        assert_eq!(resolve(site, "/%2e%2e/etc/passwd"), None);
        assert_eq!(
            resolve(site, "/kontakter.html"),
            Some(PathBuf::from("/srv/site/kontakter.html"))
        );
        assert_eq!(resolve(site, "/.reservkit-bygge"), None);
        assert_eq!(resolve(site, "/assets/%2Egit/config"), None);
    }
}
