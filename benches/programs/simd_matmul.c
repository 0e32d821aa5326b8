/* SIMD matmul: dense f32 matrix multiply C = A * B (n x n, row-major), i-k-j
 * order, four columns at a time with f32x4 (build with -msimd128), then
 * C * B once more, so every product feeds the next.
 *
 * Per output element the operations are those of the scalar loop
 *     c[i][j] = c[i][j] + a[i][k] * b[k][j]    for k = 0, 1, ..., n-1
 * in that order, multiply and add rounded separately (WebAssembly has no
 * fused multiply-add outside relaxed SIMD; the native reference build uses
 * -ffp-contract=off). A vector lane does exactly that for its column, so
 * the vector and scalar builds give bit-identical matrices, and results
 * enter the checksum by their bit pattern. Columns past the last multiple
 * of four go through the scalar loop.
 *
 * Inputs are k/64 for small integers k, so the first product is exact in
 * f32 and the second one rounds (the test that the rounding is IEEE's).
 * Any build other than wasm32 -msimd128 runs the scalar loop: that is the
 * native reference. The wasm build checks its vector kernel against the
 * scalar one on a 13 x 13 product first (exit 1 if they differ). */
#include "bench.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

static uint32_t fbits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static void matmul_scalar(float *c, const float *a, const float *b, size_t n) {
    memset(c, 0, n * n * sizeof *c);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++) {
            float aik = a[i * n + k];
            for (size_t j = 0; j < n; j++) c[i * n + j] = c[i * n + j] + aik * b[k * n + j];
        }
}

#if defined(__wasm_simd128__)
static void matmul_simd(float *c, const float *a, const float *b, size_t n) {
    memset(c, 0, n * n * sizeof *c);
    size_t n4 = n & ~(size_t)3;
    for (size_t i = 0; i < n; i++) {
        float *ci = c + i * n;
        for (size_t k = 0; k < n; k++) {
            float aik = a[i * n + k];
            v128_t av = wasm_f32x4_splat(aik);
            const float *bk = b + k * n;
            size_t j = 0;
            for (; j < n4; j += 4) {
                v128_t prod = wasm_f32x4_mul(av, wasm_v128_load(bk + j));
                wasm_v128_store(ci + j, wasm_f32x4_add(wasm_v128_load(ci + j), prod));
            }
            for (; j < n; j++) ci[j] = ci[j] + aik * bk[j];
        }
    }
}
#define matmul_kernel matmul_simd
#else
#define matmul_kernel matmul_scalar
#endif

static void fill(float *m, size_t count, uint32_t *rng) {
    for (size_t i = 0; i < count; i++) m[i] = (float)((int)lcg_below(rng, 129) - 64) / 64.0f;
}

static uint64_t fold(uint64_t h, const float *m, size_t count) {
    for (size_t i = 0; i < count; i++) h = mix64(h, fbits(m[i]));
    return h;
}

int main(int argc, char **argv) {
    long size = bench_size(argc, argv, 640);
    size_t n = (size_t)size;
    if (n > 4096) bench_fail("n too large (at most 4096)");
    float *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b);
    float *c = malloc(n * n * sizeof *c), *d = malloc(n * n * sizeof *d);
    if (!a || !b || !c || !d) bench_fail("out of memory");
    uint32_t rng = 2024;

    /* vector kernel against the scalar definition (odd size: tail columns) */
    {
        enum { T = 13 };
        float ta[T * T], tb[T * T], tv[T * T], ts[T * T];
        fill(ta, T * T, &rng);
        fill(tb, T * T, &rng);
        matmul_kernel(tv, ta, tb, T);
        matmul_scalar(ts, ta, tb, T);
        if (memcmp(tv, ts, sizeof tv) != 0) bench_fail("SIMD kernel disagrees with the scalar reference");
    }

    fill(a, n * n, &rng);
    fill(b, n * n, &rng);
    matmul_kernel(c, a, b, n);
    matmul_kernel(d, c, b, n);
    uint64_t h = fold(0, c, n * n);
    h = fold(h, d, n * n);
    print_checksum(h);
    free(a);
    free(b);
    free(c);
    free(d);
    return 0;
}
