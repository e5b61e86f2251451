//! RCU with real grace periods.
//!
//! Each thread that ever enters a read section registers a reader word: 0 outside a read
//! section, `(epoch << 1) | 1` inside one, where `epoch` is the global grace-period counter
//! read when the outermost `rcu_read_lock` began. `synchronize_rcu` advances the counter to a
//! new epoch and waits until no registered reader is inside a section that began at an older
//! one; sections that begin after the advance do not hold it up. `call_rcu` and `kfree_rcu`
//! queue their work for one background thread, which waits for a grace period and then runs
//! the batch (in simulated softirq context, as the kernel runs RCU callbacks). The thread ends
//! when nothing is queued, and `rcu_barrier` joins it then, so that after the last barrier no
//! shim thread outlives the test (miri, for one, reports a program that ends with threads
//! still running).

use core::ffi::c_void;
use core::sync::atomic::{AtomicU64, Ordering, fence};
use std::prelude::rust_2024::*;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::thread_local;
use std::time::{Duration, Instant};
use std::vec::Vec;

use super::bug;
use super::cpu::{self, might_sleep};
use super::wait::watchdog_timeout;
use crate::sys::{rcu_callback_t, rcu_head};

/// The grace-period counter.
static EPOCH: AtomicU64 = AtomicU64::new(1);

/// The reader word of every thread that has entered a read section and not exited.
static READERS: Mutex<Vec<Arc<AtomicU64>>> = Mutex::new(Vec::new());

/// This thread's registration; dropping it (at thread exit) unregisters the word.
struct Registration(Arc<AtomicU64>);

impl Registration {
    fn new() -> Self {
        let word = Arc::new(AtomicU64::new(0));
        READERS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::clone(&word));
        Registration(word)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut readers = READERS.lock().unwrap_or_else(PoisonError::into_inner);
        readers.retain(|word| !Arc::ptr_eq(word, &self.0));
    }
}

thread_local! {
    static READER: Registration = Registration::new();
}

/// The `inv_rcu_read_lock` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_rcu_read_lock() {
    if cpu::rcu_enter() {
        READER.with(|reader| {
            let epoch = EPOCH.load(Ordering::SeqCst);
            reader.0.store((epoch << 1) | 1, Ordering::SeqCst);
        });
        // The word must be visible before any load of an RCU-protected pointer in the section
        // (paired with the fence in `synchronize_rcu`).
        fence(Ordering::SeqCst);
    }
}

/// The `inv_rcu_read_unlock` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_rcu_read_unlock() {
    if cpu::rcu_exit() {
        // Release: the section's reads happen before a writer that sees 0 frees anything.
        READER.with(|reader| reader.0.store(0, Ordering::Release));
    }
}

/// The `inv_rcu_read_lock_held` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_rcu_read_lock_held() -> bool {
    cpu::rcu_depth() > 0
}

/// The `inv_synchronize_rcu` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_synchronize_rcu() {
    if cpu::rcu_depth() > 0 {
        bug!("synchronize_rcu inside an RCU read-side critical section: it waits for itself");
    }
    might_sleep("synchronize_rcu");
    let target = EPOCH.fetch_add(1, Ordering::SeqCst) + 1;
    // Paired with the fence in `inv_rcu_read_lock`: either that reader's word is visible here,
    // or the reader sees every store made before this point (the unpublishing of the old
    // pointer among them).
    fence(Ordering::SeqCst);
    let readers = READERS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let started = Instant::now();
    for word in readers {
        loop {
            let value = word.load(Ordering::Acquire);
            if value & 1 == 0 || (value >> 1) >= target {
                break;
            }
            if started.elapsed() > watchdog_timeout() {
                bug!(
                    "synchronize_rcu has waited over {:?} for a reader: an RCU read-side \
                     section never ends",
                    watchdog_timeout()
                );
            }
            thread::sleep(Duration::from_micros(50));
        }
    }
}

/// Work queued for after a grace period.
enum Deferred {
    Callback(*mut rcu_head, rcu_callback_t),
    Kfree(*const c_void),
}

