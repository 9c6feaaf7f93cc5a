//! Preparing a sweep: a `Request` checked and turned into a `Sweep` (its
//! manifest with the plan, the scenario tree it varies), every point's
//! scenario validated before anything is written.

use super::manifest::Manifest;
use super::plan::{self, Plan, fnv1a, shard_range};
use super::request::Request;
use super::{SweepError, tables};
use crate::scenario;
use rayon::prelude::*;

/// A sweep ready to run: its plan, the scenario tree it varies, and the
/// checked settings of where and how.
pub struct Sweep {
    pub manifest: Manifest,
    pub(super) tree: toml::Table,
    pub(super) file: String,
    pub(super) layout: tables::Layout,
}

impl Sweep {
    /// Reads the scenario, builds the plan and validates every point's
    /// scenario, so that a bad value fails before anything is written.
    pub fn prepare(request: Request) -> Result<Sweep, SweepError> {
        let file = request.scenario.display().to_string();
        let tree = scenario::load_tree(&request.scenario)?;
        let mut seen = std::collections::BTreeSet::new();
        for f in &request.factors {
            if !seen.insert(f.path.as_str()) {
                return Err(SweepError::Usage(format!(
                    "--vary {}: varied twice",
                    f.path
                )));
            }
        }
        let canonical = toml::to_string(&tree).unwrap_or_default();
        let plan = Plan {
            scenario: file.clone(),
            scenario_hash: format!("{:016x}", fnv1a(canonical.as_bytes())),
            sets: request.sets,
            factors: request.factors,
            replications: request.replications,
            seed: request.seed,
        };
        if plan.replications == 0 {
            return Err(SweepError::Usage(
                "--replications: expected at least 1".into(),
            ));
        }
        if plan.runs() > plan::MAX_RUNS {
            return Err(SweepError::Usage(format!(
                "{} runs: at most {} in one sweep; shard it or vary less",
                plan.runs(),
                plan::MAX_RUNS
            )));
        }
        if let Some(bad) = plan.sets.iter().find(|s| s.contains(['\n', '\r'])) {
            return Err(SweepError::Usage(format!(
                "--set {bad:?}: a value contains a line break"
            )));
        }
        let check = |sets: &[String]| -> Result<scenario::Loaded, SweepError> {
            scenario::from_tree(tree.clone(), &file, sets).map_err(SweepError::from)
        };
        let base = check(&plan.sets_of(0))?;
        // Every point, in parallel, so that no run can fail on its
        // scenario once the sweep has started; the first failing point
        // (in point order) is reported.
        let failure = (1..plan.points())
            .into_par_iter()
            .find_first(|&point| check(&plan.sets_of(point)).is_err());
        if let Some(point) = failure {
            check(&plan.sets_of(point))?;
        }
        let targets: Vec<String> = base
            .scenario
            .simulation
            .response_targets
            .iter()
            .map(|t| t.to_string())
            .collect();
        let runs = plan.runs();
        let range = shard_range(runs, request.shard);
        let layout = tables::Layout::new(&plan);
        Ok(Sweep {
            manifest: Manifest {
                entraide_version: env!("CARGO_PKG_VERSION").to_string(),
                points: plan.points(),
                plan,
                targets,
                runs,
                shard: request.shard.map(|(i, n)| [i, n]),
                run_range: [range.start, range.end],
            },
            tree,
            file,
            layout,
        })
    }
}
