//! A piecewise-constant quantity over time (backlog, experts online, staff
//! busy): its exact time integral after the warm-up, its peak, and its
//! integral within the current hour for the time series.

use super::histogram::Histogram;
use crate::time::SimTime;

#[derive(Debug, Clone)]
pub struct Level {
    value: i64,
    last: SimTime,
    warmup_end: SimTime,
    /// Integral of the value over time after the warm-up, in value·ms.
    area: f64,
    /// Integral since the last `take_hour`, in value·ms.
    hour_area: f64,
    peak: i64,
    /// With `with_distribution`: time (ms, after the warm-up) spent at each
    /// value, for time-weighted quantiles: a log-linear histogram, so its
    /// size is fixed whatever the values (exact below 128).
    time_at: Option<Box<Histogram>>,
}

impl Level {
    pub fn new(warmup_end: SimTime) -> Level {
        Level {
            value: 0,
            last: SimTime::ZERO,
            warmup_end,
            area: 0.0,
            hour_area: 0.0,
            peak: 0,
            time_at: None,
        }
    }

    /// A level that also keeps how long it spent at each value.
    pub fn with_distribution(warmup_end: SimTime) -> Level {
        Level {
            time_at: Some(Box::default()),
            ..Level::new(warmup_end)
        }
    }

    /// The value the level was at or below for a share `q` of the time
    /// after the warm-up (`None` without a distribution or any time).
    pub fn time_quantile(&mut self, now: SimTime, q: f64) -> Option<i64> {
        self.advance(now);
        self.time_at.as_ref()?.quantile(q).map(|v| v.round() as i64)
    }

    fn advance(&mut self, now: SimTime) {
        if now <= self.last {
            return;
        }
        let span = (now.as_millis() - self.last.as_millis()) as f64;
        self.hour_area += self.value as f64 * span;
        if now > self.warmup_end {
            let from = self.last.max(self.warmup_end);
            let span = now.as_millis() - from.as_millis();
            self.area += self.value as f64 * span as f64;
            self.peak = self.peak.max(self.value);
            if let Some(time_at) = self.time_at.as_mut()
                && span > 0
            {
                time_at.record_n(self.value.max(0) as u64, span);
            }
        }
        self.last = now;
    }

    pub fn add(&mut self, now: SimTime, delta: i64) {
        self.advance(now);
        self.value += delta;
        if now >= self.warmup_end {
            self.peak = self.peak.max(self.value);
        }
    }

    pub fn value(&self) -> i64 {
        self.value
    }

    /// The integral since the last call, in value·hours, and restarts it.
    pub fn take_hour(&mut self, now: SimTime) -> f64 {
        self.advance(now);
        let area = self.hour_area;
        self.hour_area = 0.0;
        area / crate::time::MS_PER_HOUR as f64
    }

    /// Integral after the warm-up up to `now`, in value·hours.
    pub fn area_hours(&mut self, now: SimTime) -> f64 {
        self.advance(now);
        self.area / crate::time::MS_PER_HOUR as f64
    }

    pub fn peak(&self) -> i64 {
        self.peak
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS_PER_HOUR;

    #[test]
    fn integrates_after_warmup_only() {
        let h = |x: u64| SimTime(x * MS_PER_HOUR);
        let mut level = Level::new(h(2));
        level.add(h(0), 10); // 10 during hours 0-3, of which 2-3 count
        level.add(h(3), -5); // 5 during hours 3-5
        level.add(h(1), 0); // a late update never goes back
        assert_eq!(level.area_hours(h(5)), 10.0 + 10.0);
        assert_eq!(level.peak(), 10);
        assert_eq!(level.value(), 5);
    }

    #[test]
    fn time_weighted_quantiles() {
        let h = |x: u64| SimTime(x * MS_PER_HOUR);
        let mut level = Level::with_distribution(h(0));
        level.add(h(0), 1); // 1 for 8 hours
        level.add(h(8), 9); // 10 for 2 hours
        assert_eq!(level.time_quantile(h(10), 0.5), Some(1));
        assert_eq!(level.time_quantile(h(10), 0.8), Some(1));
        assert_eq!(level.time_quantile(h(10), 0.9), Some(10));
        assert_eq!(Level::new(h(0)).time_quantile(h(1), 0.5), None);
    }

    #[test]
    fn peak_before_warmup_is_ignored() {
        let h = |x: u64| SimTime(x * MS_PER_HOUR);
        let mut level = Level::new(h(2));
        level.add(h(0), 100);
        level.add(h(1), -99);
        assert_eq!(level.area_hours(h(4)), 2.0);
        assert_eq!(level.peak(), 1);
    }
}
