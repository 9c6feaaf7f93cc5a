//! The simulator against exact Erlang-A (M/M/n+M) values.
//!
//! Under `scenarios/erlang-a.toml` the community model reduces to a single
//! FCFS queue: Poisson arrivals, `count` identical staff always on shift,
//! exponential handling, exponential patience while waiting, then exit
//! (`max_chases = 0`), no experts, intervention delay 0. The `waiting`
//! section of `summary.json` and `staff.utilisation` must then match
//! `entraide::theory::queueing::exact_metrics` for the same parameters.
//!
//! Each case drives the real binary (`entraide run ... --set ...`) for R
//! independent replications with a fixed list of seeds, estimates each
//! metric's mean and standard error across replications, and asserts
//! |simulated − exact| ≤ 4 standard errors. With fixed seeds the outcome is
//! deterministic; horizons are chosen so that every metric's standard error
//! is below about 1 % of its value, so a 5 % relative bias would sit far
//! beyond the bound (this is asserted too, so that shortening a horizon
//! cannot silently make the test toothless). The z-test and that guard are
//! the library's (`entraide::theory::ztest`), the same `validate` uses.

use entraide::theory::queueing::{QueueMetrics, QueueModel, exact_metrics};
use entraide::theory::ztest::{DETECTABLE_RELATIVE_BIAS, Z_BOUND, ZTest};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One M/M/n+M parameter set and how long to simulate it.
struct Case {
    name: &'static str,
    arrivals_per_hour: f64,
    staff: u32,
    handling_minutes: f64,
    patience_minutes: f64,
    /// Service-level targets, in whole minutes.
    targets_minutes: &'static [u32],
    horizon_weeks: u32,
    warmup_weeks: u32,
    replications: u64,
    /// Seeds are `first_seed..first_seed + replications`.
    first_seed: u64,
}

impl Case {
    fn model(&self) -> QueueModel {
        QueueModel {
            arrival_rate_per_hour: self.arrivals_per_hour,
            mean_handling_hours: self.handling_minutes / 60.0,
            servers: self.staff,
            mean_patience_hours: Some(self.patience_minutes / 60.0),
        }
    }

    /// The `--set` overrides that turn the shipped scenario into this case.
    fn overrides(&self) -> Vec<String> {
        let targets: Vec<String> = self
            .targets_minutes
            .iter()
            .map(|&m| format!("\"{}\"", target_key(m)))
            .collect();
        vec![
            format!("demand.questions_per_day={}", self.arrivals_per_hour * 24.0),
            format!("staff.teams.agents.count={}", self.staff),
            format!(
                "staff.teams.agents.answer_time.mean={}m",
                self.handling_minutes
            ),
            format!("customers.patience.mean={}m", self.patience_minutes),
            format!("simulation.horizon={}w", self.horizon_weeks),
            format!("simulation.warmup={}w", self.warmup_weeks),
            format!("simulation.response_targets=[{}]", targets.join(", ")),
        ]
    }
}

