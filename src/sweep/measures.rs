//! The key measures of a run, as the columns of `runs.csv` and the basis of
//! `points.csv`. Taken from the run summary by their path in
//! `summary.json`, so the names match the documented summary keys.

use crate::metrics::summary::Summary;
use serde_json::Value;

/// (column, path in summary.json). Shares within the scenario's response
/// targets are added after these (`first_response_within_4h`, ...).
const FIXED: &[(&str, &str)] = &[
    ("questions_posted", "questions.posted"),
    ("expert_share", "answers.expert_share"),
    ("first_response_median_hours", "first_response.median_hours"),
    ("first_response_mean_hours", "first_response.mean_hours"),
    ("first_response_p90_hours", "first_response.p90_hours"),
    ("first_response_p99_hours", "first_response.p99_hours"),
    ("resolution_p90_hours", "resolution.p90_hours"),
    ("backlog_mean", "backlog.mean"),
    ("backlog_p90", "backlog.p90"),
    ("backlog_peak", "backlog.peak"),
    ("backlog_end", "backlog.end"),
    ("experts_end", "experts.end"),
    ("experts_joined", "experts.joined"),
    ("experts_departed", "experts.departed"),
    ("retention_30d", "experts.retention_30d"),
    ("retention_90d", "experts.retention_90d"),
    ("retention_180d", "experts.retention_180d"),
    ("retention_365d", "experts.retention_365d"),
    ("top_10pct_share", "experts.top_10pct_share"),
    ("exited", "customers.exited"),
    ("complained", "customers.complained"),
    ("chased", "customers.chased"),
    ("staff_answers", "staff.answers"),
    ("staff_confirmations", "staff.confirmations"),
    ("staff_escalations", "staff.escalations"),
    ("staff_utilisation", "staff.utilisation"),
    ("overtime_hours", "staff.overtime_hours"),
    ("events", "engine.events"),
];

/// The measure columns for a scenario with these response-target labels.
pub fn columns(targets: &[String]) -> Vec<String> {
    let mut names: Vec<String> = FIXED.iter().map(|(n, _)| n.to_string()).collect();
    for t in targets {
        names.push(format!("first_response_within_{t}"));
    }
    names.push("stopped_early".into());
    names
}

/// The values of `columns(targets)` for one run; `None` where the summary
/// has no value (a retention beyond the horizon, a share of nothing).
pub fn values(summary: &Summary, targets: &[String]) -> Vec<Option<f64>> {
    let tree = serde_json::to_value(summary).unwrap_or(Value::Null);
    let at = |path: &str| -> Option<f64> {
        let mut node = &tree;
        for key in path.split('.') {
            node = node.get(key)?;
        }
        node.as_f64()
    };
    let mut out: Vec<Option<f64>> = FIXED.iter().map(|(_, p)| at(p)).collect();
    for t in targets {
        out.push(summary.first_response.within.get(t));
    }
    out.push(Some(if summary.engine.stopped_early.is_some() {
        1.0
    } else {
        0.0
    }));
    out
}

/// A value as a CSV field: shortest exact decimal, empty when missing.
pub fn field(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x}"),
        _ => String::new(),
    }
}
