//! The case studies of issue 6 under `invc check`: each correct translation has no findings,
//! and each seeded-bug translation (`examples/NAME/seeded/*.rs`) has exactly the findings its
//! `//~ rule-id` comments mark, on their lines. (The seeds the compiler rejects are trybuild
//! tests in each example's own `tests/ui/`.)

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn invc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_invc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env(
            "INVC_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/invc-cache"),
        )
        .output()
        .expect("failed to run invc")
}

/// `(line, rule)` of each finding of `invc check --spec SPEC --format json PATH`.
fn findings(spec: &str, path: &str) -> Vec<(u64, String)> {
    let out = invc(&["check", "--spec", spec, "--format", "json", path]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "invc check failed on {path}: {stderr}"
    );
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON from invc check on {path} ({e}): {stderr}"));
    let mut out: Vec<(u64, String)> = json
        .as_array()
        .expect("an array of findings")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The `(line, rule)` pairs the `//~` markers of a seeded file expect.
fn marked(path: &Path) -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find("//~") {
            out.extend(
                line[at + 3..]
                    .split_whitespace()
                    .map(|rule| (i as u64 + 1, rule.to_owned())),
            );
        }
    }
    out.sort();
    out
}

/// The translation in `examples/NAME/src` is clean; each seeded file has its marked findings.
/// Returns how many seeded files there are.
fn check_case_study(name: &str) -> usize {
    let spec = format!("examples/{name}/{name}.inv");
    let src = format!("examples/{name}/src");
    assert_eq!(
        findings(&spec, &src),
        vec![],
        "the {name} translation has findings"
    );
    let seeded = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("examples/{name}/seeded"));
    let mut files: Vec<_> = std::fs::read_dir(&seeded)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for file in &files {
        let want = marked(file);
        assert!(!want.is_empty(), "{} marks no finding", file.display());
        let rel = file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
        assert_eq!(
            findings(&spec, rel.to_str().unwrap()),
            want,
            "{}",
            rel.display()
        );
    }
    files.len()
}

#[test]
fn ext2lite() {
    assert!(check_case_study("ext2lite") >= 5);
}
