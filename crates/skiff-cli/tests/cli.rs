//! Runs the `skiff` binary as a subprocess on the fixtures in `tests/fixtures`.

use std::path::Path;
use std::process::Command;

const TRAP_EXIT_CODE: i32 = 134;

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixture(name: &str) -> String {
    path_str(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name))
}

fn path_str(path: &Path) -> String {
    path.to_str().expect("test paths are UTF-8").to_string()
}

/// `skiff ARGS...`, its default cache in a directory of this test process
/// rather than the user's.
fn skiff(args: &[&str]) -> Output {
    output(Command::new(env!("CARGO_BIN_EXE_skiff")).args(args).env("XDG_CACHE_HOME", test_cache_home()))
}

/// Under Cargo's directory for test files (in `target/`), so that test runs
/// leave nothing in the system's temporary directory; entries of earlier
/// runs are harmless (a new build has a new key) and trimmed as usual.
fn test_cache_home() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("skiff-cli-cache-home")
}

fn output(command: &mut Command) -> Output {
    let out = command.output().expect("failed to run skiff");
    Output {
        code: out.status.code().expect("skiff was killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `skiff run FIXTURE ARGS...`
fn run(file: &str, args: &[&str]) -> Output {
    let path = fixture(file);
    let mut all = vec!["run", &path];
    all.extend_from_slice(args);
    skiff(&all)
}

#[track_caller]
fn assert_ok(out: &Output, stdout: &str) {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert_eq!(out.stdout, stdout);
    assert_eq!(out.stderr, "");
}

/// An error that is not a trap: exit code 1, `Error: ` and `needle` on stderr, nothing on stdout.
#[track_caller]
fn assert_error(out: &Output, needle: &str) {
    assert_eq!(out.code, 1, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    assert!(out.stderr.starts_with("Error: "), "stderr: {}", out.stderr);
    assert!(out.stderr.contains(needle), "expected {needle:?} in stderr: {}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(!out.stderr.contains("panicked"), "stderr: {}", out.stderr);
}

#[track_caller]
fn assert_trap(out: &Output, needle: &str) {
    assert_eq!(out.code, TRAP_EXIT_CODE, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    assert!(out.stderr.starts_with("Error: "), "stderr: {}", out.stderr);
    assert!(out.stderr.contains(needle), "expected {needle:?} in stderr: {}", out.stderr);
    assert!(out.stderr.contains("wasm backtrace"), "stderr: {}", out.stderr);
}

#[test]
fn invoke_integers() {
    assert_ok(&run("add.wat", &["--invoke", "add", "2", "3"]), "5\n");
    assert_ok(&run("add.wat", &["--invoke", "add", "-5", "0x10"]), "11\n");
    // Unsigned spellings wrap to the signed result.
    assert_ok(&run("add.wat", &["--invoke", "add", "0xffffffff", "0"]), "-1\n");
    assert_ok(&run("add.wat", &["--invoke", "add", "2147483647", "1"]), "-2147483648\n");
    assert_ok(&run("add.wat", &["--invoke", "add_i64", "9223372036854775807", "-0x7fffffffffffffff"]), "0\n");
    assert_ok(&run("add.wat", &["--invoke", "add_i64", "4294967296", "1"]), "4294967297\n");
}

#[test]
fn invoke_floats() {
    assert_ok(&run("add.wat", &["--invoke", "add_f32", "1.5", "0.25"]), "1.75\n");
    assert_ok(&run("add.wat", &["--invoke", "add_f32", "1", "-inf"]), "-inf\n");
    assert_ok(&run("add.wat", &["--invoke", "add_f64", "0.1", "0.2"]), "0.30000000000000004\n");
    assert_ok(&run("add.wat", &["--invoke", "add_f64", "nan", "1"]), "NaN\n");
    assert_ok(&run("add.wat", &["--invoke", "add_f64", "inf", "-1e300"]), "inf\n");
}

#[test]
fn options_after_the_file_and_dash_dash() {
    assert_ok(&run("add.wat", &["--invoke", "add", "-5", "7"]), "2\n");
    assert_ok(&run("add.wat", &["--invoke", "add_f64", "-inf", "-nan"]), "NaN\n");
    // Everything from the first argument on is an argument, as in `wasmtime run`.
    assert_error(&run("add.wat", &["-5", "--invoke", "add", "7"]), "options must come before the module");
    assert_ok(&run("add.wat", &["--invoke", "add", "--", "-1", "-2"]), "-3\n");
}

#[test]
fn multi_value_and_no_results() {
    assert_ok(&run("add.wat", &["--invoke", "swap", "1", "-2", "3.5"]), "3.5\n-2\n1\n");
    assert_ok(&run("add.wat", &["--invoke", "nothing"]), "");
}

#[test]
fn references() {
    assert_ok(&run("add.wat", &["--invoke", "is_null", "null", "null"]), "1\n1\n");
    assert_ok(&run("add.wat", &["--invoke", "self_ref"]), "ref.func\nnull\n");
    assert_error(&run("add.wat", &["--invoke", "is_null", "0", "null"]), "only `null`");
}

#[test]
fn start_export() {
    assert_ok(&run("start.wat", &[]), "");
    assert_error(&run("add.wat", &[]), "no `--invoke` given and the module has no `_start` export");
    // Arguments after the module are the program's (WASI `args_get`).
    assert_ok(&run("start.wat", &["1", "--flag"]), "");
}

#[test]
fn traps() {
    let out = run("trap.wat", &["--invoke", "call_unreachable"]);
    assert_trap(&out, "wasm trap: unreachable");
    assert!(out.stderr.contains("failed to invoke `call_unreachable`"), "{}", out.stderr);
    // Innermost frame first, named from the name section.
    let inner = out.stderr.find("0: inner").expect(&out.stderr);
    let outer = out.stderr.find("1: outer").expect(&out.stderr);
    assert!(inner < outer);

    assert_trap(&run("trap.wat", &["--invoke", "div", "1", "0"]), "integer divide by zero");
    assert_trap(&run("trap.wat", &["--invoke", "div", "-2147483648", "-1"]), "integer overflow");
    assert_ok(&run("trap.wat", &["--invoke", "div", "7", "-2"]), "-3\n");
    // A trap in the start function, during instantiation.
    assert_trap(&run("start_trap.wat", &[]), "unreachable");
}

#[test]
fn exceptions() {
    for strategy in ["strategy=interpreter", "strategy=cranelift"] {
        let run_exn = |args: &[&str]| {
            let path = fixture("exception.wat");
            skiff(&[&["run", "-W", "exceptions", "-C", strategy][..], &[path.as_str()], args].concat())
        };
        assert_ok(&run_exn(&["--invoke", "find", "4"]), "8\n");
        assert_ok(&run_exn(&["--invoke", "find_or", "4"]), "8\n");
        assert_ok(&run_exn(&["--invoke", "find_or", "12"]), "-1\n");
        // Uncaught: exits as a trap does, naming the tag and the payload.
        let out = run_exn(&["--invoke", "find", "12"]);
        assert_trap(&out, "uncaught exception of tag 0 of module `exc`, payload (i32 12, i64 -1)");
        let inner = out.stderr.find("0: exc!lookup").expect(&out.stderr);
        let outer = out.stderr.find("1: exc!find").expect(&out.stderr);
        assert!(inner < outer, "{strategy}");
    }
}

#[test]
fn stack_exhaustion() {
    let out = run("trap.wat", &["--invoke", "recurse", "0"]);
    assert_trap(&out, "call stack exhausted");
    // The backtrace of 100,000 frames is shortened.
    assert!(out.stderr.contains("frames elided"), "{}", out.stderr);
    assert!(out.stderr.lines().count() < 50, "{}", out.stderr);
}

#[test]
fn fuel() {
    assert_trap(&run("trap.wat", &["-W", "fuel=1000", "--invoke", "spin"]), "all fuel consumed");
    assert_ok(&run("add.wat", &["-W", "fuel=1000", "--invoke", "add", "1", "2"]), "3\n");
    assert_error(
        &run("add.wat", &["-W", "fuel=lots", "--invoke", "add", "1", "2"]),
        "invalid value `lots` for -W fuel",
    );
    assert_error(&run("add.wat", &["-W", "fuel", "--invoke", "add", "1", "2"]), "-W fuel needs a value");
}

/// `-C strategy=cranelift`: the same answers and traps, compiled.
#[test]
fn compiled_strategy() {
    let compiled = ["-C", "strategy=cranelift"];
    let run_compiled = |file: &str, args: &[&str]| {
        let path = fixture(file);
        skiff(&[&["run"][..], &compiled, &[path.as_str()], args].concat())
    };
    assert_ok(&run_compiled("add.wat", &["--invoke", "add", "1", "2"]), "3\n");
    assert_ok(&run_compiled("trap.wat", &["--invoke", "div", "7", "-2"]), "-3\n");
    let out = run_compiled("trap.wat", &["--invoke", "call_unreachable"]);
    assert_trap(&out, "wasm trap: unreachable");
    let inner = out.stderr.find("0: inner").expect(&out.stderr);
    let outer = out.stderr.find("1: outer").expect(&out.stderr);
    assert!(inner < outer);
    assert_trap(&run_compiled("trap.wat", &["--invoke", "div", "1", "0"]), "integer divide by zero");
    let out = run_compiled("trap.wat", &["--invoke", "recurse", "0"]);
    assert_trap(&out, "call stack exhausted");
    assert!(out.stderr.lines().count() < 50, "{}", out.stderr);
    assert_trap(&run_compiled("trap.wat", &["-W", "fuel=1000", "--invoke", "spin"]), "all fuel consumed");
    assert_trap(&run_compiled("trap.wat", &["-W", "timeout=100ms", "--invoke", "spin"]), "interrupt");
    assert_error(&run("add.wat", &["-C", "strategy=jit", "--invoke", "add", "1", "2"]), "unknown strategy `jit`");
    let wast = skiff(&["wast", "-C", "strategy=cranelift", &fixture("pass.wast")]);
    assert_eq!(wast.code, 0, "{}{}", wast.stdout, wast.stderr);
}

#[test]
fn unknown_w_option() {
    assert_error(&run("add.wat", &["-W", "turbo=y", "--invoke", "add", "1", "2"]), "unknown -W option `turbo`");
    assert_error(&run("add.wat", &["-W", "simd=maybe", "--invoke", "add", "1", "2"]), "invalid value `maybe`");
}

#[test]
fn missing_file() {
    assert_error(&run("does-not-exist.wasm", &[]), "failed to read");
    assert_error(&run("does-not-exist.wasm", &[]), "does-not-exist.wasm");
}

#[test]
fn not_wasm() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let garbage = dir.join("garbage.wasm");
    std::fs::write(&garbage, b"\xff\xfe\x00\x13garbage\x80\x81").unwrap();
    let out = skiff(&["run", &path_str(&garbage)]);
    assert_error(&out, "not a WebAssembly module");

    let truncated = dir.join("truncated.wasm");
    std::fs::write(&truncated, b"\0asm\x01\0\0\0\x01").unwrap();
    assert_error(&skiff(&["run", &path_str(&truncated)]), "failed to compile");

    let text = dir.join("text.wat");
    std::fs::write(&text, "this is not a module").unwrap();
    assert_error(&skiff(&["run", &path_str(&text)]), "text.wat:1:1");
}

#[test]
fn invalid_module() {
    assert_error(&run("invalid.wat", &[]), "type mismatch");
}

#[test]
fn simd_runs() {
    let out =
        run("simd.wat", &["--invoke", "add", "0x00000004000000030000000200000001", "0x10000000100000001000000010"]);
    assert_ok(&out, "0x00000014000000130000001200000011\n");
    assert_ok(&run("simd.wat", &["--invoke", "sum", "0x00000004000000030000000200000001"]), "5\n");
    assert_error(&run("simd.wat", &["--invoke", "sum", "0x1_00000000_00000000_00000000_00000000"]), "out of range");
    assert_error(&run("simd.wat", &["-W", "simd=n", "--invoke", "sum", "1"]), "SIMD support is not enabled");
}

/// `fixtures/simd/simd_tour.wasm` is C using every SIMD-128 instruction (zig cc -msimd128);
/// `simd_tour.out` is what the same source prints built natively, through a portable C
/// implementation of the intrinsics (see `fixtures/simd/build.sh`).
#[test]
fn simd_c_program_matches_native_output() {
    let expected = std::fs::read_to_string(fixture("simd/simd_tour.out")).expect("simd_tour.out");
    for mode in ["lazy-translation", "eager"] {
        let out = run("simd/simd_tour.wasm", &["-C", &format!("compilation-mode={mode}")]);
        assert_eq!(out.code, 0, "{mode}: stderr: {}", out.stderr);
        assert_eq!(out.stderr, "", "{mode}");
        // The first differing line says which operation is wrong; the whole 430-line
        // transcripts would bury it.
        let got: Vec<&str> = out.stdout.lines().collect();
        for (i, want) in expected.lines().enumerate() {
            assert_eq!(got.get(i).copied(), Some(want), "{mode}: line {} of simd_tour.out", i + 1);
        }
        assert_eq!(out.stdout, expected, "{mode}: output continues past simd_tour.out");
    }
}

#[test]
fn missing_or_wrong_export() {
    let out = run("add.wat", &["--invoke", "sub", "1", "2"]);
    assert_error(&out, "no export named `sub`");
    assert!(out.stderr.contains("`add`"), "{}", out.stderr);
    assert_error(&run("add.wat", &["--invoke", "memory"]), "export `memory` is not a function (it is a memory)");
    assert_error(&run("add.wat", &["--invoke", "answer"]), "export `answer` is not a function (it is a global)");
}

#[test]
fn missing_import() {
    assert_error(&run("import.wat", &["--invoke", "main"]), "unknown import: `env::log` has not been defined");
}

#[test]
fn wrong_argument_count() {
    assert_error(
        &run("add.wat", &["--invoke", "add", "1"]),
        "function `add` takes 2 arguments (i32, i32), but 1 was given",
    );
    assert_error(&run("add.wat", &["--invoke", "add", "1", "2", "3"]), "but 3 were given");
}

#[test]
fn unparsable_arguments() {
    assert_error(
        &run("add.wat", &["--invoke", "add", "1", "two"]),
        "invalid argument 2 of `add`: `two` is not a valid i32",
    );
    assert_error(&run("add.wat", &["--invoke", "add", "1.5", "2"]), "`1.5` is not a valid i32");
    assert_error(&run("add.wat", &["--invoke", "add", "4294967296", "2"]), "out of range");
    assert_error(&run("add.wat", &["--invoke", "add_i64", "0x", "2"]), "`0x` is not a valid i64");
    assert_error(&run("add.wat", &["--invoke", "add_f64", "1", "one"]), "`one` is not a valid f64");
}

#[test]
fn fib_example() {
    let fib = path_str(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/fib.wat"));
    assert_ok(&skiff(&["run", &fib, "--invoke", "fib", "0"]), "0\n");
    assert_ok(&skiff(&["run", &fib, "--invoke", "fib", "1"]), "1\n");
    let out = skiff(&["run", &fib, "--invoke", "fib", "20"]);
    assert_ok(&out, "6765\n");
    let out = skiff(&["run", &fib, "--invoke", "fib_iter", "90"]);
    assert_ok(&out, "2880067194370816120\n");
}

#[test]
fn wast_passing() {
    let out = skiff(&["wast", &fixture("pass.wast")]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("pass.wast: 5 passed, 0 failed\n"), "{}", out.stdout);
    assert!(out.stdout.ends_with("spec: 5 passed, 0 failed\n"), "{}", out.stdout);
}

#[test]
fn wast_failing() {
    let out = skiff(&["wast", &fixture("pass.wast"), &fixture("fail.wast")]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("fail.wast: 2 passed, 2 failed\n"), "{}", out.stdout);
    // Failures are listed, indented, with their line numbers.
    assert!(out.stdout.contains("\n  ") && out.stdout.contains("fail.wast:6:"), "{}", out.stdout);
    assert!(out.stdout.ends_with("spec: 7 passed, 2 failed\n"), "{}", out.stdout);
}

#[test]
fn wast_features() {
    let file = fixture("multi_memory.wast");
    let with = |args: &[&str]| {
        let mut all = vec!["wast"];
        all.extend_from_slice(args);
        all.push(&file);
        skiff(&all)
    };
    assert_eq!(with(&[]).code, 0, "multi-memory is on by default, as in `skiff run`");
    assert_eq!(with(&["-W", "multi-memory=n"]).code, 1);
    assert_eq!(with(&["--spec", "2"]).code, 1, "multi-memory is not in Wasm 2.0");
    assert_eq!(with(&["--spec", "3"]).code, 0);
    assert_eq!(with(&["--spec", "2", "-W", "multi-memory"]).code, 0);
    assert_eq!(with(&["--spec", "2", "-W", "multi-memory=y"]).code, 0);
    assert_eq!(with(&["--spec", "3", "-W", "multi-memory=n"]).code, 1);
    assert_eq!(with(&["--spec", "1", "-W", "multi-memory=true,bulk-memory=false"]).code, 0);
    let out = with(&["-W", "mystery-feature"]);
    assert_error(&out, "unknown -W feature `mystery-feature`");
}

#[test]
fn run_enables_the_implemented_wasm3_features() {
    assert_ok(&run("tail_call.wat", &["--invoke", "from_start", "1000000"]), "1000042\n");
    let out = run("tail_call.wat", &["-W", "tail-call=n", "--invoke", "from_start", "1"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
}

#[test]
fn wast_tail_calls() {
    let file = fixture("tail_call.wast");
    let with = |args: &[&str]| {
        let mut all = vec!["wast"];
        all.extend_from_slice(args);
        all.push(&file);
        skiff(&all)
    };
    let out = with(&[]);
    assert_eq!(out.code, 0, "tail calls are on by default, as in `skiff run`: {}", out.stdout);
    assert!(out.stdout.ends_with("spec: 3 passed, 0 failed\n"), "{}", out.stdout);
    assert_eq!(with(&["--spec", "2"]).code, 1, "tail calls are not in Wasm 2.0");
    let out = with(&["--spec", "3"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.ends_with("spec: 3 passed, 0 failed\n"), "{}", out.stdout);
    assert_eq!(with(&["--spec", "2", "-W", "tail-call"]).code, 0);
    assert_eq!(with(&["-W", "tail-call=n"]).code, 1);
    assert_eq!(with(&["--spec", "3", "-W", "tail-call=n"]).code, 1);
}

#[test]
fn wast_unreadable_scripts() {
    let out = skiff(&["wast", &fixture("bad_syntax.wast"), &fixture("no-such.wast"), &fixture("pass.wast")]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("bad_syntax.wast:3"), "{}", out.stderr);
    assert!(out.stderr.contains("failed to read"), "{}", out.stderr);
    assert!(out.stdout.ends_with("spec: 5 passed, 0 failed\n"), "{}", out.stdout);
}

#[test]
fn help_and_version() {
    let out = skiff(&["--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("run") && out.stdout.contains("wast"), "{}", out.stdout);
    let out = skiff(&["run", "--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("--invoke") && out.stdout.contains("fuel=N"), "{}", out.stdout);
    let out = skiff(&["wast", "--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("--spec") && !out.stdout.contains("[default:"), "{}", out.stdout);
    assert!(out.stdout.contains("Without it, the features `skiff run` enables"), "{}", out.stdout);
    let out = skiff(&["--version"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, format!("skiff {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn compilation_modes() {
    for mode in ["eager", "lazy-translation", "lazy"] {
        let flag = format!("compilation-mode={mode}");
        assert_ok(&run("add.wat", &["-C", &flag, "--invoke", "add", "1", "2"]), "3\n");
    }
    for mode in ["eager", "lazy-translation"] {
        let flag = format!("compilation-mode={mode}");
        assert_error(&run("invalid.wat", &["-C", &flag]), "type mismatch");
        let unsupported = run("wide_arithmetic.wat", &["-C", &flag, "-W", "wide-arithmetic", "--invoke", "f"]);
        assert_error(&unsupported, "the `I64Add128` instruction is not supported yet");
    }
    for mode in ["eager", "lazy-translation", "lazy"] {
        let flag = format!("compilation-mode={mode}");
        let out = run("simd_second_memory.wat", &["-C", &flag, "--invoke", "f"]);
        assert_ok(&out, "0x100f0e0d0c0b0a090807060504030201\n");
    }
    assert_error(&run("add.wat", &["-C", "compilation-mode=sloppy"]), "unknown compilation mode `sloppy`");
    assert_error(&run("add.wat", &["-C", "turbo=y"]), "unknown -C option `turbo`");
}

#[test]
fn precompiled_modules() {
    let dir = std::env::temp_dir().join(format!("skiff-cli-precompiled-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cwasm = dir.join("trap.cwasm");
    let cwasm = cwasm.to_str().unwrap();
    let out = skiff(&["compile", &fixture("trap.wat"), "-o", cwasm]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Machine code runs only when asked for.
    assert_error(&skiff(&["run", cwasm, "--invoke", "div", "7", "2"]), "--allow-precompiled");
    assert_ok(&skiff(&["run", "--allow-precompiled", cwasm, "--invoke", "div", "7", "2"]), "3\n");
    let out = skiff(&["run", "--allow-precompiled", cwasm, "--invoke", "div", "1", "0"]);
    assert_trap(&out, "integer divide by zero");
    // Other settings than it was compiled with: refused, saying which.
    let out = skiff(&["run", "--allow-precompiled", "-W", "fuel=1000", cwasm, "--invoke", "spin"]);
    assert_error(&out, "fuel metering");
    let metered = dir.join("metered.cwasm");
    let metered = metered.to_str().unwrap();
    assert_eq!(skiff(&["compile", "-W", "fuel=1", &fixture("trap.wat"), "-o", metered]).code, 0);
    let out = skiff(&["run", "--allow-precompiled", "-W", "fuel=1000", metered, "--invoke", "spin"]);
    assert_trap(&out, "all fuel consumed");
    // Damaged: refused, never run.
    let bytes = std::fs::read(cwasm).unwrap();
    std::fs::write(cwasm, &bytes[..bytes.len() / 2]).unwrap();
    assert_error(&skiff(&["run", "--allow-precompiled", cwasm, "--invoke", "div", "7", "2"]), "truncated");
    assert_error(&skiff(&["compile", "-C", "strategy=interpreter", &fixture("trap.wat"), "-o", cwasm]), "Cranelift");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A compile that would not fit in the memory left is refused with an
/// error naming the function, instead of aborting when an allocation fails.
#[test]
fn compiling_without_enough_memory_is_an_error() {
    // One function of 7.5 MB (wasmparser's limit is 7.65 MB): an estimated
    // 1.9 GB to compile, under an address-space limit of 1 GB.
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                return out.push(byte);
            }
            out.push(byte | 0x80);
        }
    }
    let mut body = vec![0]; // no locals
    for _ in 0..2_500_000 {
        body.extend_from_slice(&[0x41, 0x01, 0x1a]); // i32.const 1, drop
    }
    body.push(0x0b);
    let mut code = vec![1];
    leb(body.len(), &mut code);
    code.extend_from_slice(&body);
    let mut module = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x0a".to_vec();
    leb(code.len(), &mut module);
    module.extend_from_slice(&code);
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("big.wasm");
    std::fs::write(&wasm, module).unwrap();
    let script = format!(
        "ulimit -v 1000000 && exec '{}' compile '{}' -o '{}'",
        env!("CARGO_BIN_EXE_skiff"),
        path_str(&wasm),
        path_str(&dir.path().join("big.cwasm"))
    );
    assert_error(&output(Command::new("sh").args(["-c", &script])), "not enough memory to compile function 0");
}

/// `-C strategy=auto`: tiered, with the same answers and traps; `-D
/// tier-log` is accepted, other `-D` options are refused.
#[test]
fn tiered_strategy() {
    let auto = ["-C", "strategy=auto,tier-up-threshold=0", "-D", "tier-log"];
    let run_auto = |args: &[&str]| {
        let path = fixture("trap.wat");
        skiff(&[&["run"][..], &auto, &[path.as_str()], args].concat())
    };
    for _ in 0..3 {
        let out = run_auto(&["--invoke", "div", "7", "-2"]);
        assert_eq!((out.code, out.stdout.as_str()), (0, "-3\n"), "{}", out.stderr);
    }
    let trap = fixture("trap.wat");
    assert_trap(
        &skiff(&["run", "-C", "strategy=auto,tier-up-threshold=0", &trap, "--invoke", "div", "1", "0"]),
        "integer divide by zero",
    );
    assert_error(&run("add.wat", &["-D", "verbose"]), "unknown -D option `verbose`");
    assert_error(&run("add.wat", &["-C", "tier-up-threshold=lots"]), "takes a number of operators");
}

#[test]
fn perf_map_names_compiled_functions() {
    let trap = fixture("trap.wat");
    let args = ["run", "--profile=perfmap", "-C", "strategy=cranelift", &trap, "--invoke", "div", "7", "2"];
    let child =
        Command::new(env!("CARGO_BIN_EXE_skiff")).args(args).stdout(std::process::Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "3\n");
    let path = format!("/tmp/perf-{pid}.map");
    let map = std::fs::read_to_string(&path).expect("the perf map");
    let _ = std::fs::remove_file(&path);
    let line = map.lines().find(|l| l.ends_with("::recurse")).unwrap_or_else(|| panic!("{map}"));
    let fields: Vec<&str> = line.splitn(3, ' ').collect();
    assert!(
        usize::from_str_radix(fields[0], 16).is_ok() && usize::from_str_radix(fields[1], 16).unwrap() > 0,
        "{line}"
    );
    assert_error(&skiff(&["run", "--profile=vtune", &fixture("trap.wat")]), "unknown profiler `vtune`");
}

/// `-C cache`: compiled code is kept on disk (by default, in
/// `$XDG_CACHE_HOME/skiff`), a damaged entry is replaced with a warning,
/// and a cache that cannot be made costs only the cache.
#[test]
fn compiled_code_is_cached() {
    let dir = std::env::temp_dir().join(format!("skiff-cli-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_flag = format!("cache-dir={}", dir.display());
    let trap = fixture("trap.wat");
    let cached = |extra: &[&str]| {
        let args =
            [&["run", "-C", "strategy=cranelift", "-C", &dir_flag][..], extra, &[&trap, "--invoke", "div", "7", "2"]];
        skiff(&args.concat())
    };
    assert_ok(&cached(&[]), "3\n");
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].to_string_lossy().ends_with(".module"), "{entries:?}");
    assert_ok(&cached(&[]), "3\n");
    // Damaged: refused, compiled again and replaced.
    let good = std::fs::read(&entries[0]).unwrap();
    std::fs::write(&entries[0], &good[..good.len() - 7]).unwrap();
    let out = cached(&[]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "3\n"), "{}", out.stderr);
    assert!(
        out.stderr.contains("warning: ignoring the cache entry") && out.stderr.contains("truncated"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&entries[0]).unwrap(), good);
    // `cache=n` wins over a directory; an unusable directory is a warning.
    let _ = std::fs::remove_dir_all(&dir);
    assert_ok(&cached(&["-C", "cache=n"]), "3\n");
    assert!(!dir.exists());
    let out =
        skiff(&["run", "-C", "strategy=cranelift,cache-dir=/proc/skiff-cannot", &trap, "--invoke", "div", "7", "2"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "3\n"), "{}", out.stderr);
    assert!(out.stderr.contains("will not be cached"), "{}", out.stderr);
    assert_error(&run("add.wat", &["-C", "cache=maybe"]), "cache");
    // By default `run` caches in $XDG_CACHE_HOME/skiff (here one of this
    // test's own: the other tests share theirs).
    let args = ["run", "-C", "strategy=cranelift", &trap, "--invoke", "div", "7", "2"];
    assert_ok(&output(Command::new(env!("CARGO_BIN_EXE_skiff")).args(args).env("XDG_CACHE_HOME", &dir)), "3\n");
    assert_eq!(std::fs::read_dir(dir.join("skiff")).map(|d| d.count()).unwrap_or(0), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
