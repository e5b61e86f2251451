//! Seeded bug: the file's flags read with a plain load. No lock guards them and the ioctl
//! writes them while reads test them, so C reads them with `READ_ONCE`; a plain read may be
//! torn or hoisted out of a loop.

use chardev_inv::raw;

pub fn nonblocking(file: *const raw::chardev_file) -> bool {
    // SAFETY: `file` is an open file.
    unsafe { (*file).flags & 1 != 0 } //~ lockless-access
}
