// Seeded mistake: `ext2l_iput` translated as a raw `kref_put` on the inode's `i_ref`
// instead of dropping the `InodeRef`: the caller keeps its pointer after the put, and a
// second put (or a use) after release is not stopped.
use ext2lite_inv::raw;

pub fn iput(ei: *mut raw::ext2l_inode_info) {
    // SAFETY: the caller holds a reference to ei.
    unsafe { inv::sys::kref_put((&raw mut (*ei).i_ref).cast(), release) }; //~ raw-refcount
}

pub fn igrab(ei: *mut raw::ext2l_inode_info) {
    // SAFETY: the caller holds a reference to ei.
    unsafe { kref_get(&mut (*ei).i_ref) }; //~ raw-refcount
}

unsafe extern "C" fn release(_kref: *mut inv::sys::kref) {}
