/* benches/run.py runs this with every runtime before the SIMD programs, to
 * tell a runtime that cannot run SIMD-128 modules at all (it refuses this
 * one: "unsupported") from one that runs them wrongly (its runs of the
 * SIMD programs fail on their checksums). It must print `checksum: 4950`.
 * Built by benches/programs/build.sh with -msimd128. */
#include <stdio.h>
#include <wasm_simd128.h>

int main(int argc, char **argv) {
    (void)argv;
    /* lanes start at argc - 1 (0 when run without arguments) */
    v128_t acc = wasm_i32x4_splat(argc - 1);
    v128_t step = wasm_i32x4_make(0, 1, 2, 3);
    for (int i = 0; i < 100; i += 4) {
        acc = wasm_i32x4_add(acc, step);
        step = wasm_i32x4_add(step, wasm_i32x4_splat(4));
    }
    int sum = wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
              wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
    printf("checksum: %d\n", sum);
    return 0;
}
