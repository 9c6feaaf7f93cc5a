//! A forum k times larger: the library's `entraide::scenario::scaling`,
//! which owns the lists of extensive and intensive fields and the
//! overrides. Re-exported here so that `tests/scaling.rs` (which includes
//! this file by path) keeps its `scaling::` paths.
#![allow(unused_imports)] // each includer uses its own subset

pub use entraide::scenario::scaling::{EXTENSIVE, INTENSIVE, load, overrides};
