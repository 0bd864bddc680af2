//! The reconciliation folder: every output file, made from a
//! [`Reconciliation`] into a writer the caller gives ([`writers`]) or in
//! memory ([`files`]). Opening and placing the files is [`crate::output`]'s
//! job.
//!
//! File names carry unit ids and nothing about patients. The summary
//! (`sammanfattning.txt`, also printed) has case numbers and counts only.

use super::Reconciliation;
use super::csv_out::Csv;
use super::discrepancies::Kind;
use super::ledger::Category;
use super::matching::Status;
use super::rows::Fate;
use super::worklist::{Worklist, instruction, note_heading};
use super::{json_out, wording};
use crate::model::Kit;
use crate::output::OutFile;
use crate::transcript::entry::{EntryKind, RemarkKind, Transcript};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes one record file into the writer it is given.
pub type Writer<'a> = Box<dyn Fn(&mut dyn Write) -> io::Result<()> + Send + Sync + 'a>;

/// Every record file (all but the worklist PDFs) by name, sorted, each with
/// the function that writes it. Each file is made row by row into its
/// writer, so a caller that writes to files never holds a whole one in
/// memory (a national outage's `fall.json` is tens of megabytes).
pub fn writers<'a>(
    rec: &'a Reconciliation<'a>,
    transcript: &'a Transcript,
    kit: &'a Kit,
) -> Vec<(String, Writer<'a>)> {
    let mut files = shared_writers(rec, transcript, kit);
    for list in &rec.worklists {
        files.push((
            format!("arbetslista-{}.csv", list.unit),
            Box::new(move |w| worklist_csv(rec, transcript, kit, list, &list.notes(rec, kit), w)),
        ));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The record files that are not per unit (calls, cases, payment,
/// discrepancies, sheets, lines, summary), largest first: [`writers`]
/// without the worklists, which [`worklist_csv`] writes per unit.
pub fn shared_writers<'a>(
    rec: &'a Reconciliation<'a>,
    transcript: &'a Transcript,
    kit: &'a Kit,
) -> Vec<(String, Writer<'a>)> {
    vec![
        (
            "fall.json".into(),
            Box::new(move |w| json_out::cases(rec, w)),
        ),
        (
            "samtal.json".into(),
            Box::new(move |w| json_out::calls(rec, w)),
        ),
        ("samtal.csv".into(), Box::new(move |w| calls_csv(rec, w))),
        (
            "rader.csv".into(),
            Box::new(move |w| lines_csv(rec, transcript, w)),
        ),
        (
            "betalningsansvar.csv".into(),
            Box::new(move |w| responsibility_csv(rec, w)),
        ),
        (
            "blad.csv".into(),
            Box::new(move |w| sheets_csv(rec, kit, w)),
        ),
        (
            "avvikelser.csv".into(),
            Box::new(move |w| discrepancies_csv(rec, w)),
        ),
        (
            "sammanfattning.txt".into(),
            Box::new(move |w| w.write_all(summary(rec, kit).as_bytes())),
        ),
    ]
}

/// The units that get a printable worklist (`arbetslista-<enhet>.pdf`):
/// every unit with a worklist or a discrepancy that names it (and is in
/// the directory), sorted by id.
pub fn printed_units<'a>(rec: &'a Reconciliation<'_>, kit: &Kit) -> Vec<&'a str> {
    let mut units: Vec<&str> = rec.worklists.iter().map(|w| w.unit.as_str()).collect();
    units.extend(
        rec.discrepancies_by_unit
            .keys()
            .map(String::as_str)
            .filter(|u| kit.directory.unit(u).is_some()),
    );
    units.sort_unstable();
    units.dedup();
    units
}

/// Every record file in memory, sorted by name (see [`writers`]).
pub fn files(rec: &Reconciliation<'_>, transcript: &Transcript, kit: &Kit) -> Vec<OutFile> {
    writers(rec, transcript, kit)
        .into_iter()
        .map(|(path, write)| {
            let mut bytes = Vec::new();
            // Writing into a Vec cannot fail.
            let _ = write(&mut bytes);
            OutFile::new(path, bytes)
        })
        .collect()
}

/// The printable worklist (`arbetslista-<enhet>.pdf`) of every unit that has
/// something to enter or a discrepancy to sort out, by unit id.
///
/// # Errors
///
/// The unit and a reason without patient data, when a layout fails.
pub fn unit_pdfs(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    kit: &Kit,
) -> Result<Vec<OutFile>, String> {
    let made = std::sync::Mutex::new(Vec::new());
    unit_pdfs_each(rec, transcript, kit, |i, f| {
        made.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((i, f));
        Ok(())
    })?;
    let mut made = made
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    made.sort_by_key(|(i, _)| *i);
    Ok(made.into_iter().map(|(_, f)| f).collect())
}

/// As [`unit_pdfs`], but hands each PDF (with its place in the units'
/// order) to `sink` as soon as it is made, from several threads at once, so
/// that the worklists of a national outage are never all in memory.
///
/// # Errors
///
/// The first layout failure (the unit and a reason without patient data) or
/// the sink's first error; the remaining units are then not made.
pub fn unit_pdfs_each(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    kit: &Kit,
    sink: impl Fn(usize, OutFile) -> Result<(), String> + Sync,
) -> Result<(), String> {
    let units = printed_units(rec, kit);
    let one = |unit: &str| {
        super::unit_pdf::unit_pdf(rec, transcript, kit, unit)
            .map(|bytes| OutFile::new(format!("arbetslista-{unit}.pdf"), bytes))
            .map_err(|e| {
                format!(
                    "arbetslistan för {unit} gick inte att göra som PDF: {}",
                    super::unit_pdf::describe(&e)
                )
            })
    };
    // A long outage gives thousands of worklist pages: spread the units over
    // the cores.
    on_cores(&units, |i, unit| one(unit).and_then(|f| sink(i, f)))
}

/// Runs `job` on every item, spread over the cores (at most four), each
/// worker taking the next item as it finishes one.
///
/// # Errors
///
/// The error of the first item in order that failed, whatever the threads'
/// timing; once one fails, no further items are started.
pub fn on_cores<T: Sync>(
    items: &[T],
    job: impl Fn(usize, &T) -> Result<(), String> + Sync,
) -> Result<(), String> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(None::<(usize, String)>);
    let work = || {
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            if let Err(e) = job(i, item) {
                let mut failed = failed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if failed.as_ref().is_none_or(|(j, _)| i < *j) {
                    *failed = Some((i, e));
                }
                next.store(items.len(), std::sync::atomic::Ordering::Relaxed);
                break;
            }
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
        for h in handles {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
    });
    match failed
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

fn calls_csv(rec: &Reconciliation<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Csv::new(
        out,
        &[
            "id",
            "status",
            "händelsekod",
            "händelse",
            "fall",
            "uppringare",
            "uppringare namn",
            "mottagare",
            "mottagare namn",
            "meddelandetid",
            "tid enligt",
            "tid uppringare",
            "tid mottagare",
            "minuter isär",
            "nådd enligt uppringare",
            "nådd enligt mottagare",
            "räknas som meddelande",
            "källa uppringare",
            "källa mottagare",
            "anmärkning",
        ],
    );
    let names = &rec.names;
    let mut remark = String::new();
    for (c, call) in rec.calls.iter().enumerate() {
        remark.clear();
        match call.status {
            Status::OneSided if call.outgoing.is_some() => {
                if call.reached() {
                    remark.push_str("saknas hos mottagaren (");
                    remark.push_str(names.unit(call.receiver()));
                    remark.push(')');
                } else {
                    remark.push_str("nådde inte fram; ingen rad väntas hos mottagaren");
                }
            }
            Status::OneSided => {
                remark.push_str("saknas hos uppringaren (");
                remark.push_str(names.unit(call.caller()));
                remark.push_str("); tiden är mottagarens");
            }
            Status::TimeConflict => {
                remark.push_str("tiderna skiljer mer än toleransen: se avvikelser");
            }
            Status::Matched => {}
        }
        if call.reached_disputed() {
            if !remark.is_empty() {
                remark.push_str("; ");
            }
            remark.push_str("oenighet om nådd");
        }
        let time = |side: Option<super::matching::Side<'_>>| {
            side.map(|s| wording::clock(&s.entry.at))
                .unwrap_or_default()
        };
        let reached = |side: Option<super::matching::Side<'_>>| {
            side.map_or("", |s| wording::yes_no(s.entry.reached))
        };
        let source = |side: Option<super::matching::Side<'_>>| {
            side.map(|s| wording::source(&s.entry.source))
                .unwrap_or_default()
        };
        // The notice time is the caller's, or the receiver's when only the
        // receiver logged the call: one of the two sides' times.
        let (caller_time, receiver_time) = (time(call.outgoing), time(call.incoming));
        let notice_time = if call.time_from_receiver() {
            &receiver_time
        } else {
            &caller_time
        };
        let code = call.event().to_string();
        let minutes = call
            .minutes_apart()
            .map(|m| m.to_string())
            .unwrap_or_default();
        csv.row::<&str>(&[
            &call.id,
            call.status.label(),
            &code,
            names.event(call.event()),
            rec.cases.number_of_call(c),
            call.caller(),
            names.unit(call.caller()),
            call.receiver(),
            names.unit(call.receiver()),
            notice_time,
            if call.time_from_receiver() {
                "mottagaren"
            } else {
                "uppringaren"
            },
            &caller_time,
            &receiver_time,
            &minutes,
            reached(call.outgoing),
            reached(call.incoming),
            wording::yes_no(call.reached()),
            &source(call.outgoing),
            &source(call.incoming),
            &remark,
        ]);
    }
    csv.finish()
}

