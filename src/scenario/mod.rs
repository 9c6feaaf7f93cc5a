//! Scenarios: the TOML file a user writes, read once into validated, typed
//! values. Past `Scenario::from_toml` no invalid value exists; the engine
//! never checks a parameter again.
//!
//! Reading goes: text -> TOML tree -> `--set` overrides applied to the tree
//! -> `reader::Section` walks the tree, collecting every problem with its
//! field path -> `Scenario`.

pub mod overrides;
pub mod reader;
pub mod schedule;

use crate::dist::{DistSpec, Sampler};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, SimDuration};
use reader::{Problem, Section, Unit, at_least, greater_than};
use schedule::WeeklyWindows;
use std::fmt;
use std::path::Path;

/// Index of a topic in `Demand::topics` (sorted by name).
pub type TopicId = usize;
/// Index of a team in `Staff::teams` (sorted by name).
pub type TeamId = usize;

/// At most this many topics: expert competence is a 64-bit mask.
pub const MAX_TOPICS: usize = 64;
/// At most this many teams, and shift patterns per team (events carry
/// them in 16 bits; no real rota comes near).
pub const MAX_TEAMS: usize = 1000;
pub const MAX_SHIFT_PATTERNS: usize = 1000;

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub simulation: Simulation,
    pub demand: Demand,
    pub deflection: Deflection,
    pub customers: Customers,
    pub experts: Experts,
    pub staff: Staff,
    pub back_office: BackOffice,
    pub policy: Policy,
}

#[derive(Debug, Clone)]
pub struct Simulation {
    pub horizon: SimDuration,
    pub warmup: SimDuration,
    pub seed: u64,
    pub response_targets: Vec<SimDuration>,
    pub max_open_questions: u64,
}

#[derive(Debug, Clone)]
pub struct Demand {
    pub questions_per_day: f64,
    /// Relative weights, normalised to mean 1.
    pub hourly_profile: Vec<f64>,
    /// Relative weights Monday..Sunday, normalised to mean 1.
    pub weekly_profile: Vec<f64>,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub share: f64,
    pub account_probability: f64,
    pub expert_coverage: f64,
}

#[derive(Debug, Clone)]
pub struct Deflection {
    pub max_share: f64,
    pub half_saturation: f64,
    pub half_life: SimDuration,
    pub initial_knowledge: f64,
}

#[derive(Debug, Clone)]
pub struct Customers {
    pub patience: Sampler,
    pub max_chases: u32,
    pub complain_probability: f64,
    pub accept_probability: f64,
    pub become_expert_probability: f64,
    pub conversion_delay: Sampler,
}

#[derive(Debug, Clone)]
pub struct Experts {
    pub initial: u32,
    /// Online hours per day at full engagement.
    pub activity: Sampler,
    pub max_activity_hours: f64,
    pub session: Sampler,
    pub presence_hourly: Vec<f64>,
    pub presence_weekly: Vec<f64>,
    pub writing_time: Sampler,
    pub correct_probability: f64,
    pub level_thresholds: Vec<u32>,
    pub engagement: Engagement,
}

#[derive(Debug, Clone)]
pub struct Engagement {
    pub initial: Sampler,
    pub newcomer: Sampler,
    pub leave_below: f64,
    pub daily_decay: f64,
    pub accepted: f64,
    pub confirmed: f64,
    pub promoted: f64,
    pub preempted: f64,
    pub fair_chance: SimDuration,
    pub overload_ratio: f64,
    pub overloaded: f64,
    pub chased: f64,
}

#[derive(Debug, Clone)]
pub struct Staff {
    pub teams: Vec<Team>,
}

#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    pub count: u32,
    pub topics: Vec<TopicId>,
    pub shifts: Vec<ShiftPattern>,
    pub answer_time: Sampler,
    pub confirm_time: Sampler,
    pub escalation_time: Sampler,
}

