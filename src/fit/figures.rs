//! The figures `fit`'s report compares between the log and simulated
//! forums: the first-response distribution, the share of first responses
//! by members, the most active tenth's share of member answers, member
//! retention, the volume by hour of week, and how members answer after an
//! accepted answer (`engagement`). One function computes them
//! from any `PostLog`, so the log and each simulated replication go
//! through the very same estimator, and a discrepancy is the model's, not
//! the measurement's.
//!
//! The helpers here (`member_answer_times`, `top_decile_share`,
//! `retention_observations`) are also the estimators' (`experts`).

use super::engagement::{Effect, after_acceptance};
use super::log::PostLog;
use super::survival::kaplan_meier;
use crate::posts::{Kind, Role};
use std::collections::BTreeMap;

const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_DAY: f64 = 86_400_000.0;

/// The thread ages at which the first-response distribution is read.
pub const RESPONSE_HOURS: [f64; 12] = [
    0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 24.0, 48.0, 96.0,
];
/// The days at which retention is read (those within the log's span).
pub const RETENTION_DAYS: [f64; 5] = [30.0, 60.0, 90.0, 180.0, 365.0];
/// A thread counts in the first-response distribution if the log ran on
/// this long after it, so that every age up to `RESPONSE_HOURS`' last is
/// observed.
const SETTLED_DAYS: f64 = 7.0;

/// The compared figures of one log.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Per `RESPONSE_HOURS`: the share of settled threads with a first
    /// response (an answer or an escalation's acknowledgement) by then.
    pub responded_within: Vec<f64>,
    /// Settled threads: posted at least `SETTLED_DAYS` before the end.
    pub settled_threads: u64,
    /// Of threads with a first response, the share that is a member's.
    pub member_first_share: Option<f64>,
    pub responded_threads: u64,
    /// Of member answers, the share by the most active tenth of members.
    pub top_decile_share: Option<f64>,
    pub members: u64,
    /// Kaplan–Meier survival of members from their first answer, at each
    /// of `retention_days`: (day, S, low, high).
    pub retention: Vec<(f64, f64, f64, f64)>,
    /// Questions per week posted in each hour of the week (local clock,
    /// Monday 00:00 first).
    pub questions_by_hour_of_week: Vec<f64>,
    /// The change in a member's answering after an accepted answer.
    pub after_acceptance: Option<Effect>,
    /// How unequal members' answer counts are: the sd of their logs
    /// (None with fewer than two members).
    pub answer_count_spread: Option<f64>,
}

/// The figures of `log`, with `churn_days` without an answer as a
/// member's departure.
pub fn figures(log: &PostLog, churn_days: f64) -> Figures {
    let settled_before = log.end_ms - (SETTLED_DAYS * MS_PER_DAY) as i64;
    let mut within = vec![0u64; RESPONSE_HOURS.len()];
    let (mut settled, mut responded, mut by_members) = (0u64, 0u64, 0u64);
    let mut by_hour = vec![0u64; 168];
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        by_hour[posts[0].at.hour_of_week()] += 1;
        let first = log.first_response(t);
        if let Some(p) = first {
            responded += 1;
            by_members += u64::from(p.role == Role::Expert);
        }
        if posts[0].at.instant_ms >= settled_before {
            continue;
        }
        settled += 1;
        if let Some(p) = first {
            let age = (p.at.instant_ms - posts[0].at.instant_ms) as f64 / MS_PER_HOUR;
            for (count, &hours) in within.iter_mut().zip(&RESPONSE_HOURS) {
                *count += u64::from(age <= hours);
            }
        }
    }
    let answers = member_answer_times(log);
    let km = kaplan_meier(&retention_observations(
        &answers,
        log.end_ms,
        churn_days * MS_PER_DAY,
    ));
    let weeks = (log.days() / 7.0).max(1.0 / 7.0);
    Figures {
        responded_within: within
            .iter()
            .map(|&c| c as f64 / settled.max(1) as f64)
            .collect(),
        settled_threads: settled,
        member_first_share: (responded > 0).then(|| by_members as f64 / responded as f64),
        responded_threads: responded,
        top_decile_share: top_decile_share(&answers),
        members: answers.len() as u64,
        retention: retention_days(log.days(), churn_days)
            .map(|day| {
                let (s, lo, hi) = km.survival_at(day);
                (day, s, lo, hi)
            })
            .collect(),
        questions_by_hour_of_week: by_hour.iter().map(|&c| c as f64 / weeks).collect(),
        after_acceptance: after_acceptance(log),
        answer_count_spread: answer_count_spread(&answers),
    }
}

