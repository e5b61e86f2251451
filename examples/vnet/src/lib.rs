//! The vnet case study: the Rust translation of `vnet.c`, a virtio-style network transmit
//! queue, written only with the wrappers `invc gen` makes from `vnet.inv` (the crate
//! `vnet-inv` beside this one).
//!
//! | C (`vnet.c`) | Rust (this crate) |
//! |---|---|
//! | `spin_lock_irqsave(&q->lock, flags)` | [`VnetQueue::lock_irqsave`], a guard through which the guarded fields are reached |
//! | `rcu_dereference(q->ops)` in `rcu_read_lock()` | [`VnetQueue::ops`] with an [`inv::RcuReadGuard`] |
//! | `rcu_assign_pointer` + `synchronize_rcu` + `kfree` | `replace_ops_raw` under the guard, then [`inv::Retired::synchronize_and_free`] |
//! | `dma_map_single`, the slot's `buf`, `dma_unmap_single`, `kfree` | [`inv::DmaBuf`]: `CpuOwned` → `map` → `DeviceOwned` → [`VnetSlot::store_buf`] / `take_buf` → `unmap` → `CpuOwned` → `free` |
//! | `q->ring->desc[i] = d` | [`VnetRing::desc`], a [`inv::CoherentSlice`]: whole-element volatile writes |
//! | `container_of(vq, struct vnet_queue, vq)` | [`to_vnet_queue`] |
//! | `kref_get` / `kref_put` | [`VnetQueueRef`] clone / drop |
//!
//! The C original is linked in too ([`c`]), with the simulated device it runs against, so
//! tests drive both through the same operations and compare what they see, and a
//! half-translated driver (C interrupt handler, Rust poll loop) can share one queue.
//!
//! This crate's tests show what the wrappers enforce: guarded fields only through the lock's
//! guard (`tests/ui/`, which must not compile), guards that serialise threads on the host
//! shim's real spinlock, the spec's invariants checked when the lock is released, RCU
//! readers that never see a freed object, typed list walks and counted references.

use std::sync::atomic::{AtomicUsize, Ordering};

pub use vnet_inv::{
    RingIdx, VnetDev, VnetDevOps, VnetQueue, VnetQueueLockIrqsaveGuard, VnetQueueRef, VnetQueueVq,
    VnetRing, VnetSlot, raw, to_vnet_queue, vnet_dev_ops_table,
};

pub mod c;
mod completion;
mod dev;
mod queue;
mod tx;

pub use c::Completion;
pub use completion::{vnet_interrupt, vnet_interrupt_handler, vnet_poll, vnet_wait_idle};
pub use dev::{
    RustDevOps, VNET_DEV_RUST_OPS, vnet_dev_create, vnet_dev_destroy, vnet_dev_format_stats,
    vnet_dev_get_stats, vnet_dev_poll, vnet_dev_queue,
};
pub use queue::{
    vnet_byte_limit, vnet_cancel, vnet_check, vnet_debugfs_show, vnet_get_stats, vnet_is_broken,
    vnet_num_free, vnet_pending_len, vnet_queue_create, vnet_queue_get, vnet_queue_reset,
    vnet_watchdog,
};
pub use tx::{
    Sent, vnet_add_buf, vnet_default_kick, vnet_kick, vnet_refill, vnet_set_ops, vnet_xmit,
};

/// `VNET_RING_SIZE`: the largest ring.
pub const VNET_RING_SIZE: u32 = 256;
/// `VNET_MAX_PKT`: the largest packet, in bytes.
pub const VNET_MAX_PKT: usize = 2048;
/// `VNET_SEG_LEN`: a packet is split into segments of at most this many bytes.
pub const VNET_SEG_LEN: usize = 128;
/// `VNET_MAX_SEGS`: the most segments (descriptors) a packet takes.
pub const VNET_MAX_SEGS: usize = VNET_MAX_PKT / VNET_SEG_LEN;
/// `VRING_DESC_F_NEXT`: the descriptor's packet continues at `next`.
pub const VRING_DESC_F_NEXT: u16 = 1;
/// `VNET_HDR_LEN`: the largest header block, in bytes.
pub const VNET_HDR_LEN: usize = 8;
/// `VNET_MAX_PENDING`: how many packets may wait for ring space.
pub const VNET_MAX_PENDING: u32 = 64;
/// `VRING_DESC_F_INUSE`: the descriptor holds a packet the device owns.
pub const VRING_DESC_F_INUSE: u16 = 0x8000;
/// `VNET_USED_F_ERROR`: set in a used element's `len` when sending failed.
pub const VNET_USED_F_ERROR: u32 = 0x8000_0000;
/// `VNET_DEV_F_BROKEN`: `ctl[1].flags` when the device has stopped working.
pub const VNET_DEV_F_BROKEN: u32 = 1;
/// `VNET_DRV_F_NO_INTERRUPT`: `ctl[0].flags` when the driver is polling and wants no
/// interrupts.
pub const VNET_DRV_F_NO_INTERRUPT: u32 = 1;
/// `VNET_BQL_INIT`: the byte queue limit a queue starts with.
pub const VNET_BQL_INIT: u32 = 1024;
/// `VNET_BQL_MIN`: the smallest byte queue limit.
pub const VNET_BQL_MIN: u32 = 256;
/// `VNET_BQL_MAX`: the largest byte queue limit.
pub const VNET_BQL_MAX: u32 = 16384;
/// The end of the free list.
const VNET_NO_DESC: u16 = 0xffff;

/// How many queues [`vnet_queue_release`] has freed.
pub static RELEASED: AtomicUsize = AtomicUsize::new(0);

/// Allocates a bare `struct vnet_queue`, zeroed, with its lock, reference count (one
/// reference, the caller's) and pending list initialised and `size` set, but no rings: for
/// tests of the wrappers themselves. [`vnet_queue_release`] frees it.
pub fn vnet_queue_alloc(size: u32) -> *mut raw::vnet_queue {
    queue::alloc_queue(size, 0, core::ptr::null_mut()).expect("out of memory")
}

/// `vnet_queue_release` of `vnet.inv`'s `refcount ref: kref release vnet_queue_release`:
/// called by the last `kref_put`, from C or from a dropped [`VnetQueueRef`]. Frees a queue
/// made by [`vnet_queue_create`], by C's `vnet_queue_create` or by [`vnet_queue_alloc`].
///
/// # Safety
/// `kref` is the `ref` member of such a queue, whose count reached zero.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_queue_release(kref: *mut raw::kref) {
    let q = inv::container_of_mut::<raw::vnet_queue, raw::kref>(
        kref,
        std::mem::offset_of!(raw::vnet_queue, ref_),
    );
    RELEASED.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the count is zero, so nobody else holds the queue any more.
    unsafe { queue::release(q) };
}
