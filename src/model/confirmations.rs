//! Expert answers awaiting a staff confirmation ("I confirm what X said"),
//! per topic, oldest first. Confirmations staff do not get to within
//! `policy.confirm_within` lapse, so the queue stays bounded even when
//! staff are swamped.

use super::ids::ExpertId;
use crate::scenario::TopicId;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

#[derive(Debug)]
pub struct Confirmations {
    /// Per topic: (when the answer was posted, its author).
    waiting: Vec<VecDeque<(SimTime, ExpertId)>>,
}

impl Confirmations {
    pub fn new(topics: usize) -> Confirmations {
        Confirmations {
            waiting: vec![VecDeque::new(); topics],
        }
    }

    pub fn push(&mut self, topic: TopicId, posted: SimTime, author: ExpertId) {
        self.waiting[topic.index()].push_back((posted, author));
    }

    /// The author of the oldest answer awaiting confirmation in `topics`,
    /// taken off the queue.
    pub fn take_oldest(&mut self, topics: &[TopicId]) -> Option<ExpertId> {
        let mut oldest: Option<(SimTime, TopicId)> = None;
        for &k in topics {
            if let Some(&(t, _)) = self.waiting[k.index()].front()
                && oldest.is_none_or(|(o, _)| t < o)
            {
                oldest = Some((t, k));
            }
        }
        oldest
            .and_then(|(_, k)| self.waiting[k.index()].pop_front())
            .map(|(_, e)| e)
    }

    /// Drops the answers posted more than `within` before `now`.
    pub fn lapse(&mut self, now: SimTime, within: SimDuration) {
        for queue in &mut self.waiting {
            while queue.front().is_some_and(|&(t, _)| now.since(t) > within) {
                queue.pop_front();
            }
        }
    }
}
