//! One test per spec in `tests/crosscheck/`, each checked against `crosscheck.h` through the
//! real libclang: it must produce exactly the codes its name starts with (or those on a
//! `// expect:` first line; none for a clean spec), and its rendered diagnostics, which point
//! into both the spec and the header, are snapshot-tested with the input.

use invc_headers::{ReadOptions, check_spec};
use invc_spec_lang::{Code, Phase, SourceMap};
use std::collections::BTreeSet;
use std::path::Path;

fn expected_codes(path: &Path, text: &str) -> BTreeSet<String> {
    if let Some(line) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// expect:"))
    {
        return line.split_whitespace().map(str::to_owned).collect();
    }
    let name = path.file_name().unwrap().to_str().unwrap();
    BTreeSet::from([name[..5].to_owned()])
}

#[test]
fn every_spec_reports_its_codes() {
    insta::glob!("crosscheck/*.inv", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let mut sources = SourceMap::new();
        let file = sources.add(name, text.clone()).unwrap();
        let checked = check_spec(&mut sources, file, path, Some(&ReadOptions::default())).unwrap();
        let got: BTreeSet<String> = checked
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        let expected = expected_codes(path, &text);
        assert_eq!(got, expected, "{name}: wrong codes");
        assert_eq!(
            checked.spec.is_some(),
            expected.is_empty(),
            "{name}: IR only without errors"
        );
        let dir = path.parent().unwrap().display().to_string();
        let rendered: String = checked
            .diagnostics
            .iter()
            .map(|d| d.render(&sources))
            .collect::<String>()
            .replace(&format!("./{dir}/"), "")
            .replace(&format!("{dir}/"), "");
        insta::assert_snapshot!(format!("{text}\n---- diagnostics ----\n{rendered}"));
    });
}

#[test]
fn every_cross_check_code_has_a_spec() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/crosscheck");
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    for code in Code::ALL.iter().filter(|c| c.phase() == Phase::Headers) {
        assert!(
            names.iter().any(|n| n.starts_with(code.as_str())),
            "no spec in tests/crosscheck/ triggers {code}"
        );
    }
}

#[test]
fn constants_resolve_to_their_values_in_the_ir() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/crosscheck/clean.inv");
    let mut sources = SourceMap::new();
    let file = sources
        .add("clean.inv", std::fs::read_to_string(&path).unwrap())
        .unwrap();
    let checked = check_spec(&mut sources, file, &path, Some(&ReadOptions::default())).unwrap();
    let json = serde_json::to_string(&checked.spec.unwrap()).unwrap();
    assert!(
        json.contains(r#""kind":"constant","name":"QUEUE_SIZE","value":64"#),
        "{json}"
    );
}
