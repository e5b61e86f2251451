//! `refcount_t`: an atomic count whose last `refcount_dec_and_test` tells its caller to free
//! the object. The kernel saturates a count that overflows or goes below zero and warns; the
//! shim aborts instead, as it does for `struct kref`, because either is a use after free.

use core::ffi::{c_int, c_uint};
use core::sync::atomic::{Ordering, fence};

use super::bug;
use crate::sys::refcount_t;

/// The `inv_refcount_set` symbol.
///
/// # Safety
/// See [`crate::sys::refcount_set`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_refcount_set(r: *mut refcount_t, n: c_int) {
    // SAFETY: the caller passes a valid count.
    unsafe { super::non_null(r, "refcount_set") }
        .refs
        .store(n, Ordering::Relaxed);
}

/// The `inv_refcount_inc` symbol.
///
/// # Safety
/// See [`crate::sys::refcount_inc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_refcount_inc(r: *mut refcount_t) {
    // SAFETY: the caller passes a valid count.
    let count = unsafe { super::non_null(r, "refcount_inc") };
    let before = count.refs.fetch_add(1, Ordering::Relaxed);
    if before <= 0 {
        bug!(
            "refcount_inc on the refcount_t at {r:p}, whose count was {before}: the object was \
             already freed (use after free)"
        );
    }
    if before == i32::MAX {
        bug!("refcount_inc overflowed the refcount_t at {r:p}");
    }
}

/// The `inv_refcount_inc_not_zero` symbol.
///
/// # Safety
/// See [`crate::sys::refcount_inc_not_zero`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_refcount_inc_not_zero(r: *mut refcount_t) -> bool {
    // SAFETY: the caller passes a valid count.
    let count = unsafe { super::non_null(r, "refcount_inc_not_zero") };
    count
        .refs
        .fetch_update(Ordering::Acquire, Ordering::Relaxed, |n| {
            (n > 0 && n < i32::MAX).then_some(n + 1)
        })
        .is_ok()
}

/// The `inv_refcount_dec_and_test` symbol.
///
/// # Safety
/// See [`crate::sys::refcount_dec_and_test`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_refcount_dec_and_test(r: *mut refcount_t) -> bool {
    // SAFETY: the caller passes a valid count.
    let count = unsafe { super::non_null(r, "refcount_dec_and_test") };
    let before = count.refs.fetch_sub(1, Ordering::Release);
    if before <= 0 {
        bug!(
            "refcount_dec_and_test on the refcount_t at {r:p}, whose count was {before}: one \
             put too many (double put, or use after free)"
        );
    }
    if before == 1 {
        // Every other holder's last use happens before the caller frees the object.
        fence(Ordering::Acquire);
        return true;
    }
    false
}

/// The `inv_refcount_read` symbol.
///
/// # Safety
/// See [`crate::sys::refcount_read`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_refcount_read(r: *const refcount_t) -> c_uint {
    // SAFETY: the caller passes a valid count.
    let count = unsafe { super::non_null(r, "refcount_read") };
    count.refs.load(Ordering::Relaxed) as c_uint
}
