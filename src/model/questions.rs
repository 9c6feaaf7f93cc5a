//! The questions and where they wait: the one owner of the rule "which
//! waiting question sits in which pool".
//!
//! A question is in its topic's **expert pool** while it is waiting and the
//! community can answer it (not an account question), and in the **staff
//! pool** while it is waiting and eligible for staff (it has waited the
//! intervention or account delay), keyed by the staff priority. Claiming,
//! requeueing, chasing and closing keep both pools right; nothing outside
//! this file can change a question's status.
//!
//! Questions live in a slab whose slots are reused, so memory follows the
//! number of *open* questions, not the horizon; a generation counter makes
//! stale references (events still in the queue for a slot since reused)
//! detectable.

use super::members::topics_of;
use super::pool::Pool;
use super::priority::staff_class;
use crate::metrics::Responder;
use crate::rng::SimRng;
use crate::scenario::{Priority, TopicId};
use crate::time::{SimDuration, SimTime};
use std::collections::TryReserveError;

/// A reference to a question that knows which occupant of a slot it meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

/// A question, read-only outside this file (`Questions` hands out only
/// shared references): its status and pool keys change only through
/// `Questions`, which keeps the pools right.
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
    /// Whether it is in its topic's expert and staff pools.
    in_expert_pool: bool,
    in_staff_pool: bool,
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
            in_expert_pool: false,
            in_staff_pool: false,
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
struct Slab {
    slots: Vec<(u32, Option<Question>)>,
    /// Per slot, bumped whenever its question leaves the pools, so that
    /// the question's entries there go stale (see `pool`). Kept across
    /// the slot's occupants, so an entry of an earlier one stays stale.
    pool_tokens: Vec<u32>,
    free: Vec<u32>,
    live: usize,
}

impl Slab {
    fn insert(&mut self, mut question: Question) -> QuestionRef {
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
            self.pool_tokens.push(0);
            QuestionRef {
                slot,
                generation: 0,
            }
        }
    }

    fn get(&self, r: QuestionRef) -> Option<&Question> {
        match self.slots.get(r.slot as usize) {
            Some((generation, Some(q))) if *generation == r.generation => Some(q),
            _ => None,
        }
    }

    fn get_mut(&mut self, r: QuestionRef) -> Option<&mut Question> {
        match self.slots.get_mut(r.slot as usize) {
            Some((generation, Some(q))) if *generation == r.generation => Some(q),
            _ => None,
        }
    }

    fn remove(&mut self, r: QuestionRef) -> Option<Question> {
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

    fn live(&self) -> usize {
        self.live
    }

    /// The question now in `slot` (the slot of a live pool entry).
    fn ref_to(&self, slot: u32) -> QuestionRef {
        QuestionRef {
            slot,
            generation: self.slots[slot as usize].0,
        }
    }

    /// The slot's pool token now (0 for a slot not yet used).
    fn token(&self, slot: u32) -> u32 {
        self.pool_tokens.get(slot as usize).copied().unwrap_or(0)
    }

    /// Whether a pool entry pushed with `token` is still the slot's.
    fn is_live(&self, slot: u32, token: u32) -> bool {
        self.pool_tokens[slot as usize] == token
    }

    /// Open questions in slot order (deterministic), for the end of a run.
    fn iter(&self) -> impl Iterator<Item = &Question> {
        self.slots.iter().filter_map(|(_, q)| q.as_ref())
    }
}

/// The expert-pool key: oldest first (then by slot, in the pool).
fn expert_key(q: &Question) -> u64 {
    q.posted.as_millis()
}

/// The staff-pool key: the priority class, then oldest first (then by
/// slot, in the pool), in one integer: the class above the posting time,
/// which needs under 56 bits for two million years.
fn staff_key(q: &Question) -> u64 {
    debug_assert!(
        q.posted.as_millis() < 1 << 56,
        "a posting time past 2^56 ms"
    );
    (u64::from(q.staff_class) << 56) | q.posted.as_millis()
}

/// The open questions and their waiting pools.
#[derive(Debug)]
pub struct Questions {
    slab: Slab,
    priority: Priority,
    /// Per topic: community-answerable waiting questions, oldest first
    /// (keyed by posting time, then slot). Kept only from the first
    /// member's arrival on (`open_to_experts`): a forum with no members
    /// (a call centre, the Erlang-A reduction) never pays for them.
    expert_pool: Vec<Pool>,
    experts_present: bool,
    /// Per topic: waiting questions staff may take, in policy order.
    staff_pool: Vec<Pool>,
}

