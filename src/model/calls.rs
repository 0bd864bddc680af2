//! "Vem ringer vem": the calls between the three roles per event, as one
//! picture model that the site draws as SVG and the quick cards draw on
//! paper. One lane per role (in [`Role::ALL`] order), one row per event: the
//! call starts at `from` and ends with an arrowhead at each of `to`.

use super::checklist::join_roles;
use super::{Event, Reporter, Role, Settings};

/// One row of the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub code: u8,
    pub name: String,
    /// The lane the call starts in; `None` when every role may call.
    pub from: Option<usize>,
    /// The lanes it reaches, left to right.
    pub to: Vec<usize>,
    /// The same call in words, for the text alternative.
    pub sentence: String,
}

/// The lane of `role`.
pub fn lane(role: Role) -> usize {
    Role::ALL.iter().position(|r| *r == role).unwrap_or(0)
}

/// One row per event, in the order of kit.yaml.
pub fn rows(s: &Settings) -> Vec<CallRow> {
    s.events.iter().map(|e| row(s, e)).collect()
}

fn row(s: &Settings, e: &Event) -> CallRow {
    let mut to: Vec<usize> = e.reported_to.iter().map(|r| lane(*r)).collect();
    to.sort_unstable();
    to.dedup();
    let (from, sentence) = match e.reported_by {
        Reporter::Role(r) => {
            to.retain(|l| *l != lane(r));
            let whom = join_roles(s, &e.reported_to).to_lowercase();
            (
                Some(lane(r)),
                format!("{} {}: {} ringer {whom}.", e.code, e.name, s.role(r).name),
            )
        }
        Reporter::Anyone => (
            None,
            format!(
                "{} {}: alla parter ringer varandra vid behov.",
                e.code, e.name
            ),
        ),
    };
    CallRow {
        code: e.code,
        name: e.name.clone(),
        from,
        to,
        sentence,
    }
}

/// A segment of one row: a line from lane `start` to lane `end`, with an
/// arrowhead at `end` (and at `start` too when `both`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrow {
    pub start: usize,
    pub end: usize,
    pub both: bool,
}

impl CallRow {
    /// The arrows to draw: one from the caller to each party called; a
    /// double-headed arrow over every lane when anyone may call.
    pub fn arrows(&self) -> Vec<Arrow> {
        match self.from {
            Some(from) => self
                .to
                .iter()
                .map(|&end| Arrow {
                    start: from,
                    end,
                    both: false,
                })
                .collect(),
            None => vec![Arrow {
                start: 0,
                end: Role::ALL.len() - 1,
                both: true,
            }],
        }
    }

    /// The lanes marked with a dot: the caller, or every lane.
    pub fn dots(&self) -> Vec<usize> {
        match self.from {
            Some(from) => vec![from],
            None => (0..Role::ALL.len()).collect(),
        }
    }
}
