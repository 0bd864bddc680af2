//! YAML files with positions: syntax errors, unknown and missing fields and
//! invalid values all become diagnostics that point at the line and column.
//!
//! `yaml_serde` gives a position only for the first error of a whole-file
//! parse. To report every problem at once, the file is parsed to a `Value`,
//! each part is deserialized on its own, and a small block-YAML scanner
//! (`locate`) finds where a path such as `wards[3].phones[0].number` is
//! written. Flow-style YAML still parses; positions then fall back to the
//! nearest enclosing block.

use crate::diag::{self, Diagnostic, Severity};
use crate::source::{Source, Span};
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
    source: Source,
    entries: Vec<Entry>,
    /// For each entry, the next entry not inside its block (indented no
    /// deeper than it), or the number of entries.
    skip: Vec<usize>,
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
    /// Parses `src`; a syntax error, or nesting deeper than
    /// [`super::text::MAX_DEPTH`] (checked first, so the parser never spends
    /// time on it), becomes a located diagnostic.
    pub fn parse(file: &str, src: &str) -> Result<YamlDoc, Diagnostic> {
        if let Some(d) = super::text::too_deep(file, src) {
            return Err(d);
        }
        let source = Source::new(file, src);
        let root: Value = serde_yaml::from_str(src).map_err(|e| syntax_error(&source, &e))?;
        let entries = scan(src);
        let skip = skips(&entries);
        Ok(YamlDoc {
            file: file.to_string(),
            root,
            entries,
            skip,
            source,
        })
    }

    /// The text the document was parsed from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The span of the value at `path` (see [`YamlDoc::locate`]): from where
    /// it is written to the end of its line.
    pub fn span(&self, path: &[Seg]) -> Option<Span> {
        span_at(&self.source, self.locate(path))
    }

    /// The span of the key that ends `path` and its value, to the end of
    /// the line (see [`YamlDoc::locate_key`]).
    pub fn key_span(&self, path: &[Seg]) -> Option<Span> {
        span_at(&self.source, self.locate_key(path))
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
            // The entries at the block's own level, jumping over the blocks
            // below them (a large list is not walked line by line).
            let level = self.level(range.clone());
            let Some(base) = level.iter().map(|&i| self.entries[i].indent).min() else {
                break;
            };
            match seg {
                Seg::Key(k) => {
                    let found = level.iter().copied().find(|&i| {
                        let e = &self.entries[i];
                        !e.is_dash && e.indent == base && key_of(&e.text) == Some(k.as_str())
                    });
                    let Some(i) = found else { break };
                    let e = &self.entries[i];
                    best = value_place(e);
                    key_pos = (e.line, e.col);
                    let mut end = self.skip[i];
                    while end < range.end
                        && self.entries[end].indent == e.indent
                        && self.entries[end].is_dash
                    {
                        end = self.skip[end];
                    }
                    range = i + 1..end.min(range.end);
                }
                Seg::Index(idx) => {
                    let Some(&i) = level
                        .iter()
                        .filter(|&&i| self.entries[i].is_dash && self.entries[i].indent == base)
                        .nth(*idx)
                    else {
                        break;
                    };
                    let e = &self.entries[i];
                    best = (e.line, e.col + 2);
                    key_pos = best;
                    range = i + 1..self.skip[i].min(range.end);
                }
            }
        }
        (best, key_pos)
    }

    /// The entries of `range` not inside the block of an earlier entry of
    /// `range`: every entry at the range's smallest indent, and any more
    /// deeply indented before the first of those.
    fn level(&self, range: std::ops::Range<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end {
            out.push(i);
            i = self.skip[i];
        }
        out
    }

    /// Every string value in the document with where it is written, in
    /// document order (a value repeated keeps each place).
    pub fn string_spans(&self) -> Vec<(String, Span)> {
        let mut found = Vec::new();
        self.walk_located(
            &self.root,
            0..self.entries.len(),
            (1, 1),
            &mut Vec::new(),
            &mut found,
        );
        found
    }

    /// [`YamlDoc::string_spans`] in one pass: follows the document and the
    /// scanned entries together, narrowing the entries to each value's block
    /// as [`YamlDoc::locate`] does for one path, so that a large directory
    /// is located in time linear in its size. Where the block scanner loses
    /// the way (flow style), each string is located on its own.
    fn walk_located(
        &self,
        v: &Value,
        range: std::ops::Range<usize>,
        here: (usize, usize),
        path: &mut Vec<Seg>,
        out: &mut Vec<(String, Span)>,
    ) {
        let base = self.entries[range.clone()].iter().map(|e| e.indent).min();
        match v {
            Value::String(s) => {
                if let Some(span) = span_at(&self.source, here) {
                    out.push((s.clone(), span));
                }
            }
            Value::Tagged(t) => self.walk_located(&t.value, range, here, path, out),
            Value::Sequence(items) => {
                let dashes: Vec<usize> = match base {
                    Some(base) => range
                        .clone()
                        .filter(|&i| self.entries[i].is_dash && self.entries[i].indent == base)
                        .collect(),
                    None => Vec::new(),
                };
                for (idx, item) in items.iter().enumerate() {
                    path.push(Seg::Index(idx));
                    match dashes.get(idx) {
                        Some(&i) => {
                            let e = &self.entries[i];
                            let end = (i + 1..range.end)
                                .find(|&j| self.entries[j].indent <= e.indent)
                                .unwrap_or(range.end);
                            self.walk_located(item, i + 1..end, (e.line, e.col + 2), path, out);
                        }
                        None => self.walk_slow(item, path, out),
                    }
                    path.pop();
                }
            }
            Value::Mapping(map) => {
                let mut keys: std::collections::HashMap<&str, usize> =
                    std::collections::HashMap::new();
                if let Some(base) = base {
                    for i in range.clone() {
                        let e = &self.entries[i];
                        if !e.is_dash
                            && e.indent == base
                            && let Some(k) = key_of(&e.text)
                        {
                            keys.entry(k).or_insert(i);
                        }
                    }
                }
                for (k, item) in map {
                    let Some(k) = k.as_str() else { continue };
                    path.push(Seg::Key(k.to_string()));
                    match keys.get(k) {
                        Some(&i) => {
                            let e = &self.entries[i];
                            let end = (i + 1..range.end)
                                .find(|&j| {
                                    let n = &self.entries[j];
                                    n.indent < e.indent || (n.indent == e.indent && !n.is_dash)
                                })
                                .unwrap_or(range.end);
                            self.walk_located(item, i + 1..end, value_place(e), path, out);
                        }
                        None => self.walk_slow(item, path, out),
                    }
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// Every string below `v` (at `path`), each located on its own.
    fn walk_slow(&self, v: &Value, path: &mut Vec<Seg>, out: &mut Vec<(String, Span)>) {
        match v {
            Value::String(s) => {
                if let Some(span) = self.span(path) {
                    out.push((s.clone(), span));
                }
            }
            Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.walk_slow(item, path, out);
                    path.pop();
                }
            }
            Value::Mapping(map) => {
                for (k, item) in map {
                    let Some(k) = k.as_str() else { continue };
                    path.push(Seg::Key(k.to_string()));
                    self.walk_slow(item, path, out);
                    path.pop();
                }
            }
            Value::Tagged(t) => self.walk_slow(&t.value, path, out),
            _ => {}
        }
    }

    /// Where the first string value equal to `text` is written, for a value
    /// found by its content (it may be written with escapes such as `\u2708`,
    /// so the text itself need not occur in the file).
    pub fn find_string(&self, text: &str) -> Option<Span> {
        fn walk(v: &Value, text: &str, path: &mut Vec<Seg>) -> bool {
            match v {
                Value::String(s) => s == text,
                Value::Sequence(items) => items.iter().enumerate().any(|(i, item)| {
                    path.push(Seg::Index(i));
                    let found = walk(item, text, path);
                    if !found {
                        path.pop();
                    }
                    found
                }),
                Value::Mapping(map) => map.iter().any(|(k, item)| {
                    let Some(k) = k.as_str() else { return false };
                    path.push(Seg::Key(k.to_string()));
                    let found = walk(item, text, path);
                    if !found {
                        path.pop();
                    }
                    found
                }),
                Value::Tagged(t) => walk(&t.value, text, path),
                _ => false,
            }
        }
        let mut path = Vec::new();
        if walk(&self.root, text, &mut path) {
            self.span(&path)
        } else {
            None
        }
    }

    pub fn error(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        diagnostic_at(&self.source, self.locate(path), message)
    }

    pub fn warning(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let mut d = self.error(path, message);
        d.severity = Severity::Warning;
        d
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
        let expected_hint = |fields: &str| format!("tillåtna fält här: {}", names(fields));
        if let Some(rest) = msg.strip_prefix("unknown field `") {
            let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
            p.push(Seg::Key(field.to_string()));
            let d = diagnostic_at(
                &self.source,
                self.locate_key(&p),
                format!("okänt fält «{field}»"),
            );
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
                Some((_, vs)) => d.with_hint(format!("tillåtna värden: {}", names(vs))),
                None => d,
            };
        }
        if let Some(rest) = msg.strip_prefix("invalid type: ") {
            // "integer `3`, expected a string", "string \"tre\", expected u32"
            // or "unit value, expected a string": find the key holding it.
            let found = rest.split_once(", expected").map_or(rest, |(v, _)| v);
            if found == "unit value"
                && let Some(k) = find_key_with_null(value)
            {
                p.push(Seg::Key(k.clone()));
                return self
                    .error(&p, format!("fältet «{k}» är tomt"))
                    .with_hint("skriv värdet efter kolonet på samma rad");
            }
            let shown = found
                .split('`')
                .nth(1)
                .or_else(|| found.split_once('"').map(|(_, s)| s.trim_end_matches('"')));
            if let Some(k) = shown.and_then(|s| find_key_with_scalar(value, s)) {
                p.push(Seg::Key(k));
            }
            return self.error(&p, format!("fel typ av värde: {}", translate_type(rest)));
        }
        self.error(&p, msg.to_string())
    }
}

