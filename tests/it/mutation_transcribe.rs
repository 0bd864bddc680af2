//! Mutation test of the way back from paper: valid transcription files from
//! the fixtures are damaged the way hurried typing and spreadsheets damage
//! them (fields shifted, separators dropped or doubled, columns swapped,
//! names and identity numbers in other columns, huge values, bytes that are
//! not UTF-8, a file cut short), and each damaged set goes through
//! `transcribe --check` and `reconcile` as the real binary.
//!
//! Every round must end in exit code 0, 1 or 2 without a panic, every
//! diagnostic must name its file and line, and no fixture patient's name or
//! identity number (10 or 12 digits, with or without separator) may appear
//! on stderr or in the files that must hold no patient data. In
//! `samtal.json` (which holds the free-text person columns) the names
//! checked are those still written in a patient column of the damaged
//! input: a name typed only into a staff column cannot be told from a
//! staff name. The seed is fixed, so a failure repeats.

use reservkit::transcript::columns::Column;
use reservkit::transcript::csv;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROUNDS: usize = 42;
/// The kinds of damage [`mutate`] does.
const KINDS: usize = 14;
const SEED: u64 = 0x5eed_2025_0303_1015;

/// Skatteverket's test numbers, besides those in the fixtures.
const TEST_NUMBERS: &[&str] = &[
    "189001019802",
    "190001019801",
    "199001012385",
    "200002292399",
    "201701012393",
    "196408233234",
    "202201612393",
    "191401682396",
];

/// xorshift64*: small, deterministic, no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// From the high bits, which are the good ones of xorshift64*.
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 32) % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The valid inputs: sets of files reconciled together.
fn fixture_sets() -> Vec<Vec<PathBuf>> {
    let t = manifest().join("tests/fixtures/transcribe");
    let r = manifest().join("tests/fixtures/reconcile/utbrott");
    let p = manifest().join("tests/fixtures/reconcile/pappersrattelse");
    vec![
        vec![t.join("giltig.csv")],
        vec![t.join("giltig-komma.csv")],
        vec![t.join("rattad.csv")],
        vec![r.join("sunderby-medicin-61.csv"), r.join("lulea.csv")],
        vec![p.join("sunderby-medicin-61.csv"), p.join("lulea.csv")],
    ]
}

/// The patients' names and numbers in a transcription text: from lines
/// with exactly the file's columns.
fn patients(text: &str) -> (Vec<String>, Vec<String>) {
    let mut names = Vec::new();
    let mut numbers = Vec::new();
    if let Ok(table) = csv::parse(text) {
        // Files with and without `rattar_rad`: the patient's columns come
        // before it.
        let width = table.header.fields.len();
        for record in table.rows.into_iter().flatten() {
            if record.fields.len() != width {
                continue;
            }
            let name = record.fields[Column::Patient.index()].trim().to_owned();
            if name.split_whitespace().count() >= 2 {
                names.push(name);
            }
            let number: String = record.fields[Column::Personnummer.index()]
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if number.len() == 10 || number.len() == 12 {
                numbers.push(number);
            }
        }
    }
    (names, numbers)
}

/// Every written form of an identity number (10 or 12 digits).
fn number_forms(digits: &str) -> Vec<String> {
    let twelve = if digits.len() == 12 {
        digits.to_owned()
    } else {
        format!("19{digits}")
    };
    let ten = &twelve[2..];
    vec![
        twelve.clone(),
        format!("{}-{}", &twelve[..8], &twelve[8..]),
        ten.to_owned(),
        format!("{}-{}", &ten[..6], &ten[6..]),
        format!("{}+{}", &ten[..6], &ten[6..]),
    ]
}

/// A name as it might be typed: as written, in capitals, in small letters,
/// or "Efternamn, Förnamn".
fn name_forms(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut forms = vec![name.to_owned(), name.to_uppercase(), name.to_lowercase()];
    if let Some((last, first)) = words.split_last() {
        forms.push(format!("{last}, {}", first.join(" ")));
    }
    forms
}

