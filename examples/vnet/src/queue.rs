//! The queue's life: creation (rings in coherent memory, the slots, the header block the
//! device owns), the reference count and the release, the reset after a device failure, and
//! the state readers.

use core::ffi::c_void;
use core::ptr::{NonNull, null_mut};

use inv::{DmaBuf, DmaDirection, Errno, Gfp};

use crate::tx::{Guard, device, free_request, ring, slot, slot_holds_buf};
use crate::{
    RingIdx, VNET_BQL_INIT, VNET_HDR_LEN, VNET_NO_DESC, VNET_RING_SIZE, VRING_DESC_F_INUSE,
    VnetQueue, VnetQueueRef, VnetRing, VnetSlot, raw,
};

fn size_valid(size: u32) -> bool {
    (2..=VNET_RING_SIZE).contains(&size) && size.is_power_of_two()
}

/// The byte sizes of the ring's four coherent areas, in the order of `struct vnet_ring`.
fn ring_bytes(num: u32) -> [usize; 4] {
    let num = num as usize;
    [
        num * size_of::<raw::vring_desc>(),
        num * size_of::<raw::vring_avail_elem>(),
        num * size_of::<raw::vring_used_elem>(),
        2 * size_of::<raw::vring_idx>(),
    ]
}

/// Allocates a ring of `num` descriptors (`vnet_ring_alloc`): the struct from `kzalloc`, its
/// four areas from `dma_alloc_coherent`. `None` when memory runs out (nothing is leaked).
fn ring_alloc(dev: &inv::Device, num: u32) -> Option<NonNull<raw::vnet_ring>> {
    // SAFETY: all-zero bytes are a valid `struct vnet_ring` (integers and null pointers).
    let mut r: raw::vnet_ring = unsafe { core::mem::zeroed() };
    r.num = num;
    let sizes = ring_bytes(num);
    let mut areas: [(*mut c_void, raw::dma_addr_t); 4] = [(null_mut(), 0); 4];
    for (i, &bytes) in sizes.iter().enumerate() {
        let mut bus = 0;
        // SAFETY: `dev` outlives the ring (the queue's device); `bus` is valid for writes.
        let cpu = unsafe {
            inv::sys::dma_alloc_coherent(dev.as_raw(), bytes, &mut bus, Gfp::KERNEL.as_raw())
        };
        if cpu.is_null() {
            for (j, &(cpu, bus)) in areas.iter().enumerate().take(i) {
                // SAFETY: an area allocated just above, not yet shared with the device.
                unsafe { inv::sys::dma_free_coherent(dev.as_raw(), sizes[j], cpu, bus) };
            }
            return None;
        }
        areas[i] = (cpu, bus);
    }
    // A local value, not published yet: its pointers are set here once.
    r.desc = areas[0].0.cast();
    r.desc_dma = areas[0].1;
    r.avail = areas[1].0.cast();
    r.avail_dma = areas[1].1;
    r.used = areas[2].0.cast();
    r.used_dma = areas[2].1;
    r.ctl = areas[3].0.cast();
    r.ctl_dma = areas[3].1;
    // SAFETY: a plain allocation of a C struct.
    let p = unsafe { inv::sys::kzalloc(size_of::<raw::vnet_ring>(), Gfp::KERNEL.as_raw()) }
        .cast::<raw::vnet_ring>();
    let Some(p) = NonNull::new(p) else {
        for (j, &(cpu, bus)) in areas.iter().enumerate() {
            // SAFETY: as above.
            unsafe { inv::sys::dma_free_coherent(dev.as_raw(), sizes[j], cpu, bus) };
        }
        return None;
    };
    // SAFETY: `p` is a fresh allocation of the right size and alignment.
    unsafe { p.as_ptr().write(r) };
    Some(p)
}

