//! Rendering findings: `human` (rustc-like, through codespan-reporting), `short`
//! (`file:line:col: rule: message`), `json`, `sarif` (2.1.0) and `github` (workflow
//! commands). Positions come from the one source map that holds specs and Rust files; no file
//! is re-read here.

mod human;
mod sarif;

pub use human::human;
pub use sarif::{fingerprints, sarif};

use crate::rule::{Finding, Rule, Severity};
use invc_spec_lang::SourceMap;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// A finding as `--format json` prints it. Lines and columns are 1-based; columns count
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonFinding {
    /// The rule id.
    pub rule: String,
    /// `"error"` or `"warning"`.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The Rust file, as given on the command line.
    pub file: String,
    /// Start line.
    pub line: usize,
    /// Start column.
    pub column: usize,
    /// End line.
    pub end_line: usize,
    /// End column (one past the last character).
    pub end_column: usize,
    /// The `.inv` file whose item makes this a rule.
    pub spec_file: Option<String>,
    /// That item's line.
    pub spec_line: Option<usize>,
}

impl JsonFinding {
    /// The rendered form of a finding.
    pub fn of(f: &Finding, sources: &SourceMap) -> JsonFinding {
        let start = sources.line_col(f.file, f.start);
        let end = sources.line_col(f.file, f.end);
        JsonFinding {
            rule: f.rule.id().to_owned(),
            severity: f.severity(),
            message: f.message.clone(),
            file: sources.file(f.file).name().to_owned(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            spec_file: f.spec.map(|s| sources.file(s.file).name().to_owned()),
            spec_line: f.spec.map(|s| sources.line_col(s.file, s.start).line),
        }
    }

    /// The rule, if the id is known.
    pub fn rule(&self) -> Option<Rule> {
        Rule::from_id(&self.rule)
    }
}

/// `--format short`: one `file:line:col: rule: message` line per finding, as gcc and
/// coccicheck print.
pub fn short(findings: &[JsonFinding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}: {}",
            f.file, f.line, f.column, f.rule, f.message
        );
    }
    out
}

/// `--format github`: one workflow command per finding (`::error file=..,line=..::msg`), which
/// GitHub Actions shows as an annotation on the line.
pub fn github(findings: &[JsonFinding]) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&f.file),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            escape_property(&f.rule),
            escape_data(&f.message)
        );
    }
    out
}

/// Escapes a workflow command's message (`%`, CR, LF), as the Actions toolkit does.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_commands_escape_separators() {
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
