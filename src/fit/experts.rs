//! Expert members: how many, how active (a heavy tail, lognormal against
//! power law), when they post, how fast the community answers, how long
//! members stay, and how often their answers are right.
//!
//! - **Members at the start** (`experts.initial`): members whose first post
//!   is an answer and who answer within the churn window of the log's
//!   start. A lower bound: a member who did not post then is missed.
//! - **Activity.** Each member's answering rate (answers over the days from
//!   their first answer, or the log's start, to their churn or the log's
//!   end; members observed at least 7 days). Its log-scale spread, taken
//!   as the spread of `experts.activity` (rates proportional to online
//!   hours), sets the lognormal's sd; the mean, which converts answers to
//!   online hours, is not in the log and is kept. The tail is compared
//!   with a power law after Clauset, Shalizi and Newman (2009).
//! - **Answer delay** (question to first member answer): a censored
//!   lognormal fit, censored by a staff response or the log's end.
//! - **Retention**: Kaplan–Meier over members from their first answer;
//!   a member has churned once `churn` passes without an answer (the event
//!   is their last answer), and is censored if the log ends before.
//! - **Correct answers**: a member's answer is taken as right when it is
//!   the thread's last answer and the asker did not chase after it.

use super::estimate::{Estimate, NotIdentified, Unit};
use super::figures::{
    member_answer_times, retention_days, retention_observations, top_decile_share,
};
use super::log::PostLog;
use super::survival::{censored_lognormal_mle, kaplan_meier};
use super::tail::{Favoured, compare_tails, lognormal_mle};
use crate::posts::{Kind, Role};
use std::collections::{BTreeMap, HashSet};

const MS_PER_DAY: f64 = 86_400_000.0;

pub struct Experts {
    pub estimates: Vec<Estimate>,
    pub not_identified: Vec<NotIdentified>,
    /// The log-scale sd of answering rates (for `experts.activity`).
    pub activity_sigma: Option<f64>,
    /// Kaplan–Meier retention: (day, survival, lo, hi).
    pub retention: Vec<(f64, f64, f64, f64)>,
}

