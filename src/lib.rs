//! reservkit: the fallback kit for outages in Lifecare SP.
//!
//! Data flows one way:
//!
//! ```text
//! content/ + templates/ ─▶ load ─▶ Kit ─┬─▶ site  ─▶ files in memory ┐
//!                                        └─▶ print ─▶ files in memory ┴─▶ output (the only writer)
//! ```
//!
//! - [`load::load`] reads `content/` and returns a validated [`model::Kit`]
//!   or every problem as a [`diag::Diagnostic`].
//! - [`site::render`] turns the kit and the templates into the intranet site.
//! - [`output::write_trees`] writes the result atomically.
//! - [`reconcile::reconcile`] turns transcribed paper call logs into call
//!   records, cases, payment responsibility and back-entry worklists.
//! - [`personal_id`], [`localtime`] and [`payment`] hold the rules that
//!   transcription and reconciliation apply.
//! - [`cli`] ties the commands together.

pub mod cli;
pub mod diag;
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
pub mod serve;
pub mod site;
pub mod transcript;
