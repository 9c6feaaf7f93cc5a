//! `entraide bench`: the JSON document has every documented key, its
//! counts are the library's own `simulate()` counts for the scenario and
//! overrides it reports, two runs simulate the same, and bad options are
//! refused with exit 2. No timing is asserted: speed is for benchmarks.

mod common;

use common::{entraide, ok, root, temp};
use entraide::model::{NoObserver, simulate};
use entraide::scenario;
use serde_json::Value;

/// The top-level keys of the document, as docs/performance.md lists them.
const TOP_KEYS: &[&str] = &[
    "schema",
    "entraide_version",
    "build",
    "seed",
    "quick",
    "repeat",
    "threads_available",
    "threads",
    "cases",
];

const BUILD_KEYS: &[&str] = &[
    "profile",
    "opt_level",
    "debug_assertions",
    "target",
    "rustc",
];

/// The keys of each case, as docs/performance.md lists them.
const CASE_KEYS: &[&str] = &[
    "name",
    "description",
    "scenario",
    "horizon",
    "sets",
    "vary",
    "replications",
    "seed",
    "runs",
    "threads",
    "customers",
    "events",
    "wall_seconds",
    "wall_seconds_best",
    "wall_seconds_median",
    "cpu_seconds_best",
    "cpu_seconds_median",
    "customers_per_second",
    "events_per_second",
    "events_per_second_median",
    "events_per_cpu_second",
    "runs_per_second",
    "peak_memory_kib",
    "single_thread_wall_seconds_best",
    "speedup",
];

fn bench_json(args: &[&str]) -> Value {
    let mut all = vec!["bench", "--json", "--quick"];
    all.extend(args);
    let out = ok(&all);
    serde_json::from_slice(&out.stdout).expect("bench --json prints one JSON document")
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut keys: Vec<String> = list.iter().map(|k| k.to_string()).collect();
    keys.sort();
    keys
}

/// Every documented key, exactly, and counts equal to those of
/// `simulate()` run here on the scenario file with the reported overrides
/// and seed; the repeats' counts agree (the command checks them).
#[test]
fn json_has_the_documented_keys_and_the_library_counts() {
    let doc = bench_json(&["--repeat", "2", "--cases", "erlang-a,mercure-year"]);
    assert_eq!(keys(&doc), sorted(TOP_KEYS));
    assert_eq!(keys(&doc["build"]), sorted(BUILD_KEYS));
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["quick"], true);
    assert_eq!(doc["repeat"], 2);
    assert_eq!(doc["entraide_version"], env!("CARGO_PKG_VERSION"));
    let profile = doc["build"]["profile"].as_str().unwrap();
    assert!(["debug", "release"].contains(&profile), "{profile}");
    assert!(!doc["build"]["target"].as_str().unwrap().is_empty());
    let cases = doc["cases"].as_array().unwrap();
    let names: Vec<&str> = cases.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["erlang-a", "mercure-year"]);
    for case in cases {
        assert_eq!(keys(case), sorted(CASE_KEYS), "{}", case["name"]);
        assert_eq!(case["runs"], 1);
        assert_eq!(case["threads"], 1);
        assert_eq!(case["wall_seconds"].as_array().unwrap().len(), 2);
        assert!(case["speedup"].is_null());
        let sets: Vec<String> = case["sets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        let file = root().join(case["scenario"].as_str().unwrap());
        let sc = scenario::load(&file, &sets).unwrap().scenario;
        let summary = simulate(&sc, case["seed"].as_u64().unwrap(), &mut NoObserver);
        assert_eq!(
            case["customers"], summary.questions.posted,
            "{}",
            case["name"]
        );
        assert_eq!(case["events"], summary.engine.events, "{}", case["name"]);
        assert!(summary.questions.posted > 0);
        for rate in [
            "customers_per_second",
            "events_per_second",
            "runs_per_second",
        ] {
            assert!(case[rate].as_f64().unwrap() > 0.0, "{rate}");
        }
        let best = case["wall_seconds_best"].as_f64().unwrap();
        let median = case["wall_seconds_median"].as_f64().unwrap();
        assert!(best <= median);
        if cfg!(target_os = "linux") {
            assert!(case["peak_memory_kib"].as_u64().unwrap() > 0);
            assert!(case["cpu_seconds_best"].as_f64().is_some());
        }
    }
}

