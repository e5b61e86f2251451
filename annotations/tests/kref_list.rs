//! Reference counts (`KrefRef`) and typed intrusive lists over the host shim.

mod common;

use std::cell::UnsafeCell;
use std::mem::offset_of;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::{Shared, death_test, join};
use inv::sys::{self, kref, list_head, spinlock_t};
use inv::{KrefRef, Refcounted, SpinLockGuard, SpinLockIrqSaveGuard, list};

/// The fields of a counted object; each test uses its own release counter.
#[repr(C)]
struct ObjFields {
    kref: kref,
    value: u32,
    released: &'static AtomicUsize,
}

/// A counted object, interior mutable as a whole as `Refcounted` requires (like a generated
/// wrapper): the last put frees it through whichever reference was counted last, which may
/// have been made from a `&Obj`.
#[repr(transparent)]
struct Obj(UnsafeCell<ObjFields>);

// SAFETY: after construction only the kref (atomic) changes.
unsafe impl Sync for Obj {}
// SAFETY: as above.
unsafe impl Send for Obj {}

impl Obj {
    fn value(&self) -> u32 {
        // SAFETY: `value` is not written after construction.
        unsafe { (*self.0.get()).value }
    }
}

unsafe extern "C" fn release_obj(kref: *mut kref) {
    // As C does: from the kref back to the object, which the kref's provenance covers.
    let obj: *mut ObjFields = inv::container_of_mut(kref, offset_of!(ObjFields, kref));
    // SAFETY: the kref is the one of a boxed `Obj` (transparent over `ObjFields`), and its
    // count just reached zero.
    let obj = unsafe { Box::from_raw(obj) };
    obj.released.fetch_add(1, Ordering::SeqCst);
}

// SAFETY: `raw_kref` is the object's own kref, projected from the object's pointer;
// `release_obj` frees exactly the object; `Obj` is an `UnsafeCell`.
unsafe impl Refcounted for Obj {
    const RELEASE: unsafe extern "C" fn(*mut kref) = release_obj;
    unsafe fn raw_kref(this: NonNull<Self>) -> *mut kref {
        // SAFETY: `this` points to a live `Obj` (the caller's contract).
        unsafe { ptr::addr_of_mut!((*this.as_ptr().cast::<ObjFields>()).kref) }
    }
}

fn new_obj(value: u32, released: &'static AtomicUsize) -> KrefRef<Obj> {
    let obj = Box::into_raw(Box::new(ObjFields {
        kref: kref::new(),
        value,
        released,
    }));
    // SAFETY: a fresh object (`Obj` is transparent over its fields) whose count of one is
    // handed to the KrefRef.
    unsafe { KrefRef::from_raw(NonNull::new(obj.cast::<Obj>()).unwrap()) }
}

#[test]
fn clone_gets_and_drop_puts_and_release_runs_once_at_zero() {
    static RELEASED: AtomicUsize = AtomicUsize::new(0);
    let first = new_obj(5, &RELEASED);
    let second = first.clone();
    let third = KrefRef::new(&*second);
    assert_eq!(KrefRef::count(&first), 3);
    assert_eq!(third.value(), 5);
    drop(first);
    drop(second);
    assert_eq!(RELEASED.load(Ordering::SeqCst), 0);
    assert_eq!(KrefRef::count(&third), 1);
    drop(third);
    assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
}

#[test]
fn references_shared_across_threads_release_once() {
    static RELEASED: AtomicUsize = AtomicUsize::new(0);
    let obj = new_obj(9, &RELEASED);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let mine = obj.clone();
            thread::spawn(move || {
                for _ in 0..1000 {
                    let extra = mine.clone();
                    assert_eq!(extra.value(), 9);
                }
            })
        })
        .collect();
    drop(obj);
    workers.into_iter().for_each(join);
    assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
}

