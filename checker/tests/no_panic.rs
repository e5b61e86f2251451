//! The checker never panics on Rust that `syn` parses (nor on text it does not): a property
//! test over source assembled from kernel-style fragments, arbitrary mutations of it, and a
//! corpus of over 20,000 lines.

mod common;

use common::{FRAGMENTS, WRAPPERS, check_text, corpus};
use proptest::prelude::*;

fn assembled() -> impl Strategy<Value = String> {
    (
        0..WRAPPERS.len(),
        proptest::collection::vec(0..FRAGMENTS.len(), 0..24),
        proptest::collection::vec(0..FRAGMENTS.len(), 0..6),
    )
        .prop_map(|(w, body, nested)| {
            let (open, close) = WRAPPERS[w];
            let mut text = String::from(open);
            for i in body {
                text.push_str(FRAGMENTS[i]);
                text.push('\n');
            }
            // A block nested in the body, to mix scopes.
            text.push_str("{\n");
            for i in nested {
                text.push_str(FRAGMENTS[i]);
                text.push('\n');
            }
            text.push_str("}\n");
            text.push_str(close);
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn assembled_sources_never_panic(text in assembled()) {
        let checked = check_text("gen.rs", &text);
        // Every finding lies inside the file.
        for f in &checked.findings {
            prop_assert!(f.start <= f.end && f.end as usize <= text.len());
        }
    }

    #[test]
    fn mutated_sources_never_panic(text in assembled(), cut in any::<prop::sample::Index>(), insert in "[{}()\\[\\];,.*&!a-z_ ]{0,8}") {
        let mut text = text;
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.insert_str(at, &insert);
        check_text("mutated.rs", &text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check_text("arbitrary.rs", &text);
    }
}

#[test]
fn a_corpus_of_20k_lines_checks_without_a_crash() {
    let text = corpus(20_000);
    assert!(text.lines().count() >= 20_000);
    assert!(syn::parse_file(&text).is_ok(), "the corpus is valid Rust");
    let checked = check_text("corpus.rs", &text);
    assert!(!checked.findings.is_empty());
    assert!(
        checked
            .findings
            .iter()
            .all(|f| f.rule != invc_checker::Rule::ParseError)
    );
}
