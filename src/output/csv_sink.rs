//! Streams `timeseries.csv` (one row per simulated hour) and, with
//! `--trace`, `questions.csv` (one row per question) and `posts.csv` (one
//! row per public post, `posts_csv`) while the run goes,
//! so memory does not grow with the horizon. Both are committed atomically
//! at the end. The first I/O error is kept and reported after the run (the
//! simulation core has no I/O error path by design).

use super::atomic::AtomicFile;
use super::posts_csv::PostWriter;
use super::table::Sparkline;
use crate::metrics::summary::{HourRow, QuestionRow};
use crate::model::Observer;
use crate::posts::Post;
use crate::time::{MS_PER_HOUR, SimTime};
use std::io;
use std::path::Path;

pub struct CsvSink {
    hours: Option<csv::Writer<AtomicFile>>,
    questions: Option<csv::Writer<AtomicFile>>,
    posts: Option<PostWriter<AtomicFile>>,
    error: Option<io::Error>,
    /// Called with the simulated time after each hour row and every few
    /// thousand events (progress).
    on_progress: Box<dyn FnMut(SimTime) + Send>,
    /// The backlog over the run, for the terminal.
    pub sparkline: Sparkline,
}

impl CsvSink {
    /// `trace`: the scenario's topic names, to write `questions.csv` and
    /// `posts.csv` too.
    pub fn create(
        dir: Option<&Path>,
        trace: Option<Vec<String>>,
        on_progress: Box<dyn FnMut(SimTime) + Send>,
        total_hours: u64,
    ) -> io::Result<CsvSink> {
        let file = |name: &str| -> io::Result<AtomicFile> {
            let dir = dir.ok_or_else(|| io::Error::other("no output directory"))?;
            AtomicFile::create(&dir.join(name))
        };
        let open = |name: &str| file(name).map(csv::Writer::from_writer);
        let (questions, posts) = match trace {
            Some(topics) => (
                Some(open(QUESTIONS)?),
                Some(PostWriter::new(file(POSTS)?, topics)),
            ),
            None => (None, None),
        };
        Ok(CsvSink {
            hours: dir.map(|_| open(HOURS)).transpose()?,
            questions,
            posts,
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
        let posts = self.posts.map(PostWriter::into_inner).transpose();
        let csv_files = [(HOURS, self.hours), (QUESTIONS, self.questions)];
        let files = csv_files
            .into_iter()
            .map(|(file, writer)| {
                let inner = writer.map(|w| w.into_inner().map_err(|e| e.into_error()));
                (file, inner.transpose())
            })
            .chain([(POSTS, posts)]);
        for (file, inner) in files {
            if let Some(inner) = inner.map_err(|e| named(file, e))? {
                inner.commit().map_err(|e| named(file, e))?;
            }
        }
        Ok(())
    }
}

const HOURS: &str = "timeseries.csv";
const QUESTIONS: &str = "questions.csv";
const POSTS: &str = "posts.csv";

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

    fn post(&mut self, post: &Post) {
        if let Some(w) = self.posts.as_mut() {
            let result = w.write(post);
            self.keep_error(POSTS, result);
        }
    }

    fn expert_joined(&mut self, expert: u32, recruited_from: Option<u64>) {
        if let Some(w) = self.posts.as_mut() {
            w.expert_joined(expert, recruited_from);
        }
    }

    fn wants_posts(&self) -> bool {
        self.posts.is_some()
    }
}
