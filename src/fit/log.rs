//! A post log read into memory in a compact form: one small record per
//! post (ids interned to integers, never the text of a post), grouped by
//! thread and sorted by time, with every post's role and kind known.
//!
//! The readers (`read_csv`, `stackexchange`) feed rows to a `LogBuilder`,
//! which checks each row (duplicate post ids) and, at the end, each thread
//! (a question, nothing before it), and resolves what the log leaves out:
//! - **roles**, when the log has none and `--staff-authors` lists the
//!   staff: a staff id is staff, the thread's asker a customer, anyone
//!   else an expert (a member answering someone else's thread);
//! - **kinds**, when the log has none: the thread's first post is its
//!   question, the asker's later posts are chases, and any other post is
//!   an answer (a real log cannot tell a confirmation or an escalation's
//!   acknowledgement from an answer; `fit` says what that leaves
//!   unidentified).

use super::clock::Stamp;
use crate::posts::{Kind, Role};
use std::collections::{HashMap, HashSet};

/// One post, as the estimators read it.
#[derive(Debug, Clone, Copy)]
pub struct Post {
    pub thread: u32,
    pub author: u32,
    pub role: Role,
    pub kind: Kind,
    pub at: Stamp,
    pub topic: Option<u16>,
    pub accepted: bool,
    /// Where it was read (line of the file), for messages.
    pub line: u64,
}

/// A post log: posts grouped by thread, each thread in time order, the
/// question first.
#[derive(Debug)]
pub struct PostLog {
    /// The file, for messages and reports.
    pub source: String,
    pub posts: Vec<Post>,
    /// Per thread: the range of its posts in `posts`.
    pub threads: Vec<std::ops::Range<usize>>,
    pub topics: Vec<String>,
    pub authors: Vec<String>,
    /// The first and last post (instant), in ms since 1970.
    pub start_ms: i64,
    pub end_ms: i64,
    /// Rows skipped with `--skip-bad-rows`, and the first reasons.
    pub skipped: u64,
    pub skipped_examples: Vec<String>,
    /// Whether the log said what each post is (a `kind` column).
    pub kinds_given: bool,
}

impl PostLog {
    pub fn thread(&self, t: usize) -> &[Post] {
        &self.posts[self.threads[t].clone()]
    }

    /// Thread `t`'s first response: its first answer or escalation's
    /// acknowledgement (a confirmation follows an answer; a chase is the
    /// asker's own).
    pub fn first_response(&self, t: usize) -> Option<&Post> {
        self.thread(t)
            .iter()
            .find(|p| matches!(p.kind, Kind::Answer | Kind::Escalation))
    }

    /// The log's length in days.
    pub fn days(&self) -> f64 {
        (self.end_ms - self.start_ms) as f64 / 86_400_000.0
    }
}

/// A row as a reader found it; `None` where the log says nothing.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub line: u64,
    pub thread: &'a str,
    pub post: &'a str,
    pub author: &'a str,
    pub role: Option<Role>,
    pub at: Stamp,
    pub topic: Option<&'a str>,
    pub accepted: bool,
    pub kind: Option<Kind>,
}

/// Why a log cannot be fitted: where, and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: Option<u64>,
    /// The column (or XML attribute) and its 1-based number, if known.
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn at(line: u64, column: Option<String>, message: impl Into<String>) -> Problem {
        Problem {
            line: Some(line),
            column,
            message: message.into(),
        }
    }

    /// The problem as the user reads it, after the file name.
    pub fn describe(&self, file: &str) -> String {
        let mut place = file.to_string();
        if let Some(line) = self.line {
            place += &format!(":{line}");
        }
        match &self.column {
            Some(column) => format!("{place}: {column}: {}", self.message),
            None => format!("{place}: {}", self.message),
        }
    }
}

/// The names a format gives the fields a problem can be in, so that a
/// message points at what the file calls them.
pub struct FieldNames {
    pub post_id: &'static str,
    pub created_at: &'static str,
    /// What ties a post to its thread's question.
    pub thread: &'static str,
}

/// The post log CSV's own column names.
pub const CSV_FIELDS: FieldNames = FieldNames {
    post_id: "post_id",
    created_at: "created_at",
    thread: "kind",
};

