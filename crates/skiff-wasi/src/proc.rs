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

/// No signal is delivered: a guest that could end itself "by a signal"
/// would exit with a signal's status (134 for `SIGABRT`, 137 for
/// `SIGKILL`) and pass for a trap or a crash of the runtime. Every signal
/// is `ENOTSUP`, as in Wasmtime; a number that names no signal is `EINVAL`.
pub fn proc_raise(_: &mut WasiCtx, _: &mut GuestMemory<'_>, signal: u32) -> Result<()> {
    // `signal` in witx: 0 (`none`) to 30 (`sys`).
    if signal > 30 {
        return Err(Errno::Inval.into());
    }
    Err(Errno::NotSup.into())
}

pub fn sched_yield(_: &mut WasiCtx, _: &mut GuestMemory<'_>) -> Result<()> {
    std::thread::yield_now();
    Ok(())
}
