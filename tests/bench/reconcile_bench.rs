//! How reconciliation copes with a long, county-wide outage: a synthetic
//! transcript of about 100,000 rows from every unit in `content/`, with the
//! usual share of one-sided calls, late notes, corrections, voids and sheets
//! typed in twice, reconciled and written to a temporary folder.
//!
//! Run with `cargo run --release --example reconcile_bench`. Prints the time
//! of each stage and the peak memory (VmHWM from /proc/self/status). Add
//! `-- --med-pdf` to also lay out and write the printable worklist of every
//! unit, as the command does.
//!
//! Patients carry reservnummer (`RB-000123`), which have no national format
//! and can belong to no one.

use jiff::civil::{Date, date};
use reservkit::localtime::resolve_local;
use reservkit::model::{Kit, UnitKind};
use reservkit::output::{self, Tree};
use reservkit::personal_id::PersonalId;
use reservkit::reconcile::{reconcile, report};
use reservkit::transcript::entry::{Direction, Entry, EntryKind, SheetNo, SourceRef, Transcript};
use std::collections::BTreeMap;
use std::time::Instant;

const TARGET_ROWS: usize = 100_000;

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

struct Writer {
    entries: Vec<Entry>,
    /// unit → (sheet, next row, next line)
    place: BTreeMap<String, (u32, u32, usize)>,
    outage_start: jiff::ZonedDateTime,
}

impl Writer {
    #[allow(clippy::too_many_arguments)]
    fn log(
        &mut self,
        unit: &str,
        direction: Direction,
        counterpart: &str,
        minute: i64,
        event: u8,
        patient: &PersonalId,
        reached: bool,
    ) -> usize {
        let place = self.place.entry(unit.to_owned()).or_insert((1, 1, 1));
        if place.1 > 12 {
            place.0 += 1;
            place.1 = 1;
        }
        let (serial, row) = (place.0, place.1);
        place.1 += 1;
        place.2 += 1;
        let line = place.2;
        self.entries.push(Entry {
            source: SourceRef {
                file: format!("{unit}.csv").into(),
                line,
                sheet: SheetNo {
                    unit: unit.into(),
                    serial,
                },
                row,
            },
            kind: EntryKind::Original,
            unit: unit.into(),
            outage_start: self.outage_start.clone(),
            at: at(minute),
            direction,
            counterpart: counterpart.into(),
            counterpart_person: "Provperson".into(),
            patient_name: "Patient Provsson".into(),
            patient_id: patient.clone(),
            event,
            fact_date: None,
            physician_or_contact: None,
            reached,
            note: "".into(),
            signature: "Signatur".into(),
            transcribed_by: "Bänk".into(),
            transcribed_at: jiff::civil::date(2025, 3, 20).at(10, 0, 0, 0),
        });
        self.entries.len() - 1
    }
}

/// Minutes after 2025-03-03 00:00 as a Stockholm time (no clock change in
/// the first weeks of March).
fn at(minute: i64) -> jiff::ZonedDateTime {
    let minute = minute.clamp(0, 14 * 24 * 60 - 1);
    let day: Date = date(2025, 3, 3)
        .checked_add(jiff::Span::new().days(minute / (24 * 60)))
        .expect("in March");
    let rest = minute % (24 * 60);
    resolve_local(
        day,
        jiff::civil::time((rest / 60) as i8, (rest % 60) as i8, 0, 0),
        None,
    )
    .expect("a time that exists")
}

