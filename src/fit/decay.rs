//! The daily engagement decay, by indirect inference on member retention.
//!
//! Engagement is not in the log, but departures are, and in the model a
//! member leaves when engagement drifts below `leave_below`: the faster
//! the decay, the sooner members leave. Retention is therefore the figure
//! that pins `experts.engagement.daily_decay` down, given the other
//! weights (kept at the base's values, which the log cannot identify).
//!
//! **The estimator.** The target is the log's Kaplan–Meier retention at
//! the last day it shows (`figures::retention_days`). For a candidate
//! decay d, the fitted scenario is run R times, each as long as the log,
//! and each simulated log goes through the same estimator; g(d) is the
//! mean simulated retention less the log's. The runs share their seeds
//! across candidates (common random numbers), so g moves with d, not
//! with the draws, and decreases (in steps: runs differ by whole
//! members). Those seeds follow the check's (replications R to 2R − 1),
//! so the check that follows is not compared with the runs it was
//! calibrated on. The estimate is the root of g, bracketed by doubling or
//! halving from the base's decay, then found by the Illinois variant of
//! regula falsi: the candidate nearest the target, within a quarter of
//! the log's standard error or after 14 candidates.
//!
//! **Its interval.** By the delta method at the root: the log's retention
//! has the standard error of its Greenwood interval, the simulated mean
//! that of R replications, and both are turned into decay through the
//! slope of g between 0.75 and 1.25 times the root (two more candidates;
//! a slope across a bracket that closed on one of g's steps would be far
//! too steep): se(d) = √(se_log² + sd_sim²/R) / |g′|.
//! A log whose members stay longer than the model allows even with no
//! decay gives 0, with a one-sided 95 % upper bound (1.645 se, the slope
//! from 0 to the base's decay).

use super::estimate::{Estimate, NotIdentified, Unit};
use super::figures::Figures;
use crate::scenario::Scenario;

/// The largest decay tried: at 0.1 a day an unrecognised member leaves
/// within a week.
const MAX_DECAY: f64 = 0.1;
/// Candidate decays run at most, bracketing included.
const MAX_EVALUATIONS: usize = 14;
const PATH: &str = "experts.engagement.daily_decay";

/// The simulated figures of `scenario` under `daily_decay`: the runs of
/// one candidate (same seeds for every candidate).
pub type Simulate<'a> = dyn Fn(&Scenario) -> Result<Vec<Option<Figures>>, String> + 'a;

