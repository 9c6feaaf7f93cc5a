//! `sweep.json`, the manifest of a sweep directory: what it holds, written
//! when the directory is claimed and read back to resume, merge or report;
//! and the comparison that decides whether two manifests are the same sweep.

use super::plan::Plan;
use super::{SweepError, io_at};
use crate::output::atomic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const MANIFEST: &str = "sweep.json";

/// `sweep.json`: what a sweep directory holds, enough to resume it, merge
/// it, or refuse to mix it with another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub entraide_version: String,
    pub plan: Plan,
    /// Labels of the response targets (the `first_response_within_*` columns).
    pub targets: Vec<String>,
    /// What the labels of structured factors stand for: by path, each
    /// label (`shifts#1`, as in runs.csv, points.csv and the report) with
    /// its value. Absent when every factor is scalar.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub legend: BTreeMap<String, Vec<LegendEntry>>,
    pub runs: u64,
    pub points: u64,
    /// `[i, n]` for shard i of n; null for a whole sweep.
    pub shard: Option<[u64; 2]>,
    /// The runs this directory holds: `[first, end)`.
    pub run_range: [u64; 2],
}

/// One label of a structured factor and the value it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendEntry {
    pub label: String,
    pub value: String,
}

/// The legend of a plan's structured factors.
pub fn legend(plan: &Plan) -> BTreeMap<String, Vec<LegendEntry>> {
    plan.factors
        .iter()
        .filter(|f| f.is_structured())
        .map(|f| {
            let entries = f
                .values
                .iter()
                .enumerate()
                .map(|(i, value)| LegendEntry {
                    label: f.label(i),
                    value: value.clone(),
                })
                .collect();
            (f.path.clone(), entries)
        })
        .collect()
}

/// Equal but for the scenario's path: the content hash is what counts, so
/// a sweep may be resumed or merged from another working directory.
pub(super) fn same_sweep(a: &Manifest, b: &Manifest) -> bool {
    let mut a = a.clone();
    a.plan.scenario = b.plan.scenario.clone();
    a == *b
}

pub(super) fn describe_difference(a: &Manifest, b: &Manifest) -> String {
    let mut parts = Vec::new();
    if a.plan.scenario_hash != b.plan.scenario_hash {
        parts.push("the scenario's content changed".to_string());
    }
    if a.plan.factors != b.plan.factors {
        parts.push("other --vary".into());
    }
    if a.plan.factors == b.plan.factors && a.plan.baseline != b.plan.baseline {
        parts.push("another --baseline".into());
    }
    if a.plan.sets != b.plan.sets {
        parts.push("other --set".into());
    }
    if a.plan.replications != b.plan.replications {
        parts.push(format!(
            "{} replications, not {}",
            a.plan.replications, b.plan.replications
        ));
    }
    if a.plan.seed != b.plan.seed {
        parts.push(format!("seed {}, not {}", a.plan.seed, b.plan.seed));
    }
    if a.shard != b.shard {
        parts.push("another --shard".into());
    }
    if a.entraide_version != b.entraide_version {
        parts.push(format!("made by entraide {}", a.entraide_version));
    }
    if parts.is_empty() {
        parts.push("its sweep.json differs".into());
    }
    parts.join(", ")
}

pub(super) fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), SweepError> {
    let mut text =
        serde_json::to_string_pretty(manifest).map_err(|e| SweepError::Failed(e.to_string()))?;
    text.push('\n');
    let path = dir.join(MANIFEST);
    atomic::write(&path, text.as_bytes()).map_err(io_at(&path))
}

pub fn read_manifest(dir: &Path) -> Result<Manifest, SweepError> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(io_at(&path))?;
    serde_json::from_str(&text)
        .map_err(|e| SweepError::Usage(format!("{}: not a sweep manifest: {e}", path.display())))
}
