//! The terminal tables of replicated runs: each measure as mean ± 95 %
//! half-width, and the paired comparison of two scenarios (differences of
//! shares in percentage points, `pts`).

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
        crate::numbers::count(x)
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// What is printed: a level (a share in per cent) or a difference of two
/// levels (a difference of shares in percentage points).
#[derive(Clone, Copy)]
enum Kind {
    Level,
    Difference,
}

fn unit(measure: &str, kind: Kind) -> &'static str {
    match (is_share(measure), kind) {
        (false, _) => "",
        (true, Kind::Level) => " %",
        (true, Kind::Difference) => " pts",
    }
}

fn pm(measure: &str, kind: Kind, mean: f64, half_width: f64) -> String {
    if !mean.is_finite() {
        return "-".into();
    }
    format!(
        "{} ± {}{}",
        value(measure, mean, mean),
        value(measure, half_width, mean),
        unit(measure, kind)
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
        let text = e.map_or("-".into(), |e| {
            pm(measure, Kind::Level, e.mean, e.half_width)
        });
        let _ = writeln!(out, "  {measure:<34} {text}");
    }
    out
}

/// A, B and the paired difference B − A of each measure, marked `*` where
/// its 95 % interval excludes 0 (distinguishable from noise). Each line is
/// its own interval, and the table says so: with some thirty measures, one
/// or two intervals of a difference that is truly 0 exclude it by chance.
pub fn render_comparison(title: &str, n: usize, rows: &[MeasureComparison]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{title}\nn = {n} replications, the same seeds for A and B; mean ± 95 % half-width; B − A from the per-replication differences, shares in percentage points (pts); * distinguishable from noise (the interval excludes 0)\n"
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
            pm(m, Kind::Level, r.a_mean, r.a_ci95),
            pm(m, Kind::Level, r.b_mean, r.b_ci95),
            pm(m, Kind::Difference, r.difference_mean, r.difference_ci95),
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
    let _ = writeln!(
        out,
        "each line is a separate 95 % interval, with no correction for multiple comparisons: of {}, about one in 20 that B does not change would still be marked * by chance",
        crate::numbers::plural(rows.len() as u64, "measure", "measures")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(measure: &str, a: f64, b: f64, d: f64, ci: f64) -> MeasureComparison {
        MeasureComparison {
            measure: measure.into(),
            a_mean: a,
            a_ci95: 0.01,
            b_mean: b,
            b_ci95: 0.01,
            difference_mean: d,
            difference_ci95: ci,
            distinguishable: d.abs() > ci,
        }
    }

    #[test]
    fn share_differences_are_in_points() {
        let text = render_comparison(
            "t",
            5,
            &[
                row("expert_share", 0.922, 0.442, -0.479, 0.009),
                row("backlog_mean", 30.0, 31.0, 1.0, 2.0),
            ],
        );
        assert!(text.contains("92.2 ± 1.0 %"), "{text}");
        assert!(text.contains("-47.9 ± 0.9 pts *"), "{text}");
        assert!(!text.contains("-47.9 ± 0.9 %"), "{text}");
        assert!(text.contains("1.00 ± 2.00  "), "{text}");
        assert!(
            text.contains("distinguishable from noise: expert_share"),
            "{text}"
        );
        assert!(text.contains("no correction for multiple comparisons: of 2 measures"));
        // Counts are grouped by thousands, the mean and its half-width alike.
        let text = render_comparison(
            "t",
            5,
            &[row("questions_posted", 141095.0, 150230.4, 9135.4, 1204.0)],
        );
        assert!(text.contains("141,095 ± 0"), "{text}");
        assert!(text.contains("9,135 ± 1,204 *"), "{text}");
        assert!(text.contains("of 1 measure, "), "{text}");
    }
}
