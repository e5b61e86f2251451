//! Inodes: the cache (`ext2l_iget`, the release function behind `ext2l_iput`), the block map,
//! and file data (`ext2lite.c`'s inode and file parts).
//!
//! An inode is held as an [`InodeRef`] (`KrefRef<Ext2lInodeInfo>`): cloning is `kref_get`,
//! dropping is `ext2l_iput`, and the last drop runs [`ext2l_inode_release`]. The VFS inode is
//! the embedded member: [`vfs`] borrows it from its owner, and [`getattr`] goes back from the
//! member to the owner with the generated `EXT2L_I` (`container_of`, safely).

use std::ptr::{self, NonNull};

use ext2lite_inv::{Ext2lInodeInfoIMutexGuard, raw};

use crate::disk::*;
use crate::super_::{bdev, free_block, free_inode, new_block_zeroed, readonly};
use crate::*;

/// The VFS inode embedded in `ei`, as the `struct inode` wrapper; it borrows from `ei`, so it
/// cannot outlive the reference that keeps `ei` alive.
pub fn vfs(ei: &Ext2lInodeInfo) -> &Inode {
    // SAFETY: the member is the `struct inode` inside the live `ext2l_inode_info` that `ei`
    // wraps, initialised by `read_inode`, valid for as long as `ei` is borrowed; the `Inode`
    // wrapper keeps the spec's rules for its fields.
    unsafe { Inode::from_raw(ei.vfs_inode().as_raw()) }
}

/// The superblock an inode belongs to.
pub fn sb_of(ei: &Ext2lInodeInfo) -> &Ext2lSbInfo {
    // SAFETY: `i_sb` is readonly and points to the mounted superblock, which outlives every
    // inode (unmount refuses while the cache is not empty).
    unsafe { Ext2lSbInfo::from_raw(vfs(ei).i_sb()) }
}

/// The inode number.
pub fn ino(ei: &Ext2lInodeInfo) -> u32 {
    vfs(ei).i_ino() as u32
}

/// The mode bits.
pub fn mode(ei: &Ext2lInodeInfo) -> u32 {
    u32::from(vfs(ei).i_mode())
}

/// `i_size`, read under `i_lock`.
pub fn size(inode: &Inode) -> u32 {
    inode.i_lock().i_size()
}

fn set_size(inode: &Inode, size: u32) {
    inode.i_lock().set_i_size(size);
}

/// Adds `delta` to `i_nlink` under `i_lock` (`change_nlink`).
pub fn change_nlink(inode: &Inode, delta: i32) {
    let mut g = inode.i_lock();
    let n = g.i_nlink();
    g.set_i_nlink((n as i32 + delta) as u32);
}

/// The block and offset of inode `ino` in the inode table (`inode_location`).
pub(crate) fn inode_location(sb: &Ext2lSbInfo, ino: u32) -> Res<(u32, usize)> {
    if ino == 0 || ino > sb.s_inodes_count() {
        return Err(-EINVAL);
    }
    Ok((
        sb.s_inode_table() + (ino - 1) / INODES_PER_BLOCK,
        ((ino - 1) % INODES_PER_BLOCK) as usize * INODE_SIZE,
    ))
}

