//! The result of `entraide bench`: the JSON document (`--json`, schema
//! `SCHEMA`, keys documented in docs/performance.md) and the table printed
//! for people. Plain data; the figures are derived from the samples here,
//! in one place.

use super::cases::{Case, SEED, Setup};
use super::compare::Comparison;
use super::measure::Sample;
use crate::numbers;
use serde::{Deserialize, Serialize};

/// The version of the JSON layout. Raised when a key is renamed, removed
/// or changes meaning; adding a key keeps it, and the new field then
/// needs `#[serde(default)]` so that `--compare` still reads older files
/// of the same schema.
pub const SCHEMA: u32 = 1;

/// The build that ran the benchmark.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Build {
    /// Cargo's profile class: "release" or "debug" (the test profile is
    /// "debug" even with optimisation on; see `opt_level`).
    pub profile: String,
    pub opt_level: String,
    pub debug_assertions: bool,
    /// The target triple, e.g. "x86_64-unknown-linux-gnu".
    pub target: String,
    /// `rustc --version` at build time; null if it could not be asked.
    pub rustc: Option<String>,
}

impl Build {
    /// This binary's build, from what build.rs recorded.
    pub fn current() -> Build {
        let rustc = env!("ENTRAIDE_RUSTC_VERSION");
        Build {
            profile: env!("ENTRAIDE_PROFILE").to_string(),
            opt_level: env!("ENTRAIDE_OPT_LEVEL").to_string(),
            debug_assertions: cfg!(debug_assertions),
            target: env!("ENTRAIDE_TARGET").to_string(),
            rustc: (!rustc.is_empty()).then(|| rustc.to_string()),
        }
    }
}

/// The whole document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema: u32,
    pub entraide_version: String,
    pub build: Build,
    pub seed: u64,
    /// Shortened horizons (`--quick`): figures not comparable with a full
    /// run's.
    pub quick: bool,
    /// Measurements per case (`--repeat`).
    pub repeat: u32,
    /// Cores the machine offers this process.
    pub threads_available: usize,
    /// Worker threads of the sweep case (`--threads`, default all cores).
    pub threads: usize,
    pub cases: Vec<CaseReport>,
    /// Only with `--compare OLD.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<Comparison>,
}

/// One case: what it simulated and how fast.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CaseReport {
    pub name: String,
    pub description: String,
    /// The scenario file (embedded in the binary) and the overrides that
    /// make the case: `entraide run FILE --set ... --seed SEED` reproduces
    /// a single-run case.
    pub scenario: String,
    /// Simulated time of each run (also in `sets`).
    pub horizon: String,
    pub sets: Vec<String>,
    /// The sweep's varied parameters (empty for single runs).
    pub vary: Vec<String>,
    pub replications: u32,
    pub seed: u64,
    pub runs: u64,
    pub threads: usize,
    /// Over all runs of one measurement; the same in every repeat.
    pub customers: u64,
    pub events: u64,
    /// Every measurement's wall time, in the order they ran.
    pub wall_seconds: Vec<f64>,
    pub wall_seconds_best: f64,
    pub wall_seconds_median: f64,
    /// Null where the platform cannot measure CPU time.
    pub cpu_seconds_best: Option<f64>,
    pub cpu_seconds_median: Option<f64>,
    /// Counts divided by the best wall time.
    pub customers_per_second: f64,
    pub events_per_second: f64,
    /// Events divided by the median wall time.
    pub events_per_second_median: f64,
    /// Events divided by the best CPU time: steadier than the wall-time
    /// rate on a machine other processes share. Null if unsupported.
    pub events_per_cpu_second: Option<f64>,
    pub runs_per_second: f64,
    /// The largest peak resident memory of the measurements; null where
    /// unsupported (not Linux).
    pub peak_memory_kib: Option<u64>,
    /// The sweep case on more than one thread: its best wall time on one
    /// thread, and that divided by `wall_seconds_best`. Null otherwise.
    pub single_thread_wall_seconds_best: Option<f64>,
    pub speedup: Option<f64>,
}

