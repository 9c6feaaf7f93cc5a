//! The report of a sweep (`sweep --out DIR`): heatmaps over two varied
//! parameters, lines with 95 % confidence bands over one, and the
//! trade-off between expert retention and response time, with the points
//! no other point beats on both highlighted.

use super::charts::{self, BLUE, Heatmap, Line, LineChart, VERMILLION, short_hours};
use super::html::{Page, escape};
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

/// A measure to chart: column, title, axis label, formatting, direction.
struct Measure {
    column: &'static str,
    title: &'static str,
    unit: &'static str,
    higher_is_better: bool,
    format: fn(f64) -> String,
    /// A difference's size (no sign): shares in percentage points.
    difference: fn(f64) -> String,
}

fn pct(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}
fn count(v: f64) -> String {
    format!("{v:.0}")
}
fn pts(v: f64) -> String {
    format!("{:.1} pts", v * 100.0)
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
    let mut table = String::from("<table>\n<tr>");
    for f in factors {
        table.push_str(&format!("<th>{}</th>", escape(&f.path)));
    }
    for m in measures {
        table.push_str(&format!("<th>{}{suffix}</th>", escape(m.title)));
    }
    table.push_str("</tr>\n");
    for &p in ids {
        table.push_str("<tr>");
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
        "{sign}{} ± {}{mark}",
        (m.difference)(d.abs()),
        (m.difference)(ci)
    )
}