/// Collects rows, checking them, then builds the `PostLog`.
pub struct LogBuilder {
    source: String,
    fields: FieldNames,
    skip_bad_rows: bool,
    staff_authors: Option<HashSet<String>>,
    /// Only threads asked at or after the first instant (ms) are kept,
    /// and only posts before the second.
    window: (Option<i64>, Option<i64>),
    threads: HashMap<String, u32>,
    authors: HashMap<String, u32>,
    author_names: Vec<String>,
    topics: HashMap<String, u16>,
    topic_names: Vec<String>,
    /// Each post id's index in `posts`.
    post_ids: HashMap<Box<str>, usize>,
    /// Ids of posts marked accepted by another row (Stack Exchange marks
    /// the question, not the answer).
    accepted_ids: Vec<Box<str>>,
    /// At most this many topics are kept by name; the rest become
    /// "other" (None: more than `MAX_TOPICS` is an error).
    keep_topics: Option<usize>,
    /// A dump's known anomalies are skipped and counted, not errors:
    /// threads whose question was deleted, and answers older than their
    /// question (merged in from an older duplicate).
    dump_anomalies_skipped: bool,
    /// Roles as read (None: to resolve from `staff_authors`).
    posts: Vec<(Post, Option<Role>, Option<Kind>)>,
    skipped: u64,
    skipped_examples: Vec<String>,
}

/// Topics beyond this many are an input problem (the scenario's limit).
const MAX_TOPICS: usize = 64;
/// Distinct tags read by name when they are grouped (`group_topics`).
const MAX_GROUPED_TOPICS: usize = 60_000;

impl LogBuilder {
    pub fn new(source: &str, skip_bad_rows: bool, staff_authors: Option<HashSet<String>>) -> Self {
        LogBuilder {
            source: source.to_string(),
            fields: CSV_FIELDS,
            skip_bad_rows,
            staff_authors,
            threads: HashMap::new(),
            authors: HashMap::new(),
            author_names: Vec::new(),
            topics: HashMap::new(),
            topic_names: Vec::new(),
            post_ids: HashMap::new(),
            accepted_ids: Vec::new(),
            keep_topics: None,
            window: (None, None),
            dump_anomalies_skipped: false,
            posts: Vec::new(),
            skipped: 0,
            skipped_examples: Vec::new(),
        }
    }

    /// Keeps the `n` most asked topics by name and groups the rest as
    /// "other" (for tags, which are many), instead of refusing more than
    /// `MAX_TOPICS`.
    /// Keeps the threads asked at or after `since` and the posts before
    /// `until` (instants in ms): a window of a longer log.
    pub fn window(mut self, since: Option<i64>, until: Option<i64>) -> Self {
        self.window = (since, until);
        self
    }

    pub fn group_topics(mut self, n: usize) -> Self {
        self.keep_topics = Some(n);
        self
    }

    /// Names problems' fields as the format does.
    pub fn field_names(mut self, fields: FieldNames) -> Self {
        self.fields = fields;
        self
    }

    /// Skips (and counts) a dump's known anomalies: threads whose question
    /// is missing, and answers older than their question.
    pub fn skip_dump_anomalies(mut self) -> Self {
        self.dump_anomalies_skipped = true;
        self
    }

    /// Marks a post, perhaps not read yet, as the accepted answer.
    pub fn accept(&mut self, post: &str) {
        self.accepted_ids.push(post.into());
    }

    /// A row that could not be read: an error, or skipped and counted.
    pub fn bad_row(&mut self, problem: Problem) -> Result<(), Problem> {
        if !self.skip_bad_rows {
            return Err(problem);
        }
        self.skipped += 1;
        if self.skipped_examples.len() < 5 {
            self.skipped_examples.push(problem.describe(&self.source));
        }
        Ok(())
    }

