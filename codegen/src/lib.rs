//! The code generator: a spec's IR, with the C headers it names, becomes a Rust wrapper
//! crate that a translation must use.
//!
//! It reads only the IR (never the AST) and the headers, through bindgen for the raw layouts.
//! Code is built as tokens and printed by prettyplease; every map it walks is ordered, so the
//! output is byte-identical across runs. Writing the crate to disk is [`output`]'s job.
//!
//! What a generated crate holds, for the host backend:
//! - `raw`: bindgen's `#[repr(C)]` layouts of the spec's structs with their size and offset
//!   assertions;
//! - per newtype, a checked wrapper of its integer;
//! - per struct, a wrapper whose only unsafe entry point is `from_raw`, accessors that follow
//!   each field's annotation, a method and guard type per lock with the guarded fields'
//!   accessors on the guard, invariant checks (`debug_assert!`) on guard release and in
//!   `from_raw`, and safe `from_<member>` for `embeds`.

mod collections;
mod dma;
pub mod explain;
mod expr;
mod global;
mod lock;
mod macros;
mod names;
mod newtype;
mod ops;
pub mod output;
mod raw;
mod rcu;
mod strukt;

use invc_headers::Request;
use invc_spec_lang::diagnostic::{Code, Diagnostic};
use invc_spec_lang::{SourceMap, Span, ir};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Where the generated crate gets the runtime (`invc-annotations`, imported as `inv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// From crates.io, at exactly this generator's version.
    Version,
    /// From a local checkout of the runtime crate (the folder holding its Cargo.toml).
    Path(PathBuf),
}

/// Which world the generated wrappers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// Userspace builds and tests: a cargo crate whose raw layouts come from bindgen, over the
    /// runtime's host shim.
    #[default]
    Host,
    /// A kernel tree: a module folder (`mod.rs`, `raw.rs`, `wrappers.rs`) whose raw types are
    /// the kernel's own `kernel::bindings`, over the runtime built without its host shim.
    Kernel,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The runtime dependency (host backend; the kernel backend has no manifest).
    pub runtime: Runtime,
    /// The backend.
    pub backend: Backend,
}

/// A generated crate: file paths relative to its root, and their contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    /// The crate's package name.
    pub name: String,
    /// Every file, by relative path.
    pub files: BTreeMap<PathBuf, String>,
}

/// Turns spans into the `file:line` that doc comments and assertion messages cite.
pub trait Located {
    /// `vnet.inv:12`.
    fn at(&self, span: Span) -> String;
}

struct SpecLocations<'a> {
    sources: &'a SourceMap,
    file_name: String,
}

impl Located for SpecLocations<'_> {
    fn at(&self, span: Span) -> String {
        let line = self.sources.line_col(span.file, span.start).line;
        format!("{}:{line}", self.file_name)
    }
}

/// The version of invc that generated a crate; the runtime is pinned to it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Generates the wrapper crate of `spec`, whose headers (with their clang flags) `request`
/// names. Errors are diagnostics pointing at the spec items that could not be generated.
pub fn generate(
    spec: &ir::Spec,
    sources: &SourceMap,
    request: &Request,
    options: &Options,
) -> Result<GeneratedCrate, Vec<Diagnostic>> {
    let file_name = std::path::Path::new(&spec.source)
        .file_name()
        .map_or_else(|| spec.source.clone(), |n| n.to_string_lossy().into_owned());
    let at = SpecLocations {
        sources,
        file_name: file_name.clone(),
    };
    let whole_file = Span {
        file: spec
            .structs
            .first()
            .map(|s| s.span.file)
            .or(spec.headers.first().map(|h| h.span.file))
            .unwrap_or(invc_spec_lang::FileId(0)),
        start: 0,
        end: 0,
    };
    let variables = global::variables(spec).collect();
    let raw =
        raw::RawLayouts::generate(request, &raw_types(spec), &raw_functions(spec), &variables)
            .map_err(|e| {
                vec![
                    Diagnostic::error(
                        Code::GenerationFailed,
                        spec.headers.first().map_or(whole_file, |h| h.span),
                        e.0,
                    )
                    .with_label("bindgen read these headers"),
                ]
            })?;

    let mut errors = Vec::new();
    let mut items = Vec::new();
    if !spec.newtypes.is_empty() {
        items.push(newtype::error_type());
    }
    for n in &spec.newtypes {
        match newtype::generate(n, &at) {
            Ok(tokens) => items.push(tokens),
            Err(u) => errors.push(unsupported(u)),
        }
    }
    let cx = strukt::StructContext {
        spec,
        raw: &raw,
        at: &at,
        backend: options.backend,
    };
    for s in &spec.structs {
        match strukt::generate(s, &cx) {
            Ok(tokens) => items.push(tokens),
            Err(u) => errors.push(unsupported(u)),
        }
    }
    for l in &spec.locks {
        match global::generate(l, &cx) {
            Ok(tokens) => items.push(tokens),
            Err(u) => errors.push(unsupported(u)),
        }
    }
    items.push(dma::pod_impls(spec, options.backend, &at));
    for m in &spec.macros {
        match macros::generate(m, &cx) {
            Ok(tokens) => items.push(tokens),
            Err(u) => errors.push(unsupported(u)),
        }
    }
    for o in &spec.ops {
        match ops::generate(o, &cx) {
            Ok(tokens) => items.push(tokens),
            Err(u) => errors.push(unsupported(u)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let stem = std::path::Path::new(&file_name)
        .file_stem()
        .map_or_else(|| "spec".to_owned(), |s| s.to_string_lossy().into_owned());
    let package = format!("{}-inv", stem.replace('_', "-"));
    let unit = match options.backend {
        Backend::Host => "crate",
        Backend::Kernel => "folder",
    };
    let banner = format!(
        " Wrappers generated by invc {VERSION} from `{file_name}`: do not edit; `invc gen` \
         rewrites this {unit}."
    );
    let spec_docs: Vec<_> = spec
        .docs
        .iter()
        .map(|d| {
            let d = format!(" {}", d.trim());
            quote!(#![doc = #d])
        })
        .collect();
    // The root is small and formatted as rustfmt would; the generated modules are marked
    // `rustfmt::skip`, so a workspace's `cargo fmt` leaves prettyplease's layout (and so
    // `invc gen --check`) alone.
    let (root, raw_path) = match options.backend {
        Backend::Host => (
            quote! {
                #![doc = #banner]
                #![doc = ""]
                #(#spec_docs)*
                #![no_std]
                #![deny(unsafe_op_in_unsafe_fn)]

                #[rustfmt::skip]
                pub mod raw;
                #[rustfmt::skip]
                mod wrappers;

                pub use wrappers::*;
            },
            quote!(crate::raw),
        ),
        // A module of the driver's crate, not a crate: `mod NAME;` beside the folder.
        Backend::Kernel => (
            quote! {
                #![doc = #banner]
                #![doc = ""]
                #(#spec_docs)*
                #![deny(unsafe_op_in_unsafe_fn)]

                #[rustfmt::skip]
                pub mod raw;
                #[rustfmt::skip]
                mod wrappers;

                pub use wrappers::*;
            },
            quote!(super::raw),
        ),
    };
    let root = format_file(root).map_err(|message| {
        vec![Diagnostic::error(
            Code::GenerationFailed,
            whole_file,
            message,
        )]
    })?;
    let wrappers = quote! {
        //! The wrappers of the spec's items; see the module documentation.
        // Accessors are named after C fields, which need not be snake case (`__i_nlink`).
        #![allow(non_snake_case)]
        use #raw_path;

        #(#items)*
    };
    let wrappers = format_file(wrappers).map_err(|message| {
        vec![Diagnostic::error(
            Code::GenerationFailed,
            whole_file,
            message,
        )]
    })?;
    let mut files = BTreeMap::new();
    match options.backend {
        Backend::Host => {
            let raw_file = format!(
                "//! The C layouts, as bindgen reads them from the headers of `{file_name}`.\n\
                 #![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, dead_code)]\n\
                 #![allow(clippy::all, unsafe_op_in_unsafe_fn, missing_docs, unnecessary_transmutes)]\n\n{}",
                raw.source
            );
            let dependency = match &options.runtime {
                Runtime::Version => format!("version = \"={VERSION}\""),
                Runtime::Path(path) => format!(
                    "path = {:?}, version = \"={VERSION}\"",
                    path.display().to_string()
                ),
            };
            let manifest = format!(
                "# Generated by invc {VERSION} from {file_name}: do not edit; `invc gen` rewrites this crate.\n\
                 [package]\n\
                 name = \"{package}\"\n\
                 version = \"0.1.0\"\n\
                 edition = \"2021\"\n\
                 publish = false\n\n\
                 [dependencies]\n\
                 inv = {{ package = \"invc-annotations\", {dependency} }}\n"
            );
            files.insert(PathBuf::from("Cargo.toml"), manifest);
            files.insert(PathBuf::from("src/lib.rs"), root);
            files.insert(PathBuf::from("src/raw.rs"), raw_file);
            files.insert(PathBuf::from("src/wrappers.rs"), wrappers);
        }
        Backend::Kernel => {
            // The kernel's bindgen output already has every C type, with the layouts of the
            // configuration being built; a second copy made here from other flags could
            // disagree with it. bindgen still ran above: the wrappers are shaped by it.
            let raw_file = format!(
                "//! The C types of `{file_name}`: the kernel's own bindings, which have the\n\
                 //! layouts of the configuration being built. Types of a driver's own header must\n\
                 //! be in them too (`rust/bindings/bindings_helper.h`).\n\n\
                 pub use ::kernel::bindings::*;\n"
            );
            files.insert(PathBuf::from("mod.rs"), root);
            files.insert(PathBuf::from("raw.rs"), raw_file);
            files.insert(PathBuf::from("wrappers.rs"), wrappers);
        }
    }
    Ok(GeneratedCrate {
        name: package,
        files,
    })
}

fn unsupported(u: strukt::Unsupported) -> Diagnostic {
    Diagnostic::error(Code::GenerationFailed, u.span, u.message).with_label("cannot generate this")
}

/// The C types bindgen must emit: the spec's structs and every type their members name.
fn raw_types(spec: &ir::Spec) -> BTreeSet<String> {
    // Types only: functions are listed by `raw_functions`.
    let mut out: BTreeSet<String> = spec.ops.iter().map(|o| o.name.clone()).collect();
    for s in &spec.structs {
        out.insert(s.name.clone());
        out.extend(s.embeds.iter().map(|e| e.ty.name.clone()));
        out.extend(s.lists.iter().map(|l| l.entry.name.clone()));
        out.extend(s.rcu.iter().map(|r| r.target.name.clone()));
        out.extend(s.dma.iter().filter_map(|d| match &d.mapping {
            ir::DmaMapping::Coherent { elem, .. } => Some(elem.name.clone()),
            ir::DmaMapping::Streaming { .. } => None,
        }));
    }
    out
}

/// The C functions generated code calls: refcount release functions, and the functions
/// global locks are taken and released with.
fn raw_functions(spec: &ir::Spec) -> BTreeSet<String> {
    spec.structs
        .iter()
        .flat_map(|s| s.refcounts.iter().filter_map(|r| r.release.clone()))
        .chain(global::functions(spec))
        .collect()
}

fn format_file(tokens: proc_macro2::TokenStream) -> Result<String, String> {
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("generated code does not parse (a bug in invc): {e}"))?;
    Ok(prettyplease::unparse(&file))
}
