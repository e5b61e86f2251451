//! Directories: ext2's variable-length entries (`ext2lite.c`'s directory part), and creating,
//! unlinking and removing inodes.

use ext2lite_inv::Ext2lInodeInfoIMutexGuard;

use crate::disk::*;
use crate::inode::{bmap, change_nlink, iget, ino, inode_location, mode, size, vfs, write_inode};
use crate::super_::{bdev, error, free_inode, new_inode, readonly};
use crate::*;

/// Checks a name (`check_name`): not empty, at most `NAME_LEN` bytes, no `/`.
fn check_name(name: &[u8]) -> Res<u32> {
    if name.is_empty() {
        return Err(-EINVAL);
    }
    if name.len() > NAME_LEN {
        return Err(-ENAMETOOLONG);
    }
    if name.contains(&b'/') {
        return Err(-EINVAL);
    }
    Ok(name.len() as u32)
}

/// Checks one entry header at `off` (`check_dirent`); `-EIO` if it is corrupt.
pub(crate) fn check_dirent(b: &Block, off: usize) -> Res<()> {
    if off + DE_NAME > BLOCK_SIZE {
        return Err(-EIO);
    }
    let rec_len = get_le16(b, off + DE_REC_LEN) as usize;
    let name_len = u32::from(b[off + DE_NAME_LEN]);
    if rec_len < DE_NAME
        || rec_len % 4 != 0
        || off + rec_len > BLOCK_SIZE
        || dirent_size(name_len) as usize > rec_len
    {
        return Err(-EIO);
    }
    Ok(())
}

/// Where `find_entry` found a name: the logical block, the entry's offset and the previous
/// entry's offset in the same block.
struct Found {
    lblk: u32,
    off: usize,
    prev: Option<usize>,
}

/// Finds `name` in the directory (`find_entry`), leaving its block in `b`; `i_mutex` held.
fn find_entry(m: &mut Ext2lInodeInfoIMutexGuard<'_>, name: &[u8], b: &mut Block) -> Res<Found> {
    let dir = m.owner();
    let nblocks = size(vfs(dir)) / BLOCK_SIZE as u32;
    for lblk in 0..nblocks {
        let pblk = bmap(m, lblk, false)?;
        if pblk == 0 {
            return Err(-EIO);
        }
        bdev(inode::sb_of(dir)).read(pblk, b)?;
        let mut prev = None;
        let mut off = 0;
        while off < BLOCK_SIZE {
            if let Err(e) = check_dirent(b, off) {
                error(inode::sb_of(dir));
                return Err(e);
            }
            let len = usize::from(b[off + DE_NAME_LEN]);
            if get_le32(b, off + DE_INODE) != 0
                && len == name.len()
                && &b[off + DE_NAME..off + DE_NAME + len] == name
            {
                return Ok(Found { lblk, off, prev });
            }
            prev = Some(off);
            off += get_le16(b, off + DE_REC_LEN) as usize;
        }
    }
    Err(-ENOENT)
}

/// `ext2l_lookup`: the inode number of `name` in `dir`.
pub fn lookup(dir: &Ext2lInodeInfo, name: &[u8]) -> Res<u32> {
    if !is_dir_mode(mode(dir)) {
        return Err(-ENOTDIR);
    }
    check_name(name)?;
    let mut m = dir.i_mutex();
    let mut b = new_block();
    let found = find_entry(&mut m, name, &mut b)?;
    Ok(get_le32(&b, found.off + DE_INODE))
}

fn write_dirent(b: &mut Block, off: usize, ino: u32, rec_len: u32, name: &[u8], ft: u8) {
    let len = name.len();
    put_le32(b, off + DE_INODE, ino);
    put_le16(b, off + DE_REC_LEN, rec_len);
    b[off + DE_NAME_LEN] = len as u8;
    b[off + DE_FILE_TYPE] = ft;
    b[off + DE_NAME..off + DE_NAME + len].copy_from_slice(name);
    let end = off + dirent_size(len as u32) as usize;
    b[off + DE_NAME + len..end].fill(0);
}

