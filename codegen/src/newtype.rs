//! `newtype N = T where EXPR`: a `#[repr(transparent)]` wrapper of the integer whose only
//! constructors check the constraint, so a value of `N` always satisfies it.

use crate::Located;
use crate::expr::{self, Leaves};
use crate::names::ident;
use crate::strukt::{Unsupported, missing};
use invc_spec_lang::ir::{self, IntType};
use proc_macro2::TokenStream;
use quote::quote;

struct ValueLeaf;

impl Leaves for ValueLeaf {
    fn field(&self, _path: &[String]) -> Option<(TokenStream, bool)> {
        // Resolution allows no fields in a newtype's constraint.
        None
    }
}

fn base_type(base: IntType) -> TokenStream {
    match base {
        IntType::U8 => quote!(u8),
        IntType::U16 => quote!(u16),
        IntType::U32 => quote!(u32),
        IntType::U64 => quote!(u64),
        IntType::Usize => quote!(usize),
        IntType::I8 => quote!(i8),
        IntType::I16 => quote!(i16),
        IntType::I32 => quote!(i32),
        IntType::I64 => quote!(i64),
        IntType::Isize => quote!(isize),
    }
}

/// The newtype, its checked constructors and conversions.
pub fn generate(n: &ir::Newtype, at: &dyn Located) -> Result<TokenStream, Unsupported> {
    let name = ident(&n.name);
    let base = base_type(n.base);
    let location = at.at(n.span);
    let head = format!(" `newtype {}` (`{location}`).", n.name);
    let docs: Vec<TokenStream> = n
        .docs
        .iter()
        .map(|d| {
            let d = format!(" {}", d.trim());
            quote!(#[doc = #d])
        })
        .collect();
    let (holds, constraint_text) = match &n.constraint {
        Some(c) => (
            expr::body(&c.expr, &ValueLeaf).map_err(|m| missing(m, c.span))?,
            c.text.clone(),
        ),
        None => (quote!(true), String::new()),
    };
    let new_doc = if constraint_text.is_empty() {
        " Wraps `value`; every value is allowed.".to_owned()
    } else {
        format!(" Wraps `value` if `{constraint_text}` holds for it.")
    };
    let debug_message = format!(
        "a `{}` read from C breaks its constraint `{constraint_text}` ({location})",
        n.name
    );
    let name_text = n.name.clone();
    Ok(quote! {
        #[doc = #head]
        #[doc = ""]
        #(#docs)*
        #[repr(transparent)]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct #name(#base);

        impl #name {
            #[doc = #new_doc]
            pub fn new(value: #base) -> ::core::option::Option<Self> {
                Self::holds(value).then_some(Self(value))
            }

            /// The wrapped value.
            pub const fn get(self) -> #base {
                self.0
            }

            fn holds(value: #base) -> bool {
                Self::check(value).unwrap_or(false)
            }

            /// The constraint; `None` when its arithmetic would overflow.
            #[allow(unused_parens, clippy::double_parens)]
            fn check(value: #base) -> ::core::option::Option<bool> {
                ::core::option::Option::Some(#holds)
            }

            /// A value read from a C field declared to hold this type; checked in debug builds.
            /// Crate-private: outside this crate a value is made only by the checked ways.
            #[allow(dead_code)]
            pub(crate) fn from_raw_value(value: #base) -> Self {
                debug_assert!(Self::holds(value), #debug_message);
                Self(value)
            }
        }

        impl ::core::convert::TryFrom<#base> for #name {
            type Error = ConstraintError;

            fn try_from(value: #base) -> ::core::result::Result<Self, ConstraintError> {
                Self::new(value).ok_or(ConstraintError {
                    newtype: #name_text,
                    constraint: #constraint_text,
                    location: #location,
                })
            }
        }

        impl ::core::convert::From<#name> for #base {
            fn from(value: #name) -> #base {
                value.0
            }
        }
    })
}

/// The error type every newtype's `TryFrom` shares.
pub fn error_type() -> TokenStream {
    quote! {
        /// A value that breaks a newtype's constraint.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub struct ConstraintError {
            /// The newtype.
            pub newtype: &'static str,
            /// Its constraint, as the spec writes it.
            pub constraint: &'static str,
            /// Where the spec declares it (`file:line`).
            pub location: &'static str,
        }

        impl ::core::fmt::Display for ConstraintError {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                write!(f, "value breaks `{}` of newtype `{}` ({})", self.constraint, self.newtype, self.location)
            }
        }
    }
}
