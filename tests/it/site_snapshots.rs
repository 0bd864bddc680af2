//! The intranet site built from the shipped content: snapshots of the
//! fragments a reader relies on, and properties every page must have.
//!
//! The site is built once per test binary by the real `reservkit` binary and
//! kept in memory. Fragments are cut out with plain string search, so a
//! snapshot shows only the part it is about, not the whole page.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// 2026-11-25 00:00 UTC. The shipped contacts are verified up to 2026-11-19;
/// the build refuses a verification date after SOURCE_DATE_EPOCH.
const BUILD_DATE: &str = "1795564800";

/// Files of a built site: path relative to `site/` → contents.
type Site = BTreeMap<String, String>;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds `content` (with the shipped templates) and returns the site.
fn build(content: &Path) -> Site {
    let out = tempfile::tempdir().expect("create a temporary directory");
    let run = Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .arg("build")
        .arg("--content")
        .arg(content)
        .arg("--templates")
        .arg(repo().join("templates"))
        .arg("--out")
        .arg(out.path())
        .env("SOURCE_DATE_EPOCH", BUILD_DATE)
        .output()
        .expect("run the reservkit binary");
    assert!(
        run.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let root = out.path().join("site");
    let mut site = Site::new();
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.expect("walk the built site");
        let text_file = matches!(
            entry.path().extension().and_then(|e| e.to_str()),
            Some("html" | "css" | "js")
        );
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&root).expect("under site/");
            // PDFs are kept as present but empty: links to them must resolve.
            let text = if text_file {
                fs::read_to_string(entry.path()).expect("site files are UTF-8 text")
            } else {
                String::new()
            };
            site.insert(rel.to_string_lossy().replace('\\', "/"), text);
        }
    }
    site
}

fn shipped() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| build(&repo().join("content")))
}

fn page(name: &str) -> &'static str {
    shipped()
        .get(name)
        .unwrap_or_else(|| panic!("{name} was not built"))
}

fn pages() -> impl Iterator<Item = (&'static String, &'static String)> {
    shipped().iter().filter(|(name, _)| name.ends_with(".html"))
}

/// The text from `start` up to and including the first `end` after it;
/// `start` must occur exactly once.
fn fragment<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    assert_eq!(html.matches(start).count(), 1, "«{start}» is not unique");
    let from = html.find(start).expect("start marker");
    let len = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no «{end}» after «{start}»"));
    &html[from..from + len + end.len()]
}

/// Values of every `name="…"` attribute in `html`.
fn attributes<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let marker = format!(" {name}=\"");
    html.match_indices(&marker)
        .map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            &rest[..rest.find('"').expect("closing quote")]
        })
        .collect()
}

fn yaml(name: &str) -> serde_yaml::Value {
    let text = fs::read_to_string(repo().join("content").join(name)).expect("read content");
    serde_yaml::from_str(&text).expect("shipped YAML parses")
}

// ---------------------------------------------------------------------------
// Snapshots

#[test]
fn start_page_main() {
    let html = page("index.html");
    insta::assert_snapshot!(fragment(html, "<main", "</main>"));
}

#[test]
fn contacts_entry_for_lulea() {
    let html = page("kontakter.html");
    insta::assert_snapshot!(fragment(
        html,
        "<section id=\"kommuner-lulea\"",
        "</section>"
    ));
}

#[test]
fn event_table_on_samverkanspunkter() {
    let html = page("samverkanspunkter.html");
    insta::assert_snapshot!(fragment(
        html,
        "<table class=\"handelser\">",
        "</table></div>"
    ));
}

#[test]
fn calls_the_ward_makes() {
    let html = page("slutenvard.html");
    insta::assert_snapshot!(fragment(
        html,
        "<section aria-labelledby=\"ringer\">",
        "</section>"
    ));
}

#[test]
fn table_of_contents_of_samverkanspunkter() {
    let html = page("samverkanspunkter.html");
    insta::assert_snapshot!(fragment(html, "<nav class=\"toc\"", "</nav>"));
}

// ---------------------------------------------------------------------------
// Every page

#[test]
fn every_page_is_in_swedish() {
    for (name, html) in pages() {
        assert!(html.contains("<html lang=\"sv\">"), "{name}");
    }
}

#[test]
fn every_link_and_source_is_relative_or_an_international_tel_link() {
    let mut checked = 0;
    for (name, html) in pages() {
        let mut targets = attributes(html, "href");
        targets.extend(attributes(html, "src"));
        for t in targets {
            checked += 1;
            if let Some(number) = t.strip_prefix("tel:") {
                let digits = number.strip_prefix("+46").unwrap_or("");
                assert!(
                    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
                    "{name}: {t} is not tel:+46 followed by digits"
                );
                continue;
            }
            assert!(
                !t.contains("://") && !t.starts_with('/') && !t.contains(':'),
                "{name}: {t} is not a relative link"
            );
        }
    }
    assert!(checked > 200, "only {checked} links found");
}

