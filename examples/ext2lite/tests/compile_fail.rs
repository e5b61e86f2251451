//! Seeded mistakes in the ext2lite translation that the compiler rejects through the
//! generated wrappers, with its own errors (`tests/ui/*.stderr`). The table in the book's
//! case-studies chapter lists them with the checker's seeds (`seeded/`).

#[test]
fn seeded_mistakes_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
