//! Exercises the Rust standard library on wasm32-wasip1 the way ordinary
//! programs do, so the runtime is tested through std's own use of WASI rather
//! than hand-picked calls. Everything printed is deterministic.
//!
//! `std_tour fs` expects a preopen named /data holding, as laid out by the
//! harness: `input.txt`, `tree/a.txt`, `tree/b/c.txt`, `tree/b/d/`,
//! `tree/link -> a.txt`. `std_tour stdin` reads text from stdin.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("args: {args:?}");
    match args.get(1).map(String::as_str) {
        Some("fs") => {
            env();
            time();
            hashmap();
            files();
            walk_tree();
            errors();
        }
        Some("stdin") => stdin(),
        Some("exit") => {
            println!("exiting with {}", args[2]);
            io::stdout().flush().unwrap();
            std::process::exit(args[2].parse().unwrap());
        }
        _ => {
            eprintln!("usage: std_tour fs|stdin|exit N");
            std::process::exit(2);
        }
    }
    eprintln!("std_tour: done");
}

fn env() {
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    println!("env: {vars:?}");
    println!("GREETING: {:?}", std::env::var("GREETING"));
    println!("MISSING: {:?}", std::env::var("MISSING"));
}

fn time() {
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(20));
    let slept = start.elapsed();
    println!("sleep 20ms took at least 20ms: {}", slept >= Duration::from_millis(20));
    println!("and less than 5s: {}", slept < Duration::from_secs(5));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock before 1970");
    // 2020-01-01 and 2100-01-01.
    println!("system time in 2020..2100: {}", (1_577_836_800..4_102_444_800).contains(&now.as_secs()));
    let a = Instant::now();
    let b = Instant::now();
    println!("instants ordered: {}", b >= a);
}

fn hashmap() {
    // RandomState seeds itself through random_get.
    let mut squares = HashMap::new();
    for i in 0u64..1000 {
        squares.insert(i, i * i);
    }
    let sum: u64 = squares.values().sum();
    println!("hashmap: {} entries, sum of squares {sum}, 999 -> {:?}", squares.len(), squares.get(&999));
    let a = std::collections::hash_map::RandomState::new();
    let b = std::collections::hash_map::RandomState::new();
    use std::hash::BuildHasher;
    // Two states hash the same key differently unless seeding is broken.
    println!("random seeds differ: {}", a.hash_one(12345u64) != b.hash_one(12345u64));
}

fn files() {
    let input = fs::read_to_string("/data/input.txt").expect("read input.txt");
    println!("input.txt: {input:?}");

    fs::create_dir_all("/data/out/nested/deeper").expect("create_dir_all");
    let path = "/data/out/nested/notes.txt";
    fs::write(path, "first line\n").expect("write");
    let mut f = fs::OpenOptions::new().append(true).open(path).expect("open for append");
    writeln!(f, "second line").unwrap();
    drop(f);
    println!("notes.txt: {:?}", fs::read_to_string(path).unwrap());

    let mut f = fs::OpenOptions::new().read(true).write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(6)).unwrap();
    f.write_all(b"LINE").unwrap();
    f.seek(SeekFrom::End(-5)).unwrap();
    let mut tail = String::new();
    f.read_to_string(&mut tail).unwrap();
    println!("after overwrite, tail: {tail:?}, len {}", f.metadata().unwrap().len());
    f.set_len(5).unwrap();
    drop(f);
    println!("truncated: {:?}", fs::read_to_string(path).unwrap());

    let modified = fs::metadata(path).unwrap().modified().unwrap();
    let age = SystemTime::now().duration_since(modified).unwrap_or(Duration::ZERO);
    println!("modified within the last minute: {}", age < Duration::from_secs(60));

    fs::copy(path, "/data/out/copy.txt").expect("copy");
    fs::rename("/data/out/copy.txt", "/data/out/renamed.txt").expect("rename");
    fs::hard_link("/data/out/renamed.txt", "/data/out/hard.txt").expect("hard_link");
    println!(
        "hard link reads the same: {}",
        fs::read("/data/out/hard.txt").unwrap() == fs::read("/data/out/renamed.txt").unwrap()
    );
    // Creating symlinks is unstable in std on WASI; the harness made tree/link.
    println!("read through symlink: {:?}", fs::read_to_string("/data/tree/link").unwrap());
    println!("read_link: {:?}", fs::read_link("/data/tree/link").unwrap());
    println!(
        "symlink_metadata is symlink: {}, metadata is file: {}",
        fs::symlink_metadata("/data/tree/link").unwrap().file_type().is_symlink(),
        fs::metadata("/data/tree/link").unwrap().is_file()
    );
    fs::remove_file("/data/out/hard.txt").expect("remove_file");
    fs::remove_dir("/data/out/nested/deeper").expect("remove_dir");

    // A big file written and read back through buffered I/O.
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    fs::write("/data/out/big.bin", &big).unwrap();
    let back = fs::read("/data/out/big.bin").unwrap();
    println!("big.bin round trip: {} bytes, equal: {}", back.len(), back == big);
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("read_dir").map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap().display().to_string();
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            out.push(format!("{rel} -> {}", fs::read_link(&path).unwrap().display()));
        } else if kind.is_dir() {
            out.push(format!("{rel}/"));
            walk(&path, root, out);
        } else {
            out.push(format!("{rel} ({} bytes)", entry.metadata().unwrap().len()));
        }
    }
}

fn walk_tree() {
    let mut out = Vec::new();
    walk(Path::new("/data"), Path::new("/data"), &mut out);
    for line in out {
        println!("walk: {line}");
    }
}

fn errors() {
    let kind = |r: io::Result<()>| match r {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("{:?}", e.kind()),
    };
    println!("open missing: {}", kind(fs::File::open("/data/missing").map(drop)));
    println!("create_dir existing: {}", kind(fs::create_dir("/data/tree")));
    println!("remove_dir non-empty: {}", kind(fs::remove_dir("/data/tree")));
    println!("read_dir on a file: {}", kind(fs::read_dir("/data/input.txt").map(drop)));
    println!("open outside the preopen: {}", kind(fs::File::open("/etc/passwd").map(drop)));
    println!("open escaping with ..: {}", kind(fs::File::open("/data/../data/input.txt").map(drop)));
}

fn stdin() {
    let mut lines = Vec::new();
    for line in io::stdin().lock().lines() {
        lines.push(line.expect("stdin is UTF-8 text"));
    }
    println!("lines: {}", lines.len());
    let mut words: BTreeMap<String, usize> = BTreeMap::new();
    for word in lines.iter().flat_map(|l| l.split_whitespace()) {
        *words.entry(word.to_lowercase()).or_default() += 1;
    }
    for (word, count) in &words {
        println!("{word}: {count}");
    }
    for line in lines.iter().rev() {
        println!("reversed: {}", line.chars().rev().collect::<String>());
    }
}
