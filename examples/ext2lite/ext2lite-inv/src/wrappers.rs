//! The wrappers of the spec's items; see the module documentation.
#![allow(non_snake_case)]
use crate::raw;
/// The C `struct inode`, as `ext2lite.inv:5` says it is used.
///
/// The VFS part of an inode, embedded in the fs's `struct ext2l_inode_info`.
#[repr(transparent)]
pub struct Inode(::core::cell::UnsafeCell<raw::inode>);
impl Inode {
    /// Wraps a C object; the only way to get a wrapper.
    ///
    /// # Safety
    /// `ptr` points to an initialised `struct inode` that stays valid for `'a`, and every access to it by other code, C or Rust, keeps the rules of `examples/ext2lite/ext2lite.inv`: guarded fields only with their lock held, `readonly` fields not written any more, `lockless` fields only with `READ_ONCE`/`WRITE_ONCE`.
    pub unsafe fn from_raw<'a>(ptr: *mut raw::inode) -> &'a Self {
        let this = unsafe { &*ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// Wraps a C object the caller has to itself, so that its plain fields can be set.
    ///
    /// # Safety
    /// As for [`Inode::from_raw`], and no other code accesses the struct while the returned reference lives (as during initialisation, before the struct is published).
    pub unsafe fn from_raw_mut<'a>(ptr: *mut raw::inode) -> &'a mut Self {
        let this = unsafe { &mut *ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(&self) -> *mut raw::inode {
        self.0.get()
    }
    fn check_unguarded_invariants(&self) {}
    /// Reads `i_ino`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:7`)
    ///
    /// Set when the inode is read, never changed after.
    pub fn i_ino(&self) -> ::core::ffi::c_ulong {
        unsafe { (*self.as_raw()).i_ino }
    }
    /// Reads `i_mode`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:7`)
    ///
    /// Set when the inode is read, never changed after.
    pub fn i_mode(&self) -> ::core::ffi::c_ushort {
        unsafe { (*self.as_raw()).i_mode }
    }
    /// Reads `i_sb`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:7`)
    ///
    /// Set when the inode is read, never changed after.
    pub fn i_sb(&self) -> *mut raw::ext2l_sb_info {
        unsafe { (*self.as_raw()).i_sb }
    }
    /// Takes `i_lock` (spinlock), as `ext2lite.inv:9` says it is taken; the guard releases it when dropped.
    ///
    /// Taken for short updates of the size and link count only.
    pub fn i_lock(&self) -> InodeILockGuard<'_> {
        InodeILockGuard(::inv::LockGuard::lock(self))
    }
}
unsafe impl ::core::marker::Sync for Inode {}
unsafe impl ::core::marker::Send for Inode {}
/// Names the lock `i_lock` of `struct inode` in guard types.
pub enum InodeILockTag {}
const _: () = assert!(
    ::core::mem::size_of:: < raw::spinlock_t > () == ::core::mem::size_of:: <
    ::inv::sys::spinlock_t > () && ::core::mem::align_of:: < raw::spinlock_t > () ==
    ::core::mem::align_of:: < ::inv::sys::spinlock_t > (),
    "the C type of `inode.i_lock` must have the layout of the runtime's lock type"
);
unsafe impl ::inv::HasLock<InodeILockTag> for Inode {
    type Lock = ::inv::sys::spinlock_t;
    fn raw_lock(&self) -> *mut ::inv::sys::spinlock_t {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).i_lock) }
            .cast::<::inv::sys::spinlock_t>()
    }
}
/// `i_lock` of `struct inode` held: the fields it guards are reached through this guard.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct InodeILockGuard<'a>(
    ::inv::SpinLockGuard<'a, Inode, ::inv::Plain, InodeILockTag>,
);
impl<'a> InodeILockGuard<'a> {
    /// The object whose lock is held.
    pub fn owner(&self) -> &'a Inode {
        self.0.owner()
    }
    /// Reads `i_size`, guarded by this lock (`ext2lite.inv:10`).
    pub fn i_size(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).i_size }
    }
    /// Writes `i_size`, guarded by this lock (`ext2lite.inv:10`).
    pub fn set_i_size(&mut self, v: ::core::ffi::c_uint) {
        unsafe { ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).i_size).write(v) }
    }
    /// Reads `i_nlink`, guarded by this lock (`ext2lite.inv:10`).
    pub fn i_nlink(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).i_nlink }
    }
    /// Writes `i_nlink`, guarded by this lock (`ext2lite.inv:10`).
    pub fn set_i_nlink(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).i_nlink).write(v)
        }
    }
}
/// The C `struct ext2l_inode_info`, as `ext2lite.inv:14` says it is used.
///
/// The fs's own inode: counted, cached on its superblock, with the VFS inode inside.
#[repr(transparent)]
pub struct Ext2lInodeInfo(::core::cell::UnsafeCell<raw::ext2l_inode_info>);
impl Ext2lInodeInfo {
    /// Wraps a C object; the only way to get a wrapper.
    ///
    /// # Safety
    /// `ptr` points to an initialised `struct ext2l_inode_info` that stays valid for `'a`, and every access to it by other code, C or Rust, keeps the rules of `examples/ext2lite/ext2lite.inv`: guarded fields only with their lock held, `readonly` fields not written any more, `lockless` fields only with `READ_ONCE`/`WRITE_ONCE`.
    pub unsafe fn from_raw<'a>(ptr: *mut raw::ext2l_inode_info) -> &'a Self {
        let this = unsafe { &*ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// Wraps a C object the caller has to itself, so that its plain fields can be set.
    ///
    /// # Safety
    /// As for [`Ext2lInodeInfo::from_raw`], and no other code accesses the struct while the returned reference lives (as during initialisation, before the struct is published).
    pub unsafe fn from_raw_mut<'a>(ptr: *mut raw::ext2l_inode_info) -> &'a mut Self {
        let this = unsafe { &mut *ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(&self) -> *mut raw::ext2l_inode_info {
        self.0.get()
    }
    fn check_unguarded_invariants(&self) {}
    /// Takes `i_mutex` (mutex, may sleep), as `ext2lite.inv:17` says it is taken; the guard releases it when dropped.
    ///
    /// The block map; I/O happens under it, so it is a sleeping lock.
    pub fn i_mutex(&self) -> Ext2lInodeInfoIMutexGuard<'_> {
        Ext2lInodeInfoIMutexGuard(::inv::LockGuard::lock(self))
    }
    /// Takes a reference (`kref_get` on `i_ref`).
    pub fn get_i_ref(&self) -> Ext2lInodeInfoRef {
        ::inv::KrefRef::new(self)
    }
    /// The embedded `vfs_inode` (`ext2lite.inv:19`).
    pub fn vfs_inode(&self) -> Ext2lInodeInfoVfsInode<'_> {
        let ptr = unsafe {
            ::core::ptr::NonNull::new_unchecked(
                ::core::ptr::addr_of_mut!((* self.as_raw()).vfs_inode),
            )
        };
        Ext2lInodeInfoVfsInode {
            ptr,
            _parent: ::core::marker::PhantomData,
        }
    }
    /// The `struct ext2l_inode_info` that contains `member`: C's `container_of(ptr, struct ext2l_inode_info, vfs_inode)`, safe because a [`Ext2lInodeInfoVfsInode`] only comes from inside one.
    pub fn from_vfs_inode<'a>(member: Ext2lInodeInfoVfsInode<'a>) -> &'a Self {
        let offset = ::core::mem::offset_of!(raw::ext2l_inode_info, vfs_inode);
        let parent = ::inv::container_of_mut::<
            raw::ext2l_inode_info,
            raw::inode,
        >(member.as_raw(), offset);
        unsafe { &*parent.cast::<Self>() }
    }
}
unsafe impl ::core::marker::Sync for Ext2lInodeInfo {}
unsafe impl ::core::marker::Send for Ext2lInodeInfo {}
/// Names the lock `i_mutex` of `struct ext2l_inode_info` in guard types.
pub enum Ext2lInodeInfoIMutexTag {}
const _: () = assert!(
    ::core::mem::size_of:: < raw::mutex > () == ::core::mem::size_of:: <
    ::inv::sys::mutex > () && ::core::mem::align_of:: < raw::mutex > () ==
    ::core::mem::align_of:: < ::inv::sys::mutex > (),
    "the C type of `ext2l_inode_info.i_mutex` must have the layout of the runtime's lock type"
);
unsafe impl ::inv::HasLock<Ext2lInodeInfoIMutexTag> for Ext2lInodeInfo {
    type Lock = ::inv::sys::mutex;
    fn raw_lock(&self) -> *mut ::inv::sys::mutex {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).i_mutex) }
            .cast::<::inv::sys::mutex>()
    }
}
/// `i_mutex` of `struct ext2l_inode_info` held: the fields it guards are reached through this guard.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct Ext2lInodeInfoIMutexGuard<'a>(
    ::inv::MutexGuard<'a, Ext2lInodeInfo, Ext2lInodeInfoIMutexTag>,
);
impl<'a> Ext2lInodeInfoIMutexGuard<'a> {
    /// The object whose lock is held.
    pub fn owner(&self) -> &'a Ext2lInodeInfo {
        self.0.owner()
    }
    /// Reads `i_data`, guarded by this lock (`ext2lite.inv:18`).
    pub fn i_data(&self) -> &[::core::ffi::c_uint; 15usize] {
        unsafe { &*::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).i_data) }
    }
    /// Writes `i_data`, guarded by this lock (`ext2lite.inv:18`).
    pub fn i_data_mut(&mut self) -> &mut [::core::ffi::c_uint; 15usize] {
        unsafe { &mut *::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).i_data) }
    }
    /// Reads `i_blocks`, guarded by this lock (`ext2lite.inv:18`).
    pub fn i_blocks(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).i_blocks }
    }
    /// Writes `i_blocks`, guarded by this lock (`ext2lite.inv:18`).
    pub fn set_i_blocks(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).i_blocks).write(v)
        }
    }
    /// Reads `i_dirty`, guarded by this lock (`ext2lite.inv:18`).
    pub fn i_dirty(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).i_dirty }
    }
    /// Writes `i_dirty`, guarded by this lock (`ext2lite.inv:18`).
    pub fn set_i_dirty(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).i_dirty).write(v)
        }
    }
}
/// An owned reference to a `struct ext2l_inode_info` (`ext2lite.inv:15`): cloning takes a reference (`kref_get`), dropping gives it back (`kref_put`), and the last one calls `ext2l_inode_release`.
pub type Ext2lInodeInfoRef = ::inv::KrefRef<Ext2lInodeInfo>;
const _: () = assert!(
    ::core::mem::size_of:: < raw::kref > () == ::core::mem::size_of:: < ::inv::sys::kref
    > (), "`ext2l_inode_info.i_ref` must be a `struct kref` of the runtime's layout"
);
unsafe extern "C" fn __release_ext2l_inode_info(kref: *mut ::inv::sys::kref) {
    unsafe { raw::ext2l_inode_release(kref.cast()) }
}
unsafe impl ::inv::Refcounted for Ext2lInodeInfo {
    const RELEASE: unsafe extern "C" fn(*mut ::inv::sys::kref) = __release_ext2l_inode_info;
    unsafe fn raw_kref(this: ::core::ptr::NonNull<Self>) -> *mut ::inv::sys::kref {
        unsafe {
            ::core::ptr::addr_of_mut!(
                (* this.as_ptr().cast:: < raw::ext2l_inode_info > ()).i_ref
            )
        }
            .cast::<::inv::sys::kref>()
    }
}
/// The `inode` embedded as `vfs_inode` in `struct ext2l_inode_info` (`ext2lite.inv:19`): made only from its parent, so [`Ext2lInodeInfo::from_vfs_inode`] can give the parent back.
///
/// A handle (a pointer borrowed for `'a`), not a reference to the member: the pointer it keeps reaches the whole parent, which `container_of` needs.
#[derive(Clone, Copy)]
pub struct Ext2lInodeInfoVfsInode<'a> {
    ptr: ::core::ptr::NonNull<raw::inode>,
    _parent: ::core::marker::PhantomData<&'a Ext2lInodeInfo>,
}
unsafe impl ::core::marker::Sync for Ext2lInodeInfoVfsInode<'_> {}
unsafe impl ::core::marker::Send for Ext2lInodeInfoVfsInode<'_> {}
impl<'a> Ext2lInodeInfoVfsInode<'a> {
    /// Wraps a `struct inode` that is the `vfs_inode` member of a live `struct ext2l_inode_info`.
    ///
    /// # Safety
    /// `ptr` points to the `vfs_inode` member of a `struct ext2l_inode_info` valid for `'a`, under the rules of [`Ext2lInodeInfo::from_raw`], and was derived from a pointer to that whole struct (as C's pointers are), not from a reference to the member alone.
    pub unsafe fn from_raw(ptr: *mut raw::inode) -> Self {
        let ptr = unsafe { ::core::ptr::NonNull::new_unchecked(ptr) };
        Ext2lInodeInfoVfsInode {
            ptr,
            _parent: ::core::marker::PhantomData,
        }
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(self) -> *mut raw::inode {
        self.ptr.as_ptr()
    }
}
/// The C `struct ext2l_sb_info`, as `ext2lite.inv:23` says it is used.
///
/// The in-memory superblock.
#[repr(transparent)]
pub struct Ext2lSbInfo(::core::cell::UnsafeCell<raw::ext2l_sb_info>);
impl Ext2lSbInfo {
    /// Wraps a C object; the only way to get a wrapper.
    ///
    /// # Safety
    /// `ptr` points to an initialised `struct ext2l_sb_info` that stays valid for `'a`, and every access to it by other code, C or Rust, keeps the rules of `examples/ext2lite/ext2lite.inv`: guarded fields only with their lock held, `readonly` fields not written any more, `lockless` fields only with `READ_ONCE`/`WRITE_ONCE`.
    pub unsafe fn from_raw<'a>(ptr: *mut raw::ext2l_sb_info) -> &'a Self {
        let this = unsafe { &*ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// Wraps a C object the caller has to itself, so that its plain fields can be set.
    ///
    /// # Safety
    /// As for [`Ext2lSbInfo::from_raw`], and no other code accesses the struct while the returned reference lives (as during initialisation, before the struct is published).
    pub unsafe fn from_raw_mut<'a>(ptr: *mut raw::ext2l_sb_info) -> &'a mut Self {
        let this = unsafe { &mut *ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(&self) -> *mut raw::ext2l_sb_info {
        self.0.get()
    }
    fn check_unguarded_invariants(&self) {
        #[cfg(debug_assertions)]
        {
            debug_assert!(
                self.invariant_0().unwrap_or(false),
                "invariant `s_first_data_block == 1 && s_data_start > s_inode_table` (ext2lite.inv:28) violated"
            );
            debug_assert!(
                self.invariant_1().unwrap_or(false),
                "invariant `s_blocks_count <= EXT2L_MAX_BLOCKS && s_inodes_count <= EXT2L_MAX_INODES` (ext2lite.inv:29) violated"
            );
        }
    }
    /// Reads `s_bdev`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:25`)
    ///
    /// Read from disk at mount, never changed while mounted.
    pub fn s_bdev(&self) -> *mut raw::ext2l_bdev {
        unsafe { (*self.as_raw()).s_bdev }
    }
    /// Reads `s_blocks_count`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:25`)
    ///
    /// Read from disk at mount, never changed while mounted.
    pub fn s_blocks_count(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_blocks_count }
    }
    /// Reads `s_inodes_count`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:25`)
    ///
    /// Read from disk at mount, never changed while mounted.
    pub fn s_inodes_count(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_inodes_count }
    }
    /// Reads `s_first_data_block`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:25`)
    ///
    /// Read from disk at mount, never changed while mounted.
    pub fn s_first_data_block(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_first_data_block }
    }
    /// Reads `s_block_bitmap`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:26`)
    pub fn s_block_bitmap(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_block_bitmap }
    }
    /// Reads `s_inode_bitmap`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:26`)
    pub fn s_inode_bitmap(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_inode_bitmap }
    }
    /// Reads `s_inode_table`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:26`)
    pub fn s_inode_table(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_inode_table }
    }
    /// Reads `s_itable_blocks`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:26`)
    pub fn s_itable_blocks(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_itable_blocks }
    }
    /// Reads `s_first_ino`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:27`)
    pub fn s_first_ino(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_first_ino }
    }
    /// Reads `s_data_start`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:27`)
    pub fn s_data_start(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_data_start }
    }
    /// Reads `s_mnt_count`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`ext2lite.inv:27`)
    pub fn s_mnt_count(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).s_mnt_count }
    }
    /// Reads `s_ro` once, as `READ_ONCE` does: it is `lockless`, so others write it concurrently. (`ext2lite.inv:31`)
    ///
    /// Set when corruption is found, read by every writer: errors=remount-ro.
    pub fn s_ro(&self) -> ::core::ffi::c_int {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).s_ro).read_volatile() }
    }
    /// Writes `s_ro` once, as `WRITE_ONCE` does.
    pub fn set_s_ro(&self, v: ::core::ffi::c_int) {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).s_ro).write_volatile(v) }
    }
    /// Takes `s_lock` (mutex, may sleep), as `ext2lite.inv:34` says it is taken; the guard releases it when dropped.
    ///
    /// Guards the bitmaps on disk, the free counts and the inode cache.
    pub fn s_lock(&self) -> Ext2lSbInfoSLockGuard<'_> {
        Ext2lSbInfoSLockGuard(::inv::LockGuard::lock(self))
    }
    /// Evaluates `s_first_data_block == 1 && s_data_start > s_inode_table` (`ext2lite.inv:28`).
    /// Reads fields no lock guards.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_0(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            (((((*self.as_raw()).s_first_data_block) as i128) == 1i128)
                && ((((*self.as_raw()).s_data_start) as i128)
                    > (((*self.as_raw()).s_inode_table) as i128)))
        })
    }
    /// Evaluates `s_blocks_count <= EXT2L_MAX_BLOCKS && s_inodes_count <= EXT2L_MAX_INODES` (`ext2lite.inv:29`).
    /// Reads fields no lock guards.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_1(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            (((((*self.as_raw()).s_blocks_count) as i128) <= 8192i128)
                && ((((*self.as_raw()).s_inodes_count) as i128) <= 1024i128))
        })
    }
    /// Evaluates `s_free_blocks_count <= s_blocks_count` (`ext2lite.inv:36`).
    /// Called with the lock that guards these fields held.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_2(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            ((((*self.as_raw()).s_free_blocks_count) as i128)
                <= (((*self.as_raw()).s_blocks_count) as i128))
        })
    }
    /// Evaluates `s_free_inodes_count <= s_inodes_count` (`ext2lite.inv:37`).
    /// Called with the lock that guards these fields held.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_3(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            ((((*self.as_raw()).s_free_inodes_count) as i128)
                <= (((*self.as_raw()).s_inodes_count) as i128))
        })
    }
    /// Evaluates `s_dirs_count <= s_inodes_count` (`ext2lite.inv:38`).
    /// Called with the lock that guards these fields held.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_4(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            ((((*self.as_raw()).s_dirs_count) as i128)
                <= (((*self.as_raw()).s_inodes_count) as i128))
        })
    }
}
unsafe impl ::core::marker::Sync for Ext2lSbInfo {}
unsafe impl ::core::marker::Send for Ext2lSbInfo {}
/// Names the lock `s_lock` of `struct ext2l_sb_info` in guard types.
pub enum Ext2lSbInfoSLockTag {}
const _: () = assert!(
    ::core::mem::size_of:: < raw::mutex > () == ::core::mem::size_of:: <
    ::inv::sys::mutex > () && ::core::mem::align_of:: < raw::mutex > () ==
    ::core::mem::align_of:: < ::inv::sys::mutex > (),
    "the C type of `ext2l_sb_info.s_lock` must have the layout of the runtime's lock type"
);
unsafe impl ::inv::HasLock<Ext2lSbInfoSLockTag> for Ext2lSbInfo {
    type Lock = ::inv::sys::mutex;
    fn raw_lock(&self) -> *mut ::inv::sys::mutex {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).s_lock) }
            .cast::<::inv::sys::mutex>()
    }
    fn check_invariant(&self) {
        debug_assert!(
            self.invariant_2().unwrap_or(false),
            "invariant `s_free_blocks_count <= s_blocks_count` (ext2lite.inv:36) violated"
        );
        debug_assert!(
            self.invariant_3().unwrap_or(false),
            "invariant `s_free_inodes_count <= s_inodes_count` (ext2lite.inv:37) violated"
        );
        debug_assert!(
            self.invariant_4().unwrap_or(false),
            "invariant `s_dirs_count <= s_inodes_count` (ext2lite.inv:38) violated"
        );
    }
}
/// `s_lock` of `struct ext2l_sb_info` held: the fields it guards are reached through this guard.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct Ext2lSbInfoSLockGuard<'a>(
    ::inv::MutexGuard<'a, Ext2lSbInfo, Ext2lSbInfoSLockTag>,
);
impl<'a> Ext2lSbInfoSLockGuard<'a> {
    /// The object whose lock is held.
    pub fn owner(&self) -> &'a Ext2lSbInfo {
        self.0.owner()
    }
    /// Reads `s_free_blocks_count`, guarded by this lock (`ext2lite.inv:35`).
    pub fn s_free_blocks_count(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).s_free_blocks_count }
    }
    /// Writes `s_free_blocks_count`, guarded by this lock (`ext2lite.inv:35`).
    pub fn set_s_free_blocks_count(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).s_free_blocks_count)
                .write(v)
        }
    }
    /// Reads `s_free_inodes_count`, guarded by this lock (`ext2lite.inv:35`).
    pub fn s_free_inodes_count(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).s_free_inodes_count }
    }
    /// Writes `s_free_inodes_count`, guarded by this lock (`ext2lite.inv:35`).
    pub fn set_s_free_inodes_count(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).s_free_inodes_count)
                .write(v)
        }
    }
    /// Reads `s_dirs_count`, guarded by this lock (`ext2lite.inv:35`).
    pub fn s_dirs_count(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).s_dirs_count }
    }
    /// Writes `s_dirs_count`, guarded by this lock (`ext2lite.inv:35`).
    pub fn set_s_dirs_count(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).s_dirs_count).write(v)
        }
    }
    /// Reads `s_cached`, guarded by this lock (`ext2lite.inv:35`).
    pub fn s_cached(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).s_cached }
    }
    /// Writes `s_cached`, guarded by this lock (`ext2lite.inv:35`).
    pub fn set_s_cached(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).s_cached).write(v)
        }
    }
    /// Walks `s_inodes`: the `ext2l_inode_info`s linked through their `i_cache` (`ext2lite.inv:39`), while this guard holds the list's lock.
    pub fn s_inodes(&self) -> ::inv::list::ListIter<'_, raw::ext2l_inode_info> {
        const {
            assert!(
                ::core::mem::size_of:: < raw::list_head > () == ::core::mem::size_of:: <
                ::inv::sys::list_head > (),
                "`ext2l_sb_info.s_inodes` must be a `struct list_head` of the runtime's layout"
            )
        };
        unsafe {
            ::inv::list::iter(
                ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).s_inodes)
                    .cast::<::inv::sys::list_head>()
                    .cast_const(),
                ::core::mem::offset_of!(raw::ext2l_inode_info, i_cache),
                &self.0,
            )
        }
    }
    /// Links `entry` at the tail of `s_inodes` (`list_add_tail`).
    ///
    /// # Safety
    /// `entry` points to a live entry that is on no list and stays valid until it is
    /// unlinked.
    pub unsafe fn push_s_inodes(&mut self, entry: *mut raw::ext2l_inode_info) {
        unsafe {
            ::inv::list::push_back(
                ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).s_inodes)
                    .cast::<::inv::sys::list_head>(),
                ::core::ptr::addr_of_mut!((* entry).i_cache)
                    .cast::<::inv::sys::list_head>(),
                &mut self.0,
            )
        }
    }
    /// Unlinks `entry` from `s_inodes` (`list_del`).
    ///
    /// # Safety
    /// `entry` points to a live entry on this list.
    pub unsafe fn remove_s_inodes(&mut self, entry: *mut raw::ext2l_inode_info) {
        unsafe {
            ::inv::list::remove(
                ::core::ptr::addr_of_mut!((* entry).i_cache)
                    .cast::<::inv::sys::list_head>(),
                &mut self.0,
            )
        }
    }
}
/// `EXT2L_I`: the `struct ext2l_inode_info` that contains `vfs_inode` (C's `container_of`), safely.
pub fn EXT2L_I(inode: Ext2lInodeInfoVfsInode<'_>) -> &Ext2lInodeInfo {
    Ext2lInodeInfo::from_vfs_inode(inode)
}
