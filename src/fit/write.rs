//! What `fit --out DIR` writes: `fit.json` (every estimate with its
//! interval, keyed by its scenario path, and what the log cannot identify)
//! and `scenario.toml`, the base scenario with the fitted values set, each
//! with its interval and sample size in a comment, so that it runs as is;
//! and, when the fitted scenario was checked, `report.html` and the
//! comparison under `check` in `fit.json`.

use super::Fit;
use super::check::Check;
use super::estimate::{Estimate, Num, Unit};
use crate::output::atomic::AtomicFile;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use toml::{Table, Value};

/// Writes `fit.json` and `scenario.toml` into `dir`, each atomically.
pub fn write_outputs(
    fit: &Fit,
    scenario: &str,
    check: Option<(&Check, &str)>,
    state: Option<&crate::state::ForumState>,
    dir: &Path,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut document = FitJson::of(fit);
    document.check = check.map(|c| c.0);
    let json = serde_json::to_string_pretty(&document).map_err(std::io::Error::other)?;
    let mut files = vec![
        ("fit.json", json + "\n"),
        ("scenario.toml", scenario.to_string()),
    ];
    if let Some((_, report)) = check {
        files.push(("report.html", report.to_string()));
    }
    if let Some(state) = state {
        let text = serde_json::to_string_pretty(state).map_err(std::io::Error::other)?;
        files.push(("state.json", text + "\n"));
    }
    for (name, text) in files {
        let mut file = AtomicFile::create(&dir.join(name))?;
        file.write_all(text.as_bytes())?;
        file.commit()?;
    }
    Ok(())
}

#[derive(Serialize)]
struct FitJson<'a> {
    source: &'a str,
    posts: usize,
    threads: usize,
    days: f64,
    skipped_rows: u64,
    skipped_examples: &'a [String],
    kinds_given: bool,
    estimates: BTreeMap<&'a str, &'a Estimate>,
    not_identified: BTreeMap<&'a str, &'a str>,
    teams: Vec<TeamJson<'a>>,
    /// The fitted scenario's replications against the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<&'a Check>,
}

#[derive(Serialize)]
struct TeamJson<'a> {
    name: &'a str,
    count: u32,
    topics: &'a [String],
    shifts: Vec<ShiftJson<'a>>,
}

#[derive(Serialize)]
struct ShiftJson<'a> {
    share: f64,
    hours: &'a [String],
}

