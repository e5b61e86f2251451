//! `macro M(..) = CONTRACT(..)`: a safe function named `M` with the C macro's role, built on the
//! wrappers, so a translation calls it instead of expanding the macro into raw code.
//!
//! - `container_of(x, struct P, m)` over an `embeds` member: from the member's wrapper to the
//!   parent's (without an `embeds`, there is no safe path, and no function);
//! - `acquire(p.L)` / `release(p.L)`: takes the lock the way the spec says and returns its
//!   guard / consumes the guard;
//! - `READ_ONCE(p.f)` / `WRITE_ONCE(p.f, v)`: the once-accessors of a `lockless` field (a
//!   `readonly` one for reads).

use crate::global;
use crate::names::{ident, joined, type_name, type_name_with};
use crate::strukt::{StructContext, Unsupported};
use invc_spec_lang::ir::{self, Access, LockOwner, MacroContract};
use proc_macro2::TokenStream;
use quote::quote;

/// The function of macro `m`; empty for a `container_of` the spec gives no `embeds` for.
pub fn generate(m: &ir::Macro, cx: &StructContext<'_>) -> Result<TokenStream, Unsupported> {
    let name = ident(&m.name);
    let mut docs: Vec<String> = m.docs.iter().map(|d| format!(" {}", d.trim())).collect();
    let unsupported = |message: String| Unsupported {
        span: m.span,
        message,
    };
    let (head, body) = match &m.contract {
        MacroContract::ContainerOf {
            parent,
            member,
            declared_embeds,
            ..
        } => {
            if !declared_embeds {
                return Ok(TokenStream::new());
            }
            let parent_type = type_name(&parent.name);
            let member_type = type_name_with(&parent.name, &type_name(member).to_string());
            let from = joined(&["from", member]);
            let param = ident(m.params.first().map_or("member", String::as_str));
            docs.insert(
                0,
                format!(
                    " `{}`: the `struct {}` that contains `{member}` (C's `container_of`), safely.",
                    m.name, parent.name
                ),
            );
            (
                quote!(pub fn #name(#param: &#member_type) -> &#parent_type),
                quote!(#parent_type::#from(#param)),
            )
        }
        MacroContract::Acquire { lock } | MacroContract::Release { lock } => {
            let acquire = matches!(m.contract, MacroContract::Acquire { .. });
            let (param_decl, guard, call) = lock_helper(m, lock, cx).map_err(unsupported)?;
            let what = if acquire { "Takes" } else { "Releases" };
            docs.insert(
                0,
                format!(
                    " `{}`: {what} `{}` (`{}`), through the wrapper's guard.",
                    m.name,
                    lock.lock.lock,
                    cx.at.at(m.span)
                ),
            );
            match acquire {
                true => (quote!(pub fn #name(#param_decl) -> #guard), call),
                // Dropping the guard is what releases the lock; taking it by value makes the
                // helper the guard's last use.
                false => (quote!(pub fn #name(guard: #guard)), quote!(drop(guard))),
            }
        }
        MacroContract::ReadOnce { place } | MacroContract::WriteOnce { place, .. } => {
            let write = match &m.contract {
                MacroContract::WriteOnce { value, .. } => Some(value),
                _ => None,
            };
            let (s, f) = place_field(m, place, cx).map_err(unsupported)?;
            let wrapper = type_name(&s.name);
            let param = ident(&place[0]);
            let getter = ident(&f.name);
            let access = cx.field(s, &f.name, m.span)?;
            let value = crate::strukt::value_type(access, Some(f)).ty;
            let rule_ok = matches!(
                (&f.access, write),
                (Access::Lockless { .. }, _) | (Access::Readonly { .. }, None)
            );
            if !rule_ok {
                return Err(unsupported(format!(
                    "`{}` {} `{}.{}`, which the spec does not make `lockless`{}; \
                     a function for it would go around the field's rule",
                    m.name,
                    if write.is_some() { "writes" } else { "reads" },
                    s.name,
                    f.name,
                    if write.is_some() {
                        ""
                    } else {
                        " or `readonly`"
                    }
                )));
            }
            docs.insert(
                0,
                format!(
                    " `{}`: {} `{}` once, as C's `{}` does (`{}`).",
                    m.name,
                    if write.is_some() { "writes" } else { "reads" },
                    f.name,
                    if write.is_some() {
                        "WRITE_ONCE"
                    } else {
                        "READ_ONCE"
                    },
                    cx.at.at(m.span)
                ),
            );
            match write {
                None => (
                    quote!(pub fn #name(#param: &#wrapper) -> #value),
                    quote!(#param.#getter()),
                ),
                Some(v) => {
                    let v = ident(v);
                    let setter = joined(&["set", &f.name]);
                    (
                        quote!(pub fn #name(#param: &#wrapper, #v: #value)),
                        quote!(#param.#setter(#v)),
                    )
                }
            }
        }
    };
    Ok(quote! {
        #(#[doc = #docs])*
        #head {
            #body
        }
    })
}

/// For `acquire`/`release` of `lock`: the helper's parameters, the guard type and the call
/// that takes the lock.
fn lock_helper(
    m: &ir::Macro,
    lock: &ir::Requirement,
    cx: &StructContext<'_>,
) -> Result<(TokenStream, TokenStream, TokenStream), String> {
    match &lock.lock.owner {
        LockOwner::Global => {
            let l = cx
                .spec
                .locks
                .iter()
                .find(|l| l.name == lock.lock.lock)
                .ok_or_else(|| format!("no global lock `{}`", lock.lock.lock))?;
            let function = ident(&l.name);
            let guard = global::guard_name(l);
            Ok((quote!(), quote!(#guard), quote!(#function())))
        }
        LockOwner::Struct { name } => {
            let s = cx
                .spec
                .structs
                .iter()
                .find(|s| s.name == *name)
                .ok_or_else(|| format!("no struct `{name}`"))?;
            let l = s
                .locks
                .iter()
                .find(|l| l.name == lock.lock.lock)
                .ok_or_else(|| format!("no lock `{}` in `struct {name}`", lock.lock.lock))?;
            let (method, guard) = crate::lock::exclusive_method(s, l);
            let wrapper = type_name(&s.name);
            let param = ident(
                lock.param
                    .as_deref()
                    .or(m.params.first().map(String::as_str))
                    .unwrap_or("p"),
            );
            Ok((
                quote!(#param: &#wrapper),
                quote!(#guard<'_>),
                quote!(#param.#method()),
            ))
        }
        LockOwner::Unresolved => Err(format!("the lock `{}` is not resolved", lock.lock.lock)),
    }
}

/// The struct and field a `READ_ONCE`/`WRITE_ONCE` place names: `p.f` where exactly one spec
/// struct has a field `f` (the macro does not say `p`'s type).
fn place_field<'s>(
    m: &ir::Macro,
    place: &[String],
    cx: &StructContext<'s>,
) -> Result<(&'s ir::Struct, &'s ir::Field), String> {
    let [_, field] = place else {
        return Err(format!(
            "`{}` names `{}`; only a parameter's own field (`p.f`) is generated",
            m.name,
            place.join(".")
        ));
    };
    let mut found = cx
        .spec
        .structs
        .iter()
        .filter_map(|s| s.fields.iter().find(|f| f.name == *field).map(|f| (s, f)));
    let first = found
        .next()
        .ok_or_else(|| format!("no struct of the spec has a field `{field}` with a rule"))?;
    if let Some((other, _)) = found.next() {
        return Err(format!(
            "both `struct {}` and `struct {}` have a field `{field}`: which one `{}` reads is \
             not known",
            first.0.name, other.name, m.name
        ));
    }
    Ok(first)
}
