//! The on-disk format and the block device: little-endian helpers, offsets, bitmaps, `mkfs`.
//! Translated from the first part of `ext2lite.c`; nothing here touches a spec'd struct.

use std::fs::{File, OpenOptions};
use std::mem::ManuallyDrop;
use std::os::fd::{FromRawFd, IntoRawFd};
use std::os::unix::fs::FileExt;
use std::path::Path;

use ext2lite_inv::raw;

use crate::*;

/// One block.
pub type Block = [u8; BLOCK_SIZE];

/// A zeroed block.
pub fn new_block() -> Block {
    [0; BLOCK_SIZE]
}

pub(crate) fn get_le16(b: &[u8], at: usize) -> u32 {
    u32::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

pub(crate) fn get_le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub(crate) fn put_le16(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 2].copy_from_slice(&(v as u16).to_le_bytes());
}

pub(crate) fn put_le32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

// Superblock (block 1).
pub(crate) const SB_INODES_COUNT: usize = 0;
pub(crate) const SB_BLOCKS_COUNT: usize = 4;
pub(crate) const SB_R_BLOCKS_COUNT: usize = 8;
pub(crate) const SB_FREE_BLOCKS: usize = 12;
pub(crate) const SB_FREE_INODES: usize = 16;
pub(crate) const SB_FIRST_DATA_BLOCK: usize = 20;
pub(crate) const SB_LOG_BLOCK_SIZE: usize = 24;
pub(crate) const SB_LOG_FRAG_SIZE: usize = 28;
pub(crate) const SB_BLOCKS_PER_GROUP: usize = 32;
pub(crate) const SB_FRAGS_PER_GROUP: usize = 36;
pub(crate) const SB_INODES_PER_GROUP: usize = 40;
pub(crate) const SB_MNT_COUNT: usize = 52;
pub(crate) const SB_MAX_MNT_COUNT: usize = 54;
pub(crate) const SB_MAGIC: usize = 56;
pub(crate) const SB_STATE: usize = 58;
pub(crate) const SB_ERRORS: usize = 60;
pub(crate) const SB_REV_LEVEL: usize = 76;
pub(crate) const SB_FIRST_INO: usize = 84;
pub(crate) const SB_INODE_SIZE: usize = 88;
pub(crate) const SB_VOLUME_NAME: usize = 120;

// Group descriptor (block 2).
pub(crate) const GD_BLOCK_BITMAP: usize = 0;
pub(crate) const GD_INODE_BITMAP: usize = 4;
pub(crate) const GD_INODE_TABLE: usize = 8;
pub(crate) const GD_FREE_BLOCKS: usize = 12;
pub(crate) const GD_FREE_INODES: usize = 14;
pub(crate) const GD_USED_DIRS: usize = 16;

// Inode (128 bytes).
pub(crate) const DI_MODE: usize = 0;
pub(crate) const DI_SIZE: usize = 4;
pub(crate) const DI_DTIME: usize = 20;
pub(crate) const DI_LINKS: usize = 26;
pub(crate) const DI_BLOCKS: usize = 28;
pub(crate) const DI_BLOCK: usize = 40;

// Directory entry header.
pub(crate) const DE_INODE: usize = 0;
pub(crate) const DE_REC_LEN: usize = 4;
pub(crate) const DE_NAME_LEN: usize = 6;
pub(crate) const DE_FILE_TYPE: usize = 7;
pub(crate) const DE_NAME: usize = 8;

/// The space an entry with a name of `len` bytes needs: 8 bytes of header, 4-byte aligned.
pub(crate) fn dirent_size(len: u32) -> u32 {
    (DE_NAME as u32 + len + 3) & !3
}

/// The block device: `struct ext2l_bdev` of `ext2lite.h` (not a spec'd struct), over a file
/// descriptor it owns. Tests make a block's reads or writes fail through its fields.
pub struct Bdev(*mut raw::ext2l_bdev);

