//! The IR: a resolved, checked spec as plain data.
//!
//! This is the one interface between phases: codegen and the checker read only this, never
//! the AST. It is serializable (`invc ir` prints it) and versioned by [`IR_VERSION`]; bump it
//! on any change that a consumer could notice. Every node keeps the [`Span`] of the `.inv`
//! text it came from, so every diagnostic and generated item can point back to the spec.
//!
//! After resolution (the only producer) these hold: every lock reference names a lock that
//! exists; every field appears once in its struct's `fields`; no field is guarded by two
//! locks; every expression is well typed and invariants are boolean; the lock order is
//! acyclic.

use crate::ast::{BinaryOp, UnaryOp};
use crate::span::Span;
use serde::{Deserialize, Serialize};

/// The version of this IR's JSON form.
pub const IR_VERSION: u32 = 1;

/// A whole resolved spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// Always [`IR_VERSION`] when produced by this crate.
    pub ir_version: u32,
    /// The `.inv` file's name as given.
    pub source: String,
    /// The file's `//!` docs.
    pub docs: Vec<String>,
    /// `header` items.
    pub headers: Vec<Header>,
    /// `newtype` items.
    pub newtypes: Vec<Newtype>,
    /// Top-level (global) `lock` items.
    pub locks: Vec<Lock>,
    /// `struct` items.
    pub structs: Vec<Struct>,
    /// `macro` items.
    pub macros: Vec<Macro>,
    /// `ops struct` items.
    pub ops: Vec<Ops>,
    /// `fn` items.
    pub functions: Vec<Function>,
    /// Every `A < B` pair from `order` items (a chain `A < B < C` gives two).
    pub lock_order: Vec<OrderEdge>,
}

/// A C header the spec is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The path as written.
    pub path: String,
    /// `true` for `<...>`: found through the include paths, not beside the spec.
    pub system: bool,
    /// Where the item is.
    pub span: Span,
}

/// The integer types a newtype can wrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)] // The Rust type of the same name.
pub enum IntType {
    U8,
    U16,
    U32,
    U64,
    Usize,
    I8,
    I16,
    I32,
    I64,
    Isize,
}

impl IntType {
    /// Every integer type with its Rust name.
    pub const ALL: &'static [(&'static str, IntType)] = &[
        ("u8", IntType::U8),
        ("u16", IntType::U16),
        ("u32", IntType::U32),
        ("u64", IntType::U64),
        ("usize", IntType::Usize),
        ("i8", IntType::I8),
        ("i16", IntType::I16),
        ("i32", IntType::I32),
        ("i64", IntType::I64),
        ("isize", IntType::Isize),
    ];
}

/// `newtype N = T where EXPR`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Newtype {
    /// The Rust name of the newtype.
    pub name: String,
    /// The wrapped integer type.
    pub base: IntType,
    /// What every value satisfies; `value` in it is the wrapped value.
    pub constraint: Option<Invariant>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The item.
    pub span: Span,
}

/// The kind of a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockKind {
    /// `spinlock_t`
    Spinlock,
    /// `struct mutex` (sleeps)
    Mutex,
    /// `rwlock_t`
    Rwlock,
    /// `struct rw_semaphore` (sleeps)
    RwSemaphore,
    /// `seqlock_t`
    Seqlock,
}

impl LockKind {
    /// Every kind with its spelling.
    pub const ALL: &'static [(&'static str, LockKind)] = &[
        ("spinlock", LockKind::Spinlock),
        ("mutex", LockKind::Mutex),
        ("rwlock", LockKind::Rwlock),
        ("rw_semaphore", LockKind::RwSemaphore),
        ("seqlock", LockKind::Seqlock),
    ];

    /// Whether taking the lock may sleep (and so is forbidden in atomic context).
    pub fn sleeps(self) -> bool {
        matches!(self, LockKind::Mutex | LockKind::RwSemaphore)
    }
}

