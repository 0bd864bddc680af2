//! The questions of one row, in the order of the paper form: each value is
//! checked as it is typed (dates, times in Europe/Stockholm, the identity
//! number's check digit, event codes) and the counterpart is completed from
//! the directory. Only the fields an event needs are asked for.

use super::super::columns::{COUNT, Column, Format, Requirement};
use super::super::completion::{self, MAX_CANDIDATES, Match};
use super::super::entry::{Direction, EntryKind};
use super::super::fields::{self, shown};
use super::super::prompt::{COMMANDS_HELP, Command, Reply};
use super::{Session, Step};
use crate::localtime::{self, TimeError};
use crate::model::{Directory, Event, Fact, Settings, Unit};
use crate::personal_id::IdKind;
use jiff::ZonedDateTime;
use jiff::civil::Date;
use std::io::{BufRead, Write};

impl<'k, R: BufRead, W: Write> Session<'k, R, W> {
    /// Asks one field. Empty input takes the default; `-` clears an
    /// optional field; a value that does not parse is refused and asked
    /// again. Returns the parsed value and the text to write.
    fn field<T>(
        &mut self,
        question: &str,
        help: &str,
        default: Option<&str>,
        required: bool,
        mut parse: impl FnMut(&str) -> Result<T, String>,
    ) -> Step<(T, String)> {
        loop {
            match self.io.ask(question, default)? {
                Reply::Help => {
                    self.io.say(help)?;
                    self.io.say(COMMANDS_HELP)?;
                }
                Reply::Command(c) => return Ok(Err(c)),
                Reply::Text(typed) => {
                    let value = if typed.is_empty() {
                        default.unwrap_or("").to_owned()
                    } else if typed == "-" && !required {
                        String::new()
                    } else {
                        typed
                    };
                    if value.is_empty() && required {
                        self.io.error("fältet måste fyllas i")?;
                        continue;
                    }
                    match parse(&value) {
                        Ok(parsed) => {
                            self.answered += 1;
                            return Ok(Ok((parsed, value)));
                        }
                        Err(m) => self.io.error(&m)?,
                    }
                }
            }
        }
    }

    /// Asks one column as the column table words it; required as the table
    /// says.
    fn column<T>(
        &mut self,
        column: Column,
        default: Option<&str>,
        parse: impl FnMut(&str) -> Result<T, String>,
    ) -> Step<(T, String)> {
        let spec = column.spec();
        self.field(
            spec.prompt,
            spec.help,
            default,
            required(column, None),
            parse,
        )
    }

    /// Asks every field of a row in the form's order.
    pub(super) fn fill(
        &mut self,
        row: u32,
        kind: EntryKind,
        defaults: Option<&[String]>,
    ) -> Step<Vec<String>> {
        self.answered = 0;
        let now = self.clock.now();
        // `set_up` always sets the outage start before the first row; without
        // it no call time could be checked, so stop rather than guess.
        let Some(start) = self.outage_start.clone() else {
            return Ok(Err(Command::Done));
        };
        let defaults = Defaults(defaults);
        let mut f = vec![String::new(); COUNT];
        let date = step!(self.ask_date(&start, &now, defaults, &mut f));
        step!(self.ask_time(date, &start, &now, defaults, &mut f));
        let direction = step!(self.ask_direction(defaults, &mut f));
        step!(self.ask_counterpart(defaults, &mut f));
        step!(self.ask_text(Column::MotpartPerson, defaults, &mut f));
        step!(self.ask_patient(date, defaults, &mut f));
        let event = step!(self.ask_event(defaults, &mut f));
        // kit.yaml's `fact_rows` says whose row must carry a fact; on the
        // other party's row it may be left empty.
        let caller_row = direction == Direction::Outgoing;
        step!(self.ask_fact_date(event, caller_row, defaults, &mut f));
        step!(self.ask_contact(event, caller_row, defaults, &mut f));
        step!(self.ask_reached(defaults, &mut f));
        step!(self.ask_text(Column::Notering, defaults, &mut f));
        step!(self.ask_text(Column::Signatur, defaults, &mut f));
        // The paper's «Rättar rad»: a new row that corrects an earlier one.
        // Not asked when re-asking a row (`rätta N` is the correction then)
        // or in a file whose header has no such column.
        if kind == EntryKind::Original && self.log.format() == Format::Current {
            step!(self.ask_corrected_row(row, defaults, &mut f));
        }
        self.last_date = Some(f[Column::Datum.index()].clone());
        self.finish_fields(&mut f, row, kind);
        Ok(Ok(f))
    }

