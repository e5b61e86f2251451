//! The backend interface: the C types and the `extern "C"` primitives every other module of the
//! runtime is built on.
//!
//! Each function is named here after the kernel function or macro it stands for
//! (`spin_lock_irqsave`, `synchronize_rcu`, `dma_map_single`, ...), and linked to a C symbol
//! with the `inv_` prefix (`inv_spin_lock_irqsave`, ...). The prefix exists because several of
//! the kernel's names are macros or inline functions in C, and because plain names like
//! `synchronize_rcu` or `call_rcu` would clash with userspace RCU libraries. The C headers in
//! `annotations/include/linux/` map the kernel's names onto the same symbols, so C and Rust
//! call one implementation. With the default `host` feature that implementation is
//! [`crate::host`]; a build without it must link another one.
//!
//! The types have the layouts the headers declare; their fields are private because only the
//! primitives below touch them. This module owns no policy: the safe types in the rest of the
//! crate decide what may be called when. A translation that calls these functions directly goes
//! around the wrappers, and `invc check` reports it.

#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_int, c_uint, c_ulong, c_void};
use core::sync::atomic::{AtomicI32, AtomicU32};

/// A bus address a device uses to reach memory (`dma_addr_t`).
pub type dma_addr_t = u64;

/// Allocation flags (`gfp_t`); see [`crate::Gfp`] for the values.
pub type gfp_t = c_uint;

/// The saved interrupt state returned by [`local_irq_save`] and [`spin_lock_irqsave`].
pub type irq_flags_t = c_ulong;

/// The value [`dma_map_single`] returns when it fails (`DMA_MAPPING_ERROR`).
pub const DMA_MAPPING_ERROR: dma_addr_t = !0;

/// `enum dma_data_direction`, with the kernel's values.
pub type dma_data_direction = c_int;
/// `DMA_BIDIRECTIONAL`
pub const DMA_BIDIRECTIONAL: dma_data_direction = 0;
/// `DMA_TO_DEVICE`
pub const DMA_TO_DEVICE: dma_data_direction = 1;
/// `DMA_FROM_DEVICE`
pub const DMA_FROM_DEVICE: dma_data_direction = 2;

/// A spinning lock (`spinlock_t`): the owner's thread token (0 when unlocked) and the
/// lockdep-lite state of the host shim.
#[repr(C)]
#[derive(Debug)]
pub struct spinlock_t {
    pub(crate) owner: AtomicU32,
    pub(crate) dep: AtomicU32,
}

impl spinlock_t {
    /// An unlocked spinlock (`DEFINE_SPINLOCK`, `__SPIN_LOCK_UNLOCKED`).
    pub const fn new() -> Self {
        spinlock_t {
            owner: AtomicU32::new(0),
            dep: AtomicU32::new(0),
        }
    }
}

impl Default for spinlock_t {
    fn default() -> Self {
        Self::new()
    }
}

/// A spinning reader-writer lock (`rwlock_t`): the writer bit and reader count, and the
/// lockdep-lite state.
#[repr(C)]
#[derive(Debug, Default)]
pub struct rwlock_t {
    pub(crate) state: AtomicU32,
    pub(crate) dep: AtomicU32,
}

impl rwlock_t {
    /// An unlocked rwlock (`DEFINE_RWLOCK`).
    pub const fn new() -> Self {
        rwlock_t {
            state: AtomicU32::new(0),
            dep: AtomicU32::new(0),
        }
    }
}

/// A sequence lock (`seqlock_t`): a sequence count, odd while a writer is inside, and the
/// spinlock that serialises writers.
#[repr(C)]
#[derive(Debug, Default)]
pub struct seqlock_t {
    pub(crate) seq: AtomicU32,
    pub(crate) lock: spinlock_t,
}

impl seqlock_t {
    /// An unlocked seqlock (`DEFINE_SEQLOCK`).
    pub const fn new() -> Self {
        seqlock_t {
            seq: AtomicU32::new(0),
            lock: spinlock_t::new(),
        }
    }
}

/// A sleeping lock (`struct mutex`): the owner's thread token (0 when unlocked).
#[repr(C)]
#[derive(Debug, Default)]
pub struct mutex {
    pub(crate) owner: AtomicU32,
    pub(crate) _reserved: AtomicU32,
}

