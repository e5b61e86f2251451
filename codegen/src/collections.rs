//! `list` and `refcount` members: typed iteration over an intrusive list while its lock's
//! guard is held, and the owned reference type of a refcounted struct (clone = get, drop =
//! put, with the spec's release function at zero).

use crate::names::{ident, joined, type_name_with};
use crate::raw::FieldAccess;
use crate::strukt::{StructContext, Unsupported, place_ptr};
use invc_spec_lang::ir::{self, LockOwner, RefcountKind};
use proc_macro2::TokenStream;
use quote::quote;

fn field_place(
    s: &ir::Struct,
    name: &str,
    span: invc_spec_lang::Span,
    ptr: &TokenStream,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, syn::Type), Unsupported> {
    match cx.raw.field(&s.name, name) {
        Some(access @ FieldAccess::Place { ty, .. }) => {
            Ok((place_ptr(ptr, access).expect("a place"), ty.clone()))
        }
        _ => Err(Unsupported {
            span,
            message: format!("bindgen emitted no field `{name}` in `struct {}`", s.name),
        }),
    }
}

/// Whether list `list` of `s` is guarded by lock `l` of `s`.
pub fn list_guarded_by(s: &ir::Struct, list: &ir::List, l: &ir::Lock) -> bool {
    list.guarded_by.as_ref().is_some_and(|g| {
        g.lock == l.name && matches!(&g.owner, LockOwner::Struct { name } if *name == s.name)
    })
}

