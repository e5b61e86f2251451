//! `invc check`: find where Rust translations of C kernel code go around the invariants a
//! `.inv` spec states.
//!
//! ```text
//! IR (ir::Spec) --RuleIndex::new--> rule index
//! .rs files --syn (in parallel, rayon)--> walk (types, access, calls) --> findings
//!   --suppressions (comments)--> --baseline, changed lines (filter)--> report formats
//! ```
//!
//! The checker reads only the IR of `invc_spec_lang`, never its AST. It does no I/O: callers
//! put the specs and the Rust files in one [`SourceMap`] (so findings can point into both)
//! and print what [`report`] renders.

mod access;
mod calls;
pub mod comments;
pub mod filter;
pub mod index;
mod kernel_fns;
mod locks;
pub mod report;
pub mod rule;
mod span;
pub mod types;
mod walk;

pub use index::RuleIndex;
pub use rule::{Finding, Rule, Severity};

use comments::{Lines, Suppression};
use invc_spec_lang::{FileId, SourceMap};
use rayon::prelude::*;
use std::collections::HashMap;
use syn::visit::Visit;

/// Checks every Rust file in `files` (ids of `sources`) in parallel, and returns the findings
/// sorted by file, position and rule. Suppression comments are applied; a file that does not
/// parse gives one `parse-error` finding.
pub fn check_files(index: &RuleIndex, sources: &SourceMap, files: &[FileId]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = files
        .par_iter()
        .flat_map_iter(|&file| check_file(index, sources, file))
        .collect();
    sort(&mut findings);
    findings
}

/// Sorts findings by file, position and rule: the order every format prints.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.file, a.start, a.rule, &a.message).cmp(&(b.file, b.start, b.rule, &b.message))
    });
}

/// Checks one Rust file.
pub fn check_file(index: &RuleIndex, sources: &SourceMap, file: FileId) -> Vec<Finding> {
    let text = sources.file(file).text();
    let ast = match syn::parse_file(text) {
        Ok(ast) => ast,
        Err(e) => {
            let range = e.span().byte_range();
            // proc-macro2's lexer gives no detail; say what it means.
            let e = match e.to_string().as_str() {
                "cannot parse string into token stream" => {
                    "unbalanced delimiters or an invalid token".to_owned()
                }
                other => other.to_owned(),
            };
            return vec![Finding {
                rule: Rule::ParseError,
                message: format!("the file does not parse, so it was not checked: {e}"),
                label: "syntax error".to_owned(),
                file,
                start: range.start as u32,
                end: range.end as u32,
                spec: None,
            }];
        }
    };
    let names = types::Names::of_file(index, &ast);
    let lines = Lines::new(text);
    let mut walker = walk::Walker::new(&names, file, &lines);
    walker.visit_file(&ast);
    let (findings, extents) = (walker.findings, walker.extents);
    suppress(sources, file, &lines, findings, &extents)
}

/// Drops the findings an `invc:allow` comment covers, and reports malformed suppressions.
fn suppress(
    sources: &SourceMap,
    file: FileId,
    lines: &Lines<'_>,
    findings: Vec<Finding>,
    extents: &[(usize, usize)],
) -> Vec<Finding> {
    let text = sources.file(file).text();
    let allows = comments::suppressions(text);
    if allows.is_empty() {
        return findings;
    }
    // The last line of the longest item or statement starting on each line.
    let mut extent_end: HashMap<usize, usize> = HashMap::new();
    for &(start, end) in extents {
        let e = extent_end.entry(start).or_insert(end);
        *e = (*e).max(end);
    }
    let covered = |s: &Suppression| -> (usize, usize) {
        if s.trailing {
            return (s.line, s.line);
        }
        // The next line that is not a comment or an attribute, and the whole item or
        // statement that starts there.
        let mut next = s.line + 1;
        while next <= lines.len() && lines.is_trivia(next) {
            next += 1;
        }
        (
            s.line,
            extent_end.get(&next).copied().unwrap_or(next).max(next),
        )
    };
    // The rules allowed on each line.
    let mut allowed: HashMap<usize, Vec<Rule>> = HashMap::new();
    for s in allows.iter().filter(|s| s.problem.is_none()) {
        let (from, to) = covered(s);
        for line in from..=to {
            allowed.entry(line).or_default().extend(&s.rules);
        }
    }
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            let line = sources.line_col(file, f.start).line;
            !allowed
                .get(&line)
                .is_some_and(|rules| rules.contains(&f.rule))
        })
        .collect();
    for s in allows {
        if let Some(problem) = s.problem {
            let len = comments::ALLOW.len() as u32;
            out.push(Finding {
                rule: Rule::BadSuppression,
                message: problem,
                label: "malformed suppression".to_owned(),
                file,
                start: s.offset as u32,
                end: s.offset as u32 + len + 2,
                spec: None,
            });
        }
    }
    out
}
