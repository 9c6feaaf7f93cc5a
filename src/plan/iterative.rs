//! The iterative staffing algorithm (ISA) of Feldman, Mandelbaum, Massey
//! and Whitt (2008), "Staffing of time-varying queues to achieve
//! time-stable performance", *Management Science* 54(2):324–338: where
//! the search starts when a target asks for a wait that is stable through
//! the day (`every_hour(waiting.p_wait) <= α`).
//!
//! Sizing each hour for its own arrival rate, as if the queue settled
//! within the hour (the pointwise stationary approximation), fails when
//! handling is not short against the daily cycle: the number of questions
//! in the system lags the arrival rate by about a handling time, so that
//! staffing peaks too early and the wait swings through the day (tested
//! in `tests/plan.rs`). ISA simulates instead: with staffing s⁽ⁱ⁾ it
//! measures the distribution of the number in system N⁽ⁱ⁾(t) in each hour,
//! sets s⁽ⁱ⁺¹⁾(t) to the least s with P(N⁽ⁱ⁾(t) ≥ s) ≤ α, and repeats until
//! the staffing stops changing. A question waits when it finds every
//! server busy, so at the fixed point the probability of waiting,
//! P(N(t−) ≥ s(t)) for arrivals, is at most α in every hour, and close to
//! it: N barely depends on the staffing when few wait (it is near the
//! infinite-server number in system), so the rounds converge in a few
//! steps.
//!
//! Here:
//! - **N** is what a question finds when it joins the staff's queue
//!   (`model::Observer::staff_arrival`): questions waiting for staff,
//!   plus staff on shift busy with a task. Staff finishing a task past
//!   their shift's end are not counted: they take nothing new. Arrivals
//!   see it as it is at a random time (Poisson arrivals, PASTA), so the
//!   share of arrivals that find N ≥ s is the probability.
//! - **Hours** are the 168 hours of the week. Head counts come from the
//!   hourly needs by `cover`: the least cost of blocks that puts at least
//!   s(t) people on shift in every hour some block works.
//! - **The first staffing** is generous, offered load + 2√load + 1 in each
//!   hour, with every question going to staff: then few wait and the
//!   first N measured is close to the infinite-server one, as the paper
//!   starts (it uses infinitely many servers).
//! - **One queue.** N counts every team's staff and every topic's
//!   questions, so the algorithm applies to a scenario with one team (as
//!   in the paper, one multi-server queue); with more, the search starts
//!   from `seed` instead. Either way the search after it decides: this is
//!   only the start.
//! - Rounds run on the first stage's replications of the search's seeds,
//!   until no block moves by more than one person (a finite sample keeps
//!   a block trembling by one), or `ROUNDS` rounds. The search then grows
//!   the result if some target still fails on those seeds (another
//!   target than the hourly one, or an hour left short).

use super::Block;
use crate::model::{Observer, simulate};
use crate::scenario::Scenario;
use crate::time::{MS_PER_HOUR, MS_PER_WEEK, SimTime};

/// Hours in a week.
pub const WEEK_HOURS: usize = 168;

/// The most rounds of simulate-then-resize.
pub const ROUNDS: usize = 10;

/// What questions find when they join the staff's queue, by hour of the
/// week: `by_hour[w][n]` arrivals in hour w found n in the system.
#[derive(Debug, Clone)]
pub struct Seen {
    pub by_hour: Vec<Vec<u64>>,
}

impl Default for Seen {
    fn default() -> Seen {
        Seen {
            by_hour: vec![Vec::new(); WEEK_HOURS],
        }
    }
}

impl Seen {
    /// Adds another replication's counts.
    pub fn add(&mut self, other: &Seen) {
        for (mine, theirs) in self.by_hour.iter_mut().zip(&other.by_hour) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }

