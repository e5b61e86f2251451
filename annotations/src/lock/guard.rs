//! The one guard type behind every lock alias.

use core::fmt;
use core::marker::PhantomData;

use super::kind::{ExclusiveKind, LockKind, TryLockKind};
use super::sealed::Sealed;
use super::{ExclusiveGuard, Guard, GuardMarker, HasLock};

/// Holds the lock of kind `K` named `L` in the owner `O` for `'a`; releases it on drop.
///
/// Use it through the aliases ([`SpinLockIrqSaveGuard`](super::SpinLockIrqSaveGuard),
/// [`MutexGuard`](super::MutexGuard), ...). Neither `Send` nor `Sync`: it must be dropped on
/// the CPU (thread) that took it. See the [module documentation](super) for how generated code
/// uses it.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a, O, K, L = ()>
where
    O: ?Sized + HasLock<L, Lock = K::Raw>,
    K: LockKind,
{
    owner: &'a O,
    raw: *mut K::Raw,
    _marker: GuardMarker<(K, L)>,
}

impl<'a, O, K, L> LockGuard<'a, O, K, L>
where
    O: ?Sized + HasLock<L, Lock = K::Raw>,
    K: LockKind,
{
    /// Takes the lock of `owner`, waiting for it (and, for the sleeping kinds, sleeping).
    pub fn lock(owner: &'a O) -> Self {
        let raw = owner.raw_lock();
        // SAFETY: `HasLock` promises an initialised lock valid while `owner` is borrowed, which
        // is at least as long as the guard, which releases it.
        unsafe { K::acquire(raw) };
        LockGuard {
            owner,
            raw,
            _marker: PhantomData,
        }
    }

    /// The owner whose lock is held: generated accessors reach the guarded fields through it.
    pub fn owner(&self) -> &'a O {
        self.owner
    }
}

impl<'a, O, K, L> LockGuard<'a, O, K, L>
where
    O: ?Sized + HasLock<L, Lock = K::Raw>,
    K: TryLockKind,
{
    /// Takes the lock of `owner` if it is free right now (`spin_trylock`, `mutex_trylock`).
    pub fn try_lock(owner: &'a O) -> Option<Self> {
        let raw = owner.raw_lock();
        // SAFETY: as in `lock`.
        let taken = unsafe { K::try_acquire(raw) };
        // Built only when taken: a guard releases its lock when dropped.
        taken.then(|| LockGuard {
            owner,
            raw,
            _marker: PhantomData,
        })
    }
}

/// Releases a lock when dropped, so the release happens even if the invariant check panics.
struct Release<K: LockKind>(*mut K::Raw);

impl<K: LockKind> Drop for Release<K> {
    fn drop(&mut self) {
        // SAFETY: built only by `LockGuard::drop`, for the lock the guard holds.
        unsafe { K::release(self.0) }
    }
}

impl<O, K, L> Drop for LockGuard<'_, O, K, L>
where
    O: ?Sized + HasLock<L, Lock = K::Raw>,
    K: LockKind,
{
    fn drop(&mut self) {
        let _release = Release::<K>(self.raw);
        if K::EXCLUSIVE {
            self.owner.check_invariant();
        }
    }
}

impl<O, K, L> fmt::Debug for LockGuard<'_, O, K, L>
where
    O: ?Sized + HasLock<L, Lock = K::Raw>,
    K: LockKind,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard")
            .field("lock", &self.raw)
            .field("kind", &core::any::type_name::<K>())
            .finish()
    }
}

impl<O, K, L> Sealed for LockGuard<'_, O, K, L>
where
    O: ?Sized + HasLock<L, Lock = K::Raw>,
    K: LockKind,
{
}

impl<O, K, L> Guard for LockGuard<'_, O, K, L>
where
    O: ?Sized + HasLock<L, Lock = K::Raw>,
    K: LockKind,
{
}

impl<O, K, L> ExclusiveGuard for LockGuard<'_, O, K, L>
where
    O: ?Sized + HasLock<L, Lock = K::Raw>,
    K: ExclusiveKind,
{
}