/// Frees a ring made by [`ring_alloc`] or by C's `vnet_ring_alloc` (`vnet_ring_free`).
///
/// # Safety
/// The device no longer uses the ring, nothing else reaches it, and `dev` is the device it
/// was allocated for.
unsafe fn ring_free(dev: &inv::Device, ring: *mut raw::vnet_ring) {
    // SAFETY: the ring is ours (the caller's contract): its four areas are freed once, with
    // the sizes they were allocated with.
    // invc:allow(dma-bypass): the wrappers cannot free coherent memory a C struct points to
    unsafe {
        let sizes = ring_bytes((*ring).num);
        inv::sys::dma_free_coherent(dev.as_raw(), sizes[3], (*ring).ctl.cast(), (*ring).ctl_dma);
        inv::sys::dma_free_coherent(
            dev.as_raw(),
            sizes[2],
            (*ring).used.cast(),
            (*ring).used_dma,
        );
        inv::sys::dma_free_coherent(
            dev.as_raw(),
            sizes[1],
            (*ring).avail.cast(),
            (*ring).avail_dma,
        );
        inv::sys::dma_free_coherent(
            dev.as_raw(),
            sizes[0],
            (*ring).desc.cast(),
            (*ring).desc_dma,
        );
        inv::sys::kfree(ring.cast());
    }
}

/// Chains every descriptor into the free list and clears the rest of the ring
/// (`vnet_ring_init_free_list`).
fn init_free_list(r: &mut VnetRing) {
    let num = r.num() as usize;
    let desc = r.desc().expect("ring");
    for i in 0..num {
        let next = if i + 1 < num {
            (i + 1) as u16
        } else {
            VNET_NO_DESC
        };
        let d = raw::vring_desc {
            addr: 0,
            len: 0,
            flags: 0,
            next,
        };
        desc.write(i, d);
    }
    let avail = r.avail().expect("ring");
    for i in 0..num {
        avail.write(i, raw::vring_avail_elem { id: 0, flags: 0 });
    }
    let used = r.used().expect("ring");
    for i in 0..num {
        used.write(i, raw::vring_used_elem { id: 0, len: 0 });
    }
    let ctl = r.ctl().expect("ring");
    ctl.write(0, raw::vring_idx { idx: 0, flags: 0 });
    ctl.write(1, raw::vring_idx { idx: 0, flags: 0 });
}

/// A zeroed queue from `kzalloc` with its lock, reference count (one, the caller's) and
/// pending list initialised and its `readonly` fields set; no rings.
pub(crate) fn alloc_queue(
    size: u32,
    index: u32,
    dev: *mut raw::device,
) -> Option<*mut raw::vnet_queue> {
    // SAFETY: all-zero bytes are a valid `struct vnet_queue`.
    let mut local: raw::vnet_queue = unsafe { core::mem::zeroed() };
    local.size = size;
    local.index = index;
    local.dev = dev;
    local.vq.num = size;
    // SAFETY: a plain allocation of a C struct.
    let q = unsafe { inv::sys::kzalloc(size_of::<raw::vnet_queue>(), Gfp::KERNEL.as_raw()) }
        .cast::<raw::vnet_queue>();
    if q.is_null() {
        return None;
    }
    // SAFETY: `q` is a fresh allocation, not yet published; the lock, kref and list_head are
    // initialised in place (they must not move after), with the shim's layout (the generated
    // crate asserts it).
    unsafe {
        q.write(local);
        inv::sys::spin_lock_init((&raw mut (*q).lock).cast());
        inv::sys::kref_init((&raw mut (*q).ref_).cast());
        inv::sys::init_list_head((&raw mut (*q).pending).cast());
    }
    Some(q)
}

