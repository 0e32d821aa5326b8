// poll_oneoff: clock subscriptions (relative and absolute), fd readiness on a
// regular file, several subscriptions at once, and the error cases. Run with
// one preopen (fd 3) holding data.txt (10 bytes). Elapsed times are checked
// against lower bounds only, and printed as yes/no.
#include "common.h"

#define DIR 3
#define MS 1000000ull

static __wasi_timestamp_t now(__wasi_clockid_t id) {
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(id, 1, &t) != 0) printf("clock_time_get failed\n");
    return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id, __wasi_timestamp_t timeout,
                                       __wasi_subclockflags_t flags) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.precision = 0;
    s.u.u.clock.flags = flags;
    return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = fd;
    return s;
}

static void show(const char *label, int e, __wasi_event_t *ev, __wasi_size_t n) {
    report(label, e);
    if (e != 0) return;
    printf("  %u events\n", (unsigned)n);
    for (__wasi_size_t i = 0; i < n; i++) {
        printf("  userdata %llu error %u type %u", (unsigned long long)ev[i].userdata, ev[i].error, ev[i].type);
        // For a file Wasmtime reports nbytes 1, not the bytes left: only
        // "something is ready" is portable.
        if (ev[i].type != __WASI_EVENTTYPE_CLOCK)
            printf(" nbytes > 0: %s flags %u", ev[i].fd_readwrite.nbytes > 0 ? "yes" : "no",
                   ev[i].fd_readwrite.flags);
        printf("\n");
    }
}

int main(void) {
    __wasi_subscription_t subs[4];
    __wasi_event_t ev[4];
    __wasi_size_t n = 0;

    // Zero subscriptions would block forever, so it is refused.
    show("poll_oneoff no subscriptions", __wasi_poll_oneoff(subs, ev, 0, &n), ev, n);

    __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
    subs[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
    show("poll_oneoff relative 20ms", __wasi_poll_oneoff(subs, ev, 1, &n), ev, n);
    printf("  waited at least 20ms: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 20 * MS ? "yes" : "no");

    t0 = now(__WASI_CLOCKID_MONOTONIC);
    subs[0] = clock_sub(8, __WASI_CLOCKID_MONOTONIC, t0 + 30 * MS, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
    show("poll_oneoff absolute monotonic +30ms", __wasi_poll_oneoff(subs, ev, 1, &n), ev, n);
    printf("  waited at least 30ms: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 30 * MS ? "yes" : "no");

    t0 = now(__WASI_CLOCKID_MONOTONIC);
    __wasi_timestamp_t r0 = now(__WASI_CLOCKID_REALTIME);
    subs[0] = clock_sub(9, __WASI_CLOCKID_REALTIME, r0 + 30 * MS, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
    show("poll_oneoff absolute realtime +30ms", __wasi_poll_oneoff(subs, ev, 1, &n), ev, n);
    printf("  waited at least 25ms: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 25 * MS ? "yes" : "no");

    subs[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, 0, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
    show("poll_oneoff absolute time in the past", __wasi_poll_oneoff(subs, ev, 1, &n), ev, n);
    subs[0] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 0, 0);
    show("poll_oneoff relative 0", __wasi_poll_oneoff(subs, ev, 1, &n), ev, n);

    // Two clocks: only the earlier one fires.
    t0 = now(__WASI_CLOCKID_MONOTONIC);
    subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 60000 * MS, 0);
    subs[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 10 * MS, 0);
    show("poll_oneoff 60s and 10ms clocks", __wasi_poll_oneoff(subs, ev, 2, &n), ev, n);
    printf("  returned within 30s: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 < 30000 * MS ? "yes" : "no");

    // A regular file is always ready; with a long clock beside it, the call
    // returns at once with just the fd event.
    __wasi_fd_t fd;
    report("path_open data.txt", open_at(DIR, "data.txt", 0, READ_RIGHTS | __WASI_RIGHTS_FD_WRITE, 0, &fd));
    t0 = now(__WASI_CLOCKID_MONOTONIC);
    subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 60000 * MS, 0);
    subs[1] = fd_sub(2, __WASI_EVENTTYPE_FD_READ, fd);
    show("poll_oneoff 60s clock and fd_read on file", __wasi_poll_oneoff(subs, ev, 2, &n), ev, n);
    printf("  returned within 30s: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 < 30000 * MS ? "yes" : "no");

    // Both are ready, but one call may report either or both (Wasmtime's
    // answer varies from run to run), so poll again for whatever is missing.
    int seen_read = 0, seen_write = 0, calls = 0, bad = 0;
    while (!(seen_read && seen_write) && calls < 10) {
        __wasi_size_t k = 0;
        if (!seen_read) subs[k++] = fd_sub(3, __WASI_EVENTTYPE_FD_READ, fd);
        if (!seen_write) subs[k++] = fd_sub(4, __WASI_EVENTTYPE_FD_WRITE, fd);
        calls++;
        if (__wasi_poll_oneoff(subs, ev, k, &n) != 0 || n == 0) bad = 1;
        for (__wasi_size_t i = 0; i < n; i++) {
            if (ev[i].error != 0 || ev[i].fd_readwrite.nbytes == 0) bad = 1;
            if (ev[i].userdata == 3 && ev[i].type == __WASI_EVENTTYPE_FD_READ) seen_read = 1;
            else if (ev[i].userdata == 4 && ev[i].type == __WASI_EVENTTYPE_FD_WRITE) seen_write = 1;
            else bad = 1;
        }
    }
    printf("poll_oneoff fd_read and fd_write on file: read ready %s, write ready %s, all events well-formed %s\n",
           seen_read ? "yes" : "no", seen_write ? "yes" : "no", bad ? "no" : "yes");

    char buf[4];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_fd_read(fd, &iov, 1, &n);
    subs[0] = fd_sub(5, __WASI_EVENTTYPE_FD_READ, fd);
    show("poll_oneoff fd_read after reading 4", __wasi_poll_oneoff(subs, ev, 1, &n), ev, n);

    // A bad fd fails the whole call rather than producing an error event.
    subs[0] = fd_sub(6, __WASI_EVENTTYPE_FD_READ, 99);
    subs[1] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 60000 * MS, 0);
    t0 = now(__WASI_CLOCKID_MONOTONIC);
    show("poll_oneoff fd_read on bad fd", __wasi_poll_oneoff(subs, ev, 2, &n), ev, n);
    printf("  returned within 30s: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 < 30000 * MS ? "yes" : "no");

    subs[0] = fd_sub(8, __WASI_EVENTTYPE_FD_READ, DIR);
    subs[1] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, 60000 * MS, 0);
    show("poll_oneoff fd_read on directory", __wasi_poll_oneoff(subs, ev, 2, &n), ev, n);
    __wasi_fd_close(fd);
    return 0;
}
