// The block map (`i_data`) is `guarded_by(i_mutex)`: it is reached only through the guard.
use ext2lite_example::Ext2lInodeInfo;

fn first_block(ei: &Ext2lInodeInfo) -> u32 {
    ei.i_data()[0]
}

fn main() {
    let _ = first_block;
}
