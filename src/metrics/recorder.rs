//! The recording API: what the model tells the metrics as events happen,
//! and the summary built from it at the end. The warm-up rule lives here
//! and nowhere else: a question counts towards per-question statistics if
//! it was posted after the warm-up (`question_posted` says so, and the
//! question carries the answer); other counts and time integrals start at
//! the end of the warm-up.
//!
//! A new measure is a field here, the call that feeds it in the model, and
//! its place in `summary.rs`.

use super::histogram::Histogram;
use super::level::Level;
use super::summary::{self, HourRow, Summary};
use super::{Outcome, Responder, ratio};
use crate::scenario::{Scenario, TeamId};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimDuration, SimTime};

/// Counts for the current hour of the time series.
#[derive(Debug, Clone, Default)]
struct HourCounts {
    posted: u64,
    answers_expert: u64,
    answers_staff: u64,
    escalations: u64,
    resolved_back_office: u64,
    confirmations: u64,
    chases: u64,
    exited: u64,
    complained: u64,
}

/// Per-team measures.
#[derive(Debug, Clone)]
struct TeamRecorder {
    on_shift: Level,
    busy_on_shift: Level,
    busy_off_shift: Level,
    answers: u64,
    confirmations: u64,
    escalations: u64,
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

/// Questions still open when the run ends (counted ones only).
#[derive(Debug, Clone, Default)]
struct OpenAtEnd {
    open: u64,
    open_unanswered: u64,
    in_back_office: u64,
    unanswered_ms: f64,
}

/// What the summary needs of one expert at the end of a run.
#[derive(Debug, Clone, Copy)]
pub struct ExpertAtEnd {
    pub initial: bool,
    pub departed_at: Option<SimTime>,
}

#[derive(Debug, Clone)]
pub struct Metrics {
    warmup_end: SimTime,
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
    experts_online: Level,
    experts_active: Level,
    experts_joined: u64,
    experts_departed: u64,
    /// Per expert, in order of joining: answers posted after the warm-up.
    answers_measured: Vec<u64>,
    teams: Vec<TeamRecorder>,
    hour: HourCounts,
    open_at_end: OpenAtEnd,
}

impl Metrics {
    pub fn new(sc: &Scenario) -> Metrics {
        let warmup_end = SimTime(sc.simulation.warmup.as_millis());
        let targets = sc.simulation.response_targets.clone();
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
            answers_measured: Vec::new(),
            teams: (0..sc.staff.teams.len())
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
            open_at_end: OpenAtEnd::default(),
        }
    }

    fn after_warmup(&self, now: SimTime) -> bool {
        now >= self.warmup_end
    }

    // --- Questions -------------------------------------------------------

    /// A question is posted: it joins the backlog. Returns whether it
    /// counts towards per-question statistics (posted after the warm-up).
    pub fn question_posted(&mut self, now: SimTime) -> bool {
        let counted = self.after_warmup(now);
        if counted {
            self.posted += 1;
        }
        self.hour.posted += 1;
        self.backlog.add(now, 1);
        counted
    }

