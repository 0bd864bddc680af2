//! The kit at national scale: a synthetic directory the size of Sweden's
//! (290 municipalities, 70 hospitals, about 1,500 wards and 1,100
//! hälsocentraler: 2,890 units and some 29,000 form pages) with an outage of
//! N transcribed rows, and a timer for `build`, `transcribe --check` and
//! `reconcile` on it.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example national -- generate DIR [--rows 100000]
//! cargo run --release --example national -- run DIR [--bin A --bin B] [--runs 3] [--duckdb python3]
//! cargo run --release --example national -- regions DIR
//! cargo run --release --example national -- directory DIR --units N
//! ```
//!
//! `regions` writes `DIR/<region>/content/` for Sweden's 21 regions: the
//! national directory split by region, each region with its real number of
//! municipalities and hospitals, wards and hälsocentraler in proportion.
//! `directory` writes `DIR/content/` with a national-like directory of about
//! N units (every kind scaled alike; N = 2890 is the national one). Both are
//! for `tests/bench/kits.py`, and every kit they make passes `check`.
//!
//! `generate` writes `DIR/content/` (the shipped `kit.yaml` and routine pages
//! with a generated `contacts.yaml`) and `DIR/logg/*.csv`, one transcription
//! file per unit holding its sheets. The same arguments give the same files.
//! All data is fictional: names are made up, phone numbers come only from
//! the ranges PTS reserves for fiction (0980-31 92 00–99, 070-174 06 05–99),
//! patients carry reservnummer or one of Skatteverket's test personnummer and
//! samordningsnummer (reused across patients, with other names), and every
//! line passes `reservkit transcribe --check`.
//!
//! `run` times each command on the directory with `/usr/bin/time` (wall
//! clock, user + system CPU, peak resident memory), the binaries and
//! commands interleaved, `--runs` times (default 3), and prints the medians.
//! Output goes to a temporary folder beside `DIR` and is removed afterwards.
//! With `--duckdb PYTHON`, each run also times `tests/bench/duckdb_pairing.py`
//! (only the pairing, in DuckDB SQL, on the same files; `pip install duckdb`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const MUNICIPALITIES: usize = 290;
const HOSPITALS: usize = 70;
const WARDS: usize = 1_500;
const CENTRES: usize = 1_100;

/// Skatteverket's test personnummer and samordningsnummer.
const TEST_IDS: [&str; 8] = [
    "18900101-9802",
    "19000101-9801",
    "19900101-2385",
    "20000229-2399",
    "20170101-2393",
    "19640823-3234",
    "20220161-2393",
    "19140168-2396",
];

const FIRST: [&str; 24] = [
    "Astrid", "Bo", "Cecilia", "Dagny", "Erik", "Frida", "Gustav", "Hedda", "Ivar", "Jenny",
    "Karl", "Lova", "Måns", "Nora", "Olle", "Pia", "Rut", "Sixten", "Tora", "Ulf", "Vera",
    "Wilhelm", "Ylva", "Åke",
];
const LAST: [&str; 16] = [
    "Testsson",
    "Exempelberg",
    "Provsson",
    "Påhittad",
    "Fiktivsson",
    "Låtsasson",
    "Modellberg",
    "Övningsson",
    "Mönstersson",
    "Provstam",
    "Exempeldal",
    "Testlund",
    "Skissberg",
    "Utkastsson",
    "Förlagsson",
    "Dummström",
];
const PREFIX: [&str; 15] = [
    "Norr", "Sör", "Väst", "Öst", "Ek", "Björk", "Gran", "Tall", "Sjö", "Ås", "Berg", "Dal", "Hög",
    "Lång", "Myr",
];
const SUFFIX: [&str; 20] = [
    "by", "vik", "torp", "å", "sala", "köping", "näs", "fors", "hamn", "berga", "lunda", "mark",
    "holm", "sund", "ryd", "tuna", "stad", "inge", "ås", "hed",
];
/// Ward kinds, with a short id part (ids have at most 40 characters).
const WARD_KINDS: [(&str, &str); 12] = [
    ("Medicinavdelning", "med"),
    ("Kirurgavdelning", "kir"),
    ("Ortopedavdelning", "ort"),
    ("Geriatrisk avdelning", "ger"),
    ("Strokeenhet", "stroke"),
    ("Infektionsavdelning", "inf"),
    ("Hjärtavdelning", "hjarta"),
    ("Lungavdelning", "lunga"),
    ("Njuravdelning", "njure"),
    ("Psykiatrisk avdelning", "psyk"),
    ("Onkologisk avdelning", "onk"),
    ("Rehabiliteringsavdelning", "rehab"),
];
const CENTRE_PARTS: [&str; 5] = ["", " norra", " södra", " östra", " västra"];

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// An id from a Swedish name: a–z, 0–9 and hyphens.
fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'a'..='z' | '0'..='9' => c,
            _ => '-',
        })
        .collect()
}

