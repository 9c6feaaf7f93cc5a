//! The application layer: the only code that touches files, the terminal
//! and the process. Each command reads its inputs, calls the pure core,
//! and writes its outputs.

use crate::bench;
use crate::cli::{
    BenchArgs, BenchCaseArgs, CheckArgs, Cli, Command, CompareArgs, FitArgs, InitArgs, MergeArgs,
    PlanArgs, PlanStart, ReportArgs, RunArgs, ScenarioArgs, SweepArgs, ValidateArgs,
};
use crate::model::{NoObserver, simulate};
use crate::numbers;
use crate::output::lock::{DirLock, LockError};
use crate::output::{self, csv_sink::CsvSink, table};
use crate::replicate;
use crate::report::{self, ReportError};
use crate::scenario::{self, Loaded, ScenarioError};
use crate::sweep::{self, Request, Sweep, SweepError};
use crate::theory::validate::{self, Case, Effort};
use crate::time::{MS_PER_MINUTE, SimDuration, SimTime, parse_duration};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The commented example scenario written by `entraide init`.
pub const TEMPLATE: &str = include_str!("scenario/template.toml");

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{0}")]
    StoppedEarly(String),
    #[error("{0}")]
    Failed(String),
    #[error("{0}")]
    Sweep(#[from] SweepError),
    #[error("{0}")]
    Report(#[from] ReportError),
    #[error("{0}")]
    Lock(#[from] LockError),
    #[error("{0}")]
    Fit(#[from] crate::fit::FitError),
    /// Stdout was closed by its reader (`| head`): not a failure, main
    /// exits quietly with 0, as ripgrep does.
    #[error("stdout closed")]
    ClosedStdout,
}

impl AppError {
    /// 2 for anything the user can fix in their input, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Scenario(_) | AppError::Usage(_) => 2,
            AppError::Io { .. }
            | AppError::StoppedEarly(_)
            | AppError::Failed(_)
            | AppError::Lock(_) => 1,
            AppError::ClosedStdout => 0,
            AppError::Sweep(e) => e.exit_code(),
            AppError::Report(e) => e.exit_code(),
            AppError::Fit(crate::fit::FitError::Input(_)) => 2,
            AppError::Fit(crate::fit::FitError::Output(_)) => 1,
        }
    }
}

/// `print!` that returns the error instead of panicking on it: a closed
/// stdout becomes `AppError::ClosedStdout`.
macro_rules! out {
    ($($arg:tt)*) => {
        write_stdout(format_args!($($arg)*))
    };
}

fn write_stdout(text: std::fmt::Arguments) -> Result<(), AppError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_fmt(text)
        .and_then(|()| stdout.flush())
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::BrokenPipe => AppError::ClosedStdout,
            _ => AppError::Io {
                path: "stdout".into(),
                error,
            },
        })
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> AppError + '_ {
    move |error| AppError::Io {
        path: path.to_path_buf(),
        error,
    }
}

pub fn main(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Check(args) => check(args),
        Command::Init(args) => init(args),
        Command::Validate(args) => validate(args),
        Command::Sweep(args) => run_sweep(args),
        Command::Plan(args) => plan(args),
        Command::Merge(args) => merge(args),
        Command::Report(args) => write_report(&args),
        Command::Fit(args) => fit(args),
        Command::Bench(args) => run_bench(args),
        Command::BenchCase(args) => bench_case(&args),
    }
}

fn load(args: &ScenarioArgs, quiet: bool) -> Result<Loaded, AppError> {
    let loaded = scenario::load(&args.scenario, &args.sets).map_err(|e| {
        // A sweep file is no scenario: say which command reads it.
        if let Ok(Some(_)) = sweep::read_sweep_file(&args.scenario) {
            AppError::Usage(format!(
                "{}: this is a sweep file; run it with `entraide sweep {} --out DIR`",
                args.scenario.display(),
                args.scenario.display()
            ))
        } else {
            AppError::Scenario(e)
        }
    })?;
    if !quiet {
        for warning in &loaded.warnings {
            eprintln!("warning: {}: {warning}", args.scenario.display());
        }
    }
    Ok(loaded)
}

fn run(args: RunArgs) -> Result<(), AppError> {
    if args.threads == Some(0) {
        return Err(AppError::Usage("--threads: expected at least 1".into()));
    }
    match args.replications {
        Some(0) => Err(AppError::Usage(
            "--replications: expected at least 1 (1 is a plain run)".into(),
        )),
        Some(n) if n >= 2 => run_replicated(args, n),
        _ => run_once(args),
    }
}

/// A progress callback for the simulated time, in simulated minutes, so
/// that the bar moves even when one simulated hour takes long to run.
fn on_progress(bar: &ProgressBar) -> Box<dyn FnMut(SimTime) + Send> {
    let bar = bar.clone();
    Box::new(move |now: SimTime| {
        bar.set_position(now.0 / MS_PER_MINUTE);
        bar.set_message(format!("{:.1}", now.as_days()));
    })
}

