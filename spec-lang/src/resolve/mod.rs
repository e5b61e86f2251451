//! Resolution: AST to IR. Names are looked up, annotations combined per field, expressions
//! typed, and every rule of the language checked.
//!
//! Resolution is order-independent: pass 1 collects every declared name in the file (items,
//! each struct's locks and members), pass 2 lowers each item against those tables, so a name
//! may be used before the line that declares it, and a name declared nowhere is an error
//! wherever it is used. Errors are collected through the whole file; an item with an error is
//! still lowered as far as it can be, so one run reports everything.
//!
//! AFTER THIS POINT (for a spec with no error diagnostics): the invariants listed in
//! [`crate::ir`] hold.

mod expr;
mod facts;
mod items;
mod order;
mod structs;

pub use facts::HeaderFacts;

use crate::ast::{self, ItemKind, MemberKind};
use crate::diagnostic::{Code, Diagnostic, suggest};
use crate::ir;
use crate::span::{FileId, SourceMap, Span};
use rustc_hash::FxHashMap;

/// Resolves a parsed file into the IR. The IR is returned even when there are errors (as far
/// as it could be built); callers must not use it when [`crate::diagnostic::has_errors`].
pub fn resolve(
    file: &ast::File,
    file_id: FileId,
    sources: &SourceMap,
    header: Option<&dyn HeaderFacts>,
) -> (ir::Spec, Vec<Diagnostic>) {
    let mut resolver = Resolver {
        sources,
        header,
        diags: Vec::new(),
        names: Names::default(),
    };
    resolver.collect(file);
    let spec = resolver.lower(file, sources.file(file_id).name());
    (spec, resolver.diags)
}

/// A struct's declared names, collected in pass 1.
#[derive(Default)]
struct StructNames<'a> {
    span: Option<Span>,
    /// Lock members.
    locks: FxHashMap<&'a str, Span>,
    /// Every member that declares a C field (lock, rcu, dma, embeds, list, refcount), with
    /// what it declares it as.
    declared: FxHashMap<&'a str, (&'static str, Span)>,
    /// Fields that only annotations mention (guarded_by, readonly, lockless, field).
    annotated: FxHashMap<&'a str, Span>,
    /// `embeds` members.
    embeds: Vec<&'a str>,
}

/// Every name the file declares, collected in pass 1. The first declaration wins; later ones
/// are reported as duplicates.
#[derive(Default)]
struct Names<'a> {
    /// Struct tags: `struct` and `ops struct` items share C's tag namespace.
    tags: FxHashMap<&'a str, Span>,
    structs: FxHashMap<&'a str, StructNames<'a>>,
    /// Struct names in file order, for deterministic candidate lists.
    struct_order: Vec<&'a str>,
    /// For each lock name, the structs that have a lock of that name, in file order (so
    /// `requires p.lock` does not scan every struct).
    lock_owners: FxHashMap<&'a str, Vec<&'a str>>,
    newtypes: FxHashMap<&'a str, Span>,
    /// C's ordinary identifiers: functions, macros and global locks.
    values: FxHashMap<&'a str, Span>,
    global_locks: FxHashMap<&'a str, Span>,
}

struct Resolver<'a> {
    sources: &'a SourceMap,
    header: Option<&'a dyn HeaderFacts>,
    diags: Vec<Diagnostic>,
    names: Names<'a>,
}

/// Doc comment texts.
fn docs(docs: &[ast::Doc]) -> Vec<String> {
    docs.iter().map(|d| d.text.to_owned()).collect()
}

impl<'a> Resolver<'a> {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    fn duplicate(&mut self, code: Code, what: &str, name: &ast::Ident, first: Span) {
        self.error(
            Diagnostic::error(
                code,
                name.span,
                format!("`{}` is defined more than once", name.name),
            )
            .with_label(format!("defined again here, as a {what}"))
            .with_secondary(first, "first defined here"),
        );
    }

    // ---- pass 1 -----------------------------------------------------------------------

