//! The community: world state and the behaviour of each kind of agent.
//!
//! Each piece of state has one owner with a small API:
//! - `questions`: the open questions and their waiting pools (the rule
//!   "which waiting question sits in which pool"), with `priority` giving
//!   the staff order;
//! - `members`: the expert members, their states and who is online;
//! - `roster`: the staff, their shifts, tasks and idle lists;
//! - `confirmations`: expert answers awaiting a staff confirmation;
//! - `metrics::Metrics` (outside): everything measured, and the warm-up rule.
//!
//! `World` composes them; `Event` is a closed enum; each agent's behaviour
//! lives in its own file as `impl World` blocks that call those APIs:
//! `demand` (arrivals and deflection), `customer` (patience, chasing,
//! voice or exit), `expert` (sessions, answers, engagement), `staff`
//! (shifts, the intervention policy, handling, escalation). Events are
//! scheduled by delay from now (`EventQueue::schedule_in`).

mod confirmations;
mod customer;
mod demand;
mod expert;
pub mod ids;
mod members;
mod pool;
mod priority;
pub mod questions;
mod roster;
mod staff;
mod start;
pub mod weekly;

use crate::engine::{EventQueue, Model, run_until};
use crate::metrics::summary::{HourRow, QuestionRow, Summary};
use crate::metrics::{ExpertAtEnd, Metrics, Outcome, Responder, RunInfo};
use crate::posts::{Author, Kind, Post};
use crate::rng::{SimRng, Stream, stream_rng, stream_seed};
use crate::scenario::{Scenario, TeamId, TopicId};
use crate::time::{MS_PER_HOUR, SimDuration, SimTime};
use confirmations::Confirmations;
use demand::Demand;
use ids::{ExpertId, StaffId};
use members::Members;
use questions::{QuestionRef, Questions};
use roster::Roster;
pub use roster::split_count;
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
    StaffTaskFinished(StaffId),
    ShiftChanged {
        team: TeamId,
        pattern: u16,
        index: u32,
    },
    BackOfficeResolved(QuestionRef),
    /// A customer who got a good answer joins the expert members (the
    /// question they asked, which names them in the post log).
    ExpertRecruited(u64),
    HourEnded,
    /// The lead-in is over: the forum's state is put in place and demand
    /// begins (`run --from-state`).
    StartFromState,
}

/// What one open question costs in memory, all told: its slot in the
/// slab, its places in the waiting pools, its pending events (patience,
/// intervention delay), and the spare capacity of those growing vectors
/// and heaps (up to half of them, just after they double). An upper bound
/// measured on a runaway forum (peak resident memory over open questions,
/// `a_runaway_forum_stays_within_its_memory_budget` in tests/faults.rs,
/// which fails if the layout outgrows it).
pub const BYTES_PER_OPEN_QUESTION: u64 = 256;

/// How many questions a run may hold open: the cap
/// (`simulation.max_open_questions`) or what fits the memory budget
/// (`simulation.max_memory_mib`), whichever is smaller, so that an
/// overloaded forum stops with a message instead of aborting in the
/// allocator.
pub fn open_question_limit(sim: &crate::scenario::Simulation) -> u64 {
    sim.max_open_questions.min(memory_limit(sim))
}

/// The open questions that fit in `simulation.max_memory_mib`.
pub fn memory_limit(sim: &crate::scenario::Simulation) -> u64 {
    (sim.max_memory_mib << 20) / BYTES_PER_OPEN_QUESTION
}

/// Why a run stopped before its horizon.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// More open questions than `simulation.max_open_questions`.
    BacklogCap { open: usize, at: SimTime },
    /// More open questions than fit in `simulation.max_memory_mib`.
    MemoryBudget { open: usize, at: SimTime, mib: u64 },
    /// The machine had less memory than the budget: growing the questions
    /// failed.
    OutOfMemory { open: usize, at: SimTime },
}

impl Stop {
    pub fn message(&self) -> String {
        const OVERLOADED: &str = "the forum is overloaded (demand outruns experts and staff), so the backlog would grow without bound";
        match self {
            Stop::BacklogCap { open, at } => format!(
                "stopped at day {:.1}: {open} open questions reached simulation.max_open_questions; {OVERLOADED}",
                at.as_days()
            ),
            Stop::MemoryBudget { open, at, mib } => format!(
                "stopped at day {:.1}: {open} open questions reached the memory budget, simulation.max_memory_mib = {mib} \
                 (about {BYTES_PER_OPEN_QUESTION} bytes per open question), before simulation.max_open_questions; {OVERLOADED}",
                at.as_days()
            ),
            Stop::OutOfMemory { open, at } => format!(
                "stopped at day {:.1}: out of memory with {open} open questions, before simulation.max_open_questions \
                 (the machine has less memory than simulation.max_memory_mib: lower it); {OVERLOADED}",
                at.as_days()
            ),
        }
    }
}

