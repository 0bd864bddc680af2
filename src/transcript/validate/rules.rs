//! Rules between the values of one line: the facts an event needs, who
//! reports an event to whom, and when municipalities answer the phone.

use super::super::columns::Column;
use super::super::completion::{self, Match};
use super::super::entry::{Direction, FactDate};
use super::super::fields;
use super::problems::{Problems, required};
use crate::localtime;
use crate::model::{Directory, Event, Fact, Hours, Reporter, Role, Settings, Unit, UnitKind};
use jiff::ZonedDateTime;
use jiff::civil::Date;

/// The `datum_uppgift` column for an event: a date for an estimated
/// discharge, a date and time for a SIP meeting, otherwise nothing. Empty
/// is an error only on the rows kit.yaml's `fact_rows` names.
pub(super) fn check_fact_date(
    p: &mut Problems,
    f: &[String],
    event: &Event,
    call_date: Option<Date>,
    caller_row: bool,
) -> Option<FactDate> {
    let column = Column::DatumUppgift;
    let value = f[column.index()].trim();
    let fact = if event.facts.contains(&Fact::SipDate) {
        Some(Fact::SipDate)
    } else if event.facts.contains(&Fact::EstimatedDischargeDate) {
        Some(Fact::EstimatedDischargeDate)
    } else {
        None
    };
    let Some(fact) = fact else {
        if !value.is_empty() {
            p.warning(
                column,
                format!(
                    "händelse {} ({}) har ingen datumuppgift; värdet används inte",
                    event.code, event.name
                ),
            );
        }
        return None;
    };
    if value.is_empty() {
        // kit.yaml says whose row must carry the fact (`fact_rows`).
        if event.requires_on_row(fact, caller_row) {
            p.error(
                column,
                format!(
                    "saknas; händelse {} ({}) kräver {}",
                    event.code,
                    event.name,
                    fact.label()
                ),
            );
        }
        return None;
    }
    let parsed = match fact {
        Fact::SipDate => fields::civil_date_time(value).map(FactDate::DateTime),
        _ => fields::date(value).map(FactDate::Date),
    };
    match parsed {
        Ok(fact_date) => {
            let day = match fact_date {
                FactDate::Date(d) => d,
                FactDate::DateTime(dt) => dt.date(),
            };
            if let Some(call) = call_date
                && day < call
            {
                p.warning(
                    column,
                    format!("{} {day} är före samtalsdatumet {call}", fact.label()),
                );
            }
            Some(fact_date)
        }
        Err(m) => {
            p.error(column, format!("{} ({}): {m}", fact.label(), event.name));
            None
        }
    }
}

/// The `lakare_kontakt` column: required for events that name a physician
/// or a fast vårdkontakt, on the rows kit.yaml's `fact_rows` names.
pub(super) fn check_contact(
    p: &mut Problems,
    f: &[String],
    event: &Event,
    caller_row: bool,
) -> Option<String> {
    let column = Column::LakareKontakt;
    let value = f[column.index()].trim();
    let fact = [Fact::Physician, Fact::CareContact]
        .into_iter()
        .find(|fact| event.facts.contains(fact));
    match fact {
        Some(fact) if value.is_empty() => {
            if !event.requires_on_row(fact, caller_row) {
                return None;
            }
            p.error(
                column,
                format!(
                    "saknas; händelse {} ({}) kräver {}",
                    event.code,
                    event.name,
                    fact.label()
                ),
            );
            None
        }
        Some(_) => Some(value.to_owned()),
        None => {
            if !value.is_empty() {
                p.warning(
                    column,
                    format!(
                        "händelse {} ({}) anger varken läkare eller fast vårdkontakt; värdet används inte",
                        event.code, event.name
                    ),
                );
            }
            None
        }
    }
}

/// Whether the caller's role may report the event to the called party's
/// role. Staff do make other calls, so a mismatch is only a warning.
pub(super) fn check_roles(
    p: &mut Problems,
    settings: &Settings,
    unit: &Unit,
    counterpart: &Unit,
    event: &Event,
    direction: Direction,
) {
    let role_name = |role: Role| settings.role(role).name.to_lowercase();
    let (caller, called) = match direction {
        Direction::Outgoing => (unit, counterpart),
        Direction::Incoming => (counterpart, unit),
    };
    let (from, to) = (caller.kind.role(), called.kind.role());
    if event.reported_by.includes(from) && event.reported_to.contains(&to) {
        return;
    }
    let by = match event.reported_by {
        Reporter::Role(r) => role_name(r),
        Reporter::Anyone => "alla".to_owned(),
    };
    let to_list: Vec<String> = event.reported_to.iter().map(|r| role_name(*r)).collect();
    p.warning(
        Column::Riktning,
        format!(
            "händelse {} ({}) rapporteras av {by} till {}, men här ringde {} ({}) till {} ({})",
            event.code,
            event.name,
            to_list.join(" eller "),
            role_name(from),
            caller.id,
            role_name(to),
            called.id
        ),
    );
}

