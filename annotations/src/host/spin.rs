//! The spinning locks: `spinlock_t`, `rwlock_t` and `seqlock_t`.
//!
//! A spinlock's word holds its owner's thread token, so recursion and unlocking by a thread
//! that does not hold it are caught. An rwlock's word holds a writer bit and a reader count.
//! Every acquisition goes through lockdep-lite ([`super::cpu::lock_acquire`]) first.

use core::ffi::c_uint;
use core::sync::atomic::{Ordering, fence};
use std::format;

use super::bug;
use super::cpu::{self, LockClass};
use super::wait::spin_until;
use crate::sys::{irq_flags_t, rwlock_t, seqlock_t, spinlock_t};

fn spin_acquire(lock: &spinlock_t, irq_variant: bool, what: &'static str) {
    let addr = core::ptr::from_ref(lock).addr();
    let me = cpu::token();
    cpu::lock_acquire(addr, &lock.dep, LockClass::Spin);
    spin_until(
        || format!("{what} on the spinlock at {addr:#x}"),
        || {
            lock.owner
                .compare_exchange_weak(0, me, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        },
    );
    cpu::lock_acquired(addr, &lock.dep, LockClass::Spin, irq_variant);
}

fn spin_release(lock: &spinlock_t, what: &'static str) {
    let addr = core::ptr::from_ref(lock).addr();
    let owner = lock.owner.load(Ordering::Relaxed);
    if owner == 0 {
        bug!("{what} of the spinlock at {addr:#x}, which is not locked");
    }
    if owner != cpu::token() {
        bug!("{what} of the spinlock at {addr:#x} by a thread that does not hold it");
    }
    cpu::lock_released(addr, LockClass::Spin);
    lock.owner.store(0, Ordering::Release);
}

/// The `inv_spin_lock_init` symbol.
///
/// # Safety
/// See [`crate::sys::spin_lock_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_lock_init(lock: *mut spinlock_t) {
    // SAFETY: the caller passes a lock valid for writes.
    let lock = unsafe { super::non_null(lock, "spin_lock_init") };
    lock.owner.store(0, Ordering::Relaxed);
    lock.dep.store(0, Ordering::Relaxed);
}

/// The `inv_spin_lock` symbol.
///
/// # Safety
/// See [`crate::sys::spin_lock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_lock(lock: *mut spinlock_t) {
    // SAFETY: the caller passes a valid lock.
    spin_acquire(
        unsafe { super::non_null(lock, "spin_lock") },
        false,
        "spin_lock",
    );
}

/// The `inv_spin_trylock` symbol.
///
/// # Safety
/// See [`crate::sys::spin_trylock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_trylock(lock: *mut spinlock_t) -> bool {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "spin_trylock") };
    let addr = core::ptr::from_ref(lock).addr();
    cpu::lock_acquire(addr, &lock.dep, LockClass::Spin);
    let taken = lock
        .owner
        .compare_exchange(0, cpu::token(), Ordering::Acquire, Ordering::Relaxed)
        .is_ok();
    if taken {
        cpu::lock_acquired(addr, &lock.dep, LockClass::Spin, false);
    }
    taken
}

/// The `inv_spin_unlock` symbol.
///
/// # Safety
/// See [`crate::sys::spin_unlock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_unlock(lock: *mut spinlock_t) {
    // SAFETY: the caller passes a valid lock.
    spin_release(
        unsafe { super::non_null(lock, "spin_unlock") },
        "spin_unlock",
    );
}

/// The `inv_spin_lock_irq` symbol.
///
/// # Safety
/// See [`crate::sys::spin_lock_irq`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_lock_irq(lock: *mut spinlock_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "spin_lock_irq") };
    if cpu::irqs_off() {
        bug!(
            "spin_lock_irq with interrupts already disabled: spin_unlock_irq will enable them \
             while the caller expects them off; use spin_lock_irqsave"
        );
    }
    super::cpu::inv_local_irq_disable();
    spin_acquire(lock, true, "spin_lock_irq");
}

/// The `inv_spin_unlock_irq` symbol.
///
/// # Safety
/// See [`crate::sys::spin_unlock_irq`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_unlock_irq(lock: *mut spinlock_t) {
    // SAFETY: the caller passes a valid lock.
    spin_release(
        unsafe { super::non_null(lock, "spin_unlock_irq") },
        "spin_unlock_irq",
    );
    super::cpu::inv_local_irq_enable();
}

/// The `inv_spin_lock_irqsave` symbol.
///
/// # Safety
/// See [`crate::sys::spin_lock_irqsave`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_lock_irqsave(lock: *mut spinlock_t) -> irq_flags_t {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "spin_lock_irqsave") };
    let flags = super::cpu::inv_local_irq_save();
    spin_acquire(lock, true, "spin_lock_irqsave");
    flags
}

/// The `inv_spin_unlock_irqrestore` symbol.
///
/// # Safety
/// See [`crate::sys::spin_unlock_irqrestore`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_unlock_irqrestore(lock: *mut spinlock_t, flags: irq_flags_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "spin_unlock_irqrestore") };
    spin_release(lock, "spin_unlock_irqrestore");
    super::cpu::inv_local_irq_restore(flags);
}

/// The `inv_spin_lock_bh` symbol.
///
/// # Safety
/// See [`crate::sys::spin_lock_bh`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_lock_bh(lock: *mut spinlock_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "spin_lock_bh") };
    super::cpu::inv_local_bh_disable();
    spin_acquire(lock, false, "spin_lock_bh");
}

