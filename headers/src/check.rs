//! `check-spec` with headers: parse once, read the headers the spec names, resolve with the
//! model's facts (so constants get their values), then cross-check the IR with the model. A
//! model from the cache decodes only the declarations these steps ask for.

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
    /// The header model, when headers were read (from the cache: decoding declarations as
    /// they are asked for).
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

    /// As [`ReadOptions::read`], but a cached model decodes declarations when they are asked
    /// for; see [`Cache::load`].
    fn load(&self, request: &Request) -> Result<(HeaderModel, Option<Freshness>), HeaderError> {
        match &self.cache {
            Some(cache) => cache.load(request).map(|(m, f)| (m, Some(f))),
            None => read(request).map(|m| (m, None)),
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
    // The tree borrows the text it was parsed from, and the source map gains the headers'
    // files while the tree is analysed, so the tree is parsed from a copy of the spec's text.
    let text = sources.file(file).text().to_owned();
    let (tree, mut diagnostics) = parser::parse(file, &text);
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
    let request = Request {
        headers: headers
            .iter()
            .map(|(h, _)| HeaderRef::of(h.system, &h.path, beside))
            .collect(),
        clang_args: options.map(|o| o.clang_args.clone()).unwrap_or_default(),
    };
    if let (Some(options), false) = (options, headers.is_empty()) {
        match options.load(&request) {
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
    let parsed = diagnostics.len();
    let mut spec = analyse(&tree, file, sources, model.as_ref(), &mut diagnostics);
    // A cached model whose declarations did not all decode may have answered wrongly: read
    // the headers again and redo what depended on it.
    if let (Some(cache), Some(m)) = (options.and_then(|o| o.cache.as_ref()), &model)
        && m.is_damaged()
    {
        diagnostics.truncate(parsed);
        model = Some(cache.refresh(&request)?);
        freshness = Some(Freshness::Stale);
        spec = analyse(&tree, file, sources, model.as_ref(), &mut diagnostics);
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

/// Resolves `tree` (with the model's facts, if there is a model) and cross-checks the IR
/// with the model when the spec has no errors, adding to `diagnostics`.
fn analyse(
    tree: &invc_spec_lang::ast::File,
    file: FileId,
    sources: &mut SourceMap,
    model: Option<&HeaderModel>,
    diagnostics: &mut Vec<Diagnostic>,
) -> ir::Spec {
    let facts = model.map(|m| m as &dyn HeaderFacts);
    let (spec, resolution) = resolve::resolve(tree, file, sources, facts);
    diagnostics.extend(resolution);
    if !has_errors(diagnostics)
        && let Some(model) = model
    {
        diagnostics.extend(crosscheck(&spec, model, sources));
    }
    spec
}
