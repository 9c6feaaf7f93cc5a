//! Staff: their share of first responses, the intervention delay they
//! practise, their teams, head counts and shifts as the log shows them.
//!
//! - **Intervention delay.** Staff may take a community question once it
//!   has waited the delay, then take it when free and write: a thread's
//!   age at staff's first response, on threads no member answered first,
//!   is the delay plus a wait and a writing time. The delay is estimated by
//!   a low quantile of those ages (the 2nd percentile, with its binomial
//!   order-statistic interval), written into the scenario rounded down to
//!   a quarter hour. Without a `kind` column an escalation looks like an
//!   answer, and account questions (handled at once) pull it down.
//! - **Teams.** Each staff member's topics are those with at least a tenth
//!   of their posts; members with the same topics form a team.
//! - **Shifts.** A member's working day runs from their first to their
//!   last post of the day (see `windows_of`). Members with the same window
//!   share a shift pattern. Staff post only when they have work: a member
//!   on shift but idle is invisible, so a window is the part of the shift
//!   in which the member was seen working.
//! - **Head count.** Members who posted in the log's last 28 days.

use super::clock::Stamp;
use super::estimate::{Estimate, NotIdentified, Unit};
use super::log::{Post, PostLog};
use crate::posts::{Kind, Role};
use crate::scenario::Scenario;
use std::collections::{BTreeMap, HashMap};

const MS_PER_HOUR: i64 = 3_600_000;
const MS_PER_WEEK: i64 = 168 * MS_PER_HOUR;
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A team as the log shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedTeam {
    pub name: String,
    pub count: u32,
    /// Topic names (all topics if the log has none).
    pub topics: Vec<String>,
    /// (share, windows such as "mon-fri 08:00-16:00").
    pub shifts: Vec<(f64, Vec<String>)>,
}

pub struct Staff {
    pub estimates: Vec<Estimate>,
    pub not_identified: Vec<NotIdentified>,
    pub teams: Vec<FittedTeam>,
    /// Confirmation posts in the log (None: the log has no kinds).
    pub confirmations: Option<u64>,
}

/// The base's staff answer time, mean over its teams, in ms (0 without
/// teams): what a staff answer took before it was posted.
pub fn mean_answer_ms(base: &Scenario) -> f64 {
    let teams = &base.staff.teams;
    if teams.is_empty() {
        return 0.0;
    }
    teams.iter().map(|t| t.answer_time.mean()).sum::<f64>() / teams.len() as f64
}

