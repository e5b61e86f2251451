//! Misuse of the generated wrappers that must not compile, with the compiler's own errors
//! (`tests/ui/*.stderr`).

#[test]
fn misuse_of_the_wrappers_does_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
