//! Expert members: unpaid customers who answer most questions.
//!
//! Each expert has an activity level (online hours per day at full
//! engagement, heavy-tailed across experts), competence in some topics,
//! and an engagement level in [0, 1]. Offline, they come online at a rate
//! that follows the presence profile (evenings, weekends) and scales with
//! activity × engagement; online, they take the oldest waiting question of
//! their topics, write for a while, and post an answer that is correct
//! with some probability. Engagement rises with recognition (accepted,
//! confirmed by staff, promoted a status level) and falls when staff
//! pre-empt them, when overloaded, when customers chase angrily, and
//! slowly with time; below a threshold the expert leaves for good.

use super::ids::ExpertId;
use super::members::{Expert, ExpertState};
use super::questions::QuestionRef;
use super::{Event, Observer, World};
use crate::engine::EventQueue;
use crate::metrics::{Outcome, Responder};
use crate::posts::{Author, Kind};
use crate::rng::entity_rng;
use crate::scenario::TopicId;
use crate::time::SimDuration;
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

impl<O: Observer> World<'_, O> {
    /// A new expert joins: the initial cohort at time zero, or a customer
    /// recruited during the run (`recruited_from`: the question they asked).
    pub(super) fn add_expert(
        &mut self,
        queue: &mut EventQueue<Event>,
        recruited_from: Option<u64>,
    ) {
        let initial = recruited_from.is_none();
        let id = self.members.next_id();
        let x = &self.sc.experts;
        let mut rng = entity_rng(self.streams.expert_seed, u64::from(id.0));
        let activity_hours = x.activity.sample(&mut rng).min(x.max_activity_hours);
        let engagement = if initial {
            x.engagement.initial.sample(&mut rng)
        } else {
            x.engagement.newcomer.sample(&mut rng)
        }
        .clamp(0.0, 1.0);
        let mut topics = 0u64;
        for (k, topic) in self.sc.demand.topics.iter().enumerate() {
            if rng.random::<f64>() < topic.expert_coverage {
                topics |= 1 << k;
            }
        }
        if topics == 0 {
            // Everyone is competent in something: pick one topic by share.
            let u: f64 = rng.random();
            let mut cumulative = 0.0;
            let last = self.sc.demand.topics.len() - 1;
            let k = self
                .sc
                .demand
                .topics
                .iter()
                .position(|t| {
                    cumulative += t.share;
                    u < cumulative
                })
                .unwrap_or(last);
            topics = 1 << k;
        }
        let expert = Expert::new(activity_hours, engagement, topics, initial, self.now, rng);
        self.join_expert(queue, expert, recruited_from);
    }

    /// `expert` joins the members now and starts their sessions.
    pub(super) fn join_expert(
        &mut self,
        queue: &mut EventQueue<Event>,
        expert: Expert,
        recruited_from: Option<u64>,
    ) {
        let initial = recruited_from.is_none();
        self.questions.open_to_experts();
        let id = self.members.join(expert);
        self.metrics.experts.joined(self.now, !initial);
        self.observer.expert_joined(id.0, recruited_from);
        self.schedule_next_session(queue, id);
    }

    /// Offline periods end at rate λ such that, on average, an expert is
    /// online a share p = activity × engagement / 24h of the time:
    /// p = L / (L + 1/λ) for a mean session L, modulated by presence.
    fn schedule_next_session(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let now = self.now;
        let max_hours = self.sc.experts.max_activity_hours;
        // At least a trickle of sessions, so a disengaged expert is still
        // seen (and can leave); never more than the cap.
        let hours = (self.members.get(e).activity_hours * self.members.engagement(e, now))
            .min(max_hours)
            .max(1e-6);
        let p = hours / 24.0;
        let rate_per_ms = p / ((1.0 - p) * self.session_mean_ms.max(1.0));
        let budget: f64 = Exp1.sample(self.members.rng(e));
        if let Some(t) = self.presence.next_time(now, rate_per_ms, budget)
            && t <= self.horizon
        {
            queue.schedule_at(t, Event::ExpertCameOnline(e));
        }
    }

    pub(super) fn on_expert_came_online(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let now = self.now;
        if self.members.get(e).state() != ExpertState::Offline {
            return;
        }
        if self.members.disengaged(e, now) {
            self.depart(e);
            return;
        }
        let session = self
            .sc
            .experts
            .session
            .sample_duration(self.members.rng(e))
            .max(SimDuration(1));
        self.members.come_online(e, now + session);
        self.metrics.experts.online(now, 1);
        queue.schedule_in(session, Event::ExpertSessionEnded(e));
        self.look_for_work(queue, e);
    }

    pub(super) fn on_expert_session_ended(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        // A writing expert finishes the answer first (see answer posted).
        if self.members.get(e).state() == ExpertState::Idle {
            self.go_offline(queue, e);
        }
    }

    fn go_offline(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        self.members.go_offline(e);
        self.metrics.experts.online(self.now, -1);
        self.schedule_next_session(queue, e);
    }

    fn depart(&mut self, e: ExpertId) {
        if self.members.depart(e, self.now) {
            self.metrics.experts.online(self.now, -1);
        }
        self.metrics.experts.departed(self.now);
    }

    /// An idle online expert takes the oldest waiting question of their
    /// topics, if any.
    fn look_for_work(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        if let Some(r) = self.questions.next_for_expert(self.members.get(e).topics) {
            self.start_writing(queue, e, r);
        }
    }

    fn start_writing(&mut self, queue: &mut EventQueue<Event>, e: ExpertId, r: QuestionRef) {
        self.claim(r);
        self.members.start_writing(e, r);
        let writing = self
            .sc
            .experts
            .writing_time
            .sample_duration(self.members.rng(e));
        queue.schedule_in(writing, Event::ExpertAnswerPosted(e));
    }

    /// A question became visible: one idle online expert competent in its
    /// topic (chosen at random: whoever happens to look first) takes it.
    pub(super) fn offer_to_experts(
        &mut self,
        queue: &mut EventQueue<Event>,
        r: QuestionRef,
        exclude: Option<ExpertId>,
    ) {
        let Some(q) = self.questions.get(r) else {
            return;
        };
        if !self.questions.is_waiting(r) || !q.community_answerable() {
            return;
        }
        let topic = q.topic;
        if let Some(e) = self
            .members
            .pick_idle(topic, exclude, &mut self.streams.expert_choice)
        {
            self.start_writing(queue, e, r);
        }
    }

    pub(super) fn on_expert_answer_posted(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let now = self.now;
        let ExpertState::Writing(_) = self.members.get(e).state() else {
            return;
        };
        let correct_probability = self.sc.experts.correct_probability;
        let correct = self.members.rng(e).random::<f64>() < correct_probability;
        let thresholds = &self.sc.experts.level_thresholds;
        let Some((r, promoted)) = self.members.posted_answer(e, thresholds) else {
            return;
        };
        if promoted {
            let weight = self.sc.experts.engagement.promoted;
            self.members.recognise(e, now, weight);
        }
        let counts = self.questions.get(r).map(|q| q.counted);
        self.metrics.experts.answered(now, e.index());
        self.metrics.questions.expert_answered(counts, correct);
        let Some(q) = self.questions.get(r) else {
            self.after_answer(queue, e);
            return;
        };
        let (topic, thread) = (q.topic, q.id);
        self.first_response(r, Responder::Expert);
        if correct {
            self.add_knowledge(topic);
            let accepted = self.customer_got_answer(queue, r, Some(e));
            self.post(thread, topic, Kind::Answer, Author::Expert(e.0), accepted);
            self.close(r, Outcome::ResolvedByExpert);
            let confirm = self.sc.policy.confirm_expert_answers && self.roster.staffed(topic);
            if confirm {
                self.confirmations.push(topic, now, e, thread);
            }
            self.after_answer(queue, e);
            if confirm {
                self.offer_to_staff(queue, topic);
            }
        } else {
            // The expert moves on first, so as not to retake the question
            // they just got wrong; then it goes back for someone else.
            self.post(thread, topic, Kind::Answer, Author::Expert(e.0), false);
            self.after_answer(queue, e);
            self.questions.requeue(r);
            self.start_patience(queue, r);
            self.offer_to_experts(queue, r, Some(e));
            if self.questions.is_waiting(r) {
                self.offer_to_staff(queue, topic);
            }
        }
    }

    /// After posting: leave if disengaged, go offline if the session is
    /// over, else look for the next question.
    fn after_answer(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let now = self.now;
        if self.members.disengaged(e, now) {
            self.depart(e);
        } else if now >= self.members.get(e).session_end() {
            self.go_offline(queue, e);
        } else {
            self.look_for_work(queue, e);
        }
    }

    /// A thread of `topic` went wrong in public (the floor taken by staff,
    /// or an angry bump): the online experts of the topic who see it lose
    /// `weight` each time they see it; an idle one who falls below the
    /// threshold leaves at once, a writing one after posting.
    ///
    /// Exposure: an online expert reads `threads_read_per_hour` threads an
    /// hour in each section they follow, so each of them sees a given
    /// thread of a section that gets λ new threads an hour with probability
    /// min(1, threads_read_per_hour / λ) (see `exposure`). A forum k times
    /// larger has k times the events, each seen by each expert with a k
    /// times smaller probability: once λ exceeds the reads, every expert's
    /// penalty rate depends on per-capita rates only, whatever the size.
    pub(super) fn penalise_witnesses(&mut self, topic: TopicId, weight: f64) {
        // Nobody online draws nothing (a forum without experts: every
        // staff answer comes here).
        if weight == 0.0 || self.members.online_count() == 0 {
            return;
        }
        let seen = self.seen_probability[topic.index()];
        let leaving = self.members.penalise_witnesses(
            self.now,
            topic,
            seen,
            weight,
            &mut self.streams.exposure,
        );
        for id in leaving {
            self.depart(id);
        }
    }

    /// Hourly: when waiting community questions per online expert exceed
    /// the overload ratio, every online expert loses some engagement.
    pub(super) fn check_overload(&mut self) {
        let g = &self.sc.experts.engagement;
        let online = self.members.online_count();
        if online == 0 || g.overloaded == 0.0 {
            return;
        }
        let waiting = self.questions.waiting_for_experts();
        if waiting as f64 / online as f64 > g.overload_ratio {
            for id in self.members.penalise_all_online(self.now, g.overloaded) {
                self.depart(id);
            }
        }
    }
}

/// The probability that an online expert competent in a topic sees a
/// given thread of it: their reads an hour in the section over the
/// section's new threads an hour (the scenario's mean demand, before
/// deflection), at most 1: in a section with fewer new threads than that,
/// they see them all. One value per topic.
pub(super) fn exposure(sc: &crate::scenario::Scenario) -> Vec<f64> {
    let reads = sc.experts.engagement.threads_read_per_hour;
    sc.demand
        .topics
        .iter()
        .map(|topic| {
            let threads_per_hour = sc.demand.questions_per_day * topic.share / 24.0;
            (reads / threads_per_hour).min(1.0)
        })
        .collect()
}
