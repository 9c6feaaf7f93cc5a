//! Targets as a manager says them: `'answered_within(4h) >= 90%'`,
//! `'first_response.p90 <= 4h'`, `'experts.retention_365d >= 0.6'`,
//! `'overtime_per_person_week <= 2h'`, `'exited <= 3%'`. Parsed in two
//! stages: the text into a `Target` (a known measure, a direction, a value
//! of the measure's kind, a tolerance), checked against the other targets
//! for contradictions. Past `parse_all` no invalid target exists.
//!
//! Every target is a bound on the *expected value* of one number a run
//! produces, read from its `Summary`: the guarantee `plan` gives is about
//! those expectations, estimated over replications. A quantile target is
//! read as the tail probability it means (`first_response.p90 <= 4h` is
//! `answered_within(4h) >= 90%`), because a mean of per-run shares is an
//! unbiased estimate and a mean of per-run quantiles is not.

use crate::metrics::summary::{Shares, Summary};
use crate::scenario::Scenario;
use crate::time::{MS_PER_HOUR, SimDuration, parse_duration};
use serde::Serialize;
use std::fmt;

/// What kind of number a measure is, which says how its value is written
/// and its default indifference tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A share in [0, 1], written `90%` or `0.9`.
    Share,
    /// A time, written `4h`, `20s`; held in hours.
    Duration,
    /// A plain number (a backlog).
    Number,
}

/// The number of one run a target bounds.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// `answered_within(T)`: the share of questions posted (after the
    /// warm-up) with a first response within T; those never answered
    /// count against it (summary `first_response.within`).
    AnsweredWithin(SimDuration),
    /// `picked_up_within(T)`: the share of waits that ended with someone
    /// taking the question within T (summary `waiting.within`): the
    /// contact-centre service level.
    PickedUpWithin(SimDuration),
    /// `resolved_within(T)` (summary `resolution.within`).
    ResolvedWithin(SimDuration),
    /// A summary field, by its `summary.json` path.
    Field(&'static Field),
    /// `waiting.p_wait` of the questions posted in one hour of the day
    /// (0 to 23; summary `waiting.p_wait_by_hour`): one of the 24 targets
    /// `every_hour(waiting.p_wait)` stands for.
    WaitedInHour(u8),
}

/// A measure read straight from a summary field.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub what: &'static str,
    read: fn(&Summary) -> Option<f64>,
}

/// Fields are told apart by name (their readers are functions).
impl PartialEq for Field {
    fn eq(&self, other: &Field) -> bool {
        self.name == other.name
    }
}

fn share_of_posted(count: u64, s: &Summary) -> Option<f64> {
    (s.questions.posted > 0).then(|| count as f64 / s.questions.posted as f64)
}

