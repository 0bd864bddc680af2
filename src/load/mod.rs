//! Reads `content/` and turns it into a validated [`Kit`], collecting every
//! problem as a located diagnostic.
//!
//! This is the only module that reads content files. It never writes, and it
//! reports all problems it can find in one pass rather than stopping early.

mod contacts;
mod kit;
pub mod limits;
mod pages;
pub mod raw;
pub mod text;
mod values;
mod version;
pub mod yaml;

pub use pages::RESERVED_SLUGS;

use crate::diag::{self, Diagnostic, display_path};
use crate::model::Kit;
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use yaml::YamlDoc;

/// The outcome of loading: a kit when there were no errors, and every
/// diagnostic (errors and warnings), sorted.
#[derive(Debug)]
pub struct Loaded {
    pub kit: Option<Kit>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads and validates the content folder. `today` is used only to warn
/// about contacts that have not been verified recently.
pub fn load(content: &Path, today: Date) -> Loaded {
    let mut diags = Vec::new();
    let shown = |name: &str| display_path(&content.join(name));

    if !content.is_dir() {
        diags.push(
            Diagnostic::error(display_path(content), 0, 0, "innehållsmappen finns inte")
                .with_hint("kör från projektets rotmapp eller ange --content MAPP"),
        );
        return Loaded {
            kit: None,
            diagnostics: diags,
        };
    }

    let settings =
        read_yaml(content, "kit.yaml", &mut diags).and_then(|doc| kit::settings(&doc, &mut diags));
    let directory = read_yaml(content, "contacts.yaml", &mut diags).and_then(|doc| {
        let hours = settings.as_ref().map(|s| s.municipality_hours);
        let verify = settings.as_ref().map_or(365, |s| s.verify_within_days);
        let codes = settings
            .as_ref()
            .map(|s| s.events.iter().map(|e| e.code).collect::<Vec<u8>>());
        contacts::directory(&doc, hours, verify, codes.as_deref(), today, &mut diags)
    });
    let pages = pages::pages(content, &mut diags);
    let (version, unknown) = version_hash(content, &mut diags);
    for f in unknown {
        diags.push(
            Diagnostic::warning(&f, 0, 0, "filen används inte av reservkit och ignoreras")
                .with_hint("innehållet är kit.yaml, contacts.yaml och Markdown-sidor (.md)"),
        );
    }
    if pages.is_empty() && !diags.iter().any(|d| d.is_error()) {
        diags.push(
            Diagnostic::error(shown("rutin"), 0, 0, "inga rutinsidor (.md) hittades")
                .with_hint("lägg rutinen som Markdown-filer med front matter i content/rutin/"),
        );
    }
    diag::sort(&mut diags);
    let kit = match (settings, directory) {
        (Some(settings), Some(directory)) if !diags.iter().any(Diagnostic::is_error) => {
            let data_date = directory
                .units
                .iter()
                .map(|u| u.verified)
                .max()
                .unwrap_or(Date::constant(2000, 1, 1));
            Some(Kit {
                settings,
                directory,
                pages,
                version,
                data_date,
                settings_file: display_path(&content.join("kit.yaml")),
            })
        }
        _ => None,
    };
    Loaded {
        kit,
        diagnostics: diags,
    }
}

fn read_yaml(dir: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Option<YamlDoc> {
    let path = dir.join(name);
    let shown = display_path(&path);
    let bytes = match std::fs::read(&path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(Diagnostic::error(shown, 0, 0, "filen saknas"));
            return None;
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                shown,
                0,
                0,
                format!("kunde inte läsa filen: {e}"),
            ));
            return None;
        }
    };
    let src = match text::decode(&shown, &bytes, text::Kind::Yaml) {
        Ok(src) => src,
        Err(mut found) => {
            diags.append(&mut found);
            return None;
        }
    };
    let doc = match YamlDoc::parse(&shown, src) {
        Ok(doc) => doc,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    // A value too long to print or with a line break in it is reported here,
    // once; the checks after this would only quote it again.
    limits::check_values(&doc, diags).then_some(doc)
}

/// Every file under `dir`, sorted, skipping hidden ones.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// The kit version over every content file (see [`version::hash`]). Also
/// returns files that are not part of the content model.
fn version_hash(content: &Path, diags: &mut Vec<Diagnostic>) -> (String, Vec<String>) {
    let mut read = Vec::new();
    let mut unknown = Vec::new();
    for path in files(content) {
        let rel = path.strip_prefix(content).unwrap_or(&path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !version::is_content(&rel) {
            unknown.push(display_path(&path));
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => read.push((rel, bytes)),
            Err(e) => diags.push(Diagnostic::error(
                display_path(&path),
                0,
                0,
                format!("kunde inte läsa filen: {e}"),
            )),
        }
    }
    let version = version::hash(read.iter().map(|(rel, b)| (rel.as_str(), b.as_slice())));
    (version, unknown)
}
