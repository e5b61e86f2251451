//! One test per file in `tests/diagnostics/`: each spec must produce exactly the error codes
//! its name starts with (or those on a `// expect:` first line), and its rendered diagnostics
//! are snapshot-tested together with the input, so a reviewer needs nothing else.

use invc_spec_lang::{Code, Phase, SourceMap, check};
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
fn every_fixture_reports_its_codes() {
    insta::glob!("diagnostics/*.inv", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let mut sources = SourceMap::new();
        let name = path.file_name().unwrap().to_str().unwrap();
        let file = sources.add(name, text.clone()).unwrap();
        let (spec, diagnostics) = check(&sources, file, None);
        assert!(
            spec.is_none(),
            "{name}: a spec with errors must not produce IR"
        );
        let got: BTreeSet<String> = diagnostics.iter().map(|d| d.code.to_string()).collect();
        assert_eq!(got, expected_codes(path, &text), "{name}: wrong codes");
        let rendered: String = diagnostics.iter().map(|d| d.render(&sources)).collect();
        insta::assert_snapshot!(format!("{text}\n---- diagnostics ----\n{rendered}"));
    });
}

#[test]
fn every_code_has_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    // Cross-check codes need a C header too (`headers/tests/crosscheck/` holds theirs), and
    // codegen codes a generation run (`codegen/tests/`).
    for code in Code::ALL.iter().filter(|c| c.phase() == Phase::Spec) {
        assert!(
            names.iter().any(|n| n.starts_with(code.as_str())),
            "no fixture in tests/diagnostics/ triggers {code} ({})",
            code.title()
        );
    }
}

#[test]
fn json_form_has_one_based_positions() {
    let mut sources = SourceMap::new();
    let file = sources
        .add("a.inv", "struct s {\n    guarded_by(nope) x;\n}\n")
        .unwrap();
    let (_, diagnostics) = check(&sources, file, None);
    let json = serde_json::to_value(diagnostics[0].to_json(&sources)).unwrap();
    assert_eq!(json["code"], "E0012");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["file"], "a.inv");
    assert_eq!(json["line"], 2);
    assert_eq!(json["column"], 16);
    assert_eq!(json["end_column"], 20);
}
