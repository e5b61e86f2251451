// Seeded bug: `ioctl` translated returning C's raw `long`, with -ENOTTY as a magic number, so
// a negative fill count and an error could not be told apart. The generated trait wants a
// `Result` with an `Errno`.
use chardev_example::{Chardev, ChardevFile, ChardevFops};
use core::ffi::{c_char, c_uint, c_ulong};

struct Ops;

impl ChardevFops for Ops {
    fn open(_: &Chardev, _: &ChardevFile) -> Result<(), inv::Errno> {
        Ok(())
    }
    unsafe fn read(_: &ChardevFile, _: *mut c_char, _: usize) -> Result<isize, inv::Errno> {
        Ok(0)
    }
    unsafe fn write(_: &ChardevFile, _: *const c_char, _: usize) -> Result<isize, inv::Errno> {
        Ok(0)
    }
    fn ioctl(_: &ChardevFile, _: c_uint, _: c_ulong) -> isize {
        -25
    }
    fn release(_: &ChardevFile) -> Result<(), inv::Errno> {
        Ok(())
    }
}

fn main() {}
