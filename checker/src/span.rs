//! The spans of items, statements and expressions, without printing them.
//!
//! `syn::spanned::Spanned::span` prints a node back to tokens and joins the first and last
//! token's spans. The walk needs the span of every item and statement (for suppressions and
//! `SAFETY` comments) and of every call, and printing each of them again made the rules cost
//! more than parsing. These functions find the same first and last tokens from the syntax
//! tree directly, for the nodes that are common, and fall back to `Spanned` for the rest; a
//! test checks them against `Spanned` on every node of the fixtures and the checker's own
//! sources.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{
    AttrStyle, Attribute, Expr, ImplItem, Item, Lit, MacroDelimiter, Member, Path, PathArguments,
    ReturnType, Stmt, Type, UnOp, Visibility,
};

/// The first and last line of `Spanned::span` of a statement.
pub(crate) fn stmt_lines(s: &Stmt) -> (usize, usize) {
    lines(stmt_first(s), stmt_last(s), || s.span())
}

/// The first and last line of `Spanned::span` of an item.
pub(crate) fn item_lines(i: &Item) -> (usize, usize) {
    lines(item_first(i), item_last(i), || i.span())
}

/// The first and last line of `Spanned::span` of an item in an `impl` block.
pub(crate) fn impl_item_lines(i: &ImplItem) -> (usize, usize) {
    let (first, last) = impl_item_bounds(i);
    lines(first, last, || i.span())
}

/// The lines from the first token to the last (what joining their spans gives), or those of
/// `slow` when they are not known.
fn lines(first: Option<Span>, last: Option<Span>, slow: impl FnOnce() -> Span) -> (usize, usize) {
    match (first, last) {
        (Some(first), Some(last)) => (first.start().line, last.end().line),
        _ => {
            let span = slow();
            (span.start().line, span.end().line)
        }
    }
}

#[cfg(test)]
fn of_stmt(s: &Stmt) -> Span {
    join(stmt_first(s), stmt_last(s)).unwrap_or_else(|| s.span())
}

#[cfg(test)]
fn of_item(i: &Item) -> Span {
    join(item_first(i), item_last(i)).unwrap_or_else(|| i.span())
}

#[cfg(test)]
fn of_impl_item(i: &ImplItem) -> Span {
    let (first, last) = impl_item_bounds(i);
    join(first, last).unwrap_or_else(|| i.span())
}

fn impl_item_bounds(i: &ImplItem) -> (Option<Span>, Option<Span>) {
    match i {
        ImplItem::Fn(f) => (
            outer(&f.attrs)
                .or_else(|| vis(&f.vis))
                .or_else(|| f.defaultness.map(|d| d.span))
                .or_else(|| sig_first(&f.sig)),
            Some(f.block.brace_token.span.close()),
        ),
        ImplItem::Const(c) => (
            outer(&c.attrs)
                .or_else(|| vis(&c.vis))
                .or_else(|| c.defaultness.map(|d| d.span))
                .or(Some(c.const_token.span)),
            Some(c.semi_token.span),
        ),
        _ => (None, None),
    }
}

/// `Spanned::span` of an expression.
#[cfg(test)]
fn of_expr(e: &Expr) -> Span {
    join(expr_first(e), expr_last(e)).unwrap_or_else(|| e.span())
}

/// `Spanned::span` of a field access.
pub(crate) fn of_field(f: &syn::ExprField) -> Span {
    let last = match &f.member {
        Member::Named(ident) => ident.span(),
        Member::Unnamed(index) => index.span,
    };
    join(outer(&f.attrs).or_else(|| expr_first(&f.base)), Some(last)).unwrap_or_else(|| f.span())
}

/// `Spanned::span` of a call.
pub(crate) fn of_call(c: &syn::ExprCall) -> Span {
    join(
        outer(&c.attrs).or_else(|| expr_first(&c.func)),
        Some(c.paren_token.span.close()),
    )
    .unwrap_or_else(|| c.span())
}

/// What `quote`'s `join_spans` does with the first and last token.
fn join(first: Option<Span>, last: Option<Span>) -> Option<Span> {
    let (first, last) = (first?, last?);
    Some(first.join(last).unwrap_or(first))
}

/// The `#` of the first outer attribute.
fn outer(attrs: &[Attribute]) -> Option<Span> {
    attrs
        .iter()
        .find(|a| matches!(a.style, AttrStyle::Outer))
        .map(|a| a.pound_token.span)
}

fn vis(v: &Visibility) -> Option<Span> {
    match v {
        Visibility::Public(p) => Some(p.span),
        Visibility::Restricted(r) => Some(r.pub_token.span),
        Visibility::Inherited => None,
    }
}

