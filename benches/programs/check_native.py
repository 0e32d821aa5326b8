#!/usr/bin/env python3
"""Cross-check the benchmark checksums natively.

Builds each program's C source for the host (not for WebAssembly) and runs it
with its default arguments from expected.json; the checksum it prints must be
the one recorded there. The programs avoid everything a native build could do
differently (no libm but sqrt, no fused multiply-add: -ffp-contract=off), and
the simd_* programs, without -msimd128, compile their scalar reference path,
so a match says the recorded checksum is what the C source means, not an
accident of one runtime.

    python3 benches/programs/check_native.py               # every program
    python3 benches/programs/check_native.py simd_matmul   # some

Compiler: $CC if set, else `zig cc` from PyPI (pip install ziglang). Exits 1
if any checksum differs or a program fails.
"""

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def compiler():
    if os.environ.get("CC"):
        return shlex.split(os.environ["CC"])
    return [sys.executable, "-m", "ziglang", "cc"]


def main():
    expected = json.loads((HERE / "expected.json").read_text())["programs"]
    names = sys.argv[1:] or list(expected)
    unknown = [n for n in names if n not in expected]
    if unknown:
        sys.exit(f"unknown program(s): {', '.join(unknown)}")
    cc = compiler()
    bad = 0
    with tempfile.TemporaryDirectory(prefix="skiff-native-") as tmp:
        for name in names:
            exe = Path(tmp) / name
            build = cc + ["-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-o", str(exe), str(HERE / f"{name}.c"), "-lm"]
            p = subprocess.run(build, capture_output=True, text=True)
            if p.returncode != 0:
                print(f"{name}: build failed: {p.stderr.strip()[-500:]}")
                bad += 1
                continue
            exp = expected[name]
            run = subprocess.run([str(exe)] + exp["args"], capture_output=True, text=True)
            lines = run.stdout.splitlines()
            want = exp.get("other_stdout", []) + [f"checksum: {exp['checksum']}"]
            if run.returncode != 0 or lines != want:
                print(f"{name}: MISMATCH (exit {run.returncode}): {lines!r} {run.stderr.strip()[-300:]!r}, "
                      f"expected {want!r}")
                bad += 1
            else:
                print(f"{name}: ok ({exp['checksum']})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
