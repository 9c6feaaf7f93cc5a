//! The practical ceiling for the Erlang-A case of benches/peers: the same
//! M/M/25+M queue as simpy_erlang_a.py and `entraide run
//! scenarios/erlang-a.toml`, written as the smallest event loop that still
//! simulates it, with nothing else: a binary heap of (time, sequence)
//! events, exponential draws from rand_distr, FCFS waiting line, running
//! sums. No scenario, no configuration, no report beyond the five metrics.
//!
//!     cargo run --release --example peers_bare_loop -- [--customers N] [--seed S]
//!
//! compare.sh runs it as a third line next to SimPy and entraide: what a
//! hand-written loop costs per customer is the floor under what a
//! general simulator can reach on this case.
//!
//! Prints one JSON line with the same fields as simpy_erlang_a.py.

use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::process::ExitCode;

const ARRIVALS_PER_HOUR: f64 = 100.0;
const SERVERS: u32 = 25;
const MEAN_HANDLING_HOURS: f64 = 0.25;
const MEAN_PATIENCE_HOURS: f64 = 1.0;

/// What happens at an event; the sequence number before it in the heap key
/// is unique, so the kind never decides the order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    /// The customer with this number runs out of patience (if still waiting).
    Abandon(u64),
    Departure,
}

/// Event times are non-negative, so their IEEE bits order as the times do.
type Key = Reverse<(u64, u64, Kind)>;

struct Queue {
    heap: BinaryHeap<Key>,
    next_seq: u64,
}

impl Queue {
    fn schedule(&mut self, at: f64, kind: Kind) {
        self.heap.push(Reverse((at.to_bits(), self.next_seq, kind)));
        self.next_seq += 1;
    }
}

#[derive(Default)]
struct Sums {
    arrived: u64,
    settled: u64,
    waited: u64,
    abandoned: u64,
    served: u64,
    wait_sum: f64,
    served_wait_sum: f64,
    busy: f64,
}

/// A customer who arrived at `arrived` is picked up at `now`.
fn start_service(
    now: f64,
    arrived: f64,
    handling: f64,
    horizon: f64,
    sums: &mut Sums,
    queue: &mut Queue,
) {
    let wait = now - arrived;
    sums.settled += 1;
    sums.served += 1;
    sums.wait_sum += wait;
    sums.served_wait_sum += wait;
    if wait > 0.0 {
        sums.waited += 1;
    }
    // Busy time inside the horizon only (as entraide's utilisation).
    sums.busy += if now + handling <= horizon {
        handling
    } else {
        horizon - now
    };
    queue.schedule(now + handling, Kind::Departure);
}

/// Runs the queue over customers / 100 hours from an empty system.
fn simulate(customers: u64, seed: u64) -> (Sums, f64) {
    let horizon = customers as f64 / ARRIVALS_PER_HOUR;
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut draw = |mean: f64| -> f64 {
        let unit: f64 = Exp1.sample(&mut rng);
        unit * mean
    };
    let mut queue = Queue {
        heap: BinaryHeap::new(),
        next_seq: 0,
    };
    let mut sums = Sums::default();
    let mut free = SERVERS;
    // The waiting line, first come first served: slot i holds customer
    // `first_waiting + i` and its arrival time, or None once it gave up.
    let mut line: VecDeque<Option<f64>> = VecDeque::new();
    let mut first_waiting: u64 = 0;

    queue.schedule(draw(1.0 / ARRIVALS_PER_HOUR), Kind::Arrival);
    while let Some(Reverse((bits, _, kind))) = queue.heap.pop() {
        let now = f64::from_bits(bits);
        if now > horizon {
            break;
        }
        match kind {
            Kind::Arrival => {
                let number = sums.arrived;
                sums.arrived += 1;
                queue.schedule(now + draw(1.0 / ARRIVALS_PER_HOUR), Kind::Arrival);
                if free > 0 {
                    free -= 1;
                    start_service(
                        now,
                        now,
                        draw(MEAN_HANDLING_HOURS),
                        horizon,
                        &mut sums,
                        &mut queue,
                    );
                } else {
                    if line.is_empty() {
                        first_waiting = number;
                    }
                    line.push_back(Some(now));
                    queue.schedule(now + draw(MEAN_PATIENCE_HOURS), Kind::Abandon(number));
                }
            }
            Kind::Abandon(number) => {
                // Served already (the line moved past it): nothing to do.
                // While anyone waits every server is busy, so the waiting
                // customers' numbers are consecutive from first_waiting.
                let Some(slot) = number
                    .checked_sub(first_waiting)
                    .and_then(|index| line.get_mut(index as usize))
                else {
                    continue;
                };
                if let Some(arrived) = slot.take() {
                    sums.settled += 1;
                    sums.waited += 1;
                    sums.abandoned += 1;
                    sums.wait_sum += now - arrived;
                }
            }
            Kind::Departure => {
                // The next customer still waiting, if any, takes the server.
                let mut next = None;
                while let Some(slot) = line.pop_front() {
                    first_waiting += 1;
                    if let Some(arrived) = slot {
                        next = Some(arrived);
                        break;
                    }
                }
                match next {
                    Some(arrived) => start_service(
                        now,
                        arrived,
                        draw(MEAN_HANDLING_HOURS),
                        horizon,
                        &mut sums,
                        &mut queue,
                    ),
                    None => free += 1,
                }
            }
        }
    }
    (sums, horizon)
}

/// `--customers N` and `--seed S`, each optional.
fn parse(args: &[String]) -> Result<(u64, u64), String> {
    let (mut customers, mut seed) = (2_000_000, 1);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let target = match flag.as_str() {
            "--customers" => &mut customers,
            "--seed" => &mut seed,
            other => {
                return Err(format!(
                    "unknown argument {other:?}; expected --customers N or --seed S"
                ));
            }
        };
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        *target = value
            .parse()
            .map_err(|_| format!("{flag}: expected a whole number, got {value:?}"))?;
    }
    if customers == 0 {
        return Err("--customers must be positive".into());
    }
    Ok((customers, seed))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (customers, seed) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("peers_bare_loop: {message}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let (sums, horizon) = simulate(customers, seed);
    let wall = started.elapsed().as_secs_f64();
    if sums.served == 0 {
        eprintln!(
            "peers_bare_loop: no customer was served in {horizon} h: the metrics are undefined; use a larger --customers"
        );
        return ExitCode::FAILURE;
    }
    let settled = sums.settled as f64;
    println!(
        "{}",
        serde_json::json!({
            "tool": "bare loop",
            "seed": seed,
            "horizon_hours": horizon,
            "customers": sums.arrived,
            "settled": sums.settled,
            "p_wait": sums.waited as f64 / settled,
            "p_abandon": sums.abandoned as f64 / settled,
            "mean_wait_hours": sums.wait_sum / settled,
            "mean_served_wait_hours": sums.served_wait_sum / sums.served as f64,
            "occupancy": sums.busy / (f64::from(SERVERS) * horizon),
            "wall_seconds": wall,
            "customers_per_second": sums.arrived as f64 / wall,
        })
    );
    ExitCode::SUCCESS
}
