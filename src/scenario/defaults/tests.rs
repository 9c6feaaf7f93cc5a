//! Checks that the `init` template and the reader agree with `reference()`.

use super::*;
use crate::scenario::Scenario;
use crate::scenario::overrides::NAMED_TABLES;
use crate::time::parse_duration;
use toml::{Table, Value};

const TEMPLATE: &str = include_str!("../template.toml");

/// Fields the template sets to an example rather than to the default,
/// as its header says ("but for the required demand figures, the example
/// topics and team, and the example's 60 experts").
const TEMPLATE_EXAMPLES: &[&str] = &[
    "name",
    "description",
    "demand.topics.*.account_probability",
    "staff.teams.*.count",
    "staff.teams.*.topics",
    // A working forum out of the box: with the default 0, half the
    // template's customers give up.
    "experts.initial",
];
/// Fields the template shows only in a comment.
const COMMENTED_IN_TEMPLATE: &[&str] = &["extends"];

/// A field set in a file: its concrete path segments, its path in
/// `reference()` form (`*` for a chosen name, `[]` for a list item),
/// and its value.
struct Leaf {
    segments: Vec<String>,
    path: String,
    value: Value,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Every field of `table`, depth first. A table is a field when it is a
/// distribution (it has `dist`); a list of tables is a field and its
/// items' keys are fields too.
fn leaves(table: &Table, segments: &[String], path: &str, out: &mut Vec<Leaf>) {
    for (key, value) in table {
        let mut here = segments.to_vec();
        here.push(key.clone());
        let generic = if NAMED_TABLES.contains(&path) {
            join(path, "*")
        } else {
            join(path, key)
        };
        match value {
            Value::Table(t) if !t.contains_key("dist") => leaves(t, &here, &generic, out),
            Value::Array(items) if !items.is_empty() && items.iter().all(|i| i.is_table()) => {
                out.push(Leaf {
                    segments: here.clone(),
                    path: generic.clone(),
                    value: value.clone(),
                });
                for (i, item) in items.iter().enumerate() {
                    let mut at = here.clone();
                    at.push(i.to_string());
                    if let Value::Table(t) = item {
                        leaves(t, &at, &format!("{generic}[]"), out);
                    }
                }
            }
            _ => out.push(Leaf {
                segments: here,
                path: generic,
                value: value.clone(),
            }),
        }
    }
}

/// Equal as the reader sees them: 16 and 16.0 are one number, "0s" and
/// "0m" one duration.
fn same_value(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            x == y || matches!((parse_duration(x), parse_duration(y)), (Ok(p), Ok(q)) if p == q)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Value::Table(x), Value::Table(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| same_value(p, q)))
        }
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

fn template() -> (Table, Vec<Leaf>) {
    let table: Table = TEMPLATE.parse().expect("the template is valid TOML");
    let mut out = Vec::new();
    leaves(&table, &[], "", &mut out);
    (table, out)
}

fn doc(path: &str) -> Option<FieldDoc> {
    reference().into_iter().find(|d| d.path == path)
}

#[test]
fn every_field_the_template_sets_is_documented_with_that_default() {
    let (_, leaves) = template();
    let mut wrong = Vec::new();
    for leaf in &leaves {
        let Some(doc) = doc(&leaf.path) else {
            wrong.push(format!("{}: not in defaults::reference()", leaf.path));
            continue;
        };
        if TEMPLATE_EXAMPLES.contains(&leaf.path.as_str()) {
            continue;
        }
        match &doc.default {
            FieldDefault::Value(default) if same_value(&leaf.value, default) => {}
            FieldDefault::Value(default) => wrong.push(format!(
                "{}: the template says {}, the default is {default}",
                leaf.path, leaf.value
            )),
            // A required field has no default to agree with.
            FieldDefault::Required => {}
            other => wrong.push(format!(
                "{}: the template sets a field whose default is {other:?} \
                 (list it in TEMPLATE_EXAMPLES)",
                leaf.path
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_documented_field_is_in_the_template() {
    let (_, leaves) = template();
    for doc in reference() {
        if COMMENTED_IN_TEMPLATE.contains(&doc.path) {
            assert!(
                TEMPLATE.contains(&format!("# {} =", doc.path)),
                "{} should be shown in a comment of the template",
                doc.path
            );
        } else {
            assert!(
                leaves.iter().any(|l| l.path == doc.path),
                "{} is documented but the template does not show it",
                doc.path
            );
        }
    }
    for path in TEMPLATE_EXAMPLES {
        assert!(
            leaves.iter().any(|l| l.path == *path),
            "{path} is listed as an example but the template does not set it"
        );
    }
}

#[test]
fn reference_paths_are_unique() {
    let docs = reference();
    for (i, d) in docs.iter().enumerate() {
        assert!(
            docs[..i].iter().all(|e| e.path != d.path),
            "{} twice",
            d.path
        );
    }
}

fn remove(table: &mut Table, segments: &[String]) {
    let [first, rest @ ..] = segments else {
        return;
    };
    if rest.is_empty() {
        table.remove(first);
        return;
    }
    let mut node = table.get_mut(first);
    for (i, segment) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        node = match node {
            Some(Value::Table(t)) if last => {
                t.remove(segment);
                return;
            }
            Some(Value::Table(t)) => t.get_mut(segment),
            Some(Value::Array(items)) => {
                let index: usize = segment.parse().expect("an index");
                items.get_mut(index)
            }
            _ => return,
        };
    }
}

/// The reader really uses these defaults: the template with every
/// field at its default deleted reads to the same scenario.
#[test]
fn the_reader_takes_every_default_from_here() {
    let (full, leaves) = template();
    let mut bare = full.clone();
    let mut removed = 0;
    for leaf in &leaves {
        if TEMPLATE_EXAMPLES.contains(&leaf.path.as_str()) {
            continue;
        }
        if let Some(FieldDefault::Value(_)) = doc(&leaf.path).map(|d| d.default) {
            remove(&mut bare, &leaf.segments);
            removed += 1;
        }
    }
    assert!(removed >= 50, "only {removed} fields removed");
    let read = |t: &Table| {
        let (scenario, _, problems): (Scenario, _, _) = Scenario::from_toml(t);
        assert!(problems.is_empty(), "{problems:?}");
        format!("{scenario:#?}")
    };
    let (full, bare) = (read(&full), read(&bare));
    if full != bare {
        let first = full
            .lines()
            .zip(bare.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("template: {a}\nbare:     {b}"));
        panic!("a default differs from reference():\n{first:?}");
    }
}
