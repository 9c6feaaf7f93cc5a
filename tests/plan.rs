//! `entraide plan`, driving the real binary.
//!
//! - **Exact regression.** On the Erlang-A reduction (no experts, delay 0,
//!   constant demand, exponential times) the plan is the least staffing of
//!   exact Erlang-A theory. The truth is computed here, independently of
//!   the crate: the birth–death chain's stationary distribution, and for
//!   an arrival who must wait, the chance of being taken within T from the
//!   absorbing chain "customers ahead" solved by uniformisation. Each case
//!   checks its own boundary is well outside the tolerance (both the
//!   answer and one fewer miss or meet the threshold by at least twice
//!   it), so the plan cannot be right by luck.
//! - The same bytes on 1 and 2 threads; the recommended scenario file
//!   round-trips through `check` and `run`; bad requests exit 2 with the
//!   reason.

mod common;

use common::{entraide, ok, temp};
use serde_json::Value;
use std::path::Path;

/// An M/M/c+M queue in hours.
struct Queue {
    arrivals_per_hour: f64,
    handling_hours: f64,
    patience_hours: f64,
}

impl Queue {
    /// The stationary distribution of the number in system, truncated
    /// where the mass left is negligible (abandonment makes it decay
    /// faster than geometrically).
    fn stationary(&self, c: u32) -> Vec<f64> {
        let (mu, theta) = (1.0 / self.handling_hours, 1.0 / self.patience_hours);
        let mut w = vec![1.0f64];
        for n in 1..2_000u32 {
            let death = f64::from(n.min(c)) * mu + f64::from(n.saturating_sub(c)) * theta;
            let next = w[w.len() - 1] * self.arrivals_per_hour / death;
            w.push(next);
            if n > c && next < 1e-18 * w.iter().sum::<f64>() {
                break;
            }
        }
        let total: f64 = w.iter().sum();
        w.iter().map(|x| x / total).collect()
    }

    /// P(an arrival waits): it finds all c servers busy (PASTA).
    fn p_wait(&self, c: u32) -> f64 {
        self.stationary(c).iter().skip(c as usize).sum()
    }

    /// P(an arrival is taken within t hours): at once if a server is free;
    /// else from the chain of "k ahead in the queue", which moves to k − 1
    /// at rate cμ + kθ (a service ends or one ahead gives up), to taken
    /// from k = 0 at rate cμ, and to given up at the arrival's own rate θ.
    fn taken_within(&self, c: u32, t: f64) -> f64 {
        let pi = self.stationary(c);
        let (mu, theta) = (1.0 / self.handling_hours, 1.0 / self.patience_hours);
        let ahead = pi.len().saturating_sub(c as usize).max(1);
        let cmu = f64::from(c) * mu;
        let rate = cmu + ahead as f64 * theta + theta;
        // v[k] after m steps: P(taken within m uniformised steps | k ahead).
        let mut v = vec![0.0f64; ahead];
        let mut u = vec![0.0f64; ahead];
        // Poisson(rate·t) weights in logs, so that a long t cannot
        // underflow the first of them to 0.
        let (mean, mut ln_factorial, mut cumulative) = (rate * t, 0.0f64, 0.0);
        let mut m = 0u32;
        while cumulative < 1.0 - 1e-15 && m < 1_000_000 {
            let weight = (-mean + f64::from(m) * mean.ln() - ln_factorial).exp();
            for k in 0..ahead {
                u[k] += weight * v[k];
            }
            cumulative += weight;
            m += 1;
            ln_factorial += f64::from(m).ln();
            let prev = v.clone();
            for k in 0..ahead {
                let leave = cmu + k as f64 * theta;
                let forward = if k == 0 { 1.0 } else { prev[k - 1] };
                v[k] = leave / rate * forward + (1.0 - (leave + theta) / rate) * prev[k];
            }
        }
        let waiting: f64 = (0..ahead)
            .map(|k| pi.get(c as usize + k).copied().unwrap_or(0.0) * u[k])
            .sum();
        pi[..c as usize].iter().sum::<f64>() + waiting
    }

    fn sets(&self) -> Vec<String> {
        vec![
            format!("demand.questions_per_day={}", self.arrivals_per_hour * 24.0),
            format!(
                "staff.teams.agents.answer_time={{dist=\"exponential\",mean=\"{}s\"}}",
                self.handling_hours * 3600.0
            ),
            format!(
                "customers.patience={{dist=\"exponential\",mean=\"{}s\"}}",
                self.patience_hours * 3600.0
            ),
            "simulation.horizon=4w".into(),
            "simulation.warmup=1d".into(),
        ]
    }
}