#[test]
fn into_raw_and_from_raw_hand_a_reference_over() {
    static RELEASED: AtomicUsize = AtomicUsize::new(0);
    let obj = new_obj(1, &RELEASED);
    let raw = KrefRef::into_raw(obj);
    assert_eq!(RELEASED.load(Ordering::SeqCst), 0);
    // SAFETY: the reference `into_raw` gave up.
    drop(unsafe { KrefRef::from_raw(raw) });
    assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
}

#[test]
fn a_put_too_many_aborts() {
    death_test("a_put_too_many_aborts", "one put too many", || {
        static RELEASED: AtomicUsize = AtomicUsize::new(0);
        let obj = NonNull::from(Box::leak(Box::new(ObjFields {
            kref: kref::new(),
            value: 0,
            released: &RELEASED,
        })))
        .cast::<Obj>();
        unsafe extern "C" fn keep(_: *mut kref) {}
        // SAFETY: none; the second put is the misuse (the object is leaked, so it stays valid).
        unsafe {
            sys::kref_put(Obj::raw_kref(obj), keep);
            sys::kref_put(Obj::raw_kref(obj), keep);
        }
    });
}

/// An entry of a test list.
#[repr(C)]
struct Entry {
    value: u32,
    link: list_head,
}

const LINK: usize = offset_of!(Entry, link);

/// A list head guarded by a spinlock.
struct Queue {
    lock: Shared<spinlock_t>,
    /// Owned (freed on drop) but kept as a raw pointer, not a `Box`: the list links point
    /// back to the head, and moving a `Box` would claim the head exclusively and invalidate
    /// them. Shared mutable, as a C list head is.
    head: *mut list_head,
}

impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: from `Box::into_raw` in `new`, freed once.
        drop(unsafe { Box::from_raw(self.head) });
    }
}

// SAFETY: the list (and the entries linked in it) is only touched with the lock held.
unsafe impl Sync for Queue {}
// SAFETY: as above; the head is owned.
unsafe impl Send for Queue {}

// SAFETY: the lock is an initialised spinlock in `self`, the same on every call; it guards the
// list.
unsafe impl inv::HasLock for Queue {
    type Lock = spinlock_t;
    fn raw_lock(&self) -> *mut spinlock_t {
        ptr::from_ref(&self.lock.lock).cast_mut()
    }
}

impl Queue {
    fn new() -> Queue {
        let head = Box::into_raw(Box::new(list_head {
            next: ptr::null_mut(),
            prev: ptr::null_mut(),
        }));
        // SAFETY: a fresh head, valid for writes.
        unsafe { sys::init_list_head(head) };
        Queue {
            lock: Shared::new(spinlock_t::new()),
            head,
        }
    }

    fn head(&self) -> *mut list_head {
        self.head
    }

    fn values(&self) -> Vec<u32> {
        let guard = SpinLockIrqSaveGuard::lock(self);
        // SAFETY: the head is an initialised list of `Entry`s linked at LINK, guarded by the
        // lock `guard` holds.
        unsafe { list::iter::<Entry, _>(self.head(), LINK, &guard) }
            .map(|entry| entry.value)
            .collect()
    }
}

