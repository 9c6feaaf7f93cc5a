//! A sweep plan: which scenario, which values of which parameters (a full
//! factorial grid), how many replications, which master seed. Parsing of
//! `--vary` specs and sweep files lives here; nothing here runs anything.
//!
//! Runs are numbered point-major: run = point × replications + replication,
//! and points mixed-radix with the first factor varying slowest.

use crate::rng::mix64;
use crate::scenario::shorten;
use crate::time::parse_duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One varied parameter and its values, as `--set` value strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    pub path: String,
    pub values: Vec<String>,
}

/// Everything that determines a sweep's results. Two sweeps with equal
/// plans give byte-identical files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The scenario file as given (for people; the hash is what counts).
    pub scenario: String,
    /// FNV-1a 64 of the scenario tree (extends resolved), hex.
    pub scenario_hash: String,
    /// Fixed overrides applied to every run before the varied ones.
    pub sets: Vec<String>,
    pub factors: Vec<Factor>,
    pub replications: u32,
    pub seed: u64,
    /// The point that the paired differences of points.csv are taken
    /// against. Missing in a sweep.json of an older entraide: point 0.
    #[serde(default)]
    pub baseline: Baseline,
}

/// The baseline point of a sweep: its number, and its value of each
/// factor (by path, for people reading sweep.json).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub point: u64,
    pub values: BTreeMap<String, String>,
}

/// The most values one factor may take, and the most runs of a sweep.
pub const MAX_VALUES: usize = 100_000;
pub const MAX_RUNS: u64 = 100_000_000;

impl Plan {
    /// Grid points; saturates (and is then refused by `MAX_RUNS`) rather
    /// than wrapping.
    pub fn points(&self) -> u64 {
        self.factors
            .iter()
            .fold(1u64, |n, f| n.saturating_mul(f.values.len() as u64))
    }

    pub fn runs(&self) -> u64 {
        self.points().saturating_mul(u64::from(self.replications))
    }

    /// (point, replication) of a run.
    pub fn run_of(&self, run: u64) -> (u64, u32) {
        let r = u64::from(self.replications);
        (run / r, (run % r) as u32)
    }

    /// The points that a range of runs touches (empty for no runs).
    pub fn points_of(&self, runs: &std::ops::Range<u64>) -> std::ops::Range<u64> {
        if runs.is_empty() {
            return 0..0;
        }
        let r = u64::from(self.replications);
        runs.start / r..(runs.end - 1) / r + 1
    }

    /// The value index of each factor at a point.
    pub fn coordinates(&self, point: u64) -> Vec<usize> {
        let mut rest = point;
        let mut coords = vec![0; self.factors.len()];
        for (i, f) in self.factors.iter().enumerate().rev() {
            let n = f.values.len() as u64;
            coords[i] = (rest % n) as usize;
            rest /= n;
        }
        coords
    }

    /// The `--set` assignments of a point (fixed ones first).
    pub fn sets_of(&self, point: u64) -> Vec<String> {
        let mut sets = self.sets.clone();
        for (f, c) in self.factors.iter().zip(self.coordinates(point)) {
            sets.push(format!("{}={}", f.path, f.values[c]));
        }
        sets
    }

    /// The seed of a replication: a function of the master seed and the
    /// replication only, so every point sees the same random numbers for
    /// the same replication (common random numbers), whatever the thread
    /// or the order of execution.
    pub fn run_seed(&self, replication: u32) -> u64 {
        replication_seed(self.seed, replication)
    }
}

/// The seed of replication `replication` under master seed `master`; the
/// one derivation shared by `sweep`, `run --replications` and `compare`.
pub fn replication_seed(master: u64, replication: u32) -> u64 {
    mix64(mix64(master) ^ mix64(0x5eed_0000 + u64::from(replication)))
}

