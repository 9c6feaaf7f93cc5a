//! The tidy output files of a sweep: `runs.csv` (one row per run, in run
//! order) and `points.csv` (one row per grid point: mean, standard
//! deviation and 95 % confidence half-width of each measure, and the
//! paired difference with the baseline point and its half-width). Both are
//! written atomically, and `points.csv` is computed from `runs.csv` alone,
//! so a merged or resumed sweep gives the same bytes as an uninterrupted one.

use super::measures;
use super::plan::Plan;
use crate::output::atomic::AtomicFile;
use crate::stats::t_975;
use crate::time::parse_duration;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

pub const RUNS: &str = "runs.csv";
pub const POINTS: &str = "points.csv";
pub const POINTS_LONG: &str = "points_long.csv";

/// The columns of `points_long.csv` after the point and factor columns:
/// one row per point and measure, the tidy form of `points.csv`.
const LONG_COLUMNS: [&str; 8] = [
    "measure",
    "mean",
    "sd",
    "ci95",
    "n",
    "diff",
    "diff_ci95",
    "diff_n",
];

/// The factor columns of a plan. Factors whose values are all durations
/// get a numeric `<path>_hours` column too, so they plot and model as
/// numbers. Worked out once per plan: rows are written by the million.
pub struct Layout {
    durations: Vec<bool>,
    /// Each factor's value cells: the value, or a structured value's
    /// label (`shifts#2`; sweep.json's legend holds the value).
    labels: Vec<Vec<String>>,
}

impl Layout {
    pub fn new(plan: &Plan) -> Layout {
        Layout {
            labels: plan.factors.iter().map(|f| f.labels()).collect(),
            durations: plan
                .factors
                .iter()
                .map(|f| {
                    // A bare `0` reads as a duration too (zero needs no
                    // unit), so it alone does not make a duration factor:
                    // `experts.initial=0` is a count, with no `_hours`.
                    f.values.iter().all(|v| parse_duration(v).is_ok())
                        && f.values.iter().any(|v| v.trim().parse::<f64>().is_err())
                })
                .collect(),
        }
    }

    fn columns(&self, plan: &Plan) -> Vec<String> {
        let mut cols = Vec::new();
        for (f, &is_duration) in plan.factors.iter().zip(&self.durations) {
            cols.push(f.path.clone());
            if is_duration {
                cols.push(format!("{}_hours", f.path));
            }
        }
        cols
    }

    fn fields(&self, plan: &Plan, point: u64) -> Vec<String> {
        let mut fields = Vec::new();
        for (((f, c), &is_duration), labels) in plan
            .factors
            .iter()
            .zip(plan.coordinates(point))
            .zip(&self.durations)
            .zip(&self.labels)
        {
            fields.push(labels[c].clone());
            if is_duration {
                let hours = parse_duration(&f.values[c])
                    .map(|d| d.as_hours())
                    .unwrap_or(f64::NAN);
                fields.push(format!("{hours}"));
            }
        }
        fields
    }
}

fn csv_line(fields: &[String]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_string()
}

pub fn runs_header(layout: &Layout, plan: &Plan, targets: &[String]) -> String {
    let mut cols = vec!["point".to_string()];
    cols.extend(layout.columns(plan));
    cols.extend(["replication".to_string(), "seed".to_string()]);
    cols.extend(measures::columns(targets));
    csv_line(&cols)
}

/// One `runs.csv` row (without newline).
pub fn run_row(layout: &Layout, plan: &Plan, run: u64, values: &[Option<f64>]) -> String {
    let (point, replication) = plan.run_of(run);
    let mut fields = vec![point.to_string()];
    fields.extend(layout.fields(plan, point));
    fields.push(replication.to_string());
    fields.push(plan.run_seed(replication).to_string());
    fields.extend(values.iter().map(|v| measures::field(*v)));
    csv_line(&fields)
}

/// Writes `runs.csv` from journal entries (run, offset, length), sorted by
/// run, reading each row from the journal: memory holds only the index.
pub fn write_runs(
    dir: &Path,
    header: &str,
    journal: &Path,
    mut entries: Vec<super::journal::Entry>,
) -> io::Result<()> {
    entries.sort_unstable();
    let mut source = File::open(journal)?;
    let mut out = AtomicFile::create(&dir.join(RUNS))?;
    writeln!(out, "{header}")?;
    let mut row = Vec::new();
    for entry in entries {
        row.resize(entry.len as usize, 0);
        source.seek(SeekFrom::Start(entry.offset))?;
        source.read_exact(&mut row)?;
        out.write_all(&row)?;
        out.write_all(b"\n")?;
    }
    out.commit()
}

