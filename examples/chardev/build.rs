//! Compiles the C module, so the tests can run it beside its Rust translation.

fn main() {
    println!("cargo::rerun-if-changed=chardev.c");
    println!("cargo::rerun-if-changed=chardev.h");
    println!("cargo::rerun-if-changed=../../annotations/include");
    cc::Build::new()
        .file("chardev.c")
        .include("../../annotations/include")
        // Both versions define the spec's release function under its C name, because the
        // generated `ChardevRef` calls `chardev_free` by that name. One test binary links
        // both, so the C one is renamed; everything else the C exports has no Rust twin.
        .define("chardev_free", "c_chardev_free")
        .std("gnu11")
        .warnings(true)
        .extra_warnings(true)
        .flag_if_supported("-Wno-unused-parameter")
        .warnings_into_errors(true)
        .compile("chardev_c");
}
