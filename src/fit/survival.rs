//! Durations that were not always seen to end: how long a question waits
//! for its first answer, when the log stops before some are answered.
//!
//! - `kaplan_meier`: the product-limit estimator (Kaplan & Meier 1958),
//!   with Greenwood's variance and the 95 % "log-log" interval
//!   S^exp(±1.96 √V / |ln S|) (Kalbfleisch & Prentice 2002, §1.3), which
//!   stays inside [0, 1]. At tied times events come before censorings: a
//!   question closed unanswered at t was still waiting at t.
//! - `censored_lognormal_mle`: the lognormal fitted by maximum likelihood
//!   to right-censored times, standard errors from the inverse observed
//!   information. It assumes censoring is independent of the duration (the
//!   log ends at a date that says nothing about any one question).
//!
//! Ignoring the censored times, or taking them as answered, biases both
//! fits low: the long waits are exactly the ones the log cuts short.

use crate::special::{LN_SQRT_2PI, Quadratic, ln_normal_pdf, ln_normal_sf, maximise_2d};

/// Φ⁻¹(0.975), for the 95 % intervals.
const Z_975: f64 = 1.959_963_984_540_054;

/// A Kaplan–Meier curve: one entry per distinct time with an event.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    pub times: Vec<f64>,
    /// S just after each time.
    pub survival: Vec<f64>,
    /// The 95 % log-log interval; NaN once S reaches 0, where Greenwood's
    /// variance is infinite (R's survfit reports NA there too).
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// How many were still waiting just before each time.
    pub at_risk: Vec<u64>,
    pub events: Vec<u64>,
}

/// The Kaplan–Meier curve of (time, event observed) pairs; `false` marks a
/// right-censored time. NaN times are left out.
pub fn kaplan_meier(obs: &[(f64, bool)]) -> KaplanMeier {
    let mut sorted: Vec<(f64, bool)> = obs.iter().copied().filter(|o| !o.0.is_nan()).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut curve = KaplanMeier {
        times: Vec::new(),
        survival: Vec::new(),
        lower: Vec::new(),
        upper: Vec::new(),
        at_risk: Vec::new(),
        events: Vec::new(),
    };
    let (mut s, mut greenwood) = (1.0_f64, 0.0_f64);
    let mut start = 0;
    while start < sorted.len() {
        let t = sorted[start].0;
        let end = start + sorted[start..].partition_point(|o| o.0 == t);
        // Everyone at t is at risk at t, censored or not: events first.
        let n = (sorted.len() - start) as u64;
        let d = sorted[start..end].iter().filter(|o| o.1).count() as u64;
        start = end;
        if d == 0 {
            continue;
        }
        s *= 1.0 - d as f64 / n as f64;
        greenwood += d as f64 / (n as f64 * (n - d) as f64);
        let (lower, upper) = if s > 0.0 {
            let spread = (Z_975 * greenwood.sqrt() / s.ln().abs()).exp();
            (s.powf(spread), s.powf(1.0 / spread))
        } else {
            (f64::NAN, f64::NAN)
        };
        curve.times.push(t);
        curve.survival.push(s);
        curve.lower.push(lower);
        curve.upper.push(upper);
        curve.at_risk.push(n);
        curve.events.push(d);
    }
    curve
}

impl KaplanMeier {
    /// (estimate, lower, upper) at `t`: the step function, right-continuous,
    /// 1 before the first event.
    pub fn survival_at(&self, t: f64) -> (f64, f64, f64) {
        match self.times.partition_point(|&x| x <= t) {
            0 => (1.0, 1.0, 1.0),
            i => (self.survival[i - 1], self.lower[i - 1], self.upper[i - 1]),
        }
    }

    /// The first time S falls to 0.5 or below; None if it never does.
    /// (Where S is exactly 0.5 over an interval, R takes its midpoint;
    /// this takes its start.)
    pub fn median(&self) -> Option<f64> {
        self.survival
            .iter()
            .position(|&s| s <= 0.5)
            .map(|i| self.times[i])
    }
}

/// A lognormal fitted to right-censored times: ln T ~ N(mu, sigma²).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LognormalFit {
    pub mu: f64,
    pub sigma: f64,
    pub mu_se: f64,
    pub sigma_se: f64,
    pub cov_mu_sigma: f64,
    /// Observations used, censored included.
    pub n: u64,
    pub events: u64,
    /// The maximised log-likelihood of the times themselves (densities in
    /// the times' unit, so it compares with other fits to the same times).
    pub log_likelihood: f64,
}

