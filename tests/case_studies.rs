//! The case studies under `examples/` (issue 6), through the `invc` binary: `invc check` finds
//! nothing in each correct translation (`examples/NAME/src`), and in each seeded-bug
//! translation (`examples/NAME/seeded/*.rs`) exactly the findings its `//~ rule ...`
//! comments mark, on their lines. The compiler-rejected seeded bugs are the trybuild cases
//! of each example's package (`examples/NAME/tests/ui`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// `invc check --format json` of `paths` against `examples/NAME/NAME.inv`: the exit code and
/// the `(file, line, rule)` of every finding.
fn check(name: &str, paths: &[PathBuf]) -> (i32, Vec<(String, usize, String)>) {
    let spec = format!("examples/{name}/{name}.inv");
    let out = Command::new(env!("CARGO_BIN_EXE_invc"))
        .args(["check", "--spec", &spec, "--format", "json"])
        .args(paths)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env(
            "INVC_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/invc-cache"),
        )
        .output()
        .expect("failed to run invc");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "invc check printed no JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut found: Vec<(String, usize, String)> = findings
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap() as usize,
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    (out.status.code().unwrap_or(-1), found)
}

/// The `(line, rule)` pairs the `//~` markers of `text` expect, sorted.
fn expected(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find("//~") {
            for id in line[at + 3..].split_whitespace() {
                out.push((i + 1, id.to_owned()));
            }
        }
    }
    out.sort();
    out
}

/// Runs the checks of one case study; returns the rules its seeded bugs exercise.
fn case_study(name: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, found) = check(name, &[PathBuf::from(format!("examples/{name}/src"))]);
    assert_eq!(
        (code, found),
        (0, vec![]),
        "`invc check` must find nothing in the correct translation of {name}"
    );

    let mut seeded: Vec<PathBuf> = std::fs::read_dir(root.join(format!("examples/{name}/seeded")))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    seeded.sort();
    let mut rules = Vec::new();
    for path in &seeded {
        let rel = path.strip_prefix(root).unwrap().to_path_buf();
        let text = std::fs::read_to_string(path).unwrap();
        let want = expected(&text);
        assert!(!want.is_empty(), "{} marks no finding", rel.display());
        let (code, found) = check(name, std::slice::from_ref(&rel));
        let got: Vec<(usize, String)> = found
            .into_iter()
            .map(|(file, line, rule)| {
                assert!(file.ends_with(&*rel.to_string_lossy()), "finding in {file}");
                (line, rule)
            })
            .collect();
        assert_eq!(
            got,
            want,
            "{}: the findings differ from the `//~` markers",
            rel.display()
        );
        assert_eq!(code, 1, "{}: findings exit with 1", rel.display());
        rules.extend(want.into_iter().map(|(_, rule)| rule));
    }
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn vnet() {
    let rules = case_study("vnet");
    // One seeded bug per kind of mistake the study reports for this driver, and per construct.
    for rule in [
        "dma-bypass",
        "guarded-access",
        "raw-lock",
        "rcu-deref",
        "raw-container-of",
        "lock-order",
        "sleep-in-atomic",
        "missing-lock",
        "rcu-free",
    ] {
        assert!(
            rules.iter().any(|r| r == rule),
            "no vnet seeded bug for `{rule}`"
        );
    }
}
