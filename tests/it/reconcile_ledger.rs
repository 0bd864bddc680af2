//! Nothing lost, tried on many random transcripts: whatever mix of calls,
//! one-sided rows, corrections, voids, double transcriptions and rejected
//! lines goes in, every line comes out in exactly one category and the
//! categories add up to the lines read.
//!
//! The generator is a small deterministic one (SplitMix64), so a failure
//! names a seed that reproduces it.

use crate::reconcile_support::{Logbook, day, kit};
use reservkit::reconcile::ledger::Category;
use reservkit::reconcile::rows::Fate;
use reservkit::reconcile::{reconcile, report};
use reservkit::transcript::entry::{Direction, EntryKind, Transcript};

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

const WARDS: [&str; 3] = [
    "sunderby-medicin-61",
    "sunderby-geriatrik-66",
    "pitea-medicin-2",
];
const OTHERS: [&str; 4] = ["lulea", "boden", "pitea", "hc-bergnaset"];

/// A time in the first week of March 2025 (no clock change), to the minute.
fn time(rng: &mut SplitMix, base: Option<u32>) -> (u32, String) {
    let minute = match base {
        Some(b) => (b as i64 + rng.below(41) as i64 - 20).clamp(0, 7 * 24 * 60 - 1) as u32,
        None => rng.below(7 * 24 * 60) as u32,
    };
    let (d, rest) = (minute / (24 * 60), minute % (24 * 60));
    (
        minute,
        format!("2025-03-{:02} {:02}:{:02}", 3 + d, rest / 60, rest % 60),
    )
}

fn random_transcript(seed: u64) -> Transcript {
    let mut rng = SplitMix(seed);
    let mut b = Logbook::new();
    let steps = rng.below(90);
    for _ in 0..steps {
        let ward = WARDS[rng.below(WARDS.len())];
        let other = OTHERS[rng.below(OTHERS.len())];
        let (caller, receiver) = if rng.chance(80) {
            (ward, other)
        } else {
            (other, ward)
        };
        let event = 1 + rng.below(8) as u8;
        let patient = rng.below(5);
        let existing = b.entries.len();
        match rng.below(100) {
            0..=44 => {
                let (minute, at) = time(&mut rng, None);
                let (_, at_in) = time(&mut rng, Some(minute));
                let (out, inc) = b.call(caller, receiver, &at, &at_in, event, patient);
                if rng.chance(10) {
                    b.entries[out].reached = false;
                }
                if rng.chance(5) {
                    b.entries[inc].reached = false;
                }
            }
            45..=59 => {
                let (_, at) = time(&mut rng, None);
                let direction = if rng.chance(50) {
                    Direction::Outgoing
                } else {
                    Direction::Incoming
                };
                let i = b.log(caller, direction, receiver, &at, event, patient);
                b.entries[i].reached = rng.chance(85);
            }
            60..=71 if existing > 0 => {
                let target = rng.below(existing);
                let (_, at) = time(&mut rng, None);
                let at = crate::reconcile_support::at(&at);
                b.correct(target, |e| e.at = at);
            }
            72..=77 if existing > 0 => {
                let target = rng.below(existing);
                b.void(target);
            }
            78..=89 if existing > 0 => {
                let target = rng.below(existing);
                let file = format!("omgång-{}.csv", rng.below(3));
                if rng.chance(50) {
                    b.again(target, &file, |_| {});
                } else {
                    let (_, at) = time(&mut rng, None);
                    let at = crate::reconcile_support::at(&at);
                    b.again(target, &file, |e| e.at = at);
                }
            }
            90..=94 => {
                // A correction with no earlier line for its row.
                let (_, at) = time(&mut rng, None);
                let i = b.log(caller, Direction::Outgoing, receiver, &at, event, patient);
                b.entries[i].kind = EntryKind::Correction;
            }
            _ => {
                let sheet = format!("{ward}-{:03}", 1 + rng.below(4));
                if rng.chance(50) {
                    b.reject(&format!("{ward}.csv"), Some(&sheet), Some("3"), "fel");
                } else {
                    b.reject("okänd.csv", None, None, "oläslig rad");
                }
            }
        }
    }
    let mut transcript = b.transcript();
    // The reader's order of files is not ours to rely on.
    if rng.chance(30) {
        let n = transcript.entries.len();
        for i in (1..n).rev() {
            let j = rng.below(i + 1);
            transcript.entries.swap(i, j);
        }
    }
    transcript
}

#[test]
fn every_line_ends_up_in_exactly_one_category() {
    let kit = kit();
    let mut lines = 0;
    let mut seen = [0usize; Category::ALL.len()];
    for seed in 0..250u64 {
        let transcript = random_transcript(seed);
        let rec = reconcile(&transcript, &kit, day("2025-03-20"));
        assert_eq!(rec.ledger.check(), Ok(()), "seed {seed}");
        assert_eq!(rec.ledger.total(), transcript.lines_read, "seed {seed}");
        assert!(
            rec.ledger.entries.iter().all(Option::is_some),
            "seed {seed}"
        );
        // Every live row is in exactly one call, and only live rows are.
        let sides: usize = rec.calls.iter().map(|c| c.sides().count()).sum();
        assert_eq!(sides, rec.resolution.rows.len(), "seed {seed}");
        for call in &rec.calls {
            for side in call.sides() {
                assert_eq!(rec.resolution.fates[side.index], Fate::Live, "seed {seed}");
            }
        }
        // The per-line file lists every line once.
        let files = report::files(&rec, &transcript, &kit);
        let rader = files
            .iter()
            .find(|f| f.path == "rader.csv")
            .expect("rader.csv");
        let text = String::from_utf8(rader.bytes.clone()).expect("utf-8");
        assert_eq!(
            text.matches("\r\n").count(),
            transcript.lines_read + 1,
            "seed {seed}"
        );
        lines += transcript.lines_read;
        for (k, &c) in Category::ALL.iter().enumerate() {
            seen[k] += rec.ledger.count(c);
        }
    }
    // The generator reaches every category, or the test proves little.
    for (k, &c) in Category::ALL.iter().enumerate() {
        assert!(seen[k] > 0, "no line ever landed in {:?}", c);
    }
    assert!(lines > 10_000, "only {lines} lines tried");
}

#[test]
fn reconciling_twice_gives_the_same_records() {
    let kit = kit();
    for seed in [1u64, 7, 42, 99] {
        let transcript = random_transcript(seed);
        let a = reconcile(&transcript, &kit, day("2025-03-20"));
        let b = reconcile(&transcript, &kit, day("2025-03-20"));
        assert_eq!(
            report::files(&a, &transcript, &kit),
            report::files(&b, &transcript, &kit),
            "seed {seed}"
        );
    }
}

#[test]
fn a_line_that_goes_missing_is_caught() {
    let kit = kit();
    let mut transcript = random_transcript(3);
    transcript.lines_read += 1;
    let rec = reconcile(&transcript, &kit, day("2025-03-20"));
    let problems = rec.ledger.check().expect_err("one line unaccounted for");
    assert!(problems.iter().any(|p| p.contains("lästa")), "{problems:?}");
    assert!(report::accounting(&rec).contains("FEL: raderna går inte ihop"));
}
