//! A path-tracking reader over a parsed TOML tree.
//!
//! Serde stops at the first error; a scenario author wants every problem at
//! once, each with its field path. So each accessor here records the key it
//! read (for the "unknown field" check and its "expected one of" list),
//! checks the value, and on any problem records it and returns the default,
//! so validation carries on through the rest of the file.

pub use super::distribution::Unit;
pub use super::error::Problem;
use super::values::{as_f64, closest, describe, read_duration};
use crate::time::SimDuration;
use toml::{Table, Value};

/// A table being read, with the keys read so far and the problems found.
pub struct Section<'a> {
    table: Option<&'a Table>,
    path: String,
    read: Vec<String>,
    problems: Vec<Problem>,
}

impl<'a> Section<'a> {
    pub fn root(table: &'a Table) -> Section<'a> {
        Section {
            table: Some(table),
            path: String::new(),
            read: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The dotted path of a key of this section.
    pub fn path_of(&self, key: &str) -> String {
        join_path(&self.path, key)
    }

    /// Records a problem at `key`, or at a path below it (`key.sub`,
    /// `key.3`), so not quoted as one key.
    pub fn problem(&mut self, key: &str, message: impl Into<String>) {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        self.problems.push(Problem {
            path,
            message: message.into(),
        });
    }

    /// Records a problem about the section itself (not one key).
    pub fn section_problem(&mut self, message: impl Into<String>) {
        self.problems.push(Problem {
            path: if self.path.is_empty() {
                "(top level)".to_string()
            } else {
                self.path.clone()
            },
            message: message.into(),
        });
    }

    pub fn has(&self, key: &str) -> bool {
        self.table.is_some_and(|t| t.contains_key(key))
    }

    pub(super) fn get(&mut self, key: &str) -> Option<&'a Value> {
        if !self.read.iter().any(|k| k == key) {
            self.read.push(key.to_string());
        }
        self.table.and_then(|t| t.get(key))
    }

    fn wrong_type(&mut self, key: &str, expected: &str, found: &Value) {
        self.problem(
            key,
            format!("expected {expected}, found {}", describe(found)),
        );
    }

    /// A number (integer or float) accepted by `check`, which returns what
    /// was expected when the value is out of range.
    pub fn number(
        &mut self,
        key: &str,
        default: f64,
        check: impl Fn(f64) -> Result<(), String>,
    ) -> f64 {
        match self.get(key) {
            None => default,
            Some(v) => match as_f64(v) {
                Some(x) => match check(x) {
                    Ok(()) => x,
                    Err(expected) => {
                        self.problem(key, format!("expected {expected}, found {x}"));
                        default
                    }
                },
                None => {
                    self.wrong_type(key, "a number", v);
                    default
                }
            },
        }
    }

    /// A required number: a problem if absent.
    pub fn required_number(&mut self, key: &str, check: impl Fn(f64) -> Result<(), String>) -> f64 {
        if self.table.is_some_and(|t| !t.contains_key(key)) || self.table.is_none() {
            self.get(key);
            self.problem(key, "missing: this field is required");
            return 0.0;
        }
        self.number(key, 0.0, check)
    }

    pub fn non_negative(&mut self, key: &str, default: f64) -> f64 {
        self.number(key, default, at_least(0.0))
    }

    pub fn probability(&mut self, key: &str, default: f64) -> f64 {
        self.number(key, default, |x| {
            if (0.0..=1.0).contains(&x) {
                Ok(())
            } else {
                Err("a probability between 0 and 1".to_string())
            }
        })
    }

    /// A whole number in `min..=max`.
    pub fn integer(&mut self, key: &str, default: u64, min: u64, max: u64) -> u64 {
        match self.get(key) {
            None => default,
            Some(Value::Integer(i)) if *i >= min as i64 && (*i as u64) <= max => *i as u64,
            Some(Value::Integer(i)) => {
                let i = *i;
                self.problem(
                    key,
                    format!("expected a whole number from {min} to {max}, found {i}"),
                );
                default
            }
            Some(v) => {
                self.wrong_type(key, "a whole number", v);
                default
            }
        }
    }

    pub fn boolean(&mut self, key: &str, default: bool) -> bool {
        match self.get(key) {
            None => default,
            Some(Value::Boolean(b)) => *b,
            Some(v) => {
                self.wrong_type(key, "true or false", v);
                default
            }
        }
    }

    pub fn string(&mut self, key: &str, default: &str) -> String {
        match self.get(key) {
            None => default.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => {
                self.wrong_type(key, "a string", v);
                default.to_string()
            }
        }
    }

    /// One of a fixed set of words, each naming a value.
    pub fn choice<T: Copy>(&mut self, key: &str, default: T, options: &[(&str, T)]) -> T {
        match self.get(key) {
            None => default,
            Some(Value::String(s)) => match options.iter().find(|(name, _)| name == s) {
                Some((_, value)) => *value,
                None => {
                    let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
                    self.problem(
                        key,
                        format!(
                            "expected one of {}, found {:?}",
                            names.join(", "),
                            super::error::shorten(s)
                        ),
                    );
                    default
                }
            },
            Some(v) => {
                self.wrong_type(key, "a string", v);
                default
            }
        }
    }

    pub fn duration(&mut self, key: &str, default: SimDuration) -> SimDuration {
        match self.get(key) {
            None => default,
            Some(v) => match read_duration(v) {
                Ok(d) => d,
                Err(message) => {
                    self.problem(key, message);
                    default
                }
            },
        }
    }

    pub fn strings(&mut self, key: &str, default: &[&str]) -> Vec<String> {
        match self.get(key) {
            None => default.iter().map(|s| s.to_string()).collect(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        other => {
                            let path = format!("{key}.{i}");
                            self.wrong_type(&path, "a string", other);
                        }
                    }
                }
                out
            }
            Some(v) => {
                self.wrong_type(key, "a list of strings", v);
                Vec::new()
            }
        }
    }

