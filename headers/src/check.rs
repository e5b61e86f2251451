//! `check-spec` with headers: parse once, read the headers the spec names, resolve with the
//! model's facts (so constants get their values), then cross-check the IR with the model.

use crate::{
    Cache, Freshness, HeaderError, HeaderModel, HeaderRef, Request, TU_NAME, crosscheck, read,
};
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
    /// Whether the model came from the cache, when a cache was used.
    pub freshness: Option<Freshness>,
}

/// How to read a spec's headers.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Flags for clang (see [`crate::clang_args`] for where they come from).
    pub clang_args: Vec<String>,
    /// Where to keep models between runs; `None` reads the headers every time.
    pub cache: Option<Cache>,
}

impl ReadOptions {
    /// Reads the model of `headers` with these flags, through the cache if there is one
    /// (then also saying whether the cached model was fresh).
    pub fn read(
        &self,
        headers: Vec<HeaderRef>,
    ) -> Result<(HeaderModel, Option<Freshness>), HeaderError> {
        let request = Request {
            headers,
            clang_args: self.clang_args.clone(),
        };
        match &self.cache {
            Some(cache) => cache.read(&request).map(|(m, f)| (m, Some(f))),
            None => read(&request).map(|m| (m, None)),
        }
    }
}

/// Checks spec `file` (whose path is `path`, for finding `header "x.h"` beside it). With
/// `options` of `None`, headers are not read and names are taken as given. Fails only when
/// libclang cannot be used at all.
pub fn check_spec(
    sources: &mut SourceMap,
    file: FileId,
    path: &Path,
    options: Option<&ReadOptions>,
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
    let mut freshness = None;
    if let (Some(options), false) = (options, headers.is_empty()) {
        let refs = headers
            .iter()
            .map(|(h, _)| HeaderRef::of(h.system, &h.path, beside))
            .collect();
        match options.read(refs) {
            Ok((m, fresh)) => (model, freshness) = (Some(m), fresh),
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
        freshness,
    })
}
