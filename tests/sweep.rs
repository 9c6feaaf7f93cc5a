//! `entraide sweep` and `entraide merge` end to end: byte-identical files
//! whatever the thread count, the interruptions, the sharding; common
//! random numbers; growing the replications keeps the earlier ones; the
//! paired differences against the baseline point, recomputed here from
//! runs.csv, and narrower than unpaired intervals; refusals with exit code
//! 2 and nothing written.

mod common;

use common::{entraide, root, temp};
use entraide::sweep::journal::{self, Journal};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the binary, which must succeed and print nothing on stdout.
fn ok(args: &[&str]) {
    let out = common::ok(args);
    assert!(out.stdout.is_empty(), "results go to files, not stdout");
}

/// A small grid on the Erlang-A reduction: 3 x 2 points, short runs. Its
/// baseline is point 3 (26 agents, 10m), in the middle of the grid and in
/// the third of four shards, so that resuming and merging must find it.
fn grid(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "sweep",
        "scenarios/erlang-a.toml",
        "--vary",
        "staff.teams.agents.count=24..28:2",
        "--vary",
        "policy.intervention_delay=0s,10m",
        "--baseline",
        "staff.teams.agents.count=26",
        "--baseline",
        "policy.intervention_delay=10m",
        "--set",
        "simulation.horizon=5d",
        "--set",
        "simulation.warmup=1d",
        "--replications",
        "3",
        "--quiet",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(out.to_string_lossy().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run_grid(out: &Path, extra: &[&str]) {
    let args = grid(out, extra);
    ok(&args.iter().map(|s| s.as_str()).collect::<Vec<_>>());
}

fn files(dir: &Path) -> Vec<Vec<u8>> {
    ["runs.csv", "points.csv", "points_long.csv", "sweep.json"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap_or_else(|_| panic!("{f} in {}", dir.display())))
        .collect()
}

fn rows(dir: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(dir.join("runs.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect()
}

/// points.csv as rows of column -> value.
fn points(dir: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join("points.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn column(dir: &Path, name: &str) -> usize {
    let mut reader = csv::Reader::from_path(dir.join("runs.csv")).unwrap();
    reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn same_files_whatever_the_thread_count() {
    let (a, b) = (temp("threads-1"), temp("threads-2"));
    run_grid(&a, &["--threads", "1"]);
    run_grid(&b, &["--threads", "2"]);
    assert_eq!(files(&a), files(&b));
    let runs = rows(&a);
    assert_eq!(runs.len(), 3 * 2 * 3);
    let points = csv::Reader::from_path(a.join("points.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(points, 6);
    // Run order: point-major, the first --vary slowest.
    let staff = column(&a, "staff.teams.agents.count");
    let delay_hours = column(&a, "policy.intervention_delay_hours");
    assert_eq!(&runs[0][staff], "24");
    assert_eq!(&runs[3][delay_hours], "0.16666666666666666");
    assert_eq!(&runs[6][staff], "26");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["plan"]["baseline"]["point"], 3);
    assert_eq!(
        manifest["plan"]["baseline"]["values"]["policy.intervention_delay"],
        "10m"
    );
    for d in [a, b] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn common_random_numbers_and_growing_replications() {
    let (three, five) = (temp("r3"), temp("r5"));
    run_grid(&three, &[]);
    run_grid(&five, &["--replications", "5"]);
    let (posted, seed, rep, point) = (
        column(&three, "questions_posted"),
        column(&three, "seed"),
        column(&three, "replication"),
        column(&three, "point"),
    );
    let r3 = rows(&three);
    let r5 = rows(&five);
    // Every run of the 3-replication sweep is in the 5-replication one,
    // identical to the byte.
    for row in &r3 {
        let same = r5
            .iter()
            .find(|r| r[point] == row[point] && r[rep] == row[rep])
            .expect("the same run");
        assert_eq!(same, row);
    }
    // Same replication, same seed and the same demand at every point
    // (staffing does not change when questions arrive).
    for row in &r3 {
        let first = r3.iter().find(|r| r[rep] == row[rep]).unwrap();
        assert_eq!(row[seed], first[seed]);
        assert_eq!(row[posted], first[posted], "demand differs across points");
    }
    assert_ne!(r3[0][posted], r3[1][posted], "replications differ");
    for d in [three, five] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// Mean and 95 % half-width (Student t, 0.975, n − 1 degrees of freedom:
/// the table up to 10) of a sample, two-pass.
fn mean_and_half_width(xs: &[f64]) -> (f64, f64) {
    const T: [f64; 10] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    ];
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, T[xs.len() - 2] * var.sqrt() / n.sqrt())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn paired_differences_against_the_baseline() {
    let dir = temp("paired");
    run_grid(&dir, &["--replications", "6"]);
    let runs = rows(&dir);
    let points = points(&dir);
    let (point_col, rep_col) = (column(&dir, "point"), column(&dir, "replication"));
    let value = |point: usize, rep: usize, col: usize| -> Option<f64> {
        runs.iter()
            .find(|r| r[point_col] == *point.to_string() && r[rep_col] == *rep.to_string())
            .and_then(|r| r[col].parse().ok())
    };
    // The baseline's own difference is exactly 0, for every measure it has.
    let baseline = &points[3];
    let mut measures = 0;
    for (key, mean) in baseline {
        if let Some(m) = key.strip_suffix("_mean")
            && !mean.is_empty()
        {
            assert_eq!(baseline[&format!("{m}_diff")], "0", "{m}");
            assert_eq!(baseline[&format!("{m}_diff_ci95")], "0", "{m}");
            measures += 1;
        }
    }
    assert!(measures > 20, "only {measures} measures");
    // Every other point: the mean and half-width of the per-replication
    // differences, recomputed here from runs.csv.
    for (point, row) in points.iter().enumerate() {
        for m in ["backlog_mean", "first_response_mean_hours", "staff_answers"] {
            let col = column(&dir, m);
            let d: Vec<f64> = (0..6)
                .map(|r| value(point, r, col).unwrap() - value(3, r, col).unwrap())
                .collect();
            let (mean, hw) = mean_and_half_width(&d);
            let got: f64 = row[&format!("{m}_diff")].parse().unwrap();
            let got_hw: f64 = row[&format!("{m}_diff_ci95")].parse().unwrap();
            assert!(close(got, mean), "point {point} {m}: {got} vs {mean}");
            assert!(close(got_hw, hw), "point {point} {m}: {got_hw} vs {hw}");
        }
    }
    // Common random numbers: the paired interval of a difference is much
    // narrower than the unpaired one, sqrt(ci_a² + ci_b²), from the two
    // points' own intervals. The issue measured 2.6 to 7 times less
    // variance; this asks for 2.25 times (1.5 in width), pooled over the
    // five points compared with the baseline.
    for m in [
        "backlog_mean",
        "first_response_mean_hours",
        "staff_utilisation",
    ] {
        let (mut paired, mut unpaired) = (0.0, 0.0);
        for (point, row) in points.iter().enumerate() {
            if point == 3 {
                continue;
            }
            let get = |row: &std::collections::BTreeMap<String, String>, c: &str| -> f64 {
                row[&format!("{m}_{c}")].parse().unwrap()
            };
            paired += get(row, "diff_ci95").powi(2);
            unpaired += get(row, "ci95").powi(2) + get(baseline, "ci95").powi(2);
        }
        let ratio = (unpaired / paired).sqrt();
        assert!(ratio > 1.5, "{m}: paired only {ratio:.2} times narrower");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_interrupted_sweep_resumes_to_identical_files() {
    let whole = temp("whole");
    run_grid(&whole, &[]);
    let expected = files(&whole);
    // A crash after some runs: the manifest, a journal holding every other
    // run in completion order, and a torn last line.
    let partial = temp("partial");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::copy(whole.join("sweep.json"), partial.join("sweep.json")).unwrap();
    let text = std::fs::read_to_string(whole.join("runs.csv")).unwrap();
    let mut j = Journal::open(&partial.join(journal::FILE), 0).unwrap();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    for (run, row) in lines.iter().enumerate().rev().step_by(2) {
        j.append(run as u64, row).unwrap();
    }
    drop(j);
    let mut torn = std::fs::OpenOptions::new()
        .append(true)
        .open(partial.join(journal::FILE))
        .unwrap();
    std::io::Write::write_all(&mut torn, b"4,1,26,0,0s,0,12345,99").unwrap();
    drop(torn);
    // Without --resume it refuses to touch the directory.
    let args = grid(&partial, &[]);
    let out = entraide(&args.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume"));
    run_grid(&partial, &["--resume"]);
    assert_eq!(files(&partial), expected);
    assert!(
        !partial.join(journal::FILE).exists(),
        "the journal is gone once done"
    );
    // Resuming a finished sweep changes nothing.
    run_grid(&partial, &["--resume"]);
    assert_eq!(files(&partial), expected);
    for d in [whole, partial] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn a_killed_sweep_resumes_to_identical_files() {
    let whole = temp("unkilled");
    let args = [
        "sweep",
        "scenarios/mercure.toml",
        "--vary",
        "policy.intervention_delay=0h,3h",
        "--set",
        "simulation.horizon=60d",
        "--replications",
        "8",
        "--quiet",
        "--out",
    ];
    let whole_text = whole.to_string_lossy().to_string();
    ok(&[&args[..], &[whole_text.as_str()]].concat());
    let killed = temp("killed");
    let killed_text = killed.to_string_lossy().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args([&args[..], &[killed_text.as_str()]].concat())
        .current_dir(root())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL) once a few runs are in the journal, or wherever it
    // is after a while: whatever the moment, resuming must give the same.
    let journal = killed.join(journal::FILE);
    for _ in 0..400 {
        let lines = std::fs::read_to_string(&journal)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines >= 3 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    ok(&[&args[..], &[killed_text.as_str(), "--resume"]].concat());
    assert_eq!(files(&killed), files(&whole));
    for d in [whole, killed] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn refuses_to_resume_another_plan() {
    let dir = temp("other-plan");
    run_grid(&dir, &[]);
    let before = files(&dir);
    for extra in [
        vec!["--resume", "--seed", "2"],
        vec!["--resume", "--replications", "4"],
        vec!["--resume", "--set", "customers.patience.mean=2h"],
    ] {
        let args = grid(&dir, &extra);
        let out = entraide(&args.iter().map(|s| s.as_str()).collect::<Vec<_>>());
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("different sweep"));
    }
    // Another baseline gives another points.csv: another sweep too.
    let args: Vec<String> = grid(&dir, &["--resume"])
        .into_iter()
        .map(|a| a.replace("staff.teams.agents.count=26", "staff.teams.agents.count=28"))
        .collect();
    let out = entraide(&args.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another --baseline"));
    assert_eq!(files(&dir), before, "nothing touched");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn shards_merge_into_the_single_machine_files() {
    let whole = temp("single");
    run_grid(&whole, &[]);
    let shards: Vec<PathBuf> = (1..=4).map(|i| temp(&format!("shard{i}"))).collect();
    for (i, dir) in shards.iter().enumerate() {
        let spec = format!("{}/4", i + 1);
        run_grid(dir, &["--shard", &spec]);
    }
    let merged = temp("merged");
    let texts: Vec<String> = shards
        .iter()
        .map(|d| d.to_string_lossy().to_string())
        .collect();
    let merged_text = merged.to_string_lossy().to_string();
    // Any order of the shard directories.
    ok(&[
        "merge",
        &texts[2],
        &texts[0],
        &texts[3],
        &texts[1],
        "--out",
        &merged_text,
    ]);
    assert_eq!(files(&merged), files(&whole));
    // A shard without the baseline's runs has no differences; the shard
    // that holds them (runs 9 to 12, the third) has, and merge has all.
    assert!(
        points(&shards[0])
            .iter()
            .all(|p| p["backlog_mean_diff"].is_empty())
    );
    let third = points(&shards[2]);
    let baseline = third.iter().find(|p| p["point"] == "3").unwrap();
    assert_eq!(baseline["backlog_mean_diff"], "0");
    assert!(
        points(&merged)
            .iter()
            .all(|p| !p["backlog_mean_diff"].is_empty())
    );
    // A missing shard and a repeated shard are reported, nothing written.
    let bad = temp("bad-merge");
    let bad_text = bad.to_string_lossy().to_string();
    for (dirs, needle) in [
        (vec![&texts[0], &texts[1], &texts[3]], "missing"),
        (
            vec![&texts[0], &texts[1], &texts[1], &texts[2], &texts[3]],
            "twice",
        ),
    ] {
        let mut args = vec!["merge"];
        args.extend(dirs.iter().map(|s| s.as_str()));
        args.extend(["--out", &bad_text]);
        let out = entraide(&args);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(needle));
        assert!(!bad.exists(), "nothing written");
    }
    // Shards of another plan are refused.
    let other = temp("other-shard");
    run_grid(&other, &["--shard", "2/4", "--seed", "9"]);
    let other_text = other.to_string_lossy().to_string();
    let out = entraide(&[
        "merge",
        &texts[0],
        &other_text,
        &texts[2],
        &texts[3],
        "--out",
        &bad_text,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("different sweeps"));
    for d in shards.into_iter().chain([whole, merged, bad, other]) {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn bad_plans_exit_2_and_write_nothing() {
    let dir = temp("bad");
    let dir_text = dir.to_string_lossy().to_string();
    for (extra, needle) in [
        (vec!["--vary", "policy.nope=1h,2h"], "policy.nope"),
        (vec!["--vary", "staff.teams.agents.count=40..10:5"], "empty"),
        (vec!["--vary", "staff.teams.agents.count=10..40:0"], "step"),
        (
            vec!["--vary", "staff.teams.agents.count=a,b"],
            "staff.teams.agents.count",
        ),
        (
            vec!["--vary", "policy.intervention_delay=1h,3x"],
            "policy.intervention_delay",
        ),
        (vec!["--vary", "staff.teams.nobody.count=1,2"], "nobody"),
        (vec!["--shard", "3/2"], "--shard"),
        (vec!["--shard", "0/0"], "--shard"),
        (vec!["--replications", "0"], "replications"),
        (vec!["--resume"], "no sweep to resume"),
        (vec!["--vary", "name=a\nb,c"], "line break"),
        (vec!["--set", "name=a\nb"], "line break"),
        (
            vec![
                "--vary",
                "policy.intervention_delay=0s,10m",
                "--baseline",
                "policy.intervention_delay=5m",
            ],
            "--baseline policy.intervention_delay=5m: \"5m\" matches no point: expected one of the values varied (0s, 10m)",
        ),
        (
            vec![
                "--vary",
                "policy.intervention_delay=0s,10m",
                "--baseline",
                "staff.teams.agents.count=24",
            ],
            "not a varied parameter (the varied parameters are policy.intervention_delay)",
        ),
        (
            vec![
                "--vary",
                "policy.intervention_delay=0s,10m",
                "--vary",
                "staff.teams.agents.count=24,26",
                "--baseline",
                "staff.teams.agents.count=24",
            ],
            "--baseline: no value for the varied parameter policy.intervention_delay",
        ),
        (vec!["--baseline", "nothing"], "expected PATH=VALUE"),
        (
            vec![
                "--vary",
                "policy.intervention_delay=0s,10m",
                "--baseline",
                "policy.intervention_delay=0s",
                "--baseline",
                "policy.intervention_delay=10m",
            ],
            "given twice",
        ),
    ] {
        let mut args = vec![
            "sweep",
            "scenarios/erlang-a.toml",
            "--quiet",
            "--out",
            &dir_text,
        ];
        args.extend(extra.iter());
        let out = entraide(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(needle), "{extra:?}: {stderr}");
        assert!(!stderr.contains("panicked"));
        assert!(!dir.exists(), "{extra:?}: nothing may be written");
    }
}

#[test]
fn the_shipped_sweep_file_runs() {
    let dir = temp("sweep-file");
    let dir_text = dir.to_string_lossy().to_string();
    ok(&[
        "sweep",
        "scenarios/delay-x-staffing.sweep.toml",
        "--set",
        "simulation.horizon=14d",
        "--set",
        "simulation.warmup=2d",
        "--replications",
        "1",
        "--quiet",
        "--out",
        &dir_text,
    ]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["plan"]["factors"].as_array().unwrap().len(), 2);
    assert!(rows(&dir).len() >= 10);
    let _ = std::fs::remove_dir_all(dir);
}

/// A sweep file in a scratch directory, on the shipped Erlang-A scenario.
fn sweep_file(name: &str, baseline: &str) -> PathBuf {
    let dir = temp(name);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("grid.sweep.toml");
    let scenario = root().join("scenarios/erlang-a.toml");
    std::fs::write(
        &path,
        format!(
            "[sweep]\nscenario = {:?}\nreplications = 2\nset = [\"simulation.horizon=2d\", \"simulation.warmup=0s\"]\n\n[sweep.vary]\n\"policy.intervention_delay\" = \"0s,10m,1h\"\n\"staff.teams.agents.count\" = [24, 26]\n\n{baseline}",
            scenario.to_string_lossy()
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_sweep_file_names_its_baseline() {
    // Dotted keys and quoted paths, a duration written another way, a
    // number for a number: the point (1h, 26), number 5.
    let file = sweep_file(
        "baseline-file",
        "[sweep.baseline]\npolicy.intervention_delay = \"60m\"\n\"staff.teams.agents.count\" = 26\n",
    );
    let out = file.parent().unwrap().join("out");
    ok(&[
        "sweep",
        &file.to_string_lossy(),
        "--quiet",
        "--out",
        &out.to_string_lossy(),
    ]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["plan"]["baseline"]["point"], 5);
    assert_eq!(
        manifest["plan"]["baseline"]["values"]["policy.intervention_delay"],
        "1h"
    );
    assert_eq!(points(&out)[5]["backlog_mean_diff"], "0");
    // The command line replaces the file's value for a path.
    let again = file.parent().unwrap().join("again");
    ok(&[
        "sweep",
        &file.to_string_lossy(),
        "--baseline",
        "policy.intervention_delay=0s",
        "--quiet",
        "--out",
        &again.to_string_lossy(),
    ]);
    assert_eq!(points(&again)[1]["backlog_mean_diff"], "0");
    // Without a baseline, the first point is the baseline.
    let plain = sweep_file("baseline-none", "");
    let plain_out = plain.parent().unwrap().join("out");
    ok(&[
        "sweep",
        &plain.to_string_lossy(),
        "--quiet",
        "--out",
        &plain_out.to_string_lossy(),
    ]);
    assert_eq!(points(&plain_out)[0]["backlog_mean_diff"], "0");
    assert_ne!(points(&plain_out)[1]["backlog_mean_diff"], "0");
    for d in [file, plain] {
        let _ = std::fs::remove_dir_all(d.parent().unwrap());
    }
}

#[test]
fn a_bad_baseline_in_a_sweep_file_names_the_file_and_field() {
    for (name, baseline, needle) in [
        (
            "bad-value",
            "[sweep.baseline]\n\"policy.intervention_delay\" = \"2h\"\n\"staff.teams.agents.count\" = 26\n",
            "sweep.baseline.policy.intervention_delay: \"2h\" matches no point: expected one of the values varied (0s, 10m, 1h)",
        ),
        (
            "bad-path",
            "[sweep.baseline]\n\"policy.intervention_delay\" = \"0s\"\n\"staff.teams.agents.count\" = 26\n\"customers.patience.mean\" = \"1h\"\n",
            "sweep.baseline.customers.patience.mean: not a varied parameter",
        ),
        (
            "missing",
            "[sweep.baseline]\n\"staff.teams.agents.count\" = 26\n",
            "sweep.baseline: no value for the varied parameter policy.intervention_delay: a baseline gives one value of each varied parameter (here one of 0s, 10m, 1h)",
        ),
        (
            // A list is a value (structured factors vary shift lists), but
            // not one of this factor's.
            "a-list",
            "[sweep.baseline]\n\"policy.intervention_delay\" = [\"0s\"]\n",
            "sweep.baseline.policy.intervention_delay: \"[\\\"0s\\\"]\" matches no point: expected one of the values varied (0s, 10m, 1h)",
        ),
    ] {
        let file = sweep_file(&format!("baseline-{name}"), baseline);
        let out_dir = file.parent().unwrap().join("out");
        let out = entraide(&[
            "sweep",
            &file.to_string_lossy(),
            "--quiet",
            "--out",
            &out_dir.to_string_lossy(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&*file.to_string_lossy()),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(needle), "{name}: {stderr}");
        assert!(!out_dir.exists(), "{name}: nothing may be written");
        let _ = std::fs::remove_dir_all(file.parent().unwrap());
    }
}

#[test]
fn check_validates_the_plan_and_runs_nothing() {
    let out = entraide(&["sweep", "scenarios/delay-x-staffing.sweep.toml", "--check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "scenarios/delay-x-staffing.sweep.toml: ok: 24 points x 20 replications = 480 runs"
    );
    let out = entraide(&[
        "sweep",
        "scenarios/mercure.toml",
        "--vary",
        "staff.teams.technical.count=10,x",
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("staff.teams.technical.count"));
}

/// A CSV file as rows of column -> text.
fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Issue 9: runs stopped by the backlog cap were averaged into points.csv
/// as if complete, and a run stopped during the warm-up reported a backlog
/// of 0. On the Erlang-A reduction with a 300-question cap and patient
/// customers, 1,800 questions a day is light, 2,400 critical (some
/// replications reach the cap, others not) and 3,000 overloaded (every run
/// reaches the cap within its first day, the warm-up). points.csv counts
/// the capped runs in `capped` and takes its means from the complete runs
/// alone (none: empty); runs.csv leaves the backlog mean and peak of a run
/// capped in the warm-up empty; the report says which points were capped.
#[test]
fn capped_runs_are_counted_apart_and_kept_out_of_the_means() {
    let dir = temp("capped");
    let dir_text = dir.to_string_lossy().to_string();
    ok(&[
        "sweep",
        "scenarios/erlang-a.toml",
        "--vary",
        "demand.questions_per_day=1800,2400,3000",
        "--set",
        "customers.patience.mean=30d",
        "--set",
        "simulation.max_open_questions=300",
        "--set",
        "simulation.horizon=10d",
        "--set",
        "simulation.warmup=1d",
        "--replications",
        "6",
        "--quiet",
        "--out",
        &dir_text,
    ]);
    let runs = csv_rows(&dir.join("runs.csv"));
    let points = csv_rows(&dir.join("points.csv"));
    let capped_runs = |p: &str| {
        runs.iter()
            .filter(|r| r["point"] == p && r["stopped_early"] == "1")
            .count()
    };
    assert_eq!(capped_runs("0"), 0);
    let mixed = capped_runs("1");
    assert!(
        (1..6).contains(&mixed),
        "the critical point should have capped and complete runs: {mixed} of 6 capped"
    );
    assert_eq!(capped_runs("2"), 6);
    for (p, point) in points.iter().enumerate() {
        assert_eq!(point["runs"], "6");
        assert_eq!(point["capped"], capped_runs(&p.to_string()).to_string());
    }
    // The means of the mixed point are those of its complete runs.
    for measure in ["backlog_mean", "backlog_peak", "questions_posted"] {
        let complete: Vec<f64> = runs
            .iter()
            .filter(|r| r["point"] == "1" && r["stopped_early"] == "0")
            .map(|r| r[measure].parse().unwrap())
            .collect();
        let mean = complete.iter().sum::<f64>() / complete.len() as f64;
        let written: f64 = points[1][&format!("{measure}_mean")].parse().unwrap();
        assert!(
            (written - mean).abs() <= 1e-9 * mean.abs().max(1.0),
            "{measure}: points.csv says {written}, the complete runs {mean}"
        );
    }
    // The overloaded point has no means at all.
    for (column, value) in &points[2] {
        if column.ends_with("_mean") {
            assert_eq!(value, "", "{column} of an all-capped point");
        }
    }
    // Capped during the warm-up: no backlog figures, not 0.
    for run in runs.iter().filter(|r| r["point"] == "2") {
        assert_eq!(run["backlog_mean"], "", "{run:?}");
        assert_eq!(run["backlog_peak"], "", "{run:?}");
    }
    // The report: a note per capped point, and a column in the table.
    ok(&["report", &dir_text]);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Runs stopped at the cap"), "the table column");
    assert!(html.contains("6 of 6"), "the overloaded point's cell");
    assert!(
        html.contains(&format!(
            "{mixed} of 6 runs stopped at the backlog cap (simulation.max_open_questions)"
        )) && html.contains("6 of 6 runs stopped at the backlog cap"),
        "a note per capped point"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The three shift lists of scenarios/shifts.sweep.toml, spaced and
/// ordered otherwise than the file writes them, for `--vary` on the
/// command line.
const SHIFT_LISTS: &str = "[{share=0.5,hours=['mon-fri 08:00-16:00']},{share=0.5,hours=['mon-fri 12:00-20:00']}],\
[{ hours = [\"mon-fri 08:00-16:00\"], share = 0.5 }, { share = 0.5, hours = [\"mon-fri 16:00-24:00\"] }],\
[{share=0.75,hours=[\"mon-fri 08:00-16:00\"]},{share=0.25,hours=[\"wed-sun 10:00-18:00\"]}]";

/// A short run of the shipped shifts sweep: three weeks, two replications.
fn shifts_args(source: &[&str], out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["sweep"].iter().map(|s| s.to_string()).collect();
    args.extend(source.iter().map(|s| s.to_string()));
    for a in [
        "--set",
        "simulation.horizon=21d",
        "--set",
        "simulation.warmup=7d",
        "--replications",
        "2",
        "--quiet",
        "--out",
    ] {
        args.push(a.to_string());
    }
    args.push(out.to_string_lossy().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run_args(args: &[String]) {
    ok(&args.iter().map(|s| s.as_str()).collect::<Vec<_>>());
}

#[test]
fn a_sweep_varies_whole_shift_lists_from_the_file_or_the_command_line() {
    let file = ["scenarios/shifts.sweep.toml"];
    let (from_file, from_cli) = (temp("shifts-file"), temp("shifts-cli"));
    run_args(&shifts_args(&file, &from_file, &["--report"]));
    let vary = format!("staff.teams.technical.shifts={SHIFT_LISTS}");
    let cli = ["scenarios/mercure.toml", "--vary", vary.as_str()];
    run_args(&shifts_args(&cli, &from_cli, &[]));
    // The same values however written: the same plan, the same bytes.
    assert_eq!(files(&from_file), files(&from_cli));
    // The tables name each shift list by a label, in the order written.
    let runs = rows(&from_file);
    let shifts = column(&from_file, "staff.teams.technical.shifts");
    let labels: Vec<&str> = runs.iter().map(|r| &r[shifts]).collect();
    assert_eq!(
        labels,
        [
            "shifts#1", "shifts#1", "shifts#2", "shifts#2", "shifts#3", "shifts#3"
        ]
    );
    let table = points(&from_file);
    assert_eq!(table[2]["staff.teams.technical.shifts"], "shifts#3");
    // sweep.json's legend maps each label to its value, in canonical TOML.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(from_file.join("sweep.json")).unwrap()).unwrap();
    let legend = manifest["legend"]["staff.teams.technical.shifts"]
        .as_array()
        .unwrap();
    assert_eq!(legend.len(), 3);
    assert_eq!(legend[1]["label"], "shifts#2");
    assert_eq!(
        legend[1]["value"],
        r#"[{ hours = ["mon-fri 08:00-16:00"], share = 0.5 }, { hours = ["mon-fri 16:00-24:00"], share = 0.5 }]"#
    );
    assert_eq!(
        manifest["plan"]["baseline"]["values"]["staff.teams.technical.shifts"],
        "shifts#1"
    );
    // The shift lists reach the runs: with the same seed, the evening rota
    // changes when staff answer, so the replications' runs differ.
    let p90 = column(&from_file, "first_response_p90_hours");
    for rep in 0..2 {
        assert_ne!(runs[rep][p90], runs[2 + rep][p90], "replication {rep}");
        assert_ne!(runs[rep][p90], runs[4 + rep][p90], "replication {rep}");
    }
    // Same seeds and numbering as any other value: replication r of every
    // point has seed f(1, r).
    let seed = column(&from_file, "seed");
    assert_eq!(runs[0][seed], runs[4][seed]);
    // The report shows the labels and their legend.
    let html = std::fs::read_to_string(from_file.join("report.html")).unwrap();
    assert!(
        html.contains("<td>shifts#2</td>"),
        "a table row per shift list"
    );
    assert!(html.contains("shifts#2 = [{ hours = ["), "the legend");
    // A label (or the value itself) names the baseline.
    let other = temp("shifts-baseline");
    run_args(&shifts_args(
        &file,
        &other,
        &["--baseline", "staff.teams.technical.shifts=shifts#3"],
    ));
    let with_third = points(&other);
    assert_eq!(with_third[2]["backlog_mean_diff"], "0");
    assert_ne!(with_third[0]["backlog_mean_diff"], "0");
    for d in [from_file, from_cli, other] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn a_shift_list_sweep_resumes_and_merges_to_identical_files() {
    let file = ["scenarios/shifts.sweep.toml"];
    let whole = temp("shifts-whole");
    run_args(&shifts_args(&file, &whole, &[]));
    let expected = files(&whole);
    // Shards, merged in reverse order.
    let shards = [temp("shifts-shard1"), temp("shifts-shard2")];
    for (i, dir) in shards.iter().enumerate() {
        let spec = format!("{}/2", i + 1);
        run_args(&shifts_args(&file, dir, &["--shard", &spec]));
    }
    let merged = temp("shifts-merged");
    let texts: Vec<String> = shards
        .iter()
        .map(|d| d.to_string_lossy().to_string())
        .collect();
    ok(&[
        "merge",
        &texts[1],
        &texts[0],
        "--out",
        &merged.to_string_lossy(),
    ]);
    assert_eq!(files(&merged), expected);
    // A crash after every other run: resume gives the same bytes.
    let partial = temp("shifts-partial");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::copy(whole.join("sweep.json"), partial.join("sweep.json")).unwrap();
    let text = std::fs::read_to_string(whole.join("runs.csv")).unwrap();
    let mut j = Journal::open(&partial.join(journal::FILE), 0).unwrap();
    for (run, row) in text.lines().skip(1).enumerate().step_by(2) {
        j.append(run as u64, row).unwrap();
    }
    drop(j);
    run_args(&shifts_args(&file, &partial, &["--resume"]));
    assert_eq!(files(&partial), expected);
    for d in shards.into_iter().chain([whole, merged, partial]) {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn a_bad_structured_value_names_the_factor() {
    for (values, needle) in [
        (
            "[{share=1.0,hours=['mon-fri 09:00-18:00']}],[{share=1.0",
            "missing",
        ),
        ("[{share=1.0 hours=[]}]", "not a TOML array or inline table"),
        ("[{share=1.0}],[{ share = 1.0 }]", "listed twice"),
    ] {
        let vary = format!("staff.teams.technical.shifts={values}");
        let out = entraide(&[
            "sweep",
            "scenarios/mercure.toml",
            "--vary",
            &vary,
            "--check",
        ]);
        assert_eq!(out.status.code(), Some(2), "{values}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--vary staff.teams.technical.shifts") && err.contains(needle),
            "{values}: {err}"
        );
    }
    // A shift list the scenario reader refuses names its point's --set.
    let vary = "staff.teams.technical.shifts=[{share=0.5,hours=['mon-fri 09:00-18:00']}]";
    let out = entraide(&["sweep", "scenarios/mercure.toml", "--vary", vary, "--check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shifts"));
}

#[test]
fn a_shard_report_labels_its_own_points() {
    // Shard 2 of 2 of the 3 x 2 grid holds points 3 to 5 (runs 9 to 17).
    let dir = temp("shard-report");
    run_grid(&dir, &["--shard", "2/2", "--report"]);
    let points = points(&dir);
    let ids: Vec<&str> = points.iter().map(|p| p["point"].as_str()).collect();
    assert_eq!(ids, ["3", "4", "5"]);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    // Point 3 is (26 agents, 10m), point 5 (28, 10m); the points of the
    // other shard, such as point 0 (24, 0s), are not this shard's rows.
    // Each row starts with its point's number (the `point` column).
    assert!(
        html.contains("<tr><td>3</td><td>26</td><td>10m</td>"),
        "point 3"
    );
    assert!(
        html.contains("<tr><td>5</td><td>28</td><td>10m</td>"),
        "point 5"
    );
    assert!(
        !html.contains("<tr><td>0</td><td>24</td>"),
        "points 0 to 2 are in shard 1"
    );
    // The cells hold the row of that point: point 5's first-response
    // p90 and interval (expert share would not tell: Erlang-A has no
    // experts, so it is 0 at every point), which differ from point 3's.
    let p90 = |p: usize| {
        let column = |c: &str| points[p][c].parse::<f64>().unwrap();
        format!(
            "{:.2} ± {:.2} h",
            column("first_response_p90_hours_mean"),
            column("first_response_p90_hours_ci95")
        )
    };
    assert_ne!(p90(0), p90(2), "points 3 and 5 must differ for this check");
    let row = "<tr><td>5</td><td>28</td><td>10m</td>";
    let at = html.find(row).unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    assert!(
        html[at..end].contains(&p90(2)),
        "{}: {}",
        p90(2),
        &html[at..end]
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn points_long_is_the_wide_table_in_long_form() {
    let dir = temp("long");
    run_grid(&dir, &[]);
    let wide = points(&dir);
    let mut reader = csv::Reader::from_path(dir.join("points_long.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "point",
            "staff.teams.agents.count",
            "policy.intervention_delay",
            "policy.intervention_delay_hours",
            "measure",
            "mean",
            "sd",
            "ci95",
            "n",
            "diff",
            "diff_ci95",
            "diff_n"
        ]
    );
    let long: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let measures: Vec<String> = wide[0]
        .keys()
        .filter_map(|k| k.strip_suffix("_diff_ci95").map(String::from))
        .collect();
    assert_eq!(long.len(), wide.len() * measures.len());
    let runs = rows(&dir);
    let point_col = column(&dir, "point");
    for row in &long {
        let (point, measure) = (&row[0], &row[4]);
        let w = wide.iter().find(|p| p["point"] == point).unwrap();
        for (i, factor) in header[1..4].iter().enumerate() {
            assert_eq!(&row[1 + i], w[factor].as_str());
        }
        for (field, suffix) in [
            (5, "mean"),
            (6, "sd"),
            (7, "ci95"),
            (9, "diff"),
            (10, "diff_ci95"),
        ] {
            assert_eq!(
                &row[field],
                w[&format!("{measure}_{suffix}")].as_str(),
                "{point} {measure} {suffix}"
            );
        }
        // n: the runs of this point with a value of the measure.
        let m = column(&dir, measure);
        let n = runs
            .iter()
            .filter(|r| &r[point_col] == point && !r[m].is_empty())
            .count();
        assert_eq!(row[8].parse::<usize>().unwrap(), n, "{point} {measure}");
        assert!(row[11].parse::<usize>().unwrap() <= n);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn durations_keep_the_unit_written_and_targets_read_in_hours() {
    let dir = temp("units");
    let dir_text = dir.to_string_lossy().to_string();
    ok(&[
        "sweep",
        "scenarios/mercure.toml",
        "--vary",
        "policy.intervention_delay=0h..2h:1h",
        "--set",
        "simulation.horizon=14d",
        "--set",
        "simulation.warmup=7d",
        "--replications",
        "1",
        "--quiet",
        "--out",
        &dir_text,
    ]);
    let runs = rows(&dir);
    let delay = column(&dir, "policy.intervention_delay");
    let delays: Vec<&str> = runs.iter().map(|r| &r[delay]).collect();
    assert_eq!(delays, ["0h", "1h", "2h"], "not 0s");
    // Mercure's targets are 1h, 4h and 24h: the columns say 24h, not 1d.
    column(&dir, "first_response_within_24h");
    let header = std::fs::read_to_string(dir.join("runs.csv")).unwrap();
    assert!(!header.lines().next().unwrap().contains("within_1d"));
    let _ = std::fs::remove_dir_all(dir);
}
