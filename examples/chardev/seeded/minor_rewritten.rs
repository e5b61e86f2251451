//! Seeded bug: an ioctl that renumbers the device by writing `minor`, which the spec makes
//! readonly: other code reads it without a lock because it never changes.

use chardev_inv::raw;

pub fn renumber(dev: &mut raw::chardev, minor: u32) {
    dev.minor = minor; //~ readonly-write
}