/// A call to a municipality outside its phone hours (open if any of its
/// phones is open) is worth a second look.
pub(super) fn check_municipality_hours(
    p: &mut Problems,
    counterpart: &Unit,
    at: &ZonedDateTime,
    default: Hours,
) {
    if counterpart.kind != UnitKind::Municipality {
        return;
    }
    let open = if counterpart.phones.is_empty() {
        default.is_open(at.weekday(), at.time())
    } else {
        counterpart
            .phones
            .iter()
            .any(|ph| ph.hours.is_open(at.weekday(), at.time()))
    };
    if !open {
        let mut hours: Vec<String> = counterpart
            .phones
            .iter()
            .map(|ph| ph.hours.to_string())
            .collect();
        hours.dedup();
        if hours.is_empty() {
            hours.push(default.to_string());
        }
        p.warning(
            Column::Klockslag,
            format!(
                "samtal till {} kl {:02}:{:02} är utanför kommunens telefontider ({})",
                counterpart.name,
                at.hour(),
                at.minute(),
                hours.join(", ")
            ),
        );
    }
}

/// When the call happened: the date (also needed to read the identity
/// number) and the instant in Europe/Stockholm, which must lie between the
/// outage start and now.
pub(super) fn check_call_time(
    p: &mut Problems,
    f: &[String],
    outage_start: Option<&ZonedDateTime>,
    now: &ZonedDateTime,
) -> (Option<Date>, Option<ZonedDateTime>) {
    let date = required(p, f, Column::Datum).and_then(|v| {
        fields::call_date(v)
            .map_err(|m| p.error(Column::Datum, m))
            .ok()
    });
    let time = required(p, f, Column::Klockslag).and_then(|v| {
        fields::call_time(v)
            .map_err(|m| p.error(Column::Klockslag, m))
            .ok()
    });
    let offset = fields::offset(&f[Column::Tidszon.index()])
        .map_err(|m| p.error(Column::Tidszon, m))
        .ok();
    let at = match (date, time, offset) {
        (Some(d), Some(t), Some(o)) => match localtime::resolve_local(d, t, o) {
            Ok(at) => Some(at),
            Err(e) => {
                let column = if fields::offset_is_at_fault(&e) {
                    Column::Tidszon
                } else {
                    Column::Klockslag
                };
                p.error(column, e.to_string());
                None
            }
        },
        _ => None,
    };
    if let Some(at) = &at {
        if let Some(start) = outage_start
            && at < start
        {
            p.error_hint(
                Column::Klockslag,
                format!(
                    "samtalet {} är före driftstoppets början {}",
                    fields::format_minute(at),
                    fields::format_minute(start)
                ),
                "kontrollera datum och klockslag mot bladets huvud",
            );
        }
        if *at > *now {
            p.error(
                Column::Klockslag,
                format!(
                    "samtalet {} ligger efter nu ({})",
                    fields::format_minute(at),
                    fields::format_minute(now)
                ),
            );
        }
    }

    (date, at)
}

/// The counterpart: a unit in the directory other than the sheet's own,
/// with a hint when a name was written instead of the id.
pub(super) fn check_counterpart<'d>(
    p: &mut Problems,
    f: &[String],
    directory: &'d Directory,
    unit: Option<&Unit>,
) -> Option<&'d Unit> {
    required(p, f, Column::Motpart).and_then(|v| {
        match fields::counterpart(v, directory, unit.map(|u| u.id.as_str())) {
            Ok(u) => Some(u),
            Err(m) => {
                match completion::find(v, directory, unit.map(|u| u.id.as_str())) {
                    Match::Unique(u) if directory.unit(v.trim()).is_none() => p.error_hint(
                        Column::Motpart,
                        m,
                        format!("menade du «{}» ({})?", u.id, u.full_name()),
                    ),
                    _ => p.error(Column::Motpart, m),
                }
                None
            }
        }
    })
}
