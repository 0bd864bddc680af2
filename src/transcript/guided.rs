//! Guided entry: `reservkit transcribe FILE --sheet SHEET`. Asks for one
//! paper row at a time, field by field in the form's order, checks every
//! value as it is typed, shows the row back and appends it to the file only
//! when confirmed, durably, so an interrupted session loses nothing saved.
//!
//! On start it reads the file and continues at the next row of the sheet.
//! `rätta N` and `makulera N` append a `rättelse` or `makulering` line; the
//! earlier line stays. Before a line is saved it goes through the same
//! [`Validator`] as `--check`, so what guided entry writes always passes the
//! check. Patient data is shown only in the row read back for confirmation,
//! never in a message. The command opens and locks the file
//! ([`LogFile::open`]) and hands it over; this module only appends to it.

use super::columns::Column;
use super::entry::{EntryKind, SheetNo};
use super::fields;
use super::log_file::{LogFile, Opened};
use super::prompt::{COMMANDS_HELP, Command, Prompter, Reply};
use super::validate::Validator;
use crate::diag::display_path;
use crate::localtime;
use crate::model::{Fact, Kit, Unit};
use jiff::ZonedDateTime;
use std::io::{self, BufRead, Write};

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The sheet number as typed, e.g. `sunderby-medicin-61-007`.
    pub sheet: String,
    /// Who is typing; asked for when not given.
    pub by: Option<String>,
}

/// Where "now" comes from: fixed for tests, otherwise the clock.
#[derive(Debug, Clone)]
pub enum Clock {
    Fixed(ZonedDateTime),
    System,
}

impl Clock {
    /// The current time in Europe/Stockholm (in UTC if the time zone
    /// database cannot be read, which the bundled database prevents).
    pub fn now(&self) -> ZonedDateTime {
        match self {
            Clock::Fixed(at) => at.clone(),
            Clock::System => {
                let tz = localtime::stockholm().unwrap_or(jiff::tz::TimeZone::UTC);
                jiff::Timestamp::now().to_zoned_datetime(tz)
            }
        }
    }
}

/// Why guided entry could not run or stopped.
#[derive(Debug)]
pub enum GuidedError {
    /// The sheet number is not usable (exit code 2).
    Usage(String),
    /// Reading the terminal or writing the file failed; a line being saved
    /// may not have reached the disk.
    Io(io::Error),
}

impl std::fmt::Display for GuidedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GuidedError::Usage(m) => f.write_str(m),
            GuidedError::Io(e) => write!(
                f,
                "in- eller utmatningen misslyckades: {e}; kontrollera filen med --check"
            ),
        }
    }
}

impl From<io::Error> for GuidedError {
    fn from(e: io::Error) -> Self {
        GuidedError::Io(e)
    }
}

/// How many lines a session saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub saved: usize,
}

/// A step that either finishes with a value or is interrupted by a command.
type Step<T> = io::Result<Result<T, Command>>;

/// Unwraps a [`Step`]: returns the command from the enclosing function.
macro_rules! step {
    ($e:expr) => {
        match $e? {
            Ok(value) => value,
            Err(command) => return Ok(Err(command)),
        }
    };
}

mod form;

/// Runs a guided entry session on the `opened` file until `klar` or the
/// end of the input.
///
/// # Errors
///
/// [`GuidedError::Usage`] for an unknown sheet (nothing is written then),
/// [`GuidedError::Io`] when the terminal or the file fails midway (lines
/// saved before stay).
pub fn run<R: BufRead, W: Write>(
    kit: &Kit,
    options: &Options,
    mut opened: Opened,
    clock: Clock,
    io: Prompter<R, W>,
) -> Result<Summary, GuidedError> {
    let (sheet, unit) =
        fields::sheet(&options.sheet, &kit.directory).map_err(GuidedError::Usage)?;
    let started = fields::format_point(&clock.now());
    let by = options
        .by
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty());
    opened
        .log
        .announce(by.unwrap_or("namnet är inte angivet ännu"), &started);
    let name = display_path(opened.log.path());
    let mut validator = Validator::new(kit, clock.now());
    validator.read_text(&name, &opened.text);
    let mut session = Session {
        kit,
        clock,
        io,
        sheet,
        unit,
        by: String::new(),
        outage_start: None,
        validator,
        log: opened.log,
        name,
        last_date: None,
        answered: 0,
        saved: 0,
    };
    session.introduce(opened.created, opened.readable_by_others)?;
    let ready = session.set_up(options.by.as_deref())?;
    if by.is_none() && !session.by.is_empty() {
        session.log.announce(&session.by, &started);
    }
    if ready {
        session.main_loop()?;
    }
    Ok(Summary {
        saved: session.saved,
    })
}

