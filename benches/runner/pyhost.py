"""Run a WASI command under one of the runtimes that ship as Python packages.

    python3 pyhost.py ENGINE REPORT_PATH prog.wasm [args...]

ENGINE is
  pulley  Wasmtime's Pulley interpreter, via the PyPI `wasmtime` package
          (`Config.target = "pulley64"`: Cranelift emits Pulley bytecode and
          Wasmtime interprets it instead of running native code);
  wasm3   wasm3, via the PyPI `pywasm3` package. pywasm3 has no WASI, so
          the handful of WASI functions the benchmark programs import are
          implemented below in Python (argv, stdout/stderr writes, exit).
          They run a few times per program, never in a hot loop.

Why a separate process: benches/run.py must not pay Python's start-up or
the package import against these runtimes, and must still measure each run
in isolation (fresh process, its own peak RSS). So this script imports the
package first, then times only loading, compiling, instantiating and running
the module, and writes that time to REPORT_PATH as JSON:
    {"seconds": float, "exit_code": int, "error": str | null}
Program stdout/stderr go to this process's stdout/stderr. The process exits
with the program's exit code, or 134 on a trap (as `wasmtime run` does).
"""

import json
import os
import struct
import sys
import time


def run_pulley(path, argv):
    """Compile for the pulley64 target and run `_start` with WASI argv."""
    import wasmtime

    t0 = time.perf_counter()
    config = wasmtime.Config()
    config.target = "pulley64"
    engine = wasmtime.Engine(config)
    with open(path, "rb") as f:
        module = wasmtime.Module(engine, f.read())
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = argv
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    code, error = 0, None
    try:
        start(store)
    except wasmtime.ExitTrap as e:
        code = e.code
    except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
        code, error = 134, str(e)
    return time.perf_counter() - t0, code, error


class ProcExit(Exception):
    """Raised by proc_exit to unwind out of wasm3."""


class Wasm3Wasi:
    """The WASI preview1 functions wasi-libc's startup, stdio and exit use.

    Memory is re-fetched on every call: memory.grow may move it, and
    pywasm3 hands out a view of the current buffer only.
    """

    ESUCCESS, EBADF, ESPIPE = 0, 8, 70

    def __init__(self, runtime, argv):
        self.rt = runtime
        self.args = [a.encode() + b"\0" for a in argv]
        self.exit_code = None

    def mem(self):
        return self.rt.get_memory(0)

    def args_sizes_get(self, argc_ptr, size_ptr):
        m = self.mem()
        struct.pack_into("<I", m, argc_ptr & 0xFFFFFFFF, len(self.args))
        struct.pack_into("<I", m, size_ptr & 0xFFFFFFFF, sum(map(len, self.args)))
        return self.ESUCCESS

    def args_get(self, argv_ptr, buf_ptr):
        m = self.mem()
        argv_ptr &= 0xFFFFFFFF
        buf_ptr &= 0xFFFFFFFF
        for i, a in enumerate(self.args):
            struct.pack_into("<I", m, argv_ptr + 4 * i, buf_ptr)
            m[buf_ptr:buf_ptr + len(a)] = a
            buf_ptr += len(a)
        return self.ESUCCESS

    def fd_write(self, fd, iovs, iovs_len, nwritten_ptr):
        if fd not in (1, 2):
            return self.EBADF
        m = self.mem()
        data = bytearray()
        for i in range(iovs_len):
            ptr, length = struct.unpack_from("<II", m, (iovs & 0xFFFFFFFF) + 8 * i)
            data += m[ptr:ptr + length]
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        struct.pack_into("<I", m, nwritten_ptr & 0xFFFFFFFF, len(data))
        return self.ESUCCESS

    def fd_fdstat_get(self, fd, buf):
        if fd not in (0, 1, 2):
            return self.EBADF
        # filetype CHARACTER_DEVICE (2), no flags, all rights
        struct.pack_into("<BxHxxxxQQ", self.mem(), buf & 0xFFFFFFFF, 2, 0, 2**64 - 1, 2**64 - 1)
        return self.ESUCCESS

    def fd_seek(self, fd, offset, whence, newoffset_ptr):
        return self.ESPIPE if fd in (0, 1, 2) else self.EBADF

    def fd_close(self, fd):
        return self.ESUCCESS if fd in (0, 1, 2) else self.EBADF

    def proc_exit(self, code):
        self.exit_code = code
        raise ProcExit(code)

    SIGNATURES = {
        "args_sizes_get": "i(ii)",
        "args_get": "i(ii)",
        "fd_write": "i(iiii)",
        "fd_fdstat_get": "i(ii)",
        "fd_seek": "i(iIii)",
        "fd_close": "i(i)",
        "proc_exit": "v(i)",
    }

    def link(self, module):
        for name, sig in self.SIGNATURES.items():
            module.link_function("wasi_snapshot_preview1", name, sig, getattr(self, name))


def run_wasm3(path, argv):
    """Parse, load, link the WASI shim and call `_start`."""
    import wasm3

    t0 = time.perf_counter()
    env = wasm3.Environment()
    runtime = env.new_runtime(4 * 1024 * 1024)  # value stack bytes; deep recursion needs room
    with open(path, "rb") as f:
        module = env.parse_module(f.read())
    runtime.load(module)
    wasi = Wasm3Wasi(runtime, argv)
    wasi.link(module)
    start = runtime.find_function("_start")
    code, error = 0, None
    try:
        start()
    except Exception as e:  # wasm3 turns our ProcExit into a trap
        if wasi.exit_code is not None:
            code = wasi.exit_code
        else:
            code, error = 134, f"{type(e).__name__}: {e}"
    return time.perf_counter() - t0, code, error


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    engine, report, path = sys.argv[1:4]
    argv = [path] + sys.argv[4:]
    runner = {"pulley": run_pulley, "wasm3": run_wasm3}[engine]
    seconds, code, error = runner(path, argv)
    if error:
        print(f"{engine}: {error}", file=sys.stderr)
    with open(report, "w") as f:
        json.dump({"seconds": seconds, "exit_code": code, "error": error}, f)
    sys.stdout.flush()
    os._exit(code)  # skip interpreter teardown: not part of the run


if __name__ == "__main__":
    main()
