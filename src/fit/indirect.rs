//! Indirect inference (Gouriéroux, Monfort & Renault 1993): the values of
//! a few scenario parameters at which the fitted scenario's simulated logs
//! show, on average, the log's own figures.
//!
//! Some parameters are not in the log, but figures they drive are: the
//! engagement decay drives retention, the spread of activity drives how
//! unequal members' answer counts are. Each candidate θ is run R times,
//! each run as long as the log, and each simulated log goes through the
//! very estimator the log went through, so the residual r(θ) (mean
//! simulated figure less the log's) is the model's, not the
//! measurement's. The runs share their seeds across candidates (common
//! random numbers), so r moves with θ, not with the draws.
//!
//! **The search** is Gauss–Newton on the residuals scaled by the
//! replications' sd (the spread one log of this length shows): a
//! finite-difference Jacobian, a step that is halved until the scaled
//! residuals shrink, and bounds [0, max] per parameter. A parameter
//! pushed below 0 is held there and the others are solved for (an
//! active set). With more figures than parameters (the figures may not
//! all be met) the least-squares step weighs each by its sd. It stops
//! once every residual is within a quarter of its sd, when a step lowers
//! the sum of squared scaled residuals by less than 2 % (or none helps),
//! or after `MAX_EVALUATIONS` candidates.
//!
//! **The interval.** By the delta method at the solution, with the
//! Jacobian J from central differences a quarter of each value either
//! side (a step across one of r's jumps, runs differ by whole members,
//! would be far too steep) and S the replications' covariance of the
//! figures: Cov(θ) = (1 + 1/R) G S Gᵀ with G = (JᵀWJ)⁻¹JᵀW,
//! W = S's diagonal inverted. The log's own sampling error is S (the
//! model, if true, makes logs that vary so), and 1/R is the simulation's.
//! A parameter held at 0 gets a one-sided 95 % bound, 1.645 se.

use super::figures::Figures;
use crate::scenario::Scenario;

/// Candidates run at most, Jacobians included.
const MAX_EVALUATIONS: usize = 24;
/// Converged when every scaled residual is below this.
const TOLERANCE: f64 = 0.25;
/// Stalled when a step lowers the objective (the sum of squared scaled
/// residuals) by less than this share of it.
const STALLED: f64 = 0.02;

/// The simulated figures of a scenario: its replications, under the same
/// seeds for every candidate.
pub type Simulate<'a> = dyn Fn(&Scenario) -> Result<Vec<Option<Figures>>, String> + 'a;

/// Reads a figure from a simulated log's figures.
pub type Reader<'a> = Box<dyn Fn(&Figures) -> Option<f64> + 'a>;
/// Sets a parameter in a scenario.
pub type Setter<'a> = Box<dyn Fn(&mut Scenario, f64) + 'a>;

/// A figure of the log and how to read it from a simulated log's figures.
pub struct Moment<'a> {
    pub log: f64,
    pub of: Reader<'a>,
}

/// A calibrated parameter: its starting value, its range [0, max], the
/// smallest finite-difference step, and how it is set in a scenario.
pub struct Parameter<'a> {
    pub start: f64,
    pub max: f64,
    pub step: f64,
    pub set: Setter<'a>,
}

/// The solution: a value per parameter, its standard error, whether it
/// is held at 0, and the work done.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub values: Vec<f64>,
    pub se: Vec<f64>,
    pub at_zero: Vec<bool>,
    /// The scaled residuals at the solution (simulated less log, in the
    /// replications' sd).
    pub residuals: Vec<f64>,
    pub replications: usize,
    pub evaluations: usize,
}

impl Solution {
    /// Parameter `j`'s 95 % interval: two-sided within [0, ∞), one-sided
    /// at 0.
    pub fn interval(&self, j: usize) -> (f64, f64) {
        let (value, se) = (self.values[j], self.se[j]);
        if self.at_zero[j] {
            (0.0, 1.645 * se)
        } else {
            ((value - 1.96 * se).max(0.0), value + 1.96 * se)
        }
    }
}

/// Why there is no solution.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Fewer than two replications gave every figure.
    TooFewRuns,
    /// The figures do not respond to the parameters (J is singular).
    Flat,
    /// Parameter j would have to exceed its max.
    BeyondMax(usize),
}

/// One candidate's runs.
struct Point {
    theta: Vec<f64>,
    /// Per replication, the figures; their mean and sd.
    runs: Vec<Vec<f64>>,
    mean: Vec<f64>,
    sd: Vec<f64>,
}