/// Reads inode `ino` into a new, uncached `ext2l_inode_info` with a count of one
/// (`read_inode`); the pointer is freed only by [`ext2l_inode_release`].
fn read_inode(sb: &Ext2lSbInfo, ino: u32) -> Res<*mut raw::ext2l_inode_info> {
    let (block, offset) = inode_location(sb, ino)?;
    let mut b = new_block();
    bdev(sb).read(block, &mut b)?;
    let di = &b[offset..offset + INODE_SIZE];
    if get_le16(di, DI_LINKS) == 0 || get_le16(di, DI_MODE) == 0 {
        return Err(-ENOENT);
    }
    // The inode is a local value until it is published on the cache list: its fields are set
    // here, as `read_inode` sets them before anyone can see the inode.
    // SAFETY: all-zero bytes are a valid `struct ext2l_inode_info` (integers, null pointers,
    // unlocked locks); the kref, list link and locks are initialised below.
    let mut ei: raw::ext2l_inode_info = unsafe { std::mem::zeroed() };
    for (i, slot) in ei.i_data.iter_mut().enumerate() {
        *slot = get_le32(di, DI_BLOCK + 4 * i);
    }
    ei.i_blocks = get_le32(di, DI_BLOCKS);
    ei.i_dirty = 0;
    ei.vfs_inode.i_ino = u64::from(ino) as _;
    ei.vfs_inode.i_mode = get_le16(di, DI_MODE) as u16;
    ei.vfs_inode.i_size = get_le32(di, DI_SIZE);
    ei.vfs_inode.i_nlink = get_le16(di, DI_LINKS);
    ei.vfs_inode.i_sb = sb.as_raw();
    let ptr = Box::into_raw(Box::new(ei));
    // SAFETY: `ptr` is a live allocation nobody else knows; the shim's kref, list_head, mutex
    // and spinlock have the header's layouts (the generated crate asserts them).
    unsafe {
        inv::sys::kref_init((&raw mut (*ptr).i_ref).cast());
        inv::sys::init_list_head((&raw mut (*ptr).i_cache).cast());
        inv::sys::mutex_init((&raw mut (*ptr).i_mutex).cast());
        inv::sys::spin_lock_init((&raw mut (*ptr).vfs_inode.i_lock).cast());
    }
    Ok(ptr)
}

/// The cached inode `ino`, with a new reference, unless it is dying (count zero).
fn find_cached(g: &ext2lite_inv::Ext2lSbInfoSLockGuard<'_>, ino: u32) -> Option<InodeRef> {
    g.s_inodes().find_map(|entry| {
        // SAFETY: the entry is on the cache list, so it is a live `ext2l_inode_info` made by
        // `read_inode` (C's or ours), kept alive by the held `s_lock` (release unlinks under it).
        let ei = unsafe { Ext2lInodeInfo::from_raw(ptr::from_ref(entry).cast_mut()) };
        if self::ino(ei) == ino {
            inv::KrefRef::try_new(ei)
        } else {
            None
        }
    })
}

/// `ext2l_iget`: the inode from the cache, or read from disk and cached.
pub fn iget(sb: &Ext2lSbInfo, ino: u32) -> Res<InodeRef> {
    if let Some(found) = find_cached(&sb.s_lock(), ino) {
        return Ok(found);
    }
    let new = read_inode(sb, ino)?;
    let mut g = sb.s_lock();
    // Someone may have read it meanwhile: theirs wins.
    if let Some(found) = find_cached(&g, ino) {
        drop(g);
        // SAFETY: `new` came from `Box` in `read_inode` and was never published.
        drop(unsafe { Box::from_raw(new) });
        return Ok(found);
    }
    // SAFETY: `new` is live and on no list; it stays valid until `ext2l_inode_release`
    // unlinks it (under this lock) before freeing it.
    unsafe { g.push_s_inodes(new) };
    let cached = g.s_cached();
    g.set_s_cached(cached + 1);
    drop(g);
    // SAFETY: `new` is initialised and published under the spec's rules; the count of one
    // from `kref_init` is handed to the `InodeRef`.
    let ei = unsafe { Ext2lInodeInfo::from_raw(new) };
    // SAFETY: as above: we own the one counted reference.
    Ok(unsafe { inv::KrefRef::from_raw(NonNull::from(ei)) })
}

