//! The documentation is run, as SimPy runs its documentation examples, so
//! that it cannot drift from the code. The convention (also described in
//! docs/development.md, "Documentation tests"):
//!
//! - A fenced block tagged `sh` holds commands. A line that starts with
//!   `cargo run --release -- ` or `entraide ` (after joining `\`
//!   continuations and dropping `#` comments) is run with the test build of
//!   the binary, from a scratch directory holding a copy of `scenarios/`.
//!   The commands of one page run in order in the same directory, so a
//!   later command can read what an earlier one wrote. Each must exit with 0.
//! - Every other command line in an `sh` block must be in [`EXEMPT`], with
//!   the reason it is not run here.
//! - A block tagged `output` right after an `sh` block lists lines that the
//!   last command of that block must print on stdout.
//! - Blocks with any other tag (`text`, `toml`, ...) are not run.
//! - Relative links, and their `#anchors`, must resolve inside the clone.
//! - An inline code span that starts with `cargo ` or `bash ` must be in
//!   [`EXEMPT`]: a command to run goes in an `sh` block.
//!
//! The quick test shortens slow commands as [`SHORTEN`] says and leaves the
//! `validate` commands ([`SLOW`]) out; the ignored test runs every command
//! as written (`.ci/run` runs it in release mode).
//!
//! The headline results table of docs/results.md is checked against what
//! `cargo run --release --example headline_table` prints from the
//! replications it keeps in examples/headline_table/replications.csv, and
//! one replication of each scenario is run again to check those.

mod common;

#[path = "../examples/headline_table/table.rs"]
mod table;

use common::{root, temp};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Command lines in `sh` blocks (and inline spans) that are not entraide
/// invocations, and why this test does not run them.
const EXEMPT: &[(&str, &str)] = &[
    (
        "cargo test",
        "the test suite itself, of which this test is a part",
    ),
    (
        "cargo build --release",
        "a build; this test uses the test build of the binary",
    ),
    (
        "cargo run --release --example headline_table -- --write",
        "over a minute of runs; headline_table_matches_the_docs and \
         kept_replications_are_what_the_runs_give check what it wrote",
    ),
    (
        "cargo test --release --test docs -- --ignored",
        "this file's ignored test (minutes; run by hand before a release)",
    ),
    (
        "ENTRAIDE_BLESS=1 cargo test --test run",
        "rewrites the golden files",
    ),
    (
        "ENTRAIDE_FUZZ_SEED=7 ENTRAIDE_FUZZ_CASES=1000000 ENTRAIDE_FUZZ_BINARY=5000 cargo test --release --test fuzz",
        "a long fuzzing session (minutes); plain cargo test runs tests/fuzz.rs with its default counts",
    ),
    (
        "cargo test --test slurm -- --ignored",
        "needs root and a Slurm cluster; .ci/run runs it",
    ),
    ("cargo fmt --check", "a CI step, run by .ci/run"),
    (
        "cargo clippy --all-targets -- -D warnings",
        "a CI step, run by .ci/run",
    ),
    ("cargo doc --no-deps", "a CI step, run by .ci/run"),
    (
        "cargo bench --bench engine",
        "minutes of benchmarking; .ci/run smoke-runs it with -- --test",
    ),
    (
        "cargo bench --bench memory",
        "minutes of benchmarking; .ci/run smoke-runs it with -- --test",
    ),
    (
        "cargo bench --bench sweep",
        "minutes of benchmarking; .ci/run smoke-runs it with -- --test",
    ),
    (
        "cargo bench --bench engine -- --test",
        "a CI step, run by .ci/run",
    ),
    (
        "cargo bench --bench memory -- --test",
        "a CI step, run by .ci/run",
    ),
    (
        "cargo bench --bench sweep -- --test",
        "a CI step, run by .ci/run",
    ),
    (
        "cargo bench --bench scale",
        "minutes of benchmarking; .ci/run smoke-runs it with -- --test",
    ),
    (
        "cargo bench --bench scale -- --test",
        "a CI step, run by .ci/run",
    ),
    (
        "cargo test --test scaling",
        "a part of cargo test (about 25 s of CPU)",
    ),
    (
        "cargo test --test scaling -- --ignored",
        "the scaling test's control (30 s of CPU), run by hand",
    ),
    (
        "valgrind --tool=cachegrind --cache-sim=yes --LL=1048576,16,64 target/release/entraide run scenarios/mercure.toml --set simulation.horizon=40d --set simulation.warmup=10d --quiet",
        "counts instructions and cache misses under valgrind (slow; needs valgrind)",
    ),
    (
        "bash benches/peers/compare.sh",
        "installs SimPy from PyPI and benchmarks for minutes",
    ),
    (
        "bash tests/slurm/run.sh",
        "needs root and a Slurm cluster; tests/slurm.rs runs it",
    ),
    (
        "examples/slurm/sweep.sbatch 8 results/big scenarios/delay-x-staffing.sweep.toml",
        "needs a Slurm cluster; tests/slurm.rs runs the example",
    ),
    (".ci/run", "installs packages; it is what CI runs"),
];