/// The key under which `summary.json` reports a target: the duration in its
/// largest exact unit, as the simulator prints it.
fn target_key(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

/// Removes a run's output directory however the test ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One replication: runs the binary and returns the measured values in the
/// order of `metric_names` (p_wait, p_abandon, mean wait, mean served wait,
/// one service level per target, occupancy).
fn replicate(case: &Case, seed: u64) -> Vec<f64> {
    let dir = TempDir(std::env::temp_dir().join(format!(
        "entraide-erlang-a-{}-{}-{seed}",
        std::process::id(),
        case.name
    )));
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/erlang-a.toml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_entraide"));
    command.arg("run").arg(&scenario);
    for assignment in case.overrides() {
        command.arg("--set").arg(assignment);
    }
    command
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--quiet")
        .arg("--out")
        .arg(&dir.0);
    let output = command.output().expect("the entraide binary runs");
    assert!(
        output.status.success(),
        "{} seed {seed}: entraide run failed ({}): {}",
        case.name,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(dir.0.join("summary.json")).expect("summary.json written");
    let summary: Value = serde_json::from_str(&text).expect("summary.json is JSON");

    let number = |pointer: &str| -> f64 {
        summary
            .pointer(pointer)
            .and_then(Value::as_f64)
            .unwrap_or_else(|| panic!("{} seed {seed}: no number at {pointer}", case.name))
    };
    assert!(
        summary.pointer("/engine/stopped_early") == Some(&Value::Null),
        "{} seed {seed}: the run stopped early",
        case.name
    );
    // Sanity: the scenario really is the queue (nothing answered by experts,
    // nobody chased or complained) and every question but the few still
    // waiting at the horizon has settled its wait.
    for pointer in [
        "/questions/resolved_by_experts",
        "/questions/escalated",
        "/questions/complained",
        "/customers/chases",
    ] {
        assert_eq!(number(pointer), 0.0, "{} seed {seed}: {pointer}", case.name);
    }
    let posted = number("/questions/posted");
    let settled = number("/waiting/settled");
    assert!(
        posted > 10_000.0 && settled <= posted && posted - settled < 0.001 * posted,
        "{} seed {seed}: {settled} settled of {posted} posted",
        case.name
    );

    let mut values = vec![
        number("/waiting/p_wait"),
        number("/waiting/p_abandon"),
        number("/waiting/mean_hours"),
        number("/waiting/mean_served_hours"),
    ];
    for &m in case.targets_minutes {
        values.push(number(&format!("/waiting/within/{}", target_key(m))));
    }
    values.push(number("/staff/utilisation"));
    values
}

fn metric_names(case: &Case) -> Vec<String> {
    let mut names: Vec<String> = ["p_wait", "p_abandon", "mean_hours", "mean_served_hours"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for &m in case.targets_minutes {
        names.push(format!("within {}", target_key(m)));
    }
    names.push("utilisation".to_string());
    names
}

fn exact_values(case: &Case) -> Vec<f64> {
    let model = case.model();
    let at = |minutes: u32| -> QueueMetrics {
        exact_metrics(&model, f64::from(minutes) / 60.0)
            .unwrap_or_else(|e| panic!("{}: no exact values: {e}", case.name))
    };
    let base = at(0);
    let mut values = vec![
        base.p_wait,
        base.p_abandon,
        base.mean_wait_hours,
        base.mean_wait_served_hours,
    ];
    for &m in case.targets_minutes {
        values.push(at(m).service_level);
    }
    values.push(base.occupancy);
    values
}

/// Runs every replication, several processes at a time.
fn replicate_all(case: &Case) -> Vec<Vec<f64>> {
    let seeds: Vec<u64> = (case.first_seed..case.first_seed + case.replications).collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![Vec::new(); seeds.len()]);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(seeds.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&seed) = seeds.get(i) else {
                        break;
                    };
                    let values = replicate(case, seed);
                    results.lock().unwrap()[i] = values;
                }
            });
        }
    });
    results.into_inner().unwrap()
}

/// Simulates `case`, compares every metric with its exact value and panics
/// with the full table if any is off by more than `Z_BOUND` standard errors
/// (or if the replications are too noisy to see a 5 % bias).
fn check(case: &Case) {
    let started = std::time::Instant::now();
    let names = metric_names(case);
    let exact = exact_values(case);
    let runs = replicate_all(case);

    let mut table = String::new();
    let _ = writeln!(
        table,
        "{}: λ = {}/h, {} staff, handling {} min, patience {} min; R = {}, \
         horizon {} w (warm-up {} w); {:.1} s",
        case.name,
        case.arrivals_per_hour,
        case.staff,
        case.handling_minutes,
        case.patience_minutes,
        case.replications,
        case.horizon_weeks,
        case.warmup_weeks,
        started.elapsed().as_secs_f64()
    );
    let _ = writeln!(
        table,
        "  {:<18} {:>12} {:>12} {:>10} {:>7} {:>8}",
        "metric", "exact", "simulated", "se", "z", "se/exact"
    );
    let mut failures = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let xs: Vec<f64> = runs.iter().map(|v| v[k]).collect();
        let test = ZTest::new(&xs, exact[k], 0.0);
        let (mean, se, z) = (test.mean, test.se, test.z);
        let relative_se = test.relative_se();
        let _ = writeln!(
            table,
            "  {name:<18} {:>12.6} {:>12.6} {se:>10.6} {z:>7.2} {:>7.2}%",
            exact[k],
            mean,
            100.0 * relative_se
        );
        let within_bound = test.within_bound();
        let sharp_enough = test.sharp_enough();
        if !within_bound {
            failures.push(format!("{name}: z = {z:.2}"));
        }
        if !sharp_enough {
            failures.push(format!(
                "{name}: se is {:.2}% of the value, too noisy to catch a {}% bias \
                 at {Z_BOUND} se (longer horizon or more replications needed)",
                100.0 * relative_se,
                100.0 * DETECTABLE_RELATIVE_BIAS
            ));
        }
    }
    println!("{table}");
    assert!(
        failures.is_empty(),
        "{}: simulation vs exact Erlang-A:\n  {}\n{table}",
        case.name,
        failures.join("\n  ")
    );
}

