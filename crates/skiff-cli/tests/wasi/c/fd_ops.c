// The fd_* calls on a regular file, on the preopened directory and on stdio:
// positions, sizes, times, flags, rights, renumbering and closing. Run with
// one preopen (fd 3) of an empty scratch directory.
#include "common.h"

#define DIR 3

static void fdstat(const char *label, __wasi_fd_t fd) {
    __wasi_fdstat_t st;
    char l[96];
    snprintf(l, sizeof l, "fd_fdstat_get %s", label);
    if (report(l, __wasi_fd_fdstat_get(fd, &st)) != 0) return;
    printf("  filetype %u flags %#x base %#llx inheriting %#llx\n", st.fs_filetype, st.fs_flags,
           (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
}

static void filestat(const char *label, __wasi_fd_t fd) {
    __wasi_filestat_t st;
    char l[96];
    snprintf(l, sizeof l, "fd_filestat_get %s", label);
    if (report(l, __wasi_fd_filestat_get(fd, &st)) != 0) return;
    print_filestat(&st);
}

static void contents(const char *label, __wasi_fd_t fd) {
    char buf[128];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    char l[96];
    snprintf(l, sizeof l, "fd_pread %s", label);
    if (report(l, __wasi_fd_pread(fd, &iov, 1, 0, &n)) != 0) return;
    printf("  %u bytes ", (unsigned)n);
    print_quoted(buf, n);
    printf("\n");
}

static void seek(const char *label, __wasi_fd_t fd, __wasi_filedelta_t off, __wasi_whence_t whence) {
    __wasi_filesize_t pos = 0xdeadbeef;
    if (report(label, __wasi_fd_seek(fd, off, whence, &pos)) == 0) printf("  position %llu\n", (unsigned long long)pos);
}

static void tell(const char *label, __wasi_fd_t fd) {
    __wasi_filesize_t pos = 0xdeadbeef;
    if (report(label, __wasi_fd_tell(fd, &pos)) == 0) printf("  position %llu\n", (unsigned long long)pos);
}

static void prestat(void) {
    __wasi_prestat_t p;
    if (report("fd_prestat_get 3", __wasi_fd_prestat_get(DIR, &p)) == 0) {
        printf("  tag %u name_len %u\n", p.tag, (unsigned)p.u.dir.pr_name_len);
        char name[64];
        memset(name, '#', sizeof name);
        report("fd_prestat_dir_name 3", __wasi_fd_prestat_dir_name(DIR, (uint8_t *)name, p.u.dir.pr_name_len));
        // The name is not NUL-terminated: the byte after it stays untouched.
        printf("  name \"%.*s\" then '%c'\n", (int)p.u.dir.pr_name_len, name, name[p.u.dir.pr_name_len]);
        report("fd_prestat_dir_name 3 short buffer",
               __wasi_fd_prestat_dir_name(DIR, (uint8_t *)name, p.u.dir.pr_name_len - 1));
    }
    report("fd_prestat_get 4", __wasi_fd_prestat_get(4, &p));
    report("fd_prestat_get stdin", __wasi_fd_prestat_get(0, &p));
    char name[8];
    report("fd_prestat_dir_name stdout", __wasi_fd_prestat_dir_name(1, (uint8_t *)name, sizeof name));
}

int main(void) {
    prestat();
    fdstat("preopen", DIR);
    fdstat("stdin", 0);
    fdstat("stdout", 1);
    fdstat("stderr", 2);
    filestat("preopen", DIR);

    __wasi_fd_t fd;
    report("path_open file.txt create", open_at(DIR, "file.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, &fd));
    printf("  new fd is %u\n", fd);
    fdstat("file", fd);

    // Gathered writes: all iovecs in order, an empty one in the middle.
    __wasi_iovec_t parts[3] = {{(uint8_t *)"abc", 3}, {(uint8_t *)"", 0}, {(uint8_t *)"defgh", 5}};
    __wasi_size_t n = 0;
    size_t total;
    int progress;
    report("fd_write 3 iovecs", transfer_all(1, fd, parts, 3, &total, &progress));
    printf("  wrote %u, first call made progress: %s\n", (unsigned)total, progress ? "yes" : "no");
    tell("fd_tell after write", fd);

    seek("fd_seek 0 SET", fd, 0, __WASI_WHENCE_SET);
    char a[3], b[10];
    __wasi_iovec_t scatter[2] = {{(uint8_t *)a, 3}, {(uint8_t *)b, 10}};
    report("fd_read 2 iovecs", transfer_all(0, fd, scatter, 2, &total, &progress));
    printf("  read %u: \"%.3s\" \"%.*s\", first call made progress: %s\n", (unsigned)total, a,
           (int)(total > 3 ? total - 3 : 0), b, progress ? "yes" : "no");
    report("fd_read at end", __wasi_fd_read(fd, scatter, 2, &n));
    printf("  read %u\n", (unsigned)n);

    seek("fd_seek -2 END", fd, -2, __WASI_WHENCE_END);
    seek("fd_seek 1 CUR", fd, 1, __WASI_WHENCE_CUR);
    seek("fd_seek -100 CUR", fd, -100, __WASI_WHENCE_CUR);
    seek("fd_seek -1 SET", fd, -1, __WASI_WHENCE_SET);
    tell("fd_tell after failed seeks", fd);
    seek("fd_seek 100 SET (past end)", fd, 100, __WASI_WHENCE_SET);
    seek("fd_seek 0 CUR", fd, 0, __WASI_WHENCE_CUR);

    // pread/pwrite leave the position alone.
    seek("fd_seek 2 SET", fd, 2, __WASI_WHENCE_SET);
    char c[5] = {0};
    __wasi_iovec_t piov = {(uint8_t *)c, 4};
    report("fd_pread 4 at 3", __wasi_fd_pread(fd, &piov, 1, 3, &n));
    printf("  read %u \"%.*s\"\n", (unsigned)n, (int)n, c);
    report("fd_pread at 100", __wasi_fd_pread(fd, &piov, 1, 100, &n));
    printf("  read %u\n", (unsigned)n);
    __wasi_ciovec_t xy = {(const uint8_t *)"XY", 2};
    report("fd_pwrite XY at 1", __wasi_fd_pwrite(fd, &xy, 1, 1, &n));
    printf("  wrote %u\n", (unsigned)n);
    tell("fd_tell after pread/pwrite", fd);
    contents("file", fd);
    report("fd_pwrite at 12 (past end)", __wasi_fd_pwrite(fd, &xy, 1, 12, &n));
    contents("file", fd);
    filestat("file", fd);

    report("fd_filestat_set_size 4", __wasi_fd_filestat_set_size(fd, 4));
    contents("file", fd);
    report("fd_filestat_set_size 6", __wasi_fd_filestat_set_size(fd, 6));
    contents("file", fd);
    tell("fd_tell after set_size", fd);

    __wasi_filestat_t st;
    __wasi_timestamp_t atim = 1000000000ull * 1000000000ull + 123456789;
    __wasi_timestamp_t mtim = 1200000000ull * 1000000000ull + 987654321;
    report("fd_filestat_set_times both", __wasi_fd_filestat_set_times(fd, atim, mtim, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_fd_filestat_get(fd, &st);
    printf("  atim %llu mtim %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    report("fd_filestat_set_times mtim only", __wasi_fd_filestat_set_times(fd, 0, mtim + 1000000000ull, __WASI_FSTFLAGS_MTIM));
    __wasi_fd_filestat_get(fd, &st);
    printf("  atim %llu mtim %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    __wasi_timestamp_t now = 0;
    __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &now);
    report("fd_filestat_set_times mtim now", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    __wasi_fd_filestat_get(fd, &st);
    printf("  atim kept %s, mtim within 10s of now %s\n", st.atim == atim ? "yes" : "no",
           st.mtim + 10000000000ull > now && st.mtim < now + 10000000000ull ? "yes" : "no");
    report("fd_filestat_set_times atim and atim_now", __wasi_fd_filestat_set_times(fd, atim, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    report("fd_filestat_set_times mtim and mtim_now", __wasi_fd_filestat_set_times(fd, 0, mtim, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));

    for (int adv = 0; adv <= 5; adv++) {
        char l[64];
        snprintf(l, sizeof l, "fd_advise %d", adv);
        report(l, __wasi_fd_advise(fd, 0, 4, (__wasi_advice_t)adv));
    }
    report("fd_allocate 0 100", __wasi_fd_allocate(fd, 0, 100));
    filestat("file after allocate", fd);
    report("fd_datasync", __wasi_fd_datasync(fd));
    report("fd_sync", __wasi_fd_sync(fd));

    // APPEND makes every write land at the end, whatever the position.
    report("fd_fdstat_set_flags APPEND", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    fdstat("file with APPEND", fd);
    seek("fd_seek 0 SET", fd, 0, __WASI_WHENCE_SET);
    __wasi_ciovec_t z = {(const uint8_t *)"Z", 1};
    report("fd_write Z", __wasi_fd_write(fd, &z, 1, &n));
    contents("file", fd);
    report("fd_fdstat_set_flags 0", __wasi_fd_fdstat_set_flags(fd, 0));
    seek("fd_seek 0 SET", fd, 0, __WASI_WHENCE_SET);
    report("fd_write Z", __wasi_fd_write(fd, &z, 1, &n));
    contents("file", fd);
    report("fd_fdstat_set_flags NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
    report("fd_fdstat_set_flags SYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
    fdstat("file", fd);

    // Rights only ever shrink.
    report("fd_fdstat_set_rights drop read", __wasi_fd_fdstat_set_rights(fd, FILE_RIGHTS & ~__WASI_RIGHTS_FD_READ, 0));
    fdstat("file without read", fd);
    char r[4];
    __wasi_iovec_t riov = {(uint8_t *)r, sizeof r};
    report("fd_read without right", __wasi_fd_read(fd, &riov, 1, &n));
    report("fd_pread without right", __wasi_fd_pread(fd, &riov, 1, 0, &n));
    report("fd_write still allowed", __wasi_fd_write(fd, &z, 1, &n));
    report("fd_fdstat_set_rights raise read again", __wasi_fd_fdstat_set_rights(fd, FILE_RIGHTS, 0));
    report("fd_fdstat_set_rights drop seek+tell", __wasi_fd_fdstat_set_rights(fd, FILE_RIGHTS & ~(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL), 0));
    seek("fd_seek without right", fd, 0, __WASI_WHENCE_SET);
    tell("fd_tell without right", fd);
    report("fd_fdstat_set_rights drop all", __wasi_fd_fdstat_set_rights(fd, 0, 0));
    fdstat("file without rights", fd);
    report("fd_write without right", __wasi_fd_write(fd, &z, 1, &n));
    filestat("file without rights", fd);

    // Renumbering moves the description; the old number becomes free.
    __wasi_fd_t other;
    report("path_open other.txt create", open_at(DIR, "other.txt", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, &other));
    __wasi_ciovec_t o = {(const uint8_t *)"other", 5};
    report("fd_write other", __wasi_fd_write(other, &o, 1, &n));
    report("fd_renumber file -> other", __wasi_fd_renumber(fd, other));
    filestat("renumbered", other);
    report("fd_close old number", __wasi_fd_close(fd));
    report("fd_renumber to unused 40", __wasi_fd_renumber(other, 40));
    report("fd_renumber from unused 41", __wasi_fd_renumber(41, other));
    report("fd_renumber to itself", __wasi_fd_renumber(other, other));
    report("fd_close", __wasi_fd_close(other));
    report("fd_close again", __wasi_fd_close(other));

    // A read-only descriptor refuses writes and vice versa.
    __wasi_fd_t ro;
    report("path_open file.txt read-only", open_at(DIR, "file.txt", 0, READ_RIGHTS, 0, &ro));
    fdstat("read-only file", ro);
    report("fd_write on read-only", __wasi_fd_write(ro, &z, 1, &n));
    report("fd_filestat_set_size on read-only", __wasi_fd_filestat_set_size(ro, 0));
    report("fd_close read-only", __wasi_fd_close(ro));

    __wasi_fd_t wo;
    report("path_open file.txt write-only", open_at(DIR, "file.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, &wo));
    fdstat("write-only file", wo);
    report("fd_read on write-only", __wasi_fd_read(wo, &riov, 1, &n));
    report("fd_close write-only", __wasi_fd_close(wo));
    __wasi_fd_t sub;
    report("path_create_directory sub", __wasi_path_create_directory(DIR, "sub"));
    report("path_open sub", open_at(DIR, "sub", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &sub));
    fdstat("opened directory", sub);
    report("fd_close sub", __wasi_fd_close(sub));

    // Operations on the directory itself.
    report("fd_read on directory", __wasi_fd_read(DIR, &riov, 1, &n));
    report("fd_write on directory", __wasi_fd_write(DIR, &z, 1, &n));
    seek("fd_seek on directory", DIR, 0, __WASI_WHENCE_CUR);
    report("fd_filestat_set_size on directory", __wasi_fd_filestat_set_size(DIR, 0));
    report("fd_allocate on directory", __wasi_fd_allocate(DIR, 0, 1));
    report("fd_datasync on directory", __wasi_fd_datasync(DIR));
    report("fd_sync on directory", __wasi_fd_sync(DIR));

    // stdout is a pipe in the harness.
    seek("fd_seek on stdout", 1, 0, __WASI_WHENCE_CUR);
    tell("fd_tell on stdout", 1);
    __wasi_iovec_t out[3] = {{(uint8_t *)"stdout ", 7}, {(uint8_t *)"gathered ", 9}, {(uint8_t *)"write\n", 6}};
    fflush(stdout);
    report("fd_write stdout 3 iovecs", transfer_all(1, 1, out, 3, &total, &progress));
    printf("  wrote %u\n", (unsigned)total);

    // One large write to a file is not cut short.
    __wasi_fd_t big;
    report("path_open big.bin create", open_at(DIR, "big.bin", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, &big));
    size_t len = 1 << 20;
    uint8_t *buf = malloc(len);
    for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(i * 7 + (i >> 13));
    __wasi_ciovec_t biov = {buf, len};
    report("fd_write 1MiB", __wasi_fd_write(big, &biov, 1, &n));
    printf("  wrote %u\n", (unsigned)n);
    filestat("big.bin", big);
    report("fd_close big", __wasi_fd_close(big));
    return 0;
}
