//! Exact Erlang-A (M/M/n+M) and Erlang-C (M/M/n) results from the
//! birth–death chain, so that `validate` can compare a simulation with the
//! true steady-state values of the same model. No approximation formulas
//! (Garnett–Mandelbaum–Reiman asymptotics and the like) are used: every
//! number comes from the stationary distribution itself, truncated only
//! where what is cut off is below 1e-16 of the mass.
//!
//! # Model
//! Poisson arrivals at rate λ, c identical servers with exponential handling
//! at rate μ = 1/h, one FCFS queue with unlimited room, and exponential
//! patience at rate θ = 1/p while waiting (θ = 0 for Erlang C). A customer
//! who starts service never abandons.
//!
//! # Method
//! 1. The number in system is a birth–death chain with birth rate λ and death
//!    rate min(n, c)μ + (n − c)⁺θ. Its weights are built outward from the mode,
//!    where the weight is set to 1, so none exceeds 1 and nothing overflows
//!    even at hundreds of erlangs; far-away weights merely underflow to 0. The
//!    upper tail is cut where a geometric bound on what remains is below 1e-16
//!    of the mass so far (the ratios of successive weights never increase, so
//!    the bound holds).
//! 2. By PASTA an arrival sees the stationary distribution. One that finds
//!    q = n − c ≥ 0 waiting needs j = q + 1 departures "ahead of it" (q from the
//!    queue, then a service completion). With i customers ahead the next one
//!    leaves at rate cμ + iθ, while its own patience runs at rate θ, so
//!    with a = cμ/θ the time S it would need is the sum of exponentials at
//!    rates θ(a + i), i = 0..q: the time of the j-th death among a + q
//!    independent exp(θ) lives. Hence 1 − e^(−θS) ~ Beta(j, a), and:
//!    * P(served) = cμ/(cμ + jθ) (the product of the phase odds telescopes);
//!    * mean wait = j/(cμ + jθ) (each phase is reached with a probability that
//!      exactly cancels its mean length);
//!    * mean wait if served = Σ_{i=1..j} 1/(cμ + iθ) (derivative of the Laplace
//!      transform of S at θ);
//!    * P(served within t) = E(e^(−θS); S ≤ t) = cμ/(cμ + jθ) · P(N ≥ j), where
//!      N is negative binomial with r = a + 1 and success probability
//!      x = 1 − e^(−θt) (that is the regularised incomplete beta I_x(j, a + 1)),
//!      and N ~ Poisson(cμt) when θ = 0 — which gives back the Erlang-C
//!      1 − C·e^(−(cμ−λ)t).
//!
//!    These are exact for the absorbing chain "customers ahead + 1" that the
//!    tests also solve by uniformisation; the closed forms only make the cost
//!    linear in the number of states whatever the target.

use std::fmt;

/// Relative size of the cut-off upper tail of the stationary distribution.
const TAIL_TOLERANCE: f64 = 1e-16;

/// Largest number of chain states we agree to hold (40 MB of weights). Only
/// reached when the load is within ~1e-5 of capacity without abandonment, or
/// when patience is so long that the queue settles near millions.
const MAX_STATES: usize = 5_000_000;

/// Beyond this −ln P(N = 0), N's mean is so far past any state we hold that
/// P(N ≥ j) is 1 to double precision for every j we visit.
const FAR_BEYOND_REACH: f64 = 1e15;

/// A single-queue, single-skill contact centre in the Erlang-A / Erlang-C
/// sense. Times are in hours, like the rest of the simulator's reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueModel {
    /// λ: Poisson arrival rate, per hour.
    pub arrival_rate_per_hour: f64,
    /// h = 1/μ: mean of the exponential handling time, in hours.
    pub mean_handling_hours: f64,
    /// c: number of identical servers.
    pub servers: u32,
    /// p = 1/θ: mean of the exponential patience of a waiting customer, in
    /// hours; `None` for customers who never abandon (Erlang C).
    pub mean_patience_hours: Option<f64>,
}

/// Steady-state performance, each measure taken per arriving customer.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct QueueMetrics {
    /// Probability that an arrival finds all servers busy and has to wait.
    pub p_wait: f64,
    /// Probability that an arrival abandons before starting service.
    pub p_abandon: f64,
    /// Mean time in queue over all arrivals, in hours: 0 for those served at
    /// once, the time until leaving for those who abandon.
    pub mean_wait_hours: f64,
    /// Mean time in queue of the arrivals who are eventually served (those
    /// served at once count as 0), in hours.
    pub mean_wait_served_hours: f64,
    /// Probability that an arrival starts service within the target time
    /// (those served at once count; those who abandon never do).
    pub service_level: f64,
    /// Mean number of busy servers divided by the number of servers.
    pub occupancy: f64,
}

