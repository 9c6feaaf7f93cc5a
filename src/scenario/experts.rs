//! The `[experts]` section and its `[experts.engagement]` table: the
//! volunteer members' activity, presence, answers and engagement.

use super::build::{normalise, positive_profile};
use super::defaults;
use super::reader::{Section, Unit, greater_than};
use super::types::{Engagement, Experts};
use crate::dist::DistSpec;

pub(super) fn read_experts(e: &mut Section) -> Experts {
    let initial = e.integer("initial", defaults::EXPERTS_INITIAL, 0, 1_000_000) as u32;
    let activity = e.dist("activity", defaults::ACTIVITY, Unit::Number).1;
    let max_activity_hours = e.number("max_activity_hours", defaults::MAX_ACTIVITY_HOURS, |x| {
        if x > 0.0 && x < 24.0 {
            Ok(())
        } else {
            Err("hours per day, > 0 and < 24".into())
        }
    });
    let session = e.dist("session", defaults::SESSION, Unit::Duration).1;
    if session.mean() <= 0.0 {
        e.problem("session", "expected a session length with a mean > 0");
    }
    let presence_hourly = normalise(e.numbers(
        "presence_hourly",
        &defaults::PRESENCE_HOURLY,
        Some(24),
        positive_profile,
    ));
    let presence_weekly = normalise(e.numbers(
        "presence_weekly",
        &defaults::PRESENCE_WEEKLY,
        Some(7),
        positive_profile,
    ));
    let writing_time = e
        .dist("writing_time", defaults::WRITING_TIME, Unit::Duration)
        .1;
    let correct_probability = e.probability("correct_probability", defaults::CORRECT_PROBABILITY);
    let thresholds: Vec<u32> = e
        .numbers(
            "level_thresholds",
            &defaults::LEVEL_THRESHOLDS.map(f64::from),
            None,
            |x| {
                if x >= 1.0 && x.fract() == 0.0 && x < u32::MAX as f64 {
                    Ok(())
                } else {
                    Err("a whole number of answers >= 1".into())
                }
            },
        )
        .into_iter()
        .map(|x| x as u32)
        .collect();
    if thresholds.windows(2).any(|w| w[1] <= w[0]) {
        e.problem(
            "level_thresholds",
            "expected strictly increasing answer counts",
        );
    }
    let engagement = e.section("engagement", |g| {
        let initial = g.dist("initial", defaults::ENGAGEMENT_INITIAL, Unit::Number);
        let newcomer = g.dist("newcomer", defaults::ENGAGEMENT_NEWCOMER, Unit::Number);
        for (key, (spec, _)) in [("initial", &initial), ("newcomer", &newcomer)] {
            if !within_unit_interval(spec) {
                g.problem(key, "expected engagement values within [0, 1]");
            }
        }
        let weight = |g: &mut Section, key: &str, default: f64| {
            g.number(key, default, |x| {
                if (0.0..=1.0).contains(&x) {
                    Ok(())
                } else {
                    Err("an engagement change between 0 and 1".into())
                }
            })
        };
        Engagement {
            initial: initial.1,
            newcomer: newcomer.1,
            leave_below: g.probability("leave_below", defaults::LEAVE_BELOW),
            daily_decay: weight(g, "daily_decay", defaults::DAILY_DECAY),
            accepted: weight(g, "accepted", defaults::ACCEPTED),
            confirmed: weight(g, "confirmed", defaults::CONFIRMED),
            promoted: weight(g, "promoted", defaults::PROMOTED),
            preempted: weight(g, "preempted", defaults::PREEMPTED),
            fair_chance: g.duration("fair_chance", defaults::FAIR_CHANCE),
            overload_ratio: g.number(
                "overload_ratio",
                defaults::OVERLOAD_RATIO,
                greater_than(0.0),
            ),
            overloaded: weight(g, "overloaded", defaults::OVERLOADED),
            chased: weight(g, "chased", defaults::CHASED),
            threads_read_per_hour: g.number(
                "threads_read_per_hour",
                defaults::THREADS_READ_PER_HOUR,
                greater_than(0.0),
            ),
        }
    });
    Experts {
        initial,
        activity,
        max_activity_hours,
        session,
        presence_hourly,
        presence_weekly,
        writing_time,
        correct_probability,
        level_thresholds: thresholds,
        engagement,
    }
}

fn within_unit_interval(spec: &DistSpec) -> bool {
    let unit = |x: f64| (0.0..=1.0).contains(&x);
    match *spec {
        DistSpec::Constant { value } => unit(value),
        DistSpec::Uniform { min, max } => unit(min) && unit(max),
        // Unbounded distributions are clamped to [0, 1] when drawn; a mean
        // outside the interval is surely a mistake.
        DistSpec::Exponential { mean }
        | DistSpec::LogNormal { mean, .. }
        | DistSpec::Gamma { mean, .. } => unit(mean),
        DistSpec::Weibull { scale, .. } => unit(scale),
        DistSpec::Pareto { scale, .. } => unit(scale),
    }
}
