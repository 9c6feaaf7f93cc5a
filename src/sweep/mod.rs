//! Parameter sweeps: a full factorial grid of scenario variants × independent
//! replications, run in parallel, written so that nothing is lost.
//!
//! ```text
//!  plan (scenario tree + factors + replications + seed)
//!    │ runs numbered point-major; seed = f(master seed, replication)
//!    ▼
//!  rayon workers ── simulate(point's scenario, seed) ──▶ channel
//!                                                         │ (completion order)
//!  main thread: append "run,row,checksum" to runs.journal ◀┘
//!    │ at the end (or after --resume / merge)
//!    ▼
//!  runs.csv (sorted by run) ──▶ points.csv (streaming mean/sd/ci95)
//! ```
//!
//! Results are byte-identical whatever the thread count, the interruptions
//! and resumptions, or the sharding: every file is derived from the set of
//! finished runs alone, in run order. This module does file I/O (the
//! journal and the tables); the simulation it calls is pure.

pub mod journal;
pub mod measures;
pub mod plan;
pub mod tables;

use crate::model::{NoObserver, simulate};
use crate::output::atomic;
use crate::scenario::{self, ScenarioError};
use journal::Journal;
use plan::{Factor, Plan, fnv1a, shard_range};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "sweep.json";

/// `sweep.json`: what a sweep directory holds, enough to resume it, merge
/// it, or refuse to mix it with another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub entraide_version: String,
    pub plan: Plan,
    /// Labels of the response targets (the `first_response_within_*` columns).
    pub targets: Vec<String>,
    pub runs: u64,
    pub points: u64,
    /// `[i, n]` for shard i of n; null for a whole sweep.
    pub shard: Option<[u64; 2]>,
    /// The runs this directory holds: `[first, end)`.
    pub run_range: [u64; 2],
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl SweepError {
    pub fn exit_code(&self) -> u8 {
        match self {
            SweepError::Usage(_) | SweepError::Scenario(_) => 2,
            SweepError::Io { .. } => 1,
        }
    }
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
    move |error| SweepError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// A sweep ready to run: its plan, the scenario tree it varies, and the
/// checked settings of where and how.
pub struct Sweep {
    pub manifest: Manifest,
    tree: toml::Table,
    file: String,
    layout: tables::Layout,
}

/// What a sweep file (`[sweep]` table) or the command line asks for.
pub struct Request {
    pub scenario: PathBuf,
    pub sets: Vec<String>,
    pub factors: Vec<Factor>,
    pub replications: u32,
    pub seed: u64,
    pub shard: Option<(u64, u64)>,
}

/// Reads a sweep file: `[sweep]` with `scenario` (relative to the sweep
/// file), `replications`, `seed`, `set` (fixed overrides) and a `[sweep.vary]`
/// table of `path = "values"` (the `--vary` syntax) or `path = [values]`.
/// Returns `None` if the file is a plain scenario.
pub fn read_sweep_file(path: &Path) -> Result<Option<Request>, SweepError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(io_at(path))?;
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        // Not TOML at all: let the scenario reader say so with its message.
        Err(_) => return Ok(None),
    };
    let Some(sweep) = table.get("sweep") else {
        return Ok(None);
    };
    let bad = |field: &str, expected: &str| {
        SweepError::Usage(format!("{file}: sweep.{field}: expected {expected}"))
    };
    let toml::Value::Table(sweep) = sweep else {
        return Err(bad("", "a table"));
    };
    for key in sweep.keys() {
        if !["scenario", "replications", "seed", "set", "vary"].contains(&key.as_str()) {
            return Err(bad(
                key,
                "one of scenario, replications, seed, set, vary (unknown field)",
            ));
        }
    }
    let scenario = match sweep.get("scenario") {
        Some(toml::Value::String(s)) => path.parent().unwrap_or(Path::new(".")).join(s),
        _ => {
            return Err(bad(
                "scenario",
                "the path of the scenario file, relative to this file",
            ));
        }
    };
    let replications = match sweep.get("replications") {
        None => 10,
        Some(toml::Value::Integer(n)) if *n >= 1 && *n <= 1_000_000 => *n as u32,
        _ => return Err(bad("replications", "a whole number from 1 to 1000000")),
    };
    let seed = match sweep.get("seed") {
        None => 1,
        Some(toml::Value::Integer(n)) if *n >= 0 => *n as u64,
        _ => return Err(bad("seed", "a whole number >= 0")),
    };
    let sets = match sweep.get("set") {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("set", "a list of \"path=value\" strings"))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("set", "a list of \"path=value\" strings")),
    };
    let mut factors = Vec::new();
    match sweep.get("vary") {
        None => {}
        Some(toml::Value::Table(vary)) => {
            for (path, values) in vary {
                let spec = match values {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|v| match v {
                            toml::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.to_string(),
                };
                factors.push(
                    plan::parse_vary(&format!("{path}={spec}"))
                        .map_err(|e| SweepError::Usage(format!("{file}: sweep.vary: {e}")))?,
                );
            }
        }
        _ => return Err(bad("vary", "a table of path = \"values\"")),
    }
    Ok(Some(Request {
        scenario,
        sets,
        factors,
        replications,
        seed,
        shard: None,
    }))
}