/// Adds an entry (`add_entry_locked`); `i_mutex` held. `-EEXIST` if the name is there,
/// `-ENOSPC` if the directory is full.
fn add_entry_locked(
    m: &mut Ext2lInodeInfoIMutexGuard<'_>,
    name: &[u8],
    ino: u32,
    ft: u8,
) -> Res<()> {
    let dir = m.owner();
    let dev = bdev(inode::sb_of(dir));
    let need = dirent_size(name.len() as u32);
    let nblocks = size(vfs(dir)) / BLOCK_SIZE as u32;
    let mut b = new_block();
    match find_entry(m, name, &mut b) {
        Ok(_) => return Err(-EEXIST),
        Err(e) if e != -ENOENT => return Err(e),
        Err(_) => {}
    }
    for lblk in 0..nblocks {
        let pblk = bmap(m, lblk, false)?;
        dev.read(pblk, &mut b)?;
        let mut off = 0;
        while off < BLOCK_SIZE {
            let rec_len = get_le16(&b, off + DE_REC_LEN);
            let used = if get_le32(&b, off + DE_INODE) != 0 {
                dirent_size(u32::from(b[off + DE_NAME_LEN]))
            } else {
                0
            };
            if rec_len - used >= need {
                if used == 0 {
                    write_dirent(&mut b, off, ino, rec_len, name, ft);
                } else {
                    put_le16(&mut b, off + DE_REC_LEN, used);
                    write_dirent(&mut b, off + used as usize, ino, rec_len - used, name, ft);
                }
                return dev.write(pblk, &b);
            }
            off += rec_len as usize;
        }
    }
    if nblocks >= DIR_MAX_BLOCKS {
        return Err(-ENOSPC);
    }
    let pblk = bmap(m, nblocks, true)?;
    b.fill(0);
    write_dirent(&mut b, 0, ino, BLOCK_SIZE as u32, name, ft);
    dev.write(pblk, &b)?;
    vfs(dir)
        .i_lock()
        .set_i_size((nblocks + 1) * BLOCK_SIZE as u32);
    write_inode(m)
}

/// `ext2l_add_entry`.
pub fn add_entry(dir: &Ext2lInodeInfo, name: &[u8], ino: u32, ft: u8) -> Res<()> {
    if !is_dir_mode(mode(dir)) {
        return Err(-ENOTDIR);
    }
    check_name(name)?;
    let mut m = dir.i_mutex();
    add_entry_locked(&mut m, name, ino, ft)
}

/// `ext2l_remove_entry`: merges the entry into the previous one, or clears it if it is the
/// first of its block.
pub fn remove_entry(dir: &Ext2lInodeInfo, name: &[u8]) -> Res<()> {
    check_name(name)?;
    let mut m = dir.i_mutex();
    let mut b = new_block();
    let found = find_entry(&mut m, name, &mut b)?;
    match found.prev {
        Some(p) => {
            let merged = get_le16(&b, p + DE_REC_LEN) + get_le16(&b, found.off + DE_REC_LEN);
            put_le16(&mut b, p + DE_REC_LEN, merged);
        }
        None => put_le32(&mut b, found.off + DE_INODE, 0),
    }
    let pblk = bmap(&mut m, found.lblk, false)?;
    bdev(inode::sb_of(dir)).write(pblk, &b)
}

/// `ext2l_readdir`: calls `filldir` for each entry in order, until it returns `true`.
pub fn readdir(dir: &Ext2lInodeInfo, filldir: impl FnMut(&[u8], u32, u8) -> bool) -> Res<()> {
    if !is_dir_mode(mode(dir)) {
        return Err(-ENOTDIR);
    }
    walk_entries(dir, filldir).map(|_| ())
}

/// Whether a directory holds only "." and ".." (`dir_is_empty`).
fn dir_is_empty(dir: &Ext2lInodeInfo) -> Res<bool> {
    walk_entries(dir, |name, _, _| name != b"." && name != b"..").map(|found| !found)
}

/// Calls `visit(name, ino, file_type)` for each live entry of `dir`, in order, under its
/// `i_mutex`, until it returns `true`; says whether one did. A malformed entry marks the file
/// system in error and fails with its errno, as C's walks do.
fn walk_entries(dir: &Ext2lInodeInfo, mut visit: impl FnMut(&[u8], u32, u8) -> bool) -> Res<bool> {
    let mut m = dir.i_mutex();
    let dev = bdev(inode::sb_of(dir));
    let nblocks = size(vfs(dir)) / BLOCK_SIZE as u32;
    let mut b = new_block();
    for lblk in 0..nblocks {
        let pblk = bmap(&mut m, lblk, false)?;
        dev.read(pblk, &mut b)?;
        let mut off = 0;
        while off < BLOCK_SIZE {
            if let Err(e) = check_dirent(&b, off) {
                error(inode::sb_of(dir));
                return Err(e);
            }
            let ino = get_le32(&b, off + DE_INODE);
            let len = usize::from(b[off + DE_NAME_LEN]);
            let name = &b[off + DE_NAME..off + DE_NAME + len];
            if ino != 0 && visit(name, ino, b[off + DE_FILE_TYPE]) {
                return Ok(true);
            }
            off += get_le16(&b, off + DE_REC_LEN) as usize;
        }
    }
    Ok(false)
}

