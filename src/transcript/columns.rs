//! The columns of a transcription file, in the order of the paper form
//! "Samtalslogg vid driftstopp", the header line that names them, and empty
//! templates to type into.
//!
//! This module owns the column names and their order; it does not judge the
//! values (that is `validate`'s business).

use super::csv;
use super::entry::SheetNo;

/// One column of the transcription file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Blad,
    Rad,
    DriftstoppStart,
    Datum,
    Klockslag,
    Tidszon,
    Riktning,
    Motpart,
    MotpartPerson,
    Patient,
    IdTyp,
    Personnummer,
    Handelse,
    DatumUppgift,
    LakareKontakt,
    Nadd,
    Notering,
    Signatur,
    Post,
    TranskriberadAv,
    Transkriberad,
}

/// Number of columns in a transcription file.
pub const COUNT: usize = 21;

impl Column {
    /// Every column, in file order.
    pub const ALL: [Column; COUNT] = [
        Column::Blad,
        Column::Rad,
        Column::DriftstoppStart,
        Column::Datum,
        Column::Klockslag,
        Column::Tidszon,
        Column::Riktning,
        Column::Motpart,
        Column::MotpartPerson,
        Column::Patient,
        Column::IdTyp,
        Column::Personnummer,
        Column::Handelse,
        Column::DatumUppgift,
        Column::LakareKontakt,
        Column::Nadd,
        Column::Notering,
        Column::Signatur,
        Column::Post,
        Column::TranskriberadAv,
        Column::Transkriberad,
    ];

    /// The name in the header line.
    pub fn name(self) -> &'static str {
        match self {
            Column::Blad => "blad",
            Column::Rad => "rad",
            Column::DriftstoppStart => "driftstopp_start",
            Column::Datum => "datum",
            Column::Klockslag => "klockslag",
            Column::Tidszon => "tidszon",
            Column::Riktning => "riktning",
            Column::Motpart => "motpart",
            Column::MotpartPerson => "motpart_person",
            Column::Patient => "patient",
            Column::IdTyp => "id_typ",
            Column::Personnummer => "personnummer",
            Column::Handelse => "handelse",
            Column::DatumUppgift => "datum_uppgift",
            Column::LakareKontakt => "lakare_kontakt",
            Column::Nadd => "nadd",
            Column::Notering => "notering",
            Column::Signatur => "signatur",
            Column::Post => "post",
            Column::TranskriberadAv => "transkriberad_av",
            Column::Transkriberad => "transkriberad",
        }
    }

    /// Position in the file, 0-based.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the column holds patient data, whose value must never appear
    /// in a message.
    pub fn is_patient_data(self) -> bool {
        matches!(self, Column::Patient | Column::Personnummer)
    }

    /// Whether the column takes free text (names, notes), where an identity
    /// number does not belong.
    pub fn is_free_text(self) -> bool {
        matches!(
            self,
            Column::MotpartPerson
                | Column::Patient
                | Column::LakareKontakt
                | Column::Notering
                | Column::Signatur
                | Column::TranskriberadAv
        )
    }

    /// The most characters a value may have: what fits the paper form's
    /// box and a row of the printed worklist.
    pub fn max_chars(self) -> usize {
        match self {
            Column::Notering => 500,
            _ => 100,
        }
    }

    /// The columns that describe the call itself: a line with all of them
    /// empty is an unused row of a prefilled template, not a data line.
    pub fn describes_call(self) -> bool {
        (Column::Datum..=Column::Post).contains(&self)
    }
}