/// The least c whose `metric` meets the threshold, checking that both it
/// and c − 1 lie more than twice the tolerance from the threshold.
fn least(metric: impl Fn(u32) -> f64, at_least: bool, threshold: f64, tolerance: f64) -> u32 {
    let meets = |x: f64| {
        if at_least {
            x >= threshold
        } else {
            x <= threshold
        }
    };
    let c = (1..200)
        .find(|&c| meets(metric(c)))
        .expect("some c meets it");
    for n in [c, c - 1] {
        let gap = (metric(n) - threshold).abs();
        assert!(
            gap > 2.0 * tolerance,
            "c = {n}: {} is within twice the tolerance of {threshold}: choose another case",
            metric(n)
        );
    }
    c
}

fn plan_json(dir: &Path, extra: &[&str]) -> Value {
    let d = dir.to_string_lossy().to_string();
    let mut args = vec!["plan", "scenarios/erlang-a.toml", "--quiet", "--out", &d];
    args.extend_from_slice(extra);
    ok(&args);
    serde_json::from_slice(&std::fs::read(dir.join("plan.json")).expect("plan.json")).expect("JSON")
}

fn with_sets<'a>(sets: &'a [String], rest: &[&'a str]) -> Vec<&'a str> {
    let mut args: Vec<&str> = Vec::new();
    for s in sets {
        args.push("--set");
        args.push(s);
    }
    args.extend_from_slice(rest);
    args
}

fn recommended_count(json: &Value) -> u64 {
    json["recommended"]["teams"]["agents"]["count"]
        .as_u64()
        .expect("a count")
}

#[test]
fn plan_returns_the_exact_erlang_a_staffing() {
    // The issue's case: 200 contacts an hour, 180 s handling, 80 % within
    // 20 s, 5 min patience: 13.
    let a = Queue {
        arrivals_per_hour: 200.0,
        handling_hours: 180.0 / 3600.0,
        patience_hours: 5.0 / 60.0,
    };
    let truth = least(|c| a.taken_within(c, 20.0 / 3600.0), true, 0.8, 0.01);
    assert_eq!(
        truth, 13,
        "the birth–death chain gives the published answer"
    );
    let sets = a.sets();
    let json = plan_json(
        &temp("plan-exact-a"),
        &with_sets(&sets, &["--target", "picked_up_within(20s) >= 80%"]),
    );
    assert_eq!(recommended_count(&json), u64::from(truth), "{json:#}");
    assert_eq!(json["recommended"]["certified"], true);
    assert_eq!(json["recommended"]["one_fewer"][0]["feasible"], false);

    // Another load and target, searched down from the scenario's 25.
    let b = Queue {
        arrivals_per_hour: 100.0,
        handling_hours: 0.1,
        patience_hours: 10.0 / 60.0,
    };
    let truth = least(|c| b.taken_within(c, 1.0 / 60.0), true, 0.85, 0.01);
    let sets = b.sets();
    let json = plan_json(
        &temp("plan-exact-b"),
        &with_sets(
            &sets,
            &[
                "--target",
                "picked_up_within(1m) >= 85%",
                "--start",
                "scenario",
            ],
        ),
    );
    assert_eq!(recommended_count(&json), u64::from(truth), "{json:#}");

    // The chance of waiting at all, an upper bound.
    let truth = least(|c| b.p_wait(c), false, 0.3, 0.01);
    let json = plan_json(
        &temp("plan-exact-c"),
        &with_sets(
            &sets,
            &["--target", "waiting.p_wait <= 30%", "--start", "scenario"],
        ),
    );
    assert_eq!(recommended_count(&json), u64::from(truth), "{json:#}");
}

#[test]
fn the_truth_of_the_test_agrees_with_erlang_c_and_the_flow_balance() {
    // With patience far beyond any wait the chain is Erlang C, whose
    // service level has a closed form: 1 − C(c, a)·e^(−(cμ − λ)t).
    let q = Queue {
        arrivals_per_hour: 200.0,
        handling_hours: 0.05,
        patience_hours: 1e9,
    };
    let (c, t) = (13u32, 20.0 / 3600.0);
    let a = q.arrivals_per_hour * q.handling_hours;
    let mut b = 1.0f64;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let erlang_c = b / (1.0 - a / f64::from(c) * (1.0 - b));
    assert!((q.p_wait(c) - erlang_c).abs() < 1e-9);
    let sl = 1.0 - erlang_c * (-(f64::from(c) / q.handling_hours - q.arrivals_per_hour) * t).exp();
    assert!(
        (q.taken_within(c, t) - sl).abs() < 1e-6,
        "{} vs {sl}",
        q.taken_within(c, t)
    );

    // With patience, the abandonment terms: those who give up (λ times the
    // share never taken) leave at θ times the mean queue (a flow balance).
    let a = Queue {
        arrivals_per_hour: 200.0,
        handling_hours: 0.05,
        patience_hours: 5.0 / 60.0,
    };
    let pi = a.stationary(c);
    let mean_queue: f64 = pi
        .iter()
        .enumerate()
        .map(|(n, p)| n.saturating_sub(c as usize) as f64 * p)
        .sum();
    let never_taken = 1.0 - a.taken_within(c, 40.0 * a.patience_hours);
    let balance = a.arrivals_per_hour * never_taken - mean_queue / a.patience_hours;
    assert!(
        balance.abs() < 1e-9 * a.arrivals_per_hour,
        "flow balance off by {balance} an hour"
    );
}

#[test]
fn plan_gives_the_same_bytes_on_any_thread_count_and_a_runnable_scenario() {
    let q = Queue {
        arrivals_per_hour: 200.0,
        handling_hours: 180.0 / 3600.0,
        patience_hours: 5.0 / 60.0,
    };
    let sets = q.sets();
    let run = |threads: &str| {
        let dir = temp(&format!("plan-threads-{threads}"));
        plan_json(
            &dir,
            &with_sets(
                &sets,
                &[
                    "--target",
                    "picked_up_within(20s) >= 80%",
                    "--target",
                    "waiting.p_abandon <= 10%",
                    "--delays",
                    "0s,10s",
                    "--threads",
                    threads,
                ],
            ),
        );
        dir
    };
    let (one, two) = (run("1"), run("2"));
    for file in [
        "plan.json",
        "candidates.csv",
        "frontier.csv",
        "scenario.toml",
    ] {
        assert_eq!(
            std::fs::read(one.join(file)).expect(file),
            std::fs::read(two.join(file)).expect(file),
            "{file} differs between 1 and 2 threads"
        );
    }
    // `entraide report` draws a plan's directory.
    let d2 = two.to_string_lossy().to_string();
    ok(&["report", &d2]);
    let page = std::fs::read_to_string(two.join("report.html")).expect("report.html");
    assert!(page.contains("<h1>entraide plan: erlang-a</h1>"), "{page}");
    assert!(
        page.contains("One person fewer") && page.contains("<svg"),
        "{page}"
    );
    // The recommended plan is a scenario `check` accepts and `run` runs
    // with the planned head count.
    let scenario = two.join("scenario.toml").to_string_lossy().to_string();
    ok(&["check", &scenario]);
    let out = temp("plan-rerun");
    let o = out.to_string_lossy().to_string();
    ok(&[
        "run",
        &scenario,
        "--quiet",
        "--set",
        "simulation.horizon=2d",
        "--out",
        &o,
    ]);
    let json: Value =
        serde_json::from_slice(&std::fs::read(one.join("plan.json")).unwrap()).unwrap();
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["staff"]["teams"]["agents"]["count"],
        json["recommended"]["teams"]["agents"]["count"]
    );
    // The run measures the targets' times.
    assert!(
        summary["waiting"]["within"]["20s"].is_number(),
        "{summary:#}"
    );
}

