//! Kernel error numbers and the C return conventions of `ops` tables.
//!
//! C functions return `0` or a negative error number as `int`, and a count or a negative error
//! number as `ssize_t`. The spec's `-> errno` becomes `Result<_, Errno>` on the Rust side;
//! the functions here convert at the boundary, in both directions, so that generated vtable
//! shims and wrappers of C functions never open-code the sign convention.

use core::ffi::c_int;
use core::fmt;

/// A kernel error number, such as [`Errno::EINVAL`]: a positive `i32`, which C returns
/// negated.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(i32);

macro_rules! errnos {
    ($($name:ident = $value:literal: $doc:literal,)*) => {
        impl Errno {
            $(
                #[doc = $doc]
                pub const $name: Errno = Errno($value);
            )*

            /// The constant's name (`"EINVAL"`), if this is one of them.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some(stringify!($name)),)*
                    _ => None,
                }
            }
        }
    };
}

errnos! {
    EPERM = 1: "Operation not permitted.",
    ENOENT = 2: "No such file or directory.",
    ESRCH = 3: "No such process.",
    EINTR = 4: "Interrupted system call.",
    EIO = 5: "I/O error.",
    ENXIO = 6: "No such device or address.",
    E2BIG = 7: "Argument list too long.",
    EBADF = 9: "Bad file number.",
    EAGAIN = 11: "Try again.",
    ENOMEM = 12: "Out of memory.",
    EACCES = 13: "Permission denied.",
    EFAULT = 14: "Bad address.",
    EBUSY = 16: "Device or resource busy.",
    EEXIST = 17: "File exists.",
    ENODEV = 19: "No such device.",
    ENOTDIR = 20: "Not a directory.",
    EISDIR = 21: "Is a directory.",
    EINVAL = 22: "Invalid argument.",
    ENFILE = 23: "File table overflow.",
    EMFILE = 24: "Too many open files.",
    ENOTTY = 25: "Not a typewriter (inappropriate ioctl).",
    EFBIG = 27: "File too large.",
    ENOSPC = 28: "No space left on device.",
    ESPIPE = 29: "Illegal seek.",
    EROFS = 30: "Read-only file system.",
    EPIPE = 32: "Broken pipe.",
    ERANGE = 34: "Result out of range.",
    EDEADLK = 35: "Resource deadlock would occur.",
    ENAMETOOLONG = 36: "File name too long.",
    ENOSYS = 38: "Invalid system call number.",
    ENOTEMPTY = 39: "Directory not empty.",
    ENODATA = 61: "No data available.",
    EOVERFLOW = 75: "Value too large for defined data type.",
    EOPNOTSUPP = 95: "Operation not supported.",
    ETIMEDOUT = 110: "Connection timed out.",
}

/// The largest error number: C values in `-MAX_ERRNO..=-1` are errors (`IS_ERR_VALUE`).
pub const MAX_ERRNO: i32 = 4095;

impl Errno {
    /// The error with number `code`, if `code` is in `1..=MAX_ERRNO`.
    pub const fn new(code: i32) -> Option<Errno> {
        if code >= 1 && code <= MAX_ERRNO {
            Some(Errno(code))
        } else {
            None
        }
    }

    /// The positive error number.
    pub const fn code(self) -> i32 {
        self.0
    }

    /// The negative value C returns for this error (`-EINVAL`).
    pub const fn to_neg(self) -> c_int {
        -self.0
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "error {}", self.0),
        }
    }
}

/// `Ok(())` as `0` and `Err(e)` as `-e`: what a C function returning `int` returns.
pub fn to_c_int(result: Result<(), Errno>) -> c_int {
    match result {
        Ok(()) => 0,
        Err(errno) => errno.to_neg(),
    }
}

/// A C `int` return value as a result: `0` and positive values are `Ok`, `-MAX_ERRNO..=-1` is
/// the error, and any other negative value (a C bug) is `Err(EINVAL)`.
pub fn from_c_int(ret: c_int) -> Result<(), Errno> {
    if ret >= 0 {
        Ok(())
    } else {
        Err(Errno::new(-ret).unwrap_or(Errno::EINVAL))
    }
}

/// `Ok(n)` as `n` and `Err(e)` as `-e`: what a C function returning `ssize_t` returns.
///
/// A negative `Ok` value would read as an error in C; it is a bug in the caller, caught by a
/// debug assertion, and returned as `-EINVAL` in release builds.
pub fn to_c_ssize(result: Result<isize, Errno>) -> isize {
    match result {
        Ok(count) if count >= 0 => count,
        Ok(count) => {
            debug_assert!(count >= 0, "Ok({count}) cannot be returned as ssize_t");
            Errno::EINVAL.to_neg() as isize
        }
        Err(errno) => errno.to_neg() as isize,
    }
}

/// A C `ssize_t` return value as a result: non-negative values are the count,
/// `-MAX_ERRNO..=-1` the error, and any other negative value (a C bug) is `Err(EINVAL)`.
pub fn from_c_ssize(ret: isize) -> Result<isize, Errno> {
    if ret >= 0 {
        Ok(ret)
    } else {
        let code = ret.checked_neg().and_then(|code| i32::try_from(code).ok());
        Err(code.and_then(Errno::new).unwrap_or(Errno::EINVAL))
    }
}
