//! Every scenario default, in one place: the reader takes each default from
//! a constant here, and `reference()` lists every field with its default,
//! unit and range as data, built from the same constants. The `init`
//! template (`template.toml`) is checked against `reference()` by the tests
//! in `defaults/tests.rs`; the reference docs can be checked against it the same way.

use super::types::Priority;
use crate::dist::DistSpec;
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, SimDuration};

const fn minutes(m: u64) -> f64 {
    (m * MS_PER_MINUTE) as f64
}
const fn hours(h: u64) -> f64 {
    (h * MS_PER_HOUR) as f64
}
const fn days(d: u64) -> f64 {
    (d * MS_PER_DAY) as f64
}

pub const NAME: &str = "unnamed scenario";
pub const DESCRIPTION: &str = "";

pub const HORIZON: SimDuration = SimDuration(365 * MS_PER_DAY);
pub const WARMUP: SimDuration = SimDuration::ZERO;
pub const SEED: u64 = 1;
pub const TARGETS: [SimDuration; 3] = [
    SimDuration(MS_PER_HOUR),
    SimDuration(4 * MS_PER_HOUR),
    SimDuration(24 * MS_PER_HOUR),
];
pub const MAX_OPEN_QUESTIONS: u64 = 1_000_000;
/// 4 GiB: about 14 million open questions, far above any forum that is not
/// overloaded, and within the memory of a CI runner or a laptop.
pub const MAX_MEMORY_MIB: u64 = 4096;

pub const HOURLY_PROFILE: [f64; 24] = [1.0; 24];
pub const WEEKLY_PROFILE: [f64; 7] = [1.0; 7];
pub const ACCOUNT_PROBABILITY: f64 = 0.0;
pub const EXPERT_COVERAGE: f64 = 0.5;

pub const MAX_SHARE: f64 = 0.0;
pub const HALF_SATURATION: f64 = 1000.0;
pub const HALF_LIFE: SimDuration = SimDuration(180 * MS_PER_DAY);
pub const INITIAL_KNOWLEDGE: f64 = 0.0;

pub const PATIENCE: DistSpec = DistSpec::Exponential { mean: hours(4) };
pub const MAX_CHASES: u64 = 2;
pub const COMPLAIN_PROBABILITY: f64 = 0.3;
pub const ACCEPT_PROBABILITY: f64 = 0.5;
pub const BECOME_EXPERT_PROBABILITY: f64 = 0.0;
pub const CONVERSION_DELAY: DistSpec = DistSpec::Exponential { mean: days(30) };

pub const EXPERTS_INITIAL: u64 = 0;
pub const ACTIVITY: DistSpec = DistSpec::LogNormal { mean: 1.0, sd: 2.0 };
pub const MAX_ACTIVITY_HOURS: f64 = 16.0;
pub const SESSION: DistSpec = DistSpec::Exponential { mean: hours(1) };
pub const PRESENCE_HOURLY: [f64; 24] = [1.0; 24];
pub const PRESENCE_WEEKLY: [f64; 7] = [1.0; 7];
pub const WRITING_TIME: DistSpec = DistSpec::LogNormal {
    mean: minutes(6),
    sd: minutes(4),
};
pub const CORRECT_PROBABILITY: f64 = 0.9;
pub const LEVEL_THRESHOLDS: [u32; 15] = [
    1, 3, 10, 25, 50, 100, 200, 350, 500, 750, 1000, 2000, 3500, 5000, 10000,
];

pub const ENGAGEMENT_INITIAL: DistSpec = DistSpec::Uniform { min: 0.5, max: 0.9 };
pub const ENGAGEMENT_NEWCOMER: DistSpec = DistSpec::Constant { value: 0.5 };
pub const LEAVE_BELOW: f64 = 0.2;
pub const DAILY_DECAY: f64 = 0.001;
pub const ACCEPTED: f64 = 0.01;
pub const CONFIRMED: f64 = 0.02;
pub const PROMOTED: f64 = 0.05;
pub const PREEMPTED: f64 = 0.02;
pub const FAIR_CHANCE: SimDuration = SimDuration(2 * MS_PER_HOUR);
pub const OVERLOAD_RATIO: f64 = 5.0;
pub const OVERLOADED: f64 = 0.001;
pub const CHASED: f64 = 0.002;
pub const THREADS_READ_PER_HOUR: f64 = 4.0;

pub const TEAM_COUNT: u64 = 0;
pub const SHIFT: &str = "mon-fri 09:00-18:00";
pub const SHIFT_SHARE: f64 = 1.0;
pub const ANSWER_TIME: DistSpec = DistSpec::LogNormal {
    mean: minutes(12),
    sd: minutes(8),
};
pub const CONFIRM_TIME: DistSpec = DistSpec::LogNormal {
    mean: minutes(2),
    sd: minutes(1),
};
pub const ESCALATION_TIME: DistSpec = DistSpec::LogNormal {
    mean: minutes(20),
    sd: minutes(10),
};

pub const BACK_OFFICE_TIME: DistSpec = DistSpec::LogNormal {
    mean: days(2),
    sd: days(1),
};

pub const INTERVENTION_DELAY: SimDuration = SimDuration(3 * MS_PER_HOUR);
pub const ACCOUNT_DELAY: SimDuration = SimDuration::ZERO;
pub const CONFIRM_EXPERT_ANSWERS: bool = true;
pub const CONFIRM_WITHIN: SimDuration = SimDuration(7 * MS_PER_DAY);
pub const PRIORITY: Priority = Priority::Oldest;

mod reference;
pub use reference::{FieldDefault, FieldDoc, dist_value, reference};

#[cfg(test)]
mod tests;
