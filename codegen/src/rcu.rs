//! `rcu p: T updated_under(L)`: the pointer is read only inside an RCU read section, as a
//! reference that cannot outlive the section's guard, and replaced only through the guard of
//! `L`, which hands back the old object as a `Retired` that can be freed only after a grace
//! period.

use crate::names::{ident, joined};
use crate::raw::FieldAccess;
use crate::strukt::{StructContext, Unsupported, place_ptr};
use invc_spec_lang::ir::{self, LockOwner};
use proc_macro2::TokenStream;
use quote::quote;

/// The pointer field and its target's raw type.
fn slot(
    s: &ir::Struct,
    r: &ir::RcuPointer,
    cx: &StructContext<'_>,
    ptr: &TokenStream,
) -> Result<(TokenStream, TokenStream), Unsupported> {
    let access = cx.raw.field(&s.name, &r.name);
    let Some(
        access @ FieldAccess::Place {
            ty: syn::Type::Ptr(_),
            ..
        },
    ) = access
    else {
        return Err(Unsupported {
            span: r.span,
            message: format!(
                "bindgen emitted no pointer field `{}` in `struct {}`",
                r.name, s.name
            ),
        });
    };
    let place = place_ptr(ptr, access).expect("a place");
    let target = ident(&r.target.name);
    Ok((place, quote!(raw::#target)))
}

/// The reader on the wrapper.
pub fn reader(
    s: &ir::Struct,
    r: &ir::RcuPointer,
    cx: &StructContext<'_>,
) -> Result<TokenStream, Unsupported> {
    let (place, target) = slot(s, r, cx, &quote!(self.as_raw()))?;
    let getter = ident(&r.name);
    let doc = format!(
        " Reads `{}` inside an RCU read section (`{}`): the reference cannot outlive `rcu`, the \
         section's guard, and is `None` when the pointer is null.",
        r.name,
        cx.at.at(r.span)
    );
    Ok(quote! {
        #[doc = #doc]
        pub fn #getter<'g>(&'g self, rcu: &'g ::inv::RcuReadGuard) -> ::core::option::Option<&'g #target> {
            // SAFETY: the slot is a pointer field of the wrapped object; the spec says writers
            // publish into it only under their lock and free replaced objects only after a
            // grace period, which `rcu` keeps from ending while the reference lives.
            unsafe { ::inv::rcu::dereference(#place.cast::<*mut #target>().cast_const(), rcu) }
        }
    })
}

/// Whether `r` is updated under lock `l` of `s`.
pub fn updated_under(s: &ir::Struct, r: &ir::RcuPointer, l: &ir::Lock) -> bool {
    r.updated_under.as_ref().is_some_and(|u| {
        u.lock == l.name && matches!(&u.owner, LockOwner::Struct { name } if *name == s.name)
    })
}

/// The updaters on an exclusive guard of the lock `r` is updated under.
pub fn updaters(
    s: &ir::Struct,
    r: &ir::RcuPointer,
    cx: &StructContext<'_>,
) -> Result<TokenStream, Unsupported> {
    let (place, target) = slot(s, r, cx, &quote!(self.0.owner().as_raw()))?;
    let replace = joined(&["replace", &r.name]);
    let replace_raw = joined(&["replace", &r.name, "raw"]);
    let at = cx.at.at(r.span);
    let doc = format!(
        " Publishes `new` as `{}` (`rcu_assign_pointer`, `{at}`) and gives back the object it \
         replaced, which readers may still use: free it only through the `Retired`.",
        r.name
    );
    let raw_doc = format!(" As [`Self::{replace}`], for an object the caller allocated.");
    Ok(quote! {
        #[doc = #doc]
        pub fn #replace(&mut self, new: &'static #target) -> ::core::option::Option<::inv::Retired<#target>> {
            // SAFETY: the lock the spec names is held exclusively; a `'static` object stays
            // valid as long as anyone can reach it.
            unsafe { ::inv::rcu::replace(#place.cast::<*mut #target>(), ::core::ptr::from_ref(new).cast_mut()) }
        }

        #[doc = #raw_doc]
        ///
        /// # Safety
        /// `new` is null or points to a fully initialised object that the field now owns: it is
        /// not changed while published and is freed only through the `Retired` that replaces it.
        pub unsafe fn #replace_raw(&mut self, new: *mut #target) -> ::core::option::Option<::inv::Retired<#target>> {
            // SAFETY: the lock is held exclusively; `new` is the caller's promise.
            unsafe { ::inv::rcu::replace(#place.cast::<*mut #target>(), new) }
        }
    })
}