/// (a) The shipped scenario: 100 questions/h, 25 staff, 15 min handling,
/// 1 h patience (offered load 25 erlangs on 25 servers).
#[test]
fn shipped_scenario_matches_erlang_a() {
    check(&Case {
        name: "shipped",
        arrivals_per_hour: 100.0,
        staff: 25,
        handling_minutes: 15.0,
        patience_minutes: 60.0,
        targets_minutes: &[5, 20],
        horizon_weeks: 10,
        warmup_weeks: 1,
        replications: 30,
        first_seed: 1_001,
    });
}

/// (b) Light load with two staff: occupancy 0.6, impatient customers
/// (patience 3 handling times).
#[test]
fn light_load_two_staff_matches_erlang_a() {
    check(&Case {
        name: "light",
        arrivals_per_hour: 8.0,
        staff: 2,
        handling_minutes: 10.0,
        patience_minutes: 30.0,
        targets_minutes: &[5, 15],
        horizon_weeks: 27,
        warmup_weeks: 1,
        replications: 30,
        first_seed: 2_001,
    });
}

/// (c) Overload: 15 erlangs offered to 10 staff, stable only because a
/// third of the customers give up.
#[test]
fn overloaded_matches_erlang_a() {
    check(&Case {
        name: "overloaded",
        arrivals_per_hour: 30.0,
        staff: 10,
        handling_minutes: 30.0,
        patience_minutes: 20.0,
        targets_minutes: &[5],
        horizon_weeks: 14,
        warmup_weeks: 1,
        replications: 30,
        first_seed: 3_001,
    });
}

/// (d) Nearly Erlang C: patience of 100 handling times at occupancy 0.8,
/// so that half the customers wait and only 0.5 % abandon.
#[test]
fn long_patience_matches_erlang_a() {
    check(&Case {
        name: "patient",
        arrivals_per_hour: 40.0,
        staff: 5,
        handling_minutes: 6.0,
        patience_minutes: 600.0,
        targets_minutes: &[3],
        horizon_weeks: 40,
        warmup_weeks: 1,
        replications: 30,
        first_seed: 4_001,
    });
}

/// (e) A large centre: 100 staff at 97.5 erlangs offered (the
/// quality-and-efficiency-driven regime).
#[test]
fn hundred_staff_matches_erlang_a() {
    check(&Case {
        name: "large",
        arrivals_per_hour: 390.0,
        staff: 100,
        handling_minutes: 15.0,
        patience_minutes: 30.0,
        targets_minutes: &[1, 5],
        horizon_weeks: 8,
        warmup_weeks: 1,
        replications: 30,
        first_seed: 5_001,
    });
}

/// The Erlang-C limit of case (d), checked on the exact side: with patience
/// 100 handling times the exact Erlang-A values are within a few percent
/// of Erlang C, so case (d) does exercise the (almost) no-abandonment queue.
#[test]
fn long_patience_case_is_close_to_erlang_c() {
    let a = exact_metrics(
        &QueueModel {
            arrival_rate_per_hour: 40.0,
            mean_handling_hours: 0.1,
            servers: 5,
            mean_patience_hours: Some(10.0),
        },
        0.05,
    )
    .unwrap();
    let c = exact_metrics(
        &QueueModel {
            arrival_rate_per_hour: 40.0,
            mean_handling_hours: 0.1,
            servers: 5,
            mean_patience_hours: None,
        },
        0.05,
    )
    .unwrap();
    assert!((a.p_wait - c.p_wait).abs() < 0.02, "{a:?} vs {c:?}");
    assert!((a.mean_wait_hours / c.mean_wait_hours - 1.0).abs() < 0.1);
    assert!((a.service_level - c.service_level).abs() < 0.02);
    assert!(a.p_abandon < 0.01);
}