/// The spec's `release ext2l_inode_release` of `refcount i_ref`: the last reference is
/// gone. Leaves the cache, then writes the inode back, or deletes it if it has no links.
///
/// # Safety
/// `kref` is the `i_ref` of an `ext2l_inode_info` made by `iget` whose count reached zero.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ext2l_inode_release(kref: *mut raw::kref) {
    let ptr = inv::container_of_mut::<raw::ext2l_inode_info, raw::kref>(
        kref,
        std::mem::offset_of!(raw::ext2l_inode_info, i_ref),
    );
    {
        // SAFETY: the caller promises `kref` is the count of a live, cached inode; nobody
        // else holds a reference, so it stays valid until freed below.
        let ei = unsafe { Ext2lInodeInfo::from_raw(ptr) };
        let sb = sb_of(ei);
        {
            let mut g = sb.s_lock();
            // SAFETY: the inode is on this superblock's cache list (put there by `iget`).
            unsafe { g.remove_s_inodes(ptr) };
            let cached = g.s_cached();
            g.set_s_cached(cached - 1);
        }
        let nlink = vfs(ei).i_lock().i_nlink();
        let mut m = ei.i_mutex();
        if nlink == 0 {
            let is_dir = is_dir_mode(mode(ei));
            if (is_fast_symlink(&m) || truncate_blocks(&mut m, 0).is_ok())
                && clear_disk_inode(sb, ino(ei), mode(ei)).is_ok()
            {
                let _ = free_inode(sb, ino(ei), is_dir);
            }
        } else if m.i_dirty() != 0 {
            let _ = write_inode(&mut m);
        }
    }
    // SAFETY: the inode came from `Box` in `read_inode`, is off the list and unreferenced.
    drop(unsafe { Box::from_raw(ptr) });
}

/// A fast symlink keeps its target in `i_data`, which then holds no block numbers
/// (`is_fast_symlink`).
pub(crate) fn is_fast_symlink(m: &Ext2lInodeInfoIMutexGuard<'_>) -> bool {
    is_symlink_mode(mode(m.owner())) && m.i_blocks() == 0
}

/// `ext2l_readlink`: the symlink's target, at most `size` bytes of it.
pub fn readlink(ei: &Ext2lInodeInfo, size: usize) -> Res<Vec<u8>> {
    if !is_symlink_mode(mode(ei)) {
        return Err(-EINVAL);
    }
    let sb = sb_of(ei);
    let mut b = new_block();
    let mut m = ei.i_mutex();
    let len = self::size(vfs(ei)) as usize;
    if len >= BLOCK_SIZE {
        return Err(-EIO);
    } else if is_fast_symlink(&m) {
        for (i, &word) in m.i_data().iter().enumerate() {
            put_le32(&mut b, 4 * i, word);
        }
        if len > FAST_SYMLINK_LEN {
            return Err(-EIO);
        }
    } else {
        let pblk = bmap(&mut m, 0, false)?;
        if pblk == 0 {
            return Err(-EIO);
        }
        bdev(sb).read(pblk, &mut b)?;
    }
    drop(m);
    Ok(b[..len.min(size)].to_vec())
}

/// `ext2l_write_inode`: writes the inode back to the inode table; its `i_mutex` is held.
pub fn write_inode(m: &mut Ext2lInodeInfoIMutexGuard<'_>) -> Res<()> {
    let ei = m.owner();
    let sb = sb_of(ei);
    let (block, offset) = inode_location(sb, ino(ei))?;
    let dev = bdev(sb);
    let mut b = new_block();
    dev.read(block, &mut b)?;
    let (size, nlink) = {
        let g = vfs(ei).i_lock();
        (g.i_size(), g.i_nlink())
    };
    let di = &mut b[offset..offset + INODE_SIZE];
    di.fill(0);
    put_le16(di, DI_MODE, mode(ei));
    put_le32(di, DI_SIZE, size);
    put_le16(di, DI_LINKS, nlink);
    put_le32(di, DI_BLOCKS, m.i_blocks());
    for (i, &nr) in m.i_data().iter().enumerate() {
        put_le32(di, DI_BLOCK + 4 * i, nr);
    }
    dev.write(block, &b)?;
    m.set_i_dirty(0);
    Ok(())
}

/// Clears inode `ino` in the inode table (`clear_disk_inode`).
fn clear_disk_inode(sb: &Ext2lSbInfo, ino: u32, mode: u32) -> Res<()> {
    let (block, offset) = inode_location(sb, ino)?;
    let dev = bdev(sb);
    let mut b = new_block();
    dev.read(block, &mut b)?;
    b[offset..offset + INODE_SIZE].fill(0);
    put_le16(&mut b, offset + DI_MODE, mode);
    put_le32(&mut b, offset + DI_DTIME, 1);
    dev.write(block, &b)
}

fn add_blocks(m: &mut Ext2lInodeInfoIMutexGuard<'_>, sectors: i32) {
    let b = m.i_blocks();
    m.set_i_blocks((b as i32 + sectors) as u32);
    m.set_i_dirty(1);
}

