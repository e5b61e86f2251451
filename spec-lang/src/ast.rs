//! The syntax tree, exactly as written, with a span on every node.
//!
//! The AST records what the user wrote, including words the grammar takes as plain
//! identifiers (`irqsave`, `to_device`); resolution decides what they mean. Only the
//! resolver reads this module: codegen and the checker see the IR.
//!
//! Names, doc comment text and header paths borrow the source text (`'src`): building the
//! tree copies no strings, and resolution copies only what the IR keeps.
//!
//! Every node the grammar builds passes through lalrpop's symbol stack, whose entries are as
//! large as the largest node type and are moved on every shift and reduction. Large payloads
//! are therefore boxed (`ItemKind`'s items, `Member::kind`, `OpsMember`s), so that no node is
//! larger than lalrpop's own error-recovery value; the assertions at the end of this file keep
//! it so.

use crate::span::Span;

/// A name with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident<'src> {
    /// The text.
    pub name: &'src str,
    /// Where it was written.
    pub span: Span,
}

/// A `///` or `//!` line, without its marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc<'src> {
    /// The text after the marker, one leading space removed.
    pub text: &'src str,
    /// The whole comment.
    pub span: Span,
}

/// A whole `.inv` file.
#[derive(Debug, Clone, PartialEq)]
pub struct File<'src> {
    /// `//!` lines at the top.
    pub docs: Vec<Doc<'src>>,
    /// Items in source order; items that failed to parse are [`ItemKind::Error`].
    pub items: Vec<Item<'src>>,
}

/// A top-level item with its doc comments.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'src> {
    /// Its `///` lines.
    pub docs: Vec<Doc<'src>>,
    /// What kind of item.
    pub kind: ItemKind<'src>,
    /// From the keyword to the `;` or `}` (doc comments excluded).
    pub span: Span,
}

/// The kinds of top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind<'src> {
    /// `header "x.h";` or `header <x.h>;`
    Header(Header<'src>),
    /// `newtype N = u16 where EXPR;`
    Newtype(Box<Newtype<'src>>),
    /// `struct S { ... }`
    Struct(Box<Struct<'src>>),
    /// `lock rtnl: mutex acquire rtnl_lock release rtnl_unlock;`
    Lock(Box<LockSpec<'src>>),
    /// `macro M(x) = contract(...);`
    Macro(Box<Macro<'src>>),
    /// `ops struct S { ... }`
    Ops(Box<Ops<'src>>),
    /// `fn F(a, b) context hardirq;`
    Fn(Box<FnDecl<'src>>),
    /// `order A < B < C;`
    Order(Order<'src>),
    /// Text the parser could not make sense of; already reported.
    Error,
}

/// `header "x.h";` (beside the spec) or `header <x.h>;` (through the include paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'src> {
    /// The path between the quotes or angle brackets.
    pub path: &'src str,
    /// `true` for the `<...>` form.
    pub system: bool,
    /// The path's position, delimiters included.
    pub path_span: Span,
}

/// `newtype N = BASE where EXPR;`
#[derive(Debug, Clone, PartialEq)]
pub struct Newtype<'src> {
    /// The newtype's name.
    pub name: Ident<'src>,
    /// The integer type it wraps.
    pub base: Ident<'src>,
    /// The `where` clause, in which `value` is the wrapped value.
    pub constraint: Option<Expr<'src>>,
}

/// `struct S { members }`
#[derive(Debug, Clone, PartialEq)]
pub struct Struct<'src> {
    /// The C struct tag.
    pub name: Ident<'src>,
    /// Members in source order.
    pub members: Vec<Member<'src>>,
}

/// A struct member with its doc comments.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'src> {
    /// Its `///` lines.
    pub docs: Vec<Doc<'src>>,
    /// What kind of member (boxed: most kinds are several names and types long).
    pub kind: Box<MemberKind<'src>>,
    /// From the keyword to the `;`.
    pub span: Span,
}

/// `NAME: KIND MODE* [acquire F] [release G]`, shared by struct and global locks.
#[derive(Debug, Clone, PartialEq)]
pub struct LockSpec<'src> {
    /// The lock's field or variable name.
    pub name: Ident<'src>,
    /// `spinlock`, `mutex`, ...
    pub kind: Ident<'src>,
    /// `irqsave`, `irq`, `bh` (zero or one is valid).
    pub modes: Vec<Ident<'src>>,
    /// The C function that takes the lock, when not the kind's standard one.
    pub acquire: Option<Ident<'src>>,
    /// The C function that releases it.
    pub release: Option<Ident<'src>>,
}

/// A C type named in a member: `struct foo` or a typedef name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CType<'src> {
    /// `true` when written `struct NAME`.
    pub is_struct: bool,
    /// The tag or typedef name.
    pub name: Ident<'src>,
    /// The whole type.
    pub span: Span,
}

/// A dotted name: `lock`, `vnet_dev.cfg_lock`, `q.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path<'src> {
    /// At least one segment.
    pub segments: Vec<Ident<'src>>,
    /// The whole path.
    pub span: Span,
}

