/* memops: memcpy, memmove, memset and memcmp over two 8 MiB buffers, with
 * sizes from a few bytes to 1 MiB and unaligned offsets drawn from an LCG,
 * `size` rounds. Bulk memory bandwidth and the libc (or bulk-memory
 * instruction) paths behind those calls. Checksum: sampled bytes of both
 * buffers and memcmp signs. */
#include "bench.h"

#define LEN (8u << 20)

int main(int argc, char **argv) {
    long rounds = bench_size(argc, argv, 100);
    uint8_t *a = malloc(LEN), *b = malloc(LEN);
    if (!a || !b) bench_fail("malloc");
    uint32_t s = 5150;
    for (uint32_t i = 0; i < LEN; i++) a[i] = (uint8_t)(lcg_next(&s) >> 24);
    memset(b, 0, LEN);
    uint64_t c = 0;
    for (long r = 0; r < rounds; r++) {
        /* large: whole-buffer fill and copy */
        memset(b, (int)(r & 0xff), LEN / 2);
        memcpy(b + LEN / 2, a + (r & 7), LEN / 2 - 8);
        /* medium: many 4 KiB .. 64 KiB blocks at unaligned offsets */
        for (int i = 0; i < 256; i++) {
            uint32_t len = 4096 + lcg_below(&s, 60 * 1024);
            uint32_t from = lcg_below(&s, LEN - len), to = lcg_below(&s, LEN - len);
            memcpy(b + to, a + from, len);
        }
        /* small: many short copies and fills, the typical libc case */
        for (int i = 0; i < 20000; i++) {
            uint32_t len = 1 + lcg_below(&s, 64);
            uint32_t from = lcg_below(&s, LEN - len), to = lcg_below(&s, LEN - len);
            if (i & 1) memcpy(a + to, b + from, len);
            else memset(a + to, (int)(from & 0xff), len);
        }
        /* overlapping moves in both directions */
        for (int i = 0; i < 64; i++) {
            uint32_t len = 1024 + lcg_below(&s, 128 * 1024);
            uint32_t from = lcg_below(&s, LEN - len - 512);
            memmove(b + from + (i & 1 ? 511 : 0), b + from + (i & 1 ? 0 : 511), len);
        }
        /* compares that run long before they differ */
        memcpy(a + LEN / 4, b + LEN / 4, 1u << 20);
        int cmp = memcmp(a + LEN / 4, b + LEN / 4, (1u << 20) + 4096);
        c = mix64(c, (uint64_t)(cmp < 0 ? 1 : cmp > 0 ? 2 : 3));
        for (uint32_t i = (uint32_t)r; i < LEN; i += 4099) c = mix64(c, (uint64_t)a[i] << 8 | b[i]);
    }
    print_checksum(c);
    return 0;
}
