//! What `plan --out DIR` keeps as it goes, so that an interrupted plan
//! resumes: every replication's observation, one line each in
//! `DIR/plan.journal`, in the checksummed line format of the sweep journal
//! (`sweep::journal`: a torn last line is cut off). The first line holds a
//! fingerprint of the request; a journal of another request is refused.
//!
//! Runs are a pure function of their seeds, so observations read back are
//! the ones the runs would give again, and a resumed plan writes the same
//! bytes as an uninterrupted one. Only the encoding is here; `app` reads
//! and appends the file.

use super::{Observation, Plan};
use crate::time::SimDuration;
use std::collections::HashMap;

pub const FILE: &str = "plan.journal";

/// Kept observations, by seed stream and plan, in replication order.
pub type Kept = HashMap<(u32, Plan), Vec<Observation>>;

const HEADER: &str = "entraide-plan-journal-1";

/// The first line's row: the format and the request's fingerprint.
pub fn header(fingerprint: u64) -> String {
    format!("{HEADER};{fingerprint:016x}")
}

/// One observation as a line's row.
pub fn row(stream: u32, plan: &Plan, replication: usize, o: &Observation) -> String {
    let join = |xs: Vec<String>| xs.join(" ");
    format!(
        "{stream};{};{};{replication};{};{};{};{}",
        plan.delay.as_millis(),
        join(plan.counts.iter().map(|n| n.to_string()).collect()),
        u8::from(o.stopped),
        u8::from(o.unmeasured),
        join(o.targets.iter().map(|x| x.to_string()).collect()),
        join(
            o.frontier
                .iter()
                .map(|x| x.map_or("-".to_string(), |v| v.to_string()))
                .collect()
        ),
    )
}

/// Reads the rows of a journal (its header first): the kept observations,
/// or why the journal is not this request's. Rows past a gap in a plan's
/// replications are dropped (they cannot be placed).
pub fn read(rows: &[&str], fingerprint: u64, targets: usize) -> Result<Kept, String> {
    let Some((first, rest)) = rows.split_first() else {
        return Ok(Kept::new());
    };
    if *first != header(fingerprint) {
        return Err(
            "it was written by a plan of another request (scenario, targets or options)".into(),
        );
    }
    let mut kept = Kept::new();
    for row in rest {
        let Some((stream, plan, replication, o)) = parse(row, targets) else {
            break;
        };
        let entry = kept.entry((stream, plan)).or_default();
        if entry.len() == replication {
            entry.push(o);
        }
    }
    Ok(kept)
}

fn parse(row: &str, targets: usize) -> Option<(u32, Plan, usize, Observation)> {
    let parts: Vec<&str> = row.split(';').collect();
    let [
        stream,
        delay,
        counts,
        replication,
        stopped,
        unmeasured,
        values,
        frontier,
    ] = parts.as_slice()
    else {
        return None;
    };
    let numbers = |text: &str| -> Option<Vec<f64>> {
        text.split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect()
    };
    let values = numbers(values)?;
    if values.len() != targets {
        return None;
    }
    let frontier: Vec<Option<f64>> = frontier
        .split(' ')
        .map(|s| match s {
            "-" => Some(None),
            s => s.parse().ok().map(Some),
        })
        .collect::<Option<_>>()?;
    let plan = Plan {
        delay: SimDuration(delay.parse().ok()?),
        counts: counts
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect::<Option<_>>()?,
    };
    Some((
        stream.parse().ok()?,
        plan,
        replication.parse().ok()?,
        Observation {
            stopped: *stopped == "1",
            unmeasured: *unmeasured == "1",
            targets: values,
            frontier: frontier.try_into().ok()?,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_observation_round_trips_and_a_gap_drops_the_rest() {
        let plan = Plan {
            delay: SimDuration(3_600_000),
            counts: vec![3, 0, 12],
        };
        let o = |x: f64| Observation {
            stopped: false,
            unmeasured: x.is_nan(),
            targets: vec![x, 0.1 + 0.2],
            frontier: [Some(1.0 / 3.0), None, Some(x), Some(0.0)],
        };
        let rows = [
            header(7),
            row(2, &plan, 0, &o(0.5)),
            row(2, &plan, 1, &o(f64::NAN)),
            row(2, &plan, 3, &o(0.25)),
        ];
        let refs: Vec<&str> = rows.iter().map(|s| s.as_str()).collect();
        let kept = read(&refs, 7, 2).unwrap();
        let back = &kept[&(2, plan.clone())];
        assert_eq!(back.len(), 2, "the row after the gap is dropped");
        assert_eq!(back[0].targets, [0.5, 0.1 + 0.2]);
        assert_eq!(
            back[0].frontier,
            [Some(1.0 / 3.0), None, Some(0.5), Some(0.0)]
        );
        assert!(back[1].unmeasured && back[1].targets[0].is_nan());
        assert!(read(&refs, 8, 2).unwrap_err().contains("another request"));
    }
}