struct Session<'k, R, W> {
    kit: &'k Kit,
    clock: Clock,
    io: Prompter<R, W>,
    sheet: SheetNo,
    unit: &'k Unit,
    by: String,
    outage_start: Option<ZonedDateTime>,
    validator: Validator<'k>,
    log: LogFile,
    name: String,
    /// The date of the last row entered, offered as the next default.
    last_date: Option<String>,
    /// Fields answered in the row being filled in.
    answered: usize,
    saved: usize,
}

impl<'k, R: BufRead, W: Write> Session<'k, R, W> {
    fn rows_per_sheet(&self) -> u32 {
        self.kit.settings.print.rows_per_sheet
    }

    fn next_row(&self) -> u32 {
        self.validator.last_row(&self.sheet).map_or(1, |r| r + 1)
    }

    fn introduce(&mut self, created: bool, readable_by_others: Option<u32>) -> io::Result<()> {
        let title = format!(
            "Samtalslogg vid driftstopp, blad {} ({})",
            self.sheet,
            self.unit.full_name()
        );
        self.io.say(&title)?;
        if created {
            let text = format!("Skapade {} (bara du kan läsa filen).", self.name);
            self.io.say(&text)?;
        }
        if let Some(mode) = readable_by_others {
            let text = format!(
                "filen kan läsas av andra än du (rättigheter {mode:o}); den innehåller \
                 patientuppgifter, skydda den med «chmod 600 {}»",
                self.name
            );
            self.io.warning(&text)?;
        }
        let errors = self.validator.error_count();
        if errors > 0 {
            let text = format!(
                "filen har {errors} fel sedan tidigare; kör «reservkit transcribe --check {}» för att se dem",
                self.name
            );
            self.io.warning(&text)?;
        }
        if let Some(last) = self.validator.last_row(&self.sheet) {
            let text = format!(
                "Filen har redan rader för bladet till och med rad {last}; fortsätter på rad {}.",
                last + 1
            );
            self.io.say(&text)?;
        }
        Ok(())
    }

    /// Asks who is typing and when the outage began, unless known. Returns
    /// false when the user stopped instead.
    fn set_up(&mut self, by: Option<&str>) -> io::Result<bool> {
        self.by = match by.map(str::trim).filter(|b| !b.is_empty()) {
            Some(by) => by.to_owned(),
            None => {
                match self
                    .setup_question(Column::TranskriberadAv.spec().prompt, |v| Ok(v.to_owned()))?
                {
                    Some(by) => by,
                    None => return Ok(false),
                }
            }
        };
        if let Some(last) = self.validator.last_row(&self.sheet) {
            self.last_date = self
                .validator
                .latest(&self.sheet, last)
                .map(|l| l.fields[Column::Datum.index()].trim().to_owned())
                .filter(|d| !d.is_empty());
        }
        if let Some(start) = self.validator.outage_start(&self.sheet).cloned() {
            let text = format!(
                "Driftstoppet började {} enligt filen.",
                fields::format_point(&start)
            );
            self.io.say(&text)?;
            self.outage_start = Some(start);
        } else {
            let now = self.clock.now();
            let start = self.setup_question(Column::DriftstoppStart.spec().prompt, |v| {
                let at = fields::date_time(v)?;
                if at > now {
                    return Err(format!(
                        "{} ligger efter nu ({})",
                        fields::format_minute(&at),
                        fields::format_minute(&now)
                    ));
                }
                Ok(at)
            })?;
            match start {
                Some(start) => self.outage_start = Some(start),
                None => return Ok(false),
            }
        }
        self.io.say(
            "Skriv ? för hjälp och klar för att avsluta. Varje rad sparas när du bekräftar den.",
        )?;
        Ok(true)
    }

