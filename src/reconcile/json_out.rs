//! The JSON record files, `samtal.json` and `fall.json`, as dedicated
//! `Serialize` views, so that the names a reader sees are documented in one
//! place and the domain types stay free of serde. Keys are ASCII Swedish.

use super::Reconciliation;
use super::matching::{Call, Side};
use super::wording::{self, Names};
use crate::transcript::entry::{Direction, FactDate, SourceRef};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct SourceView<'a> {
    fil: &'a str,
    rad_i_filen: usize,
    blad: String,
    rad: u32,
}

impl<'a> SourceView<'a> {
    fn of(source: &'a SourceRef) -> Self {
        SourceView {
            fil: &source.file,
            rad_i_filen: source.line,
            blad: source.sheet.to_string(),
            rad: source.row,
        }
    }
}

#[derive(Serialize)]
struct PartyView<'a> {
    enhet: &'a str,
    enhetsnamn: &'a str,
    /// The person at this party, from whichever row names them.
    person: Option<&'a str>,
    /// This party's own row, when it logged the call.
    egen_rad: Option<RowView<'a>>,
}

#[derive(Serialize)]
struct RowView<'a> {
    tid: String,
    nadd: bool,
    kalla: SourceView<'a>,
}

#[derive(Serialize)]
struct CallView<'a> {
    id: &'a str,
    status: &'static str,
    fall: &'a str,
    handelse: u8,
    handelsenamn: &'a str,
    uppringare: PartyView<'a>,
    mottagare: PartyView<'a>,
    meddelandetid: String,
    tid_enligt: &'static str,
    minuter_isar: Option<i64>,
    raknas_som_meddelande: bool,
}

fn row_view<'a>(side: Option<Side<'a>>) -> Option<RowView<'a>> {
    side.map(|s| RowView {
        tid: wording::iso(&s.entry.at),
        nadd: s.entry.reached,
        kalla: SourceView::of(&s.entry.source),
    })
}

fn call_view<'a>(call: &'a Call<'a>, case: &'a str, names: &'a Names) -> CallView<'a> {
    let caller_person = call
        .outgoing
        .map(|s| s.entry.signature.as_str())
        .or_else(|| call.incoming.map(|s| s.entry.counterpart_person.as_str()));
    let receiver_person = call
        .incoming
        .map(|s| s.entry.signature.as_str())
        .or_else(|| call.outgoing.map(|s| s.entry.counterpart_person.as_str()));
    CallView {
        id: &call.id,
        status: call.status.label(),
        fall: case,
        handelse: call.event(),
        handelsenamn: names.event(call.event()),
        uppringare: PartyView {
            enhet: call.caller(),
            enhetsnamn: names.unit(call.caller()),
            person: caller_person,
            egen_rad: row_view(call.outgoing),
        },
        mottagare: PartyView {
            enhet: call.receiver(),
            enhetsnamn: names.unit(call.receiver()),
            person: receiver_person,
            egen_rad: row_view(call.incoming),
        },
        meddelandetid: wording::iso(call.notice_at()),
        tid_enligt: if call.time_from_receiver() {
            "mottagaren"
        } else {
            "uppringaren"
        },
        minuter_isar: call.minutes_apart(),
        raknas_som_meddelande: call.reached(),
    }
}

/// `samtal.json`: every call record, in time order, written to `out`.
///
/// # Errors
/// The first error writing to `out`.
pub fn calls(rec: &Reconciliation<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_seq(
        out,
        rec.calls
            .iter()
            .enumerate()
            .map(|(c, call)| call_view(call, rec.cases.number_of_call(c), &rec.names)),
    )
}

#[derive(Serialize)]
struct TimelineEntry<'a> {
    tid: String,
    samtal: &'a str,
    status: &'static str,
    handelse: u8,
    handelsenamn: &'a str,
    uppringare: &'a str,
    mottagare: &'a str,
    raknas_som_meddelande: bool,
    faktadatum: Option<String>,
    lakare_eller_kontakt: Vec<&'a str>,
    anteckningar: Vec<NoteView<'a>>,
}

