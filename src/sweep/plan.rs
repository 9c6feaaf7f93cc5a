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

/// One varied parameter and its values, as `--set` value strings. A value
/// may be structured (a TOML array or inline table: a shift list, a
/// distribution), kept in its canonical one-line TOML form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    pub path: String,
    pub values: Vec<String>,
}

/// Whether a value string is a structured TOML value (an array or an
/// inline table) rather than a scalar.
pub fn is_structured(value: &str) -> bool {
    value.trim_start().starts_with(['[', '{'])
}

impl Factor {
    /// Whether any value is structured: then every value goes by a label.
    pub fn is_structured(&self) -> bool {
        self.values.iter().any(|v| is_structured(v))
    }

    /// What tables and reports show for value `index`: the value itself,
    /// or, for a structured factor, a short label made of the path's last
    /// segment and the value's 1-based position (`shifts#2`); the legend
    /// in sweep.json maps labels to values.
    pub fn label(&self, index: usize) -> String {
        if self.is_structured() {
            let name = self.path.rsplit('.').next().unwrap_or(&self.path);
            format!("{name}#{}", index + 1)
        } else {
            self.values[index].clone()
        }
    }

    /// Every value's label, in order.
    pub fn labels(&self) -> Vec<String> {
        (0..self.values.len()).map(|i| self.label(i)).collect()
    }

    /// The index of the value a person wrote (`180m` for `3h`, `12.0` for
    /// `12`, `shifts#2`, or a structured value spaced another way).
    pub fn position_of(&self, written: &str) -> Option<usize> {
        let canonical = canonical_structured(written).ok().flatten();
        (0..self.values.len()).find(|&i| {
            same_value(&self.values[i], written)
                || (self.is_structured() && self.label(i) == written.trim())
                || canonical.as_deref() == Some(self.values[i].as_str())
        })
    }
}

/// A factor from its path and its values: checks the path, the number of
/// values and that no value is listed twice.
pub fn factor(path: &str, values: Vec<String>) -> Result<Factor, String> {
    let path = path.trim();
    if path.is_empty() || path.split('.').any(|s| s.is_empty()) {
        return Err(format!(
            "--vary {path:?}: the path is empty or has an empty segment"
        ));
    }
    let at = |e: String| format!("--vary {path}: {e}");
    if values.is_empty() {
        return Err(at("no values given".into()));
    }
    if values.len() > MAX_VALUES {
        return Err(at(format!("{} values: at most {MAX_VALUES}", values.len())));
    }
    if values.iter().any(|v| v.contains(['\n', '\r'])) {
        return Err(at("a value contains a line break".into()));
    }
    let mut seen = std::collections::BTreeSet::new();
    for v in &values {
        if !seen.insert(v) {
            return Err(at(format!("value {v:?} is listed twice")));
        }
    }
    Ok(Factor {
        path: path.to_string(),
        values,
    })
}

/// The canonical one-line TOML form of a structured value (`[..]` or
/// `{..}`), so that spacing and key order do not make two values differ;
/// `None` for a scalar; an error naming the TOML problem for a value that
/// opens a bracket but is not TOML.
pub fn canonical_structured(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if !is_structured(text) {
        return Ok(None);
    }
    let table: toml::Table = format!("v = {text}")
        .parse()
        .map_err(|e: toml::de::Error| {
            format!(
                "{text:?} is not a TOML array or inline table: {}",
                e.message()
            )
        })?;
    match table.get("v") {
        Some(v @ (toml::Value::Array(_) | toml::Value::Table(_))) => Ok(Some(v.to_string())),
        _ => Err(format!("{text:?} is not a TOML array or inline table")),
    }
}

/// Splits a list at its top-level commas: not inside `[]`, `{}` or a
/// quoted string, so that `[{ share = 1.0 }],[..]` is two values.
fn split_top_level(text: &str) -> Result<Vec<&str>, String> {
    let mut items = Vec::new();
    let mut depth: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' => depth.push(']'),
            '{' => depth.push('}'),
            ']' | '}' => {
                let expected = depth.pop();
                if expected != Some(c) {
                    return Err(format!("unbalanced {c:?} in the list {text:?}"));
                }
            }
            ',' if depth.is_empty() => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Err(format!("an unclosed quote in the list {text:?}"));
    }
    if let Some(close) = depth.last() {
        return Err(format!("a missing {close:?} in the list {text:?}"));
    }
    items.push(&text[start..]);
    Ok(items)
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
/// included), or a single value. List items may be structured TOML values
/// (`[{ share = 1.0, hours = [..] }],[..]`): the list splits only at
/// commas outside brackets and quotes.
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
    factor(path, values)
}

