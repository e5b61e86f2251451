//! The generated wrappers of vnet.inv at run time, over the host shim's primitives.

use vnet_example::{RingIdx, VnetQueue, VnetQueueRef, raw};

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
    // `macro to_vnet_queue(vq) = container_of(vq, struct vnet_queue, vq)` is the same, by name.
    assert!(std::ptr::eq(vnet_inv::to_vnet_queue(vq), q));
}

static OPS_A: raw::vnet_ops = raw::vnet_ops { kick: None };
static OPS_B: raw::vnet_ops = raw::vnet_ops { kick: None };

#[test]
fn rcu_readers_see_what_the_lock_holder_publishes() {
    let mut raw = new_queue(64);
    // SAFETY: as above.
    let q: &VnetQueue = unsafe { VnetQueue::from_raw(&mut *raw) };
    {
        let rcu = inv::RcuReadGuard::new();
        assert!(q.ops(&rcu).is_none());
    }
    let old = q.lock_irqsave().replace_ops(&OPS_A);
    assert!(old.is_none());
    let rcu = inv::RcuReadGuard::new();
    assert!(std::ptr::eq(q.ops(&rcu).unwrap(), &OPS_A));
    drop(rcu);
    let old = q.lock_irqsave().replace_ops(&OPS_B).unwrap();
    assert_eq!(old.as_ptr().cast_const(), &raw const OPS_A);
    // A static table is never freed: waiting for the grace period and doing nothing is the
    // honest way to let it go.
    old.synchronize_and_free(|_| {});
}

#[test]
fn an_rcu_reader_never_sees_its_object_freed_before_the_grace_period_ends() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;

    // `ops` first, so a pointer to it is a pointer to the whole.
    #[repr(C)]
    struct Tracked {
        #[allow(dead_code)] // reached through the published pointer, not by name
        ops: raw::vnet_ops,
        freed: &'static AtomicBool,
    }
    let freed: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
    let first = Box::into_raw(Box::new(Tracked {
        ops: raw::vnet_ops { kick: None },
        freed,
    }));
    let mut raw = new_queue(64);
    // SAFETY: as above.
    let q: &VnetQueue = unsafe { VnetQueue::from_raw(&mut *raw) };
    // SAFETY: `first` is a live allocation whose first field is the `vnet_ops`, owned by the
    // field from now on and freed below only through the `Retired`.
    let none = unsafe { q.lock_irqsave().replace_ops_raw(first.cast()) };
    assert!(none.is_none());
    let (inside, reader_inside) = mpsc::channel();
    let (done, reader_done) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || {
            let rcu = inv::RcuReadGuard::new();
            let ops = q.ops(&rcu).unwrap();
            inside.send(()).unwrap();
            // The writer replaces and retires the object meanwhile; it must still be here.
            let _ = reader_done.recv_timeout(std::time::Duration::from_millis(200));
            // SAFETY: `ops` is the first field of a `Tracked` (see above).
            let tracked = unsafe { &*std::ptr::from_ref(ops).cast::<Tracked>() };
            assert!(
                !tracked.freed.load(Ordering::SeqCst),
                "freed under a reader"
            );
        });
        reader_inside.recv().unwrap();
        let retired = q.lock_irqsave().replace_ops(&OPS_A).unwrap();
        done.send(()).unwrap();
        retired.synchronize_and_free(|p| {
            let tracked = p.as_ptr().cast::<Tracked>();
            // SAFETY: the grace period is over, so no reader holds it; it came from `Box`.
            unsafe {
                (*tracked).freed.store(true, Ordering::SeqCst);
                drop(Box::from_raw(tracked));
            }
        });
    });
    assert!(freed.load(Ordering::SeqCst));
}

