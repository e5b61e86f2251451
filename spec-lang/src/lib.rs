//! The `.inv` language: lexer, grammar, resolution, IR and diagnostics.
//!
//! ```text
//! .inv text --lexer--> tokens --parser--> ast (spans) --resolve--> ir (serde, spans kept)
//! ```
//!
//! Each phase returns its result together with its diagnostics; [`check`] runs them all and
//! stops only at phase boundaries. This crate does no I/O: callers read files into a
//! [`SourceMap`] and print the diagnostics they get back.

pub mod ast;
pub mod diagnostic;
pub mod format;
pub mod ir;
pub mod lexer;
pub mod parser;
pub mod resolve;
pub mod rust_names;
pub mod span;

pub use diagnostic::{Code, Diagnostic, Phase, Severity};
pub use span::{FileId, SourceMap, Span};

/// Parses and resolves one file of `sources`. Returns the IR only when there were no errors,
/// and every diagnostic (syntax and resolution) in source order.
pub fn check(
    sources: &SourceMap,
    file: FileId,
    header: Option<&dyn resolve::HeaderFacts>,
) -> (Option<ir::Spec>, Vec<Diagnostic>) {
    let text = sources.file(file).text();
    let (tree, mut diagnostics) = parser::parse(file, text);
    // Resolution runs even after syntax errors: the items that parsed are still checked.
    let (spec, resolution) = resolve::resolve(&tree, file, sources, header);
    diagnostics.extend(resolution);
    diagnostics.sort_by_key(|d| (d.primary_span().file, d.primary_span().start));
    let spec = (!diagnostic::has_errors(&diagnostics)).then_some(spec);
    (spec, diagnostics)
}

/// The diagnostics renderer, re-exported so the CLI colours output with the same version.
pub use codespan_reporting;
