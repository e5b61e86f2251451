//! The wrapper of one spec'd C struct: the only unsafe entry point (`from_raw`), accessors
//! that follow each field's annotation, one method and one guard type per lock, invariant
//! checks, and `from_<member>` for embedded members.
//!
//! The wrapper is `#[repr(transparent)]` over `UnsafeCell<raw::T>` and handed out as `&Self`:
//! the C side may change the struct at any time under its own rules, so no Rust reference to
//! the raw struct is ever made; every access is a read or write of one field through the raw
//! pointer, which is why each one's safety rests on the spec's rule for that field.

use crate::expr::{self, Leaves, Missing};
use crate::names::{ident, joined, type_name, type_name_with};
use crate::raw::{FieldAccess, RawLayouts};
use crate::{Located, lock};
use invc_spec_lang::ir::{self, Access};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Reads fields of the struct behind `ptr` (a `*mut raw::T` expression) in expressions.
pub struct RawLeaves<'a> {
    pub raw: &'a RawLayouts,
    pub strukt: &'a str,
    pub ptr: TokenStream,
}

impl Leaves for RawLeaves<'_> {
    fn field(&self, path: &[String]) -> Option<(TokenStream, bool)> {
        let [name] = path else { return None };
        let access = self.raw.field(self.strukt, name)?;
        Some((read(&self.ptr, access), is_pointer(access)))
    }
}

fn is_pointer(access: &FieldAccess) -> bool {
    matches!(
        access,
        FieldAccess::Place {
            ty: syn::Type::Ptr(_),
            ..
        }
    )
}

/// Whether values of the field's type can be copied out (integers, floats, pointers, bool).
pub fn is_scalar(access: &FieldAccess) -> bool {
    match access {
        FieldAccess::Bitfield { .. } => true,
        FieldAccess::Place { ty, .. } => match ty {
            syn::Type::Ptr(_) => true,
            syn::Type::Path(p) => {
                let last = p.path.segments.last().map(|s| s.ident.to_string());
                let absolute = p.path.leading_colon.is_some() || p.path.segments.len() == 1;
                absolute
                    && last.is_some_and(|l| {
                        l.starts_with("c_")
                            || matches!(
                                l.as_str(),
                                "u8" | "u16"
                                    | "u32"
                                    | "u64"
                                    | "u128"
                                    | "usize"
                                    | "i8"
                                    | "i16"
                                    | "i32"
                                    | "i64"
                                    | "i128"
                                    | "isize"
                                    | "bool"
                                    | "f32"
                                    | "f64"
                            )
                    })
            }
            _ => false,
        },
    }
}

/// The field's Rust type.
pub fn field_type(access: &FieldAccess) -> &syn::Type {
    match access {
        FieldAccess::Place { ty, .. } | FieldAccess::Bitfield { ty, .. } => ty,
    }
}

