//! The walk over one parsed Rust file: items, functions, blocks and expressions, with the
//! per-function state the rules need (which locals reach spec'd C structs, which locks and
//! RCU read sections are held, which `unsafe` blocks touch raw types).
//!
//! This module owns the state and the traversal; the rules on field accesses are in
//! `access`, those on calls in `calls`. State is lexical, not flow-sensitive: a guard bound
//! with `let` is held to the end of its block or to `drop(guard)`, a raw lock from its lock
//! call to its unlock call.

use crate::comments::Lines;
use crate::index::{LockKey, RuleIndex};
use crate::rule::{Finding, Rule};
use crate::span;
use crate::types::{FxHashMap, Kind, Names, Ty, with_ident};
use invc_spec_lang::ir::{Context, LockKind};
use invc_spec_lang::{FileId, Span};
use std::collections::HashSet;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

/// How the expression being visited is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// Read.
    Read,
    /// Assigned or mutably borrowed.
    Write,
    /// Only its address is taken (`&raw`, `addr_of!`).
    Addr,
    /// Read or written with `READ_ONCE`/`WRITE_ONCE`/volatile/atomic access.
    Volatile,
}

/// Something held: a lock or an RCU read section.
#[derive(Debug, Clone)]
pub(crate) enum HeldWhat {
    /// A lock, and its kind when the spec declares it.
    Lock(LockKey, Option<LockKind>),
    /// `rcu_read_lock()`.
    Rcu,
}

/// A held lock or read section, and the guard variable holding it.
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub what: HeldWhat,
    pub binding: Option<String>,
}

#[derive(Default)]
struct Scope<'i> {
    locals: FxHashMap<String, Option<Ty<'i>>>,
    held: Vec<Held>,
}

struct UnsafeFrame {
    touched: bool,
    documented: bool,
    span: proc_macro2::Span,
    is_fn: bool,
}

/// Why code runs in atomic context.
pub(crate) struct Atomic {
    pub why: String,
    pub spec: Option<Span>,
}

/// Per-function state.
#[derive(Default)]
pub(crate) struct FnState<'i> {
    /// The spec `fn` name it translates (its own name or `#[inv::translates]`).
    pub name: String,
    /// Its context, from the spec or `#[inv::context]`, with the spec item.
    pub context: Option<(Context, Option<Span>)>,
    /// Locks its spec says callers hold.
    pub requires: Vec<LockKey>,
    scopes: Vec<Scope<'i>>,
    /// Locks taken by raw calls and RCU sections opened by raw `rcu_read_lock()`.
    pub raw_held: Vec<Held>,
    unsafe_frames: Vec<UnsafeFrame>,
    /// Locals holding a value read from an `rcu` field.
    pub rcu_locals: HashSet<String>,
    /// Whether `synchronize_rcu()` was called so far.
    pub grace: bool,
}

/// The walk over one file.
pub(crate) struct Walker<'a, 'i> {
    pub names: &'a Names<'i>,
    pub index: &'i RuleIndex,
    pub file: FileId,
    pub lines: &'a Lines<'a>,
    pub findings: Vec<Finding>,
    /// (first line, last line) of every item and statement, for suppressions.
    pub extents: Vec<(usize, usize)>,
    pub f: FnState<'i>,
    pub usage: Use,
    /// The `let` initializer being visited and the variable it binds.
    pub let_binding: Option<(*const Expr, String)>,
    impl_ty: Option<Ty<'i>>,
    stmt_line: usize,
}

impl<'a, 'i> Walker<'a, 'i> {
    pub fn new(names: &'a Names<'i>, file: FileId, lines: &'a Lines<'a>) -> Walker<'a, 'i> {
        let mut f = FnState::default();
        f.scopes.push(Scope::default());
        Walker {
            names,
            index: names.index(),
            file,
            lines,
            findings: Vec::new(),
            extents: Vec::new(),
            f,
            usage: Use::Read,
            let_binding: None,
            impl_ty: None,
            stmt_line: 0,
        }
    }

    /// Records a finding at a Rust span.
    pub fn report(
        &mut self,
        rule: Rule,
        at: proc_macro2::Span,
        message: String,
        label: &str,
        spec: Option<Span>,
    ) {
        let range = at.byte_range();
        self.findings.push(Finding {
            rule,
            message,
            label: label.to_owned(),
            file: self.file,
            start: range.start as u32,
            end: range.end as u32,
            spec,
        });
    }