/// `ext2l_bmap`: the disk block of logical block `lblk` (0 for a hole); with `create`,
/// allocates missing blocks and the indirect block. The inode's `i_mutex` is held.
pub fn bmap(m: &mut Ext2lInodeInfoIMutexGuard<'_>, lblk: u32, create: bool) -> Res<u32> {
    let sb = sb_of(m.owner());
    let per = SECTORS_PER_BLOCK as i32;
    if lblk >= MAX_FILE_BLOCKS {
        return Err(-EFBIG);
    }
    if lblk < NDIR_BLOCKS {
        let l = lblk as usize;
        if m.i_data()[l] == 0 && create {
            let nr = new_block_zeroed(sb)?;
            m.i_data_mut()[l] = nr;
            add_blocks(m, per);
        }
        return Ok(m.i_data()[l]);
    }
    let slot = (lblk - NDIR_BLOCKS) as usize;
    if m.i_data()[IND_BLOCK] == 0 {
        if !create {
            return Ok(0);
        }
        let nr = new_block_zeroed(sb)?;
        m.i_data_mut()[IND_BLOCK] = nr;
        add_blocks(m, per);
    }
    let dev = bdev(sb);
    let ind_block = m.i_data()[IND_BLOCK];
    let mut ind = new_block();
    dev.read(ind_block, &mut ind)?;
    let mut nr = get_le32(&ind, 4 * slot);
    if nr == 0 && create {
        nr = new_block_zeroed(sb)?;
        put_le32(&mut ind, 4 * slot, nr);
        if let Err(e) = dev.write(ind_block, &ind) {
            let _ = free_block(sb, nr);
            return Err(e);
        }
        add_blocks(m, per);
    }
    Ok(nr)
}

/// Frees the blocks from logical block `keep` on (`truncate_blocks`); `i_mutex` held.
pub(crate) fn truncate_blocks(m: &mut Ext2lInodeInfoIMutexGuard<'_>, keep: u32) -> Res<()> {
    let sb = sb_of(m.owner());
    let per = SECTORS_PER_BLOCK as i32;
    for i in keep as usize..NDIR_BLOCKS as usize {
        let nr = m.i_data()[i];
        if nr == 0 {
            continue;
        }
        free_block(sb, nr)?;
        m.i_data_mut()[i] = 0;
        add_blocks(m, -per);
    }
    let ind_block = m.i_data()[IND_BLOCK];
    if ind_block == 0 {
        return Ok(());
    }
    let dev = bdev(sb);
    let mut ind = new_block();
    dev.read(ind_block, &mut ind)?;
    let (mut any_left, mut changed) = (false, false);
    for i in 0..ADDR_PER_BLOCK {
        let nr = get_le32(&ind, 4 * i as usize);
        if nr == 0 {
            continue;
        }
        if NDIR_BLOCKS + i < keep {
            any_left = true;
            continue;
        }
        free_block(sb, nr)?;
        put_le32(&mut ind, 4 * i as usize, 0);
        add_blocks(m, -per);
        changed = true;
    }
    if !any_left {
        free_block(sb, ind_block)?;
        m.i_data_mut()[IND_BLOCK] = 0;
        add_blocks(m, -per);
    } else if changed {
        dev.write(ind_block, &ind)?;
    }
    Ok(())
}

/// `ext2l_file_read`: reads up to `buf.len()` bytes at `pos`; holes read as zeros.
pub fn file_read(ei: &Ext2lInodeInfo, pos: u32, buf: &mut [u8]) -> Res<usize> {
    let sb = sb_of(ei);
    let mut m = ei.i_mutex();
    let size = size(vfs(ei));
    if pos >= size {
        return Ok(0);
    }
    let len = buf.len().min((size - pos) as usize);
    let mut done = 0usize;
    let mut err = None;
    let mut b = new_block();
    while done < len {
        let at = pos + done as u32;
        let (lblk, off) = (at / BLOCK_SIZE as u32, (at % BLOCK_SIZE as u32) as usize);
        let chunk = (BLOCK_SIZE - off).min(len - done);
        let pblk = match bmap(&mut m, lblk, false) {
            Ok(p) => p,
            Err(e) => {
                err = Some(e);
                break;
            }
        };
        if pblk == 0 {
            buf[done..done + chunk].fill(0);
        } else {
            if let Err(e) = bdev(sb).read(pblk, &mut b) {
                err = Some(e);
                break;
            }
            buf[done..done + chunk].copy_from_slice(&b[off..off + chunk]);
        }
        done += chunk;
    }
    drop(m);
    match err {
        Some(e) if done == 0 => Err(e),
        _ => Ok(done),
    }
}