/// The measures `plan` reads from a summary, by name.
pub static FIELDS: &[Field] = &[
    Field {
        name: "first_response.mean",
        kind: Kind::Duration,
        what: "mean time to the first response, of the questions answered",
        read: |s| s.first_response.mean_hours,
    },
    Field {
        name: "resolution.mean",
        kind: Kind::Duration,
        what: "mean time to resolution, of the questions resolved",
        read: |s| s.resolution.mean_hours,
    },
    Field {
        name: "waiting.p_wait",
        kind: Kind::Share,
        what: "share of questions not taken at once",
        read: |s| s.waiting.p_wait,
    },
    Field {
        name: "waiting.p_abandon",
        kind: Kind::Share,
        what: "share of waits that ended with the customer giving up",
        read: |s| s.waiting.p_abandon,
    },
    Field {
        name: "waiting.mean",
        kind: Kind::Duration,
        what: "mean wait until picked up or given up",
        read: |s| s.waiting.mean_hours,
    },
    Field {
        name: "answers.expert_share",
        kind: Kind::Share,
        what: "share of first answers written by experts",
        read: |s| s.answers.expert_share,
    },
    Field {
        name: "experts.retention_30d",
        kind: Kind::Share,
        what: "share of experts still active 30 days after joining",
        read: |s| s.experts.retention_30d,
    },
    Field {
        name: "experts.retention_90d",
        kind: Kind::Share,
        what: "share of experts still active 90 days after joining",
        read: |s| s.experts.retention_90d,
    },
    Field {
        name: "experts.retention_180d",
        kind: Kind::Share,
        what: "share of experts still active 180 days after joining",
        read: |s| s.experts.retention_180d,
    },
    Field {
        name: "experts.retention_365d",
        kind: Kind::Share,
        what: "share of experts still active 365 days after joining",
        read: |s| s.experts.retention_365d,
    },
    Field {
        name: "exited",
        kind: Kind::Share,
        what: "share of questions whose asker left silently",
        read: |s| share_of_posted(s.questions.exited, s),
    },
    Field {
        name: "complained",
        kind: Kind::Share,
        what: "share of questions whose asker complained publicly",
        read: |s| share_of_posted(s.questions.complained, s),
    },
    Field {
        name: "backlog.mean",
        kind: Kind::Number,
        what: "mean number of open questions",
        read: |s| Some(s.backlog.mean),
    },
    Field {
        name: "backlog.p90",
        kind: Kind::Number,
        what: "90th percentile of the hourly open questions",
        read: |s| s.backlog.p90.map(|x| x as f64),
    },
    Field {
        name: "staff.utilisation",
        kind: Kind::Share,
        what: "share of staff hours on shift spent on tasks",
        read: |s| s.staff.utilisation,
    },
    Field {
        name: "overtime_per_person_week",
        kind: Kind::Duration,
        what: "hours past shift end per staff member per measured week",
        read: |s| {
            let people: u64 = s.staff.teams.values().map(|t| t.count).sum();
            let weeks = s.scenario.measured_days / 7.0;
            (people > 0 && weeks > 0.0).then(|| s.staff.overtime_hours / people as f64 / weeks)
        },
    },
];

/// The measures that take a time, `name(T)`.
const TIMED: &[(&str, &str)] = &[
    (
        "answered_within",
        "share of questions with a first response within T",
    ),
    (
        "picked_up_within",
        "share of waits ended by someone taking the question within T",
    ),
    ("resolved_within", "share of questions resolved within T"),
];

/// Quantiles that read as tail probabilities: `first_response.p90 <= 4h`.
const QUANTILES: &[(&str, f64)] = &[("median", 0.5), ("p50", 0.5), ("p90", 0.9), ("p99", 0.99)];

impl Measure {
    pub fn kind(&self) -> Kind {
        match self {
            Measure::Field(f) => f.kind,
            _ => Kind::Share,
        }
    }

    /// The time this measure needs among the scenario's response targets.
    pub fn response_target(&self) -> Option<SimDuration> {
        match self {
            Measure::AnsweredWithin(t)
            | Measure::PickedUpWithin(t)
            | Measure::ResolvedWithin(t) => Some(*t),
            Measure::Field(_) | Measure::WaitedInHour(_) => None,
        }
    }

    /// Its value in one run; `None` where the run has none (a retention
    /// beyond the horizon, a share of nothing).
    pub fn value(&self, s: &Summary) -> Option<f64> {
        let within = |shares: &Shares, t: &SimDuration| shares.get(&t.hours_label());
        match self {
            Measure::AnsweredWithin(t) => within(&s.first_response.within, t),
            Measure::PickedUpWithin(t) => within(&s.waiting.within, t),
            Measure::ResolvedWithin(t) => within(&s.resolution.within, t),
            Measure::Field(f) => (f.read)(s),
            // An hour nobody asked in has nobody waiting: the bound holds
            // there (if the run settled any wait at all).
            Measure::WaitedInHour(h) => (s.waiting.settled > 0)
                .then(|| s.waiting.p_wait_by_hour.get(*h as usize).copied().flatten())
                .map(|p| p.unwrap_or(0.0)),
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::AnsweredWithin(t) => write!(f, "answered_within({t})"),
            Measure::PickedUpWithin(t) => write!(f, "picked_up_within({t})"),
            Measure::ResolvedWithin(t) => write!(f, "resolved_within({t})"),
            Measure::Field(field) => write!(f, "{}", field.name),
            Measure::WaitedInHour(h) => {
                write!(f, "waiting.p_wait in {h:02}:00-{:02}:00", h + 1)
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    AtLeast,
    AtMost,
}

impl Direction {
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::AtLeast => ">=",
            Direction::AtMost => "<=",
        }
    }

    /// +1 when more is better, −1 when less is.
    pub fn sign(self) -> f64 {
        match self {
            Direction::AtLeast => 1.0,
            Direction::AtMost => -1.0,
        }
    }
}

/// One target, valid: `measure direction threshold`, with an indifference
/// tolerance (in the measure's unit: a share, hours, a number). A plan
/// whose expected value misses the threshold by less than the tolerance
/// may be called either way; beyond it, the call is right with the stated
/// probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// As the user wrote it.
    pub text: String,
    pub measure: Measure,
    pub direction: Direction,
    pub threshold: f64,
    pub tolerance: f64,
}

