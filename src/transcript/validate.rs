//! Checking transcription lines against the kit: every value on its own,
//! the rules between values of one line, and the rules between lines (the
//! sheet's outage start, corrections, rows typed twice).
//!
//! The [`Validator`] reads lines in order and keeps what later lines depend
//! on. Each line becomes an [`Entry`] or a [`Rejection`], and every problem a
//! located [`Diagnostic`] worded `blad X rad N, fält «kolumn»: …`. Messages
//! never contain the patient's name or identity number; other values are
//! quoted through [`fields::shown`].
//!
//! A rejected line that a later valid `rättelse` or `makulering` of the same
//! sheet row replaces stays a rejection (lines are never removed), but its
//! errors are reported as warnings: the file is in order once every mistake
//! has been corrected by appending, never by overwriting.

use super::columns::{self, Column, Format};
use super::csv;
use super::entry::{
    Direction, Entry, EntryKind, Rejection, Remark, RemarkKind, SheetNo, SourceRef, Transcript,
    same_content,
};
use super::fields::{self, shown};
use super::privacy;
use crate::diag::{Diagnostic, Severity};
use crate::model::Kit;
use crate::personal_id::IdKind;
use jiff::ZonedDateTime;
use std::collections::BTreeMap;

mod problems;
mod rules;
#[cfg(test)]
mod tests;

use problems::{Problems, Secrets, label, missing, reason, required, where_};
use rules::{
    check_call_time, check_contact, check_counterpart, check_fact_date, check_municipality_hours,
    check_roles,
};

/// The latest line read for one sheet row, as written (after filling in a
/// `makulering` line from the line it voids).
#[derive(Debug, Clone)]
pub struct Latest {
    pub file: String,
    pub line: usize,
    pub fields: Vec<String>,
    pub accepted: bool,
}

/// One line read for a sheet row: where, and the entry it became.
#[derive(Debug, Clone)]
struct Seen {
    file: String,
    line: usize,
    entry: Option<usize>,
}

/// A paper row whose «Rättar rad» names another row.
#[derive(Debug, Clone)]
pub struct PaperCorrection {
    pub file: String,
    pub line: usize,
    /// The sheet and row it corrects.
    pub corrects: (SheetNo, u32),
}

/// What became of one line.
#[derive(Debug, Clone)]
pub struct Checked {
    pub accepted: bool,
    /// The line's diagnostics, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

/// The outage start of a sheet as far as one file has stated it.
#[derive(Debug, Clone)]
enum SheetStart {
    Valid(ZonedDateTime),
    Invalid { line: usize },
}

/// Reads transcription lines in order; see the module documentation.
#[derive(Debug, Clone)]
pub struct Validator<'k> {
    kit: &'k Kit,
    now: ZonedDateTime,
    file: String,
    /// The header of the current file: with or without `rattar_rad`.
    format: Format,
    /// Outage start per sheet in the current file (inherited by later lines).
    starts_in_file: BTreeMap<SheetNo, SheetStart>,
    /// The first valid outage start per sheet across all files, with where.
    starts: BTreeMap<SheetNo, (ZonedDateTime, String, usize)>,
    latest: BTreeMap<(SheetNo, u32), Latest>,
    /// Every line read per sheet row, in order.
    seen: BTreeMap<(SheetNo, u32), Vec<Seen>>,
    max_row: BTreeMap<SheetNo, u32>,
    /// Paper rows written as the correction of another row: where the line
    /// is, and the row it corrects.
    paper_corrections: BTreeMap<(SheetNo, u32), PaperCorrection>,
    /// Rejected lines per sheet row that a later correction may replace: the
    /// range of their diagnostics.
    open: BTreeMap<(SheetNo, u32), Vec<std::ops::Range<usize>>>,
    transcript: Transcript,
    diags: Vec<Diagnostic>,
    /// Every patient name and reservnummer read, for scrubbing messages.
    known: privacy::Collector,
}

