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
//! - [`personal_id`], [`localtime`] and [`payment`] hold the rules that
//!   transcription and reconciliation apply.
//! - [`cli`] ties the commands together.


//!
//!   ([`payment::PaymentRule`]).
//!   ([`personal_id::PersonalId::parse`]);
//!   Europe/Stockholm ([`localtime::resolve_local`]);
//! - [`localtime`]: transcribed dates, clock times and offsets in
//! - [`payment`]: the municipality's payment responsibility
//! - [`personal_id`]: personnummer, samordningsnummer and reservnummer
//! Domain building blocks that depend on nothing else in the crate:
//! and reconciliation of the paper call logs.
//! reservkit: the Lifecare SP outage routine as an intranet kit, call sheets
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
pub mod serve;
pub mod site;
