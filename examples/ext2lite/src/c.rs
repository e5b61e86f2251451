//! The C version, `ext2lite.c`, compiled by `build.rs`: its functions, for the tests.
#![allow(missing_docs)]

use core::ffi::{c_char, c_int, c_uint, c_void};

use ext2lite_inv::raw;

/// `struct ext2l_stat`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ext2l_stat {
    pub ino: c_uint,
    pub mode: c_uint,
    pub size: c_uint,
    pub nlink: c_uint,
    pub blocks: c_uint,
}

/// `struct ext2l_fsck`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ext2l_fsck {
    pub errors: c_uint,
    pub files: c_uint,
    pub dirs: c_uint,
    pub used_blocks: c_uint,
    pub used_inodes: c_uint,
}

/// `ext2l_filldir_t`.
pub type Filldir = unsafe extern "C" fn(
    ctx: *mut c_void,
    name: *const c_char,
    name_len: c_int,
    ino: c_uint,
    file_type: c_uint,
) -> c_int;

unsafe extern "C" {
    pub fn ext2l_bdev_open(bdev: *mut raw::ext2l_bdev, path: *const c_char) -> c_int;
    pub fn ext2l_bdev_close(bdev: *mut raw::ext2l_bdev);
    pub fn ext2l_mkfs(path: *const c_char, blocks: c_uint, inodes: c_uint) -> c_int;
    pub fn ext2l_mount(path: *const c_char, out: *mut *mut raw::ext2l_sb_info) -> c_int;
    pub fn ext2l_fill_super(sbi: *mut raw::ext2l_sb_info, bdev: *mut raw::ext2l_bdev) -> c_int;
    pub fn ext2l_unmount(sbi: *mut raw::ext2l_sb_info) -> c_int;
    pub fn ext2l_statfs(sbi: *mut raw::ext2l_sb_info, fb: *mut c_uint, fi: *mut c_uint) -> c_int;
    pub fn ext2l_create_path(
        sbi: *mut raw::ext2l_sb_info,
        path: *const c_char,
        is_dir: c_int,
    ) -> c_int;
    pub fn ext2l_unlink_path(sbi: *mut raw::ext2l_sb_info, path: *const c_char) -> c_int;
    pub fn ext2l_rmdir_path(sbi: *mut raw::ext2l_sb_info, path: *const c_char) -> c_int;
    pub fn ext2l_write_path(
        sbi: *mut raw::ext2l_sb_info,
        path: *const c_char,
        pos: c_uint,
        buf: *const c_void,
        len: usize,
    ) -> isize;
    pub fn ext2l_read_path(
        sbi: *mut raw::ext2l_sb_info,
        path: *const c_char,
        pos: c_uint,
        buf: *mut c_void,
        len: usize,
    ) -> isize;
    pub fn ext2l_link_path(
        sbi: *mut raw::ext2l_sb_info,
        oldpath: *const c_char,
        newpath: *const c_char,
    ) -> c_int;
    pub fn ext2l_rename_path(
        sbi: *mut raw::ext2l_sb_info,
        oldpath: *const c_char,
        newpath: *const c_char,
    ) -> c_int;
    pub fn ext2l_symlink_path(
        sbi: *mut raw::ext2l_sb_info,
        target: *const c_char,
        linkpath: *const c_char,
    ) -> c_int;
    pub fn ext2l_readlink_path(
        sbi: *mut raw::ext2l_sb_info,
        path: *const c_char,
        buf: *mut c_char,
        size: usize,
    ) -> isize;
    pub fn ext2l_punch_path(
        sbi: *mut raw::ext2l_sb_info,
        path: *const c_char,
        pos: c_uint,
        len: c_uint,
    ) -> c_int;
    pub fn ext2l_fsck(sbi: *mut raw::ext2l_sb_info, report: *mut ext2l_fsck) -> c_int;
    pub fn ext2l_truncate_path(
        sbi: *mut raw::ext2l_sb_info,
        path: *const c_char,
        size: c_uint,
    ) -> c_int;
    pub fn ext2l_stat_path(
        sbi: *mut raw::ext2l_sb_info,
        path: *const c_char,
        st: *mut ext2l_stat,
    ) -> c_int;
    pub fn ext2l_readdir_path(
        sbi: *mut raw::ext2l_sb_info,
        path: *const c_char,
        filldir: Filldir,
        ctx: *mut c_void,
    ) -> c_int;
}