fn responsibility_csv(rec: &Reconciliation<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Csv::new(
        out,
        &[
            "fall",
            "kommun",
            "kommunnamn",
            "gäller",
            "skäl",
            "meddelandesamtal",
            "meddelandetid",
            "startdatum",
            "slutdatum",
            "slut enligt",
            "dagar",
            "belopp kr",
            "år utan belopp",
            "anmärkning",
        ],
    );
    for r in &rec.responsibilities {
        let notice = r.notice_call.map(|c| &rec.calls[c]);
        let end_by = match (r.applies, r.discharge_call) {
            (false, _) => String::new(),
            (true, Some(d)) => format!("utskrivning ({})", rec.calls[d].id),
            (true, None) => format!("fortfarande inskriven per {}", rec.as_of),
        };
        let (amount, missing, mut notes) = match &r.amount {
            Some(a) if a.is_complete() => (a.total_sek.to_string(), String::new(), r.notes.clone()),
            Some(a) => {
                let mut notes = r.notes.clone();
                if a.total_sek > 0 {
                    notes.push(format!(
                        "känd del {} kr för år med dagbelopp",
                        wording::kronor(a.total_sek)
                    ));
                }
                let years: Vec<String> =
                    a.years_without_rate.iter().map(|y| y.to_string()).collect();
                (String::new(), years.join(", "), notes)
            }
            None => (String::new(), String::new(), r.notes.clone()),
        };
        notes.dedup();
        csv.row(&[
            rec.cases.list[r.case].number.clone(),
            r.municipality.clone(),
            rec.names.unit(&r.municipality).to_owned(),
            wording::yes_no(r.applies).to_owned(),
            r.reason.clone(),
            notice.map(|c| c.id.clone()).unwrap_or_default(),
            notice
                .map(|c| wording::clock(c.notice_at()))
                .unwrap_or_default(),
            r.start.map(|d| d.to_string()).unwrap_or_default(),
            r.end.map(|d| d.to_string()).unwrap_or_default(),
            end_by,
            if r.applies {
                r.days.to_string()
            } else {
                String::new()
            },
            amount,
            missing,
            notes.join("; "),
        ]);
    }
    csv.finish()
}