impl Target {
    /// The target in canonical form, e.g. `answered_within(4h) >= 0.9 ± 0.01`.
    pub fn canonical(&self) -> String {
        let kind = self.measure.kind();
        format!(
            "{} {} {} ± {}",
            self.measure,
            self.direction.symbol(),
            show(kind, self.threshold),
            show(kind, self.tolerance)
        )
    }

    /// How far the value `x` is on the right side of the threshold (> 0
    /// met, < 0 missed), in the measure's unit.
    pub fn margin(&self, x: f64) -> f64 {
        self.direction.sign() * (x - self.threshold)
    }
}

/// A value for people: a share as a percentage, a time in hours.
pub fn show(kind: Kind, x: f64) -> String {
    match kind {
        Kind::Share => format!("{}%", round_sig(x * 100.0)),
        Kind::Duration => format!("{}h", round_sig(x)),
        Kind::Number => format!("{}", round_sig(x)),
    }
}

fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 6 - x.abs().log10().ceil() as i32;
    let scale = 10f64.powi(digits.clamp(0, 12));
    (x * scale).round() / scale
}

/// The default indifference tolerance of a threshold of this kind: one
/// percentage point for a share, 5 % of the threshold for a time or a
/// number (at least a minute, or 0.5).
fn default_tolerance(kind: Kind, threshold: f64) -> f64 {
    match kind {
        Kind::Share => 0.01,
        Kind::Duration => (0.05 * threshold).max(1.0 / 60.0),
        Kind::Number => (0.05 * threshold).max(0.5),
    }
}

/// Parses every `--target`, then checks them against each other.
pub fn parse_all(texts: &[String]) -> Result<Vec<Target>, String> {
    if texts.is_empty() {
        return Err(format!(
            "expected at least one --target, e.g. --target 'answered_within(4h) >= 90%'; the measures:\n{}",
            measure_list()
        ));
    }
    let mut targets = Vec::new();
    for text in texts {
        targets.extend(parse_expanding(text)?);
    }
    check_contradictions(&targets)?;
    Ok(targets)
}

/// The measures `every_hour(...)` takes.
const HOURLY: &[&str] = &["waiting.p_wait"];

/// One `--target`: one target, or, for `every_hour(MEASURE) <= VALUE`,
/// one per hour of the day (the bound must hold in every hour: a plan
/// time-stable through the day, which the iterative start aims at).
fn parse_expanding(text: &str) -> Result<Vec<Target>, String> {
    let Some(rest) = text.trim_start().strip_prefix("every_hour(") else {
        return Ok(vec![parse(text)?]);
    };
    let at = |e: String| format!("--target {text:?}: {e}");
    let Some((inner, comparison)) = rest.split_once(')') else {
        return Err(at("expected `)` to close every_hour(".into()));
    };
    let inner = inner.trim();
    if !HOURLY.contains(&inner) {
        return Err(at(format!(
            "every_hour(...) takes {}, not `{inner}`",
            HOURLY.join(", ")
        )));
    }
    let whole = parse(&format!("{inner} {comparison}")).map_err(|e| {
        // Name the target as written, not the inner one built here.
        at(e.split_once(": ")
            .map_or(e.clone(), |(_, why)| why.to_string()))
    })?;
    if whole.direction != Direction::AtMost {
        return Err(at(format!(
            "every_hour({inner}) takes an upper bound, <= (a floor on waiting is not a service target)"
        )));
    }
    Ok((0..24u8)
        .map(|h| Target {
            text: format!("{text} [{h:02}h]"),
            measure: Measure::WaitedInHour(h),
            ..whole.clone()
        })
        .collect())
}

