//! The recorder the model feeds as events happen: one part per concern
//! (`questions`, `experts`, `staff`), each keeping its own counts and
//! building its own sections of the summary; this file joins them into
//! the hourly row and the run summary.
//!
//! A new measure is a field and a recording call in the part it concerns,
//! the call that feeds it in the model, and its place in `summary.rs`.

use super::Warmup;
use super::experts::{ExpertAtEnd, ExpertMetrics};
use super::questions::QuestionMetrics;
use super::staff::StaffMetrics;
use super::summary::{self, HourRow, Summary};
use crate::scenario::Scenario;
use crate::time::{MS_PER_HOUR, SimTime};

#[derive(Debug, Clone)]
pub struct Metrics {
    warmup: Warmup,
    pub questions: QuestionMetrics,
    pub experts: ExpertMetrics,
    pub staff: StaffMetrics,
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

impl Metrics {
    pub fn new(sc: &Scenario) -> Metrics {
        let warmup = Warmup::new(SimTime(sc.simulation.warmup.as_millis()));
        Metrics {
            warmup,
            questions: QuestionMetrics::new(warmup, sc.simulation.response_targets.clone()),
            experts: ExpertMetrics::new(warmup),
            staff: StaffMetrics::new(warmup, sc.staff.teams.len()),
        }
    }

    /// The row of the hour ending at `now`, and a fresh hour.
    pub fn end_hour(&mut self, now: SimTime) -> HourRow {
        let hour_index = now.as_millis() / MS_PER_HOUR - 1;
        let questions = std::mem::take(&mut self.questions.hour);
        let staff = std::mem::take(&mut self.staff.hour);
        let answers_expert = std::mem::take(&mut self.experts.hour_answers);
        let (on_shift, busy, overtime) = self.staff.hour_levels(now);
        let (backlog, backlog_mean) = self.questions.backlog_hour(now);
        let (experts_active, experts_online_mean) = self.experts.hour(now);
        HourRow {
            hour: hour_index,
            day: hour_index / 24,
            weekday: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                [((hour_index / 24) % 7) as usize],
            hour_of_day: hour_index % 24,
            warmup: now <= self.warmup.end(),
            posted: questions.posted,
            answers_expert,
            answers_staff: staff.answers,
            escalations: staff.escalations,
            resolved_back_office: questions.resolved_back_office,
            confirmations: staff.confirmations,
            chases: questions.chases,
            exited: questions.exited,
            complained: questions.complained,
            backlog,
            backlog_mean,
            experts_active,
            experts_online_mean,
            staff_on_shift_mean: on_shift,
            staff_busy_mean: busy,
            overtime_hours: overtime,
        }
    }

    /// The run summary. `experts` lists every expert who ever joined, in
    /// order of joining; `engagement` the engagement at the end of those
    /// still members.
    pub fn summary(
        mut self,
        sc: &Scenario,
        run: RunInfo,
        experts: &[ExpertAtEnd],
        engagement: &[f64],
    ) -> Summary {
        let end = run.end;
        let measured = end.since(self.warmup.end());
        let staff = self.staff.summary(sc, end);
        let q = &mut self.questions;
        Summary {
            scenario: summary::ScenarioInfo {
                name: sc.name.clone(),
                seed: run.seed,
                horizon_days: sc.simulation.horizon.as_days(),
                warmup_days: sc.simulation.warmup.as_days(),
                measured_days: measured.as_days(),
            },
            questions: q.questions(measured),
            answers: q.answers(staff.answers),
            first_response: q.first_response_times(),
            resolution: q.resolution_times(),
            waiting: q.waiting(),
            backlog: q.backlog(end, measured),
            experts: self.experts.summary(end, measured, experts, engagement),
            customers: q.customers(),
            staff,
            engine: summary::Engine {
                events: run.events,
                stopped_early: run.stopped_early,
            },
        }
    }
}
