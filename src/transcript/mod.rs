//! Transcription of the paper call logs: the CSV format, validation of
//! every line against the kit, and the guided terminal entry.

pub mod entry;
