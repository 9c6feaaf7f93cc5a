//! The defaults as data: every field a scenario may set, with its default
//! (as a user would write it), unit and range, built from the constants of
//! `defaults` so that the two cannot disagree. Tests check the `init`
//! template against this list; the reference docs can be checked the same way.

use super::*;
use crate::scenario::distribution::Unit;
use toml::Value;

/// What a field takes when the file does not set it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldDefault {
    /// This value, written as a user would write it in the file.
    Value(Value),
    /// No default: the file must set the field.
    Required,
    /// A default that depends on the rest of the scenario, described.
    Derived(&'static str),
}

/// One scenario field as the reference documents it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDoc {
    /// The dotted path; `*` stands for a name the user chooses (a topic, a
    /// team) and `[]` for any item of a list of tables.
    pub path: &'static str,
    pub default: FieldDefault,
    /// What the value is: "duration", "probability", "distribution of
    /// durations"...
    pub unit: &'static str,
    /// The values accepted, in words.
    pub range: &'static str,
}

/// Every field a scenario file may set, with its default, unit and range,
/// in file order.
pub fn reference() -> Vec<FieldDoc> {
    use FieldDefault::{Derived, Required};
    let v = FieldDefault::Value;
    let int = |x: u64| v(Value::Integer(x as i64));
    let float = |x: f64| v(Value::Float(x));
    let duration = |d: SimDuration| v(Value::String(d.to_string()));
    let floats = |xs: &[f64]| v(Value::Array(xs.iter().map(|x| Value::Float(*x)).collect()));
    let time = |spec: DistSpec| v(dist_value(spec, Unit::Duration));
    let number = |spec: DistSpec| v(dist_value(spec, Unit::Number));
    let field = |path, default, unit, range| FieldDoc {
        path,
        default,
        unit,
        range,
    };
    const PROBABILITY: &str = "probability";
    const ZERO_TO_ONE: &str = "0 to 1";
    const ENGAGEMENT_CHANGE: &str = "engagement change";
    const DURATION: &str = "duration";
    const DURATIONS: &str = "distribution of durations";
    const POSITIVE_MEAN: &str = "a distribution with finite parameters";
    vec![
        field("name", v(Value::String(NAME.into())), "text", "any"),
        field(
            "description",
            v(Value::String(DESCRIPTION.into())),
            "text",
            "any",
        ),
        field(
            "extends",
            Derived("no base scenario"),
            "path of a scenario file",
            "relative to this file",
        ),
        field(
            "simulation.horizon",
            duration(HORIZON),
            DURATION,
            "> 0, at most 200 years",
        ),
        field(
            "simulation.warmup",
            duration(WARMUP),
            DURATION,
            "shorter than the horizon",
        ),
        field("simulation.seed", int(SEED), "whole number", ">= 0"),
        field(
            "simulation.response_targets",
            v(Value::Array(
                TARGETS
                    .iter()
                    .map(|d| Value::String(d.to_string()))
                    .collect(),
            )),
            "list of durations",
            "any",
        ),
        field(
            "simulation.max_open_questions",
            int(MAX_OPEN_QUESTIONS),
            "questions",
            "1 to 100000000",
        ),
        field(
            "simulation.max_memory_mib",
            int(MAX_MEMORY_MIB),
            "MiB",
            "16 to 1048576",
        ),
        field(
            "demand.questions_per_day",
            Required,
            "questions a day",
            ">= 0",
        ),
        field(
            "demand.hourly_profile",
            floats(&HOURLY_PROFILE),
            "24 weights",
            ">= 0 each",
        ),
        field(
            "demand.weekly_profile",
            floats(&WEEKLY_PROFILE),
            "7 weights",
            ">= 0 each",
        ),
        field(
            "demand.topics.*.share",
            Required,
            "share of questions",
            ">= 0; all sum to 1",
        ),
        field(
            "demand.topics.*.account_probability",
            float(ACCOUNT_PROBABILITY),
            PROBABILITY,
            ZERO_TO_ONE,
        ),
        field(
            "demand.topics.*.expert_coverage",
            float(EXPERT_COVERAGE),
            PROBABILITY,
            ZERO_TO_ONE,
        ),
        field(
            "deflection.max_share",
            float(MAX_SHARE),
            "share",
            "0 up to but not including 1",
        ),
        field(
            "deflection.half_saturation",
            float(HALF_SATURATION),
            "public answers",
            "> 0",
        ),
        field("deflection.half_life", duration(HALF_LIFE), DURATION, "> 0"),
        field(
            "deflection.initial_knowledge",
            float(INITIAL_KNOWLEDGE),
            "public answers",
            ">= 0",
        ),
        field(
            "customers.patience",
            time(PATIENCE),
            DURATIONS,
            POSITIVE_MEAN,
        ),
        field(
            "customers.max_chases",
            int(MAX_CHASES),
            "chases",
            "0 to 100",
        ),
        field(
            "customers.complain_probability",
            float(COMPLAIN_PROBABILITY),
            PROBABILITY,
            ZERO_TO_ONE,
        ),
        field(
            "customers.accept_probability",
            float(ACCEPT_PROBABILITY),
            PROBABILITY,
            ZERO_TO_ONE,
        ),
        field(
            "customers.become_expert_probability",
            float(BECOME_EXPERT_PROBABILITY),
            PROBABILITY,
            ZERO_TO_ONE,
        ),
        field(
            "customers.conversion_delay",
            time(CONVERSION_DELAY),
            DURATIONS,
            POSITIVE_MEAN,
        ),
        field(
            "experts.initial",
            int(EXPERTS_INITIAL),
            "experts",
            "0 to 1000000",
        ),
        field(
            "experts.activity",
            number(ACTIVITY),
            "distribution of hours a day",
            POSITIVE_MEAN,
        ),
        field(
            "experts.max_activity_hours",
            float(MAX_ACTIVITY_HOURS),
            "hours a day",
            "> 0 and < 24",
        ),
        field("experts.session", time(SESSION), DURATIONS, "mean > 0"),
        field(
            "experts.presence_hourly",
            floats(&PRESENCE_HOURLY),
            "24 weights",
            ">= 0 each",
        ),
        field(
            "experts.presence_weekly",
            floats(&PRESENCE_WEEKLY),
            "7 weights",
            ">= 0 each",
        ),
        field(
            "experts.writing_time",
            time(WRITING_TIME),
            DURATIONS,
            POSITIVE_MEAN,
        ),
        field(
            "experts.correct_probability",
            float(CORRECT_PROBABILITY),
            PROBABILITY,
            ZERO_TO_ONE,
        ),
        field(
            "experts.level_thresholds",
            v(Value::Array(
                LEVEL_THRESHOLDS
                    .iter()
                    .map(|x| Value::Integer(i64::from(*x)))
                    .collect(),
            )),
            "answers for each level",
            "whole numbers >= 1, strictly increasing",
        ),
        field(
            "experts.engagement.initial",
            number(ENGAGEMENT_INITIAL),
            "distribution of engagement",
            "within 0 to 1",
        ),
        field(
            "experts.engagement.newcomer",
            number(ENGAGEMENT_NEWCOMER),
            "distribution of engagement",
            "within 0 to 1",
        ),
        field(
            "experts.engagement.leave_below",
            float(LEAVE_BELOW),
            "engagement",
            ZERO_TO_ONE,
        ),
        field(
            "experts.engagement.daily_decay",
            float(DAILY_DECAY),
            ENGAGEMENT_CHANGE,
            ZERO_TO_ONE,
        ),
        field(
            "experts.engagement.accepted",
            float(ACCEPTED),
            ENGAGEMENT_CHANGE,
            ZERO_TO_ONE,
        ),
        field(
            "experts.engagement.confirmed",
            float(CONFIRMED),
            ENGAGEMENT_CHANGE,
            ZERO_TO_ONE,
        ),
        field(
            "experts.engagement.promoted",
            float(PROMOTED),
            ENGAGEMENT_CHANGE,
            ZERO_TO_ONE,
        ),
        field(
            "experts.engagement.preempted",
            float(PREEMPTED),
            ENGAGEMENT_CHANGE,
            ZERO_TO_ONE,
        ),
        field(
            "experts.engagement.fair_chance",
            duration(FAIR_CHANCE),
            DURATION,
            "any",
        ),
        field(
            "experts.engagement.overload_ratio",
            float(OVERLOAD_RATIO),
            "waiting questions per online expert",
            "> 0",
        ),
        field(
            "experts.engagement.overloaded",
            float(OVERLOADED),
            ENGAGEMENT_CHANGE,
            ZERO_TO_ONE,
        ),
        field(
            "experts.engagement.chased",
            float(CHASED),
            ENGAGEMENT_CHANGE,
            ZERO_TO_ONE,
        ),
        field(
            "experts.engagement.threads_read_per_hour",
            float(THREADS_READ_PER_HOUR),
            "threads an hour, per section",
            "> 0",
        ),
        field(
            "staff.teams.*.count",
            int(TEAM_COUNT),
            "staff members",
            "0 to 100000",
        ),
        field(
            "staff.teams.*.topics",
            Derived("all topics"),
            "list of topic names",
            "topics of [demand.topics], each once",
        ),
        field(
            "staff.teams.*.shifts",
            v(Value::Array(vec![Value::Table(
                [
                    ("share".to_string(), Value::Float(SHIFT_SHARE)),
                    (
                        "hours".to_string(),
                        Value::Array(vec![Value::String(SHIFT.into())]),
                    ),
                ]
                .into_iter()
                .collect(),
            )])),
            "list of shift patterns",
            "1 to 1000 patterns; shares sum to 1",
        ),
        field(
            "staff.teams.*.shifts[].share",
            float(SHIFT_SHARE),
            "share of the head count",
            "> 0",
        ),
        field(
            "staff.teams.*.shifts[].hours",
            Required,
            "list of weekly windows",
            "like \"mon-fri 09:00-18:00\", not overlapping",
        ),
        field(
            "staff.teams.*.answer_time",
            time(ANSWER_TIME),
            DURATIONS,
            POSITIVE_MEAN,
        ),
        field(
            "staff.teams.*.confirm_time",
            time(CONFIRM_TIME),
            DURATIONS,
            POSITIVE_MEAN,
        ),
        field(
            "staff.teams.*.escalation_time",
            time(ESCALATION_TIME),
            DURATIONS,
            POSITIVE_MEAN,
        ),
        field(
            "back_office.resolution_time",
            time(BACK_OFFICE_TIME),
            DURATIONS,
            POSITIVE_MEAN,
        ),
        field(
            "policy.intervention_delay",
            duration(INTERVENTION_DELAY),
            DURATION,
            "any",
        ),
        field(
            "policy.account_delay",
            duration(ACCOUNT_DELAY),
            DURATION,
            "any",
        ),
        field(
            "policy.confirm_expert_answers",
            v(Value::Boolean(CONFIRM_EXPERT_ANSWERS)),
            "true or false",
            "true or false",
        ),
        field(
            "policy.confirm_within",
            duration(CONFIRM_WITHIN),
            DURATION,
            "any",
        ),
        field(
            "policy.priority",
            v(Value::String(PRIORITY.name().into())),
            "staff priority",
            "oldest, chased_first or account_first",
        ),
    ]
}

/// A distribution as a user would write it: a bare value for a constant,
/// else `{ dist = "...", ... }`; durations as strings like "4h".
pub fn dist_value(spec: DistSpec, unit: Unit) -> Value {
    let param = |x: f64| match unit {
        Unit::Duration => Value::String(SimDuration(x as u64).to_string()),
        Unit::Number => Value::Float(x),
    };
    if let DistSpec::Constant { value } = spec {
        return param(value);
    }
    let mut table = toml::Table::new();
    table.insert("dist".into(), Value::String(spec.kind().name().into()));
    for (p, x) in spec.kind().params().iter().zip(spec.values()) {
        let value = if p.is_shape {
            Value::Float(x)
        } else {
            param(x)
        };
        table.insert(p.name.into(), value);
    }
    Value::Table(table)
}
