//! The C original, `vnet.c`, compiled by `build.rs` and linked into this crate: its entry
//! points and those of the simulated device, for tests that drive C and Rust side by side
//! (and for a half-translated driver, where C and Rust share one queue).
//!
//! C's `vnet_queue_release` is linked as `c_vnet_queue_release` (see `build.rs`): this
//! crate exports the Rust one under the C name.

use core::ffi::{c_int, c_uint, c_void};

use crate::raw;

/// `struct vnet_completion`: a packet the poll loop took back.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Completion {
    /// The caller's cookie, given to `vnet_add_buf`/`vnet_xmit`.
    pub cookie: c_uint,
    /// The packet's length.
    pub len: c_uint,
    /// `0`, or `-EIO` when the device failed to send it.
    pub status: c_int,
}

/// `struct vnet_skb`: a packet handed to the device's `xmit` op.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Skb {
    /// The packet.
    pub data: *const c_void,
    /// Its length.
    pub len: c_uint,
    /// The caller's cookie, given back by the poll loop.
    pub cookie: c_uint,
    /// Picks the queue.
    pub hash: c_uint,
}

/// `struct vnet_sim`: the simulated device (hardware), opaque to Rust.
#[repr(C)]
pub struct VnetSim {
    _opaque: [u8; 0],
}

/// An interrupt handler the simulated device calls (`vnet_irq_handler_t`).
pub type IrqHandler = unsafe extern "C" fn(irq: c_int, data: *mut c_void);

/// A kick function (`vnet_ops.kick`).
pub type KickFn = unsafe extern "C" fn(vq: *mut raw::virtqueue) -> c_int;

