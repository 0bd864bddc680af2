//! contacts.yaml: hospitals, municipalities, wards and hälsocentraler with
//! their numbers, validated into a [`Directory`] with every reference
//! between entries checked.

use super::raw;
use super::values::{date, hours, path_with, phone, valid_id};
use super::yaml::{Seg, YamlDoc, key, lookup};
use crate::diag::Diagnostic;
use crate::model::{Directory, Hospital, Hours, Phone, Unit, UnitKind, collate};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

struct UnitDraft {
    path: Vec<Seg>,
    unit: Unit,
}

pub(super) fn directory(
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
        index: Default::default(),
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
                .any(|d| d.is_error() && d.line() == doc.locate(&ppath).0)
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const SRC: &str = "\
hospitals:
  - id: sunderby
    name: Sunderby sjukhus
    municipality: lulea
municipalities:
  - id: lulea
    name: Luleå
    full_name: Luleå kommun
    owner: Socialtjänsten
    verified: 2026-03-05
    phones:
      - label: Vårdplanering
        number: \"0980-31 92 00\"
wards:
  - id: avd-1
    name: Avdelning 1
    hospital: sunderby
    owner: Sunderby sjukhus
    verified: 2026-03-05
    phones:
      - label: Expedition
        number: \"0980-31 92 40\"
        events: [1, 3]
health_centres:
  - id: hc-lulea
    name: Hälsocentralen
    municipality: lulea
    owner: Primärvården
    verified: 2026-03-05
    phones:
      - label: Mottagning
        number: \"0980-31 92 50\"
        hours: vardagar 08-17
";

    fn load(src: &str) -> (Option<Directory>, Vec<String>) {
        let doc = YamlDoc::parse("contacts.yaml", src).expect("yaml parses");
        let mut diags = Vec::new();
        let dir = directory(
            &doc,
            None,
            365,
            Some(&[1, 3, 4, 5]),
            date(2026, 6, 1),
            &mut diags,
        );
        (dir, diags.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_directory_loads_sorted_by_kind_with_group_names() {
        let (dir, diags) = load(SRC);
        assert_eq!(diags, Vec::<String>::new());
        let dir = dir.expect("directory");
        let units: Vec<(&str, &str)> = dir
            .units
            .iter()
            .map(|u| (u.id.as_str(), u.group.as_str()))
            .collect();
        assert_eq!(units.len(), 3);
        assert!(units.contains(&("avd-1", "Sunderby sjukhus")));
        assert!(units.contains(&("hc-lulea", "Luleå")));
        assert_eq!(dir.hospitals[0].id, "sunderby");
    }

    #[test]
    fn a_repeated_id_names_the_line_of_the_first() {
        let (dir, diags) = load(&SRC.replace("id: hc-lulea", "id: avd-1"));
        assert!(dir.is_none());
        assert_eq!(
            diags[0],
            "contacts.yaml:25:9: error: id «avd-1» finns redan (rad 15)\n  hjälp: varje id måste vara unikt i hela kontaktkatalogen"
        );
    }

    #[test]
    fn a_mistyped_reference_suggests_the_closest_id() {
        let (_, diags) = load(&SRC.replace("hospital: sunderby", "hospital: sundrby"));
        assert_eq!(
            diags,
            [
                "contacts.yaml:17:15: error: sjukhuset «sundrby» finns inte i hospitals\n  hjälp: menade du «sunderby»?"
            ]
        );
    }

    #[test]
    fn an_unknown_event_and_a_missing_health_centre_hours_are_errors() {
        let src = SRC
            .replace("events: [1, 3]", "events: [1, 7]")
            .replace("        hours: vardagar 08-17\n", "");
        let (dir, diags) = load(&src);
        assert!(dir.is_none());
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(
            diags[0].starts_with("contacts.yaml:23:17: error: händelsen 7 finns inte i kit.yaml"),
            "{diags:?}"
        );
        assert!(diags[1].contains("öppettid (hours) saknas för hälsocentralens nummer"));
    }

    #[test]
    fn the_same_number_on_two_units_is_a_warning() {
        let (dir, diags) = load(&SRC.replace("0980-31 92 50", "0980-31 92 40"));
        assert!(dir.is_some());
        assert_eq!(diags.len(), 1);
        assert!(diags[0].contains("warning: numret 0980-31 92 40 används också av «avd-1»"));
    }

    #[test]
    fn suggestions_need_a_close_id() {
        let known = ["kalix".to_string(), "lulea".to_string()];
        assert_eq!(suggest("lulae", known.iter()), "menade du «lulea»?");
        assert_eq!(
            suggest("stockholm", known.iter()),
            "ange id för en post som finns i kontaktkatalogen"
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
