//! `reservkit serve`: builds, serves `out/site` on 127.0.0.1 and rebuilds
//! when `content/` or `templates/` change. HTML responses get a small
//! script (`/__reservkit/reload.js`, no inline code) that reloads the page
//! when its own file changed and shows build errors; the files on disk never
//! contain it. Dot-files and anything inside a reconciliation folder are
//! never served, wherever they turn up.
//!
//! After the first, whole build, a change is built in two steps. First the
//! site: the content and templates are loaded again, every page is
//! rendered (cheap) and only the files whose bytes changed are written, each
//! replacing its old file in one step ([`output::Live`]). Then, in the
//! background, the printouts, if the kit changed: every PDF carries the kit
//! version, a hash of all the content, so any content change changes every
//! PDF; those whose own content changed are made first, and until all are
//! made the older PDFs stay and the pages say so. A newer change stops an
//! older background build. When everything is written, the folder is what
//! `reservkit build` makes of the same content, byte for byte.

use crate::diag::{self, Diagnostic};
use crate::http::{self, Response};
use crate::load;
use crate::model::Kit;
use crate::output::{Live, OutputError};
use crate::pipeline::{self, BuildError, Paths};
use crate::printouts::{self, Printout};
use crate::site::{self, BuildInfo, Templates};
use notify::{RecursiveMode, Watcher};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

