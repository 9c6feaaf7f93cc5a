//! `entraide fit`: calibrate a scenario from a forum's own post log.
//!
//! ```text
//! posts.csv ──read_csv──▶ LogBuilder ──▶ PostLog (compact, by thread)
//!                                          │
//!             demand, customers, staff, experts (estimators)
//!                                          │
//!                                          ▼
//!                  Fit ──write──▶ DIR/fit.json, DIR/scenario.toml
//! ```
//!
//! Every estimate carries its estimator, its 95 % interval and its sample
//! size (`estimate`); what the log cannot identify is listed with the
//! reason and keeps the base scenario's value. docs/fit.md states each
//! estimator. The statistics live apart from the log (`crate::special`,
//! `survival`, `tail`), tested on their own.

mod calibrate;
pub mod check;
pub mod clock;
mod customers;
mod demand;
pub mod engagement;
pub mod estimate;
mod experts;
pub mod figures;
mod indirect;
pub mod log;
mod read_csv;
pub mod report;
pub mod simulated;
mod stackexchange;
mod staff;
pub mod state;
pub mod survival;
pub mod tail;
mod write;

use crate::scenario::Scenario;
use estimate::{Estimate, NotIdentified};
use log::{LogBuilder, PostLog};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use staff::FittedTeam;
pub use write::{scenario_text, write_outputs};

/// How to read and fit a log.
#[derive(Debug, Clone)]
pub struct Options {
    /// IANA zone for naive times, and the local clock of the profiles.
    pub timezone: Option<String>,
    /// Staff ids, one per line, for logs without roles.
    pub staff_authors: Option<PathBuf>,
    pub skip_bad_rows: bool,
    /// A member has churned after this many days without an answer.
    pub churn_days: f64,
    /// A window of the log: threads asked at or after `since`, posts
    /// before `until` (times as the log writes them).
    pub since: Option<String>,
    pub until: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timezone: None,
            staff_authors: None,
            skip_bad_rows: false,
            churn_days: 90.0,
            since: None,
            until: None,
        }
    }
}

/// Why `fit` failed: bad input (exit 2) or a failure writing (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    Output(String),
}

/// Everything `fit` found.
#[derive(Debug)]
pub struct Fit {
    pub source: String,
    pub posts: usize,
    pub threads: usize,
    pub days: f64,
    pub skipped: u64,
    pub skipped_examples: Vec<String>,
    pub kinds_given: bool,
    pub estimates: Vec<Estimate>,
    pub not_identified: Vec<NotIdentified>,
    pub topics: Vec<demand::FittedTopic>,
    pub teams: Vec<FittedTeam>,
    /// Confirmation posts in the log (None: the log has no kinds).
    pub confirmations: Option<u64>,
    /// Kaplan–Meier retention of members: (day, survival, lo, hi).
    pub retention: Vec<(f64, f64, f64, f64)>,
}

impl Fit {
    pub fn get(&self, path: &str) -> Option<&Estimate> {
        self.estimates.iter().find(|e| e.path == path)
    }
}

/// Reads a post log (CSV), checking every row.
pub fn read_log(path: &Path, options: &Options) -> Result<PostLog, FitError> {
    let source = path.display().to_string();
    let clock = clock_for(path, options)?;
    let staff = options
        .staff_authors
        .as_deref()
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|text| {
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(String::from)
                        .collect::<HashSet<String>>()
                })
                .map_err(|e| FitError::Input(format!("{}: {e}", p.display())))
        })
        .transpose()?;
    let roles_inferred = staff.is_some();
    let instant_of = |flag: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| instant(path, options, flag, t))
            .transpose()
    };
    let (since, until) = (
        instant_of("--since", &options.since)?,
        instant_of("--until", &options.until)?,
    );
    let file = std::fs::File::open(path).map_err(|e| FitError::Input(format!("{source}: {e}")))?;
    let input = std::io::BufReader::with_capacity(1 << 16, file);
    let read = if is_stack_exchange(path) {
        let builder = LogBuilder::new(
            &source,
            options.skip_bad_rows,
            Some(staff.unwrap_or_default()),
        )
        .window(since, until)
        .field_names(stackexchange::FIELDS)
        .group_topics(stackexchange::TOPICS_KEPT)
        .skip_dump_anomalies();
        stackexchange::read(input, &clock, builder)
    } else {
        let builder = LogBuilder::new(&source, options.skip_bad_rows, staff).window(since, until);
        read_csv::read(input, &clock, builder, roles_inferred)
    };
    read.map_err(|p| FitError::Input(p.describe(&source)))
}

/// `text` (the value of `flag`) as an instant, in ms since 1970, read as
/// the log at `path` reads its times.
pub fn instant(path: &Path, options: &Options, flag: &str, text: &str) -> Result<i64, FitError> {
    clock_for(path, options)?
        .parse(text)
        .map(|stamp| stamp.instant_ms)
        .map_err(|e| FitError::Input(format!("{flag} {text:?}: {e}")))
}

