/* hello: startup cost only. Prints a greeting and a zero checksum, so the
 * time measured is loading, validating/compiling and instantiating a small
 * libc-linked module plus process start and exit. */
#include "bench.h"

int main(int argc, char **argv) {
    (void)bench_size(argc, argv, 1);
    printf("hello\n");
    print_checksum(0);
    return 0;
}
