//! Expert answers awaiting a staff confirmation ("I confirm what X said"),
//! per topic, oldest first. Confirmations staff do not get to within
//! `policy.confirm_within` lapse, so the queue stays bounded even when
//! staff are swamped.

use super::ids::ExpertId;
use crate::scenario::TopicId;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

/// An expert answer a staff member is to confirm.
#[derive(Debug, Clone, Copy)]
pub struct Pending {
    pub author: ExpertId,
    pub thread: u64,
    pub topic: TopicId,
}

#[derive(Debug)]
pub struct Confirmations {
    /// Per topic: (when the answer was posted, its author, its thread).
    waiting: Vec<VecDeque<(SimTime, ExpertId, u64)>>,
}

impl Confirmations {
    pub fn new(topics: usize) -> Confirmations {
        Confirmations {
            waiting: vec![VecDeque::new(); topics],
        }
    }

    pub fn push(&mut self, topic: TopicId, posted: SimTime, author: ExpertId, thread: u64) {
        self.waiting[topic.index()].push_back((posted, author, thread));
    }

    /// The oldest answer awaiting confirmation in `topics`, taken off the
    /// queue: its author, thread and topic.
    pub fn take_oldest(&mut self, topics: &[TopicId]) -> Option<Pending> {
        let mut oldest: Option<(SimTime, TopicId)> = None;
        for &k in topics {
            if let Some(&(t, _, _)) = self.waiting[k.index()].front()
                && oldest.is_none_or(|(o, _)| t < o)
            {
                oldest = Some((t, k));
            }
        }
        let (_, topic) = oldest?;
        let (_, author, thread) = self.waiting[topic.index()].pop_front()?;
        Some(Pending {
            author,
            thread,
            topic,
        })
    }

    /// Drops the answers posted more than `within` before `now`.
    pub fn lapse(&mut self, now: SimTime, within: SimDuration) {
        for queue in &mut self.waiting {
            while queue
                .front()
                .is_some_and(|&(t, _, _)| now.since(t) > within)
            {
                queue.pop_front();
            }
        }
    }
}
