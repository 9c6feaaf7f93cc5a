//! `entraide fit` end to end: a simulated forum's post log fitted back
//! recovers the parameters that generated it (the round trip), and bad
//! logs get a clear message with the file, line and column, and exit 2.
//!
//! Tolerances. Each recovered parameter must lie within its own 95 %
//! interval widened to 3.3 standard errors (Bonferroni over the ~20
//! checks of a run: a family-wise 2 % at most if every interval were
//! exact), and the intervals must be tight enough to mean something (each
//! test states the width it demands). The runs are fixed-seed, so the test
//! cannot flake; the widened bound keeps it honest if the seed changes.

mod common;

use common::{entraide, ok, temp};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// z of a 95 % interval, and the widened bound in those units.
const Z95: f64 = 1.959_963_985;
const Z_CHECK: f64 = 3.3;

struct Fitted {
    json: Value,
    scenario: String,
    dir: PathBuf,
}

/// Mercure simulated for 182 days with `--trace`, fitted back.
fn mercure() -> &'static Fitted {
    static FIT: OnceLock<Fitted> = OnceLock::new();
    FIT.get_or_init(|| simulate_and_fit("mercure", &["--set", "simulation.horizon=182d"], &[]))
}

/// `name` simulated with `sets` and `--trace`, its posts.csv fitted with
/// `fit_args` and the scenario as the base.
fn simulate_and_fit(name: &str, sets: &[&str], fit_args: &[&str]) -> Fitted {
    let dir = temp(&format!("fit-{name}"));
    let run = dir.join("run");
    let scenario = format!("scenarios/{name}.toml");
    let run_text = run.to_string_lossy().to_string();
    let mut args = vec![
        "run",
        scenario.as_str(),
        "--trace",
        "-q",
        "--out",
        run_text.as_str(),
    ];
    args.extend_from_slice(sets);
    ok(&args);
    let fitted = fit_log(
        &run.join("posts.csv"),
        &scenario,
        &dir.join("fit"),
        fit_args,
    );
    Fitted { dir, ..fitted }
}

/// `log` fitted with `base` into `out` (and `fit_args`); `dir` is `out`.
fn fit_log(log: &std::path::Path, base: &str, out: &std::path::Path, fit_args: &[&str]) -> Fitted {
    let mut args = vec![
        "fit",
        log.to_str().unwrap(),
        "--base",
        base,
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(fit_args);
    ok(&args);
    Fitted {
        json: read_json(&out.join("fit.json")),
        scenario: std::fs::read_to_string(out.join("scenario.toml")).unwrap(),
        dir: out.to_path_buf(),
    }
}

/// A JSON file the run or fit wrote.
fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn estimate<'a>(fit: &'a Fitted, path: &str) -> &'a Value {
    let e = &fit.json["estimates"][path];
    assert!(
        !e.is_null(),
        "no estimate {path}: {}",
        fit.json["estimates"]
    );
    e
}

/// Asserts `truth` lies within the estimate's interval widened to
/// `Z_CHECK` standard errors, and that the interval is no wider than
/// `max_relative_width` of the truth (a test that could not fail is none).
fn recovers(fit: &Fitted, path: &str, truth: f64, max_relative_width: f64) {
    let e = estimate(fit, path);
    let value = e["value"].as_f64().unwrap();
    let (lo, hi) = (
        e["ci95"][0].as_f64().unwrap(),
        e["ci95"][1].as_f64().unwrap(),
    );
    let se = (hi - lo) / (2.0 * Z95);
    assert!(
        (value - truth).abs() <= Z_CHECK * se,
        "{path}: fitted {value} [{lo}, {hi}] does not recover {truth} within {Z_CHECK} se ({se})"
    );
    assert!(
        hi - lo <= max_relative_width * truth.abs(),
        "{path}: interval [{lo}, {hi}] too wide to test {truth}"
    );
}

#[test]
fn a_simulated_forum_fitted_back_recovers_its_demand() {
    let fit = mercure();
    recovers(fit, "demand.questions_per_day", 500.0, 0.1);
    for (topic, share, account) in [
        ("activation", 0.2, 0.08),
        ("billing", 0.25, 0.15),
        ("commercial", 0.2, 0.1),
        ("technical", 0.35, 0.03),
    ] {
        recovers(fit, &format!("demand.topics.{topic}.share"), share, 0.1);
        recovers(
            fit,
            &format!("demand.topics.{topic}.account_probability"),
            account,
            0.6,
        );
    }
}