    fn collect(&mut self, file: &'a ast::File) {
        for item in &file.items {
            match &item.kind {
                ItemKind::Struct(s) => {
                    if let Some(&first) = self.names.tags.get(s.name.name) {
                        self.duplicate(Code::DuplicateItem, "struct", &s.name, first);
                        continue;
                    }
                    self.names.tags.insert(s.name.name, s.name.span);
                    self.names.struct_order.push(s.name.name);
                    let names = self.collect_struct(s);
                    let mut locks: Vec<(&'a str, Span)> =
                        names.locks.iter().map(|(l, s)| (*l, *s)).collect();
                    locks.sort_by_key(|(_, span)| *span);
                    for (lock, _) in locks {
                        self.names
                            .lock_owners
                            .entry(lock)
                            .or_default()
                            .push(s.name.name);
                    }
                    self.names.structs.insert(s.name.name, names);
                }
                ItemKind::Ops(o) => {
                    if let Some(&first) = self.names.tags.get(o.name.name) {
                        self.duplicate(Code::DuplicateItem, "struct", &o.name, first);
                    } else {
                        self.names.tags.insert(o.name.name, o.name.span);
                    }
                }
                ItemKind::Newtype(n) => match self.names.newtypes.get(n.name.name) {
                    Some(&first) => self.duplicate(Code::DuplicateItem, "newtype", &n.name, first),
                    None => {
                        self.names.newtypes.insert(n.name.name, n.name.span);
                    }
                },
                ItemKind::Lock(l) => {
                    if self.collect_value("lock", &l.name) {
                        self.names.global_locks.insert(l.name.name, l.name.span);
                    }
                }
                ItemKind::Fn(f) => {
                    self.collect_value("function", &f.name);
                }
                ItemKind::Macro(m) => {
                    self.collect_value("macro", &m.name);
                }
                ItemKind::Header(_) | ItemKind::Order(_) | ItemKind::Error => {}
            }
        }
    }

    /// Registers a C ordinary identifier; `false` if it was a duplicate.
    fn collect_value(&mut self, what: &str, name: &'a ast::Ident) -> bool {
        if let Some(&first) = self.names.values.get(name.name) {
            self.duplicate(Code::DuplicateItem, what, name, first);
            return false;
        }
        self.names.values.insert(name.name, name.span);
        true
    }

    fn collect_struct(&mut self, s: &'a ast::Struct) -> StructNames<'a> {
        // Sized up front (a member declares or annotates about one name): regrowing these
        // tables, member by member, was a visible part of resolving large specs.
        let members = s.members.len();
        let mut names = StructNames {
            span: Some(s.name.span),
            declared: FxHashMap::with_capacity_and_hasher(members, Default::default()),
            annotated: FxHashMap::with_capacity_and_hasher(members, Default::default()),
            ..StructNames::default()
        };
        for member in &s.members {
            let declared: Option<(&'a ast::Ident, &'static str)> = match &*member.kind {
                MemberKind::Lock(l) => Some((&l.name, "a lock")),
                MemberKind::Rcu { name, .. } => Some((name, "an rcu pointer")),
                MemberKind::DmaCoherent { name, .. } | MemberKind::DmaStreaming { name, .. } => {
                    Some((name, "a dma buffer"))
                }
                MemberKind::Embeds { name, .. } => Some((name, "an embedded struct")),
                MemberKind::List { name, .. } => Some((name, "a list head")),
                MemberKind::Refcount { name, .. } => Some((name, "a refcount")),
                MemberKind::GuardedBy { fields, .. } => {
                    fields.iter().for_each(|f| {
                        names.annotated.entry(f.name).or_insert(f.span);
                    });
                    None
                }
                MemberKind::Readonly(fields) | MemberKind::Lockless(fields) => {
                    fields.iter().for_each(|f| {
                        names.annotated.entry(f.name).or_insert(f.span);
                    });
                    None
                }
                MemberKind::Field { name, .. } => {
                    names.annotated.entry(name.name).or_insert(name.span);
                    None
                }
                MemberKind::Invariant(_) | MemberKind::Error => None,
            };
            let Some((name, what)) = declared else {
                continue;
            };
            if let Some(&(_, first)) = names.declared.get(name.name) {
                self.error(
                    Diagnostic::error(
                        Code::DuplicateMember,
                        name.span,
                        format!(
                            "`{}` is declared twice in struct `{}`",
                            name.name, s.name.name
                        ),
                    )
                    .with_label("declared again here")
                    .with_secondary(first, "first declared here"),
                );
                continue;
            }
            names.declared.insert(name.name, (what, name.span));
            if what == "a lock" {
                names.locks.insert(name.name, name.span);
            }
            if what == "an embedded struct" {
                names.embeds.push(name.name);
            }
        }
        names
    }

    // ---- pass 2 -----------------------------------------------------------------------

    fn lower(&mut self, file: &'a ast::File, source: &str) -> ir::Spec {
        let mut spec = ir::Spec {
            ir_version: ir::IR_VERSION,
            source: source.to_owned(),
            docs: docs(&file.docs),
            headers: Vec::new(),
            newtypes: Vec::new(),
            locks: Vec::new(),
            structs: Vec::new(),
            macros: Vec::new(),
            ops: Vec::new(),
            functions: Vec::new(),
            lock_order: Vec::new(),
        };
        for item in &file.items {
            let item_docs = docs(&item.docs);
            match &item.kind {
                ItemKind::Header(h) => spec.headers.push(ir::Header {
                    path: h.path.to_owned(),
                    system: h.system,
                    span: item.span,
                }),
                ItemKind::Newtype(n) => {
                    if let Some(n) = self.lower_newtype(n, item_docs, item.span) {
                        spec.newtypes.push(n);
                    }
                }
                ItemKind::Struct(s) => {
                    // A duplicate struct was reported in pass 1; lowering it too would repeat
                    // every error inside it against the first struct's names.
                    if self.names.structs.get(s.name.name).and_then(|n| n.span) == Some(s.name.span)
                    {
                        spec.structs
                            .push(self.lower_struct(s, item_docs, item.span));
                    }
                }
                ItemKind::Lock(l) => {
                    if let Some(lock) = self.lower_lock(l, item_docs, item.span) {
                        spec.locks.push(lock);
                    }
                }
                ItemKind::Macro(m) => {
                    if let Some(m) = self.lower_macro(m, item_docs, item.span) {
                        spec.macros.push(m);
                    }
                }
                ItemKind::Ops(o) => spec.ops.push(self.lower_ops(o, item_docs, item.span)),
                ItemKind::Fn(f) => spec.functions.push(self.lower_fn(f, item_docs, item.span)),
                ItemKind::Order(o) => spec.lock_order.extend(self.lower_order(o, item.span)),
                ItemKind::Error => {}
            }
        }
        self.check_order_cycles(&spec.lock_order);
        spec
    }

    // ---- lock references --------------------------------------------------------------

    /// Resolves `L` (a lock of struct `here`, or a global lock) or `S.L` (a lock of struct
    /// S). Reports and returns `None` when there is no such lock.
    fn lock_path(&mut self, path: &ast::Path, here: Option<&str>) -> Option<ir::LockRef> {
        match path.segments.as_slice() {
            [name] => {
                let n = name.name;
                if let Some(s) = here
                    && self
                        .names
                        .structs
                        .get(s)
                        .is_some_and(|st| st.locks.contains_key(n))
                {
                    return Some(ir::LockRef {
                        owner: ir::LockOwner::Struct { name: s.to_owned() },
                        lock: n.to_owned(),
                        span: path.span,
                    });
                }
                if self.names.global_locks.contains_key(n) {
                    return Some(ir::LockRef {
                        owner: ir::LockOwner::Global,
                        lock: n.to_owned(),
                        span: path.span,
                    });
                }
                self.unknown_lock(name, here);
                None
            }
            [strukt, lock] => {
                let Some(names) = self.names.structs.get(strukt.name) else {
                    let candidates = self.names.struct_order.clone();
                    let mut d = Diagnostic::error(
                        Code::UnknownLock,
                        strukt.span,
                        format!("no struct `{}` in this spec", strukt.name),
                    )
                    .with_label("not a struct of this spec");
                    d = d.with_suggestion(strukt.name, candidates);
                    self.error(d);
                    return None;
                };
                if names.locks.contains_key(lock.name) {
                    return Some(ir::LockRef {
                        owner: ir::LockOwner::Struct {
                            name: strukt.name.to_owned(),
                        },
                        lock: lock.name.to_owned(),
                        span: path.span,
                    });
                }
                self.unknown_lock(lock, Some(strukt.name));
                None
            }
            _ => {
                self.error(
                    Diagnostic::error(Code::MalformedLockPath, path.span, "malformed lock path")
                        .with_label("expected `lock` or `struct.lock`"),
                );
                None
            }
        }
    }

    fn unknown_lock(&mut self, name: &ast::Ident, strukt: Option<&str>) {
        let names = strukt.and_then(|s| self.names.structs.get(s));
        let mut candidates: Vec<&str> = names
            .map(|n| n.locks.keys().copied().collect())
            .unwrap_or_default();
        candidates.extend(self.names.global_locks.keys().copied());
        candidates.sort_unstable();
        let message = match strukt {
            Some(s) => format!("no lock `{}` in struct `{s}`", name.name),
            None => format!("no global lock `{}`", name.name),
        };
        let mut d =
            Diagnostic::error(Code::UnknownLock, name.span, message).with_label("unknown lock");
        let mut helped = true;
        if let Some(&(what, span)) = names.and_then(|n| n.declared.get(name.name)) {
            d = d.with_secondary(span, format!("`{}` is {what}, not a lock", name.name));
        } else if let Some(s) = suggest(name.name, candidates.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if strukt.is_none() {
            let owners: Vec<String> = self
                .names
                .lock_owners
                .get(name.name)
                .into_iter()
                .flatten()
                .map(|s| format!("`{s}.{}`", name.name))
                .collect();
            if owners.is_empty() {
                helped = false;
            } else {
                d = d.with_help(format!(
                    "a struct's lock is named with its struct: {}",
                    owners.join(", ")
                ));
            }
        } else {
            helped = false;
        }
        if !helped && candidates.is_empty() {
            d = d.with_note("declare it with `lock NAME: KIND;` in the struct, or at top level for a global lock");
        }
        self.error(d);
    }
}
