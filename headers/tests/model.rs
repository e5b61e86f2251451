//! The header model read from a header written for the tests, through the real libclang.

use invc_headers::{HeaderError, HeaderModel, HeaderRef, Request, Shape, read};
use std::path::Path;

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shapes.h")
}

fn read_fixture(args: &[&str]) -> HeaderModel {
    let request = Request {
        headers: vec![HeaderRef::File(fixture())],
        clang_args: args.iter().map(|s| s.to_string()).collect(),
    };
    read(&request).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn records_fields_offsets_and_bitfields() {
    let model = read_fixture(&[]);
    let ring = &model.records["ring"];
    assert_eq!(
        ring.field_names(),
        [
            "lock", "head", "tail", "flags", "broken", "a", "b", "whole", "ops", "buf", "buf_dma",
            "pending", "ref", "name"
        ]
    );
    let lock = ring.field("lock").unwrap();
    assert_eq!(lock.ty.spelling, "spinlock_t");
    assert_eq!(lock.ty.canonical, "struct spinlock");
    assert_eq!(ring.field("head").unwrap().offset_bits, Some(32));
    assert_eq!(ring.field("flags").unwrap().bit_width, Some(3));
    // Fields of anonymous members are found, with offsets in the outer struct.
    let b = ring.field("b").unwrap();
    assert_eq!(
        b.offset_bits,
        Some(ring.field("a").unwrap().offset_bits.unwrap() + 32)
    );
    assert!(
        matches!(&ring.field("ops").unwrap().ty.shape, Shape::Pointer { pointee, .. } if pointee == "const struct ring_ops")
    );
    assert!(matches!(
        ring.field("name").unwrap().ty.shape,
        Shape::Array { len: Some(16), .. }
    ));
    assert!(
        matches!(&ring.field("pending").unwrap().ty.shape, Shape::Record { tag } if tag == "list_head")
    );
    assert_eq!(
        ring.field("stats"),
        None,
        "CONFIG_RING_STATS is not defined"
    );

    let open = model.records["ring_ops"].field("stop").unwrap();
    assert!(matches!(
        open.ty.shape,
        Shape::Pointer {
            to_function: true,
            params: Some(2),
            ..
        }
    ));
}

#[test]
fn config_options_come_from_the_clang_flags() {
    let model = read_fixture(&["-DCONFIG_RING_STATS"]);
    assert!(model.records["ring"].field("stats").is_some());
}

#[test]
fn typedefs_constants_macros_and_functions() {
    let model = read_fixture(&[]);
    assert_eq!(
        model.typedefs["dma_addr_t"].underlying.canonical,
        "unsigned long long"
    );
    assert_eq!(model.constants["RING_SIZE"], 256);
    assert_eq!(model.constants["RING_MASK"], 255);
    assert_eq!(model.constants["BIG_FLAG"], 1 << 40);
    assert_eq!(model.constants["RING_BUSY"], 4);
    assert_eq!(model.constants["RING_DEAD"], 5);
    assert_eq!(model.constants["RING_MAGIC"], 0x52);
    assert!(!model.constants.contains_key("NAME_STR"));
    assert!(model.macros["ring_next"].function_like);
    assert_eq!(model.enums["ring_state"].constants.len(), 3);
    let refill = &model.functions["ring_refill"];
    assert_eq!(refill.params.len(), 2);
    assert_eq!(refill.params[0].name.as_deref(), Some("r"));
    assert!(model.functions["ring_printf"].variadic);
    assert!(model.functions.contains_key("ring_release"));
}

#[test]
fn the_model_is_deterministic_and_round_trips() {
    let a = serde_json::to_string(&read_fixture(&[])).unwrap();
    let b = serde_json::to_string(&read_fixture(&[])).unwrap();
    assert_eq!(a, b);
    let back: HeaderModel = serde_json::from_str(&a).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), a);
}

#[test]
fn headers_that_do_not_compile_report_clangs_errors() {
    let dir = std::env::temp_dir().join(format!("invc-headers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.h");
    std::fs::write(&broken, "int broken(;\n").unwrap();
    let request = Request {
        headers: vec![
            HeaderRef::File(broken),
            HeaderRef::System("no/such.h".into()),
        ],
        clang_args: vec![],
    };
    let error = read(&request).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    let HeaderError::DoNotParse(diagnostics) = &error else {
        panic!("{error}")
    };
    let text = error.to_string();
    assert!(diagnostics.len() >= 2, "{text}");
    assert!(text.contains("broken.h:1:"), "{text}");
    assert!(text.contains("'no/such.h' file not found"), "{text}");
}
