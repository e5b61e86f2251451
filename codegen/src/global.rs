//! Top-level locks: `lock L: KIND acquire A release R` becomes a function `L()` that calls `A`
//! and returns a guard that calls `R` when dropped; `lock L: KIND`, a lock that is the C
//! variable `L`, becomes a function `L()` that takes it the way the kind says and returns the
//! runtime's guard of it. On each struct whose fields are `guarded_by(L)`, accessors take that
//! guard as proof the lock is held.

use crate::names::{ident, type_name};
use crate::strukt::{ScalarAccess, StructContext, Unsupported, is_scalar, scalar_accessors};
use invc_spec_lang::ir::{self, Access, LockOwner};
use proc_macro2::TokenStream;
use quote::quote;

/// The guard type of global lock `l`: `RtnlGuard`.
pub fn guard_name(l: &ir::Lock) -> proc_macro2::Ident {
    quote::format_ident!("{}Guard", type_name(&l.name))
}

/// The C functions global locks are taken and released with.
pub fn functions(spec: &ir::Spec) -> impl Iterator<Item = String> + '_ {
    spec.locks
        .iter()
        .flat_map(|l| [l.acquire.clone(), l.release.clone()])
        .flatten()
}

/// The C variables that global locks without their own functions are.
pub fn variables(spec: &ir::Spec) -> impl Iterator<Item = String> + '_ {
    spec.locks
        .iter()
        .filter(|l| l.acquire.is_none() && l.release.is_none())
        .map(|l| l.name.clone())
}

/// The function taking `l` and its guard.
pub fn generate(l: &ir::Lock, cx: &StructContext<'_>) -> Result<TokenStream, Unsupported> {
    let (Some(acquire), Some(release)) = (&l.acquire, &l.release) else {
        return variable(l, cx);
    };
    let function = ident(&l.name);
    let guard = guard_name(l);
    let (acquire, release) = (ident(acquire), ident(release));
    let at = cx.at.at(l.span);
    let docs = lock_docs(l);
    let fn_doc = format!(
        " Takes the global lock `{}` (`{at}`) by calling `{acquire}()`; the guard calls \
         `{release}()` when dropped.",
        l.name
    );
    let guard_doc = format!(
        " The global lock `{}` held: proof for the accessors of the fields it guards.",
        l.name
    );
    Ok(quote! {
        #[doc = #fn_doc]
        #(#[doc = #docs])*
        pub fn #function() -> #guard {
            // SAFETY: the spec names these as the functions that take and release the lock.
            unsafe { raw::#acquire() };
            #guard { _not_send: ::core::marker::PhantomData }
        }

        #[doc = #guard_doc]
        #[must_use = "the lock is released as soon as the guard is dropped"]
        pub struct #guard {
            // Released by the CPU that took it: neither `Send` nor `Sync`.
            _not_send: ::core::marker::PhantomData<*mut ()>,
        }

        impl ::core::ops::Drop for #guard {
            fn drop(&mut self) {
                // SAFETY: this guard's creation took the lock, and it is released once.
                unsafe { raw::#release() }
            }
        }
    })
}

