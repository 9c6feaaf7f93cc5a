//! The two parameters `fit` calibrates by simulation (`indirect`): the
//! daily engagement decay and the spread of activity.
//!
//! Engagement is not in the log, but departures are: in the model a
//! member leaves when engagement drifts below `leave_below`, so the
//! faster the decay, the sooner members leave. Retention is the figure
//! that pins `experts.engagement.daily_decay` down, given the other
//! weights (kept at the base's values, which the log cannot identify).
//!
//! Retention also depends on how unequal members are: a member who is
//! rarely online is rarely recognised, and drifts away. So the decay is
//! calibrated jointly with the spread of `experts.activity` (its
//! log-scale sigma; the mean, hours online per answer, is not in the log
//! and stays the base's). Members' answering rates understate that
//! spread: the busiest cannot answer faster than questions come and than
//! they write, and the least active may never answer in the log at all.
//! Fitted to the rates alone, a Mercure year's activity came out with
//! sigma 1.57 against the true 1.86, and the decay calibrated on top of
//! it 0.0051 [0.0042, 0.0061] against the true 0.004. The figure that
//! carries the spread is the sd of the logs of members' answer counts
//! (`figures::answer_count_spread`), which moves about twice as much
//! with sigma as the rates' spread does.
//!
//! **The moments:** the log's Kaplan–Meier retention at the last day it
//! shows (`figures::retention_days`), and its answer-count spread. Where
//! one is missing (a log too short to see anyone leave, a base whose
//! activity is not lognormal), the other parameter is calibrated alone.

use super::estimate::{Estimate, NotIdentified, Unit};
use super::figures::Figures;
use super::indirect::{Failure, Moment, Parameter, Simulate, Solution, solve};
use crate::dist::{DistSpec, Sampler};
use crate::scenario::Scenario;

/// The largest decay tried: at 0.1 a day an unrecognised member leaves
/// within a week.
const MAX_DECAY: f64 = 0.1;
/// The largest activity sigma tried: a ratio of e⁸ between the 95th and
/// the 5th percentile member.
const MAX_SIGMA: f64 = 4.0;
const DECAY: &str = "experts.engagement.daily_decay";
const ACTIVITY: &str = "experts.activity.sd";

/// What the calibration found: estimates, and what it could not give.
pub type Calibrated = (Vec<Estimate>, Vec<NotIdentified>);

