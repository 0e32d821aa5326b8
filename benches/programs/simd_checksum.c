/* SIMD checksum: a Fletcher-style wide-lane checksum of a 1 MiB buffer,
 * chained passes, with wasm_simd128.h intrinsics (build with -msimd128).
 *
 * The buffer is read as 16-byte blocks; within a block, the four 32-bit
 * words are lanes 0..3. Per lane l, over the blocks in order:
 *   a[l] += the four bytes of word l (unsigned)    (Fletcher sum 1)
 *   b[l] += a[l]                                     (Fletcher sum 2)
 *   h[l]  = h[l] * 0x01000193 + word                 (FNV-style multiply)
 *   x[l]  = rotl(x[l] ^ word, 7)                     (xor-rotate)
 * and per 64-bit half q (words 2q, 2q+1 zero-extended):
 *   w[q] += word[2q] + word[2q+1]                    (wide sum)
 * All arithmetic wraps (mod 2^32, and mod 2^64 for w). Each pass starts
 * from the previous pass's result and flips a few buffer bytes, so passes
 * cannot be skipped.
 *
 * Built for wasm32 with -msimd128, the lanes are v128 lanes (u8x16 pairwise
 * widening adds, i32x4 mul/shl/shr_u/or/xor, u64x2 widening). Any other
 * build (the host compiler, or wasm without -msimd128) runs the scalar
 * reference of the same definition, which must print the same checksum;
 * that is how the expected checksum was cross-checked natively. The wasm
 * build also checks its vector kernel against the scalar reference on a
 * short prefix first and exits 1 if they disagree. */
#include "bench.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#define BUF_BYTES (1u << 20)

typedef struct {
    uint32_t a[4], b[4], h[4], x[4];
    uint64_t w[2];
} sums_t;

static void sums_seed(sums_t *s, uint64_t seed) {
    for (int l = 0; l < 4; l++) {
        s->a[l] = (uint32_t)seed + (uint32_t)l;
        s->b[l] = (uint32_t)(seed >> 32) ^ (uint32_t)(l * 0x9e3779b9u);
        s->h[l] = 0x811c9dc5u + (uint32_t)l;
        s->x[l] = (uint32_t)(seed >> 16) * (uint32_t)(2 * l + 1);
    }
    s->w[0] = seed;
    s->w[1] = ~seed;
}

static inline uint32_t load_u32le(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The definition, lane by lane. */
static void checksum_scalar(sums_t *s, const uint8_t *buf, size_t blocks) {
    for (size_t i = 0; i < blocks; i++) {
        const uint8_t *blk = buf + 16 * i;
        uint32_t word[4];
        for (int l = 0; l < 4; l++) {
            const uint8_t *p = blk + 4 * l;
            word[l] = load_u32le(p);
            s->a[l] += (uint32_t)p[0] + p[1] + p[2] + p[3];
            s->b[l] += s->a[l];
            s->h[l] = s->h[l] * 0x01000193u + word[l];
            uint32_t t = s->x[l] ^ word[l];
            s->x[l] = (t << 7) | (t >> 25);
        }
        s->w[0] += (uint64_t)word[0] + word[1];
        s->w[1] += (uint64_t)word[2] + word[3];
    }
}

#if defined(__wasm_simd128__)
static void checksum_simd(sums_t *s, const uint8_t *buf, size_t blocks) {
    v128_t a = wasm_v128_load(s->a), b = wasm_v128_load(s->b);
    v128_t h = wasm_v128_load(s->h), x = wasm_v128_load(s->x);
    v128_t w = wasm_v128_load(s->w);
    const v128_t prime = wasm_i32x4_splat(0x01000193);
    for (size_t i = 0; i < blocks; i++) {
        v128_t v = wasm_v128_load(buf + 16 * i);
        /* bytes -> u16 pair sums -> u32 sums of each word's four bytes */
        a = wasm_i32x4_add(a, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(v)));
        b = wasm_i32x4_add(b, a);
        h = wasm_i32x4_add(wasm_i32x4_mul(h, prime), v);
        v128_t t = wasm_v128_xor(x, v);
        x = wasm_v128_or(wasm_i32x4_shl(t, 7), wasm_u32x4_shr(t, 25));
        /* {w0, w2, w1, w3}: extend_low is {w0, w2}, extend_high {w1, w3},
         * so their sum is {w0 + w1, w2 + w3}, the definition's two halves */
        v128_t even = wasm_i32x4_shuffle(v, v, 0, 2, 1, 3);
        w = wasm_i64x2_add(w, wasm_i64x2_add(wasm_u64x2_extend_low_u32x4(even), wasm_u64x2_extend_high_u32x4(even)));
    }
    wasm_v128_store(s->a, a);
    wasm_v128_store(s->b, b);
    wasm_v128_store(s->h, h);
    wasm_v128_store(s->x, x);
    wasm_v128_store(s->w, w);
}
#define checksum_kernel checksum_simd
#else
#define checksum_kernel checksum_scalar
#endif

static uint64_t sums_fold(const sums_t *s) {
    uint64_t c = 0;
    for (int l = 0; l < 4; l++) {
        c = mix64(c, s->a[l]);
        c = mix64(c, s->b[l]);
        c = mix64(c, s->h[l]);
        c = mix64(c, s->x[l]);
    }
    c = mix64(c, s->w[0]);
    return mix64(c, s->w[1]);
}

int main(int argc, char **argv) {
    long passes = bench_size(argc, argv, 400);
    uint8_t *buf = aligned_alloc(16, BUF_BYTES);
    if (!buf) bench_fail("out of memory");
    uint32_t rng = 12345;
    for (size_t i = 0; i < BUF_BYTES; i += 4) {
        uint32_t r = lcg_next(&rng);
        memcpy(buf + i, &r, 4);
    }
    /* Vector kernel against the definition on 4 KiB, before timing matters. */
    {
        sums_t v, r;
        sums_seed(&v, 0x0123456789abcdefull);
        sums_seed(&r, 0x0123456789abcdefull);
        checksum_kernel(&v, buf, 256);
        checksum_scalar(&r, buf, 256);
        if (sums_fold(&v) != sums_fold(&r)) bench_fail("SIMD kernel disagrees with the scalar reference");
    }
    uint64_t total = 0;
    for (long p = 0; p < passes; p++) {
        sums_t s;
        sums_seed(&s, total);
        checksum_kernel(&s, buf, BUF_BYTES / 16);
        total = sums_fold(&s);
        /* flip three bytes so the next pass reads different data */
        buf[total % BUF_BYTES] ^= (uint8_t)(total >> 8);
        buf[(total >> 20) % BUF_BYTES] += 1;
        buf[(size_t)p * 4099 % BUF_BYTES] ^= 0x5a;
    }
    print_checksum(total);
    free(buf);
    return 0;
}
