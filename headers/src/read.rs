//! Reading the model: one translation unit that includes every header of a spec, parsed by
//! libclang with the user's clang flags, walked into [`HeaderModel`].

use crate::macro_value;
use crate::model::*;
use clang::{Clang, Entity, EntityKind, Index, TypeKind, Unsaved};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

/// A header a spec names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderRef {
    /// `header "x.h"`: a file, already resolved against the spec's directory.
    File(PathBuf),
    /// `header <linux/fs.h>`: found through the include paths in the clang flags.
    System(String),
}

impl HeaderRef {
    /// The headers of a resolved spec's `header` items, in order, for the spec at
    /// `spec_path` (quoted headers are found beside it).
    pub fn all_of(spec: &invc_spec_lang::ir::Spec, spec_path: &std::path::Path) -> Vec<HeaderRef> {
        let beside = spec_path.parent().unwrap_or(std::path::Path::new(""));
        spec.headers
            .iter()
            .map(|h| HeaderRef::of(h.system, &h.path, beside))
            .collect()
    }

    /// The header of a `header` item: `<name>` (`system`) through the include paths, else
    /// `"name"` beside the spec, whose folder is `beside`.
    pub fn of(system: bool, name: &str, beside: &std::path::Path) -> HeaderRef {
        match system {
            true => HeaderRef::System(name.to_owned()),
            false => HeaderRef::File(beside.join(name)),
        }
    }
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The headers, in the spec's order.
    pub headers: Vec<HeaderRef>,
    /// Flags for clang, as after `--` on the command line (`-I`, `-D`, `-include`, ...).
    pub clang_args: Vec<String>,
}

/// One of clang's own diagnostics, kept to show the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClangDiagnostic {
    /// `error`, `fatal`, `warning`, ...
    pub severity: String,
    /// clang's text, with its location (`file:line:col: message`).
    pub text: String,
}

