//! The values of one line, concern by concern: lengths, the sheet row it
//! belongs to, and the call it describes. Each check adds its problems in
//! the order the columns are read, so a line's messages keep their order.
//! The rules between lines (earlier rows, outage starts) are the
//! [`Validator`](super::Validator)'s.

use super::super::columns::Column;
use super::super::entry::{
    Direction, Entry, EntryKind, FactDate, Names, RemarkKind, SheetNo, SourceRef,
};
use super::super::fields;
use super::super::privacy;
use super::problems::{Problems, missing, required};
use super::rules::{
    check_call_time, check_contact, check_counterpart, check_fact_date, check_municipality_hours,
    check_roles,
};
use crate::model::{Event, Kit, Settings, Unit};
use crate::personal_id::{IdKind, PersonalId};
use jiff::ZonedDateTime;
use jiff::civil::{Date, DateTime};

/// A sheet and a row number on it.
pub(super) type RowKey = (SheetNo, u32);

/// Every value too long for its box is an error; an identity number in a
/// free-text column a warning. Neither value is shown.
pub(super) fn check_lengths(p: &mut Problems, f: &[String]) {
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
}

/// Where a line belongs: the row on paper, the row it stands for and its
/// kind.
#[derive(Debug, Clone)]
pub(super) struct Place<'k> {
    pub(super) sheet: Option<(SheetNo, &'k Unit)>,
    pub(super) row: Option<u32>,
    pub(super) kind: Option<EntryKind>,
    /// The row on paper.
    pub(super) paper_key: Option<RowKey>,
    /// The row a paper correction names in «Rättar rad».
    pub(super) corrects: Option<RowKey>,
    /// The row the line stands for: the one it corrects, or its own.
    pub(super) key: Option<RowKey>,
}

impl<'k> Place<'k> {
    /// The sheet's unit, when the sheet could be read.
    pub(super) fn unit(&self) -> Option<&'k Unit> {
        self.sheet.as_ref().map(|(_, u)| *u)
    }

    /// Makes every sheet's unit id the run's one copy of it, so the rows
    /// kept share it.
    pub(super) fn share_units(&mut self, names: &mut Names) {
        let keys = [&mut self.paper_key, &mut self.corrects, &mut self.key];
        let sheets = self
            .sheet
            .iter_mut()
            .map(|(s, _)| s)
            .chain(keys.into_iter().flatten().map(|(s, _)| s));
        for sheet in sheets {
            sheet.unit = names.get(&sheet.unit);
        }
    }

    /// The sheet and row an entry is filed under: a paper correction
    /// stands for the row it corrects.
    pub(super) fn filed(&self) -> (Option<(SheetNo, &'k Unit)>, Option<u32>) {
        match (&self.corrects, &self.sheet) {
            (Some((target, target_row)), Some((_, unit))) => {
                (Some((target.clone(), *unit)), Some(*target_row))
            }
            _ => (self.sheet.clone(), self.row),
        }
    }
}

/// Sheet, row, «Rättar rad» and kind. A paper row that names another row
/// is a `rättelse` of it, and cannot also be a `makulering`.
pub(super) fn check_place<'k>(p: &mut Problems, f: &[String], kit: &'k Kit) -> Place<'k> {
    let rows_per_sheet = kit.settings.print.rows_per_sheet;
    let sheet = required(p, f, Column::Blad).and_then(|v| {
        fields::sheet(v, &kit.directory)
            .map_err(|m| p.error(Column::Blad, m))
            .ok()
    });
    let row = required(p, f, Column::Rad).and_then(|v| {
        fields::row(v, rows_per_sheet)
            .map_err(|m| p.error(Column::Rad, m))
            .ok()
    });
    let mut kind = fields::kind(&f[Column::Post.index()])
        .map_err(|m| p.error(Column::Post, m))
        .ok();
    let paper_key = match (&sheet, row) {
        (Some((s, _)), Some(r)) => Some((s.clone(), r)),
        _ => None,
    };
    let corrects = match &paper_key {
        Some((s, r)) => fields::corrected_row(&f[Column::RattarRad.index()], s, *r, rows_per_sheet)
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
    Place {
        sheet,
        row,
        kind,
        paper_key,
        corrects,
        key,
    }
}

