//! The expert members: the one owner of each expert's state (offline,
//! idle, writing, departed), engagement and answer count, and of the list
//! of experts online now. Behaviour (`expert.rs`) decides *when* an expert
//! comes online, writes or leaves; this file keeps the states and the
//! online list consistent with each other.

use super::ids::ExpertId;
use super::questions::QuestionRef;
use crate::rng::SimRng;
use crate::scenario::TopicId;
use crate::time::SimTime;
use rand::RngExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpertState {
    Offline,
    Idle,
    Writing(QuestionRef),
    Departed,
}

/// One expert member, as drawn when they join.
#[derive(Debug, Clone)]
pub struct Expert {
    /// Online hours per day at full engagement.
    pub activity_hours: f64,
    /// Engagement as of `engagement_at`; the daily decay is applied on read.
    engagement: f64,
    engagement_at: SimTime,
    /// Bit k: competent in topic k.
    pub topics: u64,
    state: ExpertState,
    online_index: usize,
    session_end: SimTime,
    answers: u64,
    level: usize,
    /// A member of the cohort present at time zero.
    pub initial: bool,
    departed_at: Option<SimTime>,
    /// The expert's own generator (sessions, writing, correctness).
    pub rng: SimRng,
}

impl Expert {
    pub fn new(
        activity_hours: f64,
        engagement: f64,
        topics: u64,
        initial: bool,
        joined: SimTime,
        rng: SimRng,
    ) -> Expert {
        Expert {
            activity_hours,
            engagement,
            engagement_at: joined,
            topics,
            state: ExpertState::Offline,
            online_index: 0,
            session_end: SimTime::ZERO,
            answers: 0,
            level: 0,
            initial,
            departed_at: None,
            rng,
        }
    }

    pub fn covers(&self, topic: TopicId) -> bool {
        self.topics & (1u64 << topic.index()) != 0
    }

    pub fn state(&self) -> ExpertState {
        self.state
    }

    pub fn session_end(&self) -> SimTime {
        self.session_end
    }