impl<'k> Validator<'k> {
    /// A validator for lines checked against `kit`, with `now` as the
    /// latest moment a call or outage can have happened.
    pub fn new(kit: &'k Kit, now: ZonedDateTime) -> Self {
        Validator {
            kit,
            now,
            file: String::new(),
            format: Format::Current,
            starts_in_file: BTreeMap::new(),
            starts: BTreeMap::new(),
            latest: BTreeMap::new(),
            seen: BTreeMap::new(),
            max_row: BTreeMap::new(),
            paper_corrections: BTreeMap::new(),
            open: BTreeMap::new(),
            transcript: Transcript::default(),
            diags: Vec::new(),
            known: privacy::Collector::default(),
        }
    }

    /// Changes the moment after which calls are refused (the guided entry
    /// moves it forward as the clock runs).
    pub fn set_now(&mut self, now: ZonedDateTime) {
        self.now = now;
    }

    /// Reads the text of one file. A file that has no usable header yields
    /// one error and a rejection for each of its lines.
    pub fn read_text(&mut self, file: &str, text: &str) {
        self.begin_file(file);
        let table = match csv::parse(text) {
            Ok(table) => table,
            Err(e) => {
                self.diags
                    .push(Diagnostic::error(file, e.line, 0, e.message));
                return;
            }
        };
        let checked_header = columns::check_header(&table.header.fields);
        if let Ok(format) = checked_header {
            self.format = format;
        }
        if let Err(message) = checked_header {
            let count = table.rows.len();
            self.diags.push(
                Diagnostic::error(
                    file,
                    table.header.line,
                    0,
                    format!(
                        "{message}; filens {count} {} inte läsas",
                        if count == 1 { "rad kan" } else { "rader kan" }
                    ),
                )
                .with_hint(format!(
                    "första raden ska vara: {}",
                    columns::header_line(table.separator)
                )),
            );
            for row in &table.rows {
                let line = match row {
                    Ok(r) => r.line,
                    Err(e) => e.line,
                };
                self.transcript.lines_read += 1;
                self.transcript.rejections.push(Rejection {
                    file: file.to_owned(),
                    line,
                    sheet: None,
                    row: None,
                    reasons: vec!["filens rubrikrad är fel".to_owned()],
                });
            }
            return;
        }
        for row in table.rows {
            match row {
                Ok(record) => {
                    self.record(record.line, record.fields);
                }
                Err(e) => {
                    self.transcript.lines_read += 1;
                    self.transcript.rejections.push(Rejection {
                        file: file.to_owned(),
                        line: e.line,
                        sheet: None,
                        row: None,
                        reasons: vec![e.message.clone()],
                    });
                    self.diags.push(Diagnostic::error(
                        file,
                        e.line,
                        0,
                        format!("raden kan inte delas upp i fält: {}", e.message),
                    ));
                }
            }
        }
    }

    /// Starts a new file: outage starts are inherited only within a file.
    pub fn begin_file(&mut self, file: &str) {
        self.file = file.to_owned();
        self.format = Format::Current;
        self.starts_in_file.clear();
        if !self.transcript.files.iter().any(|f| f == file) {
            self.transcript.files.push(file.to_owned());
        }
    }

