//! The `fd_*` calls: reading, writing and managing open descriptors.
//!
//! Data moves between guest memory and the host in one vectored system call
//! where the descriptor has a host fd: no staging buffer in between.

use crate::abi::{Errno, PREOPENTYPE_DIR, advice, fdflags, filetype, layout, rights, whence};
use crate::ctx::{Desc, Entry, InputStream, OutputStream, WasiCtx};
use crate::error::Result;
use crate::memory::GuestMemory;
use crate::stat::{Filestat, NewTime, new_times};
use rustix::event::PollFlags;
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};

/// Retries a system call that a signal interrupted.
pub(crate) fn retry<R>(mut call: impl FnMut() -> rustix::io::Result<R>) -> rustix::io::Result<R> {
    loop {
        match call() {
            Err(rustix::io::Errno::INTR) => continue,
            other => return other,
        }
    }
}

/// The host fd of a descriptor that must have one: stdio streams backed by
/// host readers or writers do not, and cannot be seeked, synced or stat'ed.
fn host_fd(entry: &Entry) -> Result<BorrowedFd<'_>> {
    entry.desc.host_fd().ok_or_else(|| Errno::Spipe.into())
}

/// The host file behind a descriptor, for calls only files support.
fn file_fd(entry: &Entry) -> Result<BorrowedFd<'_>> {
    match &entry.desc {
        Desc::File(f) => Ok(f.file.as_fd()),
        Desc::Dir(_) => Err(Errno::Badf.into()),
        Desc::Stdin(_) | Desc::Stdout(..) | Desc::Socket(_) | Desc::Listener(_) => Err(Errno::Spipe.into()),
    }
}

/// Reads into `bufs` from a descriptor; a wait for data watches `deadline`.
pub(crate) fn read_vectored(
    desc: &mut Desc,
    bufs: &mut [IoSliceMut<'_>],
    deadline: Option<&skiff::EpochDeadline>,
) -> Result<usize> {
    Ok(match desc {
        Desc::Stdin(InputStream::Reader(r)) => r.read_vectored(bufs)?,
        Desc::Stdin(InputStream::Null) => 0,
        Desc::Dir(_) | Desc::Stdout(..) | Desc::Listener(_) => return Err(Errno::Badf.into()),
        Desc::Stdin(InputStream::Inherit) | Desc::File(_) | Desc::Socket(_) => {
            let fd = desc.host_fd().expect("these descriptors have host fds");
            if desc.may_block() {
                crate::wait::until_ready(fd, PollFlags::IN, deadline)?;
            }
            retry(|| rustix::io::readv(fd, bufs))?
        }
    })
}

/// Writes `bufs` to a descriptor; a wait for room watches `deadline`.
pub(crate) fn write_vectored(
    desc: &mut Desc,
    bufs: &[IoSlice<'_>],
    deadline: Option<&skiff::EpochDeadline>,
) -> Result<usize> {
    Ok(match desc {
        // An embedder's writer gets every buffer whole, as the guest asked:
        // `Write::write_vectored`'s default takes only the first, which
        // would make the guest call again for the rest (musl's stdio
        // passes its buffer and the new bytes as two).
        Desc::Stdout(OutputStream::Writer(w), _) => {
            for buf in bufs {
                w.write_all(buf)?;
            }
            w.flush()?;
            bufs.iter().map(|b| b.len()).sum()
        }
        Desc::Stdout(OutputStream::Null, _) => bufs.iter().map(|b| b.len()).sum(),
        Desc::Dir(_) | Desc::Stdin(_) | Desc::Listener(_) => return Err(Errno::Badf.into()),
        Desc::Stdout(OutputStream::Inherit, _) | Desc::File(_) | Desc::Socket(_) => {
            let fd = desc.host_fd().expect("these descriptors have host fds");
            if desc.may_block() {
                crate::wait::until_ready(fd, PollFlags::OUT, deadline)?;
            }
            retry(|| rustix::io::writev(fd, bufs))?
        }
    })
}

fn write_count(mem: &mut GuestMemory<'_>, ptr: u32, n: usize) -> Result<()> {
    mem.write_u32(ptr, u32::try_from(n).map_err(|_| Errno::Overflow)?)?;
    Ok(())
}

pub fn fd_read(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nread: u32,
) -> Result<()> {
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let deadline = ctx.deadline.take();
    let entry = ctx.entry_with(fd, rights::FD_READ)?;
    let n = read_vectored(&mut entry.desc, &mut mem.io_slices_mut(&iovs), deadline.as_ref())?;
    write_count(mem, nread, n)
}

pub fn fd_write(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nwritten: u32,
) -> Result<()> {
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let deadline = ctx.deadline.take();
    let entry = ctx.entry_with(fd, rights::FD_WRITE)?;
    let n = write_vectored(&mut entry.desc, &mem.io_slices(&iovs), deadline.as_ref())?;
    write_count(mem, nwritten, n)
}

pub fn fd_pread(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nread: u32,
) -> Result<()> {
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let entry = ctx.entry_with(fd, rights::FD_READ | rights::FD_SEEK)?;
    let file = file_fd(entry)?;
    let n = retry(|| rustix::io::preadv(file, &mut mem.io_slices_mut(&iovs), offset))?;
    write_count(mem, nread, n)
}

pub fn fd_pwrite(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nwritten: u32,
) -> Result<()> {
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let entry = ctx.entry_with(fd, rights::FD_WRITE | rights::FD_SEEK)?;
    // On a file opened to append, Linux's pwrite writes at the end whatever
    // the offset (POSIX would write at the offset; WASI does not say), and,
    // like every pwrite, leaves the position where it was.
    let file = file_fd(entry)?;
    let n = retry(|| rustix::io::pwritev(file, &mem.io_slices(&iovs), offset))?;
    write_count(mem, nwritten, n)
}

pub fn fd_seek(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    offset: u64,
    whence: u32,
    newoffset: u32,
) -> Result<()> {
    let offset = offset as i64;
    // Asking where the position is needs only `FD_TELL`.
    let needed = if whence == whence::CUR as u32 && offset == 0 { rights::FD_TELL } else { rights::FD_SEEK };
    let entry = ctx.entry_with(fd, needed)?;
    let pos = match u8::try_from(whence).map_err(|_| Errno::Inval)? {
        whence::SET => rustix::fs::SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        whence::CUR => rustix::fs::SeekFrom::Current(offset),
        whence::END => rustix::fs::SeekFrom::End(offset),
        _ => return Err(Errno::Inval.into()),
    };
    let at = rustix::fs::seek(file_fd(entry)?, pos)?;
    mem.write_u64(newoffset, at)?;
    Ok(())
}

pub fn fd_tell(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, offset: u32) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_TELL)?;
    let at = rustix::fs::seek(file_fd(entry)?, rustix::fs::SeekFrom::Current(0))?;
    mem.write_u64(offset, at)?;
    Ok(())
}