/// `base` gives the staff's answer time, which sets how far past a shift's
/// end its last answers may be posted.
pub fn estimate(log: &PostLog, base: &Scenario) -> Staff {
    let mut estimates = Vec::new();
    let mut not_identified = Vec::new();
    let (mut responded, mut by_staff) = (0u64, 0u64);
    let (mut ages, mut account_ages) = (Vec::new(), Vec::new());
    for t in 0..log.threads.len() {
        let posts = log.thread(t);
        let Some(first) = log.first_response(t) else {
            continue;
        };
        responded += 1;
        if first.role == Role::Staff {
            by_staff += 1;
            let age = (first.at.instant_ms - posts[0].at.instant_ms) as f64 / MS_PER_HOUR as f64;
            match first.kind {
                Kind::Escalation => account_ages.push(age),
                _ => ages.push(age),
            }
        }
    }
    if responded > 0 {
        estimates.push(Estimate::share(
            "log.staff_first_response_share",
            by_staff,
            responded,
            "share of responded threads whose first response is staff's",
        ));
    }
    let low_quantile = "2nd percentile of the thread's age at staff's first response (no member answered first), \
                        rounded down to a quarter hour in the scenario; 95 % CI from binomial order statistics";
    match quantile_with_ci(&mut ages, 0.02) {
        Some((q, ci)) => estimates.push(Estimate::scalar(
            "policy.intervention_delay",
            q,
            Some(ci),
            ages.len() as u64,
            Unit::Hours,
            low_quantile,
        )),
        None => not_identified.push(NotIdentified {
            path: "policy.intervention_delay".into(),
            reason: "too few threads first answered by staff (fewer than 50)".into(),
        }),
    }
    match quantile_with_ci(&mut account_ages, 0.02) {
        Some((q, ci)) => estimates.push(Estimate::scalar(
            "policy.account_delay",
            q,
            Some(ci),
            account_ages.len() as u64,
            Unit::Hours,
            &low_quantile.replace(
                "first response (no member answered first)",
                "escalation acknowledgement",
            ),
        )),
        None => not_identified.push(NotIdentified {
            path: "policy.account_delay".into(),
            reason: if log.kinds_given {
                "too few escalations (fewer than 50)".into()
            } else {
                "without a kind column an escalation looks like an answer".into()
            },
        }),
    }
    let confirmations = log.kinds_given.then(|| {
        log.posts
            .iter()
            .filter(|p| p.kind == Kind::Confirmation)
            .count() as u64
    });
    if confirmations.is_none() {
        not_identified.push(NotIdentified {
            path: "policy.confirm_expert_answers".into(),
            reason: "without a kind column a confirmation looks like an answer".into(),
        });
    }
    // The last answer of a shift may be posted up to about two answer
    // times after its end (taken just before it, with a long tail); a
    // quarter hour at least.
    let overrun_ms = (2.0 * mean_answer_ms(base)).max(MS_PER_HOUR as f64 / 4.0) as i64;
    let teams = teams(log, overrun_ms);
    if teams.is_empty() {
        not_identified.push(NotIdentified {
            path: "staff.teams".into(),
            reason: "the log has no staff posts".into(),
        });
    }
    for team in &teams {
        estimates.push(Estimate::scalar(
            &format!("staff.teams.{}.count", team.name),
            f64::from(team.count),
            None,
            u64::from(team.count),
            Unit::Count,
            "staff members of the team who posted in the log's last 28 days",
        ));
    }
    // A handling-time proxy: the gap between a staff member's post and
    // their next answer, when it is short enough to be the same stretch
    // of work. It bounds the answer time from above when staff are busy
    // (the gap is the answer's writing plus any idle time before it).
    let mut gaps = Vec::new();
    let mut by_author: BTreeMap<u32, Vec<&Post>> = BTreeMap::new();
    for p in log.posts.iter().filter(|p| p.role == Role::Staff) {
        by_author.entry(p.author).or_default().push(p);
    }
    for posts in by_author.values_mut() {
        posts.sort_by_key(|p| p.at.instant_ms);
        for pair in posts.windows(2) {
            let gap = (pair[1].at.instant_ms - pair[0].at.instant_ms) as f64 / MS_PER_HOUR as f64;
            if pair[1].kind == Kind::Answer && gap < 2.0 {
                gaps.push(gap);
            }
        }
    }
    if let Some((median, ci)) = quantile_with_ci(&mut gaps, 0.5) {
        estimates.push(Estimate::scalar(
            "log.staff_gap_before_answer.median",
            median,
            Some(ci),
            gaps.len() as u64,
            Unit::Hours,
            "median gap between a staff member's post and their next answer, gaps under 2 h: an upper bound on the answer time when staff are busy (it adds any idle time); 95 % CI from binomial order statistics",
        ));
    }
    not_identified.push(NotIdentified {
        path: "staff.teams.*.answer_time".into(),
        reason: "the log shows when a staff answer is posted, not when work on it began; the base's handling times are kept (log.staff_gap_before_answer.median bounds them from above)".into(),
    });
    Staff {
        estimates,
        not_identified,
        teams,
        confirmations,
    }
}