/// A syntax error in Swedish, placed where the editor has to act. libyaml
/// reports where it gave up, which for an unclosed quote or bracket or a
/// missing colon is often lines after the mistake; its context mark, or a
/// quoted value that runs over several lines, says where the mistake is.
fn syntax_error(source: &Source, e: &serde_yaml::Error) -> Diagnostic {
    let src = source.text();
    let text = e.to_string();
    let found = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let (problem, context, context_mark) = split_libyaml(&text);
    let at = |place: (usize, usize), message: String, hint: &str| {
        diagnostic_at(source, place, format!("YAML-syntaxfel: {message}")).with_hint(hint)
    };
    const QUOTE_HINT: &str = "avsluta värdet med samma sorts citattecken på samma rad";

    if let Some(key) = text
        .split_once("duplicate entry with key \"")
        .and_then(|(_, rest)| rest.split('"').next())
    {
        let place = second_key(&scan(src), found, key).unwrap_or(found);
        return at(
            place,
            format!("fältet «{key}» står två gånger"),
            "ta bort eller byt namn på det ena fältet",
        );
    }
    if problem.starts_with("deserializing from YAML containing more than one document") {
        return at(
            found,
            "filen innehåller mer än ett YAML-dokument".into(),
            "ta bort raden med bara --- mitt i filen",
        );
    }
    if let Some((line, col, _)) = multiline_quotes(src)
        .into_iter()
        .find(|&(_, _, end)| end == found.0)
    {
        return at(
            (line, col),
            "citattecknet avslutas inte på samma rad".into(),
            QUOTE_HINT,
        );
    }
    let context_at = context_mark.unwrap_or(found);
    let char_at = src
        .lines()
        .nth(found.0.saturating_sub(1))
        .and_then(|l| l.chars().nth(found.1.saturating_sub(1)));
    match problem {
        "found unexpected end of stream" if context.contains("quoted scalar") => at(
            context_at,
            "citattecknet avslutas aldrig".into(),
            QUOTE_HINT,
        ),
        "could not find expected ':'" => at(
            context_at,
            "kolon saknas efter fältnamnet".into(),
            "skriv fältet som namn: värde, med mellanslag efter kolonet",
        ),
        "did not find expected ',' or ']'" => at(
            context_at,
            "listan som börjar med [ avslutas aldrig med ]".into(),
            "avsluta listan på samma rad, eller sätt värdet inom citattecken om [ ska stå i texten",
        ),
        "did not find expected ',' or '}'" => at(
            context_at,
            "avsnittet som börjar med { avslutas aldrig med }".into(),
            "avsluta med } på samma rad, eller sätt värdet inom citattecken om { ska stå i texten",
        ),
        "found unknown escape character" => at(
            found,
            "okänt tecken efter bakstreck (\\) inom citattecken".into(),
            "skriv \\\\ för ett bakstreck, eller använd enkla citattecken",
        ),
        p if p.contains("tab character") || char_at == Some('\t') => at(
            found,
            "tabbtecken är inte tillåtna i indraget".into(),
            "dra in med mellanslag",
        ),
        "found character that cannot start any token" => at(
            found,
            format!(
                "ett värde kan inte börja med tecknet «{}»",
                char_at.unwrap_or(' ')
            ),
            "sätt värdet inom citattecken",
        ),
        "unknown anchor" => at(
            found,
            "ett värde kan inte börja med * (det betyder en hänvisning i YAML)".into(),
            "sätt värdet inom citattecken",
        ),
        "mapping values are not allowed in this context" => at(
            found,
            "kolon följt av mellanslag är inte tillåtet här".into(),
            "kontrollera indraget på raden; sätt värdet inom citattecken om det innehåller «: »",
        ),
        "block sequence entries are not allowed in this context" => at(
            found,
            "en listpost («- ») är inte tillåten här".into(),
            "kontrollera indraget; sätt värdet inom citattecken om det börjar med -",
        ),
        "did not find expected key" => at(
            found,
            "raden passar inte in här; väntade ett fält (namn: värde) med samma indrag som fälten ovanför".into(),
            "kontrollera indraget på raden och raden före",
        ),
        "did not find expected '-' indicator" => at(
            found,
            "raden passar inte in i listan; väntade en ny post (en rad som börjar med «- »)".into(),
            "fälten i en post ska stå exakt under det första fältet efter «- »",
        ),
        "did not find expected node content" => at(
            found,
            "här saknas ett värde, eller så börjar det med ett tecken som inte är tillåtet".into(),
            "sätt värdet inom citattecken",
        ),
        other => at(
            found,
            other.to_string(),
            "kontrollera indrag, kolon och citattecken på raden eller raden före",
        ),
    }
}