    /// A free-text column, taken as typed.
    fn ask_text(&mut self, column: Column, defaults: Defaults, f: &mut [String]) -> Step<()> {
        let (_, text) = step!(self.column(column, defaults.get(column).as_deref(), |_| Ok(())));
        f[column.index()] = text;
        Ok(Ok(()))
    }

    /// The call's date: not after today, not before the outage began. The
    /// last row's date is offered when the row has none.
    fn ask_date(
        &mut self,
        start: &ZonedDateTime,
        now: &ZonedDateTime,
        defaults: Defaults,
        f: &mut [String],
    ) -> Step<Date> {
        let default = defaults
            .get(Column::Datum)
            .or_else(|| self.last_date.clone());
        let (date, _) = step!(self.column(Column::Datum, default.as_deref(), |v| {
            let date = fields::call_date(v)?;
            if date > now.date() {
                return Err(format!("datum {date} ligger efter i dag ({})", now.date()));
            }
            if date < start.date() {
                return Err(format!(
                    "datum {date} är före driftstoppets början {}",
                    fields::format_minute(start)
                ));
            }
            Ok(date)
        }));
        f[Column::Datum.index()] = date.to_string();
        Ok(Ok(date))
    }

    /// The call's time, and its offset in the hour that occurs twice;
    /// asked again until the call lies between the outage start and now.
    fn ask_time(
        &mut self,
        date: Date,
        start: &ZonedDateTime,
        now: &ZonedDateTime,
        defaults: Defaults,
        f: &mut [String],
    ) -> Step<()> {
        loop {
            let (time, _) = step!(self.column(
                Column::Klockslag,
                defaults.get(Column::Klockslag).as_deref(),
                fields::call_time
            ));
            let mut zone = String::new();
            let resolved = match localtime::resolve_local(date, time, None) {
                Err(TimeError::Ambiguous { .. }) => {
                    // Optional in the file, but needed in the hour that
                    // occurs twice.
                    let spec = Column::Tidszon.spec();
                    let (offset, _) = step!(self.field(
                        spec.prompt,
                        spec.help,
                        defaults.get(Column::Tidszon).as_deref(),
                        true,
                        |v| fields::offset(v)?.ok_or_else(|| "ange +02:00 eller +01:00".to_owned())
                    ));
                    zone = fields::format_offset(offset);
                    localtime::resolve_local(date, time, Some(offset))
                }
                other => other,
            };
            match resolved {
                Ok(at) if at < *start => {
                    let text = format!(
                        "samtalet {} är före driftstoppets början {}",
                        fields::format_minute(&at),
                        fields::format_minute(start)
                    );
                    self.io.error(&text)?;
                }
                Ok(at) if at > *now => {
                    let text = format!(
                        "samtalet {} ligger efter nu ({})",
                        fields::format_minute(&at),
                        fields::format_minute(now)
                    );
                    self.io.error(&text)?;
                }
                Ok(_) => {
                    f[Column::Klockslag.index()] =
                        format!("{:02}:{:02}", time.hour(), time.minute());
                    f[Column::Tidszon.index()] = zone;
                    return Ok(Ok(()));
                }
                Err(e) => self.io.error(&e.to_string())?,
            }
        }
    }

    /// Who called: `ut` or `in`.
    fn ask_direction(&mut self, defaults: Defaults, f: &mut [String]) -> Step<Direction> {
        let (direction, _) = step!(self.column(
            Column::Riktning,
            defaults.get(Column::Riktning).as_deref(),
            fields::direction
        ));
        f[Column::Riktning.index()] = match direction {
            Direction::Outgoing => "ut".to_owned(),
            Direction::Incoming => "in".to_owned(),
        };
        Ok(Ok(direction))
    }

    /// The counterpart, completed from the directory; a completed name is
    /// echoed with the id written.
    fn ask_counterpart(&mut self, defaults: Defaults, f: &mut [String]) -> Step<()> {
        let directory = &self.kit.directory;
        let own = self.unit.id.clone();
        let (counterpart, typed) = step!(self.column(
            Column::Motpart,
            defaults.get(Column::Motpart).as_deref(),
            |v| counterpart(v, directory, &own)
        ));
        if typed != counterpart.id {
            let text = format!("  → {} ({})", counterpart.id, counterpart.full_name());
            self.io.say(&text)?;
        }
        f[Column::Motpart.index()] = counterpart.id.clone();
        Ok(Ok(()))
    }

