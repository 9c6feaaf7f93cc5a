//! Reading distributions: `{ dist = "lognormal", mean = "6m", sd = "4m" }`
//! or a bare value meaning a constant, into a `DistSpec` and its `Sampler`,
//! with the sub-key at fault when a parameter is wrong.

use super::reader::Section;
use super::values::{as_f64, describe, read_duration};
use crate::dist::{DistKind, DistSpec, Sampler};
use toml::{Table, Value};

/// What unit a distribution's parameters are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Duration strings such as "6m"; sampled values are milliseconds.
    Duration,
    /// Plain numbers.
    Number,
}

impl Section<'_> {
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
            let Some(kind) = DistKind::from_name(name) else {
                return Err((
                    Some("dist".to_string()),
                    format!(
                        "unknown distribution {name:?}; expected one of {}",
                        dist_names().join(", ")
                    ),
                ));
            };
            let params: Vec<&str> = kind.params().iter().map(|p| p.name).collect();
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
            kind.spec(|p| {
                if p.is_shape {
                    // Shapes are plain numbers whatever the unit of the values.
                    match table.get(p.name).and_then(as_f64) {
                        Some(x) => Ok(x),
                        None => Err((Some(p.name.to_string()), "expected a number".to_string())),
                    }
                } else {
                    param(table, p.name)
                }
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
    DistKind::ALL.iter().map(|k| k.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        text.parse().unwrap()
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
}
