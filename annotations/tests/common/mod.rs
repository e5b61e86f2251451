//! Helpers shared by the runtime's tests: an owner type for every lock kind, bounded waits, and
//! death tests (misuse run in a child process, which the shim must abort).

#![allow(dead_code)] // each test binary uses a different subset

use std::cell::UnsafeCell;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::ptr;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use inv::HasLock;

/// How long any test waits for anything before it fails. Under miri the clock is virtual: it
/// advances with every interpreted basic block, far faster than the interpreted program does
/// real work, so the same work needs a bound many times longer.
pub const TIMEOUT: Duration = if cfg!(miri) {
    Duration::from_secs(600)
} else {
    Duration::from_secs(10)
};

/// A lock of type `L` guarding a counter: the simplest owner.
#[derive(Default)]
pub struct Shared<L> {
    pub lock: L,
    pub value: UnsafeCell<u64>,
}

// SAFETY: `value` is only touched with `lock` held (the tests' discipline).
unsafe impl<L: Sync> Sync for Shared<L> {}

impl<L> Shared<L> {
    pub fn new(lock: L) -> Self {
        Shared {
            lock,
            value: UnsafeCell::new(0),
        }
    }

    /// Reads the counter. Only with the lock held.
    pub fn get(&self) -> u64 {
        // SAFETY: the caller holds the lock.
        unsafe { *self.value.get() }
    }

    /// Writes the counter. Only with the lock held exclusively.
    pub fn set(&self, value: u64) {
        // SAFETY: the caller holds the lock exclusively.
        unsafe { *self.value.get() = value }
    }
}

// SAFETY: `lock` is an initialised lock in `self`, the same on every call.
unsafe impl<L> HasLock for Shared<L> {
    type Lock = L;
    fn raw_lock(&self) -> *mut L {
        ptr::from_ref(&self.lock).cast_mut()
    }
}

/// Joins `handle`, failing the test if it takes longer than [`TIMEOUT`].
pub fn join<T>(handle: JoinHandle<T>) -> T {
    let started = Instant::now();
    while !handle.is_finished() {
        assert!(
            started.elapsed() < TIMEOUT,
            "a thread did not finish within {TIMEOUT:?}"
        );
        thread::sleep(Duration::from_millis(1));
    }
    handle.join().expect("the thread panicked")
}

/// A death test: in the child process (selected by `INV_DEATH_TEST`), runs `misuse`, which
/// must abort; in the parent, runs this test binary's test `name` as that child and checks that
/// it died of SIGABRT with `expected` in its standard error.
pub fn death_test(name: &str, expected: &str, misuse: impl FnOnce()) {
    if std::env::var("INV_DEATH_TEST").as_deref() == Ok(name) {
        misuse();
        eprintln!("the misuse returned instead of aborting");
        std::process::exit(3);
    }
    let mut child = Command::new(std::env::current_exe().expect("the test binary's path"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("INV_DEATH_TEST", name)
        .env("INV_SHIM_TIMEOUT_SECS", "5")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child test process starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child test `{name}` did not finish within {TIMEOUT:?}");
        }
        thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("the child's stderr");
    assert_eq!(
        status.signal(),
        Some(6),
        "the child test `{name}` should have aborted (SIGABRT); it ended with {status}. stderr:\n{stderr}"
    );
    assert!(
        stderr.contains("inv shim: BUG: ") && stderr.contains(expected),
        "the child test `{name}` aborted without `{expected}` in its message. stderr:\n{stderr}"
    );
}
