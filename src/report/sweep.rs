//! The report of a sweep (`sweep --out DIR`): heatmaps over two varied
//! parameters, lines with 95 % confidence bands over one, and the
//! trade-off between expert retention and response time, with the points
//! no other point beats on both (by more than the noise) highlighted.
//! Every measure prints by one rule for its kind (hours, shares, counts),
//! shares on 0–100 % axes, and parameters by their names with units.

use super::charts::{
    self, Axis, BLUE, Dot, Heatmap, Line, LineChart, Scale, VERMILLION, colour_name,
};
use super::html::{Page, escape};
use super::labels;
use super::{ReportError, corrupt, read_csv};
use crate::sweep::plan::{Factor, Plan};
use crate::sweep::{Manifest, measures};
use crate::time::parse_duration;
use std::collections::BTreeMap;
use std::path::Path;

/// points.csv, by point id (its `point` column, not its row position: a
/// shard's points.csv starts at the shard's first point): column -> value.
struct Points {
    rows: BTreeMap<usize, BTreeMap<String, String>>,
}

impl Points {
    fn read(path: &Path) -> Result<Points, ReportError> {
        let (headers, rows) = read_csv(path)?;
        if headers.get(0) != Some("point") {
            return Err(corrupt(path, "not a points.csv written by entraide sweep"));
        }
        let rows = rows
            .iter()
            .map(|record| {
                let id = record
                    .get(0)
                    .and_then(|p| p.parse::<usize>().ok())
                    .ok_or_else(|| corrupt(path, "a row without a point number"))?;
                let row = headers
                    .iter()
                    .zip(record.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect();
                Ok((id, row))
            })
            .collect::<Result<_, ReportError>>()?;
        Ok(Points { rows })
    }

    /// The point ids this points.csv holds, in order.
    fn ids(&self) -> Vec<usize> {
        self.rows.keys().copied().collect()
    }

    fn value(&self, point: usize, column: &str) -> Option<f64> {
        self.rows.get(&point)?.get(column)?.parse().ok()
    }

    fn mean(&self, point: usize, measure: &str) -> Option<f64> {
        self.value(point, &format!("{measure}_mean"))
    }

    fn ci(&self, point: usize, measure: &str) -> Option<f64> {
        self.value(point, &format!("{measure}_ci95"))
    }

    /// The paired difference with the baseline, and its half-width.
    fn difference(&self, point: usize, measure: &str) -> Option<(f64, f64)> {
        Some((
            self.value(point, &format!("{measure}_diff"))?,
            self.value(point, &format!("{measure}_diff_ci95"))?,
        ))
    }

    fn has(&self, measure: &str) -> bool {
        self.rows.keys().any(|&p| self.mean(p, measure).is_some())
    }
}

/// What a measure counts, which decides how every figure of it prints:
/// one rule per kind, in the tables, the heatmaps and the charts.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Hours, with two decimals: "2.93 h".
    Hours,
    /// A share in [0, 1], in per cent with one decimal ("63.2 %"); its
    /// differences in percentage points ("1.4 pts").
    Share,
    /// A count, whole, grouped by thousands: "61", "12,400".
    Count,
}

impl Kind {
    /// A number of this kind, without its unit.
    fn number(self, v: f64) -> String {
        match self {
            Kind::Hours => format!("{v:.2}"),
            Kind::Share => format!("{:.1}", 100.0 * v),
            Kind::Count => crate::numbers::count(v),
        }
    }

    /// The unit a level prints with, after a space ("" for counts).
    fn unit(self) -> &'static str {
        match self {
            Kind::Hours => " h",
            Kind::Share => " %",
            Kind::Count => "",
        }
    }

    /// The unit of a difference of two levels.
    fn difference_unit(self) -> &'static str {
        match self {
            Kind::Share => " pts",
            other => other.unit(),
        }
    }
}

/// A measure to chart: column, title, axis label, kind, direction.
struct Measure {
    column: &'static str,
    title: &'static str,
    unit: &'static str,
    kind: Kind,
    higher_is_better: bool,
}

impl Measure {
    /// A level: "2.93 h", "63.2 %", "61".
    fn format(&self, v: f64) -> String {
        format!("{}{}", self.kind.number(v), self.kind.unit())
    }

