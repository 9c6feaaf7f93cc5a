//! `fit --state-at TIME`: the forum's state at one moment of the log, for
//! `run --from-state` (`crate::state` has the format and how a run uses
//! it).
//!
//! - **Open threads**: asked at or before the moment, with no first
//!   response (an answer or an escalation's acknowledgement) by then, and
//!   at most `state::MAX_AGE_HOURS` old; each with its age, the asker's
//!   chases so far and how long the asker's current wait has lasted. An
//!   asker who gives up leaves no post, so a thread is kept only if the
//!   asker is plausibly still waiting: it gets a response later in the
//!   log, or, when the log ends within a week of the moment, the current
//!   wait is within the patience's mean plus two sd (the fitted patience,
//!   else three times the base's mean).
//! - **Members**: those who answered someone else's thread within the
//!   churn window before the moment (the definition of retention), with
//!   their answers so far, their answers in the last 30 days and the
//!   topics they answered. Their online hours (`activity_hours`) are taken
//!   proportional to their recent answering rate, scaled so that the
//!   members' mean is the base scenario's mean activity: the log shows
//!   answers, not hours online (the same assumption as `experts.activity`).

use super::log::PostLog;
use crate::posts::{Kind, Role};
use crate::scenario::Scenario;
use crate::state::{FORMAT, ForumState, MAX_AGE_HOURS, Member, OpenThread};
use std::collections::BTreeMap;

const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_DAY: f64 = 24.0 * MS_PER_HOUR;
/// A thread still unanswered this long after the moment was given up.
const SETTLED_MS: i64 = 7 * 24 * 3_600_000;

/// The state of `log` at `at` (an instant, ms since 1970). `max_wait_hours`
/// bounds how long an asker is taken to be still waiting when the log
/// cannot tell (see the module's doc).
pub fn state_at(
    log: &PostLog,
    at: i64,
    base: &Scenario,
    churn_days: f64,
    max_wait_hours: f64,
) -> ForumState {
    let topic_names: Vec<String> = if log.topics.is_empty() {
        base.demand.topics.iter().map(|t| t.name.clone()).collect()
    } else {
        log.topics.clone()
    };
    let mut open = Vec::new();
    // Per member: (answers so far, in the last 30 days, first answer, last
    // answer, topics bit set).
    let mut members: BTreeMap<u32, (u64, u64, i64, i64, u64)> = BTreeMap::new();
    let recent = at - (30.0 * MS_PER_DAY) as i64;
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        let question = &posts[0];
        if question.at.instant_ms > at {
            continue;
        }
        // A thread without a topic is the fitted scenario's first (as
        // demand counts it); a log without topics has the base's.
        let topic_index = usize::from(question.topic.unwrap_or(0));
        let topic_bit = 1u64 << topic_index.min(63);
        for p in posts.iter().filter(|p| p.at.instant_ms <= at) {
            if p.role == Role::Expert && p.kind == Kind::Answer {
                let m =
                    members
                        .entry(p.author)
                        .or_insert((0, 0, p.at.instant_ms, p.at.instant_ms, 0));
                m.0 += 1;
                m.1 += u64::from(p.at.instant_ms > recent);
                m.2 = m.2.min(p.at.instant_ms);
                m.3 = m.3.max(p.at.instant_ms);
                m.4 |= topic_bit;
            }
        }
        let age_hours = (at - question.at.instant_ms) as f64 / MS_PER_HOUR;
        let response = log.first_response(t).map(|p| p.at.instant_ms);
        if response.is_some_and(|r| r <= at) || age_hours > MAX_AGE_HOURS {
            continue;
        }
        let asked: Vec<i64> = posts
            .iter()
            .filter(|p| p.at.instant_ms <= at && p.author == question.author)
            .map(|p| p.at.instant_ms)
            .collect();
        let last = asked
            .iter()
            .copied()
            .max()
            .unwrap_or(question.at.instant_ms);
        let waiting_hours = (at - last) as f64 / MS_PER_HOUR;
        // Is the asker still there? A response later in the log says the
        // thread was still open; a log that runs on a week without one says
        // they left (an asker who gives up leaves no post); at the log's
        // end, a wait beyond `max_wait_hours` is taken as given up.
        let still_open = match response {
            Some(_) => true,
            None if log.end_ms - at >= SETTLED_MS => false,
            None => waiting_hours <= max_wait_hours,
        };
        if !still_open {
            continue;
        }
        open.push(OpenThread {
            topic: topic_names[topic_index.min(topic_names.len() - 1)].clone(),
            age_hours,
            chases: asked.len().saturating_sub(1) as u32,
            waiting_hours,
        });
    }
    let churn_ms = (churn_days * MS_PER_DAY) as i64;
    let active: Vec<&(u64, u64, i64, i64, u64)> =
        members.values().filter(|m| at - m.3 <= churn_ms).collect();
    // A member's recent rate: answers over the last 30 days, or since their
    // first answer if later; a member quiet for 30 days but within the
    // churn window gets their rate over that window.
    let rate = |m: &(u64, u64, i64, i64, u64)| {
        let since = m.2.max(recent);
        let days = ((at - since) as f64 / MS_PER_DAY).max(1.0);
        if m.1 > 0 {
            m.1 as f64 / days
        } else {
            1.0 / churn_days.max(1.0)
        }
    };
    let mean_rate = active.iter().map(|m| rate(m)).sum::<f64>() / active.len().max(1) as f64;
    let mean_hours = base.experts.activity.mean();
    let members = active
        .iter()
        .map(|m| Member {
            answers: m.0,
            answers_last_30d: m.1,
            // A log without topics cannot say a member's: all of them.
            topics: (0..topic_names.len())
                .filter(|&k| log.topics.is_empty() || m.4 & (1 << k.min(63)) != 0)
                .map(|k| topic_names[k].clone())
                .collect(),
            activity_hours: mean_hours * rate(m) / mean_rate,
        })
        .filter(|m| !m.topics.is_empty())
        .collect();
    ForumState {
        format: FORMAT.into(),
        at: jiff::Timestamp::from_millisecond(at)
            .map_or_else(|_| at.to_string(), |t| t.to_string()),
        hour_of_week: hour_of_week(log, at),
        source: log.source.clone(),
        open_threads: open,
        members,
    }
}

/// Hours since Monday 00:00 of `at` on the log's local clock (the offset
/// of the last post at or before it).
fn hour_of_week(log: &PostLog, at: i64) -> f64 {
    let offset = log
        .posts
        .iter()
        .filter(|p| p.at.instant_ms <= at)
        .max_by_key(|p| p.at.instant_ms)
        .map_or(0, |p| p.at.local_ms - p.at.instant_ms);
    let local = at + offset;
    let stamp = super::clock::Stamp {
        instant_ms: at,
        local_ms: local,
    };
    // The whole hours from the clock, and the minutes into this one.
    stamp.hour_of_week() as f64 + local.rem_euclid(MS_PER_HOUR as i64) as f64 / MS_PER_HOUR
}
