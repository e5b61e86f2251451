//! The header model: what the C headers of a spec declare, as plain data.
//!
//! Serializable so that it can be cached and dumped (`invc headers`). Maps are ordered, so
//! the JSON is deterministic; a model loaded from the cache decodes their entries when they
//! are asked for ([`Decls`]). Versioned by [`MODEL_VERSION`]; bump it on any change a reader
//! of the JSON (or of a cache) could notice.

use crate::decls::Decls;
use serde::{Deserialize, Serialize};

/// The version of the model's JSON form.
pub const MODEL_VERSION: u32 = 2;

/// Everything the translation unit built from a spec's `header` items declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeaderModel {
    /// Always [`MODEL_VERSION`].
    pub model_version: u32,
    /// Structs and unions with a definition, by tag.
    pub records: Decls<Record>,
    /// Typedefs, by name.
    pub typedefs: Decls<Typedef>,
    /// Named enums, by tag.
    pub enums: Decls<Enum>,
    /// Integer constants: enumerators (named and anonymous enums) and object-like macros
    /// whose body evaluates to an integer.
    pub constants: Decls<i128>,
    /// Every macro definition, by name.
    pub macros: Decls<Macro>,
    /// Function declarations, by name.
    pub functions: Decls<Function>,
    /// Every file the model was read from (the headers, what they include, and files given
    /// with `-include`), sorted. The model cache checks their contents before reuse.
    pub inputs: Vec<String>,
}

impl HeaderModel {
    /// Whether part of a model loaded from the cache did not decode, so that its answers
    /// cannot be trusted.
    pub(crate) fn is_damaged(&self) -> bool {
        self.records.is_damaged()
            || self.typedefs.is_damaged()
            || self.enums.is_damaged()
            || self.constants.is_damaged()
            || self.macros.is_damaged()
            || self.functions.is_damaged()
    }

    /// The same model with every declaration decoded; `None` if some did not decode.
    pub(crate) fn decoded(self) -> Option<HeaderModel> {
        // Decode everything before asking for damage, and before the stored bytes go.
        self.records.as_map();
        self.typedefs.as_map();
        self.enums.as_map();
        self.constants.as_map();
        self.macros.as_map();
        self.functions.as_map();
        if self.is_damaged() {
            return None;
        }
        Some(HeaderModel {
            model_version: self.model_version,
            records: self.records.into_decoded(),
            typedefs: self.typedefs.into_decoded(),
            enums: self.enums.into_decoded(),
            constants: self.constants.into_decoded(),
            macros: self.macros.into_decoded(),
            functions: self.functions.into_decoded(),
            inputs: self.inputs,
        })
    }
}

/// Where a declaration is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file, as clang names it.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// `struct` or `union`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A struct.
    Struct,
    /// A union.
    Union,
}

/// A struct or union definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The tag.
    pub name: String,
    /// Struct or union.
    pub kind: RecordKind,
    /// Size in bytes, when complete.
    pub size: Option<u64>,
    /// Members in declaration order; anonymous struct/union members have `name: None` and
    /// their own `members`.
    pub fields: Vec<Field>,
    /// Where it is defined.
    pub location: Location,
}

impl Record {
    /// Finds a field by name, looking through anonymous members as C does.
    pub fn field(&self, name: &str) -> Option<&Field> {
        fn find<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
            fields.iter().find_map(|f| match &f.name {
                Some(n) if n == name => Some(f),
                None => find(&f.members, name),
                Some(_) => None,
            })
        }
        find(&self.fields, name)
    }

    /// Every field name reachable from this record, for "did you mean" suggestions.
    pub fn field_names(&self) -> Vec<&str> {
        fn walk<'a>(fields: &'a [Field], out: &mut Vec<&'a str>) {
            for f in fields {
                match &f.name {
                    Some(n) => out.push(n),
                    None => walk(&f.members, out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.fields, &mut out);
        out
    }
}

/// A member of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The name; `None` for an anonymous struct or union member.
    pub name: Option<String>,
    /// Its type.
    pub ty: CType,
    /// Offset in bits from the start of the outermost named record (anonymous members are
    /// looked through), when known.
    pub offset_bits: Option<u64>,
    /// Width of a bitfield.
    pub bit_width: Option<u32>,
    /// The members of an anonymous struct or union.
    pub members: Vec<Field>,
    /// Where it is declared.
    pub location: Location,
}

/// A C type, as written and as clang resolves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CType {
    /// As written, e.g. `spinlock_t`.
    pub spelling: String,
    /// With typedefs resolved, e.g. `struct spinlock`.
    pub canonical: String,
    /// What kind of type it is, after typedefs.
    pub shape: Shape,
    /// Size in bytes, when complete.
    pub size: Option<u64>,
}

/// The kinds of type a cross-check needs to tell apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Shape {
    /// `void`.
    Void,
    /// `_Bool`.
    Bool,
    /// An integer or enum type.
    Integer {
        /// Whether it is signed.
        signed: bool,
    },
    /// A floating-point type.
    Float,
    /// A pointer.
    Pointer {
        /// The canonical pointee type.
        pointee: String,
        /// Whether it points to a function.
        to_function: bool,
        /// The number of parameters, when it points to a function with a prototype.
        params: Option<u32>,
    },
    /// A struct or union.
    Record {
        /// Its tag (empty for an anonymous record).
        tag: String,
    },
    /// An array.
    Array {
        /// Element count, when constant.
        len: Option<u64>,
        /// The canonical element type.
        element: String,
    },
    /// Anything else (function types, vectors, ...).
    Other,
}

/// A typedef.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Typedef {
    /// Its name.
    pub name: String,
    /// What it names.
    pub underlying: CType,
    /// Where it is declared.
    pub location: Location,
}

/// A named enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    /// Its tag.
    pub name: String,
    /// Its enumerators with their values, in order.
    pub constants: Vec<(String, i128)>,
    /// Where it is defined.
    pub location: Location,
}

/// A macro definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Macro {
    /// Its name.
    pub name: String,
    /// Whether it takes arguments.
    pub function_like: bool,
    /// Its value, for an object-like macro whose body is an integer expression.
    pub value: Option<i128>,
    /// Where it is defined.
    pub location: Location,
}

/// A function declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    /// Its name.
    pub name: String,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// The return type.
    pub returns: CType,
    /// Whether it takes `...`.
    pub variadic: bool,
    /// Where it is declared.
    pub location: Location,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Its name, if the declaration gives one.
    pub name: Option<String>,
    /// Its type.
    pub ty: CType,
}