    /// The counts of each hour of the day pooled over the seven days, put
    /// back in every day's hour: for a week of seven equal days, where a
    /// day's hour is one quantity measured seven times as often.
    pub fn pooled_by_day(&self) -> Seen {
        let mut day = Seen {
            by_hour: vec![Vec::new(); 24],
        };
        for (w, counts) in self.by_hour.iter().enumerate() {
            let mine = &mut day.by_hour[w % 24];
            if mine.len() < counts.len() {
                mine.resize(counts.len(), 0);
            }
            for (m, c) in mine.iter_mut().zip(counts) {
                *m += c;
            }
        }
        Seen {
            by_hour: (0..WEEK_HOURS)
                .map(|w| day.by_hour[w % 24].clone())
                .collect(),
        }
    }

    /// Per hour of the week, the least s with P(N ≥ s) ≤ `alpha` among the
    /// arrivals of that hour (0 for an hour without any).
    pub fn needs(&self, alpha: f64) -> Vec<u32> {
        self.by_hour
            .iter()
            .map(|counts| {
                let total: u64 = counts.iter().sum();
                // tail = arrivals that found s or more; lower s while the
                // tail stays within α.
                let allowed = alpha * total as f64;
                let mut tail = 0u64;
                let mut s = counts.len();
                while s > 0 && (tail + counts[s - 1]) as f64 <= allowed {
                    tail += counts[s - 1];
                    s -= 1;
                }
                s as u32
            })
            .collect()
    }
}

impl Observer for Seen {
    fn wants_staff_arrivals(&self) -> bool {
        true
    }

    fn staff_arrival(&mut self, at: SimTime, counted: bool, in_system: u32) {
        if !counted {
            return;
        }
        let hour = (at.as_millis() % MS_PER_WEEK / MS_PER_HOUR) as usize;
        let counts = &mut self.by_hour[hour];
        let n = in_system as usize;
        if counts.len() <= n {
            counts.resize(n + 1, 0);
        }
        counts[n] += 1;
    }
}

/// Whether the algorithm applies: one team in the scenario (one queue),
/// and blocks that never overlap, so that each hour's staffing is one
/// block's head count and `cover` sets it exactly. With overlapping
/// shifts the hourly staffing has many covers (eight-hour shifts starting
/// every hour: the covering matrix is singular), `cover` jumps between
/// them from one round to the next and the rounds do not settle (tried);
/// sizing such shifts from hourly needs is a shift-scheduling integer
/// program, not built. The descent plans them instead.
pub fn applies(scenario: &Scenario, on: &[Vec<bool>]) -> bool {
    // The one team must cover every topic: questions nobody can take would
    // sit in the staff's queue and count in N.
    let covers_all = scenario
        .staff
        .teams
        .first()
        .is_some_and(|t| t.topics.len() == scenario.demand.topics.len());
    scenario.staff.teams.len() == 1
        && covers_all
        && (0..WEEK_HOURS).all(|w| on.iter().filter(|hours| hours[w]).count() <= 1)
}

/// Whether the seven days of the week are alike: demand and expert
/// presence the same every day, and every block working the same hours
/// each day. Then `Seen::pooled_by_day` applies.
pub fn seven_equal_days(scenario: &Scenario, on: &[Vec<bool>]) -> bool {
    let flat = |v: &[f64]| v.windows(2).all(|p| (p[0] - p[1]).abs() < 1e-12);
    flat(&scenario.demand.weekly_profile)
        && flat(&scenario.experts.presence_weekly)
        && on
            .iter()
            .all(|hours| (0..WEEK_HOURS).all(|w| hours[w] == hours[w % 24]))
}

/// Which hours of the week each block works (at the hour's middle).
pub fn hours_on(scenario: &Scenario, blocks: &[Block]) -> Vec<Vec<bool>> {
    blocks
        .iter()
        .map(|b| {
            let windows = &scenario.staff.teams[b.team].shifts[b.pattern].windows;
            (0..WEEK_HOURS as u64)
                .map(|w| windows.contains(w * MS_PER_HOUR + MS_PER_HOUR / 2))
                .collect()
        })
        .collect()
}

/// The first hour of the week a block's shift starts (it is on, and was
/// off the hour before, round the week); 0 for a block always on, and
/// the end of the week for one never on.
pub fn first_start(on: &[bool]) -> usize {
    let n = on.len();
    (0..n)
        .find(|&w| on[w] && !on[(w + n - 1) % n])
        .unwrap_or(if on.iter().any(|&x| x) { 0 } else { n })
}

