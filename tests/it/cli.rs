//! The `reservkit` binary as a content editor meets it: exit codes, the exact
//! diagnostics on stderr, and what is (not) written to `output/`.
//!
//! Fixture convention: `tests/fixtures/<case>/` holds only the file(s) that
//! the case changes, at their paths in the repository
//! (`tests/fixtures/phone-letter-o/content/contacts.yaml`). Each test copies
//! the shipped `content/` and `templates/` into a temporary directory, lays
//! the fixture over them and runs the binary there, so every case is one
//! small, real edit of the shipped content; `diff -r content
//! tests/fixtures/<case>/content` shows it. Line and column numbers in the
//! expected messages refer to the fixture file. A case that deletes a file
//! does so in the test itself ([`Workspace::remove`]).
//!
//! The binary runs with the temporary directory as its current directory and
//! with `--content content --templates templates --out output`, so paths in
//! messages read `content/...` as they do for an editor at the project root.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// 2026-11-25 00:00 UTC, the day the tests take as today: the shipped
/// contacts are verified on or before it and within `verify_within_days`.
/// Fixed, so that freshness warnings do not depend on the clock.
const TODAY: &str = "1795564800";

const NOTHING_WRITTEN: &str = "Inget skrevs; tidigare utdata är orörd.";

struct Workspace {
    dir: tempfile::TempDir,
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

impl Workspace {
    /// A copy of the shipped content and templates.
    fn shipped() -> Workspace {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for part in ["content", "templates"] {
            copy_tree(&repo.join(part), &dir.path().join(part));
        }
        Workspace { dir }
    }

    /// The shipped content with `tests/fixtures/<case>/` laid over it.
    fn with_fixture(case: &str) -> Workspace {
        let ws = Workspace::shipped();
        ws.overlay(case);
        ws
    }

    fn overlay(&self, case: &str) {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(case);
        assert!(fixture.is_dir(), "fixture {} is missing", fixture.display());
        copy_tree(&fixture, self.dir.path());
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn remove(&self, rel: &str) {
        fs::remove_file(self.path(rel)).expect("the file to remove exists");
    }

    /// Runs `reservkit <command> --content content --templates templates
    /// --out output <extra>`.
    fn run(&self, command: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            command,
            "--content",
            "content",
            "--templates",
            "templates",
            "--out",
            "output",
        ];
        args.extend_from_slice(extra);
        self.run_raw(&args)
    }

