//! A forum's state at one moment, to start a run from: the open threads
//! (the backlog, with their ages and chases) and the active members (with
//! their answer counts and recent activity). `fit --state-at` writes it
//! from a post log (`state.json`); `run --from-state` starts there.
//!
//! How a run starts from it (`model::start`): the run's clock begins on
//! the state's hour of the week, after an idle lead-in of whole weeks long
//! enough to hold the oldest open thread, so that each thread is posted at
//! its true age and the week's demand and shifts fall on the right hours.
//! The lead-in is the run's warm-up: nothing happens in it but the staff's
//! shifts turning, and every statistic starts at the state's moment.

use crate::scenario::Scenario;
use crate::time::{MS_PER_HOUR, SimDuration};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// The format tag `state.json` carries.
pub const FORMAT: &str = "entraide-state/1";
/// Open threads older than this are left out: their askers have long
/// gone, and a state that kept them would need a long lead-in.
pub const MAX_AGE_HOURS: f64 = 28.0 * 24.0;
const MS_PER_WEEK: u64 = 7 * 24 * MS_PER_HOUR;
/// More answers than a member could write in a lifetime are an error.
const MAX_ANSWERS: u64 = 1_000_000_000;

/// `state.json`, as written and read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForumState {
    pub format: String,
    /// The moment, as the log wrote it (RFC 3339).
    pub at: String,
    /// Hours since Monday 00:00 of that moment, on the log's local clock.
    pub hour_of_week: f64,
    /// Where it comes from (the log's file).
    pub source: String,
    pub open_threads: Vec<OpenThread>,
    pub members: Vec<Member>,
}

/// A thread with no first response yet at the state's moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenThread {
    pub topic: String,
    /// Hours since the question.
    pub age_hours: f64,
    /// The asker's follow-ups so far.
    pub chases: u32,
    /// Hours since the asker's last post (the question or a chase): how
    /// long their current wait has lasted.
    pub waiting_hours: f64,
}

/// A member still active at the state's moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Answers so far (their status level follows from it).
    pub answers: u64,
    /// Answers in the 30 days before the moment.
    pub answers_last_30d: u64,
    /// The topics they answered.
    pub topics: Vec<String>,
    /// Online hours a day at full engagement (`experts.activity`),
    /// proportional to their recent answering rate.
    pub activity_hours: f64,
}

