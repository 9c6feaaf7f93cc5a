//! The sweep file reader: a `[sweep]` table (scenario, replications, seed,
//! fixed `set`s, `[sweep.vary]` factors and the `[sweep.baseline]` point)
//! read into a `Request`, the same value the command line's `--vary`,
//! `--set` and `--baseline` flags fill in.

use super::plan::{self, Factor};
use super::{SweepError, io_at};
use std::path::{Path, PathBuf};

/// What a sweep file (`[sweep]` table) or the command line asks for.
pub struct Request {
    pub scenario: PathBuf,
    pub sets: Vec<String>,
    pub factors: Vec<Factor>,
    pub replications: u32,
    pub seed: u64,
    pub shard: Option<(u64, u64)>,
    /// The baseline point's value of each factor, as written; empty for
    /// the default (the first point). Checked against the factors by
    /// `Sweep::prepare`.
    pub baseline: Vec<BaselineChoice>,
}

/// One factor's value at the baseline point, as the user wrote it, and
/// where (for error messages).
#[derive(Debug, Clone)]
pub struct BaselineChoice {
    pub path: String,
    pub value: String,
    /// `FILE: sweep.baseline` or `--baseline`.
    pub origin: String,
}

impl BaselineChoice {
    /// Where this choice was written, down to its field path.
    pub fn at(&self) -> String {
        if self.origin.starts_with("--") {
            format!("{} {}={}", self.origin, self.path, self.value)
        } else {
            format!("{}.{}", self.origin, self.path)
        }
    }
}

impl Request {
    /// Adds a `--baseline PATH=VALUE` flag: it replaces the sweep file's
    /// value for the same path; the same path twice on the command line is
    /// refused.
    pub fn add_baseline(&mut self, spec: &str) -> Result<(), SweepError> {
        let (path, value) = plan::parse_baseline(spec).map_err(SweepError::Usage)?;
        if self
            .baseline
            .iter()
            .any(|c| c.path == path && c.origin == "--baseline")
        {
            return Err(SweepError::Usage(format!(
                "--baseline {path}: given twice; give each varied parameter's baseline value once"
            )));
        }
        self.baseline.retain(|c| c.path != path);
        self.baseline.push(BaselineChoice {
            path,
            value,
            origin: "--baseline".into(),
        });
        Ok(())
    }
}

/// Reads a sweep file: `[sweep]` with `scenario` (relative to the sweep
/// file), `replications`, `seed`, `set` (fixed overrides) and a `[sweep.vary]`
/// table of `path = "values"` (the `--vary` syntax) or `path = [values]`
/// (any TOML values, shift lists and distributions included),
/// and an optional `[sweep.baseline]` table of `path = value`, one value of
/// each factor. Returns `None` if the file is a plain scenario.
pub fn read_sweep_file(path: &Path) -> Result<Option<Request>, SweepError> {
    let file = path.display().to_string();
    let text = crate::scenario::read_input(path).map_err(|error| match error.kind() {
        // Not a file entraide could ever read: bad input (exit 2).
        std::io::ErrorKind::FileTooLarge | std::io::ErrorKind::InvalidData => {
            SweepError::Usage(format!("{file}: cannot read: {error}"))
        }
        _ => io_at(path)(error),
    })?;
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        // Not TOML at all: let the scenario reader say so with its message.
        Err(_) => return Ok(None),
    };
    let Some(sweep) = table.get("sweep") else {
        return Ok(None);
    };
    let bad = |field: &str, expected: &str| {
        SweepError::Usage(format!("{file}: sweep.{field}: expected {expected}"))
    };
    let toml::Value::Table(sweep) = sweep else {
        return Err(bad("", "a table"));
    };
    for key in sweep.keys() {
        if ![
            "scenario",
            "replications",
            "seed",
            "set",
            "vary",
            "baseline",
        ]
        .contains(&key.as_str())
        {
            return Err(bad(
                key,
                "one of scenario, replications, seed, set, vary, baseline (unknown field)",
            ));
        }
    }
    let scenario = match sweep.get("scenario") {
        Some(toml::Value::String(s)) => path.parent().unwrap_or(Path::new(".")).join(s),
        _ => {
            return Err(bad(
                "scenario",
                "the path of the scenario file, relative to this file",
            ));
        }
    };
    // A scenario that cannot be read is this file's mistake: say so here,
    // with the field, rather than name a file the user never wrote.
    let unreadable = match std::fs::metadata(&scenario) {
        Ok(m) if m.is_dir() => Some("it is a directory".to_string()),
        Ok(_) => None,
        Err(error) => Some(error.to_string()),
    };
    if let Some(why) = unreadable {
        return Err(bad(
            "scenario",
            &format!(
                "the path of a scenario file, relative to this file; cannot read {}: {why}",
                scenario.display()
            ),
        ));
    }
    let replications = match sweep.get("replications") {
        None => 10,
        Some(toml::Value::Integer(n)) if *n >= 1 && *n <= 1_000_000 => *n as u32,
        _ => return Err(bad("replications", "a whole number from 1 to 1000000")),
    };
    let seed = match sweep.get("seed") {
        None => 1,
        Some(toml::Value::Integer(n)) if *n >= 0 => *n as u64,
        _ => return Err(bad("seed", "a whole number >= 0")),
    };
    let sets = match sweep.get("set") {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("set", "a list of \"path=value\" strings"))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("set", "a list of \"path=value\" strings")),
    };
    let mut factors = Vec::new();
    match sweep.get("vary") {
        None => {}
        Some(toml::Value::Table(vary)) => read_vary(vary, "", &file, &mut factors)?,
        _ => return Err(bad("vary", "a table of path = \"values\"")),
    }
    // Dotted keys nest: sort so that factors keep the documented order,
    // alphabetical by path, however the file wrote them.
    factors.sort_by(|a, b| a.path.cmp(&b.path));
    let mut baseline = Vec::new();
    match sweep.get("baseline") {
        None => {}
        Some(toml::Value::Table(table)) => {
            read_baseline(table, "", &format!("{file}: sweep.baseline"), &mut baseline)?
        }
        _ => {
            return Err(bad(
                "baseline",
                "a table of path = value, one value of each varied parameter",
            ));
        }
    }
    Ok(Some(Request {
        scenario,
        sets,
        factors,
        replications,
        seed,
        shard: None,
        baseline,
    }))
}

