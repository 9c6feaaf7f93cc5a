//! The worker pool of sweeps, replications and `validate`, started the
//! same way everywhere, so that a pool that cannot start is a clear
//! runtime failure (exit 1), never an abort.
//!
//! Starting threads one by one until the address space runs out is not
//! safe: a thread that did start may then fail to allocate its
//! thread-local state, and glibc aborts the whole process ("failed to
//! register TLS destructor: out of memory"), which `tests/faults.rs`
//! caught now and then under `ulimit -v`. So the room for every thread's
//! stack and a margin is reserved first, in one allocation that is given
//! back at once (untouched, it costs no memory): if it fails, no thread is
//! started and the error says why.

/// Each worker's stack: the standard library's default for spawned
/// threads, set explicitly so the reservation below knows it.
const STACK_BYTES: usize = 2 << 20;
/// What a thread needs besides its stack (thread-local storage, guard
/// page, its share of the allocator), generously.
const MARGIN_BYTES: usize = 1 << 20;

/// A pool of `threads` workers (all cores when `None` or 0), or why it
/// cannot start.
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, String> {
    let asked = threads.unwrap_or(0);
    // Rayon's own default for 0 (all cores, or RAYON_NUM_THREADS) is
    // about the cores; asking rayon would start its global pool.
    let count = match asked {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let bytes = count.saturating_mul(STACK_BYTES + MARGIN_BYTES);
    if Vec::<u8>::new().try_reserve_exact(bytes).is_err() {
        return Err(format!(
            "cannot start worker threads: {count} threads need about {} MiB of address space, \
             which this process cannot get (a memory limit such as ulimit -v?); use fewer --threads",
            bytes >> 20
        ));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(asked)
        .stack_size(STACK_BYTES)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_pool_is_an_error_not_an_abort() {
        let Err(err) = pool(Some(usize::MAX / 2)) else {
            panic!("no such pool");
        };
        assert!(err.starts_with("cannot start worker threads"), "{err}");
    }

    #[test]
    fn a_small_pool_starts_with_the_threads_asked_for() {
        let pool = pool(Some(3)).expect("three threads");
        assert_eq!(pool.current_num_threads(), 3);
    }
}
