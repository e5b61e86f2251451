//! The rules on calls and macro invocations: `missing-lock`, `sleep-in-atomic`, `dma-bypass`,
//! `rcu-free`, `raw-refcount`, `raw-list-walk` and `raw-container-of`; raw lock calls and
//! guards are handed to `locks`.
//!
//! Which spec item a raw call is about comes from its arguments: `spin_lock(&mut (*q).lock)`
//! is about `vnet_queue.lock` because `q` reaches `struct vnet_queue` (see `access`). A call
//! none of whose arguments reach a spec'd field is not reported.

use crate::access::{Mention, macro_args, strip_parens, type_name};
use crate::index::FieldRole;
use crate::kernel_fns::{
    DMA_FNS, FREE_FNS, LIST_FNS, LOCK_FNS, REFCOUNT_FNS, SLEEPING_FNS, VOLATILE_FNS,
};
use crate::rule::Rule;
use crate::span;
use crate::types::Kind;
use crate::walk::{Held, HeldWhat, Use, Walker};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, ExprCall, ExprMethodCall};

impl<'a, 'i> Walker<'a, 'i> {
    /// A function call: visit its parts, then apply its rules.
    pub fn call(&mut self, whole: &Expr, c: &ExprCall) {
        let path = match &*c.func {
            Expr::Path(p) => Some(&p.path),
            _ => None,
        };
        let name = path
            .and_then(|p| p.segments.last())
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        self.with_use(Use::Read, |w| w.visit_expr(&c.func));
        let usage = match VOLATILE_FNS.contains(&name.as_str()) {
            true => Use::Volatile,
            false => Use::Read,
        };
        for arg in &c.args {
            self.with_use(usage, |w| w.visit_expr(arg));
        }
        let args: Vec<&Expr> = c.args.iter().collect();
        self.call_rules(whole, &name, &args, span::of_call(c));
        // `VnetQueueGuard::lock(&q)`-style guard constructors.
        if let Some(path) = path
            && path.segments.len() >= 2
            && name == "lock"
            && path.segments[path.segments.len() - 2]
                .ident
                .to_string()
                .ends_with("Guard")
            && let Some(t) = args.first().and_then(|a| self.ty_of(a))
            && let [lock] = self
                .index
                .structs
                .get(t.strukt)
                .map_or(&[][..], |s| &s.locks[..])
        {
            let binding = self.binding_for(whole);
            self.acquire(lock.key.clone(), span::of_call(c), binding, false);
        }
        // `stats_lock(s)` / `stats_unlock(guard)`: the functions `invc gen` makes for
        // `acquire`/`release` helper macros take the lock's guard and consume it.
        if let Some((key, acquire)) = self.index.lock_helpers.get(&name) {
            if *acquire {
                let (key, binding) = (key.clone(), self.binding_for(whole));
                self.acquire(key, span::of_call(c), binding, false);
            } else if let Some(Expr::Path(p)) = args.first().map(|a| strip_parens(a))
                && let Some(ident) = p.path.get_ident()
            {
                self.release_binding(&ident.to_string());
            }
        }
        // `rtnl()`: the function `invc gen` makes for a global lock takes it and returns
        // its guard (the lock's own C acquire function is a raw call, handled above).
        if args.is_empty()
            && let Some(info) = self.index.globals.get(&name)
        {
            let key = info.key.clone();
            let binding = self.binding_for(whole);
            self.acquire(key, span::of_call(c), binding, false);
        }
    }

    /// A method call: guards taken through the wrapper, and spec functions called as methods.
    pub fn method_call(&mut self, whole: &Expr, m: &ExprMethodCall) {
        self.with_use(Use::Read, |w| w.visit_expr(&m.receiver));
        for arg in &m.args {
            self.with_use(Use::Read, |w| w.visit_expr(arg));
        }
        let method = m.method.to_string();
        if let Some(lock) = self.guard_lock(&m.receiver, &method) {
            let binding = self.binding_for(whole);
            self.acquire(lock, m.method.span(), binding, false);
            return;
        }
        if self.index.functions.contains_key(&method) {
            let args: Vec<&Expr> = m.args.iter().collect();
            self.call_rules(whole, &method, &args, m.method.span());
        }
    }

