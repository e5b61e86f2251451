//! `chardev.c` and its Rust translation, driven through the same operations, must give the
//! same results: every return value, every byte read, and the device's reference count after
//! each step.
//!
//! Both versions are reached the way the kernel reaches a driver: through their operations
//! tables (C's `chardev_fops`, and the generated table over [`ChardevOps`]), with a file struct
//! the caller owns.

use chardev_example::{
    CHARDEV_BUF_SIZE, CHARDEV_FOPS, CHARDEV_IOC_FILL, CHARDEV_IOC_NONBLOCK, CHARDEV_IOC_OPENERS,
    CHARDEV_IOC_READS, CHARDEV_IOC_RESET, CHARDEV_IOC_WRITES, CHARDEV_IOC_WRITTEN,
    CHARDEV_MAX_OPEN, ChardevRef, c, chardev_create, raw,
};
use proptest::prelude::*;
use std::ptr::NonNull;

/// One version of the module: how to create a device, give back the creator's reference, and
/// its operations table.
#[derive(Clone, Copy)]
struct Module {
    name: &'static str,
    create: fn(u32) -> *mut raw::chardev,
    put: fn(*mut raw::chardev),
    fops: &'static raw::chardev_fops,
}

fn c_module() -> Module {
    Module {
        name: "C",
        // SAFETY: plain C calls; the C module's contract is that of its header.
        create: |minor| unsafe { c::chardev_create(minor) },
        // SAFETY: as above.
        put: |dev| unsafe { c::chardev_put(dev) },
        // SAFETY: an immutable static of the C module.
        fops: unsafe { &c::chardev_fops },
    }
}

fn rust_module() -> Module {
    static FOPS: raw::chardev_fops = CHARDEV_FOPS;
    Module {
        name: "Rust",
        create: |minor| ChardevRef::into_raw(chardev_create(minor)).as_ptr().cast(),
        // SAFETY: `dev` is the creator's reference `create` gave out, given back once.
        put: |dev| drop(unsafe { ChardevRef::from_raw(NonNull::new(dev.cast()).unwrap()) }),
        fops: &FOPS,
    }
}

/// What a test does to the device; `file` is a slot of open files.
#[derive(Clone, Debug)]
enum Op {
    Open {
        file: usize,
    },
    Read {
        file: usize,
        len: usize,
        null: bool,
    },
    Write {
        file: usize,
        data: Vec<u8>,
        null: bool,
    },
    Ioctl {
        file: usize,
        cmd: u32,
        arg: u64,
    },
    Release {
        file: usize,
    },
}

/// What an operation showed: its return value, the bytes a read put in the caller's buffer
/// (the whole buffer, so a byte written past the count shows too), and the reference count.
#[derive(Debug, PartialEq)]
struct Seen {
    ret: i64,
    buf: Vec<u8>,
    refs: u32,
}

const SLOTS: usize = 6;