impl<'a> FitJson<'a> {
    fn of(fit: &'a Fit) -> FitJson<'a> {
        FitJson {
            source: &fit.source,
            posts: fit.posts,
            threads: fit.threads,
            days: fit.days,
            skipped_rows: fit.skipped,
            skipped_examples: &fit.skipped_examples,
            kinds_given: fit.kinds_given,
            estimates: fit.estimates.iter().map(|e| (e.path.as_str(), e)).collect(),
            not_identified: fit
                .not_identified
                .iter()
                .map(|n| (n.path.as_str(), n.reason.as_str()))
                .collect(),
            teams: fit
                .teams
                .iter()
                .map(|t| TeamJson {
                    name: &t.name,
                    count: t.count,
                    topics: &t.topics,
                    shifts: t
                        .shifts
                        .iter()
                        .map(|(share, hours)| ShiftJson {
                            share: *share,
                            hours,
                        })
                        .collect(),
                })
                .collect(),
            check: None,
        }
    }
}

/// The fitted scenario as TOML text: the base tree with every fitted value
/// set, a header naming the log and what was kept, and each fitted value's
/// interval and sample size beside it.
pub fn scenario_text(fit: &Fit, base: &Table, base_name: &str) -> String {
    let mut tree = base.clone();
    tree.remove("extends");
    let mut comments: BTreeMap<String, String> = BTreeMap::new();
    let set = |tree: &mut Table,
               comments: &mut BTreeMap<String, String>,
               path: &str,
               value: Value,
               note: String| {
        set_path(tree, path, value);
        comments.insert(path.to_string(), note);
    };
    tree.insert(
        "name".into(),
        Value::String(format!("fitted-{}", file_stem(&fit.source))),
    );
    tree.insert(
        "description".into(),
        Value::String(format!(
            "Fitted by entraide fit from {} ({} threads over {:.0} days)",
            fit.source, fit.threads, fit.days
        )),
    );
    // Topics first: the fitted demand replaces the base's sections.
    if !fit.topics.is_empty() {
        let base_topics = base
            .get("demand")
            .and_then(|d| d.get("topics"))
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        let average = |key: &str, default: f64| -> f64 {
            let (mut sum, mut weight) = (0.0, 0.0);
            for t in base_topics.values() {
                let share = t.get("share").and_then(as_f64).unwrap_or(0.0);
                sum += share * t.get(key).and_then(as_f64).unwrap_or(default);
                weight += share;
            }
            if weight > 0.0 { sum / weight } else { default }
        };
        let mut topics = Table::new();
        let shares = shares_summing_to_one(&fit.topics.iter().map(|t| t.share).collect::<Vec<_>>());
        for (t, share) in fit.topics.iter().zip(shares) {
            let same = base_topics.get(&t.name);
            let kept = |key: &str, default: f64| {
                same.and_then(|b| b.get(key))
                    .and_then(as_f64)
                    .unwrap_or_else(|| average(key, default))
            };
            let mut table = Table::new();
            table.insert("share".into(), Value::Float(share));
            table.insert(
                "account_probability".into(),
                Value::Float(round(
                    t.account_probability
                        .unwrap_or_else(|| kept("account_probability", 0.0)),
                )),
            );
            table.insert(
                "expert_coverage".into(),
                Value::Float(round(kept("expert_coverage", 0.5))),
            );
            topics.insert(t.name.clone(), Value::Table(table));
        }
        set_path(&mut tree, "demand.topics", Value::Table(topics));
    }
    for e in fit.estimates.iter().filter(|e| e.sets_scenario) {
        let note = note(e);
        match e.path.as_str() {
            "customers.patience.mean" | "customers.patience.sd" => {
                let (mean, sd) = (
                    fit.get("customers.patience.mean"),
                    fit.get("customers.patience.sd"),
                );
                if let (Some(mean), Some(sd)) = (mean, sd) {
                    let mut table = Table::new();
                    table.insert("dist".into(), Value::String("lognormal".into()));
                    table.insert("mean".into(), hours(mean.value()));
                    table.insert("sd".into(), hours(sd.value()));
                    set_path(&mut tree, "customers.patience", Value::Table(table));
                    comments.insert(e.path.clone(), note);
                }
            }
            "policy.intervention_delay" | "policy.account_delay" => {
                let quarter = (e.value() * 4.0).floor() / 4.0;
                set(
                    &mut tree,
                    &mut comments,
                    &e.path,
                    hours(quarter),
                    format!("{note}; 2nd percentile {}", hours_text(e.value())),
                );
            }
            path if path.ends_with(".count") || e.unit == Unit::Count => {
                if !path.starts_with("staff.teams.") {
                    set(
                        &mut tree,
                        &mut comments,
                        path,
                        Value::Integer(e.value().round() as i64),
                        note,
                    );
                }
            }
            // Set with the topics, rounded so that they sum to 1.
            path if path.starts_with("demand.topics.") && path.ends_with(".share") => {
                comments.insert(path.to_string(), note);
            }
            path => {
                let value = match (&e.value, e.unit) {
                    (Num::Many(xs), _) => Value::Array(
                        xs.iter()
                            .map(|&x| Value::Float(round(x.max(0.0))))
                            .collect(),
                    ),
                    (Num::One(x), Unit::Hours) => hours(*x),
                    (Num::One(x), _) => Value::Float(round(*x)),
                };
                set(&mut tree, &mut comments, path, value, note);
            }
        }
    }
    if let Some(confirmations) = fit.confirmations {
        set(
            &mut tree,
            &mut comments,
            "policy.confirm_expert_answers",
            Value::Boolean(confirmations > 0),
            format!("fitted: confirmation posts in the log, n = {confirmations}"),
        );
    }
    // Teams: as the log shows them, with the base's first team's times.
    if !fit.teams.is_empty() {
        let base_teams = tree
            .get("staff")
            .and_then(|s| s.get("teams"))
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        let times = base_teams
            .values()
            .next()
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        let mut teams = Table::new();
        for team in &fit.teams {
            let mut table = Table::new();
            table.insert("count".into(), Value::Integer(i64::from(team.count)));
            table.insert(
                "topics".into(),
                Value::Array(team.topics.iter().cloned().map(Value::String).collect()),
            );
            let shares = shares_summing_to_one(
                &team
                    .shifts
                    .iter()
                    .map(|(share, _)| *share)
                    .collect::<Vec<_>>(),
            );
            let shifts = team
                .shifts
                .iter()
                .zip(shares)
                .map(|((_, hours), share)| {
                    let mut s = Table::new();
                    s.insert("share".into(), Value::Float(share));
                    s.insert(
                        "hours".into(),
                        Value::Array(hours.iter().cloned().map(Value::String).collect()),
                    );
                    Value::Table(s)
                })
                .collect();
            table.insert("shifts".into(), Value::Array(shifts));
            for key in ["answer_time", "confirm_time", "escalation_time"] {
                if let Some(v) = times.get(key) {
                    table.insert(key.into(), v.clone());
                }
            }
            teams.insert(team.name.clone(), Value::Table(table));
            comments.insert(
                format!("staff.teams.{}.count", team.name),
                format!(
                    "fitted: members who posted in the log's last 28 days, n = {}; shifts from their posting hours",
                    team.count
                ),
            );
        }
        set_path(&mut tree, "staff.teams", Value::Table(teams));
    }
    let body = toml::to_string(&tree).unwrap_or_default();
    let mut out = header(fit, base_name);
    out.push_str(&annotate(&body, &comments));
    out
}

fn header(fit: &Fit, base_name: &str) -> String {
    let mut h = format!(
        "# Fitted by `entraide fit` from {} ({} posts, {} threads over {:.1} days{}).\n",
        fit.source,
        fit.posts,
        fit.threads,
        fit.days,
        if fit.skipped > 0 {
            format!(", {} bad rows skipped", fit.skipped)
        } else {
            String::new()
        }
    );
    h += &format!(
        "# Values marked `fitted` come from the log, with their 95 % interval and sample\n\
         # size; every other value is the base scenario's ({base_name}). fit.json has\n\
         # every estimate and its estimator; docs/fit.md explains each one.\n#\n\
         # Not identified by the log (kept from the base):\n"
    );
    for n in &fit.not_identified {
        h += &format!("#   {}: {}\n", n.path, n.reason);
    }
    h + "\n"
}

fn note(e: &Estimate) -> String {
    let show = |x: f64| match e.unit {
        Unit::Hours => hours_text(x),
        _ => format!("{}", round(x)),
    };
    match e.interval() {
        Some((lo, hi)) => format!("fitted: 95 % CI [{}, {}], n = {}", show(lo), show(hi), e.n),
        None => format!("fitted: n = {}", e.n),
    }
}

/// Appends each fitted key's comment to its line, tracking the section.
fn annotate(body: &str, comments: &BTreeMap<String, String>) -> String {
    let mut section = String::new();
    let mut out = String::new();
    for line in body.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && !trimmed.starts_with("[[") {
            section = trimmed.trim_matches(['[', ']']).replace('"', "");
        }
        out.push_str(line);
        if let Some((key, _)) = trimmed.split_once(" = ") {
            let path = if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            };
            // A distribution written inline: comment it by its own path.
            let note = comments
                .get(&path)
                .or_else(|| comments.get(&format!("{path}.mean")));
            if let Some(note) = note {
                out.push_str("   # ");
                out.push_str(note);
            }
        }
        out.push('\n');
    }
    out
}

