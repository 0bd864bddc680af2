//! The only writer: puts finished trees of files on disk, atomically.
//!
//! A tree (a build's `output/` with `site/` and `print/`, or a
//! reconciliation folder) is written into a hidden sibling
//! `.NAME.ny-PID`, with a marker file written last, and then swapped with
//! the live folder in one step (`renameat2(RENAME_EXCHANGE)` on Linux; two
//! renames elsewhere or where the file system cannot exchange). Whoever
//! looks sees the whole old tree or the whole new one, never a mix.
//!
//! A folder is replaced only if it is empty or carries this kind's marker
//! and holds nothing but the files the marker lists; anything else is
//! refused and listed, so no one's own files are ever deleted. Siblings left
//! by a run that was killed are removed (or, if the live folder went
//! missing, restored) by the next run, which says so.
//!
//! This module does not decide where trees go; the commands do.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The version of the marker files' format and of the folder layouts they
/// describe. A folder written under another format is not replaced.
pub const FORMAT: u32 = 1;

/// A file to write, with a path relative to its tree (forward slashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// What a tree is; decides its marker and whether its files are private.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `build`'s output folder: `site/` and `print/`.
    Build,
    /// A reconciliation folder: patient data, readable by its owner only.
    Reconciliation,
}

impl Kind {
    /// The marker file that only this kind of run writes, at the top of its
    /// folder.
    pub fn marker(self) -> &'static str {
        match self {
            Kind::Build => ".reservkit-bygge",
            Kind::Reconciliation => ".reservkit-avstamning",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Kind::Build => "bygge",
            Kind::Reconciliation => "avstämning",
        }
    }

    /// "ett tidigare bygge", "en tidigare avstämning".
    fn earlier(self) -> &'static str {
        match self {
            Kind::Build => "ett tidigare bygge",
            Kind::Reconciliation => "en tidigare avstämning",
        }
    }

    /// "ett avbrutet bygge", "en avbruten avstämning".
    fn interrupted(self) -> &'static str {
        match self {
            Kind::Build => "ett avbrutet bygge",
            Kind::Reconciliation => "en avbruten avstämning",
        }
    }

    /// "inget tidigare bygge", "ingen tidigare avstämning".
    fn no_earlier(self) -> &'static str {
        match self {
            Kind::Build => "inget tidigare bygge",
            Kind::Reconciliation => "ingen tidigare avstämning",
        }
    }

    fn private(self) -> bool {
        self == Kind::Reconciliation
    }

    fn other(self) -> Kind {
        match self {
            Kind::Build => Kind::Reconciliation,
            Kind::Reconciliation => Kind::Build,
        }
    }

    fn first_line(self) -> String {
        format!("reservkit {}, format {FORMAT}", self.word())
    }
}

/// A tree of files that replaces the directory `dir` as a whole.
#[derive(Debug, Clone)]
pub struct Tree {
    pub dir: PathBuf,
    pub files: Vec<OutFile>,
    pub kind: Kind,
}

/// Why nothing (or not everything) was written.
#[derive(Debug)]
pub enum OutputError {
    /// An I/O failure, naming the file.
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// The folder holds something this run did not write; nothing was
    /// touched.
    Refused { path: PathBuf, reason: String },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Io {
                path,
                action,
                source,
            } => write!(f, "kunde inte {action} {}: {source}", path.display()),
            OutputError::Refused { path, reason } => write!(f, "{}: {reason}", path.display()),
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OutputError::Io { source, .. } => Some(source),
            OutputError::Refused { .. } => None,
        }
    }
}

fn err(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Io {
        path,
        action,
        source,
    }
}

fn refused(path: &Path, reason: String) -> OutputError {
    OutputError::Refused {
        path: path.to_path_buf(),
        reason,
    }
}

const STAGED: &str = "ny";
const OLD: &str = "gammal";
/// Where `serve` writes each file before renaming it into the live tree.
const LIVE: &str = "serve";

fn sibling(dir: &Path, tag: &str, pid: u32) -> PathBuf {
    dir.with_file_name(format!(".{}.{tag}-{pid}", name_of(dir)))
}

fn name_of(dir: &Path) -> String {
    dir.file_name()
        .map_or_else(|| "ut".into(), |n| n.to_string_lossy().into_owned())
}

/// Writes the tree into a hidden sibling and swaps it with `tree.dir`.
/// Returns notes for the user about leftovers of earlier, interrupted runs
/// that were removed or restored.
///
/// # Errors
///
/// [`OutputError::Refused`] when `tree.dir` exists and is not an earlier
/// tree of the same kind (nothing is touched); [`OutputError::Io`] when a
/// file cannot be written (the staged copy is removed, the old tree stays).
pub fn write_tree(tree: &Tree) -> Result<Vec<String>, OutputError> {
    let staging = Staging::begin(&tree.dir, tree.kind)?;
    let mut files: Vec<&OutFile> = tree.files.iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in files {
        staging.add(&f.path, &f.bytes)?;
    }
    staging.finish()
}