/// The decay at which the fitted scenario keeps members as the log does,
/// or why the log cannot say. `simulate` runs the replications of a
/// scenario; an error is a runtime failure.
pub fn calibrate(
    log: &Figures,
    fitted: &Scenario,
    simulate: &Simulate<'_>,
) -> Result<Result<Estimate, NotIdentified>, String> {
    let Some(&(day, target, lo, hi)) = log.retention.last() else {
        return Ok(Err(NotIdentified {
            path: PATH.into(),
            reason: "the log is too short to see a member leave (it must be longer than the churn window plus 30 days)".into(),
        }));
    };
    let se_log = (hi - lo) / (2.0 * 1.96);
    if log.members == 0 {
        return Ok(Err(NotIdentified {
            path: PATH.into(),
            reason: "the log has no member answers".into(),
        }));
    }
    if target >= 1.0 || se_log.is_nan() || se_log <= 0.0 {
        return Ok(Err(NotIdentified {
            path: PATH.into(),
            reason: format!(
                "no member of the log is seen to leave within {day} days of their first answer, which bounds the decay from above only"
            ),
        }));
    }
    let index = log.retention.len() - 1;
    let evaluations = std::cell::Cell::new(0usize);
    // g(d): mean simulated retention at `day` less the log's, and the
    // replications' sd.
    let g = |d: f64| -> Result<Option<(f64, f64, usize)>, String> {
        evaluations.set(evaluations.get() + 1);
        let mut scenario = fitted.clone();
        scenario.experts.engagement.daily_decay = d;
        let values: Vec<f64> = simulate(&scenario)?
            .iter()
            .flatten()
            .filter_map(|f| f.retention.get(index).map(|r| r.1))
            .collect();
        if values.len() < 2 {
            return Ok(None);
        }
        let sd = crate::stats::sd(&values);
        Ok(Some((
            crate::stats::mean(&values) - target,
            sd,
            values.len(),
        )))
    };
    let flat = || NotIdentified {
        path: PATH.into(),
        reason: format!(
            "the fitted scenario's retention at {day} days does not respond to the decay"
        ),
    };
    let no_members = || NotIdentified {
        path: PATH.into(),
        reason: "the fitted scenario's simulated logs have too few members to compare retention"
            .into(),
    };
    // Bracket the root: (decay, g) with g ≥ 0 on the left, < 0 on the right.
    let start = fitted.experts.engagement.daily_decay.clamp(1e-4, MAX_DECAY);
    let Some(first) = g(start)? else {
        return Ok(Err(no_members()));
    };
    let (mut left, mut right) = if first.0 >= 0.0 {
        let mut left = (start, first);
        loop {
            let d = (left.0 * 2.0).min(MAX_DECAY);
            let Some(at) = g(d)? else {
                return Ok(Err(no_members()));
            };
            if at.0 < 0.0 {
                break (left, (d, at));
            }
            if d >= MAX_DECAY {
                return Ok(Err(NotIdentified {
                    path: PATH.into(),
                    reason: format!(
                        "members leave faster than any decay up to {MAX_DECAY} a day explains (retention at {day} days: log {target:.3}, simulated {:.3}); something else drives them away",
                        at.0 + target
                    ),
                }));
            }
            left = (d, at);
        }
    } else {
        let mut right = (start, first);
        loop {
            let d = if right.0 <= 1e-4 { 0.0 } else { right.0 / 2.0 };
            let Some(at) = g(d)? else {
                return Ok(Err(no_members()));
            };
            if at.0 >= 0.0 {
                break ((d, at), right);
            }
            if d == 0.0 {
                // Even no decay loses members faster than the log does:
                // 0, with a one-sided bound, through the slope from 0 to
                // the base's decay.
                let slope = (first.0 - at.0) / start;
                let se = se_of(se_log, at.1, at.2, slope);
                if !se.is_finite() {
                    return Ok(Err(flat()));
                }
                return Ok(Ok(estimate(
                    0.0,
                    (0.0, 1.645 * se),
                    (day, target, log.members),
                    at.2,
                    evaluations.get(),
                )));
            }
            right = (d, at);
        }
    };
    // Illinois regula falsi on (decay, g): the weights halve the end that
    // stays put twice running, so the bracket shrinks from both sides.
    // Stop within a quarter of the log's standard error, or when the
    // budget is spent; the estimate is the candidate nearest the target.
    let (mut weight_left, mut weight_right) = (left.1.0, right.1.0);
    let mut kept = 0i8;
    let root = if -right.1.0 < left.1.0 { right } else { left };
    let mut best = root;
    while evaluations.get() < MAX_EVALUATIONS && best.1.0.abs() >= 0.25 * se_log {
        let (a, b) = (left.0, right.0);
        let d = (a * weight_right - b * weight_left) / (weight_right - weight_left);
        let Some(at) = g(d)? else {
            return Ok(Err(no_members()));
        };
        if at.0.abs() < best.1.0.abs() {
            best = (d, at);
        }
        if at.0 >= 0.0 {
            left = (d, at);
            weight_left = at.0;
            if kept == 1 {
                weight_right /= 2.0;
            }
            kept = 1;
        } else {
            right = (d, at);
            weight_right = at.0;
            if kept == -1 {
                weight_left /= 2.0;
            }
            kept = -1;
        }
    }
    // The slope from two candidates a quarter of the decay either side: a
    // bracket that closed on a jump of the simulated retention (runs
    // differ by whole members) would give a slope far too steep.
    let (d, (_, sd_sim, replications)) = best;
    let (Some(below), Some(above)) = (g(0.75 * d)?, g(1.25 * d)?) else {
        return Ok(Err(no_members()));
    };
    let slope = (above.0 - below.0) / (0.5 * d);
    let se = se_of(se_log, sd_sim, replications, slope);
    if !se.is_finite() {
        return Ok(Err(flat()));
    }
    Ok(Ok(estimate(
        d,
        ((d - 1.96 * se).max(0.0), d + 1.96 * se),
        (day, target, log.members),
        replications,
        evaluations.get(),
    )))
}

/// The standard error of the decay: the log's and the replications'
/// errors of retention, through the slope of g.
fn se_of(se_log: f64, sd_sim: f64, replications: usize, slope: f64) -> f64 {
    (se_log * se_log + sd_sim * sd_sim / replications as f64).sqrt() / slope.abs()
}

