//! Loading: a file (or text) into one TOML tree with `extends` resolved,
//! then `--set` overrides laid on the tree, then validation. The only way
//! from outside the module to a `Scenario` goes through `validate` here.

use super::Loaded;
use super::error::{Problem, ScenarioError};
use super::overrides;
use super::types::Scenario;
use std::io::{self, Read};
use std::path::Path;

/// The largest input file entraide reads: a scenario, a base it extends, a
/// sweep file. Real ones are a few KiB; the bound keeps a wrong path
/// (`/dev/zero`, a log, a data file) from filling memory before the parser
/// can say it is not a scenario.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a text input file whole, refusing one larger than
/// `MAX_INPUT_BYTES` after reading at most one byte more.
pub fn read_input(path: &Path) -> io::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "larger than {} MiB, the limit on an input file (is it the right file?)",
                MAX_INPUT_BYTES >> 20
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "not UTF-8 text (is it the right file?)",
        )
    })
}

/// How deep `extends` chains may go (a guard against cycles).
const MAX_EXTENDS_DEPTH: usize = 8;

pub(super) fn read_tree(path: &Path, depth: usize) -> Result<toml::Table, ScenarioError> {
    let file = path.display().to_string();
    let text = read_input(path).map_err(|error| ScenarioError::Read {
        file: file.clone(),
        error,
    })?;
    let table = parse_tree(&text, &file)?;
    resolve_extends(table, path, depth)
}

pub(super) fn parse_tree(text: &str, file: &str) -> Result<toml::Table, ScenarioError> {
    text.parse().map_err(|e: toml::de::Error| {
        let location = e
            .span()
            .map(|span| {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        ScenarioError::Syntax {
            file: file.to_string(),
            message: format!("{location}{}", e.message()),
        }
    })
}

/// `extends = "base.toml"`: the file is the base scenario with this file's
/// values laid over it (tables merge key by key; any other value replaces
/// the base's). The path is relative to the extending file.
pub(super) fn resolve_extends(
    mut table: toml::Table,
    path: &Path,
    depth: usize,
) -> Result<toml::Table, ScenarioError> {
    let file = path.display().to_string();
    let Some(base) = table.remove("extends") else {
        return Ok(table);
    };
    let invalid = |message: String| ScenarioError::Invalid {
        file: file.clone(),
        problems: vec![Problem {
            path: "extends".into(),
            message,
        }],
    };
    let toml::Value::String(base) = base else {
        return Err(invalid("expected the path of a scenario file".into()));
    };
    if depth >= MAX_EXTENDS_DEPTH {
        return Err(invalid(format!(
            "scenarios extend each other more than {MAX_EXTENDS_DEPTH} deep (a cycle?)"
        )));
    }
    let base_path = path.parent().unwrap_or(Path::new(".")).join(&base);
    let mut merged = read_tree(&base_path, depth + 1).map_err(|e| match e {
        ScenarioError::Read {
            file: base_file,
            error,
        } => invalid(format!(
            "cannot read the base scenario {base_file}: {error}"
        )),
        other => other,
    })?;
    merge(&mut merged, table);
    Ok(merged)
}

/// Lays `over` on `base`. A distribution (a table with `dist`) replaces
/// the base's whole: its parameters belong to its family.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) if !o.contains_key("dist") => {
                merge(b, o)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

pub(super) fn validate(
    mut table: toml::Table,
    file: &str,
    sets: &[String],
) -> Result<Loaded, ScenarioError> {
    let mut problems = Vec::new();
    let mut set_paths = Vec::new();
    for assignment in sets {
        match overrides::apply(&mut table, assignment) {
            Ok(path) => set_paths.push(path),
            Err(mut p) => {
                p.message = format!("{} (in --set)", p.message);
                problems.push(p);
            }
        }
    }
    let (scenario, mut warnings, mut found) = Scenario::from_toml(&table);
    for p in &mut found {
        if set_paths
            .iter()
            .any(|s| p.path == *s || p.path.starts_with(&format!("{s}.")))
        {
            p.message = format!("{} (from --set)", p.message);
        }
    }
    problems.extend(found);
    if problems.is_empty() {
        // Only a valid scenario has rates worth estimating from.
        warnings.extend(super::cost::warnings(&scenario));
        Ok(Loaded { scenario, warnings })
    } else {
        Err(ScenarioError::Invalid {
            file: file.to_string(),
            problems,
        })
    }
}
