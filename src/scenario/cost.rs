//! What a run will cost, worked out from the scenario before it starts:
//! the events it should take (from its rates: arrivals, expert sessions,
//! recruits, shift changes, hours) and how long they take at a documented
//! speed, and whether its backlog cap fits the memory budget. `check` and
//! `run` print the warnings, so a scenario that would effectively never
//! finish (1 ms expert sessions, a million questions a day) says so first.

use super::types::Scenario;
use crate::model::{BYTES_PER_OPEN_QUESTION, memory_limit};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_WEEK};

/// The speed the time estimate assumes: below the engine's measured 2.5
/// to 3.7 million events a second on one core (docs/performance.md), so
/// that the estimate errs long.
pub const EVENTS_PER_SECOND: f64 = 2.0e6;

/// The estimated run time past which `check` and `run` warn.
pub const WARN_SECONDS: f64 = 600.0;

/// Events a question takes, all told: its arrival, the intervention delay,
/// the patience clock, chases, the answer being written, a confirmation.
/// Calibrated on the shipped scenarios (4 to 5; see the tests).
const EVENTS_PER_QUESTION: f64 = 5.0;

/// Events an expert session takes: coming online and the session's end.
const EVENTS_PER_SESSION: f64 = 2.0;

/// The expected events of a run, part by part.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// (what, events, the fields that drive it), largest first.
    pub parts: Vec<(&'static str, f64, &'static str)>,
}

impl Cost {
    pub fn events(&self) -> f64 {
        self.parts.iter().map(|p| p.1).sum()
    }

    pub fn seconds(&self) -> f64 {
        self.events() / EVENTS_PER_SECOND
    }
}

/// The events a run of `sc` should take over its horizon. An estimate
/// from the mean rates, without deflection (which only removes questions)
/// or expert departures: it errs high.
pub fn estimate(sc: &Scenario) -> Cost {
    let horizon_ms = sc.simulation.horizon.as_millis() as f64;
    let days = horizon_ms / MS_PER_DAY as f64;
    let questions = sc.demand.questions_per_day * days;
    let x = &sc.experts;
    // An expert online a share p of the time in sessions of mean L starts
    // p / L sessions per unit of time (see `expert::schedule_next_session`):
    // hours a day × one hour / L a day.
    let hours_a_day = x.activity.mean().clamp(0.0, x.max_activity_hours);
    let sessions_a_day = hours_a_day * MS_PER_HOUR as f64 / x.session.mean().max(1.0);
    let initial_sessions = f64::from(x.initial) * days * sessions_a_day;
    // Every accepted answer may recruit its asker, after the conversion
    // delay; recruits join at an even pace, so each is a member for about
    // half of what is left of the horizon once the delay has passed.
    let c = &sc.customers;
    let recruits = questions * c.accept_probability * c.become_expert_probability;
    let member_days = ((horizon_ms - c.conversion_delay.mean()).max(0.0) / MS_PER_DAY as f64) / 2.0;
    let recruit_sessions = recruits * member_days * sessions_a_day;
    let weeks = horizon_ms / MS_PER_WEEK as f64;
    let shift_changes: f64 = sc
        .staff
        .teams
        .iter()
        .flat_map(|t| &t.shifts)
        .map(|p| p.windows.changes().len() as f64 * weeks)
        .sum();
    let mut parts = vec![
        (
            "questions",
            questions * EVENTS_PER_QUESTION,
            "demand.questions_per_day",
        ),
        (
            "sessions of the initial experts",
            initial_sessions * EVENTS_PER_SESSION,
            "experts.initial, experts.session, experts.activity",
        ),
        (
            "recruits and their sessions",
            recruits + recruit_sessions * EVENTS_PER_SESSION,
            "customers.become_expert_probability, customers.conversion_delay, experts.session",
        ),
        ("shift changes", shift_changes, "staff.teams.*.shifts"),
        (
            "hours",
            horizon_ms / MS_PER_HOUR as f64,
            "simulation.horizon",
        ),
    ];
    parts.sort_by(|a, b| b.1.total_cmp(&a.1));
    Cost { parts }
}

