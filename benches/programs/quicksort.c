/* quicksort: sorts `size` pseudo-random 32-bit ints (from an LCG) with a
 * quicksort (median-of-three pivot, Hoare-style partition, recursion on the
 * smaller side, insertion sort for short ranges), three times with
 * different seeds. Integer compare/branch/swap work on a 4 MiB array. Each
 * result is checked to be sorted. Checksum: position-weighted sums of the
 * sorted arrays. */
#include "bench.h"

static void insertion_sort(int32_t *a, long lo, long hi) {
    for (long i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static inline void swap(int32_t *a, long i, long j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; }

static void quicksort(int32_t *a, long lo, long hi) {
    while (hi - lo > 24) {
        long mid = lo + (hi - lo) / 2;
        /* order a[lo], a[mid], a[hi]; the median ends up at mid */
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        int32_t pivot = a[mid];
        long i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j) break;
            swap(a, i, j);
        }
        /* [lo, j] <= pivot <= [j+1, hi]; recurse into the smaller half */
        if (j - lo < hi - j) { quicksort(a, lo, j); lo = j + 1; }
        else { quicksort(a, j + 1, hi); hi = j; }
    }
    insertion_sort(a, lo, hi);
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 1000000);
    int32_t *a = malloc((size_t)n * sizeof *a);
    if (!a) bench_fail("malloc");
    uint64_t c = 0;
    for (int round = 0; round < 3; round++) {
        uint32_t s = 1000u + (uint32_t)round * 7777u;
        for (long i = 0; i < n; i++) a[i] = (int32_t)lcg_next(&s);
        quicksort(a, 0, n - 1);
        uint64_t sum = 0;
        for (long i = 0; i < n; i++) {
            if (i && a[i - 1] > a[i]) bench_fail("not sorted");
            sum += (uint64_t)(uint32_t)a[i] * (uint64_t)(i % 1021 + 1);
        }
        c = mix64(c, sum);
    }
    print_checksum(c);
    return 0;
}
