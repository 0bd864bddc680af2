//! kit.yaml: the organisation, the system, the roles, the events and the
//! payment, print and reconcile settings, validated into [`Settings`].

use super::raw;
use super::values::{hours, path_with, phone};
use super::yaml::{Seg, YamlDoc, key};
use crate::diag::Diagnostic;
use crate::model::{
    Event, EventMeaning, Fact, FactRow, NamedNumber, Organisation, PaymentSettings, PrintSettings,
    RateEntry, Reporter, Role, RoleText, ServiceDesk, Settings, System, UnitKind,
};
use std::collections::BTreeMap;

pub(super) fn settings(doc: &YamlDoc, diags: &mut Vec<Diagnostic>) -> Option<Settings> {
    let top: raw::Kit = doc.get(&doc.root, &[], diags)?;
    let before = diags.len();
    let p = |k: &str| vec![key(k)];

    let organisation = doc
        .get::<raw::Organisation>(&top.organisation, &p("organisation"), diags)
        .map(|o| Organisation {
            name: o.name,
            municipalities_name: o.municipalities_name,
            intranet_name: o.intranet_name,
            record_system: o.record_system,
        });
    let system = doc
        .get::<raw::System>(&top.system, &p("system"), diags)
        .map(|s| System {
            name: s.name,
            short_name: s.short_name,
        });
    let base_url = top.base_url.clone().and_then(|u| {
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && u.ends_with('/')
            && !u.contains(char::is_whitespace);
        if ok {
            Some(u)
        } else {
            diags.push(
                doc.error(&p("base_url"), format!("adressen «{u}» är ogiltig; väntade en absolut http(s)-adress som slutar med /"))
                    .with_hint("till exempel https://insidan.example.se/reservrutin/ ; ta bort raden om sidan inte publiceras"),
            );
            None
        }
    });
    if top.threshold_hours == 0 {
        diags.push(doc.error(&p("threshold_hours"), "threshold_hours måste vara minst 1"));
    }
    let municipality_hours = hours(
        doc,
        &top.municipality_hours,
        &p("municipality_hours"),
        diags,
    );
    let closed_hours = top
        .closed_hours
        .as_ref()
        .and_then(|v| doc.get::<raw::ClosedHours>(v, &p("closed_hours"), diags))
        .map(|c| {
            let mut out = BTreeMap::new();
            for (kind, field, text) in [
                (UnitKind::Municipality, "municipalities", c.municipalities),
                (UnitKind::Ward, "wards", c.wards),
                (UnitKind::HealthCentre, "health_centres", c.health_centres),
            ] {
                match text {
                    Some(t) if t.trim().is_empty() => diags.push(doc.error(
                        &[key("closed_hours"), key(field)],
                        "texten är tom; skriv vad den som ringer gör när ingen svarar, eller ta bort raden",
                    )),
                    Some(t) => {
                        out.insert(kind, t.trim().to_string());
                    }
                    None => {}
                }
            }
            out
        })
        .unwrap_or_default();
    let switchboard = doc
        .get::<raw::NamedNumber>(&top.switchboard, &p("switchboard"), diags)
        .and_then(|s| {
            let number = phone(doc, &s.number, &[key("switchboard"), key("number")], diags)?;
            Some(NamedNumber {
                name: s.name,
                number,
            })
        });
    let service_desk = doc
        .get::<raw::ServiceDesk>(&top.service_desk, &p("service_desk"), diags)
        .and_then(|s| {
            let number = phone(doc, &s.number, &[key("service_desk"), key("number")], diags)?;
            Some(ServiceDesk {
                name: s.name,
                number,
                portal_name: s.portal_name,
            })
        });
    let events = events(doc, diags);
    let payment = payment(doc, &top.payment, diags);
    let print = doc
        .get::<raw::Print>(&top.print, &p("print"), diags)
        .and_then(|pr| {
            let mut ok = true;
            if !(1..=500).contains(&pr.sheets_per_unit) {
                diags.push(doc.error(
                    &[key("print"), key("sheets_per_unit")],
                    format!("sheets_per_unit är {}; väntade 1–500", pr.sheets_per_unit),
                ));
                ok = false;
            }
            // 8 two-line rows of 15.5 mm are the most that fit on the
            // form (see `printouts::form`, whose test tries every count).
            if !(4..=8).contains(&pr.rows_per_sheet) {
                diags.push(
                    doc.error(
                        &[key("print"), key("rows_per_sheet")],
                        format!("rows_per_sheet är {}; väntade 4–8", pr.rows_per_sheet),
                    )
                    .with_hint("fler rader ryms inte på ett liggande A4 med skrivbar radhöjd"),
                );
                ok = false;
            }
            ok.then_some(PrintSettings {
                sheets_per_unit: pr.sheets_per_unit,
                rows_per_sheet: pr.rows_per_sheet,
                rows_per_sheet_at: doc.key_span(&[key("print"), key("rows_per_sheet")]),
            })
        });
    let tolerance = doc
        .get::<raw::Reconcile>(&top.reconcile, &p("reconcile"), diags)
        .and_then(|r| {
            if r.match_tolerance_minutes > 240 {
                diags.push(doc.error(
                    &[key("reconcile"), key("match_tolerance_minutes")],
                    format!(
                        "match_tolerance_minutes är {}; väntade 0–240",
                        r.match_tolerance_minutes
                    ),
                ));
                None
            } else {
                Some(r.match_tolerance_minutes)
            }
        });
    // Placeholders a role's time rules may use.
    let fill: Vec<(&str, String)> = vec![
        (
            "kommunernas_tider",
            municipality_hours
                .map(|h| h.to_string())
                .unwrap_or_default(),
        ),
        (
            "system",
            system.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        ),
    ];
    let roles = roles(doc, &top.roles, &fill, diags);
    if diags.len() > before {
        return None;
    }
    Some(Settings {
        organisation: organisation?,
        roles: roles?,
        system: system?,
        sample_data: top.sample_data,
        base_url,
        threshold_hours: top.threshold_hours,
        municipality_hours: municipality_hours?,
        closed_hours,
        switchboard: switchboard?,
        service_desk: service_desk?,
        verify_within_days: top.verify_within_days,
        events,
        payment: payment?,
        print: print?,
        match_tolerance_minutes: tolerance?,
    })
}

