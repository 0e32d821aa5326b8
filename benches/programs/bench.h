/* Shared helpers for the benchmark programs: the size argument, a
 * deterministic pseudo-random generator, checksum mixing and the one line
 * of output every program prints. Each program includes this header and
 * nothing else of ours, so every .c file builds on its own. */
#ifndef SKIFF_BENCH_H
#define SKIFF_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* argv[1] as a positive integer, or `dflt` when absent. A bad argument is
 * a usage error (exit 2), never a silent fallback, so a typo in the runner
 * cannot produce a plausible-looking time. */
static long bench_size(int argc, char **argv, long dflt) {
    if (argc < 2) return dflt;
    char *end = 0;
    long v = strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || v <= 0) {
        fprintf(stderr, "usage: %s [size > 0]\n", argv[0]);
        exit(2);
    }
    return v;
}

/* A 32-bit linear congruential generator (full period mod 2^32). Inputs
 * are generated in-guest so every runtime sees identical data without
 * reading files. */
static inline uint32_t lcg_next(uint32_t *state) {
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

/* The high bits of an LCG are the good ones; use this for small ranges. */
static inline uint32_t lcg_below(uint32_t *state, uint32_t n) {
    return (uint32_t)(((uint64_t)(lcg_next(state) >> 8) * n) >> 24);
}

/* Fold a value into a running 64-bit checksum (FNV-1a style multiply). */
static inline uint64_t mix64(uint64_t h, uint64_t v) {
    h ^= v;
    h *= 0x100000001b3ull;
    h ^= h >> 29;
    return h;
}

/* Doubles enter checksums by their exact bit pattern. WebAssembly float
 * arithmetic is deterministic IEEE 754 (only NaN payloads may differ, and
 * the programs produce no NaNs), and the programs call no libm function
 * except sqrt, which is exact, so every correct runtime agrees bit for bit.
 * A 1-ulp difference is an engine bug, and this is where it shows. */
static inline uint64_t dbits(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static void print_checksum(uint64_t c) {
    printf("checksum: %llu\n", (unsigned long long)c);
}

/* A self-test failed: say why on stderr and exit non-zero, so the runner
 * reports the run as failed instead of timing wrong code. */
__attribute__((unused, noreturn)) static void bench_fail(const char *what) {
    fprintf(stderr, "self-test failed: %s\n", what);
    exit(1);
}

#endif
