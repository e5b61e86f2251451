// A reference into the block map kept after `i_mutex` is released: the guard's borrow ends
// with the guard, so the reference cannot outlive it.
use ext2lite_example::Ext2lInodeInfo;

fn block_map(ei: &Ext2lInodeInfo) -> &[u32; 15] {
    let m = ei.i_mutex();
    m.i_data()
}

fn main() {
    let _ = block_map;
}
