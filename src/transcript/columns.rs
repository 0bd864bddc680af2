//! The columns of a transcription file, in the order of the paper form
//! "Samtalslogg vid driftstopp", the header line that names them, and empty
//! templates to type into.
//!
//! [`SPECS`] is the one table of the columns: name, how guided entry asks
//! for it, whether it is required (kit.yaml's `fact_rows` decides for the
//! event facts), how long it may be and whether it holds patient data or
//! free text. `--check`, guided entry, the template and the README test read
//! it. Two headers are read: the current one and the one from before the
//! form's «Rättar rad» ([`Format`]).
//!
//! This module does not judge the values (that is `validate`'s business,
//! through `fields`).

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
    RattarRad,
    Post,
    TranskriberadAv,
    Transkriberad,
}

/// Number of columns in a transcription file.
pub const COUNT: usize = SPECS.len();

impl Column {
    /// Every column, in file order (the order of [`SPECS`]).
    pub const ALL: [Column; COUNT] = {
        let mut all = [Column::Blad; COUNT];
        let mut i = 0;
        while i < COUNT {
            // Each entry must sit at its column's place.
            assert!(SPECS[i].column as usize == i);
            all[i] = SPECS[i].column;
            i += 1;
        }
        all
    };

    /// The column's entry in [`SPECS`].
    pub fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }

    /// The name in the header line.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Position in the file, 0-based.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the column holds patient data, whose value must never appear
    /// in a message.
    pub fn is_patient_data(self) -> bool {
        self.spec().patient_data
    }

    /// Whether the column takes free text (names, notes), where an identity
    /// number does not belong.
    pub fn is_free_text(self) -> bool {
        self.spec().free_text
    }

    /// The most characters a value may have: what fits the paper form's
    /// box and a row of the printed worklist.
    pub fn max_chars(self) -> usize {
        self.spec().max_chars
    }

    /// Whether the column must be filled in.
    pub fn requirement(self) -> Requirement {
        self.spec().requirement
    }

    /// The columns that describe the call itself: a line with all of them
    /// empty is an unused row of a prefilled template, not a data line.
    pub fn describes_call(self) -> bool {
        (Column::Datum..=Column::Post).contains(&self)
    }
}

/// Whether a column must be filled in. `--check` and guided entry both
/// decide it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// The line is rejected without it.
    Required,
    /// Required on the sheet's first line in each file; later lines of the
    /// sheet inherit it.
    FirstOfSheet,
    /// Required when the line's event needs the fact, on the rows kit.yaml
    /// names (`events[].facts` and `events[].fact_rows`); otherwise unused.
    ByEvent,
    /// Empty is a warning, the line is kept (`motpart_person` only for a
    /// call that reached the other party).
    WarnIfEmpty,
    /// May be empty.
    Optional,
}

/// Everything about one column that more than one reader needs: the file
/// check, guided entry, the template and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub column: Column,
    /// The name in the header line.
    pub name: &'static str,
    /// What the column holds, in Swedish, as guided entry asks for it.
    pub prompt: &'static str,
    /// The longer explanation guided entry shows for `?`.
    pub help: &'static str,
    pub requirement: Requirement,
    /// The message when a required (or warned) column is empty.
    pub missing: &'static str,
    /// The most characters a value may have: what fits the paper form's
    /// box and a row of the printed worklist.
    pub max_chars: usize,
    /// Free text (names, notes), where an identity number does not belong.
    pub free_text: bool,
    /// Patient data, whose value must never appear in a message.
    pub patient_data: bool,
}

/// A column that is not free text, not patient data and at most 100
/// characters; the table below changes only what differs.
const fn spec(
    column: Column,
    name: &'static str,
    requirement: Requirement,
    prompt: &'static str,
    help: &'static str,
) -> Spec {
    Spec {
        column,
        name,
        prompt,
        help,
        requirement,
        missing: "saknas",
        max_chars: 100,
        free_text: false,
        patient_data: false,
    }
}

