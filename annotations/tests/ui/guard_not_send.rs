// A guard must be released by the CPU (thread) that took the lock.
use std::ptr;

use inv::sys::spinlock_t;
use inv::{HasLock, SpinLockIrqSaveGuard};

struct Owner {
    lock: spinlock_t,
}

// SAFETY: the lock is in `self`.
unsafe impl HasLock for Owner {
    type Lock = spinlock_t;
    fn raw_lock(&self) -> *mut spinlock_t {
        ptr::from_ref(&self.lock).cast_mut()
    }
}

fn main() {
    static OWNER: Owner = Owner {
        lock: spinlock_t::new(),
    };
    let guard = SpinLockIrqSaveGuard::lock(&OWNER);
    std::thread::spawn(move || drop(guard));
}
