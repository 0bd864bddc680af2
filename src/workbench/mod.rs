//! The workbench: the coordinators' transcription and reconciliation in the
//! browser (`reservkit workbench`). A thin shell over the same library as
//! the terminal commands: the one column table drives the form, every value
//! is checked by the [`Validator`](crate::transcript::validate::Validator)
//! that `transcribe --check` uses, rows are appended to the same
//! transcription files through [`LogFile`](crate::transcript::log_file::LogFile)
//! (locked, flushed and synced), and the reconciliation is the same call as
//! `reservkit reconcile`.
//!
//! Every address starts with a secret made at start (`/NYCKEL/…`); a
//! request without it is refused, as is one for another host name (the
//! HTTP server checks it) or a form sent from another origin. Every answer
//! carries a strict Content-Security-Policy and `Cache-Control: no-store`.
//! Patient names and identity numbers travel only in POST bodies and pages,
//! never in addresses, file names or the log.
//!
//! The pages work without JavaScript (server-rendered forms); the script
//! only asks the server to check a field as it is left and completes the
//! counterpart.

pub mod entry;
pub mod html;
pub mod overview;
pub mod results;
pub mod scanned;
pub mod store;

use crate::http::{Request, Response};
use crate::model::Kit;
use crate::transcript::entry::Transcript;
use crate::transcript::guided::Clock;
use crate::transcript::privacy::Scrubber;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// Runs a reconciliation into a folder: the same call as `reservkit
/// reconcile` (the command hands it over, so this library does not depend
/// on the commands). Returns the accounting text, or why nothing was
/// written.
pub type Reconciler =
    dyn Fn(&Transcript, &Kit, Date, &Path, &Scrubber) -> Result<String, String> + Send + Sync;

/// Content-Security-Policy of every answer: the workbench's own script and
/// style only, forms only to itself, never framed.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; connect-src 'self'; form-action 'self'; \
                       base-uri 'none'; frame-ancestors 'none'";

/// The workbench's state while it runs.
pub struct Workbench {
    pub kit: &'static Kit,
    /// The folder with the transcription files, the ticks and the
    /// reconciliation.
    pub dir: PathBuf,
    token: String,
    /// The port it listens on, for the Origin check of forms.
    port: u16,
    pub clock: Clock,
    pub store: store::Store,
    reconciler: Box<Reconciler>,
    /// The last reconciliation run from the page since the start.
    pub last_run: std::sync::Mutex<Option<std::sync::Arc<results::LastRun>>>,
}

impl Workbench {
    /// A workbench for the transcription files in `dir` (which exists,
    /// mode 0700), answering under `/token/`.
    pub fn new(
        kit: &'static Kit,
        dir: PathBuf,
        token: String,
        port: u16,
        clock: Clock,
        reconciler: Box<Reconciler>,
    ) -> Self {
        Workbench {
            kit,
            store: store::Store::new(kit, dir.clone()),
            dir,
            token,
            port,
            clock,
            reconciler,
            last_run: std::sync::Mutex::new(None),
        }
    }

    /// `/NYCKEL`: what every address of the workbench starts with.
    pub fn base(&self) -> String {
        format!("/{}", self.token)
    }

    /// Answers one request.
    pub fn handle(&self, req: &Request) -> Response {
        let mut response = self.route(req);
        response.no_store = true;
        response
            .headers
            .push(("Content-Security-Policy", CSP.to_owned()));
        response
            .headers
            .push(("Referrer-Policy", "same-origin".to_owned()));
        response
            .headers
            .push(("X-Frame-Options", "DENY".to_owned()));
        response
            .headers
            .push(("Cross-Origin-Opener-Policy", "same-origin".to_owned()));
        response
            .headers
            .push(("Cross-Origin-Resource-Policy", "same-origin".to_owned()));
        response
    }

