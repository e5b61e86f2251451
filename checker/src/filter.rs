//! Filters applied after the rules: a baseline of accepted findings (legacy code), and the
//! lines a unified diff adds (`--changed-lines`). Both work on rendered findings
//! ([`JsonFinding`]), so they match what users see in files they can edit.

use crate::report::JsonFinding;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// One accepted finding in a baseline file. A baseline is the JSON array `--format json`
/// prints (or `--write-baseline` writes); only these three keys are read, so moving code
/// does not invalidate it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct BaselineEntry {
    /// The rule id.
    pub rule: String,
    /// The Rust file as the finding named it.
    pub file: String,
    /// The finding's message.
    pub message: String,
}

/// Parses a baseline file.
pub fn parse_baseline(text: &str) -> Result<Vec<BaselineEntry>, serde_json::Error> {
    serde_json::from_str(text)
}

/// The findings a baseline accepts. Each entry accepts one finding with the same rule, file
/// and message, so a second copy of an accepted mistake is new.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    budget: HashMap<(String, String, String), usize>,
}

impl Baseline {
    /// A baseline of these entries.
    pub fn new(entries: Vec<BaselineEntry>) -> Baseline {
        let mut budget = HashMap::new();
        for e in entries {
            *budget.entry((e.rule, e.file, e.message)).or_default() += 1;
        }
        Baseline { budget }
    }

    /// Whether the baseline accepts this finding (using up one entry if so).
    pub fn accepts(&mut self, f: &JsonFinding) -> bool {
        let key = (f.rule.clone(), f.file.clone(), f.message.clone());
        match self.budget.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// The lines a unified diff adds, by file (the `+++` path, without `b/`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangedLines {
    files: HashMap<String, HashSet<usize>>,
}

impl ChangedLines {
    /// Reads a unified diff (`git diff -U0` or with context). Unparseable hunk headers are
    /// errors, so a wrong file is not silently taken as "nothing changed".
    pub fn parse(diff: &str) -> Result<ChangedLines, String> {
        let mut changed = ChangedLines::default();
        let mut file: Option<String> = None;
        let mut line = 0usize;
        for (n, text) in diff.lines().enumerate() {
            if let Some(path) = text.strip_prefix("+++ ") {
                let path = path.split('\t').next().unwrap_or(path).trim();
                file = match path {
                    "/dev/null" => None,
                    p => Some(p.strip_prefix("b/").unwrap_or(p).to_owned()),
                };
            } else if text.starts_with("--- ") {
                continue;
            } else if let Some(hunk) = text.strip_prefix("@@ ") {
                let new = hunk
                    .split_whitespace()
                    .find(|part| part.starts_with('+'))
                    .ok_or_else(|| format!("line {}: malformed hunk header", n + 1))?;
                let start = new[1..].split(',').next().unwrap_or("");
                line = start
                    .parse()
                    .map_err(|_| format!("line {}: malformed hunk header", n + 1))?;
            } else if let Some(f) = &file {
                if text.starts_with('+') {
                    changed.files.entry(f.clone()).or_default().insert(line);
                    line += 1;
                } else if text.starts_with(' ') {
                    line += 1;
                }
            }
        }
        Ok(changed)
    }

    /// Whether `line` of `file` is added. Paths match when one ends with the other at a `/`
    /// (`./src/a.rs`, `src/a.rs` and `/repo/src/a.rs` all match a diff's `src/a.rs`).
    pub fn contains(&self, file: &str, line: usize) -> bool {
        let file = normalize(file);
        self.files.iter().any(|(path, lines)| {
            let path = normalize(path);
            lines.contains(&line) && (same_tail(&file, &path) || same_tail(&path, &file))
        })
    }
}

fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut p = path.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_owned()
}

fn same_tail(long: &str, short: &str) -> bool {
    long == short
        || long
            .strip_suffix(short)
            .is_some_and(|head| head.ends_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_of_a_zero_context_diff() {
        let diff = "diff --git a/src/a.rs b/src/a.rs\n--- a/src/a.rs\n+++ b/src/a.rs\n\
                    @@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-old\n+new\n";
        let c = ChangedLines::parse(diff).unwrap();
        assert!(c.contains("src/a.rs", 4) && c.contains("./src/a.rs", 5));
        assert!(c.contains("/repo/src/a.rs", 12));
        assert!(!c.contains("src/a.rs", 6) && !c.contains("b.rs", 4));
        assert!(ChangedLines::parse("+++ b/x\n@@ nonsense @@\n").is_err());
    }
}
