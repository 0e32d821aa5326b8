//! The per-guest WASI state: arguments, environment, and the descriptor
//! table with the capabilities the embedder granted.

use crate::abi::{Errno, rights};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

/// Where a guest's standard input comes from.
pub enum InputStream {
    /// The host process's stdin.
    Inherit,
    /// Reads from a host reader.
    Reader(Box<dyn Read + Send>),
    /// Always at end of file.
    Null,
}

/// Where a guest's standard output or error goes.
pub enum OutputStream {
    /// The host process's stdout (for fd 1) or stderr (for fd 2).
    Inherit,
    /// Writes to a host writer.
    Writer(Box<dyn Write + Send>),
    /// Discards everything.
    Null,
}

/// A file opened by path: a regular file, or a FIFO or device.
pub(crate) struct OpenFile {
    pub file: std::fs::File,
    /// A FIFO or a device, whose reads and writes may wait (on a regular
    /// file they never do): they wait through [`crate::wait`].
    pub may_block: bool,
}

/// A directory: a capability to everything beneath it, nothing above.
pub(crate) struct OpenDir {
    pub dir: cap_std::fs::Dir,
    /// The guest-visible name, for a preopened directory.
    pub preopen: Option<String>,
    /// The entries `fd_readdir` hands out, read when a listing starts at
    /// cookie 0 so that the cookies of later calls stay valid.
    pub listing: Vec<crate::fd::DirEntry>,
}

impl OpenDir {
    pub fn new(dir: cap_std::fs::Dir, preopen: Option<String>) -> OpenDir {
        OpenDir { dir, preopen, listing: Vec::new() }
    }
}

/// What a descriptor refers to.
pub(crate) enum Desc {
    Stdin(InputStream),
    /// Standard output (`is_stderr == false`) or error.
    Stdout(OutputStream, bool),
    File(OpenFile),
    Dir(OpenDir),
    Listener(TcpListener),
    Socket(TcpStream),
}

impl Desc {
    /// Every right a descriptor of this kind can hold.
    pub fn kind_rights(&self) -> u64 {
        match self {
            Desc::Stdin(_) | Desc::Stdout(..) => rights::STREAM,
            Desc::File(_) => rights::REGULAR_FILE,
            Desc::Dir(_) => rights::DIRECTORY,
            Desc::Listener(_) => rights::LISTENER,
            Desc::Socket(_) => rights::SOCKET,
        }
    }

    /// Whether reading or writing may wait for a peer: a pipe, a terminal,
    /// a socket (and `accept` on a listener), a FIFO.
    pub fn may_block(&self) -> bool {
        match self {
            Desc::Stdin(InputStream::Inherit) | Desc::Stdout(OutputStream::Inherit, _) => true,
            Desc::Listener(_) | Desc::Socket(_) => true,
            Desc::File(f) => f.may_block,
            Desc::Stdin(_) | Desc::Stdout(..) | Desc::Dir(_) => false,
        }
    }

    /// The host descriptor underneath, for `fstat`, `poll` and `fcntl`.
    /// Streams that are host readers or writers have none.
    pub fn host_fd(&self) -> Option<BorrowedFd<'_>> {
        match self {
            Desc::Stdin(InputStream::Inherit) => Some(rustix::stdio::stdin()),
            Desc::Stdout(OutputStream::Inherit, false) => Some(rustix::stdio::stdout()),
            Desc::Stdout(OutputStream::Inherit, true) => Some(rustix::stdio::stderr()),
            Desc::Stdin(_) | Desc::Stdout(..) => None,
            Desc::File(f) => Some(f.file.as_fd()),
            Desc::Dir(d) => Some(d.dir.as_fd()),
            Desc::Listener(l) => Some(l.as_fd()),
            Desc::Socket(s) => Some(s.as_fd()),
        }
    }
}

