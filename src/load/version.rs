//! The kit version: a short hash of the content that is printed on every
//! page and encoded in the forms' QR codes, so that a sheet can be matched
//! to the content it was printed from.

use sha2::{Digest, Sha256};

/// Which content files make up the kit; any other file is reported as unused.
pub(super) fn is_content(rel: &str) -> bool {
    rel == "kit.yaml" || rel == "contacts.yaml" || rel.ends_with(".md")
}

/// A short SHA-256 (12 hex digits) over each file's path relative to the
/// content folder and its bytes, in the order given (sorted by path by the
/// caller). The length of each file is hashed too, so moving bytes from one
/// file to the next changes the version.
pub(super) fn hash<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut hasher = Sha256::new();
    for (rel, bytes) in files {
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    let digest = hasher.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_files_give_the_same_version() {
        let files = [("contacts.yaml", &b"a"[..]), ("kit.yaml", &b"b"[..])];
        assert_eq!(hash(files), hash(files));
        assert_eq!(hash(files).len(), 12);
    }

    #[test]
    fn moving_bytes_between_files_changes_the_version() {
        let before = hash([("a.md", &b"xy"[..]), ("b.md", &b"z"[..])]);
        let after = hash([("a.md", &b"x"[..]), ("b.md", &b"yz"[..])]);
        assert_ne!(before, after);
        let renamed = hash([("a.md", &b"xy"[..]), ("c.md", &b"z"[..])]);
        assert_ne!(before, renamed);
    }

    #[test]
    fn only_the_settings_the_directory_and_pages_are_content() {
        assert!(is_content("kit.yaml"));
        assert!(is_content("rutin/felanmalan.md"));
        assert!(!is_content("rutin/anteckningar.txt"));
        assert!(!is_content("rutin/kit.yaml"));
    }
}
