//! The report of one run (`run --out DIR`): key figures with a plain
//! reading, then backlog, response times, who answers, experts, staff.

use super::charts::{self, BLUE, GREEN, Line, LineChart, ORANGE, SKY, VERMILLION, short_hours};
use super::html::{Figure, Page};
use super::{ReportError, corrupt, read_csv};
use crate::metrics::summary::Summary;
use std::path::Path;

/// What the charts need from `timeseries.csv`, one entry per hour.
#[derive(Default)]
struct Series {
    hour: Vec<f64>,
    backlog: Vec<f64>,
    backlog_mean: Vec<f64>,
    on_shift: Vec<f64>,
    answers_expert: Vec<f64>,
    answers_staff: Vec<f64>,
    back_office: Vec<f64>,
    experts_active: Vec<f64>,
    experts_online: Vec<f64>,
}

/// The `timeseries.csv` columns the charts read, in the order of the
/// values in `read_series`: `HourRow` field names (the CSV writer
/// serialises `HourRow` by field name). `hour_values` below, in the tests,
/// names the same fields of `HourRow`, so renaming one fails to compile
/// there, and its test fails if this list and the writer drift apart.
const COLUMNS: [&str; 9] = [
    "hour",
    "backlog",
    "backlog_mean",
    "staff_on_shift_mean",
    "answers_expert",
    "answers_staff",
    "resolved_back_office",
    "experts_active",
    "experts_online_mean",
];

fn read_series(path: &Path) -> Result<Series, ReportError> {
    let (headers, rows) = read_csv(path)?;
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            corrupt(
                path,
                format!("no `{name}` column: not a timeseries.csv written by entraide run"),
            )
        })
    };
    let cols = COLUMNS
        .iter()
        .map(|name| col(name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut s = Series::default();
    for (line, record) in rows.iter().enumerate() {
        let mut values = [0.0; 9];
        for (v, &c) in values.iter_mut().zip(&cols) {
            *v = record
                .get(c)
                .and_then(|f| f.parse::<f64>().ok())
                .ok_or_else(|| {
                    corrupt(
                        path,
                        format!("row {}: a missing or malformed number", line + 2),
                    )
                })?;
        }
        let [
            hour,
            backlog,
            backlog_mean,
            on_shift,
            e,
            st,
            bo,
            active,
            online,
        ] = values;
        s.hour.push(hour);
        s.backlog.push(backlog);
        s.backlog_mean.push(backlog_mean);
        s.on_shift.push(on_shift);
        s.answers_expert.push(e);
        s.answers_staff.push(st);
        s.back_office.push(bo);
        s.experts_active.push(active);
        s.experts_online.push(online);
    }
    Ok(s)
}

/// Aggregates hourly values into buckets of `size` hours.
fn buckets(values: &[f64], size: usize, f: fn(&[f64]) -> f64) -> Vec<f64> {
    values.chunks(size.max(1)).map(f).collect()
}
fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}
fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}
fn sum(v: &[f64]) -> f64 {
    v.iter().sum()
}
fn last(v: &[f64]) -> f64 {
    v.last().copied().unwrap_or(0.0)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |x| format!("{:.0} %", 100.0 * x))
}

fn hours(x: Option<f64>) -> String {
    x.map_or("n/a".into(), short_hours)
}

