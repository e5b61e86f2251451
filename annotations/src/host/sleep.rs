//! The sleeping locks: `struct mutex` and `struct rw_semaphore`.
//!
//! Taking either may sleep, so it is checked against atomic context first (`might_sleep`). A
//! mutex's word holds its owner's thread token; only the owner may unlock it, as in the kernel.

use core::sync::atomic::Ordering;
use std::format;

use super::bug;
use super::cpu::{self, might_sleep};
use super::spin::WRITER;
use super::wait::{sleep_until, wake};
use crate::sys::{mutex, rw_semaphore};

/// The `inv_mutex_init` symbol.
///
/// # Safety
/// See [`crate::sys::mutex_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_mutex_init(lock: *mut mutex) {
    // SAFETY: the caller passes a lock valid for writes.
    let lock = unsafe { super::non_null(lock, "mutex_init") };
    lock.owner.store(0, Ordering::Relaxed);
}

/// The `inv_mutex_lock` symbol.
///
/// # Safety
/// See [`crate::sys::mutex_lock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_mutex_lock(lock: *mut mutex) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "mutex_lock") };
    let addr = core::ptr::from_ref(lock).addr();
    might_sleep("mutex_lock");
    let me = cpu::token();
    if lock.owner.load(Ordering::Relaxed) == me {
        bug!("mutex_lock of the mutex at {addr:#x}, which this thread already holds: deadlock");
    }
    sleep_until(
        addr,
        || format!("mutex_lock on the mutex at {addr:#x}"),
        || {
            lock.owner
                .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        },
    );
}

/// The `inv_mutex_trylock` symbol.
///
/// # Safety
/// See [`crate::sys::mutex_trylock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_mutex_trylock(lock: *mut mutex) -> bool {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "mutex_trylock") };
    lock.owner
        .compare_exchange(0, cpu::token(), Ordering::Acquire, Ordering::Relaxed)
        .is_ok()
}

/// The `inv_mutex_unlock` symbol.
///
/// # Safety
/// See [`crate::sys::mutex_unlock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_mutex_unlock(lock: *mut mutex) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "mutex_unlock") };
    let addr = core::ptr::from_ref(lock).addr();
    match lock.owner.load(Ordering::Relaxed) {
        0 => bug!("mutex_unlock of the mutex at {addr:#x}, which is not locked"),
        owner if owner != cpu::token() => {
            bug!("mutex_unlock of the mutex at {addr:#x} by a thread that does not hold it")
        }
        _ => {}
    }
    lock.owner.store(0, Ordering::Release);
    wake(addr);
}

/// The `inv_mutex_is_locked` symbol.
///
/// # Safety
/// See [`crate::sys::mutex_is_locked`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_mutex_is_locked(lock: *mut mutex) -> bool {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "mutex_is_locked") };
    lock.owner.load(Ordering::Relaxed) != 0
}

/// The `inv_init_rwsem` symbol.
///
/// # Safety
/// See [`crate::sys::init_rwsem`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_init_rwsem(sem: *mut rw_semaphore) {
    // SAFETY: the caller passes a semaphore valid for writes.
    let sem = unsafe { super::non_null(sem, "init_rwsem") };
    sem.state.store(0, Ordering::Relaxed);
}

/// The `inv_down_read` symbol.
///
/// # Safety
/// See [`crate::sys::down_read`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_down_read(sem: *mut rw_semaphore) {
    // SAFETY: the caller passes a valid semaphore.
    let sem = unsafe { super::non_null(sem, "down_read") };
    let addr = core::ptr::from_ref(sem).addr();
    might_sleep("down_read");
    sleep_until(
        addr,
        || format!("down_read on the rw_semaphore at {addr:#x}"),
        || {
            let state = sem.state.load(Ordering::Relaxed);
            state & WRITER == 0
                && sem
                    .state
                    .compare_exchange(state, state + 1, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
        },
    );
}

/// The `inv_up_read` symbol.
///
/// # Safety
/// See [`crate::sys::up_read`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_up_read(sem: *mut rw_semaphore) {
    // SAFETY: the caller passes a valid semaphore.
    let sem = unsafe { super::non_null(sem, "up_read") };
    let addr = core::ptr::from_ref(sem).addr();
    let state = sem.state.load(Ordering::Relaxed);
    if state & WRITER != 0 || state == 0 {
        bug!("up_read of the rw_semaphore at {addr:#x}, which is not held for reading");
    }
    if sem.state.fetch_sub(1, Ordering::Release) == 1 {
        wake(addr);
    }
}

/// The `inv_down_write` symbol.
///
/// # Safety
/// See [`crate::sys::down_write`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_down_write(sem: *mut rw_semaphore) {
    // SAFETY: the caller passes a valid semaphore.
    let sem = unsafe { super::non_null(sem, "down_write") };
    let addr = core::ptr::from_ref(sem).addr();
    might_sleep("down_write");
    sleep_until(
        addr,
        || format!("down_write on the rw_semaphore at {addr:#x}"),
        || {
            sem.state
                .compare_exchange(0, WRITER, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        },
    );
}

/// The `inv_up_write` symbol.
///
/// # Safety
/// See [`crate::sys::up_write`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_up_write(sem: *mut rw_semaphore) {
    // SAFETY: the caller passes a valid semaphore.
    let sem = unsafe { super::non_null(sem, "up_write") };
    let addr = core::ptr::from_ref(sem).addr();
    if sem.state.load(Ordering::Relaxed) != WRITER {
        bug!("up_write of the rw_semaphore at {addr:#x}, which is not held for writing");
    }
    sem.state.store(0, Ordering::Release);
    wake(addr);
}
