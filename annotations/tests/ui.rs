//! What must not compile: each case in tests/ui/ with the compiler's error beside it.

#[test]
fn misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