fn sig_first(s: &syn::Signature) -> Option<Span> {
    Some(
        s.constness
            .map(|t| t.span)
            .or(s.asyncness.map(|t| t.span))
            .or(s.unsafety.map(|t| t.span))
            .or(s.abi.as_ref().map(|a| a.extern_token.span))
            .unwrap_or(s.fn_token.span),
    )
}

fn delimiter_close(d: &MacroDelimiter) -> Span {
    match d {
        MacroDelimiter::Paren(p) => p.span.close(),
        MacroDelimiter::Brace(b) => b.span.close(),
        MacroDelimiter::Bracket(b) => b.span.close(),
    }
}

fn path_first(p: &Path) -> Option<Span> {
    match &p.leading_colon {
        Some(c) => Some(c.spans[0]),
        None => p.segments.first().map(|s| s.ident.span()),
    }
}

fn path_last(p: &Path) -> Option<Span> {
    let seg = p.segments.last()?;
    match &seg.arguments {
        PathArguments::None => Some(seg.ident.span()),
        PathArguments::AngleBracketed(a) => Some(a.gt_token.span),
        PathArguments::Parenthesized(a) => match &a.output {
            ReturnType::Default => Some(a.paren_token.span.close()),
            ReturnType::Type(..) => None,
        },
    }
}

fn stmt_first(s: &Stmt) -> Option<Span> {
    match s {
        Stmt::Local(l) => outer(&l.attrs).or(Some(l.let_token.span)),
        Stmt::Item(i) => item_first(i),
        Stmt::Expr(e, _) => expr_first(e),
        Stmt::Macro(m) => outer(&m.attrs).or_else(|| path_first(&m.mac.path)),
    }
}

fn stmt_last(s: &Stmt) -> Option<Span> {
    match s {
        Stmt::Local(l) => Some(l.semi_token.span),
        Stmt::Item(i) => item_last(i),
        Stmt::Expr(_, Some(semi)) => Some(semi.span),
        Stmt::Expr(e, None) => expr_last(e),
        Stmt::Macro(m) => Some(match &m.semi_token {
            Some(semi) => semi.span,
            None => delimiter_close(&m.mac.delimiter),
        }),
    }
}

fn item_first(i: &Item) -> Option<Span> {
    match i {
        Item::Fn(f) => outer(&f.attrs)
            .or_else(|| vis(&f.vis))
            .or_else(|| sig_first(&f.sig)),
        Item::Struct(s) => outer(&s.attrs)
            .or_else(|| vis(&s.vis))
            .or(Some(s.struct_token.span)),
        Item::Enum(e) => outer(&e.attrs)
            .or_else(|| vis(&e.vis))
            .or(Some(e.enum_token.span)),
        Item::Impl(imp) => outer(&imp.attrs)
            .or(imp.defaultness.map(|t| t.span))
            .or(imp.unsafety.map(|t| t.span))
            .or(Some(imp.impl_token.span)),
        Item::Trait(t) => outer(&t.attrs)
            .or_else(|| vis(&t.vis))
            .or(t.unsafety.map(|t| t.span))
            .or(t.auto_token.map(|t| t.span))
            .or(Some(t.trait_token.span)),
        Item::Mod(m) => outer(&m.attrs)
            .or_else(|| vis(&m.vis))
            .or(m.unsafety.map(|t| t.span))
            .or(Some(m.mod_token.span)),
        Item::Use(u) => outer(&u.attrs)
            .or_else(|| vis(&u.vis))
            .or(Some(u.use_token.span)),
        Item::Const(c) => outer(&c.attrs)
            .or_else(|| vis(&c.vis))
            .or(Some(c.const_token.span)),
        Item::Static(s) => outer(&s.attrs)
            .or_else(|| vis(&s.vis))
            .or(Some(s.static_token.span)),
        Item::Type(t) => outer(&t.attrs)
            .or_else(|| vis(&t.vis))
            .or(Some(t.type_token.span)),
        Item::Macro(m) => outer(&m.attrs).or_else(|| path_first(&m.mac.path)),
        _ => None,
    }
}

fn item_last(i: &Item) -> Option<Span> {
    match i {
        Item::Fn(f) => Some(f.block.brace_token.span.close()),
        Item::Struct(s) => match &s.fields {
            syn::Fields::Named(n) => Some(n.brace_token.span.close()),
            _ => s.semi_token.map(|t| t.span),
        },
        Item::Enum(e) => Some(e.brace_token.span.close()),
        Item::Impl(imp) => Some(imp.brace_token.span.close()),
        Item::Trait(t) => Some(t.brace_token.span.close()),
        Item::Mod(m) => match (&m.content, &m.semi) {
            (Some((brace, _)), _) => Some(brace.span.close()),
            (None, Some(semi)) => Some(semi.span),
            (None, None) => None,
        },
        Item::Use(u) => Some(u.semi_token.span),
        Item::Const(c) => Some(c.semi_token.span),
        Item::Static(s) => Some(s.semi_token.span),
        Item::Type(t) => Some(t.semi_token.span),
        Item::Macro(m) => Some(match &m.semi_token {
            Some(semi) => semi.span,
            None => delimiter_close(&m.mac.delimiter),
        }),
        _ => None,
    }
}

