// Seeded mistake: the inode cache (`list s_inodes ... guarded_by(s_lock)`) walked through
// raw `next` pointers, with a raw lock call instead of the guard.
use ext2lite_inv::raw;

pub fn cached(sbi: *mut raw::ext2l_sb_info) -> usize {
    let mut n = 0;
    // SAFETY: sbi is the mounted superblock.
    unsafe {
        mutex_lock(&mut (*sbi).s_lock); //~ raw-lock
        let head = &raw mut (*sbi).s_inodes;
        let mut pos = (*sbi).s_inodes.next; //~ raw-list-walk
        while pos != head {
            n += 1;
            pos = (*pos).next;
        }
        mutex_unlock(&mut (*sbi).s_lock); //~ raw-lock
    }
    n
}
