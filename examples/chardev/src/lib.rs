//! The chardev case study: `chardev.c` translated to Rust through the wrappers `invc gen`
//! makes from `chardev.inv` (the crate `chardev-inv` beside this one).
//!
//! The C module is a character device whose open files read and write one shared byte ring.
//! Its rules, written down in `chardev.inv`: the ring and the counters only under the device's
//! mutex; the statistics under a seqlock, whose readers never wait; `minor` never written after creation; one reference per open file, the last of
//! which frees the device; the file's fields read and written once (`READ_ONCE`), because
//! no lock guards them. Here those rules are types: the ring is reached only through
//! [`ChardevLockGuard`](chardev_inv::ChardevLockGuard), a file's reference is a
//! [`ChardevRef`], and the operations are a [`ChardevFops`] implementation whose C table
//! [`CHARDEV_FOPS`] is the generated one.
//!
//! The `unsafe` that is left is what no spec can make safe: the user buffers a `read` or
//! `write` is given, and turning the device pointer a file stores back into a reference.
//! [`c`] links the C module itself, for the tests that run both.

use core::ffi::{c_char, c_uint, c_ulong};
use core::ptr::{self, NonNull};

pub use chardev_inv::{Chardev, ChardevFile, ChardevFops, ChardevRef, chardev_fops_table, raw};
use inv::Errno;

pub mod c;

/// `CHARDEV_BUF_SIZE`: bytes the ring holds.
pub const CHARDEV_BUF_SIZE: u32 = 64;
/// `CHARDEV_MAX_OPEN`: files that may be open at once.
pub const CHARDEV_MAX_OPEN: u32 = 4;
/// `CHARDEV_IOC_RESET`: drop every buffered byte.
pub const CHARDEV_IOC_RESET: u32 = 0x4301;
/// `CHARDEV_IOC_FILL`: how many bytes are buffered.
pub const CHARDEV_IOC_FILL: u32 = 0x4302;
/// `CHARDEV_IOC_OPENERS`: how many files are open.
pub const CHARDEV_IOC_OPENERS: u32 = 0x4303;
/// `CHARDEV_IOC_WRITTEN`: bytes accepted since creation.
pub const CHARDEV_IOC_WRITTEN: u32 = 0x4304;
/// `CHARDEV_IOC_NONBLOCK`: with a nonzero argument, reads of an empty ring and writes to a
/// full one fail with `EAGAIN` instead of returning 0 and failing with `ENOSPC`.
pub const CHARDEV_IOC_NONBLOCK: u32 = 0x4305;
/// `CHARDEV_IOC_READS`: reads that returned data.
pub const CHARDEV_IOC_READS: u32 = 0x4306;
/// `CHARDEV_IOC_WRITES`: writes that stored data.
pub const CHARDEV_IOC_WRITES: u32 = 0x4307;
/// `CHARDEV_F_NONBLOCK`, the file flag the nonblocking ioctl sets.
pub const CHARDEV_F_NONBLOCK: c_uint = 1;

const RING: usize = CHARDEV_BUF_SIZE as usize;

/// `chardev_create`: a device with an empty ring, and the creator's reference to it.
///
/// Dropping the reference is `chardev_put`.
pub fn chardev_create(minor: u32) -> ChardevRef {
    // `minor` is readonly: it is set here, in the initialiser, before anyone else can see the
    // device, and never written again.
    let dev = Box::into_raw(Box::new(raw::chardev {
        minor,
        // SAFETY: all-zero bytes are a valid `struct chardev`: integers, a byte array, and a
        // mutex, kref and seqlock that are initialised below before use.
        ..unsafe { core::mem::zeroed() }
    }));
    // SAFETY: `dev` is a live allocation nobody else has; the shim's mutex and kref have the
    // header's layouts (the generated crate asserts it at compile time).
    unsafe {
        inv::sys::mutex_init((&raw mut (*dev).lock).cast());
        inv::sys::kref_init((&raw mut (*dev).ref_).cast());
        inv::sys::seqlock_init((&raw mut (*dev).stats_lock).cast());
    }
    // SAFETY: the device is initialised and stays alive while a reference is counted; the
    // single reference `kref_init` made is the one handed to the caller.
    unsafe { ChardevRef::from_raw(NonNull::new_unchecked(dev.cast())) }
}

