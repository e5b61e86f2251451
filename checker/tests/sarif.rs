//! `--format sarif` is structurally valid SARIF 2.1.0 (the keys GitHub code scanning and the
//! official schema require), and its fingerprints survive code moving. The official validator
//! (`@microsoft/sarif-multitool`) is run by `checker/scripts/validate-sarif.sh`, which
//! installs it; this test installs nothing.

mod common;

use common::{check_fixture, check_text};
use invc_checker::Rule;
use invc_checker::report::sarif;
use serde_json::Value;

fn log_of(path: &str) -> Value {
    sarif(&check_fixture(path).json())
}

fn str_at<'v>(v: &'v Value, pointer: &str) -> &'v str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {v:#}"))
}

#[test]
fn the_log_has_every_required_key() {
    let log = log_of("lock-order/bad.rs");
    assert_eq!(str_at(&log, "/version"), "2.1.0");
    assert!(str_at(&log, "/$schema").contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(str_at(driver, "/name"), "invc");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| str_at(r, "/id")).collect();
    let all: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(ids, all, "every rule is in the driver, in order");
    for r in rules {
        assert!(!str_at(r, "/shortDescription/text").is_empty());
        assert!(r.get("helpUri").is_none());
        assert!(["error", "warning"].contains(&str_at(r, "/defaultConfiguration/level")));
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for r in results {
        let id = str_at(r, "/ruleId");
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], id, "ruleIndex points at ruleId");
        assert!(["error", "warning", "note"].contains(&str_at(r, "/level")));
        assert!(!str_at(r, "/message/text").is_empty());
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            str_at(location, "/artifactLocation/uri"),
            "lock-order/bad.rs"
        );
        let region = &location["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        let related = &r["relatedLocations"][0]["physicalLocation"];
        assert_eq!(str_at(related, "/artifactLocation/uri"), "spec.inv");
        let print = str_at(r, "/partialFingerprints/invcFinding~1v1");
        assert_eq!(print.len(), 16);
    }
}

#[test]
fn fingerprints_are_stable_when_code_moves_and_distinct_for_repeats() {
    let text = "fn f(q: *mut bindings::vnet_queue) {\n    // SAFETY: ok\n    unsafe { (*q).size = 1 };\n    // SAFETY: ok\n    unsafe { (*q).size = 1 };\n}\n";
    let prints = |text: &str| -> Vec<String> {
        let log = sarif(&check_text("a.rs", text).json());
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| str_at(r, "/partialFingerprints/invcFinding~1v1").to_owned())
            .collect()
    };
    let before = prints(text);
    assert_eq!(before.len(), 2);
    assert_ne!(
        before[0], before[1],
        "two identical findings get two fingerprints"
    );
    let moved = format!("// a new comment\n\n{text}");
    assert_eq!(prints(&moved), before, "lines moved, same fingerprints");
    assert_eq!(prints(text), before, "deterministic");
}

#[test]
fn an_empty_log_is_still_valid() {
    let log = sarif(&[]);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert!(
        !log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
