//! A log-linear histogram of millisecond values: constant memory, exact
//! count, quantiles within 0.8 % relative error (128 sub-buckets per power
//! of two, exact below 128 ms). Deterministic, unlike sampling sketches.

const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS;
const BUCKETS: usize = (SUB + (64 - SUB_BITS as u64) * SUB) as usize;

#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    sum: f64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
            sum: 0.0,
            max: 0,
        }
    }
}

fn bucket_of(v: u64) -> usize {
    if v < SUB {
        v as usize
    } else {
        let exponent = 63 - v.leading_zeros(); // >= SUB_BITS
        let shift = exponent - SUB_BITS;
        let mantissa = (v >> shift) & (SUB - 1);
        (SUB + u64::from(shift) * SUB + mantissa) as usize
    }
}

/// The middle of a bucket's range of values.
fn bucket_value(index: usize) -> f64 {
    let i = index as u64;
    if i < SUB {
        i as f64
    } else {
        let shift = (i - SUB) / SUB;
        let mantissa = (i - SUB) % SUB;
        let low = (SUB + mantissa) << shift;
        let width = 1u64 << shift;
        low as f64 + (width as f64 - 1.0) / 2.0
    }
}

impl Histogram {
    pub fn record(&mut self, v: u64) {
        self.record_n(v, 1);
    }

    /// Records `v` with weight `n` (e.g. milliseconds spent at a level).
    pub fn record_n(&mut self, v: u64, n: u64) {
        self.counts[bucket_of(v)] += n;
        self.total += n;
        self.sum += v as f64 * n as f64;
        self.max = self.max.max(v);
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn mean(&self) -> Option<f64> {
        (self.total > 0).then(|| self.sum / self.total as f64)
    }

    /// The q-quantile (nearest rank), or `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(bucket_value(i).min(self.max as f64));
            }
        }
        Some(self.max as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::default();
        for v in 0..100 {
            h.record(v);
        }
        assert_eq!(h.quantile(0.5), Some(49.0));
        assert_eq!(h.quantile(1.0), Some(99.0));
        assert_eq!(h.mean(), Some(49.5));
    }

    #[test]
    fn large_values_within_relative_error() {
        let mut h = Histogram::default();
        let values: Vec<u64> = (1..=100_000u64).map(|i| i * 37_003).collect();
        for &v in &values {
            h.record(v);
        }
        for q in [0.1, 0.5, 0.9, 0.99] {
            let exact = values[((q * values.len() as f64).ceil() as usize) - 1] as f64;
            let got = h.quantile(q).unwrap();
            assert!(
                (got - exact).abs() / exact < 0.008,
                "q{q}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        let mut h = Histogram::default();
        h.record(u64::MAX);
        h.record(0);
        assert_eq!(h.quantile(0.0), Some(0.0));
        assert!(h.quantile(1.0).unwrap() > 1e18);
        assert_eq!(Histogram::default().quantile(0.5), None);
    }
}
