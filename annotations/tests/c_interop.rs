//! C and Rust over one shim: a C file (tests/c/interop.c, compiled by the `ctest` crate against
//! include/) shares structs, a spinlock, a kref and a list with Rust.

mod common;

use std::cell::UnsafeCell;
use std::mem::{offset_of, size_of};
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::thread;

use common::{death_test, join};
use inv::host::test_device;
use inv::sys::{
    self, device, kref, list_head, mutex, rcu_head, rw_semaphore, rwlock_t, seqlock_t, spinlock_t,
};
use inv::{HasLock, KrefRef, Refcounted, SpinLockGuard, SpinLockIrqSaveGuard, list};
use inv_ctest::{Bag, CLayout, Item};

#[test]
fn c_and_rust_agree_on_every_layout() {
    let mut c = CLayout::default();
    inv_ctest::c_layout(&mut c);
    assert_eq!(c.spinlock, size_of::<spinlock_t>());
    assert_eq!(c.rwlock, size_of::<rwlock_t>());
    assert_eq!(c.seqlock, size_of::<seqlock_t>());
    assert_eq!(c.mutex, size_of::<mutex>());
    assert_eq!(c.rwsem, size_of::<rw_semaphore>());
    assert_eq!(c.kref, size_of::<kref>());
    assert_eq!(c.list_head, size_of::<list_head>());
    assert_eq!(c.rcu_head, size_of::<rcu_head>());
    assert_eq!(c.device, size_of::<device>());
    assert_eq!(c.bag, size_of::<Bag>());
    assert_eq!(c.bag_lock, offset_of!(Bag, lock));
    assert_eq!(c.bag_ref, offset_of!(Bag, ref_));
    assert_eq!(c.bag_items, offset_of!(Bag, items));
    assert_eq!(c.bag_counter, offset_of!(Bag, counter));
    assert_eq!(c.item, size_of::<Item>());
    assert_eq!(c.item_node, offset_of!(Item, node));
}

/// Rust's view of a C bag: the owner its lock and refcount wrappers need. Interior mutable as
/// a whole, as C changes it behind shared references and `Refcounted` requires.
#[repr(transparent)]
struct BagRef(UnsafeCell<Bag>);

// SAFETY: the bag's fields are only touched under its lock, or atomically (kref).
unsafe impl Sync for BagRef {}
// SAFETY: as above.
unsafe impl Send for BagRef {}

// SAFETY: `lock` is the bag's initialised spinlock; it guards `items` and `counter`.
unsafe impl HasLock for BagRef {
    type Lock = spinlock_t;
    fn raw_lock(&self) -> *mut spinlock_t {
        // SAFETY: a place projection through the bag's own pointer.
        unsafe { ptr::addr_of_mut!((*self.raw()).lock) }
    }
}

// SAFETY: `ref_` is the bag's kref, and `c_bag_release` frees exactly the bag (and its items).
unsafe impl Refcounted for BagRef {
    const RELEASE: unsafe extern "C" fn(*mut kref) = inv_ctest::c_bag_release;
    unsafe fn raw_kref(this: NonNull<Self>) -> *mut kref {
        // SAFETY: `this` points to a live bag (the caller's contract); BagRef is transparent.
        unsafe { ptr::addr_of_mut!((*this.as_ptr().cast::<Bag>()).ref_) }
    }
}

fn new_bag(items: i32) -> KrefRef<BagRef> {
    let bag = NonNull::new(inv_ctest::c_bag_new(items)).expect("allocated");
    // SAFETY: a fresh bag whose one reference is handed over; BagRef is transparent.
    unsafe { KrefRef::from_raw(bag.cast::<BagRef>()) }
}

impl BagRef {
    fn raw(&self) -> *mut Bag {
        self.0.get()
    }

    fn counter(guard: &SpinLockGuard<'_, BagRef>) -> i64 {
        // SAFETY: the guard holds the bag's lock, which guards `counter`.
        unsafe { ptr::addr_of!((*guard.owner().raw()).counter).read() }
    }

    fn set_counter(guard: &mut SpinLockGuard<'_, BagRef>, value: i64) {
        // SAFETY: the guard holds the bag's lock exclusively.
        unsafe { ptr::addr_of_mut!((*guard.owner().raw()).counter).write(value) }
    }
}