/// Two invocations simulate the same work: the counts are a function of
/// the fixed seed. The x16 case's overrides are the library's scaling.
#[test]
fn two_runs_simulate_the_same_and_the_x16_case_is_scaled() {
    let counts = |doc: &Value| -> Vec<(u64, u64)> {
        doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["customers"].as_u64().unwrap(),
                    c["events"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let args = ["--repeat", "1", "--cases", "mercure-x16-year"];
    let (a, b) = (bench_json(&args), bench_json(&args));
    assert_eq!(counts(&a), counts(&b));
    let case = &a["cases"][0];
    let base = vec![
        "simulation.horizon=30d".to_string(),
        "simulation.warmup=0s".to_string(),
    ];
    let expected =
        scenario::scaling::overrides(&root().join("scenarios/mercure.toml"), &base, 16).unwrap();
    assert_eq!(case["sets"], serde_json::json!(expected));
}

/// The sweep case reports its runs and, on two threads, its speed-up.
#[test]
fn the_sweep_case_reports_runs_and_speedup() {
    let doc = bench_json(&["--repeat", "1", "--cases", "sweep-small", "--threads", "2"]);
    let case = &doc["cases"][0];
    assert_eq!(doc["threads"], 2);
    assert_eq!(case["threads"], 2);
    assert_eq!(case["runs"], 4);
    assert_eq!(case["replications"], 1);
    assert!(case["speedup"].as_f64().unwrap() > 0.0);
    assert!(case["single_thread_wall_seconds_best"].as_f64().is_some());
    assert!(case["customers"].as_u64().unwrap() > 0);
}

#[test]
fn an_unknown_case_is_refused_with_the_valid_ones() {
    let out = entraide(&["bench", "--cases", "erlang-a,erlang-b"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\"erlang-b\" is not a case"), "{stderr}");
    assert!(
        stderr.contains("erlang-a, mercure-year, mercure-x16-year, sweep-small"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn zero_repeats_or_threads_are_refused() {
    for args in [["bench", "--repeat", "0"], ["bench", "--threads", "0"]] {
        let out = entraide(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// A corrupt, foreign or missing `--compare` file is refused with exit 2
/// naming it, before anything is measured.
#[test]
fn a_bad_compare_file_is_refused_naming_it() {
    let dir = temp("bench-compare-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let corrupt = dir.join("corrupt.json");
    std::fs::write(&corrupt, "{\"schema\": 1, \"cases\": [").unwrap();
    let foreign = dir.join("foreign.json");
    std::fs::write(&foreign, "{\"hello\": 1}").unwrap();
    let future = dir.join("future.json");
    std::fs::write(&future, "{\"schema\": 99}").unwrap();
    let missing = dir.join("missing.json");
    for (file, says) in [
        (&corrupt, "not JSON"),
        (&foreign, "no \"schema\""),
        (&future, "schema 99"),
        (&missing, "cannot read"),
    ] {
        let out = entraide(&["bench", "--quick", "--compare", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", file.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&file.display().to_string()), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `--save` path that cannot be written is refused before anything runs.
#[test]
fn a_bad_save_path_is_refused_first() {
    let dir = temp("bench-save-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let nowhere = dir.join("no/such/dir/bench.json");
    for (path, says) in [(&dir, "a directory"), (&nowhere, "does not exist")] {
        let out = entraide(&["bench", "--save", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--save` writes the document; `--compare` reads it back: the same
/// work on both sides, a ratio per case, a verdict.
#[test]
fn save_then_compare() {
    let dir = temp("bench-compare");
    std::fs::create_dir_all(&dir).unwrap();
    let old = dir.join("old.json");
    let args = ["--repeat", "1", "--cases", "erlang-a"];
    let saved = {
        let mut all = vec!["--save", old.to_str().unwrap()];
        all.extend(args);
        bench_json(&all)
    };
    let on_disk: Value = serde_json::from_slice(&std::fs::read(&old).unwrap()).unwrap();
    assert_eq!(saved, on_disk);
    let mut all = vec!["--compare", old.to_str().unwrap()];
    all.extend(args);
    let doc = bench_json(&all);
    let cmp = &doc["compared_with"];
    assert_eq!(cmp["file"], old.to_str().unwrap());
    let case = &cmp["cases"][0];
    assert_eq!(case["name"], "erlang-a");
    assert_eq!(case["same_work"], true);
    assert!(case["ratio"].as_f64().unwrap() > 0.0);
    assert!(case["noise"].as_f64().unwrap() >= 0.02);
    let verdict = case["verdict"].as_str().unwrap();
    assert!(["faster", "slower", "within noise"].contains(&verdict));
    // One measurement a side: the note says the band is only its floor.
    let notes = cmp["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].as_str().unwrap().contains("--repeat 3"),
        "{notes:?}"
    );
    // The table names the old file and the case.
    let out = ok(&[
        "bench",
        "--quick",
        "--repeat",
        "1",
        "--cases",
        "mercure-year",
        "--compare",
        old.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("against "), "{table}");
    assert!(
        table.contains("erlang-a") && table.contains("only in old"),
        "{table}"
    );
    assert!(
        table.contains("mercure-year") && table.contains("only in new"),
        "{table}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The table has one row per case, with its counts grouped by thousands.
#[test]
fn the_table_lists_each_case() {
    let out = ok(&["bench", "--quick", "--repeat", "1", "--cases", "erlang-a"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("events/s"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("erlang-a "))
        .unwrap_or_else(|| panic!("no erlang-a row in:\n{table}"));
    assert!(row.contains(','), "counts grouped by thousands: {row}");
    assert!(table.contains("--quick"), "{table}");
}

/// The `jq` check docs/performance.md gives a pipeline (fail when a case
/// is slower) works on a real comparison: true for a file compared with
/// itself, false once a case is marked slower. Skipped without jq.
#[test]
fn the_documented_jq_check_works() {
    if std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("jq is not installed: skipped");
        return;
    }
    let page = std::fs::read_to_string(root().join("docs/performance.md")).unwrap();
    let start = page
        .find("`jq -e\n'")
        .or_else(|| page.find("`jq -e '"))
        .expect("the jq check in docs/performance.md");
    let span = &page[start + 1..];
    let span = span[..span.find('`').unwrap()].replace('\n', " ");
    let filter = span
        .strip_prefix("jq -e ")
        .unwrap()
        .trim()
        .trim_matches('\'')
        .to_string();
    let dir = temp("bench-jq");
    std::fs::create_dir_all(&dir).unwrap();
    let old = dir.join("old.json");
    ok(&[
        "bench",
        "--json",
        "--quick",
        "--repeat",
        "1",
        "--cases",
        "erlang-a",
        "--save",
        old.to_str().unwrap(),
    ]);
    let out = ok(&[
        "bench",
        "--json",
        "--compare",
        old.to_str().unwrap(),
        "--new",
        old.to_str().unwrap(),
    ]);
    let mut doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["compared_with"]["cases"][0]["verdict"], "within noise");
    let jq = |doc: &Value| {
        let file = dir.join("compared.json");
        std::fs::write(&file, doc.to_string()).unwrap();
        std::process::Command::new("jq")
            .args(["-e", &filter])
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(
        jq(&doc),
        "jq -e '{filter}' fails on an unchanged comparison"
    );
    doc["compared_with"]["cases"][0]["verdict"] = "slower".into();
    assert!(!jq(&doc), "jq -e '{filter}' passes a slower case");
    let _ = std::fs::remove_dir_all(&dir);
}