/// A tree being written into its hidden sibling, file by file as each is
/// made, so that a large build never holds all its files in memory. Nothing
/// is visible until [`Staging::finish`] swaps it in; dropped unfinished (an
/// error on the way), the staged copy is removed and the old tree stays.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    staged: PathBuf,
    kind: Kind,
    notes: Vec<String>,
    inside: Vec<String>,
    written: std::sync::Mutex<Vec<String>>,
    /// Folders of the staged tree made so far, so that each file does not
    /// ask the file system again whether its folder exists.
    folders: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Whether a build's tree being replaced exists at all: into a new
    /// folder there is nothing to link from, and nothing to look up per file.
    old_tree: bool,
    done: bool,
}

impl Staging {
    /// Recovers leftovers of killed runs, checks that `dir` may be replaced
    /// and creates the empty staged sibling.
    ///
    /// # Errors
    ///
    /// As [`write_tree`]: refused folders, and I/O errors naming the path.
    pub fn begin(dir: &Path, kind: Kind) -> Result<Staging, OutputError> {
        let shown = dir.to_path_buf();
        let dir = std::path::absolute(dir).map_err(err(dir, "hitta"))?;
        let Some(parent) = dir.parent().filter(|_| dir.file_name().is_some()) else {
            return Err(refused(&shown, "välj en egen mapp".into()));
        };
        fs::create_dir_all(parent).map_err(err(parent, "skapa mappen"))?;
        let notes = recover(&dir, kind)?;
        // Shown as the user wrote it.
        check_replaceable(&dir, kind).map_err(|e| match e {
            OutputError::Refused { reason, .. } => refused(&shown, reason),
            other => other,
        })?;
        let inside = if kind == Kind::Build {
            earlier_version_leftovers(&dir)
        } else {
            Vec::new()
        };
        let staged = sibling(&dir, STAGED, std::process::id());
        if fs::symlink_metadata(&staged).is_ok() {
            fs::remove_dir_all(&staged).map_err(err(&staged, "ta bort"))?;
        }
        create_dir(&staged, kind.private())?;
        let old_tree = kind == Kind::Build && fs::symlink_metadata(&dir).is_ok();
        Ok(Staging {
            dir,
            staged,
            kind,
            notes,
            inside,
            written: std::sync::Mutex::new(Vec::new()),
            folders: std::sync::Mutex::new(std::collections::HashSet::new()),
            old_tree,
            done: false,
        })
    }

    /// Writes one file of the tree (a path relative to it, forward
    /// slashes). May be called from several threads at once.
    ///
    /// # Errors
    ///
    /// A path that leaves the tree or names the marker, a path written
    /// twice, or an I/O error.
    pub fn add(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.checked(rel)?;
        // A build's file that the tree being replaced already has, byte
        // for byte, is linked from it instead of written again: rebuilding
        // an unchanged kit creates no files but the marker (creating them was a tenth of
        // the shipped build), and unchanged files keep their dates.
        let old = self.dir.join(rel);
        if !(self.old_tree && same_file(&old, bytes) && fs::hard_link(&old, &path).is_ok()) {
            write_file(&path, bytes, self.kind.private())?;
        }
        self.note(rel);
        Ok(())
    }

    /// Writes one file of the tree through a buffer with `write`, for a
    /// file made piece by piece rather than held whole in memory. As
    /// [`Staging::add`] otherwise.
    ///
    /// # Errors
    ///
    /// As [`Staging::add`], and `write`'s error naming the file.
    pub fn add_with(
        &self,
        rel: &str,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let path = self.checked(rel)?;
        let f = create_file(&path, self.kind.private())?;
        let mut buffered = std::io::BufWriter::with_capacity(256 * 1024, f);
        write(&mut buffered)
            .and_then(|()| buffered.flush())
            .map_err(err(&path, "skriva"))?;
        #[cfg(not(target_os = "linux"))]
        if self.kind.private() {
            buffered.get_ref().sync_all().map_err(err(&path, "spara"))?;
        }
        self.note(rel);
        Ok(())
    }

    /// Adds `rel` as the same file as the already added `existing` (a hard
    /// link where the file system has them, else a copy of `bytes`), for a
    /// file that appears twice in the tree.
    ///
    /// # Errors
    ///
    /// As [`Staging::add`].
    pub fn add_same(&self, rel: &str, existing: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.checked(rel)?;
        let from = self.checked(existing)?;
        if fs::hard_link(&from, &path).is_err() {
            write_file(&path, bytes, self.kind.private())?;
        }
        self.note(rel);
        Ok(())
    }

