//! Discrepancies: everything a human must look at or decide, with the sheet
//! references needed to find it on paper.
//!
//! Descriptions name units, sheets and case numbers, never a patient's name
//! or identity number.

use super::cases::Cases;
use super::matching::{Call, Status};
use super::rows::{Fate, Resolution};
use super::sheets::SheetStatus;
use super::wording;
use crate::model::Kit;
use crate::transcript::entry::{Direction, Remark, RemarkKind, Transcript};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A row transcribed twice with different content: neither is used.
    DifferentContent,
    /// The same row transcribed twice alike: counted once.
    Duplicate,
    /// Both sides logged the call, too far apart in time.
    TimeConflict,
    /// Only one side logged a call that reached the other.
    OneSided,
    /// One side says the call reached, the other that it did not.
    ReachedDisputed,
    /// One identity number with different names on the rows.
    DifferentNames,
    /// A line the transcription could not use.
    Rejected,
    /// A sheet number below the highest returned that no line names.
    MissingSheet,
    /// A sheet transcribed in more than one file.
    SheetTwice,
    /// A sheet number above the number printed.
    SheetBeyondPrint,
    /// What the transcription check warned about a row used in a call.
    Remark(RemarkKind),
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::DifferentContent => "transkriberad två gånger med olika innehåll",
            Kind::Duplicate => "dubblett",
            Kind::TimeConflict => "tidskonflikt",
            Kind::OneSided => "ensidig",
            Kind::ReachedDisputed => "oenighet om nådd",
            Kind::DifferentNames => "olika patientnamn",
            Kind::Rejected => "avvisad rad",
            Kind::MissingSheet => "saknat blad",
            Kind::SheetTwice => "blad transkriberat två gånger",
            Kind::SheetBeyondPrint => "bladnummer utöver tryckta",
            Kind::Remark(kind) => kind.label(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    pub kind: Kind,
    pub description: String,
    /// `P001`, when it concerns a case.
    pub case: Option<String>,
    /// The call, when it concerns one.
    pub call: Option<String>,
    /// Directory ids of the units concerned, sorted.
    pub units: Vec<String>,
    /// Sheet, row and transcription line of each line concerned.
    pub refs: Vec<String>,
}