#[test]
fn every_internal_link_reaches_a_page_and_anchor() {
    let site = shipped();
    let mut checked = 0;
    for (name, html) in pages() {
        for t in attributes(html, "href") {
            if t.starts_with("tel:") {
                continue;
            }
            checked += 1;
            let (file, anchor) = t.split_once('#').unwrap_or((t, ""));
            let file = if file.is_empty() { name.as_str() } else { file };
            let target = site
                .get(file)
                .unwrap_or_else(|| panic!("{name}: {t} points to a missing file"));
            if !anchor.is_empty() {
                assert!(
                    target.contains(&format!(" id=\"{anchor}\"")),
                    "{name}: {t} points to a missing anchor"
                );
            }
        }
    }
    assert!(checked > 100, "only {checked} links found");
}

#[test]
fn only_the_contacts_page_has_a_script_and_it_is_local() {
    for (name, html) in pages() {
        let scripts: Vec<_> = html.match_indices("<script").collect();
        if name == "kontakter.html" {
            assert_eq!(scripts.len(), 1, "{name}");
            assert!(html.contains("<script src=\"assets/filter.js\"></script>"));
        } else {
            assert!(scripts.is_empty(), "{name} has a script");
        }
    }
    assert!(shipped().contains_key("assets/filter.js"));
}

const BANNER: &str =
    "<div class=\"exempel ram\" role=\"note\">\n  <p><strong>Exempeldata:</strong>";

#[test]
fn every_page_carries_the_sample_data_banner_while_sample_data_is_true() {
    assert_eq!(
        yaml("kit.yaml")["sample_data"].as_bool(),
        Some(true),
        "the shipped directory is sample data"
    );
    for (name, html) in pages() {
        assert_eq!(html.matches(BANNER).count(), 1, "{name}");
    }
}

/// A copy of the shipped content in `dir/content`, to change one thing in.
fn copy_content(dir: &Path) -> std::path::PathBuf {
    let content = dir.join("content");
    for entry in walkdir::WalkDir::new(repo().join("content")) {
        let entry = entry.expect("walk content");
        let rel = entry
            .path()
            .strip_prefix(repo().join("content"))
            .expect("under content/");
        if entry.file_type().is_dir() {
            fs::create_dir_all(content.join(rel)).expect("create a directory");
        } else {
            fs::copy(entry.path(), content.join(rel)).expect("copy a content file");
        }
    }
    content
}

#[test]
fn no_page_carries_the_sample_data_banner_when_sample_data_is_false() {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let content = copy_content(dir.path());
    let kit = fs::read_to_string(content.join("kit.yaml")).expect("read kit.yaml");
    assert_eq!(kit.matches("\nsample_data: true\n").count(), 1);
    fs::write(
        content.join("kit.yaml"),
        kit.replace("\nsample_data: true\n", "\nsample_data: false\n"),
    )
    .expect("write kit.yaml");
    let site = build(&content);
    for (name, html) in site.iter().filter(|(n, _)| n.ends_with(".html")) {
        assert!(!html.contains("Exempeldata"), "{name}");
    }
}

#[test]
fn every_number_in_the_directory_is_a_tel_link_on_the_contacts_page() {
    let html = page("kontakter.html");
    let contacts = yaml("contacts.yaml");
    let mut numbers = Vec::new();
    for list in ["municipalities", "wards", "health_centres"] {
        for unit in contacts[list].as_sequence().expect("a list of units") {
            for phone in unit["phones"].as_sequence().expect("a list of phones") {
                numbers.push(phone["number"].as_str().expect("a number").to_string());
            }
        }
    }
    numbers.push(
        yaml("kit.yaml")["switchboard"]["number"]
            .as_str()
            .expect("switchboard number")
            .to_string(),
    );
    assert!(numbers.len() > 60, "{} numbers", numbers.len());
    for written in numbers {
        let digits: String = written.chars().filter(char::is_ascii_digit).collect();
        let national = digits.strip_prefix('0').expect("numbers start with 0");
        let link = format!("href=\"tel:+46{national}\">{written}</a>");
        assert!(html.contains(&link), "no {link} on kontakter.html");
    }
}

/// A sort key for the Swedish alphabet: å, ä, ö after z; ü as y; é as e.
fn swedish(s: &str) -> Vec<u32> {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' => u32::from('z') + 1,
            'ä' => u32::from('z') + 2,
            'ö' => u32::from('z') + 3,
            'ü' => u32::from('y'),
            'é' => u32::from('e'),
            c => u32::from(c),
        })
        .collect()
}

