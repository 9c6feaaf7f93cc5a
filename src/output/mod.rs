//! Output formats, one file each: the terminal table, JSON, CSV streams;
//! the atomic file writer they share, and the lock on an output directory.

pub mod atomic;
pub mod bands;
pub mod csv_sink;
pub mod lock;
pub mod posts_csv;
pub mod replications;
pub mod table;
pub mod validation;

use crate::metrics::summary::Summary;
use std::io;
use std::path::Path;

/// Every file `run --out DIR` may write. A run first removes those of an
/// earlier run, so that DIR never shows one run's summary beside another's
/// questions; files not on this list are left alone.
pub const RUN_FILES: [&str; 8] = [
    "summary.json",
    "timeseries.csv",
    "questions.csv",
    "posts.csv",
    "replications.csv",
    bands::HOURLY_FILE,
    bands::DAILY_FILE,
    "report.html",
];

/// Removes the outputs of an earlier run from `dir` (see `RUN_FILES`).
pub fn remove_run_outputs(dir: &Path) -> io::Result<()> {
    for name in RUN_FILES {
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Writes `summary.json` atomically (a reader never sees half a file).
pub fn write_summary_json(dir: &Path, summary: &Summary) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
    text.push('\n');
    atomic::write(&dir.join("summary.json"), text.as_bytes())
}

/// Writes the outputs of a replicated run: `summary.json` (means, with
/// `ci95` and `replications`) and `replications.csv`, atomically.
pub fn write_replicated(
    dir: &Path,
    summary: &serde_json::Value,
    replications_csv: &str,
) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
    text.push('\n');
    atomic::write(&dir.join("replications.csv"), replications_csv.as_bytes())?;
    atomic::write(&dir.join("summary.json"), text.as_bytes())
}

/// Writes the bands of a replicated run (`timeseries_bands.csv` by hour,
/// `timeseries_bands_daily.csv` by day), atomically.
pub fn write_bands(dir: &Path, replications: &[bands::HourSeries]) -> io::Result<()> {
    for (name, hours) in [(bands::HOURLY_FILE, 1), (bands::DAILY_FILE, 24)] {
        atomic::write(
            &dir.join(name),
            bands::table(replications, hours).as_bytes(),
        )?;
    }
    Ok(())
}
