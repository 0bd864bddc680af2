//! The questions of one row, in the order of the paper form: each value is
//! checked as it is typed (dates, times in Europe/Stockholm, the identity
//! number's check digit, event codes) and the counterpart is completed from
//! the directory. Only the fields an event needs are asked for.

use super::super::columns::{COUNT, Column};
use super::super::completion::{self, MAX_CANDIDATES, Match};
use super::super::entry::{Direction, EntryKind};
use super::super::fields::{self, shown};
use super::super::prompt::{COMMANDS_HELP, Command, Reply};
use super::{Session, Step};
use crate::localtime::{self, TimeError};
use crate::model::{Directory, Fact, Unit};
use std::io::{BufRead, Write};

impl<R: BufRead, W: Write> Session<'_, R, W> {
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

    /// Asks every field of a row in the form's order.
    pub(super) fn fill(
        &mut self,
        row: u32,
        kind: EntryKind,
        defaults: Option<&[String]>,
    ) -> Step<Vec<String>> {
        self.answered = 0;
        let kit = self.kit;
        let settings = &kit.settings;
        let directory = &kit.directory;
        let now = self.clock.now();
        // `set_up` always sets the outage start before the first row; without
        // it no call time could be checked, so stop rather than guess.
        let Some(start) = self.outage_start.clone() else {
            return Ok(Err(Command::Done));
        };
        let default = |c: Column| {
            defaults
                .map(|f| f[c.index()].trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut f = vec![String::new(); COUNT];

        let date_default = default(Column::Datum).or_else(|| self.last_date.clone());
        let (date, _) = step!(self.field(
            "Datum (ÅÅÅÅ-MM-DD)",
            "Samtalets datum, t.ex. 2025-03-03.",
            date_default.as_deref(),
            true,
            |v| {
                let date = fields::call_date(v)?;
                if date > now.date() {
                    return Err(format!("datum {date} ligger efter i dag ({})", now.date()));
                }
                if date < start.date() {
                    return Err(format!(
                        "datum {date} är före driftstoppets början {}",
                        fields::format_minute(&start)
                    ));
                }
                Ok(date)
            }
        ));
        f[Column::Datum.index()] = date.to_string();

        loop {
            let (time, _) = step!(self.field(
                "Klockslag (TT:MM)",
                "Samtalets klockslag på minuten, t.ex. 14:30 eller 14.30.",
                default(Column::Klockslag).as_deref(),
                true,
                fields::call_time
            ));
            let mut zone = String::new();
            let resolved = match localtime::resolve_local(date, time, None) {
                Err(TimeError::Ambiguous { .. }) => {
                    let (offset, _) = step!(self.field(
                        "Klockslaget inträffar två gånger den dagen; tidszon (+02:00 första gången, +01:00 andra gången)",
                        "Sommartiden slutar: 02:00–02:59 kommer två gånger. +02:00 är första \
                         gången (sommartid), +01:00 andra gången (normaltid).",
                        default(Column::Tidszon).as_deref(),
                        true,
                        |v| fields::offset(v)?.ok_or_else(|| "ange +02:00 eller +01:00".to_owned())
                    ));
                    zone = fields::format_offset(offset);
                    localtime::resolve_local(date, time, Some(offset))
                }
                other => other,
            };
            match resolved {
                Ok(at) if at < start => {
                    let text = format!(
                        "samtalet {} är före driftstoppets början {}",
                        fields::format_minute(&at),
                        fields::format_minute(&start)
                    );
                    self.io.error(&text)?;
                }
                Ok(at) if at > now => {
                    let text = format!(
                        "samtalet {} ligger efter nu ({})",
                        fields::format_minute(&at),
                        fields::format_minute(&now)
                    );
                    self.io.error(&text)?;
                }
                Ok(_) => {
                    f[Column::Klockslag.index()] =
                        format!("{:02}:{:02}", time.hour(), time.minute());
                    f[Column::Tidszon.index()] = zone;
                    break;
                }
                Err(e) => self.io.error(&e.to_string())?,
            }
        }

        let (direction, _) = step!(self.field(
            "Riktning (ut = vi ringde, in = vi blev uppringda)",
            "ut: enheten ringde motparten. in: motparten ringde enheten.",
            default(Column::Riktning).as_deref(),
            true,
            fields::direction
        ));
        f[Column::Riktning.index()] = match direction {
            Direction::Outgoing => "ut".to_owned(),
            Direction::Incoming => "in".to_owned(),
        };

        let own = self.unit.id.clone();
        let (counterpart, typed) = step!(self.field(
            "Motpart (id eller början av namnet)",
            "Enheten som ringde eller ringdes upp: id ur kontaktkatalogen (t.ex. lulea) \
             eller början av namnet (t.ex. Luleå). Finns flera visas de.",
            default(Column::Motpart).as_deref(),
            true,
            |v| counterpart(v, directory, &own)
        ));
        if typed != counterpart.id {
            let text = format!("  → {} ({})", counterpart.id, counterpart.full_name());
            self.io.say(&text)?;
        }
        f[Column::Motpart.index()] = counterpart.id.clone();

        let (_, text) = step!(self.field(
            "Person hos motparten",
            "Namnet på den du talade med hos motparten.",
            default(Column::MotpartPerson).as_deref(),
            false,
            |_| Ok(())
        ));
        f[Column::MotpartPerson.index()] = text;

        let (_, text) = step!(self.field(
            "Patientens namn",
            "Förnamn och efternamn som på blanketten.",
            default(Column::Patient).as_deref(),
            true,
            |_| Ok(())
        ));
        f[Column::Patient.index()] = text;

        let (reserve, _) = step!(self.field(
            "Id-typ (tomt = personnummer eller samordningsnummer, reserv = reservnummer)",
            "Lämna tomt för personnummer och samordningsnummer; skriv reserv för ett reservnummer.",
            default(Column::IdTyp).as_deref(),
            false,
            fields::id_is_reserve
        ));
        f[Column::IdTyp.index()] = if reserve { "reserv" } else { "" }.to_owned();

        let question = if reserve {
            "Reservnummer"
        } else {
            "Personnummer eller samordningsnummer (ÅÅÅÅMMDD-NNNN)"
        };
        let (id, _) = step!(self.field(
            question,
            "Tio eller tolv siffror, med eller utan bindestreck. Kontrollsiffran kontrolleras.",
            default(Column::Personnummer).as_deref(),
            true,
            |v| fields::personal_id(v, reserve, date)
        ));
        f[Column::Personnummer.index()] = id.to_string();

        let events: Vec<String> = settings
            .events
            .iter()
            .map(|e| format!("  {}  {}", e.code, e.name))
            .collect();
        let events_help = format!("Händelsekoder:\n{}", events.join("\n"));
        let (event, _) = step!(self.field(
            "Händelse (kod; ? visar koderna)",
            &events_help,
            default(Column::Handelse).as_deref(),
            true,
            |v| fields::event(v, settings)
        ));
        f[Column::Handelse.index()] = event.code.to_string();

        // kit.yaml's `fact_rows` says whose row must carry a fact; on the
        // other party's row it may be left empty.
        let caller_row = direction == Direction::Outgoing;
        if event.facts.contains(&Fact::SipDate) {
            let (meeting, _) = step!(self.field(
                "Datum och tid för SIP-möte (ÅÅÅÅ-MM-DD TT:MM)",
                "När SIP-mötet ska hållas, t.ex. 2025-03-10 13:00.",
                default(Column::DatumUppgift).as_deref(),
                event.requires_on_row(Fact::SipDate, caller_row),
                |v| optional(v, fields::civil_date_time)
            ));
            f[Column::DatumUppgift.index()] = meeting
                .map(|m| format!("{} {:02}:{:02}", m.date(), m.hour(), m.minute()))
                .unwrap_or_default();
        } else if event.facts.contains(&Fact::EstimatedDischargeDate) {
            let (discharge, _) = step!(self.field(
                "Beräknat utskrivningsdatum (ÅÅÅÅ-MM-DD)",
                "Det beräknade utskrivningsdatum som rapporterades.",
                default(Column::DatumUppgift).as_deref(),
                event.requires_on_row(Fact::EstimatedDischargeDate, caller_row),
                |v| optional(v, fields::date)
            ));
            f[Column::DatumUppgift.index()] = discharge.map(|d| d.to_string()).unwrap_or_default();
        }
        let contact = [Fact::Physician, Fact::CareContact]
            .into_iter()
            .find(|fact| event.facts.contains(fact));
        if let Some(fact) = contact {
            let question = match fact {
                Fact::Physician => "Läkare som bedömt",
                _ => "Fast vårdkontakt (namn)",
            };
            let (_, text) = step!(self.field(
                question,
                fact.label(),
                default(Column::LakareKontakt).as_deref(),
                event.requires_on_row(fact, caller_row),
                |_| Ok(())
            ));
            f[Column::LakareKontakt.index()] = text;
        }

        let (reached, _) = step!(self.field(
            "Nådd (ja/nej)",
            "Fick ni tag på motparten? Ett samtal som inte nådde fram är inget meddelande.",
            default(Column::Nadd).as_deref(),
            true,
            |v| fields::reached(v, true)
        ));
        f[Column::Nadd.index()] = if reached { "ja" } else { "nej" }.to_owned();

        let (_, text) = step!(self.field(
            "Notering (kort sammanfattning)",
            "Det som står i noteringsrutan, kort.",
            default(Column::Notering).as_deref(),
            false,
            |_| Ok(())
        ));
        f[Column::Notering.index()] = text;

        let (_, text) = step!(self.field(
            "Signatur (vem på enheten ringde eller svarade)",
            "Signaturen på raden.",
            default(Column::Signatur).as_deref(),
            false,
            |_| Ok(())
        ));
        f[Column::Signatur.index()] = text;

        self.last_date = Some(f[Column::Datum.index()].clone());
        self.finish_fields(&mut f, row, kind);
        Ok(Ok(f))
    }
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