/// Every measure name with what it means, one per line (for messages and
/// `plan --help`'s docs).
pub fn measure_list() -> String {
    let mut lines: Vec<String> = TIMED
        .iter()
        .map(|(name, what)| format!("  {name}(T): {what}"))
        .collect();
    for (name, what) in [
        ("first_response", "answered_within"),
        ("resolution", "resolved_within"),
    ] {
        lines.push(format!(
            "  {name}.median|p50|p90|p99 <= T: read as {what}(T) >= 50|90|99%"
        ));
    }
    lines.extend(FIELDS.iter().map(|f| format!("  {}: {}", f.name, f.what)));
    lines.push(format!(
        "  every_hour(M) with M one of {}: the bound holds in each hour of the day (24 targets)",
        HOURLY.join(", ")
    ));
    lines.join("\n")
}

/// Parses one target.
pub fn parse(text: &str) -> Result<Target, String> {
    let at = |e: String| format!("--target {text:?}: {e}");
    let normalised = text
        .replace('≥', ">=")
        .replace('≤', "<=")
        .replace('±', "+-");
    let (left, direction, right) = split_comparison(&normalised).map_err(at)?;
    let (value_text, tolerance_text) = match right.split_once("+-") {
        Some((v, t)) => (v.trim(), Some(t.trim())),
        None => (right.trim(), None),
    };
    let (measure, direction, threshold) =
        parse_measure(left.trim(), direction, value_text).map_err(at)?;
    let kind = measure.kind();
    let tolerance = match tolerance_text {
        Some(t) => {
            let tol = parse_value(kind, t).map_err(|e| at(format!("the tolerance: {e}")))?;
            if tol <= 0.0 {
                return Err(at(format!(
                    "the tolerance after +- must be above 0 (got {t})"
                )));
            }
            tol
        }
        None => default_tolerance(kind, threshold),
    };
    Ok(Target {
        text: text.to_string(),
        measure,
        direction,
        threshold,
        tolerance,
    })
}

fn split_comparison(text: &str) -> Result<(&str, Direction, &str), String> {
    for (symbol, direction) in [(">=", Direction::AtLeast), ("<=", Direction::AtMost)] {
        if let Some((l, r)) = text.split_once(symbol) {
            return Ok((l, direction, r));
        }
    }
    if text.contains(['<', '>', '=']) {
        return Err(
            "expected >= or <= between the measure and the value (a target is a bound, so > and = are not used)"
                .into(),
        );
    }
    Err("expected MEASURE >= VALUE or MEASURE <= VALUE, e.g. 'answered_within(4h) >= 90%'".into())
}

fn parse_measure(
    name: &str,
    direction: Direction,
    value: &str,
) -> Result<(Measure, Direction, f64), String> {
    if let Some((head, rest)) = name.split_once('(') {
        let head = head.trim();
        let Some(inner) = rest.trim().strip_suffix(')') else {
            return Err(format!("expected `)` to close {head}("));
        };
        let t = parse_duration(inner.trim()).map_err(|e| format!("{head}(...): {e}"))?;
        if t.as_millis() == 0 {
            return Err(format!("{head}(0s): expected a time above 0"));
        }
        let measure = match head {
            "answered_within" => Measure::AnsweredWithin(t),
            "picked_up_within" => Measure::PickedUpWithin(t),
            "resolved_within" => Measure::ResolvedWithin(t),
            _ => return Err(unknown(head)),
        };
        let threshold = parse_value(Kind::Share, value)?;
        return Ok((measure, direction, threshold));
    }
    if let Some((family, q)) = name.split_once('.')
        && let Some(&(_, p)) = QUANTILES.iter().find(|(n, _)| *n == q)
        && (family == "first_response" || family == "resolution")
    {
        // pXX <= T  ⇔  P(time <= T) >= XX %; pXX >= T  ⇔  P(time <= T) <= XX %.
        let t = parse_duration(value).map_err(|e| format!("{name} is a time: {e}"))?;
        if t.as_millis() == 0 {
            return Err(format!(
                "{name} {} 0s: expected a time above 0",
                direction.symbol()
            ));
        }
        let measure = if family == "first_response" {
            Measure::AnsweredWithin(t)
        } else {
            Measure::ResolvedWithin(t)
        };
        let flipped = match direction {
            Direction::AtMost => Direction::AtLeast,
            Direction::AtLeast => Direction::AtMost,
        };
        return Ok((measure, flipped, p));
    }
    let Some(field) = FIELDS.iter().find(|f| f.name == name) else {
        return Err(unknown(name));
    };
    let threshold = parse_value(field.kind, value)?;
    Ok((Measure::Field(field), direction, threshold))
}

