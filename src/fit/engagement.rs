//! What a log shows of engagement: how a member's answering changes after
//! recognition.
//!
//! Engagement itself leaves no post, but the model ties it to something
//! that does: a member's online time, and so their answering, is
//! proportional to it. An acceptance adds `engagement.accepted` for good,
//! so a member answers more after an accepted answer than after one that
//! was not accepted, by about `accepted / e` (e their engagement then).
//!
//! **The comparison.** Whether a customer accepts a right answer is, in
//! the model, a coin the member does not control, which makes it a
//! natural experiment. Among member answers that look right (their
//! thread's last answer, with no chase after it) posted at least
//! `WINDOW_DAYS` after the log's start and before its end, the outcome Y
//! is the member's answers in the `WINDOW_DAYS` after it, and X their
//! answers in the `WINDOW_DAYS` before it. The estimate is
//! (ΣY/ΣX over accepted answers) / (ΣY/ΣX over the others) − 1: X puts
//! each answer's outcome against its member's activity just before, so a
//! member who answers a lot is weighed against their own level. Its 95 %
//! interval comes from the delta method on the log of that ratio, with
//! members as clusters (answers of one member share their future).
//!
//! Why not compare each member only with themselves (member strata)?
//! Because recognition lasts: an acceptance raises every later answer's
//! outcome, the unaccepted ones' included, so a within-member contrast
//! over a member's whole history cancels much of the effect it measures
//! (on the synthetic log of the tests below, most of it). The price of pooling is that where acceptance is more likely
//! for members whose activity is rising, the estimate is biased up; in the
//! model acceptance is the same coin for everyone.
//!
//! **What it does not give.** The effect is `weight / e`, and e is not in
//! the log: a weight in engagement units needs the model's engagement
//! levels. A member whose engagement is already 1 (clamped) gains nothing
//! from recognition, so in a forum whose busiest members are saturated the
//! effect is near zero whatever the weight, and so is it for a member at
//! the activity cap (`max_activity_hours`), whose online time engagement
//! no longer scales. `fit` therefore reports the
//! effect as a figure of the log and compares it with the same figure on
//! the fitted scenario's simulated logs (`check`), rather than turning it
//! into a weight.

use super::log::PostLog;
use crate::posts::{Kind, Role};
use std::collections::BTreeMap;

/// The window after an answer in which the member's answers are counted.
pub const WINDOW_DAYS: f64 = 28.0;
const MS_PER_DAY: f64 = 86_400_000.0;

/// A relative change in answering, with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect {
    /// The ratio of ratios less one (see the module's head).
    pub change: f64,
    /// Its standard error, and that of the ratio's log (delta method).
    pub se: f64,
    pub se_log: f64,
    /// Members with both accepted and other right-looking answers.
    pub members: u64,
    /// Their right-looking answers compared.
    pub answers: u64,
}

impl Effect {
    /// The 95 % interval, symmetric on the log of the ratio (so never
    /// below −1).
    pub fn interval(&self) -> (f64, f64) {
        let ln = (1.0 + self.change).ln();
        (
            (ln - 1.96 * self.se_log).exp() - 1.0,
            (ln + 1.96 * self.se_log).exp() - 1.0,
        )
    }
}

/// One member answer, as the comparison sees it.
#[derive(Debug, Clone, Copy)]
struct Answer {
    at: i64,
    accepted: bool,
    right: bool,
}

/// The change in a member's answering after an accepted answer, against a
/// right-looking answer of theirs that was not accepted (None when fewer
/// than two members have both, or no answers follow).
pub fn after_acceptance(log: &PostLog) -> Option<Effect> {
    let window = (WINDOW_DAYS * MS_PER_DAY) as i64;
    let (first_counted, last_counted) = (log.start_ms + window, log.end_ms - window);
    // Per member: [ΣY, ΣX] over accepted answers, then over the others.
    let mut sums: Vec<[f64; 4]> = Vec::new();
    let mut answers_used = 0u64;
    for answers in member_answers(log).values() {
        let times: Vec<i64> = answers.iter().map(|a| a.at).collect();
        let mut member = [0.0; 4];
        let mut kinds = [false; 2];
        let mut used = 0u64;
        for (i, a) in answers.iter().enumerate() {
            if !a.right || a.at < first_counted || a.at > last_counted {
                continue;
            }
            let after = times.partition_point(|&t| t <= a.at + window) - (i + 1);
            let before = i - times.partition_point(|&t| t < a.at - window);
            let k = if a.accepted { 0 } else { 2 };
            member[k] += after as f64;
            member[k + 1] += before as f64;
            kinds[k / 2] = true;
            used += 1;
        }
        if kinds[0] && kinds[1] {
            sums.push(member);
            answers_used += used;
        }
    }
    let total = sums.iter().fold([0.0; 4], |mut t, m| {
        for (t, m) in t.iter_mut().zip(m) {
            *t += m;
        }
        t
    });
    if sums.len() < 2 || total.iter().any(|&t| t <= 0.0) {
        return None;
    }
    let ratio = (total[0] / total[1]) / (total[2] / total[3]);
    // The log of the ratio is a sum of logs of totals: its influence per
    // member is the member's share of each total, with signs.
    let k = sums.len() as f64;
    let spread: f64 = sums
        .iter()
        .map(|m| (m[0] / total[0] - m[1] / total[1] - m[2] / total[2] + m[3] / total[3]).powi(2))
        .sum();
    let se_log = (spread * k / (k - 1.0)).sqrt();
    Some(Effect {
        change: ratio - 1.0,
        se: ratio * se_log,
        se_log,
        members: sums.len() as u64,
        answers: answers_used,
    })
}