/// Splits libyaml's "PROBLEM at line L column C, while CONTEXT at line A
/// column B" into the problem, the context and the context's position.
fn split_libyaml(text: &str) -> (&str, &str, Option<(usize, usize)>) {
    let text = strip_path(text);
    let (head, context) = text.split_once(", while ").unwrap_or((text, ""));
    let problem = head.split(" at line ").next().unwrap_or(head);
    let (context, mark) = match context.split_once(" at line ") {
        Some((c, mark)) => (c, parse_mark(mark)),
        None => (context, None),
    };
    (problem, context, mark)
}

/// "12 column 5" → (12, 5).
fn parse_mark(s: &str) -> Option<(usize, usize)> {
    let (line, col) = s.split_once(" column ")?;
    let col: String = col.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

/// Quoted values that begin on one line and end on a later one, as (line,
/// column, end line). Values in the content files fit on one line, so such a
/// value has almost always lost its closing quote.
fn multiline_quotes(src: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize, usize)> = None;
    for (n, line) in src.lines().enumerate() {
        let mut chars = line.chars().enumerate().peekable();
        // Last non-blank character on the line, outside quotes.
        let mut last: Option<char> = None;
        let mut prev_blank = true;
        while let Some((i, c)) = chars.next() {
            match open {
                Some((q, start, col)) => {
                    // A backslash escape in "…", or '' inside '…'.
                    let escaped = (q == '"' && c == '\\')
                        || (c == '\'' && q == '\'' && chars.peek().map(|&(_, c)| c) == Some('\''));
                    if escaped {
                        chars.next();
                    } else if c == q {
                        if start != n + 1 {
                            out.push((start, col, n + 1));
                        }
                        open = None;
                        last = Some(c);
                    }
                }
                None => {
                    let value_start = matches!(last, None | Some(':' | '-' | '[' | '{' | ','));
                    if c == '#' && prev_blank {
                        break;
                    }
                    if (c == '"' || c == '\'') && value_start && prev_blank {
                        open = Some((c, n + 1, i + 1));
                    } else if !c.is_whitespace() {
                        last = Some(c);
                    }
                    prev_blank = c.is_whitespace() || matches!(c, '[' | '{' | ',');
                }
            }
        }
    }
    out
}

