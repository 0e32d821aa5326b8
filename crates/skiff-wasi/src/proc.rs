//! Arguments, environment, clocks, randomness and the process: the WASI
//! calls that touch no descriptor.

use crate::abi::{Errno, clockid};
use crate::ctx::WasiCtx;
use crate::error::{Error, Result};
use crate::memory::GuestMemory;
use std::fmt;

/// The guest called `proc_exit(code)`: the embedder should end it with that
/// status. Same name and meaning as Wasmtime's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl fmt::Display for I32Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exited with i32 exit status {}", self.0)
    }
}

impl std::error::Error for I32Exit {}

/// The guest called `proc_raise` with a signal whose default action ends a
/// process; the embedder should end it as if killed by that signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalRaised {
    /// The WASI signal number (1 = `SIGHUP` … 30 = `SIGSYS`).
    pub signal: u8,
}

impl SignalRaised {
    /// The signal's name, e.g. `SIGTERM`.
    pub fn name(&self) -> &'static str {
        SIGNALS[self.signal as usize].0
    }

    /// The signal's number on Linux, for an exit status of 128 + n.
    pub fn host_number(&self) -> i32 {
        SIGNALS[self.signal as usize].1
    }
}

impl fmt::Display for SignalRaised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the guest raised {}, which ends it", self.name())
    }
}

impl std::error::Error for SignalRaised {}

/// WASI signals in number order: name, Linux number, and whether the default
/// action ends the process (the others are ignored by default).
const SIGNALS: [(&str, i32, bool); 31] = [
    ("none", 0, false),
    ("SIGHUP", 1, true),
    ("SIGINT", 2, true),
    ("SIGQUIT", 3, true),
    ("SIGILL", 4, true),
    ("SIGTRAP", 5, true),
    ("SIGABRT", 6, true),
    ("SIGBUS", 7, true),
    ("SIGFPE", 8, true),
    ("SIGKILL", 9, true),
    ("SIGUSR1", 10, true),
    ("SIGSEGV", 11, true),
    ("SIGUSR2", 12, true),
    ("SIGPIPE", 13, true),
    ("SIGALRM", 14, true),
    ("SIGTERM", 15, true),
    ("SIGCHLD", 17, false),
    ("SIGCONT", 18, false),
    ("SIGSTOP", 19, true),
    ("SIGTSTP", 20, true),
    ("SIGTTIN", 21, true),
    ("SIGTTOU", 22, true),
    ("SIGURG", 23, false),
    ("SIGXCPU", 24, true),
    ("SIGXFSZ", 25, true),
    ("SIGVTALRM", 26, true),
    ("SIGPROF", 27, true),
    ("SIGWINCH", 28, false),
    ("SIGPOLL", 29, true),
    ("SIGPWR", 30, true),
    ("SIGSYS", 31, true),
];

/// Writes a list of NUL-terminated strings: pointers at `ptrs`, bytes at `buf`.
fn write_strings(mem: &mut GuestMemory<'_>, list: &[Vec<u8>], ptrs: u32, buf: u32) -> Result<()> {
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        mem.write_u32(ptrs.checked_add(4 * i as u32).ok_or(Errno::Fault)?, at)?;
        mem.write_bytes(at, s)?;
        let nul = at.checked_add(s.len() as u32).ok_or(Errno::Fault)?;
        mem.write_u8(nul, 0)?;
        at = nul + 1;
    }
    Ok(())
}

fn write_sizes(mem: &mut GuestMemory<'_>, list: &[Vec<u8>], count: u32, size: u32) -> Result<()> {
    let bytes: usize = list.iter().map(|s| s.len() + 1).sum();
    mem.write_u32(count, list.len() as u32)?;
    mem.write_u32(size, u32::try_from(bytes).map_err(|_| Errno::Overflow)?)?;
    Ok(())
}

pub fn args_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, argv: u32, argv_buf: u32) -> Result<()> {
    write_strings(mem, &ctx.args, argv, argv_buf)
}

pub fn args_sizes_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, argc: u32, argv_buf_size: u32) -> Result<()> {
    write_sizes(mem, &ctx.args, argc, argv_buf_size)
}

pub fn environ_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, environ: u32, environ_buf: u32) -> Result<()> {
    write_strings(mem, &ctx.env, environ, environ_buf)
}

pub fn environ_sizes_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, count: u32, buf_size: u32) -> Result<()> {
    write_sizes(mem, &ctx.env, count, buf_size)
}

fn host_clock(id: u32) -> Result<rustix::time::ClockId, Errno> {
    use rustix::time::ClockId;
    Ok(match id {
        clockid::REALTIME => ClockId::Realtime,
        clockid::MONOTONIC => ClockId::Monotonic,
        clockid::PROCESS_CPUTIME_ID => ClockId::ProcessCPUTime,
        clockid::THREAD_CPUTIME_ID => ClockId::ThreadCPUTime,
        _ => return Err(Errno::Inval),
    })
}

fn nanos(ts: rustix::time::Timespec) -> u64 {
    (ts.tv_sec as u64).wrapping_mul(1_000_000_000).wrapping_add(ts.tv_nsec as u64)
}

/// The current time of a WASI clock, in nanoseconds.
pub(crate) fn now(id: u32) -> Result<u64, Errno> {
    Ok(nanos(rustix::time::clock_gettime(host_clock(id)?)))
}

pub fn clock_res_get(_: &mut WasiCtx, mem: &mut GuestMemory<'_>, id: u32, resolution: u32) -> Result<()> {
    let res = nanos(rustix::time::clock_getres(host_clock(id)?)).max(1);
    mem.write_u64(resolution, res)?;
    Ok(())
}

pub fn clock_time_get(_: &mut WasiCtx, mem: &mut GuestMemory<'_>, id: u32, _precision: u64, time: u32) -> Result<()> {
    mem.write_u64(time, now(id)?)?;
    Ok(())
}

/// Fills guest memory straight from the host's CSPRNG.
pub fn random_get(_: &mut WasiCtx, mem: &mut GuestMemory<'_>, buf: u32, len: u32) -> Result<()> {
    let mut dest = mem.slice_mut(buf, len)?;
    while !dest.is_empty() {
        match rustix::rand::getrandom(&mut *dest, rustix::rand::GetRandomFlags::empty()) {
            Ok(n) => dest = &mut dest[n..],
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

pub fn proc_exit(_: &mut WasiCtx, _: &mut GuestMemory<'_>, code: u32) -> Result<()> {
    Err(Error::Unwind(I32Exit(code as i32).into()))
}

/// Signals whose default action is to end the process end the guest
/// ([`SignalRaised`]); those ignored by default are ignored.
pub fn proc_raise(_: &mut WasiCtx, _: &mut GuestMemory<'_>, signal: u32) -> Result<()> {
    let Some(&(_, _, terminates)) = SIGNALS.get(signal as usize).filter(|_| signal != 0) else {
        return Err(Errno::Inval.into());
    };
    if terminates {
        return Err(Error::Unwind(SignalRaised { signal: signal as u8 }.into()));
    }
    Ok(())
}

pub fn sched_yield(_: &mut WasiCtx, _: &mut GuestMemory<'_>) -> Result<()> {
    std::thread::yield_now();
    Ok(())
}
