//! Cross-checking a resolved spec against the header model: every struct, field, type,
//! constant and function the spec names must exist in the C headers and have a fitting type.
//!
//! Diagnostics point at the `.inv` line and, where it helps, at the header line. Header files
//! are added to the same source map once, when a diagnostic first needs them.

use crate::model::{CType, Field, HeaderModel, Location, Record, Shape};
use invc_spec_lang::diagnostic::{Code, Diagnostic};
use invc_spec_lang::ir::{self, DmaMapping, ExprKind, LockKind, RefcountKind};
use invc_spec_lang::resolve::HeaderFacts;
use invc_spec_lang::span::{FileId, SourceMap, Span};
use std::collections::HashMap;

impl HeaderFacts for HeaderModel {
    fn constant(&self, name: &str) -> Option<i128> {
        self.constants.get(name).map(|value| *value)
    }

    fn has_field(&self, strukt: &str, field: &str) -> Option<bool> {
        self.records.get(strukt).map(|r| r.field(field).is_some())
    }
}

/// Checks `spec` against `model`; header files that diagnostics point into are added to
/// `sources`.
pub fn crosscheck(
    spec: &ir::Spec,
    model: &HeaderModel,
    sources: &mut SourceMap,
) -> Vec<Diagnostic> {
    let newtypes = spec
        .newtypes
        .iter()
        .map(|n| (n.name.as_str(), n.base))
        .collect();
    let mut c = Checker {
        model,
        sources,
        newtypes,
        files: HashMap::new(),
        diags: Vec::new(),
    };
    for s in &spec.structs {
        c.strukt(s);
    }
    for o in &spec.ops {
        c.ops(o);
    }
    for f in &spec.functions {
        c.function(f);
    }
    for n in &spec.newtypes {
        if let Some(constraint) = &n.constraint {
            c.constants(&constraint.expr);
        }
    }
    c.diags
}

struct Checker<'a> {
    model: &'a HeaderModel,
    sources: &'a mut SourceMap,
    /// The spec's newtypes and their base types.
    newtypes: HashMap<&'a str, ir::IntType>,
    /// Header files already read into the source map (`None`: could not be read).
    files: HashMap<String, Option<FileId>>,
    diags: Vec<Diagnostic>,
}

/// The lock types of each kind: a typedef name and the canonical struct it names.
fn lock_types(kind: LockKind) -> (&'static str, &'static str) {
    match kind {
        LockKind::Spinlock => ("spinlock_t", "struct spinlock"),
        LockKind::Mutex => ("", "struct mutex"),
        LockKind::Rwlock => ("rwlock_t", "struct rwlock"),
        LockKind::RwSemaphore => ("", "struct rw_semaphore"),
        LockKind::Seqlock => ("seqlock_t", "struct seqlock"),
    }
}

/// The spelling without qualifiers, so `const spinlock_t` is a `spinlock_t`.
fn bare(spelling: &str) -> &str {
    let mut s = spelling.trim();
    for q in ["const ", "volatile "] {
        while let Some(rest) = s.strip_prefix(q) {
            s = rest.trim_start();
        }
    }
    s
}