#[test]
fn a_simulated_forum_fitted_back_recovers_its_customers() {
    let fit = mercure();
    recovers(fit, "customers.patience.mean", 3.0, 0.15);
    recovers(fit, "customers.patience.sd", 4.0, 0.3);
    recovers(fit, "customers.accept_probability", 0.5, 0.05);
    assert_eq!(estimate(fit, "customers.max_chases")["value"], 2.0);
}

#[test]
fn a_simulated_forum_fitted_back_recovers_its_staffing_policy() {
    let fit = mercure();
    let delay = estimate(fit, "policy.intervention_delay");
    let (lo, value) = (
        delay["ci95"][0].as_f64().unwrap(),
        delay["value"].as_f64().unwrap(),
    );
    // The 2nd percentile of ages is the delay plus a short wait and a
    // writing time; the scenario takes it to the quarter hour below.
    assert!((3.0..3.25).contains(&value) && lo >= 3.0, "{delay}");
    assert!(
        fit.scenario.contains("intervention_delay = \"3h\""),
        "{}",
        fit.scenario
    );
    assert!(
        fit.scenario.contains("account_delay = \"0s\""),
        "{}",
        fit.scenario
    );
    assert!(fit.scenario.contains("confirm_expert_answers = true"));
    // Two teams of 18 with mercure.toml's topics. Their shifts: staff post
    // only when they have work, and the afternoon shift is idle while the
    // morning one takes the work, so the log shows the morning shift
    // whole (08:00-16:00, half of each team) and the afternoon one from
    // 12:00 or later; every window lies within mon-fri 08:00-20:00.
    let teams = fit.json["teams"].as_array().unwrap();
    let names: Vec<(&str, u64)> = teams
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        names,
        [("activation-technical", 18), ("billing-commercial", 18)]
    );
    for t in teams {
        let mut morning = 0.0;
        for shift in t["shifts"].as_array().unwrap() {
            for window in shift["hours"].as_array().unwrap() {
                let window = window.as_str().unwrap();
                let (days, hours) = window.split_once(' ').unwrap();
                let (from, to) = hours.split_once('-').unwrap();
                assert!(
                    days.chars().all(|c| "montuewdhfri-".contains(c)),
                    "{window}"
                );
                assert!(from >= "08:00" && to <= "20:00" && from < to, "{window}");
            }
            if shift["hours"] == serde_json::json!(["mon-fri 08:00-16:00"]) {
                morning += shift["share"].as_f64().unwrap();
            }
        }
        assert!((0.4..=0.5 + 1e-9).contains(&morning), "{t}");
    }
}

