//! Streaming recorders: counters, histograms and time integrals that the
//! model updates as events happen, in memory independent of the horizon,
//! then turned into a `Summary`. Only questions posted after the warm-up
//! count towards per-question statistics; time integrals start at the end
//! of the warm-up.

pub mod histogram;
pub mod level;
pub mod summary;

use crate::time::{SimDuration, SimTime};
use histogram::Histogram;
use level::Level;

/// a / b, or `None` when b is not positive (a share of nothing).
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// Who gave a question its first response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Responder {
    Expert,
    Staff,
    Escalation,
}

impl Responder {
    pub fn name(self) -> &'static str {
        match self {
            Responder::Expert => "expert",
            Responder::Staff => "staff",
            Responder::Escalation => "escalation",
        }
    }
}

/// How a question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    ResolvedByExpert,
    ResolvedByStaff,
    ResolvedByBackOffice,
    Exited,
    Complained,
    /// Still open when the run ended.
    Open,
    /// Escalated, still with the back office when the run ended.
    InBackOffice,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::ResolvedByExpert => "resolved_by_expert",
            Outcome::ResolvedByStaff => "resolved_by_staff",
            Outcome::ResolvedByBackOffice => "resolved_by_back_office",
            Outcome::Exited => "exited",
            Outcome::Complained => "complained",
            Outcome::Open => "open",
            Outcome::InBackOffice => "in_back_office",
        }
    }
}

/// Counts for the current hour of the time series.
#[derive(Debug, Clone, Default)]
pub struct HourCounts {
    pub posted: u64,
    pub answers_expert: u64,
    pub answers_staff: u64,
    pub escalations: u64,
    pub resolved_back_office: u64,
    pub confirmations: u64,
    pub chases: u64,
    pub exited: u64,
    pub complained: u64,
}

/// Per-team measures.
#[derive(Debug, Clone)]
pub struct TeamRecorder {
    pub on_shift: Level,
    pub busy_on_shift: Level,
    pub busy_off_shift: Level,
    pub answers: u64,
    pub confirmations: u64,
    pub escalations: u64,
}

/// Waiting-time tallies for the queueing view (see `summary::Waiting`).
#[derive(Debug, Clone, Default)]
struct WaitTally {
    settled: u64,
    waited: u64,
    abandoned: u64,
    sum_all_ms: f64,
    sum_served_ms: f64,
    served: u64,
    within: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct Metrics {
    pub warmup_end: SimTime,
    pub targets: Vec<SimDuration>,
    pub posted: u64,
    pub resolved_by_experts: u64,
    pub resolved_by_staff: u64,
    pub escalated: u64,
    pub resolved_by_back_office: u64,
    pub exited: u64,
    pub complained: u64,
    pub chased_questions: u64,
    pub chases: u64,
    pub first_by: [u64; 3],
    pub expert_answers: u64,
    pub expert_answers_wrong: u64,
    pub accepted: u64,
    /// Sum over counted questions of their time in the backlog, in ms.
    pub unanswered_ms: f64,
    pub first_response: Histogram,
    pub resolution: Histogram,
    first_within: Vec<u64>,
    resolution_within: Vec<u64>,
    wait: WaitTally,
    pub backlog: Level,
    pub experts_online: Level,
    pub experts_active: Level,
    pub experts_joined: u64,
    pub experts_departed: u64,
    pub teams: Vec<TeamRecorder>,
    pub hour: HourCounts,
}

impl Metrics {
    pub fn new(warmup_end: SimTime, targets: Vec<SimDuration>, teams: usize) -> Metrics {
        let n = targets.len();
        Metrics {
            warmup_end,
            targets,
            posted: 0,
            resolved_by_experts: 0,
            resolved_by_staff: 0,
            escalated: 0,
            resolved_by_back_office: 0,
            exited: 0,
            complained: 0,
            chased_questions: 0,
            chases: 0,
            first_by: [0; 3],
            expert_answers: 0,
            expert_answers_wrong: 0,
            accepted: 0,
            unanswered_ms: 0.0,
            first_response: Histogram::default(),
            resolution: Histogram::default(),
            first_within: vec![0; n],
            resolution_within: vec![0; n],
            wait: WaitTally {
                within: vec![0; n],
                ..WaitTally::default()
            },
            backlog: Level::with_distribution(warmup_end),
            experts_online: Level::new(warmup_end),
            experts_active: Level::new(warmup_end),
            experts_joined: 0,
            experts_departed: 0,
            teams: (0..teams)
                .map(|_| TeamRecorder {
                    on_shift: Level::new(warmup_end),
                    busy_on_shift: Level::new(warmup_end),
                    busy_off_shift: Level::new(warmup_end),
                    answers: 0,
                    confirmations: 0,
                    escalations: 0,
                })
                .collect(),
            hour: HourCounts::default(),
        }
    }