    /// Runs `reservkit` with exactly `args`.
    fn run_raw(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_reservkit"))
            .args(args)
            .current_dir(self.dir.path())
            .env("SOURCE_DATE_EPOCH", TODAY)
            .output()
            .expect("run the reservkit binary");
        Run {
            code: out.status.code(),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Builds and asserts that the build failed with exactly `diagnostics`
    /// (ending with the summary line) and wrote nothing.
    fn build_fails_with(&self, diagnostics: &[&str]) {
        let run = self.run("build", &[]);
        let mut expected = lines(diagnostics);
        expected.push_str(NOTHING_WRITTEN);
        expected.push('\n');
        assert_eq!(run.stderr, expected);
        assert_eq!(run.code, Some(1), "exit code of a failed build");
        assert!(
            !self.path("output").exists(),
            "a failed build must not create output/"
        );
    }

    /// Every file under `rel` with its bytes.
    fn tree(&self, rel: &str) -> BTreeMap<PathBuf, Vec<u8>> {
        let root = self.path(rel);
        let mut out = BTreeMap::new();
        collect(&root, &root, &mut out);
        out
    }
}

fn lines(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a directory in the workspace");
    for entry in fs::read_dir(from).expect("read a directory to copy") {
        let entry = entry.expect("read a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in fs::read_dir(dir).expect("read an output directory") {
        let path = entry.expect("read a directory entry").path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("under root").to_path_buf();
            out.insert(rel, fs::read(&path).expect("read an output file"));
        }
    }
}

const PHONE_HINT: &str = "  hjälp: skriv till exempel \"0920-28 40 00\", \"070-174 06 05\" eller ett femsiffrigt internnummer";

// ---------------------------------------------------------------------------
// The shipped content

#[test]
fn shipped_content_builds_without_warnings() {
    let ws = Workspace::shipped();
    let run = ws.run("build", &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.starts_with("Byggde kitet ") && run.stderr.lines().count() == 1,
        "only the summary line is expected: {}",
        run.stderr
    );
    assert!(run.stderr.contains(" till output/site: "), "{}", run.stderr);
    assert!(ws.path("output/site/index.html").is_file());
    assert!(ws.path("output/site/kontakter.html").is_file());
}

#[test]
fn shipped_content_passes_strict_check() {
    let run = Workspace::shipped().run("check", &["--strict"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.starts_with("Innehållet är giltigt (kit ") && run.stderr.lines().count() == 1,
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------
// YAML syntax

#[test]
fn unclosed_quote_in_kit_yaml_is_reported_on_its_line() {
    // municipality_hours: "07-22   (the closing quote is missing)
    Workspace::with_fixture("kit-yaml-unclosed-quote").build_fails_with(&[
        "content/kit.yaml:27:21: error: YAML-syntaxfel: citattecknet avslutas inte på samma rad",
        "  hjälp: avsluta värdet med samma sorts citattecken på samma rad",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn badly_indented_field_in_contacts_yaml_is_a_syntax_error() {
    // "   municipality: lulea" has three spaces instead of four.
    Workspace::with_fixture("contacts-yaml-bad-indent").build_fails_with(&[
        "content/contacts.yaml:48:4: error: YAML-syntaxfel: raden passar inte in i listan; väntade en ny post (en rad som börjar med «- »)",
        "  hjälp: fälten i en post ska stå exakt under det första fältet efter «- »",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn field_without_colon_in_contacts_yaml_is_a_syntax_error() {
    // "    name Arjeplog"
    Workspace::with_fixture("contacts-yaml-missing-colon").build_fails_with(&[
        "content/contacts.yaml:54:5: error: YAML-syntaxfel: kolon saknas efter fältnamnet",
        "  hjälp: skriv fältet som namn: värde, med mellanslag efter kolonet",
        "1 fel, 0 varningar",
    ]);
}

// ---------------------------------------------------------------------------
// Fields

#[test]
fn misspelt_field_in_contacts_yaml_is_reported_once() {
    // "nmae: Arjeplog". The health centre in Arjeplog refers to the
    // municipality; that reference must not be reported as a second error.
    Workspace::with_fixture("contacts-unknown-field").build_fails_with(&[
        "content/contacts.yaml:54:5: error: okänt fält «nmae»",
        "  hjälp: tillåtna fält här: id, name, full_name, owner, verified, phones",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn misspelt_setting_in_kit_yaml_lists_the_allowed_settings() {
    Workspace::with_fixture("kit-unknown-field").build_fails_with(&[
        "content/kit.yaml:39:1: error: okänt fält «verify_within_day»",
        "  hjälp: tillåtna fält här: organisation, system, roles, sample_data, base_url, threshold_hours, municipality_hours, closed_hours, switchboard, service_desk, verify_within_days, events, payment, print, reconcile",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn whose_row_carries_a_fact_must_be_a_known_party_and_one_of_the_events_facts() {
    // Line 54 is event 1's fact_rows, with a misspelt party and a fact
    // that event 1 does not have.
    Workspace::with_fixture("kit-fact-rows-wrong").build_fails_with(&[
        "content/kit.yaml:54:16: error: okänt värde «uppringaren»",
        "  hjälp: väntade uppringare, mottagare eller bada",
        "content/kit.yaml:54:16: error: uppgiften «sip_date» står inte i händelsens facts",
        "2 fel, 0 varningar",
    ]);
}

#[test]
fn ward_without_owner_is_reported_at_the_ward() {
    // Line 205 is "  - id: gallivare-medicin".
    Workspace::with_fixture("ward-without-owner").build_fails_with(&[
        "content/contacts.yaml:205:5: error: fältet «owner» saknas",
        "1 fel, 0 varningar",
    ]);
}

// ---------------------------------------------------------------------------
// Ids and references

#[test]
fn id_used_twice_across_lists_names_the_first_line() {
    // The health centre hc-boden renamed to boden, the municipality's id.
    Workspace::with_fixture("duplicate-id").build_fails_with(&[
        "content/contacts.yaml:438:9: error: id «boden» finns redan (rad 73)",
        "  hjälp: varje id måste vara unikt i hela kontaktkatalogen",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn unknown_municipality_suggests_the_nearest_id() {
    // Sunderby sjukhus: "municipality: luleå" (ids have no å, ä, ö).
    Workspace::with_fixture("unknown-municipality").build_fails_with(&[
        "content/contacts.yaml:48:19: error: kommunen «luleå» finns inte i municipalities",
        "  hjälp: menade du «lulea»?",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn unknown_hospital_suggests_the_nearest_id() {
    Workspace::with_fixture("unknown-hospital").build_fails_with(&[
        "content/contacts.yaml:293:15: error: sjukhuset «sunderbyn» finns inte i hospitals",
        "  hjälp: menade du «sunderby»?",
        "1 fel, 0 varningar",
    ]);
}

// ---------------------------------------------------------------------------
// Phone numbers

#[test]
fn phone_number_with_too_few_digits_is_refused() {
    Workspace::with_fixture("phone-too-few-digits").build_fails_with(&[
        "content/contacts.yaml:338:17: error: telefonnumret «0980-31 92» är ogiltigt: för få siffror: abonnentnumret efter riktnumret har 4; väntade 5–8",
        PHONE_HINT,
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn letter_o_in_a_phone_number_is_taken_for_a_zero() {
    Workspace::with_fixture("phone-letter-o").build_fails_with(&[
        "content/contacts.yaml:308:17: error: telefonnumret «0980-31 92 4O» är ogiltigt: bokstaven «O» hör inte hemma i ett telefonnummer; menade du siffran 0 (noll)?",
        PHONE_HINT,
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn hyphen_after_the_wrong_digit_names_the_right_area_code() {
    Workspace::with_fixture("phone-wrong-area-code").build_fails_with(&[
        "content/contacts.yaml:318:17: error: telefonnumret «098-031 92 42» är ogiltigt: riktnumret 098 finns inte; numret ska börja med 0980-",
        PHONE_HINT,
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn five_digit_internal_extension_is_accepted_and_not_linked() {
    let ws = Workspace::with_fixture("internal-extension");
    let run = ws.run("build", &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.starts_with("Byggde kitet "), "{}", run.stderr);
    let page =
        fs::read_to_string(ws.path("output/site/kontakter.html")).expect("contacts page built");
    assert!(
        page.contains(
            r#"<span class="etikett">Expedition</span> <span class="nummer">71234</span>"#
        ),
        "an extension is shown as text"
    );
    assert!(
        !page.contains("tel:+4671234") && !page.contains("tel:71234"),
        "an extension cannot be dialled from outside, so it gets no tel: link"
    );
}

// ---------------------------------------------------------------------------
// Dates

#[test]
fn date_that_is_not_in_the_calendar_says_so() {
    Workspace::with_fixture("date-no-such-day").build_fails_with(&[
        "content/contacts.yaml:201:15: error: datumet «2026-02-30» finns inte: februari 2026 har dagarna 01–28",
        "  hjälp: kontrollera dagen och månaden",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn date_without_leading_zeros_gets_the_right_spelling() {
    Workspace::with_fixture("date-without-zeros").build_fails_with(&[
        "content/contacts.yaml:57:15: error: datumet «2026-3-5» är ogiltigt; väntade ÅÅÅÅ-MM-DD",
        "  hjälp: skriv 2026-03-05",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn verified_date_in_the_future_is_an_error_naming_today() {
    Workspace::with_fixture("date-in-future").build_fails_with(&[
        "content/contacts.yaml:640:15: error: kontrolldatumet 2026-12-19 ligger i framtiden",
        "  hjälp: verified är dagen då uppgifterna senast kontrollerades och kan inte vara senare än i dag (2026-11-25)",
        "1 fel, 0 varningar",
    ]);
}

const STALE: &str = "content/contacts.yaml:325:15: {}: «Kardiologavdelning 64» kontrollerades senast 2025-06-10, för 533 dagar sedan (gräns 365 dagar)\n  hjälp: ring numren, uppdatera verified och be ägaren bekräfta\n";

fn stale(severity: &str) -> String {
    STALE.replace("{}", severity)
}

#[test]
fn contact_not_verified_within_limit_is_a_warning() {
    let ws = Workspace::with_fixture("contact-not-verified-recently");
    let run = ws.run("check", &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let (head, last) = run
        .stderr
        .rsplit_once("0 fel, 1 varning\n")
        .expect("summary");
    assert_eq!(head, stale("warning"));
    assert!(last.starts_with("Innehållet är giltigt (kit "), "{last}");

    let run = ws.run("build", &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.starts_with(&stale("warning")), "{}", run.stderr);
    assert!(ws.path("output/site/kontakter.html").is_file());
}

#[test]
fn strict_check_fails_on_a_contact_not_verified_within_limit() {
    let ws = Workspace::with_fixture("contact-not-verified-recently");
    let run = ws.run("check", &["--strict"]);
    assert_eq!(
        run.stderr,
        format!("{}1 fel, 0 varningar\n", stale("error"))
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn strict_build_writes_nothing_when_there_are_warnings() {
    let ws = Workspace::with_fixture("contact-not-verified-recently");
    let run = ws.run("build", &["--strict"]);
    assert_eq!(
        run.stderr,
        format!("{}1 fel, 0 varningar\n{NOTHING_WRITTEN}\n", stale("error"))
    );
    assert_eq!(run.code, Some(1));
    assert!(!ws.path("output").exists());
}

// ---------------------------------------------------------------------------
// Routine pages (Markdown)

#[test]
fn page_without_front_matter_is_refused() {
    Workspace::with_fixture("page-without-front-matter").build_fails_with(&[
        "content/rutin/felanmalan.md:1:1: error: sidan saknar front matter",
        "  hjälp: börja filen med en rad ---, sedan title: och order:, och avsluta med en rad ---",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn front_matter_that_is_never_closed_is_refused() {
    Workspace::with_fixture("page-unclosed-front-matter").build_fails_with(&[
        "content/rutin/felanmalan.md:1:1: error: front matter avslutas aldrig",
        "  hjälp: lägg en rad med bara --- efter sista fältet",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn unknown_front_matter_key_is_reported_on_its_line() {
    Workspace::with_fixture("page-unknown-front-matter-key").build_fails_with(&[
        "content/rutin/felanmalan.md:4:1: error: okänt fält «sammanfattning»",
        "  hjälp: tillåtna fält här: title, order, description",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn level_one_heading_in_a_page_is_refused() {
    Workspace::with_fixture("page-level-one-heading").build_fails_with(&[
        "content/rutin/felanmalan.md:7:1: error: rubrik på nivå 1 (#) i sidans text",
        "  hjälp: sidans titel kommer från front matter; börja rubrikerna med ##",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn javascript_link_is_refused() {
    // "- via [ärendeportalen](javascript:alert(1))." : the link starts at column 7.
    Workspace::with_fixture("page-javascript-link").build_fails_with(&[
        "content/rutin/felanmalan.md:12:7: error: länken «javascript:alert(1)» är inte tillåten",
        "  hjälp: länka till sidor i kitet (sida.html#avsnitt) eller till https-adresser",
        "1 fel, 0 varningar",
    ]);
}

/// Builds a case whose one error is a broken link and returns the hint line,
/// after checking everything else on stderr.
fn broken_link_hint(case: &str, diagnostic: &str) -> String {
    let ws = Workspace::with_fixture(case);
    let run = ws.run("build", &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!ws.path("output").exists());
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stderr);
    assert_eq!(lines[0], diagnostic);
    assert_eq!(lines[2], "1 fel, 0 varningar");
    assert_eq!(lines[3], NOTHING_WRITTEN);
    lines[1].to_string()
}

#[test]
fn link_to_a_page_that_does_not_exist_lists_the_pages() {
    // "Se även [Kontaktvägar](kontaktvägar.html)." with ä in the file name;
    // the text before the link is 55 characters long.
    let hint = broken_link_hint(
        "page-link-to-missing-page",
        "content/rutin/felanmalan.md:18:56: error: länken «kontaktvägar.html» pekar på en sida som inte finns",
    );
    assert!(hint.starts_with("  hjälp: sidor i kitet: "), "{hint}");
    assert!(hint.contains(" kontaktvagar.html,"), "{hint}");
}

#[test]
fn link_to_an_anchor_that_does_not_exist_lists_the_anchors() {
    let hint = broken_link_hint(
        "page-link-to-missing-anchor",
        "content/rutin/felanmalan.md:18:56: error: avsnittet «#oversikt» finns inte på samverkanspunkter.html",
    );
    assert!(hint.starts_with("  hjälp: avsnitt där: "), "{hint}");
    assert!(hint.contains("samverkanspunkterna-i-oversikt"), "{hint}");
}

#[test]
fn unknown_directive_is_refused() {
    Workspace::with_fixture("page-unknown-directive").build_fails_with(&[
        "content/rutin/felanmalan.md:20:1: error: okänt direktiv «{{ kontaktlista }}»",
        "  hjälp: det enda direktivet är {{ händelsetabell }}",
        "1 fel, 0 varningar",
    ]);
}

#[test]
fn raw_html_is_a_warning_and_shown_escaped() {
    let ws = Workspace::with_fixture("page-raw-html");
    let run = ws.run("build", &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected = lines(&[
        "content/rutin/felanmalan.md:9:80: warning: HTML-koden «<b>» visas som text",
        "  hjälp: skriv formateringen med Markdown i stället, till exempel **fet** eller [länk](sida.html)",
        "0 fel, 1 varning",
    ]);
    let rest = run
        .stderr
        .strip_prefix(expected.as_str())
        .unwrap_or_else(|| panic!("unexpected stderr:\n{}", run.stderr));
    assert!(rest.starts_with("Byggde kitet "), "{rest}");
    let page = fs::read_to_string(ws.path("output/site/felanmalan.html")).expect("page built");
    assert!(
        page.contains("felanmäler &lt;b&gt;genast&lt;/b&gt; till Teknikakuten:"),
        "the HTML is shown as text"
    );
    assert!(!page.contains("<b>"), "no raw HTML reaches the page");
}

// ---------------------------------------------------------------------------
// Several problems at once

#[test]
fn errors_in_several_files_are_all_reported_sorted_by_file_and_line() {
    // kit.yaml: threshold_hours: tre; contacts.yaml: a hospital in
    // municipality «pitae» (line 45) and a letter O in a number (line 308);
    // felanmalan.md: an unknown front-matter key; and templates/role.html
    // removed. The loader finds them in another order than they are shown.
    let ws = Workspace::with_fixture("several-errors");
    ws.remove("templates/role.html");
    ws.build_fails_with(&[
        "content/contacts.yaml:45:19: error: kommunen «pitae» finns inte i municipalities",
        "  hjälp: menade du «pitea»?",
        "content/contacts.yaml:308:17: error: telefonnumret «0980-31 92 4O» är ogiltigt: bokstaven «O» hör inte hemma i ett telefonnummer; menade du siffran 0 (noll)?",
        PHONE_HINT,
        "content/kit.yaml:24:18: error: fel typ av värde: text «tre», väntade ett heltal ≥ 0",
        "content/rutin/felanmalan.md:4:1: error: okänt fält «sammanfattning»",
        "  hjälp: tillåtna fält här: title, order, description",
        "templates/role.html: error: mallen saknas",
        "5 fel, 0 varningar",
    ]);
}

// ---------------------------------------------------------------------------
// Templates

#[test]
fn template_syntax_error_names_the_template_line_and_column() {
    // "<h1>{{ page.title }</h1>": the lone } is column 19 of line 4.
    let ws = Workspace::with_fixture("template-syntax-error");
    let run = ws.run("build", &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!ws.path("output").exists());
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    // The rest of the line is the template engine's own (English) text.
    assert!(
        lines[0].starts_with("templates/page.html:4:19: error: syntaxfel i mallen: "),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1..], ["1 fel, 0 varningar", NOTHING_WRITTEN]);
}

#[test]
fn missing_required_template_is_named() {
    let ws = Workspace::shipped();
    ws.remove("templates/contacts.html");
    ws.build_fails_with(&[
        "templates/contacts.html: error: mallen saknas",
        "1 fel, 0 varningar",
    ]);
}

// ---------------------------------------------------------------------------
// Usage and output

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let ws = Workspace::shipped();
    let run = ws.run_raw(&["bygg"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: unrecognized subcommand 'bygg'"),
        "{}",
        run.stderr
    );
    assert!(!ws.path("output").exists());
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let ws = Workspace::shipped();
    let run = ws.run("build", &["--strikt"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: unexpected argument '--strikt' found"),
        "{}",
        run.stderr
    );
    assert!(!ws.path("output").exists());
}

#[test]
fn check_writes_nothing_when_the_content_is_valid() {
    let ws = Workspace::shipped();
    let before = ws.tree("");
    let run = ws.run("check", &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!ws.path("output").exists());
    assert_eq!(ws.tree(""), before, "check changed the workspace");
}

#[test]
fn check_writes_nothing_when_the_content_is_invalid() {
    let ws = Workspace::with_fixture("phone-letter-o");
    let before = ws.tree("");
    let run = ws.run("check", &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!run.stderr.contains(NOTHING_WRITTEN), "{}", run.stderr);
    assert_eq!(ws.tree(""), before, "check changed the workspace");
}

#[test]
fn failed_build_leaves_the_previous_site_byte_for_byte() {
    let ws = Workspace::shipped();
    let run = ws.run("build", &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let before = ws.tree("output");
    assert!(before.contains_key(Path::new("site/index.html")));

    ws.overlay("several-errors");
    let run = ws.run("build", &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.ends_with(&format!("{NOTHING_WRITTEN}\n")));
    assert_eq!(
        ws.tree("output"),
        before,
        "output/ changed after a failed build"
    );
}
