//! `invc check` on the case studies: each correct translation (`examples/NAME/src`) checks
//! clean against its spec, and each seeded-bug translation (`examples/NAME/seeded/*.rs`) gets
//! exactly the findings its `//~ rule ...` comments mark, on their lines.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `(line, rule)` findings, sorted.
type Findings = BTreeSet<(u64, String)>;

fn check(spec: &Path, path: &Path) -> (Option<i32>, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_invc"))
        .args(["check", "--format", "json", "--spec"])
        .arg(spec)
        .arg(path)
        .output()
        .expect("invc runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invc check printed no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

fn findings(json: &serde_json::Value) -> Findings {
    json.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// What the `//~ rule ...` markers of a file expect.
fn expected(file: &Path) -> Findings {
    let text = std::fs::read_to_string(file).unwrap();
    let mut want = Findings::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find("//~") {
            for rule in line[at + 3..].split_whitespace() {
                want.insert((i as u64 + 1, rule.to_string()));
            }
        }
    }
    want
}

/// Checks one case study; returns how many seeded files it checked.
fn case_study(name: &str) -> usize {
    let dir = Path::new("examples").join(name);
    let spec = dir.join(format!("{name}.inv"));

    let (code, json) = check(&spec, &dir.join("src"));
    assert_eq!(
        findings(&json),
        Findings::new(),
        "the {name} translation must check clean: {json:#}"
    );
    assert_eq!(code, Some(0));

    let mut seeded: Vec<PathBuf> = std::fs::read_dir(dir.join("seeded"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    seeded.sort();
    for file in &seeded {
        let want = expected(file);
        assert!(!want.is_empty(), "{} marks no finding", file.display());
        let (code, json) = check(&spec, file);
        assert_eq!(findings(&json), want, "{}: {json:#}", file.display());
        assert_eq!(code, Some(1));
    }
    seeded.len()
}

#[test]
fn chardev() {
    assert!(case_study("chardev") >= 5);
}

#[test]
fn vnet() {
    // One seeded bug per rule the vnet translation could break (examples/vnet/seeded).
    assert!(case_study("vnet") >= 10);
}

#[test]
fn ext2lite() {
    assert!(case_study("ext2lite") >= 5);
}