unsafe extern "C" {
    /// C: `vnet_queue_create`.
    pub fn vnet_queue_create(
        dev: *mut raw::device,
        index: c_uint,
        size: c_uint,
        hdr: *const c_void,
        hdr_len: c_uint,
    ) -> *mut raw::vnet_queue;
    /// C: `vnet_queue_get`.
    pub fn vnet_queue_get(q: *mut raw::vnet_queue);
    /// C: `vnet_queue_put`.
    pub fn vnet_queue_put(q: *mut raw::vnet_queue);
    /// C's `vnet_queue_release`, renamed.
    pub fn c_vnet_queue_release(kref: *mut raw::kref);
    /// C: `vnet_add_buf`.
    pub fn vnet_add_buf(
        q: *mut raw::vnet_queue,
        data: *const c_void,
        len: c_uint,
        cookie: c_uint,
    ) -> c_int;
    /// C: `vnet_xmit`.
    pub fn vnet_xmit(
        q: *mut raw::vnet_queue,
        data: *const c_void,
        len: c_uint,
        cookie: c_uint,
    ) -> c_int;
    /// C: `vnet_poll`.
    pub fn vnet_poll(q: *mut raw::vnet_queue, out: *mut Completion, budget: c_int) -> c_int;
    /// C: `vnet_set_ops`.
    pub fn vnet_set_ops(q: *mut raw::vnet_queue, kick: Option<KickFn>) -> c_int;
    /// C: `vnet_kick`.
    pub fn vnet_kick(q: *mut raw::vnet_queue) -> c_int;
    /// C: `vnet_default_kick`.
    pub fn vnet_default_kick(vq: *mut raw::virtqueue) -> c_int;
    /// C: `vnet_interrupt`.
    pub fn vnet_interrupt(irq: c_int, data: *mut c_void);
    /// C: `vnet_refill` (lock held).
    pub fn vnet_refill(q: *mut raw::vnet_queue);
    /// C: `vnet_wait_idle`.
    pub fn vnet_wait_idle(q: *mut raw::vnet_queue);
    /// C: `vnet_queue_reset`.
    pub fn vnet_queue_reset(q: *mut raw::vnet_queue) -> c_int;
    /// C: `vnet_num_free`.
    pub fn vnet_num_free(q: *mut raw::vnet_queue) -> c_uint;
    /// C: `vnet_pending_len`.
    pub fn vnet_pending_len(q: *mut raw::vnet_queue) -> c_uint;
    /// C: `vnet_is_broken`.
    pub fn vnet_is_broken(q: *mut raw::vnet_queue) -> c_int;
    /// C: `vnet_get_stats`.
    pub fn vnet_get_stats(q: *mut raw::vnet_queue, out: *mut raw::vnet_stats);
    /// C: `vnet_cancel`.
    pub fn vnet_cancel(q: *mut raw::vnet_queue, cookie: c_uint) -> c_int;
    /// C: `vnet_watchdog`.
    pub fn vnet_watchdog(q: *mut raw::vnet_queue, now: u64, timeout: u64) -> c_int;
    /// C: `vnet_byte_limit`.
    pub fn vnet_byte_limit(q: *mut raw::vnet_queue, inflight: *mut c_uint) -> c_uint;
    /// C: `vnet_debugfs_show`.
    pub fn vnet_debugfs_show(q: *mut raw::vnet_queue, buf: *mut u8, len: usize) -> c_int;
    /// C: `vnet_check`.
    pub fn vnet_check(q: *mut raw::vnet_queue) -> c_int;

    /// C: `vnet_dev_create`.
    pub fn vnet_dev_create(
        dev: *mut raw::device,
        nqueues: c_uint,
        qsize: c_uint,
        hdr: *const c_void,
        hdr_len: c_uint,
    ) -> *mut raw::vnet_dev;
    /// C: `vnet_dev_destroy`.
    pub fn vnet_dev_destroy(vd: *mut raw::vnet_dev);
    /// C: `vnet_dev_queue`.
    pub fn vnet_dev_queue(vd: *mut raw::vnet_dev, i: c_uint) -> *mut raw::vnet_queue;
    /// C: `vnet_dev_poll`.
    pub fn vnet_dev_poll(vd: *mut raw::vnet_dev, out: *mut Completion, budget: c_int) -> c_int;
    /// C: `vnet_dev_get_stats`.
    pub fn vnet_dev_get_stats(vd: *mut raw::vnet_dev, out: *mut raw::vnet_stats) -> c_int;
    /// C: `vnet_dev_format_stats`.
    pub fn vnet_dev_format_stats(vd: *mut raw::vnet_dev, buf: *mut u8, len: usize) -> c_int;
    /// C's operations table of the device.
    pub static vnet_dev_c_ops: raw::vnet_dev_ops;

    /// The device: `vnet_sim_create`.
    pub fn vnet_sim_create(dev: *mut raw::device) -> *mut VnetSim;
    /// `vnet_sim_destroy`.
    pub fn vnet_sim_destroy(sim: *mut VnetSim);
    /// `vnet_sim_attach_queue`: points the device at a queue's rings and header block.
    pub fn vnet_sim_attach_queue(sim: *mut VnetSim, q: *mut raw::vnet_queue);
    /// `vnet_sim_set_irq`.
    pub fn vnet_sim_set_irq(sim: *mut VnetSim, irq: c_int, handler: IrqHandler, data: *mut c_void);
    /// `vnet_sim_run`: sends up to `budget` packets, then interrupts.
    pub fn vnet_sim_run(sim: *mut VnetSim, budget: c_int) -> c_int;
    /// `vnet_sim_fail_next`.
    pub fn vnet_sim_fail_next(sim: *mut VnetSim, n: c_uint);
    /// `vnet_sim_break`.
    pub fn vnet_sim_break(sim: *mut VnetSim);
    /// `vnet_sim_raise_irq`.
    pub fn vnet_sim_raise_irq(sim: *mut VnetSim);
    /// `vnet_sim_wire`: copies what the device sent.
    pub fn vnet_sim_wire(sim: *mut VnetSim, out: *mut u8, cap: usize) -> usize;
}
