//! A path-tracking reader over a parsed TOML tree.
//!
//! Serde stops at the first error; a scenario author wants every problem at
//! once, each with its field path. So each accessor here records the key it
//! read (for the "unknown field" check and its "expected one of" list),
//! checks the value, and on any problem records it and returns the default,
//! so validation carries on through the rest of the file.

use crate::dist::{DIST_NAMES, DistSpec, Sampler};
use crate::time::{SimDuration, parse_duration};
use toml::{Table, Value};

/// One thing wrong with a scenario: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// What unit a distribution's parameters are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Duration strings such as "6m"; sampled values are milliseconds.
    Duration,
    /// Plain numbers.
    Number,
}

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
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        }
    }

    pub fn problem(&mut self, key: &str, message: impl Into<String>) {
        let path = self.path_of(key);
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

    fn get(&mut self, key: &str) -> Option<&'a Value> {
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

    /// One of a fixed set of words.
    pub fn choice(&mut self, key: &str, default: &str, options: &[&str]) -> String {
        let s = self.string(key, default);
        if options.contains(&s.as_str()) {
            s
        } else {
            self.problem(
                key,
                format!("expected one of {}, found {s:?}", options.join(", ")),
            );
            default.to_string()
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

    /// A distribution: `{ dist = "lognormal", mean = "6m", sd = "4m" }`, or
    /// a bare value meaning a constant.
    pub fn dist(&mut self, key: &str, default: DistSpec, unit: Unit) -> (DistSpec, Sampler) {
        let fallback = |spec: DistSpec| {
            // Defaults are valid by construction; a default that is not is a
            // programming error caught by the unit tests of the schema.
            let sampler = spec.sampler().unwrap_or(Sampler::Constant(0.0));
            (spec, sampler)
        };
        let Some(value) = self.get(key) else {
            return fallback(default);
        };
        match read_dist(value, unit) {
            Ok(spec) => match spec.sampler() {
                Ok(sampler) => (spec, sampler),
                Err(message) => {
                    self.problem(key, message);
                    fallback(default)
                }
            },
            Err((sub, message)) => {
                let path = match sub {
                    Some(sub) => format!("{key}.{sub}"),
                    None => key.to_string(),
                };
                self.problem(&path, message);
                fallback(default)
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
                        path: if self.path.is_empty() {
                            key.clone()
                        } else {
                            format!("{}.{}", self.path, key)
                        },
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

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string {s:?}"),
        Value::Integer(i) => format!("the number {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("{b}"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "a list".to_string(),
        Value::Table(_) => "a table".to_string(),
    }
}

fn read_duration(v: &Value) -> Result<SimDuration, String> {
    match v {
        Value::String(s) => parse_duration(s).map_err(|e| e.to_string()),
        Value::Integer(0) => Ok(SimDuration::ZERO),
        other => Err(format!(
            "expected a duration string like \"90s\", \"6m\" or \"3h\", found {}",
            describe(other)
        )),
    }
}

/// Reads a distribution value; on error, the sub-key at fault (if any) and
/// the message.
fn read_dist(v: &Value, unit: Unit) -> Result<DistSpec, (Option<String>, String)> {
    let param = |table: &Table, name: &str| -> Result<f64, (Option<String>, String)> {
        let Some(value) = table.get(name) else {
            return Err((
                Some(name.to_string()),
                "missing: this distribution needs it".to_string(),
            ));
        };
        read_param(value, unit).map_err(|m| (Some(name.to_string()), m))
    };
    match v {
        Value::Table(table) => {
            let Some(name) = table.get("dist") else {
                return Err((
                    Some("dist".to_string()),
                    format!(
                        "missing: name the distribution, one of {}",
                        dist_names().join(", ")
                    ),
                ));
            };
            let Value::String(name) = name else {
                return Err((
                    Some("dist".to_string()),
                    format!("expected a distribution name, found {}", describe(name)),
                ));
            };
            let Some((_, params)) = DIST_NAMES.iter().find(|(n, _)| n == name) else {
                return Err((
                    Some("dist".to_string()),
                    format!(
                        "unknown distribution {name:?}; expected one of {}",
                        dist_names().join(", ")
                    ),
                ));
            };
            for key in table.keys() {
                if key != "dist" && !params.contains(&key.as_str()) {
                    return Err((
                        Some(key.clone()),
                        format!(
                            "unknown parameter for the {name} distribution; expected {}",
                            params.join(", ")
                        ),
                    ));
                }
            }
            // Shapes are plain numbers whatever the unit of the values.
            let shape = |table: &Table, name: &str| -> Result<f64, (Option<String>, String)> {
                match table.get(name).and_then(as_f64) {
                    Some(x) => Ok(x),
                    None => Err((Some(name.to_string()), "expected a number".to_string())),
                }
            };
            Ok(match name.as_str() {
                "constant" => DistSpec::Constant {
                    value: param(table, "value")?,
                },
                "exponential" => DistSpec::Exponential {
                    mean: param(table, "mean")?,
                },
                "lognormal" => DistSpec::LogNormal {
                    mean: param(table, "mean")?,
                    sd: param(table, "sd")?,
                },
                "gamma" => DistSpec::Gamma {
                    mean: param(table, "mean")?,
                    sd: param(table, "sd")?,
                },
                "weibull" => DistSpec::Weibull {
                    shape: shape(table, "shape")?,
                    scale: param(table, "scale")?,
                },
                "uniform" => DistSpec::Uniform {
                    min: param(table, "min")?,
                    max: param(table, "max")?,
                },
                "pareto" => DistSpec::Pareto {
                    scale: param(table, "scale")?,
                    shape: shape(table, "shape")?,
                },
                _ => unreachable!("names come from DIST_NAMES"),
            })
        }
        other => read_param(other, unit)
            .map(|value| DistSpec::Constant { value })
            .map_err(|m| {
                (
                    None,
                    format!(
                        "{m}; or a distribution like {{ dist = \"exponential\", mean = {} }}",
                        if unit == Unit::Duration {
                            "\"1h\""
                        } else {
                            "2.0"
                        }
                    ),
                )
            }),
    }
}

fn read_param(v: &Value, unit: Unit) -> Result<f64, String> {
    match unit {
        Unit::Duration => read_duration(v).map(|d| d.as_millis() as f64),
        Unit::Number => match as_f64(v) {
            Some(x) if x.is_finite() => Ok(x),
            Some(x) => Err(format!("expected a finite number, found {x}")),
            None => Err(format!("expected a number, found {}", describe(v))),
        },
    }
}

fn dist_names() -> Vec<&'static str> {
    DIST_NAMES.iter().map(|(n, _)| *n).collect()
}

/// The known key closest to a mistyped one, if it is close enough to be a
/// typo (edit distance at most 2, or a third of the length).
fn closest<'k>(key: &str, known: &'k [String]) -> Option<&'k str> {
    let limit = (key.len() / 3).max(2);
    known
        .iter()
        .map(|k| (edit_distance(key, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
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

    #[test]
    fn reads_distributions_and_constants() {
        let t = table(
            r#"
            w = { dist = "lognormal", mean = "6m", sd = "4m" }
            c = "90s"
            n = { dist = "pareto", scale = 0.2, shape = 1.5 }
            bad = { dist = "normal", mean = "1h" }
            bad_param = { dist = "exponential", mean = "1h", sd = "1h" }
            "#,
        );
        let mut root = Section::root(&t);
        let (w, _) = root.dist("w", DistSpec::Constant { value: 0.0 }, Unit::Duration);
        let (c, _) = root.dist("c", DistSpec::Constant { value: 0.0 }, Unit::Duration);
        let (n, _) = root.dist("n", DistSpec::Constant { value: 0.0 }, Unit::Number);
        root.dist("bad", DistSpec::Constant { value: 0.0 }, Unit::Duration);
        root.dist(
            "bad_param",
            DistSpec::Constant { value: 0.0 },
            Unit::Duration,
        );
        assert_eq!(
            w,
            DistSpec::LogNormal {
                mean: 360_000.0,
                sd: 240_000.0
            }
        );
        assert_eq!(c, DistSpec::Constant { value: 90_000.0 });
        assert_eq!(
            n,
            DistSpec::Pareto {
                scale: 0.2,
                shape: 1.5
            }
        );
        let problems = root.finish();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].path, "bad.dist");
        assert_eq!(problems[1].path, "bad_param.sd");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
