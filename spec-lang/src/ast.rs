//! The syntax tree, exactly as written, with a span on every node.
//!
//! The AST records what the user wrote, including words the grammar takes as plain
//! identifiers (`irqsave`, `to_device`); resolution decides what they mean. Only the
//! resolver reads this module: codegen and the checker see the IR.
//!
//! Every node the grammar builds passes through lalrpop's symbol stack, whose entries are as
//! large as the largest node type and are moved on every shift and reduction. Large payloads
//! are therefore boxed (`ItemKind`'s items, `Member::kind`, `OpsMember`s), so that no node is
//! larger than lalrpop's own error-recovery value; the assertions at the end of this file keep
//! it so.

use crate::span::Span;

/// A name with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A `///` or `//!` line, without its marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The text after the marker, one leading space removed.
    pub text: String,
    /// The whole comment.
    pub span: Span,
}

/// A whole `.inv` file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// `//!` lines at the top.
    pub docs: Vec<Doc>,
    /// Items in source order; items that failed to parse are [`ItemKind::Error`].
    pub items: Vec<Item>,
}

/// A top-level item with its doc comments.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its `///` lines.
    pub docs: Vec<Doc>,
    /// What kind of item.
    pub kind: ItemKind,
    /// From the keyword to the `;` or `}` (doc comments excluded).
    pub span: Span,
}

/// The kinds of top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `header "x.h";` or `header <x.h>;`
    Header(Header),
    /// `newtype N = u16 where EXPR;`
    Newtype(Box<Newtype>),
    /// `struct S { ... }`
    Struct(Box<Struct>),
    /// `lock rtnl: mutex acquire rtnl_lock release rtnl_unlock;`
    Lock(Box<LockSpec>),
    /// `macro M(x) = contract(...);`
    Macro(Box<Macro>),
    /// `ops struct S { ... }`
    Ops(Box<Ops>),
    /// `fn F(a, b) context hardirq;`
    Fn(Box<FnDecl>),
    /// `order A < B < C;`
    Order(Order),
    /// Text the parser could not make sense of; already reported.
    Error,
}

/// `header "x.h";` (beside the spec) or `header <x.h>;` (through the include paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The path between the quotes or angle brackets.
    pub path: String,
    /// `true` for the `<...>` form.
    pub system: bool,
    /// The path's position, delimiters included.
    pub path_span: Span,
}

/// `newtype N = BASE where EXPR;`
#[derive(Debug, Clone, PartialEq)]
pub struct Newtype {
    /// The newtype's name.
    pub name: Ident,
    /// The integer type it wraps.
    pub base: Ident,
    /// The `where` clause, in which `value` is the wrapped value.
    pub constraint: Option<Expr>,
}

/// `struct S { members }`
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// The C struct tag.
    pub name: Ident,
    /// Members in source order.
    pub members: Vec<Member>,
}

/// A struct member with its doc comments.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Its `///` lines.
    pub docs: Vec<Doc>,
    /// What kind of member (boxed: most kinds are several names and types long).
    pub kind: Box<MemberKind>,
    /// From the keyword to the `;`.
    pub span: Span,
}

/// `NAME: KIND MODE* [acquire F] [release G]`, shared by struct and global locks.
#[derive(Debug, Clone, PartialEq)]
pub struct LockSpec {
    /// The lock's field or variable name.
    pub name: Ident,
    /// `spinlock`, `mutex`, ...
    pub kind: Ident,
    /// `irqsave`, `irq`, `bh` (zero or one is valid).
    pub modes: Vec<Ident>,
    /// The C function that takes the lock, when not the kind's standard one.
    pub acquire: Option<Ident>,
    /// The C function that releases it.
    pub release: Option<Ident>,
}

/// A C type named in a member: `struct foo` or a typedef name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CType {
    /// `true` when written `struct NAME`.
    pub is_struct: bool,
    /// The tag or typedef name.
    pub name: Ident,
    /// The whole type.
    pub span: Span,
}

/// A dotted name: `lock`, `vnet_dev.cfg_lock`, `q.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// At least one segment.
    pub segments: Vec<Ident>,
    /// The whole path.
    pub span: Span,
}

