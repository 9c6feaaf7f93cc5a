//! The community: world state and the behaviour of each kind of agent.
//!
//! `World` holds plain structs indexed by ids (questions in a slab, experts
//! and staff in vectors); `Event` is a closed enum; each agent's behaviour
//! lives in its own file as `impl World` blocks: `demand` (arrivals and
//! deflection), `customer` (patience, chasing, voice or exit), `expert`
//! (sessions, answers, engagement), `staff` (shifts, the intervention
//! policy, handling, escalation).

mod customer;
mod demand;
mod expert;
pub mod question;
mod staff;
pub mod weekly;

use crate::engine::{EventQueue, Model, run_until};
use crate::metrics::summary::{self, HourRow, QuestionRow, Summary};
use crate::metrics::{Metrics, Outcome, Responder, ratio};
use crate::rng::{SimRng, Stream, stream_rng, stream_seed};
use crate::scenario::{Scenario, TeamId};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimTime};
use demand::Knowledge;
use expert::{Expert, ExpertId};
use question::{QuestionRef, Slab, Status};
use staff::{StaffMember, TeamState};
use std::collections::{BTreeSet, VecDeque};
use weekly::WeeklyProfile;

/// What happens. Past tense for things that happened, present for clocks.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// A candidate arrival of the demand process (kept or thinned away by
    /// deflection).
    QuestionArrived,
    /// A question has waited the intervention delay: staff may take it.
    InterventionDelayElapsed(QuestionRef),
    /// The customer's patience ran out (valid only if the token matches).
    PatienceRanOut(QuestionRef, u32),
    ExpertCameOnline(ExpertId),
    ExpertSessionEnded(ExpertId),
    ExpertAnswerPosted(ExpertId),
    StaffTaskFinished(u32),
    ShiftChanged {
        team: u16,
        pattern: u16,
        index: u32,
    },
    BackOfficeResolved(QuestionRef),
    /// A customer who got a good answer joins the expert members.
    ExpertRecruited,
    HourEnded,
}

/// Why a run stopped before its horizon.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    BacklogCap { open: usize, at: SimTime },
}

impl Stop {
    pub fn message(&self) -> String {
        match self {
            Stop::BacklogCap { open, at } => format!(
                "stopped at day {:.1}: {open} open questions reached simulation.max_open_questions; \
                 the forum is overloaded (demand outruns experts and staff), so the backlog would grow without bound",
                at.as_days()
            ),
        }
    }
}

/// Receives what a run streams out: one row per simulated hour, and one
/// row per question when asked for.
pub trait Observer {
    fn hour(&mut self, _row: &HourRow) {}
    fn question(&mut self, _row: &QuestionRow) {}
    fn wants_questions(&self) -> bool {
        false
    }
}

/// An observer that keeps nothing (sweeps, benchmarks).
pub struct NoObserver;
impl Observer for NoObserver {}

/// Runs one scenario with one seed. A pure function of its arguments:
/// what it streams to `observer` and what it returns.
pub fn simulate(scenario: &Scenario, seed: u64, observer: &mut impl Observer) -> Summary {
    let mut queue = EventQueue::default();
    let mut world = World::new(scenario, seed, observer, &mut queue);
    let horizon = world.horizon;
    let (events, stop) = match run_until(&mut world, &mut queue, horizon) {
        Ok(n) => (n, None),
        Err((n, stop)) => (n, Some(stop)),
    };
    world.finish(events, stop)
}

pub struct World<'a, O: Observer> {
    sc: &'a Scenario,
    observer: &'a mut O,
    seed: u64,
    now: SimTime,
    horizon: SimTime,
    m: Metrics,
    arrivals_rng: SimRng,
    choice_rng: SimRng,
    staff_rng: SimRng,
    back_office_rng: SimRng,
    customer_seed: u64,
    expert_seed: u64,
    demand_profile: WeeklyProfile,
    /// Questions per ms at profile multiplier 1, before deflection.
    demand_per_ms: f64,
    knowledge: Vec<Knowledge>,
    next_question_id: u64,
    questions: Slab,
    /// Per topic: community-answerable waiting questions, oldest first.
    expert_pool: Vec<BTreeSet<(SimTime, u32)>>,
    /// Per topic: waiting questions staff may take, in policy order.
    staff_pool: Vec<BTreeSet<(u8, SimTime, u32)>>,
    /// Per topic: expert answers awaiting a staff confirmation.
    confirmations: Vec<VecDeque<(SimTime, ExpertId)>>,
    experts: Vec<Expert>,
    /// Experts online now (idle or writing), in no particular order.
    online: Vec<ExpertId>,
    presence: WeeklyProfile,
    session_mean_ms: f64,
    staff: Vec<StaffMember>,
    teams: Vec<TeamState>,
    /// Per topic: the teams that cover it.
    topic_teams: Vec<Vec<TeamId>>,
    /// Per topic: whether a team with staff covers it (else nobody will
    /// ever confirm an answer there).
    staffed_topic: Vec<bool>,
}

