//! The C header model: what the headers a spec names declare (structs and unions with their
//! fields' types, offsets and bitfield widths, typedefs, enums, integer constants, macros and
//! functions), read through libclang.
//!
//! libclang is loaded at run time, so invc builds without it and says how to install it when
//! a header must be read. This crate knows nothing of the `.inv` language: the CLI builds a
//! [`Request`] from a spec's `header` items, and resolution asks the model questions through
//! `invc_spec_lang::resolve::HeaderFacts`.

mod macro_value;
mod model;
mod read;

pub use model::*;
pub use read::{ClangDiagnostic, HeaderError, HeaderRef, Request, read};
