//! The lock kinds a [`LockGuard`](super::LockGuard) can hold: which C lock type, and which
//! primitives take and release it. Each marker is a type parameter only, never a value.

use core::marker::PhantomData;

use super::IrqMode;
use super::sealed::Sealed;
use crate::sys;

/// A way of holding a C lock: its type and its acquire and release primitives.
pub trait LockKind: Sealed {
    /// The C lock type.
    type Raw;
    /// Whether the holder excludes everyone else (a writer), rather than sharing (a reader).
    const EXCLUSIVE: bool;

    /// Takes the lock, including any interrupt or bottom-half mode.
    ///
    /// # Safety
    /// `raw` is an initialised lock that stays valid until [`release`](Self::release).
    #[doc(hidden)]
    unsafe fn acquire(raw: *mut Self::Raw);

    /// Releases the lock taken by [`acquire`](Self::acquire) on this CPU, then undoes its mode.
    ///
    /// # Safety
    /// This CPU holds `raw` through `acquire` of this kind.
    #[doc(hidden)]
    unsafe fn release(raw: *mut Self::Raw);
}

/// A lock kind that can also be tried without waiting.
pub trait TryLockKind: LockKind {
    /// Takes the lock if it is free; on failure nothing has changed.
    ///
    /// # Safety
    /// As [`LockKind::acquire`].
    #[doc(hidden)]
    unsafe fn try_acquire(raw: *mut Self::Raw) -> bool;
}

/// A lock kind whose holder excludes everyone else; its guards are
/// [`ExclusiveGuard`](super::ExclusiveGuard)s.
pub trait ExclusiveKind: LockKind {}

impl<M: IrqMode> ExclusiveKind for Spin<M> {}
impl ExclusiveKind for Mutex {}
impl<M: IrqMode> ExclusiveKind for Write<M> {}
impl ExclusiveKind for RwSemWrite {}
impl<M: IrqMode> ExclusiveKind for SeqWrite<M> {}

/// A `spinlock_t` taken in mode `M`.
pub struct Spin<M>(PhantomData<M>);
/// A `struct mutex`.
pub enum Mutex {}
/// An `rwlock_t` held shared, taken in mode `M`.
pub struct Read<M>(PhantomData<M>);
/// An `rwlock_t` held exclusive, taken in mode `M`.
pub struct Write<M>(PhantomData<M>);
/// A `struct rw_semaphore` held shared.
pub enum RwSemRead {}
/// A `struct rw_semaphore` held exclusive.
pub enum RwSemWrite {}
/// A `seqlock_t` held by a writer, taken in mode `M`.
pub struct SeqWrite<M>(PhantomData<M>);

impl<M: IrqMode> Sealed for Spin<M> {}
impl Sealed for Mutex {}
impl<M: IrqMode> Sealed for Read<M> {}
impl<M: IrqMode> Sealed for Write<M> {}
impl Sealed for RwSemRead {}
impl Sealed for RwSemWrite {}
impl<M: IrqMode> Sealed for SeqWrite<M> {}

/// Implements [`LockKind`] for a spinning kind: the mode around the primitives.
macro_rules! spinning {
    ($kind:ident, $raw:ty, $exclusive:literal, $lock:ident, $unlock:ident) => {
        impl<M: IrqMode> LockKind for $kind<M> {
            type Raw = $raw;
            const EXCLUSIVE: bool = $exclusive;

            unsafe fn acquire(raw: *mut $raw) {
                M::enter();
                // SAFETY: `raw` is a valid lock, by this function's contract.
                unsafe { sys::$lock(raw) }
            }

            unsafe fn release(raw: *mut $raw) {
                // SAFETY: this CPU holds `raw`, taken by `acquire` after `M::enter`.
                unsafe {
                    sys::$unlock(raw);
                    M::exit();
                }
            }
        }
    };
}

spinning!(Spin, sys::spinlock_t, true, spin_lock, spin_unlock);
spinning!(Read, sys::rwlock_t, false, read_lock, read_unlock);
spinning!(Write, sys::rwlock_t, true, write_lock, write_unlock);
spinning!(
    SeqWrite,
    sys::seqlock_t,
    true,
    write_seqlock,
    write_sequnlock
);

impl<M: IrqMode> TryLockKind for Spin<M> {
    unsafe fn try_acquire(raw: *mut sys::spinlock_t) -> bool {
        M::enter();
        // SAFETY: `raw` is a valid lock, by this function's contract.
        let taken = unsafe { sys::spin_trylock(raw) };
        if !taken {
            // SAFETY: matches the `M::enter` above.
            unsafe { M::exit() };
        }
        taken
    }
}

/// Implements [`LockKind`] for a sleeping kind.
macro_rules! sleeping {
    ($kind:ident, $raw:ty, $exclusive:literal, $lock:ident, $unlock:ident) => {
        impl LockKind for $kind {
            type Raw = $raw;
            const EXCLUSIVE: bool = $exclusive;

            unsafe fn acquire(raw: *mut $raw) {
                // SAFETY: `raw` is a valid lock, by this function's contract.
                unsafe { sys::$lock(raw) }
            }

            unsafe fn release(raw: *mut $raw) {
                // SAFETY: this CPU holds `raw`, taken by `acquire`.
                unsafe { sys::$unlock(raw) }
            }
        }
    };
}

sleeping!(Mutex, sys::mutex, true, mutex_lock, mutex_unlock);
sleeping!(RwSemRead, sys::rw_semaphore, false, down_read, up_read);
sleeping!(RwSemWrite, sys::rw_semaphore, true, down_write, up_write);

impl TryLockKind for Mutex {
    unsafe fn try_acquire(raw: *mut sys::mutex) -> bool {
        // SAFETY: `raw` is a valid lock, by this function's contract.
        unsafe { sys::mutex_trylock(raw) }
    }
}
