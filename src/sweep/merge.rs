//! Merging shards: complete shard directories of one plan combined into the
//! files one machine would have written, after checking from the rows
//! themselves that every run is there exactly once.

use super::manifest::{MANIFEST, describe_difference, read_manifest, same_sweep, write_manifest};
use super::{SweepError, io_at, journal, tables};
use crate::output::atomic;
use std::path::{Path, PathBuf};

/// Combines complete shard directories into the files one machine would
/// have written. Refuses shards of different plans; reports missing and
/// duplicated runs.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(), SweepError> {
    if dirs.is_empty() {
        return Err(SweepError::Usage(
            "merge: give at least one shard directory".into(),
        ));
    }
    let mut shards = Vec::new();
    for dir in dirs {
        let m = read_manifest(dir)?;
        if dir.join(journal::FILE).exists() || !dir.join(tables::RUNS).exists() {
            return Err(SweepError::Usage(format!(
                "{} is an unfinished shard: finish it with `entraide sweep ... --resume --out {}`",
                dir.display(),
                dir.display()
            )));
        }
        shards.push((m, dir.clone()));
    }
    let first = shards[0].0.clone();
    for (m, dir) in &shards[1..] {
        let mut a = m.clone();
        let mut b = first.clone();
        (a.shard, a.run_range, b.shard, b.run_range) = (None, [0, 0], None, [0, 0]);
        if !same_sweep(&a, &b) {
            return Err(SweepError::Usage(format!(
                "{} and {} are shards of different sweeps ({})",
                shards[0].1.display(),
                dir.display(),
                describe_difference(m, &first)
            )));
        }
    }
    shards.sort_by_key(|(m, _)| (m.run_range[0], m.run_range[1]));
    // Check coverage from the rows themselves, not only the manifests.
    let plan = &first.plan;
    let mut problems = Vec::new();
    let mut expected = 0u64;
    let mut missing = Vec::new();
    // Runs seen twice, as ranges (first, last, directory of the repeat).
    let mut twice: Vec<(u64, u64, PathBuf)> = Vec::new();
    for (_, dir) in &shards {
        let path = dir.join(tables::RUNS);
        let mut reader = csv::Reader::from_path(&path).map_err(|e| SweepError::Io {
            path: path.clone(),
            error: std::io::Error::other(e),
        })?;
        let point_col = 0;
        let replication_col = reader
            .headers()
            .map_err(|e| SweepError::Usage(format!("{}: {e}", path.display())))?
            .iter()
            .position(|h| h == "replication")
            .ok_or_else(|| {
                SweepError::Usage(format!("{}: no replication column", path.display()))
            })?;
        for record in reader.records() {
            let record =
                record.map_err(|e| SweepError::Usage(format!("{}: {e}", path.display())))?;
            let parse = |i: usize| record.get(i).and_then(|f| f.parse::<u64>().ok());
            let (Some(point), Some(rep)) = (parse(point_col), parse(replication_col)) else {
                return Err(SweepError::Usage(format!(
                    "{}: a malformed row",
                    path.display()
                )));
            };
            let run = point * u64::from(plan.replications) + rep;
            if run < expected {
                match twice.last_mut() {
                    Some(last) if last.1 + 1 == run && last.2 == *dir => last.1 = run,
                    _ => twice.push((run, run, dir.clone())),
                }
            } else {
                if run > expected {
                    missing.push((expected, run));
                }
                expected = run + 1;
            }
        }
    }
    if expected < first.runs {
        missing.push((expected, first.runs));
    }
    for (from, to, dir) in &twice {
        problems.push(if from == to {
            format!("run {from} appears twice (again in {})", dir.display())
        } else {
            format!(
                "runs {from} to {to} appear twice (again in {})",
                dir.display()
            )
        });
    }
    for (from, to) in &missing {
        problems.push(if to - from == 1 {
            format!("run {from} is missing")
        } else {
            format!("runs {from} to {} are missing", to - 1)
        });
    }
    if !problems.is_empty() {
        problems.truncate(20);
        return Err(SweepError::Usage(format!(
            "cannot merge: {}",
            problems.join("; ")
        )));
    }
    if out.join(MANIFEST).exists()
        || (out.exists() && std::fs::read_dir(out).map_err(io_at(out))?.next().is_some())
    {
        return Err(SweepError::Usage(format!(
            "{} is not empty: merge into a new or empty directory",
            out.display()
        )));
    }
    std::fs::create_dir_all(out).map_err(io_at(out))?;
    let mut merged = first.clone();
    merged.shard = None;
    merged.run_range = [0, merged.runs];
    // Concatenate the shards' rows in run order.
    let mut file = atomic::AtomicFile::create(&out.join(tables::RUNS)).map_err(io_at(out))?;
    use std::io::{BufRead, Write};
    for (i, (_, dir)) in shards.iter().enumerate() {
        let path = dir.join(tables::RUNS);
        let reader = std::io::BufReader::new(std::fs::File::open(&path).map_err(io_at(&path))?);
        for (n, line) in reader.lines().enumerate() {
            let line = line.map_err(io_at(&path))?;
            if n == 0 && i > 0 {
                continue; // the header, written once
            }
            writeln!(file, "{line}").map_err(io_at(out))?;
        }
    }
    file.commit().map_err(io_at(out))?;
    tables::write_points(out, plan, &merged.targets).map_err(io_at(out))?;
    write_manifest(out, &merged)
}
