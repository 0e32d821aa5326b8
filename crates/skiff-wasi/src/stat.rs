//! `filestat` and `filetype`: what the guest learns about a file, from the
//! host's `stat` of a descriptor or cap-std's metadata of a path.

use crate::abi::filetype;
use crate::error::Result;
use crate::memory::GuestMemory;

/// The fields of a WASI `filestat`.
pub(crate) struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

/// Nanoseconds since the epoch; times before it clamp to 0, as WASI's are unsigned.
fn nanos(secs: i64, nsecs: i64) -> u64 {
    u64::try_from(secs).map_or(0, |s| s.saturating_mul(1_000_000_000).saturating_add(nsecs as u64))
}

/// The WASI file type of a POSIX mode. FIFOs have none in WASI: `UNKNOWN`,
/// as Wasmtime reports them.
pub(crate) fn filetype_of_mode(mode: u32) -> u8 {
    use rustix::fs::FileType as F;
    match F::from_raw_mode(mode) {
        F::RegularFile => filetype::REGULAR_FILE,
        F::Directory => filetype::DIRECTORY,
        F::Symlink => filetype::SYMBOLIC_LINK,
        F::CharacterDevice => filetype::CHARACTER_DEVICE,
        F::BlockDevice => filetype::BLOCK_DEVICE,
        F::Socket => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    }
}

/// The WASI file type of a directory entry or path.
pub(crate) fn filetype_of(ty: cap_std::fs::FileType) -> u8 {
    use cap_std::fs::FileTypeExt;
    if ty.is_file() {
        filetype::REGULAR_FILE
    } else if ty.is_dir() {
        filetype::DIRECTORY
    } else if ty.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if ty.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if ty.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if ty.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

impl Filestat {
    pub fn from_stat(st: &rustix::fs::Stat) -> Filestat {
        Filestat {
            dev: st.st_dev,
            ino: st.st_ino,
            filetype: filetype_of_mode(st.st_mode),
            nlink: st.st_nlink,
            size: st.st_size as u64,
            atim: nanos(st.st_atime, st.st_atime_nsec as i64),
            mtim: nanos(st.st_mtime, st.st_mtime_nsec as i64),
            ctim: nanos(st.st_ctime, st.st_ctime_nsec as i64),
        }
    }

    pub fn from_metadata(md: &cap_std::fs::Metadata) -> Filestat {
        use cap_std::fs::MetadataExt;
        Filestat {
            dev: md.dev(),
            ino: md.ino(),
            filetype: filetype_of(md.file_type()),
            nlink: md.nlink(),
            size: md.size(),
            atim: nanos(md.atime(), md.atime_nsec()),
            mtim: nanos(md.mtime(), md.mtime_nsec()),
            ctim: nanos(md.ctime(), md.ctime_nsec()),
        }
    }

    /// Writes the 64-byte `filestat` at `ptr` (layout in [`crate::abi::layout`]).
    pub fn write(&self, mem: &mut GuestMemory<'_>, ptr: u32) -> Result<()> {
        let mut bytes = [0u8; crate::abi::layout::FILESTAT_SIZE as usize];
        bytes[0..8].copy_from_slice(&self.dev.to_le_bytes());
        bytes[8..16].copy_from_slice(&self.ino.to_le_bytes());
        bytes[16] = self.filetype;
        bytes[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        bytes[32..40].copy_from_slice(&self.size.to_le_bytes());
        bytes[40..48].copy_from_slice(&self.atim.to_le_bytes());
        bytes[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        bytes[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        mem.write_bytes(ptr, &bytes)?;
        Ok(())
    }
}

/// One timestamp of a `*_set_times` call.
#[derive(Clone, Copy)]
pub(crate) enum NewTime {
    /// The host's current time.
    Now,
    /// Nanoseconds since the epoch.
    At(u64),
}

/// The access and modification times a `*_set_times` call asks for (`None`:
/// leave it), from its `fstflags`: `EINVAL` when a time is both given and "now".
pub(crate) fn new_times(atim: u64, mtim: u64, flags: u16) -> Result<(Option<NewTime>, Option<NewTime>)> {
    use crate::abi::{Errno, fstflags};
    let pick = |value: u64, set: u16, now: u16| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Errno::Inval),
        (true, false) => Ok(Some(NewTime::At(value))),
        (false, true) => Ok(Some(NewTime::Now)),
        (false, false) => Ok(None),
    };
    if flags & !(fstflags::ATIM | fstflags::ATIM_NOW | fstflags::MTIM | fstflags::MTIM_NOW) != 0 {
        return Err(Errno::Inval.into());
    }
    Ok((pick(atim, fstflags::ATIM, fstflags::ATIM_NOW)?, pick(mtim, fstflags::MTIM, fstflags::MTIM_NOW)?))
}

impl NewTime {
    /// For `futimens`: `UTIME_OMIT` for a time left as it is.
    pub fn timespec(time: Option<NewTime>) -> rustix::fs::Timespec {
        match time {
            None => rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_OMIT },
            Some(NewTime::Now) => rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_NOW },
            Some(NewTime::At(ns)) => {
                rustix::fs::Timespec { tv_sec: (ns / 1_000_000_000) as i64, tv_nsec: (ns % 1_000_000_000) as _ }
            }
        }
    }

    /// For cap-std's path-based `set_times`.
    pub fn system_time_spec(time: Option<NewTime>) -> Option<cap_fs_ext::SystemTimeSpec> {
        time.map(|t| match t {
            NewTime::Now => cap_fs_ext::SystemTimeSpec::SymbolicNow,
            NewTime::At(ns) => cap_fs_ext::SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(
                std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ns),
            )),
        })
    }
}