    fn route(&self, req: &Request) -> Response {
        let (path, query) = match req.target.split_once('?') {
            Some((p, q)) => (p, q),
            None => (req.target.as_str(), ""),
        };
        let Some(rest) = path
            .strip_prefix('/')
            .and_then(|p| p.split_once('/').map_or(Some((p, "")), Some))
            .filter(|(t, _)| same_secret(t, &self.token))
            .map(|(_, rest)| rest)
        else {
            return Response::text(
                403,
                "Adressen saknar arbetsbänkens nyckel. Använd hela adressen som \
                 «reservkit workbench» skrev ut när den startade.\n",
            );
        };
        if req.method == "POST" && !self.same_origin(req) {
            return Response::text(
                403,
                "Formuläret skickades från en annan webbplats och togs inte emot.\n",
            );
        }
        let query = html::form(query);
        let segments: Vec<String> = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(html::decode)
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let post = req.method == "POST";
        let body = if post {
            html::form(&String::from_utf8_lossy(&req.body))
        } else {
            Default::default()
        };
        let ctx = Ctx {
            wb: self,
            base: self.base(),
            query: &query,
            body: &body,
            name: cookie(req, "rk_namn"),
        };
        match (post, segments.as_slice()) {
            (false, []) => overview::page(&ctx),
            (false, ["wb.css"]) => asset("text/css; charset=utf-8", html::CSS),
            (false, ["wb.js"]) => asset("text/javascript; charset=utf-8", html::JS),
            (false, ["blad"]) => entry::choose(&ctx),
            (false, ["motpart"]) => entry::complete(&ctx),
            (false, ["blad", sheet]) => entry::sheet_page(&ctx, sheet),
            (false, ["blad", sheet, "status"]) => entry::status(&ctx, sheet),
            (true, ["blad", sheet, "kontroll"]) => entry::check(&ctx, sheet),
            (true, ["blad", sheet, "granska"]) => entry::review(&ctx, sheet),
            (true, ["blad", sheet, "andra"]) => entry::edit(&ctx, sheet),
            (true, ["blad", sheet, "spara"]) => entry::save(&ctx, sheet),
            (false, ["skannat"]) => scanned::queue(&ctx),
            (false, ["skannat", sheet, file]) => scanned::image(&ctx, sheet, file),
            (false, ["avstamning"]) => results::page(&ctx),
            (true, ["avstamning", "kor"]) => results::run(&ctx),
            (false, ["avstamning", "fall"]) => results::cases(&ctx),
            (false, ["avstamning", "betalning"]) => results::payment(&ctx),
            (false, ["avstamning", "avvikelser"]) => results::discrepancies(&ctx),
            (false, ["avstamning", "arbetslista", unit]) => results::worklist(&ctx, unit),
            (true, ["avstamning", "arbetslista", unit, "klar"]) => results::tick(&ctx, unit),
            (false, ["avstamning", "pdf", file]) => results::pdf(&ctx, file),
            (true, _) => Response::text(405, "Metoden stöds inte här.\n"),
            _ => not_found(),
        }
    }

    /// A form must come from the workbench's own pages: the Origin field,
    /// when the browser sends it, names this server.
    fn same_origin(&self, req: &Request) -> bool {
        if req
            .header("sec-fetch-site")
            .is_some_and(|s| s == "cross-site" || s == "same-site")
        {
            return false;
        }
        match req.header("origin") {
            None => true,
            Some(origin) => {
                origin == format!("http://127.0.0.1:{}", self.port)
                    || origin == format!("http://localhost:{}", self.port)
            }
        }
    }

    pub(crate) fn reconcile(
        &self,
        transcript: &Transcript,
        as_of: Date,
        out: &Path,
        scrubber: &Scrubber,
    ) -> Result<String, String> {
        (self.reconciler)(transcript, self.kit, as_of, out, scrubber)
    }
}

/// What a page handler needs: the workbench, the address base, the query,
/// the form body and the coordinator's name (remembered in a cookie).
pub struct Ctx<'a> {
    pub wb: &'a Workbench,
    pub base: String,
    pub query: &'a std::collections::BTreeMap<String, String>,
    pub body: &'a std::collections::BTreeMap<String, String>,
    pub name: Option<String>,
}

impl Ctx<'_> {
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    pub fn f(&self, name: &str) -> &str {
        self.body.get(name).map_or("", String::as_str)
    }
}

/// Compares the secret in time independent of where it differs.
fn same_secret(given: &str, token: &str) -> bool {
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    req.headers
        .iter()
        .filter(|(n, _)| n == "cookie")
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| html::decode(v))
        .filter(|v| !v.trim().is_empty())
}

fn asset(content_type: &'static str, text: &str) -> Response {
    Response::new(200, content_type, text)
}

pub fn not_found() -> Response {
    Response::new(
        404,
        "text/html; charset=utf-8",
        "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Sidan finns inte</title></head>\
         <body><main><h1>Sidan finns inte</h1><p>Gå tillbaka till översikten.</p></main></body></html>",
    )
}

/// A 303 to another page of the workbench.
pub fn redirect(location: String) -> Response {
    let mut r = Response::new(303, "text/plain; charset=utf-8", "Se nästa sida.\n");
    r.headers.push(("Location", location));
    r
}

/// An HTML page answer.
pub fn html_response(status: u16, body: String) -> Response {
    Response::new(status, "text/html; charset=utf-8", body)
}

/// A secret of 32 hex digits from the system's random source.
///
/// # Errors
///
/// When `/dev/urandom` cannot be read.
pub fn make_token() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_secrets_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        let t = make_token().expect("token");
        assert_eq!(t.len(), 32);
        assert_ne!(t, make_token().expect("token"));
    }
}
