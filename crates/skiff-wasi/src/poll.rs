//! `poll_oneoff`: waits for clocks and descriptor readiness.

use crate::abi::{EVENT_FD_READWRITE_HANGUP, Errno, SUBSCRIPTION_CLOCK_ABSTIME, eventtype, layout};
use crate::ctx::{Desc, InputStream, WasiCtx};
use crate::error::Result;
use crate::memory::GuestMemory;
use rustix::event::{PollFd, PollFlags};
use std::os::fd::BorrowedFd;

enum Kind {
    /// Fires when the clock reaches `deadline` (in its own nanoseconds).
    Clock {
        clock: u32,
        deadline: u64,
    },
    Read(u32),
    Write(u32),
}

struct Subscription {
    userdata: u64,
    kind: Kind,
}

/// One event written back to the guest.
struct Event {
    userdata: u64,
    error: Errno,
    ty: u8,
    nbytes: u64,
    hangup: bool,
}

impl Event {
    fn write(&self, mem: &mut GuestMemory<'_>, ptr: u32) -> Result<()> {
        let mut bytes = [0u8; layout::EVENT_SIZE as usize];
        bytes[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        bytes[8..10].copy_from_slice(&(self.error as u16).to_le_bytes());
        bytes[10] = self.ty;
        bytes[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        let flags = if self.hangup { EVENT_FD_READWRITE_HANGUP } else { 0 };
        bytes[24..26].copy_from_slice(&flags.to_le_bytes());
        mem.write_bytes(ptr, &bytes)?;
        Ok(())
    }
}

fn read_subscription(mem: &GuestMemory<'_>, at: u32) -> Result<Subscription> {
    let userdata = mem.read_u64(at)?;
    let kind = match mem.read_u8(at + 8)? {
        eventtype::CLOCK => {
            let clock = mem.read_u32(at + 16)?;
            let timeout = mem.read_u64(at + 24)?;
            let flags = mem.read_u16(at + 40)?;
            let deadline = if flags & SUBSCRIPTION_CLOCK_ABSTIME != 0 {
                timeout
            } else {
                crate::proc::now(clock)?.saturating_add(timeout)
            };
            Kind::Clock { clock, deadline }
        }
        eventtype::FD_READ => Kind::Read(mem.read_u32(at + 16)?),
        eventtype::FD_WRITE => Kind::Write(mem.read_u32(at + 16)?),
        _ => return Err(Errno::Inval.into()),
    };
    Ok(Subscription { userdata, kind })
}

/// The `nbytes` of a readiness event: for reading, how many bytes can be
/// read without blocking, as best the host knows; for writing, which no
/// host call measures, 1 (at least one byte fits), as Wasmtime reports.
fn ready_bytes(ty: u8, desc: &Desc, fd: BorrowedFd<'_>) -> u64 {
    if ty == eventtype::FD_WRITE {
        return 1;
    }
    match desc {
        Desc::File(f) => {
            let size = rustix::fs::fstat(&f.file).map(|st| st.st_size as u64).unwrap_or(0);
            let pos = rustix::fs::seek(&f.file, rustix::fs::SeekFrom::Current(0)).unwrap_or(size);
            size.saturating_sub(pos)
        }
        _ => rustix::io::ioctl_fionread(fd).unwrap_or(0),
    }
}

/// Waits until at least one subscription fires, then reports every one that has.
///
/// Descriptors without a host fd (streams of host readers and writers, and
/// regular files, which never block) are ready at once. Otherwise the host's
/// `poll` waits, bounded by the earliest clock deadline and cut short by the
/// store's epoch deadline ([`crate::wait`]).
pub fn poll_oneoff(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    input: u32,
    output: u32,
    nsubs: u32,
    nevents: u32,
) -> Result<()> {
    if nsubs == 0 {
        return Err(Errno::Inval.into());
    }
    let size = nsubs.checked_mul(layout::SUBSCRIPTION_SIZE).ok_or(Errno::Fault)?;
    mem.slice(input, size)?;
    mem.slice(output, nsubs.checked_mul(layout::EVENT_SIZE).ok_or(Errno::Fault)?)?;
    let subs = (0..nsubs)
        .map(|i| read_subscription(mem, input + i * layout::SUBSCRIPTION_SIZE))
        .collect::<Result<Vec<_>>>()?;

    let deadline = ctx.deadline.take();
    let mut events = Vec::new();
    // Descriptors to wait on: (index in `subs`, poll entry).
    let mut waits: Vec<usize> = Vec::new();
    let mut fds: Vec<PollFd<'_>> = Vec::new();
    for (i, sub) in subs.iter().enumerate() {
        let (fd, flags, ty) = match sub.kind {
            Kind::Clock { .. } => continue,
            Kind::Read(fd) => (fd, PollFlags::IN, eventtype::FD_READ),
            Kind::Write(fd) => (fd, PollFlags::OUT, eventtype::FD_WRITE),
        };
        let fail = |error| Event { userdata: sub.userdata, error, ty, nbytes: 0, hangup: false };
        let Ok(entry) = ctx.entry(fd) else {
            events.push(fail(Errno::Badf));
            continue;
        };
        if entry.require(crate::abi::rights::POLL_FD_READWRITE).is_err() {
            events.push(fail(Errno::NotCapable));
            continue;
        }
        match (&entry.desc, entry.desc.host_fd()) {
            (Desc::File(_), Some(host)) => {
                let nbytes = ready_bytes(ty, &entry.desc, host);
                events.push(Event { userdata: sub.userdata, error: Errno::Success, ty, nbytes, hangup: false });
            }
            (Desc::Stdin(InputStream::Null), _) => {
                events.push(Event { userdata: sub.userdata, error: Errno::Success, ty, nbytes: 0, hangup: true })
            }
            (_, Some(host)) => {
                waits.push(i);
                fds.push(PollFd::from_borrowed_fd(host, flags));
            }
            (_, None) => {
                events.push(Event { userdata: sub.userdata, error: Errno::Success, ty, nbytes: 0, hangup: false })
            }
        }
    }

    if events.is_empty() {
        // Wait for a descriptor, or until the first deadline passes.
        let timeout = subs
            .iter()
            .filter_map(|s| match s.kind {
                Kind::Clock { clock, deadline } => {
                    Some(crate::proc::now(clock).map(|now| deadline.saturating_sub(now)))
                }
                _ => None,
            })
            .collect::<Result<Vec<_>, Errno>>()?
            .into_iter()
            .min();
        let timeout = timeout.map(std::time::Duration::from_nanos);
        if crate::wait::poll(&mut fds, timeout, deadline.as_ref())? > 0 {
            for (i, polled) in waits.iter().zip(&fds) {
                let revents = polled.revents();
                if revents.is_empty() {
                    continue;
                }
                let sub = &subs[*i];
                let (fd, ty) = match sub.kind {
                    Kind::Read(fd) => (fd, eventtype::FD_READ),
                    Kind::Write(fd) => (fd, eventtype::FD_WRITE),
                    Kind::Clock { .. } => unreachable!("only descriptors are polled"),
                };
                let error = if revents.contains(PollFlags::NVAL) { Errno::Badf } else { Errno::Success };
                let entry = ctx.entry(fd)?;
                let host = entry.desc.host_fd().expect("polled descriptors have host fds");
                let nbytes = ready_bytes(ty, &entry.desc, host);
                let hangup = revents.contains(PollFlags::HUP);
                events.push(Event { userdata: sub.userdata, error, ty, nbytes, hangup });
            }
        }
    }
    for sub in &subs {
        if let Kind::Clock { clock, deadline } = sub.kind
            && crate::proc::now(clock)? >= deadline
        {
            events.push(Event {
                userdata: sub.userdata,
                error: Errno::Success,
                ty: eventtype::CLOCK,
                nbytes: 0,
                hangup: false,
            });
        }
    }
    if events.is_empty() {
        // The wait ended at the earliest deadline, though the clock read
        // since may not show it passed yet: that clock fired.
        let first = subs.iter().filter_map(|s| match s.kind {
            Kind::Clock { deadline, .. } => Some((deadline, s.userdata)),
            _ => None,
        });
        if let Some((_, userdata)) = first.min() {
            events.push(Event { userdata, error: Errno::Success, ty: eventtype::CLOCK, nbytes: 0, hangup: false });
        }
    }
    for (i, event) in events.iter().enumerate() {
        event.write(mem, output + i as u32 * layout::EVENT_SIZE)?;
    }
    mem.write_u32(nevents, events.len() as u32)?;
    Ok(())
}