    /// A question before the first row: a value is required; `klar` or the
    /// end of the input stops (`None`).
    fn setup_question<T>(
        &mut self,
        question: &str,
        mut parse: impl FnMut(&str) -> Result<T, String>,
    ) -> io::Result<Option<T>> {
        loop {
            match self.io.ask(question, None)? {
                Reply::Text(v) if v.is_empty() => self.io.error("fältet måste fyllas i")?,
                Reply::Text(v) => match parse(&v) {
                    Ok(value) => return Ok(Some(value)),
                    Err(m) => self.io.error(&m)?,
                },
                Reply::Help => self.io.say("Svara på frågan; klar avslutar.")?,
                Reply::Command(Command::Done | Command::EndOfInput) => {
                    self.io.say("Avslutar; inget sparades.")?;
                    return Ok(None);
                }
                Reply::Command(_) => self.io.error("svara på frågan först")?,
            }
        }
    }

    fn main_loop(&mut self) -> io::Result<()> {
        let mut pending: Option<Command> = None;
        loop {
            let command = match pending.take() {
                Some(c) => c,
                None => {
                    let next = self.next_row();
                    if next > self.rows_per_sheet() {
                        let text = format!(
                            "Bladet är fullt ({} rader). Fortsätt på nästa blad med --sheet, \
                             eller skriv rätta N, makulera N eller klar.",
                            self.rows_per_sheet()
                        );
                        self.io.say(&text)?;
                        match self.io.ask("Kommando", None)? {
                            Reply::Command(c) => c,
                            Reply::Help => {
                                self.io.say(COMMANDS_HELP)?;
                                continue;
                            }
                            Reply::Text(_) => {
                                self.io.error("skriv rätta N, makulera N eller klar")?;
                                continue;
                            }
                        }
                    } else {
                        let text = format!("— Blad {} rad {next} —", self.sheet);
                        self.io.say(&text)?;
                        match self.enter_row(next, EntryKind::Original, None)? {
                            Ok(()) => continue,
                            Err(c) => c,
                        }
                    }
                }
            };
            match command {
                Command::Correct(n) => pending = self.correct(n)?.err(),
                Command::Void(n) => pending = self.void(n)?.err(),
                Command::Done => {
                    let text = format!(
                        "Klart. {} {} den här gången i {}.",
                        self.saved,
                        if self.saved == 1 {
                            "rad sparades"
                        } else {
                            "rader sparades"
                        },
                        self.name
                    );
                    self.io.say(&text)?;
                    return Ok(());
                }
                Command::EndOfInput => {
                    let text = format!(
                        "Inmatningen tog slut. {} {} den här gången; {} finns kvar i {}.",
                        self.saved,
                        if self.saved == 1 {
                            "rad sparades"
                        } else {
                            "rader sparades"
                        },
                        if self.saved == 1 { "den" } else { "de" },
                        self.name
                    );
                    self.io.say(&text)?;
                    return Ok(());
                }
            }
        }
    }

    /// Fills in a row until it is saved; after a refusal or a "no" the row
    /// is asked again with the typed values as defaults.
    fn enter_row(&mut self, row: u32, kind: EntryKind, defaults: Option<Vec<String>>) -> Step<()> {
        let mut defaults = defaults;
        loop {
            let fields = match self.fill(row, kind, defaults.as_deref())? {
                Ok(fields) => fields,
                Err(command) => {
                    if self.answered > 0 {
                        let text = format!("Rad {row} sparades inte.");
                        self.io.say(&text)?;
                    }
                    return Ok(Err(command));
                }
            };
            if step!(self.offer(row, kind, fields.clone())) {
                return Ok(Ok(()));
            }
            defaults = Some(fields);
        }
    }

