//! Output formats, one file each: the terminal table, JSON, CSV streams;
//! and the atomic file writer they share.

pub mod atomic;
pub mod csv_sink;
pub mod table;
pub mod validation;

use crate::metrics::summary::Summary;
use std::io;
use std::path::Path;

/// Writes `summary.json` atomically (a reader never sees half a file).
pub fn write_summary_json(dir: &Path, summary: &Summary) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
    text.push('\n');
    atomic::write(&dir.join("summary.json"), text.as_bytes())
}
