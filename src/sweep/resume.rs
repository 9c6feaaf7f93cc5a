//! Resuming a sweep: claiming its directory (a new one, or with `--resume`
//! one holding the same plan) and working out from the journal which runs
//! are left to do.

use super::journal;
use super::manifest::{MANIFEST, describe_difference, read_manifest, same_sweep, write_manifest};
use super::prepare::Sweep;
use super::{SweepError, io_at};
use std::path::Path;

/// Whether the sweep in `dir` finished before: its tables are written and
/// its journal is gone (the journal is removed only after the tables are
/// written), so a `--resume` has nothing to run or rewrite.
pub fn is_finished(dir: &Path) -> bool {
    !dir.join(journal::FILE).exists() && dir.join(super::tables::RUNS).exists()
}

impl Sweep {
    /// Makes `dir` this sweep's: new (writes sweep.json) or, with
    /// `resume`, the same plan's.
    pub(super) fn claim_directory(&self, dir: &Path, resume: bool) -> Result<(), SweepError> {
        let manifest_path = dir.join(MANIFEST);
        let display = dir.display();
        if manifest_path.exists() {
            if !resume {
                return Err(SweepError::Usage(format!(
                    "{display} already holds a sweep: add --resume to finish it, or choose another --out"
                )));
            }
            let found = read_manifest(dir)?;
            if !same_sweep(&found, &self.manifest) {
                return Err(SweepError::Usage(format!(
                    "{display} holds a different sweep ({}); refusing to resume into it: use the same scenario, --vary, --set, --replications, --seed and --shard, or another --out",
                    describe_difference(&found, &self.manifest)
                )));
            }
            return Ok(());
        }
        if resume {
            return Err(SweepError::Usage(format!(
                "{display} holds no sweep to resume (no {MANIFEST})"
            )));
        }
        std::fs::create_dir_all(dir).map_err(io_at(dir))?;
        // The lock the app holds on `dir` does not count.
        let not_empty = std::fs::read_dir(dir)
            .map_err(io_at(dir))?
            .filter_map(Result::ok)
            .any(|e| e.file_name() != crate::output::lock::LOCK_FILE);
        if not_empty {
            return Err(SweepError::Usage(format!(
                "{display} is not empty and holds no sweep: choose an empty or new directory"
            )));
        }
        write_manifest(dir, &self.manifest)
    }

    /// The runs of this sweep's range not yet in the journal at
    /// `journal_path`, in run order, and the length of the journal's valid
    /// prefix (a torn last line is cut off and its run done again).
    /// Refuses a journal that names runs outside the range, or one run
    /// twice with different rows (exact copies are skipped by `scan`).
    pub(super) fn pending_runs(&self, journal_path: &Path) -> Result<(Vec<u64>, u64), SweepError> {
        let (done_entries, valid_len) = journal::scan(journal_path).map_err(io_at(journal_path))?;
        let [start, end] = self.manifest.run_range;
        let total = end - start;
        // The line of each run found so far (0: not found).
        let mut done = vec![0u64; total as usize];
        let path = journal_path.display();
        for &journal::Entry { run, line, .. } in &done_entries {
            if run < start || run >= end {
                return Err(SweepError::Failed(format!(
                    "{path}:{line}: run {run} is outside this sweep (runs {start} to {}): the journal does not belong to this plan; move it away to run the sweep again from the start with --resume",
                    end - 1
                )));
            }
            let first = done[(run - start) as usize];
            if first > 0 {
                return Err(SweepError::Failed(format!(
                    "{path}: run {run} is twice in it with different results (lines {first} and {line}), so the journal was edited or mixed with another's: delete one of the two lines (or both, to run it again) and rerun with --resume"
                )));
            }
            done[(run - start) as usize] = line;
        }
        let pending: Vec<u64> = (start..end)
            .filter(|r| done[(r - start) as usize] == 0)
            .collect();
        Ok((pending, valid_len))
    }
}