/// Arguments appended, in the quick test, to commands of a subcommand, so
/// that the whole test takes seconds: runs and sweeps simulate a week (no
/// warm-up), sweeps and compare run 2 replications, bench runs its quick
/// cases once, plan simulates 30 days with 3 to 6 replications a plan. `sweep --check` runs nothing and is
/// left as written.
const SHORTEN: &[(&str, &[&str])] = &[
    (
        "run",
        &[
            "--set",
            "simulation.warmup=0s",
            "--set",
            "simulation.horizon=7d",
        ],
    ),
    (
        "sweep",
        &[
            "--set",
            "simulation.warmup=0s",
            "--set",
            "simulation.horizon=7d",
            "--replications",
            "2",
        ],
    ),
    (
        "compare",
        &[
            "--set",
            "simulation.warmup=0s",
            "--set",
            "simulation.horizon=7d",
            "--replications",
            "2",
        ],
    ),
    ("bench", &["--quick", "--repeat", "1"]),
    (
        "plan",
        &[
            "--set",
            "simulation.warmup=7d",
            "--set",
            "simulation.horizon=30d",
            "--first-stage",
            "3",
            "--max-replications",
            "6",
        ],
    ),
];

/// Subcommands run only by the ignored test: `validate` has no short form
/// that still passes (fewer replications fail the z-test guard), and
/// tests/validate.rs already runs its quick suite.
const SLOW: &[&str] = &["validate"];

/// The Markdown files whose commands are run: the README and docs/.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

fn relative(page: &Path) -> String {
    page.strip_prefix(root())
        .unwrap_or(page)
        .display()
        .to_string()
}