/// How a spinning lock is taken with respect to interrupts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockMode {
    /// `spin_lock`
    Plain,
    /// `spin_lock_irq`: interrupts off, unconditionally on again at unlock.
    Irq,
    /// `spin_lock_irqsave`: interrupts off, the saved state restored at unlock.
    Irqsave,
    /// `spin_lock_bh`: bottom halves off.
    Bh,
}

impl LockMode {
    /// Every mode that can be written after the kind.
    pub const WRITTEN: &'static [(&'static str, LockMode)] = &[
        ("irq", LockMode::Irq),
        ("irqsave", LockMode::Irqsave),
        ("bh", LockMode::Bh),
    ];
}

/// A lock: a struct member or a global.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    /// Field or variable name.
    pub name: String,
    /// Its kind.
    pub kind: LockKind,
    /// How it is taken.
    pub mode: LockMode,
    /// A C function that takes it, instead of the kind's standard one.
    pub acquire: Option<String>,
    /// A C function that releases it.
    pub release: Option<String>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The member or item.
    pub span: Span,
}

/// A reference to a lock, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockRef {
    /// Where the lock lives.
    pub owner: LockOwner,
    /// The lock's name.
    pub lock: String,
    /// Where the reference was written.
    pub span: Span,
}

/// Where a referenced lock lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LockOwner {
    /// A member of this spec's struct of that name.
    Struct {
        /// The struct.
        name: String,
    },
    /// A top-level `lock` item.
    Global,
    /// `requires p.lock` where several structs of the spec have a lock of that name: the
    /// owner is the struct `p` points to, which the header model reads from the C
    /// function's parameter type. (The candidates are the spec's structs with a lock of that
    /// name; they are not stored, since that would repeat every struct for every function.)
    Unresolved,
}

/// A C struct the spec describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Struct {
    /// The C struct tag.
    pub name: String,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The item.
    pub span: Span,
    /// Its locks.
    pub locks: Vec<Lock>,
    /// Every annotated scalar field, once, in order of first mention.
    pub fields: Vec<Field>,
    /// `invariant` members.
    pub invariants: Vec<Invariant>,
    /// `rcu` members.
    pub rcu: Vec<RcuPointer>,
    /// `dma` members.
    pub dma: Vec<Dma>,
    /// `embeds` members.
    pub embeds: Vec<Embed>,
    /// `list` members.
    pub lists: Vec<List>,
    /// `refcount` members.
    pub refcounts: Vec<Refcount>,
}

/// A field and the rules for touching it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The C field name.
    pub name: String,
    /// How it may be accessed.
    pub access: Access,
    /// The newtype of its values (`field f: N`).
    pub newtype: Option<String>,
    /// `///` lines of the members that mention it.
    pub docs: Vec<String>,
    /// Its first mention.
    pub span: Span,
}

/// How a field may be accessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Access {
    /// No rule beyond its newtype.
    Plain,
    /// Only with the lock held.
    Guarded {
        /// The lock.
        lock: LockRef,
    },
    /// Written only before the object is published.
    Readonly {
        /// The `readonly` member.
        span: Span,
    },
    /// Only with `READ_ONCE`/`WRITE_ONCE`.
    Lockless {
        /// The `lockless` member.
        span: Span,
    },
}

/// A boolean condition from the spec, with the text to quote when it fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invariant {
    /// The condition.
    pub expr: Expr,
    /// The condition as written, for assertion messages.
    pub text: String,
    /// The locks whose release must check it: the locks guarding the fields it reads. Empty
    /// when it reads no guarded field (then it is checked whenever the object is observed).
    pub checked_on: Vec<LockRef>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The member.
    pub span: Span,
}

/// `rcu p: T updated_under(L)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RcuPointer {
    /// The pointer field.
    pub name: String,
    /// The pointee type.
    pub target: CType,
    /// The lock writers hold.
    pub updated_under: Option<LockRef>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The member.
    pub span: Span,
}