/// Events between two `Observer::progress` calls: a few dozen calls a
/// second at the engine's speed, too few to cost anything.
const EVENTS_PER_PROGRESS: u32 = 1 << 16;

/// Receives what a run streams out: one row per simulated hour, one row
/// per question when asked for, and the simulated time now and then.
pub trait Observer {
    fn hour(&mut self, _row: &HourRow) {}
    /// The simulated time, every `EVENTS_PER_PROGRESS` events: progress
    /// within an hour, for runs whose hours take long to simulate.
    fn progress(&mut self, _now: SimTime) {}
    fn question(&mut self, _row: &QuestionRow) {}
    fn wants_questions(&self) -> bool {
        false
    }
    /// A public post (`posts.csv`), when `wants_posts`.
    fn post(&mut self, _post: &Post) {}
    /// An expert joined: at time zero (`recruited_from` None) or recruited
    /// from the customer who asked that question.
    fn expert_joined(&mut self, _expert: u32, _recruited_from: Option<u64>) {}
    fn wants_posts(&self) -> bool {
        false
    }
    /// A question joined the staff's queue at `at` (its delay elapsed
    /// while it waited). `in_system` is what it found there, itself not
    /// included: questions waiting for staff, plus staff on shift busy
    /// with a task: the number in system of a multi-server queue, which
    /// the iterative staffing of `plan` sizes. When `wants_staff_arrivals`.
    fn staff_arrival(&mut self, _at: SimTime, _counted: bool, _in_system: u32) {}
    fn wants_staff_arrivals(&self) -> bool {
        false
    }
}

/// An observer that keeps nothing (sweeps, benchmarks).
pub struct NoObserver;
impl Observer for NoObserver {}

/// Runs one scenario with one seed. A pure function of its arguments:
/// what it streams to `observer` and what it returns.
pub fn simulate(scenario: &Scenario, seed: u64, observer: &mut impl Observer) -> Summary {
    // Buckets sized to the forum's event rate, so that a larger forum
    // keeps the same small near heap (see `engine::queue`).
    let rate = crate::scenario::cost::estimate(scenario).events()
        / scenario.simulation.horizon.as_millis() as f64;
    let mut queue = EventQueue::for_rate(rate);
    let mut world = World::new(scenario, seed, observer, &mut queue);
    let horizon = world.horizon;
    let (events, stop) = match run_until(&mut world, &mut queue, horizon) {
        Ok(n) => (n, None),
        Err((n, stop)) => (n, Some(stop)),
    };
    world.finish(events, stop)
}

/// The generators of one run, one per purpose (see `rng`).
struct Streams {
    arrivals: SimRng,
    expert_choice: SimRng,
    /// Which online experts see a thread that went wrong.
    exposure: SimRng,
    staff: SimRng,
    back_office: SimRng,
    /// Seeds of the per-question and per-expert generators.
    customer_seed: u64,
    expert_seed: u64,
}

pub struct World<'a, O: Observer> {
    sc: &'a Scenario,
    observer: &'a mut O,
    seed: u64,
    now: SimTime,
    horizon: SimTime,
    metrics: Metrics,
    streams: Streams,
    demand: Demand,
    questions: Questions,
    confirmations: Confirmations,
    members: Members,
    /// Per topic: the probability that an online expert competent in it
    /// sees a given thread of it (see `expert::exposure`).
    seen_probability: Vec<f64>,
    /// When experts come online (hour of week), and their mean session.
    presence: WeeklyProfile,
    session_mean_ms: f64,
    roster: Roster,
    /// Events left until the next `Observer::progress` call.
    progress_countdown: u32,
}

