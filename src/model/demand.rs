//! Demand: questions arrive as a non-homogeneous Poisson process (a base
//! rate times the hour-of-week profile), thinned by deflection: each topic's
//! knowledge base (public answers, decaying with a half-life) keeps a share
//! of would-be askers from posting, up to a ceiling.

use super::questions::{Question, QuestionRef};
use super::weekly::WeeklyProfile;
use super::{Event, Observer, Stop, World};
use crate::engine::EventQueue;
use crate::posts::{Author, Kind};
use crate::rng::entity_rng;
use crate::scenario::{Scenario, TopicId};
use crate::time::{MS_PER_DAY, SimTime};
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

/// A topic's knowledge base: a stock of public answers that decays
/// exponentially. Stored as (value, when) and decayed on read.
#[derive(Debug, Clone, Copy)]
pub struct Knowledge {
    value: f64,
    at: SimTime,
}

impl Knowledge {
    pub fn new(initial: f64) -> Knowledge {
        Knowledge {
            value: initial,
            at: SimTime::ZERO,
        }
    }

    fn value_at(&self, now: SimTime, half_life_ms: f64) -> f64 {
        let elapsed = now.since(self.at).as_millis() as f64;
        self.value * (-std::f64::consts::LN_2 * elapsed / half_life_ms).exp()
    }

    fn add(&mut self, now: SimTime, half_life_ms: f64, amount: f64) {
        self.value = self.value_at(now, half_life_ms) + amount;
        self.at = now;
    }
}

/// The demand process's state: its rate profile, each topic's knowledge
/// base, and the next question's sequence number.
#[derive(Debug)]
pub struct Demand {
    profile: WeeklyProfile,
    /// Questions per ms at profile multiplier 1, before deflection.
    per_ms: f64,
    knowledge: Vec<Knowledge>,
    next_question_id: u64,
    /// The most questions the run may hold open (`open_question_limit`).
    max_open: u64,
}

impl Demand {
    /// The next question's sequence number (its thread id), taken.
    pub fn take_question_id(&mut self) -> u64 {
        self.next_question_id += 1;
        self.next_question_id - 1
    }

    pub fn new(sc: &Scenario) -> Demand {
        Demand {
            profile: WeeklyProfile::new(&sc.demand.hourly_profile, &sc.demand.weekly_profile),
            per_ms: sc.demand.questions_per_day / MS_PER_DAY as f64,
            knowledge: vec![
                Knowledge::new(sc.deflection.initial_knowledge);
                sc.demand.topics.len()
            ],
            next_question_id: 0,
            max_open: super::open_question_limit(&sc.simulation),
        }
    }
}