/// The first staffing: offered load + 2√load + 1 in each hour of the week,
/// as if every question went to staff.
pub fn generous(scenario: &Scenario) -> Vec<u32> {
    let d = &scenario.demand;
    let handling_hours = scenario
        .staff
        .teams
        .first()
        .map_or(0.0, |t| t.answer_time.mean() / MS_PER_HOUR as f64);
    (0..WEEK_HOURS)
        .map(|w| {
            let per_hour = d.questions_per_day / 24.0
                * d.hourly_profile.get(w % 24).copied().unwrap_or(1.0)
                * d.weekly_profile.get(w / 24).copied().unwrap_or(1.0);
            let load = per_hour * handling_hours;
            if load.is_finite() && load > 0.0 {
                (load + 2.0 * load.sqrt() + 1.0).ceil() as u32
            } else {
                0
            }
        })
        .collect()
}

/// Head counts per block that put at least `need[w]` people on shift in
/// every hour w some block works, at a low cost. Hours are taken in time
/// order, round the week from the hour after the least need, twice (the
/// second lap covers what wraps round); an hour still short gets its
/// shortfall in the block working it that reaches furthest ahead (the
/// latest start), the cheaper on a tie. For blocks that do not overlap
/// (one per hour, or day and night), the only blocks the iterative
/// staffing plans (`applies`), each block gets the largest need of its
/// hours: the least cost exactly. For overlapping blocks it is the
/// classic latest-start heuristic of interval covering, not an optimum.
pub fn cover(on: &[Vec<bool>], unit_cost: &[f64], need: &[u32]) -> Vec<u32> {
    let n = need.len();
    let mut counts = vec![0u32; on.len()];
    if n == 0 {
        return counts;
    }
    let mut have = vec![0u32; n];
    // How many hours block b stays on from hour w, round the week.
    let reach = |b: usize, w: usize| (0..n).take_while(|&k| on[b][(w + k) % n]).count();
    let first = (0..n)
        .min_by_key(|&w| (need[w], w))
        .map_or(0, |w| (w + 1) % n);
    for step in 0..2 * n {
        let w = (first + step) % n;
        let short = need[w].saturating_sub(have[w]);
        if short == 0 {
            continue;
        }
        let best = (0..on.len()).filter(|&b| on[b][w]).max_by(|&a, &b| {
            reach(a, w)
                .cmp(&reach(b, w))
                .then(unit_cost[b].total_cmp(&unit_cost[a]))
                .then(b.cmp(&a))
        });
        // An hour no block works stays short: nothing can be done there.
        let Some(b) = best else { continue };
        counts[b] = counts[b].saturating_add(short);
        for (h, x) in have.iter_mut().enumerate() {
            if on[b][h] {
                *x = x.saturating_add(short);
            }
        }
    }
    counts
}

