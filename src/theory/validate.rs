//! `entraide validate`: the engine against queueing theory.
//!
//! Each case is an M/M/n+M (Erlang-A) or M/M/n (Erlang-C) queue, run
//! through the very same scenario reader, engine and model as any forum
//! (the reduction of `scenarios/erlang-a.toml`: no experts, flat demand,
//! exponential patience ending in exit, exponential handling, staff always
//! on shift, no intervention delay), in independent replications. The
//! simulated means and their standard errors across replications are
//! compared with the exact values of `queueing::exact_metrics`.

use super::queueing::{QueueMetrics, QueueModel, exact_metrics};
use super::ztest::ZTest;
use crate::dist::{DistSpec, Sampler};
use crate::model::{NoObserver, simulate};
use crate::rng::mix64;
use crate::scenario::{self, Scenario};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimDuration};
use rayon::prelude::*;
use serde::Serialize;

/// The reduction, embedded so `validate` works from any directory.
const ERLANG_A: &str = include_str!("../../scenarios/erlang-a.toml");

/// A case passes when every metric is within this many standard errors.
pub use super::ztest::Z_BOUND;

/// A floor under the standard error, relative to the metric's scale (1 for
/// shares, the mean handling time for waits). Replication standard errors
/// of very rare events (an idle server in an overloaded queue, a wait when
/// 40 staff are half busy) are unreliable: most replications see none.
/// Without a floor such a metric fails on differences of a few millionths
/// that no one could see; 1e-4 is far below any difference that matters.
pub const SE_FLOOR: f64 = 1e-4;

#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub name: String,
    pub arrival_rate_per_hour: f64,
    pub mean_handling_hours: f64,
    pub servers: u32,
    pub mean_patience_hours: Option<f64>,
    pub target_hours: f64,
}

impl Case {
    fn new(
        name: &str,
        arrivals_per_hour: f64,
        handling_minutes: f64,
        servers: u32,
        patience_minutes: Option<f64>,
        target_minutes: f64,
    ) -> Case {
        Case {
            name: name.to_string(),
            arrival_rate_per_hour: arrivals_per_hour,
            mean_handling_hours: handling_minutes / 60.0,
            servers,
            mean_patience_hours: patience_minutes.map(|p| p / 60.0),
            target_hours: target_minutes / 60.0,
        }
    }

    pub fn model(&self) -> QueueModel {
        QueueModel {
            arrival_rate_per_hour: self.arrival_rate_per_hour,
            mean_handling_hours: self.mean_handling_hours,
            servers: self.servers,
            mean_patience_hours: self.mean_patience_hours,
        }
    }

    fn offered_load(&self) -> f64 {
        self.arrival_rate_per_hour * self.mean_handling_hours
    }

    /// The time a replication must run before the queue forgets its empty
    /// start: long against the slowest clock of the queue (handling,
    /// patience, and the relaxation of a loaded Erlang-C queue). It is the
    /// warm-up, and the shortest measured window that gives a test.
    fn slowest_clock_hours(&self) -> f64 {
        let patience = self.mean_patience_hours.unwrap_or(0.0);
        let load = self.offered_load() / f64::from(self.servers);
        let relaxation = if self.mean_patience_hours.is_none() && load < 1.0 {
            self.mean_handling_hours / (f64::from(self.servers) * (1.0 - load.sqrt()).powi(2))
        } else {
            0.0
        };
        (20.0 * self.mean_handling_hours)
            .max(10.0 * patience)
            .max(5.0 * relaxation)
    }

    /// The fewest customers one replication may measure for the z-test to
    /// mean anything (see `MIN_CUSTOMERS_PER_REPLICATION`): enough to fill
    /// a measured window as long as the warm-up, so the window spans many
    /// waits and busy periods and few of its customers are cut off by its
    /// end unsettled. Fewer, and the replication means are neither normal
    /// nor unbiased: a window of a few customers sees no wait at all in
    /// most replications, so the means and their standard errors collapse
    /// towards 0 (z of -1353 with 100 customers over 40 replications).
    pub fn min_customers_per_replication(&self) -> u64 {
        let window = (self.arrival_rate_per_hour * self.slowest_clock_hours()).ceil();
        if window.is_finite() {
            (window as u64).max(MIN_CUSTOMERS_PER_REPLICATION)
        } else {
            u64::MAX
        }
    }