/// Fills a new inode's contents (`init_new_inode`): a directory's first block, or a
/// symlink's target (in `i_data` for a fast one, in a block for a slow one).
fn init_new_inode(m: &mut Ext2lInodeInfoIMutexGuard<'_>, parent: u32, target: &[u8]) -> Res<()> {
    let ei = m.owner();
    let dev = bdev(inode::sb_of(ei));
    let mut b = new_block();
    if is_dir_mode(mode(ei)) {
        let pblk = bmap(m, 0, true)?;
        init_dir_block(&mut b, ino(ei), parent);
        dev.write(pblk, &b)?;
        vfs(ei).i_lock().set_i_size(BLOCK_SIZE as u32);
        return write_inode(m);
    }
    if !is_symlink_mode(mode(ei)) {
        return Ok(());
    }
    b[..target.len()].copy_from_slice(target);
    if target.len() <= FAST_SYMLINK_LEN {
        for (i, slot) in m.i_data_mut().iter_mut().enumerate() {
            *slot = get_le32(&b, 4 * i);
        }
    } else {
        let pblk = bmap(m, 0, true)?;
        dev.write(pblk, &b)?;
    }
    vfs(ei).i_lock().set_i_size(target.len() as u32);
    write_inode(m)
}

/// Makes a new inode of `new_mode`'s type and links it in `dir` as `name` (`do_create`).
fn do_create(dir: &Ext2lInodeInfo, name: &[u8], new_mode: u32, target: &[u8]) -> Res<u32> {
    let sb = inode::sb_of(dir);
    let is_dir = is_dir_mode(new_mode);
    if readonly(sb) {
        return Err(-EROFS);
    }
    if !is_dir_mode(mode(dir)) {
        return Err(-ENOTDIR);
    }
    check_name(name)?;
    match lookup(dir, name) {
        Ok(_) => return Err(-EEXIST),
        Err(e) if e != -ENOENT => return Err(e),
        Err(_) => {}
    }
    let nr = new_inode(sb, is_dir)?;
    let made = (|| {
        let (block, offset) = inode_location(sb, nr)?;
        let dev = bdev(sb);
        let mut b = new_block();
        dev.read(block, &mut b)?;
        b[offset..offset + INODE_SIZE].fill(0);
        put_le16(&mut b, offset + DI_MODE, new_mode);
        put_le16(&mut b, offset + DI_LINKS, if is_dir { 2 } else { 1 });
        dev.write(block, &b)?;
        iget(sb, nr)
    })();
    let ei = match made {
        Ok(ei) => ei,
        Err(e) => {
            let _ = free_inode(sb, nr, is_dir);
            return Err(e);
        }
    };
    let mut res = {
        let mut m = ei.i_mutex();
        init_new_inode(&mut m, ino(dir), target)
    };
    let file_type = if is_dir {
        FT_DIR
    } else if is_symlink_mode(new_mode) {
        FT_SYMLINK
    } else {
        FT_REG_FILE
    };
    if res.is_ok() {
        res = add_entry(dir, name, nr, file_type);
    }
    if let Err(e) = res {
        // Undo: no links, so the last put frees its blocks and the inode.
        change_nlink(vfs(&ei), -(if is_dir { 2 } else { 1 }));
        drop(ei);
        return Err(e);
    }
    if is_dir {
        let mut m = dir.i_mutex();
        change_nlink(vfs(dir), 1);
        res = write_inode(&mut m);
    }
    drop(ei);
    res.map(|()| nr)
}

/// `ext2l_create`: makes a new file, or a directory with its first block, and links it in
/// `dir`.
pub fn create(dir: &Ext2lInodeInfo, name: &[u8], is_dir: bool) -> Res<u32> {
    let mode = if is_dir {
        S_IFDIR | 0o755
    } else {
        S_IFREG | 0o644
    };
    do_create(dir, name, mode, &[])
}

/// `ext2l_symlink`: a symlink to `target`.
pub fn symlink(dir: &Ext2lInodeInfo, name: &[u8], target: &[u8]) -> Res<u32> {
    if target.is_empty() {
        return Err(-ENOENT);
    }
    if target.len() >= BLOCK_SIZE {
        return Err(-ENAMETOOLONG);
    }
    do_create(dir, name, S_IFLNK | 0o777, target)
}

/// `ext2l_unlink`: removes a file's name; the inode goes with its last reference.
pub fn unlink(dir: &Ext2lInodeInfo, name: &[u8]) -> Res<()> {
    let sb = inode::sb_of(dir);
    if readonly(sb) {
        return Err(-EROFS);
    }
    let nr = lookup(dir, name)?;
    let ei = iget(sb, nr)?;
    if is_dir_mode(mode(&ei)) {
        return Err(-EISDIR);
    }
    remove_entry(dir, name)?;
    let mut m = ei.i_mutex();
    change_nlink(vfs(&ei), -1);
    write_inode(&mut m)
}