/// Why no model could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// libclang could not be loaded.
    LibclangUnavailable(String),
    /// libclang failed to make a translation unit at all.
    Clang(String),
    /// The headers do not compile; clang's errors say why.
    DoNotParse(Vec<ClangDiagnostic>),
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::LibclangUnavailable(why) => write!(
                f,
                "cannot load libclang ({why}); install it (Debian/Ubuntu: `apt-get install libclang-dev`) \
                 or set LIBCLANG_PATH to the directory containing libclang.so"
            ),
            HeaderError::Clang(why) => write!(f, "libclang could not parse the headers: {why}"),
            HeaderError::DoNotParse(diagnostics) => {
                write!(f, "the headers do not compile with the given clang flags:")?;
                for d in diagnostics {
                    write!(f, "\n  {}: {}", d.severity, d.text)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for HeaderError {}

/// libclang allows one `Clang` per process; reads from several threads take turns.
static CLANG: Mutex<()> = Mutex::new(());

/// The file name of the generated translation unit; it exists only in memory. Its line N
/// includes the spec's N-th header, so clang's errors there name the header item at fault.
pub const TU_NAME: &str = "invc-headers.c";

/// Parses the headers and builds their model.
pub fn read(request: &Request) -> Result<HeaderModel, HeaderError> {
    let _turn = CLANG
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let clang = Clang::new().map_err(HeaderError::LibclangUnavailable)?;
    let index = Index::new(&clang, false, false);
    let mut source = String::new();
    for header in &request.headers {
        match header {
            HeaderRef::File(path) => source.push_str(&format!("#include \"{}\"\n", path.display())),
            HeaderRef::System(name) => source.push_str(&format!("#include <{name}>\n")),
        }
    }
    let unsaved = [Unsaved::new(TU_NAME, &source)];
    let tu = index
        .parser(TU_NAME)
        .arguments(&request.clang_args)
        .unsaved(&unsaved)
        .detailed_preprocessing_record(true)
        .skip_function_bodies(true)
        .parse()
        .map_err(|e| HeaderError::Clang(e.to_string()))?;
    let errors: Vec<ClangDiagnostic> = tu
        .get_diagnostics()
        .iter()
        .filter(|d| {
            matches!(
                d.get_severity(),
                clang::diagnostic::Severity::Error | clang::diagnostic::Severity::Fatal
            )
        })
        .map(|d| ClangDiagnostic {
            severity: format!("{:?}", d.get_severity()).to_lowercase(),
            text: d.formatter().format(),
        })
        .collect();
    if !errors.is_empty() {
        return Err(HeaderError::DoNotParse(errors));
    }
    let mut model = Maps::default();
    let mut inputs = BTreeSet::new();
    for entity in tu.get_entity().get_children() {
        // Inclusions name every header read; a file given with `-include` has no inclusion
        // directive, but its macros and declarations say where they come from.
        let file = match entity.get_kind() {
            EntityKind::InclusionDirective => entity.get_file().map(|f| f.get_path()),
            _ => entity
                .get_location()
                .and_then(|l| l.get_file_location().file)
                .map(|f| f.get_path()),
        };
        if let Some(file) = file.filter(|f| f.as_os_str() != TU_NAME) {
            inputs.insert(file.display().to_string());
        }
        visit(entity, &mut model);
    }
    Ok(HeaderModel {
        model_version: MODEL_VERSION,
        records: model.records.into(),
        typedefs: model.typedefs.into(),
        enums: model.enums.into(),
        constants: model.constants.into(),
        macros: model.macros.into(),
        functions: model.functions.into(),
        inputs: inputs.into_iter().collect(),
    })
}

/// The model's maps while the walk fills them.
#[derive(Default)]
struct Maps {
    records: BTreeMap<String, Record>,
    typedefs: BTreeMap<String, Typedef>,
    enums: BTreeMap<String, Enum>,
    constants: BTreeMap<String, i128>,
    macros: BTreeMap<String, Macro>,
    functions: BTreeMap<String, Function>,
}

fn location(e: &Entity<'_>) -> Location {
    let Some(loc) = e.get_location() else {
        return Location {
            file: String::new(),
            line: 0,
            column: 0,
        };
    };
    let at = loc.get_file_location();
    Location {
        file: at
            .file
            .map(|f| f.get_path().display().to_string())
            .unwrap_or_default(),
        line: at.line,
        column: at.column,
    }
}

fn visit(e: Entity<'_>, model: &mut Maps) {
    match e.get_kind() {
        EntityKind::StructDecl | EntityKind::UnionDecl => record(e, model),
        EntityKind::TypedefDecl => {
            if let (Some(name), Some(ty)) = (e.get_name(), e.get_typedef_underlying_type()) {
                model
                    .typedefs
                    .entry(name.clone())
                    .or_insert_with(|| Typedef {
                        name,
                        underlying: ctype(ty),
                        location: location(&e),
                    });
            }
            // `typedef struct foo { ... } foo_t;` defines the struct inside the typedef.
            for child in e.get_children() {
                visit(child, model);
            }
        }
        EntityKind::EnumDecl => enumeration(e, model),
        EntityKind::FunctionDecl => function(e, model),
        EntityKind::MacroDefinition => macro_definition(e, model),
        _ => {}
    }
}

fn record(e: Entity<'_>, model: &mut Maps) {
    // Named records nested in another record are declared at file scope in C.
    for child in e.get_children() {
        if matches!(
            child.get_kind(),
            EntityKind::StructDecl | EntityKind::UnionDecl
        ) && !child.is_anonymous_record_decl()
        {
            record(child, model);
        }
    }
    let Some(name) = e
        .get_name()
        .filter(|_| e.is_definition() && !e.is_anonymous_record_decl())
    else {
        return;
    };
    if model.records.contains_key(&name) {
        return;
    }
    let Some(ty) = e.get_type() else { return };
    let kind = if e.get_kind() == EntityKind::UnionDecl {
        RecordKind::Union
    } else {
        RecordKind::Struct
    };
    let fields = fields(e, &ty);
    model.records.insert(
        name.clone(),
        Record {
            name,
            kind,
            size: ty.get_sizeof().ok().map(|s| s as u64),
            fields,
            location: location(&e),
        },
    );
}

/// The members of a record; `outer` is the named record that offsets are relative to.
fn fields(e: Entity<'_>, outer: &clang::Type<'_>) -> Vec<Field> {
    let mut out = Vec::new();
    for child in e.get_children() {
        match child.get_kind() {
            EntityKind::FieldDecl => {
                let Some(ty) = child.get_type() else { continue };
                // An anonymous struct/union member shows up as a nameless field of that type.
                let anonymous = child.get_name().is_none_or(|n| n.is_empty());
                if anonymous {
                    if let Some(decl) = ty.get_declaration() {
                        out.push(Field {
                            name: None,
                            ty: ctype(ty),
                            offset_bits: None,
                            bit_width: None,
                            members: fields(decl, outer),
                            location: location(&child),
                        });
                    }
                    continue;
                }
                let name = child.get_name().unwrap_or_default();
                out.push(Field {
                    offset_bits: outer.get_offsetof(&name).ok().map(|o| o as u64),
                    bit_width: child.get_bit_field_width().map(|w| w as u32),
                    ty: ctype(ty),
                    name: Some(name),
                    members: Vec::new(),
                    location: location(&child),
                });
            }
            EntityKind::StructDecl | EntityKind::UnionDecl if child.is_anonymous_record_decl() => {
                // libclang may list the anonymous record itself rather than a field of it.
                let already = out
                    .iter()
                    .any(|f| f.name.is_none() && f.location == location(&child));
                if !already {
                    let Some(ty) = child.get_type() else { continue };
                    out.push(Field {
                        name: None,
                        ty: ctype(ty),
                        offset_bits: None,
                        bit_width: None,
                        members: fields(child, outer),
                        location: location(&child),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn enumeration(e: Entity<'_>, model: &mut Maps) {
    let constants: Vec<(String, i128)> = e
        .get_children()
        .into_iter()
        .filter(|c| c.get_kind() == EntityKind::EnumConstantDecl)
        .filter_map(|c| Some((c.get_name()?, i128::from(c.get_enum_constant_value()?.0))))
        .collect();
    for (name, value) in &constants {
        model.constants.entry(name.clone()).or_insert(*value);
    }
    if let Some(name) = e
        .get_name()
        .filter(|_| e.is_definition() && !e.is_anonymous())
    {
        model.enums.entry(name.clone()).or_insert_with(|| Enum {
            name,
            constants,
            location: location(&e),
        });
    }
}

fn function(e: Entity<'_>, model: &mut Maps) {
    let (Some(name), Some(ty)) = (e.get_name(), e.get_type()) else {
        return;
    };
    let params = e
        .get_arguments()
        .unwrap_or_default()
        .into_iter()
        .map(|p| Param {
            name: p.get_name().filter(|n| !n.is_empty()),
            ty: p.get_type().map(ctype).unwrap_or_else(unknown_type),
        })
        .collect();
    let returns = ty.get_result_type().map(ctype).unwrap_or_else(unknown_type);
    model
        .functions
        .entry(name.clone())
        .or_insert_with(|| Function {
            name,
            params,
            returns,
            variadic: ty.is_variadic(),
            location: location(&e),
        });
}

fn macro_definition(e: Entity<'_>, model: &mut Maps) {
    let Some(name) = e.get_name() else { return };
    let location = location(&e);
    // Compiler-predefined macros (`__x86_64__`, ...) come from no file; they are the
    // compiler's, not the headers'.
    if location.file.is_empty() {
        return;
    }
    let function_like = e.is_function_like_macro();
    let value = if function_like || e.is_builtin_macro() {
        None
    } else {
        let tokens: Vec<String> = e
            .get_range()
            .map(|r| r.tokenize().iter().map(|t| t.get_spelling()).collect())
            .unwrap_or_default();
        // The first token is the macro's name; the body follows.
        tokens
            .get(1..)
            .and_then(|body| macro_value::evaluate(body, &model.constants))
    };
    if let Some(v) = value {
        model.constants.insert(name.clone(), v);
    }
    model.macros.insert(
        name.clone(),
        Macro {
            name,
            function_like,
            value,
            location,
        },
    );
}

fn unknown_type() -> CType {
    CType {
        spelling: String::new(),
        canonical: String::new(),
        shape: Shape::Other,
        size: None,
    }
}

fn ctype(ty: clang::Type<'_>) -> CType {
    let canonical = ty.get_canonical_type();
    let shape = match canonical.get_kind() {
        TypeKind::Void => Shape::Void,
        TypeKind::Bool => Shape::Bool,
        TypeKind::CharS
        | TypeKind::SChar
        | TypeKind::Short
        | TypeKind::Int
        | TypeKind::Long
        | TypeKind::LongLong
        | TypeKind::Int128 => Shape::Integer { signed: true },
        TypeKind::CharU
        | TypeKind::UChar
        | TypeKind::UShort
        | TypeKind::UInt
        | TypeKind::ULong
        | TypeKind::ULongLong
        | TypeKind::UInt128 => Shape::Integer { signed: false },
        TypeKind::Enum => Shape::Integer {
            signed: canonical.is_signed_integer(),
        },
        TypeKind::Float | TypeKind::Double | TypeKind::LongDouble => Shape::Float,
        TypeKind::Pointer => {
            let pointee = canonical.get_pointee_type();
            let function = pointee
                .as_ref()
                .map(|p| p.get_canonical_type())
                .filter(|p| {
                    matches!(
                        p.get_kind(),
                        TypeKind::FunctionPrototype | TypeKind::FunctionNoPrototype
                    )
                });
            Shape::Pointer {
                pointee: pointee
                    .map(|p| p.get_canonical_type().get_display_name())
                    .unwrap_or_default(),
                to_function: function.is_some(),
                params: function
                    .and_then(|f| f.get_argument_types())
                    .map(|a| a.len() as u32),
            }
        }
        TypeKind::Record => Shape::Record {
            tag: canonical
                .get_declaration()
                .and_then(|d| d.get_name())
                .unwrap_or_default(),
        },
        TypeKind::ConstantArray | TypeKind::IncompleteArray => Shape::Array {
            len: canonical.get_size().map(|s| s as u64),
            element: canonical
                .get_element_type()
                .map(|t| t.get_display_name())
                .unwrap_or_default(),
        },
        _ => Shape::Other,
    };
    CType {
        spelling: ty.get_display_name(),
        canonical: canonical.get_display_name(),
        size: canonical.get_sizeof().ok().map(|s| s as u64),
        shape,
    }
}
