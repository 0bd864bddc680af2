//! The transcription file on disk during guided entry: created readable by
//! its owner only, with the header; then appended to one line at a time,
//! each line written, flushed and synced before the next question, so an
//! interrupted session loses nothing that was confirmed.
//!
//! Guided entry is the one place that writes line by line instead of through
//! `output`: its whole point is that every confirmed line is on disk at once.
//! It never rewrites or truncates what is already in the file.

use super::columns;
use super::csv;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An open transcription file that lines are appended to. While it is open
/// it holds an exclusive advisory lock on the file, so a second guided entry
/// on the same file is refused instead of saving the same rows twice; a
/// small note beside it (`FILE.lås`, see [`LogFile::announce`]) says who
/// holds it, and the CSV itself is left untouched.
#[derive(Debug)]
pub struct LogFile {
    path: PathBuf,
    file: File,
    separator: char,
    /// The 1-based line the next appended record will start on.
    next_line: usize,
    /// The note on who holds the lock, once written (removed on drop).
    note: Option<PathBuf>,
}

/// What was in the file when it was opened.
#[derive(Debug)]
pub struct Opened {
    pub log: LogFile,
    /// The text as it was (after a missing final line break was added).
    pub text: String,
    pub created: bool,
    /// Permission bits when others than the owner may read the file.
    pub readable_by_others: Option<u32>,
}

