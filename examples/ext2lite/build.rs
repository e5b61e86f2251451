//! Compiles ext2lite.c against the host shim's kernel headers, so the tests can run the C
//! version beside the Rust translation.

fn main() {
    println!("cargo::rerun-if-changed=ext2lite.c");
    println!("cargo::rerun-if-changed=ext2lite.h");
    println!("cargo::rerun-if-changed=../../annotations/include");
    cc::Build::new()
        .file("ext2lite.c")
        .include("../../annotations/include")
        .std("gnu11")
        .warnings(true)
        .extra_warnings(true)
        .flag_if_supported("-Wno-unused-parameter")
        .warnings_into_errors(true)
        // The spec names `ext2l_inode_release` as the kref release function, and the Rust
        // translation exports it under that C name (the generated wrappers call it). Both are
        // linked into one test binary, so the C one is renamed.
        .define("ext2l_inode_release", "c_ext2l_inode_release")
        .compile("ext2lite_c");
}
