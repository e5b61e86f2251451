//! Seeded bug: `vnet_add_buf` takes the queue lock with a plain `spin_lock`.
//!
//! The interrupt handler takes `q->lock` too, so a plain `spin_lock` in process context can
//! be interrupted by the handler on the same CPU, which then spins on the lock forever. The
//! spec says `lock lock: spinlock irqsave`; `invc check` rejects every raw call on the spec'd
//! lock (`raw-lock`): the wrappers offer only `lock_irqsave()` for it.

use vnet_example::raw;

pub fn claim_descriptor(q: *mut raw::vnet_queue) {
    // SAFETY: q is a live queue.
    unsafe {
        inv::sys::spin_lock((&raw mut (*q).lock).cast()); //~ raw-lock
        inv::sys::spin_unlock((&raw mut (*q).lock).cast()); //~ raw-lock
    }
}