fn phone(n: usize) -> String {
    // 100 numbers in 0980-31 92 00–99, then 95 in 070-174 06 05–99, reused.
    let n = n % 195;
    if n < 100 {
        format!("0980-31 92 {n:02}")
    } else {
        format!("070-174 06 {:02}", n - 100 + 5)
    }
}

struct Unit {
    id: String,
    /// "Kommun", "Ward" or "Centre"
    kind: char,
    /// Index of the unit's municipality.
    municipality: usize,
}

struct Directory {
    yaml: String,
    municipalities: Vec<Unit>,
    wards: Vec<Unit>,
    centres: Vec<Unit>,
}

/// How many units of each kind a directory has, and where its
/// municipalities start in the list of made-up names (so that the 21 region
/// kits together have the national directory's distinct names).
#[derive(Clone, Copy)]
struct Sizes {
    municipalities: usize,
    hospitals: usize,
    wards: usize,
    centres: usize,
    first_name: usize,
}

const NATIONAL: Sizes = Sizes {
    municipalities: MUNICIPALITIES,
    hospitals: HOSPITALS,
    wards: WARDS,
    centres: CENTRES,
    first_name: 0,
};

impl Sizes {
    fn units(&self) -> usize {
        self.municipalities + self.wards + self.centres
    }

    /// A national-like directory of about `units` units, every kind scaled
    /// by the same factor.
    fn scaled(units: usize) -> Sizes {
        let f = units as f64 / NATIONAL.units() as f64;
        let n = |x: usize| ((x as f64 * f).round() as usize).max(1);
        Sizes {
            municipalities: n(MUNICIPALITIES).min(MUNICIPALITIES),
            hospitals: n(HOSPITALS).min(n(MUNICIPALITIES)),
            wards: n(WARDS),
            centres: n(CENTRES),
            first_name: 0,
        }
    }
}

fn directory() -> Directory {
    directory_sized(NATIONAL)
}

