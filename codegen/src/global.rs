//! Top-level `lock L: KIND acquire A release R`: a function `L()` that calls `A` and returns a
//! guard that calls `R` when dropped, and on each struct whose fields are `guarded_by(L)`,
//! accessors that take that guard as proof the lock is held.

use crate::names::{ident, type_name};
use crate::strukt::{ScalarAccess, StructContext, Unsupported, is_scalar, scalar_accessors};
use invc_spec_lang::ir::{self, Access, LockOwner};
use proc_macro2::TokenStream;
use quote::quote;

/// The guard type of global lock `l`: `RtnlGuard`.
fn guard_name(l: &ir::Lock) -> proc_macro2::Ident {
    quote::format_ident!("{}Guard", type_name(&l.name))
}

/// The C functions global locks are taken and released with.
pub fn functions(spec: &ir::Spec) -> impl Iterator<Item = String> + '_ {
    spec.locks
        .iter()
        .flat_map(|l| [l.acquire.clone(), l.release.clone()])
        .flatten()
}

/// The function taking `l` and its guard.
pub fn generate(l: &ir::Lock, cx: &StructContext<'_>) -> Result<TokenStream, Unsupported> {
    let (Some(acquire), Some(release)) = (&l.acquire, &l.release) else {
        return Err(Unsupported {
            span: l.span,
            message: format!(
                "global lock `{}` needs `acquire F release G` to be generated (a lock that is a \
                 C variable is not generated yet)",
                l.name
            ),
        });
    };
    let function = ident(&l.name);
    let guard = guard_name(l);
    let (acquire, release) = (ident(acquire), ident(release));
    let at = cx.at.at(l.span);
    let docs: Vec<String> = match l.docs.is_empty() {
        true => Vec::new(),
        false => std::iter::once(String::new())
            .chain(l.docs.iter().map(|d| format!(" {}", d.trim())))
            .collect(),
    };
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
        let Some(access) = cx.raw.field(&s.name, &f.name) else {
            return Err(Unsupported {
                span: f.span,
                message: format!(
                    "bindgen emitted no field `{}` in `struct {}`",
                    f.name, s.name
                ),
            });
        };
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