    fn checked(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let path = inside(&self.staged, rel, self.kind)?;
        if let Some(parent) = path.parent()
            && parent != self.staged
        {
            let mut folders = self
                .folders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !folders.contains(parent) {
                fs::create_dir_all(parent).map_err(err(parent, "skapa mappen"))?;
                folders.insert(parent.to_path_buf());
            }
        }
        Ok(path)
    }

    fn note(&self, rel: &str) {
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(rel.to_owned());
    }

    /// Writes the marker, makes a private tree durable (one sync for the
    /// whole tree rather than one per file) and swaps the tree in. Returns
    /// notes for the user about leftovers of earlier, interrupted runs.
    ///
    /// # Errors
    ///
    /// An I/O error; the staged copy is then removed and the old tree stays.
    pub fn finish(mut self) -> Result<Vec<String>, OutputError> {
        let private = self.kind.private();
        let mut paths = std::mem::take(
            &mut *self
                .written
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        paths.sort_unstable();
        // Last: a staged folder with its marker is complete.
        write_file(
            &self.staged.join(self.kind.marker()),
            marker_text(self.kind, &paths).as_bytes(),
            private,
        )?;
        if private {
            sync_tree(&self.staged)?;
        }
        let old = sibling(&self.dir, OLD, std::process::id());
        self.done = true;
        // A failed swap leaves the staged copy for the next run to remove.
        swap(&self.staged, &self.dir, &old)?;
        if private && let Some(parent) = self.dir.parent() {
            sync_dir(parent)?;
        }
        let mut notes = std::mem::take(&mut self.notes);
        notes.extend(self.inside.iter().map(|name| {
            format!(
                "Tog bort {}, som ett avbrutet bygge av en tidigare version lämnade kvar.",
                self.dir.join(name).display()
            )
        }));
        Ok(notes)
    }
}

/// A finished build tree updated in place, file by file, by `serve`: each
/// file is written beside the tree (`.NAME.serve-PID`) and renamed over the
/// old one, so a reader sees the whole old file or the whole new one. The
/// marker lists every file before it appears, so a folder left by a killed
/// `serve` is still replaced by the next build.
#[derive(Debug)]
pub struct Live {
    dir: PathBuf,
    tmp: PathBuf,
    listed: std::sync::Mutex<BTreeSet<String>>,
    count: std::sync::atomic::AtomicU64,
}

impl Live {
    /// Opens the build tree `dir` that carries the build marker.
    ///
    /// # Errors
    /// A tree without the build marker, or an I/O error.
    pub fn open(dir: &Path) -> Result<Live, OutputError> {
        let dir = std::path::absolute(dir).map_err(err(dir, "hitta"))?;
        let Marker::Ours(listed) = read_marker(&dir, Kind::Build)? else {
            return Err(refused(&dir, "mappen är inget bygge av reservkit".into()));
        };
        let tmp = sibling(&dir, LIVE, std::process::id());
        if fs::symlink_metadata(&tmp).is_ok() {
            fs::remove_dir_all(&tmp).map_err(err(&tmp, "ta bort"))?;
        }
        create_dir(&tmp, false)?;
        Ok(Live {
            dir,
            tmp,
            listed: std::sync::Mutex::new(listed),
            count: std::sync::atomic::AtomicU64::new(0),
        })
    }

    fn temp(&self) -> PathBuf {
        let n = self
            .count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.tmp.join(n.to_string())
    }

    fn target(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let path = inside(&self.dir, rel, Kind::Build)?;
        if let Some(parent) = path.parent()
            && !parent.exists()
        {
            fs::create_dir_all(parent).map_err(err(parent, "skapa mappen"))?;
        }
        Ok(path)
    }

    /// Writes `bytes` as each of `rels` (the same file, hard-linked where
    /// the file system allows), each replacing its old file in one step.
    ///
    /// # Errors
    /// A path that leaves the tree, or an I/O error naming the file.
    pub fn put(&self, rels: &[&str], bytes: &[u8]) -> Result<(), OutputError> {
        self.list(rels.iter().map(|r| (*r).to_owned()))?;
        let first = self.temp();
        write_file(&first, bytes, false)?;
        let mut temps = vec![first.clone()];
        for _ in 1..rels.len() {
            let t = self.temp();
            if fs::hard_link(&first, &t).is_err() {
                write_file(&t, bytes, false)?;
            }
            temps.push(t);
        }
        for (rel, t) in rels.iter().zip(temps) {
            let path = self.target(rel)?;
            fs::rename(&t, &path).map_err(err(&path, "skriva"))?;
        }
        Ok(())
    }

