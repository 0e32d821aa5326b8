// Corners of path_open, path_link and path_rename where runtimes have gone
// wrong: appending to a file opened with O_TRUNC, opening the preopen itself
// with and without write rights, the rights of a file opened through a hard
// link, and trailing slashes on every path call. Run with one preopen (fd 3,
// guest name ".") laid out by the harness as:
//   old.txt ("old contents\n"), file.txt ("hello\n"), dir/, dir/inner.txt,
//   symdir -> dir, dirlink -> <host>/outside (a host symlink out of the preopen),
//   emptydir/
// Lines print errnos and yes/no facts only, so skiff and Wasmtime print the
// same transcript whichever of the allowed behaviours they choose.
#include "common.h"

#include <fcntl.h>
#include <unistd.h>

#define DIR 3

// What wasi-libc asks for when opening a file write-only.
static const __wasi_rights_t WRITE_ONLY_RIGHTS =
    __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS |
    __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ADVISE |
    __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
    __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_POLL_FD_READWRITE;

static const char *yes(int b) { return b ? "yes" : "no"; }

// The whole file, read through a fresh descriptor.
static size_t slurp(const char *path, char *buf, size_t cap) {
    __wasi_fd_t fd;
    if (open_at(DIR, path, 0, READ_RIGHTS, 0, &fd) != 0) return 0;
    size_t n = 0;
    read_some(fd, buf, cap, &n);
    __wasi_fd_close(fd);
    return n;
}

static __wasi_filesize_t tell(__wasi_fd_t fd) {
    __wasi_filesize_t pos = (__wasi_filesize_t)-1;
    __wasi_fd_tell(fd, &pos);
    return pos;
}

static void write_str(const char *label, __wasi_fd_t fd, const char *s) {
    __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
    __wasi_size_t n = 0;
    report(label, __wasi_fd_write(fd, &iov, 1, &n));
}

