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

use super::question::{QuestionRef, Status};
use super::{Event, Observer, World};
use crate::engine::EventQueue;
use crate::metrics::{Outcome, Responder, ratio, summary};
use crate::rng::{SimRng, entity_rng};
use crate::time::{MS_PER_HOUR, SimDuration, SimTime};
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

pub type ExpertId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpertState {
    Offline,
    Idle,
    Writing(QuestionRef),
    Departed,
}

#[derive(Debug, Clone)]
pub struct Expert {
    activity_hours: f64,
    /// Engagement as of `engagement_at`; the daily decay is applied on read.
    engagement: f64,
    engagement_at: SimTime,
    topics: u64,
    state: ExpertState,
    online_index: usize,
    session_end: SimTime,
    answers: u64,
    answers_measured: u64,
    level: usize,
    initial: bool,
    departed_at: Option<SimTime>,
    rng: SimRng,
}

impl Expert {
    fn covers(&self, topic: usize) -> bool {
        self.topics & (1u64 << topic) != 0
    }

    fn is_online(&self) -> bool {
        matches!(self.state, ExpertState::Idle | ExpertState::Writing(_))
    }

    fn engagement_at(&self, now: SimTime, daily_decay: f64) -> f64 {
        (self.engagement - daily_decay * now.since(self.engagement_at).as_days()).clamp(0.0, 1.0)
    }

    fn change_engagement(&mut self, now: SimTime, daily_decay: f64, delta: f64) {
        self.engagement = (self.engagement_at(now, daily_decay) + delta).clamp(0.0, 1.0);
        self.engagement_at = now;
    }
}

