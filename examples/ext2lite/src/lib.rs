//! The ext2lite case study: `ext2lite.c`, a small ext2-style file system over a disk image,
//! translated to Rust through the wrappers `invc gen` makes from `ext2lite.inv` (the crate
//! `ext2lite-inv` beside this one).
//!
//! The translation writes the same on-disk format as the C (the tests compare images byte by
//! byte, and each mounts the other's). Where the C uses the spec's constructs, the
//! translation uses their wrappers:
//!
//! - the VFS `struct inode` embedded in `struct ext2l_inode_info`: [`Ext2lInodeInfo::vfs_inode`]
//!   and [`Ext2lInodeInfo::from_vfs_inode`] (generated, safe) instead of `container_of`
//!   arithmetic, with lifetimes tying the member to its owner (no self-referencing struct);
//! - the inode's `struct kref`: [`InodeRef`] (`KrefRef`), whose drop is `ext2l_iput`;
//! - the superblock's `s_lock`: its guard, the only way to reach the free counts, the cache
//!   list and the `*_locked` allocation functions (which take the guard as a parameter);
//! - the inode's `i_mutex` and the VFS inode's `i_lock`: their guards, for the block map and
//!   the size and link count.
//!
//! The C version is linked in too ([`c`]), for the equivalence tests.

pub mod c;
pub mod dir;
pub mod disk;
pub mod fsck;
pub mod inode;
pub mod path;
pub mod super_;

pub use ext2lite_inv::{
    EXT2L_I, Ext2lInodeInfo, Ext2lInodeInfoRef, Ext2lInodeInfoVfsInode, Ext2lSbInfo, Inode, raw,
};

pub use disk::{Bdev, mkfs};
pub use fsck::FsckReport;
pub use super_::Fs;

/// A result whose error is a negative errno, as the C functions return them.
pub type Res<T> = Result<T, i32>;

/// A counted reference to a cached inode; dropping it is `ext2l_iput`.
pub type InodeRef = Ext2lInodeInfoRef;