/// `chardev_free`, the spec's `release` of `chardev.ref`: called by the last `kref_put`, from
/// a dropped [`ChardevRef`] (or from C's `kref_put` on a device Rust created).
///
/// # Safety
/// `kref` is the `ref` member of a device made by [`chardev_create`] whose count reached zero.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chardev_free(kref: *mut raw::kref) {
    let dev = inv::container_of_mut::<raw::chardev, raw::kref>(
        kref,
        core::mem::offset_of!(raw::chardev, ref_),
    );
    // SAFETY: the device came from `Box` in `chardev_create`, and no reference is left.
    drop(unsafe { Box::from_raw(dev) });
}

/// The device operations of `chardev.c`.
#[derive(Debug)]
pub struct ChardevOps;

/// The C operations table of the translation: `chardev.c`'s `chardev_fops`, calling
/// [`ChardevOps`] through the generated trampolines.
pub const CHARDEV_FOPS: raw::chardev_fops = chardev_fops_table::<ChardevOps>();

/// The device an open file refers to.
fn device(file: &ChardevFile) -> Result<&Chardev, Errno> {
    let dev = file.dev();
    if dev.is_null() {
        return Err(Errno::EBADF);
    }
    // SAFETY: `open` stored in `dev` a counted reference that `release` gives back only after
    // clearing `dev`; a file is not used after its release, so the device outlives `file`.
    Ok(unsafe { Chardev::from_raw(dev) })
}

fn nonblocking(file: &ChardevFile) -> bool {
    file.flags() & CHARDEV_F_NONBLOCK != 0
}

/// `copy_to_user`: copies `from` to the user buffer at `to`, failing with `EFAULT` on a null
/// buffer as the kernel's does on an unmapped one.
///
/// # Safety
/// A non-null `to` is valid for writes of `from.len()` bytes.
unsafe fn copy_to_user(to: *mut c_char, from: &[u8]) -> Result<(), Errno> {
    if from.is_empty() {
        return Ok(());
    }
    if to.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: the caller's contract; the ring never overlaps a user buffer.
    unsafe { ptr::copy_nonoverlapping(from.as_ptr(), to.cast::<u8>(), from.len()) };
    Ok(())
}

/// `copy_from_user`, as [`copy_to_user`] the other way.
///
/// # Safety
/// A non-null `from` is valid for reads of `to.len()` bytes.
unsafe fn copy_from_user(to: &mut [u8], from: *const c_char) -> Result<(), Errno> {
    if to.is_empty() {
        return Ok(());
    }
    if from.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: the caller's contract; the ring never overlaps a user buffer.
    unsafe { ptr::copy_nonoverlapping(from.cast::<u8>(), to.as_mut_ptr(), to.len()) };
    Ok(())
}

impl ChardevFops for ChardevOps {
    fn open(dev: &Chardev, file: &ChardevFile) -> Result<(), Errno> {
        let mut g = dev.lock();
        if g.openers() == CHARDEV_MAX_OPEN {
            return Err(Errno::EBUSY);
        }
        g.set_openers(g.openers() + 1);
        // The file keeps this reference until `release`.
        let file_ref = dev.get_ref();
        drop(g);
        file.set_dev(ChardevRef::into_raw(file_ref).as_ptr().cast());
        file.set_flags(0);
        Ok(())
    }

