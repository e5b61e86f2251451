//! The C `ext2lite.c` and its Rust translation, driven through the same operations: every
//! result (return values, errnos, data read, stat, directory listings, free counts) must be
//! the same, the images both write must be byte-identical, and each must read the image the
//! other wrote. Proptest makes the sequences; the edge cases of issue 6 (corrupt superblock,
//! directory full, out of blocks, device errors) are tests of their own.

use std::ffi::{CString, c_char, c_int, c_uint, c_void};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use ext2lite_example::{self as e2, DirEntry, Fs, Stat, c, raw};
use proptest::prelude::*;

/// A fresh image path under the system's temporary folder; removed on drop.
struct TempImage(PathBuf);

impl TempImage {
    fn new(tag: &str) -> TempImage {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join("ext2lite-tests");
        std::fs::create_dir_all(&dir).unwrap();
        TempImage(dir.join(format!("{tag}-{}-{n}.img", std::process::id())))
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.0).unwrap()
    }
}

impl Drop for TempImage {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn cstr(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn cpath(p: &Path) -> CString {
    cstr(p.to_str().unwrap())
}

/// One of the two implementations, with the path-level API both have.
trait Impl: Sized {
    const NAME: &'static str;
    fn mkfs(path: &Path, blocks: u32, inodes: u32) -> i32;
    fn mount(path: &Path, fail_read_block: i32) -> Result<Self, i32>;
    fn unmount(self) -> i32;
    fn bdev(&self) -> *mut raw::ext2l_bdev;
    fn create(&self, path: &str, is_dir: bool) -> i64;
    fn unlink(&self, path: &str) -> i64;
    fn rmdir(&self, path: &str) -> i64;
    fn write(&self, path: &str, pos: u32, data: &[u8]) -> i64;
    fn read(&self, path: &str, pos: u32, len: usize) -> (i64, Vec<u8>);
    fn truncate(&self, path: &str, size: u32) -> i64;
    fn stat(&self, path: &str) -> Result<Stat, i32>;
    fn readdir(&self, path: &str) -> Result<Vec<DirEntry>, i32>;
    fn statfs(&self) -> (u32, u32);
    fn link(&self, old: &str, new: &str) -> i64;
    fn rename(&self, old: &str, new: &str) -> i64;
    fn fsck(&self) -> Result<e2::FsckReport, i32>;
    fn symlink(&self, target: &str, path: &str) -> i64;
    fn punch(&self, path: &str, pos: u32, len: u32) -> i64;
    fn readlink(&self, path: &str, size: usize) -> (i64, Vec<u8>);

    /// Makes reads (or writes) of `block` fail, or none with -1.
    fn fail(&self, read: i32, write: i32) {
        // SAFETY: the device struct lives while the file system is mounted, and this test
        // drives it from one thread.
        unsafe {
            (*self.bdev()).fail_read_block = read;
            (*self.bdev()).fail_write_block = write;
        }
    }
}

/// The C version.
struct C(*mut raw::ext2l_sb_info);

unsafe extern "C" fn collect(
    ctx: *mut c_void,
    name: *const c_char,
    len: c_int,
    ino: c_uint,
    file_type: c_uint,
) -> c_int {
    // SAFETY: `ctx` is the `Vec` `C::readdir` passes, and `name` has `len` bytes.
    unsafe {
        let out = &mut *ctx.cast::<Vec<DirEntry>>();
        out.push(DirEntry {
            name: std::slice::from_raw_parts(name.cast::<u8>(), len as usize).to_vec(),
            ino,
            file_type: file_type as u8,
        });
    }
    0
}

impl Impl for C {
    const NAME: &'static str = "C";
    fn link(&self, old: &str, new: &str) -> i64 {
        // SAFETY: a mounted file system and C strings.
        i64::from(unsafe { c::ext2l_link_path(self.0, cstr(old).as_ptr(), cstr(new).as_ptr()) })
    }
    fn rename(&self, old: &str, new: &str) -> i64 {
        // SAFETY: as above.
        i64::from(unsafe { c::ext2l_rename_path(self.0, cstr(old).as_ptr(), cstr(new).as_ptr()) })
    }
    fn punch(&self, path: &str, pos: u32, len: u32) -> i64 {
        // SAFETY: a mounted file system and a C string.
        i64::from(unsafe { c::ext2l_punch_path(self.0, cstr(path).as_ptr(), pos, len) })
    }
    fn symlink(&self, target: &str, path: &str) -> i64 {
        // SAFETY: a mounted file system and C strings.
        i64::from(unsafe {
            c::ext2l_symlink_path(self.0, cstr(target).as_ptr(), cstr(path).as_ptr())
        })
    }
    fn readlink(&self, path: &str, size: usize) -> (i64, Vec<u8>) {
        let mut buf = vec![0u8; size];
        // SAFETY: as above, and `buf` is valid for `size` bytes.
        let n = unsafe {
            c::ext2l_readlink_path(self.0, cstr(path).as_ptr(), buf.as_mut_ptr().cast(), size)
        } as i64;
        buf.truncate(n.max(0) as usize);
        (n, buf)
    }
    fn fsck(&self) -> Result<e2::FsckReport, i32> {
        let mut r = c::ext2l_fsck::default();
        // SAFETY: a mounted file system with no inode in use.
        match unsafe { c::ext2l_fsck(self.0, &mut r) } {
            0 => Ok(e2::FsckReport {
                errors: r.errors,
                files: r.files,
                dirs: r.dirs,
                used_blocks: r.used_blocks,
                used_inodes: r.used_inodes,
            }),
            e => Err(e),
        }
    }
    fn mkfs(path: &Path, blocks: u32, inodes: u32) -> i32 {
        // SAFETY: a valid C string.
        unsafe { c::ext2l_mkfs(cpath(path).as_ptr(), blocks, inodes) }
    }
    fn mount(path: &Path, fail_read_block: i32) -> Result<Self, i32> {
        let p = cpath(path);
        // SAFETY: as `ext2l_mount` does, with the fault set between open and fill_super;
        // both structs are zeroed (valid) and freed by the shim's kfree in `ext2l_unmount`,
        // so they are allocated with the shim's kzalloc.
        unsafe {
            let bdev = inv::sys::kzalloc(std::mem::size_of::<raw::ext2l_bdev>(), 0)
                .cast::<raw::ext2l_bdev>();
            let err = c::ext2l_bdev_open(bdev, p.as_ptr());
            if err != 0 {
                inv::sys::kfree(bdev.cast());
                return Err(err);
            }
            (*bdev).fail_read_block = fail_read_block;
            let sbi = inv::sys::kzalloc(std::mem::size_of::<raw::ext2l_sb_info>(), 0)
                .cast::<raw::ext2l_sb_info>();
            let err = c::ext2l_fill_super(sbi, bdev);
            if err != 0 {
                c::ext2l_bdev_close(bdev);
                inv::sys::kfree(bdev.cast());
                inv::sys::kfree(sbi.cast());
                return Err(err);
            }
            Ok(C(sbi))
        }
    }
    fn unmount(self) -> i32 {
        // SAFETY: a mounted file system, not used after.
        unsafe { c::ext2l_unmount(self.0) }
    }
    fn bdev(&self) -> *mut raw::ext2l_bdev {
        // SAFETY: a mounted file system.
        unsafe { (*self.0).s_bdev }
    }
    fn create(&self, path: &str, is_dir: bool) -> i64 {
        // SAFETY: a mounted file system and a C string.
        i64::from(unsafe { c::ext2l_create_path(self.0, cstr(path).as_ptr(), is_dir.into()) })
    }
    fn unlink(&self, path: &str) -> i64 {
        // SAFETY: as above.
        i64::from(unsafe { c::ext2l_unlink_path(self.0, cstr(path).as_ptr()) })
    }
    fn rmdir(&self, path: &str) -> i64 {
        // SAFETY: as above.
        i64::from(unsafe { c::ext2l_rmdir_path(self.0, cstr(path).as_ptr()) })
    }
    fn write(&self, path: &str, pos: u32, data: &[u8]) -> i64 {
        // SAFETY: as above, and `data` is valid for its length.
        unsafe {
            c::ext2l_write_path(
                self.0,
                cstr(path).as_ptr(),
                pos,
                data.as_ptr().cast(),
                data.len(),
            ) as i64
        }
    }
    fn read(&self, path: &str, pos: u32, len: usize) -> (i64, Vec<u8>) {
        let mut buf = vec![0xAA; len];
        // SAFETY: as above, and `buf` is valid for `len` bytes.
        let n = unsafe {
            c::ext2l_read_path(
                self.0,
                cstr(path).as_ptr(),
                pos,
                buf.as_mut_ptr().cast(),
                len,
            )
        } as i64;
        buf.truncate(n.max(0) as usize);
        (n, buf)
    }
    fn truncate(&self, path: &str, size: u32) -> i64 {
        // SAFETY: as above.
        i64::from(unsafe { c::ext2l_truncate_path(self.0, cstr(path).as_ptr(), size) })
    }
    fn stat(&self, path: &str) -> Result<Stat, i32> {
        let mut st = c::ext2l_stat::default();
        // SAFETY: as above.
        let err = unsafe { c::ext2l_stat_path(self.0, cstr(path).as_ptr(), &mut st) };
        match err {
            0 => Ok(Stat {
                ino: st.ino,
                mode: st.mode,
                size: st.size,
                nlink: st.nlink,
                blocks: st.blocks,
            }),
            e => Err(e),
        }
    }
    fn readdir(&self, path: &str) -> Result<Vec<DirEntry>, i32> {
        let mut out: Vec<DirEntry> = Vec::new();
        // SAFETY: as above; `collect` gets `out` back as its context.
        let err = unsafe {
            c::ext2l_readdir_path(self.0, cstr(path).as_ptr(), collect, (&raw mut out).cast())
        };
        match err {
            0 => Ok(out),
            e => Err(e),
        }
    }
    fn statfs(&self) -> (u32, u32) {
        let (mut b, mut i) = (0, 0);
        // SAFETY: a mounted file system.
        unsafe { c::ext2l_statfs(self.0, &mut b, &mut i) };
        (b, i)
    }
}

/// The Rust translation.
struct R(Fs);

fn code<T>(r: e2::Res<T>, ok: impl FnOnce(T) -> i64) -> i64 {
    match r {
        Ok(v) => ok(v),
        Err(e) => i64::from(e),
    }
}

impl Impl for R {
    const NAME: &'static str = "Rust";
    fn link(&self, old: &str, new: &str) -> i64 {
        code(self.0.link_path(old, new), |()| 0)
    }
    fn rename(&self, old: &str, new: &str) -> i64 {
        code(self.0.rename_path(old, new), |()| 0)
    }
    fn fsck(&self) -> Result<e2::FsckReport, i32> {
        self.0.fsck()
    }
    fn symlink(&self, target: &str, path: &str) -> i64 {
        code(self.0.symlink_path(target, path), i64::from)
    }
    fn punch(&self, path: &str, pos: u32, len: u32) -> i64 {
        code(self.0.punch_path(path, pos, len), |()| 0)
    }
    fn readlink(&self, path: &str, size: usize) -> (i64, Vec<u8>) {
        match self.0.readlink_path(path, size) {
            Ok(b) => (b.len() as i64, b),
            Err(e) => (i64::from(e), Vec::new()),
        }
    }
    fn mkfs(path: &Path, blocks: u32, inodes: u32) -> i32 {
        e2::mkfs(path, blocks, inodes).err().unwrap_or(0)
    }
    fn mount(path: &Path, fail_read_block: i32) -> Result<Self, i32> {
        Fs::mount_failing(path, fail_read_block).map(R)
    }
    fn unmount(self) -> i32 {
        match self.0.unmount() {
            Ok(res) => res.err().unwrap_or(0),
            Err(_) => panic!("the Rust inode cache is not empty at unmount"),
        }
    }
    fn bdev(&self) -> *mut raw::ext2l_bdev {
        self.0.bdev_raw()
    }
    fn create(&self, path: &str, is_dir: bool) -> i64 {
        code(self.0.create_path(path, is_dir), i64::from)
    }
    fn unlink(&self, path: &str) -> i64 {
        code(self.0.unlink_path(path), |()| 0)
    }
    fn rmdir(&self, path: &str) -> i64 {
        code(self.0.rmdir_path(path), |()| 0)
    }
    fn write(&self, path: &str, pos: u32, data: &[u8]) -> i64 {
        code(self.0.write_path(path, pos, data), |n| n as i64)
    }
    fn read(&self, path: &str, pos: u32, len: usize) -> (i64, Vec<u8>) {
        let mut buf = vec![0xAA; len];
        let n = code(self.0.read_path(path, pos, &mut buf), |n| n as i64);
        buf.truncate(n.max(0) as usize);
        (n, buf)
    }
    fn truncate(&self, path: &str, size: u32) -> i64 {
        code(self.0.truncate_path(path, size), |()| 0)
    }
    fn stat(&self, path: &str) -> Result<Stat, i32> {
        self.0.stat_path(path)
    }
    fn readdir(&self, path: &str) -> Result<Vec<DirEntry>, i32> {
        self.0.readdir_path(path)
    }
    fn statfs(&self) -> (u32, u32) {
        self.0.statfs()
    }
}

/// What an operation observably did.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Code(i64),
    Read(i64, Vec<u8>),
    Stat(Result<Stat, i32>),
    Dir(Result<Vec<DirEntry>, i32>),
    Counts((u32, u32)),
    Fsck(Result<e2::FsckReport, i32>),
}

#[derive(Clone, Debug)]
enum Op {
    Create {
        path: String,
        is_dir: bool,
    },
    Unlink(String),
    Rmdir(String),
    Write {
        path: String,
        pos: u32,
        len: usize,
        seed: u8,
    },
    Read {
        path: String,
        pos: u32,
        len: usize,
    },
    Truncate {
        path: String,
        size: u32,
    },
    Stat(String),
    Readdir(String),
    Statfs,
    Link(String, String),
    Rename(String, String),
    Fsck,
    Symlink(String, String),
    Readlink(String, usize),
    Punch {
        path: String,
        pos: u32,
        len: u32,
    },
    /// Creates `count` files named after `from..` in `dir`, stopping at the first error.
    Fill {
        dir: String,
        from: u32,
        count: u32,
    },
    /// Reads of this block fail for one operation.
    FailRead {
        block: i32,
        then: Box<Op>,
    },
    /// Writes of this block fail for one operation.
    FailWrite {
        block: i32,
        then: Box<Op>,
    },
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// The `k`th name `Op::Fill` uses: 2 to 60 bytes, the same for the same `k`.
fn fill_name(k: u32) -> String {
    format!("n{k}{}", "x".repeat((k as usize * 7) % 58))
}

fn apply<I: Impl>(fs: &I, op: &Op) -> Outcome {
    match op {
        Op::Create { path, is_dir } => Outcome::Code(fs.create(path, *is_dir)),
        Op::Unlink(p) => Outcome::Code(fs.unlink(p)),
        Op::Rmdir(p) => Outcome::Code(fs.rmdir(p)),
        Op::Write {
            path,
            pos,
            len,
            seed,
        } => Outcome::Code(fs.write(path, *pos, &data(*len, *seed))),
        Op::Read { path, pos, len } => {
            let (n, b) = fs.read(path, *pos, *len);
            Outcome::Read(n, b)
        }
        Op::Truncate { path, size } => Outcome::Code(fs.truncate(path, *size)),
        Op::Stat(p) => Outcome::Stat(fs.stat(p)),
        Op::Readdir(p) => Outcome::Dir(fs.readdir(p)),
        Op::Statfs => Outcome::Counts(fs.statfs()),
        Op::Link(a, b) => Outcome::Code(fs.link(a, b)),
        Op::Rename(a, b) => Outcome::Code(fs.rename(a, b)),
        Op::Fsck => Outcome::Fsck(fs.fsck()),
        Op::Symlink(target, path) => Outcome::Code(fs.symlink(target, path)),
        Op::Punch { path, pos, len } => Outcome::Code(fs.punch(path, *pos, *len)),
        Op::Readlink(path, size) => {
            let (n, b) = fs.readlink(path, *size);
            Outcome::Read(n, b)
        }
        Op::Fill { dir, from, count } => {
            let mut made = 0u8;
            for k in *from..*from + *count {
                let r = fs.create(&format!("{dir}/{}", fill_name(k)), false);
                if r < 0 {
                    return Outcome::Read(r, vec![made]);
                }
                made += 1;
            }
            Outcome::Code(i64::from(made))
        }
        Op::FailRead { block, then } => {
            fs.fail(*block, -1);
            let out = apply(fs, then);
            fs.fail(-1, -1);
            out
        }
        Op::FailWrite { block, then } => {
            fs.fail(-1, *block);
            let out = apply(fs, then);
            fs.fail(-1, -1);
            out
        }
    }
}

/// Runs `ops` on a fresh image of the given size; the outcomes and the image's bytes.
fn run<I: Impl>(
    blocks: u32,
    inodes: u32,
    ops: &[Op],
    remount_every: usize,
) -> (Vec<Outcome>, Vec<u8>) {
    let img = TempImage::new(I::NAME);
    assert_eq!(I::mkfs(img.path(), blocks, inodes), 0);
    let mut fs = I::mount(img.path(), -1).expect("mount a fresh image");
    let mut out = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        out.push(apply(&fs, op));
        if remount_every != 0 && i % remount_every == remount_every - 1 {
            assert_eq!(fs.unmount(), 0);
            fs = I::mount(img.path(), -1).expect("remount");
        }
    }
    out.push(Outcome::Counts(fs.statfs()));
    let report = fs.fsck().expect("fsck runs");
    // Without a journal, an operation cut short by a device error may leave the file system
    // inconsistent (ext2 too): then only C and Rust must agree on what fsck finds.
    let faults = ops
        .iter()
        .any(|op| matches!(op, Op::FailRead { .. } | Op::FailWrite { .. }));
    if !faults {
        assert_eq!(
            report.errors,
            0,
            "{} left an inconsistent file system: {report:?}",
            I::NAME
        );
    }
    out.push(Outcome::Fsck(Ok(report)));
    assert_eq!(fs.unmount(), 0);
    (out, img.bytes())
}

/// Everything reachable in a file system: each path's stat, listing and contents.
fn dump<I: Impl>(fs: &I) -> Vec<(String, Outcome)> {
    let mut out = Vec::new();
    let mut todo = vec![String::new()];
    while let Some(dir) = todo.pop() {
        let list = fs.readdir(if dir.is_empty() { "/" } else { &dir });
        if let Ok(entries) = &list {
            for e in entries {
                let name = String::from_utf8(e.name.clone()).unwrap();
                if name == "." || name == ".." {
                    continue;
                }
                let path = format!("{dir}/{name}");
                out.push((path.clone(), Outcome::Stat(fs.stat(&path))));
                if e.file_type == e2::FT_DIR {
                    todo.push(path);
                } else if e.file_type == e2::FT_SYMLINK {
                    let (n, b) = fs.readlink(&path, 2000);
                    out.push((path, Outcome::Read(n, b)));
                } else {
                    let (n, b) = fs.read(&path, 0, 300 * 1024);
                    out.push((path, Outcome::Read(n, b)));
                }
            }
        }
        out.push((dir, Outcome::Dir(list)));
    }
    out.push(("statfs".into(), Outcome::Counts(fs.statfs())));
    out.push(("fsck".into(), Outcome::Fsck(fs.fsck())));
    out
}

/// Mounts `bytes` (an image) with `I` and dumps it.
fn dump_image<I: Impl>(bytes: &[u8]) -> Vec<(String, Outcome)> {
    let img = TempImage::new("dump");
    std::fs::write(img.path(), bytes).unwrap();
    let fs = I::mount(img.path(), -1).expect("mount the other's image");
    let out = dump(&fs);
    assert_eq!(fs.unmount(), 0);
    out
}

/// Runs `ops` on both, compares outcomes and images, and cross-reads the images.
fn check_same(blocks: u32, inodes: u32, ops: &[Op], remount_every: usize) {
    let (c_out, c_img) = run::<C>(blocks, inodes, ops, remount_every);
    let (r_out, r_img) = run::<R>(blocks, inodes, ops, remount_every);
    for (i, (c, r)) in c_out.iter().zip(&r_out).enumerate() {
        assert_eq!(c, r, "outcome {i} differs (op {:?})", ops.get(i));
    }
    assert_eq!(c_out.len(), r_out.len());
    if let Some(at) = c_img.iter().zip(&r_img).position(|(a, b)| a != b) {
        panic!(
            "the images differ first at byte {at} (block {})",
            at / e2::BLOCK_SIZE
        );
    }
    assert_eq!(c_img.len(), r_img.len());
    // Each reads the other's image, and sees what the writer sees in its own.
    let c_reads_rust = dump_image::<C>(&r_img);
    let rust_reads_c = dump_image::<R>(&c_img);
    assert_eq!(c_reads_rust, rust_reads_c);
    assert_eq!(c_reads_rust, dump_image::<C>(&c_img));
}

// ---- proptest ----

fn a_path() -> impl Strategy<Value = String> {
    let dirs = prop::sample::select(vec!["", "/d0", "/d1", "/d0/d2"]);
    let names = prop::sample::select(vec![
        "f0",
        "f1",
        "f2",
        "d0",
        "d1",
        "d2",
        "a_much_longer_file_name_0",
    ]);
    (dirs, names).prop_map(|(d, n)| format!("{d}/{n}"))
}

/// A symlink target: a path (absolute or relative, maybe dangling or a loop), or a long one
/// (a slow symlink, in a block).
fn a_target() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => a_path(),
        2 => a_path().prop_map(|p| p.trim_start_matches('/').to_owned()),
        1 => prop::sample::select(vec!["..", ".", "../d1", "d2/../f0"]).prop_map(str::to_owned),
        1 => (a_path(), 1usize..20).prop_map(|(p, n)| format!("{}{p}", "/d0/..".repeat(n))),
    ]
}