impl mutex {
    /// An unlocked mutex (`DEFINE_MUTEX`).
    pub const fn new() -> Self {
        mutex {
            owner: AtomicU32::new(0),
            _reserved: AtomicU32::new(0),
        }
    }
}

/// A sleeping reader-writer lock (`struct rw_semaphore`): the writer bit and reader count.
#[repr(C)]
#[derive(Debug, Default)]
pub struct rw_semaphore {
    pub(crate) state: AtomicU32,
    pub(crate) _reserved: AtomicU32,
}

impl rw_semaphore {
    /// An unlocked rw_semaphore (`DECLARE_RWSEM`).
    pub const fn new() -> Self {
        rw_semaphore {
            state: AtomicU32::new(0),
            _reserved: AtomicU32::new(0),
        }
    }
}

/// A reference count (`struct kref`, which wraps `refcount_t`, which wraps `atomic_t`).
#[repr(C)]
#[derive(Debug, Default)]
pub struct kref {
    pub(crate) refcount: AtomicI32,
}

impl kref {
    /// A count of one, as after `kref_init`.
    pub const fn new() -> Self {
        kref {
            refcount: AtomicI32::new(1),
        }
    }
}

/// A reference count on its own (`refcount_t`, which wraps `atomic_t`): the object's code
/// decides what happens at zero, instead of a release function in the count.
#[repr(C)]
#[derive(Debug, Default)]
pub struct refcount_t {
    pub(crate) refs: AtomicI32,
}

impl refcount_t {
    /// A count of `n` (`REFCOUNT_INIT(n)`).
    pub const fn new(n: i32) -> Self {
        refcount_t {
            refs: AtomicI32::new(n),
        }
    }
}

/// A link of a circular doubly linked list (`struct list_head`).
#[repr(C)]
#[derive(Debug)]
pub struct list_head {
    /// The next link (the first entry, in a list's head).
    pub next: *mut list_head,
    /// The previous link (the last entry, in a list's head).
    pub prev: *mut list_head,
}

/// The function `call_rcu` runs after a grace period (`rcu_callback_t`).
pub type rcu_callback_t = unsafe extern "C" fn(head: *mut rcu_head);

/// The link `call_rcu` queues (`struct rcu_head`), embedded in the object to be freed.
#[repr(C)]
#[derive(Debug)]
pub struct rcu_head {
    /// Used by the implementation while the callback is queued.
    pub next: *mut rcu_head,
    /// The callback, set by `call_rcu`.
    pub func: Option<rcu_callback_t>,
}

/// A device that does DMA (`struct device`, reduced to what the host shim needs).
#[repr(C)]
#[derive(Debug)]
pub struct device {
    /// Its name, for messages (`init_name`), or null.
    pub init_name: *const c_char,
    /// The driver's data (`dev_get_drvdata`).
    pub driver_data: *mut c_void,
    /// The addresses the device can reach (`dma_mask`); the host shim ignores it.
    pub dma_mask: u64,
}

/// What [`report_leak`] reports.
pub type inv_leak_kind = c_uint;
/// A streaming DMA buffer dropped while the device owned it (`DmaBuf<DeviceOwned>`).
pub const INV_LEAK_DMA_DEVICE_OWNED: inv_leak_kind = 1;
/// An RCU-retired object dropped without waiting for a grace period (`Retired<T>`).
pub const INV_LEAK_RCU_RETIRED: inv_leak_kind = 2;

