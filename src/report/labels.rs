//! Names for people, with units, for the parameters a sweep varies: axes
//! and table headers say "staff intervention delay", not
//! `policy.intervention_delay`. One table, by field path (`*` stands for a
//! topic or team name, which the label repeats); a path not in it is named
//! from its own words.

/// A parameter's label and, if its values carry none, its unit.
struct Name {
    pattern: &'static str,
    label: &'static str,
    /// `None` where the values say it themselves ("3h", "2d").
    unit: Option<&'static str>,
}

const fn name(pattern: &'static str, label: &'static str, unit: Option<&'static str>) -> Name {
    Name {
        pattern,
        label,
        unit,
    }
}

const NAMES: &[Name] = &[
    name("simulation.horizon", "horizon", None),
    name("simulation.warmup", "warm-up", None),
    name("simulation.seed", "seed", None),
    name(
        "simulation.max_open_questions",
        "backlog cap",
        Some("questions"),
    ),
    name(
        "demand.questions_per_day",
        "questions posted a day",
        Some("questions"),
    ),
    name(
        "demand.topics.*.share",
        "share of questions on *",
        Some("of 1"),
    ),
    name(
        "demand.topics.*.account_probability",
        "account questions on *",
        Some("probability"),
    ),
    name(
        "demand.topics.*.expert_coverage",
        "expert coverage of *",
        Some("of 1"),
    ),
    name(
        "deflection.max_share",
        "most questions deflected",
        Some("of 1"),
    ),
    name("customers.patience", "customer patience", None),
    name("customers.patience.mean", "customer patience, mean", None),
    name(
        "customers.max_chases",
        "chases before giving up",
        Some("chases"),
    ),
    name(
        "customers.complain_probability",
        "chance a customer complains",
        Some("probability"),
    ),
    name(
        "customers.become_expert_probability",
        "chance a customer becomes an expert",
        Some("probability"),
    ),
    name("experts.initial", "experts at the start", Some("experts")),
    name(
        "experts.correct_probability",
        "expert answers correct",
        Some("probability"),
    ),
    name(
        "experts.engagement.daily_decay",
        "daily decay of expert engagement",
        Some("per day"),
    ),
    name(
        "experts.engagement.initial",
        "engagement of the initial experts",
        None,
    ),
    name(
        "experts.engagement.leave_below",
        "engagement below which experts leave",
        None,
    ),
    name("staff.teams.*.count", "* team size", Some("staff")),
    name("staff.teams.*.shifts", "* team shifts", None),
    name("staff.teams.*.answer_time", "* team answer time", None),
    name(
        "policy.intervention_delay",
        "staff intervention delay",
        None,
    ),
    name("policy.account_delay", "account question delay", None),
    name(
        "policy.confirm_expert_answers",
        "staff confirm expert answers",
        None,
    ),
    name("policy.confirm_within", "confirmation deadline", None),
    name("policy.priority", "staff priority", None),
];

/// The label and unit of a parameter, by its field path.
pub fn parameter(path: &str) -> (String, Option<&'static str>) {
    let segments: Vec<&str> = path.split('.').collect();
    for n in NAMES {
        let pattern: Vec<&str> = n.pattern.split('.').collect();
        if pattern.len() != segments.len() {
            continue;
        }
        let mut wildcard = None;
        let matches = pattern.iter().zip(&segments).all(|(p, s)| {
            if *p == "*" {
                wildcard = Some(*s);
                true
            } else {
                p == s
            }
        });
        if matches {
            let label = match wildcard {
                Some(w) => n.label.replace('*', &w.replace('_', " ")),
                None => n.label.to_string(),
            };
            return (label, n.unit);
        }
    }
    // Not in the table: its words, past the section name.
    let words = segments
        .get(1..)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&segments[..])
        .join(" ")
        .replace('_', " ");
    (words, None)
}

/// "staff intervention delay (hours)", "technical team size (staff)": the
/// label with its unit, or `unit_if_none` (the unit the chart converted
/// the values to, such as hours) where the values carried theirs.
pub fn with_unit(path: &str, unit_if_none: Option<&str>) -> String {
    let (label, unit) = parameter(path);
    match unit.or(unit_if_none) {
        Some(u) => format!("{label} ({u})"),
        None => label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_read_as_words_with_units() {
        assert_eq!(
            with_unit("policy.intervention_delay", Some("hours")),
            "staff intervention delay (hours)"
        );
        assert_eq!(
            with_unit("policy.intervention_delay", None),
            "staff intervention delay"
        );
        assert_eq!(
            with_unit("staff.teams.technical.count", None),
            "technical team size (staff)"
        );
        assert_eq!(
            with_unit("demand.topics.billing_help.share", None),
            "share of questions on billing help (of 1)"
        );
        // Not in the table: still no dots nor underscores.
        assert_eq!(
            parameter("experts.activity.max_activity_hours").0,
            "activity max activity hours"
        );
        assert_eq!(parameter("name").0, "name");
    }
}
