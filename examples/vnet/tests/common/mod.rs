//! What the equivalence and stress tests share: a queue driven by the C original or by the
//! Rust translation, each with its own simulated device, behind one interface.

#![allow(dead_code)]

use std::ffi::{CStr, c_void};
use std::ptr::NonNull;

use vnet_example::c::{self, Completion, VnetSim};
use vnet_example::{Sent, VnetQueue, VnetQueueRef, raw};

/// Which implementation drives a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    C,
    Rust,
}

/// A packet of `len` bytes made from `seed`.
pub fn packet(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| seed.wrapping_add((i as u8).wrapping_mul(31)))
        .collect()
}

/// A leaked device name, so that each queue gets its own device.
pub fn device(name: String) -> &'static inv::Device {
    let name: &'static CStr = Box::leak(
        std::ffi::CString::new(name)
            .expect("no NUL")
            .into_boxed_c_str(),
    );
    inv::host::test_device(name)
}

/// The simulated device (C), attached to one queue.
pub struct Sim(pub *mut VnetSim);

// SAFETY: the device has its own lock; its functions may be called from any thread.
unsafe impl Send for Sim {}
// SAFETY: as above.
unsafe impl Sync for Sim {}

impl Sim {
    pub fn run(&self, budget: i32) -> i32 {
        // SAFETY: a live device.
        unsafe { c::vnet_sim_run(self.0, budget) }
    }
    pub fn fail_next(&self, n: u32) {
        // SAFETY: a live device.
        unsafe { c::vnet_sim_fail_next(self.0, n) }
    }
    pub fn break_down(&self) {
        // SAFETY: a live device.
        unsafe { c::vnet_sim_break(self.0) }
    }
    pub fn raise_irq(&self) {
        // SAFETY: a live device.
        unsafe { c::vnet_sim_raise_irq(self.0) }
    }
    pub fn wire(&self) -> Vec<u8> {
        // SAFETY: a live device; the buffer has the length the first call reports.
        unsafe {
            let len = c::vnet_sim_wire(self.0, std::ptr::null_mut(), 0);
            let mut out = vec![0u8; len];
            c::vnet_sim_wire(self.0, out.as_mut_ptr(), len);
            out
        }
    }
    /// Re-reads the queue's ring addresses and forgets its progress (a device reset).
    pub fn attach(&self, q: *mut raw::vnet_queue) {
        // SAFETY: a live device and queue.
        unsafe { c::vnet_sim_attach_queue(self.0, q) }
    }
    /// Interrupts go to `lang`'s handler for `q`.
    pub fn set_irq(&self, lang: Lang, q: *mut raw::vnet_queue) {
        let handler: c::IrqHandler = match lang {
            Lang::C => c::vnet_interrupt,
            Lang::Rust => vnet_example::vnet_interrupt_handler,
        };
        // SAFETY: a live device; `vq` stays valid while the queue does, and the queue outlives
        // the device's use of it in these tests.
        unsafe { c::vnet_sim_set_irq(self.0, 7, handler, (&raw mut (*q).vq).cast::<c_void>()) }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        // SAFETY: made by vnet_sim_create, destroyed once.
        unsafe { c::vnet_sim_destroy(self.0) }
    }
}

/// A queue made and driven by one implementation, with its device.
pub struct Side {
    pub driver: Driver,
    rust_ref: Option<VnetQueueRef>,
    pub sim: Sim,
}

impl std::ops::Deref for Side {
    type Target = Driver;
    fn deref(&self) -> &Driver {
        &self.driver
    }
}

/// One implementation's entry points on a queue (which either may have made).
pub struct Driver {
    pub lang: Lang,
    pub q: *mut raw::vnet_queue,
}

// SAFETY: the queue is shared the way the driver shares it: through its lock and kref.
unsafe impl Send for Driver {}
// SAFETY: as above.
unsafe impl Sync for Driver {}