/// Where `key` is written a second time in the mapping whose first key is at
/// `first`.
fn second_key(entries: &[Entry], first: (usize, usize), key: &str) -> Option<(usize, usize)> {
    let start = entries
        .iter()
        .position(|e| !e.is_dash && (e.line, e.col) >= first)?;
    let indent = entries[start].indent;
    entries[start..]
        .iter()
        .take_while(|e| e.indent >= indent)
        .filter(|e| !e.is_dash && e.indent == indent && key_of(&e.text) == Some(key))
        .nth(1)
        .map(|e| (e.line, e.col))
}

/// The span from 1-based `line` and `col` to the end of that line (without
/// a trailing comment's blanks), when the place is in the text.
fn span_at(source: &Source, (line, col): (usize, usize)) -> Option<Span> {
    let start = source.offset(line, col)?;
    let rest = &source.text()[start..];
    let end = start + rest.find('\n').unwrap_or(rest.len());
    let end = start + source.text()[start..end].trim_end().len();
    Some(source.span(start..end))
}

/// A diagnostic at a place found by line and column: as a span when the
/// place is in the text, otherwise (a parser's mark past a line's end) at
/// the line and column as they are.
fn diagnostic_at(
    source: &Source,
    (line, col): (usize, usize),
    message: impl Into<String>,
) -> Diagnostic {
    match span_at(source, (line, col)) {
        Some(span) => Diagnostic::at(span, message),
        None => Diagnostic::error(source.name(), line, col, message),
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

fn find_key_with_null(value: &Value) -> Option<String> {
    value.as_mapping()?.iter().find_map(|(k, v)| {
        v.is_null()
            .then(|| k.as_str().map(str::to_string))
            .flatten()
    })
}

/// "`a`, `b` or `c`" → "a, b, c".
fn names(list: &str) -> String {
    list.replace("` or `", "`, `").replace('`', "")
}

/// serde's "string \"tre\", expected u32" in Swedish, values in «».
fn translate_type(rest: &str) -> String {
    let mut quoted = String::new();
    let mut open = false;
    for c in rest.chars() {
        if c == '`' || c == '"' {
            quoted.push(if open { '»' } else { '«' });
            open = !open;
        } else {
            quoted.push(c);
        }
    }
    quoted
        .replace("unit value", "tomt värde")
        .replace("floating point", "decimaltal")
        .replace("integer", "heltal")
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
    strip_path(msg).to_string()
}

/// Drops a leading path such as ".[0]: " that yaml_serde adds.
fn strip_path(msg: &str) -> &str {
    match msg.split_once(": ") {
        Some((head, tail)) if head.starts_with('.') || head.ends_with(']') => tail,
        _ => msg,
    }
}

/// Where the value of a `key: value` entry is written (the key itself
/// when the value follows on the next lines).
fn value_place(e: &Entry) -> (usize, usize) {
    let value_off = e.text.find(':').map_or(0, |c| {
        let after = &e.text[c + 1..];
        let trimmed = after.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            0
        } else {
            e.text[..c + 1].chars().count() + after.chars().count() - trimmed.chars().count()
        }
    });
    (e.line, e.col + value_off)
}

fn key_of(text: &str) -> Option<&str> {
    let (k, _) = text.split_once(':')?;
    let k = k.trim();
    Some(k.trim_matches(|c| c == '"' || c == '\''))
}

/// For each entry, the index of the first later entry indented no deeper.
fn skips(entries: &[Entry]) -> Vec<usize> {
    let mut skip = vec![entries.len(); entries.len()];
    let mut open: Vec<usize> = Vec::new();
    for (j, e) in entries.iter().enumerate() {
        while let Some(&i) = open.last() {
            if entries[i].indent >= e.indent {
                skip[i] = j;
                open.pop();
            } else {
                break;
            }
        }
        open.push(j);
    }
    skip
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
    fn strings_located_in_one_pass_are_where_each_path_locates_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = vec![
            SRC.to_string(),
            "a: [x, y]\nb: {c: z}\nd:\n  - - e\n    - f\n  - g: h\n    i: 'j'\n".to_string(),
        ];
        for f in ["content/kit.yaml", "content/contacts.yaml"] {
            texts.push(std::fs::read_to_string(root.join(f)).expect("shipped file"));
        }
        for text in texts {
            let d = YamlDoc::parse("t.yaml", &text).expect("parses");
            let mut each = Vec::new();
            d.walk_slow(&d.root, &mut Vec::new(), &mut each);
            assert!(!each.is_empty());
            assert_eq!(d.string_spans(), each, "{text}");
        }
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
        // At the bracket that is never closed, not where the parser gave up.
        assert_eq!(e.line_col(), (1, 4));
        assert_eq!(
            e.message,
            "YAML-syntaxfel: listan som börjar med [ avslutas aldrig med ]"
        );
    }

    fn syntax(src: &str) -> (usize, usize, String) {
        let e = YamlDoc::parse("x.yaml", src).err().expect("syntax error");
        let (line, col) = e.line_col();
        (line, col, e.message)
    }

    #[test]
    fn unclosed_quote_is_reported_on_its_own_line() {
        // The quoted value swallows the lines below and ends at the next quote.
        let src = "hours: \"07-22\n\nswitchboard:\n  name: Växel\n  number: \"0920-28 40 00\"\n";
        assert_eq!(
            syntax(src),
            (
                1,
                8,
                "YAML-syntaxfel: citattecknet avslutas inte på samma rad".into()
            )
        );
        assert_eq!(
            syntax("a: 1\nb: 'x\n"),
            (2, 4, "YAML-syntaxfel: citattecknet avslutas aldrig".into())
        );
    }

    #[test]
    fn apostrophe_inside_a_value_is_not_a_quote() {
        assert!(multiline_quotes("a: Region's\nb: 'x'\nc: \"y\"\n").is_empty());
        assert_eq!(multiline_quotes("a: \"x\n  y\"\n"), [(1, 4, 2)]);
    }

    #[test]
    fn duplicate_key_points_at_the_second_one() {
        let src = "h:\n  - id: a\n    name: X\n    name: Y\n  - id: b\n    name: Z\n";
        assert_eq!(
            syntax(src),
            (4, 5, "YAML-syntaxfel: fältet «name» står två gånger".into())
        );
    }

    #[test]
    fn missing_colon_and_tab_are_explained() {
        assert_eq!(
            syntax("h:\n  - id: a\n    name X\n    m: 1\n"),
            (3, 5, "YAML-syntaxfel: kolon saknas efter fältnamnet".into())
        );
        assert_eq!(
            syntax("a:\n\t- 1\n"),
            (
                2,
                1,
                "YAML-syntaxfel: tabbtecken är inte tillåtna i indraget".into()
            )
        );
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

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Pr {
        sheets: u32,
        name: String,
    }

    fn one_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(src: &str) -> String {
        let d = YamlDoc::parse("p.yaml", src).expect("valid yaml");
        let mut diags = Vec::new();
        let got = d.get::<T>(&d.root, &[], &mut diags);
        assert!(got.is_none(), "{got:?}");
        diags[0].to_string()
    }

    #[test]
    fn wrong_type_points_at_the_value_and_quotes_it() {
        assert_eq!(
            one_error::<Pr>("name: x\nsheets: tio\n"),
            "p.yaml:2:9: error: fel typ av värde: text «tio», väntade ett heltal ≥ 0"
        );
        assert_eq!(
            one_error::<Pr>("name:\nsheets: 3\n"),
            "p.yaml:1:1: error: fältet «name» är tomt\n  hjälp: skriv värdet efter kolonet på samma rad"
        );
    }

    #[test]
    fn allowed_fields_are_listed_in_swedish() {
        assert_eq!(
            one_error::<Pr>("name: x\nsheets: 3\nnmae: y\n"),
            "p.yaml:3:1: error: okänt fält «nmae»\n  hjälp: tillåtna fält här: sheets, name"
        );
    }
}