/// A `makulering` takes what it leaves empty of the call (and the outage
/// start) from the line it voids; returns whether it took anything.
pub(super) fn fill_void(f: &mut [String], voided: &super::Fields) -> bool {
    let mut any = false;
    for c in Column::ALL {
        let fill = c.describes_call() || c == Column::DriftstoppStart;
        let own = matches!(c, Column::Post | Column::RattarRad);
        if fill && !own && f[c.index()].trim().is_empty() {
            f[c.index()] = voided[c.index()].to_owned();
            any = true;
        }
    }
    any
}

/// The values of the call a line describes, as far as they could be read.
#[derive(Debug, Clone)]
pub(super) struct Call<'k> {
    pub(super) outage_start: Option<ZonedDateTime>,
    pub(super) at: Option<ZonedDateTime>,
    pub(super) direction: Option<Direction>,
    pub(super) counterpart: Option<&'k Unit>,
    pub(super) reached: Option<bool>,
    pub(super) person: String,
    pub(super) patient: String,
    pub(super) patient_id: Option<PersonalId>,
    pub(super) event: Option<&'k Event>,
    pub(super) fact_date: Option<FactDate>,
    pub(super) contact: Option<String>,
    pub(super) note: String,
    pub(super) signature: String,
    pub(super) transcribed_by: String,
    pub(super) transcribed_at: Option<DateTime>,
}

/// Warnings a coordinator must also find in the records: the kind, and the
/// index of the problem that says it.
pub(super) type RemarkAt = (RemarkKind, usize);

/// Checks the call's columns, from the date to «transkriberad», against
/// the sheet's unit and outage start. Also returns the remarks found.
pub(super) fn check_call<'k>(
    p: &mut Problems,
    f: &[String],
    kit: &'k Kit,
    unit: Option<&Unit>,
    outage_start: Option<ZonedDateTime>,
    now: &ZonedDateTime,
) -> (Call<'k>, Vec<RemarkAt>) {
    let mut remarks = Vec::new();
    let (date, at) = check_call_time(p, f, outage_start.as_ref(), now);
    let direction = required(p, f, Column::Riktning).and_then(|v| {
        fields::direction(v)
            .map_err(|m| p.error(Column::Riktning, m))
            .ok()
    });
    let counterpart = check_counterpart(p, f, &kit.directory, unit);
    let (reached, person) = check_reached(p, f, &mut remarks);
    let (patient, patient_id) = check_patient(p, f, date.unwrap_or(now.date()));
    let (event, fact_date, contact) = check_event(p, f, &kit.settings, date, direction);
    let signature = filled(p, f, Column::Signatur);
    let transcribed_by = filled(p, f, Column::TranskriberadAv);
    let transcribed_at = required(p, f, Column::Transkriberad).and_then(|v| {
        fields::date_time(v)
            .map(|at| at.datetime())
            .map_err(|m| p.error(Column::Transkriberad, m))
            .ok()
    });
    let call = Call {
        outage_start,
        at,
        direction,
        counterpart,
        reached,
        person,
        patient,
        patient_id,
        event,
        fact_date,
        contact,
        note: f[Column::Notering.index()].trim().to_owned(),
        signature,
        transcribed_by,
        transcribed_at,
    };
    remarks.extend(check_plausibility(p, &kit.settings, unit, &call));
    (call, remarks)
}

/// The trimmed value of a column; empty is reported as the column table
/// says ([`missing`]).
pub(super) fn filled(p: &mut Problems, f: &[String], column: Column) -> String {
    let value = f[column.index()].trim();
    if value.is_empty() {
        missing(p, column);
    }
    value.to_owned()
}

/// Whether the call reached the other party, and who was spoken to there:
/// nobody named is worth a remark only for a call that reached them.
pub(super) fn check_reached(
    p: &mut Problems,
    f: &[String],
    remarks: &mut Vec<RemarkAt>,
) -> (Option<bool>, String) {
    let reached = required(p, f, Column::Nadd).and_then(|v| {
        fields::reached(v, false)
            .map_err(|m| p.error(Column::Nadd, m))
            .ok()
    });
    let person = f[Column::MotpartPerson.index()].trim().to_owned();
    if person.is_empty() && reached == Some(true) {
        remarks.push((RemarkKind::NoPersonNamed, p.items.len()));
        missing(p, Column::MotpartPerson);
    }
    (reached, person)
}

