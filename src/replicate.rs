//! Replicated runs and paired comparisons: one scenario under N seeds in
//! parallel, combined into means and 95 % half-widths (`run
//! --replications`), and two scenarios under the same N seeds, compared
//! replication by replication (`compare`). Seeds come from
//! `sweep::plan::replication_seed`, so replication r here is replication r
//! of a sweep with the same master seed. Results are collected in
//! replication order, so every byte is the same on any number of threads.
//! No I/O here: `app` writes what these functions return.

use crate::metrics::summary::Summary;
use crate::model::{NoObserver, Observer, simulate};
use crate::scenario::Scenario;
use crate::stats::{self, Estimate};
use crate::sweep::{measures, plan::replication_seed};
use crate::time::parse_duration;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

/// The seeds of replications 0..n under `master`.
pub fn seeds(master: u64, n: u32) -> Vec<u64> {
    (0..n).map(|r| replication_seed(master, r)).collect()
}

/// The labels of the scenario's response targets ("1h", "4h", ...), which
/// name the `first_response_within_*` measures.
pub fn targets(scenario: &Scenario) -> Vec<String> {
    scenario
        .simulation
        .response_targets
        .iter()
        .map(|t| t.hours_label())
        .collect()
}

/// Runs `scenario` once per seed on a pool of `threads` workers (all
/// cores if `None`); replication 0 streams to `first` (the files and
/// progress bar of a plain run), the others to no observer. Summaries come
/// back in seed order.
pub fn run(
    scenario: &Scenario,
    seeds: &[u64],
    threads: Option<usize>,
    first: &mut (impl Observer + Send),
) -> Result<Vec<Summary>, String> {
    run_observed(scenario, seeds, threads, first, || NoObserver).map(|(summaries, _)| summaries)
}

/// `run`, with an observer from `make` in every replication as well
/// (replication 0 feeds `first` and its own): the summaries and the
/// observers come back in seed order, whatever the number of threads.
///
/// Replication 0 is one task of the pool like the others, so `--threads
/// N` means N simulations at a time (not N workers plus the caller), and
/// the workers share the replications evenly.
pub fn run_observed<O: Observer + Send>(
    scenario: &Scenario,
    seeds: &[u64],
    threads: Option<usize>,
    first: &mut (impl Observer + Send),
    make: impl Fn() -> O + Sync,
) -> Result<(Vec<Summary>, Vec<O>), String> {
    // Taken by replication 0, whichever worker runs it.
    let first = std::sync::Mutex::new(Some(first));
    let results = map_seeds(seeds, threads, |i, seed| {
        let mut observer = make();
        let taken = match i {
            0 => first.lock().ok().and_then(|mut f| f.take()),
            _ => None,
        };
        let summary = match taken {
            Some(first) => simulate(
                scenario,
                seed,
                &mut crate::output::bands::Both(first, &mut observer),
            ),
            None => simulate(scenario, seed, &mut observer),
        };
        (summary, observer)
    })?;
    Ok(results.into_iter().unzip())
}

/// `work(i, seed)` for each replication on a pool of `threads` workers
/// (all cores if `None`), the results in seed order whatever the number
/// of threads. A panic in one is an error, not an abort.
pub fn map_seeds<R: Send>(
    seeds: &[u64],
    threads: Option<usize>,
    work: impl Fn(usize, u64) -> R + Sync,
) -> Result<Vec<R>, String> {
    map_seeds_in(&crate::workers::pool(threads)?, seeds, work)
}

/// `map_seeds` on a pool the caller keeps (`plan` runs many small batches
/// and starts its workers once).
pub fn map_seeds_in<R: Send>(
    pool: &rayon::ThreadPool,
    seeds: &[u64],
    work: impl Fn(usize, u64) -> R + Sync,
) -> Result<Vec<R>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pool.install(|| {
            seeds
                .par_iter()
                .enumerate()
                .map(|(i, &seed)| work(i, seed))
                .collect::<Vec<R>>()
        })
    }))
    .map_err(|_| "a replication panicked".to_string())
}

/// One row per replication: replication, seed, then the measures of
/// `sweep::measures` (the columns of a sweep's runs.csv).
pub fn replications_csv(summaries: &[Summary], seeds: &[u64], targets: &[String]) -> String {
    let mut out = String::from("replication,seed");
    for c in measures::columns(targets) {
        out.push(',');
        out.push_str(&c);
    }
    out.push('\n');
    for (r, (summary, seed)) in summaries.iter().zip(seeds).enumerate() {
        out.push_str(&format!("{r},{seed}"));
        for v in measures::values(summary, targets) {
            out.push(',');
            out.push_str(&measures::field(v));
        }
        out.push('\n');
    }
    out
}