/// What creating a queue with these arguments gives: `Some` for a queue.
pub fn create(lang: Lang, size: u32, hdr: &[u8], tag: &str) -> Option<Side> {
    let dev = device(format!("vnet-{tag}-{lang:?}"));
    let (q, rust_ref) = match lang {
        Lang::C => {
            // SAFETY: `dev` lives forever; `hdr` is valid for its length.
            let q = unsafe {
                c::vnet_queue_create(
                    dev.as_raw().cast(),
                    0,
                    size,
                    hdr.as_ptr().cast(),
                    hdr.len() as u32,
                )
            };
            if q.is_null() {
                return None;
            }
            (q, None)
        }
        Lang::Rust => {
            let r = vnet_example::vnet_queue_create(dev, 0, size, hdr)?;
            (r.as_raw(), Some(r))
        }
    };
    // SAFETY: `dev` lives forever.
    let sim = Sim(unsafe { c::vnet_sim_create(dev.as_raw().cast()) });
    sim.attach(q);
    sim.set_irq(lang, q);
    Some(Side {
        driver: Driver { lang, q },
        rust_ref,
        sim,
    })
}

/// The counters and state both implementations expose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub num_free: u32,
    pub pending_len: u32,
    pub broken: bool,
    pub kicks: u32,
    pub stats: [u64; 8],
    pub check: i32,
    /// The byte queue limit and the bytes the device holds.
    pub bql: (u32, u32),
}

impl Driver {
    pub fn queue(&self) -> &VnetQueue {
        // SAFETY: the queue lives as long as this side.
        unsafe { VnetQueue::from_raw(self.q) }
    }

    pub fn add_buf(&self, data: &[u8], cookie: u32) -> i32 {
        match self.lang {
            // SAFETY: a live queue; `data` is valid for its length.
            Lang::C => unsafe {
                c::vnet_add_buf(self.q, data.as_ptr().cast(), data.len() as u32, cookie)
            },
            Lang::Rust => {
                inv::errno::to_c_int(vnet_example::vnet_add_buf(self.queue(), data, cookie))
            }
        }
    }

    pub fn xmit(&self, data: &[u8], cookie: u32) -> i32 {
        match self.lang {
            // SAFETY: as above.
            Lang::C => unsafe {
                c::vnet_xmit(self.q, data.as_ptr().cast(), data.len() as u32, cookie)
            },
            Lang::Rust => match vnet_example::vnet_xmit(self.queue(), data, cookie) {
                Ok(Sent::Sent) => 0,
                Ok(Sent::Queued) => 1,
                Err(e) => e.to_neg(),
            },
        }
    }

    pub fn poll(&self, budget: usize) -> Vec<Completion> {
        let mut out = vec![Completion::default(); budget];
        let n = inv::host::run_in_softirq(|| match self.lang {
            // SAFETY: a live queue; `out` has room for `budget` completions.
            Lang::C => unsafe { c::vnet_poll(self.q, out.as_mut_ptr(), budget as i32) as usize },
            Lang::Rust => vnet_example::vnet_poll(self.queue(), &mut out),
        });
        out.truncate(n);
        out
    }

    pub fn set_ops(&self, on: bool) -> i32 {
        match self.lang {
            // SAFETY: a live queue; C's kick for C's queue.
            Lang::C => unsafe {
                c::vnet_set_ops(self.q, on.then_some(c::vnet_default_kick as c::KickFn))
            },
            Lang::Rust => inv::errno::to_c_int(vnet_example::vnet_set_ops(
                self.queue(),
                on.then_some(vnet_example::vnet_default_kick as c::KickFn),
            )),
        }
    }

    pub fn cancel(&self, cookie: u32) -> i32 {
        match self.lang {
            // SAFETY: a live queue.
            Lang::C => unsafe { c::vnet_cancel(self.q, cookie) },
            Lang::Rust => inv::errno::to_c_int(vnet_example::vnet_cancel(self.queue(), cookie)),
        }
    }

    pub fn watchdog(&self, now: u64, timeout: u64) -> i32 {
        inv::host::run_in_softirq(|| match self.lang {
            // SAFETY: a live queue.
            Lang::C => unsafe { c::vnet_watchdog(self.q, now, timeout) },
            Lang::Rust => {
                inv::errno::to_c_int(vnet_example::vnet_watchdog(self.queue(), now, timeout))
            }
        })
    }

