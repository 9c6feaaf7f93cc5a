//! `run --replications` and `compare`, driving the real binary on short
//! horizons: the same bytes on 1 and 2 threads, one replication is a plain
//! run, the means and half-widths in summary.json are those of the rows of
//! replications.csv (recomputed here, not by the crate's code), and paired
//! comparisons find nothing between a scenario and itself but do find the
//! expert-share drop of answering at once, print differences of shares in
//! points and say that no multiple-comparison correction is made.

mod common;

use common::{column, entraide, ok, temp};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SHORT: &str = "simulation.horizon=40d";

fn replicated(threads: &str) -> PathBuf {
    let dir = temp(&format!("repl-threads-{threads}"));
    let d = dir.to_string_lossy().to_string();
    ok(&[
        "run",
        "scenarios/mercure.toml",
        "--set",
        SHORT,
        "--replications",
        "4",
        "--threads",
        threads,
        "--seed",
        "11",
        "--quiet",
        "--out",
        &d,
    ]);
    dir
}

fn two_threads() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| replicated("2"))
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn json(text: &[u8]) -> Value {
    serde_json::from_slice(text).expect("valid JSON")
}

#[test]
fn the_same_bytes_on_one_and_two_threads() {
    let one = replicated("1");
    for name in ["replications.csv", "summary.json", "timeseries.csv"] {
        assert!(
            read(&one, name) == read(two_threads(), name),
            "{name} differs between --threads 1 and --threads 2"
        );
    }
}

#[test]
fn one_replication_is_a_plain_run() {
    let plain = temp("repl-plain");
    let single = temp("repl-single");
    let run = |dir: &Path, extra: &[&str]| {
        let d = dir.to_string_lossy().to_string();
        let mut args = vec![
            "run",
            "scenarios/mercure.toml",
            "--set",
            SHORT,
            "--seed",
            "7",
            "--out",
            &d,
        ];
        args.extend(extra);
        ok(&args).stdout
    };
    let plain_table = run(&plain, &[]);
    let single_table = run(&single, &["--replications", "1"]);
    assert_eq!(plain_table, single_table);
    for name in ["summary.json", "timeseries.csv"] {
        assert!(read(&plain, name) == read(&single, name), "{name} differs");
    }
    assert!(!single.join("replications.csv").exists());
}

fn at<'a>(tree: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(tree, |node, key| &node[key])
}

#[test]
fn summary_means_and_half_widths_come_from_the_rows() {
    let dir = two_threads();
    let rows = read(dir, "replications.csv");
    let summary = json(&read(dir, "summary.json"));
    assert_eq!(summary["replications"], 4);
    assert_eq!(summary["scenario"]["seed"], 11);
    assert_eq!(column(&rows, "replication"), [0.0, 1.0, 2.0, 3.0]);
    for (col, path) in [
        ("questions_posted", "questions.posted"),
        ("expert_share", "answers.expert_share"),
        ("backlog_mean", "backlog.mean"),
        ("staff_utilisation", "staff.utilisation"),
        ("first_response_median_hours", "first_response.median_hours"),
        ("first_response_within_4h", "first_response.within.4h"),
    ] {
        let xs = column(&rows, col);
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        // Student t, 0.975 quantile, 3 degrees of freedom.
        let half_width = 3.182 * var.sqrt() / n.sqrt();
        let got_mean = at(&summary, path).as_f64().expect("a mean");
        let got_hw = at(&summary["ci95"], path).as_f64().expect("a half-width");
        assert!(
            (got_mean - mean).abs() <= 1e-9 * mean.abs().max(1.0),
            "{path}: {got_mean} vs {mean}"
        );
        assert!(
            (got_hw - half_width).abs() <= 1e-9 * half_width.abs().max(1.0),
            "{path}: {got_hw} vs {half_width}"
        );
    }
    // A retention beyond the horizon is null in every replication: null.
    assert!(summary["experts"]["retention_365d"].is_null());
    assert!(summary["ci95"]["experts"]["retention_365d"].is_null());
    assert_eq!(summary["scenario"]["name"], "mercure");
    assert!(summary["ci95"]["scenario"]["name"].is_null());
}

