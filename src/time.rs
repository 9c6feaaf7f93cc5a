//! Simulated time: an integer clock in milliseconds since Monday 00:00 of
//! week one, and the duration strings scenarios are written in ("90s",
//! "7.5m", "3h", "2d", "1w").
//!
//! Integer time makes event order exact: two events at the same instant are
//! ordered by insertion (see `engine::queue`), never by float rounding.

use serde::Serialize;
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Milliseconds in one second, minute, hour, day and week.
pub const MS_PER_SECOND: u64 = 1_000;
pub const MS_PER_MINUTE: u64 = 60 * MS_PER_SECOND;
pub const MS_PER_HOUR: u64 = 60 * MS_PER_MINUTE;
pub const MS_PER_DAY: u64 = 24 * MS_PER_HOUR;
pub const MS_PER_WEEK: u64 = 7 * MS_PER_DAY;

/// An instant on the simulated clock. Time zero is a Monday 00:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

/// A non-negative span of simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimDuration(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn as_millis(self) -> u64 {
        self.0
    }

    pub fn as_hours(self) -> f64 {
        self.0 as f64 / MS_PER_HOUR as f64
    }

    pub fn as_days(self) -> f64 {
        self.0 as f64 / MS_PER_DAY as f64
    }

    /// Time elapsed since `earlier`, or zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// Hour of the week, 0 = Monday 00:00-01:00, 167 = Sunday 23:00-24:00.
    pub fn hour_of_week(self) -> usize {
        ((self.0 % MS_PER_WEEK) / MS_PER_HOUR) as usize
    }

    /// The next whole hour strictly after this instant.
    pub fn next_hour(self) -> SimTime {
        SimTime((self.0 / MS_PER_HOUR + 1) * MS_PER_HOUR)
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);

    pub fn from_hours(hours: f64) -> SimDuration {
        SimDuration::from_millis_f64(hours * MS_PER_HOUR as f64)
    }

    pub fn from_days(days: u64) -> SimDuration {
        SimDuration(days * MS_PER_DAY)
    }

    /// Rounds to the nearest millisecond; negative and NaN become zero and
    /// values beyond the clock's range saturate, so a sampled duration can
    /// never panic the engine.
    pub fn from_millis_f64(ms: f64) -> SimDuration {
        SimDuration(round_to_u64(ms))
    }

    pub fn as_millis(self) -> u64 {
        self.0
    }

    pub fn as_hours(self) -> f64 {
        self.0 as f64 / MS_PER_HOUR as f64
    }

    pub fn as_days(self) -> f64 {
        self.0 as f64 / MS_PER_DAY as f64
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for SimDuration {
    /// The shortest exact unit form: "3h", "90s", "1500ms".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        for (unit, size) in [
            ("w", MS_PER_WEEK),
            ("d", MS_PER_DAY),
            ("h", MS_PER_HOUR),
            ("m", MS_PER_MINUTE),
            ("s", MS_PER_SECOND),
        ] {
            if ms != 0 && ms.is_multiple_of(size) {
                return write!(f, "{}{}", ms / size, unit);
            }
        }
        if ms == 0 {
            write!(f, "0s")
        } else {
            write!(f, "{ms}ms")
        }
    }
}

impl SimDuration {
    /// The label of a response target: whole hours in hours ("24h", not
    /// "1d"; "168h", not "1w"), so that the `within` keys and the
    /// `first_response_within_*` columns read the same whether a scenario
    /// writes "24h" or "1d"; shorter spans in their largest exact unit
    /// ("90m", "30s").
    pub fn hours_label(self) -> String {
        if self.0.is_multiple_of(MS_PER_HOUR) {
            format!("{}h", self.0 / MS_PER_HOUR)
        } else {
            self.to_string()
        }
    }

    /// This span as a whole number of `unit` (ms, s, m, h, d or w), if it
    /// is one: "0h" for zero hours, where `Display` writes "0s".
    pub fn in_unit(self, unit: &str) -> Option<String> {
        let size = unit_size(unit)?;
        self.0
            .is_multiple_of(size)
            .then(|| format!("{}{unit}", self.0 / size))
    }
}

/// The size in milliseconds of a unit as `parse_duration` reads it.
pub fn unit_size(unit: &str) -> Option<u64> {
    Some(match unit {
        "ms" => 1,
        "s" => MS_PER_SECOND,
        "m" | "min" => MS_PER_MINUTE,
        "h" => MS_PER_HOUR,
        "d" => MS_PER_DAY,
        "w" => MS_PER_WEEK,
        _ => return None,
    })
}

/// The unit a duration string is written in ("3h" -> "h"), if it has one.
pub fn unit_of(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let unit = trimmed[split..].trim();
    unit_size(unit).map(|_| unit)
}

impl Serialize for SimDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a duration string was rejected; the message says what to write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("expected a duration like \"90s\", \"7.5m\", \"3h\", \"2d\" or \"1w\", found {0:?}")]
    Malformed(String),
    #[error("unknown unit {unit:?} in {text:?}: use ms, s, m, h, d or w")]
    UnknownUnit { text: String, unit: String },
    #[error("duration {0:?} is too long")]
    TooLong(String),
}

