//! reservkit: the fallback kit for outages in Lifecare SP.
//!
//! Data flows one way:
//!
//! ```text
//! content/ + templates/ ─▶ load ─▶ Kit ─┬─▶ site      ─▶ files in memory ┐
//!                                        ├─▶ printouts ─▶ files in memory ├─▶ output (the only writer)
//! transcribed sheets ─▶ transcript ──────┴─▶ reconcile ─▶ files in memory ┘
//! ```
//!
//! - [`load::load`] reads `content/` and returns a validated [`model::Kit`]
//!   or every problem as a [`diag::Diagnostic`].
//! - [`site::render`] turns the kit and the templates into the intranet site.
//! - [`printouts::make`] lays out the call sheets, logging forms, routine and
//!   cards with the generic page model of [`print`], which alone writes PDF.
//! - [`pipeline::build`] runs load, site and printouts; [`output::write_tree`]
//!   writes the result atomically.
//! - [`transcript::read_files`] validates transcribed paper logs into
//!   [`transcript::entry::Entry`] values.
//! - [`reconcile::reconcile`] turns transcribed paper call logs into call
//!   records, cases, payment responsibility and back-entry worklists.
//! - [`personal_id`], [`localtime`] and [`payment`] hold the rules that
//!   transcription and reconciliation apply.
//! - [`cli`] holds the commands (build, check, serve, transcribe,
//!   reconcile) above all of this; nothing here imports it.

pub mod cli;
pub mod diag;
pub mod http;
pub mod load;
pub mod localtime;
pub mod markdown;
pub mod model;
pub mod output;
pub mod payment;
pub mod personal_id;
pub mod pipeline;
pub mod print;
pub mod printouts;
pub mod reconcile;
pub mod site;
pub mod transcript;
pub mod workbench;
