//! What several end-to-end tests share: running the `invc` binary, and building small cargo
//! workspaces that use what it generates.

#![allow(dead_code)] // each test binary uses part of it

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The checkout.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `invc` in the checkout, with its cache in the build folder.
pub fn invc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_invc"))
        .args(args)
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env(
            "INVC_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/invc-cache"),
        )
        .output()
        .expect("failed to run invc")
}

/// Asserts that a process succeeded; returns its standard error.
pub fn succeed(out: Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {stderr}{}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

/// A fresh folder under the build folder.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `text` to `dir/path`, making folders.
pub fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The runtime crate of this checkout as a dependency line.
pub fn runtime_dependency() -> String {
    format!(
        "inv = {{ package = \"invc-annotations\", path = {:?} }}\n",
        Path::new(ROOT).join("annotations").display().to_string()
    )
}

/// Runs `cargo ARGS` in the workspace at `dir`, offline with the checkout's lock file (so no
/// registry is needed) and every warning an error, in a target folder shared by these tests.
pub fn cargo(dir: &Path, args: &[&str]) -> Output {
    std::fs::copy(Path::new(ROOT).join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--offline")
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-crates-target"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs")
}

/// Writes `header` and `spec` (named `NAME.h`, `NAME.inv`, with the shim's headers on the
/// include path) to a fresh folder, generates the spec's crate there with `invc gen`, and runs
/// `cargo test` on a user crate depending on it whose test file is `user_test`. Returns the
/// generated `wrappers.rs` and the test run's standard output.
pub fn generate_and_test(
    name: &str,
    header: &str,
    spec: &str,
    user_test: &str,
) -> (String, String) {
    let dir = scratch("generated-crates", name);
    write(&dir, &format!("spec/{name}.h"), header);
    write(&dir, &format!("spec/{name}.inv"), spec);
    let include = Path::new(ROOT).join("annotations/include");
    write(
        &dir,
        "spec/invc.toml",
        &format!(
            "[clang]\nargs = [{:?}]\n",
            format!("-I{}", include.display())
        ),
    );
    let spec = dir.join(format!("spec/{name}.inv"));
    let package = format!("{name}-inv");
    let out_dir = dir.join(&package);
    let runtime = Path::new(ROOT).join("annotations");
    let note = succeed(
        invc(&[
            "gen",
            spec.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
            "--runtime-path",
            runtime.to_str().unwrap(),
        ]),
        "invc gen",
    );
    assert!(note.contains(&format!("wrote crate `{package}`")), "{note}");
    let wrappers = std::fs::read_to_string(out_dir.join("src/wrappers.rs")).unwrap();
    write(
        &dir,
        "Cargo.toml",
        &format!("[workspace]\nmembers = [\"{package}\", \"user\"]\nresolver = \"2\"\n"),
    );
    write(
        &dir,
        "user/Cargo.toml",
        &format!(
            "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{package} = {{ path = \"../{package}\" }}\n{}",
            runtime_dependency()
        ),
    );
    write(&dir, "user/src/lib.rs", "//! Uses the generated crate.\n");
    write(&dir, &format!("user/tests/{name}.rs"), user_test);
    let out = cargo(&dir, &["test", "--quiet", "-p", "user"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    succeed(
        out,
        "the generated crate does not build or its user's test fails",
    );
    (wrappers, stdout)
}

/// Runs `invc gen` on a spec `NAME.inv` over a header `NAME.h` (both written to a fresh
/// folder) that must fail to generate: asserts exit 1, error E0047 containing `message`, and
/// that no output folder was made.
pub fn generation_fails(group: &str, header: &str, spec: &str, message: &str) {
    let dir = scratch(group, "fails");
    write(&dir, "x.h", header);
    write(&dir, "x.inv", spec);
    let out_dir = dir.join("out");
    let out = invc(&[
        "gen",
        dir.join("x.inv").to_str().unwrap(),
        "-o",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0047]"), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
    assert!(!out_dir.exists());
}
