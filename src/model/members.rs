//! The expert members: the one owner of each expert's state (offline,
//! idle, writing, departed), engagement and answer count, and of the lists
//! of experts online now (all of them, and by topic: online, and idle).
//! Behaviour (`expert.rs`) decides *when* an expert comes online, writes or
//! leaves; this file keeps the states and the lists consistent with each
//! other.
//!
//! The per-topic lists are what keeps the cost of an event independent of
//! the forum's size: finding an idle competent expert, or the experts who
//! see a thread, takes time in the number picked, not in the number online.

use super::ids::ExpertId;
use super::questions::QuestionRef;
use crate::rng::SimRng;
use crate::scenario::TopicId;
use crate::time::SimTime;
use rand::RngExt;
use rand::seq::index;
use rand_distr::{Binomial, Distribution};

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

    /// An expert with a past (a member of a forum's state): their answers
    /// so far and the status level they earned (`thresholds`).
    pub fn with_answers(mut self, answers: u64, thresholds: &[u32]) -> Expert {
        self.answers = answers;
        self.level = thresholds.partition_point(|&t| u64::from(t) <= answers);
        self
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

/// Lists of experts by topic, each in no particular order, with O(1)
/// insertion and removal. An expert competent in several topics is in the
/// list of each.
#[derive(Debug)]
struct TopicLists {
    topics: usize,
    lists: Vec<Vec<ExpertId>>,
    /// The position of expert e in topic t's list is at `e * topics + t`
    /// (meaningful only while e is in that list).
    position: Vec<u32>,
}

impl TopicLists {
    fn new(topics: usize) -> TopicLists {
        TopicLists {
            topics,
            lists: vec![Vec::new(); topics],
            position: Vec::new(),
        }
    }

    fn list(&self, topic: TopicId) -> &[ExpertId] {
        &self.lists[topic.index()]
    }

    fn slot(&self, e: ExpertId, topic: usize) -> usize {
        e.index() * self.topics + topic
    }

    fn insert(&mut self, e: ExpertId, mask: u64) {
        let needed = (e.index() + 1) * self.topics;
        if self.position.len() < needed {
            self.position.resize(needed, 0);
        }
        for t in topics_of(mask) {
            let slot = self.slot(e, t);
            self.position[slot] = self.lists[t].len() as u32;
            self.lists[t].push(e);
        }
    }

    fn remove(&mut self, e: ExpertId, mask: u64) {
        for t in topics_of(mask) {
            let at = self.position[self.slot(e, t)] as usize;
            let list = &mut self.lists[t];
            list.swap_remove(at);
            if let Some(&moved) = list.get(at) {
                let slot = self.slot(moved, t);
                self.position[slot] = at as u32;
            }
        }
    }

    /// Where `e` is in topic `t`'s list, if there.
    fn find(&self, e: ExpertId, topic: TopicId) -> Option<usize> {
        let at = *self.position.get(self.slot(e, topic.index()))? as usize;
        (self.lists[topic.index()].get(at) == Some(&e)).then_some(at)
    }
}

/// The topic indices set in a competence mask, in increasing order.
pub(super) fn topics_of(mask: u64) -> impl Iterator<Item = usize> {
    let mut rest = mask;
    std::iter::from_fn(move || {
        (rest != 0).then(|| {
            let t = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            t
        })
    })
}

/// Lowers an online expert's engagement by `weight`, under the
/// (daily decay, departure threshold) `rule`; returns whether they are idle
/// and now below the threshold.
fn penalise(expert: &mut Expert, now: SimTime, weight: f64, rule: (f64, f64)) -> bool {
    let (daily_decay, leave_below) = rule;
    expert.change_engagement(now, daily_decay, -weight);
    expert.state == ExpertState::Idle && expert.engagement < leave_below
}

/// Every expert who ever joined, and who is online now.
#[derive(Debug)]
pub struct Members {
    experts: Vec<Expert>,
    /// Experts online now (idle or writing), in no particular order.
    online: Vec<ExpertId>,
    /// The same, by topic of competence.
    online_in: TopicLists,
    /// Idle online experts, by topic of competence.
    idle_in: TopicLists,
    daily_decay: f64,
    leave_below: f64,
}

impl Members {
    pub fn new(topics: usize, daily_decay: f64, leave_below: f64) -> Members {
        Members {
            experts: Vec::new(),
            online: Vec::new(),
            online_in: TopicLists::new(topics),
            idle_in: TopicLists::new(topics),
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
        let topics = expert.topics;
        self.online.push(e);
        self.online_in.insert(e, topics);
        self.idle_in.insert(e, topics);
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
        let expert = &self.experts[e.index()];
        let (index, topics) = (expert.online_index, expert.topics);
        if expert.state == ExpertState::Idle {
            self.idle_in.remove(e, topics);
        }
        self.online_in.remove(e, topics);
        self.online.swap_remove(index);
        if let Some(&moved) = self.online.get(index) {
            self.experts[moved.index()].online_index = index;
        }
    }

    pub fn start_writing(&mut self, e: ExpertId, r: QuestionRef) {
        let expert = &mut self.experts[e.index()];
        debug_assert_eq!(
            expert.state,
            ExpertState::Idle,
            "only an idle expert takes work"
        );
        expert.state = ExpertState::Writing(r);
        let topics = expert.topics;
        self.idle_in.remove(e, topics);
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
        let topics = expert.topics;
        self.idle_in.insert(e, topics);
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

    /// Lowers the engagement of every online expert (an overloaded
    /// forum). Returns the idle ones who fell below the threshold (they
    /// leave at once; a writing one leaves after posting).
    pub fn penalise_all_online(&mut self, now: SimTime, weight: f64) -> Vec<ExpertId> {
        let rule = (self.daily_decay, self.leave_below);
        let mut leaving = Vec::new();
        for &id in &self.online {
            if penalise(&mut self.experts[id.index()], now, weight, rule) {
                leaving.push(id);
            }
        }
        leaving
    }

    /// A thread of `topic` went wrong in public (bumped by an angry
    /// customer, or taken by staff before the community had its chance):
    /// lowers the engagement of the online experts of the topic who see it.
    ///
    /// Each online expert competent in the topic sees the thread, or not,
    /// independently, with probability `seen` (see `exposure` in
    /// `expert.rs`), and seeing it costs `weight`. The ones who see it are
    /// drawn with `rng`, at a cost in the number drawn, not in the number
    /// online. Returns the idle ones who fell below the threshold, as
    /// `penalise_all_online` does.
    pub fn penalise_witnesses(
        &mut self,
        now: SimTime,
        topic: TopicId,
        seen: f64,
        weight: f64,
        rng: &mut SimRng,
    ) -> Vec<ExpertId> {
        let rule = (self.daily_decay, self.leave_below);
        let list = self.online_in.list(topic);
        let mut leaving = Vec::new();
        if seen >= 1.0 {
            for &id in list {
                if penalise(&mut self.experts[id.index()], now, weight, rule) {
                    leaving.push(id);
                }
            }
        } else if !list.is_empty() && seen > 0.0 {
            let seen = Binomial::new(list.len() as u64, seen)
                .expect("a probability in (0, 1)")
                .sample(rng) as usize;
            for i in index::sample(rng, list.len(), seen) {
                let id = list[i];
                if penalise(&mut self.experts[id.index()], now, weight, rule) {
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
        let idle = self.idle_in.list(topic);
        let skip = exclude.and_then(|e| self.idle_in.find(e, topic));
        let count = idle.len() - usize::from(skip.is_some());
        if count == 0 {
            return None;
        }
        let pick = rng.random_range(0..count);
        Some(match skip {
            Some(at) if pick >= at => idle[pick + 1],
            _ => idle[pick],
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::entity_rng;
    use rand::SeedableRng;

    /// `n` experts competent in the topics of `masks` (cycled), all online.
    fn online(n: usize, masks: &[u64]) -> Members {
        let mut members = Members::new(3, 0.0, 0.0);
        for i in 0..n {
            let rng = entity_rng(9, i as u64);
            let e = members.join(Expert::new(
                1.0,
                0.5,
                masks[i % masks.len()],
                true,
                SimTime::ZERO,
                rng,
            ));
            members.come_online(e, SimTime(u64::MAX));
        }
        members
    }

    /// The lists kept by the transitions, against the states they summarise.
    fn assert_lists_agree(members: &Members) {
        for t in 0..3 {
            let topic = TopicId(t as u16);
            let expect = |idle_only: bool| {
                let mut ids: Vec<ExpertId> = (0..members.experts.len())
                    .map(|i| ExpertId(i as u32))
                    .filter(|&e| {
                        let x = members.get(e);
                        x.topics & (1 << t) != 0
                            && if idle_only {
                                x.state == ExpertState::Idle
                            } else {
                                x.is_online()
                            }
                    })
                    .collect();
                ids.sort_by_key(|e| e.0);
                ids
            };
            let sorted = |list: &[ExpertId]| {
                let mut ids = list.to_vec();
                ids.sort_by_key(|e| e.0);
                ids
            };
            assert_eq!(
                sorted(members.idle_in.list(topic)),
                expect(true),
                "idle in {t}"
            );
            assert_eq!(
                sorted(members.online_in.list(topic)),
                expect(false),
                "online in {t}"
            );
        }
        assert_eq!(
            members.online.len(),
            members.experts.iter().filter(|x| x.is_online()).count()
        );
    }

    #[test]
    fn the_topic_lists_follow_every_transition() {
        let mut members = online(60, &[0b001, 0b011, 0b110, 0b111]);
        let mut rng = SimRng::seed_from_u64(4);
        let question = QuestionRef {
            slot: 0,
            generation: 0,
        };
        for step in 0..5_000 {
            let e = ExpertId(rng.random_range(0..60));
            match (members.get(e).state(), rng.random_range(0..4)) {
                (ExpertState::Offline, _) => members.come_online(e, SimTime(u64::MAX)),
                (ExpertState::Idle, 0) => members.go_offline(e),
                (ExpertState::Idle, 1) if step % 7 == 0 => {
                    members.depart(e, SimTime::ZERO);
                }
                (ExpertState::Idle, _) => members.start_writing(e, question),
                (ExpertState::Writing(_), _) => {
                    members.posted_answer(e, &[]);
                }
                (ExpertState::Departed, _) => {}
            }
            assert_lists_agree(&members);
        }
    }

    #[test]
    fn an_idle_expert_is_picked_uniformly_and_never_the_excluded_one() {
        let members = online(5, &[0b001]);
        let mut rng = SimRng::seed_from_u64(1);
        let mut counts = [0u32; 5];
        let draws = 40_000;
        for _ in 0..draws {
            let e = members
                .pick_idle(TopicId(0), Some(ExpertId(2)), &mut rng)
                .unwrap();
            counts[e.index()] += 1;
        }
        assert_eq!(counts[2], 0, "the excluded expert");
        // Each of the other four: Binomial(40,000, 1/4), sd ≈ 87.
        for (e, &n) in counts.iter().enumerate().filter(|&(e, _)| e != 2) {
            assert!((n as f64 - 10_000.0).abs() < 4.0 * 87.0, "expert {e}: {n}");
        }
        assert_eq!(
            members.pick_idle(TopicId(1), None, &mut rng),
            None,
            "nobody competent"
        );
    }

    #[test]
    fn each_online_expert_sees_a_thread_independently_with_the_exposure_probability() {
        let (experts, events, seen) = (400, 200, 0.25);
        let mut members = online(experts, &[0b001]);
        let mut rng = SimRng::seed_from_u64(3);
        let weight = 1e-4;
        for _ in 0..events {
            members.penalise_witnesses(SimTime::ZERO, TopicId(0), seen, weight, &mut rng);
        }
        let times_seen: Vec<f64> = (0..experts)
            .map(|i| (0.5 - members.engagement(ExpertId(i as u32), SimTime::ZERO)) / weight)
            .map(f64::round)
            .collect();
        // Total sightings: Binomial(80,000, 0.25): mean 20,000, sd ≈ 122.
        let total: f64 = times_seen.iter().sum();
        assert!(
            (total - 20_000.0).abs() < 4.0 * 122.5,
            "total sightings {total}"
        );
        // Independence across events: each expert's count is Binomial(200,
        // 0.25), variance 37.5; the sample variance of 400 of them has a
        // standard error of about 37.5 × √(2/399) ≈ 2.7.
        let mean = total / experts as f64;
        let variance =
            times_seen.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (experts - 1) as f64;
        assert!((variance - 37.5).abs() < 4.0 * 2.7, "variance {variance}");
    }

    #[test]
    fn a_thread_seen_for_sure_costs_every_online_expert_of_its_topic_once() {
        let mut members = online(6, &[0b001, 0b010]);
        let mut rng = SimRng::seed_from_u64(3);
        members.penalise_witnesses(SimTime::ZERO, TopicId(0), 1.0, 0.1, &mut rng);
        for i in 0..6 {
            let lost = 0.5 - members.engagement(ExpertId(i), SimTime::ZERO);
            let expected = if i % 2 == 0 { 0.1 } else { 0.0 };
            assert!((lost - expected).abs() < 1e-12, "expert {i} lost {lost}");
        }
    }
}