/// A descriptor table entry: the object and the rights the guest holds on it.
pub(crate) struct Entry {
    pub desc: Desc,
    pub rights_base: u64,
    pub rights_inheriting: u64,
    /// `fdflags` of streams without a host descriptor (the others ask the host).
    pub stream_flags: u16,
}

impl Entry {
    pub fn new(desc: Desc, rights_base: u64, rights_inheriting: u64) -> Entry {
        Entry { desc, rights_base, rights_inheriting, stream_flags: 0 }
    }

    /// Checks that the entry holds the rights `needed` for an operation.
    ///
    /// A descriptor not open for reading or writing (no `FD_READ` or
    /// `FD_WRITE`) is `EBADF`, as POSIX and Wasmtime say; any other right
    /// its kind has but it lacks (dropped by `fd_fdstat_set_rights`) is
    /// `ENOTCAPABLE`. Rights its kind never has are not checked here: the
    /// operation refuses the kind itself, with the errno Wasmtime gives
    /// (`EBADF`, `ENOTDIR`, `ENOTSOCK`, …).
    pub fn require(&self, needed: u64) -> Result<(), Errno> {
        let missing = needed & self.desc.kind_rights() & !self.rights_base;
        if missing == 0 {
            Ok(())
        } else if missing & (rights::FD_READ | rights::FD_WRITE) != 0 {
            Err(Errno::Badf)
        } else {
            Err(Errno::NotCapable)
        }
    }
}

/// The state WASI functions work on. One per guest instance; store it in
/// the store's data and hand [`add_to_linker`](crate::add_to_linker) a way to reach it.
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: BTreeMap<u32, Entry>,
    /// The store's epoch deadline during the WASI call in progress (set by
    /// `dispatch`), which waits watch ([`crate::wait`]).
    pub(crate) deadline: Option<skiff::EpochDeadline>,
}

impl WasiCtx {
    /// A context with no arguments, no environment, null stdio and no preopens.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    pub(crate) fn entry(&self, fd: u32) -> Result<&Entry, Errno> {
        self.fds.get(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn entry_mut(&mut self, fd: u32) -> Result<&mut Entry, Errno> {
        self.fds.get_mut(&fd).ok_or(Errno::Badf)
    }

    /// The entry of `fd` if it holds `needed`: `EBADF` if there is none.
    pub(crate) fn entry_with(&mut self, fd: u32, needed: u64) -> Result<&mut Entry, Errno> {
        let entry = self.entry_mut(fd)?;
        entry.require(needed)?;
        Ok(entry)
    }

    /// The directory behind `fd`, which must hold `needed`: `ENOTDIR` for other kinds.
    pub(crate) fn dir(&self, fd: u32, needed: u64) -> Result<&cap_std::fs::Dir, Errno> {
        let entry = self.entry(fd)?;
        let Desc::Dir(dir) = &entry.desc else { return Err(Errno::NotDir) };
        entry.require(needed)?;
        Ok(&dir.dir)
    }

    /// Puts `entry` at the lowest free descriptor number.
    pub(crate) fn insert(&mut self, entry: Entry) -> Result<u32, Errno> {
        let mut fd = 0u32;
        for &used in self.fds.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.fds.insert(fd, entry);
        Ok(fd)
    }
}

/// Builds a [`WasiCtx`]: what the guest may see and touch.
///
/// Nothing is granted by default: no arguments or environment, stdio reads
/// end-of-file and discards writes, and no directory or socket is reachable.
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdin: InputStream,
    stdout: OutputStream,
    stderr: OutputStream,
    preopens: Vec<Entry>,
}

impl Default for WasiCtxBuilder {
    fn default() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }
}

