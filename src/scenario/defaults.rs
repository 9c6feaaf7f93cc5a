//! The documented defaults, in one place (the README and `entraide init`
//! repeat them; tests check that the template is a valid scenario).

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

pub const HORIZON: SimDuration = SimDuration(365 * MS_PER_DAY);
pub const TARGETS: [SimDuration; 3] = [
    SimDuration(MS_PER_HOUR),
    SimDuration(4 * MS_PER_HOUR),
    SimDuration(24 * MS_PER_HOUR),
];
pub const MAX_OPEN_QUESTIONS: u64 = 1_000_000;
pub const PATIENCE: DistSpec = DistSpec::Exponential { mean: hours(4) };
pub const CONVERSION_DELAY: DistSpec = DistSpec::Exponential { mean: days(30) };
pub const ACTIVITY: DistSpec = DistSpec::LogNormal { mean: 1.0, sd: 2.0 };
pub const SESSION: DistSpec = DistSpec::Exponential { mean: hours(1) };
pub const WRITING_TIME: DistSpec = DistSpec::LogNormal {
    mean: minutes(6),
    sd: minutes(4),
};
pub const LEVEL_THRESHOLDS: [u32; 15] = [
    1, 3, 10, 25, 50, 100, 200, 350, 500, 750, 1000, 2000, 3500, 5000, 10000,
];
pub const ENGAGEMENT_INITIAL: DistSpec = DistSpec::Uniform { min: 0.5, max: 0.9 };
pub const ENGAGEMENT_NEWCOMER: DistSpec = DistSpec::Constant { value: 0.5 };
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
pub const SHIFT: &str = "mon-fri 09:00-18:00";
