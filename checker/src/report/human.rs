//! `--format human`: findings as rustc prints diagnostics, with the rule id as the code, the
//! Rust line as the primary label and the spec item that makes it a rule as a secondary
//! label.

use crate::rule::{Finding, Severity};
use invc_spec_lang::SourceMap;
use invc_spec_lang::codespan_reporting::diagnostic as cs;
use invc_spec_lang::codespan_reporting::term;

/// Renders findings to a colour-capable writer.
pub fn human(
    findings: &[Finding],
    sources: &SourceMap,
    out: &mut dyn term::termcolor::WriteColor,
) -> std::io::Result<()> {
    let config = term::Config::default();
    let styles = term::Styles::default();
    let mut writer = term::StylesWriter::new(out, &styles);
    for f in findings {
        let severity = match f.severity() {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let mut labels = vec![
            cs::Label::primary(f.file, f.start as usize..f.end as usize).with_message(&f.label),
        ];
        if let Some(spec) = f.spec {
            labels.push(
                cs::Label::secondary(spec.file, spec.range())
                    .with_message("the spec makes this a rule here"),
            );
        }
        let diagnostic = cs::Diagnostic::new(severity)
            .with_code(f.rule.id())
            .with_message(&f.message)
            .with_labels(labels)
            .with_notes(vec![format!(
                "rule `{}`: {}",
                f.rule.id(),
                f.rule.description()
            )]);
        term::emit_to_write_style(&mut writer, &config, sources, &diagnostic)
            .map_err(std::io::Error::other)?;
    }
    Ok(())
}
