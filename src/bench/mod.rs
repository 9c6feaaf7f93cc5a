//! `entraide bench`: the standard speed cases on a fixed seed, as one
//! stable, machine-readable command for CI pipelines that track speed
//! across commits (the criterion benches in `benches/` are for people
//! studying one change).
//!
//! ```text
//!  bench (parent)                              bench-case NAME (child, hidden)
//!    for each case, --repeat times: ──spawn──▶  prepare the case (not timed)
//!                                               simulate it, timed: wall, CPU
//!    samples, counts checked equal   ◀─JSON──   + VmHWM of the process
//!    ▼
//!  Report (JSON schema 1 / table) [+ Comparison with --compare OLD.json]
//! ```
//!
//! One file per concern: `cases` (the standard set, defined once),
//! `measure` (the child's measurement), `report` (the figures, the JSON
//! document and the table), `compare` (two documents side by side). This
//! module spawns the children: each measurement runs in a fresh process of
//! the same binary, so its peak memory and CPU time are its own.

pub mod cases;
pub mod compare;
pub mod measure;
pub mod report;

pub use cases::{CASES, Case, SEED};
pub use measure::Sample;
pub use report::{Build, CaseReport, Report, SCHEMA};

use std::path::Path;
use std::process::{Command, Stdio};

/// The name of the hidden subcommand that measures one case.
pub const CHILD_COMMAND: &str = "bench-case";

/// A checked request: past `Options::new` every value is valid.
#[derive(Debug, Clone)]
pub struct Options {
    pub cases: Vec<&'static Case>,
    pub repeat: u32,
    /// Worker threads of the sweep case.
    pub threads: usize,
    pub quick: bool,
}

/// The cores this process may use (1 if unknown).
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The cases `--cases a,b` names, in the standard order, each once; all of
/// them for `None`. An unknown name is refused with the valid ones.
pub fn select(spec: Option<&str>) -> Result<Vec<&'static Case>, String> {
    let Some(spec) = spec else {
        return Ok(CASES.iter().collect());
    };
    let names: Vec<&str> = spec
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let valid = cases::names().join(", ");
    if names.is_empty() {
        return Err(format!(
            "--cases: expected case names; the cases are {valid}"
        ));
    }
    if let Some(bad) = names.iter().find(|n| cases::find(n).is_none()) {
        return Err(format!(
            "--cases: {bad:?} is not a case; the cases are {valid}"
        ));
    }
    Ok(CASES.iter().filter(|c| names.contains(&c.name)).collect())
}

impl Options {
    pub fn new(
        cases: Option<&str>,
        repeat: u32,
        threads: Option<usize>,
        quick: bool,
    ) -> Result<Options, String> {
        if repeat == 0 {
            return Err("--repeat: expected at least 1".into());
        }
        if threads == Some(0) {
            return Err("--threads: expected at least 1".into());
        }
        Ok(Options {
            cases: select(cases)?,
            repeat,
            threads: threads.unwrap_or_else(available_threads),
            quick,
        })
    }
}

/// Measures one case in a child process of `exe` (this binary).
fn spawn(exe: &Path, case: &Case, quick: bool, threads: usize) -> Result<Sample, String> {
    let mut command = Command::new(exe);
    command
        .args([CHILD_COMMAND, case.name, "--threads", &threads.to_string()])
        .stdin(Stdio::null());
    if quick {
        command.arg("--quick");
    }
    let out = command
        .output()
        .map_err(|e| format!("{}: cannot start a measurement: {e}", exe.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{}: the measurement failed ({}): {}",
            case.name,
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).map_err(|e| {
        format!(
            "{}: the measurement printed no sample ({e}): {text:?}",
            case.name
        )
    })
}

/// Samples of one case must simulate the same: a run is a function of its
/// scenario and seed (and a sweep's counts of its plan).
fn check_same_work(case: &Case, samples: &[&Sample]) -> Result<(), String> {
    let first = samples[0];
    match samples
        .iter()
        .find(|s| (s.customers, s.events, s.runs) != (first.customers, first.events, first.runs))
    {
        Some(other) => Err(format!(
            "{}: two measurements simulated different work ({} customers and {} events, then {} and {}): the simulation is not a function of its seed",
            case.name, first.customers, first.events, other.customers, other.events
        )),
        None => Ok(()),
    }
}

/// Runs every case of `options`, each measurement in a child process of
/// `exe`; `progress(case, done, total)` is called before each one.
pub fn run(
    options: &Options,
    exe: &Path,
    progress: &mut dyn FnMut(&str, u32, u32),
) -> Result<Report, String> {
    let mut reports = Vec::new();
    for case in &options.cases {
        let setup = case.setup(options.quick).map_err(|e| e.to_string())?;
        // The sweep on one thread too, for its speed-up.
        let with_single = matches!(case.work, cases::Work::Sweep { .. }) && options.threads > 1;
        let threads = match case.work {
            cases::Work::Sweep { .. } => options.threads,
            cases::Work::Run { .. } => 1,
        };
        let (mut samples, mut single) = (Vec::new(), Vec::new());
        for r in 0..options.repeat {
            progress(case.name, r, options.repeat);
            samples.push(spawn(exe, case, options.quick, threads)?);
            if with_single {
                single.push(spawn(exe, case, options.quick, 1)?);
            }
        }
        check_same_work(case, &samples.iter().chain(&single).collect::<Vec<_>>())?;
        reports.push(CaseReport::new(case, &setup, &samples, &single));
    }
    Ok(Report {
        schema: SCHEMA,
        entraide_version: env!("CARGO_PKG_VERSION").to_string(),
        build: Build::current(),
        seed: SEED,
        quick: options.quick,
        repeat: options.repeat,
        threads_available: available_threads(),
        threads: options.threads,
        cases: reports,
        compared_with: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_selected_in_the_standard_order_once() {
        let names = |spec| {
            select(spec)
                .unwrap()
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(None), cases::names());
        assert_eq!(
            names(Some("mercure-year, erlang-a,erlang-a")),
            ["erlang-a", "mercure-year"]
        );
    }

    #[test]
    fn an_unknown_case_lists_the_valid_ones() {
        let e = select(Some("erlang-a,erlang-b")).unwrap_err();
        assert!(e.contains("\"erlang-b\" is not a case"), "{e}");
        assert!(
            e.contains("erlang-a, mercure-year, mercure-x16-year, sweep-small"),
            "{e}"
        );
        assert!(select(Some(" , ")).is_err());
    }

    #[test]
    fn options_refuse_zero() {
        assert!(Options::new(None, 0, None, false).is_err());
        assert!(Options::new(None, 1, Some(0), false).is_err());
        let o = Options::new(None, 1, None, false).unwrap();
        assert_eq!(o.threads, available_threads());
    }
}
