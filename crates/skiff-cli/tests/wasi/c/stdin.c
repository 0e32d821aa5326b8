// Reads all of stdin with raw fd_read calls.
//   stdin upper  copies stdin to stdout in upper case
//   stdin count  prints the byte count and an FNV-1a hash, reading through a
//                buffer of 3000 bytes so a large input takes many short reads
#include "common.h"

int main(int argc, char **argv) {
    int upper = argc > 1 && strcmp(argv[1], "upper") == 0;
    static uint8_t buf[3000];
    uint64_t total = 0, hash = 14695981039346656037ull;
    int reads = 0;
    for (;;) {
        __wasi_iovec_t iov = {buf, sizeof buf};
        __wasi_size_t n = 0;
        int e = __wasi_fd_read(0, &iov, 1, &n);
        if (e != 0) {
            report("fd_read stdin", e);
            return 1;
        }
        if (n == 0) break;
        reads++;
        total += n;
        for (__wasi_size_t i = 0; i < n; i++) {
            hash = (hash ^ buf[i]) * 1099511628211ull;
            if (upper && buf[i] >= 'a' && buf[i] <= 'z') buf[i] -= 32;
        }
        if (upper && write_all(1, buf, n) != 0) return 1;
    }
    // A second read after end of input keeps returning 0 bytes.
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_size_t n = 1;
    int e = __wasi_fd_read(0, &iov, 1, &n);
    if (!upper) {
        printf("bytes %llu\n", (unsigned long long)total);
        printf("fnv1a %016llx\n", (unsigned long long)hash);
        printf("more than one read: %s\n", reads > 1 ? "yes" : "no");
        printf("read again at end: %d %s, %u bytes\n", e, errno_name(e), (unsigned)n);
    }
    return 0;
}