    /// Visits with another use, restoring the current one after.
    pub fn with_use(&mut self, usage: Use, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.usage, usage);
        f(self);
        self.usage = saved;
    }

    /// The type a local variable reaches, if any.
    pub fn local(&self, name: &str) -> Option<Ty<'i>> {
        for scope in self.f.scopes.iter().rev() {
            if let Some(ty) = scope.locals.get(name) {
                return *ty;
            }
        }
        None
    }

    pub fn bind(&mut self, name: String, ty: Option<Ty<'i>>) {
        if let Some(scope) = self.f.scopes.last_mut() {
            scope.locals.insert(name, ty);
        }
    }

    /// Binds every identifier of a pattern; `ty` goes to a plain `x` or `x: T` pattern.
    fn bind_pat(&mut self, pat: &Pat, ty: Option<Ty<'i>>) {
        match pat {
            Pat::Ident(p) => self.bind(p.ident.to_string(), ty),
            Pat::Type(t) => {
                let ty = self.names.of_type(&t.ty).or(ty);
                self.bind_pat(&t.pat, ty)
            }
            Pat::Reference(r) => self.bind_pat(&r.pat, None),
            Pat::Tuple(t) => t.elems.iter().for_each(|p| self.bind_pat(p, None)),
            Pat::TupleStruct(t) => t.elems.iter().for_each(|p| self.bind_pat(p, None)),
            Pat::Struct(s) => s.fields.iter().for_each(|f| self.bind_pat(&f.pat, None)),
            Pat::Slice(s) => s.elems.iter().for_each(|p| self.bind_pat(p, None)),
            Pat::Or(o) => o.cases.iter().for_each(|p| self.bind_pat(p, None)),
            _ => {}
        }
    }

    /// Pushes something held into the current block.
    pub fn hold(&mut self, held: Held) {
        if let Some(scope) = self.f.scopes.last_mut() {
            scope.held.push(held);
        }
    }

    /// Everything held now: guards in scope, raw locks, RCU sections.
    pub fn held(&self) -> impl Iterator<Item = &Held> {
        self.f
            .scopes
            .iter()
            .flat_map(|s| &s.held)
            .chain(&self.f.raw_held)
    }

    /// Whether a lock matching `key` is held, or required by the function's spec.
    pub fn holds(&self, key: &LockKey) -> bool {
        self.f.requires.iter().any(|r| r.matches(key))
            || self
                .held()
                .any(|h| matches!(&h.what, HeldWhat::Lock(k, _) if k.matches(key)))
    }

    /// Whether an RCU read section is open.
    pub fn in_rcu_section(&self) -> bool {
        self.held().any(|h| matches!(h.what, HeldWhat::Rcu))
    }

    /// Releases the guard bound to `name` (`drop(name)`).
    pub fn release_binding(&mut self, name: &str) {
        for scope in self.f.scopes.iter_mut().rev() {
            if let Some(i) = scope
                .held
                .iter()
                .rposition(|h| h.binding.as_deref() == Some(name))
            {
                scope.held.remove(i);
                return;
            }
        }
    }

    /// Why the code here runs in atomic context, if it does.
    pub fn atomic(&self) -> Option<Atomic> {
        if let Some((ctx, spec)) = self.f.context
            && ctx.is_atomic()
        {
            let ctx = match ctx {
                Context::Hardirq => "hardirq",
                Context::Softirq => "softirq",
                _ => "atomic",
            };
            return Some(Atomic {
                why: format!("`{}` runs in {ctx} context", self.f.name),
                spec,
            });
        }
        self.held().find_map(|h| match &h.what {
            HeldWhat::Lock(key, Some(kind)) if !kind.sleeps() => Some(Atomic {
                why: format!("spinning lock `{key}` is held"),
                spec: self.index.lock(key).map(|l| l.span),
            }),
            _ => None,
        })
    }

    /// Marks every open `unsafe` block as touching spec'd raw types.
    pub fn touch_unsafe(&mut self) {
        for frame in &mut self.f.unsafe_frames {
            frame.touched = true;
        }
    }

    fn pop_unsafe(&mut self) {
        let Some(frame) = self.f.unsafe_frames.pop() else {
            return;
        };
        if frame.touched && !frame.documented {
            let (what, hint) = match frame.is_fn {
                true => (
                    "`unsafe fn`",
                    "a `# Safety` doc section or `// SAFETY:` comment",
                ),
                false => ("`unsafe` block", "a `// SAFETY:` comment"),
            };
            self.report(
                Rule::UnsafeUndocumented,
                frame.span,
                format!("{what} touches spec'd C structs without {hint}"),
                "no SAFETY comment",
                None,
            );
        }
    }

    fn line_of(span: proc_macro2::Span) -> usize {
        span.start().line
    }

    fn extent(&mut self, lines: (usize, usize)) {
        self.extents.push(lines);
    }

    /// Walks a function: its own state, its parameters, its spec tie.
    fn function(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature, block: &syn::Block) {
        let mut state = FnState::<'i>::default();
        state.scopes.push(Scope::default());
        let saved = std::mem::replace(&mut self.f, state);
        self.tie_to_spec(attrs, sig);
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(r) => {
                    let ty = self.impl_ty.map(|t| match (t.kind, r.reference.is_some()) {
                        (Kind::Value, true) => t.with(Kind::Ref),
                        _ => t,
                    });
                    self.bind("self".to_owned(), ty);
                }
                syn::FnArg::Typed(t) => {
                    let ty = self.names.of_type(&t.ty);
                    self.bind_pat(&t.pat, ty);
                }
            }
        }
        if let Some(unsafety) = sig.unsafety {
            let line = Self::line_of(unsafety.span);
            let documented = has_safety_doc(attrs)
                || self.lines.has_safety_comment(line)
                || self
                    .lines
                    .has_safety_comment(Self::line_of(sig.fn_token.span));
            self.f.unsafe_frames.push(UnsafeFrame {
                touched: sig.inputs.iter().any(|i| match i {
                    syn::FnArg::Typed(t) => self.names.of_type(&t.ty).is_some_and(|t| t.is_raw()),
                    syn::FnArg::Receiver(_) => false,
                }),
                documented,
                span: unsafety.span,
                is_fn: true,
            });
            self.visit_block(block);
            self.pop_unsafe();
        } else {
            self.visit_block(block);
        }
        self.f = saved;
    }

    fn tie_to_spec(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature) {
        let mut name = sig.ident.to_string();
        let mut context = None;
        for attr in attrs {
            let Some(last) = attr.path().segments.last() else {
                continue;
            };
            let arg = attr
                .parse_args::<syn::Path>()
                .ok()
                .and_then(|p| p.segments.last().map(|s| s.ident.to_string()));
            match (last.ident.to_string().as_str(), arg) {
                ("translates", Some(c_name)) => name = c_name,
                ("context", Some(ctx)) => {
                    context = Context::ALL
                        .iter()
                        .find(|(n, _)| *n == ctx)
                        .map(|(_, c)| *c);
                }
                _ => {}
            }
        }
        if let Some(rules) = self.index.functions.get(&name) {
            self.f.requires = rules.requires.clone();
            self.f.context = rules.context.map(|c| (c, Some(rules.span)));
        }
        if let Some(c) = context {
            self.f.context = Some((c, None));
        }
        self.f.name = name;
    }
}