/// The daily engagement decay and the activity's spread, calibrated by
/// simulation to the log's retention and answer counts (Mercure's 182
/// days: retention at 90 days, about 260 members). The base starts the
/// search far from the truth (0.0015 against Mercure's 0.004), so an
/// estimate that stayed at the base would fail, and the interval must be
/// narrower than three quarters of the truth.
#[test]
fn the_daily_decay_is_calibrated_to_the_logs_retention() {
    let fit = mercure();
    let base = fit.dir.join("slow-decay.toml");
    let mercure = std::fs::canonicalize("scenarios/mercure.toml").unwrap();
    std::fs::write(
        &base,
        format!(
            "extends = {:?}\n[experts.engagement]\ndaily_decay = 0.0015\n",
            mercure.display().to_string()
        ),
    )
    .unwrap();
    let decay = fit_log(
        &fit.dir.join("run/posts.csv"),
        base.to_str().unwrap(),
        &fit.dir.join("decay"),
        &[],
    );
    // Jointly with the activity's spread, which retention also depends
    // on and which six months of answer counts pin down only loosely
    // (docs/fit.md): the decay's interval is wider than it would be with
    // the spread known, but must still exclude the base's 0.0015.
    recovers(&decay, "experts.engagement.daily_decay", 0.004, 0.75);
    let lower = estimate(&decay, "experts.engagement.daily_decay")["ci95"][0]
        .as_f64()
        .unwrap();
    assert!(lower > 0.0015, "{lower}");
    let spread = estimate(&decay, "experts.activity.sd");
    let (lo, hi) = (
        spread["ci95"][0].as_f64().unwrap(),
        spread["ci95"][1].as_f64().unwrap(),
    );
    assert!(
        lo <= 2.5 && 2.5 <= hi,
        "activity sd [{lo}, {hi}] misses 2.5"
    );
    assert!(
        spread["estimator"]
            .as_str()
            .unwrap()
            .contains("indirect inference"),
        "{spread}"
    );
    // The fitted scenario runs with it, not with the base's 0.0015.
    let written: f64 = decay
        .scenario
        .lines()
        .find_map(|l| l.strip_prefix("daily_decay = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("daily_decay in the fitted scenario");
    let fitted = estimate(&decay, "experts.engagement.daily_decay")["value"]
        .as_f64()
        .unwrap();
    assert!(
        (written - fitted).abs() < 1e-3 * fitted,
        "{written} {fitted}"
    );
    // The weights the log cannot give are said to be the base's, with why:
    // before this fit estimated the decay, all of them were listed.
    assert!(
        decay.json["not_identified"]["experts.engagement.daily_decay"].is_null(),
        "{}",
        decay.json["not_identified"]
    );
    for weight in ["accepted", "preempted", "leave_below"] {
        let reason = &decay.json["not_identified"][format!("experts.engagement.{weight}")];
        assert!(
            reason.is_string(),
            "{weight}: {}",
            decay.json["not_identified"]
        );
    }
    // The change after an acceptance is a figure of the log, with its CI.
    let change = estimate(&decay, "log.answers_after_acceptance");
    assert!(change["ci95"][0].as_f64().unwrap() < change["ci95"][1].as_f64().unwrap());
}

#[test]
fn the_fitted_scenario_runs_as_is() {
    let fit = mercure();
    let path = fit.dir.join("fit/scenario.toml");
    let out = ok(&["check", path.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(": ok:"));
    // Every fitted value carries its interval or sample size beside it.
    for line in fit.scenario.lines().filter(|l| l.contains("# fitted")) {
        assert!(line.contains("n = "), "{line}");
    }
    assert!(fit.scenario.contains("Not identified by the log"));
}

/// Writes a small CSV log and fits it; returns the exit code and stderr.
/// `fit` runs the fitted scenario 10 times, each as long as the log, and
/// compares the figures of the simulated logs with the log's. Here the
/// fitted scenario is (nearly) the one that wrote the log, so each
/// behavioural figure must fall inside the replications' 95 % prediction
/// interval, and the volume within 2 % (`all_figures_inside` says why).
#[test]
fn the_fitted_scenario_is_run_and_compared_with_the_log() {
    let fit = mercure();
    let check = &fit.json["check"];
    assert_eq!(check["seeds"].as_array().map(Vec::len), Some(10), "{check}");
    let figures = check["figures"].as_array().expect("figures");
    let keys: Vec<&str> = figures.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "responded_within_1h",
            "responded_within_4h",
            "responded_within_24h",
            "responded_within_96h",
            "member_first_share",
            "top_decile_share",
            // 182 days of log and a 90-day churn window: no departure is
            // observable past day 92, so retention stops at 90 days.
            "retention_30d",
            "retention_60d",
            "retention_90d",
            "answers_after_acceptance",
            "questions_per_week",
            "weekend_share",
        ]
    );
    for f in figures {
        assert_eq!(f["simulated"].as_array().map(Vec::len), Some(10), "{f}");
        let (lo, hi) = (
            f["prediction_interval"][0].as_f64().unwrap(),
            f["prediction_interval"][1].as_f64().unwrap(),
        );
        assert!(
            lo <= f["simulated_mean"].as_f64().unwrap() && lo < hi,
            "{f}"
        );
    }
    all_figures_inside(fit);
    let html = std::fs::read_to_string(fit.dir.join("fit/report.html")).unwrap();
    for id in ["discrepancies", "first-response", "retention", "volume"] {
        assert!(html.contains(&format!("<figure id=\"{id}\">")), "{id}");
    }
    assert_eq!(html.matches("<svg").count(), 3);
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(&html, options)
        .unwrap_or_else(|e| panic!("report.html is not well-formed: {e}"));
}

/// The check's replications give the same bytes on one thread as on
/// several.
#[test]
fn the_check_is_the_same_whatever_the_thread_count() {
    let fit = mercure();
    let log = fit.dir.join("run/posts.csv");
    let mut outputs = Vec::new();
    for threads in ["1", "3"] {
        let out = fit.dir.join(format!("threads-{threads}"));
        ok(&[
            "fit",
            log.to_str().unwrap(),
            "--base",
            "scenarios/mercure.toml",
            "--replications",
            "4",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        outputs.push(
            ["fit.json", "report.html", "scenario.toml"]
                .map(|f| std::fs::read(out.join(f)).unwrap()),
        );
    }
    assert!(
        outputs[0] == outputs[1],
        "the outputs differ with the thread count"
    );
}

/// Every other shipped scenario, traced and fitted back from the end of its
/// warm-up (`--since`: a log of a forum already running, as a real one
/// is). Each identified parameter must lie within 3.3 standard errors of
/// its truth, with an interval narrow enough to mean something, and the
/// check must find every compared figure inside its prediction interval.
/// Sample sizes: 182 days of airline-24-7 (about 100,000 threads), of
/// mercure-immediate and mercure-no-experts (about 78,000 each), and 60
/// days of erlang-a (about 144,000).
///
/// One known bias is bounded instead: airline's patience (median 17 min)
/// is of the order of staff's answer time, and a censoring answer's
/// pick-up is known only up to that time (the base's mean is taken off),
/// so the fit overstates the mean by about 5 % and the sd by about 12 %.
/// The test holds them to 10 % and 20 %, which a missing correction for
/// the writing time (+25 % on the mean) would fail.
#[test]
fn every_shipped_scenario_fitted_back_recovers_what_generated_it() {
    let horizon = ["--set", "simulation.horizon=182d"];
    let airline = simulate_and_fit(
        "airline-24-7",
        &horizon,
        &["--since", "2024-01-15T00:00:00Z"],
    );
    recovers(&airline, "demand.questions_per_day", 600.0, 0.05);
    for (topic, share) in [("french", 0.65), ("english", 0.35)] {
        recovers(
            &airline,
            &format!("demand.topics.{topic}.share"),
            share,
            0.05,
        );
        recovers(
            &airline,
            &format!("demand.topics.{topic}.account_probability"),
            0.35,
            0.1,
        );
    }
    recovers(&airline, "customers.accept_probability", 0.3, 0.05);
    assert_eq!(estimate(&airline, "customers.max_chases")["value"], 3.0);
    for (path, truth, bound) in [
        ("customers.patience.mean", 0.5, 0.10),
        ("customers.patience.sd", 0.75, 0.20),
    ] {
        let value = estimate(&airline, path)["value"].as_f64().unwrap();
        assert!(
            (value - truth).abs() <= bound * truth,
            "{path}: fitted {value} against {truth}"
        );
    }
    for line in [
        "intervention_delay = \"15m\"",
        "account_delay = \"0s\"",
        "confirm_expert_answers = true",
    ] {
        assert!(airline.scenario.contains(line), "{line}");
    }
    // Three shifts a day, the night one across midnight, as staffed.
    let teams: Vec<(String, u64, Vec<String>)> = airline.json["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["count"].as_u64().unwrap(),
                t["shifts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["hours"][0].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    let shifts: Vec<String> = ["06:00-14:00", "14:00-22:00", "22:00-06:00"]
        .map(|h| format!("mon-sun {h}"))
        .to_vec();
    for (name, count) in [("english", 8), ("french", 12)] {
        let team = teams.iter().find(|t| t.0 == name).expect(name);
        assert_eq!(team.1, count, "{name}");
        let mut got = team.2.clone();
        got.sort();
        assert_eq!(got, shifts, "{name}");
    }
    all_figures_inside(&airline);

    for name in ["mercure-immediate", "mercure-no-experts"] {
        let fit = simulate_and_fit(name, &horizon, &[]);
        recovers(&fit, "demand.questions_per_day", 500.0, 0.1);
        recovers(&fit, "customers.patience.mean", 3.0, 0.15);
        recovers(&fit, "customers.patience.sd", 4.0, 0.3);
        recovers(&fit, "customers.accept_probability", 0.5, 0.05);
        assert!(
            fit.scenario.contains("intervention_delay = \"0s\""),
            "{name}"
        );
        let teams = fit.json["teams"].as_array().unwrap();
        assert_eq!(teams.len(), 2, "{name}");
        for t in teams {
            assert_eq!(t["count"], 18, "{name}: {t}");
        }
        if name == "mercure-no-experts" {
            // Staff busy all day: the gap before an answer bounds the
            // answer time (lognormal, mean 12 min, median 10 min) from
            // above, and closely enough to inform (under 2 means).
            let gap = estimate(&fit, "log.staff_gap_before_answer.median");
            let (lo, value) = (
                gap["ci95"][0].as_f64().unwrap(),
                gap["value"].as_f64().unwrap(),
            );
            assert!(lo >= 10.0 / 60.0 && value <= 24.0 / 60.0, "{gap}");
        }
        all_figures_inside(&fit);
    }

    let erlang = simulate_and_fit(
        "erlang-a",
        &["--set", "simulation.horizon=60d"],
        &["--since", "2024-01-08T00:00:00Z"],
    );
    recovers(&erlang, "demand.questions_per_day", 2400.0, 0.02);
    assert_eq!(estimate(&erlang, "customers.max_chases")["value"], 0.0);
    assert_eq!(estimate(&erlang, "experts.initial")["value"], 0.0);
    assert_eq!(erlang.json["teams"][0]["count"], 25);
    assert_eq!(
        erlang.json["teams"][0]["shifts"][0]["hours"][0],
        "mon-sun 00:00-24:00"
    );
    assert!(erlang.scenario.contains("intervention_delay = \"0s\""));
    all_figures_inside(&erlang);
}

/// Every compared figure of the check lies inside the replications' 95 %
/// prediction interval, but the volume, which must be within 2 % of the
/// simulated one. The check compares logs from after the warm-up, while
/// `run --trace` logs the forum from time zero: the log holds the first 28
/// days, when the knowledge base deflects fewer questions (about 446 a day
/// against 423 after), so its volume is about 1 % higher (z ≈ 2.3), more
/// than a log's Poisson noise. Fitting from the warm-up's end (`--since`)
/// does not remove it: `fit` then rebuilds the knowledge stock from the
/// base's `initial_knowledge` at the window's start, which is too low, and
/// the demand comes out about 1 % low instead.
fn all_figures_inside(fit: &Fitted) {
    for f in fit.json["check"]["figures"].as_array().unwrap() {
        if f["key"] == "questions_per_week" {
            let relative = f["discrepancy"].as_f64().unwrap() / f["log"].as_f64().unwrap();
            assert!(relative.abs() < 0.02, "{}: {f}", fit.json["source"]);
        } else {
            assert_eq!(f["inside"], true, "{}: {f}", fit.json["source"]);
        }
    }
}

fn fit_text(name: &str, text: &str, extra: &[&str]) -> (Option<i32>, String) {
    fit_file(&format!("{name}.csv"), text, extra)
}

/// Where `fit_text(name, ..)` wrote its outputs.
fn fit_text_out(name: &str) -> PathBuf {
    std::env::temp_dir()
        .join(format!(
            "entraide-test-{}-fit-bad-{name}",
            std::process::id()
        ))
        .join("out")
}

/// Fits `text`, written as `file_name` (its extension picks the format).
fn fit_file(file_name: &str, text: &str, extra: &[&str]) -> (Option<i32>, String) {
    let name = file_name.split('.').next().unwrap();
    let dir = temp(&format!("fit-bad-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join(file_name);
    std::fs::write(&log, text).unwrap();
    let out_dir = dir.join("out");
    let mut args = vec![
        "fit",
        log.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    let out = entraide(&args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

const HEADER: &str = "thread_id,post_id,author_id,role,created_at,kind\n";

fn good_rows() -> String {
    let mut rows = String::new();
    for t in 0..30 {
        let day = 1 + t % 28;
        rows += &format!("{t},q{t},c{t},customer,2024-02-{day:02}T10:00:00Z,question\n");
        rows += &format!(
            "{t},a{t},e{},expert,2024-02-{day:02}T11:30:00Z,answer\n",
            t % 4
        );
    }
    rows
}

#[test]
fn bad_logs_name_the_file_line_and_column_and_exit_2() {
    let cases: [(&str, String, &str); 7] = [
        (
            "missing-column",
            "thread_id,post_id,author_id,created_at\n1,a,b,2024-01-01T00:00:00Z\n".into(),
            ":1: missing column role",
        ),
        (
            "bad-time",
            format!("{HEADER}1,q1,c1,customer,yesterday,question\n"),
            ":2: column 5 (created_at): \"yesterday\" is not a time",
        ),
        (
            "bad-role",
            format!("{HEADER}1,q1,c1,moderator,2024-01-01T00:00:00Z,question\n"),
            ":2: column 4 (role): \"moderator\" is not a role",
        ),
        (
            "answer-first",
            format!(
                "{HEADER}1,q1,c1,customer,2024-01-01T10:00:00Z,question\n1,a1,e1,expert,2024-01-01T09:00:00Z,answer\n"
            ),
            ":3: created_at: this post is earlier than its thread's question (line 2)",
        ),
        (
            "duplicate",
            format!(
                "{HEADER}1,q1,c1,customer,2024-01-01T10:00:00Z,question\n2,q1,c2,customer,2024-01-01T11:00:00Z,question\n"
            ),
            ":3: post_id: duplicate post id \"q1\" (first on line 2)",
        ),
        ("empty", HEADER.into(), "the log has no posts"),
        (
            "naive-time",
            format!("{HEADER}1,q1,c1,customer,2024-01-01 10:00:00,question\n"),
            "give --timezone",
        ),
    ];
    for (name, text, expected) in cases {
        let (code, stderr) = fit_text(name, &text, &[]);
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}.csv"))
                || name == "missing-column" && stderr.contains(".csv"),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains(expected),
            "{name}: expected {expected:?} in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn skip_bad_rows_skips_and_counts_them() {
    let text = format!(
        "{HEADER}{}999,q999,c999,customer,not-a-time,question\n{}",
        good_rows(),
        "1000,q1000,c1000,customer\n"
    );
    let (code, stderr) = fit_text("skipped", &text, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, stderr) = fit_text("skipped", &text, &["--skip-bad-rows"]);
    assert_eq!(code, Some(0), "{stderr}");
    let json: Value = read_json(&fit_text_out("skipped").join("fit.json"));
    assert_eq!(json["skipped_rows"], 2, "{json}");
    assert_eq!(json["threads"], 30);
}

#[test]
fn roles_can_come_from_a_list_of_staff_ids() {
    let dir = temp("fit-staff-list");
    std::fs::create_dir_all(&dir).unwrap();
    let staff = dir.join("staff.txt");
    std::fs::write(&staff, "# our advisers\ns1\n").unwrap();
    let mut rows = String::from("thread_id,post_id,author_id,created_at\n");
    for t in 0..40 {
        let day = 1 + t % 28;
        rows += &format!("{t},q{t},c{t},2024-02-{day:02}T10:00:00Z\n");
        let by = if t % 2 == 0 { "s1" } else { "m7" };
        rows += &format!("{t},a{t},{by},2024-02-{day:02}T14:00:00Z\n");
    }
    let (code, stderr) = fit_text(
        "staff-list",
        &rows,
        &["--staff-authors", staff.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let json: Value = read_json(&fit_text_out("staff-list").join("fit.json"));
    let share = &json["estimates"]["log.staff_first_response_share"];
    assert_eq!(share["value"], 0.5, "{json}");
    assert_eq!(share["n"], 40);
}

/// The hand-made dump in `examples/stackexchange`: questions with tags in
/// both spellings, answers, accepted answers, an asker's own follow-up, a
/// deleted account, a tag wiki (skipped), an answer to a deleted question
/// and one merged in from an older duplicate (both skipped and counted).
/// The expected figures are counted here from the XML itself.
#[test]
fn a_stack_exchange_dump_is_read_with_its_tags_and_accepted_answers() {
    let xml_path = common::root().join("examples/stackexchange/Posts.xml");
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let rows_of = |post_type: &str| {
        xml.lines()
            .filter(|l| l.contains(&format!("PostTypeId=\"{post_type}\"")))
            .count()
    };
    let attribute = |line: &str, name: &str| -> Option<String> {
        let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(line[start..].split('"').next()?.to_string())
    };
    let questions: Vec<&str> = xml
        .lines()
        .filter(|l| l.contains("PostTypeId=\"1\""))
        .collect();
    let first_tag = |line: &str| {
        let tags = attribute(line, "Tags").unwrap();
        tags.trim_start_matches(['|', '<'])
            .split(['|', '>'])
            .next()
            .unwrap()
            .to_string()
    };
    let billing = questions
        .iter()
        .filter(|q| first_tag(q) == "billing")
        .count();
    let accepted = questions
        .iter()
        .filter(|q| attribute(q, "AcceptedAnswerId").is_some())
        .count();
    // The two anomalies: an answer whose question is gone, and one older
    // than its question.
    let anomalies = 2;

    let dir = temp("fit-stackexchange");
    let out = dir.join("out");
    let staff = common::root().join("examples/stackexchange/staff.txt");
    ok(&[
        "fit",
        xml_path.to_str().unwrap(),
        "--staff-authors",
        staff.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let json: Value = read_json(&out.join("fit.json"));
    assert_eq!(json["threads"], questions.len(), "{json}");
    assert_eq!(json["posts"], rows_of("1") + rows_of("2") - anomalies);
    assert_eq!(json["skipped_rows"], anomalies);
    let examples = json["skipped_examples"].to_string();
    assert!(
        examples.contains("CreationDate: this post is earlier than its thread's question")
            && examples.contains("ParentId: this thread has no question post"),
        "the dump's own field names: {examples}"
    );
    let share = &json["estimates"]["demand.topics.billing.share"];
    assert_eq!(share["n"], questions.len());
    // Deflection is inverted per topic, so the share is the observed one
    // only up to the base's deflection; the Wilson interval is the
    // observed share's.
    let (low, high) = (
        share["ci95"][0].as_f64().unwrap(),
        share["ci95"][1].as_f64().unwrap(),
    );
    let observed = billing as f64 / questions.len() as f64;
    assert!(low < observed && observed < high, "{share}");
    let accept = &json["estimates"]["customers.accept_probability"];
    let (value, n) = (
        accept["value"].as_f64().unwrap(),
        accept["n"].as_f64().unwrap(),
    );
    assert_eq!((value * n).round() as usize, accepted, "{accept}");
    // Staff are those listed; without the list every answerer is a member.
    let staff_share = &json["estimates"]["log.staff_first_response_share"];
    assert!(
        staff_share["value"].as_f64().unwrap() > 0.0,
        "{staff_share}"
    );
    ok(&[
        "fit",
        xml_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let json: Value = read_json(&out.join("fit.json"));
    let staff_share = &json["estimates"]["log.staff_first_response_share"];
    assert_eq!(staff_share["value"].as_f64(), Some(0.0), "{staff_share}");
    let fitted = out.join("scenario.toml");
    ok(&["check", fitted.to_str().unwrap()]);
}

#[test]
fn a_malformed_dump_names_its_line_and_exits_2() {
    let head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n";
    let cases = [
        (
            "not-xml",
            format!(
                "{head}  <row Id=\"1\" PostTypeId=\"1\" CreationDate=\"2024-01-01T00:00:00.000\" OwnerUserId=\"3\" />\n  <row Id=\"2\" PostTypeId=\"2\" ParentId=\"1\" CreationDate=\"2024-01-01T01:00:00.000\" OwnerUserId=\"4\" </posts>\n"
            ),
            "Posts.xml:4",
        ),
        (
            "no-date",
            format!("{head}  <row Id=\"1\" PostTypeId=\"1\" OwnerUserId=\"3\" />\n</posts>\n"),
            "Posts.xml:3: CreationDate: missing",
        ),
        (
            "bad-date",
            format!(
                "{head}  <row Id=\"1\" PostTypeId=\"1\" CreationDate=\"01/02/2024\" OwnerUserId=\"3\" />\n</posts>\n"
            ),
            "Posts.xml:3: CreationDate: \"01/02/2024\" is not a time",
        ),
        (
            "no-rows",
            format!("{head}</posts>\n"),
            "no <row> elements: expected a Stack Exchange Posts.xml",
        ),
    ];
    for (name, text, expected) in cases {
        let (code, stderr) = fit_file(&format!("{name}-Posts.xml"), &text, &[]);
        let stderr = stderr.replace(&format!("{name}-Posts.xml"), "Posts.xml");
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{name}: expected {expected:?} in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

/// `examples/posts/posts.csv` is what the command in its README writes,
/// byte for byte, and it fits with every compared figure reproduced.
#[test]
fn the_example_post_log_is_what_its_readme_says() {
    let readme = std::fs::read_to_string(common::root().join("examples/posts/README.md")).unwrap();
    let commands: Vec<Vec<String>> = readme
        .lines()
        .filter(|l| l.starts_with("entraide "))
        .map(|l| l.split_whitespace().skip(1).map(String::from).collect())
        .collect();
    assert_eq!(commands.len(), 2, "a run and a fit: {commands:?}");
    let dir = temp("fit-example");
    // Each command as written, its results directory moved into `dir`.
    let relocated = |command: &[String]| -> Vec<String> {
        command
            .iter()
            .map(|a| match a.strip_prefix("results/") {
                Some(rest) => dir.join(rest).to_string_lossy().to_string(),
                None => a.clone(),
            })
            .collect()
    };
    let run = relocated(&commands[0]);
    ok(&run.iter().map(String::as_str).collect::<Vec<_>>());
    let written = std::fs::read(dir.join("small-forum/posts.csv")).unwrap();
    let shipped = std::fs::read(common::root().join("examples/posts/posts.csv")).unwrap();
    assert!(
        written == shipped,
        "examples/posts/posts.csv is not what its README's command writes"
    );
    let mut fit = relocated(&commands[1]);
    fit.push("-q".into());
    ok(&fit.iter().map(String::as_str).collect::<Vec<_>>());
    let json: Value = read_json(&dir.join("small-forum-fit/fit.json"));
    let figures = json["check"]["figures"].as_array().unwrap();
    assert!(!figures.is_empty());
    for f in figures {
        assert_eq!(f["inside"], true, "{f}");
    }
}

/// `fit --state-at` on the Mercure log: the open threads are exactly the
/// questions the simulation had unanswered at that moment and answered
/// later (an asker who gives up leaves no post, so those who left are not
/// in the log's state), with their ages; `run --from-state` starts on that
/// hour of the week with that backlog and those members.
#[test]
fn the_state_at_a_moment_is_the_simulated_forums_and_a_run_starts_there() {
    let fit = mercure();
    let dir = fit.dir.join("state");
    let log = fit.dir.join("run/posts.csv");
    ok(&[
        "fit",
        log.to_str().unwrap(),
        "--base",
        "scenarios/mercure.toml",
        "--replications",
        "0",
        "--state-at",
        "2024-05-01T12:00:00Z",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ]);
    let state: Value = read_json(&dir.join("state.json"));
    assert_eq!(state["hour_of_week"], 60.0, "Wednesday 12:00");
    // The truth, from the run's questions.csv: hours since 2024-01-01.
    let at = 121.0 * 24.0 + 12.0;
    let questions = std::fs::read_to_string(fit.dir.join("run/questions.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(questions.as_bytes());
    let mut truth: Vec<f64> = Vec::new();
    for row in reader.deserialize::<std::collections::HashMap<String, String>>() {
        let row = row.unwrap();
        let posted: f64 = row["posted_hours"].parse().unwrap();
        let answered = row["first_response_hours"].parse::<f64>().ok();
        if posted <= at && answered.is_some_and(|t| t > at) {
            truth.push(at - posted);
        }
    }
    truth.sort_by(f64::total_cmp);
    let mut ages: Vec<f64> = state["open_threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["age_hours"].as_f64().unwrap())
        .collect();
    ages.sort_by(f64::total_cmp);
    assert!(truth.len() > 20, "a backlog to test: {truth:?}");
    assert_eq!(ages.len(), truth.len());
    for (a, t) in ages.iter().zip(&truth) {
        assert!((a - t).abs() < 1e-6, "{a} against {t}");
    }
    let members = state["members"].as_array().unwrap().len();
    assert!(members > 150, "{members}");

    let run = fit.dir.join("from-state");
    let state_path = dir.join("state.json");
    ok(&[
        "run",
        "scenarios/mercure.toml",
        "--from-state",
        state_path.to_str().unwrap(),
        "--set",
        "simulation.horizon=27d",
        "--set",
        "policy.intervention_delay=1h",
        "--out",
        run.to_str().unwrap(),
        "-q",
    ]);
    let summary: Value = read_json(&run.join("summary.json"));
    assert_eq!(summary["experts"]["initial"], members);
    // The members' survival counts from the state's moment: 27 days, weeks
    // 0 to 3 (from time zero, with the 2.5-day lead-in, weeks 0 to 4).
    let survival = summary["experts"]["initial_cohort_survival"]
        .as_array()
        .unwrap();
    assert_eq!(survival.len(), 4, "{survival:?}");
    let series = std::fs::read_to_string(run.join("timeseries.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(series.as_bytes());
    let first = reader
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(Result::unwrap)
        .find(|r| r["warmup"] == "false")
        .unwrap();
    assert_eq!(
        (first["weekday"].as_str(), first["hour_of_day"].as_str()),
        ("wed", "12")
    );
    // The hour's backlog: the state's, plus the hour's new questions, less
    // the first responses and departures of the hour (at most its answers,
    // escalations and customers gone).
    let count = |key: &str| first[key].parse::<i64>().unwrap();
    let backlog = count("backlog");
    let most = truth.len() as i64 + count("posted");
    let least = most
        - count("answers_staff")
        - count("answers_expert")
        - count("escalations")
        - count("exited")
        - count("complained");
    assert!((least..=most).contains(&backlog), "{first:?}");

    // A bad state is refused with the field it gets wrong, exit 2.
    let bad = fit.dir.join("bad-state.json");
    let text = std::fs::read_to_string(&state_path).unwrap().replacen(
        "\"topic\": \"",
        "\"topic\": \"x-",
        1,
    );
    std::fs::write(&bad, text).unwrap();
    let out = entraide(&[
        "run",
        "scenarios/mercure.toml",
        "--from-state",
        bad.to_str().unwrap(),
        "-q",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("open_threads[0].topic: unknown topic \"x-"),
        "{stderr}"
    );
}

/// A log without a topic column still gives a state its fitted scenario
/// can start from: threads and members take the scenario's topics.
#[test]
fn a_log_without_topics_gives_a_state_that_runs() {
    let mut text = String::from(HEADER);
    text += &good_rows();
    // One thread still waiting at the log's end.
    text += "99,q99,c99,customer,2024-02-28T23:00:00Z,question\n";
    let (code, stderr) = fit_text(
        "state-topicless",
        &text,
        &["--state-at", "--replications", "0"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let out = fit_text_out("state-topicless");
    let state: Value = read_json(&out.join("state.json"));
    assert_eq!(
        state["open_threads"].as_array().map(Vec::len),
        Some(1),
        "{state}"
    );
    assert!(!state["members"].as_array().unwrap().is_empty(), "{state}");
    let (scenario, state_path) = (out.join("scenario.toml"), out.join("state.json"));
    ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--from-state",
        state_path.to_str().unwrap(),
        "--set",
        "simulation.horizon=7d",
        "-q",
    ]);
}