impl Sweep {
    /// Reads the scenario, builds the plan and validates every point's
    /// scenario, so that a bad value fails before anything is written.
    pub fn prepare(request: Request) -> Result<Sweep, SweepError> {
        let file = request.scenario.display().to_string();
        let tree = scenario::load_tree(&request.scenario)?;
        let mut seen = std::collections::BTreeSet::new();
        for f in &request.factors {
            if !seen.insert(f.path.as_str()) {
                return Err(SweepError::Usage(format!(
                    "--vary {}: varied twice",
                    f.path
                )));
            }
        }
        let canonical = toml::to_string(&tree).unwrap_or_default();
        let plan = Plan {
            scenario: file.clone(),
            scenario_hash: format!("{:016x}", fnv1a(canonical.as_bytes())),
            sets: request.sets,
            factors: request.factors,
            replications: request.replications,
            seed: request.seed,
        };
        if plan.replications == 0 {
            return Err(SweepError::Usage(
                "--replications: expected at least 1".into(),
            ));
        }
        if plan.runs() > plan::MAX_RUNS {
            return Err(SweepError::Usage(format!(
                "{} runs: at most {} in one sweep; shard it or vary less",
                plan.runs(),
                plan::MAX_RUNS
            )));
        }
        if let Some(bad) = plan.sets.iter().find(|s| s.contains(['\n', '\r'])) {
            return Err(SweepError::Usage(format!(
                "--set {bad:?}: a value contains a line break"
            )));
        }
        let check = |sets: &[String]| -> Result<scenario::Loaded, SweepError> {
            scenario::from_tree(tree.clone(), &file, sets).map_err(SweepError::from)
        };
        let base = check(&plan.sets_of(0))?;
        // Every point, in parallel, so that no run can fail on its
        // scenario once the sweep has started; the first failing point
        // (in point order) is reported.
        let failure = (1..plan.points())
            .into_par_iter()
            .find_first(|&point| check(&plan.sets_of(point)).is_err());
        if let Some(point) = failure {
            check(&plan.sets_of(point))?;
        }
        let targets: Vec<String> = base
            .scenario
            .simulation
            .response_targets
            .iter()
            .map(|t| t.to_string())
            .collect();
        let runs = plan.runs();
        let range = shard_range(runs, request.shard);
        let layout = tables::Layout::new(&plan);
        Ok(Sweep {
            manifest: Manifest {
                entraide_version: env!("CARGO_PKG_VERSION").to_string(),
                points: plan.points(),
                plan,
                targets,
                runs,
                shard: request.shard.map(|(i, n)| [i, n]),
                run_range: [range.start, range.end],
            },
            tree,
            file,
            layout,
        })
    }

