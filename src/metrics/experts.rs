//! What happens to the expert members: how many are active and online over
//! time, who joins and leaves, how answers are spread among them. Builds
//! the `experts` section of the summary.

use super::level::Level;
use super::summary;
use super::{Warmup, ratio};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimDuration, SimTime};

/// What the summary needs of one expert at the end of a run.
#[derive(Debug, Clone, Copy)]
pub struct ExpertAtEnd {
    pub initial: bool,
    pub departed_at: Option<SimTime>,
}

#[derive(Debug, Clone)]
pub struct ExpertMetrics {
    warmup: Warmup,
    online: Level,
    active: Level,
    joined: u64,
    departed: u64,
    /// Per expert, in order of joining: answers posted after the warm-up.
    answers_measured: Vec<u64>,
    /// Answers posted this hour, for the time series.
    pub(super) hour_answers: u64,
    /// When the initial cohort joined: time zero, or a forum state's
    /// moment after its lead-in. Their retention is counted from there.
    cohort_joined: Option<SimTime>,
}

impl ExpertMetrics {
    pub fn new(warmup: Warmup) -> ExpertMetrics {
        ExpertMetrics {
            warmup,
            online: Level::new(warmup.end()),
            active: Level::new(warmup.end()),
            joined: 0,
            departed: 0,
            answers_measured: Vec::new(),
            hour_answers: 0,
            cohort_joined: None,
        }
    }

    /// An expert joins: the initial cohort at time zero, or a customer
    /// `recruited` during the run.
    pub fn joined(&mut self, now: SimTime, recruited: bool) {
        if recruited && self.warmup.counts(now) {
            self.joined += 1;
        }
        if !recruited && self.cohort_joined.is_none() {
            self.cohort_joined = Some(now);
        }
        self.answers_measured.push(0);
        self.active.add(now, 1);
    }

    /// `delta` experts came online (+1) or went offline (−1).
    pub fn online(&mut self, now: SimTime, delta: i64) {
        self.online.add(now, delta);
    }

    pub fn departed(&mut self, now: SimTime) {
        self.active.add(now, -1);
        if self.warmup.counts(now) {
            self.departed += 1;
        }
    }

    /// Expert number `expert` (in order of joining) posted an answer.
    pub fn answered(&mut self, now: SimTime, expert: usize) {
        if self.warmup.counts(now) {
            self.answers_measured[expert] += 1;
        }
        self.hour_answers += 1;
    }

    /// Experts active now, and the mean online over the hour ending `now`.
    pub(super) fn hour(&mut self, now: SimTime) -> (i64, f64) {
        (self.active.value(), self.online.take_hour(now))
    }

    /// `experts` lists every expert who ever joined, in order of joining;
    /// `engagement` the engagement at `end` of those still members.
    pub fn summary(
        &mut self,
        end: SimTime,
        measured: SimDuration,
        experts: &[ExpertAtEnd],
        engagement: &[f64],
    ) -> summary::Experts {
        let warmup_end = self.warmup.end();
        let initial: Vec<&ExpertAtEnd> = experts.iter().filter(|x| x.initial).collect();
        let cohort_joined = self.cohort_joined.unwrap_or(SimTime::ZERO);
        let retention = |days: u64| -> Option<f64> {
            let at = cohort_joined + SimDuration(days * MS_PER_DAY);
            if end < at || initial.is_empty() {
                return None;
            }
            let stayed = initial
                .iter()
                .filter(|x| x.departed_at.is_none_or(|d| d > at))
                .count();
            Some(stayed as f64 / initial.len() as f64)
        };
        let mut counts: Vec<u64> = experts
            .iter()
            .zip(&self.answers_measured)
            .filter(|(x, _)| x.departed_at.is_none_or(|d| d > warmup_end))
            .map(|(_, &n)| n)
            .collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let total: u64 = counts.iter().sum();
        let top_share = |fraction: f64| -> Option<f64> {
            if total == 0 {
                return None;
            }
            let k = ((fraction * counts.len() as f64).ceil() as usize).max(1);
            Some(counts.iter().take(k).sum::<u64>() as f64 / total as f64)
        };
        let months = measured.as_days() / 30.4375;
        let mut departures: Vec<f64> = initial
            .iter()
            .filter_map(|x| x.departed_at.map(|d| d.since(cohort_joined).as_days()))
            .collect();
        departures.sort_by(f64::total_cmp);
        let initial_cohort_survival = if initial.is_empty() {
            Vec::new()
        } else {
            (0..=(end.since(cohort_joined).as_days() / 7.0).floor() as u64)
                .map(|week| {
                    let day = (week * 7) as f64;
                    let gone = departures.partition_point(|&d| d <= day);
                    summary::SurvivalPoint {
                        day,
                        share: 1.0 - gone as f64 / initial.len() as f64,
                    }
                })
                .collect()
        };
        let measured_hours = measured.as_millis() as f64 / MS_PER_HOUR as f64;
        summary::Experts {
            initial: initial.len() as u64,
            end: engagement.len() as u64,
            mean_active: ratio(self.active.area_hours(end), measured_hours).unwrap_or(0.0),
            mean_online: ratio(self.online.area_hours(end), measured_hours).unwrap_or(0.0),
            joined: self.joined,
            departed: self.departed,
            retention_30d: retention(30),
            retention_90d: retention(90),
            retention_180d: retention(180),
            retention_365d: retention(365),
            top_1pct_share: top_share(0.01),
            top_10pct_share: top_share(0.10),
            top_answers_per_month: if months > 0.0 {
                counts.first().map(|&c| c as f64 / months)
            } else {
                None
            },
            mean_engagement_end: ratio(engagement.iter().sum(), engagement.len() as f64),
            initial_cohort_survival,
        }
    }
}
