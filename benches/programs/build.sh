#!/usr/bin/env bash
# Rebuild every benchmark program (*.c) into a WASI command module (*.wasm)
# next to it, with zig's clang for wasm32-wasi (wasi-libc), -O2, stripped.
# -mno-call-indirect-overlong: with reference types on (zig's default CPU),
# LLVM writes call_indirect's table index as a padded 5-byte LEB so a linker
# could patch it; the final module does not need that. The one-byte form is
# the same instruction, and wasm3 (pywasm3 0.5) rejects the padded one with
# "LEB encoded value overflow". Everything else is zig's default feature set.
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

if [ "$#" -gt 0 ]; then
    srcs=()
    for p in "$@"; do srcs+=("${p%.c}.c"); done
else
    srcs=(*.c)
fi

for src in "${srcs[@]}"; do
    out="${src%.c}.wasm"
    echo "zig cc $src -> $out" >&2
    "$PY" -m ziglang cc --target=wasm32-wasi -O2 -s -mno-call-indirect-overlong -Wall -Wextra -o "$out" "$src"
done