/// The `[sweep.vary]` table, flattened (`"a.b" = ..` and the dotted key
/// `a.b = ..` are the same path). A string is the `--vary` syntax; a TOML
/// array lists the values, each string item in the `--vary` syntax (so a
/// range item expands) and each other item one value: a number, or a
/// structured value (a shift list, a distribution) in its canonical form.
fn read_vary(
    table: &toml::Table,
    prefix: &str,
    file: &str,
    out: &mut Vec<Factor>,
) -> Result<(), SweepError> {
    let at = |e: String| SweepError::Usage(format!("{file}: sweep.vary: {e}"));
    for (key, values) in table {
        let path = format!("{prefix}{key}");
        let values = match values {
            toml::Value::Table(inner) if !inner.contains_key("dist") => {
                read_vary(inner, &format!("{path}."), file, out)?;
                continue;
            }
            toml::Value::String(spec) => {
                plan::expand_values(spec.trim()).map_err(|e| at(format!("--vary {path}: {e}")))?
            }
            toml::Value::Array(items) => {
                let mut values = Vec::new();
                for item in items {
                    match item {
                        toml::Value::String(spec) => values.extend(
                            plan::expand_values(spec.trim())
                                .map_err(|e| at(format!("--vary {path}: {e}")))?,
                        ),
                        other => values.push(other.to_string()),
                    }
                }
                values
            }
            other => vec![other.to_string()],
        };
        out.push(plan::factor(&path, values).map_err(at)?);
    }
    Ok(())
}

/// The `[sweep.baseline]` table, flattened: `"policy.intervention_delay" =
/// "3h"` and the nested `policy.intervention_delay = "3h"` are the same.
fn read_baseline(
    table: &toml::Table,
    prefix: &str,
    origin: &str,
    out: &mut Vec<BaselineChoice>,
) -> Result<(), SweepError> {
    for (key, value) in table {
        let path = format!("{prefix}{key}");
        let value = match value {
            toml::Value::Table(inner) if !inner.contains_key("dist") => {
                read_baseline(inner, &format!("{path}."), origin, out)?;
                continue;
            }
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(_) => {
                return Err(SweepError::Usage(format!(
                    "{origin}.{path}: expected one value of this varied parameter, e.g. \"3h\", 12, a label like \"shifts#2\" or a shift list"
                )));
            }
            // Numbers, booleans, and structured values (a shift list, a
            // distribution) in their canonical form.
            other => other.to_string(),
        };
        out.push(BaselineChoice {
            path,
            value,
            origin: origin.to_string(),
        });
    }
    Ok(())
}