    /// A level and its 95 % half-width: "63.2 ± 1.4 %".
    fn with_interval(&self, v: f64, ci: f64) -> String {
        format!(
            "{} ± {}{}",
            self.kind.number(v),
            self.kind.number(ci),
            self.kind.unit()
        )
    }

    /// "Backlog p90 (questions)": the title and its unit, for headers.
    fn header(&self) -> String {
        format!("{} ({})", self.title, self.unit)
    }

    fn scale(&self) -> Scale {
        match self.kind {
            Kind::Hours => Scale::Real,
            Kind::Share => Scale::Share,
            Kind::Count => Scale::Count,
        }
    }
}

/// An HTML table with one row per grid point of `ids`: its coordinates
/// (labels for structured values), then one cell per measure, headed by
/// the measure's title and `suffix`.
fn point_table(
    plan: &Plan,
    factors: &[Factor],
    ids: &[usize],
    measures: &[&Measure],
    suffix: &str,
    cell: impl Fn(usize, &Measure) -> String,
) -> String {
    let mut table = String::from("<table>\n<tr><th>point</th>");
    for f in factors {
        table.push_str(&format!(
            "<th>{}</th>",
            escape(&labels::with_unit(&f.path, None))
        ));
    }
    for m in measures {
        table.push_str(&format!("<th>{}{suffix}</th>", escape(&m.header())));
    }
    table.push_str("</tr>\n");
    for &p in ids {
        table.push_str(&format!("<tr><td>{p}</td>"));
        for (&c, f) in plan.coordinates(p as u64).iter().zip(factors) {
            table.push_str(&format!("<td>{}</td>", escape(&f.label(c))));
        }
        for m in measures {
            table.push_str(&format!("<td>{}</td>", escape(&cell(p, m))));
        }
        table.push_str("</tr>\n");
    }
    table.push_str("</table>");
    table
}

/// A paired difference `± half-width`, signed, `*` when the interval
/// excludes 0.
fn difference_cell(m: &Measure, d: f64, ci: f64) -> String {
    let sign = if d > 0.0 {
        "+"
    } else if d < 0.0 {
        "\u{2212}"
    } else {
        ""
    };
    let mark = if d.abs() > ci { " *" } else { "" };
    format!(
        "{sign}{} ± {}{}{mark}",
        m.kind.number(d.abs()),
        m.kind.number(ci),
        m.kind.difference_unit()
    )
}

const BACKLOG: Measure = Measure {
    column: measures::BACKLOG_P90.column,
    title: "Backlog p90",
    unit: "questions",
    kind: Kind::Count,
    higher_is_better: false,
};
const P90: Measure = Measure {
    column: measures::FIRST_RESPONSE_P90_HOURS.column,
    title: "First response p90",
    unit: "hours",
    kind: Kind::Hours,
    higher_is_better: false,
};
const SHARE: Measure = Measure {
    column: measures::EXPERT_SHARE.column,
    title: "Expert share of first answers",
    unit: "%",
    kind: Kind::Share,
    higher_is_better: true,
};
const RETENTIONS: [Measure; 4] = [
    Measure {
        column: measures::RETENTION_365D.column,
        title: "Expert retention at 365 days",
        unit: "% of the initial experts",
        kind: Kind::Share,
        higher_is_better: true,
    },
    Measure {
        column: measures::RETENTION_180D.column,
        title: "Expert retention at 180 days",
        unit: "% of the initial experts",
        kind: Kind::Share,
        higher_is_better: true,
    },
    Measure {
        column: measures::RETENTION_90D.column,
        title: "Expert retention at 90 days",
        unit: "% of the initial experts",
        kind: Kind::Share,
        higher_is_better: true,
    },
    Measure {
        column: measures::RETENTION_30D.column,
        title: "Expert retention at 30 days",
        unit: "% of the initial experts",
        kind: Kind::Share,
        higher_is_better: true,
    },
];

/// Not a measure: how many of a point's runs stopped at the backlog cap
/// (points.csv `capped`), shown beside the means they are left out of.
const CAPPED: Measure = Measure {
    column: "capped",
    title: "Runs stopped at the cap",
    unit: "runs",
    kind: Kind::Count,
    higher_is_better: false,
};

/// The points with runs stopped at the backlog cap: (point, capped, runs).
fn capped_points(points: &Points) -> Vec<(usize, u64, u64)> {
    points
        .ids()
        .into_iter()
        .filter_map(|p| {
            let capped = points.value(p, CAPPED.column)? as u64;
            let runs = points.value(p, "runs")? as u64;
            (capped > 0).then_some((p, capped, runs))
        })
        .collect()
}

