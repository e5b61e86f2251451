//! The host shim: a userspace implementation of every primitive in [`crate::sys`], exported
//! with the C ABI under the `inv_` names, plus the hooks tests use to drive it.
//!
//! Each thread plays one CPU. Interrupts and bottom halves are simulated per thread: they are
//! never actually delivered, but a test can run code "in a hard interrupt" with
//! [`run_in_hardirq`] (C: `inv_shim_enter_hardirq`/`inv_shim_exit_hardirq`), and the shim
//! records and checks what the kernel's lockdep would:
//!
//! - a lock taken in hardirq (softirq) context and also, elsewhere, with interrupts (bottom
//!   halves) enabled: the interrupt could arrive while it is held, and deadlock;
//! - interrupts enabled while a lock taken with interrupts off is still held (the out-of-order
//!   restore of Rust-for-Linux issue #998);
//! - sleeping (`mutex_lock`, `synchronize_rcu`, `kmalloc(GFP_KERNEL)`, ...) in atomic context;
//! - unlocking a lock the thread does not hold, and taking a spinlock or mutex it already holds;
//! - memory and DMA ownership errors ([`mem`]): freeing a buffer the device owns, unmapping
//!   twice, mapping memory `kmalloc` did not return, CPU access to a device-owned buffer;
//! - reference counts going below zero or coming back from zero.
//!
//! A detected bug prints `inv shim: BUG: ...` on standard error and aborts the process, as the
//! kernel's `BUG()` stops the machine: aborting (rather than panicking) works the same from C
//! and from Rust, and cannot be caught and ignored by a test. Tests of these checks run the
//! misuse in a child process. Every wait (spinning, sleeping, grace periods) has a watchdog:
//! after [`watchdog_timeout`] (20 s, or `INV_SHIM_TIMEOUT_SECS`) it reports a likely deadlock
//! and aborts, so a broken test fails instead of hanging.
//!
//! Things the runtime leaks on purpose instead of freeing unsafely are reported through
//! `inv_report_leak`: printed as `inv: leaked ...` and recorded ([`leak_reports`]).

mod cpu;
mod kref;
mod list;
pub mod mem;
mod rcu;
mod refcount;
mod report;
mod sleep;
mod spin;
mod wait;

pub use cpu::{enter_hardirq, enter_softirq, exit_hardirq, exit_softirq};
pub use mem::{DmaStats, MemOwner, device_read, device_write, dma_fail_next_map, dma_stats};
pub use mem::{memory_owner, test_device};
pub use report::{LeakReport, leak_reports};
pub use wait::watchdog_timeout;

/// Runs `f` as a hard interrupt handler on this thread: in hardirq context, with interrupts
/// disabled, as between `inv_shim_enter_hardirq()` and `inv_shim_exit_hardirq()` in C.
///
/// Locks the handler takes are recorded as used in hardirq context; taking them anywhere with
/// interrupts enabled is then reported as a bug (and the other way round).
pub fn run_in_hardirq<R>(f: impl FnOnce() -> R) -> R {
    enter_hardirq();
    let result = f();
    exit_hardirq();
    result
}

/// Runs `f` as a softirq (bottom half) on this thread, as [`run_in_hardirq`] does for hard
/// interrupts.
pub fn run_in_softirq<R>(f: impl FnOnce() -> R) -> R {
    enter_softirq();
    let result = f();
    exit_softirq();
    result
}

/// Borrows the object behind a pointer a C caller passed, aborting on null.
///
/// # Safety
/// A non-null `ptr` points to an object valid for the returned lifetime, whose every field the
/// shim touches is atomic (the lock and kref types), so that a shared reference suffices.
unsafe fn non_null<'a, T>(ptr: *const T, what: &str) -> &'a T {
    if ptr.is_null() {
        bug!("{what} called with a null pointer");
    }
    // SAFETY: non-null, and valid by the caller's contract.
    unsafe { &*ptr }
}

/// Reports a bug found by the shim and aborts the process.
macro_rules! bug {
    ($($arg:tt)*) => {
        $crate::host::report::bug(::core::format_args!($($arg)*))
    };
}
pub(crate) use bug;
