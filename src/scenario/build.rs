//! Building a `Scenario` from a TOML tree: one reader per section, each
//! with its cross-field checks (a warm-up shorter than the horizon, topic
//! shares summing to 1...). The experts and the staff, the two largest
//! sections, have files of their own.

use super::defaults;
use super::error::Problem;
use super::experts::read_experts;
use super::reader::{Section, Unit, at_least, greater_than};
use super::staff::{coverage_warnings, read_staff};
use super::types::*;
use crate::time::MS_PER_DAY;

impl Scenario {
    /// Reads a TOML tree into a scenario. Returns the scenario (with
    /// defaults where a field was wrong), the warnings, and every problem;
    /// the scenario is valid only if there are no problems. Private to the
    /// module: outside it, `load`/`parse`/`from_tree` are the only ways to
    /// a `Scenario`, and they return one only when there is no problem.
    pub(super) fn from_toml(table: &toml::Table) -> (Scenario, Vec<String>, Vec<Problem>) {
        let mut root = Section::root(table);
        let name = root.string("name", defaults::NAME);
        root.string("description", defaults::DESCRIPTION);
        let simulation = root.section("simulation", read_simulation);
        let demand = root.section("demand", read_demand);
        let deflection = root.section("deflection", read_deflection);
        let customers = root.section("customers", read_customers);
        let experts = root.section("experts", read_experts);
        let topic_names: Vec<String> = demand.topics.iter().map(|t| t.name.clone()).collect();
        let staff = root.section("staff", |s| read_staff(s, &topic_names));
        let mut warnings = coverage_warnings(&demand, &experts, &staff);
        warnings.extend(zero_profile_warnings(&demand, &experts));
        let back_office = root.section("back_office", read_back_office);
        let policy = root.section("policy", read_policy);
        let problems = root.finish();
        (
            Scenario {
                name,
                simulation,
                demand,
                deflection,
                customers,
                experts,
                staff,
                back_office,
                policy,
                start: None,
            },
            warnings,
            problems,
        )
    }
}

/// A check for profile weights (zeros allowed).
pub(super) fn positive_profile(x: f64) -> Result<(), String> {
    at_least(0.0)(x)
}

/// Normalises weights to mean 1; all-zero stays all-zero (no demand then,
/// with a warning from `zero_profile_warnings`). When the sum of huge
/// finite weights (1e308 each) overflows to infinity, which would turn
/// every weight into 0, the weights are first scaled by their largest;
/// other profiles are divided by their mean directly, as always, so their
/// values do not move by a rounding.
pub(super) fn normalise(weights: Vec<f64>) -> Vec<f64> {
    let mean = weights.iter().sum::<f64>() / weights.len().max(1) as f64;
    if mean.is_finite() {
        return if mean > 0.0 {
            weights.into_iter().map(|w| w / mean).collect()
        } else {
            weights
        };
    }
    let largest = weights.iter().copied().fold(0.0, f64::max);
    let scaled: Vec<f64> = weights.into_iter().map(|w| w / largest).collect();
    normalise(scaled)
}

/// A warning for each profile whose weights are all 0 (valid, but it
/// switches off what it shapes), naming the field.
fn zero_profile_warnings(demand: &Demand, experts: &Experts) -> Vec<String> {
    let all_zero = |weights: &[f64]| !weights.is_empty() && weights.iter().all(|&w| w == 0.0);
    let mut warnings = Vec::new();
    for (field, weights) in [
        ("demand.hourly_profile", &demand.hourly_profile),
        ("demand.weekly_profile", &demand.weekly_profile),
    ] {
        if all_zero(weights) && demand.questions_per_day > 0.0 {
            warnings.push(format!(
                "{field}: every weight is 0, so no question is ever posted (demand.questions_per_day is {})",
                demand.questions_per_day
            ));
        }
    }
    for (field, weights) in [
        ("experts.presence_hourly", &experts.presence_hourly),
        ("experts.presence_weekly", &experts.presence_weekly),
    ] {
        if all_zero(weights) {
            warnings.push(format!(
                "{field}: every weight is 0, so no expert is ever online"
            ));
        }
    }
    warnings
}

fn read_simulation(s: &mut Section) -> Simulation {
    let horizon = s.duration("horizon", defaults::HORIZON);
    let warmup = s.duration("warmup", defaults::WARMUP);
    if horizon.as_millis() == 0 {
        s.problem("horizon", "expected a duration > 0");
    }
    if horizon.as_millis() > 200 * 365 * MS_PER_DAY {
        s.problem("horizon", "expected at most 200 years");
    }
    if warmup >= horizon && horizon.as_millis() > 0 {
        s.problem(
            "warmup",
            format!("expected a warm-up shorter than the horizon ({horizon})"),
        );
    }
    let seed = s.integer("seed", defaults::SEED, 0, i64::MAX as u64);
    let mut response_targets = s.durations("response_targets", &defaults::TARGETS);
    response_targets.sort();
    response_targets.dedup();
    let max_open_questions = s.integer(
        "max_open_questions",
        defaults::MAX_OPEN_QUESTIONS,
        1,
        100_000_000,
    );
    let max_memory_mib = s.integer("max_memory_mib", defaults::MAX_MEMORY_MIB, 16, 1 << 20);
    Simulation {
        horizon,
        warmup,
        seed,
        response_targets,
        max_open_questions,
        max_memory_mib,
    }
}