/// Why the file cannot be used.
#[derive(Debug)]
pub enum OpenError {
    Io {
        path: PathBuf,
        source: io::Error,
    },
    /// The file exists but is not a transcription file (or not UTF-8).
    NotTranscription {
        path: PathBuf,
        reason: String,
    },
    /// Another guided entry holds the file; `holder` is its note, if any.
    Locked {
        path: PathBuf,
        holder: Option<String>,
    },
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Io { path, source } => {
                write!(f, "kunde inte använda {}: {source}", path.display())
            }
            OpenError::NotTranscription { path, reason } => write!(
                f,
                "{} är ingen transkriberingsfil: {reason}; inget skrevs",
                path.display()
            ),
            OpenError::Locked { path, holder } => {
                let who = match holder {
                    Some(h) => format!(" ({h})"),
                    None => String::new(),
                };
                write!(
                    f,
                    "{} används redan av en annan guidad inmatning{who}; inget skrevs. \
                     Vänta tills den avslutas med «klar», eller skriv in i en egen fil",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for OpenError {}

impl LogFile {
    /// Opens `path` for appending, creating it (mode 0600, byte order mark
    /// and header, synced) when it does not exist.
    ///
    /// # Errors
    ///
    /// [`OpenError::Io`] when the file cannot be created, read or written;
    /// [`OpenError::NotTranscription`] when it exists but is not UTF-8 or its
    /// header is not the transcription header. Nothing is written then.
    pub fn open(path: &Path) -> Result<Opened, OpenError> {
        let io_error = |source| OpenError::Io {
            path: path.to_owned(),
            source,
        };
        let file = match create_private(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Self::open_existing(path);
            }
            Err(e) => return Err(io_error(e)),
        };
        lock(path, &file)?;
        let mut log = LogFile {
            path: path.to_owned(),
            file,
            separator: ';',
            next_line: 1,
            note: None,
        };
        let text = columns::template(None, 0);
        log.write_durably(&text).map_err(io_error)?;
        sync_parent(path);
        log.next_line = 2;
        Ok(Opened {
            log,
            text,
            created: true,
            readable_by_others: None,
        })
    }

    /// Opens an existing file: locks it first, then reads it, so what is
    /// read is what the next line is appended to.
    fn open_existing(path: &Path) -> Result<Opened, OpenError> {
        let io_error = |source| OpenError::Io {
            path: path.to_owned(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(io_error)?;
        lock(path, &file)?;
        let meta = file.metadata().map_err(io_error)?;
        let mut text = super::read_text_file(path).map_err(|p| OpenError::NotTranscription {
            path: path.to_owned(),
            reason: p.with_file("").message,
        })?;
        let mut log = LogFile {
            path: path.to_owned(),
            file,
            separator: ';',
            next_line: 1,
            note: None,
        };
        if text.trim_start_matches(csv::BOM).trim().is_empty() {
            // An empty file (perhaps created by hand): give it a header.
            let header = columns::template(None, 0);
            let header = if text.starts_with(csv::BOM) {
                header.trim_start_matches(csv::BOM).to_owned()
            } else {
                header
            };
            log.write_durably(&header).map_err(io_error)?;
            text.push_str(&header);
        } else {
            let table = csv::parse(&text).map_err(|e| OpenError::NotTranscription {
                path: path.to_owned(),
                reason: e.message,
            })?;
            columns::check_header(&table.header.fields).map_err(|reason| {
                OpenError::NotTranscription {
                    path: path.to_owned(),
                    reason,
                }
            })?;
            log.separator = table.separator;
            if !text.ends_with('\n') {
                log.write_durably(csv::LINE_END).map_err(io_error)?;
                text.push_str(csv::LINE_END);
            }
        }
        log.next_line = text.matches('\n').count() + 1;
        Ok(Opened {
            log,
            text,
            created: false,
            readable_by_others: readable_by_others(&meta),
        })
    }

    /// Writes (or rewrites) the note beside the file that says who holds
    /// it: `who`, this process and `since`, for a second session to show.
    /// Best effort: the lock itself is what keeps sessions apart.
    pub fn announce(&mut self, who: &str, since: &str) {
        let note = note_path(&self.path);
        let text = format!("{who}, process {}, sedan {since}\n", std::process::id());
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        if let Ok(mut file) = options.open(&note)
            && file.write_all(text.as_bytes()).is_ok()
        {
            self.note = Some(note);
        }
    }

    /// The line the next appended record will start on.
    pub fn next_line(&self) -> usize {
        self.next_line
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and makes sure it is on disk before returning.
    ///
    /// # Errors
    ///
    /// Any I/O error from writing or syncing; the caller must then tell the
    /// user the line may not have been saved.
    pub fn append<S: AsRef<str>>(&mut self, fields: &[S]) -> io::Result<()> {
        let mut line = String::new();
        csv::write_record(&mut line, fields, self.separator);
        self.write_durably(&line)?;
        self.next_line += line.matches('\n').count();
        Ok(())
    }

    fn write_durably(&mut self, text: &str) -> io::Result<()> {
        self.file.write_all(text.as_bytes())?;
        self.file.flush()?;
        self.file.sync_all()
    }
}

impl Drop for LogFile {
    /// Removes the note; closing the file then releases the lock.
    fn drop(&mut self) {
        if let Some(note) = self.note.take() {
            let _ = std::fs::remove_file(note);
        }
    }
}

/// The note beside `path` that names who holds it: `logg.csv.lås`.
pub fn note_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".lås");
    path.with_file_name(name)
}

/// Takes the exclusive advisory lock on the open file, without waiting.
///
/// # Errors
///
/// [`OpenError::Locked`] with the holder's note when another session holds
/// it; [`OpenError::Io`] when locking fails otherwise.
fn lock(path: &Path, file: &File) -> Result<(), OpenError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(OpenError::Locked {
            path: path.to_owned(),
            holder: std::fs::read_to_string(note_path(path))
                .ok()
                .map(|t| t.trim().chars().take(200).collect::<String>())
                .filter(|t| !t.is_empty()),
        }),
        Err(std::fs::TryLockError::Error(source)) => Err(OpenError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Creates a new file that only its owner can read and write.
///
/// # Errors
///
/// When the file exists already or cannot be created.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Syncs the directory so the new file's name survives a crash too. Best
/// effort: not every platform can open a directory.
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}

#[cfg(unix)]
fn readable_by_others(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn readable_by_others(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_the_file_private_with_the_header() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("logg.csv");
        let opened = LogFile::open(&path).expect("created");
        assert!(opened.created);
        assert_eq!(opened.log.next_line(), 2);
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(text.starts_with("\u{feff}blad;rad;driftstopp_start;"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn appends_after_what_is_there_and_adds_a_missing_line_break() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("logg.csv");
        let header = columns::header_line(',');
        std::fs::write(&path, format!("{header}\n# kommentar")).expect("written");
        let mut opened = LogFile::open(&path).expect("opened");
        assert_eq!(opened.log.next_line(), 3);
        opened.log.append(&["a", "b,c"]).expect("appended");
        assert_eq!(opened.log.next_line(), 4);
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(text.ends_with("# kommentar\r\na,\"b,c\"\r\n"), "{text:?}");
    }

    #[test]
    fn a_second_open_is_refused_while_the_first_holds_the_file() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("logg.csv");
        let mut first = LogFile::open(&path).expect("created");
        first.log.announce("Eva Skrivare", "2025-03-05 09:00");
        let before = std::fs::read(&path).expect("readable");
        match LogFile::open(&path) {
            Err(OpenError::Locked { holder, .. }) => {
                let holder = holder.expect("the note is read");
                assert!(holder.starts_with("Eva Skrivare, process "), "{holder}");
                assert!(holder.ends_with("sedan 2025-03-05 09:00"), "{holder}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(std::fs::read(&path).expect("readable"), before);
        drop(first);
        assert!(!note_path(&path).exists(), "the note goes with the session");
        LogFile::open(&path).expect("free again");
    }

    #[test]
    fn refuses_a_file_that_is_not_a_transcription() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("annat.csv");
        std::fs::write(&path, "namn;telefon\nx;y\n").expect("written");
        let error = LogFile::open(&path).expect_err("not ours");
        assert!(matches!(error, OpenError::NotTranscription { .. }));
        assert_eq!(
            std::fs::read_to_string(&path).expect("readable"),
            "namn;telefon\nx;y\n"
        );
    }
}
