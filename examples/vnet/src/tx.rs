//! Transmit: the free list, the available ring, `vnet_add_buf`, `vnet_xmit`, the pending
//! list and its refill, and the ops that kick the device (under RCU).

use core::ffi::c_int;
use core::ptr::NonNull;

use inv::{CpuOwned, DeviceOwned, DmaBuf, DmaDirection, Errno, Gfp, RcuReadGuard};

use crate::{
    VNET_BQL_MAX, VNET_BQL_MIN, VNET_MAX_PENDING, VNET_MAX_PKT, VNET_MAX_SEGS, VNET_NO_DESC,
    VNET_SEG_LEN, VRING_DESC_F_INUSE, VRING_DESC_F_NEXT, VnetQueue, VnetQueueLockIrqsaveGuard,
    VnetQueueVq, VnetRing, VnetSlot, raw, to_vnet_queue,
};

/// The queue's lock held: what `q->lock` guards.
pub(crate) type Guard<'a> = VnetQueueLockIrqsaveGuard<'a>;

/// The rings of the queue whose lock `g` holds.
pub(crate) fn ring<'g>(g: &'g mut Guard<'_>) -> &'g mut VnetRing {
    // SAFETY: `ring` is set before the queue is published and freed only by its release;
    // the spec makes it `guarded_by(lock)`, so only lock holders reach the ring, and `&mut`
    // on the guard makes this the one reference made under this holding.
    unsafe { VnetRing::from_raw_mut(g.ring()) }
}

/// The slot of descriptor `id` of the queue whose lock `g` holds.
pub(crate) fn slot<'g>(g: &'g mut Guard<'_>, id: u16) -> &'g mut VnetSlot {
    assert!(
        u32::from(id) < g.owner().size(),
        "descriptor {id} out of range"
    );
    // SAFETY: `slots` points to `size` slots (made with the queue, freed by its release),
    // `id` is in range, and only lock holders reach them (`guarded_by(lock)`), as above.
    unsafe { VnetSlot::from_raw_mut(g.slots().add(usize::from(id))) }
}

/// Whether the slot holds a buffer. The wrappers reach a streaming buffer only through
/// `take_buf`/`store_buf`, so this takes it out and puts it straight back.
pub(crate) fn slot_holds_buf(s: &mut VnetSlot, dev: &inv::Device) -> bool {
    // SAFETY: a slot's buffer is stored by `vnet_add_buf` (or C's), mapped on the queue's
    // device; it goes straight back.
    match unsafe { s.take_buf(dev) } {
        None => false,
        Some(buf) => {
            if s.store_buf(buf).is_err() {
                unreachable!("the slot was just emptied");
            }
            true
        }
    }
}

/// The device the queue maps buffers for.
pub(crate) fn device(q: &VnetQueue) -> &inv::Device {
    // SAFETY: `dev` is `readonly`, set at creation to a device that outlives the queue and
    // every mapping made through it (the driver core keeps it while a driver is bound).
    unsafe { inv::Device::from_raw(q.dev().cast()) }
}

/// Takes the first free descriptor (`vnet_get_desc`); the caller checked `num_free > 0`.
fn get_desc(g: &mut Guard<'_>) -> u16 {
    let head = g.free_head().get();
    let next = ring(g).desc().expect("ring").read(usize::from(head)).next;
    let next = if next == VNET_NO_DESC { 0 } else { next };
    g.set_free_head(crate::RingIdx::new(next).expect("free list link in range"));
    let n = g.num_free();
    g.set_num_free(n - 1);
    head
}

/// Puts descriptor `id` back at the head of the free list (`vnet_put_desc`).
pub(crate) fn put_desc(g: &mut Guard<'_>, id: u16) {
    let next = if g.num_free() == 0 {
        VNET_NO_DESC
    } else {
        g.free_head().get()
    };
    let d = raw::vring_desc {
        addr: 0,
        len: 0,
        flags: 0,
        next,
    };
    ring(g).desc().expect("ring").write(usize::from(id), d);
    g.set_free_head(crate::RingIdx::new(id).expect("descriptor in range"));
    let n = g.num_free();
    g.set_num_free(n + 1);
}

/// How many descriptors a packet of `len` bytes takes (`vnet_nsegs`).
pub(crate) fn nsegs(len: usize) -> u32 {
    len.div_ceil(VNET_SEG_LEN) as u32
}