#[test]
fn list_iteration_yields_the_entries_in_order() {
    let queue = Queue::new();
    let entries: Vec<*mut Entry> = (0..5)
        .map(|value| {
            Box::into_raw(Box::new(Entry {
                value,
                link: list_head {
                    next: ptr::null_mut(),
                    prev: ptr::null_mut(),
                },
            }))
        })
        .collect();
    assert_eq!(queue.values(), Vec::<u32>::new());
    {
        let mut guard = SpinLockGuard::<_>::lock(&queue);
        for &entry in &entries[1..] {
            // SAFETY: a live entry in no list; the guard holds the list's lock.
            unsafe { list::push_back(queue.head(), ptr::addr_of_mut!((*entry).link), &mut guard) };
        }
        let first = entries[0];
        // SAFETY: as above.
        unsafe { list::push_front(queue.head(), ptr::addr_of_mut!((*first).link), &mut guard) };
    }
    assert_eq!(queue.values(), [0, 1, 2, 3, 4]);
    {
        let mut guard = SpinLockGuard::<_>::lock(&queue);
        let middle = entries[2];
        // SAFETY: entry 2 is linked; the guard holds the lock.
        unsafe { list::remove(ptr::addr_of_mut!((*middle).link), &mut guard) };
    }
    assert_eq!(queue.values(), [0, 1, 3, 4]);
    {
        let mut guard = SpinLockGuard::<_>::lock(&queue);
        for (index, &entry) in entries.iter().enumerate() {
            if index != 2 {
                // SAFETY: linked entries; the guard holds the lock.
                unsafe { list::remove(ptr::addr_of_mut!((*entry).link), &mut guard) };
            }
        }
    }
    assert_eq!(queue.values(), Vec::<u32>::new());
    for entry in entries {
        // SAFETY: unlinked boxes, freed once.
        drop(unsafe { Box::from_raw(entry) });
    }
}

#[test]
fn lists_changed_from_another_thread_are_seen_under_the_lock() {
    let queue = Arc::new(Queue::new());
    let adder = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            for value in 0..100 {
                let entry = Box::into_raw(Box::new(Entry {
                    value,
                    link: list_head {
                        next: ptr::null_mut(),
                        prev: ptr::null_mut(),
                    },
                }));
                let mut guard = SpinLockGuard::<_>::lock(&*queue);
                // SAFETY: a live entry in no list; the guard holds the list's lock.
                unsafe {
                    list::push_back(queue.head(), ptr::addr_of_mut!((*entry).link), &mut guard)
                };
            }
        })
    };
    // Every snapshot taken under the lock is a prefix 0..n.
    for _ in 0..50 {
        let values = queue.values();
        assert!(values.iter().copied().eq(0..values.len() as u32));
    }
    join(adder);
    assert_eq!(queue.values().len(), 100);
    // Free the entries as C does: take the first link off the head, unlink it, and go back
    // to its entry with container_of. The link pointers in the list are the ones the adder
    // linked, made from each box's own pointer, so they may free it; the `&Entry`s that
    // `list::iter` yields only allow reading.
    let mut guard = SpinLockGuard::<_>::lock(&*queue);
    let mut freed = 0;
    loop {
        // SAFETY: the head is an initialised list; the guard holds its lock.
        let first = unsafe { (*queue.head()).next };
        if ptr::eq(first, queue.head()) {
            break;
        }
        let entry: *mut Entry = inv::container_of_mut(first, LINK);
        // SAFETY: `first` is the link of a boxed `Entry` in the list; the guard holds the
        // lock; the entry is unlinked before it is freed, once.
        unsafe {
            list::remove(first, &mut guard);
            drop(Box::from_raw(entry));
        }
        freed += 1;
    }
    assert_eq!(freed, 100);
}

#[test]
fn try_new_takes_a_reference_only_while_the_count_is_above_zero() {
    static RELEASED: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn keep(_kref: *mut kref) {}
    let obj = new_obj(3, &RELEASED);
    let more = KrefRef::try_new(&*obj).expect("a live object gives a reference");
    assert_eq!(KrefRef::count(&obj), 2);
    drop(more);
    // A dying object, as a cache walk may meet it: the count is zero, release not yet done.
    let raw = KrefRef::into_raw(obj);
    // SAFETY: `raw` is live and this put gives up the one reference; `keep` frees nothing.
    unsafe { sys::kref_put(Obj::raw_kref(raw), keep) };
    // SAFETY: the object is still allocated (`keep` did not free it).
    assert!(KrefRef::try_new(unsafe { raw.as_ref() }).is_none());
    // SAFETY: the object came from `Box` in `new_obj` (`Obj` is transparent over its fields)
    // and nobody references it.
    drop(unsafe { Box::from_raw(raw.as_ptr().cast::<ObjFields>()) });
    assert_eq!(RELEASED.load(Ordering::SeqCst), 0);
}