impl WasiCtxBuilder {
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: InputStream::Null,
            stdout: OutputStream::Null,
            stderr: OutputStream::Null,
            preopens: Vec::new(),
        }
    }

    /// Appends a program argument (the first is conventionally the program name).
    pub fn arg(&mut self, arg: impl AsRef<[u8]>) -> &mut WasiCtxBuilder {
        self.args.push(arg.as_ref().to_vec());
        self
    }

    pub fn args<S: AsRef<[u8]>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut WasiCtxBuilder {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    /// Adds `name=value` to the environment.
    pub fn env(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> &mut WasiCtxBuilder {
        let mut var = name.as_ref().to_vec();
        var.push(b'=');
        var.extend_from_slice(value.as_ref());
        self.env.push(var);
        self
    }

    /// Adds every variable of the host process's environment.
    pub fn inherit_env(&mut self) -> &mut WasiCtxBuilder {
        use std::os::unix::ffi::OsStrExt;
        for (name, value) in std::env::vars_os() {
            self.env(name.as_bytes(), value.as_bytes());
        }
        self
    }

    pub fn stdin(&mut self, stdin: InputStream) -> &mut WasiCtxBuilder {
        self.stdin = stdin;
        self
    }

    pub fn stdout(&mut self, stdout: OutputStream) -> &mut WasiCtxBuilder {
        self.stdout = stdout;
        self
    }

    pub fn stderr(&mut self, stderr: OutputStream) -> &mut WasiCtxBuilder {
        self.stderr = stderr;
        self
    }

    /// Gives the guest the host process's stdin, stdout and stderr.
    pub fn inherit_stdio(&mut self) -> &mut WasiCtxBuilder {
        self.stdin = InputStream::Inherit;
        self.stdout = OutputStream::Inherit;
        self.stderr = OutputStream::Inherit;
        self
    }

    /// Grants the guest the host directory `host_path`, seen by the guest as
    /// `guest_path`. Preopens take descriptors 3, 4, … in the order granted.
    pub fn preopened_dir(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: &str,
    ) -> std::io::Result<&mut WasiCtxBuilder> {
        let dir = cap_std::fs::Dir::open_ambient_dir(host_path.as_ref(), cap_std::ambient_authority())?;
        Ok(self.preopened_cap_dir(dir, guest_path))
    }

    /// As [`preopened_dir`](Self::preopened_dir), for a directory already opened.
    pub fn preopened_cap_dir(&mut self, dir: cap_std::fs::Dir, guest_path: &str) -> &mut WasiCtxBuilder {
        let desc = Desc::Dir(OpenDir::new(dir, Some(guest_path.to_string())));
        self.preopens.push(Entry::new(desc, rights::DIRECTORY, rights::DIRECTORY | rights::REGULAR_FILE));
        self
    }

    /// Grants the guest a listening TCP socket, on which it can `sock_accept`.
    /// It takes the next descriptor after the preopens granted before it.
    pub fn preopened_listener(&mut self, listener: TcpListener) -> &mut WasiCtxBuilder {
        self.preopens.push(Entry::new(Desc::Listener(listener), rights::LISTENER, rights::SOCKET));
        self
    }

    pub fn build(&mut self) -> WasiCtx {
        let mut ctx = WasiCtx {
            args: std::mem::take(&mut self.args),
            env: std::mem::take(&mut self.env),
            fds: BTreeMap::new(),
            deadline: None,
        };
        let stdin = std::mem::replace(&mut self.stdin, InputStream::Null);
        let stdout = std::mem::replace(&mut self.stdout, OutputStream::Null);
        let stderr = std::mem::replace(&mut self.stderr, OutputStream::Null);
        ctx.fds.insert(0, Entry::new(Desc::Stdin(stdin), rights::STREAM & !rights::FD_WRITE, 0));
        ctx.fds.insert(1, Entry::new(Desc::Stdout(stdout, false), rights::STREAM & !rights::FD_READ, 0));
        ctx.fds.insert(2, Entry::new(Desc::Stdout(stderr, true), rights::STREAM & !rights::FD_READ, 0));
        for (i, entry) in std::mem::take(&mut self.preopens).into_iter().enumerate() {
            ctx.fds.insert(3 + i as u32, entry);
        }
        ctx
    }
}
