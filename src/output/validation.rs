//! The report of `entraide validate`: one row per case and metric.

use crate::theory::validate::{CaseResult, Effort, Z_BOUND};
use serde::Serialize;
use std::fmt::Write;

/// The whole suite as JSON.
#[derive(Serialize)]
pub struct SuiteJson<'a> {
    pub pass: bool,
    pub z_bound: f64,
    pub effort: &'a Effort,
    pub cases: &'a [CaseResult],
}

impl<'a> SuiteJson<'a> {
    pub fn new(cases: &'a [CaseResult], effort: &'a Effort) -> SuiteJson<'a> {
        SuiteJson {
            pass: cases.iter().all(|c| c.pass),
            z_bound: Z_BOUND,
            effort,
            cases,
        }
    }
}

fn describe(r: &CaseResult) -> String {
    let c = &r.case;
    format!(
        "{}: {}/h, {} staff, handling {:.1} min, {}, target {:.2} min ({} customers, {} replications)",
        c.name,
        c.arrival_rate_per_hour,
        c.servers,
        c.mean_handling_hours * 60.0,
        c.mean_patience_hours
            .map_or("no abandonment".to_string(), |p| format!(
                "patience {:.1} min",
                p * 60.0
            )),
        c.target_hours * 60.0,
        r.customers,
        r.replications
    )
}

pub fn render(results: &[CaseResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24} {:>12} {:>12} {:>11} {:>7}  result",
        "metric", "exact", "simulated", "± se", "z"
    );
    for r in results {
        let _ = writeln!(out, "\n{}", describe(r));
        for c in &r.checks {
            let _ = writeln!(
                out,
                "  {:<22} {:>12.6} {:>12.6} {:>11.6} {:>7.2}  {}",
                c.metric,
                c.exact,
                c.simulated,
                c.se,
                c.z,
                if c.pass { "pass" } else { "FAIL" }
            );
        }
    }
    let passed = results.iter().filter(|r| r.pass).count();
    let _ = writeln!(
        out,
        "\n{passed} of {} cases within {Z_BOUND} standard errors of theory",
        results.len()
    );
    out
}