/// The first token of an expression, when it is simple to find.
fn expr_first(e: &Expr) -> Option<Span> {
    match e {
        Expr::Path(p) if p.qself.is_none() => outer(&p.attrs).or_else(|| path_first(&p.path)),
        Expr::Lit(l) => outer(&l.attrs).or_else(|| Some(lit_span(&l.lit))),
        Expr::Call(c) => outer(&c.attrs).or_else(|| expr_first(&c.func)),
        Expr::MethodCall(m) => outer(&m.attrs).or_else(|| expr_first(&m.receiver)),
        Expr::Field(f) => outer(&f.attrs).or_else(|| expr_first(&f.base)),
        Expr::Index(i) => outer(&i.attrs).or_else(|| expr_first(&i.expr)),
        Expr::Try(t) => outer(&t.attrs).or_else(|| expr_first(&t.expr)),
        Expr::Cast(c) => outer(&c.attrs).or_else(|| expr_first(&c.expr)),
        Expr::Binary(b) => outer(&b.attrs).or_else(|| expr_first(&b.left)),
        Expr::Assign(a) => outer(&a.attrs).or_else(|| expr_first(&a.left)),
        Expr::Unary(u) => outer(&u.attrs).or(Some(match u.op {
            UnOp::Deref(t) => t.span,
            UnOp::Not(t) => t.span,
            UnOp::Neg(t) => t.span,
            _ => return None,
        })),
        Expr::Reference(r) => outer(&r.attrs).or(Some(r.and_token.span)),
        Expr::RawAddr(r) => outer(&r.attrs).or(Some(r.and_token.span)),
        Expr::Paren(p) => outer(&p.attrs).or(Some(p.paren_token.span.open())),
        Expr::Tuple(t) => outer(&t.attrs).or(Some(t.paren_token.span.open())),
        Expr::Array(a) => outer(&a.attrs).or(Some(a.bracket_token.span.open())),
        Expr::Unsafe(u) => outer(&u.attrs).or(Some(u.unsafe_token.span)),
        Expr::Block(b) if b.label.is_none() => {
            outer(&b.attrs).or(Some(b.block.brace_token.span.open()))
        }
        Expr::Macro(m) => outer(&m.attrs).or_else(|| path_first(&m.mac.path)),
        Expr::If(i) => outer(&i.attrs).or(Some(i.if_token.span)),
        Expr::Match(m) => outer(&m.attrs).or(Some(m.match_token.span)),
        Expr::ForLoop(f) if f.label.is_none() => outer(&f.attrs).or(Some(f.for_token.span)),
        Expr::While(w) if w.label.is_none() => outer(&w.attrs).or(Some(w.while_token.span)),
        Expr::Loop(l) if l.label.is_none() => outer(&l.attrs).or(Some(l.loop_token.span)),
        Expr::Return(r) => outer(&r.attrs).or(Some(r.return_token.span)),
        Expr::Let(l) => outer(&l.attrs).or(Some(l.let_token.span)),
        Expr::Struct(s) if s.qself.is_none() => outer(&s.attrs).or_else(|| path_first(&s.path)),
        _ => None,
    }
}