/// Takes back and frees segments the device never saw (`vnet_undo_segs`), last first.
fn undo_segs(segs: Vec<DmaBuf<DeviceOwned>>) {
    for seg in segs.into_iter().rev() {
        seg.unmap().free();
    }
}

/// Copies a packet into segments of at most `VNET_SEG_LEN` bytes, each its own buffer
/// (`GFP_ATOMIC`), and maps each for the device (`vnet_map_packet`). `ENOMEM` or `EIO` with
/// nothing left allocated or mapped.
fn map_packet(q: &VnetQueue, data: &[u8]) -> Result<Vec<DmaBuf<DeviceOwned>>, Errno> {
    let mut segs = Vec::with_capacity(VNET_MAX_SEGS);
    for chunk in data.chunks(VNET_SEG_LEN) {
        let buf = match copy_packet(chunk) {
            Ok(buf) => buf,
            Err(e) => {
                undo_segs(segs);
                return Err(e);
            }
        };
        match buf.map(device(q), DmaDirection::ToDevice) {
            Ok(mapped) => segs.push(mapped),
            Err(e) => {
                e.buf.free();
                undo_segs(segs);
                return Err(Errno::EIO);
            }
        }
    }
    Ok(segs)
}

/// Hands a mapped packet to the device (`vnet_add_chain`): a chain of descriptors, their
/// slots (the cookie on the head's), an available entry for the head, and the new available
/// index. The caller checked `num_free >= segs.len()`.
fn add_chain(g: &mut Guard<'_>, segs: Vec<DmaBuf<DeviceOwned>>, cookie: u32) -> u16 {
    let n = segs.len();
    let clock = g.clock();
    let ids: Vec<u16> = (0..n).map(|_| get_desc(g)).collect();
    let bytes: u32 = segs.iter().map(|seg| seg.len() as u32).sum();
    let inflight = g.inflight_bytes();
    g.set_inflight_bytes(inflight + bytes);
    for (i, seg) in segs.into_iter().enumerate() {
        let last = i + 1 == n;
        let (bus, len) = (seg.dma_addr(), seg.len() as u32);
        let s = slot(g, ids[i]);
        if s.store_buf(seg).is_err() {
            panic!(
                "descriptor {} was free but its slot still holds a buffer",
                ids[i]
            );
        }
        s.set_cookie(if i == 0 { cookie } else { 0 });
        s.set_stamp(clock);
        let d = raw::vring_desc {
            addr: bus,
            len,
            flags: VRING_DESC_F_INUSE | if last { 0 } else { VRING_DESC_F_NEXT },
            next: if last { VNET_NO_DESC } else { ids[i + 1] },
        };
        ring(g).desc().expect("ring").write(usize::from(ids[i]), d);
    }

    let size = g.owner().size();
    let avail_idx = g.avail_idx();
    let r = ring(g);
    let a = raw::vring_avail_elem {
        id: ids[0],
        flags: 0,
    };
    r.avail()
        .expect("ring")
        .write((avail_idx % size) as usize, a);
    let ctl = r.ctl().expect("ring");
    let mut mine = ctl.read(0);
    mine.idx = avail_idx.wrapping_add(1);
    ctl.write(0, mine);
    g.set_avail_idx(avail_idx.wrapping_add(1));
    ids[0]
}

/// Copies `data` into a new buffer (`vnet_copy_packet`; `GFP_ATOMIC`, callers may hold the
/// lock).
fn copy_packet(data: &[u8]) -> Result<DmaBuf<CpuOwned>, Errno> {
    let mut buf = DmaBuf::alloc(data.len(), Gfp::ATOMIC)?;
    buf.as_mut_slice().copy_from_slice(data);
    Ok(buf)
}

/// Whether the byte queue limit lets a packet of `len` bytes go to the device now
/// (`vnet_bql_room`): always when the device holds nothing, so that a packet larger than the
/// limit still goes.
fn bql_room(g: &Guard<'_>, len: usize) -> bool {
    g.inflight_bytes() == 0 || g.inflight_bytes() as usize + len <= g.byte_limit() as usize
}

/// Adapts the byte limit after the poll loop took `completed` bytes back (`vnet_bql_adjust`):
/// doubles it when the device ran dry while packets waited, shrinks it by a quarter when
/// traffic used less than half of it.
pub(crate) fn bql_adjust(g: &mut Guard<'_>, completed: u32) {
    let pending = g.pending().next().is_some();
    let (limit, inflight) = (g.byte_limit(), g.inflight_bytes());
    if pending && inflight == 0 {
        g.set_byte_limit(if limit > VNET_BQL_MAX / 2 {
            VNET_BQL_MAX
        } else {
            limit * 2
        });
    } else if !pending && inflight + completed < limit / 2 {
        g.set_byte_limit((limit - limit / 4).max(VNET_BQL_MIN));
    }
}

