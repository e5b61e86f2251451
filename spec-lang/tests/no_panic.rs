//! No input makes the front end panic, overflow the stack or hang: random token soup, random
//! bytes, mutations of a real spec, and pathological nesting. (`cargo fuzz` in `fuzz/` runs the
//! same entry point for longer.)

use invc_spec_lang::{SourceMap, check};
use proptest::prelude::*;

const DESIGN: &str = include_str!("../../examples/vnet/vnet.inv");

fn run(text: &str) {
    let mut sources = SourceMap::new();
    let file = sources.add("fuzz.inv", text).unwrap();
    let (spec, diagnostics) = check(&sources, file, None);
    // Rendering and the JSON form must cope with every span the phases produce.
    // Rendering prints each diagnostic's whole source line, so on one-line inputs of
    // megabytes it is linear per diagnostic; a sample is enough to exercise every span.
    for d in diagnostics.iter().take(50) {
        d.render(&sources);
    }
    for d in &diagnostics {
        d.to_json(&sources);
    }
    if let Some(spec) = spec {
        serde_json::to_string(&spec).unwrap();
    }
}

const VOCABULARY: &[&str] = &[
    "header",
    "newtype",
    "where",
    "struct",
    "lock",
    "guarded_by",
    "field",
    "invariant",
    "readonly",
    "lockless",
    "rcu",
    "updated_under",
    "dma",
    "coherent",
    "streaming",
    "addr",
    "len",
    "embeds",
    "list",
    "via",
    "refcount",
    "release",
    "acquire",
    "macro",
    "ops",
    "fn",
    "context",
    "may_sleep",
    "requires",
    "order",
    ";",
    ":",
    ",",
    ".",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "=",
    "->",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "!",
    "+",
    "-",
    "*",
    "/",
    "%",
    "&",
    "|",
    "^",
    "<<",
    ">>",
    "x",
    "lock",
    "spinlock",
    "irqsave",
    "mutex",
    "value",
    "u16",
    "0",
    "18446744073709551616",
    "\"h.h\"",
    "/// doc\n",
    "//! doc\n",
    "/*",
    "*/",
    "container_of",
    "is_null",
    "\n",
    "é",
    "$",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCABULARY), 0..200).prop_map(|t| t.join(" "))
}

/// The DESIGN example with a few byte ranges deleted, duplicated or replaced.
fn mutated() -> impl Strategy<Value = String> {
    let edit = (
        0..DESIGN.len(),
        0..40usize,
        prop::sample::select(VOCABULARY),
        0..3u8,
    );
    prop::collection::vec(edit, 1..6).prop_map(|edits| {
        let mut text = DESIGN.to_owned();
        for (at, len, word, kind) in edits {
            let at = at.min(text.len());
            let end = (at + len).min(text.len());
            let (at, end) = (floor(&text, at), floor(&text, end));
            match kind {
                0 => text.replace_range(at..end, ""),
                1 => {
                    let copy = text[at..end].to_owned();
                    text.insert_str(at, &copy);
                }
                _ => text.replace_range(at..end, word),
            }
        }
        text
    })
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(text in soup()) {
        run(&text);
    }

    #[test]
    fn mutated_specs_never_panic(text in mutated()) {
        run(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        run(&text);
    }
}

#[test]
fn pathological_nesting_is_bounded() {
    let n = 200_000;
    for text in [
        format!(
            "struct s {{ invariant {}x{}; }}",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!("struct s {{ invariant {}x; }}", "!".repeat(n)),
        format!("struct s {{ invariant {}; }}", vec!["x"; n].join(" + ")),
        format!(
            "struct s {{ invariant {}x{}; }}",
            "f(".repeat(n),
            ")".repeat(n)
        ),
        "(".repeat(n),
        format!(
            "order {};",
            (0..n)
                .map(|i| format!("s.l{i}"))
                .collect::<Vec<_>>()
                .join(" < ")
        ),
    ] {
        run(&text);
    }
}

#[test]
fn long_lock_order_chain_and_cycle() {
    let n = 20_000;
    let mut text = String::from("struct s {\n");
    for i in 0..n {
        text.push_str(&format!("lock l{i}: spinlock;\n"));
    }
    text.push_str("}\norder ");
    text.push_str(
        &(0..n)
            .map(|i| format!("s.l{i}"))
            .collect::<Vec<_>>()
            .join(" < "),
    );
    text.push_str(" < s.l0;\n");
    let mut sources = SourceMap::new();
    let file = sources.add("c.inv", text).unwrap();
    let (_, diagnostics) = check(&sources, file, None);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, invc_spec_lang::Code::LockOrderCycle);
}
