//! Seeded bug: `vnet_kick` reads the RCU-protected ops without a read-side section.
//!
//! `vnet_set_ops` may replace the ops and free the old ones after a grace period; a reader
//! outside `rcu_read_lock()` does not hold off that grace period, so it can call through
//! freed memory. `invc check` rejects the raw read (`rcu-deref`); through the wrappers `ops`
//! is read only with an `RcuReadGuard`, and the reference cannot outlive it.

use vnet_example::raw;

pub fn vnet_kick(q: *mut raw::vnet_queue) -> i32 {
    // SAFETY: q is a live queue.
    unsafe {
        let ops = (*q).ops; //~ rcu-deref
        match ops.as_ref().and_then(|o| o.kick) {
            Some(kick) => kick(&raw mut (*q).vq),
            None => 0,
        }
    }
}
