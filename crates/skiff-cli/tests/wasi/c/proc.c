// proc_exit and proc_raise. The first argument picks what to do, so that each
// run ends in exactly one way:
//   exit N    raw proc_exit(N) after printing a line
//   return N  return N from main (wasi-libc then calls proc_exit)
//   raise N   proc_raise(N), then report its errno
#include "common.h"

// Current wasi-libc headers no longer declare proc_raise, but the import is
// still part of wasi_snapshot_preview1.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t raw_proc_raise(int32_t sig);

int main(int argc, char **argv) {
    if (argc != 3) {
        printf("usage: proc exit|return|raise N\n");
        return 1;
    }
    int n = atoi(argv[2]);
    printf("before %s %d\n", argv[1], n);
    if (strcmp(argv[1], "exit") == 0) {
        __wasi_proc_exit((__wasi_exitcode_t)n);
    } else if (strcmp(argv[1], "return") == 0) {
        return n;
    } else if (strcmp(argv[1], "raise") == 0) {
        report("proc_raise", raw_proc_raise(n));
        return 0;
    }
    printf("after %s\n", argv[1]);
    return 0;
}