fn events(doc: &YamlDoc, diags: &mut Vec<Diagnostic>) -> Vec<Event> {
    let before = diags.len();
    let mut out: Vec<Event> = Vec::new();
    for (path, e) in doc.get_list::<raw::Event>(&[key("events")], diags) {
        if !(1..=9).contains(&e.code) {
            diags.push(doc.error(
                &path_with(&path, "code"),
                format!(
                    "händelsekoden {} är ogiltig; väntade 1–9 (en siffra på blanketten)",
                    e.code
                ),
            ));
            continue;
        }
        if out.iter().any(|o| o.code == e.code) {
            diags.push(doc.error(
                &path_with(&path, "code"),
                format!("händelsekoden {} finns redan", e.code),
            ));
            continue;
        }
        let meaning = EventMeaning::from_id(&e.meaning);
        match meaning {
            None => diags.push(
                doc.error(
                    &path_with(&path, "meaning"),
                    format!("okänd betydelse «{}»", e.meaning),
                )
                .with_hint(meaning_hint()),
            ),
            Some(m) if m != EventMeaning::Other => {
                if let Some(first) = out.iter().find(|o| o.meaning == m) {
                    diags.push(
                        doc.error(
                            &path_with(&path, "meaning"),
                            format!("betydelsen «{}» har redan händelse {}", m.id(), first.code),
                        )
                        .with_hint("varje betydelse utom other får höra till en händelse"),
                    );
                }
            }
            Some(_) => {}
        }
        let reported_by = match e.reported_by.as_str() {
            "alla" => Some(Reporter::Anyone),
            id => Role::from_id(id).map(Reporter::Role),
        };
        if reported_by.is_none() {
            diags.push(
                doc.error(
                    &path_with(&path, "reported_by"),
                    format!("okänd roll «{}»", e.reported_by),
                )
                .with_hint("väntade slutenvard, oppenvard, kommun eller alla"),
            );
        }
        let mut reported_to = Vec::new();
        for (i, r) in e.reported_to.iter().enumerate() {
            let mut p = path_with(&path, "reported_to");
            p.push(Seg::Index(i));
            match Role::from_id(r) {
                Some(role) => reported_to.push(role),
                None => diags.push(
                    doc.error(&p, format!("okänd roll «{r}»"))
                        .with_hint("väntade slutenvard, oppenvard eller kommun"),
                ),
            }
        }
        let mut facts = Vec::new();
        for (i, f) in e.facts.iter().enumerate() {
            let mut p = path_with(&path, "facts");
            p.push(Seg::Index(i));
            match Fact::from_id(f) {
                Some(fact) => facts.push(fact),
                None => diags.push(doc.error(&p, format!("okänd uppgift «{f}»")).with_hint(
                    "väntade estimated_discharge_date, physician, care_contact eller sip_date",
                )),
            }
        }
        let mut fact_rows = Vec::new();
        for (id, row) in &e.fact_rows {
            let mut p = path_with(&path, "fact_rows");
            p.push(Seg::Key(id.clone()));
            match (Fact::from_id(id), FactRow::from_id(row)) {
                (Some(fact), Some(row)) if facts.contains(&fact) => fact_rows.push((fact, row)),
                (Some(_), Some(_)) => diags
                    .push(doc.error(&p, format!("uppgiften «{id}» står inte i händelsens facts"))),
                (None, _) => diags.push(doc.error(&p, format!("okänd uppgift «{id}»")).with_hint(
                    "väntade estimated_discharge_date, physician, care_contact eller sip_date",
                )),
                (_, None) => diags.push(
                    doc.error(&p, format!("okänt värde «{row}»"))
                        .with_hint("väntade uppringare, mottagare eller bada"),
                ),
            }
        }
        if let (Some(reported_by), Some(meaning)) = (reported_by, meaning) {
            out.push(Event {
                code: e.code,
                name: e.name,
                meaning,
                reported_by,
                reported_to,
                facts,
                fact_rows,
                time_rule: e.time_rule,
            });
        }
    }
    if out.is_empty() {
        diags.push(doc.error(
            &[key("events")],
            "inga händelser (samverkanspunkter) är angivna",
        ));
    } else if diags.len() == before {
        // Reconciliation reads these events by meaning to decide payment
        // responsibility; without one of them it could not.
        for m in EventMeaning::PAYMENT {
            if !out.iter().any(|e| e.meaning == m) {
                diags.push(
                    doc.error(
                        &[key("events")],
                        format!("ingen händelse har betydelsen «{}»", m.id()),
                    )
                    .with_hint("betalningsansvaret räknas från händelserna admission, ready, ready_changed och discharge; ange meaning på var och en"),
                );
            }
        }
    }
    out.sort_by_key(|e| e.code);
    out
}

