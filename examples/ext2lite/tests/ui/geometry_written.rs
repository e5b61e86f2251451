// `s_blocks_count` is `readonly`: read at mount and never written, so it has no setter, not
// even on the superblock the caller has to itself.
use ext2lite_example::Ext2lSbInfo;

fn grow(sb: &mut Ext2lSbInfo) {
    let n = sb.s_blocks_count();
    sb.set_s_blocks_count(n + 64);
}

fn main() {
    let _ = grow;
}
