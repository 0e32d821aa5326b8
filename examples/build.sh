#!/usr/bin/env bash
# Rebuilds the example programs' committed `.wasm` files from their C sources.
# Needs zig from PyPI: `pip install ziglang`.
set -euo pipefail
cd "$(dirname "$0")"
for src in *.c; do
    python3 -m ziglang cc --target=wasm32-wasi -O2 -s -o "${src%.c}.wasm" "$src"
done
