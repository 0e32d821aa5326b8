// clock_res_get, clock_time_get, sched_yield and random_get. Values that vary
// between runs are reduced to yes/no so the transcript is stable.
#include "common.h"

static const char *yes(int b) { return b ? "yes" : "no"; }

int main(int argc, char **argv) {
    char label[64];
    // An unknown clock id is not a valid enum value: Wasmtime traps instead
    // of returning an errno, so these run one per process.
    if (argc > 2) {
        __wasi_timestamp_t t = 0;
        __wasi_clockid_t id = (__wasi_clockid_t)strtoul(argv[2], NULL, 0);
        if (strcmp(argv[1], "res") == 0) report("clock_res_get bad id", __wasi_clock_res_get(id, &t));
        else report("clock_time_get bad id", __wasi_clock_time_get(id, 0, &t));
        printf("still running\n");
        return 0;
    }
    for (__wasi_clockid_t id = 0; id < 4; id++) {
        __wasi_timestamp_t res = 0, t = 0;
        snprintf(label, sizeof label, "clock_res_get %u", (unsigned)id);
        if (report(label, __wasi_clock_res_get(id, &res)) == 0)
            printf("clock %u resolution in (0, 1s]: %s\n", (unsigned)id,
                   yes(res > 0 && res <= 1000000000ull));
        snprintf(label, sizeof label, "clock_time_get %u", (unsigned)id);
        report(label, __wasi_clock_time_get(id, 1, &t));
    }

    __wasi_timestamp_t now = 0;
    report("clock_time_get realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &now));
    // 2020-01-01 and 2100-01-01 in nanoseconds since the epoch.
    printf("realtime after 2020: %s\n", yes(now > 1577836800ull * 1000000000ull));
    printf("realtime before 2100: %s\n", yes(now < 4102444800ull * 1000000000ull));

    __wasi_timestamp_t prev = 0, first = 0;
    int monotonic = 1, yield_failed = 0;
    report("clock_time_get monotonic", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &first));
    prev = first;
    for (int i = 0; i < 10000; i++) {
        __wasi_timestamp_t cur = 0;
        if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &cur) != 0) monotonic = 0;
        if (cur < prev) monotonic = 0;
        prev = cur;
        if (i % 1000 == 0 && __wasi_sched_yield() != 0) yield_failed = 1;
    }
    report("sched_yield", __wasi_sched_yield());
    printf("sched_yield in a loop always succeeds: %s\n", yes(!yield_failed));
    printf("monotonic never decreases: %s\n", yes(monotonic));
    printf("monotonic increases: %s\n", yes(prev > first));

    uint8_t a[64], b[64], zero[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    memset(zero, 0, sizeof zero);
    report("random_get 64", __wasi_random_get(a, sizeof a));
    report("random_get 64 again", __wasi_random_get(b, sizeof b));
    printf("random buffer filled: %s\n", yes(memcmp(a, zero, sizeof a) != 0));
    printf("two random buffers differ: %s\n", yes(memcmp(a, b, sizeof a) != 0));
    report("random_get 0", __wasi_random_get(a, 0));

    // Large requests must be filled completely, not just a first chunk.
    size_t big = 1 << 20;
    uint8_t *buf = calloc(big, 1);
    report("random_get 1MiB", __wasi_random_get(buf, big));
    size_t zeros_in_tail = 0;
    for (size_t i = big - 4096; i < big; i++) zeros_in_tail += buf[i] == 0;
    // About 16 of 4096 random bytes are zero; an unfilled tail has 4096.
    printf("random tail filled: %s\n", yes(zeros_in_tail < 200));
    return 0;
}