/// The key figures, each with a one-line reading.
fn key_figures(s: &Summary) -> Vec<Figure> {
    let fr = &s.first_response;
    let mut figures = vec![Figure {
        label: "First response, median / p90".into(),
        value: format!("{} / {}", hours(fr.median_hours), hours(fr.p90_hours)),
        reading: format!(
            "Half of the answered questions get a first response within {}; nine in ten within {}.",
            hours(fr.median_hours),
            hours(fr.p90_hours)
        ),
    }];
    for (target, share) in &fr.within.0 {
        figures.push(Figure {
            label: format!("Answered within {target}"),
            value: pct(Some(*share)),
            reading: format!(
                "{} of all questions posted get a first response within {target}.",
                pct(Some(*share))
            ),
        });
    }
    let b = &s.backlog;
    figures.push(Figure {
        label: "Backlog, mean / peak".into(),
        value: format!("{:.0} / {}", b.mean, b.peak),
        reading: format!(
            "On average {:.0} questions wait with no response at all; at the worst moment {}.",
            b.mean, b.peak
        ),
    });
    figures.push(Figure {
        label: "Expert share of first answers".into(),
        value: pct(s.answers.expert_share),
        reading: format!(
            "Volunteer experts give {} of first responses; staff give the rest (answers and escalations).",
            pct(s.answers.expert_share)
        ),
    });
    let e = &s.experts;
    let (label, value, reading) = match (e.retention_365d, e.initial) {
        (_, 0) => (
            "Expert retention".to_string(),
            "n/a".to_string(),
            "This forum starts with no expert members.".to_string(),
        ),
        (Some(r), _) => (
            "Experts still there after a year".to_string(),
            pct(Some(r)),
            format!(
                "{} of the {} experts present at the start are still active after 365 days.",
                pct(Some(r)),
                e.initial
            ),
        ),
        (None, _) => {
            let last = e.initial_cohort_survival.last();
            (
                "Experts still there at the end".to_string(),
                pct(last.map(|p| p.share)),
                format!(
                    "The run is shorter than a year; after {:.0} days {} of the initial experts remain.",
                    last.map_or(0.0, |p| p.day),
                    pct(last.map(|p| p.share))
                ),
            )
        }
    };
    figures.push(Figure {
        label,
        value,
        reading,
    });
    let q = &s.questions;
    let lost = q.exited + q.complained;
    figures.push(Figure {
        label: "Customers lost: exit / complaint".into(),
        value: format!("{} / {}", q.exited, q.complained),
        reading: format!(
            "{} customers gave up silently and {} complained in public: {} of questions posted.",
            q.exited,
            q.complained,
            pct((q.posted > 0).then(|| lost as f64 / q.posted as f64))
        ),
    });
    let weeks = s.scenario.measured_days / 7.0;
    figures.push(Figure {
        label: "Staff overtime".into(),
        value: format!("{:.0} h", s.staff.overtime_hours),
        reading: format!(
            "Staff worked {:.0} hours past the end of their shifts, {:.1} hours a week, finishing work started on shift.",
            s.staff.overtime_hours,
            if weeks > 0.0 { s.staff.overtime_hours / weeks } else { 0.0 }
        ),
    });
    figures
}

