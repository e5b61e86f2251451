//! Seeded bug: the open counter read without the device's mutex, "because it is only a
//! number". The C takes the lock; two opens racing here would both see room for one more.

use chardev_inv::raw;

pub fn may_open(dev: &mut raw::chardev) -> bool {
    dev.openers < 4 //~ guarded-access
}
