//! The marker attributes of the invc runtime, re-exported by it as `inv::context` and
//! `inv::translates`.
//!
//! They change nothing: each returns the item it is put on unchanged. `invc check` reads them
//! from the source of a translation; the compiler only has to accept them. What this crate does
//! own is their argument syntax: a wrong argument is a compile error pointing at the argument,
//! so a typo such as `#[inv::context(hardriq)]` cannot silently mean nothing. The item itself is
//! still emitted after such an error, so the one mistake does not cascade into "cannot find
//! function" errors elsewhere.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use syn::Ident;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};

/// The execution contexts `#[inv::context(..)]` accepts, as in the `.inv` language.
const CONTEXTS: &[&str] = &["hardirq", "softirq", "atomic", "process"];

/// Marks a function with the execution context it runs in: `hardirq`, `softirq`, `atomic` or
/// `process`.
///
/// ```
/// # use invc_annotations_macros as inv; // users write `inv::context`, from the runtime
/// #[inv::context(hardirq)]
/// fn vnet_interrupt(irq: i32) -> i32 {
///     irq
/// }
/// # assert_eq!(vnet_interrupt(3), 3);
/// ```
///
/// The item is returned unchanged; `invc check` uses the marker to find sleeping calls in
/// atomic context. Any argument other than exactly one of the four names is an error.
#[proc_macro_attribute]
pub fn context(args: TokenStream, item: TokenStream) -> TokenStream {
    let checked = Parser::parse2(parse_context, args.into());
    emit(checked.map(|_| ()), item.into()).into()
}

/// Marks a Rust item as the translation of the C function, struct or macro named by its
/// argument.
///
/// ```
/// # use invc_annotations_macros as inv; // users write `inv::translates`, from the runtime
/// #[inv::translates(vnet_refill)]
/// fn refill(budget: u32) -> u32 {
///     budget
/// }
/// # assert_eq!(refill(2), 2);
/// ```
///
/// The item is returned unchanged; `invc check` uses the marker to pair a translation with the
/// C item and the `.inv` rules about it. The argument is one C identifier (C names that are
/// Rust keywords, such as `type`, are accepted).
#[proc_macro_attribute]
pub fn translates(args: TokenStream, item: TokenStream) -> TokenStream {
    let checked = Parser::parse2(parse_c_name, args.into());
    emit(checked.map(|_| ()), item.into()).into()
}

/// The item, preceded by the argument error if there is one.
fn emit(checked: syn::Result<()>, item: TokenStream2) -> TokenStream2 {
    match checked {
        Ok(()) => item,
        Err(error) => {
            let error = error.to_compile_error();
            quote! { #error #item }
        }
    }
}

/// `hardirq | softirq | atomic | process`, and nothing else.
fn parse_context(input: ParseStream<'_>) -> syn::Result<Ident> {
    if input.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!(
                "missing context: write `#[inv::context(NAME)]` with NAME one of {}",
                CONTEXTS.join(", ")
            ),
        ));
    }
    let name = Ident::parse_any(input)?;
    let spelled = name.to_string();
    if !CONTEXTS.contains(&spelled.as_str()) {
        return Err(syn::Error::new(
            name.span(),
            format!(
                "unknown context `{spelled}`: expected one of {}",
                CONTEXTS.join(", ")
            ),
        ));
    }
    expect_end(input, "one context")?;
    Ok(name)
}

/// One C identifier.
fn parse_c_name(input: ParseStream<'_>) -> syn::Result<Ident> {
    if input.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "missing C name: write `#[inv::translates(c_name)]`",
        ));
    }
    let name = Ident::parse_any(input)?;
    expect_end(input, "one C name")?;
    Ok(name)
}

/// An error at the first token after the argument, if there is one.
fn expect_end(input: ParseStream<'_>, what: &str) -> syn::Result<()> {
    if input.is_empty() {
        Ok(())
    } else {
        Err(input.error(format!("expected {what} only")))
    }
}