/// How the log at `path` reads its times: a dump's are naive UTC, a CSV's
/// RFC 3339 (naive ones in `--timezone`).
fn clock_for(path: &Path, options: &Options) -> Result<clock::Clock, FitError> {
    let zone = options.timezone.as_deref();
    if is_stack_exchange(path) {
        clock::Clock::naive_utc(zone)
    } else {
        clock::Clock::new(zone)
    }
    .map_err(FitError::Input)
}

/// A Stack Exchange dump (`Posts.xml`, or any `.xml`), else CSV.
fn is_stack_exchange(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

/// How the fitted scenario is checked against the log: `replications`
/// runs under the seeds of `run --replications` from `seed`.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    pub replications: u32,
    pub seed: u64,
    pub threads: Option<usize>,
}

/// Runs the fitted scenario `fitted` as many times as asked, each as long
/// as the log, and compares the figures of the simulated logs with the
/// log's (`check`). An error is a runtime failure (the worker pool).
pub fn check(
    log: &PostLog,
    fitted: &Scenario,
    options: &Options,
    check: CheckOptions,
) -> Result<check::Check, String> {
    let seeds = crate::replicate::seeds(check.seed, check.replications);
    let log_figures = figures::figures(log, options.churn_days);
    let simulated = simulated::replicated_figures(
        fitted,
        log.days(),
        &seeds,
        check.threads,
        options.churn_days,
    )?;
    Ok(check::Check {
        figures: check::compare(&log_figures, &simulated),
        seeds,
        log: log_figures,
        simulated,
    })
}

/// Calibrates `experts.engagement.daily_decay` and `experts.activity.sd`
/// to the log's retention and spread of answer counts (`calibrate`),
/// running `fitted` as many times per candidate as the check runs, and
/// records the estimates in `fit` (replacing the uncalibrated activity
/// spread) or why the log cannot give them. An error is a runtime
/// failure (the worker pool).
pub fn calibrate(
    fit: &mut Fit,
    log: &PostLog,
    fitted: &Scenario,
    options: &Options,
    check: CheckOptions,
) -> Result<(), String> {
    // Not the check's seeds: the check must not be run on the very
    // replications the parameters were calibrated on.
    let r = check.replications as usize;
    let seeds = crate::replicate::seeds(check.seed, 2 * check.replications)[r..].to_vec();
    let log_figures = figures::figures(log, options.churn_days);
    let simulate = |scenario: &Scenario| {
        simulated::replicated_figures(
            scenario,
            log.days(),
            &seeds,
            check.threads,
            options.churn_days,
        )
    };
    let activity_sd = fit.get(ACTIVITY_SD).map(Estimate::value);
    let (estimates, gaps) = calibrate::calibrate(&log_figures, fitted, activity_sd, &simulate)?;
    for e in estimates {
        fit.estimates.retain(|kept| kept.path != e.path);
        fit.estimates.push(e);
    }
    for gap in gaps {
        // An activity spread the simulation cannot calibrate keeps the
        // answering rates' (its estimator says so).
        if gap.path == ACTIVITY_SD && fit.get(ACTIVITY_SD).is_some() {
            continue;
        }
        fit.not_identified.push(gap);
    }
    Ok(())
}

const ACTIVITY_SD: &str = "experts.activity.sd";

/// Fits every estimate the log allows; `base` gives the values the log
/// cannot identify (and the deflection it inverts).
pub fn fit(log: &PostLog, base: &Scenario, options: &Options) -> Fit {
    let demand = demand::estimate(log, base);
    let (customer_estimates, customer_gaps) = customers::estimate(log, base);
    let staff = staff::estimate(log, base);
    let experts = experts::estimate(log, options.churn_days);
    let mut estimates = demand.estimates;
    estimates.extend(customer_estimates);
    estimates.extend(staff.estimates);
    estimates.extend(experts.estimates);
    // The activity's spread, as the answering rates show it: `calibrate`
    // corrects it by simulation.
    if let (Some(sigma), crate::dist::Sampler::LogNormal(_, mean)) =
        (experts.activity_sigma, base.experts.activity)
    {
        let rates = estimates
            .iter()
            .find(|e| e.path == "log.answers_per_member_day.log_sd");
        estimates.push(Estimate::scalar(
            ACTIVITY_SD,
            calibrate::sd_of(mean, sigma),
            rates
                .and_then(Estimate::interval)
                .map(|(lo, hi)| (calibrate::sd_of(mean, lo.max(0.0)), calibrate::sd_of(mean, hi))),
            rates.map_or(0, |e| e.n),
            estimate::Unit::Number,
            "the log-scale sd of members' answering rates, taken as activity's without calibration by simulation (it understates the spread: docs/fit.md); the mean (hours online per answer) is the base's",
        ));
    }
    let mut not_identified = demand.not_identified;
    not_identified.extend(customer_gaps);
    not_identified.extend(staff.not_identified);
    not_identified.extend(experts.not_identified);
    Fit {
        source: log.source.clone(),
        posts: log.posts.len(),
        threads: log.threads.len(),
        days: log.days(),
        skipped: log.skipped,
        skipped_examples: log.skipped_examples.clone(),
        kinds_given: log.kinds_given,
        estimates,
        not_identified,
        topics: demand.topics,
        teams: staff.teams,
        confirmations: staff.confirmations,
        retention: experts.retention,
    }
}
