//! Lock guards over the host shim: mutual exclusion for every kind and mode, out-of-order
//! irqsave nesting (Rust-for-Linux issue #998), invariants checked on release, and the shim's
//! lockdep-lite catching interrupt-unsafe and sleeping misuse.

mod common;

use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use common::{Shared, death_test, join};
use inv::lock::kind::{self, LockKind};
use inv::sys::{self, mutex, rw_semaphore, rwlock_t, seqlock_t, spinlock_t};
use inv::{
    Bh, HasLock, Irq, IrqSave, LockGuard, MutexGuard, Plain, ReadLockGuard, RwSemReadGuard,
    RwSemWriteGuard, SeqLockWriteGuard, SeqReadGuard, SpinLockGuard, SpinLockIrqSaveGuard,
    WriteLockGuard,
};

const THREADS: usize = 4;
/// Rounds per thread in the contention tests. Under miri, which interprets every instruction
/// and is about a hundred times slower, fewer rounds: each still interleaves the threads
/// (every round yields between its read and its write), and a lost increment still shows.
const ROUNDS: u64 = if cfg!(miri) { 20 } else { 300 };

/// Four threads increment one counter under guards of kind `K`, yielding between the read and
/// the write: without mutual exclusion, increments are lost.
fn hammer<K: LockKind + 'static>(lock: K::Raw)
where
    K::Raw: Sync + Send + 'static,
{
    let shared = Arc::new(Shared::new(lock));
    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (shared, start) = (Arc::clone(&shared), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                for round in 0..ROUNDS {
                    let guard = LockGuard::<_, K>::lock(&*shared);
                    let value = guard.owner().get();
                    if round % 4 == 0 {
                        thread::yield_now();
                    }
                    guard.owner().set(value + 1);
                }
            })
        })
        .collect();
    workers.into_iter().for_each(join);
    let guard = LockGuard::<_, K>::lock(&*shared);
    assert_eq!(guard.owner().get(), THREADS as u64 * ROUNDS);
}

#[test]
fn spinlock_excludes_in_every_mode() {
    hammer::<kind::Spin<Plain>>(spinlock_t::new());
    hammer::<kind::Spin<Irq>>(spinlock_t::new());
    hammer::<kind::Spin<IrqSave>>(spinlock_t::new());
    hammer::<kind::Spin<Bh>>(spinlock_t::new());
}

#[test]
fn mutex_excludes() {
    hammer::<kind::Mutex>(mutex::new());
}

#[test]
fn rwlock_writers_exclude() {
    hammer::<kind::Write<Plain>>(rwlock_t::new());
    hammer::<kind::Write<IrqSave>>(rwlock_t::new());
}

#[test]
fn rw_semaphore_writers_exclude() {
    hammer::<kind::RwSemWrite>(rw_semaphore::new());
}

#[test]
fn seqlock_writers_exclude() {
    hammer::<kind::SeqWrite<Plain>>(seqlock_t::new());
    hammer::<kind::SeqWrite<Bh>>(seqlock_t::new());
}

/// Two fields a writer keeps equal; readers must never see them differ.
#[derive(Default)]
struct Pair<L> {
    lock: L,
    a: AtomicU64,
    b: AtomicU64,
}

// SAFETY: `lock` is an initialised lock in `self`, the same on every call.
unsafe impl<L> HasLock for Pair<L> {
    type Lock = L;
    fn raw_lock(&self) -> *mut L {
        ptr::from_ref(&self.lock).cast_mut()
    }
}

