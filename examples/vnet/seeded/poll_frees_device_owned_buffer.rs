//! Seeded bug, the study's own: the poll loop frees a packet buffer the device still owns.
//!
//! Translating `vnet_poll`, this version reaches the slot's buffer through the raw struct and
//! frees it before unmapping it, so for a moment the allocator owns memory the device may still
//! read (the shim's tracker aborts on exactly this `kfree`). `invc check` rejects both raw
//! uses of the spec'd streaming buffer (`dma-bypass`): the translation must go through
//! `VnetSlot::take_buf`, whose `DmaBuf<DeviceOwned>` has no `free` until it is unmapped (the
//! compiler rejects that form: tests/ui/poll_frees_slot_buffer_before_unmap.rs).

use vnet_example::raw;

pub fn complete_one(dev: *mut raw::device, slot: *mut raw::vnet_slot) -> u32 {
    // SAFETY: the slot is the completed descriptor's, and the queue lock is held.
    unsafe {
        let len = (*slot).buf_len;
        inv::sys::kfree((*slot).buf.cast()); //~ dma-bypass
        inv::sys::dma_unmap_single(dev.cast(), (*slot).buf_dma, len as usize, 1); //~ dma-bypass
        len
    }
}