/// The three roles, each named once under its content id, with every
/// `{placeholder}` in their time rules replaced from `fill`.
fn roles(
    doc: &YamlDoc,
    value: &serde_yaml::Value,
    fill: &[(&str, String)],
    diags: &mut Vec<Diagnostic>,
) -> Option<[RoleText; 3]> {
    let base = [key("roles")];
    let raw: BTreeMap<String, raw::Role> = doc.get(value, &base, diags)?;
    let mut found: [Option<RoleText>; 3] = [None, None, None];
    for (id, r) in raw {
        let at = path_with(&base, &id);
        let Some(role) = Role::from_id(&id) else {
            diags.push(
                doc.error(&at, format!("okänd roll «{id}»"))
                    .with_hint("väntade slutenvard, oppenvard och kommun"),
            );
            continue;
        };
        let mut time_rules = Vec::new();
        for (i, rule) in r.time_rules.iter().enumerate() {
            let mut p = path_with(&at, "time_rules");
            p.push(Seg::Index(i));
            match fill_placeholders(rule, fill) {
                Ok(text) => time_rules.push(text),
                Err(unknown) => {
                    let known: Vec<String> = fill.iter().map(|(k, _)| format!("{{{k}}}")).collect();
                    diags.push(
                        doc.error(&p, format!("okänd platshållare «{{{unknown}}}»"))
                            .with_hint(format!("väntade {}", known.join(" eller "))),
                    );
                }
            }
        }
        found[role.index()] = Some(RoleText {
            name: r.name,
            who: r.who,
            time_rules,
        });
    }
    for role in Role::ALL {
        if found[role.index()].is_none() {
            diags.push(doc.error(&base, format!("rollen «{}» saknas", role.id())));
        }
    }
    let [a, b, c] = found;
    Some([a?, b?, c?])
}

