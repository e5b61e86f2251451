//! `Errno` and the C return conventions, and the marker attributes on real items.

use inv::Errno;
use inv::errno::{MAX_ERRNO, from_c_int, from_c_ssize, to_c_int, to_c_ssize};

#[test]
fn errno_values_are_the_kernels() {
    assert_eq!(Errno::EPERM.code(), 1);
    assert_eq!(Errno::ENOENT.code(), 2);
    assert_eq!(Errno::EIO.code(), 5);
    assert_eq!(Errno::EAGAIN.code(), 11);
    assert_eq!(Errno::ENOMEM.code(), 12);
    assert_eq!(Errno::EBUSY.code(), 16);
    assert_eq!(Errno::EINVAL.code(), 22);
    assert_eq!(Errno::ENOSPC.code(), 28);
    assert_eq!(Errno::EINVAL.to_neg(), -22);
    assert_eq!(format!("{:?}", Errno::EBUSY), "EBUSY");
    assert_eq!(Errno::EBUSY.to_string(), "EBUSY (16)");
    assert_eq!(
        Errno::new(4000).map(|e| e.to_string()),
        Some("error 4000".into())
    );
    assert_eq!(Errno::new(0), None);
    assert_eq!(Errno::new(MAX_ERRNO + 1), None);
}

#[test]
fn results_become_c_ints_and_back() {
    assert_eq!(to_c_int(Ok(())), 0);
    assert_eq!(to_c_int(Err(Errno::ENOMEM)), -12);
    assert_eq!(from_c_int(0), Ok(()));
    assert_eq!(from_c_int(3), Ok(()));
    assert_eq!(from_c_int(-16), Err(Errno::EBUSY));
    // Not an error number: a C bug, reported as EINVAL rather than trusted.
    assert_eq!(from_c_int(-5000), Err(Errno::EINVAL));
    for errno in [Errno::EPERM, Errno::EAGAIN, Errno::ENOSPC] {
        assert_eq!(from_c_int(to_c_int(Err(errno))), Err(errno));
    }
}

#[test]
fn results_become_c_ssizes_and_back() {
    assert_eq!(to_c_ssize(Ok(4096)), 4096);
    assert_eq!(to_c_ssize(Err(Errno::EFAULT)), -14);
    assert_eq!(from_c_ssize(17), Ok(17));
    assert_eq!(from_c_ssize(-28), Err(Errno::ENOSPC));
    assert_eq!(from_c_ssize(isize::MIN), Err(Errno::EINVAL));
    assert_eq!(from_c_ssize(to_c_ssize(Ok(0))), Ok(0));
}

/// A handler marked with its context, as a translation would write it.
#[inv::context(hardirq)]
#[inv::translates(vnet_interrupt)]
fn vnet_interrupt(irq: i32) -> i32 {
    irq + 1
}

/// C names that are Rust keywords are accepted.
#[inv::translates(type)]
struct Marked;

#[inv::context(process)]
fn sleepy() -> Marked {
    Marked
}

#[test]
fn marker_attributes_leave_items_unchanged() {
    assert_eq!(vnet_interrupt(1), 2);
    let _: Marked = sleepy();
}
