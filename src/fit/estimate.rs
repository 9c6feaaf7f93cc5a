//! What `fit` produces: each estimate with its 95 % interval, its sample
//! size and the estimator that gave it, keyed by the scenario path it
//! sets (or, for figures that set no parameter, a `log.` path); and the
//! parameters the log cannot identify, with the reason.

use serde::Serialize;

/// A number or a profile (one value per hour, per day...).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Num {
    One(f64),
    Many(Vec<f64>),
}

/// How a value is written into a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A plain number (a rate, a share, a probability, a weight).
    Number,
    /// A whole number (a head count).
    Count,
    /// A duration, in hours here, written as "2.5h" in the scenario.
    Hours,
}

#[derive(Debug, Clone, Serialize)]
pub struct Estimate {
    /// The scenario path this sets, or `log.NAME` for a figure of the log.
    pub path: String,
    pub value: Num,
    /// The 95 % interval, where the estimator gives one.
    pub ci95: Option<(Num, Num)>,
    /// Observations behind it (threads, members, waits...).
    pub n: u64,
    pub unit: Unit,
    /// The estimator, as docs/fit.md names it.
    pub estimator: String,
    /// Whether the fitted scenario uses it (`log.` figures never do).
    pub sets_scenario: bool,
}

impl Estimate {
    pub fn scalar(
        path: &str,
        value: f64,
        ci: Option<(f64, f64)>,
        n: u64,
        unit: Unit,
        estimator: &str,
    ) -> Estimate {
        Estimate {
            path: path.to_string(),
            value: Num::One(value),
            ci95: ci.map(|(lo, hi)| (Num::One(lo), Num::One(hi))),
            n,
            unit,
            estimator: estimator.to_string(),
            sets_scenario: !path.starts_with("log."),
        }
    }

    /// A share: `successes` of `n`, with its Wilson interval (the
    /// estimator's text says so).
    pub fn share(path: &str, successes: u64, n: u64, estimator: &str) -> Estimate {
        Estimate::scalar(
            path,
            successes as f64 / n as f64,
            wilson(successes, n),
            n,
            Unit::Number,
            &format!("{estimator}; 95 % Wilson CI"),
        )
    }

    pub fn profile(
        path: &str,
        values: Vec<f64>,
        ci: Option<(Vec<f64>, Vec<f64>)>,
        n: u64,
        estimator: &str,
    ) -> Estimate {
        Estimate {
            path: path.to_string(),
            value: Num::Many(values),
            ci95: ci.map(|(lo, hi)| (Num::Many(lo), Num::Many(hi))),
            n,
            unit: Unit::Number,
            estimator: estimator.to_string(),
            sets_scenario: !path.starts_with("log."),
        }
    }

    pub fn value(&self) -> f64 {
        match &self.value {
            Num::One(x) => *x,
            Num::Many(xs) => xs.first().copied().unwrap_or(f64::NAN),
        }
    }

    /// The interval as (lo, hi) for a scalar.
    pub fn interval(&self) -> Option<(f64, f64)> {
        match &self.ci95 {
            Some((Num::One(lo), Num::One(hi))) => Some((*lo, *hi)),
            _ => None,
        }
    }
}

/// A parameter the log cannot identify: the fitted scenario keeps the
/// base's value.
#[derive(Debug, Clone, Serialize)]
pub struct NotIdentified {
    pub path: String,
    pub reason: String,
}

/// The 95 % Wilson score interval of a proportion: good at small counts
/// and near 0 or 1, where the normal interval leaves [0, 1].
pub fn wilson(successes: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let z = 1.959_963_984_540_054_f64;
    let (k, n) = (successes as f64, n as f64);
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_textbook_and_stays_in_the_unit_interval() {
        // Agresti & Coull (1998): 10 of 20 gives about [0.299, 0.701].
        let (lo, hi) = wilson(10, 20).unwrap();
        assert!(
            (lo - 0.2993).abs() < 1e-3 && (hi - 0.7007).abs() < 1e-3,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0, 50).unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.05 && hi < 0.08, "{hi}");
        assert_eq!(wilson(0, 0), None);
    }
}
