//! Reads `content/` and turns it into a validated [`Kit`], collecting every
//! problem as a located diagnostic.
//!
//! This is the only module that reads content files. It never writes, and it
//! reports all problems it can find in one pass rather than stopping early.

pub mod doc;
pub mod limits;
pub mod raw;
pub mod text;
pub mod yaml;

use crate::diag::{self, Diagnostic, display_path};
use crate::model::{
    Directory, Event, EventMeaning, Fact, FactRow, Hospital, Hours, Kit, NamedNumber, Organisation,
    Page, PaymentSettings, Phone, PhoneNumber, PrintSettings, RateEntry, Reporter, Role, RoleText,
    ServiceDesk, Settings, System, Unit, UnitKind, collate,
};
use jiff::civil::Date;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use yaml::{Seg, YamlDoc, key, lookup};

/// The outcome of loading: a kit when there were no errors, and every
/// diagnostic (errors and warnings), sorted.
#[derive(Debug)]
pub struct Loaded {
    pub kit: Option<Kit>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Slugs the site generates itself; a routine page may not take them.
pub const RESERVED_SLUGS: &[&str] = &[
    "index",
    "kontakter",
    "om",
    "utskrifter",
    "slutenvard",
    "oppenvard",
    "kommun",
    "404",
];

/// Loads and validates the content folder. `today` is used only to warn
/// about contacts that have not been verified recently.
pub fn load(content: &Path, today: Date) -> Loaded {
    let mut diags = Vec::new();
    let shown = |name: &str| display_path(&content.join(name));

    if !content.is_dir() {
        diags.push(
            Diagnostic::error(display_path(content), 0, 0, "innehållsmappen finns inte")
                .with_hint("kör från projektets rotmapp eller ange --content MAPP"),
        );
        return Loaded {
            kit: None,
            diagnostics: diags,
        };
    }

    let settings =
        read_yaml(content, "kit.yaml", &mut diags).and_then(|doc| settings(&doc, &mut diags));
    let directory = read_yaml(content, "contacts.yaml", &mut diags).and_then(|doc| {
        let hours = settings.as_ref().map(|s| s.municipality_hours);
        let verify = settings.as_ref().map_or(365, |s| s.verify_within_days);
        let codes = settings
            .as_ref()
            .map(|s| s.events.iter().map(|e| e.code).collect::<Vec<u8>>());
        directory(&doc, hours, verify, codes.as_deref(), today, &mut diags)
    });
    let pages = pages(content, &mut diags);
    let (version, unknown) = version_hash(content, &mut diags);
    for f in unknown {
        diags.push(
            Diagnostic::warning(&f, 0, 0, "filen används inte av reservkit och ignoreras")
                .with_hint("innehållet är kit.yaml, contacts.yaml och Markdown-sidor (.md)"),
        );
    }
    if pages.is_empty() && !diags.iter().any(|d| d.is_error()) {
        diags.push(
            Diagnostic::error(shown("rutin"), 0, 0, "inga rutinsidor (.md) hittades")
                .with_hint("lägg rutinen som Markdown-filer med front matter i content/rutin/"),
        );
    }
    diag::sort(&mut diags);
    let kit = match (settings, directory) {
        (Some(settings), Some(directory)) if !diags.iter().any(Diagnostic::is_error) => {
            let data_date = directory
                .units
                .iter()
                .map(|u| u.verified)
                .max()
                .unwrap_or(Date::constant(2000, 1, 1));
            Some(Kit {
                settings,
                directory,
                pages,
                version,
                data_date,
                settings_file: display_path(&content.join("kit.yaml")),
            })
        }
        _ => None,
    };
    Loaded {
        kit,
        diagnostics: diags,
    }
}

fn read_yaml(dir: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Option<YamlDoc> {
    let path = dir.join(name);
    let shown = display_path(&path);
    let bytes = match std::fs::read(&path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(Diagnostic::error(shown, 0, 0, "filen saknas"));
            return None;
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                shown,
                0,
                0,
                format!("kunde inte läsa filen: {e}"),
            ));
            return None;
        }
    };
    let src = match text::decode(&shown, &bytes, text::Kind::Yaml) {
        Ok(src) => src,
        Err(mut found) => {
            diags.append(&mut found);
            return None;
        }
    };
    let doc = match YamlDoc::parse(&shown, src) {
        Ok(doc) => doc,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    // A value too long to print or with a line break in it is reported here,
    // once; the checks after this would only quote it again.
    limits::check_values(&doc, diags).then_some(doc)
}