/// `text` with each `{name}` replaced by its value, or the first unknown name.
fn fill_placeholders(text: &str, fill: &[(&str, String)]) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(after.to_owned());
        };
        let name = &after[..close];
        match fill.iter().find(|(k, _)| *k == name) {
            Some((_, value)) => out.push_str(value),
            None => return Err(name.to_owned()),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn meaning_hint() -> String {
    let ids: Vec<&str> = EventMeaning::ALL.iter().map(|m| m.id()).collect();
    format!("väntade {}", ids.join(", "))
}

fn payment(
    doc: &YamlDoc,
    value: &serde_yaml::Value,
    diags: &mut Vec<Diagnostic>,
) -> Option<PaymentSettings> {
    let base = [key("payment")];
    let p: raw::Payment = doc.get(value, &base, diags)?;
    let cutoff = match crate::model::hours::parse_clock(&p.cutoff) {
        Some(t) => Some(t),
        None => {
            diags.push(doc.error(
                &path_with(&base, "cutoff"),
                format!(
                    "klockslaget «{}» är ogiltigt; väntade TT:MM, till exempel 12:00",
                    p.cutoff
                ),
            ));
            None
        }
    };
    if !(0..=30).contains(&p.grace_days) {
        diags.push(doc.error(
            &path_with(&base, "grace_days"),
            format!("grace_days är {}; väntade 0–30", p.grace_days),
        ));
    }
    let mut rates: Vec<RateEntry> = Vec::new();
    for (path, r) in doc.get_list::<raw::Rate>(&path_with(&base, "rates"), diags) {
        if !(2018..=2100).contains(&r.year) {
            diags.push(doc.error(
                &path_with(&path, "year"),
                format!("året {} är orimligt; lagen gäller från 2018", r.year),
            ));
        } else if rates.iter().any(|x| x.year == r.year) {
            diags.push(doc.error(
                &path_with(&path, "year"),
                format!("året {} har redan ett belopp", r.year),
            ));
        } else if r.amount_sek == 0 {
            diags.push(doc.error(
                &path_with(&path, "amount_sek"),
                "beloppet måste vara större än 0",
            ));
        } else if r.source.trim().is_empty() {
            diags.push(doc.error(
                &path_with(&path, "source"),
                "ange källan till beloppet (föreskriften)",
            ));
        } else {
            rates.push(RateEntry {
                year: r.year,
                amount_sek: r.amount_sek,
                source: r.source,
            });
        }
    }
    rates.sort_by_key(|r| r.year);
    Some(PaymentSettings {
        law: p.law,
        grace_days: p.grace_days,
        cutoff: cutoff?,
        cutoff_inclusive: p.cutoff_inclusive,
        count_discharge_day: p.count_discharge_day,
        latest_ready_restarts: p.latest_ready_restarts,
        rates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../content/kit.yaml");

    fn load(src: &str) -> (Option<Settings>, Vec<String>) {
        let doc = YamlDoc::parse("kit.yaml", src).expect("yaml parses");
        let mut diags = Vec::new();
        let settings = settings(&doc, &mut diags);
        (settings, diags.iter().map(ToString::to_string).collect())
    }

    /// The shipped kit.yaml with the first `from` replaced by `to`.
    fn changed(from: &str, to: &str) -> String {
        assert!(SHIPPED.contains(from), "{from}");
        SHIPPED.replacen(from, to, 1)
    }

    fn line_of(src: &str, needle: &str) -> usize {
        src[..src.find(needle).expect("needle")]
            .matches('\n')
            .count()
            + 1
    }

    #[test]
    fn the_shipped_settings_load_with_roles_filled_in() {
        let (settings, diags) = load(SHIPPED);
        assert_eq!(diags, Vec::<String>::new());
        let settings = settings.expect("settings");
        assert_eq!(settings.roles.len(), 3);
        assert!(
            settings
                .roles
                .iter()
                .flat_map(|r| &r.time_rules)
                .all(|t| !t.contains('{'))
        );
        assert!(settings.events.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn an_unknown_meaning_is_reported_at_its_line_with_the_known_ones() {
        let src = changed("meaning: admission", "meaning: intagning");
        let (settings, diags) = load(&src);
        assert!(settings.is_none());
        let line = line_of(&src, "meaning: intagning");
        assert!(
            diags[0].starts_with(&format!("kit.yaml:{line}:")),
            "{diags:?}"
        );
        assert!(
            diags[0].contains("okänd betydelse «intagning»"),
            "{diags:?}"
        );
        assert!(diags[0].contains("hjälp: väntade admission, "), "{diags:?}");
    }

    #[test]
    fn rows_per_sheet_outside_what_fits_is_refused() {
        let from = SHIPPED
            .lines()
            .find(|l| l.trim_start().starts_with("rows_per_sheet:"))
            .expect("rows_per_sheet");
        let indent = &from[..from.len() - from.trim_start().len()];
        let (settings, diags) = load(&changed(from, &format!("{indent}rows_per_sheet: 9")));
        assert!(settings.is_none());
        assert!(
            diags[0].contains("rows_per_sheet är 9; väntade 4–8"),
            "{diags:?}"
        );
    }

    #[test]
    fn placeholders_are_filled_and_an_unknown_one_is_named() {
        let fill = [("system", "Lifecare SP".to_string())];
        assert_eq!(
            fill_placeholders("Tiden i {system} gäller.", &fill).as_deref(),
            Ok("Tiden i Lifecare SP gäller.")
        );
        assert_eq!(
            fill_placeholders("{systemet} och {system}", &fill),
            Err("systemet".to_string())
        );
        assert_eq!(fill_placeholders("{öppen", &fill), Err("öppen".to_string()));
    }
}
