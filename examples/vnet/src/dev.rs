//! The multi-queue device: its operations table (the generated [`VnetDevOps`] trait, whose
//! C table is [`VNET_DEV_RUST_OPS`]), NAPI-style polling across queues, and the counters.

use core::ffi::c_void;
use core::fmt::Write as _;
use core::ptr::NonNull;

use inv::{Errno, Gfp};

use crate::c::Skb;
use crate::tx::Sent;
use crate::{
    Completion, VNET_MAX_PKT, VnetDev, VnetDevOps, VnetQueue, VnetQueueRef, raw, vnet_dev_ops_table,
};

/// The most queues a device has.
const VNET_MAX_QUEUES: u32 = 16;

/// Queue `i` of `vd`, for `i < nqueues`.
fn queue(vd: &VnetDev, i: u32) -> &VnetQueue {
    assert!(i < vd.nqueues(), "queue {i} out of range");
    // SAFETY: `qs` (readonly) points to `nqueues` queue pointers, set at creation; the device
    // holds a reference to each queue until it is destroyed, which outlives `vd`'s borrow.
    unsafe { VnetQueue::from_raw(*vd.qs().add(i as usize)) }
}

/// `vnet_dev_create`: a device of `nqueues` queues (1..16) of `qsize` descriptors each, all
/// sending `hdr`. Starts down. `None` on a bad argument or when memory runs out.
pub fn vnet_dev_create(
    dev: &'static inv::Device,
    nqueues: u32,
    qsize: u32,
    hdr: &[u8],
) -> Option<NonNull<raw::vnet_dev>> {
    if nqueues == 0 || nqueues > VNET_MAX_QUEUES {
        return None;
    }
    // SAFETY: a plain zeroed allocation of `nqueues` pointers.
    let qs = unsafe {
        inv::sys::kcalloc(
            nqueues as usize,
            size_of::<*mut raw::vnet_queue>(),
            Gfp::KERNEL.as_raw(),
        )
    }
    .cast::<*mut raw::vnet_queue>();
    if qs.is_null() {
        return None;
    }
    for i in 0..nqueues {
        match crate::vnet_queue_create(dev, i, qsize, hdr) {
            // SAFETY: `i < nqueues`; the array is ours until it is published.
            Some(q) => unsafe { *qs.add(i as usize) = VnetQueueRef::into_raw(q).as_ptr().cast() },
            None => {
                for j in 0..i {
                    // SAFETY: the reference stored above, given back once.
                    drop(unsafe {
                        VnetQueueRef::from_raw(NonNull::new_unchecked(*qs.add(j as usize)).cast())
                    });
                }
                // SAFETY: nothing else knows the array.
                unsafe { inv::sys::kfree(qs.cast()) };
                return None;
            }
        }
    }
    // SAFETY: all-zero bytes are a valid `struct vnet_dev`.
    let mut local: raw::vnet_dev = unsafe { core::mem::zeroed() };
    local.qs = qs;
    local.nqueues = nqueues;
    // SAFETY: `i < nqueues` and the array is filled.
    local.queues = unsafe { *qs };
    // SAFETY: a plain allocation of a C struct.
    let vd = unsafe { inv::sys::kzalloc(size_of::<raw::vnet_dev>(), Gfp::KERNEL.as_raw()) }
        .cast::<raw::vnet_dev>();
    let Some(vd) = NonNull::new(vd) else {
        for j in 0..nqueues {
            // SAFETY: as above.
            drop(unsafe {
                VnetQueueRef::from_raw(NonNull::new_unchecked(*qs.add(j as usize)).cast())
            });
        }
        // SAFETY: as above.
        unsafe { inv::sys::kfree(qs.cast()) };
        return None;
    };
    // SAFETY: a fresh allocation, not yet published; the lock is initialised in place.
    unsafe {
        vd.as_ptr().write(local);
        inv::sys::spin_lock_init((&raw mut (*vd.as_ptr()).cfg_lock).cast());
    }
    Some(vd)
}

/// `vnet_dev_destroy`: drops the device's reference to every queue and frees it.
///
/// # Safety
/// `vd` is from [`vnet_dev_create`] or C's, stopped, and nothing uses it any more.
pub unsafe fn vnet_dev_destroy(vd: NonNull<raw::vnet_dev>) {
    // SAFETY: the caller's contract: the device is ours alone.
    let d = unsafe { VnetDev::from_raw(vd.as_ptr()) };
    let qs = d.qs();
    for i in 0..d.nqueues() {
        // SAFETY: the device's reference to queue `i`, given back once.
        drop(unsafe { VnetQueueRef::from_raw(NonNull::new_unchecked(*qs.add(i as usize)).cast()) });
    }
    // SAFETY: the array and the device are ours alone.
    unsafe {
        inv::sys::kfree(qs.cast());
        inv::sys::kfree(vd.as_ptr().cast());
    }
}

/// `vnet_dev_queue`: queue `i`, or `None`.
pub fn vnet_dev_queue(vd: &VnetDev, i: u32) -> Option<&VnetQueue> {
    (i < vd.nqueues()).then(|| queue(vd, i))
}

/// The translation's operations: the generated trait, implemented.
pub struct RustDevOps;

/// The C table of [`RustDevOps`], for C to call (`struct vnet_dev_ops`).
pub static VNET_DEV_RUST_OPS: raw::vnet_dev_ops = vnet_dev_ops_table::<RustDevOps>();