/// `vnet_queue_create`: a queue of `size` descriptors (a power of two, 2..`VNET_RING_SIZE`)
/// on `dev`, whose header block `hdr` (1..`VNET_HDR_LEN` bytes) the device sends before every
/// packet. `None` on a bad argument or when memory runs out.
pub fn vnet_queue_create(
    dev: &'static inv::Device,
    index: u32,
    size: u32,
    hdr: &[u8],
) -> Option<VnetQueueRef> {
    if !size_valid(size) || hdr.is_empty() || hdr.len() > VNET_HDR_LEN {
        return None;
    }
    let q = alloc_queue(size, index, dev.as_raw().cast())?;
    // SAFETY: `q` is fully initialised and not yet published: this is its only user.
    let queue = unsafe { VnetQueue::from_raw_mut(q) };
    let Some(ring_ptr) = ring_alloc(dev, size) else {
        // SAFETY: nothing else knows the queue.
        unsafe { inv::sys::kfree(q.cast()) };
        return None;
    };
    // SAFETY: the ring is fresh and not yet published: this is its only user.
    init_free_list(unsafe { VnetRing::from_raw_mut(ring_ptr.as_ptr()) });
    // SAFETY: a plain zeroed allocation of `size` slots.
    let slots = unsafe {
        inv::sys::kcalloc(
            size as usize,
            size_of::<raw::vnet_slot>(),
            Gfp::KERNEL.as_raw(),
        )
    }
    .cast::<raw::vnet_slot>();
    let hdr_buf = (!slots.is_null())
        .then(|| DmaBuf::alloc(hdr.len(), Gfp::KERNEL).ok())
        .flatten();
    let Some(mut hdr_buf) = hdr_buf else {
        // SAFETY: none of these were published.
        unsafe {
            inv::sys::kfree(slots.cast());
            ring_free(dev, ring_ptr.as_ptr());
            inv::sys::kfree(q.cast());
        }
        return None;
    };
    hdr_buf.as_mut_slice().copy_from_slice(hdr);
    // The header block: filled by the CPU, then the device's until the queue goes away.
    let mapped = match hdr_buf.map(dev, DmaDirection::ToDevice) {
        Ok(mapped) => mapped,
        Err(e) => {
            e.buf.free();
            // SAFETY: as above.
            unsafe {
                inv::sys::kfree(slots.cast());
                ring_free(dev, ring_ptr.as_ptr());
                inv::sys::kfree(q.cast());
            }
            return None;
        }
    };
    if queue.store_buf(mapped).is_err() {
        unreachable!("a new queue holds no header block");
    }
    let queue: &VnetQueue = queue;
    let mut g = queue.lock_irqsave();
    g.set_ring(ring_ptr.as_ptr());
    g.set_slots(slots);
    g.set_free_head(RingIdx::new(0).expect("0 is a ring index"));
    g.set_num_free(size);
    g.set_last_used(0);
    g.set_avail_idx(0);
    g.set_byte_limit(VNET_BQL_INIT);
    drop(g);
    // SAFETY: the reference `kref_init` made is handed to the caller.
    Some(unsafe { VnetQueueRef::from_raw(NonNull::from(queue)) })
}

/// `vnet_queue_get`: another counted reference.
pub fn vnet_queue_get(q: &VnetQueue) -> VnetQueueRef {
    q.get_ref()
}

/// Gives back every buffer still in a slot (`vnet_reclaim_slots`): only when the device no
/// longer uses the ring. Returns how many.
fn reclaim_slots(g: &mut Guard<'_>) -> u32 {
    let q = g.owner();
    if g.slots().is_null() {
        return 0;
    }
    let dev = device(q);
    let mut n = 0;
    for id in 0..q.size() as u16 {
        let s = slot(g, id);
        // SAFETY: a slot's buffer was stored by `vnet_add_buf` (or C's), mapped on `dev`.
        if let Some(buf) = unsafe { s.take_buf(dev) } {
            s.set_cookie(0);
            s.set_stamp(0);
            buf.unmap().free();
            n += 1;
        }
    }
    n
}

/// Frees every request on the pending list (`vnet_drop_pending`).
fn drop_pending(g: &mut Guard<'_>) -> u32 {
    let mut n = 0;
    while let Some(first) = g.pending().next() {
        let req = core::ptr::from_ref(first).cast_mut();
        // SAFETY: `req` is on this list, whose lock we hold.
        unsafe { g.remove_pending(req) };
        // SAFETY: off the list; only the list knew it.
        unsafe { free_request(req) };
        n += 1;
    }
    g.set_pending_len(0);
    n
}

