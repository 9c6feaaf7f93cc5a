//! Parameter sweeps: a full factorial grid of scenario variants × independent
//! replications, run in parallel, written so that nothing is lost.
//!
//! ```text
//!  plan (scenario tree + factors + replications + seed)
//!    │ runs numbered point-major; seed = f(master seed, replication)
//!    ▼
//!  rayon workers ── simulate(point's scenario, seed) ──▶ channel
//!                                                         │ (completion order)
//!  main thread: append "run,row,checksum" to runs.journal ◀┘
//!    │ at the end (or after --resume / merge)
//!    ▼
//!  runs.csv (sorted by run) ──▶ points.csv (streaming mean/sd/ci95, and the
//!                               paired difference with the baseline point)
//! ```
//!
//! Results are byte-identical whatever the thread count, the interruptions
//! and resumptions, or the sharding: every file is derived from the set of
//! finished runs alone, in run order. This module does file I/O (the
//! journal and the tables); the simulation it calls is pure.
//!
//! One file per concern: `request` (the sweep file reader), `plan` (the
//! grid, run numbering and seeds), `prepare` (request -> checked `Sweep`),
//! `run` (workers + journal), `resume` (claiming a directory, what is left
//! to run), `journal`, `manifest` (`sweep.json`), `measures` (the columns of
//! a run), `tables` (`runs.csv`, `points.csv`) and `merge` (shards).

pub mod journal;
mod manifest;
pub mod measures;
mod merge;
pub mod plan;
mod prepare;
mod request;
mod resume;
mod run;
pub mod tables;

pub use manifest::{LegendEntry, MANIFEST, Manifest, read_manifest};
pub use merge::merge;
pub use prepare::Sweep;
pub use request::{BaselineChoice, Request, read_sweep_file};
pub use resume::is_finished;

use crate::scenario::ScenarioError;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}")]
    Usage(String),
    /// A runtime failure that is no fault of the input: no worker threads,
    /// a damaged journal, a value that cannot be serialised.
    #[error("{0}")]
    Failed(String),
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl SweepError {
    pub fn exit_code(&self) -> u8 {
        match self {
            SweepError::Usage(_) | SweepError::Scenario(_) => 2,
            SweepError::Io { .. } | SweepError::Failed(_) => 1,
        }
    }
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
    move |error| SweepError::Io {
        path: path.to_path_buf(),
        error,
    }
}