#[test]
fn c_takes_the_lock_and_a_reference_and_walks_the_list_rust_walks_it_too() {
    let releases = inv_ctest::c_bag_releases();
    let bag = new_bag(6);
    // C: kref_get, spin_lock_irqsave, list_for_each_entry, unlock, kref_put.
    // SAFETY: a live bag (the KrefRef's reference).
    let sum = unsafe { inv_ctest::c_bag_sum(bag.raw()) };
    assert_eq!(
        sum, 15,
        "C saw the items out of order, or without interrupts off"
    );
    assert_eq!(KrefRef::count(&bag), 1, "C's get and put balance");
    assert!(!sys::irqs_disabled());

    // Rust walks the list C built, under the same lock.
    let values: Vec<i32> = {
        let guard = SpinLockIrqSaveGuard::lock(&*bag);
        // SAFETY: a place projection through the bag's own pointer.
        let head = unsafe { ptr::addr_of!((*guard.owner().raw()).items) };
        // SAFETY: a list of C `struct item`s linked through `node`, guarded by the lock held.
        unsafe { list::iter::<Item, _>(head, offset_of!(Item, node), &guard) }
            .map(|item| item.value)
            .collect()
    };
    assert_eq!(values, [0, 1, 2, 3, 4, 5]);

    // The last reference, put from Rust, runs C's release.
    let other = bag.clone();
    drop(bag);
    assert_eq!(inv_ctest::c_bag_releases(), releases);
    drop(other);
    assert!(inv_ctest::c_bag_releases() > releases);
}

#[test]
fn c_and_rust_threads_contend_on_one_lock_and_lose_no_increment() {
    const ROUNDS: i32 = 2000;
    let bag = Arc::new(new_bag(0));
    let mut workers = Vec::new();
    for language in ["c", "rust", "c", "rust"] {
        let bag = Arc::clone(&bag);
        workers.push(thread::spawn(move || {
            if language == "c" {
                // SAFETY: a live bag (the KrefRef in the Arc).
                unsafe { inv_ctest::c_bag_increment(bag.raw(), ROUNDS) };
            } else {
                for round in 0..ROUNDS {
                    let mut guard = SpinLockGuard::<_>::lock(&**bag);
                    let value = BagRef::counter(&guard);
                    if round % 8 == 0 {
                        thread::yield_now();
                    }
                    BagRef::set_counter(&mut guard, value + 1);
                }
            }
        }));
    }
    workers.into_iter().for_each(join);
    let guard = SpinLockGuard::<_>::lock(&**bag);
    assert_eq!(BagRef::counter(&guard), 4 * i64::from(ROUNDS));
}

#[test]
fn c_maps_and_unmaps_through_the_same_tracker() {
    let dev = test_device(c"cdev0");
    // SAFETY: a valid device.
    assert_eq!(unsafe { inv_ctest::c_dma_roundtrip(dev.as_raw()) }, 64);
}

#[test]
fn c_ending_irqsave_sections_out_of_order_aborts() {
    death_test(
        "c_ending_irqsave_sections_out_of_order_aborts",
        "Rust-for-Linux issue #998",
        || {
            let (a, b) = (spinlock_t::new(), spinlock_t::new());
            // SAFETY: valid locks; the out-of-order restore inside is the misuse.
            unsafe {
                inv_ctest::c_irqsave_out_of_order(
                    ptr::from_ref(&a).cast_mut(),
                    ptr::from_ref(&b).cast_mut(),
                )
            };
        },
    );
}

#[test]
fn c_freeing_a_mapped_buffer_aborts() {
    death_test(
        "c_freeing_a_mapped_buffer_aborts",
        "of a buffer the device owns: 32 bytes at",
        || {
            let dev = test_device(c"cdev1");
            // SAFETY: a valid device; the kfree inside is the misuse.
            unsafe { inv_ctest::c_dma_free_while_mapped(dev.as_raw()) };
        },
    );
}

#[test]
fn c_sleeping_under_a_spinlock_aborts() {
    death_test(
        "c_sleeping_under_a_spinlock_aborts",
        "sleeping function mutex_lock called from invalid context",
        || inv_ctest::c_sleep_under_spinlock(),
    );
}