/// The last token of an expression, when it is simple to find.
fn expr_last(e: &Expr) -> Option<Span> {
    match e {
        Expr::Path(p) if p.qself.is_none() => path_last(&p.path),
        Expr::Lit(l) => Some(lit_span(&l.lit)),
        Expr::Call(c) => Some(c.paren_token.span.close()),
        Expr::MethodCall(m) => Some(m.paren_token.span.close()),
        Expr::Field(f) => Some(match &f.member {
            Member::Named(ident) => ident.span(),
            Member::Unnamed(index) => index.span,
        }),
        Expr::Index(i) => Some(i.bracket_token.span.close()),
        Expr::Try(t) => Some(t.question_token.span),
        Expr::Cast(c) => type_last(&c.ty),
        Expr::Binary(b) => expr_last(&b.right),
        Expr::Assign(a) => expr_last(&a.right),
        Expr::Unary(u) => expr_last(&u.expr),
        Expr::Reference(r) => expr_last(&r.expr),
        Expr::RawAddr(r) => expr_last(&r.expr),
        Expr::Paren(p) => Some(p.paren_token.span.close()),
        Expr::Tuple(t) => Some(t.paren_token.span.close()),
        Expr::Array(a) => Some(a.bracket_token.span.close()),
        Expr::Unsafe(u) => Some(u.block.brace_token.span.close()),
        Expr::Block(b) if b.label.is_none() => Some(b.block.brace_token.span.close()),
        Expr::Macro(m) => Some(delimiter_close(&m.mac.delimiter)),
        Expr::If(i) => match &i.else_branch {
            Some((_, e)) => expr_last(e),
            None => Some(i.then_branch.brace_token.span.close()),
        },
        Expr::Match(m) => Some(m.brace_token.span.close()),
        Expr::ForLoop(f) if f.label.is_none() => Some(f.body.brace_token.span.close()),
        Expr::While(w) if w.label.is_none() => Some(w.body.brace_token.span.close()),
        Expr::Loop(l) if l.label.is_none() => Some(l.body.brace_token.span.close()),
        Expr::Return(r) => match &r.expr {
            Some(e) => expr_last(e),
            None => Some(r.return_token.span),
        },
        Expr::Let(l) => expr_last(&l.expr),
        Expr::Struct(s) if s.qself.is_none() => Some(s.brace_token.span.close()),
        _ => None,
    }
}

fn type_last(t: &Type) -> Option<Span> {
    match t {
        Type::Path(p) if p.qself.is_none() => path_last(&p.path),
        Type::Ptr(p) => type_last(&p.elem),
        Type::Reference(r) => type_last(&r.elem),
        Type::Paren(p) => Some(p.paren_token.span.close()),
        Type::Tuple(t) => Some(t.paren_token.span.close()),
        Type::Array(a) => Some(a.bracket_token.span.close()),
        Type::Slice(s) => Some(s.bracket_token.span.close()),
        Type::Infer(i) => Some(i.underscore_token.span),
        _ => None,
    }
}

fn lit_span(l: &Lit) -> Span {
    l.span()
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::visit::{self, Visit};

    /// Compares every span these functions give with `Spanned::span`.
    struct Compare {
        checked: usize,
        wrong: Vec<String>,
    }

    impl Compare {
        fn check(&mut self, what: &str, fast: Span, slow: Span) {
            self.checked += 1;
            if fast.byte_range() != slow.byte_range() {
                self.wrong.push(format!(
                    "{what} at {:?}: {:?} instead of {:?}",
                    slow.start(),
                    fast.byte_range(),
                    slow.byte_range()
                ));
            }
        }
    }

    impl Compare {
        fn lines(&mut self, what: &str, fast: (usize, usize), slow: Span) {
            let slow_lines = (slow.start().line, slow.end().line);
            if fast != slow_lines {
                self.wrong
                    .push(format!("{what} lines {fast:?} instead of {slow_lines:?}"));
            }
        }
    }

    impl<'ast> Visit<'ast> for Compare {
        fn visit_item(&mut self, i: &'ast Item) {
            self.check("item", of_item(i), i.span());
            self.lines("item", item_lines(i), i.span());
            visit::visit_item(self, i);
        }
        fn visit_impl_item(&mut self, i: &'ast ImplItem) {
            self.check("impl item", of_impl_item(i), i.span());
            self.lines("impl item", impl_item_lines(i), i.span());
            visit::visit_impl_item(self, i);
        }
        fn visit_stmt(&mut self, s: &'ast Stmt) {
            self.check("statement", of_stmt(s), s.span());
            self.lines("statement", stmt_lines(s), s.span());
            visit::visit_stmt(self, s);
        }
        fn visit_expr(&mut self, e: &'ast Expr) {
            self.check("expression", of_expr(e), e.span());
            visit::visit_expr(self, e);
        }
        fn visit_expr_field(&mut self, f: &'ast syn::ExprField) {
            self.check("field", of_field(f), f.span());
            visit::visit_expr_field(self, f);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            self.check("call", of_call(c), c.span());
            visit::visit_expr_call(self, c);
        }
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn spans_are_those_spanned_gives() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["src", "tests", "benches"] {
            rust_files(&root.join(dir), &mut files);
        }
        let mut compare = Compare {
            checked: 0,
            wrong: Vec::new(),
        };
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            // The parse-error fixtures do not parse; everything else must.
            if let Ok(file) = syn::parse_file(&text) {
                compare.visit_file(&file);
            }
        }
        assert!(compare.checked > 10_000, "only {} nodes", compare.checked);
        assert!(compare.wrong.is_empty(), "{:#?}", compare.wrong);
    }
}
