//! `CountedRef` over a bare `refcount_t`: clone is `refcount_inc`, drop is
//! `refcount_dec_and_test`, the last drop releases the object once, and a lookup cannot revive
//! an object whose count reached zero.

use std::cell::UnsafeCell;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use inv::sys::{self, refcount_t};
use inv::{Counted, CountedRef};

/// The fields of a counted object; each test uses its own release counter.
#[repr(C)]
struct ReqFields {
    users: refcount_t,
    len: u32,
    released: &'static AtomicUsize,
}

/// A counted object, interior mutable as a whole as `Counted` requires (like a generated
/// wrapper).
#[repr(transparent)]
struct Req(UnsafeCell<ReqFields>);

// SAFETY: after construction only the count (atomic) changes.
unsafe impl Sync for Req {}
// SAFETY: as above.
unsafe impl Send for Req {}

impl Req {
    fn len(&self) -> u32 {
        // SAFETY: `len` is not written after construction.
        unsafe { (*self.0.get()).len }
    }
}

// SAFETY: the count is the object's own, projected from the object's pointer; `release` frees
// exactly the object; `Req` is an `UnsafeCell`.
unsafe impl Counted for Req {
    unsafe fn raw_refcount(this: NonNull<Self>) -> *mut refcount_t {
        // SAFETY: `this` points to a live `Req` (the caller's contract).
        unsafe { ptr::addr_of_mut!((*this.as_ptr().cast::<ReqFields>()).users) }
    }

    unsafe fn release(this: NonNull<Self>) {
        // SAFETY: a boxed `Req` whose count just reached zero.
        let req = unsafe { Box::from_raw(this.as_ptr().cast::<ReqFields>()) };
        req.released.fetch_add(1, Ordering::SeqCst);
    }
}

fn new_req(len: u32, released: &'static AtomicUsize) -> CountedRef<Req> {
    let req = Box::into_raw(Box::new(ReqFields {
        users: refcount_t::new(1),
        len,
        released,
    }));
    // SAFETY: a fresh object whose count of one is handed to the reference.
    unsafe { CountedRef::from_raw(NonNull::new(req.cast::<Req>()).unwrap()) }
}

#[test]
fn clones_across_threads_release_the_object_once_at_zero() {
    static RELEASED: AtomicUsize = AtomicUsize::new(0);
    let rounds = if cfg!(miri) { 20 } else { 1_000 };
    let first = new_req(512, &RELEASED);
    thread::scope(|s| {
        for _ in 0..4 {
            let mine = first.clone();
            s.spawn(move || {
                for _ in 0..rounds {
                    let extra = CountedRef::new(&*mine);
                    assert_eq!(extra.len(), 512);
                }
            });
        }
    });
    assert_eq!(CountedRef::count(&first), 1);
    assert_eq!(RELEASED.load(Ordering::SeqCst), 0);
    drop(first);
    assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
}

#[test]
fn a_lookup_takes_a_reference_only_while_the_count_is_above_zero() {
    static RELEASED: AtomicUsize = AtomicUsize::new(0);
    let live = new_req(1, &RELEASED);
    let found = CountedRef::try_new(&*live).expect("a live object can be found");
    assert_eq!(CountedRef::count(&live), 2);
    drop(found);
    // A dying object: its count is zero, but its memory is still there for the lookup.
    let dying = Req(UnsafeCell::new(ReqFields {
        users: refcount_t::new(0),
        len: 0,
        released: &RELEASED,
    }));
    assert!(CountedRef::try_new(&dying).is_none());
    // SAFETY: `dying` is live; the failed lookup left its count alone.
    let count = unsafe { sys::refcount_read(Req::raw_refcount(NonNull::from(&dying))) };
    assert_eq!(count, 0);
    drop(live);
    assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
}
