//! RCU over the host shim: real grace periods, callbacks after them, and retired objects that
//! are freed only after one (or leaked and reported).

mod common;

use std::cell::UnsafeCell;
use std::mem::offset_of;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use common::{TIMEOUT, death_test, join};
use inv::host::{MemOwner, leak_reports, memory_owner};
use inv::rcu::{self, Retired};
use inv::sys::{self, INV_LEAK_RCU_RETIRED, rcu_head};
use inv::{Gfp, RcuReadGuard};

/// How long a test watches something not happen.
const PATIENCE: Duration = Duration::from_millis(100);

/// A reader thread that enters a read section, says so, and leaves when told to.
struct Reader {
    leave: mpsc::Sender<()>,
    left: Arc<AtomicBool>,
    thread: thread::JoinHandle<()>,
}

impl Reader {
    fn start() -> Reader {
        let (entered_tx, entered_rx) = mpsc::channel();
        let (leave, leave_rx) = mpsc::channel::<()>();
        let left = Arc::new(AtomicBool::new(false));
        let thread = {
            let left = Arc::clone(&left);
            thread::spawn(move || {
                let guard = RcuReadGuard::new();
                entered_tx.send(()).unwrap();
                leave_rx
                    .recv_timeout(TIMEOUT)
                    .expect("told to leave in time");
                left.store(true, Ordering::SeqCst);
                drop(guard);
            })
        };
        entered_rx
            .recv_timeout(TIMEOUT)
            .expect("the reader entered");
        Reader {
            leave,
            left,
            thread,
        }
    }

    fn finish(self) {
        self.leave.send(()).unwrap();
        join(self.thread);
    }
}

#[test]
fn synchronize_rcu_waits_for_a_reader_that_began_before_it() {
    let reader = Reader::start();
    let returned = Arc::new(AtomicBool::new(false));
    let writer = {
        let (returned, left) = (Arc::clone(&returned), Arc::clone(&reader.left));
        thread::spawn(move || {
            sys::synchronize_rcu();
            assert!(
                left.load(Ordering::SeqCst),
                "synchronize_rcu returned while a pre-existing reader was inside"
            );
            returned.store(true, Ordering::SeqCst);
        })
    };
    thread::sleep(PATIENCE);
    assert!(!returned.load(Ordering::SeqCst));
    reader.finish();
    join(writer);
    assert!(returned.load(Ordering::SeqCst));
}

#[test]
fn synchronize_rcu_does_not_wait_for_readers_that_begin_after_it() {
    // A reader that enters after the grace period began cannot hold it up: with one reader
    // always inside (a new section starting as the old one ends), synchronize_rcu still returns.
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let _guard = RcuReadGuard::new();
                thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let writer = thread::spawn(|| sys::synchronize_rcu());
    join(writer);
    stop.store(true, Ordering::SeqCst);
    join(reader);
}

/// An object queued with call_rcu: the callback sets `fired` and frees it.
#[repr(C)]
struct Deferred {
    head: rcu_head,
    fired: &'static AtomicBool,
}

unsafe extern "C" fn deferred_free(head: *mut rcu_head) {
    let deferred: *mut Deferred = inv::container_of_mut(head, offset_of!(Deferred, head));
    // SAFETY: `head` is the head of a boxed `Deferred` handed to call_rcu, which runs this once.
    let deferred = unsafe { Box::from_raw(deferred) };
    deferred.fired.store(true, Ordering::SeqCst);
}

#[test]
fn call_rcu_runs_the_callback_only_after_the_reader_leaves() {
    static FIRED: AtomicBool = AtomicBool::new(false);
    let reader = Reader::start();
    let deferred = Box::into_raw(Box::new(Deferred {
        head: rcu_head {
            next: ptr::null_mut(),
            func: None,
        },
        fired: &FIRED,
    }));
    // SAFETY: the head lives in the box until the callback frees it.
    unsafe { sys::call_rcu(ptr::addr_of_mut!((*deferred).head), deferred_free) };
    thread::sleep(PATIENCE);
    assert!(
        !FIRED.load(Ordering::SeqCst),
        "the callback ran during a grace period"
    );
    reader.finish();
    join(thread::spawn(|| sys::rcu_barrier()));
    assert!(
        FIRED.load(Ordering::SeqCst),
        "rcu_barrier returned before the callback ran"
    );
}

/// A slot holding an RCU-protected, kmalloc'd `u32`, like a C struct's RCU pointer: readers
/// load it at any time, so it is shared mutable memory (an `UnsafeCell`, reached only through
/// raw pointers), never behind a `&mut` that would claim it exclusively; writers store into
/// it with `lock` held.
struct Slot {
    lock: std::sync::Mutex<()>,
    ptr: UnsafeCell<*mut u32>,
}

// SAFETY: the slot is read atomically by readers and written atomically under `lock`.
unsafe impl Sync for Slot {}
// SAFETY: as above.
unsafe impl Send for Slot {}

fn kmalloc_u32(value: u32) -> *mut u32 {
    // SAFETY: GFP_KERNEL in process context.
    let ptr = unsafe { sys::kmalloc(4, Gfp::KERNEL.as_raw()) }.cast::<u32>();
    assert!(!ptr.is_null());
    // SAFETY: a fresh allocation of 4 bytes, aligned to 16.
    unsafe { ptr.write(value) };
    ptr
}

