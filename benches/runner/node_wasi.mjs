// Run a WASI preview1 command under node (V8) with node's built-in
// `node:wasi`, the way `wasmtime run prog.wasm args...` would:
//
//   node --no-warnings node_wasi.mjs prog.wasm [args...]
//
// stdio is inherited; the environment and filesystem are not granted (the
// benchmark programs need neither). The process exits with the program's
// exit code. benches/run.py times the whole node process, V8 start-up and
// compilation included.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node node_wasi.mjs prog.wasm [args...]\n');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });

// Each WASI function is wrapped in a plain JS function instead of being
// imported directly. Imported directly, node 20's WASI functions are called
// from wasm through V8's "fast API" path, which in node 20.20.2 uses a stale
// view of linear memory once the program has grown it: programs that
// malloc tens of MiB (memops, bigsort) print the right output and then die
// with SIGSEGV, 12 times out of 12 for memops. Through a JS wrapper the
// calls take the regular path (0 of 12). The programs make a handful of
// WASI calls, so the wrapper costs nothing measurable.
const direct = wasi.getImportObject().wasi_snapshot_preview1;
const wrapped = {};
for (const [name, fn] of Object.entries(direct)) {
  wrapped[name] = (...a) => fn(...a);
}

const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wrapped });
process.exit(wasi.start(instance));
