//! YAML files with positions: syntax errors, unknown and missing fields and
//! invalid values all become diagnostics that point at the line and column.
//!
//! `yaml_serde` gives a position only for the first error of a whole-file
//! parse. To report every problem at once, the file is parsed to a `Value`,
//! each part is deserialized on its own, and a small block-YAML scanner
//! (`locate`) finds where a path such as `wards[3].phones[0].number` is
//! written. Flow-style YAML still parses; positions then fall back to the
//! nearest enclosing block.

use crate::diag::{self, Diagnostic};
use serde::de::DeserializeOwned;
use serde_yaml::Value;

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

pub fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// A parsed YAML file that remembers its text for locating values.
pub struct YamlDoc {
    pub file: String,
    pub root: Value,
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    line: usize,
    /// 1-based character column where `text` starts.
    col: usize,
    indent: usize,
    text: String,
    is_dash: bool,
}

impl YamlDoc {
    /// Parses `src`; a syntax error becomes a located diagnostic.
    pub fn parse(file: &str, src: &str) -> Result<YamlDoc, Diagnostic> {
        let root: Value = serde_yaml::from_str(src).map_err(|e| {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            Diagnostic::error(
                file,
                line,
                col,
                format!("YAML-syntaxfel: {}", strip_location(&e.to_string())),
            )
            .with_hint("kontrollera indrag, kolon och citattecken på raden eller raden före")
        })?;
        Ok(YamlDoc {
            file: file.to_string(),
            root,
            entries: scan(src),
        })
    }

