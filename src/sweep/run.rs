//! Running a sweep: the pending runs simulated on rayon workers, each
//! finished row appended to the journal by the main thread as it arrives,
//! then `runs.csv` and `points.csv` written from the journal.

use super::journal::{self, Journal};
use super::prepare::Sweep;
use super::{SweepError, io_at, measures, tables};
use crate::model::{NoObserver, simulate};
use rayon::prelude::*;
use std::path::Path;

impl Sweep {
    /// Runs what is left to run in `dir` (all of it for a new sweep) on
    /// `threads` workers, calling `progress(done, total)` as runs finish;
    /// then writes runs.csv and points.csv. Returns how many runs this call
    /// simulated.
    pub fn run(
        &self,
        dir: &Path,
        resume: bool,
        threads: Option<usize>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64, SweepError> {
        self.claim_directory(dir, resume)?;
        let journal_path = dir.join(journal::FILE);
        if super::resume::is_finished(dir) {
            return Ok(0);
        }
        let [start, end] = self.manifest.run_range;
        let total = end - start;
        let (pending, valid_len) = self.pending_runs(&journal_path)?;
        let mut finished = total - pending.len() as u64;
        progress(finished, total);
        let mut journal = Journal::open(&journal_path, valid_len).map_err(io_at(&journal_path))?;
        let pool = crate::workers::pool(threads).map_err(SweepError::Failed)?;
        let (tx, rx) = std::sync::mpsc::channel::<(u64, String)>();
        let simulated = pending.len() as u64;
        // Set on the first error, so workers stop taking new runs instead
        // of simulating the rest of the sweep for nothing.
        let stop = std::sync::atomic::AtomicBool::new(false);
        let stop = &stop;
        std::thread::scope(|scope| -> Result<(), SweepError> {
            scope.spawn(move || {
                pool.install(|| {
                    pending.par_iter().for_each_with(tx, |tx, &run| {
                        if !stop.load(std::sync::atomic::Ordering::Relaxed) {
                            let _ = tx.send(self.simulate_run(run));
                        }
                    })
                })
            });
            let result = (|| {
                for (run, row) in rx.iter() {
                    journal.append(run, &row).map_err(io_at(&journal_path))?;
                    finished += 1;
                    progress(finished, total);
                }
                Ok(())
            })();
            if result.is_err() {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            result
        })?;
        journal.sync().map_err(io_at(&journal_path))?;
        self.finish(dir)?;
        Ok(simulated)
    }

    fn simulate_run(&self, run: u64) -> (u64, String) {
        let plan = &self.manifest.plan;
        let (point, replication) = plan.run_of(run);
        let summary = simulate(
            self.scenario_of(point),
            plan.run_seed(replication),
            &mut NoObserver,
        );
        let values = measures::values(&summary, &self.manifest.targets);
        (run, tables::run_row(&self.layout, plan, run, &values))
    }

    /// Writes runs.csv and points.csv from the journal, then drops it.
    fn finish(&self, dir: &Path) -> Result<(), SweepError> {
        let journal_path = dir.join(journal::FILE);
        let (entries, _) = journal::scan(&journal_path).map_err(io_at(&journal_path))?;
        let [start, end] = self.manifest.run_range;
        if entries.len() as u64 != end - start {
            return Err(SweepError::Failed(format!(
                "{}: {} runs readable in the journal, {} expected: it was damaged; nothing written (run again with --resume)",
                journal_path.display(),
                entries.len(),
                end - start
            )));
        }
        let header = tables::runs_header(&self.layout, &self.manifest.plan, &self.manifest.targets);
        tables::write_runs(dir, &header, &journal_path, entries).map_err(io_at(dir))?;
        tables::write_points(dir, &self.manifest.plan, &self.manifest.targets)
            .map_err(io_at(dir))?;
        std::fs::remove_file(&journal_path).map_err(io_at(&journal_path))
    }
}
