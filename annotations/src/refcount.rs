//! Objects counted by a bare `refcount_t`: `refcount r: refcount_t release F` in the `.inv`.
//!
//! A [`CountedRef<T>`] is one counted reference: cloning it takes a reference
//! (`refcount_inc`), dropping it puts one (`refcount_dec_and_test`), and the put that brings
//! the count to zero calls the spec's release function `F` with the object, exactly once. It
//! is [`KrefRef`](crate::KrefRef)'s twin for the counts that are not in a `struct kref`,
//! where C code writes `if (refcount_dec_and_test(&obj->refs)) obj_free(obj);` by hand.

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;
use core::ptr::NonNull;

use crate::sys;

/// A type whose lifetime is counted by an embedded `refcount_t`.
///
/// # Safety
/// [`raw_refcount`](Self::raw_refcount) returns the object's own count, the same on every
/// call; [`release`](Self::release) frees the object and nothing else; every reference to the
/// object is counted.
pub unsafe trait Counted {
    /// The embedded count.
    fn raw_refcount(&self) -> *mut sys::refcount_t;

    /// Runs the spec's release function on the object whose count reached zero.
    ///
    /// # Safety
    /// `this` points to an object whose count has just reached zero; nothing uses it after.
    unsafe fn release(this: NonNull<Self>);
}

/// One counted reference to a `T`: clone is `refcount_inc`, drop is `refcount_dec_and_test`,
/// and the last drop releases. `Send` and `Sync` when `T` is both, like `Arc`.
pub struct CountedRef<T: Counted> {
    ptr: NonNull<T>,
    _owns: PhantomData<T>,
}

// SAFETY: like `Arc<T>`: the count is atomic, and the last holder (on any thread) releases.
unsafe impl<T: Counted + Send + Sync> Send for CountedRef<T> {}
// SAFETY: as above; `&CountedRef<T>` only gives `&T`.
unsafe impl<T: Counted + Send + Sync> Sync for CountedRef<T> {}

impl<T: Counted> CountedRef<T> {
    /// Takes a new reference to `obj` (`refcount_inc`).
    pub fn new(obj: &T) -> Self {
        // SAFETY: `obj` is alive, so the caller's reference keeps the count above zero.
        unsafe { sys::refcount_inc(obj.raw_refcount()) };
        CountedRef {
            ptr: NonNull::from(obj),
            _owns: PhantomData,
        }
    }

    /// Takes a new reference unless the count already reached zero (`refcount_inc_not_zero`),
    /// as a lookup that may meet a dying object must.
    pub fn try_new(obj: &T) -> Option<Self> {
        // SAFETY: `obj` is borrowed, so its memory is valid even if its count is zero.
        let got = unsafe { sys::refcount_inc_not_zero(obj.raw_refcount()) };
        got.then(|| CountedRef {
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
        CountedRef {
            ptr,
            _owns: PhantomData,
        }
    }

    /// Gives up the reference without putting it: the pointer, for C to keep.
    pub fn into_raw(this: Self) -> NonNull<T> {
        ManuallyDrop::new(this).ptr
    }

    /// The current count (`refcount_read`); other threads may change it at any time.
    pub fn count(this: &Self) -> u32 {
        // SAFETY: the object is alive while `this` holds a reference.
        unsafe { sys::refcount_read(this.raw_refcount()) }
    }
}

impl<T: Counted> Deref for CountedRef<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the counted reference keeps the object alive while `self` exists.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T: Counted> Clone for CountedRef<T> {
    fn clone(&self) -> Self {
        CountedRef::new(self)
    }
}

impl<T: Counted> Drop for CountedRef<T> {
    fn drop(&mut self) {
        // SAFETY: this reference is counted and is put once.
        if unsafe { sys::refcount_dec_and_test(self.raw_refcount()) } {
            // SAFETY: the count just reached zero, so no other reference exists, and `self`
            // is not used after.
            unsafe { T::release(self.ptr) };
        }
    }
}

impl<T: Counted + fmt::Debug> fmt::Debug for CountedRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
