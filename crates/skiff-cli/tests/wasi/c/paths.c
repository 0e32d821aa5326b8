// The path_* calls, each on its success path and its usual failures. Run with
// one preopen (fd 3) laid out by the harness as:
//   file.txt ("hello\n"), nonempty/x, emptydir/, link -> file.txt,
//   dangling -> missing, dirlink -> nonempty, dangling2 -> made_by_link.txt
#include "common.h"

#define DIR 3

static void stat_path(const char *label, __wasi_lookupflags_t flags, const char *path) {
    __wasi_filestat_t st;
    char l[128];
    snprintf(l, sizeof l, "path_filestat_get %s", label);
    if (report(l, __wasi_path_filestat_get(DIR, flags, path, &st)) == 0)
        print_filestat(&st);
}

static void try_open(const char *label, const char *path, __wasi_lookupflags_t lookup,
                     __wasi_oflags_t oflags, __wasi_rights_t rights) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    char l[128];
    snprintf(l, sizeof l, "path_open %s", label);
    if (report(l, __wasi_path_open(DIR, lookup, path, oflags, rights, RIGHTS_ALL, 0, &fd)) == 0) {
        __wasi_fdstat_t st;
        __wasi_fd_fdstat_get(fd, &st);
        printf("  filetype %u\n", st.fs_filetype);
        __wasi_fd_close(fd);
    }
}

static void readlink(const char *label, const char *path, size_t cap) {
    char buf[64];
    memset(buf, '#', sizeof buf);
    __wasi_size_t n = 0;
    char l[128];
    snprintf(l, sizeof l, "path_readlink %s", label);
    if (report(l, __wasi_path_readlink(DIR, path, (uint8_t *)buf, cap, &n)) == 0)
        printf("  %u bytes \"%.*s\" then '%c'\n", (unsigned)n, (int)n, buf, buf[n]);
}

static void show_file(const char *path) {
    __wasi_fd_t fd;
    char buf[64];
    if (open_at(DIR, path, 0, READ_RIGHTS, 0, &fd) != 0) {
        printf("  %s: cannot open\n", path);
        return;
    }
    size_t n = 0;
    read_some(fd, buf, sizeof buf, &n);
    printf("  %s contains ", path);
    print_quoted(buf, n);
    printf("\n");
    __wasi_fd_close(fd);
}