/// Collects every discrepancy, in a fixed order: transcription first, then
/// calls in time order (with the check's remarks on their rows), then
/// cases, then sheets.
pub fn collect(
    transcript: &Transcript,
    resolution: &Resolution,
    calls: &[Call<'_>],
    cases: &Cases<'_>,
    sheets: &[SheetStatus],
    kit: &Kit,
) -> Vec<Discrepancy> {
    let mut out = Vec::new();
    rejected_lines(transcript, &mut out);
    transcribed_twice(transcript, resolution, &mut out);
    let units_with_sheets: BTreeSet<&str> = sheets
        .iter()
        .filter(|s| s.returned)
        .map(|s| s.unit.as_str())
        .collect();
    let mut remarks: BTreeMap<usize, Vec<&Remark>> = BTreeMap::new();
    for remark in &transcript.remarks {
        remarks.entry(remark.entry).or_default().push(remark);
    }
    for (c, call) in calls.iter().enumerate() {
        let case = Some(cases.number_of_call(c).to_owned());
        of_call(call, case, kit, &units_with_sheets, &remarks, &mut out);
    }
    different_names(cases, calls, &mut out);
    for sheet in sheets {
        of_sheet(sheet, kit, &mut out);
    }
    out
}

/// Rejected lines that no later correction replaced.
fn rejected_lines(transcript: &Transcript, out: &mut Vec<Discrepancy>) {
    for (r, replaced_by) in transcript.rejections.iter().zip(transcript.replacements()) {
        // A later correction settled it: accounted as replaced, as
        // `transcribe --check` says, not left for a human.
        if replaced_by.is_some() {
            continue;
        }
        let place = match (&r.sheet, &r.row) {
            (Some(sheet), Some(row)) => format!("blad {sheet} rad {row} ({}:{})", r.file, r.line),
            _ => format!("{}:{}", r.file, r.line),
        };
        let units = r
            .sheet
            .as_deref()
            .and_then(crate::transcript::entry::SheetNo::parse)
            .map(|s| vec![s.unit.to_string()])
            .unwrap_or_default();
        out.push(Discrepancy {
            kind: Kind::Rejected,
            description: format!("raden kunde inte användas: {}", r.reasons.join("; ")),
            case: None,
            call: None,
            units,
            refs: vec![place],
        });
    }
}

/// Rows transcribed twice: with different content (held back) or the same
/// (counted once).
fn transcribed_twice(transcript: &Transcript, resolution: &Resolution, out: &mut Vec<Discrepancy>) {
    let entries = &transcript.entries;
    for lines in &resolution.conflicts {
        let first = &entries[lines[0]];
        out.push(Discrepancy {
            kind: Kind::DifferentContent,
            description: format!(
                "{} är transkriberad {} gånger med olika innehåll; ingen av dem används förrän en rättelse avgör vad som står på pappret",
                wording::sheet_row(&first.source),
                lines.len()
            ),
            case: None,
            call: None,
            units: vec![first.unit.to_string()],
            refs: lines.iter().map(|&l| wording::source(&entries[l].source)).collect(),
        });
    }
    for (i, fate) in resolution.fates.iter().enumerate() {
        if let Fate::Duplicate { of } = fate {
            out.push(Discrepancy {
                kind: Kind::Duplicate,
                description: format!(
                    "{} är transkriberad två gånger med samma innehåll; räknas en gång",
                    wording::sheet_row(&entries[i].source)
                ),
                case: None,
                call: None,
                units: vec![entries[i].unit.to_string()],
                refs: vec![
                    wording::source(&entries[*of].source),
                    wording::source(&entries[i].source),
                ],
            });
        }
    }
}

/// What is wrong with one call: a time conflict, a missing side, a
/// disputed "nådd", and the check's warnings on its rows.
fn of_call(
    call: &Call<'_>,
    case: Option<String>,
    kit: &Kit,
    units_with_sheets: &BTreeSet<&str>,
    remarks: &BTreeMap<usize, Vec<&Remark>>,
    out: &mut Vec<Discrepancy>,
) {
    let dir = &kit.directory;
    let mut units = vec![call.caller().to_owned(), call.receiver().to_owned()];
    units.sort();
    units.dedup();
    let refs: Vec<String> = call
        .sides()
        .map(|s| wording::source(&s.entry.source))
        .collect();
    let event = wording::event_name(&kit.settings, call.event());
    let caller = wording::unit_name(dir, call.caller());
    let receiver = wording::unit_name(dir, call.receiver());
    match call.status {
        Status::Matched => {}
        Status::TimeConflict => {
            let (Some(out_side), Some(in_side)) = (call.outgoing, call.incoming) else {
                return;
            };
            out.push(Discrepancy {
                kind: Kind::TimeConflict,
                description: format!(
                    "{event}: {caller} noterade {}, {receiver} noterade {} ({} isär, mer än {}); bestäm vilken tid som gäller",
                    wording::clock(&out_side.entry.at),
                    wording::clock(&in_side.entry.at),
                    wording::minutes(call.minutes_apart().unwrap_or_default().abs()),
                    wording::minutes(kit.settings.match_tolerance_minutes)
                ),
                case: case.clone(),
                call: Some(call.id.clone()),
                units: units.clone(),
                refs: refs.clone(),
            });
        }
        Status::OneSided => {
            let side = call.notice_side();
            // An unanswered call leaves no row at the other end: nothing
            // is missing.
            let unanswered = side.entry.direction == Direction::Outgoing && !side.entry.reached;
            if !unanswered {
                let (missing_id, missing_role) = match side.entry.direction {
                    Direction::Outgoing => (call.receiver(), "mottagaren"),
                    Direction::Incoming => (call.caller(), "uppringaren"),
                };
                let mut description = format!(
                    "{event} {}: ingen rad hos {missing_role} ({})",
                    wording::clock(call.notice_at()),
                    wording::unit_name(dir, missing_id)
                );
                if !units_with_sheets.contains(missing_id) {
                    description.push_str("; inga blad inlämnade från den enheten");
                }
                if side.entry.direction == Direction::Incoming {
                    description.push_str("; tiden är mottagarens");
                }
                out.push(Discrepancy {
                    kind: Kind::OneSided,
                    description,
                    case: case.clone(),
                    call: Some(call.id.clone()),
                    units: units.clone(),
                    refs: refs.clone(),
                });
            }
        }
    }
    if let (true, Some(out_side), Some(in_side)) =
        (call.reached_disputed(), call.outgoing, call.incoming)
    {
        out.push(Discrepancy {
            kind: Kind::ReachedDisputed,
            description: format!(
                "{event} {}: {caller} noterade nådd = {}, {receiver} noterade nådd = {}; samtalet räknas inte som meddelande förrän någon bestämt",
                wording::clock(call.notice_at()),
                wording::yes_no(out_side.entry.reached),
                wording::yes_no(in_side.entry.reached)
            ),
            case: case.clone(),
            call: Some(call.id.clone()),
            units: units.clone(),
            refs: refs.clone(),
        });
    }
    // Warnings the check gave on this call's rows: on the terminal they
    // are gone by next week, here they stay.
    for side in call.sides() {
        for remark in remarks.get(&side.index).into_iter().flatten() {
            out.push(Discrepancy {
                kind: Kind::Remark(remark.kind),
                description: format!(
                    "{}, rad från {}: {}",
                    event,
                    wording::unit_name(dir, &side.entry.unit),
                    remark.text
                ),
                case: case.clone(),
                call: Some(call.id.clone()),
                units: units.clone(),
                refs: vec![wording::source(&side.entry.source)],
            });
        }
    }
}

/// Cases whose identity number was written with different names.
fn different_names(cases: &Cases<'_>, calls: &[Call<'_>], out: &mut Vec<Discrepancy>) {
    for case in &cases.list {
        if case.names.len() > 1 {
            let mut units: Vec<String> = case
                .calls
                .iter()
                .flat_map(|&c| calls[c].sides().map(|s| s.entry.unit.to_string()))
                .collect();
            units.sort();
            units.dedup();
            out.push(Discrepancy {
                kind: Kind::DifferentNames,
                description: format!(
                    "samma identitetsnummer står med {} olika stavningar av namnet; kontrollera att det är samma patient (se fall.json)",
                    case.names.len()
                ),
                case: Some(case.number.clone()),
                call: None,
                units,
                refs: Vec::new(),
            });
        }
    }
}

