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
        let mut wrap = Vec::new();
        // Pointers the spec says nothing about (a user buffer, an `skb`) stay raw; what the
        // C caller promises about them is the implementation's to rely on, so a member that
        // takes one is an `unsafe fn`, or a safe function could dereference garbage.
        let mut raw_pointers = Vec::new();
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
                    wrap.push(quote!(let #name = unsafe { #wrapper::from_raw(#name) };));
                    args.push(quote!(#name));
                }
                None => {
                    raw_pointers.extend(matches!(ty, syn::Type::Ptr(_)).then(|| name.to_string()));
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
        match m.context {
            // Process context is the one where sleeping is allowed: say so, rather than
            // nothing, because the member was given a context on purpose.
            Some(ir::Context::Process) => {
                doc.push(" Called in process context: it may sleep.".to_string())
            }
            Some(context) => doc.push(format!(
                " Called in {} context: it must not sleep.",
                format!("{context:?}").to_lowercase()
            )),
            None => {}
        }
        doc.extend(m.docs.iter().map(|d| format!(" {}", d.trim())));
        let unsafety = match raw_pointers.is_empty() {
            true => quote!(),
            false => {
                let names: Vec<String> = raw_pointers.iter().map(|n| format!("`{n}`")).collect();
                doc.push(String::new());
                doc.push(" # Safety".to_string());
                doc.push(format!(
                    " {} {} what the C caller of `{}.{}` passes, valid as its contract says.",
                    names.join(", "),
                    if names.len() == 1 { "is" } else { "are" },
                    ops.name,
                    m.name
                ));
                quote!(unsafe)
            }
        };
        trait_fns.push(quote! {
            #(#[doc = #doc])*
            #unsafety fn #member(#(#params),*) #rust_ret;
        });
        let call = match raw_pointers.is_empty() {
            true => quote!(T::#member(#(#args),*)),
            // SAFETY: the pointers come from the C caller, whose contract the member's
            // `# Safety` section states.
            false => quote!(unsafe { T::#member(#(#args),*) }),
        };
        // SAFETY (of each `from_raw` in `wrap`): C calls the table's members with live objects
        // that keep the spec's rules, which is `from_raw`'s contract.
        let body = match convert.is_empty() {
            true => quote!(#(#wrap)* #call;),
            false => quote! {
                #(#wrap)*
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