    /// Removes a file the tree no longer has.
    ///
    /// # Errors
    /// An I/O error other than the file being gone already.
    pub fn remove(&self, rel: &str) -> Result<(), OutputError> {
        let path = self.target(rel)?;
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(err(&path, "ta bort")(e)),
            _ => Ok(()),
        }
    }

    /// Adds `rels` to the marker (rewritten only when one is new).
    fn list(&self, rels: impl IntoIterator<Item = String>) -> Result<(), OutputError> {
        let mut listed = self
            .listed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = listed.len();
        listed.extend(rels);
        if listed.len() != before {
            self.write_marker(&listed)?;
        }
        Ok(())
    }

    /// Makes the marker list exactly `files`, as a build of the same
    /// content would.
    ///
    /// # Errors
    /// An I/O error naming the marker.
    pub fn set_files(&self, files: BTreeSet<String>) -> Result<(), OutputError> {
        let mut listed = self
            .listed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *listed != files {
            *listed = files;
            self.write_marker(&listed)?;
        }
        Ok(())
    }

    /// The files the marker lists.
    pub fn files(&self) -> BTreeSet<String> {
        self.listed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn write_marker(&self, listed: &BTreeSet<String>) -> Result<(), OutputError> {
        let paths: Vec<String> = listed.iter().cloned().collect();
        let t = self.temp();
        write_file(&t, marker_text(Kind::Build, &paths).as_bytes(), false)?;
        let path = self.dir.join(Kind::Build.marker());
        fs::rename(&t, &path).map_err(err(&path, "skriva"))
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.tmp);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.staged);
        }
    }
}

/// Puts `staged` in place of `dir`; afterwards `dir` is the new tree and
/// `old` is gone.
fn swap(staged: &Path, dir: &Path, old: &Path) -> Result<(), OutputError> {
    if fs::symlink_metadata(dir).is_err() {
        return fs::rename(staged, dir).map_err(err(dir, "skapa"));
    }
    if exchange(staged, dir).map_err(err(dir, "byta ut"))? {
        // `staged` now holds the old tree; renamed first so that a kill
        // during the removal leaves a name the next run knows to remove.
        fs::rename(staged, old).map_err(err(staged, "flytta undan"))?;
    } else {
        fs::rename(dir, old).map_err(err(dir, "flytta undan"))?;
        fs::rename(staged, dir).map_err(err(dir, "skapa"))?;
    }
    fs::remove_dir_all(old).map_err(err(old, "ta bort"))
}

/// Swaps two directories in one step. `Ok(false)` when the system or the
/// file system cannot, and the caller must rename twice.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Removes or restores what interrupted runs left beside `dir`: staged
/// copies (`.NAME.ny-PID`) and moved-away old trees (`.NAME.gammal-PID`).
/// An old tree is put back when `dir` itself is missing. Siblings of a run
/// that is still going are left alone. Returns one Swedish note per
/// leftover.
///
/// # Errors
///
/// [`OutputError::Io`] when a leftover cannot be removed or restored.
pub fn recover(dir: &Path, kind: Kind) -> Result<Vec<String>, OutputError> {
    let mut notes = Vec::new();
    let Some(parent) = dir.parent() else {
        return Ok(notes);
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(notes);
    };
    let name = name_of(dir);
    let mut leftovers = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name
            .strip_prefix('.')
            .and_then(|r| r.strip_prefix(name.as_str()))
            .and_then(|r| r.strip_prefix('.'))
        else {
            continue;
        };
        for tag in [STAGED, OLD, LIVE] {
            if let Some(pid) = rest
                .strip_prefix(tag)
                .and_then(|r| r.strip_prefix('-'))
                .and_then(|p| p.parse::<u32>().ok())
                && !still_running(pid)
            {
                leftovers.push((tag, entry.path()));
            }
        }
    }
    // Old trees first, so that one can be restored before the rest go.
    leftovers.sort_by_key(|(tag, path)| (*tag != OLD, path.clone()));
    let what = kind.interrupted();
    for (tag, path) in leftovers {
        let shown = path.display();
        if tag == OLD && fs::symlink_metadata(dir).is_err() && is_complete(&path, kind) {
            fs::rename(&path, dir).map_err(err(dir, "återställa"))?;
            notes.push(format!(
                "Återställde {} från {shown}, som {what} lämnade kvar.",
                dir.display()
            ));
        } else {
            fs::remove_dir_all(&path).map_err(err(&path, "ta bort"))?;
            notes.push(format!("Tog bort {shown}, som {what} lämnade kvar."));
        }
    }
    Ok(notes)
}

#[cfg(target_os = "linux")]
fn still_running(pid: u32) -> bool {
    pid != std::process::id() && Path::new(&format!("/proc/{pid}")).exists()
}

