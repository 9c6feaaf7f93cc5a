//! Streaming recorders: counters, histograms and time integrals that the
//! model updates as events happen, in memory independent of the horizon,
//! then turned into a `Summary`. `recorder::Metrics` is what the model
//! feeds, in three parts (`questions`, `experts`, `staff`); `summary` is
//! the serialisable result. The warm-up rule is `Warmup`, here.

pub mod experts;
pub mod histogram;
pub mod level;
pub mod questions;
pub mod recorder;
pub mod staff;
pub mod summary;

use crate::time::SimTime;
pub use experts::ExpertAtEnd;
pub use recorder::{Metrics, RunInfo};

/// The warm-up rule, in one place: what happens from the end of the
/// warm-up on counts towards the statistics (a question counts if it was
/// posted then); time integrals start there too (see `level`).
#[derive(Debug, Clone, Copy)]
pub struct Warmup {
    end: SimTime,
}

impl Warmup {
    pub fn new(end: SimTime) -> Warmup {
        Warmup { end }
    }

    pub fn end(self) -> SimTime {
        self.end
    }

    /// Whether something happening at `now` counts.
    pub fn counts(self, now: SimTime) -> bool {
        now >= self.end
    }
}

/// a / b, or `None` when b is not positive (a share of nothing).
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// Who gave a question its first response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Responder {
    Expert,
    Staff,
    Escalation,
}

impl Responder {
    pub fn name(self) -> &'static str {
        match self {
            Responder::Expert => "expert",
            Responder::Staff => "staff",
            Responder::Escalation => "escalation",
        }
    }
}

/// How a question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    ResolvedByExpert,
    ResolvedByStaff,
    ResolvedByBackOffice,
    Exited,
    Complained,
    /// Still open when the run ended.
    Open,
    /// Escalated, still with the back office when the run ended.
    InBackOffice,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::ResolvedByExpert => "resolved_by_expert",
            Outcome::ResolvedByStaff => "resolved_by_staff",
            Outcome::ResolvedByBackOffice => "resolved_by_back_office",
            Outcome::Exited => "exited",
            Outcome::Complained => "complained",
            Outcome::Open => "open",
            Outcome::InBackOffice => "in_back_office",
        }
    }
}
