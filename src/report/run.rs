//! The report of one run (`run --out DIR`) or of a replicated run (`run
//! --replications N --out DIR`): key figures with a plain reading, then
//! backlog, response times, who answers, experts, staff. A replicated
//! run's figures print as mean ± 95 % half-width (from `ci95` in
//! summary.json) and its charts over time draw the mean over replications
//! with its 95 % confidence band (from the files of `output::bands`).

use super::charts::{
    self, BLUE, GREEN, Line, LineChart, ORANGE, SHADE, SKY, Scale, Shade, Stacked, VERMILLION,
    WARMUP, colour_name, short_hours,
};
use super::html::{Figure, Page};
use super::{ReportError, corrupt};
use crate::metrics::summary::Summary;
use crate::output::bands;
use serde_json::Value;
use std::path::Path;

/// The last two weeks, hour by hour: what the zoomed backlog chart draws.
const ZOOM_HOURS: usize = 24 * 14;

/// Up to this many hours (two years), the whole-run charts go by day;
/// past it, by week.
const DAILY_UP_TO_HOURS: usize = 24 * 730;

/// Consecutive hours of `timeseries.csv` folded into one point of each
/// whole-run chart, in row order (so the sums and means are those of the
/// hourly values, to the bit).
#[derive(Clone, Copy)]
struct Bucket {
    hours: usize,
    backlog_mean: f64,
    backlog_peak: f64,
    answers_expert: f64,
    answers_staff: f64,
    back_office: f64,
    experts_active: f64,
    experts_online: f64,
}

impl Bucket {
    fn new() -> Bucket {
        Bucket {
            hours: 0,
            backlog_mean: 0.0,
            backlog_peak: f64::NEG_INFINITY,
            answers_expert: 0.0,
            answers_staff: 0.0,
            back_office: 0.0,
            experts_active: 0.0,
            experts_online: 0.0,
        }
    }

    fn add(&mut self, row: &Row) {
        self.hours += 1;
        self.backlog_mean += row.backlog_mean;
        self.backlog_peak = self.backlog_peak.max(row.backlog);
        self.answers_expert += row.answers_expert;
        self.answers_staff += row.answers_staff;
        self.back_office += row.back_office;
        self.experts_active = row.experts_active;
        self.experts_online += row.experts_online;
    }
}

/// One row of `timeseries.csv`, the columns the charts read.
struct Row {
    hour: f64,
    backlog: f64,
    backlog_mean: f64,
    on_shift: f64,
    answers_expert: f64,
    answers_staff: f64,
    back_office: f64,
    experts_active: f64,
    experts_online: f64,
}

/// What the charts need from `timeseries.csv`, read once row by row, so
/// that memory does not grow with the horizon as the file does (942 MB
/// for 200 years): the rows counted, the first two years by day, the
/// whole run by week (at most 10,436 weeks in the 200 years a horizon may
/// last), and the last two weeks by hour.
struct Series {
    rows: usize,
    days: Vec<Bucket>,
    weeks: Vec<Bucket>,
    /// (hour, backlog_mean, staff on shift) of the last `ZOOM_HOURS` rows.
    last_hours: std::collections::VecDeque<(f64, f64, f64)>,
}

impl Series {
    fn new() -> Series {
        Series {
            rows: 0,
            days: Vec::new(),
            weeks: Vec::new(),
            last_hours: std::collections::VecDeque::with_capacity(ZOOM_HOURS),
        }
    }

    fn add(&mut self, row: Row) {
        let n = self.rows;
        if n < DAILY_UP_TO_HOURS {
            if n.is_multiple_of(24) {
                self.days.push(Bucket::new());
            }
            if let Some(day) = self.days.last_mut() {
                day.add(&row);
            }
        }
        if n.is_multiple_of(24 * 7) {
            self.weeks.push(Bucket::new());
        }
        if let Some(week) = self.weeks.last_mut() {
            week.add(&row);
        }
        if self.last_hours.len() == ZOOM_HOURS {
            self.last_hours.pop_front();
        }
        self.last_hours
            .push_back((row.hour, row.backlog_mean, row.on_shift));
        self.rows += 1;
    }
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

/// The index of column `name` of a CSV file written by entraide (`what`
/// names the writer, for the message when it is missing).
fn column(
    path: &Path,
    headers: &csv::StringRecord,
    name: &str,
    what: &str,
) -> Result<usize, ReportError> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| corrupt(path, format!("no `{name}` column: not {what}")))
}

/// The number in column `c` of data row `line` (0-based) of `path`.
fn number(
    path: &Path,
    record: &csv::StringRecord,
    c: usize,
    line: usize,
) -> Result<f64, ReportError> {
    record
        .get(c)
        .and_then(|f| f.parse::<f64>().ok())
        .ok_or_else(|| {
            corrupt(
                path,
                format!("row {}: a missing or malformed number", line + 2),
            )
        })
}

