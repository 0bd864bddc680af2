//! Reads `content/` and turns it into a validated [`Kit`], collecting every
//! problem as a located diagnostic.
//!
//! This is the only module that reads content and template files, once, into
//! the [`Sources`] store. It never writes, and it reports all problems it can
//! find in one pass rather than stopping early.

mod contacts;
pub mod doc;
mod kit;
pub mod limits;
mod pages;
pub mod raw;
pub mod sources;
pub mod text;
mod values;
mod version;
pub mod yaml;

pub use pages::RESERVED_SLUGS;
pub use sources::Sources;

use crate::diag::{self, Diagnostic, display_path};
use crate::model::{Kit, Origins};
use jiff::civil::Date;
use std::path::Path;
use yaml::YamlDoc;

/// The outcome of loading: a kit when there were no errors, and every
/// diagnostic (errors and warnings), sorted.
#[derive(Debug)]
pub struct Loaded {
    pub kit: Option<Kit>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and validates the content folder. `today` is used only to warn
/// about contacts that have not been verified recently.
pub fn load(content: &Path, today: Date) -> Loaded {
    load_tree(&sources::Tree::content(content), today)
}

/// Validates the content folder read into `tree` (see [`Sources`]).
pub fn load_tree(tree: &sources::Tree, today: Date) -> Loaded {
    load_tree_cached(tree, today, &mut Cache::default())
}

/// What a load keeps for the next one: the directory as validated from
/// contacts.yaml, with its problems and the places of its strings, reused
/// while the file's bytes, the settings it depends on and the day are the
/// same (`serve` reloads the content on every edit; a national directory
/// is most of the time of a load).
#[derive(Default)]
pub struct Cache {
    contacts: Option<CachedContacts>,
}

struct CachedContacts {
    key: ContactsKey,
    directory: Option<crate::model::Directory>,
    diags: Vec<Diagnostic>,
    strings: Option<Vec<(String, crate::source::Span)>>,
}

#[derive(PartialEq)]
struct ContactsKey {
    bytes: Vec<u8>,
    shown: String,
    hours: Option<crate::model::Hours>,
    verify: u32,
    codes: Option<Vec<u8>>,
    today: Date,
}

/// As [`load_tree`], reusing (and updating) what `cache` holds.
pub fn load_tree_cached(tree: &sources::Tree, today: Date, cache: &mut Cache) -> Loaded {
    let mut diags = Vec::new();
    if tree.files.is_err() {
        diags.push(
            Diagnostic::error(display_path(&tree.dir), 0, 0, "innehållsmappen finns inte")
                .with_hint("kör från projektets rotmapp eller ange --content MAPP"),
        );
        return Loaded {
            kit: None,
            diagnostics: diags,
        };
    }

    let mut origins = Origins::default();
    let mut record = |name: &str, doc: &YamlDoc| {
        origins.add(name, &tree.shown(name), doc.string_spans());
    };
    let settings = read_yaml(tree, "kit.yaml", &mut diags).and_then(|doc| {
        record("kit.yaml", &doc);
        kit::settings(&doc, &mut diags)
    });
    let hours = settings.as_ref().map(|s| s.municipality_hours);
    let verify = settings.as_ref().map_or(365, |s| s.verify_within_days);
    let codes = settings
        .as_ref()
        .map(|s| s.events.iter().map(|e| e.code).collect::<Vec<u8>>());
    let key = match tree.get("contacts.yaml").map(|f| &f.bytes) {
        Some(Ok(bytes)) => Some(ContactsKey {
            bytes: bytes.clone(),
            shown: tree.shown("contacts.yaml"),
            hours,
            verify,
            codes: codes.clone(),
            today,
        }),
        _ => None,
    };
    let cached = cache
        .contacts
        .take()
        .filter(|c| key.as_ref() == Some(&c.key));
    let cached = match cached {
        Some(c) => c,
        None => {
            let mut found = Vec::new();
            let mut strings = None;
            let directory = read_yaml(tree, "contacts.yaml", &mut found).and_then(|doc| {
                strings = Some(doc.string_spans());
                contacts::directory(&doc, hours, verify, codes.as_deref(), today, &mut found)
            });
            CachedContacts {
                key: key.unwrap_or(ContactsKey {
                    bytes: Vec::new(),
                    shown: String::new(),
                    hours: None,
                    verify: 0,
                    codes: None,
                    today,
                }),
                directory,
                diags: found,
                strings,
            }
        }
    };
    diags.extend(cached.diags.iter().cloned());
    if let Some(strings) = &cached.strings {
        origins.add(
            "contacts.yaml",
            &tree.shown("contacts.yaml"),
            strings.clone(),
        );
    }
    let directory = cached.directory.clone();
    // A file that could not be read is read again next time.
    if !cached.key.shown.is_empty() {
        cache.contacts = Some(cached);
    }
    let pages = pages::pages(tree, &mut diags);
    let mut hashed = Vec::new();
    for f in tree.files() {
        if !version::is_content(&f.rel) {
            diags.push(
                Diagnostic::warning(
                    &f.shown,
                    0,
                    0,
                    "filen används inte av reservkit och ignoreras",
                )
                .with_hint("innehållet är kit.yaml, contacts.yaml och Markdown-sidor (.md)"),
            );
        } else if let Ok(bytes) = &f.bytes {
            hashed.push((f.rel.as_str(), bytes.as_slice()));
        }
    }
    let version = version::hash(hashed);
    if pages.is_empty() && !diags.iter().any(|d| d.is_error()) {
        diags.push(
            Diagnostic::error(tree.shown("rutin"), 0, 0, "inga rutinsidor (.md) hittades")
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
                settings_file: tree.shown("kit.yaml"),
                origins,
            })
        }
        _ => None,
    };
    Loaded {
        kit,
        diagnostics: diags,
    }
}

