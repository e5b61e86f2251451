//! End-to-end: the `invc` binary on real files, as a user or CI runs it. Exit codes, which
//! stream gets what, and the output itself (snapshot-tested).

mod common;

use common::invc;
use std::path::Path;
use std::process::Command;

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A spec written to a fresh temporary directory.
fn temp_spec(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("invc-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn check_spec_on_the_example_is_clean() {
    let out = invc(&["check-spec", "examples/vnet/vnet.inv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(text(&out.stderr), @"examples/vnet/vnet.inv: ok (4 structs, 1 newtype, 1 macro, 1 ops table, 6 functions, 1 lock order edge)");
}

#[test]
fn check_spec_reports_errors_in_every_file_and_exits_1() {
    let bad = temp_spec(
        "bad.inv",
        "struct s {\n    lock l: spinlock;\n    guarded_by(m) x;\n    readonly x;\n}\n",
    );
    let out = invc(&[
        "check-spec",
        "examples/vnet/vnet.inv",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "human diagnostics go to stderr");
    let stderr = text(&out.stderr).replace(bad.to_str().unwrap(), "bad.inv");
    insta::assert_snapshot!(stderr);
}

#[test]
fn check_spec_cross_checks_the_headers_unless_told_not_to() {
    let spec = temp_spec(
        "x.inv",
        "header \"x.h\";\nstruct s {\n    readonly cuont;\n    invariant cuont < LIMIT;\n}\n",
    );
    let header = spec.with_file_name("x.h");
    std::fs::write(&header, "#define LIMIT 4\nstruct s { int count; };\n").unwrap();
    let out = invc(&["check-spec", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error[E0035]: struct `s` has no field `cuont`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `count`?"), "{stderr}");
    assert!(
        stderr.contains("x.h:2:8"),
        "the header line is shown: {stderr}"
    );

    let out = invc(&["check-spec", "--no-headers", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // Flags after `--` reach clang.
    std::fs::write(
        &header,
        "#ifdef WANT_CUONT\n#define LIMIT 4\nstruct s { int cuont; };\n#endif\n",
    )
    .unwrap();
    assert_eq!(
        invc(&["check-spec", spec.to_str().unwrap()]).status.code(),
        Some(1)
    );
    let out = invc(&["check-spec", spec.to_str().unwrap(), "--", "-DWANT_CUONT"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ir = invc(&["ir", spec.to_str().unwrap(), "--", "-DWANT_CUONT"]);
    let json: serde_json::Value = serde_json::from_slice(&ir.stdout).unwrap();
    let rhs = &json["structs"][0]["invariants"][0]["expr"]["rhs"];
    assert_eq!(rhs["value"], 4, "constants get their values: {rhs}");
}

#[test]
fn clang_flags_come_from_invc_toml_and_compile_commands() {
    let spec = temp_spec(
        "sources.inv",
        "header \"sources.h\";\nstruct s {\n    readonly cuont;\n}\n",
    );
    let dir = spec.parent().unwrap();
    std::fs::write(
        dir.join("sources.h"),
        "#ifdef WANT_CUONT\nstruct s { int cuont; };\n#endif\n",
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    assert_eq!(invc(&["check-spec", spec]).status.code(), Some(1));

    std::fs::write(
        dir.join("invc.toml"),
        "[clang]\nargs = [\"-DWANT_CUONT\"]\n",
    )
    .unwrap();
    let out = invc(&["check-spec", spec]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Command-line flags come last, so they can undo the file's.
    let out = invc(&["check-spec", spec, "--", "-UWANT_CUONT"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));

    std::fs::write(dir.join("invc.toml"), "[clang]\nargs = -D\n").unwrap();
    let out = invc(&["check-spec", spec]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("invc.toml:2:8: "), "{stderr}");
    std::fs::remove_file(dir.join("invc.toml")).unwrap();

    let db = dir.join("compile_commands.json");
    std::fs::write(
        &db,
        format!(
            r#"[{{"directory": "{}", "file": "sources.c", "arguments": ["cc", "-DWANT_CUONT", "-c", "sources.c"]}}]"#,
            dir.display()
        ),
    )
    .unwrap();
    let out = invc(&[
        "check-spec",
        spec,
        "--compile-commands",
        db.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = invc(&[
        "check-spec",
        spec,
        "--compile-commands",
        "/nonexistent/db.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/db.json: cannot read"));
    let out = invc(&[
        "check-spec",
        spec,
        "--no-headers",
        "--compile-commands",
        "x",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "conflicting options are a usage error"
    );
}

#[test]
fn a_second_run_reuses_the_cached_header_model() {
    let spec = temp_spec(
        "cached.inv",
        "header \"cached.h\";\nstruct s { readonly n; }\n",
    );
    let header = spec.with_file_name("cached.h");
    std::fs::write(&header, "struct s { int n; };\n").unwrap();
    let cache = spec.with_file_name("cache");
    let run = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_invc"));
        command
            .args(["check-spec", spec.to_str().unwrap()])
            .args(extra)
            .env("INVC_CACHE_DIR", &cache);
        command.output().unwrap()
    };
    assert_eq!(run(&[]).status.code(), Some(0));
    let entries = || std::fs::read_dir(&cache).map_or(0, |d| d.count());
    assert_eq!(entries(), 1, "the first run stores the model");
    assert_eq!(run(&[]).status.code(), Some(0));
    // A changed header is read again, not taken from the cache.
    std::fs::write(&header, "struct s { int m; };\n").unwrap();
    assert_eq!(run(&[]).status.code(), Some(1));
    std::fs::remove_dir_all(&cache).unwrap();
    assert_eq!(run(&["--no-cache"]).status.code(), Some(1));
    assert_eq!(entries(), 0, "--no-cache stores nothing");
}

/// Every case study's generated crate (`examples/NAME/NAME-inv` beside `NAME.inv`) must be
/// what `invc gen` makes from its spec today.
#[test]
fn the_committed_example_wrappers_are_what_gen_makes_today() {
    let mut checked = Vec::new();
    for entry in std::fs::read_dir("examples").unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let (spec, crate_dir) = (
            dir.join(format!("{name}.inv")),
            dir.join(format!("{name}-inv")),
        );
        if !crate_dir.is_dir() {
            continue;
        }
        let (spec, crate_dir) = (spec.to_str().unwrap(), crate_dir.to_str().unwrap());
        let args = [
            "gen",
            spec,
            "-o",
            crate_dir,
            "--runtime-path",
            "annotations",
            "--check",
        ];
        let out = invc(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{crate_dir} is stale; regenerate it with `invc {}`: {}",
            args[..6].join(" "),
            text(&out.stderr)
        );
        checked.push(name);
    }
    checked.sort();
    assert!(checked.len() >= 2, "found only {checked:?}");
}

#[test]
fn the_committed_ext2lite_wrappers_are_what_gen_makes_today() {
    let out = invc(&[
        "gen",
        "examples/ext2lite/ext2lite.inv",
        "-o",
        "examples/ext2lite/ext2lite-inv",
        "--runtime-path",
        "annotations",
        "--check",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "examples/ext2lite/ext2lite-inv is stale; regenerate it with the command in this test: {}",
        text(&out.stderr)
    );
}

#[test]
fn gen_writes_checks_and_refuses_folders_it_did_not_write() {
    let spec = std::fs::canonicalize("examples/vnet/vnet.inv").unwrap();
    let root = temp_spec("gen-root.txt", "").with_file_name("gen");
    let _ = std::fs::remove_dir_all(&root);
    let out_dir = root.join("vnet-inv");
    let (spec, dir) = (spec.to_str().unwrap(), out_dir.to_str().unwrap());
    let out = invc(&["gen", spec, "-o", dir]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("wrote crate `vnet-inv`"));
    assert!(out.stdout.is_empty());
    // Without --runtime-path the crate takes the runtime by its exact version.
    let manifest = std::fs::read_to_string(out_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains(r#"inv = { package = "invc-annotations", version = "=0.1.0" }"#));
    assert_eq!(
        invc(&["gen", spec, "-o", dir, "--check"]).status.code(),
        Some(0)
    );
    std::fs::write(out_dir.join("src/lib.rs"), "// stale\n").unwrap();
    let out = invc(&["gen", spec, "-o", dir, "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is stale"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(invc(&["gen", spec, "-o", dir]).status.code(), Some(0));

    let mine = root.join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("keep.rs"), "// mine\n").unwrap();
    let out = invc(&["gen", spec, "-o", mine.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("which invc did not generate"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("keep.rs")).unwrap(),
        "// mine\n"
    );

    let broken = temp_spec("gen-broken.inv", "struct s { guarded_by(nope) x; }\n");
    let out = invc(&[
        "gen",
        broken.to_str().unwrap(),
        "-o",
        root.join("b").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error[E0012]"));
    assert!(
        !root.join("b").exists(),
        "nothing is written for a spec with errors"
    );
}

#[test]
fn check_spec_json_is_an_array_on_stdout() {
    let bad = temp_spec("json.inv", "fn f(a) requires b.lock;\n");
    let out = invc(&["check-spec", "--format", "json", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json.as_array().unwrap()[0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "E0018");
    assert_eq!(d["file"], bad.to_str().unwrap());
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(18))
    );
    assert!(d["message"].as_str().unwrap().contains("no parameter `b`"));

    let clean = invc(&["check-spec", "--format", "json", "examples/vnet/vnet.inv"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(text(&clean.stdout).trim(), "[]");
}

#[test]
fn ir_prints_versioned_json() {
    let out = invc(&["ir", "examples/vnet/vnet.inv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ir_version"], 1);
    assert_eq!(json["structs"][0]["name"], "vnet_queue");
    assert_eq!(json["structs"][0]["locks"][0]["mode"], "irqsave");
}

#[test]
fn ir_of_a_broken_spec_prints_nothing_on_stdout() {
    let bad = temp_spec("broken.inv", "struct s { lock l: spinlok; }\n");
    let out = invc(&["ir", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error[E0019]: unknown lock kind `spinlok`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `spinlock`?"), "{stderr}");
}

#[test]
fn unreadable_files_exit_2_but_others_are_still_checked() {
    let bad = temp_spec("also.inv", "struct s { guarded_by(nope) x; }\n");
    let out = invc(&["check-spec", "no/such/file.inv", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: cannot read `no/such/file.inv`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("E0012"),
        "the readable file is still checked: {stderr}"
    );

    let out = invc(&["ir", "no/such/file.inv"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(invc(&[]).status.code(), Some(2));
    assert_eq!(invc(&["check-spec"]).status.code(), Some(2));
    assert_eq!(
        invc(&["check-spec", "--format", "xml", "a.inv"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        invc(&["gen", "a.inv"]).status.code(),
        Some(2),
        "gen does not exist yet"
    );
}

#[test]
fn help_lists_only_what_exists() {
    let out = invc(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout));
    let out = invc(&["check-spec", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout));
    let out = invc(&["gen", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn non_utf8_input_is_an_error_not_a_panic() {
    let path = temp_spec("latin1.inv", "");
    std::fs::write(&path, b"struct s { \xff }").unwrap();
    let out = invc(&["check-spec", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read"),
        "{}",
        text(&out.stderr)
    );
    assert!(Path::new(&path).exists(), "input untouched");
}

#[test]
fn headers_prints_the_model_of_the_specs_headers() {
    let out = invc(&["headers", "examples/vnet/vnet.inv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["model_version"], invc_headers::MODEL_VERSION);
    let inputs = json["inputs"].as_array().unwrap();
    assert!(
        inputs
            .iter()
            .any(|i| i.as_str().unwrap().ends_with("examples/vnet/vnet.h"))
    );
    assert_eq!(json["constants"]["VNET_RING_SIZE"], 256);
    let fields: Vec<&str> = json["records"]["vnet_queue"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"num_free") && fields.contains(&"buf_dma"),
        "{fields:?}"
    );
    assert_eq!(
        json["records"]["vnet_queue"]["fields"][0]["ty"]["spelling"],
        "spinlock_t"
    );
    assert!(
        json["macros"].get("__x86_64__").is_none(),
        "compiler macros are not the headers'"
    );
}

#[test]
fn headers_passes_clang_flags_and_reports_clang_errors() {
    let spec = temp_spec("flags.inv", "header <missing_for_invc_test.h>;\n");
    let out = invc(&["headers", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("'missing_for_invc_test.h' file not found"),
        "{}",
        text(&out.stderr)
    );

    let include = spec.parent().unwrap().join("inc");
    std::fs::create_dir_all(&include).unwrap();
    std::fs::write(
        include.join("missing_for_invc_test.h"),
        "#define FOUND_IT 7\n",
    )
    .unwrap();
    let flag = format!("-I{}", include.display());
    let out = invc(&["headers", spec.to_str().unwrap(), "--", &flag]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["constants"]["FOUND_IT"], 7);
}

#[test]
fn graph_prints_locks_and_ownership_as_dot_that_graphviz_reads() {
    let out = invc(&["graph", "examples/chardev/chardev.inv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!("graph_chardev", text(&out.stdout));
    for spec in ["examples/chardev/chardev.inv", "examples/vnet/vnet.inv"] {
        let out = invc(&["graph", spec]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let mut dot = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("Graphviz's `dot` runs (Debian: apt-get install graphviz)");
        use std::io::Write;
        dot.stdin.take().unwrap().write_all(&out.stdout).unwrap();
        let rendered = dot.wait_with_output().unwrap();
        assert!(
            rendered.status.success() && text(&rendered.stderr).is_empty(),
            "{spec}: dot says {}",
            text(&rendered.stderr)
        );
        assert!(text(&rendered.stdout).contains("<svg"));
    }
    let bad = temp_spec("graph-bad.inv", "struct s { guarded_by(nope) x; }\n");
    let out = invc(&["graph", "--no-headers", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn explain_prints_a_translators_brief_naming_the_generated_items() {
    let out = invc(&["explain", "examples/vnet/vnet.inv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let brief = text(&out.stdout);
    insta::assert_snapshot!("explain_vnet", brief);
    // Every generated item the brief names exists in the committed crate.
    let wrappers = std::fs::read_to_string("examples/vnet/vnet-inv/src/wrappers.rs").unwrap();
    for item in [
        "fn lock_irqsave(",
        "VnetQueueLockIrqsaveGuard",
        "fn set_num_free(",
        "fn replace_ops(",
        "fn store_buf(",
        "fn take_buf(",
        "fn from_vq(",
        "fn push_pending(",
        "fn get_ref(",
        "vnet_dev_ops_table",
    ] {
        let name = item.trim_start_matches("fn ").trim_end_matches('(');
        let defined = match item.starts_with("fn ") {
            true => [format!("fn {name}("), format!("fn {name}<")]
                .iter()
                .any(|f| wrappers.contains(f.as_str())),
            false => wrappers.contains(item),
        };
        assert!(defined, "{item}");
        assert!(brief.contains(name), "{name}");
    }
    let bad = temp_spec("explain-bad.inv", "struct s { guarded_by(nope) x; }\n");
    let out = invc(&["explain", "--no-headers", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn fmt_lays_specs_out_in_place_and_check_lists_what_it_would_change() {
    // The repository's own specs are in the layout.
    let mut specs: Vec<String> = Vec::new();
    for dir in std::fs::read_dir("examples").unwrap() {
        for entry in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "inv") {
                specs.push(path.to_str().unwrap().to_owned());
            }
        }
    }
    specs.sort();
    assert!(specs.len() >= 3, "{specs:?}");
    let mut args = vec!["fmt", "--check"];
    args.extend(specs.iter().map(String::as_str));
    let out = invc(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let messy = temp_spec("fmt-messy.inv", "struct s{readonly a;lockless b ;}// end\n");
    let path = messy.to_str().unwrap();
    let out = invc(&["fmt", "--check", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("fmt-messy.inv: not formatted"));
    let out = invc(&["fmt", path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "struct s {\n    readonly a;\n    lockless b;\n} // end\n"
    );
    assert_eq!(invc(&["fmt", "--check", path]).status.code(), Some(0));

    let broken_text = "struct s { readonly ; }\n";
    let broken = temp_spec("fmt-broken.inv", broken_text);
    let out = invc(&["fmt", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("fix its syntax errors first"));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), broken_text);
    assert_eq!(invc(&["fmt", "missing.inv"]).status.code(), Some(2));
}