impl Questions {
    pub fn new(topics: usize, priority: Priority) -> Questions {
        Questions {
            slab: Slab::default(),
            priority,
            expert_pool: (0..topics).map(|_| Pool::new()).collect(),
            experts_present: false,
            staff_pool: (0..topics).map(|_| Pool::new()).collect(),
        }
    }

    /// A member joins: from now on the expert pools are kept. The first
    /// time, every community-answerable question waiting enters them;
    /// the pools' order depends only on (key, slot), not on when an
    /// entry was pushed, so this is the same as having kept them all
    /// along.
    pub fn open_to_experts(&mut self) {
        if self.experts_present {
            return;
        }
        self.experts_present = true;
        for slot in 0..self.slab.slots.len() as u32 {
            let (r, token) = (self.slab.ref_to(slot), self.slab.token(slot));
            if let Some(q) = self.slab.get_mut(r)
                && q.status == Status::Waiting
                && q.community_answerable()
                && !q.in_expert_pool
            {
                q.in_expert_pool = true;
                self.expert_pool[q.topic.index()].push(expert_key(q), slot, token);
            }
        }
    }

    /// Posts a question: waiting, and visible to experts if the community
    /// can answer it.
    pub fn post(&mut self, question: Question) -> QuestionRef {
        let r = self.slab.insert(question);
        self.return_to_pools(r);
        r
    }

    pub fn get(&self, r: QuestionRef) -> Option<&Question> {
        self.slab.get(r)
    }

    /// Whether `r` is open and waiting for someone to pick it up.
    pub fn is_waiting(&self, r: QuestionRef) -> bool {
        self.get(r).is_some_and(|q| q.status == Status::Waiting)
    }

    /// The customer's own generator (patience, acceptance, voice or exit).
    pub fn customer_rng(&mut self, r: QuestionRef) -> Option<&mut SimRng> {
        self.slab.get_mut(r).map(|q| &mut q.rng)
    }

    /// Makes room for the next question if the slab is full (only for it
    /// if `exact`), so that its growth fails with an error, not an abort.
    /// Returns the new capacity if it grew.
    pub fn try_reserve_next(&mut self, exact: bool) -> Result<Option<usize>, TryReserveError> {
        let slab = &mut self.slab;
        if !slab.free.is_empty() || slab.slots.len() < slab.slots.capacity() {
            return Ok(None);
        }
        match exact {
            true => slab.slots.try_reserve_exact(1)?,
            false => slab.slots.try_reserve(1)?,
        }
        let more = slab.slots.capacity() - slab.pool_tokens.len();
        slab.pool_tokens.try_reserve_exact(more)?;
        Ok(Some(slab.slots.capacity()))
    }

    /// Open questions.
    pub fn live(&self) -> usize {
        self.slab.live()
    }

    /// Open questions in slot order (deterministic), for the end of a run.
    pub fn iter(&self) -> impl Iterator<Item = &Question> {
        self.slab.iter()
    }

    /// Community-answerable questions waiting, over all topics.
    pub fn waiting_for_experts(&self) -> usize {
        self.expert_pool.iter().map(Pool::len).sum()
    }

    /// The oldest waiting question of the topics in `mask` (bit k: topic k).
    pub fn next_for_expert(&self, mask: u64) -> Option<QuestionRef> {
        let mut best: Option<(u64, u32)> = None;
        for k in topics_of(mask) {
            if let Some(first) = self.expert_pool[k].first()
                && best.is_none_or(|b| first < b)
            {
                best = Some(first);
            }
        }
        best.map(|(_, slot)| self.slab.ref_to(slot))
    }

    /// Questions in the staff pools, all topics together.
    pub fn waiting_for_staff(&self) -> u32 {
        self.staff_pool.iter().map(|p| p.len() as u32).sum()
    }

    /// The first eligible question of `topics` under the staff priority.
    pub fn next_for_staff(&self, topics: &[TopicId]) -> Option<QuestionRef> {
        let mut best: Option<(u64, u32)> = None;
        for &k in topics {
            if let Some(first) = self.staff_pool[k.index()].first()
                && best.is_none_or(|b| first < b)
            {
                best = Some(first);
            }
        }
        best.map(|(_, slot)| self.slab.ref_to(slot))
    }

    /// Someone starts work on `r`: it leaves the pools and its customer's
    /// patience clock stops. Returns (counted, waited) on its first pickup.
    pub fn claim(&mut self, r: QuestionRef, now: SimTime) -> Option<(bool, SimDuration)> {
        self.remove_from_pools(r);
        let q = self.slab.get_mut(r)?;
        q.status = Status::Claimed;
        q.patience_token = q.patience_token.wrapping_add(1);
        if q.picked_up.is_some() {
            return None;
        }
        q.picked_up = Some(now);
        Some((q.counted, now.since(q.posted)))
    }

