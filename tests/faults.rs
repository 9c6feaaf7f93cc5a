//! Faults around the outputs, driving the real binary: two runs sharing one
//! `--out` directory, a busy or stale lock, failed writes, a closed stdout,
//! and the exit codes of runtime failures.

mod common;

use common::{entraide, ok, temp};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

/// A short run of a shipped scenario (`--set` cuts the horizon).
fn short_run(scenario: &str, out: &Path) -> Vec<String> {
    vec![
        "run".into(),
        format!("scenarios/{scenario}.toml"),
        "--set".into(),
        "simulation.horizon=120d".into(),
        "--set".into(),
        "simulation.warmup=0s".into(),
        "--quiet".into(),
        "--out".into(),
        out.to_string_lossy().into_owned(),
    ]
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The reproduction: `run mercure --out D & run airline-24-7 --out
/// D`. Each process either writes its files whole or is refused because the
/// directory is busy; D then holds the files of exactly one run, never a
/// mix, and no temporary file or lock.
#[test]
fn two_runs_on_one_out_directory_never_mix() {
    let scenarios = ["mercure", "airline-24-7"];
    let reference: Vec<(String, String)> = scenarios
        .iter()
        .map(|s| {
            let dir = temp(&format!("alone-{s}"));
            let args = short_run(s, &dir);
            ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
            let files = (read(&dir, "timeseries.csv"), read(&dir, "summary.json"));
            fs::remove_dir_all(&dir).unwrap();
            files
        })
        .collect();
    assert_ne!(reference[0], reference[1]);
    let dir = temp("shared-out");
    for trial in 0..12 {
        let children: Vec<_> = scenarios
            .iter()
            .map(|s| {
                Command::new(env!("CARGO_BIN_EXE_entraide"))
                    .args(short_run(s, &dir))
                    .current_dir(common::root())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut succeeded = 0;
        for child in children {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => succeeded += 1,
                Some(1) => assert!(
                    stderr.contains("in use by another entraide process (pid ")
                        && stderr.contains(&*dir.to_string_lossy()),
                    "trial {trial}: a refused run names the directory and the holder\n{stderr}"
                ),
                code => panic!("trial {trial}: exit {code:?}\n{stderr}"),
            }
        }
        assert!(succeeded >= 1, "trial {trial}: no run succeeded");
        let found = (read(&dir, "timeseries.csv"), read(&dir, "summary.json"));
        assert!(
            reference.contains(&found),
            "trial {trial}: the files mix two runs"
        );
        assert_eq!(
            names(&dir),
            ["summary.json", "timeseries.csv"],
            "trial {trial}: only the outputs are left"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// A directory locked by a live process is refused with exit 1, naming the
/// directory and the holder's pid, and nothing is written.
#[test]
fn a_busy_out_directory_is_refused() {
    let dir = temp("busy");
    fs::create_dir_all(&dir).unwrap();
    let pid = std::process::id().to_string();
    fs::write(dir.join(".entraide.lock"), format!("{pid}\n")).unwrap();
    let args = short_run("mercure", &dir);
    let out = entraide(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {pid}"))
            && stderr.contains(&*dir.to_string_lossy())
            && stderr.contains(".entraide.lock"),
        "{stderr}"
    );
    assert_eq!(names(&dir), [".entraide.lock"]);
    // A sweep is refused the same way.
    let sweep = entraide(&[
        "sweep",
        "scenarios/mercure.toml",
        "--vary",
        "experts.initial=10,20",
        "--replications",
        "2",
        "--set",
        "simulation.horizon=30d",
        "--out",
        &dir.to_string_lossy(),
    ]);
    let stderr = String::from_utf8_lossy(&sweep.stderr);
    assert_eq!(sweep.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("pid {pid}")), "{stderr}");
    assert_eq!(names(&dir), [".entraide.lock"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// The lock of a process that no longer runs (killed with `kill -9`) is
/// taken over, on Linux where that can be checked.
#[test]
fn a_stale_lock_is_taken_over() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    for command in ["run", "sweep"] {
        let dir = temp(&format!("stale-{command}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(".entraide.lock"), format!("{dead}\n")).unwrap();
        let dir_text = dir.to_string_lossy().into_owned();
        if command == "run" {
            let args = short_run("mercure", &dir);
            ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        } else {
            ok(&[
                "sweep",
                "scenarios/mercure.toml",
                "--vary",
                "experts.initial=10,20",
                "--replications",
                "2",
                "--set",
                "simulation.horizon=30d",
                "--quiet",
                "--out",
                &dir_text,
            ]);
        }
        assert!(
            !dir.join(".entraide.lock").exists(),
            "{command}: the lock is removed at the end"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}

/// Runs the binary through `sh` with the file-size limit set to `blocks`
/// of 512 bytes and SIGXFSZ ignored, so that a write past the limit fails
/// with EFBIG, as on a full disk.
fn with_small_disk(blocks: u32, args: &[String]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_entraide"))
        .args(args)
        .current_dir(common::root())
        .output()
        .unwrap()
}

/// The hidden temporary files left in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// A write that fails (here: the disk is full) removes its temporary
/// files, exits 1 naming the cause, and still prints the figures the run
/// computed.
#[test]
fn a_full_disk_leaves_no_temporary_files_and_the_table_is_printed() {
    for replications in ["1", "2"] {
        let dir = temp(&format!("full-disk-{replications}"));
        let mut args = short_run("mercure", &dir);
        args.retain(|a| a != "--quiet");
        args.extend([
            "--trace".into(),
            "--replications".into(),
            replications.into(),
        ]);
        let out = with_small_disk(40, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            ["timeseries.csv", "questions.csv", "posts.csv"]
                .iter()
                .any(|file| stderr.contains(&format!("{file}: File too large"))),
            "the message names the file\n{stderr}"
        );
        assert!(
            stdout.starts_with("entraide: mercure") && stdout.contains("posted"),
            "the results table is printed before the error\n{stdout}"
        );
        assert_eq!(temporaries(&dir), Vec::<String>::new());
        fs::remove_dir_all(&dir).unwrap();
    }
}

/// `report` on a full disk leaves neither report.html nor its temporary.
#[test]
fn a_failed_report_leaves_no_temporary_file() {
    let dir = temp("full-disk-report");
    let args = short_run("mercure", &dir);
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let before = names(&dir);
    let out = with_small_disk(8, &["report".into(), dir.to_string_lossy().into_owned()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(names(&dir), before, "nothing added, nothing left");
    fs::remove_dir_all(&dir).unwrap();
}

/// `init DIR --force` on a directory is refused (exit 2) and leaves
/// nothing beside it.
#[test]
fn init_onto_a_directory_is_refused_and_leaves_nothing() {
    let parent = temp("init-dir");
    let dir = parent.join("forum");
    fs::create_dir_all(&dir).unwrap();
    let dir_text = dir.to_string_lossy().into_owned();
    for args in [vec!["init", &dir_text, "--force"], vec!["init", &dir_text]] {
        let out = entraide(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&dir_text), "{stderr}");
        assert_eq!(names(&parent), ["forum"], "{args:?}");
        assert!(names(&dir).is_empty());
    }
    fs::remove_dir_all(&parent).unwrap();
}

/// Every seed entraide writes is accepted by `--seed`: the README sweep
/// (shortened) writes seeds >= 2^63 in runs.csv, and `run --seed S` with the
/// row's factor values gives the row's figures.
#[test]
fn every_seed_in_runs_csv_replays_its_row() {
    let dir = temp("replay-sweep");
    let dir_text = dir.to_string_lossy().into_owned();
    let short = [
        "--set",
        "simulation.horizon=30d",
        "--set",
        "simulation.warmup=7d",
    ];
    let mut args = vec![
        "sweep",
        "scenarios/mercure.toml",
        "--vary",
        "policy.intervention_delay=0h,1h,3h",
        "--vary",
        "staff.teams.technical.count=10..30:10",
        "--replications",
        "5",
        "--quiet",
        "--out",
        &dir_text,
    ];
    args.extend(short);
    ok(&args);
    let text = read(&dir, "runs.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let big: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|r| r[column("seed")].parse::<u64>().unwrap() > i64::MAX as u64)
        .collect();
    assert!(big.len() >= 3, "the sweep should write seeds >= 2^63");
    // One row of each point with such a seed would be slow; three suffice.
    for row in big.iter().step_by(big.len() / 3).take(3) {
        let seed = row[column("seed")];
        let delay = format!(
            "policy.intervention_delay={}",
            row[column("policy.intervention_delay")]
        );
        let count = format!(
            "staff.teams.technical.count={}",
            row[column("staff.teams.technical.count")]
        );
        let out = temp(&format!("replay-{seed}"));
        let out_text = out.to_string_lossy().into_owned();
        let mut args = vec![
            "run",
            "scenarios/mercure.toml",
            "--seed",
            seed,
            "--set",
            &delay,
            "--set",
            &count,
            "--quiet",
            "--out",
            &out_text,
        ];
        args.extend(short);
        ok(&args);
        let summary: serde_json::Value = serde_json::from_str(&read(&out, "summary.json")).unwrap();
        for (measure, path) in [
            ("questions_posted", "/questions/posted"),
            ("events", "/engine/events"),
            ("backlog_peak", "/backlog/peak"),
            ("expert_share", "/answers/expert_share"),
        ] {
            let expected: f64 = row[column(measure)].parse().unwrap();
            let found = summary.pointer(path).and_then(|v| v.as_f64()).unwrap();
            assert_eq!(found, expected, "seed {seed}: {measure}");
        }
        fs::remove_dir_all(&out).unwrap();
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// A run into a directory an earlier run wrote removes the earlier run's
/// outputs it does not write itself, and leaves other files alone.
#[test]
fn reusing_an_out_directory_leaves_only_the_new_runs_outputs() {
    let dir = temp("reuse");
    let mut first = short_run("mercure", &dir);
    first.extend(["--trace".into(), "--report".into()]);
    ok(&first.iter().map(String::as_str).collect::<Vec<_>>());
    let mut second = short_run("mercure", &dir);
    second.extend(["--replications".into(), "2".into()]);
    ok(&second.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        names(&dir),
        [
            "replications.csv",
            "summary.json",
            "timeseries.csv",
            "timeseries_bands.csv",
            "timeseries_bands_daily.csv"
        ]
    );
    fs::write(dir.join("notes.txt"), "mine\n").unwrap();
    let third = short_run("mercure", &dir);
    ok(&third.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(names(&dir), ["notes.txt", "summary.json", "timeseries.csv"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// `run --out` a sweep's directory is refused (exit 2) and changes nothing.
#[test]
fn a_run_into_a_sweep_directory_is_refused() {
    let dir = temp("run-into-sweep");
    let dir_text = dir.to_string_lossy().into_owned();
    ok(&[
        "sweep",
        "scenarios/mercure.toml",
        "--vary",
        "experts.initial=10,20",
        "--replications",
        "2",
        "--set",
        "simulation.horizon=30d",
        "--quiet",
        "--out",
        &dir_text,
    ]);
    let before: Vec<(String, Vec<u8>)> = names(&dir)
        .into_iter()
        .map(|n| {
            let bytes = fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect();
    let mut run = short_run("mercure", &dir);
    run.push("--report".into());
    let out = entraide(&run.iter().map(String::as_str).collect::<Vec<_>>());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds a sweep") && stderr.contains(&dir_text),
        "{stderr}"
    );
    let after: Vec<(String, Vec<u8>)> = names(&dir)
        .into_iter()
        .map(|n| {
            let bytes = fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect();
    assert_eq!(after, before, "the sweep's files are untouched");
    fs::remove_dir_all(&dir).unwrap();
}

/// Runs the binary with its stdout a pipe whose reading end is closed at
/// once, as `entraide ... | true` does.
fn with_closed_stdout(args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args(args)
        .current_dir(common::root())
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// A closed stdout ends every command that prints quietly, with exit 0
/// (as ripgrep does): no panic, nothing on stderr.
#[test]
fn a_closed_stdout_ends_quietly() {
    let short = ["--set", "simulation.horizon=30d"];
    let cases: Vec<Vec<&str>> = vec![
        [&["run", "scenarios/mercure.toml"][..], &short].concat(),
        [
            &["run", "scenarios/mercure.toml", "--replications", "2"][..],
            &short,
        ]
        .concat(),
        [
            &[
                "compare",
                "scenarios/mercure.toml",
                "scenarios/mercure-immediate.toml",
                "--replications",
                "2",
            ][..],
            &short,
        ]
        .concat(),
        vec![
            "validate",
            "--json",
            "--arrival-rate",
            "100/h",
            "--handling-time",
            "15m",
            "--staff",
            "25",
            "--patience",
            "10m",
            "--customers",
            "100000",
            "--replications",
            "2",
        ],
        vec!["check", "scenarios/mercure.toml"],
        vec![
            "sweep",
            "scenarios/mercure.toml",
            "--vary",
            "experts.initial=10,20",
            "--check",
        ],
    ];
    for args in cases {
        let out = with_closed_stdout(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}\n{stderr}");
        assert!(stderr.is_empty(), "{args:?}: quietly\n{stderr}");
    }
}

/// Runs the binary through `sh` with its address space limited to 400 MB,
/// so that starting 1,000 worker threads (2 MB stacks) fails.
fn with_little_memory(args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 400000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_entraide"))
        .args(args)
        .current_dir(common::root())
        .output()
        .unwrap()
}

/// Runtime failures exit 1, not 2 (the code for invalid input): worker
/// threads that cannot start, for each command with a pool.
#[test]
fn worker_threads_that_cannot_start_exit_1() {
    let dir = temp("no-threads");
    let dir_text = dir.to_string_lossy().into_owned();
    let short = ["--set", "simulation.horizon=30d", "--threads", "1000"];
    let cases: Vec<Vec<&str>> = vec![
        [
            &[
                "sweep",
                "scenarios/mercure.toml",
                "--vary",
                "experts.initial=10,20",
                "--replications",
                "2",
                "--out",
                &dir_text,
            ][..],
            &short,
        ]
        .concat(),
        [
            &[
                "run",
                "scenarios/mercure.toml",
                "--replications",
                "2",
                "--quiet",
            ][..],
            &short,
        ]
        .concat(),
        vec!["validate", "--quick", "--threads", "1000"],
    ];
    for args in cases {
        let out = with_little_memory(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}\n{stderr}");
        assert!(
            stderr.contains("cannot start worker threads"),
            "{args:?}\n{stderr}"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// A damaged journal (a run twice in it) is a runtime failure: exit 1.
#[test]
fn a_damaged_journal_exits_1() {
    let dir = temp("damaged-journal");
    let dir_text = dir.to_string_lossy().into_owned();
    let args = [
        "sweep",
        "scenarios/mercure.toml",
        "--vary",
        "policy.intervention_delay=0h,3h",
        "--set",
        "simulation.horizon=60d",
        "--replications",
        "40",
        "--threads",
        "1",
        "--quiet",
        "--out",
        &dir_text,
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args(args)
        .current_dir(common::root())
        .spawn()
        .unwrap();
    let journal = dir.join("runs.journal");
    let mut first = None;
    for _ in 0..2000 {
        if let Some(line) = fs::read_to_string(&journal)
            .ok()
            .and_then(|t| t.split_once('\n').map(|(line, _)| line.to_owned()))
        {
            first = Some(line);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let first = first.expect("a run in the journal within 10 s");
    let mut text = fs::read_to_string(&journal).unwrap();
    let kept = text.rfind('\n').map_or(0, |i| i + 1);
    text.truncate(kept);
    // The first run again, with another result: a conflict (an exact copy
    // would be skipped, see `an_exact_copy_of_a_journal_line_is_skipped`).
    let (run, row) = first.rsplit_once(',').unwrap().0.split_once(',').unwrap();
    text.push_str(&journal_line(run.parse().unwrap(), &format!("{row}9")));
    fs::write(&journal, text).unwrap();
    let out = entraide(&[&args[..], &["--resume"]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("twice in it with different results (lines 1 and "),
        "{stderr}"
    );
    assert!(stderr.contains("delete one of the two lines"), "{stderr}");
    assert!(stderr.contains("rerun with --resume"), "{stderr}");
    fs::remove_dir_all(&dir).unwrap();
}

/// A journal line as entraide writes it: `run,row,fnv1a-64 of "run,row"`.
fn journal_line(run: u64, row: &str) -> String {
    let body = format!("{run},{row}");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{body},{h:016x}\n")
}

/// A validate case too large to simulate is a runtime limit: exit 1.
#[test]
fn a_validate_case_too_long_to_simulate_exits_1() {
    let out = entraide(&[
        "validate",
        "--arrival-rate",
        "100/h",
        "--handling-time",
        "15m",
        "--staff",
        "30",
        "--customers",
        "1000000000000",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("over 200 years"), "{stderr}");
}

/// An exact copy of a journal line (a journal concatenated with its backup)
/// is skipped: the resumed sweep gives the bytes of an uninterrupted one.
#[test]
fn an_exact_copy_of_a_journal_line_is_skipped() {
    let whole = temp("journal-copy-whole");
    let resumed = temp("journal-copy-resumed");
    let sweep = |dir: &Path, resume: bool| {
        let dir = dir.to_string_lossy().into_owned();
        let mut args = vec![
            "sweep",
            "scenarios/mercure.toml",
            "--vary",
            "policy.intervention_delay=0h,3h",
            "--set",
            "simulation.horizon=20d",
            "--set",
            "simulation.warmup=1d",
            "--replications",
            "3",
            "--quiet",
            "--out",
            &dir,
        ];
        if resume {
            args.push("--resume");
        }
        ok(&args)
    };
    sweep(&whole, false);
    // The first four runs done, run 1 twice, as the journal would hold them.
    fs::create_dir_all(&resumed).unwrap();
    fs::copy(whole.join("sweep.json"), resumed.join("sweep.json")).unwrap();
    let runs = read(&whole, "runs.csv");
    let rows: Vec<&str> = runs.lines().skip(1).collect();
    let mut journal = String::new();
    for run in [0, 1, 2, 1, 3] {
        journal.push_str(&journal_line(run, rows[run as usize]));
    }
    fs::write(resumed.join("runs.journal"), journal).unwrap();
    let out = sweep(&resumed, true);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["runs.csv", "points.csv"] {
        assert_eq!(read(&resumed, file), read(&whole, file), "{file}");
    }
    fs::remove_dir_all(&whole).unwrap();
    fs::remove_dir_all(&resumed).unwrap();
}

/// Runs the binary through `sh` with its address space limited to `kib`.
fn within_address_space(kib: u64, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_entraide"))
        .args(args)
        .current_dir(common::root())
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

/// A forum whose backlog explodes: a million questions a day on the
/// Erlang-A reduction's 25 agents, customers who wait for ten years, and
/// the largest cap the reader accepts.
const RUNAWAY: [&str; 8] = [
    "run",
    "scenarios/erlang-a.toml",
    "--quiet",
    "--set",
    "demand.questions_per_day=1000000",
    "--set",
    "customers.patience.mean=3650d",
    "--set",
];
const LARGEST_CAP: &str = "simulation.max_open_questions=100000000";

/// Issue 9: the cap did not bound memory; at its documented maximum a
/// runaway forum aborted in the allocator. Now it stops at the memory
/// budget (here 64 MiB) with exit 1 and a message naming it, and stays
/// within 160 MiB of address space: the budget, the binary, and the slack
/// of the vectors that double. A layout that outgrew
/// `model::BYTES_PER_OPEN_QUESTION` would run out of that space first and
/// fail here with "out of memory" instead.
#[test]
fn a_runaway_forum_stays_within_its_memory_budget() {
    let mut args = RUNAWAY.to_vec();
    args.extend([LARGEST_CAP, "--set", "simulation.max_memory_mib=64"]);
    let out = within_address_space(160 * 1024, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("open questions reached the memory budget, simulation.max_memory_mib = 64"),
        "{stderr}"
    );
}

/// On a machine with less memory than the budget (the default 4 GiB,
/// under a 160 MiB address space), growing the backlog fails cleanly:
/// exit 1 and a message, not SIGABRT.
#[test]
fn a_runaway_forum_on_a_small_machine_stops_with_a_message() {
    let mut args = RUNAWAY.to_vec();
    args.push(LARGEST_CAP);
    let out = within_address_space(160 * 1024, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("out of memory with"), "{stderr}");
    assert!(stderr.contains("lower it"), "{stderr}");
}

/// `check` says when the cap exceeds what the memory budget holds.
#[test]
fn check_warns_when_the_cap_exceeds_the_memory_budget() {
    let out = ok(&["check", "scenarios/mercure.toml", "--set", LARGEST_CAP]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("simulation.max_open_questions = 100000000 would need about")
            && stderr.contains("more than simulation.max_memory_mib = 4096"),
        "{stderr}"
    );
}

/// Issue 9: input files were read whole: `extends = "/dev/zero"` read
/// about 1 GB before exit 2. Scenario files, their bases and sweep files
/// are read up to 16 MiB and refused beyond, naming the file and the
/// limit, within a small address space.
#[test]
fn input_files_are_bounded() {
    let dir = temp("big-inputs");
    fs::create_dir_all(&dir).unwrap();
    let child = dir.join("child.toml");
    fs::write(&child, "extends = \"/dev/zero\"\n").unwrap();
    // A file just over the limit, of valid TOML comments.
    let big = dir.join("big.toml");
    let line = format!("# {}\n", "x".repeat(1021));
    fs::write(&big, line.repeat(16 * 1024 + 1)).unwrap();
    let big_sweep = dir.join("big.sweep.toml");
    fs::copy(&big, &big_sweep).unwrap();
    let (child, big, big_sweep) = (
        child.to_string_lossy().into_owned(),
        big.to_string_lossy().into_owned(),
        big_sweep.to_string_lossy().into_owned(),
    );
    let cases: [(&[&str], &str); 5] = [
        (&["check", "/dev/zero"], "/dev/zero"),
        (&["check", &child], "/dev/zero"),
        (&["run", &child, "--quiet"], "/dev/zero"),
        (&["check", &big], &big),
        (&["sweep", &big_sweep, "--check"], &big_sweep),
    ];
    for (args, file) in cases {
        let out = within_address_space(200 * 1024, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(file) && stderr.contains("larger than 16 MiB"),
            "{args:?}: {stderr}"
        );
    }
    // At the limit, the file is read (and found to hold no scenario).
    let at_limit = dir.join("at-limit.toml");
    fs::write(&at_limit, line.repeat(16 * 1024)).unwrap();
    let out = entraide(&["check", &at_limit.to_string_lossy()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("larger than"), "{stderr}");
    fs::remove_dir_all(&dir).unwrap();
}

/// `check` on `scenarios/mercure.toml` with `--set` overrides: its stderr.
fn check_stderr(sets: &[&str]) -> String {
    let mut args = vec!["check", "scenarios/mercure.toml"];
    for set in sets {
        args.extend(["--set", set]);
    }
    let out = ok(&args);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Issue 9: scenarios that effectively never finish passed `check` with no
/// warning. Each of the three examples now gets the cost estimate
/// (events and time), naming the part that dominates; `run` prints the
/// same warnings; mercure.toml as shipped gets none.
#[test]
fn check_warns_about_runs_that_would_never_finish() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["experts.session.mean=1ms", "experts.initial=1000"],
            "Most of them are sessions of the initial experts",
        ),
        // Every answered customer joins at once, for twenty years: the
        // experts, and their sessions, grow without end. The same horizon
        // without recruits passes (below).
        (
            &[
                "customers.become_expert_probability=1",
                "customers.conversion_delay={ dist = \"constant\", value = \"0s\" }",
                "simulation.horizon=7300d",
            ],
            "Most of them are recruits and their sessions",
        ),
        (
            &["demand.questions_per_day=1000000"],
            "Most of them are questions",
        ),
    ];
    for (sets, part) in cases {
        let stderr = check_stderr(sets);
        assert!(
            stderr.contains("warning: scenarios/mercure.toml: this run should take about")
                && stderr.contains("it may never finish in practice")
                && stderr.contains(part),
            "{sets:?}: {stderr}"
        );
    }
    assert_eq!(check_stderr(&[]), "", "mercure.toml as shipped");
    assert_eq!(check_stderr(&["simulation.horizon=7300d"]), "");
    // `run` warns before it starts (stopped here at once by a tiny cap).
    let out = entraide(&[
        "run",
        "scenarios/mercure.toml",
        "--set",
        "demand.questions_per_day=1000000",
        "--set",
        "simulation.max_open_questions=10",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("it may never finish in practice"),
        "{stderr}"
    );
}

/// An observer that keeps the times of the progress calls.
#[derive(Default)]
struct Progress {
    times: Vec<entraide::time::SimTime>,
    hours: usize,
}

impl entraide::model::Observer for Progress {
    fn hour(&mut self, _row: &entraide::metrics::summary::HourRow) {
        self.hours += 1;
    }
    fn progress(&mut self, now: entraide::time::SimTime) {
        self.times.push(now);
    }
}

/// The progress bar moves on such runs too: with 1 ms sessions and 1,000
/// experts a simulated hour takes minutes, so progress cannot wait for the
/// hour rows. The model reports the simulated time every few thousand
/// events: here dozens of times within the first five simulated minutes.
#[test]
fn progress_is_reported_within_an_hour() {
    let sets = [
        "experts.session.mean=1ms".to_string(),
        "experts.initial=1000".to_string(),
        "simulation.horizon=5m".to_string(),
        "simulation.warmup=0s".to_string(),
    ];
    let path = common::root().join("scenarios/mercure.toml");
    let loaded = entraide::scenario::load(&path, &sets).unwrap();
    let mut progress = Progress::default();
    entraide::model::simulate(&loaded.scenario, 1, &mut progress);
    assert_eq!(progress.hours, 0, "no hour ends within the horizon");
    assert!(progress.times.len() >= 20, "{} calls", progress.times.len());
    assert!(progress.times.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        progress.times.last().unwrap().0 > 150_000,
        "past 2.5 minutes"
    );
}

/// Issue 9: `report` read timeseries.csv whole, so its memory grew with
/// the horizon (942 MB for 200 years while the run took 8 MB). It now
/// streams the file: the report of a 200-year time series (synthetic:
/// the columns the charts read, beside the summary of a short run) is
/// drawn within a 160 MiB address space.
#[test]
fn the_report_of_a_long_run_has_bounded_memory() {
    use std::io::Write;
    let dir = temp("long-report");
    let args = short_run("mercure", &dir);
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let file = fs::File::create(dir.join("timeseries.csv")).unwrap();
    let mut out = std::io::BufWriter::new(file);
    writeln!(
        out,
        "hour,backlog,backlog_mean,staff_on_shift_mean,answers_expert,answers_staff,\
         resolved_back_office,experts_active,experts_online_mean"
    )
    .unwrap();
    for h in 0..24 * 365 * 200u64 {
        writeln!(out, "{h},{},{}.5,{},1,2,0,250,3.25", h % 40, h % 40, h % 2).unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let out = within_address_space(160 * 1024, &["report", &dir.to_string_lossy()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let html = read(&dir, "report.html");
    assert!(html.contains("per week"), "weekly points past two years");
    fs::remove_dir_all(&dir).unwrap();
}