fn a_pos() -> impl Strategy<Value = u32> {
    prop_oneof![
        0u32..4096,
        0u32..(30 * 1024),
        (268u32 * 1024 - 2048)..(268 * 1024 + 10),
    ]
}

fn an_op() -> impl Strategy<Value = Op> {
    let simple: BoxedStrategy<Op> = prop_oneof![
        3 => (a_path(), any::<bool>()).prop_map(|(path, is_dir)| Op::Create { path, is_dir }),
        1 => a_path().prop_map(Op::Unlink),
        1 => a_path().prop_map(Op::Rmdir),
        4 => (a_path(), a_pos(), 0usize..5000, any::<u8>())
            .prop_map(|(path, pos, len, seed)| Op::Write { path, pos, len, seed }),
        2 => (a_path(), a_pos(), 0usize..5000).prop_map(|(path, pos, len)| Op::Read { path, pos, len }),
        1 => (a_path(), a_pos()).prop_map(|(path, size)| Op::Truncate { path, size }),
        1 => a_path().prop_map(Op::Stat),
        1 => prop::sample::select(vec!["/", "/d0", "/d1", "/d0/d2"])
            .prop_map(|p| Op::Readdir(p.to_owned())),
        1 => Just(Op::Statfs),
        1 => Just(Op::Fsck),
        1 => (a_path(), a_path()).prop_map(|(a, b)| Op::Link(a, b)),
        2 => (a_path(), a_path()).prop_map(|(a, b)| Op::Rename(a, b)),
        2 => (a_target(), a_path()).prop_map(|(t, p)| Op::Symlink(t, p)),
        1 => (a_path(), 0usize..100).prop_map(|(p, n)| Op::Readlink(p, n)),
        2 => (a_path(), a_pos(), 0u32..20000).prop_map(|(path, pos, len)| Op::Punch { path, pos, len }),
        1 => (prop::sample::select(vec!["", "/d0", "/d1", "/d0/d2"]), 0u32..40, 0u32..60)
            .prop_map(|(d, from, count)| Op::Fill { dir: d.to_owned(), from, count }),
        1 => (a_path(), 0u32..60).prop_map(|(d, k)| Op::Unlink(format!("{}/{}",
            &d[..d.rfind('/').unwrap_or(0)], fill_name(k)))),
    ]
    .boxed();
    prop_oneof![
        20 => simple.clone(),
        1 => (0i32..40, simple.clone()).prop_map(|(block, then)| Op::FailRead { block, then: Box::new(then) }),
        1 => (0i32..40, simple).prop_map(|(block, then)| Op::FailWrite { block, then: Box::new(then) }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn c_and_rust_agree_on_random_operations(
        ops in prop::collection::vec(an_op(), 1..60),
        remount_every in 0usize..12,
        small in any::<bool>(),
    ) {
        // A small image runs out of blocks and inodes; a larger one reaches the indirect block.
        let (blocks, inodes) = if small { (48, 16) } else { (600, 64) };
        check_same(blocks, inodes, &ops, remount_every);
    }
}

// ---- hand-picked edge cases ----

fn create(p: &str, is_dir: bool) -> Op {
    Op::Create {
        path: p.into(),
        is_dir,
    }
}

fn write(p: &str, pos: u32, len: usize) -> Op {
    Op::Write {
        path: p.into(),
        pos,
        len,
        seed: 7,
    }
}

#[test]
fn a_fresh_image_is_the_same_and_mounts_both_ways() {
    check_same(64, 32, &[], 0);
    check_same(
        e2::MAX_BLOCKS,
        e2::MAX_INODES,
        &[Op::Readdir("/".into())],
        0,
    );
}

#[test]
fn mkfs_rejects_the_same_geometries() {
    for (blocks, inodes) in [
        (15, 16),
        (8193, 16),
        (64, 8),
        (64, 20),
        (64, 2048),
        (16, 1024),
    ] {
        let (ci, ri) = (TempImage::new("mkfs-c"), TempImage::new("mkfs-r"));
        let c = C::mkfs(ci.path(), blocks, inodes);
        let r = R::mkfs(ri.path(), blocks, inodes);
        assert_eq!(c, r, "mkfs({blocks}, {inodes})");
        assert!(c < 0, "mkfs({blocks}, {inodes}) should fail");
    }
}

/// Each way of corrupting the superblock or group descriptor: byte offset, new bytes.
const CORRUPTIONS: &[(&str, usize, &[u8])] = &[
    ("bad magic", 1024 + 56, &[0x34, 0x12]),
    ("log block size 1", 1024 + 24, &[1, 0, 0, 0]),
    ("first data block 0", 1024 + 20, &[0, 0, 0, 0]),
    ("blocks count past the device", 1024 + 4, &[0, 0x10, 0, 0]),
    ("blocks count too small", 1024 + 4, &[8, 0, 0, 0]),
    ("inodes count not a multiple of 8", 1024, &[17, 0, 0, 0]),
    ("free blocks above blocks", 1024 + 12, &[0xff, 0xff, 0, 0]),
    ("free inodes above inodes", 1024 + 16, &[0xff, 0, 0, 0]),
    ("inode size 256", 1024 + 88, &[0, 1]),
    ("first inode 12", 1024 + 84, &[12, 0, 0, 0]),
    ("revision 0", 1024 + 76, &[0, 0, 0, 0]),
    (
        "group descriptor: inode table moved",
        2048 + 8,
        &[9, 0, 0, 0],
    ),
    ("group descriptor: free count differs", 2048 + 12, &[1, 0]),
    ("group descriptor: no directories", 2048 + 16, &[0, 0]),
];

#[test]
fn a_corrupt_superblock_is_einval_for_both() {
    let img = TempImage::new("corrupt");
    assert_eq!(C::mkfs(img.path(), 64, 32), 0);
    let good = img.bytes();
    for &(what, at, bytes) in CORRUPTIONS {
        let mut bad = good.clone();
        bad[at..at + bytes.len()].copy_from_slice(bytes);
        std::fs::write(img.path(), &bad).unwrap();
        let c = C::mount(img.path(), -1).map(|fs| fs.unmount());
        let r = R::mount(img.path(), -1).map(|fs| fs.unmount());
        assert_eq!(c, Err(-e2::EINVAL), "C, {what}");
        assert_eq!(r, Err(-e2::EINVAL), "Rust, {what}");
        // A failed mount writes nothing.
        assert_eq!(img.bytes(), bad, "{what}");
    }
}

#[test]
fn a_device_error_at_mount_is_eio_for_both() {
    for block in [1, 2] {
        let img = TempImage::new("eio");
        assert_eq!(C::mkfs(img.path(), 64, 32), 0);
        assert_eq!(C::mount(img.path(), block).err(), Some(-e2::EIO));
        assert_eq!(R::mount(img.path(), block).err(), Some(-e2::EIO));
    }
}

#[test]
fn a_full_directory_is_enospc_for_both() {
    // 24-byte entries (16-byte names): a directory of two blocks holds 84 of them.
    let mut ops = vec![create("/d0", true)];
    ops.extend((0..100).map(|i| create(&format!("/d0/file_name_{i:05}"), false)));
    ops.push(Op::Readdir("/d0".into()));
    ops.push(Op::Stat("/d0".into()));
    // Removing one makes room for exactly one.
    ops.push(Op::Unlink("/d0/file_name_00040".into()));
    ops.push(create("/d0/new_name_000001", false));
    ops.push(create("/d0/new_name_000002", false));
    let (c_out, _) = run::<C>(400, 128, &ops, 0);
    let full = c_out
        .iter()
        .filter(|o| **o == Outcome::Code(-i64::from(e2::ENOSPC)))
        .count();
    assert!(full > 10, "the directory never filled up: {c_out:?}");
    let n = ops.len();
    assert_eq!(c_out[n - 3], Outcome::Code(0), "unlinked");
    // The new file gets the inode and the entry's space the unlinked one freed.
    assert_eq!(c_out[n - 2], Outcome::Code(12 + 40));
    assert_eq!(c_out[n - 1], Outcome::Code(-i64::from(e2::ENOSPC)));
    check_same(400, 128, &ops, 0);
    check_same(400, 128, &ops, 17);
}

#[test]
fn running_out_of_blocks_is_enospc_for_both() {
    // 16 blocks, 16 inodes: 8 free blocks. The second file gets what is left.
    let ops = vec![
        create("/a", false),
        write("/a", 0, 5 * 1024),
        create("/b", false),
        write("/b", 0, 10 * 1024),
        write("/b", 20 * 1024, 10),
        Op::Statfs,
        Op::Stat("/b".into()),
        create("/d", true),
        Op::Truncate {
            path: "/a".into(),
            size: 1000,
        },
        Op::Statfs,
        write("/b", 20 * 1024, 10),
        create("/d", true),
        Op::Unlink("/a".into()),
        Op::Unlink("/b".into()),
        Op::Statfs,
    ];
    let (c_out, _) = run::<C>(16, 16, &ops, 0);
    assert_eq!(c_out[1], Outcome::Code(5 * 1024));
    assert_eq!(
        c_out[3],
        Outcome::Code(3 * 1024),
        "a partial write up to the last block"
    );
    assert_eq!(c_out[4], Outcome::Code(-i64::from(e2::ENOSPC)));
    assert_eq!(c_out[5], Outcome::Counts((0, 4)));
    assert_eq!(c_out[7], Outcome::Code(-i64::from(e2::ENOSPC)));
    // /b got its indirect and data block after the truncate, /d its block; then /a and /b
    // are gone: 8 - 1 (/d) free blocks, 6 - 1 (/d) free inodes.
    assert_eq!(c_out[10], Outcome::Code(10));
    assert_eq!(c_out[11], Outcome::Code(13));
    assert_eq!(c_out[14], Outcome::Counts((7, 5)));
    check_same(16, 16, &ops, 0);
    check_same(16, 16, &ops, 3);
}

#[test]
fn running_out_of_inodes_is_enospc_for_both() {
    let ops: Vec<Op> = (0..8)
        .map(|i| create(&format!("/f{i}"), i % 2 == 0))
        .collect();
    let (c_out, _) = run::<C>(64, 16, &ops, 0);
    assert_eq!(c_out[5], Outcome::Code(16));
    assert_eq!(c_out[6], Outcome::Code(-i64::from(e2::ENOSPC)));
    check_same(64, 16, &ops, 0);
}

#[test]
fn big_files_use_the_indirect_block_and_stop_at_the_limit() {
    let max = 268 * 1024;
    let ops = vec![
        create("/big", false),
        write("/big", 0, 20 * 1024),
        write("/big", max - 100, 100),
        write("/big", max - 100, 101),
        write("/big", max, 1),
        Op::Stat("/big".into()),
        Op::Read {
            path: "/big".into(),
            pos: 100 * 1024,
            len: 2048,
        },
        Op::Truncate {
            path: "/big".into(),
            size: 13 * 1024 + 5,
        },
        Op::Stat("/big".into()),
        Op::Truncate {
            path: "/big".into(),
            size: 5000,
        },
        Op::Stat("/big".into()),
        Op::Truncate {
            path: "/big".into(),
            size: 9000,
        },
        Op::Read {
            path: "/big".into(),
            pos: 4000,
            len: 5000,
        },
        Op::Truncate {
            path: "/big".into(),
            size: max + 1,
        },
        Op::Statfs,
    ];
    let (c_out, _) = run::<C>(600, 32, &ops, 0);
    assert_eq!(c_out[3], Outcome::Code(-i64::from(e2::EFBIG)));
    // 21 data blocks and the indirect block, in 512-byte sectors.
    let Outcome::Stat(Ok(st)) = &c_out[5] else {
        panic!("{:?}", c_out[5])
    };
    assert_eq!((st.size, st.blocks), (max, 22 * 2));
    let Outcome::Stat(Ok(st)) = &c_out[8] else {
        panic!("{:?}", c_out[8])
    };
    assert_eq!(
        st.blocks,
        15 * 2,
        "13 blocks kept, 12 direct + indirect + 2"
    );
    check_same(600, 32, &ops, 0);
}

#[test]
fn directories_nest_and_refuse_the_same_things() {
    let ops = vec![
        create("/d0", true),
        create("/d0/d2", true),
        create("/d0/d2/f0", false),
        create("/d0/d2/f0", false),
        create("/d0/f0/x", false),
        create("/nope/x", false),
        create(&format!("/{}", "n".repeat(61)), false),
        create("/d0/", false),
        Op::Rmdir("/d0".into()),
        Op::Rmdir("/d0/d2/f0".into()),
        Op::Unlink("/d0/d2".into()),
        Op::Rmdir("/d0/d2/..".into()),
        write("/d0", 0, 10),
        Op::Read {
            path: "/d0".into(),
            pos: 0,
            len: 10,
        },
        Op::Unlink("/d0/d2/f0".into()),
        Op::Rmdir("/d0/d2".into()),
        Op::Stat("/d0".into()),
        Op::Stat("/".into()),
        Op::Readdir("/d0".into()),
        Op::Readdir("/d0/f0".into()),
        Op::Statfs,
    ];
    let (c_out, _) = run::<C>(64, 32, &ops, 0);
    let codes: Vec<i64> = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15]
        .iter()
        .map(|&i| match &c_out[i] {
            Outcome::Code(c) | Outcome::Read(c, _) => *c,
            o => panic!("{o:?}"),
        })
        .collect();
    let e = |n: i32| -i64::from(n);
    assert_eq!(
        codes,
        vec![
            e(e2::EEXIST),
            e(e2::ENOENT),
            e(e2::ENOENT),
            e(e2::ENAMETOOLONG),
            e(e2::EINVAL),
            e(e2::ENOTEMPTY),
            e(e2::ENOTDIR),
            e(e2::EISDIR),
            e(e2::EINVAL),
            e(e2::EISDIR),
            0,
            0
        ]
    );
    check_same(64, 32, &ops, 0);
    check_same(64, 32, &ops, 2);
}

#[test]
fn device_errors_during_operations_match() {
    // The root directory's block is 9 (after 4 inode-table blocks), a new file's first data
    // block 10; the bitmaps are blocks 3 and 4.
    let ops = vec![
        create("/f0", false),
        Op::FailRead {
            block: 9,
            then: Box::new(create("/f1", false)),
        },
        Op::FailWrite {
            block: 3,
            then: Box::new(write("/f0", 0, 3000)),
        },
        write("/f0", 0, 3000),
        Op::FailRead {
            block: 10,
            then: Box::new(Op::Read {
                path: "/f0".into(),
                pos: 0,
                len: 3000,
            }),
        },
        Op::FailRead {
            block: 11,
            then: Box::new(Op::Read {
                path: "/f0".into(),
                pos: 0,
                len: 3000,
            }),
        },
        Op::FailWrite {
            block: 4,
            then: Box::new(create("/f2", false)),
        },
        Op::Readdir("/".into()),
        Op::Statfs,
    ];
    let (c_out, _) = run::<C>(64, 32, &ops, 0);
    assert_eq!(c_out[1], Outcome::Code(-i64::from(e2::EIO)));
    assert_eq!(c_out[2], Outcome::Code(-i64::from(e2::EIO)));
    assert_eq!(c_out[4], Outcome::Read(-i64::from(e2::EIO), vec![]));
    assert!(matches!(c_out[5], Outcome::Read(1024, _)), "{:?}", c_out[5]);
    check_same(64, 32, &ops, 0);
}

#[test]
fn emptying_a_full_directory_and_filling_it_again() {
    // Fill /d0 (two blocks), remove every entry in an order that clears the first entry of
    // the second block and merges the others, list it, fill it again, remove it.
    let mut ops = vec![
        create("/d0", true),
        Op::Fill {
            dir: "/d0".into(),
            from: 0,
            count: 200,
        },
        Op::Readdir("/d0".into()),
    ];
    ops.extend(
        (0..200)
            .rev()
            .map(|k| Op::Unlink(format!("/d0/{}", fill_name(k)))),
    );
    ops.push(Op::Readdir("/d0".into()));
    ops.push(Op::Stat("/d0".into()));
    ops.push(Op::Fill {
        dir: "/d0".into(),
        from: 100,
        count: 200,
    });
    ops.push(Op::Rmdir("/d0".into()));
    ops.extend((100..300).map(|k| Op::Unlink(format!("/d0/{}", fill_name(k)))));
    ops.push(Op::Rmdir("/d0".into()));
    ops.push(Op::Readdir("/".into()));
    let (c_out, _) = run::<C>(400, 256, &ops, 0);
    let Outcome::Read(err, made) = &c_out[1] else {
        panic!("{:?}", c_out[1])
    };
    assert_eq!(*err, -i64::from(e2::ENOSPC));
    assert!(made[0] > 30, "{made:?}");
    check_same(400, 256, &ops, 0);
    check_same(400, 256, &ops, 50);
}

#[test]
fn links_and_renames_keep_the_tree_consistent() {
    let ops = vec![
        create("/d0", true),
        create("/d1", true),
        create("/d0/d2", true),
        create("/d0/f0", false),
        write("/d0/f0", 0, 2000),
        Op::Link("/d0/f0".into(), "/d1/f1".into()),
        Op::Link("/d0/f0".into(), "/f2".into()),
        Op::Link("/d0".into(), "/d3".into()),
        Op::Link("/d0/f0".into(), "/d1/f1".into()),
        Op::Stat("/f2".into()),
        Op::Unlink("/d0/f0".into()),
        Op::Read {
            path: "/d1/f1".into(),
            pos: 0,
            len: 3000,
        },
        Op::Rename("/d0/d2".into(), "/d1/d2".into()),
        Op::Stat("/d0".into()),
        Op::Stat("/d1".into()),
        Op::Readdir("/d1/d2".into()),
        Op::Rename("/d1".into(), "/d1/d2/d1".into()),
        Op::Rename("/d1".into(), "/d1".into()),
        Op::Rename("/f2".into(), "/d1/f1".into()),
        Op::Rename("/f2".into(), "/d1/d2/f2".into()),
        Op::Rename("/d1/d2/..".into(), "/x".into()),
        Op::Rename("/d1".into(), "/d0/d1".into()),
        Op::Rename("/d0/d1/d2/f2".into(), "/d0/d1/d2/g2".into()),
        Op::Fsck,
        Op::Unlink("/d1/f1".into()),
        Op::Unlink("/d0/d1/f1".into()),
        Op::Stat("/d0/d1/d2/g2".into()),
        Op::Statfs,
    ];
    let (c_out, _) = run::<C>(128, 32, &ops, 0);
    let e = |n: i32| Outcome::Code(-i64::from(n));
    assert_eq!(c_out[5], Outcome::Code(0));
    assert_eq!(c_out[7], e(e2::EPERM));
    assert_eq!(c_out[8], e(e2::EEXIST));
    let Outcome::Stat(Ok(st)) = &c_out[9] else {
        panic!("{:?}", c_out[9])
    };
    assert_eq!(st.nlink, 3);
    assert_eq!(c_out[12], Outcome::Code(0));
    assert_eq!(c_out[16], e(e2::EINVAL), "a directory into itself");
    assert_eq!(c_out[17], e(e2::EEXIST));
    assert_eq!(c_out[20], e(e2::EINVAL));
    assert_eq!(c_out[21], Outcome::Code(0));
    let Outcome::Fsck(Ok(r)) = &c_out[23] else {
        panic!("{:?}", c_out[23])
    };
    assert_eq!((r.errors, r.dirs, r.files), (0, 4, 1));
    check_same(128, 32, &ops, 0);
    check_same(128, 32, &ops, 5);
}

#[test]
fn fsck_finds_the_same_corruption() {
    let img = TempImage::new("fsck");
    assert_eq!(C::mkfs(img.path(), 64, 32), 0);
    {
        let fs = R::mount(img.path(), -1).unwrap();
        assert_eq!(fs.create("/d", true), 11);
        assert_eq!(fs.create("/d/f", false), 12);
        assert_eq!(fs.write("/d/f", 0, &data(3000, 1)), 3000);
        assert_eq!(fs.unmount(), 0);
    }
    let good = img.bytes();
    let itable = 5 * 1024;
    // Byte offset, new bytes, errors expected.
    let corruptions: &[(&str, usize, &[u8], u32)] = &[
        ("a used block marked free", 3 * 1024 + 1, &[0], 1),
        ("a used inode marked free", 4 * 1024 + 1, &[0b0000_0111], 1),
        (
            "a link count off by one",
            itable + 11 * 128 + 26,
            &[3, 0],
            1,
        ),
        (
            "a block count off",
            itable + 11 * 128 + 28,
            &[4, 0, 0, 0],
            1,
        ),
        ("a directory entry's rec_len", 9 * 1024 + 4, &[3, 0], 1),
        ("nothing changed", 0, &[], 0),
    ];
    for &(what, at, bytes, want) in corruptions {
        let mut bad = good.clone();
        bad[at..at + bytes.len()].copy_from_slice(bytes);
        std::fs::write(img.path(), &bad).unwrap();
        let c = C::mount(img.path(), -1).unwrap();
        let cr = c.fsck();
        assert_eq!(c.unmount(), 0);
        std::fs::write(img.path(), &bad).unwrap();
        let r = R::mount(img.path(), -1).unwrap();
        let rr = r.fsck();
        assert_eq!(r.unmount(), 0);
        assert_eq!(cr, rr, "{what}");
        assert!(cr.unwrap().errors >= want, "{what}: {cr:?}");
        if want == 0 {
            assert_eq!(cr.unwrap().errors, 0, "the unchanged image is clean");
        }
    }
}

#[test]
fn symlink_targets_at_the_fast_limit() {
    // 60 bytes fit in i_block (a fast symlink, no block); 61 need a block.
    let at = |n: usize| format!("/{}", "x".repeat(n - 1));
    let ops = vec![
        Op::Symlink(at(59), "/s59".into()),
        Op::Symlink(at(60), "/s60".into()),
        Op::Symlink(at(61), "/s61".into()),
        Op::Statfs,
        Op::Readlink("/s60".into(), 100),
        Op::Readlink("/s61".into(), 100),
        Op::Unlink("/s60".into()),
        Op::Unlink("/s61".into()),
        Op::Statfs,
    ];
    let (c_out, _) = run::<C>(64, 32, &ops, 0);
    // Only the 61-byte target took a block (the fresh image has 64 - 1 - 9 free blocks and 32 - 10 free inodes).
    assert_eq!(c_out[3], Outcome::Counts((53, 19)));
    assert_eq!(c_out[8], Outcome::Counts((54, 21)));
    check_same(64, 32, &ops, 0);
}

#[test]
fn symlinks_fast_and_slow_are_followed_the_same_way() {
    let long = format!("{}/d0/f0", "/d0/..".repeat(30));
    let ops = vec![
        create("/d0", true),
        create("/d0/f0", false),
        write("/d0/f0", 0, 100),
        Op::Symlink("/d0/f0".into(), "/abs".into()),
        Op::Symlink("d0/f0".into(), "/rel".into()),
        Op::Symlink("../d0".into(), "/d0/up".into()),
        Op::Symlink(long.clone(), "/slow".into()),
        Op::Symlink("/nowhere".into(), "/dangling".into()),
        Op::Symlink("/loop1".into(), "/loop2".into()),
        Op::Symlink("/loop2".into(), "/loop1".into()),
        Op::Symlink("".into(), "/empty".into()),
        Op::Symlink("x".repeat(1024), "/toolong".into()),
        Op::Read {
            path: "/abs".into(),
            pos: 0,
            len: 200,
        },
        Op::Read {
            path: "/rel".into(),
            pos: 0,
            len: 200,
        },
        Op::Read {
            path: "/slow".into(),
            pos: 0,
            len: 200,
        },
        Op::Read {
            path: "/d0/up/up/up/f0".into(),
            pos: 0,
            len: 200,
        },
        Op::Read {
            path: "/dangling".into(),
            pos: 0,
            len: 1,
        },
        Op::Read {
            path: "/loop1".into(),
            pos: 0,
            len: 1,
        },
        Op::Readlink("/slow".into(), 2000),
        Op::Readlink("/abs".into(), 3),
        Op::Readlink("/d0/f0".into(), 10),
        Op::Stat("/slow".into()),
        write("/rel", 100, 10),
        Op::Stat("/d0/f0".into()),
        Op::Readdir("/".into()),
        Op::Fsck,
        Op::Unlink("/slow".into()),
        Op::Unlink("/abs".into()),
        Op::Rename("/rel".into(), "/d0/rel".into()),
        Op::Read {
            path: "/d0/rel".into(),
            pos: 0,
            len: 200,
        },
        Op::Statfs,
    ];
    let (c_out, _) = run::<C>(128, 64, &ops, 0);
    let e = |n: i32| -i64::from(n);
    assert_eq!(c_out[10], Outcome::Code(e(e2::ENOENT)));
    assert_eq!(c_out[11], Outcome::Code(e(e2::ENAMETOOLONG)));
    for i in [12, 13, 14, 15] {
        assert!(
            matches!(c_out[i], Outcome::Read(100, _)),
            "{i}: {:?}",
            c_out[i]
        );
    }
    assert_eq!(c_out[16], Outcome::Read(e(e2::ENOENT), vec![]));
    assert_eq!(c_out[17], Outcome::Read(e(e2::ELOOP), vec![]));
    assert_eq!(
        c_out[18],
        Outcome::Read(long.len() as i64, long.into_bytes())
    );
    assert_eq!(c_out[19], Outcome::Read(3, b"/d0".to_vec()));
    assert_eq!(c_out[20], Outcome::Read(e(e2::EINVAL), vec![]));
    let Outcome::Stat(Ok(st)) = &c_out[21] else {
        panic!("{:?}", c_out[21])
    };
    assert_eq!((st.size, st.blocks), (100, 2), "stat follows the slow link");
    let Outcome::Fsck(Ok(r)) = &c_out[25] else {
        panic!("{:?}", c_out[25])
    };
    assert_eq!(r.errors, 0);
    check_same(128, 64, &ops, 0);
    check_same(128, 64, &ops, 7);
}

#[test]
fn punching_holes_frees_whole_blocks_and_keeps_the_size() {
    let ops = vec![
        create("/f", false),
        write("/f", 0, 20 * 1024 + 100),
        Op::Stat("/f".into()),
        // Inside one block: zeroed, nothing freed.
        Op::Punch {
            path: "/f".into(),
            pos: 10,
            len: 20,
        },
        // Across blocks 1..=14: 1 and 14 partly, 2..=13 freed (12 through the indirect).
        Op::Punch {
            path: "/f".into(),
            pos: 1024 + 500,
            len: 13 * 1024,
        },
        Op::Stat("/f".into()),
        Op::Read {
            path: "/f".into(),
            pos: 0,
            len: 21 * 1024,
        },
        // The rest of the indirect range: the indirect block goes too.
        Op::Punch {
            path: "/f".into(),
            pos: 12 * 1024,
            len: 100 * 1024,
        },
        Op::Stat("/f".into()),
        Op::Punch {
            path: "/f".into(),
            pos: 30 * 1024,
            len: 5,
        },
        Op::Punch {
            path: "/".into(),
            pos: 0,
            len: 5,
        },
        write("/f", 5 * 1024, 10),
        Op::Stat("/f".into()),
        Op::Statfs,
    ];
    let (c_out, _) = run::<C>(128, 32, &ops, 0);
    let blocks = |o: &Outcome| match o {
        Outcome::Stat(Ok(st)) => (st.size, st.blocks / 2),
        o => panic!("{o:?}"),
    };
    // 21 data blocks and the indirect block.
    assert_eq!(blocks(&c_out[2]), (20 * 1024 + 100, 22));
    assert_eq!(blocks(&c_out[5]), (20 * 1024 + 100, 22 - 12));
    // Blocks 12..=19 freed (14..=19 were mapped); 20 is only partly inside the size, so it
    // stays, and so does the indirect block: 0, 1, 20 and the indirect.
    assert_eq!(blocks(&c_out[8]), (20 * 1024 + 100, 4));
    assert_eq!(c_out[10], Outcome::Code(-i64::from(e2::EISDIR)));
    assert_eq!(blocks(&c_out[12]).1, 5, "block 5 written again");
    check_same(128, 32, &ops, 0);
    check_same(128, 32, &ops, 4);
}

#[test]
fn corruption_turns_both_read_only_and_the_superblock_says_so() {
    let img = TempImage::new("ro");
    assert_eq!(C::mkfs(img.path(), 64, 32), 0);
    {
        let fs = C::mount(img.path(), -1).unwrap();
        assert_eq!(fs.create("/d", true), 11);
        assert_eq!(fs.create("/d/f", false), 12);
        assert_eq!(fs.create("/g", false), 13);
        assert_eq!(fs.unmount(), 0);
    }
    // /d's block (the second data block): its first entry's rec_len becomes 3.
    let mut bad = img.bytes();
    bad[10 * 1024 + 4] = 3;
    let ops = vec![
        write("/g", 0, 10),
        Op::Stat("/d/f".into()),
        write("/g", 0, 10),
        create("/h", false),
        Op::Unlink("/g".into()),
        Op::Rename("/g".into(), "/h".into()),
        Op::Symlink("/g".into(), "/s".into()),
        Op::Punch {
            path: "/g".into(),
            pos: 0,
            len: 5,
        },
        Op::Read {
            path: "/g".into(),
            pos: 0,
            len: 10,
        },
        Op::Readdir("/".into()),
    ];
    let mut outs = Vec::new();
    let mut images = Vec::new();
    for round in 0..2 {
        for is_c in [true, false] {
            let f = TempImage::new("ro-run");
            std::fs::write(f.path(), if round == 0 { &bad } else { &images[0] }).unwrap();
            let out: Vec<Outcome> = if is_c {
                let fs = C::mount(f.path(), -1).unwrap();
                let out = ops.iter().map(|op| apply(&fs, op)).collect();
                assert_eq!(fs.unmount(), 0);
                out
            } else {
                let fs = R::mount(f.path(), -1).unwrap();
                let out = ops.iter().map(|op| apply(&fs, op)).collect();
                assert_eq!(fs.unmount(), 0);
                out
            };
            outs.push(out);
            images.push(f.bytes());
        }
    }
    let erofs = Outcome::Code(-i64::from(e2::EROFS));
    // Round 0: a write works, the corrupt directory is found (-EIO), then every write fails.
    assert_eq!(outs[0][0], Outcome::Code(10));
    assert_eq!(outs[0][1], Outcome::Stat(Err(-e2::EIO)));
    for (i, out) in outs[0].iter().enumerate().take(8).skip(2) {
        assert_eq!(*out, erofs, "op {i}");
    }
    assert!(
        matches!(outs[0][8], Outcome::Read(10, _)),
        "reads still work"
    );
    // Round 1 (mounting the image round 0 left): read-only from the start.
    assert_eq!(outs[2][0], erofs);
    assert_eq!(outs[0], outs[1], "C and Rust, round 0");
    assert_eq!(outs[2], outs[3], "C and Rust, round 1");
    assert_eq!(images[0], images[1]);
    assert_eq!(images[2], images[3]);
    // The superblock's state keeps "errors" (2) beside "cleanly unmounted" (1).
    assert_eq!(images[0][1024 + 58], 1 | 2);
}