pub fn estimate(log: &PostLog, churn_days: f64) -> Experts {
    let mut estimates = Vec::new();
    let mut not_identified = Vec::new();
    let churn_ms = churn_days * MS_PER_DAY;
    // Per member: their answers' times, and whether they asked first.
    let answers = member_answer_times(log);
    let mut first_post: BTreeMap<u32, (i64, Kind)> = BTreeMap::new();
    for p in &log.posts {
        let e = first_post
            .entry(p.author)
            .or_insert((p.at.instant_ms, p.kind));
        if p.at.instant_ms < e.0 {
            *e = (p.at.instant_ms, p.kind);
        }
    }
    let (start, end) = (log.start_ms, log.end_ms);
    let early = answers
        .iter()
        .filter(|(a, t)| first_post[a].1 == Kind::Answer && (t[0] - start) as f64 <= churn_ms)
        .count();
    estimates.push(Estimate::scalar(
        "experts.initial",
        early as f64,
        None,
        answers.len() as u64,
        Unit::Count,
        &format!("members who answer within {churn_days} days of the log's start without having asked first (a lower bound)"),
    ));
    let active_at_end = answers
        .values()
        .filter(|t| (end - t[t.len() - 1]) as f64 <= churn_ms)
        .count();
    estimates.push(Estimate::scalar(
        "log.experts_active_at_end",
        active_at_end as f64,
        None,
        answers.len() as u64,
        Unit::Count,
        &format!("members with an answer in the log's last {churn_days} days"),
    ));

    // Activity: answering rates.
    let mut rates = Vec::new();
    for (a, t) in &answers {
        let from = if first_post[a].1 == Kind::Answer && (t[0] - start) as f64 <= churn_ms {
            start
        } else {
            t[0]
        };
        let last = t[t.len() - 1];
        let churned = ((end - last) as f64) > churn_ms;
        let until = if churned { last } else { end };
        let days = (until - from) as f64 / MS_PER_DAY;
        if days >= 7.0 {
            rates.push(t.len() as f64 / days);
        }
    }
    let retention_obs = retention_observations(&answers, end, churn_ms);
    let mut activity_sigma = None;
    if let Some((mu, sigma, mu_se, sigma_se)) = lognormal_mle(&rates) {
        activity_sigma = Some(sigma);
        estimates.push(Estimate::scalar(
            "log.answers_per_member_day.median",
            mu.exp(),
            Some(((mu - 1.96 * mu_se).exp(), (mu + 1.96 * mu_se).exp())),
            rates.len() as u64,
            Unit::Number,
            "lognormal maximum likelihood over members' answering rates (members observed 7 days or more)",
        ));
        estimates.push(Estimate::scalar(
            "log.answers_per_member_day.log_sd",
            sigma,
            Some((sigma - 1.96 * sigma_se, sigma + 1.96 * sigma_se)),
            rates.len() as u64,
            Unit::Number,
            "the same fit's sigma; sets the spread of experts.activity",
        ));
    }
    if let Some(c) = compare_tails(&rates) {
        let favoured = match c.favoured {
            Favoured::PowerLaw => "power law",
            Favoured::Lognormal => "lognormal",
            Favoured::Neither => "neither (the test cannot tell them apart)",
        };
        estimates.push(Estimate::scalar(
            "log.activity_tail_log_likelihood_ratio",
            c.log_likelihood_ratio,
            None,
            c.n_tail as u64,
            Unit::Number,
            &format!(
                "Clauset-Shalizi-Newman: power law against lognormal on the tail of answering rates; \
                 R > 0 favours the power law; Vuong p = {:.3}; favoured: {favoured}",
                c.p_value
            ),
        ));
    }
    if let Some(share) = top_decile_share(&answers) {
        estimates.push(Estimate::scalar(
            "log.top_decile_answer_share",
            share,
            None,
            answers.len() as u64,
            Unit::Number,
            "share of member answers written by the most active tenth of members",
        ));
    }

    // Presence: when members answer, by local hour and day (a proxy: it
    // also follows when questions wait).
    let mut by_hour = [0u64; 24];
    let mut by_day = [0u64; 7];
    for p in log
        .posts
        .iter()
        .filter(|p| p.role == Role::Expert && p.kind == Kind::Answer)
    {
        let how = p.at.hour_of_week();
        by_hour[how % 24] += 1;
        by_day[how / 24] += 1;
    }
    for (path, counts) in [
        ("log.expert_answers_hourly", &by_hour[..]),
        ("log.expert_answers_weekly", &by_day[..]),
    ] {
        let mean = counts.iter().sum::<u64>() as f64 / counts.len() as f64;
        if mean > 0.0 {
            estimates.push(Estimate::profile(
                path,
                counts.iter().map(|&c| c as f64 / mean).collect(),
                None,
                counts.iter().sum(),
                "member answers by local hour (or day) over their mean: a proxy for presence, which also follows when questions wait",
            ));
        }
    }
    not_identified.push(NotIdentified {
        path: "experts.presence_hourly".into(),
        reason: "when members are online and idle leaves no post; log.expert_answers_hourly is a proxy only".into(),
    });

    // Answer delay, and the members' share of first responses.
    let (mut delays, mut responded, mut by_members, mut right, mut member_answers) =
        (Vec::new(), 0u64, 0u64, 0u64, 0u64);
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        let q = posts[0].at.instant_ms;
        let first = log.first_response(t);
        match first {
            Some(p) if p.role == Role::Expert => {
                delays.push(((p.at.instant_ms - q) as f64 / 3_600_000.0, true))
            }
            Some(p) => delays.push(((p.at.instant_ms - q) as f64 / 3_600_000.0, false)),
            None => delays.push(((end - q) as f64 / 3_600_000.0, false)),
        }
        if let Some(p) = first {
            responded += 1;
            by_members += u64::from(p.role == Role::Expert);
        }
        let last_answer = posts.iter().rposition(|p| p.kind == Kind::Answer);
        for (i, p) in posts.iter().enumerate() {
            if p.role == Role::Expert && p.kind == Kind::Answer {
                member_answers += 1;
                let resolved =
                    Some(i) == last_answer && !posts[i..].iter().any(|p| p.kind == Kind::Chase);
                right += u64::from(resolved);
            }
        }
    }
    if let Some(fit) = censored_lognormal_mle(&delays) {
        estimates.push(Estimate::scalar(
            "log.member_answer_delay.median",
            fit.mu.exp(),
            Some(((fit.mu - 1.96 * fit.mu_se).exp(), (fit.mu + 1.96 * fit.mu_se).exp())),
            delays.len() as u64,
            Unit::Hours,
            "censored lognormal maximum likelihood of the time from question to first member answer (a staff response or the log's end censors it)",
        ));
    }
    if responded > 0 {
        estimates.push(Estimate::share(
            "log.member_first_response_share",
            by_members,
            responded,
            "share of responded threads whose first response is a member's",
        ));
    }
    if member_answers > 0 {
        estimates.push(Estimate::share(
            "experts.correct_probability",
            right,
            member_answers,
            "share of member answers that are their thread's last answer with no chase after (biased up: an asker out of chases leaves silently)",
        ));
    }

    let km = kaplan_meier(&retention_obs);
    let mut retention = Vec::new();
    for day in retention_days(log.days(), churn_days) {
        let (s, lo, hi) = km.survival_at(day);
        retention.push((day, s, lo, hi));
        estimates.push(Estimate::scalar(
            &format!("log.experts_retention_{day}d"),
            s,
            Some((lo, hi)),
            retention_obs.len() as u64,
            Unit::Number,
            &format!("Kaplan-Meier survival of members from their first answer; churn = {churn_days} days without an answer; Greenwood log-log 95 % CI"),
        ));
    }
    let recruits: HashSet<u32> = answers
        .keys()
        .filter(|a| first_post[a].1 != Kind::Answer)
        .copied()
        .collect();
    estimates.push(Estimate::scalar(
        "log.members_who_asked_first",
        recruits.len() as f64,
        None,
        answers.len() as u64,
        Unit::Count,
        "members whose first post in the log is a question of their own",
    ));
    // Recognition: how members answer after it (`engagement`).
    let window = super::engagement::WINDOW_DAYS;
    if let Some(e) = super::engagement::after_acceptance(log) {
        estimates.push(Estimate::scalar(
            "log.answers_after_acceptance",
            e.change,
            Some(e.interval()),
            e.answers,
            Unit::Number,
            &format!(
                "relative change in a member's answers in the {window} days after an accepted answer, against a right-looking \
                 answer not accepted, each over the member's answers in the {window} days before; {} members; \
                 delta-method CI with members as clusters",
                e.members
            ),
        ));
    }
    for (weight, reason) in [
        (
            "accepted",
            "the log shows the change in a member's answering after an acceptance (log.answers_after_acceptance), which is \
             the weight over the member's engagement; engagement is not in the log, so the weight is not identified; \
             fit's check compares the change with the fitted scenario's",
        ),
        (
            "confirmed",
            "staff confirm the answers they get to, and which they get to follows their load, not chance, so confirmed and \
             unconfirmed answers are not comparable",
        ),
        (
            "promoted",
            "reaching a level happens at a fixed answer count, so its effect cannot be told apart from the member's own trend without a discontinuity design, which fit does not attempt",
        ),
        (
            "preempted",
            "who saw a pre-empted thread leaves no post, and a log under one delay policy has no comparison of policies",
        ),
        ("chased", "who saw a chased thread leaves no post"),
        (
            "overloaded",
            "how many members are online leaves no post, so the waiting questions per online member are unknown",
        ),
        (
            "initial",
            "engagement is not in the log; only changes relative to it are",
        ),
        (
            "newcomer",
            "engagement is not in the log; only changes relative to it are",
        ),
        (
            "leave_below",
            "engagement is not in the log; the departure threshold only sets the scale of the other weights",
        ),
    ] {
        not_identified.push(NotIdentified {
            path: format!("experts.engagement.{weight}"),
            reason: reason.into(),
        });
    }
    Experts {
        estimates,
        not_identified,
        activity_sigma,
        retention,
    }
}
