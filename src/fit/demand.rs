//! Demand: questions per day, the hour-of-day and day-of-week profiles,
//! the dispersion of weekly counts against Poisson, topic shares and each
//! topic's share of account questions.
//!
//! **Deflection.** A log shows the questions people posted, after the
//! knowledge base kept some away; the scenario's `questions_per_day` is the
//! demand before that. The log cannot identify the deflection parameters
//! (the would-be askers who stayed away left no trace), so `fit` keeps the
//! base scenario's and inverts their thinning: the knowledge stock of each
//! topic is rebuilt from the log (one public answer per thread resolved by
//! an answer, decaying with the half-life), and the topic's base rate is
//! its questions over its exposure, the profile-weighted hours of the log
//! times the share not deflected (a Horvitz–Thompson estimate). With
//! `deflection.max_share = 0` it is the plain rate.

use super::estimate::{Estimate, NotIdentified, Num, Unit, wilson};
use super::log::PostLog;
use crate::posts::Kind;
use crate::scenario::Scenario;
use crate::special::chi_square_sf;
use crate::stats;

const MS_PER_HOUR: i64 = 3_600_000;

/// What the demand estimates hand to the scenario writer besides the
/// estimates themselves.
pub struct Demand {
    pub estimates: Vec<Estimate>,
    pub not_identified: Vec<NotIdentified>,
    /// The topics of the fitted scenario, in the log's order, with their
    /// shares before deflection and account probabilities (None: keep the
    /// base's).
    pub topics: Vec<FittedTopic>,
}

#[derive(Debug, Clone)]
pub struct FittedTopic {
    pub name: String,
    pub share: f64,
    pub account_probability: Option<f64>,
}

