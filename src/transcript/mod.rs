//! Transcription of the paper call logs ("Samtalslogg vid driftstopp"):
//! the CSV format, validation of every line against the kit, and the guided
//! terminal entry.

pub mod columns;
pub mod completion;
pub mod csv;
pub mod entry;
pub mod fields;
