//! Seeded bug: the device pointer a file stores turned back into a wrapper with no word on
//! why that is sound (the translation's `device()` says it: the file holds a reference), and
//! with the file's `dev` read plainly, where C uses `READ_ONCE`.

use chardev_inv::{Chardev, raw};

pub fn device<'a>(file: *mut raw::chardev_file) -> &'a Chardev {
    unsafe { Chardev::from_raw((*file).dev) } //~ unsafe-undocumented lockless-access
}