    /// A question's first response: it leaves the backlog.
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
        for (i, t) in self.targets.iter().enumerate() {
            if waited <= *t {
                self.first_within[i] += 1;
            }
        }
    }

    /// The end of a question's first wait: picked up after `waited`.
    pub fn picked_up(&mut self, counted: bool, waited: SimDuration) {
        self.record_wait(counted, waited, true);
    }

    /// The customer gave up before anyone picked the question up.
    pub fn abandoned(&mut self, counted: bool, waited: SimDuration) {
        self.record_wait(counted, waited, false);
    }

    fn record_wait(&mut self, counted: bool, waited: SimDuration, served: bool) {
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

    /// A question closes for good after `open` (since it was posted).
    /// `answered`: it had a first response (else it leaves the backlog now).
    pub fn question_closed(
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
            for (i, t) in self.targets.iter().enumerate() {
                if open <= *t {
                    self.resolution_within[i] += 1;
                }
            }
        }
    }

    /// A question still open when the run ends, after `open`.
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

    pub fn accepted(&mut self, counted: bool) {
        if counted {
            self.accepted += 1;
        }
    }

    // --- Experts ---------------------------------------------------------

    /// An expert joins: the initial cohort at time zero, or a customer
    /// `recruited` during the run.
    pub fn expert_joined(&mut self, now: SimTime, recruited: bool) {
        if recruited && self.after_warmup(now) {
            self.experts_joined += 1;
        }
        self.answers_measured.push(0);
        self.experts_active.add(now, 1);
    }

    /// `delta` experts came online (+1) or went offline (−1).
    pub fn experts_online(&mut self, now: SimTime, delta: i64) {
        self.experts_online.add(now, delta);
    }

    pub fn expert_departed(&mut self, now: SimTime) {
        self.experts_active.add(now, -1);
        if self.after_warmup(now) {
            self.experts_departed += 1;
        }
    }

    /// Expert number `expert` (in order of joining) posted an answer to a
    /// question that `counts` (`None`: the question is gone).
    pub fn expert_answer_posted(
        &mut self,
        now: SimTime,
        expert: usize,
        counts: Option<bool>,
        correct: bool,
    ) {
        if self.after_warmup(now) {
            self.answers_measured[expert] += 1;
        }
        self.hour.answers_expert += 1;
        if counts == Some(true) {
            self.expert_answers += 1;
            if !correct {
                self.expert_answers_wrong += 1;
            }
        }
    }

    // --- Staff -----------------------------------------------------------

    /// A staff member of `team` went on (or off) shift, `busy` or idle.
    pub fn staff_shift_changed(&mut self, now: SimTime, team: TeamId, on: bool, busy: bool) {
        let r = &mut self.teams[team];
        let delta = if on { 1 } else { -1 };
        r.on_shift.add(now, delta);
        if busy {
            r.busy_on_shift.add(now, delta);
            r.busy_off_shift.add(now, -delta);
        }
    }

    /// A staff member of `team` starts (+1) or ends (−1) a task, on shift
    /// or in overtime.
    pub fn staff_busy(&mut self, now: SimTime, team: TeamId, on_shift: bool, delta: i64) {
        let r = &mut self.teams[team];
        if on_shift {
            r.busy_on_shift.add(now, delta);
        } else {
            r.busy_off_shift.add(now, delta);
        }
    }

    /// Staff start escalating a question (the public acknowledgement).
    pub fn escalation_started(&mut self, counted: bool) {
        if counted {
            self.escalated += 1;
        }
    }

    pub fn staff_answered(&mut self, now: SimTime, team: TeamId) {
        if self.after_warmup(now) {
            self.teams[team].answers += 1;
        }
        self.hour.answers_staff += 1;
    }

    pub fn escalation_handed_off(&mut self, now: SimTime, team: TeamId) {
        if self.after_warmup(now) {
            self.teams[team].escalations += 1;
        }
        self.hour.escalations += 1;
    }

    pub fn confirmation_done(&mut self, now: SimTime, team: TeamId) {
        if self.after_warmup(now) {
            self.teams[team].confirmations += 1;
        }
        self.hour.confirmations += 1;
    }

    // --- Output ----------------------------------------------------------

    /// The row of the hour ending at `now`, and a fresh hour.
    pub fn end_hour(&mut self, now: SimTime) -> HourRow {
        let hour_index = now.as_millis() / MS_PER_HOUR - 1;
        let counts = std::mem::take(&mut self.hour);
        let mut on_shift = 0.0;
        let mut busy = 0.0;
        let mut overtime = 0.0;
        for team in &mut self.teams {
            on_shift += team.on_shift.take_hour(now);
            let busy_on = team.busy_on_shift.take_hour(now);
            let busy_off = team.busy_off_shift.take_hour(now);
            busy += busy_on + busy_off;
            overtime += busy_off;
        }
        HourRow {
            hour: hour_index,
            day: hour_index / 24,
            weekday: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                [((hour_index / 24) % 7) as usize],
            hour_of_day: hour_index % 24,
            warmup: now <= self.warmup_end,
            posted: counts.posted,
            answers_expert: counts.answers_expert,
            answers_staff: counts.answers_staff,
            escalations: counts.escalations,
            resolved_back_office: counts.resolved_back_office,
            confirmations: counts.confirmations,
            chases: counts.chases,
            exited: counts.exited,
            complained: counts.complained,
            backlog: self.backlog.value(),
            backlog_mean: self.backlog.take_hour(now),
            experts_active: self.experts_active.value(),
            experts_online_mean: self.experts_online.take_hour(now),
            staff_on_shift_mean: on_shift,
            staff_busy_mean: busy,
            overtime_hours: overtime,
        }
    }

    /// The run summary at `end`. `experts` lists every expert who ever
    /// joined, in order of joining; `engagement` the engagement at `end`
    /// of those still members.
    pub fn summary(
        mut self,
        sc: &Scenario,
        run: RunInfo,
        experts: &[ExpertAtEnd],
        engagement: &[f64],
    ) -> Summary {
        let end = run.end;
        let measured = end.since(self.warmup_end);
        let measured_hours = measured.as_hours();
        let first_total: u64 = self.first_by.iter().sum();
        let mut teams = std::collections::BTreeMap::new();
        let (mut on_total, mut busy_total, mut overtime_total) = (0.0, 0.0, 0.0);
        let (mut answers, mut confirmations, mut escalations) = (0, 0, 0);
        for (i, team) in sc.staff.teams.iter().enumerate() {
            let r = &mut self.teams[i];
            let on = r.on_shift.area_hours(end);
            let busy_on = r.busy_on_shift.area_hours(end);
            let busy_off = r.busy_off_shift.area_hours(end);
            on_total += on;
            busy_total += busy_on + busy_off;
            overtime_total += busy_off;
            answers += r.answers;
            confirmations += r.confirmations;
            escalations += r.escalations;
            teams.insert(
                team.name.clone(),
                summary::Team {
                    count: u64::from(team.count),
                    answers: r.answers,
                    confirmations: r.confirmations,
                    escalations: r.escalations,
                    hours_on_shift: on,
                    busy_hours: busy_on + busy_off,
                    overtime_hours: busy_off,
                    utilisation: ratio(busy_on, on),
                },
            );
        }
        let busy_on_total = busy_total - overtime_total;
        let experts = self.expert_summary(end, measured, experts, engagement);
        let open = self.open_at_end.clone();
        Summary {
            scenario: summary::ScenarioInfo {
                name: sc.name.clone(),
                seed: run.seed,
                horizon_days: sc.simulation.horizon.as_days(),
                warmup_days: sc.simulation.warmup.as_days(),
                measured_days: measured.as_days(),
            },
            questions: summary::Questions {
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
            },
            answers: summary::Answers {
                first_by_experts: self.first_by[Responder::Expert as usize],
                first_by_staff: self.first_by[Responder::Staff as usize],
                first_by_escalation: self.first_by[Responder::Escalation as usize],
                expert_share: ratio(
                    self.first_by[Responder::Expert as usize] as f64,
                    first_total as f64,
                ),
                expert_answers: self.expert_answers,
                expert_answers_wrong: self.expert_answers_wrong,
                staff_answers: answers,
                accepted: self.accepted,
            },
            first_response: self.times(&self.first_response, &self.first_within),
            resolution: self.times(&self.resolution, &self.resolution_within),
            waiting: self.waiting(),
            backlog: {
                let unanswered_hours =
                    (self.unanswered_ms + open.unanswered_ms) / MS_PER_HOUR as f64;
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
            },
            experts,
            customers: summary::Customers {
                chased: self.chased_questions,
                chases: self.chases,
                complained: self.complained,
                exited: self.exited,
            },
            staff: summary::Staff {
                answers,
                confirmations,
                escalations,
                hours_on_shift: on_total,
                busy_hours: busy_total,
                overtime_hours: overtime_total,
                utilisation: ratio(busy_on_total, on_total),
                teams,
            },
            engine: summary::Engine {
                events: run.events,
                stopped_early: run.stopped_early,
            },
        }
    }

    fn expert_summary(
        &mut self,
        end: SimTime,
        measured: SimDuration,
        experts: &[ExpertAtEnd],
        engagement: &[f64],
    ) -> summary::Experts {
        let warmup_end = self.warmup_end;
        let initial: Vec<&ExpertAtEnd> = experts.iter().filter(|x| x.initial).collect();
        let retention = |days: u64| -> Option<f64> {
            let at = SimTime(days * MS_PER_DAY);
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
            .filter_map(|x| x.departed_at.map(|d| d.as_days()))
            .collect();
        departures.sort_by(f64::total_cmp);
        let initial_cohort_survival = if initial.is_empty() {
            Vec::new()
        } else {
            (0..=(end.as_days() / 7.0).floor() as u64)
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
            mean_active: ratio(self.experts_active.area_hours(end), measured_hours).unwrap_or(0.0),
            mean_online: ratio(self.experts_online.area_hours(end), measured_hours).unwrap_or(0.0),
            joined: self.experts_joined,
            departed: self.experts_departed,
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
                    .map(|(t, n)| (t.to_string(), *n as f64 / posted))
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

    fn waiting(&self) -> summary::Waiting {
        let w = &self.wait;
        let n = w.settled as f64;
        let hours = |ms: f64| ms / MS_PER_HOUR as f64;
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
                    .map(|(t, k)| (t.to_string(), *k as f64 / n))
                    .collect()
            } else {
                Vec::new()
            }),
        }
    }
}

/// The facts of a run the metrics cannot see: its seed, where it ended,
/// how many events it handled, and why it stopped early, if it did.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub seed: u64,
    pub end: SimTime,
    pub events: u64,
    pub stopped_early: Option<String>,
}
