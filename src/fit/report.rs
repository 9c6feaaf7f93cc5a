//! `DIR/report.html` of `fit`: the log's own figures beside the same
//! figures from replicated runs of the fitted scenario, with the
//! discrepancy of each (`check`), in the house style of the run report
//! (`crate::report`: the palette, the chart layout, the page).

use super::check::{Compared, Unit};
use super::figures::{Figures, RESPONSE_HOURS};
use crate::report::charts::{BLUE, Line, LineChart, ORANGE, Scale};
use crate::report::html::{Figure, Page, escape};
use crate::stats;

/// What the page is built from.
pub struct Inputs<'a> {
    pub source: &'a str,
    pub posts: usize,
    pub threads: usize,
    pub days: f64,
    pub log: &'a Figures,
    pub simulated: &'a [Option<Figures>],
    pub compared: &'a [Compared],
    pub seeds: &'a [u64],
}

/// The page, or why a chart could not be drawn.
pub fn page(inputs: &Inputs) -> Result<String, String> {
    let sims: Vec<&Figures> = inputs.simulated.iter().flatten().collect();
    let within = inputs
        .compared
        .iter()
        .filter(|c| c.inside == Some(true))
        .count();
    let judged = inputs
        .compared
        .iter()
        .filter(|c| c.inside.is_some())
        .count();
    let worst = inputs
        .compared
        .iter()
        .filter(|c| c.z.is_some())
        .max_by(|a, b| a.z.unwrap().abs().total_cmp(&b.z.unwrap().abs()));
    let mut figures = vec![Figure {
        label: "figures reproduced".into(),
        value: format!("{within} of {judged}"),
        reading: "log values inside the 95 % prediction interval of the replicated runs (about 1 in 20 falls outside by chance)".into(),
    }];
    if let Some(w) = worst {
        figures.push(Figure {
            label: "largest discrepancy".into(),
            value: format!("z = {:.1}", w.z.unwrap_or(f64::NAN)),
            reading: format!(
                "{}: {} in the log, {} simulated",
                w.label,
                show(w.unit, w.log),
                show(w.unit, w.simulated_mean)
            ),
        });
    }
    let sections = vec![
        (
            "discrepancies".to_string(),
            "Each figure: the log, the fitted scenario, the discrepancy".to_string(),
            format!(
                "The simulated column is the mean of {} replications, each a log as long as this one, with the 95 % interval in which one more such log would fall. z is the discrepancy over the replications' spread.",
                sims.len()
            ),
            table(inputs.compared),
        ),
        (
            "first-response".to_string(),
            "How soon threads get a first response".to_string(),
            "The share of threads with a first response (an answer, or staff's acknowledgement of an account question) by each age, among threads posted at least a week before the log's end.".to_string(),
            first_response_chart(inputs.log, &sims)?,
        ),
        (
            "retention".to_string(),
            "How long members keep answering".to_string(),
            "Kaplan–Meier survival of members from their first answer (a member who goes the churn window without an answer has left). The log's band is its 95 % confidence interval; the simulated band is the replications' 95 % prediction interval.".to_string(),
            retention_chart(inputs.log, &sims)?,
        ),
        (
            "volume".to_string(),
            "When questions are posted".to_string(),
            "Questions per week in each hour of the week, on the log's local clock.".to_string(),
            volume_chart(inputs.log, &sims)?,
        ),
    ];
    let page = Page {
        title: format!("entraide fit: {}", inputs.source),
        subtitle: format!(
            "{} posts, {} threads over {:.1} days.\nThe fitted scenario (scenario.toml in this directory) run {} times, seeds {}, each for its warm-up plus the log's span; only threads asked after the warm-up are compared.",
            crate::numbers::thousands(inputs.posts as i64),
            crate::numbers::thousands(inputs.threads as i64),
            inputs.days,
            inputs.seeds.len(),
            seed_list(inputs.seeds),
        ),
        figures,
        sections,
        notes: vec![
            "Produced by entraide fit. The log and each simulated run go through the same estimator (src/fit/figures.rs), so a discrepancy is the model's, not the measurement's.".into(),
            "A figure far outside its interval points at a part of the model the log contradicts, or at a parameter the log cannot identify and which kept the base scenario's value; scenario.toml's header lists them.".into(),
        ],
    };
    Ok(page.render())
}

fn seed_list(seeds: &[u64]) -> String {
    match seeds {
        [] => "none".into(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first} … {last}"),
    }
}

fn show(unit: Unit, v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    match unit {
        Unit::Share => format!("{:.1}\u{a0}%", 100.0 * v),
        Unit::PerWeek => crate::numbers::thousands(v.round() as i64),
        Unit::Change => format!("{:+.1}\u{a0}%", 100.0 * v),
    }
}

fn table(rows: &[Compared]) -> String {
    let mut t = String::from(
        "<table>\n<tr><th>figure</th><th>log</th><th>simulated (95 % prediction interval)</th><th>discrepancy</th><th>z</th><th>reproduced</th></tr>\n",
    );
    for c in rows {
        let interval = c.prediction_interval.map_or(String::new(), |(lo, hi)| {
            format!(" ({} to {})", show(c.unit, lo), show(c.unit, hi))
        });
        let discrepancy = match c.unit {
            Unit::Share | Unit::Change if c.discrepancy.is_finite() => {
                format!("{:+.1}\u{a0}points", 100.0 * c.discrepancy)
            }
            _ if c.discrepancy.is_finite() => format!("{:+.0}", c.discrepancy),
            _ => "–".into(),
        };
        t.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&c.label),
            show(c.unit, c.log),
            show(c.unit, c.simulated_mean),
            interval,
            discrepancy,
            c.z.map_or("–".into(), |z| format!("{z:+.1}")),
            match c.inside {
                Some(true) => "yes",
                Some(false) => "no",
                None => "–",
            }
        ));
    }
    t.push_str("</table>");
    t
}

