//! Checking the simulator against queueing theory, in one place:
//!
//! - `queueing`: the exact Erlang-A / Erlang-C values (M/M/n+M, M/M/n);
//! - `validate`: the cases (`entraide validate`'s suite), the scenario of
//!   each (the validated `scenarios/erlang-a.toml` reduction with the case's
//!   values set), the replications and the comparison;
//! - `ztest`: the z-test harness shared by `validate` and
//!   `tests/erlang_a.rs`, with its "sharp enough to see a 5 % bias" guard.
//!
//! The text and JSON report of `validate` stays in `output::validation`,
//! beside the other output formats: it only formats these results.

pub mod queueing;
pub mod validate;
pub mod ztest;
