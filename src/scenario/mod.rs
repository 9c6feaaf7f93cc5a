//! Scenarios: the TOML file a user writes, read once into validated, typed
//! values. Past `load`/`parse` no invalid value exists; the engine never
//! checks a parameter again.
//!
//! Reading goes: text -> TOML tree (`load`: files, `extends`) -> `--set`
//! overrides applied to the tree (`overrides`) -> `reader::Section` walks
//! the tree, collecting every problem with its field path (`build`, with
//! `experts` and `staff`; distributions in `distribution`, TOML values in
//! `values`) -> `Scenario` (`types`). Defaults live in `defaults`, errors in
//! `error`.

mod build;
pub mod cost;
pub mod defaults;
mod distribution;
mod error;
mod experts;
mod load;
pub mod overrides;
pub mod reader;
pub mod schedule;
mod staff;
mod types;
mod values;

pub use error::ScenarioError;
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
    load::validate(table, &path.display().to_string(), sets)
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
    load::validate(table, file, sets)
}

/// Parses scenario text; `file` names it in messages. `extends` is
/// resolved relative to the working directory.
pub fn parse(text: &str, file: &str, sets: &[String]) -> Result<Loaded, ScenarioError> {
    let table = load::parse_tree(text, file)?;
    let table = load::resolve_extends(table, Path::new(file), 0)?;
    load::validate(table, file, sets)
}