pub fn estimate(log: &PostLog, base: &Scenario) -> Demand {
    let mut estimates = Vec::new();
    let mut not_identified = Vec::new();
    let questions: Vec<&super::log::Post> =
        (0..log.threads.len()).map(|t| &log.thread(t)[0]).collect();
    let n = questions.len() as u64;
    let days = log.days().max(1.0 / 24.0);

    // Profiles, on the local clock.
    let mut by_hour = [0u64; 24];
    let mut by_day = [0u64; 7];
    for q in &questions {
        let how = q.at.hour_of_week();
        by_hour[how % 24] += 1;
        by_day[how / 24] += 1;
    }
    // A log need not cover every hour and weekday equally often (53 days
    // hold four weekdays 8 times and three 7 times): each count is taken
    // over the hours of the log that fall on it.
    let (hours_at, hours_on) = clock_exposure(log);
    let hourly = profile(
        "demand.hourly_profile",
        &by_hour,
        &hours_at,
        "questions per hour of the log at each local hour of day, over their mean; 95 % CI from Poisson counts",
    );
    let weekly = profile(
        "demand.weekly_profile",
        &by_day,
        &hours_on,
        "questions per hour of the log on each local day of week (Monday first), over their mean; 95 % CI from Poisson counts",
    );
    let weights = week_weights(&hourly, &weekly);
    estimates.push(hourly);
    estimates.push(weekly);

    // Weekly counts: the rate's interval and the dispersion check.
    let weeks = (days / 7.0).floor() as usize;
    let mut weekly = vec![0u64; weeks];
    for q in &questions {
        let w = ((q.at.instant_ms - log.start_ms) / (7 * 24 * MS_PER_HOUR)) as usize;
        if w < weeks {
            weekly[w] += 1;
        }
    }
    let observed_per_day = n as f64 / days;
    let observed_ci = if weeks >= 2 {
        let counts: Vec<f64> = weekly.iter().map(|&c| c as f64).collect();
        let (m, sd) = (stats::mean(&counts), stats::sd(&counts));
        let half = stats::t_975(weeks as u64 - 1) * sd / (weeks as f64).sqrt() / 7.0;
        let dispersion = sd * sd / m.max(f64::MIN_POSITIVE);
        let p = chi_square_sf((weeks as f64 - 1.0) * dispersion, weeks as f64 - 1.0);
        estimates.push(Estimate::scalar(
            "log.weekly_dispersion",
            dispersion,
            None,
            weeks as u64,
            Unit::Number,
            &format!(
                "variance over mean of the {weeks} whole weeks' question counts (1 for Poisson); \
                 chi-square test of Poisson dispersion: p = {p:.3}"
            ),
        ));
        Some((m / 7.0 - half, m / 7.0 + half))
    } else {
        let half = 1.96 * (n as f64).sqrt() / days;
        Some((observed_per_day - half, observed_per_day + half))
    };
    estimates.push(Estimate::scalar(
        "log.questions_per_day",
        observed_per_day,
        observed_ci,
        n,
        Unit::Number,
        "questions posted over the log's days; 95 % CI from the weekly counts (Student t), Poisson if under two weeks",
    ));

    // Topics, and the demand before deflection.
    let topic_count = log.topics.len().max(1);
    let mut per_topic = vec![0u64; topic_count];
    // Account questions: counted on threads posted while staff were
    // surely on (an account question posted then is escalated before
    // its asker gives up; one posted at night may never be).
    let staffed = staffed_hours(log);
    let (mut in_staffed, mut escalated) = (vec![0u64; topic_count], vec![0u64; topic_count]);
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        let k = posts[0].topic.map_or(0, usize::from);
        per_topic[k] += 1;
        let how = posts[0].at.hour_of_week();
        if !(staffed[how] && staffed[(how + 1) % 168]) {
            continue;
        }
        in_staffed[k] += 1;
        let first_response = log.first_response(t);
        if first_response.is_some_and(|p| p.kind == Kind::Escalation) {
            escalated[k] += 1;
        }
    }
    let exposure = exposure_hours(log, base, &weights, topic_count);
    let base_rates: Vec<f64> = per_topic
        .iter()
        .zip(&exposure)
        .map(|(&c, &e)| c as f64 / e.max(1e-9))
        .collect();
    let total_rate: f64 = base_rates.iter().sum();
    let per_day = total_rate * 24.0;
    let factor = per_day / observed_per_day;
    let deflection_note = if base.deflection.max_share > 0.0 {
        "questions over the log's exposure: profile-weighted hours times the share the base scenario's \
         deflection leaves, from a knowledge stock rebuilt from the log's resolved threads"
    } else {
        "questions over the log's days (the base scenario has no deflection)"
    };
    estimates.push(Estimate::scalar(
        "demand.questions_per_day",
        per_day,
        observed_ci.map(|(lo, hi)| (lo * factor, hi * factor)),
        n,
        Unit::Number,
        &format!("{deflection_note}; 95 % CI: the observed rate's, scaled alike"),
    ));
    not_identified.push(NotIdentified {
        path: "deflection".into(),
        reason: "would-be askers kept away by the knowledge base leave no post; the base scenario's deflection is kept and inverted".into(),
    });

    let mut topics = Vec::new();
    if log.topics.is_empty() {
        not_identified.push(NotIdentified {
            path: "demand.topics".into(),
            reason: "the log has no topic column: the base scenario's topics and shares are kept"
                .into(),
        });
    } else {
        for (k, name) in log.topics.iter().enumerate() {
            let share = base_rates[k] / total_rate;
            let (lo, hi) = wilson(per_topic[k], n).unwrap_or((0.0, 1.0));
            let scale = share / (per_topic[k] as f64 / n as f64).max(1e-12);
            estimates.push(Estimate::scalar(
                &format!("demand.topics.{name}.share"),
                share,
                Some((lo * scale, hi * scale)),
                n,
                Unit::Number,
                "the topic's base rate over all topics' (after the deflection inversion); 95 % Wilson CI of its observed share, scaled alike",
            ));
            let account_probability = (log.kinds_given && in_staffed[k] > 0).then(|| {
                let p = escalated[k] as f64 / in_staffed[k] as f64;
                estimates.push(Estimate::scalar(
                    &format!("demand.topics.{name}.account_probability"),
                    p,
                    wilson(escalated[k], in_staffed[k]),
                    in_staffed[k],
                    Unit::Number,
                    "share of the topic's threads posted in staffed hours (staff posted in that hour and the next in 9 weeks out of 10) \
                     whose first response is an escalation's acknowledgement; 95 % Wilson CI",
                ));
                p
            });
            topics.push(FittedTopic {
                name: name.clone(),
                share,
                account_probability,
            });
        }
        if !log.kinds_given {
            not_identified.push(NotIdentified {
                path: "demand.topics.*.account_probability".into(),
                reason:
                    "without a kind column an escalation's acknowledgement looks like an answer"
                        .into(),
            });
        }
        not_identified.push(NotIdentified {
            path: "demand.topics.*.expert_coverage".into(),
            reason: "who could answer a topic but never did leaves no post".into(),
        });
    }
    Demand {
        estimates,
        not_identified,
        topics,
    }
}

/// The hours of the week in which some staff member posted in at least
/// nine weeks out of ten of the log.
fn staffed_hours(log: &PostLog) -> Vec<bool> {
    let weeks = ((log.end_ms - log.start_ms) / (7 * 24 * MS_PER_HOUR) + 1) as usize;
    let mut seen: Vec<std::collections::HashSet<i64>> = vec![std::collections::HashSet::new(); 168];
    for p in log
        .posts
        .iter()
        .filter(|p| p.role == crate::posts::Role::Staff)
    {
        seen[p.at.hour_of_week()].insert((p.at.instant_ms - log.start_ms) / (7 * 24 * MS_PER_HOUR));
    }
    seen.iter().map(|s| s.len() * 10 >= weeks * 9).collect()
}

