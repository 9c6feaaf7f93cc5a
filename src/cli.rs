//! The command line, as clap derive types only. No behaviour here.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "entraide",
    version,
    // A later --seed (or --replications, ...) replaces an earlier one, so
    // scripts can append to a base command line.
    args_override_self = true,
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
    /// Check the engine against exact Erlang-A / Erlang-C queueing theory.
    Validate(ValidateArgs),
    /// Is B better than A? Both under the same seeds, with paired differences.
    Compare(CompareArgs),
    /// Run a grid of scenario variants x replications in parallel.
    Sweep(SweepArgs),
    /// The least staff, per shift pattern, with which delay, that meets the targets, certified.
    Plan(PlanArgs),
    /// Combine the shard directories of a sweep into one.
    Merge(MergeArgs),
    /// Write DIR/report.html from the output of run, sweep or plan --out DIR.
    Report(ReportArgs),
    /// Calibrate a scenario from a forum's post log (CSV, or a Stack Exchange Posts.xml): DIR/scenario.toml, DIR/fit.json.
    Fit(FitArgs),
    /// Time the standard cases on a fixed seed (for CI: --json, --compare OLD.json).
    Bench(BenchArgs),
    /// Not for users: `bench` measures each case in a child running this.
    #[command(name = "bench-case", hide = true)]
    BenchCase(BenchCaseArgs),
}

#[derive(Debug, Clone, clap::Args)]
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
    /// Random seed, 0 to 2^64-1, as runs.csv writes them (default: the scenario's simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Start from a forum's state (state.json from fit --state-at): its
    /// open threads and members; simulation.horizon then runs from there.
    #[arg(long, value_name = "STATE")]
    pub from_state: Option<PathBuf>,
    /// Write summary.json and timeseries.csv (and questions.csv with --trace) here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write questions.csv, one row per question, and posts.csv, the
    /// post log `fit` reads (needs --out).
    #[arg(long, requires = "out")]
    pub trace: bool,
    /// Also write report.html, the charts of the run (needs --out).
    #[arg(long, requires = "out")]
    pub report: bool,
    /// No progress bar, no scenario warnings and no summary table (files only).
    #[arg(long, short)]
    pub quiet: bool,
    /// Run N seeds derived from --seed (as a sweep derives them) and show
    /// each measure as mean ± 95 % half-width; 1 is a plain run.
    #[arg(long, value_name = "N")]
    pub replications: Option<u32>,
    /// Worker threads for the replications (default: all cores). Results
    /// do not depend on it.
    #[arg(long, requires = "replications")]
    pub threads: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The baseline scenario file (TOML).
    pub a: PathBuf,
    /// The scenario compared with it.
    pub b: PathBuf,
    /// Override a value in both scenarios, e.g. --set simulation.horizon=90d (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Replications, the same seeds for both scenarios (at least 2).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub replications: u32,
    /// Master seed, 0 to 2^64-1 (default: A's simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
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

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// A short suite (a few seconds) instead of the full one.
    #[arg(long)]
    pub quick: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Master seed of the replications.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Independent replications per case (standard errors come from them).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Ad-hoc case: arrival rate, e.g. 100/h, 2.5/h, 2400/d.
    #[arg(long, value_name = "RATE", requires_all = ["handling_time", "staff"])]
    pub arrival_rate: Option<String>,
    /// Ad-hoc case: mean handling time, e.g. 15m, 7.5m.
    #[arg(long, value_name = "DURATION", requires = "arrival_rate")]
    pub handling_time: Option<String>,
    /// Ad-hoc case: number of staff (servers).
    #[arg(long, requires = "arrival_rate")]
    pub staff: Option<u32>,
    /// Ad-hoc case: mean patience (omit for no abandonment: Erlang C).
    #[arg(long, value_name = "DURATION", requires = "arrival_rate")]
    pub patience: Option<String>,
    /// Ad-hoc case: service-level target, e.g. 5m (default 20s).
    #[arg(long, value_name = "DURATION", requires = "arrival_rate")]
    pub target: Option<String>,
    /// Ad-hoc case: customers to simulate over all replications.
    #[arg(long, requires = "arrival_rate")]
    pub customers: Option<u64>,
    /// Not an option: caught to point to `entraide check FILE`.
    #[arg(hide = true)]
    pub file: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// A scenario file, or a sweep file (a TOML file with a `[sweep]` table).
    pub file: PathBuf,
    /// A varied parameter: PATH=LIST (0h,1h,4h) or PATH=START..END:STEP
    /// (10..40:5, 1h..8h:1h, 0.1..0.5:0.1). Repeatable: the full grid is run.
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// A fixed override applied to every run (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// The baseline point of the paired differences in points.csv: one
    /// value of each varied parameter, e.g. --baseline
    /// policy.intervention_delay=3h (repeatable; default: the first point).
    #[arg(long = "baseline", value_name = "PATH=VALUE")]
    pub baseline: Vec<String>,
    /// Replications per grid point (default: the sweep file's, else 10).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Master seed, 0 to 2^64-1 (default: the sweep file's, else 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output directory: runs.csv, points.csv, sweep.json.
    #[arg(long, value_name = "DIR", required_unless_present = "check")]
    pub out: Option<PathBuf>,
    /// Only check the plan (every point's scenario) and print its size; run nothing.
    #[arg(long, conflicts_with_all = ["resume", "report"])]
    pub check: bool,
    /// Finish an interrupted sweep in --out (same arguments as the first time).
    #[arg(long)]
    pub resume: bool,
    /// Run only slice I of N of the plan (for a cluster), e.g. --shard 3/8.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Also write report.html, the charts of the sweep.
    #[arg(long)]
    pub report: bool,
    /// No progress bar and no closing message.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shard directories (each written by sweep --shard I/N).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged runs.csv, points.csv and sweep.json.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A directory written by `run --out` or `sweep --out`.
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// The post log: CSV with thread_id, post_id, author_id, role, created_at
    /// (optional: reply_to, topic, accepted, kind), as `run --trace` writes
    /// posts.csv; docs/fit.md gives the format.
    pub log: PathBuf,
    /// Write scenario.toml, fit.json and report.html here.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The scenario whose values the log cannot identify are kept (default:
    /// the `entraide init` template).
    #[arg(long, value_name = "SCENARIO")]
    pub base: Option<PathBuf>,
    /// Time zone of naive times and of the hour-of-week profiles, an IANA
    /// name such as Europe/Paris, or UTC (default: times as written).
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// A file of staff author ids, one per line: roles are then inferred
    /// (staff, the thread's asker, or a member) and the role column may go.
    #[arg(long, value_name = "FILE")]
    pub staff_authors: Option<PathBuf>,
    /// Skip and count malformed rows instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// A member has left after this long without an answer (retention).
    #[arg(long, value_name = "DURATION", default_value = "90d")]
    pub churn: String,
    /// Also write DIR/state.json, the forum's state at TIME (default: the
    /// log's end), for run --from-state.
    #[arg(long, value_name = "TIME", num_args = 0..=1, default_missing_value = "end")]
    pub state_at: Option<String>,
    /// Fit only the threads asked at or after TIME (RFC 3339, or naive with
    /// --timezone).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Fit only the posts before TIME.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Runs of the fitted scenario, each as long as the log, compared with
    /// the log in DIR/report.html and fit.json's `check`; as many again,
    /// per candidate, calibrate the daily engagement decay and the spread
    /// of members' activity to the log's retention, answer-count spread and
    /// top-tenth share (0: neither).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub replications: u32,
    /// The master seed of those runs (the seeds of run --replications).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads for those runs (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Print one JSON document instead of a table (keys in docs/performance.md).
    #[arg(long)]
    pub json: bool,
    /// Measurements of each case; the best and the median wall time are reported.
    #[arg(long, value_name = "R", default_value_t = 3)]
    pub repeat: u32,
    /// Only these cases, e.g. --cases erlang-a,mercure-year (default: all of
    /// erlang-a, mercure-year, mercure-x16-year, sweep-small).
    #[arg(long, value_name = "A,B")]
    pub cases: Option<String>,
    /// Worker threads of the sweep case (default: all cores). The other
    /// cases run on one thread.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Compare with a file written by `bench --json` (or --save): per case,
    /// new / old events per second, flagged beyond the noise of the repeats.
    #[arg(long, value_name = "OLD.json")]
    pub compare: Option<PathBuf>,
    /// With --compare: compare this file (written by `bench --json`) with
    /// OLD.json instead of running the cases; --cases, --repeat, --threads
    /// and --quick then do not apply.
    #[arg(long, value_name = "NEW.json", requires = "compare")]
    pub new: Option<PathBuf>,
    /// Also write the JSON document to FILE.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Short horizons (seconds in all): for smoke tests; the figures are
    /// not comparable with a full run's.
    #[arg(long)]
    pub quick: bool,
}

