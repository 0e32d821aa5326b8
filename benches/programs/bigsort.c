/* bigsort: a bottom-up merge sort of `size` pseudo-random u32 values
 * (default 4M: a 16 MiB array plus a 16 MiB scratch buffer), alternating
 * between the two buffers each pass. Streaming loads and stores over large
 * memory with a compare per element. The result is checked to be sorted.
 * Checksum: a position-weighted sum of the sorted values. */
#include "bench.h"

static void merge_pass(const uint32_t *src, uint32_t *dst, long n, long width) {
    for (long lo = 0; lo < n; lo += 2 * width) {
        long mid = lo + width < n ? lo + width : n;
        long hi = lo + 2 * width < n ? lo + 2 * width : n;
        long i = lo, j = mid, o = lo;
        while (i < mid && j < hi) dst[o++] = src[j] < src[i] ? src[j++] : src[i++];
        while (i < mid) dst[o++] = src[i++];
        while (j < hi) dst[o++] = src[j++];
    }
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 4 << 20);
    uint32_t *a = malloc((size_t)n * 4), *b = malloc((size_t)n * 4);
    if (!a || !b) bench_fail("malloc");
    uint32_t s = 271828;
    for (long i = 0; i < n; i++) a[i] = lcg_next(&s) ^ (lcg_next(&s) >> 16);
    /* sort runs of 8 by insertion first, then merge */
    for (long lo = 0; lo < n; lo += 8) {
        long hi = lo + 8 < n ? lo + 8 : n;
        for (long i = lo + 1; i < hi; i++) {
            uint32_t v = a[i];
            long j = i - 1;
            while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
            a[j + 1] = v;
        }
    }
    uint32_t *src = a, *dst = b;
    for (long width = 8; width < n; width *= 2) {
        merge_pass(src, dst, n, width);
        uint32_t *t = src; src = dst; dst = t;
    }
    uint64_t sum = 0;
    for (long i = 0; i < n; i++) {
        if (i && src[i - 1] > src[i]) bench_fail("not sorted");
        sum += (uint64_t)src[i] * (uint64_t)(i % 977 + 1);
    }
    print_checksum(mix64(sum, (uint64_t)n));
    return 0;
}