#[test]
fn a_plan_over_shift_blocks_writes_each_blocks_count() {
    // Mercure's two teams each have two shift patterns: four blocks.
    let dir = temp("plan-blocks");
    let d = dir.to_string_lossy().to_string();
    ok(&[
        "plan",
        "scenarios/mercure.toml",
        "--set",
        "simulation.horizon=60d",
        "--set",
        "simulation.warmup=14d",
        "--target",
        "answered_within(2h) >= 60%",
        "--delays",
        "0h",
        "--first-stage",
        "4",
        "--max-replications",
        "8",
        "--quiet",
        "--out",
        &d,
    ]);
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.join("plan.json")).unwrap()).unwrap();
    let teams = json["recommended"]["teams"].as_object().expect("teams");
    assert_eq!(teams.len(), 2);
    for (name, team) in teams {
        let blocks = team["blocks"].as_array().expect("blocks");
        assert_eq!(blocks.len(), 2, "{name}");
        let sum: u64 = blocks.iter().map(|b| b["count"].as_u64().unwrap()).sum();
        assert_eq!(sum, team["count"].as_u64().unwrap(), "{name}");
    }
    let scenario = dir.join("scenario.toml").to_string_lossy().to_string();
    ok(&["check", &scenario]);
}

#[test]
fn bad_requests_exit_2_with_the_reason() {
    for (args, says) in [
        (
            vec!["--target", "answerd_within(4h) >= 90%"],
            "unknown measure `answerd_within`",
        ),
        (
            vec!["--target", "answered_within(4h) >= 150%"],
            "not a possible share",
        ),
        (
            vec!["--target", "exited <= 1%", "--target", "exited >= 2%"],
            "contradict",
        ),
        (vec![], "at least one --target"),
        (
            vec!["--target", "exited <= 3%", "--teams", "nobody"],
            "no team `nobody`",
        ),
        (
            vec!["--target", "exited <= 3%", "--delays", "3x"],
            "--delays \"3x\"",
        ),
        (
            vec!["--target", "exited <= 3%", "--confidence", "1.5"],
            "--confidence",
        ),
        (
            vec!["--target", "exited <= 3%", "--weight", "agents=-1"],
            "--weight",
        ),
        (
            vec!["--target", "exited <= 3%", "--first-stage", "1"],
            "--first-stage",
        ),
    ] {
        let mut all = vec!["plan", "scenarios/erlang-a.toml", "--quiet"];
        all.extend_from_slice(&args);
        let out = entraide(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// The runs `plan` compares share their seeds, so adding a person should
/// never make the same replication's service level worse. Checked on
/// every replication from 10 to 22 people, where the last steps change
/// the level by hundredths of a point, so that a coupling broken by the
/// extra person (a different sequence of handling times) would show.
#[test]
fn more_staff_never_lowers_a_replications_service_level() {
    let q = Queue {
        arrivals_per_hour: 200.0,
        handling_hours: 180.0 / 3600.0,
        patience_hours: 5.0 / 60.0,
    };
    let mut sets = q.sets();
    sets.push("simulation.horizon=2w".into());
    sets.push("simulation.response_targets=[\"20s\"]".into());
    let path = common::root().join("scenarios/erlang-a.toml");
    let base = entraide::scenario::load(&path, &sets)
        .expect("scenario")
        .scenario;
    let seeds = entraide::replicate::seeds(5, 8);
    let level = |c: u32, seed: u64| {
        let mut sc = base.clone();
        sc.staff.teams[0].count = c;
        let s = entraide::model::simulate(&sc, seed, &mut entraide::model::NoObserver);
        s.waiting.within.get("20s").expect("measured")
    };
    let mut smallest_step = f64::INFINITY;
    for &seed in &seeds {
        let mut before = level(10, seed);
        for c in 11..=22 {
            let now = level(c, seed);
            assert!(
                now >= before,
                "seed {seed}: {before} with {} people, {now} with {c}",
                c - 1
            );
            if now > before {
                smallest_step = smallest_step.min(now - before);
            }
            before = now;
        }
    }
    // Not trivially monotone: some steps are tiny but still positive.
    assert!(
        smallest_step < 1e-3,
        "the smallest rise was {smallest_step}"
    );
}

/// Repeated plans, each with its own master seed, on a case whose answer
/// is known and close to the edge of the indifference zone: 200 an hour,
/// 3 min handling, 5 min patience, 84.5 % taken within 20 s ± 1 point.
/// Exact theory gives 85.8 % with 13 people (1.3 tolerances above the
/// threshold) and 77.2 % with 12, so 13 is the only correct plan (14 is
/// wrong: its one-fewer plan clearly meets the target). Runs of a day are
/// noisy enough that the checks go on past their first stage, so the
/// sequential part is exercised (checked below). The promise is 95 %: at
/// least 19 of 20 plans must be right.
#[test]
fn repeated_plans_pick_the_right_staffing_at_the_promised_rate() {
    use entraide::plan::{self, targets};
    let q = Queue {
        arrivals_per_hour: 200.0,
        handling_hours: 180.0 / 3600.0,
        patience_hours: 5.0 / 60.0,
    };
    let (sl12, sl13) = (
        q.taken_within(12, 20.0 / 3600.0),
        q.taken_within(13, 20.0 / 3600.0),
    );
    assert!(sl13 > 0.845 + 0.01 && sl12 < 0.845 - 0.01, "{sl12} {sl13}");
    let mut sets = q.sets();
    sets.push("simulation.horizon=26h".into());
    sets.push("simulation.warmup=2h".into());
    let path = common::root().join("scenarios/erlang-a.toml");
    let mut base = entraide::scenario::load(&path, &sets)
        .expect("scenario")
        .scenario;
    let targets =
        targets::parse_all(&["picked_up_within(20s) >= 84.5%".to_string()]).expect("target");
    targets::add_response_targets(&mut base, &targets);
    let (mut right, mut sequential) = (0, 0);
    let plans = 20;
    for seed in 1..=plans {
        let options = plan::Options {
            delays: vec![entraide::time::SimDuration::ZERO],
            teams: vec![0],
            weights: vec![1.0],
            confidence: 0.95,
            seed,
            first_stage: 10,
            max_replications: 400,
            start: plan::Start::Scenario,
            threads: Some(2),
        };
        let outcome = plan::run(
            &base,
            &targets,
            &options,
            &mut |_| {},
            plan::Resume::default(),
        )
        .expect("plan");
        let answer = outcome.recommended().expect("an answer");
        right += u32::from(answer.plan.counts == [13]);
        let used = answer.decision.targets[0].as_ref().map_or(0, |d| d.used);
        sequential += u32::from(used > options.first_stage);
    }
    eprintln!("{right} of {plans} plans chose 13; {sequential} went past the first stage");
    assert!(right >= 19, "{right} of {plans} plans chose 13");
    assert!(
        sequential >= plans as u32 / 2,
        "only {sequential} plans went past the first stage"
    );
}

/// `plan --out DIR` keeps every replication in DIR/plan.journal: cut
/// short (here: the journal truncated mid-line, as a kill leaves it), the
/// same command resumes and writes the same bytes; a journal of another
/// request is refused with exit 2, and nothing of it is lost.
#[test]
fn an_interrupted_plan_resumes_to_the_same_bytes() {
    let q = Queue {
        arrivals_per_hour: 200.0,
        handling_hours: 180.0 / 3600.0,
        patience_hours: 5.0 / 60.0,
    };
    let sets = q.sets();
    let dir = temp("plan-resume");
    let d = dir.to_string_lossy().to_string();
    let mut ordered = vec!["plan", "scenarios/erlang-a.toml"];
    ordered.extend(with_sets(
        &sets,
        &[
            "--target",
            "picked_up_within(20s) >= 80%",
            "--start",
            "scenario",
            "--out",
            &d,
        ],
    ));
    ok(&ordered);
    let plan_json = std::fs::read(dir.join("plan.json")).unwrap();
    let journal = dir.join("plan.journal");
    let full = std::fs::read(&journal).unwrap();
    let lines = full.iter().filter(|b| **b == b'\n').count();
    assert!(lines > 20, "{lines} journal lines");
    // Cut in the middle of a batch's end line, as a kill would: the
    // batch's observations are whole but the batch is not, and a part
    // batch kept would shift every later batch (and the runs counted).
    let text = String::from_utf8_lossy(&full);
    let end = text[..text.len() / 2]
        .rfind(";end;")
        .expect("a batch end in the first half");
    let line_start = text[..end].rfind('\n').unwrap() + 1;
    assert!(
        !text[..line_start].ends_with(";end;0\n"),
        "the cut batch has observations"
    );
    std::fs::write(&journal, &full[..end]).unwrap();
    std::fs::remove_file(dir.join("plan.json")).unwrap();
    let out = ok(&ordered);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("resuming"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.join("plan.json")).unwrap(), plan_json);
    // Whole again: the same observations, some in another order.
    let lines_of = |bytes: &[u8]| {
        let mut v: Vec<String> = String::from_utf8_lossy(bytes)
            .lines()
            .map(|l| {
                l.split_once(',')
                    .map_or(l, |(_, rest)| rest)
                    .rsplit_once(',')
                    .map_or("", |(body, _)| body)
                    .to_string()
            })
            .collect();
        v.sort();
        v
    };
    let resumed = std::fs::read(&journal).unwrap();
    assert!(
        lines_of(&resumed) == lines_of(&full),
        "the resumed journal holds other observations"
    );
    // Another request in the same directory.
    let mut other = ordered.clone();
    let i = other
        .iter()
        .position(|a| *a == "picked_up_within(20s) >= 80%")
        .unwrap();
    other[i] = "picked_up_within(20s) >= 70%";
    let out = entraide(&other);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another request"));
    assert!(
        std::fs::read(&journal).unwrap() == resumed,
        "the refused request left the journal alone"
    );
}

/// Blocks the user proposes with `--set ...shifts=[...]`: each pattern is
/// planned on its own, and the written scenario keeps the patterns that
/// got people, with their shares.
#[test]
fn proposed_shift_blocks_are_planned_one_by_one() {
    let q = Queue {
        arrivals_per_hour: 200.0,
        handling_hours: 180.0 / 3600.0,
        patience_hours: 5.0 / 60.0,
    };
    let mut sets = q.sets();
    sets.push(
        "staff.teams.agents.shifts=[{share=0.5,hours=[\"mon-sun 06:00-18:00\"]},{share=0.5,hours=[\"mon-sun 18:00-06:00\"]}]"
            .into(),
    );
    let dir = temp("plan-proposed");
    let json = plan_json(
        &dir,
        &with_sets(
            &sets,
            &[
                "--target",
                "picked_up_within(20s) >= 80%",
                "--first-stage",
                "5",
            ],
        ),
    );
    let blocks = json["recommended"]["teams"]["agents"]["blocks"]
        .as_array()
        .expect("blocks");
    assert_eq!(blocks.len(), 2, "{json:#}");
    // Flat demand, two 12-hour halves, and one target over the whole day:
    // 13 and 13 meet it (85.8 % each), so do 12 and 13 (77.2 % and 85.8 %
    // average 81.5 %), 12 and 12 do not (77.2 %), nor 11 and 13 (75.8 %).
    let mut counts: Vec<u64> = blocks
        .iter()
        .map(|b| {
            assert_eq!(b["hours_per_week"], 84.0);
            b["count"].as_u64().unwrap()
        })
        .collect();
    counts.sort();
    assert_eq!(counts, [12, 13], "{json:#}");
    let scenario = dir.join("scenario.toml").to_string_lossy().to_string();
    ok(&["check", &scenario]);
}

/// Arrivals through the day in the time-stability case: 60 an hour on
/// average, ± 50 % as a sinusoid (at each hour's middle), peaking at 05:30.
fn sinusoid_profile() -> Vec<f64> {
    (0..24)
        .map(|h| 1.0 + 0.5 * (std::f64::consts::TAU * (h as f64 + 0.5) / 24.0).sin())
        .collect()
}

/// A staff-only forum with sinusoidal arrivals (exponential handling and
/// patience, one hour each) and one block of staff per hour of the day,
/// `counts[h]` people on 0h:00–(h+1):00 every day.
fn sinusoid_scenario(counts: &[u32]) -> String {
    let total: u32 = counts.iter().sum();
    let shifts: Vec<String> = counts
        .iter()
        .enumerate()
        .map(|(h, &n)| {
            format!(
                "{{ share = {:?}, hours = [\"mon-sun {h:02}:00-{:02}:00\"] }}",
                f64::from(n) / f64::from(total),
                h + 1
            )
        })
        .collect();
    format!(
        r#"name = "sinusoid"
[simulation]
horizon = "31d"
warmup = "3d"
seed = 7
[demand]
questions_per_day = 1440
hourly_profile = {:?}
[demand.topics.general]
share = 1.0
account_probability = 0.0
[customers]
patience = {{ dist = "exponential", mean = "1h" }}
max_chases = 0
complain_probability = 0.0
accept_probability = 0.0
become_expert_probability = 0.0
[experts]
initial = 0
[staff.teams.agents]
count = {total}
topics = ["general"]
shifts = [{}]
answer_time = {{ dist = "exponential", mean = "1h" }}
[policy]
intervention_delay = "0s"
confirm_expert_answers = false
"#,
        sinusoid_profile(),
        shifts.join(",\n  ")
    )
}

/// The mean `waiting.p_wait_by_hour` of 10 replications of `counts`.
fn p_wait_by_hour(dir: &Path, name: &str, counts: &[u32]) -> Vec<f64> {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, sinusoid_scenario(counts)).unwrap();
    let out = dir.join(name);
    let (file, out) = (file.to_string_lossy(), out.to_string_lossy());
    ok(&[
        "run",
        &file,
        "--replications",
        "10",
        "--out",
        &out,
        "--quiet",
    ]);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(dir.join(name).join("summary.json")).unwrap())
            .unwrap();
    summary["waiting"]["p_wait_by_hour"]
        .as_array()
        .expect("24 hours")
        .iter()
        .map(|x| x.as_f64().expect("a share"))
        .collect()
}

