//! The generated wrappers of vnet.inv at run time, over the host shim's primitives.

use vnet_example::{RingIdx, VnetQueue, raw};

/// A `struct vnet_queue` as C would set it up: zeroed, lock initialised, size set.
fn new_queue(size: u32) -> Box<raw::vnet_queue> {
    // SAFETY: all-zero bytes are a valid `struct vnet_queue` (integers, null pointers, an
    // unlocked shim spinlock).
    let mut q: Box<raw::vnet_queue> = Box::new(unsafe { std::mem::zeroed() });
    // SAFETY: the lock field is valid for writes; the shim's spinlock_t is its layout
    // (the generated crate asserts it at compile time).
    unsafe { inv::sys::spin_lock_init((&raw mut q.lock).cast()) };
    q.size = size;
    q
}

#[test]
fn threads_contending_through_the_guard_lose_no_update() {
    let mut raw = new_queue(1_000_000);
    // SAFETY: `raw` outlives the wrapper, and only the wrapper touches it from here on.
    let q: &VnetQueue = unsafe { VnetQueue::from_raw(&mut *raw) };
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..5_000 {
                    let mut g = q.lock_irqsave();
                    let n = g.num_free();
                    std::hint::spin_loop();
                    g.set_num_free(n + 1);
                }
            });
        }
    });
    assert_eq!(q.lock_irqsave().num_free(), 20_000);
}

#[test]
fn a_broken_invariant_panics_on_release_naming_the_spec_line() {
    let mut raw = new_queue(8);
    // SAFETY: as above.
    let q: &VnetQueue = unsafe { VnetQueue::from_raw(&mut *raw) };
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut g = q.lock_irqsave();
        g.set_num_free(9);
    }))
    .expect_err("num_free > size must be caught when the lock is released");
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert_eq!(
        message,
        "invariant `num_free <= size` (vnet.inv:12) violated"
    );
    // The lock was released although the check panicked, and a repaired state passes.
    let mut g = q.lock_irqsave();
    g.set_num_free(8);
    drop(g);
    assert_eq!(q.lock_irqsave().num_free(), 8);
}

#[test]
fn newtypes_admit_only_values_that_keep_their_constraint() {
    assert_eq!(RingIdx::new(255).map(RingIdx::get), Some(255));
    assert_eq!(RingIdx::new(256), None);
    let error = RingIdx::try_from(300).unwrap_err();
    assert_eq!(
        error.to_string(),
        "value breaks `value < VNET_RING_SIZE` of newtype `RingIdx` (vnet.inv:5)"
    );
    let mut raw = new_queue(256);
    // SAFETY: as above.
    let q: &VnetQueue = unsafe { VnetQueue::from_raw(&mut *raw) };
    let mut g = q.lock_irqsave();
    g.set_free_head(RingIdx::new(17).unwrap());
    assert_eq!(g.free_head().get(), 17);
}

#[test]
fn readonly_and_lockless_fields_have_the_accessors_the_spec_allows() {
    let mut raw = new_queue(64);
    raw.index = 3;
    // SAFETY: as above.
    let q: &VnetQueue = unsafe { VnetQueue::from_raw(&mut *raw) };
    assert_eq!((q.size(), q.index()), (64, 3));
    q.set_broken(1);
    assert_eq!(q.broken(), 1);
}

#[test]
fn the_embedded_virtqueue_gives_its_queue_back() {
    let mut raw = new_queue(64);
    // SAFETY: as above.
    let q: &VnetQueue = unsafe { VnetQueue::from_raw(&mut *raw) };
    let vq = q.vq();
    assert!(std::ptr::eq(VnetQueue::from_vq(vq), q));
}
