//! Lock guards: one generic [`LockGuard`] for every lock kind and mode of the `.inv`
//! language, named by aliases such as [`SpinLockIrqSaveGuard`], plus the seqlock read section
//! [`SeqReadGuard`].
//!
//! A guard borrows the *owner* of the lock (the generated wrapper of the C struct that
//! contains it), takes the lock on creation and releases it on drop. Generated code gives the
//! owner one method per lock and puts the accessors of the fields the lock guards on the guard
//! type, through a trait it implements for it:
//!
//! ```
//! # use std::cell::UnsafeCell;
//! // Generated for `lock lock: spinlock irqsave; guarded_by(lock) num_free;
//! // invariant num_free <= 8;` over a C struct (here declared in Rust).
//! #[repr(C)]
//! struct RawQueue { lock: inv::sys::spinlock_t, num_free: u32 }
//!
//! #[repr(transparent)]
//! pub struct VnetQueue(UnsafeCell<RawQueue>);
//!
//! // SAFETY: `lock` is the queue's own initialised spinlock, and it guards `num_free`.
//! unsafe impl inv::HasLock for VnetQueue {
//!     type Lock = inv::sys::spinlock_t;
//!     fn raw_lock(&self) -> *mut inv::sys::spinlock_t {
//!         // SAFETY: in bounds of the queue, which `self` keeps alive.
//!         unsafe { &raw mut (*self.0.get()).lock }
//!     }
//!     fn check_invariant(&self) {
//!         // SAFETY: called with the lock held, which guards `num_free`.
//!         let num_free = unsafe { (*self.0.get()).num_free };
//!         inv::__private::check_invariant(num_free <= 8, "num_free <= 8", "vnet.inv:5");
//!     }
//! }
//!
//! impl VnetQueue {
//!     pub fn lock_irqsave(&self) -> inv::SpinLockIrqSaveGuard<'_, Self> {
//!         inv::SpinLockIrqSaveGuard::lock(self)
//!     }
//! }
//!
//! /// The fields `lock` guards, reachable only through its guard.
//! pub trait VnetQueueLocked {
//!     fn num_free(&self) -> u32;
//!     fn set_num_free(&mut self, value: u32);
//! }
//!
//! impl VnetQueueLocked for inv::SpinLockIrqSaveGuard<'_, VnetQueue> {
//!     fn num_free(&self) -> u32 {
//!         // SAFETY: the guard holds the lock that guards `num_free`.
//!         unsafe { (*self.owner().0.get()).num_free }
//!     }
//!     fn set_num_free(&mut self, value: u32) {
//!         // SAFETY: the guard holds the lock exclusively.
//!         unsafe { (*self.owner().0.get()).num_free = value }
//!     }
//! }
//!
//! let queue = VnetQueue(UnsafeCell::new(RawQueue {
//!     lock: inv::sys::spinlock_t::new(),
//!     num_free: 8,
//! }));
//! let mut guard = queue.lock_irqsave();
//! guard.set_num_free(guard.num_free() - 1);
//! assert!(inv::sys::irqs_disabled());
//! drop(guard); // checks `num_free <= 8`, unlocks, restores interrupts
//! assert!(!inv::sys::irqs_disabled());
//! ```
//!
//! A struct with several locks of one kind and mode names each with a tag type (the `L`
//! parameter, `()` by default) so that one lock's guard cannot reach another lock's fields.
//!
//! Rules the guards keep, and why:
//!
//! - Guards are neither `Send` nor `Sync`: a lock is released by the CPU that took it, and the
//!   irq and bh state they change is per CPU.
//! - The interrupt modes ([`Irq`], [`IrqSave`]) do not keep each guard's saved flags. They use a
//!   per-CPU nesting depth (`sys::irq_nest_disable`/`irq_nest_enable`): the outermost guard
//!   saves the interrupt state, and interrupts come back on, to that state, only when the *last*
//!   such guard is dropped, whatever the order of the drops. Restoring each guard's own flags is
//!   unsound when guards are dropped out of order: dropping the outer guard first re-enables
//!   interrupts while the inner lock, which an interrupt handler may take, is still held. That
//!   was Rust-for-Linux's issue #998.
//! - The guard does not check at run time that the lock belongs to the data it guards (unlike
//!   the kernel crate's `LockedBy`): for a lock inside the C struct it guards, [`HasLock`] ties
//!   the two together once, where the generated code implements it.
//! - The owner's invariant ([`HasLock::check_invariant`]) is checked when an exclusive guard is
//!   released, with the lock still held; the lock is released even if the check panics.

mod guard;
mod seq;

pub use guard::LockGuard;
pub use seq::SeqReadGuard;

use crate::sys;

/// An owner of a lock: the wrapper of a C object that contains a lock named by `Tag`.
///
/// # Safety
/// [`raw_lock`](Self::raw_lock) returns, on every call, the same pointer to an initialised lock
/// of type [`Lock`](Self::Lock) that stays valid as long as `self` is borrowed, and that lock is
/// the one the spec says guards the fields generated code reaches through guards of
/// `(Self, Tag)`.
pub unsafe trait HasLock<Tag = ()> {
    /// The C lock type: `sys::spinlock_t`, `sys::mutex`, `sys::rwlock_t`,
    /// `sys::rw_semaphore` or `sys::seqlock_t`.
    type Lock;

    /// The lock.
    fn raw_lock(&self) -> *mut Self::Lock;