const fn free(mut s: Spec) -> Spec {
    s.free_text = true;
    s
}

const fn missing(mut s: Spec, message: &'static str) -> Spec {
    s.missing = message;
    s
}

use Requirement::{ByEvent, FirstOfSheet, Optional, Required, WarnIfEmpty};

/// The columns in file order: one entry per column. A new column is one
/// entry here (and a variant of [`Column`]).
pub const SPECS: &[Spec] = &[
    spec(
        Column::Blad,
        "blad",
        Required,
        "Bladnummer",
        "Bladnumret som står tryckt på blanketten, t.ex. sunderby-medicin-61-007.",
    ),
    spec(
        Column::Rad,
        "rad",
        Required,
        "Rad",
        "Radens nummer på blanketten.",
    ),
    spec(
        Column::DriftstoppStart,
        "driftstopp_start",
        FirstOfSheet,
        "Driftstoppet började (ÅÅÅÅ-MM-DD TT:MM, från bladets huvud)",
        "Tiden i bladets huvud då driftstoppet började.",
    ),
    spec(
        Column::Datum,
        "datum",
        Required,
        "Datum (ÅÅÅÅ-MM-DD)",
        "Samtalets datum, t.ex. 2025-03-03.",
    ),
    spec(
        Column::Klockslag,
        "klockslag",
        Required,
        "Klockslag (TT:MM)",
        "Samtalets klockslag på minuten, t.ex. 14:30 eller 14.30.",
    ),
    spec(
        Column::Tidszon,
        "tidszon",
        Optional,
        "Klockslaget inträffar två gånger den dagen; tidszon (+02:00 första gången, +01:00 andra gången)",
        "Sommartiden slutar: 02:00–02:59 kommer två gånger. +02:00 är första \
         gången (sommartid), +01:00 andra gången (normaltid).",
    ),
    spec(
        Column::Riktning,
        "riktning",
        Required,
        "Riktning (ut = vi ringde, in = vi blev uppringda)",
        "ut: enheten ringde motparten. in: motparten ringde enheten.",
    ),
    spec(
        Column::Motpart,
        "motpart",
        Required,
        "Motpart (id eller början av namnet)",
        "Enheten som ringde eller ringdes upp: id ur kontaktkatalogen (t.ex. lulea) \
         eller början av namnet (t.ex. Luleå). Finns flera visas de.",
    ),
    missing(
        free(spec(
            Column::MotpartPerson,
            "motpart_person",
            WarnIfEmpty,
            "Person hos motparten",
            "Namnet på den du talade med hos motparten.",
        )),
        "saknas; skriv vem hos motparten samtalet fördes med",
    ),
    Spec {
        patient_data: true,
        ..missing(
            free(spec(
                Column::Patient,
                "patient",
                Required,
                "Patientens namn",
                "Förnamn och efternamn som på blanketten.",
            )),
            "patientens namn saknas",
        )
    },
    spec(
        Column::IdTyp,
        "id_typ",
        Optional,
        "Id-typ (P, S eller R som kryssat på blanketten; tomt = P eller S)",
        "P = personnummer, S = samordningsnummer, R = reservnummer (även «reserv»). \
         Tomt för personnummer och samordningsnummer: de skiljs åt på dagen.",
    ),
    Spec {
        patient_data: true,
        ..spec(
            Column::Personnummer,
            "personnummer",
            Required,
            "Personnummer eller samordningsnummer (ÅÅÅÅMMDD-NNNN)",
            "Tio eller tolv siffror, med eller utan bindestreck. Kontrollsiffran kontrolleras.",
        )
    },
    spec(
        Column::Handelse,
        "handelse",
        Required,
        "Händelse (kod; ? visar koderna)",
        "Händelsekoder:",
    ),
    spec(
        Column::DatumUppgift,
        "datum_uppgift",
        ByEvent,
        "Beräknat utskrivningsdatum (ÅÅÅÅ-MM-DD)",
        "Det beräknade utskrivningsdatum som rapporterades.",
    ),
    free(spec(
        Column::LakareKontakt,
        "lakare_kontakt",
        ByEvent,
        "Läkare som bedömt",
        "Läkaren som bedömt patienten, eller den namngivna fasta vårdkontakten.",
    )),
    spec(
        Column::Nadd,
        "nadd",
        Required,
        "Nådd (ja/nej)",
        "Fick ni tag på motparten? Ett samtal som inte nådde fram är inget meddelande.",
    ),
    Spec {
        max_chars: 500,
        ..free(spec(
            Column::Notering,
            "notering",
            Optional,
            "Notering (kort sammanfattning)",
            "Det som står i noteringsrutan, kort.",
        ))
    },
    missing(
        free(spec(
            Column::Signatur,
            "signatur",
            WarnIfEmpty,
            "Signatur (vem på enheten ringde eller svarade)",
            "Signaturen på raden.",
        )),
        "saknas; skriv vem på enheten som ringde eller tog emot samtalet",
    ),
    spec(
        Column::RattarRad,
        "rattar_rad",
        Optional,
        "Rättar rad (tomt, eller numret på raden som rättas)",
        "Skrivs när raden på pappret rättar en tidigare rad: radens nummer (3), \
         eller bladnummer och rad för en rad på ett annat blad (006:8 eller \
         sunderby-medicin-61-006:8). Tomt för ett vanligt samtal.",
    ),
    spec(
        Column::Post,
        "post",
        Optional,
        "Post (tomt, rättelse eller makulering)",
        "Tomt för originalraden; rättelse ersätter en tidigare rad, makulering stryker den.",
    ),
    missing(
        free(spec(
            Column::TranskriberadAv,
            "transkriberad_av",
            Required,
            "Ditt namn (transkriberad av)",
            "Vem som skrev in raden.",
        )),
        "saknas; skriv vem som skrev in raden",
    ),
    spec(
        Column::Transkriberad,
        "transkriberad",
        Required,
        "Transkriberad (ÅÅÅÅ-MM-DD TT:MM)",
        "När raden skrevs in.",
    ),
];

