//! The validated scenario: the typed values the model reads. Every value
//! here has passed the reader's checks; nothing past this point re-checks a
//! parameter. Building one is `build.rs`'s job, and only through
//! `load`/`parse`, so no invalid `Scenario` can be held.

use super::schedule::WeeklyWindows;
use crate::dist::Sampler;
use crate::time::SimDuration;

/// Index of a topic in `Demand::topics` (sorted by name). A newtype, so a
/// topic cannot be passed where a team (or any other count) is meant; at
/// most `MAX_TOPICS`, so 16 bits hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicId(pub u16);

/// Index of a team in `Staff::teams` (sorted by name); at most `MAX_TEAMS`,
/// so 16 bits hold it (events carry it as is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamId(pub u16);

impl TopicId {
    /// The topic of index `i`. The reader rejects more than `MAX_TOPICS`
    /// topics, so in a valid scenario `i` fits; on rejected input the id
    /// may wrap, but no model ever runs on it (no panic on bad input).
    pub fn new(i: usize) -> Self {
        TopicId(i as u16)
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl TeamId {
    /// The team of index `i`; as for `TopicId::new`, the reader rejects
    /// more than `MAX_TEAMS` teams.
    pub fn new(i: usize) -> Self {
        TeamId(i as u16)
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// At most this many topics: expert competence is a 64-bit mask.
pub const MAX_TOPICS: usize = 64;
/// At most this many teams, and shift patterns per team (events carry
/// them in 16 bits; no real rota comes near).
pub const MAX_TEAMS: usize = 1000;
pub const MAX_SHIFT_PATTERNS: usize = 1000;

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub simulation: Simulation,
    pub demand: Demand,
    pub deflection: Deflection,
    pub customers: Customers,
    pub experts: Experts,
    pub staff: Staff,
    pub back_office: BackOffice,
    pub policy: Policy,
    /// Where the run starts: a forum's state (`run --from-state`), or an
    /// empty forum with `experts.initial` members (None).
    pub start: Option<std::sync::Arc<crate::state::Start>>,
}

#[derive(Debug, Clone)]
pub struct Simulation {
    pub horizon: SimDuration,
    pub warmup: SimDuration,
    pub seed: u64,
    pub response_targets: Vec<SimDuration>,
    pub max_open_questions: u64,
    /// The memory the open questions may take, in MiB: the run stops when
    /// they would need more (see `model::open_question_limit`).
    pub max_memory_mib: u64,
}

#[derive(Debug, Clone)]
pub struct Demand {
    pub questions_per_day: f64,
    /// Relative weights, normalised to mean 1.
    pub hourly_profile: Vec<f64>,
    /// Relative weights Monday..Sunday, normalised to mean 1.
    pub weekly_profile: Vec<f64>,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub share: f64,
    pub account_probability: f64,
    pub expert_coverage: f64,
}

#[derive(Debug, Clone)]
pub struct Deflection {
    pub max_share: f64,
    pub half_saturation: f64,
    pub half_life: SimDuration,
    pub initial_knowledge: f64,
}

#[derive(Debug, Clone)]
pub struct Customers {
    pub patience: Sampler,
    pub max_chases: u32,
    pub complain_probability: f64,
    pub accept_probability: f64,
    pub become_expert_probability: f64,
    pub conversion_delay: Sampler,
}

#[derive(Debug, Clone)]
pub struct Experts {
    pub initial: u32,
    /// Online hours per day at full engagement.
    pub activity: Sampler,
    pub max_activity_hours: f64,
    pub session: Sampler,
    pub presence_hourly: Vec<f64>,
    pub presence_weekly: Vec<f64>,
    pub writing_time: Sampler,
    pub correct_probability: f64,
    pub level_thresholds: Vec<u32>,
    pub engagement: Engagement,
}

#[derive(Debug, Clone)]
pub struct Engagement {
    pub initial: Sampler,
    pub newcomer: Sampler,
    pub leave_below: f64,
    pub daily_decay: f64,
    pub accepted: f64,
    pub confirmed: f64,
    pub promoted: f64,
    pub preempted: f64,
    pub fair_chance: SimDuration,
    pub overload_ratio: f64,
    pub overloaded: f64,
    pub chased: f64,
    /// Threads an online expert reads an hour in each section they follow:
    /// how many of the penalised events they see.
    pub threads_read_per_hour: f64,
}

#[derive(Debug, Clone)]
pub struct Staff {
    pub teams: Vec<Team>,
}

#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    pub count: u32,
    pub topics: Vec<TopicId>,
    pub shifts: Vec<ShiftPattern>,
    pub answer_time: Sampler,
    pub confirm_time: Sampler,
    pub escalation_time: Sampler,
}

#[derive(Debug, Clone)]
pub struct ShiftPattern {
    pub share: f64,
    pub windows: WeeklyWindows,
}

#[derive(Debug, Clone)]
pub struct BackOffice {
    pub resolution_time: Sampler,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub intervention_delay: SimDuration,
    pub account_delay: SimDuration,
    pub confirm_expert_answers: bool,
    /// An expert answer not confirmed within this long is not confirmed.
    pub confirm_within: SimDuration,
    pub priority: Priority,
}

/// Which eligible question a free staff member takes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Oldest,
    ChasedFirst,
    AccountFirst,
}

impl Priority {
    /// Every priority, in the order messages list them.
    pub const ALL: [Priority; 3] = [
        Priority::Oldest,
        Priority::ChasedFirst,
        Priority::AccountFirst,
    ];

    /// The word written in `policy.priority`.
    pub fn name(self) -> &'static str {
        match self {
            Priority::Oldest => "oldest",
            Priority::ChasedFirst => "chased_first",
            Priority::AccountFirst => "account_first",
        }
    }
}
