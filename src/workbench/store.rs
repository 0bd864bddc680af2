//! What the workbench keeps in its folder: one transcription file per paper
//! sheet (`BLAD.csv`, the same format as `reservkit transcribe` writes,
//! opened and locked through [`LogFile`] while the workbench runs), the
//! worklist ticks (`klarmarkeringar.txt`, appended) and the reconciliation
//! (`resultat/`). File names are sheet numbers, never patient data.

use crate::model::Kit;
use crate::transcript::columns::Format;
use crate::transcript::csv;
use crate::transcript::entry::SheetNo;
use crate::transcript::log_file::{self, LogFile};
use crate::transcript::validate::Validator;
use jiff::ZonedDateTime;
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The reconciliation folder inside the workbench folder.
pub const RESULT_DIR: &str = "resultat";
/// The file of worklist ticks: semicolon-separated like the transcription
/// files, but named so that `transcribe --check MAPP/*.csv` leaves it out.
pub const TICKS_FILE: &str = "klarmarkeringar.txt";
/// How long a coordinator counts as having a sheet open after last
/// showing it, in seconds.
const PRESENCE_SECONDS: i64 = 15 * 60;

/// One sheet's transcription file, open and locked once it exists (a
/// sheet only looked at is not given a file).
pub struct SheetFile {
    pub log: Option<LogFile>,
    /// Every line of the file read so far, as `--check` reads them.
    pub validator: Validator<'static>,
    /// The file's name as shown (`sunderby-medicin-61-007.csv`).
    pub name: String,
    /// Increases with every line appended: a form made before another
    /// save has an older version.
    pub version: u64,
    /// The last save: row, who, when (`ÅÅÅÅ-MM-DD TT:MM`).
    pub last_save: Option<(u32, String, String)>,
}

impl SheetFile {
    /// The header the file has (a new file gets the current one).
    pub fn format(&self) -> Format {
        self.log.as_ref().map_or(Format::Current, LogFile::format)
    }

    /// The line the next row will be on (after the header in a new file).
    pub fn next_line(&self) -> usize {
        self.log.as_ref().map_or(2, LogFile::next_line)
    }
}

/// A tick on a worklist item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    pub done: bool,
    pub by: String,
    pub at: String,
}

/// Per sheet, per tab: who showed it and when (seconds since 1970).
type Presence = BTreeMap<SheetNo, BTreeMap<String, (String, i64)>>;

