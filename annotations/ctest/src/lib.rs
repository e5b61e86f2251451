//! Test support for `invc-annotations`: the C half of its interop tests
//! (`annotations/tests/c/interop.c`), compiled by `build.rs` against the runtime's kernel
//! headers, and the Rust mirrors of the C structs it shares.
//!
//! It is a crate of its own so that the C code, which calls the host shim's `inv_*` symbols,
//! is linked before the runtime that defines them, and so that it is linked into the tests
//! only, never into the runtime.

use core::ffi::{c_int, c_long};

use inv::sys::{device, kref, list_head, spinlock_t};

/// `struct item` of interop.c: one list entry.
#[repr(C)]
#[derive(Debug)]
pub struct Item {
    /// Its value; the C side builds items 0, 1, 2, ...
    pub value: c_int,
    /// Its link in the bag's list.
    pub node: list_head,
}

/// `struct bag` of interop.c: one object that C and Rust share, lock and all.
#[repr(C)]
#[derive(Debug)]
pub struct Bag {
    /// Guards `items` and `counter`.
    pub lock: spinlock_t,
    /// Counts the bag's references; `c_bag_release` runs at zero.
    pub ref_: kref,
    /// The list of `Item`s, linked through `Item::node`.
    pub items: list_head,
    /// A counter incremented under `lock` from both languages.
    pub counter: c_long,
}

/// `struct c_layout` of interop.c: the C compiler's sizes and offsets.
#[repr(C)]
#[derive(Debug, Default)]
#[allow(missing_docs)] // each field is the size or offset it is named after
pub struct CLayout {
    pub spinlock: usize,
    pub rwlock: usize,
    pub seqlock: usize,
    pub mutex: usize,
    pub rwsem: usize,
    pub kref: usize,
    pub list_head: usize,
    pub rcu_head: usize,
    pub device: usize,
    pub bag: usize,
    pub bag_lock: usize,
    pub bag_ref: usize,
    pub bag_items: usize,
    pub bag_counter: usize,
    pub item: usize,
    pub item_node: usize,
}

unsafe extern "C" {
    /// Fills `out` with the C layouts.
    pub safe fn c_layout(out: &mut CLayout);
    /// How many bags `c_bag_release` has released.
    pub safe fn c_bag_releases() -> c_int;
    /// The bag's release function (for `kref_put`).
    pub fn c_bag_release(kref: *mut kref);
    /// A new bag with items `0..n`, and one reference; null on allocation failure.
    pub safe fn c_bag_new(n: c_int) -> *mut Bag;
    /// Walks the list under the lock with a reference held; the sum, or a negative errno.
    pub fn c_bag_sum(bag: *mut Bag) -> c_long;
    /// Puts one reference.
    pub fn c_bag_put(bag: *mut Bag);
    /// Increments `counter` under the lock, `times` times.
    pub fn c_bag_increment(bag: *mut Bag, times: c_int);
    /// Ends two irqsave sections out of order; the shim aborts.
    pub fn c_irqsave_out_of_order(a: *mut spinlock_t, b: *mut spinlock_t);
    /// Maps, device-reads, unmaps and frees a buffer; bytes read correctly, or -errno.
    pub fn c_dma_roundtrip(dev: *mut device) -> c_int;
    /// Frees a buffer while it is mapped; the shim aborts.
    pub fn c_dma_free_while_mapped(dev: *mut device);
    /// Calls `mutex_lock` under a spinlock; the shim aborts.
    pub safe fn c_sleep_under_spinlock();
}