/// Writers of kind `W` bump both fields of a pair, one at a time; readers of kind `R` check
/// that they are equal. Readers may share, but never overlap a writer.
fn readers_see_no_half_write<W, R>(lock: W::Raw)
where
    W: LockKind + 'static,
    R: LockKind<Raw = W::Raw> + 'static,
    W::Raw: Sync + Send + 'static,
{
    let pair = Arc::new(Pair {
        lock,
        a: AtomicU64::new(0),
        b: AtomicU64::new(0),
    });
    let writer = {
        let pair = Arc::clone(&pair);
        thread::spawn(move || {
            for _ in 0..ROUNDS {
                let guard = LockGuard::<_, W>::lock(&*pair);
                let owner = guard.owner();
                owner.a.fetch_add(1, Ordering::Relaxed);
                thread::yield_now();
                owner.b.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let pair = Arc::clone(&pair);
            thread::spawn(move || {
                for _ in 0..ROUNDS {
                    let guard = LockGuard::<_, R>::lock(&*pair);
                    let owner = guard.owner();
                    let a = owner.a.load(Ordering::Relaxed);
                    let b = owner.b.load(Ordering::Relaxed);
                    assert_eq!(a, b, "a reader overlapped a writer");
                }
            })
        })
        .collect();
    join(writer);
    readers.into_iter().for_each(join);
    assert_eq!(pair.a.load(Ordering::Relaxed), ROUNDS);
}

#[test]
fn rwlock_readers_exclude_writers() {
    readers_see_no_half_write::<kind::Write<Plain>, kind::Read<Plain>>(rwlock_t::new());
    readers_see_no_half_write::<kind::Write<IrqSave>, kind::Read<Irq>>(rwlock_t::new());
}

#[test]
fn rw_semaphore_readers_exclude_writers() {
    readers_see_no_half_write::<kind::RwSemWrite, kind::RwSemRead>(rw_semaphore::new());
}

#[test]
fn rwlock_readers_share() {
    let pair = Pair::<rwlock_t>::default();
    let first = ReadLockGuard::<_>::lock(&pair);
    let second = thread::scope(|scope| {
        // Another CPU takes the read lock while this one holds it.
        join_scoped(scope.spawn(|| {
            let _reader = ReadLockGuard::<_>::lock(&pair);
            true
        }))
    });
    assert!(second);
    drop(first);
    let sem = Pair::<rw_semaphore>::default();
    let _first = RwSemReadGuard::lock(&sem);
    let _second = RwSemReadGuard::lock(&sem);
}

fn join_scoped<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    let started = std::time::Instant::now();
    while !handle.is_finished() {
        assert!(
            started.elapsed() < common::TIMEOUT,
            "a thread did not finish"
        );
        thread::sleep(std::time::Duration::from_millis(1));
    }
    handle.join().expect("the thread panicked")
}

#[test]
fn seqlock_readers_retry_until_consistent() {
    let pair = Arc::new(Pair::<seqlock_t>::default());
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (pair, done) = (Arc::clone(&pair), Arc::clone(&done));
        thread::spawn(move || {
            for _ in 0..ROUNDS {
                let guard = SeqLockWriteGuard::<_>::lock(&*pair);
                guard.owner().a.fetch_add(1, Ordering::Relaxed);
                thread::yield_now();
                guard.owner().b.fetch_add(1, Ordering::Relaxed);
            }
            done.store(true, Ordering::Release);
        })
    };
    let mut reads = 0;
    while !done.load(Ordering::Acquire) || reads < 10 {
        let (a, b) = SeqReadGuard::read(&*pair, |guard| {
            let owner = guard.owner();
            (
                owner.a.load(Ordering::Relaxed),
                owner.b.load(Ordering::Relaxed),
            )
        });
        assert_eq!(a, b, "a seqlock read returned a torn pair");
        reads += 1;
        assert!(reads < 10_000_000, "the reader never finished");
    }
    join(writer);
}

#[test]
fn irqsave_guards_dropped_out_of_order_keep_irqs_off_until_the_last() {
    let a = Shared::new(spinlock_t::new());
    let b = Shared::new(spinlock_t::new());
    assert!(!sys::irqs_disabled());
    let outer = SpinLockIrqSaveGuard::lock(&a);
    let inner = SpinLockIrqSaveGuard::lock(&b);
    assert!(sys::irqs_disabled());
    // The outer guard goes first. Restoring its own saved flags here would enable interrupts
    // while `b`, which an interrupt handler may take, is still held (issue #998).
    drop(outer);
    assert!(
        sys::irqs_disabled(),
        "interrupts came back on while an irqsave lock is still held"
    );
    drop(inner);
    assert!(
        !sys::irqs_disabled(),
        "the outermost state (enabled) was not restored"
    );
}

#[test]
fn irq_nesting_restores_the_outermost_state_whatever_the_order() {
    let a = Shared::new(spinlock_t::new());
    let b = Shared::new(rwlock_t::new());
    let c = Shared::new(spinlock_t::new());

    // Interrupts already off before the first guard: they stay off after the last.
    sys::local_irq_disable();
    let ga = SpinLockIrqSaveGuard::lock(&a);
    let gb = WriteLockGuard::<_, IrqSave>::lock(&b);
    let gc = LockGuard::<_, kind::Spin<Irq>>::lock(&c);
    drop(gb);
    drop(ga);
    assert!(sys::irqs_disabled());
    drop(gc);
    assert!(
        sys::irqs_disabled(),
        "interrupts were off before the guards"
    );
    // SAFETY: no lock is held.
    unsafe { sys::local_irq_enable() };

    // And with a bottom-half guard interleaved, in yet another order.
    let ga = SpinLockIrqSaveGuard::lock(&a);
    let gb = WriteLockGuard::<_, Bh>::lock(&b);
    let gc = SpinLockIrqSaveGuard::lock(&c);
    drop(ga);
    drop(gb);
    assert!(sys::irqs_disabled());
    drop(gc);
    assert!(!sys::irqs_disabled());
}

