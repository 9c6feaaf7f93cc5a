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

use super::expert::ExpertId;
use super::question::{QuestionRef, Status};
use super::{Event, Observer, World};
use crate::engine::EventQueue;
use crate::metrics::Outcome;
use crate::time::SimDuration;
use rand::RngExt;

impl<O: Observer> World<'_, O> {
    pub(super) fn start_patience(&mut self, queue: &mut EventQueue<Event>, r: QuestionRef) {
        let patience = self.draw_patience(r);
        self.schedule_patience(queue, r, patience);
    }

    pub(super) fn draw_patience(&mut self, r: QuestionRef) -> SimDuration {
        let patience = &self.sc.customers.patience;
        patience.sample_duration(&mut self.question_mut(r).rng)
    }

    /// Starts the patience clock, unless someone already picked the
    /// question up (then there is nothing to wait for: no event).
    pub(super) fn schedule_patience(
        &mut self,
        queue: &mut EventQueue<Event>,
        r: QuestionRef,
        patience: SimDuration,
    ) {
        let now = self.now;
        if let Some(q) = self.questions.get(r)
            && q.status == Status::Waiting
        {
            queue.schedule(now + patience, Event::PatienceRanOut(r, q.patience_token));
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
        if q.status != Status::Waiting || q.patience_token != token {
            return;
        }
        let now = self.now;
        let max_chases = self.sc.customers.max_chases;
        if q.chases < max_chases {
            let first_chase = q.chases == 0;
            let (counted, topic, community) = (q.counted, q.topic, q.community_answerable());
            self.remove_from_pools(r);
            let q = self.question_mut(r);
            q.chases += 1;
            if counted {
                self.m.chases += 1;
                if first_chase {
                    self.m.chased_questions += 1;
                }
            }
            self.m.hour.chases += 1;
            self.return_to_pools(r);
            if community {
                let penalty = self.sc.experts.engagement.chased;
                self.penalise_online_experts(topic, penalty);
            }
            self.start_patience(queue, r);
            // A bumped thread may now come first for staff.
            if self.questions.get(r).is_some_and(|q| q.staff_eligible) {
                self.offer_to_staff(queue, topic);
            }
        } else {
            let complain_probability = self.sc.customers.complain_probability;
            let q = self.question_mut(r);
            let complains = q.rng.random::<f64>() < complain_probability;
            let (counted, waited, never_picked) =
                (q.counted, now.since(q.posted), q.picked_up.is_none());
            if never_picked {
                self.m.record_wait(counted, waited, false);
            }
            self.close(
                r,
                if complains {
                    Outcome::Complained
                } else {
                    Outcome::Exited
                },
            );
        }
    }

    /// The customer reads a correct answer: acceptance (recognition for
    /// the expert who wrote it) and perhaps, later, joining the experts.
    pub(super) fn customer_got_answer(
        &mut self,
        queue: &mut EventQueue<Event>,
        r: QuestionRef,
        author: Option<ExpertId>,
    ) {
        let now = self.now;
        let c = &self.sc.customers;
        let (accept_probability, become_expert) =
            (c.accept_probability, c.become_expert_probability);
        let conversion_delay = &self.sc.customers.conversion_delay;
        let q = self
            .questions
            .get_mut(r)
            .expect("callers check the reference is live");
        let accepts = q.rng.random::<f64>() < accept_probability;
        let converts = q.rng.random::<f64>() < become_expert;
        let counted = q.counted;
        if accepts {
            if counted {
                self.m.accepted += 1;
            }
            if let Some(e) = author {
                let weight = self.sc.experts.engagement.accepted;
                self.recognise(e, weight);
            }
        }
        if converts {
            let delay = conversion_delay.sample_duration(&mut self.question_mut(r).rng);
            if now + delay <= self.horizon {
                queue.schedule(now + delay, Event::ExpertRecruited);
            }
        }
    }
}
