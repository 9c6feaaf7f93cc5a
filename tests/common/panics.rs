//! Panics caught by a test (`catch_unwind`): where each one happened and
//! its message, so a failure report can name them with the input that
//! caused them.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    /// Where the last panic on this thread happened ("file:line").
    static LOCATION: RefCell<String> = const { RefCell::new(String::new()) };
    /// Inside `quietly`: the panic is recorded, not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs (once) a panic hook that records each panic's location for
/// `last_location`, then prints it as before, except inside `quietly`.
pub fn record_locations() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LOCATION.with(|p| *p.borrow_mut() = location);
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

/// The location of the last panic on this thread.
pub fn last_location() -> String {
    LOCATION.with(|p| p.borrow().clone())
}

/// A panic payload as text.
pub fn message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// Calls `f` under `catch_unwind` without printing its panic; a panic
/// becomes "panicked at FILE:LINE: MESSAGE".
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    record_locations();
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| format!("panicked at {}: {}", last_location(), message(&*payload)))
}