fn path_with(base: &[Seg], k: &str) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(key(k));
    p
}

fn phone(
    doc: &YamlDoc,
    raw: &str,
    path: &[Seg],
    diags: &mut Vec<Diagnostic>,
) -> Option<PhoneNumber> {
    match PhoneNumber::parse(raw) {
        Ok(n) => Some(n),
        Err(msg) => {
            diags.push(
                doc.error(path, format!("telefonnumret «{raw}» är ogiltigt: {msg}"))
                    .with_hint("skriv till exempel \"0920-28 40 00\", \"070-174 06 05\" eller ett femsiffrigt internnummer"),
            );
            None
        }
    }
}

fn date(doc: &YamlDoc, raw: &str, path: &[Seg], diags: &mut Vec<Diagnostic>) -> Option<Date> {
    let ok = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    if ok && let Ok(d) = raw.parse::<Date>() {
        return Some(d);
    }
    let (message, hint) = date_problem(raw);
    diags.push(doc.error(path, message).with_hint(hint));
    None
}

/// Why `raw` is not a date, and what to write instead: a day that is not
/// in the calendar needs a different fix from a date in the wrong format.
fn date_problem(raw: &str) -> (String, String) {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let format = (
        format!("datumet «{raw}» är ogiltigt; väntade ÅÅÅÅ-MM-DD"),
        "till exempel 2026-03-05".to_string(),
    );
    let parts: Vec<&str> = raw.split('-').collect();
    let [y, m, d] = parts[..] else {
        return format;
    };
    let numeric = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(numeric(y, 4..=4) && numeric(m, 1..=2) && numeric(d, 1..=2)) {
        return format;
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>())
    else {
        return format;
    };
    if !(1..=12).contains(&month) {
        return (
            format!("datumet «{raw}» finns inte: månaden måste vara 01–12"),
            "datum skrivs ÅÅÅÅ-MM-DD, till exempel 2026-03-05".into(),
        );
    }
    let Ok(first) = Date::new(year, month, 1) else {
        return format;
    };
    let days = first.days_in_month();
    if !(1..=days).contains(&day) {
        let name = MONTHS[usize::try_from(month - 1).unwrap_or(0)];
        return (
            format!("datumet «{raw}» finns inte: {name} {year} har dagarna 01–{days}"),
            "kontrollera dagen och månaden".into(),
        );
    }
    (
        format!("datumet «{raw}» är ogiltigt; väntade ÅÅÅÅ-MM-DD"),
        format!("skriv {year:04}-{month:02}-{day:02}"),
    )
}

fn hours(doc: &YamlDoc, raw: &str, path: &[Seg], diags: &mut Vec<Diagnostic>) -> Option<Hours> {
    match Hours::parse(raw) {
        Ok(h) => Some(h),
        Err(msg) => {
            diags.push(doc.error(path, format!("öppettiden «{raw}» är ogiltig: {msg}")));
            None
        }
    }
}

