//! One fixture folder per rule under `tests/fixtures/RULE/`: `bad.rs` must produce exactly
//! the findings its `//~ rule ...` comments mark, on their lines; `good.rs` (legitimate code
//! near the rule) must produce none. Every fixture is checked against `tests/fixtures/spec.inv`
//! without headers. Also: insta snapshots of the human and JSON output of one fixture.

mod common;

use common::{Checked, check_fixture};
use invc_checker::Rule;

/// The `(line, rule id)` pairs the `//~` markers of a file expect, sorted.
fn expected(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find("//~") {
            for id in line[at + 3..].split_whitespace() {
                out.push((i + 1, id.to_owned()));
            }
        }
    }
    out.sort();
    out
}

fn actual(checked: &Checked) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = checked
        .json()
        .into_iter()
        .map(|f| (f.line, f.rule))
        .collect();
    out.sort();
    out
}

fn run(rule: &str) {
    let bad = check_fixture(&format!("{rule}/bad.rs"));
    let want = expected(bad.text());
    assert!(
        want.iter().any(|(_, id)| id == rule),
        "{rule}/bad.rs marks no `{rule}` finding"
    );
    assert_eq!(actual(&bad), want, "{rule}/bad.rs:\n{}", bad.short());

    let good = check_fixture(&format!("{rule}/good.rs"));
    assert_eq!(actual(&good), vec![], "{rule}/good.rs:\n{}", good.short());
}

macro_rules! fixtures {
    ($($name:ident => $rule:literal,)*) => {
        $(
            #[test]
            fn $name() {
                run($rule);
            }
        )*

        #[test]
        fn every_rule_has_a_fixture() {
            let covered = [$($rule),*];
            for rule in Rule::ALL {
                assert!(covered.contains(&rule.id()), "no fixture test for `{rule}`");
            }
        }
    };
}

fixtures! {
    parse_error => "parse-error",
    guarded_access => "guarded-access",
    readonly_write => "readonly-write",
    lockless_access => "lockless-access",
    raw_lock => "raw-lock",
    rcu_deref => "rcu-deref",
    rcu_free => "rcu-free",
    dma_bypass => "dma-bypass",
    raw_container_of => "raw-container-of",
    raw_refcount => "raw-refcount",
    raw_list_walk => "raw-list-walk",
    unsafe_undocumented => "unsafe-undocumented",
    missing_lock => "missing-lock",
    sleep_in_atomic => "sleep-in-atomic",
    lock_order => "lock-order",
    bad_suppression => "bad-suppression",
}

#[test]
fn human_output_names_the_rule_and_the_spec_line() {
    let checked = check_fixture("lock-order/bad.rs");
    insta::assert_snapshot!(checked.human());
}

#[test]
fn json_output() {
    let checked = check_fixture("guarded-access/bad.rs");
    insta::assert_json_snapshot!(checked.json());
}