fn discrepancies_csv(rec: &Reconciliation<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Csv::new(
        out,
        &[
            "nr",
            "typ",
            "fall",
            "samtal",
            "enheter",
            "beskrivning",
            "källor",
        ],
    );
    for (n, d) in rec.discrepancies.iter().enumerate() {
        csv.row(&[
            (n + 1).to_string(),
            d.kind.label().to_owned(),
            d.case.clone().unwrap_or_default(),
            d.call.clone().unwrap_or_default(),
            d.units.join(", "),
            d.description.clone(),
            d.refs.join(" | "),
        ]);
    }
    csv.finish()
}

/// `arbetslista-<enhet>.csv` of one unit's worklist, with the notes of
/// its items ([`super::worklist::Worklist::notes`]).
///
/// # Errors
/// The first error writing to `out`.
pub fn worklist_csv(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    kit: &Kit,
    list: &Worklist,
    notes: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    let names = &rec.names;
    let note_column = note_heading(kit);
    let mut csv = Csv::with_preamble(
        out,
        &format!(
            "Arbetslista för {}. {}",
            names.unit(&list.unit),
            instruction(kit)
        ),
        &[
            "nr",
            "samtal",
            "status",
            "rapporterad tid",
            "egen noterad tid",
            "händelse",
            "fall",
            "patient",
            "identitetsnummer",
            "riktning",
            "motpart",
            "kontrollera först",
            note_column.as_str(),
            "källa",
        ],
    );
    // Buffers reused row after row.
    let (mut nr, mut own_time, mut notice_time, mut patient_id, mut source) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    for (n, (item, note)) in list.items.iter().zip(notes).enumerate() {
        let call = &rec.calls[item.call];
        let own = &transcript.entries[item.entry];
        nr.clear();
        let _ = write!(nr, "{}", n + 1);
        own_time.clear();
        wording::push_clock(&mut own_time, &own.at);
        // The unit's own row is one side of the call: its time is the
        // notice time when it is the side whose time counts.
        notice_time.clear();
        if call.notice_side().index == item.entry {
            notice_time.push_str(&own_time);
        } else {
            wording::push_clock(&mut notice_time, call.notice_at());
        }
        patient_id.clear();
        let _ = write!(patient_id, "{}", own.patient_id);
        source.clear();
        wording::push_source(&mut source, &own.source);
        csv.row::<&str>(&[
            &nr,
            &call.id,
            call.status.label(),
            &notice_time,
            &own_time,
            names.event(call.event()),
            rec.cases.number_of_call(item.call),
            &own.patient_name,
            &patient_id,
            if item.received {
                "mottaget"
            } else {
                "rapporterat"
            },
            names.unit(&own.counterpart),
            &item.checks.join("; "),
            note,
            &source,
        ]);
    }
    // A municipality's received notices: to check against its own records
    // and its payment responsibility, not to register (`K1`, `K2`, …).
    for (n, notice) in list.to_check.iter().enumerate() {
        let call = &rec.calls[notice.call];
        let own = call.incoming.map(|s| s.entry);
        let told = call.notice_side().entry;
        let sources: Vec<String> = call
            .sides()
            .map(|s| wording::source(&s.entry.source))
            .collect();
        csv.row::<&str>(&[
            &format!("K{}", n + 1),
            &call.id,
            "att kontrollera",
            &wording::clock(call.notice_at()),
            &own.map(|e| wording::clock(&e.at)).unwrap_or_default(),
            names.event(call.event()),
            rec.cases.number_of_call(notice.call),
            &told.patient_name,
            &told.patient_id.to_string(),
            "mottaget",
            names.unit(call.caller()),
            &notice.consequence,
            "",
            &sources.join(" | "),
        ]);
    }
    csv.finish()
}