/// Why no exact result can be given.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueError {
    /// A parameter is out of range (not finite, not positive, no servers…),
    /// or so extreme that the chain would not fit in memory; the message says
    /// which and why.
    InvalidParameter(String),
    /// Erlang C with offered load λ/μ ≥ c: the queue grows without bound, so
    /// there is no steady state to compare with.
    Unstable { offered_load: f64, servers: u32 },
}

impl fmt::Display for QueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueError::InvalidParameter(message) => {
                write!(f, "invalid queue parameter: {message}")
            }
            QueueError::Unstable {
                offered_load,
                servers,
            } => write!(
                f,
                "no steady state: offered load {offered_load} erlangs is not below \
                 {servers} servers and no customer abandons"
            ),
        }
    }
}

impl std::error::Error for QueueError {}

/// Exact steady-state metrics of `model`, with the service level measured
/// against `target_hours` (a finite time ≥ 0).
///
/// Errors, never panics, on invalid parameters, and on an Erlang-C model
/// (no patience) whose offered load reaches the number of servers. An
/// overloaded Erlang-A model is fine: abandonment keeps it stable.
pub fn exact_metrics(model: &QueueModel, target_hours: f64) -> Result<QueueMetrics, QueueError> {
    let rates = Rates::new(model, target_hours)?;
    let weights = stationary_weights(&rates)?;
    Ok(metrics_from_weights(&rates, &weights, target_hours))
}

/// The chain's rates, validated.
#[derive(Debug, Clone, Copy)]
struct Rates {
    lambda: f64,
    mu: f64,
    /// 0 when customers never abandon.
    theta: f64,
    servers: usize,
    /// cμ: the rate of service completions when all servers are busy.
    c_mu: f64,
}

impl Rates {
    fn new(model: &QueueModel, target_hours: f64) -> Result<Self, QueueError> {
        let lambda = positive_finite("arrival_rate_per_hour", model.arrival_rate_per_hour)?;
        let handling = positive_finite("mean_handling_hours", model.mean_handling_hours)?;
        if model.servers == 0 {
            return Err(invalid("servers must be at least 1, found 0".to_string()));
        }
        let theta = match model.mean_patience_hours {
            None => 0.0,
            Some(patience) => {
                let patience = positive_finite("mean_patience_hours", patience)?;
                reciprocal("mean_patience_hours", patience)?
            }
        };
        if !(target_hours.is_finite() && target_hours >= 0.0) {
            return Err(invalid(format!(
                "target_hours must be a finite number >= 0, found {target_hours}"
            )));
        }
        let mu = reciprocal("mean_handling_hours", handling)?;
        let servers = usize::try_from(model.servers)
            .map_err(|_| invalid(format!("{} servers do not fit in memory", model.servers)))?;
        let c_mu = f64::from(model.servers) * mu;
        let offered_load = lambda * handling;
        if !offered_load.is_finite() {
            return Err(invalid(format!(
                "offered load arrival_rate_per_hour × mean_handling_hours = \
                 {lambda} × {handling} is not finite"
            )));
        }
        if theta == 0.0 && lambda >= c_mu {
            return Err(QueueError::Unstable {
                offered_load,
                servers: model.servers,
            });
        }
        Ok(Rates {
            lambda,
            mu,
            theta,
            servers,
            c_mu,
        })
    }

    /// Death rate of state n: busy servers finishing plus waiting customers
    /// abandoning.
    fn death(&self, n: usize) -> f64 {
        let busy = n.min(self.servers) as f64;
        let waiting = n.saturating_sub(self.servers) as f64;
        busy * self.mu + waiting * self.theta
    }
}

fn invalid(message: String) -> QueueError {
    QueueError::InvalidParameter(message)
}

fn positive_finite(name: &str, value: f64) -> Result<f64, QueueError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(invalid(format!(
            "{name} must be a finite number > 0, found {value}"
        )))
    }
}

/// 1/value, refused when it overflows (a subnormal mean time).
fn reciprocal(name: &str, value: f64) -> Result<f64, QueueError> {
    let rate = 1.0 / value;
    if rate.is_finite() {
        Ok(rate)
    } else {
        Err(invalid(format!("{name} = {value} is too small")))
    }
}