/// Checks a header record: exactly the column names, in order (surrounding
/// spaces and letter case are forgiven).
///
/// # Errors
///
/// A Swedish message naming the first column that differs, or the count.
pub fn check_header(fields: &[String]) -> Result<(), String> {
    for (i, column) in Column::ALL.iter().enumerate() {
        match fields.get(i) {
            Some(name) if name.trim().eq_ignore_ascii_case(column.name()) => {}
            Some(name) => {
                return Err(format!(
                    "kolumn {} i rubrikraden heter «{}»; väntade «{}»",
                    i + 1,
                    shorten(name.trim()),
                    column.name()
                ));
            }
            None => {
                return Err(format!(
                    "rubrikraden har {} kolumner; väntade {COUNT}, sist «{}»",
                    fields.len(),
                    Column::ALL[COUNT - 1].name()
                ));
            }
        }
    }
    if fields.len() > COUNT {
        return Err(format!(
            "rubrikraden har {} kolumner; väntade {COUNT}",
            fields.len()
        ));
    }
    Ok(())
}

/// The header line as it is written: the column names joined by `separator`.
pub fn header_line(separator: char) -> String {
    let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
    names.join(&separator.to_string())
}

/// An empty transcription file: byte order mark and header, and with a
/// sheet, one line per printed row with `blad` and `rad` filled in.
pub fn template(sheet: Option<&SheetNo>, rows_per_sheet: u32) -> String {
    let mut out = String::new();
    out.push(csv::BOM);
    let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
    csv::write_record(&mut out, &names, ';');
    if let Some(sheet) = sheet {
        for row in 1..=rows_per_sheet {
            let mut fields = vec![String::new(); COUNT];
            fields[Column::Blad.index()] = sheet.to_string();
            fields[Column::Rad.index()] = row.to_string();
            csv::write_record(&mut out, &fields, ';');
        }
    }
    out
}

/// A header name as written, cut short so a stray long value is not echoed.
fn shorten(s: &str) -> String {
    if s.chars().count() > 30 {
        let cut: String = s.chars().take(30).collect();
        format!("{cut}…")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_header_names_every_column_in_form_order() {
        assert_eq!(
            header_line(';'),
            "blad;rad;driftstopp_start;datum;klockslag;tidszon;riktning;motpart;\
             motpart_person;patient;id_typ;personnummer;handelse;datum_uppgift;\
             lakare_kontakt;nadd;notering;signatur;post;transkriberad_av;transkriberad"
        );
        for (i, c) in Column::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn accepts_the_header_with_spaces_and_capitals() {
        let mut names: Vec<String> = Column::ALL.iter().map(|c| c.name().to_owned()).collect();
        names[0] = " Blad ".into();
        assert_eq!(check_header(&names), Ok(()));
    }

    #[test]
    fn refuses_a_header_with_columns_swapped_or_missing() {
        let mut names: Vec<String> = Column::ALL.iter().map(|c| c.name().to_owned()).collect();
        names.swap(3, 4);
        let error = check_header(&names).expect_err("swapped");
        assert!(error.contains("kolumn 4"), "{error}");
        assert!(error.contains("«datum»"), "{error}");
        let error = check_header(&header(&["blad", "rad"])).expect_err("short");
        assert!(error.contains("har 2 kolumner"), "{error}");
    }

    #[test]
    fn call_columns_run_from_datum_to_post() {
        let call: Vec<&str> = Column::ALL
            .iter()
            .filter(|c| c.describes_call())
            .map(|c| c.name())
            .collect();
        assert_eq!(call.first(), Some(&"datum"));
        assert_eq!(call.last(), Some(&"post"));
        assert_eq!(call.len(), 16);
    }

    #[test]
    fn a_sheet_template_has_one_line_per_printed_row() {
        let sheet = SheetNo::parse("sunderby-medicin-61-7").expect("sheet number");
        let text = template(Some(&sheet), 12);
        assert!(text.starts_with('\u{feff}'));
        let table = csv::parse(&text).expect("header");
        assert_eq!(table.rows.len(), 12);
        let last = table.rows[11].as_ref().expect("record");
        assert_eq!(last.fields[0], "sunderby-medicin-61-007");
        assert_eq!(last.fields[1], "12");
        assert_eq!(last.fields.len(), COUNT);
    }
}
