//! Seeded bug: `vnet_set_ops` waits for the grace period while holding the queue lock.
//!
//! `synchronize_rcu()` sleeps, and a spinlock (with interrupts off, here) is atomic context;
//! in the kernel this is "scheduling while atomic". C's `vnet_set_ops` drops the lock before
//! waiting. `invc check` reports the sleeping call under the guard (`sleep-in-atomic`).

use vnet_example::VnetQueue;

pub fn vnet_set_ops(q: &VnetQueue) {
    let mut g = q.lock_irqsave();
    // SAFETY: null is a valid value for `ops`.
    let old = unsafe { g.replace_ops_raw(core::ptr::null_mut()) };
    inv::sys::synchronize_rcu(); //~ sleep-in-atomic
    drop(g);
    drop(old);
}