/// Tokens reading the field from `ptr` (no reference to the struct is made).
pub fn read(ptr: &TokenStream, access: &FieldAccess) -> TokenStream {
    match access {
        FieldAccess::Place { path, .. } => quote!((*#ptr).#(#path).*),
        FieldAccess::Bitfield {
            path,
            owner,
            getter,
            ..
        } => {
            let raw_getter = format_ident!("{}_raw", getter);
            quote!(raw::#owner::#raw_getter(::core::ptr::addr_of!((*#ptr)#(.#path)*)))
        }
    }
}

/// Tokens writing `value` to the field of the struct behind `ptr` (no reference to the
/// struct is made); to be used in an `unsafe` block.
pub fn write(ptr: &TokenStream, access: &FieldAccess, value: &TokenStream) -> TokenStream {
    match access {
        FieldAccess::Place { path, .. } => {
            quote!(::core::ptr::addr_of_mut!((*#ptr).#(#path).*).write(#value))
        }
        FieldAccess::Bitfield {
            path,
            owner,
            getter,
            ..
        } => {
            let raw_setter = format_ident!("set_{}_raw", getter);
            quote!(raw::#owner::#raw_setter(::core::ptr::addr_of_mut!((*#ptr)#(.#path)*), #value))
        }
    }
}

/// Storing a pointer is not dereferencing it, which is what clippy's
/// `not_unsafe_ptr_arg_deref` fears of a setter taking one.
pub fn pointer_arg(access: &FieldAccess) -> TokenStream {
    match is_pointer(access) {
        true => quote!(#[allow(clippy::not_unsafe_ptr_arg_deref)]),
        false => quote!(),
    }
}

/// Tokens of a pointer to the field (only for places).
pub fn place_ptr(ptr: &TokenStream, access: &FieldAccess) -> Option<TokenStream> {
    match access {
        FieldAccess::Place { path, .. } => {
            Some(quote!(::core::ptr::addr_of_mut!((*#ptr).#(#path).*)))
        }
        FieldAccess::Bitfield { .. } => None,
    }
}

/// What generating a struct needs besides the struct.
pub struct StructContext<'a> {
    pub spec: &'a ir::Spec,
    pub raw: &'a RawLayouts,
    pub at: &'a dyn Located,
    pub backend: crate::Backend,
}

impl StructContext<'_> {
    /// How bindgen lets Rust reach field `name` of `struct s`, or the error to report at
    /// `span` when it emitted no such field.
    pub fn field(
        &self,
        s: &ir::Struct,
        name: &str,
        span: invc_spec_lang::Span,
    ) -> Result<&FieldAccess, Unsupported> {
        self.raw.field(&s.name, name).ok_or_else(|| Unsupported {
            span,
            message: format!("bindgen emitted no field `{name}` in `struct {}`", s.name),
        })
    }

    /// A compile-time assertion that a C field has the layout of the runtime's type for it.
    ///
    /// Only the host backend has one: there the runtime's types are the shim's own layouts,
    /// and a header with a stand-in type of another size must not build. In the kernel the
    /// runtime's types are the kernel's, the same by construction.
    pub fn layout_assert(&self, assertion: TokenStream) -> TokenStream {
        match self.backend {
            crate::Backend::Host => assertion,
            crate::Backend::Kernel => TokenStream::new(),
        }
    }
}

/// A problem that stops generation for a spec construct; carries the span to report.
#[derive(Debug, Clone)]
pub struct Unsupported {
    pub span: invc_spec_lang::Span,
    pub message: String,
}

/// Generates the wrapper of `s`.
pub fn generate(s: &ir::Struct, cx: &StructContext<'_>) -> Result<TokenStream, Unsupported> {
    let raw_name = ident(&s.name);
    let name = type_name(&s.name);
    let at = cx.at.at(s.span);
    let docs = doc_lines(&s.docs);
    let doc_head = format!(" The C `struct {}`, as `{at}` says it is used.", s.name);
    let ptr = quote!(self.as_raw());
    let leaves = RawLeaves {
        raw: cx.raw,
        strukt: &s.name,
        ptr: ptr.clone(),
    };

    let mut methods = Vec::new();
    let mut items = Vec::new();

    // Fields the spec does not annotate, and annotated ones by their annotation.
    let annotated: std::collections::BTreeMap<&str, &ir::Field> =
        s.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    let special: std::collections::BTreeSet<&str> = s
        .locks
        .iter()
        .map(|l| l.name.as_str())
        .chain(s.rcu.iter().map(|r| r.name.as_str()))
        .chain(s.dma.iter().map(|d| d.name.as_str()))
        .chain(s.embeds.iter().map(|e| e.name.as_str()))
        .chain(s.lists.iter().map(|l| l.name.as_str()))
        .chain(s.refcounts.iter().map(|r| r.name.as_str()))
        // A streaming buffer's address and length are written only with the buffer.
        .chain(s.dma.iter().flat_map(|d| match &d.mapping {
            ir::DmaMapping::Streaming { addr, len, .. } => vec![addr.as_str(), len.as_str()],
            ir::DmaMapping::Coherent { .. } => Vec::new(),
        }))
        .collect();
    for field_name in cx.raw.field_names(&s.name) {
        if special.contains(field_name) {
            continue;
        }
        let Some(access) = cx.raw.field(&s.name, field_name) else {
            continue;
        };
        match annotated.get(field_name) {
            None => {
                if is_scalar(access) {
                    methods.push(plain_accessors(field_name, access, &ptr, None, cx));
                }
            }
            Some(f) => match &f.access {
                Access::Plain => {
                    methods.push(plain_accessors(field_name, access, &ptr, Some(f), cx))
                }
                Access::Readonly { .. } => {
                    methods.push(readonly_getter(field_name, access, &ptr, f, cx))
                }
                Access::Lockless { .. } => {
                    methods.push(lockless_accessors(field_name, access, &ptr, f, cx)?)
                }
                // On the guard, below.
                Access::Guarded { .. } => {}
            },
        }
    }
    // A field the spec names but bindgen did not emit would leave a rule unenforced.
    for f in &s.fields {
        cx.field(s, &f.name, f.span)?;
    }

    for l in &s.locks {
        let (method, guard_items) = lock::generate(s, l, cx)?;
        methods.push(method);
        items.push(guard_items);
    }

    for r in &s.rcu {
        methods.push(crate::rcu::reader(s, r, cx)?);
    }
    methods.push(crate::global::accessors(s, cx)?);

    for d in &s.dma {
        let (method, dma_items) = crate::dma::generate(s, d, &leaves, cx)?;
        methods.push(method);
        items.push(dma_items);
    }

    for r in &s.refcounts {
        let (method, ref_items) = crate::collections::refcount(s, r, cx)?;
        methods.push(method);
        items.push(ref_items);
    }

    for e in &s.embeds {
        let (method, member_items) = embed(s, e, cx)?;
        methods.push(method);
        items.push(member_items);
    }

    // Invariants that no lock guards are checked whenever a wrapper is made.
    let mut unguarded = Vec::new();
    for (index, inv) in s.invariants.iter().enumerate() {
        methods.push(invariant_fn(index, inv, &leaves, cx)?);
        if inv.checked_on.is_empty() {
            unguarded.push(assertion(index, inv, cx));
        }
    }
    let unguarded = match unguarded.is_empty() {
        true => quote!(),
        false => quote!(#[cfg(debug_assertions)] { #(#unguarded)* }),
    };

    let safety = format!(
        " `ptr` points to an initialised `struct {}` that stays valid for `'a`, and every \
         access to it by other code, C or Rust, keeps the rules of `{}`: guarded fields only \
         with their lock held, `readonly` fields not written any more, `lockless` fields only \
         with `READ_ONCE`/`WRITE_ONCE`.",
        s.name, cx.spec.source
    );
    let safety_mut = format!(
        " As for [`{name}::from_raw`], and no other code accesses the struct while the returned \
         reference lives (as during initialisation, before the struct is published)."
    );
    Ok(quote! {
        #[doc = #doc_head]
        #(#docs)*
        #[repr(transparent)]
        pub struct #name(::core::cell::UnsafeCell<raw::#raw_name>);

        impl #name {
            /// Wraps a C object; the only way to get a wrapper.
            ///
            /// # Safety
            #[doc = #safety]
            pub unsafe fn from_raw<'a>(ptr: *mut raw::#raw_name) -> &'a Self {
                // SAFETY: `Self` is `repr(transparent)` over `UnsafeCell<raw::T>`, so the
                // pointer casts; validity for 'a is the caller's promise.
                let this = unsafe { &*ptr.cast::<Self>() };
                this.check_unguarded_invariants();
                this
            }

            /// Wraps a C object the caller has to itself, so that its plain fields can be set.
            ///
            /// # Safety
            #[doc = #safety_mut]
            pub unsafe fn from_raw_mut<'a>(ptr: *mut raw::#raw_name) -> &'a mut Self {
                // SAFETY: as in `from_raw`, and exclusive by the caller's promise.
                let this = unsafe { &mut *ptr.cast::<Self>() };
                this.check_unguarded_invariants();
                this
            }

            /// The C object, for passing to C functions.
            pub fn as_raw(&self) -> *mut raw::#raw_name {
                self.0.get()
            }

            fn check_unguarded_invariants(&self) {
                #unguarded
            }

            #(#methods)*
        }

        // SAFETY: shared access from several threads is what the spec describes: through a
        // `&Self` guarded fields are reached only with their lock held, `lockless` fields only
        // by volatile access, `readonly` fields only read, and other fields written only
        // through `&mut Self`, which is exclusive.
        unsafe impl ::core::marker::Sync for #name {}

        // SAFETY: a C object belongs to no thread: whoever holds the last counted reference
        // may release it on any thread, as the kernel does.
        unsafe impl ::core::marker::Send for #name {}

        #(#items)*
    })
}

/// The name of the method that evaluates invariant number `index` of a struct.
pub fn invariant_method(index: usize) -> proc_macro2::Ident {
    format_ident!("invariant_{index}")
}

/// `debug_assert!` of invariant number `index` of a struct, through its method.
pub fn assertion(index: usize, inv: &ir::Invariant, cx: &StructContext<'_>) -> TokenStream {
    let method = invariant_method(index);
    let message = format!("invariant `{}` ({}) violated", inv.text, cx.at.at(inv.span));
    quote! {
        debug_assert!(self.#method().unwrap_or(false), #message);
    }
}

/// The method evaluating invariant number `index`: `None` when the arithmetic would
/// overflow or divide by zero, which the assertion counts as a violation.
fn invariant_fn(
    index: usize,
    inv: &ir::Invariant,
    leaves: &dyn Leaves,
    cx: &StructContext<'_>,
) -> Result<TokenStream, Unsupported> {
    let body = expr::body(&inv.expr, leaves).map_err(|m| missing(m, inv.span))?;
    let method = invariant_method(index);
    let doc = format!(" Evaluates `{}` (`{}`).", inv.text, cx.at.at(inv.span));
    let safety = match inv.checked_on.is_empty() {
        true => " Reads fields no lock guards.",
        false => " Called with the lock that guards these fields held.",
    };
    Ok(quote! {
        #[doc = #doc]
        #[doc = #safety]
        // The spec's grouping is kept with parentheses, some of them redundant.
        #[allow(unused_parens, clippy::double_parens)]
        fn #method(&self) -> ::core::option::Option<bool> {
            // SAFETY: plain reads of scalar fields, allowed where this is called.
            ::core::option::Option::Some(unsafe { #body })
        }
    })
}

pub fn missing(m: Missing, span: invc_spec_lang::Span) -> Unsupported {
    Unsupported {
        span,
        message: match m {
            Missing::Field(path) => format!("bindgen emitted no field `{}`", path.join(".")),
            Missing::Constant(name) => {
                format!("the headers give no value for the constant `{name}`")
            }
        },
    }
}

fn doc_lines(docs: &[String]) -> Vec<TokenStream> {
    let mut out: Vec<TokenStream> = Vec::new();
    if !docs.is_empty() {
        out.push(quote!(#[doc = ""]));
    }
    out.extend(docs.iter().map(|d| {
        let d = format!(" {}", d.trim());
        quote!(#[doc = #d])
    }));
    out
}

/// The doc comment of an accessor: the spec's docs for the field and where the rule is.
fn accessor_docs(what: &str, f: Option<&ir::Field>, cx: &StructContext<'_>) -> Vec<TokenStream> {
    let mut head = format!(" {what}");
    if let Some(f) = f {
        head.push_str(&format!(" (`{}`)", cx.at.at(f.span)));
    }
    let mut out = vec![quote!(#[doc = #head])];
    if let Some(f) = f {
        out.extend(doc_lines(&f.docs));
    }
    out
}

/// The accessor's value type and conversions for a field that may be of a newtype.
pub struct ValueType {
    pub ty: TokenStream,
    /// Turns the raw value `v` into the accessor's value.
    pub from_raw: TokenStream,
    /// Turns the accessor's value `v` into the raw value.
    pub to_raw: TokenStream,
}

/// The body of a getter: the conversion applied to `read`, or `read` itself.
pub fn returned(from_raw: TokenStream, read: TokenStream) -> TokenStream {
    if from_raw.to_string() == "v" {
        read
    } else {
        quote! {
            let v = #read;
            #from_raw
        }
    }
}

pub fn value_type(access: &FieldAccess, f: Option<&ir::Field>) -> ValueType {
    let raw_ty = field_type(access);
    match f.and_then(|f| f.newtype.as_ref()) {
        Some(newtype) => {
            let n = ident(newtype);
            ValueType {
                ty: quote!(#n),
                from_raw: quote!(#n::from_raw_value(v as _)),
                to_raw: quote!(v.get() as #raw_ty),
            }
        }
        None => ValueType {
            ty: quote!(#raw_ty),
            from_raw: quote!(v),
            to_raw: quote!(v),
        },
    }
}

/// What decides how a scalar field's accessors may reach it.
pub struct ScalarAccess<'a> {
    /// The field's C name.
    pub name: &'a str,
    /// A `*mut raw::T` expression for the struct that holds the field.
    pub ptr: TokenStream,
    /// The getter's parameters (`&self`, or `&self, _held: &G`): what makes a plain read
    /// sound.
    pub get_params: TokenStream,
    /// The setter's parameters before the value, or `None` for no setter: what makes a plain
    /// write sound (`&mut self`, an exclusive guard, ...).
    pub set_params: Option<TokenStream>,
    /// The getter's doc lines.
    pub get_docs: Vec<TokenStream>,
    /// The setter's doc line.
    pub set_doc: String,
}

/// The getter and, with `set_params`, the setter of a scalar field: plain reads and writes
/// through the struct's pointer, converting to and from the field's newtype if it has one.
pub fn scalar_accessors(
    a: ScalarAccess<'_>,
    access: &FieldAccess,
    f: Option<&ir::Field>,
) -> TokenStream {
    let getter = ident(a.name);
    let read = read(&a.ptr, access);
    let vt = value_type(access, f);
    let ty = vt.ty;
    let body = returned(vt.from_raw, quote!(unsafe { #read }));
    let (get_docs, get_params) = (a.get_docs, a.get_params);
    let mut out = quote! {
        #(#get_docs)*
        pub fn #getter(#get_params) -> #ty {
            #body
        }
    };
    if let Some(set_params) = a.set_params {
        let setter = joined(&["set", a.name]);
        let write = write(&a.ptr, access, &vt.to_raw);
        let pointer_arg = pointer_arg(access);
        let set_doc = a.set_doc;
        out.extend(quote! {
            #[doc = #set_doc]
            #pointer_arg
            pub fn #setter(#set_params, v: #ty) {
                unsafe { #write }
            }
        });
    }
    out
}

/// A field the spec puts under no rule: read through `&self` as C reads it, written only
/// through `&mut self`, which `from_raw_mut` alone gives.
fn plain_accessors(
    name: &str,
    access: &FieldAccess,
    ptr: &TokenStream,
    f: Option<&ir::Field>,
    cx: &StructContext<'_>,
) -> TokenStream {
    let scalar = ScalarAccess {
        name,
        ptr: ptr.clone(),
        get_params: quote!(&self),
        set_params: Some(quote!(&mut self)),
        get_docs: accessor_docs(
            &format!("Reads `{name}`, which the spec puts under no rule."),
            f,
            cx,
        ),
        set_doc: format!(" Writes `{name}`; needs the object to itself ([`Self::from_raw_mut`])."),
    };
    scalar_accessors(scalar, access, f)
}

/// A `readonly` field: nobody writes it once the object is published, so a getter only.
fn readonly_getter(
    name: &str,
    access: &FieldAccess,
    ptr: &TokenStream,
    f: &ir::Field,
    cx: &StructContext<'_>,
) -> TokenStream {
    let scalar = ScalarAccess {
        name,
        ptr: ptr.clone(),
        get_params: quote!(&self),
        set_params: None,
        get_docs: accessor_docs(
            &format!(
                "Reads `{name}`, which is `readonly`: set before the object is published, never written after, so there is no setter."
            ),
            Some(f),
            cx,
        ),
        set_doc: String::new(),
    };
    scalar_accessors(scalar, access, Some(f))
}

fn lockless_accessors(
    name: &str,
    access: &FieldAccess,
    ptr: &TokenStream,
    f: &ir::Field,
    cx: &StructContext<'_>,
) -> Result<TokenStream, Unsupported> {
    let Some(place) = place_ptr(ptr, access).filter(|_| is_scalar(access)) else {
        return Err(Unsupported {
            span: f.span,
            message: format!("`lockless {name}` needs a scalar field, not a bitfield or aggregate"),
        });
    };
    let getter = ident(name);
    let setter = joined(&["set", name]);
    let ValueType {
        ty,
        from_raw,
        to_raw,
    } = value_type(access, Some(f));
    let from_raw = returned(from_raw, quote!(unsafe { #place.read_volatile() }));
    let docs = accessor_docs(
        &format!(
            "Reads `{name}` once, as `READ_ONCE` does: it is `lockless`, so others write it concurrently."
        ),
        Some(f),
        cx,
    );
    let set_docs = format!(" Writes `{name}` once, as `WRITE_ONCE` does.");
    let allow_pointer = pointer_arg(access);
    Ok(quote! {
        #(#docs)*
        pub fn #getter(&self) -> #ty {
            // SAFETY: a volatile read of a scalar field is what READ_ONCE does in C.
            #from_raw
        }

        #[doc = #set_docs]
        #allow_pointer
        pub fn #setter(&self, v: #ty) {
            // SAFETY: a volatile write of a scalar field is what WRITE_ONCE does in C.
            unsafe { #place.write_volatile(#to_raw) }
        }
    })
}

/// `embeds m: struct P`: the member's own wrapper type, which can be had only from the
/// parent, so getting the parent back from it is safe.
fn embed(
    s: &ir::Struct,
    e: &ir::Embed,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, TokenStream), Unsupported> {
    let Some(FieldAccess::Place { path, .. }) = cx.raw.field(&s.name, &e.name) else {
        return Err(Unsupported {
            span: e.span,
            message: format!(
                "bindgen emitted no field `{}` in `struct {}`",
                e.name, s.name
            ),
        });
    };
    let parent = type_name(&s.name);
    let raw_parent = ident(&s.name);
    let raw_member = ident(&e.ty.name);
    let member = type_name_with(&s.name, &type_name(&e.name).to_string());
    let getter = ident(&e.name);
    let from = joined(&["from", &e.name]);
    let at = cx.at.at(e.span);
    let member_doc = format!(
        " The `{}` embedded as `{}` in `struct {}` (`{at}`): made only from its parent, so \
         [`{parent}::{from}`] can give the parent back.",
        e.ty.name, e.name, s.name
    );
    let getter_doc = format!(" The embedded `{}` (`{at}`).", e.name);
    let from_doc = format!(
        " The `struct {}` that contains `member`: C's `container_of(ptr, struct {}, {})`, safe \
         because a [`{member}`] only comes from inside one.",
        s.name, s.name, e.name
    );
    let raw_doc = format!(
        " Wraps a `struct {}` that is the `{}` member of a live `struct {}`.",
        e.ty.name, e.name, s.name
    );
    let raw_safety = format!(
        " `ptr` points to the `{}` member of a `struct {}` valid for `'a`, under the rules of [`{parent}::from_raw`].",
        e.name, s.name
    );
    let method = quote! {
        #[doc = #getter_doc]
        pub fn #getter(&self) -> &#member {
            // SAFETY: the member lies inside `self`, which is valid for the borrow; the
            // member type is `repr(transparent)` over `UnsafeCell` of the raw member.
            unsafe { &*::core::ptr::addr_of_mut!((*self.as_raw()).#(#path).*).cast::<#member>() }
        }

        #[doc = #from_doc]
        pub fn #from(member: &#member) -> &Self {
            let offset = ::core::mem::offset_of!(raw::#raw_parent, #(#path).*);
            let parent = ::inv::container_of_mut::<raw::#raw_parent, raw::#raw_member>(member.as_raw(), offset);
            // SAFETY: `member` is embedded in a live parent (the only ways to get one are the
            // parent's accessor and `from_raw`, whose contract says so), and the parent is
            // valid at least as long as the member is borrowed.
            unsafe { &*parent.cast::<Self>() }
        }
    };
    let items = quote! {
        #[doc = #member_doc]
        #[repr(transparent)]
        pub struct #member(::core::cell::UnsafeCell<raw::#raw_member>);

        // SAFETY: it is only a way back to its parent, whose accesses keep the spec's rules.
        unsafe impl ::core::marker::Sync for #member {}

        impl #member {
            #[doc = #raw_doc]
            ///
            /// # Safety
            #[doc = #raw_safety]
            pub unsafe fn from_raw<'a>(ptr: *mut raw::#raw_member) -> &'a Self {
                // SAFETY: repr(transparent) cast; validity is the caller's promise.
                unsafe { &*ptr.cast::<Self>() }
            }

            /// The C object, for passing to C functions.
            pub fn as_raw(&self) -> *mut raw::#raw_member {
                self.0.get()
            }
        }
    };
    Ok((method, items))
}
