//! The future event list, ordered by (time, insertion counter), so events
//! at the same instant come out first-in first-out, never by accident of
//! the heap. Events are scheduled by *relative* delay from the queue's
//! clock (the time of the event being handled), so an event in the past
//! cannot be written.
//!
//! Three levels, so that each pop touches a handful of events however
//! many wait far ahead, a hierarchical calendar (Brown 1988; Varghese and
//! Lauck 1987) whose last level is a heap:
//! - the **calendar** of time buckets (a power of two of ms wide,
//!   narrower for a busier forum) holds the events of later buckets,
//!   unsorted, until their bucket comes. Most pending events of a large
//!   forum are far ahead (offline experts' next sessions, back-office
//!   resolutions, patience clocks), and each of them costs an append;
//! - the **current bucket** is split into `SUBSLOTS` sub-slots, also
//!   unsorted: when the bucket comes, its events are dealt into them by
//!   time, one append each;
//! - the **current sub-slot** is a binary heap of the few events (one or
//!   two on average) due in it, so a pop walks a heap one or two levels
//!   deep instead of a bucket's six, with fewer mispredicted branches.
//!
//! The order is exactly one heap's: every event of a sub-slot is due
//! before every event of a later one, and the heap orders a sub-slot's
//! events by the whole key.

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

/// How many events a time bucket should hold on average: enough that a
/// bucket is rarely empty (each move to the next bucket scans the ring),
/// few enough that its sub-slots hold one or two events each. The width
/// of a bucket follows from the forum's event rate
/// (`EventQueue::for_rate`), so a forum k times larger gets buckets k
/// times narrower and the same sub-slots: any width gives the same pop
/// order, only the cost changes (measured with cachegrind,
/// docs/performance.md).
const EVENTS_PER_BUCKET: f64 = 64.0;
/// The current bucket is dealt into 2^SUBSLOT_BITS sub-slots: about one
/// event each on average (`EVENTS_PER_BUCKET`), so the heap of the current
/// one is tiny. The narrowest bucket (2^10 ms) still gets sub-slots of
/// 16 ms. Any count gives the same order; 64 also makes the set of
/// non-empty sub-slots one machine word.
const SUBSLOT_BITS: u32 = 6;
const SUBSLOTS: usize = 1 << SUBSLOT_BITS;
/// The bucket width of `EventQueue::default()`, about 35 minutes: the
/// width `for_rate` picks for one Mercure.
const DEFAULT_BUCKET_SHIFT: u32 = 21;
/// The narrowest and widest buckets: 1 s and about 4.7 hours.
const BUCKET_SHIFTS: std::ops::RangeInclusive<u32> = 10..=24;
/// Buckets ahead of the current one kept apart (about 12 days at the
/// default width, 18 hours at a sixteenth of it); events further ahead
/// wait in one overflow list, sorted into buckets as the calendar reaches
/// them. A fixed count, not a fixed span: each bucket keeps a vector of
/// its own, and 16 times the buckets cost more in cache misses than the
/// longer overflow saves (cachegrind, docs/performance.md). A power of
/// two, so that `%` is a mask.
const RING: u64 = 512;
/// The most capacity a bucket's vector keeps when it goes back into the
/// ring (see `Calendar::ring`): twice the average bucket.
const SPARE_CAPACITY: usize = 2 * EVENTS_PER_BUCKET as usize;

/// The events due from the end of the current bucket on, by bucket.
struct Calendar<E> {
    /// A bucket is `1 << shift` ms wide.
    shift: u32,
    /// The bucket whose events are in the near level.
    current: u64,
    /// `ring[b % RING]`: the events of bucket b, for current < b <
    /// current + RING (those buckets fall in distinct slots), unsorted.
    /// When a bucket comes, its events are dealt into the near level's
    /// sub-slots and an empty vector takes its slot: a push touches the
    /// slot's header (in the ring, which stays in cache) and the end of
    /// its vector, nothing else. (Buckets in chains of 16-event blocks
    /// cost two more cache misses per push at k = 16.)
    /// A vector keeps up to `SPARE_CAPACITY` as it moves round, so the
    /// ring's memory is about RING times that, 2 MiB, the same at any
    /// forum size: buckets hold `EVENTS_PER_BUCKET` on average whatever
    /// the rate.
    ring: Vec<Vec<Entry<E>>>,
    in_ring: usize,
    /// Events of buckets from `scanned + RING` on, unsorted; `scanned` is
    /// the current bucket when it was last sorted out, at least every
    /// RING / 2 buckets, so none of them is due before it is in the ring.
    overflow: Vec<Entry<E>>,
    scanned: u64,
    /// The earliest bucket in `overflow` (meaningless when it is empty).
    overflow_first: u64,
}