#[derive(Debug, clap::Args)]
pub struct BenchCaseArgs {
    /// The case to measure.
    pub case: String,
    #[arg(long)]
    pub quick: bool,
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}

/// Where `plan` starts its search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanStart {
    /// Erlang-A or square-root staffing on the stream of questions that reaches staff.
    Analytic,
    /// The scenario's own head counts.
    Scenario,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// A target, as `MEASURE >= VALUE` or `MEASURE <= VALUE` [`+- TOLERANCE`], e.g.
    /// 'answered_within(4h) >= 90%', 'first_response.p90 <= 4h', 'exited <= 3%'
    /// (repeatable; the measures are listed in docs/plan.md).
    #[arg(long = "target", value_name = "EXPR")]
    pub targets: Vec<String>,
    /// Intervention delays to try, e.g. 0h,1h,2h,3h (default: the scenario's).
    #[arg(long, value_delimiter = ',', value_name = "DELAYS")]
    pub delays: Vec<String>,
    /// The teams whose head counts are planned, e.g. technical,billing (default: all).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub teams: Vec<String>,
    /// The cost of one staff hour of a team, TEAM=W (repeatable; default 1).
    #[arg(long = "weight", value_name = "TEAM=W")]
    pub weights: Vec<String>,
    /// Probability that the whole statement holds (every target of the
    /// plan, every one-fewer neighbour failing), between 0.5 and 1.
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// Master seed, 0 to 2^64-1 (default: the scenario's simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replications of a plan before any decision (at least 2).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub first_stage: usize,
    /// The most replications of any one plan; a target still undecided there
    /// (within its tolerance) is decided by its mean and the plan marked uncertified.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_replications: usize,
    /// Where the search starts.
    #[arg(long, value_enum, default_value = "analytic")]
    pub start: PlanStart,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write plan.json, candidates.csv, frontier.csv and scenario.toml (the plan, ready to run) here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write report.html: the plan, its targets, one fewer per block, the frontier (needs --out).
    #[arg(long, requires = "out")]
    pub report: bool,
    /// Print plan.json instead of a text summary.
    #[arg(long)]
    pub json: bool,
    /// No progress on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}