fn read_series(path: &Path) -> Result<Series, ReportError> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| corrupt(path, e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| corrupt(path, e.to_string()))?
        .clone();
    let what = "a timeseries.csv written by entraide run";
    let cols = COLUMNS
        .iter()
        .map(|name| column(path, &headers, name, what))
        .collect::<Result<Vec<_>, _>>()?;
    let mut s = Series::new();
    // One record, reused: the file is never held whole.
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(corrupt(path, e.to_string())),
        }
        let line = s.rows;
        let mut values = [0.0; 9];
        for (v, &c) in values.iter_mut().zip(&cols) {
            *v = number(path, &record, c, line)?;
        }
        let [
            hour,
            backlog,
            backlog_mean,
            on_shift,
            answers_expert,
            answers_staff,
            back_office,
            experts_active,
            experts_online,
        ] = values;
        s.add(Row {
            hour,
            backlog,
            backlog_mean,
            on_shift,
            answers_expert,
            answers_staff,
            back_office,
            experts_active,
            experts_online,
        });
    }
    if s.rows == 0 {
        return Err(corrupt(path, "no rows"));
    }
    Ok(s)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |x| format!("{:.0} %", 100.0 * x))
}

fn hours(x: Option<f64>) -> String {
    x.map_or("n/a".into(), short_hours)
}

/// A replicated run (`run --replications N --out DIR`): its summary.json
/// holds the means, `replications` and `ci95` (the 95 % half-widths, by
/// the same key paths).
pub struct Replicated {
    pub n: u64,
    pub master_seed: u64,
    means: Value,
    ci95: Value,
}

impl Replicated {
    /// `None` for the summary.json of a plain run.
    pub fn of(summary: &Value) -> Option<Replicated> {
        Some(Replicated {
            n: summary.get("replications")?.as_u64()?,
            master_seed: summary.pointer("/scenario/seed")?.as_u64()?,
            ci95: summary.get("ci95")?.clone(),
            means: summary.clone(),
        })
    }
}

/// The number at a key path (`["first_response", "within", "1h"]`; an
/// array element by its index).
fn lookup(tree: &Value, path: &[&str]) -> Option<f64> {
    path.iter()
        .try_fold(tree, |node, key| match node {
            Value::Array(items) => items.get(key.parse::<usize>().ok()?),
            _ => node.get(key),
        })?
        .as_f64()
}

/// How a figure prints.
#[derive(Clone, Copy)]
enum Unit {
    /// A duration in hours, printed in minutes, hours or days by its size.
    Hours,
    /// A share in [0, 1], printed in per cent.
    Share,
    Count,
    /// Staff-hours of work.
    WorkHours,
}

/// The decimals that show the first significant digit of a half-width
/// (at least `least`, at most 3), so that a mean and its half-width
/// print alike and the interval never reads as "± 0" when it is not.
fn decimals(half_width: f64, least: usize) -> usize {
    if half_width.is_finite() && half_width > 0.0 {
        ((-half_width.log10()).ceil().max(0.0) as usize).clamp(least, 3)
    } else {
        least
    }
}

/// `x` with `d` decimals, its whole part grouped by thousands.
fn grouped(x: f64, d: usize) -> String {
    let text = format!("{x:.d$}");
    let (whole, fraction) = text.split_at(text.find('.').unwrap_or(text.len()));
    match whole.parse::<i64>() {
        Ok(n) if !whole.starts_with("-0") => format!("{}{fraction}", crate::numbers::thousands(n)),
        _ => text,
    }
}

/// `mean ± half-width unit`, both with the same decimals.
fn plus_minus(mean: f64, half_width: Option<f64>, least: usize, unit: &str) -> String {
    match half_width.filter(|h| h.is_finite()) {
        Some(h) => {
            let d = decimals(h, least);
            format!("{} ± {}{unit}", grouped(mean, d), grouped(h, d))
        }
        None => format!("{} ± n/a{unit}", grouped(mean, least)),
    }
}

/// The figures of the summary: one run's values, or a replicated run's
/// means with their 95 % half-widths.
struct Values<'a> {
    means: std::borrow::Cow<'a, Value>,
    ci95: Option<&'a Value>,
}

impl Values<'_> {
    fn mean(&self, path: &[&str]) -> Option<f64> {
        lookup(&self.means, path)
    }

    fn half_width(&self, path: &[&str]) -> Option<f64> {
        self.ci95.and_then(|c| lookup(c, path))
    }

    /// The figure at `path`: as a single run prints it, or `mean ± half-width`.
    fn show(&self, path: &[&str], unit: Unit) -> String {
        let Some(x) = self.mean(path) else {
            return "n/a".into();
        };
        if self.ci95.is_none() {
            return match unit {
                Unit::Hours => hours(Some(x)),
                Unit::Share => pct(Some(x)),
                Unit::Count => crate::numbers::count(x),
                Unit::WorkHours => format!("{} h", crate::numbers::count(x)),
            };
        }
        let h = self.half_width(path);
        match unit {
            Unit::Hours => {
                let (scale, least, name) = if x < 1.0 {
                    (60.0, 0, " min")
                } else if x < 48.0 {
                    (1.0, 1, " h")
                } else {
                    (1.0 / 24.0, 0, " d")
                };
                plus_minus(x * scale, h.map(|h| h * scale), least, name)
            }
            Unit::Share => plus_minus(100.0 * x, h.map(|h| 100.0 * h), 0, " %"),
            Unit::Count => plus_minus(x, h, 0, ""),
            Unit::WorkHours => plus_minus(x, h, 0, " h"),
        }
    }
}

