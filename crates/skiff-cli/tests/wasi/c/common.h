// Shared helpers for the WASI test programs. Each program prints one line per
// check, `label: ERRNO NAME`, so the harness can compare a whole transcript
// against what `wasmtime run` produced and a mismatch names the call at fault.
#ifndef SKIFF_WASI_COMMON_H
#define SKIFF_WASI_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static const char *errno_name(int e) {
    static const char *const names[] = {
        "success", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport", "again", "already",
        "badf", "badmsg", "busy", "canceled", "child", "connaborted", "connrefused", "connreset",
        "deadlk", "destaddrreq", "dom", "dquot", "exist", "fault", "fbig", "hostunreach",
        "idrm", "ilseq", "inprogress", "intr", "inval", "io", "isconn", "isdir",
        "loop", "mfile", "mlink", "msgsize", "multihop", "nametoolong", "netdown", "netreset",
        "netunreach", "nfile", "nobufs", "nodev", "noent", "noexec", "nolck", "nolink",
        "nomem", "nomsg", "noprotoopt", "nospc", "nosys", "notconn", "notdir", "notempty",
        "notrecoverable", "notsock", "notsup", "notty", "nxio", "overflow", "ownerdead", "perm",
        "pipe", "proto", "protonosupport", "prototype", "range", "rofs", "spipe", "srch",
        "stale", "timedout", "txtbsy", "xdev", "notcapable",
    };
    if (e >= 0 && e < (int)(sizeof names / sizeof names[0])) return names[e];
    return "?";
}

// Line buffering, so that lines printed before a trap or a raw proc_exit
// still reach the harness.
__attribute__((constructor)) static void line_buffered_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

// Prints `label: N name` and hands the errno back so callers can branch on it.
static int report(const char *label, int e) {
    printf("%s: %d %s\n", label, e, errno_name(e));
    return e;
}

#define RIGHTS_ALL ((__wasi_rights_t)0x1fffffff)

static const __wasi_rights_t FILE_RIGHTS =
    __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK |
    __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL |
    __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |
    __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
    __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_POLL_FD_READWRITE;

static const __wasi_rights_t READ_RIGHTS =
    __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |
    __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_POLL_FD_READWRITE;

// What wasi-libc asks for when opening a directory read-only.
static const __wasi_rights_t DIR_RIGHTS = RIGHTS_ALL & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |
    __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);

// Opens `path` under `dirfd` following symlinks; returns the errno, the fd in *out.
static int open_at(__wasi_fd_t dirfd, const char *path, __wasi_oflags_t oflags,
                   __wasi_rights_t rights, __wasi_fdflags_t fdflags, __wasi_fd_t *out) {
    *out = (__wasi_fd_t)-1;
    return __wasi_path_open(dirfd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights,
                            RIGHTS_ALL, fdflags, out);
}

static int write_all(__wasi_fd_t fd, const void *data, size_t len) {
    const uint8_t *p = data;
    while (len > 0) {
        __wasi_ciovec_t iov = {p, len};
        __wasi_size_t n = 0;
        int e = __wasi_fd_write(fd, &iov, 1, &n);
        if (e != 0) return e;
        if (n == 0) return __WASI_ERRNO_IO;
        p += n;
        len -= n;
    }
    return 0;
}

// Prints bytes between quotes with C escapes, so a transcript stays one line.
static void print_quoted(const char *buf, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch == '\n') printf("\\n");
        else if (ch == '"' || ch == '\\') printf("\\%c", ch);
        else if (ch >= 32 && ch < 127) putchar(ch);
        else printf("\\%o", ch);
    }
    putchar('"');
}

// A directory's size and link count depend on the host file system, so only
// its type is printed.
static void print_filestat(const __wasi_filestat_t *st) {
    if (st->filetype == __WASI_FILETYPE_DIRECTORY) printf("  filetype %u\n", st->filetype);
    else printf("  filetype %u nlink %llu size %llu\n", st->filetype, (unsigned long long)st->nlink,
                (unsigned long long)st->size);
}

// Repeats a vectored fd_read/fd_write until every iovec is done or the call
// makes no progress. A runtime may transfer any prefix per call (Wasmtime
// moves only the first non-empty iovec), so only the total is meaningful.
static int transfer_all(int is_write, __wasi_fd_t fd, const __wasi_iovec_t *in, size_t count,
                        size_t *total, int *first_progress) {
    __wasi_iovec_t iovs[8];
    size_t start = 0;
    *total = 0;
    *first_progress = 0;
    memcpy(iovs, in, count * sizeof *iovs);
    for (int call = 0; call < 1000; call++) {
        while (start < count && iovs[start].buf_len == 0) start++;
        if (start == count) return 0;
        __wasi_size_t n = 0;
        int e = is_write ? __wasi_fd_write(fd, (const __wasi_ciovec_t *)&iovs[start], count - start, &n)
                         : __wasi_fd_read(fd, &iovs[start], count - start, &n);
        if (e != 0) return e;
        if (call == 0) *first_progress = n > 0;
        if (n == 0) return 0;
        *total += n;
        for (size_t i = start; i < count && n > 0; i++) {
            size_t take = n < iovs[i].buf_len ? n : iovs[i].buf_len;
            iovs[i].buf += take;
            iovs[i].buf_len -= take;
            n -= take;
        }
    }
    return __WASI_ERRNO_IO;
}

// Reads at most cap-1 bytes from the current position, NUL-terminated.
static int read_some(__wasi_fd_t fd, char *buf, size_t cap, size_t *got) {
    __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
    __wasi_size_t n = 0;
    int e = __wasi_fd_read(fd, &iov, 1, &n);
    buf[e == 0 ? n : 0] = 0;
    if (got) *got = e == 0 ? n : 0;
    return e;
}

#endif