/// FNV-1a, 64 bits: a stable fingerprint (not a defence against forgery).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Parses `path=values`: a list `0h,1h,2h`, an integer range `10..40:5`, a
/// duration range `1h..8h:1h` or a decimal range `0.1..0.5:0.1` (ends
/// included), or a single value.
pub fn parse_vary(spec: &str) -> Result<Factor, String> {
    let (path, values) = spec.split_once('=').ok_or_else(|| {
        format!(
            "--vary {:?}: expected path=values, e.g. policy.intervention_delay=0h,1h,4h",
            shorten(spec)
        )
    })?;
    let path = path.trim();
    if path.is_empty() || path.split('.').any(|s| s.is_empty()) {
        return Err(format!(
            "--vary {:?}: the path is empty or has an empty segment",
            shorten(spec)
        ));
    }
    let values =
        expand_values(values.trim()).map_err(|e| format!("--vary {}: {e}", shorten(path)))?;
    Ok(Factor {
        path: path.to_string(),
        values,
    })
}

/// Expands a values spec into `--set` value strings.
pub fn expand_values(text: &str) -> Result<Vec<String>, String> {
    if text.is_empty() {
        return Err("no values given".into());
    }
    if text.contains(['\n', '\r']) {
        return Err("a value contains a line break".into());
    }
    let values = match text.split_once("..") {
        Some((start, rest)) if !text.contains(',') => {
            let (end, step) = rest.split_once(':').ok_or_else(|| {
                format!("range {text:?} needs a step: start..end:step, e.g. 10..40:5")
            })?;
            expand_range(start.trim(), end.trim(), step.trim())?
        }
        _ => {
            let items: Vec<String> = text.split(',').map(|s| s.trim().to_string()).collect();
            if items.iter().any(|s| s.is_empty()) {
                return Err(format!("empty item in the list {:?}", shorten(text)));
            }
            items
        }
    };
    if values.len() > MAX_VALUES {
        return Err(format!("{} values: at most {MAX_VALUES}", values.len()));
    }
    let mut seen = std::collections::BTreeSet::new();
    for v in &values {
        if !seen.insert(v) {
            return Err(format!("value {:?} is listed twice", shorten(v)));
        }
    }
    Ok(values)
}

fn expand_range(start: &str, end: &str, step: &str) -> Result<Vec<String>, String> {
    let range = format!("{start}..{end}:{step}");
    let too_many = || format!("range {range:?} has more than {MAX_VALUES} values");
    if let (Ok(a), Ok(b), Ok(s)) = (
        start.parse::<i64>(),
        end.parse::<i64>(),
        step.parse::<i64>(),
    ) {
        if s <= 0 {
            return Err(format!("range {range:?}: the step must be > 0"));
        }
        if a > b {
            return Err(format!("range {range:?} is empty: start is after end"));
        }
        // In i128: `b - a` overflows i64 for ends of opposite signs
        // (found by tests/fuzz.rs); every value lies in a..=b, so fits.
        let (a, b, s) = (i128::from(a), i128::from(b), i128::from(s));
        if (b - a) / s >= MAX_VALUES as i128 {
            return Err(too_many());
        }
        return Ok((0..=(b - a) / s).map(|k| (a + k * s).to_string()).collect());
    }
    if let (Ok(a), Ok(b), Ok(s)) = (
        parse_duration(start),
        parse_duration(end),
        parse_duration(step),
    ) {
        let (a, b, s) = (a.as_millis(), b.as_millis(), s.as_millis());
        if s == 0 {
            return Err(format!("range {range:?}: the step must be > 0"));
        }
        if a > b {
            return Err(format!("range {range:?} is empty: start is after end"));
        }
        if (b - a) / s >= MAX_VALUES as u64 {
            return Err(too_many());
        }
        return Ok((0..=(b - a) / s)
            .map(|k| crate::time::SimDuration(a + k * s).to_string())
            .collect());
    }
    if let (Ok(a), Ok(b), Ok(s)) = (
        start.parse::<f64>(),
        end.parse::<f64>(),
        step.parse::<f64>(),
    ) {
        if !(a.is_finite() && b.is_finite() && s.is_finite()) {
            return Err(format!("range {range:?}: expected finite numbers"));
        }
        if s <= 0.0 {
            return Err(format!("range {range:?}: the step must be > 0"));
        }
        if a > b {
            return Err(format!("range {range:?} is empty: start is after end"));
        }
        // Tolerate float error at the end: 0.1..0.5:0.1 includes 0.5.
        let n = ((b - a) / s + 1e-9).floor();
        if n >= MAX_VALUES as f64 {
            return Err(too_many());
        }
        return Ok((0..=n as u64)
            .map(|k| {
                let v = a + k as f64 * s;
                // Twelve significant digits hide the float error (0.30000000000000004).
                let rounded: f64 = format!("{v:.12e}").parse().unwrap_or(v);
                format!("{rounded}")
            })
            .collect());
    }
    Err(format!(
        "range {range:?}: expected whole numbers (10..40:5), durations (1h..8h:1h) or decimals (0.1..0.5:0.1) throughout"
    ))
}