/// What every figure leaves out, said where a chart shows more than the
/// figures count (the warm-up is drawn, shaded, but not counted).
fn warmup_excluded(days: f64) -> String {
    if days > 0.0 {
        format!(
            "Both exclude the warm-up (the first {}), which the charts shade.",
            crate::numbers::plural(days.round() as u64, "day", "days")
        )
    } else {
        String::new()
    }
}

/// The key figures, each with a one-line reading.
fn key_figures(s: &Summary, v: &Values) -> Vec<Figure> {
    let replicated = v.ci95.is_some();
    let median = v.show(&["first_response", "median_hours"], Unit::Hours);
    let p90 = v.show(&["first_response", "p90_hours"], Unit::Hours);
    let mut figures = vec![Figure {
        label: "First response, median / p90".into(),
        value: format!("{median} / {p90}"),
        reading: format!(
            "Half of the answered questions get a first response within {median}; nine in ten within {p90}."
        ),
    }];
    for (target, _) in &s.first_response.within.0 {
        let share = v.show(&["first_response", "within", target], Unit::Share);
        figures.push(Figure {
            label: format!("Answered within {target}"),
            value: share.clone(),
            reading: format!(
                "{share} of all questions posted get a first response within {target}."
            ),
        });
    }
    let mean = v.show(&["backlog", "mean"], Unit::Count);
    let peak = v.show(&["backlog", "peak"], Unit::Count);
    figures.push(Figure {
        label: "Backlog, mean / peak".into(),
        value: format!("{mean} / {peak}"),
        reading: format!(
            "On average {mean} questions wait with no response at all; at the worst moment {peak}. {}",
            warmup_excluded(s.scenario.warmup_days)
        ),
    });
    let share = v.show(&["answers", "expert_share"], Unit::Share);
    figures.push(Figure {
        label: "Expert share of first answers".into(),
        value: share.clone(),
        reading: format!(
            "Volunteer experts give {share} of first responses; staff give the rest (answers and escalations)."
        ),
    });
    let e = &s.experts;
    let (label, value, reading) = match (e.retention_365d, e.initial) {
        (_, 0) => (
            "Expert retention".to_string(),
            "n/a".to_string(),
            "This forum starts with no expert members.".to_string(),
        ),
        (Some(_), _) => {
            let r = v.show(&["experts", "retention_365d"], Unit::Share);
            (
                "Experts still there after a year".to_string(),
                r.clone(),
                format!(
                    "{r} of the {} experts present at the start are still active after 365 days.",
                    e.initial
                ),
            )
        }
        (None, _) => {
            let last = e.initial_cohort_survival.len().checked_sub(1);
            let r = last.map_or("n/a".into(), |i| {
                v.show(
                    &[
                        "experts",
                        "initial_cohort_survival",
                        &i.to_string(),
                        "share",
                    ],
                    Unit::Share,
                )
            });
            (
                "Experts still there at the end".to_string(),
                r.clone(),
                format!(
                    "The run is shorter than a year; after {:.0} days {r} of the initial experts remain.",
                    e.initial_cohort_survival.last().map_or(0.0, |p| p.day),
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
    let exited = v.show(&["questions", "exited"], Unit::Count);
    let complained = v.show(&["questions", "complained"], Unit::Count);
    figures.push(Figure {
        label: "Customers lost: exit / complaint".into(),
        value: format!("{exited} / {complained}"),
        reading: if replicated {
            format!(
                "{exited} customers gave up silently and {complained} complained in public, of {} questions posted.",
                v.show(&["questions", "posted"], Unit::Count)
            )
        } else {
            let lost = q.exited + q.complained;
            format!(
                "{exited} customers gave up silently and {complained} complained in public: {} of questions posted.",
                pct((q.posted > 0).then(|| lost as f64 / q.posted as f64))
            )
        },
    });
    let weeks = s.scenario.measured_days / 7.0;
    let overtime = v.mean(&["staff", "overtime_hours"]).unwrap_or(0.0);
    let per_week = |x: f64| if weeks > 0.0 { x / weeks } else { 0.0 };
    figures.push(Figure {
        label: "Staff overtime".into(),
        value: v.show(&["staff", "overtime_hours"], Unit::WorkHours),
        reading: if replicated {
            let h = v.half_width(&["staff", "overtime_hours"]);
            format!(
                "Staff worked {} hours past the end of their shifts, {} hours a week, finishing work started on shift.",
                plus_minus(overtime, h, 0, ""),
                plus_minus(per_week(overtime), h.map(per_week), 1, "")
            )
        } else {
            format!(
                "Staff worked {overtime:.0} hours past the end of their shifts, {:.1} hours a week, finishing work started on shift.",
                per_week(overtime)
            )
        },
    });
    figures
}

/// "Red-orange" for "red-orange", to begin a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A line over time and, for a replicated run, its band: the 95 %
/// confidence interval of the mean, as (x, low, high).
struct Track {
    points: Vec<(f64, f64)>,
    band: Option<Vec<(f64, f64, f64)>>,
}

/// The series the charts draw over the whole run (per `unit`) and over
/// its last two weeks (per hour): from `timeseries.csv` for one run, from
/// the band files for a replicated run.
struct Tracks {
    unit: &'static str,
    backlog_mean: Track,
    backlog_peak: Track,
    answers_expert: Track,
    answers_staff: Track,
    back_office: Track,
    experts_active: Track,
    experts_online: Track,
    /// The last two weeks, hour by hour: the backlog's hourly mean.
    zoom: Track,
    /// (day, staff on shift) for the same hours.
    zoom_on_shift: Vec<(f64, f64)>,
}

fn plain(points: Vec<(f64, f64)>) -> Track {
    Track { points, band: None }
}

impl Tracks {
    fn of_run(series: &Series) -> Tracks {
        // Whole horizon: days (or weeks past two years), so the chart stays light.
        let (buckets, bucket) = if series.rows > DAILY_UP_TO_HOURS {
            (&series.weeks, 24 * 7)
        } else {
            (&series.days, 24)
        };
        let line = |value: fn(&Bucket) -> f64| {
            plain(
                buckets
                    .iter()
                    .enumerate()
                    .map(|(i, b)| ((i * bucket) as f64 / 24.0, value(b)))
                    .collect(),
            )
        };
        Tracks {
            unit: if bucket == 24 { "day" } else { "week" },
            backlog_mean: line(|b| b.backlog_mean / b.hours.max(1) as f64),
            backlog_peak: line(|b| b.backlog_peak),
            answers_expert: line(|b| b.answers_expert),
            answers_staff: line(|b| b.answers_staff),
            back_office: line(|b| b.back_office),
            experts_active: line(|b| b.experts_active),
            experts_online: line(|b| b.experts_online / b.hours.max(1) as f64),
            zoom: plain(
                series
                    .last_hours
                    .iter()
                    .map(|&(hour, backlog_mean, _)| (hour / 24.0, backlog_mean))
                    .collect(),
            ),
            zoom_on_shift: series
                .last_hours
                .iter()
                .map(|&(hour, _, on_shift)| (hour / 24.0, on_shift))
                .collect(),
        }
    }

    fn of_bands(daily: &BandTable, hourly: &BandTable) -> Tracks {
        let n = hourly.hour.len();
        let from = n - (24 * 14).min(n);
        let zoom = hourly.track("backlog_mean", from);
        let on_shift = hourly.track("staff_on_shift_mean", from);
        Tracks {
            unit: "day",
            backlog_mean: daily.track("backlog_mean", 0),
            backlog_peak: daily.track("backlog_peak", 0),
            answers_expert: daily.track("answers_expert", 0),
            answers_staff: daily.track("answers_staff", 0),
            back_office: daily.track("resolved_back_office", 0),
            experts_active: daily.track("experts_active", 0),
            experts_online: daily.track("experts_online_mean", 0),
            zoom,
            zoom_on_shift: on_shift.points,
        }
    }
}

/// A band file (`output::bands`): the first hour of each period, and the
/// mean, low and high columns of every measure.
struct BandTable {
    hour: Vec<f64>,
    /// Per measure of `output::bands::MEASURES`: (mean, lo, hi) per period.
    columns: Vec<[Vec<f64>; 3]>,
}

/// Reads a band file row by row, keeping its last `keep` rows (all with
/// `usize::MAX`): the hourly file spans the whole horizon, and the charts
/// draw its last two weeks alone.
fn read_bands(path: &Path, keep: usize) -> Result<BandTable, ReportError> {
    if !path.exists() {
        return Err(corrupt(
            path,
            "missing: a replicated run writes it (entraide run SCENARIO --replications N --out DIR)",
        ));
    }
    let mut reader = csv::Reader::from_path(path).map_err(|e| corrupt(path, e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| corrupt(path, e.to_string()))?
        .clone();
    let col = |name: &str| {
        column(
            path,
            &headers,
            name,
            "a band file written by entraide run --replications",
        )
    };
    let hour_col = col("hour")?;
    // Per measure of `output::bands::MEASURES`: its mean, lo and hi columns.
    let mut cols = Vec::new();
    for m in &bands::MEASURES {
        let mut triple = [0; 3];
        for (c, suffix) in triple.iter_mut().zip(["mean", "lo", "hi"]) {
            *c = col(&format!("{}_{suffix}", m.name))?;
        }
        cols.push(triple);
    }
    let mut rows: std::collections::VecDeque<(f64, Vec<[f64; 3]>)> =
        std::collections::VecDeque::new();
    let mut record = csv::StringRecord::new();
    let mut line = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(corrupt(path, e.to_string())),
        }
        let hour = number(path, &record, hour_col, line)?;
        let mut values = Vec::with_capacity(cols.len());
        for triple in &cols {
            let mut v = [0.0; 3];
            for (x, &c) in v.iter_mut().zip(triple) {
                *x = number(path, &record, c, line)?;
            }
            values.push(v);
        }
        if rows.len() == keep {
            rows.pop_front();
        }
        rows.push_back((hour, values));
        line += 1;
    }
    if line == 0 {
        return Err(corrupt(path, "no rows"));
    }
    let mut table = BandTable {
        hour: rows.iter().map(|r| r.0).collect(),
        columns: Vec::new(),
    };
    for m in 0..cols.len() {
        let mut triple: [Vec<f64>; 3] = Default::default();
        for (k, values) in triple.iter_mut().enumerate() {
            *values = rows.iter().map(|r| r.1[m][k]).collect();
        }
        table.columns.push(triple);
    }
    Ok(table)
}

impl BandTable {
    /// A measure's mean and band from row `from` on, x in days.
    fn track(&self, name: &str, from: usize) -> Track {
        let i = bands::MEASURES
            .iter()
            .position(|m| m.name == name)
            .expect("a measure of output::bands::MEASURES");
        let [mean, lo, hi] = &self.columns[i];
        let x = |r: usize| self.hour[r] / 24.0;
        Track {
            points: (from..self.hour.len()).map(|r| (x(r), mean[r])).collect(),
            band: Some(
                (from..self.hour.len())
                    .map(|r| (x(r), lo[r], hi[r]))
                    .collect(),
            ),
        }
    }
}

/// The line of a track in a chart, and its band (in the line's colour).
fn draw_track<'a>(
    track: &Track,
    label: &'a str,
    color: plotters::style::RGBColor,
    width: u32,
    bands: &mut Vec<charts::Band>,
) -> Line<'a> {
    if let Some(band) = &track.band {
        bands.push((band.clone(), color));
    }
    Line {
        label,
        points: track.points.clone(),
        color,
        width,
    }
}

pub fn build(
    dir: &Path,
    summary: &Summary,
    replicated: Option<&Replicated>,
) -> Result<Page, ReportError> {
    let tracks = match replicated {
        None => Tracks::of_run(&read_series(&dir.join("timeseries.csv"))?),
        Some(_) => Tracks::of_bands(
            &read_bands(&dir.join(bands::DAILY_FILE), usize::MAX)?,
            &read_bands(&dir.join(bands::HOURLY_FILE), ZOOM_HOURS)?,
        ),
    };
    let values = match replicated {
        None => Values {
            means: std::borrow::Cow::Owned(
                serde_json::to_value(summary).map_err(|e| ReportError::Chart(e.to_string()))?,
            ),
            ci95: None,
        },
        Some(r) => Values {
            means: std::borrow::Cow::Borrowed(&r.means),
            ci95: Some(&r.ci95),
        },
    };
    // Said once in each caption with a band.
    let band_note = replicated.map_or(String::new(), |r| {
        format!(
            " Lines are means over {} replications; the shaded band around each is the 95 % confidence interval of that mean (Student t over replications), not the range of single runs.",
            r.n
        )
    });
    let unit = tracks.unit;
    let draw = |r: charts::ChartResult| r.map_err(ReportError::Chart);
    let mut sections = Vec::new();
    let mut bands = Vec::new();
    // The warm-up is drawn, so that the charts show the whole run, but
    // shaded and named: the figures above leave it out.
    let warmup_days = summary.scenario.warmup_days;
    let warmup = || Shade {
        label: "warm-up (not counted)",
        color: WARMUP,
        spans: if warmup_days > 0.0 {
            vec![(0.0, warmup_days)]
        } else {
            Vec::new()
        },
    };
    let warmup_note = if warmup_days > 0.0 {
        format!(
            " The first {} are warm-up, shaded {}: left out of every figure above, so the chart may rise past the peak they report.",
            crate::numbers::plural(warmup_days.round() as u64, "day", "days"),
            colour_name(WARMUP)
        )
    } else {
        String::new()
    };
    let backlog_chart = LineChart {
        title: "Backlog over the whole run",
        x_label: "day of the run",
        y_label: "unanswered questions",
        x_scale: Scale::Count,
        y_scale: Scale::Count,
        lines: vec![
            draw_track(
                &tracks.backlog_peak,
                "highest hourly value",
                SKY,
                1,
                &mut bands,
            ),
            draw_track(&tracks.backlog_mean, "mean", BLUE, 2, &mut bands),
        ],
        bands: std::mem::take(&mut bands),
        shades: vec![warmup()],
        ..LineChart::default()
    };
    sections.push((
        "fig-backlog".to_string(),
        "Backlog over time".to_string(),
        format!(
            "Questions waiting with no response at all, per {unit}: the mean in {} and the highest hourly value in {}.{warmup_note}{band_note}",
            colour_name(BLUE),
            colour_name(SKY),
        ),
        draw(backlog_chart.draw())?,
    ));
    // The last two full weeks, hour by hour, with staffed hours shaded.
    let mut shade = Vec::new();
    let mut open: Option<f64> = None;
    for &(t, on_shift) in &tracks.zoom_on_shift {
        match (on_shift > 0.0, open) {
            (true, None) => open = Some(t),
            (false, Some(start)) => {
                shade.push((start, t));
                open = None;
            }
            _ => {}
        }
    }
    if let (Some(start), Some(&(t, _))) = (open, tracks.zoom_on_shift.last()) {
        shade.push((start, t + 1.0 / 24.0));
    }
    let zoom = LineChart {
        title: "Backlog, the last two weeks, hour by hour",
        x_label: "day of the week (each tick is the midnight that starts the day named)",
        y_label: "unanswered questions",
        x_scale: Scale::Weekday,
        y_scale: Scale::Count,
        lines: vec![draw_track(
            &tracks.zoom,
            "backlog (hourly mean)",
            BLUE,
            2,
            &mut bands,
        )],
        bands: std::mem::take(&mut bands),
        shades: vec![Shade {
            label: "staff on shift",
            color: SHADE,
            spans: shade,
        }],
        ..LineChart::default()
    };
    sections.push((
        "fig-backlog-weeks".to_string(),
        "Backlog through the week".to_string(),
        format!("The {} bands are the hours when at least one staff member is on shift. Each tick is the midnight that starts the day it names, so the weekend runs from the Sat tick to the Mon tick: compare the backlog on and off shift, and over the weekend with the weekdays.{band_note}", colour_name(SHADE)),
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
    // For a replicated run: the 95 % interval of the time at which each
    // point's share is reached (each point is a percentile of the answered
    // questions, averaged over replications).
    let cdf_band: Vec<(f64, f64, f64)> = cdf
        .iter()
        .enumerate()
        .filter_map(|(i, &(hours, share))| {
            let h = values.half_width(&["first_response", "cdf", &i.to_string(), "hours"])?;
            Some((share, hours - h, hours + h))
        })
        .collect();
    sections.push((
        "fig-first-response".to_string(),
        "Time to first response".to_string(),
        format!(
            "Share of all questions posted that got a first response within a given time (the curve stops below 100 % when some customers left or were never answered). {} lines: the response targets.{}",
            capitalised(colour_name(VERMILLION)),
            replicated.map_or(String::new(), |r| format!(
                " The curve averages the {} replications point by point (the time at each 2nd percentile of the answered questions, and its share); the shaded band is the 95 % confidence interval of that mean time (Student t over replications), read across: how soon each share is reached.",
                r.n
            ))
        ),
        draw(charts::cdf("Time to first response, cumulative", &cdf, &targets, &cdf_band))?,
    ));
    let who = if replicated.is_some() {
        LineChart {
            title: "Answers per day",
            x_label: "day of the run",
            y_label: "answers per day",
            x_scale: Scale::Count,
            y_scale: Scale::Count,
            lines: vec![
                draw_track(&tracks.answers_expert, "experts", BLUE, 2, &mut bands),
                draw_track(&tracks.answers_staff, "staff", ORANGE, 2, &mut bands),
                draw_track(&tracks.back_office, "back office", SKY, 1, &mut bands),
            ],
            bands: std::mem::take(&mut bands),
            shades: vec![warmup()],
            ..LineChart::default()
        }
        .draw()
    } else {
        let x: Vec<f64> = tracks.answers_expert.points.iter().map(|p| p.0).collect();
        let y = |t: &Track| t.points.iter().map(|p| p.1).collect::<Vec<_>>();
        let title = format!("Answers per {unit}");
        let y_label = format!("answers per {unit}");
        Stacked {
            title: &title,
            x_label: "day of the run",
            y_label: &y_label,
            x: &x,
            layers: &[
                ("experts", y(&tracks.answers_expert), BLUE),
                ("staff", y(&tracks.answers_staff), ORANGE),
                ("back office", y(&tracks.back_office), SKY),
            ],
            shades: vec![warmup()],
        }
        .draw()
    };
    sections.push((
        "fig-who-answers".to_string(),
        "Who answers".to_string(),
        format!(
            "Answers posted per {unit}: by expert members ({}), by staff ({}), and account questions resolved by the back office ({}).{}{}",
            colour_name(BLUE),
            colour_name(ORANGE),
            colour_name(SKY),
            if replicated.is_some() {
                format!(" Drawn as lines, not stacked, so that each has its band.{band_note}")
            } else {
                String::new()
            },
            if warmup_days > 0.0 {
                " The warm-up is shaded, as above."
            } else {
                ""
            }
        ),
        draw(who)?,
    ));
    // Members run in the hundreds and those online in the units: each has
    // its own panel and axis, or the second would lie flat on the first's.
    let members_chart = LineChart {
        title: "Expert members",
        x_label: "day of the run",
        y_label: "members",
        x_scale: Scale::Count,
        y_scale: Scale::Count,
        lines: vec![draw_track(
            &tracks.experts_active,
            "members (end of each day)",
            BLUE,
            2,
            &mut bands,
        )],
        bands: std::mem::take(&mut bands),
        shades: vec![warmup()],
        ..LineChart::default()
    };
    let online_chart = LineChart {
        title: "Expert members online",
        x_label: "day of the run",
        y_label: "online",
        x_scale: Scale::Count,
        y_scale: Scale::Count,
        lines: vec![draw_track(
            &tracks.experts_online,
            "online (mean)",
            GREEN,
            2,
            &mut bands,
        )],
        bands: std::mem::take(&mut bands),
        shades: vec![warmup()],
        height: charts::HEIGHT - 60,
        ..LineChart::default()
    };
    sections.push((
        "fig-experts".to_string(),
        "Experts active over time".to_string(),
        format!("Top: members of the expert community (joins minus departures), in {}. Bottom, on its own axis: how many are online on average, in {}.{band_note}", colour_name(BLUE), colour_name(GREEN)),
        format!(
            "{}\n{}",
            draw(members_chart.draw())?,
            draw(online_chart.draw())?
        ),
    ));
    let survival: Vec<(f64, f64)> = summary
        .experts
        .initial_cohort_survival
        .iter()
        .map(|p| (p.day, p.share))
        .collect();
    let survival_band: Vec<(f64, f64, f64)> = survival
        .iter()
        .enumerate()
        .filter_map(|(i, &(day, share))| {
            let h = values.half_width(&[
                "experts",
                "initial_cohort_survival",
                &i.to_string(),
                "share",
            ])?;
            Some((day, share - h, share + h))
        })
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
        bands: if survival_band.is_empty() {
            Vec::new()
        } else {
            vec![(survival_band, VERMILLION)]
        },
        x_scale: Scale::Count,
        y_scale: Scale::Share,
        y_max: Some(1.0),
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
                "Share of the {} experts present on day 0 who have not left, week by week, in {}.{band_note}",
                summary.experts.initial,
                colour_name(VERMILLION)
            )
        },
        draw(survival_chart.draw())?,
    ));
    let team_bars = |key: &str, unit: Unit| -> Vec<(String, f64, String)> {
        summary
            .staff
            .teams
            .keys()
            .map(|name| {
                let path = ["staff", "teams", name.as_str(), key];
                let x = values.mean(&path).unwrap_or(0.0);
                let text = if replicated.is_some() {
                    match unit {
                        // One decimal at least, as a single run's bars print.
                        Unit::Share if values.mean(&path).is_some() => plus_minus(
                            100.0 * x,
                            values.half_width(&path).map(|h| 100.0 * h),
                            1,
                            " %",
                        ),
                        _ => values.show(&path, unit),
                    }
                } else {
                    match unit {
                        Unit::Share => format!("{:.1} %", 100.0 * x),
                        _ => format!("{x:.0} h"),
                    }
                };
                let scale = if let Unit::Share = unit { 100.0 } else { 1.0 };
                (name.clone(), x * scale, text)
            })
            .collect()
    };
    sections.push((
        "fig-staff".to_string(),
        "Staff workload per team".to_string(),
        format!(
            "Utilisation: share of time on shift spent handling questions (answers, confirmations, escalations); the rest is reading and supervising. Overtime: hours spent finishing work after the shift ended.{}",
            replicated.map_or(String::new(), |r| format!(
                " Bars are means over {} replications, printed with their 95 % half-widths.",
                r.n
            ))
        ),
        format!(
            "<div class=\"pair\">{}{}</div>",
            draw(charts::bars_labelled("Utilisation on shift", "% of time on shift", Scale::Real, &team_bars("utilisation", Unit::Share)))?,
            draw(charts::bars_labelled("Overtime", "hours over the run", Scale::Count, &team_bars("overtime_hours", Unit::WorkHours)))?
        ),
    ));
    let s = &summary.scenario;
    let subtitle = match replicated {
        None => format!(
            "One run, seed {}: {:.0} simulated days, statistics over the last {:.0} ({} questions posted, {} a day).\nFigures from one seed carry no interval: entraide run SCENARIO --replications N gives each with its 95 % confidence interval.",
            s.seed,
            s.horizon_days,
            s.measured_days,
            crate::numbers::thousands(summary.questions.posted as i64),
            crate::numbers::count(summary.questions.per_day)
        ),
        Some(r) => format!(
            "{n} replications, master seed {seed}: {:.0} simulated days each, statistics over the last {:.0} ({} questions posted, {} a day).\nEvery figure is the mean over the {n} replications ± the half-width of its 95 % confidence interval (Student t with {} degrees of freedom): an interval built this way holds the long-run mean 95 % of the time. Charts over time draw the mean with that interval as a band. To reproduce: entraide run SCENARIO --replications {n} --seed {seed} (the scenario file of \"{}\", with the same --set options).",
            s.horizon_days,
            s.measured_days,
            values.show(&["questions", "posted"], Unit::Count),
            values.show(&["questions", "per_day"], Unit::Count),
            r.n.saturating_sub(1),
            s.name,
            n = r.n,
            seed = r.master_seed,
        ),
    };
    Ok(Page {
        title: format!("entraide report: {}", s.name),
        subtitle,
        figures: key_figures(summary, &values),
        sections,
        notes: {
            let mut notes = vec![
                match replicated {
                    None => "Produced by entraide from summary.json and timeseries.csv in this directory.".to_string(),
                    Some(_) => format!("Produced by entraide from summary.json, {} and {} in this directory (timeseries.csv holds replication 0 alone, and is not drawn).", bands::DAILY_FILE, bands::HOURLY_FILE),
                } + " A first response is an expert's answer, a staff answer, or a staff acknowledgement of an account question; the backlog counts questions with no response yet.",
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
    fn intervals_print_to_the_half_widths_first_digit() {
        assert_eq!(plus_minus(0.8412, Some(0.063), 1, " h"), "0.84 ± 0.06 h");
        assert_eq!(plus_minus(412.4, Some(35.2), 0, ""), "412 ± 35");
        assert_eq!(plus_minus(3.46, Some(0.4), 0, ""), "3.5 ± 0.4");
        assert_eq!(plus_minus(92.0, Some(0.0), 0, " %"), "92 ± 0 %");
        assert_eq!(plus_minus(92.0, None, 0, " %"), "92 ± n/a %");
        assert_eq!(plus_minus(141095.2, Some(1234.0), 0, ""), "141,095 ± 1,234");
        assert_eq!(plus_minus(-0.04, Some(0.5), 0, ""), "-0.0 ± 0.5");
        let tree = serde_json::json!({"a": {"1h": 0.5, "list": [{"share": 0.25}]}});
        let ci = serde_json::json!({"a": {"1h": 0.02, "list": [{"share": 0.5}]}});
        let v = Values {
            means: std::borrow::Cow::Borrowed(&tree),
            ci95: Some(&ci),
        };
        assert_eq!(v.show(&["a", "1h"], Unit::Share), "50 ± 2 %");
        assert_eq!(v.show(&["a", "1h"], Unit::Hours), "30 ± 1 min");
        assert_eq!(
            v.show(&["a", "list", "0", "share"], Unit::Share),
            "25 ± 50 %"
        );
        assert_eq!(v.show(&["a", "nothing"], Unit::Count), "n/a");
        let single = Values {
            means: std::borrow::Cow::Borrowed(&tree),
            ci95: None,
        };
        assert_eq!(single.show(&["a", "1h"], Unit::Share), "50 %");
        assert_eq!(single.show(&["a", "1h"], Unit::Hours), "30 min");
    }

    /// Issue 9: `report` read timeseries.csv whole, so its memory grew
    /// with the horizon. Twenty years of rows leave the reader holding two
    /// years of days, the weeks and two weeks of hours; and the charts'
    /// points are those of the hourly values.
    #[test]
    fn the_reader_holds_a_bounded_number_of_rows() {
        let hours = 24 * 365 * 20;
        let dir = std::env::temp_dir().join(format!("entraide-report-long-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("timeseries.csv");
        let mut text = COLUMNS.join(",") + "\n";
        for h in 0..hours {
            // backlog, its mean, staff, answers by experts and staff, back
            // office, experts active and online.
            let b = h % 50;
            text += &format!("{h},{b},{}.5,{},1,2,3,{},{}.25\n", b, h % 2, h / 24, h % 3);
        }
        std::fs::write(&path, text).unwrap();
        let series = read_series(&path);
        let _ = std::fs::remove_dir_all(&dir);
        let s = series.unwrap();
        assert_eq!(s.rows, hours);
        assert_eq!(s.days.len(), 730);
        assert_eq!(s.weeks.len(), hours.div_ceil(24 * 7));
        assert_eq!(s.last_hours.len(), ZOOM_HOURS);
        assert_eq!(s.last_hours.back().unwrap().0, (hours - 1) as f64);
        let week = s.weeks[1];
        assert_eq!(week.hours, 168);
        assert_eq!(week.backlog_peak, 49.0);
        assert_eq!(week.answers_staff, 2.0 * 168.0);
        assert_eq!(
            week.experts_active,
            ((2 * 168 - 1) / 24) as f64,
            "the last hour's"
        );
        let tracks = Tracks::of_run(&s);
        assert_eq!(tracks.unit, "week");
        assert_eq!(tracks.backlog_mean.points.len(), s.weeks.len());
        assert_eq!(tracks.zoom.points.len(), ZOOM_HOURS);
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
        let (day, (hour, backlog_mean, on_shift)) = (s.days[0], s.last_hours[0]);
        let read = [
            hour,
            day.backlog_peak,
            backlog_mean,
            on_shift,
            day.answers_expert,
            day.answers_staff,
            day.back_office,
            day.experts_active,
            day.experts_online,
        ];
        assert_eq!(day.backlog_mean, backlog_mean);
        assert_eq!(read, hour_values(&row));
    }
}