fn len_valid(len: usize) -> bool {
    len > 0 && len <= VNET_MAX_PKT
}

/// `vnet_add_buf`: sends one packet. `EINVAL` for a bad length, `EIO` when the device is
/// broken or a segment cannot be mapped, `ENOSPC` when the ring has fewer free descriptors
/// than the packet has segments, `ENOMEM`.
pub fn vnet_add_buf(q: &VnetQueue, data: &[u8], cookie: u32) -> Result<(), Errno> {
    if !len_valid(data.len()) {
        return Err(Errno::EINVAL);
    }
    if q.broken() != 0 {
        return Err(Errno::EIO);
    }
    let segs = map_packet(q, data)?;

    let mut g = q.lock_irqsave();
    if (g.num_free() as usize) < segs.len() {
        drop(g);
        // Never handed over: the CPU takes them back, then frees them.
        undo_segs(segs);
        return Err(Errno::ENOSPC);
    }
    add_chain(&mut g, segs, cookie);
    vnet_kick(q);
    drop(g);
    Ok(())
}

/// What [`vnet_xmit`] did with a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The device has it (C: `0`).
    Sent,
    /// A copy waits on the pending list for ring space (C: `1`).
    Queued,
}

/// `vnet_xmit`: sends one packet, or keeps a copy on the pending list while the ring is short
/// of descriptors or older packets wait. `EBUSY` when the pending list is full too (the
/// packet is dropped); other errors as [`vnet_add_buf`].
pub fn vnet_xmit(q: &VnetQueue, data: &[u8], cookie: u32) -> Result<Sent, Errno> {
    if !len_valid(data.len()) {
        return Err(Errno::EINVAL);
    }
    if q.broken() != 0 {
        return Err(Errno::EIO);
    }

    let mut g = q.lock_irqsave();
    if g.num_free() >= nsegs(data.len()) && g.pending().next().is_none() && bql_room(&g, data.len())
    {
        let segs = match map_packet(q, data) {
            Ok(segs) => segs,
            Err(e) => {
                g.stats_mut().tx_dropped += 1;
                return Err(e);
            }
        };
        add_chain(&mut g, segs, cookie);
        vnet_kick(q);
        return Ok(Sent::Sent);
    }
    if g.pending_len() >= VNET_MAX_PENDING {
        g.stats_mut().tx_dropped += 1;
        return Err(Errno::EBUSY);
    }
    let req = Request::alloc()?;
    let buf = copy_packet(data)?;
    let entry = req.fill(buf, cookie);
    // SAFETY: `entry` is a fresh request on no list; it stays allocated until it is unlinked
    // (by `vnet_refill`, the reset or the release, which free it).
    unsafe { g.push_pending(entry) };
    let n = g.pending_len();
    g.set_pending_len(n + 1);
    Ok(Sent::Queued)
}

/// A `struct vnet_req` being built: `kzalloc`'d, freed if dropped before it is queued.
struct Request(NonNull<raw::vnet_req>);

impl Request {
    fn alloc() -> Result<Self, Errno> {
        // SAFETY: an atomic allocation of a plain C struct; all-zero bytes are a valid one.
        let p = unsafe { inv::sys::kzalloc(size_of::<raw::vnet_req>(), Gfp::ATOMIC.as_raw()) };
        NonNull::new(p.cast::<raw::vnet_req>())
            .map(Request)
            .ok_or(Errno::ENOMEM)
    }

    /// Puts the packet in the request and gives the request up, for the pending list.
    fn fill(self, buf: DmaBuf<CpuOwned>, cookie: u32) -> *mut raw::vnet_req {
        let p = core::mem::ManuallyDrop::new(self).0.as_ptr();
        let (data, len) = buf.into_raw();
        // SAFETY: `p` is the request this owns, not yet shared with anyone.
        unsafe {
            (*p).data = data.as_ptr().cast();
            (*p).len = len as u32;
            (*p).cookie = cookie;
        }
        p
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        // SAFETY: an unqueued request this owns, holding no packet.
        unsafe { inv::sys::kfree(self.0.as_ptr().cast()) };
    }
}

