//! Engine throughput, single thread:
//! - the Erlang-A case (100 arrivals/h, 25 staff, mean handling 15 min,
//!   mean patience 1 h): customers per second (and events per second);
//! - one simulated year of `scenarios/mercure.toml`: time per year and
//!   events per second.
//!
//! Run: `cargo bench --bench engine`. CI smoke-runs it with
//! `cargo bench --bench engine -- --test` (each benchmark once).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use entraide::model::{NoObserver, simulate};
use entraide::scenario::{self, Scenario};
use std::hint::black_box;
use std::path::Path;

fn scenario(file: &str, sets: &[&str]) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match scenario::load(&path, &sets) {
        Ok(loaded) => loaded.scenario,
        Err(e) => panic!("{e}"),
    }
}

fn erlang_a(c: &mut Criterion) {
    // Four simulated weeks: about 67,000 customers per run.
    let sc = scenario(
        "erlang-a.toml",
        &["simulation.horizon=4w", "simulation.warmup=0s"],
    );
    let probe = simulate(&sc, 1, &mut NoObserver);
    let mut group = c.benchmark_group("erlang_a_100_per_h_25_staff");
    group.sample_size(20);
    group.throughput(Throughput::Elements(probe.questions.posted));
    group.bench_function("customers", |b| {
        b.iter(|| simulate(black_box(&sc), 1, &mut NoObserver))
    });
    group.throughput(Throughput::Elements(probe.engine.events));
    group.bench_function("events", |b| {
        b.iter(|| simulate(black_box(&sc), 1, &mut NoObserver))
    });
    group.finish();
}

fn mercure_year(c: &mut Criterion) {
    let sc = scenario("mercure.toml", &[]);
    let probe = simulate(&sc, 1, &mut NoObserver);
    let mut group = c.benchmark_group("mercure_one_year");
    group.sample_size(10);
    group.throughput(Throughput::Elements(probe.engine.events));
    group.bench_function("events", |b| {
        b.iter(|| simulate(black_box(&sc), 1, &mut NoObserver))
    });
    group.finish();
}

criterion_group!(benches, erlang_a, mercure_year);
criterion_main!(benches);
