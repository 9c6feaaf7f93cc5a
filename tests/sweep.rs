//! `entraide sweep` and `entraide merge` end to end: byte-identical files
//! whatever the thread count, the interruptions, the sharding; common
//! random numbers; growing the replications keeps the earlier ones;
//! refusals with exit code 2 and nothing written.

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

/// A small grid on the Erlang-A reduction: 3 x 2 points, short runs.
fn grid(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "sweep",
        "scenarios/erlang-a.toml",
        "--vary",
        "staff.teams.agents.count=24..28:2",
        "--vary",
        "policy.intervention_delay=0s,10m",
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
    ["runs.csv", "points.csv", "sweep.json"]
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