/// Member answers in time order per member, each with what happened to it.
fn member_answers(log: &PostLog) -> BTreeMap<u32, Vec<Answer>> {
    let mut by_member: BTreeMap<u32, Vec<Answer>> = BTreeMap::new();
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        let last_answer = posts.iter().rposition(|p| p.kind == Kind::Answer);
        for (i, p) in posts.iter().enumerate() {
            if p.role != Role::Expert || p.kind != Kind::Answer {
                continue;
            }
            let right =
                Some(i) == last_answer && !posts[i + 1..].iter().any(|q| q.kind == Kind::Chase);
            by_member.entry(p.author).or_default().push(Answer {
                at: p.at.instant_ms,
                accepted: p.accepted,
                right,
            });
        }
    }
    for answers in by_member.values_mut() {
        answers.sort_by_key(|a| a.at);
    }
    by_member
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::clock::Stamp;
    use crate::fit::log::Post;
    use rand::{RngExt, SeedableRng};
    use rand_distr::{Distribution, Exp1, LogNormal};

    const DAY: f64 = MS_PER_DAY;

    /// A log of `members` members answering for 200 days, each answer in a
    /// thread of its own and accepted with probability 1/2. A member's
    /// rate is a lognormal base, multiplied by `step` after each accepted
    /// answer and divided by it after each other one (a driftless walk,
    /// so rates do not explode). Later rates after an acceptance are then
    /// step² times those after a non-acceptance: the estimand is step² − 1.
    fn log_with(step: f64, members: u32, seed: u64) -> PostLog {
        let mut rng = crate::rng::SimRng::seed_from_u64(seed);
        let base = LogNormal::new((0.3f64).ln(), 0.5).unwrap();
        let end = (200.0 * DAY) as i64;
        let mut posts = Vec::new();
        let mut threads = Vec::new();
        let post = |thread: u32, author: u32, role, kind, at: i64, accepted| Post {
            thread,
            author,
            role,
            kind,
            at: Stamp {
                instant_ms: at,
                local_ms: at,
            },
            topic: None,
            accepted,
            line: 0,
        };
        for m in 0..members {
            let mut rate = base.sample(&mut rng) / DAY;
            let mut at = 0.0;
            loop {
                let gap: f64 = Exp1.sample(&mut rng);
                at += gap / rate;
                if at >= end as f64 {
                    break;
                }
                let accepted = rng.random::<bool>();
                let thread = threads.len() as u32;
                let start = posts.len();
                let t = at as i64;
                posts.push(post(
                    thread,
                    1_000_000 + thread,
                    Role::Customer,
                    Kind::Question,
                    t - 1,
                    false,
                ));
                posts.push(post(thread, m, Role::Expert, Kind::Answer, t, accepted));
                threads.push(start..posts.len());
                if accepted {
                    rate *= step;
                } else {
                    rate /= step;
                }
            }
        }
        PostLog {
            source: "synthetic".into(),
            posts,
            threads,
            topics: Vec::new(),
            authors: Vec::new(),
            start_ms: 0,
            end_ms: end,
            skipped: 0,
            skipped_examples: Vec::new(),
            kinds_given: true,
        }
    }

    /// The comparison recovers a known effect within 3.3 standard errors,
    /// with a standard error small enough (under a fifth of the effect)
    /// that a comparison blind to acceptance would fail; and with no
    /// effect, it finds none.
    #[test]
    fn the_change_after_acceptance_recovers_a_known_effect_and_no_effect() {
        for (step, seed) in [(1.025f64, 1), (1.0, 2)] {
            let truth = step * step - 1.0;
            let log = log_with(step, 600, seed);
            let e = after_acceptance(&log).expect("members with both kinds of answer");
            assert!(e.se < 0.01, "{e:?}");
            assert!(
                (e.change - truth).abs() <= 3.3 * e.se,
                "effect {truth}: estimated {e:?}"
            );
            assert!(e.members > 500, "{e:?}");
        }
    }
}
