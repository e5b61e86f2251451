//! Compiles the C half of the interop tests against the runtime's kernel headers.

fn main() {
    let c_file = "../tests/c/interop.c";
    println!("cargo::rerun-if-changed={c_file}");
    println!("cargo::rerun-if-changed=../include");
    cc::Build::new()
        .file(c_file)
        .include("../include")
        .std("gnu11")
        .warnings(true)
        .extra_warnings(true)
        .flag_if_supported("-Wno-unused-parameter")
        .warnings_into_errors(true)
        .compile("inv_ctest");
}
