//! Does the fitted scenario reproduce the log? Each compared figure of the
//! log (`figures`) beside the same figure over replicated simulated logs
//! of the same length (`simulated`), with the discrepancy of each.
//!
//! The yardstick is the replications' spread: if the fitted scenario were
//! the forum, the log would be one more draw, so it should fall within the
//! 95 % prediction interval mean ± t(R−1) · sd · √(1 + 1/R) of the R
//! simulated values (t from Student's distribution, as the sample sd is
//! itself estimated). The discrepancy is the log's value less the
//! simulated mean, and z is that over sd · √(1 + 1/R). About one figure in
//! twenty falls outside by chance; a figure far outside points at a part
//! of the model the log contradicts, or at a parameter the log could not
//! identify (docs/fit.md lists them).

use super::figures::{Figures, RESPONSE_HOURS};
use crate::stats;
use serde::Serialize;

/// The comparison `fit` writes: the seeds of the replications, the
/// figures of the log and of each replication, and each compared figure.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub seeds: Vec<u64>,
    #[serde(skip)]
    pub log: Figures,
    #[serde(skip)]
    pub simulated: Vec<Option<Figures>>,
    pub figures: Vec<Compared>,
}

/// The unit a compared figure is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Share,
    PerWeek,
    /// A relative change, such as +2 %.
    Change,
}

/// One compared figure.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// A stable key, such as `responded_within_4h`.
    pub key: String,
    pub label: String,
    pub unit: Unit,
    pub log: f64,
    /// The replications' values (those that had the figure).
    pub simulated: Vec<f64>,
    pub simulated_mean: f64,
    pub simulated_sd: f64,
    /// The 95 % prediction interval of one more log, within [0, 1] for a
    /// share (None with fewer than two replications).
    pub prediction_interval: Option<(f64, f64)>,
    pub discrepancy: f64,
    pub z: Option<f64>,
    pub inside: Option<bool>,
}

/// The hours of `RESPONSE_HOURS` shown as rows (the chart shows them all).
const RESPONSE_ROWS: [f64; 4] = [1.0, 4.0, 24.0, 96.0];

/// Every compared figure, in the report's order. `simulated` are the
/// replications' figures (None for one with no thread).
pub fn compare(log: &Figures, simulated: &[Option<Figures>]) -> Vec<Compared> {
    let sims: Vec<&Figures> = simulated.iter().flatten().collect();
    let mut rows = Vec::new();
    let mut push =
        |key: String, label: String, unit: Unit, pick: &dyn Fn(&Figures) -> Option<f64>| {
            if let Some(value) = pick(log) {
                let values: Vec<f64> = sims.iter().filter_map(|f| pick(f)).collect();
                rows.push(compared(key, label, unit, value, values));
            }
        };
    for hours in RESPONSE_ROWS {
        let i = RESPONSE_HOURS
            .iter()
            .position(|&h| h == hours)
            .expect("a row of the grid");
        push(
            format!("responded_within_{hours}h"),
            format!("threads with a first response within {hours} h"),
            Unit::Share,
            &|f| (f.settled_threads > 0).then(|| f.responded_within[i]),
        );
    }
    push(
        "member_first_share".into(),
        "first responses by members (not staff)".into(),
        Unit::Share,
        &|f| f.member_first_share,
    );
    push(
        "top_decile_share".into(),
        "member answers by the most active tenth of members".into(),
        Unit::Share,
        &|f| f.top_decile_share,
    );
    for (j, &(day, ..)) in log.retention.iter().enumerate() {
        push(
            format!("retention_{day}d"),
            format!("members still answering {day} days after their first answer"),
            Unit::Share,
            &|f| f.retention.get(j).map(|r| r.1),
        );
    }
    push(
        "answers_after_acceptance".into(),
        format!(
            "change in a member's answers in the {} days after an accepted answer",
            super::engagement::WINDOW_DAYS
        ),
        Unit::Change,
        &|f| f.after_acceptance.map(|e| e.change),
    );
    push(
        "questions_per_week".into(),
        "questions per week".into(),
        Unit::PerWeek,
        &|f| Some(f.questions_by_hour_of_week.iter().sum()),
    );
    push(
        "weekend_share".into(),
        "questions posted on Saturday or Sunday".into(),
        Unit::Share,
        &|f| {
            let total: f64 = f.questions_by_hour_of_week.iter().sum();
            (total > 0.0).then(|| f.questions_by_hour_of_week[120..].iter().sum::<f64>() / total)
        },
    );
    rows
}

fn compared(key: String, label: String, unit: Unit, log: f64, simulated: Vec<f64>) -> Compared {
    let r = simulated.len();
    let mean = if r > 0 {
        stats::mean(&simulated)
    } else {
        f64::NAN
    };
    let sd = if r > 1 {
        stats::sd(&simulated)
    } else {
        f64::NAN
    };
    let scale = sd * (1.0 + 1.0 / r as f64).sqrt();
    // A share's interval stays within [0, 1].
    let (floor, ceiling) = match unit {
        Unit::Share => (0.0, 1.0),
        Unit::PerWeek => (0.0, f64::INFINITY),
        Unit::Change => (-1.0, f64::INFINITY),
    };
    let prediction_interval = (r > 1).then(|| {
        let half = stats::t_975(r as u64 - 1) * scale;
        ((mean - half).max(floor), (mean + half).min(ceiling))
    });
    let z = (r > 1 && scale > 0.0).then(|| (log - mean) / scale);
    let inside = prediction_interval.map(|(lo, hi)| lo <= log && log <= hi);
    Compared {
        key,
        label,
        unit,
        log,
        simulated,
        simulated_mean: mean,
        simulated_sd: sd,
        prediction_interval,
        discrepancy: log - mean,
        z,
        inside,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prediction_interval_widens_the_spread_for_one_more_draw() {
        let c = compared(
            "k".into(),
            "k".into(),
            Unit::Share,
            0.9,
            vec![0.4, 0.5, 0.6],
        );
        assert!((c.simulated_mean - 0.5).abs() < 1e-12);
        assert!((c.simulated_sd - 0.1).abs() < 1e-12);
        // t(2) = 4.303, times 0.1 * sqrt(4 / 3).
        let half = 4.302_652_7 * 0.1 * (4.0f64 / 3.0).sqrt();
        let (lo, hi) = c.prediction_interval.unwrap();
        assert!((hi - 0.5 - half).abs() < 1e-4 && (0.5 - lo - half).abs() < 1e-4);
        assert_eq!(c.inside, Some(true));
        assert!((c.discrepancy - 0.4).abs() < 1e-12);
        assert!((c.z.unwrap() - 0.4 / (0.1 * (4.0f64 / 3.0).sqrt())).abs() < 1e-9);
        // A share's interval stops at 1 (and at 0).
        let high = compared(
            "k".into(),
            "k".into(),
            Unit::Share,
            0.99,
            vec![0.9, 0.99, 1.0],
        );
        assert_eq!(high.prediction_interval.unwrap().1, 1.0);
        let lone = compared("k".into(), "k".into(), Unit::Share, 0.9, vec![0.4]);
        assert_eq!(
            (lone.prediction_interval, lone.inside, lone.z),
            (None, None, None)
        );
    }
}
