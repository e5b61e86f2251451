//! Helpers the grammar's actions call: literals, doc text, header names, and the expression
//! depth bound. They report problems into the diagnostics list and return a placeholder, so
//! the parse goes on.

use crate::ast::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};

/// Doc comment tokens to [`Doc`]s: the marker and one following space removed.
pub fn docs<'s>(file: FileId, raw: Vec<(usize, &'s str, usize)>) -> Vec<Doc<'s>> {
    raw.into_iter()
        .map(|(l, text, r)| {
            let body = &text[3..];
            Doc {
                text: body.strip_prefix(' ').unwrap_or(body),
                span: Span::new(file, l, r),
            }
        })
        .collect()
}

fn header<'s>(
    file: FileId,
    path: &'s str,
    system: bool,
    l: usize,
    r: usize,
    diags: &mut Vec<Diagnostic>,
) -> Header<'s> {
    let path_span = Span::new(file, l, r);
    let bad = if path.is_empty() {
        Some("the name is empty")
    } else if path.chars().any(char::is_whitespace) {
        Some("the name contains white space")
    } else if system && (path.contains("/*") || path.contains("//")) {
        Some("the name contains a comment")
    } else {
        None
    };
    if let Some(bad) = bad {
        diags.push(
            Diagnostic::error(Code::InvalidHeaderName, path_span, "invalid header name")
                .with_label(bad)
                .with_help("write the path as in an #include: `header \"vnet.h\";` or `header <linux/fs.h>;`"),
        );
    }
    Header {
        path,
        system,
        path_span,
    }
}

/// `header "x.h"`: `raw` includes the quotes.
pub fn quoted_header<'s>(
    file: FileId,
    raw: &'s str,
    l: usize,
    r: usize,
    diags: &mut Vec<Diagnostic>,
) -> Header<'s> {
    header(file, &raw[1..raw.len() - 1], false, l, r, diags)
}

/// `header <x.h>`: `l..r` covers the angle brackets; the path is the source text between.
pub fn angle_header<'s>(
    file: FileId,
    src: &'s str,
    l: usize,
    r: usize,
    diags: &mut Vec<Diagnostic>,
) -> Header<'s> {
    header(file, &src[l + 1..r - 1], true, l, r, diags)
}

/// An ops member that failed to parse.
pub fn error_ops_member(span: Span) -> Box<OpsMember<'static>> {
    Box::new(OpsMember {
        docs: Vec::new(),
        name: Ident { name: "", span },
        params: Vec::new(),
        returns: None,
        context: None,
        span,
        is_error: true,
    })
}

/// An integer literal: `_` separators, `0x`/`0o`/`0b` prefixes and C `u`/`l` suffixes.
pub fn int<'s>(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Expr<'s> {
    let digits: String = text
        .trim_end_matches(['u', 'U', 'l', 'L'])
        .chars()
        .filter(|&c| c != '_')
        .collect();
    let (radix, body) = match digits.get(..2) {
        Some("0x" | "0X") => (16, &digits[2..]),
        Some("0o" | "0O") => (8, &digits[2..]),
        Some("0b" | "0B") => (2, &digits[2..]),
        _ => (10, digits.as_str()),
    };
    match u64::from_str_radix(body, radix) {
        Ok(value) => Expr {
            kind: ExprKind::Int(value),
            span,
            depth: 1,
        },
        Err(_) => {
            let d = if body.is_empty() {
                Diagnostic::error(Code::IntegerTooLarge, span, "integer literal has no digits")
                    .with_label("expected digits after the prefix")
            } else {
                Diagnostic::error(Code::IntegerTooLarge, span, "integer literal too large")
                    .with_label("does not fit in 64 bits")
                    .with_note(
                        "invariants compare values of C fields, which are at most 64 bits wide",
                    )
            };
            diags.push(d);
            Expr {
                kind: ExprKind::Error,
                span,
                depth: 1,
            }
        }
    }
}

/// The placeholder for an expression cut off at the depth bound: it carries the bound as its
/// depth, so every enclosing level knows the chain was already reported.
fn is_cut_off(e: &Expr<'_>) -> bool {
    matches!(e.kind, ExprKind::Error) && e.depth >= MAX_EXPR_DEPTH
}

fn bounded<'s>(
    kind: ExprKind<'s>,
    span: Span,
    depth: u32,
    children_cut: bool,
    diags: &mut Vec<Diagnostic>,
) -> Expr<'s> {
    if children_cut {
        return Expr {
            kind: ExprKind::Error,
            span,
            depth: MAX_EXPR_DEPTH,
        };
    }
    if depth > MAX_EXPR_DEPTH {
        diags.push(
            Diagnostic::error(Code::NestingTooDeep, span, "expression nested too deeply")
                .with_label(format!(
                    "more than {MAX_EXPR_DEPTH} levels of operators or calls"
                ))
                .with_help("split the condition into several `invariant` items"),
        );
        return Expr {
            kind: ExprKind::Error,
            span,
            depth: MAX_EXPR_DEPTH,
        };
    }
    Expr { kind, span, depth }
}

/// `lhs op rhs`.
pub fn binary<'s>(
    lhs: Expr<'s>,
    op: BinaryOp,
    op_span: Span,
    rhs: Expr<'s>,
    diags: &mut Vec<Diagnostic>,
) -> Expr<'s> {
    let span = lhs.span.to(rhs.span);
    let depth = 1 + lhs.depth.max(rhs.depth);
    let cut = is_cut_off(&lhs) || is_cut_off(&rhs);
    bounded(
        ExprKind::Binary {
            op,
            op_span,
            operands: Box::new([lhs, rhs]),
        },
        span,
        depth,
        cut,
        diags,
    )
}

/// `op operand`.
pub fn unary<'s>(
    op: UnaryOp,
    op_span: Span,
    operand: Expr<'s>,
    diags: &mut Vec<Diagnostic>,
) -> Expr<'s> {
    let span = op_span.to(operand.span);
    let depth = 1 + operand.depth;
    let cut = is_cut_off(&operand);
    bounded(
        ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
        span,
        depth,
        cut,
        diags,
    )
}

/// `callee(args)`.
pub fn call<'s>(
    callee: Ident<'s>,
    args: Vec<Expr<'s>>,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Expr<'s> {
    let depth = 1 + args.iter().map(|a| a.depth).max().unwrap_or(0);
    let cut = args.iter().any(is_cut_off);
    bounded(ExprKind::Call { callee, args }, span, depth, cut, diags)
}

/// `(e)`: the same expression, its span widened to the parentheses.
pub fn parenthesized(e: Expr<'_>, span: Span) -> Expr<'_> {
    Expr { span, ..e }
}
