#!/usr/bin/env bash
# Prints, one per line, the clang flags that parse the installed distribution kernel headers
# the way the kernel's own build does (see book/src/kernel-headers.md). Debian/Ubuntu layout:
# /usr/src/linux-headers-VERSION-common and /usr/src/linux-headers-VERSION-<arch>.
set -euo pipefail
common=$(ls -d /usr/src/linux-headers-*-common 2>/dev/null | sort -V | tail -n 1)
[ -n "$common" ] || { echo "no /usr/src/linux-headers-*-common: apt-get install linux-headers-amd64" >&2; exit 2; }
arch=${common%-common}-amd64
[ -d "$arch/include/generated" ] || { echo "$arch lacks generated headers" >&2; exit 2; }
resource=$(ls -d /usr/lib/llvm-*/lib/clang/*/include 2>/dev/null | sort -V | tail -n 1)
[ -n "$resource" ] || { echo "no clang resource headers: apt-get install libclang-dev" >&2; exit 2; }
C=$common A=$arch
printf '%s\n' -D__KERNEL__ -nostdinc -isystem "$resource" \
    "-I$C/arch/x86/include" "-I$A/arch/x86/include/generated" "-I$C/include" "-I$A/include" \
    "-I$C/arch/x86/include/uapi" "-I$A/arch/x86/include/generated/uapi" "-I$C/include/uapi" \
    "-I$A/include/generated/uapi" \
    -include "$C/include/linux/compiler-version.h" -include "$C/include/linux/kconfig.h" \
    -include "$C/include/linux/compiler_types.h" \
    -DMODULE '-DKBUILD_MODNAME="x"' '-DKBUILD_BASENAME="x"' -std=gnu11 -fno-strict-aliasing -mno-sse
