//! A lock of a spec'd struct: the method that takes it (only in the variant the spec names,
//! so the wrong variant cannot be called), a guard type per way of holding it, and on each
//! guard the accessors of the fields the lock guards. Invariants attached to the lock are
//! checked by the runtime when an exclusive guard releases it (`HasLock::check_invariant`).

use crate::names::{ident, joined, type_name, type_name_with};
use crate::raw::FieldAccess;
use crate::strukt::{
    ScalarAccess, StructContext, Unsupported, assertion, is_scalar, place_ptr, scalar_accessors,
};
use invc_spec_lang::ir::{self, Access, LockKind, LockMode, LockOwner};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn mode_type(mode: LockMode) -> TokenStream {
    match mode {
        LockMode::Plain => quote!(::inv::Plain),
        LockMode::Irq => quote!(::inv::Irq),
        LockMode::Irqsave => quote!(::inv::IrqSave),
        LockMode::Bh => quote!(::inv::Bh),
    }
}

fn mode_suffix(mode: LockMode) -> &'static str {
    match mode {
        LockMode::Plain => "",
        LockMode::Irq => "_irq",
        LockMode::Irqsave => "_irqsave",
        LockMode::Bh => "_bh",
    }
}

/// The C lock type in the runtime, and the ways a lock of this kind is held.
fn holdings(kind: LockKind, mode: LockMode) -> (TokenStream, Vec<(String, TokenStream, bool)>) {
    let m = mode_type(mode);
    let suffix = mode_suffix(mode);
    match kind {
        LockKind::Spinlock => (
            quote!(::inv::sys::spinlock_t),
            vec![(
                suffix.to_owned(),
                quote!(::inv::SpinLockGuard<'a, OWNER, #m, TAG>),
                true,
            )],
        ),
        LockKind::Mutex => (
            quote!(::inv::sys::mutex),
            vec![(
                String::new(),
                quote!(::inv::MutexGuard<'a, OWNER, TAG>),
                true,
            )],
        ),
        LockKind::Rwlock => (
            quote!(::inv::sys::rwlock_t),
            vec![
                (
                    format!("_read{suffix}"),
                    quote!(::inv::ReadLockGuard<'a, OWNER, #m, TAG>),
                    false,
                ),
                (
                    format!("_write{suffix}"),
                    quote!(::inv::WriteLockGuard<'a, OWNER, #m, TAG>),
                    true,
                ),
            ],
        ),
        LockKind::RwSemaphore => (
            quote!(::inv::sys::rw_semaphore),
            vec![
                (
                    "_read".to_owned(),
                    quote!(::inv::RwSemReadGuard<'a, OWNER, TAG>),
                    false,
                ),
                (
                    "_write".to_owned(),
                    quote!(::inv::RwSemWriteGuard<'a, OWNER, TAG>),
                    true,
                ),
            ],
        ),
        LockKind::Seqlock => (
            quote!(::inv::sys::seqlock_t),
            vec![(
                format!("_write{suffix}"),
                quote!(::inv::SeqLockWriteGuard<'a, OWNER, #m, TAG>),
                true,
            )],
        ),
    }
}

/// Every method taking `l` of `s` (one per way of holding it), with its guard type and
/// whether that guard holds the lock exclusively.
pub fn methods(s: &ir::Struct, l: &ir::Lock) -> Vec<(syn::Ident, syn::Ident, bool)> {
    let (_, ways) = holdings(l.kind, l.mode);
    ways.iter()
        .map(|(suffix, _, exclusive)| {
            let guard = format_ident!(
                "{}{}Guard",
                type_name(&s.name),
                type_name(&format!("{}{suffix}", l.name))
            );
            (ident(&format!("{}{suffix}", l.name)), guard, *exclusive)
        })
        .collect()
}

/// The method that takes `l` of `s` exclusively (the spec's variant; the write side of an
/// rwlock, rw_semaphore or seqlock), and the guard type it returns.
pub fn exclusive_method(s: &ir::Struct, l: &ir::Lock) -> (syn::Ident, syn::Ident) {
    let (_, ways) = holdings(l.kind, l.mode);
    let suffix = ways
        .iter()
        .find(|(_, _, exclusive)| *exclusive)
        .map(|(suffix, _, _)| suffix.clone())
        .unwrap_or_default();
    let method = ident(&format!("{}{suffix}", l.name));
    let guard = format_ident!(
        "{}{}Guard",
        type_name(&s.name),
        type_name(&format!("{}{suffix}", l.name))
    );
    (method, guard)
}

/// Replaces the `OWNER` and `TAG` placeholders in a guard type.
fn instantiate(template: &TokenStream, owner: &TokenStream, tag: &TokenStream) -> TokenStream {
    template
        .clone()
        .into_iter()
        .map(|tt| match &tt {
            proc_macro2::TokenTree::Ident(i) if i == "OWNER" => owner.clone(),
            proc_macro2::TokenTree::Ident(i) if i == "TAG" => tag.clone(),
            proc_macro2::TokenTree::Group(g) => {
                let inner = instantiate(&g.stream(), owner, tag);
                proc_macro2::TokenTree::Group(proc_macro2::Group::new(g.delimiter(), inner)).into()
            }
            _ => tt.clone().into(),
        })
        .collect()
}

/// The fields of `s` guarded by its lock `l`.
fn guarded<'s>(s: &'s ir::Struct, l: &ir::Lock) -> Vec<&'s ir::Field> {
    s.fields
        .iter()
        .filter(|f| match &f.access {
            Access::Guarded { lock } => {
                lock.lock == l.name
                    && matches!(&lock.owner, LockOwner::Struct { name } if *name == s.name)
            }
            _ => false,
        })
        .collect()
}

/// Whether invariant `inv` is checked when `l` of `s` is released.
fn checked_on(inv: &ir::Invariant, s: &ir::Struct, l: &ir::Lock) -> bool {
    inv.checked_on.iter().any(|r| {
        r.lock == l.name && matches!(&r.owner, LockOwner::Struct { name } if *name == s.name)
    })
}

/// The method(s) taking `l` (for the wrapper's `impl`), and the guard types and `HasLock`
/// implementation (items beside the wrapper).
pub fn generate(
    s: &ir::Struct,
    l: &ir::Lock,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, TokenStream), Unsupported> {
    let owner_name = type_name(&s.name);
    let owner = quote!(#owner_name);
    let lock_camel = type_name(&l.name).to_string();
    let tag_name = type_name_with(&s.name, &format!("{lock_camel}Tag"));
    let tag = quote!(#tag_name);
    let at = cx.at.at(l.span);
    let Some(access @ FieldAccess::Place { .. }) = cx.raw.field(&s.name, &l.name) else {
        return Err(Unsupported {
            span: l.span,
            message: format!(
                "bindgen emitted no field `{}` in `struct {}`",
                l.name, s.name
            ),
        });
    };
    let raw_lock_ty = crate::strukt::field_type(access);
    let lock_place = place_ptr(&quote!(self.as_raw()), access).expect("a place");
    let (sys_ty, ways) = holdings(l.kind, l.mode);
    let fields = guarded(s, l);

    let checks: Vec<TokenStream> = s
        .invariants
        .iter()
        .enumerate()
        .filter(|(_, i)| checked_on(i, s, l))
        .map(|(index, inv)| assertion(index, inv, cx))
        .collect();
    let check_invariant = match checks.is_empty() {
        true => quote!(),
        false => quote! {
            fn check_invariant(&self) {
                #(#checks)*
            }
        },
    };

    let tag_doc = format!(
        " Names the lock `{}` of `struct {}` in guard types.",
        l.name, s.name
    );
    let layout_msg = format!(
        "the C type of `{}.{}` must have the layout of the runtime's lock type",
        s.name, l.name
    );
    let layout_assert = cx.layout_assert(quote! {
        const _: () = assert!(
            ::core::mem::size_of::<#raw_lock_ty>() == ::core::mem::size_of::<#sys_ty>()
                && ::core::mem::align_of::<#raw_lock_ty>() == ::core::mem::align_of::<#sys_ty>(),
            #layout_msg
        );
    });
    let mut items = vec![quote! {
        #[doc = #tag_doc]
        pub enum #tag_name {}

        #layout_assert

        // SAFETY: the lock is a field of the struct `self` wraps, valid while `self` is, and
        // the layout assertion above makes the cast to the runtime's type sound.
        unsafe impl ::inv::HasLock<#tag_name> for #owner_name {
            type Lock = #sys_ty;

            fn raw_lock(&self) -> *mut #sys_ty {
                // SAFETY: a place projection through the wrapper's pointer; no reference made.
                unsafe { #lock_place }.cast::<#sys_ty>()
            }

            #check_invariant
        }
    }];

    let mut methods = Vec::new();
    for (suffix, template, exclusive) in &ways {
        let runtime_guard = instantiate(template, &owner, &tag);
        let guard_name = format_ident!(
            "{}{}Guard",
            type_name(&s.name),
            type_name(&format!("{}{suffix}", l.name))
        );
        let method = ident(&format!("{}{suffix}", l.name));
        let mut docs: Vec<TokenStream> = l
            .docs
            .iter()
            .map(|d| {
                let d = format!(" {}", d.trim());
                quote!(#[doc = #d])
            })
            .collect();
        if !docs.is_empty() {
            docs.insert(0, quote!(#[doc = ""]));
        }
        let method_doc = format!(
            " Takes `{}` ({}), as `{at}` says it is taken; the guard releases it when dropped.",
            l.name,
            describe(l.kind, l.mode, suffix)
        );
        methods.push(quote! {
            #[doc = #method_doc]
            #(#docs)*
            pub fn #method(&self) -> #guard_name<'_> {
                #guard_name(::inv::LockGuard::lock(self))
            }
        });
        let mut accessors = Vec::new();
        for f in &fields {
            accessors.push(guarded_accessors(s, f, *exclusive, cx)?);
        }
        for r in s
            .rcu
            .iter()
            .filter(|r| *exclusive && crate::rcu::updated_under(s, r, l))
        {
            accessors.push(crate::rcu::updaters(s, r, cx)?);
        }
        for list in s
            .lists
            .iter()
            .filter(|list| crate::collections::list_guarded_by(s, list, l))
        {
            accessors.push(crate::collections::list_methods(s, list, *exclusive, cx)?);
        }
        let guard_doc = format!(
            " `{}` of `struct {}` held{}: the fields it guards are reached through this guard.",
            l.name,
            s.name,
            if *exclusive {
                ""
            } else {
                " shared (readers only)"
            }
        );
        items.push(quote! {
            #[doc = #guard_doc]
            #[must_use = "the lock is released as soon as the guard is dropped"]
            pub struct #guard_name<'a>(#runtime_guard);

            impl<'a> #guard_name<'a> {
                /// The object whose lock is held.
                pub fn owner(&self) -> &'a #owner_name {
                    self.0.owner()
                }

                #(#accessors)*
            }
        });
    }
    if l.kind == LockKind::Seqlock {
        let (method, item) = seq_reader(s, l, &fields, &owner_name, &tag_name, cx)?;
        methods.push(method);
        items.push(item);
    }
    Ok((quote!(#(#methods)*), quote!(#(#items)*)))
}

/// The read side of a seqlock: a method that runs a closure as a read section until no writer
/// overlapped it, and the token the closure gets, whose getters copy the guarded fields out
/// with volatile reads (a value read while a writer was active may be torn, and the attempt is
/// then thrown away and retried, so it must not be trusted before the section ends).
fn seq_reader(
    s: &ir::Struct,
    l: &ir::Lock,
    fields: &[&ir::Field],
    owner_name: &syn::Ident,
    tag_name: &syn::Ident,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, TokenStream), Unsupported> {
    let method = ident(&format!("{}_read", l.name));
    let token = format_ident!("{}{}ReadGuard", type_name(&s.name), type_name(&l.name));
    let at = cx.at.at(l.span);
    let mut getters = Vec::new();
    for f in fields {
        let access = cx.field(s, &f.name, f.span)?;
        // Aggregates and bitfields cannot be copied out in one volatile read; they have no
        // reader getter (the writer's guard reaches them).
        let Some(place) = place_ptr(&quote!(self.0.owner().as_raw()), access)
            .filter(|_| is_scalar(access) && !matches!(access, FieldAccess::Bitfield { .. }))
        else {
            continue;
        };
        let crate::strukt::ValueType { ty, from_raw, .. } =
            crate::strukt::value_type(access, Some(f));
        let read = crate::strukt::returned(
            from_raw,
            // SAFETY: a volatile read of a scalar field of the live object, as C's seqlock
            // readers do; a torn value is discarded by the retry.
            quote!(unsafe { #place.read_volatile() }),
        );
        let getter = ident(&f.name);
        let doc = format!(
            " Reads `{}` inside the read section (`{}`): a copy, trustworthy only once the \
             section ends without a retry.",
            f.name,
            cx.at.at(f.span)
        );
        getters.push(quote! {
            #[doc = #doc]
            pub fn #getter(&self) -> #ty {
                #read
            }
        });
    }
    let method_doc = format!(
        " Runs `attempt` as a read section of the seqlock `{}` (`{at}`) until no writer \
         overlapped it (`read_seqbegin`/`read_seqretry`), and returns its last result. \
         `attempt` may run several times, so it must only compute its result.",
        l.name
    );
    let token_doc = format!(
        " One attempt at a read section of the seqlock `{}` of `struct {}`: the guarded fields, \
         copied out.",
        l.name, s.name
    );
    let method_tokens = quote! {
        #[doc = #method_doc]
        pub fn #method<R>(&self, mut attempt: impl FnMut(&#token<'_>) -> R) -> R {
            ::inv::SeqReadGuard::read(self, |g| attempt(&#token(g)))
        }
    };
    let item = quote! {
        #[doc = #token_doc]
        pub struct #token<'r>(&'r ::inv::SeqReadGuard<'r, #owner_name, #tag_name>);

        impl<'r> #token<'r> {
            /// The object whose seqlock is being read.
            pub fn owner(&self) -> &'r #owner_name {
                self.0.owner()
            }

            #(#getters)*
        }
    };
    Ok((method_tokens, item))
}

fn describe(kind: LockKind, mode: LockMode, suffix: &str) -> String {
    let kind = match kind {
        LockKind::Spinlock => "spinlock",
        LockKind::Mutex => "mutex, may sleep",
        LockKind::Rwlock => "rwlock",
        LockKind::RwSemaphore => "rw_semaphore, may sleep",
        LockKind::Seqlock => "seqlock",
    };
    let mode = match mode {
        LockMode::Plain => "",
        LockMode::Irq => ", interrupts disabled",
        LockMode::Irqsave => ", interrupts disabled and restored",
        LockMode::Bh => ", bottom halves disabled",
    };
    let side = if suffix.starts_with("_read") {
        ", shared"
    } else if suffix.starts_with("_write") {
        ", exclusive"
    } else {
        ""
    };
    format!("{kind}{mode}{side}")
}

/// Accessors of a guarded field on a guard: getters always, setters on exclusive guards.
fn guarded_accessors(
    s: &ir::Struct,
    f: &ir::Field,
    exclusive: bool,
    cx: &StructContext<'_>,
) -> Result<TokenStream, Unsupported> {
    let access = cx.field(s, &f.name, f.span)?;
    let ptr = quote!(self.0.owner().as_raw());
    let getter = ident(&f.name);
    let at = cx.at.at(f.span);
    let get_doc = format!(" Reads `{}`, guarded by this lock (`{at}`).", f.name);
    let set_doc = format!(" Writes `{}`, guarded by this lock (`{at}`).", f.name);
    if !is_scalar(access) {
        let place = place_ptr(&ptr, access).expect("aggregates are places");
        let ty = crate::strukt::field_type(access);
        let mut_getter = joined(&[&f.name, "mut"]);
        let mut out = quote! {
            #[doc = #get_doc]
            pub fn #getter(&self) -> &#ty {
                // SAFETY: the lock is held for as long as `self` is borrowed, and only
                // holders of it access the field.
                unsafe { &*#place }
            }
        };
        if exclusive {
            out.extend(quote! {
                #[doc = #set_doc]
                pub fn #mut_getter(&mut self) -> &mut #ty {
                    // SAFETY: as above, and this guard holds the lock exclusively.
                    unsafe { &mut *#place }
                }
            });
        }
        return Ok(out);
    }
    let scalar = ScalarAccess {
        name: &f.name,
        ptr,
        // The guard holds the lock for as long as it is borrowed; only holders of the lock
        // touch the field, and only exclusive holders write it.
        get_params: quote!(&self),
        set_params: exclusive.then(|| quote!(&mut self)),
        get_docs: vec![quote!(#[doc = #get_doc])],
        set_doc,
    };
    Ok(scalar_accessors(scalar, access, Some(f)))
}