    /// The patient's name, id type and number; the number is read as the
    /// id type says, on the call's date.
    fn ask_patient(&mut self, date: Date, defaults: Defaults, f: &mut [String]) -> Step<()> {
        step!(self.ask_text(Column::Patient, defaults, f));
        let (id_kind, _) = step!(self.column(
            Column::IdTyp,
            defaults.get(Column::IdTyp).as_deref(),
            fields::id_kind
        ));
        f[Column::IdTyp.index()] = id_kind.map_or("", fields::id_kind_letter).to_owned();
        let reserve = id_kind == Some(IdKind::Reservnummer);

        let column = Column::Personnummer;
        let spec = column.spec();
        let question = if reserve { "Reservnummer" } else { spec.prompt };
        let (id, _) = step!(self.field(
            question,
            spec.help,
            defaults.get(column).as_deref(),
            required(column, None),
            |v| fields::personal_id(v, reserve, date)
        ));
        f[column.index()] = id.to_string();
        Ok(Ok(()))
    }

    /// The event code; `?` lists the kit's events.
    fn ask_event(&mut self, defaults: Defaults, f: &mut [String]) -> Step<&'k Event> {
        let settings = &self.kit.settings;
        let column = Column::Handelse;
        let spec = column.spec();
        let events_help = events_help(spec.help, settings);
        let (event, _) = step!(self.field(
            spec.prompt,
            &events_help,
            defaults.get(column).as_deref(),
            required(column, None),
            |v| fields::event(v, settings)
        ));
        f[column.index()] = event.code.to_string();
        Ok(Ok(event))
    }

    /// `datum_uppgift`, for an event with a SIP meeting or an estimated
    /// discharge date; not asked otherwise.
    fn ask_fact_date(
        &mut self,
        event: &Event,
        caller_row: bool,
        defaults: Defaults,
        f: &mut [String],
    ) -> Step<()> {
        let column = Column::DatumUppgift;
        let default = defaults.get(column);
        if event.facts.contains(&Fact::SipDate) {
            let (meeting, _) = step!(self.field(
                "Datum och tid för SIP-möte (ÅÅÅÅ-MM-DD TT:MM)",
                "När SIP-mötet ska hållas, t.ex. 2025-03-10 13:00.",
                default.as_deref(),
                required(column, Some((event, Fact::SipDate, caller_row))),
                |v| optional(v, fields::civil_date_time)
            ));
            f[column.index()] = meeting
                .map(|m| format!("{} {:02}:{:02}", m.date(), m.hour(), m.minute()))
                .unwrap_or_default();
        } else if event.facts.contains(&Fact::EstimatedDischargeDate) {
            let spec = column.spec();
            let fact = Fact::EstimatedDischargeDate;
            let (discharge, _) = step!(self.field(
                spec.prompt,
                spec.help,
                default.as_deref(),
                required(column, Some((event, fact, caller_row))),
                |v| optional(v, fields::date)
            ));
            f[column.index()] = discharge.map(|d| d.to_string()).unwrap_or_default();
        }
        Ok(Ok(()))
    }

    /// `lakare_kontakt`, for an event that names a physician or a fast
    /// vårdkontakt; not asked otherwise.
    fn ask_contact(
        &mut self,
        event: &Event,
        caller_row: bool,
        defaults: Defaults,
        f: &mut [String],
    ) -> Step<()> {
        let column = Column::LakareKontakt;
        let contact = [Fact::Physician, Fact::CareContact]
            .into_iter()
            .find(|fact| event.facts.contains(fact));
        let Some(fact) = contact else {
            return Ok(Ok(()));
        };
        let question = match fact {
            Fact::Physician => column.spec().prompt,
            _ => "Fast vårdkontakt (namn)",
        };
        let (_, text) = step!(self.field(
            question,
            fact.label(),
            defaults.get(column).as_deref(),
            required(column, Some((event, fact, caller_row))),
            |_| Ok(())
        ));
        f[column.index()] = text;
        Ok(Ok(()))
    }

    /// Whether the call reached the other party (`j`/`n` too).
    fn ask_reached(&mut self, defaults: Defaults, f: &mut [String]) -> Step<()> {
        let (reached, _) = step!(self.column(
            Column::Nadd,
            defaults.get(Column::Nadd).as_deref(),
            |v| fields::reached(v, true)
        ));
        f[Column::Nadd.index()] = if reached { "ja" } else { "nej" }.to_owned();
        Ok(Ok(()))
    }

    /// The paper's «Rättar rad», checked against this sheet and row.
    fn ask_corrected_row(&mut self, row: u32, defaults: Defaults, f: &mut [String]) -> Step<()> {
        let sheet = self.sheet.clone();
        let rows = self.rows_per_sheet();
        let (_, text) = step!(self.column(
            Column::RattarRad,
            defaults.get(Column::RattarRad).as_deref(),
            |v| fields::corrected_row(v, &sheet, row, rows)
        ));
        f[Column::RattarRad.index()] = text;
        Ok(Ok(()))
    }
}

/// The values a re-asked row offers as defaults (none for a new row).
#[derive(Debug, Clone, Copy)]
struct Defaults<'a>(Option<&'a [String]>);