fn too_many_states() -> QueueError {
    invalid(format!(
        "the exact chain needs more than {MAX_STATES} states (load too close to \
         capacity without abandonment, or patience far longer than handling)"
    ))
}

/// Unnormalised stationary weights w_n, n = 0..=N, with the largest equal
/// to 1 and the tail beyond N below `TAIL_TOLERANCE` of the total.
///
/// Built outward from the mode instead of from w_0 = 1: with a = λ/μ in the
/// hundreds, a^n/n! overflows long before the mode is reached.
fn stationary_weights(rates: &Rates) -> Result<Vec<f64>, QueueError> {
    let Rates {
        lambda,
        c_mu,
        theta,
        servers,
        mu,
    } = *rates;
    // w_n/w_{n−1} = λ/death(n) ≥ 1 up to the mode. Rounding can put this
    // one state off, which only means the largest weight is slightly above 1.
    let mode = if lambda < c_mu {
        (lambda / mu).floor()
    } else {
        // Only reachable with θ > 0 (Erlang C at or over capacity was refused).
        servers as f64 + ((lambda - c_mu) / theta).floor()
    };
    if mode.is_nan() || mode >= MAX_STATES as f64 {
        return Err(too_many_states());
    }
    let mode = mode as usize;

    let mut weights = vec![0.0; mode + 1];
    weights[mode] = 1.0;
    for n in (1..=mode).rev() {
        weights[n - 1] = weights[n] * (rates.death(n) / lambda);
    }
    let mut total: f64 = weights.iter().sum();

    loop {
        let n = weights.len() - 1;
        let last = weights[n];
        let ratio = lambda / rates.death(n + 1);
        // Ratios never increase with n, so what is left is at most the
        // geometric series last·(r + r² + …).
        if ratio < 1.0 && last * ratio / (1.0 - ratio) <= TAIL_TOLERANCE * total {
            break;
        }
        if weights.len() >= MAX_STATES {
            return Err(too_many_states());
        }
        let next = last * ratio;
        weights.push(next);
        total += next;
    }
    Ok(weights)
}

/// Sums the per-arrival quantities of the module doc over the arrival-state
/// distribution.
fn metrics_from_weights(rates: &Rates, weights: &[f64], target_hours: f64) -> QueueMetrics {
    let Rates {
        c_mu,
        theta,
        servers,
        ..
    } = *rates;
    let total: f64 = weights.iter().sum();
    let mut served_at_once = 0.0;
    let mut p_wait = 0.0;
    let mut busy = 0.0;
    let mut p_abandon = 0.0;
    let mut wait = 0.0;
    let mut served_after_wait = 0.0;
    let mut wait_of_served = 0.0;
    let mut served_in_time_after_wait = 0.0;
    // Σ_{i=1..j} 1/(cμ + iθ): the mean wait of a served arrival who found j − 1 waiting.
    let mut wait_if_served = 0.0;
    let mut count_tail = CountTail::new(c_mu, theta, target_hours);

    for (n, &weight) in weights.iter().enumerate() {
        let pi = weight / total;
        if n < servers {
            served_at_once += pi;
            busy += n as f64 * pi;
            continue;
        }
        // j = q + 1 departures needed before this arrival starts service.
        let j = (n - servers + 1) as f64;
        let exit_rate = c_mu + j * theta;
        let p_served = c_mu / exit_rate;
        wait_if_served += 1.0 / exit_rate;

        p_wait += pi;
        busy += servers as f64 * pi;
        p_abandon += pi * (j * theta / exit_rate);
        wait += pi * (j / exit_rate);
        served_after_wait += pi * p_served;
        wait_of_served += pi * p_served * wait_if_served;
        served_in_time_after_wait += pi * p_served * count_tail.next_at_least();
    }

    let p_served = served_at_once + served_after_wait;
    QueueMetrics {
        p_wait: p_wait.min(1.0),
        p_abandon: p_abandon.min(1.0),
        mean_wait_hours: wait,
        mean_wait_served_hours: if p_served > 0.0 {
            wait_of_served / p_served
        } else {
            0.0
        },
        service_level: (served_at_once + served_in_time_after_wait).min(1.0),
        occupancy: (busy / servers as f64).min(1.0),
    }
}

