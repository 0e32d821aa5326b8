// Run a WASI preview1 command under node (V8) with node's built-in
// `node:wasi`, the way `wasmtime run prog.wasm args...` would:
//
//   node --no-warnings node_wasi.mjs prog.wasm [args...]
//
// stdio is inherited; the environment and filesystem are not granted (the
// benchmark programs need neither). The process exits with the program's
// exit code. benches/run.py times the whole node process, V8 start-up and
// compilation included.
//
// process.exit() right after the program, as a CLI runtime would: letting
// node wind down on its own after `memops` crashes node 20.20.2 with
// SIGSEGV during teardown (after the correct output), in Liftoff code; the
// explicit exit skips that teardown.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node node_wasi.mjs prog.wasm [args...]\n');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exit(wasi.start(instance));