fn unknown(name: &str) -> String {
    format!(
        "unknown measure `{name}`; expected one of:\n{}",
        measure_list()
    )
}

/// A value of this kind, in the measure's unit (a share in [0, 1], hours).
fn parse_value(kind: Kind, text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("expected a value after the comparison".into());
    }
    match kind {
        Kind::Share => {
            let (number, scale) = match text.strip_suffix('%') {
                Some(n) => (n.trim(), 0.01),
                None => (text, 1.0),
            };
            let x: f64 = number
                .parse()
                .map_err(|_| format!("expected a share such as 90% or 0.9, found `{text}`"))?;
            let share = x * scale;
            if !(0.0..=1.0).contains(&share) {
                return Err(format!(
                    "`{text}` is not a possible share: expected 0% to 100% (or 0 to 1)"
                ));
            }
            Ok(share)
        }
        Kind::Duration => {
            let d = parse_duration(text)
                .map_err(|e| format!("expected a time such as 4h or 30m: {e}"))?;
            Ok(d.as_millis() as f64 / MS_PER_HOUR as f64)
        }
        Kind::Number => {
            let x: f64 = text
                .parse()
                .map_err(|_| format!("expected a number, found `{text}`"))?;
            if !x.is_finite() || x < 0.0 {
                return Err(format!(
                    "`{text}` is not a possible value: expected a number >= 0"
                ));
            }
            Ok(x)
        }
    }
}

/// Two targets on one measure whose bounds leave nothing between them
/// (`exited <= 1%` with `exited >= 2%`) can never both hold.
fn check_contradictions(targets: &[Target]) -> Result<(), String> {
    for (i, a) in targets.iter().enumerate() {
        for b in &targets[i + 1..] {
            if a.measure != b.measure || a.direction == b.direction {
                continue;
            }
            let (low, high) = match a.direction {
                Direction::AtLeast => (a, b),
                Direction::AtMost => (b, a),
            };
            if low.threshold > high.threshold {
                return Err(format!(
                    "--target {:?} and --target {:?} contradict each other: {} cannot be both >= {} and <= {}",
                    low.text,
                    high.text,
                    low.measure,
                    show(low.measure.kind(), low.threshold),
                    show(high.measure.kind(), high.threshold),
                ));
            }
        }
    }
    Ok(())
}

