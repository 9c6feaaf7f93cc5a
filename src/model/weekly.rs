//! Weekly rate profiles (168 hourly multipliers of mean 1) and exact
//! sampling of the next event of a Poisson process whose rate is piecewise
//! constant by hour of the week: the exponential "budget" is spent hour by
//! hour, so nothing is lost at hour boundaries and no draw is wasted.

use crate::time::{MS_PER_HOUR, MS_PER_WEEK, SimTime};

#[derive(Debug, Clone)]
pub struct WeeklyProfile {
    multipliers: [f64; 168],
    /// Sum of the multipliers times one hour, in ms: the week's mass at
    /// rate 1 per ms.
    week_mass: f64,
}

impl WeeklyProfile {
    /// An hour-of-day profile (24) times a day-of-week profile (7).
    pub fn new(hourly: &[f64], weekly: &[f64]) -> WeeklyProfile {
        let mut multipliers = [0.0; 168];
        for (i, m) in multipliers.iter_mut().enumerate() {
            *m = hourly.get(i % 24).copied().unwrap_or(1.0)
                * weekly.get(i / 24).copied().unwrap_or(1.0);
        }
        let week_mass = multipliers.iter().sum::<f64>() * MS_PER_HOUR as f64;
        WeeklyProfile {
            multipliers,
            week_mass,
        }
    }

    /// The time of the next event after `from` of a Poisson process of
    /// rate `base_per_ms × multiplier(t)`, given `budget`, an Exp(1) draw.
    /// `None` if the rate is zero everywhere.
    pub fn next_time(&self, from: SimTime, base_per_ms: f64, budget: f64) -> Option<SimTime> {
        let week_mass = base_per_ms * self.week_mass;
        if week_mass.is_nan() || week_mass <= 0.0 || !budget.is_finite() {
            return None;
        }
        let mut budget = budget;
        let mut t = from.as_millis();
        // Whole weeks are memoryless: skip them in one step. (Most budgets
        // are far below a week's mass: they skip the division and `floor`,
        // a library call on the baseline x86-64 target.)
        if budget >= week_mass {
            let weeks = (budget / week_mass).floor();
            // Beyond a million years the event never happens in any run.
            if weeks > 52.0e6 {
                return None;
            }
            budget -= weeks * week_mass;
            t = t.checked_add(weeks as u64 * MS_PER_WEEK)?;
        }
        // At most a week and an hour of walking remains.
        for _ in 0..=169 {
            let hour_end = (t / MS_PER_HOUR + 1) * MS_PER_HOUR;
            let rate = base_per_ms * self.multipliers[((t % MS_PER_WEEK) / MS_PER_HOUR) as usize];
            let remaining = (hour_end - t) as f64;
            if rate > 0.0 && budget <= rate * remaining {
                let offset = crate::time::round_to_u64(budget / rate);
                return Some(SimTime(t + offset.min(hour_end - t)));
            }
            budget -= rate * remaining;
            t = hour_end;
        }
        // Only float rounding can bring us here; the week's mass was spent.
        Some(SimTime(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream_rng};
    use rand_distr::{Distribution, Exp1};

    #[test]
    fn counts_follow_the_profile() {
        // Rate 10/h in the day, 0 at night (hours 0-7), 2.5x on Saturdays.
        let mut hourly = [1.0; 24];
        hourly[..8].fill(0.0);
        let mut weekly = [1.0; 7];
        weekly[5] = 2.5;
        let profile = WeeklyProfile::new(&hourly, &weekly);
        let base = 10.0 / MS_PER_HOUR as f64;
        let mut rng = stream_rng(11, Stream::Arrivals);
        let mut t = SimTime(0);
        let mut per_hour = [0u64; 168];
        let weeks = 400;
        while t.as_millis() < weeks * MS_PER_WEEK {
            let e: f64 = Exp1.sample(&mut rng);
            t = profile.next_time(t, base, e).unwrap();
            if t.as_millis() < weeks * MS_PER_WEEK {
                per_hour[t.hour_of_week()] += 1;
            }
        }
        for (h, &n) in per_hour.iter().enumerate() {
            let expected = 10.0 * profile.multipliers[h] * weeks as f64;
            if expected == 0.0 {
                assert_eq!(n, 0, "hour {h} should have no events");
            } else {
                // Poisson: sd = sqrt(mean); 5 sd cannot flake at a fixed seed.
                assert!(
                    (n as f64 - expected).abs() < 5.0 * expected.sqrt(),
                    "hour {h}: {n} events, expected {expected}"
                );
            }
        }
    }

    #[test]
    fn zero_rate_has_no_next_event() {
        let profile = WeeklyProfile::new(&[0.0; 24], &[1.0; 7]);
        assert_eq!(profile.next_time(SimTime(0), 1.0, 0.5), None);
        let flat = WeeklyProfile::new(&[1.0; 24], &[1.0; 7]);
        assert_eq!(flat.next_time(SimTime(0), 0.0, 0.5), None);
    }

    #[test]
    fn huge_budgets_skip_whole_weeks() {
        let flat = WeeklyProfile::new(&[1.0; 24], &[1.0; 7]);
        let rate = 1.0 / MS_PER_HOUR as f64;
        let t = flat.next_time(SimTime(0), rate, 1000.5).unwrap();
        assert_eq!(t.as_millis(), (1000.5 * MS_PER_HOUR as f64) as u64);
    }
}