/// Running mean and variance (Welford), in run order: deterministic.
#[derive(Default, Clone)]
struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    fn fields(&self) -> [String; 3] {
        if self.n == 0 {
            return [String::new(), String::new(), String::new()];
        }
        let sd = if self.n > 1 {
            (self.m2 / (self.n - 1) as f64).sqrt()
        } else {
            f64::NAN
        };
        let ci = t_975(self.n.saturating_sub(1)) * sd / (self.n as f64).sqrt();
        let show = |x: f64| {
            if x.is_finite() {
                format!("{x}")
            } else {
                String::new()
            }
        };
        [show(self.mean), show(sd), show(ci)]
    }
}

/// A `runs.csv` row read back: its point, its replication and its
/// measures (`None` where empty).
struct RunRow {
    point: u64,
    replication: u32,
    values: Vec<Option<f64>>,
}

/// Reads `runs.csv` row by row, in the order it was written.
fn read_runs(
    dir: &Path,
    replication_col: usize,
    first_measure: usize,
    measures: usize,
) -> io::Result<impl Iterator<Item = io::Result<RunRow>>> {
    let reader = csv::Reader::from_path(dir.join(RUNS)).map_err(io::Error::other)?;
    Ok(reader.into_records().map(move |record| {
        let record = record.map_err(io::Error::other)?;
        let number = |i: usize, what: &str| {
            record
                .get(i)
                .and_then(|p| p.parse::<u64>().ok())
                .ok_or_else(|| io::Error::other(format!("runs.csv: a row without a {what}")))
        };
        let point = number(0, "point number")?;
        let replication = u32::try_from(number(replication_col, "replication")?)
            .map_err(|_| io::Error::other("runs.csv: a replication out of range"))?;
        let values = (0..measures)
            .map(|i| {
                record
                    .get(first_measure + i)
                    .and_then(|f| f.parse::<f64>().ok())
            })
            .collect();
        Ok(RunRow {
            point,
            replication,
            values,
        })
    }))
}

/// The baseline point's measures, by replication (`None` for a replication
/// this directory does not hold: a shard may hold part of it or none).
/// Memory: replications × measures values.
type BaselineRuns = Vec<Option<Vec<Option<f64>>>>;

/// Whether a run stopped at the backlog cap (its `stopped_early` column,
/// the last measure, is 1). Such a run covers only part of the horizon,
/// and the most overloaded part at that: averaged with complete runs, it
/// would make an overloaded point look better than it is.
fn capped(row: &RunRow) -> bool {
    row.values.last() == Some(&Some(1.0))
}

/// The statistics of one point, fed its runs in run order: how many runs
/// and how many of them were capped, the moments of each measure over the
/// complete runs, and those of each measure's paired difference with the
/// baseline (the same replication, so the same seed), over the
/// replications where both are complete and have a value.
struct PointStats {
    point: u64,
    runs: u64,
    capped: u64,
    values: Vec<Moments>,
    differences: Vec<Moments>,
}

impl PointStats {
    fn new(point: u64, measures: usize) -> PointStats {
        PointStats {
            point,
            runs: 0,
            capped: 0,
            values: vec![Moments::default(); measures],
            differences: vec![Moments::default(); measures],
        }
    }

    fn add(&mut self, row: &RunRow, baseline: &BaselineRuns) {
        self.runs += 1;
        if capped(row) {
            self.capped += 1;
            return;
        }
        let base = baseline
            .get(row.replication as usize)
            .and_then(Option::as_ref);
        for (i, x) in row.values.iter().take(self.values.len()).enumerate() {
            let Some(x) = *x else { continue };
            self.values[i].add(x);
            if let Some(Some(b)) = base.map(|b| b[i]) {
                self.differences[i].add(x - b);
            }
        }
    }