/// The patient's name and identity number, read as the stated id type
/// says; an id type that disagrees with the number is a warning.
/// `reference` is the day the number is read on (the call's date).
pub(super) fn check_patient(
    p: &mut Problems,
    f: &[String],
    reference: Date,
) -> (String, Option<PersonalId>) {
    let patient = filled(p, f, Column::Patient);
    let id_kind = fields::id_kind(&f[Column::IdTyp.index()])
        .map_err(|m| p.error(Column::IdTyp, m))
        .ok();
    let patient_id = match id_kind {
        Some(stated) => required(p, f, Column::Personnummer).and_then(|v| {
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
    (patient, patient_id)
}

/// The event and the facts it needs (`datum_uppgift`, `lakare_kontakt`).
pub(super) fn check_event<'s>(
    p: &mut Problems,
    f: &[String],
    settings: &'s Settings,
    date: Option<Date>,
    direction: Option<Direction>,
) -> (Option<&'s Event>, Option<FactDate>, Option<String>) {
    let event = required(p, f, Column::Handelse).and_then(|v| {
        fields::event(v, settings)
            .map_err(|m| p.error(Column::Handelse, m))
            .ok()
    });
    let Some(found) = event else {
        return (None, None, None);
    };
    // Without a valid direction the row is rejected anyway; ask for every
    // fact then.
    let caller_row = direction != Some(Direction::Incoming);
    let fact_date = check_fact_date(p, f, found, date, caller_row);
    let contact = check_contact(p, f, found, caller_row);
    (event, fact_date, contact)
}

/// Warnings about a call that is unusual but possible: an event reported
/// the other way, a municipality called outside its hours.
pub(super) fn check_plausibility(
    p: &mut Problems,
    settings: &Settings,
    unit: Option<&Unit>,
    call: &Call,
) -> Vec<RemarkAt> {
    let mut remarks = Vec::new();
    if let (Some(unit), Some(cp), Some(event), Some(direction)) =
        (unit, call.counterpart, call.event, call.direction)
    {
        let before = p.items.len();
        check_roles(p, settings, unit, cp, event, direction);
        if p.items.len() > before {
            remarks.push((RemarkKind::UnusualDirection, before));
        }
    }
    if let (Some(cp), Some(at), Some(Direction::Outgoing)) =
        (call.counterpart, &call.at, call.direction)
    {
        let before = p.items.len();
        check_municipality_hours(p, cp, at, settings.municipality_hours);
        if p.items.len() > before {
            remarks.push((RemarkKind::OutsideHours, before));
        }
    }
    remarks
}

/// The remarks' texts: the problem's message, or for nobody named, the
/// counterpart's name.
pub(super) fn remark_texts(
    p: &Problems,
    remarks: Vec<RemarkAt>,
    counterpart: Option<&Unit>,
) -> Vec<(RemarkKind, String)> {
    remarks
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
        .collect()
}

impl Call<'_> {
    /// The entry, when every value it needs could be read.
    pub(super) fn entry(
        self,
        file: &super::Shared,
        line: usize,
        filed: (Option<(SheetNo, &Unit)>, Option<u32>),
        kind: Option<EntryKind>,
        names: &mut Names,
    ) -> Option<Entry> {
        let (
            (Some((sheet, unit)), Some(row)),
            Some(kind),
            Some(outage_start),
            Some(at),
            Some(direction),
            Some(counterpart),
            Some(patient_id),
            Some(event),
            Some(reached),
            Some(transcribed_at),
        ) = (
            filed,
            kind,
            self.outage_start,
            self.at,
            self.direction,
            self.counterpart,
            self.patient_id,
            self.event,
            self.reached,
            self.transcribed_at,
        )
        else {
            return None;
        };
        Some(Entry {
            unit: names.get(&unit.id),
            source: SourceRef {
                file: file.clone(),
                line,
                sheet,
                row,
            },
            kind,
            outage_start,
            at,
            direction,
            counterpart: names.get(&counterpart.id),
            counterpart_person: names.get(&self.person),
            patient_name: names.get(&self.patient),
            patient_id,
            event: event.code,
            fact_date: self.fact_date,
            physician_or_contact: self.contact.map(|c| names.get(&c)),
            reached,
            note: names.get(&self.note),
            signature: names.get(&self.signature),
            transcribed_by: names.get(&self.transcribed_by),
            transcribed_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use jiff::civil::date;

    fn kit() -> &'static Kit {
        crate::transcript::shipped_kit()
    }

    /// An empty line with some columns filled in.
    fn line(values: &[(Column, &str)]) -> Vec<String> {
        let mut f = vec![String::new(); Column::ALL.len()];
        for (column, value) in values {
            f[column.index()] = (*value).to_owned();
        }
        f
    }

    fn problems(p: &Problems) -> Vec<(Option<Column>, Severity)> {
        p.items.iter().map(|i| (i.column, i.severity)).collect()
    }

    const SHEET: &str = "sunderby-medicin-61-001";

    #[test]
    fn lengths_and_identity_numbers_in_free_text() {
        let long = "x".repeat(101);
        let f = line(&[
            (Column::Motpart, long.as_str()),
            (Column::Notering, "ring 19900101-2385 igen"),
        ]);
        let mut p = Problems::default();
        check_lengths(&mut p, &f);
        assert_eq!(
            problems(&p),
            [
                (Some(Column::Motpart), Severity::Error),
                (Some(Column::Notering), Severity::Warning),
            ]
        );
        assert!(p.items.iter().all(|i| !i.message.contains("19900101")));
    }

    #[test]
    fn a_paper_correction_is_a_rattelse_filed_under_the_row_it_corrects() {
        let f = line(&[
            (Column::Blad, SHEET),
            (Column::Rad, "5"),
            (Column::RattarRad, "3"),
        ]);
        let mut p = Problems::default();
        let place = check_place(&mut p, &f, kit());
        assert!(p.items.is_empty());
        assert_eq!(place.kind, Some(EntryKind::Correction));
        let sheet = SheetNo::parse(SHEET).expect("a sheet number");
        assert_eq!(place.paper_key, Some((sheet.clone(), 5)));
        assert_eq!(place.key, Some((sheet.clone(), 3)));
        let (filed_sheet, filed_row) = place.filed();
        let (filed_sheet, unit) = filed_sheet.expect("filed on a sheet");
        assert_eq!((filed_sheet, filed_row), (sheet, Some(3)));
        assert_eq!(unit.id, place.unit().expect("the sheet's unit").id);
    }

    #[test]
    fn a_makulering_cannot_correct_a_row() {
        let f = line(&[
            (Column::Blad, SHEET),
            (Column::Rad, "5"),
            (Column::RattarRad, "3"),
            (Column::Post, "makulering"),
        ]);
        let mut p = Problems::default();
        let place = check_place(&mut p, &f, kit());
        assert_eq!(problems(&p), [(Some(Column::RattarRad), Severity::Error)]);
        assert_eq!(place.kind, Some(EntryKind::Void));
    }

    #[test]
    fn an_unreadable_sheet_leaves_no_row_key() {
        let f = line(&[(Column::Rad, "5")]);
        let mut p = Problems::default();
        let place = check_place(&mut p, &f, kit());
        assert_eq!(problems(&p), [(Some(Column::Blad), Severity::Error)]);
        assert_eq!(
            (&place.key, &place.paper_key, place.unit().is_none()),
            (&None, &None, true)
        );
        assert_eq!(place.filed().1, Some(5));
    }

    #[test]
    fn a_void_takes_the_empty_call_values_but_not_its_own() {
        let voided = line(&[
            (Column::Blad, SHEET),
            (Column::DriftstoppStart, "2025-03-03 08:00"),
            (Column::Datum, "2025-03-03"),
            (Column::Post, ""),
            (Column::RattarRad, "2"),
            (Column::TranskriberadAv, "Eva Skrivare"),
        ]);
        let mut f = line(&[
            (Column::Blad, SHEET),
            (Column::Datum, "2025-03-04"),
            (Column::Post, "makulering"),
        ]);
        assert!(fill_void(&mut f, &super::super::Fields::new(&voided)));
        assert_eq!(f[Column::DriftstoppStart.index()], "2025-03-03 08:00");
        assert_eq!(f[Column::Datum.index()], "2025-03-04");
        assert_eq!(f[Column::Post.index()], "makulering");
        assert_eq!(f[Column::RattarRad.index()], "");
        assert_eq!(f[Column::TranskriberadAv.index()], "");

        let mut full = voided.clone();
        for c in Column::ALL {
            if full[c.index()].is_empty() {
                full[c.index()] = "x".to_owned();
            }
        }
        assert!(!fill_void(&mut full, &super::super::Fields::new(&voided)));
    }

    #[test]
    fn filled_reports_an_empty_column_as_the_table_says() {
        let f = line(&[(Column::Signatur, "  SJ ")]);
        let mut p = Problems::default();
        assert_eq!(filled(&mut p, &f, Column::Signatur), "SJ");
        assert_eq!(filled(&mut p, &f, Column::Patient), "");
        assert_eq!(filled(&mut p, &f, Column::MotpartPerson), "");
        assert_eq!(filled(&mut p, &f, Column::Notering), "");
        assert_eq!(
            problems(&p),
            [
                (Some(Column::Patient), Severity::Error),
                (Some(Column::MotpartPerson), Severity::Warning),
            ]
        );
        assert_eq!(p.items[0].message, Column::Patient.spec().missing);
    }

    #[test]
    fn nobody_named_is_a_remark_only_when_the_call_reached_them() {
        for (reached, remark) in [("ja", true), ("nej", false)] {
            let f = line(&[(Column::Nadd, reached)]);
            let mut p = Problems::default();
            let mut remarks = Vec::new();
            let (was_reached, person) = check_reached(&mut p, &f, &mut remarks);
            assert_eq!(was_reached, Some(reached == "ja"));
            assert_eq!(person, "");
            assert_eq!(remarks.len(), usize::from(remark), "{reached}");
            assert_eq!(p.items.len(), usize::from(remark), "{reached}");
        }
    }

    #[test]
    fn remark_texts_name_the_counterpart_for_nobody_named() {
        let mut p = Problems::default();
        p.warning(Column::MotpartPerson, "saknas");
        p.warning(Column::Klockslag, "utanför telefontiderna");
        let remarks = vec![
            (RemarkKind::NoPersonNamed, 0),
            (RemarkKind::OutsideHours, 1),
        ];
        let lulea = kit().directory.unit("lulea").expect("lulea in the kit");
        let texts = remark_texts(&p, remarks.clone(), Some(lulea));
        assert_eq!(
            texts,
            [
                (
                    RemarkKind::NoPersonNamed,
                    format!(
                        "samtalet nådde fram, men ingen person hos {} är antecknad",
                        lulea.full_name()
                    )
                ),
                (
                    RemarkKind::OutsideHours,
                    "utanför telefontiderna".to_owned()
                ),
            ]
        );
        assert_eq!(remark_texts(&p, remarks, None)[0].1, "saknas");
    }

    #[test]
    fn without_an_event_no_fact_is_asked_for() {
        let f = line(&[]);
        let mut p = Problems::default();
        let (event, fact_date, contact) =
            check_event(&mut p, &f, &kit().settings, None, Some(Direction::Incoming));
        assert!(event.is_none() && fact_date.is_none() && contact.is_none());
        assert_eq!(problems(&p), [(Some(Column::Handelse), Severity::Error)]);
    }

    #[test]
    fn the_patient_number_is_read_as_the_stated_id_type() {
        let f = line(&[
            (Column::Patient, "Astrid Testsson"),
            (Column::IdTyp, "P"),
            (Column::Personnummer, "19900101-2385"),
        ]);
        let mut p = Problems::default();
        let (name, id) = check_patient(&mut p, &f, date(2025, 3, 3));
        assert_eq!(name, "Astrid Testsson");
        assert_eq!(id.map(|id| id.kind()), Some(IdKind::Personnummer));
        assert!(p.items.is_empty());

        let f = line(&[(Column::IdTyp, "?")]);
        let mut p = Problems::default();
        let (_, id) = check_patient(&mut p, &f, date(2025, 3, 3));
        assert!(id.is_none());
        assert_eq!(
            problems(&p),
            [
                (Some(Column::Patient), Severity::Error),
                (Some(Column::IdTyp), Severity::Error),
            ]
        );
    }
}