/// `run --replications N` (N >= 2): replication 0 streams the files of a
/// plain run (timeseries.csv, questions.csv) and the progress bar; all of
/// them feed replications.csv, the means of summary.json and the bands
/// over time (timeseries_bands.csv, timeseries_bands_daily.csv).
fn run_replicated(args: RunArgs, n: u32) -> Result<(), AppError> {
    let loaded = load_run(&args)?;
    let scenario = &loaded.scenario;
    let master = args.seed.unwrap_or(scenario.simulation.seed);
    let seeds = replicate::seeds(master, n);
    let _lock = claim_run_out(args.out.as_deref())?;
    let out_dir = args.out.as_deref();
    let (bar, mut sink) = run_sink(&args, scenario)?;
    // With --out, every replication keeps its hourly series for the bands
    // (N x hours x 8 numbers); without, nothing is kept.
    let (summaries, series) = if out_dir.is_some() {
        replicate::run_observed(
            scenario,
            &seeds,
            args.threads,
            &mut sink,
            output::bands::HourSeries::default,
        )
    } else {
        replicate::run(scenario, &seeds, args.threads, &mut sink).map(|s| (s, Vec::new()))
    }
    .map_err(AppError::Failed)?;
    bar.finish_and_clear();
    let targets = replicate::targets(scenario);
    let combined = replicate::combined_summary(&summaries, master, &seeds);
    let written: Result<(), AppError> = out_dir.map_or(Ok(()), |dir| {
        sink.finish().map_err(io_error(dir))?;
        output::write_replicated(
            dir,
            &combined,
            &replicate::replications_csv(&summaries, &seeds, &targets),
        )
        .map_err(io_error(dir))?;
        output::write_bands(dir, &series).map_err(io_error(dir))?;
        if args.report {
            crate::report::write(dir)?;
        }
        Ok(())
    });
    let printed = if args.quiet {
        Ok(())
    } else {
        let title = format!(
            "entraide: {} (master seed {master}), {:.0} days simulated per replication",
            scenario.name,
            scenario.simulation.horizon.as_days()
        );
        out!(
            "{}",
            output::replications::render(
                &title,
                summaries.len(),
                &replicate::estimates(&summaries, &targets)
            )
        )
    };
    written?;
    match combined["engine"]["stopped_early"].as_str() {
        Some(why) => Err(AppError::StoppedEarly(why.to_string())),
        None => printed,
    }
}

/// `compare A B`: both scenarios under the same seeds (common random
/// numbers), each measure's paired difference B − A with its interval.
fn compare(args: CompareArgs) -> Result<(), AppError> {
    if args.replications < 2 {
        return Err(AppError::Usage(format!(
            "--replications: expected at least 2 (got {}): a confidence interval needs two replications",
            args.replications
        )));
    }
    if args.threads == Some(0) {
        return Err(AppError::Usage("--threads: expected at least 1".into()));
    }
    let side = |path: &Path| {
        load(
            &ScenarioArgs {
                scenario: path.to_path_buf(),
                sets: args.sets.clone(),
            },
            false,
        )
    };
    let a = side(&args.a)?;
    let b = side(&args.b)?;
    let master = args.seed.unwrap_or(a.scenario.simulation.seed);
    let seeds = replicate::seeds(master, args.replications);
    let runs = |s: &crate::scenario::Scenario| {
        replicate::run(s, &seeds, args.threads, &mut NoObserver).map_err(AppError::Failed)
    };
    let (sa, sb) = (runs(&a.scenario)?, runs(&b.scenario)?);
    let targets = replicate::targets(&a.scenario);
    let comparison = replicate::Comparison {
        a: args.a.display().to_string(),
        b: args.b.display().to_string(),
        replications: seeds.len(),
        seed: master,
        confidence: 0.95,
        multiple_comparison_correction: "none",
        measures: replicate::compare(&sa, &sb, &targets),
    };
    if args.json {
        let text = serde_json::to_string_pretty(&comparison)
            .map_err(|e| AppError::Failed(e.to_string()))?;
        out!("{text}\n")?;
    } else {
        let title = format!(
            "entraide compare: A = {} (\"{}\"), B = {} (\"{}\"), master seed {master}",
            comparison.a, a.scenario.name, comparison.b, b.scenario.name
        );
        out!(
            "{}",
            output::replications::render_comparison(
                &title,
                comparison.replications,
                &comparison.measures
            )
        )?;
    }
    Ok(())
}

/// The progress bar and the files of a run (`--out`, `--trace`).
fn run_sink(
    args: &RunArgs,
    scenario: &crate::scenario::Scenario,
) -> Result<(ProgressBar, CsvSink), AppError> {
    let hours = scenario.simulation.horizon.as_hours().ceil() as u64;
    let bar = progress_bar(scenario.simulation.horizon, args.quiet);
    let out_dir = args.out.as_deref();
    let sink = CsvSink::create(
        out_dir,
        trace_topics(args.trace, scenario),
        on_progress(&bar),
        hours,
    )
    .map_err(io_error(out_dir.unwrap_or(Path::new("."))))?;
    Ok((bar, sink))
}