impl Checker<'_> {
    /// Whether `ty` is the typedef `name` (directly, through another typedef, or by its
    /// canonical type) or the struct `canonical`.
    fn is_type(&self, ty: &CType, name: &str, canonical: &str) -> bool {
        (!name.is_empty() && bare(&ty.spelling) == name)
            || bare(&ty.canonical) == canonical
            || (!name.is_empty()
                && self
                    .model
                    .typedefs
                    .get(name)
                    .is_some_and(|t| t.underlying.canonical == bare(&ty.canonical)))
    }

    /// A secondary label at a header location, reading the header into the source map once.
    fn at_header(&mut self, d: Diagnostic, loc: &Location, message: String) -> Diagnostic {
        if loc.file.is_empty() || loc.line == 0 {
            return d;
        }
        let id = *self.files.entry(loc.file.clone()).or_insert_with(|| {
            let text = std::fs::read_to_string(&loc.file).ok()?;
            self.sources.add(loc.file.clone(), text).ok()
        });
        match id.and_then(|id| {
            self.sources
                .offset_of(id, loc.line, loc.column)
                .map(|o| (id, o))
        }) {
            Some((id, offset)) => {
                let end = self.sources.file(id).text()[offset as usize..]
                    .find(['\n', ';'])
                    .map_or(offset as usize, |n| offset as usize + n);
                d.with_secondary(Span::new(id, offset as usize, end), message)
            }
            None => d.with_note(format!(
                "{message} ({}:{}:{})",
                loc.file, loc.line, loc.column
            )),
        }
    }

    fn field<'r>(&mut self, record: &'r Record, name: &str, span: Span) -> Option<&'r Field> {
        if let Some(f) = record.field(name) {
            return Some(f);
        }
        let d = Diagnostic::error(
            Code::UnknownCField,
            span,
            format!("struct `{}` has no field `{name}`", record.name),
        )
        .with_label("not a field of the C struct")
        .with_suggestion(name, record.field_names());
        let d = self.at_header(
            d,
            &record.location,
            format!("`struct {}` is defined here", record.name),
        );
        self.diags.push(d);
        None
    }

    fn mismatch(&mut self, code: Code, span: Span, message: String, field: &Field, expected: &str) {
        let d = Diagnostic::error(code, span, message).with_label(format!("expected {expected}"));
        let label = format!("declared as `{}`", field.ty.spelling);
        let d = self.at_header(d, &field.location, label);
        self.diags.push(d);
    }

    fn strukt(&mut self, s: &ir::Struct) {
        let Some(record) = self.model.records.get(&s.name) else {
            let d = Diagnostic::error(
                Code::UnknownCStruct,
                s.span,
                format!("the headers define no `struct {}`", s.name),
            )
            .with_label("not in the headers")
            .with_suggestion(&s.name, self.model.records.keys())
            .with_note("the headers are those of the spec's `header` items, parsed with the given clang flags");
            self.diags.push(d);
            return;
        };
        for lock in &s.locks {
            if let Some(f) = self.field(&record, &lock.name, lock.span) {
                let (name, canonical) = lock_types(lock.kind);
                if !self.is_type(&f.ty, name, canonical) {
                    let expected = if name.is_empty() {
                        format!("`{canonical}`")
                    } else {
                        format!("`{name}`")
                    };
                    let message = format!(
                        "lock `{}` is a `{}` in C, not a {expected}",
                        lock.name, f.ty.spelling
                    );
                    self.mismatch(Code::LockTypeMismatch, lock.span, message, f, &expected);
                }
            }
        }
        for field in &s.fields {
            let span = field.span;
            let Some(f) = self.field(&record, &field.name, span) else {
                continue;
            };
            if let Some(newtype) = &field.newtype {
                self.newtype_width(newtype, f, span);
            }
        }
        for r in &s.rcu {
            if let Some(f) = self.field(&record, &r.name, r.span)
                && !matches!(f.ty.shape, Shape::Pointer { .. })
            {
                let message = format!(
                    "rcu member `{}` is a `{}` in C, not a pointer",
                    r.name, f.ty.spelling
                );
                self.mismatch(Code::RcuNotPointer, r.span, message, f, "a pointer");
            }
        }
        for d in &s.dma {
            self.dma(&record, d);
        }
        for e in &s.embeds {
            if let Some(f) = self.field(&record, &e.name, e.span) {
                let wanted = &e.ty.name;
                let fits = match &f.ty.shape {
                    Shape::Record { tag } => tag == wanted || bare(&f.ty.spelling) == wanted,
                    _ => false,
                };
                if !fits {
                    let expected =
                        format!("`{}{wanted}`", if e.ty.is_struct { "struct " } else { "" });
                    let message = format!(
                        "`{}` is a `{}` in C, not an embedded {expected}",
                        e.name, f.ty.spelling
                    );
                    self.mismatch(Code::EmbedTypeMismatch, e.span, message, f, &expected);
                }
            }
        }
        for l in &s.lists {
            self.list(&record, l);
        }
        for r in &s.refcounts {
            self.refcount(&record, r);
        }
        for inv in &s.invariants {
            self.constants(&inv.expr);
        }
    }

    fn newtype_width(&mut self, newtype: &str, f: &Field, span: Span) {
        use ir::IntType::*;
        let Some(size) = f.ty.size else { return };
        let Some(&base) = self.newtypes.get(newtype) else {
            return;
        };
        let bytes = match base {
            U8 | I8 => 1,
            U16 | I16 => 2,
            U32 | I32 => 4,
            U64 | I64 | Usize | Isize => 8,
        };
        if bytes != size {
            let message = format!(
                "newtype `{newtype}` is {} bits wide, but field `{}` is {} bits (`{}`)",
                bytes * 8,
                f.name.as_deref().unwrap_or("?"),
                size * 8,
                f.ty.spelling
            );
            self.mismatch(
                Code::NewtypeWidthMismatch,
                span,
                message,
                f,
                &format!("a {}-bit integer", size * 8),
            );
        }
    }

    fn dma(&mut self, record: &Record, d: &ir::Dma) {
        if let Some(f) = self.field(record, &d.name, d.span)
            && !matches!(f.ty.shape, Shape::Pointer { .. })
        {
            let message = format!(
                "dma buffer `{}` is a `{}` in C, not a pointer",
                d.name, f.ty.spelling
            );
            self.mismatch(Code::DmaTypeMismatch, d.span, message, f, "a pointer");
        }
        if let DmaMapping::Streaming { addr, len, .. } = &d.mapping {
            if let Some(f) = self.field(record, addr, d.span)
                && !self.is_type(&f.ty, "dma_addr_t", "")
            {
                let message = format!(
                    "`addr({addr})` is a `{}` in C, not a `dma_addr_t`",
                    f.ty.spelling
                );
                self.mismatch(Code::DmaTypeMismatch, d.span, message, f, "`dma_addr_t`");
            }
            if let Some(f) = self.field(record, len, d.span)
                && !matches!(f.ty.shape, Shape::Integer { .. })
            {
                let message = format!("`len({len})` is a `{}` in C, not an integer", f.ty.spelling);
                self.mismatch(Code::DmaTypeMismatch, d.span, message, f, "an integer");
            }
        }
    }

    fn list(&mut self, record: &Record, l: &ir::List) {
        if let Some(f) = self.field(record, &l.name, l.span)
            && !self.is_type(&f.ty, "", "struct list_head")
        {
            let message = format!(
                "list head `{}` is a `{}` in C, not a `struct list_head`",
                l.name, f.ty.spelling
            );
            self.mismatch(
                Code::ListTypeMismatch,
                l.span,
                message,
                f,
                "`struct list_head`",
            );
        }
        let Some(entry) = self.model.records.get(&l.entry.name) else {
            let d = Diagnostic::error(
                Code::UnknownCStruct,
                l.entry.span,
                format!("the headers define no `struct {}`", l.entry.name),
            )
            .with_label("the list's entry type is not in the headers")
            .with_suggestion(&l.entry.name, self.model.records.keys());
            self.diags.push(d);
            return;
        };
        if let Some(f) = self.field(&entry, &l.via, l.span)
            && !self.is_type(&f.ty, "", "struct list_head")
        {
            let message = format!(
                "link `{}.{}` is a `{}` in C, not a `struct list_head`",
                entry.name, l.via, f.ty.spelling
            );
            self.mismatch(
                Code::ListTypeMismatch,
                l.span,
                message,
                f,
                "`struct list_head`",
            );
        }
    }

    fn refcount(&mut self, record: &Record, r: &ir::Refcount) {
        if let Some(f) = self.field(record, &r.name, r.span) {
            let (name, canonical, spelled) = match r.kind {
                RefcountKind::Kref => ("", "struct kref", "`struct kref`"),
                RefcountKind::RefcountT => ("refcount_t", "struct refcount_struct", "`refcount_t`"),
            };
            if !self.is_type(&f.ty, name, canonical) {
                let message = format!(
                    "refcount `{}` is a `{}` in C, not a {spelled}",
                    r.name, f.ty.spelling
                );
                self.mismatch(Code::RefcountMismatch, r.span, message, f, spelled);
            }
        }
        if let Some(release) = &r.release
            && !self.model.functions.contains_key(release)
        {
            let d = Diagnostic::error(
                Code::RefcountMismatch,
                r.span,
                format!("release function `{release}` is not declared in the headers"),
            )
            .with_label("no such function")
            .with_suggestion(release, self.model.functions.keys());
            self.diags.push(d);
        }
    }

    /// Names an expression reads as constants must be constants of the headers.
    fn constants(&mut self, e: &ir::Expr) {
        match &e.kind {
            ExprKind::Constant { name, value: None } => {
                let d = Diagnostic::error(
                    Code::UnknownConstant,
                    e.span,
                    format!("`{name}` is neither a field nor a constant of the headers"),
                )
                .with_label("not a macro or enumerator with an integer value")
                .with_suggestion(name, self.model.constants.keys());
                self.diags.push(d);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| self.constants(a)),
            ExprKind::Unary { operand, .. } => self.constants(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.constants(lhs);
                self.constants(rhs);
            }
            ExprKind::Int { .. }
            | ExprKind::Value
            | ExprKind::Field { .. }
            | ExprKind::Constant { .. } => {}
        }
    }

    fn ops(&mut self, o: &ir::Ops) {
        let Some(record) = self.model.records.get(&o.name) else {
            let d = Diagnostic::error(
                Code::UnknownCStruct,
                o.span,
                format!("the headers define no `struct {}`", o.name),
            )
            .with_label("not in the headers")
            .with_suggestion(&o.name, self.model.records.keys());
            self.diags.push(d);
            return;
        };
        for m in &o.members {
            let Some(f) = self.field(&record, &m.name, m.span) else {
                continue;
            };
            match f.ty.shape {
                Shape::Pointer {
                    to_function: true,
                    params,
                    ..
                } => {
                    if let Some(n) = params
                        && n as usize != m.params.len()
                    {
                        let message = format!(
                            "ops member `{}` takes {n} parameter{} in C, but the spec gives {}",
                            m.name,
                            if n == 1 { "" } else { "s" },
                            m.params.len()
                        );
                        self.mismatch(
                            Code::OpsMismatch,
                            m.span,
                            message,
                            f,
                            &format!("{n} parameters"),
                        );
                    }
                }
                _ => {
                    let message = format!(
                        "ops member `{}` is a `{}` in C, not a function pointer",
                        m.name, f.ty.spelling
                    );
                    self.mismatch(Code::OpsMismatch, m.span, message, f, "a function pointer");
                }
            }
        }
    }

    fn function(&mut self, f: &ir::Function) {
        let Some(c) = self.model.functions.get(&f.name) else {
            let d = Diagnostic::error(
                Code::FunctionMismatch,
                f.span,
                format!("function `{}` is not declared in the headers", f.name),
            )
            .with_label("no such function")
            .with_suggestion(&f.name, self.model.functions.keys());
            self.diags.push(d);
            return;
        };
        if c.params.len() != f.params.len() && !(c.variadic && f.params.len() > c.params.len()) {
            let d = Diagnostic::error(
                Code::FunctionMismatch,
                f.span,
                format!(
                    "`{}` takes {} parameter{} in C, but the spec gives {}",
                    f.name,
                    c.params.len(),
                    if c.params.len() == 1 { "" } else { "s" },
                    f.params.len()
                ),
            )
            .with_label(format!("expected {} parameters", c.params.len()));
            let d = self.at_header(d, &c.location, format!("`{}` is declared here", c.name));
            self.diags.push(d);
        }
    }
}