    /// Records a problem with a whole file (unreadable, not UTF-8).
    pub fn push_file_error(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// The latest line read for a sheet row, if any.
    pub fn latest(&self, sheet: &SheetNo, row: u32) -> Option<&Latest> {
        self.latest.get(&(sheet.clone(), row))
    }

    /// The paper correction written on a sheet row, if that row corrects
    /// another.
    pub fn paper_correction(&self, sheet: &SheetNo, row: u32) -> Option<&PaperCorrection> {
        self.paper_corrections.get(&(sheet.clone(), row))
    }

    /// The highest row number read for a sheet.
    pub fn last_row(&self, sheet: &SheetNo) -> Option<u32> {
        self.max_row.get(sheet).copied()
    }

    /// The sheet's outage start as stated in the current file, if valid.
    pub fn outage_start(&self, sheet: &SheetNo) -> Option<&ZonedDateTime> {
        match self.starts_in_file.get(sheet) {
            Some(SheetStart::Valid(at)) => Some(at),
            _ => None,
        }
    }

    /// Error diagnostics so far (replaced lines' errors are warnings).
    pub fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    /// Everything read, with the diagnostics sorted and scrubbed of every
    /// patient name and identity number read (see [`Validator::finish_private`]).
    pub fn finish(self) -> (Transcript, Vec<Diagnostic>) {
        let (transcript, diags, _) = self.finish_private();
        (transcript, diags)
    }

    /// The scrubber for every patient name and reservnummer read so far.
    pub fn scrubber(&self) -> privacy::Scrubber {
        self.known.scrubber(self.kit)
    }

    /// Everything read, and the scrubber that knows every patient name and
    /// reservnummer of all lines. The diagnostics (sorted) and the
    /// rejections' reasons are scrubbed with it, so a name written in a
    /// wrong column of one file is hidden even in a message about another.
    pub fn finish_private(self) -> (Transcript, Vec<Diagnostic>, privacy::Scrubber) {
        let scrubber = self.scrubber();
        let mut diags = self.diags;
        for d in &mut diags {
            d.message = scrubber.scrub(&d.message);
            d.hint = d.hint.as_deref().map(|h| scrubber.scrub(h));
        }
        crate::diag::sort(&mut diags);
        let mut transcript = self.transcript;
        for r in &mut transcript.rejections {
            for reason in &mut r.reasons {
                *reason = scrubber.scrub(reason);
            }
        }
        (transcript, diags, scrubber)
    }

    /// Checks one record of the current file, starting at `line`. A record
    /// whose call columns are all empty is an unused row of a prefilled
    /// template and is skipped (`None`). The fields are as the file has
    /// them, in the columns of its header.
    pub fn record(&mut self, line: usize, mut fields: Vec<String>) -> Option<Checked> {
        let width = self.format.width();
        if fields.len() > width && fields[width..].iter().all(|v| v.trim().is_empty()) {
            fields.truncate(width);
        }
        let written = fields.len();
        // A line of a file without `rattar_rad` reads as if it were empty.
        let fields = self.format.to_current(fields);
        let unused = Column::ALL
            .iter()
            .filter(|c| c.describes_call())
            .all(|c| fields.get(c.index()).is_none_or(|v| v.trim().is_empty()));
        if unused {
            return None;
        }
        self.transcript.lines_read += 1;
        let first_diag = self.diags.len();
        if written != width {
            // The fields are shifted: any of them may be the patient's name
            // or number, so none is copied anywhere, not even the sheet.
            let message = format!(
                "raden har {written} fält; väntade {width} (ett per kolumn i rubrikraden)",
            );
            self.diags.push(
                Diagnostic::error(&self.file, line, 0, message.clone())
                    .with_hint("ett värde som innehåller skiljetecknet ska stå inom citattecken"),
            );
            self.transcript.rejections.push(Rejection {
                file: self.file.clone(),
                line,
                sheet: None,
                row: None,
                reasons: vec![message],
            });
            return Some(self.checked(first_diag, false));
        }
        self.known.add_line(&fields);
        let accepted = self.check_line(line, fields);
        Some(self.checked(first_diag, accepted))
    }

    fn checked(&self, first_diag: usize, accepted: bool) -> Checked {
        Checked {
            accepted,
            diagnostics: self.diags[first_diag..].to_vec(),
        }
    }

    /// Checks a line with exactly [`columns::COUNT`] fields; returns whether it
    /// became an entry.
    fn check_line(&mut self, line: usize, mut f: Vec<String>) -> bool {
        let kit = self.kit;
        let settings = &kit.settings;
        let directory = &kit.directory;
        let mut p = Problems::default();
        let written_sheet = f[Column::Blad.index()].trim().to_owned();
        let written_row = f[Column::Rad.index()].trim().to_owned();
        for c in Column::ALL {
            let value = f[c.index()].trim();
            let chars = value.chars().count();
            if chars > c.max_chars() {
                p.error_hint(
                    c,
                    format!(
                        "värdet har {chars} tecken; högst {} får plats (värdet visas inte)",
                        c.max_chars()
                    ),
                    "skriv det väsentliga kort; hela texten finns kvar på pappersblanketten",
                );
            }
            if c.is_free_text() && privacy::contains_identity_number(value) {
                p.warning(
                    c,
                    "innehåller något som liknar ett personnummer (värdet visas inte); \
                     identitetsnummer hör hemma bara i «personnummer»",
                );
            }
        }

        // Sheet, row and kind first: a makulering line takes what it leaves
        // empty from the line it voids.
        let sheet = required(&mut p, &f, Column::Blad).and_then(|v| {
            fields::sheet(v, directory)
                .map_err(|m| p.error(Column::Blad, m))
                .ok()
        });
        let row = required(&mut p, &f, Column::Rad).and_then(|v| {
            fields::row(v, settings.print.rows_per_sheet)
                .map_err(|m| p.error(Column::Rad, m))
                .ok()
        });
        let mut kind = fields::kind(&f[Column::Post.index()])
            .map_err(|m| p.error(Column::Post, m))
            .ok();
        // The row on paper; a paper correction stands for the row it names.
        let paper_key = match (&sheet, row) {
            (Some((s, _)), Some(r)) => Some((s.clone(), r)),
            _ => None,
        };
        let corrects = match &paper_key {
            Some((s, r)) => fields::corrected_row(
                &f[Column::RattarRad.index()],
                s,
                *r,
                settings.print.rows_per_sheet,
            )
            .map_err(|m| p.error(Column::RattarRad, m))
            .ok()
            .flatten(),
            None => None,
        };
        if corrects.is_some() {
            match kind {
                Some(EntryKind::Void) => p.error_hint(
                    Column::RattarRad,
                    "en makulering kan inte samtidigt rätta en rad",
                    "lämna rattar_rad tom på makuleringen, eller post tom på rättelsen",
                ),
                // The paper's correction is a `rättelse` of the row it names.
                _ => kind = Some(EntryKind::Correction),
            }
        }
        let key = corrects.clone().or_else(|| paper_key.clone());
        let previous = key.as_ref().and_then(|k| self.latest.get(k)).cloned();
        let mut inherited_from = None;
        // Two coordinators may type the same paper sheet into their own
        // files: a second transcription from another file is compared with
        // the first once it is read (see `second_transcription`). Within one
        // file, a row typed twice needs a correction.
        let earlier_in_file = key
            .as_ref()
            .and_then(|k| self.seen.get(k))
            .and_then(|lines| lines.iter().rev().find(|l| l.file == self.file))
            .map(|l| l.line);
        let mut other_file = false;
        // A paper row that corrects another is used: typed again as an
        // original in the same file it is a row typed twice.
        if corrects.is_none()
            && kind == Some(EntryKind::Original)
            && let Some(paper) = paper_key
                .as_ref()
                .and_then(|k| self.paper_corrections.get(k))
                .filter(|pc| pc.file == self.file)
        {
            p.error_hint(
                Column::Post,
                format!(
                    "blad och rad finns redan på {} (den rättar rad {})",
                    where_(&self.file, paper.line, &self.file),
                    paper.corrects.1
                ),
                "för att ändra en rad: lägg till en ny rad med «rättelse» i post; skriv aldrig över",
            );
        }
        match (kind, &previous) {
            (Some(EntryKind::Correction), None) if corrects.is_some() => p.error_hint(
                Column::RattarRad,
                "raden som rättas finns inte bland raderna före den här",
                "skriv den rättade raden först, som den står på pappret",
            ),
            (Some(EntryKind::Correction), None) if key.is_some() => p.error_hint(
                Column::Post,
                "rättelse men ingen tidigare rad för samma blad och rad",
                "en rättelse står efter raden den ersätter; skriv originalraden först (post tomt)",
            ),
            (Some(EntryKind::Original), Some(_)) => match earlier_in_file {
                Some(earlier) => p.error_hint(
                    Column::Post,
                    format!(
                        "blad och rad finns redan på {}",
                        where_(&self.file, earlier, &self.file)
                    ),
                    "för att ändra en rad: lägg till en ny rad med «rättelse» i post; skriv aldrig över",
                ),
                None => other_file = true,
            },
            (Some(EntryKind::Void), Some(prev)) => {
                let mut any = false;
                for c in Column::ALL {
                    let fill = c.describes_call() || c == Column::DriftstoppStart;
                    let own = matches!(c, Column::Post | Column::RattarRad);
                    if fill && !own && f[c.index()].trim().is_empty() {
                        f[c.index()] = prev.fields[c.index()].clone();
                        any = true;
                    }
                }
                if any {
                    inherited_from = Some(prev.line);
                }
            }
            _ => {}
        }

        let unit = sheet.as_ref().map(|(_, u)| *u);
        let outage_start = self.outage_start_of(&mut p, line, &f, sheet.as_ref().map(|(s, _)| s));

        let (date, at) = check_call_time(&mut p, &f, outage_start.as_ref(), &self.now);

        let direction = required(&mut p, &f, Column::Riktning).and_then(|v| {
            fields::direction(v)
                .map_err(|m| p.error(Column::Riktning, m))
                .ok()
        });
        let counterpart = check_counterpart(&mut p, &f, directory, unit);
        let reached = required(&mut p, &f, Column::Nadd).and_then(|v| {
            fields::reached(v, false)
                .map_err(|m| p.error(Column::Nadd, m))
                .ok()
        });
        // Warnings a coordinator must also find in the records.
        let mut remarks: Vec<(RemarkKind, usize)> = Vec::new();
        let person = f[Column::MotpartPerson.index()].trim().to_owned();
        if person.is_empty() && reached == Some(true) {
            remarks.push((RemarkKind::NoPersonNamed, p.items.len()));
            missing(&mut p, Column::MotpartPerson);
        }
        let patient = f[Column::Patient.index()].trim().to_owned();
        if patient.is_empty() {
            missing(&mut p, Column::Patient);
        }
        let id_kind = fields::id_kind(&f[Column::IdTyp.index()])
            .map_err(|m| p.error(Column::IdTyp, m))
            .ok();
        let reference = date.unwrap_or(self.now.date());
        let patient_id = match id_kind {
            Some(stated) => required(&mut p, &f, Column::Personnummer).and_then(|v| {
                let reserve = stated == Some(IdKind::Reservnummer);
                fields::personal_id(v, reserve, reference)
                    .map_err(|m| p.error(Column::Personnummer, m))
                    .ok()
            }),
            None => None,
        };
        if let (Some(stated), Some(id)) = (id_kind, &patient_id)
            && let Some(message) = fields::id_kind_disagrees(stated, id)
        {
            p.warning(Column::IdTyp, message);
        }

        let event = required(&mut p, &f, Column::Handelse).and_then(|v| {
            fields::event(v, settings)
                .map_err(|m| p.error(Column::Handelse, m))
                .ok()
        });
        let mut fact_date = None;
        let mut contact = None;
        if let Some(event) = event {
            // Without a valid direction the row is rejected anyway; ask for
            // every fact then.
            let caller_row = direction != Some(Direction::Incoming);
            fact_date = check_fact_date(&mut p, &f, event, date, caller_row);
            contact = check_contact(&mut p, &f, event, caller_row);
        }
        let signature = f[Column::Signatur.index()].trim().to_owned();
        if signature.is_empty() {
            missing(&mut p, Column::Signatur);
        }
        let by = f[Column::TranskriberadAv.index()].trim().to_owned();
        if by.is_empty() {
            missing(&mut p, Column::TranskriberadAv);
        }
        let typed_at = required(&mut p, &f, Column::Transkriberad).and_then(|v| {
            fields::date_time(v)
                .map(|at| fields::format_minute(&at))
                .map_err(|m| p.error(Column::Transkriberad, m))
                .ok()
        });

        if let (Some(unit), Some(cp), Some(event), Some(direction)) =
            (unit, counterpart, event, direction)
        {
            let before = p.items.len();
            check_roles(&mut p, settings, unit, cp, event, direction);
            if p.items.len() > before {
                remarks.push((RemarkKind::UnusualDirection, before));
            }
        }
        if let (Some(cp), Some(at), Some(Direction::Outgoing)) = (counterpart, &at, direction) {
            let before = p.items.len();
            check_municipality_hours(&mut p, cp, at, settings.municipality_hours);
            if p.items.len() > before {
                remarks.push((RemarkKind::OutsideHours, before));
            }
        }
        let remarks: Vec<(RemarkKind, String)> = remarks
            .into_iter()
            .map(|(kind, i)| {
                let text = match (kind, counterpart) {
                    (RemarkKind::NoPersonNamed, Some(cp)) => format!(
                        "samtalet nådde fram, men ingen person hos {} är antecknad",
                        cp.full_name()
                    ),
                    _ => p.items[i].message.clone(),
                };
                (kind, text)
            })
            .collect();

        if kind == Some(EntryKind::Void) {
            // Remarks about a call that did not count are noise.
            p.items.retain(|item| item.severity == Severity::Error);
        }
        let accepted = !p.has_errors();
        let first_diag = self.diags.len();
        let secrets = Secrets::of(&f);
        let written_sheet = secrets.written(&written_sheet);
        let written_row = secrets.written(&written_row);
        self.report(
            line,
            &written_sheet,
            &written_row,
            &p,
            inherited_from,
            &secrets,
        );
        let reasons: Vec<String> = p
            .items
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| secrets.scrub(&reason(i, inherited_from)))
            .collect();

        // A paper correction stands for the row it corrects.
        let (sheet, row) = match (&corrects, sheet) {
            (Some((target, target_row)), Some((_, unit))) => {
                (Some((target.clone(), unit)), Some(*target_row))
            }
            (_, sheet) => (sheet, row),
        };
        let entry = match (
            accepted,
            sheet,
            row,
            kind,
            outage_start,
            at,
            direction,
            counterpart,
            patient_id,
            event,
            reached,
            typed_at,
        ) {
            (
                true,
                Some((sheet, unit)),
                Some(row),
                Some(kind),
                Some(outage_start),
                Some(at),
                Some(direction),
                Some(counterpart),
                Some(patient_id),
                Some(event),
                Some(reached),
                Some(typed_at),
            ) => Some(Entry {
                source: SourceRef {
                    file: self.file.clone(),
                    line,
                    sheet,
                    row,
                },
                kind,
                unit: unit.id.clone(),
                outage_start,
                at,
                direction,
                counterpart: counterpart.id.clone(),
                counterpart_person: person,
                patient_name: patient,
                patient_id,
                event: event.code,
                fact_date,
                physician_or_contact: contact,
                reached,
                note: f[Column::Notering.index()].trim().to_owned(),
                signature,
                transcribed_by: by,
                transcribed_at: typed_at,
            }),
            _ => None,
        };
        let accepted = entry.is_some();
        let entry_index = self.transcript.entries.len();
        match entry {
            Some(entry) => {
                if other_file
                    && let Some(k) = &key
                    && let Some((severity, message)) = self.second_transcription(k, &entry)
                {
                    let label = label(
                        written_sheet.as_deref().unwrap_or("(värdet visas inte)"),
                        written_row.as_deref().unwrap_or("(värdet visas inte)"),
                    );
                    let message = secrets.scrub(&format!("{label}, {message}"));
                    self.diags.push(match severity {
                        Severity::Error => Diagnostic::error(&self.file, line, 0, message),
                        Severity::Warning => Diagnostic::warning(&self.file, line, 0, message),
                    });
                }
                if kind != Some(EntryKind::Void) {
                    for (kind, text) in remarks {
                        self.transcript.remarks.push(Remark {
                            entry: entry_index,
                            kind,
                            text: secrets.scrub(&text),
                        });
                    }
                }
                self.transcript.entries.push(entry);
            }
            None => self.transcript.rejections.push(Rejection {
                file: self.file.clone(),
                line,
                sheet: written_sheet,
                row: written_row,
                reasons: if reasons.is_empty() {
                    vec!["raden kunde inte läsas".to_owned()]
                } else {
                    reasons
                },
            }),
        }

        if let Some(key) = key {
            if accepted && matches!(kind, Some(EntryKind::Correction | EntryKind::Void)) {
                self.replace_open(&key, line, kind);
            } else if !accepted {
                let range = first_diag..self.diags.len();
                self.open.entry(key.clone()).or_default().push(range);
            }
            self.seen.entry(key.clone()).or_default().push(Seen {
                file: self.file.clone(),
                line,
                entry: accepted.then_some(entry_index),
            });
            if let (Some(target), Some(paper)) = (&corrects, &paper_key) {
                self.paper_corrections.insert(
                    paper.clone(),
                    PaperCorrection {
                        file: self.file.clone(),
                        line,
                        corrects: target.clone(),
                    },
                );
            }
            // The paper row a correction was written on is used too.
            for (sheet, row) in [Some(&key), paper_key.as_ref()].into_iter().flatten() {
                let max = self.max_row.entry(sheet.clone()).or_insert(0);
                *max = (*max).max(*row);
            }
            self.latest.insert(
                key,
                Latest {
                    file: self.file.clone(),
                    line,
                    fields: f,
                    accepted,
                },
            );
        }
        accepted
    }

