//! Which Rust names and types denote the C structs a spec names.
//!
//! Raw types are reached through any path whose last segment is the C tag (`bindings::blkq`,
//! `raw::blkq`, `blkq`) or a `use ... as` / `type` alias of one; a generated wrapper is the
//! tag in CamelCase (`VnetQueue`). This module resolves `syn` types to [`Ty`] and maps
//! bindgen's renamed field names back to C; it does not track locals (see `walk`).

use crate::index::RuleIndex;
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use syn::{GenericArgument, PathArguments, Type, UseTree};

/// The Fx hash of rustc: much faster than the default SipHash on the short names the walk
/// looks up for every path and local (the input is source under review, not an adversary
/// of a server, so HashDoS resistance buys nothing here).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap()));
        }
        let mut rest = [0u8; 8];
        let tail = chunks.remainder();
        if !tail.is_empty() {
            rest[..tail.len()].copy_from_slice(tail);
            self.add(u64::from_le_bytes(rest) ^ tail.len() as u64);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// A map with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Runs `f` on an identifier's text, written into a buffer kept per thread rather than a new
/// `String` each time (`Ident::to_string` allocates, and the walk asks for every path).
pub(crate) fn with_ident<R>(ident: &proc_macro2::Ident, f: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static BUF: Cell<String> = const { Cell::new(String::new()) };
    }
    BUF.with(|cell| {
        // Taken out of the cell, so a nested call only allocates its own.
        let mut buf = cell.take();
        buf.clear();
        let _ = write!(buf, "{ident}");
        let result = f(&buf);
        cell.set(buf);
        result
    })
}

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

pub use invc_spec_lang::rust_names::c_field_name;

/// The names of one file: the index plus the file's aliases.
pub struct Names<'i> {
    index: &'i RuleIndex,
    /// Alias -> the name it renames (a C tag or a wrapper name).
    aliases: HashMap<String, String>,
    /// What [`Names::named`] answers for every name it knows: C tags, wrapper names and
    /// aliases, in one map looked up once.
    table: FxHashMap<String, Ty<'i>>,
}

impl<'i> Names<'i> {
    /// Collects the `use ... as X` and `type X = ...` aliases of a file (in any module).
    pub fn of_file(index: &'i RuleIndex, file: &syn::File) -> Names<'i> {
        let mut names = Names {
            index,
            aliases: HashMap::new(),
            table: FxHashMap::default(),
        };
        names.collect(&file.items);
        let mut table = FxHashMap::default();
        for (name, tag) in &index.wrappers {
            let ty = Ty {
                strukt: tag.as_str(),
                kind: Kind::Wrapper,
            };
            table.insert(name.clone(), ty);
        }
        // A C tag wins over a wrapper of the same name.
        for tag in index.structs.keys() {
            let ty = Ty {
                strukt: tag.as_str(),
                kind: Kind::Value,
            };
            table.insert(tag.clone(), ty);
        }
        for (alias, target) in &names.aliases {
            match names.lookup(target) {
                Some(ty) => table.insert(alias.clone(), ty),
                None => table.remove(alias),
            };
        }
        names.table = table;
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
        self.table.get(ident).copied()
    }

    /// The C struct a type name denotes, without aliases.
    fn lookup(&self, name: &str) -> Option<Ty<'i>> {
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
                if seg.ident == "NonNull" {
                    let inner = self.of_type(first_type_arg(&seg.arguments)?)?;
                    return (inner.kind == Kind::Value).then(|| inner.with(Kind::Ptr));
                }
                with_ident(&seg.ident, |ident| self.named(ident))
            }
            _ => None,
        }
    }

    /// The C struct a path's last segment names as a type (`bindings::vnet_queue`).
    pub fn of_path(&self, path: &syn::Path) -> Option<Ty<'i>> {
        with_ident(&path.segments.last()?.ident, |ident| self.named(ident))
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
