//! The vnet case study: the wrappers `invc gen` makes from `vnet.inv` (the crate `vnet-inv`
//! beside this one), used the way a translation of `vnet.c` uses them.
//!
//! This crate's tests show what the wrappers enforce: guarded fields only through the lock's
//! guard (`tests/ui/`, which must not compile), guards that serialise threads on the host
//! shim's real spinlock, the spec's invariants checked when the lock is released, RCU
//! readers that never see a freed object, typed list walks and counted references.

use std::sync::atomic::{AtomicUsize, Ordering};

pub use vnet_inv::{
    RingIdx, VnetDev, VnetDevOps, VnetQueue, VnetQueueRef, VnetRing, VnetSlot, raw, to_vnet_queue,
    vnet_dev_ops_table,
};

/// How many queues [`vnet_queue_release`] has freed.
pub static RELEASED: AtomicUsize = AtomicUsize::new(0);

/// Allocates a `struct vnet_queue` as `vnet.c` does: zeroed, lock and reference count
/// initialised (one reference, the caller's), `size` set. [`vnet_queue_release`] frees it.
pub fn vnet_queue_alloc(size: u32) -> *mut raw::vnet_queue {
    // SAFETY: all-zero bytes are a valid `struct vnet_queue`: integers, null pointers, an
    // unlocked shim spinlock, an empty kref.
    let q: Box<raw::vnet_queue> = Box::new(unsafe { std::mem::zeroed() });
    let q = Box::into_raw(q);
    // SAFETY: `q` is a live allocation; the shim's lock, kref and list_head have the layout
    // of the header's (the generated crate asserts it at compile time).
    unsafe {
        inv::sys::spin_lock_init((&raw mut (*q).lock).cast());
        inv::sys::kref_init((&raw mut (*q).ref_).cast());
        inv::sys::init_list_head((&raw mut (*q).pending).cast());
        (*q).size = size;
    }
    q
}

/// `vnet_queue_release` of `vnet.inv`'s `refcount ref: kref release vnet_queue_release`:
/// called by the last `kref_put`, from C or from a dropped [`VnetQueueRef`].
///
/// # Safety
/// `kref` is the `ref` member of a queue made by [`vnet_queue_alloc`] whose count reached
/// zero.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_queue_release(kref: *mut raw::kref) {
    let q = inv::container_of_mut::<raw::vnet_queue, raw::kref>(
        kref,
        std::mem::offset_of!(raw::vnet_queue, ref_),
    );
    RELEASED.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the queue came from `Box` in `vnet_queue_alloc`, and nobody holds it any more.
    drop(unsafe { Box::from_raw(q) });
}
