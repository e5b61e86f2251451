//! The C module itself (`chardev.c`, compiled by `build.rs`), for the tests that drive the C
//! and the Rust version through the same operations.

use crate::raw;
use core::ffi::c_uint;

unsafe extern "C" {
    /// C's `chardev_create`: a device with the creator's reference, or null.
    pub fn chardev_create(minor: c_uint) -> *mut raw::chardev;
    /// C's `chardev_put`: gives back a reference; the last one frees the device.
    pub fn chardev_put(dev: *mut raw::chardev);
    /// C's operations table.
    pub static chardev_fops: raw::chardev_fops;
}