fn directory_sized(size: Sizes) -> Directory {
    let mut yaml = String::from(
        "# Syntetisk nationell kontaktkatalog för prestandamätning. PÅHITTAD\n\
         # EXEMPELDATA: alla nummer ur PTS fiktionsserier, alla namn påhittade.\n\n",
    );
    let verified = |i: usize| format!("2026-{:02}-{:02}", 3 + i % 9, 1 + i % 28);
    let names: Vec<String> = (size.first_name..size.first_name + size.municipalities)
        .map(|i| format!("{}{}", PREFIX[i % PREFIX.len()], SUFFIX[i / PREFIX.len()]))
        .collect();
    let mut municipalities = Vec::new();
    let mut number = 0usize;

    yaml.push_str("hospitals:\n");
    let mut hospitals = Vec::new();
    for h in 0..size.hospitals {
        let m = h * size.municipalities / size.hospitals;
        let id = format!("{}-sjukhus", slug(&names[m]));
        let _ = writeln!(
            yaml,
            "  - id: {id}\n    name: {} sjukhus\n    municipality: {}",
            names[m],
            slug(&names[m])
        );
        hospitals.push((id, m));
    }

    yaml.push_str("\nmunicipalities:\n");
    for (i, name) in names.iter().enumerate() {
        let id = slug(name);
        let _ = writeln!(
            yaml,
            "  - id: {id}\n    name: {name}\n    full_name: {name}s kommun\n    owner: Socialtjänsten, {name}s kommun\n    verified: {}\n    phones:\n      - label: Vårdplanering / biståndshandläggare\n        number: \"{}\"\n      - label: Kommunal hälso- och sjukvård (hemsjukvård)\n        number: \"{}\"",
            verified(i),
            phone(number),
            phone(number + 1)
        );
        number += 2;
        municipalities.push(Unit {
            id,
            kind: 'K',
            municipality: i,
        });
    }

    yaml.push_str("\nwards:\n");
    let mut wards = Vec::new();
    for w in 0..size.wards {
        let (hospital, m) = &hospitals[w % size.hospitals];
        let nth = w / size.hospitals;
        let (kind, short) = WARD_KINDS[nth % WARD_KINDS.len()];
        let name = format!("{kind} {}", 10 + nth);
        let id = format!("{}-{short}-{}", slug(&names[*m]), 10 + nth);
        let _ = writeln!(
            yaml,
            "  - id: {id}\n    name: {name}\n    hospital: {hospital}\n    owner: Vårdenhetschef, {name}, {} sjukhus\n    verified: {}\n    phones:\n      - label: Expedition\n        number: \"{}\"",
            names[*m],
            verified(w),
            phone(number)
        );
        number += 1;
        wards.push(Unit {
            id,
            kind: 'W',
            municipality: *m,
        });
    }

    yaml.push_str("\nhealth_centres:\n");
    let mut centres = Vec::new();
    for c in 0..size.centres {
        let m = c % size.municipalities;
        let nth = c / size.municipalities;
        let name = format!("Hälsocentralen {}{}", names[m], CENTRE_PARTS[nth]);
        let id = format!("hc-{}", slug(&format!("{}{}", names[m], CENTRE_PARTS[nth])));
        let _ = writeln!(
            yaml,
            "  - id: {id}\n    name: {name}\n    municipality: {}\n    owner: Verksamhetschef, {name}\n    verified: {}\n    phones:\n      - label: Mottagningen\n        number: \"{}\"\n        hours: \"vardagar 08-16\"",
            slug(&names[m]),
            verified(c),
            phone(number)
        );
        number += 1;
        centres.push(Unit {
            id,
            kind: 'C',
            municipality: m,
        });
    }
    Directory {
        yaml,
        municipalities,
        wards,
        centres,
    }
}

/// One transcribed line before it has a sheet and row.
struct Line {
    minute: u32,
    counterpart: String,
    outgoing: bool,
    event: u8,
    patient: usize,
    reached: bool,
    fact_minute: Option<u32>,
}

const HEADER: &str = "blad;rad;driftstopp_start;datum;klockslag;tidszon;riktning;motpart;motpart_person;patient;id_typ;personnummer;handelse;datum_uppgift;lakare_kontakt;nadd;notering;signatur;post;transkriberad_av;transkriberad";

/// Minutes after the outage start (2025-03-03 08:00); days of 12 hours,
/// 08:00–19:59, so no call falls outside a municipality's hours.
fn when(minute: u32) -> (String, String) {
    let day = 3 + minute / (12 * 60);
    let rest = minute % (12 * 60);
    (
        format!("2025-03-{day:02}"),
        format!("{:02}:{:02}", 8 + rest / 60, rest % 60),
    )
}

fn patient_fields(p: usize) -> (String, &'static str, String) {
    let name = format!(
        "{} {}",
        FIRST[p % FIRST.len()],
        LAST[(p / FIRST.len()) % LAST.len()]
    );
    if p % 100 == 7 {
        (name, "", TEST_IDS[(p / 100) % TEST_IDS.len()].to_owned())
    } else {
        (name, "reserv", format!("RN-{p:07}"))
    }
}

/// Writes a `content/` folder: the shipped `kit.yaml` (with the
/// organisation's name replaced when one is given) and routine pages, and
/// the generated `contacts.yaml`.
fn write_content(
    content: &Path,
    contacts: &str,
    organisation: Option<&str>,
) -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if content.exists() {
        std::fs::remove_dir_all(content)?;
    }
    std::fs::create_dir_all(content.join("rutin"))?;
    let mut kit = std::fs::read_to_string(root.join("content/kit.yaml"))?;
    if let Some(name) = organisation {
        let shipped = "\n  name: Region Norrbotten\n";
        assert!(
            kit.contains(shipped),
            "the shipped kit.yaml names its organisation"
        );
        kit = kit.replacen(shipped, &format!("\n  name: {name}\n"), 1);
    }
    std::fs::write(content.join("kit.yaml"), kit)?;
    let mut pages: Vec<_> =
        std::fs::read_dir(root.join("content/rutin"))?.collect::<Result<_, _>>()?;
    pages.sort_by_key(|p| p.file_name());
    for page in pages {
        std::fs::copy(page.path(), content.join("rutin").join(page.file_name()))?;
    }
    std::fs::write(content.join("contacts.yaml"), contacts)
}

