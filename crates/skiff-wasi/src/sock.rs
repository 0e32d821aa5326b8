//! The `sock_*` calls, on sockets the embedder granted (a listener) and the
//! connections accepted from them. WASI preview1 cannot create or connect
//! sockets of its own.

use crate::abi::{Errno, fdflags, riflags, rights, sdflags};
use crate::ctx::{Desc, Entry, WasiCtx};
use crate::error::Result;
use crate::memory::GuestMemory;
use std::net::TcpStream;
use std::os::fd::AsFd;

fn socket(ctx: &mut WasiCtx, fd: u32, needed: u64) -> Result<&TcpStream> {
    let entry = ctx.entry_with(fd, needed)?;
    match &entry.desc {
        Desc::Socket(s) => Ok(s),
        _ => Err(Errno::NotSock.into()),
    }
}

/// Accepts a connection on a granted listener; the new socket does not
/// block if `flags` has `NONBLOCK`. With `NONBLOCK`, or on a listener the
/// guest made non-blocking, a call with no connection waiting is `EAGAIN`
/// instead of a wait (guests poll first, then accept).
pub fn sock_accept(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, flags: u32, result_fd: u32) -> Result<()> {
    if flags & !(fdflags::NONBLOCK as u32) != 0 {
        return Err(Errno::Inval.into());
    }
    let nonblocking = flags & fdflags::NONBLOCK as u32 != 0;
    let deadline = ctx.deadline.take();
    let entry = ctx.entry_with(fd, rights::SOCK_ACCEPT)?;
    let Desc::Listener(listener) = &entry.desc else { return Err(Errno::NotSock.into()) };
    if nonblocking {
        let mut pending = [rustix::event::PollFd::new(listener, rustix::event::PollFlags::IN)];
        let zero = rustix::event::Timespec { tv_sec: 0, tv_nsec: 0 };
        if crate::fd::retry(|| rustix::event::poll(&mut pending, Some(&zero)))? == 0 {
            return Err(Errno::Again.into());
        }
    }
    let inherited = entry.rights_inheriting;
    crate::wait::until_ready(listener.as_fd(), rustix::event::PollFlags::IN, deadline.as_ref())?;
    let (stream, _) = listener.accept()?;
    stream.set_nonblocking(nonblocking)?;
    let new_fd = ctx.insert(Entry::new(Desc::Socket(stream), rights::SOCKET & inherited, 0))?;
    mem.write_u32(result_fd, new_fd)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)] // the WASI signature
pub fn sock_recv(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    ri_flags: u32,
    ro_datalen: u32,
    ro_flags: u32,
) -> Result<()> {
    use rustix::net::{RecvAncillaryBuffer, RecvFlags};
    if ri_flags & !((riflags::RECV_PEEK | riflags::RECV_WAITALL) as u32) != 0 {
        return Err(Errno::Inval.into());
    }
    let mut flags = RecvFlags::empty();
    if ri_flags & riflags::RECV_PEEK as u32 != 0 {
        flags |= RecvFlags::PEEK;
    }
    if ri_flags & riflags::RECV_WAITALL as u32 != 0 {
        flags |= RecvFlags::WAITALL;
    }
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let deadline = ctx.deadline.take();
    let socket = socket(ctx, fd, rights::FD_READ)?;
    crate::wait::until_ready(socket.as_fd(), rustix::event::PollFlags::IN, deadline.as_ref())?;
    let mut bufs = mem.io_slices_mut(&iovs);
    let received =
        crate::fd::retry(|| rustix::net::recvmsg(socket, &mut bufs, &mut RecvAncillaryBuffer::default(), flags))?;
    drop(bufs);
    mem.write_u32(ro_datalen, received.bytes as u32)?;
    // No ancillary data is asked for, so no `RECV_DATA_TRUNCATED` can arise.
    mem.write_u16(ro_flags, 0)?;
    Ok(())
}

pub fn sock_send(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    si_flags: u32,
    so_datalen: u32,
) -> Result<()> {
    use rustix::net::{SendAncillaryBuffer, SendFlags};
    if si_flags != 0 {
        return Err(Errno::Inval.into());
    }
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let deadline = ctx.deadline.take();
    let socket = socket(ctx, fd, rights::FD_WRITE)?;
    crate::wait::until_ready(socket.as_fd(), rustix::event::PollFlags::OUT, deadline.as_ref())?;
    // NOSIGNAL: a peer that hung up is `EPIPE` for the guest, not a SIGPIPE for the host.
    let sent = crate::fd::retry(|| {
        rustix::net::sendmsg(socket, &mem.io_slices(&iovs), &mut SendAncillaryBuffer::default(), SendFlags::NOSIGNAL)
    })?;
    mem.write_u32(so_datalen, sent as u32)?;
    Ok(())
}

pub fn sock_shutdown(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, fd: u32, how: u32) -> Result<()> {
    use rustix::net::Shutdown;
    let how = match u8::try_from(how).map_err(|_| Errno::Inval)? {
        sdflags::RD => Shutdown::Read,
        sdflags::WR => Shutdown::Write,
        h if h == sdflags::RD | sdflags::WR => Shutdown::Both,
        _ => return Err(Errno::Inval.into()),
    };
    rustix::net::shutdown(socket(ctx, fd, rights::SOCK_SHUTDOWN)?, how)?;
    Ok(())
}
