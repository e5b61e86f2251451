//! Mounting, the superblock, and block and inode allocation (`ext2lite.c`'s mount and
//! allocation parts). The free counts and the bitmaps are reached only through the guard of
//! `s_lock`; the `*_locked` functions take that guard, which is how the spec's
//! `requires sbi.s_lock` reads in Rust.

use std::path::Path;
use std::ptr::NonNull;

use ext2lite_inv::{Ext2lSbInfoSLockGuard, raw};

use crate::disk::*;
use crate::*;

/// A mounted file system: owns the `struct ext2l_sb_info` and its block device.
pub struct Fs {
    sb: NonNull<raw::ext2l_sb_info>,
}

/// The geometry and counts read from the superblock and group descriptor.
struct Geometry {
    blocks: u32,
    inodes: u32,
    itable_blocks: u32,
    mnt_count: u32,
    free_blocks: u32,
    free_inodes: u32,
    dirs: u32,
    errors: bool,
}

/// Checks the superblock in `b` (`parse_superblock`); `-EINVAL` if it is corrupt.
fn parse_superblock(b: &Block, nr_blocks: u32) -> Res<Geometry> {
    let blocks = get_le32(b, SB_BLOCKS_COUNT);
    let inodes = get_le32(b, SB_INODES_COUNT);
    let free_blocks = get_le32(b, SB_FREE_BLOCKS);
    let free_inodes = get_le32(b, SB_FREE_INODES);
    if get_le16(b, SB_MAGIC) != MAGIC {
        return Err(-EINVAL);
    }
    if get_le32(b, SB_LOG_BLOCK_SIZE) != 0 || get_le32(b, SB_FIRST_DATA_BLOCK) != 1 {
        return Err(-EINVAL);
    }
    if get_le32(b, SB_REV_LEVEL) != 1
        || get_le16(b, SB_INODE_SIZE) != INODE_SIZE as u32
        || get_le32(b, SB_FIRST_INO) != FIRST_INO
    {
        return Err(-EINVAL);
    }
    if !(MIN_BLOCKS..=MAX_BLOCKS).contains(&blocks) || blocks > nr_blocks {
        return Err(-EINVAL);
    }
    if !(MIN_INODES..=MAX_INODES).contains(&inodes) || inodes % INODES_PER_BLOCK != 0 {
        return Err(-EINVAL);
    }
    if get_le32(b, SB_INODES_PER_GROUP) != inodes {
        return Err(-EINVAL);
    }
    if free_blocks > blocks || free_inodes > inodes {
        return Err(-EINVAL);
    }
    Ok(Geometry {
        blocks,
        inodes,
        itable_blocks: itable_blocks_for(inodes),
        mnt_count: get_le16(b, SB_MNT_COUNT),
        free_blocks,
        free_inodes,
        dirs: 0,
        // Errors found before: mount read-only.
        errors: get_le16(b, SB_STATE) & ERROR_FS != 0,
    })
}

/// Checks the group descriptor against the superblock (`parse_group_desc`).
fn parse_group_desc(g: &mut Geometry, b: &Block) -> Res<()> {
    let bb = get_le32(b, GD_BLOCK_BITMAP);
    let ib = get_le32(b, GD_INODE_BITMAP);
    let it = get_le32(b, GD_INODE_TABLE);
    if bb != BLOCK_BITMAP || ib != INODE_BITMAP || it != INODE_TABLE {
        return Err(-EINVAL);
    }
    if it + g.itable_blocks >= g.blocks {
        return Err(-EINVAL);
    }
    if get_le16(b, GD_FREE_BLOCKS) != (g.free_blocks & 0xffff)
        || get_le16(b, GD_FREE_INODES) != (g.free_inodes & 0xffff)
    {
        return Err(-EINVAL);
    }
    g.dirs = get_le16(b, GD_USED_DIRS);
    if g.dirs == 0 || g.dirs > g.inodes {
        return Err(-EINVAL);
    }
    Ok(())
}

impl Fs {
    /// `ext2l_mount`.
    pub fn mount(path: &Path) -> Res<Fs> {
        Self::mount_failing(path, -1)
    }

    /// Mounts with reads of block `fail_read_block` failing (a device error), as a test
    /// sets `fail_read_block` before `ext2l_fill_super`.
    pub fn mount_failing(path: &Path, fail_read_block: i32) -> Res<Fs> {
        let bdev = Bdev::open(path)?;
        // SAFETY: the device struct was just made by `Bdev::open` and is not shared yet.
        unsafe { (*bdev.as_raw()).fail_read_block = fail_read_block };
        match Self::fill_super(&bdev) {
            Ok(fs) => Ok(fs),
            Err(e) => {
                // SAFETY: the mount failed, so nothing else refers to the device.
                unsafe { bdev.close() };
                Err(e)
            }
        }
    }

