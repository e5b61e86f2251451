// The study's VFS inode lifetime mistake: a reference to the embedded VFS inode kept after
// the counted reference that keeps its owner alive is put (iput). With the generated
// `vfs_inode()` the member borrows from its owner, so the put cannot happen while it is used.
use ext2lite_example::{Fs, InodeRef};

fn main() {
    let fs: Fs = todo_fs();
    let ei: InodeRef = fs.namei("/f").unwrap();
    let vfs = ei.vfs_inode();
    drop(ei); // iput: the inode may be freed here
    let _ = ext2lite_example::inode::getattr(vfs);
}

fn todo_fs() -> Fs {
    unreachable!()
}
