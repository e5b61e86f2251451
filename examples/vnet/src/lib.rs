//! The vnet case study: the wrappers `invc gen` makes from `vnet.inv` (the crate `vnet-inv`
//! beside this one), used the way a translation of `vnet.c` uses them.
//!
//! This crate's tests show what the wrappers enforce: guarded fields only through the lock's
//! guard (`tests/ui/`, which must not compile), guards that serialise threads on the host
//! shim's real spinlock, and the spec's invariants checked when the lock is released.

pub use vnet_inv::{RingIdx, VnetDev, VnetQueue, raw};
