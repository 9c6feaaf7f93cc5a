//! A run that starts from a forum's state (`run --from-state`,
//! `crate::state`): when the lead-in ends, the state's members join with
//! their answer counts and activity, and its open threads are posted at
//! their true ages, then demand begins.
//!
//! What the state does not say is drawn as for any member or asker, from
//! their own generators: a member's engagement (from `engagement.initial`,
//! as for the initial cohort), and an asker's patience, conditioned on the
//! wait they have already sat through (drawn again until it exceeds it; a
//! wait no draw exceeds in `PATIENCE_DRAWS` runs out at once). An open
//! thread is taken as a community question (no account needed): account
//! questions are acknowledged at once while staff are on. Its intervention
//! delay runs from its question, so a thread older than the delay is open
//! to staff from the start. Old threads are not counted in the response
//! statistics (their wait began before the run); they are in the backlog.

use super::members::Expert;
use super::questions::Question;
use super::{Event, Observer, World};
use crate::engine::EventQueue;
use crate::posts::{Author, Kind};
use crate::rng::entity_rng;
use crate::scenario::TopicId;
use crate::state::StartThread;
use crate::time::{SimDuration, SimTime};

/// Draws of a patience longer than the wait so far before giving up.
const PATIENCE_DRAWS: usize = 1000;

impl<O: Observer> World<'_, O> {
    pub(super) fn start_from_state(&mut self, queue: &mut EventQueue<Event>) {
        let sc = self.sc;
        let Some(start) = sc.start.as_deref() else {
            return;
        };
        for m in &start.members {
            let id = self.members.next_id();
            let mut rng = entity_rng(self.streams.expert_seed, u64::from(id.0));
            let engagement = sc
                .experts
                .engagement
                .initial
                .sample(&mut rng)
                .clamp(0.0, 1.0);
            let expert = Expert::new(m.activity_hours, engagement, m.topics, true, self.now, rng)
                .with_answers(m.answers, &sc.experts.level_thresholds);
            self.join_expert(queue, expert, None);
        }
        for thread in &start.open_threads {
            self.post_open_thread(queue, thread);
        }
        self.schedule_next_arrival(queue);
    }

    fn post_open_thread(&mut self, queue: &mut EventQueue<Event>, t: &StartThread) {
        let now = self.now;
        let posted = SimTime(now.as_millis().saturating_sub(t.age.as_millis()));
        let id = self.demand.take_question_id();
        let topic = TopicId::new(t.topic);
        let rng = entity_rng(self.streams.customer_seed, id);
        let r = self
            .questions
            .post(Question::new(id, posted, topic, false, false, rng));
        for _ in 0..t.chases {
            self.questions.chase(r);
        }
        self.metrics.questions.carried_over(now);
        self.post_at(
            posted,
            id,
            topic,
            Kind::Question,
            Author::Customer(id),
            false,
        );
        let eligible_at = posted + self.sc.policy.intervention_delay;
        if eligible_at <= now {
            self.make_staff_eligible(queue, r);
        } else {
            queue.schedule_at(eligible_at, Event::InterventionDelayElapsed(r));
        }
        self.offer_to_experts(queue, r, None);
        let residual = (0..PATIENCE_DRAWS)
            .map(|_| self.draw_patience(r))
            .find(|&p| p > t.waiting)
            .map_or(SimDuration::ZERO, |p| {
                SimDuration(p.as_millis() - t.waiting.as_millis())
            });
        self.schedule_patience(queue, r, residual);
    }
}
