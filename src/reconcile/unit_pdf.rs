//! The printable worklist of one unit: what it must enter in Lifecare SP,
//! with a box to tick, and the discrepancies that concern it, laid out with
//! the generic [`crate::print`] module on A4 landscape.
//!
//! Holds patient data like the CSV worklist, so it is written only into the
//! private reconciliation folder. Characters the embedded fonts lack are
//! printed as `?` rather than failing, so that an error message can never
//! quote a patient's name.

use super::Reconciliation;
use super::wording;
use super::worklist::{instruction, note_heading};
use crate::model::Kit;
use crate::print::{
    self, Column, Document, Flow, FlowStyle, Margins, PageDecor, PageSize, PdfMeta, PrintError,
    Table, TextStyle, font,
};
use crate::transcript::entry::Transcript;
use std::collections::BTreeSet;

/// Text the fonts can print: every character they lack becomes `?`.
fn printable(text: &str, missing: &BTreeSet<char>) -> String {
    if missing.is_empty() || !text.chars().any(|c| missing.contains(&c)) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| if missing.contains(&c) { '?' } else { c })
        .collect()
}

/// The characters of `texts` the fonts lack (line breaks are fine), asked
/// of the fonts once rather than for every cell.
fn missing_in<'a>(texts: impl Iterator<Item = &'a str>) -> BTreeSet<char> {
    // Nearly every character of a worklist is Latin-1: those are noted in
    // a table, the rest in a set (a worklist has hundreds of thousands of
    // characters, and a set insert for each was a tenth of the PDFs' time).
    let mut latin = [false; 256];
    let mut others = BTreeSet::new();
    for c in texts.flat_map(str::chars) {
        match u8::try_from(u32::from(c)) {
            Ok(b) => latin[usize::from(b)] = true,
            Err(_) => {
                others.insert(c);
            }
        }
    }
    // In order, as the set of them all would give them.
    let all: String = (0..=u8::MAX)
        .filter(|&b| latin[usize::from(b)])
        .map(char::from)
        .chain(others)
        .filter(|&c| c != '\n')
        .collect();
    font::missing_chars(&all).into_iter().collect()
}

/// The worklist rows of a unit as table cells, unchecked, with the notes
/// of its items ([`crate::reconcile::worklist::Worklist::notes`]).
fn work_rows(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    unit: &str,
    notes: &[String],
) -> Vec<Vec<String>> {
    let items = rec.worklist(unit).map_or(&[][..], |w| w.items.as_slice());
    items
        .iter()
        .zip(notes)
        .enumerate()
        .map(|(n, (item, note))| {
            let call = &rec.calls[item.call];
            let own = &transcript.entries[item.entry];
            let other = rec.names.unit(&own.counterpart);
            vec![
                (n + 1).to_string(),
                time_cell(call),
                rec.names.event(call.event()).to_owned(),
                rec.cases.number_of_call(item.call).to_owned(),
                format!("{}\n{}", own.patient_name, own.patient_id),
                if item.received {
                    format!("mottaget från\n{other}")
                } else {
                    format!("rapporterat till\n{other}")
                },
                note.clone(),
                item.checks.join("; "),
                String::new(),
            ]
        })
        .collect()
}

/// A municipality's received notices with their payment consequence, as
/// table cells, unchecked.
fn notice_rows(rec: &Reconciliation<'_>, unit: &str) -> Vec<Vec<String>> {
    let notices = rec
        .worklist(unit)
        .map_or(&[][..], |w| w.to_check.as_slice());
    notices
        .iter()
        .enumerate()
        .map(|(n, notice)| {
            let call = &rec.calls[notice.call];
            let told = call.notice_side().entry;
            vec![
                format!("K{}", n + 1),
                time_cell(call),
                rec.names.event(call.event()).to_owned(),
                rec.cases.number_of_call(notice.call).to_owned(),
                format!("{}\n{}", told.patient_name, told.patient_id),
                rec.names.unit(call.caller()).to_owned(),
                if call.incoming.is_some() {
                    "ja".to_owned()
                } else {
                    "nej: ingen rad från kommunen".to_owned()
                },
                notice.consequence.clone(),
                String::new(),
            ]
        })
        .collect()
}

/// The discrepancies that name the unit, as table cells, unchecked.
fn discrepancy_rows(rec: &Reconciliation<'_>, unit: &str) -> Vec<Vec<String>> {
    rec.discrepancies_of(unit)
        .enumerate()
        .map(|(n, d)| {
            vec![
                (n + 1).to_string(),
                d.kind.label().to_owned(),
                d.case.clone().unwrap_or_default(),
                d.call.clone().unwrap_or_default(),
                d.description.clone(),
                d.refs.join("\n"),
            ]
        })
        .collect()
}

/// A ruled table at 8 pt with these column widths (mm), header and rows
/// (already made printable).
fn table(widths: &[f64], header: &[&str], rows: Vec<Vec<String>>) -> Table {
    let mut table = Table::new(widths.iter().copied().map(Column::new).collect());
    table.size_pt = 8.0;
    table.header = header.iter().map(|s| (*s).to_owned()).collect();
    table.rows = rows;
    table
}

/// The reported time of a call as a two-line cell, with the call's id.
fn time_cell(call: &crate::reconcile::matching::Call) -> String {
    format!(
        "{}\n{}",
        wording::clock(call.notice_at()).replacen(' ', "\nkl. ", 1),
        call.id
    )
}

/// Lays out the unit's worklist and discrepancies.
///
/// # Errors
///
/// [`PrintError`] when a row cannot fit a page; never for missing glyphs.
pub fn unit_pdf_document(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    kit: &Kit,
    unit: &str,
) -> Result<Document, PrintError> {
    let notes = rec
        .worklist(unit)
        .map(|w| w.notes(rec, kit))
        .unwrap_or_default();
    noted_document(rec, transcript, kit, unit, &notes)
}

