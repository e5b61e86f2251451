//! The C header model: what the headers a spec names declare (structs and unions with their
//! fields' types, offsets and bitfield widths, typedefs, enums, integer constants, macros and
//! functions), read through libclang.
//!
//! libclang is loaded at run time, so invc builds without it and says how to install it when
//! a header must be read. The model and its reader know nothing of the `.inv` language: the
//! CLI builds a [`Request`] from a spec's `header` items. Two pieces connect them: the model
//! answers resolution's questions (`invc_spec_lang::resolve::HeaderFacts`), and
//! [`crosscheck`] compares the resolved IR with the model.

mod cache;
mod check;
mod crosscheck;
mod decls;
mod flags;
mod macro_value;
mod model;
mod read;
mod walk;

pub use cache::{Cache, Freshness};
pub use check::{Checked, ReadOptions, check_spec};
pub use crosscheck::crosscheck;
pub use decls::Decls;
pub use flags::{CONFIG_NAME, ClangArgs, FlagsError, clang_args};
pub use model::*;
pub use read::{ClangDiagnostic, HeaderError, HeaderRef, Request, TU_NAME, read};
