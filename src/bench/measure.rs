//! One measurement of one case, made inside the process that runs it (the
//! hidden `entraide bench-case` child): the case's simulated counts, its
//! wall time, the CPU time (user + system, every thread) the process spent
//! on it, and the process's peak resident memory.
//!
//! Each measurement runs in a fresh child process so that its peak memory
//! is its own (VmHWM never goes down) and one case cannot warm or fragment
//! the heap of the next. Only the simulation is timed: parsing the
//! embedded scenario and preparing a sweep are left out.

use super::cases::{Case, SEED, Work};
use crate::model::{NoObserver, simulate};
use crate::sweep::{Request, Sweep, plan::parse_vary};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

/// What one child reports: one JSON line on its stdout.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sample {
    /// Questions posted (every customer: the warm-up is 0), over all runs.
    pub customers: u64,
    /// Events the engine handled, over all runs.
    pub events: u64,
    pub runs: u64,
    pub threads: usize,
    pub wall_seconds: f64,
    /// None where the platform has no `getrusage`.
    pub cpu_seconds: Option<f64>,
    /// VmHWM of the process; None without `/proc/self/status` (not Linux).
    pub peak_memory_kib: Option<u64>,
}

/// User + system CPU seconds of this process so far, all threads.
#[cfg(unix)]
pub fn cpu_seconds() -> Option<f64> {
    // SAFETY: getrusage writes into the zeroed struct it is given and
    // reads nothing else; RUSAGE_SELF is always a valid argument.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return None;
        }
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(seconds(usage.ru_utime) + seconds(usage.ru_stime))
}

#[cfg(not(unix))]
pub fn cpu_seconds() -> Option<f64> {
    None
}

/// The peak resident memory of this process, in KiB (Linux).
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `case` once (all its runs) and measures it. `threads` is used by
/// the sweep case only; the others run on this thread.
pub fn measure(case: &Case, quick: bool, threads: usize) -> Result<Sample, String> {
    let setup = case.setup(quick).map_err(|e| e.to_string())?;
    match case.work {
        Work::Run { .. } => {
            let scenario = case.scenario(&setup).map_err(|e| e.to_string())?;
            let cpu_before = cpu_seconds();
            let start = Instant::now();
            let summary = simulate(&scenario, SEED, &mut NoObserver);
            let wall_seconds = start.elapsed().as_secs_f64();
            let cpu = cpu_seconds().zip(cpu_before).map(|(after, b)| after - b);
            if let Some(why) = summary.engine.stopped_early {
                return Err(format!("{}: the run stopped early: {why}", case.name));
            }
            Ok(Sample {
                customers: summary.questions.posted,
                events: summary.engine.events,
                runs: 1,
                threads: 1,
                wall_seconds,
                cpu_seconds: cpu,
                peak_memory_kib: peak_memory_kib(),
            })
        }
        Work::Sweep { .. } => {
            let dir = std::env::temp_dir().join(format!(
                "entraide-bench-{}-{}",
                std::process::id(),
                case.name
            ));
            let _ = std::fs::remove_dir_all(&dir);
            let result = measure_sweep(case, &setup, threads, &dir);
            let _ = std::fs::remove_dir_all(&dir);
            result
        }
    }
}

/// The sweep case in `dir` (a scratch directory): the embedded scenario
/// written there, the sweep run into `dir/out` by `sweep::Sweep` as
/// `entraide sweep` runs one, the counts read back from its runs.csv.
fn measure_sweep(
    case: &Case,
    setup: &super::cases::Setup,
    threads: usize,
    dir: &Path,
) -> Result<Sample, String> {
    fn at(path: &Path) -> impl FnOnce(std::io::Error) -> String + '_ {
        move |e| format!("{}: {e}", path.display())
    }
    std::fs::create_dir_all(dir).map_err(at(dir))?;
    let file = dir.join(Path::new(case.file).file_name().unwrap_or_default());
    std::fs::write(&file, case.text()).map_err(at(&file))?;
    let factors = setup
        .vary
        .iter()
        .map(|v| parse_vary(v))
        .collect::<Result<Vec<_>, _>>()?;
    let sweep = Sweep::prepare(Request {
        scenario: file,
        sets: setup.sets.clone(),
        factors,
        replications: setup.replications,
        seed: SEED,
        shard: None,
        baseline: Vec::new(),
    })
    .map_err(|e| e.to_string())?;
    let out = dir.join("out");
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let runs = sweep
        .run(&out, false, Some(threads), &mut |_, _| {})
        .map_err(|e| e.to_string())?;
    let wall_seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_before).map(|(after, b)| after - b);
    let runs_csv = out.join("runs.csv");
    let text = std::fs::read(&runs_csv).map_err(at(&runs_csv))?;
    let sum = |column: &str| -> Result<u64, String> {
        let mut reader = csv::Reader::from_reader(text.as_slice());
        let headers = reader.headers().map_err(|e| e.to_string())?.clone();
        let i = headers
            .iter()
            .position(|h| h == column)
            .ok_or_else(|| format!("{}: no column {column}", runs_csv.display()))?;
        reader.records().try_fold(0u64, |total, record| {
            let record = record.map_err(|e| e.to_string())?;
            let value: f64 = record[i]
                .parse()
                .map_err(|_| format!("{}: {column}: not a number", runs_csv.display()))?;
            Ok(total + value as u64)
        })
    };
    Ok(Sample {
        customers: sum("questions_posted")?,
        events: sum("events")?,
        runs,
        threads,
        wall_seconds,
        cpu_seconds: cpu,
        peak_memory_kib: peak_memory_kib(),
    })
}