/// Runs `ops` on a fresh device of `module` and returns what each one showed. Operations on
/// a slot with no open file (or opening an occupied one) are skipped, the same for both.
fn run(module: Module, ops: &[Op]) -> Vec<Seen> {
    let dev = (module.create)(7);
    assert!(!dev.is_null(), "{}: chardev_create failed", module.name);
    let mut files: Vec<Option<Box<raw::chardev_file>>> = (0..SLOTS).map(|_| None).collect();
    let mut seen = Vec::new();
    for op in ops {
        let mut buf = Vec::new();
        let ret = match op {
            Op::Open { file } => {
                if files[*file].is_some() {
                    continue;
                }
                // SAFETY: all-zero bytes are a valid, unopened file.
                let mut f: Box<raw::chardev_file> = Box::new(unsafe { std::mem::zeroed() });
                // SAFETY: a live device and a file this test owns.
                let ret = unsafe { module.fops.open.unwrap()(dev, &mut *f) };
                if ret == 0 {
                    files[*file] = Some(f);
                }
                i64::from(ret)
            }
            Op::Release { file } => {
                let Some(mut f) = files[*file].take() else {
                    continue;
                };
                // SAFETY: an open file, released once.
                i64::from(unsafe { module.fops.release.unwrap()(&mut *f) })
            }
            Op::Read { file, len, null } => {
                let Some(f) = files[*file].as_mut() else {
                    continue;
                };
                buf = vec![0xAA; *len];
                let ptr = if *null {
                    std::ptr::null_mut()
                } else {
                    buf.as_mut_ptr().cast()
                };
                // SAFETY: an open file and a buffer of `len` bytes (or null, which must fail).
                unsafe { module.fops.read.unwrap()(&mut **f, ptr, *len) as i64 }
            }
            Op::Write { file, data, null } => {
                let Some(f) = files[*file].as_mut() else {
                    continue;
                };
                let ptr = if *null {
                    std::ptr::null()
                } else {
                    data.as_ptr().cast()
                };
                // SAFETY: an open file and `data.len()` readable bytes (or null).
                unsafe { module.fops.write.unwrap()(&mut **f, ptr, data.len()) as i64 }
            }
            Op::Ioctl { file, cmd, arg } => {
                let Some(f) = files[*file].as_mut() else {
                    continue;
                };
                // SAFETY: an open file.
                unsafe { module.fops.ioctl.unwrap()(&mut **f, *cmd, *arg as _) }
            }
        };
        // SAFETY: the creator's reference keeps the device alive until the end of `run`.
        let refs = unsafe { inv::sys::kref_read((&raw mut (*dev).ref_).cast()) };
        seen.push(Seen { ret, buf, refs });
    }
    for mut f in files.into_iter().flatten() {
        // SAFETY: each file still open is released once.
        let ret = unsafe { module.fops.release.unwrap()(&mut *f) };
        assert_eq!(ret, 0);
    }
    (module.put)(dev);
    seen
}

fn assert_equivalent(ops: &[Op]) {
    let c = run(c_module(), ops);
    let rust = run(rust_module(), ops);
    for (i, (c, rust)) in c.iter().zip(&rust).enumerate() {
        assert_eq!(
            c, rust,
            "step {i} differs: C then Rust; the steps: {ops:#?}"
        );
    }
    assert_eq!(c.len(), rust.len());
}

