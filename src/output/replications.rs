//! The terminal tables of replicated runs: each measure as mean ± 95 %
//! half-width, and the paired comparison of two scenarios.

use crate::replicate::MeasureComparison;
use crate::stats::Estimate;
use std::fmt::Write;

/// Shares print as percentages (points for a difference), the rest with
/// a precision that suits their size.
fn is_share(measure: &str) -> bool {
    ["share", "retention", "within", "utilisation"]
        .iter()
        .any(|w| measure.contains(w))
}

/// `x` with the decimals that suit the size of `scale` (the mean, so a
/// mean and its half-width are printed alike).
fn value(measure: &str, x: f64, scale: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    if is_share(measure) {
        return format!("{:.1}", 100.0 * x);
    }
    let a = scale.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn unit(measure: &str) -> &'static str {
    if is_share(measure) { " %" } else { "" }
}

fn pm(measure: &str, mean: f64, half_width: f64) -> String {
    if !mean.is_finite() {
        return "-".into();
    }
    format!(
        "{} ± {}{}",
        value(measure, mean, mean),
        value(measure, half_width, mean),
        unit(measure)
    )
}

/// Each measure as `mean ± half-width`; `-` where a replication has none.
pub fn render(title: &str, n: usize, estimates: &[(String, Option<Estimate>)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{title}\nn = {n} replications; mean ± 95 % half-width (Student t over replications); - where some replication has no value\n"
    );
    for (measure, e) in estimates {
        let text = e.map_or("-".into(), |e| pm(measure, e.mean, e.half_width));
        let _ = writeln!(out, "  {measure:<34} {text}");
    }
    out
}

/// A, B and the paired difference B − A of each measure, marked `*` where
/// its 95 % interval excludes 0 (distinguishable from noise).
pub fn render_comparison(title: &str, n: usize, rows: &[MeasureComparison]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{title}\nn = {n} replications, the same seeds for A and B; mean ± 95 % half-width; B − A from the per-replication differences; * distinguishable from noise (the interval excludes 0)\n"
    );
    let _ = writeln!(
        out,
        "  {:<34} {:>20} {:>20} {:>22}",
        "measure", "A", "B", "B − A"
    );
    for r in rows {
        let m = r.measure.as_str();
        let mark = if r.distinguishable { " *" } else { "  " };
        let _ = writeln!(
            out,
            "  {m:<34} {:>20} {:>20} {:>20}{mark}",
            pm(m, r.a_mean, r.a_ci95),
            pm(m, r.b_mean, r.b_ci95),
            pm(m, r.difference_mean, r.difference_ci95),
        );
    }
    let distinguishable: Vec<&str> = rows
        .iter()
        .filter(|r| r.distinguishable)
        .map(|r| r.measure.as_str())
        .collect();
    let _ = writeln!(
        out,
        "\ndistinguishable from noise: {}",
        if distinguishable.is_empty() {
            "none".to_string()
        } else {
            distinguishable.join(", ")
        }
    );
    out
}