/// As [`unit_pdf_document`], with the notes of the unit's worklist items
/// already made (for its CSV worklist).
fn noted_document(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    kit: &Kit,
    unit: &str,
    notes: &[String],
) -> Result<Document, PrintError> {
    let name = wording::unit_name(&kit.directory, unit);
    let footer = format!(
        "{name}. Avstämning per {} efter driftstopp i {}. Innehåller patientuppgifter: förvaras och kasseras som journalhandling.",
        rec.as_of, kit.settings.system.name
    );
    let work = work_rows(rec, transcript, unit, notes);
    let notices = notice_rows(rec, unit);
    let concerning = discrepancy_rows(rec, unit);
    let missing = missing_in(
        [name.as_str(), footer.as_str()].into_iter().chain(
            work.iter()
                .chain(&notices)
                .chain(&concerning)
                .flatten()
                .map(String::as_str),
        ),
    );
    let clean = |rows: Vec<Vec<String>>| -> Vec<Vec<String>> {
        rows.into_iter()
            .map(|row| row.iter().map(|c| printable(c, &missing)).collect())
            .collect()
    };
    let name = printable(&name, &missing);
    let decor = PageDecor {
        footer_lines: vec![printable(&footer, &missing)],
        qr_url: None,
        origin: Vec::new(),
    };
    let mut f = Flow::new(
        format!("Arbetslista {name}"),
        PageSize::A4Landscape,
        Margins::default(),
        FlowStyle::default(),
        decor,
    )?;
    f.heading(&format!("Arbetslista efter driftstopp: {name}"), 14.0)?;
    f.paragraph(&instruction(kit), TextStyle::bold(10.0))?;
    if work.is_empty() {
        f.paragraph("Inget att registrera.", TextStyle::regular(10.0))?;
    } else {
        let note_column = crate::model::checklist::capitalise(&note_heading(kit));
        f.table(&table(
            &[8.0, 24.0, 28.0, 13.0, 36.0, 30.0, 94.0, 24.0, 10.0],
            &[
                "Nr",
                "Rapporterad tid",
                "Händelse",
                "Fall",
                "Patient",
                "Riktning",
                &note_column,
                "Kontrollera först",
                "Klar",
            ],
            clean(work),
        ))?;
    }
    if !notices.is_empty() {
        f.heading("Att kontrollera: meddelanden som kommunen tog emot", 12.0)?;
        f.paragraph(
            "Meddelanden som nådde kommunen enligt samtalsloggarna och vad de betyder för betalningsansvaret. Jämför med egna anteckningar; registreras inte härifrån.",
            TextStyle::regular(10.0),
        )?;
        f.table(&table(
            &[8.0, 24.0, 28.0, 13.0, 36.0, 40.0, 26.0, 82.0, 10.0],
            &[
                "Nr",
                "Rapporterad tid",
                "Händelse",
                "Fall",
                "Patient",
                "Från",
                "Egen rad",
                "Betalningsansvar",
                "Klar",
            ],
            clean(notices),
        ))?;
    }
    f.heading("Avvikelser att reda ut", 12.0)?;
    if concerning.is_empty() {
        f.paragraph("Inga avvikelser för enheten.", TextStyle::regular(10.0))?;
    } else {
        f.table(&table(
            &[8.0, 35.0, 13.0, 17.0, 124.0, 70.0],
            &["Nr", "Typ", "Fall", "Samtal", "Beskrivning", "Källor"],
            clean(concerning),
        ))?;
    }
    f.finish()
}

/// The unit's printable worklist as PDF bytes, dated with the as-of date so
/// the same input gives the same bytes.
///
/// # Errors
///
/// As [`unit_pdf_document`], and when the PDF cannot be written.
pub fn unit_pdf(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    kit: &Kit,
    unit: &str,
) -> Result<Vec<u8>, PrintError> {
    let notes = rec
        .worklist(unit)
        .map(|w| w.notes(rec, kit))
        .unwrap_or_default();
    unit_pdf_noted(rec, transcript, kit, unit, &notes)
}

/// As [`unit_pdf`], with the notes of the unit's worklist items already
/// made ([`crate::reconcile::worklist::Worklist::notes`]), so that the CSV
/// and the PDF worklist of a unit share them.
///
/// # Errors
///
/// As [`unit_pdf`].
pub fn unit_pdf_noted(
    rec: &Reconciliation<'_>,
    transcript: &Transcript,
    kit: &Kit,
    unit: &str,
    notes: &[String],
) -> Result<Vec<u8>, PrintError> {
    let doc = noted_document(rec, transcript, kit, unit, notes)?;
    let name = wording::unit_name(&kit.directory, unit);
    let name = printable(&name, &missing_in(std::iter::once(name.as_str())));
    let meta = PdfMeta::new(format!("Arbetslista efter driftstopp: {name}"), rec.as_of);
    print::to_pdf(&doc, &meta)
}

/// A short reason without any text from the document (which may hold
/// patient data), for messages.
pub fn describe(error: &PrintError) -> String {
    match error {
        PrintError::DoesNotFit { what, .. } => format!("{what} ryms inte på en sida"),
        PrintError::MissingGlyphs { .. } => "tecken som typsnittet saknar".to_owned(),
        PrintError::InvalidTable { row, .. } => format!("fel i tabellrad {row}"),
        PrintError::InvalidItem { page, .. } => format!("fel på sida {page}"),
        PrintError::QrEncode { .. } => "QR-koden gick inte att göra".to_owned(),
        PrintError::Pdf { reason, .. } => format!("PDF-biblioteket: {reason}"),
    }
}