/// The kinds of struct member.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberKind<'src> {
    /// `lock L: spinlock irqsave;`
    Lock(Box<LockSpec<'src>>),
    /// `guarded_by(L) f, g;`
    GuardedBy {
        /// The guarding lock.
        lock: Path<'src>,
        /// The fields it guards.
        fields: Vec<Ident<'src>>,
    },
    /// `field f: Newtype;`
    Field {
        /// The field.
        name: Ident<'src>,
        /// The newtype of its values.
        ty: Ident<'src>,
    },
    /// `invariant EXPR;`
    Invariant(Expr<'src>),
    /// `readonly f, g;`
    Readonly(Vec<Ident<'src>>),
    /// `lockless f, g;`
    Lockless(Vec<Ident<'src>>),
    /// `rcu p: struct T updated_under(L);`
    Rcu {
        /// The pointer field.
        name: Ident<'src>,
        /// What it points to.
        target: CType<'src>,
        /// The lock writers hold.
        updated_under: Option<Path<'src>>,
    },
    /// `dma d: coherent struct T[n];`
    DmaCoherent {
        /// The pointer field.
        name: Ident<'src>,
        /// The element type.
        elem: CType<'src>,
        /// The element count, if an array.
        count: Option<Expr<'src>>,
    },
    /// `dma d: streaming DIR addr(a) len(n);`
    DmaStreaming {
        /// The CPU pointer field.
        name: Ident<'src>,
        /// `to_device`, `from_device` or `bidirectional`.
        direction: Ident<'src>,
        /// The field holding the bus address.
        addr: Option<Ident<'src>>,
        /// The field holding the length.
        len: Option<Ident<'src>>,
    },
    /// `embeds m: struct P;`
    Embeds {
        /// The embedded member.
        name: Ident<'src>,
        /// Its type.
        ty: CType<'src>,
    },
    /// `list l: struct E via n guarded_by(L);`
    List {
        /// The `list_head` field.
        name: Ident<'src>,
        /// The entry type.
        entry: CType<'src>,
        /// The entry's link member.
        via: Ident<'src>,
        /// The lock that guards the list.
        guarded_by: Option<Path<'src>>,
    },
    /// `refcount r: kref release F;`
    Refcount {
        /// The counter field.
        name: Ident<'src>,
        /// `kref` or `refcount_t`.
        kind: Ident<'src>,
        /// The function run when the count reaches zero.
        release: Option<Ident<'src>>,
    },
    /// A member that failed to parse; already reported.
    Error,
}

/// `macro M(params) = callee(args);`
#[derive(Debug, Clone, PartialEq)]
pub struct Macro<'src> {
    /// The C macro's name.
    pub name: Ident<'src>,
    /// Its parameters.
    pub params: Vec<Ident<'src>>,
    /// The contract it implements, e.g. `container_of`.
    pub callee: Ident<'src>,
    /// The contract's arguments.
    pub args: Vec<MacroArg<'src>>,
}

/// An argument of a macro contract.
#[derive(Debug, Clone, PartialEq)]
pub enum MacroArg<'src> {
    /// A parameter, path or expression.
    Expr(Expr<'src>),
    /// `struct T`.
    Type(CType<'src>),
}

/// `ops struct S { member: fn(params) -> ret context C; ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Ops<'src> {
    /// The C struct tag of the ops table.
    pub name: Ident<'src>,
    /// Its function-pointer members (boxed, as the parser builds them).
    pub members: Vec<Box<OpsMember<'src>>>,
}

/// One function pointer of an ops table.
#[derive(Debug, Clone, PartialEq)]
pub struct OpsMember<'src> {
    /// Its `///` lines.
    pub docs: Vec<Doc<'src>>,
    /// The member name.
    pub name: Ident<'src>,
    /// Parameter names.
    pub params: Vec<Ident<'src>>,
    /// `errno` or a C type name.
    pub returns: Option<Ident<'src>>,
    /// The context it is called in.
    pub context: Option<Ident<'src>>,
    /// The whole member.
    pub span: Span,
    /// `true` when the member failed to parse; already reported.
    pub is_error: bool,
}

/// `fn F(params) clauses;`
#[derive(Debug, Clone, PartialEq)]
pub struct FnDecl<'src> {
    /// The C function's name.
    pub name: Ident<'src>,
    /// Parameter names.
    pub params: Vec<Ident<'src>>,
    /// `context`, `may_sleep` and `requires` clauses in source order.
    pub clauses: Vec<FnClause<'src>>,
}