/// A missing sheet, a sheet transcribed in several files, and a sheet
/// number above those printed.
fn of_sheet(sheet: &SheetStatus, kit: &Kit, out: &mut Vec<Discrepancy>) {
    let dir = &kit.directory;
    let name = sheet.sheet().to_string();
    let unit = vec![sheet.unit.clone()];
    if !sheet.returned {
        out.push(Discrepancy {
            kind: Kind::MissingSheet,
            description: format!(
                "blad {name} saknas, men högre nummer från {} har kommit in",
                wording::unit_name(dir, &sheet.unit)
            ),
            case: None,
            call: None,
            units: unit.clone(),
            refs: Vec::new(),
        });
    }
    if sheet.transcribed_twice() {
        out.push(Discrepancy {
            kind: Kind::SheetTwice,
            description: format!(
                "blad {name} är transkriberat i {} filer; varje rad räknas högst en gång (se dubbletter och olika innehåll)",
                sheet.files.len()
            ),
            case: None,
            call: None,
            units: unit.clone(),
            refs: sheet.files.clone(),
        });
    }
    if sheet.returned && sheet.beyond_print {
        out.push(Discrepancy {
            kind: Kind::SheetBeyondPrint,
            description: format!(
                "blad {name} har högre nummer än de {} blad som skrivs ut per enhet; kontrollera numret",
                kit.settings.print.sheets_per_unit
            ),
            case: None,
            call: None,
            units: unit,
            refs: Vec::new(),
        });
    }
}
