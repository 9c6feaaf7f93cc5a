//! Peak memory of a long run against a short one. Statistics are streamed
//! (histograms, time integrals, a slab of open questions, CSV rows written
//! as they come), so ten simulated years of `scenarios/mercure.toml` must
//! need about as much memory as one; and so must a Mercure without staff,
//! where nobody confirms answers and questions time out.
//!
//! Run: `cargo bench --bench memory` (1 vs 10 years). CI smoke-runs it
//! with `-- --test` (1 vs 2 years). Each horizon runs in a fresh child
//! process that reports its own peak resident set (VmHWM, Linux); the
//! bench fails if the long run's peak exceeds the short one's by more
//! than 25 % + 4 MiB.

use entraide::model::simulate;
use entraide::output::csv_sink::CsvSink;
use entraide::scenario;
use std::path::Path;
use std::process::Command;

const CHILD_FLAG: &str = "--child-years";

fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

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
        CsvSink::create(Some(&dir), false, Box::new(|_| {}), 365 * 24 * years).expect("csv sink");
    let summary = simulate(&loaded.scenario, 1, &mut sink);
    sink.finish().expect("csv written");
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{} {}",
        peak_kib().unwrap_or(0),
        summary.questions.posted + summary.questions.open
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
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
}