fn settings(doc: &YamlDoc, diags: &mut Vec<Diagnostic>) -> Option<Settings> {
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

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

struct UnitDraft {
    path: Vec<Seg>,
    unit: Unit,
}

fn directory(
    doc: &YamlDoc,
    municipality_hours: Option<Hours>,
    verify_within_days: u32,
    event_codes: Option<&[u8]>,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) -> Option<Directory> {
    let _top: raw::Contacts = doc.get(&doc.root, &[], diags)?;
    let before = diags.len();
    let mut ids: BTreeMap<String, Vec<Seg>> = BTreeMap::new();
    let mut check_id = |id: &str, path: &[Seg], diags: &mut Vec<Diagnostic>| {
        let p = path_with(path, "id");
        if !valid_id(id) {
            diags.push(doc.error(&p, format!("id «{id}» är ogiltigt")).with_hint(
                "använd gemena a–z, siffror och bindestreck (inga å, ä, ö), högst 40 tecken",
            ));
        }
        if let Some(first) = ids.get(id) {
            let (line, _) = doc.locate(first);
            diags.push(
                doc.error(&p, format!("id «{id}» finns redan (rad {line})"))
                    .with_hint("varje id måste vara unikt i hela kontaktkatalogen"),
            );
        } else {
            ids.insert(id.to_string(), p);
        }
    };

    let hospitals = doc.get_list::<raw::Hospital>(&[key("hospitals")], diags);
    let municipalities = doc.get_list::<raw::Municipality>(&[key("municipalities")], diags);
    let wards = doc.get_list::<raw::Ward>(&[key("wards")], diags);
    let centres = doc.get_list::<raw::HealthCentre>(&[key("health_centres")], diags);

    for (path, h) in &hospitals {
        check_id(&h.id, path, diags);
    }
    let mut muni_names: BTreeMap<String, String> = BTreeMap::new();
    for (path, m) in &municipalities {
        check_id(&m.id, path, diags);
        muni_names.insert(m.id.clone(), m.name.clone());
    }
    // An entry with an error of its own (a misspelt field, say) is missing
    // from the parsed lists; references to it are not errors too.
    let written_munis = written_ids(doc, "municipalities");
    let written_hospitals = written_ids(doc, "hospitals");
    let muni_ref = |id: &str, path: &[Seg], diags: &mut Vec<Diagnostic>| -> Option<String> {
        match muni_names.get(id) {
            Some(name) => Some(name.clone()),
            None if written_munis.contains(id) => Some(id.to_string()),
            None => {
                diags.push(
                    doc.error(
                        &path_with(path, "municipality"),
                        format!("kommunen «{id}» finns inte i municipalities"),
                    )
                    .with_hint(suggest(id, muni_names.keys())),
                );
                None
            }
        }
    };
    let mut hospital_list = Vec::new();
    for (path, h) in &hospitals {
        if muni_ref(&h.municipality, path, diags).is_some() {
            hospital_list.push(Hospital {
                id: h.id.clone(),
                name: h.name.clone(),
                municipality: h.municipality.clone(),
            });
        }
    }

    let mut drafts: Vec<UnitDraft> = Vec::new();
    let ctx = UnitCtx {
        doc,
        today,
        verify_within_days,
        event_codes,
    };
    for (path, m) in municipalities {
        let default = municipality_hours.unwrap_or(Hours::Always);
        if let Some(unit) = ctx.unit(
            &path,
            UnitKind::Municipality,
            m.id.clone(),
            m.full_name,
            m.name.clone(),
            m.id,
            m.owner,
            &m.verified,
            default,
            diags,
        ) {
            drafts.push(UnitDraft { path, unit });
        }
    }
    for (path, w) in wards {
        check_id(&w.id, &path, diags);
        let hospital = hospitals
            .iter()
            .map(|(_, h)| h)
            .find(|h| h.id == w.hospital);
        let (group, municipality) = match hospital {
            Some(h) => (h.name.clone(), h.municipality.clone()),
            None if written_hospitals.contains(&w.hospital) => (w.hospital.clone(), String::new()),
            None => {
                diags.push(
                    doc.error(
                        &path_with(&path, "hospital"),
                        format!("sjukhuset «{}» finns inte i hospitals", w.hospital),
                    )
                    .with_hint(suggest(&w.hospital, hospitals.iter().map(|(_, h)| &h.id))),
                );
                continue;
            }
        };
        if let Some(unit) = ctx.unit(
            &path,
            UnitKind::Ward,
            w.id,
            w.name,
            group,
            municipality,
            w.owner,
            &w.verified,
            Hours::Always,
            diags,
        ) {
            drafts.push(UnitDraft { path, unit });
        }
    }
    for (path, c) in centres {
        check_id(&c.id, &path, diags);
        let Some(muni) = muni_ref(&c.municipality, &path, diags) else {
            continue;
        };
        // Hälsocentraler state their own hours; a missing one is an error below.
        if let Some(unit) = ctx.unit(
            &path,
            UnitKind::HealthCentre,
            c.id,
            c.name,
            muni,
            c.municipality,
            c.owner,
            &c.verified,
            Hours::Always,
            diags,
        ) {
            drafts.push(UnitDraft { path, unit });
        }
    }

    // The same number on two different units is almost always a copy mistake.
    let mut seen: BTreeMap<String, (String, Vec<Seg>)> = BTreeMap::new();
    for d in &drafts {
        for (i, p) in d.unit.phones.iter().enumerate() {
            let mut path = path_with(&d.path, "phones");
            path.push(Seg::Index(i));
            path.push(key("number"));
            match seen.get(p.number.digits()) {
                Some((owner, _)) if *owner != d.unit.id => diags.push(
                    doc.warning(
                        &path,
                        format!("numret {} används också av «{owner}»", p.number),
                    )
                    .with_hint("kontrollera att numret inte kopierats från fel post"),
                ),
                _ => {
                    seen.insert(p.number.digits().to_string(), (d.unit.id.clone(), path));
                }
            }
        }
    }

    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    let mut units: Vec<Unit> = drafts.into_iter().map(|d| d.unit).collect();
    units.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| collate::cmp(&a.group, &b.group))
            .then_with(|| collate::cmp(&a.name, &b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    hospital_list.sort_by(|a, b| collate::cmp(&a.name, &b.name));
    Some(Directory {
        hospitals: hospital_list,
        units,
    })
}

/// The ids written in the list `list`, whether or not their entries are valid.
fn written_ids(doc: &YamlDoc, list: &str) -> BTreeSet<String> {
    lookup(&doc.root, &[key(list)])
        .and_then(|v| v.as_sequence())
        .into_iter()
        .flatten()
        .filter_map(|item| item.get("id")?.as_str().map(str::to_string))
        .collect()
}

struct UnitCtx<'a> {
    doc: &'a YamlDoc,
    today: Date,
    verify_within_days: u32,
    /// The event codes of kit.yaml, when it loaded.
    event_codes: Option<&'a [u8]>,
}

impl UnitCtx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn unit(
        &self,
        path: &[Seg],
        kind: UnitKind,
        id: String,
        name: String,
        group: String,
        municipality: String,
        owner: String,
        verified: &str,
        default_hours: Hours,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Unit> {
        let doc = self.doc;
        let before = diags.iter().filter(|d| d.is_error()).count();
        if name.trim().is_empty() {
            diags.push(doc.error(&path_with(path, "name"), "namnet är tomt"));
        }
        if owner.trim().is_empty() {
            diags.push(doc.error(
                &path_with(path, "owner"),
                "ange vem som ansvarar för uppgifterna (owner)",
            ));
        }
        let vpath = path_with(path, "verified");
        let verified = date(doc, verified, &vpath, diags);
        if let Some(v) = verified {
            if v > self.today {
                diags.push(
                    doc.error(&vpath, format!("kontrolldatumet {v} ligger i framtiden"))
                        .with_hint(format!(
                            "verified är dagen då uppgifterna senast kontrollerades och kan inte vara senare än i dag ({})",
                            self.today
                        )),
                );
            } else {
                let age = (self.today - v).get_days();
                if age > i32::try_from(self.verify_within_days).unwrap_or(i32::MAX) {
                    diags.push(
                        doc.warning(&vpath, format!("«{name}» kontrollerades senast {v}, för {age} dagar sedan (gräns {} dagar)", self.verify_within_days))
                            .with_hint("ring numren, uppdatera verified och be ägaren bekräfta"),
                    );
                }
            }
        }
        let ppath = path_with(path, "phones");
        let mut out = Vec::new();
        let list = lookup(&doc.root, &ppath)
            .map(|_| doc.get_list::<raw::Phone>(&ppath, diags))
            .unwrap_or_default();
        if list.is_empty()
            && !diags
                .iter()
                .any(|d| d.is_error() && d.line == doc.locate(&ppath).0)
        {
            diags.push(doc.error(&ppath, format!("«{name}» har inga telefonnummer")));
        }
        for (p, ph) in list {
            let number = phone(doc, &ph.number, &path_with(&p, "number"), diags);
            let h = match &ph.hours {
                Some(h) => hours(doc, h, &path_with(&p, "hours"), diags),
                None if kind == UnitKind::HealthCentre => {
                    diags.push(
                        doc.error(&p, "öppettid (hours) saknas för hälsocentralens nummer")
                            .with_hint("till exempel hours: \"vardagar 08-17\""),
                    );
                    None
                }
                None => Some(default_hours),
            };
            if let Some(codes) = self.event_codes {
                for (i, code) in ph.events.iter().enumerate() {
                    if !codes.contains(code) {
                        let known: Vec<String> = codes.iter().map(u8::to_string).collect();
                        diags.push(
                            doc.error(
                                &[p.clone(), vec![key("events"), Seg::Index(i)]].concat(),
                                format!("händelsen {code} finns inte i kit.yaml"),
                            )
                            .with_hint(format!("händelserna är {}", known.join(", "))),
                        );
                    }
                }
            }
            if ph.label.trim().is_empty() {
                diags.push(doc.error(
                    &path_with(&p, "label"),
                    "beskriv numret (label), till exempel «Expedition»",
                ));
            }
            if let (Some(number), Some(hours)) = (number, h) {
                out.push(Phone {
                    label: ph.label,
                    number,
                    hours,
                    events: ph.events,
                });
            }
        }
        let errors = diags.iter().filter(|d| d.is_error()).count();
        (errors == before).then_some(Unit {
            id,
            kind,
            name,
            group,
            municipality,
            owner,
            verified: verified?,
            phones: out,
        })
    }
}

/// "menade du …?" for a mistyped id.
fn suggest<'a>(wrong: &str, known: impl Iterator<Item = &'a String>) -> String {
    let best = known
        .map(|k| (edit_distance(wrong, k), k))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    match best {
        Some((d, k)) if d <= 3 => format!("menade du «{k}»?"),
        _ => "ange id för en post som finns i kontaktkatalogen".into(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn pages(content: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Page> {
    let mut out: Vec<Page> = Vec::new();
    for path in files(content) {
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let shown = display_path(&path);
        let text = match std::fs::read(&path) {
            Ok(bytes) => match text::decode(&shown, &bytes, text::Kind::Markdown) {
                Ok(t) => t.replace("\r\n", "\n"),
                Err(mut found) => {
                    diags.append(&mut found);
                    continue;
                }
            },
            Err(e) => {
                diags.push(Diagnostic::error(
                    &shown,
                    0,
                    0,
                    format!("kunde inte läsa filen: {e}"),
                ));
                continue;
            }
        };
        let slug = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !valid_id(&slug) {
            diags.push(
                Diagnostic::error(&shown, 0, 0, format!("filnamnet «{slug}» kan inte bli en sidadress"))
                    .with_hint("använd gemena a–z, siffror och bindestreck, till exempel efter-driftstoppet.md"),
            );
            continue;
        }
        if RESERVED_SLUGS.contains(&slug.as_str()) {
            diags.push(
                Diagnostic::error(
                    &shown,
                    0,
                    0,
                    format!("sidnamnet «{slug}» är upptaget av en sida som reservkit gör själv"),
                )
                .with_hint("byt namn på filen"),
            );
            continue;
        }
        if let Some(other) = out.iter().find(|p| p.slug == slug) {
            diags.push(Diagnostic::error(
                &shown,
                0,
                0,
                format!("en sida med namnet «{slug}» finns redan: {}", other.source),
            ));
            continue;
        }
        if let Some(page) = page(&shown, slug, &text, diags) {
            out.push(page);
        }
    }
    out.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.slug.cmp(&b.slug)));
    out
}

/// Splits `---` front matter from the body and validates it.
fn page(shown: &str, slug: String, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Page> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    if first.trim_end() != "---" {
        diags.push(
            Diagnostic::error(shown, 1, 1, "sidan saknar front matter").with_hint(
                "börja filen med en rad ---, sedan title: och order:, och avsluta med en rad ---",
            ),
        );
        return None;
    }
    let mut offset = first.len() + 1;
    let mut close = None;
    for line in text.lines().skip(1) {
        if line.trim_end() == "---" {
            close = Some(offset);
            break;
        }
        offset += line.len() + 1;
    }
    let Some(close_off) = close else {
        diags.push(
            Diagnostic::error(shown, 1, 1, "front matter avslutas aldrig")
                .with_hint("lägg en rad med bara --- efter sista fältet"),
        );
        return None;
    };
    // Keep the opening fence so that line numbers in the YAML match the file.
    let fm_src = &text[..close_off];
    let doc = match YamlDoc::parse(shown, fm_src) {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if !limits::check_values(&doc, diags) {
        return None;
    }
    if doc.root.is_null() {
        diags.push(Diagnostic::error(
            shown,
            1,
            1,
            "front matter är tom; title och order saknas",
        ));
        return None;
    }
    let fm: raw::FrontMatter = doc.get(&doc.root, &[], diags)?;
    if fm.title.trim().is_empty() {
        diags.push(doc.error(&[key("title")], "titeln är tom"));
        return None;
    }
    let body_start = text[close_off..]
        .find('\n')
        .map_or(text.len(), |i| close_off + i + 1);
    let body = doc::parse(shown, text, body_start, diags);
    if !limits::check_doc(shown, text, &body, diags) {
        return None;
    }
    Some(Page {
        slug,
        title: fm.title,
        order: fm.order,
        description: fm.description,
        source: shown.to_string(),
        doc: body,
        text: text.to_string(),
    })
}

/// Every file under `dir`, sorted, skipping hidden ones.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// The kit version: a short SHA-256 over every content file's relative path
/// and bytes. Also returns files that are not part of the content model.
fn version_hash(content: &Path, diags: &mut Vec<Diagnostic>) -> (String, Vec<String>) {
    let mut hasher = Sha256::new();
    let mut unknown = Vec::new();
    let known: BTreeSet<&str> = ["kit.yaml", "contacts.yaml"].into();
    for path in files(content) {
        let rel = path.strip_prefix(content).unwrap_or(&path);
        let rel_s = rel.to_string_lossy().replace('\\', "/");
        let is_md = path.extension().and_then(|e| e.to_str()) == Some("md");
        if !is_md && !known.contains(rel_s.as_str()) {
            unknown.push(display_path(&path));
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => {
                hasher.update(rel_s.as_bytes());
                hasher.update([0]);
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
            }
            Err(e) => diags.push(Diagnostic::error(
                display_path(&path),
                0,
                0,
                format!("kunde inte läsa filen: {e}"),
            )),
        }
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    (hex, unknown)
}