/// Parses "90s", "6m", "7.5m", "0.25h", "2d", "1w", "250ms" (also "0").
/// Negative values, NaN and missing units are errors.
pub fn parse_duration(text: &str) -> Result<SimDuration, DurationError> {
    let trimmed = text.trim();
    if trimmed == "0" {
        return Ok(SimDuration::ZERO);
    }
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| DurationError::Malformed(text.to_string()))?;
    let (number, unit) = trimmed.split_at(split);
    let unit = unit.trim();
    if number.is_empty() || number.starts_with('.') && number.len() == 1 {
        return Err(DurationError::Malformed(text.to_string()));
    }
    let value: f64 = number
        .parse()
        .map_err(|_| DurationError::Malformed(text.to_string()))?;
    let Some(scale) = unit_size(unit) else {
        return Err(DurationError::UnknownUnit {
            text: text.to_string(),
            unit: unit.to_string(),
        });
    };
    let ms = value * scale as f64;
    // A thousand years is far beyond any horizon and far inside u64 ms.
    if !ms.is_finite() || ms > 1000.0 * 365.0 * MS_PER_DAY as f64 {
        return Err(DurationError::TooLong(text.to_string()));
    }
    Ok(SimDuration(ms.round() as u64))
}

/// `x.round() as u64`, exactly, for every `x` (halves away from zero;
/// negatives and NaN give 0, and values past the range saturate), without
/// `f64::round`: on the baseline x86-64 target (no SSE4.1)
/// that is a library call, and it ran on every sampled duration (2 % of a
/// run's instructions). Exact because below 2^53 the fraction `x - trunc`
/// is computed without rounding, and above it every float is an integer.
///
/// The half-up test is added as a number, not taken as a branch: on a
/// sampled duration it is a coin toss, and a mispredicted branch on
/// every draw cost more than the rounding itself (cachegrind,
/// docs/performance.md).
/// Below 2^63 it converts through `i64`, one instruction each way
/// (`u64` conversions are a sequence of them on x86-64).
pub fn round_to_u64(x: f64) -> u64 {
    const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;
    if (0.0..TWO_TO_63).contains(&x) {
        let whole = x as i64;
        // Below 2^63 - 1 + 1: no overflow.
        return whole as u64 + (x - whole as f64 >= 0.5) as u64;
    }
    let whole = x as u64;
    let up = (x - whole as f64 >= 0.5) as u64;
    whole.saturating_add(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_without_the_library_call_is_round() {
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::rng::SimRng::seed_from_u64(11);
        let edges = [
            0.0,
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            1e19,
            1.8446744073709552e19,
            1e300,
            f64::INFINITY,
            -0.4,
            -0.5,
            -7.0,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let random = (0..100_000).map(|i| match i % 3 {
            0 => rng.random::<f64>() * 10.0,
            1 => (rng.random_range(0..1_000_000u64) as f64) + 0.5,
            _ => rng.random::<f64>() * 1e15,
        });
        for x in edges.into_iter().chain(random) {
            assert_eq!(round_to_u64(x), x.round() as u64, "{x}");
        }
    }

    #[test]
    fn parses_every_unit_and_decimals() {
        assert_eq!(parse_duration("90s"), Ok(SimDuration(90_000)));
        assert_eq!(parse_duration("6m"), Ok(SimDuration(360_000)));
        assert_eq!(parse_duration("7.5m"), Ok(SimDuration(450_000)));
        assert_eq!(parse_duration("0.25h"), Ok(SimDuration(900_000)));
        assert_eq!(parse_duration("3h"), Ok(SimDuration(3 * MS_PER_HOUR)));
        assert_eq!(parse_duration("2d"), Ok(SimDuration(2 * MS_PER_DAY)));
        assert_eq!(parse_duration("1w"), Ok(SimDuration(MS_PER_WEEK)));
        assert_eq!(parse_duration("250ms"), Ok(SimDuration(250)));
        assert_eq!(parse_duration("0"), Ok(SimDuration(0)));
        assert_eq!(parse_duration(" 4 h "), Ok(SimDuration(4 * MS_PER_HOUR)));
    }

    #[test]
    fn rejects_malformed_durations() {
        for bad in [
            "3x", "h", "", "-3h", "3", "1.2.3h", "NaNh", ".h", "1e400h", "3 hours",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn displays_in_the_largest_exact_unit() {
        assert_eq!(SimDuration(3 * MS_PER_HOUR).to_string(), "3h");
        assert_eq!(SimDuration(90_000).to_string(), "90s");
        assert_eq!(SimDuration(450_000).to_string(), "450s");
        assert_eq!(SimDuration(1).to_string(), "1ms");
        assert_eq!(SimDuration(0).to_string(), "0s");
        for d in ["3h", "90s", "2d", "1w", "250ms"] {
            let parsed = parse_duration(d).unwrap();
            assert_eq!(parse_duration(&parsed.to_string()), Ok(parsed));
        }
    }

    #[test]
    fn target_labels_are_in_hours_and_units_are_kept() {
        let d = |t: &str| parse_duration(t).unwrap();
        assert_eq!(d("24h").hours_label(), "24h");
        assert_eq!(d("1d").hours_label(), "24h");
        assert_eq!(d("1w").hours_label(), "168h");
        assert_eq!(d("90m").hours_label(), "90m");
        assert_eq!(d("30s").hours_label(), "30s");
        assert_eq!(d("0s").hours_label(), "0h");
        assert_eq!(d("0s").in_unit("h").as_deref(), Some("0h"));
        assert_eq!(d("150m").in_unit("h"), None);
        assert_eq!(d("2h").in_unit("m").as_deref(), Some("120m"));
        assert_eq!(unit_of("7.5m"), Some("m"));
        assert_eq!(unit_of("12"), None);
        assert_eq!(unit_of("3x"), None);
    }

    #[test]
    fn calendar_starts_on_monday() {
        assert_eq!(SimTime(0).hour_of_week(), 0);
        assert_eq!(SimTime(MS_PER_WEEK - 1).hour_of_week(), 167);
        assert_eq!(SimTime(MS_PER_WEEK).hour_of_week(), 0);
        assert_eq!(SimTime(5).next_hour(), SimTime(MS_PER_HOUR));
        assert_eq!(SimTime(MS_PER_HOUR).next_hour(), SimTime(2 * MS_PER_HOUR));
    }
}