pub fn fd_close(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, fd: u32) -> Result<()> {
    ctx.fds.remove(&fd).ok_or(Errno::Badf)?;
    Ok(())
}

/// Moves descriptor `from` to number `to`, closing what `to` was.
pub fn fd_renumber(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, from: u32, to: u32) -> Result<()> {
    if !ctx.fds.contains_key(&from) || !ctx.fds.contains_key(&to) {
        return Err(Errno::Badf.into());
    }
    let entry = ctx.fds.remove(&from).expect("checked above");
    ctx.fds.insert(to, entry);
    Ok(())
}

/// The `fdflags` of a descriptor: from the host for those that have a host
/// fd, as last set by the guest for the others.
fn fdflags_of(entry: &Entry) -> Result<u16> {
    let Some(fd) = entry.desc.host_fd() else { return Ok(entry.stream_flags) };
    use rustix::fs::OFlags;
    let host = rustix::fs::fcntl_getfl(fd)?;
    let mut flags = 0;
    for (host_flag, wasi_flag) in [
        (OFlags::APPEND, fdflags::APPEND),
        (OFlags::NONBLOCK, fdflags::NONBLOCK),
        (OFlags::DSYNC, fdflags::DSYNC),
        (OFlags::RSYNC, fdflags::RSYNC),
        (OFlags::SYNC, fdflags::SYNC),
    ] {
        if host.contains(host_flag) {
            flags |= wasi_flag;
        }
    }
    Ok(flags)
}

/// The WASI file type of a descriptor.
fn filetype_of_desc(desc: &Desc) -> Result<u8> {
    Ok(match desc {
        Desc::Dir(_) => filetype::DIRECTORY,
        Desc::Listener(_) | Desc::Socket(_) => filetype::SOCKET_STREAM,
        Desc::File(f) => crate::stat::filetype_of_mode(rustix::fs::fstat(&f.file)?.st_mode),
        Desc::Stdin(_) | Desc::Stdout(..) => match desc.host_fd() {
            Some(fd) if rustix::termios::isatty(fd) => filetype::CHARACTER_DEVICE,
            Some(fd) => crate::stat::filetype_of_mode(rustix::fs::fstat(fd)?.st_mode),
            None => filetype::UNKNOWN,
        },
    })
}

pub fn fd_fdstat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, stat: u32) -> Result<()> {
    let entry = ctx.entry(fd)?;
    let mut bytes = [0u8; layout::FDSTAT_SIZE as usize];
    bytes[0] = filetype_of_desc(&entry.desc)?;
    bytes[2..4].copy_from_slice(&fdflags_of(entry)?.to_le_bytes());
    bytes[8..16].copy_from_slice(&entry.rights_base.to_le_bytes());
    bytes[16..24].copy_from_slice(&entry.rights_inheriting.to_le_bytes());
    mem.write_bytes(stat, &bytes)?;
    Ok(())
}

