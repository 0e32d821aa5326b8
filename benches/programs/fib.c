/* fib: the doubly recursive Fibonacci function, fib(size). Almost nothing
 * but calls and returns: measures call overhead and frame setup. The
 * function is kept out of line and both calls are real (the compiler may
 * turn one of them into a loop, as it would for any native target).
 * Checksum: fib(size). */
#include "bench.h"

__attribute__((noinline)) static uint32_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 38);
    print_checksum(fib((uint32_t)n));
    return 0;
}