    /// Where the value at `path` is written, or the closest enclosing place.
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        self.locate_both(path).0
    }

    /// Where the key that ends `path` is written (for unknown fields).
    pub fn locate_key(&self, path: &[Seg]) -> (usize, usize) {
        self.locate_both(path).1
    }

    fn locate_both(&self, path: &[Seg]) -> ((usize, usize), (usize, usize)) {
        let mut range = 0..self.entries.len();
        let mut best = (1, 1);
        let mut key_pos = (1, 1);
        for seg in path {
            let Some(base) = self.entries[range.clone()].iter().map(|e| e.indent).min() else {
                break;
            };
            match seg {
                Seg::Key(k) => {
                    let found = range.clone().find(|&i| {
                        let e = &self.entries[i];
                        !e.is_dash && e.indent == base && key_of(&e.text) == Some(k.as_str())
                    });
                    let Some(i) = found else { break };
                    let e = &self.entries[i];
                    let value_off = e.text.find(':').map_or(0, |c| {
                        let after = &e.text[c + 1..];
                        let trimmed = after.trim_start();
                        if trimmed.is_empty() || trimmed.starts_with('#') {
                            0
                        } else {
                            e.text[..c + 1].chars().count() + after.chars().count()
                                - trimmed.chars().count()
                        }
                    });
                    best = (e.line, e.col + value_off);
                    key_pos = (e.line, e.col);
                    let end = (i + 1..range.end)
                        .find(|&j| {
                            let n = &self.entries[j];
                            n.indent < e.indent || (n.indent == e.indent && !n.is_dash)
                        })
                        .unwrap_or(range.end);
                    range = i + 1..end;
                }
                Seg::Index(idx) => {
                    let dashes: Vec<usize> = range
                        .clone()
                        .filter(|&i| self.entries[i].is_dash && self.entries[i].indent == base)
                        .collect();
                    let Some(&i) = dashes.get(*idx) else { break };
                    let e = &self.entries[i];
                    best = (e.line, e.col + 2);
                    key_pos = best;
                    let end = (i + 1..range.end)
                        .find(|&j| self.entries[j].indent <= e.indent)
                        .unwrap_or(range.end);
                    range = i + 1..end;
                }
            }
        }
        (best, key_pos)
    }

    pub fn error(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.locate(path);
        Diagnostic::error(&self.file, line, col, message)
    }

    pub fn warning(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.locate(path);
        Diagnostic::warning(&self.file, line, col, message)
    }

    /// Deserializes the value at `path` (already looked up as `value`) into
    /// `T`, reporting a located diagnostic instead of failing.
    pub fn get<T: DeserializeOwned>(
        &self,
        value: &Value,
        path: &[Seg],
        diags: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        match serde_yaml::from_value::<T>(value.clone()) {
            Ok(v) => Some(v),
            Err(e) => {
                diags.push(self.serde_error(value, path, &strip_location(&e.to_string())));
                None
            }
        }
    }

    /// Deserializes every element of the sequence at `path` on its own, so
    /// that one bad element does not hide the problems of the others.
    pub fn get_list<T: DeserializeOwned>(
        &self,
        path: &[Seg],
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<(Vec<Seg>, T)> {
        let Some(value) = lookup(&self.root, path) else {
            return Vec::new();
        };
        let Value::Sequence(items) = value else {
            diags.push(self.error(path, "väntade en lista (rader som börjar med «- »)"));
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let mut p = path.to_vec();
                p.push(Seg::Index(i));
                self.get::<T>(item, &p, diags).map(|v| (p, v))
            })
            .collect()
    }

    fn serde_error(&self, value: &Value, path: &[Seg], msg: &str) -> Diagnostic {
        let mut p = path.to_vec();
        let expected_hint =
            |fields: &str| format!("tillåtna fält här: {}", fields.replace('`', ""));
        if let Some(rest) = msg.strip_prefix("unknown field `") {
            let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
            p.push(Seg::Key(field.to_string()));
            let (line, col) = self.locate_key(&p);
            let d = Diagnostic::error(&self.file, line, col, format!("okänt fält «{field}»"));
            return match tail
                .split_once("expected one of ")
                .or_else(|| tail.split_once("expected "))
            {
                Some((_, fields)) => d.with_hint(expected_hint(fields)),
                None => d,
            };
        }
        if let Some(rest) = msg.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or(rest);
            return self.error(&p, format!("fältet «{field}» saknas"));
        }
        if let Some(rest) = msg.strip_prefix("unknown variant `") {
            let (variant, tail) = rest.split_once('`').unwrap_or((rest, ""));
            if let Some(k) = find_key_with_scalar(value, variant) {
                p.push(Seg::Key(k));
            }
            let d = self.error(&p, format!("okänt värde «{variant}»"));
            return match tail
                .split_once("expected one of ")
                .or_else(|| tail.split_once("expected "))
            {
                Some((_, vs)) => d.with_hint(format!("tillåtna värden: {}", vs.replace('`', ""))),
                None => d,
            };
        }
        if let Some(rest) = msg.strip_prefix("invalid type: ") {
            // "integer `3`, expected a string": find the key holding that value.
            if let Some(shown) = rest.split('`').nth(1)
                && let Some(k) = find_key_with_scalar(value, shown)
            {
                p.push(Seg::Key(k));
            }
            return self.error(&p, format!("fel typ av värde: {}", translate_type(rest)));
        }
        self.error(&p, msg.to_string())
    }
}

/// Follows `path` in a value.
pub fn lookup<'a>(root: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    let mut v = root;
    for seg in path {
        v = match seg {
            Seg::Key(k) => v.as_mapping()?.get(k.as_str())?,
            Seg::Index(i) => v.as_sequence()?.get(*i)?,
        };
    }
    Some(v)
}

fn find_key_with_scalar(value: &Value, shown: &str) -> Option<String> {
    value.as_mapping()?.iter().find_map(|(k, v)| {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (s == shown)
            .then(|| k.as_str().map(str::to_string))
            .flatten()
    })
}

fn translate_type(rest: &str) -> String {
    rest.replace("integer", "heltal")
        .replace("expected a string", "väntade text")
        .replace("expected a sequence", "väntade en lista")
        .replace("expected a boolean", "väntade true eller false")
        .replace("expected u32", "väntade ett heltal ≥ 0")
        .replace("expected u8", "väntade ett heltal 0–255")
        .replace("expected u64", "väntade ett heltal ≥ 0")
        .replace("expected i32", "väntade ett heltal")
        .replace("expected i16", "väntade ett årtal")
        .replace("string", "text")
        .replace("sequence", "lista")
        .replace("map", "avsnitt")
        .replace("boolean", "sant/falskt")
}

