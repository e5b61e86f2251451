//! What resolution may ask of the C headers a spec names.
//!
//! The header model (libclang, in the `headers` crate) implements this; without one, names
//! are taken as given (see `expr.rs` for how an undeclared name is read). Keeping the question
//! narrow keeps this crate free of libclang.

/// Facts about the C headers, as far as resolution needs them.
pub trait HeaderFacts {
    /// The value of an object-like macro or enumerator, if the headers define one.
    fn constant(&self, name: &str) -> Option<i128>;

    /// Whether struct `strukt` has a field `field`; `None` when the headers have no such
    /// struct (or were not read).
    fn has_field(&self, strukt: &str, field: &str) -> Option<bool>;
}