    /// Per measure, the fields of `points_long.csv` after the measure's
    /// name: mean, sd, ci95, n, diff, diff_ci95, diff_n (the runs with a
    /// value, and the replications paired with the baseline).
    fn long_fields(&self, measure: usize) -> [String; 7] {
        let (v, d) = (&self.values[measure], &self.differences[measure]);
        let [mean, sd, ci] = v.fields();
        let [diff, _, diff_ci] = d.fields();
        [
            mean,
            sd,
            ci,
            v.n.to_string(),
            diff,
            diff_ci,
            d.n.to_string(),
        ]
    }

    /// Per measure: mean, sd, ci95, diff, diff_ci95.
    fn fields(&self) -> Vec<String> {
        let mut fields = Vec::with_capacity(5 * self.values.len());
        for (v, d) in self.values.iter().zip(&self.differences) {
            fields.extend(v.fields());
            let [mean, _, ci] = d.fields();
            fields.extend([mean, ci]);
        }
        fields
    }
}

/// Computes `points.csv` and its long form `points_long.csv` from
/// `runs.csv` in two streaming passes: the first reads the baseline
/// point's rows, the second the moments of every point and of its paired
/// differences with the baseline. Both run in run order, so the bytes
/// depend on the set of runs alone. Runs stopped at the backlog cap are
/// counted in `capped` and left out of the moments; `stopped_early`, the
/// last measure of `runs.csv`, is that count's source, not a measure of
/// its own here.
pub fn write_points(dir: &Path, plan: &Plan, targets: &[String]) -> io::Result<()> {
    let layout = Layout::new(plan);
    let mut measure_names = measures::columns(targets);
    let m = measure_names.len();
    measure_names.pop(); // stopped_early: counted in `capped`
    let replication_col = 1 + layout.columns(plan).len();
    let first_measure = replication_col + 2;
    let mut baseline: BaselineRuns = vec![None; plan.replications as usize];
    for row in read_runs(dir, replication_col, first_measure, m)? {
        let row = row?;
        if row.point > plan.baseline.point {
            break; // runs are in run order: the baseline is behind us
        }
        if row.point == plan.baseline.point
            && !capped(&row)
            && let Some(slot) = baseline.get_mut(row.replication as usize)
        {
            *slot = Some(row.values);
        }
    }
    let mut out = AtomicFile::create(&dir.join(POINTS))?;
    let mut header = vec!["point".to_string()];
    header.extend(layout.columns(plan));
    header.extend(["runs".into(), "capped".into()]);
    for m in &measure_names {
        header.extend([
            format!("{m}_mean"),
            format!("{m}_sd"),
            format!("{m}_ci95"),
            format!("{m}_diff"),
            format!("{m}_diff_ci95"),
        ]);
    }
    writeln!(out, "{}", csv_line(&header))?;
    let mut long = AtomicFile::create(&dir.join(POINTS_LONG))?;
    let mut long_header = vec!["point".to_string()];
    long_header.extend(layout.columns(plan));
    long_header.extend(LONG_COLUMNS.iter().map(|c| c.to_string()));
    writeln!(long, "{}", csv_line(&long_header))?;
    let mut flush = |out: &mut AtomicFile, stats: PointStats| {
        let mut fields = vec![stats.point.to_string()];
        fields.extend(layout.fields(plan, stats.point));
        for (i, name) in measure_names.iter().enumerate() {
            let mut row = fields.clone();
            row.push(name.clone());
            row.extend(stats.long_fields(i));
            writeln!(long, "{}", csv_line(&row))?;
        }
        fields.extend([stats.runs.to_string(), stats.capped.to_string()]);
        fields.extend(stats.fields());
        writeln!(out, "{}", csv_line(&fields))
    };
    let mut current: Option<PointStats> = None;
    for row in read_runs(dir, replication_col, first_measure, m)? {
        let row = row?;
        if current.as_ref().is_some_and(|c| c.point != row.point)
            && let Some(done) = current.take()
        {
            flush(&mut out, done)?;
        }
        current
            .get_or_insert_with(|| PointStats::new(row.point, measure_names.len()))
            .add(&row, &baseline);
    }
    if let Some(done) = current.take() {
        flush(&mut out, done)?;
    }
    long.commit()?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_duration_factors_get_an_hours_column() {
        let plan_of = |path: &str, values: &[&str]| Plan {
            scenario: "s.toml".into(),
            scenario_hash: String::new(),
            sets: Vec::new(),
            factors: vec![super::super::plan::Factor {
                path: path.into(),
                values: values.iter().map(|v| v.to_string()).collect(),
            }],
            replications: 1,
            seed: 1,
            baseline: Default::default(),
        };
        let columns = |plan: &Plan| Layout::new(plan).columns(plan);
        // `0` alone is a count here, though it would read as a duration.
        let counts = plan_of("experts.initial", &["0"]);
        assert_eq!(columns(&counts), ["experts.initial"]);
        let delays = plan_of("policy.intervention_delay", &["0", "1h", "90m"]);
        assert_eq!(
            columns(&delays),
            [
                "policy.intervention_delay",
                "policy.intervention_delay_hours"
            ]
        );
    }

    #[test]
    fn moments_match_two_pass() {
        let xs = [1.0, 2.0, 4.0, 8.0];
        let mut m = Moments::default();
        for x in xs {
            m.add(x);
        }
        let mean = 3.75;
        let sd = (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 3.0).sqrt();
        let fields = m.fields();
        assert_eq!(fields[0], "3.75");
        assert!((fields[1].parse::<f64>().unwrap() - sd).abs() < 1e-12);
    }

    /// A points.csv row as column -> value.
    fn point_rows(dir: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
        let mut reader = csv::Reader::from_path(dir.join(POINTS)).unwrap();
        let header = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                header
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn paired_differences_by_hand() {
        // Two points of three replications; the baseline is the second,
        // so the first pass must read ahead. questions_posted: point 0 has
        // 2, 3, 4 and the baseline 1, 1, 1, so the differences are 1, 2, 3:
        // mean 2, sd 1, half-width t(0.975, 2) / √3 = 4.303 / √3 = 2.48434.
        // expert_share: the pairs where both have a value are replication 0
        // only (0.5 − 0.4): a mean and no half-width.
        let plan = Plan {
            scenario: "s.toml".into(),
            scenario_hash: "0".into(),
            sets: vec![],
            factors: vec![super::super::plan::Factor {
                path: "a".into(),
                values: vec!["x".into(), "y".into()],
            }],
            replications: 3,
            seed: 1,
            baseline: super::super::plan::Baseline {
                point: 1,
                values: [("a".to_string(), "y".to_string())].into(),
            },
        };
        let dir = std::env::temp_dir().join(format!("entraide-unit-paired-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let layout = Layout::new(&plan);
        let n = measures::columns(&[]).len();
        let posted = [2.0, 3.0, 4.0, 1.0, 1.0, 1.0];
        let share = [Some(0.5), None, Some(0.7), Some(0.4), Some(0.6), None];
        let mut text = runs_header(&layout, &plan, &[]) + "\n";
        for run in 0..6 {
            let mut values = vec![None; n];
            values[0] = Some(posted[run]);
            values[1] = share[run];
            text += &(run_row(&layout, &plan, run as u64, &values) + "\n");
        }
        std::fs::write(dir.join(RUNS), text).unwrap();
        write_points(&dir, &plan, &[]).unwrap();
        let rows = point_rows(&dir);
        let expected = crate::stats::paired_difference(&[1.0, 1.0, 1.0], &posted[..3]).unwrap();
        assert_eq!(rows[0]["questions_posted_diff"], "2");
        assert_eq!(expected.mean, 2.0);
        let hw: f64 = rows[0]["questions_posted_diff_ci95"].parse().unwrap();
        assert!((hw - 2.484_34).abs() < 1e-5, "{hw}");
        assert!((hw - expected.half_width).abs() < 1e-12);
        let share_diff: f64 = rows[0]["expert_share_diff"].parse().unwrap();
        assert!((share_diff - 0.1).abs() < 1e-12);
        assert_eq!(rows[0]["expert_share_diff_ci95"], "");
        // The baseline against itself: exactly 0, and 0 wide.
        assert_eq!(rows[1]["questions_posted_diff"], "0");
        assert_eq!(rows[1]["questions_posted_diff_ci95"], "0");
        assert_eq!(rows[1]["expert_share_diff"], "0");
        // A measure nobody has: empty, not 0.
        assert_eq!(rows[0]["backlog_mean_diff"], "");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
