//! The generator through its library API: the DESIGN example's crate (snapshot), determinism,
//! diagnostics for what cannot be generated, and the output folder rules (atomic rewrite,
//! never over files invc did not write, `--check` freshness).

use invc_codegen::output::{MARKER, OutputError, is_fresh, write};
use invc_codegen::{Backend, GeneratedCrate, Options, Runtime, generate};
use invc_headers::{HeaderRef, ReadOptions, Request, check_spec};
use invc_spec_lang::{Diagnostic, SourceMap};
use std::path::{Path, PathBuf};

/// Checks the spec at `path` against its headers (flags from the `invc.toml` beside it) and
/// generates its crate.
fn generate_from(path: &Path) -> (SourceMap, Result<GeneratedCrate, Vec<Diagnostic>>) {
    let mut sources = SourceMap::new();
    let name = path.file_name().unwrap().to_str().unwrap();
    let file = sources
        .add(name, std::fs::read_to_string(path).unwrap())
        .unwrap();
    let flags = invc_headers::clang_args(path, None, &[]).unwrap();
    let options = ReadOptions {
        clang_args: flags.args.clone(),
        cache: None,
    };
    let checked = check_spec(&mut sources, file, path, Some(&options)).unwrap();
    let rendered: String = checked
        .diagnostics
        .iter()
        .map(|d| d.render(&sources))
        .collect();
    let spec = checked.spec.unwrap_or_else(|| panic!("{rendered}"));
    let request = Request {
        headers: HeaderRef::all_of(&spec, path),
        clang_args: flags.args,
    };
    let options = Options {
        runtime: Runtime::Path(PathBuf::from("../../../annotations")),
        backend: Backend::Host,
    };
    let result = generate(&spec, &sources, &request, &options);
    (sources, result)
}

fn vnet() -> GeneratedCrate {
    // DESIGN.md's example, verbatim (the vnet case study's spec has outgrown it).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/design/vnet.inv");
    let (sources, result) = generate_from(&path);
    result.unwrap_or_else(|diagnostics| {
        panic!(
            "{}",
            diagnostics
                .iter()
                .map(|d| d.render(&sources))
                .collect::<String>()
        )
    })
}

#[test]
fn the_design_example_generates_its_wrappers() {
    let krate = vnet();
    assert_eq!(krate.name, "vnet-inv");
    let files: Vec<_> = krate
        .files
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        files,
        ["Cargo.toml", "src/lib.rs", "src/raw.rs", "src/wrappers.rs"]
    );
    insta::assert_snapshot!("vnet_cargo_toml", krate.files[Path::new("Cargo.toml")]);
    insta::assert_snapshot!("vnet_lib_rs", krate.files[Path::new("src/lib.rs")]);
    insta::assert_snapshot!(
        "vnet_wrappers_rs",
        krate.files[Path::new("src/wrappers.rs")]
    );
    let raw = &krate.files[Path::new("src/raw.rs")];
    assert!(raw.contains("pub struct vnet_queue {"), "{raw}");
    // bindgen's layout assertions come along.
    assert!(raw.contains("size_of::<vnet_queue>()"), "{raw}");
}

#[test]
fn generation_is_byte_identical_across_runs() {
    assert_eq!(vnet(), vnet());
}

#[test]
fn what_cannot_be_generated_is_a_diagnostic_at_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agg.h"),
        "struct inner { int a; };\nstruct outer { struct inner in; int n; };\n",
    )
    .unwrap();
    let spec = dir.path().join("agg.inv");
    std::fs::write(
        &spec,
        "header \"agg.h\";\nstruct outer {\n    lockless in;\n}\n",
    )
    .unwrap();
    let (sources, result) = generate_from(&spec);
    let diagnostics = result.unwrap_err();
    assert_eq!(diagnostics.len(), 1);
    let rendered = diagnostics[0].render(&sources);
    assert!(rendered.contains("error[E0047]"), "{rendered}");
    assert!(rendered.contains("agg.inv:3:"), "{rendered}");
    assert!(rendered.contains("needs a scalar field"), "{rendered}");
}