    pub fn after_warmup(&self, now: SimTime) -> bool {
        now >= self.warmup_end
    }

    pub fn record_first_response(&mut self, counted: bool, waited: SimDuration, by: Responder) {
        if !counted {
            return;
        }
        self.first_by[by as usize] += 1;
        self.unanswered_ms += waited.as_millis() as f64;
        self.first_response.record(waited.as_millis());
        for (i, t) in self.targets.iter().enumerate() {
            if waited <= *t {
                self.first_within[i] += 1;
            }
        }
    }

    /// A question leaves the backlog without a response (abandoned, or
    /// still unanswered at the end of the run).
    pub fn record_left_unanswered(&mut self, counted: bool, waited: SimDuration) {
        if counted {
            self.unanswered_ms += waited.as_millis() as f64;
        }
    }

    pub fn record_resolution(&mut self, counted: bool, took: SimDuration) {
        if !counted {
            return;
        }
        self.resolution.record(took.as_millis());
        for (i, t) in self.targets.iter().enumerate() {
            if took <= *t {
                self.resolution_within[i] += 1;
            }
        }
    }

    /// The end of a question's first wait: picked up (`served`) or
    /// abandoned before anyone picked it up.
    pub fn record_wait(&mut self, counted: bool, waited: SimDuration, served: bool) {
        if !counted {
            return;
        }
        let w = &mut self.wait;
        w.settled += 1;
        let ms = waited.as_millis() as f64;
        w.sum_all_ms += ms;
        if waited.as_millis() > 0 || !served {
            w.waited += 1;
        }
        if served {
            w.served += 1;
            w.sum_served_ms += ms;
            for (i, t) in self.targets.iter().enumerate() {
                if waited <= *t {
                    w.within[i] += 1;
                }
            }
        } else {
            w.abandoned += 1;
        }
    }

    fn label(d: SimDuration) -> String {
        d.to_string()
    }

    pub fn times(&self, h: &Histogram, within: &[u64]) -> summary::Times {
        let to_hours = |ms: f64| ms / crate::time::MS_PER_HOUR as f64;
        let posted = self.posted.max(1) as f64;
        summary::Times {
            count: h.count(),
            mean_hours: h.mean().map(to_hours),
            median_hours: h.quantile(0.5).map(to_hours),
            p90_hours: h.quantile(0.9).map(to_hours),
            p99_hours: h.quantile(0.99).map(to_hours),
            within: summary::Shares(
                self.targets
                    .iter()
                    .zip(within)
                    .map(|(t, n)| (Self::label(*t), *n as f64 / posted))
                    .collect(),
            ),
            cdf: (1..=50)
                .filter_map(|k| {
                    let q = k as f64 / 50.0;
                    h.quantile(q).map(|ms| summary::CdfPoint {
                        hours: to_hours(ms),
                        share: q * h.count() as f64 / posted,
                    })
                })
                .collect(),
        }
    }

    pub fn first_response_times(&self) -> summary::Times {
        self.times(&self.first_response, &self.first_within)
    }

    pub fn resolution_times(&self) -> summary::Times {
        self.times(&self.resolution, &self.resolution_within)
    }

    pub fn waiting(&self) -> summary::Waiting {
        let w = &self.wait;
        let n = w.settled as f64;
        let hours = |ms: f64| ms / crate::time::MS_PER_HOUR as f64;
        summary::Waiting {
            settled: w.settled,
            p_wait: ratio(w.waited as f64, n),
            p_abandon: ratio(w.abandoned as f64, n),
            mean_hours: ratio(hours(w.sum_all_ms), n),
            mean_served_hours: ratio(hours(w.sum_served_ms), w.served as f64),
            within: summary::Shares(if w.settled > 0 {
                self.targets
                    .iter()
                    .zip(&w.within)
                    .map(|(t, k)| (Self::label(*t), *k as f64 / n))
                    .collect()
            } else {
                Vec::new()
            }),
        }
    }
}
