/* nbody: a gravitational n-body simulation of 32 bodies with generated
 * masses, positions and velocities (softened all-pairs forces,
 * semi-implicit Euler), run for `size` steps. Double-precision multiply,
 * add, divide and sqrt in a doubly nested loop. Checksum: the exact bits of
 * the total energy before and after, and of every final position and
 * velocity. */
#include "bench.h"
#include <math.h>

#define NB 32
#define SOFT2 0.01
#define DT 0.001

typedef struct {
    double x[NB], y[NB], z[NB], vx[NB], vy[NB], vz[NB], m[NB];
} System;

static double uniform(uint32_t *s, double lo, double hi) {
    return lo + (hi - lo) * (double)(lcg_next(s) >> 8) / 16777216.0;
}

static void init(System *sys) {
    uint32_t s = 31337;
    for (int i = 0; i < NB; i++) {
        sys->x[i] = uniform(&s, -10, 10);
        sys->y[i] = uniform(&s, -10, 10);
        sys->z[i] = uniform(&s, -2, 2);
        sys->vx[i] = uniform(&s, -0.5, 0.5);
        sys->vy[i] = uniform(&s, -0.5, 0.5);
        sys->vz[i] = uniform(&s, -0.1, 0.1);
        sys->m[i] = uniform(&s, 0.5, 2.0);
    }
}

static double energy(const System *sys) {
    double e = 0;
    for (int i = 0; i < NB; i++) {
        e += 0.5 * sys->m[i] * (sys->vx[i] * sys->vx[i] + sys->vy[i] * sys->vy[i] + sys->vz[i] * sys->vz[i]);
        for (int j = i + 1; j < NB; j++) {
            double dx = sys->x[i] - sys->x[j], dy = sys->y[i] - sys->y[j], dz = sys->z[i] - sys->z[j];
            e -= sys->m[i] * sys->m[j] / sqrt(dx * dx + dy * dy + dz * dz + SOFT2);
        }
    }
    return e;
}

static void step(System *sys) {
    for (int i = 0; i < NB; i++) {
        for (int j = i + 1; j < NB; j++) {
            double dx = sys->x[i] - sys->x[j], dy = sys->y[i] - sys->y[j], dz = sys->z[i] - sys->z[j];
            double d2 = dx * dx + dy * dy + dz * dz + SOFT2;
            double mag = DT / (d2 * sqrt(d2));
            double mi = sys->m[i] * mag, mj = sys->m[j] * mag;
            sys->vx[i] -= dx * mj; sys->vy[i] -= dy * mj; sys->vz[i] -= dz * mj;
            sys->vx[j] += dx * mi; sys->vy[j] += dy * mi; sys->vz[j] += dz * mi;
        }
    }
    for (int i = 0; i < NB; i++) {
        sys->x[i] += DT * sys->vx[i];
        sys->y[i] += DT * sys->vy[i];
        sys->z[i] += DT * sys->vz[i];
    }
}

int main(int argc, char **argv) {
    long steps = bench_size(argc, argv, 40000);
    static System sys;
    init(&sys);
    uint64_t c = dbits(energy(&sys));
    for (long s = 0; s < steps; s++) step(&sys);
    c = mix64(c, dbits(energy(&sys)));
    for (int i = 0; i < NB; i++) {
        c = mix64(c, dbits(sys.x[i])); c = mix64(c, dbits(sys.y[i])); c = mix64(c, dbits(sys.z[i]));
        c = mix64(c, dbits(sys.vx[i])); c = mix64(c, dbits(sys.vy[i])); c = mix64(c, dbits(sys.vz[i]));
    }
    print_checksum(c);
    return 0;
}
