#!/usr/bin/env bash
# Rebuilds every WASI test program from source into bin/NAME.wasm.
#
# Needs (installs nothing itself):
#   - zig's C toolchain with wasi-libc, from PyPI:  pip install ziglang
#   - the Rust target:                              rustup target add wasm32-wasip1
#
# The .wasm files are committed, so running the tests needs neither; rebuild
# after changing a program and commit the result. The .wat files in wat/ are
# run as text and need no build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/bin"

for src in "$here"/c/*.c; do
    name="$(basename "$src" .c)"
    libs=()
    # clock() lives in a wasi-libc library of its own, an emulation over the
    # monotonic clock; linking it only where it is used keeps the other
    # programs byte-for-byte what they were.
    if [ "$name" = libc_tour ]; then libs=(-lwasi-emulated-process-clocks); fi
    echo "cc   $name"
    # -s: no debug info or names, so the committed files stay small.
    python3 -m ziglang cc --target=wasm32-wasi -O2 -s -Wall -Wno-unused-result -Wno-unused-function \
        -o "$here/bin/$name.wasm" "$src" ${libs[@]+"${libs[@]}"}
done

echo "cargo std_tour"
# A target dir of its own keeps this build away from the workspace's.
target="$here/rust/target"
(cd "$here/rust" && cargo build --release --target wasm32-wasip1 --target-dir "$target")
cp "$target/wasm32-wasip1/release/std_tour.wasm" "$here/bin/std_tour.wasm"

ls -l "$here"/bin/*.wasm
