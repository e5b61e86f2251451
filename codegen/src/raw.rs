//! Raw layouts: bindgen over the spec's headers, allowlisted to the C structs the spec names
//! (and what they need), with bindgen's own compile-time size and offset assertions.
//!
//! The wrappers are written against what bindgen emitted, not against a guess of it: this
//! module reads bindgen's output back with syn to learn, for every field, the Rust path that
//! reaches it (through `__bindgen_anon_N` members for anonymous structs and unions), its Rust
//! type as bindgen spelt it, and whether it is a bitfield reached through accessor methods.

use crate::names::c_field_name;
use invc_headers::{HeaderRef, Request};
use proc_macro2::Ident;
use quote::format_ident;
use std::collections::{BTreeMap, BTreeSet};
use syn::visit_mut::VisitMut;

/// bindgen's output and what the wrappers need to know of it.
#[derive(Debug)]
pub struct RawLayouts {
    /// The module's source, formatted, without the `mod` around it.
    pub source: String,
    structs: BTreeMap<String, Vec<RawField>>,
    /// The C variables bindgen emitted (`extern` statics), with their types.
    statics: BTreeMap<String, syn::Type>,
}

/// How a field of a raw struct is reached from Rust.
#[derive(Debug, Clone)]
pub enum FieldAccess {
    /// A field, by its path from the struct (`a` or `__bindgen_anon_1.a`).
    Place {
        /// The path of field names.
        path: Vec<Ident>,
        /// bindgen's type, with its own items qualified as `raw::...`.
        ty: syn::Type,
    },
    /// A bitfield, read by `name()` and written by `set_name(v)` on the (anonymous member of
    /// the) struct.
    Bitfield {
        /// The path to the member holding the accessors (empty: the struct itself).
        path: Vec<Ident>,
        /// The raw type (the struct, or the anonymous member) whose associated functions
        /// `name_raw` and `set_name_raw` reach the bits through a pointer.
        owner: Ident,
        /// The getter; the setter is `set_` and its name.
        getter: Ident,
        /// The value type.
        ty: syn::Type,
    },
}

#[derive(Debug, Clone)]
struct RawField {
    name: String,
    access: FieldAccess,
}

/// Why bindgen gave no layouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawError(pub String);

impl RawLayouts {
    /// Runs bindgen over the headers of `request`, allowlisted to `types`, `functions` and
    /// the C variables `variables`.
    pub fn generate(
        request: &Request,
        types: &BTreeSet<String>,
        functions: &BTreeSet<String>,
        variables: &BTreeSet<String>,
    ) -> Result<RawLayouts, RawError> {
        let mut unit = String::new();
        for header in &request.headers {
            match header {
                HeaderRef::File(path) => {
                    unit.push_str(&format!("#include \"{}\"\n", path.display()))
                }
                HeaderRef::System(name) => unit.push_str(&format!("#include <{name}>\n")),
            }
        }
        let mut builder = bindgen::Builder::default()
            .header_contents("invc-gen.h", &unit)
            .clang_args(&request.clang_args)
            // The headers were checked already; clang's warnings about them are not the
            // user's business here, and bindgen would print each one.
            .clang_arg("-w")
            .use_core()
            .layout_tests(true)
            .derive_default(false)
            .derive_debug(false)
            .generate_comments(false)
            .formatter(bindgen::Formatter::Prettyplease);
        for ty in types {
            // Exact names, not patterns: a C name never holds regex syntax but `$` anchors.
            builder = builder.allowlist_type(format!("^{ty}$"));
        }
        for function in functions {
            builder = builder.allowlist_function(format!("^{function}$"));
        }
        for variable in variables {
            builder = builder.allowlist_var(format!("^{variable}$"));
        }
        let bindings = builder
            .generate()
            .map_err(|e| RawError(format!("bindgen could not read the headers: {e}")))?;
        let source = bindings.to_string();
        let file = syn::parse_file(&source)
            .map_err(|e| RawError(format!("bindgen's output does not parse: {e}")))?;
        let local = local_items(&file);
        let mut qualify = Qualify { local: &local };
        let statics = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::ForeignMod(m) => Some(&m.items),
                _ => None,
            })
            .flatten()
            .filter_map(|item| match item {
                syn::ForeignItem::Static(s) => {
                    let mut ty = (*s.ty).clone();
                    qualify.visit_type_mut(&mut ty);
                    Some((s.ident.to_string(), ty))
                }
                _ => None,
            })
            .collect();
        Ok(RawLayouts {
            structs: read_structs(&file, &local),
            source,
            statics,
        })
    }

    /// The type of the C variable `name`, when bindgen emitted it.
    pub fn static_type(&self, name: &str) -> Option<&syn::Type> {
        self.statics.get(name)
    }

    /// How to reach field `name` of raw struct `strukt`, when bindgen emitted it.
    pub fn field(&self, strukt: &str, name: &str) -> Option<&FieldAccess> {
        self.structs
            .get(strukt)?
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.access)
    }

    /// The field names of raw struct `strukt`, in declaration order.
    pub fn field_names(&self, strukt: &str) -> Vec<&str> {
        self.structs
            .get(strukt)
            .map(|fields| fields.iter().map(|f| f.name.as_str()).collect())
            .unwrap_or_default()
    }
}

