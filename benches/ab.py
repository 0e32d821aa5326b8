#!/usr/bin/env python3
"""A/B comparison of two skiff builds on the benchmark programs.

For deciding whether an interpreter change pays: build the binary before
and after the change, copy each somewhere, and alternate them run by run
(A B, B A, A B, ...) so that a noisy machine's slow phases hit both alike.

    cp target/release/skiff /tmp/skiff-before    # on the old code
    cp target/release/skiff /tmp/skiff-after     # on the new code
    python3 benches/ab.py --runs 5 /tmp/skiff-before /tmp/skiff-after mandelbrot fft
    python3 benches/ab.py /tmp/skiff-before /tmp/skiff-after simd   # a category

The two sides may also be one binary run with different `skiff run` flags,
e.g. the cost of fuel metering:

    python3 benches/ab.py --b-flags="-W fuel=18000000000000000000" \
        target/release/skiff target/release/skiff integer float calls memory

Prints, per program, the median and minimum wall time of each binary and
B/A (below 1: B is faster). Every run's output is checked against
`programs/expected.json`, as `run.py` does. Standard library only.
"""

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import check_output  # noqa: E402  (the same check as the runner's)

PROGRAMS = Path(__file__).resolve().parent / "programs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per binary and program (default 5)")
    parser.add_argument("--a-flags", default="", help="extra `skiff run` flags for A")
    parser.add_argument("--b-flags", default="", help="extra `skiff run` flags for B")
    parser.add_argument("a", help="the baseline skiff binary")
    parser.add_argument("b", help="the skiff binary to compare with it")
    parser.add_argument("programs", nargs="+", help="program names or categories from programs/expected.json")
    args = parser.parse_args()

    expected = json.loads((PROGRAMS / "expected.json").read_text())["programs"]
    names = []
    for wanted in args.programs:
        matches = [name for name, entry in expected.items() if name == wanted or entry.get("category") == wanted]
        if not matches:
            parser.error(f"no program or category named `{wanted}`")
        names += [name for name in matches if name not in names]

    for name in names:
        entry = expected[name]
        sides = {"A": (args.a, shlex.split(args.a_flags)), "B": (args.b, shlex.split(args.b_flags))}
        times = {"A": [], "B": []}
        for i in range(args.runs):
            for side in ("A", "B") if i % 2 == 0 else ("B", "A"):
                binary, flags = sides[side]
                # The interpreter unless the flags choose otherwise (a
                # later `-C strategy` wins).
                command = [binary, "run", "-C", "strategy=interpreter", *flags, str(PROGRAMS / f"{name}.wasm"), *entry.get("args", [])]
                start = time.perf_counter()
                done = subprocess.run(command, capture_output=True)
                elapsed = time.perf_counter() - start
                problem = check_output(done.stdout, entry) if done.returncode == 0 else f"exit {done.returncode}"
                if problem:
                    print(f"{name}: {binary} failed: {problem} {done.stderr[-300:].decode(errors='replace')}")
                    return 1
                times[side].append(elapsed)
        a, b = times["A"], times["B"]
        ratio, ratio_min = statistics.median(b) / statistics.median(a), min(b) / min(a)
        print(
            f"{name:14s} A median {statistics.median(a):6.3f} s, min {min(a):6.3f} | "
            f"B median {statistics.median(b):6.3f} s, min {min(b):6.3f} | B/A {ratio:.3f} (min {ratio_min:.3f})",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
