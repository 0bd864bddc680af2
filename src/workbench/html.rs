//! Small pieces of HTML: escaping, form bodies, the page frame with its
//! navigation, and the style sheet and script served by the workbench
//! itself (nothing is loaded from elsewhere).

use std::collections::BTreeMap;

/// The style sheet at `/NYCKEL/wb.css`.
pub const CSS: &str = include_str!("wb.css");
/// The script at `/NYCKEL/wb.js`: live field checks and counterpart
/// completion; every rule stays on the server.
pub const JS: &str = include_str!("wb.js");

/// Escapes text for HTML element content and quoted attribute values: the
/// site's escaping.
pub use crate::site::markdown::escape as esc;

/// Percent-encodes a path segment or query value.
pub fn url(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` and, in form bodies and queries, `+` as a space.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() + 1 => {
                match s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An `application/x-www-form-urlencoded` body or query: the last value
/// of each name.
pub fn form(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// Which part of the workbench a page belongs to, for the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Entry,
    Reconciliation,
    Scan,
}

/// A whole page: `base` is `/NYCKEL` (every link starts with it).
pub fn page(base: &str, title: &str, section: Section, body: &str) -> String {
    let link = |href: &str, text: &str, this: Section| {
        let current = if this == section {
            " aria-current=\"page\""
        } else {
            ""
        };
        format!("<li><a href=\"{base}{href}\"{current}>{text}</a></li>")
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"same-origin\">\n\
         <title>{} – Arbetsbänken</title>\n<link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"{base}/wb.css\">\n\
         <script src=\"{base}/wb.js\" defer></script>\n</head>\n<body>\n\
         <a class=\"hoppa\" href=\"#innehall\">Hoppa till innehållet</a>\n\
         <header><p class=\"namn\">Arbetsbänken för reservrutinen</p>\n\
         <nav aria-label=\"Arbetsbänken\"><ul>{}{}{}{}</ul></nav></header>\n\
         <main id=\"innehall\" tabindex=\"-1\">\n{body}\n</main>\n</body>\n</html>\n",
        esc(title),
        link("/", "Översikt", Section::Overview),
        link("/blad", "Skriv in blad", Section::Entry),
        link("/skannat", "Skannade blad", Section::Scan),
        link("/avstamning", "Avstämning", Section::Reconciliation),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_decodes() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(decode("Anna+%C3%85s%20x%"), "Anna Ås x%");
        let f = form("a=1&b=x+y&a=2&c");
        assert_eq!(f.get("a").map(String::as_str), Some("2"));
        assert_eq!(f.get("b").map(String::as_str), Some("x y"));
        assert_eq!(f.get("c").map(String::as_str), Some(""));
        assert_eq!(url("Å b/"), "%C3%85%20b%2F");
    }
}