/// The estimate, with `(day, retention, members)` of the log's target.
fn estimate(
    value: f64,
    ci: (f64, f64),
    (day, target, members): (f64, f64, u64),
    replications: usize,
    evaluations: usize,
) -> Estimate {
    Estimate::scalar(
        PATH,
        value,
        Some(ci),
        members,
        Unit::Number,
        &format!(
            "indirect inference: the decay at which {replications} replications of the fitted scenario keep members {day} days as the log does ({target:.3}, Kaplan-Meier); \
             common random numbers, Illinois root finding over {evaluations} candidate decays; delta-method CI; the other engagement weights are the base's"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures with only a retention curve: one point, at 90 days.
    fn retention(s: f64, lo: f64, hi: f64) -> Figures {
        Figures {
            responded_within: Vec::new(),
            settled_threads: 0,
            member_first_share: None,
            responded_threads: 0,
            top_decile_share: None,
            members: 300,
            retention: vec![(90.0, s, lo, hi)],
            questions_by_hour_of_week: Vec::new(),
            after_acceptance: None,
        }
    }

    /// A model whose retention is exp(−30 d − 2000 d²), each of two
    /// replications 0.01 off it either side: the root and its
    /// delta-method interval are known in closed form.
    fn curve(d: f64) -> f64 {
        (-30.0 * d - 2000.0 * d * d).exp()
    }

    fn model(scenario: &Scenario) -> Result<Vec<Option<Figures>>, String> {
        let s = curve(scenario.experts.engagement.daily_decay);
        Ok(vec![
            Some(retention(s - 0.01, 0.0, 1.0)),
            Some(retention(s + 0.01, 0.0, 1.0)),
        ])
    }

    fn base(decay: f64) -> Scenario {
        let mut scenario = crate::scenario::parse(crate::app::TEMPLATE, "template.toml", &[])
            .expect("the template")
            .scenario;
        scenario.experts.engagement.daily_decay = decay;
        scenario
    }

    #[test]
    fn the_root_is_found_from_either_side_with_its_delta_method_interval() {
        // Off the doubling grid of every start, so that the bracket
        // shrinks from both sides.
        let truth: f64 = 0.0037;
        let target = curve(truth);
        let log = retention(target, target - 0.0392, target + 0.0392);
        for start in [0.0005, 0.003, 0.004, 0.05] {
            let e = calibrate(&log, &base(start), &model).unwrap().unwrap();
            // Stopped within a quarter of the log's se (0.02) of the root.
            let d = e.value();
            assert!((curve(d) - target).abs() < 0.005, "{start}: {d}");
            // se = √(0.02² + sd²/2) / |g′|, sd = 0.01 √2, and
            // g′ = −(30 + 4000 d) S at the root.
            let slope = (30.0 + 4000.0 * truth) * target;
            let se = (0.02f64.powi(2) + 0.01f64.powi(2)).sqrt() / slope;
            let (lo, hi) = e.interval().unwrap();
            assert!(
                ((hi - lo) / (2.0 * 1.96) - se).abs() < 0.1 * se,
                "{start}: {lo} {hi}"
            );
            assert!(e.estimator.contains("candidate decays"), "{}", e.estimator);
        }
    }

    #[test]
    fn a_log_where_nobody_leaves_or_everyone_leaves_gives_no_decay() {
        let stayed = retention(1.0, 1.0, 1.0);
        assert!(calibrate(&stayed, &base(0.004), &model).unwrap().is_err());
        // A model that keeps half its members whatever the decay: a log
        // that keeps fewer points at something else; one that keeps more
        // gets no slope to turn into a decay.
        let still = |_: &Scenario| Ok(vec![Some(retention(0.5, 0.0, 1.0)); 2]);
        let gone = retention(0.01, 0.0, 0.03);
        let why = calibrate(&gone, &base(0.004), &still).unwrap().unwrap_err();
        assert!(
            why.reason.contains("faster than any decay"),
            "{}",
            why.reason
        );
        let why = calibrate(&retention(0.6, 0.5, 0.7), &base(0.004), &still)
            .unwrap()
            .unwrap_err();
        assert!(why.reason.contains("does not respond"), "{}", why.reason);
        // Members who stay longer than zero decay allows (a model that
        // keeps at most 97 %): 0, bounded above.
        let leaky = |scenario: &Scenario| {
            model(scenario).map(|runs| {
                runs.into_iter()
                    .map(|f| {
                        f.map(|mut f| {
                            f.retention[0].1 *= 0.97;
                            f
                        })
                    })
                    .collect()
            })
        };
        let loyal = retention(0.99, 0.98, 1.0);
        let e = calibrate(&loyal, &base(0.004), &leaky).unwrap().unwrap();
        assert_eq!(e.value(), 0.0);
        let (lo, hi) = e.interval().unwrap();
        assert!(lo == 0.0 && hi > 0.0 && hi.is_finite(), "{lo} {hi}");
        // A log whose bounds are not numbers: no estimate.
        let nan = retention(0.0, f64::NAN, f64::NAN);
        assert!(calibrate(&nan, &base(0.004), &model).unwrap().is_err());
    }
}
