//! Seeded bug: `open` takes the file's reference with a raw `kref_get` instead of
//! `Chardev::get_ref`, so nothing ties the reference to the file that must give it back
//! (the study's "wrapped C-style patterns in unsafe" failure).

use chardev_inv::raw;

pub fn open(dev: *mut raw::chardev, file: *mut raw::chardev_file) {
    // SAFETY: both are live for the call.
    unsafe {
        inv::sys::kref_get((&raw mut (*dev).ref_).cast()); //~ raw-refcount
        core::ptr::write_volatile(&raw mut (*file).dev, dev);
    }
}