/// `ext2l_rmdir`: removes an empty directory.
pub fn rmdir(dir: &Ext2lInodeInfo, name: &[u8]) -> Res<()> {
    let sb = inode::sb_of(dir);
    if readonly(sb) {
        return Err(-EROFS);
    }
    if name == b"." || name == b".." {
        return Err(-EINVAL);
    }
    let nr = lookup(dir, name)?;
    let ei = iget(sb, nr)?;
    if !is_dir_mode(mode(&ei)) {
        return Err(-ENOTDIR);
    }
    if !dir_is_empty(&ei)? {
        return Err(-ENOTEMPTY);
    }
    remove_entry(dir, name)?;
    {
        let mut m = ei.i_mutex();
        change_nlink(vfs(&ei), -2);
        write_inode(&mut m)?;
    }
    let mut m = dir.i_mutex();
    change_nlink(vfs(dir), -1);
    write_inode(&mut m)
}

/// `ext2l_link`: a new name for a file.
pub fn link(dir: &Ext2lInodeInfo, name: &[u8], ei: &Ext2lInodeInfo) -> Res<()> {
    if readonly(inode::sb_of(dir)) {
        return Err(-EROFS);
    }
    if !is_dir_mode(mode(dir)) {
        return Err(-ENOTDIR);
    }
    if is_dir_mode(mode(ei)) {
        return Err(-EPERM);
    }
    add_entry(dir, name, ino(ei), FT_REG_FILE)?;
    let mut m = ei.i_mutex();
    change_nlink(vfs(ei), 1);
    write_inode(&mut m)
}

/// Points the ".." entry of directory `ei` at `parent` (`set_dotdot`).
fn set_dotdot(ei: &Ext2lInodeInfo, parent: u32) -> Res<()> {
    let dev = bdev(inode::sb_of(ei));
    let mut m = ei.i_mutex();
    let pblk = bmap(&mut m, 0, false)?;
    if pblk == 0 {
        return Err(-EIO);
    }
    let mut b = new_block();
    dev.read(pblk, &mut b)?;
    if check_dirent(&b, 0).is_err() || check_dirent(&b, 12).is_err() || b[12 + DE_NAME_LEN] != 2 {
        return Err(-EIO);
    }
    put_le32(&mut b, 12 + DE_INODE, parent);
    dev.write(pblk, &b)
}

/// Whether directory `ino` is `dir` or above it (`is_ancestor`): walks up through "..".
fn is_ancestor(sb: &Ext2lSbInfo, ino: u32, dir: u32) -> Res<bool> {
    let mut at = dir;
    let mut steps = 0;
    loop {
        if at == ino {
            return Ok(true);
        }
        if at == ROOT_INO {
            return Ok(false);
        }
        steps += 1;
        if steps > sb.s_inodes_count() {
            error(sb); // a loop: the fs is corrupt
            return Err(-EIO);
        }
        let cur = iget(sb, at)?;
        at = lookup(&cur, b"..")?;
    }
}

/// `ext2l_rename`: moves `oldname` in `odir` to `newname` in `ndir` (which must not exist).
pub fn rename(
    odir: &Ext2lInodeInfo,
    oldname: &[u8],
    ndir: &Ext2lInodeInfo,
    newname: &[u8],
) -> Res<()> {
    let sb = inode::sb_of(odir);
    if readonly(sb) {
        return Err(-EROFS);
    }
    let dots = |n: &[u8]| n == b"." || n == b"..";
    if dots(oldname) || dots(newname) {
        return Err(-EINVAL);
    }
    if !is_dir_mode(mode(ndir)) {
        return Err(-ENOTDIR);
    }
    let nr = lookup(odir, oldname)?;
    match lookup(ndir, newname) {
        Ok(_) => return Err(-EEXIST),
        Err(e) if e != -ENOENT => return Err(e),
        Err(_) => {}
    }
    let ei = iget(sb, nr)?;
    let is_dir = is_dir_mode(mode(&ei));
    let (odir_ino, ndir_ino) = (ino(odir), ino(ndir));
    if is_dir && is_ancestor(sb, nr, ndir_ino)? {
        return Err(-EINVAL);
    }
    add_entry(ndir, newname, nr, if is_dir { FT_DIR } else { FT_REG_FILE })?;
    if let Err(e) = remove_entry(odir, oldname) {
        let _ = remove_entry(ndir, newname);
        return Err(e);
    }
    if is_dir && odir_ino != ndir_ino {
        set_dotdot(&ei, ndir_ino)?;
        {
            let mut m = odir.i_mutex();
            change_nlink(vfs(odir), -1);
            write_inode(&mut m)?;
        }
        let mut m = ndir.i_mutex();
        change_nlink(vfs(ndir), 1);
        write_inode(&mut m)?;
    }
    Ok(())
}