/// The kinds of struct member.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberKind {
    /// `lock L: spinlock irqsave;`
    Lock(Box<LockSpec>),
    /// `guarded_by(L) f, g;`
    GuardedBy {
        /// The guarding lock.
        lock: Path,
        /// The fields it guards.
        fields: Vec<Ident>,
    },
    /// `field f: Newtype;`
    Field {
        /// The field.
        name: Ident,
        /// The newtype of its values.
        ty: Ident,
    },
    /// `invariant EXPR;`
    Invariant(Expr),
    /// `readonly f, g;`
    Readonly(Vec<Ident>),
    /// `lockless f, g;`
    Lockless(Vec<Ident>),
    /// `rcu p: struct T updated_under(L);`
    Rcu {
        /// The pointer field.
        name: Ident,
        /// What it points to.
        target: CType,
        /// The lock writers hold.
        updated_under: Option<Path>,
    },
    /// `dma d: coherent struct T[n];`
    DmaCoherent {
        /// The pointer field.
        name: Ident,
        /// The element type.
        elem: CType,
        /// The element count, if an array.
        count: Option<Expr>,
    },
    /// `dma d: streaming DIR addr(a) len(n);`
    DmaStreaming {
        /// The CPU pointer field.
        name: Ident,
        /// `to_device`, `from_device` or `bidirectional`.
        direction: Ident,
        /// The field holding the bus address.
        addr: Option<Ident>,
        /// The field holding the length.
        len: Option<Ident>,
    },
    /// `embeds m: struct P;`
    Embeds {
        /// The embedded member.
        name: Ident,
        /// Its type.
        ty: CType,
    },
    /// `list l: struct E via n guarded_by(L);`
    List {
        /// The `list_head` field.
        name: Ident,
        /// The entry type.
        entry: CType,
        /// The entry's link member.
        via: Ident,
        /// The lock that guards the list.
        guarded_by: Option<Path>,
    },
    /// `refcount r: kref release F;`
    Refcount {
        /// The counter field.
        name: Ident,
        /// `kref` or `refcount_t`.
        kind: Ident,
        /// The function run when the count reaches zero.
        release: Option<Ident>,
    },
    /// A member that failed to parse; already reported.
    Error,
}

/// `macro M(params) = callee(args);`
#[derive(Debug, Clone, PartialEq)]
pub struct Macro {
    /// The C macro's name.
    pub name: Ident,
    /// Its parameters.
    pub params: Vec<Ident>,
    /// The contract it implements, e.g. `container_of`.
    pub callee: Ident,
    /// The contract's arguments.
    pub args: Vec<MacroArg>,
}

/// An argument of a macro contract.
#[derive(Debug, Clone, PartialEq)]
pub enum MacroArg {
    /// A parameter, path or expression.
    Expr(Expr),
    /// `struct T`.
    Type(CType),
}

/// `ops struct S { member: fn(params) -> ret context C; ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Ops {
    /// The C struct tag of the ops table.
    pub name: Ident,
    /// Its function-pointer members (boxed, as the parser builds them).
    pub members: Vec<Box<OpsMember>>,
}

/// One function pointer of an ops table.
#[derive(Debug, Clone, PartialEq)]
pub struct OpsMember {
    /// Its `///` lines.
    pub docs: Vec<Doc>,
    /// The member name.
    pub name: Ident,
    /// Parameter names.
    pub params: Vec<Ident>,
    /// `errno` or a C type name.
    pub returns: Option<Ident>,
    /// The context it is called in.
    pub context: Option<Ident>,
    /// The whole member.
    pub span: Span,
    /// `true` when the member failed to parse; already reported.
    pub is_error: bool,
}

/// `fn F(params) clauses;`
#[derive(Debug, Clone, PartialEq)]
pub struct FnDecl {
    /// The C function's name.
    pub name: Ident,
    /// Parameter names.
    pub params: Vec<Ident>,
    /// `context`, `may_sleep` and `requires` clauses in source order.
    pub clauses: Vec<FnClause>,
}

/// A clause of a `fn` item.
#[derive(Debug, Clone, PartialEq)]
pub enum FnClause {
    /// `context hardirq`
    Context(Ident),
    /// `may_sleep`
    MaySleep(Span),
    /// `requires q.lock, rtnl`
    Requires(Vec<Path>),
}

/// `order A < B < C;`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The locks, first taken first.
    pub locks: Vec<Path>,
}

/// An expression, with its nesting depth so that resolution never recurses without bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind.
    pub kind: ExprKind,
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
pub enum ExprKind {
    /// An integer literal.
    Int(u64),
    /// A field, constant, `value` or dotted path.
    Path(Path),
    /// `name(args)`: a builtin.
    Call {
        /// The function.
        callee: Ident,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `!x`, `-x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// `a OP b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Where the operator is.
        op_span: Span,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
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
    assert!(size_of::<Item>() <= 88);
    assert!(size_of::<ItemKind>() <= 88);
    assert!(size_of::<Member>() <= 88);
    assert!(size_of::<Expr>() <= 88);
    assert!(size_of::<MacroArg>() <= 88);
    assert!(size_of::<CType>() <= 88);
};