fn generate(kit: &Kit) -> Transcript {
    let mut rng = SplitMix(2025);
    let wards: Vec<&str> = kit
        .directory
        .of_kind(UnitKind::Ward)
        .map(|u| u.id.as_str())
        .collect();
    let municipalities: Vec<&str> = kit
        .directory
        .of_kind(UnitKind::Municipality)
        .map(|u| u.id.as_str())
        .collect();
    let centres: Vec<&str> = kit
        .directory
        .of_kind(UnitKind::HealthCentre)
        .map(|u| u.id.as_str())
        .collect();
    let mut w = Writer {
        entries: Vec::with_capacity(TARGET_ROWS + 1000),
        place: BTreeMap::new(),
        outage_start: at(6 * 60),
    };
    let mut rejections = Vec::new();
    let mut n = 0usize;
    while w.entries.len() + rejections.len() < TARGET_ROWS {
        n += 1;
        let patient = PersonalId::parse_reserve(&format!("RB-{n:06}")).expect("reservnummer");
        let ward = wards[rng.below(wards.len())];
        let kommun = municipalities[rng.below(municipalities.len())];
        let hc = centres[rng.below(centres.len())];
        let admitted = rng.below(5 * 24 * 60) as i64;
        let ready = admitted + 60 + rng.below(3 * 24 * 60) as i64;
        let discharged = ready + rng.below(6 * 24 * 60) as i64;
        let mut calls: Vec<(&str, &str, i64, u8)> = vec![
            (ward, kommun, admitted, 1),
            (ward, hc, admitted + 5, 1),
            (ward, kommun, ready, 3),
            (hc, kommun, ready + 120, 6),
        ];
        if rng.chance(10) {
            calls.push((ward, kommun, ready + 600, 4));
            calls.push((ward, kommun, ready + 1500, 3));
        }
        if rng.chance(60) {
            calls.push((kommun, ward, discharged - 60, 7));
            calls.push((ward, kommun, discharged, 5));
        }
        for (caller, receiver, minute, event) in calls {
            let reached = !rng.chance(3);
            let out = if rng.chance(96) {
                Some(w.log(
                    caller,
                    Direction::Outgoing,
                    receiver,
                    minute,
                    event,
                    &patient,
                    reached,
                ))
            } else {
                None
            };
            if reached && rng.chance(95) {
                let late = if rng.chance(2) {
                    30
                } else {
                    rng.below(4) as i64
                };
                w.log(
                    receiver,
                    Direction::Incoming,
                    caller,
                    minute + late,
                    event,
                    &patient,
                    true,
                );
            }
            if let Some(out) = out {
                if rng.chance(2) {
                    let mut c = w.entries[out].clone();
                    c.kind = EntryKind::Correction;
                    c.at = at(minute + 1);
                    c.source.line += 1_000_000;
                    w.entries.push(c);
                } else if rng.chance(1) {
                    let mut v = w.entries[out].clone();
                    v.kind = EntryKind::Void;
                    v.source.line += 1_000_000;
                    w.entries.push(v);
                } else if rng.chance(1) {
                    let mut d = w.entries[out].clone();
                    d.source.file = format!("{caller}-omgång-2.csv").into();
                    w.entries.push(d);
                }
            }
        }
        if rng.chance(2) {
            rejections.push(reservkit::transcript::entry::Rejection {
                file: format!("{ward}.csv").into(),
                line: 2_000_000 + n,
                sheet: None,
                row: None,
                reasons: vec!["oläslig rad".to_owned()],
            });
        }
    }
    let lines_read = w.entries.len() + rejections.len();
    Transcript {
        entries: w.entries,
        rejections,
        lines_read,
        ..Transcript::default()
    }
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "okänt (ingen /proc/self/status)".to_owned())
}

fn main() {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut kit = reservkit::load::load(&content, date(2100, 1, 1))
        .kit
        .expect("content/ loads");
    // A long outage uses more sheets than are printed ahead.
    kit.settings.print.sheets_per_unit = 999;

    let t = Instant::now();
    let transcript = generate(&kit);
    let generated = t.elapsed();

    let t = Instant::now();
    let rec = reconcile(&transcript, &kit, date(2025, 3, 20));
    let reconciled = t.elapsed();
    if let Err(problems) = rec.ledger.check() {
        eprintln!("raderna går inte ihop: {problems:?}");
        std::process::exit(1);
    }

    let t = Instant::now();
    let mut files = report::files(&rec, &transcript, &kit);
    let rendered = t.elapsed();
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    // The printouts per unit are what `reconcile` also writes; they take
    // most of the time at this size, so they are timed on request.
    let with_pdf = std::env::args().any(|a| a == "--med-pdf");
    let t = Instant::now();
    let pdfs = if with_pdf {
        report::unit_pdfs(&rec, &transcript, &kit).expect("printouts")
    } else {
        Vec::new()
    };
    let printed = t.elapsed();
    let pdf_bytes: usize = pdfs.iter().map(|f| f.bytes.len()).sum();
    let pdf_count = pdfs.len();
    files.extend(pdfs);
    let accounting = report::accounting(&rec);
    let summary = (
        rec.calls.len(),
        rec.cases.list.len(),
        rec.discrepancies.len(),
        rec.worklists.len(),
    );
    drop(rec);

    // The same writer as the command: atomic, owner-only files.
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    output::write_tree(&Tree {
        dir: tmp.path().join("avstamning"),
        files,
        kind: output::Kind::Reconciliation,
    })
    .expect("written");
    let written = t.elapsed();

    println!("Rader: {} ({} enheter)", transcript.lines_read, {
        let mut units: Vec<&str> = transcript.entries.iter().map(|e| e.unit.as_str()).collect();
        units.sort_unstable();
        units.dedup();
        units.len()
    });
    println!(
        "Samtal: {}, fall: {}, avvikelser: {}, arbetslistor: {}",
        summary.0, summary.1, summary.2, summary.3
    );
    println!("Generering:             {:>8.3} s", generated.as_secs_f64());
    println!(
        "Avstämning i minnet:    {:>8.3} s",
        reconciled.as_secs_f64()
    );
    println!(
        "CSV, JSON och text:     {:>8.3} s ({:.1} MB)",
        rendered.as_secs_f64(),
        bytes as f64 / 1e6
    );
    if with_pdf {
        println!(
            "PDF per enhet:          {:>8.3} s ({} filer, {:.1} MB)",
            printed.as_secs_f64(),
            pdf_count,
            pdf_bytes as f64 / 1e6
        );
    } else {
        println!("PDF per enhet:          inte mätt (kör med -- --med-pdf)");
    }
    println!("Skrivning:              {:>8.3} s", written.as_secs_f64());
    println!(
        "Summa utom generering:  {:>8.3} s",
        (reconciled + rendered + printed + written).as_secs_f64()
    );
    println!("Högsta minnesanvändning (VmHWM): {}", peak_memory());
    print!(
        "{}",
        accounting
            .lines()
            .last()
            .map(|l| format!("{l}\n"))
            .unwrap_or_default()
    );
}