/// The scenario of `run`, started from `--from-state` if given.
fn load_run(args: &RunArgs) -> Result<Loaded, AppError> {
    let mut loaded = match &args.from_state {
        // The state's lead-in replaces the warm-up: a horizon shorter than
        // the scenario's warm-up ("the next four weeks") is then fine.
        Some(_) => {
            let mut scenario = args.scenario.clone();
            // Last, so that it wins: the lead-in is the warm-up anyway.
            scenario.sets.push("simulation.warmup=0s".into());
            load(&scenario, args.quiet)?
        }
        None => load(&args.scenario, args.quiet)?,
    };
    if let Some(path) = &args.from_state {
        let start = crate::state::load(path, &loaded.scenario).map_err(AppError::Usage)?;
        crate::state::apply(&mut loaded.scenario, start);
    }
    Ok(loaded)
}

fn run_once(args: RunArgs) -> Result<(), AppError> {
    let loaded = load_run(&args)?;
    let scenario = &loaded.scenario;
    let seed = args.seed.unwrap_or(scenario.simulation.seed);
    let _lock = claim_run_out(args.out.as_deref())?;
    let out_dir = args.out.as_deref();
    let (bar, mut sink) = run_sink(&args, scenario)?;
    let summary = simulate(scenario, seed, &mut sink);
    bar.finish_and_clear();
    let sparkline = sink.sparkline.clone();
    let written: Result<(), AppError> = out_dir.map_or(Ok(()), |dir| {
        sink.finish().map_err(io_error(dir))?;
        output::write_summary_json(dir, &summary).map_err(io_error(dir))?;
        if args.report {
            crate::report::write(dir)?;
        }
        Ok(())
    });
    // The table is printed even when a file could not be written: the run
    // itself succeeded, and its figures are not lost with the files.
    let printed = if args.quiet {
        Ok(())
    } else {
        out!("{}", table::render(&summary, Some(&sparkline)))
    };
    written?;
    match summary.engine.stopped_early {
        Some(why) => Err(AppError::StoppedEarly(why)),
        None => printed,
    }
}

