// Seeded mistake: `ext2l_getattr` translated with C's container_of arithmetic on the VFS
// inode (`EXT2L_I` by hand) instead of the generated `EXT2L_I`/`from_vfs_inode`. The
// offset is right today; nothing ties the member to a live owner, and the result aliases it.
use ext2lite_inv::raw;

pub fn getattr_blocks(inode: *mut raw::inode) -> u32 {
    let ei = container_of!(inode, raw::ext2l_inode_info, vfs_inode); //~ raw-container-of
    // SAFETY: the inode is the vfs_inode of a live ext2l_inode_info, and i_mutex is held.
    unsafe { (*ei).i_blocks } //~ guarded-access
}

pub fn by_offset(inode: *mut raw::inode) -> *mut raw::ext2l_inode_info {
    let off = core::mem::offset_of!(raw::ext2l_inode_info, vfs_inode); //~ raw-container-of
    inode.cast::<u8>().wrapping_sub(off).cast()
}