    /// Checks the invariants the spec attaches to this lock (`invariant EXPR` in the `.inv`):
    /// called with the lock held, when an exclusive guard is about to release it. Generated
    /// code implements it with `debug_assert!`s whose messages name the `.inv` line (see
    /// `__private::check_invariant`); the default checks nothing.
    fn check_invariant(&self) {}
}

/// Implemented by every guard that holds a lock (shared or exclusive): a list or field it
/// protects may be read while a `&Guard` lives.
pub trait Guard: sealed::Sealed {}

/// Implemented by guards that hold a lock exclusively: what it protects may be changed through
/// a `&mut ExclusiveGuard`.
pub trait ExclusiveGuard: Guard {}

/// How a spinning lock is taken with respect to interrupts: [`Plain`], [`Irq`], [`IrqSave`] or
/// [`Bh`], as after the lock kind in the `.inv`.
pub trait IrqMode: sealed::Sealed {
    /// Before taking the lock.
    #[doc(hidden)]
    fn enter();
    /// After releasing the lock.
    ///
    /// # Safety
    /// Matches an earlier `enter` on this CPU.
    #[doc(hidden)]
    unsafe fn exit();
}

/// Taken as is (`spin_lock`).
#[derive(Debug)]
pub enum Plain {}
/// Taken with interrupts disabled (`spin_lock_irq`): for locks taken only where interrupts are
/// known to be enabled. Implemented like [`IrqSave`], which is sound in every case.
#[derive(Debug)]
pub enum Irq {}
/// Taken with interrupts disabled and the previous state restored afterwards
/// (`spin_lock_irqsave`): for locks an interrupt handler takes too.
#[derive(Debug)]
pub enum IrqSave {}
/// Taken with bottom halves disabled (`spin_lock_bh`): for locks a softirq takes too.
#[derive(Debug)]
pub enum Bh {}

impl sealed::Sealed for Plain {}
impl sealed::Sealed for Irq {}
impl sealed::Sealed for IrqSave {}
impl sealed::Sealed for Bh {}

impl IrqMode for Plain {
    fn enter() {}
    unsafe fn exit() {}
}

impl IrqMode for Irq {
    fn enter() {
        sys::irq_nest_disable();
    }
    unsafe fn exit() {
        // SAFETY: matches the `irq_nest_disable` of `enter`, by this function's contract.
        unsafe { sys::irq_nest_enable() }
    }
}

impl IrqMode for IrqSave {
    fn enter() {
        sys::irq_nest_disable();
    }
    unsafe fn exit() {
        // SAFETY: matches the `irq_nest_disable` of `enter`, by this function's contract.
        unsafe { sys::irq_nest_enable() }
    }
}

impl IrqMode for Bh {
    fn enter() {
        sys::local_bh_disable();
    }
    unsafe fn exit() {
        // SAFETY: matches the `local_bh_disable` of `enter`, by this function's contract.
        unsafe { sys::local_bh_enable() }
    }
}

pub mod kind;

/// A guard of a `spinlock_t` taken in mode `M` (`spinlock` in the `.inv`).
pub type SpinLockGuard<'a, O, M = Plain, L = ()> = LockGuard<'a, O, kind::Spin<M>, L>;
/// A guard of a `spinlock_t` taken with `spin_lock_irq` (`spinlock irq`).
pub type SpinLockIrqGuard<'a, O, L = ()> = LockGuard<'a, O, kind::Spin<Irq>, L>;
/// A guard of a `spinlock_t` taken with `spin_lock_irqsave` (`spinlock irqsave`).
pub type SpinLockIrqSaveGuard<'a, O, L = ()> = LockGuard<'a, O, kind::Spin<IrqSave>, L>;
/// A guard of a `spinlock_t` taken with `spin_lock_bh` (`spinlock bh`).
pub type SpinLockBhGuard<'a, O, L = ()> = LockGuard<'a, O, kind::Spin<Bh>, L>;
/// A guard of a `struct mutex` (`mutex`).
pub type MutexGuard<'a, O, L = ()> = LockGuard<'a, O, kind::Mutex, L>;
/// A shared guard of an `rwlock_t` taken in mode `M` (`read_lock`, `read_lock_irqsave`, ...).
pub type ReadLockGuard<'a, O, M = Plain, L = ()> = LockGuard<'a, O, kind::Read<M>, L>;
/// An exclusive guard of an `rwlock_t` taken in mode `M` (`write_lock`, ...).
pub type WriteLockGuard<'a, O, M = Plain, L = ()> = LockGuard<'a, O, kind::Write<M>, L>;
/// A shared guard of a `struct rw_semaphore` (`down_read`).
pub type RwSemReadGuard<'a, O, L = ()> = LockGuard<'a, O, kind::RwSemRead, L>;
/// An exclusive guard of a `struct rw_semaphore` (`down_write`).
pub type RwSemWriteGuard<'a, O, L = ()> = LockGuard<'a, O, kind::RwSemWrite, L>;
/// The writer's guard of a `seqlock_t` taken in mode `M` (`write_seqlock`, ...); readers use
/// [`SeqReadGuard::read`].
pub type SeqLockWriteGuard<'a, O, M = Plain, L = ()> = LockGuard<'a, O, kind::SeqWrite<M>, L>;

/// The marker field of guards: `*mut ()` makes them neither `Send` nor `Sync`, and `fn() -> T`
/// names the lock's kind and tag without owning either.
type GuardMarker<T> = core::marker::PhantomData<(*mut (), fn() -> T)>;

pub(crate) mod sealed {
    /// Keeps the guard and mode traits closed: their soundness depends on every
    /// implementation.
    pub trait Sealed {}
}