    /// The debugfs text into a buffer of `cap` bytes first filled with 0xee: (length, buffer).
    pub fn show(&self, cap: usize) -> (usize, Vec<u8>) {
        let mut buf = vec![0xeeu8; cap];
        let n = match self.lang {
            // SAFETY: a live queue; `buf` is valid for `cap` bytes.
            Lang::C => unsafe { c::vnet_debugfs_show(self.q, buf.as_mut_ptr(), cap) as usize },
            Lang::Rust => vnet_example::vnet_debugfs_show(self.queue(), &mut buf),
        };
        (n, buf)
    }

    pub fn kick(&self) -> i32 {
        match self.lang {
            // SAFETY: a live queue.
            Lang::C => unsafe { c::vnet_kick(self.q) },
            Lang::Rust => vnet_example::vnet_kick(self.queue()),
        }
    }
}

impl Side {
    /// `lang`'s entry points on this queue.
    pub fn view(&self, lang: Lang) -> Driver {
        Driver { lang, q: self.q }
    }

    /// Resets the queue and its device.
    pub fn reset(&self) -> i32 {
        let n = match self.lang {
            // SAFETY: a live queue.
            Lang::C => unsafe { c::vnet_queue_reset(self.q) },
            Lang::Rust => vnet_example::vnet_queue_reset(self.queue()) as i32,
        };
        self.sim.attach(self.q);
        n
    }

    /// Drops the creator's reference: the queue is freed (by the implementation that made it).
    pub fn put(mut self) {
        match self.rust_ref.take() {
            Some(r) => drop(r),
            // SAFETY: the reference C's create gave us.
            None => unsafe { c::vnet_queue_put(self.q) },
        }
    }
}

impl Driver {
    pub fn state(&self) -> State {
        let q = self.queue();
        let (num_free, pending_len, broken, stats, check) = match self.lang {
            // SAFETY: a live queue; `stats` is valid for writes.
            Lang::C => unsafe {
                let mut stats: raw::vnet_stats = std::mem::zeroed();
                c::vnet_get_stats(self.q, &mut stats);
                (
                    c::vnet_num_free(self.q),
                    c::vnet_pending_len(self.q),
                    c::vnet_is_broken(self.q) != 0,
                    stats,
                    c::vnet_check(self.q),
                )
            },
            Lang::Rust => (
                vnet_example::vnet_num_free(q),
                vnet_example::vnet_pending_len(q),
                vnet_example::vnet_is_broken(q),
                vnet_example::vnet_get_stats(q),
                inv::errno::to_c_int(vnet_example::vnet_check(q)),
            ),
        };
        State {
            num_free,
            pending_len,
            broken,
            kicks: q.kicks(),
            stats: [
                stats.tx_packets,
                stats.tx_bytes,
                stats.tx_errors,
                stats.tx_dropped,
                stats.interrupts,
                stats.polls,
                stats.refilled,
                stats.timeouts,
            ],
            check,
            bql: match self.lang {
                // SAFETY: a live queue; `inflight` is valid for writes.
                Lang::C => unsafe {
                    let mut inflight = 0;
                    let limit = c::vnet_byte_limit(self.q, &mut inflight);
                    (limit, inflight)
                },
                Lang::Rust => vnet_example::vnet_byte_limit(q),
            },
        }
    }
}

/// Clears a pending `dma_fail_next_map` of this thread, so it cannot leak into the next run.
pub fn drain_map_failure() {
    let dev = inv::host::test_device(c"vnet-drain");
    let buf = inv::DmaBuf::alloc(1, inv::Gfp::KERNEL).unwrap();
    if let Ok(mapped) = buf.map(dev, inv::DmaDirection::ToDevice) {
        mapped.unmap().free();
    }
}

/// The reference a Rust side holds, adopted from a raw queue pointer.
pub fn adopt(q: *mut raw::vnet_queue) -> VnetQueueRef {
    // SAFETY: the caller hands over one counted reference to a live queue.
    unsafe { VnetQueueRef::from_raw(NonNull::new(q).unwrap().cast()) }
}
