//! Expressions: names resolved, types checked, invariants lowered.
//!
//! Recursion here is bounded: the grammar cuts expressions off at
//! [`crate::ast::MAX_EXPR_DEPTH`] levels.
//!
//! A name in a struct invariant is a field when the struct declares or annotates it. Any other
//! name is asked of the header model; without one, it is taken as given: a C constant when
//! written in upper case (the kernel's convention for macros and enumerators), a field of the
//! C struct otherwise. The header model's cross-check confirms either reading. In a newtype's
//! constraint there are no fields, so a lower-case name other than `value` is an error unless
//! the header model knows it as a constant.

use super::Resolver;
use crate::ast::{self, BinaryOp, ExprKind, UnaryOp};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{self, Type};
use crate::span::Span;

/// What names in an expression can refer to.
pub(super) enum Scope<'s> {
    /// A struct invariant or array length: fields of this struct, and constants.
    Struct(&'s str),
    /// A newtype's `where` clause: `value`, and constants.
    Newtype,
}

fn type_name(t: Type) -> &'static str {
    match t {
        Type::Bool => "bool",
        Type::Int => "integer",
    }
}

fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

impl Resolver<'_> {
    /// Lowers a boolean condition; `None` (reported) when it is wrong.
    pub(super) fn lower_invariant(
        &mut self,
        e: &ast::Expr,
        scope: &Scope<'_>,
        fields: &[ir::Field],
        docs: Vec<String>,
        span: Span,
    ) -> Option<ir::Invariant> {
        let expr = self.lower_expr(e, scope)?;
        if expr.ty != Type::Bool {
            let what = match scope {
                Scope::Struct(_) => "invariant",
                Scope::Newtype => "newtype constraint",
            };
            self.error(
                Diagnostic::error(
                    Code::NotBoolean,
                    e.span,
                    format!("{what} is not a boolean expression"),
                )
                .with_label(format!("this is of type `{}`", type_name(expr.ty)))
                .with_help("state a condition, e.g. `x != 0` or `x < LIMIT`"),
            );
            return None;
        }
        let mut checked_on: Vec<ir::LockRef> = Vec::new();
        collect_fields(&expr, &mut |path| {
            let guard = fields
                .iter()
                .find(|f| f.name == path[0])
                .and_then(|f| match &f.access {
                    ir::Access::Guarded { lock } => Some(lock),
                    _ => None,
                });
            if let Some(lock) = guard
                && !checked_on
                    .iter()
                    .any(|l| l.owner == lock.owner && l.lock == lock.lock)
            {
                checked_on.push(lock.clone());
            }
        });
        let text = self.sources.snippet(e.span).to_owned();
        Some(ir::Invariant {
            expr,
            text,
            checked_on,
            docs,
            span,
        })
    }

    /// Lowers an expression that must be an integer (an array length).
    pub(super) fn lower_int_expr(&mut self, e: &ast::Expr, scope: &Scope<'_>) -> Option<ir::Expr> {
        let expr = self.lower_expr(e, scope)?;
        self.expect_type(&expr, Type::Int, || {
            "an array length is an integer".to_owned()
        })?;
        Some(expr)
    }

    /// Reports `e` unless it is of type `want`; `why` makes the note, only when reporting.
    fn expect_type(
        &mut self,
        e: &ir::Expr,
        want: Type,
        why: impl FnOnce() -> String,
    ) -> Option<()> {
        if e.ty == want {
            return Some(());
        }
        self.error(
            Diagnostic::error(
                Code::MismatchedTypes,
                e.span,
                format!(
                    "mismatched types: expected `{}`, found `{}`",
                    type_name(want),
                    type_name(e.ty)
                ),
            )
            .with_label(format!("expected `{}`", type_name(want)))
            .with_note(why()),
        );
        None
    }

    /// Lowers and types one expression. `None` means an error inside was reported; callers
    /// stop there rather than report consequences of it.
    fn lower_expr(&mut self, e: &ast::Expr, scope: &Scope<'_>) -> Option<ir::Expr> {
        let (kind, ty) = match &e.kind {
            ExprKind::Error => return None,
            ExprKind::Int(value) => (ir::ExprKind::Int { value: *value }, Type::Int),
            ExprKind::Path(path) => (self.lower_name(path, scope)?, Type::Int),
            ExprKind::Call { callee, args } => self.lower_call(callee, args, e.span, scope)?,
            ExprKind::Unary { op, operand } => {
                let operand = self.lower_expr(operand, scope)?;
                let ty = match op {
                    UnaryOp::Not => operand.ty,
                    UnaryOp::Neg => {
                        self.expect_type(&operand, Type::Int, || {
                            "`-` negates an integer".to_owned()
                        })?;
                        Type::Int
                    }
                };
                (
                    ir::ExprKind::Unary {
                        op: *op,
                        operand: Box::new(operand),
                    },
                    ty,
                )
            }
            ExprKind::Binary {
                op,
                op_span,
                operands,
            } => {
                let [lhs, rhs] = &**operands;
                // Lower both sides before giving up, so errors in each are reported.
                let lhs = self.lower_expr(lhs, scope);
                let rhs = self.lower_expr(rhs, scope);
                let (lhs, rhs) = (lhs?, rhs?);
                let ty = self.binary_type(*op, *op_span, &lhs, &rhs)?;
                (
                    ir::ExprKind::Binary {
                        op: *op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    ty,
                )
            }
        };
        Some(ir::Expr {
            kind,
            ty,
            span: e.span,
        })
    }

    fn binary_type(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        lhs: &ir::Expr,
        rhs: &ir::Expr,
    ) -> Option<Type> {
        use BinaryOp::*;
        let symbol = op.symbol();
        match op {
            And | Or => {
                let why = || format!("`{symbol}` combines conditions");
                let l = self.expect_type(lhs, Type::Bool, why);
                let r = self.expect_type(rhs, Type::Bool, why);
                l.and(r).map(|_| Type::Bool)
            }
            Lt | Le | Gt | Ge => {
                let why = || format!("`{symbol}` compares integers");
                let l = self.expect_type(lhs, Type::Int, why);
                let r = self.expect_type(rhs, Type::Int, why);
                l.and(r).map(|_| Type::Bool)
            }
            Eq | Ne | BitAnd | BitOr | BitXor => {
                if lhs.ty != rhs.ty {
                    self.error(
                        Diagnostic::error(
                            Code::MismatchedTypes,
                            op_span,
                            format!(
                                "mismatched types: `{}` {symbol} `{}`",
                                type_name(lhs.ty),
                                type_name(rhs.ty)
                            ),
                        )
                        .with_label(format!("`{symbol}` needs two operands of one type"))
                        .with_secondary(lhs.span, format!("`{}`", type_name(lhs.ty)))
                        .with_secondary(rhs.span, format!("`{}`", type_name(rhs.ty))),
                    );
                    return None;
                }
                Some(if matches!(op, Eq | Ne) {
                    Type::Bool
                } else {
                    lhs.ty
                })
            }
            Shl | Shr | Add | Sub | Mul | Div | Rem => {
                let why = || format!("`{symbol}` is integer arithmetic");
                let l = self.expect_type(lhs, Type::Int, why);
                let r = self.expect_type(rhs, Type::Int, why);
                l.and(r).map(|_| Type::Int)
            }
        }
    }

    fn lower_name(&mut self, path: &ast::Path, scope: &Scope<'_>) -> Option<ir::ExprKind> {
        let first = &path.segments[0];
        // Built only when the name is a field: constants and `value` need no copy of it.
        let field = || ir::ExprKind::Field {
            path: path.segments.iter().map(|s| s.name.to_owned()).collect(),
        };
        match scope {
            Scope::Newtype => {
                if path.segments.len() > 1 {
                    self.error(
                        Diagnostic::error(Code::UnknownName, path.span, "fields are not in scope in a newtype constraint")
                            .with_label("a newtype constrains one value, not a struct")
                            .with_help("use `value` for the value; move conditions on fields to an `invariant` of the struct"),
                    );
                    return None;
                }
                if first.name == "value" {
                    return Some(ir::ExprKind::Value);
                }
                let value = self.constant(first.name);
                if value.is_none() && !is_constant_name(first.name) {
                    // Not `value`, and not a constant by the headers or by its spelling: most
                    // likely a misspelt `value` or a field, which a newtype cannot see.
                    let mut d = Diagnostic::error(
                        Code::UnknownName,
                        first.span,
                        format!("cannot find `{}` in this newtype constraint", first.name),
                    )
                    .with_label("not `value` or a constant");
                    d = d.with_suggestion(first.name, ["value"]);
                    d = d.with_note("a constraint sees `value` and C constants; without a header model, constants are the upper-case names");
                    self.error(d);
                    return None;
                }
                Some(ir::ExprKind::Constant {
                    name: first.name.to_owned(),
                    value,
                })
            }
            Scope::Struct(strukt) => {
                let names = &self.names.structs[*strukt];
                let declared = names.declared.contains_key(first.name)
                    || names.annotated.contains_key(first.name);
                if declared || path.segments.len() > 1 {
                    return Some(field());
                }
                let header_says_field = self.header.and_then(|h| h.has_field(strukt, first.name));
                if let Some(value) = self.constant(first.name) {
                    return Some(ir::ExprKind::Constant {
                        name: first.name.to_owned(),
                        value: Some(value),
                    });
                }
                match header_says_field {
                    Some(true) => Some(field()),
                    _ if is_constant_name(first.name) => Some(ir::ExprKind::Constant {
                        name: first.name.to_owned(),
                        value: None,
                    }),
                    _ => Some(field()),
                }
            }
        }
    }

    fn constant(&self, name: &str) -> Option<i128> {
        self.header.and_then(|h| h.constant(name))
    }

    fn lower_call(
        &mut self,
        callee: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
        scope: &Scope<'_>,
    ) -> Option<(ir::ExprKind, Type)> {
        let Some(&(_, builtin, arity, signature)) =
            ir::Builtin::ALL.iter().find(|b| b.0 == callee.name)
        else {
            let names = ir::Builtin::ALL.iter().map(|b| b.0);
            let mut d = Diagnostic::error(
                Code::UnknownFunction,
                callee.span,
                format!("unknown function `{}` in expression", callee.name),
            )
            .with_label("not a builtin");
            d = d.with_suggestion(callee.name, names);
            d = d.with_note(
                "the builtins are `is_null(field)`, `is_power_of_two(x)` and `aligned(x, n)`",
            );
            self.error(d);
            return None;
        };
        if args.len() != arity {
            self.error(
                Diagnostic::error(
                    Code::WrongArgumentCount,
                    span,
                    format!(
                        "`{}` takes {arity} argument{} but {} {} given",
                        callee.name,
                        if arity == 1 { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .with_label(format!("expected `{signature}`")),
            );
            return None;
        }
        let lowered: Vec<Option<ir::Expr>> =
            args.iter().map(|a| self.lower_expr(a, scope)).collect();
        let lowered: Vec<ir::Expr> = lowered.into_iter().collect::<Option<_>>()?;
        match builtin {
            ir::Builtin::IsNull => {
                if !matches!(lowered[0].kind, ir::ExprKind::Field { .. }) {
                    self.error(
                        Diagnostic::error(
                            Code::MismatchedTypes,
                            lowered[0].span,
                            "`is_null` takes a pointer field",
                        )
                        .with_label("not a field"),
                    );
                    return None;
                }
            }
            ir::Builtin::IsPowerOfTwo | ir::Builtin::Aligned => {
                for a in &lowered {
                    self.expect_type(a, Type::Int, || format!("`{signature}`"))?;
                }
            }
        }
        Some((
            ir::ExprKind::Call {
                builtin,
                args: lowered,
            },
            Type::Bool,
        ))
    }
}

/// Calls `f` with the path of every field an expression reads.
pub(super) fn collect_fields(e: &ir::Expr, f: &mut impl FnMut(&[String])) {
    match &e.kind {
        ir::ExprKind::Field { path } => f(path),
        ir::ExprKind::Call { args, .. } => args.iter().for_each(|a| collect_fields(a, f)),
        ir::ExprKind::Unary { operand, .. } => collect_fields(operand, f),
        ir::ExprKind::Binary { lhs, rhs, .. } => {
            collect_fields(lhs, f);
            collect_fields(rhs, f);
        }
        ir::ExprKind::Int { .. } | ir::ExprKind::Value | ir::ExprKind::Constant { .. } => {}
    }
}