/// Rates (counts over the hours each covers) over their mean, with
/// Poisson intervals; a slot the log never covers gets the mean.
fn profile(path: &str, counts: &[u64], hours: &[f64], estimator: &str) -> Estimate {
    let rate = |c: f64, h: f64| if h > 0.0 { Some(c / h) } else { None };
    let rates: Vec<Option<f64>> = counts
        .iter()
        .zip(hours)
        .map(|(&c, &h)| rate(c as f64, h))
        .collect();
    let covered: Vec<f64> = rates.iter().flatten().copied().collect();
    let mean = covered.iter().sum::<f64>() / covered.len().max(1) as f64;
    let scale = |x: Option<f64>| match x {
        Some(x) if mean > 0.0 => x / mean,
        _ => 1.0,
    };
    let bound = |z: f64| -> Vec<f64> {
        counts
            .iter()
            .zip(hours)
            .map(|(&c, &h)| {
                let c = c as f64;
                scale(rate((c + z * c.sqrt()).max(0.0), h))
            })
            .collect()
    };
    let values = rates.iter().map(|&r| scale(r)).collect();
    Estimate::profile(
        path,
        values,
        Some((bound(-1.96), bound(1.96))),
        counts.iter().sum(),
        estimator,
    )
}

/// The hours of the log's span (first to last post, on the local clock) at
/// each hour of the day and on each day of the week.
fn clock_exposure(log: &PostLog) -> ([f64; 24], [f64; 7]) {
    let (mut at, mut on) = ([0.0; 24], [0.0; 7]);
    let local = |instant: i64| {
        log.posts
            .iter()
            .find(|p| p.at.instant_ms == instant)
            .map_or(instant, |p| p.at.local_ms)
    };
    let (from, to) = (local(log.start_ms), local(log.end_ms));
    let hour: i64 = 3_600_000;
    let mut t = from;
    while t < to {
        let next = ((t.div_euclid(hour) + 1) * hour).min(to);
        let how = super::clock::Stamp {
            instant_ms: t,
            local_ms: t,
        }
        .hour_of_week();
        let length = (next - t) as f64 / hour as f64;
        at[how % 24] += length;
        on[how / 24] += length;
        t = next;
    }
    (at, on)
}

/// The hour-of-week weights of the fitted profiles (hourly × weekly),
/// normalised to mean 1, as the scenario reads them.
fn week_weights(hourly: &Estimate, weekly: &Estimate) -> Vec<f64> {
    let (Num::Many(by_hour), Num::Many(by_day)) = (&hourly.value, &weekly.value) else {
        return vec![1.0; 168];
    };
    let mut w: Vec<f64> = (0..168).map(|h| by_hour[h % 24] * by_day[h / 24]).collect();
    let mean = w.iter().sum::<f64>() / 168.0;
    for x in &mut w {
        *x = if mean > 0.0 { *x / mean } else { 1.0 };
    }
    w
}

/// Per topic: the profile-weighted hours of the log, each times the share
/// of would-be questions the base scenario's deflection lets through.
fn exposure_hours(log: &PostLog, base: &Scenario, weights: &[f64], topics: usize) -> Vec<f64> {
    let d = &base.deflection;
    // Knowledge events: a thread resolved by an answer adds one public
    // answer when its last answer is posted, unless the asker chased
    // after it (it was wrong).
    let mut events: Vec<(i64, usize)> = Vec::new();
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        if let Some(i) = posts.iter().rposition(|p| p.kind == Kind::Answer)
            && !posts[i..].iter().any(|p| p.kind == Kind::Chase)
        {
            events.push((
                posts[i].at.instant_ms,
                posts[0].topic.map_or(0, usize::from),
            ));
        }
    }
    events.sort_unstable();
    // The local clock's offset, for the hour of week of each hour.
    let offset = log
        .posts
        .first()
        .map_or(0, |p| p.at.local_ms - p.at.instant_ms);
    let half_life_hours = d.half_life.as_millis() as f64 / MS_PER_HOUR as f64;
    let decay = (-std::f64::consts::LN_2 / half_life_hours).exp();
    let mut knowledge = vec![d.initial_knowledge; topics];
    let mut exposure = vec![0.0; topics];
    let hours = ((log.end_ms - log.start_ms) as f64 / MS_PER_HOUR as f64).max(1.0);
    let whole = hours.floor() as i64;
    let mut next = 0;
    for h in 0..=whole {
        let at = log.start_ms + h * MS_PER_HOUR;
        let length = if h < whole { 1.0 } else { hours - whole as f64 };
        let local_hour = (at + offset).div_euclid(MS_PER_HOUR);
        let how = (((local_hour.div_euclid(24) + 3).rem_euclid(7)) * 24 + local_hour.rem_euclid(24))
            as usize;
        for k in 0..topics {
            let deflected = if d.max_share > 0.0 {
                d.max_share * knowledge[k] / (knowledge[k] + d.half_saturation)
            } else {
                0.0
            };
            exposure[k] += length * weights[how] * (1.0 - deflected);
            knowledge[k] *= decay;
        }
        while next < events.len() && events[next].0 < at + MS_PER_HOUR {
            knowledge[events[next].1] += 1.0;
            next += 1;
        }
    }
    exposure
}
