//! The run summary: plain serialisable data, written as `summary.json`.
//! Maps are `BTreeMap`s so key order is stable; durations are in hours;
//! a measure that does not exist for a run (a percentile of nothing, a
//! retention beyond the horizon) is `null`, never NaN.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub scenario: ScenarioInfo,
    pub questions: Questions,
    pub answers: Answers,
    pub first_response: Times,
    pub resolution: Times,
    pub waiting: Waiting,
    pub backlog: Backlog,
    pub experts: Experts,
    pub customers: Customers,
    pub staff: Staff,
    pub engine: Engine,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScenarioInfo {
    pub name: String,
    pub seed: u64,
    pub horizon_days: f64,
    pub warmup_days: f64,
    /// Days over which statistics were taken (horizon minus warm-up, or
    /// less if the run stopped early).
    pub measured_days: f64,
}

/// Questions posted after the warm-up, by what became of them. The counts
/// add up: posted = resolved_by_experts + resolved_by_staff + escalated +
/// exited + complained + open.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Questions {
    pub posted: u64,
    pub resolved_by_experts: u64,
    pub resolved_by_staff: u64,
    /// Handed to the back office (resolved there or still there).
    pub escalated: u64,
    pub resolved_by_back_office: u64,
    pub in_back_office: u64,
    pub exited: u64,
    pub complained: u64,
    /// Still open at the end, not escalated (with or without a response).
    pub open: u64,
    /// Of the open ones, those that never got any response.
    pub open_unanswered: u64,
    pub per_day: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Answers {
    /// First responses given by expert members.
    pub first_by_experts: u64,
    /// First responses that were a staff answer.
    pub first_by_staff: u64,
    /// First responses that were a staff acknowledgement of an escalation.
    pub first_by_escalation: u64,
    /// Share of all first responses given by experts.
    pub expert_share: Option<f64>,
    /// Every answer an expert posted (including wrong ones and answers to
    /// questions that had a response already).
    pub expert_answers: u64,
    pub expert_answers_wrong: u64,
    pub staff_answers: u64,
    pub accepted: u64,
}

/// Shares keyed by target duration ("1h", "4h"), kept in the order of the
/// targets (shortest first) and serialised as a JSON object in that order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shares(pub Vec<(String, f64)>);

impl Serialize for Shares {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Shares {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Shares;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of target to share")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Shares, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, f64>()? {
                    out.push((k, v));
                }
                Ok(Shares(out))
            }
        }
        d.deserialize_map(Visitor)
    }
}

impl Shares {
    pub fn get(&self, key: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Times {
    /// Questions that got there (responded / resolved).
    pub count: u64,
    pub mean_hours: Option<f64>,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    pub p99_hours: Option<f64>,
    /// Share of all posted questions that got there within each target.
    pub within: Shares,
    /// The distribution: share of all posted questions that got there
    /// within `hours`, at every 2nd percentile of those that did.
    pub cdf: Vec<CdfPoint>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct CdfPoint {
    pub hours: f64,
    pub share: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct SurvivalPoint {
    pub day: f64,
    pub share: f64,
}

/// Time until a question is first picked up by someone (an expert starts
/// writing, or staff start work): the queueing view, comparable with
/// Erlang-A theory. Over questions whose wait has ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Waiting {
    pub settled: u64,
    pub p_wait: Option<f64>,
    /// `p_wait` of the questions posted in each hour of the day (00:00 to
    /// 01:00 first), `None` for an hour with none settled: how time-stable
    /// the service is.
    pub p_wait_by_hour: Vec<Option<f64>>,
    pub p_abandon: Option<f64>,
    pub mean_hours: Option<f64>,
    pub mean_served_hours: Option<f64>,
    pub within: Shares,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Backlog {
    /// Time-average number of open questions with no response yet.
    pub mean: f64,
    pub peak: i64,
    pub end: i64,
    /// Mean time a question spends in the backlog (until its first
    /// response, its abandonment, or the end of the run).
    pub mean_hours_unanswered: Option<f64>,
    /// Time-weighted median and 90th percentile of the backlog: the level
    /// it was at or below half / nine tenths of the time.
    pub p50: Option<i64>,
    pub p90: Option<i64>,
    /// Little's law: questions posted per hour × mean_hours_unanswered. It
    /// must agree with `mean` (up to warm-up and end effects); a check of
    /// the engine's bookkeeping.
    pub littles_law_mean: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Experts {
    pub initial: u64,
    pub end: u64,
    pub mean_active: f64,
    pub mean_online: f64,
    pub joined: u64,
    pub departed: u64,
    pub retention_30d: Option<f64>,
    pub retention_90d: Option<f64>,
    pub retention_180d: Option<f64>,
    pub retention_365d: Option<f64>,
    pub top_1pct_share: Option<f64>,
    pub top_10pct_share: Option<f64>,
    pub top_answers_per_month: Option<f64>,
    pub mean_engagement_end: Option<f64>,
    /// Share of the initial cohort still there, week by week from day 0.
    pub initial_cohort_survival: Vec<SurvivalPoint>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Customers {
    /// Questions whose asker chased at least once.
    pub chased: u64,
    pub chases: u64,
    pub complained: u64,
    pub exited: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Staff {
    pub answers: u64,
    pub confirmations: u64,
    pub escalations: u64,
    pub hours_on_shift: f64,
    pub busy_hours: f64,
    pub overtime_hours: f64,
    pub utilisation: Option<f64>,
    pub teams: BTreeMap<String, Team>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Team {
    pub count: u64,
    pub answers: u64,
    pub confirmations: u64,
    pub escalations: u64,
    pub hours_on_shift: f64,
    pub busy_hours: f64,
    pub overtime_hours: f64,
    pub utilisation: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Engine {
    pub events: u64,
    /// Why the run stopped before its horizon, if it did.
    pub stopped_early: Option<String>,
}

/// One row of `timeseries.csv`: one simulated hour.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HourRow {
    pub hour: u64,
    pub day: u64,
    pub weekday: &'static str,
    pub hour_of_day: u64,
    pub warmup: bool,
    pub posted: u64,
    pub answers_expert: u64,
    pub answers_staff: u64,
    pub escalations: u64,
    pub resolved_back_office: u64,
    pub confirmations: u64,
    pub chases: u64,
    pub exited: u64,
    pub complained: u64,
    pub backlog: i64,
    pub backlog_mean: f64,
    pub experts_active: i64,
    pub experts_online_mean: f64,
    pub staff_on_shift_mean: f64,
    pub staff_busy_mean: f64,
    pub overtime_hours: f64,
}

/// One row of `questions.csv` (with `--trace`): one question, written when
/// it closes (or at the end of the run if still open).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuestionRow {
    pub id: u64,
    pub topic: String,
    pub needs_account: bool,
    pub posted_hours: f64,
    pub chases: u32,
    pub picked_up_hours: Option<f64>,
    pub first_response_hours: Option<f64>,
    pub first_responder: &'static str,
    pub closed_hours: Option<f64>,
    pub outcome: &'static str,
    pub warmup: bool,
}
