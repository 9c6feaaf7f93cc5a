//! Statistics over replications, in one place: mean, standard deviation,
//! the Student-t 97.5 % quantile, the 95 % half-width of a mean, and the
//! paired difference of two samples (common random numbers). Every sum
//! runs in the order given, so the results do not depend on threads.

/// The mean of `xs`; NaN for an empty sample.
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The sample standard deviation (n − 1 in the denominator), two-pass;
/// NaN with fewer than two values.
pub fn sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return f64::NAN;
    }
    let m = mean(xs);
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    (ss / (xs.len() - 1) as f64).sqrt()
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (NaN
/// for 0): a table to 30, then a Cornish-Fisher expansion.
pub fn t_975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959_963_985;
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// A mean and the half-width of its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    /// t(0.975, n − 1) · sd / √n; NaN with fewer than two values.
    pub half_width: f64,
    pub n: usize,
}

impl Estimate {
    pub fn of(xs: &[f64]) -> Estimate {
        let n = xs.len();
        Estimate {
            mean: mean(xs),
            half_width: t_975(n.saturating_sub(1) as u64) * sd(xs) / (n as f64).sqrt(),
            n,
        }
    }

    /// The interval excludes 0: the value is distinguishable from noise.
    /// False when the half-width is unknown.
    pub fn excludes_zero(&self) -> bool {
        self.half_width.is_finite() && self.mean.abs() > self.half_width
    }
}

/// The paired difference b − a, replication by replication (same seeds on
/// both sides), and its estimate. `None` if the samples differ in length.
pub fn paired_difference(a: &[f64], b: &[f64]) -> Option<Estimate> {
    if a.len() != b.len() {
        return None;
    }
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    Some(Estimate::of(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_beyond_the_table() {
        // Published values; the expansion is within 2e-3 of them.
        assert!((t_975(30) - 2.042).abs() < 1e-9);
        assert!((t_975(40) - 2.021).abs() < 2e-3);
        assert!((t_975(120) - 1.980).abs() < 1e-3);
        assert!((t_975(1_000_000) - 1.96).abs() < 1e-3);
    }

    #[test]
    fn known_t_quantiles() {
        assert_eq!(t_975(1), 12.706);
        assert_eq!(t_975(4), 2.776);
        assert_eq!(t_975(9), 2.262);
        assert!((t_975(60) - 2.000).abs() < 1e-3);
        assert!((t_975(1_000_000) - 1.96).abs() < 1e-3);
        assert!(t_975(0).is_nan());
    }

    #[test]
    fn small_sample_by_hand() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squares about it sum to 32,
        // variance 32/7, sd 2.13809; half-width 2.365 · sd / √8 = 1.78777.
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let e = Estimate::of(&xs);
        assert_eq!(e.mean, 5.0);
        assert!((sd(&xs) - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert!((e.half_width - 1.787_77).abs() < 1e-5);
        assert!(e.excludes_zero());
        assert!(Estimate::of(&[3.0]).half_width.is_nan());
        assert!(!Estimate::of(&[3.0]).excludes_zero());
    }

    #[test]
    fn paired_differences() {
        // b − a = 1, 2, 3: mean 2, sd 1, half-width 4.303 / √3 = 2.48434.
        let d = paired_difference(&[1.0, 1.0, 1.0], &[2.0, 3.0, 4.0]).unwrap();
        assert_eq!(d.mean, 2.0);
        assert!((d.half_width - 2.484_34).abs() < 1e-5);
        assert!(!d.excludes_zero());
        let same = paired_difference(&[1.0, 5.0], &[1.0, 5.0]).unwrap();
        assert_eq!((same.mean, same.half_width), (0.0, 0.0));
        assert!(!same.excludes_zero());
        assert!(paired_difference(&[1.0], &[1.0, 2.0]).is_none());
    }
}
