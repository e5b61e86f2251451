//! `invc gen --backend kernel`: the module folder it writes for a kernel tree type-checks.
//!
//! No kernel tree is built here, so the kernel's `kernel::bindings` is stood in for by a
//! crate named `kernel` whose `bindings` module is what bindgen makes of the same headers
//! (the host backend's `raw.rs`), and the runtime is this checkout's. The generated folder is
//! then compiled, as a module of a driver crate, with `cargo check` and every warning an error:
//! for the DESIGN example (`vnet.inv`, over the shim's headers) and for a spec over the real
//! kernel headers (`examples/kernel/fs.inv`, with the kernel's own flags), whose host crate
//! cannot build because its lock types are not the shim's.

mod common;

use common::{ROOT, cargo, invc, runtime_dependency, scratch, succeed, write};
use std::path::Path;
use std::process::Command;

/// The clang flags that parse the distribution's kernel headers (`scripts/kernel-flags.sh`).
fn kernel_flags() -> Vec<String> {
    let out = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/kernel-flags.sh"))
        .output()
        .expect("bash runs");
    succeed(out.clone(), "scripts/kernel-flags.sh");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Writes a cargo workspace with the stand-in `kernel` crate (its `bindings` = `raw_rs`) and a
/// driver crate holding `module` as `mod wrappers`, and runs `cargo check` on it.
fn type_check(dir: &Path, raw_rs: &Path, module: &Path) {
    write(
        dir,
        "Cargo.toml",
        "[workspace]\nmembers = [\"kernel\", \"driver\"]\nresolver = \"2\"\n",
    );
    write(
        dir,
        "kernel/Cargo.toml",
        "[package]\nname = \"kernel\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n",
    );
    write(
        dir,
        "kernel/src/lib.rs",
        &format!(
            "//! Stands in for the kernel crate: `bindings` is bindgen's output for the same headers.\n\
             #![no_std]\n#[path = {:?}]\npub mod bindings;\n",
            raw_rs.display().to_string()
        ),
    );
    write(
        dir,
        "driver/Cargo.toml",
        &format!(
            "[package]\nname = \"driver\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nkernel = {{ path = \"../kernel\" }}\n{}",
            runtime_dependency()
        ),
    );
    write(
        dir,
        "driver/src/lib.rs",
        &format!(
            "//! A driver crate using the generated wrappers as one of its modules.\n\
             #![no_std]\n#[path = {:?}]\npub mod wrappers;\n",
            module.join("mod.rs").display().to_string()
        ),
    );
    let out = cargo(dir, &["check", "--quiet", "-p", "driver"]);
    succeed(out, "the kernel module does not type-check");
}

fn generate(spec: &str, out: &Path, backend: &str, clang: &[String]) -> String {
    let out_dir = out.to_str().unwrap();
    let mut args = vec!["gen", spec, "-o", out_dir, "--backend", backend];
    if !clang.is_empty() {
        args.push("--");
        args.extend(clang.iter().map(String::as_str));
    }
    succeed(invc(&args), &format!("invc gen --backend {backend} {spec}"))
}

#[test]
fn the_vnet_kernel_module_is_a_module_folder_over_kernel_bindings() {
    let dir = scratch("kernel-backend", "vnet");
    let module = dir.join("vnet_inv");
    let note = generate("examples/vnet/vnet.inv", &module, "kernel", &[]);
    assert!(note.contains("wrote kernel module folder"), "{note}");
    let mut files: Vec<String> = std::fs::read_dir(&module)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [".invc-generated", "mod.rs", "raw.rs", "wrappers.rs"]
    );
    let raw = std::fs::read_to_string(module.join("raw.rs")).unwrap();
    assert!(raw.contains("pub use ::kernel::bindings::*;"));
    let wrappers = std::fs::read_to_string(module.join("wrappers.rs")).unwrap();
    assert!(wrappers.starts_with("//! The wrappers") && wrappers.contains("use super::raw;"));
    // The host shim's layout assertions have no place in a kernel build.
    assert!(!wrappers.contains("size_of"), "{wrappers}");
    // Apart from those, the wrappers are the host backend's.
    let host =
        std::fs::read_to_string(Path::new(ROOT).join("examples/vnet/vnet-inv/src/wrappers.rs"))
            .unwrap();
    for item in [
        "pub fn lock_irqsave(&self)",
        "pub trait VnetDevOps",
        "pub fn to_vnet_queue",
    ] {
        assert!(host.contains(item) && wrappers.contains(item), "{item}");
    }

    type_check(
        &dir.join("check"),
        &Path::new(ROOT).join("examples/vnet/vnet-inv/src/raw.rs"),
        &module,
    );

    // A kernel module folder has no manifest, so a runtime path makes no sense.
    let refused = invc(&[
        "gen",
        "examples/vnet/vnet.inv",
        "-o",
        dir.join("other").to_str().unwrap(),
        "--backend",
        "kernel",
        "--runtime-path",
        "annotations",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(!dir.join("other").exists());
}

#[test]
fn a_spec_over_the_real_kernel_headers_generates_a_module_that_type_checks() {
    let flags = kernel_flags();
    let dir = scratch("kernel-backend", "fs");
    // The host backend's crate supplies what bindgen makes of the real headers.
    generate(
        "examples/kernel/fs.inv",
        &dir.join("fs-host"),
        "host",
        &flags,
    );
    let module = dir.join("fs_inv");
    generate("examples/kernel/fs.inv", &module, "kernel", &flags);
    type_check(&dir.join("check"), &dir.join("fs-host/src/raw.rs"), &module);
}

/// The runtime's primitives over the real kernel (`annotations/kernel/inv_kernel.c`) compile
/// against the distribution's kernel headers with the kernel's flags, and define every `inv_`
/// symbol the runtime links to (`annotations/src/sys.rs`).
#[test]
fn the_kernel_side_of_the_runtime_compiles_against_the_kernel_headers() {
    let source = Path::new(ROOT).join("annotations/kernel/inv_kernel.c");
    let out = Command::new("clang")
        .args([
            "-fsyntax-only",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-Wno-unused-parameter",
        ])
        // Warnings the kernel's own build turns off, which its headers trigger.
        .args(["-Wno-address-of-packed-member", "-Wno-sign-compare"])
        .args(["-Wno-missing-field-initializers"])
        .args(kernel_flags())
        .arg(&source)
        .output()
        .expect("clang runs (Debian: apt-get install clang)");
    succeed(
        out,
        "inv_kernel.c does not compile against the kernel headers",
    );

    let c = std::fs::read_to_string(&source).unwrap();
    let sys = std::fs::read_to_string(Path::new(ROOT).join("annotations/src/sys.rs")).unwrap();
    let symbols: Vec<&str> = sys
        .split("#[link_name = \"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert!(symbols.len() > 60, "{symbols:?}");
    let missing: Vec<&&str> = symbols
        .iter()
        .filter(|name| !c.contains(&format!("{name}(")))
        .collect();
    assert!(
        missing.is_empty(),
        "inv_kernel.c does not define {missing:?}"
    );
}
