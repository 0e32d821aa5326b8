/* zstd benchmark driver for the time-to-result benchmark (benches/ttr.py).
 *
 * Generates argv[1] MiB (default 32) of compressible data in memory from a
 * fixed-seed LCG: text-like records of pseudo-words and numbers, copies of
 * earlier stretches (long-range matches), and runs of random bytes. Then
 * compresses all of it at levels 1, 3 and 9, and its first MiB at level
 * 19, with the one-shot API (single-threaded), decompresses each result
 * and checks it against the input (exit 1 on any difference). Compressed
 * sizes and a hash of every compressed frame go into the checksum, so a
 * runtime that changed one bit of zstd's output would show it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../programs/bench.h"
#include "zstd.h"

static const char *syllables[] = {"ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "zu", "an", "el",
                                  "or", "is", "ut", "ba"};

static void generate(uint8_t *buf, size_t n) {
    uint32_t rng = 424242;
    size_t i = 0;
    long rec = 0;
    while (i < n) {
        uint32_t kind = lcg_below(&rng, 16);
        if (kind < 11) { /* a record: id, pseudo-words, a number */
            char line[256];
            int len = snprintf(line, sizeof line, "%08ld|", rec++);
            int words = 2 + (int)lcg_below(&rng, 8);
            for (int w = 0; w < words && len < 200; w++) {
                int syl = 1 + (int)lcg_below(&rng, 3);
                for (int s = 0; s < syl; s++) {
                    const char *p = syllables[lcg_below(&rng, 16)];
                    line[len++] = p[0];
                    line[len++] = p[1];
                }
                line[len++] = ' ';
            }
            len += snprintf(line + len, sizeof line - (size_t)len, "|%u.%02u\n", lcg_below(&rng, 100000),
                            lcg_below(&rng, 100));
            for (int k = 0; k < len && i < n; k++) buf[i++] = (uint8_t)line[k];
        } else if (kind < 14 && i > 65536) { /* copy an earlier stretch, near or far */
            size_t back = kind == 11 ? 1 + lcg_below(&rng, 4096) : 1 + (lcg_next(&rng) % (uint32_t)(i - 1));
            size_t len = 16 + lcg_below(&rng, 2000);
            for (size_t k = 0; k < len && i < n; k++, i++) buf[i] = buf[i - back];
        } else { /* random bytes */
            size_t len = 1 + lcg_below(&rng, 600);
            for (size_t k = 0; k < len && i < n; k++) buf[i++] = (uint8_t)(lcg_next(&rng) >> 24);
        }
    }
}

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n) {
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        acc = (acc ^ v) * 0x9e3779b97f4a7c15ull;
        acc ^= acc >> 31;
    }
    for (; i < n; i++) acc = (acc ^ p[i]) * 0x100000001b3ull;
    return mix64(h, acc ^ n);
}

int main(int argc, char **argv) {
    size_t n = (size_t)bench_size(argc, argv, 32) << 20;
    uint8_t *src = malloc(n), *back = malloc(n);
    size_t cap = ZSTD_compressBound(n);
    uint8_t *dst = malloc(cap);
    if (!src || !back || !dst) bench_fail("out of memory");
    generate(src, n);
    uint64_t sum = hash_bytes(0, src, n);

    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    static const struct { int level; size_t mib; } runs[] = {{1, 0}, {3, 0}, {9, 0}, {19, 1}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        size_t len = runs[r].mib ? (runs[r].mib << 20 < n ? runs[r].mib << 20 : n) : n;
        size_t c = ZSTD_compressCCtx(cctx, dst, cap, src, len, runs[r].level);
        if (ZSTD_isError(c)) bench_fail(ZSTD_getErrorName(c));
        size_t d = ZSTD_decompressDCtx(dctx, back, n, dst, c);
        if (ZSTD_isError(d)) bench_fail(ZSTD_getErrorName(d));
        if (d != len || memcmp(back, src, len) != 0) bench_fail("round trip differs");
        sum = mix64(sum, (uint64_t)runs[r].level << 48 | c);
        sum = hash_bytes(sum, dst, c);
    }
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
    print_checksum(sum);
    return 0;
}