pub fn build(dir: &Path, summary: &Summary) -> Result<Page, ReportError> {
    let series = read_series(&dir.join("timeseries.csv"))?;
    let n = series.hour.len();
    let draw = |r: charts::ChartResult| r.map_err(ReportError::Chart);
    // Whole horizon: days (or weeks past two years), so the chart stays light.
    let bucket = if n > 24 * 730 { 24 * 7 } else { 24 };
    let unit = if bucket == 24 { "day" } else { "week" };
    let x: Vec<f64> = (0..n.div_ceil(bucket))
        .map(|i| (i * bucket) as f64 / 24.0)
        .collect();
    let backlog_mean = buckets(&series.backlog_mean, bucket, mean);
    let backlog_max = buckets(&series.backlog, bucket, max);
    let mut sections = Vec::new();
    let backlog_chart = LineChart {
        title: "Backlog over the whole run",
        x_label: "day of the run",
        y_label: "unanswered questions",
        lines: vec![
            Line {
                label: "highest hourly value",
                points: x.iter().copied().zip(backlog_max).collect(),
                color: SKY,
                width: 1,
            },
            Line {
                label: "mean",
                points: x.iter().copied().zip(backlog_mean).collect(),
                color: BLUE,
                width: 2,
            },
        ],
        ..LineChart::default()
    };
    sections.push((
        "fig-backlog".to_string(),
        "Backlog over time".to_string(),
        format!(
            "Questions waiting with no response at all, per {unit}. The first {:.0} days are warm-up, left out of every statistic.",
            summary.scenario.warmup_days
        ),
        draw(backlog_chart.draw())?,
    ));
    // The last two full weeks, hour by hour, with staffed hours shaded.
    let zoom_hours = (24 * 14).min(n);
    let from = n - zoom_hours;
    let mut shade = Vec::new();
    let mut open: Option<f64> = None;
    for i in from..n {
        let t = series.hour[i] / 24.0;
        match (series.on_shift[i] > 0.0, open) {
            (true, None) => open = Some(t),
            (false, Some(start)) => {
                shade.push((start, t));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        shade.push((start, (series.hour[n - 1] + 1.0) / 24.0));
    }
    let zoom = LineChart {
        title: "Backlog, the last two weeks, hour by hour",
        x_label: "day of the run (days start on Monday 00:00: day 0, 7, 14... are Mondays)",
        y_label: "unanswered questions",
        lines: vec![Line {
            label: "backlog (hourly mean)",
            points: (from..n)
                .map(|i| (series.hour[i] / 24.0, series.backlog_mean[i]))
                .collect(),
            color: BLUE,
            width: 2,
        }],
        shade,
        shade_label: Some("staff on shift"),
        ..LineChart::default()
    };
    sections.push((
        "fig-backlog-weeks".to_string(),
        "Backlog through the week".to_string(),
        "Grey bands are the hours when at least one staff member is on shift: watch the backlog climb on nights and weekends and fall when staff are back.".to_string(),
        draw(zoom.draw())?,
    ));
    let targets: Vec<(String, f64)> = summary
        .first_response
        .within
        .0
        .iter()
        .filter_map(|(label, _)| {
            crate::time::parse_duration(label)
                .ok()
                .map(|d| (label.clone(), d.as_hours()))
        })
        .collect();
    let cdf: Vec<(f64, f64)> = summary
        .first_response
        .cdf
        .iter()
        .map(|p| (p.hours, p.share))
        .collect();
    sections.push((
        "fig-first-response".to_string(),
        "Time to first response".to_string(),
        "Share of all questions posted that got a first response within a given time (the curve stops below 100 % when some customers left or were never answered). Red lines: the response targets.".to_string(),
        draw(charts::cdf("Time to first response, cumulative", &cdf, &targets))?,
    ));
    let who_x: Vec<f64> = (0..n.div_ceil(bucket))
        .map(|i| (i * bucket) as f64 / 24.0)
        .collect();
    sections.push((
        "fig-who-answers".to_string(),
        "Who answers".to_string(),
        format!("Answers posted per {unit}: by expert members, by staff, and account questions resolved by the back office."),
        draw(charts::stacked(
            &format!("Answers per {unit}"),
            "day of the run",
            &format!("answers per {unit}"),
            &who_x,
            &[
                ("experts", buckets(&series.answers_expert, bucket, sum), BLUE),
                ("staff", buckets(&series.answers_staff, bucket, sum), ORANGE),
                ("back office", buckets(&series.back_office, bucket, sum), SKY),
            ],
        ))?,
    ));
    let experts_chart = LineChart {
        title: "Expert members",
        x_label: "day of the run",
        y_label: "experts",
        lines: vec![
            Line {
                label: "members (end of each day)",
                points: x
                    .iter()
                    .copied()
                    .zip(buckets(&series.experts_active, bucket, last))
                    .collect(),
                color: BLUE,
                width: 2,
            },
            Line {
                label: "online (mean)",
                points: x
                    .iter()
                    .copied()
                    .zip(buckets(&series.experts_online, bucket, mean))
                    .collect(),
                color: GREEN,
                width: 1,
            },
        ],
        ..LineChart::default()
    };
    sections.push((
        "fig-experts".to_string(),
        "Experts active over time".to_string(),
        "Members of the expert community (joins minus departures) and how many are online on average.".to_string(),
        draw(experts_chart.draw())?,
    ));
    let survival: Vec<(f64, f64)> = summary
        .experts
        .initial_cohort_survival
        .iter()
        .map(|p| (p.day, p.share))
        .collect();
    let survival_chart = LineChart {
        title: "Initial cohort of experts still active",
        x_label: "day of the run",
        y_label: "share still active",
        lines: vec![Line {
            label: "",
            points: if survival.is_empty() {
                vec![(0.0, 0.0)]
            } else {
                survival
            },
            color: VERMILLION,
            width: 3,
        }],
        y_max: Some(1.05),
        steps: true,
        ..LineChart::default()
    };
    sections.push((
        "fig-survival".to_string(),
        "Survival of the initial expert cohort".to_string(),
        if summary.experts.initial == 0 {
            "This forum starts with no expert members: there is no cohort to follow.".to_string()
        } else {
            format!(
                "Share of the {} experts present on day 0 who have not left, week by week.",
                summary.experts.initial
            )
        },
        draw(survival_chart.draw())?,
    ));
    let teams: Vec<(String, f64)> = summary
        .staff
        .teams
        .iter()
        .map(|(name, t)| (name.clone(), t.utilisation.unwrap_or(0.0) * 100.0))
        .collect();
    let overtime: Vec<(String, f64)> = summary
        .staff
        .teams
        .iter()
        .map(|(name, t)| (name.clone(), t.overtime_hours))
        .collect();
    sections.push((
        "fig-staff".to_string(),
        "Staff workload per team".to_string(),
        "Utilisation: share of time on shift spent handling questions (answers, confirmations, escalations); the rest is reading and supervising. Overtime: hours spent finishing work after the shift ended.".to_string(),
        format!(
            "<div class=\"pair\">{}{}</div>",
            draw(charts::bars("Utilisation on shift", "% of time on shift", &teams, &|v| format!("{v:.1} %")))?,
            draw(charts::bars("Overtime", "hours over the run", &overtime, &|v| format!("{v:.0} h")))?
        ),
    ));
    let s = &summary.scenario;
    Ok(Page {
        title: format!("entraide report: {}", s.name),
        subtitle: format!(
            "One run, seed {}: {:.0} simulated days, statistics over the last {:.0} ({} questions posted, {:.0} a day).",
            s.seed,
            s.horizon_days,
            s.measured_days,
            summary.questions.posted,
            summary.questions.per_day
        ),
        figures: key_figures(summary),
        sections,
        notes: {
            let mut notes = vec![
                "Produced by entraide from summary.json and timeseries.csv in this directory. A first response is an expert's answer, a staff answer, or a staff acknowledgement of an account question; the backlog counts questions with no response yet.".to_string(),
            ];
            if let Some(why) = &summary.engine.stopped_early {
                notes.insert(0, format!("This run stopped early: {why}"));
            }
            notes
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::summary::HourRow;

    /// The `COLUMNS` of a row, read from the typed row itself.
    fn hour_values(row: &HourRow) -> [f64; 9] {
        [
            row.hour as f64,
            row.backlog as f64,
            row.backlog_mean,
            row.staff_on_shift_mean,
            row.answers_expert as f64,
            row.answers_staff as f64,
            row.resolved_back_office as f64,
            row.experts_active as f64,
            row.experts_online_mean,
        ]
    }

    #[test]
    fn reads_what_the_writer_writes() {
        let row = HourRow {
            hour: 5,
            day: 0,
            weekday: "mon",
            hour_of_day: 5,
            warmup: false,
            posted: 11,
            answers_expert: 3,
            answers_staff: 4,
            escalations: 12,
            resolved_back_office: 6,
            confirmations: 13,
            chases: 14,
            exited: 15,
            complained: 16,
            backlog: 7,
            backlog_mean: 7.5,
            experts_active: 8,
            experts_online_mean: 2.25,
            staff_on_shift_mean: 1.5,
            staff_busy_mean: 17.0,
            overtime_hours: 18.0,
        };
        let dir = std::env::temp_dir().join(format!("entraide-report-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("timeseries.csv");
        let mut writer = csv::Writer::from_path(&path).unwrap();
        writer.serialize(&row).unwrap();
        writer.flush().unwrap();
        drop(writer);
        let series = read_series(&path);
        let _ = std::fs::remove_dir_all(&dir);
        let s = series.unwrap();
        let read = [
            s.hour[0],
            s.backlog[0],
            s.backlog_mean[0],
            s.on_shift[0],
            s.answers_expert[0],
            s.answers_staff[0],
            s.back_office[0],
            s.experts_active[0],
            s.experts_online[0],
        ];
        assert_eq!(read, hour_values(&row));
    }
}
