#!/usr/bin/env bash
# Rebuild every benchmark kernel written in C (*.c) into a freestanding
# wasm32 module (*.wasm) next to it. Each module exports `run` and `memory`
# and has no imports. Requires zig (installed from PyPI as `ziglang`).
set -euo pipefail
cd "$(dirname "$0")"

PY="${PYTHON:-python3}"
if ! "$PY" -m ziglang version >/dev/null 2>&1; then
    echo "installing ziglang with pip..." >&2
    "$PY" -m pip install --quiet ziglang
fi

for src in *.c; do
    out="${src%.c}.wasm"
    echo "zig cc $src -> $out" >&2
    "$PY" -m ziglang cc \
        -target wasm32-freestanding \
        -O2 \
        -nostdlib \
        -fno-builtin \
        -Wl,--no-entry \
        -Wl,--export=run \
        -Wl,--export-memory \
        -Wl,--strip-all \
        -o "$out" "$src"
done