/// Creates the `--out` directory if needed and locks it for this process
/// (released when the returned value is dropped).
fn lock_out(out: Option<&Path>) -> Result<Option<DirLock>, AppError> {
    let Some(dir) = out else { return Ok(None) };
    if dir.exists() && !dir.is_dir() {
        return Err(AppError::Usage(format!(
            "--out must be a directory; {} is a file",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    Ok(Some(DirLock::acquire(dir)?))
}

/// Locks a run's `--out` directory (see `lock_out`) and makes it the run's:
/// a sweep's directory is refused, an earlier run's outputs are removed.
fn claim_run_out(out: Option<&Path>) -> Result<Option<DirLock>, AppError> {
    let lock = lock_out(out)?;
    if let Some(dir) = out {
        if [sweep::MANIFEST, sweep::journal::FILE]
            .iter()
            .any(|name| dir.join(name).exists())
        {
            return Err(AppError::Usage(format!(
                "{} holds a sweep: choose another --out for a run (`entraide report {}` redraws the sweep's report)",
                dir.display(),
                dir.display()
            )));
        }
        output::remove_run_outputs(dir).map_err(io_error(dir))?;
    }
    Ok(lock)
}

/// A progress bar over the horizon (in simulated minutes) on stderr,
/// hidden when stderr is not a terminal.
fn progress_bar(horizon: SimDuration, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let minutes = horizon.as_millis() / MS_PER_MINUTE;
    let bar = ProgressBar::with_draw_target(Some(minutes), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} simulating [{bar:40}] day {msg} {elapsed}/{eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

fn check(args: CheckArgs) -> Result<(), AppError> {
    let loaded = load(&args.scenario, false)?;
    let s = &loaded.scenario;
    let staff: u32 = s.staff.teams.iter().map(|t| t.count).sum();
    let days = s.simulation.horizon.as_days();
    out!(
        "{}: ok: \"{}\", {}, {}, {} staff in {}, {} {}\n",
        args.scenario.scenario.display(),
        s.name,
        numbers::plural(s.demand.topics.len() as u64, "topic", "topics"),
        numbers::plural(s.experts.initial as u64, "expert", "experts"),
        numbers::thousands(staff as i64),
        numbers::plural(s.staff.teams.len() as u64, "team", "teams"),
        numbers::fmt_num(days),
        if days == 1.0 { "day" } else { "days" }
    )
}

/// `entraide fit`: read the log, fit, write the scenario and fit.json,
/// and show the main estimates.
fn fit(args: FitArgs) -> Result<(), AppError> {
    use crate::fit::{self, FitError};
    let churn = crate::time::parse_duration(&args.churn)
        .map_err(|e| AppError::Usage(format!("--churn {:?}: {e}", args.churn)))?;
    let options = fit::Options {
        timezone: args.timezone.clone(),
        staff_authors: args.staff_authors.clone(),
        skip_bad_rows: args.skip_bad_rows,
        churn_days: churn.as_hours() / 24.0,
        since: args.since.clone(),
        until: args.until.clone(),
    };
    let (base_tree, base_name) = match &args.base {
        Some(path) => (
            crate::scenario::load_tree(path)?,
            path.display().to_string(),
        ),
        None => (
            toml::from_str(TEMPLATE)
                .map_err(|e| AppError::Failed(format!("the built-in template: {e}")))?,
            "the entraide init template".to_string(),
        ),
    };
    let base = crate::scenario::from_tree(base_tree.clone(), &base_name, &[])?.scenario;
    let log = fit::read_log(&args.log, &options)?;
    let mut result = fit::fit(&log, &base, &options);
    // The written scenario must run as is: read it back as `run` would.
    let render = |result: &fit::Fit| {
        let text = fit::scenario_text(result, &base_tree, &base_name);
        crate::scenario::parse(&text, "scenario.toml", &[])
            .map(|fitted| (text, fitted))
            .map_err(|e| {
                AppError::Failed(format!(
                    "the fitted scenario does not validate (a bug in fit): {e}"
                ))
            })
    };
    let (mut text, mut fitted) = render(&result)?;
    let check_options = fit::CheckOptions {
        replications: args.replications,
        seed: args.seed,
        threads: args.threads,
    };
    if args.replications > 0 {
        fit::calibrate(&mut result, &log, &fitted.scenario, &options, check_options)
            .map_err(AppError::Failed)?;
        (text, fitted) = render(&result)?;
    } else {
        result.not_identified.push(fit::estimate::NotIdentified {
            path: "experts.engagement.daily_decay".into(),
            reason: "calibrated by simulation, which --replications 0 turns off".into(),
        });
    }
    let checked = match args.replications {
        0 => None,
        _ => {
            let check = fit::check(&log, &fitted.scenario, &options, check_options)
                .map_err(AppError::Failed)?;
            let report = fit::report::page(&fit::report::Inputs {
                source: &result.source,
                posts: result.posts,
                threads: result.threads,
                days: result.days,
                log: &check.log,
                simulated: &check.simulated,
                compared: &check.figures,
                seeds: &check.seeds,
            })
            .map_err(AppError::Failed)?;
            Some((check, report))
        }
    };
    let state = args
        .state_at
        .as_deref()
        .map(|at| {
            let at = match at {
                "end" => log.end_ms,
                time => fit::instant(&args.log, &options, "--state-at", time)?,
            };
            let max_wait_hours = match (
                result.get("customers.patience.mean"),
                result.get("customers.patience.sd"),
            ) {
                (Some(mean), Some(sd)) => mean.value() + 2.0 * sd.value(),
                _ => 3.0 * base.customers.patience.mean() / 3_600_000.0,
            };
            Ok::<_, AppError>(fit::state::state_at(
                &log,
                at,
                &base,
                options.churn_days,
                max_wait_hours,
            ))
        })
        .transpose()?;
    fit::write_outputs(
        &result,
        &text,
        checked.as_ref().map(|(c, r)| (c, r.as_str())),
        state.as_ref(),
        &args.out,
    )
    .map_err(|e| FitError::Output(format!("{}: {e}", args.out.display())))?;
    if args.quiet {
        return Ok(());
    }
    out!(
        "{}: {} posts, {} threads over {:.1} days{}\n",
        result.source,
        numbers::thousands(result.posts as i64),
        numbers::thousands(result.threads as i64),
        result.days,
        if result.skipped > 0 {
            format!(" ({} bad rows skipped)", result.skipped)
        } else {
            String::new()
        }
    )?;
    for e in result
        .estimates
        .iter()
        .filter(|e| !matches!(e.value, fit::estimate::Num::Many(_)))
    {
        let ci = e.interval().map_or(String::new(), |(lo, hi)| {
            format!(
                "  [{}, {}]",
                numbers::fmt_num(sig(lo)),
                numbers::fmt_num(sig(hi))
            )
        });
        out!(
            "  {:<48} {:>10}{ci}  n = {}\n",
            e.path,
            numbers::fmt_num(sig(e.value())),
            e.n
        )?;
    }
    out!(
        "{} values not identified (kept from the base); wrote {} and {}\n",
        result.not_identified.len(),
        args.out.join("scenario.toml").display(),
        args.out.join("fit.json").display()
    )?;
    if let Some((check, _)) = &checked {
        let judged: Vec<_> = check
            .figures
            .iter()
            .filter(|c| c.inside.is_some())
            .collect();
        let inside = judged.iter().filter(|c| c.inside == Some(true)).count();
        out!(
            "check: the fitted scenario run {} times; {inside} of {} log figures inside the replications' 95 % prediction interval; wrote {}\n",
            check.seeds.len(),
            judged.len(),
            args.out.join("report.html").display()
        )?;
        for c in judged.iter().filter(|c| c.inside == Some(false)) {
            out!(
                "  outside: {} (log {}, simulated {}, z = {:+.1})\n",
                c.label,
                numbers::fmt_num(sig(c.log)),
                numbers::fmt_num(sig(c.simulated_mean)),
                c.z.unwrap_or(f64::NAN)
            )?;
        }
    }
    Ok(())
}

/// Four significant digits, for the terminal.
fn sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

fn init(args: InitArgs) -> Result<(), AppError> {
    if args.path.is_dir() {
        return Err(AppError::Usage(format!(
            "{} is a directory: give the path of the scenario file to write, e.g. {}",
            args.path.display(),
            args.path.join("scenario.toml").display()
        )));
    }
    if args.path.exists() && !args.force {
        return Err(AppError::Usage(format!(
            "{} already exists: choose another path or pass --force to overwrite it",
            args.path.display()
        )));
    }
    output::atomic::write(&args.path, TEMPLATE.as_bytes()).map_err(io_error(&args.path))?;
    eprintln!(
        "wrote {}; try: entraide run {}",
        args.path.display(),
        args.path.display()
    );
    Ok(())
}

fn validate(args: ValidateArgs) -> Result<(), AppError> {
    if let Some(file) = &args.file {
        return Err(AppError::Usage(format!(
            "validate takes no file; to check a scenario use `entraide check {}`",
            file.display()
        )));
    }
    let duration = |flag: &str, text: &str| -> Result<f64, AppError> {
        parse_duration(text)
            .map(|d| d.as_hours())
            .map_err(|e| AppError::Usage(format!("--{flag}: {e}")))
    };
    let mut effort = if args.quick {
        Effort::QUICK
    } else {
        Effort::FULL
    };
    effort.seed = args.seed;
    if let Some(r) = args.replications {
        if r < 2 {
            return Err(AppError::Usage(
                "--replications: at least 2 are needed for a standard error".into(),
            ));
        }
        effort.replications = r;
    }
    let ad_hoc = args.arrival_rate.is_some();
    let cases = match &args.arrival_rate {
        None => validate::builtin_cases(),
        Some(rate) => {
            let rate = validate::parse_rate(rate)
                .map_err(|e| AppError::Usage(format!("--arrival-rate: {e}")))?;
            let handling = duration("handling-time", args.handling_time.as_deref().unwrap_or(""))?;
            let patience = args
                .patience
                .as_deref()
                .map(|p| duration("patience", p))
                .transpose()?;
            let target = duration("target", args.target.as_deref().unwrap_or("20s"))?;
            let staff = args.staff.unwrap_or(0);
            if staff == 0 {
                return Err(AppError::Usage("--staff: expected at least 1".into()));
            }
            if handling <= 0.0 || patience.is_some_and(|p| p <= 0.0) {
                return Err(AppError::Usage(
                    "--handling-time and --patience must be longer than 0".into(),
                ));
            }
            // Too few customers for the case are refused by `validate::run`,
            // with the minimum it needs.
            effort.customers = args.customers.unwrap_or(1_000_000);
            vec![Case {
                name: "ad hoc".into(),
                arrival_rate_per_hour: rate,
                mean_handling_hours: handling,
                servers: staff,
                mean_patience_hours: patience,
                target_hours: target,
            }]
        }
    };
    let pool = crate::workers::pool(args.threads).map_err(AppError::Failed)?;
    let results =
        pool.install(|| validate::run(&cases, &effort))
            .map_err(|e| match e {
                validate::ValidateError::Theory(m)
                | validate::ValidateError::TooFewCustomers(m) => AppError::Usage(m),
                other => AppError::Failed(other.to_string()),
            })?;
    if args.json {
        let text = if ad_hoc {
            serde_json::to_string_pretty(&results[0])
        } else {
            serde_json::to_string_pretty(&output::validation::SuiteJson::new(&results, &effort))
        }
        .map_err(|e| AppError::Failed(e.to_string()))?;
        out!("{text}\n")?;
    } else {
        out!("{}", output::validation::render(&results))?;
    }
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| !r.pass)
        .map(|r| r.case.name.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(AppError::Failed(format!(
            "the simulation disagrees with theory (|z| > {}) in: {}",
            validate::Z_BOUND,
            failed.join(", ")
        )))
    }
}

fn run_sweep(args: SweepArgs) -> Result<(), AppError> {
    let mut request = match sweep::read_sweep_file(&args.file)? {
        Some(request) => request,
        None => Request {
            scenario: args.file.clone(),
            sets: Vec::new(),
            factors: Vec::new(),
            replications: 10,
            seed: 1,
            shard: None,
            baseline: Vec::new(),
        },
    };
    for spec in &args.vary {
        request
            .factors
            .push(sweep::plan::parse_vary(spec).map_err(AppError::Usage)?);
    }
    request.sets.extend(args.sets.iter().cloned());
    for spec in &args.baseline {
        request.add_baseline(spec)?;
    }
    if let Some(r) = args.replications {
        request.replications = r;
    }
    if let Some(seed) = args.seed {
        request.seed = seed;
    }
    request.shard = args
        .shard
        .as_deref()
        .map(sweep::plan::parse_shard)
        .transpose()
        .map_err(AppError::Usage)?;
    if args.threads == Some(0) {
        return Err(AppError::Usage("--threads: expected at least 1".into()));
    }
    let scenario_file = request.scenario.clone();
    let prepared = Sweep::prepare(request)?;
    if !args.quiet {
        for warning in &prepared.warnings {
            eprintln!("warning: {}: {warning}", scenario_file.display());
        }
    }
    let m = &prepared.manifest;
    if args.check {
        return out!(
            "{}: ok: {} points x {} replications = {} runs{}\n",
            args.file.display(),
            m.points,
            m.plan.replications,
            m.runs,
            m.shard
                .map(|[i, n]| format!(" (shard {i}/{n}: {} runs)", m.run_range[1] - m.run_range[0]))
                .unwrap_or_default()
        );
    }
    let Some(out) = args.out.as_deref() else {
        return Err(AppError::Usage("sweep: --out DIR is required".into()));
    };
    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(
            Some(m.run_range[1] - m.run_range[0]),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:40}] {pos}/{len} runs {elapsed}, ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    };
    // A missing directory with --resume is refused by `run` below; there
    // is nothing to lock.
    let _lock = if args.resume && !out.is_dir() {
        None
    } else {
        lock_out(Some(out))?
    };
    // Known before the run, which leaves a finished sweep's files as they
    // are: the journal was gone, so every run was already in the tables.
    let finished_before = args.resume && sweep::is_finished(out);
    let simulated = prepared.run(out, args.resume, args.threads, &mut |done, _| {
        bar.set_position(done)
    })?;
    bar.finish_and_clear();
    if args.report {
        report::write(out)?;
    }
    if finished_before {
        if !args.quiet {
            eprintln!(
                "{}: nothing to do: all {} runs were already done; runs.csv, points.csv and sweep.json left as they were",
                out.display(),
                m.run_range[1] - m.run_range[0]
            );
        }
    } else if !args.quiet {
        eprintln!(
            "{}: {} runs ({} points x {} replications{}), {simulated} simulated now; wrote runs.csv, points.csv, points_long.csv, sweep.json",
            out.display(),
            m.run_range[1] - m.run_range[0],
            m.points,
            m.plan.replications,
            m.shard
                .map(|[i, n]| format!(", shard {i}/{n}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn merge(args: MergeArgs) -> Result<(), AppError> {
    sweep::merge(&args.dirs, &args.out)?;
    Ok(())
}

fn write_report(args: &ReportArgs) -> Result<(), AppError> {
    let path = report::write(&args.dir)?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// `bench`: every case measured in child processes of this binary, then
/// the table or the JSON document, and the comparison with `--compare`.
/// The old file is read first, so a bad one fails before minutes of
/// benchmarking.
fn run_bench(args: BenchArgs) -> Result<(), AppError> {
    let options = bench::Options::new(args.cases.as_deref(), args.repeat, args.threads, args.quick)
        .map_err(AppError::Usage)?;
    let old = args
        .compare
        .as_deref()
        .map(bench::compare::read)
        .transpose()
        .map_err(AppError::Usage)?;
    if let Some(path) = &args.save {
        check_save_path(path)?;
    }
    let mut report = match &args.new {
        // Two stored files: nothing to run.
        Some(new) => bench::compare::read(new)
            .map_err(|e| AppError::Usage(e.replacen("--compare", "--new", 1)))?,
        None => measure_bench(&options)?,
    };
    if let (Some(old), Some(path)) = (&old, &args.compare) {
        report.compared_with = Some(bench::compare::compare(
            &path.display().to_string(),
            old,
            &report,
        ));
    }
    let json =
        serde_json::to_string_pretty(&report).map_err(|e| AppError::Failed(e.to_string()))?;
    if let Some(path) = &args.save {
        output::atomic::write(path, format!("{json}\n").as_bytes()).map_err(io_error(path))?;
    }
    if args.json {
        out!("{json}\n")
    } else {
        out!("{}", report.render())
    }
}

/// `--save FILE` is checked before the cases run, not after: a file in a
/// directory that exists, not a directory.
fn check_save_path(path: &Path) -> Result<(), AppError> {
    if path.is_dir() {
        return Err(AppError::Usage(format!(
            "--save {}: a directory; give the path of the JSON file to write, e.g. {}",
            path.display(),
            path.join("bench.json").display()
        )));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent.filter(|d| !d.is_dir()) {
        return Err(AppError::Usage(format!(
            "--save {}: the directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// The cases of `options` measured, with a progress line on stderr when
/// it is a terminal.
fn measure_bench(options: &bench::Options) -> Result<bench::Report, AppError> {
    let exe = std::env::current_exe()
        .map_err(|e| AppError::Failed(format!("cannot find this program's path: {e}")))?;
    let show = std::io::stderr().is_terminal();
    let report = bench::run(options, &exe, &mut |case, done, total| {
        if show {
            eprint!("\rbench: {case} {}/{total}    ", done + 1);
        }
    });
    if show {
        eprint!("\r{:60}\r", "");
    }
    report.map_err(AppError::Failed)
}

/// The hidden `bench-case NAME`: one measurement, one JSON line.
fn bench_case(args: &BenchCaseArgs) -> Result<(), AppError> {
    let case = bench::cases::find(&args.case).ok_or_else(|| {
        AppError::Usage(format!(
            "bench-case: {:?} is not a case; the cases are {}",
            args.case,
            bench::cases::names().join(", ")
        ))
    })?;
    let sample =
        bench::measure::measure(case, args.quick, args.threads.max(1)).map_err(AppError::Failed)?;
    let line = serde_json::to_string(&sample).map_err(|e| AppError::Failed(e.to_string()))?;
    out!("{line}\n")
}

/// With `--trace`, the scenario's topic names (for `posts.csv`).
fn trace_topics(trace: bool, scenario: &crate::scenario::Scenario) -> Option<Vec<String>> {
    trace.then(|| {
        scenario
            .demand
            .topics
            .iter()
            .map(|t| t.name.clone())
            .collect()
    })
}

/// `entraide plan`: validates the request, runs the search, writes and
/// prints what it found.
fn plan(args: PlanArgs) -> Result<(), AppError> {
    use crate::plan::{self, PlanError, report, targets};
    let loaded = load(&args.scenario, args.quiet)?;
    let mut scenario = loaded.scenario;
    let targets = targets::parse_all(&args.targets).map_err(AppError::Usage)?;
    targets::add_response_targets(&mut scenario, &targets);
    if !(args.confidence > 0.5 && args.confidence < 1.0) {
        return Err(AppError::Usage(format!(
            "--confidence: expected a probability above 0.5 and below 1 (got {})",
            args.confidence
        )));
    }
    if args.first_stage < 2 {
        return Err(AppError::Usage(format!(
            "--first-stage: expected at least 2 replications (got {}): a check needs a variance",
            args.first_stage
        )));
    }
    if args.max_replications < args.first_stage || args.max_replications > 100_000 {
        return Err(AppError::Usage(format!(
            "--max-replications: expected from --first-stage ({}) to 100000 (got {})",
            args.first_stage, args.max_replications
        )));
    }
    if args.threads == Some(0) {
        return Err(AppError::Usage("--threads: expected at least 1".into()));
    }
    let names: Vec<&str> = scenario
        .staff
        .teams
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    let team_index = |name: &str, flag: &str| {
        names.iter().position(|n| *n == name.trim()).ok_or_else(|| {
            AppError::Usage(format!(
                "{flag}: no team `{}` in the scenario; its teams: {}",
                name.trim(),
                names.join(", ")
            ))
        })
    };
    let teams = if args.teams.is_empty() {
        (0..names.len()).collect()
    } else {
        let mut teams = args
            .teams
            .iter()
            .map(|n| team_index(n, "--teams"))
            .collect::<Result<Vec<_>, _>>()?;
        teams.sort();
        teams.dedup();
        teams
    };
    if teams.is_empty() {
        return Err(AppError::Usage(format!(
            "{}: the scenario has no staff team to plan",
            args.scenario.scenario.display()
        )));
    }
    let mut weights = vec![1.0; names.len()];
    for w in &args.weights {
        let (name, value) = w.split_once('=').ok_or_else(|| {
            AppError::Usage(format!(
                "--weight {w:?}: expected TEAM=W, e.g. --weight technical=1.5"
            ))
        })?;
        let weight: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x > 0.0)
            .ok_or_else(|| {
                AppError::Usage(format!(
                    "--weight {w:?}: expected a number above 0 after `=`"
                ))
            })?;
        weights[team_index(name, "--weight")?] = weight;
    }
    let mut delays = Vec::new();
    for d in &args.delays {
        let delay =
            parse_duration(d).map_err(|e| AppError::Usage(format!("--delays {d:?}: {e}")))?;
        if !delays.contains(&delay) {
            delays.push(delay);
        }
    }
    if delays.is_empty() {
        delays.push(scenario.policy.intervention_delay);
    }
    let options = plan::Options {
        delays,
        teams,
        weights,
        confidence: args.confidence,
        seed: args.seed.unwrap_or(scenario.simulation.seed),
        first_stage: args.first_stage,
        max_replications: args.max_replications,
        start: match args.start {
            PlanStart::Analytic => plan::Start::Analytic,
            PlanStart::Scenario => plan::Start::Scenario,
        },
        threads: args.threads,
    };
    // The scenario's tree with the overrides, for the recommended file.
    let mut tree = scenario::load_tree(&args.scenario.scenario)?;
    for set in &args.scenario.sets {
        scenario::overrides::apply(&mut tree, set)
            .map_err(|p| AppError::Usage(format!("--set {set}: {}", p.message)))?;
    }
    let _lock = lock_out(args.out.as_deref())?;
    // What the runs depend on (not the thread count): a journal of another
    // request is refused, one of this request resumes.
    let fingerprint = {
        let tree_text = toml::to_string(&tree).map_err(|e| AppError::Failed(e.to_string()))?;
        let canonical: Vec<String> = targets.iter().map(|t| t.canonical()).collect();
        let request = format!(
            "{}\n{tree_text}\n{canonical:?}\n{:?} {:?} {:?} {} {} {} {} {:?}",
            env!("CARGO_PKG_VERSION"),
            options.delays,
            options.teams,
            options.weights,
            options.confidence,
            options.seed,
            options.first_stage,
            options.max_replications,
            options.start,
        );
        crate::sweep::plan::fnv1a(request.as_bytes())
    };
    let (mut journal, kept) = match &args.out {
        Some(dir) => {
            let (j, kept) = open_plan_journal(dir, fingerprint, targets.len(), args.quiet)?;
            (Some(j), kept)
        }
        None => (None, plan::journal::Kept::new()),
    };
    let mut record = |stream: u32, p: &plan::Plan, first: usize, batch: &[plan::Observation]| {
        let Some((j, path, line)) = journal.as_mut() else {
            return Ok(());
        };
        let rows = batch
            .iter()
            .enumerate()
            .map(|(i, o)| plan::journal::row(stream, p, first + i, o))
            .chain([plan::journal::batch_end(stream, p, first + batch.len())]);
        for row in rows {
            *line += 1;
            j.append(*line, &row)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    };
    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        // The length is an estimate of the runs the search will take
        // (`Planner::expected_runs`), revised as it goes: so is the ETA.
        let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} plan [{bar:30}] {pos}/~{len} runs, {msg}, {elapsed} (about {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    };
    let mut on_progress = |p: plan::Progress| {
        bar.set_length(p.expected.max(p.runs));
        bar.set_position(p.runs);
        if let Some(step) = p.step {
            bar.set_message(step.to_string());
        }
    };
    let outcome = plan::run(
        &scenario,
        &targets,
        &options,
        &mut on_progress,
        plan::Resume {
            kept,
            record: Some(&mut record),
        },
    )
    .map_err(|e| match e {
        PlanError::Input(m) => AppError::Usage(m),
        PlanError::Failed(m) => AppError::Failed(m),
    })?;
    bar.finish_and_clear();
    if let Some((j, path, _)) = journal.as_mut() {
        j.sync().map_err(io_error(path))?;
    }
    let json = report::plan_json(&scenario, &targets, &options, &outcome);
    let text =
        serde_json::to_string_pretty(&json).map_err(|e| AppError::Failed(e.to_string()))? + "\n";
    if let Some(dir) = &args.out {
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.join(name);
            output::atomic::write(&path, bytes).map_err(io_error(&path))
        };
        write("plan.json", text.as_bytes())?;
        write(
            "candidates.csv",
            report::candidates_csv(&scenario, &targets, &outcome).as_bytes(),
        )?;
        write("frontier.csv", report::frontier_csv(&json).as_bytes())?;
        if let Some(best) = outcome.recommended() {
            let command = format!("entraide plan {}", args.scenario.scenario.display());
            let toml =
                report::scenario_toml(&tree, &scenario, &outcome.blocks, &best.plan, &command)
                    .map_err(AppError::Failed)?;
            write("scenario.toml", toml.as_bytes())?;
        }
        if args.report {
            crate::report::write(dir)?;
        }
    }
    if args.json {
        out!("{text}")
    } else {
        out!("{}", report::render(&json, &targets))
    }
}

/// Opens `DIR/plan.journal` for appending: the observations it keeps (its
/// whole, checksummed lines, read with the sweep journal's `scan`), or an
/// input error if another request wrote it; a new journal gets its header.
/// Returns the journal, its path and its line count, and what it kept.
fn open_plan_journal(
    dir: &Path,
    fingerprint: u64,
    targets: usize,
    quiet: bool,
) -> Result<
    (
        (sweep::journal::Journal, PathBuf, u64),
        crate::plan::journal::Kept,
    ),
    AppError,
> {
    use crate::plan::journal;
    let path = dir.join(journal::FILE);
    let (entries, valid) = sweep::journal::scan(&path).map_err(io_error(&path))?;
    let text = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io_error(&path)(e)),
    };
    // One row per entry (an unreadable one ends what is read there).
    let rows: Vec<&str> = entries
        .iter()
        .map(|e| {
            let start = e.offset as usize;
            text.get(start..start + e.len as usize)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or("")
        })
        .collect();
    let (kept, used) = journal::read(&rows, fingerprint, targets).map_err(|why| {
        AppError::Usage(format!(
            "{}: {why}; choose another --out, or remove the file to start this plan afresh",
            path.display()
        ))
    })?;
    // Appends after the last whole batch: a part batch's rows are run
    // again, and written again.
    let valid = match used {
        0 => valid,
        n if n < entries.len() => entries[n - 1].line_end(),
        _ => valid,
    };
    let mut j = sweep::journal::Journal::open(&path, valid).map_err(io_error(&path))?;
    if used == 0 {
        j.append(0, &journal::header(fingerprint))
            .map_err(io_error(&path))?;
    }
    if !kept.is_empty() && !quiet {
        let n: usize = kept.values().map(|v| v.len()).sum();
        eprintln!("resuming: {n} replications kept in {}", path.display());
    }
    let lines = used as u64;
    Ok(((j, path, lines), kept))
}