fn read_demand(d: &mut Section) -> Demand {
    let questions_per_day = d.required_number("questions_per_day", at_least(0.0));
    let hourly_profile = normalise(d.numbers(
        "hourly_profile",
        &defaults::HOURLY_PROFILE,
        Some(24),
        positive_profile,
    ));
    let weekly_profile = normalise(d.numbers(
        "weekly_profile",
        &defaults::WEEKLY_PROFILE,
        Some(7),
        positive_profile,
    ));
    if !d.has("topics") {
        d.problem(
            "topics",
            "missing: give at least one topic, e.g. [demand.topics.billing] share = 1.0",
        );
    }
    let topics: Vec<Topic> = d
        .named_sections("topics", |name, t| {
            let share = t.required_number("share", at_least(0.0));
            Topic {
                name: name.to_string(),
                share,
                account_probability: t
                    .probability("account_probability", defaults::ACCOUNT_PROBABILITY),
                expert_coverage: t.probability("expert_coverage", defaults::EXPERT_COVERAGE),
            }
        })
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    if topics.is_empty() && d.has("topics") {
        d.problem(
            "topics",
            "empty: give at least one topic, e.g. [demand.topics.billing] share = 1.0",
        );
    }
    if topics.len() > MAX_TOPICS {
        d.problem("topics", format!("expected at most {MAX_TOPICS} topics"));
    }
    let total: f64 = topics.iter().map(|t| t.share).sum();
    if !topics.is_empty() && (total - 1.0).abs() > 1e-6 {
        d.problem(
            "topics",
            format!(
                "expected the topic shares to sum to 1, found {}",
                crate::numbers::fmt_num(total)
            ),
        );
    }
    Demand {
        questions_per_day,
        hourly_profile,
        weekly_profile,
        topics,
    }
}

fn read_deflection(d: &mut Section) -> Deflection {
    Deflection {
        max_share: d.number("max_share", defaults::MAX_SHARE, |x| {
            if (0.0..1.0).contains(&x) {
                Ok(())
            } else {
                Err("a share from 0 (no deflection) up to but not including 1".into())
            }
        }),
        half_saturation: d.number(
            "half_saturation",
            defaults::HALF_SATURATION,
            greater_than(0.0),
        ),
        half_life: {
            let h = d.duration("half_life", defaults::HALF_LIFE);
            if h.as_millis() == 0 {
                d.problem("half_life", "expected a duration > 0");
            }
            h
        },
        initial_knowledge: d.non_negative("initial_knowledge", defaults::INITIAL_KNOWLEDGE),
    }
}

fn read_customers(c: &mut Section) -> Customers {
    Customers {
        patience: c.dist("patience", defaults::PATIENCE, Unit::Duration).1,
        max_chases: c.integer("max_chases", defaults::MAX_CHASES, 0, 100) as u32,
        complain_probability: c.probability("complain_probability", defaults::COMPLAIN_PROBABILITY),
        accept_probability: c.probability("accept_probability", defaults::ACCEPT_PROBABILITY),
        become_expert_probability: c.probability(
            "become_expert_probability",
            defaults::BECOME_EXPERT_PROBABILITY,
        ),
        conversion_delay: c
            .dist(
                "conversion_delay",
                defaults::CONVERSION_DELAY,
                Unit::Duration,
            )
            .1,
    }
}

fn read_back_office(b: &mut Section) -> BackOffice {
    BackOffice {
        resolution_time: b
            .dist(
                "resolution_time",
                defaults::BACK_OFFICE_TIME,
                Unit::Duration,
            )
            .1,
    }
}

fn read_policy(p: &mut Section) -> Policy {
    Policy {
        intervention_delay: p.duration("intervention_delay", defaults::INTERVENTION_DELAY),
        account_delay: p.duration("account_delay", defaults::ACCOUNT_DELAY),
        confirm_expert_answers: p
            .boolean("confirm_expert_answers", defaults::CONFIRM_EXPERT_ANSWERS),
        confirm_within: p.duration("confirm_within", defaults::CONFIRM_WITHIN),
        priority: read_priority(p),
    }
}

fn read_priority(p: &mut Section) -> Priority {
    let options = Priority::ALL.map(|priority| (priority.name(), priority));
    p.choice("priority", defaults::PRIORITY, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_weights_normalise_without_overflow() {
        assert_eq!(normalise(vec![1e308; 24]), vec![1.0; 24]);
        let w = normalise(vec![1e308, 0.0, 1e308, 5e307]);
        assert_eq!(w, [1.6, 0.0, 1.6, 0.8]);
        assert_eq!(normalise(vec![0.0; 7]), vec![0.0; 7]);
        assert_eq!(normalise(vec![1.0, 3.0]), [0.5, 1.5]);
    }
}