/// Accessors of the fields of `s` guarded by global locks, which take the lock's guard.
pub fn accessors(s: &ir::Struct, cx: &StructContext<'_>) -> Result<TokenStream, Unsupported> {
    let mut out = TokenStream::new();
    for f in &s.fields {
        let Access::Guarded { lock } = &f.access else {
            continue;
        };
        if !matches!(lock.owner, LockOwner::Global) {
            continue;
        }
        let Some(l) = cx.spec.locks.iter().find(|l| l.name == lock.lock) else {
            continue;
        };
        let access = cx.field(s, &f.name, f.span)?;
        if !is_scalar(access) {
            return Err(Unsupported {
                span: f.span,
                message: format!(
                    "a field guarded by a global lock must be a scalar to be generated: `{}`",
                    f.name
                ),
            });
        }
        let guard = guard_name(l);
        let at = cx.at.at(f.span);
        let get_doc = format!(
            " Reads `{}`, guarded by the global lock `{}` (`{at}`).",
            f.name, l.name
        );
        // The guard proves the lock is held; `&mut` on it keeps this the only writer
        // through it.
        out.extend(scalar_accessors(
            ScalarAccess {
                name: &f.name,
                ptr: quote!(self.as_raw()),
                get_params: quote!(&self, _held: &#guard),
                set_params: Some(quote!(&self, _held: &mut #guard)),
                get_docs: vec![quote!(#[doc = #get_doc])],
                set_doc: format!(
                    " Writes `{}`, guarded by the global lock `{}` (`{at}`).",
                    f.name, l.name
                ),
            },
            access,
            Some(f),
        ));
    }
    Ok(out)
}

/// A global lock that is a C variable: a private owner of it for the runtime's guards, and the
/// function `L()` taking it in the spec's variant.
fn variable(l: &ir::Lock, cx: &StructContext<'_>) -> Result<TokenStream, Unsupported> {
    let unsupported = |message: String| Unsupported {
        span: l.span,
        message,
    };
    if l.acquire.is_some() || l.release.is_some() {
        return Err(unsupported(format!(
            "global lock `{}` needs both `acquire F` and `release G`, or neither",
            l.name
        )));
    }
    let mode = match l.mode {
        ir::LockMode::Plain => quote!(::inv::Plain),
        ir::LockMode::Irq => quote!(::inv::Irq),
        ir::LockMode::Irqsave => quote!(::inv::IrqSave),
        ir::LockMode::Bh => quote!(::inv::Bh),
    };
    let camel = type_name(&l.name);
    let owner = quote::format_ident!("{camel}Variable");
    let tag = quote::format_ident!("{camel}Tag");
    let (sys_ty, runtime_guard) = match l.kind {
        ir::LockKind::Spinlock => (
            quote!(::inv::sys::spinlock_t),
            quote!(::inv::SpinLockGuard<'static, #owner, #mode, #tag>),
        ),
        ir::LockKind::Mutex => (
            quote!(::inv::sys::mutex),
            quote!(::inv::MutexGuard<'static, #owner, #tag>),
        ),
        _ => {
            return Err(unsupported(format!(
                "global lock `{}`: only spinlock and mutex variables are generated yet",
                l.name
            )));
        }
    };
    let Some(raw_ty) = cx.raw.static_type(&l.name) else {
        return Err(unsupported(format!(
            "global lock `{}` has no `acquire F release G`, so it must be a C variable of that \
             name, and the headers declare none (`extern spinlock_t {}_lock;`-style)",
            l.name, l.name
        )));
    };
    let name = ident(&l.name);
    let guard = guard_name(l);
    let at = cx.at.at(l.span);
    let docs = lock_docs(l);
    let fn_doc = format!(
        " Takes the global lock `{}`, the C variable of that name (`{at}`); the guard releases \
         it when dropped.",
        l.name
    );
    let guard_doc = format!(
        " The global lock `{}` held: proof for the accessors of the fields it guards.",
        l.name
    );
    let owner_doc = format!(" The C variable `{}`, as the owner of its lock.", l.name);
    let owner_static = quote::format_ident!("{}_OWNER", l.name.to_uppercase());
    let tag_doc = format!(" Names the global lock `{}` in guard types.", l.name);
    let layout_msg = format!(
        "the C variable `{}` must have the layout of the runtime's lock type",
        l.name
    );
    let layout_assert = cx.layout_assert(quote! {
        const _: () = assert!(
            ::core::mem::size_of::<#raw_ty>() == ::core::mem::size_of::<#sys_ty>()
                && ::core::mem::align_of::<#raw_ty>() == ::core::mem::align_of::<#sys_ty>(),
            #layout_msg
        );
    });
    Ok(quote! {
        #[doc = #tag_doc]
        pub enum #tag {}

        #[doc = #owner_doc]
        pub struct #owner {
            _private: (),
        }

        static #owner_static: #owner = #owner { _private: () };

        #layout_assert

        // SAFETY: the lock is the C variable, which lives for the whole program.
        unsafe impl ::inv::HasLock<#tag> for #owner {
            type Lock = #sys_ty;

            fn raw_lock(&self) -> *mut #sys_ty {
                // Only the address of the extern static is taken, which is safe.
                (&raw mut raw::#name).cast::<#sys_ty>()
            }
        }

        #[doc = #fn_doc]
        #(#[doc = #docs])*
        pub fn #name() -> #guard {
            #guard {
                _held: ::inv::LockGuard::lock(&#owner_static),
            }
        }

        #[doc = #guard_doc]
        #[must_use = "the lock is released as soon as the guard is dropped"]
        pub struct #guard {
            // Releases the lock when dropped; nothing reads it.
            _held: #runtime_guard,
        }
    })
}

/// The spec's `///` lines of a global lock, after an empty line, for the function taking it.
fn lock_docs(l: &ir::Lock) -> Vec<String> {
    match l.docs.is_empty() {
        true => Vec::new(),
        false => std::iter::once(String::new())
            .chain(l.docs.iter().map(|d| format!(" {}", d.trim())))
            .collect(),
    }
}
