//! Lock state from calls: raw lock and unlock calls (`raw-lock`), guards taken through the
//! wrappers, and the checks made whenever a lock is taken (`lock-order`, the sleeping-lock
//! part of `sleep-in-atomic`).

use crate::access::{Mention, macro_args};
use crate::index::{FieldRole, LockInfo, LockKey, Owner};
use crate::kernel_fns::{GENERIC_GUARD_METHODS, kind_name, kind_of_fn, mode_suffix};
use crate::rule::Rule;
use crate::types::Kind;
use crate::walk::{Held, HeldWhat, Walker, strip_unwrap};
use invc_spec_lang::ir::{LockKind, LockMode};
use syn::Expr;
use syn::visit::{self, Visit};

impl<'a, 'i> Walker<'a, 'i> {
    pub(crate) fn raw_lock_call(
        &mut self,
        name: &str,
        acquires: bool,
        mode: Option<LockMode>,
        args: &[&Expr],
        mentions: &[Mention<'i>],
        span: proc_macro2::Span,
    ) {
        let from_field = mentions.iter().find_map(|m| match m.role {
            FieldRole::Lock(key) => Some(key.clone()),
            _ => None,
        });
        let global = || {
            args.iter().find_map(|a| {
                let mut g = GlobalFinder {
                    names: &self.index.globals,
                    found: None,
                };
                g.visit_expr(a);
                g.found
            })
        };
        let Some(key) = from_field.or_else(global) else {
            return;
        };
        if let Some(info) = self.index.lock(&key) {
            self.raw_lock_report(name, info, mode, span);
        }
        self.raw_lock_effect(key, acquires, span);
    }

    pub(crate) fn raw_lock_report(
        &mut self,
        name: &str,
        info: &LockInfo,
        mode: Option<LockMode>,
        span: proc_macro2::Span,
    ) {
        let mut message = format!(
            "raw `{name}` on `{}`; take it through the wrapper's guard",
            info.key
        );
        let wrong_mode = mode.is_some_and(|m| m != info.mode && info.kind == LockKind::Spinlock);
        let wrong_kind = kind_of_fn(name).is_some_and(|k| k != info.kind);
        if wrong_mode || wrong_kind {
            message = format!(
                "raw `{name}` on `{}`, which the spec says is a {}{}; take it through the wrapper's guard",
                info.key,
                kind_name(info.kind),
                mode_suffix(info.mode)
            );
        }
        self.report(
            Rule::RawLock,
            span,
            message,
            "raw lock call",
            Some(info.span),
        );
    }

    pub(crate) fn raw_lock_effect(
        &mut self,
        key: LockKey,
        acquires: bool,
        span: proc_macro2::Span,
    ) {
        if acquires {
            self.acquire(key, span, None, true);
        } else if let Some(i) = self
            .f
            .raw_held
            .iter()
            .rposition(|h| matches!(&h.what, HeldWhat::Lock(k, _) if k.matches(&key)))
        {
            self.f.raw_held.remove(i);
        }
    }

    /// Takes a lock: `lock-order` and `sleep-in-atomic` against what is held, then holds it.
    pub(crate) fn acquire(
        &mut self,
        key: LockKey,
        span: proc_macro2::Span,
        binding: Option<String>,
        raw: bool,
    ) {
        let kind = self.index.lock(&key).map(|l| l.kind);
        if kind.is_some_and(LockKind::sleeps)
            && let Some(atomic) = self.atomic()
        {
            let message = format!("sleeping lock `{key}` taken, but {}", atomic.why);
            let spec = atomic.spec.or(self.index.lock(&key).map(|l| l.span));
            self.report(Rule::SleepInAtomic, span, message, "may sleep", spec);
        }
        let held: Vec<LockKey> = self
            .held()
            .filter_map(|h| match &h.what {
                HeldWhat::Lock(k, _) => Some(k.clone()),
                HeldWhat::Rcu => None,
            })
            .chain(self.f.requires.iter().cloned())
            .collect();
        for rule in &self.index.order {
            if rule.before.matches(&key)
                && let Some(h) = held.iter().find(|h| rule.after.matches(h))
            {
                let message = format!(
                    "`{key}` taken while `{h}` is held; the spec orders `{}` before `{}`",
                    rule.before, rule.after
                );
                self.report(
                    Rule::LockOrder,
                    span,
                    message,
                    "lock taken out of order",
                    Some(rule.span),
                );
            }
        }
        let held = Held {
            what: HeldWhat::Lock(key, kind),
            binding,
        };
        match raw {
            true => self.f.raw_held.push(held),
            false => self.hold(held),
        }
    }

    /// The lock a guard-taking wrapper method takes (`q.lock_irqsave()`), if it is one.
    pub(crate) fn guard_lock(&self, receiver: &Expr, method: &str) -> Option<LockKey> {
        let base = ["_irqsave", "_irq", "_bh", "_nested"]
            .iter()
            .find_map(|s| method.strip_suffix(s))
            .unwrap_or(method);
        let recv = self
            .ty_of(strip_unwrap(receiver))
            .filter(|t| t.kind == Kind::Wrapper);
        let names_lock = |lock: &str| {
            [
                lock.to_owned(),
                format!("lock_{lock}"),
                format!("{lock}_lock"),
                format!("read_{lock}"),
                format!("write_{lock}"),
                // What `invc gen` names the two sides of an rwlock, rw_semaphore or seqlock.
                format!("{lock}_read"),
                format!("{lock}_write"),
            ]
            .contains(&base.to_owned())
        };
        if let Some(t) = recv {
            let locks = &self.index.structs.get(t.strukt)?.locks;
            if let [only] = &locks[..]
                && GENERIC_GUARD_METHODS.contains(&base)
            {
                return Some(only.key.clone());
            }
            return locks
                .iter()
                .find(|l| names_lock(&l.key.name))
                .map(|l| l.key.clone());
        }
        // Unknown receiver: only a method that names one lock, never a generic `lock()`.
        if GENERIC_GUARD_METHODS.contains(&base) {
            return None;
        }
        let mut found = self
            .index
            .structs
            .values()
            .flat_map(|s| &s.locks)
            .filter(|l| names_lock(&l.key.name));
        let first = found.next()?;
        Some(match found.next() {
            None => first.key.clone(),
            Some(_) => LockKey {
                owner: Owner::Any,
                name: first.key.name.clone(),
            },
        })
    }
}

/// Finds a global lock named in a raw call's argument (`&raw mut bindings::rtnl_mutex`).
struct GlobalFinder<'g> {
    names: &'g std::collections::HashMap<String, LockInfo>,
    found: Option<LockKey>,
}

impl<'ast> Visit<'ast> for GlobalFinder<'_> {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        if let Some(info) = p
            .segments
            .last()
            .and_then(|s| self.names.get(&s.ident.to_string()))
        {
            self.found = Some(info.key.clone());
        }
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(args) = macro_args(mac) {
            args.iter().for_each(|a| self.visit_expr(a));
        }
    }
}