/// The decay and the activity spread at which the fitted scenario keeps
/// members, and spreads their answers, as the log does; or why the log
/// cannot say. `activity_sd` is the sd the fitted scenario's activity has
/// (the start); `simulate` runs the replications of a scenario; an error
/// is a runtime failure.
pub fn calibrate(
    log: &Figures,
    fitted: &Scenario,
    activity_sd: Option<f64>,
    simulate: &Simulate<'_>,
) -> Result<Calibrated, String> {
    let gap = |path: &str, reason: String| NotIdentified {
        path: path.into(),
        reason,
    };
    if log.members == 0 {
        let why = "the log has no member answers".to_string();
        return Ok((
            Vec::new(),
            vec![gap(DECAY, why.clone()), gap(ACTIVITY, why)],
        ));
    }
    let mut gaps = Vec::new();
    // Retention, for the decay.
    let retention = match log.retention.last() {
        None => {
            gaps.push(gap(DECAY, "the log is too short to see a member leave (it must be longer than the churn window plus 30 days)".into()));
            None
        }
        Some(&(day, s, lo, hi)) if s >= 1.0 || !(hi - lo).is_finite() || hi <= lo => {
            gaps.push(gap(DECAY, format!(
                "no member of the log is seen to leave within {day} days of their first answer, which bounds the decay from above only"
            )));
            None
        }
        Some(&(day, s, _, _)) => Some((log.retention.len() - 1, day, s)),
    };
    // The answer-count spread, for the activity's sigma.
    let activity_mean = match fitted.experts.activity {
        Sampler::LogNormal(_, mean) => Some(mean),
        _ => None,
    };
    let spread = match (log.answer_count_spread, activity_mean) {
        (_, None) => {
            gaps.push(gap(ACTIVITY, "the base's experts.activity is not lognormal, whose sigma is what the log's spread of answer counts calibrates".into()));
            None
        }
        (Some(s), Some(mean)) if s.is_finite() && log.members >= 10 => Some((s, mean)),
        _ => {
            gaps.push(gap(
                ACTIVITY,
                "the log has too few members (fewer than 10) to measure how unequal they are"
                    .into(),
            ));
            None
        }
    };
    let mut moments = Vec::new();
    let mut parameters = Vec::new();
    if let Some((value, mean)) = spread {
        moments.push(Moment {
            log: value,
            of: Box::new(|f: &Figures| f.answer_count_spread),
        });
        if let Some(share) = log.top_decile_share {
            moments.push(Moment {
                log: share,
                of: Box::new(|f: &Figures| f.top_decile_share),
            });
        }
        parameters.push(Parameter {
            start: activity_sd.map_or(1.0, |sd| sigma_of(mean, sd)),
            max: MAX_SIGMA,
            step: 0.05,
            set: Box::new(move |scenario: &mut Scenario, sigma: f64| {
                if let Ok(sampler) = (DistSpec::LogNormal {
                    mean,
                    sd: sd_of(mean, sigma),
                })
                .sampler()
                {
                    scenario.experts.activity = sampler;
                }
            }),
        });
    }
    if let Some((index, _, s)) = retention {
        moments.push(Moment {
            log: s,
            of: Box::new(move |f: &Figures| f.retention.get(index).map(|r| r.1)),
        });
        parameters.push(Parameter {
            start: fitted.experts.engagement.daily_decay,
            max: MAX_DECAY,
            step: 1e-4,
            set: Box::new(|scenario: &mut Scenario, d: f64| {
                scenario.experts.engagement.daily_decay = d;
            }),
        });
    }
    if parameters.is_empty() {
        return Ok((Vec::new(), gaps));
    }
    let paths: Vec<&str> = [spread.map(|_| ACTIVITY), retention.map(|_| DECAY)]
        .into_iter()
        .flatten()
        .collect();
    let solution = match solve(&moments, &parameters, fitted, simulate)? {
        Ok(solution) => solution,
        Err(failure) => {
            let reason = |path: &str| {
                match &failure {
                Failure::TooFewRuns => "the fitted scenario's simulated logs have too few members to compare with the log's".to_string(),
                Failure::Flat => "the fitted scenario's retention and answer counts do not respond to the decay and the activity spread".to_string(),
                Failure::BeyondMax(j) if paths[*j] == DECAY => format!(
                    "members leave faster than any decay up to {MAX_DECAY} a day explains; something else drives them away"
                ),
                Failure::BeyondMax(j) if paths[*j] == ACTIVITY => format!(
                    "members' answer counts are more unequal than any activity spread up to sigma {MAX_SIGMA} explains"
                ),
                Failure::BeyondMax(..) => format!("{path}: no value in range matches the log"),
            }
            };
            gaps.extend(paths.iter().map(|p| gap(p, reason(p))));
            return Ok((Vec::new(), gaps));
        }
    };
    let what = describe(
        &solution,
        retention.map(|r| (r.1, r.2)),
        spread.map(|s| s.0),
        spread.and(log.top_decile_share),
    );
    let mut estimates = Vec::new();
    for (j, path) in paths.iter().enumerate() {
        let (lo, hi) = solution.interval(j);
        let estimate = if *path == DECAY {
            Estimate::scalar(
                DECAY,
                solution.values[j],
                Some((lo, hi)),
                log.members,
                Unit::Number,
                &what,
            )
        } else {
            let mean = spread.map_or(1.0, |s| s.1);
            Estimate::scalar(
                ACTIVITY,
                sd_of(mean, solution.values[j]),
                Some((sd_of(mean, lo), sd_of(mean, hi))),
                log.members,
                Unit::Number,
                &format!(
                    "{what}; sigma {:.3} [{lo:.3}, {hi:.3}]; the mean (hours online per answer) is the base's",
                    solution.values[j]
                ),
            )
        };
        estimates.push(estimate);
    }
    Ok((estimates, gaps))
}