    /// `ext2l_fill_super`: reads and checks the superblock and group descriptor, builds the
    /// `struct ext2l_sb_info` and writes the superblock back as mounted.
    fn fill_super(bdev: &Bdev) -> Res<Fs> {
        let mut b = new_block();
        bdev.read(SB_BLOCK, &mut b)?;
        // SAFETY: the device was opened by `Bdev::open`, which set `nr_blocks`.
        let nr_blocks = unsafe { (*bdev.as_raw()).nr_blocks };
        let mut g = parse_superblock(&b, nr_blocks)?;
        bdev.read(GD_BLOCK, &mut b)?;
        parse_group_desc(&mut g, &b)?;

        // The superblock is a local value until it is published: its readonly and guarded
        // fields are set here, as `ext2l_fill_super` sets them before anyone sees them.
        // SAFETY: all-zero bytes are a valid `struct ext2l_sb_info` (integers, null pointers,
        // an unlocked mutex); the list head and the mutex are initialised below.
        let mut sbi: raw::ext2l_sb_info = unsafe { std::mem::zeroed() };
        sbi.s_bdev = bdev.as_raw();
        sbi.s_blocks_count = g.blocks;
        sbi.s_inodes_count = g.inodes;
        sbi.s_first_data_block = 1;
        sbi.s_block_bitmap = BLOCK_BITMAP;
        sbi.s_inode_bitmap = INODE_BITMAP;
        sbi.s_inode_table = INODE_TABLE;
        sbi.s_itable_blocks = g.itable_blocks;
        sbi.s_first_ino = FIRST_INO;
        sbi.s_data_start = INODE_TABLE + g.itable_blocks;
        sbi.s_mnt_count = (g.mnt_count + 1) & 0xffff;
        sbi.s_ro = i32::from(g.errors);
        sbi.s_free_blocks_count = g.free_blocks;
        sbi.s_free_inodes_count = g.free_inodes;
        sbi.s_dirs_count = g.dirs;
        sbi.s_cached = 0;
        let ptr = Box::into_raw(Box::new(sbi));
        // SAFETY: `ptr` is a live allocation; the shim's mutex and list_head have the layout
        // of the header's (the generated crate asserts it at compile time).
        unsafe {
            inv::sys::mutex_init((&raw mut (*ptr).s_lock).cast());
            inv::sys::init_list_head((&raw mut (*ptr).s_inodes).cast());
        }
        let fs = Fs {
            sb: NonNull::new(ptr).expect("Box gives a non-null pointer"),
        };
        let res = {
            let mut guard = fs.sb().s_lock();
            sync_super(&mut guard, false)
        };
        match res {
            Ok(()) => Ok(fs),
            Err(e) => {
                // SAFETY: the superblock came from `Box` above and was never handed out.
                drop(unsafe { Box::from_raw(ptr) });
                Err(e)
            }
        }
    }

    /// The superblock's wrapper.
    pub fn sb(&self) -> &Ext2lSbInfo {
        // SAFETY: the superblock is initialised and lives until `unmount` consumes `self`;
        // all access to it goes through the wrapper's rules.
        unsafe { Ext2lSbInfo::from_raw(self.sb.as_ptr()) }
    }

    /// The block device, for fault injection in tests.
    pub fn bdev_raw(&self) -> *mut raw::ext2l_bdev {
        self.sb().s_bdev()
    }

    /// `ext2l_statfs`: the free block and inode counts.
    pub fn statfs(&self) -> (u32, u32) {
        let g = self.sb().s_lock();
        (g.s_free_blocks_count(), g.s_free_inodes_count())
    }

    /// `ext2l_unmount`: writes the superblock back as clean and frees everything, giving the
    /// write-back's result. While inodes are still referenced (C's `-EBUSY`), gives the file
    /// system back instead.
    pub fn unmount(self) -> Result<Res<()>, Fs> {
        let res = {
            let mut g = self.sb().s_lock();
            if g.s_inodes().next().is_some() {
                drop(g);
                return Err(self);
            }
            sync_super(&mut g, true)
        };
        let bdev = Bdev::from_sb(self.sb().s_bdev());
        // SAFETY: no inode references the superblock (the cache is empty) and `self` is
        // consumed, so nothing uses the device or the superblock any more; both came from
        // `Box` in `mount`.
        unsafe {
            bdev.close();
            drop(Box::from_raw(self.sb.as_ptr()));
        }
        Ok(res)
    }
}

/// `ext2l_sync_super`: writes the superblock and group descriptor from the counts.
pub fn sync_super(g: &mut Ext2lSbInfoSLockGuard<'_>, valid: bool) -> Res<()> {
    let sb = g.owner();
    let mut b = new_block();
    fill_superblock(
        &mut b,
        sb.s_blocks_count(),
        sb.s_inodes_count(),
        g.s_free_blocks_count(),
        g.s_free_inodes_count(),
        sb.s_mnt_count(),
        (if valid { VALID_FS } else { 0 }) | (if readonly(sb) { ERROR_FS } else { 0 }),
    );
    let bdev = Bdev::from_sb(sb.s_bdev());
    bdev.write(SB_BLOCK, &b)?;
    fill_group_desc(
        &mut b,
        sb.s_inode_table(),
        g.s_free_blocks_count(),
        g.s_free_inodes_count(),
        g.s_dirs_count(),
    );
    bdev.write(GD_BLOCK, &b)
}