/// Expands a values spec into `--set` value strings.
pub fn expand_values(text: &str) -> Result<Vec<String>, String> {
    if text.is_empty() {
        return Err("no values given".into());
    }
    if text.contains(['\n', '\r']) {
        return Err("a value contains a line break".into());
    }
    // A range is scalar: brackets or quotes make the text a list.
    let scalar = !text.contains([',', '[', '{', '"', '\'']);
    let values = match text.split_once("..") {
        Some((start, rest)) if scalar => {
            let (end, step) = rest.split_once(':').ok_or_else(|| {
                format!("range {text:?} needs a step: start..end:step, e.g. 10..40:5")
            })?;
            expand_range(start.trim(), end.trim(), step.trim())?
        }
        _ => {
            let mut items = Vec::new();
            for item in split_top_level(text)? {
                let item = item.trim();
                if item.is_empty() {
                    return Err(format!("empty item in the list {:?}", shorten(text)));
                }
                items.push(canonical_structured(item)?.unwrap_or_else(|| item.to_string()));
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

/// The unit the values of a duration range are written in: the largest of
/// the units the user wrote (start, end, step) in which every value is a
/// whole number, so `0h..3h:1h` reads `0h, 1h, 2h, 3h` and `1h..4h:90m`
/// reads `60m, 150m, 240m`; else the largest unit that fits them all.
fn range_unit(written: [&str; 3], values: &[crate::time::SimDuration]) -> &'static str {
    const UNITS: [&str; 6] = ["w", "d", "h", "m", "s", "ms"];
    let fits = |unit: &str| values.iter().all(|v| v.in_unit(unit).is_some());
    let mine: Vec<&str> = written
        .iter()
        .filter_map(|w| crate::time::unit_of(w))
        .map(|u| if u == "min" { "m" } else { u })
        .collect();
    UNITS
        .iter()
        .find(|u| mine.contains(u) && fits(u))
        .or_else(|| UNITS.iter().find(|u| fits(u)))
        .copied()
        .unwrap_or("ms")
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
        let values: Vec<_> = (0..=(b - a) / s)
            .map(|k| crate::time::SimDuration(a + k * s))
            .collect();
        let unit = range_unit([start, end, step], &values);
        return Ok(values
            .iter()
            .map(|v| v.in_unit(unit).unwrap_or_else(|| v.to_string()))
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
        // Durations in one unit the user wrote, "0h" and not "0s".
        assert_eq!(
            expand_values("1h..4h:90m").unwrap(),
            ["60m", "150m", "240m"]
        );
        assert_eq!(
            expand_values("0h..3h:1h").unwrap(),
            ["0h", "1h", "2h", "3h"]
        );
        assert_eq!(
            expand_values("0h..48h:12h").unwrap(),
            ["0h", "12h", "24h", "36h", "48h"]
        );
        assert_eq!(
            expand_values("0.5h..1h:0.25h").unwrap(),
            ["30m", "45m", "60m"]
        );
        assert_eq!(
            expand_values("0.1..0.5:0.1").unwrap(),
            ["0.1", "0.2", "0.3", "0.4", "0.5"]
        );
        assert_eq!(expand_values("7").unwrap(), ["7"]);
    }

    #[test]
    fn structured_values_split_at_top_level_commas_only() {
        let two = "[{ share = 1.0, hours = [\"mon-fri 09:00-18:00\", \"sat 10:00-14:00\"] }],\
                   [{share=0.5,hours=[\"mon-fri 08:00-16:00\"]}, {share=0.5,hours=[\"mon-fri 12:00-20:00\"]}]";
        let values = expand_values(two).unwrap();
        assert_eq!(
            values,
            [
                r#"[{ hours = ["mon-fri 09:00-18:00", "sat 10:00-14:00"], share = 1.0 }]"#,
                r#"[{ hours = ["mon-fri 08:00-16:00"], share = 0.5 }, { hours = ["mon-fri 12:00-20:00"], share = 0.5 }]"#,
            ]
        );
        // A distribution, a scalar beside it, a quoted comma.
        assert_eq!(
            expand_values(r#"{dist="exponential",mean="4h"}, 6m, "a,b""#).unwrap(),
            [r#"{ dist = "exponential", mean = "4h" }"#, "6m", r#""a,b""#]
        );
        // The same value spaced differently is the same value.
        let e = expand_values("[1, 2],[1,2]").unwrap_err();
        assert!(e.contains("twice"), "{e}");
        for (bad, needle) in [
            ("[1, 2", "missing"),
            ("[1, 2]]", "unbalanced"),
            ("[1 2]", "not a TOML array"),
            ("\"open", "unclosed quote"),
        ] {
            let e = expand_values(bad).unwrap_err();
            assert!(e.contains(needle), "{bad:?}: {e}");
        }
        let f = parse_vary(&format!("staff.teams.technical.shifts={two}")).unwrap();
        assert_eq!(f.labels(), ["shifts#1", "shifts#2"]);
        assert_eq!(f.position_of("shifts#2"), Some(1));
        assert_eq!(
            f.position_of(r#"[{hours=["mon-fri 09:00-18:00","sat 10:00-14:00"],share=1.0}]"#),
            Some(0)
        );
        assert_eq!(f.position_of("shifts#3"), None);
        let scalar = parse_vary("policy.intervention_delay=0h,3h").unwrap();
        assert_eq!(scalar.labels(), ["0h", "3h"]);
        assert_eq!(scalar.position_of("180m"), Some(1));
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