/// P(N ≥ 1), P(N ≥ 2), … in turn, for the count N whose tail gives the
/// chance of reaching service within the target (module doc, step 2):
/// negative binomial (r = cμ/θ + 1, x = 1 − e^(−θt)) or, when θ = 0,
/// Poisson(cμt).
///
/// The pmf is carried by its recurrence from P(N = 0) = e^(−L) as a mantissa
/// and a binary exponent, so a large L (long targets, big centres) neither
/// underflows to a stuck zero nor loses accuracy: the scaling is exact.
struct CountTail {
    law: CountLaw,
    /// The pmf term f_k not yet added, as mantissa · 2^exponent.
    term: Scaled,
    /// k + 1 for the term held.
    next_k: f64,
    cdf: f64,
}

#[derive(Clone, Copy)]
enum CountLaw {
    /// N's mass is so far beyond the states we visit that P(N ≥ j) = 1.
    BeyondReach,
    Poisson {
        mean: f64,
    },
    NegativeBinomial {
        r: f64,
        x: f64,
    },
}

impl CountTail {
    fn new(c_mu: f64, theta: f64, t: f64) -> Self {
        let r = c_mu / theta + 1.0;
        // −ln P(N = 0): cμt for Poisson, r·θt = (cμ + θ)t for the negative
        // binomial (1 − x = e^(−θt) exactly).
        let (law, minus_log_f0) = if theta == 0.0 || !r.is_finite() {
            (CountLaw::Poisson { mean: c_mu * t }, c_mu * t)
        } else {
            let x = -(-theta * t).exp_m1();
            (CountLaw::NegativeBinomial { r, x }, (c_mu + theta) * t)
        };
        let law = if minus_log_f0 <= FAR_BEYOND_REACH {
            law
        } else {
            CountLaw::BeyondReach
        };
        let log2_f0 = -minus_log_f0 / std::f64::consts::LN_2;
        let exponent = log2_f0.floor();
        let term = match law {
            CountLaw::BeyondReach => Scaled::ZERO,
            // |exponent| ≤ 1.5e15 fits an i64 exactly.
            _ => Scaled::new((log2_f0 - exponent).exp2(), exponent as i64),
        };
        CountTail {
            law,
            term,
            next_k: 1.0,
            cdf: 0.0,
        }
    }

    /// P(N ≥ k + 1) on the (k + 1)-th call.
    fn next_at_least(&mut self) -> f64 {
        let k = self.next_k;
        let ratio = match self.law {
            CountLaw::BeyondReach => return 1.0,
            CountLaw::Poisson { mean } => mean / k,
            CountLaw::NegativeBinomial { r, x } => x * ((k - 1.0 + r) / k),
        };
        self.cdf += self.term.value();
        self.term.mul(ratio);
        self.next_k = k + 1.0;
        (1.0 - self.cdf).max(0.0)
    }
}

/// mantissa · 2^exponent with the mantissa in [1, 2) (or 0): a probability
/// far below f64's range that can still grow back into it exactly.
#[derive(Clone, Copy)]
struct Scaled {
    mantissa: f64,
    exponent: i64,
}

impl Scaled {
    const ZERO: Scaled = Scaled {
        mantissa: 0.0,
        exponent: 0,
    };

    fn new(value: f64, exponent: i64) -> Self {
        let mut scaled = Scaled {
            mantissa: 1.0,
            exponent,
        };
        scaled.mul(value);
        scaled
    }

    /// Multiplies by a finite factor ≥ 0.
    fn mul(&mut self, factor: f64) {
        let (factor_mantissa, factor_exponent) = split(factor);
        let (mantissa, carry) = split(self.mantissa * factor_mantissa);
        self.mantissa = mantissa;
        self.exponent = if mantissa == 0.0 {
            0
        } else {
            self.exponent
                .saturating_add(factor_exponent)
                .saturating_add(carry)
        };
    }

    fn value(&self) -> f64 {
        if self.mantissa == 0.0 || self.exponent < -1100 {
            0.0
        } else if self.exponent < -1000 {
            // Subnormal territory: two steps so the intermediate stays normal.
            self.mantissa * pow2(self.exponent + 1000) * pow2(-1000)
        } else {
            self.mantissa * pow2(self.exponent.min(1023))
        }
    }
}

/// (m, e) with value = m·2^e, m in [1, 2), or (0, 0) for zero; the value must
/// be finite and ≥ 0.
fn split(value: f64) -> (f64, i64) {
    if value <= 0.0 || !value.is_finite() {
        return (0.0, 0);
    }
    if !value.is_normal() {
        let (mantissa, exponent) = split(value * pow2(64));
        return (mantissa, exponent - 64);
    }
    const EXPONENT_MASK: u64 = 0x7ff << 52;
    let bits = value.to_bits();
    let biased = ((bits & EXPONENT_MASK) >> 52) as i64;
    let mantissa = f64::from_bits((bits & !EXPONENT_MASK) | (1023 << 52));
    (mantissa, biased - 1023)
}