/// The warnings about what a run of `sc` will cost: its time, if past
/// `WARN_SECONDS`, and a backlog cap the memory budget cannot hold.
pub fn warnings(sc: &Scenario) -> Vec<String> {
    let mut warnings = Vec::new();
    let cost = estimate(sc);
    if cost.seconds() > WARN_SECONDS {
        let (what, events, fields) = cost.parts[0];
        warnings.push(format!(
            "this run should take about {} events, about {} at {} million events a second: \
             it may never finish in practice. Most of them are {what} ({} events; see {fields}). \
             `run` shows its progress; shorten simulation.horizon to try it",
            count(cost.events()),
            duration(cost.seconds()),
            EVENTS_PER_SECOND / 1e6,
            count(events),
        ));
    }
    let sim = &sc.simulation;
    let fits = memory_limit(sim);
    if sim.max_open_questions > fits {
        let needed = sim.max_open_questions as f64 * BYTES_PER_OPEN_QUESTION as f64;
        warnings.push(format!(
            "simulation.max_open_questions = {} would need about {:.1} GiB (about {BYTES_PER_OPEN_QUESTION} bytes per open question), \
             more than simulation.max_memory_mib = {}: an overloaded run stops at {fits} open questions instead",
            sim.max_open_questions,
            needed / (1u64 << 30) as f64,
            sim.max_memory_mib,
        ));
    }
    warnings
}

/// A count in words past a million: "2.6 trillion".
fn count(x: f64) -> String {
    const NAMES: [(f64, &str); 4] = [
        (1e15, "quadrillion"),
        (1e12, "trillion"),
        (1e9, "billion"),
        (1e6, "million"),
    ];
    for (scale, name) in NAMES {
        if x >= scale {
            return format!("{:.1} {name}", x / scale);
        }
    }
    crate::numbers::count(x)
}

/// A run time in the largest unit that keeps it above 1: "3.2 hours".
fn duration(seconds: f64) -> String {
    const UNITS: [(f64, &str); 4] = [
        (365.0 * 86_400.0, "years"),
        (86_400.0, "days"),
        (3_600.0, "hours"),
        (60.0, "minutes"),
    ];
    for (scale, name) in UNITS {
        if seconds >= scale {
            return format!("{:.1} {name}", seconds / scale);
        }
    }
    format!("{seconds:.0} seconds")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimate against the events of the golden runs (tests/golden,
    /// the shipped scenarios at their own seed): within a factor of 2, and
    /// no shipped scenario warns.
    #[test]
    fn estimates_match_the_shipped_scenarios() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for name in [
            "mercure",
            "mercure-immediate",
            "mercure-no-experts",
            "airline-24-7",
            "erlang-a",
        ] {
            let path = root.join(format!("scenarios/{name}.toml"));
            let loaded = crate::scenario::load(&path, &[]).unwrap();
            let golden = std::fs::read_to_string(root.join(format!("tests/golden/{name}.json")));
            let golden: serde_json::Value = serde_json::from_str(&golden.unwrap()).unwrap();
            let events = golden["engine"]["events"].as_f64().unwrap();
            let estimate = estimate(&loaded.scenario).events();
            let ratio = estimate / events;
            assert!(
                (0.5..2.0).contains(&ratio),
                "{name}: estimated {estimate} events, ran {events}"
            );
            assert!(warnings(&loaded.scenario).is_empty(), "{name}");
        }
    }

    #[test]
    fn counts_and_durations_read_as_words() {
        assert_eq!(count(2.6e12), "2.6 trillion");
        assert_eq!(count(920_000.0), "920,000");
        assert_eq!(count(12.0), "12");
        assert_eq!(duration(90.0), "1.5 minutes");
        assert_eq!(duration(3.0 * 86_400.0), "3.0 days");
        assert_eq!(duration(12.0), "12 seconds");
    }
}