/// The list's methods on a guard of its lock: iteration always, linking and unlinking on an
/// exclusive guard.
pub fn list_methods(
    s: &ir::Struct,
    list: &ir::List,
    exclusive: bool,
    cx: &StructContext<'_>,
) -> Result<TokenStream, Unsupported> {
    let (head, head_ty) = field_place(
        s,
        &list.name,
        list.span,
        &quote!(self.0.owner().as_raw()),
        cx,
    )?;
    let entry = ident(&list.entry.name);
    let via = ident(&list.via);
    let getter = ident(&list.name);
    let at = cx.at.at(list.span);
    let doc = format!(
        " Walks `{}`: the `{}`s linked through their `{}` (`{at}`), while this guard holds the \
         list's lock.",
        list.name, list.entry.name, list.via
    );
    let layout = format!(
        "`{}.{}` must be a `struct list_head` of the runtime's layout",
        s.name, list.name
    );
    let layout_assert = cx.layout_assert(quote! {
        const { assert!(::core::mem::size_of::<#head_ty>() == ::core::mem::size_of::<::inv::sys::list_head>(), #layout) };
    });
    let mut out = quote! {
        #[doc = #doc]
        pub fn #getter(&self) -> ::inv::list::ListIter<'_, raw::#entry> {
            #layout_assert
            // SAFETY: the head is a field of the locked object; the spec says its entries are
            // `struct #entry`s linked through `#via`, changed only under this lock, which the
            // guard holds for as long as the iterator borrows it.
            unsafe {
                ::inv::list::iter(
                    #head.cast::<::inv::sys::list_head>().cast_const(),
                    ::core::mem::offset_of!(raw::#entry, #via),
                    &self.0,
                )
            }
        }
    };
    if exclusive {
        let push = joined(&["push", &list.name]);
        let remove = joined(&["remove", &list.name]);
        let push_doc = format!(
            " Links `entry` at the tail of `{}` (`list_add_tail`).",
            list.name
        );
        let remove_doc = format!(" Unlinks `entry` from `{}` (`list_del`).", list.name);
        out.extend(quote! {
            #[doc = #push_doc]
            ///
            /// # Safety
            /// `entry` points to a live entry that is on no list and stays valid until it is
            /// unlinked.
            pub unsafe fn #push(&mut self, entry: *mut raw::#entry) {
                // SAFETY: the lock is held exclusively; `entry` is the caller's promise.
                unsafe {
                    ::inv::list::push_back(
                        #head.cast::<::inv::sys::list_head>(),
                        ::core::ptr::addr_of_mut!((*entry).#via).cast::<::inv::sys::list_head>(),
                        &mut self.0,
                    )
                }
            }

            #[doc = #remove_doc]
            ///
            /// # Safety
            /// `entry` points to a live entry on this list.
            pub unsafe fn #remove(&mut self, entry: *mut raw::#entry) {
                // SAFETY: the lock is held exclusively; `entry` is the caller's promise.
                unsafe {
                    ::inv::list::remove(
                        ::core::ptr::addr_of_mut!((*entry).#via).cast::<::inv::sys::list_head>(),
                        &mut self.0,
                    )
                }
            }
        });
    }
    Ok(out)
}

/// The reference type of `refcount r` (`KrefRef` for a kref, `CountedRef` for a `refcount_t`) and
/// the runtime trait implementation behind it.
pub fn refcount(
    s: &ir::Struct,
    r: &ir::Refcount,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, TokenStream), Unsupported> {
    let unsupported = |message: &str| Unsupported {
        span: r.span,
        message: message.to_owned(),
    };
    let Some(release) = &r.release else {
        return Err(unsupported(match r.kind {
            RefcountKind::Kref => {
                "a `kref` refcount needs `release F` to generate its reference type"
            }
            // Without it, nothing says what frees the object at zero.
            RefcountKind::RefcountT => {
                "a `refcount_t` refcount needs `release F` (the function that frees the object \
                 at zero) to generate its reference type"
            }
        }));
    };
    // Projected from the object's pointer, not from a reference to the field: the release goes
    // back to the whole object (from the kref with `container_of`, or given the object) and
    // frees it, so the count's pointer must carry the whole object's provenance.
    let raw_name = ident(&s.name);
    let (place, count_ty) = field_place(
        s,
        &r.name,
        r.span,
        &quote!(this.as_ptr().cast::<raw::#raw_name>()),
        cx,
    )?;
    // What differs between the two kinds of count: the runtime's types and the C names.
    let (sys_ty, ref_ty, c_type, get_fn, put_fn, released) = match r.kind {
        RefcountKind::Kref => (
            quote!(::inv::sys::kref),
            quote!(::inv::KrefRef),
            "a `struct kref`",
            "kref_get",
            "kref_put",
            format!("calls `{release}`"),
        ),
        RefcountKind::RefcountT => (
            quote!(::inv::sys::refcount_t),
            quote!(::inv::CountedRef),
            "a `refcount_t`",
            "refcount_inc",
            "refcount_dec_and_test",
            format!("calls `{release}` with the object"),
        ),
    };
    let wrapper = crate::names::type_name(&s.name);
    let alias = type_name_with(&s.name, "Ref");
    let release_fn = ident(release);
    let at = cx.at.at(r.span);
    let get = joined(&["get", &r.name]);
    let alias_doc = format!(
        " An owned reference to a `struct {}` (`{at}`): cloning takes a reference \
         (`{get_fn}`), dropping gives it back (`{put_fn}`), and the last one {released}.",
        s.name
    );
    let get_doc = format!(" Takes a reference (`{get_fn}` on `{}`).", r.name);
    let layout = format!(
        "`{}.{}` must be {c_type} of the runtime's layout",
        s.name, r.name
    );
    let layout_assert = cx.layout_assert(quote! {
        const _: () = assert!(
            ::core::mem::size_of::<#count_ty>() == ::core::mem::size_of::<#sys_ty>(),
            #layout
        );
    });
    let method = quote! {
        #[doc = #get_doc]
        pub fn #get(&self) -> #alias {
            #ref_ty::new(self)
        }
    };
    let counted = match r.kind {
        RefcountKind::Kref => {
            let trampoline = joined(&["__release", &s.name]);
            quote! {
                unsafe extern "C" fn #trampoline(kref: *mut ::inv::sys::kref) {
                    // SAFETY: called by `kref_put` at zero with the kref of a live object; the
                    // C release function takes the same pointer as C's `struct kref *`.
                    unsafe { raw::#release_fn(kref.cast()) }
                }

                // SAFETY: the kref is a field of the wrapped object, and the spec names
                // `release` as what frees it at zero; the wrapper is an `UnsafeCell` around
                // the C struct.
                unsafe impl ::inv::Refcounted for #wrapper {
                    const RELEASE: unsafe extern "C" fn(*mut ::inv::sys::kref) = #trampoline;

                    unsafe fn raw_kref(this: ::core::ptr::NonNull<Self>) -> *mut ::inv::sys::kref {
                        // SAFETY: a place projection through the object's pointer, live by the
                        // caller's contract; the wrapper is transparent over the C struct.
                        unsafe { #place }.cast::<::inv::sys::kref>()
                    }
                }
            }
        }
        RefcountKind::RefcountT => quote! {
            // SAFETY: the count is a field of the wrapped object, and the spec names `release`
            // as what frees it at zero; the wrapper is an `UnsafeCell` around the C struct.
            unsafe impl ::inv::Counted for #wrapper {
                unsafe fn raw_refcount(
                    this: ::core::ptr::NonNull<Self>,
                ) -> *mut ::inv::sys::refcount_t {
                    // SAFETY: a place projection through the object's pointer, which the
                    // caller promises is live.
                    unsafe { #place }.cast::<::inv::sys::refcount_t>()
                }

                unsafe fn release(this: ::core::ptr::NonNull<Self>) {
                    // SAFETY: the count reached zero; the C function frees the object it is
                    // given.
                    unsafe { raw::#release_fn(this.as_ptr().cast()) }
                }
            }
        },
    };
    let items = quote! {
        #[doc = #alias_doc]
        pub type #alias = #ref_ty<#wrapper>;

        #layout_assert

        #counted
    };
    Ok((method, items))
}
