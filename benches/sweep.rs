//! Parallel throughput: runs per second of a sweep (a grid of short runs),
//! of replications (`run --replications`, `compare`: one scenario under
//! many seeds) and of `plan` (docs/plan.md's Mercure command: three
//! delays, two targets, four blocks, a simulated year a run) with one
//! worker thread and with every core, and the parallel efficiency
//! (speed-up / cores). The sweep and the replications are timed three
//! times, best kept; the plan (about a minute on one core) once.
//!
//! Run: `cargo bench --bench sweep`. CI smoke-runs it with `-- --test`
//! (a tiny grid, a 30-day plan, once).

use entraide::model::NoObserver;
use entraide::sweep::{Request, Sweep, plan::parse_vary};
use std::path::PathBuf;
use std::time::Instant;

fn request(replications: u32) -> Request {
    Request {
        scenario: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml"),
        sets: vec![
            "simulation.horizon=30d".into(),
            "simulation.warmup=0s".into(),
        ],
        factors: vec![
            parse_vary("policy.intervention_delay=0h,1h,2h,3h,4h,8h").expect("vary"),
            parse_vary("staff.teams.technical.count=6..24:6").expect("vary"),
        ],
        replications,
        seed: 1,
        shard: None,
        baseline: Vec::new(),
    }
}

/// Seconds for the whole sweep with `threads` workers (fresh directory).
fn time_sweep(replications: u32, threads: usize) -> (f64, u64) {
    let sweep = Sweep::prepare(request(replications)).expect("plan");
    let dir = std::env::temp_dir().join(format!(
        "entraide-bench-sweep-{}-{threads}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let start = Instant::now();
    let runs = sweep
        .run(&dir, false, Some(threads), &mut |_, _| {})
        .expect("sweep");
    let seconds = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    (seconds, runs)
}

/// Seconds for `n` replications of 30 days of Mercure on `threads` workers.
fn time_replications(n: u32, threads: usize) -> (f64, u64) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
    let sets = [
        "simulation.horizon=30d".to_string(),
        "simulation.warmup=0s".to_string(),
    ];
    let loaded = entraide::scenario::load(&path, &sets).expect("scenario");
    let seeds = entraide::replicate::seeds(1, n);
    let start = Instant::now();
    let summaries =
        entraide::replicate::run(&loaded.scenario, &seeds, Some(threads), &mut NoObserver)
            .expect("replications");
    (start.elapsed().as_secs_f64(), summaries.len() as u64)
}

/// Seconds and simulated runs of docs/plan.md's Mercure plan (`smoke`:
/// 30 days a run, 3 to 6 replications a plan, one delay).
fn time_plan(smoke: bool, threads: usize) -> (f64, u64) {
    use entraide::plan::{self, targets};
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
    let sets: Vec<String> = if smoke {
        vec![
            "simulation.horizon=30d".into(),
            "simulation.warmup=7d".into(),
        ]
    } else {
        Vec::new()
    };
    let mut scenario = entraide::scenario::load(&path, &sets)
        .expect("scenario")
        .scenario;
    let targets = targets::parse_all(&[
        "answered_within(4h) >= 85%".to_string(),
        "exited <= 5%".to_string(),
    ])
    .expect("targets");
    targets::add_response_targets(&mut scenario, &targets);
    let hours = |h: u64| entraide::time::SimDuration::from_hours(h as f64);
    let options = plan::Options {
        delays: if smoke {
            vec![hours(0)]
        } else {
            vec![hours(0), hours(1), hours(3)]
        },
        teams: (0..scenario.staff.teams.len()).collect(),
        weights: vec![1.0; scenario.staff.teams.len()],
        confidence: 0.95,
        seed: scenario.simulation.seed,
        first_stage: if smoke { 3 } else { 10 },
        max_replications: if smoke { 6 } else { 100 },
        start: plan::Start::Analytic,
        threads: Some(threads),
    };
    let start = Instant::now();
    let outcome = plan::run(
        &scenario,
        &targets,
        &options,
        &mut |_| {},
        plan::Resume::default(),
    )
    .expect("plan");
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "plan: {threads} thread(s): {:.1} simulated years, {} runs, {seconds:.1} s",
        outcome.simulated_days / 365.0,
        outcome.runs
    );
    (seconds, outcome.runs)
}

/// Times `work(threads)` on one thread and on every core (best of
/// `repeats`) and prints runs per second and the parallel efficiency.
fn measure(label: &str, repeats: u32, work: impl Fn(usize) -> (f64, u64)) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut best = Vec::new();
    for threads in [1, cores] {
        let mut fastest = f64::INFINITY;
        let mut runs = 0;
        for _ in 0..repeats {
            let (seconds, n) = work(threads);
            fastest = fastest.min(seconds);
            runs = n;
        }
        println!(
            "{label}: {runs} runs of mercure.toml, {threads} thread(s): {fastest:.2} s, {:.1} runs/s",
            runs as f64 / fastest
        );
        best.push(fastest);
    }
    if cores > 1 {
        let speedup = best[0] / best[1];
        println!(
            "{label}: speed-up {speedup:.2} on {cores} cores, parallel efficiency {:.0} %",
            100.0 * speedup / cores as f64
        );
    }
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--test");
    let (replications, repeats) = if smoke { (1, 1) } else { (4, 3) };
    measure("sweep", repeats, |threads| {
        time_sweep(replications, threads)
    });
    let seeds = if smoke { 4 } else { 32 };
    measure("replications", repeats, |threads| {
        time_replications(seeds, threads)
    });
    measure("plan", 1, |threads| time_plan(smoke, threads));
}
