//! `/tmp/perf-PID.map`: where Linux `perf` looks up the names of code it
//! found no symbols for (`ProfilingStrategy::PerfMap`). One line per piece
//! of code, `START SIZE NAME` with hexadecimal numbers, appended as code is
//! loaded; the file belongs to the process and lives on after it, as perf
//! expects.

use std::io::Write;
use std::sync::Mutex;

/// The open map, once something was written.
static MAP: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// Records each `(start, size, name)` of `entries`. Failing to write the
/// map is not an error of the program being profiled: it is reported once
/// on stderr and profiling goes on without names.
pub(super) fn record(entries: impl IntoIterator<Item = (usize, usize, String)>) {
    let mut map = MAP.lock().unwrap_or_else(|e| e.into_inner());
    if map.is_none() {
        let path = format!("/tmp/perf-{}.map", std::process::id());
        match std::fs::OpenOptions::new().create(true).append(true).open(&path) {
            Ok(file) => *map = Some(file),
            Err(e) => {
                eprintln!("skiff: cannot write the perf map `{path}`: {e}");
                return;
            }
        }
    }
    let Some(file) = map.as_mut() else { return };
    let mut text = String::new();
    for (start, size, name) in entries {
        // A name is one line: perf reads up to the newline.
        let name = name.replace(['\n', '\r'], " ");
        text.push_str(&format!("{start:x} {size:x} {name}\n"));
    }
    let _ = file.write_all(text.as_bytes());
}
