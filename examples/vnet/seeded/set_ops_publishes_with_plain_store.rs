//! Seeded bug: the new ops are published by a plain store.
//!
//! `rcu_assign_pointer` orders the new object's initialisation before the pointer; a plain
//! store lets a reader on another CPU see the pointer and then the object's old, uninitialised
//! bytes (here, a `kick` that is not yet set). C's `vnet_set_ops` uses `rcu_assign_pointer`;
//! the wrappers' `replace_ops` does too. `invc check` reports the store (`rcu-deref`); storing
//! null (`RCU_INIT_POINTER(p, NULL)`) publishes nothing and is not reported.

use vnet_example::raw;

#[inv::translates(vnet_refill)]
pub fn publish_ops(q: *mut raw::vnet_queue, new: *mut raw::vnet_ops) {
    // SAFETY: q is live and its lock is held (vnet_refill requires it); `new` is initialised.
    unsafe {
        (*q).ops = new; //~ rcu-deref
    }
}
