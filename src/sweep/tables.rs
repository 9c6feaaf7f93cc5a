//! The tidy output files of a sweep: `runs.csv` (one row per run, in run
//! order) and `points.csv` (one row per grid point: mean, standard
//! deviation and 95 % confidence half-width of each measure). Both are
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

/// The factor columns of a plan. Factors whose values are all durations
/// get a numeric `<path>_hours` column too, so they plot and model as
/// numbers. Worked out once per plan: rows are written by the million.
pub struct Layout {
    durations: Vec<bool>,
}

impl Layout {
    pub fn new(plan: &Plan) -> Layout {
        Layout {
            durations: plan
                .factors
                .iter()
                .map(|f| f.values.iter().all(|v| parse_duration(v).is_ok()))
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
        for ((f, c), &is_duration) in plan
            .factors
            .iter()
            .zip(plan.coordinates(point))
            .zip(&self.durations)
        {
            fields.push(f.values[c].clone());
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

/// Computes `points.csv` from `runs.csv` in one streaming pass.
pub fn write_points(dir: &Path, plan: &Plan, targets: &[String]) -> io::Result<()> {
    let layout = Layout::new(plan);
    let measure_names = measures::columns(targets);
    let first_measure = 1 + layout.columns(plan).len() + 2;
    let mut reader = csv::Reader::from_path(dir.join(RUNS)).map_err(io::Error::other)?;
    let mut out = AtomicFile::create(&dir.join(POINTS))?;
    let mut header = vec!["point".to_string()];
    header.extend(layout.columns(plan));
    header.push("runs".into());
    for m in &measure_names {
        header.extend([format!("{m}_mean"), format!("{m}_sd"), format!("{m}_ci95")]);
    }
    writeln!(out, "{}", csv_line(&header))?;
    let mut current: Option<(u64, u64, Vec<Moments>)> = None;
    let flush = |out: &mut AtomicFile, (point, runs, moments): (u64, u64, Vec<Moments>)| {
        let mut fields = vec![point.to_string()];
        fields.extend(layout.fields(plan, point));
        fields.push(runs.to_string());
        for m in &moments {
            fields.extend(m.fields());
        }
        writeln!(out, "{}", csv_line(&fields))
    };
    for record in reader.records() {
        let record = record.map_err(io::Error::other)?;
        let point: u64 = record
            .get(0)
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| io::Error::other("runs.csv: a row without a point number"))?;
        if current.as_ref().is_some_and(|c| c.0 != point)
            && let Some(done) = current.take()
        {
            flush(&mut out, done)?;
        }
        let entry = current
            .get_or_insert_with(|| (point, 0, vec![Moments::default(); measure_names.len()]));
        entry.1 += 1;
        for (i, m) in entry.2.iter_mut().enumerate() {
            if let Some(x) = record
                .get(first_measure + i)
                .and_then(|f| f.parse::<f64>().ok())
            {
                m.add(x);
            }
        }
    }
    if let Some(done) = current.take() {
        flush(&mut out, done)?;
    }
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
