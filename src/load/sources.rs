//! The source store: every file of `content/` and `templates/`, read from
//! disk once, by path. Loading the kit, loading the templates and the kit
//! version all take their bytes from here (as typst's `World` hands out
//! files), so no later stage opens a file again.
//!
//! Reading never fails as a whole: a file that cannot be read is kept with
//! the reason, and the stage that needs it reports it where it matters.

use crate::diag::display_path;
use std::path::{Path, PathBuf};

/// The files of one build, read once.
#[derive(Debug)]
pub struct Sources {
    pub content: Tree,
    pub templates: Tree,
}

/// The files under one folder.
#[derive(Debug)]
pub struct Tree {
    pub dir: PathBuf,
    /// The files, sorted by path; or why the folder could not be listed.
    pub files: Result<Vec<File>, String>,
}

/// One file and what reading it gave.
#[derive(Debug)]
pub struct File {
    /// The path below the tree's folder, with forward slashes.
    pub rel: String,
    /// The path as it is shown in messages (see [`display_path`]).
    pub shown: String,
    /// The bytes, or the reason they could not be read.
    pub bytes: Result<Vec<u8>, String>,
}

impl Sources {
    /// Reads `content` (every file below it, hidden ones skipped) and
    /// `templates` (its `*.html` files and everything in `assets/`).
    pub fn read(content: &Path, templates: &Path) -> Sources {
        Sources {
            content: Tree::content(content),
            templates: Tree::templates(templates),
        }
    }
}

impl Tree {
    /// Every file under `dir`, sorted, skipping hidden files and folders.
    /// A missing folder is an `Err`; the loader reports it.
    pub fn content(dir: &Path) -> Tree {
        if !dir.is_dir() {
            return Tree {
                dir: dir.to_path_buf(),
                files: Err("mappen finns inte".to_string()),
            };
        }
        let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .collect();
        paths.sort();
        Tree {
            dir: dir.to_path_buf(),
            files: Ok(paths.iter().map(|p| File::read(dir, p)).collect()),
        }
    }

    /// The templates (`*.html` directly in `dir`) and the assets (every
    /// file under `dir/assets`), each sorted by path.
    pub fn templates(dir: &Path) -> Tree {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                return Tree {
                    dir: dir.to_path_buf(),
                    files: Err(e.to_string()),
                };
            }
        };
        let mut html: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().ends_with(".html"))
            })
            .collect();
        html.sort();
        let assets: Vec<PathBuf> = walkdir::WalkDir::new(dir.join("assets"))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .collect();
        Tree {
            dir: dir.to_path_buf(),
            files: Ok(html
                .iter()
                .chain(&assets)
                .map(|p| File::read(dir, p))
                .collect()),
        }
    }

    /// The files, or none when the folder could not be listed.
    pub fn files(&self) -> &[File] {
        self.files.as_deref().unwrap_or_default()
    }

    /// The file at `rel` below the folder.
    pub fn get(&self, rel: &str) -> Option<&File> {
        self.files().iter().find(|f| f.rel == rel)
    }

    /// How `rel` below the folder is shown in messages.
    pub fn shown(&self, rel: &str) -> String {
        display_path(&self.dir.join(rel))
    }
}

impl File {
    fn read(dir: &Path, path: &Path) -> File {
        let rel = path.strip_prefix(dir).unwrap_or(path);
        File {
            rel: rel.to_string_lossy().replace('\\', "/"),
            shown: display_path(path),
            bytes: std::fs::read(path).map_err(|e| e.to_string()),
        }
    }

    /// A file made from text, for tests and for content that is not on disk.
    pub fn from_text(dir: &Path, rel: &str, text: &str) -> File {
        File {
            rel: rel.to_string(),
            shown: display_path(&dir.join(rel)),
            bytes: Ok(text.as_bytes().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_found_by_their_path_below_the_folder() {
        let tree = Tree {
            dir: PathBuf::from("./content"),
            files: Ok(vec![
                File::from_text(Path::new("./content"), "kit.yaml", "a: 1\n"),
                File::from_text(Path::new("./content"), "rutin/a.md", "---\n"),
            ]),
        };
        let page = tree.get("rutin/a.md").expect("the page");
        assert_eq!(page.shown, "content/rutin/a.md");
        assert_eq!(page.bytes.as_deref(), Ok(&b"---\n"[..]));
        assert!(tree.get("a.md").is_none());
        assert_eq!(tree.shown("contacts.yaml"), "content/contacts.yaml");
    }

    #[test]
    fn a_folder_that_cannot_be_listed_has_no_files() {
        let tree = Tree::templates(Path::new("/nonexistent/reservkit/templates"));
        assert!(tree.files.is_err());
        assert!(tree.files().is_empty());
    }
}
