//! What the staff do: hours on shift, busy on and off shift (overtime),
//! answers, confirmations and escalations, team by team. Builds the
//! `staff` section of the summary.

use super::Warmup;
use super::level::Level;
use super::ratio;
use super::summary;
use crate::scenario::{Scenario, TeamId};
use crate::time::SimTime;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
struct TeamRecorder {
    on_shift: Level,
    busy_on_shift: Level,
    busy_off_shift: Level,
    answers: u64,
    confirmations: u64,
    escalations: u64,
}

/// This hour's counts, for the time series.
#[derive(Debug, Clone, Default)]
pub struct StaffHour {
    pub answers: u64,
    pub escalations: u64,
    pub confirmations: u64,
}

#[derive(Debug, Clone)]
pub struct StaffMetrics {
    warmup: Warmup,
    teams: Vec<TeamRecorder>,
    pub(super) hour: StaffHour,
}

impl StaffMetrics {
    pub fn new(warmup: Warmup, teams: usize) -> StaffMetrics {
        StaffMetrics {
            warmup,
            teams: (0..teams)
                .map(|_| TeamRecorder {
                    on_shift: Level::new(warmup.end()),
                    busy_on_shift: Level::new(warmup.end()),
                    busy_off_shift: Level::new(warmup.end()),
                    answers: 0,
                    confirmations: 0,
                    escalations: 0,
                })
                .collect(),
            hour: StaffHour::default(),
        }
    }

    /// A member of `team` went on (or off) shift, `busy` or idle.
    pub fn shift_changed(&mut self, now: SimTime, team: TeamId, on: bool, busy: bool) {
        let r = &mut self.teams[team.index()];
        let delta = if on { 1 } else { -1 };
        r.on_shift.add(now, delta);
        if busy {
            r.busy_on_shift.add(now, delta);
            r.busy_off_shift.add(now, -delta);
        }
    }

    /// A member of `team` starts (+1) or ends (−1) a task, on shift or in
    /// overtime.
    pub fn busy(&mut self, now: SimTime, team: TeamId, on_shift: bool, delta: i64) {
        let r = &mut self.teams[team.index()];
        if on_shift {
            r.busy_on_shift.add(now, delta);
        } else {
            r.busy_off_shift.add(now, delta);
        }
    }

    pub fn answered(&mut self, now: SimTime, team: TeamId) {
        if self.warmup.counts(now) {
            self.teams[team.index()].answers += 1;
        }
        self.hour.answers += 1;
    }

    pub fn escalation_handed_off(&mut self, now: SimTime, team: TeamId) {
        if self.warmup.counts(now) {
            self.teams[team.index()].escalations += 1;
        }
        self.hour.escalations += 1;
    }

    pub fn confirmed(&mut self, now: SimTime, team: TeamId) {
        if self.warmup.counts(now) {
            self.teams[team.index()].confirmations += 1;
        }
        self.hour.confirmations += 1;
    }

    /// Staff on shift, busy, and busy off shift, over the hour ending `now`
    /// (person-hours).
    pub(super) fn hour_levels(&mut self, now: SimTime) -> (f64, f64, f64) {
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
        (on_shift, busy, overtime)
    }

    pub fn summary(&mut self, sc: &Scenario, end: SimTime) -> summary::Staff {
        let mut teams = BTreeMap::new();
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
        summary::Staff {
            answers,
            confirmations,
            escalations,
            hours_on_shift: on_total,
            busy_hours: busy_total,
            overtime_hours: overtime_total,
            utilisation: ratio(busy_on_total, on_total),
            teams,
        }
    }
}