static void append_after_truncate(void) {
    // wasi-libc's open(O_CREAT | O_TRUNC | O_WRONLY | O_APPEND) in raw form.
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    int e = report("path_open old.txt CREAT|TRUNC with APPEND",
                   __wasi_path_open(DIR, 0, "old.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                                    WRITE_ONLY_RIGHTS, 0, __WASI_FDFLAGS_APPEND, &fd));
    if (e != 0) return;
    __wasi_fdstat_t st;
    __wasi_fd_fdstat_get(fd, &st);
    printf("  APPEND flag set: %s\n", yes(st.fs_flags & __WASI_FDFLAGS_APPEND));
    write_str("fd_write abc", fd, "abc");
    __wasi_filesize_t pos;
    report("fd_seek 0 SET", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    write_str("fd_write de", fd, "de");
    char buf[64];
    size_t n = slurp("old.txt", buf, sizeof buf);
    printf("  old.txt is \"abcde\": %s\n", yes(n == 5 && memcmp(buf, "abcde", 5) == 0));
    __wasi_filesize_t before = tell(fd);
    printf("  position at the end: %s\n", yes(before == 5));
    __wasi_ciovec_t x = {(const uint8_t *)"X", 1};
    __wasi_size_t written = 0;
    report("fd_pwrite X at 0", __wasi_fd_pwrite(fd, &x, 1, 0, &written));
    printf("  position unchanged by pwrite: %s\n", yes(tell(fd) == before));
    n = slurp("old.txt", buf, sizeof buf);
    // POSIX writes at the offset, Linux at the end of a file opened to append.
    int at_end = n == 6 && memcmp(buf, "abcdeX", 6) == 0;
    int at_start = n == 5 && memcmp(buf, "Xbcde", 5) == 0;
    printf("  X at the end or at offset 0: %s\n", yes(at_end || at_start));
    __wasi_fd_close(fd);

    // The same through wasi-libc's open().
    int lfd = open("libc.txt", O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
    printf("open libc.txt O_CREAT|O_TRUNC|O_WRONLY|O_APPEND: %s\n", yes(lfd >= 0));
    if (lfd < 0) return;
    printf("  write one: %s\n", yes(write(lfd, "one ", 4) == 4));
    lseek(lfd, 0, SEEK_SET);
    printf("  write two: %s\n", yes(write(lfd, "two", 3) == 3));
    close(lfd);
    n = slurp("libc.txt", buf, sizeof buf);
    printf("  libc.txt is \"one two\": %s\n", yes(n == 7 && memcmp(buf, "one two", 7) == 0));
}

static void open_dot(const char *label, __wasi_oflags_t oflags, __wasi_rights_t base, __wasi_rights_t inheriting) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    char l[128];
    snprintf(l, sizeof l, "path_open %s", label);
    if (report(l, __wasi_path_open(DIR, 0, ".", oflags, base, inheriting, 0, &fd)) == 0) {
        __wasi_fdstat_t st;
        __wasi_fd_fdstat_get(fd, &st);
        printf("  filetype %u\n", st.fs_filetype);
        __wasi_fd_close(fd);
    }
}

static void open_preopen_itself(void) {
    __wasi_fdstat_t pre;
    __wasi_fd_fdstat_get(DIR, &pre);
    open_dot(". with the preopen's rights", 0, pre.fs_rights_base, pre.fs_rights_inheriting);
    open_dot(". with no rights", 0, 0, 0);
    open_dot(". DIRECTORY with no rights", __WASI_OFLAGS_DIRECTORY, 0, 0);
    open_dot(". DIRECTORY with read", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0);
    open_dot(". DIRECTORY with read and write", __WASI_OFLAGS_DIRECTORY,
             __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0);
    open_dot(". DIRECTORY with write", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0);
    open_dot(". with read and write", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0);
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    report("path_open dir DIRECTORY with write",
           __wasi_path_open(DIR, 0, "dir", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
}

static int same_fdstat(__wasi_fd_t a, __wasi_fd_t b) {
    __wasi_fdstat_t x, y;
    if (__wasi_fd_fdstat_get(a, &x) != 0 || __wasi_fd_fdstat_get(b, &y) != 0) return 0;
    return x.fs_filetype == y.fs_filetype && x.fs_flags == y.fs_flags && x.fs_rights_base == y.fs_rights_base &&
           x.fs_rights_inheriting == y.fs_rights_inheriting;
}

static void rights_through_hard_links(void) {
    __wasi_fd_t created, orig, link, sub, sublink;
    report("path_open made CREAT, no rights", __wasi_path_open(DIR, 0, "made", __WASI_OFLAGS_CREAT, 0, 0, 0, &created));
    __wasi_fd_close(created);
    report("path_open made, no rights", __wasi_path_open(DIR, 0, "made", 0, 0, 0, 0, &orig));
    report("path_link made -> hard", __wasi_path_link(DIR, 0, "made", DIR, "hard"));
    report("path_open hard, no rights", __wasi_path_open(DIR, 0, "hard", 0, 0, 0, 0, &link));
    printf("  same fdstat as made: %s\n", yes(same_fdstat(orig, link)));
    __wasi_fd_close(link);
    // Through a subdirectory opened with no rights to pass on.
    report("path_open dir DIRECTORY, no rights",
           __wasi_path_open(DIR, 0, "dir", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &sub));
    report("path_link made -> dir/hard", __wasi_path_link(DIR, 0, "made", sub, "hard"));
    report("path_open hard in dir, no rights", __wasi_path_open(sub, 0, "hard", 0, 0, 0, 0, &sublink));
    printf("  same fdstat as made: %s\n", yes(same_fdstat(orig, sublink)));
    __wasi_fd_close(sublink);
    // With the rights wasi-libc asks for to read, through both directories.
    __wasi_fd_t a, b;
    open_at(DIR, "made", 0, READ_RIGHTS, 0, &a);
    report("path_open hard in dir, read rights",
           __wasi_path_open(sub, 0, "hard", 0, READ_RIGHTS, RIGHTS_ALL, 0, &b));
    printf("  same fdstat as made: %s\n", yes(same_fdstat(a, b)));
    __wasi_fd_close(a);
    __wasi_fd_close(b);
    __wasi_fd_close(sub);
    __wasi_fd_close(orig);
    report("path_unlink_file dir/hard", __wasi_path_unlink_file(DIR, "dir/hard"));
    report("path_unlink_file hard", __wasi_path_unlink_file(DIR, "hard"));
}

static int exists(const char *path) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(DIR, 0, path, &st) == 0;
}

static __wasi_filetype_t type_of(const char *path) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(DIR, 0, path, &st) == 0 ? st.filetype : 0;
}

static void trailing_slashes(void) {
    // rename: a file's name never takes a trailing slash, on either side.
    report("path_rename file.txt -> new/", __wasi_path_rename(DIR, "file.txt", DIR, "new/"));
    printf("  new exists: %s\n", yes(exists("new")));
    report("path_rename file.txt -> symdir/", __wasi_path_rename(DIR, "file.txt", DIR, "symdir/"));
    printf("  symdir still a symlink: %s\n", yes(type_of("symdir") == __WASI_FILETYPE_SYMBOLIC_LINK));
    report("path_rename file.txt -> dirlink/", __wasi_path_rename(DIR, "file.txt", DIR, "dirlink/"));
    printf("  dirlink still a symlink: %s\n", yes(type_of("dirlink") == __WASI_FILETYPE_SYMBOLIC_LINK));
    report("path_rename file.txt/ -> target", __wasi_path_rename(DIR, "file.txt/", DIR, "target"));
    report("path_rename file.txt/ -> target/", __wasi_path_rename(DIR, "file.txt/", DIR, "target/"));
    printf("  file.txt still a file: %s\n", yes(type_of("file.txt") == __WASI_FILETYPE_REGULAR_FILE));
    // A directory may be named with one.
    report("path_rename emptydir/ -> moved/", __wasi_path_rename(DIR, "emptydir/", DIR, "moved/"));
    report("path_rename moved -> emptydir/", __wasi_path_rename(DIR, "moved", DIR, "emptydir/"));
    printf("  emptydir is a directory: %s\n", yes(type_of("emptydir") == __WASI_FILETYPE_DIRECTORY));

    // The other calls that name a file.
    report("path_link file.txt -> hard/", __wasi_path_link(DIR, 0, "file.txt", DIR, "hard/"));
    report("path_link file.txt/ -> hard", __wasi_path_link(DIR, 0, "file.txt/", DIR, "hard"));
    printf("  hard exists: %s\n", yes(exists("hard")));
    report("path_symlink file.txt -> sym/", __wasi_path_symlink("file.txt", DIR, "sym/"));
    printf("  sym exists: %s\n", yes(exists("sym")));
    report("path_unlink_file file.txt/", __wasi_path_unlink_file(DIR, "file.txt/"));
    report("path_unlink_file symdir/", __wasi_path_unlink_file(DIR, "symdir/"));
    printf("  symdir still a symlink: %s\n", yes(type_of("symdir") == __WASI_FILETYPE_SYMBOLIC_LINK));
    report("path_remove_directory file.txt/", __wasi_path_remove_directory(DIR, "file.txt/"));
    report("path_create_directory made_dir/", __wasi_path_create_directory(DIR, "made_dir/"));
    printf("  made_dir is a directory: %s\n", yes(type_of("made_dir") == __WASI_FILETYPE_DIRECTORY));
    report("path_remove_directory made_dir/", __wasi_path_remove_directory(DIR, "made_dir/"));
    __wasi_filestat_t st;
    report("path_filestat_get file.txt/", __wasi_path_filestat_get(DIR, 0, "file.txt/", &st));
    report("path_filestat_get dir/", __wasi_path_filestat_get(DIR, 0, "dir/", &st));
    report("path_filestat_set_times file.txt/",
           __wasi_path_filestat_set_times(DIR, 0, "file.txt/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    __wasi_fd_t fd;
    report("path_open file.txt/", __wasi_path_open(DIR, 0, "file.txt/", 0, READ_RIGHTS, 0, 0, &fd));
    report("path_open fresh/ CREAT",
           __wasi_path_open(DIR, 0, "fresh/", __WASI_OFLAGS_CREAT, WRITE_ONLY_RIGHTS, 0, 0, &fd));
    printf("  fresh exists: %s\n", yes(exists("fresh")));
    char buf[16];
    __wasi_size_t used;
    report("path_readlink symdir/", __wasi_path_readlink(DIR, "symdir/", (uint8_t *)buf, sizeof buf, &used));
}

int main(void) {
    append_after_truncate();
    open_preopen_itself();
    rights_through_hard_links();
    trailing_slashes();
    return 0;
}