/// Without /proc a leftover counts as abandoned: two runs writing the same
/// folder at once are rare there.
#[cfg(not(target_os = "linux"))]
fn still_running(pid: u32) -> bool {
    let _ = pid;
    false
}

fn is_complete(dir: &Path, kind: Kind) -> bool {
    read_marker(dir, kind).is_ok_and(|m| matches!(m, Marker::Ours(_)))
}

enum Marker {
    /// The folder carries this kind's marker, listing these files.
    Ours(BTreeSet<String>),
    Missing,
    /// A marker of the other kind, or of another format.
    Foreign(String),
}

fn read_marker(dir: &Path, kind: Kind) -> Result<Marker, OutputError> {
    let path = dir.join(kind.marker());
    if !path.is_file() {
        if dir.join(kind.other().marker()).exists() {
            return Ok(Marker::Foreign(format!(
                "mappen är {}, {}",
                kind.other().earlier(),
                kind.no_earlier()
            )));
        }
        return Ok(Marker::Missing);
    }
    let text = fs::read_to_string(&path).map_err(err(&path, "läsa"))?;
    let mut lines = text.lines();
    if lines.next() != Some(kind.first_line().as_str()) {
        return Ok(Marker::Foreign(format!(
            "mappen skrevs av en annan version av reservkit ({} säger inte «{}»)",
            kind.marker(),
            kind.first_line()
        )));
    }
    let files = lines
        .skip_while(|l| *l != "filer:")
        .skip(1)
        .map(str::to_owned)
        .collect();
    Ok(Marker::Ours(files))
}

fn marker_text(kind: Kind, paths: &[String]) -> String {
    let mut text = format!(
        "{}\nskrivet av reservkit {}; mappen ersätts i sin helhet nästa gång, så lägg inga egna filer här\nfiler:\n",
        kind.first_line(),
        env!("CARGO_PKG_VERSION")
    );
    for p in paths {
        text.push_str(p);
        text.push('\n');
    }
    text
}

/// Refuses an existing `dir` unless it is empty or an earlier tree of this
/// kind holding only what its marker lists. A build's output folder from
/// before markers existed (only `site/` and `print/`, no reconciliation
/// inside) is accepted once.
///
/// # Errors
///
/// [`OutputError::Refused`] saying why and listing what is there.
pub fn check_replaceable(dir: &Path, kind: Kind) -> Result<(), OutputError> {
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(refused(
            dir,
            "är en symbolisk länk; ange mappen den pekar på".into(),
        ));
    }
    if !meta.is_dir() {
        return Err(refused(dir, "finns redan och är ingen mapp".into()));
    }
    let mut present = Vec::new();
    walk(dir, dir, &mut present)?;
    if present.is_empty() {
        return Ok(());
    }
    let listed = |items: &[String]| -> String {
        let mut shown: Vec<String> = items.iter().take(10).cloned().collect();
        if items.len() > 10 {
            shown.push(format!("och {} till", items.len() - 10));
        }
        shown.join(", ")
    };
    let top: Vec<String> = {
        let set: BTreeSet<String> = present
            .iter()
            .map(|p| p.split('/').next().unwrap_or(p).to_owned())
            .collect();
        set.into_iter().collect()
    };
    match read_marker(dir, kind)? {
        Marker::Ours(files) => {
            let unexpected: Vec<String> = present
                .iter()
                .filter(|p| {
                    *p != kind.marker()
                        && !files.contains(*p)
                        && !files.iter().any(|f| is_ancestor(p, f))
                })
                .cloned()
                .collect();
            if unexpected.is_empty() {
                Ok(())
            } else {
                Err(refused(
                    dir,
                    format!(
                        "mappen är {} men innehåller också sådant som reservkit inte skrev: {}; flytta det och kör igen",
                        kind.earlier(),
                        listed(&unexpected)
                    ),
                ))
            }
        }
        Marker::Foreign(why) => Err(refused(
            dir,
            format!(
                "{why}; mappen ersätts inte. Den innehåller: {}",
                listed(&top)
            ),
        )),
        Marker::Missing => {
            let leftovers = earlier_version_leftovers(dir);
            let earlier_build = kind == Kind::Build
                && top
                    .iter()
                    .all(|t| t == "site" || t == "print" || leftovers.contains(t))
                && dir.join("site/index.html").is_file()
                && !present.iter().any(|p| {
                    p.ends_with(Kind::Reconciliation.marker()) || p.ends_with("fall.json")
                });
            if earlier_build {
                return Ok(());
            }
            Err(refused(
                dir,
                format!(
                    "mappen finns och är {} (filen {} saknas); den ersätts inte. Den innehåller: {}. Välj en ny eller tom mapp",
                    kind.no_earlier(),
                    kind.marker(),
                    listed(&top)
                ),
            ))
        }
    }
}