impl VnetDevOps for RustDevOps {
    /// `vnet_dev_open`: brings the device up. `EBUSY` if it is up already, `EIO` if a queue's
    /// device broke.
    fn open(dev: &VnetDev) -> Result<(), Errno> {
        let mut cfg = dev.cfg_lock();
        if dev.up() != 0 {
            return Err(Errno::EBUSY);
        }
        let mut ret = Ok(());
        for i in 0..dev.nqueues() {
            let q = queue(dev, i);
            let mut g = q.lock_irqsave();
            if q.broken() != 0 {
                ret = Err(Errno::EIO);
            }
            g.set_napi_scheduled(0);
        }
        if ret.is_ok() {
            let opens = cfg.opens();
            cfg.set_opens(opens + 1);
            dev.set_next_poll(0);
            dev.set_up(1);
        }
        ret
    }

    /// `vnet_dev_xmit` (softirq context): sends `skb` (a `struct vnet_skb`) on the queue its
    /// hash picks. `ENODEV` while the device is down; [`crate::vnet_xmit`]'s errors.
    ///
    /// # Safety
    /// `skb` is null or a valid `struct vnet_skb` whose `data` is `len` readable bytes.
    unsafe fn xmit(dev: &VnetDev, skb: *mut c_void) -> Result<(), Errno> {
        if dev.up() == 0 {
            return Err(Errno::ENODEV);
        }
        // SAFETY: the caller passes null or a valid `struct vnet_skb`.
        let Some(s) = (unsafe { skb.cast::<Skb>().as_ref() }) else {
            return Err(Errno::EINVAL);
        };
        if s.data.is_null() {
            return Err(Errno::EINVAL);
        }
        let len = s.len as usize;
        if len == 0 || len > VNET_MAX_PKT {
            return Err(Errno::EINVAL);
        }
        // SAFETY: the skb's data is `len` readable bytes (its contract).
        let data = unsafe { core::slice::from_raw_parts(s.data.cast::<u8>(), len) };
        let q = queue(dev, s.hash % dev.nqueues());
        crate::vnet_xmit(q, data, s.cookie).map(|_: Sent| ())
    }

    /// `vnet_dev_stop`: takes the device down; packets in flight still complete.
    fn stop(dev: &VnetDev) {
        let _cfg = dev.cfg_lock();
        dev.set_up(0);
    }
}

/// `vnet_dev_poll` (softirq context): polls the queues round-robin, starting after the one the
/// last call stopped at, each with a share of the budget (`out.len()`), until the budget is
/// used or a whole round brings nothing back. Returns how many packets came back.
pub fn vnet_dev_poll(vd: &VnetDev, out: &mut [Completion]) -> usize {
    let budget = out.len();
    let nq = vd.nqueues();
    if budget == 0 {
        return 0;
    }
    let weight = budget.div_ceil(nq as usize);
    let (mut done, mut idle, mut i) = (0, 0, vd.next_poll() % nq);
    while done < budget && idle < nq {
        let want = (budget - done).min(weight);
        let got = crate::vnet_poll(queue(vd, i), &mut out[done..done + want]);
        done += got;
        idle = if got > 0 { 0 } else { idle + 1 };
        i = (i + 1) % nq;
    }
    vd.set_next_poll(i);
    done
}

/// `vnet_dev_get_stats`: the queues' counters summed, and how many times the device was
/// opened.
pub fn vnet_dev_get_stats(vd: &VnetDev) -> (raw::vnet_stats, u32) {
    // SAFETY: all-zero bytes are valid counters.
    let mut out: raw::vnet_stats = unsafe { core::mem::zeroed() };
    let cfg = vd.cfg_lock();
    for i in 0..vd.nqueues() {
        let g = queue(vd, i).lock_irqsave();
        let st = g.stats();
        out.tx_packets += st.tx_packets;
        out.tx_bytes += st.tx_bytes;
        out.tx_errors += st.tx_errors;
        out.tx_dropped += st.tx_dropped;
        out.interrupts += st.interrupts;
        out.polls += st.polls;
        out.refilled += st.refilled;
        out.timeouts += st.timeouts;
    }
    (out, cfg.opens())
}

/// `vnet_dev_format_stats`: the counters as text, one line per queue and one for the device,
/// into `buf` as `snprintf` does (what fits, NUL-terminated when `buf` is not empty). Returns
/// the length of the whole text.
pub fn vnet_dev_format_stats(vd: &VnetDev, buf: &mut [u8]) -> usize {
    let mut text = String::new();
    for i in 0..vd.nqueues() {
        let st = crate::vnet_get_stats(queue(vd, i));
        let _ = writeln!(
            text,
            "tx{i}: packets {} bytes {} errors {} dropped {}",
            st.tx_packets, st.tx_bytes, st.tx_errors, st.tx_dropped
        );
    }
    let (total, opens) = vnet_dev_get_stats(vd);
    let _ = writeln!(
        text,
        "total: packets {} bytes {} errors {} dropped {} opens {opens}",
        total.tx_packets, total.tx_bytes, total.tx_errors, total.tx_dropped
    );
    if let Some(room) = buf.len().checked_sub(1) {
        let n = text.len().min(room);
        buf[..n].copy_from_slice(&text.as_bytes()[..n]);
        buf[n] = 0;
    }
    text.len()
}