fn has_safety_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc")
            && matches!(&a.meta, syn::Meta::NameValue(nv)
                if matches!(&nv.value, Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })
                    if s.value().contains("# Safety")))
    })
}

impl<'ast, 'a, 'i> Visit<'ast> for Walker<'a, 'i> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        self.extent(span::item_lines(item));
        visit::visit_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        self.extent(span::impl_item_lines(item));
        visit::visit_impl_item(self, item);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.attrs, &f.sig, &f.block);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.attrs, &f.sig, &f.block);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.function(&f.attrs, &f.sig, block);
        }
    }

    fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
        let saved = self.impl_ty.take();
        self.impl_ty = self.names.of_type(&imp.self_ty);
        visit::visit_item_impl(self, imp);
        self.impl_ty = saved;
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        let lines = span::stmt_lines(stmt);
        self.extent(lines);
        let saved = self.stmt_line;
        self.stmt_line = lines.0;
        let depth = self.f.scopes.len();
        let before = self.f.scopes.last().map_or(0, |s| s.held.len());
        visit::visit_stmt(self, stmt);
        // A guard bound to no variable is a temporary (`q.lock().num_free()`): Rust drops it
        // at the end of the statement, so the lock is not held after it.
        if self.f.scopes.len() == depth
            && let Some(scope) = self.f.scopes.last_mut()
            && scope.held.len() > before
        {
            let mut i = before;
            while i < scope.held.len() {
                if scope.held[i].binding.is_none() {
                    scope.held.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        self.stmt_line = saved;
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.f.scopes.push(Scope::default());
        visit::visit_block(self, block);
        self.f.scopes.pop();
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        for attr in &local.attrs {
            self.visit_attribute(attr);
        }
        let mut ty = None;
        if let Some(init) = &local.init {
            let name = match &local.pat {
                Pat::Ident(p) => Some(p.ident.to_string()),
                Pat::Type(t) => match &*t.pat {
                    Pat::Ident(p) => Some(p.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            let saved = self.let_binding.take();
            if let Some(name) = &name {
                self.let_binding = Some((strip_unwrap(&init.expr) as *const Expr, name.clone()));
                if self.reads_rcu_field(&init.expr) {
                    self.f.rcu_locals.insert(name.clone());
                }
            }
            self.with_use(Use::Read, |w| w.visit_expr(&init.expr));
            self.let_binding = saved;
            ty = self.ty_of(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.visit_pat(&local.pat);
        self.bind_pat(&local.pat, ty);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.f.scopes.push(Scope::default());
        for input in &c.inputs {
            self.bind_pat(input, None);
        }
        self.with_use(Use::Read, |w| w.visit_expr(&c.body));
        self.f.scopes.pop();
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.with_use(Use::Read, |w| w.visit_expr(&f.expr));
        self.f.scopes.push(Scope::default());
        self.bind_pat(&f.pat, None);
        self.visit_block(&f.body);
        self.f.scopes.pop();
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Field(f) => {
                self.field_access(f);
                let usage = self.usage;
                self.with_use(usage, |w| w.visit_expr(&f.base));
            }
            Expr::Assign(a) => {
                self.rcu_store(&a.left, &a.right);
                self.with_use(Use::Write, |w| w.visit_expr(&a.left));
                self.with_use(Use::Read, |w| w.visit_expr(&a.right));
            }
            Expr::Binary(b) if is_compound_assign(&b.op) => {
                self.with_use(Use::Write, |w| w.visit_expr(&b.left));
                self.with_use(Use::Read, |w| w.visit_expr(&b.right));
            }
            Expr::Reference(r) => {
                let usage = if r.mutability.is_some() {
                    Use::Write
                } else {
                    Use::Read
                };
                self.with_use(usage, |w| w.visit_expr(&r.expr));
            }
            Expr::RawAddr(r) => self.with_use(Use::Addr, |w| w.visit_expr(&r.expr)),
            Expr::Paren(p) => {
                let usage = self.usage;
                self.with_use(usage, |w| w.visit_expr(&p.expr));
            }
            Expr::Index(i) => {
                let usage = self.usage;
                self.with_use(usage, |w| w.visit_expr(&i.expr));
                self.with_use(Use::Read, |w| w.visit_expr(&i.index));
            }
            Expr::Call(c) => self.call(e, c),
            Expr::MethodCall(m) => self.method_call(e, m),
            Expr::Unsafe(u) => {
                let line = Self::line_of(u.unsafe_token.span);
                let documented = self.lines.has_safety_comment(line)
                    || self.lines.has_safety_comment(self.stmt_line);
                self.f.unsafe_frames.push(UnsafeFrame {
                    touched: false,
                    documented,
                    span: u.unsafe_token.span,
                    is_fn: false,
                });
                self.with_use(Use::Read, |w| w.visit_block(&u.block));
                self.pop_unsafe();
            }
            _ => self.with_use(Use::Read, |w| visit::visit_expr(w, e)),
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.mac(mac);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // A path only matters here for marking open `unsafe` blocks as touching raw types,
        // so skip the name lookups when there is none left to mark.
        if self.f.unsafe_frames.iter().all(|frame| frame.touched) {
            visit::visit_path(self, path);
            return;
        }
        let raw_type = self.names.of_path(path).is_some_and(|t| t.is_raw());
        let raw_local = path
            .get_ident()
            .and_then(|i| with_ident(i, |i| self.local(i)))
            .is_some_and(|t| t.is_raw());
        if raw_type || raw_local {
            self.touch_unsafe();
        }
        visit::visit_path(self, path);
    }
}

fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// `e?`, `e.unwrap()`, `e.expect(..)`, `(e)`: the expression a guard binding really holds.
pub(crate) fn strip_unwrap(e: &Expr) -> &Expr {
    match e {
        Expr::Try(t) => strip_unwrap(&t.expr),
        Expr::Paren(p) => strip_unwrap(&p.expr),
        Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
            strip_unwrap(&m.receiver)
        }
        _ => e,
    }
}
