//! A waiting pool: the questions of one topic in the order someone takes
//! them (oldest first for experts, the priority rule for staff), with
//! O(log n) insertion and O(1) removal from anywhere.
//!
//! A question leaves a pool far more often from the middle (an expert or
//! staff member claims it, the customer chases or gives up) than from the
//! front, and an ordered set pays a tree walk for each. Here removal is
//! lazy: every entry carries its slot's pool token as it was when the
//! entry was pushed; `Questions` bumps the token when the question leaves
//! its pools, so the entry goes stale where it stands, and stale entries
//! are dropped when they reach the front (`settle`) or when they outnumber
//! the live ones (`compact`). The front is always live, so the order seen
//! is exactly the ordered set's: the smallest (key, slot) among live
//! entries.
//!
//! An entry is 16 bytes (a `u64` key, the slot, the token), and telling a
//! live one from a stale one reads only the slot's token, kept in a dense
//! array apart from the question: in a large forum the questions at the
//! front of the pools are cold, and reading each whole record cost a
//! cache miss per check (cachegrind, docs/performance.md).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One pushed entry: the key, then the question's slot and the slot's
/// token. (key, slot) is unique among live entries, so the token never
/// decides the order of two live ones.
type Entry = Reverse<(u64, u32, u32)>;

#[derive(Debug)]
pub struct Pool {
    heap: BinaryHeap<Entry>,
    /// Live entries (the questions in the pool).
    live: usize,
}

impl Pool {
    pub fn new() -> Pool {
        Pool {
            heap: BinaryHeap::new(),
            live: 0,
        }
    }

    /// Questions in the pool.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Adds the question in `slot` with the slot's current token.
    pub fn push(&mut self, key: u64, slot: u32, token: u32) {
        self.heap.push(Reverse((key, slot, token)));
        self.live += 1;
    }

    /// The live entry with the smallest (key, slot).
    pub fn first(&self) -> Option<(u64, u32)> {
        self.heap
            .peek()
            .map(|Reverse((key, slot, _))| (*key, *slot))
    }

    /// A question of the pool has left it (its token was bumped):
    /// `is_live(slot, token)` now tells live entries from stale ones.
    pub fn removed(&mut self, is_live: impl Fn(u32, u32) -> bool) {
        self.live -= 1;
        if self.heap.len() > 2 * self.live + 32 {
            self.compact(&is_live);
        } else {
            self.settle(&is_live);
        }
    }

    /// Drops stale entries from the front, so that `first` is live.
    fn settle(&mut self, is_live: &impl Fn(u32, u32) -> bool) {
        while let Some(Reverse((_, slot, token))) = self.heap.peek() {
            if is_live(*slot, *token) {
                break;
            }
            self.heap.pop();
        }
    }

    /// Drops every stale entry (linear, but only when they are the
    /// majority, so memory stays within a constant of the live entries).
    fn compact(&mut self, is_live: &impl Fn(u32, u32) -> bool) {
        let mut entries = std::mem::take(&mut self.heap).into_vec();
        entries.retain(|Reverse((_, slot, token))| is_live(*slot, *token));
        debug_assert_eq!(entries.len(), self.live, "live entries miscounted");
        self.heap = BinaryHeap::from(entries);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    /// The pool against an ordered set, through random pushes, removals
    /// from anywhere and re-insertions (a chased question comes back).
    #[test]
    fn the_front_is_the_ordered_sets_first() {
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::rng::SimRng::seed_from_u64(3);
        let mut pool = Pool::new();
        let mut set = BTreeSet::new();
        let mut tokens: HashMap<u32, u32> = HashMap::new();
        let mut keys: HashMap<u32, u64> = HashMap::new();
        for step in 0..100_000u32 {
            let slot = rng.random_range(0..500u32);
            let token = *tokens.entry(slot).or_insert(0);
            match keys.get(&slot).copied() {
                // In the pool: remove it (bump its token) or leave it.
                Some(key) if rng.random_bool(0.6) => {
                    set.remove(&(key, slot));
                    keys.remove(&slot);
                    tokens.insert(slot, token + 1);
                    let tokens = &tokens;
                    pool.removed(|slot, t| tokens.get(&slot) == Some(&t));
                }
                Some(_) => {}
                None => {
                    let key = u64::from(rng.random_range(0..1_000u32));
                    set.insert((key, slot));
                    keys.insert(slot, key);
                    pool.push(key, slot, token);
                }
            }
            assert_eq!(pool.len(), set.len(), "step {step}");
            assert_eq!(pool.first(), set.first().copied(), "step {step}");
            assert!(
                pool.heap.len() <= 2 * pool.len() + 33,
                "stale entries pile up"
            );
        }
    }
}