/// A C type named by the spec (checked against the header later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CType {
    /// Tag or typedef name.
    pub name: String,
    /// `true` for `struct NAME`.
    pub is_struct: bool,
    /// Where it was written.
    pub span: Span,
}

/// A DMA buffer member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dma {
    /// The pointer field.
    pub name: String,
    /// Coherent or streaming.
    pub mapping: DmaMapping,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The member.
    pub span: Span,
}

/// The two kinds of DMA memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DmaMapping {
    /// Shared with the device for its lifetime.
    Coherent {
        /// Element type.
        elem: CType,
        /// Element count, when an array.
        count: Option<Expr>,
    },
    /// Owned by the CPU until mapped, by the device until unmapped.
    Streaming {
        /// Transfer direction.
        direction: DmaDirection,
        /// Field holding the bus address.
        addr: String,
        /// Field holding the length.
        len: String,
    },
}

/// Direction of a streaming mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DmaDirection {
    /// `DMA_TO_DEVICE`
    ToDevice,
    /// `DMA_FROM_DEVICE`
    FromDevice,
    /// `DMA_BIDIRECTIONAL`
    Bidirectional,
}

impl DmaDirection {
    /// Every direction with its spelling.
    pub const ALL: &'static [(&'static str, DmaDirection)] = &[
        ("to_device", DmaDirection::ToDevice),
        ("from_device", DmaDirection::FromDevice),
        ("bidirectional", DmaDirection::Bidirectional),
    ];
}

/// `embeds m: struct P`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Embed {
    /// The embedded member.
    pub name: String,
    /// Its type.
    pub ty: CType,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The member.
    pub span: Span,
}

/// `list l: struct E via n guarded_by(L)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List {
    /// The `list_head` field.
    pub name: String,
    /// Entry type.
    pub entry: CType,
    /// The entry's link member.
    pub via: String,
    /// The lock that guards the list.
    pub guarded_by: Option<LockRef>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The member.
    pub span: Span,
}

/// Kinds of reference count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefcountKind {
    /// `struct kref`
    Kref,
    /// `refcount_t`
    RefcountT,
}

impl RefcountKind {
    /// Every kind with its spelling.
    pub const ALL: &'static [(&'static str, RefcountKind)] = &[
        ("kref", RefcountKind::Kref),
        ("refcount_t", RefcountKind::RefcountT),
    ];
}

/// `refcount r: kref release F`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refcount {
    /// The counter field.
    pub name: String,
    /// Its kind.
    pub kind: RefcountKind,
    /// The function run at zero.
    pub release: Option<String>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The member.
    pub span: Span,
}

/// A C macro's contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Macro {
    /// The C macro's name.
    pub name: String,
    /// Its parameters.
    pub params: Vec<String>,
    /// What it does.
    pub contract: MacroContract,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The item.
    pub span: Span,
}

/// The contracts a macro can have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum MacroContract {
    /// `container_of(ptr, struct P, member)`: the parent of an embedded member.
    ContainerOf {
        /// The parameter holding the member pointer.
        ptr: String,
        /// The parent type.
        parent: CType,
        /// The member of the parent.
        member: String,
        /// `true` when the spec declares that member with `embeds`.
        declared_embeds: bool,
    },
    /// `READ_ONCE(p.f)`: a single, untorn read.
    ReadOnce {
        /// What is read.
        place: Vec<String>,
    },
    /// `WRITE_ONCE(p.f, v)`: a single, untorn write.
    WriteOnce {
        /// What is written.
        place: Vec<String>,
        /// The parameter holding the value.
        value: String,
    },
    /// `acquire(p.lock)`: a lock helper.
    Acquire {
        /// The lock it takes, and whose parameter it belongs to.
        lock: Requirement,
    },
    /// `release(p.lock)`: an unlock helper.
    Release {
        /// The lock it releases, and whose parameter it belongs to.
        lock: Requirement,
    },
}

