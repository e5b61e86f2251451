// Seeded mistake: the read-only flag `s_ro` (`lockless`: any thread sets it when it finds
// corruption, every writer reads it) accessed with plain loads and stores instead of
// READ_ONCE/WRITE_ONCE (the wrapper's `s_ro()`/`set_s_ro()`), which the compiler may tear,
// hoist out of a loop or cache.
use ext2lite_inv::raw;

pub fn mark_corrupt(sbi: *mut raw::ext2l_sb_info) {
    // SAFETY: sbi is the mounted superblock.
    unsafe { (*sbi).s_ro = 1 }; //~ lockless-access
}

pub fn may_write(sbi: &raw::ext2l_sb_info) -> bool {
    sbi.s_ro == 0 //~ lockless-access
}
