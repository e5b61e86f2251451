//! invc's own diagnostic type, converted to codespan-reporting only when printed.
//!
//! Every phase returns its diagnostics as data; nothing here writes anywhere but the writer it
//! is given. Rendering (human, like rustc) and the JSON form both read positions from the one
//! [`SourceMap`], so they agree.

mod codes;

pub use codes::{Code, Phase};

use crate::span::{SourceMap, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;
use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The spec is wrong; no IR is produced.
    Error,
    /// Suspicious but accepted.
    Warning,
}

/// A labelled span inside a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
    /// The primary label is the diagnostic's location; others give context.
    pub primary: bool,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// One line saying what is wrong.
    pub message: String,
    /// The first label is primary.
    pub labels: Vec<Label>,
    /// Extra sentences, printed as `= note: ...` or `= help: ...`.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error with a primary label.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: vec![Label {
                span,
                message: String::new(),
                primary: true,
            }],
            notes: Vec::new(),
        }
    }

    /// Sets the primary label's text.
    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        self.labels[0].message = message.into();
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    /// Adds a `note:` line.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(format!("note: {}", note.into()));
        self
    }

    /// Adds a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.notes.push(format!("help: {}", help.into()));
        self
    }

    /// Adds "did you mean `x`?" when one of `candidates` is close to `name`.
    pub fn with_suggestion<'a>(
        self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        match suggest(name, candidates) {
            Some(s) => self.with_help(format!("did you mean `{s}`?")),
            None => self,
        }
    }

    /// The primary location.
    pub fn primary_span(&self) -> Span {
        self.labels
            .iter()
            .find(|l| l.primary)
            .unwrap_or(&self.labels[0])
            .span
    }

    fn to_codespan(&self) -> cs::Diagnostic<crate::span::FileId> {
        let severity = match self.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let labels = self
            .labels
            .iter()
            .map(|l| {
                let style = if l.primary {
                    cs::LabelStyle::Primary
                } else {
                    cs::LabelStyle::Secondary
                };
                cs::Label::new(style, l.span.file, l.span.range()).with_message(&l.message)
            })
            .collect();
        cs::Diagnostic::new(severity)
            .with_code(self.code.as_str())
            .with_message(&self.message)
            .with_labels(labels)
            .with_notes(self.notes.clone())
    }

    /// Renders the diagnostic as rustc would print it, without colour.
    pub fn render(&self, sources: &SourceMap) -> String {
        let config = term::Config::default();
        // Spans come from the same map, so the only failure would be a bug; print the message
        // rather than lose the diagnostic.
        term::emit_into_string(&config, sources, &self.to_codespan())
            .unwrap_or_else(|_| format!("error[{}]: {}\n", self.code, self.message))
    }

    /// Renders the diagnostic to a colour-capable writer (a terminal).
    pub fn emit(
        &self,
        sources: &SourceMap,
        out: &mut dyn term::termcolor::WriteColor,
    ) -> std::io::Result<()> {
        let config = term::Config::default();
        let styles = term::Styles::default();
        let mut writer = term::StylesWriter::new(out, &styles);
        term::emit_to_write_style(&mut writer, &config, sources, &self.to_codespan())
            .map_err(std::io::Error::other)
    }

    /// The machine-readable form (`--format json`).
    pub fn to_json(&self, sources: &SourceMap) -> JsonDiagnostic {
        let span = self.primary_span();
        let start = sources.line_col(span.file, span.start);
        let end = sources.line_col(span.file, span.end);
        JsonDiagnostic {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            file: sources.file(span.file).name().to_owned(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            labels: self
                .labels
                .iter()
                .map(|l| {
                    let at = sources.line_col(l.span.file, l.span.start);
                    JsonLabel {
                        file: sources.file(l.span.file).name().to_owned(),
                        line: at.line,
                        column: at.column,
                        message: l.message.clone(),
                        primary: l.primary,
                    }
                })
                .collect(),
            notes: self.notes.clone(),
        }
    }
}

/// A diagnostic as `--format json` prints it. Lines and columns are 1-based.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic {
    /// `"error"` or `"warning"`.
    pub severity: Severity,
    /// The stable code, e.g. `"E0012"`.
    pub code: Code,
    /// The one-line message.
    pub message: String,
    /// File of the primary location.
    pub file: String,
    /// Line of the primary location.
    pub line: usize,
    /// Column of the primary location.
    pub column: usize,
    /// Line where the primary location ends.
    pub end_line: usize,
    /// Column where the primary location ends (exclusive).
    pub end_column: usize,
    /// Every label, primary first.
    pub labels: Vec<JsonLabel>,
    /// Notes and help lines.
    pub notes: Vec<String>,
}

/// A label in [`JsonDiagnostic`].
#[derive(Debug, Clone, Serialize)]
pub struct JsonLabel {
    /// File of the label.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The label's text.
    pub message: String,
    /// Whether this is the primary location.
    pub primary: bool,
}

/// `true` when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// The closest of `candidates` to `name`, if close enough to suggest ("did you mean").
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}
