//! Serde structs that mirror the content files exactly. Phone numbers, dates,
//! times and hours stay strings here; `load` parses them with positions.
//! Every struct denies unknown fields so that a typo is a located error.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    pub municipalities_name: String,
    pub intranet_name: String,
    pub record_system: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedNumber {
    pub name: String,
    pub number: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDesk {
    pub name: String,
    pub number: String,
    pub portal_name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub code: u8,
    pub name: String,
    /// `admission`, `ready`, … (see `model::EventMeaning`).
    pub meaning: String,
    pub reported_by: String,
    pub reported_to: Vec<String>,
    pub facts: Vec<String>,
    /// Fact id → `uppringare` | `mottagare` | `bada` (whose row must carry it).
    #[serde(default)]
    pub fact_rows: std::collections::BTreeMap<String, String>,
    pub time_rule: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub year: i16,
    pub amount_sek: u64,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    pub law: String,
    pub grace_days: i32,
    pub cutoff: String,
    pub cutoff_inclusive: bool,
    pub count_discharge_day: bool,
    pub latest_ready_restarts: bool,
    pub rates: serde_yaml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    pub who: String,
    pub time_rules: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub name: String,
    pub short_name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Print {
    pub sheets_per_unit: u32,
    pub rows_per_sheet: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reconcile {
    pub match_tolerance_minutes: u32,
}

/// The top level of `kit.yaml`. Lists are kept as values and deserialized
/// element by element so that every bad element is reported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kit {
    pub organisation: serde_yaml::Value,
    pub system: serde_yaml::Value,
    pub roles: serde_yaml::Value,
    pub sample_data: bool,
    #[serde(default)]
    pub base_url: Option<String>,
    pub threshold_hours: u32,
    pub municipality_hours: String,
    #[serde(default)]
    pub closed_hours: Option<serde_yaml::Value>,
    pub switchboard: serde_yaml::Value,
    pub service_desk: serde_yaml::Value,
    pub verify_within_days: u32,
    pub events: serde_yaml::Value,
    pub payment: serde_yaml::Value,
    pub print: serde_yaml::Value,
    pub reconcile: serde_yaml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    pub label: String,
    pub number: String,
    #[serde(default)]
    pub hours: Option<String>,
    /// The events (codes in kit.yaml) this number is for; none: every call.
    #[serde(default)]
    pub events: Vec<u8>,
}

/// What a caller does when units of a kind do not answer (evenings,
/// weekends), shown where their numbers are.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedHours {
    #[serde(default)]
    pub municipalities: Option<String>,
    #[serde(default)]
    pub wards: Option<String>,
    #[serde(default)]
    pub health_centres: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hospital {
    pub id: String,
    pub name: String,
    pub municipality: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    pub id: String,
    pub name: String,
    pub full_name: String,
    pub owner: String,
    pub verified: String,
    pub phones: serde_yaml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ward {
    pub id: String,
    pub name: String,
    pub hospital: String,
    pub owner: String,
    pub verified: String,
    pub phones: serde_yaml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCentre {
    pub id: String,
    pub name: String,
    pub municipality: String,
    pub owner: String,
    pub verified: String,
    pub phones: serde_yaml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    pub hospitals: serde_yaml::Value,
    pub municipalities: serde_yaml::Value,
    pub wards: serde_yaml::Value,
    pub health_centres: serde_yaml::Value,
}

/// Front matter of a routine page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub order: u32,
    #[serde(default)]
    pub description: Option<String>,
}