fn read_yaml(tree: &sources::Tree, name: &str, diags: &mut Vec<Diagnostic>) -> Option<YamlDoc> {
    let shown = tree.shown(name);
    let bytes = match tree.get(name).map(|f| &f.bytes) {
        Some(Ok(bytes)) => bytes,
        None => {
            diags.push(Diagnostic::error(shown, 0, 0, "filen saknas"));
            return None;
        }
        Some(Err(e)) => {
            diags.push(Diagnostic::error(
                shown,
                0,
                0,
                format!("kunde inte läsa filen: {e}"),
            ));
            return None;
        }
    };
    let src = match text::decode(&shown, bytes, text::Kind::Yaml) {
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

#[cfg(test)]
mod tests {
    use super::sources::{File, Tree};
    use super::*;

    const KIT: &str = include_str!("../../content/kit.yaml");
    const CONTACTS: &str = include_str!("../../content/contacts.yaml");
    const PAGE: &str = "---\ntitle: Felanmälan\norder: 1\n---\nRing växeln.\n";

    fn tree(files: &[(&str, &str)]) -> Tree {
        let dir = Path::new("./content");
        Tree {
            dir: dir.to_path_buf(),
            files: Ok(files
                .iter()
                .map(|(rel, text)| File::from_text(dir, rel, text))
                .collect()),
        }
    }

    fn shown(loaded: &Loaded) -> Vec<String> {
        loaded.diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_kit_loads_from_files_held_in_memory() {
        let loaded = load_tree(
            &tree(&[
                ("contacts.yaml", CONTACTS),
                ("kit.yaml", KIT),
                ("rutin/felanmalan.md", PAGE),
            ]),
            Date::constant(2026, 11, 25),
        );
        let kit = loaded.kit.expect("the kit loads");
        assert_eq!(kit.pages.len(), 1);
        assert_eq!(kit.pages[0].source, "content/rutin/felanmalan.md");
        assert_eq!(kit.settings_file, "content/kit.yaml");
        assert_eq!(kit.version.len(), 12);
    }

    #[test]
    fn missing_files_unused_files_and_no_pages_are_reported() {
        let loaded = load_tree(
            &tree(&[("kit.yaml", KIT), ("rutin/anteckningar.txt", "x")]),
            Date::constant(2026, 11, 25),
        );
        assert!(loaded.kit.is_none());
        assert_eq!(
            shown(&loaded),
            [
                "content/contacts.yaml: error: filen saknas",
                "content/rutin/anteckningar.txt: warning: filen används inte av reservkit och ignoreras\n  hjälp: innehållet är kit.yaml, contacts.yaml och Markdown-sidor (.md)",
            ]
        );
        let no_pages = load_tree(
            &tree(&[("contacts.yaml", CONTACTS), ("kit.yaml", KIT)]),
            Date::constant(2026, 11, 25),
        );
        assert!(shown(&no_pages)[0].starts_with("content/rutin: error: inga rutinsidor (.md)"));
    }

    #[test]
    fn the_version_follows_the_content() {
        let version = |page: &str| {
            load_tree(
                &tree(&[
                    ("contacts.yaml", CONTACTS),
                    ("kit.yaml", KIT),
                    ("rutin/a.md", page),
                ]),
                Date::constant(2026, 11, 25),
            )
            .kit
            .expect("loads")
            .version
        };
        assert_eq!(version(PAGE), version(PAGE));
        assert_ne!(version(PAGE), version(&PAGE.replace("växeln", "IT")));
    }

    #[test]
    fn a_missing_content_folder_is_one_error() {
        let loaded = load(Path::new("./finns-inte"), Date::constant(2026, 11, 25));
        assert_eq!(
            shown(&loaded),
            [
                "finns-inte: error: innehållsmappen finns inte\n  hjälp: kör från projektets rotmapp eller ange --content MAPP"
            ]
        );
    }
}