/// Frees a request taken off the pending list, and its packet.
///
/// # Safety
/// `req` was made by [`vnet_xmit`] (or C's), is on no list, and nothing else uses it.
pub(crate) unsafe fn free_request(req: *mut raw::vnet_req) {
    // SAFETY: by the caller's contract, the request and its packet (a kmalloc'd, unmapped
    // buffer of `len` bytes) are ours.
    unsafe {
        if let Some(data) = NonNull::new((*req).data.cast::<u8>()) {
            DmaBuf::from_raw(data, (*req).len as usize).free();
        }
        inv::sys::kfree(req.cast());
    }
}

/// `vnet_refill`: moves pending packets into free descriptors, oldest first, and kicks the
/// device if any moved. Stops at the first packet that does not fit or cannot be mapped (it
/// stays first).
pub fn vnet_refill(g: &mut Guard<'_>) {
    let q = g.owner();
    let mut moved = 0;
    while let Some(first) = g.pending().next() {
        let req = core::ptr::from_ref(first).cast_mut();
        // SAFETY: the request is on our list (we hold its lock); its `data` is `len` bytes.
        let (data, cookie) = unsafe {
            (
                core::slice::from_raw_parts((*req).data.cast::<u8>(), (*req).len as usize),
                (*req).cookie,
            )
        };
        if g.num_free() < nsegs(data.len()) || !bql_room(g, data.len()) {
            break;
        }
        let Ok(segs) = map_packet(q, data) else {
            break;
        };
        // SAFETY: `req` is on this list.
        unsafe { g.remove_pending(req) };
        let n = g.pending_len();
        g.set_pending_len(n - 1);
        add_chain(g, segs, cookie);
        // SAFETY: off the list; its packet was copied into the segments.
        unsafe { free_request(req) };
        moved += 1;
    }
    if moved > 0 {
        g.stats_mut().refilled += moved;
        vnet_kick(q);
    }
}

/// `vnet_default_kick`: counts the notification. Found from the virtqueue by
/// [`to_vnet_queue`], as C's `container_of` does.
///
/// # Safety
/// `vq` is the `vq` member of a live queue.
pub unsafe extern "C" fn vnet_default_kick(vq: *mut raw::virtqueue) -> c_int {
    // SAFETY: by the caller's contract.
    let vq = unsafe { VnetQueueVq::from_raw(vq) };
    let q = to_vnet_queue(vq);
    q.set_kicks(q.kicks().wrapping_add(1));
    0
}

/// `vnet_kick`: calls the current ops' kick under RCU; `0` without ops or kick.
pub fn vnet_kick(q: &VnetQueue) -> c_int {
    let rcu = RcuReadGuard::new();
    let Some(ops) = q.ops(&rcu) else {
        return 0;
    };
    match ops.kick {
        // SAFETY: kick functions are called with the queue's own virtqueue, as C does.
        Some(kick) => unsafe { kick(q.vq().as_raw()) },
        None => 0,
    }
}

/// `vnet_set_ops`: publishes new ops with `kick` as their kick (`None`: no ops), and frees the
/// old ones once no reader can see them. May sleep.
pub fn vnet_set_ops(
    q: &VnetQueue,
    kick: Option<unsafe extern "C" fn(*mut raw::virtqueue) -> c_int>,
) -> Result<(), Errno> {
    let new_ops = match kick {
        Some(kick) => {
            // SAFETY: a plain allocation; all-zero bytes are a valid `struct vnet_ops`.
            let p = unsafe { inv::sys::kzalloc(size_of::<raw::vnet_ops>(), Gfp::KERNEL.as_raw()) }
                .cast::<raw::vnet_ops>();
            if p.is_null() {
                return Err(Errno::ENOMEM);
            }
            // SAFETY: `p` is ours until it is published below.
            unsafe { (*p).kick = Some(kick) };
            p
        }
        None => core::ptr::null_mut(),
    };
    let mut g = q.lock_irqsave();
    // SAFETY: `new_ops` is null or fully initialised, kmalloc'd, and from now on freed only
    // through the `Retired` that replaces it (here, or in the release).
    let old = unsafe { g.replace_ops_raw(new_ops) };
    drop(g);
    if let Some(old) = old {
        // SAFETY: ops are only ever published by this function or C's, both with kzalloc.
        old.synchronize_and_free(|p| unsafe { inv::sys::kfree(p.as_ptr().cast()) });
    }
    Ok(())
}
