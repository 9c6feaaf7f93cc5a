//! The future event list: a binary heap ordered by (time, insertion
//! counter), so events at the same instant come out first-in first-out,
//! never by accident of the heap. Events are scheduled by *relative* delay
//! from the queue's clock (the time of the event being handled), so an
//! event in the past cannot be written.

use crate::time::{SimDuration, SimTime};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// `key` packs (time, insertion counter) into one integer, so the heap
/// compares a single u128 instead of a tuple (the heap is the hottest
/// code of a run).
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn time(&self) -> SimTime {
        SimTime((self.key >> 64) as u64)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events. Cancellation is lazy: the model tags events with a
/// token and ignores those whose token is stale, which is cheaper than
/// removing them from the heap.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
    /// The time of the last event popped (zero before the first): the
    /// origin of every delay.
    now: SimTime,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }
}

impl<E> EventQueue<E> {
    /// The queue's clock: the time of the event being handled.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` after `delay` from now (zero: later at this very
    /// instant, after the events already due now).
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        let time = self.now + delay;
        self.heap.push(Entry {
            key: (u128::from(time.as_millis()) << 64) | u128::from(self.next_seq),
            event,
        });
        self.next_seq += 1;
    }

    /// Schedules `event` at an instant computed elsewhere (a profile's next
    /// arrival, a shift change), which is never before now.
    pub fn schedule_at(&mut self, time: SimTime, event: E) {
        debug_assert!(time >= self.now, "an event in the past");
        self.schedule_in(time.since(self.now), event);
    }

    /// Moves the clock forward to `time` (never back), with no event due
    /// before it: a run that has handled everything up to its horizon
    /// stands at the horizon.
    pub fn advance_to(&mut self, time: SimTime) {
        debug_assert!(
            self.peek_time().is_none_or(|t| t >= time),
            "events due before {time:?} were not handled"
        );
        self.now = self.now.max(time);
    }

    /// The earliest event, if any; the clock moves to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let entry = self.heap.pop()?;
        self.now = entry.time();
        Some((self.now, entry.event))
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.time())
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_ties_first_in_first_out() {
        let mut q = EventQueue::default();
        q.schedule_in(SimDuration(5), "b1");
        q.schedule_in(SimDuration(1), "a");
        q.schedule_in(SimDuration(5), "b2");
        q.schedule_in(SimDuration(9), "c");
        q.schedule_in(SimDuration(5), "b3");
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "b1", "b2", "b3", "c"]);
    }

    #[test]
    fn delays_count_from_the_event_being_handled() {
        let mut q = EventQueue::default();
        q.schedule_in(SimDuration(10), "first");
        assert_eq!(q.pop(), Some((SimTime(10), "first")));
        assert_eq!(q.now(), SimTime(10));
        q.schedule_in(SimDuration(5), "later");
        q.schedule_at(SimTime(12), "sooner");
        assert_eq!(q.pop(), Some((SimTime(12), "sooner")));
        assert_eq!(q.pop(), Some((SimTime(15), "later")));
    }

    #[test]
    fn many_ties_stay_fifo() {
        let mut q = EventQueue::default();
        for i in 0..10_000u32 {
            q.schedule_in(SimDuration(u64::from(i % 3)), i);
        }
        let mut last = (SimTime(0), 0u32);
        let mut first = true;
        while let Some((t, i)) = q.pop() {
            if !first && t == last.0 {
                assert!(i > last.1, "tie broken out of insertion order");
            }
            assert!(first || t >= last.0, "time went back");
            first = false;
            last = (t, i);
        }
    }
}
