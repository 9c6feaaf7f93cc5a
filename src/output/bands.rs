//! The time series of a replicated run across its replications
//! (`timeseries_bands.csv`, one row per hour, and
//! `timeseries_bands_daily.csv`, one row per day): for each period, the
//! mean over replications of a few measures and the 95 % confidence
//! interval of that mean. `HourSeries` keeps the hourly values of one
//! replication (an `Observer`: N × hours × 8 numbers in memory); `table`
//! combines the replications in replication order, so the bytes do not
//! depend on the number of threads.

use crate::metrics::summary::{HourRow, QuestionRow};
use crate::model::Observer;
use crate::stats::Estimate;
use std::fmt::Write;

pub const HOURLY_FILE: &str = "timeseries_bands.csv";
pub const DAILY_FILE: &str = "timeseries_bands_daily.csv";

/// How the hours of a period are combined into the period's value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Aggregate {
    Mean,
    Max,
    Sum,
    /// The value of the period's last hour (a level at the end).
    Last,
}

/// One measure of the band files: the prefix of its three columns, the
/// hourly value (a `timeseries.csv` column) it is built from, and how the
/// hours of a period combine.
pub struct Measure {
    pub name: &'static str,
    read: fn(&HourRow) -> f64,
    aggregate: Aggregate,
}

/// The measures the report's charts draw, in column order.
pub const MEASURES: [Measure; 8] = [
    Measure {
        name: "backlog_mean",
        read: |r| r.backlog_mean,
        aggregate: Aggregate::Mean,
    },
    Measure {
        name: "backlog_peak",
        read: |r| r.backlog as f64,
        aggregate: Aggregate::Max,
    },
    Measure {
        name: "answers_expert",
        read: |r| r.answers_expert as f64,
        aggregate: Aggregate::Sum,
    },
    Measure {
        name: "answers_staff",
        read: |r| r.answers_staff as f64,
        aggregate: Aggregate::Sum,
    },
    Measure {
        name: "resolved_back_office",
        read: |r| r.resolved_back_office as f64,
        aggregate: Aggregate::Sum,
    },
    Measure {
        name: "experts_active",
        read: |r| r.experts_active as f64,
        aggregate: Aggregate::Last,
    },
    Measure {
        name: "experts_online_mean",
        read: |r| r.experts_online_mean,
        aggregate: Aggregate::Mean,
    },
    Measure {
        name: "staff_on_shift_mean",
        read: |r| r.staff_on_shift_mean,
        aggregate: Aggregate::Mean,
    },
];

/// The hourly values of `MEASURES` in one replication.
#[derive(Debug, Default, Clone)]
pub struct HourSeries {
    hours: Vec<[f64; MEASURES.len()]>,
}

impl Observer for HourSeries {
    fn hour(&mut self, row: &HourRow) {
        self.hours.push(MEASURES.each_ref().map(|m| (m.read)(row)));
    }
}

/// Feeds two observers the same rows: replication 0 streams the files of
/// a plain run and keeps its series for the bands.
pub struct Both<'a, A, B>(pub &'a mut A, pub &'a mut B);

impl<A: Observer, B: Observer> Observer for Both<'_, A, B> {
    fn hour(&mut self, row: &HourRow) {
        self.0.hour(row);
        self.1.hour(row);
    }
    fn progress(&mut self, now: crate::time::SimTime) {
        self.0.progress(now);
        self.1.progress(now);
    }
    fn question(&mut self, row: &QuestionRow) {
        if self.0.wants_questions() {
            self.0.question(row);
        }
        if self.1.wants_questions() {
            self.1.question(row);
        }
    }
    fn wants_questions(&self) -> bool {
        self.0.wants_questions() || self.1.wants_questions()
    }
}