/// `EXT2L_BLOCK_SIZE`.
pub const BLOCK_SIZE: usize = 1024;
/// `EXT2L_MAGIC`.
pub const MAGIC: u32 = 0xEF53;
/// `EXT2L_SB_BLOCK`.
pub const SB_BLOCK: u32 = 1;
/// `EXT2L_GD_BLOCK`.
pub const GD_BLOCK: u32 = 2;
/// `EXT2L_BLOCK_BITMAP`.
pub const BLOCK_BITMAP: u32 = 3;
/// `EXT2L_INODE_BITMAP`.
pub const INODE_BITMAP: u32 = 4;
/// `EXT2L_INODE_TABLE`.
pub const INODE_TABLE: u32 = 5;
/// `EXT2L_ROOT_INO`.
pub const ROOT_INO: u32 = 2;
/// `EXT2L_FIRST_INO`.
pub const FIRST_INO: u32 = 11;
/// `EXT2L_INODE_SIZE`.
pub const INODE_SIZE: usize = 128;
/// `EXT2L_INODES_PER_BLOCK`.
pub const INODES_PER_BLOCK: u32 = (BLOCK_SIZE / INODE_SIZE) as u32;
/// `EXT2L_NDIR_BLOCKS`.
pub const NDIR_BLOCKS: u32 = 12;
/// `EXT2L_IND_BLOCK`.
pub const IND_BLOCK: usize = 12;
/// `EXT2L_N_BLOCKS`.
pub const N_BLOCKS: usize = 15;
/// `EXT2L_ADDR_PER_BLOCK`.
pub const ADDR_PER_BLOCK: u32 = (BLOCK_SIZE / 4) as u32;
/// `EXT2L_MAX_FILE_BLOCKS`.
pub const MAX_FILE_BLOCKS: u32 = NDIR_BLOCKS + ADDR_PER_BLOCK;
/// `EXT2L_DIR_MAX_BLOCKS`: adding to a directory with this many blocks is `-ENOSPC`.
pub const DIR_MAX_BLOCKS: u32 = 2;
/// `EXT2L_NAME_LEN`.
pub const NAME_LEN: usize = 60;
/// `EXT2L_MIN_BLOCKS`.
pub const MIN_BLOCKS: u32 = 16;
/// `EXT2L_MAX_BLOCKS`.
pub const MAX_BLOCKS: u32 = (BLOCK_SIZE * 8) as u32;
/// `EXT2L_MIN_INODES`.
pub const MIN_INODES: u32 = 16;
/// `EXT2L_MAX_INODES`.
pub const MAX_INODES: u32 = 1024;
/// `EXT2L_VALID_FS`.
pub const VALID_FS: u32 = 1;
/// `EXT2L_ERROR_FS`.
pub const ERROR_FS: u32 = 2;
/// 512-byte sectors per block, the unit of `i_blocks`.
pub const SECTORS_PER_BLOCK: u32 = (BLOCK_SIZE / 512) as u32;
/// `EXT2L_S_IFMT`.
pub const S_IFMT: u32 = 0o170000;
/// `EXT2L_S_IFREG`.
pub const S_IFREG: u32 = 0o100000;
/// `EXT2L_S_IFDIR`.
pub const S_IFDIR: u32 = 0o040000;
/// `EXT2L_S_IFLNK`.
pub const S_IFLNK: u32 = 0o120000;
/// `EXT2L_FT_SYMLINK`.
pub const FT_SYMLINK: u8 = 7;
/// `EXT2L_FAST_SYMLINK_LEN`: a target this long or shorter lives in `i_data`.
pub const FAST_SYMLINK_LEN: usize = N_BLOCKS * 4;
/// `EXT2L_MAX_SYMLINKS`: symlinks followed in one lookup before `-ELOOP`.
pub const MAX_SYMLINKS: u32 = 8;
/// `EXT2L_FT_REG_FILE`.
pub const FT_REG_FILE: u8 = 1;
/// `EXT2L_FT_DIR`.
pub const FT_DIR: u8 = 2;

/// Error numbers (returned negated).
pub const EPERM: i32 = 1;
/// No such file.
pub const ENOENT: i32 = 2;
/// I/O error.
pub const EIO: i32 = 5;
/// Out of memory.
pub const ENOMEM: i32 = 12;
/// Busy.
pub const EBUSY: i32 = 16;
/// Exists.
pub const EEXIST: i32 = 17;
/// Not a directory.
pub const ENOTDIR: i32 = 20;
/// Is a directory.
pub const EISDIR: i32 = 21;
/// Read-only file system.
pub const EROFS: i32 = 30;
/// Invalid.
pub const EINVAL: i32 = 22;
/// File too big.
pub const EFBIG: i32 = 27;
/// No space.
pub const ENOSPC: i32 = 28;
/// Name too long.
pub const ENAMETOOLONG: i32 = 36;
/// Directory not empty.
pub const ENOTEMPTY: i32 = 39;
/// Too many symlinks.
pub const ELOOP: i32 = 40;

/// What `ext2l_stat` reports (`struct ext2l_stat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    /// Inode number.
    pub ino: u32,
    /// Mode bits.
    pub mode: u32,
    /// Size in bytes.
    pub size: u32,
    /// Link count.
    pub nlink: u32,
    /// 512-byte sectors used.
    pub blocks: u32,
}

/// One directory entry as `readdir` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The name's bytes.
    pub name: Vec<u8>,
    /// The inode number.
    pub ino: u32,
    /// `EXT2L_FT_*`.
    pub file_type: u8,
}

pub(crate) fn is_dir_mode(mode: u32) -> bool {
    mode & S_IFMT == S_IFDIR
}

pub(crate) fn is_symlink_mode(mode: u32) -> bool {
    mode & S_IFMT == S_IFLNK
}
