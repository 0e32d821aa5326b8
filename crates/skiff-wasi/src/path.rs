//! The `path_*` calls: everything that names a file by a path.
//!
//! A path is always resolved by cap-std beneath a directory descriptor the
//! guest holds, never joined onto a host path: `..` that climbs above it,
//! absolute paths and symlinks that lead out are refused by the resolver
//! itself, one component at a time, so no race can slip a path outside.

use crate::abi::{Errno, lookupflags, oflags, rights};
use crate::ctx::{Desc, Entry, OpenDir, OpenFile, WasiCtx};
use crate::error::Result;
use crate::memory::GuestMemory;
use crate::stat::{Filestat, NewTime, new_times};
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, OpenOptionsSyncExt};
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};
use std::path::Path;

fn path<'m>(mem: &'m GuestMemory<'_>, ptr: u32, len: u32) -> Result<&'m Path> {
    Ok(Path::new(mem.read_str(ptr, len)?))
}

fn ends_in_slash(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().last() == Some(&b'/')
}

/// `path` without its trailing slashes, unless that leaves nothing.
fn without_slashes(path: &Path) -> &Path {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let end = bytes.iter().rposition(|&b| b != b'/').map_or(bytes.len(), |i| i + 1);
    Path::new(std::ffi::OsStr::from_bytes(&bytes[..end]))
}

fn follows(flags: u32) -> bool {
    flags & lookupflags::SYMLINK_FOLLOW != 0
}

pub fn path_create_directory(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, ptr: u32, len: u32) -> Result<()> {
    ctx.dir(fd, rights::PATH_CREATE_DIRECTORY)?.create_dir(path(mem, ptr, len)?)?;
    Ok(())
}

pub fn path_remove_directory(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, ptr: u32, len: u32) -> Result<()> {
    ctx.dir(fd, rights::PATH_REMOVE_DIRECTORY)?.remove_dir(path(mem, ptr, len)?)?;
    Ok(())
}

pub fn path_unlink_file(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, ptr: u32, len: u32) -> Result<()> {
    ctx.dir(fd, rights::PATH_UNLINK_FILE)?.remove_file_or_symlink(path(mem, ptr, len)?)?;
    Ok(())
}

pub fn path_filestat_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    ptr: u32,
    len: u32,
    buf: u32,
) -> Result<()> {
    let dir = ctx.dir(fd, rights::PATH_FILESTAT_GET)?;
    let path = path(mem, ptr, len)?;
    let md = if follows(flags) { dir.metadata(path)? } else { dir.symlink_metadata(path)? };
    Filestat::from_metadata(&md).write(mem, buf)
}

#[allow(clippy::too_many_arguments)] // the WASI signature
pub fn path_filestat_set_times(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    ptr: u32,
    len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> Result<()> {
    let dir = ctx.dir(fd, rights::PATH_FILESTAT_SET_TIMES)?;
    let path = path(mem, ptr, len)?;
    let (atim, mtim) = new_times(atim, mtim, u16::try_from(fst_flags).map_err(|_| Errno::Inval)?)?;
    let (atim, mtim) = (NewTime::system_time_spec(atim), NewTime::system_time_spec(mtim));
    if follows(flags) {
        dir.set_times(path, atim, mtim)?;
    } else {
        dir.set_symlink_times(path, atim, mtim)?;
    }
    Ok(())
}

/// Hard links never follow a symlink at `old`: linking to where a symlink
/// points would let a guest link a file it can only name through a symlink,
/// so, as in Wasmtime, asking to follow is `EINVAL`.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub fn path_link(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_fd: u32,
    old_flags: u32,
    old_ptr: u32,
    old_len: u32,
    new_fd: u32,
    new_ptr: u32,
    new_len: u32,
) -> Result<()> {
    let old_dir = ctx.dir(old_fd, rights::PATH_LINK_SOURCE)?;
    let new_dir = ctx.dir(new_fd, rights::PATH_LINK_TARGET)?;
    if follows(old_flags) {
        return Err(Errno::Inval.into());
    }
    old_dir.hard_link(path(mem, old_ptr, old_len)?, new_dir, path(mem, new_ptr, new_len)?)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)] // the WASI signature
