//! `ext2l_fsck`: a consistency check of a mounted file system with no inode in use. It walks
//! the directory tree from the root, rebuilding which blocks and inodes are used and how many
//! entries name each inode, and counts every disagreement with the bitmaps, the inodes and
//! the superblock's counts (read under `s_lock`).

use crate::dir::check_dirent;
use crate::disk::*;
use crate::inode::inode_location;
use crate::super_::bdev;
use crate::*;

/// `struct ext2l_fsck`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FsckReport {
    /// Inconsistencies found.
    pub errors: u32,
    /// Regular files reached.
    pub files: u32,
    /// Directories reached.
    pub dirs: u32,
    /// Blocks the reached inodes use.
    pub used_blocks: u32,
    /// Inodes reached.
    pub used_inodes: u32,
}

struct State<'a> {
    sb: &'a Ext2lSbInfo,
    r: FsckReport,
    block_seen: Vec<bool>,
    links: Vec<u32>,
    reached: Vec<bool>,
    queue: std::collections::VecDeque<u32>,
}

impl State<'_> {
    /// Marks one block of an inode as used (`fsck_block`).
    fn block(&mut self, block: u32, count: &mut u32) {
        if block < self.sb.s_data_start()
            || block >= self.sb.s_blocks_count()
            || self.block_seen[block as usize]
        {
            self.r.errors += 1;
            return;
        }
        self.block_seen[block as usize] = true;
        self.r.used_blocks += 1;
        *count += 1;
    }

    /// Reads the entries of one directory block (`fsck_dir_block`).
    fn dir_block(&mut self, b: &Block, ino: u32, lblk: u32) {
        let mut off = 0;
        while off < BLOCK_SIZE {
            if check_dirent(b, off).is_err() {
                self.r.errors += 1;
                return;
            }
            let child = get_le32(b, off + DE_INODE);
            if lblk == 0 && off == 0 && (child != ino || b[off + DE_NAME_LEN] != 1) {
                self.r.errors += 1;
            }
            if child != 0 {
                if child > self.sb.s_inodes_count() {
                    self.r.errors += 1;
                } else {
                    self.links[child as usize] += 1;
                    if !self.reached[child as usize] {
                        self.reached[child as usize] = true;
                        self.queue.push_back(child);
                    }
                }
            }
            off += get_le16(b, off + DE_REC_LEN) as usize;
        }
    }

    /// Checks one reached inode (`fsck_inode`).
    fn inode(&mut self, ino: u32) -> Res<()> {
        let dev = bdev(self.sb);
        let (block, offset) = inode_location(self.sb, ino)?;
        let mut b = new_block();
        dev.read(block, &mut b)?;
        let di = b[offset..offset + INODE_SIZE].to_vec();
        let mode = get_le16(&di, DI_MODE);
        let size = get_le32(&di, DI_SIZE);
        if mode == 0 || get_le16(&di, DI_LINKS) == 0 {
            self.r.errors += 1;
            return Ok(());
        }
        let is_dir = is_dir_mode(mode);
        if is_dir {
            self.r.dirs += 1;
        } else {
            self.r.files += 1;
        }
        self.r.used_inodes += 1;
        if is_symlink_mode(mode) && get_le32(&di, DI_BLOCKS) == 0 {
            // A fast symlink: the target is in i_block, no blocks.
            if size == 0 || size as usize > FAST_SYMLINK_LEN {
                self.r.errors += 1;
            }
            return Ok(());
        }
        if is_symlink_mode(mode)
            && (size as usize <= FAST_SYMLINK_LEN || size as usize >= BLOCK_SIZE)
        {
            self.r.errors += 1;
        }
        let data: Vec<u32> = (0..N_BLOCKS)
            .map(|i| get_le32(&di, DI_BLOCK + 4 * i))
            .collect();
        let limit = size.div_ceil(BLOCK_SIZE as u32);
        let mut count = 0;
        for i in 0..NDIR_BLOCKS {
            let nr = data[i as usize];
            if nr == 0 {
                continue;
            }
            if i >= limit {
                self.r.errors += 1;
            }
            self.block(nr, &mut count);
            if is_dir && i < limit {
                dev.read(nr, &mut b)?;
                self.dir_block(&b, ino, i);
            }
        }
        let ind_block = data[IND_BLOCK];
        if ind_block != 0 {
            if is_dir {
                self.r.errors += 1;
            }
            self.block(ind_block, &mut count);
            let mut ind = new_block();
            dev.read(ind_block, &mut ind)?;
            for i in 0..ADDR_PER_BLOCK {
                let nr = get_le32(&ind, 4 * i as usize);
                if nr == 0 {
                    continue;
                }
                if NDIR_BLOCKS + i >= limit {
                    self.r.errors += 1;
                }
                self.block(nr, &mut count);
            }
        }
        if data[13] != 0 || data[14] != 0 {
            self.r.errors += 1;
        }
        let blocks_ok = get_le32(&di, DI_BLOCKS) == count * SECTORS_PER_BLOCK;
        if !is_dir && !blocks_ok {
            self.r.errors += 1;
        }
        if is_dir && (!blocks_ok || size % BLOCK_SIZE as u32 != 0 || count != limit || size == 0) {
            self.r.errors += 1;
        }
        Ok(())
    }
}

/// `ext2l_fsck`.
pub fn fsck(sb: &Ext2lSbInfo) -> Res<FsckReport> {
    let nblocks = sb.s_blocks_count() as usize;
    let ninodes = sb.s_inodes_count() as usize;
    let mut s = State {
        sb,
        r: FsckReport::default(),
        block_seen: vec![false; nblocks],
        links: vec![0; ninodes + 1],
        reached: vec![false; ninodes + 1],
        queue: Default::default(),
    };
    for i in SB_BLOCK..sb.s_data_start() {
        s.block_seen[i as usize] = true;
    }
    s.reached[ROOT_INO as usize] = true;
    s.queue.push_back(ROOT_INO);
    while let Some(ino) = s.queue.pop_front() {
        s.inode(ino)?;
    }

    {
        let g = sb.s_lock();
        let dev = bdev(sb);
        let (mut bmap, mut imap) = (new_block(), new_block());
        dev.read(sb.s_block_bitmap(), &mut bmap)?;
        dev.read(sb.s_inode_bitmap(), &mut imap)?;
        let (mut free_blocks, mut free_inodes) = (0, 0);
        for i in SB_BLOCK..sb.s_blocks_count() {
            let used = test_bit(&bmap, i - 1);
            if !used {
                free_blocks += 1;
            }
            if used != s.block_seen[i as usize] {
                s.r.errors += 1;
            }
        }
        for i in 1..=sb.s_inodes_count() {
            let used = test_bit(&imap, i - 1);
            if !used {
                free_inodes += 1;
            }
            if i < sb.s_first_ino() && i != ROOT_INO {
                if !used {
                    s.r.errors += 1;
                }
                continue;
            }
            if used != s.reached[i as usize] {
                s.r.errors += 1;
            }
        }
        if free_blocks != g.s_free_blocks_count()
            || free_inodes != g.s_free_inodes_count()
            || s.r.dirs != g.s_dirs_count()
        {
            s.r.errors += 1;
        }
    }

    let mut b = new_block();
    for i in 1..=sb.s_inodes_count() {
        if !s.reached[i as usize] {
            continue;
        }
        let (block, offset) = inode_location(sb, i)?;
        bdev(sb).read(block, &mut b)?;
        if get_le16(&b, offset + DI_LINKS) != s.links[i as usize] {
            s.r.errors += 1;
        }
    }
    Ok(s.r)
}