/// Sweden's 21 regions with their number of municipalities (290 in all).
const REGIONS: [(&str, &str, usize); 21] = [
    ("stockholm", "Region Stockholm", 26),
    ("uppsala", "Region Uppsala", 8),
    ("sormland", "Region Sörmland", 9),
    ("ostergotland", "Region Östergötland", 13),
    ("jonkoping", "Region Jönköpings län", 13),
    ("kronoberg", "Region Kronoberg", 8),
    ("kalmar", "Region Kalmar län", 12),
    ("gotland", "Region Gotland", 1),
    ("blekinge", "Region Blekinge", 5),
    ("skane", "Region Skåne", 33),
    ("halland", "Region Halland", 6),
    ("vastra-gotaland", "Västra Götalandsregionen", 49),
    ("varmland", "Region Värmland", 16),
    ("orebro", "Region Örebro län", 12),
    ("vastmanland", "Region Västmanland", 10),
    ("dalarna", "Region Dalarna", 15),
    ("gavleborg", "Region Gävleborg", 10),
    ("vasternorrland", "Region Västernorrland", 7),
    ("jamtland-harjedalen", "Region Jämtland Härjedalen", 8),
    ("vasterbotten", "Region Västerbotten", 15),
    ("norrbotten", "Region Norrbotten", 14),
];

/// The national directory split into 21 region kits: each region gets its
/// real number of municipalities, and hospitals, wards and hälsocentraler in
/// proportion (rounded so the regions add up to the national counts, at
/// least one hospital each). Writes `DIR/<region>/content/`.
fn regions(dir: &Path) -> std::io::Result<()> {
    let share = |total: usize, upto: usize| (total * upto + MUNICIPALITIES / 2) / MUNICIPALITIES;
    let mut first = 0;
    let mut units = 0;
    for (id, name, count) in REGIONS {
        let (a, b) = (first, first + count);
        let size = Sizes {
            municipalities: count,
            hospitals: (share(HOSPITALS, b) - share(HOSPITALS, a)).max(1),
            wards: share(WARDS, b) - share(WARDS, a),
            centres: share(CENTRES, b) - share(CENTRES, a),
            first_name: first,
        };
        let d = directory_sized(size);
        write_content(&dir.join(id).join("content"), &d.yaml, Some(name))?;
        println!(
            "{}: {name}, {} enheter ({} kommuner, {} sjukhus, {} avdelningar, {} hälsocentraler)",
            dir.join(id).display(),
            size.units(),
            size.municipalities,
            size.hospitals,
            size.wards,
            size.centres
        );
        units += size.units();
        first = b;
    }
    println!("{} regioner, {units} enheter", REGIONS.len());
    Ok(())
}

/// A national-like directory of about `units` units (for timing `build`
/// against the directory's size): `DIR/content/`.
fn scaled(dir: &Path, units: usize) -> std::io::Result<()> {
    let size = Sizes::scaled(units);
    let d = directory_sized(size);
    write_content(&dir.join("content"), &d.yaml, None)?;
    println!(
        "{}: {} enheter ({} kommuner, {} sjukhus, {} avdelningar, {} hälsocentraler)",
        dir.display(),
        size.units(),
        size.municipalities,
        size.hospitals,
        size.wards,
        size.centres
    );
    Ok(())
}