/// Reloads the page when the server says its file changed (long polling:
/// the server answers when something happened), and shows build errors
/// and whether the printouts are still being made.
const RELOAD_JS: &str = r#"(function () {
  var me = document.currentScript;
  var page = me.getAttribute('data-sida');
  var version = Number(me.getAttribute('data-version'));
  var seen = '';
  function box(id, colours) {
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement('pre');
      el.id = id;
      el.setAttribute('role', id === 'reservkit-byggfel' ? 'alert' : 'status');
      el.style.cssText = 'white-space:pre-wrap;padding:1rem;margin:0;' + colours;
      document.body.prepend(el);
    }
    return el;
  }
  function show(id, text, colours) {
    var el = document.getElementById(id);
    if (text) { box(id, colours).textContent = text; } else if (el) { el.remove(); }
  }
  function poll() {
    fetch('/__reservkit/status?sida=' + encodeURIComponent(page) + '&sedan=' + seen).then(function (r) {
      return r.json();
    }).then(function (s) {
      if (s.page > version) { location.reload(); return; }
      seen = String(s.generation);
      show('reservkit-byggfel', s.errors ? 'Bygget misslyckades; sidan visar förra lyckade bygget.\n\n' + s.errors : '',
        'background:#fff0f0;color:#600;border:3px solid #a00');
      show('reservkit-utskrifter', s.printing, 'background:#fffbe6;color:#4a3b00;border:2px solid #8a6d00');
      poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"#;

/// How long a status request waits for something to happen.
const LONG_POLL: Duration = Duration::from_secs(20);
/// Editors write several events per save: a build starts after this long
/// without another.
const QUIET: Duration = Duration::from_millis(25);

/// What the pages ask about.
struct State {
    inner: Mutex<Status>,
    changed: Condvar,
}

#[derive(Default)]
struct Status {
    generation: u64,
    errors: String,
    /// Said while the printouts are being made.
    printing: String,
    /// Per site file, the generation at which it last changed.
    pages: HashMap<String, u64>,
}

impl State {
    fn update(&self, f: impl FnOnce(&mut Status)) {
        let mut s = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut s);
        s.generation += 1;
        drop(s);
        self.changed.notify_all();
    }

    /// Marks `paths` (relative to the site) as changed in a new generation.
    fn changed_pages<'a>(&self, paths: impl IntoIterator<Item = &'a str>, errors: String) {
        self.update(|s| {
            let next = s.generation + 1;
            for p in paths {
                s.pages.insert(p.to_owned(), next);
            }
            s.errors = errors;
        });
    }
}

/// What is on disk, as the last successful build left it.
struct Current {
    kit: Arc<Kit>,
    /// The site's files other than the printouts, by path in the site.
    site: HashMap<String, Vec<u8>>,
    /// The printouts as last made (with their page counts).
    catalogue: Vec<Printout>,
    /// The kit whose printouts are all on disk; `None` while they are made.
    printed: Option<Arc<Kit>>,
}

/// The server's builder: the live output and the background printouts.
struct Builder {
    paths: Paths,
    state: Arc<State>,
    live: Option<Arc<Live>>,
    current: Arc<Mutex<Option<Current>>>,
    /// Held while files are written, so that a stopped background build
    /// never writes after a newer one.
    writing: Arc<Mutex<()>>,
    printing: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
    /// The directory as last validated, reused while contacts.yaml is the same.
    cache: load::Cache,
    /// The warnings last printed: the same ones are not printed again on
    /// every edit (a national directory has thousands).
    warned: Vec<Diagnostic>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn joined(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Builder {
    /// The whole build, swapped in as one folder, as `reservkit build`.
    fn full(&mut self) {
        self.stop_printing();
        let text = match pipeline::build(&self.paths, false) {
            Ok(built) => {
                diag::report(&built.warnings);
                self.warned = built.warnings.clone();
                for note in &built.notes {
                    eprintln!("{note}");
                }
                let site = built
                    .site
                    .iter()
                    .map(|f| (f.path.clone(), f.bytes.clone()))
                    .collect();
                let kit = Arc::new(built.kit);
                *lock(&self.current) = Some(Current {
                    kit: Arc::clone(&kit),
                    site,
                    catalogue: built.catalogue,
                    printed: Some(kit),
                });
                match Live::open(&self.paths.out) {
                    Ok(live) => self.live = Some(Arc::new(live)),
                    Err(e) => {
                        eprintln!("error: {e}");
                        *lock(&self.current) = None;
                    }
                }
                let all: Vec<String> = lock(&self.state.inner).pages.keys().cloned().collect();
                self.state
                    .changed_pages(all.iter().map(String::as_str), String::new());
                eprintln!("Byggt: kit {}.", built.version);
                return;
            }
            Err(BuildError::Invalid(diags)) => {
                diag::report(&diags);
                joined(&diags)
            }
            Err(BuildError::Output(e)) => {
                eprintln!("error: {e}");
                e.to_string()
            }
        };
        self.state.update(|s| s.errors = text);
    }

    fn stop_printing(&mut self) {
        if let Some((stop, handle)) = self.printing.take() {
            stop.store(true, Ordering::SeqCst);
            let _ = handle.join();
        }
    }

    /// Builds what a change needs: the site now, the printouts after.
    fn rebuild(&mut self) {
        let (Some(live), true) = (self.live.clone(), lock(&self.current).is_some()) else {
            return self.full();
        };
        let started = Instant::now();
        // A background build of an older kit stops at its next printout.
        if let Some((stop, _)) = &self.printing {
            stop.store(true, Ordering::SeqCst);
        }
        let (kit, templates, info, mut warnings) = match self.load() {
            Ok(loaded) => loaded,
            Err(diags) => {
                diag::report(&diags);
                self.state.update(|s| s.errors = joined(&diags));
                return;
            }
        };
        let kit = Arc::new(kit);
        let templates = Arc::new(templates);
        let previous = match lock(&self.current).as_ref() {
            Some(c) => Arc::clone(&c.kit),
            None => return,
        };
        let catalogue = {
            let current = lock(&self.current);
            let old: HashMap<&str, usize> = current
                .as_ref()
                .map(|c| {
                    c.catalogue
                        .iter()
                        .map(|p| (p.file.as_str(), p.pages))
                        .collect()
                })
                .unwrap_or_default();
            let mut list = printouts::catalogue(&kit);
            for p in &mut list {
                p.pages = old.get(p.file.as_str()).copied().unwrap_or(0);
            }
            list
        };
        let written = {
            let _w = lock(&self.writing);
            write_site(&live, &self.current, &kit, &templates, &info, &catalogue)
        };
        let changed = match written {
            Ok(Ok((changed, mut more))) => {
                warnings.append(&mut more);
                diag::sort(&mut warnings);
                if warnings != self.warned {
                    diag::report(&warnings);
                } else if !warnings.is_empty() {
                    eprintln!("({} varningar som förut.)", warnings.len());
                }
                self.warned = warnings;
                changed
            }
            Ok(Err(diags)) => {
                diag::report(&diags);
                self.state.update(|s| s.errors = joined(&diags));
                return;
            }
            Err(e) => {
                eprintln!("error: {e}");
                self.state.update(|s| s.errors = e.to_string());
                return;
            }
        };
        let needs_print = {
            let mut current = lock(&self.current);
            let Some(c) = current.as_mut() else { return };
            c.kit = Arc::clone(&kit);
            c.printed.as_deref() != Some(&*kit)
        };
        let printing = if needs_print {
            format!(
                "Utskrifterna görs om för kit {} i bakgrunden; till dess är PDF:erna från förra versionen.",
                kit.version
            )
        } else {
            String::new()
        };
        self.state.update(|s| {
            let next = s.generation + 1;
            for p in &changed {
                s.pages.insert(p.clone(), next);
            }
            s.errors = String::new();
            s.printing = printing;
        });
        eprintln!(
            "Byggt: kit {} på {} ms ({} av sidans filer ändrade{}).",
            kit.version,
            started.elapsed().as_millis(),
            changed.len(),
            if needs_print {
                "; utskrifterna görs i bakgrunden"
            } else {
                ""
            }
        );
        self.stop_printing();
        if needs_print {
            self.start_printing(live, kit, previous, templates, info);
        } else if let Err(e) = live.set_files(expected_files(
            &lock(&self.current)
                .as_ref()
                .map(|c| c.site.keys().cloned().collect())
                .unwrap_or_default(),
            &catalogue,
        )) {
            eprintln!("error: {e}");
        }
    }

    /// Characters the fonts lack are found while the printouts are laid
    /// out, in the background; they are shown as errors from there.
    fn load(&mut self) -> Result<(Kit, Templates, BuildInfo, Vec<Diagnostic>), Vec<Diagnostic>> {
        pipeline::load_kit(&self.paths, &mut self.cache)
    }

    /// Makes every printout of `kit` in the background, those whose own
    /// content changed since `previous` first, each written as it is made;
    /// then the printouts page with the page counts, and the marker.
    fn start_printing(
        &mut self,
        live: Arc<Live>,
        kit: Arc<Kit>,
        previous: Arc<Kit>,
        templates: Arc<Templates>,
        info: BuildInfo,
    ) {
        let stop = Arc::new(AtomicBool::new(false));
        let current = Arc::clone(&self.current);
        let writing = Arc::clone(&self.writing);
        let state = Arc::clone(&self.state);
        let flag = Arc::clone(&stop);
        if let Some(c) = lock(&current).as_mut() {
            c.printed = None;
        }
        let handle = std::thread::spawn(move || {
            let started = Instant::now();
            let first = touched(&previous, &kit);
            let made = printouts::make_each_ordered(
                &kit,
                |p| first.contains(&p.file),
                |_, p, bytes| {
                    let _w = lock(&writing);
                    if flag.load(Ordering::SeqCst) {
                        return Err(None);
                    }
                    live.put(
                        &[
                            &format!("print/{}", p.file),
                            &format!("site/utskrifter/{}", p.file),
                        ],
                        &bytes,
                    )
                    .map_err(Some)
                },
            );
            let catalogue = match made {
                Ok(list) => list,
                Err(printouts::Stopped::Sink(None)) => return,
                Err(printouts::Stopped::Sink(Some(e))) => {
                    eprintln!("error: {e}");
                    state.update(|s| s.errors = e.to_string());
                    return;
                }
                Err(printouts::Stopped::Failed(stopped)) => {
                    let mut diags = stopped.glyphs;
                    diags.extend(pipeline::failed(&kit, &stopped.failures));
                    diag::sort(&mut diags);
                    diag::report(&diags);
                    state.update(|s| {
                        s.errors = joined(&diags);
                        s.printing = String::new();
                    });
                    return;
                }
            };
            let _w = lock(&writing);
            if flag.load(Ordering::SeqCst) {
                return;
            }
            let finished = finish_printing(&live, &current, &kit, &templates, &info, &catalogue);
            match finished {
                Ok(Ok(changed)) => {
                    state.update(|s| {
                        let next = s.generation + 1;
                        for p in &changed {
                            s.pages.insert(p.clone(), next);
                        }
                        s.printing = String::new();
                    });
                    eprintln!(
                        "Utskrifterna klara: kit {}, {} PDF:er på {:.1} s.",
                        kit.version,
                        catalogue.len(),
                        started.elapsed().as_secs_f64()
                    );
                }
                Ok(Err(diags)) => {
                    diag::report(&diags);
                    state.update(|s| s.errors = joined(&diags));
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    state.update(|s| s.errors = e.to_string());
                }
            }
        });
        self.printing = Some((stop, handle));
    }
}

/// The printouts whose own content differs between the kits (besides the
/// version every printout carries): with other settings, all of them.
fn touched(old: &Kit, new: &Kit) -> HashSet<String> {
    let list = printouts::catalogue(new);
    if old.settings != new.settings || old.data_date != new.data_date {
        return list.into_iter().map(|p| p.file).collect();
    }
    let units: HashMap<&str, &crate::model::Unit> = old
        .directory
        .units
        .iter()
        .map(|u| (u.id.as_str(), u))
        .collect();
    let directory = old.directory != new.directory;
    let mut out = HashSet::new();
    for p in list {
        let own = if p.file == "rutin.pdf" {
            old.pages != new.pages
        } else if let Some(id) = p
            .file
            .strip_prefix("samtalslogg/")
            .and_then(|f| f.strip_suffix(".pdf"))
        {
            new.directory.unit(id).map(|u| units.get(id) != Some(&u)) != Some(false)
        } else {
            directory
        };
        if own {
            out.insert(p.file);
        }
    }
    out
}

/// The files a build of this site and these printouts writes.
fn expected_files(site: &BTreeSet<String>, catalogue: &[Printout]) -> BTreeSet<String> {
    let mut files: BTreeSet<String> = site.iter().map(|p| format!("site/{p}")).collect();
    let extra = ["samtalslogg/layout.json".to_string()];
    for f in catalogue.iter().map(|p| &p.file).chain(extra.iter()) {
        files.insert(format!("print/{f}"));
        files.insert(format!("site/utskrifter/{f}"));
    }
    files
}

/// The site's files that changed (paths in the site) and the warnings, or
/// the problems that stopped the build.
type Written = Result<(Vec<String>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Renders the site and writes the files whose bytes changed; returns them
/// (paths in the site), or the problems found.
fn write_site(
    live: &Live,
    current: &Mutex<Option<Current>>,
    kit: &Kit,
    templates: &Templates,
    info: &BuildInfo,
    catalogue: &[Printout],
) -> Result<Written, OutputError> {
    let extra = [site::ExtraPage {
        slug: "utskrifter".to_string(),
        title: "Utskrifter".to_string(),
        template: "printouts.html".to_string(),
        context: site::views::printouts_context(kit, catalogue),
    }];
    let (files, warnings) = match site::render(kit, templates, info, &extra) {
        Ok(made) => made,
        Err(diags) => return Ok(Err(diags)),
    };
    let mut current = lock(current);
    let Some(c) = current.as_mut() else {
        return Ok(Ok((Vec::new(), warnings)));
    };
    let mut changed = Vec::new();
    let mut seen = HashSet::new();
    let versions = (c.kit.version.as_str(), kit.version.as_str());
    for f in files {
        seen.insert(f.path.clone());
        let Some(old) = c.site.get(&f.path) else {
            live.put(&[&format!("site/{}", f.path)], &f.bytes)?;
            changed.push(f.path.clone());
            c.site.insert(f.path, f.bytes);
            continue;
        };
        if *old != f.bytes {
            live.put(&[&format!("site/{}", f.path)], &f.bytes)?;
            // Pages that show the kit version (the shipped templates do, in
            // every footer) change with every content edit; a page whose
            // only change is that version is written but not reloaded.
            if !only_version_differs(old, &f.bytes, versions) {
                changed.push(f.path.clone());
            }
            c.site.insert(f.path, f.bytes);
        }
    }
    let gone: Vec<String> = c
        .site
        .keys()
        .filter(|p| !seen.contains(*p))
        .cloned()
        .collect();
    for p in gone {
        live.remove(&format!("site/{p}"))?;
        c.site.remove(&p);
        changed.push(p);
    }
    // A changed style sheet or script changes how every page looks.
    if changed.iter().any(|p| p.starts_with("assets/")) {
        changed.extend(c.site.keys().filter(|p| p.ends_with(".html")).cloned());
    }
    changed.sort();
    changed.dedup();
    Ok(Ok((changed, warnings)))
}

/// Whether `new` is `old` with the kit version `from` replaced by `to`.
fn only_version_differs(old: &[u8], new: &[u8], (from, to): (&str, &str)) -> bool {
    if from == to || from.is_empty() {
        return false;
    }
    match (std::str::from_utf8(old), std::str::from_utf8(new)) {
        (Ok(old), Ok(new)) => old.replace(from, to) == new,
        _ => false,
    }
}

/// After the printouts: the scanning layout, the printouts page with the
/// page counts, printouts no longer in the kit removed, and the marker.
fn finish_printing(
    live: &Live,
    current: &Mutex<Option<Current>>,
    kit: &Arc<Kit>,
    templates: &Templates,
    info: &BuildInfo,
    catalogue: &[Printout],
) -> Result<Result<Vec<String>, Vec<Diagnostic>>, OutputError> {
    for f in printouts::extra_files(kit) {
        live.put(
            &[
                &format!("print/{}", f.path),
                &format!("site/utskrifter/{}", f.path),
            ],
            &f.bytes,
        )?;
    }
    let changed = match write_site(live, current, kit, templates, info, catalogue)? {
        Ok((changed, _)) => changed,
        Err(diags) => return Ok(Err(diags)),
    };
    let site: BTreeSet<String> = lock(current)
        .as_ref()
        .map(|c| c.site.keys().cloned().collect())
        .unwrap_or_default();
    let expected = expected_files(&site, catalogue);
    for f in live.files() {
        if !expected.contains(&f) && (f.starts_with("print/") || f.starts_with("site/utskrifter/"))
        {
            live.remove(&f)?;
        }
    }
    live.set_files(expected)?;
    if let Some(c) = lock(current).as_mut() {
        c.catalogue = catalogue.to_vec();
        c.printed = Some(Arc::clone(kit));
    }
    Ok(Ok(changed))
}

/// Runs until interrupted. Exit 1 if the server cannot start.
pub fn serve(paths: Paths, port: u16) -> ExitCode {
    let state = Arc::new(State {
        inner: Mutex::new(Status::default()),
        changed: Condvar::new(),
    });
    let mut builder = Builder {
        paths: paths.clone(),
        state: Arc::clone(&state),
        live: None,
        current: Arc::new(Mutex::new(None)),
        writing: Arc::new(Mutex::new(())),
        printing: None,
        cache: load::Cache::default(),
        warned: Vec::new(),
    };
    builder.full();
    // The directory validated once more, so the first edit finds it ready.
    let _ = builder.load();
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
    std::thread::spawn(move || {
        while rx.recv().is_ok() {
            while rx.recv_timeout(QUIET).is_ok() {}
            builder.rebuild();
        }
    });
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

/// The value of `name` in a query string (`a=1&b=2`), percent-decoded.
fn query<'a>(url: &'a str, name: &str) -> Option<String> {
    let q: &'a str = url.split_once('?')?.1.split('#').next()?;
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| percent_decode(v))
}

/// The status a page polls: answered at once when the generation differs
/// from `sedan` (or none is given), otherwise when it changes or after
/// [`LONG_POLL`].
fn status(url: &str, state: &State) -> Response {
    let since: Option<u64> = query(url, "sedan").and_then(|v| v.parse().ok());
    let page = query(url, "sida").unwrap_or_default();
    let mut s = state.inner.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(since) = since {
        let deadline = Instant::now() + LONG_POLL;
        while s.generation == since {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = state
                .changed
                .wait_timeout(s, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
    let body = serde_json::json!({
        "generation": s.generation,
        "page": s.pages.get(&page).copied().unwrap_or(0),
        "errors": s.errors,
        "printing": s.printing,
    })
    .to_string();
    let mut r = Response::new(200, "application/json", body);
    r.no_store = true;
    r
}

fn respond(site: &Path, url: &str, state: &State) -> Response {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == "/__reservkit/status" {
        return status(url, state);
    }
    if path == "/__reservkit/reload.js" {
        let mut r = Response::new(200, content_type("js"), RELOAD_JS);
        r.no_store = true;
        return r;
    }
    let Some(file) = resolve(site, path) else {
        return not_found();
    };
    // The page's version is read before the file: should the file change
    // in between, the page is older than it says and reloads once more.
    let rel = file
        .strip_prefix(site)
        .map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    let version = state
        .inner
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pages
        .get(&rel)
        .copied()
        .unwrap_or(0);
    match std::fs::read(&file) {
        Ok(mut bytes) => {
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext == "html" {
                let attr = rel
                    .replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('<', "&lt;");
                let html = String::from_utf8_lossy(&bytes).replacen(
                    "</body>",
                    &format!(
                        "<script src=\"/__reservkit/reload.js\" data-sida=\"{attr}\" data-version=\"{version}\"></script></body>"
                    ),
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