/// The `summary.json` of a replicated run: the single-run keys holding
/// the means over replications, `"replications": N`, and `ci95` with the
/// same key paths holding the 95 % half-widths.
///
/// Leaf rules: a number is averaged; a leaf that is null (or missing) in
/// any replication is null in both trees, because a mean over only the
/// replications where it exists would be conditional on it existing and
/// would silently use a different n per key; strings and booleans are kept
/// if all replications agree, else null; arrays are averaged element by
/// element when all have the same length, else null. Non-numeric leaves
/// are null in `ci95`. Two keys are set, not averaged: `scenario.seed` is
/// the master seed, and `engine.stopped_early` names the first
/// replication that stopped early (null if none did).
pub fn combined_summary(summaries: &[Summary], master_seed: u64, seeds: &[u64]) -> Value {
    let trees: Vec<Value> = summaries
        .iter()
        .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
        .collect();
    let refs: Vec<&Value> = trees.iter().collect();
    let (mut means, mut ci95) = combine(&refs);
    let stopped = summaries
        .iter()
        .zip(seeds)
        .enumerate()
        .find_map(|(r, (s, seed))| {
            s.engine
                .stopped_early
                .as_ref()
                .map(|why| format!("replication {r} (seed {seed}): {why}"))
        });
    for (tree, seed, stop) in [
        (
            &mut means,
            Value::from(master_seed),
            stopped.map(Value::from),
        ),
        (&mut ci95, Value::Null, None),
    ] {
        if let Some(s) = tree.get_mut("scenario").and_then(Value::as_object_mut) {
            s.insert("seed".into(), seed);
        }
        if let Some(e) = tree.get_mut("engine").and_then(Value::as_object_mut) {
            e.insert("stopped_early".into(), stop.unwrap_or(Value::Null));
        }
    }
    if let Value::Object(map) = &mut means {
        map.insert("replications".into(), Value::from(summaries.len()));
        map.insert("ci95".into(), ci95);
    }
    means
}

