// Arguments that point outside linear memory, or are misaligned, passed
// straight to the raw imports (wasi-libc's wrappers would touch the memory
// themselves first). One case per run, since the runtime may end the program.
#include "common.h"

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))
IMPORT("fd_write") int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten);
IMPORT("fd_read") int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread);
IMPORT("random_get") int32_t raw_random_get(int32_t buf, int32_t len);
IMPORT("args_get") int32_t raw_args_get(int32_t argv, int32_t argv_buf);
IMPORT("clock_time_get") int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t result);
IMPORT("path_open") int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                                          int32_t oflags, int64_t base, int64_t inheriting,
                                          int32_t fdflags, int32_t result);
IMPORT("fd_prestat_dir_name") int32_t raw_prestat_dir_name(int32_t fd, int32_t path, int32_t len);

// Well past the end of any memory this program has, but a valid i32.
#define FAR 0x7ffffff0

static int32_t addr(const void *p) { return (int32_t)(uintptr_t)p; }

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    const char *c = argv[1];
    static char msg[] = "hello\n";
    static uint32_t iov[4] __attribute__((aligned(8)));
    static uint64_t ts_slot[2];
    static uint32_t n_slot[2];
    int32_t e = -1;
    printf("case %s\n", c);
    fflush(stdout);
    if (strcmp(c, "fd_write-iovs") == 0) {
        e = raw_fd_write(1, FAR, 1, addr(&n_slot[0]));
    } else if (strcmp(c, "fd_write-buf") == 0) {
        iov[0] = FAR;
        iov[1] = 100;
        e = raw_fd_write(1, addr(iov), 1, addr(&n_slot[0]));
    } else if (strcmp(c, "fd_write-buf-straddles-end") == 0) {
        // Starts inside memory, ends past it.
        int32_t pages = __builtin_wasm_memory_size(0);
        iov[0] = pages * 65536 - 4;
        iov[1] = 8;
        e = raw_fd_write(1, addr(iov), 1, addr(&n_slot[0]));
    } else if (strcmp(c, "fd_write-result") == 0) {
        iov[0] = addr(msg);
        iov[1] = 6;
        e = raw_fd_write(1, addr(iov), 1, FAR);
    } else if (strcmp(c, "fd_write-misaligned-iovs") == 0) {
        // iovec arrays must be 4-byte aligned.
        uint8_t *p = (uint8_t *)iov + 1;
        uint32_t fields[2] = {(uint32_t)addr(msg), 6};
        memcpy(p, fields, sizeof fields);
        e = raw_fd_write(1, addr(p), 1, addr(&n_slot[0]));
    } else if (strcmp(c, "fd_read-buf") == 0) {
        iov[0] = FAR;
        iov[1] = 100;
        e = raw_fd_read(0, addr(iov), 1, addr(&n_slot[0]));
    } else if (strcmp(c, "random_get") == 0) {
        e = raw_random_get(FAR, 100);
    } else if (strcmp(c, "args_get") == 0) {
        e = raw_args_get(FAR, FAR);
    } else if (strcmp(c, "clock_time_get-result") == 0) {
        e = raw_clock_time_get(0, 0, FAR);
    } else if (strcmp(c, "clock_time_get-misaligned") == 0) {
        e = raw_clock_time_get(0, 0, addr(ts_slot) + 1);
    } else if (strcmp(c, "path_open-path") == 0) {
        e = raw_path_open(3, 0, FAR, 10, 0, READ_RIGHTS, 0, 0, addr(&n_slot[0]));
    } else if (strcmp(c, "path_open-invalid-utf8") == 0) {
        static const char bad[] = "\xff\xfe.txt";
        e = raw_path_open(3, 0, addr(bad), 6, 0, READ_RIGHTS, 0, 0, addr(&n_slot[0]));
    } else if (strcmp(c, "prestat_dir_name") == 0) {
        e = raw_prestat_dir_name(3, FAR, 64);
    } else {
        printf("unknown case\n");
        return 2;
    }
    report("errno", e);
    return 0;
}
