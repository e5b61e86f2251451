//! `check-spec` with headers: parse once, read the headers the spec names, resolve with the
//! model's facts (so constants get their values), then cross-check the IR with the model.

use crate::{HeaderError, HeaderModel, HeaderRef, Request, TU_NAME, crosscheck, read};
use invc_spec_lang::ast::ItemKind;
use invc_spec_lang::diagnostic::{Code, Diagnostic, has_errors};
use invc_spec_lang::resolve::HeaderFacts;
use invc_spec_lang::{FileId, SourceMap, ir, parser, resolve};
use std::path::Path;

/// The result of checking one spec.
pub struct Checked {
    /// The IR, when the spec (and its cross-check) has no errors.
    pub spec: Option<ir::Spec>,
    /// Every diagnostic, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The header model, when headers were read.
    pub model: Option<HeaderModel>,
}

/// Checks spec `file` (whose path is `path`, for finding `header "x.h"` beside it). With
/// `clang_args` of `None`, headers are not read and names are taken as given. Fails only when
/// libclang cannot be used at all.
pub fn check_spec(
    sources: &mut SourceMap,
    file: FileId,
    path: &Path,
    clang_args: Option<&[String]>,
) -> Result<Checked, HeaderError> {
    let (tree, mut diagnostics) = parser::parse(file, sources.file(file).text());
    let beside = path.parent().unwrap_or(Path::new(""));
    let headers: Vec<_> = tree
        .items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Header(h) if !h.path.is_empty() => Some((h, item.span)),
            _ => None,
        })
        .collect();
    let mut model = None;
    if let (Some(args), false) = (clang_args, headers.is_empty()) {
        let request = Request {
            headers: headers
                .iter()
                .map(|(h, _)| match h.system {
                    true => HeaderRef::System(h.path.clone()),
                    false => HeaderRef::File(beside.join(&h.path)),
                })
                .collect(),
            clang_args: args.to_vec(),
        };
        match read(&request) {
            Ok(m) => model = Some(m),
            Err(HeaderError::DoNotParse(errors)) => {
                // An error on line N of the generated unit is in (or included by) header N.
                let culprit = errors
                    .iter()
                    .find_map(|e| {
                        let rest = e.text.strip_prefix(TU_NAME)?.strip_prefix(':')?;
                        rest.split(':').next()?.parse::<usize>().ok()
                    })
                    .and_then(|line| headers.get(line.checked_sub(1)?))
                    .unwrap_or(&headers[0]);
                let mut d = Diagnostic::error(
                    Code::HeadersDoNotCompile,
                    culprit.1,
                    "the headers do not compile with the given clang flags",
                )
                .with_label("included from here");
                for e in errors.iter().take(20) {
                    d = d.with_note(format!("clang: {}", e.text));
                }
                if errors.len() > 20 {
                    d = d.with_note(format!("clang: ... and {} more errors", errors.len() - 20));
                }
                d = d.with_help(
                    "pass clang flags after `--` (include paths, -D options), as with bindgen",
                );
                diagnostics.push(d);
            }
            Err(other) => return Err(other),
        }
    }
    let facts = model.as_ref().map(|m| m as &dyn HeaderFacts);
    let (spec, resolution) = resolve::resolve(&tree, file, sources, facts);
    diagnostics.extend(resolution);
    if !has_errors(&diagnostics)
        && let Some(model) = &model
    {
        diagnostics.extend(crosscheck(&spec, model, sources));
    }
    diagnostics.sort_by_key(|d| (d.primary_span().file, d.primary_span().start));
    let spec = (!has_errors(&diagnostics)).then_some(spec);
    Ok(Checked {
        spec,
        diagnostics,
        model,
    })
}