fn sheets_csv(rec: &Reconciliation<'_>, kit: &Kit, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Csv::new(
        out,
        &[
            "enhet",
            "enhetsnamn",
            "blad",
            "status",
            "rader",
            "filer",
            "rader transkriberade två gånger",
            "anmärkning",
        ],
    );
    for s in &rec.sheets {
        let rows: Vec<String> = s.rows_twice.iter().map(|r| r.to_string()).collect();
        csv.row(&[
            s.unit.clone(),
            wording::unit_name(&kit.directory, &s.unit),
            s.sheet().to_string(),
            s.status_label().to_owned(),
            s.lines.to_string(),
            s.files.join(", "),
            rows.join(", "),
            if s.beyond_print {
                format!(
                    "nummer över de {} blad som skrivs ut",
                    kit.settings.print.sheets_per_unit
                )
            } else {
                String::new()
            },
        ]);
    }
    csv.finish()
}

/// `rader.csv`: every line read and its category, by file and line.
fn lines_csv(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    out: &mut dyn Write,
) -> io::Result<()> {
    /// A line read: an entry, or a rejected line with the correction that
    /// replaced it, if any.
    #[derive(Clone, Copy)]
    enum Read {
        Entry(usize),
        Rejected(usize, Option<usize>),
    }
    let entries = &transcript.entries;
    let mut lines: Vec<(&str, usize, Read)> = Vec::with_capacity(rec.ledger.lines_read);
    for (i, e) in entries.iter().enumerate() {
        lines.push((&e.source.file, e.source.line, Read::Entry(i)));
    }
    for (r, (rejection, replaced_by)) in transcript
        .rejections
        .iter()
        .zip(transcript.replacements())
        .enumerate()
    {
        lines.push((
            &rejection.file,
            rejection.line,
            Read::Rejected(r, replaced_by),
        ));
    }
    // Stable: an entry before a rejection of the same file and line, as
    // before.
    lines.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut csv = Csv::new(
        out,
        &[
            "fil",
            "rad i filen",
            "blad",
            "rad",
            "post",
            "kategori",
            "hänvisning",
        ],
    );
    let mut number = String::new();
    let mut sheet = String::new();
    let mut row = String::new();
    let mut reference = String::new();
    for (file, line, read) in lines {
        number.clear();
        let _ = write!(number, "{line}");
        sheet.clear();
        row.clear();
        reference.clear();
        let (post, category) = match read {
            Read::Entry(i) => {
                let e = &entries[i];
                let _ = write!(sheet, "{}", e.source.sheet);
                let _ = write!(row, "{}", e.source.row);
                match rec.resolution.fates[i] {
                    Fate::Live => {
                        if let Some(c) = rec.ledger.entry_call[i] {
                            reference.push_str("samtal ");
                            reference.push_str(&rec.calls[c].id);
                        }
                    }
                    Fate::Superseded { by } => {
                        reference.push_str("ersatt av ");
                        reference.push_str(&wording::source(&entries[by].source));
                    }
                    Fate::Voided { by } if by == i => reference.push_str("makulering"),
                    Fate::Voided { by } => {
                        reference.push_str("makulerad genom ");
                        reference.push_str(&wording::source(&entries[by].source));
                    }
                    Fate::Duplicate { of } => {
                        reference.push_str("samma som ");
                        reference.push_str(&wording::source(&entries[of].source));
                    }
                    Fate::Conflicting { group } => {
                        let others: Vec<String> = rec.resolution.conflicts[group]
                            .iter()
                            .filter(|&&l| l != i)
                            .map(|&l| wording::source(&entries[l].source))
                            .collect();
                        reference.push_str("skiljer sig från ");
                        reference.push_str(&others.join(", "));
                    }
                }
                let post = match e.kind {
                    EntryKind::Original => "original",
                    EntryKind::Correction => "rättelse",
                    EntryKind::Void => "makulering",
                };
                (
                    post,
                    rec.ledger.entries[i].map_or("SAKNAS", Category::label),
                )
            }
            Read::Rejected(r, replaced_by) => {
                let rejection = &transcript.rejections[r];
                sheet.push_str(rejection.sheet.as_deref().unwrap_or_default());
                row.push_str(rejection.row.as_deref().unwrap_or_default());
                let category = match replaced_by {
                    Some(by) => {
                        let _ = write!(
                            reference,
                            "ersatt av {} (avvisad: {})",
                            wording::source(&entries[by].source),
                            rejection.reasons.join("; ")
                        );
                        Category::RejectedReplaced
                    }
                    None => {
                        reference.push_str(&rejection.reasons.join("; "));
                        Category::Rejected
                    }
                };
                ("", category.label())
            }
        };
        csv.row::<&str>(&[file, &number, &sheet, &row, post, category, &reference]);
    }
    csv.finish()
}

