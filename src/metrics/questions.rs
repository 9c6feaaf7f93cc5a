//! What happens to questions: posted, answered (by whom, how fast), picked
//! up, chased, closed (how), and the backlog of unanswered ones. Builds
//! the `questions`, `answers`, `first_response`, `resolution`, `waiting`,
//! `backlog` and `customers` sections of the summary.

use super::histogram::Histogram;
use super::level::Level;
use super::summary;
use super::{Outcome, Responder, Warmup, ratio};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimDuration, SimTime};

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
    /// (settled, waited) by the hour of the day the question was posted.
    by_hour: [[u64; 2]; 24],
}

/// Questions still open when the run ends (counted ones only).
#[derive(Debug, Clone, Default)]
struct OpenAtEnd {
    open: u64,
    open_unanswered: u64,
    in_back_office: u64,
    unanswered_ms: f64,
}

/// This hour's counts, for the time series.
#[derive(Debug, Clone, Default)]
pub struct QuestionHour {
    pub posted: u64,
    pub resolved_back_office: u64,
    pub chases: u64,
    pub exited: u64,
    pub complained: u64,
}

#[derive(Debug, Clone)]
pub struct QuestionMetrics {
    warmup: Warmup,
    targets: Vec<SimDuration>,
    posted: u64,
    resolved_by_experts: u64,
    resolved_by_staff: u64,
    escalated: u64,
    resolved_by_back_office: u64,
    exited: u64,
    complained: u64,
    chased_questions: u64,
    chases: u64,
    first_by: [u64; 3],
    expert_answers: u64,
    expert_answers_wrong: u64,
    accepted: u64,
    /// Sum over counted questions of their time in the backlog, in ms.
    unanswered_ms: f64,
    first_response: Histogram,
    resolution: Histogram,
    first_within: Vec<u64>,
    resolution_within: Vec<u64>,
    wait: WaitTally,
    backlog: Level,
    open_at_end: OpenAtEnd,
    pub(super) hour: QuestionHour,
}

impl QuestionMetrics {
    pub fn new(warmup: Warmup, targets: Vec<SimDuration>) -> QuestionMetrics {
        let n = targets.len();
        QuestionMetrics {
            warmup,
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
            backlog: Level::with_distribution(warmup.end()),
            open_at_end: OpenAtEnd::default(),
            hour: QuestionHour::default(),
        }
    }

    /// A question is posted: it joins the backlog. Returns whether it
    /// counts towards per-question statistics (posted after the warm-up);
    /// the question carries the answer to every later call.
    pub fn posted(&mut self, now: SimTime) -> bool {
        let counted = self.warmup.counts(now);
        if counted {
            self.posted += 1;
        }
        self.hour.posted += 1;
        self.backlog.add(now, 1);
        counted
    }

    /// A question of a forum's state, asked before the run: it is in the
    /// backlog, and in no count of questions posted.
    pub fn carried_over(&mut self, now: SimTime) {
        self.backlog.add(now, 1);
    }

    /// A question's first response, after `waited`: it leaves the backlog.
    pub fn first_response(
        &mut self,
        now: SimTime,
        counted: bool,
        waited: SimDuration,
        by: Responder,
    ) {
        self.backlog.add(now, -1);
        if !counted {
            return;
        }
        self.first_by[by as usize] += 1;
        self.unanswered_ms += waited.as_millis() as f64;
        self.first_response.record(waited.as_millis());
        // Counted as numbers, not branches: which targets a wait meets is
        // a coin toss for the branch predictor.
        for (within, t) in self.first_within.iter_mut().zip(&self.targets) {
            *within += u64::from(waited <= *t);
        }
    }

    /// The end of a question's first wait, now: picked up after `waited`.
    pub fn picked_up(&mut self, now: SimTime, counted: bool, waited: SimDuration) {
        self.record_wait(now, counted, waited, true);
    }

    /// The customer gave up, now, before anyone picked the question up.
    pub fn abandoned(&mut self, now: SimTime, counted: bool, waited: SimDuration) {
        self.record_wait(now, counted, waited, false);
    }