pub fn path_rename(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_fd: u32,
    old_ptr: u32,
    old_len: u32,
    new_fd: u32,
    new_ptr: u32,
    new_len: u32,
) -> Result<()> {
    let old_dir = ctx.dir(old_fd, rights::PATH_RENAME_SOURCE)?;
    let new_dir = ctx.dir(new_fd, rights::PATH_RENAME_TARGET)?;
    let (old, new) = (path(mem, old_ptr, old_len)?, path(mem, new_ptr, new_len)?);
    // A name ending in `/` names a directory, on either side (POSIX
    // `rename(2)`); cap-std resolves the parent and passes on the last
    // component alone, without its slash, so the rule is checked here.
    if (ends_in_slash(old) || ends_in_slash(new)) && !old_dir.symlink_metadata(without_slashes(old))?.is_dir() {
        return Err(Errno::NotDir.into());
    }
    old_dir.rename(old, new_dir, new)?;
    Ok(())
}

/// Creates a symlink whose text is `old`. cap-std refuses an absolute
/// target: such a link could only ever point outside the sandbox.
pub fn path_symlink(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_ptr: u32,
    old_len: u32,
    fd: u32,
    new_ptr: u32,
    new_len: u32,
) -> Result<()> {
    let dir = ctx.dir(fd, rights::PATH_SYMLINK)?;
    dir.symlink(path(mem, old_ptr, old_len)?, path(mem, new_ptr, new_len)?)?;
    Ok(())
}

/// Reads a symlink's text, cut to the buffer's size. A link with an
/// absolute target is refused rather than read: its text is a host path.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub fn path_readlink(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    ptr: u32,
    len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let dir = ctx.dir(fd, rights::PATH_READLINK)?;
    let target = dir.read_link(path(mem, ptr, len)?)?;
    let bytes = target.as_os_str().as_bytes();
    let n = bytes.len().min(buf_len as usize);
    mem.write_bytes(buf, &bytes[..n])?;
    mem.write_u32(bufused, n as u32)?;
    Ok(())
}

/// What `path_open` was asked for, decoded and checked.
struct OpenRequest {
    follow: bool,
    oflags: u16,
    read: bool,
    write: bool,
    fdflags: u16,
}

impl OpenRequest {
    fn new(dirflags: u32, oflags: u32, rights_base: u64, fdflags: u32) -> Result<OpenRequest> {
        let oflags = u16::try_from(oflags).ok().filter(|o| o & !oflags::ALL == 0).ok_or(Errno::Inval)?;
        let fdflags = u16::try_from(fdflags).ok().filter(|f| f & !crate::abi::fdflags::ALL == 0).ok_or(Errno::Inval)?;
        if oflags & oflags::DIRECTORY != 0 && oflags & (oflags::CREAT | oflags::EXCL | oflags::TRUNC) != 0 {
            return Err(Errno::Inval.into());
        }
        // wasi-libc asks for `FD_READ`/`FD_READDIR` to read and `FD_WRITE` to
        // write; asking for neither still opens the file, for reading.
        let write = rights_base & rights::FD_WRITE != 0 || fdflags & crate::abi::fdflags::APPEND != 0;
        let read = rights_base & (rights::FD_READ | rights::FD_READDIR) != 0 || !write;
        Ok(OpenRequest { follow: follows(dirflags), oflags, read, write, fdflags })
    }

    fn has(&self, flag: u16) -> bool {
        self.oflags & flag != 0
    }

    fn follow(&self) -> FollowSymlinks {
        if self.follow { FollowSymlinks::Yes } else { FollowSymlinks::No }
    }

