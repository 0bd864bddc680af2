//! Every integration test in one binary: the crate is linked once.
//! Each module is one area, as the separate test files were.

mod checkers;
mod cli;
mod content_errors;
mod determinism;
mod mutation_content;
mod mutation_transcribe;
mod output_folders;
mod personnummer_testdata;
mod print_form_scan;
mod print_kit;
mod print_pdf;
mod print_tools;
mod reconcile_cli;
mod reconcile_ledger;
mod reconcile_outage;
mod reconcile_rules;
mod reconcile_scenario;
mod reconcile_support;
mod scan;
mod serve_cli;
mod site_snapshots;
mod support;
mod transcribe_cli;
mod transcribe_guided;
mod workbench;
