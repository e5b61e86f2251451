//! Lowering a `struct` item: members to IR, annotations combined per field.
//!
//! A field may be mentioned by several members (`guarded_by(lock) x; field x: RingIdx;`);
//! this module merges them into one [`ir::Field`] and reports the combinations that cannot
//! hold together.

use super::expr::Scope;
use super::{Resolver, docs};
use crate::ast::{self, MemberKind};
use crate::diagnostic::{Code, Diagnostic, suggest};
use crate::ir;
use crate::span::Span;
use rustc_hash::FxHashMap;

/// What the members of a struct say about one field, while they are being merged.
struct FieldFacts {
    field: ir::Field,
    guarded_span: Option<Span>,
    newtype_span: Option<Span>,
}

/// Builds the merged field list of one struct in order of first mention.
struct FieldTable<'a> {
    fields: Vec<FieldFacts>,
    index: FxHashMap<&'a str, usize>,
}

impl<'a> FieldTable<'a> {
    /// A table for about `fields` fields.
    fn with_capacity(fields: usize) -> Self {
        FieldTable {
            fields: Vec::with_capacity(fields),
            index: FxHashMap::with_capacity_and_hasher(fields, Default::default()),
        }
    }

    fn entry(&mut self, name: &ast::Ident<'a>) -> &mut FieldFacts {
        let i = *self.index.entry(name.name).or_insert_with(|| {
            self.fields.push(FieldFacts {
                field: ir::Field {
                    name: name.name.to_owned(),
                    access: ir::Access::Plain,
                    newtype: None,
                    docs: Vec::new(),
                    span: name.span,
                },
                guarded_span: None,
                newtype_span: None,
            });
            self.fields.len() - 1
        });
        &mut self.fields[i]
    }
}

/// One annotation of a field, for conflict messages.
fn describe(access: &ir::Access) -> &'static str {
    match access {
        ir::Access::Plain => "unannotated",
        ir::Access::Guarded { .. } => "guarded_by",
        ir::Access::Readonly { .. } => "readonly",
        ir::Access::Lockless { .. } => "lockless",
    }
}

fn access_span(access: &ir::Access, guarded_span: Option<Span>) -> Option<Span> {
    match access {
        ir::Access::Plain => None,
        ir::Access::Guarded { .. } => guarded_span,
        ir::Access::Readonly { span } | ir::Access::Lockless { span } => Some(*span),
    }
}

