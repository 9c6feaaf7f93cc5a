//! The analytic start of the search: how many people on shift the stream
//! of questions that reaches staff needs, from queueing theory, turned
//! into head counts per block. Only a start: the simulation decides.
//!
//! - The stream: questions per hour × (1 − the experts' share of first
//!   answers, measured on the scenario as given), each taking the planned
//!   teams' mean answer time (weighted by their head counts).
//! - On shift: with one planned team on one round-the-clock pattern and a
//!   target on the wait itself (`picked_up_within`, `waiting.p_wait`,
//!   `waiting.p_abandon`, `waiting.mean`), the least c for which exact
//!   Erlang-A (`theory::queueing`, exponential patience of the scenario's
//!   mean) meets them all. Otherwise square-root staffing, c = R + √R
//!   rounded up, with R the offered load in erlangs (Halfin–Whitt, β = 1).
//! - Head counts: c × 168 over the mean weekly hours of one person, split
//!   over the planned blocks in proportion to the scenario's counts.

use super::Block;
use super::targets::{Direction, Measure, Target};
use crate::scenario::Scenario;
use crate::theory::queueing::{QueueModel, exact_metrics};
use crate::time::MS_PER_HOUR;

/// Hours in a week.
const WEEK_HOURS: f64 = 168.0;

pub fn counts(
    sc: &Scenario,
    blocks: &[Block],
    scenario_counts: &[u32],
    targets: &[Target],
    expert_share: f64,
) -> Vec<u32> {
    let per_hour = sc.demand.questions_per_day / 24.0;
    let to_staff = per_hour * (1.0 - expert_share.clamp(0.0, 1.0));
    let total: u32 = scenario_counts.iter().sum();
    // Each block's weight in the split, and the mean answer time and
    // weekly hours of one person, weighted the same way.
    let weights: Vec<f64> = if total == 0 {
        vec![1.0; blocks.len()]
    } else {
        scenario_counts.iter().map(|&n| f64::from(n)).collect()
    };
    let weight_sum: f64 = weights.iter().sum();
    let mean_of = |f: &dyn Fn(&Block) -> f64| {
        blocks
            .iter()
            .zip(&weights)
            .map(|(b, w)| f(b) * w)
            .sum::<f64>()
            / weight_sum
    };
    let handling_hours =
        mean_of(&|b| sc.staff.teams[b.team].answer_time.mean() / MS_PER_HOUR as f64);
    let hours_per_person = mean_of(&|b| b.hours_per_week).max(1.0);
    let on_shift = servers(sc, blocks, targets, to_staff, handling_hours);
    let heads = (f64::from(on_shift) * WEEK_HOURS / hours_per_person).ceil() as u32;
    let shares: Vec<f64> = weights.iter().map(|w| w / weight_sum).collect();
    crate::model::split_count(heads, &shares)
}

/// People needed on shift at once.
fn servers(
    sc: &Scenario,
    blocks: &[Block],
    targets: &[Target],
    per_hour: f64,
    handling_hours: f64,
) -> u32 {
    let load = per_hour * handling_hours;
    let square_root = (load + load.sqrt()).ceil().max(1.0) as u32;
    let round_the_clock = blocks.len() == 1 && blocks[0].hours_per_week >= WEEK_HOURS - 1e-9;
    let waits: Vec<&Target> = targets
        .iter()
        .filter(|t| match &t.measure {
            Measure::PickedUpWithin(_) => true,
            Measure::Field(f) => f.name.starts_with("waiting."),
            _ => false,
        })
        .collect();
    let patience_hours = sc.customers.patience.mean() / MS_PER_HOUR as f64;
    if !round_the_clock
        || waits.is_empty()
        || handling_hours.is_nan()
        || handling_hours <= 0.0
        || patience_hours.is_nan()
        || patience_hours <= 0.0
    {
        return square_root;
    }
    let meets = |c: u32| {
        let model = QueueModel {
            arrival_rate_per_hour: per_hour,
            mean_handling_hours: handling_hours,
            servers: c,
            mean_patience_hours: Some(patience_hours),
        };
        waits.iter().all(|t| {
            let target_hours = match &t.measure {
                Measure::PickedUpWithin(d) => d.as_hours(),
                _ => 0.0,
            };
            let Ok(m) = exact_metrics(&model, target_hours) else {
                return false;
            };
            let value = match &t.measure {
                Measure::PickedUpWithin(_) => m.service_level,
                Measure::Field(f) => match f.name {
                    "waiting.p_wait" => m.p_wait,
                    "waiting.p_abandon" => m.p_abandon,
                    _ => m.mean_wait_hours,
                },
                _ => return true,
            };
            match t.direction {
                Direction::AtLeast => value >= t.threshold,
                Direction::AtMost => value <= t.threshold,
            }
        })
    };
    let most = (10.0 * load + 10.0).ceil() as u32;
    (1..=most).find(|&c| meets(c)).unwrap_or(square_root)
}
