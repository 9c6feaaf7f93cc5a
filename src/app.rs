//! The application layer: the only code that touches files, the terminal
//! and the process. Each command reads its inputs, calls the pure core,
//! and writes its outputs.

use crate::cli::{CheckArgs, Cli, Command, InitArgs, RunArgs, ScenarioArgs};
use crate::model::simulate;
use crate::output::{self, csv_sink::CsvSink, table};
use crate::scenario::{self, Loaded, ScenarioError};
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
}

impl AppError {
    /// 2 for anything the user can fix in their input, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Scenario(_) | AppError::Usage(_) => 2,
            AppError::Io { .. } | AppError::StoppedEarly(_) => 1,
        }
    }
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
        Command::Check(args) => check(args),
        Command::Init(args) => init(args),
    }
}

fn load(args: &ScenarioArgs, quiet: bool) -> Result<Loaded, AppError> {
    let loaded = scenario::load(&args.scenario, &args.sets)?;
    if !quiet {
        for warning in &loaded.warnings {
            eprintln!("warning: {}: {warning}", args.scenario.display());
        }
    }
    Ok(loaded)
}

fn run(args: RunArgs) -> Result<(), AppError> {
    let loaded = load(&args.scenario, args.quiet)?;
    let scenario = &loaded.scenario;
    let seed = args.seed.unwrap_or(scenario.simulation.seed);
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    }
    let hours = scenario.simulation.horizon.as_hours().ceil() as u64;
    let bar = progress_bar(hours, args.quiet);
    let on_hour = {
        let bar = bar.clone();
        Box::new(move |hour: u64| {
            if hour % 24 == 0 {
                bar.set_position(hour);
                bar.set_message((hour / 24).to_string());
            }
        })
    };
    let out_dir = args.out.as_deref();
    let mut sink = CsvSink::create(out_dir, args.trace, on_hour)
        .map_err(io_error(out_dir.unwrap_or(Path::new("."))))?;
    let summary = simulate(scenario, seed, &mut sink);
    bar.finish_and_clear();
    if let Some(dir) = out_dir {
        sink.finish().map_err(io_error(dir))?;
        output::write_summary_json(dir, &summary).map_err(io_error(dir))?;
    }
    if !args.quiet {
        print!("{}", table::render(&summary));
    }
    match summary.engine.stopped_early {
        Some(why) => Err(AppError::StoppedEarly(why)),
        None => Ok(()),
    }
}

/// A progress bar on stderr, hidden when stderr is not a terminal.
fn progress_bar(hours: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(hours), ProgressDrawTarget::stderr());
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
    println!(
        "{}: ok: \"{}\", {} topics, {} experts, {} staff in {} teams, {} days",
        args.scenario.scenario.display(),
        s.name,
        s.demand.topics.len(),
        s.experts.initial,
        staff,
        s.staff.teams.len(),
        s.simulation.horizon.as_days()
    );
    Ok(())
}

fn init(args: InitArgs) -> Result<(), AppError> {
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
