//! What the generated wrappers give the ext2lite translation: the VFS inode and its owner
//! reached from each other safely, counted inode references shared through the cache, and
//! the spec's invariants checked when `s_lock` is released.

use std::path::PathBuf;
use std::ptr;

use ext2lite_example::{EXT2L_I, Ext2lInodeInfo, Fs, InodeRef, inode, mkfs};

/// A fresh, mounted image; the file is removed on drop.
struct Mounted {
    path: PathBuf,
    fs: Option<Fs>,
}

impl Mounted {
    fn new(tag: &str) -> Mounted {
        let dir = std::env::temp_dir().join("ext2lite-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("wrappers-{tag}-{}.img", std::process::id()));
        mkfs(&path, 128, 32).unwrap();
        let fs = Fs::mount(&path).unwrap();
        Mounted { path, fs: Some(fs) }
    }
    fn fs(&self) -> &Fs {
        self.fs.as_ref().unwrap()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[test]
fn the_vfs_inode_leads_back_to_its_owner() {
    let m = Mounted::new("vfs");
    m.fs().create_path("/f", false).unwrap();
    m.fs().write_path("/f", 0, b"hello").unwrap();
    let ei: InodeRef = m.fs().namei("/f").unwrap();
    let vfs = ei.vfs_inode();
    // EXT2L_I, C's container_of, safely: the owner of the member is the inode we hold.
    let owner: &Ext2lInodeInfo = EXT2L_I(vfs);
    assert!(ptr::eq(owner, &*ei));
    assert!(ptr::eq(Ext2lInodeInfo::from_vfs_inode(vfs), &*ei));
    let st = inode::getattr(vfs);
    assert_eq!((st.size, st.nlink, st.blocks), (5, 1, 2));
    drop(ei);
}

#[test]
fn the_cache_shares_an_inode_and_its_last_put_leaves_the_cache() {
    let mut m = Mounted::new("cache");
    let fs = m.fs();
    let a = fs.namei("/").unwrap();
    let b = fs.namei("/").unwrap();
    assert!(ptr::eq(&*a, &*b), "one cached inode for one number");
    assert_eq!(InodeRef::count(&a), 2);
    assert_eq!(fs.sb().s_lock().s_cached(), 1);
    assert_eq!(fs.sb().s_lock().s_inodes().count(), 1);
    let c = a.clone();
    assert_eq!(InodeRef::count(&b), 3);
    drop((a, b));
    assert_eq!(fs.sb().s_lock().s_cached(), 1);
    drop(c);
    assert_eq!(fs.sb().s_lock().s_cached(), 0);
    assert_eq!(fs.sb().s_lock().s_inodes().count(), 0);
    // Unmount refuses while an inode is referenced, and gives the file system back.
    let held = fs.namei("/").unwrap();
    let fs = m.fs.take().unwrap();
    let fs = match fs.unmount() {
        Err(fs) => fs,
        Ok(_) => panic!("unmounted with a referenced inode"),
    };
    drop(held);
    assert_eq!(fs.unmount().ok(), Some(Ok(())));
}

#[test]
fn an_unlinked_file_lives_until_its_last_reference() {
    let m = Mounted::new("unlink");
    let fs = m.fs();
    fs.create_path("/f", false).unwrap();
    fs.write_path("/f", 0, &[1; 3000]).unwrap();
    let before = fs.statfs();
    let open = fs.namei("/f").unwrap();
    fs.unlink_path("/f").unwrap();
    // Still readable through the reference; its blocks and inode are still in use.
    let mut buf = [0; 10];
    assert_eq!(inode::file_read(&open, 0, &mut buf), Ok(10));
    assert_eq!(buf, [1; 10]);
    assert_eq!(fs.statfs(), before);
    drop(open);
    assert_eq!(fs.statfs(), (before.0 + 3, before.1 + 1));
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "invariant `s_free_blocks_count <= s_blocks_count`")]
fn a_free_count_above_the_block_count_trips_the_spec_invariant() {
    let m = Mounted::new("invariant");
    let sb = m.fs().sb();
    let mut g = sb.s_lock();
    // A translation that frees a block twice without the bitmap check would do this.
    g.set_s_free_blocks_count(sb.s_blocks_count() + 1);
    drop(g);
}
