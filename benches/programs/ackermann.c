/* ackermann: the Ackermann-Peter function A(3, n) by plain recursion, for
 * n cycling through 4, 5, 6, repeated `size` times. Very call-heavy with
 * tiny bodies, and deep: A(3, 6) nests about 510 frames. (Deeper inputs
 * are avoided on purpose: wasmi's CLI stops at 1024 nested calls.)
 * Checksum: the results and the number of calls made. */
#include "bench.h"

static uint64_t calls;

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
    calls++;
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv) {
    long reps = bench_size(argc, argv, 1300);
    uint64_t c = 0;
    for (long rep = 0; rep < reps; rep++) {
        c = mix64(c, ack(3, 4 + (uint32_t)(rep % 3)));
        c = mix64(c, calls);
    }
    print_checksum(c);
    return 0;
}