/// A fenced code block: its tag (the first word of the info string), its
/// lines and the line number of its opening fence.
struct Block {
    tag: String,
    lines: Vec<String>,
    line: usize,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match (&mut open, fence) {
            (None, true) => {
                let info = line.trim_start().trim_start_matches('`').trim();
                open = Some(Block {
                    tag: info.split_whitespace().next().unwrap_or("").to_string(),
                    lines: Vec::new(),
                    line: i + 1,
                });
            }
            (Some(_), true) => blocks.push(open.take().unwrap()),
            (Some(block), false) => block.lines.push(line.to_string()),
            (None, false) => {}
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    blocks
}

/// Splits a command line into words, with single and double quotes and
/// backslash escapes; drops a `#` comment. Pipes, redirections and the like
/// are refused: a documented command is one plain invocation.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    w.push(q);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        _ => w.push(q),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            '#' if word.is_none() => break,
            c if c.is_whitespace() => words.extend(word.take()),
            '|' | '>' | '<' | ';' | '&' | '$' | '`' | '(' | ')' => {
                panic!("shell syntax `{c}` in a documented command: {line}")
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The command lines of an `sh` block, `\` continuations joined.
fn command_lines(block: &Block) -> Vec<String> {
    let mut lines = Vec::new();
    let mut pending = String::new();
    for line in &block.lines {
        let line = line.trim();
        if let Some(start) = line.strip_suffix('\\') {
            pending.push_str(start);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        let joined = std::mem::take(&mut pending);
        if !joined.trim().is_empty() && !joined.trim_start().starts_with('#') {
            lines.push(joined);
        }
    }
    assert!(
        pending.is_empty(),
        "a `\\` continuation ends the block at line {}",
        block.line
    );
    lines
}

/// The entraide arguments of a documented command, or None if it is not
/// an entraide invocation.
fn entraide_args(words: &[String]) -> Option<Vec<String>> {
    let prefix = ["cargo", "run", "--release", "--"];
    if words.len() > prefix.len() && words.iter().zip(prefix).all(|(w, p)| w == p) {
        return Some(words[prefix.len()..].to_vec());
    }
    if words.first().is_some_and(|w| w == "entraide") && words.len() > 1 {
        return Some(words[1..].to_vec());
    }
    None
}

fn exempt(command: &str) -> bool {
    EXEMPT.iter().any(|(exempt, _)| *exempt == command)
}

/// One documented entraide invocation, where it is, and the lines its
/// stdout must contain.
struct Invocation {
    args: Vec<String>,
    at: String,
    expected: Vec<String>,
}

/// Reads a page: its entraide invocations in order. Panics on a command
/// line that is neither an invocation nor exempt.
fn invocations(page: &Path) -> Vec<Invocation> {
    let text = std::fs::read_to_string(page).unwrap();
    let name = relative(page);
    let mut found: Vec<Invocation> = Vec::new();
    let mut last_sh_end: Option<usize> = None;
    let all = blocks(&text);
    for (index, block) in all.iter().enumerate() {
        match block.tag.as_str() {
            "sh" => {
                let before = found.len();
                for line in command_lines(block) {
                    let words = words(&line);
                    match entraide_args(&words) {
                        Some(args) => found.push(Invocation {
                            args,
                            at: format!("{name}:{} `{}`", block.line, line.trim()),
                            expected: Vec::new(),
                        }),
                        None => assert!(
                            exempt(&words.join(" ")),
                            "{name}:{}: `{}` is neither an entraide command nor listed in \
                             EXEMPT (tests/docs.rs)",
                            block.line,
                            line.trim()
                        ),
                    }
                }
                last_sh_end = (found.len() > before).then_some(index);
            }
            "output" => {
                let previous = index.checked_sub(1).filter(|&i| Some(i) == last_sh_end);
                assert!(
                    previous.is_some(),
                    "{name}:{}: an `output` block must follow an `sh` block of entraide commands",
                    block.line
                );
                let last = found.last_mut().unwrap();
                last.expected = block
                    .lines
                    .iter()
                    .map(|l| l.trim_end().to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
            }
            _ => {}
        }
    }
    found
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs every documented command of every page, each page in its own
/// scratch directory (pages in parallel). Returns the failures.
fn run_pages(shorten: bool) -> Vec<String> {
    let pages = pages();
    let results: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = pages
            .iter()
            .map(|page| s.spawn(move || run_page(page, shorten)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    results.into_iter().flatten().collect()
}

fn run_page(page: &Path, shorten: bool) -> Vec<String> {
    let stem = page.file_stem().unwrap().to_string_lossy();
    let dir = temp(&format!(
        "docs-{}-{stem}",
        if shorten { "quick" } else { "full" }
    ));
    copy_dir(&root().join("scenarios"), &dir.join("scenarios"));
    copy_dir(&root().join("examples"), &dir.join("examples"));
    let mut failures = Vec::new();
    for invocation in invocations(page) {
        let subcommand = invocation.args[0].as_str();
        if shorten && SLOW.contains(&subcommand) {
            continue;
        }
        let mut args = invocation.args.clone();
        if shorten && !args.iter().any(|a| a == "--check") {
            for (name, extra) in SHORTEN {
                if *name == subcommand {
                    args.extend(extra.iter().map(|s| s.to_string()));
                }
            }
        }
        let out = Command::new(env!("CARGO_BIN_EXE_entraide"))
            .args(&args)
            .current_dir(&dir)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("the entraide binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            failures.push(format!(
                "{}: exit {:?} (run as {args:?}):\n{}",
                invocation.at,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        for line in &invocation.expected {
            if !stdout.lines().any(|l| l.trim_end() == line) {
                failures.push(format!(
                    "{}: stdout lacks the documented line {line:?}; it was:\n{stdout}",
                    invocation.at
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    failures
}

#[test]
fn documented_commands_run() {
    let failures = run_pages(true);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every documented command as written, `validate` included, without
/// shortening: about three minutes of CPU in a release build (mostly the
/// 480 runs of scenarios/delay-x-staffing.sweep.toml).
#[test]
#[ignore = "minutes: run it before a release with cargo test --release --test docs -- --ignored"]
fn documented_commands_run_as_written() {
    let failures = run_pages(false);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_page_has_commands_only_in_tested_blocks() {
    let mut problems = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let mut in_block = false;
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_block = !in_block;
                continue;
            }
            if in_block {
                continue;
            }
            for span in line.split('`').skip(1).step_by(2) {
                let command = span.starts_with("cargo ") || span.starts_with("bash ");
                if command && span.trim_end() != "cargo run --release --" && !exempt(span) {
                    problems.push(format!(
                        "{}:{}: `{span}` is a command outside an `sh` block",
                        relative(&page),
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_quick_test_has_commands_to_run() {
    let total: usize = pages().iter().map(|p| invocations(p).len()).sum();
    assert!(
        total >= 20,
        "only {total} documented entraide commands found"
    );
}

/// The anchors GitHub gives a page's headings: lower case, punctuation
/// dropped, spaces as hyphens.
fn anchors(text: &str) -> Vec<String> {
    let mut anchors = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block && line.starts_with('#') {
            let heading = line.trim_start_matches('#').trim().to_lowercase();
            anchors.push(
                heading
                    .chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect(),
            );
        }
    }
    anchors
}

#[test]
fn links_resolve_and_nothing_points_outside_the_clone() {
    let mut problems = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, line) in text.lines().enumerate() {
            for rest in line.split("](").skip(1) {
                let target = rest.split(')').next().unwrap();
                if target.starts_with("http") {
                    continue;
                }
                let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
                let path = if file.is_empty() {
                    page.clone()
                } else {
                    page.parent().unwrap().join(file)
                };
                let broken = target.contains("shared/")
                    || !path.exists()
                    || (!anchor.is_empty()
                        && path.extension().is_some_and(|e| e == "md")
                        && !anchors(&std::fs::read_to_string(&path).unwrap())
                            .iter()
                            .any(|a| a == anchor));
                if broken {
                    problems.push(format!("{}:{}: link to {target}", relative(&page), i + 1));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

/// The headline table (the generated part of docs/results.md) is what the
/// example prints from the replications it keeps. Running the replications
/// here would take over a minute of CPU, so this reads the kept values, and
/// [`kept_replications_are_what_the_runs_give`] checks those against fresh
/// runs.
#[test]
fn headline_table_matches_the_docs() {
    let rows = table::parse_csv(&headline_cache()).unwrap();
    let expected = table::markdown(&rows).unwrap();
    let text = std::fs::read_to_string(root().join("docs/results.md")).unwrap();
    let (_, generated, _) = table::split_page(&text).unwrap();
    assert_eq!(
        generated, expected,
        "the headline table in docs/results.md is not what the kept replications give: \
         regenerate it with `{HEADLINE}`"
    );
}

const HEADLINE: &str = "cargo run --release --example headline_table -- --write";

fn headline_cache() -> String {
    std::fs::read_to_string(root().join("examples/headline_table/replications.csv")).unwrap_or_else(
        |e| panic!("examples/headline_table/replications.csv: {e}: run `{HEADLINE}`"),
    )
}

/// The kept replications are those of `entraide run scenarios/NAME.toml
/// --replications N`: every seed is the replication seed of the scenario's
/// own seed, and one replication of each scenario, run again here, gives
/// exactly the kept values (a different replication for each scenario,
/// counting down from the last). A model change fails here first. About
/// 2 s of CPU per scenario at most (Erlang-A's two years).
#[test]
fn kept_replications_are_what_the_runs_give() {
    let rows = table::parse_csv(&headline_cache()).unwrap();
    let n = table::REPLICATIONS as usize;
    assert_eq!(rows.len(), table::SCENARIOS.len() * n);
    let failures: Vec<String> = std::thread::scope(|s| {
        let checks: Vec<_> = table::SCENARIOS
            .iter()
            .zip(rows.chunks(n))
            .enumerate()
            .map(|(i, (&name, kept))| s.spawn(move || check_replication(name, kept, n - 1 - i)))
            .collect();
        checks
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{}\nIf the model changed on purpose, regenerate the table with `{HEADLINE}`.",
        failures.join("\n")
    );
}

fn check_replication(name: &str, kept: &[table::Row], r: usize) -> Option<String> {
    let path = root().join("scenarios").join(format!("{name}.toml"));
    let scenario = entraide::scenario::load(&path, &[]).unwrap().scenario;
    let seeds = entraide::replicate::seeds(scenario.simulation.seed, table::REPLICATIONS);
    let kept_seeds: Vec<u64> = kept.iter().map(|row| row.seed).collect();
    if kept_seeds != seeds {
        return Some(format!(
            "{name}: the kept seeds are not those of `entraide run scenarios/{name}.toml \
             --replications {}`",
            table::REPLICATIONS
        ));
    }
    let summaries = entraide::replicate::run(
        &scenario,
        &seeds[r..=r],
        Some(1),
        &mut entraide::model::NoObserver,
    )
    .unwrap();
    let fresh = serde_json::to_value(&summaries[0]).unwrap();
    let fresh = table::row(name, r as u32, seeds[r], &fresh).unwrap();
    (fresh != kept[r]).then(|| {
        format!(
            "{name} replication {r} (seed {}) gives {:?}, kept {:?} (keys {:?})",
            seeds[r],
            fresh.values,
            kept[r].values,
            table::keys()
        )
    })
}

/// Every `MEAN ± HALF-WIDTH` that docs/results.md quotes outside the
/// generated part is a cell of the table, the page quotes at least one (the
/// reading of the rows), and it names the number of replications the
/// example runs, in the command that reproduces a row.
#[test]
fn results_quote_their_figures_from_the_table() {
    let text = std::fs::read_to_string(root().join("docs/results.md")).unwrap();
    let (before, _, after) = table::split_page(&text).unwrap();
    let quoted = table::quotes(before).len() + table::quotes(after).len();
    assert!(quoted >= 3, "docs/results.md quotes only {quoted} figures");
    let stale = table::stale_quotes(&text).unwrap();
    assert!(
        stale.is_empty(),
        "docs/results.md quotes figures that are not in its table: {stale:?}: quote the cells \
         of the table, with their interval"
    );
    let command = format!("--replications {}", table::REPLICATIONS);
    assert!(
        text.contains(&command),
        "docs/results.md does not show `{command}`, the replications of its table"
    );
}

/// How cells are printed, on the kept rows with two edits: a value missing
/// in one replication prints as a dash (no mean over the others), and a
/// half-width below the column's precision gets the decimals that show its
/// first digit. A row missing from the file is refused.
#[test]
fn headline_cells_show_their_interval_or_a_dash() {
    let mut rows = table::parse_csv(&headline_cache()).unwrap();
    let keys = table::keys();
    let retention = keys
        .iter()
        .position(|k| *k == "experts.retention_365d")
        .unwrap();
    let median = keys
        .iter()
        .position(|k| *k == "first_response.median_hours")
        .unwrap();
    let n = table::REPLICATIONS as usize;
    rows[3].values[retention].clear();
    for (r, row) in rows[..n].iter_mut().enumerate() {
        row.values[median] = format!("{}", 1.0 + 0.001 * (r % 2) as f64);
    }
    let text = table::markdown(&rows).unwrap();
    let mercure = text.lines().find(|l| l.starts_with("| mercure |")).unwrap();
    let cells: Vec<&str> = mercure.split('|').map(str::trim).collect();
    assert_eq!(cells[3], "1.0005 ± 0.0002", "{mercure}");
    assert_eq!(cells[6], "–", "{mercure}");
    assert!(table::markdown(&rows[1..]).is_err());
}

#[test]
fn quotes_are_found_with_their_unit() {
    let text = "from 1.05 ± 0.12 h to 44.6 ± 0.7 %, and −3 ± 2. Not 5 ±  or ± 4.";
    assert_eq!(
        table::quotes(text),
        ["1.05 ± 0.12", "44.6 ± 0.7 %", "−3 ± 2"]
    );
}

/// Every field the `init` template writes (set or commented out) is named
/// in the scenario reference, so a new field cannot go undocumented.
#[test]
fn every_template_field_is_in_the_scenario_reference() {
    let template = std::fs::read_to_string(root().join("src/scenario/template.toml")).unwrap();
    let reference = std::fs::read_to_string(root().join("docs/scenario-reference.md")).unwrap();
    let mut missing = Vec::new();
    for line in template.lines() {
        let line = line.trim_start_matches(['#', ' ']);
        let Some((key, _)) = line.split_once(" =") else {
            continue;
        };
        let is_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if is_key && !reference.contains(&format!("`{key}`")) && !missing.contains(&key) {
            missing.push(key);
        }
    }
    assert!(
        missing.is_empty(),
        "fields of src/scenario/template.toml missing from docs/scenario-reference.md: {missing:?}"
    );
}
