//! `posts.csv`: the simulated forum's post log, in the format `fit` reads
//! (`crate::posts`), streamed while the run goes.
//!
//! Ids: a thread is its question's sequence number; the question's post
//! is `q<thread>` and every later post `p<n>`, numbered in posting order,
//! each replying to its thread's question. Authors are `c<thread>` for the
//! asker (and for that asker once recruited into the experts), `e<n>` for
//! the initial experts and `s<n>` for staff.

use crate::posts::{Author, Kind, Post, Recruits, timestamp};
use serde::Serialize;
use std::io;

#[derive(Serialize)]
struct Row<'a> {
    thread_id: u64,
    post_id: &'a str,
    author_id: &'a str,
    role: &'static str,
    created_at: String,
    reply_to: &'a str,
    topic: &'a str,
    accepted: bool,
    kind: &'static str,
}

pub struct PostWriter<W: io::Write> {
    writer: csv::Writer<W>,
    topics: Vec<String>,
    recruits: Recruits,
    next_post: u64,
}

impl<W: io::Write> PostWriter<W> {
    pub fn new(writer: W, topics: Vec<String>) -> PostWriter<W> {
        PostWriter {
            writer: csv::Writer::from_writer(writer),
            topics,
            recruits: Recruits::default(),
            next_post: 0,
        }
    }

    pub fn expert_joined(&mut self, expert: u32, recruited_from: Option<u64>) {
        self.recruits.joined(expert, recruited_from);
    }

    pub fn write(&mut self, post: &Post) -> Result<(), csv::Error> {
        let author = match self.recruits.person(post.author) {
            Author::Customer(thread) => format!("c{thread}"),
            Author::Expert(e) => format!("e{e}"),
            Author::Staff(s) => format!("s{s}"),
        };
        let question = format!("q{}", post.thread);
        let (post_id, reply_to) = if post.kind == Kind::Question {
            (question, String::new())
        } else {
            self.next_post += 1;
            (format!("p{}", self.next_post), question)
        };
        self.writer.serialize(Row {
            thread_id: post.thread,
            post_id: &post_id,
            author_id: &author,
            role: post.role().name(),
            created_at: timestamp(post.at),
            reply_to: &reply_to,
            topic: &self.topics[post.topic],
            accepted: post.accepted,
            kind: post.kind.name(),
        })
    }

    pub fn into_inner(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}