    unsafe fn read(file: &ChardevFile, buf: *mut c_char, len: usize) -> Result<isize, Errno> {
        if len == 0 {
            return Ok(0);
        }
        let nonblocking = nonblocking(file);
        let dev = device(file)?;
        let mut g = dev.lock();
        let count = g.count() as usize;
        if count == 0 {
            return if nonblocking {
                Err(Errno::EAGAIN)
            } else {
                Ok(0)
            };
        }
        let n = len.min(count);
        let head = g.head() as usize;
        // The buffered bytes may wrap around the end of the ring: copy in up to two runs.
        let first = (RING - head).min(n);
        let ring = g.buf();
        // SAFETY: the caller of `read` passes a buffer valid for `len` bytes (the trait's
        // contract), and both runs together are `n <= len` bytes of it; a null buffer fails on the first run.
        unsafe {
            copy_to_user(buf, &ring[head..head + first])?;
            copy_to_user(buf.wrapping_add(first), &ring[..n - first])?;
        }
        g.set_head(((head + n) % RING) as u32);
        g.set_count((count - n) as u32);
        // Under the mutex, as the spec's order says: lock, then stats_lock.
        let mut stats = dev.stats_lock_write();
        stats.set_reads(stats.reads() + 1);
        Ok(n as isize)
    }

    unsafe fn write(file: &ChardevFile, buf: *const c_char, len: usize) -> Result<isize, Errno> {
        if len == 0 {
            return Ok(0);
        }
        let nonblocking = nonblocking(file);
        let dev = device(file)?;
        let mut g = dev.lock();
        let count = g.count() as usize;
        let space = RING - count;
        if space == 0 {
            return Err(if nonblocking {
                Errno::EAGAIN
            } else {
                Errno::ENOSPC
            });
        }
        let n = len.min(space);
        let tail = (g.head() as usize + count) % RING;
        let first = (RING - tail).min(n);
        let ring = g.buf_mut();
        // SAFETY: the caller of `write` passes a buffer valid for `len` bytes (the trait's
        // contract), and both runs together are `n <= len` bytes of it; a null buffer fails on the first run.
        unsafe {
            copy_from_user(&mut ring[tail..tail + first], buf)?;
            copy_from_user(&mut ring[..n - first], buf.wrapping_add(first))?;
        }
        g.set_count((count + n) as u32);
        g.set_written(g.written() + n as c_ulong);
        let mut stats = dev.stats_lock_write();
        stats.set_writes(stats.writes() + 1);
        Ok(n as isize)
    }

    fn ioctl(file: &ChardevFile, cmd: c_uint, arg: c_ulong) -> Result<isize, Errno> {
        if cmd == CHARDEV_IOC_NONBLOCK {
            file.set_flags(if arg != 0 { CHARDEV_F_NONBLOCK } else { 0 });
            return Ok(0);
        }
        let dev = device(file)?;
        // The statistics are read without the mutex.
        match cmd {
            CHARDEV_IOC_READS => return Ok(dev.stats_lock_read(|s| s.reads()) as isize),
            CHARDEV_IOC_WRITES => return Ok(dev.stats_lock_read(|s| s.writes()) as isize),
            _ => {}
        }
        let mut g = dev.lock();
        match cmd {
            CHARDEV_IOC_RESET => {
                g.set_head(0);
                g.set_count(0);
                Ok(0)
            }
            CHARDEV_IOC_FILL => Ok(g.count() as isize),
            CHARDEV_IOC_OPENERS => Ok(g.openers() as isize),
            CHARDEV_IOC_WRITTEN => Ok(g.written() as isize),
            _ => Err(Errno::ENOTTY),
        }
    }

    fn release(file: &ChardevFile) -> Result<(), Errno> {
        let dev = device(file)?;
        {
            let mut g = dev.lock();
            g.set_openers(g.openers() - 1);
        }
        let stored = NonNull::from(dev);
        file.set_dev(ptr::null_mut());
        // SAFETY: `stored` is the reference `open` took and stored in the file; the file no
        // longer holds it, so it is given back exactly once. The last one frees the device.
        drop(unsafe { ChardevRef::from_raw(stored) });
        Ok(())
    }
}