impl<E> Calendar<E> {
    fn new(shift: u32) -> Self {
        Calendar {
            shift,
            current: 0,
            ring: (0..RING).map(|_| Vec::new()).collect(),
            in_ring: 0,
            overflow: Vec::new(),
            scanned: 0,
            overflow_first: u64::MAX,
        }
    }

    fn len(&self) -> usize {
        self.in_ring + self.overflow.len()
    }

    /// The first instant of the bucket after the current one: every event
    /// before it belongs in the near level.
    fn boundary(&self) -> u64 {
        (self.current + 1).saturating_mul(1 << self.shift)
    }

    fn bucket_of(&self, key: u128) -> u64 {
        ((key >> 64) as u64) >> self.shift
    }

    fn slot(&self, bucket: u64) -> usize {
        (bucket % RING) as usize
    }

    /// Files an event due at or after `boundary()`.
    fn insert(&mut self, entry: Entry<E>) {
        let bucket = self.bucket_of(entry.key);
        debug_assert!(bucket > self.current, "an event of the current bucket");
        if bucket < self.current + RING {
            self.put_in_ring(bucket, entry);
        } else {
            self.overflow_first = self.overflow_first.min(bucket);
            self.overflow.push(entry);
        }
    }

    fn put_in_ring(&mut self, bucket: u64, entry: Entry<E>) {
        let slot = self.slot(bucket);
        self.ring[slot].push(entry);
        self.in_ring += 1;
    }

    /// Moves to the next bucket that holds events and returns them, in no
    /// order; `spare` (an empty vector) takes their place.
    /// Call only when not empty.
    fn next_bucket(&mut self, spare: Vec<Entry<E>>) -> Vec<Entry<E>> {
        debug_assert!(self.len() > 0 && spare.is_empty());
        if self.in_ring == 0 {
            // Nothing in the next RING buckets: jump to the overflow's
            // first (the scan below then sorts it out).
            self.current = self.overflow_first - 1;
        }
        loop {
            self.current += 1;
            if self.current >= self.scanned + RING / 2 {
                self.sort_out_overflow();
            }
            let slot = self.slot(self.current);
            if !self.ring[slot].is_empty() {
                let events = std::mem::replace(&mut self.ring[slot], spare);
                self.in_ring -= events.len();
                return events;
            }
        }
    }

    /// Moves the overflow's events of the buckets now within reach of the
    /// ring into it.
    fn sort_out_overflow(&mut self) {
        self.scanned = self.current;
        if self.overflow_first >= self.current + RING {
            return;
        }
        let mut first = u64::MAX;
        let mut i = 0;
        while i < self.overflow.len() {
            let bucket = self.bucket_of(self.overflow[i].key);
            if bucket < self.current + RING {
                let entry = self.overflow.swap_remove(i);
                self.put_in_ring(bucket, entry);
            } else {
                first = first.min(bucket);
                i += 1;
            }
        }
        self.overflow_first = first;
    }
}

/// The events of the current bucket (and any due before it), by
/// sub-slot: the earliest non-empty sub-slot is `heap`, the later ones
/// wait unsorted in `later`.
struct Near<E> {
    /// The events of sub-slot `current`: never empty while the level
    /// holds any event, so its top is the level's earliest.
    heap: BinaryHeap<Entry<E>>,
    current: usize,
    /// `later[i]` for i > current: the events of sub-slot i, unsorted
    /// (bit i of `occupied` says it has any). `later[current]` holds an
    /// empty vector, the storage `heap` gave up when it last moved on.
    later: Vec<Vec<Entry<E>>>,
    occupied: u64,
    /// The first instant of the current bucket, and a sub-slot's width.
    base: u64,
    sub_shift: u32,
    len: usize,
}

impl<E> Near<E> {
    fn new(bucket_shift: u32) -> Self {
        Near {
            heap: BinaryHeap::new(),
            current: 0,
            later: (0..SUBSLOTS).map(|_| Vec::new()).collect(),
            occupied: 0,
            base: 0,
            sub_shift: bucket_shift - SUBSLOT_BITS,
            len: 0,
        }
    }

    /// The sub-slot of an event due before the end of the current bucket.
    /// An event due before the bucket's start (the clock stands at the
    /// last event of an earlier bucket) goes to the first: it is due
    /// before everything else there, and the heap sees to the order.
    fn subslot_of(&self, entry: &Entry<E>) -> usize {
        let offset = entry.time().as_millis().saturating_sub(self.base);
        debug_assert!(
            offset >> self.sub_shift < SUBSLOTS as u64,
            "beyond the bucket"
        );
        (offset >> self.sub_shift) as usize
    }