/// Sets `APPEND` and `NONBLOCK`. The synchronized-I/O flags cannot be
/// changed on an open file on Linux (`fcntl` ignores them), so asking for
/// them is `EINVAL` (as in Wasmtime) rather than a silent no-op.
pub fn fd_fdstat_set_flags(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, fd: u32, flags: u32) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_FDSTAT_SET_FLAGS)?;
    let flags = u16::try_from(flags).ok().filter(|f| f & !fdflags::ALL == 0).ok_or(Errno::Inval)?;
    if flags & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC)
        != fdflags_of(entry)? & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC)
    {
        return Err(Errno::Inval.into());
    }
    let Some(host) = entry.desc.host_fd() else {
        entry.stream_flags = flags;
        return Ok(());
    };
    use rustix::fs::OFlags;
    let mut new = rustix::fs::fcntl_getfl(host)? - (OFlags::APPEND | OFlags::NONBLOCK);
    if flags & fdflags::APPEND != 0 {
        new |= OFlags::APPEND;
    }
    if flags & fdflags::NONBLOCK != 0 {
        new |= OFlags::NONBLOCK;
    }
    rustix::fs::fcntl_setfl(host, new)?;
    Ok(())
}

/// Rights can only be dropped, never regained: `ENOTCAPABLE` for more.
pub fn fd_fdstat_set_rights(
    ctx: &mut WasiCtx,
    _: &mut GuestMemory<'_>,
    fd: u32,
    base: u64,
    inheriting: u64,
) -> Result<()> {
    let entry = ctx.entry_mut(fd)?;
    if base & !entry.rights_base != 0 || inheriting & !entry.rights_inheriting != 0 {
        return Err(Errno::NotCapable.into());
    }
    entry.rights_base = base;
    entry.rights_inheriting = inheriting;
    Ok(())
}

pub fn fd_filestat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, buf: u32) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_FILESTAT_GET)?;
    let stat = match entry.desc.host_fd() {
        Some(host) => Filestat::from_stat(&rustix::fs::fstat(host)?),
        // A stream backed by a host reader or writer: a character device with no other facts.
        None => Filestat {
            dev: 0,
            ino: 0,
            filetype: filetype::CHARACTER_DEVICE,
            nlink: 0,
            size: 0,
            atim: 0,
            mtim: 0,
            ctim: 0,
        },
    };
    stat.write(mem, buf)
}

pub fn fd_filestat_set_size(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, fd: u32, size: u64) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_FILESTAT_SET_SIZE)?;
    rustix::fs::ftruncate(file_fd(entry)?, size)?;
    Ok(())
}

pub fn fd_filestat_set_times(
    ctx: &mut WasiCtx,
    _: &mut GuestMemory<'_>,
    fd: u32,
    atim: u64,
    mtim: u64,
    flags: u32,
) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_FILESTAT_SET_TIMES)?;
    let (atim, mtim) = new_times(atim, mtim, u16::try_from(flags).map_err(|_| Errno::Inval)?)?;
    let times =
        rustix::fs::Timestamps { last_access: NewTime::timespec(atim), last_modification: NewTime::timespec(mtim) };
    rustix::fs::futimens(host_fd(entry)?, &times)?;
    Ok(())
}

pub fn fd_advise(
    ctx: &mut WasiCtx,
    _: &mut GuestMemory<'_>,
    fd: u32,
    offset: u64,
    len: u64,
    advice: u32,
) -> Result<()> {
    use rustix::fs::Advice;
    let advice = match u8::try_from(advice).map_err(|_| Errno::Inval)? {
        advice::NORMAL => Advice::Normal,
        advice::SEQUENTIAL => Advice::Sequential,
        advice::RANDOM => Advice::Random,
        advice::WILLNEED => Advice::WillNeed,
        advice::DONTNEED => Advice::DontNeed,
        advice::NOREUSE => Advice::NoReuse,
        _ => return Err(Errno::Inval.into()),
    };
    let entry = ctx.entry_with(fd, rights::FD_ADVISE)?;
    let len = std::num::NonZeroU64::new(len);
    rustix::fs::fadvise(file_fd(entry)?, offset, len, advice)?;
    Ok(())
}

/// Makes sure the bytes `offset..offset + len` are allocated, growing the file if needed.
pub fn fd_allocate(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, fd: u32, offset: u64, len: u64) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_ALLOCATE)?;
    if len == 0 {
        return Err(Errno::Inval.into());
    }
    offset.checked_add(len).filter(|&end| end <= i64::MAX as u64).ok_or(Errno::Fbig)?;
    let file = file_fd(entry)?;
    retry(|| rustix::fs::fallocate(file, rustix::fs::FallocateFlags::empty(), offset, len))?;
    Ok(())
}

