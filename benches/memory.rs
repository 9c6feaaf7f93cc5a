//! Peak memory of a long run against a short one. Statistics are streamed
//! (histograms, time integrals, a slab of open questions, CSV rows written
//! as they come), so ten simulated years of `scenarios/mercure.toml` must
//! need about as much memory as one; and so must a Mercure without staff,
//! where nobody confirms answers and questions time out.
//!
//! Memory must also follow the live state, not outrun it: a forum k times
//! larger (`entraide::scenario::scaling`: demand, experts, staff ×k) holds
//! about k times the experts, open questions and pending events, so its
//! peak should grow linearly in k. The bench runs one simulated year at
//! k = 1, 4 and 16 and fails if the growth from 4 to 16 per unit of k is
//! more than twice the growth from 1 to 4 (+ 4 MiB for allocator steps):
//! a structure that grew with the square of the forum would fail it.
//!
//! Run: `cargo bench --bench memory` (1 vs 10 years; k = 1, 4, 16). CI
//! smoke-runs it with `-- --test` (1 vs 2 years; k = 1, 2, 4 over 60
//! days). Each run is a fresh child process that reports its own peak
//! resident set (VmHWM, Linux); the bench fails if the long run's peak
//! exceeds the short one's by more than 25 % + 4 MiB.

mod common;
use common::peak_kib;
use entraide::model::{NoObserver, simulate};
use entraide::output::csv_sink::CsvSink;
use entraide::scenario;
use entraide::scenario::scaling;
use std::path::Path;
use std::process::Command;

const CHILD_FLAG: &str = "--child-years";
const SCALE_FLAG: &str = "--child-scale";

/// In the child: simulate `years` of Mercure (without staff if `no_staff`:
/// nobody confirms, questions pile up and time out), streaming the time
/// series to a temporary directory, and print the peak memory in KiB.
fn child(years: u64, no_staff: bool) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
    let mut sets = vec![format!("simulation.horizon={}d", 365 * years)];
    if no_staff {
        sets.push("staff.teams.technical.count=0".into());
        sets.push("staff.teams.commercial.count=0".into());
    }
    let loaded = scenario::load(&path, &sets).unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("entraide-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut sink =
        CsvSink::create(Some(&dir), None, Box::new(|_| {}), 365 * 24 * years).expect("csv sink");
    let summary = simulate(&loaded.scenario, 1, &mut sink);
    sink.finish().expect("csv written");
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{} {}",
        peak_kib().unwrap_or(0),
        summary.questions.posted + summary.questions.open
    );
}

/// In the child: simulate `days` of Mercure scaled by `k` and print the
/// peak memory in KiB, the experts who were members at some point and the
/// peak backlog (the live state that memory should follow).
fn child_scaled(k: u32, days: u64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
    let sets = [format!("simulation.horizon={days}d")];
    let sc = scaling::load(&path, &sets, k).unwrap_or_else(|e| panic!("{e}"));
    let summary = simulate(&sc, 1, &mut NoObserver);
    println!(
        "{} {} {}",
        peak_kib().unwrap_or(0),
        summary.experts.initial + summary.experts.joined,
        summary.backlog.peak
    );
}

/// Peak memory of Mercure ×k for each k: linear in k, or the bench fails.
fn scaled_peaks(exe: &Path, smoke: bool) {
    let (ks, days): ([u32; 3], u64) = if smoke {
        ([1, 2, 4], 60)
    } else {
        ([1, 4, 16], 365)
    };
    let mut peaks = Vec::new();
    for k in ks {
        let out = Command::new(exe)
            .args([SCALE_FLAG, &k.to_string(), &days.to_string()])
            .output()
            .expect("child runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<u64> = text
            .split_whitespace()
            .map(|f| f.parse().expect("a count"))
            .collect();
        let (kib, experts, backlog) = (fields[0], fields[1], fields[2]);
        println!(
            "memory: mercure.toml x{k:<2}, {days} days, {experts:>6} experts, backlog peak {backlog:>6}: peak RSS {:.1} MiB",
            kib as f64 / 1024.0
        );
        peaks.push(kib as f64);
    }
    let first = (peaks[1] - peaks[0]) / f64::from(ks[1] - ks[0]);
    let second = (peaks[2] - peaks[1]) / f64::from(ks[2] - ks[1]);
    println!(
        "memory: per unit of k, {:.0} KiB from x{} to x{}, {:.0} KiB from x{} to x{}",
        first, ks[0], ks[1], second, ks[1], ks[2]
    );
    assert!(
        second <= 2.0 * first.max(0.0) + 4096.0 / f64::from(ks[2] - ks[1]),
        "memory grows faster than the forum: {first:.0} KiB per unit of k from x{} to x{}, {second:.0} from x{} to x{}",
        ks[0],
        ks[1],
        ks[1],
        ks[2]
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == SCALE_FLAG) {
        let k = args.get(i + 1).and_then(|v| v.parse().ok()).unwrap_or(1);
        let days = args.get(i + 2).and_then(|v| v.parse().ok()).unwrap_or(365);
        child_scaled(k, days);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == CHILD_FLAG) {
        let years = args.get(i + 1).and_then(|y| y.parse().ok()).unwrap_or(1);
        child(years, args.iter().any(|a| a == "--no-staff"));
        return;
    }
    if peak_kib().is_none() {
        println!("memory: /proc/self/status has no VmHWM here; nothing measured");
        return;
    }
    let smoke = args.iter().any(|a| a == "--test");
    let horizons: [u64; 2] = if smoke { [1, 2] } else { [1, 10] };
    let exe = std::env::current_exe().expect("own path");
    for (label, extra) in [
        ("mercure.toml", None),
        ("mercure.toml without staff", Some("--no-staff")),
    ] {
        let mut peaks = Vec::new();
        for years in horizons {
            let mut command = Command::new(&exe);
            command.args([CHILD_FLAG, &years.to_string()]);
            command.args(extra);
            let out = command.output().expect("child runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8_lossy(&out.stdout);
            let mut fields = text.split_whitespace();
            let kib: u64 = fields.next().and_then(|f| f.parse().ok()).expect("peak");
            let questions: u64 = fields.next().and_then(|f| f.parse().ok()).expect("count");
            println!(
                "memory: {label}, {years:>2} simulated year(s), {questions:>9} questions: peak RSS {:.1} MiB",
                kib as f64 / 1024.0
            );
            peaks.push(kib);
        }
        let (short, long) = (peaks[0] as f64, peaks[1] as f64);
        println!(
            "memory: {label}: {}-year / {}-year peak = {:.2}",
            horizons[1],
            horizons[0],
            long / short
        );
        assert!(
            long <= 1.25 * short + 4096.0,
            "{label}: memory grows with the horizon: {short} KiB for {} year(s), {long} KiB for {}",
            horizons[0],
            horizons[1]
        );
    }
    scaled_peaks(&exe, smoke);
}