/// Parses a `--baseline PATH=VALUE` spec into (path, value).
pub fn parse_baseline(spec: &str) -> Result<(String, String), String> {
    match spec.split_once('=') {
        Some((path, value)) if !path.trim().is_empty() && !value.trim().is_empty() => {
            Ok((path.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!(
            "--baseline {spec:?}: expected PATH=VALUE, one of the values of a varied parameter, e.g. policy.intervention_delay=3h"
        )),
    }
}

/// Whether a value written by a person (`180m`, `12.0`) names the same
/// factor value as `value` (`3h`, `12`): equal as text, as durations or
/// as numbers.
pub fn same_value(value: &str, written: &str) -> bool {
    if value == written {
        return true;
    }
    if let (Ok(a), Ok(b)) = (parse_duration(value), parse_duration(written)) {
        return a == b;
    }
    matches!(
        (value.parse::<f64>(), written.parse::<f64>()),
        (Ok(a), Ok(b)) if a == b
    )
}

/// Parses a shard spec "I/N" (1-based).
pub fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let expected = || format!("--shard {text:?}: expected I/N with 1 <= I <= N, e.g. 3/8");
    let (i, n) = text.split_once('/').ok_or_else(expected)?;
    let i: u64 = i.trim().parse().map_err(|_| expected())?;
    let n: u64 = n.trim().parse().map_err(|_| expected())?;
    if n == 0 || i == 0 || i > n {
        return Err(expected());
    }
    Ok((i, n))
}

/// The runs of shard I of N: a contiguous slice, so shard files
/// concatenate in order.
pub fn shard_range(runs: u64, shard: Option<(u64, u64)>) -> std::ops::Range<u64> {
    match shard {
        None => 0..runs,
        Some((i, n)) => {
            let start = (u128::from(runs) * u128::from(i - 1) / u128::from(n)) as u64;
            let end = (u128::from(runs) * u128::from(i) / u128::from(n)) as u64;
            start..end
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by tests/fuzz.rs: the integer range's width overflowed i64.
    #[test]
    fn integer_ranges_at_the_ends_of_i64_do_not_overflow() {
        let e = expand_values("-9223372036854775808..9223372036854775807:1").unwrap_err();
        assert!(e.contains("more than"), "{e}");
        assert_eq!(
            expand_values("9223372036854775806..9223372036854775807:5").unwrap(),
            ["9223372036854775806"]
        );
        let wide = "-9223372036854775808..9223372036854775807:9223372036854775807";
        assert_eq!(
            expand_values(wide).unwrap(),
            ["-9223372036854775808", "-1", "9223372036854775806"]
        );
    }

    #[test]
    fn lists_and_ranges() {
        assert_eq!(expand_values("0h,1h, 2h").unwrap(), ["0h", "1h", "2h"]);
        assert_eq!(
            expand_values("10..40:5").unwrap(),
            ["10", "15", "20", "25", "30", "35", "40"]
        );
        assert_eq!(expand_values("10..42:5").unwrap().last().unwrap(), "40");
        assert_eq!(expand_values("1h..4h:90m").unwrap(), ["1h", "150m", "4h"]);
        assert_eq!(
            expand_values("0.1..0.5:0.1").unwrap(),
            ["0.1", "0.2", "0.3", "0.4", "0.5"]
        );
        assert_eq!(expand_values("7").unwrap(), ["7"]);
    }

    #[test]
    fn bad_specs_say_why() {
        for (spec, needle) in [
            ("10..40:0", "step"),
            ("40..10:5", "empty"),
            ("", "no values"),
            ("a,,b", "empty item"),
            ("10..40", "needs a step"),
            ("1h..3:1h", "throughout"),
            ("1,1", "twice"),
            ("0..1000000000:1", "more than"),
        ] {
            let e = expand_values(spec).unwrap_err();
            assert!(e.contains(needle), "{spec:?}: {e}");
        }
        assert!(parse_vary("novalues").is_err());
        assert!(parse_vary("a..b=1").is_err());
    }

    #[test]
    fn grid_order_is_first_factor_slowest() {
        let plan = Plan {
            scenario: "s.toml".into(),
            scenario_hash: "0".into(),
            sets: vec![],
            factors: vec![
                Factor {
                    path: "a".into(),
                    values: vec!["1".into(), "2".into()],
                },
                Factor {
                    path: "b".into(),
                    values: vec!["x".into(), "y".into(), "z".into()],
                },
            ],
            replications: 4,
            seed: 1,
            baseline: Baseline::default(),
        };
        assert_eq!(plan.points(), 6);
        assert_eq!(plan.runs(), 24);
        assert_eq!(plan.coordinates(0), [0, 0]);
        assert_eq!(plan.coordinates(1), [0, 1]);
        assert_eq!(plan.coordinates(3), [1, 0]);
        assert_eq!(plan.sets_of(5), ["a=2", "b=z"]);
        assert_eq!(plan.run_of(9), (2, 1));
        assert_eq!(plan.points_of(&(0..24)), 0..6);
        assert_eq!(plan.points_of(&(5..9)), 1..3);
        assert_eq!(plan.points_of(&(8..12)), 2..3);
        assert_eq!(plan.points_of(&(7..7)), 0..0);
        // Pinned: a change of the derivation would change every sweep.
        assert_eq!(plan.run_seed(3), 1_243_407_018_617_671_199);
        // Common random numbers: another grid with the same master seed
        // gives replication 3 the same seed.
        let other = Plan {
            factors: vec![],
            replications: 7,
            ..plan.clone()
        };
        assert_eq!(other.run_seed(3), plan.run_seed(3));
        assert_ne!(plan.run_seed(3), plan.run_seed(4));
    }

    #[test]
    fn shards_partition_the_runs() {
        for runs in [0u64, 1, 7, 100, 101] {
            for n in 1..=9 {
                let mut next = 0;
                for i in 1..=n {
                    let r = shard_range(runs, Some((i, n)));
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, runs);
            }
        }
        for bad in ["3/2", "0/0", "0/3", "1/0", "a/b", "1", "-1/2"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
    }

    #[test]
    fn baseline_values_match_by_meaning() {
        assert_eq!(
            parse_baseline(" policy.intervention_delay = 3h"),
            Ok(("policy.intervention_delay".into(), "3h".into()))
        );
        for bad in ["3h", "=3h", "a=", ""] {
            assert!(parse_baseline(bad).is_err(), "{bad}");
        }
        assert!(same_value("3h", "3h"));
        assert!(same_value("3h", "180m"));
        assert!(same_value("12", "12.0"));
        assert!(!same_value("3h", "2h"));
        assert!(!same_value("12", "x"));
        assert!(!same_value("0.1", "0.10000001"));
    }
}
