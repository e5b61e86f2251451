//! Waiting, bounded: spinning with backoff for the spinning locks, sleeping on a hashed wait
//! queue for the sleeping ones and for RCU. Every wait has the same watchdog, so a deadlock in
//! a test becomes a clear abort rather than a hang.

use std::prelude::rust_2024::*;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// How long any single wait may last before the shim reports a likely deadlock: 20 seconds,
/// or `INV_SHIM_TIMEOUT_SECS` if that is set to a positive number.
pub fn watchdog_timeout() -> Duration {
    static TIMEOUT: OnceLock<Duration> = OnceLock::new();
    *TIMEOUT.get_or_init(|| {
        std::env::var("INV_SHIM_TIMEOUT_SECS")
            .ok()
            .and_then(|secs| secs.parse::<u64>().ok())
            .filter(|&secs| secs > 0)
            .map_or(Duration::from_secs(20), Duration::from_secs)
    })
}

/// Spins until `try_acquire` succeeds: a few rounds of busy-waiting with growing pauses, then
/// yielding the thread (there are more threads than cores in the tests). `what` names the
/// wait in the watchdog's message.
pub(crate) fn spin_until(what: impl Fn() -> String, mut try_acquire: impl FnMut() -> bool) {
    let mut round = 0u64;
    let mut started: Option<Instant> = None;
    while !try_acquire() {
        if round < 6 {
            for _ in 0..(1u32 << round) {
                core::hint::spin_loop();
            }
        } else {
            thread::yield_now();
        }
        round += 1;
        if round % 64 == 0 {
            let since = *started.get_or_insert_with(Instant::now);
            if since.elapsed() > watchdog_timeout() {
                super::bug!(
                    "{} has waited over {:?}: deadlock? (a lock held forever, or taken in the wrong order)",
                    what(),
                    watchdog_timeout()
                );
            }
        }
    }
}

/// One wait queue; addresses hash onto a fixed set of them, like the kernel's hashed wait
/// queues.
struct Queue {
    lock: Mutex<()>,
    wake: Condvar,
}

const QUEUES: usize = 64;

static WAIT_QUEUES: [Queue; QUEUES] = [const {
    Queue {
        lock: Mutex::new(()),
        wake: Condvar::new(),
    }
}; QUEUES];

fn queue_of(addr: usize) -> &'static Queue {
    // Locks are at least 4-byte aligned; drop the low bits before hashing.
    &WAIT_QUEUES[(addr >> 3).wrapping_mul(0x9E37_79B9) % QUEUES]
}

/// Sleeps until `try_acquire` succeeds. `addr` is the object waited on: whoever makes
/// `try_acquire` succeed calls [`wake`] with the same address.
pub(crate) fn sleep_until(
    addr: usize,
    what: impl Fn() -> String,
    mut try_acquire: impl FnMut() -> bool,
) {
    if try_acquire() {
        return;
    }
    let queue = queue_of(addr);
    let started = Instant::now();
    let mut held = queue.lock.lock().unwrap_or_else(PoisonError::into_inner);
    // Checked under the queue's lock, and `wake` takes that lock before notifying, so a wake
    // between this check and the wait cannot be lost. The short timeout only covers hash
    // collisions with unrelated objects, which share the queue.
    while !try_acquire() {
        if started.elapsed() > watchdog_timeout() {
            drop(held);
            super::bug!(
                "{} has slept over {:?}: deadlock? (a lock held forever, or taken in the wrong order)",
                what(),
                watchdog_timeout()
            );
        }
        held = queue
            .wake
            .wait_timeout(held, Duration::from_millis(10))
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

/// Wakes every thread sleeping on `addr`.
pub(crate) fn wake(addr: usize) {
    let queue = queue_of(addr);
    let _held = queue.lock.lock().unwrap_or_else(PoisonError::into_inner);
    queue.wake.notify_all();
}