const BACKLOG: Measure = Measure {
    column: measures::BACKLOG_P90.column,
    title: "Backlog p90",
    unit: "questions (90th percentile over time)",
    higher_is_better: false,
    format: count,
    difference: count,
};
const P90: Measure = Measure {
    column: measures::FIRST_RESPONSE_P90_HOURS.column,
    title: "First response p90",
    unit: "hours",
    higher_is_better: false,
    format: short_hours,
    difference: short_hours,
};
const SHARE: Measure = Measure {
    column: measures::EXPERT_SHARE.column,
    title: "Expert share of first answers",
    unit: "share",
    higher_is_better: true,
    format: pct,
    difference: pts,
};
const RETENTIONS: [Measure; 4] = [
    Measure {
        column: measures::RETENTION_365D.column,
        title: "Expert retention at 365 days",
        unit: "share of the initial experts",
        higher_is_better: true,
        format: pct,
        difference: pts,
    },
    Measure {
        column: measures::RETENTION_180D.column,
        title: "Expert retention at 180 days",
        unit: "share of the initial experts",
        higher_is_better: true,
        format: pct,
        difference: pts,
    },
    Measure {
        column: measures::RETENTION_90D.column,
        title: "Expert retention at 90 days",
        unit: "share of the initial experts",
        higher_is_better: true,
        format: pct,
        difference: pts,
    },
    Measure {
        column: measures::RETENTION_30D.column,
        title: "Expert retention at 30 days",
        unit: "share of the initial experts",
        higher_is_better: true,
        format: pct,
        difference: pts,
    },
];

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
            let (xs, x_label) = match numeric(&f.values) {
                Some(xs) => {
                    let durations = f.values.iter().all(|v| parse_duration(v).is_ok());
                    (
                        xs,
                        if durations {
                            format!("{} (hours)", f.path)
                        } else {
                            f.path.clone()
                        },
                    )
                }
                None => (
                    (0..f.values.len()).map(|i| i as f64).collect(),
                    format!("{} (values in order: {})", f.path, f.labels().join(", ")),
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
                    format!("{} by {}", m.title, f.path),
                    format!(
                        "Mean over {} replications per value, with its 95 % confidence band.",
                        plan.replications
                    ),
                    draw(chart.draw())?,
                ));
            }
        }
        _ => {
            let (fy, fx) = (&factors[0], &factors[1]);
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
                    let title = format!("{} (mean)", m.title);
                    let chart = Heatmap {
                        title: &title,
                        x_label: &fx.path,
                        y_label: &fy.path,
                        x_values: &x_labels,
                        y_values: &y_labels,
                        values,
                        format: &m.format,
                        higher_is_better: m.higher_is_better,
                    };
                    pair.push_str(&draw(chart.draw())?);
                }
                if factors.len() > 2 {
                    let first = slice as usize; // point index of this slice at (0, 0)
                    let others = plan.coordinates(first as u64)[2..]
                        .iter()
                        .zip(&factors[2..])
                        .map(|(&c, f)| format!("{} = {}", f.path, f.label(c)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    caption = format!(" With {others}.");
                }
                sections.push((
                    format!("fig-heatmap-{slice}"),
                    format!("{} and {} over the grid", BACKLOG.title, retention.title),
                    format!(
                        "Each cell is the mean over {} replications. Lighter is better on both maps.{caption}",
                        plan.replications
                    ),
                    format!("<div class=\"pair\">{pair}</div>"),
                ));
            }
        }
    }
    // The trade-off: one point per grid point.
    let candidates: Vec<(usize, f64, f64)> = points
        .ids()
        .into_iter()
        .filter_map(|p| {
            Some((
                p,
                points.mean(p, P90.column)?,
                points.mean(p, retention.column)?,
            ))
        })
        .collect();
    if candidates.len() >= 2 {
        let dominated = |&(p, x, y): &(usize, f64, f64)| {
            candidates
                .iter()
                .any(|&(q, x2, y2)| q != p && x2 <= x && y2 >= y && (x2 < x || y2 > y))
        };
        let scatter: Vec<(String, f64, f64, bool)> = candidates
            .iter()
            .map(|c| (label_of(c.0), c.1, c.2, !dominated(c)))
            .collect();
        let best: Vec<String> = scatter
            .iter()
            .filter(|s| s.3)
            .map(|s| s.0.clone())
            .collect();
        sections.push((
            "fig-tradeoff".to_string(),
            format!("Trade-off: {} against first-response p90", retention.title.to_lowercase()),
            format!(
                "One point per grid point ({}). Red points: no other point is both faster and keeps more experts ({}).",
                factors.iter().map(|f| f.path.as_str()).collect::<Vec<_>>().join(", "),
                best.join("; ")
            ),
            draw(charts::scatter(
                "Expert retention against response time",
                "first response p90 (hours)",
                retention.unit,
                &scatter,
            ))?,
        ));
    }
    // A table of every point.
    let measures = [&P90, &BACKLOG, retention, &SHARE];
    let ids = points.ids();
    let table = point_table(plan, factors, &ids, &measures, "", |p, m| {
        match (points.mean(p, m.column), points.ci(p, m.column)) {
            (Some(v), Some(ci)) => format!("{} ± {}", (m.format)(v), (m.format)(ci)),
            (Some(v), None) => (m.format)(v),
            _ => "-".into(),
        }
    });
    sections.push((
        "table-points".to_string(),
        "Every grid point".to_string(),
        "Mean ± 95 % confidence half-width over the replications.".to_string(),
        table,
    ));
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
                "Paired differences (point − baseline): the mean over {} replications of the difference within each replication, which uses the same seed at every point, ± its 95 % half-width. This is narrower than comparing the two points' own intervals. Shares differ in percentage points (pts). * the interval excludes 0. Each cell is a separate interval, not corrected for multiple comparisons: among many cells, some may exclude 0 by chance.",
                plan.replications
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
        "Produced by entraide from sweep.json and points.csv in this directory: scenario {} (content hash {}), {} points x {} replications, master seed {}.",
        plan.scenario, plan.scenario_hash, manifest.points, plan.replications, plan.seed
    ));
    let _ = VERMILLION;
    Ok(Page {
        title: format!("entraide sweep report: {}", plan.scenario),
        subtitle: format!(
            "{} grid points x {} replications; varied: {}.",
            manifest.points,
            plan.replications,
            if factors.is_empty() {
                "nothing (replications only)".to_string()
            } else {
                factors
                    .iter()
                    .map(|f| format!("{} ({})", f.path, f.labels().join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        ),
        figures: Vec::new(),
        sections,
        notes,
    })
}