/// Which header a file has: the current one, or the one typed before the
/// paper form had a «Rättar rad» field (no `rattar_rad` column). Both are
/// read; templates and guided entry write the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Current,
    /// 21 columns, without `rattar_rad`; its lines read as if that column
    /// were empty.
    WithoutCorrectionRow,
}

impl Format {
    /// The columns of a line of this format, in order.
    pub fn columns(self) -> impl Iterator<Item = Column> {
        Column::ALL
            .into_iter()
            .filter(move |c| self == Format::Current || *c != Column::RattarRad)
    }

    /// How many fields a line of this format has.
    pub fn width(self) -> usize {
        self.columns().count()
    }

    /// A line of this format as the current columns (a missing
    /// `rattar_rad` empty). A line of the wrong width is left as it is.
    pub fn to_current(self, mut fields: Vec<String>) -> Vec<String> {
        if self == Format::WithoutCorrectionRow && fields.len() == self.width() {
            fields.insert(Column::RattarRad.index(), String::new());
        }
        fields
    }

    /// A line of the current columns as this format writes it.
    pub fn from_current(self, fields: &[String]) -> Vec<String> {
        self.columns().map(|c| fields[c.index()].clone()).collect()
    }
}

/// Checks a header record: exactly the column names, in order (surrounding
/// spaces and letter case are forgiven), either the current header or the
/// one without `rattar_rad`.
///
/// # Errors
///
/// A Swedish message naming the first column that differs, or the count.
/// A header without `rattar_rad` is compared with the older header, so the
/// message speaks of the header the file was meant to have.
pub fn check_header(fields: &[String]) -> Result<Format, String> {
    let names_correction_row = fields
        .iter()
        .any(|f| f.trim().eq_ignore_ascii_case(Column::RattarRad.name()));
    let format = if names_correction_row || fields.len() > Format::WithoutCorrectionRow.width() {
        Format::Current
    } else {
        Format::WithoutCorrectionRow
    };
    let columns: Vec<Column> = format.columns().collect();
    let count = columns.len();
    for (i, column) in columns.iter().enumerate() {
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
                    "rubrikraden har {} kolumner; väntade {count}, sist «{}»",
                    fields.len(),
                    columns[count - 1].name()
                ));
            }
        }
    }
    if fields.len() > count {
        return Err(format!(
            "rubrikraden har {} kolumner; väntade {count}",
            fields.len()
        ));
    }
    Ok(format)
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
             lakare_kontakt;nadd;notering;signatur;rattar_rad;post;transkriberad_av;transkriberad"
        );
        for (i, c) in Column::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn accepts_the_header_with_spaces_and_capitals() {
        let mut names: Vec<String> = Column::ALL.iter().map(|c| c.name().to_owned()).collect();
        names[0] = " Blad ".into();
        assert_eq!(check_header(&names), Ok(Format::Current));
    }

    #[test]
    fn accepts_the_header_without_rattar_rad_and_reads_its_lines() {
        let names: Vec<String> = Format::WithoutCorrectionRow
            .columns()
            .map(|c| c.name().to_owned())
            .collect();
        assert_eq!(names.len(), 21);
        assert_eq!(check_header(&names), Ok(Format::WithoutCorrectionRow));
        let line: Vec<String> = (0..21).map(|i| i.to_string()).collect();
        let current = Format::WithoutCorrectionRow.to_current(line.clone());
        assert_eq!(current.len(), COUNT);
        assert_eq!(current[Column::RattarRad.index()], "");
        assert_eq!(current[Column::Post.index()], "18");
        assert_eq!(Format::WithoutCorrectionRow.from_current(&current), line);
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
        assert_eq!(call.len(), 17);
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

    #[test]
    fn the_readme_lists_the_columns_in_the_tables_order() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        )
        .expect("README.md");
        let section = readme
            .split("### The file")
            .nth(1)
            .and_then(|rest| rest.split("\n### ").next())
            .expect("README section «The file»");
        let listed: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let names: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
        assert_eq!(listed, names, "README's column table, «The file»");
    }

    #[test]
    fn every_column_has_a_prompt_and_help() {
        for spec in SPECS {
            assert!(
                !spec.prompt.is_empty() && !spec.help.is_empty(),
                "{}",
                spec.name
            );
            assert!(spec.max_chars >= 100, "{}", spec.name);
        }
    }

    #[test]
    fn every_field_of_the_paper_form_feeds_a_column_of_the_table() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let kit = crate::load::load(&content, jiff::civil::date(2026, 11, 25))
            .kit
            .expect("content/ loads");
        let layout = crate::printouts::form_layout::FormLayout::new(&kit, 1);
        for field in &layout.rows[0].fields {
            // The R box's number is written in `personnummer`, under R.
            let column = match field.column {
                "reservnummer" => "personnummer",
                other => other,
            };
            assert!(
                SPECS.iter().any(|s| s.name == column),
                "the form's field «{}» has no column",
                field.column
            );
            // A ticked box's value is a value its column accepts.
            let value = field.value.as_deref().unwrap_or_default();
            let accepted = match field.column {
                "id_typ" => matches!(super::super::fields::id_kind(value), Ok(Some(_))),
                "riktning" => super::super::fields::direction(value).is_ok(),
                "nadd" => super::super::fields::reached(value, false).is_ok(),
                _ => true,
            };
            assert!(accepted, "«{}» in «{}»", value, field.column);
        }
        for heading in &layout.columns {
            let column = match heading.column {
                "reservnummer" => "personnummer",
                other => other,
            };
            assert!(SPECS.iter().any(|s| s.name == column), "{}", heading.column);
        }
    }
}