    pub fn departed_at(&self) -> Option<SimTime> {
        self.departed_at
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

/// Every expert who ever joined, and who is online now.
#[derive(Debug)]
pub struct Members {
    experts: Vec<Expert>,
    /// Experts online now (idle or writing), in no particular order.
    online: Vec<ExpertId>,
    daily_decay: f64,
    leave_below: f64,
}

impl Members {
    pub fn new(daily_decay: f64, leave_below: f64) -> Members {
        Members {
            experts: Vec::new(),
            online: Vec::new(),
            daily_decay,
            leave_below,
        }
    }

    /// The id the next expert to join will get.
    pub fn next_id(&self) -> ExpertId {
        ExpertId(self.experts.len() as u32)
    }

    pub fn join(&mut self, expert: Expert) -> ExpertId {
        let id = self.next_id();
        self.experts.push(expert);
        id
    }

    pub fn get(&self, e: ExpertId) -> &Expert {
        &self.experts[e.index()]
    }

    pub fn rng(&mut self, e: ExpertId) -> &mut SimRng {
        &mut self.experts[e.index()].rng
    }

    pub fn all(&self) -> &[Expert] {
        &self.experts
    }

    pub fn online_count(&self) -> usize {
        self.online.len()
    }

    pub fn engagement(&self, e: ExpertId, now: SimTime) -> f64 {
        self.get(e).engagement_at(now, self.daily_decay)
    }

    /// Whether the expert's engagement is below the departure threshold.
    pub fn disengaged(&self, e: ExpertId, now: SimTime) -> bool {
        self.engagement(e, now) < self.leave_below
    }

    /// An offline expert comes online until `session_end`, idle.
    pub fn come_online(&mut self, e: ExpertId, session_end: SimTime) {
        let index = self.online.len();
        let expert = &mut self.experts[e.index()];
        expert.state = ExpertState::Idle;
        expert.online_index = index;
        expert.session_end = session_end;
        self.online.push(e);
    }

    pub fn go_offline(&mut self, e: ExpertId) {
        self.remove_from_online(e);
        self.experts[e.index()].state = ExpertState::Offline;
    }

    /// The expert leaves for good. Returns whether they were online.
    pub fn depart(&mut self, e: ExpertId, now: SimTime) -> bool {
        let was_online = self.experts[e.index()].is_online();
        if was_online {
            self.remove_from_online(e);
        }
        let expert = &mut self.experts[e.index()];
        expert.state = ExpertState::Departed;
        expert.departed_at = Some(now);
        was_online
    }

    fn remove_from_online(&mut self, e: ExpertId) {
        let index = self.experts[e.index()].online_index;
        self.online.swap_remove(index);
        if let Some(&moved) = self.online.get(index) {
            self.experts[moved.index()].online_index = index;
        }
    }

    pub fn start_writing(&mut self, e: ExpertId, r: QuestionRef) {
        self.experts[e.index()].state = ExpertState::Writing(r);
    }

    /// A writing expert posts: idle again, one more answer. Returns the
    /// question and whether the answer reached a new status level (of
    /// `thresholds`, answers needed per level); `None` if not writing.
    pub fn posted_answer(
        &mut self,
        e: ExpertId,
        thresholds: &[u32],
    ) -> Option<(QuestionRef, bool)> {
        let expert = &mut self.experts[e.index()];
        let ExpertState::Writing(r) = expert.state else {
            return None;
        };
        expert.state = ExpertState::Idle;
        expert.answers += 1;
        let level = thresholds.partition_point(|&t| u64::from(t) <= expert.answers);
        let promoted = level > expert.level;
        expert.level = level;
        Some((r, promoted))
    }

    /// Recognition raises engagement (any expert still a member).
    pub fn recognise(&mut self, e: ExpertId, now: SimTime, weight: f64) {
        let decay = self.daily_decay;
        let expert = &mut self.experts[e.index()];
        if expert.state != ExpertState::Departed {
            expert.change_engagement(now, decay, weight);
        }
    }

    /// Lowers the engagement of the online experts `who` picks. Returns
    /// the idle ones who fell below the threshold (they leave at once; a
    /// writing one leaves after posting).
    pub fn penalise_online(
        &mut self,
        now: SimTime,
        weight: f64,
        who: impl Fn(&Expert) -> bool,
    ) -> Vec<ExpertId> {
        let (decay, leave_below) = (self.daily_decay, self.leave_below);
        let mut leaving = Vec::new();
        for &id in &self.online {
            let expert = &mut self.experts[id.index()];
            if who(expert) {
                expert.change_engagement(now, decay, -weight);
                if expert.state == ExpertState::Idle && expert.engagement < leave_below {
                    leaving.push(id);
                }
            }
        }
        leaving
    }

    /// One idle online expert competent in `topic` (not `exclude`), chosen
    /// at random with `rng`: whoever happens to look first.
    pub fn pick_idle(
        &self,
        topic: TopicId,
        exclude: Option<ExpertId>,
        rng: &mut SimRng,
    ) -> Option<ExpertId> {
        let candidate = |id: ExpertId| {
            let x = &self.experts[id.index()];
            x.state == ExpertState::Idle && x.covers(topic) && Some(id) != exclude
        };
        let count = self.online.iter().filter(|&&id| candidate(id)).count();
        if count == 0 {
            return None;
        }
        let pick = rng.random_range(0..count);
        self.online
            .iter()
            .copied()
            .filter(|&id| candidate(id))
            .nth(pick)
    }

    /// Engagement at `end` of each expert still a member.
    pub fn engagement_of_members(&self, end: SimTime) -> Vec<f64> {
        self.experts
            .iter()
            .filter(|x| x.state != ExpertState::Departed)
            .map(|x| x.engagement_at(end, self.daily_decay))
            .collect()
    }
}