/// What versions before markers left inside an output folder when killed:
/// `.site.ny-PID`, `.print.gammal-PID` and the like (a site or printouts
/// being written or moved away). They go with the old output.
fn earlier_version_leftovers(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            ["site", "print"].iter().any(|tree| {
                [STAGED, OLD].iter().any(|tag| {
                    name.strip_prefix(&format!(".{tree}.{tag}-"))
                        .is_some_and(|pid| {
                            !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
                        })
                })
            })
        })
        .collect();
    found.sort();
    found
}

/// Whether `dir` is a reconciliation folder: it carries the marker, or it
/// holds the case file and the summary that every reconciliation (also one
/// written before markers existed) has.
pub fn is_reconciliation(dir: &Path) -> bool {
    dir.join(Kind::Reconciliation.marker()).exists()
        || (dir.join("fall.json").is_file() && dir.join("sammanfattning.txt").is_file())
}

fn is_ancestor(dir: &str, file: &str) -> bool {
    file.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Every entry below `dir` (files, links and folders), relative, with
/// forward slashes; links are not followed.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), OutputError> {
    let entries = fs::read_dir(dir).map_err(err(dir, "läsa mappen"))?;
    let mut names: Vec<_> = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(err(dir, "läsa mappen"))?;
    names.sort();
    for path in names {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push(rel);
        let meta = fs::symlink_metadata(&path).map_err(err(&path, "läsa"))?;
        if meta.is_dir() {
            walk(root, &path, out)?;
        }
    }
    Ok(())
}

fn create_dir(dir: &Path, private: bool) -> Result<(), OutputError> {
    let mut b = fs::DirBuilder::new();
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    let _ = private;
    b.create(dir).map_err(err(dir, "skapa mappen"))
}

/// `dir/rel`, refused when `rel` could leave `dir` (an empty, `.` or `..`
/// part) or names the folder's own marker file.
fn inside(dir: &Path, rel: &str, kind: Kind) -> Result<PathBuf, OutputError> {
    if rel
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
        || rel == kind.marker()
    {
        return Err(OutputError::Io {
            path: dir.join(rel),
            action: "skriva (otillåten sökväg)",
            source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
        });
    }
    Ok(dir.join(rel))
}

/// Creates a new file, readable only by the user when `private`.
fn create_file(path: &Path, private: bool) -> Result<fs::File, OutputError> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(err(path, "skapa"))
}

