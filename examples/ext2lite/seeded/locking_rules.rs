// Seeded mistakes in the locking rules the spec's `fn` and `order` items state: the block
// map without `i_mutex` (`requires ei.i_mutex`), the sleeping `ext2l_iput` under the VFS
// inode's spinlock, and `i_mutex` taken under `s_lock` (the spec orders it first).
use ext2lite_example::{Ext2lInodeInfo, Ext2lSbInfo, Inode, raw};

pub fn first_block(ei: *mut raw::ext2l_inode_info) -> u32 {
    let mut pblk = 0;
    ext2l_bmap(ei, 0, 0, &mut pblk); //~ missing-lock
    pblk
}

pub fn put_under_spinlock(vfs: &Inode, ei: *mut raw::ext2l_inode_info) {
    let g = vfs.i_lock();
    if g.i_nlink() == 0 {
        ext2l_iput(ei); //~ sleep-in-atomic
    }
}

pub fn blocks_under_s_lock(sb: &Ext2lSbInfo, ei: &Ext2lInodeInfo) -> u32 {
    let _g = sb.s_lock();
    let m = ei.i_mutex(); //~ lock-order
    m.i_blocks()
}
