//! `entraide report DIR`: a self-contained HTML report (`DIR/report.html`)
//! of a run's or a sweep's output, for people who will not read JSON:
//! inline SVG charts (plotters' SVG backend), inline CSS, no script, no
//! request to any other host; written atomically.

pub mod charts;
pub mod html;
mod labels;
mod plan;
mod run;
mod sweep;

use crate::metrics::summary::Summary;
use crate::output::atomic;
use std::path::{Path, PathBuf};

pub const FILE: &str = "report.html";

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "{0} holds no run, sweep or plan output (no summary.json, sweep.json or plan.json): run `entraide run SCENARIO --out DIR`, `entraide sweep ... --out DIR` or `entraide plan ... --out DIR` first"
    )]
    Empty(String),
    #[error("{file}: {message}")]
    Corrupt { file: String, message: String },
    #[error("{0}")]
    Chart(String),
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl ReportError {
    pub fn exit_code(&self) -> u8 {
        match self {
            ReportError::Empty(_) | ReportError::Corrupt { .. } => 2,
            ReportError::Chart(_) | ReportError::Io { .. } => 1,
        }
    }
}

/// An input file that is not what entraide wrote.
fn corrupt(path: &Path, message: impl Into<String>) -> ReportError {
    ReportError::Corrupt {
        file: path.display().to_string(),
        message: message.into(),
    }
}

/// A CSV file read whole (reports are made once, after the run): its
/// header and its rows. Any problem names the file.
fn read_csv(path: &Path) -> Result<(csv::StringRecord, Vec<csv::StringRecord>), ReportError> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| corrupt(path, e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| corrupt(path, e.to_string()))?
        .clone();
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| corrupt(path, e.to_string()))?;
    if rows.is_empty() {
        return Err(corrupt(path, "no rows"));
    }
    Ok((headers, rows))
}

/// Writes `dir/report.html`; returns its path.
pub fn write(dir: &Path) -> Result<PathBuf, ReportError> {
    let page = if dir.join(crate::sweep::MANIFEST).exists() {
        let manifest = crate::sweep::read_manifest(dir).map_err(|e| ReportError::Corrupt {
            file: dir.join(crate::sweep::MANIFEST).display().to_string(),
            message: e.to_string(),
        })?;
        if !dir.join("points.csv").exists() {
            return Err(ReportError::Corrupt {
                file: dir.join("points.csv").display().to_string(),
                message: "missing: the sweep is not finished (resume it with --resume)".into(),
            });
        }
        sweep::build(&manifest, dir)?
    } else if dir.join("plan.json").exists() {
        let path = dir.join("plan.json");
        let text = std::fs::read_to_string(&path).map_err(|error| ReportError::Io {
            path: path.clone(),
            error,
        })?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| ReportError::Corrupt {
                file: path.display().to_string(),
                message: format!("not a plan.json written by entraide plan ({e})"),
            })?;
        plan::build(&json, &path.display().to_string())?
    } else if dir.join("summary.json").exists() {
        let path = dir.join("summary.json");
        let text = std::fs::read_to_string(&path).map_err(|error| ReportError::Io {
            path: path.clone(),
            error,
        })?;
        let not_ours = |e: serde_json::Error| ReportError::Corrupt {
            file: path.display().to_string(),
            message: format!("not a summary.json written by entraide run ({e})"),
        };
        let summary: Summary = crate::replicate::read_summary(&text).map_err(not_ours)?;
        let tree: serde_json::Value = serde_json::from_str(&text).map_err(not_ours)?;
        run::build(dir, &summary, run::Replicated::of(&tree).as_ref())?
    } else {
        return Err(ReportError::Empty(dir.display().to_string()));
    };
    let path = dir.join(FILE);
    atomic::write(&path, page.render().as_bytes()).map_err(|error| ReportError::Io {
        path: path.clone(),
        error,
    })?;
    Ok(path)
}