/// The queue's release: the last reference is gone, so nobody else can reach the queue, and
/// the device has been stopped by whoever dropped it.
///
/// # Safety
/// `q` is a queue from [`vnet_queue_create`], C's `vnet_queue_create` or
/// [`crate::vnet_queue_alloc`], whose reference count reached zero.
pub(crate) unsafe fn release(q: *mut raw::vnet_queue) {
    // SAFETY: nobody else holds the queue (the caller's contract).
    let queue = unsafe { VnetQueue::from_raw_mut(q) };
    let dev_ptr = queue.dev();
    if !dev_ptr.is_null() {
        // SAFETY: the queue's device outlives it and its mappings.
        let dev = unsafe { inv::Device::from_raw(dev_ptr.cast()) };
        // SAFETY: the header block was stored at creation, mapped on `dev`.
        if let Some(hdr) = unsafe { queue.take_buf(dev) } {
            hdr.unmap().free();
        }
    }
    let queue: &VnetQueue = queue;
    let mut g = queue.lock_irqsave();
    reclaim_slots(&mut g);
    drop_pending(&mut g);
    // SAFETY: null is a valid value for `ops`.
    let ops = unsafe { g.replace_ops_raw(null_mut()) };
    let (ring_ptr, slots) = (g.ring(), g.slots());
    g.set_ring(null_mut());
    g.set_slots(null_mut());
    drop(g);
    if let Some(ops) = ops {
        // SAFETY: ops are published only by `vnet_set_ops` (Rust or C), which kzalloc them.
        unsafe { ops.kfree_rcu() };
    }
    // SAFETY: the slots and ring are the queue's alone now; the device is stopped.
    unsafe {
        inv::sys::kfree(slots.cast());
        if !ring_ptr.is_null() {
            ring_free(device(queue), ring_ptr);
        }
        inv::sys::kfree(q.cast());
    }
}

/// `vnet_queue_reset`: starts the queue over after the device was stopped (for example once
/// it broke): every buffer it still held and every pending packet is freed and counted as
/// dropped, the rings are cleared, and the queue works again. Returns how many packets were
/// dropped. The caller makes sure the device no longer reads the rings.
pub fn vnet_queue_reset(q: &VnetQueue) -> u32 {
    let mut g = q.lock_irqsave();
    let dropped = reclaim_slots(&mut g) + drop_pending(&mut g);
    init_free_list(ring(&mut g));
    g.set_free_head(RingIdx::new(0).expect("0 is a ring index"));
    g.set_num_free(q.size());
    g.set_last_used(0);
    g.set_avail_idx(0);
    g.set_napi_scheduled(0);
    g.set_inflight_bytes(0);
    g.stats_mut().tx_dropped += u64::from(dropped);
    q.set_broken(0);
    dropped
}

/// `vnet_cancel`: takes the oldest pending packet with this cookie off the pending list and
/// drops it. `ENOENT` when no pending packet has it (it may be with the device already).
pub fn vnet_cancel(q: &VnetQueue, cookie: u32) -> Result<(), Errno> {
    let mut g = q.lock_irqsave();
    let Some(found) = g.pending().find(|r| r.cookie == cookie) else {
        return Err(Errno::ENOENT);
    };
    let req = core::ptr::from_ref(found).cast_mut();
    // SAFETY: `req` is on this list, whose lock we hold.
    unsafe { g.remove_pending(req) };
    let n = g.pending_len();
    g.set_pending_len(n - 1);
    g.stats_mut().tx_dropped += 1;
    // SAFETY: off the list; only the list knew it.
    unsafe { free_request(req) };
    Ok(())
}

/// `vnet_watchdog` (a timer, softirq context): advances the queue's clock to `now` (which
/// stamps the packets handed over from then on) and, if the device has held some packet for
/// more than `timeout` ticks, declares it broken: `ETIMEDOUT`.
pub fn vnet_watchdog(q: &VnetQueue, now: u64, timeout: u64) -> Result<(), Errno> {
    let dev = device(q);
    let mut g = q.lock_irqsave();
    if now > g.clock() {
        g.set_clock(now);
    }
    let mut oldest: Option<u64> = None;
    for id in 0..q.size() as u16 {
        let s = slot(&mut g, id);
        if !slot_holds_buf(s, dev) {
            continue;
        }
        let stamp = s.stamp();
        oldest = Some(oldest.map_or(stamp, |o| o.min(stamp)));
    }
    if let Some(oldest) = oldest
        && g.clock() - oldest > timeout
    {
        g.stats_mut().timeouts += 1;
        q.set_broken(1);
        return Err(Errno::ETIMEDOUT);
    }
    Ok(())
}

/// `vnet_num_free`.
pub fn vnet_num_free(q: &VnetQueue) -> u32 {
    q.lock_irqsave().num_free()
}

/// `vnet_pending_len`.
pub fn vnet_pending_len(q: &VnetQueue) -> u32 {
    q.lock_irqsave().pending_len()
}

