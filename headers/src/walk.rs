//! The walk of a parsed translation unit into a [`HeaderModel`]: its top-level cursors (and
//! the records, typedefs and enums inside them) become records, typedefs, enums, constants,
//! macros and functions; the files they come from become the model's inputs.
//!
//! Kernel headers give tens of thousands of cursors, and the walk costs about half as much
//! as parsing, so it asks libclang for each fact once: a file's path is asked once per file,
//! not once per declaration, and a declaration already in the model is not described again.
//! When a name is declared twice, the first declaration is kept, except for macros and their
//! values, where the last definition wins, as in the preprocessor.

use crate::macro_value;
use crate::model::*;
use clang::source::File;
use clang::{Entity, EntityKind, TranslationUnit, TypeKind};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The model of everything `tu` declares.
pub(crate) fn model_of(tu: &TranslationUnit<'_>) -> HeaderModel {
    let mut walk = Walk::default();
    let mut inputs = HashSet::new();
    for entity in tu.get_entity().get_children() {
        // Inclusions name every header read; a file given with `-include` has no inclusion
        // directive, but its macros and declarations say where they come from.
        let file = match entity.get_kind() {
            EntityKind::InclusionDirective => entity.get_file(),
            _ => entity
                .get_location()
                .and_then(|l| l.get_file_location().file),
        };
        if let Some(file) = file {
            inputs.insert(file);
        }
        walk.visit(entity);
    }
    let mut inputs: BTreeSet<String> = inputs
        .into_iter()
        .map(|file| walk.path(file).to_owned())
        .collect();
    inputs.remove(crate::read::TU_NAME);
    HeaderModel {
        model_version: MODEL_VERSION,
        records: walk.records.into(),
        typedefs: walk.typedefs.into(),
        enums: walk.enums.into(),
        constants: walk.constants.into(),
        macros: walk.macros.into(),
        functions: walk.functions.into(),
        inputs: inputs.into_iter().collect(),
    }
}

/// The model's maps while the walk fills them, and what it knows of the files met.
#[derive(Default)]
struct Walk<'tu> {
    records: BTreeMap<String, Record>,
    typedefs: BTreeMap<String, Typedef>,
    enums: BTreeMap<String, Enum>,
    constants: BTreeMap<String, i128>,
    macros: BTreeMap<String, Macro>,
    functions: BTreeMap<String, Function>,
    /// Each file's path as clang names it. Files compare by their unique id, which is cheap
    /// to ask for; the path is a string conversion on every call.
    paths: HashMap<File<'tu>, String>,
}

impl<'tu> Walk<'tu> {
    fn path(&mut self, file: File<'tu>) -> &str {
        self.paths
            .entry(file)
            .or_insert_with(|| file.get_path().display().to_string())
    }

    fn location(&mut self, e: &Entity<'tu>) -> Location {
        let Some(loc) = e.get_location() else {
            return Location {
                file: String::new(),
                line: 0,
                column: 0,
            };
        };
        let at = loc.get_file_location();
        Location {
            file: at.file.map(|f| self.path(f).to_owned()).unwrap_or_default(),
            line: at.line,
            column: at.column,
        }
    }

    fn visit(&mut self, e: Entity<'tu>) {
        match e.get_kind() {
            EntityKind::StructDecl | EntityKind::UnionDecl => self.record(e),
            EntityKind::TypedefDecl => {
                if let Some(name) = e.get_name().filter(|n| !self.typedefs.contains_key(n))
                    && let Some(ty) = e.get_typedef_underlying_type()
                {
                    let typedef = Typedef {
                        underlying: ctype(ty),
                        location: self.location(&e),
                        name: name.clone(),
                    };
                    self.typedefs.insert(name, typedef);
                }
                // `typedef struct foo { ... } foo_t;` defines the struct inside the typedef.
                for child in e.get_children() {
                    self.visit(child);
                }
            }
            EntityKind::EnumDecl => self.enumeration(e),
            EntityKind::FunctionDecl => self.function(e),
            EntityKind::MacroDefinition => self.macro_definition(e),
            _ => {}
        }
    }

