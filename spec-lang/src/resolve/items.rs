//! Lowering the items other than structs: newtypes, locks, macros, ops tables, functions and
//! lock order.

use super::Resolver;
use super::expr::Scope;
use super::structs::ctype;
use crate::ast::{self, ExprKind, FnClause, MacroArg};
use crate::diagnostic::{Code, Diagnostic, suggest};
use crate::ir;
use crate::span::Span;
use rustc_hash::FxHashMap;

impl Resolver<'_> {
    pub(super) fn lower_newtype(
        &mut self,
        n: &ast::Newtype,
        docs: Vec<String>,
        span: Span,
    ) -> Option<ir::Newtype> {
        if self.names.newtypes.get(n.name.name) != Some(&n.name.span) {
            return None; // a duplicate, reported in pass 1
        }
        let base = ir::IntType::ALL
            .iter()
            .find(|(name, _)| *name == n.base.name)
            .map(|(_, t)| *t);
        if base.is_none() {
            let names = ir::IntType::ALL.iter().map(|(name, _)| *name);
            let mut d = Diagnostic::error(
                Code::InvalidBaseType,
                n.base.span,
                format!("a newtype wraps an integer type, not `{}`", n.base.name),
            )
            .with_label("not an integer type");
            d = d.with_suggestion(n.base.name, names);
            d = d.with_note(
                "the integer types are u8, u16, u32, u64, usize, i8, i16, i32, i64 and isize",
            );
            self.error(d);
        }
        let constraint = match &n.constraint {
            Some(c) => Some(self.lower_invariant(c, &Scope::Newtype, &[], Vec::new(), c.span)?),
            None => None,
        };
        Some(ir::Newtype {
            name: n.name.name.to_owned(),
            base: base?,
            constraint,
            docs,
            span,
        })
    }

    pub(super) fn lower_lock(
        &mut self,
        l: &ast::LockSpec,
        docs: Vec<String>,
        span: Span,
    ) -> Option<ir::Lock> {
        let kind = self.keyword(
            &l.kind,
            ir::LockKind::ALL,
            Code::InvalidLockKind,
            "lock kind",
        );
        let mut mode = ir::LockMode::Plain;
        let mut mode_word: Option<&ast::Ident> = None;
        let mut ok = kind.is_some();
        for word in &l.modes {
            let Some(m) = self.keyword(
                word,
                ir::LockMode::WRITTEN,
                Code::InvalidLockKind,
                "lock mode",
            ) else {
                ok = false;
                continue;
            };
            if let Some(first) = mode_word {
                self.error(
                    Diagnostic::error(
                        Code::InvalidLockKind,
                        word.span,
                        format!("lock `{}` is given two modes", l.name.name),
                    )
                    .with_label("second mode")
                    .with_secondary(first.span, "first mode")
                    .with_note("a lock is always taken one way: `irq`, `irqsave` or `bh`"),
                );
                ok = false;
                continue;
            }
            mode_word = Some(word);
            mode = m;
        }
        if let (Some(k), Some(word)) = (kind, mode_word)
            && k.sleeps()
        {
            self.error(
                Diagnostic::error(
                    Code::InvalidLockKind,
                    word.span,
                    format!("a {} cannot be taken with `{}`", l.kind.name, word.name),
                )
                .with_label("not a mode of a sleeping lock")
                .with_note(format!(
                    "a {} sleeps, so it is never taken with interrupts or bottom halves off",
                    l.kind.name
                )),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(ir::Lock {
            name: l.name.name.to_owned(),
            kind: kind?,
            mode,
            acquire: l.acquire.as_ref().map(|a| a.name.to_owned()),
            release: l.release.as_ref().map(|r| r.name.to_owned()),
            docs,
            span,
        })
    }

    /// Reports parameters named twice; returns the names.
    fn params(&mut self, params: &[ast::Ident], of: &str) -> Vec<String> {
        // Functions have a handful of parameters: a scan of the earlier ones beats hashing.
        for (i, p) in params.iter().enumerate() {
            if let Some(first) = params[..i]
                .iter()
                .find(|q| q.name == p.name)
                .map(|q| q.span)
            {
                self.error(
                    Diagnostic::error(
                        Code::DuplicateParameter,
                        p.span,
                        format!("parameter `{}` of `{of}` is named twice", p.name),
                    )
                    .with_label("named again here")
                    .with_secondary(first, "first named here"),
                );
            }
        }
        params.iter().map(|p| p.name.to_owned()).collect()
    }

    pub(super) fn lower_macro(
        &mut self,
        m: &ast::Macro,
        docs: Vec<String>,
        span: Span,
    ) -> Option<ir::Macro> {
        let params = self.params(&m.params, m.name.name);
        let contract = self.macro_contract(m, &params)?;
        Some(ir::Macro {
            name: m.name.name.to_owned(),
            params,
            contract,
            docs,
            span,
        })
    }

    fn macro_contract(&mut self, m: &ast::Macro, params: &[String]) -> Option<ir::MacroContract> {
        const CONTRACTS: &[(&str, &str)] = &[
            ("container_of", "container_of(param, struct PARENT, member)"),
            ("READ_ONCE", "READ_ONCE(param.field)"),
            ("WRITE_ONCE", "WRITE_ONCE(param.field, param)"),
            ("acquire", "acquire(param.lock)"),
            ("release", "release(param.lock)"),
        ];
        let callee = m.callee.name;
        let Some(&(_, shape)) = CONTRACTS.iter().find(|(n, _)| *n == callee) else {
            let mut d = Diagnostic::error(
                Code::UnknownMacroContract,
                m.callee.span,
                format!("`{callee}` is not a macro contract invc knows"),
            )
            .with_label("unknown contract");
            d = d.with_suggestion(callee, CONTRACTS.iter().map(|c| c.0));
            d = d.with_note(format!(
                "the contracts are {}",
                CONTRACTS
                    .iter()
                    .map(|c| format!("`{}`", c.1))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            self.error(d);
            return None;
        };
        let malformed = |this: &mut Self, at: Span, why: &str| {
            this.error(
                Diagnostic::error(
                    Code::MalformedMacroContract,
                    at,
                    format!("malformed `{callee}` contract"),
                )
                .with_label(why.to_owned())
                .with_help(format!("write `{shape}`")),
            );
        };
        // A path argument whose first segment is a parameter of the macro.
        let param_path = |this: &mut Self, arg: &MacroArg, max_len: usize| -> Option<Vec<String>> {
            let path = match arg {
                MacroArg::Expr(ast::Expr {
                    kind: ExprKind::Path(p),
                    ..
                }) => p,
                MacroArg::Expr(e) => {
                    malformed(this, e.span, "expected a parameter or `param.field`");
                    return None;
                }
                MacroArg::Type(t) => {
                    malformed(this, t.span, "a type is not expected here");
                    return None;
                }
            };
            if path.segments.len() > max_len {
                malformed(this, path.span, "expected a parameter");
                return None;
            }
            if max_len > 1 && path.segments.len() < 2 {
                malformed(this, path.span, "expected `param.field`");
                return None;
            }
            if !params.iter().any(|p| *p == path.segments[0].name) {
                malformed(
                    this,
                    path.segments[0].span,
                    &format!(
                        "`{}` is not a parameter of the macro",
                        path.segments[0].name
                    ),
                );
                return None;
            }
            Some(path.segments.iter().map(|s| s.name.to_owned()).collect())
        };
        let arity = match callee {
            "container_of" => 3,
            "WRITE_ONCE" => 2,
            _ => 1,
        };
        if m.args.len() != arity {
            let at = m.args.get(arity).map_or(m.callee.span, arg_span);
            malformed(
                self,
                at,
                &format!(
                    "`{callee}` takes {arity} argument{}",
                    if arity == 1 { "" } else { "s" }
                ),
            );
            return None;
        }
        match callee {
            "container_of" => {
                let ptr = param_path(self, &m.args[0], 1);
                let parent = match &m.args[1] {
                    MacroArg::Type(t) => Some(ctype(t)),
                    MacroArg::Expr(e) => {
                        malformed(self, e.span, "expected `struct PARENT`");
                        None
                    }
                };
                let member = match &m.args[2] {
                    MacroArg::Expr(ast::Expr {
                        kind: ExprKind::Path(p),
                        ..
                    }) if p.segments.len() == 1 => Some(p.segments[0].name.to_owned()),
                    other => {
                        malformed(self, arg_span(other), "expected the member's name");
                        None
                    }
                };
                let (ptr, parent, member) = (ptr?, parent?, member?);
                let declared_embeds = self
                    .names
                    .structs
                    .get(parent.name.as_str())
                    .is_some_and(|s| s.embeds.contains(&member.as_str()));
                Some(ir::MacroContract::ContainerOf {
                    ptr: ptr[0].clone(),
                    parent,
                    member,
                    declared_embeds,
                })
            }
            "READ_ONCE" => Some(ir::MacroContract::ReadOnce {
                place: param_path(self, &m.args[0], usize::MAX)?,
            }),
            "WRITE_ONCE" => {
                let place = param_path(self, &m.args[0], usize::MAX);
                let value = param_path(self, &m.args[1], 1);
                Some(ir::MacroContract::WriteOnce {
                    place: place?,
                    value: value?.remove(0),
                })
            }
            _ => {
                let MacroArg::Expr(ast::Expr {
                    kind: ExprKind::Path(path),
                    ..
                }) = &m.args[0]
                else {
                    malformed(
                        self,
                        arg_span(&m.args[0]),
                        "expected `param.lock` or a global lock",
                    );
                    return None;
                };
                let lock = self.required_lock(path, &m.params, m.name.name)?;
                Some(if callee == "acquire" {
                    ir::MacroContract::Acquire { lock }
                } else {
                    ir::MacroContract::Release { lock }
                })
            }
        }
    }

    pub(super) fn lower_ops(&mut self, o: &ast::Ops, docs: Vec<String>, span: Span) -> ir::Ops {
        let mut seen: FxHashMap<&str, Span> = FxHashMap::default();
        let mut members = Vec::new();
        for m in o.members.iter().filter(|m| !m.is_error) {
            if let Some(&first) = seen.get(m.name.name) {
                self.error(
                    Diagnostic::error(
                        Code::DuplicateMember,
                        m.name.span,
                        format!(
                            "`{}` is declared twice in ops struct `{}`",
                            m.name.name, o.name.name
                        ),
                    )
                    .with_label("declared again here")
                    .with_secondary(first, "first declared here"),
                );
                continue;
            }
            seen.insert(m.name.name, m.name.span);
            let params = self.params(&m.params, m.name.name);
            let returns = match &m.returns {
                None => ir::Returns::Unit,
                Some(r) if r.name == "errno" => ir::Returns::Errno,
                Some(r) => ir::Returns::Value {
                    ty: r.name.to_owned(),
                },
            };
            let context = m
                .context
                .as_ref()
                .and_then(|c| self.keyword(c, ir::Context::ALL, Code::UnknownContext, "context"));
            members.push(ir::OpsMember {
                name: m.name.name.to_owned(),
                params,
                returns,
                context,
                docs: m.docs.iter().map(|d| d.text.to_owned()).collect(),
                span: m.span,
            });
        }
        ir::Ops {
            name: o.name.name.to_owned(),
            members,
            docs,
            span,
        }
    }

    pub(super) fn lower_fn(
        &mut self,
        f: &ast::FnDecl,
        docs: Vec<String>,
        span: Span,
    ) -> ir::Function {
        let params = self.params(&f.params, f.name.name);
        let mut out = ir::Function {
            name: f.name.name.to_owned(),
            params,
            context: None,
            may_sleep: false,
            requires: Vec::new(),
            docs,
            span,
        };
        let mut context_word: Option<&ast::Ident> = None;
        let mut may_sleep_span: Option<Span> = None;
        for clause in &f.clauses {
            match clause {
                FnClause::Context(word) => {
                    if let Some(first) = context_word {
                        self.error(
                            Diagnostic::error(
                                Code::ConflictingClauses,
                                word.span,
                                format!("`{}` has two `context` clauses", f.name.name),
                            )
                            .with_label("second context")
                            .with_secondary(first.span, "first context"),
                        );
                        continue;
                    }
                    context_word = Some(word);
                    out.context =
                        self.keyword(word, ir::Context::ALL, Code::UnknownContext, "context");
                }
                FnClause::MaySleep(at) => {
                    if let Some(first) = may_sleep_span {
                        self.error(
                            Diagnostic::error(
                                Code::ConflictingClauses,
                                *at,
                                "`may_sleep` is given twice",
                            )
                            .with_label("again here")
                            .with_secondary(first, "first here"),
                        );
                    }
                    may_sleep_span = Some(*at);
                    out.may_sleep = true;
                }
                FnClause::Requires(paths) => {
                    for path in paths {
                        let Some(r) = self.required_lock(path, &f.params, f.name.name) else {
                            continue;
                        };
                        let same =
                            |o: &&ir::Requirement| o.param == r.param && o.lock.lock == r.lock.lock;
                        if let Some(first) = out.requires.iter().find(same) {
                            self.error(
                                Diagnostic::error(
                                    Code::ConflictingClauses,
                                    path.span,
                                    format!(
                                        "`{}` requires `{}` twice",
                                        f.name.name,
                                        self.sources.snippet(path.span)
                                    ),
                                )
                                .with_label("required again here")
                                .with_secondary(first.lock.span, "first required here"),
                            );
                            continue;
                        }
                        out.requires.push(r);
                    }
                }
            }
        }
        if let (Some(ctx), Some(word), Some(sleep)) = (out.context, context_word, may_sleep_span)
            && ctx.is_atomic()
        {
            self.error(
                Diagnostic::error(
                    Code::ConflictingClauses,
                    sleep,
                    format!(
                        "`{}` runs in {} context, so it cannot sleep",
                        f.name.name, word.name
                    ),
                )
                .with_label("`may_sleep` here")
                .with_secondary(word.span, format!("{} context here", word.name))
                .with_note("only process context may sleep"),
            );
        }
        out
    }

    /// Resolves a `requires` (or lock helper) path: `param.lock`, or a global lock.
    fn required_lock(
        &mut self,
        path: &ast::Path,
        params: &[ast::Ident],
        of: &str,
    ) -> Option<ir::Requirement> {
        match path.segments.as_slice() {
            [name] => {
                if self.names.global_locks.contains_key(name.name) {
                    return Some(ir::Requirement {
                        param: None,
                        lock: ir::LockRef {
                            owner: ir::LockOwner::Global,
                            lock: name.name.to_owned(),
                            span: path.span,
                        },
                    });
                }
                if params.iter().any(|p| p.name == name.name) {
                    self.error(
                        Diagnostic::error(
                            Code::MalformedLockPath,
                            path.span,
                            format!("`{}` is a parameter, not a lock", name.name),
                        )
                        .with_label("expected `param.lock`")
                        .with_help(format!(
                            "name the lock of the parameter: `{}.LOCK`",
                            name.name
                        )),
                    );
                    return None;
                }
                self.unknown_lock(name, None);
                None
            }
            [param, lock] => {
                if !params.iter().any(|p| p.name == param.name) {
                    let names: Vec<&str> = params.iter().map(|p| p.name).collect();
                    let mut d = Diagnostic::error(
                        Code::UnknownParameter,
                        param.span,
                        format!("`{of}` has no parameter `{}`", param.name),
                    )
                    .with_label("not a parameter");
                    if self.names.structs.contains_key(param.name) {
                        d = d.with_help(format!(
                            "`{}` is a struct; `requires` names the lock of a parameter, e.g. `{}.{}`",
                            param.name,
                            names.first().unwrap_or(&"param"),
                            lock.name
                        ));
                    } else if let Some(s) = suggest(param.name, names.iter().copied()) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    } else if names.is_empty() {
                        d = d.with_note(format!("`{of}` has no parameters"));
                    } else {
                        d = d.with_note(format!(
                            "its parameters are {}",
                            names
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    self.error(d);
                    return None;
                }
                let candidates: &[&str] = self
                    .names
                    .lock_owners
                    .get(lock.name)
                    .map_or(&[], |v| v.as_slice());
                let owner = match candidates {
                    [] => {
                        let mut all: Vec<&str> = self
                            .names
                            .structs
                            .values()
                            .flat_map(|s| s.locks.keys().copied())
                            .collect();
                        all.sort_unstable();
                        let mut d = Diagnostic::error(
                            Code::UnknownLock,
                            lock.span,
                            format!("no struct in this spec has a lock `{}`", lock.name),
                        )
                        .with_label("unknown lock");
                        d = d.with_suggestion(lock.name, all);
                        self.error(d);
                        return None;
                    }
                    [only] => ir::LockOwner::Struct {
                        name: (*only).to_owned(),
                    },
                    _ => ir::LockOwner::Unresolved,
                };
                Some(ir::Requirement {
                    param: Some(param.name.to_owned()),
                    lock: ir::LockRef {
                        owner,
                        lock: lock.name.to_owned(),
                        span: path.span,
                    },
                })
            }
            _ => {
                self.error(
                    Diagnostic::error(Code::MalformedLockPath, path.span, "malformed lock path")
                        .with_label("expected `param.lock` or a global lock"),
                );
                None
            }
        }
    }

    pub(super) fn lower_order(&mut self, o: &ast::Order, span: Span) -> Vec<ir::OrderEdge> {
        let locks: Vec<Option<ir::LockRef>> =
            o.locks.iter().map(|p| self.lock_path(p, None)).collect();
        locks
            .windows(2)
            .filter_map(|pair| match pair {
                [Some(before), Some(after)] => Some(ir::OrderEdge {
                    before: before.clone(),
                    after: after.clone(),
                    span: if o.locks.len() == 2 {
                        span
                    } else {
                        before.span.to(after.span)
                    },
                }),
                _ => None,
            })
            .collect()
    }
}

fn arg_span(a: &MacroArg) -> Span {
    match a {
        MacroArg::Expr(e) => e.span,
        MacroArg::Type(t) => t.span,
    }
}
