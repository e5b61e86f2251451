//! Where clang flags come from: `compile_commands.json`, then the nearest `invc.toml`, then
//! the command line; relative paths made absolute against the file that gave them; clear
//! errors with a position for files that cannot be used.

use invc_headers::clang_args;
use std::path::Path;

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn without_sources_the_command_line_is_all() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("a.inv");
    let got = clang_args(&spec, None, &strings(&["-DX"])).unwrap();
    assert_eq!(got.args, ["-DX"]);
    assert_eq!(got.config, None);
}

#[test]
fn the_nearest_invc_toml_above_the_spec_gives_flags_before_the_command_line() {
    let root = tempfile::tempdir().unwrap();
    let nested = root.path().join("drivers/net");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        root.path().join("invc.toml"),
        "[clang]\nargs = [\"-Iinclude\", \"-isystem\", \"sys\", \"-I/abs\", \"-DCONFIG_X=1\", \"-include\", \"cfg.h\"]\n",
    )
    .unwrap();
    let spec = nested.join("vnet.inv");
    let got = clang_args(&spec, None, &strings(&["-DLAST"])).unwrap();
    let root = root.path().display();
    assert_eq!(
        got.args,
        [
            format!("-I{root}/include"),
            "-isystem".into(),
            format!("{root}/sys"),
            "-I/abs".into(),
            "-DCONFIG_X=1".into(),
            "-include".into(),
            format!("{root}/cfg.h"),
            "-DLAST".into(),
        ]
    );
    assert_eq!(got.config.unwrap(), Path::new(&format!("{root}/invc.toml")));
}

#[test]
fn a_nearer_invc_toml_wins() {
    let root = tempfile::tempdir().unwrap();
    let nested = root.path().join("sub");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        root.path().join("invc.toml"),
        "[clang]\nargs = [\"-DFAR\"]\n",
    )
    .unwrap();
    std::fs::write(nested.join("invc.toml"), "[clang]\nargs = [\"-DNEAR\"]\n").unwrap();
    let got = clang_args(&nested.join("x.inv"), None, &[]).unwrap();
    assert_eq!(got.args, ["-DNEAR"]);
}

#[test]
fn a_malformed_invc_toml_is_an_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("invc.toml"),
        "[clang]\nargs = [\"-DA\"]\nflags = 3\n",
    )
    .unwrap();
    let error = clang_args(&dir.path().join("x.inv"), None, &[]).unwrap_err();
    assert_eq!(error.position, Some((3, 1)), "{error}");
    assert!(error.message.contains("unknown field `flags`"), "{error}");
    assert!(
        error
            .to_string()
            .ends_with(&format!("invc.toml:3:1: {}", error.message))
    );

    std::fs::write(dir.path().join("invc.toml"), "[clang]\nargs = \"-DA\"\n").unwrap();
    let error = clang_args(&dir.path().join("x.inv"), None, &[]).unwrap_err();
    assert_eq!(error.position, Some((2, 8)), "{error}");
}

fn compile_commands(dir: &Path, json: &str) -> std::path::PathBuf {
    let path = dir.join("compile_commands.json");
    std::fs::write(&path, json).unwrap();
    path
}

#[test]
fn compile_commands_give_the_flags_of_the_spec_s_c_source() {
    let dir = tempfile::tempdir().unwrap();
    let build = dir.path().display();
    let db = compile_commands(
        dir.path(),
        &format!(
            r#"[
  {{"directory": "{build}", "file": "other.c", "arguments": ["cc", "-DOTHER", "-c", "other.c"]}},
  {{"directory": "{build}", "file": "drivers/vnet.c",
    "command": "gcc -Wp,-MMD,drivers/.vnet.o.d -Iinclude -D'NAME=\"vnet\"' -MD -MF x.d -o drivers/vnet.o -c drivers/vnet.c"}}
]"#
        ),
    );
    let spec = dir.path().join("drivers/vnet.inv");
    let got = clang_args(&spec, Some(&db), &strings(&["-DCLI"])).unwrap();
    assert_eq!(
        got.args,
        [
            format!("-I{build}/include"),
            "-DNAME=\"vnet\"".into(),
            "-DCLI".into()
        ]
    );
    assert_eq!(
        got.compile_commands_entry.unwrap(),
        dir.path().join("drivers/vnet.c")
    );
    // A folder holding compile_commands.json works as well as the file.
    let again = clang_args(&spec, Some(dir.path()), &[]).unwrap();
    assert_eq!(again.args[0], format!("-I{build}/include"));
}

#[test]
fn compile_commands_without_the_spec_s_source_or_malformed_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = compile_commands(
        dir.path(),
        r#"[{"directory": "/b", "file": "a.c", "arguments": ["cc", "a.c"]}]"#,
    );
    let error = clang_args(&dir.path().join("vnet.inv"), Some(&db), &[]).unwrap_err();
    assert!(
        error
            .message
            .contains("no entry for a C source named `vnet.c`"),
        "{error}"
    );

    let db = compile_commands(dir.path(), "[{\"directory\": \"/b\",\n \"file\": 3}]");
    let error = clang_args(&dir.path().join("a.inv"), Some(&db), &[]).unwrap_err();
    assert_eq!(error.position.map(|p| p.0), Some(2), "{error}");

    let missing = dir.path().join("nowhere.json");
    let error = clang_args(&dir.path().join("a.inv"), Some(&missing), &[]).unwrap_err();
    assert!(error.message.starts_with("cannot read"), "{error}");
}