/// The settings the figures depend on, for the top of the summary.
pub fn settings_text(kit: &Kit) -> String {
    let p = &kit.settings.payment;
    let mut t = String::new();
    let _ = writeln!(t, "Inställningar ({})", kit.settings_file);
    let _ = writeln!(t, "  Regel: {}", p.law);
    let _ = writeln!(
        t,
        "  Betalningsansvaret börjar {} {} efter utskrivningsklar-samtalet, en dag senare om samtalet skedde efter kl. {:02}:{:02}.",
        p.grace_days,
        if p.grace_days == 1 {
            "kalenderdag"
        } else {
            "kalenderdagar"
        },
        p.cutoff.hour(),
        p.cutoff.minute()
    );
    let _ = writeln!(
        t,
        "  Samtal exakt kl. {:02}:{:02} räknas som {}.",
        p.cutoff.hour(),
        p.cutoff.minute(),
        if p.cutoff_inclusive {
            "efter"
        } else {
            "före (inte efter)"
        }
    );
    let _ = writeln!(
        t,
        "  Utskrivningsdagen räknas {}.",
        if p.count_discharge_day {
            "som en dag med betalningsansvar"
        } else {
            "inte som en dag med betalningsansvar"
        }
    );
    let _ = writeln!(
        t,
        "  Nytt utskrivningsklar efter ändrat ({}): {}.",
        super::responsibility::changed_code(kit),
        if p.latest_ready_restarts {
            "klockan räknas från det senaste samtalet"
        } else {
            "det första utskrivningsklar-samtalet gäller"
        }
    );
    let _ = writeln!(t, "  Varje dag räknas med dagbeloppet för sitt eget år.");
    if p.rates.is_empty() {
        let _ = writeln!(t, "  Dagbelopp: inga angivna.");
    } else {
        let _ = writeln!(t, "  Dagbelopp:");
        for r in &p.rates {
            let _ = writeln!(
                t,
                "    {}: {} kr per dag ({})",
                r.year,
                wording::kronor(r.amount_sek),
                r.source
            );
        }
    }
    let _ = writeln!(
        t,
        "  Ett år utan dagbelopp ger «belopp saknas» för dagarna det året, tills beloppet förs in med sin källa i {}.",
        kit.settings_file
    );
    let _ = writeln!(
        t,
        "  Samtalens två sidor matchas om tiderna skiljer högst {}.",
        wording::minutes(kit.settings.match_tolerance_minutes)
    );
    let _ = writeln!(
        t,
        "  Villkor som inte syns i samtalsloggen (SIP-kallelse, regionens öppenvårdsinsatser, 5 kap. 3 och 5 §§) bedöms inte här."
    );
    t
}

