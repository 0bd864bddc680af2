//! What one role does during an outage, derived from the events in
//! kit.yaml: the calls it makes and receives, what it writes down and what
//! counts as the time. Shared by the site's checklist pages and the printed
//! quick-reference cards, so that both always say the same.

use super::{Directory, Fact, Reporter, Role, Settings};

/// A call in a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub code: u8,
    pub name: String,
    /// "Ring kommun och öppenvård" or "Slutenvård ringer".
    pub party: String,
    /// Swedish labels of the extra facts to note.
    pub facts: Vec<String>,
    pub time_rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub role: Role,
    pub makes: Vec<Call>,
    pub receives: Vec<Call>,
    pub write_down: Vec<String>,
    pub time_rules: Vec<String>,
}

/// Stands in [`EVERY_CALL`] for the caller's own number, which each role
/// names as its own unit ([`Role::own_number`]).
pub const OWN_NUMBER: &str = "ditt eget telefonnummer";

/// What every call records, in the order of the logging form.
pub const EVERY_CALL: [&str; 7] = [
    "datum och klockslag för samtalet, till minuten",
    "om du ringde eller blev uppringd, och vem som ringde vem (namn och enhet)",
    "patientens namn och personnummer (eller samordnings- eller reservnummer)",
    OWN_NUMBER,
    "vilken samverkanspunkt samtalet gällde",
    "om mottagaren nåddes",
    "en kort sammanfattning av överrapporteringen",
];

/// "Kommun och öppenvård", in lower case after the first letter.
pub fn join_roles(s: &Settings, roles: &[Role]) -> String {
    let names: Vec<String> = roles
        .iter()
        .map(|r| s.role(*r).name.to_lowercase())
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => capitalise(one),
        [init @ .., last] => capitalise(&format!("{} och {last}", init.join(", "))),
    }
}

/// A name as it reads inside a sentence: the first letter in lower case,
/// acronyms such as "SIP" kept ("Fast vårdkontakt och datum för SIP" →
/// "fast vårdkontakt och datum för SIP").
pub fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_string(),
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Derives the checklist of `role` from the settings.
pub fn for_role(s: &Settings, role: Role) -> Checklist {
    let labels = |facts: &[Fact]| facts.iter().map(|f| f.label().to_string()).collect();
    let makes = s
        .events
        .iter()
        .filter(|e| e.reported_by.includes(role))
        .map(|e| {
            let others: Vec<Role> = e
                .reported_to
                .iter()
                .copied()
                .filter(|r| *r != role)
                .collect();
            Call {
                code: e.code,
                name: e.name.clone(),
                party: format!("Ring {}", join_roles(s, &others).to_lowercase()),
                facts: labels(&e.facts),
                time_rule: e.time_rule.clone(),
            }
        })
        .collect();
    let receives = s
        .events
        .iter()
        .filter(|e| e.reported_to.contains(&role) && !e.reported_by.includes(role))
        .chain(
            s.events
                .iter()
                .filter(|e| e.reported_by == Reporter::Anyone),
        )
        .map(|e| Call {
            code: e.code,
            name: e.name.clone(),
            party: match e.reported_by {
                Reporter::Role(r) => format!("{} ringer", s.role(r).name),
                Reporter::Anyone => "Vem som helst av aktörerna ringer".into(),
            },
            facts: labels(&e.facts),
            time_rule: e.time_rule.clone(),
        })
        .collect();
    let concerns = |e: &super::Event| e.reported_by.includes(role) || e.reported_to.contains(&role);
    let mut write_down: Vec<String> = EVERY_CALL
        .iter()
        .map(|s| match *s {
            OWN_NUMBER => capitalise(role.own_number()),
            s => capitalise(s),
        })
        .collect();
    let mut extra: Vec<Fact> = s
        .events
        .iter()
        .filter(|e| concerns(e))
        .flat_map(|e| e.facts.iter().copied())
        .collect();
    extra.sort();
    extra.dedup();
    for f in extra {
        let events: Vec<String> = s
            .events
            .iter()
            .filter(|e| e.facts.contains(&f) && concerns(e))
            .map(|e| format!("{} ({})", in_sentence(&e.name), e.code))
            .collect();
        write_down.push(capitalise(&format!(
            "{} vid {}",
            f.label(),
            events.join(", ")
        )));
    }
    write_down.push(format!(
        "Dokumentera även samtalet i ert eget journal- eller verksamhetssystem ({} för regionen): till eller från vem överrapporteringen skett, datum och tid.",
        s.organisation.record_system
    ));
    let mut time_rules = vec![
        format!("Det är klockslaget när samtalet sker som räknas, inte när det senare förs in i {}.", s.system.short_name),
        "Ett samtal där ingen svarar är inget meddelande. Ring igen och skriv klockslaget för samtalet då du når mottagaren.".to_string(),
    ];
    time_rules.extend(s.role(role).time_rules.iter().cloned());
    time_rules.push(format!("Redatera aldrig: när {} fungerar igen förs allt in med dagens datum och tid och en notering om att datumet avviker på grund av driftstörningen.", s.system.name));
    Checklist {
        role,
        makes,
        receives,
        write_down,
        time_rules,
    }
}