    fn push(&mut self, entry: Entry<E>) {
        let slot = self.subslot_of(&entry);
        self.len += 1;
        if self.heap.is_empty() {
            // The level was empty.
            debug_assert!(self.occupied == 0);
            self.current = slot;
            self.heap.push(entry);
        } else if slot == self.current {
            self.heap.push(entry);
        } else if slot > self.current {
            self.later[slot].push(entry);
            self.occupied |= 1 << slot;
        } else {
            // Due before the current sub-slot (the heap moved on to a later
            // one after the clock's): that sub-slot goes back among the
            // later ones, and this one, empty until now, becomes current.
            debug_assert!(
                self.later[slot].is_empty(),
                "an earlier sub-slot was not empty"
            );
            let spare = BinaryHeap::from(std::mem::take(&mut self.later[self.current]));
            self.later[self.current] = std::mem::replace(&mut self.heap, spare).into_vec();
            self.occupied |= 1 << self.current;
            self.later[slot].push(entry);
            self.move_to(slot);
        }
    }

    fn pop(&mut self) -> Option<Entry<E>> {
        let entry = self.heap.pop()?;
        self.len -= 1;
        if self.heap.is_empty() && self.occupied != 0 {
            self.move_to(self.occupied.trailing_zeros() as usize);
        }
        Some(entry)
    }

    /// Makes the later sub-slot `slot` the current one (the heap empty).
    fn move_to(&mut self, slot: usize) {
        debug_assert!(self.heap.is_empty(), "the current sub-slot is not done");
        self.occupied &= !(1 << slot);
        let spare = std::mem::take(&mut self.heap).into_vec();
        let events = std::mem::replace(&mut self.later[slot], spare);
        self.heap = BinaryHeap::from(events);
        self.current = slot;
    }

    /// Deals the events of the bucket starting at `base` (the level is
    /// empty) into the sub-slots, and leaves `events` empty.
    fn fill(&mut self, base: u64, events: &mut Vec<Entry<E>>) {
        debug_assert!(self.len == 0 && self.occupied == 0);
        self.base = base;
        self.len = events.len();
        for entry in events.drain(..) {
            let slot = self.subslot_of(&entry);
            self.later[slot].push(entry);
            self.occupied |= 1 << slot;
        }
        if self.occupied != 0 {
            self.move_to(self.occupied.trailing_zeros() as usize);
        }
    }

    fn peek(&self) -> Option<&Entry<E>> {
        self.heap.peek()
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Pending events. Cancellation is lazy: the model tags events with a
/// token and ignores those whose token is stale, which is cheaper than
/// removing them from the heap.
pub struct EventQueue<E> {
    /// The events due before `far.boundary()`. Empty only when `far` is
    /// empty too, so its earliest is always the queue's.
    near: Near<E>,
    far: Calendar<E>,
    /// An empty vector that takes the place of the next bucket's in the
    /// calendar, so buckets change storage without allocating.
    spare: Vec<Entry<E>>,
    next_seq: u64,
    /// The time of the last event popped (zero before the first): the
    /// origin of every delay.
    now: SimTime,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue::with_bucket_shift(DEFAULT_BUCKET_SHIFT)
    }
}

impl<E> EventQueue<E> {
    /// A queue sized for a model that handles about `events_per_ms`
    /// events per simulated millisecond: buckets hold `EVENTS_PER_BUCKET`
    /// events on average. The rate only sets the cost, never the order.
    pub fn for_rate(events_per_ms: f64) -> Self {
        let shift = if events_per_ms > 0.0 {
            let width_ms = EVENTS_PER_BUCKET / events_per_ms;
            width_ms.max(1.0).log2().floor().min(63.0) as u32
        } else {
            // No rate to go by (none, or not a number).
            DEFAULT_BUCKET_SHIFT
        };
        EventQueue::with_bucket_shift(shift.clamp(*BUCKET_SHIFTS.start(), *BUCKET_SHIFTS.end()))
    }

    fn with_bucket_shift(shift: u32) -> Self {
        EventQueue {
            near: Near::new(shift),
            far: Calendar::new(shift),
            spare: Vec::new(),
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }

    /// The queue's clock: the time of the event being handled.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` after `delay` from now (zero: later at this very
    /// instant, after the events already due now).
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        let time = self.now + delay;
        let entry = Entry {
            key: (u128::from(time.as_millis()) << 64) | u128::from(self.next_seq),
            event,
        };
        self.next_seq += 1;
        if time.as_millis() < self.far.boundary() {
            self.near.push(entry);
        } else {
            self.far.insert(entry);
            self.refill();
        }
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
        let entry = self.near.pop()?;
        self.refill();
        self.now = entry.time();
        Some((self.now, entry.event))
    }

