//! reservkit: the Lifecare SP outage routine as an intranet kit, call sheets
//! and reconciliation of the paper call logs.
//!
//! Domain building blocks that depend on nothing else in the crate:
//!
//! - [`personal_id`]: personnummer, samordningsnummer and reservnummer
//!   ([`personal_id::PersonalId::parse`]);
//! - [`localtime`]: transcribed dates, clock times and offsets in
//!   Europe/Stockholm ([`localtime::resolve_local`]);
//! - [`payment`]: the municipality's payment responsibility
//!   ([`payment::PaymentRule`]).

pub mod localtime;
pub mod payment;
pub mod personal_id;
