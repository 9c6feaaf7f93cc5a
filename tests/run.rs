//! `entraide run` end to end, driving the real binary: golden summaries of
//! every shipped scenario, conservation of questions, determinism, and the
//! output files. The field claims are checked on replicated runs, in
//! tests/field_claims.rs.
//!
//! Golden files live in tests/golden/. After an intended change of the
//! model, regenerate them with `ENTRAIDE_BLESS=1 cargo test --test run` and
//! review the diff like any other change.

mod common;

use common::{ok, root, temp};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const SCENARIOS: [&str; 6] = [
    "mercure",
    "mercure-no-experts",
    "mercure-immediate",
    "airline-24-7",
    "erlang-a",
    "hourly-sinusoid",
];

struct Run {
    summary_text: String,
    summary: Value,
    dir: PathBuf,
}

fn run_scenario(name: &str, extra: &[&str]) -> Run {
    let dir = temp(&format!(
        "{name}-{}",
        extra.join("_").replace(['/', '='], "-")
    ));
    let scenario = format!("scenarios/{name}.toml");
    let mut args = vec!["run", scenario.as_str(), "--quiet", "--trace", "--out"];
    let dir_text = dir.to_string_lossy().to_string();
    args.push(&dir_text);
    args.extend_from_slice(extra);
    let out = ok(&args);
    assert!(out.stdout.is_empty(), "--quiet prints nothing on stdout");
    let summary_text = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    let summary = serde_json::from_str(&summary_text).unwrap();
    Run {
        summary_text,
        summary,
        dir,
    }
}

/// Every shipped scenario, run once at its own seed, shared by the tests.
fn shipped() -> &'static BTreeMap<&'static str, Run> {
    static RUNS: OnceLock<BTreeMap<&'static str, Run>> = OnceLock::new();
    RUNS.get_or_init(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = SCENARIOS
                .iter()
                .map(|&name| (name, s.spawn(move || run_scenario(name, &[]))))
                .collect();
            handles
                .into_iter()
                .map(|(name, h)| (name, h.join().unwrap()))
                .collect()
        })
    })
}

fn num(v: &Value, path: &str) -> f64 {
    let mut node = v;
    for key in path.split('.') {
        node = &node[key];
    }
    node.as_f64()
        .unwrap_or_else(|| panic!("{path} is not a number: {node}"))
}