    fn record_wait(&mut self, now: SimTime, counted: bool, waited: SimDuration, served: bool) {
        if !counted {
            return;
        }
        let w = &mut self.wait;
        w.settled += 1;
        let ms = waited.as_millis() as f64;
        w.sum_all_ms += ms;
        let did_wait = waited.as_millis() > 0 || !served;
        w.waited += u64::from(did_wait);
        let posted = now.as_millis().saturating_sub(waited.as_millis());
        let hour = &mut w.by_hour[(posted % MS_PER_DAY / MS_PER_HOUR) as usize];
        hour[0] += 1;
        hour[1] += u64::from(did_wait);
        if served {
            w.served += 1;
            w.sum_served_ms += ms;
            for (within, t) in w.within.iter_mut().zip(&self.targets) {
                *within += u64::from(waited <= *t);
            }
        } else {
            w.abandoned += 1;
        }
    }

    /// A question closes for good, `open` after it was posted. `answered`:
    /// it had a first response (else it leaves the backlog now).
    pub fn closed(
        &mut self,
        now: SimTime,
        counted: bool,
        answered: bool,
        open: SimDuration,
        outcome: Outcome,
    ) {
        if !answered {
            self.backlog.add(now, -1);
            if counted {
                self.unanswered_ms += open.as_millis() as f64;
            }
        }
        let h = &mut self.hour;
        match outcome {
            Outcome::Exited => h.exited += 1,
            Outcome::Complained => h.complained += 1,
            Outcome::ResolvedByBackOffice => h.resolved_back_office += 1,
            _ => {}
        }
        if !counted {
            return;
        }
        match outcome {
            Outcome::ResolvedByExpert => self.resolved_by_experts += 1,
            Outcome::ResolvedByStaff => self.resolved_by_staff += 1,
            Outcome::ResolvedByBackOffice => self.resolved_by_back_office += 1,
            Outcome::Exited => self.exited += 1,
            Outcome::Complained => self.complained += 1,
            Outcome::Open | Outcome::InBackOffice => {}
        }
        if matches!(
            outcome,
            Outcome::ResolvedByExpert | Outcome::ResolvedByStaff | Outcome::ResolvedByBackOffice
        ) {
            self.resolution.record(open.as_millis());
            for (within, t) in self.resolution_within.iter_mut().zip(&self.targets) {
                *within += u64::from(open <= *t);
            }
        }
    }

    /// A question still open when the run ends, `open` after it was posted.
    pub fn open_at_end(
        &mut self,
        counted: bool,
        outcome: Outcome,
        answered: bool,
        open: SimDuration,
    ) {
        if !counted {
            return;
        }
        let o = &mut self.open_at_end;
        if outcome == Outcome::InBackOffice {
            o.in_back_office += 1;
        } else {
            o.open += 1;
            if !answered {
                o.open_unanswered += 1;
                o.unanswered_ms += open.as_millis() as f64;
            }
        }
    }

    /// The customer bumps the thread; `first`: their first chase.
    pub fn chased(&mut self, counted: bool, first: bool) {
        if counted {
            self.chases += 1;
            if first {
                self.chased_questions += 1;
            }
        }
        self.hour.chases += 1;
    }

    /// The customer accepted an answer as the solution.
    pub fn accepted(&mut self, counted: bool) {
        if counted {
            self.accepted += 1;
        }
    }

    /// An expert answered a question that `counts` (`None`: it is gone).
    pub fn expert_answered(&mut self, counts: Option<bool>, correct: bool) {
        if counts == Some(true) {
            self.expert_answers += 1;
            if !correct {
                self.expert_answers_wrong += 1;
            }
        }
    }

    /// Staff start escalating a question (the public acknowledgement).
    pub fn escalation_started(&mut self, counted: bool) {
        if counted {
            self.escalated += 1;
        }
    }