/// An ops table: a C struct of function pointers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ops {
    /// The C struct tag.
    pub name: String,
    /// The function pointers.
    pub members: Vec<OpsMember>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The item.
    pub span: Span,
}

/// One function pointer of an ops table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsMember {
    /// The member name.
    pub name: String,
    /// Parameter names.
    pub params: Vec<String>,
    /// What it returns.
    pub returns: Returns,
    /// The context it is called in.
    pub context: Option<Context>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The member.
    pub span: Span,
}

/// What a function returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Returns {
    /// Nothing.
    Unit,
    /// 0 or a negative errno: becomes `Result<(), Errno>`.
    Errno,
    /// A value of the named C type.
    Value {
        /// The C type.
        ty: String,
    },
}

/// Execution contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    /// May sleep.
    Process,
    /// Softirq / bottom half.
    Softirq,
    /// Hard interrupt handler.
    Hardirq,
    /// Any other atomic section (spinlock held, preemption off).
    Atomic,
}

impl Context {
    /// Every context with its spelling.
    pub const ALL: &'static [(&'static str, Context)] = &[
        ("process", Context::Process),
        ("softirq", Context::Softirq),
        ("hardirq", Context::Hardirq),
        ("atomic", Context::Atomic),
    ];

    /// Whether code in this context must not sleep.
    pub fn is_atomic(self) -> bool {
        !matches!(self, Context::Process)
    }
}

/// A C function's contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    /// The C function's name.
    pub name: String,
    /// Parameter names.
    pub params: Vec<String>,
    /// The context it runs in.
    pub context: Option<Context>,
    /// Whether it may sleep.
    pub may_sleep: bool,
    /// Locks the caller must hold.
    pub requires: Vec<Requirement>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The item.
    pub span: Span,
}

/// A lock a function needs held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// The parameter whose lock it is; `None` for a global lock.
    pub param: Option<String>,
    /// The lock.
    pub lock: LockRef,
}

/// One `before < after` pair of the lock order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEdge {
    /// Taken first.
    pub before: LockRef,
    /// Taken while `before` is held.
    pub after: LockRef,
    /// The `order` item.
    pub span: Span,
}

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    /// `true`/`false`.
    Bool,
    /// An integer (C integers and pointers compared with 0 alike).
    Int,
}

/// A typed expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expr {
    /// What kind; flattened, so JSON reads `{"kind": "binary", "op": "lt", ...}`.
    #[serde(flatten)]
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// Where.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ExprKind {
    /// An integer literal.
    Int {
        /// Its value.
        value: u64,
    },
    /// A field of the struct (a path for a field of an embedded struct).
    Field {
        /// `["num_free"]`, or `["ring", "len"]`.
        path: Vec<String>,
    },
    /// `value` in a newtype constraint.
    Value,
    /// A C constant; `value` is filled in when a header model knows it.
    Constant {
        /// The macro or enumerator name.
        name: String,
        /// Its value, when known.
        value: Option<i128>,
    },
    /// A builtin call.
    Call {
        /// Which builtin.
        builtin: Builtin,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// `!x`, `-x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `a OP b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left.
        lhs: Box<Expr>,
        /// Right.
        rhs: Box<Expr>,
    },
}

/// Builtin functions of the expression language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    /// `is_null(f)`: the pointer field f is null.
    IsNull,
    /// `is_power_of_two(x)`
    IsPowerOfTwo,
    /// `aligned(x, n)`: x is a multiple of n.
    Aligned,
}

impl Builtin {
    /// Every builtin: spelling, parameter count, and a signature for messages.
    pub const ALL: &'static [(&'static str, Builtin, usize, &'static str)] = &[
        ("is_null", Builtin::IsNull, 1, "is_null(field)"),
        (
            "is_power_of_two",
            Builtin::IsPowerOfTwo,
            1,
            "is_power_of_two(integer)",
        ),
        ("aligned", Builtin::Aligned, 2, "aligned(integer, integer)"),
    ];
}