    pub fn add(&mut self, row: Row<'_>) -> Result<(), Problem> {
        if self
            .window
            .1
            .is_some_and(|until| row.at.instant_ms >= until)
        {
            return Ok(());
        }
        if let Some(&first) = self.post_ids.get(row.post) {
            let first = self.posts[first].0.line;
            return self.bad_row(Problem::at(
                row.line,
                Some(self.fields.post_id.into()),
                format!("duplicate post id {:?} (first on line {first})", row.post),
            ));
        }
        if row.role.is_none() && self.staff_authors.is_none() {
            return self.bad_row(Problem::at(
                row.line,
                Some("role".into()),
                "no role: expected customer, expert or staff (or give --staff-authors FILE to infer roles)",
            ));
        }
        let topic = match row.topic.filter(|t| !t.is_empty()) {
            None => None,
            Some(name) => match self.topics.get(name) {
                Some(&k) => Some(k),
                None if self.keep_topics.is_none() && self.topic_names.len() >= MAX_TOPICS => {
                    return self.bad_row(Problem::at(
                        row.line,
                        Some("topic".into()),
                        format!("more than {MAX_TOPICS} topics: group them (Stack Exchange tags are grouped by fit itself)"),
                    ));
                }
                // Tags beyond what an index holds share one name; they
                // are grouped into "other" at the end anyway.
                None if self.topic_names.len() >= MAX_GROUPED_TOPICS => {
                    Some(MAX_GROUPED_TOPICS as u16 - 1)
                }
                None => {
                    let k = self.topic_names.len() as u16;
                    self.topics.insert(name.to_string(), k);
                    self.topic_names.push(name.to_string());
                    Some(k)
                }
            },
        };
        self.post_ids.insert(row.post.into(), self.posts.len());
        let thread = intern(&mut self.threads, row.thread, |_| {});
        let names = &mut self.author_names;
        let author = intern(&mut self.authors, row.author, |name| {
            names.push(name.to_string())
        });
        let post = Post {
            thread,
            author,
            role: Role::Customer,
            kind: Kind::Answer,
            at: row.at,
            topic,
            accepted: row.accepted,
            line: row.line,
        };
        self.posts.push((post, row.role, row.kind));
        Ok(())
    }

    /// Groups, checks and completes the log.
    pub fn finish(self) -> Result<PostLog, Problem> {
        let LogBuilder {
            source,
            fields,
            skip_bad_rows,
            staff_authors,
            threads,
            author_names,
            mut topic_names,
            mut posts,
            mut skipped,
            mut skipped_examples,
            post_ids,
            accepted_ids,
            keep_topics,
            dump_anomalies_skipped,
            window,
            ..
        } = self;
        drop(threads);
        for id in &accepted_ids {
            if let Some(&i) = post_ids.get(id) {
                posts[i].0.accepted = true;
            }
        }
        drop(post_ids);
        if let Some(keep) = keep_topics {
            topic_names = group_topics(&mut posts, topic_names, keep);
        }
        if posts.is_empty() {
            return Err(Problem {
                line: None,
                column: None,
                message: "the log has no posts".into(),
            });
        }
        let kinds_given = posts.iter().any(|p| p.2.is_some());
        posts.sort_by_key(|(p, _, kind)| {
            // Within an instant, the question first.
            (
                p.thread,
                p.at.instant_ms,
                *kind != Some(Kind::Question),
                p.line,
            )
        });
        let staff: Option<HashSet<u32>> = staff_authors.map(|names| {
            author_names
                .iter()
                .enumerate()
                .filter(|(_, n)| names.contains(n.as_str()))
                .map(|(i, _)| i as u32)
                .collect()
        });
        let mut kept = Vec::with_capacity(posts.len());
        let mut spans = Vec::new();
        let mut i = 0;
        while i < posts.len() {
            let thread = posts[i].0.thread;
            let end = i + posts[i..]
                .iter()
                .take_while(|p| p.0.thread == thread)
                .count();
            let mut group = &posts[i..end];
            i = end;
            // The question: the post the log calls one, else the first.
            let question = if kinds_given {
                let mut questions = group.iter().filter(|p| p.2 == Some(Kind::Question));
                let (Some(q), None) = (questions.next(), questions.next()) else {
                    let lines: Vec<String> = group
                        .iter()
                        .filter(|p| p.2 == Some(Kind::Question))
                        .map(|p| p.0.line.to_string())
                        .collect();
                    let orphan = lines.is_empty();
                    let problem = if orphan {
                        Problem::at(
                            group[0].0.line,
                            Some(fields.thread.into()),
                            "this thread has no question post",
                        )
                    } else {
                        Problem::at(
                            group[0].0.line,
                            Some(fields.thread.into()),
                            format!(
                                "this thread has {} question posts (lines {})",
                                lines.len(),
                                lines.join(", ")
                            ),
                        )
                    };
                    let skip = skip_bad_rows || orphan && dump_anomalies_skipped;
                    skip_or_fail(
                        skip,
                        &source,
                        problem,
                        group.len(),
                        &mut skipped,
                        &mut skipped_examples,
                    )?;
                    continue;
                };
                // Sorted by time, the question first at its instant: any
                // post before it is earlier.
                let early = group
                    .iter()
                    .take_while(|p| p.2 != Some(Kind::Question))
                    .count();
                if early > 0 {
                    let problem = Problem::at(
                        group[0].0.line,
                        Some(fields.created_at.into()),
                        format!(
                            "this post is earlier than its thread's question (line {}): an answer before its question",
                            q.0.line
                        ),
                    );
                    // A dump drops just the early posts; otherwise the
                    // thread cannot be trusted.
                    let rows = if dump_anomalies_skipped {
                        early
                    } else {
                        group.len()
                    };
                    skip_or_fail(
                        skip_bad_rows || dump_anomalies_skipped,
                        &source,
                        problem,
                        rows,
                        &mut skipped,
                        &mut skipped_examples,
                    )?;
                    if !dump_anomalies_skipped {
                        continue;
                    }
                    group = &group[early..];
                }
                q.0
            } else {
                group[0].0
            };
            if window.0.is_some_and(|since| question.at.instant_ms < since) {
                continue;
            }
            // Sorted by time, the question first at its instant: it leads.
            debug_assert_eq!(group[0].0.line, question.line);
            let asker = question.author;
            let topic = question
                .topic
                .or_else(|| group.iter().find_map(|p| p.0.topic));
            let start = kept.len();
            for (j, &(mut post, role, kind)) in group.iter().enumerate() {
                post.role = role.unwrap_or_else(|| {
                    if staff.as_ref().is_some_and(|s| s.contains(&post.author)) {
                        Role::Staff
                    } else if post.author == asker {
                        Role::Customer
                    } else {
                        Role::Expert
                    }
                });
                let is_question = j == 0;
                post.kind = match kind {
                    Some(k) => k,
                    None if is_question => Kind::Question,
                    None if post.author == asker || post.role == Role::Customer => Kind::Chase,
                    None => Kind::Answer,
                };
                post.topic = topic;
                kept.push(post);
            }
            spans.push(start..kept.len());
        }
        if kept.is_empty() {
            return Err(Problem {
                line: None,
                column: None,
                message: format!("no thread could be read ({skipped} rows skipped)"),
            });
        }
        let start_ms = kept.iter().map(|p| p.at.instant_ms).min().unwrap_or(0);
        let end_ms = kept.iter().map(|p| p.at.instant_ms).max().unwrap_or(0);
        Ok(PostLog {
            source,
            posts: kept,
            threads: spans,
            topics: topic_names,
            authors: author_names,
            start_ms,
            end_ms,
            skipped,
            skipped_examples,
            kinds_given,
        })
    }
}

