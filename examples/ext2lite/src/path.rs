//! Paths ("/a/b"): the path-level operations of `ext2lite.c`, as methods of [`Fs`].

use crate::inode::{getattr, iget, mode};
use crate::*;

/// The next component of `path` and the rest (`next_component`); `None` at the end.
fn next_component(path: &[u8]) -> Res<Option<(&[u8], &[u8])>> {
    let start = path.iter().position(|&c| c != b'/').unwrap_or(path.len());
    let path = &path[start..];
    if path.is_empty() {
        return Ok(None);
    }
    let end = path.iter().position(|&c| c == b'/').unwrap_or(path.len());
    if end > NAME_LEN {
        return Err(-ENAMETOOLONG);
    }
    Ok(Some((&path[..end], &path[end..])))
}

impl Fs {
    /// `ext2l_namei`: the inode at `path`.
    pub fn namei(&self, path: &str) -> Res<InodeRef> {
        self.namei_bytes(path.as_bytes())
    }

    fn namei_bytes(&self, path: &[u8]) -> Res<InodeRef> {
        let root = iget(self.sb(), ROOT_INO)?;
        self.walk(root, path, 0)
    }

    /// Walks `path` from directory `start`, following symlinks (`walk`): relative targets
    /// from the link's directory, absolute ones from the root.
    fn walk(&self, start: InodeRef, mut path: &[u8], depth: u32) -> Res<InodeRef> {
        let mut ei = start;
        if path.first() == Some(&b'/') {
            ei = iget(self.sb(), ROOT_INO)?;
        }
        while let Some((name, rest)) = next_component(path)? {
            let nr = dir::lookup(&ei, name)?;
            let next = iget(self.sb(), nr)?;
            path = rest;
            if !is_symlink_mode(mode(&next)) {
                ei = next;
                continue;
            }
            if depth >= MAX_SYMLINKS {
                return Err(-ELOOP);
            }
            let target = inode::readlink(&next, BLOCK_SIZE - 1)?;
            drop(next);
            ei = self.walk(ei, &target, depth + 1)?;
        }
        Ok(ei)
    }

    /// The parent directory of `path` and its last component (`namei_parent`).
    fn namei_parent<'p>(&self, path: &'p str) -> Res<(InodeRef, &'p [u8])> {
        let path = path.as_bytes();
        let start = path.iter().position(|&c| c != b'/').unwrap_or(path.len());
        let path = &path[start..];
        let (parent, rest): (&[u8], &[u8]) = match path.iter().rposition(|&c| c == b'/') {
            Some(slash) => {
                if slash >= 256 {
                    return Err(-ENAMETOOLONG);
                }
                (&path[..slash], &path[slash + 1..])
            }
            None => (&[], path),
        };
        let Some((last, _)) = next_component(rest)? else {
            return Err(-EINVAL);
        };
        Ok((self.namei_bytes(parent)?, last))
    }

    /// `ext2l_create_path`: a file or directory; its inode number.
    pub fn create_path(&self, path: &str, is_dir: bool) -> Res<u32> {
        let (dir, last) = self.namei_parent(path)?;
        dir::create(&dir, last, is_dir)
    }

    /// `ext2l_unlink_path`.
    pub fn unlink_path(&self, path: &str) -> Res<()> {
        let (dir, last) = self.namei_parent(path)?;
        dir::unlink(&dir, last)
    }

    /// `ext2l_rmdir_path`.
    pub fn rmdir_path(&self, path: &str) -> Res<()> {
        let (dir, last) = self.namei_parent(path)?;
        dir::rmdir(&dir, last)
    }

    /// `ext2l_write_path`.
    pub fn write_path(&self, path: &str, pos: u32, buf: &[u8]) -> Res<usize> {
        let ei = self.namei(path)?;
        inode::file_write(&ei, pos, buf)
    }

    /// `ext2l_read_path`.
    pub fn read_path(&self, path: &str, pos: u32, buf: &mut [u8]) -> Res<usize> {
        let ei = self.namei(path)?;
        if is_dir_mode(mode(&ei)) {
            return Err(-EISDIR);
        }
        inode::file_read(&ei, pos, buf)
    }

    /// `ext2l_punch_path`.
    pub fn punch_path(&self, path: &str, pos: u32, len: u32) -> Res<()> {
        let ei = self.namei(path)?;
        inode::punch(&ei, pos, len)
    }

    /// `ext2l_truncate_path`.
    pub fn truncate_path(&self, path: &str, size: u32) -> Res<()> {
        let ei = self.namei(path)?;
        inode::truncate(&ei, size)
    }

    /// `ext2l_stat_path`: through the VFS inode, as `ext2l_getattr` is called.
    pub fn stat_path(&self, path: &str) -> Res<Stat> {
        let ei = self.namei(path)?;
        Ok(getattr(ei.vfs_inode()))
    }

    /// `ext2l_readdir_path`: every entry, in order.
    pub fn readdir_path(&self, path: &str) -> Res<Vec<DirEntry>> {
        let ei = self.namei(path)?;
        let mut out = Vec::new();
        dir::readdir(&ei, |name, ino, file_type| {
            out.push(DirEntry {
                name: name.to_vec(),
                ino,
                file_type,
            });
            false
        })?;
        Ok(out)
    }

    /// `ext2l_link_path`: `newpath` becomes another name of the file at `oldpath`.
    pub fn link_path(&self, oldpath: &str, newpath: &str) -> Res<()> {
        let ei = self.namei(oldpath)?;
        let (dir, last) = self.namei_parent(newpath)?;
        dir::link(&dir, last, &ei)
    }

    /// `ext2l_rename_path`.
    pub fn rename_path(&self, oldpath: &str, newpath: &str) -> Res<()> {
        let (odir, oldlast) = self.namei_parent(oldpath)?;
        let (ndir, newlast) = self.namei_parent(newpath)?;
        dir::rename(&odir, oldlast, &ndir, newlast)
    }

    /// `ext2l_fsck`.
    pub fn fsck(&self) -> Res<FsckReport> {
        fsck::fsck(self.sb())
    }

    /// `ext2l_symlink_path`: a symlink at `linkpath` to `target`; its inode number.
    pub fn symlink_path(&self, target: &str, linkpath: &str) -> Res<u32> {
        let (dir, last) = self.namei_parent(linkpath)?;
        dir::symlink(&dir, last, target.as_bytes())
    }

    /// `ext2l_readlink_path`: the link itself, its last component not followed.
    pub fn readlink_path(&self, path: &str, size: usize) -> Res<Vec<u8>> {
        let (dir, last) = self.namei_parent(path)?;
        let nr = dir::lookup(&dir, last)?;
        let ei = iget(self.sb(), nr)?;
        inode::readlink(&ei, size)
    }
}
