//! A forum k times larger with the same per-capita behaviour: the `--set`
//! overrides that multiply every extensive quantity of a scenario by k and
//! leave every intensive one alone. Used by `entraide bench` (its
//! `mercure-x16-year` case), `tests/scaling.rs` and `benches/scale.rs`, so
//! the three scale a forum the same way.
//!
//! Which fields scale is a list (`EXTENSIVE`, `INTENSIVE`), each entry
//! with its reason, and `tests/scaling.rs` checks the two lists against
//! the crate's list of every scenario field (`defaults::reference`), so a
//! new field fails that test until someone decides whether it grows with
//! the forum.
//!
//! The overrides are computed from a validated [`Scenario`]
//! ([`overrides_for`]), so they apply alike to a file ([`overrides`],
//! [`load`]) and to scenario text ([`parse`]).

use super::{Scenario, ScenarioError};
use std::path::Path;

/// The fields multiplied by k: counts of people, of questions and of
/// public answers. `*` stands for a team's name.
pub const EXTENSIVE: &[(&str, &str)] = &[
    (
        "demand.questions_per_day",
        "k times the customers post k times the questions",
    ),
    ("experts.initial", "k times the expert members"),
    (
        "staff.teams.*.count",
        "k times the head count of every team",
    ),
    (
        "deflection.initial_knowledge",
        "the knowledge stock is a count of public answers; k times the answers are written",
    ),
    (
        "deflection.half_saturation",
        "a stock of public answers, compared with a stock k times larger, so the deflected share stays",
    ),
    (
        "simulation.max_open_questions",
        "a cap on a count of open questions; clamped to its maximum, 100,000,000",
    ),
];

/// The fields that stay: per question, per customer, per expert or per
/// staff member, durations, shares and weights. Each is either a rate or
/// probability of one person or question, or a ratio of two extensive
/// quantities, so it is the same in a forum of any size.
pub const INTENSIVE: &[(&str, &str)] = &[
    ("name", "text"),
    ("description", "text"),
    ("extends", "a file"),
    ("simulation.horizon", "time"),
    ("simulation.warmup", "time"),
    ("simulation.seed", "randomness, not size"),
    ("simulation.response_targets", "times"),
    (
        "simulation.max_memory_mib",
        "the machine's memory, not the forum's size; a forum that is not overloaded stays far below it",
    ),
    ("demand.hourly_profile", "relative weights, mean 1"),
    ("demand.weekly_profile", "relative weights, mean 1"),
    ("demand.topics.*.share", "a share of the questions"),
    ("demand.topics.*.account_probability", "per question"),
    ("demand.topics.*.expert_coverage", "per expert"),
    ("deflection.max_share", "a share of the demand"),
    ("deflection.half_life", "time"),
    ("customers.patience", "per customer"),
    ("customers.max_chases", "per customer"),
    ("customers.complain_probability", "per customer"),
    ("customers.accept_probability", "per customer"),
    (
        "customers.become_expert_probability",
        "per customer: k times the customers bring k times the newcomers",
    ),
    ("customers.conversion_delay", "per customer"),
    ("experts.activity", "hours a day of one expert"),
    ("experts.max_activity_hours", "hours a day of one expert"),
    ("experts.session", "per session"),
    ("experts.presence_hourly", "relative weights, mean 1"),
    ("experts.presence_weekly", "relative weights, mean 1"),
    ("experts.writing_time", "per answer"),
    ("experts.correct_probability", "per answer"),
    (
        "experts.level_thresholds",
        "one expert's own answer count, the same per capita",
    ),
    ("experts.engagement.initial", "per expert"),
    ("experts.engagement.newcomer", "per expert"),
    ("experts.engagement.leave_below", "per expert"),
    ("experts.engagement.daily_decay", "per expert and day"),
    ("experts.engagement.accepted", "per answer of the expert"),
    ("experts.engagement.confirmed", "per answer of the expert"),
    ("experts.engagement.promoted", "per level of the expert"),
    (
        "experts.engagement.preempted",
        "per event the expert is exposed to",
    ),
    ("experts.engagement.fair_chance", "time"),
    (
        "experts.engagement.overload_ratio",
        "waiting questions per online expert: a ratio of two extensive counts",
    ),
    (
        "experts.engagement.overloaded",
        "per overloaded hour of the expert",
    ),
    (
        "experts.engagement.chased",
        "per event the expert is exposed to",
    ),
    (
        "experts.engagement.threads_read_per_hour",
        "what one online expert reads an hour; the chance of seeing a thread \
         (reads / new threads) falls as k rises, so each expert sees as many",
    ),
    (
        "staff.teams.*.topics",
        "which sections, not how many people",
    ),
    ("staff.teams.*.shifts", "the rota's patterns"),
    ("staff.teams.*.shifts[].share", "a share of the head count"),
    ("staff.teams.*.shifts[].hours", "times of the week"),
    ("staff.teams.*.answer_time", "per task"),
    ("staff.teams.*.confirm_time", "per task"),
    ("staff.teams.*.escalation_time", "per task"),
    (
        "back_office.resolution_time",
        "a delay per question; the back office has no capacity limit",
    ),
    ("policy.intervention_delay", "time"),
    ("policy.account_delay", "time"),
    ("policy.confirm_expert_answers", "a rule"),
    ("policy.confirm_within", "time"),
    ("policy.priority", "a rule"),
];

