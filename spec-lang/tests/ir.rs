//! The IR of the DESIGN example, snapshot-tested; its JSON round-trips; the header model's
//! answers flow into it.

use invc_spec_lang::ir::{self, ExprKind};
use invc_spec_lang::resolve::HeaderFacts;
use invc_spec_lang::{SourceMap, check};
use std::path::Path;

fn design_example() -> (SourceMap, invc_spec_lang::FileId) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/vnet/vnet.inv");
    let mut sources = SourceMap::new();
    let file = sources
        .add("vnet.inv", std::fs::read_to_string(path).unwrap())
        .unwrap();
    (sources, file)
}

#[test]
fn design_example_ir() {
    let (sources, file) = design_example();
    let (spec, diagnostics) = check(&sources, file, None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    insta::assert_json_snapshot!(spec.unwrap());
}

#[test]
fn ir_json_round_trips() {
    let (sources, file) = design_example();
    let spec = check(&sources, file, None).0.unwrap();
    let json = serde_json::to_string(&spec).unwrap();
    let back: ir::Spec = serde_json::from_str(&json).unwrap();
    assert_eq!(back, spec);
    assert_eq!(back.ir_version, ir::IR_VERSION);
}

/// A stand-in for the libclang header model.
struct Facts;

impl HeaderFacts for Facts {
    fn constant(&self, name: &str) -> Option<i128> {
        (name == "VNET_RING_SIZE").then_some(256)
    }
    fn has_field(&self, strukt: &str, field: &str) -> Option<bool> {
        (strukt == "q").then_some(field == "lowercase_field")
    }
}

#[test]
fn header_facts_resolve_constants_and_fields() {
    let mut sources = SourceMap::new();
    let text = "newtype I = u16 where value < VNET_RING_SIZE;\n\
                struct q { invariant lowercase_field > 0 && OTHER > 1 && VNET_RING_SIZE > 2; }";
    let file = sources.add("h.inv", text).unwrap();
    let spec = check(&sources, file, Some(&Facts)).0.unwrap();
    let constraint = &spec.newtypes[0].constraint.as_ref().unwrap().expr;
    let ExprKind::Binary { rhs, .. } = &constraint.kind else {
        panic!("{constraint:?}")
    };
    assert_eq!(
        rhs.kind,
        ExprKind::Constant {
            name: "VNET_RING_SIZE".into(),
            value: Some(256)
        }
    );

    let mut names = Vec::new();
    fn walk(e: &ir::Expr, out: &mut Vec<ExprKind>) {
        match &e.kind {
            ExprKind::Binary { lhs, rhs, .. } => {
                walk(lhs, out);
                walk(rhs, out);
            }
            ExprKind::Field { .. } | ExprKind::Constant { .. } => out.push(e.kind.clone()),
            _ => {}
        }
    }
    walk(&spec.structs[0].invariants[0].expr, &mut names);
    assert_eq!(
        names,
        vec![
            ExprKind::Field {
                path: vec!["lowercase_field".into()]
            },
            ExprKind::Constant {
                name: "OTHER".into(),
                value: None
            },
            ExprKind::Constant {
                name: "VNET_RING_SIZE".into(),
                value: Some(256)
            },
        ]
    );
}

#[test]
fn invariants_are_checked_on_the_locks_guarding_what_they_read() {
    let mut sources = SourceMap::new();
    let text = "struct s { lock a: spinlock; lock b: mutex; guarded_by(a) x; guarded_by(b) y; readonly z;\n\
                invariant x <= z; invariant x + y > 0; invariant z > 0; }";
    let file = sources.add("i.inv", text).unwrap();
    let spec = check(&sources, file, None).0.unwrap();
    let locks: Vec<Vec<&str>> = spec.structs[0]
        .invariants
        .iter()
        .map(|i| i.checked_on.iter().map(|l| l.lock.as_str()).collect())
        .collect();
    assert_eq!(locks, vec![vec!["a"], vec!["a", "b"], vec![]]);
    assert_eq!(spec.structs[0].invariants[1].text, "x + y > 0");
}

#[test]
fn names_may_be_used_before_they_are_declared() {
    let mut sources = SourceMap::new();
    let text = "order a.l < g;\nfn f(p) requires p.l, g;\nstruct a { guarded_by(l) x; field x: N; lock l: spinlock; }\n\
                newtype N = u8;\nlock g: mutex;";
    let file = sources.add("f.inv", text).unwrap();
    let (spec, diagnostics) = check(&sources, file, None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let spec = spec.unwrap();
    assert_eq!(spec.lock_order.len(), 1);
    assert_eq!(spec.functions[0].requires.len(), 2);
    assert_eq!(spec.structs[0].fields[0].newtype.as_deref(), Some("N"));
}

#[test]
fn keywords_are_usable_as_names() {
    let mut sources = SourceMap::new();
    let text = "struct lock { lock lock: spinlock; guarded_by(lock) fn, type, ref, match, self, value, len, order; \
                invariant len < order && value != 0; }\nfn field(lock, via) requires lock.lock;";
    let file = sources.add("k.inv", text).unwrap();
    let (spec, diagnostics) = check(&sources, file, None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let names: Vec<&str> = spec.as_ref().unwrap().structs[0]
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "fn", "type", "ref", "match", "self", "value", "len", "order"
        ]
    );
}