    /// The key of the case's replication seeds: its parameters (not its
    /// name or its place in the list), so that two different cases never
    /// share their random numbers under one master seed, and the same
    /// case always gets the same ones.
    fn seed_key(&self) -> u64 {
        [
            self.arrival_rate_per_hour.to_bits(),
            self.mean_handling_hours.to_bits(),
            u64::from(self.servers),
            self.mean_patience_hours.map_or(u64::MAX, f64::to_bits),
            self.target_hours.to_bits(),
        ]
        .iter()
        .fold(0x0e71_a1de_ca5e_0000, |h, &x| mix64(h ^ x))
    }
}

/// The floor under `Case::min_customers_per_replication`: below about a
/// hundred customers a replication's shares are too coarse for the
/// central limit theorem across replications, however long the window.
pub const MIN_CUSTOMERS_PER_REPLICATION: u64 = 100;

/// Customers measured per replication.
fn customers_per_replication(effort: &Effort) -> u64 {
    (effort.customers / u64::from(effort.replications.max(1))).max(1)
}

/// The built-in suite: light to overloaded, 1 to 120 staff, patience from
/// minutes to hours and none.
pub fn builtin_cases() -> Vec<Case> {
    vec![
        // The published Erlang-C reference: 100 contacts per 30 min, 180 s, 14 agents.
        Case::new("erlang-c reference", 200.0, 3.0, 14, None, 20.0 / 60.0),
        Case::new("1 staff, light", 2.0, 15.0, 1, Some(30.0), 5.0),
        Case::new("1 staff, no abandonment", 3.0, 15.0, 1, None, 10.0),
        Case::new("2 staff, patience 1 h", 6.0, 15.0, 2, Some(60.0), 10.0),
        Case::new("5 staff, patience 5 min", 18.0, 15.0, 5, Some(5.0), 1.0),
        Case::new("10 staff, overloaded", 30.0, 30.0, 10, Some(20.0), 5.0),
        Case::new("25 staff, benchmark case", 100.0, 15.0, 25, Some(60.0), 5.0),
        Case::new("25 staff, no abandonment", 90.0, 15.0, 25, None, 5.0),
        Case::new(
            "50 staff, heavy, patience 2 h",
            190.0,
            15.0,
            50,
            Some(120.0),
            10.0,
        ),
        Case::new("60 staff, patience 4 h", 220.0, 15.0, 60, Some(240.0), 15.0),
        Case::new("120 staff", 400.0, 15.0, 120, Some(60.0), 1.0),
        Case::new("120 staff, overloaded", 600.0, 15.0, 120, Some(30.0), 1.0),
        Case::new("40 staff, long handling", 34.0, 60.0, 40, Some(30.0), 1.0),
    ]
}

/// How much simulation each case gets.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Effort {
    /// Customers per case, over all replications.
    pub customers: u64,
    pub replications: u32,
    pub seed: u64,
}

impl Effort {
    pub const FULL: Effort = Effort {
        customers: 2_000_000,
        replications: 40,
        seed: 1,
    };
    pub const QUICK: Effort = Effort {
        customers: 400_000,
        replications: 20,
        seed: 1,
    };
}

/// The metrics compared, in report order: (name, exact, simulated).
pub const METRICS: [&str; 6] = [
    "p_wait",
    "p_abandon",
    "mean_wait_hours",
    "mean_wait_served_hours",
    "service_level",
    "occupancy",
];

fn metric_values(m: &QueueMetrics) -> [f64; 6] {
    [
        m.p_wait,
        m.p_abandon,
        m.mean_wait_hours,
        m.mean_wait_served_hours,
        m.service_level,
        m.occupancy,
    ]
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub metric: &'static str,
    pub exact: f64,
    pub simulated: f64,
    pub se: f64,
    pub z: f64,
    pub pass: bool,
}

