//! Rebuilds the headline results table of `docs/results.md` from
//! replicated runs: every shipped scenario under
//! [`table::REPLICATIONS`] seeds, each cell the mean ± 95 % half-width
//! over them. It prints the table in Markdown on stdout.
//!
//! ```sh
//! cargo run --release --example headline_table -- --write
//! ```
//!
//! With `--write` it also keeps each replication's values in
//! `examples/headline_table/replications.csv` (which `tests/docs.rs` checks
//! against fresh runs) and puts the table into `docs/results.md`, between
//! its markers; then it names the sentences of the page that quote a
//! figure the new table no longer holds.
//!
//! The seeds are those of `entraide run scenarios/NAME.toml --replications
//! N`: replication r of a scenario runs with `replicate::seeds(seed, N)[r]`,
//! `seed` being the scenario's `simulation.seed`. Scenarios run one after
//! the other, each one's replications in parallel on all cores
//! (`replicate::run`), collected in replication order: the output is the
//! same on any number of threads.

mod table;

use entraide::model::NoObserver;
use entraide::replicate;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let write = match args.as_slice() {
        [] => false,
        [flag] if flag == "--write" => true,
        _ => {
            eprintln!("usage: cargo run --release --example headline_table [-- --write]");
            return ExitCode::from(2);
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match rebuild(&root, write) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn rebuild(root: &Path, write: bool) -> Result<(), String> {
    let mut rows = Vec::new();
    for name in table::SCENARIOS {
        eprintln!(
            "headline_table: {name}, {} replications",
            table::REPLICATIONS
        );
        rows.extend(replications(root, name)?);
    }
    let markdown = table::markdown(&rows)?;
    print!("{markdown}");
    if write {
        let cache = root.join("examples/headline_table/replications.csv");
        std::fs::write(&cache, table::csv(&rows)?)
            .map_err(|e| format!("{}: {e}", cache.display()))?;
        let page = root.join("docs/results.md");
        let text =
            std::fs::read_to_string(&page).map_err(|e| format!("{}: {e}", page.display()))?;
        let (before, _, after) = table::split_page(&text)?;
        let text = format!("{before}{markdown}{after}");
        std::fs::write(&page, &text).map_err(|e| format!("{}: {e}", page.display()))?;
        eprintln!(
            "headline_table: wrote {} and the table of {}",
            cache.display(),
            page.display()
        );
        let stale = table::stale_quotes(&text)?;
        if !stale.is_empty() {
            eprintln!(
                "headline_table: docs/results.md quotes figures that are not in the new table; \
                 update the sentences that quote: {}",
                stale.join(", ")
            );
        }
    }
    Ok(())
}

/// The rows of every replication of `scenarios/NAME.toml`.
pub fn replications(root: &Path, name: &str) -> Result<Vec<table::Row>, String> {
    let path = root.join("scenarios").join(format!("{name}.toml"));
    let loaded = entraide::scenario::load(&path, &[]).map_err(|e| e.to_string())?;
    let scenario = &loaded.scenario;
    let seeds = replicate::seeds(scenario.simulation.seed, table::REPLICATIONS);
    let summaries = replicate::run(scenario, &seeds, None, &mut NoObserver)?;
    summaries
        .iter()
        .zip(&seeds)
        .enumerate()
        .map(|(r, (summary, &seed))| {
            if let Some(why) = &summary.engine.stopped_early {
                return Err(format!(
                    "{name} replication {r} (seed {seed}) stopped early: {why}"
                ));
            }
            let value = serde_json::to_value(summary).map_err(|e| e.to_string())?;
            table::row(name, r as u32, seed, &value)
        })
        .collect()
}