/// A state checked against the scenario it starts, in the model's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    /// When the state's moment falls in the run (the lead-in's length).
    pub at: SimDuration,
    /// Oldest first.
    pub open_threads: Vec<StartThread>,
    pub members: Vec<StartMember>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StartThread {
    pub topic: usize,
    pub age: SimDuration,
    pub chases: u32,
    pub waiting: SimDuration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StartMember {
    /// Bit k: topic k.
    pub topics: u64,
    pub answers: u64,
    pub activity_hours: f64,
}

/// Reads `path` and checks it against `scenario`: every problem with its
/// field path, as for a scenario.
pub fn load(path: &Path, scenario: &Scenario) -> Result<Start, String> {
    let file = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: {e}"))?;
    let state: ForumState = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
    check(&state, scenario).map_err(|problems| {
        format!(
            "{file}: invalid state ({} problem{}):\n  {}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            problems.join("\n  ")
        )
    })
}

/// The state in the model's terms, or every problem found.
pub fn check(state: &ForumState, scenario: &Scenario) -> Result<Start, Vec<String>> {
    let mut problems = Vec::new();
    if state.format != FORMAT {
        problems.push(format!(
            "format: expected {FORMAT:?}, found {:?}",
            state.format
        ));
    }
    if !(0.0..168.0).contains(&state.hour_of_week) {
        problems.push(format!(
            "hour_of_week: expected hours since Monday 00:00, in [0, 168), found {}",
            state.hour_of_week
        ));
    }
    let topics: Vec<&str> = scenario
        .demand
        .topics
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    let topic_of = |path: String, name: &str, problems: &mut Vec<String>| {
        let found = topics.iter().position(|t| *t == name);
        if found.is_none() {
            problems.push(format!(
                "{path}: unknown topic {name:?}; the scenario's topics are {}",
                topics.join(", ")
            ));
        }
        found
    };
    let most = scenario.simulation.max_open_questions;
    if state.open_threads.len() as u64 > most {
        problems.push(format!(
            "open_threads: {} threads, more than simulation.max_open_questions ({most})",
            state.open_threads.len()
        ));
    }
    let mut threads = Vec::new();
    for (i, t) in state.open_threads.iter().enumerate() {
        let topic = topic_of(format!("open_threads[{i}].topic"), &t.topic, &mut problems);
        if !(t.age_hours.is_finite() && (0.0..=MAX_AGE_HOURS).contains(&t.age_hours)) {
            problems.push(format!(
                "open_threads[{i}].age_hours: expected 0 to {MAX_AGE_HOURS} hours, found {}",
                t.age_hours
            ));
        }
        if !(t.waiting_hours.is_finite() && (0.0..=t.age_hours).contains(&t.waiting_hours)) {
            problems.push(format!(
                "open_threads[{i}].waiting_hours: expected 0 to the thread's age ({}), found {}",
                t.age_hours, t.waiting_hours
            ));
        }
        if let Some(topic) = topic {
            threads.push(StartThread {
                topic,
                age: SimDuration::from_hours(t.age_hours),
                chases: t.chases.min(scenario.customers.max_chases),
                waiting: SimDuration::from_hours(t.waiting_hours.min(t.age_hours)),
            });
        }
    }
    let mut members = Vec::new();
    for (i, m) in state.members.iter().enumerate() {
        let mut mask = 0u64;
        for (j, name) in m.topics.iter().enumerate() {
            if let Some(k) = topic_of(format!("members[{i}].topics[{j}]"), name, &mut problems) {
                mask |= 1 << k;
            }
        }
        if m.answers > MAX_ANSWERS {
            problems.push(format!(
                "members[{i}].answers: expected at most {MAX_ANSWERS}, found {}",
                m.answers
            ));
        }
        if m.topics.is_empty() {
            problems.push(format!("members[{i}].topics: expected at least one topic"));
        }
        if !(m.activity_hours.is_finite() && m.activity_hours > 0.0) {
            problems.push(format!(
                "members[{i}].activity_hours: expected a positive number of hours, found {}",
                m.activity_hours
            ));
        }
        members.push(StartMember {
            topics: mask,
            answers: m.answers,
            activity_hours: m.activity_hours.min(scenario.experts.max_activity_hours),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    threads.sort_by_key(|t| std::cmp::Reverse(t.age));
    let oldest = threads.first().map_or(0, |t| t.age.as_millis());
    let offset = (state.hour_of_week * MS_PER_HOUR as f64).round() as u64;
    // Whole weeks of lead-in, enough for the oldest thread to be posted at
    // its age, then the state's hour of the week.
    let weeks = oldest.saturating_sub(offset).div_ceil(MS_PER_WEEK);
    Ok(Start {
        at: SimDuration(weeks * MS_PER_WEEK + offset),
        open_threads: threads,
        members,
    })
}

/// `scenario` started from `start`: the lead-in becomes the warm-up, the
/// horizon runs on from the state's moment, and the state's members
/// replace the scenario's initial experts.
pub fn apply(scenario: &mut Scenario, start: Start) {
    let sim = &mut scenario.simulation;
    sim.horizon = start.at + sim.horizon;
    sim.warmup = start.at;
    scenario.experts.initial = 0;
    scenario.start = Some(Arc::new(start));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mercure() -> Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
        crate::scenario::load(&path, &[]).unwrap().scenario
    }

    fn state(threads: Vec<OpenThread>, members: Vec<Member>) -> ForumState {
        ForumState {
            format: FORMAT.into(),
            at: "2024-05-01T12:00:00Z".into(),
            hour_of_week: 60.0,
            source: "test".into(),
            open_threads: threads,
            members,
        }
    }

    fn thread(topic: &str, age_hours: f64) -> OpenThread {
        OpenThread {
            topic: topic.into(),
            age_hours,
            chases: 1,
            waiting_hours: age_hours / 2.0,
        }
    }

    #[test]
    fn the_lead_in_holds_the_oldest_thread_and_ends_on_the_states_hour() {
        let sc = mercure();
        // Wednesday 12:00, the oldest thread 100 h old: one week of lead-in.
        let start = check(
            &state(
                vec![thread("billing", 10.0), thread("technical", 100.0)],
                vec![],
            ),
            &sc,
        )
        .unwrap();
        assert_eq!(start.at, SimDuration((168 + 60) * MS_PER_HOUR));
        assert_eq!(
            start.open_threads[0].age,
            SimDuration(100 * MS_PER_HOUR),
            "oldest first"
        );
        // Threads younger than the hour of the week need no lead-in.
        let start = check(&state(vec![thread("billing", 50.0)], vec![]), &sc).unwrap();
        assert_eq!(start.at, SimDuration(60 * MS_PER_HOUR));
    }

    #[test]
    fn a_bad_state_names_every_field_it_gets_wrong() {
        let sc = mercure();
        let mut bad = state(
            vec![thread("roaming", 10.0), thread("billing", 1e6)],
            vec![Member {
                answers: u64::MAX,
                answers_last_30d: 1,
                topics: vec![],
                activity_hours: -1.0,
            }],
        );
        bad.format = "something-else".into();
        let problems = check(&bad, &sc).unwrap_err();
        let text = problems.join("\n");
        for expected in [
            "format: expected \"entraide-state/1\"",
            "open_threads[0].topic: unknown topic \"roaming\"",
            "open_threads[1].age_hours: expected 0 to 672 hours",
            "members[0].answers: expected at most 1000000000",
            "members[0].topics: expected at least one topic",
            "members[0].activity_hours: expected a positive number of hours",
        ] {
            assert!(text.contains(expected), "{expected:?} in\n{text}");
        }
    }

    #[test]
    fn a_start_replaces_the_warm_up_and_the_initial_experts() {
        let mut sc = mercure();
        let horizon = sc.simulation.horizon;
        let start = check(&state(vec![thread("billing", 10.0)], vec![]), &sc).unwrap();
        let at = start.at;
        apply(&mut sc, start);
        assert_eq!(sc.simulation.warmup, at);
        assert_eq!(sc.simulation.horizon, at + horizon);
        assert_eq!(sc.experts.initial, 0);
    }
}