#[derive(Serialize)]
struct NoteView<'a> {
    enhet: &'a str,
    riktning: &'static str,
    signatur: &'a str,
    anteckning: &'a str,
    kalla: SourceView<'a>,
}

#[derive(Serialize)]
struct CaseView<'a> {
    fall: &'a str,
    identitetsnummer: String,
    typ: &'static str,
    namn: &'a [&'a str],
    tidslinje: Vec<TimelineEntry<'a>>,
}

fn fact_text(fact: FactDate) -> String {
    match fact {
        FactDate::Date(d) => d.to_string(),
        FactDate::DateTime(dt) => format!(
            "{} {:02}:{:02}",
            dt.date(),
            dt.time().hour(),
            dt.time().minute()
        ),
    }
}

/// `fall.json`: every case with its patient and timeline, written to
/// `out`. Holds patient data.
///
/// # Errors
/// The first error writing to `out`.
pub fn cases(rec: &Reconciliation<'_>, out: &mut dyn Write) -> io::Result<()> {
    let names = &rec.names;
    let views = rec.cases.list.iter().map(|case| CaseView {
        fall: &case.number,
        identitetsnummer: case.patient.to_string(),
        typ: case.patient.kind().label(),
        namn: &case.names,
        tidslinje: case
            .calls
            .iter()
            .map(|&c| {
                let call = &rec.calls[c];
                let mut facts: Vec<String> = call
                    .sides()
                    .filter_map(|s| s.entry.fact_date.map(fact_text))
                    .collect();
                facts.dedup();
                let mut who: Vec<&str> = call
                    .sides()
                    .filter_map(|s| s.entry.physician_or_contact.as_deref())
                    .collect();
                who.dedup();
                TimelineEntry {
                    tid: wording::iso(call.notice_at()),
                    samtal: &call.id,
                    status: call.status.label(),
                    handelse: call.event(),
                    handelsenamn: names.event(call.event()),
                    uppringare: names.unit(call.caller()),
                    mottagare: names.unit(call.receiver()),
                    raknas_som_meddelande: call.reached(),
                    faktadatum: (!facts.is_empty()).then(|| facts.join(" / ")),
                    lakare_eller_kontakt: who,
                    anteckningar: call
                        .sides()
                        .filter(|s| !s.entry.note.trim().is_empty())
                        .map(|s| NoteView {
                            enhet: &s.entry.unit,
                            riktning: match s.entry.direction {
                                Direction::Outgoing => "ut",
                                Direction::Incoming => "in",
                            },
                            signatur: &s.entry.signature,
                            anteckning: &s.entry.note,
                            kalla: SourceView::of(&s.entry.source),
                        })
                        .collect(),
                }
            })
            .collect(),
    });
    write_seq(out, views)
}

/// Writes the items as a pretty-printed JSON array and a final line break,
/// making each item only when it is written: the same bytes as
/// `serde_json::to_vec_pretty` of a `Vec` of them, without the `Vec`.
fn write_seq<T: Serialize>(out: &mut dyn Write, items: impl Iterator<Item = T>) -> io::Result<()> {
    /// A sequence serialised from an iterator it takes once.
    struct Seq<I>(std::cell::Cell<Option<I>>);
    impl<T: Serialize, I: Iterator<Item = T>> Serialize for Seq<I> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self.0.take() {
                Some(items) => s.collect_seq(items),
                None => s.collect_seq(std::iter::empty::<T>()),
            }
        }
    }
    // serde_json writes every key, quote and indent on its own: gathered
    // here in a buffer of a known type, they reach `out` (a file or the
    // scrubber, behind `dyn`) in large pieces.
    let mut buffered = io::BufWriter::with_capacity(64 * 1024, out);
    // Serialising these plain views cannot fail but for the writer: no maps
    // with non-string keys, no custom serialisers.
    serde_json::to_writer_pretty(&mut buffered, &Seq(std::cell::Cell::new(Some(items))))
        .map_err(io::Error::from)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