fn generate(dir: &Path, rows: usize) -> std::io::Result<()> {
    let content = dir.join("content");
    let logs = dir.join("logg");
    if logs.exists() {
        std::fs::remove_dir_all(&logs)?;
    }
    std::fs::create_dir_all(&logs)?;
    let d = directory();
    write_content(&content, &d.yaml, None)?;
    // Rows per sheet as the shipped kit.yaml prints them.
    let rows_per_sheet: usize = std::fs::read_to_string(content.join("kit.yaml"))?
        .lines()
        .find_map(|l| l.trim().strip_prefix("rows_per_sheet:"))
        .and_then(|v| v.split('#').next()?.trim().parse().ok())
        .unwrap_or(12);

    // Patient stories: a ward reports admission, ready for discharge and
    // discharge to the patient's municipality (and sometimes the
    // hälsocentral), the municipality says when it is ready, the
    // hälsocentral names the fast vårdkontakt. Most calls are logged on both
    // sides; some are unanswered (logged by the caller only) or one-sided.
    let mut rng = SplitMix(2890);
    let mut by_unit: BTreeMap<(char, usize), Vec<Line>> = BTreeMap::new();
    let mut total = 0usize;
    let mut patient = 0usize;
    let span = 14 * 12 * 60 - 1;
    let call = |rng: &mut SplitMix,
                by_unit: &mut BTreeMap<(char, usize), Vec<Line>>,
                from: (char, usize),
                to: (char, usize),
                minute: u32,
                event: u8,
                patient: usize,
                fact_minute: Option<u32>|
     -> usize {
        let reached = !rng.chance(4);
        let name = |u: (char, usize)| match u.0 {
            'K' => d.municipalities[u.1].id.clone(),
            'W' => d.wards[u.1].id.clone(),
            _ => d.centres[u.1].id.clone(),
        };
        by_unit.entry(from).or_default().push(Line {
            minute,
            counterpart: name(to),
            outgoing: true,
            event,
            patient,
            reached,
            fact_minute,
        });
        if reached && !rng.chance(5) {
            let skew = rng.below(7) as u32;
            by_unit.entry(to).or_default().push(Line {
                minute: (minute + skew).min(span),
                counterpart: name(from),
                outgoing: false,
                event,
                patient,
                reached,
                fact_minute,
            });
            2
        } else {
            1
        }
    };
    while total < rows {
        patient += 1;
        let ward_i = rng.below(WARDS);
        let m = if rng.chance(70) {
            d.wards[ward_i].municipality
        } else {
            rng.below(MUNICIPALITIES)
        };
        let ward = ('W', ward_i);
        let kommun = ('K', m);
        let centre = (
            'C',
            m + MUNICIPALITIES * rng.below(CENTRES / MUNICIPALITIES),
        );
        let start = rng.below(span as usize - 3 * 12 * 60) as u32;
        let discharge = start + 12 * 60 + rng.below(2 * 12 * 60) as u32;
        let ready = start + (discharge - start) / 2;
        total += call(
            &mut rng,
            &mut by_unit,
            ward,
            kommun,
            start,
            1,
            patient,
            Some(discharge),
        );
        if rng.chance(30) {
            let at = start + 30 + rng.below(120) as u32;
            total += call(
                &mut rng,
                &mut by_unit,
                centre,
                ward,
                at,
                6,
                patient,
                Some(discharge),
            );
        }
        if rng.chance(15) {
            let at = start + 60 + rng.below(120) as u32;
            total += call(
                &mut rng,
                &mut by_unit,
                ward,
                kommun,
                at,
                2,
                patient,
                Some(discharge + 60),
            );
        }
        total += call(
            &mut rng,
            &mut by_unit,
            ward,
            kommun,
            ready,
            3,
            patient,
            None,
        );
        if rng.chance(60) {
            total += call(
                &mut rng,
                &mut by_unit,
                kommun,
                ward,
                ready + 90,
                7,
                patient,
                None,
            );
        }
        total += call(
            &mut rng,
            &mut by_unit,
            ward,
            kommun,
            discharge,
            5,
            patient,
            None,
        );
    }

    // Each unit's lines in call-time order on its numbered sheets, one file
    // per unit; about one line in a hundred is corrected afterwards.
    for ((kind, i), mut lines) in by_unit {
        let unit = match kind {
            'K' => &d.municipalities[i],
            'W' => &d.wards[i],
            _ => &d.centres[i],
        };
        debug_assert_eq!(unit.kind, kind);
        lines.sort_by_key(|l| l.minute);
        let mut text = String::with_capacity(lines.len() * 200);
        text.push_str(HEADER);
        text.push('\n');
        let mut corrections = String::new();
        for (n, l) in lines.iter().enumerate() {
            let sheet = format!("{}-{:03}", unit.id, 1 + n / rows_per_sheet);
            let row = 1 + n % rows_per_sheet;
            let start = if row == 1 { "2025-03-03 08:00" } else { "" };
            let (date, time) = when(l.minute);
            let (name, id_type, id) = patient_fields(l.patient);
            let fact_date = match (l.event, l.fact_minute) {
                (1 | 2, Some(f)) => when(f).0,
                (6, Some(f)) => {
                    let (d, t) = when(f);
                    format!("{d} {t}")
                }
                _ => String::new(),
            };
            let physician = match l.event {
                2 | 4 => "Dr Läkarsson",
                6 => "Sara Samordnare",
                _ => "",
            };
            let line = format!(
                "{sheet};{row};{start};{date};{time};;{};{};Kim Kontaktsson;{name};{id_type};{id};{};{fact_date};{physician};{};{};{};;Eva Skrivare;2025-03-25 {:02}:{:02}",
                if l.outgoing { "ut" } else { "in" },
                l.counterpart,
                l.event,
                if l.reached { "ja" } else { "nej" },
                if l.reached {
                    "Rapport lämnad"
                } else {
                    "Inget svar"
                },
                ["SJ", "MK", "AL", "PB"][n % 4],
                9 + n / 60 % 8,
                n % 60,
            );
            text.push_str(&line);
            text.push('\n');
            if rng.chance(1) {
                // The same call with the note rewritten, as a correction.
                let fixed = line
                    .replacen(";Rapport lämnad;", ";Rapport lämnad, rättad;", 1)
                    .replacen(";Inget svar;", ";Inget svar, rättad;", 1)
                    .replacen(&format!(";{start};"), ";;", 1)
                    .replacen(";;Eva Skrivare;", ";rättelse;Eva Skrivare;", 1);
                corrections.push_str(&fixed);
                corrections.push('\n');
            }
        }
        text.push_str(&corrections);
        std::fs::write(logs.join(format!("{}.csv", unit.id)), text)?;
    }
    println!(
        "{}: {} enheter, {} rader i {} filer",
        dir.display(),
        MUNICIPALITIES + WARDS + CENTRES,
        total,
        std::fs::read_dir(&logs)?.count()
    );
    Ok(())
}

