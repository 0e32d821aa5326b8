//! Whether the machine has the memory to compile a function.
//!
//! Rust aborts the process when an allocation fails, so a compile that
//! runs out of memory would take the host with it. Before compiling a
//! large function the compiler estimates what Cranelift will need and
//! compares it with the memory this process can still get: the address
//! space left under `RLIMIT_AS`, the room left in its memory cgroup (v2 or
//! v1, as mounted inside a container), and the kernel's `MemAvailable`.
//! A function that does not fit is an error naming it; the estimate is
//! generous, so a refused compile would most likely have died.

use anyhow::{Result, bail};

/// Peak bytes Cranelift needs per byte of function body: Yosys's functions
/// and straight-line stress bodies peak at 150–200 (register allocation's
/// live ranges dominate).
const PER_CODE_BYTE: u64 = 256;
/// Peak bytes per SSA value of a translated function: bodies dense in
/// block parameters peak at 28–40.
const PER_VALUE: u64 = 48;
/// Below this estimate no check is made: reading the limits costs a few
/// system calls, and every machine the tier runs on has this much.
const UNCHECKED: u64 = 64 << 20;

/// What compiling a body of `code_bytes` bytes, `values` SSA values once
/// translated (0 before), needs at most, by the measurements above.
pub(super) fn estimate(code_bytes: u64, values: u64) -> u64 {
    code_bytes.saturating_mul(PER_CODE_BYTE).max(values.saturating_mul(PER_VALUE))
}

/// Fails if `needed` bytes for compiling function `func_index` are more
/// than this process can still allocate.
pub(super) fn ensure(func_index: u32, needed: u64) -> Result<()> {
    if needed < UNCHECKED {
        return Ok(());
    }
    if let Some(available) = available()
        && needed > available
    {
        bail!(
            "not enough memory to compile function {func_index}: it needs about {} MiB and {} MiB are \
             available; run it with `Strategy::Interpreter`",
            needed >> 20,
            available >> 20
        );
    }
    Ok(())
}

/// The least of the limits that apply, if any can be read.
fn available() -> Option<u64> {
    [address_space_left(), cgroup_left(), mem_available()].into_iter().flatten().min()
}

fn address_space_left() -> Option<u64> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::As).current?;
    let used = status_kib("VmSize:")? * 1024;
    Some(limit.saturating_sub(used))
}

fn cgroup_left() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok()?.trim().parse::<u64>().ok();
    // cgroup v2 says `max` when unlimited (no number); v1 a huge number.
    let (limit, usage) = match read("/sys/fs/cgroup/memory.max") {
        Some(limit) => (limit, read("/sys/fs/cgroup/memory.current")?),
        None => {
            (read("/sys/fs/cgroup/memory/memory.limit_in_bytes")?, read("/sys/fs/cgroup/memory/memory.usage_in_bytes")?)
        }
    };
    (limit < 1 << 60).then(|| limit.saturating_sub(usage))
}

fn mem_available() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    Some(kib_field(&meminfo, "MemAvailable:")? * 1024)
}

fn status_kib(field: &str) -> Option<u64> {
    kib_field(&std::fs::read_to_string("/proc/self/status").ok()?, field)
}

/// The number of a `Name:   123 kB` line.
fn kib_field(text: &str, field: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kib_fields() {
        let text = "VmPeak:\t  123456 kB\nVmSize:\t    2048 kB\n";
        assert_eq!(kib_field(text, "VmSize:"), Some(2048));
        assert_eq!(kib_field(text, "VmRSS:"), None);
    }

    #[test]
    fn this_process_has_some_memory_left() {
        let available = available().expect("/proc/meminfo is readable on Linux");
        assert!(available > 0);
        assert!(ensure(0, 1 << 20).is_ok());
        let err = ensure(0, u64::MAX).unwrap_err().to_string();
        assert!(err.starts_with("not enough memory to compile function 0"), "{err}");
    }
}
