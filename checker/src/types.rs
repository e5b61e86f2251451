//! Which Rust names and types denote the C structs a spec names.
//!
//! Raw types are reached through any path whose last segment is the C tag (`bindings::blkq`,
//! `raw::blkq`, `blkq`) or a `use ... as` / `type` alias of one; a generated wrapper is the
//! tag in CamelCase (`VnetQueue`). This module resolves `syn` types to [`Ty`] and maps
//! bindgen's renamed field names back to C; it does not track locals (see `walk`).

use crate::index::RuleIndex;
use std::collections::HashMap;
use syn::{GenericArgument, PathArguments, Type, UseTree};

/// How a value reaches a spec'd C struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `*mut T` / `*const T` / `NonNull<T>`.
    Ptr,
    /// `&T` / `&mut T`.
    Ref,
    /// `*p`: the struct itself, in memory others may share.
    Place,
    /// A local value of the C struct (not yet published, so not shared).
    Value,
    /// The generated wrapper type.
    Wrapper,
}

/// The C struct a Rust value reaches, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ty<'i> {
    /// The C struct tag.
    pub strukt: &'i str,
    /// How.
    pub kind: Kind,
}

impl<'i> Ty<'i> {
    /// Whether field accesses through it touch shared C memory directly.
    pub fn is_raw_shared(self) -> bool {
        matches!(self.kind, Kind::Ptr | Kind::Ref | Kind::Place)
    }

    /// Whether it names the raw C struct (not the wrapper).
    pub fn is_raw(self) -> bool {
        self.kind != Kind::Wrapper
    }

    /// The same struct, reached another way.
    pub fn with(self, kind: Kind) -> Ty<'i> {
        Ty { kind, ..self }
    }
}

/// Rust keywords that bindgen renames by appending `_` when a C name collides.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The C name of a Rust field: bindgen's `ref_` is C's `ref`; `r#type` is `type`.
pub fn c_field_name(rust: &str) -> &str {
    let rust = rust.strip_prefix("r#").unwrap_or(rust);
    match rust.strip_suffix('_') {
        Some(stem) if KEYWORDS.contains(&stem) => stem,
        _ => rust,
    }
}

/// The names of one file: the index plus the file's aliases.
pub struct Names<'i> {
    index: &'i RuleIndex,
    /// Alias -> the name it renames (a C tag or a wrapper name).
    aliases: HashMap<String, String>,
}

impl<'i> Names<'i> {
    /// Collects the `use ... as X` and `type X = ...` aliases of a file (in any module).
    pub fn of_file(index: &'i RuleIndex, file: &syn::File) -> Names<'i> {
        let mut names = Names {
            index,
            aliases: HashMap::new(),
        };
        names.collect(&file.items);
        names
    }

    /// The index behind these names.
    pub fn index(&self) -> &'i RuleIndex {
        self.index
    }

    fn collect(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Use(u) => self.collect_use(&u.tree),
                syn::Item::Type(t) => {
                    if let Some(name) = last_ident(&t.ty) {
                        self.alias(t.ident.to_string(), name);
                    }
                }
                syn::Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.collect(items);
                    }
                }
                _ => {}
            }
        }
    }

    fn collect_use(&mut self, tree: &UseTree) {
        match tree {
            UseTree::Path(p) => self.collect_use(&p.tree),
            UseTree::Rename(r) => self.alias(r.rename.to_string(), r.ident.to_string()),
            UseTree::Group(g) => g.items.iter().for_each(|t| self.collect_use(t)),
            UseTree::Name(_) | UseTree::Glob(_) => {}
        }
    }

    fn alias(&mut self, alias: String, target: String) {
        let known = self.index.structs.contains_key(&target)
            || self.index.wrappers.contains_key(&target)
            || self.aliases.contains_key(&target);
        if known && alias != target {
            let target = self.aliases.get(&target).cloned().unwrap_or(target);
            self.aliases.insert(alias, target);
        }
    }

    /// The C struct a type name (a path's last segment) denotes, raw or wrapper.
    pub fn named(&self, ident: &str) -> Option<Ty<'i>> {
        let name = self.aliases.get(ident).map_or(ident, String::as_str);
        if let Some((tag, _)) = self.index.structs.get_key_value(name) {
            return Some(Ty {
                strukt: tag,
                kind: Kind::Value,
            });
        }
        self.index.wrappers.get(name).map(|tag| Ty {
            strukt: tag,
            kind: Kind::Wrapper,
        })
    }

    /// The C struct a Rust type reaches, if any.
    pub fn of_type(&self, ty: &Type) -> Option<Ty<'i>> {
        match ty {
            Type::Ptr(p) => {
                let inner = self.of_type(&p.elem)?;
                (inner.kind == Kind::Value).then(|| inner.with(Kind::Ptr))
            }
            Type::Reference(r) => {
                let inner = self.of_type(&r.elem)?;
                Some(match inner.kind {
                    Kind::Value => inner.with(Kind::Ref),
                    _ => inner,
                })
            }
            Type::Paren(p) => self.of_type(&p.elem),
            Type::Group(g) => self.of_type(&g.elem),
            Type::Array(a) => self.of_type(&a.elem),
            Type::Slice(s) => self.of_type(&s.elem),
            Type::Path(p) => {
                let seg = p.path.segments.last()?;
                let ident = seg.ident.to_string();
                if ident == "NonNull" {
                    let inner = self.of_type(first_type_arg(&seg.arguments)?)?;
                    return (inner.kind == Kind::Value).then(|| inner.with(Kind::Ptr));
                }
                self.named(&ident)
            }
            _ => None,
        }
    }

    /// The C struct a path's last segment names as a type (`bindings::vnet_queue`).
    pub fn of_path(&self, path: &syn::Path) -> Option<Ty<'i>> {
        self.named(&path.segments.last()?.ident.to_string())
    }
}

fn first_type_arg(args: &PathArguments) -> Option<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => Some(p.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindgen_keyword_renames_map_back() {
        assert_eq!(c_field_name("ref_"), "ref");
        assert_eq!(c_field_name("type_"), "type");
        assert_eq!(c_field_name("r#type"), "type");
        assert_eq!(c_field_name("num_free"), "num_free");
        assert_eq!(c_field_name("buf_"), "buf_");
    }
}