/// `ext2l_error`: corruption found; from now on the file system refuses to write (`-EROFS`),
/// and the superblock says so.
pub fn error(sb: &Ext2lSbInfo) {
    sb.set_s_ro(1);
}

/// Whether corruption was found (`fs_readonly`).
pub fn readonly(sb: &Ext2lSbInfo) -> bool {
    sb.s_ro() != 0
}

/// The block device of a mounted superblock.
pub(crate) fn bdev(sb: &Ext2lSbInfo) -> Bdev {
    Bdev::from_sb(sb.s_bdev())
}

/// `ext2l_new_block_locked`.
pub fn new_block_locked(g: &mut Ext2lSbInfoSLockGuard<'_>) -> Res<u32> {
    let sb = g.owner();
    if g.s_free_blocks_count() == 0 {
        return Err(-ENOSPC);
    }
    let dev = bdev(sb);
    let mut map = new_block();
    dev.read(sb.s_block_bitmap(), &mut map)?;
    let limit = sb.s_blocks_count() - 1;
    let bit = find_first_zero(&map, limit);
    if bit == limit {
        error(sb); // the count said otherwise
        return Err(-ENOSPC);
    }
    set_bit(&mut map, bit);
    dev.write(sb.s_block_bitmap(), &map)?;
    let free = g.s_free_blocks_count();
    g.set_s_free_blocks_count(free - 1);
    Ok(bit + 1)
}

/// `ext2l_free_block_locked`.
pub fn free_block_locked(g: &mut Ext2lSbInfoSLockGuard<'_>, block: u32) -> Res<()> {
    let sb = g.owner();
    if block < sb.s_data_start() || block >= sb.s_blocks_count() {
        error(sb);
        return Err(-EIO);
    }
    let dev = bdev(sb);
    let mut map = new_block();
    dev.read(sb.s_block_bitmap(), &mut map)?;
    if !test_bit(&map, block - 1) {
        error(sb); // double free: the fs is corrupt
        return Err(-EIO);
    }
    clear_bit(&mut map, block - 1);
    dev.write(sb.s_block_bitmap(), &map)?;
    let free = g.s_free_blocks_count();
    g.set_s_free_blocks_count(free + 1);
    Ok(())
}

/// `ext2l_new_block`: allocates a block and zeroes it on disk.
pub fn new_block_zeroed(sb: &Ext2lSbInfo) -> Res<u32> {
    let nr = {
        let mut g = sb.s_lock();
        new_block_locked(&mut g)?
    };
    if let Err(e) = bdev(sb).zero_block(nr) {
        let _ = free_block(sb, nr);
        return Err(e);
    }
    Ok(nr)
}

/// `ext2l_free_block`.
pub fn free_block(sb: &Ext2lSbInfo, block: u32) -> Res<()> {
    let mut g = sb.s_lock();
    free_block_locked(&mut g, block)
}

/// `ext2l_new_inode`.
pub fn new_inode(sb: &Ext2lSbInfo, is_dir: bool) -> Res<u32> {
    let mut g = sb.s_lock();
    if g.s_free_inodes_count() == 0 {
        return Err(-ENOSPC);
    }
    let dev = bdev(sb);
    let mut map = new_block();
    dev.read(sb.s_inode_bitmap(), &mut map)?;
    let bit = find_first_zero(&map, sb.s_inodes_count());
    if bit == sb.s_inodes_count() {
        error(sb); // the count said otherwise
        return Err(-ENOSPC);
    }
    set_bit(&mut map, bit);
    dev.write(sb.s_inode_bitmap(), &map)?;
    let free = g.s_free_inodes_count();
    g.set_s_free_inodes_count(free - 1);
    if is_dir {
        let dirs = g.s_dirs_count();
        g.set_s_dirs_count(dirs + 1);
    }
    Ok(bit + 1)
}

/// `ext2l_free_inode`.
pub fn free_inode(sb: &Ext2lSbInfo, ino: u32, is_dir: bool) -> Res<()> {
    if ino < sb.s_first_ino() || ino > sb.s_inodes_count() {
        error(sb);
        return Err(-EIO);
    }
    let mut g = sb.s_lock();
    let dev = bdev(sb);
    let mut map = new_block();
    dev.read(sb.s_inode_bitmap(), &mut map)?;
    if !test_bit(&map, ino - 1) {
        error(sb);
        return Err(-EIO);
    }
    clear_bit(&mut map, ino - 1);
    dev.write(sb.s_inode_bitmap(), &map)?;
    let free = g.s_free_inodes_count();
    g.set_s_free_inodes_count(free + 1);
    let dirs = g.s_dirs_count();
    if is_dir && dirs > 0 {
        g.set_s_dirs_count(dirs - 1);
    }
    Ok(())
}
