//! Is a plan feasible? A fully sequential feasibility check for one plan
//! and one target, after Andradóttir and Kim (2010, "Fully sequential
//! procedures for comparing constrained systems via simulation", Naval
//! Research Logistics 57) as used by Batur and Kim (2010, "Finding feasible
//! systems in the presence of constraints on multiple performance
//! measures", ACM TOMACS 20): the triangular continuation region of Kim and
//! Nelson (2001) against a known threshold.
//!
//! With observations Y₁, Y₂, … (one per replication), first-stage size n₀,
//! their first-stage variance S², threshold q, tolerance ε and error β:
//!
//! - h² = (n₀ − 1)·((2β)^(−2/(n₀−1)) − 1);
//! - after r observations, with D = Σ sign·(Yⱼ − q) (sign +1 for "≥ q"),
//!   and R(r) = max(0, h²S²/(2ε) − εr/2):
//!   D > R(r): feasible; D < −R(r): infeasible; else one more replication.
//!
//! The region closes at r = ⌈h²S²/ε²⌉, so the check always ends. If the
//! expectation is ≥ q + ε (on the right side by the tolerance), "feasible"
//! comes out with probability ≥ 1 − β; if it is ≤ q − ε, "infeasible"
//! does; in between either answer is acceptable (the indifference zone).
//! `plan` spends its error rate over all the decisions it reports
//! (Bonferroni), so each call here gets its own β.
//!
//! Pure arithmetic: the observations are the caller's, in replication
//! order, so a decision is the same on any number of threads.

use crate::stats;
use serde::Serialize;

/// The answer of the check, so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Feasible,
    Infeasible,
    /// More replications are needed (or the cap was reached first).
    Open,
}

/// The constants of one check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Check {
    /// The first-stage sample size n₀ (at least 2).
    pub first_stage: usize,
    /// h², from n₀ and β.
    pub h2: f64,
}

impl Check {
    pub fn new(first_stage: usize, beta: f64) -> Check {
        assert!(first_stage >= 2, "a variance needs two replications");
        assert!(beta > 0.0 && beta < 0.5, "β in (0, 0.5)");
        let df = (first_stage - 1) as f64;
        Check {
            first_stage,
            h2: df * ((2.0 * beta).powf(-2.0 / df) - 1.0),
        }
    }

    /// The verdict after the observations so far (at least `first_stage`
    /// of them), for `E[Y] ≥ q` when `sign` is +1 and `E[Y] ≤ q` when −1.
    pub fn verdict(&self, ys: &[f64], q: f64, sign: f64, tolerance: f64) -> Verdict {
        if ys.len() < self.first_stage {
            return Verdict::Open;
        }
        let s2 = stats::sd(&ys[..self.first_stage]).powi(2);
        let d: f64 = ys.iter().map(|y| sign * (y - q)).sum();
        let half_width = self.half_width(s2, ys.len(), tolerance);
        if d > half_width {
            Verdict::Feasible
        } else if d < -half_width {
            Verdict::Infeasible
        } else if half_width == 0.0 {
            // D = 0 exactly where the region has closed: the threshold is
            // met with equality, which a ≥ or ≤ target accepts.
            Verdict::Feasible
        } else {
            Verdict::Open
        }
    }

    /// The verdict at the first prefix of `ys` where the check closes, and
    /// that prefix's length; `None` while it is open for all of `ys`. One
    /// pass with a running sum: the same answers as `verdict` on each
    /// prefix (a test checks it).
    pub fn first_closing(
        &self,
        ys: &[f64],
        q: f64,
        sign: f64,
        tolerance: f64,
    ) -> Option<(Verdict, usize)> {
        if ys.len() < self.first_stage {
            return None;
        }
        let s2 = stats::sd(&ys[..self.first_stage]).powi(2);
        let mut d = 0.0;
        for (i, y) in ys.iter().enumerate() {
            d += sign * (y - q);
            let r = i + 1;
            if r < self.first_stage {
                continue;
            }
            let half_width = self.half_width(s2, r, tolerance);
            if d > half_width || (half_width == 0.0 && d == 0.0) {
                return Some((Verdict::Feasible, r));
            }
            if d < -half_width {
                return Some((Verdict::Infeasible, r));
            }
        }
        None
    }

    /// R(r) = max(0, h²S²/(2ε) − εr/2): the continuation region's half
    /// width after r observations.
    fn half_width(&self, s2: f64, r: usize, tolerance: f64) -> f64 {
        (self.h2 * s2 / (2.0 * tolerance) - tolerance * r as f64 / 2.0).max(0.0)
    }

