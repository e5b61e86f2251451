//! Seeded bug: the kick callback finds its queue by `container_of` arithmetic.
//!
//! C's `to_vnet_queue(vq)` is `container_of(vq, struct vnet_queue, vq)`; translated by hand
//! with `offset_of!`, nothing ties the pointer to a `vnet_queue` (a `virtqueue` embedded
//! elsewhere gives garbage). `invc check` rejects the offset arithmetic (`raw-container-of`);
//! the wrappers give `to_vnet_queue(&VnetQueueVq)`, which only a queue's own `vq` has.

use core::mem::offset_of;

use vnet_example::raw;

/// # Safety
/// `vq` is the `vq` member of a live queue.
pub unsafe extern "C" fn vnet_default_kick(vq: *mut raw::virtqueue) -> i32 {
    let off = offset_of!(raw::vnet_queue, vq); //~ raw-container-of
    let q = vq.cast::<u8>().wrapping_sub(off).cast::<raw::vnet_queue>();
    let _ = q;
    0
}