#[test]
fn the_pending_list_is_walked_and_changed_only_under_the_lock() {
    let q = vnet_example::vnet_queue_alloc(64);
    // SAFETY: `q` is a live queue, used only through the wrapper until released.
    let queue: &VnetQueue = unsafe { VnetQueue::from_raw(q) };
    // SAFETY: all-zero requests are valid; they outlive their time on the list.
    let mut reqs: Vec<raw::vnet_req> = (0..3).map(|_| unsafe { std::mem::zeroed() }).collect();
    for (i, r) in reqs.iter_mut().enumerate() {
        r.len = 10 * (i as u32 + 1);
    }
    {
        let mut g = queue.lock_irqsave();
        for r in &mut reqs {
            // SAFETY: each request is live, on no list, and outlives the list's use of it.
            unsafe { g.push_pending(r) };
        }
        let lens: Vec<u32> = g.pending().map(|r| r.len).collect();
        assert_eq!(lens, [10, 20, 30]);
        // SAFETY: the middle request is on this list.
        unsafe { g.remove_pending(&mut reqs[1]) };
        assert_eq!(g.pending().map(|r| r.len).collect::<Vec<_>>(), [10, 30]);
        // SAFETY: both remaining requests are on this list.
        unsafe {
            g.remove_pending(&mut reqs[0]);
            g.remove_pending(&mut reqs[2]);
        }
        assert_eq!(g.pending().count(), 0);
    }
    // The allocation's own reference: dropping it releases the queue.
    // SAFETY: the reference `vnet_queue_alloc` took is handed to the `VnetQueueRef`.
    drop(unsafe { VnetQueueRef::from_raw(std::ptr::NonNull::from(queue)) });
}

#[test]
fn counted_references_release_the_queue_once_at_zero() {
    use std::sync::atomic::Ordering;
    let before = vnet_example::RELEASED.load(Ordering::SeqCst);
    let q = vnet_example::vnet_queue_alloc(64);
    // SAFETY: `q` is a live queue whose one reference, the allocation's, is handed over here.
    let first: VnetQueueRef =
        unsafe { VnetQueueRef::from_raw(std::ptr::NonNull::new(q.cast()).unwrap()) };
    let second = first.clone();
    let third = first.get_ref();
    assert_eq!(VnetQueueRef::count(&first), 3);
    std::thread::scope(|s| {
        s.spawn(move || drop(second));
        s.spawn(move || drop(third));
    });
    assert_eq!(VnetQueueRef::count(&first), 1);
    assert_eq!(vnet_example::RELEASED.load(Ordering::SeqCst), before);
    drop(first);
    assert_eq!(vnet_example::RELEASED.load(Ordering::SeqCst), before + 1);
}

#[test]
fn a_streaming_buffer_passes_through_the_struct_only_while_the_device_owns_it() {
    use inv::{DmaBuf, DmaDirection, Gfp};
    let dev = inv::host::test_device(c"vnet0");
    let before = inv::host::dma_stats();
    let q = vnet_example::vnet_queue_alloc(64);
    // SAFETY: the queue is live and this test is its only user.
    let queue: &mut VnetQueue = unsafe { VnetQueue::from_raw_mut(q) };
    let mut buf = DmaBuf::alloc(128, Gfp::KERNEL).unwrap();
    buf.as_mut_slice().fill(0x5a);
    let mapped = buf.map(dev, DmaDirection::ToDevice).unwrap();
    let bus = mapped.dma_addr();
    queue.store_buf(mapped).unwrap();
    // SAFETY: the queue's fields are read plainly for the check; nobody else uses it.
    unsafe {
        assert_eq!(((*q).buf_dma, (*q).buf_len), (bus, 128));
    }
    // A second buffer is refused while the first is the device's.
    let other = DmaBuf::alloc(8, Gfp::KERNEL)
        .unwrap()
        .map(dev, DmaDirection::ToDevice)
        .unwrap();
    let other = queue.store_buf(other).unwrap_err();
    other.unmap().free();
    // SAFETY: the buffer was stored by `store_buf`, mapped on `dev`.
    let back = unsafe { queue.take_buf(dev) }.unwrap();
    assert_eq!(back.dma_addr(), bus);
    // SAFETY: as above; the fields are empty now.
    assert!(unsafe { queue.take_buf(dev) }.is_none());
    let cpu = back.unmap();
    assert!(cpu.as_slice().iter().all(|b| *b == 0x5a));
    cpu.free();
    let after = inv::host::dma_stats();
    assert_eq!(after.mapped_now, before.mapped_now);
    assert_eq!(after.maps - before.maps, 2);
    assert_eq!(after.unmaps - before.unmaps, 2);
    // SAFETY: the allocation's reference is handed over and dropped: the queue is released.
    drop(unsafe { VnetQueueRef::from_raw(std::ptr::NonNull::from(&*queue)) });
}