/// The estimator, as fit.json states it.
fn describe(
    solution: &Solution,
    retention: Option<(f64, f64)>,
    spread: Option<f64>,
    top_share: Option<f64>,
) -> String {
    let targets: Vec<String> = [
        retention.map(|(day, s)| {
            format!("keep members {day} days as the log does ({s:.3}, Kaplan-Meier)")
        }),
        spread.map(|s| {
            format!("spread members' answer counts as the log does (sd of their logs {s:.3})")
        }),
        top_share.map(|s| {
            format!(
                "give the most active tenth of members the log's share of member answers ({s:.3})"
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let held = if solution.at_zero.iter().any(|&z| z) {
        "; a value held at 0 has a one-sided 95 % bound"
    } else {
        ""
    };
    format!(
        "indirect inference: the {} at which {} replications of the fitted scenario {}; common random numbers, Gauss-Newton over {} candidates; delta-method CI{held}; the other engagement weights are the base's",
        if solution.values.len() == 2 {
            "daily decay and activity spread"
        } else if retention.is_some() {
            "daily decay"
        } else {
            "activity spread"
        },
        solution.replications,
        targets.join(", "),
        solution.evaluations,
    )
}

/// A lognormal's sd from its mean and log-scale sigma.
pub(super) fn sd_of(mean: f64, sigma: f64) -> f64 {
    mean * (sigma * sigma).exp_m1().sqrt()
}

/// A lognormal's log-scale sigma from its mean and sd.
fn sigma_of(mean: f64, sd: f64) -> f64 {
    (sd / mean).powi(2).ln_1p().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy forum: retention falls with the decay and the spread, the
    /// answer counts spread and the top tenth's share rise with sigma.
    fn forum(sigma: f64, d: f64, retention: Vec<(f64, f64, f64, f64)>) -> Figures {
        let s = retention.first().map_or(0.0, |r| r.1);
        Figures {
            responded_within: Vec::new(),
            settled_threads: 0,
            member_first_share: None,
            responded_threads: 0,
            top_decile_share: Some(0.3 + 0.1 * sigma),
            members: 300,
            retention: retention
                .iter()
                .map(|&(day, _, lo, hi)| (day, s - 20.0 * d - 0.05 * (sigma - 1.5), lo, hi))
                .collect(),
            questions_by_hour_of_week: Vec::new(),
            after_acceptance: None,
            answer_count_spread: Some(1.0 + 0.5 * sigma - 10.0 * d),
        }
    }

    fn template() -> Scenario {
        crate::scenario::parse(crate::app::TEMPLATE, "template.toml", &[])
            .expect("the template")
            .scenario
    }

    #[test]
    fn the_decay_and_the_spread_are_solved_together_or_each_says_why_not() {
        let base = template();
        let Sampler::LogNormal(_, mean) = base.experts.activity else {
            panic!("the template's activity is lognormal");
        };
        // The sigma a scenario's activity carries, read back from 20,000
        // draws under a fixed seed (se about 0.01).
        let carried = |s: &Scenario| {
            use rand::SeedableRng;
            let mut rng = crate::rng::SimRng::seed_from_u64(7);
            let n = 20_000;
            let logs: Vec<f64> = (0..n)
                .map(|_| s.experts.activity.sample(&mut rng).ln())
                .collect();
            crate::stats::sd(&logs)
        };
        let retained = vec![(180.0, 0.8, 0.75, 0.85)];
        let model = |s: &Scenario| {
            let (sg, d) = (carried(s), s.experts.engagement.daily_decay);
            Ok((0..3)
                .map(|k| {
                    let mut f = forum(sg, d, retained.clone());
                    let e = [0.01, -0.02, 0.01][k];
                    f.retention[0].1 += e;
                    f.answer_count_spread = f.answer_count_spread.map(|x| x - e);
                    f.top_decile_share = f.top_decile_share.map(|x| x + [0.0, 0.01, -0.01][k]);
                    Some(f)
                })
                .collect())
        };
        let log = forum(1.9, 0.004, retained.clone());
        let (estimates, gaps) = calibrate(&log, &base, Some(1.0), &model).unwrap();
        assert!(gaps.is_empty(), "{gaps:?}");
        let get = |p: &str| estimates.iter().find(|e| e.path == p).unwrap();
        // Within the noise of `carried`: 4 of its se.
        assert!((get(DECAY).value() - 0.004).abs() < 2e-4, "{estimates:?}");
        let sd = get(ACTIVITY).value();
        assert!((sigma_of(mean, sd) - 1.9).abs() < 0.04, "{sd}");
        assert!(
            get(DECAY)
                .estimator
                .contains("daily decay and activity spread"),
            "{}",
            get(DECAY).estimator
        );

        // Nobody leaves: no decay, the spread still calibrated.
        let stayed = forum(1.9, 0.0, vec![(180.0, 1.0, 1.0, 1.0)]);
        let (estimates, gaps) = calibrate(&stayed, &base, Some(1.0), &model).unwrap();
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].path, DECAY);
        assert!(gaps[0].reason.contains("bounds the decay from above"));
        assert_eq!(estimates.len(), 1);
        assert_eq!(estimates[0].path, ACTIVITY);

        // No members: neither.
        let mut empty = log.clone();
        empty.members = 0;
        let (estimates, gaps) = calibrate(&empty, &base, Some(1.0), &model).unwrap();
        assert!(estimates.is_empty() && gaps.len() == 2);
    }
}