    /// Keeps the near level non-empty while events wait in the calendar:
    /// when it runs dry, the next bucket's events are dealt into it.
    fn refill(&mut self) {
        if self.near.is_empty() && self.far.len() > 0 {
            let spare = std::mem::take(&mut self.spare);
            let mut events = self.far.next_bucket(spare);
            self.near
                .fill(self.far.current << self.far.shift, &mut events);
            // A vector that grew for a burst goes round the ring at its
            // size: cap what it keeps, so the ring's memory stays about
            // RING times a typical bucket.
            events.shrink_to(SPARE_CAPACITY);
            self.spare = events;
        }
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.near.peek().map(|e| e.time())
    }

    pub fn len(&self) -> usize {
        self.near.len + self.far.len()
    }

    pub fn is_empty(&self) -> bool {
        self.near.is_empty()
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

    /// The two levels against one plain heap of (time, insertion counter),
    /// over delays from zero to far beyond the ring (the overflow), with
    /// ties, pops interleaved with pushes (as a model schedules follow-ups
    /// of the event it handles) and a queue that runs dry and refills.
    #[test]
    fn pops_exactly_what_one_heap_would() {
        for shift in [
            *BUCKET_SHIFTS.start(),
            DEFAULT_BUCKET_SHIFT,
            *BUCKET_SHIFTS.end(),
        ] {
            pops_exactly_what_one_heap_would_with(shift);
        }
    }

    fn pops_exactly_what_one_heap_would_with(shift: u32) {
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::rng::SimRng::seed_from_u64(7);
        let mut q = EventQueue::with_bucket_shift(shift);
        let mut reference = BinaryHeap::new();
        let mut seq = 0u64;
        let bucket_ms = 1u64 << shift;
        let ring_span = RING * bucket_ms;
        let mut popped = 0;
        for round in 0..200_000u32 {
            let pushes = if round % 5_000 == 4_999 {
                0
            } else {
                rng.random_range(0..3)
            };
            for _ in 0..pushes {
                let delay = match rng.random_range(0..6) {
                    0 => 0,
                    1 => rng.random_range(0..bucket_ms),
                    2 => rng.random_range(0..10 * bucket_ms),
                    3 => rng.random_range(0..ring_span),
                    4 => rng.random_range(ring_span - bucket_ms..3 * ring_span),
                    _ => bucket_ms * rng.random_range(1..4u64),
                };
                let time = q.now().as_millis() + delay;
                q.schedule_in(SimDuration(delay), seq);
                reference.push(std::cmp::Reverse((time, seq)));
                seq += 1;
            }
            // Drain now and then, so that the calendar jumps to the
            // overflow when the ring is empty.
            let pops = if round % 5_000 == 4_999 {
                usize::MAX
            } else {
                rng.random_range(0..3)
            };
            for _ in 0..pops {
                let expected = reference
                    .pop()
                    .map(|std::cmp::Reverse((t, s))| (SimTime(t), s));
                assert_eq!(q.pop(), expected, "pop {popped}, buckets of 2^{shift} ms");
                assert_eq!(q.len(), reference.len());
                if expected.is_none() {
                    break;
                }
                popped += 1;
            }
            assert_eq!(q.peek_time(), reference.peek().map(|r| SimTime(r.0.0)));
        }
        assert!(popped > 190_000, "the test pops enough: {popped}");
    }

    #[test]
    fn an_event_far_beyond_the_ring_comes_after_nearer_ones() {
        let mut q = EventQueue::default();
        let far = SimDuration(100 * (RING << DEFAULT_BUCKET_SHIFT) + 5);
        q.schedule_in(far, "far");
        q.schedule_in(SimDuration(3 << DEFAULT_BUCKET_SHIFT), "later");
        q.schedule_in(far, "far, second");
        q.schedule_in(SimDuration(1), "first");
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["first", "later", "far", "far, second"]);
        assert_eq!(q.now(), SimTime(far.0));
        assert!(q.is_empty());
    }

    #[test]
    fn the_bucket_width_follows_the_event_rate() {
        let shift = |rate: f64| EventQueue::<()>::for_rate(rate).far.shift;
        // One Mercure: about 2.9e-5 events per ms, the default width.
        assert_eq!(shift(2.9e-5), DEFAULT_BUCKET_SHIFT);
        // Sixteen: sixteen times narrower.
        assert_eq!(shift(16.0 * 2.9e-5), DEFAULT_BUCKET_SHIFT - 4);
        // Widths are clamped; rates that are no rates get the default.
        assert_eq!(shift(1e-12), *BUCKET_SHIFTS.end());
        assert_eq!(shift(1e9), *BUCKET_SHIFTS.start());
        for nonsense in [0.0, -1.0, f64::NAN] {
            assert_eq!(shift(nonsense), DEFAULT_BUCKET_SHIFT);
        }
    }
}
