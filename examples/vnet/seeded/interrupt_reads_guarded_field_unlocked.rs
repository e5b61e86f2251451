//! Seeded bug: the interrupt handler reads a guarded field without the lock.
//!
//! Translating `vnet_interrupt`, this version compares the device's used index with
//! `last_used` straight from the raw struct, without taking `q->lock`, while the poll loop on
//! another CPU updates `last_used` under the lock. `invc check` rejects the raw access
//! (`guarded-access`); through the wrappers `last_used` exists only on the lock's guard.

use vnet_example::raw;

pub fn vnet_interrupt(_irq: i32, q: *mut raw::vnet_queue, used_idx: u16) -> bool {
    // SAFETY: the device passes a live queue.
    unsafe { (*q).last_used != used_idx } //~ guarded-access
}
