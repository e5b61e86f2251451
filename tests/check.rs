//! End-to-end: `invc check` as CI runs it, on the checker's fixtures: every format, exit
//! codes, `--changed-lines`, baselines, and a spec with errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/checker/tests/fixtures");

fn invc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_invc"))
        .args(["check", "--no-headers", "--spec", "spec.inv"])
        .args(args)
        .current_dir(FIXTURES)
        .env("NO_COLOR", "1")
        .output()
        .expect("failed to run invc")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn clean_files_exit_0() {
    let out = invc(&["guarded-access/good.rs", "raw-lock/good.rs"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(text(&out.stderr).trim(), "invc check: 2 files clean");
}

#[test]
fn human_findings_go_to_stderr_and_exit_1() {
    let out = invc(&["readonly-write/bad.rs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error[readonly-write]: `vnet_queue.size` is readonly"),
        "{stderr}"
    );
    assert!(stderr.contains("┌─ readonly-write/bad.rs:4:9"), "{stderr}");
    assert!(
        stderr.contains("┌─ spec.inv:8:5"),
        "the spec line is shown: {stderr}"
    );
    assert!(
        stderr.contains("invc check: 3 findings in 1 file (of 1 checked)"),
        "{stderr}"
    );
}

#[test]
fn short_json_github_and_sarif_go_to_stdout() {
    let out = invc(&["--format", "short", "raw-refcount/bad.rs"]);
    assert_eq!(out.status.code(), Some(1));
    let short = text(&out.stdout);
    assert!(
        short.starts_with(
            "raw-refcount/bad.rs:3:14: raw-refcount: raw `kref_get` on refcount `vnet_queue.ref`"
        ),
        "{short}"
    );
    assert_eq!(short.lines().count(), 2);

    let out = invc(&["--format", "json", "raw-refcount/bad.rs"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &json[0];
    for key in [
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "spec_file",
        "spec_line",
    ] {
        assert!(first.get(key).is_some(), "no `{key}` in {first}");
    }
    assert_eq!(first["spec_line"], 15);

    let out = invc(&["--format", "github", "raw-refcount/bad.rs"]);
    let github = text(&out.stdout);
    assert!(
        github.starts_with("::error file=raw-refcount/bad.rs,line=3,col=14,"),
        "{github}"
    );
    assert!(
        github.contains(",title=raw-refcount::raw `kref_get`"),
        "{github}"
    );

    let out = invc(&["--format", "sarif", "raw-refcount/bad.rs"]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][1]["ruleId"], "raw-refcount");
}

#[test]
fn folders_are_searched_and_parse_errors_do_not_stop_the_others() {
    let out = invc(&["--format", "short", "."]);
    assert_eq!(out.status.code(), Some(1));
    let short = text(&out.stdout);
    assert!(
        short.contains("parse-error/bad.rs:4:40: parse-error:"),
        "{short}"
    );
    assert!(
        short.contains("guarded-access/bad.rs:6:17: guarded-access:"),
        "{short}"
    );
    assert!(
        !short.contains("good.rs"),
        "no good.rs has findings: {short}"
    );
}

#[test]
fn changed_lines_keeps_only_findings_on_added_lines() {
    let diff = temp("change.diff");
    std::fs::write(
        &diff,
        "diff --git a/x b/x\n--- a/guarded-access/bad.rs\n+++ b/guarded-access/bad.rs\n\
         @@ -6,0 +7,1 @@\n+        (*q).free_head = 0; //~ guarded-access\n",
    )
    .unwrap();
    let out = invc(&[
        "--format",
        "short",
        "--changed-lines",
        diff.to_str().unwrap(),
        "guarded-access/bad.rs",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let short = text(&out.stdout);
    assert_eq!(short.lines().count(), 1, "{short}");
    assert!(short.starts_with("guarded-access/bad.rs:7:9:"), "{short}");

    std::fs::write(
        &diff,
        "--- a/other.rs\n+++ b/other.rs\n@@ -1 +1 @@\n-a\n+b\n",
    )
    .unwrap();
    let out = invc(&[
        "--changed-lines",
        diff.to_str().unwrap(),
        "guarded-access/bad.rs",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "nothing on changed lines: {}",
        text(&out.stderr)
    );
}

#[test]
fn a_baseline_hides_known_findings_but_not_new_ones() {
    let baseline = temp("baseline.json");
    let out = invc(&[
        "--write-baseline",
        baseline.to_str().unwrap(),
        "raw-refcount/bad.rs",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = invc(&[
        "--baseline",
        baseline.to_str().unwrap(),
        "raw-refcount/bad.rs",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = invc(&[
        "--format",
        "short",
        "--baseline",
        baseline.to_str().unwrap(),
        "raw-refcount/bad.rs",
        "raw-lock/bad.rs",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout)
            .lines()
            .all(|l| l.starts_with("raw-lock/bad.rs"))
    );
}

#[test]
fn usage_io_and_spec_errors_exit_2() {
    let out = invc(&["no-such-file.rs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read `no-such-file.rs`"));

    let out = invc(&["--format", "xml", "."]);
    assert_eq!(out.status.code(), Some(2));

    let spec = temp("broken.inv");
    std::fs::write(&spec, "struct s { guarded_by(nope) x; }\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_invc"))
        .args([
            "check",
            "--no-headers",
            "--spec",
            spec.to_str().unwrap(),
            ".",
        ])
        .current_dir(FIXTURES)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error[E"),
        "the spec's diagnostics are printed: {stderr}"
    );
    assert!(
        stderr.contains("the spec has errors, so no Rust file was checked"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