impl LognormalFit {
    /// E(T) = exp(mu + sigma²/2).
    pub fn mean(&self) -> f64 {
        (self.mu + 0.5 * self.sigma * self.sigma).exp()
    }

    /// sd(T) = E(T) √(exp(sigma²) − 1).
    pub fn sd(&self) -> f64 {
        self.mean() * (self.sigma * self.sigma).exp_m1().sqrt()
    }

    /// 95 % interval of the mean by the delta method on ln E(T) = mu +
    /// sigma²/2 (gradient (1, sigma)), exponentiated so it stays positive.
    pub fn mean_ci95(&self) -> (f64, f64) {
        self.log_scale_ci95(self.mean().ln(), self.sigma)
    }

    /// 95 % interval of the sd, likewise on ln sd(T), whose gradient is
    /// (1, sigma (2 + 1 / (exp(sigma²) − 1))).
    pub fn sd_ci95(&self) -> (f64, f64) {
        let s = self.sigma;
        self.log_scale_ci95(self.sd().ln(), s * (2.0 + 1.0 / (s * s).exp_m1()))
    }

    /// exp(value ± 1.96 se) for a function of (mu, sigma) with gradient
    /// (1, d_sigma).
    fn log_scale_ci95(&self, value: f64, d_sigma: f64) -> (f64, f64) {
        let variance = self.mu_se * self.mu_se
            + 2.0 * d_sigma * self.cov_mu_sigma
            + d_sigma * d_sigma * self.sigma_se * self.sigma_se;
        let half = Z_975 * variance.sqrt();
        ((value - half).exp(), (value + half).exp())
    }
}

/// Fits the lognormal to right-censored (time, event observed) pairs by
/// maximum likelihood: Newton from the moments of the observed log times,
/// in (mu, ln sigma). Times of zero or less (a log stamped to the second
/// records "at once" as 0, where a lognormal has no mass) are taken as half
/// the smallest positive time; infinite and NaN times are left out. None
/// with fewer than two events, when the observed times are all equal, or
/// when the likelihood has no interior maximum.
pub fn censored_lognormal_mle(obs: &[(f64, bool)]) -> Option<LognormalFit> {
    let obs: Vec<(f64, bool)> = obs.iter().copied().filter(|o| o.0.is_finite()).collect();
    let smallest = obs
        .iter()
        .map(|o| o.0)
        .filter(|&t| t > 0.0)
        .min_by(f64::total_cmp)?;
    let log = |t: f64| t.max(0.5 * smallest).ln();
    let event_logs: Vec<f64> = obs.iter().filter(|o| o.1).map(|o| log(o.0)).collect();
    let censored_logs: Vec<f64> = obs.iter().filter(|o| !o.1).map(|o| log(o.0)).collect();
    let sample = LogSample::of(&event_logs)?;
    let expansion = |mu: f64, sigma: f64| {
        censored_logs
            .iter()
            .fold(lognormal_event_terms(&sample, mu, sigma), |q, &c| {
                q.plus(lognormal_survival_term((c - mu) / sigma, sigma), 1.0)
            })
    };
    let start = [sample.mean, 0.5 * sample.m2.ln()];
    let max = maximise_2d(
        |p| Some(expansion(p[0], p[1].exp()).in_log_second(p[1].exp())),
        start,
    )?;
    if !max.converged {
        return None;
    }
    let (mu, sigma) = (max.point[0], max.point[1].exp());
    let (mu_var, sigma_var, cov) = inverse_information(&expansion(mu, sigma))?;
    Some(LognormalFit {
        mu,
        sigma,
        mu_se: mu_var.sqrt(),
        sigma_se: sigma_var.sqrt(),
        cov_mu_sigma: cov,
        n: obs.len() as u64,
        events: event_logs.len() as u64,
        log_likelihood: max.at.value,
    })
}

/// (var a, var b, cov) from the inverse of minus the Hessian; None unless
/// that information matrix is positive definite.
pub(super) fn inverse_information(q: &Quadratic) -> Option<(f64, f64, f64)> {
    let (a, b, c) = (-q.hessian[0][0], -q.hessian[0][1], -q.hessian[1][1]);
    let det = a * c - b * b;
    (a > 0.0 && det > 0.0).then(|| (c / det, a / det, -b / det))
}

