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
/// The release function gets only the kref's address, goes back to the object from it
/// (`container_of`) and frees the object, as C does. So the kref pointer must carry the
/// provenance of the whole object: [`raw_kref`](Self::raw_kref) projects it from a pointer to
/// the object (`&raw mut (*this).kref`), never from a reference to the kref field, whose
/// provenance covers only the field.
///
/// # Safety
/// [`raw_kref`](Self::raw_kref) returns the object's own kref, derived from `this` as above;
/// [`RELEASE`](Self::RELEASE) frees the object given that kref (usually through
/// `container_of`) and nothing else; every reference to the object is counted in the kref.
/// `Self` is interior mutable as a whole (an `UnsafeCell` around the C struct, as generated
/// wrappers are): [`KrefRef::new`] counts a reference made from a `&Self`, and when it is the
/// last one, the release function frees the object through a pointer derived from that shared
/// reference, which is only allowed for memory inside an `UnsafeCell`.
pub unsafe trait Refcounted {
    /// The release function the spec names: called once, when the count drops to zero.
    const RELEASE: unsafe extern "C" fn(*mut sys::kref);

    /// The embedded kref of the object at `this`, derived from `this` (see the trait).
    ///
    /// # Safety
    /// `this` points to a live `Self`.
    unsafe fn raw_kref(this: NonNull<Self>) -> *mut sys::kref;
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
        let ptr = NonNull::from(obj);
        // SAFETY: `obj` is alive, so the caller's reference keeps the count above zero.
        unsafe { sys::kref_get(T::raw_kref(ptr)) };
        KrefRef {
            ptr,
            _owns: PhantomData,
        }
    }

    /// Takes a new reference to `obj` unless its count already dropped to zero
    /// (`kref_get_unless_zero`): for objects found on a lookup structure (a cache list) that
    /// the release function unlinks them from, where a dying object may still be seen.
    pub fn try_new(obj: &T) -> Option<Self> {
        let ptr = NonNull::from(obj);
        // SAFETY: `obj` is alive (its memory is not freed while the caller can reach it), and
        // `kref_get_unless_zero` never revives a count of zero.
        let got = unsafe { sys::kref_get_unless_zero(T::raw_kref(ptr)) };
        (got != 0).then(|| KrefRef {
            ptr,
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
        unsafe { sys::kref_read(T::raw_kref(this.ptr)) }
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
        // The clone keeps this reference's pointer (not one made from `&T`), so that whichever
        // reference is put last hands the release function the provenance the object came
        // with.
        // SAFETY: the object is alive while `self` holds a reference.
        unsafe { sys::kref_get(T::raw_kref(self.ptr)) };
        KrefRef {
            ptr: self.ptr,
            _owns: PhantomData,
        }
    }
}

impl<T: Refcounted> Drop for KrefRef<T> {
    fn drop(&mut self) {
        // SAFETY: the object is alive while `self` holds a reference; this reference is
        // counted, and is put once; `RELEASE` frees the object only when the count reaches
        // zero, after which nothing uses `self`.
        unsafe { sys::kref_put(T::raw_kref(self.ptr), T::RELEASE) };
    }
}

impl<T: Refcounted + fmt::Debug> fmt::Debug for KrefRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
