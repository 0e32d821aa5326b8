/* crc32: the reflected CRC-32 used by zlib and Ethernet (polynomial
 * 0xEDB88320), table-driven and byte at a time, over a 1 MiB generated
 * buffer `size` times, each pass seeded with the previous CRC so passes
 * chain. Integer work dominated by a load-xor-shift loop with a table
 * lookup. A known-answer test ("123456789" -> 0xCBF43926) runs first.
 * Checksum: the final CRC combined with the pass count. */
#include "bench.h"

static uint32_t table[256];

static void make_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len) {
    crc = ~crc;
    for (size_t i = 0; i < len; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

#define BUF_LEN (1024 * 1024)

int main(int argc, char **argv) {
    long passes = bench_size(argc, argv, 120);
    make_table();
    if (crc32_update(0, (const uint8_t *)"123456789", 9) != 0xCBF43926u) bench_fail("crc32(\"123456789\")");

    static uint8_t buf[BUF_LEN];
    uint32_t seed = 777;
    for (size_t i = 0; i < BUF_LEN; i++) buf[i] = (uint8_t)(lcg_next(&seed) >> 23);

    uint32_t crc = 0;
    uint64_t c = 0;
    for (long p = 0; p < passes; p++) {
        crc = crc32_update(crc, buf + (p & 63), BUF_LEN - 64);
        c = mix64(c, crc);
    }
    print_checksum(c);
    return 0;
}
