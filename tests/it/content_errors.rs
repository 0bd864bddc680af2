//! Content that is broken at the byte level, too big or too deep, and
//! templates that call what does not exist: through the binary, each problem
//! is reported at its file, line and column, quickly, and values at the
//! limits are still laid out into every printout.
//!
//! Each case edits a copy of the shipped `content/` and `templates/` in a
//! temporary directory (the edits are bytes a fixture file could not hold
//! well: NUL, invalid UTF-8, megabytes). Expected line and column numbers are
//! taken from the shipped file where the edit is made, so the cases follow
//! changes to the sample content.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TODAY: &str = "1795564800";

struct Workspace {
    dir: tempfile::TempDir,
}

struct Run {
    code: Option<i32>,
    stderr: String,
    took: Duration,
}

impl Workspace {
    fn shipped() -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for part in ["content", "templates"] {
            copy_tree(&repo.join(part), &dir.path().join(part));
        }
        Workspace { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).expect("read a shipped file")
    }

    /// Replaces the first `from` in `rel` with the bytes `to`, and returns
    /// the 1-based line and column (in characters) where `from` started.
    fn replace(&self, rel: &str, from: &str, to: &[u8]) -> (usize, usize) {
        let text = self.read(rel);
        let at = text
            .find(from)
            .unwrap_or_else(|| panic!("{from:?} is in {rel}"));
        let mut bytes = text.as_bytes()[..at].to_vec();
        bytes.extend_from_slice(to);
        bytes.extend_from_slice(&text.as_bytes()[at + from.len()..]);
        fs::write(self.path(rel), bytes).expect("write the edited file");
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count()
            + 1;
        (line, col)
    }

    fn run(&self, command: &str) -> Run {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_reservkit"))
            .args([
                command,
                "--content",
                "content",
                "--templates",
                "templates",
                "--out",
                "output",
            ])
            .current_dir(self.dir.path())
            .env("SOURCE_DATE_EPOCH", TODAY)
            .output()
            .expect("run the reservkit binary");
        Run {
            code: out.status.code(),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            took: started.elapsed(),
        }
    }

    /// Runs `check` and asserts it failed with exactly `lines` on stderr.
    fn check_fails_with(&self, lines: &[String]) -> Run {
        let run = self.run("check");
        let expected: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(run.stderr, expected);
        assert_eq!(run.code, Some(1));
        run
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a directory");
    for entry in fs::read_dir(from).expect("read a directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

const ONE_ERROR: &str = "1 fel, 0 varningar";

#[test]
fn invalid_utf8_in_kit_yaml_is_reported_at_the_bad_bytes() {
    let ws = Workspace::shipped();
    // "insidan" saved as Latin-1 after an edit: the bytes before it are bad.
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "intranet_name: insidan",
        b"intranet_name: \xe5\xe4insidan",
    );
    ws.check_fails_with(&[
        format!(
            "content/kit.yaml:{line}:{}: error: ogiltig UTF-8: byten 0xE5 0xE4 kan inte läsas som text",
            col + 15
        ),
        "  hjälp: spara filen med teckenkodningen UTF-8 (i Anteckningar: Spara som → Kodning: UTF-8)".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn nul_byte_in_contacts_yaml_is_reported_at_its_line_and_column() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/contacts.yaml",
        "Arjeplogs kommun",
        b"Arjeplogs\0 kommun",
    );
    ws.check_fails_with(&[
        format!(
            "content/contacts.yaml:{line}:{}: error: otillåtet styrtecken U+0000 (NUL)",
            col + 9
        ),
        "  hjälp: ta bort tecknet; det syns inte i de flesta redigerare men gör filen oläslig"
            .into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn tab_in_kit_yaml_is_a_located_yaml_error_not_a_glyph_error() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "Region Norrbotten",
        b"Region\tNorrbotten",
    );
    ws.check_fails_with(&[
        format!(
            "content/kit.yaml:{line}:{}: error: tabbtecken är inte tillåtna i YAML-filer",
            col + 6
        ),
        "  hjälp: dra in och skriv mellanrum med mellanslag".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn line_break_written_in_a_value_is_shown_escaped_on_one_line() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "name: Teknikakuten",
        b"name: \"Teknik\\nakuten\"",
    );
    ws.check_fails_with(&[
        format!(
            "content/kit.yaml:{line}:{}: error: värdet innehåller U+000A (radbyte); ett värde står på en rad utan styrtecken",
            col + 6
        ),
        "  hjälp: skriv värdet på en rad, utan \\n, \\t eller | och > före texten".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn character_written_as_an_escape_is_found_for_the_glyph_error() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "Region Norrbotten",
        b"\"Region \\u2708 Norrbotten\"",
    );
    ws.check_fails_with(&[
        format!(
            "content/kit.yaml:{line}:{col}: error: tecknet «✈» (U+2708) finns inte i utskrifternas typsnitt och skulle bli tomt på papper"
        ),
        "  hjälp: skriv om texten med bokstäver, siffror och vanliga skiljetecken (latinska alfabetet)".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn unknown_template_filter_function_and_include_name_template_line_and_column() {
    let ws = Workspace::shipped();
    let base = ws.read("templates/base.html");
    let (line, col) = ws.replace(
        "templates/base.html",
        "</body>",
        b"{{ title | nosuchfilter }}{{ nosuch() }}{% include \"nope.html\" %}</body>",
    );
    assert!(base.contains("</body>"));
    ws.check_fails_with(&[
        format!(
            "templates/base.html:{line}:{}: error: mallfel: okänt filter «nosuchfilter»",
            col + 11
        ),
        format!(
            "templates/base.html:{line}:{}: error: mallfel: okänd funktion «nosuch»",
            col + 29
        ),
        format!(
            "templates/base.html:{line}:{}: error: mallfel: mallen «nope.html» finns inte",
            col + 51
        ),
        "3 fel, 0 varningar".into(),
    ]);
}

#[test]
fn over_long_phone_label_is_refused_in_contacts_yaml_with_the_limit() {
    let ws = Workspace::shipped();
    let label = "Vårdplanering / biståndshandläggare";
    let long = "Vårdplanering ".repeat(20) + &"x".repeat(3000);
    let (line, col) = ws.replace("content/contacts.yaml", label, long.as_bytes());
    let shown: String = long.chars().take(40).collect();
    ws.check_fails_with(&[
        format!(
            "content/contacts.yaml:{line}:{col}: error: värdet «{shown}…» är {} tecken långt; «label» får vara högst 200 tecken",
            long.chars().count()
        ),
        "  hjälp: korta texten; den ska rymmas på telefonlistor och blanketter".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn megabyte_organisation_name_is_refused_at_once_with_its_own_limit() {
    let ws = Workspace::shipped();
    let huge = "Region Norrbotten ".repeat(60_000);
    let (line, col) = ws.replace("content/kit.yaml", "Region Norrbotten", huge.as_bytes());
    let run = ws.check_fails_with(&[
        format!(
            "content/kit.yaml:{line}:{col}: error: värdet «Region Norrbotten Region Norrbotten Regi…» är {} tecken långt; «name» får vara högst 80 tecken",
            huge.trim_end().chars().count()
        ),
        "  hjälp: korta texten; den ska rymmas på telefonlistor och blanketter".into(),
        ONE_ERROR.into(),
    ]);
    // It took minutes to lay out before the limit; now it is not laid out.
    assert!(run.took < Duration::from_secs(20), "took {:?}", run.took);
}

#[test]
fn deeply_nested_yaml_is_refused_before_parsing() {
    let ws = Workspace::shipped();
    let deep = format!("[{}{}]", "[".repeat(100_000), "]".repeat(100_000));
    let (line, col) = ws.replace("content/kit.yaml", "\"07-22\"", deep.as_bytes());
    let run = ws.check_fails_with(&[
        // One level for the top mapping; the 64th bracket passes the limit.
        format!(
            "content/kit.yaml:{line}:{}: error: YAML-strukturen är djupare än 64 nivåer här",
            col + 63
        ),
        "  hjälp: innehållsfilerna behöver några få nivåer; kontrollera indrag och hakparenteser"
            .into(),
        ONE_ERROR.into(),
    ]);
    assert!(run.took < Duration::from_secs(20), "took {:?}", run.took);
}

#[test]
fn over_long_heading_in_a_routine_page_is_refused_at_its_line() {
    let ws = Workspace::shipped();
    let page = "content/rutin/felanmalan.md";
    let text = ws.read(page);
    let heading = text
        .lines()
        .find(|l| l.starts_with("## "))
        .expect("the page has a level-2 heading")
        .to_string();
    let long = format!("{heading} {}", "lång ".repeat(60));
    let (line, _) = ws.replace(page, &heading, long.as_bytes());
    ws.check_fails_with(&[
        format!(
            "{page}:{line}:4: error: rubriken är {} tecken lång; en rubrik får vara högst 200 tecken",
            long[3..].trim().chars().count()
        ),
        "  hjälp: korta rubriken och lägg resten av texten i ett stycke under den".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn values_at_the_limits_are_laid_out_in_every_printout() {
    // The widest letter, at the limit, in every name, label and sentence the
    // call sheets, cards, forms and the routine print: the build must still
    // make every PDF.
    let ws = Workspace::shipped();
    for rel in ["content/kit.yaml", "content/contacts.yaml"] {
        let mut section = String::new();
        let mut edited = String::new();
        for l in ws.read(rel).lines() {
            if !l.starts_with([' ', '#', '-']) && l.ends_with(':') {
                section = l.trim_end_matches(':').to_string();
            }
            let t = l.trim_start();
            let key = t.trim_start_matches("- ").split(':').next().unwrap_or("");
            let limit = match key {
                "name" if section == "events" => 40,
                "name" if section == "organisation" => 80,
                "name" | "short_name" if section == "system" => 20,
                "name" if section == "roles" => 20,
                "time_rule" | "law" | "source" => 500,
                "name"
                | "full_name"
                | "label"
                | "owner"
                | "intranet_name"
                | "record_system"
                | "portal_name"
                | "municipalities_name" => 200,
                _ => 0,
            };
            match l.find(':') {
                Some(at) if limit > 0 && !t.starts_with('#') => {
                    edited.push_str(&format!("{}: {}\n", &l[..at], "W".repeat(limit)));
                }
                _ => edited.push_str(&format!("{l}\n")),
            }
        }
        fs::write(ws.path(rel), edited).expect("write the edited file");
    }
    assert!(
        ws.read("content/kit.yaml")
            .contains(&format!("  - code: 1\n    name: {}\n", "W".repeat(40)))
    );
    let run = ws.run("build");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let print = ws.path("output/print");
    for role in ["slutenvard", "oppenvard", "kommun"] {
        for pdf in [
            format!("telefonlista-{role}.pdf"),
            format!("snabbkort-{role}.pdf"),
        ] {
            let bytes = fs::read(print.join(&pdf)).expect("the printout was made");
            assert!(bytes.starts_with(b"%PDF-"), "{pdf}");
        }
    }
    for pdf in ["rutin.pdf", "samtalslogg-blank.pdf"] {
        assert!(
            fs::read(print.join(pdf))
                .expect("made")
                .starts_with(b"%PDF-")
        );
    }
    let forms = fs::read_dir(print.join("samtalslogg")).expect("the forms were made");
    assert!(forms.count() > 10);
}

#[test]
fn form_without_room_for_its_rows_points_at_rows_per_sheet() {
    // 8 two-line rows are the most the landscape sheet holds (with names as
    // long as allowed, the form's legend is cut to make room); the loader
    // refuses more and points at the value, once.
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "rows_per_sheet: 8",
        b"rows_per_sheet: 9",
    );
    let run = ws.run("check");
    assert_eq!(run.code, Some(1));
    let first = run.stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        // The value's column: after "rows_per_sheet: ".
        format!(
            "content/kit.yaml:{line}:{}: error: rows_per_sheet är 9; väntade 4–8",
            col + "rows_per_sheet: ".len()
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.contains(": error: "))
            .count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn a_number_for_an_event_that_kit_yaml_lacks_is_refused_at_the_code() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/contacts.yaml",
        "events: [1, 2, 3, 4, 6]",
        b"events: [1, 2, 3, 4, 9]",
    );
    ws.check_fails_with(&[
        format!(
            "content/contacts.yaml:{line}:{}: error: händelsen 9 finns inte i kit.yaml",
            // The list is located where it starts ("[1, 2, …").
            col + 8
        ),
        "  hjälp: händelserna är 1, 2, 3, 4, 5, 6, 7, 8".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn an_empty_closed_hours_text_is_refused_at_its_line() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "  health_centres: \"Kvällar",
        "  health_centres: \"\"\n  wards: \"Kvällar".as_bytes(),
    );
    ws.check_fails_with(&[
        format!(
            "content/kit.yaml:{line}:{}: error: texten är tom; skriv vad den som ringer gör när ingen svarar, eller ta bort raden",
            col + 18
        ),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn an_unknown_event_meaning_is_refused_at_its_value() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "meaning: ready_for_home",
        b"meaning: ready_home",
    );
    ws.check_fails_with(&[
        format!(
            "content/kit.yaml:{line}:{}: error: okänd betydelse «ready_home»",
            col + 9
        ),
        "  hjälp: väntade admission, new_discharge_date, ready, ready_changed, discharge, care_contact, ready_for_home, other".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn a_meaning_given_to_two_events_is_refused_at_the_second() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "meaning: new_discharge_date",
        b"meaning: admission",
    );
    ws.check_fails_with(&[
        format!(
            "content/kit.yaml:{line}:{}: error: betydelsen «admission» har redan händelse 1",
            col + 9
        ),
        "  hjälp: varje betydelse utom other får höra till en händelse".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn an_event_the_payment_rule_needs_is_required_by_meaning() {
    let ws = Workspace::shipped();
    // The discharge event becomes "other": reconciliation could not tell
    // when payment responsibility ends.
    ws.replace("content/kit.yaml", "meaning: discharge", b"meaning: other");
    // Located at the list of events.
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "events:\n  - code: 1",
        b"events:\n  - code: 1",
    );
    ws.check_fails_with(&[
        format!("content/kit.yaml:{line}:{col}: error: ingen händelse har betydelsen «discharge»"),
        "  hjälp: betalningsansvaret räknas från händelserna admission, ready, ready_changed och discharge; ange meaning på var och en".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn the_failing_systems_name_is_taken_from_kit_yaml() {
    // Another region's outage routine for another system: the texts the
    // code writes name that system, in full or short where already named.
    let ws = Workspace::shipped();
    ws.replace(
        "content/kit.yaml",
        "system:\n  name: Lifecare SP\n  short_name: Lifecare\n",
        "system:\n  name: Cosmic Nova\n  short_name: Cosmic\n".as_bytes(),
    );
    let run = ws.run("build");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let page = |name: &str| ws.read(&format!("output/site/{name}"));
    let index = page("index.html");
    assert!(index.contains("<title>Driftstopp i Cosmic Nova"), "{index}");
    assert!(index.contains("<h1>Cosmic Nova fungerar inte – så gör du</h1>"));
    let checklist = page("slutenvard.html");
    assert!(checklist.contains("inte när det senare förs in i Cosmic."));
    assert!(checklist.contains("Redatera aldrig: när Cosmic Nova fungerar igen"));
    let printouts = page("utskrifter.html");
    assert!(printouts.contains("Hela rutinen vid driftstopp i Cosmic Nova"));
    for name in [
        "index.html",
        "slutenvard.html",
        "oppenvard.html",
        "kommun.html",
    ] {
        // The routine pages in content/ still name Lifecare (their titles
        // are in the menus); the code's and templates' own texts do not.
        let text = page(name);
        let own: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("Lifecare") && !l.contains(".html\">"))
            .collect();
        assert!(own.is_empty(), "{name}: {own:?}");
    }
}

#[test]
fn a_system_name_too_long_for_the_printed_titles_is_refused() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "name: Lifecare SP",
        format!("name: {}", "L".repeat(21)).as_bytes(),
    );
    let run = ws.run("check");
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with(&format!("content/kit.yaml:{line}:{}: error: ", col + 6)),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("20"), "{}", run.stderr);
}

#[test]
fn an_unknown_placeholder_in_a_roles_time_rule_is_refused_at_its_line() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "Kommunerna nås {kommunernas_tider}",
        b"Kommunerna n\xc3\xa5s {kommunens_tider}",
    );
    let text = ws.read("content/kit.yaml");
    let start = text
        .lines()
        .nth(line - 1)
        .expect("the line")
        .find('"')
        .expect("quoted")
        + 1;
    assert!(start < col);
    ws.check_fails_with(&[
        format!("content/kit.yaml:{line}:{start}: error: okänd platshållare «{{kommunens_tider}}»"),
        "  hjälp: väntade {kommunernas_tider} eller {system}".into(),
        ONE_ERROR.into(),
    ]);
}

#[test]
fn every_role_is_named_in_kit_yaml_and_no_other() {
    let ws = Workspace::shipped();
    let (line, col) = ws.replace(
        "content/kit.yaml",
        "  kommun:\n    name: Kommun",
        b"  kommuner:\n    name: Kommun",
    );
    let roles = ws
        .read("content/kit.yaml")
        .lines()
        .position(|l| l == "roles:")
        .expect("roles")
        + 1;
    ws.check_fails_with(&[
        format!("content/kit.yaml:{roles}:1: error: rollen «kommun» saknas"),
        format!(
            "content/kit.yaml:{line}:{}: error: okänd roll «kommuner»",
            col + 2
        ),
        "  hjälp: väntade slutenvard, oppenvard och kommun".into(),
        "2 fel, 0 varningar".into(),
    ]);
}

#[test]
fn a_roles_name_and_time_rules_come_from_kit_yaml() {
    let ws = Workspace::shipped();
    ws.replace(
        "content/kit.yaml",
        "    name: Kommun\n",
        b"    name: Socialtj\xc3\xa4nst\n",
    );
    ws.replace(
        "content/kit.yaml",
        "      - Skriv klockslaget när du meddelar",
        "      - Ring före {system} kommer tillbaka.\n      - Skriv klockslaget när du meddelar"
            .as_bytes(),
    );
    let run = ws.run("build");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let municipality = ws.read("output/site/kommun.html");
    assert!(
        municipality.contains("Checklista: socialtjänst"),
        "{municipality}"
    );
    let outpatient = ws.read("output/site/oppenvard.html");
    assert!(
        outpatient.contains("Ring före Lifecare SP kommer tillbaka."),
        "{outpatient}"
    );
}