/// The note on a point with capped runs: how many, and what its means are.
fn capped_note(label: &str, capped: u64, runs: u64) -> String {
    let complete = runs - capped.min(runs);
    let means = if complete == 0 {
        "so it has no means".to_string()
    } else {
        format!(
            "its means are over the {complete} complete run{}",
            if complete == 1 { "" } else { "s" }
        )
    };
    format!(
        "At {label}, {capped} of {runs} runs stopped at the backlog cap (simulation.max_open_questions): the forum is overloaded there, and {means}."
    )
}

/// The longest retention horizon the runs reached; expert share if none.
fn retention(points: &Points) -> &'static Measure {
    RETENTIONS
        .iter()
        .find(|m| points.has(m.column))
        .unwrap_or(&SHARE)
}

/// A factor's values as numbers (hours for durations), if they all are.
fn numeric(values: &[String]) -> Option<Vec<f64>> {
    values
        .iter()
        .map(|v| {
            v.parse::<f64>()
                .ok()
                .or_else(|| parse_duration(v).ok().map(|d| d.as_hours()))
        })
        .collect()
}

/// A point of the trade-off: its response time and retention, each with
/// its 95 % half-width (0 where there is none).
#[derive(Clone, Copy, Debug)]
struct Candidate {
    point: usize,
    hours: f64,
    hours_ci: f64,
    retention: f64,
    retention_ci: f64,
}

/// The half-width of the 95 % interval of a difference between two
/// points' means, from their own half-widths: √(h₁² + h₂²), as if the
/// two were independent. Points of a sweep share their seeds, which makes
/// the true interval of a difference narrower: this errs towards calling
/// two points alike.
fn combined(a: f64, b: f64) -> f64 {
    (a * a + b * b).sqrt()
}

/// Whether `a` beats `b`: both faster and keeping more experts, each by
/// more than the combined half-width of the two points' intervals, so a
/// point is not beaten by noise.
fn beats(a: &Candidate, b: &Candidate) -> bool {
    b.hours - a.hours > combined(a.hours_ci, b.hours_ci)
        && a.retention - b.retention > combined(a.retention_ci, b.retention_ci)
}

/// The candidates no other candidate beats.
fn unbeaten(candidates: &[Candidate]) -> Vec<bool> {
    candidates
        .iter()
        .map(|c| !candidates.iter().any(|o| o.point != c.point && beats(o, c)))
        .collect()
}