    /// A macro: `addr_of!` and friends, container and list macros; arguments are visited.
    pub fn mac(&mut self, mac: &syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let Some(args) = macro_args(mac) else {
            return;
        };
        let usage = match name.as_str() {
            "addr_of" | "addr_of_mut" => Use::Addr,
            "READ_ONCE" | "WRITE_ONCE" => Use::Volatile,
            _ => Use::Read,
        };
        let first = args.first();
        for (i, arg) in args.iter().enumerate() {
            // `WRITE_ONCE!(place, value)`: only the place is accessed untorn.
            let usage = if name == "WRITE_ONCE" && i > 0 {
                Use::Read
            } else {
                usage
            };
            self.with_use(usage, |w| w.visit_expr(arg));
        }
        let args: Vec<&Expr> = args.iter().collect();
        let span = mac.path.span();
        match name.as_str() {
            "container_of" | "offset_of" | "span_of" => self.container_of(&name, &args, span),
            _ => self.call_rules(
                first.unwrap_or(&Expr::Verbatim(Default::default())),
                &name,
                &args,
                span,
            ),
        }
    }

    /// The variable a guard-taking expression is bound to, if it is a `let` initializer.
    fn binding_for(&self, e: &Expr) -> Option<String> {
        match &self.let_binding {
            Some((init, name)) if std::ptr::eq(*init, e) && name != "_" => Some(name.clone()),
            _ => None,
        }
    }

