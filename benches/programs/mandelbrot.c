/* mandelbrot: escape-time iteration over a size x size grid covering
 * [-2.2, 0.8] x [-1.5, 1.5], at most 256 iterations per point. Tight
 * double-precision multiply/add loop with a data-dependent exit. Checksum:
 * the iteration count of every pixel, row by row. */
#include "bench.h"

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 1400);
    uint64_t c = 0;
    for (long py = 0; py < n; py++) {
        double ci = -1.5 + 3.0 * (double)py / (double)n;
        uint64_t row = 0;
        for (long px = 0; px < n; px++) {
            double cr = -2.2 + 3.0 * (double)px / (double)n;
            double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
            int it = 0;
            while (it < 256 && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                it++;
            }
            row = row * 31 + (uint64_t)it;
        }
        c = mix64(c, row);
    }
    print_checksum(c);
    return 0;
}
