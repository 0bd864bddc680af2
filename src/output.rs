//! The only writer: puts finished trees of files on disk, atomically.
//!
//! Each tree (`site`, `print`, a reconciliation folder) is written into a
//! temporary sibling directory first and swapped in with a rename at the end,
//! so a failed build leaves the previous output as it was.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file to write, with a path relative to its tree (forward slashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// A tree of files that replaces the directory `dir` as a whole.
#[derive(Debug, Clone)]
pub struct Tree {
    pub dir: PathBuf,
    pub files: Vec<OutFile>,
    /// Create files readable by their owner only (patient data).
    pub private: bool,
}

/// An I/O failure, naming the file.
#[derive(Debug)]
pub struct OutputError {
    pub path: PathBuf,
    pub action: &'static str,
    pub source: std::io::Error,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "kunde inte {} {}: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn err(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError {
        path,
        action,
        source,
    }
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "ut".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Writes every tree into a temporary sibling, then swaps them all in. On
/// failure the temporary directories are removed and nothing is swapped.
pub fn write_trees(trees: &[Tree]) -> Result<(), OutputError> {
    let mut staged = Vec::new();
    for tree in trees {
        let tmp = sibling(&tree.dir, "ny");
        let res = stage(tree, &tmp);
        staged.push(tmp);
        if let Err(e) = res {
            for t in &staged {
                let _ = fs::remove_dir_all(t);
            }
            return Err(e);
        }
    }
    for (tree, tmp) in trees.iter().zip(&staged) {
        let old = sibling(&tree.dir, "gammal");
        if tree.dir.exists() {
            fs::rename(&tree.dir, &old).map_err(err(&tree.dir, "flytta undan"))?;
        }
        fs::rename(tmp, &tree.dir).map_err(err(&tree.dir, "skapa"))?;
        if old.exists() {
            fs::remove_dir_all(&old).map_err(err(&old, "ta bort"))?;
        }
    }
    Ok(())
}

fn stage(tree: &Tree, tmp: &Path) -> Result<(), OutputError> {
    if let Some(parent) = tmp.parent() {
        fs::create_dir_all(parent).map_err(err(parent, "skapa mappen"))?;
    }
    if tmp.exists() {
        fs::remove_dir_all(tmp).map_err(err(tmp, "ta bort"))?;
    }
    create_dir(tmp, tree.private)?;
    let mut files: Vec<&OutFile> = tree.files.iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in files {
        if f.path
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        {
            return Err(OutputError {
                path: tmp.join(&f.path),
                action: "skriva (otillåten sökväg)",
                source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
            });
        }
        let path = tmp.join(&f.path);
        if let Some(parent) = path.parent()
            && !parent.exists()
        {
            fs::create_dir_all(parent).map_err(err(parent, "skapa mappen"))?;
        }
        write_file(&path, &f.bytes, tree.private)?;
    }
    Ok(())
}

fn create_dir(dir: &Path, private: bool) -> Result<(), OutputError> {
    let mut b = fs::DirBuilder::new();
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    let _ = private;
    b.create(dir).map_err(err(dir, "skapa mappen"))
}

fn write_file(path: &Path, bytes: &[u8], private: bool) -> Result<(), OutputError> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(err(path, "skapa"))?;
    f.write_all(bytes).map_err(err(path, "skriva"))?;
    // Records with patient data must survive a crash; the site and the
    // printouts can simply be built again.
    if private {
        f.sync_all().map_err(err(path, "spara"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_previous_tree_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let site = dir.path().join("site");
        let t = |files: Vec<OutFile>| Tree {
            dir: site.clone(),
            files,
            private: false,
        };
        write_trees(&[t(vec![
            OutFile::new("a.html", "1"),
            OutFile::new("x/b.css", "2"),
        ])])
        .expect("first");
        write_trees(&[t(vec![OutFile::new("a.html", "3")])]).expect("second");
        assert_eq!(fs::read_to_string(site.join("a.html")).expect("a"), "3");
        assert!(!site.join("x/b.css").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let site = dir.path().join("site");
        let ok = Tree {
            dir: site.clone(),
            files: vec![OutFile::new("a.html", "gammal")],
            private: false,
        };
        write_trees(&[ok]).expect("first");
        let bad = Tree {
            dir: site.clone(),
            files: vec![OutFile::new("../utanför", "x")],
            private: false,
        };
        assert!(write_trees(&[bad]).is_err());
        assert_eq!(
            fs::read_to_string(site.join("a.html")).expect("a"),
            "gammal"
        );
        assert!(!dir.path().join("utanför").exists());
    }
}
