//! `ops struct S { f: fn(..) -> errno ... }`: a Rust trait with one function per member, and
//! the C table (`raw::S`) whose members call a type's implementation of it through
//! `extern "C"` trampolines, so no translation writes a vtable by hand. `errno` results
//! become `Result<_, Errno>`; a pointer to a spec'd struct becomes a reference to its wrapper.

use crate::names::{ident, type_name};
use crate::raw::FieldAccess;
use crate::strukt::{StructContext, Unsupported};
use invc_spec_lang::ir::{self, Returns};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The `extern "C" fn` inside bindgen's `Option<unsafe extern "C" fn(..) -> R>`.
fn bare_fn(ty: &syn::Type) -> Option<&syn::TypeBareFn> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(syn::Type::BareFn(f)) => Some(f),
        _ => None,
    }
}

/// The spec'd struct a parameter type points to, if any: `*mut raw::vnet_dev`.
fn wrapped<'s>(ty: &syn::Type, spec: &'s ir::Spec) -> Option<&'s ir::Struct> {
    let syn::Type::Ptr(p) = ty else { return None };
    let syn::Type::Path(path) = &*p.elem else {
        return None;
    };
    let last = path.path.segments.last()?.ident.to_string();
    spec.structs.iter().find(|s| s.name == last)
}

/// The trait, the table function and the trampolines of `ops`.
pub fn generate(ops: &ir::Ops, cx: &StructContext<'_>) -> Result<TokenStream, Unsupported> {
    let raw_name = ident(&ops.name);
    let trait_name = type_name(&ops.name);
    let table = format_ident!("{}_table", ops.name);
    let at = cx.at.at(ops.span);
    let mut trait_fns = Vec::new();
    let mut trampolines = Vec::new();
    let mut members = Vec::new();
    for m in &ops.members {
        let unsupported = |message: String| Unsupported {
            span: m.span,
            message,
        };
        let Some(FieldAccess::Place { ty, .. }) = cx.raw.field(&ops.name, &m.name) else {
            return Err(unsupported(format!(
                "bindgen emitted no member `{}` in `struct {}`",
                m.name, ops.name
            )));
        };
        let Some(f) = bare_fn(ty) else {
            return Err(unsupported(format!(
                "`{}.{}` is not a function pointer",
                ops.name, m.name
            )));
        };
        let member = ident(&m.name);
        let trampoline = format_ident!("__{}_{}", ops.name, m.name);
        let mut params = Vec::new();
        let mut c_params = Vec::new();
        let mut args = Vec::new();
        for (i, input) in f.inputs.iter().enumerate() {
            let name = m
                .params
                .get(i)
                .map_or_else(|| format!("arg{i}"), Clone::clone);
            let name = ident(&name);
            let ty = &input.ty;
            c_params.push(quote!(#name: #ty));
            match wrapped(ty, cx.spec) {
                Some(s) => {
                    let wrapper = type_name(&s.name);
                    params.push(quote!(#name: &#wrapper));
                    args.push(quote!(unsafe { #wrapper::from_raw(#name) }));
                }
                None => {
                    params.push(quote!(#name: #ty));
                    args.push(quote!(#name));
                }
            }
        }
        let c_output = &f.output;
        let c_ret = match c_output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, t) => Some((**t).clone()),
        };
        let c_ret_text = c_ret
            .as_ref()
            .map(|t| quote!(#t).to_string())
            .unwrap_or_default();
        let ssize = ["c_long", "isize", "ssize_t", "i64"]
            .iter()
            .any(|n| c_ret_text.ends_with(n));
        let (rust_ret, convert) = match (&m.returns, &c_ret) {
            (Returns::Unit, None) => (quote!(), quote!()),
            (Returns::Errno, Some(_)) if ssize => (
                quote!(-> ::core::result::Result<isize, ::inv::Errno>),
                quote!(::inv::errno::to_c_ssize(result) as _),
            ),
            (Returns::Errno, Some(_)) => (
                quote!(-> ::core::result::Result<(), ::inv::Errno>),
                quote!(::inv::errno::to_c_int(result) as _),
            ),
            (Returns::Value { .. }, Some(t)) => (quote!(-> #t), quote!(result)),
            _ => {
                return Err(unsupported(format!(
                    "the spec's result of `{}` does not fit the C member's return type",
                    m.name
                )));
            }
        };
        let mut doc = vec![format!(
            " `{}` of `struct {}` (`{}`).",
            m.name,
            ops.name,
            cx.at.at(m.span)
        )];
        if let Some(context) = m.context {
            doc.push(format!(
                " Called in {} context: it must not sleep.",
                format!("{context:?}").to_lowercase()
            ));
        }
        doc.extend(m.docs.iter().map(|d| format!(" {}", d.trim())));
        trait_fns.push(quote! {
            #(#[doc = #doc])*
            fn #member(#(#params),*) #rust_ret;
        });
        let call = quote!(T::#member(#(#args),*));
        // SAFETY (of each `from_raw` in `call`): C calls the table's members with live objects
        // that keep the spec's rules, which is `from_raw`'s contract.
        let body = match convert.is_empty() {
            true => quote!(#call;),
            false => quote! {
                let result = #call;
                #convert
            },
        };
        trampolines.push(quote! {
            unsafe extern "C" fn #trampoline<T: #trait_name>(#(#c_params),*) #c_output {
                #body
            }
        });
        members.push(quote!(#member: ::core::option::Option::Some(#trampoline::<T>)));
    }
    let trait_doc = format!(
        " The operations of `struct {}` (`{at}`): implement it, and [`{table}`] gives the C \
         table that calls the implementation.",
        ops.name
    );
    let table_doc = format!(
        " The C `struct {}` whose members call `T`'s functions.",
        ops.name
    );
    let docs = ops.docs.iter().map(|d| format!(" {}", d.trim()));
    Ok(quote! {
        #[doc = #trait_doc]
        #(#[doc = #docs])*
        pub trait #trait_name {
            #(#trait_fns)*
        }

        #[doc = #table_doc]
        pub const fn #table<T: #trait_name>() -> raw::#raw_name {
            raw::#raw_name {
                #(#members),*
            }
        }

        #(#trampolines)*
    })
}