    /// The backlog now, and its mean over the hour ending `now`.
    pub(super) fn backlog_hour(&mut self, now: SimTime) -> (i64, f64) {
        (self.backlog.value(), self.backlog.take_hour(now))
    }

    pub fn questions(&self, measured: SimDuration) -> summary::Questions {
        let open = &self.open_at_end;
        summary::Questions {
            posted: self.posted,
            resolved_by_experts: self.resolved_by_experts,
            resolved_by_staff: self.resolved_by_staff,
            escalated: self.escalated,
            resolved_by_back_office: self.resolved_by_back_office,
            in_back_office: open.in_back_office,
            exited: self.exited,
            complained: self.complained,
            open: open.open,
            open_unanswered: open.open_unanswered,
            per_day: ratio(self.posted as f64, measured.as_days()).unwrap_or(0.0),
        }
    }

    /// `staff_answers` comes from the staff's own tally.
    pub fn answers(&self, staff_answers: u64) -> summary::Answers {
        let first_total: u64 = self.first_by.iter().sum();
        summary::Answers {
            first_by_experts: self.first_by[Responder::Expert as usize],
            first_by_staff: self.first_by[Responder::Staff as usize],
            first_by_escalation: self.first_by[Responder::Escalation as usize],
            expert_share: ratio(
                self.first_by[Responder::Expert as usize] as f64,
                first_total as f64,
            ),
            expert_answers: self.expert_answers,
            expert_answers_wrong: self.expert_answers_wrong,
            staff_answers,
            accepted: self.accepted,
        }
    }

    pub fn first_response_times(&self) -> summary::Times {
        self.times(&self.first_response, &self.first_within)
    }

    pub fn resolution_times(&self) -> summary::Times {
        self.times(&self.resolution, &self.resolution_within)
    }

    fn times(&self, h: &Histogram, within: &[u64]) -> summary::Times {
        let to_hours = |ms: f64| ms / MS_PER_HOUR as f64;
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
                    .map(|(t, n)| (t.hours_label(), *n as f64 / posted))
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

    pub fn waiting(&self) -> summary::Waiting {
        let w = &self.wait;
        let n = w.settled as f64;
        let hours = |ms: f64| ms / MS_PER_HOUR as f64;
        summary::Waiting {
            settled: w.settled,
            p_wait: ratio(w.waited as f64, n),
            p_wait_by_hour: w
                .by_hour
                .iter()
                .map(|[settled, waited]| ratio(*waited as f64, *settled as f64))
                .collect(),
            p_abandon: ratio(w.abandoned as f64, n),
            mean_hours: ratio(hours(w.sum_all_ms), n),
            mean_served_hours: ratio(hours(w.sum_served_ms), w.served as f64),
            within: summary::Shares(if w.settled > 0 {
                self.targets
                    .iter()
                    .zip(&w.within)
                    .map(|(t, k)| (t.hours_label(), *k as f64 / n))
                    .collect()
            } else {
                Vec::new()
            }),
        }
    }

    pub fn backlog(&mut self, end: SimTime, measured: SimDuration) -> summary::Backlog {
        let measured_hours = measured.as_hours();
        let unanswered_hours =
            (self.unanswered_ms + self.open_at_end.unanswered_ms) / MS_PER_HOUR as f64;
        let mean_hours_unanswered = ratio(unanswered_hours, self.posted as f64);
        summary::Backlog {
            p50: self.backlog.time_quantile(end, 0.5),
            p90: self.backlog.time_quantile(end, 0.9),
            mean: ratio(self.backlog.area_hours(end), measured_hours).unwrap_or(0.0),
            peak: self.backlog.peak(),
            end: self.backlog.value(),
            mean_hours_unanswered,
            littles_law_mean: ratio(self.posted as f64, measured_hours)
                .zip(mean_hours_unanswered)
                .map(|(rate, w)| rate * w),
        }
    }

    pub fn customers(&self) -> summary::Customers {
        summary::Customers {
            chased: self.chased_questions,
            chases: self.chases,
            complained: self.complained,
            exited: self.exited,
        }
    }
}