fn strip_location(msg: &str) -> String {
    let msg = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    // Drop a leading path such as ".[0]: " that yaml_serde adds.
    match msg.split_once(": ") {
        Some((head, tail)) if head.starts_with('.') || head.ends_with(']') => tail.to_string(),
        _ => msg.to_string(),
    }
}

fn key_of(text: &str) -> Option<&str> {
    let (k, _) = text.split_once(':')?;
    let k = k.trim();
    Some(k.trim_matches(|c| c == '"' || c == '\''))
}

/// Splits block YAML into entries; `- key: v` gives a dash entry and a key
/// entry two columns further in.
fn scan(src: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for (n, raw) in src.lines().enumerate() {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
            continue;
        }
        let mut indent = raw.len() - trimmed.len();
        let mut text = trimmed;
        let col_of = |indent: usize| raw[..indent].chars().count() + 1;
        while text == "-" || text.starts_with("- ") {
            out.push(Entry {
                line: n + 1,
                col: col_of(indent),
                indent,
                text: text.to_string(),
                is_dash: true,
            });
            let rest = text[1..].trim_start();
            indent += text.len() - rest.len();
            text = rest;
            if text.is_empty() {
                break;
            }
        }
        if !text.is_empty() {
            out.push(Entry {
                line: n + 1,
                col: col_of(indent),
                indent,
                text: text.to_string(),
                is_dash: false,
            });
        }
    }
    out
}

/// Position of byte `offset` in `src`, for callers that search the text.
pub fn position(src: &str, offset: usize) -> (usize, usize) {
    diag::line_col(src, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
# kommentar
hospitals:
  - id: sunderby
    name: Sunderby sjukhus
wards:
- id: a
  phones:
    - label: Expedition
      number: \"0980-31 92 40\"
    - label: Sjuksköterska
      number: 070-174 06 10
- id: b
  name: Ortopedi
";

    fn doc() -> YamlDoc {
        YamlDoc::parse("c.yaml", SRC).expect("valid yaml")
    }

    #[test]
    fn locates_nested_values() {
        let d = doc();
        assert_eq!(
            d.locate(&[key("hospitals"), Seg::Index(0), key("name")]),
            (4, 11)
        );
        assert_eq!(
            d.locate(&[
                key("wards"),
                Seg::Index(0),
                key("phones"),
                Seg::Index(1),
                key("number")
            ]),
            (11, 15)
        );
        assert_eq!(
            d.locate(&[key("wards"), Seg::Index(1), key("name")]),
            (13, 9)
        );
        assert_eq!(d.locate(&[key("wards"), Seg::Index(1)]), (12, 3));
    }

    #[test]
    fn falls_back_to_enclosing_entry() {
        let d = doc();
        assert_eq!(
            d.locate(&[key("wards"), Seg::Index(1), key("owner")]),
            (12, 3)
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let e = YamlDoc::parse("x.yaml", "a: [b\nc: d")
            .err()
            .expect("syntax error");
        assert_eq!((e.line, e.col), (2, 2));
        assert!(e.message.starts_with("YAML-syntaxfel"), "{}", e.message);
    }

    #[test]
    fn unknown_field_points_at_the_key() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct H {
            id: String,
            name: String,
        }
        let d = YamlDoc::parse("h.yaml", "hospitals:\n  - id: a\n    nmae: x\n  - id: b\n")
            .expect("ok");
        let mut diags = Vec::new();
        let got = d.get_list::<H>(&[key("hospitals")], &mut diags);
        assert!(got.is_empty());
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown[0].lines().next(),
            Some("h.yaml:3:5: error: okänt fält «nmae»")
        );
        assert_eq!(shown[1], "h.yaml:4:5: error: fältet «name» saknas");
    }
}