// SAFETY: the pointers are handed over to the callback thread by `call_rcu`/`kfree_rcu`, whose
// callers give up the objects; nothing else uses them until the callback runs.
unsafe impl Send for Deferred {}

struct Queue {
    pending: Vec<Deferred>,
    queued: u64,
    done: u64,
    /// A callback thread is running and will run what is pending.
    worker: bool,
    /// The last callback thread started, until someone joins it.
    handle: Option<thread::JoinHandle<()>>,
}

static QUEUE: Mutex<Queue> = Mutex::new(Queue {
    pending: Vec::new(),
    queued: 0,
    done: 0,
    worker: false,
    handle: None,
});
static DONE: Condvar = Condvar::new();

fn defer(work: Deferred) {
    let mut queue = QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
    queue.pending.push(work);
    queue.queued += 1;
    if !queue.worker {
        // The previous thread, if any, has seen an empty queue and is ending (it released the
        // lock this thread holds for the last time), so joining it is quick.
        if let Some(ended) = queue.handle.take() {
            let _ = ended.join();
        }
        queue.worker = true;
        let spawned = thread::Builder::new()
            .name("inv-rcu-callbacks".into())
            .spawn(run_callbacks);
        match spawned {
            Ok(handle) => queue.handle = Some(handle),
            Err(_) => {
                drop(queue);
                bug!("could not start the RCU callback thread");
            }
        }
    }
}

/// The callback thread: take the pending work, wait for a grace period, run the batch; end
/// when nothing is pending. Counting a batch done and ending happen under one hold of the
/// queue's lock, so a barrier that sees its work done also sees the thread ending.
fn run_callbacks() {
    let mut batch =
        core::mem::take(&mut QUEUE.lock().unwrap_or_else(PoisonError::into_inner).pending);
    loop {
        inv_synchronize_rcu();
        let count = batch.len() as u64;
        super::run_in_softirq(|| {
            for work in batch {
                match work {
                    // SAFETY: `call_rcu`'s caller handed `head` over for exactly this call.
                    Deferred::Callback(head, func) => unsafe { func(head) },
                    // SAFETY: `kfree_rcu`'s caller handed over a kmalloc'd pointer to free.
                    Deferred::Kfree(ptr) => unsafe { super::mem::inv_kfree(ptr) },
                }
            }
        });
        let mut queue = QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
        queue.done += count;
        DONE.notify_all();
        if queue.pending.is_empty() {
            queue.worker = false;
            return;
        }
        batch = core::mem::take(&mut queue.pending);
    }
}

/// The `inv_call_rcu` symbol.
///
/// # Safety
/// See [`crate::sys::call_rcu`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_call_rcu(head: *mut rcu_head, func: rcu_callback_t) {
    if head.is_null() {
        bug!("call_rcu with a null rcu_head");
    }
    // SAFETY: the caller passes a valid head it hands over until the callback.
    unsafe {
        (*head).func = Some(func);
        (*head).next = core::ptr::null_mut();
    }
    defer(Deferred::Callback(head, func));
}

/// The `inv_kfree_rcu` symbol.
///
/// # Safety
/// See [`crate::sys::kfree_rcu`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kfree_rcu(ptr: *const c_void) {
    if !ptr.is_null() {
        defer(Deferred::Kfree(ptr));
    }
}

/// The `inv_rcu_barrier` symbol. Once everything queued has run and nothing more is, it also
/// joins the callback thread, which ends then.
#[unsafe(no_mangle)]
pub extern "C" fn inv_rcu_barrier() {
    might_sleep("rcu_barrier");
    let started = Instant::now();
    let mut queue = QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
    let target = queue.queued;
    while queue.done < target {
        if started.elapsed() > watchdog_timeout() {
            drop(queue);
            bug!(
                "rcu_barrier has waited over {:?} for RCU callbacks",
                watchdog_timeout()
            );
        }
        queue = DONE
            .wait_timeout(queue, Duration::from_millis(10))
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    // Nothing pending: the thread has ended or is ending, without taking the lock again.
    let ended = if queue.pending.is_empty() && !queue.worker {
        queue.handle.take()
    } else {
        None
    };
    drop(queue);
    if let Some(ended) = ended {
        let _ = ended.join();
    }
}