impl<'a, O: Observer> World<'a, O> {
    fn new(
        sc: &'a Scenario,
        seed: u64,
        observer: &'a mut O,
        queue: &mut EventQueue<Event>,
    ) -> World<'a, O> {
        let topics = sc.demand.topics.len();
        let warmup_end = SimTime(sc.simulation.warmup.as_millis());
        let mut world = World {
            sc,
            observer,
            seed,
            now: SimTime::ZERO,
            horizon: SimTime(sc.simulation.horizon.as_millis()),
            m: Metrics::new(
                warmup_end,
                sc.simulation.response_targets.clone(),
                sc.staff.teams.len(),
            ),
            arrivals_rng: stream_rng(seed, Stream::Arrivals),
            choice_rng: stream_rng(seed, Stream::ExpertChoice),
            staff_rng: stream_rng(seed, Stream::Staff),
            back_office_rng: stream_rng(seed, Stream::BackOffice),
            customer_seed: stream_seed(seed, Stream::Customers),
            expert_seed: stream_seed(seed, Stream::Experts),
            demand_profile: WeeklyProfile::new(
                &sc.demand.hourly_profile,
                &sc.demand.weekly_profile,
            ),
            demand_per_ms: sc.demand.questions_per_day / MS_PER_DAY as f64,
            knowledge: vec![Knowledge::new(sc.deflection.initial_knowledge); topics],
            next_question_id: 0,
            questions: Slab::default(),
            expert_pool: vec![BTreeSet::new(); topics],
            staff_pool: vec![BTreeSet::new(); topics],
            confirmations: vec![VecDeque::new(); topics],
            experts: Vec::new(),
            online: Vec::new(),
            presence: WeeklyProfile::new(&sc.experts.presence_hourly, &sc.experts.presence_weekly),
            session_mean_ms: sc.experts.session.mean(),
            staff: Vec::new(),
            teams: Vec::new(),
            topic_teams: (0..topics)
                .map(|topic| {
                    (0..sc.staff.teams.len())
                        .filter(|&t| sc.staff.teams[t].topics.contains(&topic))
                        .collect()
                })
                .collect(),
            staffed_topic: (0..topics)
                .map(|topic| {
                    sc.staff
                        .teams
                        .iter()
                        .any(|t| t.count > 0 && t.topics.contains(&topic))
                })
                .collect(),
        };
        world.schedule_next_arrival(queue);
        for _ in 0..sc.experts.initial {
            world.add_expert(queue, true);
        }
        world.start_staff(queue);
        queue.schedule(SimTime(MS_PER_HOUR), Event::HourEnded);
        world
    }

    fn question_mut(&mut self, r: QuestionRef) -> &mut question::Question {
        self.questions
            .get_mut(r)
            .expect("callers check the reference is live")
    }

    /// Gives a question its first response, if it had none.
    fn first_response(&mut self, r: QuestionRef, by: Responder) {
        let now = self.now;
        let q = self.question_mut(r);
        if q.first_response.is_some() {
            return;
        }
        q.first_response = Some((now, by));
        let (counted, waited) = (q.counted, now.since(q.posted));
        self.m.backlog.add(now, -1);
        self.m.record_first_response(counted, waited, by);
    }

    /// Marks a question picked up (someone starts work on it): it leaves
    /// the pools and its customer's patience clock stops.
    fn claim(&mut self, r: QuestionRef) {
        let now = self.now;
        let q = self.question_mut(r);
        q.status = Status::Claimed;
        q.patience_token = q.patience_token.wrapping_add(1);
        let first_pickup = q.picked_up.is_none();
        if first_pickup {
            q.picked_up = Some(now);
        }
        let (counted, waited) = (q.counted, now.since(q.posted));
        self.remove_from_pools(r);
        if first_pickup {
            self.m.record_wait(counted, waited, true);
        }
    }

    fn remove_from_pools(&mut self, r: QuestionRef) {
        let Some(q) = self.questions.get(r) else {
            return;
        };
        let (topic, posted, class) = (q.topic, q.posted, q.staff_class);
        self.expert_pool[topic].remove(&(posted, r.slot));
        self.staff_pool[topic].remove(&(class, posted, r.slot));
    }

    /// Closes a question for good and records how it ended.
    fn close(&mut self, r: QuestionRef, outcome: Outcome) {
        let now = self.now;
        self.remove_from_pools(r);
        let Some(q) = self.questions.remove(r) else {
            return;
        };
        if q.first_response.is_none() {
            self.m.backlog.add(now, -1);
            self.m
                .record_left_unanswered(q.counted, now.since(q.posted));
        }
        let h = &mut self.m.hour;
        match outcome {
            Outcome::Exited => h.exited += 1,
            Outcome::Complained => h.complained += 1,
            Outcome::ResolvedByBackOffice => h.resolved_back_office += 1,
            _ => {}
        }
        if q.counted {
            let m = &mut self.m;
            match outcome {
                Outcome::ResolvedByExpert => m.resolved_by_experts += 1,
                Outcome::ResolvedByStaff => m.resolved_by_staff += 1,
                Outcome::ResolvedByBackOffice => m.resolved_by_back_office += 1,
                Outcome::Exited => m.exited += 1,
                Outcome::Complained => m.complained += 1,
                Outcome::Open | Outcome::InBackOffice => {}
            }
            if matches!(
                outcome,
                Outcome::ResolvedByExpert
                    | Outcome::ResolvedByStaff
                    | Outcome::ResolvedByBackOffice
            ) {
                self.m.record_resolution(true, now.since(q.posted));
            }
        }
        if self.observer.wants_questions() {
            let row = self.question_row(&q, Some(now), outcome);
            self.observer.question(&row);
        }
    }

    fn question_row(
        &self,
        q: &question::Question,
        closed: Option<SimTime>,
        outcome: Outcome,
    ) -> QuestionRow {
        QuestionRow {
            id: q.id,
            topic: self.sc.demand.topics[q.topic].name.clone(),
            needs_account: q.needs_account,
            posted_hours: q.posted.as_hours(),
            chases: q.chases,
            picked_up_hours: q.picked_up.map(|t| t.as_hours()),
            first_response_hours: q.first_response.map(|(t, _)| t.as_hours()),
            first_responder: q.first_response.map_or("none", |(_, by)| by.name()),
            closed_hours: closed.map(|t| t.as_hours()),
            outcome: outcome.name(),
            warmup: !q.counted,
        }
    }

    fn on_hour_ended(&mut self, queue: &mut EventQueue<Event>) {
        let now = self.now;
        self.check_overload();
        // Confirmations staff did not get to in time lapse: the queue stays
        // bounded even when staff are swamped.
        let within = self.sc.policy.confirm_within;
        for queue in &mut self.confirmations {
            while queue.front().is_some_and(|&(t, _)| now.since(t) > within) {
                queue.pop_front();
            }
        }
        let hour_index = now.as_millis() / MS_PER_HOUR - 1;
        let counts = std::mem::take(&mut self.m.hour);
        let mut on_shift = 0.0;
        let mut busy = 0.0;
        let mut overtime = 0.0;
        for team in &mut self.m.teams {
            on_shift += team.on_shift.take_hour(now);
            let busy_on = team.busy_on_shift.take_hour(now);
            let busy_off = team.busy_off_shift.take_hour(now);
            busy += busy_on + busy_off;
            overtime += busy_off;
        }
        let row = HourRow {
            hour: hour_index,
            day: hour_index / 24,
            weekday: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                [((hour_index / 24) % 7) as usize],
            hour_of_day: hour_index % 24,
            warmup: now <= self.m.warmup_end,
            posted: counts.posted,
            answers_expert: counts.answers_expert,
            answers_staff: counts.answers_staff,
            escalations: counts.escalations,
            resolved_back_office: counts.resolved_back_office,
            confirmations: counts.confirmations,
            chases: counts.chases,
            exited: counts.exited,
            complained: counts.complained,
            backlog: self.m.backlog.value(),
            backlog_mean: self.m.backlog.take_hour(now),
            experts_active: self.m.experts_active.value(),
            experts_online_mean: self.m.experts_online.take_hour(now),
            staff_on_shift_mean: on_shift,
            staff_busy_mean: busy,
            overtime_hours: overtime,
        };
        self.observer.hour(&row);
        let next = now.next_hour();
        if next <= self.horizon {
            queue.schedule(next, Event::HourEnded);
        }
    }

    /// Closes the books: open questions, experts, staff; builds the summary.
    fn finish(mut self, events: u64, stop: Option<Stop>) -> Summary {
        // A complete run ends at the horizon, whenever its last event was.
        if stop.is_none() {
            self.now = self.horizon;
        }
        let end = self.now;
        let sc = self.sc;
        let measured = end.since(self.m.warmup_end);
        let measured_hours = measured.as_hours();
        // Open questions, in slot order.
        let mut open = 0;
        let mut open_unanswered = 0;
        let mut in_back_office = 0;
        let mut unanswered_at_end_ms = 0.0;
        let wants = self.observer.wants_questions();
        let mut rows = Vec::new();
        for q in self.questions.iter() {
            // An escalation under way counts as with the back office: it
            // was counted as escalated when staff started it.
            let outcome = if q.escalated {
                Outcome::InBackOffice
            } else {
                Outcome::Open
            };
            if q.counted {
                match outcome {
                    Outcome::InBackOffice => in_back_office += 1,
                    _ => {
                        open += 1;
                        if q.first_response.is_none() {
                            open_unanswered += 1;
                            unanswered_at_end_ms += end.since(q.posted).as_millis() as f64;
                        }
                    }
                }
            }
            if wants {
                rows.push(self.question_row(q, None, outcome));
            }
        }
        for row in &rows {
            self.observer.question(row);
        }
        let m = &mut self.m;
        let first_total: u64 = m.first_by.iter().sum();
        let mut teams = std::collections::BTreeMap::new();
        let (mut on_total, mut busy_total, mut overtime_total) = (0.0, 0.0, 0.0);
        let (mut answers, mut confirmations, mut escalations) = (0, 0, 0);
        for (i, team) in sc.staff.teams.iter().enumerate() {
            let r = &mut m.teams[i];
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
        let experts = self.expert_summary(end, measured);
        let m = &mut self.m;
        Summary {
            scenario: summary::ScenarioInfo {
                name: sc.name.clone(),
                seed: self.seed,
                horizon_days: sc.simulation.horizon.as_days(),
                warmup_days: sc.simulation.warmup.as_days(),
                measured_days: measured.as_days(),
            },
            questions: summary::Questions {
                posted: m.posted,
                resolved_by_experts: m.resolved_by_experts,
                resolved_by_staff: m.resolved_by_staff,
                escalated: m.escalated,
                resolved_by_back_office: m.resolved_by_back_office,
                in_back_office,
                exited: m.exited,
                complained: m.complained,
                open,
                open_unanswered,
                per_day: ratio(m.posted as f64, measured.as_days()).unwrap_or(0.0),
            },
            answers: summary::Answers {
                first_by_experts: m.first_by[Responder::Expert as usize],
                first_by_staff: m.first_by[Responder::Staff as usize],
                first_by_escalation: m.first_by[Responder::Escalation as usize],
                expert_share: ratio(
                    m.first_by[Responder::Expert as usize] as f64,
                    first_total as f64,
                ),
                expert_answers: m.expert_answers,
                expert_answers_wrong: m.expert_answers_wrong,
                staff_answers: answers,
                accepted: m.accepted,
            },
            first_response: m.first_response_times(),
            resolution: m.resolution_times(),
            waiting: m.waiting(),
            backlog: {
                let unanswered_hours =
                    (m.unanswered_ms + unanswered_at_end_ms) / MS_PER_HOUR as f64;
                let mean_hours_unanswered = ratio(unanswered_hours, m.posted as f64);
                summary::Backlog {
                    p50: m.backlog.time_quantile(end, 0.5),
                    p90: m.backlog.time_quantile(end, 0.9),
                    mean: ratio(m.backlog.area_hours(end), measured_hours).unwrap_or(0.0),
                    peak: m.backlog.peak(),
                    end: m.backlog.value(),
                    mean_hours_unanswered,
                    littles_law_mean: ratio(m.posted as f64, measured_hours)
                        .zip(mean_hours_unanswered)
                        .map(|(rate, w)| rate * w),
                }
            },
            experts,
            customers: summary::Customers {
                chased: m.chased_questions,
                chases: m.chases,
                complained: m.complained,
                exited: m.exited,
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
                events,
                stopped_early: stop.map(|s| s.message()),
            },
        }
    }
}

