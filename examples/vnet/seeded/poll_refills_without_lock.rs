//! Seeded bug: the poll loop refills the ring after releasing the lock.
//!
//! The spec says `fn vnet_refill(q) requires q.lock`: refill moves pending packets into free
//! descriptors, which races with `vnet_add_buf` on another CPU unless the lock is held. This
//! version drops the guard first. `invc check` reports the call (`missing-lock`).

use vnet_example::{VnetQueue, raw};

unsafe extern "C" {
    fn vnet_refill(q: *mut raw::vnet_queue);
}

pub fn finish_poll(q: &VnetQueue) {
    let g = q.lock_irqsave();
    drop(g);
    // SAFETY: q is a live queue.
    unsafe { vnet_refill(q.as_raw()) }; //~ missing-lock
}
