// Attempts to leave the preopened directory. Run with one preopen (fd 3)
// mapped to the guest name /sandbox, laid out by the harness as:
//   inside.txt, sub/inner.txt, abs_link -> <host>/outside/secret.txt,
//   abs_inside_link -> <host>/sandbox/inside.txt, sub/rel_out -> ../../outside/secret.txt,
//   chain1 -> chain2 -> sub/chain3 -> ../../outside/secret.txt, in_link -> sub/inner.txt,
//   sub/up_link -> ../inside.txt, dir_out -> ../outside, loop1 -> loop2 -> loop1
// and a sibling directory outside/ holding secret.txt. Every attempt prints
// its errno; a successful open prints what it read, so a leak shows up as text.
#include "common.h"

#define DIR 3

static void open_path(const char *path, __wasi_lookupflags_t lookup) {
    __wasi_fd_t fd;
    char label[160];
    snprintf(label, sizeof label, "path_open %s%s", path, lookup ? "" : " (nofollow)");
    int e = __wasi_path_open(DIR, lookup, path, 0, READ_RIGHTS, 0, 0, &fd);
    report(label, e);
    if (e != 0) return;
    __wasi_filestat_t st;
    __wasi_fd_filestat_get(fd, &st);
    if (st.filetype == __WASI_FILETYPE_REGULAR_FILE) {
        char buf[64];
        size_t n = 0;
        read_some(fd, buf, sizeof buf, &n);
        printf("  read ");
        print_quoted(buf, n);
        printf("\n");
    } else {
        printf("  filetype %u\n", st.filetype);
    }
    __wasi_fd_close(fd);
}

static void stat_path(const char *path, __wasi_lookupflags_t lookup) {
    __wasi_filestat_t st;
    char label[160];
    snprintf(label, sizeof label, "path_filestat_get %s%s", path, lookup ? "" : " (nofollow)");
    if (report(label, __wasi_path_filestat_get(DIR, lookup, path, &st)) != 0) return;
    // A link's size is the length of its text, which for an absolute link
    // depends on where the harness made its temporary directory.
    if (st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK) printf("  filetype %u\n", st.filetype);
    else printf("  filetype %u size %llu\n", st.filetype, (unsigned long long)st.size);
}