/// Which number to ring at each party for a call about event `code` that
/// `role` makes, from what contacts.yaml says each number is for:
/// "kommunen: Vårdplanering / biståndshandläggare". Parties whose numbers
/// all take every call are left out (any of their numbers will do).
pub fn numbers_to_ring(s: &Settings, dir: &Directory, role: Role, code: u8) -> Vec<String> {
    let Some(event) = s.event(code) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for party in event.reported_to.iter().filter(|r| **r != role) {
        let kind = party.unit_kind();
        if !dir
            .of_kind(kind)
            .any(|u| u.phones.iter().any(|p| !p.events.is_empty()))
        {
            continue;
        }
        let mut labels: Vec<&str> = Vec::new();
        for u in dir.of_kind(kind) {
            for p in u.phones.iter().filter(|p| p.is_for(code)) {
                if !labels.contains(&p.label.as_str()) {
                    labels.push(&p.label);
                }
            }
        }
        if !labels.is_empty() {
            out.push(format!(
                "{}: {}",
                party.party_name(),
                labels.join(" eller ")
            ));
        }
    }
    out
}

/// For each party `role` calls whose numbers say which events they are for,
/// one line: "Kommunens nummer: Vårdplanering / biståndshandläggare vid 1,
/// 2, 3, 4, 6; Kommunal hälso- och sjukvård (hemsjukvård) vid 5, 8." The
/// compact form of [`numbers_to_ring`] for the quick cards.
pub fn numbers_by_party(dir: &Directory, role: Role, s: &Settings) -> Vec<String> {
    let mut parties: Vec<Role> = Vec::new();
    for e in s
        .events
        .iter()
        .filter(|e| e.reported_by == Reporter::Role(role))
    {
        for r in &e.reported_to {
            if *r != role && !parties.contains(r) {
                parties.push(*r);
            }
        }
    }
    let mut out = Vec::new();
    for party in parties {
        let mut labels: Vec<(&str, Vec<u8>)> = Vec::new();
        for p in dir.of_kind(party.unit_kind()).flat_map(|u| &u.phones) {
            if p.events.is_empty() {
                continue;
            }
            match labels.iter_mut().find(|(l, _)| *l == p.label) {
                Some((_, codes)) => codes.extend(&p.events),
                None => labels.push((&p.label, p.events.clone())),
            }
        }
        if labels.is_empty() {
            continue;
        }
        let parts: Vec<String> = labels
            .iter_mut()
            .map(|(label, codes)| {
                codes.sort_unstable();
                codes.dedup();
                let codes: Vec<String> = codes.iter().map(u8::to_string).collect();
                format!("{label} vid {}", codes.join(", "))
            })
            .collect();
        out.push(format!(
            "{}s nummer: {}.",
            capitalise(party.party_name()),
            parts.join("; ")
        ));
    }
    out
}
