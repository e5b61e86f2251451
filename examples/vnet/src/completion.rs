//! Completion: the interrupt handler, the poll loop that takes sent packets back, and waiting
//! for the queue to drain.

use core::ffi::{c_int, c_void};

use inv::Errno;

use crate::tx::{Guard, bql_adjust, device, put_desc, ring, slot, slot_holds_buf, vnet_refill};
use crate::{
    Completion, VNET_DEV_F_BROKEN, VNET_DRV_F_NO_INTERRUPT, VNET_MAX_SEGS, VNET_USED_F_ERROR,
    VRING_DESC_F_INUSE, VRING_DESC_F_NEXT, VnetQueue, VnetQueueVq, to_vnet_queue,
};

/// `vnet_interrupt` (hardirq context): notes a broken device, and schedules the poll loop
/// when the used ring has news. `vq` is the queue's virtqueue, as the device passes it.
pub fn vnet_interrupt(_irq: c_int, vq: VnetQueueVq<'_>) {
    let q = to_vnet_queue(vq);
    let mut g = q.lock_irqsave();
    g.stats_mut().interrupts += 1;
    let dev_ctl = ring(&mut g).ctl().expect("ring").read(1);
    if dev_ctl.flags & VNET_DEV_F_BROKEN != 0 {
        q.set_broken(1);
    }
    if dev_ctl.idx as u16 != g.last_used() {
        // The poll loop takes over: no more interrupts until it is done.
        g.set_napi_scheduled(1);
        suppress_interrupts(&mut g, true);
    }
}

/// Asks the device for no interrupts (`on`) or for interrupts again: the driver's flags in
/// `ctl[0]`, which the device reads before interrupting (`vnet_suppress_interrupts`).
fn suppress_interrupts(g: &mut Guard<'_>, on: bool) {
    let ctl = ring(g).ctl().expect("ring");
    let mut mine = ctl.read(0);
    if on {
        mine.flags |= VNET_DRV_F_NO_INTERRUPT;
    } else {
        mine.flags &= !VNET_DRV_F_NO_INTERRUPT;
    }
    ctl.write(0, mine);
}

/// [`vnet_interrupt`] as the simulated device calls it (`vnet_irq_handler_t`).
///
/// # Safety
/// `data` is the `vq` member of a live queue.
pub unsafe extern "C" fn vnet_interrupt_handler(irq: c_int, data: *mut c_void) {
    // SAFETY: by the caller's contract.
    let vq = unsafe { VnetQueueVq::from_raw(data.cast()) };
    vnet_interrupt(irq, vq);
}

/// Whether the chain at `head` is one the driver handed over (`vnet_chain_valid`): every
/// descriptor in range, in use and with its buffer, at most `VNET_MAX_SEGS` of them.
fn chain_valid(g: &mut Guard<'_>, head: u32) -> bool {
    let size = g.owner().size();
    let dev = device(g.owner());
    let mut cur = head;
    for _ in 0..VNET_MAX_SEGS {
        if cur >= size {
            return false;
        }
        let d = ring(g).desc().expect("ring").read(cur as usize);
        if d.flags & VRING_DESC_F_INUSE == 0 || !slot_holds_buf(slot(g, cur as u16), dev) {
            return false;
        }
        if d.flags & VRING_DESC_F_NEXT == 0 {
            return true;
        }
        cur = u32::from(d.next);
    }
    false
}

/// `vnet_poll` (softirq context): takes back up to `out.len()` sent packets, in the order the
/// device finished them: each segment's buffer is unmapped (the CPU owns it again), then
/// freed, and its descriptor goes back on the free list. Then refills the ring from the
/// pending list. Returns how many packets it took back; a device that returns a chain the
/// driver did not hand over marks the queue broken.
pub fn vnet_poll(q: &VnetQueue, out: &mut [Completion]) -> usize {
    let budget = out.len();
    if budget == 0 {
        return 0;
    }
    let dev = device(q);
    let mut g = q.lock_irqsave();
    g.stats_mut().polls += 1;
    let size = q.size();
    let mut n = 0;
    let mut completed = 0u32;
    while n < budget {
        let last_used = g.last_used();
        let r = ring(&mut g);
        let dev_ctl = r.ctl().expect("ring").read(1);
        if dev_ctl.idx as u16 == last_used {
            break;
        }
        let used = r
            .used()
            .expect("ring")
            .read((u32::from(last_used) % size) as usize);
        if !chain_valid(&mut g, used.id) {
            q.set_broken(1);
            break;
        }
        let cookie = slot(&mut g, used.id as u16).cookie();
        let mut cur = used.id as u16;
        let mut sent = 0u32;
        loop {
            let d = ring(&mut g).desc().expect("ring").read(usize::from(cur));
            let s = slot(&mut g, cur);
            // SAFETY: the slot's buffer was stored by `vnet_add_buf` (or C's), mapped on
            // `dev`; `chain_valid` saw it there.
            let buf = unsafe { s.take_buf(dev) }.expect("a valid chain");
            s.set_cookie(0);
            s.set_stamp(0);
            // The device is done with it: take it back, then free it.
            let buf = buf.unmap();
            sent += buf.len() as u32;
            buf.free();
            put_desc(&mut g, cur);
            if d.flags & VRING_DESC_F_NEXT == 0 {
                break;
            }
            cur = d.next;
        }
        let status = if used.len & VNET_USED_F_ERROR != 0 {
            g.stats_mut().tx_errors += 1;
            Errno::EIO.to_neg()
        } else {
            let stats = g.stats_mut();
            stats.tx_packets += 1;
            stats.tx_bytes += u64::from(sent);
            0
        };
        out[n] = Completion {
            cookie,
            len: sent,
            status,
        };
        let inflight = g.inflight_bytes();
        g.set_inflight_bytes(inflight - sent);
        completed += sent;
        g.set_last_used(last_used.wrapping_add(1));
        n += 1;
    }
    if n > 0 {
        bql_adjust(&mut g, completed);
    }
    if n < budget {
        // Done: interrupts again, unless the device finished more meanwhile (then the poll
        // loop must run again, and stays in charge).
        g.set_napi_scheduled(0);
        suppress_interrupts(&mut g, false);
        let last_used = g.last_used();
        if ring(&mut g).ctl().expect("ring").read(1).idx as u16 != last_used {
            g.set_napi_scheduled(1);
            suppress_interrupts(&mut g, true);
        }
    }
    vnet_refill(&mut g);
    n
}

/// `vnet_wait_idle`: waits until every packet handed to the device has come back and nothing
/// is pending (or the device broke). May sleep: between looks it waits for an RCU grace
/// period. Someone else must run the device and the poll loop meanwhile.
pub fn vnet_wait_idle(q: &VnetQueue) {
    loop {
        let g = q.lock_irqsave();
        let idle = g.num_free() == q.size() && g.pending_len() == 0;
        drop(g);
        if idle || q.broken() != 0 {
            return;
        }
        inv::sys::synchronize_rcu();
    }
}