unsafe extern "C" {
    // --- interrupts and bottom halves (simulated per thread by the host shim) ---

    /// Disables interrupts and returns the previous state (`local_irq_save`).
    #[link_name = "inv_local_irq_save"]
    pub safe fn local_irq_save() -> irq_flags_t;
    /// Restores the state saved by [`local_irq_save`] (`local_irq_restore`).
    ///
    /// # Safety
    /// `flags` come from the matching `local_irq_save`, and no lock taken with interrupts off
    /// since then is still held.
    #[link_name = "inv_local_irq_restore"]
    pub fn local_irq_restore(flags: irq_flags_t);
    /// Disables interrupts (`local_irq_disable`).
    #[link_name = "inv_local_irq_disable"]
    pub safe fn local_irq_disable();
    /// Enables interrupts (`local_irq_enable`).
    ///
    /// # Safety
    /// No lock that must be held with interrupts off is held.
    #[link_name = "inv_local_irq_enable"]
    pub fn local_irq_enable();
    /// Whether interrupts are disabled on this CPU (`irqs_disabled`).
    #[link_name = "inv_irqs_disabled"]
    pub safe fn irqs_disabled() -> bool;
    /// Disables interrupts, counting nested calls; the outermost call saves the state (no
    /// kernel name: this is the primitive the Rust irq guards use, see the #998 note in
    /// [`crate::lock`]).
    #[link_name = "inv_irq_nest_disable"]
    pub safe fn irq_nest_disable();
    /// Ends one [`irq_nest_disable`]; the last one restores the state the first one saved.
    ///
    /// # Safety
    /// Matches an earlier `irq_nest_disable` on this CPU.
    #[link_name = "inv_irq_nest_enable"]
    pub fn irq_nest_enable();
    /// Disables bottom halves (`local_bh_disable`); nests.
    #[link_name = "inv_local_bh_disable"]
    pub safe fn local_bh_disable();
    /// Ends one [`local_bh_disable`] (`local_bh_enable`).
    ///
    /// # Safety
    /// Matches an earlier `local_bh_disable` on this CPU.
    #[link_name = "inv_local_bh_enable"]
    pub fn local_bh_enable();
    /// Reports a bug if the caller may not sleep here (`might_sleep`).
    #[link_name = "inv_might_sleep"]
    pub safe fn might_sleep();

    // --- spinlock_t ---

    /// Initialises an unlocked spinlock (`spin_lock_init`).
    ///
    /// # Safety
    /// `lock` is valid for writes and not in use.
    #[link_name = "inv_spin_lock_init"]
    pub fn spin_lock_init(lock: *mut spinlock_t);
    /// Takes the lock, spinning (`spin_lock`).
    ///
    /// # Safety
    /// `lock` points to an initialised spinlock that stays valid until it is unlocked.
    #[link_name = "inv_spin_lock"]
    pub fn spin_lock(lock: *mut spinlock_t);
    /// Tries to take the lock once (`spin_trylock`).
    ///
    /// # Safety
    /// As [`spin_lock`].
    #[link_name = "inv_spin_trylock"]
    pub fn spin_trylock(lock: *mut spinlock_t) -> bool;
    /// Releases the lock (`spin_unlock`).
    ///
    /// # Safety
    /// The caller holds `lock`.
    #[link_name = "inv_spin_unlock"]
    pub fn spin_unlock(lock: *mut spinlock_t);
    /// Disables interrupts and takes the lock (`spin_lock_irq`).
    ///
    /// # Safety
    /// As [`spin_lock`]; interrupts are enabled.
    #[link_name = "inv_spin_lock_irq"]
    pub fn spin_lock_irq(lock: *mut spinlock_t);
    /// Releases the lock and enables interrupts (`spin_unlock_irq`).
    ///
    /// # Safety
    /// The caller holds `lock`, taken with [`spin_lock_irq`].
    #[link_name = "inv_spin_unlock_irq"]
    pub fn spin_unlock_irq(lock: *mut spinlock_t);
    /// Saves the interrupt state, disables interrupts and takes the lock
    /// (`spin_lock_irqsave(lock, flags)`, which in C assigns `flags`).
    ///
    /// # Safety
    /// As [`spin_lock`].
    #[link_name = "inv_spin_lock_irqsave"]
    pub fn spin_lock_irqsave(lock: *mut spinlock_t) -> irq_flags_t;
    /// Releases the lock and restores the saved interrupt state (`spin_unlock_irqrestore`).
    ///
    /// # Safety
    /// The caller holds `lock`; `flags` come from the matching [`spin_lock_irqsave`].
    #[link_name = "inv_spin_unlock_irqrestore"]
    pub fn spin_unlock_irqrestore(lock: *mut spinlock_t, flags: irq_flags_t);
    /// Disables bottom halves and takes the lock (`spin_lock_bh`).
    ///
    /// # Safety
    /// As [`spin_lock`].
    #[link_name = "inv_spin_lock_bh"]
    pub fn spin_lock_bh(lock: *mut spinlock_t);
    /// Releases the lock and enables bottom halves (`spin_unlock_bh`).
    ///
    /// # Safety
    /// The caller holds `lock`, taken with [`spin_lock_bh`].
    #[link_name = "inv_spin_unlock_bh"]
    pub fn spin_unlock_bh(lock: *mut spinlock_t);
    /// Whether the lock is held by anyone (`spin_is_locked`).
    ///
    /// # Safety
    /// `lock` points to an initialised spinlock.
    #[link_name = "inv_spin_is_locked"]
    pub fn spin_is_locked(lock: *mut spinlock_t) -> bool;

    // --- rwlock_t (the irq and bh variants are compositions, in C and in Rust) ---

    /// Initialises an unlocked rwlock (`rwlock_init`).
    ///
    /// # Safety
    /// `lock` is valid for writes and not in use.
    #[link_name = "inv_rwlock_init"]
    pub fn rwlock_init(lock: *mut rwlock_t);
    /// Takes the lock shared (`read_lock`).
    ///
    /// # Safety
    /// `lock` points to an initialised rwlock that stays valid until it is unlocked.
    #[link_name = "inv_read_lock"]
    pub fn read_lock(lock: *mut rwlock_t);
    /// Releases a shared hold (`read_unlock`).
    ///
    /// # Safety
    /// The caller holds `lock` shared.
    #[link_name = "inv_read_unlock"]
    pub fn read_unlock(lock: *mut rwlock_t);
    /// Takes the lock exclusive (`write_lock`).
    ///
    /// # Safety
    /// As [`read_lock`].
    #[link_name = "inv_write_lock"]
    pub fn write_lock(lock: *mut rwlock_t);
    /// Releases an exclusive hold (`write_unlock`).
    ///
    /// # Safety
    /// The caller holds `lock` exclusive.
    #[link_name = "inv_write_unlock"]
    pub fn write_unlock(lock: *mut rwlock_t);

    // --- seqlock_t ---

    /// Initialises a seqlock (`seqlock_init`).
    ///
    /// # Safety
    /// `lock` is valid for writes and not in use.
    #[link_name = "inv_seqlock_init"]
    pub fn seqlock_init(lock: *mut seqlock_t);
    /// Takes the writer lock and makes the count odd (`write_seqlock`).
    ///
    /// # Safety
    /// `lock` points to an initialised seqlock that stays valid until it is unlocked.
    #[link_name = "inv_write_seqlock"]
    pub fn write_seqlock(lock: *mut seqlock_t);
    /// Makes the count even and releases the writer lock (`write_sequnlock`).
    ///
    /// # Safety
    /// The caller holds the writer lock.
    #[link_name = "inv_write_sequnlock"]
    pub fn write_sequnlock(lock: *mut seqlock_t);
    /// Waits for no writer and returns the count a read section starts at (`read_seqbegin`).
    ///
    /// # Safety
    /// `lock` points to an initialised seqlock.
    #[link_name = "inv_read_seqbegin"]
    pub fn read_seqbegin(lock: *const seqlock_t) -> c_uint;
    /// Whether a read section that began at `start` must be retried (`read_seqretry`).
    ///
    /// # Safety
    /// `lock` points to an initialised seqlock.
    #[link_name = "inv_read_seqretry"]
    pub fn read_seqretry(lock: *const seqlock_t, start: c_uint) -> bool;

    // --- struct mutex ---

    /// Initialises an unlocked mutex (`mutex_init`).
    ///
    /// # Safety
    /// `lock` is valid for writes and not in use.
    #[link_name = "inv_mutex_init"]
    pub fn mutex_init(lock: *mut mutex);
    /// Takes the mutex, sleeping while it is held elsewhere (`mutex_lock`).
    ///
    /// # Safety
    /// `lock` points to an initialised mutex that stays valid until it is unlocked.
    #[link_name = "inv_mutex_lock"]
    pub fn mutex_lock(lock: *mut mutex);
    /// Tries to take the mutex once (`mutex_trylock`).
    ///
    /// # Safety
    /// As [`mutex_lock`].
    #[link_name = "inv_mutex_trylock"]
    pub fn mutex_trylock(lock: *mut mutex) -> bool;
    /// Releases the mutex (`mutex_unlock`).
    ///
    /// # Safety
    /// The calling thread holds `lock`.
    #[link_name = "inv_mutex_unlock"]
    pub fn mutex_unlock(lock: *mut mutex);
    /// Whether the mutex is held by anyone (`mutex_is_locked`).
    ///
    /// # Safety
    /// `lock` points to an initialised mutex.
    #[link_name = "inv_mutex_is_locked"]
    pub fn mutex_is_locked(lock: *mut mutex) -> bool;

    // --- struct rw_semaphore ---

    /// Initialises an rw_semaphore (`init_rwsem`).
    ///
    /// # Safety
    /// `sem` is valid for writes and not in use.
    #[link_name = "inv_init_rwsem"]
    pub fn init_rwsem(sem: *mut rw_semaphore);
    /// Takes the semaphore shared, sleeping (`down_read`).
    ///
    /// # Safety
    /// `sem` points to an initialised rw_semaphore that stays valid until released.
    #[link_name = "inv_down_read"]
    pub fn down_read(sem: *mut rw_semaphore);
    /// Releases a shared hold (`up_read`).
    ///
    /// # Safety
    /// The caller holds `sem` shared.
    #[link_name = "inv_up_read"]
    pub fn up_read(sem: *mut rw_semaphore);
    /// Takes the semaphore exclusive, sleeping (`down_write`).
    ///
    /// # Safety
    /// As [`down_read`].
    #[link_name = "inv_down_write"]
    pub fn down_write(sem: *mut rw_semaphore);
    /// Releases an exclusive hold (`up_write`).
    ///
    /// # Safety
    /// The caller holds `sem` exclusive.
    #[link_name = "inv_up_write"]
    pub fn up_write(sem: *mut rw_semaphore);

    // --- RCU ---

    /// Enters a read section (`rcu_read_lock`); nests.
    #[link_name = "inv_rcu_read_lock"]
    pub safe fn rcu_read_lock();
    /// Leaves a read section (`rcu_read_unlock`).
    ///
    /// # Safety
    /// Matches an earlier `rcu_read_lock` on this thread; no reference obtained inside the
    /// section is used after it.
    #[link_name = "inv_rcu_read_unlock"]
    pub fn rcu_read_unlock();
    /// Whether this thread is inside a read section (`rcu_read_lock_held`).
    #[link_name = "inv_rcu_read_lock_held"]
    pub safe fn rcu_read_lock_held() -> bool;
    /// Waits until every read section that started before the call has ended
    /// (`synchronize_rcu`). Sleeps.
    #[link_name = "inv_synchronize_rcu"]
    pub safe fn synchronize_rcu();
    /// Runs `func(head)` after a grace period (`call_rcu`).
    ///
    /// # Safety
    /// `head` is valid until `func` runs, and is not queued already.
    #[link_name = "inv_call_rcu"]
    pub fn call_rcu(head: *mut rcu_head, func: rcu_callback_t);
    /// Frees a `kmalloc` allocation after a grace period (`kfree_rcu`, whose second argument
    /// C drops).
    ///
    /// # Safety
    /// `ptr` was returned by [`kmalloc`] and is freed by nothing else.
    #[link_name = "inv_kfree_rcu"]
    pub fn kfree_rcu(ptr: *const c_void);
    /// Waits until every callback queued by `call_rcu` or `kfree_rcu` before the call has run
    /// (`rcu_barrier`). Sleeps.
    #[link_name = "inv_rcu_barrier"]
    pub safe fn rcu_barrier();

    // --- kref ---

    /// Sets the count to one (`kref_init`).
    ///
    /// # Safety
    /// `kref` is valid for writes.
    #[link_name = "inv_kref_init"]
    pub fn kref_init(kref: *mut kref);
    /// Takes a reference (`kref_get`).
    ///
    /// # Safety
    /// `kref` is valid and the caller already holds a reference.
    #[link_name = "inv_kref_get"]
    pub fn kref_get(kref: *mut kref);
    /// Takes a reference unless the count is zero (`kref_get_unless_zero`); returns nonzero on
    /// success.
    ///
    /// # Safety
    /// `kref` is valid (for example, protected by RCU or a lookup lock).
    #[link_name = "inv_kref_get_unless_zero"]
    pub fn kref_get_unless_zero(kref: *mut kref) -> c_int;
    /// Drops a reference; at zero calls `release(kref)` and returns 1 (`kref_put`).
    ///
    /// # Safety
    /// The caller holds the reference it drops; `release` frees the object holding `kref`.
    #[link_name = "inv_kref_put"]
    pub fn kref_put(kref: *mut kref, release: unsafe extern "C" fn(*mut kref)) -> c_int;
    /// The current count (`kref_read`).
    ///
    /// # Safety
    /// `kref` is valid.
    #[link_name = "inv_kref_read"]
    pub fn kref_read(kref: *const kref) -> c_uint;

    // --- refcount_t ---

    /// Sets the count to `n` (`refcount_set`).
    ///
    /// # Safety
    /// `r` is valid for writes, and nobody else uses the count yet.
    #[link_name = "inv_refcount_set"]
    pub fn refcount_set(r: *mut refcount_t, n: c_int);
    /// Takes a reference (`refcount_inc`).
    ///
    /// # Safety
    /// `r` is valid and the caller already holds a reference.
    #[link_name = "inv_refcount_inc"]
    pub fn refcount_inc(r: *mut refcount_t);
    /// Takes a reference unless the count is zero (`refcount_inc_not_zero`).
    ///
    /// # Safety
    /// `r` is valid (for example, protected by RCU or a lookup lock).
    #[link_name = "inv_refcount_inc_not_zero"]
    pub fn refcount_inc_not_zero(r: *mut refcount_t) -> bool;
    /// Drops a reference; true when it was the last one, whose holder must now free the
    /// object (`refcount_dec_and_test`).
    ///
    /// # Safety
    /// The caller holds the reference it drops.
    #[link_name = "inv_refcount_dec_and_test"]
    pub fn refcount_dec_and_test(r: *mut refcount_t) -> bool;
    /// The current count (`refcount_read`).
    ///
    /// # Safety
    /// `r` is valid.
    #[link_name = "inv_refcount_read"]
    pub fn refcount_read(r: *const refcount_t) -> c_uint;

    // --- memory ---

    /// Allocates `size` bytes (`kmalloc`); null on failure.
    ///
    /// # Safety
    /// With a sleeping `flags` (`GFP_KERNEL`), the caller may sleep.
    #[link_name = "inv_kmalloc"]
    pub fn kmalloc(size: usize, flags: gfp_t) -> *mut c_void;
    /// Allocates `size` zeroed bytes (`kzalloc`).
    ///
    /// # Safety
    /// As [`kmalloc`].
    #[link_name = "inv_kzalloc"]
    pub fn kzalloc(size: usize, flags: gfp_t) -> *mut c_void;
    /// Allocates a zeroed array of `n` elements of `size` bytes (`kcalloc`); null on failure or
    /// overflow.
    ///
    /// # Safety
    /// As [`kmalloc`].
    #[link_name = "inv_kcalloc"]
    pub fn kcalloc(n: usize, size: usize, flags: gfp_t) -> *mut c_void;
    /// Frees a `kmalloc` allocation; null is ignored (`kfree`).
    ///
    /// # Safety
    /// `ptr` was returned by `kmalloc`, `kzalloc` or `kcalloc`, is not freed yet, is not
    /// used afterwards, and no device owns it.
    #[link_name = "inv_kfree"]
    pub fn kfree(ptr: *const c_void);

    // --- DMA ---

    /// Hands `size` bytes at `ptr` to the device and returns their bus address
    /// (`dma_map_single`); [`DMA_MAPPING_ERROR`] on failure.
    ///
    /// # Safety
    /// `dev` is a valid device; `ptr..ptr+size` lies in one `kmalloc` allocation, which the CPU
    /// does not touch until it is unmapped.
    #[link_name = "inv_dma_map_single"]
    pub fn dma_map_single(
        dev: *mut device,
        ptr: *mut c_void,
        size: usize,
        dir: dma_data_direction,
    ) -> dma_addr_t;
    /// Whether `addr` is the failure value of a map (`dma_mapping_error`); nonzero if so.
    ///
    /// # Safety
    /// `dev` is a valid device.
    #[link_name = "inv_dma_mapping_error"]
    pub fn dma_mapping_error(dev: *mut device, addr: dma_addr_t) -> c_int;
    /// Gives a mapped buffer back to the CPU (`dma_unmap_single`).
    ///
    /// # Safety
    /// `addr`, `size` and `dir` are those of a live mapping on `dev`, and the device has
    /// finished with it.
    #[link_name = "inv_dma_unmap_single"]
    pub fn dma_unmap_single(
        dev: *mut device,
        addr: dma_addr_t,
        size: usize,
        dir: dma_data_direction,
    );
    /// Lends a mapped buffer to the CPU without unmapping it (`dma_sync_single_for_cpu`).
    ///
    /// # Safety
    /// As [`dma_unmap_single`].
    #[link_name = "inv_dma_sync_single_for_cpu"]
    pub fn dma_sync_single_for_cpu(
        dev: *mut device,
        addr: dma_addr_t,
        size: usize,
        dir: dma_data_direction,
    );
    /// Gives a buffer lent with `dma_sync_single_for_cpu` back to the device
    /// (`dma_sync_single_for_device`).
    ///
    /// # Safety
    /// As [`dma_unmap_single`]; the CPU no longer touches the buffer.
    #[link_name = "inv_dma_sync_single_for_device"]
    pub fn dma_sync_single_for_device(
        dev: *mut device,
        addr: dma_addr_t,
        size: usize,
        dir: dma_data_direction,
    );
    /// Allocates zeroed memory shared with the device (`dma_alloc_coherent`), writing its bus
    /// address to `handle`; null on failure.
    ///
    /// # Safety
    /// `dev` is a valid device; `handle` is valid for writes.
    #[link_name = "inv_dma_alloc_coherent"]
    pub fn dma_alloc_coherent(
        dev: *mut device,
        size: usize,
        handle: *mut dma_addr_t,
        flags: gfp_t,
    ) -> *mut c_void;
    /// Frees memory from [`dma_alloc_coherent`] (`dma_free_coherent`).
    ///
    /// # Safety
    /// The arguments are those of a live coherent allocation on `dev`, which is not used
    /// afterwards.
    #[link_name = "inv_dma_free_coherent"]
    pub fn dma_free_coherent(dev: *mut device, size: usize, cpu: *mut c_void, handle: dma_addr_t);
    /// Reports a bug if any of `ptr..ptr+len` is owned by a device (no kernel name: the
    /// runtime's CPU accessors call it; the kernel backend makes it a no-op). The pointer is
    /// only compared, never read.
    #[link_name = "inv_dma_assert_cpu_owned"]
    pub safe fn dma_assert_cpu_owned(ptr: *const c_void, len: usize);

    // --- list_head ---

    /// Makes `list` an empty list (`INIT_LIST_HEAD`).
    ///
    /// # Safety
    /// `list` is valid for writes.
    #[link_name = "inv_init_list_head"]
    pub fn init_list_head(list: *mut list_head);
    /// Inserts `new` after `head` (`list_add`).
    ///
    /// # Safety
    /// `head` is in a valid list, `new` is valid and in no list; the list's lock is held.
    #[link_name = "inv_list_add"]
    pub fn list_add(new: *mut list_head, head: *mut list_head);
    /// Inserts `new` before `head`, at the list's tail (`list_add_tail`).
    ///
    /// # Safety
    /// As [`list_add`].
    #[link_name = "inv_list_add_tail"]
    pub fn list_add_tail(new: *mut list_head, head: *mut list_head);
    /// Unlinks `entry`, leaving its links null (`list_del`).
    ///
    /// # Safety
    /// `entry` is in a valid list whose lock is held.
    #[link_name = "inv_list_del"]
    pub fn list_del(entry: *mut list_head);
    /// Unlinks `entry` and makes it an empty list (`list_del_init`).
    ///
    /// # Safety
    /// As [`list_del`].
    #[link_name = "inv_list_del_init"]
    pub fn list_del_init(entry: *mut list_head);
    /// Whether the list is empty (`list_empty`).
    ///
    /// # Safety
    /// `head` is a valid list.
    #[link_name = "inv_list_empty"]
    pub fn list_empty(head: *const list_head) -> bool;

    // --- reports ---

    /// Reports something the runtime leaked on purpose rather than free unsafely: `kind` is one
    /// of the `INV_LEAK_*` values, `addr` and `size` what was leaked. The pointer is only
    /// printed and recorded, never read.
    #[link_name = "inv_report_leak"]
    pub safe fn report_leak(kind: inv_leak_kind, addr: *const c_void, size: usize);
}
