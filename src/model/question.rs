//! Questions and where they wait. Questions live in a slab whose slots are
//! reused, so memory follows the number of *open* questions, not the
//! horizon; a generation counter makes stale references (events still in
//! the queue for a slot since reused) detectable.

use crate::metrics::Responder;
use crate::rng::SimRng;
use crate::scenario::TopicId;
use crate::time::SimTime;

/// A reference to a question that knows which occupant of a slot it meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuestionRef {
    pub slot: u32,
    pub generation: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Visible, unclaimed: in the expert pool (if the community can answer
    /// it) and, once eligible, in the staff pool.
    Waiting,
    /// Someone is writing an answer (or handling the escalation).
    Claimed,
    /// Handed to the back office; resolved later.
    BackOffice,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub generation: u32,
    /// Sequence number in posting order (the trace id).
    pub id: u64,
    pub posted: SimTime,
    pub topic: TopicId,
    pub needs_account: bool,
    /// Posted after the warm-up: counts towards statistics.
    pub counted: bool,
    pub status: Status,
    pub chases: u32,
    /// Bumped whenever the customer's patience clock stops, so that a
    /// pending patience event for an older wait is ignored.
    pub patience_token: u32,
    pub staff_eligible: bool,
    /// The staff-pool key class it was inserted with.
    pub staff_class: u8,
    /// Staff started escalating it (it counts as escalated from then on).
    pub escalated: bool,
    pub picked_up: Option<SimTime>,
    pub first_response: Option<(SimTime, Responder)>,
    /// The customer's own generator (patience, acceptance, voice/exit).
    pub rng: SimRng,
}

impl Question {
    /// A question just posted: waiting, unanswered, not yet eligible for
    /// staff. The slab sets its generation.
    pub fn new(
        id: u64,
        posted: SimTime,
        topic: TopicId,
        needs_account: bool,
        counted: bool,
        rng: SimRng,
    ) -> Question {
        Question {
            generation: 0,
            id,
            posted,
            topic,
            needs_account,
            counted,
            status: Status::Waiting,
            chases: 0,
            patience_token: 0,
            staff_eligible: false,
            staff_class: 0,
            escalated: false,
            picked_up: None,
            first_response: None,
            rng,
        }
    }

    pub fn community_answerable(&self) -> bool {
        !self.needs_account
    }
}

/// Slot storage with reuse.
#[derive(Debug, Default)]
pub struct Slab {
    slots: Vec<(u32, Option<Question>)>,
    free: Vec<u32>,
    live: usize,
}

impl Slab {
    pub fn insert(&mut self, mut question: Question) -> QuestionRef {
        self.live += 1;
        if let Some(slot) = self.free.pop() {
            let entry = &mut self.slots[slot as usize];
            question.generation = entry.0;
            entry.1 = Some(question);
            QuestionRef {
                slot,
                generation: entry.0,
            }
        } else {
            let slot = self.slots.len() as u32;
            question.generation = 0;
            self.slots.push((0, Some(question)));
            QuestionRef {
                slot,
                generation: 0,
            }
        }
    }

    pub fn get(&self, r: QuestionRef) -> Option<&Question> {
        match self.slots.get(r.slot as usize) {
            Some((generation, Some(q))) if *generation == r.generation => Some(q),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, r: QuestionRef) -> Option<&mut Question> {
        match self.slots.get_mut(r.slot as usize) {
            Some((generation, Some(q))) if *generation == r.generation => Some(q),
            _ => None,
        }
    }

    /// The question at a slot, whatever its generation (pools hold slots).
    pub fn at_slot(&self, slot: u32) -> Option<(QuestionRef, &Question)> {
        match self.slots.get(slot as usize) {
            Some((generation, Some(q))) => Some((
                QuestionRef {
                    slot,
                    generation: *generation,
                },
                q,
            )),
            _ => None,
        }
    }

    pub fn remove(&mut self, r: QuestionRef) -> Option<Question> {
        let entry = self.slots.get_mut(r.slot as usize)?;
        if entry.0 != r.generation || entry.1.is_none() {
            return None;
        }
        let q = entry.1.take();
        entry.0 = entry.0.wrapping_add(1);
        self.free.push(r.slot);
        self.live -= 1;
        q
    }

    pub fn live(&self) -> usize {
        self.live
    }

    /// Open questions in slot order (deterministic), for the end of a run.
    pub fn iter(&self) -> impl Iterator<Item = &Question> {
        self.slots.iter().filter_map(|(_, q)| q.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream_rng};

    fn question(id: u64) -> Question {
        Question::new(
            id,
            SimTime(id),
            0,
            false,
            true,
            stream_rng(1, Stream::Customers),
        )
    }

    #[test]
    fn reused_slots_invalidate_old_references() {
        let mut slab = Slab::default();
        let a = slab.insert(question(1));
        assert_eq!(slab.get(a).map(|q| q.id), Some(1));
        slab.remove(a);
        let b = slab.insert(question(2));
        assert_eq!(a.slot, b.slot, "the slot is reused");
        assert!(slab.get(a).is_none(), "the old reference is stale");
        assert!(slab.remove(a).is_none());
        assert_eq!(slab.get(b).map(|q| q.id), Some(2));
        assert_eq!(slab.live(), 1);
    }
}
