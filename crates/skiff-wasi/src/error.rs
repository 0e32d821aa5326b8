//! How host failures become WASI results: an [`Errno`] for the guest, or an
//! error that ends the guest (a trap, or `proc_exit`).

use crate::abi::Errno;
use std::io;

/// The failure of a WASI call.
#[derive(Debug)]
pub(crate) enum Error {
    /// Returned to the guest as the call's result.
    Errno(Errno),
    /// Unwinds the guest: a trap or an exit, given to the embedder.
    Unwind(anyhow::Error),
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Errno> for Error {
    fn from(errno: Errno) -> Error {
        Error::Errno(errno)
    }
}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Error {
        Error::Errno(errno_from_io(&err))
    }
}

impl From<rustix::io::Errno> for Error {
    fn from(err: rustix::io::Errno) -> Error {
        Error::Errno(errno_from_os(err))
    }
}

/// The WASI error number for a host I/O error.
///
/// Errors from the operating system carry its errno. cap-std reports a path
/// that would leave the sandbox (`..` above the root, an absolute path, a
/// symlink pointing outside) as `PermissionDenied` without one: that is `EPERM`,
/// as in Wasmtime.
pub(crate) fn errno_from_io(err: &io::Error) -> Errno {
    if err.raw_os_error().is_some() {
        return errno_from_os(rustix::io::Errno::from_io_error(err).unwrap_or(rustix::io::Errno::IO));
    }
    match err.kind() {
        io::ErrorKind::NotFound => Errno::NoEnt,
        io::ErrorKind::PermissionDenied => Errno::Perm,
        io::ErrorKind::AlreadyExists => Errno::Exist,
        io::ErrorKind::InvalidInput => Errno::Inval,
        io::ErrorKind::InvalidData => Errno::Ilseq,
        io::ErrorKind::WouldBlock => Errno::Again,
        io::ErrorKind::Interrupted => Errno::Intr,
        io::ErrorKind::BrokenPipe => Errno::Pipe,
        io::ErrorKind::ConnectionReset => Errno::ConnReset,
        io::ErrorKind::ConnectionAborted => Errno::ConnAborted,
        io::ErrorKind::NotConnected => Errno::NotConn,
        io::ErrorKind::Unsupported => Errno::NotSup,
        io::ErrorKind::OutOfMemory => Errno::NoMem,
        io::ErrorKind::TimedOut => Errno::TimedOut,
        io::ErrorKind::NotADirectory => Errno::NotDir,
        io::ErrorKind::IsADirectory => Errno::IsDir,
        io::ErrorKind::DirectoryNotEmpty => Errno::NotEmpty,
        io::ErrorKind::InvalidFilename => Errno::Inval,
        _ => Errno::Io,
    }
}

/// The WASI error number for a POSIX one.
pub(crate) fn errno_from_os(err: rustix::io::Errno) -> Errno {
    use rustix::io::Errno as E;
    match err {
        E::TOOBIG => Errno::TooBig,
        E::ACCESS => Errno::Acces,
        E::ADDRINUSE => Errno::AddrInUse,
        E::ADDRNOTAVAIL => Errno::AddrNotAvail,
        E::AFNOSUPPORT => Errno::AfNoSupport,
        E::AGAIN => Errno::Again,
        E::ALREADY => Errno::Already,
        E::BADF => Errno::Badf,
        E::BADMSG => Errno::BadMsg,
        E::BUSY => Errno::Busy,
        E::CANCELED => Errno::Canceled,
        E::CHILD => Errno::Child,
        E::CONNABORTED => Errno::ConnAborted,
        E::CONNREFUSED => Errno::ConnRefused,
        E::CONNRESET => Errno::ConnReset,
        E::DEADLK => Errno::Deadlk,
        E::DESTADDRREQ => Errno::DestAddrReq,
        E::DOM => Errno::Dom,
        E::DQUOT => Errno::Dquot,
        E::EXIST => Errno::Exist,
        E::FAULT => Errno::Fault,
        E::FBIG => Errno::Fbig,
        E::HOSTUNREACH => Errno::HostUnreach,
        E::IDRM => Errno::Idrm,
        E::ILSEQ => Errno::Ilseq,
        E::INPROGRESS => Errno::InProgress,
        E::INTR => Errno::Intr,
        E::INVAL => Errno::Inval,
        E::IO => Errno::Io,
        E::ISCONN => Errno::IsConn,
        E::ISDIR => Errno::IsDir,
        E::LOOP => Errno::Loop,
        E::MFILE => Errno::Mfile,
        E::MLINK => Errno::Mlink,
        E::MSGSIZE => Errno::MsgSize,
        E::MULTIHOP => Errno::Multihop,
        E::NAMETOOLONG => Errno::NameTooLong,
        E::NETDOWN => Errno::NetDown,
        E::NETRESET => Errno::NetReset,
        E::NETUNREACH => Errno::NetUnreach,
        E::NFILE => Errno::Nfile,
        E::NOBUFS => Errno::NoBufs,
        E::NODEV => Errno::NoDev,
        E::NOENT => Errno::NoEnt,
        E::NOEXEC => Errno::NoExec,
        E::NOLCK => Errno::NoLck,
        E::NOLINK => Errno::NoLink,
        E::NOMEM => Errno::NoMem,
        E::NOMSG => Errno::NoMsg,
        E::NOPROTOOPT => Errno::NoProtoOpt,
        E::NOSPC => Errno::NoSpc,
        E::NOSYS => Errno::NoSys,
        E::NOTCONN => Errno::NotConn,
        E::NOTDIR => Errno::NotDir,
        E::NOTEMPTY => Errno::NotEmpty,
        E::NOTRECOVERABLE => Errno::NotRecoverable,
        E::NOTSOCK => Errno::NotSock,
        E::NOTSUP => Errno::NotSup,
        E::NOTTY => Errno::NoTty,
        E::NXIO => Errno::Nxio,
        E::OVERFLOW => Errno::Overflow,
        E::OWNERDEAD => Errno::OwnerDead,
        E::PERM => Errno::Perm,
        E::PIPE => Errno::Pipe,
        E::PROTO => Errno::Proto,
        E::PROTONOSUPPORT => Errno::ProtoNoSupport,
        E::PROTOTYPE => Errno::ProtoType,
        E::RANGE => Errno::Range,
        E::ROFS => Errno::Rofs,
        E::SPIPE => Errno::Spipe,
        E::SRCH => Errno::Srch,
        E::STALE => Errno::Stale,
        E::TIMEDOUT => Errno::TimedOut,
        E::TXTBSY => Errno::TxtBsy,
        E::XDEV => Errno::Xdev,
        _ => Errno::Io,
    }
}