    /// Opens the path beneath `dir`: a directory or a file.
    fn open(&self, dir: &Dir, path: &Path) -> Result<Desc> {
        use crate::abi::fdflags;
        if self.has(oflags::DIRECTORY) {
            let mut opts = OpenOptions::new();
            opts.read(true).maybe_dir(true).follow(self.follow());
            let file = dir.open_with(path, &opts)?;
            if !file.metadata()?.is_dir() {
                return Err(Errno::NotDir.into());
            }
            // A directory cannot be opened for writing (POSIX's `EISDIR`),
            // whatever else the rights ask for.
            if self.write {
                return Err(Errno::IsDir.into());
            }
            return Ok(Desc::Dir(OpenDir::new(Dir::from_std_file(file.into_std()), None)));
        }
        let mut opts = OpenOptions::new();
        // Creating or truncating needs write access on the host even when
        // the guest did not ask to write: the descriptor's rights then keep
        // it from writing.
        let host_write = self.write || self.has(oflags::CREAT | oflags::TRUNC | oflags::EXCL);
        opts.read(self.read || !host_write)
            .write(host_write)
            .truncate(self.has(oflags::TRUNC))
            .create(self.has(oflags::CREAT))
            .create_new(self.has(oflags::CREAT) && self.has(oflags::EXCL))
            .maybe_dir(!host_write)
            .follow(self.follow())
            .sync(self.fdflags & fdflags::SYNC != 0)
            .dsync(self.fdflags & fdflags::DSYNC != 0)
            .rsync(self.fdflags & fdflags::RSYNC != 0);
        // `O_APPEND` goes in as a flag of its own: `OpenOptions::append`
        // refuses to go with `truncate`, which `open(O_TRUNC | O_APPEND)`
        // asks for and the host allows.
        let mut custom = rustix::fs::OFlags::empty();
        if self.fdflags & fdflags::APPEND != 0 {
            custom |= rustix::fs::OFlags::APPEND;
        }
        if self.fdflags & fdflags::NONBLOCK != 0 {
            custom |= rustix::fs::OFlags::NONBLOCK;
        }
        opts.custom_flags(custom.bits() as i32);
        let file = dir.open_with(path, &opts)?;
        let file_type = file.metadata()?.file_type();
        if file_type.is_dir() {
            return Ok(Desc::Dir(OpenDir::new(Dir::from_std_file(file.into_std()), None)));
        }
        Ok(Desc::File(OpenFile { file: file.into_std(), may_block: !file_type.is_file() }))
    }
}

/// Opens a file or directory beneath `fd`.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub fn path_open(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    dirflags: u32,
    ptr: u32,
    len: u32,
    oflags: u32,
    rights_base: u64,
    rights_inheriting: u64,
    fdflags: u32,
    opened_fd: u32,
) -> Result<()> {
    let request = OpenRequest::new(dirflags, oflags, rights_base, fdflags)?;
    let parent = ctx.entry(fd)?;
    let Desc::Dir(dir) = &parent.desc else { return Err(Errno::NotDir.into()) };
    let mut needed = rights::PATH_OPEN;
    if request.has(oflags::CREAT) {
        needed |= rights::PATH_CREATE_FILE;
    }
    if request.has(oflags::TRUNC) {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    parent.require(needed)?;
    let desc = request.open(&dir.dir, path(mem, ptr, len)?)?;
    // The rights say how the descriptor is open (wasi-libc's `fcntl(F_GETFL)`
    // reads the access mode from them): they follow from what it is and how
    // it was opened, not from the directory it was reached through, so a
    // file has the same rights by any name (a hard link in another
    // directory, say), as in Wasmtime.
    let mut base = desc.kind_rights();
    if !request.read {
        base &= !(rights::FD_READ | rights::FD_READDIR);
    }
    if !request.write {
        base &= !rights::FD_WRITE;
    }
    let entry = Entry::new(desc, base, rights_inheriting & (rights::DIRECTORY | rights::REGULAR_FILE));
    let new_fd = ctx.insert(entry)?;
    mem.write_u32(opened_fd, new_fd)?;
    Ok(())
}
