//! `--format sarif`: a SARIF 2.1.0 log with one run, every rule in the tool's driver, and
//! `partialFingerprints` that stay the same when code above a finding moves (they hash the
//! rule, file, message and the finding's rank among identical ones, not its line), so GitHub
//! code scanning does not reopen alerts across runs.

use super::JsonFinding;
use crate::rule::{Rule, Severity};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The SARIF schema URI.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The log for these findings.
pub fn sarif(findings: &[JsonFinding]) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "name": crate::index::camel_case(&r.id().replace('-', "_")),
                "shortDescription": { "text": r.description() },
                "defaultConfiguration": { "level": level(r.severity()) },
            })
        })
        .collect();
    let prints = fingerprints(findings);
    let results: Vec<Value> = findings
        .iter()
        .zip(prints)
        .map(|(f, print)| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [location(&f.file, f.line, f.column, Some((f.end_line, f.end_column)))],
                "partialFingerprints": { "invcFinding/v1": print },
            });
            if let Some(index) = Rule::ALL.iter().position(|r| r.id() == f.rule) {
                result["ruleIndex"] = json!(index);
            }
            if let (Some(file), Some(line)) = (&f.spec_file, f.spec_line) {
                let mut spec = location(file, line, 1, None);
                spec["id"] = json!(0);
                spec["message"] = json!({ "text": "the spec item that makes this a rule" });
                result["relatedLocations"] = json!([spec]);
            }
            result
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "invc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn location(file: &str, line: usize, column: usize, end: Option<(usize, usize)>) -> Value {
    let mut region = json!({ "startLine": line, "startColumn": column });
    if let Some((end_line, end_column)) = end {
        region["endLine"] = json!(end_line);
        region["endColumn"] = json!(end_column.max(if end_line == line { column + 1 } else { 1 }));
    }
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri(file) },
        "region": region,
    }})
}

/// A relative URI reference for a path: `/` separators, reserved characters escaped.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A fingerprint per finding: FNV-1a (stable across Rust versions, unlike `DefaultHasher`)
/// of rule, file, message and the rank among findings with the same three.
pub fn fingerprints(findings: &[JsonFinding]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let rank = seen
                .entry((f.rule.as_str(), f.file.as_str(), f.message.as_str()))
                .or_default();
            let text = format!("{}\0{}\0{}\0{}", f.rule, f.file, f.message, rank);
            *rank += 1;
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for b in text.bytes() {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
            format!("{hash:016x}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_reserved_characters() {
        assert_eq!(uri("src/a b.rs"), "src/a%20b.rs");
        assert_eq!(uri("src\\x.rs"), "src/x.rs");
    }
}