    fn record(&mut self, e: Entity<'tu>) {
        // Named records nested in another record are declared at file scope in C.
        for child in e.get_children() {
            if matches!(
                child.get_kind(),
                EntityKind::StructDecl | EntityKind::UnionDecl
            ) && !child.is_anonymous_record_decl()
            {
                self.record(child);
            }
        }
        let Some(name) = e
            .get_name()
            .filter(|_| e.is_definition() && !e.is_anonymous_record_decl())
        else {
            return;
        };
        if self.records.contains_key(&name) {
            return;
        }
        let Some(ty) = e.get_type() else { return };
        let kind = if e.get_kind() == EntityKind::UnionDecl {
            RecordKind::Union
        } else {
            RecordKind::Struct
        };
        let record = Record {
            name: name.clone(),
            kind,
            size: ty.get_sizeof().ok().map(|s| s as u64),
            fields: self.fields(e, &ty),
            location: self.location(&e),
        };
        self.records.insert(name, record);
    }

    /// The members of a record; `outer` is the named record that offsets are relative to.
    fn fields(&mut self, e: Entity<'tu>, outer: &clang::Type<'tu>) -> Vec<Field> {
        let mut out = Vec::new();
        for child in e.get_children() {
            match child.get_kind() {
                EntityKind::FieldDecl => {
                    let Some(ty) = child.get_type() else { continue };
                    let name = child.get_name().filter(|n| !n.is_empty());
                    // An anonymous struct/union member shows up as a nameless field of that
                    // type.
                    let Some(name) = name else {
                        if let Some(decl) = ty.get_declaration() {
                            out.push(Field {
                                name: None,
                                ty: ctype(ty),
                                offset_bits: None,
                                bit_width: None,
                                members: self.fields(decl, outer),
                                location: self.location(&child),
                            });
                        }
                        continue;
                    };
                    out.push(Field {
                        offset_bits: outer.get_offsetof(&name).ok().map(|o| o as u64),
                        bit_width: child.get_bit_field_width().map(|w| w as u32),
                        ty: ctype(ty),
                        name: Some(name),
                        members: Vec::new(),
                        location: self.location(&child),
                    });
                }
                EntityKind::StructDecl | EntityKind::UnionDecl
                    if child.is_anonymous_record_decl() =>
                {
                    // libclang may list the anonymous record itself rather than a field of it.
                    let location = self.location(&child);
                    let already = out
                        .iter()
                        .any(|f| f.name.is_none() && f.location == location);
                    if !already {
                        let Some(ty) = child.get_type() else { continue };
                        out.push(Field {
                            name: None,
                            ty: ctype(ty),
                            offset_bits: None,
                            bit_width: None,
                            members: self.fields(child, outer),
                            location,
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn enumeration(&mut self, e: Entity<'tu>) {
        let constants: Vec<(String, i128)> = e
            .get_children()
            .into_iter()
            .filter(|c| c.get_kind() == EntityKind::EnumConstantDecl)
            .filter_map(|c| Some((c.get_name()?, i128::from(c.get_enum_constant_value()?.0))))
            .collect();
        for (name, value) in &constants {
            self.constants.entry(name.clone()).or_insert(*value);
        }
        if let Some(name) = e
            .get_name()
            .filter(|n| e.is_definition() && !e.is_anonymous() && !self.enums.contains_key(n))
        {
            let location = self.location(&e);
            let enumeration = Enum {
                name: name.clone(),
                constants,
                location,
            };
            self.enums.insert(name, enumeration);
        }
    }

    fn function(&mut self, e: Entity<'tu>) {
        // Redeclarations are common; describing one again costs as much as the first time.
        let Some(name) = e.get_name().filter(|n| !self.functions.contains_key(n)) else {
            return;
        };
        let Some(ty) = e.get_type() else { return };
        let params = e
            .get_arguments()
            .unwrap_or_default()
            .into_iter()
            .map(|p| Param {
                name: p.get_name().filter(|n| !n.is_empty()),
                ty: p.get_type().map(ctype).unwrap_or_else(unknown_type),
            })
            .collect();
        let function = Function {
            name: name.clone(),
            params,
            returns: ty.get_result_type().map(ctype).unwrap_or_else(unknown_type),
            variadic: ty.is_variadic(),
            location: self.location(&e),
        };
        self.functions.insert(name, function);
    }

    fn macro_definition(&mut self, e: Entity<'tu>) {
        let Some(name) = e.get_name() else { return };
        let location = self.location(&e);
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
                .and_then(|body| macro_value::evaluate(body, &self.constants))
        };
        if let Some(v) = value {
            self.constants.insert(name.clone(), v);
        }
        self.macros.insert(
            name.clone(),
            Macro {
                name,
                function_like,
                value,
                location,
            },
        );
    }
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
