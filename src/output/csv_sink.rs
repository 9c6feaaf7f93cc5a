//! Streams `timeseries.csv` (one row per simulated hour) and, with
//! `--trace`, `questions.csv` (one row per question) while the run goes,
//! so memory does not grow with the horizon. Both are committed atomically
//! at the end. The first I/O error is kept and reported after the run (the
//! simulation core has no I/O error path by design).

use super::atomic::AtomicFile;
use super::table::Sparkline;
use crate::metrics::summary::{HourRow, QuestionRow};
use crate::model::Observer;
use crate::time::{MS_PER_HOUR, SimTime};
use std::io;
use std::path::Path;

pub struct CsvSink {
    hours: Option<csv::Writer<AtomicFile>>,
    questions: Option<csv::Writer<AtomicFile>>,
    error: Option<io::Error>,
    /// Called with the simulated time after each hour row and every few
    /// thousand events (progress).
    on_progress: Box<dyn FnMut(SimTime) + Send>,
    /// The backlog over the run, for the terminal.
    pub sparkline: Sparkline,
}

impl CsvSink {
    pub fn create(
        dir: Option<&Path>,
        trace: bool,
        on_progress: Box<dyn FnMut(SimTime) + Send>,
        total_hours: u64,
    ) -> io::Result<CsvSink> {
        let open = |name: &str| -> io::Result<csv::Writer<AtomicFile>> {
            let dir = dir.ok_or_else(|| io::Error::other("no output directory"))?;
            Ok(csv::Writer::from_writer(AtomicFile::create(
                &dir.join(name),
            )?))
        };
        Ok(CsvSink {
            hours: dir.map(|_| open(HOURS)).transpose()?,
            questions: if trace { Some(open(QUESTIONS)?) } else { None },
            error: None,
            on_progress,
            sparkline: Sparkline::new(total_hours, 60),
        })
    }

    fn keep_error(&mut self, file: &str, result: Result<(), csv::Error>) {
        if let Err(e) = result
            && self.error.is_none()
        {
            self.error = Some(named(file, io::Error::from(e)));
        }
    }

    /// Flushes and commits the files, or returns the first error met.
    pub fn finish(self) -> io::Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        for (file, writer) in [(HOURS, self.hours), (QUESTIONS, self.questions)] {
            if let Some(writer) = writer {
                writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(AtomicFile::commit)
                    .map_err(|e| named(file, e))?;
            }
        }
        Ok(())
    }
}

const HOURS: &str = "timeseries.csv";
const QUESTIONS: &str = "questions.csv";

/// The error with the file it happened in (the caller adds the directory).
fn named(file: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{file}: {error}"))
}

impl Observer for CsvSink {
    fn hour(&mut self, row: &HourRow) {
        self.sparkline.add(row.hour, row.backlog_mean);
        if let Some(w) = self.hours.as_mut() {
            let result = w.serialize(row);
            self.keep_error(HOURS, result);
        }
        (self.on_progress)(SimTime((row.hour + 1) * MS_PER_HOUR));
    }

    fn progress(&mut self, now: SimTime) {
        (self.on_progress)(now);
    }

    fn question(&mut self, row: &QuestionRow) {
        if let Some(w) = self.questions.as_mut() {
            let result = w.serialize(row);
            self.keep_error(QUESTIONS, result);
        }
    }

    fn wants_questions(&self) -> bool {
        self.questions.is_some()
    }
}
