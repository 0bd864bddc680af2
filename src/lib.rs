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
//! - [`load::Sources::read`] reads `content/` and `templates/` once;
//!   [`load::load_tree`] validates the content into a [`model::Kit`] or
//!   returns every problem as a [`diag::Diagnostic`] at its [`source::Span`].
//!   Routine pages are parsed there, once, into a [`model::Doc`].
//! - [`site::render`] turns the kit and the templates into the intranet site;
//!   [`site::markdown::render`] writes a page's tree as HTML.
//! - [`printouts::make`] lays out the call sheets, logging forms, routine and
//!   cards with the generic page model of [`print`], which alone writes PDF.
//! - [`pipeline::build`] runs load, site and printouts; [`output::write_tree`]
//!   writes the result atomically.
//! - [`transcript::read_files`] validates transcribed paper logs into
//!   [`transcript::entry::Entry`] values.
//! - [`reconcile::reconcile`] turns transcribed paper call logs into call
//!   records, cases, payment responsibility and back-entry worklists.
//! - [`scan::read_page`] reads a scanned form page (registration marks,
//!   QR code, tick boxes, written rows) into a draft for a coordinator to
//!   confirm; [`scan::source::pages`] decodes the scanned files.
//! - [`personal_id`], [`localtime`] and [`payment`] hold the rules that
//!   transcription and reconciliation apply.
//! - [`cli`] holds the commands (build, check, serve, transcribe,
//!   reconcile, scan) above all of this; nothing here imports it.

pub mod cli;
pub mod diag;
pub mod http;
pub mod load;
pub mod localtime;
pub mod model;
pub mod output;
pub mod payment;
pub mod personal_id;
pub mod pipeline;
pub mod print;
pub mod printouts;
pub mod reconcile;
pub mod scan;
pub mod site;
pub mod source;
pub mod transcript;
pub mod workbench;