impl<O: Observer> World<'_, O> {
    pub(super) fn add_expert(&mut self, queue: &mut EventQueue<Event>, initial: bool) {
        let id = self.experts.len() as ExpertId;
        let x = &self.sc.experts;
        let mut rng = entity_rng(self.expert_seed, u64::from(id));
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
        self.experts.push(Expert {
            activity_hours,
            engagement,
            engagement_at: self.now,
            topics,
            state: ExpertState::Offline,
            online_index: 0,
            session_end: SimTime::ZERO,
            answers: 0,
            answers_measured: 0,
            level: 0,
            initial,
            departed_at: None,
            rng,
        });
        self.m.experts_active.add(self.now, 1);
        self.schedule_next_session(queue, id);
    }

    fn daily_decay(&self) -> f64 {
        self.sc.experts.engagement.daily_decay
    }

    /// Offline periods end at rate λ such that, on average, an expert is
    /// online a share p = activity × engagement / 24h of the time:
    /// p = L / (L + 1/λ) for a mean session L, modulated by presence.
    fn schedule_next_session(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let decay = self.daily_decay();
        let now = self.now;
        let x = &self.sc.experts;
        let expert = &mut self.experts[e as usize];
        // At least a trickle of sessions, so a disengaged expert is still
        // seen (and can leave); never more than the cap.
        let hours = (expert.activity_hours * expert.engagement_at(now, decay))
            .min(x.max_activity_hours)
            .max(1e-6);
        let p = hours / 24.0;
        let rate_per_ms = p / ((1.0 - p) * self.session_mean_ms.max(1.0));
        let budget: f64 = Exp1.sample(&mut expert.rng);
        if let Some(t) = self.presence.next_time(now, rate_per_ms, budget)
            && t <= self.horizon
        {
            queue.schedule(t, Event::ExpertCameOnline(e));
        }
    }

    pub(super) fn on_expert_came_online(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let now = self.now;
        let decay = self.daily_decay();
        let leave_below = self.sc.experts.engagement.leave_below;
        let expert = &mut self.experts[e as usize];
        if expert.state != ExpertState::Offline {
            return;
        }
        if expert.engagement_at(now, decay) < leave_below {
            self.depart(e);
            return;
        }
        let session = self
            .sc
            .experts
            .session
            .sample_duration(&mut expert.rng)
            .max(SimDuration(1));
        expert.state = ExpertState::Idle;
        expert.online_index = self.online.len();
        expert.session_end = now + session;
        self.online.push(e);
        self.m.experts_online.add(now, 1);
        queue.schedule(now + session, Event::ExpertSessionEnded(e));
        self.look_for_work(queue, e);
    }

    pub(super) fn on_expert_session_ended(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        // A writing expert finishes the answer first (see answer posted).
        if self.experts[e as usize].state == ExpertState::Idle {
            self.go_offline(queue, e);
        }
    }

    fn remove_from_online(&mut self, e: ExpertId) {
        let index = self.experts[e as usize].online_index;
        self.online.swap_remove(index);
        if let Some(&moved) = self.online.get(index) {
            self.experts[moved as usize].online_index = index;
        }
        self.m.experts_online.add(self.now, -1);
    }

    fn go_offline(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        self.remove_from_online(e);
        self.experts[e as usize].state = ExpertState::Offline;
        self.schedule_next_session(queue, e);
    }

    fn depart(&mut self, e: ExpertId) {
        let now = self.now;
        if self.experts[e as usize].is_online() {
            self.remove_from_online(e);
        }
        let expert = &mut self.experts[e as usize];
        expert.state = ExpertState::Departed;
        expert.departed_at = Some(now);
        self.m.experts_active.add(now, -1);
        if self.m.after_warmup(now) {
            self.m.experts_departed += 1;
        }
    }

    /// An idle online expert takes the oldest waiting question of their
    /// topics, if any.
    fn look_for_work(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let topics = self.experts[e as usize].topics;
        let mut best: Option<(SimTime, u32)> = None;
        let mut mask = topics;
        while mask != 0 {
            let k = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if let Some(&first) = self.expert_pool[k].first()
                && best.is_none_or(|b| first < b)
            {
                best = Some(first);
            }
        }
        if let Some((_, slot)) = best
            && let Some((r, _)) = self.questions.at_slot(slot)
        {
            self.start_writing(queue, e, r);
        }
    }

    fn start_writing(&mut self, queue: &mut EventQueue<Event>, e: ExpertId, r: QuestionRef) {
        self.claim(r);
        let now = self.now;
        let expert = &mut self.experts[e as usize];
        expert.state = ExpertState::Writing(r);
        let writing = self
            .sc
            .experts
            .writing_time
            .sample_duration(&mut expert.rng);
        queue.schedule(now + writing, Event::ExpertAnswerPosted(e));
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
        if q.status != Status::Waiting || !q.community_answerable() {
            return;
        }
        let topic = q.topic;
        let candidate = |x: &Expert, id: ExpertId| {
            x.state == ExpertState::Idle && x.covers(topic) && Some(id) != exclude
        };
        let count = self
            .online
            .iter()
            .filter(|&&id| candidate(&self.experts[id as usize], id))
            .count();
        if count == 0 {
            return;
        }
        let pick = self.choice_rng.random_range(0..count);
        let chosen = self
            .online
            .iter()
            .copied()
            .filter(|&id| candidate(&self.experts[id as usize], id))
            .nth(pick);
        if let Some(e) = chosen {
            self.start_writing(queue, e, r);
        }
    }

    pub(super) fn on_expert_answer_posted(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let now = self.now;
        let ExpertState::Writing(r) = self.experts[e as usize].state else {
            return;
        };
        let correct_probability = self.sc.experts.correct_probability;
        let expert = &mut self.experts[e as usize];
        let correct = expert.rng.random::<f64>() < correct_probability;
        expert.state = ExpertState::Idle;
        expert.answers += 1;
        if self.m.after_warmup(now) {
            expert.answers_measured += 1;
        }
        let promoted = {
            let thresholds = &self.sc.experts.level_thresholds;
            let level = thresholds.partition_point(|&t| u64::from(t) <= expert.answers);
            let up = level > expert.level;
            expert.level = level;
            up
        };
        if promoted {
            let weight = self.sc.experts.engagement.promoted;
            self.recognise(e, weight);
        }
        self.m.hour.answers_expert += 1;
        let Some(q) = self.questions.get(r) else {
            self.after_answer(queue, e);
            return;
        };
        let (topic, counted) = (q.topic, q.counted);
        if counted {
            self.m.expert_answers += 1;
            if !correct {
                self.m.expert_answers_wrong += 1;
            }
        }
        self.first_response(r, Responder::Expert);
        if correct {
            self.add_knowledge(topic);
            self.customer_got_answer(queue, r, Some(e));
            self.close(r, Outcome::ResolvedByExpert);
            let confirm = self.sc.policy.confirm_expert_answers && self.staffed_topic[topic];
            if confirm {
                self.confirmations[topic].push_back((now, e));
            }
            self.after_answer(queue, e);
            if confirm {
                self.offer_to_staff(queue, topic);
            }
        } else {
            // The expert moves on first, so as not to retake the question
            // they just got wrong; then it goes back for someone else.
            self.after_answer(queue, e);
            self.question_mut(r).status = Status::Waiting;
            self.return_to_pools(r);
            self.start_patience(queue, r);
            self.offer_to_experts(queue, r, Some(e));
            if self
                .questions
                .get(r)
                .is_some_and(|q| q.status == Status::Waiting)
            {
                self.offer_to_staff(queue, topic);
            }
        }
    }

    /// After posting: leave if disengaged, go offline if the session is
    /// over, else look for the next question.
    fn after_answer(&mut self, queue: &mut EventQueue<Event>, e: ExpertId) {
        let now = self.now;
        let decay = self.daily_decay();
        let expert = &self.experts[e as usize];
        if expert.engagement_at(now, decay) < self.sc.experts.engagement.leave_below {
            self.depart(e);
        } else if now >= expert.session_end {
            self.go_offline(queue, e);
        } else {
            self.look_for_work(queue, e);
        }
    }

    /// Recognition raises engagement (any expert still a member).
    pub(super) fn recognise(&mut self, e: ExpertId, weight: f64) {
        let (now, decay) = (self.now, self.daily_decay());
        let expert = &mut self.experts[e as usize];
        if expert.state != ExpertState::Departed {
            expert.change_engagement(now, decay, weight);
        }
    }

    /// Lowers the engagement of every online expert competent in a topic
    /// (they see the floor taken, or the angry bump).
    pub(super) fn penalise_online_experts(&mut self, topic: usize, weight: f64) {
        self.penalise_online(weight, |x| x.covers(topic));
    }

    /// Hourly: when waiting community questions per online expert exceed
    /// the overload ratio, every online expert loses some engagement.
    pub(super) fn check_overload(&mut self) {
        let g = &self.sc.experts.engagement;
        if self.online.is_empty() || g.overloaded == 0.0 {
            return;
        }
        let waiting: usize = self.expert_pool.iter().map(|p| p.len()).sum();
        if waiting as f64 / self.online.len() as f64 > g.overload_ratio {
            let weight = g.overloaded;
            self.penalise_online(weight, |_| true);
        }
    }

    /// Lowers the engagement of the online experts `who` picks; an idle one
    /// who falls below the threshold leaves at once, a writing one after
    /// posting (see `after_answer`).
    fn penalise_online(&mut self, weight: f64, who: impl Fn(&Expert) -> bool) {
        if weight == 0.0 {
            return;
        }
        let (now, decay) = (self.now, self.daily_decay());
        let leave_below = self.sc.experts.engagement.leave_below;
        let mut leaving = Vec::new();
        for &id in &self.online {
            let expert = &mut self.experts[id as usize];
            if who(expert) {
                expert.change_engagement(now, decay, -weight);
                if expert.state == ExpertState::Idle && expert.engagement < leave_below {
                    leaving.push(id);
                }
            }
        }
        for id in leaving {
            self.depart(id);
        }
    }

    pub(super) fn expert_summary(
        &mut self,
        end: SimTime,
        measured: SimDuration,
    ) -> summary::Experts {
        let decay = self.daily_decay();
        let warmup_end = self.m.warmup_end;
        let initial: Vec<&Expert> = self.experts.iter().filter(|x| x.initial).collect();
        let retention = |days: u64| -> Option<f64> {
            let at = SimTime(days * crate::time::MS_PER_DAY);
            if end < at || initial.is_empty() {
                return None;
            }
            let stayed = initial
                .iter()
                .filter(|x| x.departed_at.is_none_or(|d| d > at))
                .count();
            Some(stayed as f64 / initial.len() as f64)
        };
        let mut counts: Vec<u64> = self
            .experts
            .iter()
            .filter(|x| x.departed_at.is_none_or(|d| d > warmup_end))
            .map(|x| x.answers_measured)
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
        let active: Vec<f64> = self
            .experts
            .iter()
            .filter(|x| x.state != ExpertState::Departed)
            .map(|x| x.engagement_at(end, decay))
            .collect();
        let measured_hours = measured.as_millis() as f64 / MS_PER_HOUR as f64;
        summary::Experts {
            initial: initial.len() as u64,
            end: active.len() as u64,
            mean_active: ratio(self.m.experts_active.area_hours(end), measured_hours)
                .unwrap_or(0.0),
            mean_online: ratio(self.m.experts_online.area_hours(end), measured_hours)
                .unwrap_or(0.0),
            joined: self.m.experts_joined,
            departed: self.m.experts_departed,
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
            mean_engagement_end: ratio(active.iter().sum(), active.len() as f64),
            initial_cohort_survival,
        }
    }
}