#[derive(Debug, Clone)]
pub struct ShiftPattern {
    pub share: f64,
    pub windows: WeeklyWindows,
}

#[derive(Debug, Clone)]
pub struct BackOffice {
    pub resolution_time: Sampler,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub intervention_delay: SimDuration,
    pub account_delay: SimDuration,
    pub confirm_expert_answers: bool,
    /// An expert answer not confirmed within this long is not confirmed.
    pub confirm_within: SimDuration,
    pub priority: Priority,
}

/// Which eligible question a free staff member takes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Oldest,
    ChasedFirst,
    AccountFirst,
}

/// Why a scenario could not be loaded. Every variant names the file.
#[derive(Debug)]
pub enum ScenarioError {
    Read {
        file: String,
        error: std::io::Error,
    },
    Syntax {
        file: String,
        message: String,
    },
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Read { file, error } => write!(f, "{file}: cannot read: {error}"),
            ScenarioError::Syntax { file, message } => {
                write!(f, "{file}: not valid TOML: {}", message.trim_end())
            }
            ScenarioError::Invalid { file, problems } => {
                let n = problems.len();
                writeln!(
                    f,
                    "{file}: invalid scenario ({n} problem{}):",
                    if n == 1 { "" } else { "s" }
                )?;
                for (i, p) in problems.iter().enumerate() {
                    write!(f, "  {}: {}", p.path, p.message)?;
                    if i + 1 < n {
                        writeln!(f)?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

/// A validated scenario and the remarks worth showing that are not errors.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<String>,
}

/// Reads, overrides and validates a scenario file.
pub fn load(path: &Path, sets: &[String]) -> Result<Loaded, ScenarioError> {
    let table = read_tree(path, 0)?;
    validate(table, &path.display().to_string(), sets)
}

/// The scenario file as a TOML tree with `extends` resolved, not yet
/// validated: for callers that validate many variants of one file
/// (sweeps) without reading it again each time.
pub fn load_tree(path: &Path) -> Result<toml::Table, ScenarioError> {
    read_tree(path, 0)
}

/// Overrides and validates a tree from `load_tree`; `file` names it in
/// messages.
pub fn from_tree(table: toml::Table, file: &str, sets: &[String]) -> Result<Loaded, ScenarioError> {
    validate(table, file, sets)
}

/// Parses scenario text; `file` names it in messages. `extends` is
/// resolved relative to the working directory.
pub fn parse(text: &str, file: &str, sets: &[String]) -> Result<Loaded, ScenarioError> {
    let table = parse_tree(text, file)?;
    let table = resolve_extends(table, Path::new(file), 0)?;
    validate(table, file, sets)
}

/// How deep `extends` chains may go (a guard against cycles).
const MAX_EXTENDS_DEPTH: usize = 8;

fn read_tree(path: &Path, depth: usize) -> Result<toml::Table, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| ScenarioError::Read {
        file: file.clone(),
        error,
    })?;
    let table = parse_tree(&text, &file)?;
    resolve_extends(table, path, depth)
}

fn parse_tree(text: &str, file: &str) -> Result<toml::Table, ScenarioError> {
    text.parse().map_err(|e: toml::de::Error| {
        let location = e
            .span()
            .map(|span| {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        ScenarioError::Syntax {
            file: file.to_string(),
            message: format!("{location}{}", e.message()),
        }
    })
}

/// `extends = "base.toml"`: the file is the base scenario with this file's
/// values laid over it (tables merge key by key; any other value replaces
/// the base's). The path is relative to the extending file.
fn resolve_extends(
    mut table: toml::Table,
    path: &Path,
    depth: usize,
) -> Result<toml::Table, ScenarioError> {
    let file = path.display().to_string();
    let Some(base) = table.remove("extends") else {
        return Ok(table);
    };
    let invalid = |message: String| ScenarioError::Invalid {
        file: file.clone(),
        problems: vec![Problem {
            path: "extends".into(),
            message,
        }],
    };
    let toml::Value::String(base) = base else {
        return Err(invalid("expected the path of a scenario file".into()));
    };
    if depth >= MAX_EXTENDS_DEPTH {
        return Err(invalid(format!(
            "scenarios extend each other more than {MAX_EXTENDS_DEPTH} deep (a cycle?)"
        )));
    }
    let base_path = path.parent().unwrap_or(Path::new(".")).join(&base);
    let mut merged = read_tree(&base_path, depth + 1).map_err(|e| match e {
        ScenarioError::Read {
            file: base_file,
            error,
        } => invalid(format!(
            "cannot read the base scenario {base_file}: {error}"
        )),
        other => other,
    })?;
    merge(&mut merged, table);
    Ok(merged)
}

/// Lays `over` on `base`. A distribution (a table with `dist`) replaces
/// the base's whole: its parameters belong to its family.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) if !o.contains_key("dist") => {
                merge(b, o)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn validate(mut table: toml::Table, file: &str, sets: &[String]) -> Result<Loaded, ScenarioError> {
    let mut problems = Vec::new();
    let mut set_paths = Vec::new();
    for assignment in sets {
        match overrides::apply(&mut table, assignment) {
            Ok(path) => set_paths.push(path),
            Err(mut p) => {
                p.message = format!("{} (in --set)", p.message);
                problems.push(p);
            }
        }
    }
    let (scenario, warnings, mut found) = Scenario::from_toml(&table);
    for p in &mut found {
        if set_paths
            .iter()
            .any(|s| p.path == *s || p.path.starts_with(&format!("{s}.")))
        {
            p.message = format!("{} (from --set)", p.message);
        }
    }
    problems.extend(found);
    if problems.is_empty() {
        Ok(Loaded { scenario, warnings })
    } else {
        Err(ScenarioError::Invalid {
            file: file.to_string(),
            problems,
        })
    }
}

const fn minutes(m: u64) -> f64 {
    (m * MS_PER_MINUTE) as f64
}
const fn hours(h: u64) -> f64 {
    (h * MS_PER_HOUR) as f64
}
const fn days(d: u64) -> f64 {
    (d * MS_PER_DAY) as f64
}

/// The documented defaults, in one place (the README and `entraide init`
/// repeat them; tests check that the template is a valid scenario).
pub mod defaults {
    use super::*;
    pub const HORIZON: SimDuration = SimDuration(365 * MS_PER_DAY);
    pub const TARGETS: [SimDuration; 3] = [
        SimDuration(MS_PER_HOUR),
        SimDuration(4 * MS_PER_HOUR),
        SimDuration(24 * MS_PER_HOUR),
    ];
    pub const MAX_OPEN_QUESTIONS: u64 = 1_000_000;
    pub const PATIENCE: DistSpec = DistSpec::Exponential { mean: hours(4) };
    pub const CONVERSION_DELAY: DistSpec = DistSpec::Exponential { mean: days(30) };
    pub const ACTIVITY: DistSpec = DistSpec::LogNormal { mean: 1.0, sd: 2.0 };
    pub const SESSION: DistSpec = DistSpec::Exponential { mean: hours(1) };
    pub const WRITING_TIME: DistSpec = DistSpec::LogNormal {
        mean: minutes(6),
        sd: minutes(4),
    };
    pub const LEVEL_THRESHOLDS: [u32; 15] = [
        1, 3, 10, 25, 50, 100, 200, 350, 500, 750, 1000, 2000, 3500, 5000, 10000,
    ];
    pub const ENGAGEMENT_INITIAL: DistSpec = DistSpec::Uniform { min: 0.5, max: 0.9 };
    pub const ENGAGEMENT_NEWCOMER: DistSpec = DistSpec::Constant { value: 0.5 };
    pub const ANSWER_TIME: DistSpec = DistSpec::LogNormal {
        mean: minutes(12),
        sd: minutes(8),
    };
    pub const CONFIRM_TIME: DistSpec = DistSpec::LogNormal {
        mean: minutes(2),
        sd: minutes(1),
    };
    pub const ESCALATION_TIME: DistSpec = DistSpec::LogNormal {
        mean: minutes(20),
        sd: minutes(10),
    };
    pub const BACK_OFFICE_TIME: DistSpec = DistSpec::LogNormal {
        mean: days(2),
        sd: days(1),
    };
    pub const SHIFT: &str = "mon-fri 09:00-18:00";
}

fn positive_profile(x: f64) -> Result<(), String> {
    at_least(0.0)(x)
}

/// Normalises weights to mean 1; all-zero stays all-zero (no demand then).
fn normalise(weights: Vec<f64>) -> Vec<f64> {
    let mean = weights.iter().sum::<f64>() / weights.len().max(1) as f64;
    if mean > 0.0 {
        weights.into_iter().map(|w| w / mean).collect()
    } else {
        weights
    }
}

impl Scenario {
    /// Reads a TOML tree into a scenario. Returns the scenario (with
    /// defaults where a field was wrong), the warnings, and every problem;
    /// the scenario is valid only if there are no problems.
    pub fn from_toml(table: &toml::Table) -> (Scenario, Vec<String>, Vec<Problem>) {
        let mut root = Section::root(table);
        let mut warnings = Vec::new();
        let name = root.string("name", "unnamed scenario");
        root.string("description", "");

        let simulation = root.section("simulation", |s| {
            let horizon = s.duration("horizon", defaults::HORIZON);
            let warmup = s.duration("warmup", SimDuration::ZERO);
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
            let seed = s.integer("seed", 1, 0, i64::MAX as u64);
            let mut response_targets = s.durations("response_targets", &defaults::TARGETS);
            response_targets.sort();
            response_targets.dedup();
            let max_open_questions = s.integer(
                "max_open_questions",
                defaults::MAX_OPEN_QUESTIONS,
                1,
                100_000_000,
            );
            Simulation {
                horizon,
                warmup,
                seed,
                response_targets,
                max_open_questions,
            }
        });

        let demand = root.section("demand", |d| {
            let questions_per_day = d.required_number("questions_per_day", at_least(0.0));
            let hourly_profile =
                normalise(d.numbers("hourly_profile", &[1.0; 24], Some(24), positive_profile));
            let weekly_profile =
                normalise(d.numbers("weekly_profile", &[1.0; 7], Some(7), positive_profile));
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
                        account_probability: t.probability("account_probability", 0.0),
                        expert_coverage: t.probability("expert_coverage", 0.5),
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
                    format!("expected the topic shares to sum to 1, found {total}"),
                );
            }
            Demand {
                questions_per_day,
                hourly_profile,
                weekly_profile,
                topics,
            }
        });

        let deflection = root.section("deflection", |d| Deflection {
            max_share: d.number("max_share", 0.0, |x| {
                if (0.0..1.0).contains(&x) {
                    Ok(())
                } else {
                    Err("a share from 0 (no deflection) up to but not including 1".into())
                }
            }),
            half_saturation: d.number("half_saturation", 1000.0, greater_than(0.0)),
            half_life: {
                let h = d.duration("half_life", SimDuration::from_days(180));
                if h.as_millis() == 0 {
                    d.problem("half_life", "expected a duration > 0");
                }
                h
            },
            initial_knowledge: d.non_negative("initial_knowledge", 0.0),
        });

        let customers = root.section("customers", |c| Customers {
            patience: c.dist("patience", defaults::PATIENCE, Unit::Duration).1,
            max_chases: c.integer("max_chases", 2, 0, 100) as u32,
            complain_probability: c.probability("complain_probability", 0.3),
            accept_probability: c.probability("accept_probability", 0.5),
            become_expert_probability: c.probability("become_expert_probability", 0.0),
            conversion_delay: c
                .dist(
                    "conversion_delay",
                    defaults::CONVERSION_DELAY,
                    Unit::Duration,
                )
                .1,
        });

        let experts = root.section("experts", |e| {
            let initial = e.integer("initial", 0, 0, 1_000_000) as u32;
            let activity = e.dist("activity", defaults::ACTIVITY, Unit::Number).1;
            let max_activity_hours = e.number("max_activity_hours", 16.0, |x| {
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
            let presence_hourly =
                normalise(e.numbers("presence_hourly", &[1.0; 24], Some(24), positive_profile));
            let presence_weekly =
                normalise(e.numbers("presence_weekly", &[1.0; 7], Some(7), positive_profile));
            let writing_time = e
                .dist("writing_time", defaults::WRITING_TIME, Unit::Duration)
                .1;
            let correct_probability = e.probability("correct_probability", 0.9);
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
                    leave_below: g.probability("leave_below", 0.2),
                    daily_decay: weight(g, "daily_decay", 0.001),
                    accepted: weight(g, "accepted", 0.01),
                    confirmed: weight(g, "confirmed", 0.02),
                    promoted: weight(g, "promoted", 0.05),
                    preempted: weight(g, "preempted", 0.02),
                    fair_chance: g.duration("fair_chance", SimDuration(2 * MS_PER_HOUR)),
                    overload_ratio: g.number("overload_ratio", 5.0, greater_than(0.0)),
                    overloaded: weight(g, "overloaded", 0.001),
                    chased: weight(g, "chased", 0.002),
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
        });

        let topic_names: Vec<String> = demand.topics.iter().map(|t| t.name.clone()).collect();
        let staff = root.section("staff", |s| {
            let teams = s
                .named_sections("teams", |name, t| read_team(name, t, &topic_names))
                .into_iter()
                .map(|(_, team)| team)
                .collect::<Vec<Team>>();
            if teams.len() > MAX_TEAMS {
                s.problem("teams", format!("expected at most {MAX_TEAMS} teams"));
            }
            Staff { teams }
        });
        for (id, topic) in demand.topics.iter().enumerate() {
            let covered = staff
                .teams
                .iter()
                .any(|team| team.count > 0 && team.topics.contains(&id));
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

        let back_office = root.section("back_office", |b| BackOffice {
            resolution_time: b
                .dist(
                    "resolution_time",
                    defaults::BACK_OFFICE_TIME,
                    Unit::Duration,
                )
                .1,
        });

        let policy = root.section("policy", |p| Policy {
            intervention_delay: p.duration("intervention_delay", SimDuration(3 * MS_PER_HOUR)),
            account_delay: p.duration("account_delay", SimDuration::ZERO),
            confirm_expert_answers: p.boolean("confirm_expert_answers", true),
            confirm_within: p.duration("confirm_within", SimDuration::from_days(7)),
            priority: match p
                .choice(
                    "priority",
                    "oldest",
                    &["oldest", "chased_first", "account_first"],
                )
                .as_str()
            {
                "chased_first" => Priority::ChasedFirst,
                "account_first" => Priority::AccountFirst,
                _ => Priority::Oldest,
            },
        });

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
            },
            warnings,
            problems,
        )
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

fn read_team(name: &str, t: &mut Section, topic_names: &[String]) -> Team {
    let count = t.integer("count", 0, 0, 100_000) as u32;
    let all: Vec<&str> = topic_names.iter().map(|s| s.as_str()).collect();
    let topic_list = t.strings("topics", &all);
    let mut topics = Vec::new();
    for (i, topic) in topic_list.iter().enumerate() {
        match topic_names.iter().position(|n| n == topic) {
            Some(id) if !topics.contains(&id) => topics.push(id),
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
            format!("expected the shift shares of team `{name}` to sum to 1, found {total}"),
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
        share: 1.0,
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
                    let share = s.number("share", 1.0, greater_than(0.0));
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
