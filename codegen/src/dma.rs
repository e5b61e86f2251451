//! `dma` members. Streaming: the buffer is kept in the C struct only while the device owns
//! it, so it goes in as a `DmaBuf<DeviceOwned>` and comes out as one, and only unmapping it
//! gives the CPU (and `free`) access again. Coherent: a view of the ring with volatile
//! whole-element access only, never a `&mut` into memory the device writes.
//!
//! The language gives `dma` members no lock, so their accessors need the object to itself
//! (`&mut self`, from `from_raw_mut`); `guarded_by` on `dma` is a planned extension.

use crate::expr::{self, Leaves};
use crate::names::{ident, joined};
use crate::raw::FieldAccess;
use crate::strukt::{StructContext, Unsupported, is_scalar, missing, place_ptr};
use invc_spec_lang::ir::{self, DmaDirection, DmaMapping};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn place(
    s: &ir::Struct,
    name: &str,
    d: &ir::Dma,
    cx: &StructContext<'_>,
) -> Result<TokenStream, Unsupported> {
    match cx.raw.field(&s.name, name) {
        Some(access @ FieldAccess::Place { .. }) => {
            Ok(place_ptr(&quote!(self.as_raw()), access).expect("a place"))
        }
        _ => Err(Unsupported {
            span: d.span,
            message: format!("bindgen emitted no field `{name}` in `struct {}`", s.name),
        }),
    }
}

/// The methods (on the wrapper) and items (beside it) of one `dma` member.
pub fn generate(
    s: &ir::Struct,
    d: &ir::Dma,
    leaves: &dyn Leaves,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, TokenStream), Unsupported> {
    match &d.mapping {
        DmaMapping::Streaming {
            direction,
            addr,
            len,
        } => streaming(s, d, *direction, addr, len, cx),
        DmaMapping::Coherent { elem, count } => coherent(s, d, elem, count.as_ref(), leaves, cx),
    }
}