    /// The most observations the check can take for this first stage: the
    /// region has closed by then.
    pub fn most_needed(&self, ys: &[f64], tolerance: f64) -> usize {
        if ys.len() < self.first_stage {
            return self.first_stage;
        }
        let s2 = stats::sd(&ys[..self.first_stage]).powi(2);
        ((self.h2 * s2 / (tolerance * tolerance)).ceil() as usize).max(self.first_stage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    /// Observations Y ~ N(mean, 1) from a fixed seed, as many as the check
    /// asks for (at most 100 000).
    fn decide(
        check: &Check,
        mean: f64,
        q: f64,
        tol: f64,
        sign: f64,
        seed: u64,
    ) -> (Verdict, usize) {
        let mut rng = SimRng::seed_from_u64(seed);
        let normal = Normal::new(mean, 1.0).unwrap();
        let mut ys: Vec<f64> = (0..check.first_stage)
            .map(|_| normal.sample(&mut rng))
            .collect();
        loop {
            let v = check.verdict(&ys, q, sign, tol);
            if v != Verdict::Open || ys.len() >= 100_000 {
                return (v, ys.len());
            }
            ys.push(normal.sample(&mut rng));
        }
    }

    #[test]
    fn h2_matches_the_kim_nelson_constant() {
        // η = ((2β)^(−2/(n₀−1)) − 1)/2 and h² = 2η(n₀−1): n₀ = 10, β = 0.05
        // gives η = (0.1^(−2/9) − 1)/2 = 0.33405…, h² = 6.01290…
        let c = Check::new(10, 0.05);
        assert!((c.h2 - 6.012905).abs() < 1e-5, "{}", c.h2);
    }

    /// The promise, on the boundary of the indifference zone where it is
    /// tightest: with E[Y] = q + ε on the right side the check says
    /// feasible with probability ≥ 1 − β, and with E[Y] = q − ε
    /// infeasible as often, for "≥" and "≤" targets alike. 10,000 checks
    /// each at β = 0.05: the procedure is close to β there (about 0.045),
    /// so the error rate must stay below β plus two standard errors
    /// (0.0544); a 6 % procedure would fail. And it must not be trivially
    /// safe: at the threshold itself both answers come out often.
    #[test]
    fn the_check_keeps_its_error_rate_at_the_zone_edge() {
        let check = Check::new(10, 0.05);
        let (q, tol) = (0.0, 0.25);
        let n = 10_000u64;
        let bound = 0.05 + 2.0 * (0.05f64 * 0.95 / n as f64).sqrt();
        for sign in [1.0, -1.0] {
            // With sign −1 the target is "≤ q": being below q is the right side.
            let wrong = |mean: f64, expect: Verdict, offset: u64| {
                (0..n)
                    .filter(|&i| decide(&check, mean, q, tol, sign, offset + i).0 != expect)
                    .count() as f64
                    / n as f64
            };
            let above = wrong(q + sign * tol, Verdict::Feasible, 0);
            let below = wrong(q - sign * tol, Verdict::Infeasible, 100_000);
            assert!(
                above < bound,
                "sign {sign}: {above} wrong on the right side"
            );
            assert!(
                below < bound,
                "sign {sign}: {below} wrong on the wrong side"
            );
            let feasible_at_q = 1.0 - wrong(q, Verdict::Feasible, 200_000);
            assert!(
                (0.3..0.7).contains(&feasible_at_q),
                "sign {sign}: at the threshold itself {feasible_at_q} feasible"
            );
        }
    }

    #[test]
    fn first_closing_agrees_with_the_verdict_of_each_prefix() {
        let check = Check::new(5, 0.05);
        let mut rng = SimRng::seed_from_u64(9);
        let normal = Normal::new(0.05, 1.0).unwrap();
        for _ in 0..200 {
            let ys: Vec<f64> = (0..60).map(|_| normal.sample(&mut rng)).collect();
            for sign in [1.0, -1.0] {
                let by_prefix =
                    (5..=ys.len()).find_map(|r| match check.verdict(&ys[..r], 0.0, sign, 0.2) {
                        Verdict::Open => None,
                        v => Some((v, r)),
                    });
                assert_eq!(check.first_closing(&ys, 0.0, sign, 0.2), by_prefix);
            }
        }
    }

    #[test]
    fn a_clear_case_ends_at_the_first_stage_and_every_case_ends() {
        let check = Check::new(10, 0.01);
        let (v, used) = decide(&check, 10.0, 0.0, 0.1, 1.0, 1);
        assert_eq!((v, used), (Verdict::Feasible, 10));
        let (v, used) = decide(&check, -10.0, 0.0, 0.1, 1.0, 2);
        assert_eq!((v, used), (Verdict::Infeasible, 10));
        // At the threshold the region closes by most_needed at the latest.
        let mut rng = SimRng::seed_from_u64(3);
        let normal = Normal::new(0.0, 1.0).unwrap();
        let mut ys: Vec<f64> = (0..10).map(|_| normal.sample(&mut rng)).collect();
        let cap = check.most_needed(&ys, 0.1);
        while check.verdict(&ys, 0.0, 1.0, 0.1) == Verdict::Open {
            ys.push(normal.sample(&mut rng));
            assert!(ys.len() <= cap, "still open past {cap}");
        }
    }

    #[test]
    fn a_constant_measure_is_decided_by_its_side() {
        let check = Check::new(5, 0.05);
        let at_most = |ys: &[f64]| check.verdict(ys, 3.0, -1.0, 0.5);
        assert_eq!(at_most(&[2.0; 5]), Verdict::Feasible);
        assert_eq!(at_most(&[4.0; 5]), Verdict::Infeasible);
        assert_eq!(at_most(&[3.0; 5]), Verdict::Feasible);
        assert_eq!(at_most(&[2.0; 4]), Verdict::Open);
    }
}
