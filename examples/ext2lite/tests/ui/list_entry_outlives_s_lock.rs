// An entry of the inode cache kept after `s_lock` is released: the release function may
// unlink and free it as soon as the lock is dropped, so the entry borrows from the guard.
use ext2lite_example::{Ext2lSbInfo, raw};

fn first_cached(sb: &Ext2lSbInfo) -> Option<&raw::ext2l_inode_info> {
    let g = sb.s_lock();
    g.s_inodes().next()
}

fn main() {
    let _ = first_cached;
}