    /// `rätta N`: asks every field again with the current values as
    /// defaults and appends a `rättelse` line.
    fn correct(&mut self, row: u32) -> Step<()> {
        let Some(latest) = self.existing_row(row)? else {
            return Ok(Ok(()));
        };
        let text = format!(
            "Rättar rad {row} på bladet (senaste versionen står på rad {} i filen). \
             Tom inmatning behåller värdet, - tömmer fältet.",
            latest.line
        );
        self.io.say(&text)?;
        let result = self.enter_row(row, EntryKind::Correction, Some(latest.fields.to_vec()))?;
        if result.is_ok() {
            let text = format!("Fortsätter på rad {}.", self.next_row());
            self.io.say(&text)?;
        }
        Ok(result)
    }

    /// `makulera N`: shows the row and appends a `makulering` line.
    fn void(&mut self, row: u32) -> Step<()> {
        let Some(latest) = self.existing_row(row)? else {
            return Ok(Ok(()));
        };
        let mut fields = latest.fields.to_vec();
        self.finish_fields(&mut fields, row, EntryKind::Void);
        let saved = step!(self.offer(row, EntryKind::Void, fields));
        if !saved {
            self.io
                .say("Raden makulerades inte. Rätta den med «rätta N» om den har fel.")?;
        }
        Ok(Ok(()))
    }

    /// The latest line of a row of this sheet, or a message why there is
    /// none.
    fn existing_row(&mut self, row: u32) -> io::Result<Option<super::validate::Latest>> {
        if !(1..=self.rows_per_sheet()).contains(&row) {
            let text = format!("bladet har rad 1–{}", self.rows_per_sheet());
            self.io.error(&text)?;
            return Ok(None);
        }
        match self.validator.latest(&self.sheet, row).cloned() {
            Some(latest) => Ok(Some(latest)),
            None => {
                let text = match self.validator.paper_correction(&self.sheet, row) {
                    Some(paper) if paper.corrects.0 == self.sheet => format!(
                        "rad {row} rättar rad {} (rad {} i filen); skriv «rätta {}» eller «makulera {}»",
                        paper.corrects.1, paper.line, paper.corrects.1, paper.corrects.1
                    ),
                    Some(paper) => format!(
                        "rad {row} rättar blad {} rad {} (rad {} i filen); ändra den i en inmatning för det bladet",
                        paper.corrects.0, paper.corrects.1, paper.line
                    ),
                    None => format!("rad {row} på blad {} finns inte i filen ännu", self.sheet),
                };
                self.io.error(&text)?;
                Ok(None)
            }
        }
    }

    /// Fills in what the session knows: sheet, row, outage start, kind,
    /// who typed and when.
    fn finish_fields(&self, f: &mut [String], row: u32, kind: EntryKind) {
        f[Column::Blad.index()] = self.sheet.to_string();
        f[Column::Rad.index()] = row.to_string();
        f[Column::DriftstoppStart.index()] = self
            .outage_start
            .as_ref()
            .map(fields::format_point)
            .unwrap_or_default();
        f[Column::Post.index()] = fields::kind_text(kind).to_owned();
        if kind != EntryKind::Original {
            // `rätta N` and `makulera N` name their row themselves; a paper
            // correction's «Rättar rad» is not carried over from it.
            f[Column::RattarRad.index()] = String::new();
        }
        f[Column::TranskriberadAv.index()] = self.by.clone();
        f[Column::Transkriberad.index()] = fields::format_point(&self.clock.now());
    }

