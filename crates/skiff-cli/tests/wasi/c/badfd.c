// Every call that takes a descriptor, given one that was never open (99) and
// one that was open and has just been closed. Run with one preopen (fd 3)
// holding file.txt.
#include "common.h"

static void all_calls(const char *what, __wasi_fd_t fd) {
    char label[96];
    uint8_t buf[64];
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_size_t n = 0;
    __wasi_filesize_t pos = 0;
    __wasi_fdstat_t fdst;
    __wasi_filestat_t st;
    __wasi_prestat_t pre;
    __wasi_fd_t out = 0;
    __wasi_roflags_t roflags = 0;
#define CALL(name, expr)                                 \
    snprintf(label, sizeof label, "%s %s", name, what); \
    report(label, expr)
    CALL("fd_advise", __wasi_fd_advise(fd, 0, 1, __WASI_ADVICE_NORMAL));
    CALL("fd_allocate", __wasi_fd_allocate(fd, 0, 1));
    CALL("fd_datasync", __wasi_fd_datasync(fd));
    CALL("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fdst));
    CALL("fd_fdstat_set_flags", __wasi_fd_fdstat_set_flags(fd, 0));
    CALL("fd_fdstat_set_rights", __wasi_fd_fdstat_set_rights(fd, 0, 0));
    CALL("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
    CALL("fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0));
    CALL("fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CALL("fd_pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
    CALL("fd_prestat_get", __wasi_fd_prestat_get(fd, &pre));
    CALL("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(fd, buf, sizeof buf));
    CALL("fd_pwrite", __wasi_fd_pwrite(fd, (const __wasi_ciovec_t *)&iov, 1, 0, &n));
    CALL("fd_read", __wasi_fd_read(fd, &iov, 1, &n));
    CALL("fd_readdir", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &n));
    CALL("fd_renumber from", __wasi_fd_renumber(fd, 1));
    CALL("fd_renumber to", __wasi_fd_renumber(2, fd));
    CALL("fd_seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    CALL("fd_sync", __wasi_fd_sync(fd));
    CALL("fd_tell", __wasi_fd_tell(fd, &pos));
    CALL("fd_write", __wasi_fd_write(fd, (const __wasi_ciovec_t *)&iov, 1, &n));
    CALL("path_create_directory", __wasi_path_create_directory(fd, "d"));
    CALL("path_filestat_get", __wasi_path_filestat_get(fd, 0, "file.txt", &st));
    CALL("path_filestat_set_times", __wasi_path_filestat_set_times(fd, 0, "file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CALL("path_link from", __wasi_path_link(fd, 0, "file.txt", 3, "l"));
    CALL("path_link to", __wasi_path_link(3, 0, "file.txt", fd, "l"));
    CALL("path_open", __wasi_path_open(fd, 0, "file.txt", 0, READ_RIGHTS, 0, 0, &out));
    CALL("path_readlink", __wasi_path_readlink(fd, "file.txt", buf, sizeof buf, &n));
    CALL("path_remove_directory", __wasi_path_remove_directory(fd, "d"));
    CALL("path_rename from", __wasi_path_rename(fd, "file.txt", 3, "r"));
    CALL("path_rename to", __wasi_path_rename(3, "file.txt", fd, "r"));
    CALL("path_symlink", __wasi_path_symlink("file.txt", fd, "s"));
    CALL("path_unlink_file", __wasi_path_unlink_file(fd, "file.txt"));
    CALL("sock_accept", __wasi_sock_accept(fd, 0, &out));
    CALL("sock_recv", __wasi_sock_recv(fd, &iov, 1, 0, &n, &roflags));
    CALL("sock_send", __wasi_sock_send(fd, (const __wasi_ciovec_t *)&iov, 1, 0, &n));
    CALL("sock_shutdown", __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR));
    CALL("fd_close", __wasi_fd_close(fd));
#undef CALL
}

int main(void) {
    all_calls("never open", 99);
    __wasi_fd_t fd;
    report("path_open file.txt", open_at(3, "file.txt", 0, FILE_RIGHTS, 0, &fd));
    report("fd_close", __wasi_fd_close(fd));
    all_calls("closed", fd);
    // The preopen itself can be closed like any descriptor.
    report("fd_close preopen", __wasi_fd_close(3));
    all_calls("closed preopen", 3);
    return 0;
}
