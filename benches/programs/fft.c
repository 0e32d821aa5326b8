/* fft: an iterative radix-2 complex FFT (bit-reversal permutation, then
 * butterflies) on 65536 double-precision points, forward and inverse,
 * repeated `size` times, each round feeding the next. Twiddle factors come
 * from the half-angle identities (sqrt only, no libm sin/cos), so they are
 * exact IEEE results everywhere. The round trip is checked to reproduce the
 * input to 1e-9. Checksum: the exact bits of the final data. */
#include "bench.h"
#include <math.h>

#define LOG_N 16
#define N (1 << LOG_N)

static double re[N], im[N], orig_re[N], orig_im[N];
static double tw_re[N / 2], tw_im[N / 2]; /* exp(-2 pi i k / N) */

/* cos and sin of 2 pi / 2^j for j = 1..LOG_N by halving the angle:
 * cos(t/2) = sqrt((1 + cos t) / 2), sin(t/2) = sin t / (2 cos(t/2)). */
static void make_twiddles(void) {
    double root_c[LOG_N + 1], root_s[LOG_N + 1];
    root_c[1] = -1.0; root_s[1] = 0.0; /* angle pi */
    root_c[2] = 0.0; root_s[2] = 1.0;  /* angle pi/2 */
    for (int j = 3; j <= LOG_N; j++) {
        root_c[j] = sqrt((1.0 + root_c[j - 1]) / 2.0);
        root_s[j] = root_s[j - 1] / (2.0 * root_c[j]);
    }
    /* tw[k] for k = sum of powers of two: multiply the roots for each bit
     * of k; 2^b / N of a turn is the root with j = LOG_N - b. */
    tw_re[0] = 1.0; tw_im[0] = 0.0;
    for (int k = 1; k < N / 2; k++) {
        int b = 31 - __builtin_clz((unsigned)k);
        int rest = k - (1 << b);
        double cr = root_c[LOG_N - b], ci = -root_s[LOG_N - b];
        tw_re[k] = tw_re[rest] * cr - tw_im[rest] * ci;
        tw_im[k] = tw_re[rest] * ci + tw_im[rest] * cr;
    }
}

static void fft(int inverse) {
    for (unsigned i = 1, j = 0; i < N; i++) {
        unsigned bit = N >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i]; re[i] = re[j]; re[j] = t;
            t = im[i]; im[i] = im[j]; im[j] = t;
        }
    }
    for (int len = 2; len <= N; len <<= 1) {
        int half = len >> 1, stride = N / len;
        for (int start = 0; start < N; start += len) {
            for (int k = 0; k < half; k++) {
                double wr = tw_re[k * stride], wi = inverse ? -tw_im[k * stride] : tw_im[k * stride];
                int a = start + k, b = a + half;
                double xr = re[b] * wr - im[b] * wi;
                double xi = re[b] * wi + im[b] * wr;
                re[b] = re[a] - xr; im[b] = im[a] - xi;
                re[a] += xr; im[a] += xi;
            }
        }
    }
    if (inverse) {
        const double scale = 1.0 / N;
        for (int i = 0; i < N; i++) { re[i] *= scale; im[i] *= scale; }
    }
}

int main(int argc, char **argv) {
    long rounds = bench_size(argc, argv, 36);
    make_twiddles();
    uint32_t s = 8086;
    for (int i = 0; i < N; i++) {
        re[i] = (double)(lcg_next(&s) >> 8) / 8388608.0 - 1.0;
        im[i] = (double)(lcg_next(&s) >> 8) / 8388608.0 - 1.0;
    }
    uint64_t c = 0;
    for (long r = 0; r < rounds; r++) {
        memcpy(orig_re, re, sizeof re);
        memcpy(orig_im, im, sizeof im);
        fft(0);
        c = mix64(c, dbits(re[r % N]));
        c = mix64(c, dbits(im[(r * 31) % N]));
        fft(1);
        for (int i = 0; i < N; i++) {
            double dr = re[i] - orig_re[i], di = im[i] - orig_im[i];
            if (dr > 1e-9 || dr < -1e-9 || di > 1e-9 || di < -1e-9) bench_fail("inverse FFT does not reproduce the input");
        }
    }
    for (int i = 0; i < N; i++) { c = mix64(c, dbits(re[i])); c = mix64(c, dbits(im[i])); }
    print_checksum(c);
    return 0;
}
