//! `docs/scenario-reference.md` agrees with `defaults::reference()`: every
//! field is documented, no documented field is unknown, and each documented
//! default equals the code's.

use entraide::scenario::defaults::{FieldDefault, reference};
use std::collections::BTreeMap;
use toml::Value;

/// `(path, default text)` for every row of a field table, the path prefixed
/// by its `## [section]` heading, with `NAME` written `*`.
fn documented() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string("docs/scenario-reference.md").unwrap();
    let mut out = BTreeMap::new();
    let mut section: Option<String> = None;
    let mut default_col = None;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            default_col = None;
            section = if h == "Top level" {
                Some(String::new())
            } else {
                h.strip_prefix("`[")
                    .and_then(|s| s.strip_suffix("]`"))
                    .map(|s| format!("{}.", s.replace("NAME", "*")))
            };
            continue;
        }
        let Some(prefix) = &section else { continue };
        if !line.starts_with('|') {
            continue;
        }
        // `\|` is a pipe inside a cell, not a cell boundary.
        let line = line.replace("\\|", "\u{1}");
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells[0] == "field" {
            default_col = cells.iter().position(|c| *c == "default");
            continue;
        }
        let (Some(col), Some(name)) = (
            default_col,
            cells[0].strip_prefix('`').and_then(|c| c.strip_suffix('`')),
        ) else {
            continue;
        };
        let path = format!("{prefix}{name}").replace("[i]", "[]");
        out.insert(path, cells[col].replace('\u{1}', "|"));
    }
    out
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Float(y)) | (Value::Float(y), Value::Integer(x)) => {
            *x as f64 == *y
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Table(x), Value::Table(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        (Value::String(x), Value::String(y)) => {
            x == y || seconds(x).is_some_and(|s| Some(s) == seconds(y))
        }
        _ => a == b,
    }
}

/// A duration such as `"24h"` in seconds, so that `"24h"` states `"1d"`.
fn seconds(text: &str) -> Option<u64> {
    let unit = match text.chars().last()? {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return None,
    };
    let n: u64 = text[..text.len() - 1].parse().ok()?;
    Some(n * unit)
}

/// Does the docs' default text state `want`? Backticks are dropped; the
/// text is read as a TOML value, or as "all N" for a list of equal items.
fn states(doc: &str, want: &FieldDefault) -> bool {
    let doc = doc.replace('`', "");
    let doc = doc.trim();
    match want {
        FieldDefault::Required => doc.starts_with("**required**"),
        FieldDefault::Derived(_) => !doc.starts_with("**required**"),
        FieldDefault::Value(want) => {
            if let (Some(n), Value::Array(items)) = (doc.strip_prefix("all "), want) {
                return toml::from_str::<toml::Table>(&format!("x = {n}"))
                    .is_ok_and(|t| items.iter().all(|i| same(i, &t["x"])));
            }
            toml::from_str::<toml::Table>(&format!("x = {doc}")).is_ok_and(|t| same(&t["x"], want))
        }
    }
}

fn show(d: &FieldDefault) -> String {
    match d {
        FieldDefault::Value(v) => v.to_string(),
        FieldDefault::Required => "required".into(),
        FieldDefault::Derived(t) => format!("derived ({t})"),
    }
}

#[test]
fn the_reference_docs_state_the_code_defaults() {
    let docs = documented();
    let code = reference();
    let mut problems = Vec::new();
    for f in &code {
        match docs.get(f.path) {
            None => problems.push(format!("{}: not documented", f.path)),
            Some(doc) if !states(doc, &f.default) => problems.push(format!(
                "{}: the docs say {doc}, the code says {}",
                f.path,
                show(&f.default)
            )),
            Some(_) => {}
        }
    }
    for path in docs.keys() {
        // A table of tables (`demand.topics`) is documented by its own row;
        // the code lists only the fields inside it.
        let inner = format!("{path}.*.");
        if !code
            .iter()
            .any(|f| f.path == path || f.path.starts_with(&inner))
        {
            problems.push(format!("{path}: documented but not a field of reference()"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