pub fn fd_sync(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, fd: u32) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_SYNC)?;
    rustix::fs::fsync(host_fd(entry)?)?;
    Ok(())
}

pub fn fd_datasync(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, fd: u32) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_DATASYNC)?;
    rustix::fs::fdatasync(host_fd(entry)?)?;
    Ok(())
}

/// The guest-visible name of a preopened directory: `EBADF` for other
/// directories, and for other kinds of descriptor `not_dir` (Wasmtime's
/// `fd_prestat_get` says `EBADF` there, `fd_prestat_dir_name` `ENOTDIR`).
fn preopen_name(ctx: &WasiCtx, fd: u32, not_dir: Errno) -> Result<&str> {
    match &ctx.entry(fd)?.desc {
        Desc::Dir(dir) => dir.preopen.as_deref().ok_or_else(|| Errno::Badf.into()),
        _ => Err(not_dir.into()),
    }
}

pub fn fd_prestat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, prestat: u32) -> Result<()> {
    let name = preopen_name(ctx, fd, Errno::Badf)?;
    let mut bytes = [0u8; layout::PRESTAT_SIZE as usize];
    bytes[0] = PREOPENTYPE_DIR;
    bytes[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
    mem.write_bytes(prestat, &bytes)?;
    Ok(())
}

pub fn fd_prestat_dir_name(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> Result<()> {
    let name = preopen_name(ctx, fd, Errno::NotDir)?;
    if (path_len as usize) < name.len() {
        return Err(Errno::NameTooLong.into());
    }
    mem.write_bytes(path, name.as_bytes())?;
    Ok(())
}

/// An entry of a directory listing, as `fd_readdir` hands it out.
pub(crate) struct DirEntry {
    ino: u64,
    filetype: u8,
    name: Vec<u8>,
}

/// Reads the whole listing of `dir`, `.` and `..` first as POSIX lists them.
fn read_listing(dir: &cap_std::fs::Dir) -> Result<Vec<DirEntry>> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::DirEntryExt;
    let own_ino = {
        use cap_std::fs::MetadataExt;
        dir.dir_metadata()?.ino()
    };
    // The parent may lie outside the sandbox: its inode is not the guest's
    // to learn, so `..` shows the directory's own, as in Wasmtime. (Not 0:
    // wasi-libc's `scandir` stats entries whose inode is 0, and a stat of
    // `..` from a preopen is refused.)
    let mut listing = vec![
        DirEntry { ino: own_ino, filetype: filetype::DIRECTORY, name: b".".to_vec() },
        DirEntry { ino: own_ino, filetype: filetype::DIRECTORY, name: b"..".to_vec() },
    ];
    for entry in dir.entries()? {
        let entry = entry?;
        let filetype = entry.file_type().map(crate::stat::filetype_of).unwrap_or(filetype::UNKNOWN);
        listing.push(DirEntry { ino: entry.ino(), filetype, name: entry.file_name().as_bytes().to_vec() });
    }
    Ok(listing)
}

/// Fills `buf` with entries from `cookie` on: each a `dirent` header and its
/// name, the last one cut short when the buffer ends (the guest then calls
/// again from that entry's cookie with a larger buffer). The cookie of an
/// entry is its index in a listing read when the guest starts over at 0.
pub fn fd_readdir(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    buf: u32,
    buf_len: u32,
    cookie: u64,
    bufused: u32,
) -> Result<()> {
    let entry = ctx.entry_with(fd, rights::FD_READDIR)?;
    let Desc::Dir(dir) = &mut entry.desc else { return Err(Errno::Badf.into()) };
    if cookie == 0 {
        dir.listing = read_listing(&dir.dir)?;
    }
    let out = mem.slice_mut(buf, buf_len)?;
    let mut used = 0usize;
    let start = usize::try_from(cookie).unwrap_or(usize::MAX).min(dir.listing.len());
    for (index, entry) in dir.listing.iter().enumerate().skip(start) {
        let mut header = [0u8; layout::DIRENT_SIZE];
        header[0..8].copy_from_slice(&(index as u64 + 1).to_le_bytes());
        header[8..16].copy_from_slice(&entry.ino.to_le_bytes());
        header[16..20].copy_from_slice(&(entry.name.len() as u32).to_le_bytes());
        header[20] = entry.filetype;
        for part in [&header[..], &entry.name[..]] {
            let n = part.len().min(out.len() - used);
            out[used..used + n].copy_from_slice(&part[..n]);
            used += n;
        }
        if used == out.len() {
            break;
        }
    }
    write_count(mem, bufused, used)
}