/// Log values reduced to what a normal likelihood needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LogSample {
    pub n: f64,
    pub mean: f64,
    /// Mean squared deviation (n in the denominator).
    pub m2: f64,
    pub sum: f64,
}

impl LogSample {
    /// None with fewer than two values or none apart.
    pub fn of(ys: &[f64]) -> Option<LogSample> {
        let n = ys.len() as f64;
        let sum: f64 = ys.iter().sum();
        let mean = sum / n;
        let m2 = ys.iter().map(|y| (y - mean) * (y - mean)).sum::<f64>() / n;
        (ys.len() >= 2 && m2 > 0.0).then_some(LogSample { n, mean, m2, sum })
    }
}

/// Σ ln f(t) over observed times, as a function of (mu, sigma), where
/// ln f(t) = ln φ(z) − ln sigma − ln t with z = (ln t − mu) / sigma.
pub(super) fn lognormal_event_terms(s: &LogSample, mu: f64, sigma: f64) -> Quadratic {
    let (n, d) = (s.n, s.mean - mu);
    let squares = n * (s.m2 + d * d); // Σ (y − mu)²
    let s2 = sigma * sigma;
    Quadratic {
        value: -n * sigma.ln() - 0.5 * squares / s2 - n * LN_SQRT_2PI - s.sum,
        gradient: [n * d / s2, (squares / s2 - n) / sigma],
        hessian: [
            [-n / s2, -2.0 * n * d / (s2 * sigma)],
            [-2.0 * n * d / (s2 * sigma), (n - 3.0 * squares / s2) / s2],
        ],
    }
}