impl<O: Observer> World<'_, O> {
    /// Share of a topic's would-be questions deflected right now.
    fn deflected_share(&self, topic: TopicId) -> f64 {
        let d = &self.sc.deflection;
        if d.max_share == 0.0 {
            return 0.0;
        }
        let k =
            self.demand.knowledge[topic.index()].value_at(self.now, d.half_life.as_millis() as f64);
        d.max_share * k / (k + d.half_saturation)
    }

    /// A public answer feeds the topic's knowledge base.
    pub(super) fn add_knowledge(&mut self, topic: TopicId) {
        if self.sc.deflection.max_share > 0.0 {
            let half_life = self.sc.deflection.half_life.as_millis() as f64;
            self.demand.knowledge[topic.index()].add(self.now, half_life, 1.0);
        }
    }

    pub(super) fn schedule_next_arrival(&mut self, queue: &mut EventQueue<Event>) {
        let budget: f64 = Exp1.sample(&mut self.streams.arrivals);
        if let Some(t) = self
            .demand
            .profile
            .next_time(self.now, self.demand.per_ms, budget)
            && t <= self.horizon
        {
            queue.schedule_at(t, Event::QuestionArrived);
        }
    }

    pub(super) fn on_question_arrived(
        &mut self,
        queue: &mut EventQueue<Event>,
    ) -> Result<(), Stop> {
        // One uniform both thins (deflection) and picks the topic: topic k
        // takes the slice share_k × (1 − deflected_k) of [0, 1); the rest of
        // [0, 1) is the deflected mass. Exact thinning: the undeflected
        // rate never exceeds the proposal rate.
        let u: f64 = self.streams.arrivals.random();
        let mut cumulative = 0.0;
        let mut chosen = None;
        for (k, topic) in self.sc.demand.topics.iter().enumerate() {
            cumulative += topic.share * (1.0 - self.deflected_share(TopicId::new(k)));
            if u < cumulative {
                chosen = Some(TopicId::new(k));
                break;
            }
        }
        let account_draw: f64 = self.streams.arrivals.random();
        self.schedule_next_arrival(queue);
        if let Some(topic) = chosen {
            let needs_account =
                account_draw < self.sc.demand.topics[topic.index()].account_probability;
            self.post_question(queue, topic, needs_account)?;
        }
        Ok(())
    }

    pub(super) fn post_question(
        &mut self,
        queue: &mut EventQueue<Event>,
        topic: TopicId,
        needs_account: bool,
    ) -> Result<QuestionRef, Stop> {
        let now = self.now;
        let id = self.demand.take_question_id();
        let counted = self.metrics.questions.posted(now);
        let r = self.questions.post(Question::new(
            id,
            now,
            topic,
            needs_account,
            counted,
            entity_rng(self.streams.customer_seed, id),
        ));
        self.post(id, topic, Kind::Question, Author::Customer(id), false);
        let open = self.questions.live();
        if open as u64 > self.demand.max_open {
            let sim = &self.sc.simulation;
            return Err(if open as u64 > sim.max_open_questions {
                Stop::BacklogCap { open, at: now }
            } else {
                Stop::MemoryBudget {
                    open,
                    at: now,
                    mib: sim.max_memory_mib,
                }
            });
        }
        if !self.room_for_next_question(open as u64 == self.demand.max_open) {
            return Err(Stop::OutOfMemory { open, at: now });
        }
        // Drawn now (so each customer's draws do not depend on the policy),
        // scheduled only if nobody picks the question up at once.
        let patience = self.draw_patience(r);
        let policy = &self.sc.policy;
        let delay = if needs_account {
            policy.account_delay
        } else {
            policy.intervention_delay
        };
        if delay.as_millis() == 0 {
            self.make_staff_eligible(queue, r);
        } else {
            queue.schedule_in(delay, Event::InterventionDelayElapsed(r));
        }
        if !needs_account {
            self.offer_to_experts(queue, r, None);
        }
        self.schedule_patience(queue, r, patience);
        Ok(r)
    }

    /// Reserves, fallibly, the room the next question will take, so that a
    /// machine with less memory than the budget ends the run with a message
    /// instead of an abort in the allocator. Memory jumps when the slab of
    /// questions doubles; the pools and the event heap, which grow with
    /// it, follow soon after. So when the slab grows, the rest of the
    /// per-question budget is reserved too for as many questions as the
    /// slab now has room for, and given back at once: it only checks that
    /// the address space is there. It errs early: those structures exist
    /// already for the questions open now, and grow in steps of their own
    /// (the event heap doubles at other moments), so the check asks for
    /// room for all of them to double.
    /// `exact` (the next question will stop the run): room for it alone.
    fn room_for_next_question(&mut self, exact: bool) -> bool {
        match self.questions.try_reserve_next(exact) {
            Err(_) => false,
            Ok(None) => true,
            Ok(Some(_)) if exact => true,
            Ok(Some(capacity)) => {
                let rest = (super::BYTES_PER_OPEN_QUESTION as usize)
                    .saturating_sub(std::mem::size_of::<Question>());
                Vec::<u8>::new()
                    .try_reserve_exact(capacity.saturating_mul(rest))
                    .is_ok()
            }
        }
    }
}
