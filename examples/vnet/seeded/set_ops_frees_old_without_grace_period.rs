//! Seeded bug: the ops replacement frees the old ops at once.
//!
//! A reader in an RCU read-side section may still be calling through the old ops; C waits
//! for a grace period (`synchronize_rcu`) before `kfree`. `invc check` reports the free of
//! the RCU pointer's old value (`rcu-free`).

use vnet_example::raw;

#[inv::translates(vnet_refill)]
pub fn replace_ops(q: *mut raw::vnet_queue, new: *mut raw::vnet_ops) {
    // SAFETY: q is live and its lock is held (vnet_refill requires it).
    unsafe {
        let old = (*q).ops;
        inv::rcu::assign_pointer((&raw mut (*q).ops).cast(), new);
        inv::sys::kfree(old.cast()); //~ rcu-free
    }
}
