//! Rebuilds the headline results table of `docs/results.md`: runs every
//! shipped scenario once, at its own seed, and prints the table in
//! Markdown on stdout.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example headline_table
//! ```
//!
//! It runs `target/release/entraide`, or the binary named by the `ENTRAIDE`
//! environment variable, from the crate root, in parallel, with scratch
//! output under the system's temporary directory.

mod table;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    match rows() {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn rows() -> Result<String, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let binary = std::env::var_os("ENTRAIDE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/entraide"));
    if !binary.exists() {
        return Err(format!(
            "no entraide binary at {}: run `cargo build --release` first, or set ENTRAIDE",
            binary.display()
        ));
    }
    let scratch = std::env::temp_dir().join(format!("entraide-headline-{}", std::process::id()));
    let summaries = std::thread::scope(|s| {
        let runs: Vec<_> = table::SCENARIOS
            .iter()
            .map(|name| {
                let (binary, root, out) = (&binary, &root, scratch.join(name));
                s.spawn(move || run(binary, root, name, &out))
            })
            .collect();
        runs.into_iter()
            .map(|h| h.join().expect("a run thread panicked"))
            .collect::<Result<Vec<_>, _>>()
    });
    let _ = std::fs::remove_dir_all(&scratch);
    table::markdown(&summaries?)
}

fn run(
    binary: &PathBuf,
    root: &PathBuf,
    name: &str,
    out: &PathBuf,
) -> Result<serde_json::Value, String> {
    let scenario = format!("scenarios/{name}.toml");
    let status = Command::new(binary)
        .current_dir(root)
        .args(["run", &scenario, "--quiet", "--out"])
        .arg(out)
        .status()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    if !status.success() {
        return Err(format!("entraide run {scenario} failed ({status})"));
    }
    let path = out.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}
