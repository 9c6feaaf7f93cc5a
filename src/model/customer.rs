//! Customers: each asker waits with a patience drawn from the scenario's
//! distribution. When it runs out unanswered they chase (bump the thread),
//! up to `max_chases` times, each with a fresh patience; when the last
//! runs out they either complain publicly (voice) or leave silently
//! (exit). A customer who gets a correct answer may accept it (recognition
//! for an expert) and, rarely, later becomes an expert member.
//!
//! Patience runs only while a question is waiting: once someone picks it
//! up the customer sees activity (the M/M/n+M convention: no abandonment
//! in service). A wrong answer puts the question back and restarts it.

use super::ids::ExpertId;
use super::questions::QuestionRef;
use super::{Event, Observer, World};
use crate::engine::EventQueue;
use crate::metrics::Outcome;
use crate::posts::{Author, Kind};
use crate::rng::SimRng;
use crate::time::SimDuration;
use rand::RngExt;

impl<O: Observer> World<'_, O> {
    pub(super) fn start_patience(&mut self, queue: &mut EventQueue<Event>, r: QuestionRef) {
        let patience = self.draw_patience(r);
        self.schedule_patience(queue, r, patience);
    }

    pub(super) fn draw_patience(&mut self, r: QuestionRef) -> SimDuration {
        let patience = &self.sc.customers.patience;
        patience.sample_duration(self.customer_rng(r))
    }

    /// The customer's own generator; callers check the reference is live.
    fn customer_rng(&mut self, r: QuestionRef) -> &mut SimRng {
        self.questions
            .customer_rng(r)
            .expect("callers check the reference is live")
    }

    /// Starts the patience clock, unless someone already picked the
    /// question up (then there is nothing to wait for: no event).
    pub(super) fn schedule_patience(
        &mut self,
        queue: &mut EventQueue<Event>,
        r: QuestionRef,
        patience: SimDuration,
    ) {
        if let Some(q) = self.questions.get(r)
            && self.questions.is_waiting(r)
        {
            queue.schedule_in(patience, Event::PatienceRanOut(r, q.patience_token));
        }
    }

    pub(super) fn on_patience_ran_out(
        &mut self,
        queue: &mut EventQueue<Event>,
        r: QuestionRef,
        token: u32,
    ) {
        let Some(q) = self.questions.get(r) else {
            return;
        };
        if !self.questions.is_waiting(r) || q.patience_token != token {
            return;
        }
        let now = self.now;
        let (counted, topic, community) = (q.counted, q.topic, q.community_answerable());
        if q.chases < self.sc.customers.max_chases {
            let thread = q.id;
            self.post(thread, topic, Kind::Chase, Author::Customer(thread), false);
            let before = self.questions.chase(r);
            self.metrics.questions.chased(counted, before == 0);
            if community {
                let penalty = self.sc.experts.engagement.chased;
                self.penalise_witnesses(topic, penalty);
            }
            self.start_patience(queue, r);
            // A bumped thread may now come first for staff.
            if self.questions.get(r).is_some_and(|q| q.staff_eligible) {
                self.offer_to_staff(queue, topic);
            }
        } else {
            let (waited, never_picked) = (now.since(q.posted), q.picked_up.is_none());
            let complains =
                self.customer_rng(r).random::<f64>() < self.sc.customers.complain_probability;
            if never_picked {
                self.metrics.questions.abandoned(now, counted, waited);
            }
            let outcome = if complains {
                Outcome::Complained
            } else {
                Outcome::Exited
            };
            self.close(r, outcome);
        }
    }

    /// The customer reads a correct answer: acceptance (recognition for
    /// the expert who wrote it) and perhaps, later, joining the experts.
    /// Returns whether they accepted it.
    pub(super) fn customer_got_answer(
        &mut self,
        queue: &mut EventQueue<Event>,
        r: QuestionRef,
        author: Option<ExpertId>,
    ) -> bool {
        let now = self.now;
        let c = &self.sc.customers;
        let (accept_probability, become_expert) =
            (c.accept_probability, c.become_expert_probability);
        let conversion_delay = &self.sc.customers.conversion_delay;
        let (counted, thread) = self
            .questions
            .get(r)
            .map_or((false, 0), |q| (q.counted, q.id));
        let rng = self.customer_rng(r);
        let accepts = rng.random::<f64>() < accept_probability;
        let converts = rng.random::<f64>() < become_expert;
        if accepts {
            self.metrics.questions.accepted(counted);
            if let Some(e) = author {
                let weight = self.sc.experts.engagement.accepted;
                self.members.recognise(e, now, weight);
            }
        }
        if converts {
            let delay = conversion_delay.sample_duration(self.customer_rng(r));
            if now + delay <= self.horizon {
                queue.schedule_in(delay, Event::ExpertRecruited(thread));
            }
        }
        accepts
    }
}
