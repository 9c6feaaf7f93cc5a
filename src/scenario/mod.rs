//! Scenarios: the TOML file a user writes, read once into validated, typed
//! values. Past `load`/`parse` no invalid value exists; the engine never
//! checks a parameter again.
//!
//! Reading goes: text -> TOML tree (`load`: files, `extends`) -> `--set`
//! overrides applied to the tree (`overrides`) -> `reader::Section` walks
//! the tree, collecting every problem with its field path (`build`, with
//! `experts` and `staff`; distributions in `distribution`, TOML values in
//! `values`) -> `Scenario` (`types`). Defaults live in `defaults`, errors in
//! `error`; `scaling` makes a forum k times larger.

mod build;
pub mod cost;
pub mod defaults;
mod distribution;
mod error;
mod experts;
mod load;
pub mod overrides;
pub mod reader;
pub mod scaling;
pub mod schedule;
mod staff;
mod types;
mod values;

pub use error::{ScenarioError, clip_long_values, shorten};
pub use load::{MAX_INPUT_BYTES, read_input};
pub use types::*;

use std::path::Path;

/// A validated scenario and the remarks worth showing that are not errors.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<String>,
}

/// Reads, overrides and validates a scenario file.
pub fn load(path: &Path, sets: &[String]) -> Result<Loaded, ScenarioError> {
    let table = load::read_tree(path, 0)?;
    let file = path.display().to_string();
    validate_marked(table, &file, sets, &[]).map_err(|e| name_bases(e, path, None))
}

/// The scenario file as a TOML tree with `extends` resolved, not yet
/// validated: for callers that validate many variants of one file
/// (sweeps) without reading it again each time.
pub fn load_tree(path: &Path) -> Result<toml::Table, ScenarioError> {
    load::read_tree(path, 0)
}

/// Overrides and validates a tree from `load_tree`; `file` names it in
/// messages.
pub fn from_tree(table: toml::Table, file: &str, sets: &[String]) -> Result<Loaded, ScenarioError> {
    from_tree_varied(table, file, sets, &[])
}

/// `from_tree` for a sweep's point: the fixed `sets` first, then the
/// `varied` values of the point; a problem they cause is marked
/// `(from --set)` or `(from --vary)`.
pub fn from_tree_varied(
    table: toml::Table,
    file: &str,
    sets: &[String],
    varied: &[String],
) -> Result<Loaded, ScenarioError> {
    validate_marked(table, file, sets, varied).map_err(|e| name_bases(e, Path::new(file), None))
}

/// Parses scenario text; `file` names it in messages. `extends` is
/// resolved relative to the working directory.
pub fn parse(text: &str, file: &str, sets: &[String]) -> Result<Loaded, ScenarioError> {
    let root = load::parse_tree(text, file)?;
    let table = load::resolve_extends(root.clone(), Path::new(file), 0)?;
    validate_marked(table, file, sets, &[]).map_err(|e| name_bases(e, Path::new(file), Some(root)))
}

const FROM_SET: &str = " (from --set)";
const FROM_VARY: &str = " (from --vary)";

/// Validates with `sets` then `varied` applied, and marks every problem
/// those caused: one the file alone does not have. A cross-field problem
/// counts too (`--set simulation.horizon=10d` makes the file's warm-up too
/// long), which matching paths alone would miss. The comparison runs only
/// when validation fails.
fn validate_marked(
    table: toml::Table,
    file: &str,
    sets: &[String],
    varied: &[String],
) -> Result<Loaded, ScenarioError> {
    if sets.is_empty() && varied.is_empty() {
        return load::validate(table, file, &[]);
    }
    let all: Vec<String> = sets.iter().chain(varied).cloned().collect();
    let problems = match load::validate(table.clone(), file, &all) {
        Err(ScenarioError::Invalid { problems, .. }) => problems,
        other => return other,
    };
    let unmarked = |message: &str| {
        message
            .trim_end_matches(FROM_SET)
            .trim_end_matches(" (in --set)")
            .to_string()
    };
    let problems_with = |sets: &[String]| -> Vec<(String, String)> {
        match load::validate(table.clone(), file, sets) {
            Err(ScenarioError::Invalid { problems, .. }) => problems
                .into_iter()
                .map(|p| (p.path, unmarked(&p.message)))
                .collect(),
            _ => Vec::new(),
        }
    };
    let of_file = problems_with(&[]);
    let of_sets = if varied.is_empty() {
        Vec::new()
    } else {
        problems_with(sets)
    };
    let problems = problems
        .into_iter()
        .map(|p| {
            let key = (p.path, unmarked(&p.message));
            let message = if of_file.contains(&key) {
                key.1
            } else if varied.is_empty() || of_sets.contains(&key) {
                format!("{}{FROM_SET}", key.1)
            } else {
                format!("{}{FROM_VARY}", key.1)
            };
            error::Problem {
                path: key.0,
                message,
            }
        })
        .collect();
    Err(ScenarioError::Invalid {
        file: file.to_string(),
        problems,
    })
}