int main(void) {
    const __wasi_lookupflags_t FOLLOW = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;

    // Plain paths.
    open_path("inside.txt", FOLLOW);
    open_path("sub/../inside.txt", FOLLOW);
    open_path("./sub/./inner.txt", FOLLOW);
    open_path(".", FOLLOW);
    open_path("sub/..", FOLLOW);
    open_path("..", FOLLOW);
    open_path("../outside/secret.txt", FOLLOW);
    open_path("sub/../../outside/secret.txt", FOLLOW);
    open_path("sub/../../sandbox/inside.txt", FOLLOW);
    open_path("/etc/passwd", FOLLOW);
    open_path("/sandbox/inside.txt", FOLLOW);
    open_path("/", FOLLOW);
    open_path("inside.txt/../inside.txt", FOLLOW);

    // Symlinks.
    open_path("in_link", FOLLOW);
    open_path("sub/up_link", FOLLOW);
    open_path("abs_link", FOLLOW);
    open_path("abs_link", 0);
    open_path("abs_inside_link", FOLLOW);
    open_path("sub/rel_out", FOLLOW);
    open_path("chain1", FOLLOW);
    open_path("dir_out/secret.txt", FOLLOW);
    open_path("dir_out", FOLLOW);
    open_path("loop1", FOLLOW);

    stat_path("in_link", FOLLOW);
    stat_path("abs_link", FOLLOW);
    stat_path("abs_link", 0);
    stat_path("sub/rel_out", FOLLOW);
    stat_path("sub/rel_out", 0);
    stat_path("chain1", FOLLOW);
    stat_path("dir_out/secret.txt", 0);
    stat_path("../outside/secret.txt", 0);
    stat_path("/etc/passwd", 0);
    stat_path("loop1", FOLLOW);

    // Reading a link's own text is allowed when the link is inside, whatever
    // it points at; the absolute one would name a host path, so only its
    // shape is printed.
    char buf[256];
    __wasi_size_t n = 0;
    if (report("path_readlink sub/rel_out", __wasi_path_readlink(DIR, "sub/rel_out", (uint8_t *)buf, sizeof buf, &n)) == 0)
        printf("  \"%.*s\"\n", (int)n, buf);
    if (report("path_readlink abs_link", __wasi_path_readlink(DIR, "abs_link", (uint8_t *)buf, sizeof buf, &n)) == 0)
        printf("  starts with '/': %s\n", n > 0 && buf[0] == '/' ? "yes" : "no");
    report("path_readlink ../outside", __wasi_path_readlink(DIR, "dir_out/../outside", (uint8_t *)buf, sizeof buf, &n));

    // Creating links that point out is one thing; using them is another.
    report("path_symlink ../outside/secret.txt -> made_rel", __wasi_path_symlink("../outside/secret.txt", DIR, "made_rel"));
    open_path("made_rel", FOLLOW);
    report("path_symlink /etc/passwd -> made_abs", __wasi_path_symlink("/etc/passwd", DIR, "made_abs"));
    open_path("made_abs", FOLLOW);
    report("path_symlink inside.txt -> ../made_out", __wasi_path_symlink("inside.txt", DIR, "../made_out"));
    report("path_symlink sub/inner.txt -> made_in", __wasi_path_symlink("sub/inner.txt", DIR, "made_in"));
    open_path("made_in", FOLLOW);

    // Writes that would land outside.
    __wasi_fd_t fd;
    report("path_open ../created.txt CREAT", __wasi_path_open(DIR, FOLLOW, "../created.txt", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, &fd));
    report("path_open dir_out/created.txt CREAT", __wasi_path_open(DIR, FOLLOW, "dir_out/created.txt", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, &fd));
    report("path_open abs_link TRUNC", __wasi_path_open(DIR, FOLLOW, "abs_link", __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, 0, &fd));
    report("path_open sub/rel_out TRUNC", __wasi_path_open(DIR, FOLLOW, "sub/rel_out", __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, 0, &fd));
    report("path_create_directory ../newdir", __wasi_path_create_directory(DIR, "../newdir"));
    report("path_create_directory dir_out/newdir", __wasi_path_create_directory(DIR, "dir_out/newdir"));
    report("path_rename inside.txt -> ../escaped.txt", __wasi_path_rename(DIR, "inside.txt", DIR, "../escaped.txt"));
    report("path_rename inside.txt -> dir_out/escaped.txt", __wasi_path_rename(DIR, "inside.txt", DIR, "dir_out/escaped.txt"));
    report("path_rename ../outside/secret.txt -> stolen.txt", __wasi_path_rename(DIR, "../outside/secret.txt", DIR, "stolen.txt"));
    report("path_link inside.txt -> ../linked.txt", __wasi_path_link(DIR, 0, "inside.txt", DIR, "../linked.txt"));
    report("path_link ../outside/secret.txt -> stolen.txt", __wasi_path_link(DIR, 0, "../outside/secret.txt", DIR, "stolen.txt"));
    report("path_link dir_out/secret.txt -> stolen.txt", __wasi_path_link(DIR, 0, "dir_out/secret.txt", DIR, "stolen.txt"));
    report("path_unlink_file ../outside/secret.txt", __wasi_path_unlink_file(DIR, "../outside/secret.txt"));
    report("path_unlink_file dir_out/secret.txt", __wasi_path_unlink_file(DIR, "dir_out/secret.txt"));
    report("path_remove_directory ../outside/dir", __wasi_path_remove_directory(DIR, "../outside/dir"));
    report("path_remove_directory dir_out/dir", __wasi_path_remove_directory(DIR, "dir_out/dir"));
    report("path_filestat_set_times ../outside/secret.txt", __wasi_path_filestat_set_times(DIR, 0, "../outside/secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    report("path_filestat_set_times abs_link", __wasi_path_filestat_set_times(DIR, FOLLOW, "abs_link", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));

    // A directory opened inside is a new root of its own: .. from it is out.
    __wasi_fd_t sub;
    report("path_open sub", __wasi_path_open(DIR, FOLLOW, "sub", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, DIR_RIGHTS | FILE_RIGHTS, 0, &sub));
    report("path_open sub + ../inside.txt", __wasi_path_open(sub, FOLLOW, "../inside.txt", 0, READ_RIGHTS, 0, 0, &fd));
    report("path_open sub + up_link", __wasi_path_open(sub, FOLLOW, "up_link", 0, READ_RIGHTS, 0, 0, &fd));
    report("path_open sub + inner.txt", __wasi_path_open(sub, FOLLOW, "inner.txt", 0, READ_RIGHTS, 0, 0, &fd));
    return 0;
}