    /// Gives `r` its first response, if it had none. Returns (counted,
    /// waited) when this was the first.
    pub fn respond(
        &mut self,
        r: QuestionRef,
        now: SimTime,
        by: Responder,
    ) -> Option<(bool, SimDuration)> {
        let q = self.slab.get_mut(r)?;
        if q.first_response.is_some() {
            return None;
        }
        q.first_response = Some((now, by));
        Some((q.counted, now.since(q.posted)))
    }

    /// A claimed question goes back to waiting (its answer was wrong).
    pub fn requeue(&mut self, r: QuestionRef) {
        if let Some(q) = self.slab.get_mut(r) {
            q.status = Status::Waiting;
        }
        self.return_to_pools(r);
    }

    /// `r` has waited its delay: staff may take it from now on. Returns
    /// whether it is waiting in the staff pool now (then staff should be
    /// offered it); false if it was eligible already or is gone.
    pub fn make_staff_eligible(&mut self, r: QuestionRef) -> bool {
        let priority = self.priority;
        let token = self.slab.token(r.slot);
        let Some(q) = self.slab.get_mut(r) else {
            return false;
        };
        if q.staff_eligible {
            return false;
        }
        q.staff_eligible = true;
        q.staff_class = staff_class(priority, q);
        if q.status != Status::Waiting {
            return false;
        }
        q.in_staff_pool = true;
        self.staff_pool[q.topic.index()].push(staff_key(q), r.slot, token);
        true
    }

    /// The customer bumps a waiting thread: one more chase, and its place
    /// in the staff order may change. Returns the chases before this one.
    pub fn chase(&mut self, r: QuestionRef) -> u32 {
        self.remove_from_pools(r);
        let before = match self.slab.get_mut(r) {
            Some(q) => {
                q.chases += 1;
                q.chases - 1
            }
            None => 0,
        };
        self.return_to_pools(r);
        before
    }

    /// Staff start escalating `r` (it counts as escalated from then on).
    /// Returns whether it counts towards statistics.
    pub fn mark_escalated(&mut self, r: QuestionRef) -> bool {
        self.slab.get_mut(r).is_some_and(|q| {
            q.escalated = true;
            q.counted
        })
    }

    /// The escalation is handed to the back office. False if `r` is gone.
    pub fn hand_to_back_office(&mut self, r: QuestionRef) -> bool {
        self.slab.get_mut(r).is_some_and(|q| {
            q.status = Status::BackOffice;
            true
        })
    }

    /// Closes `r` for good: out of the pools and the slab.
    pub fn close(&mut self, r: QuestionRef) -> Option<Question> {
        self.remove_from_pools(r);
        self.slab.remove(r)
    }

    fn remove_from_pools(&mut self, r: QuestionRef) {
        let Some(q) = self.slab.get_mut(r) else {
            return;
        };
        let (topic, in_expert, in_staff) = (q.topic.index(), q.in_expert_pool, q.in_staff_pool);
        if !(in_expert || in_staff) {
            return;
        }
        q.in_expert_pool = false;
        q.in_staff_pool = false;
        let token = &mut self.slab.pool_tokens[r.slot as usize];
        *token = token.wrapping_add(1);
        let slab = &self.slab;
        let is_live = |slot: u32, token: u32| slab.is_live(slot, token);
        if in_expert {
            self.expert_pool[topic].removed(is_live);
        }
        if in_staff {
            self.staff_pool[topic].removed(is_live);
        }
    }

    /// Puts a waiting question back where experts and (if eligible) staff
    /// can see it, keyed by its current staff class.
    fn return_to_pools(&mut self, r: QuestionRef) {
        let priority = self.priority;
        let token = self.slab.token(r.slot);
        let Some(q) = self.slab.get_mut(r) else {
            return;
        };
        q.staff_class = staff_class(priority, q);
        let topic = q.topic.index();
        // A set's insert: a question already in a pool stays as it is.
        if self.experts_present && q.community_answerable() && !q.in_expert_pool {
            q.in_expert_pool = true;
            self.expert_pool[topic].push(expert_key(q), r.slot, token);
        }
        if q.staff_eligible && !q.in_staff_pool {
            q.in_staff_pool = true;
            self.staff_pool[topic].push(staff_key(q), r.slot, token);
        }
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
            TopicId(0),
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