#[test]
fn a_crate_is_written_checked_and_rewritten_in_place() {
    let krate = vnet();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    assert!(!is_fresh(&dir, &krate).unwrap());
    write(&dir, &krate).unwrap();
    assert!(is_fresh(&dir, &krate).unwrap());
    assert!(dir.join(MARKER).is_file());
    // A build's outputs survive regeneration and do not make the crate stale.
    std::fs::create_dir_all(dir.join("target/debug")).unwrap();
    std::fs::write(dir.join("target/debug/x"), "build").unwrap();
    std::fs::write(dir.join("Cargo.lock"), "lock").unwrap();
    assert!(is_fresh(&dir, &krate).unwrap());
    std::fs::write(dir.join("src/lib.rs"), "// edited by hand\n").unwrap();
    assert!(!is_fresh(&dir, &krate).unwrap());
    write(&dir, &krate).unwrap();
    assert!(is_fresh(&dir, &krate).unwrap());
    assert_eq!(
        std::fs::read_to_string(dir.join("target/debug/x")).unwrap(),
        "build"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("Cargo.lock")).unwrap(),
        "lock"
    );
    // Nothing is left beside the folder.
    let beside: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
    assert_eq!(beside.len(), 1);
}

#[test]
fn a_folder_invc_did_not_write_is_never_touched() {
    let krate = vnet();
    let root = tempfile::tempdir().unwrap();
    // A folder of the user's: refused, and unchanged.
    let mine = root.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let error = write(&mine, &krate).unwrap_err();
    assert!(
        matches!(&error, OutputError::NotGenerated { file, .. } if file == Path::new("notes.txt"))
    );
    assert!(
        error.to_string().contains("which invc did not generate"),
        "{error}"
    );
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
    assert!(is_fresh(&mine, &krate).is_err());
    // A file the user added to a generated folder is theirs too.
    let generated = root.path().join("generated");
    write(&generated, &krate).unwrap();
    std::fs::write(generated.join("src/extra.rs"), "// mine").unwrap();
    let error = write(&generated, &krate).unwrap_err();
    assert!(
        matches!(&error, OutputError::NotGenerated { file, .. } if file == Path::new("src/extra.rs"))
    );
    assert_eq!(
        std::fs::read_to_string(generated.join("src/extra.rs")).unwrap(),
        "// mine"
    );
    // An empty folder is fine.
    let empty = root.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    write(&empty, &krate).unwrap();
    assert!(is_fresh(&empty, &krate).unwrap());
}

/// A spec with a global lock taken by C functions, over a header written for the test.
fn global_lock_spec(dir: &Path, lock: &str) -> PathBuf {
    std::fs::write(
        dir.join("netdev.h"),
        "void rtnl_lock(void);\nvoid rtnl_unlock(void);\nstruct netdev { unsigned int mtu; int up; };\n",
    )
    .unwrap();
    let spec = dir.join("netdev.inv");
    std::fs::write(
        &spec,
        format!(
            "header \"netdev.h\";\n/// The routing netlink lock.\n{lock}\nstruct netdev {{\n    guarded_by(rtnl) mtu;\n}}\n"
        ),
    )
    .unwrap();
    spec
}

#[test]
fn a_global_lock_becomes_a_function_a_guard_and_guarded_accessors() {
    let dir = tempfile::tempdir().unwrap();
    let spec = global_lock_spec(
        dir.path(),
        "lock rtnl: mutex acquire rtnl_lock release rtnl_unlock;",
    );
    let (sources, result) = generate_from(&spec);
    let krate = result.unwrap_or_else(|d| {
        panic!(
            "{}",
            d.iter().map(|d| d.render(&sources)).collect::<String>()
        )
    });
    let wrappers = &krate.files[Path::new("src/wrappers.rs")];
    insta::assert_snapshot!("global_lock_wrappers_rs", wrappers);
    let raw = &krate.files[Path::new("src/raw.rs")];
    assert!(raw.contains("pub fn rtnl_lock()"), "{raw}");
}

#[test]
fn a_global_lock_without_its_functions_or_a_c_variable_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let spec = global_lock_spec(dir.path(), "lock rtnl: mutex;");
    let (sources, result) = generate_from(&spec);
    let rendered: String = result
        .unwrap_err()
        .iter()
        .map(|d| d.render(&sources))
        .collect();
    assert!(rendered.contains("error[E0047]"), "{rendered}");
    assert!(
        rendered.contains("must be a C variable of that name, and the headers declare none"),
        "{rendered}"
    );
}