/// The days of `RETENTION_DAYS` at which a log of `log_days` shows
/// retention. A member can be seen to churn only if the log runs on
/// `churn_days` after their last answer, so no departure later than
/// `log_days − churn_days` after a first answer is observable: past it,
/// the curve is flat by construction, not by loyalty.
pub fn retention_days(log_days: f64, churn_days: f64) -> impl Iterator<Item = f64> {
    RETENTION_DAYS
        .into_iter()
        .filter(move |&day| day <= log_days - churn_days)
}

/// Per member (author id): the times of their answers, in order.
pub fn member_answer_times(log: &PostLog) -> BTreeMap<u32, Vec<i64>> {
    let mut answers: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    for p in log
        .posts
        .iter()
        .filter(|p| p.role == Role::Expert && p.kind == Kind::Answer)
    {
        answers.entry(p.author).or_default().push(p.at.instant_ms);
    }
    for times in answers.values_mut() {
        times.sort_unstable();
    }
    answers
}

/// The share of member answers written by the most active tenth of
/// members (rounded up), or None without member answers.
pub fn top_decile_share(answers: &BTreeMap<u32, Vec<i64>>) -> Option<f64> {
    let total: usize = answers.values().map(Vec::len).sum();
    if total == 0 {
        return None;
    }
    let mut counts: Vec<usize> = answers.values().map(Vec::len).collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let top = counts.len().div_ceil(10);
    Some(counts[..top].iter().sum::<usize>() as f64 / total as f64)
}

/// The sd of the logs of members' answer counts (n − 1), or None with
/// fewer than two members.
pub fn answer_count_spread(answers: &BTreeMap<u32, Vec<i64>>) -> Option<f64> {
    let logs: Vec<f64> = answers.values().map(|t| (t.len() as f64).ln()).collect();
    (logs.len() >= 2).then(|| crate::stats::sd(&logs))
}

/// One (days from first to last answer, churned) per member: a member has
/// churned if the log ran on `churn_ms` past their last answer, and is
/// censored otherwise.
pub fn retention_observations(
    answers: &BTreeMap<u32, Vec<i64>>,
    end_ms: i64,
    churn_ms: f64,
) -> Vec<(f64, bool)> {
    answers
        .values()
        .map(|t| {
            let (first, last) = (t[0], t[t.len() - 1]);
            (
                (last - first) as f64 / MS_PER_DAY,
                (end_ms - last) as f64 > churn_ms,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_tenth_rounds_up_and_counts_their_answers() {
        let mut answers = BTreeMap::new();
        // 11 members: the top tenth is 2 of them (11 / 10 rounded up).
        for (member, count) in [(0, 10), (1, 5)].into_iter().chain((2..11).map(|m| (m, 1))) {
            answers.insert(member, vec![0i64; count]);
        }
        assert_eq!(top_decile_share(&answers), Some(15.0 / 24.0));
        assert_eq!(top_decile_share(&BTreeMap::new()), None);
    }

    #[test]
    fn a_member_is_censored_until_the_churn_window_has_passed() {
        let day = MS_PER_DAY as i64;
        let answers = BTreeMap::from([(0, vec![0, 10 * day]), (1, vec![50 * day, 95 * day])]);
        let obs = retention_observations(&answers, 100 * day, 30.0 * MS_PER_DAY);
        assert_eq!(obs, vec![(10.0, true), (45.0, false)]);
    }
}
