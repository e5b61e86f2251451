//! The wrappers of the spec's items; see the module documentation.
#![allow(non_snake_case)]
use crate::raw;
/// The C `struct chardev`, as `chardev.inv:4` says it is used.
#[repr(transparent)]
pub struct Chardev(::core::cell::UnsafeCell<raw::chardev>);
impl Chardev {
    /// Wraps a C object; the only way to get a wrapper.
    ///
    /// # Safety
    /// `ptr` points to an initialised `struct chardev` that stays valid for `'a`, and every access to it by other code, C or Rust, keeps the rules of `examples/chardev/chardev.inv`: guarded fields only with their lock held, `readonly` fields not written any more, `lockless` fields only with `READ_ONCE`/`WRITE_ONCE`.
    pub unsafe fn from_raw<'a>(ptr: *mut raw::chardev) -> &'a Self {
        let this = unsafe { &*ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// Wraps a C object the caller has to itself, so that its plain fields can be set.
    ///
    /// # Safety
    /// As for [`Chardev::from_raw`], and no other code accesses the struct while the returned reference lives (as during initialisation, before the struct is published).
    pub unsafe fn from_raw_mut<'a>(ptr: *mut raw::chardev) -> &'a mut Self {
        let this = unsafe { &mut *ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(&self) -> *mut raw::chardev {
        self.0.get()
    }
    fn check_unguarded_invariants(&self) {}
    /// Reads `minor`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`chardev.inv:17`)
    pub fn minor(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).minor }
    }
    /// Takes `lock` (mutex, may sleep), as `chardev.inv:7` says it is taken; the guard releases it when dropped.
    ///
    /// Guards the ring and the counters. A mutex: reads and writes copy to and from user
    /// memory while holding it, and that may sleep.
    pub fn lock(&self) -> ChardevLockGuard<'_> {
        ChardevLockGuard(::inv::LockGuard::lock(self))
    }
    /// Takes `stats_lock` (seqlock, exclusive), as `chardev.inv:14` says it is taken; the guard releases it when dropped.
    ///
    /// Statistics: counted under the mutex, read by ioctls without it.
    pub fn stats_lock_write(&self) -> ChardevStatsLockWriteGuard<'_> {
        ChardevStatsLockWriteGuard(::inv::LockGuard::lock(self))
    }
    /// Runs `attempt` as a read section of the seqlock `stats_lock` (`chardev.inv:14`) until no writer overlapped it (`read_seqbegin`/`read_seqretry`), and returns its last result. `attempt` may run several times, so it must only compute its result.
    pub fn stats_lock_read<R>(
        &self,
        mut attempt: impl FnMut(&ChardevStatsLockReadGuard<'_>) -> R,
    ) -> R {
        ::inv::SeqReadGuard::read(self, |g| attempt(&ChardevStatsLockReadGuard(g)))
    }
    /// Takes a reference (`kref_get` on `ref`).
    pub fn get_ref(&self) -> ChardevRef {
        ::inv::KrefRef::new(self)
    }
    /// Evaluates `count <= CHARDEV_BUF_SIZE` (`chardev.inv:9`).
    /// Called with the lock that guards these fields held.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_0(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            ((((*self.as_raw()).count) as i128) <= 64i128)
        })
    }
    /// Evaluates `head < CHARDEV_BUF_SIZE` (`chardev.inv:10`).
    /// Called with the lock that guards these fields held.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_1(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            ((((*self.as_raw()).head) as i128) < 64i128)
        })
    }
    /// Evaluates `openers <= CHARDEV_MAX_OPEN` (`chardev.inv:11`).
    /// Called with the lock that guards these fields held.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_2(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            ((((*self.as_raw()).openers) as i128) <= 4i128)
        })
    }
}
unsafe impl ::core::marker::Sync for Chardev {}
unsafe impl ::core::marker::Send for Chardev {}
/// Names the lock `lock` of `struct chardev` in guard types.
pub enum ChardevLockTag {}
const _: () = assert!(
    ::core::mem::size_of:: < raw::mutex > () == ::core::mem::size_of:: <
    ::inv::sys::mutex > () && ::core::mem::align_of:: < raw::mutex > () ==
    ::core::mem::align_of:: < ::inv::sys::mutex > (),
    "the C type of `chardev.lock` must have the layout of the runtime's lock type"
);
unsafe impl ::inv::HasLock<ChardevLockTag> for Chardev {
    type Lock = ::inv::sys::mutex;
    fn raw_lock(&self) -> *mut ::inv::sys::mutex {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).lock) }
            .cast::<::inv::sys::mutex>()
    }
    fn check_invariant(&self) {
        debug_assert!(
            self.invariant_0().unwrap_or(false),
            "invariant `count <= CHARDEV_BUF_SIZE` (chardev.inv:9) violated"
        );
        debug_assert!(
            self.invariant_1().unwrap_or(false),
            "invariant `head < CHARDEV_BUF_SIZE` (chardev.inv:10) violated"
        );
        debug_assert!(
            self.invariant_2().unwrap_or(false),
            "invariant `openers <= CHARDEV_MAX_OPEN` (chardev.inv:11) violated"
        );
    }
}
/// `lock` of `struct chardev` held: the fields it guards are reached through this guard.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ChardevLockGuard<'a>(::inv::MutexGuard<'a, Chardev, ChardevLockTag>);
impl<'a> ChardevLockGuard<'a> {
    /// The object whose lock is held.
    pub fn owner(&self) -> &'a Chardev {
        self.0.owner()
    }
    /// Reads `head`, guarded by this lock (`chardev.inv:8`).
    pub fn head(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).head }
    }
    /// Writes `head`, guarded by this lock (`chardev.inv:8`).
    pub fn set_head(&mut self, v: ::core::ffi::c_uint) {
        unsafe { ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).head).write(v) }
    }
    /// Reads `count`, guarded by this lock (`chardev.inv:8`).
    pub fn count(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).count }
    }
    /// Writes `count`, guarded by this lock (`chardev.inv:8`).
    pub fn set_count(&mut self, v: ::core::ffi::c_uint) {
        unsafe { ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).count).write(v) }
    }
    /// Reads `openers`, guarded by this lock (`chardev.inv:8`).
    pub fn openers(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).openers }
    }
    /// Writes `openers`, guarded by this lock (`chardev.inv:8`).
    pub fn set_openers(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).openers).write(v)
        }
    }
    /// Reads `written`, guarded by this lock (`chardev.inv:8`).
    pub fn written(&self) -> ::core::ffi::c_ulong {
        unsafe { (*self.0.owner().as_raw()).written }
    }
    /// Writes `written`, guarded by this lock (`chardev.inv:8`).
    pub fn set_written(&mut self, v: ::core::ffi::c_ulong) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).written).write(v)
        }
    }
    /// Reads `buf`, guarded by this lock (`chardev.inv:8`).
    pub fn buf(&self) -> &[::core::ffi::c_uchar; 64usize] {
        unsafe { &*::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).buf) }
    }
    /// Writes `buf`, guarded by this lock (`chardev.inv:8`).
    pub fn buf_mut(&mut self) -> &mut [::core::ffi::c_uchar; 64usize] {
        unsafe { &mut *::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).buf) }
    }
}
/// Names the lock `stats_lock` of `struct chardev` in guard types.
pub enum ChardevStatsLockTag {}
const _: () = assert!(
    ::core::mem::size_of:: < raw::seqlock_t > () == ::core::mem::size_of:: <
    ::inv::sys::seqlock_t > () && ::core::mem::align_of:: < raw::seqlock_t > () ==
    ::core::mem::align_of:: < ::inv::sys::seqlock_t > (),
    "the C type of `chardev.stats_lock` must have the layout of the runtime's lock type"
);
unsafe impl ::inv::HasLock<ChardevStatsLockTag> for Chardev {
    type Lock = ::inv::sys::seqlock_t;
    fn raw_lock(&self) -> *mut ::inv::sys::seqlock_t {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).stats_lock) }
            .cast::<::inv::sys::seqlock_t>()
    }
}
/// `stats_lock` of `struct chardev` held: the fields it guards are reached through this guard.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ChardevStatsLockWriteGuard<'a>(
    ::inv::SeqLockWriteGuard<'a, Chardev, ::inv::Plain, ChardevStatsLockTag>,
);
impl<'a> ChardevStatsLockWriteGuard<'a> {
    /// The object whose lock is held.
    pub fn owner(&self) -> &'a Chardev {
        self.0.owner()
    }
    /// Reads `reads`, guarded by this lock (`chardev.inv:15`).
    pub fn reads(&self) -> ::core::ffi::c_ulong {
        unsafe { (*self.0.owner().as_raw()).reads }
    }
    /// Writes `reads`, guarded by this lock (`chardev.inv:15`).
    pub fn set_reads(&mut self, v: ::core::ffi::c_ulong) {
        unsafe { ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).reads).write(v) }
    }
    /// Reads `writes`, guarded by this lock (`chardev.inv:15`).
    pub fn writes(&self) -> ::core::ffi::c_ulong {
        unsafe { (*self.0.owner().as_raw()).writes }
    }
    /// Writes `writes`, guarded by this lock (`chardev.inv:15`).
    pub fn set_writes(&mut self, v: ::core::ffi::c_ulong) {
        unsafe { ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).writes).write(v) }
    }
}
/// One attempt at a read section of the seqlock `stats_lock` of `struct chardev`: the guarded fields, copied out.
pub struct ChardevStatsLockReadGuard<'r>(
    &'r ::inv::SeqReadGuard<'r, Chardev, ChardevStatsLockTag>,
);
impl<'r> ChardevStatsLockReadGuard<'r> {
    /// The object whose seqlock is being read.
    pub fn owner(&self) -> &'r Chardev {
        self.0.owner()
    }
    /// Reads `reads` inside the read section (`chardev.inv:15`): a copy, trustworthy only once the section ends without a retry.
    pub fn reads(&self) -> ::core::ffi::c_ulong {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).reads).read_volatile()
        }
    }
    /// Reads `writes` inside the read section (`chardev.inv:15`): a copy, trustworthy only once the section ends without a retry.
    pub fn writes(&self) -> ::core::ffi::c_ulong {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).writes).read_volatile()
        }
    }
}
/// An owned reference to a `struct chardev` (`chardev.inv:19`): cloning takes a reference (`kref_get`), dropping gives it back (`kref_put`), and the last one calls `chardev_free`.
pub type ChardevRef = ::inv::KrefRef<Chardev>;
const _: () = assert!(
    ::core::mem::size_of:: < raw::kref > () == ::core::mem::size_of:: < ::inv::sys::kref
    > (), "`chardev.ref` must be a `struct kref` of the runtime's layout"
);
unsafe extern "C" fn __release_chardev(kref: *mut ::inv::sys::kref) {
    unsafe { raw::chardev_free(kref.cast()) }
}
unsafe impl ::inv::Refcounted for Chardev {
    const RELEASE: unsafe extern "C" fn(*mut ::inv::sys::kref) = __release_chardev;
    fn raw_kref(&self) -> *mut ::inv::sys::kref {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).ref_) }
            .cast::<::inv::sys::kref>()
    }
}
/// The C `struct chardev_file`, as `chardev.inv:25` says it is used.
///
/// An open file. Several tasks may use one file at once (two threads reading one file
/// descriptor), and no lock guards its fields: `open` sets `dev`, `release` clears it, and
/// the nonblocking ioctl sets `flags` while reads may be testing it.
#[repr(transparent)]
pub struct ChardevFile(::core::cell::UnsafeCell<raw::chardev_file>);
impl ChardevFile {
    /// Wraps a C object; the only way to get a wrapper.
    ///
    /// # Safety
    /// `ptr` points to an initialised `struct chardev_file` that stays valid for `'a`, and every access to it by other code, C or Rust, keeps the rules of `examples/chardev/chardev.inv`: guarded fields only with their lock held, `readonly` fields not written any more, `lockless` fields only with `READ_ONCE`/`WRITE_ONCE`.
    pub unsafe fn from_raw<'a>(ptr: *mut raw::chardev_file) -> &'a Self {
        let this = unsafe { &*ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// Wraps a C object the caller has to itself, so that its plain fields can be set.
    ///
    /// # Safety
    /// As for [`ChardevFile::from_raw`], and no other code accesses the struct while the returned reference lives (as during initialisation, before the struct is published).
    pub unsafe fn from_raw_mut<'a>(ptr: *mut raw::chardev_file) -> &'a mut Self {
        let this = unsafe { &mut *ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(&self) -> *mut raw::chardev_file {
        self.0.get()
    }
    fn check_unguarded_invariants(&self) {}
    /// Reads `dev` once, as `READ_ONCE` does: it is `lockless`, so others write it concurrently. (`chardev.inv:26`)
    pub fn dev(&self) -> *mut raw::chardev {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).dev).read_volatile() }
    }
    /// Writes `dev` once, as `WRITE_ONCE` does.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn set_dev(&self, v: *mut raw::chardev) {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).dev).write_volatile(v) }
    }
    /// Reads `flags` once, as `READ_ONCE` does: it is `lockless`, so others write it concurrently. (`chardev.inv:26`)
    pub fn flags(&self) -> ::core::ffi::c_uint {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).flags).read_volatile() }
    }
    /// Writes `flags` once, as `WRITE_ONCE` does.
    pub fn set_flags(&self, v: ::core::ffi::c_uint) {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).flags).write_volatile(v) }
    }
}
unsafe impl ::core::marker::Sync for ChardevFile {}
unsafe impl ::core::marker::Send for ChardevFile {}
/// The operations of `struct chardev_fops` (`chardev.inv:29`): implement it, and [`chardev_fops_table`] gives the C table that calls the implementation.
pub trait ChardevFops {
    /// `open` of `struct chardev_fops` (`chardev.inv:30`).
    /// Called in process context: it may sleep.
    fn open(
        dev: &Chardev,
        file: &ChardevFile,
    ) -> ::core::result::Result<(), ::inv::Errno>;
    /// `read` of `struct chardev_fops` (`chardev.inv:31`).
    /// Called in process context: it may sleep.
    ///
    /// # Safety
    /// `buf` is what the C caller of `chardev_fops.read` passes, valid as its contract says.
    unsafe fn read(
        file: &ChardevFile,
        buf: *mut ::core::ffi::c_char,
        len: usize,
    ) -> ::core::result::Result<isize, ::inv::Errno>;
    /// `write` of `struct chardev_fops` (`chardev.inv:32`).
    /// Called in process context: it may sleep.
    ///
    /// # Safety
    /// `buf` is what the C caller of `chardev_fops.write` passes, valid as its contract says.
    unsafe fn write(
        file: &ChardevFile,
        buf: *const ::core::ffi::c_char,
        len: usize,
    ) -> ::core::result::Result<isize, ::inv::Errno>;
    /// `ioctl` of `struct chardev_fops` (`chardev.inv:33`).
    /// Called in process context: it may sleep.
    fn ioctl(
        file: &ChardevFile,
        cmd: ::core::ffi::c_uint,
        arg: ::core::ffi::c_ulong,
    ) -> ::core::result::Result<isize, ::inv::Errno>;
    /// `release` of `struct chardev_fops` (`chardev.inv:34`).
    /// Called in process context: it may sleep.
    fn release(file: &ChardevFile) -> ::core::result::Result<(), ::inv::Errno>;
}
/// The C `struct chardev_fops` whose members call `T`'s functions.
pub const fn chardev_fops_table<T: ChardevFops>() -> raw::chardev_fops {
    raw::chardev_fops {
        open: ::core::option::Option::Some(__chardev_fops_open::<T>),
        read: ::core::option::Option::Some(__chardev_fops_read::<T>),
        write: ::core::option::Option::Some(__chardev_fops_write::<T>),
        ioctl: ::core::option::Option::Some(__chardev_fops_ioctl::<T>),
        release: ::core::option::Option::Some(__chardev_fops_release::<T>),
    }
}
unsafe extern "C" fn __chardev_fops_open<T: ChardevFops>(
    dev: *mut raw::chardev,
    file: *mut raw::chardev_file,
) -> ::core::ffi::c_int {
    let dev = unsafe { Chardev::from_raw(dev) };
    let file = unsafe { ChardevFile::from_raw(file) };
    let result = T::open(dev, file);
    ::inv::errno::to_c_int(result) as _
}
unsafe extern "C" fn __chardev_fops_read<T: ChardevFops>(
    file: *mut raw::chardev_file,
    buf: *mut ::core::ffi::c_char,
    len: usize,
) -> isize {
    let file = unsafe { ChardevFile::from_raw(file) };
    let result = unsafe { T::read(file, buf, len) };
    ::inv::errno::to_c_ssize(result) as _
}
unsafe extern "C" fn __chardev_fops_write<T: ChardevFops>(
    file: *mut raw::chardev_file,
    buf: *const ::core::ffi::c_char,
    len: usize,
) -> isize {
    let file = unsafe { ChardevFile::from_raw(file) };
    let result = unsafe { T::write(file, buf, len) };
    ::inv::errno::to_c_ssize(result) as _
}
unsafe extern "C" fn __chardev_fops_ioctl<T: ChardevFops>(
    file: *mut raw::chardev_file,
    cmd: ::core::ffi::c_uint,
    arg: ::core::ffi::c_ulong,
) -> ::core::ffi::c_long {
    let file = unsafe { ChardevFile::from_raw(file) };
    let result = T::ioctl(file, cmd, arg);
    ::inv::errno::to_c_ssize(result) as _
}
unsafe extern "C" fn __chardev_fops_release<T: ChardevFops>(
    file: *mut raw::chardev_file,
) -> ::core::ffi::c_int {
    let file = unsafe { ChardevFile::from_raw(file) };
    let result = T::release(file);
    ::inv::errno::to_c_int(result) as _
}