/// `ext2l_file_write`: writes `buf` at `pos`, allocating blocks, growing the size.
pub fn file_write(ei: &Ext2lInodeInfo, pos: u32, buf: &[u8]) -> Res<usize> {
    let sb = sb_of(ei);
    if readonly(sb) {
        return Err(-EROFS);
    }
    if is_dir_mode(mode(ei)) {
        return Err(-EISDIR);
    }
    if u64::from(pos) + buf.len() as u64 > u64::from(MAX_FILE_BLOCKS) * BLOCK_SIZE as u64 {
        return Err(-EFBIG);
    }
    let len = buf.len();
    let mut m = ei.i_mutex();
    let mut done = 0usize;
    let mut err = None;
    let mut b = new_block();
    while done < len {
        let at = pos + done as u32;
        let (lblk, off) = (at / BLOCK_SIZE as u32, (at % BLOCK_SIZE as u32) as usize);
        let chunk = (BLOCK_SIZE - off).min(len - done);
        let step = (|| {
            let pblk = bmap(&mut m, lblk, true)?;
            if chunk != BLOCK_SIZE {
                bdev(sb).read(pblk, &mut b)?;
            }
            b[off..off + chunk].copy_from_slice(&buf[done..done + chunk]);
            bdev(sb).write(pblk, &b)
        })();
        if let Err(e) = step {
            err = Some(e);
            break;
        }
        done += chunk;
    }
    let size = size(vfs(ei));
    if pos as usize + done > size as usize {
        set_size(vfs(ei), pos + done as u32);
        m.set_i_dirty(1);
    }
    let werr = if m.i_dirty() != 0 {
        write_inode(&mut m).err()
    } else {
        None
    };
    drop(m);
    match (err, werr) {
        (Some(e), _) if done == 0 => Err(e),
        (_, Some(w)) => Err(w),
        _ => Ok(done),
    }
}

/// `ext2l_truncate`: sets the size, freeing the blocks past it.
pub fn truncate(ei: &Ext2lInodeInfo, new_size: u32) -> Res<()> {
    let sb = sb_of(ei);
    if readonly(sb) {
        return Err(-EROFS);
    }
    if is_dir_mode(mode(ei)) {
        return Err(-EISDIR);
    }
    if new_size > MAX_FILE_BLOCKS * BLOCK_SIZE as u32 {
        return Err(-EFBIG);
    }
    let bs = BLOCK_SIZE as u32;
    let mut m = ei.i_mutex();
    let old = size(vfs(ei));
    let keep = new_size.div_ceil(bs);
    let mut res = truncate_blocks(&mut m, keep);
    if res.is_ok() && new_size < old && new_size % bs != 0 {
        // Zero the tail of the last block, so that growing the file again reads zeros.
        res = bmap(&mut m, new_size / bs, false).and_then(|pblk| {
            if pblk == 0 {
                return Ok(());
            }
            let mut b = new_block();
            bdev(sb).read(pblk, &mut b)?;
            b[(new_size % bs) as usize..].fill(0);
            bdev(sb).write(pblk, &b)
        });
    }
    if res.is_ok() {
        set_size(vfs(ei), new_size);
        res = write_inode(&mut m);
    }
    res
}

/// Zeroes bytes `from..to` of logical block `lblk`, if it is mapped (`zero_in_block`).
fn zero_in_block(
    m: &mut Ext2lInodeInfoIMutexGuard<'_>,
    lblk: u32,
    from: usize,
    to: usize,
) -> Res<()> {
    let pblk = bmap(m, lblk, false)?;
    if pblk == 0 {
        return Ok(());
    }
    let dev = bdev(sb_of(m.owner()));
    let mut b = new_block();
    dev.read(pblk, &mut b)?;
    b[from..to].fill(0);
    dev.write(pblk, &b)
}