    /// What a row typed again in another file amounts to, read the way
    /// reconciliation reads it (`reconcile::rows`): the same content as a
    /// transcription in force is a `dubblett`, counted once; different
    /// content holds the row for a human until a `rättelse` settles it.
    /// Both are warnings: typing a sheet twice is no mistake.
    fn second_transcription(
        &self,
        key: &(SheetNo, u32),
        entry: &Entry,
    ) -> Option<(Severity, String)> {
        let entries = &self.transcript.entries;
        // The transcriptions in force: the latest correction, or every
        // original since; none after a void.
        let mut in_force: Vec<&Seen> = Vec::new();
        let mut voided_by: Option<&Seen> = None;
        for seen in self.seen.get(key)? {
            let Some(i) = seen.entry else { continue };
            match entries[i].kind {
                EntryKind::Original => {
                    if voided_by.is_none() {
                        in_force.push(seen);
                    }
                }
                EntryKind::Correction => {
                    in_force = vec![seen];
                    voided_by = None;
                }
                EntryKind::Void => {
                    in_force.clear();
                    voided_by = Some(seen);
                }
            }
        }
        let at = |s: &Seen| where_(&s.file, s.line, &self.file);
        if let Some(void) = voided_by {
            return Some((
                Severity::Warning,
                format!(
                    "fält «post»: raden är makulerad på {}; den här avskriften används inte",
                    at(void)
                ),
            ));
        }
        let same = in_force
            .iter()
            .find(|s| s.entry.is_some_and(|i| same_content(&entries[i], entry)));
        if let Some(same) = same {
            return Some((
                Severity::Warning,
                format!(
                    "fält «post»: dubblett: samma blad och rad med samma innehåll finns på {}; raden räknas en gång",
                    at(same)
                ),
            ));
        }
        if in_force.is_empty() {
            return None;
        }
        let others: Vec<String> = in_force.iter().map(|s| at(s)).collect();
        Some((
            Severity::Warning,
            format!(
                "fält «post»: transkriberad två gånger med olika innehåll: samma blad och rad finns på {}; raden används inte förrän en rättelse avgör vad som står på pappret",
                others.join(" och ")
            ),
        ))
    }