/// The median of some numbers (the mean of the middle two for an even
/// count); NaN for none.
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn best(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

impl CaseReport {
    /// The figures of `case` from its samples (at least one; all with the
    /// same counts, which the caller checks) and, for a sweep on several
    /// threads, its one-thread samples.
    pub fn new(case: &Case, setup: &Setup, samples: &[Sample], single: &[Sample]) -> CaseReport {
        let first = &samples[0];
        let walls: Vec<f64> = samples.iter().map(|s| s.wall_seconds).collect();
        let cpus: Option<Vec<f64>> = samples.iter().map(|s| s.cpu_seconds).collect();
        let (wall_best, wall_median) = (best(&walls), median(&walls));
        let single_best = (!single.is_empty())
            .then(|| best(&single.iter().map(|s| s.wall_seconds).collect::<Vec<_>>()));
        CaseReport {
            name: case.name.to_string(),
            description: case.description.to_string(),
            scenario: case.file.to_string(),
            horizon: setup.horizon.to_string(),
            sets: setup.sets.clone(),
            vary: setup.vary.clone(),
            replications: setup.replications,
            seed: SEED,
            runs: first.runs,
            threads: first.threads,
            customers: first.customers,
            events: first.events,
            wall_seconds: walls,
            wall_seconds_best: wall_best,
            wall_seconds_median: wall_median,
            cpu_seconds_best: cpus.as_deref().map(best),
            cpu_seconds_median: cpus.as_deref().map(median),
            customers_per_second: first.customers as f64 / wall_best,
            events_per_second: first.events as f64 / wall_best,
            events_per_second_median: first.events as f64 / wall_median,
            events_per_cpu_second: cpus.as_deref().map(|c| first.events as f64 / best(c)),
            runs_per_second: first.runs as f64 / wall_best,
            peak_memory_kib: samples
                .iter()
                .map(|s| s.peak_memory_kib)
                .collect::<Option<Vec<u64>>>()
                .and_then(|peaks| peaks.into_iter().max()),
            single_thread_wall_seconds_best: single_best,
            speedup: single_best.map(|s| s / wall_best),
        }
    }

    /// The relative spread of the repeats, (worst - best) / best: what
    /// `--compare` takes for this file's noise.
    pub fn spread(&self) -> f64 {
        let worst = self.wall_seconds.iter().copied().fold(0.0, f64::max);
        if self.wall_seconds_best > 0.0 {
            (worst - self.wall_seconds_best) / self.wall_seconds_best
        } else {
            0.0
        }
    }
}

/// A rate for the table: a whole number with thousands separators.
fn rate(x: f64) -> String {
    numbers::count(x)
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn seconds(x: Option<f64>) -> String {
    x.map_or("-".into(), |s| format!("{s:.3} s"))
}

/// Rows of cells as columns: the first left-aligned, the others right.
pub(super) fn columns(rows: &[Vec<String>]) -> String {
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..rows[0].len()).map(width).collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, &w))| {
                if i == 0 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

impl Report {
    /// The table for people.
    pub fn render(&self) -> String {
        let b = &self.build;
        let mut out = format!(
            "entraide {} bench: {} build (opt-level {}), {}{}\nseed {}, best and median of {} {}, {} of {} cores for the sweep{}\n\n",
            self.entraide_version,
            b.profile,
            b.opt_level,
            b.target,
            b.rustc
                .as_deref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default(),
            self.seed,
            self.repeat,
            if self.repeat == 1 {
                "measurement"
            } else {
                "measurements"
            },
            self.threads,
            self.threads_available,
            if self.quick {
                "; --quick: short horizons, not comparable with a full run"
            } else {
                ""
            }
        );
        let mut rows = vec![
            [
                "case",
                "runs",
                "threads",
                "customers",
                "events",
                "wall best",
                "wall median",
                "CPU best",
                "customers/s",
                "events/s",
                "peak memory",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for c in &self.cases {
            rows.push(vec![
                c.name.clone(),
                numbers::thousands(c.runs as i64),
                c.threads.to_string(),
                numbers::thousands(c.customers as i64),
                numbers::thousands(c.events as i64),
                seconds(Some(c.wall_seconds_best)),
                seconds(Some(c.wall_seconds_median)),
                seconds(c.cpu_seconds_best),
                rate(c.customers_per_second),
                rate(c.events_per_second),
                mib(c.peak_memory_kib),
            ]);
        }
        out.push_str(&columns(&rows));
        for c in self.cases.iter().filter(|c| c.runs > 1) {
            out.push_str(&format!(
                "\n{}: {:.1} runs/s on {} {}",
                c.name,
                c.runs_per_second,
                c.threads,
                if c.threads == 1 { "thread" } else { "threads" }
            ));
            if let (Some(single), Some(speedup)) = (c.single_thread_wall_seconds_best, c.speedup) {
                out.push_str(&format!(
                    "; {:.1} runs/s on 1 thread: speed-up {speedup:.2}, parallel efficiency {:.0} %",
                    c.runs as f64 / single,
                    100.0 * speedup / c.threads as f64
                ));
            }
            out.push('\n');
        }
        if let Some(comparison) = &self.compared_with {
            out.push('\n');
            out.push_str(&comparison.render());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
        assert!(median(&[]).is_nan());
    }

    fn sample(wall: f64, cpu: Option<f64>, peak: Option<u64>) -> Sample {
        Sample {
            customers: 100,
            events: 1000,
            runs: 1,
            threads: 1,
            wall_seconds: wall,
            cpu_seconds: cpu,
            peak_memory_kib: peak,
        }
    }

    /// Rates come from the best wall time; the peak is the largest; one
    /// measurement without CPU time makes the CPU figures null.
    #[test]
    fn figures_from_samples() {
        let case = &super::super::cases::CASES[0];
        let setup = case.setup(true).unwrap();
        let samples = [
            sample(2.0, Some(2.0), Some(10)),
            sample(1.0, Some(1.0), Some(30)),
            sample(4.0, Some(3.0), Some(20)),
        ];
        let r = CaseReport::new(case, &setup, &samples, &[]);
        assert_eq!(r.wall_seconds, [2.0, 1.0, 4.0]);
        assert_eq!(r.wall_seconds_best, 1.0);
        assert_eq!(r.wall_seconds_median, 2.0);
        assert_eq!(r.events_per_second, 1000.0);
        assert_eq!(r.events_per_second_median, 500.0);
        assert_eq!(r.customers_per_second, 100.0);
        assert_eq!(r.cpu_seconds_best, Some(1.0));
        assert_eq!(r.cpu_seconds_median, Some(2.0));
        assert_eq!(r.events_per_cpu_second, Some(1000.0));
        assert_eq!(r.peak_memory_kib, Some(30));
        assert_eq!(r.spread(), 3.0);
        assert_eq!(r.speedup, None);
        let partial = [sample(1.0, None, None), sample(1.0, Some(1.0), Some(5))];
        let r = CaseReport::new(case, &setup, &partial, &[]);
        assert_eq!(r.cpu_seconds_best, None);
        assert_eq!(r.peak_memory_kib, None);
        let r = CaseReport::new(case, &setup, &samples, &[sample(3.0, None, None)]);
        assert_eq!(r.single_thread_wall_seconds_best, Some(3.0));
        assert_eq!(r.speedup, Some(3.0));
    }
}
