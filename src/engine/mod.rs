//! The event loop, in one page: pop the earliest event, advance the clock,
//! hand the event to the model, which schedules follow-ups. No I/O, no
//! globals, no wall clock: a run is a pure function of its inputs.

pub mod queue;

use crate::time::SimTime;
pub use queue::EventQueue;

/// What the engine needs of a model.
pub trait Model {
    type Event;
    /// Why a run may stop before its horizon.
    type Stop;
    /// Handles one event at `now`, scheduling any follow-ups.
    fn handle(
        &mut self,
        now: SimTime,
        event: Self::Event,
        queue: &mut EventQueue<Self::Event>,
    ) -> Result<(), Self::Stop>;
}

/// Runs events up to and including `horizon`; returns how many were
/// handled. Events after the horizon stay unhandled, and the clock then
/// stands at the horizon.
pub fn run_until<M: Model>(
    model: &mut M,
    queue: &mut EventQueue<M::Event>,
    horizon: SimTime,
) -> Result<u64, (u64, M::Stop)> {
    let mut handled = 0u64;
    let mut clock = SimTime::ZERO;
    while queue.peek_time().is_some_and(|t| t <= horizon) {
        let Some((now, event)) = queue.pop() else {
            break;
        };
        debug_assert!(now >= clock, "the clock went back");
        clock = now;
        handled += 1;
        if let Err(stop) = model.handle(now, event, queue) {
            return Err((handled, stop));
        }
    }
    queue.advance_to(horizon);
    Ok(handled)
}
