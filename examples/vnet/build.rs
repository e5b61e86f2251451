//! Compiles `vnet.c`, the C original of this crate's translation, against the host shim's
//! kernel headers, so that tests can drive both and compare them.

fn main() {
    println!("cargo::rerun-if-changed=vnet.c");
    println!("cargo::rerun-if-changed=vnet.h");
    println!("cargo::rerun-if-changed=../../annotations/include");
    cc::Build::new()
        .file("vnet.c")
        .include(".")
        .include("../../annotations/include")
        .std("gnu11")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        // The translation exports `vnet_queue_release` under its C name (the spec's `release`
        // function, which the generated `VnetQueueRef` calls); C's own is renamed so that both
        // can be linked into one test binary. `vnet.h` is renamed with it, so C code calls C's.
        .define("vnet_queue_release", "c_vnet_queue_release")
        .compile("vnet_c");
}