impl<O: Observer> Model for World<'_, O> {
    type Event = Event;
    type Stop = Stop;

    fn handle(
        &mut self,
        now: SimTime,
        event: Event,
        queue: &mut EventQueue<Event>,
    ) -> Result<(), Stop> {
        self.now = now;
        match event {
            Event::QuestionArrived => self.on_question_arrived(queue)?,
            Event::InterventionDelayElapsed(r) => self.on_intervention_delay_elapsed(queue, r),
            Event::PatienceRanOut(r, token) => self.on_patience_ran_out(queue, r, token),
            Event::ExpertCameOnline(e) => self.on_expert_came_online(queue, e),
            Event::ExpertSessionEnded(e) => self.on_expert_session_ended(queue, e),
            Event::ExpertAnswerPosted(e) => self.on_expert_answer_posted(queue, e),
            Event::StaffTaskFinished(s) => self.on_staff_task_finished(queue, s),
            Event::ShiftChanged {
                team,
                pattern,
                index,
            } => self.on_shift_changed(queue, team as usize, pattern as usize, index as usize),
            Event::BackOfficeResolved(r) => {
                if self.questions.get(r).is_some() {
                    self.close(r, Outcome::ResolvedByBackOffice);
                }
            }
            Event::ExpertRecruited => {
                if self.m.after_warmup(now) {
                    self.m.experts_joined += 1;
                }
                self.add_expert(queue, false);
            }
            Event::HourEnded => self.on_hour_ended(queue),
        }
        Ok(())
    }
}
