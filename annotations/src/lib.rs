//! The runtime of invc-generated wrapper crates, imported as `inv`.
//!
//! A `.inv` spec says which lock guards which field, that a pointer is RCU-protected, that a
//! buffer belongs to the device while it is mapped. `invc gen` turns the spec into a wrapper
//! crate whose types make those rules hold; this crate holds the pieces those types are built
//! from, so that the generated code stays small and the unsafe code lives in one reviewed
//! place:
//!
//! | module | owns |
//! |---|---|
//! | [`lock`] | guards for every lock kind and mode (`spinlock irqsave`, `mutex`, `rwlock`, `rw_semaphore`, `seqlock`, ...), out-of-order-safe irq nesting |
//! | [`rcu`] | [`RcuReadGuard`], RCU pointer access tied to the guard, [`Retired`] objects freed only after a grace period |
//! | [`dma`] | the streaming typestate [`DmaBuf<CpuOwned>`](DmaBuf) / [`DmaBuf<DeviceOwned>`](DmaBuf), coherent memory with volatile access only |
//! | [`kref`] | [`KrefRef`], an owned reference whose clone is `kref_get` and drop is `kref_put` |
//! | [`list`] | typed iteration over a C `struct list_head`, only while its lock is held |
//! | [`errno`] | [`Errno`] and the C `int`/`ssize_t` return conventions |
//! | [`sys`] | the C types and `extern "C"` primitives all of the above call |
//! | [`host`] (feature `host`, default) | a userspace implementation of [`sys`] with lockdep-lite and a DMA ownership tracker, and C headers for it in `include/` |
//!
//! The marker attributes [`context`] and [`translates`] are re-exported from
//! `invc-annotations-macros`. The crate is `no_std`; the `host` feature brings in `std` for
//! the shim.
//!
//! Safe code using this crate cannot break the rules above; the `unsafe` entry points (taking
//! raw pointers from C) state exactly what the generated code must establish. See the book's
//! "The runtime" chapter for the whole picture, the C symbol mapping and the shim's reports.

#![no_std]
#![warn(missing_docs)]

#[cfg(feature = "host")]
extern crate std;

pub mod dma;
pub mod errno;
mod gfp;
pub mod kref;
pub mod list;
pub mod lock;
pub mod rcu;
pub mod refcount;
pub mod sys;

#[cfg(feature = "host")]
pub mod host;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use dma::{CoherentArray, CoherentSlice, CpuOwned, Device, DeviceOwned, DmaBuf, DmaDirection};
pub use errno::Errno;
pub use gfp::Gfp;
pub use kref::{KrefRef, Refcounted};
pub use lock::{
    Bh, ExclusiveGuard, Guard, HasLock, Irq, IrqSave, LockGuard, MutexGuard, Plain, ReadLockGuard,
    RwSemReadGuard, RwSemWriteGuard, SeqLockWriteGuard, SeqReadGuard, SpinLockBhGuard,
    SpinLockGuard, SpinLockIrqGuard, SpinLockIrqSaveGuard, WriteLockGuard,
};
pub use rcu::{RcuReadGuard, Retired};
pub use refcount::{Counted, CountedRef};

pub use invc_annotations_macros::{context, translates};

/// The address of the struct of type `P` that contains `member` at byte offset `offset`: the
/// C `container_of(ptr, type, member)`, with `offset` from `core::mem::offset_of!(P, member)`.
///
/// Computing the address is safe (it wraps instead of overflowing); dereferencing it is sound
/// only if `member` really is that field of a live `P`, which is what an `embeds` rule in the
/// spec asserts and what generated `from_*` functions rely on.
pub fn container_of<P, M>(member: *const M, offset: usize) -> *const P {
    member.cast::<u8>().wrapping_sub(offset).cast::<P>()
}

/// [`container_of`] for mutable pointers.
pub fn container_of_mut<P, M>(member: *mut M, offset: usize) -> *mut P {
    member.cast::<u8>().wrapping_sub(offset).cast::<P>()
}