/// The files of an `extends` chain, the extending file first, each as
/// written (extends not resolved). Read again only to explain an error,
/// so a file that cannot be read now just ends the chain.
fn extends_chain(path: &Path, root: Option<toml::Table>) -> Vec<(String, toml::Table)> {
    let read = |path: &Path| {
        let file = path.display().to_string();
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| load::parse_tree(&text, &file).ok())
    };
    let mut chain = Vec::new();
    let mut next = root.or_else(|| read(path)).map(|t| (path.to_path_buf(), t));
    while let Some((path, table)) = next.take() {
        if let Some(toml::Value::String(base)) = table.get("extends")
            && chain.len() < 8
        {
            let base_path = path.parent().unwrap_or(Path::new(".")).join(base);
            next = read(&base_path).map(|t| (base_path, t));
        }
        chain.push((path.display().to_string(), table));
    }
    chain
}

/// How far down `path` (`a.b.0.c`) `table` goes: the number of its
/// segments that exist.
fn depth_in(table: &toml::Table, path: &str) -> usize {
    let mut node = None::<&toml::Value>;
    let mut depth = 0;
    for segment in path.split('.') {
        let child = match node {
            None => table.get(segment),
            Some(toml::Value::Table(t)) => t.get(segment),
            Some(toml::Value::Array(items)) => {
                segment.parse().ok().and_then(|i: usize| items.get(i))
            }
            Some(_) => None,
        };
        match child {
            Some(c) => {
                node = Some(c);
                depth += 1;
            }
            None => break,
        }
    }
    depth
}

/// Names the base scenario a problem comes from, when the value at fault
/// is written in a file that `path` extends rather than in `path` itself;
/// when all problems come from one base, the error is that file's.
fn name_bases(error: ScenarioError, path: &Path, root: Option<toml::Table>) -> ScenarioError {
    let ScenarioError::Invalid { file, problems } = error else {
        return error;
    };
    let chain = extends_chain(path, root);
    if chain.len() < 2 {
        return ScenarioError::Invalid { file, problems };
    }
    // The file that writes the deepest part of the path (the extending
    // file first on a tie: its values replace the base's).
    let origin = |p: &error::Problem| -> usize {
        if p.message.ends_with(FROM_SET) || p.message.ends_with(FROM_VARY) {
            return 0;
        }
        let depths: Vec<usize> = chain.iter().map(|(_, t)| depth_in(t, &p.path)).collect();
        let best = depths.iter().copied().max().unwrap_or(0);
        if best == 0 {
            0
        } else {
            depths.iter().position(|&d| d == best).unwrap_or(0)
        }
    };
    let origins: Vec<usize> = problems.iter().map(origin).collect();
    if let Some(&o) = origins.first()
        && o > 0
        && origins.iter().all(|&x| x == o)
    {
        return ScenarioError::Invalid {
            file: format!("{} (extended by {file})", chain[o].0),
            problems,
        };
    }
    let problems = problems
        .into_iter()
        .zip(&origins)
        .map(|(p, &o)| match o {
            0 => p,
            o => error::Problem {
                message: format!("{} (in {}, which {file} extends)", p.message, chain[o].0),
                path: p.path,
            },
        })
        .collect();
    ScenarioError::Invalid { file, problems }
}
