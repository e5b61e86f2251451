//! The catalogue of error codes. A code, once published, keeps its meaning forever: add new
//! codes at the end, never renumber. The book's error index has an entry for every code, and
//! the tests of the code's [`Phase`] a fixture that triggers it; tests fail if either is
//! missing. Codes of one phase are numbered together, so a phase is a range of codes.

use serde::{Serialize, Serializer};

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal, $title:literal;)*) => {
        /// A stable diagnostic code, printed as `E0001`...
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `"E0012"`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The phase that reports the code, which is also what its examples and test
            /// fixtures need besides a spec.
            pub fn phase(self) -> Phase {
                if self >= Code::GenerationFailed {
                    Phase::Codegen
                } else if self >= Code::UnknownCStruct {
                    Phase::Headers
                } else {
                    Phase::Spec
                }
            }

            /// A short title, as used in the error index.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

/// Which phase reports a diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The lexer, parser and resolution: a spec alone triggers it (`spec-lang/tests/diagnostics/`).
    Spec,
    /// The cross-check against C headers: it needs a header too (`headers/tests/crosscheck/`).
    Headers,
    /// `invc gen`: it needs headers and a generation run (`codegen/tests/`).
    Codegen,
}

codes! {
    /// A character that starts no token.
    UnknownCharacter = "E0001", "unknown character";
    /// A string or block comment that never ends.
    Unterminated = "E0002", "unterminated string or comment";
    /// A token where the grammar does not allow it.
    UnexpectedToken = "E0003", "unexpected token";
    /// The file ends in the middle of an item.
    UnexpectedEof = "E0004", "unexpected end of file";
    /// An expression nested deeper than invc accepts.
    NestingTooDeep = "E0005", "expression nested too deeply";
    /// An integer literal that does not fit in 64 bits.
    IntegerTooLarge = "E0006", "integer literal too large";
    /// A `header` whose name is empty or contains white space.
    InvalidHeaderName = "E0007", "invalid header name";
    /// Two items define the same name.
    DuplicateItem = "E0010", "duplicate definition";
    /// Two members of a struct declare or annotate the same field the same way.
    DuplicateMember = "E0011", "duplicate member";
    /// A lock named where none exists.
    UnknownLock = "E0012", "unknown lock";
    /// A `field` whose type is not a declared newtype.
    UnknownNewtype = "E0013", "unknown newtype";
    /// Annotations on one field that cannot both hold.
    ConflictingAnnotations = "E0014", "conflicting annotations";
    /// One field guarded by two different locks.
    GuardedTwice = "E0015", "field guarded by two locks";
    /// An `invariant` or `where` clause that is not a boolean expression.
    NotBoolean = "E0016", "invariant is not a boolean expression";
    /// `order` items that form a cycle.
    LockOrderCycle = "E0017", "lock order cycle";
    /// A `requires` clause naming a parameter the function does not have.
    UnknownParameter = "E0018", "unknown parameter";
    /// A lock kind or mode that does not exist or does not fit together.
    InvalidLockKind = "E0019", "invalid lock kind";
    /// A newtype over something that is not an integer type.
    InvalidBaseType = "E0020", "invalid newtype base type";
    /// An execution context that does not exist.
    UnknownContext = "E0021", "unknown execution context";
    /// A DMA direction that does not exist.
    UnknownDmaDirection = "E0022", "unknown DMA direction";
    /// A refcount kind that does not exist.
    UnknownRefcountKind = "E0023", "unknown refcount kind";
    /// A call in an expression to a function that is not a builtin.
    UnknownFunction = "E0024", "unknown function in expression";
    /// An operand of the wrong type.
    MismatchedTypes = "E0025", "mismatched types";
    /// A builtin called with the wrong number of arguments.
    WrongArgumentCount = "E0026", "wrong number of arguments";
    /// A member missing a clause it cannot do without.
    MissingClause = "E0027", "missing clause";
    /// A macro whose body is not a known contract.
    UnknownMacroContract = "E0028", "unknown macro contract";
    /// A macro contract with arguments of the wrong number or kind.
    MalformedMacroContract = "E0029", "malformed macro contract";
    /// A parameter named twice.
    DuplicateParameter = "E0030", "duplicate parameter";
    /// Function clauses that contradict each other.
    ConflictingClauses = "E0031", "conflicting function clauses";
    /// A lock path that is neither `lock` nor `struct.lock` (or `param.lock` in `requires`).
    MalformedLockPath = "E0032", "malformed lock path";
    /// A name that is not in scope where it is used.
    UnknownName = "E0033", "name not in scope";
    /// A spec struct the C headers do not define.
    UnknownCStruct = "E0034", "struct not in the headers";
    /// A field the C struct does not have.
    UnknownCField = "E0035", "field not in the C struct";
    /// A `lock` whose C field is not of that lock kind.
    LockTypeMismatch = "E0036", "lock field of the wrong C type";
    /// An `rcu` member whose C field is not a pointer.
    RcuNotPointer = "E0037", "rcu member is not a pointer";
    /// A `dma` member whose C fields do not fit (buffer not a pointer, address not `dma_addr_t`).
    DmaTypeMismatch = "E0038", "dma member of the wrong C type";
    /// An `embeds` member whose C field is not of the named struct type.
    EmbedTypeMismatch = "E0039", "embedded member of the wrong C type";
    /// A `list` whose head or link is not a `struct list_head`.
    ListTypeMismatch = "E0040", "list member of the wrong C type";
    /// A `refcount` of the wrong C type, or whose release function is not declared.
    RefcountMismatch = "E0041", "refcount does not fit the headers";
    /// A newtype whose base type is not as wide as the C field it is used on.
    NewtypeWidthMismatch = "E0042", "newtype width differs from the field";
    /// A name in an expression that is neither a field nor a C constant.
    UnknownConstant = "E0043", "unknown C constant";
    /// An `ops` member that is not a function pointer of that arity in the C struct.
    OpsMismatch = "E0044", "ops member does not fit the headers";
    /// A `fn` the headers do not declare, or declare with another arity.
    FunctionMismatch = "E0045", "function does not fit the headers";
    /// The headers a spec names do not compile with the given clang flags.
    HeadersDoNotCompile = "E0046", "headers do not compile";
    /// `invc gen` cannot generate wrappers for a spec item (bindgen failed, or a field the
    /// wrappers need has no usable Rust form).
    GenerationFailed = "E0047", "cannot generate wrappers";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
