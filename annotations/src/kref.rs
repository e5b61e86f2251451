//! Reference-counted C objects: `refcount r: kref release F` in the `.inv`.
//!
//! A [`KrefRef<T>`] is one counted reference to a `T` that embeds a `struct kref`: cloning it
//! takes a reference (`kref_get`), dropping it puts one (`kref_put`), and the put that brings
//! the count to zero calls the spec's release function `F`, exactly once. No other path frees
//! the object, so a translation that holds `KrefRef`s cannot use it after release or put it
//! twice.

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;
use core::ptr::NonNull;

use crate::sys;

/// A type whose lifetime is counted by an embedded `struct kref`.
///
/// # Safety
/// [`raw_kref`](Self::raw_kref) returns the object's own kref, the same on every call;
/// [`RELEASE`](Self::RELEASE) frees the object given that kref (usually through
/// `container_of`) and nothing else; every reference to the object is counted in the kref.
pub unsafe trait Refcounted {
    /// The release function the spec names: called once, when the count drops to zero.
    const RELEASE: unsafe extern "C" fn(*mut sys::kref);

    /// The embedded kref.
    fn raw_kref(&self) -> *mut sys::kref;
}

/// One counted reference to a `T`: clone is `kref_get`, drop is `kref_put` with
/// `T::RELEASE`. `Send` and `Sync` when `T` is both, like `Arc`.
pub struct KrefRef<T: Refcounted> {
    ptr: NonNull<T>,
    _owns: PhantomData<T>,
}

// SAFETY: like `Arc<T>`: the count is atomic, and the last holder (on any thread) releases.
unsafe impl<T: Refcounted + Send + Sync> Send for KrefRef<T> {}
// SAFETY: as above; `&KrefRef<T>` only gives `&T`.
unsafe impl<T: Refcounted + Send + Sync> Sync for KrefRef<T> {}

impl<T: Refcounted> KrefRef<T> {
    /// Takes a new reference to `obj` (`kref_get`).
    pub fn new(obj: &T) -> Self {
        // SAFETY: `obj` is alive, so the caller's reference keeps the count above zero.
        unsafe { sys::kref_get(obj.raw_kref()) };
        KrefRef {
            ptr: NonNull::from(obj),
            _owns: PhantomData,
        }
    }

    /// Takes a new reference to `obj` unless its count already dropped to zero
    /// (`kref_get_unless_zero`): for objects found on a lookup structure (a cache list) that
    /// the release function unlinks them from, where a dying object may still be seen.
    pub fn try_new(obj: &T) -> Option<Self> {
        // SAFETY: `obj` is alive (its memory is not freed while the caller can reach it), and
        // `kref_get_unless_zero` never revives a count of zero.
        let got = unsafe { sys::kref_get_unless_zero(obj.raw_kref()) };
        (got != 0).then(|| KrefRef {
            ptr: NonNull::from(obj),
            _owns: PhantomData,
        })
    }

    /// Adopts one reference that C took (or that [`into_raw`](Self::into_raw) gave up).
    ///
    /// # Safety
    /// `ptr` points to a live `T`, and the caller owns one of its counted references, which
    /// it hands over.
    pub unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        KrefRef {
            ptr,
            _owns: PhantomData,
        }
    }

    /// Gives up the reference without putting it: the pointer, for C to keep.
    pub fn into_raw(this: Self) -> NonNull<T> {
        ManuallyDrop::new(this).ptr
    }

    /// The current count (`kref_read`); other threads may change it at any time.
    pub fn count(this: &Self) -> u32 {
        // SAFETY: the object is alive while `this` holds a reference.
        unsafe { sys::kref_read(this.raw_kref()) }
    }
}

impl<T: Refcounted> Deref for KrefRef<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the counted reference keeps the object alive while `self` exists.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T: Refcounted> Clone for KrefRef<T> {
    fn clone(&self) -> Self {
        KrefRef::new(self)
    }
}

impl<T: Refcounted> Drop for KrefRef<T> {
    fn drop(&mut self) {
        let kref = self.raw_kref();
        // SAFETY: this reference is counted, and is put once; `RELEASE` frees the object only
        // when the count reaches zero, after which nothing uses `self`.
        unsafe { sys::kref_put(kref, T::RELEASE) };
    }
}

impl<T: Refcounted + fmt::Debug> fmt::Debug for KrefRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