/// Whether `path` is a plain file (not a link) holding exactly `bytes`.
/// Reads only until the first difference: a changed kit differs near the
/// start of every file (the version in a PDF's information, a page's head).
fn same_file(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    let Ok(mut f) = fs::File::open(path) else {
        return false;
    };
    let mut buf = [0u8; 16 * 1024];
    let mut at = 0;
    loop {
        match f.read(&mut buf) {
            Ok(0) => return at == bytes.len(),
            Ok(n) => {
                if bytes.get(at..at + n) != Some(&buf[..n]) {
                    return false;
                }
                at += n;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

fn write_file(path: &Path, bytes: &[u8], private: bool) -> Result<(), OutputError> {
    let mut f = create_file(path, private)?;
    f.write_all(bytes).map_err(err(path, "skriva"))?;
    // Records with patient data must survive a crash; the site and the
    // printouts can simply be built again. On Linux the whole staged tree
    // is synced once before the swap (`sync_tree`) instead.
    #[cfg(not(target_os = "linux"))]
    if private {
        f.sync_all().map_err(err(path, "spara"))?;
    }
    Ok(())
}

/// Makes every file and folder written into `dir` survive a crash, before
/// the tree is swapped in: on Linux one `syncfs` for the file system (a
/// reconciliation writes thousands of files; one sync each was a quarter
/// of its time), elsewhere the files were synced as written.
fn sync_tree(dir: &Path) -> Result<(), OutputError> {
    #[cfg(target_os = "linux")]
    fs::File::open(dir)
        .and_then(|d| rustix::fs::syncfs(&d).map_err(std::io::Error::from))
        .map_err(err(dir, "spara"))?;
    sync_dir(dir)
}

/// Makes a folder's entries (new files, renames) survive a crash.
fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(err(dir, "spara"))?;
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path, kind: Kind, files: &[(&str, &str)]) -> Tree {
        Tree {
            dir: dir.to_path_buf(),
            files: files.iter().map(|(p, b)| OutFile::new(*p, *b)).collect(),
            kind,
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn replaces_the_previous_tree_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("output");
        write_tree(&tree(
            &out,
            Kind::Build,
            &[("site/a.html", "1"), ("site/x/b.css", "2")],
        ))
        .expect("first");
        write_tree(&tree(&out, Kind::Build, &[("site/a.html", "3")])).expect("second");
        assert_eq!(fs::read_to_string(out.join("site/a.html")).expect("a"), "3");
        assert!(!out.join("site/x").exists());
        assert_eq!(names(dir.path()), ["output"]);
        assert_eq!(names(&out), [".reservkit-bygge", "site"]);
        assert_eq!(
            fs::read_to_string(out.join(".reservkit-bygge"))
                .expect("marker")
                .lines()
                .collect::<Vec<_>>()
                .last(),
            Some(&"site/a.html")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuilt_file_that_did_not_change_is_the_old_file_and_a_changed_one_is_new() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("output");
        let files = [
            ("site/a.html", "samma"),
            ("site/b.html", "före"),
            ("site/c.html", "12"),
        ];
        write_tree(&tree(&out, Kind::Build, &files)).expect("first");
        let inode = |rel: &str| fs::metadata(out.join(rel)).expect("file").ino();
        let before = [
            inode("site/a.html"),
            inode("site/b.html"),
            inode("site/c.html"),
        ];
        // The same bytes; other bytes of the same length; a link that is
        // not a plain file is never taken over.
        let files = [
            ("site/a.html", "samma"),
            ("site/b.html", "efter"),
            ("site/c.html", "34"),
        ];
        write_tree(&tree(&out, Kind::Build, &files)).expect("second");
        assert_eq!(inode("site/a.html"), before[0]);
        assert_ne!(inode("site/b.html"), before[1]);
        assert_ne!(inode("site/c.html"), before[2]);
        for (rel, text) in files {
            assert_eq!(fs::read_to_string(out.join(rel)).expect("read"), text);
            assert_eq!(
                fs::metadata(out.join(rel)).expect("file").nlink(),
                1,
                "{rel}"
            );
        }
        assert_eq!(names(dir.path()), ["output"]);
        // A reconciliation's files are always written anew.
        let rec = dir.path().join("avstamning");
        let files = [("a.csv", "rad")];
        write_tree(&tree(&rec, Kind::Reconciliation, &files)).expect("first");
        let first = fs::metadata(rec.join("a.csv")).expect("file").ino();
        write_tree(&tree(&rec, Kind::Reconciliation, &files)).expect("second");
        assert_ne!(fs::metadata(rec.join("a.csv")).expect("file").ino(), first);
    }

    #[test]
    fn a_failed_write_keeps_the_old_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("output");
        write_tree(&tree(&out, Kind::Build, &[("a.html", "gammal")])).expect("first");
        assert!(write_tree(&tree(&out, Kind::Build, &[("../utanför", "x")])).is_err());
        assert_eq!(fs::read_to_string(out.join("a.html")).expect("a"), "gammal");
        assert!(!dir.path().join("utanför").exists());
        assert_eq!(names(dir.path()), ["output"]);
    }

    #[test]
    fn a_staged_tree_filled_from_several_threads_is_swapped_in_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("output");
        write_tree(&tree(&out, Kind::Build, &[("site/a.html", "gammal")])).expect("first");
        let staging = Staging::begin(&out, Kind::Build).expect("begin");
        std::thread::scope(|scope| {
            for t in 0..4 {
                let staging = &staging;
                scope.spawn(move || {
                    for i in 0..25 {
                        let print = format!("print/d{t}/{i}.pdf");
                        let bytes = format!("pdf {t} {i}");
                        staging.add(&print, bytes.as_bytes()).expect("add");
                        staging
                            .add_same(
                                &format!("site/utskrifter/d{t}/{i}.pdf"),
                                &print,
                                bytes.as_bytes(),
                            )
                            .expect("add_same");
                    }
                });
            }
        });
        // Nothing shows before the swap.
        assert_eq!(names(&out), [".reservkit-bygge", "site"]);
        assert!(staging.add("print/d0/0.pdf", b"twice").is_err());
        staging.finish().expect("finish");
        assert_eq!(names(dir.path()), ["output"]);
        assert_eq!(
            fs::read_to_string(out.join("site/utskrifter/d3/24.pdf")).expect("copy"),
            "pdf 3 24"
        );
        let marker = fs::read_to_string(out.join(".reservkit-bygge")).expect("marker");
        let listed: Vec<&str> = marker.lines().skip(3).collect();
        assert_eq!(listed.len(), 200);
        assert!(listed.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert!(!out.join("site/a.html").exists());
    }

    #[test]
    fn a_staged_tree_dropped_unfinished_leaves_the_old_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("avst");
        write_tree(&tree(&out, Kind::Reconciliation, &[("a.csv", "gammal")])).expect("first");
        {
            let staging = Staging::begin(&out, Kind::Reconciliation).expect("begin");
            staging.add("b.csv", b"ny").expect("add");
        }
        assert_eq!(names(dir.path()), ["avst"]);
        assert_eq!(fs::read_to_string(out.join("a.csv")).expect("a"), "gammal");
    }

    #[test]
    fn refuses_a_folder_it_did_not_write_and_lists_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mine = dir.path().join("avst");
        fs::create_dir_all(mine.join("brev")).expect("dir");
        fs::write(mine.join("sammanfattning.txt"), "mitt").expect("file");
        fs::write(mine.join("budget.xlsx"), "x").expect("file");
        let e = write_tree(&tree(&mine, Kind::Reconciliation, &[("a.csv", "1")]))
            .expect_err("refused")
            .to_string();
        assert!(e.contains("brev, budget.xlsx, sammanfattning.txt"), "{e}");
        assert!(e.contains(".reservkit-avstamning saknas"), "{e}");
        assert_eq!(names(&mine), ["brev", "budget.xlsx", "sammanfattning.txt"]);
        assert_eq!(names(dir.path()), ["avst"]);
    }

    #[test]
    fn refuses_an_earlier_tree_with_a_file_added_and_the_other_kind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let avst = dir.path().join("avst");
        write_tree(&tree(&avst, Kind::Reconciliation, &[("a.csv", "1")])).expect("first");
        write_tree(&tree(&avst, Kind::Reconciliation, &[("b.csv", "2")])).expect("again");
        assert_eq!(names(&avst), [".reservkit-avstamning", "b.csv"]);
        fs::write(avst.join("egen.txt"), "x").expect("file");
        let e = write_tree(&tree(&avst, Kind::Reconciliation, &[("c.csv", "3")]))
            .expect_err("refused")
            .to_string();
        assert!(e.contains("inte skrev: egen.txt"), "{e}");
        fs::remove_file(avst.join("egen.txt")).expect("rm");
        let e = write_tree(&tree(&avst, Kind::Build, &[("site/index.html", "x")]))
            .expect_err("refused")
            .to_string();
        assert!(
            e.contains("mappen är en tidigare avstämning, inget tidigare bygge"),
            "{e}"
        );
        assert!(avst.join("b.csv").is_file());
    }

    #[test]
    fn accepts_an_empty_folder_and_an_unmarked_earlier_build() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("tom");
        fs::create_dir(&empty).expect("dir");
        write_tree(&tree(&empty, Kind::Reconciliation, &[("a.csv", "1")])).expect("empty");
        let old = dir.path().join("output");
        fs::create_dir_all(old.join("site")).expect("dir");
        fs::create_dir_all(old.join("print")).expect("dir");
        fs::write(old.join("site/index.html"), "x").expect("file");
        write_tree(&tree(&old, Kind::Build, &[("site/index.html", "y")])).expect("earlier");
        // Killed builds of versions before markers left these inside.
        fs::create_dir_all(old.join(".print.gammal-77/samtalslogg")).expect("dir");
        fs::create_dir_all(old.join(".site.ny-78")).expect("dir");
        fs::remove_file(old.join(".reservkit-bygge")).expect("unmarked again");
        let notes = write_tree(&tree(&old, Kind::Build, &[("site/index.html", "z")]))
            .expect("with leftovers");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains(".print.gammal-77, som ett avbrutet bygge av en tidigare version")
        );
        assert_eq!(names(&old), [".reservkit-bygge", "site"]);
        fs::create_dir_all(old.join("site/avst")).expect("dir");
        fs::write(old.join("site/avst/fall.json"), "x").expect("file");
        assert!(write_tree(&tree(&old, Kind::Build, &[("site/index.html", "z")])).is_err());
    }

    #[test]
    fn removes_leftovers_and_restores_a_tree_moved_away() {
        let dir = tempfile::tempdir().expect("tempdir");
        let avst = dir.path().join("avst");
        write_tree(&tree(&avst, Kind::Reconciliation, &[("a.csv", "gammal")])).expect("first");
        // A run killed between the two renames of the fallback: the live
        // folder moved away, a half-staged one beside it.
        let dead = u32::MAX - 1;
        fs::rename(&avst, sibling(&avst, OLD, dead)).expect("move");
        fs::create_dir(sibling(&avst, STAGED, dead)).expect("staged");
        fs::write(sibling(&avst, STAGED, dead).join("a.csv"), "halv").expect("file");
        let notes = recover(&avst, Kind::Reconciliation).expect("recover");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("Återställde "), "{notes:?}");
        assert!(notes[1].starts_with("Tog bort "), "{notes:?}");
        assert_eq!(fs::read_to_string(avst.join("a.csv")).expect("a"), "gammal");
        assert_eq!(names(dir.path()), ["avst"]);
    }
}