/// 2^e exactly, for −1022 ≤ e ≤ 1023.
fn pow2(e: i64) -> f64 {
    let biased = (e.clamp(-1022, 1023) + 1023) as u64;
    f64::from_bits(biased << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: f64 = 1.0 / 3600.0;
    const MINUTE: f64 = 1.0 / 60.0;

    fn model(lambda: f64, handling: f64, servers: u32, patience: Option<f64>) -> QueueModel {
        QueueModel {
            arrival_rate_per_hour: lambda,
            mean_handling_hours: handling,
            servers,
            mean_patience_hours: patience,
        }
    }

    fn metrics(m: &QueueModel, target: f64) -> QueueMetrics {
        match exact_metrics(m, target) {
            Ok(x) => x,
            Err(e) => panic!("{m:?} at target {target}: {e}"),
        }
    }

    fn close(actual: f64, expected: f64, tolerance: f64, what: &str) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{what}: got {actual}, expected {expected} ± {tolerance}"
        );
    }

    fn rel_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
        let scale = expected.abs().max(1e-300);
        assert!(
            ((actual - expected) / scale).abs() <= tolerance,
            "{what}: got {actual}, expected {expected} (relative ± {tolerance})"
        );
    }

    /// Erlang C from the Erlang B recursion B(k) = aB(k−1)/(k + aB(k−1)),
    /// independent of the module's chain.
    fn erlang_c(offered: f64, servers: u32) -> f64 {
        let mut b = 1.0;
        for k in 1..=servers {
            b = offered * b / (f64::from(k) + offered * b);
        }
        let rho = offered / f64::from(servers);
        b / (1.0 - rho * (1.0 - b))
    }

    /// E[queue length] from the module's stationary weights.
    fn mean_queue_length(m: &QueueModel) -> f64 {
        let rates = Rates::new(m, 0.0).expect("valid model");
        let w = stationary_weights(&rates).expect("fits");
        let total: f64 = w.iter().sum();
        w.iter()
            .enumerate()
            .map(|(n, x)| n.saturating_sub(rates.servers) as f64 * x / total)
            .sum()
    }

    /// Independent brute force for small models: stationary distribution by
    /// the plain product from π_0, per-state served/wait quantities by
    /// first-step recursions on the tagged customer's absorbing chain, and
    /// the service level by uniformisation of that chain.
    fn brute_force(m: &QueueModel, t: f64) -> QueueMetrics {
        let lambda = m.arrival_rate_per_hour;
        let mu = 1.0 / m.mean_handling_hours;
        let theta = m.mean_patience_hours.map_or(0.0, |p| 1.0 / p);
        let c = m.servers as usize;
        let c_mu = c as f64 * mu;
        let states = 4000;
        let mut pi = vec![1.0];
        for n in 1..states {
            let death = n.min(c) as f64 * mu + n.saturating_sub(c) as f64 * theta;
            pi.push(pi[n - 1] * lambda / death);
        }
        let total: f64 = pi.iter().sum();
        pi.iter_mut().for_each(|x| *x /= total);
        // Drop the negligible far tail to keep uniformisation small.
        while pi.len() > c + 1 && *pi.last().unwrap() < 1e-22 {
            pi.pop();
        }
        let ahead_max = pi.len() - c; // j = 1..=ahead_max
        // First-step recursions: A_j = P(served), B_j = E[W; served], C_j = E[W].
        let (mut a, mut b, mut cw) = (vec![1.0], vec![0.0], vec![0.0]);
        for j in 1..=ahead_max {
            let nu = c_mu + j as f64 * theta;
            let down = (c_mu + (j - 1) as f64 * theta) / nu;
            a.push(down * a[j - 1]);
            b.push(down * (a[j - 1] / nu + b[j - 1]));
            cw.push(1.0 / nu + down * cw[j - 1]);
        }
        // Uniformisation of the tagged chain, started from the arrival law.
        let big_lambda = c_mu + ahead_max as f64 * theta;
        let mut v = vec![0.0; ahead_max + 1]; // index j, v[0] = served
        for j in 1..=ahead_max {
            v[j] = pi[c + j - 1];
        }
        let mut weight = (-big_lambda * t).exp();
        assert!(weight > 1e-200, "brute force needs a smaller Λt");
        let mut cumulative = weight;
        let mut within = weight * v[0];
        let mut k = 0.0;
        while cumulative < 1.0 - 1e-15 && weight > 0.0 || k < big_lambda * t {
            let mut next = vec![0.0; ahead_max + 1];
            next[0] = v[0] + v[1] * c_mu / big_lambda;
            for j in 1..=ahead_max {
                let nu = c_mu + j as f64 * theta;
                next[j] += v[j] * (1.0 - nu / big_lambda);
                if j > 1 {
                    next[j - 1] += v[j] * (c_mu + (j - 1) as f64 * theta) / big_lambda;
                }
            }
            v = next;
            k += 1.0;
            weight *= big_lambda * t / k;
            cumulative += weight;
            within += weight * v[0];
        }
        let at_once: f64 = pi[..c].iter().sum();
        let mut out = QueueMetrics {
            p_wait: 1.0 - at_once,
            p_abandon: 0.0,
            mean_wait_hours: 0.0,
            mean_wait_served_hours: 0.0,
            service_level: at_once + within,
            occupancy: 0.0,
        };
        let mut served = at_once;
        let mut wait_served = 0.0;
        for (n, p) in pi.iter().enumerate() {
            out.occupancy += n.min(c) as f64 * p / c as f64;
            if n >= c {
                let j = n - c + 1;
                out.p_abandon += p * (1.0 - a[j]);
                out.mean_wait_hours += p * cw[j];
                served += p * a[j];
                wait_served += p * b[j];
            }
        }
        out.mean_wait_served_hours = wait_served / served;
        out
    }

    fn assert_metrics_close(got: &QueueMetrics, want: &QueueMetrics, tolerance: f64) {
        close(got.p_wait, want.p_wait, tolerance, "p_wait");
        close(got.p_abandon, want.p_abandon, tolerance, "p_abandon");
        rel_close(
            got.mean_wait_hours,
            want.mean_wait_hours,
            tolerance,
            "mean wait",
        );
        rel_close(
            got.mean_wait_served_hours,
            want.mean_wait_served_hours,
            tolerance,
            "mean wait of served",
        );
        close(
            got.service_level,
            want.service_level,
            tolerance,
            "service level",
        );
        close(got.occupancy, want.occupancy, tolerance, "occupancy");
    }

    /// Identities any correct result satisfies: flow balance, abandonment
    /// = θ·E[Lq]/λ, Little's law, and the service level's range.
    fn assert_identities(m: &QueueModel, x: &QueueMetrics) {
        let lambda = m.arrival_rate_per_hour;
        let mu = 1.0 / m.mean_handling_hours;
        let theta = m.mean_patience_hours.map_or(0.0, |p| 1.0 / p);
        let c = f64::from(m.servers);
        for (name, v) in [
            ("p_wait", x.p_wait),
            ("p_abandon", x.p_abandon),
            ("service_level", x.service_level),
            ("occupancy", x.occupancy),
        ] {
            assert!((0.0..=1.0).contains(&v), "{name} = {v} out of [0, 1]");
        }
        assert!(x.mean_wait_hours.is_finite() && x.mean_wait_hours >= 0.0);
        assert!(x.mean_wait_served_hours.is_finite() && x.mean_wait_served_hours >= 0.0);
        rel_close(
            x.occupancy * c * mu,
            lambda * (1.0 - x.p_abandon),
            1e-9,
            "flow balance",
        );
        let lq = mean_queue_length(m);
        rel_close(x.mean_wait_hours, lq / lambda, 1e-9, "Little");
        close(
            x.p_abandon,
            theta * lq / lambda,
            1e-12,
            "abandonment = θ E[Lq]/λ",
        );
        assert!(x.p_abandon <= x.p_wait + 1e-15);
        assert!(x.service_level <= 1.0 - x.p_abandon + 1e-12);
    }

    #[test]
    fn erlang_c_reference_case() {
        // 100 contacts per 30 min, 180 s handling, 14 agents, target 20 s.
        let m = model(200.0, 180.0 * SECOND, 14, None);
        let x = metrics(&m, 20.0 * SECOND);
        close(x.p_wait, 0.1741, 5e-5, "P(wait)");
        close(x.service_level, 0.8884, 5e-5, "service level");
        close(x.mean_wait_hours / SECOND, 7.84, 0.005, "mean wait (s)");
        close(x.occupancy, 0.714, 5e-4, "occupancy");
        assert_eq!(x.p_abandon, 0.0);
        close(
            x.mean_wait_served_hours,
            x.mean_wait_hours,
            1e-15,
            "served wait",
        );
        assert_identities(&m, &x);
    }

    #[test]
    fn erlang_c_matches_closed_forms() {
        for &(lambda, handling, servers, target) in &[
            (10.0, 0.25, 3, 0.05),
            (50.0, 0.1, 6, 2.0 * MINUTE),
            (1000.0, 0.1, 110, 30.0 * SECOND),
            (0.8, 1.0, 1, 0.5),
            (3.0, 0.3, 1, 0.0),
        ] {
            let m = model(lambda, handling, servers, None);
            let x = metrics(&m, target);
            let offered = lambda * handling;
            let c = erlang_c(offered, servers);
            let gap = f64::from(servers) / handling - lambda;
            let case = format!("λ={lambda} h={handling} c={servers}");
            close(x.p_wait, c, 1e-12, &format!("{case} P(wait)"));
            rel_close(x.mean_wait_hours, c / gap, 1e-10, &format!("{case} wait"));
            close(
                x.service_level,
                1.0 - c * (-gap * target).exp(),
                1e-12,
                &format!("{case} service level"),
            );
            close(
                x.occupancy,
                offered / f64::from(servers),
                1e-12,
                "occupancy",
            );
            assert_identities(&m, &x);
        }
    }

    #[test]
    fn erlang_c_near_capacity_and_long_targets() {
        // ρ = 0.999: a long geometric tail (tens of thousands of states).
        let m = model(99.9, 0.1, 10, None);
        for target in [0.0, 0.01, 1.0, 10.0, 1e6, 1e300] {
            let x = metrics(&m, target);
            let c = erlang_c(9.99, 10);
            close(x.p_wait, c, 1e-10, "P(wait)");
            rel_close(x.mean_wait_hours, c / 0.1, 1e-9, "mean wait");
            close(
                x.service_level,
                1.0 - c * (-0.1 * target).exp(),
                1e-10,
                "service level",
            );
        }
    }

    #[test]
    fn single_server_with_abandonment_matches_brute_force() {
        for &(lambda, handling, patience, target) in &[
            (3.0, 0.5, 0.25, 0.1),  // overloaded 1.5×
            (1.0, 1.0, 2.0, 0.7),   // critically loaded
            (0.5, 1.0, 0.1, 0.05),  // light load, impatient
            (8.0, 0.25, 0.5, 0.02), // overloaded 2×
        ] {
            let m = model(lambda, handling, 1, Some(patience));
            let x = metrics(&m, target);
            let want = brute_force(&m, target);
            assert_metrics_close(&x, &want, 1e-10);
            assert_identities(&m, &x);
        }
    }

    #[test]
    fn multi_server_with_abandonment_matches_brute_force() {
        for &(lambda, handling, servers, patience, target) in &[
            (10.0, 0.25, 3, 2.0, 0.05),
            (30.0, 0.2, 4, 0.3, 0.1),
            (100.0, 0.25, 25, 1.0, 5.0 * MINUTE),
        ] {
            let m = model(lambda, handling, servers, Some(patience));
            let x = metrics(&m, target);
            let want = brute_force(&m, target);
            assert_metrics_close(&x, &want, 1e-10);
            assert_identities(&m, &x);
        }
    }

    #[test]
    fn service_level_runs_from_one_minus_p_wait_to_one_minus_p_abandon() {
        let m = model(3.0, 0.5, 1, Some(0.25));
        let at_zero = metrics(&m, 0.0);
        close(
            at_zero.service_level,
            1.0 - at_zero.p_wait,
            1e-14,
            "target 0",
        );
        let mut previous = at_zero.service_level;
        for i in 1..=400 {
            let target = f64::from(i) * 0.01;
            let x = metrics(&m, target);
            assert!(
                x.service_level >= previous - 1e-15,
                "service level fell at {target}: {} < {previous}",
                x.service_level
            );
            previous = x.service_level;
        }
        for target in [100.0, 1e6, 1e300] {
            let x = metrics(&m, target);
            close(x.service_level, 1.0 - x.p_abandon, 1e-12, "long target");
        }
    }

    #[test]
    fn large_centre_is_finite_and_consistent() {
        let m = model(400.0, 0.25, 120, Some(1.0));
        for target in [0.0, 20.0 * SECOND, 5.0 * MINUTE, 10.0, 1e9] {
            let x = metrics(&m, target);
            assert_identities(&m, &x);
        }
        // P(N = 0) = e^(−4810) at 10 h: the scaled pmf must still climb back.
        let x = metrics(&m, 10.0);
        close(x.service_level, 1.0 - x.p_abandon, 1e-12, "10 h target");
        // 2000 erlangs would overflow a^n/n! built from π_0.
        let m = model(8000.0, 0.25, 1000, Some(0.1));
        let x = metrics(&m, 1.0 * MINUTE);
        assert_identities(&m, &x);
        let m = model(1900.0, 1.0, 2000, None);
        let x = metrics(&m, 1.0 * MINUTE);
        close(x.p_wait, erlang_c(1900.0, 2000), 1e-9, "big Erlang C");
    }

    #[test]
    fn overloaded_erlang_a_is_stable_but_erlang_c_is_not() {
        let m = model(80.0, 0.25, 10, Some(0.5)); // λ = 2cμ
        let x = metrics(&m, 1.0 * MINUTE);
        assert_identities(&m, &x);
        assert!(x.p_abandon > 0.4 && x.p_abandon < 0.6, "{x:?}");
        close(x.occupancy, 1.0, 1e-3, "saturated");

        let unstable = model(80.0, 0.25, 10, None);
        assert_eq!(
            exact_metrics(&unstable, 0.0),
            Err(QueueError::Unstable {
                offered_load: 20.0,
                servers: 10
            })
        );
        let critical = model(40.0, 0.25, 10, None);
        assert!(matches!(
            exact_metrics(&critical, 0.0),
            Err(QueueError::Unstable { .. })
        ));
    }

    #[test]
    fn long_patience_approaches_erlang_c() {
        let c = metrics(&model(50.0, 0.1, 6, None), 2.0 * MINUTE);
        let a = metrics(&model(50.0, 0.1, 6, Some(1e9)), 2.0 * MINUTE);
        assert_metrics_close(&a, &c, 1e-8);
        let a = metrics(&model(50.0, 0.1, 6, Some(1e300)), 2.0 * MINUTE);
        assert_metrics_close(&a, &c, 1e-12);
    }

    #[test]
    fn invalid_parameters_are_errors() {
        let good = model(10.0, 0.25, 3, Some(1.0));
        assert!(exact_metrics(&good, 0.1).is_ok());
        let cases = [
            (model(10.0, 0.25, 0, Some(1.0)), 0.1, "servers"),
            (
                model(f64::NAN, 0.25, 3, Some(1.0)),
                0.1,
                "arrival_rate_per_hour",
            ),
            (
                model(f64::INFINITY, 0.25, 3, None),
                0.1,
                "arrival_rate_per_hour",
            ),
            (model(0.0, 0.25, 3, None), 0.1, "arrival_rate_per_hour"),
            (model(10.0, -0.25, 3, None), 0.1, "mean_handling_hours"),
            (model(10.0, 1e-320, 3, None), 0.1, "mean_handling_hours"),
            (model(10.0, 0.25, 3, Some(-1.0)), 0.1, "mean_patience_hours"),
            (model(10.0, 0.25, 3, Some(0.0)), 0.1, "mean_patience_hours"),
            (
                model(10.0, 0.25, 3, Some(f64::NAN)),
                0.1,
                "mean_patience_hours",
            ),
            (model(10.0, 0.25, 3, Some(1.0)), -1.0, "target_hours"),
            (model(10.0, 0.25, 3, Some(1.0)), f64::NAN, "target_hours"),
            (
                model(10.0, 0.25, 3, Some(1.0)),
                f64::INFINITY,
                "target_hours",
            ),
            (model(1e300, 1e300, 3, Some(1.0)), 0.1, "offered load"),
            // The queue would settle around 1e10 waiting customers.
            (model(1e6, 1.0, 1, Some(1e4)), 0.1, "states"),
            (
                model(10.0, 0.25, 3, Some(1e-320)),
                0.1,
                "mean_patience_hours",
            ),
        ];
        for (m, target, needle) in cases {
            match exact_metrics(&m, target) {
                Err(QueueError::InvalidParameter(message)) => assert!(
                    message.contains(needle),
                    "{m:?}: message {message:?} does not mention {needle}"
                ),
                other => panic!("{m:?} at {target}: expected InvalidParameter, got {other:?}"),
            }
        }
    }

    #[test]
    fn errors_display_their_reason() {
        let e = QueueError::Unstable {
            offered_load: 20.0,
            servers: 10,
        };
        assert!(e.to_string().contains("20 erlangs"));
        let e = QueueError::InvalidParameter("servers must be at least 1".into());
        assert!(e.to_string().contains("servers must be at least 1"));
    }
}