/// One round's measurement: simulates `scenario` on each seed and pools
/// what the staff's arrivals found. Returns the summaries too (for the
/// run count and early stops).
pub fn measure(
    pool: &rayon::ThreadPool,
    scenario: &Scenario,
    seeds: &[u64],
) -> Result<Seen, String> {
    let seen = crate::replicate::map_seeds_in(pool, seeds, |_, seed| {
        let mut seen = Seen::default();
        simulate(scenario, seed, &mut seen);
        seen
    })?;
    let mut total = Seen::default();
    for s in &seen {
        total.add(s);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_need_is_the_least_s_with_a_tail_within_alpha() {
        let mut seen = Seen::default();
        // 100 arrivals in hour 0: 10 found 0, 20 found 1, …, 10 found 5 …
        seen.by_hour[0] = vec![10, 20, 30, 20, 10, 10];
        // P(N ≥ 5) = 0.10, P(N ≥ 4) = 0.20, P(N ≥ 3) = 0.40.
        assert_eq!(seen.needs(0.2)[0], 4);
        assert_eq!(seen.needs(0.19)[0], 5);
        assert_eq!(seen.needs(0.1)[0], 5);
        assert_eq!(seen.needs(0.05)[0], 6, "no arrival found 6");
        assert_eq!(seen.needs(1.0)[0], 0);
        assert_eq!(seen.needs(0.2)[1], 0, "an hour without arrivals needs none");
        // Pooled over the days: hour 24 (Tuesday 00:00) adds to hour 0.
        seen.by_hour[24] = vec![0, 0, 0, 0, 0, 0, 0, 0, 100];
        let pooled = seen.pooled_by_day();
        assert_eq!(pooled.by_hour[0], pooled.by_hour[48]);
        // 200 arrivals: P(N ≥ 6) = P(N ≥ 8) = 0.5, P(N ≥ 5) = 0.55.
        assert_eq!(pooled.needs(0.5)[0], 6);
        assert_eq!(pooled.needs(0.55)[0], 5);
    }

    #[test]
    fn disjoint_blocks_get_the_largest_need_of_their_hours() {
        let mut need = vec![0u32; WEEK_HOURS];
        let on: Vec<Vec<bool>> = (0..2)
            .map(|b| (0..WEEK_HOURS).map(|w| (w % 24 < 12) == (b == 0)).collect())
            .collect();
        for (w, n) in need.iter_mut().enumerate() {
            *n = (w % 24) as u32 + w as u32 / 24;
        }
        // Day block: hours 0–11 of each day, largest 11 + 6; night: 23 + 6.
        assert_eq!(cover(&on, &[1.0, 1.0], &need), vec![17, 29]);
    }

    #[test]
    fn overlapping_blocks_are_covered_and_hours_nobody_works_ignored() {
        // A long block on hours 0–9 and a short one on hours 0–4; hour 20
        // is worked by nobody.
        let on = vec![
            (0..WEEK_HOURS).map(|w| w < 10).collect::<Vec<_>>(),
            (0..WEEK_HOURS).map(|w| w < 5).collect::<Vec<_>>(),
        ];
        let mut need = vec![0u32; WEEK_HOURS];
        need[..5].fill(3);
        need[5..10].fill(1);
        need[20] = 7;
        let counts = cover(&on, &[10.0, 5.0], &need);
        for (w, &n) in need.iter().enumerate().take(10) {
            let have: u32 = (0..2).filter(|&b| on[b][w]).map(|b| counts[b]).sum();
            assert!(have >= n, "hour {w}: {have} < {n}");
        }
        assert_eq!(
            counts,
            vec![3, 0],
            "the block reaching furthest takes hour 0's need"
        );
    }

    #[test]
    fn staggered_shifts_follow_a_smooth_need_exactly() {
        // 24 eight-hour shifts, one starting each hour, every day; a need
        // that rises and falls through the day by at most a few an hour.
        let on: Vec<Vec<bool>> = (0..24)
            .map(|start| {
                (0..WEEK_HOURS)
                    .map(|w| (w % 24 + 24 - start) % 24 < 8)
                    .collect()
            })
            .collect();
        let daily: Vec<u32> = (0..24)
            .map(|h| (40.0 + 15.0 * (std::f64::consts::TAU * h as f64 / 24.0).sin()).round() as u32)
            .collect();
        let need: Vec<u32> = (0..WEEK_HOURS).map(|w| daily[w % 24]).collect();
        let counts = cover(&on, &[8.0; 24], &need);
        let have = |w: usize| -> u32 { (0..24).filter(|&b| on[b][w]).map(|b| counts[b]).sum() };
        let excess: u32 = (0..24).map(|w| have(w) - need[w]).sum();
        assert!((0..WEEK_HOURS).all(|w| have(w) >= need[w]));
        // The least possible is Σ need / 8 people; say what was reached.
        let least = (daily.iter().sum::<u32>() as f64 / 8.0).ceil() as u32;
        let people: u32 = counts.iter().sum();
        assert!(
            people <= least + 3,
            "{people} people against at least {least}; excess {excess}"
        );
    }
}
