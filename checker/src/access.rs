//! Field accesses through raw types, and what a Rust expression reaches.
//!
//! [`Walker::ty_of`] follows locals, `*p`, `&mut *p`, `as` casts, `.cast::<T>()` and
//! `addr_of!`, so a field is judged by the C struct it belongs to, never by its name alone.
//! The rules on accesses (`guarded-access`, `readonly-write`, `lockless-access`, `rcu-deref`,
//! the `next`/`prev` part of `raw-list-walk`) are here; the rules on calls are in `calls`.

use crate::index::FieldRole;
use crate::rule::Rule;
use crate::span;
use crate::types::{Kind, Ty, c_field_name, with_ident};
use crate::walk::{Use, Walker};
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Expr, ExprField, Member};

/// A field of a spec'd struct that an expression mentions through a raw type.
pub(crate) struct Mention<'i> {
    pub strukt: &'i str,
    pub field: String,
    pub role: &'i FieldRole,
}

impl<'a, 'i> Walker<'a, 'i> {
    /// The C struct an expression reaches, and how.
    pub fn ty_of(&self, e: &Expr) -> Option<Ty<'i>> {
        match e {
            Expr::Path(p) => {
                let ident = p.path.get_ident()?;
                with_ident(ident, |ident| self.local(ident))
            }
            Expr::Paren(p) => self.ty_of(&p.expr),
            Expr::Group(g) => self.ty_of(&g.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                let inner = self.ty_of(&u.expr)?;
                match inner.kind {
                    Kind::Ptr | Kind::Ref => Some(inner.with(Kind::Place)),
                    Kind::Wrapper => Some(inner),
                    _ => None,
                }
            }
            Expr::Reference(r) => {
                let inner = self.ty_of(&r.expr)?;
                Some(match inner.kind {
                    Kind::Place | Kind::Value => inner.with(Kind::Ref),
                    _ => inner,
                })
            }
            Expr::RawAddr(r) => {
                let inner = self.ty_of(&r.expr)?;
                matches!(inner.kind, Kind::Place | Kind::Value).then(|| inner.with(Kind::Ptr))
            }
            Expr::Cast(c) => match self.names.of_type(&c.ty) {
                Some(t) => Some(t),
                None if matches!(&*c.ty, syn::Type::Ptr(p) if matches!(&*p.elem, syn::Type::Infer(_))) => {
                    self.ty_of(&c.expr)
                }
                None => None,
            },
            Expr::MethodCall(m) => self.method_ty(m),
            Expr::Field(f) => {
                let base = self.ty_of(&f.base)?;
                if !base.is_raw() {
                    return None;
                }
                let Member::Named(name) = &f.member else {
                    return None;
                };
                let roles = self
                    .index
                    .structs
                    .get(base.strukt)?
                    .fields
                    .get(c_field_name(&name.to_string()))?;
                roles.iter().find_map(|r| match r {
                    // The member of an unpublished local value is unpublished too.
                    FieldRole::Embed { ty, .. } => self.names.named(ty).map(|t| {
                        t.with(match base.kind {
                            Kind::Value => Kind::Value,
                            _ => Kind::Place,
                        })
                    }),
                    FieldRole::Rcu { target, .. } => {
                        self.names.named(target).map(|t| t.with(Kind::Ptr))
                    }
                    _ => None,
                })
            }
            Expr::Index(i) => self.ty_of(&i.expr),
            Expr::Unsafe(u) => block_tail(&u.block).and_then(|e| self.ty_of(e)),
            Expr::Block(b) => block_tail(&b.block).and_then(|e| self.ty_of(e)),
            Expr::Macro(m) => self.macro_ty(&m.mac),
            Expr::Call(c) => {
                // `VnetQueue::from_raw(p)` and similar constructors give the wrapper.
                let Expr::Path(p) = &*c.func else { return None };
                let segs = &p.path.segments;
                let owner = segs.iter().rev().nth(1)?;
                self.names
                    .named(&owner.ident.to_string())
                    .filter(|t| t.kind == Kind::Wrapper)
            }
            _ => None,
        }
    }

    fn method_ty(&self, m: &syn::ExprMethodCall) -> Option<Ty<'i>> {
        let method = m.method.to_string();
        match method.as_str() {
            "cast" | "cast_mut" | "cast_const" => {
                if let Some(t) = m.turbofish.as_ref().and_then(|t| t.args.first()) {
                    if let syn::GenericArgument::Type(ty) = t {
                        let t = self.names.of_type(ty)?;
                        return (t.kind == Kind::Value).then(|| t.with(Kind::Ptr));
                    }
                    return None;
                }
                self.ty_of(&m.receiver)
            }
            "as_ptr" | "as_mut_ptr" | "add" | "sub" | "offset" | "wrapping_add"
            | "wrapping_sub" | "byte_add" | "byte_sub" | "unwrap" | "expect"
            | "unwrap_unchecked" => self.ty_of(&m.receiver),
            "as_ref" | "as_mut" => {
                let t = self.ty_of(&m.receiver)?;
                Some(if t.kind == Kind::Ptr {
                    t.with(Kind::Ref)
                } else {
                    t
                })
            }
            _ => None,
        }
    }

    /// Checks one `base.field` against the spec.
    pub fn field_access(&mut self, f: &ExprField) {
        let Member::Named(ident) = &f.member else {
            return;
        };
        let rust_name = ident.to_string();
        if rust_name == "next" || rust_name == "prev" {
            self.list_link_access(f);
        }
        let Some(base) = self.ty_of(&f.base) else {
            return;
        };
        if base.is_raw() {
            self.touch_unsafe();
        }
        if !base.is_raw_shared() {
            return;
        }
        let field = c_field_name(&rust_name).to_owned();
        let index = self.index;
        let Some(roles) = index
            .structs
            .get(base.strukt)
            .and_then(|s| s.fields.get(&field))
        else {
            return;
        };
        let at = span::of_field(f);
        let s = base.strukt;
        let usage = self.usage;
        let verb = match usage {
            Use::Write => "written",
            Use::Addr => "has its address taken",
            _ => "read",
        };
        for role in roles {
            match role {
                FieldRole::Guarded { lock, span } if !self.holds(lock) => self.report(
                    Rule::GuardedAccess,
                    at,
                    format!("`{s}.{field}` is guarded by `{lock}` but is {verb} through a raw pointer without it held"),
                    "raw access to a guarded field",
                    Some(*span),
                ),
                FieldRole::Readonly(span) if usage == Use::Write => self.report(
                    Rule::ReadonlyWrite,
                    at,
                    format!("`{s}.{field}` is readonly but is written through a raw pointer"),
                    "write to a readonly field",
                    Some(*span),
                ),
                FieldRole::Lockless(span) if matches!(usage, Use::Read | Use::Write) => self.report(
                    Rule::LocklessAccess,
                    at,
                    format!("`{s}.{field}` is lockless but is {verb} plainly; use READ_ONCE/WRITE_ONCE, volatile or atomic access"),
                    "plain access to a lockless field",
                    Some(*span),
                ),
                FieldRole::Rcu { updated_under, span, .. }
                    if matches!(usage, Use::Read | Use::Volatile)
                        && !self.in_rcu_section()
                        && !updated_under.as_ref().is_some_and(|l| self.holds(l)) =>
                {
                    self.report(
                        Rule::RcuDeref,
                        at,
                        format!("RCU pointer `{s}.{field}` is read through a raw pointer outside an RCU read section"),
                        "raw read of an RCU pointer",
                        Some(*span),
                    )
                }
                _ => {}
            }
        }
    }

    /// `(*q).ops = new`: an RCU pointer published by a plain store. Readers may see the new
    /// pointer before the object's initialisation; `rcu_assign_pointer` (the wrapper's
    /// `replace_*`) orders the two. A null store (`RCU_INIT_POINTER(p, NULL)`) publishes
    /// nothing, so it is fine.
    pub fn rcu_store(&mut self, left: &Expr, right: &Expr) {
        let Expr::Field(f) = strip_parens(left) else {
            return;
        };
        if is_null_ptr(right) {
            return;
        }
        let Member::Named(ident) = &f.member else {
            return;
        };
        let Some(base) = self.ty_of(&f.base) else {
            return;
        };
        if !base.is_raw_shared() {
            return;
        }
        let field = c_field_name(&ident.to_string()).to_owned();
        let index = self.index;
        let Some(roles) = index
            .structs
            .get(base.strukt)
            .and_then(|s| s.fields.get(&field))
        else {
            return;
        };
        let s = base.strukt;
        for role in roles {
            if let FieldRole::Rcu { span, .. } = role {
                self.report(
                    Rule::RcuDeref,
                    span::of_field(f),
                    format!(
                        "RCU pointer `{s}.{field}` is published by a plain store; use \
                         `rcu_assign_pointer` (the wrapper's `replace_{field}`), which orders the \
                         object's initialisation before the pointer"
                    ),
                    "plain store to an RCU pointer",
                    Some(*span),
                );
            }
        }
    }

    /// `(*q).pending.next`: walking a spec'd list by hand.
    fn list_link_access(&mut self, f: &ExprField) {
        let Expr::Field(inner) = strip_parens(&f.base) else {
            return;
        };
        let Some((strukt, field, span)) = self.mention(inner).and_then(|m| match m.role {
            FieldRole::List(span) => Some((m.strukt, m.field, *span)),
            _ => None,
        }) else {
            return;
        };
        self.report(
            Rule::RawListWalk,
            span::of_field(f),
            format!("raw walk of list `{strukt}.{field}` through its `list_head` links"),
            "raw list walk",
            Some(span),
        );
    }

    /// The spec'd field a `base.field` expression names, if its base is a raw type.
    fn mention(&self, f: &ExprField) -> Option<Mention<'i>> {
        let Member::Named(ident) = &f.member else {
            return None;
        };
        let base = self.ty_of(&f.base)?;
        if !base.is_raw() {
            return None;
        }
        let field = c_field_name(&ident.to_string()).to_owned();
        let (_, roles) = self
            .index
            .structs
            .get(base.strukt)?
            .fields
            .get_key_value(&field)?;
        roles.first().map(|role| Mention {
            strukt: base.strukt,
            field,
            role,
        })
    }

    /// Every spec'd field an expression mentions through raw types, with every role.
    pub fn mentions(&self, e: &Expr) -> Vec<Mention<'i>> {
        let mut collector = Collector {
            walker: self,
            found: Vec::new(),
        };
        collector.visit_expr(e);
        collector.found
    }

    /// Whether an expression reads an `rcu` field through a raw type.
    pub fn reads_rcu_field(&self, e: &Expr) -> bool {
        self.mentions(e)
            .iter()
            .any(|m| matches!(m.role, FieldRole::Rcu { .. }))
    }

    /// The type a macro call evaluates to: `container_of!` gives the parent, `addr_of!` a pointer.
    fn macro_ty(&self, mac: &syn::Macro) -> Option<Ty<'i>> {
        let name = mac.path.segments.last()?.ident.to_string();
        let args = macro_args(mac)?;
        match name.as_str() {
            "container_of" | "list_entry" | "list_first_entry" | "list_last_entry" => {
                let ty = self.names.named(&type_name(args.iter().nth(1)?)?)?;
                (ty.kind == Kind::Value).then(|| ty.with(Kind::Ptr))
            }
            "addr_of" | "addr_of_mut" => {
                let inner = self.ty_of(args.first()?)?;
                matches!(inner.kind, Kind::Place | Kind::Value).then(|| inner.with(Kind::Ptr))
            }
            _ => None,
        }
    }
}