impl Bdev {
    /// Opens the image (`ext2l_bdev_open`), on the heap so the superblock can point to it.
    pub fn open(path: &Path) -> Res<Bdev> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|_| -ENOENT)?;
        let len = file.metadata().map_err(|_| -EIO)?.len();
        let dev = raw::ext2l_bdev {
            fd: file.into_raw_fd(),
            nr_blocks: (len / BLOCK_SIZE as u64) as u32,
            reads: 0,
            writes: 0,
            fail_read_block: -1,
            fail_write_block: -1,
        };
        Ok(Bdev(Box::into_raw(Box::new(dev))))
    }

    /// The device a mounted superblock points to.
    pub(crate) fn from_sb(ptr: *mut raw::ext2l_bdev) -> Bdev {
        Bdev(ptr)
    }

    /// The C struct, for the superblock's `s_bdev` and the tests' fault injection.
    pub fn as_raw(&self) -> *mut raw::ext2l_bdev {
        self.0
    }

    /// Closes the file and frees the struct (`ext2l_bdev_close` + `kfree`).
    ///
    /// # Safety
    /// `self` came from [`Bdev::open`] and nothing uses the device any more.
    pub unsafe fn close(self) {
        // SAFETY: the struct came from `Box` in `open`; the caller guarantees no other user.
        let dev = unsafe { Box::from_raw(self.0) };
        if dev.fd >= 0 {
            // SAFETY: `fd` is the descriptor `open` took from its `File`, owned by `dev`.
            drop(unsafe { File::from_raw_fd(dev.fd) });
        }
    }

    fn file(&self) -> ManuallyDrop<File> {
        // SAFETY: the device is open while a `Bdev` exists (closed only by `close`); the
        // `ManuallyDrop` keeps the descriptor open.
        ManuallyDrop::new(unsafe { File::from_raw_fd((*self.0).fd) })
    }

    /// `ext2l_bdev_read`.
    pub fn read(&self, block: u32, buf: &mut Block) -> Res<()> {
        // SAFETY: the device struct lives as long as the mount; like the C, its counters are
        // updated by one caller at a time (the tests drive one thread per mount).
        let d = unsafe { &mut *self.0 };
        if block >= d.nr_blocks || (d.fail_read_block >= 0 && d.fail_read_block as u32 == block) {
            return Err(-EIO);
        }
        self.file()
            .read_exact_at(buf, u64::from(block) * BLOCK_SIZE as u64)
            .map_err(|_| -EIO)?;
        d.reads += 1;
        Ok(())
    }

    /// `ext2l_bdev_write`.
    pub fn write(&self, block: u32, buf: &Block) -> Res<()> {
        // SAFETY: as in `read`.
        let d = unsafe { &mut *self.0 };
        if block >= d.nr_blocks || (d.fail_write_block >= 0 && d.fail_write_block as u32 == block) {
            return Err(-EIO);
        }
        self.file()
            .write_all_at(buf, u64::from(block) * BLOCK_SIZE as u64)
            .map_err(|_| -EIO)?;
        d.writes += 1;
        Ok(())
    }

    pub(crate) fn zero_block(&self, block: u32) -> Res<()> {
        self.write(block, &new_block())
    }
}

pub(crate) fn test_bit(map: &[u8], nr: u32) -> bool {
    (map[(nr / 8) as usize] >> (nr % 8)) & 1 != 0
}

pub(crate) fn set_bit(map: &mut [u8], nr: u32) {
    map[(nr / 8) as usize] |= 1 << (nr % 8);
}

pub(crate) fn clear_bit(map: &mut [u8], nr: u32) {
    map[(nr / 8) as usize] &= !(1 << (nr % 8));
}

/// The first clear bit below `limit`, or `limit` if all are set.
pub(crate) fn find_first_zero(map: &[u8], limit: u32) -> u32 {
    (0..limit).find(|&i| !test_bit(map, i)).unwrap_or(limit)
}

pub(crate) fn itable_blocks_for(inodes: u32) -> u32 {
    inodes.div_ceil(INODES_PER_BLOCK)
}

pub(crate) fn fill_superblock(
    b: &mut Block,
    blocks: u32,
    inodes: u32,
    free_blocks: u32,
    free_inodes: u32,
    mnt_count: u32,
    state: u32,
) {
    b.fill(0);
    put_le32(b, SB_INODES_COUNT, inodes);
    put_le32(b, SB_BLOCKS_COUNT, blocks);
    put_le32(b, SB_R_BLOCKS_COUNT, 0);
    put_le32(b, SB_FREE_BLOCKS, free_blocks);
    put_le32(b, SB_FREE_INODES, free_inodes);
    put_le32(b, SB_FIRST_DATA_BLOCK, 1);
    put_le32(b, SB_LOG_BLOCK_SIZE, 0);
    put_le32(b, SB_LOG_FRAG_SIZE, 0);
    put_le32(b, SB_BLOCKS_PER_GROUP, MAX_BLOCKS);
    put_le32(b, SB_FRAGS_PER_GROUP, MAX_BLOCKS);
    put_le32(b, SB_INODES_PER_GROUP, inodes);
    put_le16(b, SB_MNT_COUNT, mnt_count);
    put_le16(b, SB_MAX_MNT_COUNT, 20);
    put_le16(b, SB_MAGIC, MAGIC);
    put_le16(b, SB_STATE, state);
    put_le16(b, SB_ERRORS, 1);
    put_le32(b, SB_REV_LEVEL, 1);
    put_le32(b, SB_FIRST_INO, FIRST_INO);
    put_le16(b, SB_INODE_SIZE, INODE_SIZE as u32);
    b[SB_VOLUME_NAME..SB_VOLUME_NAME + 8].copy_from_slice(b"ext2lite");
}

