// The study's self-referencing struct: the fs inode and a reference to the VFS inode inside
// it, kept in one struct. The borrow of the member pins its owner, so the owner cannot be
// moved into the struct that also holds the borrow.
use ext2lite_example::{Ext2lInodeInfoVfsInode, InodeRef};

struct CachedInode<'a> {
    owner: InodeRef,
    vfs: Ext2lInodeInfoVfsInode<'a>,
}

fn cache(owner: InodeRef) -> CachedInode<'static> {
    let vfs = owner.vfs_inode();
    CachedInode { owner, vfs }
}

fn main() {
    let _ = cache;
}
