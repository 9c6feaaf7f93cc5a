//! Replicated runs of a fitted scenario, each turned into a post log as
//! the forum would have written it, and into the figures the report
//! compares with the real log's (`figures`).
//!
//! Each run lasts the scenario's warm-up plus the log's span, and only
//! threads asked after the warm-up are kept: a simulated log is then a
//! window of a running forum, as the real one is, of the same length, so
//! the replications' spread is the spread a log of that length would show
//! if the fitted scenario were true.

use super::clock::Stamp;
use super::figures::{Figures, figures};
use super::log::{Post, PostLog};
use crate::model::{Observer, simulate};
use crate::posts::{self, Author, Kind, Recruits};
use crate::scenario::Scenario;
use crate::time::{SimDuration, SimTime};
use std::collections::HashMap;

/// Collects a run's posts as a `PostLog`: those of threads asked at or
/// after `from`, authors numbered as people (a recruited expert is the
/// customer they were).
pub struct PostCollector {
    from: SimTime,
    recruits: Recruits,
    authors: HashMap<Author, u32>,
    author_names: Vec<String>,
    /// The sequence number of the first thread kept.
    first_thread: Option<u64>,
    posts: Vec<Post>,
}

impl PostCollector {
    pub fn new(from: SimTime) -> PostCollector {
        PostCollector {
            from,
            recruits: Recruits::default(),
            authors: HashMap::new(),
            author_names: Vec::new(),
            first_thread: None,
            posts: Vec::new(),
        }
    }

    /// The log, or None if no thread was asked after `from`.
    pub fn into_log(mut self, topics: Vec<String>) -> Option<PostLog> {
        // Posts come in time order; a thread's question leads at its
        // instant (stable sort: an answer at the same millisecond stays
        // after it).
        self.posts
            .sort_by_key(|p| (p.thread, p.at.instant_ms, p.kind != Kind::Question));
        let mut threads = Vec::new();
        let mut start = 0;
        for i in 1..=self.posts.len() {
            if i == self.posts.len() || self.posts[i].thread != self.posts[start].thread {
                threads.push(start..i);
                start = i;
            }
        }
        let start_ms = self.posts.iter().map(|p| p.at.instant_ms).min()?;
        let end_ms = self.posts.iter().map(|p| p.at.instant_ms).max()?;
        Some(PostLog {
            source: "a simulated forum".into(),
            posts: self.posts,
            threads,
            topics,
            authors: self.author_names,
            start_ms,
            end_ms,
            skipped: 0,
            skipped_examples: Vec::new(),
            kinds_given: true,
        })
    }
}

impl Observer for PostCollector {
    fn wants_posts(&self) -> bool {
        true
    }

    fn expert_joined(&mut self, expert: u32, recruited_from: Option<u64>) {
        self.recruits.joined(expert, recruited_from);
    }

    fn post(&mut self, post: &posts::Post) {
        if post.kind == Kind::Question && post.at >= self.from && self.first_thread.is_none() {
            self.first_thread = Some(post.thread);
        }
        let Some(first) = self.first_thread.filter(|&f| post.thread >= f) else {
            return;
        };
        let person = self.recruits.person(post.author);
        let next = self.author_names.len() as u32;
        let author = *self.authors.entry(person).or_insert(next);
        if author == next {
            self.author_names.push(match person {
                Author::Customer(t) => format!("c{t}"),
                Author::Expert(e) => format!("e{e}"),
                Author::Staff(s) => format!("s{s}"),
            });
        }
        let ms = posts::EPOCH_UNIX_SECONDS * 1000 + post.at.as_millis() as i64;
        self.posts.push(Post {
            thread: (post.thread - first) as u32,
            author,
            role: post.role(),
            kind: post.kind,
            at: Stamp {
                instant_ms: ms,
                local_ms: ms,
            },
            topic: Some(post.topic as u16),
            accepted: post.accepted,
            line: 0,
        });
    }
}

/// The figures of `seeds.len()` replications of `scenario`, each run for
/// its warm-up plus `days`, on `threads` workers; in seed order. A
/// replication with no thread after the warm-up gives None.
pub fn replicated_figures(
    scenario: &Scenario,
    days: f64,
    seeds: &[u64],
    threads: Option<usize>,
    churn_days: f64,
) -> Result<Vec<Option<Figures>>, String> {
    let mut scenario = scenario.clone();
    let warmup = scenario.simulation.warmup;
    scenario.simulation.horizon = warmup + SimDuration::from_days(days.ceil().max(1.0) as u64);
    let topics: Vec<String> = scenario
        .demand
        .topics
        .iter()
        .map(|t| t.name.clone())
        .collect();
    crate::replicate::map_seeds(seeds, threads, |_, seed| {
        let mut collector = PostCollector::new(SimTime::ZERO + warmup);
        simulate(&scenario, seed, &mut collector);
        collector
            .into_log(topics.clone())
            .map(|log| figures(&log, churn_days))
    })
}