#[test]
fn a_retired_object_outlives_the_readers_that_can_see_it() {
    let slot = Arc::new(Slot {
        lock: std::sync::Mutex::new(()),
        ptr: UnsafeCell::new(kmalloc_u32(1)),
    });
    // A reader finds the old object and keeps it while the writer replaces and retires it.
    let (found_tx, found_rx) = mpsc::channel();
    let (leave_tx, leave_rx) = mpsc::channel::<()>();
    let reader = {
        let slot = Arc::clone(&slot);
        thread::spawn(move || {
            let guard = RcuReadGuard::new();
            // SAFETY: the slot stays alive (the Arc), holds kmalloc'd u32s published by
            // `rcu::replace`, and retired ones are freed after a grace period.
            let old = unsafe { rcu::dereference(slot.ptr.get(), &guard) };
            let old = old.expect("published");
            found_tx.send(()).unwrap();
            leave_rx.recv_timeout(TIMEOUT).expect("told to leave");
            // Still readable: the writer's free waits for this section.
            let value = *old;
            drop(guard);
            value
        })
    };
    found_rx
        .recv_timeout(TIMEOUT)
        .expect("the reader found the object");

    let freed = Arc::new(AtomicBool::new(false));
    let writer = {
        let (slot, freed) = (Arc::clone(&slot), Arc::clone(&freed));
        thread::spawn(move || {
            let _held = slot.lock.lock().unwrap();
            // SAFETY: the slot owns its kmalloc'd object, and the writer holds its lock.
            let retired = unsafe { rcu::replace(slot.ptr.get(), kmalloc_u32(2)) }.expect("old");
            retired.synchronize_and_free(|old| {
                freed.store(true, Ordering::SeqCst);
                // SAFETY: after the grace period nobody can see `old`, which kmalloc returned.
                unsafe { sys::kfree(old.as_ptr().cast()) };
            });
        })
    };
    thread::sleep(PATIENCE);
    assert!(
        !freed.load(Ordering::SeqCst),
        "freed while a reader could see it"
    );
    leave_tx.send(()).unwrap();
    assert_eq!(join(reader), 1);
    join(writer);
    assert!(freed.load(Ordering::SeqCst));

    let guard = RcuReadGuard::new();
    // SAFETY: as for the reader above.
    let now = unsafe { rcu::dereference(slot.ptr.get(), &guard) };
    assert_eq!(now.copied(), Some(2));
    drop(guard);
    // SAFETY: the last object, owned by the slot; no reader remains after the test.
    unsafe { sys::kfree((*slot.ptr.get()).cast()) };
}

#[test]
fn a_retired_object_dropped_without_a_grace_period_is_leaked_and_reported() {
    let mut slot = kmalloc_u32(7);
    // SAFETY: the slot owns its kmalloc'd object.
    let retired: Retired<u32> = unsafe { rcu::replace(&mut slot, kmalloc_u32(8)) }.unwrap();
    let old = retired.as_ptr();
    drop(retired);
    assert!(
        leak_reports()
            .iter()
            .any(|leak| leak.kind == INV_LEAK_RCU_RETIRED
                && leak.addr == old.addr()
                && leak.size == 4),
        "the leak was not reported"
    );
    // Not freed: still a live allocation, with its contents.
    assert_eq!(memory_owner(old.cast()), MemOwner::Cpu);
    // SAFETY: leaked on purpose, so still allocated.
    assert_eq!(unsafe { *old }, 7);
    // No reader can see it (it was never published to one), so the test may free what the
    // runtime had to leak.
    // SAFETY: kmalloc'd, and freed once.
    unsafe { sys::kfree(old.cast()) };
    // SAFETY: the new object, owned by the slot.
    unsafe { sys::kfree(slot.cast()) };
}

#[test]
fn kfree_rcu_frees_after_a_grace_period() {
    let mut slot = kmalloc_u32(3);
    let old = slot;
    // SAFETY: the slot owns its kmalloc'd object.
    let retired = unsafe { rcu::replace(&mut slot, ptr::null_mut()) }.unwrap();
    assert_eq!(retired.as_ptr(), old);
    let reader = Reader::start();
    // SAFETY: kmalloc'd, and only this Retired frees it.
    unsafe { retired.kfree_rcu() };
    thread::sleep(PATIENCE);
    assert_eq!(
        memory_owner(old.cast()),
        MemOwner::Cpu,
        "freed during the grace period"
    );
    reader.finish();
    join(thread::spawn(|| sys::rcu_barrier()));
    // SAFETY: the slot is null now; replacing null gives nothing back.
    assert!(unsafe { rcu::replace(&mut slot, ptr::null_mut()) }.is_none());
}

#[test]
fn read_sections_nest() {
    let outer = RcuReadGuard::new();
    let inner = RcuReadGuard::new();
    drop(outer);
    assert!(sys::rcu_read_lock_held());
    drop(inner);
    assert!(!sys::rcu_read_lock_held());
}

#[test]
fn synchronize_rcu_inside_a_read_section_aborts() {
    death_test(
        "synchronize_rcu_inside_a_read_section_aborts",
        "synchronize_rcu inside an RCU read-side critical section",
        || {
            let _guard = RcuReadGuard::new();
            sys::synchronize_rcu();
        },
    );
}