    /// The rules of a call to `name` with `args`.
    fn call_rules(&mut self, whole: &Expr, name: &str, args: &[&Expr], span: proc_macro2::Span) {
        // The spec'd fields the arguments mention matter only to the rules on the kernel
        // functions below; finding them walks the arguments again, so only for those.
        let needs_mentions = LOCK_FNS.iter().any(|(n, ..)| *n == name)
            || DMA_FNS.contains(&name)
            || FREE_FNS.contains(&name)
            || REFCOUNT_FNS.contains(&name)
            || LIST_FNS.contains(&name);
        let mentions: Vec<Mention<'i>> = match needs_mentions {
            true => args.iter().flat_map(|a| self.mentions(a)).collect(),
            false => Vec::new(),
        };
        match name {
            "drop" => {
                if let Some(Expr::Path(p)) = args.first().map(|a| strip_parens(a))
                    && let Some(ident) = p.path.get_ident()
                {
                    self.release_binding(&ident.to_string());
                }
            }
            "rcu_read_lock" => {
                let held = Held {
                    what: HeldWhat::Rcu,
                    binding: self.binding_for(whole),
                };
                match held.binding {
                    Some(_) => self.hold(held),
                    None => self.f.raw_held.push(held),
                }
            }
            "rcu_read_unlock" => {
                if let Some(i) = self
                    .f
                    .raw_held
                    .iter()
                    .rposition(|h| matches!(h.what, HeldWhat::Rcu))
                {
                    self.f.raw_held.remove(i);
                }
            }
            "synchronize_rcu" | "synchronize_rcu_expedited" | "synchronize_net" => {
                self.f.grace = true
            }
            _ => {}
        }
        if let Some(&(_, acquires, mode)) = LOCK_FNS.iter().find(|(n, ..)| *n == name) {
            self.raw_lock_call(name, acquires, Some(mode), args, &mentions, span);
        } else if let Some((info, acquires)) = self.index.custom_lock_fn(name) {
            let key = info.key.clone();
            self.raw_lock_report(name, info, None, span);
            self.raw_lock_effect(key, acquires, span);
        }
        let first = |pred: fn(&FieldRole) -> bool| mentions.iter().find(|m| pred(m.role));
        if DMA_FNS.contains(&name) || FREE_FNS.contains(&name) {
            if let Some(m) = first(|r| matches!(r, FieldRole::Dma { .. })) {
                let FieldRole::Dma {
                    buffer,
                    coherent,
                    span: spec,
                } = m.role
                else {
                    unreachable!()
                };
                let kind = if *coherent { "coherent" } else { "streaming" };
                let message = format!(
                    "raw `{name}` of DMA buffer `{}.{buffer}` ({kind}); release it through the wrapper's ownership typestate",
                    m.strukt
                );
                self.report(
                    Rule::DmaBypass,
                    span,
                    message,
                    "raw DMA release",
                    Some(*spec),
                );
            }
        }
        if FREE_FNS.contains(&name) && !self.f.grace {
            let field = first(|r| matches!(r, FieldRole::Rcu { .. }))
                .map(|m| (format!("`{}.{}`", m.strukt, m.field), m.role));
            let local = args.iter().find_map(|a| {
                let mut idents = IdentFinder::default();
                idents.visit_expr(a);
                idents.0.into_iter().find(|n| self.f.rcu_locals.contains(n))
            });
            let spec = field.as_ref().and_then(|(_, r)| match r {
                FieldRole::Rcu { span, .. } => Some(*span),
                _ => None,
            });
            if let Some(what) = field
                .map(|(w, _)| w)
                .or(local.map(|l| format!("`{l}` (read from an RCU pointer)")))
            {
                let message = format!(
                    "{what} freed with raw `{name}` without a grace period; call `synchronize_rcu()` first or free it with `call_rcu`/`kfree_rcu`"
                );
                self.report(
                    Rule::RcuFree,
                    span,
                    message,
                    "freed without a grace period",
                    spec,
                );
            }
        }
        if REFCOUNT_FNS.contains(&name)
            && let Some(m) = first(|r| matches!(r, FieldRole::Refcount(_)))
        {
            let FieldRole::Refcount(spec) = m.role else {
                unreachable!()
            };
            let message = format!(
                "raw `{name}` on refcount `{}.{}`; use the wrapper's owned reference (clone = get, drop = put)",
                m.strukt, m.field
            );
            self.report(
                Rule::RawRefcount,
                span,
                message,
                "raw refcount call",
                Some(*spec),
            );
        }
        if LIST_FNS.contains(&name)
            && let Some(m) = first(|r| matches!(r, FieldRole::List(_)))
        {
            let FieldRole::List(spec) = m.role else {
                unreachable!()
            };
            let message = format!(
                "raw `{name}` over list `{}.{}`; use the wrapper's typed iterator",
                m.strukt, m.field
            );
            self.report(
                Rule::RawListWalk,
                span,
                message,
                "raw list walk",
                Some(*spec),
            );
        } else if name == "container_of" || name == "list_entry" {
            self.container_of(name, args, span);
        }
        if let Some(rules) = self.index.functions.get(name) {
            for req in &rules.requires {
                if !self.holds(req) {
                    let message =
                        format!("`{name}` requires `{req}` held, but no guard of it is in scope");
                    self.report(
                        Rule::MissingLock,
                        span,
                        message,
                        "lock not held",
                        Some(rules.span),
                    );
                }
            }
            if rules.may_sleep
                && let Some(atomic) = self.atomic()
            {
                let message = format!("`{name}` may sleep, but {}", atomic.why);
                self.report(
                    Rule::SleepInAtomic,
                    span,
                    message,
                    "may sleep",
                    atomic.spec.or(Some(rules.span)),
                );
            }
        } else if SLEEPING_FNS.contains(&name)
            && let Some(atomic) = self.atomic()
        {
            let message = format!("`{name}` may sleep, but {}", atomic.why);
            self.report(Rule::SleepInAtomic, span, message, "may sleep", atomic.spec);
        }
    }

    /// `container_of!(ptr, T, member)` / `offset_of!(T, member)` on a spec relation.
    fn container_of(&mut self, name: &str, args: &[&Expr], span: proc_macro2::Span) {
        let (ty, member) = match name {
            "offset_of" | "span_of" => (args.first(), args.get(1)),
            _ => (args.get(1), args.get(2)),
        };
        let (Some(ty), Some(member)) = (
            ty.and_then(|t| type_name(t)),
            member.and_then(|m| type_name(m)),
        ) else {
            return;
        };
        let ty = self
            .names
            .named(&ty)
            .filter(|t| t.kind == Kind::Value)
            .map_or(ty, |t| t.strukt.to_owned());
        let member = crate::types::c_field_name(&member).to_owned();
        let Some(rel) = self.index.relations.get(&(ty.clone(), member.clone())) else {
            return;
        };
        if rel.list_link {
            let message = format!(
                "raw `{name}!` on `{ty}.{member}`, the link of a spec'd list; use the wrapper's typed iterator"
            );
            self.report(
                Rule::RawListWalk,
                span,
                message,
                "raw list walk",
                Some(rel.span),
            );
        } else {
            let message = format!(
                "raw `{name}!` for `{ty}.{member}`, an embedding the spec declares; use the wrapper's `from_{member}`"
            );
            self.report(
                Rule::RawContainerOf,
                span,
                message,
                "raw container_of arithmetic",
                Some(rel.span),
            );
        }
    }
}

/// Collects the single-identifier paths of an expression (the locals it uses).
#[derive(Default)]
struct IdentFinder(Vec<String>);

impl<'ast> Visit<'ast> for IdentFinder {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        if let Some(ident) = p.get_ident() {
            self.0.push(ident.to_string());
        }
    }
}