/// The parameters at which the simulated figures match the log's, or why
/// not. `simulate` runs a scenario's replications; its error is a runtime
/// failure.
pub fn solve(
    moments: &[Moment<'_>],
    parameters: &[Parameter<'_>],
    fitted: &Scenario,
    simulate: &Simulate<'_>,
) -> Result<Result<Solution, Failure>, String> {
    let evaluations = std::cell::Cell::new(0usize);
    let run = |theta: &[f64]| -> Result<Option<Point>, String> {
        evaluations.set(evaluations.get() + 1);
        let mut scenario = fitted.clone();
        for (p, &x) in parameters.iter().zip(theta) {
            (p.set)(&mut scenario, x);
        }
        let runs: Vec<Vec<f64>> = simulate(&scenario)?
            .iter()
            .flatten()
            .filter_map(|f| moments.iter().map(|m| (m.of)(f)).collect())
            .collect();
        if runs.len() < 2 {
            return Ok(None);
        }
        let column = |i: usize| runs.iter().map(|r| r[i]).collect::<Vec<f64>>();
        let mean = (0..moments.len())
            .map(|i| crate::stats::mean(&column(i)))
            .collect();
        let sd = (0..moments.len())
            .map(|i| crate::stats::sd(&column(i)))
            .collect();
        Ok(Some(Point {
            theta: theta.to_vec(),
            runs,
            mean,
            sd,
        }))
    };
    let start: Vec<f64> = parameters
        .iter()
        .map(|p| p.start.clamp(0.0, p.max))
        .collect();
    let Some(mut at) = run(&start)? else {
        return Ok(Err(Failure::TooFewRuns));
    };
    // The residuals are scaled by the first candidate's sd throughout, so
    // that the objective is one function of θ.
    let scale: Vec<f64> = at.sd.iter().map(|&s| s.max(1e-9)).collect();
    let scaled = |p: &Point| -> Vec<f64> {
        p.mean
            .iter()
            .zip(moments)
            .zip(&scale)
            .map(|((m, moment), s)| (m - moment.log) / s)
            .collect()
    };
    let objective = |z: &[f64]| z.iter().map(|v| v * v).sum::<f64>();
    let mut held = vec![false; parameters.len()];
    'search: loop {
        let z = scaled(&at);
        if z.iter().all(|v| v.abs() < TOLERANCE) {
            break;
        }
        let active: Vec<usize> = (0..parameters.len()).filter(|&j| !held[j]).collect();
        if active.is_empty() || evaluations.get() + active.len() + 1 > MAX_EVALUATIONS {
            break;
        }
        // The Jacobian of the scaled residuals, by forward differences
        // (backward at the max).
        let mut jacobian = vec![vec![0.0; active.len()]; moments.len()];
        for (c, &j) in active.iter().enumerate() {
            let p = &parameters[j];
            let h = step(p, at.theta[j]);
            let h = if at.theta[j] + h > p.max { -h } else { h };
            let mut theta = at.theta.clone();
            theta[j] += h;
            let Some(moved) = run(&theta)? else {
                return Ok(Err(Failure::TooFewRuns));
            };
            for (i, row) in jacobian.iter_mut().enumerate() {
                row[c] = (moved.mean[i] - at.mean[i]) / scale[i] / h;
            }
        }
        let Some(delta) = least_squares(&jacobian, &z) else {
            return Ok(Err(Failure::Flat));
        };
        // A parameter at 0 pushed below it is held there; one at its max
        // pushed above fails; then step, halving until the residuals shrink.
        let mut newly_held = false;
        for (c, &j) in active.iter().enumerate() {
            if at.theta[j] <= 0.0 && delta[c] > 0.0 {
                held[j] = true;
                newly_held = true;
            }
        }
        if newly_held {
            continue 'search;
        }
        let mut fraction = 1.0;
        loop {
            let mut theta = at.theta.clone();
            for (c, &j) in active.iter().enumerate() {
                theta[j] = (theta[j] - fraction * delta[c]).clamp(0.0, parameters[j].max);
            }
            let Some(next) = run(&theta)? else {
                return Ok(Err(Failure::TooFewRuns));
            };
            let (before, after) = (objective(&z), objective(&scaled(&next)));
            if after < before {
                at = next;
                // More moments than parameters cannot all be met: stop
                // once a step barely helps.
                if before - after < STALLED * before.max(1.0) {
                    break 'search;
                }
                break;
            }
            for (c, &j) in active.iter().enumerate() {
                if at.theta[j] >= parameters[j].max && delta[c] < 0.0 {
                    return Ok(Err(Failure::BeyondMax(j)));
                }
            }
            fraction /= 2.0;
            if fraction < 0.25 || evaluations.get() >= MAX_EVALUATIONS {
                break 'search;
            }
        }
    }
    // The interval: central differences at the solution (forward at 0).
    let k = parameters.len();
    let mut jacobian = vec![vec![0.0; k]; moments.len()];
    for (j, p) in parameters.iter().enumerate() {
        let h = step(p, at.theta[j]);
        let (lo, hi) = if at.theta[j] - h < 0.0 {
            (at.theta[j], at.theta[j] + h)
        } else {
            (at.theta[j] - h, (at.theta[j] + h).min(p.max))
        };
        let mean_at = |x: f64| -> Result<Option<Vec<f64>>, String> {
            if x == at.theta[j] {
                return Ok(Some(at.mean.clone()));
            }
            let mut theta = at.theta.clone();
            theta[j] = x;
            Ok(run(&theta)?.map(|p| p.mean))
        };
        let (Some(below), Some(above)) = (mean_at(lo)?, mean_at(hi)?) else {
            return Ok(Err(Failure::TooFewRuns));
        };
        for (i, row) in jacobian.iter_mut().enumerate() {
            row[j] = (above[i] - below[i]) / (hi - lo);
        }
    }
    let r = at.runs.len();
    let covariance = sample_covariance(&at.runs);
    let Some(cov) = delta_method(&jacobian, &covariance, 1.0 + 1.0 / r as f64) else {
        return Ok(Err(Failure::Flat));
    };
    let se: Vec<f64> = (0..k).map(|j| cov[j][j].max(0.0).sqrt()).collect();
    if se.iter().any(|s| !s.is_finite()) {
        return Ok(Err(Failure::Flat));
    }
    let residuals = scaled(&at);
    Ok(Ok(Solution {
        at_zero: at.theta.iter().map(|&x| x <= 0.0).collect(),
        values: at.theta,
        se,
        residuals,
        replications: r,
        evaluations: evaluations.get(),
    }))
}

/// The finite-difference step at `x`: a quarter of it, at least the
/// parameter's smallest step.
fn step(p: &Parameter<'_>, x: f64) -> f64 {
    (0.25 * x).max(p.step)
}

/// The least-squares solution δ of J δ = z (J: rows × columns, full
/// column rank), by the normal equations; None if JᵀJ is singular.
fn least_squares(jacobian: &[Vec<f64>], z: &[f64]) -> Option<Vec<f64>> {
    let k = jacobian.first()?.len();
    let mut normal = vec![vec![0.0; k]; k];
    let mut rhs = vec![0.0; k];
    for (row, &zi) in jacobian.iter().zip(z) {
        for a in 0..k {
            rhs[a] += row[a] * zi;
            for b in 0..k {
                normal[a][b] += row[a] * row[b];
            }
        }
    }
    solve_linear(normal, rhs)
}

/// Gaussian elimination with partial pivoting; None if singular.
// Matrix subscripts read as the algebra does.
#[allow(clippy::needless_range_loop)]
fn solve_linear(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    let size = a
        .iter()
        .flatten()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= 1e-12 * size || !a[pivot][col].is_finite() {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            for c in col..n {
                a[row][c] -= f * a[col][c];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// The covariance of the figures across replications (n − 1).
fn sample_covariance(runs: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let m = runs[0].len();
    let n = runs.len() as f64;
    let mean: Vec<f64> = (0..m)
        .map(|i| runs.iter().map(|r| r[i]).sum::<f64>() / n)
        .collect();
    (0..m)
        .map(|a| {
            (0..m)
                .map(|b| {
                    runs.iter()
                        .map(|r| (r[a] - mean[a]) * (r[b] - mean[b]))
                        .sum::<f64>()
                        / (n - 1.0)
                })
                .collect()
        })
        .collect()
}

/// factor × G S Gᵀ with G = (JᵀWJ)⁻¹JᵀW and W = diag(S)⁻¹: the
/// parameters' covariance; None if JᵀWJ is singular.
fn delta_method(jacobian: &[Vec<f64>], s: &[Vec<f64>], factor: f64) -> Option<Vec<Vec<f64>>> {
    let m = jacobian.len();
    let k = jacobian.first()?.len();
    let w: Vec<f64> = (0..m).map(|i| 1.0 / s[i][i].max(1e-300)).collect();
    // G's columns: for each moment i, (JᵀWJ)⁻¹ Jᵢᵀ wᵢ.
    let mut normal = vec![vec![0.0; k]; k];
    for (i, row) in jacobian.iter().enumerate() {
        for a in 0..k {
            for b in 0..k {
                normal[a][b] += row[a] * w[i] * row[b];
            }
        }
    }
    let mut g = vec![vec![0.0; m]; k];
    for i in 0..m {
        let rhs: Vec<f64> = (0..k).map(|a| jacobian[i][a] * w[i]).collect();
        let column = solve_linear(normal.clone(), rhs)?;
        for a in 0..k {
            g[a][i] = column[a];
        }
    }
    Some(
        (0..k)
            .map(|a| {
                (0..k)
                    .map(|b| {
                        let mut sum = 0.0;
                        for i in 0..m {
                            for l in 0..m {
                                sum += g[a][i] * s[i][l] * g[b][l];
                            }
                        }
                        factor * sum
                    })
                    .collect()
            })
            .collect(),
    )
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;

    /// Figures carrying three numbers: the retention point, the top
    /// tenth's share and the answer-count spread.
    fn figures(m: [f64; 3]) -> Figures {
        Figures {
            responded_within: Vec::new(),
            settled_threads: 0,
            member_first_share: None,
            responded_threads: 0,
            top_decile_share: Some(m[1]),
            members: 300,
            retention: vec![(90.0, m[0], 0.0, 1.0)],
            questions_by_hour_of_week: Vec::new(),
            after_acceptance: None,
            answer_count_spread: Some(m[2]),
        }
    }

    fn moments(log: [f64; 3], k: usize) -> Vec<Moment<'static>> {
        let readers: [fn(&Figures) -> Option<f64>; 3] = [
            |f| f.retention.first().map(|r| r.1),
            |f| f.top_decile_share,
            |f| f.answer_count_spread,
        ];
        readers
            .into_iter()
            .zip(log)
            .take(k)
            .map(|(of, log)| Moment {
                log,
                of: Box::new(of),
            })
            .collect()
    }

    /// Two parameters carried by two engagement weights of the template.
    fn parameters(start: [f64; 2], max: f64) -> Vec<Parameter<'static>> {
        vec![
            Parameter {
                start: start[0],
                max,
                step: 1e-3,
                set: Box::new(|s: &mut Scenario, x| s.experts.engagement.daily_decay = x),
            },
            Parameter {
                start: start[1],
                max,
                step: 1e-3,
                set: Box::new(|s: &mut Scenario, x| s.experts.engagement.accepted = x),
            },
        ]
    }

    fn theta(s: &Scenario) -> [f64; 2] {
        [
            s.experts.engagement.daily_decay,
            s.experts.engagement.accepted,
        ]
    }

    fn template() -> Scenario {
        crate::scenario::parse(crate::app::TEMPLATE, "template.toml", &[])
            .expect("the template")
            .scenario
    }

    /// Replications of a model: `f(θ)` plus three offsets that sum to
    /// zero, so that the mean is f(θ) and the covariance is known.
    const OFFSETS: [[f64; 3]; 3] = [
        [0.02, -0.01, 0.03],
        [-0.01, 0.02, 0.0],
        [-0.01, -0.01, -0.03],
    ];

    fn replications(m: [f64; 3]) -> Vec<Option<Figures>> {
        OFFSETS
            .iter()
            .map(|e| Some(figures([m[0] + e[0], m[1] + e[1], m[2] + e[2]])))
            .collect()
    }

    #[test]
    fn a_linear_model_is_solved_with_its_sandwich_covariance() {
        // m = b + A θ over two figures: the root and the covariance
        // (1 + 1/3) A⁻¹ S A⁻ᵀ are known in closed form.
        let a = [[-40.0, 2.0], [5.0, 10.0]];
        let b = [0.9, 0.3];
        let model = |s: &Scenario| {
            let t = theta(s);
            Ok(replications([
                b[0] + a[0][0] * t[0] + a[0][1] * t[1],
                b[1] + a[1][0] * t[0] + a[1][1] * t[1],
                0.0,
            ]))
        };
        let truth = [0.004, 0.02];
        let log = [
            b[0] + a[0][0] * truth[0] + a[0][1] * truth[1],
            b[1] + a[1][0] * truth[0] + a[1][1] * truth[1],
            0.0,
        ];
        let solution = solve(
            &moments(log, 2),
            &parameters([0.001, 0.05], 1.0),
            &template(),
            &model,
        )
        .unwrap()
        .unwrap();
        for j in 0..2 {
            assert!((solution.values[j] - truth[j]).abs() < 1e-9, "{solution:?}");
        }
        // S from the offsets (n − 1 = 2), A⁻¹ by hand.
        let s = [[0.0003, -0.00015], [-0.00015, 0.0003]];
        let det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
        let inv = [
            [a[1][1] / det, -a[0][1] / det],
            [-a[1][0] / det, a[0][0] / det],
        ];
        for j in 0..2 {
            let mut var = 0.0;
            for i in 0..2 {
                for l in 0..2 {
                    var += inv[j][i] * s[i][l] * inv[j][l];
                }
            }
            let se = (var * 4.0 / 3.0).sqrt();
            assert!(
                (solution.se[j] - se).abs() < 1e-6 * se,
                "{j}: {} against {se}",
                solution.se[j]
            );
        }
        assert!(solution.residuals.iter().all(|r| r.abs() < 1e-6));
    }

    #[test]
    fn a_curved_model_is_solved_from_any_start() {
        // Retention exp(−30 d − 2000 d²): one parameter, one figure,
        // the root off any grid; the interval within 10 % of the delta
        // method's at the root.
        let curve = |d: f64| (-30.0 * d - 2000.0 * d * d).exp();
        let model = |s: &Scenario| Ok(replications([curve(theta(s)[0]), 0.0, 0.0]));
        let truth = 0.0037;
        for start in [0.0005, 0.003, 0.004, 0.05] {
            let mut parameter = parameters([start, 0.0], 0.1);
            parameter.truncate(1);
            let solution = solve(
                &moments([curve(truth), 0.0, 0.0], 1),
                &parameter,
                &template(),
                &model,
            )
            .unwrap()
            .unwrap();
            let d = solution.values[0];
            // Within a quarter of the replications' sd (0.017) of the target.
            assert!(
                (curve(d) - curve(truth)).abs() < 0.25 * 0.0173,
                "{start}: {d}"
            );
            let slope = (30.0 + 4000.0 * truth) * curve(truth);
            let se = (0.0003f64 * 4.0 / 3.0).sqrt() / slope;
            assert!(
                (solution.se[0] - se).abs() < 0.1 * se,
                "{start}: {solution:?}"
            );
        }
    }

    #[test]
    fn bounds_a_flat_model_and_missing_runs_are_reported() {
        let falling = |s: &Scenario| Ok(replications([0.5 - theta(s)[0], 0.0, 0.0]));
        let one = |start: f64, max: f64| {
            let mut p = parameters([start, 0.0], max);
            p.truncate(1);
            p
        };
        // The log keeps more than θ = 0 allows: held at 0, bounded above.
        let held = solve(
            &moments([0.6, 0.0, 0.0], 1),
            &one(0.05, 1.0),
            &template(),
            &falling,
        )
        .unwrap()
        .unwrap();
        assert_eq!(held.values, vec![0.0]);
        assert!(held.at_zero[0]);
        let (lo, hi) = held.interval(0);
        assert!(lo == 0.0 && (hi - 1.645 * held.se[0]).abs() < 1e-12 && hi > 0.0);
        // It keeps fewer than θ = max allows.
        let beyond = solve(
            &moments([0.2, 0.0, 0.0], 1),
            &one(0.05, 0.1),
            &template(),
            &falling,
        )
        .unwrap();
        assert!(matches!(beyond, Err(Failure::BeyondMax(0))), "{beyond:?}");
        // A model that does not respond.
        let flat = |_: &Scenario| Ok(replications([0.5, 0.0, 0.0]));
        let none = solve(
            &moments([0.3, 0.0, 0.0], 1),
            &one(0.05, 1.0),
            &template(),
            &flat,
        )
        .unwrap();
        assert_eq!(none, Err(Failure::Flat));
        // Runs without the figure.
        let empty = |_: &Scenario| Ok(vec![None, None]);
        let none = solve(
            &moments([0.3, 0.0, 0.0], 1),
            &one(0.05, 1.0),
            &template(),
            &empty,
        )
        .unwrap();
        assert_eq!(none, Err(Failure::TooFewRuns));
    }
}
