//! The `[staff]` section: teams, the topics each covers, their shift
//! patterns and handling times; and the warning for a topic no staff cover.

use super::defaults;
use super::reader::{Section, Unit, greater_than};
use super::schedule::WeeklyWindows;
use super::types::*;

pub(super) fn read_staff(s: &mut Section, topic_names: &[String]) -> Staff {
    let teams = s
        .named_sections("teams", |name, t| read_team(name, t, topic_names))
        .into_iter()
        .map(|(_, team)| team)
        .collect::<Vec<Team>>();
    if teams.len() > MAX_TEAMS {
        s.problem("teams", format!("expected at most {MAX_TEAMS} teams"));
    }
    Staff { teams }
}

/// A warning for each topic no staffed team covers (not an error: an
/// experts-only forum is a scenario worth running).
pub(super) fn coverage_warnings(demand: &Demand, experts: &Experts, staff: &Staff) -> Vec<String> {
    let mut warnings = Vec::new();
    for (id, topic) in demand.topics.iter().enumerate() {
        let covered = staff
            .teams
            .iter()
            .any(|team| team.count > 0 && team.topics.contains(&TopicId::new(id)));
        if !covered {
            warnings.push(format!(
                "topic `{}` is covered by no staff: its account questions can never be answered{}",
                topic.name,
                if experts.initial == 0 {
                    " and, with no experts, neither can the others"
                } else {
                    ""
                }
            ));
        }
    }
    warnings
}

fn read_team(name: &str, t: &mut Section, topic_names: &[String]) -> Team {
    let count = t.integer("count", defaults::TEAM_COUNT, 0, 100_000) as u32;
    let all: Vec<&str> = topic_names.iter().map(|s| s.as_str()).collect();
    let topic_list = t.strings("topics", &all);
    let mut topics = Vec::new();
    for (i, topic) in topic_list.iter().enumerate() {
        match topic_names.iter().position(|n| n == topic) {
            Some(id) if !topics.contains(&TopicId::new(id)) => topics.push(TopicId::new(id)),
            Some(_) => t.problem(
                &format!("topics.{i}"),
                format!("topic `{topic}` listed twice"),
            ),
            None => t.problem(
                &format!("topics.{i}"),
                format!(
                    "unknown topic `{topic}`; the topics are: {}",
                    topic_names.join(", ")
                ),
            ),
        }
    }
    topics.sort();
    let shifts = read_shifts(t);
    let total: f64 = shifts.iter().map(|s| s.share).sum();
    if !shifts.is_empty() && (total - 1.0).abs() > 1e-6 {
        t.problem(
            "shifts",
            format!(
                "expected the shift shares of team `{name}` to sum to 1, found {}",
                crate::numbers::fmt_num(total)
            ),
        );
    }
    Team {
        name: name.to_string(),
        count,
        topics,
        shifts,
        answer_time: t
            .dist("answer_time", defaults::ANSWER_TIME, Unit::Duration)
            .1,
        confirm_time: t
            .dist("confirm_time", defaults::CONFIRM_TIME, Unit::Duration)
            .1,
        escalation_time: t
            .dist("escalation_time", defaults::ESCALATION_TIME, Unit::Duration)
            .1,
    }
}

fn read_shifts(t: &mut Section) -> Vec<ShiftPattern> {
    let default = || ShiftPattern {
        share: defaults::SHIFT_SHARE,
        windows: WeeklyWindows::parse(&[defaults::SHIFT.to_string()])
            .unwrap_or(WeeklyWindows { spans: Vec::new() }),
    };
    if !t.has("shifts") {
        t.strings("shifts", &[]);
        return vec![default()];
    }
    let count = t.array_len("shifts");
    let mut patterns = Vec::new();
    match count {
        None => {}
        Some(0) => t.problem("shifts", "empty schedule: give at least one shift pattern"),
        Some(n) if n > MAX_SHIFT_PATTERNS => t.problem(
            "shifts",
            format!("expected at most {MAX_SHIFT_PATTERNS} shift patterns"),
        ),
        Some(n) => {
            for i in 0..n {
                patterns.push(t.section_in_array("shifts", i, |s| {
                    let share = s.number("share", defaults::SHIFT_SHARE, greater_than(0.0));
                    let windows = s.strings("hours", &[]);
                    let windows = match WeeklyWindows::parse(&windows) {
                        Ok(w) => w,
                        Err(message) => {
                            s.problem("hours", message);
                            WeeklyWindows { spans: Vec::new() }
                        }
                    };
                    ShiftPattern { share, windows }
                }));
            }
        }
    }
    patterns
}