    /// The outage start that applies to this line: its own, or the one
    /// stated earlier for the sheet in this file.
    fn outage_start_of(
        &mut self,
        p: &mut Problems,
        line: usize,
        f: &[String],
        sheet: Option<&SheetNo>,
    ) -> Option<ZonedDateTime> {
        let written = f[Column::DriftstoppStart.index()].trim();
        if written.is_empty() {
            let sheet = sheet?;
            return match self.starts_in_file.get(sheet) {
                Some(SheetStart::Valid(at)) => Some(at.clone()),
                Some(SheetStart::Invalid { line }) => {
                    p.error(
                        Column::DriftstoppStart,
                        format!("saknas, och bladets värde på rad {line} i filen är ogiltigt"),
                    );
                    None
                }
                None => {
                    p.error_hint(
                        Column::DriftstoppStart,
                        "saknas; bladets första rad i filen ska ha driftstoppets början",
                        "skriv tiden från bladets huvud, ÅÅÅÅ-MM-DD TT:MM",
                    );
                    None
                }
            };
        }
        match fields::date_time(written) {
            Ok(at) => {
                if at > self.now {
                    p.error(
                        Column::DriftstoppStart,
                        format!(
                            "driftstoppets början {} ligger efter nu ({})",
                            fields::format_minute(&at),
                            fields::format_minute(&self.now)
                        ),
                    );
                }
                if let Some(sheet) = sheet {
                    match self.starts.get(sheet) {
                        Some((first, file, first_line)) if *first != at => p.error(
                            Column::DriftstoppStart,
                            format!(
                                "{} skiljer sig från bladets driftstopp_start {} på {}",
                                shown(written),
                                fields::format_minute(first),
                                where_(file, *first_line, &self.file)
                            ),
                        ),
                        Some(_) => {}
                        None => {
                            self.starts
                                .insert(sheet.clone(), (at.clone(), self.file.clone(), line));
                        }
                    }
                    self.starts_in_file
                        .entry(sheet.clone())
                        .or_insert(SheetStart::Valid(at.clone()));
                }
                Some(at)
            }
            Err(m) => {
                p.error(Column::DriftstoppStart, m);
                if let Some(sheet) = sheet {
                    self.starts_in_file
                        .entry(sheet.clone())
                        .or_insert(SheetStart::Invalid { line });
                }
                None
            }
        }
    }