/// Damages one data line of `text` (or the file as a whole).
/// `kind` (0–13) chooses the damage; see the match below.
fn mutate(
    rng: &mut Rng,
    kind: usize,
    text: &[u8],
    names: &[String],
    numbers: &[String],
) -> (Vec<u8>, String) {
    let text = String::from_utf8_lossy(text).into_owned();
    let separator = if text.lines().next().is_some_and(|h| h.contains(';')) {
        ';'
    } else {
        ','
    };
    let lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let data: Vec<usize> = (1..lines.len())
        .filter(|&i| !lines[i].starts_with('#') && lines[i].matches(separator).count() >= 10)
        .collect();
    let target = if data.is_empty() { 0 } else { *rng.pick(&data) };
    let line = lines[target].trim_end_matches(['\r', '\n']).to_owned();
    let ending = &lines[target][line.len()..];
    let mut fields: Vec<String> = line.split(separator).map(str::to_owned).collect();
    let mut column = rng.below(fields.len());
    let mut kind = kind % KINDS;
    if kind >= 10 {
        // Half of the names and numbers go where free text is kept and
        // copied on: the person spoken to, the signature, the note.
        let free: Vec<usize> = Column::ALL
            .iter()
            .filter(|c| c.is_free_text() && **c != Column::Patient)
            .map(|c| c.index())
            .filter(|&i| i < fields.len())
            .collect();
        column = *rng.pick(&free);
        kind = 4 + kind % 2;
    }
    let what;
    match kind {
        0 => {
            // A field shifted: an empty one inserted, or one removed.
            if rng.below(2) == 0 {
                fields.insert(column, String::new());
                what = "fält inskjutet";
            } else {
                fields.remove(column);
                what = "fält borttaget";
            }
        }
        1 => {
            // A separator dropped: two fields run together.
            if column + 1 < fields.len() {
                let next = fields.remove(column + 1);
                fields[column].push_str(&next);
            }
            what = "skiljetecken borttaget";
        }
        2 => {
            // A separator doubled, somewhere inside a field.
            let at = fields[column].len() / 2;
            let at = (0..=at)
                .rev()
                .find(|&i| fields[column].is_char_boundary(i))
                .unwrap_or(0);
            fields[column].insert(at, separator);
            what = "skiljetecken dubblerat";
        }
        3 => {
            // Two columns swapped, the patient's most often.
            let a = if rng.below(2) == 0 {
                Column::Patient.index()
            } else {
                Column::Personnummer.index()
            };
            let b = rng.below(fields.len());
            if a < fields.len() {
                fields.swap(a, b);
            }
            what = "kolumner bytta";
        }
        4 => {
            // A patient's name in another column.
            let name: &String = rng.pick(names);
            let forms = name_forms(name);
            fields[column] = rng.pick(&forms).clone();
            what = "namn i fel kolumn";
        }
        5 => {
            // An identity number in another column, or added to its text.
            let number: &String = rng.pick(numbers);
            let forms = number_forms(number);
            let number = rng.pick(&forms).clone();
            if rng.below(2) == 0 {
                fields[column] = number;
            } else {
                fields[column] = format!("{} {number}", fields[column]);
            }
            what = "personnummer i fel kolumn";
        }
        6 => {
            // A huge value, possibly in the patient column.
            let c = if rng.below(2) == 0 {
                Column::Patient.index().min(fields.len() - 1)
            } else {
                column
            };
            let unit = rng.pick(&["A", "Åsa ", "x", "Testsson "]).to_string();
            fields[c] = unit.repeat(300 + rng.below(2000));
            what = "jättelångt värde";
        }
        7 => {
            // A stray quote.
            fields[column].insert(0, '"');
            what = "citattecken";
        }
        8 => what = "ogiltiga byte",
        _ => what = "avkortad fil",
    }
    let mut out: Vec<u8> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i == target {
            out.extend(fields.join(&separator.to_string()).as_bytes());
            out.extend(ending.as_bytes());
        } else {
            out.extend(l.as_bytes());
        }
    }
    match kind {
        8 => {
            let start: usize = lines[..target].iter().map(String::len).sum();
            let at = start + rng.below(line.len().max(1));
            const BAD: [&[u8]; 4] = [&[0xff], &[0xc3], &[0xe4, 0x20], &[0x00]];
            let bad: &&[u8] = rng.pick(&BAD);
            out.splice(at..at, bad.iter().copied());
        }
        9 => {
            let start: usize = lines[..target].iter().map(String::len).sum();
            out.truncate(start + rng.below(line.len().max(1)));
        }
        _ => {}
    }
    (out, format!("{what}, rad {}", target + 1))
}

fn reservkit(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reservkit"))
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1798718400")
        .args(args)
        .output()
        .expect("reservkit runs")
}

/// What a round must not break; returns the problems found.
fn judge(
    what: &str,
    output: &Output,
    files: &[(String, String)],
    names: &[String],
    known_names: &[String],
    numbers: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0..=2) => {}
        other => problems.push(format!("{what}: exit {other:?}")),
    }
    if stderr.contains("panicked") {
        problems.push(format!("{what}: panic: {stderr}"));
    }
    for line in stderr.lines() {
        let is_diagnostic = line.contains(": error: ") || line.contains(": warning: ");
        if is_diagnostic {
            let located = line.split(": ").next().is_some_and(|place| {
                let mut parts = place.rsplitn(3, ':');
                let last = parts.next().unwrap_or("");
                let before = parts.next().unwrap_or("");
                last.parse::<usize>().is_ok_and(|n| n > 0)
                    || (before.parse::<usize>().is_ok_and(|n| n > 0)
                        && last.parse::<usize>().is_ok())
            });
            if !located {
                problems.push(format!("{what}: diagnostic without file:line: {line}"));
            }
        } else if line.starts_with("error: ")
            && line != "error: minst en fil kunde inte läsas som helhet; rätta den och kör igen"
        {
            problems.push(format!("{what}: unexpected failure: {line}"));
        }
    }
    let mut texts = vec![("stderr".to_owned(), stderr.into_owned())];
    texts.extend(files.iter().cloned());
    for (place, text) in &texts {
        let lower = text.to_lowercase();
        let checked = if place == "samtal.json" {
            known_names
        } else {
            names
        };
        for name in checked {
            for form in name_forms(name) {
                if lower.contains(&form.to_lowercase()) {
                    problems.push(format!("{what}: a patient's name in {place}"));
                }
            }
        }
        for number in numbers {
            for form in number_forms(number) {
                if text.contains(&form) {
                    problems.push(format!("{what}: an identity number ({form}) in {place}"));
                }
            }
        }
    }
    problems
}