/// The `inv_spin_unlock_bh` symbol.
///
/// # Safety
/// See [`crate::sys::spin_unlock_bh`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_unlock_bh(lock: *mut spinlock_t) {
    // SAFETY: the caller passes a valid lock.
    spin_release(
        unsafe { super::non_null(lock, "spin_unlock_bh") },
        "spin_unlock_bh",
    );
    super::cpu::inv_local_bh_enable();
}

/// The `inv_spin_is_locked` symbol.
///
/// # Safety
/// See [`crate::sys::spin_is_locked`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_spin_is_locked(lock: *mut spinlock_t) -> bool {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "spin_is_locked") };
    lock.owner.load(Ordering::Relaxed) != 0
}

/// The writer bit of an rwlock's (and an rw_semaphore's) state word; the rest counts readers.
pub(crate) const WRITER: u32 = 1 << 31;

/// The `inv_rwlock_init` symbol.
///
/// # Safety
/// See [`crate::sys::rwlock_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_rwlock_init(lock: *mut rwlock_t) {
    // SAFETY: the caller passes a lock valid for writes.
    let lock = unsafe { super::non_null(lock, "rwlock_init") };
    lock.state.store(0, Ordering::Relaxed);
    lock.dep.store(0, Ordering::Relaxed);
}

/// The `inv_read_lock` symbol.
///
/// # Safety
/// See [`crate::sys::read_lock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_read_lock(lock: *mut rwlock_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "read_lock") };
    let addr = core::ptr::from_ref(lock).addr();
    cpu::lock_acquire(addr, &lock.dep, LockClass::RwRead);
    spin_until(
        || format!("read_lock on the rwlock at {addr:#x}"),
        || {
            let state = lock.state.load(Ordering::Relaxed);
            state & WRITER == 0
                && lock
                    .state
                    .compare_exchange_weak(state, state + 1, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
        },
    );
    cpu::lock_acquired(addr, &lock.dep, LockClass::RwRead, false);
}

/// The `inv_read_unlock` symbol.
///
/// # Safety
/// See [`crate::sys::read_unlock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_read_unlock(lock: *mut rwlock_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "read_unlock") };
    cpu::lock_released(core::ptr::from_ref(lock).addr(), LockClass::RwRead);
    lock.state.fetch_sub(1, Ordering::Release);
}

/// The `inv_write_lock` symbol.
///
/// # Safety
/// See [`crate::sys::write_lock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_write_lock(lock: *mut rwlock_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "write_lock") };
    let addr = core::ptr::from_ref(lock).addr();
    cpu::lock_acquire(addr, &lock.dep, LockClass::RwWrite);
    spin_until(
        || format!("write_lock on the rwlock at {addr:#x}"),
        || {
            lock.state
                .compare_exchange_weak(0, WRITER, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        },
    );
    cpu::lock_acquired(addr, &lock.dep, LockClass::RwWrite, false);
}

/// The `inv_write_unlock` symbol.
///
/// # Safety
/// See [`crate::sys::write_unlock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_write_unlock(lock: *mut rwlock_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "write_unlock") };
    cpu::lock_released(core::ptr::from_ref(lock).addr(), LockClass::RwWrite);
    lock.state.store(0, Ordering::Release);
}

/// The `inv_seqlock_init` symbol.
///
/// # Safety
/// See [`crate::sys::seqlock_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_seqlock_init(lock: *mut seqlock_t) {
    // SAFETY: the caller passes a lock valid for writes.
    let lock = unsafe { super::non_null(lock, "seqlock_init") };
    lock.seq.store(0, Ordering::Relaxed);
    lock.lock.owner.store(0, Ordering::Relaxed);
    lock.lock.dep.store(0, Ordering::Relaxed);
}

/// The `inv_write_seqlock` symbol.
///
/// # Safety
/// See [`crate::sys::write_seqlock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_write_seqlock(lock: *mut seqlock_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "write_seqlock") };
    spin_acquire(&lock.lock, false, "write_seqlock");
    lock.seq.fetch_add(1, Ordering::Relaxed);
    // Readers that see any of the writes that follow must also see the odd count.
    fence(Ordering::Release);
}

/// The `inv_write_sequnlock` symbol.
///
/// # Safety
/// See [`crate::sys::write_sequnlock`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_write_sequnlock(lock: *mut seqlock_t) {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "write_sequnlock") };
    lock.seq.fetch_add(1, Ordering::Release);
    spin_release(&lock.lock, "write_sequnlock");
}

/// The `inv_read_seqbegin` symbol.
///
/// # Safety
/// See [`crate::sys::read_seqbegin`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_read_seqbegin(lock: *const seqlock_t) -> c_uint {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "read_seqbegin") };
    let mut start = 0;
    spin_until(
        || {
            format!(
                "read_seqbegin on the seqlock at {:#x}",
                core::ptr::from_ref(lock).addr()
            )
        },
        || {
            start = lock.seq.load(Ordering::Acquire);
            start % 2 == 0
        },
    );
    start
}

/// The `inv_read_seqretry` symbol.
///
/// # Safety
/// See [`crate::sys::read_seqretry`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_read_seqretry(lock: *const seqlock_t, start: c_uint) -> bool {
    // SAFETY: the caller passes a valid lock.
    let lock = unsafe { super::non_null(lock, "read_seqretry") };
    // The section's reads happen before this load of the count.
    fence(Ordering::Acquire);
    lock.seq.load(Ordering::Relaxed) != start
}
