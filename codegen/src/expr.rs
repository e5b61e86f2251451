//! Spec expressions (invariants, newtype constraints) as Rust expressions.
//!
//! Every value is widened to `i128` before any arithmetic, and every operation that could
//! still overflow or divide by zero is a `checked_*` call whose failure makes the whole check
//! `None`; the generated assertion treats `None` as a violation. So an assertion can neither
//! overflow itself nor panic for any reason but the violation it reports.

use invc_spec_lang::ast::{BinaryOp, UnaryOp};
use invc_spec_lang::ir::{Builtin, Expr, ExprKind, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// How the expression's leaves are read.
pub trait Leaves {
    /// Tokens reading the field at `path` (a plain value, or a raw pointer), and whether it
    /// is a pointer. `None` if there is no such field; the caller reports that.
    fn field(&self, path: &[String]) -> Option<(TokenStream, bool)>;
    /// Tokens for `value` in a newtype's constraint.
    fn value(&self) -> TokenStream {
        quote!(value)
    }
}

/// A leaf the expression needs and the generator cannot supply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// A field path with no raw field behind it.
    Field(Vec<String>),
    /// A C constant whose value the headers did not give.
    Constant(String),
}

/// Tokens of type `i128` that evaluate `expr` (an integer expression), for the body of a
/// function returning `Option<i128>`.
pub fn int_body(expr: &Expr, leaves: &dyn Leaves) -> Result<TokenStream, Missing> {
    int_expr(expr, leaves)
}

/// Tokens of type `bool` that evaluate `expr` (a boolean expression), for the body of a
/// function returning `Option<bool>`: operations that could overflow use `?`.
pub fn body(expr: &Expr, leaves: &dyn Leaves) -> Result<TokenStream, Missing> {
    bool_expr(expr, leaves)
}

fn bool_expr(e: &Expr, leaves: &dyn Leaves) -> Result<TokenStream, Missing> {
    match e.ty {
        Type::Bool => expr(e, leaves),
        Type::Int => {
            let v = expr(e, leaves)?;
            Ok(quote!((#v != 0)))
        }
    }
}

fn int_expr(e: &Expr, leaves: &dyn Leaves) -> Result<TokenStream, Missing> {
    match e.ty {
        Type::Int => expr(e, leaves),
        Type::Bool => {
            let v = expr(e, leaves)?;
            Ok(quote!((#v as i128)))
        }
    }
}

/// Tokens of type `i128` (for `Type::Int`) or `bool` (for `Type::Bool`), to be used inside a
/// closure returning `Option`.
fn expr(e: &Expr, leaves: &dyn Leaves) -> Result<TokenStream, Missing> {
    Ok(match &e.kind {
        ExprKind::Int { value } => {
            let v = i128::from(*value);
            quote!(#v)
        }
        ExprKind::Value => {
            let v = leaves.value();
            quote!((#v as i128))
        }
        ExprKind::Constant { name, value } => {
            let v = value.ok_or_else(|| Missing::Constant(name.clone()))?;
            quote!(#v)
        }
        ExprKind::Field { path } => {
            let (read, pointer) = leaves
                .field(path)
                .ok_or_else(|| Missing::Field(path.clone()))?;
            if pointer {
                quote!(((#read) as usize as i128))
            } else {
                quote!(((#read) as i128))
            }
        }
        ExprKind::Call { builtin, args } => call(*builtin, args, leaves)?,
        ExprKind::Unary { op, operand } => match (op, e.ty) {
            (UnaryOp::Not, Type::Bool) => {
                let v = bool_expr(operand, leaves)?;
                quote!((!#v))
            }
            (UnaryOp::Not, Type::Int) => {
                let v = int_expr(operand, leaves)?;
                quote!((!#v))
            }
            (UnaryOp::Neg, _) => {
                let v = int_expr(operand, leaves)?;
                quote!((#v).checked_neg()?)
            }
        },
        ExprKind::Binary { op, lhs, rhs } => binary(*op, lhs, rhs, leaves)?,
    })
}

fn binary(
    op: BinaryOp,
    lhs: &Expr,
    rhs: &Expr,
    leaves: &dyn Leaves,
) -> Result<TokenStream, Missing> {
    use BinaryOp::*;
    if let Or | And = op {
        let (l, r) = (bool_expr(lhs, leaves)?, bool_expr(rhs, leaves)?);
        return Ok(match op {
            Or => quote!((#l || #r)),
            _ => quote!((#l && #r)),
        });
    }
    // `==` and `!=` compare booleans as booleans, everything else as integers.
    if let (Eq | Ne, Type::Bool, Type::Bool) = (op, lhs.ty, rhs.ty) {
        let (l, r) = (bool_expr(lhs, leaves)?, bool_expr(rhs, leaves)?);
        return Ok(match op {
            Eq => quote!((#l == #r)),
            _ => quote!((#l != #r)),
        });
    }
    let (l, r) = (int_expr(lhs, leaves)?, int_expr(rhs, leaves)?);
    Ok(match op {
        Eq => quote!((#l == #r)),
        Ne => quote!((#l != #r)),
        Lt => quote!((#l < #r)),
        Le => quote!((#l <= #r)),
        Gt => quote!((#l > #r)),
        Ge => quote!((#l >= #r)),
        BitOr => quote!((#l | #r)),
        BitXor => quote!((#l ^ #r)),
        BitAnd => quote!((#l & #r)),
        Shl => quote!((#l).checked_shl(u32::try_from(#r).ok()?)?),
        Shr => quote!((#l).checked_shr(u32::try_from(#r).ok()?)?),
        Add => quote!((#l).checked_add(#r)?),
        Sub => quote!((#l).checked_sub(#r)?),
        Mul => quote!((#l).checked_mul(#r)?),
        Div => quote!((#l).checked_div(#r)?),
        Rem => quote!((#l).checked_rem(#r)?),
        Or | And => unreachable!("handled above"),
    })
}

fn call(builtin: Builtin, args: &[Expr], leaves: &dyn Leaves) -> Result<TokenStream, Missing> {
    Ok(match (builtin, args) {
        (Builtin::IsNull, [arg]) => match &arg.kind {
            ExprKind::Field { path } => {
                let (read, pointer) = leaves
                    .field(path)
                    .ok_or_else(|| Missing::Field(path.clone()))?;
                if pointer {
                    quote!((#read).is_null())
                } else {
                    quote!(((#read) as i128 == 0))
                }
            }
            _ => {
                let v = int_expr(arg, leaves)?;
                quote!((#v == 0))
            }
        },
        (Builtin::IsPowerOfTwo, [arg]) => {
            let v = int_expr(arg, leaves)?;
            quote!({ let v: i128 = #v; v > 0 && (v & (v - 1)) == 0 })
        }
        (Builtin::Aligned, [value, align]) => {
            let (v, a) = (int_expr(value, leaves)?, int_expr(align, leaves)?);
            quote!(((#v).checked_rem(#a)? == 0))
        }
        // Resolution checks arity; an IR that breaks that holds nothing to check.
        _ => quote!(false),
    })
}
