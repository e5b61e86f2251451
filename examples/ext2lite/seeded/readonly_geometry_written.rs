// Seeded mistake: a resize translated by writing the mounted superblock's geometry, which
// the spec makes `readonly` (read at mount, never written while mounted).
use ext2lite_inv::raw;

pub fn grow(sbi: *mut raw::ext2l_sb_info, extra: u32) {
    // SAFETY: sbi is the mounted superblock.
    unsafe {
        (*sbi).s_blocks_count += extra; //~ readonly-write
    }
}

pub fn vfs_rename_ino(ei: &mut raw::ext2l_inode_info, ino: u64) {
    ei.vfs_inode.i_ino = ino as _; //~ readonly-write
}
