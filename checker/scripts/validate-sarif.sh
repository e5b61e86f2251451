#!/bin/sh
# Validates `invc check --format sarif` output with the official SARIF validator
# (@microsoft/sarif-multitool), installing it with npm into the cargo target folder first.
# Usage: checker/scripts/validate-sarif.sh   (from anywhere; needs node/npm and cargo)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
work="${CARGO_TARGET_DIR:-$root/target}/sarif-validate"
mkdir -p "$work"
if [ ! -d "$work/node_modules/@microsoft/sarif-multitool-linux" ]; then
    (cd "$work" && npm install --no-audit --no-fund @microsoft/sarif-multitool >/dev/null)
fi
tool="$work/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
chmod +x "$tool"
cd "$here/tests/fixtures"
status=0
cargo run -q --manifest-path "$root/Cargo.toml" -- check --no-headers --spec spec.inv \
    --format sarif . > "$work/out.sarif" || status=$?
[ "$status" -le 1 ] || { echo "invc check failed ($status)"; exit 2; }
rm -f "$work/checked.sarif"
"$tool" validate "$work/out.sarif" -o "$work/checked.sarif" > "$work/validate.log" 2>&1 || true
if grep -q ": error SARIF" "$work/validate.log" || ! grep -q "Analysis completed successfully" "$work/validate.log"; then
    cat "$work/validate.log"
    exit 1
fi
grep ": warning SARIF" "$work/validate.log" || true
echo "SARIF valid: $(grep -c '"ruleId"' "$work/out.sarif") results in $work/out.sarif"
