//! Preparing a sweep: a `Request` checked and turned into a `Sweep` (its
//! manifest with the plan, the validated scenario of each point it runs),
//! every point's scenario validated once, before anything is written.

use super::manifest::Manifest;
use super::plan::{self, Baseline, Factor, Plan, fnv1a, shard_range};
use super::request::{BaselineChoice, Request};
use super::{SweepError, tables};
use crate::scenario::{self, Scenario};
use rayon::prelude::*;

/// A sweep ready to run: its plan, the validated scenario of every point
/// it runs, and the checked settings of where and how.
///
/// The scenarios are held for the whole sweep (one per point of this
/// directory's run range, not per run): a few kilobytes each, so a grid of
/// a hundred thousand points holds a few hundred megabytes. Grids that
/// large are better sharded, which also divides this.
pub struct Sweep {
    pub manifest: Manifest,
    /// The point of `scenarios[0]`.
    first_point: u64,
    scenarios: Vec<Scenario>,
    pub(super) layout: tables::Layout,
    /// The scenario warnings of the points this directory runs, each
    /// distinct one once.
    pub warnings: Vec<String>,
}

/// The baseline point the user chose: one value of every factor, each
/// among that factor's values. No choice at all means the first point.
fn baseline_point(factors: &[Factor], choices: &[BaselineChoice]) -> Result<Baseline, SweepError> {
    let listed = |f: &Factor| f.labels().join(", ");
    let mut coordinates = vec![0; factors.len()];
    let mut chosen = vec![false; factors.len()];
    for choice in choices {
        let Some(i) = factors.iter().position(|f| f.path == choice.path) else {
            let varied = if factors.is_empty() {
                "nothing is varied".to_string()
            } else {
                let paths: Vec<&str> = factors.iter().map(|f| f.path.as_str()).collect();
                format!("the varied parameters are {}", paths.join(", "))
            };
            return Err(SweepError::Usage(format!(
                "{}: not a varied parameter ({varied}); a baseline gives one value of each",
                choice.at()
            )));
        };
        let f = &factors[i];
        let Some(c) = f.position_of(&choice.value) else {
            return Err(SweepError::Usage(format!(
                "{}: {:?} matches no point: expected one of the values varied ({})",
                choice.at(),
                choice.value,
                listed(f)
            )));
        };
        coordinates[i] = c;
        chosen[i] = true;
    }
    if let Some(first) = choices.first()
        && let Some(i) = chosen.iter().position(|c| !c)
    {
        let f = &factors[i];
        return Err(SweepError::Usage(format!(
            "{}: no value for the varied parameter {}: a baseline gives one value of each varied parameter (here one of {})",
            first.origin,
            f.path,
            listed(f)
        )));
    }
    let point = factors.iter().zip(&coordinates).fold(0u64, |p, (f, &c)| {
        p.saturating_mul(f.values.len() as u64) + c as u64
    });
    let values = factors
        .iter()
        .zip(&coordinates)
        .map(|(f, &c)| (f.path.clone(), f.label(c)))
        .collect();
    Ok(Baseline { point, values })
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
        let baseline = baseline_point(&request.factors, &request.baseline)?;
        let canonical = toml::to_string(&tree).unwrap_or_default();
        let plan = Plan {
            scenario: file.clone(),
            scenario_hash: format!("{:016x}", fnv1a(canonical.as_bytes())),
            sets: request.sets,
            factors: request.factors,
            replications: request.replications,
            seed: request.seed,
            baseline,
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
        let check = |point: u64| -> Result<scenario::Loaded, SweepError> {
            let sets = plan.sets_of(point);
            let (fixed, varied) = sets.split_at(plan.sets.len());
            scenario::from_tree_varied(tree.clone(), &file, fixed, varied).map_err(SweepError::from)
        };
        // Point 0 first: its response targets name the target columns.
        let scenario::Loaded {
            scenario: base,
            warnings: base_warnings,
        } = check(0)?;
        let targets: Vec<String> = base
            .simulation
            .response_targets
            .iter()
            .map(|t| t.hours_label())
            .collect();
        let runs = plan.runs();
        let range = shard_range(runs, request.shard);
        // Every point is validated once, in parallel, so that no run can
        // fail on its scenario once the sweep has started. The points this
        // directory runs keep their validated scenario for the workers; the
        // others (those of other shards) are only checked. The first
        // failing point, in point order, is reported.
        let kept = plan.points_of(&range);
        let kept_rest = kept.start.max(1)..kept.end.max(1);
        let checked: Vec<Result<scenario::Loaded, SweepError>> =
            kept_rest.clone().into_par_iter().map(check).collect();
        let kept_failure = checked
            .iter()
            .position(Result::is_err)
            .map(|i| kept_rest.start + i as u64);
        let other_failure = (1..kept.start.max(1))
            .into_par_iter()
            .chain((kept.end.max(1)..plan.points()).into_par_iter())
            .find_first(|&point| check(point).is_err());
        if let Some(point) = other_failure
            && kept_failure.is_none_or(|k| point < k)
        {
            check(point)?;
        }
        let mut scenarios = Vec::with_capacity((kept.end - kept.start) as usize);
        // Each distinct warning once, in point order, however many points
        // share it.
        let mut warnings = base_warnings;
        if kept.contains(&0) {
            scenarios.push(base);
        }
        for loaded in checked {
            let loaded = loaded?;
            for w in loaded.warnings {
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
            scenarios.push(loaded.scenario);
        }
        let layout = tables::Layout::new(&plan);
        Ok(Sweep {
            manifest: Manifest {
                entraide_version: env!("CARGO_PKG_VERSION").to_string(),
                points: plan.points(),
                legend: super::manifest::legend(&plan),
                plan,
                targets,
                runs,
                shard: request.shard.map(|(i, n)| [i, n]),
                run_range: [range.start, range.end],
            },
            first_point: kept.start,
            scenarios,
            layout,
            warnings,
        })
    }

    /// The validated scenario of a point this directory runs.
    pub(super) fn scenario_of(&self, point: u64) -> &Scenario {
        &self.scenarios[(point - self.first_point) as usize]
    }
}
