// Seeded mistake: block allocation translated with the free count updated through the raw
// superblock and no `s_lock` held, racing another allocator (`guarded_by(s_lock)`).
use ext2lite_inv::raw;

pub fn take_block(sbi: *mut raw::ext2l_sb_info) -> Result<(), i32> {
    // SAFETY: sbi is the mounted superblock.
    unsafe {
        if (*sbi).s_free_blocks_count == 0 { //~ guarded-access
            return Err(-28);
        }
        (*sbi).s_free_blocks_count -= 1; //~ guarded-access
    }
    Ok(())
}
