#!/usr/bin/env bash
# Rebuild every benchmark program (*.c) into a WASI command module (*.wasm)
# next to it, with zig's clang for wasm32-wasi (wasi-libc), -O2, stripped.
# -mno-call-indirect-overlong: with reference types on (zig's default CPU),
# LLVM writes call_indirect's table index as a padded 5-byte LEB so a linker
# could patch it; the final module does not need that. The one-byte form is
# the same instruction, and wasm3 (pywasm3 0.5) rejects the padded one with
# "LEB encoded value overflow". Everything else is zig's default feature set,
# except that programs named simd_*.c are built with -msimd128 (SIMD-128,
# written with wasm_simd128.h intrinsics; no relaxed SIMD). Their scalar
# reference build for the host is checked by check_native.py. With no
# arguments it also rebuilds ../runner/simd_probe.wasm, the module run.py
# uses to find out which runtimes run SIMD at all.
# Requires zig from PyPI (`pip install ziglang`); the version used for the
# committed .wasm files is printed first. Usage: build.sh [prog ...]
set -euo pipefail
cd "$(dirname "$0")"

PY="${PYTHON:-python3}"
if ! "$PY" -m ziglang version >/dev/null 2>&1; then
    echo "installing ziglang with pip..." >&2
    "$PY" -m pip install --quiet ziglang
fi
echo "zig $("$PY" -m ziglang version)" >&2

probe=0
if [ "$#" -gt 0 ]; then
    srcs=()
    for p in "$@"; do srcs+=("${p%.c}.c"); done
else
    srcs=(*.c)
    probe=1
fi

for src in "${srcs[@]}"; do
    out="${src%.c}.wasm"
    flags=()
    case "$src" in simd_*) flags=(-msimd128) ;; esac
    echo "zig cc ${flags[*]+${flags[*]} }$src -> $out" >&2
    "$PY" -m ziglang cc --target=wasm32-wasi -O2 -s -mno-call-indirect-overlong ${flags[@]+"${flags[@]}"} \
        -Wall -Wextra -o "$out" "$src"
done

if [ "$probe" = 1 ]; then
    echo "zig cc -msimd128 ../runner/simd_probe.c -> ../runner/simd_probe.wasm" >&2
    "$PY" -m ziglang cc --target=wasm32-wasi -O2 -s -mno-call-indirect-overlong -msimd128 \
        -Wall -Wextra -o ../runner/simd_probe.wasm ../runner/simd_probe.c
fi
