//! The field claims the shipped scenarios are calibrated to, checked on
//! replicated runs: each claim is a statement about a mean, tested with its
//! 95 % interval (Student t over replications), never on one seed. A claim
//! passes only if the whole interval lies inside the claimed range, so a
//! noisy estimate cannot pass by luck; the ranges are the claims as the
//! scenario comments and docs/results.md state them.
//!
//! Replications use the master seed of each scenario, as
//! `entraide run S --replications N` does, so every figure here can be
//! reproduced from the command line.

use entraide::model::NoObserver;
use entraide::replicate;
use entraide::scenario::{self, Scenario};
use entraide::stats::{self, Estimate};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// Replications per scenario: enough for intervals a few points wide.
const REPLICATIONS: u32 = 12;

fn load(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    match scenario::load(&path, &[]) {
        Ok(loaded) => loaded.scenario,
        Err(e) => panic!("{e}"),
    }
}

/// Each replication's summary.json, for the scenarios the claims need.
fn runs() -> &'static BTreeMap<&'static str, Vec<Value>> {
    static RUNS: OnceLock<BTreeMap<&'static str, Vec<Value>>> = OnceLock::new();
    RUNS.get_or_init(|| {
        [
            "mercure",
            "mercure-immediate",
            "mercure-no-experts",
            "airline-24-7",
        ]
        .into_iter()
        .map(|name| {
            let sc = load(name);
            let seeds = replicate::seeds(sc.simulation.seed, REPLICATIONS);
            let summaries = replicate::run(&sc, &seeds, None, &mut NoObserver)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let values = summaries
                .iter()
                .map(|s| serde_json::to_value(s).expect("a summary serialises"))
                .collect();
            (name, values)
        })
        .collect()
    })
}

fn values(name: &str, path: &str) -> Vec<f64> {
    runs()[name]
        .iter()
        .map(|v| {
            path.split('.')
                .fold(v, |v, k| &v[k])
                .as_f64()
                .unwrap_or_else(|| panic!("{name}: {path} is not a number"))
        })
        .collect()
}

fn estimate(name: &str, path: &str) -> Estimate {
    Estimate::of(&values(name, path))
}

/// The whole 95 % interval of `e` lies in `range`.
fn assert_within(what: &str, e: &Estimate, range: std::ops::RangeInclusive<f64>) {
    let (low, high) = (e.mean - e.half_width, e.mean + e.half_width);
    assert!(
        range.contains(&low) && range.contains(&high),
        "{what}: {:.4} ± {:.4} (n = {}), claimed within {range:?}",
        e.mean,
        e.half_width,
        e.n
    );
}

#[test]
fn mercure_experts_give_about_ninety_percent_of_first_responses() {
    // Field: "about 90 % of the answers" came from experts. "About" is
    // read as 85-95 %.
    let share = estimate("mercure", "answers.expert_share");
    assert_within("Mercure expert share", &share, 0.85..=0.95);
}

#[test]
fn mercure_top_expert_answers_on_the_order_of_1379_a_month() {
    // Field: the top expert posted 12,419 messages in 9 months, ~1,379 a
    // month. The model's top expert is one draw of a heavy tail, so the
    // claim is its order of magnitude: within a factor of two.
    let top = estimate("mercure", "experts.top_answers_per_month");
    assert_within("Mercure top expert, answers a month", &top, 690.0..=2758.0);
}

#[test]
fn without_experts_staff_busy_hours_about_double() {
    // Field: without the experts, "the number of posts we must handle will
    // double, or even triple". Load is staff busy hours (see
    // scenarios/mercure-no-experts.toml), and the forum without experts
    // answers at once. Replication r of both scenarios shares its seed, so
    // the ratio is taken replication by replication.
    let with = values("mercure", "staff.busy_hours");
    let without = values("mercure-no-experts", "staff.busy_hours");
    let ratios: Vec<f64> = with.iter().zip(&without).map(|(w, o)| o / w).collect();
    let ratio = Estimate::of(&ratios);
    assert_within("busy hours without / with experts", &ratio, 1.8..=3.0);
    // Why not triple: the weekday-daytime staff leave night and weekend
    // questions waiting, and over a third of customers give up.
    let gave_up: Vec<f64> = values("mercure-no-experts", "questions.exited")
        .iter()
        .zip(values("mercure-no-experts", "questions.complained"))
        .zip(values("mercure-no-experts", "questions.posted"))
        .map(|((exited, complained), posted)| (exited + complained) / posted)
        .collect();
    assert_within(
        "share giving up without experts",
        &Estimate::of(&gave_up),
        0.30..=0.50,
    );
}

#[test]
fn answering_at_once_costs_expert_share_and_retention() {
    // The question the tool exists for: under the same seeds, staff who
    // answer at once take most first responses from the experts, and fewer
    // of the initial experts are still members a year later. How much
    // retention it costs depends on the unmeasured daily decay
    // (docs/results.md); the direction is the claim.
    let paired = |path: &str| {
        stats::paired_difference(&values("mercure", path), &values("mercure-immediate", path))
            .expect("same number of replications")
    };
    let share = paired("answers.expert_share");
    assert!(
        share.mean + share.half_width < -0.30,
        "expert share, immediate − 3 h rule: {:.3} ± {:.3}",
        share.mean,
        share.half_width
    );
    let retention = paired("experts.retention_365d");
    assert!(
        retention.mean + retention.half_width < 0.0,
        "retention at 365 d, immediate − 3 h rule: {:.3} ± {:.3}",
        retention.mean,
        retention.half_width
    );
}

#[test]
fn airline_experts_stay_a_small_lasting_community() {
    // No field figure for the airline's members; what the scenario claims
    // (its comments) is a small community of frequent flyers that lasts
    // the year and gives a minority of first responses.
    let retention = estimate("airline-24-7", "experts.retention_365d");
    assert_within("airline retention at 365 d", &retention, 0.8..=1.0);
    let share = estimate("airline-24-7", "answers.expert_share");
    assert_within("airline expert share", &share, 0.10..=0.35);
}