#[test]
fn the_coherent_ring_is_read_and_written_whole_elements_at_a_time() {
    let dev = inv::host::test_device(c"vnet1");
    let size = 4 * std::mem::size_of::<raw::vring_desc>();
    let mut bus = 0;
    // SAFETY: allocating coherent memory as vnet.c does, for `dev`, which lives forever.
    let cpu = unsafe {
        inv::sys::dma_alloc_coherent(dev.as_raw(), size, &mut bus, inv::Gfp::KERNEL.as_raw())
    };
    assert!(!cpu.is_null());
    let q = vnet_example::vnet_queue_alloc(4);
    // SAFETY: the queue is live and this test is its only user; the ring outlives its use.
    let queue: &mut VnetQueue = unsafe { VnetQueue::from_raw_mut(q) };
    assert!(queue.desc().is_none(), "no ring yet");
    // SAFETY: a plain write of the pointer field of a queue nobody else uses.
    unsafe { (*q).desc = cpu.cast() };
    let desc = queue.desc().unwrap();
    assert_eq!(desc.len(), 4);
    let entry = raw::vring_desc {
        addr: 0x1000,
        len: 64,
        flags: 1,
        next: 2,
    };
    desc.write(2, entry);
    assert_eq!(desc.read(2).len, 64);
    assert_eq!(desc.read(2).next, 2);
    // SAFETY: the ring is unhooked from the queue before it is freed.
    unsafe {
        (*q).desc = std::ptr::null_mut();
        inv::sys::dma_free_coherent(dev.as_raw(), size, cpu, bus);
    }
    // SAFETY: the allocation's reference is handed over and dropped: the queue is released.
    drop(unsafe { VnetQueueRef::from_raw(std::ptr::NonNull::from(&*queue)) });
}

#[test]
fn an_ops_trait_becomes_the_c_table_with_errno_results() {
    use std::sync::atomic::{AtomicU32, Ordering};
    use vnet_example::{VnetDev, VnetDevOps, vnet_dev_ops_table};

    static STOPS: AtomicU32 = AtomicU32::new(0);
    struct Loopback;
    impl VnetDevOps for Loopback {
        fn open(dev: &VnetDev) -> Result<(), inv::Errno> {
            // The wrapper, not a raw pointer: its lock is reached the safe way.
            drop(dev.cfg_lock());
            Ok(())
        }
        unsafe fn xmit(_dev: &VnetDev, skb: *mut std::ffi::c_void) -> Result<(), inv::Errno> {
            if skb.is_null() {
                Err(inv::Errno::EINVAL)
            } else {
                Err(inv::Errno::EBUSY)
            }
        }
        fn stop(_dev: &VnetDev) {
            STOPS.fetch_add(1, Ordering::SeqCst);
        }
    }
    static TABLE: raw::vnet_dev_ops = vnet_dev_ops_table::<Loopback>();

    // SAFETY: a zeroed device has an unlocked lock and no queues.
    let mut dev: Box<raw::vnet_dev> = Box::new(unsafe { std::mem::zeroed() });
    // SAFETY: the lock field is valid for writes and has the shim's layout.
    unsafe { inv::sys::spin_lock_init((&raw mut dev.cfg_lock).cast()) };
    let dev: *mut raw::vnet_dev = &mut *dev;
    // C calls through the table's function pointers.
    // SAFETY: the members are the generated trampolines, called with a live device.
    unsafe {
        assert_eq!((TABLE.open.unwrap())(dev), 0);
        assert_eq!((TABLE.xmit.unwrap())(dev, std::ptr::null_mut()), -22);
        let mut skb = 0u8;
        assert_eq!((TABLE.xmit.unwrap())(dev, (&raw mut skb).cast()), -16);
        (TABLE.stop.unwrap())(dev);
    }
    assert_eq!(STOPS.load(Ordering::SeqCst), 1);
}
