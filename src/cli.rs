//! The command line, as clap derive types only. No behaviour here.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "entraide",
    version,
    about = "Simulate a brand's help community: customers, volunteer experts and staff",
    long_about = "Simulate a brand's help community event by event: customers post questions, \
                  volunteer expert members answer most of them, staff step in after an \
                  intervention delay. Measures backlog, response times, expert retention, \
                  customer exit and complaints, staff workload."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and report what happened.
    Run(RunArgs),
    /// Validate a scenario without running it.
    Check(CheckArgs),
    /// Write a fully commented example scenario.
    Init(InitArgs),
}

#[derive(Debug, clap::Args)]
pub struct ScenarioArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a scenario value by its path, e.g. --set policy.intervention_delay=1h
    /// or --set staff.teams.technical.count=30 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Random seed (default: the scenario's simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write summary.json and timeseries.csv (and questions.csv with --trace) here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write questions.csv, one row per question (needs --out).
    #[arg(long, requires = "out")]
    pub trace: bool,
    /// No progress bar and no summary table on stdout (files only).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write the example scenario.
    #[arg(default_value = "scenario.toml")]
    pub path: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}