    pub fn durations(&mut self, key: &str, default: &[SimDuration]) -> Vec<SimDuration> {
        match self.get(key) {
            None => default.to_vec(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match read_duration(item) {
                        Ok(d) => out.push(d),
                        Err(message) => self.problem(&format!("{key}.{i}"), message),
                    }
                }
                out
            }
            Some(v) => {
                self.wrong_type(key, "a list of durations like [\"1h\", \"4h\"]", v);
                default.to_vec()
            }
        }
    }

    /// A list of numbers, each accepted by `check`, of exactly `len` items
    /// when given.
    pub fn numbers(
        &mut self,
        key: &str,
        default: &[f64],
        len: Option<usize>,
        check: impl Fn(f64) -> Result<(), String>,
    ) -> Vec<f64> {
        match self.get(key) {
            None => default.to_vec(),
            Some(Value::Array(items)) => {
                if let Some(n) = len
                    && items.len() != n
                {
                    self.problem(
                        key,
                        format!("expected a list of {n} numbers, found {}", items.len()),
                    );
                    return default.to_vec();
                }
                let mut out = Vec::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{key}.{i}");
                    match as_f64(item) {
                        Some(x) => match check(x) {
                            Ok(()) => out.push(x),
                            Err(expected) => {
                                ok = false;
                                self.problem(&path, format!("expected {expected}, found {x}"));
                            }
                        },
                        None => {
                            ok = false;
                            self.wrong_type(&path, "a number", item);
                        }
                    }
                }
                if ok { out } else { default.to_vec() }
            }
            Some(v) => {
                self.wrong_type(key, "a list of numbers", v);
                default.to_vec()
            }
        }
    }

    /// Reads a sub-table with `f`; an absent sub-table reads as empty, so
    /// every field takes its default.
    pub fn section<T>(&mut self, key: &str, f: impl FnOnce(&mut Section<'a>) -> T) -> T {
        let path = self.path_of(key);
        let table = match self.get(key) {
            None => None,
            Some(Value::Table(t)) => Some(t),
            Some(v) => {
                self.wrong_type(key, "a table", v);
                None
            }
        };
        let mut child = Section {
            table,
            path,
            read: Vec::new(),
            problems: Vec::new(),
        };
        let out = f(&mut child);
        self.problems.extend(child.finish());
        out
    }

    /// The length of a list of tables (`shifts = [{...}, {...}]`); a
    /// problem and `None` if the value is not a list.
    pub fn array_len(&mut self, key: &str) -> Option<usize> {
        match self.get(key) {
            None => None,
            Some(Value::Array(items)) => Some(items.len()),
            Some(v) => {
                self.wrong_type(key, "a list of tables", v);
                None
            }
        }
    }

    /// Reads item `index` of a list of tables with `f`.
    pub fn section_in_array<T>(
        &mut self,
        key: &str,
        index: usize,
        f: impl FnOnce(&mut Section<'a>) -> T,
    ) -> T {
        let item_key = format!("{key}.{index}");
        let path = self.path_of(&item_key);
        let item = match self.get(key) {
            Some(Value::Array(items)) => items.get(index),
            _ => None,
        };
        let table = match item {
            Some(Value::Table(t)) => Some(t),
            Some(v) => {
                self.wrong_type(&item_key, "a table", v);
                None
            }
            None => None,
        };
        let mut child = Section {
            table,
            path,
            read: Vec::new(),
            problems: Vec::new(),
        };
        let out = f(&mut child);
        self.problems.extend(child.finish());
        out
    }

    /// Reads a table of named tables (`[staff.teams.technical]`), each
    /// with `f`, in name order.
    pub fn named_sections<T>(
        &mut self,
        key: &str,
        mut f: impl FnMut(&str, &mut Section<'a>) -> T,
    ) -> Vec<(String, T)> {
        let mut out = Vec::new();
        let names: Vec<String> = match self.get(key) {
            None => Vec::new(),
            Some(Value::Table(t)) => t.keys().cloned().collect(),
            Some(v) => {
                self.wrong_type(key, "a table of named tables", v);
                Vec::new()
            }
        };
        self.section(key, |parent| {
            for name in names {
                let value = parent.section(&name, |child| f(&name, child));
                out.push((name, value));
            }
        });
        out
    }

    /// The problems of this section, plus one for each key never read.
    pub fn finish(self) -> Vec<Problem> {
        let mut problems = self.problems;
        if let Some(table) = self.table {
            for key in table.keys() {
                if !self.read.iter().any(|k| k == key) {
                    let suggestion = closest(key, &self.read)
                        .map(|k| format!(" (did you mean `{k}`?)"))
                        .unwrap_or_default();
                    let mut known = self.read.clone();
                    known.sort();
                    problems.push(Problem {
                        path: join_path(&self.path, key),
                        message: format!(
                            "unknown field{suggestion}; expected one of: {}",
                            known.join(", ")
                        ),
                    });
                }
            }
        }
        problems
    }
}

/// The dotted path of `key` in the section at `path`.
fn join_path(path: &str, key: &str) -> String {
    let key = path_segment(key);
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

/// A key as a segment of a dotted path: quoted, as TOML writes it, when
/// it is blank, so that the path still says where the key is (`""`, not
/// an empty path). Other keys stay as they are: callers pass sub-paths
/// such as `shifts.0` as keys.
fn path_segment(key: &str) -> String {
    if key.trim().is_empty() {
        format!("{key:?}")
    } else {
        key.to_string()
    }
}

/// A check that a number is finite and at least `min`.
pub fn at_least(min: f64) -> impl Fn(f64) -> Result<(), String> {
    move |x| {
        if x.is_finite() && x >= min {
            Ok(())
        } else {
            Err(format!("a finite number >= {min}"))
        }
    }
}

/// A check that a number is finite and strictly greater than `min`.
pub fn greater_than(min: f64) -> impl Fn(f64) -> Result<(), String> {
    move |x| {
        if x.is_finite() && x > min {
            Ok(())
        } else {
            Err(format!("a finite number > {min}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        text.parse().unwrap()
    }

    #[test]
    fn collects_every_problem_with_its_path() {
        let t = table(
            r#"
            [a]
            rate = -1
            p = 1.5
            d = "3x"
            typo_feild = 1
            "#,
        );
        let mut root = Section::root(&t);
        root.section("a", |a| {
            a.non_negative("rate", 1.0);
            a.probability("p", 0.5);
            a.duration("d", SimDuration::ZERO);
            a.number("typo_field", 0.0, at_least(0.0));
        });
        let problems = root.finish();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["a.rate", "a.p", "a.d", "a.typo_feild"]);
        assert!(problems[3].message.contains("did you mean `typo_field`"));
    }

    /// Found by tests/fuzz.rs: an unknown key `"" = 1` gave a problem with
    /// an empty path, printed as `  : unknown field`.
    #[test]
    fn blank_keys_are_quoted_in_paths() {
        let t = table("\"\" = 1\n[s]\n\" \" = 3\n");
        let mut root = Section::root(&t);
        root.section("s", |_| {});
        let mut paths: Vec<String> = root.finish().into_iter().map(|p| p.path).collect();
        paths.sort();
        assert_eq!(paths, ["\"\"", "s.\" \""]);
    }
}