/// The CSV of the bands over periods of `period_hours` hours (1 or 24):
/// `hour` (the period's first hour), `hours` (its length: the last one
/// may be shorter), then `MEASURE_mean`, `MEASURE_lo`, `MEASURE_hi` for
/// each measure: the mean over replications and the 95 % confidence
/// interval of that mean (mean ∓ t(0.975, N − 1) · sd / √N). Only the
/// hours every replication reached are kept (a replication that stopped
/// early is shorter). Numbers print in Rust's shortest round-trip form;
/// an empty field where the interval does not exist (one replication).
pub fn table(replications: &[HourSeries], period_hours: usize) -> String {
    let period = period_hours.max(1);
    let hours = replications
        .iter()
        .map(|r| r.hours.len())
        .min()
        .unwrap_or(0);
    let mut out = String::from("hour,hours");
    for m in &MEASURES {
        let _ = write!(out, ",{0}_mean,{0}_lo,{0}_hi", m.name);
    }
    out.push('\n');
    let mut values = Vec::with_capacity(replications.len());
    for start in (0..hours).step_by(period) {
        let end = (start + period).min(hours);
        let _ = write!(out, "{start},{}", end - start);
        for (i, m) in MEASURES.iter().enumerate() {
            values.clear();
            values.extend(replications.iter().map(|r| {
                let hourly = r.hours[start..end].iter().map(|h| h[i]);
                match m.aggregate {
                    Aggregate::Mean => hourly.sum::<f64>() / (end - start) as f64,
                    Aggregate::Sum => hourly.sum(),
                    Aggregate::Max => hourly.fold(f64::NEG_INFINITY, f64::max),
                    Aggregate::Last => r.hours[end - 1][i],
                }
            }));
            let e = Estimate::of(&values);
            for x in [e.mean, e.mean - e.half_width, e.mean + e.half_width] {
                out.push(',');
                if x.is_finite() {
                    let _ = write!(out, "{x}");
                }
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[[f64; MEASURES.len()]]) -> HourSeries {
        HourSeries {
            hours: values.to_vec(),
        }
    }

    fn column(text: &str, name: &str) -> Vec<String> {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let i = header.iter().position(|h| *h == name).unwrap();
        lines
            .map(|l| l.split(',').nth(i).unwrap().to_string())
            .collect()
    }

    #[test]
    fn periods_combine_hours_then_replications() {
        // Two replications of three hours; measure i holds i + hour (+ 10 in
        // the second replication).
        let rep = |offset: f64| {
            series(&[0.0, 1.0, 2.0].map(|h| std::array::from_fn(|i| i as f64 + h + offset)))
        };
        let reps = [rep(0.0), rep(10.0)];
        let daily = table(&reps, 2);
        assert_eq!(column(&daily, "hour"), ["0", "2"]);
        assert_eq!(column(&daily, "hours"), ["2", "1"]);
        // backlog_mean (measure 0): per-replication means 0.5 and 10.5.
        assert_eq!(column(&daily, "backlog_mean_mean"), ["5.5", "7"]);
        // backlog_peak (1): max 2 and 12; answers_expert (2): sums 5, 25;
        // experts_active (5): the last hour, 6 and 16.
        assert_eq!(column(&daily, "backlog_peak_mean")[0], "7");
        assert_eq!(column(&daily, "answers_expert_mean")[0], "15");
        assert_eq!(column(&daily, "experts_active_mean")[0], "11");
        // Two values 10 apart: sd = 10/√2, half-width = 12.706 · 10/√2/√2.
        let lo: f64 = column(&daily, "backlog_mean_lo")[0].parse().unwrap();
        let hi: f64 = column(&daily, "backlog_mean_hi")[0].parse().unwrap();
        assert!((hi - 5.5 - 63.53).abs() < 1e-9, "{hi}");
        assert!((5.5 - lo - 63.53).abs() < 1e-9, "{lo}");
        let hourly = table(&reps, 1);
        assert_eq!(hourly.lines().count(), 4);
    }

    #[test]
    fn only_hours_every_replication_reached() {
        let a = series(&[[1.0; MEASURES.len()]; 5]);
        let b = series(&[[3.0; MEASURES.len()]; 3]);
        let text = table(&[a, b], 1);
        assert_eq!(column(&text, "hour"), ["0", "1", "2"]);
        assert_eq!(column(&text, "staff_on_shift_mean_mean"), ["2", "2", "2"]);
    }

    #[test]
    fn one_replication_has_no_interval() {
        let text = table(&[series(&[[1.0; MEASURES.len()]])], 1);
        assert_eq!(column(&text, "backlog_mean_mean"), ["1"]);
        assert_eq!(column(&text, "backlog_mean_lo"), [""]);
    }
}