/// `sammanfattning.txt`.
pub fn summary(rec: &Reconciliation<'_>, kit: &Kit) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "Avstämning av papperslogg vid driftstopp i {}",
        kit.settings.system.name
    );
    let _ = writeln!(t, "Per datum: {}", rec.as_of);
    let _ = writeln!(t);
    t.push_str(&settings_text(kit));
    let _ = writeln!(t);
    let _ = writeln!(t, "Samtal: {}", rec.calls.len());
    for status in [Status::Matched, Status::TimeConflict, Status::OneSided] {
        let n = rec.calls.iter().filter(|c| c.status == status).count();
        let _ = writeln!(t, "  {}: {n}", status.label());
    }
    let unreached = rec.calls.iter().filter(|c| !c.reached()).count();
    let _ = writeln!(
        t,
        "  varav inget meddelande (inte nådd eller oense om nådd): {unreached}"
    );
    let _ = writeln!(t, "Fall (patienter): {}", rec.cases.list.len());
    let applies: Vec<_> = rec.responsibilities.iter().filter(|r| r.applies).collect();
    let _ = writeln!(
        t,
        "Betalningsansvar: {} av {} bedömningar (fall och kommun) gäller",
        applies.len(),
        rec.responsibilities.len()
    );
    for r in &applies {
        let amount = match &r.amount {
            Some(a) if a.is_complete() => format!("{} kr", wording::kronor(a.total_sek)),
            Some(a) => {
                let years: Vec<String> =
                    a.years_without_rate.iter().map(|y| y.to_string()).collect();
                format!("belopp saknas för {}", years.join(", "))
            }
            None => String::new(),
        };
        let _ = writeln!(
            t,
            "  {} {}: från {}, {} {}, {}{}",
            rec.cases.list[r.case].number,
            wording::unit_name(&kit.directory, &r.municipality),
            r.start.map(|d| d.to_string()).unwrap_or_default(),
            r.days,
            wording::days(r.days),
            amount,
            if r.still_admitted {
                format!(" (fortfarande inskriven per {})", rec.as_of)
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(t, "Arbetslistor:");
    for list in &rec.worklists {
        let received = list.items.iter().filter(|i| i.received).count();
        let mut line = format!(
            "  {}: {} att registrera ({} {}, {} {})",
            wording::unit_name(&kit.directory, &list.unit),
            list.items.len(),
            list.items.len() - received,
            if list.items.len() - received == 1 {
                "rapporterad"
            } else {
                "rapporterade"
            },
            received,
            if received == 1 {
                "mottagen"
            } else {
                "mottagna"
            }
        );
        if !list.to_check.is_empty() {
            let n = list.to_check.len();
            let _ = write!(
                line,
                ", {n} {} att kontrollera",
                if n == 1 {
                    "mottaget meddelande"
                } else {
                    "mottagna meddelanden"
                }
            );
        }
        let _ = writeln!(t, "{line}");
    }
    let missing: Vec<String> = rec
        .sheets
        .iter()
        .filter(|s| !s.returned)
        .map(|s| s.sheet().to_string())
        .collect();
    let returned = rec.sheets.iter().filter(|s| s.returned).count();
    let _ = writeln!(
        t,
        "Blad: {returned} {}, {} saknas{}",
        if returned == 1 {
            "inlämnat"
        } else {
            "inlämnade"
        },
        missing.len(),
        if missing.is_empty() {
            String::new()
        } else {
            format!(" ({})", missing.join(", "))
        }
    );
    let _ = writeln!(t, "Avvikelser: {}", rec.discrepancies.len());
    let kinds = [
        Kind::DifferentContent,
        Kind::Duplicate,
        Kind::TimeConflict,
        Kind::OneSided,
        Kind::ReachedDisputed,
        Kind::DifferentNames,
        Kind::Rejected,
        Kind::MissingSheet,
        Kind::SheetTwice,
        Kind::SheetBeyondPrint,
        Kind::Remark(RemarkKind::OutsideHours),
        Kind::Remark(RemarkKind::UnusualDirection),
        Kind::Remark(RemarkKind::NoPersonNamed),
    ];
    for kind in kinds {
        let n = rec.discrepancies.iter().filter(|d| d.kind == kind).count();
        if n > 0 {
            let _ = writeln!(t, "  {}: {n}", kind.label());
        }
    }
    let remarks: Vec<_> = rec
        .discrepancies
        .iter()
        .filter(|d| matches!(d.kind, Kind::Remark(_)))
        .collect();
    if !remarks.is_empty() {
        let _ = writeln!(t, "Anmärkningar från transkriberingen (se avvikelser.csv):");
        for d in remarks {
            let _ = writeln!(
                t,
                "  {} {} ({}): {}",
                d.call.as_deref().unwrap_or(""),
                d.case.as_deref().unwrap_or(""),
                d.kind.label(),
                d.description
            );
        }
    }
    let _ = writeln!(t);
    t.push_str(&accounting(rec));
    t
}

/// The line accounting, ending in `Alla N rader redovisade.` when it adds
/// up. Printed on stdout as well; no patient data.
pub fn accounting(rec: &Reconciliation<'_>) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "Rader lästa: {}", rec.ledger.lines_read);
    for category in Category::ALL {
        let _ = writeln!(t, "  {}: {}", category.label(), rec.ledger.count(category));
    }
    let _ = writeln!(t, "  summa: {}", rec.ledger.total());
    match rec.ledger.check() {
        Ok(()) => {
            let n = rec.ledger.lines_read;
            if n == 1 {
                let _ = writeln!(t, "Den enda raden redovisad.");
            } else {
                let _ = writeln!(t, "Alla {n} rader redovisade.");
            }
        }
        Err(problems) => {
            let _ = writeln!(t, "FEL: raderna går inte ihop:");
            for p in problems {
                let _ = writeln!(t, "  {p}");
            }
        }
    }
    t
}
