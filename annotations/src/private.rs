//! Support for generated code that translations should not call: invariant messages and the
//! version pin.
//!
//! Generated crates reach this module only as `::inv::__private::...`; it is hidden from the
//! documentation and may change with any release of the generator, which pins the runtime to
//! its exact version (`invc-annotations = "=x.y.z"`).

use core::fmt;

/// The runtime's version; generated code compares it with the generator's at compile time.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// An invariant of a `.inv` spec that did not hold.
#[derive(Debug, Clone, Copy)]
pub struct InvariantViolation {
    /// The invariant as written in the spec (`num_free <= size`).
    pub expr: &'static str,
    /// Where the spec says it (`vnet.inv:12`).
    pub location: &'static str,
}

impl fmt::Display for InvariantViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant `{}` ({}) violated", self.expr, self.location)
    }
}

/// Panics with "invariant `EXPR` (FILE:LINE) violated" unless `holds`. Generated code calls it
/// from `HasLock::check_invariant` and `from_raw` under `cfg(debug_assertions)`, so that
/// release builds pay nothing.
#[track_caller]
pub fn check_invariant(holds: bool, expr: &'static str, location: &'static str) {
    if !holds {
        panic!("{}", InvariantViolation { expr, location });
    }
}
