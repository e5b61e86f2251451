//! Feeds arbitrary bytes (as UTF-8 text) through the whole front end: lex, parse, resolve,
//! render every diagnostic. Run with `cargo fuzz run check_spec` in `spec-lang/` (nightly).
//! A crash it finds becomes a regression input in `tests/diagnostics/` or `tests/no_panic.rs`.

#![no_main]

use invc_spec_lang::{SourceMap, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = SourceMap::new();
    let file = sources
        .add("fuzz.inv", text)
        .expect("fuzz inputs are small");
    let (spec, diagnostics) = check(&sources, file, None);
    for d in &diagnostics {
        d.render(&sources);
        d.to_json(&sources);
    }
    if let Some(spec) = spec {
        print_ir(&spec);
    }
});

/// The IR must always be printable; `Debug` walks every node.
fn print_ir(spec: &invc_spec_lang::ir::Spec) {
    let _ = format!("{spec:?}");
}