pub(crate) fn fill_group_desc(
    b: &mut Block,
    itable: u32,
    free_blocks: u32,
    free_inodes: u32,
    dirs: u32,
) {
    b.fill(0);
    put_le32(b, GD_BLOCK_BITMAP, BLOCK_BITMAP);
    put_le32(b, GD_INODE_BITMAP, INODE_BITMAP);
    put_le32(b, GD_INODE_TABLE, itable);
    put_le16(b, GD_FREE_BLOCKS, free_blocks);
    put_le16(b, GD_FREE_INODES, free_inodes);
    put_le16(b, GD_USED_DIRS, dirs);
}

/// Writes the first two entries of a new directory block: "." and "..".
pub(crate) fn init_dir_block(b: &mut Block, this: u32, parent: u32) {
    b.fill(0);
    put_le32(b, DE_INODE, this);
    put_le16(b, DE_REC_LEN, 12);
    b[DE_NAME_LEN] = 1;
    b[DE_FILE_TYPE] = FT_DIR;
    b[DE_NAME] = b'.';
    put_le32(b, 12 + DE_INODE, parent);
    put_le16(b, 12 + DE_REC_LEN, BLOCK_SIZE as u32 - 12);
    b[12 + DE_NAME_LEN] = 2;
    b[12 + DE_FILE_TYPE] = FT_DIR;
    b[12 + DE_NAME] = b'.';
    b[12 + DE_NAME + 1] = b'.';
}

/// `ext2l_mkfs`: formats the image at `path` (created or truncated).
pub fn mkfs(path: &Path, blocks_count: u32, inodes_count: u32) -> Res<()> {
    if !(MIN_BLOCKS..=MAX_BLOCKS).contains(&blocks_count) {
        return Err(-EINVAL);
    }
    if !(MIN_INODES..=MAX_INODES).contains(&inodes_count) || inodes_count % INODES_PER_BLOCK != 0 {
        return Err(-EINVAL);
    }
    let itb = itable_blocks_for(inodes_count);
    let data_start = INODE_TABLE + itb;
    if data_start + 1 >= blocks_count {
        return Err(-ENOSPC);
    }
    let file = File::create(path).map_err(|_| -ENOENT)?;
    file.set_len(u64::from(blocks_count) * BLOCK_SIZE as u64)
        .map_err(|_| -EIO)?;
    drop(file);
    let bdev = Bdev::open(path)?;
    let result = mkfs_on(&bdev, blocks_count, inodes_count, data_start);
    // SAFETY: `bdev` came from `Bdev::open` above and is not used after this.
    unsafe { bdev.close() };
    result
}

fn mkfs_on(bdev: &Bdev, blocks_count: u32, inodes_count: u32, data_start: u32) -> Res<()> {
    let root_block = data_start;
    let free_blocks = blocks_count - 1 - root_block;
    let free_inodes = inodes_count - (FIRST_INO - 1);
    let mut b = new_block();
    for i in 0..blocks_count {
        bdev.zero_block(i)?;
    }
    fill_superblock(
        &mut b,
        blocks_count,
        inodes_count,
        free_blocks,
        free_inodes,
        0,
        VALID_FS,
    );
    bdev.write(SB_BLOCK, &b)?;
    fill_group_desc(&mut b, INODE_TABLE, free_blocks, free_inodes, 1);
    bdev.write(GD_BLOCK, &b)?;

    b.fill(0);
    for i in SB_BLOCK..=root_block {
        set_bit(&mut b, i - 1);
    }
    for i in blocks_count - 1..(BLOCK_SIZE * 8) as u32 {
        set_bit(&mut b, i);
    }
    bdev.write(BLOCK_BITMAP, &b)?;

    b.fill(0);
    for i in 1..FIRST_INO {
        set_bit(&mut b, i - 1);
    }
    for i in inodes_count..(BLOCK_SIZE * 8) as u32 {
        set_bit(&mut b, i);
    }
    bdev.write(INODE_BITMAP, &b)?;

    b.fill(0);
    let di = (ROOT_INO as usize - 1) * INODE_SIZE;
    put_le16(&mut b, di + DI_MODE, S_IFDIR | 0o755);
    put_le32(&mut b, di + DI_SIZE, BLOCK_SIZE as u32);
    put_le16(&mut b, di + DI_LINKS, 2);
    put_le32(&mut b, di + DI_BLOCKS, SECTORS_PER_BLOCK);
    put_le32(&mut b, di + DI_BLOCK, root_block);
    bdev.write(INODE_TABLE, &b)?;

    init_dir_block(&mut b, ROOT_INO, ROOT_INO);
    bdev.write(root_block, &b)
}
