#!/usr/bin/env bash
# Runs the runtime's tests and the generated crates' users' tests under miri, which reports
# undefined behaviour (Stacked Borrows aliasing, out-of-bounds and use-after-free accesses, data
# races, leaks, integer-to-pointer casts) in the Rust that runs, unsafe code included.
#
# Usage: scripts/miri.sh   (needs the nightly toolchain; installs its miri and rust-src
# components if they are missing, and fails if it cannot.)
#
# What runs, one test binary at a time:
#   invc-annotations: guards, dma, kref_list, refcount, rcu, errno_attrs, and the doctests;
#   vnet-example:     wrappers (the generated vnet-inv crate in use);
#   chardev-example:  invariants (the generated chardev-inv crate in use).
#
# What does not, and why:
#   - death tests (every test named `*_aborts`, skipped with `--skip aborts`): they re-run the
#     test binary as a child process and expect it to die of SIGABRT; miri cannot spawn
#     processes. The misuse each one provokes is what the shim aborts on, before any UB.
#   - invc-annotations `c_interop` and chardev-example `equivalence`: they link C code compiled
#     by `cc` (annotations/ctest, examples/chardev/chardev.c); miri interprets only Rust.
#   - `ui` / `compile_fail` (trybuild): they run rustc on code that must not compile; nothing
#     of it runs.
#   - the other workspace crates (front end, header model, codegen, checker): safe Rust
#     (`unsafe_code` is forbidden in them) over libclang, which miri cannot call either.
#
# Flags: `-Zmiri-strict-provenance` makes any integer-to-pointer cast an error (the shim keeps
# real pointers, never addresses, for what it dereferences). Stacked Borrows is miri's default
# aliasing model; the runtime and the generated code must satisfy it.
set -euo pipefail
cd "$(dirname "$0")/.."

# A fresh machine may have no nightly, or a nightly without these components. Any failure
# here stops the script (and CI): miri is not optional.
if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal --component miri,rust-src
fi
installed=$(rustup component list --toolchain nightly --installed)
if ! grep -q '^miri' <<<"$installed" || ! grep -q '^rust-src' <<<"$installed"; then
    rustup component add --toolchain nightly miri rust-src
fi
cargo +nightly miri --version
cargo +nightly miri setup

export MIRIFLAGS="${MIRIFLAGS:-} -Zmiri-strict-provenance"

run() {
    echo "== miri: $*" >&2
    cargo +nightly miri test --locked "$@"
}

for test in guards dma kref_list refcount rcu errno_attrs; do
    run -p invc-annotations --test "$test" -- --skip aborts
done
run -p invc-annotations --doc
run -p vnet-example --test wrappers
run -p chardev-example --test invariants