/// The log's line (blue, heavier) and the replications' mean (orange).
fn log_and_simulated<'a>(
    log_label: &'a str,
    log: Vec<(f64, f64)>,
    simulated: Vec<(f64, f64)>,
) -> Vec<Line<'a>> {
    vec![
        Line {
            label: log_label,
            points: log,
            color: BLUE,
            width: 3,
        },
        Line {
            label: "the fitted scenario (mean of the replications)",
            points: simulated,
            color: ORANGE,
            width: 2,
        },
    ]
}

/// A band's (x, low, high) points.
type Band = Vec<(f64, f64, f64)>;

/// Per x: the simulated mean and its 95 % prediction band.
fn simulated_line(xs: &[f64], values: impl Fn(usize) -> Vec<f64>) -> (Vec<(f64, f64)>, Band) {
    let mut line = Vec::new();
    let mut band = Vec::new();
    for (i, &x) in xs.iter().enumerate() {
        let v = values(i);
        if v.is_empty() {
            continue;
        }
        let m = stats::mean(&v);
        line.push((x, m));
        if v.len() > 1 {
            let half = stats::t_975(v.len() as u64 - 1)
                * stats::sd(&v)
                * (1.0 + 1.0 / v.len() as f64).sqrt();
            band.push((x, m - half, m + half));
        }
    }
    (line, band)
}

fn first_response_chart(log: &Figures, sims: &[&Figures]) -> Result<String, String> {
    // A day covers the drawn range; 48 h and 96 h are in the table.
    let shown: Vec<usize> = (0..RESPONSE_HOURS.len())
        .filter(|&i| RESPONSE_HOURS[i] <= 24.0)
        .collect();
    let xs: Vec<f64> = shown.iter().map(|&i| RESPONSE_HOURS[i]).collect();
    let (mean, band) = simulated_line(&xs, |j| {
        sims.iter().map(|f| f.responded_within[shown[j]]).collect()
    });
    let mut log_points = vec![(0.0, 0.0)];
    log_points.extend(
        shown
            .iter()
            .map(|&i| (RESPONSE_HOURS[i], log.responded_within[i])),
    );
    let mut sim_points = vec![(0.0, 0.0)];
    sim_points.extend(mean);
    LineChart {
        title: "Threads with a first response, by the thread's age",
        x_label: "hours after the question",
        y_label: "share of threads",
        y_scale: Scale::Share,
        y_max: Some(1.0),
        lines: log_and_simulated("the log", log_points, sim_points),
        bands: vec![(band, ORANGE)],
        ..LineChart::default()
    }
    .draw()
}

fn retention_chart(log: &Figures, sims: &[&Figures]) -> Result<String, String> {
    let days: Vec<f64> = log.retention.iter().map(|r| r.0).collect();
    let (mean, band) = simulated_line(&days, |j| {
        sims.iter()
            .filter_map(|f| f.retention.get(j).map(|r| r.1))
            .collect()
    });
    let mut log_points = vec![(0.0, 1.0)];
    log_points.extend(log.retention.iter().map(|r| (r.0, r.1)));
    let mut sim_points = vec![(0.0, 1.0)];
    sim_points.extend(mean);
    let log_band: Vec<(f64, f64, f64)> = log
        .retention
        .iter()
        .filter(|r| r.2.is_finite() && r.3.is_finite())
        .map(|r| (r.0, r.2, r.3))
        .collect();
    LineChart {
        title: "Members still answering, by days since their first answer",
        x_label: "days since a member's first answer",
        y_label: "share of members",
        x_scale: Scale::Count,
        y_scale: Scale::Share,
        y_max: Some(1.0),
        lines: log_and_simulated("the log (Kaplan–Meier)", log_points, sim_points),
        bands: vec![(log_band, BLUE), (band, ORANGE)],
        ..LineChart::default()
    }
    .draw()
}

fn volume_chart(log: &Figures, sims: &[&Figures]) -> Result<String, String> {
    let xs: Vec<f64> = (0..168).map(|h| (h as f64 + 0.5) / 24.0).collect();
    let (mean, band) = simulated_line(&xs, |h| {
        sims.iter()
            .map(|f| f.questions_by_hour_of_week[h])
            .collect()
    });
    let log_points: Vec<(f64, f64)> = xs
        .iter()
        .zip(&log.questions_by_hour_of_week)
        .map(|(&x, &v)| (x, v))
        .collect();
    LineChart {
        title: "Questions per week, by hour of the week",
        x_label: "day of the week (each tick is the midnight that starts the day named)",
        y_label: "questions per week in that hour",
        x_scale: Scale::Weekday,
        y_scale: Scale::Real,
        lines: log_and_simulated("the log", log_points, mean),
        bands: vec![(band, ORANGE)],
        ..LineChart::default()
    }
    .draw()
}