#[test]
fn try_lock_fails_while_held_elsewhere() {
    let shared = Shared::new(spinlock_t::new());
    let held = SpinLockGuard::<_>::lock(&shared);
    let taken = thread::scope(|scope| {
        join_scoped(scope.spawn(|| SpinLockIrqSaveGuard::try_lock(&shared).is_some()))
    });
    assert!(!taken);
    assert!(!sys::irqs_disabled());
    drop(held);
    let guard = SpinLockIrqSaveGuard::try_lock(&shared).expect("the lock is free");
    assert!(sys::irqs_disabled());
    drop(guard);
    assert!(!sys::irqs_disabled());

    let m = Shared::new(mutex::new());
    let guard = MutexGuard::try_lock(&m).expect("the mutex is free");
    let taken =
        thread::scope(|scope| join_scoped(scope.spawn(|| MutexGuard::try_lock(&m).is_some())));
    assert!(!taken);
    drop(guard);
}

/// An owner whose invariant is `value <= 2`.
struct Bounded(Shared<spinlock_t>);

// SAFETY: the lock is an initialised spinlock in `self`, the same on every call.
unsafe impl HasLock for Bounded {
    type Lock = spinlock_t;
    fn raw_lock(&self) -> *mut spinlock_t {
        self.0.raw_lock()
    }
    fn check_invariant(&self) {
        inv::__private::check_invariant(self.0.get() <= 2, "value <= 2", "bounded.inv:3");
    }
}

#[test]
fn invariant_is_checked_on_release_and_the_lock_is_released_anyway() {
    let bounded = Bounded(Shared::new(spinlock_t::new()));
    for _ in 0..2 {
        let guard = SpinLockIrqSaveGuard::lock(&bounded);
        guard.owner().0.set(guard.owner().0.get() + 1);
    }
    let broken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let guard = SpinLockIrqSaveGuard::lock(&bounded);
        guard.owner().0.set(3);
    }));
    let message = broken.expect_err("the invariant check should panic");
    let message = message
        .downcast_ref::<String>()
        .expect("a formatted message");
    assert_eq!(message, "invariant `value <= 2` (bounded.inv:3) violated");
    // The lock was released and the irq state restored while unwinding.
    assert!(!sys::irqs_disabled());
    let guard = SpinLockGuard::<_>::try_lock(&bounded).expect("the lock was released");
    guard.owner().0.set(0);
}

#[test]
fn a_lock_used_in_hardirq_is_fine_with_irqsave() {
    let shared = Arc::new(Shared::new(spinlock_t::new()));
    let handler = {
        let shared = Arc::clone(&shared);
        thread::spawn(move || {
            inv::host::run_in_hardirq(|| {
                let guard = SpinLockGuard::<_>::lock(&*shared);
                guard.owner().set(guard.owner().get() + 1);
            })
        })
    };
    join(handler);
    let guard = SpinLockIrqSaveGuard::lock(&*shared);
    assert_eq!(guard.owner().get(), 1);
}

#[test]
fn lockdep_aborts_on_a_hardirq_lock_taken_with_irqs_enabled() {
    death_test(
        "lockdep_aborts_on_a_hardirq_lock_taken_with_irqs_enabled",
        "is taken in hardirq context and also with interrupts enabled",
        || {
            let shared = Shared::new(spinlock_t::new());
            inv::host::run_in_hardirq(|| drop(SpinLockGuard::<_>::lock(&shared)));
            // The spec says `irqsave`; a translation that takes it plainly is caught.
            drop(SpinLockGuard::<_>::lock(&shared));
        },
    );
}

#[test]
fn lockdep_aborts_on_sleeping_under_a_spinlock() {
    death_test(
        "lockdep_aborts_on_sleeping_under_a_spinlock",
        "sleeping function mutex_lock called from invalid context: holding the spinlock",
        || {
            let spin = Shared::new(spinlock_t::new());
            let sleeping = Shared::new(mutex::new());
            let _spin = SpinLockGuard::<_>::lock(&spin);
            drop(MutexGuard::lock(&sleeping));
        },
    );
}

#[test]
fn lockdep_aborts_on_recursive_locking() {
    death_test(
        "lockdep_aborts_on_recursive_locking",
        "which it already holds as spinlock: deadlock",
        || {
            let shared = Shared::new(spinlock_t::new());
            let _first = SpinLockGuard::<_>::lock(&shared);
            drop(SpinLockIrqSaveGuard::lock(&shared));
        },
    );
}

#[test]
fn a_reader_sleeps_until_the_writer_is_gone() {
    let sem = Arc::new(Shared::new(rw_semaphore::new()));
    let writer = RwSemWriteGuard::lock(&*sem);
    let entered = Arc::new(AtomicBool::new(false));
    let reader = {
        let (sem, entered) = (Arc::clone(&sem), Arc::clone(&entered));
        thread::spawn(move || {
            let _reader = RwSemReadGuard::lock(&*sem);
            entered.store(true, Ordering::SeqCst);
        })
    };
    thread::sleep(std::time::Duration::from_millis(50));
    assert!(
        !entered.load(Ordering::SeqCst),
        "a reader entered while the writer held the lock"
    );
    drop(writer);
    join(reader);
    assert!(entered.load(Ordering::SeqCst));
}