#[test]
fn golden_summaries_of_shipped_scenarios() {
    let bless = std::env::var_os("ENTRAIDE_BLESS").is_some();
    let mut mismatches = Vec::new();
    for (name, run) in shipped() {
        let golden = root().join("tests/golden").join(format!("{name}.json"));
        if bless {
            std::fs::write(&golden, &run.summary_text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
            panic!(
                "no golden file {}: run ENTRAIDE_BLESS=1 cargo test --test run",
                golden.display()
            )
        });
        if expected != run.summary_text {
            let first_difference = expected
                .lines()
                .zip(run.summary_text.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .map(|(i, (a, b))| format!("line {}: expected {a:?}, got {b:?}", i + 1))
                .unwrap_or_else(|| "lengths differ".into());
            mismatches.push(format!("{name}: {first_difference}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "summaries differ from tests/golden (if the model changed on purpose, \
         re-bless with ENTRAIDE_BLESS=1 and review the diff):\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn every_question_is_accounted_for() {
    for (name, run) in shipped() {
        let s = &run.summary;
        let q = |k: &str| num(s, &format!("questions.{k}"));
        let posted = q("posted");
        let fates = q("resolved_by_experts")
            + q("resolved_by_staff")
            + q("escalated")
            + q("exited")
            + q("complained")
            + q("open");
        assert_eq!(posted, fates, "{name}: posted != sum of fates");
        assert_eq!(
            q("escalated"),
            q("resolved_by_back_office") + q("in_back_office"),
            "{name}: escalations"
        );
        assert!(posted > 0.0, "{name}: no questions");
        // The trace has one row per question ever posted, each id once,
        // and its outcomes after the warm-up agree with the summary.
        let mut reader = csv::Reader::from_path(run.dir.join("questions.csv")).unwrap();
        let headers = reader.headers().unwrap().clone();
        let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
        let (id_col, outcome_col, warmup_col) = (col("id"), col("outcome"), col("warmup"));
        let mut ids = Vec::new();
        let mut outcomes: BTreeMap<String, f64> = BTreeMap::new();
        for record in reader.records() {
            let record = record.unwrap();
            ids.push(record[id_col].parse::<u64>().unwrap());
            if &record[warmup_col] == "false" {
                *outcomes.entry(record[outcome_col].to_string()).or_default() += 1.0;
            }
        }
        ids.sort_unstable();
        let n = ids.len() as u64;
        assert!(
            ids.iter().copied().eq(0..n),
            "{name}: trace ids are not 0..{n}, each once"
        );
        let get = |k: &str| outcomes.get(k).copied().unwrap_or(0.0);
        assert_eq!(
            get("resolved_by_expert"),
            q("resolved_by_experts"),
            "{name}"
        );
        assert_eq!(get("resolved_by_staff"), q("resolved_by_staff"), "{name}");
        assert_eq!(get("exited"), q("exited"), "{name}");
        assert_eq!(get("complained"), q("complained"), "{name}");
        assert_eq!(get("open"), q("open"), "{name}");
        assert_eq!(
            get("resolved_by_back_office") + get("in_back_office"),
            q("escalated"),
            "{name}"
        );
        // The hourly series counts every posting, warm-up included.
        let mut hours = csv::Reader::from_path(run.dir.join("timeseries.csv")).unwrap();
        let h = hours.headers().unwrap().clone();
        let posted_col = h.iter().position(|c| c == "posted").unwrap();
        let posted_all: u64 = hours
            .records()
            .map(|r| r.unwrap()[posted_col].parse::<u64>().unwrap())
            .sum();
        assert_eq!(posted_all, n, "{name}: time series vs trace");
    }
}

/// `posts.csv` tells the same story as `questions.csv`: one question post
/// per thread, as many chases as the trace counts, the first response
/// (an answer or an escalation's acknowledgement) at the trace's time and
/// by the trace's responder, and posts in time order.
#[test]
fn the_post_log_agrees_with_the_question_trace() {
    for (name, run) in shipped() {
        #[derive(Default)]
        struct Thread {
            questions: u32,
            chases: u32,
            first: Option<(String, String)>,
        }
        let mut threads: BTreeMap<u64, Thread> = BTreeMap::new();
        let mut posts = csv::Reader::from_path(run.dir.join("posts.csv")).unwrap();
        let h = posts.headers().unwrap().clone();
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            entraide::posts::REQUIRED_COLUMNS
                .iter()
                .chain(&entraide::posts::OPTIONAL_COLUMNS)
                .copied()
                .collect::<Vec<_>>(),
            "{name}: columns"
        );
        let mut last_time = String::new();
        for record in posts.records() {
            let r = record.unwrap();
            let (thread, role, at, kind) = (r[0].parse::<u64>().unwrap(), &r[3], &r[4], &r[8]);
            assert!(at >= last_time.as_str(), "{name}: {at} after {last_time}");
            last_time = at.to_string();
            let t = threads.entry(thread).or_default();
            match kind {
                "question" => t.questions += 1,
                "chase" => t.chases += 1,
                "answer" | "escalation" if t.first.is_none() => {
                    let by = if kind == "escalation" { kind } else { role };
                    t.first = Some((at.to_string(), by.to_string()));
                }
                _ => {}
            }
        }
        let mut trace = csv::Reader::from_path(run.dir.join("questions.csv")).unwrap();
        let th = trace.headers().unwrap().clone();
        let col = |n: &str| th.iter().position(|c| c == n).unwrap();
        let (id, chases, first_at, first_by) = (
            col("id"),
            col("chases"),
            col("first_response_hours"),
            col("first_responder"),
        );
        let mut seen = 0;
        for record in trace.records() {
            let r = record.unwrap();
            let t = &threads[&r[id].parse::<u64>().unwrap()];
            assert_eq!(t.questions, 1, "{name}: thread {}", &r[id]);
            assert_eq!(
                t.chases.to_string(),
                &r[chases],
                "{name}: thread {}",
                &r[id]
            );
            match &t.first {
                None => assert_eq!(&r[first_by], "none", "{name}: thread {}", &r[id]),
                Some((at, by)) => {
                    assert_eq!(by, &r[first_by], "{name}: thread {}", &r[id]);
                    let hours: f64 = r[first_at].parse().unwrap();
                    let ms = (hours * 3_600_000.0).round() as u64;
                    let written = entraide::posts::timestamp(entraide::time::SimTime(ms));
                    assert_eq!(at, &written, "{name}: thread {}", &r[id]);
                }
            }
            seen += 1;
        }
        assert_eq!(seen, threads.len(), "{name}: threads");
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_results() {
    let short = [
        "--set",
        "simulation.horizon=60d",
        "--set",
        "simulation.warmup=7d",
    ];
    let mut a_args = short.to_vec();
    a_args.extend(["--seed", "11"]);
    let a = run_scenario("mercure", &a_args);
    let b = run_scenario(
        "mercure",
        &[&a_args[..], &["--set", "name=mercure"]].concat(),
    );
    let mut c_args = short.to_vec();
    c_args.extend(["--seed", "12"]);
    let c = run_scenario("mercure", &c_args);
    for file in [
        "summary.json",
        "timeseries.csv",
        "questions.csv",
        "posts.csv",
    ] {
        let read = |r: &Run| std::fs::read(r.dir.join(file)).unwrap();
        assert_eq!(read(&a), read(&b), "{file} differs between identical runs");
        assert_ne!(read(&a), read(&c), "{file} identical across seeds");
    }
    assert_eq!(num(&a.summary, "scenario.seed"), 11.0);
}

#[test]
fn timeseries_has_one_row_per_hour() {
    let run = &shipped()["mercure"];
    let mut reader = csv::Reader::from_path(run.dir.join("timeseries.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 365 * 24);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0].parse::<usize>().unwrap(), i, "hour column");
    }
    // Staff are on shift on weekday daytime only (08:00-16:00 and
    // 12:00-20:00 in mercure): not on Sunday nor at night.
    let headers = reader.headers().unwrap().clone();
    let on_shift = headers
        .iter()
        .position(|h| h == "staff_on_shift_mean")
        .unwrap();
    let at = |day: usize, hour: usize| rows[day * 24 + hour][on_shift].parse::<f64>().unwrap();
    assert_eq!(at(7, 10), 18.0, "only the early shift at 10:00");
    assert_eq!(at(13, 10), 0.0, "nobody on Sunday");
    assert_eq!(at(7, 3), 0.0);
    assert_eq!(at(7, 13), 36.0, "both shifts overlap at 13:00");
    assert_eq!(at(7, 17), 18.0, "only the late shift at 17:00");
    assert_eq!(at(7, 20), 0.0, "nobody after 20:00");
}

#[test]
fn table_goes_to_stdout_and_files_only_with_out() {
    // Run from an empty directory: without --out nothing may appear there.
    let cwd = temp("no-out-cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let scenario = root().join("scenarios/erlang-a.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args(["run", scenario.to_str().unwrap()])
        .args([
            "--set",
            "simulation.horizon=2d",
            "--set",
            "simulation.warmup=1d",
        ])
        .current_dir(&cwd)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("Time to first response"));
    assert!(stdout.contains("erlang-a"));
    assert!(
        out.stderr.is_empty(),
        "nothing on stderr when it is not a terminal"
    );
    let written: Vec<_> = std::fs::read_dir(&cwd).unwrap().collect();
    assert!(
        written.is_empty(),
        "files written without --out: {written:?}"
    );

    // With --out: the summary and the time series, and the same table.
    let dir = temp("with-out");
    let with = ok(&[
        "run",
        "scenarios/erlang-a.toml",
        "--set",
        "simulation.horizon=2d",
        "--set",
        "simulation.warmup=1d",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(String::from_utf8(with.stdout).unwrap(), stdout);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["summary.json", "timeseries.csv"]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["scenario"]["name"], "erlang-a");
    let _ = std::fs::remove_dir_all(&cwd);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_accepts_every_shipped_scenario_and_the_init_template() {
    for name in SCENARIOS {
        let out = ok(&["check", &format!("scenarios/{name}.toml")]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));
    }
    let dir = temp("init");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("forum.toml");
    let path_text = path.to_string_lossy().to_string();
    ok(&["init", &path_text]);
    ok(&["check", &path_text]);
    ok(&[
        "run",
        &path_text,
        "--quiet",
        "--set",
        "simulation.horizon=7d",
    ]);
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}

#[test]
fn an_overloaded_forum_stops_with_a_clear_message_and_exit_1() {
    let dir = temp("overloaded");
    let dir_text = dir.to_string_lossy().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args([
            "run",
            "scenarios/erlang-a.toml",
            "--quiet",
            "--set",
            "demand.questions_per_day=100000",
            "--set",
            "customers.patience.mean=30d",
            "--set",
            "simulation.max_open_questions=5000",
            "--out",
            &dir_text,
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("max_open_questions"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    // The partial results are still written, and say why they stop.
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert!(
        summary["engine"]["stopped_early"]
            .as_str()
            .unwrap()
            .contains("overloaded")
    );
    assert!(num(&summary, "scenario.measured_days") < 1.0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn littles_law_holds_for_the_backlog() {
    // Time-average backlog = questions posted per hour × mean time
    // unanswered. Two independent tallies of the same quantity: one
    // integrates the backlog level over time, the other adds up each
    // question's wait. Only warm-up carry-over separates them.
    for (name, run) in shipped() {
        let mean = num(&run.summary, "backlog.mean");
        let little = num(&run.summary, "backlog.littles_law_mean");
        assert!(
            (little - mean).abs() <= 0.01 * mean,
            "{name}: backlog mean {mean}, Little's law gives {little}"
        );
    }
}

/// `check` agrees each count with its noun: erlang-a has one topic and
/// one team ("1 teams" once).
#[test]
fn check_says_1_team_not_1_teams() {
    let out = ok(&["check", "scenarios/erlang-a.toml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\"erlang-a\", 1 topic, 0 experts, 25 staff in 1 team, 728 days"),
        "{stdout}"
    );
}