/// The names of the types bindgen defined itself, which wrappers name as `raw::...`.
fn local_items(file: &syn::File) -> BTreeSet<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(&s.ident),
            syn::Item::Union(u) => Some(&u.ident),
            syn::Item::Type(t) => Some(&t.ident),
            syn::Item::Enum(e) => Some(&e.ident),
            _ => None,
        })
        .map(ToString::to_string)
        .collect()
}

/// Every struct's fields, anonymous members flattened into their parent as C sees them.
fn read_structs(file: &syn::File, local: &BTreeSet<String>) -> BTreeMap<String, Vec<RawField>> {
    let mut direct: BTreeMap<String, Vec<(Ident, syn::Type)>> = BTreeMap::new();
    let mut bitfields: BTreeMap<String, Vec<(Ident, syn::Type)>> = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                if let syn::Fields::Named(named) = &s.fields {
                    let fields = named
                        .named
                        .iter()
                        .filter_map(|f| Some((f.ident.clone()?, f.ty.clone())))
                        .collect();
                    direct.insert(s.ident.to_string(), fields);
                }
            }
            syn::Item::Union(u) => {
                let fields = u
                    .fields
                    .named
                    .iter()
                    .filter_map(|f| Some((f.ident.clone()?, f.ty.clone())))
                    .collect();
                direct.insert(u.ident.to_string(), fields);
            }
            syn::Item::Impl(imp) => {
                let syn::Type::Path(self_ty) = &*imp.self_ty else {
                    continue;
                };
                let Some(name) = self_ty.path.get_ident() else {
                    continue;
                };
                let setters: BTreeSet<String> = imp
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    })
                    .filter(|n| n.starts_with("set_"))
                    .collect();
                for i in &imp.items {
                    let syn::ImplItem::Fn(f) = i else { continue };
                    let getter = f.sig.ident.to_string();
                    let takes_self_only = f.sig.inputs.len() == 1;
                    if let (true, syn::ReturnType::Type(_, ty)) = (takes_self_only, &f.sig.output)
                        && setters.contains(&format!("set_{getter}"))
                    {
                        bitfields
                            .entry(name.to_string())
                            .or_default()
                            .push((f.sig.ident.clone(), (**ty).clone()));
                    }
                }
            }
            _ => {}
        }
    }
    let mut qualify = Qualify { local };
    let mut out = BTreeMap::new();
    for name in direct.keys() {
        let mut fields = Vec::new();
        flatten(name, &[], &direct, &bitfields, &mut fields, 0);
        for f in &mut fields {
            match &mut f.access {
                FieldAccess::Place { ty, .. } | FieldAccess::Bitfield { ty, .. } => {
                    qualify.visit_type_mut(ty)
                }
            }
        }
        out.insert(name.clone(), fields);
    }
    out
}

fn flatten(
    record: &str,
    prefix: &[Ident],
    direct: &BTreeMap<String, Vec<(Ident, syn::Type)>>,
    bitfields: &BTreeMap<String, Vec<(Ident, syn::Type)>>,
    out: &mut Vec<RawField>,
    depth: usize,
) {
    // Anonymous members nest as deep as the C does; a bound keeps a malformed input finite.
    if depth > 32 {
        return;
    }
    for (ident, ty) in direct.get(record).into_iter().flatten() {
        let name = ident.to_string();
        let mut path = prefix.to_vec();
        path.push(ident.clone());
        if name.starts_with("__bindgen_anon_") {
            if let syn::Type::Path(p) = ty
                && let Some(inner) = p.path.get_ident()
            {
                flatten(&inner.to_string(), &path, direct, bitfields, out, depth + 1);
            }
        } else if name.starts_with("_bitfield_") || name.starts_with("__bindgen_padding") {
            continue;
        } else {
            out.push(RawField {
                name: c_field_name(&name).to_owned(),
                access: FieldAccess::Place {
                    path,
                    ty: ty.clone(),
                },
            });
        }
    }
    for (getter, ty) in bitfields.get(record).into_iter().flatten() {
        out.push(RawField {
            name: c_field_name(&getter.to_string()).to_owned(),
            access: FieldAccess::Bitfield {
                path: prefix.to_vec(),
                owner: format_ident!("{record}"),
                getter: getter.clone(),
                ty: ty.clone(),
            },
        });
    }
}

/// Qualifies bindgen's own items (`vnet_ops`) as `raw::vnet_ops`, so field types can be named
/// from the wrapper module; primitives and absolute paths (`::core::ffi::c_uint`) stay.
struct Qualify<'a> {
    local: &'a BTreeSet<String>,
}

impl VisitMut for Qualify<'_> {
    fn visit_type_path_mut(&mut self, node: &mut syn::TypePath) {
        if node.qself.is_none()
            && node.path.leading_colon.is_none()
            && let Some(first) = node.path.segments.first()
            && self.local.contains(&first.ident.to_string())
        {
            let raw = format_ident!("raw");
            node.path.segments.insert(0, raw.into());
        }
        syn::visit_mut::visit_type_path_mut(self, node);
    }
}
