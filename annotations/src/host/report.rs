//! What the shim tells the person running it: bugs, which abort, and leaks, which are printed
//! and recorded.

use core::ffi::c_void;
use std::eprintln;
use std::io::Write;
use std::prelude::rust_2024::*;
use std::sync::{Mutex, PoisonError};

use crate::sys::{INV_LEAK_DMA_DEVICE_OWNED, INV_LEAK_RCU_RETIRED, inv_leak_kind};

/// Prints `inv shim: BUG: MESSAGE` on standard error and aborts the process.
#[cold]
pub(crate) fn bug(message: core::fmt::Arguments<'_>) -> ! {
    let mut stderr = std::io::stderr().lock();
    // Nothing better can be done if standard error is closed: the abort still happens.
    let _ = writeln!(stderr, "inv shim: BUG: {message}");
    let _ = stderr.flush();
    std::process::abort()
}

/// One leak the runtime reported instead of freeing something unsafely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeakReport {
    /// What was leaked: one of the `sys::INV_LEAK_*` values.
    pub kind: inv_leak_kind,
    /// Its address.
    pub addr: usize,
    /// Its size in bytes, or 0 if unknown.
    pub size: usize,
}

static LEAKS: Mutex<Vec<LeakReport>> = Mutex::new(Vec::new());

/// Every leak reported so far in this process, oldest first.
pub fn leak_reports() -> Vec<LeakReport> {
    LEAKS.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// The `inv_report_leak` symbol: see [`crate::sys::report_leak`].
#[unsafe(no_mangle)]
pub extern "C" fn inv_report_leak(kind: inv_leak_kind, addr: *const c_void, size: usize) {
    let what = match kind {
        INV_LEAK_DMA_DEVICE_OWNED => {
            "a DMA buffer the device still owns (dropped while mapped; \
             it stays mapped and allocated: unmap it before dropping it)"
        }
        INV_LEAK_RCU_RETIRED => {
            "an RCU-retired object (dropped without a grace period; \
             free it with synchronize_and_free or call_rcu)"
        }
        _ => "an object",
    };
    let report = LeakReport {
        kind,
        addr: addr.addr(),
        size,
    };
    if kind == INV_LEAK_DMA_DEVICE_OWNED {
        super::mem::note_leaked_mapping();
    }
    LEAKS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(report);
    eprintln!("inv: leaked {what} at {:#x} ({size} bytes)", report.addr);
}