/// Unmaps and frees logical block `lblk`, if it is mapped (`free_lblk`).
fn free_lblk(m: &mut Ext2lInodeInfoIMutexGuard<'_>, lblk: u32) -> Res<()> {
    let sb = sb_of(m.owner());
    if lblk < NDIR_BLOCKS {
        let nr = m.i_data()[lblk as usize];
        if nr == 0 {
            return Ok(());
        }
        free_block(sb, nr)?;
        m.i_data_mut()[lblk as usize] = 0;
    } else {
        let ind_block = m.i_data()[IND_BLOCK];
        if ind_block == 0 {
            return Ok(());
        }
        let slot = (lblk - NDIR_BLOCKS) as usize;
        let dev = bdev(sb);
        let mut ind = new_block();
        dev.read(ind_block, &mut ind)?;
        let nr = get_le32(&ind, 4 * slot);
        if nr == 0 {
            return Ok(());
        }
        free_block(sb, nr)?;
        put_le32(&mut ind, 4 * slot, 0);
        dev.write(ind_block, &ind)?;
    }
    add_blocks(m, -(SECTORS_PER_BLOCK as i32));
    Ok(())
}

/// Frees the indirect block once it maps nothing (`drop_empty_indirect`).
fn drop_empty_indirect(m: &mut Ext2lInodeInfoIMutexGuard<'_>) -> Res<()> {
    let ind_block = m.i_data()[IND_BLOCK];
    if ind_block == 0 {
        return Ok(());
    }
    let sb = sb_of(m.owner());
    let mut ind = new_block();
    bdev(sb).read(ind_block, &mut ind)?;
    if ind.iter().any(|&byte| byte != 0) {
        return Ok(());
    }
    free_block(sb, ind_block)?;
    m.i_data_mut()[IND_BLOCK] = 0;
    add_blocks(m, -(SECTORS_PER_BLOCK as i32));
    Ok(())
}

/// `ext2l_punch`: frees the whole blocks inside `pos..pos + len` and zeroes the partial ones
/// at its ends; the size does not change.
pub fn punch(ei: &Ext2lInodeInfo, pos: u32, len: u32) -> Res<()> {
    if readonly(sb_of(ei)) {
        return Err(-EROFS);
    }
    if is_dir_mode(mode(ei)) {
        return Err(-EISDIR);
    }
    if is_symlink_mode(mode(ei)) {
        return Err(-EINVAL);
    }
    let bs = BLOCK_SIZE as u32;
    let mut m = ei.i_mutex();
    let size = size(vfs(ei));
    if pos >= size || len == 0 {
        return Ok(());
    }
    let end = if len > size - pos { size } else { pos + len };
    let (first, last) = (pos / bs, (end - 1) / bs);
    for l in first..=last {
        let from = if l == first { pos % bs } else { 0 } as usize;
        let to = if l == last { (end - 1) % bs + 1 } else { bs } as usize;
        if from == 0 && to == BLOCK_SIZE {
            free_lblk(&mut m, l)?;
        } else {
            zero_in_block(&mut m, l, from, to)?;
        }
    }
    drop_empty_indirect(&mut m)?;
    if m.i_dirty() != 0 {
        write_inode(&mut m)?;
    }
    Ok(())
}

/// `ext2l_getattr`: works on the VFS inode, as the VFS calls it; the fs's part is reached
/// with the generated `EXT2L_I` instead of `container_of` arithmetic.
pub fn getattr(inode: Ext2lInodeInfoVfsInode<'_>) -> Stat {
    let ei = EXT2L_I(inode);
    let v = vfs(ei);
    let (size, nlink) = {
        let g = v.i_lock();
        (g.i_size(), g.i_nlink())
    };
    let blocks = ei.i_mutex().i_blocks();
    Stat {
        ino: v.i_ino() as u32,
        mode: u32::from(v.i_mode()),
        size,
        nlink,
        blocks,
    }
}
