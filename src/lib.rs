//! # entraide
//!
//! A discrete-event simulator of a brand's help community: customers post
//! questions, volunteer expert members answer most of them, and staff step
//! in after an intervention delay, confirm experts' answers and escalate
//! account questions to the back office. It measures what a community
//! manager needs to decide staffing and policy: backlog, response times,
//! expert retention, customer exit and complaints, staff overload.
//!
//! ## Data flow
//!
//! ```text
//!  scenario.toml ──parse──▶ TOML tree ──--set──▶ scenario reader
//!                                                   │ (every problem, with its path)
//!                                                   ▼
//!                                         scenario::Scenario (validated)
//!                                                   │ + seed
//!                                                   ▼
//!   engine::run_until ◀──── model::World ──── rng streams (one per purpose)
//!   (pop earliest event,      │  questions, members, roster: one owner each;
//!    advance the clock)       │  behaviour files handle events, schedule
//!                             │  follow-ups by delay, feed metrics::Metrics
//!                             ▼
//!              metrics::summary::Summary + HourRow / QuestionRow stream
//!                             │
//!                             ▼
//!        output (table, summary.json, timeseries.csv, questions.csv),
//!        sweep (journal, runs.csv, points.csv), report (report.html)
//! ```
//!
//! Everything from `scenario` to `metrics` is pure: a run is a function of
//! (scenario, seed), and the simulation core (`engine`, `model`,
//! `metrics`) does no I/O. Files are read by `scenario` (the scenario and
//! its `extends`) and written by `output`, `sweep` (its journal and
//! tables), `report` and `app`; only `app` (and `main`, for the error
//! line) touches the terminal. `bench` (the `entraide bench` command)
//! runs each of its measurements in a child process of the binary, which
//! reads its own CPU time and peak memory.

pub mod app;
pub mod bench;
pub mod cli;
pub mod dist;
pub mod engine;
pub mod fit;
pub mod metrics;
pub mod model;
pub mod numbers;
pub mod output;
pub mod plan;
pub mod posts;
pub mod replicate;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod special;
pub mod state;
pub mod stats;
pub mod sweep;
pub mod theory;
pub mod time;
pub mod workers;