/// Texts between `<tag …>` and `</tag>` inside `html`, in order.
fn texts<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open)
        .skip(1)
        .map(|rest| {
            let rest = &rest[rest.find('>').expect("end of tag") + 1..];
            &rest[..rest.find(close).expect("closing tag")]
        })
        .collect()
}

fn assert_swedish_order(what: &str, names: &[&str]) {
    for pair in names.windows(2) {
        assert!(
            swedish(pair[0]) < swedish(pair[1]),
            "{what}: «{}» comes before «{}»",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn municipalities_are_in_swedish_alphabetical_order() {
    let html = page("kontakter.html");
    let section = fragment(
        html,
        "<section id=\"kommuner\"",
        "<section id=\"avdelningar\"",
    );
    assert_eq!(
        texts(section, "<h3 id=\"kommuner-", "</h3>"),
        [
            "Arjeplog",
            "Arvidsjaur",
            "Boden",
            "Gällivare",
            "Haparanda",
            "Jokkmokk",
            "Kalix",
            "Kiruna",
            "Luleå",
            "Pajala",
            "Piteå",
            "Älvsbyn",
            "Överkalix",
            "Övertorneå",
        ]
    );
}

#[test]
fn hospitals_wards_and_health_centres_are_in_swedish_order() {
    let html = page("kontakter.html");
    for (section, next) in [
        ("avdelningar", "<section id=\"halsocentraler\""),
        ("halsocentraler", "</main>"),
    ] {
        let part = fragment(html, &format!("<section id=\"{section}\""), next);
        let groups = texts(part, &format!("<h3 id=\"{section}-"), "</h3>");
        assert!(groups.len() > 4, "{section}: {groups:?}");
        assert_swedish_order(section, &groups);
        for group in part.split("<section id=\"").skip(2) {
            assert_swedish_order(section, &texts(group, "<h4", "</h4>"));
        }
    }
}

/// Digit strings shaped like a personnummer or samordningsnummer:
/// YYMMDD-NNNN, YYYYMMDD-NNNN (separator - or + or none) with a possible
/// month and day (day 61–91 for samordningsnummer).
fn personnummer_like(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !chars[i - 1].is_alphanumeric();
        if !(boundary && chars[i].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && (chars[j].is_ascii_digit() || matches!(chars[j], '-' | '+')) {
            j += 1;
        }
        let token: String = chars[i..j].iter().collect();
        let token = token.trim_end_matches(['-', '+']);
        let ends_clean = j == chars.len() || !chars[j].is_alphanumeric();
        if ends_clean && looks_like_personnummer(token) {
            found.push(token.to_string());
        }
        i = j.max(i + 1);
    }
    found
}

fn looks_like_personnummer(token: &str) -> bool {
    let (date, serial) = match token.split_once(['-', '+']) {
        Some((d, s)) => (d.to_string(), s.to_string()),
        None if token.len() == 10 || token.len() == 12 => {
            let (d, s) = token.split_at(token.len() - 4);
            (d.to_string(), s.to_string())
        }
        None => return false,
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(&date) && digits(&serial) && serial.len() == 4) {
        return false;
    }
    let mmdd = match date.len() {
        6 => &date[2..],
        8 => &date[4..],
        _ => return false,
    };
    let month: u32 = mmdd[..2].parse().unwrap_or(0);
    let day: u32 = mmdd[2..].parse().unwrap_or(0);
    (1..=12).contains(&month) && ((1..=31).contains(&day) || (61..=91).contains(&day))
}

#[test]
fn personnummer_detector_finds_the_shapes_it_must() {
    let text = "a 19640823-3234 b 640823-3234, 6408233234 och 202201612393 (x)";
    assert_eq!(
        personnummer_like(text),
        ["19640823-3234", "640823-3234", "6408233234", "202201612393"]
    );
    assert!(personnummer_like("tel:+46980319200 0980-31 92 00 2026-11-25 71010").is_empty());
}

#[test]
fn no_page_contains_a_personnummer_like_number() {
    // The kit version is a hex digest; on rare content it is all digits.
    let version = fragment(page("index.html"), "content=\"reservkit ", "\">")
        .trim_start_matches("content=\"reservkit ")
        .trim_end_matches("\">");
    assert_eq!(version.len(), 12, "{version}");
    for (name, text) in shipped() {
        let found = personnummer_like(&text.replace(version, ""));
        assert!(found.is_empty(), "{name}: {found:?}");
    }
}

#[test]
fn each_role_names_its_own_number_on_every_call() {
    for (page_name, own) in [
        ("slutenvard.html", "samt avdelningens telefonnummer."),
        ("oppenvard.html", "samt hälsocentralens telefonnummer."),
        ("kommun.html", "samt ditt eget telefonnummer i kommunen."),
    ] {
        let html = page(page_name);
        assert!(html.contains(own), "{page_name} lacks «{own}»");
        if page_name != "slutenvard.html" {
            assert!(!html.contains("avdelningens telefonnummer"), "{page_name}");
        }
    }
}

#[test]
fn the_start_page_and_every_page_offer_the_three_roles_first() {
    let start = page("index.html");
    let diagram = fragment(start, "<svg class=\"diagram\"", "</svg>");
    assert!(diagram.contains("role=\"img\""));
    assert!(diagram.contains("3 Utskrivningsklar: Slutenvård ringer kommun och öppenvård."));
    for (name, html) in pages() {
        let roles = fragment(html, "<nav class=\"rollval\"", "</nav>");
        for href in ["slutenvard.html", "oppenvard.html", "kommun.html"] {
            assert!(roles.contains(href), "{name}: no {href} in the role choice");
        }
        // The role choice comes before the main menu and the content.
        let at = html.find("class=\"rollval\"").expect("role choice");
        assert!(
            at < html.find("class=\"huvudmeny\"").expect("menu"),
            "{name}"
        );
        if name == "kommun.html" {
            assert!(roles.contains("href=\"kommun.html\" aria-current=\"page\""));
        }
    }
}

#[test]
fn an_entry_not_checked_within_the_limit_is_flagged_and_the_footer_shows_the_oldest_check() {
    // The shipped directory is checked between 2026-03-05 and 2026-11-19,
    // all within 365 days of the build date: nothing is flagged.
    let shipped = page("kontakter.html");
    assert!(!shipped.contains("Inte kontrollerad på över"));
    assert!(shipped.contains("kontaktuppgifterna kontrollerade 2026-03-05–2026-11-19"));

    let dir = tempfile::tempdir().expect("create a temporary directory");
    let content = copy_content(dir.path());
    let path = content.join("contacts.yaml");
    let text = fs::read_to_string(&path).expect("read contacts.yaml");
    assert_eq!(text.matches("verified: 2026-03-05").count(), 1);
    fs::write(
        &path,
        text.replace("verified: 2026-03-05", "verified: 2025-01-02"),
    )
    .expect("write contacts.yaml");
    let site = build(&content);
    let html = &site["kontakter.html"];
    assert_eq!(
        html.matches("Inte kontrollerad på över 365 dagar.").count(),
        1
    );
    let flagged = html
        .split("<li class=\"enhet\"")
        .find(|entry| entry.contains("Inte kontrollerad på över"))
        .expect("a flagged entry");
    assert!(flagged.contains("Kontrollerad 2025-01-02"), "{flagged}");
    assert!(html.contains("kontaktuppgifterna kontrollerade 2025-01-02–2026-11-19"));
}

#[test]
fn the_directory_and_checklists_say_which_number_is_for_which_event() {
    let contacts = page("kontakter.html");
    let lulea = fragment(
        contacts,
        "<li class=\"enhet\" id=\"lulea\"",
        "</li>\n    </ul>",
    );
    assert!(lulea.contains(
        "Vårdplanering / biståndshandläggare</span> <a class=\"tel\" href=\"tel:+46980319216\">0980-31 92 16</a> <span class=\"tider\">07–22 alla dagar</span><br><span class=\"for\">Ring hit vid 1 inskrivning, 2 nytt beräknat utskrivningsdatum, 3 utskrivningsklar, 4 ändrad utskrivningsklar, 6 fast vårdkontakt och datum för SIP</span>"
    ), "{lulea}");
    assert!(lulea.contains("Ring hit vid 5 utskrivning, 8 övrig nödvändig kontakt"));
    // What to do when nobody answers, where the numbers are.
    let centres = fragment(
        contacts,
        "<section id=\"halsocentraler\"",
        "<section id=\"halsocentraler-",
    );
    assert!(
        centres.contains("<p class=\"stangt\"><strong>Svarar ingen?</strong> Kvällar och helger:")
    );

    let ward = page("slutenvard.html");
    let ready = fragment(ward, "<strong>Utskrivningsklar</strong>", "</li>");
    assert!(
        ready.contains("Ring kommunen: Vårdplanering / biståndshandläggare"),
        "{ready}"
    );
    let discharge = fragment(ward, "<strong>Utskrivning</strong>", "</li>");
    assert!(discharge.contains("Ring kommunen: Kommunal hälso- och sjukvård (hemsjukvård)"));
    assert!(
        ward.contains("Ring patientens hemkommun och den hälsocentral där patienten är listad.")
    );
    // Calls the municipality receives name no number of its own to ring.
    let kommun = page("kommun.html");
    let received = fragment(kommun, "<h2 id=\"tar-emot\">", "</section>");
    assert!(!received.contains("vilket-nummer"), "{received}");
}