impl Defaults<'_> {
    /// The column's earlier value, trimmed; `None` when there is none.
    fn get(self, column: Column) -> Option<String> {
        self.0
            .map(|f| f[column.index()].trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// Whether a column must be answered, as the column table says. For an
/// event's fact (`ByEvent`) kit.yaml's `fact_rows` decides: `fact` is the
/// event, the fact asked for and whether this is the caller's row.
fn required(column: Column, fact: Option<(&Event, Fact, bool)>) -> bool {
    match column.requirement() {
        Requirement::Required => true,
        Requirement::ByEvent => {
            fact.is_some_and(|(event, fact, caller_row)| event.requires_on_row(fact, caller_row))
        }
        Requirement::FirstOfSheet | Requirement::WarnIfEmpty | Requirement::Optional => false,
    }
}

/// The help for the event code: the column's help and one line per event.
fn events_help(help: &str, settings: &Settings) -> String {
    let events: Vec<String> = settings
        .events
        .iter()
        .map(|e| format!("  {}  {}", e.code, e.name))
        .collect();
    format!("{help}\n{}", events.join("\n"))
}

/// Completes the counterpart from an id or the start of a name.
fn counterpart<'d>(typed: &str, directory: &'d Directory, own: &str) -> Result<&'d Unit, String> {
    match completion::find(typed, directory, Some(own)) {
        Match::Unique(unit) => Ok(unit),
        Match::Ambiguous(units) => {
            let mut text = format!(
                "flera enheter passar {}; skriv fler tecken eller enhetens id:",
                shown(typed)
            );
            let shown_units = &units[..units.len().min(MAX_CANDIDATES)];
            let width = shown_units.iter().map(|u| u.id.len()).max().unwrap_or(0);
            for unit in shown_units {
                text.push_str(&format!("\n    {:<width$}  {}", unit.id, unit.full_name()));
            }
            if units.len() > MAX_CANDIDATES {
                text.push_str(&format!(
                    "\n    … och {} till",
                    units.len() - MAX_CANDIDATES
                ));
            }
            Err(text)
        }
        Match::NoMatch if typed.trim().eq_ignore_ascii_case(own) => {
            Err("det är bladets egen enhet; skriv motpartens id".to_owned())
        }
        Match::NoMatch => Err(format!(
            "ingen enhet i kontaktkatalogen har id eller namn som börjar med {}",
            shown(typed)
        )),
    }
}

/// An optional value: empty is `None`, anything else must parse.
fn optional<T>(
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kit;

    fn kit() -> &'static Kit {
        crate::transcript::shipped_kit()
    }

    #[test]
    fn defaults_are_the_trimmed_non_empty_earlier_values() {
        let mut row = vec![String::new(); COUNT];
        row[Column::Datum.index()] = " 2025-03-03 ".to_owned();
        row[Column::Notering.index()] = "   ".to_owned();
        let defaults = Defaults(Some(&row));
        assert_eq!(defaults.get(Column::Datum).as_deref(), Some("2025-03-03"));
        assert_eq!(defaults.get(Column::Notering), None);
        assert_eq!(defaults.get(Column::Patient), None);
        assert_eq!(Defaults(None).get(Column::Datum), None);
    }

    #[test]
    fn required_follows_the_column_table() {
        for column in Column::ALL {
            let expected = column.requirement() == Requirement::Required;
            assert_eq!(required(column, None), expected, "{}", column.name());
        }
    }

    #[test]
    fn an_event_fact_is_required_on_the_rows_the_kit_names() {
        let facts = [
            Fact::SipDate,
            Fact::EstimatedDischargeDate,
            Fact::Physician,
            Fact::CareContact,
        ];
        let mut some_required = false;
        for event in &kit().settings.events {
            for fact in facts {
                for caller_row in [true, false] {
                    let expected = event.requires_on_row(fact, caller_row);
                    some_required |= expected;
                    for column in [Column::DatumUppgift, Column::LakareKontakt] {
                        assert_eq!(
                            required(column, Some((event, fact, caller_row))),
                            expected,
                            "händelse {}",
                            event.code
                        );
                    }
                }
            }
        }
        assert!(some_required, "the kit requires some fact");
    }

    #[test]
    fn the_event_help_lists_every_event() {
        let settings = &kit().settings;
        let help = events_help("Händelsekoder:", settings);
        let mut lines = help.lines();
        assert_eq!(lines.next(), Some("Händelsekoder:"));
        assert_eq!(lines.count(), settings.events.len());
        for event in &settings.events {
            assert!(help.contains(&format!("  {}  {}", event.code, event.name)));
        }
    }
}