fn set_path(tree: &mut Table, path: &str, value: Value) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap_or_default();
    let mut table = tree;
    for part in parts {
        let entry = table
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        if !entry.is_table() {
            *entry = Value::Table(Table::new());
        }
        let Value::Table(inner) = entry else { return };
        table = inner;
    }
    table.insert(last.to_string(), value);
}

fn as_f64(v: &Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// Shares that sum to 1, rounded to four decimals for the reader, the
/// rounding's remainder given to the largest so that the scenario reader,
/// which wants a sum of 1 within 1e-6, takes them.
fn shares_summing_to_one(shares: &[f64]) -> Vec<f64> {
    let total: f64 = shares.iter().sum();
    if shares.is_empty() || total <= 0.0 {
        return shares.to_vec();
    }
    let mut rounded: Vec<f64> = shares
        .iter()
        .map(|s| (s / total * 1e4).round() / 1e4)
        .collect();
    let largest = (0..rounded.len())
        .max_by(|&a, &b| rounded[a].total_cmp(&rounded[b]))
        .unwrap_or(0);
    let rest: f64 = (0..rounded.len())
        .filter(|&i| i != largest)
        .map(|i| rounded[i])
        .sum();
    rounded[largest] = ((1.0 - rest) * 1e4).round() / 1e4;
    rounded
}

/// Four significant digits: enough for any estimate's precision.
fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return 0.0;
    }
    let digits = 4 - x.abs().log10().ceil() as i32;
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

fn hours(h: f64) -> Value {
    Value::String(hours_text(h))
}

fn hours_text(h: f64) -> String {
    let minutes = h * 60.0;
    if minutes < 1.0 {
        format!("{}s", round(minutes * 60.0))
    } else if h < 1.0 {
        format!("{}m", round(minutes))
    } else {
        format!("{}h", round(h))
    }
}

fn file_stem(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .map_or("log".into(), |s| s.to_string_lossy().into_owned())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_shares_still_sum_to_one() {
        // Four decimals each would sum to 1.0001 without the correction.
        let shares = [0.20005, 0.25005, 0.34995, 0.19995];
        let rounded = shares_summing_to_one(&shares);
        assert!(
            (rounded.iter().sum::<f64>() - 1.0).abs() < 1e-9,
            "{rounded:?}"
        );
        for (r, s) in rounded.iter().zip(shares) {
            assert!((r - s).abs() <= 2e-4, "{r} against {s}");
        }
        assert_eq!(shares_summing_to_one(&[0.5, 0.5]), vec![0.5, 0.5]);
    }
}