/// `vnet_byte_limit`: the byte queue limit, and the bytes the device holds now.
pub fn vnet_byte_limit(q: &VnetQueue) -> (u32, u32) {
    let g = q.lock_irqsave();
    (g.byte_limit(), g.inflight_bytes())
}

/// `vnet_is_broken`.
pub fn vnet_is_broken(q: &VnetQueue) -> bool {
    q.broken() != 0
}

/// `vnet_get_stats`: a copy of the counters.
pub fn vnet_get_stats(q: &VnetQueue) -> raw::vnet_stats {
    *q.lock_irqsave().stats()
}

/// `vnet_debugfs_show`: the queue's state as text, for a debugfs file: the indices and
/// counts, then one line per descriptor the device holds (in ring order), with its chain link
/// and the packet's cookie on the head. Written into `buf` as `snprintf` does (what fits,
/// NUL-terminated when `buf` is not empty); returns the whole length.
pub fn vnet_debugfs_show(q: &VnetQueue, buf: &mut [u8]) -> usize {
    use core::fmt::Write as _;
    let mut text = String::new();
    let mut g = q.lock_irqsave();
    let _ = writeln!(
        text,
        "queue {}: size {} free {} head {} last_used {}",
        q.index(),
        q.size(),
        g.num_free(),
        g.free_head().get(),
        g.last_used()
    );
    let _ = writeln!(
        text,
        "avail {} pending {} inflight {} limit {} broken {}",
        g.avail_idx(),
        g.pending_len(),
        g.inflight_bytes(),
        g.byte_limit(),
        q.broken() as u32
    );
    for i in 0..q.size() as u16 {
        let d = ring(&mut g).desc().expect("ring").read(usize::from(i));
        if d.flags & VRING_DESC_F_INUSE == 0 {
            continue;
        }
        let cookie = slot(&mut g, i).cookie();
        let _ = writeln!(
            text,
            "desc {i}: len {} flags 0x{:x} next {} cookie {cookie}",
            d.len, d.flags, d.next
        );
    }
    drop(g);
    if let Some(room) = buf.len().checked_sub(1) {
        let n = text.len().min(room);
        buf[..n].copy_from_slice(&text.as_bytes()[..n]);
        buf[n] = 0;
    }
    text.len()
}

/// `vnet_check`: the queue's bookkeeping agrees with itself: the free list has `num_free`
/// descriptors, none in use; every descriptor in use has a slot holding a buffer of its
/// length and address; the pending list has `pending_len` entries. `EIO` if not.
pub fn vnet_check(q: &VnetQueue) -> Result<(), Errno> {
    let mut g = q.lock_irqsave();
    let size = q.size();
    let num_free = g.num_free();
    let mut id = g.free_head().get();
    let mut on_free = 0;
    for _ in 0..num_free {
        if u32::from(id) >= size {
            return Err(Errno::EIO);
        }
        let d = ring(&mut g).desc().expect("ring").read(usize::from(id));
        if d.flags & VRING_DESC_F_INUSE != 0 {
            return Err(Errno::EIO);
        }
        on_free += 1;
        id = d.next;
    }
    let mut in_use = 0;
    for i in 0..size as u16 {
        let d = ring(&mut g).desc().expect("ring").read(usize::from(i));
        if d.flags & VRING_DESC_F_INUSE == 0 {
            continue;
        }
        if !slot_matches(slot(&mut g, i), &d, device(q)) {
            return Err(Errno::EIO);
        }
        in_use += 1;
    }
    let pending = g.pending().count() as u32;
    if on_free + in_use != size || pending != g.pending_len() {
        return Err(Errno::EIO);
    }
    Ok(())
}

/// Whether the slot holds the buffer descriptor `d` describes. The slot's fields are read
/// through `take_buf`/`store_buf` only, so this takes the buffer out and puts it back.
fn slot_matches(s: &mut VnetSlot, d: &raw::vring_desc, dev: &inv::Device) -> bool {
    // SAFETY: a slot's buffer was stored by `vnet_add_buf` (or C's), mapped on the queue's
    // device; it goes straight back.
    match unsafe { s.take_buf(dev) } {
        None => false,
        Some(buf) => {
            let ok = buf.len() == d.len as usize && buf.dma_addr() == d.addr;
            if s.store_buf(buf).is_err() {
                unreachable!("the slot was just emptied");
            }
            ok
        }
    }
}