int main(void) {
    const __wasi_lookupflags_t FOLLOW = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;

    // path_create_directory
    report("path_create_directory newdir", __wasi_path_create_directory(DIR, "newdir"));
    report("path_create_directory newdir again", __wasi_path_create_directory(DIR, "newdir"));
    report("path_create_directory newdir/inner", __wasi_path_create_directory(DIR, "newdir/inner"));
    report("path_create_directory missing/inner", __wasi_path_create_directory(DIR, "missing/inner"));
    report("path_create_directory over file", __wasi_path_create_directory(DIR, "file.txt"));
    report("path_create_directory under file", __wasi_path_create_directory(DIR, "file.txt/inner"));
    report("path_create_directory empty path", __wasi_path_create_directory(DIR, ""));

    // path_filestat_get, following and not following links
    stat_path("file.txt", 0, "file.txt");
    stat_path("nonempty", 0, "nonempty");
    stat_path("link follow", FOLLOW, "link");
    stat_path("link nofollow", 0, "link");
    stat_path("dangling follow", FOLLOW, "dangling");
    stat_path("dangling nofollow", 0, "dangling");
    stat_path("dirlink/x follow", FOLLOW, "dirlink/x");
    stat_path("dirlink/x nofollow", 0, "dirlink/x");
    stat_path("missing", 0, "missing");
    stat_path("file.txt/", 0, "file.txt/");
    stat_path("file.txt/x", 0, "file.txt/x");
    stat_path(".", 0, ".");
    stat_path("empty path", 0, "");

    // path_filestat_set_times
    const __wasi_timestamp_t T1 = 1100000000ull * 1000000000ull + 5;
    const __wasi_timestamp_t T2 = 1300000000ull * 1000000000ull + 7;
    __wasi_filestat_t st;
    report("path_filestat_set_times file.txt", __wasi_path_filestat_set_times(DIR, 0, "file.txt", T1, T2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_path_filestat_get(DIR, 0, "file.txt", &st);
    printf("  atim %llu mtim %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    report("path_filestat_set_times link follow", __wasi_path_filestat_set_times(DIR, FOLLOW, "link", T2, T1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_path_filestat_get(DIR, 0, "file.txt", &st);
    printf("  target atim %llu mtim %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    report("path_filestat_set_times link nofollow", __wasi_path_filestat_set_times(DIR, 0, "link", T1, T1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_path_filestat_get(DIR, 0, "file.txt", &st);
    printf("  target atim %llu mtim %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    report("path_filestat_set_times missing", __wasi_path_filestat_set_times(DIR, 0, "missing", T1, T1, __WASI_FSTFLAGS_ATIM));
    report("path_filestat_set_times mtim and mtim_now", __wasi_path_filestat_set_times(DIR, 0, "file.txt", 0, T1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));

    // path_open
    try_open("new.txt CREAT", "new.txt", FOLLOW, __WASI_OFLAGS_CREAT, FILE_RIGHTS);
    try_open("new.txt CREAT|EXCL", "new.txt", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, FILE_RIGHTS);
    try_open("fresh.txt CREAT|EXCL", "fresh.txt", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, FILE_RIGHTS);
    try_open("link CREAT|EXCL", "link", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, FILE_RIGHTS);
    try_open("missing", "missing", FOLLOW, 0, READ_RIGHTS);
    try_open("missing/x CREAT", "missing/x", FOLLOW, __WASI_OFLAGS_CREAT, FILE_RIGHTS);
    try_open("file.txt DIRECTORY", "file.txt", FOLLOW, __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS);
    try_open("file.txt/", "file.txt/", FOLLOW, 0, READ_RIGHTS);
    try_open("nonempty for write", "nonempty", FOLLOW, 0, FILE_RIGHTS);
    try_open("nonempty read-only", "nonempty", FOLLOW, 0, DIR_RIGHTS);
    try_open("nonempty DIRECTORY", "nonempty", FOLLOW, __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS);
    try_open("nonempty CREAT", "nonempty", FOLLOW, __WASI_OFLAGS_CREAT, FILE_RIGHTS);
    try_open("nonempty TRUNC", "nonempty", FOLLOW, __WASI_OFLAGS_TRUNC, FILE_RIGHTS);
    try_open("link follow", "link", FOLLOW, 0, READ_RIGHTS);
    try_open("link nofollow", "link", 0, 0, READ_RIGHTS);
    try_open("dangling follow", "dangling", FOLLOW, 0, READ_RIGHTS);
    try_open("dangling2 CREAT|EXCL", "dangling2", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, FILE_RIGHTS);
    try_open("dangling2 CREAT", "dangling2", FOLLOW, __WASI_OFLAGS_CREAT, FILE_RIGHTS);
    try_open("dirlink DIRECTORY follow", "dirlink", FOLLOW, __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS);
    try_open("dirlink DIRECTORY nofollow", "dirlink", 0, __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS);
    try_open(". DIRECTORY", ".", FOLLOW, __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS);
    try_open("empty path", "", FOLLOW, 0, READ_RIGHTS);
    show_file("file.txt");
    __wasi_fd_t fd;
    report("path_open file.txt TRUNC", open_at(DIR, "file.txt", __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, &fd));
    __wasi_fd_filestat_get(fd, &st);
    printf("  size after TRUNC %llu\n", (unsigned long long)st.size);
    write_all(fd, "rewritten\n", 10);
    __wasi_fd_close(fd);
    report("path_open file.txt APPEND", open_at(DIR, "file.txt", 0, FILE_RIGHTS, __WASI_FDFLAGS_APPEND, &fd));
    write_all(fd, "tail\n", 5);
    __wasi_fd_close(fd);
    show_file("file.txt");
    report("path_open on a closed dirfd", __wasi_path_open(77, 0, "file.txt", 0, READ_RIGHTS, 0, 0, &fd));
    report("path_open relative to a file fd", (open_at(DIR, "file.txt", 0, READ_RIGHTS, 0, &fd),
           __wasi_path_open(fd, 0, "x", 0, READ_RIGHTS, 0, 0, &fd)));

    // path_readlink
    readlink("link", "link", 64);
    readlink("dangling", "dangling", 64);
    readlink("link into 3 bytes", "link", 3);
    readlink("link into 0 bytes", "link", 0);
    readlink("file.txt", "file.txt", 64);
    readlink("missing", "missing", 64);
    readlink("nonempty", "nonempty", 64);

    // path_symlink
    report("path_symlink file.txt -> newlink", __wasi_path_symlink("file.txt", DIR, "newlink"));
    readlink("newlink", "newlink", 64);
    show_file("newlink");
    report("path_symlink over existing", __wasi_path_symlink("file.txt", DIR, "new.txt"));
    report("path_symlink into missing dir", __wasi_path_symlink("file.txt", DIR, "missing/l"));
    report("path_symlink dangling", __wasi_path_symlink("nowhere", DIR, "newdangling"));
    stat_path("newdangling nofollow", 0, "newdangling");

    // path_link
    report("path_link file.txt -> hard.txt", __wasi_path_link(DIR, 0, "file.txt", DIR, "hard.txt"));
    stat_path("file.txt", 0, "file.txt");
    report("path_link onto existing", __wasi_path_link(DIR, 0, "file.txt", DIR, "new.txt"));
    report("path_link missing source", __wasi_path_link(DIR, 0, "missing", DIR, "x"));
    report("path_link directory", __wasi_path_link(DIR, 0, "nonempty", DIR, "dirhard"));
    report("path_link symlink nofollow", __wasi_path_link(DIR, 0, "link", DIR, "linkhard"));
    stat_path("linkhard nofollow", 0, "linkhard");
    report("path_link symlink follow", __wasi_path_link(DIR, FOLLOW, "link", DIR, "linkhard2"));
    stat_path("linkhard2 nofollow", 0, "linkhard2");

    // path_rename
    report("path_rename new.txt -> renamed.txt", __wasi_path_rename(DIR, "new.txt", DIR, "renamed.txt"));
    stat_path("new.txt", 0, "new.txt");
    report("path_rename missing", __wasi_path_rename(DIR, "missing", DIR, "x"));
    report("path_rename file over file", __wasi_path_rename(DIR, "fresh.txt", DIR, "renamed.txt"));
    report("path_rename file over dir", __wasi_path_rename(DIR, "renamed.txt", DIR, "emptydir"));
    report("path_rename dir over file", __wasi_path_rename(DIR, "emptydir", DIR, "renamed.txt"));
    report("path_rename dir over nonempty dir", __wasi_path_rename(DIR, "emptydir", DIR, "nonempty"));
    report("path_rename dir into itself", __wasi_path_rename(DIR, "newdir", DIR, "newdir/inner/x"));
    report("path_rename dir", __wasi_path_rename(DIR, "newdir", DIR, "moved"));
    report("path_rename file.txt/ trailing slash", __wasi_path_rename(DIR, "file.txt/", DIR, "y"));

    // path_unlink_file
    report("path_unlink_file hard.txt", __wasi_path_unlink_file(DIR, "hard.txt"));
    report("path_unlink_file hard.txt again", __wasi_path_unlink_file(DIR, "hard.txt"));
    report("path_unlink_file directory", __wasi_path_unlink_file(DIR, "emptydir"));
    report("path_unlink_file newlink", __wasi_path_unlink_file(DIR, "newlink"));
    report("path_unlink_file dirlink", __wasi_path_unlink_file(DIR, "dirlink"));
    report("path_unlink_file file.txt/", __wasi_path_unlink_file(DIR, "file.txt/"));
    stat_path("file.txt", 0, "file.txt");

    // path_remove_directory
    report("path_remove_directory nonempty", __wasi_path_remove_directory(DIR, "nonempty"));
    report("path_remove_directory file", __wasi_path_remove_directory(DIR, "renamed.txt"));
    report("path_remove_directory missing", __wasi_path_remove_directory(DIR, "missing"));
    report("path_remove_directory symlink", __wasi_path_remove_directory(DIR, "linkhard"));
    report("path_remove_directory moved/inner", __wasi_path_remove_directory(DIR, "moved/inner"));
    report("path_remove_directory emptydir", __wasi_path_remove_directory(DIR, "emptydir"));
    report("path_remove_directory .", __wasi_path_remove_directory(DIR, "."));
    return 0;
}
