/* matmul: dense double-precision matrix multiply C = A * B of two
 * generated size x size matrices (row-major, i-k-j loop order so the inner
 * loop streams rows). Floating multiply-add throughput plus loads and
 * stores. Checksum: the exact bits of every element of C. */
#include "bench.h"

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 550);
    double *a = malloc((size_t)(n * n) * sizeof(double));
    double *b = malloc((size_t)(n * n) * sizeof(double));
    double *c = calloc((size_t)(n * n), sizeof(double));
    if (!a || !b || !c) bench_fail("malloc");
    uint32_t s = 4242;
    for (long i = 0; i < n * n; i++) a[i] = (double)(int32_t)(lcg_next(&s) >> 20) / 1024.0 - 2.0;
    for (long i = 0; i < n * n; i++) b[i] = (double)(int32_t)(lcg_next(&s) >> 20) / 3000.0 + 0.125;
    for (long i = 0; i < n; i++) {
        double *ci = c + i * n;
        for (long k = 0; k < n; k++) {
            double aik = a[i * n + k];
            const double *bk = b + k * n;
            for (long j = 0; j < n; j++) ci[j] += aik * bk[j];
        }
    }
    uint64_t h = 0;
    for (long i = 0; i < n * n; i++) h = mix64(h, dbits(c[i]));
    print_checksum(h);
    return 0;
}