#[test]
fn damaged_transcriptions_never_panic_lose_their_place_or_leak_patient_data() {
    let content = manifest().join("content");
    let content = content.to_str().expect("UTF-8 path");
    let sets = fixture_sets();
    let mut names = Vec::new();
    let mut numbers: Vec<String> = TEST_NUMBERS.iter().map(|n| (*n).to_owned()).collect();
    for path in sets.iter().flatten() {
        let text = std::fs::read_to_string(path).expect("fixture");
        let (n, d) = patients(&text);
        names.extend(n);
        numbers.extend(d);
    }
    names.sort();
    names.dedup();
    numbers.sort();
    numbers.dedup();
    assert!(
        names.len() >= 3 && numbers.len() >= 8,
        "{names:?} {numbers:?}"
    );

    let mut rng = Rng(SEED);
    let mut problems = Vec::new();
    let mut rounds_with_errors = 0;
    let mut reconciled = 0;
    let mut kinds = std::collections::BTreeMap::new();
    let started = std::time::Instant::now();
    for round in 0..ROUNDS {
        let set = rng.pick(&sets).clone();
        let dir = tempfile::tempdir().expect("temporary directory");
        let victim = rng.below(set.len());
        let mut args_files = Vec::new();
        let mut known_names = Vec::new();
        let mut what = String::new();
        for (i, path) in set.iter().enumerate() {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let mut bytes = std::fs::read(path).expect("fixture");
            if i == victim {
                // Every kind of damage in turn, sometimes with a second one
                // on top (bad bytes last, as a later pass would replace them).
                let mut damages = vec![round % KINDS];
                if rng.below(2) == 0 {
                    damages.insert(0, rng.below(KINDS));
                }
                for kind in damages {
                    let (damaged, how) = mutate(&mut rng, kind, &bytes, &names, &numbers);
                    bytes = damaged;
                    what.push_str(&format!("{how}; "));
                }
            }
            known_names.extend(patients(&String::from_utf8_lossy(&bytes)).0);
            std::fs::write(dir.path().join(&name), &bytes).expect("written");
            args_files.push(name);
        }
        for kind in what.split("; ").filter_map(|w| w.split(", rad").next()) {
            if !kind.is_empty() {
                *kinds.entry(kind.to_owned()).or_insert(0_usize) += 1;
            }
        }
        let what = format!("runda {round} ({}): {what}", args_files.join(" "));
        let files: Vec<&str> = args_files.iter().map(String::as_str).collect();

        let mut check = vec!["transcribe", "--content", content];
        check.extend(["--now", "2025-11-01 12:00", "--check"]);
        check.extend(&files);
        let checked = reservkit(dir.path(), &check);
        problems.extend(judge(&what, &checked, &[], &names, &known_names, &numbers));
        if checked.status.code() == Some(1) {
            rounds_with_errors += 1;
        }

        let mut reconcile = vec!["reconcile", "--content", content];
        reconcile.extend(["--as-of", "2025-04-01", "--out", "avst"]);
        reconcile.extend(&files);
        let out = reservkit(dir.path(), &reconcile);
        let mut written = Vec::new();
        if out.status.code() == Some(0) {
            reconciled += 1;
            for entry in std::fs::read_dir(dir.path().join("avst")).expect("folder") {
                let path = entry.expect("entry").path();
                let file = path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                if file == "fall.json" || file.starts_with("arbetslista-") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("UTF-8 output");
                written.push((file, text));
            }
            assert!(
                written.iter().any(|(f, _)| f == "rader.csv"),
                "{what}: no rader.csv"
            );
        }
        problems.extend(judge(&what, &out, &written, &names, &known_names, &numbers));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The damage must really be seen, or this test proves nothing.
    // (A name or number moved into a note or a signature is a valid line.)
    assert!(
        rounds_with_errors * 2 > ROUNDS,
        "only {rounds_with_errors} of {ROUNDS} damaged sets were refused by --check"
    );
    assert!(reconciled * 2 >= ROUNDS, "only {reconciled} reconciled");
    eprintln!(
        "{ROUNDS} rundor på {:.1} s: {rounds_with_errors} med fel, {reconciled} avstämda; {kinds:?}",
        started.elapsed().as_secs_f64()
    );
}
