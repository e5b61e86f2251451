//! Seeded bug: `write` translated with the C calls kept as they were: the mutex taken and
//! dropped through the raw bindings, and the ring's counters touched through the raw pointer.
//! It compiles; `invc check` reports each raw lock call. (The counters between them are
//! under the lock, so they are not also reported as unguarded.)

use chardev_inv::raw;

pub fn write_bytes(dev: *mut raw::chardev, data: &[u8]) -> usize {
    // SAFETY: `dev` is a live device for the whole call.
    unsafe {
        inv::sys::mutex_lock(&raw mut (*dev).lock); //~ raw-lock
        let space = 64 - (*dev).count as usize;
        let n = data.len().min(space);
        (*dev).count += n as u32;
        inv::sys::mutex_unlock(&raw mut (*dev).lock); //~ raw-lock
        n
    }
}