fn streaming(
    s: &ir::Struct,
    d: &ir::Dma,
    direction: DmaDirection,
    addr: &str,
    len: &str,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, TokenStream), Unsupported> {
    let (buf, bus, size) = (
        place(s, &d.name, d, cx)?,
        place(s, addr, d, cx)?,
        place(s, len, d, cx)?,
    );
    let dir = match direction {
        DmaDirection::ToDevice => quote!(::inv::DmaDirection::ToDevice),
        DmaDirection::FromDevice => quote!(::inv::DmaDirection::FromDevice),
        DmaDirection::Bidirectional => quote!(::inv::DmaDirection::Bidirectional),
    };
    let store = joined(&["store", &d.name]);
    let take = joined(&["take", &d.name]);
    let at = cx.at.at(d.span);
    let store_doc = format!(
        " Hands a mapped buffer to the device through `{}`, `{addr}` and `{len}` (`{at}`); gives \
         it back if those fields already hold one.",
        d.name
    );
    let take_doc = format!(
        " Takes back the buffer `{}` holds, still owned by the device: unmap it before the CPU \
         touches or frees it.",
        d.name
    );
    let methods = quote! {
        #[doc = #store_doc]
        pub fn #store(&mut self, buf: ::inv::DmaBuf<::inv::DeviceOwned>) -> ::core::result::Result<(), ::inv::DmaBuf<::inv::DeviceOwned>> {
            // SAFETY: `&mut self` is exclusive; plain reads and writes of the three fields.
            unsafe {
                if !(*#buf).is_null() {
                    return ::core::result::Result::Err(buf);
                }
                let (cpu, len, bus) = buf.into_raw_mapped();
                #buf.write(cpu.as_ptr().cast());
                #bus.write(bus as _);
                #size.write(len as _);
            }
            ::core::result::Result::Ok(())
        }

        #[doc = #take_doc]
        ///
        /// # Safety
        /// `dev` is the device the buffer was mapped on, and the fields were set by
        /// `store_*` or by C code that maps the buffer the same way.
        pub unsafe fn #take(&mut self, dev: &::inv::Device) -> ::core::option::Option<::inv::DmaBuf<::inv::DeviceOwned>> {
            // SAFETY: `&mut self` is exclusive; the fields describe a live mapping in the
            // spec's direction by the caller's promise, and are cleared so nothing else owns it.
            unsafe {
                let cpu = ::core::ptr::NonNull::new((*#buf).cast::<u8>())?;
                let buf = ::inv::DmaBuf::from_raw_mapped(cpu, *#size as usize, *#bus as _, dev, #dir);
                #buf.write(::core::ptr::null_mut());
                #bus.write(0 as _);
                #size.write(0 as _);
                ::core::option::Option::Some(buf)
            }
        }
    };
    Ok((methods, quote!()))
}

fn coherent(
    s: &ir::Struct,
    d: &ir::Dma,
    elem: &ir::CType,
    count: Option<&ir::Expr>,
    leaves: &dyn Leaves,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, TokenStream), Unsupported> {
    let ring = place(s, &d.name, d, cx)?;
    let elem_ty = element_type(&elem.name, cx.backend);
    let Some(count) = count else {
        return Err(Unsupported {
            span: d.span,
            message: format!(
                "`dma {}: coherent` needs an element count (`[n]`) to be generated",
                d.name
            ),
        });
    };
    let len = expr::int_body(count, leaves).map_err(|m| missing(m, count.span))?;
    let getter = ident(&d.name);
    let len_fn = format_ident!("{}_len", d.name);
    let doc = format!(
        " The coherent `{}` ring (`{}`): volatile reads and writes of whole elements only, since \
         the device writes it too. `None` while the pointer is null or the count is negative.",
        d.name,
        cx.at.at(d.span)
    );
    let methods = quote! {
        #[doc = #doc]
        pub fn #getter(&mut self) -> ::core::option::Option<::inv::CoherentSlice<'_, #elem_ty>> {
            let len = usize::try_from(self.#len_fn()?).ok()?;
            // SAFETY: `&mut self` is exclusive; a plain read of the pointer field.
            let cpu = ::core::ptr::NonNull::new(unsafe { (*#ring).cast::<#elem_ty>() })?;
            // SAFETY: the spec says the field points to `len` elements of coherent memory,
            // which stays allocated while the object is borrowed, and `&mut self` keeps other
            // CPU writers of this object away.
            ::core::option::Option::Some(unsafe { ::inv::CoherentSlice::from_raw(cpu, len) })
        }

        #[allow(unused_parens, clippy::double_parens)]
        fn #len_fn(&self) -> ::core::option::Option<i128> {
            // SAFETY: plain reads of scalar fields of the wrapped object.
            ::core::option::Option::Some(unsafe { #len })
        }
    };
    // Elements are copied in and out whole, which needs every bit pattern to be valid.
    let fields = cx.raw.field_names(&elem.name);
    let all_numbers = !fields.is_empty()
        && fields.iter().all(|f| {
            cx.raw.field(&elem.name, f).is_some_and(|a| {
                is_scalar(a)
                    && !matches!(
                        a,
                        FieldAccess::Place {
                            ty: syn::Type::Ptr(_),
                            ..
                        }
                    )
                    && !matches!(a, FieldAccess::Bitfield { .. })
                    && !crate::strukt::field_type(a)
                        .to_token_stream_string()
                        .ends_with("bool")
            })
        });
    if !all_numbers {
        return Err(Unsupported {
            span: d.span,
            message: format!(
                "`struct {}` must hold only integer and float fields to be shared with a device",
                elem.name
            ),
        });
    }
    Ok((methods, quote!()))
}

/// The type a coherent ring of `struct name` is a slice of.
///
/// On the host it is the raw struct itself, which the generated crate defines. In the kernel
/// the raw struct is `kernel::bindings`', and the runtime's `Pod` cannot be implemented for
/// another crate's type there, so the ring holds a transparent local wrapper of it.
fn element_type(name: &str, backend: crate::Backend) -> TokenStream {
    match backend {
        crate::Backend::Host => {
            let raw = ident(name);
            quote!(raw::#raw)
        }
        crate::Backend::Kernel => {
            let local = format_ident!("{}Pod", crate::names::type_name(name));
            quote!(#local)
        }
    }
}

/// The `Pod` impls of the coherent rings' element types, once per type however many rings
/// use it. `coherent` has checked that each is made of integer and float fields only.
pub fn pod_impls(spec: &ir::Spec, backend: crate::Backend, at: &dyn crate::Located) -> TokenStream {
    // Each element type with the first ring that uses it, which its doc cites.
    let mut elems = std::collections::BTreeMap::new();
    for d in spec.structs.iter().flat_map(|s| &s.dma) {
        if let ir::DmaMapping::Coherent { elem, .. } = &d.mapping {
            elems.entry(elem.name.as_str()).or_insert(d.span);
        }
    }
    elems
        .into_iter()
        .map(|(name, span)| {
            let ty = element_type(name, backend);
            let raw = ident(name);
            let local = match backend {
                crate::Backend::Host => quote!(),
                crate::Backend::Kernel => {
                    let doc = format!(
                        " A `struct {name}` in coherent DMA memory (`{}`): the C struct, in a \
                         type of this crate so that it can be `Pod`.",
                        at.at(span)
                    );
                    quote! {
                        #[doc = #doc]
                        #[repr(transparent)]
                        #[derive(Clone, Copy)]
                        pub struct #ty(pub raw::#raw);
                    }
                }
            };
            quote! {
                #local
                // SAFETY: the C struct is made of integer and float fields only (checked when
                // this was generated), so every bit pattern is a valid value.
                unsafe impl ::inv::dma::Pod for #ty {}
            }
        })
        .collect()
}

trait TokenString {
    fn to_token_stream_string(&self) -> String;
}

impl TokenString for syn::Type {
    fn to_token_stream_string(&self) -> String {
        quote!(#self).to_string()
    }
}