/// ln S(z) of one time at standardised z = (ln t − mu) / sigma, as a
/// function of (mu, sigma): a censored time's term, and (with weight −n)
/// what a truncation at z divides out. With the hazard h = φ/S,
/// dh/dz = h (h − z) and dz/dmu = −1/sigma, dz/dsigma = −z/sigma.
pub(super) fn lognormal_survival_term(z: f64, sigma: f64) -> Quadratic {
    let ln_s = ln_normal_sf(z);
    let h = (ln_normal_pdf(z) - ln_s).exp();
    let slope = h * (h - z);
    let s2 = sigma * sigma;
    let cross = -(slope * z + h) / s2;
    Quadratic {
        value: ln_s,
        gradient: [h / sigma, h * z / sigma],
        hessian: [
            [-slope / s2, cross],
            [cross, -(slope * z * z + 2.0 * h * z) / s2],
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// Remission times in weeks of the 6-MP arm of Freireich et al. (1963),
    /// the classic example of Kaplan–Meier estimation (`false`: censored).
    const SIX_MP: [(f64, bool); 21] = [
        (6.0, true),
        (6.0, true),
        (6.0, true),
        (6.0, false),
        (7.0, true),
        (9.0, false),
        (10.0, true),
        (10.0, false),
        (11.0, false),
        (13.0, true),
        (16.0, true),
        (17.0, false),
        (19.0, false),
        (20.0, false),
        (22.0, true),
        (23.0, true),
        (25.0, false),
        (32.0, false),
        (32.0, false),
        (34.0, false),
        (35.0, false),
    ];

    #[test]
    fn kaplan_meier_of_the_6mp_data() {
        let km = kaplan_meier(&SIX_MP);
        assert_eq!(km.times, [6.0, 7.0, 10.0, 13.0, 16.0, 22.0, 23.0]);
        assert_eq!(km.at_risk, [21, 17, 15, 12, 11, 7, 6]);
        assert_eq!(km.events, [3, 1, 1, 1, 1, 1, 1]);
        // By hand: S = 18/21, ×16/17, ×14/15, ×11/12, ×10/11, ×6/7, ×5/6;
        // V = Σ d/(n(n−d)) (at 6: 3/(21·18)), interval S^exp(±1.96 √V/|ln S|):
        // at 6, √V/|ln S| = 0.089087/0.154151 = 0.57793, exp(1.96 × it) = 3.1041,
        // lower 0.857143^3.1041 = 0.619718, upper 0.857143^(1/3.1041) = 0.951552.
        let survival = [
            0.857143, 0.806723, 0.752941, 0.690196, 0.627451, 0.537815, 0.448179,
        ];
        let lower = [
            0.619718, 0.563147, 0.503200, 0.431610, 0.367511, 0.267779, 0.188052,
        ];
        let upper = [
            0.951552, 0.922809, 0.889362, 0.849066, 0.804912, 0.746791, 0.680143,
        ];
        for i in 0..7 {
            assert!(
                (km.survival[i] - survival[i]).abs() < 1e-6,
                "S at {}",
                km.times[i]
            );
            assert!(
                (km.lower[i] - lower[i]).abs() < 1e-6,
                "lower at {}",
                km.times[i]
            );
            assert!(
                (km.upper[i] - upper[i]).abs() < 1e-6,
                "upper at {}",
                km.times[i]
            );
        }
        assert_eq!(km.median(), Some(23.0));
        assert_eq!(km.survival_at(5.9), (1.0, 1.0, 1.0));
        assert_eq!(km.survival_at(12.0).0, km.survival[2]);
        assert_eq!(km.survival_at(100.0).0, km.survival[6]);
    }

    #[test]
    fn ties_put_events_before_censorings_and_zero_survival_has_no_interval() {
        let obs = [
            (2.0, false),
            (1.0, true),
            (2.0, true),
            (4.0, true),
            (3.0, false),
            (2.0, true),
        ];
        let km = kaplan_meier(&obs);
        // At 2 all three are at risk, the censored one included: S = 5/6 × 3/5.
        assert_eq!(km.at_risk, [6, 5, 1]);
        assert_eq!(km.events, [1, 2, 1]);
        assert!((km.survival[1] - 0.5).abs() < 1e-15);
        assert_eq!(km.survival[2], 0.0);
        assert!(km.lower[2].is_nan() && km.upper[2].is_nan());
        assert_eq!(km.median(), Some(2.0));
        // All censored: a flat curve at 1 and no median.
        let flat = kaplan_meier(&[(1.0, false), (5.0, false)]);
        assert!(flat.times.is_empty() && flat.median().is_none());
        assert_eq!(flat.survival_at(3.0), (1.0, 1.0, 1.0));
    }

    #[test]
    fn likelihood_derivatives_match_finite_differences() {
        let sample = LogSample::of(&[0.3, 1.2, -0.4, 2.0, 0.9]).unwrap();
        let f = |mu: f64, sigma: f64| {
            lognormal_event_terms(&sample, mu, sigma)
                .plus(lognormal_survival_term((1.7 - mu) / sigma, sigma), 1.0)
                .plus(lognormal_survival_term((-0.5 - mu) / sigma, sigma), -3.0)
        };
        let (mu, sigma, h) = (0.4, 0.9, 1e-5);
        let q = f(mu, sigma);
        let dmu =
            |g: &dyn Fn(Quadratic) -> f64| (g(f(mu + h, sigma)) - g(f(mu - h, sigma))) / (2.0 * h);
        let dsg =
            |g: &dyn Fn(Quadratic) -> f64| (g(f(mu, sigma + h)) - g(f(mu, sigma - h))) / (2.0 * h);
        let near = |a: f64, b: f64| (a - b).abs() < 1e-6 * (1.0 + b.abs());
        assert!(near(dmu(&|q| q.value), q.gradient[0]));
        assert!(near(dsg(&|q| q.value), q.gradient[1]));
        assert!(near(dmu(&|q| q.gradient[0]), q.hessian[0][0]));
        assert!(near(dsg(&|q| q.gradient[0]), q.hessian[0][1]));
        assert!(near(dmu(&|q| q.gradient[1]), q.hessian[1][0]));
        assert!(near(dsg(&|q| q.gradient[1]), q.hessian[1][1]));
    }

    /// Lognormal(mu, sigma) times censored by independent exponential
    /// follow-up with the given rate.
    fn censored_sample(
        rng: &mut Pcg64Mcg,
        n: usize,
        mu: f64,
        sigma: f64,
        rate: f64,
    ) -> Vec<(f64, bool)> {
        let mut normal = || {
            let (u, v) = (1.0 - rng.random::<f64>(), rng.random::<f64>());
            let z = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
            let follow_up = -(1.0 - rng.random::<f64>()).ln() / rate;
            (z, follow_up)
        };
        (0..n)
            .map(|_| {
                let (z, follow_up) = normal();
                let t = (mu + sigma * z).exp();
                if t <= follow_up {
                    (t, true)
                } else {
                    (follow_up, false)
                }
            })
            .collect()
    }

    #[test]
    fn censored_mle_recovers_the_lognormal_where_ignoring_censoring_fails() {
        let mut rng = Pcg64Mcg::seed_from_u64(20_240_611);
        // Rate 0.11 censors 30 % of lognormal(1, 0.8) times (by quadrature).
        let obs = censored_sample(&mut rng, 20_000, 1.0, 0.8, 0.11);
        let fit = censored_lognormal_mle(&obs).unwrap();
        let censored = (fit.n - fit.events) as f64 / fit.n as f64;
        assert!((0.28..0.32).contains(&censored), "censored {censored}");
        assert!((fit.mu - 1.0).abs() < 4.0 * fit.mu_se, "{fit:?}");
        assert!((fit.sigma - 0.8).abs() < 4.0 * fit.sigma_se, "{fit:?}");
        // The intervals, read back as standard errors on the log scale.
        let log_se = |(lo, hi): (f64, f64)| (hi / lo).ln() / (2.0 * Z_975);
        let true_mean = 1.32_f64.exp();
        let true_sd = true_mean * 0.64_f64.exp_m1().sqrt();
        assert!((fit.mean() / true_mean).ln().abs() < 4.0 * log_se(fit.mean_ci95()));
        assert!((fit.sd() / true_sd).ln().abs() < 4.0 * log_se(fit.sd_ci95()));
        // The same times with censoring ignored: far beyond those bounds,
        // whether the censored are dropped or taken as answered.
        let answered: Vec<f64> = obs.iter().filter(|o| o.1).map(|o| o.0.ln()).collect();
        let naive_mu = answered.iter().sum::<f64>() / answered.len() as f64;
        assert!(naive_mu < 1.0 - 10.0 * fit.mu_se, "naive mu {naive_mu}");
        let naive_mean = obs.iter().map(|o| o.0).sum::<f64>() / obs.len() as f64;
        assert!(naive_mean < fit.mean_ci95().0, "naive mean {naive_mean}");
    }

    #[test]
    fn standard_errors_match_the_spread_over_replications() {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let fits: Vec<LognormalFit> = (0..400)
            .map(|_| {
                censored_lognormal_mle(&censored_sample(&mut rng, 400, 1.0, 0.8, 0.11)).unwrap()
            })
            .collect();
        let spread = |xs: Vec<f64>| {
            let m = xs.iter().sum::<f64>() / xs.len() as f64;
            (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
        };
        let mean_se = |se: fn(&LognormalFit) -> f64| fits.iter().map(se).sum::<f64>() / 400.0;
        // An sd from 400 values is within 3.5 % (1/√800) per standard error.
        let mu_ratio = spread(fits.iter().map(|f| f.mu).collect()) / mean_se(|f| f.mu_se);
        let sigma_ratio = spread(fits.iter().map(|f| f.sigma).collect()) / mean_se(|f| f.sigma_se);
        assert!((mu_ratio - 1.0).abs() < 0.15, "mu: spread/se = {mu_ratio}");
        assert!(
            (sigma_ratio - 1.0).abs() < 0.15,
            "sigma: spread/se = {sigma_ratio}"
        );
    }

    #[test]
    fn degenerate_samples_have_no_fit_and_zero_times_are_floored() {
        assert!(censored_lognormal_mle(&[(1.0, true), (2.0, false), (3.0, false)]).is_none());
        assert!(censored_lognormal_mle(&[(2.0, true), (2.0, true), (5.0, false)]).is_none());
        assert!(censored_lognormal_mle(&[]).is_none());
        // A zero counts as half the smallest positive time, 0.5 here.
        let with_zero = censored_lognormal_mle(&[(0.0, true), (1.0, true), (4.0, true)]).unwrap();
        let floored = censored_lognormal_mle(&[(0.5, true), (1.0, true), (4.0, true)]).unwrap();
        assert_eq!(with_zero, floored);
        // Uncensored, the MLE is the closed form: mean and sd (n) of logs.
        let ys = [0.5_f64.ln(), 0.0, 4.0_f64.ln()];
        let mu = ys.iter().sum::<f64>() / 3.0;
        let sigma = (ys.iter().map(|y| (y - mu) * (y - mu)).sum::<f64>() / 3.0).sqrt();
        assert!((floored.mu - mu).abs() < 1e-9 && (floored.sigma - sigma).abs() < 1e-9);
        assert!((floored.mu_se - sigma / 3f64.sqrt()).abs() < 1e-8);
    }
}
