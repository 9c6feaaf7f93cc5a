//! Customers: their patience (from the chases), how many times they chase,
//! how often they accept an answer, the share of threads never answered,
//! and how many askers later answer others (recruitment).
//!
//! **Patience.** An asker chases when their patience runs out while the
//! thread waits. Each waiting spell starts at the question or at a chase
//! and ends at the next chase (patience observed) or, censoring it, at the
//! thread's first response or the log's end. Spells after the most chases
//! any thread shows are left out: their end (the asker gives up) leaves no
//! post. A censored lognormal maximum likelihood fits the spells, never
//! the naive mean of the chases seen, which would keep only the impatient.
//! The thread stopped waiting when someone picked it up, a writing time
//! before their answer was posted; the log does not show it, so the base
//! scenario's mean writing time (`experts.writing_time`, or the staff
//! teams' mean `answer_time`) is taken off each censoring answer's time.

use super::estimate::{Estimate, NotIdentified, Unit};
use super::log::PostLog;
use super::survival::censored_lognormal_mle;
use crate::posts::{Kind, Role};
use crate::scenario::Scenario;
use std::collections::HashMap;

const MS_PER_HOUR: f64 = 3_600_000.0;

/// `base` gives the writing times subtracted from a spell censored by an
/// answer (the thread was picked up that long before it was posted).
pub fn estimate(log: &PostLog, base: &Scenario) -> (Vec<Estimate>, Vec<NotIdentified>) {
    let expert_writing = base.experts.writing_time.mean();
    let staff_writing = super::staff::mean_answer_ms(base);
    let mut estimates = Vec::new();
    let mut not_identified = Vec::new();
    let max_chases = (0..log.threads.len())
        .map(|t| {
            log.thread(t)
                .iter()
                .filter(|p| p.kind == Kind::Chase)
                .count()
        })
        .max()
        .unwrap_or(0);
    let mut spells = Vec::new();
    let (mut answered_threads, mut accepted, mut never_answered, mut old_threads) =
        (0u64, 0u64, 0u64, 0u64);
    // An asker's thread counts as never answered only if the log ran on
    // long enough after it (a week) for an answer to come.
    let settled_before = log.end_ms - 7 * 24 * 3_600_000;
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        let response = log.first_response(t);
        let first_response = response.map(|p| p.at.instant_ms);
        // When the thread was picked up: an answer was being written for
        // about a writing time before it was posted (an escalation's
        // acknowledgement is posted at once).
        let picked_up = response.map(|p| {
            let writing = match (p.kind, p.role) {
                (Kind::Escalation, _) => 0.0,
                (_, Role::Staff) => staff_writing,
                _ => expert_writing,
            };
            p.at.instant_ms - writing as i64
        });
        let mut start = posts[0].at.instant_ms;
        let mut chases = 0;
        for p in &posts[1..] {
            if first_response.is_some_and(|r| p.at.instant_ms >= r) {
                break;
            }
            if p.kind == Kind::Chase {
                spells.push(((p.at.instant_ms - start) as f64 / MS_PER_HOUR, true));
                start = p.at.instant_ms;
                chases += 1;
            }
        }
        if chases < max_chases {
            let end = picked_up.unwrap_or(log.end_ms).max(start);
            spells.push(((end - start) as f64 / MS_PER_HOUR, false));
        }
        // Acceptance: among threads resolved by an answer (the last answer
        // had no chase after it).
        if let Some(i) = posts.iter().rposition(|p| p.kind == Kind::Answer)
            && !posts[i..].iter().any(|p| p.kind == Kind::Chase)
        {
            answered_threads += 1;
            accepted += u64::from(posts.iter().any(|p| p.accepted));
        }
        if posts[0].at.instant_ms < settled_before {
            old_threads += 1;
            never_answered += u64::from(first_response.is_none());
        }
    }
    match censored_lognormal_mle(&spells) {
        Some(fit) if max_chases > 0 => {
            let n = spells.len() as u64;
            let what = "censored lognormal maximum likelihood over waiting spells (a chase ends one; the first response or the log's end censors it); 95 % CI by the delta method";
            estimates.push(Estimate::scalar(
                "customers.patience.mean",
                fit.mean(),
                Some(fit.mean_ci95()),
                n,
                Unit::Hours,
                what,
            ));
            estimates.push(Estimate::scalar(
                "customers.patience.sd",
                fit.sd(),
                Some(fit.sd_ci95()),
                n,
                Unit::Hours,
                what,
            ));
            estimates.push(Estimate::scalar(
                "log.chases_observed",
                fit.events as f64,
                None,
                fit.events,
                Unit::Count,
                "waiting spells that ended in a chase",
            ));
        }
        _ => not_identified.push(NotIdentified {
            path: "customers.patience".into(),
            reason: "no thread was chased before its first response: patience leaves no trace"
                .into(),
        }),
    }
    estimates.push(Estimate::scalar(
        "customers.max_chases",
        max_chases as f64,
        None,
        log.threads.len() as u64,
        Unit::Count,
        "the most chases of any thread before its first response",
    ));
    if answered_threads > 0 {
        estimates.push(Estimate::share(
            "customers.accept_probability",
            accepted,
            answered_threads,
            "share of threads resolved by an answer whose asker marked one accepted",
        ));
    }
    if old_threads > 0 {
        estimates.push(Estimate::share(
            "log.never_answered_share",
            never_answered,
            old_threads,
            "share of threads (posted more than a week before the log's end) with no answer or acknowledgement",
        ));
    }
    // Recruitment: askers who later answer someone else's thread, over the
    // askers who got an answer.
    let mut first_answer: HashMap<u32, i64> = HashMap::new();
    for p in &log.posts {
        if p.role == Role::Expert && p.kind == Kind::Answer {
            let at = first_answer.entry(p.author).or_insert(p.at.instant_ms);
            *at = (*at).min(p.at.instant_ms);
        }
    }
    let (mut askers, mut recruited, mut delays) = (0u64, 0u64, Vec::new());
    let mut seen = std::collections::HashSet::new();
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        let q = &posts[0];
        let resolved = posts
            .iter()
            .rposition(|p| p.kind == Kind::Answer)
            .filter(|&i| !posts[i..].iter().any(|p| p.kind == Kind::Chase))
            .map(|i| posts[i].at.instant_ms);
        if let Some(at) = resolved
            && seen.insert(q.author)
        {
            askers += 1;
            if let Some(&first) = first_answer.get(&q.author)
                && first > at
            {
                recruited += 1;
                delays.push((first - at) as f64 / MS_PER_HOUR / 24.0);
            }
        }
    }
    if askers > 0 {
        estimates.push(Estimate::share(
            "customers.become_expert_probability",
            recruited,
            askers,
            "share of answered askers who later answer someone else's thread",
        ));
    }
    if !delays.is_empty() {
        let mean = delays.iter().sum::<f64>() / delays.len() as f64;
        estimates.push(Estimate::scalar(
            "log.recruitment_delay_days",
            mean,
            None,
            delays.len() as u64,
            Unit::Number,
            "mean days from an asker's answer to their first answer to others (includes the wait to come online and find a question; right-censored by the log's end, so biased low)",
        ));
    }
    not_identified.push(NotIdentified {
        path: "customers.complain_probability".into(),
        reason: "an asker who gives up after the last chase leaves no post either way".into(),
    });
    not_identified.push(NotIdentified {
        path: "customers.conversion_delay".into(),
        reason: "the log shows a recruit's first answer, not when they joined".into(),
    });
    (estimates, not_identified)
}