/// Keeps the `keep` topics with the most questions (ties by name) and
/// renames the others "other"; returns the new topic names.
fn group_topics(
    posts: &mut [(Post, Option<Role>, Option<Kind>)],
    names: Vec<String>,
    keep: usize,
) -> Vec<String> {
    if names.len() <= keep + 1 {
        return names;
    }
    let mut questions = vec![0u64; names.len()];
    for (p, _, kind) in posts.iter() {
        if let (Some(k), Some(Kind::Question) | None) = (p.topic, kind) {
            questions[usize::from(k)] += 1;
        }
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| {
        questions[b]
            .cmp(&questions[a])
            .then(names[a].cmp(&names[b]))
    });
    let mut new_index = vec![keep as u16; names.len()];
    let mut kept: Vec<String> = Vec::with_capacity(keep + 1);
    for (i, &k) in order.iter().take(keep).enumerate() {
        new_index[k] = i as u16;
        kept.push(names[k].clone());
    }
    kept.push("other".to_string());
    for (p, _, _) in posts.iter_mut() {
        p.topic = p.topic.map(|k| new_index[usize::from(k)]);
    }
    kept
}

fn skip_or_fail(
    skip: bool,
    source: &str,
    problem: Problem,
    rows: usize,
    skipped: &mut u64,
    examples: &mut Vec<String>,
) -> Result<(), Problem> {
    if !skip {
        return Err(problem);
    }
    *skipped += rows as u64;
    if examples.len() < 5 {
        examples.push(problem.describe(source));
    }
    Ok(())
}

fn intern(map: &mut HashMap<String, u32>, key: &str, on_new: impl FnOnce(&str)) -> u32 {
    if let Some(&id) = map.get(key) {
        return id;
    }
    let id = map.len() as u32;
    map.insert(key.to_string(), id);
    on_new(key);
    id
}