/// A clause of a `fn` item.
#[derive(Debug, Clone, PartialEq)]
pub enum FnClause<'src> {
    /// `context hardirq`
    Context(Ident<'src>),
    /// `may_sleep`
    MaySleep(Span),
    /// `requires q.lock, rtnl`
    Requires(Vec<Path<'src>>),
}

/// `order A < B < C;`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order<'src> {
    /// The locks, first taken first.
    pub locks: Vec<Path<'src>>,
}

/// An expression, with its nesting depth so that resolution never recurses without bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr<'src> {
    /// What kind.
    pub kind: ExprKind<'src>,
    /// Where.
    pub span: Span,
    /// 1 for a leaf; the grammar replaces anything deeper than [`MAX_EXPR_DEPTH`].
    pub depth: u32,
}

/// How deeply expressions may nest; deeper ones are an error (E0005). A flat chain of 200
/// `&&`-joined conditions is 200 deep, so the bound is generous; it exists so that no input
/// can overflow the stack of the recursive phases after the parser.
pub const MAX_EXPR_DEPTH: u32 = 256;

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind<'src> {
    /// An integer literal.
    Int(u64),
    /// A field, constant, `value` or dotted path.
    Path(Path<'src>),
    /// `name(args)`: a builtin.
    Call {
        /// The function.
        callee: Ident<'src>,
        /// The arguments.
        args: Vec<Expr<'src>>,
    },
    /// `!x`, `-x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr<'src>>,
    },
    /// `a OP b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Where the operator is.
        op_span: Span,
        /// The left and right operands, in one allocation.
        operands: Box<[Expr<'src>; 2]>,
    },
    /// An expression that was already reported as wrong.
    Error,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnaryOp {
    /// `!`: logical not on booleans, bitwise not on integers (as in Rust).
    Not,
    /// `-`
    Neg,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // Each is the operator of the same name.
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    BitOr,
    BitXor,
    BitAnd,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Or => "||",
            And => "&&",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            BitOr => "|",
            BitXor => "^",
            BitAnd => "&",
            Shl => "<<",
            Shr => ">>",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
        }
    }
}

// The nodes the grammar builds, at most as large as lalrpop's `ErrorRecovery` (88 bytes on
// 64-bit targets), so that its symbol stack stays small (see the module documentation).
#[cfg(target_pointer_width = "64")]
const _: () = {
    use std::mem::size_of;
    assert!(size_of::<Item<'static>>() <= 88);
    assert!(size_of::<ItemKind<'static>>() <= 88);
    assert!(size_of::<Member<'static>>() <= 88);
    assert!(size_of::<Expr<'static>>() <= 88);
    assert!(size_of::<MacroArg<'static>>() <= 88);
    assert!(size_of::<CType<'static>>() <= 88);
};
