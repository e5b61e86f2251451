// `s_free_blocks_count` is `guarded_by(s_lock)`: no accessor outside the lock's guard.
use ext2lite_example::Ext2lSbInfo;

fn take_block(sb: &Ext2lSbInfo) {
    let free = sb.s_free_blocks_count();
    sb.set_s_free_blocks_count(free - 1);
}

fn main() {
    let _ = take_block;
}
