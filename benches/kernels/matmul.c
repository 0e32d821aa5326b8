/* Dense double-precision matrix multiply C = A * B of n x n matrices
 * (n <= 512), naive i-k-j loop order. Returns the bits of a weighted sum
 * of C as an i64. */
#include <stdint.h>

#define MAX_DIM 512

static double A[MAX_DIM * MAX_DIM];
static double B[MAX_DIM * MAX_DIM];
static double C[MAX_DIM * MAX_DIM];

__attribute__((noinline)) static void fill(double *m, uint32_t dim, uint32_t seed) {
    uint32_t x = seed;
    for (uint32_t i = 0; i < dim * dim; i++) {
        x = x * 1664525u + 1013904223u;
        m[i] = (double)(x >> 8) / 16777216.0 - 0.5;
    }
}

__attribute__((noinline)) static void matmul(const double *a, const double *b, double *c,
                                             uint32_t dim) {
    for (uint32_t i = 0; i < dim * dim; i++) c[i] = 0.0;
    for (uint32_t i = 0; i < dim; i++) {
        for (uint32_t k = 0; k < dim; k++) {
            double aik = a[i * dim + k];
            const double *brow = &b[k * dim];
            double *crow = &c[i * dim];
            for (uint32_t j = 0; j < dim; j++) crow[j] += aik * brow[j];
        }
    }
}

int64_t run(int32_t n) {
    uint32_t dim = (uint32_t)n;
    if (dim > MAX_DIM) dim = MAX_DIM;
    fill(A, dim, 1u);
    fill(B, dim, 2u);
    matmul(A, B, C, dim);
    double sum = 0.0;
    for (uint32_t i = 0; i < dim * dim; i++) sum += C[i] * (double)((i % 7) + 1);
    union { double d; int64_t i; } u;
    u.d = sum;
    return u.i;
}
