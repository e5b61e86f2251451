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