#[test]
fn the_report_reads_a_replicated_directory() {
    let dir = two_threads();
    let d = dir.to_string_lossy().to_string();
    ok(&["report", &d]);
    assert!(dir.join("report.html").exists());
}

fn compare(a: &str, b: &str) -> Value {
    let out = ok(&[
        "compare",
        a,
        b,
        "--set",
        SHORT,
        "--replications",
        "5",
        "--threads",
        "2",
        "--json",
    ]);
    json(&out.stdout)
}

fn measure<'a>(c: &'a Value, name: &str) -> &'a Value {
    c["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["measure"] == name)
        .unwrap_or_else(|| panic!("no measure {name}"))
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_nothing() {
    let c = compare("scenarios/mercure.toml", "scenarios/mercure.toml");
    assert_eq!(c["replications"], 5);
    assert_eq!(c["confidence"], 0.95);
    assert_eq!(c["multiple_comparison_correction"], "none");
    for m in c["measures"].as_array().expect("measures") {
        assert_eq!(m["distinguishable"], false, "{m}");
        if !m["a_mean"].is_null() {
            assert_eq!(m["difference_mean"].as_f64(), Some(0.0), "{m}");
            assert_eq!(m["difference_ci95"].as_f64(), Some(0.0), "{m}");
            assert_eq!(m["a_mean"], m["b_mean"]);
        }
    }
}

#[test]
fn answering_at_once_lowers_the_expert_share_beyond_noise() {
    let c = compare("scenarios/mercure.toml", "scenarios/mercure-immediate.toml");
    let share = measure(&c, "expert_share");
    assert_eq!(share["distinguishable"], true, "{share}");
    let d = share["difference_mean"].as_f64().expect("a difference");
    assert!(d < 0.0, "B − A = {d}: answering at once should lower it");
    let a = share["a_mean"].as_f64().unwrap();
    let b = share["b_mean"].as_f64().unwrap();
    assert!((b - a - d).abs() < 1e-12);
}

#[test]
fn the_comparison_table_names_what_is_distinguishable() {
    let out = ok(&[
        "compare",
        "scenarios/mercure.toml",
        "scenarios/mercure-immediate.toml",
        "--set",
        SHORT,
        "--replications",
        "3",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("n = 3 replications"), "{text}");
    assert!(text.contains("distinguishable from noise:"), "{text}");
    assert!(
        text.contains("no correction for multiple comparisons"),
        "{text}"
    );
    // Shares are levels in per cent, their differences in points.
    let share = text
        .lines()
        .find(|l| l.trim_start().starts_with("expert_share "))
        .expect("an expert_share line");
    assert_eq!(share.matches(" %").count(), 2, "{share}");
    assert!(share.contains(" pts"), "{share}");
}

fn fails_with_2(args: &[&str], expected: &[&str]) {
    let out = entraide(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    for e in expected {
        assert!(stderr.contains(e), "{args:?}: {stderr} lacks {e:?}");
    }
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let mercure = "scenarios/mercure.toml";
    fails_with_2(
        &["compare", mercure, "scenarios/no-such.toml"],
        &["scenarios/no-such.toml"],
    );
    fails_with_2(
        &["compare", mercure, mercure, "--replications", "0"],
        &["--replications"],
    );
    fails_with_2(
        &["compare", mercure, mercure, "--replications", "1"],
        &["--replications"],
    );
    fails_with_2(
        &[
            "compare",
            mercure,
            mercure,
            "--set",
            "demand.questions_per_day=-3",
        ],
        &["demand.questions_per_day"],
    );
    fails_with_2(
        &["compare", mercure, mercure, "--threads", "0"],
        &["--threads"],
    );
    fails_with_2(
        &["run", mercure, "--replications", "0"],
        &["--replications"],
    );
    fails_with_2(
        &["run", mercure, "--replications", "2", "--threads", "0"],
        &["--threads"],
    );
}
