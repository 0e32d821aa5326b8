/* Quicksort (median-of-three, insertion sort for small ranges) of n
 * pseudo-random 32-bit ints generated in-guest with an LCG.
 * Returns a position-weighted checksum of the sorted array. */
#include <stdint.h>

#define MAX_N (1u << 20) /* 1M ints = 4 MiB */

static uint32_t data[MAX_N];

__attribute__((noinline)) static void insertion_sort(uint32_t *a, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static inline void swap(uint32_t *a, int i, int j) {
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

__attribute__((noinline)) static void quicksort(uint32_t *a, int lo, int hi) {
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        uint32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                swap(a, i, j);
                i++;
                j--;
            }
        }
        /* Recurse into the smaller half, loop on the larger one. */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

int64_t run(int32_t n) {
    uint32_t count = (uint32_t)n;
    if (count > MAX_N) count = MAX_N;
    uint32_t x = 12345u;
    for (uint32_t i = 0; i < count; i++) {
        x = x * 1664525u + 1013904223u;
        data[i] = x ^ (x >> 13);
    }
    if (count > 1) quicksort(data, 0, (int)count - 1);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (i > 0 && data[i - 1] > data[i]) return -1; /* not sorted */
        sum = sum * 31u + (uint64_t)data[i] * (i + 1);
    }
    return (int64_t)sum;
}
