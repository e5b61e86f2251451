//! `struct kref`: an atomic count that calls its release function when it drops to zero, and
//! aborts when it would go below zero or come back from zero (a use after release).

use core::ffi::{c_int, c_uint};
use core::sync::atomic::{Ordering, fence};

use super::bug;
use crate::sys::kref;

/// The `inv_kref_init` symbol.
///
/// # Safety
/// See [`crate::sys::kref_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kref_init(kref: *mut kref) {
    // SAFETY: the caller passes a valid kref.
    unsafe { super::non_null(kref, "kref_init") }
        .refcount
        .store(1, Ordering::Relaxed);
}

/// The `inv_kref_get` symbol.
///
/// # Safety
/// See [`crate::sys::kref_get`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kref_get(kref: *mut kref) {
    // SAFETY: the caller passes a valid kref.
    let count = unsafe { super::non_null(kref, "kref_get") };
    let before = count.refcount.fetch_add(1, Ordering::Relaxed);
    if before <= 0 {
        bug!(
            "kref_get on the kref at {:#x}, whose count was {before}: the object was already \
             released (use after free)",
            kref.addr()
        );
    }
    if before == i32::MAX {
        bug!("kref_get overflowed the kref at {:#x}", kref.addr());
    }
}

/// The `inv_kref_get_unless_zero` symbol.
///
/// # Safety
/// See [`crate::sys::kref_get_unless_zero`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kref_get_unless_zero(kref: *mut kref) -> c_int {
    // SAFETY: the caller passes a valid kref.
    let count = unsafe { super::non_null(kref, "kref_get_unless_zero") };
    let got = count
        .refcount
        .fetch_update(Ordering::Acquire, Ordering::Relaxed, |n| {
            (n > 0 && n < i32::MAX).then_some(n + 1)
        })
        .is_ok();
    c_int::from(got)
}

/// The `inv_kref_put` symbol.
///
/// # Safety
/// See [`crate::sys::kref_put`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kref_put(
    kref: *mut kref,
    release: unsafe extern "C" fn(*mut kref),
) -> c_int {
    // SAFETY: the caller passes a valid kref.
    let count = unsafe { super::non_null(kref, "kref_put") };
    let before = count.refcount.fetch_sub(1, Ordering::Release);
    if before <= 0 {
        bug!(
            "kref_put on the kref at {:#x}, whose count was {before}: one put too many \
             (double put, or use after free)",
            kref.addr()
        );
    }
    if before == 1 {
        // Every other holder's last use happens before the release.
        fence(Ordering::Acquire);
        // SAFETY: the count reached zero, so this caller owns the object and hands it to its
        // release function, as `kref_put`'s contract says.
        unsafe { release(kref) };
        1
    } else {
        0
    }
}

/// The `inv_kref_read` symbol.
///
/// # Safety
/// See [`crate::sys::kref_read`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kref_read(kref: *const kref) -> c_uint {
    // SAFETY: the caller passes a valid kref.
    let count = unsafe { super::non_null(kref, "kref_read") };
    count.refcount.load(Ordering::Relaxed).max(0) as c_uint
}