fn op() -> impl Strategy<Value = Op> {
    let file = 0..SLOTS;
    let cmd = prop_oneof![
        Just(CHARDEV_IOC_RESET),
        Just(CHARDEV_IOC_FILL),
        Just(CHARDEV_IOC_OPENERS),
        Just(CHARDEV_IOC_WRITTEN),
        Just(CHARDEV_IOC_NONBLOCK),
        Just(CHARDEV_IOC_READS),
        Just(CHARDEV_IOC_WRITES),
        0u32..0x5000,
    ];
    prop_oneof![
        2 => file.clone().prop_map(|file| Op::Open { file }),
        4 => (file.clone(), 0usize..100, prop::bool::weighted(0.05))
            .prop_map(|(file, len, null)| Op::Read { file, len, null }),
        4 => (file.clone(), prop::collection::vec(any::<u8>(), 0..100), prop::bool::weighted(0.05))
            .prop_map(|(file, data, null)| Op::Write { file, data, null }),
        2 => (file.clone(), cmd, 0u64..3).prop_map(|(file, cmd, arg)| Op::Ioctl { file, cmd, arg }),
        1 => file.prop_map(|file| Op::Release { file }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn c_and_rust_agree_on_any_sequence(ops in prop::collection::vec(op(), 1..60)) {
        assert_equivalent(&ops);
    }
}

fn open(file: usize) -> Op {
    Op::Open { file }
}
fn read(file: usize, len: usize) -> Op {
    Op::Read {
        file,
        len,
        null: false,
    }
}
fn write(file: usize, data: &[u8]) -> Op {
    Op::Write {
        file,
        data: data.to_vec(),
        null: false,
    }
}
fn ioctl(file: usize, cmd: u32, arg: u64) -> Op {
    Op::Ioctl { file, cmd, arg }
}

/// The hand-picked edge cases, checked for equivalence and against the values the C module's
/// comments promise (so that both being wrong the same way fails too).
fn expect(ops: &[Op], rets: &[i64]) {
    assert_equivalent(ops);
    let got: Vec<i64> = run(c_module(), ops).iter().map(|s| s.ret).collect();
    assert_eq!(got, rets, "{ops:#?}");
}

const EAGAIN: i64 = -11;
const EFAULT: i64 = -14;
const EBUSY: i64 = -16;
const ENOTTY: i64 = -25;
const ENOSPC: i64 = -28;

#[test]
fn empty_ring_reads_nothing_or_eagain() {
    expect(
        &[
            open(0),
            read(0, 10),
            ioctl(0, CHARDEV_IOC_NONBLOCK, 1),
            read(0, 10),
            read(0, 0),
        ],
        &[0, 0, 0, EAGAIN, 0],
    );
}

#[test]
fn full_ring_refuses_writes_with_enospc_or_eagain() {
    let size = CHARDEV_BUF_SIZE as i64;
    expect(
        &[
            open(0),
            write(0, &[1; 100]),
            write(0, b"x"),
            ioctl(0, CHARDEV_IOC_NONBLOCK, 1),
            write(0, b"x"),
            ioctl(0, CHARDEV_IOC_FILL, 0),
            ioctl(0, CHARDEV_IOC_WRITTEN, 0),
        ],
        &[0, size, ENOSPC, 0, EAGAIN, size, size],
    );
}

#[test]
fn data_wraps_around_the_end_of_the_ring() {
    let ops = [
        open(0),
        write(0, &[7; 50]),
        read(0, 40),
        write(0, &(0..40).collect::<Vec<u8>>()),
        read(0, 64),
    ];
    expect(&ops, &[0, 50, 40, 40, 50]);
    let last = run(rust_module(), &ops).pop().unwrap();
    let mut want = vec![7u8; 10];
    want.extend(0..40u8);
    want.extend([0xAA; 14]);
    assert_eq!(last.buf, want);
}

#[test]
fn open_files_are_limited_and_counted_as_references() {
    let mut ops: Vec<Op> = (0..=CHARDEV_MAX_OPEN as usize).map(open).collect();
    ops.push(ioctl(0, CHARDEV_IOC_OPENERS, 0));
    ops.push(Op::Release { file: 1 });
    ops.push(open(4));
    let seen = run(rust_module(), &ops);
    let refs: Vec<u32> = seen.iter().map(|s| s.refs).collect();
    assert_eq!(refs, [2, 3, 4, 5, 5, 5, 4, 5]);
    expect(&ops, &[0, 0, 0, 0, EBUSY, CHARDEV_MAX_OPEN as i64, 0, 0]);
}

#[test]
fn bad_buffers_and_commands_fail_as_in_c() {
    expect(
        &[
            open(0),
            Op::Write {
                file: 0,
                data: vec![1, 2, 3],
                null: true,
            },
            write(0, b"abc"),
            Op::Read {
                file: 0,
                len: 2,
                null: true,
            },
            ioctl(0, 0x1234, 0),
            ioctl(0, CHARDEV_IOC_RESET, 0),
            ioctl(0, CHARDEV_IOC_FILL, 0),
            ioctl(0, CHARDEV_IOC_WRITTEN, 0),
        ],
        &[0, EFAULT, 3, EFAULT, ENOTTY, 0, 0, 3],
    );
}

/// The device outlives its creator while a file is open: the file's reference is the last
/// one, and releasing the file frees the device (the shim's allocator would abort on a double
/// free, and the Rust version's `Box` on a use after free shows under the address sanitizer).
#[test]
fn the_last_file_reference_frees_the_device() {
    for module in [c_module(), rust_module()] {
        let dev = (module.create)(1);
        // SAFETY: all-zero bytes are an unopened file; the device is live.
        let mut f: Box<raw::chardev_file> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: as above.
        assert_eq!(unsafe { module.fops.open.unwrap()(dev, &mut *f) }, 0);
        (module.put)(dev);
        let data = *b"still here";
        // SAFETY: the open file keeps the device alive.
        unsafe {
            assert_eq!(
                module.fops.write.unwrap()(&mut *f, data.as_ptr().cast(), 10),
                10
            );
            let mut out = [0u8; 10];
            assert_eq!(
                module.fops.read.unwrap()(&mut *f, out.as_mut_ptr().cast(), 10),
                10
            );
            assert_eq!(out, data);
            assert_eq!(module.fops.release.unwrap()(&mut *f), 0);
        }
        assert!(
            f.dev.is_null(),
            "{}: release clears the file's device",
            module.name
        );
    }
}

/// A half-translated driver: a device C created, used at once through C's operations and the
/// Rust ones, from several threads. One struct, one mutex: no byte is lost or duplicated.
#[test]
fn c_and_rust_operations_share_one_device_and_lock() {
    let c = c_module();
    let rust = rust_module();
    let dev = (c.create)(3) as usize;
    const ROUNDS: usize = 2_000;
    let totals: Vec<[i64; 4]> = std::thread::scope(|s| {
        let workers: Vec<_> = [c, rust, c, rust]
            .into_iter()
            .enumerate()
            .map(|(i, module)| {
                s.spawn(move || {
                    let dev = dev as *mut raw::chardev;
                    // SAFETY: an unopened file, opened on a device the creator keeps alive.
                    let mut f: Box<raw::chardev_file> = Box::new(unsafe { std::mem::zeroed() });
                    // SAFETY: as above.
                    assert_eq!(unsafe { module.fops.open.unwrap()(dev, &mut *f) }, 0);
                    let [mut wrote, mut read, mut writes, mut reads] = [0i64; 4];
                    let data = [i as u8; 5];
                    let mut out = [0u8; 7];
                    for _ in 0..ROUNDS {
                        // SAFETY: the open file and buffers of the lengths passed.
                        unsafe {
                            let w = module.fops.write.unwrap()(&mut *f, data.as_ptr().cast(), 5);
                            wrote += w.max(0) as i64;
                            writes += i64::from(w > 0);
                            let r = module.fops.read.unwrap()(&mut *f, out.as_mut_ptr().cast(), 7);
                            read += r.max(0) as i64;
                            reads += i64::from(r > 0);
                        }
                    }
                    // SAFETY: released once.
                    assert_eq!(unsafe { module.fops.release.unwrap()(&mut *f) }, 0);
                    [wrote, read, writes, reads]
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let dev = dev as *mut raw::chardev;
    let sum = |i: usize| -> i64 { totals.iter().map(|t| t[i]).sum() };
    let (wrote, read, writes, reads) = (sum(0), sum(1), sum(2), sum(3));
    // SAFETY: the creator's reference is still held; this thread is the only user now.
    let [fill, written, stat_writes, stat_reads] = unsafe {
        let mut f: Box<raw::chardev_file> = Box::new(std::mem::zeroed());
        assert_eq!(c.fops.open.unwrap()(dev, &mut *f), 0);
        let fill = c.fops.ioctl.unwrap()(&mut *f, CHARDEV_IOC_FILL, 0);
        let written = rust.fops.ioctl.unwrap()(&mut *f, CHARDEV_IOC_WRITTEN, 0);
        let stat_writes = c.fops.ioctl.unwrap()(&mut *f, CHARDEV_IOC_WRITES, 0);
        let stat_reads = rust.fops.ioctl.unwrap()(&mut *f, CHARDEV_IOC_READS, 0);
        assert_eq!(rust.fops.release.unwrap()(&mut *f), 0);
        [fill, written, stat_writes, stat_reads]
    };
    // Both versions count into one seqlock-guarded pair, and read it back consistently.
    assert_eq!((stat_writes, stat_reads), (writes, reads));
    assert_eq!(written, wrote);
    assert_eq!(
        wrote - read,
        fill,
        "every byte written is read or still buffered"
    );
    assert!(read > 0);
    (c.put)(dev);
}
