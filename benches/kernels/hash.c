/* Hashing kernel: fills a 64 KiB buffer with LCG bytes, then repeatedly
 * hashes it with FNV-1a (64-bit) and a multiply-rotate word mix, feeding
 * each round's result back into the buffer. Returns the final digest. */
#include <stdint.h>

#define BUF_LEN 65536u

static uint8_t buf[BUF_LEN];

__attribute__((noinline)) static uint64_t fnv1a(const uint8_t *p, uint32_t len, uint64_t h) {
    for (uint32_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static inline uint64_t rotl64(uint64_t v, int r) { return (v << r) | (v >> (64 - r)); }

__attribute__((noinline)) static uint64_t wordmix(const uint8_t *p, uint32_t len, uint64_t seed) {
    uint64_t a = seed ^ 0x9e3779b97f4a7c15ull, b = 0xc2b2ae3d27d4eb4full;
    for (uint32_t i = 0; i + 8 <= len; i += 8) {
        uint64_t w = (uint64_t)p[i] | (uint64_t)p[i + 1] << 8 | (uint64_t)p[i + 2] << 16 |
                     (uint64_t)p[i + 3] << 24 | (uint64_t)p[i + 4] << 32 |
                     (uint64_t)p[i + 5] << 40 | (uint64_t)p[i + 6] << 48 |
                     (uint64_t)p[i + 7] << 56;
        a = rotl64(a ^ (w * 0x87c37b91114253d5ull), 31) * 0x4cf5ad432745937full;
        b = rotl64(b + a, 27) * 5 + 0x52dce729;
    }
    return a ^ rotl64(b, 17);
}

int64_t run(int32_t n) {
    uint32_t x = 0xdeadbeefu;
    for (uint32_t i = 0; i < BUF_LEN; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    uint64_t digest = 0xcbf29ce484222325ull;
    for (int32_t r = 0; r < n; r++) {
        digest = fnv1a(buf, BUF_LEN, digest);
        digest ^= wordmix(buf, BUF_LEN, digest);
        /* Perturb the buffer so rounds cannot be short-circuited. */
        buf[(uint32_t)digest & (BUF_LEN - 1)] ^= (uint8_t)(digest >> 56);
    }
    return (int64_t)digest;
}