    /// Checks the finished row, shows it and asks whether to save it.
    /// Returns whether it was saved.
    fn offer(&mut self, row: u32, kind: EntryKind, fields: Vec<String>) -> Step<bool> {
        let mut trial = self.validator.clone();
        trial.set_now(self.clock.now());
        let line = self.log.next_line();
        let written = self.log.format().from_current(&fields);
        let Some(checked) = trial.record(line, written.clone()) else {
            self.io.error("raden är tom och sparas inte")?;
            return Ok(Ok(false));
        };
        for text in describe(self.kit, &fields) {
            self.io.say(&text)?;
        }
        let prefix = format!("blad {} rad {row}, ", self.sheet);
        let scrubber = trial.scrubber();
        for d in &checked.diagnostics {
            let message = scrubber.scrub(&d.message);
            let message = message.strip_prefix(&prefix).unwrap_or(&message);
            if d.is_error() {
                self.io.error(message)?;
            } else {
                self.io.warning(message)?;
            }
        }
        if !checked.accepted {
            self.io
                .say("Raden kan inte sparas. Fyll i den igen; tom inmatning behåller värdet.")?;
            return Ok(Ok(false));
        }
        let question = match kind {
            EntryKind::Void => "Makulera raden? [j/n]",
            _ => "Spara raden? [j/n]",
        };
        loop {
            match self.io.ask(question, None)? {
                Reply::Text(t) if matches!(t.to_lowercase().as_str(), "j" | "ja") => break,
                Reply::Text(t) if matches!(t.to_lowercase().as_str(), "n" | "nej") => {
                    if kind != EntryKind::Void {
                        self.io.say(
                            "Raden sparades inte. Fyll i den igen; tom inmatning behåller värdet.",
                        )?;
                    }
                    return Ok(Ok(false));
                }
                Reply::Text(_) => self.io.error("svara j (spara) eller n (ändra)")?,
                Reply::Help => self.io.say(COMMANDS_HELP)?,
                Reply::Command(c) => {
                    let text = format!("Rad {row} sparades inte.");
                    self.io.say(&text)?;
                    return Ok(Err(c));
                }
            }
        }
        self.log.append(&written)?;
        self.validator = trial;
        self.saved += 1;
        let what = match kind {
            EntryKind::Original => "sparad",
            EntryKind::Correction => "rättad (rättelse sparad)",
            EntryKind::Void => "makulerad",
        };
        let text = format!("Rad {row} {what}.");
        self.io.say(&text)?;
        Ok(Ok(true))
    }
}

/// The row read back for confirmation, one line per group of fields.
fn describe(kit: &Kit, f: &[String]) -> Vec<String> {
    let get = |c: Column| f[c.index()].trim();
    let mut lines = vec![format!(
        "Blad {} rad {}:",
        get(Column::Blad),
        get(Column::Rad)
    )];
    let zone = match get(Column::Tidszon) {
        "" => String::new(),
        z => format!(" ({z})"),
    };
    lines.push(format!(
        "  Samtal:      {} {}{zone}, {}",
        get(Column::Datum),
        get(Column::Klockslag),
        match get(Column::Riktning) {
            "ut" => "ut (vi ringde)",
            _ => "in (vi blev uppringda)",
        }
    ));
    let counterpart = kit
        .directory
        .unit(get(Column::Motpart))
        .map_or_else(|| get(Column::Motpart).to_owned(), Unit::full_name);
    let person = match get(Column::MotpartPerson) {
        "" => String::new(),
        p => format!(", {p}"),
    };
    lines.push(format!("  Motpart:     {counterpart}{person}"));
    let id_kind = match fields::id_kind(get(Column::IdTyp)) {
        Ok(Some(kind)) => kind.label(),
        _ => "personnummer",
    };
    lines.push(format!(
        "  Patient:     {}, {id_kind} {}",
        get(Column::Patient),
        get(Column::Personnummer)
    ));
    let event = get(Column::Handelse)
        .parse::<u8>()
        .ok()
        .and_then(|code| kit.settings.event(code));
    if let Some(event) = event {
        lines.push(format!("  Händelse:    {} {}", event.code, event.name));
    }
    if !get(Column::DatumUppgift).is_empty() {
        lines.push(format!("  Datum:       {}", get(Column::DatumUppgift)));
    }
    if !get(Column::LakareKontakt).is_empty() {
        let label = match event {
            Some(e) if e.facts.contains(&Fact::CareContact) => "Vårdkontakt:",
            _ => "Läkare:     ",
        };
        lines.push(format!("  {label} {}", get(Column::LakareKontakt)));
    }
    lines.push(format!("  Nådd:        {}", get(Column::Nadd)));
    if !get(Column::Notering).is_empty() {
        lines.push(format!("  Notering:    {}", get(Column::Notering)));
    }
    if !get(Column::Signatur).is_empty() {
        lines.push(format!("  Signatur:    {}", get(Column::Signatur)));
    }
    if !get(Column::RattarRad).is_empty() {
        lines.push(format!("  Rättar rad:  {}", get(Column::RattarRad)));
    }
    if !get(Column::Post).is_empty() {
        lines.push(format!("  Post:        {}", get(Column::Post)));
    }
    lines
}
