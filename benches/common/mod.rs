//! What the benchmarks that measure memory share: each measurement runs
//! in a child process, which reports its own peak.

/// The process's peak resident set in KiB (VmHWM, Linux), or None where
/// /proc does not say.
pub fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