/// Simulated means, each with its standard error (`..._se`).
#[derive(Debug, Clone, Serialize)]
pub struct Simulated {
    pub p_wait: f64,
    pub p_wait_se: f64,
    pub p_abandon: f64,
    pub p_abandon_se: f64,
    pub mean_wait_hours: f64,
    pub mean_wait_hours_se: f64,
    pub mean_wait_served_hours: f64,
    pub mean_wait_served_hours_se: f64,
    pub service_level: f64,
    pub service_level_se: f64,
    pub occupancy: f64,
    pub occupancy_se: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub case: Case,
    pub exact: QueueMetrics,
    pub simulated: Simulated,
    /// Customers simulated after the warm-up, over all replications.
    pub customers: u64,
    pub replications: u32,
    pub checks: Vec<Check>,
    pub pass: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidateError {
    #[error("{0}")]
    Theory(String),
    #[error("cannot build the case's scenario: {0}")]
    Scenario(String),
    #[error("a replication stopped early: {0}")]
    Stopped(String),
    /// Too little simulation asked for a meaningful test: bad input.
    #[error("{0}")]
    TooFewCustomers(String),
}

/// The scenario of one replication of a case: the validated reduction
/// (`base`, from `scenarios/erlang-a.toml`) with the case's typed values
/// set, so it runs through the same engine and model as any scenario file.
fn scenario_for(case: &Case, effort: &Effort, base: &Scenario) -> Result<Scenario, ValidateError> {
    let per_replication = customers_per_replication(effort) as f64;
    let measured_hours = per_replication / case.arrival_rate_per_hour;
    let warmup_hours = case.slowest_clock_hours().max(0.02 * measured_hours);
    // Durations in whole milliseconds (at least 1), as the scenario's
    // clock counts them.
    let ms = |h: f64| (h * MS_PER_HOUR as f64).round().max(1.0);
    let exponential = |mean_hours: f64| {
        DistSpec::Exponential {
            mean: ms(mean_hours),
        }
        .sampler()
        .map_err(|e| ValidateError::Scenario(format!("{}: {e}", case.name)))
    };
    let mut scenario = base.clone();
    scenario.name = case.name.clone();
    scenario.demand.questions_per_day = case.arrival_rate_per_hour * 24.0;
    scenario.customers.patience = match case.mean_patience_hours {
        Some(p) => exponential(p)?,
        // Never abandoning: a patience far beyond any horizon.
        None => Sampler::Constant(SimDuration::from_days(100_000).as_millis() as f64),
    };
    let agents = scenario
        .staff
        .teams
        .iter_mut()
        .find(|t| t.name == "agents")
        .ok_or_else(|| ValidateError::Scenario("the reduction has no team `agents`".into()))?;
    agents.count = case.servers;
    agents.answer_time = exponential(case.mean_handling_hours)?;
    let simulation = &mut scenario.simulation;
    simulation.warmup = SimDuration::from_hours(warmup_hours);
    simulation.horizon = SimDuration::from_hours(warmup_hours + measured_hours);
    simulation.response_targets = vec![SimDuration(ms(case.target_hours) as u64)];
    // The reader's checks on the fields set here, so that a case is as
    // valid as a scenario file would have to be.
    let problem = if !(case.arrival_rate_per_hour.is_finite() && case.arrival_rate_per_hour >= 0.0)
    {
        Some("the arrival rate must be a finite number >= 0".to_string())
    } else if case.servers > MAX_TEAM_COUNT {
        Some(format!("at most {MAX_TEAM_COUNT} staff"))
    } else if simulation.horizon.as_millis() > 200 * 365 * MS_PER_DAY {
        Some("the horizon (warm-up + measured time) is over 200 years".to_string())
    } else if simulation.warmup >= simulation.horizon {
        Some("the warm-up is not shorter than the horizon".to_string())
    } else {
        None
    };
    match problem {
        Some(p) => Err(ValidateError::Scenario(format!("{}: {p}", case.name))),
        None => Ok(scenario),
    }
}

/// The most staff one team may have (the scenario reader's bound on
/// `staff.teams.*.count`).
const MAX_TEAM_COUNT: u32 = 100_000;

/// The reduction, read and validated once.
fn base_scenario() -> Result<Scenario, ValidateError> {
    scenario::parse(ERLANG_A, "scenarios/erlang-a.toml (built in)", &[])
        .map(|loaded| loaded.scenario)
        .map_err(|e| ValidateError::Scenario(e.to_string()))
}

/// The seed of one replication: a function of the master seed, the case
/// (`Case::seed_key`) and the replication only, never of thread
/// scheduling or of the case's place in the list.
fn replication_seed(seed: u64, case_key: u64, replication: u64) -> u64 {
    mix64(mix64(seed ^ mix64(case_key)) ^ replication)
}

/// Refuses an effort too small for `case` (see
/// `Case::min_customers_per_replication`), saying what would do.
fn check_effort(case: &Case, effort: &Effort) -> Result<(), ValidateError> {
    let per_replication = customers_per_replication(effort);
    let minimum = case.min_customers_per_replication();
    if per_replication >= minimum {
        return Ok(());
    }
    let replications = u64::from(effort.replications.max(1));
    Err(ValidateError::TooFewCustomers(format!(
        "{}: too few customers for a test: {per_replication} per replication ({} over {replications} replications); use at least {minimum} per replication (--customers {})",
        case.name,
        effort.customers,
        minimum.saturating_mul(replications)
    )))
}

/// Runs the cases (replications in parallel on rayon's pool) and compares
/// them with theory. Results come back in case order.
pub fn run(cases: &[Case], effort: &Effort) -> Result<Vec<CaseResult>, ValidateError> {
    let base = base_scenario()?;
    let mut prepared = Vec::new();
    for case in cases {
        let exact = exact_metrics(&case.model(), case.target_hours)
            .map_err(|e| ValidateError::Theory(format!("{}: {e}", case.name)))?;
        check_effort(case, effort)?;
        prepared.push((case, exact, scenario_for(case, effort, &base)?));
    }
    let replications = effort.replications.max(2);
    let jobs: Vec<(usize, u32)> = (0..prepared.len())
        .flat_map(|c| (0..replications).map(move |r| (c, r)))
        .collect();
    let outcomes: Vec<Result<([f64; 6], u64), ValidateError>> = jobs
        .par_iter()
        .map(|&(c, r)| {
            let (case, _, scenario) = &prepared[c];
            let seed = replication_seed(effort.seed, case.seed_key(), u64::from(r));
            let s = simulate(scenario, seed, &mut NoObserver);
            if let Some(why) = s.engine.stopped_early {
                return Err(ValidateError::Stopped(format!("{}: {why}", case.name)));
            }
            let w = &s.waiting;
            let label = SimDuration::from_hours(case.target_hours).to_string();
            Ok((
                [
                    w.p_wait.unwrap_or(0.0),
                    w.p_abandon.unwrap_or(0.0),
                    w.mean_hours.unwrap_or(0.0),
                    w.mean_served_hours.unwrap_or(0.0),
                    w.within.get(&label).unwrap_or(0.0),
                    s.staff.utilisation.unwrap_or(0.0),
                ],
                w.settled,
            ))
        })
        .collect();
    let mut results = Vec::new();
    for (c, (case, exact, _)) in prepared.into_iter().enumerate() {
        let mut samples = Vec::new();
        let mut customers = 0;
        for outcome in &outcomes[c * replications as usize..(c + 1) * replications as usize] {
            let (values, settled) = outcome.clone()?;
            samples.push(values);
            customers += settled;
        }
        let exact_values = metric_values(&exact);
        let mut means = [0.0; 6];
        let mut ses = [0.0; 6];
        let mut checks = Vec::new();
        for i in 0..6 {
            let xs: Vec<f64> = samples.iter().map(|s| s[i]).collect();
            let scale = if METRICS[i].ends_with("_hours") {
                case.mean_handling_hours
            } else {
                1.0
            };
            let test = ZTest::new(&xs, exact_values[i], SE_FLOOR * scale);
            let (mean, se, z) = (test.mean, test.se, test.z);
            means[i] = mean;
            ses[i] = se;
            checks.push(Check {
                metric: METRICS[i],
                exact: exact_values[i],
                simulated: mean,
                se,
                z,
                pass: test.within_bound(),
            });
        }
        let pass = checks.iter().all(|c| c.pass);
        results.push(CaseResult {
            case: case.clone(),
            exact,
            simulated: Simulated {
                p_wait: means[0],
                p_wait_se: ses[0],
                p_abandon: means[1],
                p_abandon_se: ses[1],
                mean_wait_hours: means[2],
                mean_wait_hours_se: ses[2],
                mean_wait_served_hours: means[3],
                mean_wait_served_hours_se: ses[3],
                service_level: means[4],
                service_level_se: ses[4],
                occupancy: means[5],
                occupancy_se: ses[5],
            },
            customers,
            replications,
            checks,
            pass,
        });
    }
    Ok(results)
}

/// "100/h", "2.5/h", "2400/d", "1.5/m", "0.5/s" -> arrivals per hour.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let expected =
        || format!("expected a rate like \"100/h\", \"2.5/h\" or \"2400/d\", found {text:?}");
    let (number, unit) = text.trim().split_once('/').ok_or_else(expected)?;
    let value: f64 = number.trim().parse().map_err(|_| expected())?;
    let per_hour = match unit.trim() {
        "s" => 3600.0,
        "m" | "min" => 60.0,
        "h" => 1.0,
        "d" => 1.0 / 24.0,
        "w" => 1.0 / 168.0,
        _ => return Err(expected()),
    };
    let rate = value * per_hour;
    if rate.is_finite() && rate > 0.0 {
        Ok(rate)
    } else {
        Err(format!("expected a rate > 0, found {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_with_units() {
        assert_eq!(parse_rate("100/h"), Ok(100.0));
        assert_eq!(parse_rate("2.5/h"), Ok(2.5));
        assert_eq!(parse_rate("2400/d"), Ok(100.0));
        assert_eq!(parse_rate("1.5/m"), Ok(90.0));
        for bad in ["100", "100/x", "-1/h", "0/h", "nan/h", "/h", "abc/h"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_builtin_case_has_exact_values() {
        let cases = builtin_cases();
        assert!(cases.len() >= 12);
        assert!(cases.iter().any(|c| c.servers == 1));
        assert!(cases.iter().any(|c| c.servers >= 120));
        assert!(cases.iter().any(|c| c.mean_patience_hours.is_none()));
        assert!(
            cases
                .iter()
                .any(|c| c.offered_load() > f64::from(c.servers))
        );
        let base = base_scenario().unwrap();
        for case in &cases {
            exact_metrics(&case.model(), case.target_hours).unwrap();
            scenario_for(case, &Effort::QUICK, &base).unwrap();
        }
    }

    #[test]
    fn seeds_do_not_depend_on_order() {
        assert_ne!(replication_seed(1, 0, 1), replication_seed(1, 1, 0));
        // Pinned: a change of the derivation would change every result.
        assert_eq!(replication_seed(1, 2, 3), 14_174_850_634_340_415_194);
    }

    #[test]
    fn seeds_follow_the_case_not_its_place() {
        let cases = builtin_cases();
        let keys: std::collections::BTreeSet<u64> = cases.iter().map(Case::seed_key).collect();
        assert_eq!(keys.len(), cases.len(), "two cases share their seeds");
        // The same parameters under another name are the same case.
        let mut renamed = cases[3].clone();
        renamed.name = "ad hoc".into();
        assert_eq!(renamed.seed_key(), cases[3].seed_key());
        // One parameter changed is another case.
        let mut other = cases[3].clone();
        other.servers += 1;
        assert_ne!(other.seed_key(), cases[3].seed_key());
        let mut erlang_c = cases[3].clone();
        erlang_c.mean_patience_hours = None;
        assert_ne!(erlang_c.seed_key(), cases[3].seed_key());
    }

    #[test]
    fn the_builtin_efforts_are_enough_for_every_case() {
        for effort in [Effort::FULL, Effort::QUICK] {
            for case in builtin_cases() {
                check_effort(&case, &effort).unwrap();
            }
        }
        let case = &builtin_cases()[6];
        let few = Effort {
            customers: 100,
            ..Effort::FULL
        };
        let message = check_effort(case, &few).unwrap_err().to_string();
        assert!(
            message.contains("too few customers for a test: 2 per replication"),
            "{message}"
        );
        assert!(
            message.contains("use at least 1000 per replication (--customers 40000)"),
            "{message}"
        );
    }
}