/// Collects the spec'd fields an expression mentions (for the arguments of raw calls).
struct Collector<'w, 'a, 'i> {
    walker: &'w Walker<'a, 'i>,
    found: Vec<Mention<'i>>,
}

impl<'ast> Visit<'ast> for Collector<'_, '_, '_> {
    fn visit_expr_field(&mut self, f: &'ast ExprField) {
        if let (Member::Named(ident), Some(base)) = (&f.member, self.walker.ty_of(&f.base))
            && base.is_raw()
        {
            let field = c_field_name(&ident.to_string()).to_owned();
            if let Some(roles) = self
                .walker
                .index
                .structs
                .get(base.strukt)
                .and_then(|s| s.fields.get(&field))
            {
                for role in roles {
                    self.found.push(Mention {
                        strukt: base.strukt,
                        field: field.clone(),
                        role,
                    });
                }
            }
        }
        syn::visit::visit_expr_field(self, f);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(args) = macro_args(mac) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }
}

/// A macro's arguments, when they parse as comma-separated expressions.
pub(crate) fn macro_args(mac: &syn::Macro) -> Option<Punctuated<Expr, syn::Token![,]>> {
    mac.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        .ok()
}

/// The last path segment of an expression that names a type (`bindings::vnet_queue`).
pub(crate) fn type_name(e: &Expr) -> Option<String> {
    match strip_parens(e) {
        Expr::Path(p) => Some(p.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// The expression inside any parentheses.
/// Whether `e` is a null pointer: `null()`/`null_mut()` by any path, or `0 as _`.
fn is_null_ptr(e: &Expr) -> bool {
    match strip_parens(e) {
        Expr::Call(c) => match strip_parens(&c.func) {
            Expr::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "null" || s.ident == "null_mut"),
            _ => false,
        },
        Expr::Cast(c) => matches!(
            strip_parens(&c.expr),
            Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) if i.base10_digits() == "0"
        ),
        _ => false,
    }
}

pub(crate) fn strip_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_parens(&p.expr),
        Expr::Group(g) => strip_parens(&g.expr),
        _ => e,
    }
}

fn block_tail(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.last()? {
        syn::Stmt::Expr(e, None) => Some(e),
        _ => None,
    }
}