pub fn build(manifest: &Manifest, dir: &Path) -> Result<Page, ReportError> {
    let points = Points::read(&dir.join("points.csv"))?;
    let plan = &manifest.plan;
    let draw = |r: charts::ChartResult| r.map_err(ReportError::Chart);
    let retention = retention(&points);
    let factors = &plan.factors;
    let label_of = |p: usize| -> String {
        plan.coordinates(p as u64)
            .iter()
            .zip(factors)
            .map(|(&c, f)| f.label(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut sections = Vec::new();
    let mut notes = Vec::new();
    match factors.len() {
        0 => {}
        1 => {
            let f = &factors[0];
            let name = labels::parameter(&f.path).0;
            let (xs, x_label) = match numeric(&f.values) {
                Some(xs) => {
                    let durations = f.values.iter().all(|v| parse_duration(v).is_ok());
                    (xs, labels::with_unit(&f.path, durations.then_some("hours")))
                }
                None => (
                    (0..f.values.len()).map(|i| i as f64).collect(),
                    format!(
                        "{} (values in order: {})",
                        labels::with_unit(&f.path, None),
                        f.labels().join(", ")
                    ),
                ),
            };
            for m in [&P90, &BACKLOG, retention, &SHARE] {
                if !points.has(m.column) {
                    continue;
                }
                let mut line = Vec::new();
                let mut band = Vec::new();
                for (p, &x) in xs.iter().enumerate() {
                    if let Some(y) = points.mean(p, m.column) {
                        line.push((x, y));
                        let ci = points.ci(p, m.column).unwrap_or(0.0);
                        band.push((x, y - ci, y + ci));
                    }
                }
                let chart = LineChart {
                    title: m.title,
                    x_label: &x_label,
                    y_label: m.unit,
                    y_scale: m.scale(),
                    // Shares on 0–100 %: a zoomed axis would make a point
                    // of difference look large.
                    y_max: (m.kind == Kind::Share).then_some(1.0),
                    lines: vec![Line {
                        label: "mean over replications",
                        points: line,
                        color: BLUE,
                        width: 3,
                    }],
                    bands: vec![(band, BLUE)],
                    ..LineChart::default()
                };
                sections.push((
                    format!("fig-line-{}", m.column),
                    format!("{} by {}", m.title, name),
                    format!(
                        "Mean over {} per value, with its 95 % confidence band.{}",
                        crate::numbers::plural(
                            plan.replications as u64,
                            "replication",
                            "replications"
                        ),
                        if m.kind == Kind::Share {
                            " The axis spans 0–100 %."
                        } else {
                            " The axis starts at 0."
                        }
                    ),
                    draw(chart.draw())?,
                ));
            }
        }
        _ => {
            let (fy, fx) = (&factors[0], &factors[1]);
            let (x_label, y_label) = (
                labels::with_unit(&fx.path, None),
                labels::with_unit(&fy.path, None),
            );
            let (y_labels, x_labels) = (fy.labels(), fx.labels());
            let rest: u64 = factors[2..].iter().map(|f| f.values.len() as u64).product();
            let shown = rest.min(6);
            if rest > shown {
                notes.push(format!(
                    "Heatmaps are shown for the first {shown} of {rest} combinations of the other varied parameters; points.csv holds them all."
                ));
            }
            for slice in 0..shown {
                let mut pair = String::new();
                let mut spans = Vec::new();
                let mut caption = String::new();
                for m in [&BACKLOG, retention] {
                    let values: Vec<Vec<Option<f64>>> = (0..fy.values.len())
                        .map(|r| {
                            (0..fx.values.len())
                                .map(|c| {
                                    let point = ((r * fx.values.len() + c) as u64) * rest + slice;
                                    points.mean(point as usize, m.column)
                                })
                                .collect()
                        })
                        .collect();
                    let title = format!("{} (mean)", m.header());
                    let format = |v: f64| m.kind.number(v);
                    let chart = Heatmap {
                        title: &title,
                        x_label: &x_label,
                        y_label: &y_label,
                        x_values: &x_labels,
                        y_values: &y_labels,
                        values,
                        format: &format,
                        higher_is_better: m.higher_is_better,
                    };
                    if let Some((lo, hi)) = chart.span() {
                        spans.push(format!(
                            "{} from {} to {}",
                            m.title.to_lowercase(),
                            m.format(lo),
                            m.format(hi)
                        ));
                    }
                    pair.push_str(&draw(chart.draw())?);
                }
                if factors.len() > 2 {
                    let first = slice as usize; // point index of this slice at (0, 0)
                    let others = plan.coordinates(first as u64)[2..]
                        .iter()
                        .zip(&factors[2..])
                        .map(|(&c, f)| format!("{} = {}", labels::parameter(&f.path).0, f.label(c)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    caption = format!(" With {others}.");
                }
                sections.push((
                    format!("fig-heatmap-{slice}"),
                    format!("{} and {} over the grid", BACKLOG.title, retention.title),
                    format!(
                        "Each cell is the mean over {}. Lighter is better on both maps. Each colour scale spans only the values shown ({}), so close values may differ much in colour: read the numbers.{caption}",
                        crate::numbers::plural(plan.replications as u64, "replication", "replications"),
                        spans.join("; ")
                    ),
                    format!("<div class=\"pair\">{pair}</div>"),
                ));
            }
        }
    }
    // The trade-off: one point per grid point.
    let candidates: Vec<Candidate> = points
        .ids()
        .into_iter()
        .filter_map(|p| {
            Some(Candidate {
                point: p,
                hours: points.mean(p, P90.column)?,
                hours_ci: points.ci(p, P90.column).unwrap_or(0.0),
                retention: points.mean(p, retention.column)?,
                retention_ci: points.ci(p, retention.column).unwrap_or(0.0),
            })
        })
        .collect();
    if candidates.len() >= 2 {
        let unbeaten = unbeaten(&candidates);
        let dots: Vec<Dot> = candidates
            .iter()
            .zip(&unbeaten)
            .map(|(c, &best)| Dot {
                label: c.point.to_string(),
                x: c.hours,
                y: c.retention,
                highlighted: best,
            })
            .collect();
        let best: Vec<String> = candidates
            .iter()
            .zip(&unbeaten)
            .filter(|(_, b)| **b)
            .map(|(c, _)| format!("{} ({})", c.point, label_of(c.point)))
            .collect();
        let (_, x_hi) = charts::range(candidates.iter().map(|c| c.hours), true);
        // The measure's title without "Expert", which the chart's title says.
        let y_label = format!(
            "{} ({})",
            retention.title.trim_start_matches("Expert "),
            retention.kind.unit().trim()
        );
        let chart = charts::scatter(
            "Expert retention against response time",
            &Axis {
                label: "first response p90 (hours)",
                scale: Scale::Real,
                lo: 0.0,
                hi: x_hi * 1.1,
            },
            &Axis {
                label: &y_label,
                scale: retention.scale(),
                lo: 0.0,
                hi: if retention.kind == Kind::Share {
                    1.0
                } else {
                    charts::range(candidates.iter().map(|c| c.retention), true).1
                },
            },
            &dots,
            ["not beaten by another point", "beaten by another point"],
        );
        sections.push((
            "fig-tradeoff".to_string(),
            format!("Trade-off: {} against first-response p90", retention.title.to_lowercase()),
            format!(
                "One point per grid point, numbered as in the tables below and in points.csv ({}). A point is beaten when another is both faster and keeps more experts, each by more than the noise: by more than √(h₁² + h₂²), from the two points' 95 % half-widths h₁ and h₂. {} points: no other point beats it ({}).{} The retention axis spans 0–100 %.",
                factors.iter().map(|f| labels::parameter(&f.path).0).collect::<Vec<_>>().join(", "),
                capitalised(colour_name(VERMILLION)),
                best.join("; "),
                if best.len() < candidates.len() {
                    format!(" {} points are beaten.", capitalised(colour_name(charts::SKY)))
                } else {
                    String::new()
                },
            ),
            draw(chart)?,
        ));
    }
    // A table of every point, with a column of capped runs if any.
    let measures = [&P90, &BACKLOG, retention, &SHARE];
    let capped = capped_points(&points);
    let mut columns = measures.to_vec();
    if !capped.is_empty() {
        columns.push(&CAPPED);
    }
    let ids = points.ids();
    let table = point_table(plan, factors, &ids, &columns, "", |p, m| {
        if m.column == CAPPED.column {
            let of = |c: &str| points.value(p, c).map_or("-".into(), |v| m.format(v));
            return format!("{} of {}", of(CAPPED.column), of("runs"));
        }
        match (points.mean(p, m.column), points.ci(p, m.column)) {
            (Some(v), Some(ci)) => m.with_interval(v, ci),
            (Some(v), None) => m.format(v),
            _ => "-".into(),
        }
    });
    sections.push((
        "table-points".to_string(),
        "Every grid point".to_string(),
        if capped.is_empty() {
            "Mean ± 95 % confidence half-width over the replications.".to_string()
        } else {
            "Mean ± 95 % confidence half-width over the replications that ran to the horizon: runs stopped at the backlog cap are counted apart and left out of the means.".to_string()
        },
        table,
    ));
    for &(p, c, runs) in &capped {
        let label = if factors.is_empty() {
            "the only point".to_string()
        } else {
            format!("point {p} ({})", label_of(p))
        };
        notes.push(capped_note(&label, c, runs));
    }
    // The paired differences with the baseline (absent from a points.csv
    // of an older entraide).
    let baseline = plan.baseline.point as usize;
    if measures
        .iter()
        .any(|m| points.difference(baseline, m.column).is_some())
    {
        let table = point_table(plan, factors, &ids, &measures, " vs baseline", |p, m| {
            if p == baseline {
                "baseline".to_string()
            } else {
                points
                    .difference(p, m.column)
                    .map_or("-".into(), |(d, ci)| difference_cell(m, d, ci))
            }
        });
        sections.push((
            "table-differences".to_string(),
            format!("Each point against the baseline ({})", label_of(baseline)),
            format!(
                "Paired differences (point − baseline): the mean over {} of the difference within each replication, which uses the same seed at every point, ± its 95 % half-width. This is narrower than comparing the two points' own intervals. Shares differ in percentage points (pts). * the interval excludes 0. Each cell is a separate interval, not corrected for multiple comparisons: among many cells, some may exclude 0 by chance.",
                crate::numbers::plural(plan.replications as u64, "replication", "replications")
            ),
            table,
        ));
    }
    // What the labels of structured values (shift lists) stand for.
    for f in factors.iter().filter(|f| f.is_structured()) {
        let entries: Vec<String> = (0..f.values.len())
            .map(|i| format!("{} = {}", f.label(i), f.values[i]))
            .collect();
        notes.push(format!("{}: {}.", f.path, entries.join("; ")));
    }
    if retention.column == SHARE.column {
        notes.push("The runs are too short for any expert retention figure (30 days at least): expert share stands in for it.".into());
    }
    notes.push(format!(
        "Produced by entraide from sweep.json and points.csv in this directory: scenario {} (content hash {}), {} x {}, master seed {}.",
        plan.scenario,
        plan.scenario_hash,
        crate::numbers::plural(manifest.points, "point", "points"),
        crate::numbers::plural(plan.replications as u64, "replication", "replications"),
        plan.seed
    ));
    Ok(Page {
        title: format!("entraide sweep report: {}", plan.scenario),
        subtitle: format!(
            "{} x {}; varied: {}.",
            crate::numbers::plural(manifest.points, "grid point", "grid points"),
            crate::numbers::plural(plan.replications as u64, "replication", "replications"),
            if factors.is_empty() {
                "nothing (replications only)".to_string()
            } else {
                factors
                    .iter()
                    .map(|f| {
                        format!(
                            "{} ({}: {})",
                            labels::parameter(&f.path).0,
                            f.path,
                            f.labels().join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        ),
        figures: Vec::new(),
        sections,
        notes,
    })
}

/// "Red-orange" for "red-orange", to begin a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(point: usize, hours: f64, retention: f64, ci: f64) -> Candidate {
        Candidate {
            point,
            hours,
            hours_ci: ci,
            retention,
            retention_ci: ci,
        }
    }

    #[test]
    fn a_point_is_beaten_only_beyond_the_noise() {
        // One point better on both by 0.01 with ±0.03–0.04 intervals: not
        // beaten, both are highlighted.
        let close = [
            Candidate {
                point: 0,
                hours: 2.00,
                hours_ci: 0.03,
                retention: 0.60,
                retention_ci: 0.03,
            },
            Candidate {
                point: 1,
                hours: 2.01,
                hours_ci: 0.04,
                retention: 0.59,
                retention_ci: 0.04,
            },
        ];
        assert_eq!(unbeaten(&close), [true, true]);
        // Better on both by far more than the noise: beaten.
        let far = [candidate(0, 1.0, 0.70, 0.02), candidate(1, 2.0, 0.50, 0.02)];
        assert_eq!(unbeaten(&far), [true, false]);
        // The margin is the combined half-width √(h₁² + h₂²): 0.05 here,
        // so 0.04 better on both is not enough and 0.06 is.
        let margin = |d: f64| {
            [
                candidate(0, 1.0, 0.5 + d, 0.05 / 2f64.sqrt()),
                candidate(1, 1.0 + d, 0.5, 0.05 / 2f64.sqrt()),
            ]
        };
        assert_eq!(unbeaten(&margin(0.04)), [true, true]);
        assert_eq!(unbeaten(&margin(0.06)), [true, false]);
        // With no intervals (one replication) it is plain dominance.
        let plain = [candidate(0, 1.0, 0.6, 0.0), candidate(1, 1.1, 0.59, 0.0)];
        assert_eq!(unbeaten(&plain), [true, false]);
    }

    #[test]
    fn each_kind_prints_by_one_rule() {
        assert_eq!(P90.with_interval(2.934, 0.1234), "2.93 ± 0.12 h");
        assert_eq!(P90.format(0.05), "0.05 h");
        assert_eq!(P90.format(50.0), "50.00 h");
        assert_eq!(SHARE.with_interval(0.6321, 0.014), "63.2 ± 1.4 %");
        assert_eq!(BACKLOG.with_interval(12400.4, 35.2), "12,400 ± 35");
        assert_eq!(
            difference_cell(&SHARE, -0.0123, 0.004),
            "\u{2212}1.2 ± 0.4 pts *"
        );
        assert_eq!(difference_cell(&P90, 0.5, 0.9), "+0.50 ± 0.90 h");
    }
}