/// (mean, half-width) trees of the same leaf in every replication.
fn combine(nodes: &[&Value]) -> (Value, Value) {
    let null = (Value::Null, Value::Null);
    let Some(first) = nodes.first() else {
        return null;
    };
    match first {
        Value::Number(_) => {
            let xs: Option<Vec<f64>> = nodes.iter().map(|v| v.as_f64()).collect();
            match xs {
                Some(xs) => {
                    let e = Estimate::of(&xs);
                    (number(e.mean), number(e.half_width))
                }
                None => null,
            }
        }
        Value::Object(map) => {
            let mut means = Map::new();
            let mut hws = Map::new();
            for key in map.keys() {
                let children: Option<Vec<&Value>> = nodes.iter().map(|v| v.get(key)).collect();
                let (m, h) = children.map_or(null.clone(), |c| combine(&c));
                means.insert(key.clone(), m);
                hws.insert(key.clone(), h);
            }
            (Value::Object(means), Value::Object(hws))
        }
        Value::Array(items) => {
            let arrays: Option<Vec<&Vec<Value>>> = nodes
                .iter()
                .map(|v| v.as_array().filter(|a| a.len() == items.len()))
                .collect();
            let Some(arrays) = arrays else {
                return null;
            };
            let (means, hws) = (0..items.len())
                .map(|i| combine(&arrays.iter().map(|a| &a[i]).collect::<Vec<_>>()))
                .unzip();
            (Value::Array(means), Value::Array(hws))
        }
        Value::String(_) | Value::Bool(_) if nodes.iter().all(|v| v == first) => {
            ((*first).clone(), Value::Null)
        }
        _ => null,
    }
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Reads a `summary.json` of a plain or a replicated run as a `Summary`
/// (for the report). In a replicated one, means of counts are not whole
/// numbers: they are rounded to the nearest one where the summary holds
/// an integer, found by a first pass with every number rounded.
pub fn read_summary(text: &str) -> Result<Summary, serde_json::Error> {
    let value: Value = serde_json::from_str(text)?;
    if value.get("replications").is_none() {
        return serde_json::from_value(value);
    }
    let template = serde_json::to_value(serde_json::from_value::<Summary>(rounded(&value, None))?)?;
    let mut summary: Summary = serde_json::from_value(rounded(&value, Some(&template)))?;
    // The combined tree sorts keys as text ("1d" before "1h"); put the
    // response targets back in order of duration, as a plain run has them.
    for times in [&mut summary.first_response, &mut summary.resolution] {
        times.within.0.sort_by(|(a, _), (b, _)| {
            let hours = |t: &str| parse_duration(t).map_or(f64::INFINITY, |d| d.as_hours());
            hours(a).total_cmp(&hours(b))
        });
    }
    Ok(summary)
}

/// `value` with numbers rounded: all of them (no template), or those that
/// are integers in `template`.
fn rounded(value: &Value, template: Option<&Value>) -> Value {
    match value {
        Value::Number(n) => {
            let integer = template.is_none_or(|t| t.is_i64() || t.is_u64());
            match n.as_f64() {
                Some(x) if integer && n.is_f64() => {
                    let r = x.round();
                    if r >= 0.0 {
                        Value::from(r as u64)
                    } else {
                        Value::from(r as i64)
                    }
                }
                _ => value.clone(),
            }
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let t = template.map(|t| t.get(k).unwrap_or(&Value::Null));
                    (k.clone(), rounded(v, t))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| rounded(v, template.map(|t| t.get(i).unwrap_or(&Value::Null))))
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// Each measure of `sweep::measures` over the replications: its estimate,
/// or `None` if it is missing in any replication.
pub fn estimates(summaries: &[Summary], targets: &[String]) -> Vec<(String, Option<Estimate>)> {
    let columns = measures::columns(targets);
    let samples = samples(summaries, targets);
    columns
        .into_iter()
        .zip(samples)
        .map(|(c, xs)| (c, xs.map(|xs| Estimate::of(&xs))))
        .collect()
}

/// Per measure, the values of every replication (`None` if any is missing).
fn samples(summaries: &[Summary], targets: &[String]) -> Vec<Option<Vec<f64>>> {
    let rows: Vec<Vec<Option<f64>>> = summaries
        .iter()
        .map(|s| measures::values(s, targets))
        .collect();
    (0..measures::columns(targets).len())
        .map(|i| rows.iter().map(|row| row[i]).collect())
        .collect()
}

/// One measure of a paired comparison. NaN (null in JSON) where a side has
/// no value in some replication.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureComparison {
    pub measure: String,
    pub a_mean: f64,
    pub a_ci95: f64,
    pub b_mean: f64,
    pub b_ci95: f64,
    /// Mean of the per-replication differences B − A.
    pub difference_mean: f64,
    /// 95 % half-width of that mean, from the per-replication differences.
    pub difference_ci95: f64,
    /// The interval of the difference excludes 0.
    pub distinguishable: bool,
}

/// A paired comparison of B against A under the same seeds. Values are in
/// the units of `summary.json`: shares are fractions, so a difference of
/// shares is a fraction too (0.01 is one percentage point).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub replications: usize,
    pub seed: u64,
    /// The level of every interval: 0.95.
    pub confidence: f64,
    /// "none": each measure's interval stands alone, so with many measures
    /// some may exclude 0 by chance.
    pub multiple_comparison_correction: &'static str,
    pub measures: Vec<MeasureComparison>,
}

/// Compares the measures of B with A's, replication by replication. The
/// measures are A's (its response targets name the `within` columns).
pub fn compare(a: &[Summary], b: &[Summary], targets: &[String]) -> Vec<MeasureComparison> {
    let nan = Estimate {
        mean: f64::NAN,
        half_width: f64::NAN,
        n: 0,
    };
    let sa = samples(a, targets);
    let sb = samples(b, targets);
    measures::columns(targets)
        .into_iter()
        .zip(sa.into_iter().zip(sb))
        .map(|(measure, (xa, xb))| {
            let ea = xa.as_deref().map_or(nan, Estimate::of);
            let eb = xb.as_deref().map_or(nan, Estimate::of);
            let d = match (&xa, &xb) {
                (Some(xa), Some(xb)) => stats::paired_difference(xa, xb).unwrap_or(nan),
                _ => nan,
            };
            MeasureComparison {
                measure,
                a_mean: ea.mean,
                a_ci95: ea.half_width,
                b_mean: eb.mean,
                b_ci95: eb.half_width,
                difference_mean: d.mean,
                difference_ci95: d.half_width,
                distinguishable: d.excludes_zero(),
            }
        })
        .collect()
}