    /// Turns the problems of a line into diagnostics.
    fn report(
        &mut self,
        line: usize,
        sheet: &Option<String>,
        row: &Option<String>,
        p: &Problems,
        inherited_from: Option<usize>,
        secrets: &Secrets,
    ) {
        let label = label(
            sheet.as_deref().unwrap_or("(värdet visas inte)"),
            row.as_deref().unwrap_or("(värdet visas inte)"),
        );
        for item in &p.items {
            let message = secrets.scrub(&format!("{label}, {}", reason(item, inherited_from)));
            let mut d = match item.severity {
                Severity::Error => Diagnostic::error(&self.file, line, 0, message),
                Severity::Warning => Diagnostic::warning(&self.file, line, 0, message),
            };
            if let Some(hint) = &item.hint {
                d = d.with_hint(hint.clone());
            }
            self.diags.push(d);
        }
    }

    /// A valid correction or voiding replaces the rejected lines before it
    /// for the same sheet row: their errors become warnings.
    fn replace_open(&mut self, key: &(SheetNo, u32), line: usize, kind: Option<EntryKind>) {
        let what = match kind {
            Some(EntryKind::Void) => "makuleringen",
            _ => "rättelsen",
        };
        for range in self.open.remove(key).unwrap_or_default() {
            for d in &mut self.diags[range] {
                if d.is_error() {
                    d.severity = Severity::Warning;
                    d.message = format!(
                        "{} (raden är ersatt av {what} på {})",
                        d.message,
                        where_(&self.file, line, &d.file)
                    );
                }
            }
        }
    }
}
