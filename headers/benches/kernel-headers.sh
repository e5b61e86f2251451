#!/usr/bin/env bash
# Whole-process comparison on the distribution's real kernel headers, with the kernel's flags:
#   invc check-spec, cold (no cached model: parse, model, cross-check, store the cache entry)
#   invc check-spec, warm (the cached model of unchanged headers)
#   clang -fsyntax-only on the same translation unit (the floor: parsing alone)
#   bindgen allowlisted to the spec's structs (the peer: it also parses and models the headers)
# The spec is examples/kernel/fs.inv (struct inode and struct super_block over <linux/fs.h>).
#
# Needs: hyperfine, clang, bindgen (`cargo install bindgen-cli`), libclang, linux-headers-amd64.
# Usage: headers/benches/kernel-headers.sh [hyperfine options, e.g. --runs 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in hyperfine clang bindgen python3; do
    command -v "$tool" >/dev/null || { echo "missing: $tool (see the script's header)" >&2; exit 2; }
done
cargo build --release --locked -q
mapfile -t flags < <(scripts/kernel-flags.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '#include <linux/fs.h>\n' >"$work/tu.c"
cp "$work/tu.c" "$work/tu.h"
quoted=$(printf '%q ' "${flags[@]}")
invc="target/release/invc check-spec examples/kernel/fs.inv -- $quoted"
export INVC_CACHE_DIR="$work/cache"
$invc >/dev/null 2>&1 || { echo "invc check-spec failed on examples/kernel/fs.inv" >&2; exit 1; }

hyperfine --warmup 2 --style basic --export-json "$work/results.json" "$@" \
    --command-name 'invc check-spec (cold)' --prepare "rm -rf '$INVC_CACHE_DIR'" "$invc" \
    --command-name 'invc check-spec (warm)' --prepare 'true' "$invc" \
    --command-name 'clang -fsyntax-only (floor)' --prepare 'true' "clang -fsyntax-only -w $quoted $work/tu.c" \
    --command-name 'bindgen (peer)' --prepare 'true' \
        "bindgen $work/tu.h --allowlist-type 'inode|super_block' -o /dev/null -- $quoted"

python3 - "$work/results.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
cold, warm = r["invc check-spec (cold)"], r["invc check-spec (warm)"]
floor, peer = r["clang -fsyntax-only (floor)"], r["bindgen (peer)"]
print()
print("| run | mean |")
print("|---|---|")
for name, mean in r.items():
    print(f"| {name} | {mean * 1000:.1f} ms |")
print()
print(f"cold / clang floor: {cold / floor:.2f}x (target: at most 1.3x)")
print(f"bindgen / cold:     {peer / cold:.2f}x (target: above 1x)")
print(f"cold / warm:        {cold / warm:.1f}x (target: at least 20x)")
PY
