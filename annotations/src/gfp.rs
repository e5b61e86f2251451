//! Allocation flags.

use core::ops::BitOr;

use crate::sys::gfp_t;

/// Allocation flags (`gfp_t`): whether an allocation may sleep, and how it is filled.
///
/// The values are the host shim's, shared with its `<linux/gfp.h>`; only the meaning of the
/// kernel's names is kept: [`Gfp::KERNEL`] may sleep, [`Gfp::ATOMIC`] and [`Gfp::NOWAIT`]
/// never do, and [`Gfp::ZERO`] zeroes the memory.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Gfp(gfp_t);

impl Gfp {
    /// May sleep to reclaim memory (`__GFP_DIRECT_RECLAIM`).
    const RECLAIM: gfp_t = 0x1;
    /// For process context: may sleep (`GFP_KERNEL`).
    pub const KERNEL: Gfp = Gfp(Self::RECLAIM | 0x4);
    /// For atomic context: never sleeps, may use reserves (`GFP_ATOMIC`).
    pub const ATOMIC: Gfp = Gfp(0x2);
    /// Never sleeps, no reserves (`GFP_NOWAIT`).
    pub const NOWAIT: Gfp = Gfp(0x0);
    /// Zero the memory (`__GFP_ZERO`); combine with `|`.
    pub const ZERO: Gfp = Gfp(0x100);

    /// The flags from their C value.
    pub const fn from_raw(flags: gfp_t) -> Gfp {
        Gfp(flags)
    }

    /// The C value.
    pub const fn as_raw(self) -> gfp_t {
        self.0
    }

    /// Whether an allocation with these flags may sleep.
    pub const fn may_sleep(self) -> bool {
        self.0 & Self::RECLAIM != 0
    }

    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: Gfp) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for Gfp {
    type Output = Gfp;

    fn bitor(self, rhs: Gfp) -> Gfp {
        Gfp(self.0 | rhs.0)
    }
}
