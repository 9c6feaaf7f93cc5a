//! Helpers shared by the integration tests: the real binary, run from the
//! crate root, and fresh scratch directories.
#![allow(dead_code)] // each test binary uses its own subset

pub mod panics;

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path for a scratch directory, unique to this process, removed if it
/// exists (not created: tests check that commands create it, or not).
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entraide-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs the binary from the crate root (so relative paths in messages are
/// the ones the tests write), with no backtrace settings inherited.
pub fn entraide(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args(args)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .expect("the entraide binary runs")
}

/// Runs the binary and panics with its stderr unless it succeeds.
pub fn ok(args: &[&str]) -> Output {
    let out = entraide(args);
    assert!(
        out.status.success(),
        "entraide {args:?} failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Column `name` of a CSV text (a header row, then data), as numbers.
pub fn column(csv_text: &[u8], name: &str) -> Vec<f64> {
    let mut reader = csv::Reader::from_reader(csv_text);
    let header = reader.headers().expect("header").clone();
    let i = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    reader
        .records()
        .map(|r| r.expect("row")[i].parse::<f64>().expect("a number"))
        .collect()
}
