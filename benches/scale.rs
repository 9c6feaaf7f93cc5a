//! Does the cost of an event grow with the forum? Events per second of one
//! simulated year of `scenarios/mercure.toml` at k = 1 and at k = 16
//! (demand, experts, staff and the knowledge base all ×16, as in
//! `tests/scaling.rs`), single thread, side by side in one group. A model
//! whose work per event is bounded shows the same rate at both sizes;
//! one that walks every online expert on some events slows down at k = 16.
//!
//! Run: `cargo bench --bench scale`. CI smoke-runs it with
//! `cargo bench --bench scale -- --test` (each size once).

#[path = "../tests/common/scaling.rs"]
mod scaling;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use entraide::model::{NoObserver, simulate};
use std::hint::black_box;
use std::path::Path;

fn mercure_scaled(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
    let mut group = c.benchmark_group("mercure_one_year_scaled");
    group.sample_size(10);
    for k in [1, 16] {
        let sc = scaling::load(&path, &[], k).unwrap_or_else(|e| panic!("{e}"));
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