/// Adds the times the targets need to the scenario's response targets, so
/// that the runs measure them.
pub fn add_response_targets(scenario: &mut Scenario, targets: &[Target]) {
    let times = &mut scenario.simulation.response_targets;
    times.extend(targets.iter().filter_map(|t| t.measure.response_target()));
    times.sort();
    times.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Target {
        parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_share_target_reads_percent_and_fraction_alike() {
        let a = one("answered_within(4h) >= 90%");
        let b = one("answered_within(240m)>=0.9");
        assert_eq!(a.measure, b.measure);
        assert_eq!((a.threshold, a.tolerance), (0.9, 0.01));
        assert!((b.threshold - 0.9).abs() < 1e-15);
        assert_eq!(a.direction, Direction::AtLeast);
    }

    #[test]
    fn a_quantile_target_is_its_tail_probability() {
        let q = one("first_response.p90 <= 4h");
        assert_eq!(
            q.measure,
            Measure::AnsweredWithin(SimDuration::from_hours(4.0))
        );
        assert_eq!((q.direction, q.threshold), (Direction::AtLeast, 0.9));
        let r = one("resolution.median >= 2h");
        assert_eq!(
            r.measure,
            Measure::ResolvedWithin(SimDuration::from_hours(2.0))
        );
        assert_eq!((r.direction, r.threshold), (Direction::AtMost, 0.5));
    }

    #[test]
    fn fields_durations_and_tolerances_parse() {
        let o = one("overtime_per_person_week <= 2h");
        assert_eq!(o.measure.kind(), Kind::Duration);
        assert_eq!(o.threshold, 2.0);
        assert!((o.tolerance - 0.1).abs() < 1e-12);
        let e = one("exited <= 3% ± 0.5%");
        assert_eq!((e.threshold, e.tolerance), (0.03, 0.005));
        let r = one("experts.retention_365d ≥ 0.6 +- 0.02");
        assert_eq!((r.threshold, r.tolerance), (0.6, 0.02));
        assert_eq!(one("backlog.mean <= 40").threshold, 40.0);
    }

    #[test]
    fn bad_targets_say_what_was_expected() {
        for (text, says) in [
            (
                "answered_wihtin(4h) >= 90%",
                "unknown measure `answered_wihtin`",
            ),
            ("speed >= 3", "unknown measure `speed`"),
            ("answered_within(4h) >= 120%", "not a possible share"),
            ("answered_within(4h) > 90%", "expected >= or <="),
            ("answered_within(4h) 90%", "expected MEASURE >= VALUE"),
            ("answered_within(4x) >= 90%", "answered_within(...)"),
            ("answered_within(4h >= 90%", "expected `)`"),
            ("first_response.p90 <= 90%", "is a time"),
            ("overtime_per_person_week <= 2", "expected a time"),
            ("backlog.mean <= -1", "not a possible value"),
            ("exited <= 3% +- 0%", "must be above 0"),
            ("answered_within(0s) >= 50%", "above 0"),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.contains(says), "{text}: {e}");
            assert!(
                e.contains(text),
                "{text}: the message names the target: {e}"
            );
        }
    }

    #[test]
    fn an_every_hour_target_is_one_per_hour_of_the_day() {
        let all = parse_all(&["every_hour(waiting.p_wait) <= 20% +- 3%".to_string()]).unwrap();
        assert_eq!(all.len(), 24);
        for (h, t) in all.iter().enumerate() {
            assert_eq!(t.measure, Measure::WaitedInHour(h as u8));
            assert_eq!((t.threshold, t.tolerance), (0.2, 0.03));
            assert_eq!(t.direction, Direction::AtMost);
        }
        assert_eq!(all[5].measure.to_string(), "waiting.p_wait in 05:00-06:00");
        for (text, says) in [
            ("every_hour(exited) <= 3%", "takes waiting.p_wait"),
            ("every_hour(waiting.p_wait <= 3%", "expected `)`"),
            ("every_hour(waiting.p_wait) <= 300%", "not a possible share"),
            ("every_hour(waiting.p_wait) >= 10%", "takes an upper bound"),
        ] {
            let e = parse_all(&[text.to_string()]).expect_err(text);
            assert!(e.contains(says) && e.contains(text), "{text}: {e}");
        }
    }

    #[test]
    fn contradictory_targets_are_refused() {
        let texts = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = parse_all(&texts(&["exited <= 1%", "exited >= 2%"])).unwrap_err();
        assert!(e.contains("contradict"), "{e}");
        // The same constraint written two ways counts as one measure.
        let e = parse_all(&texts(&[
            "first_response.p90 <= 4h",
            "answered_within(4h) <= 80%",
        ]))
        .unwrap_err();
        assert!(e.contains("contradict"), "{e}");
        assert!(parse_all(&texts(&["exited <= 3%", "exited >= 1%"])).is_ok());
        assert!(
            parse_all(&[])
                .unwrap_err()
                .contains("at least one --target")
        );
    }
}
