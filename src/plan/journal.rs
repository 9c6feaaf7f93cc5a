//! What `plan --out DIR` keeps as it goes, so that an interrupted plan
//! resumes: every replication's observation, one line each in
//! `DIR/plan.journal`, in the checksummed line format of the sweep journal
//! (`sweep::journal`: a torn last line is cut off). The first line holds a
//! fingerprint of the request; a journal of another request is refused.
//! A plan's replications run in batches, and each batch ends with a line
//! of its own: only whole batches are read back, so a resumed plan asks
//! for the same batches an uninterrupted one did (a part batch kept would
//! shift every later batch off the uninterrupted plan's, and the count of
//! runs with them).
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

/// The row that closes a batch: `plan` has `whole` observations on
/// `stream`, all written.
pub fn batch_end(stream: u32, plan: &Plan, whole: usize) -> String {
    format!(
        "{stream};{};{};end;{whole}",
        plan.delay.as_millis(),
        plan.counts
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Reads the rows of a journal (its header first): the kept observations
/// and how many rows hold them (the header and whole batches: batches are
/// written one after another, so what follows is a part batch to cut
/// off), or why the journal is not this request's. Rows past a gap in a
/// plan's replications are dropped (they cannot be placed), and so are
/// those of a batch whose end was not written.
pub fn read(rows: &[&str], fingerprint: u64, targets: usize) -> Result<(Kept, usize), String> {
    let Some((first, rest)) = rows.split_first() else {
        return Ok((Kept::new(), 0));
    };
    if *first != header(fingerprint) {
        return Err(
            "it was written by a plan of another request (scenario, targets or options)".into(),
        );
    }
    let mut kept = Kept::new();
    let mut whole: HashMap<(u32, Plan), usize> = HashMap::new();
    let mut used = 1;
    for (i, row) in rest.iter().enumerate() {
        match parse(row, targets) {
            Some(Row::Observation(stream, plan, replication, o)) => {
                let entry = kept.entry((stream, plan)).or_default();
                if entry.len() == replication {
                    entry.push(o);
                }
            }
            Some(Row::BatchEnd(stream, plan, n)) => {
                let key = (stream, plan);
                if kept.get(&key).is_some_and(|v| v.len() == n) {
                    whole.insert(key, n);
                    used = i + 2;
                }
            }
            None => break,
        }
    }
    kept.retain(|key, v| match whole.get(key) {
        Some(&n) => {
            v.truncate(n);
            true
        }
        None => false,
    });
    Ok((kept, used))
}

enum Row {
    Observation(u32, Plan, usize, Observation),
    BatchEnd(u32, Plan, usize),
}

fn parse_plan(delay: &str, counts: &str) -> Option<Plan> {
    Some(Plan {
        delay: SimDuration(delay.parse().ok()?),
        counts: counts
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect::<Option<_>>()?,
    })
}

fn parse(row: &str, targets: usize) -> Option<Row> {
    let parts: Vec<&str> = row.split(';').collect();
    if let [stream, delay, counts, "end", whole] = parts.as_slice() {
        return Some(Row::BatchEnd(
            stream.parse().ok()?,
            parse_plan(delay, counts)?,
            whole.parse().ok()?,
        ));
    }
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
    Some(Row::Observation(
        stream.parse().ok()?,
        parse_plan(delay, counts)?,
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
    fn an_observation_round_trips_and_a_gap_or_a_part_batch_is_dropped() {
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
            batch_end(2, &plan, 2),
            row(2, &plan, 3, &o(0.25)),
            batch_end(2, &plan, 4),
            row(1, &plan, 0, &o(0.5)),
            batch_end(1, &plan, 1),
            row(1, &plan, 1, &o(0.5)),
        ];
        let refs: Vec<&str> = rows.iter().map(|s| s.as_str()).collect();
        let (kept, used) = read(&refs, 7, 2).unwrap();
        assert_eq!(used, refs.len() - 1, "the part batch is cut off");
        let back = &kept[&(2, plan.clone())];
        assert_eq!(back.len(), 2, "the row after the gap is dropped");
        assert_eq!(
            kept[&(1, plan.clone())].len(),
            1,
            "the batch without its end is dropped"
        );
        assert_eq!(back[0].targets, [0.5, 0.1 + 0.2]);
        assert_eq!(
            back[0].frontier,
            [Some(1.0 / 3.0), None, Some(0.5), Some(0.0)]
        );
        assert!(back[1].unmeasured && back[1].targets[0].is_nan());
        assert!(read(&refs, 8, 2).unwrap_err().contains("another request"));
    }
}
