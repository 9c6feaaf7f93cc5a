//! The z-test of a simulated mean against an exact value: the mean of
//! independent replications, its standard error, and how many standard
//! errors it lies from theory. Shared by `entraide validate` and
//! `tests/erlang_a.rs`, so both judge the simulator the same way.

/// A simulated mean passes when it is within this many standard errors.
pub const Z_BOUND: f64 = 4.0;

/// The relative bias a check must be able to see: a bias this large has
/// to lie at least `Z_BOUND` standard errors from the exact value.
pub const DETECTABLE_RELATIVE_BIAS: f64 = 0.05;

/// One metric's replications compared with its exact value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZTest {
    pub exact: f64,
    /// The mean over replications.
    pub mean: f64,
    /// Its standard error (sample standard deviation / sqrt(n)).
    pub se: f64,
    /// (mean - exact) / hypot(se, se_floor).
    pub z: f64,
}

impl ZTest {
    /// Compares `samples` (one value per replication, at least two) with
    /// `exact`. `se_floor` is added in quadrature to the standard error
    /// (0 for none): see `validate::SE_FLOOR` for why `validate` uses one.
    pub fn new(samples: &[f64], exact: f64, se_floor: f64) -> ZTest {
        let n = samples.len() as f64;
        let mean = samples.iter().sum::<f64>() / n;
        let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let se = (variance / n).sqrt();
        let z = (mean - exact) / se.hypot(se_floor);
        ZTest { exact, mean, se, z }
    }

    /// Within `Z_BOUND` standard errors; written so that a NaN fails.
    pub fn within_bound(&self) -> bool {
        self.z.abs() <= Z_BOUND
    }

    /// The standard error relative to the exact value.
    pub fn relative_se(&self) -> f64 {
        self.se / self.exact.abs()
    }

    /// Sharp enough that a `DETECTABLE_RELATIVE_BIAS` would fail the test,
    /// so that shortening a run cannot silently make a check toothless.
    /// Written so that a NaN (no spread at all, or an exact value of 0)
    /// fails too.
    pub fn sharp_enough(&self) -> bool {
        Z_BOUND * self.relative_se() <= DETECTABLE_RELATIVE_BIAS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_se_and_z_by_hand() {
        // mean 2.5, sample variance 5/3, se = sqrt(5/12).
        let t = ZTest::new(&[1.0, 2.0, 3.0, 4.0], 2.0, 0.0);
        assert_eq!(t.mean, 2.5);
        assert!((t.se - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
        assert!((t.z - 0.5 / (5.0f64 / 12.0).sqrt()).abs() < 1e-12);
        assert!(t.within_bound());
        // se/exact = 0.32: far too noisy to see a 5 % bias.
        assert!(!t.sharp_enough());
        let floored = ZTest::new(&[1.0, 2.0, 3.0, 4.0], 2.0, 1.0);
        assert!(floored.z < t.z);
    }

    #[test]
    fn a_biased_sharp_mean_fails_and_no_spread_is_not_sharp() {
        let biased = ZTest::new(&[1.05, 1.0501, 1.0499, 1.05], 1.0, 0.0);
        assert!(biased.sharp_enough());
        assert!(!biased.within_bound());
        let flat = ZTest::new(&[1.0, 1.0], 1.0, 0.0);
        assert!(!flat.within_bound(), "0/0 is NaN and must fail");
    }
}