    /// Runs what is left to run in `dir` (all of it for a new sweep) on
    /// `threads` workers, calling `progress(done, total)` as runs finish;
    /// then writes runs.csv and points.csv. Returns how many runs this call
    /// simulated.
    pub fn run(
        &self,
        dir: &Path,
        resume: bool,
        threads: Option<usize>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64, SweepError> {
        self.claim_directory(dir, resume)?;
        let journal_path = dir.join(journal::FILE);
        if !journal_path.exists() && dir.join(tables::RUNS).exists() {
            // Finished before: the journal is removed only after the tables
            // are written.
            return Ok(0);
        }
        let (done_entries, valid_len) =
            journal::scan(&journal_path).map_err(io_at(&journal_path))?;
        let [start, end] = self.manifest.run_range;
        let total = end - start;
        let mut done = vec![false; total as usize];
        for &journal::Entry { run, .. } in &done_entries {
            if run < start || run >= end || done[(run - start) as usize] {
                return Err(SweepError::Usage(format!(
                    "{}: run {run} is outside this sweep or twice in it: the journal does not belong to this plan",
                    journal_path.display()
                )));
            }
            done[(run - start) as usize] = true;
        }
        let pending: Vec<u64> = (start..end)
            .filter(|r| !done[(r - start) as usize])
            .collect();
        let mut finished = total - pending.len() as u64;
        progress(finished, total);
        let mut journal = Journal::open(&journal_path, valid_len).map_err(io_at(&journal_path))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.unwrap_or(0))
            .build()
            .map_err(|e| SweepError::Usage(format!("cannot start worker threads: {e}")))?;
        let (tx, rx) = std::sync::mpsc::channel::<Result<(u64, String), SweepError>>();
        let simulated = pending.len() as u64;
        // Set on the first error, so workers stop taking new runs instead
        // of simulating the rest of the sweep for nothing.
        let stop = std::sync::atomic::AtomicBool::new(false);
        let stop = &stop;
        std::thread::scope(|scope| -> Result<(), SweepError> {
            scope.spawn(move || {
                pool.install(|| {
                    pending.par_iter().for_each_with(tx, |tx, &run| {
                        if !stop.load(std::sync::atomic::Ordering::Relaxed) {
                            let _ = tx.send(self.simulate_run(run));
                        }
                    })
                })
            });
            let result = (|| {
                for message in rx.iter() {
                    let (run, row) = message?;
                    journal.append(run, &row).map_err(io_at(&journal_path))?;
                    finished += 1;
                    progress(finished, total);
                }
                Ok(())
            })();
            if result.is_err() {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            result
        })?;
        journal.sync().map_err(io_at(&journal_path))?;
        self.finish(dir)?;
        Ok(simulated)
    }

    fn simulate_run(&self, run: u64) -> Result<(u64, String), SweepError> {
        let plan = &self.manifest.plan;
        let (point, replication) = plan.run_of(run);
        let loaded = scenario::from_tree(self.tree.clone(), &self.file, &plan.sets_of(point))?;
        let summary = simulate(
            &loaded.scenario,
            plan.run_seed(replication),
            &mut NoObserver,
        );
        let values = measures::values(&summary, &self.manifest.targets);
        Ok((run, tables::run_row(&self.layout, plan, run, &values)))
    }

    /// Makes `dir` this sweep's: new (writes sweep.json) or, with
    /// `resume`, the same plan's.
    fn claim_directory(&self, dir: &Path, resume: bool) -> Result<(), SweepError> {
        let manifest_path = dir.join(MANIFEST);
        let display = dir.display();
        if manifest_path.exists() {
            if !resume {
                return Err(SweepError::Usage(format!(
                    "{display} already holds a sweep: add --resume to finish it, or choose another --out"
                )));
            }
            let found = read_manifest(dir)?;
            if !same_sweep(&found, &self.manifest) {
                return Err(SweepError::Usage(format!(
                    "{display} holds a different sweep ({}); refusing to resume into it: use the same scenario, --vary, --set, --replications, --seed and --shard, or another --out",
                    describe_difference(&found, &self.manifest)
                )));
            }
            return Ok(());
        }
        if resume {
            return Err(SweepError::Usage(format!(
                "{display} holds no sweep to resume (no {MANIFEST})"
            )));
        }
        std::fs::create_dir_all(dir).map_err(io_at(dir))?;
        let not_empty = std::fs::read_dir(dir).map_err(io_at(dir))?.next().is_some();
        if not_empty {
            return Err(SweepError::Usage(format!(
                "{display} is not empty and holds no sweep: choose an empty or new directory"
            )));
        }
        write_manifest(dir, &self.manifest)
    }

    /// Writes runs.csv and points.csv from the journal, then drops it.
    fn finish(&self, dir: &Path) -> Result<(), SweepError> {
        let journal_path = dir.join(journal::FILE);
        let (entries, _) = journal::scan(&journal_path).map_err(io_at(&journal_path))?;
        let [start, end] = self.manifest.run_range;
        if entries.len() as u64 != end - start {
            return Err(SweepError::Usage(format!(
                "{}: {} runs readable in the journal, {} expected: it was damaged; nothing written (run again with --resume)",
                journal_path.display(),
                entries.len(),
                end - start
            )));
        }
        let header = tables::runs_header(&self.layout, &self.manifest.plan, &self.manifest.targets);
        tables::write_runs(dir, &header, &journal_path, entries).map_err(io_at(dir))?;
        tables::write_points(dir, &self.manifest.plan, &self.manifest.targets)
            .map_err(io_at(dir))?;
        std::fs::remove_file(&journal_path).map_err(io_at(&journal_path))
    }
}

/// Equal but for the scenario's path: the content hash is what counts, so
/// a sweep may be resumed or merged from another working directory.
fn same_sweep(a: &Manifest, b: &Manifest) -> bool {
    let mut a = a.clone();
    a.plan.scenario = b.plan.scenario.clone();
    a == *b
}

fn describe_difference(a: &Manifest, b: &Manifest) -> String {
    let mut parts = Vec::new();
    if a.plan.scenario_hash != b.plan.scenario_hash {
        parts.push("the scenario's content changed".to_string());
    }
    if a.plan.factors != b.plan.factors {
        parts.push("other --vary".into());
    }
    if a.plan.sets != b.plan.sets {
        parts.push("other --set".into());
    }
    if a.plan.replications != b.plan.replications {
        parts.push(format!(
            "{} replications, not {}",
            a.plan.replications, b.plan.replications
        ));
    }
    if a.plan.seed != b.plan.seed {
        parts.push(format!("seed {}, not {}", a.plan.seed, b.plan.seed));
    }
    if a.shard != b.shard {
        parts.push("another --shard".into());
    }
    if a.entraide_version != b.entraide_version {
        parts.push(format!("made by entraide {}", a.entraide_version));
    }
    if parts.is_empty() {
        parts.push("its sweep.json differs".into());
    }
    parts.join(", ")
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), SweepError> {
    let mut text =
        serde_json::to_string_pretty(manifest).map_err(|e| SweepError::Usage(e.to_string()))?;
    text.push('\n');
    let path = dir.join(MANIFEST);
    atomic::write(&path, text.as_bytes()).map_err(io_at(&path))
}

pub fn read_manifest(dir: &Path) -> Result<Manifest, SweepError> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(io_at(&path))?;
    serde_json::from_str(&text)
        .map_err(|e| SweepError::Usage(format!("{}: not a sweep manifest: {e}", path.display())))
}

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