/// The `p` quantile and its 95 % order-statistic interval (at least 50
/// values).
fn quantile_with_ci(xs: &mut [f64], p: f64) -> Option<(f64, (f64, f64))> {
    if xs.len() < 50 {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let at = |rank: f64| xs[(rank.round().max(0.0) as usize).min(xs.len() - 1)];
    let centre = p * n;
    let half = 1.96 * (n * p * (1.0 - p)).sqrt();
    Some((at(centre), (at(centre - half), at(centre + half))))
}

/// A team's shift patterns: windows -> (members, members still active).
type Shifts = BTreeMap<Vec<String>, (u32, u32)>;

fn teams(log: &PostLog, overrun_ms: i64) -> Vec<FittedTeam> {
    let mut by_author: BTreeMap<u32, Vec<&Post>> = BTreeMap::new();
    for p in log.posts.iter().filter(|p| p.role == Role::Staff) {
        by_author.entry(p.author).or_default().push(p);
    }
    let recent = log.end_ms - 28 * 24 * MS_PER_HOUR;
    // Team key: the member's topics. Shift key: their windows.
    let mut teams: BTreeMap<Vec<u16>, Shifts> = BTreeMap::new();
    for posts in by_author.values() {
        let mut topic_counts: HashMap<u16, usize> = HashMap::new();
        for p in posts {
            if let Some(k) = p.topic {
                *topic_counts.entry(k).or_default() += 1;
            }
        }
        let mut topics: Vec<u16> = topic_counts
            .iter()
            .filter(|&(_, &c)| c * 10 >= posts.len())
            .map(|(&k, _)| k)
            .collect();
        topics.sort_unstable();
        let windows = windows_of(posts, overrun_ms);
        let active = posts.iter().any(|p| p.at.instant_ms >= recent);
        let entry = teams.entry(topics).or_default().entry(windows).or_default();
        entry.0 += 1;
        entry.1 += u32::from(active);
    }
    teams
        .into_iter()
        .filter_map(|(topics, shifts)| {
            let names: Vec<String> = if topics.is_empty() {
                log.topics.clone()
            } else {
                topics
                    .iter()
                    .map(|&k| log.topics[usize::from(k)].clone())
                    .collect()
            };
            let all: u32 = shifts.values().map(|c| c.0).sum();
            let count: u32 = shifts.values().map(|c| c.1).sum::<u32>();
            let patterns: Vec<(f64, Vec<String>)> = shifts
                .into_iter()
                .filter(|(w, _)| !w.is_empty())
                .map(|(w, (members, _))| (f64::from(members) / f64::from(all), w))
                .collect();
            if patterns.is_empty() {
                return None;
            }
            // Shares of the patterns kept add to 1.
            let total: f64 = patterns.iter().map(|p| p.0).sum();
            let shifts = patterns.into_iter().map(|(s, w)| (s / total, w)).collect();
            let name = if names.is_empty() {
                "staff".to_string()
            } else {
                names.join("-")
            };
            Some(FittedTeam {
                name,
                count: count.max(1),
                topics: names,
                shifts,
            })
        })
        .collect()
}

/// A member's weekly window. On each day they posted, their first post
/// marks their start and their last post their end: the shift starts at
/// the hour their days most often start (staff clear what waited at the
/// start of a shift, so starts are sharp), and ends at the 95th
/// percentile of their ends, a post in the first quarter of an hour
/// counting for the hour before (work finished just past the end of a
/// shift). They work the weekdays on which they posted at least every
/// other week of their active span.
/// The hour of the day after the longest run of hours (circularly) in
/// which the member never posted: where their working day begins.
fn day_start_hour(posts: &[&Post]) -> usize {
    let mut posted = [false; 24];
    for p in posts {
        posted[p.at.hour_of_week() % 24] = true;
    }
    if posted.iter().all(|&b| b) || !posted.iter().any(|&b| b) {
        return 0;
    }
    let (mut best, mut best_len) = (0, 0);
    for from in 0..24 {
        if posted[from] || !posted[(from + 23) % 24] {
            continue;
        }
        // A quiet run starts here; it ends at the next posting hour.
        let len = (0..24).take_while(|&k| !posted[(from + k) % 24]).count();
        if len > best_len {
            (best, best_len) = ((from + len) % 24, len);
        }
    }
    best
}

fn windows_of(posts: &[&Post], overrun_ms: i64) -> Vec<String> {
    let first = posts.iter().map(|p| p.at.instant_ms).min().unwrap_or(0);
    let last = posts.iter().map(|p| p.at.instant_ms).max().unwrap_or(0);
    let weeks = ((last - first) / MS_PER_WEEK + 1).max(1) as usize;
    // A working day starts after the member's longest quiet stretch of
    // the clock (circularly), not at midnight: a night shift, 22:00 to
    // 06:00, is then one day's work, not the end of one and the start of
    // the next.
    let day_start = day_start_hour(posts);
    let shift_ms = day_start as i64 * MS_PER_HOUR;
    // Per working day: (weekday it starts on, first post, last post), in
    // local ms less `shift_ms`.
    let mut days: BTreeMap<i64, (usize, i64, i64)> = BTreeMap::new();
    for p in posts {
        let local = p.at.local_ms - shift_ms;
        let day = local.div_euclid(24 * MS_PER_HOUR);
        let weekday = Stamp {
            instant_ms: 0,
            local_ms: day * 24 * MS_PER_HOUR,
        }
        .hour_of_week()
            / 24;
        let entry = days.entry(day).or_insert((weekday, local, local));
        entry.1 = entry.1.min(local);
        entry.2 = entry.2.max(local);
    }
    let hour_in_day = |ms: i64| ms.rem_euclid(24 * MS_PER_HOUR);
    let mut start_counts = [0usize; 24];
    let mut ends: Vec<i64> = Vec::new();
    for &(_, first, last) in days.values() {
        start_counts[(hour_in_day(first) / MS_PER_HOUR) as usize] += 1;
        let end = hour_in_day(last) - overrun_ms;
        ends.push(((end + MS_PER_HOUR - 1).div_euclid(MS_PER_HOUR)).clamp(1, 24));
    }
    let Some(start) = (0..24usize).max_by_key(|&h| (start_counts[h], std::cmp::Reverse(h))) else {
        return Vec::new();
    };
    ends.sort_unstable();
    let end = ends[((ends.len() - 1) as f64 * 0.95).round() as usize].max(start as i64 + 1);
    let worked: Vec<bool> = (0..7)
        .map(|weekday| days.values().filter(|d| d.0 == weekday).count() * 2 >= weeks)
        .collect();
    // Back on the clock: a window past midnight ends the next morning.
    let (start, end) = (start + day_start, end as usize + day_start);
    let hours = format!(
        "{:02}:00-{:02}:00",
        start % 24,
        if end > 24 { end % 24 } else { end }
    );
    let mut windows = Vec::new();
    let mut d = 0;
    while d < 7 {
        if !worked[d] {
            d += 1;
            continue;
        }
        let mut e = d;
        while e + 1 < 7 && worked[e + 1] {
            e += 1;
        }
        let dayspec = if e == d {
            DAYS[d].to_string()
        } else {
            format!("{}-{}", DAYS[d], DAYS[e])
        };
        windows.push(format!("{dayspec} {hours}"));
        d = e + 1;
    }
    windows
}