impl Resolver<'_> {
    pub(super) fn lower_struct(
        &mut self,
        s: &ast::Struct,
        item_docs: Vec<String>,
        span: Span,
    ) -> ir::Struct {
        let name = s.name.name;
        let mut out = ir::Struct {
            name: name.to_owned(),
            docs: item_docs,
            span,
            locks: Vec::new(),
            fields: Vec::new(),
            invariants: Vec::new(),
            rcu: Vec::new(),
            dma: Vec::new(),
            embeds: Vec::new(),
            lists: Vec::new(),
            refcounts: Vec::new(),
        };
        // Its fields are those that pass 1 found annotated.
        let annotated = self
            .names
            .structs
            .get(name)
            .map_or(0, |n| n.annotated.len());
        let mut table = FieldTable::with_capacity(annotated);
        let mut invariants = Vec::new();
        for member in &s.members {
            let member_docs = docs(&member.docs);
            match &*member.kind {
                MemberKind::Lock(l) => {
                    if self.is_first_declaration(name, &l.name)
                        && let Some(lock) = self.lower_lock(l, member_docs, member.span)
                    {
                        out.locks.push(lock);
                    }
                }
                MemberKind::GuardedBy { lock, fields } => {
                    let lock = self.lock_path(lock, Some(name));
                    for f in fields {
                        if self.annotates_declared(name, f, "guarded_by") {
                            continue;
                        }
                        let facts = table.entry(f);
                        facts.field.docs.extend(member_docs.iter().cloned());
                        let Some(lock) = &lock else { continue };
                        self.add_access(
                            facts,
                            f,
                            ir::Access::Guarded { lock: lock.clone() },
                            member.span,
                        );
                    }
                }
                MemberKind::Readonly(fields) | MemberKind::Lockless(fields) => {
                    let readonly = matches!(*member.kind, MemberKind::Readonly(_));
                    let word = if readonly { "readonly" } else { "lockless" };
                    for f in fields {
                        if self.annotates_declared(name, f, word) {
                            continue;
                        }
                        let access = if readonly {
                            ir::Access::Readonly { span: member.span }
                        } else {
                            ir::Access::Lockless { span: member.span }
                        };
                        let facts = table.entry(f);
                        facts.field.docs.extend(member_docs.iter().cloned());
                        self.add_access(facts, f, access, member.span);
                    }
                }
                MemberKind::Field { name: f, ty } => {
                    if self.annotates_declared(name, f, "field") {
                        continue;
                    }
                    let newtype = self.newtype_ref(ty);
                    let facts = table.entry(f);
                    facts.field.docs.extend(member_docs);
                    if let Some(first) = facts.newtype_span {
                        self.error(
                            Diagnostic::error(
                                Code::DuplicateMember,
                                f.span,
                                format!("`field {}` is declared twice in struct `{name}`", f.name),
                            )
                            .with_label("declared again here")
                            .with_secondary(first, "first declared here"),
                        );
                        continue;
                    }
                    facts.newtype_span = Some(member.span);
                    facts.field.newtype = newtype;
                }
                MemberKind::Invariant(e) => invariants.push((e, member_docs, member.span)),
                MemberKind::Rcu {
                    name: f,
                    target,
                    updated_under,
                } => {
                    if !self.is_first_declaration(name, f) {
                        continue;
                    }
                    let updated_under = updated_under
                        .as_ref()
                        .and_then(|p| self.lock_path(p, Some(name)));
                    out.rcu.push(ir::RcuPointer {
                        name: f.name.to_owned(),
                        target: ctype(target),
                        updated_under,
                        docs: member_docs,
                        span: member.span,
                    });
                }
                MemberKind::DmaCoherent {
                    name: f,
                    elem,
                    count,
                } => {
                    if !self.is_first_declaration(name, f) {
                        continue;
                    }
                    let count = count
                        .as_ref()
                        .and_then(|c| self.lower_int_expr(c, &Scope::Struct(name)));
                    out.dma.push(ir::Dma {
                        name: f.name.to_owned(),
                        mapping: ir::DmaMapping::Coherent {
                            elem: ctype(elem),
                            count,
                        },
                        docs: member_docs,
                        span: member.span,
                    });
                }
                MemberKind::DmaStreaming {
                    name: f,
                    direction,
                    addr,
                    len,
                } => {
                    if !self.is_first_declaration(name, f) {
                        continue;
                    }
                    if let Some(mapping) =
                        self.lower_streaming(f, direction, addr, len, member.span)
                    {
                        out.dma.push(ir::Dma {
                            name: f.name.to_owned(),
                            mapping,
                            docs: member_docs,
                            span: member.span,
                        });
                    }
                }
                MemberKind::Embeds { name: f, ty } => {
                    if self.is_first_declaration(name, f) {
                        out.embeds.push(ir::Embed {
                            name: f.name.to_owned(),
                            ty: ctype(ty),
                            docs: member_docs,
                            span: member.span,
                        });
                    }
                }
                MemberKind::List {
                    name: f,
                    entry,
                    via,
                    guarded_by,
                } => {
                    if !self.is_first_declaration(name, f) {
                        continue;
                    }
                    let guarded_by = guarded_by
                        .as_ref()
                        .and_then(|p| self.lock_path(p, Some(name)));
                    out.lists.push(ir::List {
                        name: f.name.to_owned(),
                        entry: ctype(entry),
                        via: via.name.to_owned(),
                        guarded_by,
                        docs: member_docs,
                        span: member.span,
                    });
                }
                MemberKind::Refcount {
                    name: f,
                    kind,
                    release,
                } => {
                    if !self.is_first_declaration(name, f) {
                        continue;
                    }
                    if let Some(r) = self.lower_refcount(f, kind, release, member_docs, member.span)
                    {
                        out.refcounts.push(r);
                    }
                }
                MemberKind::Error => {}
            }
        }
        out.fields = table.fields.into_iter().map(|f| f.field).collect();
        // Invariants last: which locks check them depends on every field's access.
        for (e, member_docs, span) in invariants {
            if let Some(inv) =
                self.lower_invariant(e, &Scope::Struct(name), &out.fields, member_docs, span)
            {
                out.invariants.push(inv);
            }
        }
        out
    }

    /// Whether this member is the one pass 1 recorded for its name (later ones were reported
    /// as duplicates there and are skipped here).
    fn is_first_declaration(&self, strukt: &str, name: &ast::Ident) -> bool {
        self.names
            .structs
            .get(strukt)
            .and_then(|s| s.declared.get(name.name))
            .map(|d| d.1)
            == Some(name.span)
    }

    /// Reports an access annotation on a member that declares something else (a lock, an RCU
    /// pointer, ...), whose own declaration already says how it is accessed.
    fn annotates_declared(&mut self, strukt: &str, field: &ast::Ident, annotation: &str) -> bool {
        let Some(&(what, span)) = self
            .names
            .structs
            .get(strukt)
            .and_then(|s| s.declared.get(field.name))
        else {
            return false;
        };
        self.error(
            Diagnostic::error(
                Code::ConflictingAnnotations,
                field.span,
                format!(
                    "`{}` is {what}; it cannot also be `{annotation}`",
                    field.name
                ),
            )
            .with_label(format!("`{annotation}` here"))
            .with_secondary(span, format!("declared as {what} here"))
            .with_note(format!(
                "the declaration of {what} already says how it is accessed"
            )),
        );
        true
    }

    fn add_access(
        &mut self,
        facts: &mut FieldFacts,
        f: &ast::Ident,
        access: ir::Access,
        member: Span,
    ) {
        let previous = std::mem::replace(&mut facts.field.access, ir::Access::Plain);
        let previous_span = access_span(&previous, facts.guarded_span);
        let merged = match (&previous, &access) {
            (ir::Access::Plain, _) => {
                if matches!(access, ir::Access::Guarded { .. }) {
                    facts.guarded_span = Some(member);
                }
                access
            }
            (ir::Access::Guarded { lock: a }, ir::Access::Guarded { lock: b })
                if a.owner == b.owner && a.lock == b.lock =>
            {
                self.error(
                    Diagnostic::error(
                        Code::DuplicateMember,
                        f.span,
                        format!("`{}` is guarded by `{}` twice", f.name, b.lock),
                    )
                    .with_label("guarded again here")
                    .with_secondary(previous_span.unwrap_or(a.span), "first guarded here"),
                );
                previous
            }
            (ir::Access::Guarded { lock: a }, ir::Access::Guarded { lock: b }) => {
                self.error(
                    Diagnostic::error(
                        Code::GuardedTwice,
                        f.span,
                        format!("`{}` is guarded by two locks, `{}` and `{}`", f.name, a.lock, b.lock),
                    )
                    .with_label(format!("guarded by `{}` here", b.lock))
                    .with_secondary(a.span, format!("guarded by `{}` here", a.lock))
                    .with_note("a field is protected by exactly one lock; for data read under either of two locks, guard it by the one writers hold"),
                );
                previous
            }
            (a, b) if std::mem::discriminant(a) == std::mem::discriminant(b) => {
                self.error(
                    Diagnostic::error(
                        Code::DuplicateMember,
                        f.span,
                        format!("`{}` is `{}` twice", f.name, describe(b)),
                    )
                    .with_label("again here")
                    .with_secondary(previous_span.unwrap_or(f.span), "first here"),
                );
                previous
            }
            (a, b) => {
                let (first, second) = (describe(a), describe(b));
                let why = match (first, second) {
                    ("readonly", _) | (_, "readonly") => {
                        "a readonly field is never written after publication, so it needs no lock and no READ_ONCE"
                    }
                    _ => {
                        "a lockless field is accessed without its lock, with READ_ONCE/WRITE_ONCE; a guarded one only with its lock"
                    }
                };
                self.error(
                    Diagnostic::error(
                        Code::ConflictingAnnotations,
                        f.span,
                        format!("`{}` cannot be both `{first}` and `{second}`", f.name),
                    )
                    .with_label(format!("`{second}` here"))
                    .with_secondary(previous_span.unwrap_or(f.span), format!("`{first}` here"))
                    .with_note(why),
                );
                previous
            }
        };
        facts.field.access = merged;
    }

    fn newtype_ref(&mut self, ty: &ast::Ident) -> Option<String> {
        if self.names.newtypes.contains_key(ty.name) {
            return Some(ty.name.to_owned());
        }
        let mut candidates: Vec<&str> = self.names.newtypes.keys().copied().collect();
        candidates.sort_unstable();
        let mut d = Diagnostic::error(
            Code::UnknownNewtype,
            ty.span,
            format!("no newtype `{}` in this spec", ty.name),
        )
        .with_label("not a newtype");
        if let Some(s) = suggest(ty.name, candidates) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if ir::IntType::ALL.iter().any(|(n, _)| *n == ty.name) {
            d = d.with_help(format!(
                "`field` gives a field a constrained type; declare one first: `newtype Name = {} where value < LIMIT;`",
                ty.name
            ));
        }
        self.error(d);
        None
    }

    fn lower_streaming(
        &mut self,
        f: &ast::Ident,
        direction: &ast::Ident,
        addr: &Option<ast::Ident>,
        len: &Option<ast::Ident>,
        member: Span,
    ) -> Option<ir::DmaMapping> {
        let dir = self.keyword(
            direction,
            ir::DmaDirection::ALL,
            Code::UnknownDmaDirection,
            "DMA direction",
        );
        let missing = |clause: &str, example: &str| {
            Diagnostic::error(
                Code::MissingClause,
                member,
                format!(
                    "streaming DMA buffer `{}` has no `{clause}(..)` clause",
                    f.name
                ),
            )
            .with_label(format!("needs `{clause}(..)`"))
            .with_help(format!(
                "name the field that holds the {example}: `{clause}({}_{})`",
                f.name,
                if clause == "addr" { "dma" } else { "len" }
            ))
        };
        let addr_missing = addr
            .is_none()
            .then(|| missing("addr", "bus address (a dma_addr_t)"));
        let len_missing = len.is_none().then(|| missing("len", "mapped length"));
        let failed = addr_missing.is_some() || len_missing.is_some();
        self.diags
            .extend(addr_missing.into_iter().chain(len_missing));
        if failed {
            return None;
        }
        Some(ir::DmaMapping::Streaming {
            direction: dir?,
            addr: addr.as_ref()?.name.to_owned(),
            len: len.as_ref()?.name.to_owned(),
        })
    }

    fn lower_refcount(
        &mut self,
        f: &ast::Ident,
        kind: &ast::Ident,
        release: &Option<ast::Ident>,
        member_docs: Vec<String>,
        span: Span,
    ) -> Option<ir::Refcount> {
        let kind = self.keyword(
            kind,
            ir::RefcountKind::ALL,
            Code::UnknownRefcountKind,
            "refcount kind",
        )?;
        if kind == ir::RefcountKind::Kref && release.is_none() {
            self.error(
                Diagnostic::error(
                    Code::MissingClause,
                    span,
                    format!("kref `{}` has no `release` function", f.name),
                )
                .with_label("needs `release FUNCTION`")
                .with_note("kref_put calls the release function when the count reaches zero"),
            );
            return None;
        }
        Some(ir::Refcount {
            name: f.name.to_owned(),
            kind,
            release: release.as_ref().map(|r| r.name.to_owned()),
            docs: member_docs,
            span,
        })
    }

    /// Reads a word that must be one of a fixed set (a DMA direction, a context, ...).
    pub(super) fn keyword<T: Copy>(
        &mut self,
        word: &ast::Ident,
        table: &[(&'static str, T)],
        code: Code,
        what: &str,
    ) -> Option<T> {
        if let Some((_, v)) = table.iter().find(|(n, _)| *n == word.name) {
            return Some(*v);
        }
        let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
        let mut d = Diagnostic::error(code, word.span, format!("unknown {what} `{}`", word.name))
            .with_label(format!("not a {what}"));
        d = d.with_suggestion(word.name, names.iter().copied());
        d = d.with_note(format!(
            "expected one of {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        self.error(d);
        None
    }
}

/// A C type as named in the spec.
pub(super) fn ctype(t: &ast::CType) -> ir::CType {
    ir::CType {
        name: t.name.name.to_owned(),
        is_struct: t.is_struct,
        span: t.span,
    }
}