impl<'a, O: Observer> World<'a, O> {
    fn new(
        sc: &'a Scenario,
        seed: u64,
        observer: &'a mut O,
        queue: &mut EventQueue<Event>,
    ) -> World<'a, O> {
        let topics = sc.demand.topics.len();
        let engagement = &sc.experts.engagement;
        let mut world = World {
            sc,
            observer,
            seed,
            now: SimTime::ZERO,
            horizon: SimTime(sc.simulation.horizon.as_millis()),
            metrics: Metrics::new(sc),
            streams: Streams {
                arrivals: stream_rng(seed, Stream::Arrivals),
                expert_choice: stream_rng(seed, Stream::ExpertChoice),
                exposure: stream_rng(seed, Stream::Exposure),
                staff: stream_rng(seed, Stream::Staff),
                back_office: stream_rng(seed, Stream::BackOffice),
                customer_seed: stream_seed(seed, Stream::Customers),
                expert_seed: stream_seed(seed, Stream::Experts),
            },
            demand: Demand::new(sc),
            questions: Questions::new(topics, sc.policy.priority),
            confirmations: Confirmations::new(topics),
            members: Members::new(topics, engagement.daily_decay, engagement.leave_below),
            seen_probability: expert::exposure(sc),
            presence: WeeklyProfile::new(&sc.experts.presence_hourly, &sc.experts.presence_weekly),
            session_mean_ms: sc.experts.session.mean(),
            roster: Roster::new(sc),
            progress_countdown: EVENTS_PER_PROGRESS,
        };
        match &sc.start {
            Some(start) => queue.schedule_at(SimTime::ZERO + start.at, Event::StartFromState),
            None => {
                world.schedule_next_arrival(queue);
                for _ in 0..sc.experts.initial {
                    world.add_expert(queue, None);
                }
            }
        }
        world.start_staff(queue);
        queue.schedule_in(SimDuration(MS_PER_HOUR), Event::HourEnded);
        world
    }

    /// Streams a public post to the observer, if it keeps them.
    fn post(&mut self, thread: u64, topic: TopicId, kind: Kind, author: Author, accepted: bool) {
        self.post_at(self.now, thread, topic, kind, author, accepted);
    }

    /// `post`, written at `at` (a question of a forum's state, asked
    /// before the run's moment).
    fn post_at(
        &mut self,
        at: SimTime,
        thread: u64,
        topic: TopicId,
        kind: Kind,
        author: Author,
        accepted: bool,
    ) {
        if self.observer.wants_posts() {
            self.observer.post(&Post {
                thread,
                at,
                author,
                kind,
                topic: topic.index(),
                accepted,
            });
        }
    }

    /// Gives a question its first response, if it had none.
    fn first_response(&mut self, r: QuestionRef, by: Responder) {
        if let Some((counted, waited)) = self.questions.respond(r, self.now, by) {
            self.metrics
                .questions
                .first_response(self.now, counted, waited, by);
        }
    }

    /// Someone picks a question up (see `Questions::claim`).
    fn claim(&mut self, r: QuestionRef) {
        if let Some((counted, waited)) = self.questions.claim(r, self.now) {
            self.metrics.questions.picked_up(self.now, counted, waited);
        }
    }

    /// Closes a question for good and records how it ended.
    fn close(&mut self, r: QuestionRef, outcome: Outcome) {
        let now = self.now;
        let Some(q) = self.questions.close(r) else {
            return;
        };
        self.metrics.questions.closed(
            now,
            q.counted,
            q.first_response.is_some(),
            now.since(q.posted),
            outcome,
        );
        if self.observer.wants_questions() {
            let row = self.question_row(&q, Some(now), outcome);
            self.observer.question(&row);
        }
    }

    fn question_row(
        &self,
        q: &questions::Question,
        closed: Option<SimTime>,
        outcome: Outcome,
    ) -> QuestionRow {
        QuestionRow {
            id: q.id,
            topic: self.sc.demand.topics[q.topic.index()].name.clone(),
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
        self.confirmations.lapse(now, self.sc.policy.confirm_within);
        let row = self.metrics.end_hour(now);
        self.observer.hour(&row);
        let next = now.next_hour();
        if next <= self.horizon {
            queue.schedule_at(next, Event::HourEnded);
        }
    }

    /// Closes the books: open questions, experts, staff; builds the summary.
    fn finish(mut self, events: u64, stop: Option<Stop>) -> Summary {
        // A complete run ends at the horizon, whenever its last event was.
        if stop.is_none() {
            self.now = self.horizon;
        }
        let end = self.now;
        // Open questions, in slot order.
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
            self.metrics.questions.open_at_end(
                q.counted,
                outcome,
                q.first_response.is_some(),
                end.since(q.posted),
            );
            if wants {
                rows.push(self.question_row(q, None, outcome));
            }
        }
        for row in &rows {
            self.observer.question(row);
        }
        let experts: Vec<ExpertAtEnd> = self
            .members
            .all()
            .iter()
            .map(|x| ExpertAtEnd {
                initial: x.initial,
                departed_at: x.departed_at(),
            })
            .collect();
        let engagement = self.members.engagement_of_members(end);
        let run = RunInfo {
            seed: self.seed,
            end,
            events,
            stopped_early: stop.map(|s| s.message()),
        };
        self.metrics.summary(self.sc, run, &experts, &engagement)
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
        self.progress_countdown -= 1;
        if self.progress_countdown == 0 {
            self.progress_countdown = EVENTS_PER_PROGRESS;
            self.observer.progress(now);
        }
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
            } => self.on_shift_changed(queue, team, pattern as usize, index as usize),
            Event::BackOfficeResolved(r) => self.close(r, Outcome::ResolvedByBackOffice),
            Event::ExpertRecruited(asker) => self.add_expert(queue, Some(asker)),
            Event::HourEnded => self.on_hour_ended(queue),
            Event::StartFromState => self.start_from_state(queue),
        }
        Ok(())
    }
}

#[cfg(test)]
mod rules;
