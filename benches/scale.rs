//! Does the cost of an event grow with the forum? Events per second of one
//! simulated year of `scenarios/mercure.toml` at k = 1, 16 and 64 (demand,
//! experts, staff and the knowledge base all ×k, by
//! `entraide::scenario::scaling`, as in `tests/scaling.rs`), single
//! thread, side by side in one group. A model whose work per event is
//! bounded shows the same rate at every size; one that walks every online
//! expert on some events slows down as k grows.
//!
//! Run: `cargo bench --bench scale` (about four minutes: a year at k = 64
//! is 52 million events). CI smoke-runs it with
//! `cargo bench --bench scale -- --test`: each size once, over 30 days.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use entraide::model::{NoObserver, simulate};
use entraide::scenario::scaling;
use std::hint::black_box;
use std::path::Path;

fn mercure_scaled(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
    let mut group = c.benchmark_group("mercure_one_year_scaled");
    group.sample_size(10);
    // The smoke run only checks that each size runs.
    let smoke = std::env::args().any(|a| a == "--test");
    let base: Vec<String> = match smoke {
        true => vec!["simulation.horizon=30d".into()],
        false => Vec::new(),
    };
    for k in [1, 16, 64] {
        let sc = scaling::load(&path, &base, k).unwrap_or_else(|e| panic!("{e}"));
        // The events of one run at the scenario's seed: the throughput
        // criterion divides by the time of each iteration (same seed).
        let probe = simulate(&sc, sc.simulation.seed, &mut NoObserver);
        group.throughput(Throughput::Elements(probe.engine.events));
        group.bench_with_input(
            BenchmarkId::new("events", format!("k={k}")),
            &sc,
            |b, sc| b.iter(|| simulate(black_box(sc), sc.simulation.seed, &mut NoObserver)),
        );
    }
    group.finish();
}

criterion_group!(benches, mercure_scaled);
criterion_main!(benches);