/// The largest `simulation.max_open_questions` the reader accepts.
const MAX_OPEN_QUESTIONS_LIMIT: u64 = 100_000_000;

/// The `--set` overrides that make `sc` k times larger, after `base` (the
/// overrides `sc` was loaded with, which they follow): every field of
/// `EXTENSIVE` times k. Team names come from the scenario, so this works
/// for any scenario.
pub fn overrides_for(sc: &Scenario, base: &[String], k: u32) -> Vec<String> {
    let kf = f64::from(k);
    let mut sets = base.to_vec();
    // `{:?}` writes a float TOML reads as one ("8000.0", "1.5", "1e21").
    sets.push(format!(
        "demand.questions_per_day={:?}",
        sc.demand.questions_per_day * kf
    ));
    sets.push(format!(
        "experts.initial={}",
        u64::from(sc.experts.initial) * u64::from(k)
    ));
    for team in &sc.staff.teams {
        sets.push(format!(
            "staff.teams.{}.count={}",
            team.name,
            u64::from(team.count) * u64::from(k)
        ));
    }
    sets.push(format!(
        "deflection.initial_knowledge={:?}",
        sc.deflection.initial_knowledge * kf
    ));
    sets.push(format!(
        "deflection.half_saturation={:?}",
        sc.deflection.half_saturation * kf
    ));
    sets.push(format!(
        "simulation.max_open_questions={}",
        sc.simulation
            .max_open_questions
            .saturating_mul(u64::from(k))
            .min(MAX_OPEN_QUESTIONS_LIMIT)
    ));
    sets
}

/// The overrides (`base`, then the scaled fields) that make the scenario
/// file at `path`, loaded with `base`, k times larger.
pub fn overrides(path: &Path, base: &[String], k: u32) -> Result<Vec<String>, ScenarioError> {
    let sc = super::load(path, base)?.scenario;
    Ok(overrides_for(&sc, base, k))
}

/// The scenario file at `path`, with `base` applied, made k times larger.
pub fn load(path: &Path, base: &[String], k: u32) -> Result<Scenario, ScenarioError> {
    let sets = overrides(path, base, k)?;
    Ok(super::load(path, &sets)?.scenario)
}

/// Scenario text (named `file` in messages, as `scenario::parse` takes
/// it), with `base` applied, made k times larger; also returns the
/// overrides used, which reproduce it from the file.
pub fn parse(
    text: &str,
    file: &str,
    base: &[String],
    k: u32,
) -> Result<(Scenario, Vec<String>), ScenarioError> {
    let sc = super::parse(text, file, base)?.scenario;
    let sets = overrides_for(&sc, base, k);
    Ok((super::parse(text, file, &sets)?.scenario, sets))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MERCURE: &str = include_str!("../../scenarios/mercure.toml");

    /// Text and file give the same overrides, and the scaled scenario is
    /// the one those overrides load.
    #[test]
    fn text_and_file_scale_alike() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
        let base = vec!["simulation.warmup=0s".to_string()];
        let (from_text, sets) = parse(MERCURE, "mercure.toml", &base, 4).unwrap();
        assert_eq!(sets, overrides(&path, &base, 4).unwrap());
        assert_eq!(sets[0], base[0]);
        let from_file = load(&path, &base, 4).unwrap();
        assert_eq!(format!("{from_text:?}"), format!("{from_file:?}"));
        assert_eq!(from_text.experts.initial, 4 * 250);
    }

    /// k = 1 changes nothing.
    #[test]
    fn k_one_is_the_scenario() {
        let (scaled, _) = parse(MERCURE, "mercure.toml", &[], 1).unwrap();
        let plain = crate::scenario::parse(MERCURE, "mercure.toml", &[])
            .unwrap()
            .scenario;
        assert_eq!(format!("{scaled:?}"), format!("{plain:?}"));
    }
}
