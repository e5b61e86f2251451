//! Names in generated code: C names made into Rust identifiers, and the names of wrapper
//! types and methods derived from the spec.

use proc_macro2::{Ident, Span};

pub use invc_spec_lang::rust_names::{c_field_name, is_keyword};

/// A Rust identifier for a C or spec name: a raw identifier for keywords (`r#type`), or,
/// for the few that cannot be raw (`self`, `crate`, ...), the name with `_` appended.
pub fn ident(name: &str) -> Ident {
    match name {
        "self" | "Self" | "super" | "crate" | "_" => {
            Ident::new(&format!("{name}_"), Span::call_site())
        }
        _ if is_keyword(name) => Ident::new_raw(name, Span::call_site()),
        _ => Ident::new(name, Span::call_site()),
    }
}

/// An identifier made of `parts` joined by `_`, e.g. `set` + `num_free`.
pub fn joined(parts: &[&str]) -> Ident {
    ident(&parts.join("_"))
}

/// `vnet_queue` as a type name: `VnetQueue`.
pub fn type_name(c_name: &str) -> Ident {
    let mut out = String::new();
    for part in c_name.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'C');
    }
    Ident::new(&out, Span::call_site())
}

/// A type name made of a C name and a suffix: `vnet_queue` + `LockGuard` gives
/// `VnetQueueLockGuard`.
pub fn type_name_with(c_name: &str, suffix: &str) -> Ident {
    Ident::new(&format!("{}{suffix}", type_name(c_name)), Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_names_become_rust_names() {
        assert_eq!(type_name("vnet_queue").to_string(), "VnetQueue");
        assert_eq!(type_name("__kref").to_string(), "Kref");
        assert_eq!(type_name("9p").to_string(), "C9p");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("num_free").to_string(), "num_free");
    }
}