/// The folder and what is open in it.
pub struct Store {
    kit: &'static Kit,
    dir: PathBuf,
    sheets: Mutex<BTreeMap<SheetNo, Arc<Mutex<SheetFile>>>>,
    /// Who showed which sheet when (seconds since 1970), per tab.
    presence: Mutex<Presence>,
    ticks: Mutex<()>,
    /// The last overview and the files (with size and time) it was made of.
    pub overview_cache: Mutex<super::overview::Cache>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Store {
    pub fn new(kit: &'static Kit, dir: PathBuf) -> Self {
        Store {
            kit,
            dir,
            sheets: Mutex::new(BTreeMap::new()),
            presence: Mutex::new(BTreeMap::new()),
            ticks: Mutex::new(()),
            overview_cache: Mutex::new(super::overview::Cache::default()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The transcription file of a sheet.
    pub fn sheet_path(&self, sheet: &SheetNo) -> PathBuf {
        self.dir.join(format!("{sheet}.csv"))
    }

    /// The sheet's file, opened and locked on first use when it exists, and
    /// kept open while the workbench runs; [`Store::create`] makes it when
    /// the first row is saved.
    ///
    /// # Errors
    ///
    /// A Swedish message when the file is held by a terminal guided entry or
    /// cannot be used.
    pub fn sheet(
        &self,
        sheet: &SheetNo,
        now: &ZonedDateTime,
    ) -> Result<Arc<Mutex<SheetFile>>, String> {
        let mut sheets = lock(&self.sheets);
        if let Some(open) = sheets.get(sheet) {
            return Ok(Arc::clone(open));
        }
        let name = format!("{sheet}.csv");
        let mut file = SheetFile {
            log: None,
            validator: Validator::new(self.kit, now.clone()),
            name,
            version: 0,
            last_save: None,
        };
        if self.sheet_path(sheet).exists() {
            self.create(&mut file, sheet, now)?;
        }
        let file = Arc::new(Mutex::new(file));
        sheets.insert(sheet.clone(), Arc::clone(&file));
        Ok(file)
    }

    /// Opens (creating it 0600 with the header when new) and locks the
    /// sheet's file, and reads what it holds, unless it is open already.
    ///
    /// # Errors
    ///
    /// As [`Store::sheet`].
    pub fn create(
        &self,
        file: &mut SheetFile,
        sheet: &SheetNo,
        now: &ZonedDateTime,
    ) -> Result<(), String> {
        if file.log.is_some() {
            return Ok(());
        }
        let mut opened = LogFile::open(&self.sheet_path(sheet)).map_err(|e| e.to_string())?;
        opened.log.announce(
            "arbetsbänken",
            &crate::transcript::fields::format_point(now),
        );
        let mut validator = Validator::new(self.kit, now.clone());
        validator.read_text(&file.name, &opened.text);
        file.validator = validator;
        file.log = Some(opened.log);
        Ok(())
    }

    /// Notes that `who` (in tab `tab`) shows the sheet, and returns the
    /// others who showed it lately: name and since when (`TT:MM`).
    pub fn present(
        &self,
        sheet: &SheetNo,
        tab: &str,
        who: &str,
        now: &ZonedDateTime,
    ) -> Vec<(String, String)> {
        let seconds = now.timestamp().as_second();
        let mut presence = lock(&self.presence);
        let tabs = presence.entry(sheet.clone()).or_default();
        tabs.retain(|_, (_, at)| seconds - *at < PRESENCE_SECONDS);
        if !tab.is_empty() {
            tabs.insert(tab.to_owned(), (who.to_owned(), seconds));
        }
        let tz = now.time_zone().clone();
        tabs.iter()
            .filter(|(t, _)| t.as_str() != tab)
            .map(|(_, (name, at))| {
                let when = jiff::Timestamp::from_second(*at)
                    .map(|t| {
                        t.to_zoned_datetime(tz.clone())
                            .strftime("%H:%M")
                            .to_string()
                    })
                    .unwrap_or_default();
                (name.clone(), when)
            })
            .collect()
    }

    /// The transcription files in the folder, sorted by name.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "csv")
                    && p.file_name()
                        .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
                    && p.is_file()
            })
            .collect();
        files.sort();
        files
    }

    fn ticks_path(&self) -> PathBuf {
        self.dir.join(TICKS_FILE)
    }

    /// The ticks as they stand: the last line per item wins.
    pub fn ticks(&self) -> BTreeMap<(String, String), Tick> {
        let _guard = lock(&self.ticks);
        let mut out = BTreeMap::new();
        let Ok(text) = std::fs::read_to_string(self.ticks_path()) else {
            return out;
        };
        let Ok(table) = csv::parse(&text) else {
            return out;
        };
        for record in table.rows.into_iter().flatten() {
            if let [list, item, done, by, at] = &record.fields[..] {
                out.insert(
                    (list.clone(), item.clone()),
                    Tick {
                        done: done == "klar",
                        by: by.clone(),
                        at: at.clone(),
                    },
                );
            }
        }
        out
    }

    /// Appends a tick (or its removal) with who and when, flushed and
    /// synced before it returns.
    ///
    /// # Errors
    ///
    /// When the file cannot be written.
    pub fn tick(
        &self,
        list: &str,
        item: &str,
        done: bool,
        by: &str,
        at: &str,
    ) -> std::io::Result<()> {
        let _guard = lock(&self.ticks);
        let path = self.ticks_path();
        let mut text = String::new();
        let mut file = match log_file::create_private(&path) {
            Ok(file) => {
                text.push(csv::BOM);
                csv::write_record(
                    &mut text,
                    &["arbetslista", "post", "status", "av", "tid"],
                    ';',
                );
                file
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                OpenOptions::new().append(true).open(&path)?
            }
            Err(e) => return Err(e),
        };
        let status = if done { "klar" } else { "ej klar" };
        csv::write_record(&mut text, &[list, item, status, by, at], ';');
        file.write_all(text.as_bytes())?;
        file.flush()?;
        file.sync_all()
    }
}
