// A one-connection echo server on the listening socket the runtime hands over
// with `-S tcplisten=ADDR` (fd 3 when there is no --dir); with the argument
// `refusals`, the sock_* calls on things that are not sockets instead. It waits for the
// client with poll_oneoff so that a missing client ends the run after a
// bounded time instead of hanging, echoes every byte back, and shuts down its
// write side when the client has shut down its own.
#include "common.h"

#define LISTENER 3
#define MS 1000000ull

// Waits until `fd` is readable or `ms` pass; returns 1 if readable.
static int wait_readable(__wasi_fd_t fd, unsigned ms) {
    __wasi_subscription_t subs[2];
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 1;
    subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[0].u.u.fd_read.file_descriptor = fd;
    subs[1].userdata = 2;
    subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[1].u.u.clock.timeout = ms * MS;
    __wasi_event_t ev[2];
    __wasi_size_t n = 0;
    if (__wasi_poll_oneoff(subs, ev, 2, &n) != 0) return 0;
    for (__wasi_size_t i = 0; i < n; i++)
        if (ev[i].userdata == 1 && ev[i].error == 0) return 1;
    return 0;
}

// The sock_* calls on descriptors that are not sockets. Run with one
// preopen (fd 3) holding file.txt and no listening socket.
static int refusals(void) {
    __wasi_fd_t conn = 0, file = 0;
    uint8_t byte;
    __wasi_iovec_t one = {&byte, 1};
    __wasi_size_t n = 0;
    __wasi_roflags_t roflags = 0;
    report("path_open file.txt", open_at(3, "file.txt", 0, FILE_RIGHTS, 0, &file));
    report("sock_accept on stdin", __wasi_sock_accept(0, 0, &conn));
    report("sock_accept on directory", __wasi_sock_accept(3, 0, &conn));
    report("sock_accept on file", __wasi_sock_accept(file, 0, &conn));
    report("sock_accept on bad fd", __wasi_sock_accept(42, 0, &conn));
    report("sock_recv on stdin", __wasi_sock_recv(0, &one, 1, 0, &n, &roflags));
    report("sock_recv on file", __wasi_sock_recv(file, &one, 1, 0, &n, &roflags));
    report("sock_recv on bad fd", __wasi_sock_recv(42, &one, 1, 0, &n, &roflags));
    report("sock_send on stdout", __wasi_sock_send(1, (const __wasi_ciovec_t *)&one, 1, 0, &n));
    report("sock_send on file", __wasi_sock_send(file, (const __wasi_ciovec_t *)&one, 1, 0, &n));
    report("sock_send on bad fd", __wasi_sock_send(42, (const __wasi_ciovec_t *)&one, 1, 0, &n));
    report("sock_shutdown on stdout", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR));
    report("sock_shutdown on file", __wasi_sock_shutdown(file, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
    report("sock_shutdown on bad fd", __wasi_sock_shutdown(42, __WASI_SDFLAGS_WR));
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "refusals") == 0) return refusals();

    __wasi_fdstat_t st;
    report("fd_fdstat_get listener", __wasi_fd_fdstat_get(LISTENER, &st));
    printf("  filetype %u\n", st.fs_filetype);
    __wasi_fd_t conn = 0;
    uint8_t byte;
    __wasi_iovec_t one = {&byte, 1};
    __wasi_size_t n = 0;
    __wasi_roflags_t roflags = 0;

    // The harness connects only after "ready", so the queue is empty here.
    int e = __wasi_sock_accept(LISTENER, __WASI_FDFLAGS_NONBLOCK, &conn);
    printf("ready\n");
    fflush(stdout);
    report("sock_accept before any client", e);
    if (e == 0) return 1;

    if (!wait_readable(LISTENER, 10000)) {
        printf("no client within 10s\n");
        return 1;
    }
    e = __wasi_sock_accept(LISTENER, 0, &conn);
    report("sock_accept", e);
    if (e != 0) return 1;
    __wasi_fdstat_t cst;
    report("fd_fdstat_get connection", __wasi_fd_fdstat_get(conn, &cst));
    printf("  filetype %u\n", cst.fs_filetype);

    size_t total = 0;
    int recvs = 0;
    char buf[256];
    for (int round = 0; round < 10000; round++) {
        __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
        e = __wasi_sock_recv(conn, &iov, 1, 0, &n, &roflags);
        if (e == __WASI_ERRNO_AGAIN) {
            if (!wait_readable(conn, 10000)) {
                printf("client went quiet\n");
                return 1;
            }
            continue;
        }
        if (e != 0) {
            report("sock_recv", e);
            return 1;
        }
        if (n == 0) break;
        recvs++;
        total += n;
        __wasi_ciovec_t out = {(const uint8_t *)buf, n};
        size_t sent = 0;
        while (sent < n) {
            __wasi_size_t w = 0;
            out.buf = (const uint8_t *)buf + sent;
            out.buf_len = n - sent;
            e = __wasi_sock_send(conn, &out, 1, 0, &w);
            if (e != 0) {
                report("sock_send", e);
                return 1;
            }
            sent += w;
        }
    }
    printf("echoed %u bytes, received something: %s\n", (unsigned)total, recvs > 0 ? "yes" : "no");
    report("sock_shutdown WR", __wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR));
    report("fd_close connection", __wasi_fd_close(conn));
    report("sock_recv on closed connection", __wasi_sock_recv(conn, &one, 1, 0, &n, &roflags));
    return 0;
}