/// Time stability (Feldman, Mandelbaum, Massey and Whitt 2008): with
/// sinusoidal arrivals and staff only, the plan for
/// `every_hour(waiting.p_wait) <= 20%` keeps the probability of waiting
/// in **every** hour between 10 points below the bound and its tolerance
/// above (the rounds aim a tolerance, 3 points, inside the bound, and one
/// person moves an hour's probability by 2 to 5 points at these loads, so
/// hours land 3 to 8 points below it; 10 leaves 2 for sampling). Two
/// staffings show the band
/// says something:
/// - stationary Erlang-A staffing hour by hour, computed here from the
///   birth–death chain, as a contact-centre calculator sizes each
///   interval. In this model staff finish a task past their shift's end,
///   so each hour's staff keep serving into the next: the calculator,
///   which knows nothing of it, over-staffs every hour (the probability
///   of waiting is below the band all day) at far more than the plan's
///   cost;
/// - the plan's own head count spread evenly over the day: the wait
///   swings from none at night to most customers at the peak.
#[test]
fn a_plan_for_every_hour_is_time_stable_where_stationary_staffing_is_not() {
    let dir = temp("plan-time-stable");
    std::fs::create_dir_all(&dir).unwrap();
    // The shipped scenario is this one with 10 people an hour.
    let shipped =
        std::fs::read_to_string(common::root().join("scenarios/hourly-sinusoid.toml")).unwrap();
    let lines = |t: &str| {
        t.lines()
            .filter(|l| {
                l.starts_with("questions_per_day")
                    || l.starts_with("answer_time")
                    || l.starts_with("patience")
            })
            .map(|l| l.split('#').next().unwrap().trim().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(&shipped), lines(&sinusoid_scenario(&[10; 24])));
    let d = dir.join("plan").to_string_lossy().to_string();
    ok(&[
        "plan",
        "scenarios/hourly-sinusoid.toml",
        "--target",
        "every_hour(waiting.p_wait) <= 20% +- 3%",
        "--first-stage",
        "10",
        "--max-replications",
        "20",
        "--quiet",
        "--out",
        &d,
    ]);
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.join("plan/plan.json")).unwrap()).unwrap();
    let estimates = json["recommended"]["estimates"]
        .as_array()
        .expect("estimates");
    assert_eq!(estimates.len(), 24, "one target per hour");
    let (alpha, below, above) = (0.20, 0.10, 0.03);
    for (h, e) in estimates.iter().enumerate() {
        let p = e["mean"].as_f64().unwrap();
        assert!(
            (alpha - below..=alpha + above).contains(&p),
            "hour {h}: the plan's probability of waiting {p} is outside the band"
        );
    }
    let plan: Vec<u32> = json["recommended"]["teams"]["agents"]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap() as u32)
        .collect();
    let cost: u32 = plan.iter().sum();

    let stationary: Vec<u32> = sinusoid_profile()
        .iter()
        .map(|&w| {
            let q = Queue {
                arrivals_per_hour: 60.0 * w,
                handling_hours: 1.0,
                patience_hours: 1.0,
            };
            (1..500).find(|&c| q.p_wait(c) <= alpha).unwrap()
        })
        .collect();
    let stationary_cost: u32 = stationary.iter().sum();
    assert!(
        f64::from(stationary_cost) > 1.5 * f64::from(cost),
        "stationary staffing {stationary_cost} against the plan's {cost}"
    );
    let p = p_wait_by_hour(&dir, "stationary", &stationary);
    for (h, &x) in p.iter().enumerate() {
        assert!(
            x < alpha - below,
            "hour {h}: stationary staffing waits {x}, inside the band"
        );
    }

    let even = cost / 24;
    let p = p_wait_by_hour(&dir, "even", &[even; 24]);
    let (low, high) = p
        .iter()
        .fold((1.0f64, 0.0f64), |(l, h), &x| (l.min(x), h.max(x)));
    assert!(
        low < alpha - below && high > alpha + 0.3,
        "even staffing ({even} an hour): waits from {low} to {high}"
    );
}