/// Wall seconds, CPU seconds (user + system), peak resident MiB.
#[derive(Clone, Copy)]
struct Sample {
    wall: f64,
    cpu: f64,
    rss_mib: f64,
}

fn timed(bin: &Path, args: &[String], cwd: &Path) -> Sample {
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("@@ %e %U %S %M")
        .arg(bin)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("/usr/bin/time runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .rfind(|l| l.starts_with("@@ "))
        .unwrap_or_else(|| panic!("no timing from {}: {stderr}", bin.display()));
    if !out.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        eprintln!("{} {:?} failed: {tail:?}", bin.display(), args);
    }
    let f: Vec<f64> = line[3..]
        .split_whitespace()
        .map(|x| x.parse().expect("a number"))
        .collect();
    Sample {
        wall: f[0],
        cpu: f[1] + f[2],
        rss_mib: f[3] / 1024.0,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn run(dir: &Path, bins: &[PathBuf], runs: usize, python: Option<&Path>) {
    let dir = std::fs::canonicalize(dir).expect("the generated folder");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let templates = root.join("templates");
    let mut logs: Vec<String> = std::fs::read_dir(dir.join("logg"))
        .expect("DIR/logg")
        .map(|e| e.expect("entry").path().display().to_string())
        .collect();
    logs.sort();
    let work = dir.join("tid");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("a work folder");
    let content = dir.join("content").display().to_string();
    let commands: Vec<(&str, Vec<String>)> = vec![
        (
            "build",
            vec![
                "build".into(),
                "--content".into(),
                content.clone(),
                "--templates".into(),
                templates.display().to_string(),
                "--out".into(),
                work.join("output").display().to_string(),
            ],
        ),
        ("transcribe --check", {
            let mut a = vec![
                "transcribe".into(),
                "--check".into(),
                "--content".into(),
                content.clone(),
            ];
            a.extend(logs.iter().cloned());
            a
        }),
        ("reconcile", {
            let mut a = vec![
                "reconcile".into(),
                "--content".into(),
                content.clone(),
                "--as-of".into(),
                "2025-03-31".into(),
                "--out".into(),
                work.join("avstamning").display().to_string(),
            ];
            a.extend(logs.iter().cloned());
            a
        }),
    ];
    let mut samples: BTreeMap<(usize, usize), Vec<Sample>> = BTreeMap::new();
    let mut duck = Vec::new();
    for r in 0..runs {
        for (c, (_, args)) in commands.iter().enumerate() {
            for (b, bin) in bins.iter().enumerate() {
                let s = timed(bin, args, &work);
                eprintln!(
                    "run {} {:<20} {:<40} {:7.2} s {:7.2} s CPU {:7.0} MiB",
                    r + 1,
                    commands[c].0,
                    bin.display(),
                    s.wall,
                    s.cpu,
                    s.rss_mib
                );
                samples.entry((c, b)).or_default().push(s);
            }
        }
        // The yardstick: only the pairing, in DuckDB, on the same files.
        if let Some(python) = python {
            let script = root.join("tests/bench/duckdb_pairing.py");
            let args = [
                script.display().to_string(),
                dir.join("logg").display().to_string(),
                work.join("duckdb.csv").display().to_string(),
            ];
            let s = timed(python, &args, &work);
            eprintln!(
                "run {} {:<20} {:<40} {:7.2} s {:7.2} s CPU {:7.0} MiB",
                r + 1,
                "duckdb pairing",
                python.display(),
                s.wall,
                s.cpu,
                s.rss_mib
            );
            duck.push(s);
        }
    }
    println!("median of {runs} interleaved runs:");
    println!(
        "{:<20} {:<40} {:>9} {:>9} {:>9}",
        "command", "binary", "wall s", "CPU s", "peak MiB"
    );
    for ((c, b), s) in &samples {
        println!(
            "{:<20} {:<40} {:>9.2} {:>9.2} {:>9.0}",
            commands[*c].0,
            bins[*b].display(),
            median(s.iter().map(|s| s.wall).collect()),
            median(s.iter().map(|s| s.cpu).collect()),
            median(s.iter().map(|s| s.rss_mib).collect()),
        );
    }
    if let Some(python) = python.filter(|_| !duck.is_empty()) {
        println!(
            "{:<20} {:<40} {:>9.2} {:>9.2} {:>9.0}",
            "duckdb pairing",
            python.display(),
            median(duck.iter().map(|s| s.wall).collect()),
            median(duck.iter().map(|s| s.cpu).collect()),
            median(duck.iter().map(|s| s.rss_mib).collect()),
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

fn usage() -> ! {
    eprintln!(
        "användning: national generate MAPP [--rows N] | national run MAPP [--bin PROGRAM]… [--runs N] [--duckdb PYTHON] | national regions MAPP | national directory MAPP --units N"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(cmd), Some(dir)) = (args.first(), args.get(1)) else {
        usage()
    };
    let mut rows = 100_000usize;
    let mut units = None;
    let mut runs = 3usize;
    let mut bins = Vec::new();
    let mut python = None;
    let mut rest = args[2..].iter();
    while let Some(a) = rest.next() {
        let value = rest.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--rows" => rows = value.parse().unwrap_or_else(|_| usage()),
            "--runs" => runs = value.parse().unwrap_or_else(|_| usage()),
            "--units" => units = Some(value.parse().unwrap_or_else(|_| usage())),
            "--bin" => bins.push(PathBuf::from(value)),
            "--duckdb" => python = Some(PathBuf::from(value)),
            _ => usage(),
        }
    }
    match cmd.as_str() {
        "generate" => generate(Path::new(dir), rows).expect("writing the directory"),
        "regions" => regions(Path::new(dir)).expect("writing the region kits"),
        "directory" => {
            scaled(Path::new(dir), units.unwrap_or_else(|| usage())).expect("writing the directory")
        }
        "run" => {
            if bins.is_empty() {
                let target = std::env::var_os("CARGO_TARGET_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
                bins.push(target.join("release/reservkit"));
            }
            for b in &mut bins {
                *b = std::fs::canonicalize(&*b).unwrap_or_else(|_| {
                    eprintln!("{} finns inte: kör cargo build --release", b.display());
                    std::process::exit(2)
                });
            }
            run(Path::new(dir), &bins, runs.max(1), python.as_deref())
        }
        _ => usage(),
    }
}
