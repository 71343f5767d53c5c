#!/usr/bin/env bash
# Checks that AVX-512 code in a built binary is confined to the AVX-512 VNNI kernel build. The package is built
# for x86-64-v3 and compiles Sources/Quants once more for cascadelake (Package.swift, `kernelBuild`); if any of
# that build's code were inlined or merged into a function the baseline code calls (cross-module inlining, a
# stdlib specialization emitted by both builds and deduplicated by the linker), the binary would fault on an
# AVX2-only CPU. AVX-512 instructions are EVEX-encoded, and in 64-bit mode an instruction starting with byte
# 0x62 is always EVEX, so: list every function with such an instruction whose symbol is not in that build (or
# its intrinsics module). BoringSSL's assembly (swift-crypto) is exempt: it has its own CPUID dispatch.
#
#   scripts/check-kernel-isolation.sh [BINARY]   # default .build/release/vellum; exit 1 if any are found
set -euo pipefail
binary=${1:-.build/release/vellum}
leaks=$(objdump -d --no-addresses "$binary" | awk '
    /^<.*>:$/ { fn = $0; next }
    /^\t62( [0-9a-f][0-9a-f])* *\t/ && fn !~ /Quants(Intrinsics)?AVX512VNNI|CCryptoBoringSSL_/ && !(fn in seen) { seen[fn] = 1; print fn }')
evex=$(objdump -d --no-addresses "$binary" | awk '/^<.*>:$/ { fn = $0 } /^\t62( [0-9a-f][0-9a-f])* *\t/ { f[fn] = 1 } END { print length(f) }')
if [ -n "$leaks" ]; then
    echo "EVEX (AVX-512) instructions outside the AVX-512 VNNI kernel build:" >&2
    echo "$leaks" | sed 's/^/  /' >&2
    exit 1
fi
echo "ok: $evex functions use AVX-512, all in the QuantsAVX512VNNI build or BoringSSL's dispatched assembly"
