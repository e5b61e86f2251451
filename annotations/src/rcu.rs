//! RCU: read sections as guards, pointer access tied to them, and retired objects that can
//! only be freed after a grace period.
//!
//! For `rcu ops: struct vnet_ops updated_under(lock)` generated code gives readers
//! `ops(&self, &'g RcuReadGuard) -> Option<&'g VnetOps>` (through [`dereference`]) and writers
//! `replace_ops(&mut LockGuard, new) -> Option<Retired<VnetOps>>` (through [`replace`]). The
//! reference a reader gets cannot outlive its read section, and the old object a writer gets
//! back cannot be freed before every reader that might still see it is gone: [`Retired`] only
//! frees after `synchronize_rcu` or through `call_rcu`, and when dropped otherwise it leaks the
//! object and reports it rather than free it early.

use core::marker::PhantomData;
use core::mem::{ManuallyDrop, size_of};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::sys;

/// An RCU read-side critical section (`rcu_read_lock` .. `rcu_read_unlock`). Sections nest.
/// Neither `Send` nor `Sync`: it must end on the thread that began it.
#[must_use = "the read section ends as soon as the guard is dropped"]
#[derive(Debug)]
pub struct RcuReadGuard {
    _not_send: PhantomData<*mut ()>,
}

impl RcuReadGuard {
    /// Begins a read section.
    #[allow(clippy::new_without_default)] // taking a lock is not a default value
    pub fn new() -> Self {
        sys::rcu_read_lock();
        RcuReadGuard {
            _not_send: PhantomData,
        }
    }
}

impl Drop for RcuReadGuard {
    fn drop(&mut self) {
        // SAFETY: matches the `rcu_read_lock` of `new` on this thread (the guard is not Send);
        // references obtained through the guard borrow it, so none outlive this.
        unsafe { sys::rcu_read_unlock() }
    }
}

/// Reads the RCU-protected pointer in `slot` (`rcu_dereference`) as a reference that lives as
/// long as the borrow of the read section's guard, or `None` if it is null.
///
/// # Safety
/// `slot` is valid for reads while the guard is borrowed; writers store into it only with [`assign_pointer`] or
/// [`replace`] (or C's `rcu_assign_pointer`); an object it points to is fully initialised
/// before it is published, is not changed while published (RCU objects are replaced, not
/// edited), and is freed only after a grace period following its removal.
pub unsafe fn dereference<T>(slot: *const *mut T, _guard: &RcuReadGuard) -> Option<&T> {
    // SAFETY: `slot` is valid and aligned by the caller's contract; writers store into it
    // atomically, so an atomic load is the right way to read it.
    let ptr = unsafe { AtomicPtr::from_ptr(slot.cast_mut()) }.load(Ordering::Acquire);
    // SAFETY: a published object stays valid and unchanged until a grace period after its
    // removal, and the guard's read section keeps that grace period from ending for 'g.
    unsafe { ptr.as_ref() }
}

/// Publishes `new` in `slot` (`rcu_assign_pointer`): readers that see the pointer see the
/// object's initialised contents.
///
/// # Safety
/// `slot` is valid for writes; the caller holds the lock the spec names in `updated_under`;
/// `new` is null or a fully initialised object that the slot now owns. The object previously
/// in the slot, if any, is taken care of by the caller (use [`replace`] to get it back).
pub unsafe fn assign_pointer<T>(slot: *mut *mut T, new: *mut T) {
    // SAFETY: `slot` is valid and aligned by the caller's contract.
    unsafe { AtomicPtr::from_ptr(slot) }.store(new, Ordering::Release);
}

/// Publishes `new` in `slot` and returns the object it replaced, which readers may still be
/// using, as a [`Retired`].
///
/// # Safety
/// As [`assign_pointer`]; in addition, the object in the slot is owned by the slot (nothing
/// else frees it), so that the returned `Retired` may free it after a grace period.
pub unsafe fn replace<T>(slot: *mut *mut T, new: *mut T) -> Option<Retired<T>> {
    // SAFETY: `slot` is valid and aligned by the caller's contract.
    let old = unsafe { AtomicPtr::from_ptr(slot) }.swap(new, Ordering::AcqRel);
    // SAFETY: the old object was owned by the slot and is now unpublished.
    NonNull::new(old).map(|old| unsafe { Retired::new(old) })
}

/// An object removed from an RCU-protected pointer, which readers that began before the
/// removal may still be reading. It can be freed only after a grace period:
/// [`synchronize_and_free`](Self::synchronize_and_free) waits for one first,
/// [`call_rcu`](Self::call_rcu) and [`kfree_rcu`](Self::kfree_rcu) queue the free for after
/// one. Dropped any other way, the object is leaked, never freed, and the leak is reported
/// (`sys::report_leak`; the host shim prints it and records it).
#[must_use = "a retired object must be freed after a grace period; dropping it leaks it"]
#[derive(Debug)]
pub struct Retired<T> {
    ptr: NonNull<T>,
}

// SAFETY: a `Retired` is the only owner of an object nobody else can free; moving it to
// another thread moves that ownership, which is fine when the object can be sent.
unsafe impl<T: Send> Send for Retired<T> {}

impl<T> Retired<T> {
    /// Takes ownership of an object that was unpublished from an RCU-protected pointer.
    ///
    /// # Safety
    /// `ptr` has been removed from every RCU-protected pointer (no new reader can find it), and
    /// nothing else frees it.
    pub unsafe fn new(ptr: NonNull<T>) -> Self {
        Retired { ptr }
    }

    /// The retired object's address (for comparison and messages; it must not be freed
    /// through it).
    pub fn as_ptr(&self) -> *mut T {
        self.ptr.as_ptr()
    }

    fn into_ptr(self) -> NonNull<T> {
        ManuallyDrop::new(self).ptr
    }

    /// Waits for a grace period (`synchronize_rcu`, which sleeps), after which no reader can
    /// hold the object, then hands it to `free`.
    pub fn synchronize_and_free(self, free: impl FnOnce(NonNull<T>)) {
        let ptr = self.into_ptr();
        sys::synchronize_rcu();
        free(ptr);
    }

    /// Has `func(head)` run after a grace period (`call_rcu`), without waiting.
    ///
    /// # Safety
    /// `head` is an `rcu_head` inside the retired object, not queued already, and `func` frees
    /// the object (typically through `container_of(head)`).
    pub unsafe fn call_rcu(self, head: *mut sys::rcu_head, func: sys::rcu_callback_t) {
        let _ = self.into_ptr();
        // SAFETY: `head` lives in the object, which stays allocated until `func` frees it.
        unsafe { sys::call_rcu(head, func) }
    }

    /// Frees the object with `kfree` after a grace period (`kfree_rcu`), without waiting.
    ///
    /// # Safety
    /// The object was allocated with `kmalloc` (or `kzalloc`, `kcalloc`), and owns nothing that
    /// must be released besides its memory.
    pub unsafe fn kfree_rcu(self) {
        let ptr = self.into_ptr();
        // SAFETY: a kmalloc'd object that only this `Retired` could free.
        unsafe { sys::kfree_rcu(ptr.as_ptr().cast()) }
    }
}

impl<T> Drop for Retired<T> {
    fn drop(&mut self) {
        // Freeing now could free memory a reader is still using; leaking is safe.
        sys::report_leak(
            sys::INV_LEAK_RCU_RETIRED,
            self.ptr.as_ptr().cast(),
            size_of::<T>(),
        );
    }
}
